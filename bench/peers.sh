#!/usr/bin/env bash
# herd side by side with the peer servers (nginx, Apache, Gunicorn, uWSGI, the JDK HttpServer) in
# one run of the shared peer harness (../shared/bench/peers): the harness is copied to a temp dir
# and herd is added to it as more peers, so every server is measured the same way, in the same
# interleaved repetitions. After the harness's tables, the output ends with herd's standing
# (bench/standing.py, also written to standing.md in the result dir): a table of the figures of
# every peer (medians), and one of the ratios of herd's figures to each other peer's, marked where
# they meet the project's targets.
#
#   bench/peers.sh                                   herd, herd-t2, nginx and netty, 3 repetitions
#   bench/peers.sh --quick                           a fast look: herd, nginx and netty, 1 repetition
#                                                    of 5 s (REPS=1 DURATION=5 WARMUP=2 EXTRA=0
#                                                    PEERS="herd nginx netty", each unless set)
#   PEERS="herd nginx netty uwsgi java-httpserver" bench/peers.sh
#   PEERS="herd-api-loop herd-api-vt herd-demo-t1 herd-jdk jdk-program" bench/peers.sh   applications
#   HERD_REF=herd-t2 bench/peers.sh                  ratios of herd-t2 (default: the first herd* peer)
#   bench/standing.py bench/results/STAMP            print an earlier run's standing again
#
# Peers added (herd's each with 2 handler processes):
#   herd           `herd serve --handlers 2` (defaults: --threads auto, one loop per CPU over the pool), the demo app
#   herd-t2        `--handlers 2 --threads 2` (two loops per process: twice as many loops as CPUs here)
#   herd-base      `herd serve --handlers 2` of another build: BASE_LAUNCHER=/path/to/other/checkout/herd, e.g. a
#                  worktree of the commit before a change (build it first with its ./herd build)
#   herd-pin       `--handlers 2 --cpu-affinity auto` (each handler's loop bound to a CPU of its own)
#   herd-api-loop  the herd API hello world (examples/hello HelloLoop) on the event loop, --threads 1
#   herd-api-vt    the same on a virtual thread per request (HelloVirtual), --threads 1
#   herd-demo-t1   the demo app, --threads 1: what herd-api-loop and herd-api-vt compare with
#   herd-jdk       the unmodified JDK HttpServer program of examples/jdk-httpserver under herd, --threads 1
#   jdk-program    that same program run by the JDK itself (one process, its default executor)
#   netty          one JVM with 2 event loops on Netty's native epoll transport (herd-bench SingleNetty),
#                  sized as the harness's java-httpserver-small: the "why processes?" baseline
# Every other knob of the harness (REPS DURATION CONNS EXTRA ...) works as its README says.
# Load goes to 127.0.0.1 only and is bounded in time. Results: bench/results/<UTC stamp>/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$*" in
  "") ;;
  --quick)
    export REPS="${REPS:-1}" DURATION="${DURATION:-5}" WARMUP="${WARMUP:-2}" EXTRA="${EXTRA:-0}" \
      PEERS="${PEERS:-herd nginx netty}" ;;
  --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "usage: bench/peers.sh [--quick | --help]" >&2; exit 2 ;;
esac
peers_dir="${PEERS_DIR:-$root/../shared/bench/peers}"
[ -f "$peers_dir/run.sh" ] || { echo "peer harness not found at $peers_dir (set PEERS_DIR)" >&2; exit 2; }

"$root/herd" build
work="$(mktemp -d /tmp/herd-peers.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -r "$peers_dir"/. "$work/"
rm -rf "$work/results"

cat >>"$work/lib/servers.sh" <<EOS

