#!/usr/bin/env bash
# Start-up time, boot CPU and memory of handler processes: how long from spawn to accepting, how
# much CPU a boot costs, and how much memory each process really costs (private dirty pages and
# PSS, from /proc/PID/smaps_rollup), idle and after load.
#
#   bench/footprint.sh                          5 rounds, defaults
#   ROUNDS=3 bench/footprint.sh --handler-jvm-opts "-Xmx32m ..."    any serve options after the script
#
# Each round starts `herd serve` (as a user would, through ./herd) twice: with one handler (it
# boots alone) and with two (they boot together, as after a scale-up or a reload), reads each
# handler's own "ready ... N ms after spawn" line and its CPU time then, waits until the handlers'
# CPU time stops growing (the JIT compiles for a while after ready; at most 15 s), reads their CPU
# time again and, 6 s later, the memory of the spawner and of each handler (idle); then again 6 s
# after a short keep-alive and connection-per-request load (wrk, 3 s each, 127.0.0.1 only). Prints
# the medians and ranges over the rounds.
set -euo pipefail
trap 'echo "footprint.sh: failed at line $LINENO" >&2' ERR

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=${ROUNDS:-5}
PORT=${PORT:-28470}
"$root/bench/install-tools.sh" wrk
"$root/herd" build
work="$(mktemp -d /tmp/herd-footprint.XXXXXX)"
server=''
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# kib PID FIELD: a field of /proc/PID/smaps_rollup (Pss, Private_Dirty), in KiB.
kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/smaps_rollup"; }
# cpu_ms PID: the process's user and system CPU time so far.
tick=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$tick" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat"; }
handlers() { pgrep -P "$server"; }

# sample TAG HANDLERS: one line per process: TAG handlers role pss_kib private_kib.
sample() {
  local p
  echo "$1 $2 spawner $(kib "$server" Pss) $(kib "$server" Private_Dirty)"
  for p in $(handlers); do echo "$1 $2 handler $(kib "$p" Pss) $(kib "$p" Private_Dirty)"; done
}

# settle: waits until the handlers' CPU time grew by less than 20 ms in half a second (at most 15 s).
settle() {
  local before after deadline=$((SECONDS + 15))
  after="$(for p in $(handlers); do cpu_ms "$p"; done | awk '{s += $1} END {print s + 0}')"
  while ((SECONDS < deadline)); do
    before=$after
    sleep 0.5
    after="$(for p in $(handlers); do cpu_ms "$p"; done | awk '{s += $1} END {print s + 0}')"
    ((after - before >= 20)) || break
  done
}

# round HANDLERS: one server start, its figures appended to $work/figures.
round() {
  local n=$1 log="$work/serve-$1.log" deadline
  "$root/herd" serve --bind "127.0.0.1:$PORT" --admin off --handlers "$n" "${@:2}" >"$log" 2>&1 &
  server=$!
  deadline=$((SECONDS + 60))
  until [ "$(grep -cE '\[handler [0-9]+ [0-9]+\] ready: .* ms after spawn$' "$log")" -ge "$n" ]; do
    ((SECONDS < deadline)) || { echo "herd did not get $n handlers ready; its log:" >&2; cat "$log" >&2; exit 1; }
    kill -0 "$server" 2>/dev/null || { echo "herd exited; its log:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  grep -E '\[handler [0-9]+ [0-9]+\] ready: ' "$log" | sed -E 's/.*, ([0-9]+) ms after spawn$/ready '"$n"' \1/' >>"$work/figures"
  for p in $(handlers); do echo "cpu-ready $n $(cpu_ms "$p")"; done >>"$work/figures"
  settle
  for p in $(handlers); do echo "cpu-settled $n $(cpu_ms "$p")"; done >>"$work/figures"
  sleep 6 # what the JIT freed goes back to the C library within 5 s, and to the OS within 1 s more
  sample idle "$n" >>"$work/figures"
  wrk -t1 -c50 -d3s "http://127.0.0.1:$PORT/" >/dev/null
  wrk -t1 -c50 -d3s -H 'Connection: close' "http://127.0.0.1:$PORT/" >/dev/null
  sleep 6
  sample load "$n" >>"$work/figures"
  kill -TERM "$server"
  wait "$server" || true
  server=''
}

: >"$work/figures"
for ((r = 1; r <= ROUNDS; r++)); do
  echo "round $r of $ROUNDS" >&2
  round 1 "$@"
  round 2 "$@"
done

python3 - "$work/figures" "$ROUNDS" "$*" <<'EOF'
import statistics, sys
from collections import defaultdict
rows = [line.split() for line in open(sys.argv[1])]
ready, cpu, mem = defaultdict(list), defaultdict(list), defaultdict(list)
for r in rows:
    if r[0] == "ready":
        ready[int(r[1])].append(int(r[2]))
    elif r[0].startswith("cpu-"):
        cpu[(r[0], int(r[1]))].append(int(r[2]) / 1000)
    else:
        tag, n, role, pss, private = r
        mem[(tag, int(n), role, "pss")].append(int(pss) / 1024)
        mem[(tag, int(n), role, "private")].append(int(private) / 1024)
def cell(v, fmt="{:.0f}"):
    if not v:
        return "n/a"
    med, lo, hi = (fmt.format(x) for x in (statistics.median(v), min(v), max(v)))
    return med if lo == hi else f"{med} [{lo}–{hi}]"
print(f"\nhandler start-up and memory, {sys.argv[2]} rounds, serve options: {sys.argv[3] or '(defaults)'}")
print("cells: median [min–max] per handler; memory in MiB, private (dirty) and PSS from /proc/PID/smaps_rollup\n")
print("| | 1 handler | 2 handlers started together |")
print("|---|---|---|")
print(f"| spawn to accepting, ms | {cell(ready[1])} | {cell(ready[2])} |")
print(f"| CPU-s at accepting | {cell(cpu[('cpu-ready', 1)], '{:.2f}')} | {cell(cpu[('cpu-ready', 2)], '{:.2f}')} |")
print(f"| CPU-s once the JIT settled | {cell(cpu[('cpu-settled', 1)], '{:.2f}')} | {cell(cpu[('cpu-settled', 2)], '{:.2f}')} |")
for tag, what in (("idle", "idle"), ("load", "6 s after 6 s of load")):
    for role in ("handler", "spawner"):
        for kind in ("private", "pss"):
            print(f"| {role} {'private' if kind == 'private' else 'PSS'}, {what} | " + " | ".join(
                cell(mem[(tag, n, role, kind)], "{:.1f}") for n in (1, 2)) + " |")
EOF
