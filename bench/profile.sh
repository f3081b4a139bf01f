#!/usr/bin/env bash
# Where a handler's CPU goes under load: async-profiler (from Maven Central) on one handler of
# `herd serve --handlers 1`, with the handler JVM options in force plus the profiler agent, while
# wrk -t1 -c50 loads it (keep-alive, or MODE=close for a new connection per request).
#   bench/profile.sh                       15 s of keep-alive load
#   MODE=close DURATION=10 bench/profile.sh -- --accept exclusive      serve options after --
#   TARGET=/big.bin bench/profile.sh -- --static DIR                  another request target than /
#   SCHEME=https bench/profile.sh -- --tls-cert C --tls-key K          over TLS
# Prints the hottest frames and writes a collapsed-stack file (for flame graphs) to
# bench/results/profile-<UTC stamp>/. The agent changes the JVM options, so the handler starts
# without the AOT cache: the first seconds of load are discarded. Load goes to 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=4.1
mode=${MODE:-keepalive}
seconds=${DURATION:-15}
target=${TARGET:-/}
scheme=${SCHEME:-http}
[ "${1:-}" = -- ] && shift
"$root/bench/install-tools.sh" wrk
"$root/herd" build
export JAVA_HOME="$("$root/herd" java-home)"

jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
[ -f "$jar" ] || mvn -B -q -ntp dependency:get -Dtransitive=false -Dartifact="tools.profiler:async-profiler:$version"
case "$(uname -m)" in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) echo "no profiler for $(uname -m)" >&2; exit 2 ;; esac
lib="$root/herd-bench/target/async-profiler/$arch/libasyncProfiler.so"
[ -f "$lib" ] || (mkdir -p "$root/herd-bench/target/async-profiler" && cd "$root/herd-bench/target/async-profiler" \
    && unzip -q -o "$jar" "$arch/libasyncProfiler.so")

out="$root/bench/results/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
opts="$("$root/herd" config --json "$@" | python3 -c \
    "import json,sys; print(next(s['value'] for s in json.load(sys.stdin)['settings'] if s['name'] == 'handler-jvm-opts'))")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$root/herd" serve --bind "127.0.0.1:$port" --admin off --handlers 1 "$@" --handler-jvm-opts \
    "$opts -agentpath:$lib=start,event=cpu,interval=1ms,file=$out/handler.collapsed,collapsed" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sk -m1 -o /dev/null "$scheme://127.0.0.1:$port/" && break; sleep 0.2; done
header=()
[ "$mode" = close ] && header=(-H 'Connection: close')
wrk -t1 -c50 -d5s "${header[@]}" "$scheme://127.0.0.1:$port$target" >/dev/null
wrk -t1 -c50 -d"${seconds}s" "${header[@]}" "$scheme://127.0.0.1:$port$target" | grep -E 'Requests/sec|Latency'
kill -TERM "$server"
wait "$server" || true
trap - EXIT

python3 - "$out/handler.collapsed" <<'EOF'
import collections, sys
total, self_time, loop = 0, collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, _, n = line.rpartition(" ")
    n = int(n)
    total += n
    frames = stack.split(";")
    self_time[frames[-1]] += n
    loop += n if any("EpollIoHandler.run" in f or "NioIoHandler.run" in f for f in frames) else 0
print(f"\n{total} samples (1 ms of CPU each, start-up included); {100 * loop / total:.1f} % on the event loop")
print("\nhottest frames (self time):")
for frame, n in self_time.most_common(30):
    print(f"  {100 * n / total:5.1f} %  {frame}")
print(f"\ncollapsed stacks: {sys.argv[1]}")
EOF