# --- added by herd's bench/peers.sh ---
HERD="$root/herd"
PEER_DESC[herd]='herd serve --handlers 2 (defaults: one event loop per CPU over the pool), admin off, demo app'
PEER_DESC[herd-t2]='herd serve --handlers 2 --threads 2, admin off, demo app'
start_herd() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2; }
start_herd_t2() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2 --threads 2; }
PEER_DESC[herd-base]="herd serve --handlers 2 of the build at \$BASE_LAUNCHER (another checkout's launcher), admin off, demo app"
start_herd_base() { _launch "\$2" "\$BASE_LAUNCHER" serve --bind "127.0.0.1:\$1" --admin off --handlers 2; }
PEER_DESC[herd-pin]='herd serve --handlers 2 --cpu-affinity auto, admin off, demo app'
start_herd_pin() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2 --cpu-affinity auto; }
EXAMPLES="$root/examples"
JAVA25="$("$root/herd" java-home)/bin/java"
PEER_DESC[herd-api-loop]='herd serve --handlers 2 --threads 1, herd API hello world on the event loop (examples/hello HelloLoop)'
PEER_DESC[herd-api-vt]='herd serve --handlers 2 --threads 1, herd API hello world on virtual threads (examples/hello HelloVirtual)'
PEER_DESC[herd-demo-t1]='herd serve --handlers 2 --threads 1, built-in demo app (the baseline of herd-api-*)'
PEER_DESC[herd-jdk]='herd serve --handlers 2 --threads 1 --main: the unmodified JDK HttpServer program of examples/jdk-httpserver'
PEER_DESC[jdk-program]='the same JDK HttpServer program run by java itself: one process, default executor'
start_herd_api_loop() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2 --threads 1 \
  --app dev.herd.examples.hello.HelloLoop --classpath "\$EXAMPLES/hello/target/hello.jar"; }
start_herd_api_vt() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2 --threads 1 \
  --app dev.herd.examples.hello.HelloVirtual --classpath "\$EXAMPLES/hello/target/hello.jar"; }
start_herd_demo_t1() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2 --threads 1; }
start_herd_jdk() { _launch "\$2" "\$HERD" serve --bind "127.0.0.1:\$1" --admin off --handlers 2 --threads 1 \
  --main dev.herd.examples.jdkhttp.Main --classpath "\$EXAMPLES/jdk-httpserver/target/jdk-httpserver.jar" -- "\$1"; }
start_jdk_program() { _launch "\$2" "\$JAVA25" -XX:+UseSerialGC -Xms16m -Xmx64m \
  -cp "\$EXAMPLES/jdk-httpserver/target/jdk-httpserver.jar" dev.herd.examples.jdkhttp.Main "\$1"; }
BENCH_JAR="$(ls "$root"/herd-bench/target/herd-bench-*.jar 2>/dev/null | head -n 1)"
BENCH_CLASSPATH="$root/herd-bench/target/runtime.classpath"
PEER_DESC[netty]='single-process Netty (epoll), one JVM, 2 event loops: the "why processes?" baseline'
# shellcheck disable=SC2086  # JAVA_SMALL_OPTS: the JVM sizing of java-httpserver-small, a word list
start_netty() { _launch "\$2" "\$JAVA25" \$JAVA_SMALL_OPTS --enable-native-access=ALL-UNNAMED \
  -cp "\$BENCH_JAR:\$(cat "\$BENCH_CLASSPATH")" dev.herd.bench.SingleNetty "\$1" 2 epoll; }
eval "original_\$(declare -f peer_available)"
peer_available() {
  case \$1 in
    herd | herd-t2 | herd-pin | herd-demo-t1) [ -x "\$HERD" ] || echo "herd launcher missing" ;;
    herd-base) [ -x "\${BASE_LAUNCHER:-}" ] || echo "BASE_LAUNCHER names no herd launcher" ;;
    herd-api-loop | herd-api-vt) [ -f "\$EXAMPLES/hello/target/hello.jar" ] || echo "examples/hello not built" ;;
    herd-jdk | jdk-program) [ -f "\$EXAMPLES/jdk-httpserver/target/jdk-httpserver.jar" ] || echo "examples/jdk-httpserver not built" ;;
    netty) [ -f "\$BENCH_JAR" ] && [ -f "\$BENCH_CLASSPATH" ] || echo "herd-bench not built" ;;
    *) original_peer_available "\$1" ;;
  esac
}
EOS
sed -i 's/^ALL_PEERS="nginx/ALL_PEERS="herd herd-base herd-t2 herd-pin herd-api-loop herd-api-vt herd-demo-t1 herd-jdk jdk-program netty nginx/' "$work/run.sh"
grep -q '^ALL_PEERS="herd herd-base herd-t2 herd-pin herd-api-loop' "$work/run.sh" || { echo "the peer harness changed: ALL_PEERS not found" >&2; exit 1; }

export OUT="${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}"
export PEERS="${PEERS:-herd herd-t2 nginx netty}"
mkdir -p "$OUT"
bash "$work/run.sh"
echo
python3 "$root/bench/standing.py" "$OUT"
