#!/usr/bin/env bash
# A paused process must not delay new connections: each server runs with 2 worker processes (the
# JVM baseline with one), one of them is stopped for 200 ms every second (SIGSTOP, SIGCONT: how a
# stop-the-world GC pause looks from outside) under an open-loop load of new connections, latency
# counted from each request's scheduled start (herd-bench PauseLoad); then the same load unpaused;
# then the paused load over 50 keep-alive connections, where the paused process's own connections
# must wait (the share of requests that did is reported).
#   bench/pause.sh                        herd, herd4, herd-excl, herd-rp, nginx, netty; 1000 req/s, 10 s, 3 rounds
#   SERVERS="boot herd-boot" bench/pause.sh   an existing server's jar alone, and under herd --jar
#   JAR=examples/micronaut/target/micronaut.jar SERVERS="boot herd-boot" bench/pause.sh
#   RATE=500 DURATION=5 ROUNDS=1 SERVERS="herd nginx" bench/pause.sh
# Servers:
#   herd        herd serve --handlers 2 (defaults); one handler is paused
#   herd4       herd serve --handlers 4; one handler is paused
#   herd-excl   herd serve --handlers 2 --accept exclusive (EPOLLEXCLUSIVE: the kernel wakes one waiting loop)
#   herd-rp     herd serve --handlers 2 --accept reuseport (a socket per handler: the kernel picks the handler)
#   nginx       nginx, 2 workers, return 200 "Hello, World!"; one worker is paused
#   netty       one JVM with 2 epoll loops (SingleNetty): the whole server is paused
#   boot        JAR (examples/spring-boot-tomcat's by default) alone (java -jar, one JVM): the whole server is paused
#   herd-boot   the same jar under herd serve --jar --handlers 3; one handler is paused
# Load goes to 127.0.0.1 only and is bounded in time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
RATE=${RATE:-1000}; DURATION=${DURATION:-10}; ROUNDS=${ROUNDS:-3}
SERVERS=${SERVERS:-herd herd4 herd-excl herd-rp nginx netty}

bench_setup pause
boot_jar=${JAR:-$root/examples/spring-boot-tomcat/target/spring-boot-tomcat.jar}

# start SERVER PORT ADMIN: starts it in a session of its own (SERVER_PID), waits until it serves,
# and sets VICTIM to the pid to pause.
start() {
  local port=$2 admin=$3
  case $1 in
    herd|herd4|herd-excl|herd-rp|herd-boot)
      local handlers=2 extra=()
      [ "$1" != herd4 ] || handlers=4
      [ "$1" != herd-excl ] || extra=(--accept exclusive)
      [ "$1" != herd-rp ] || extra=(--accept reuseport)
      [ "$1" != herd-boot ] || { handlers=3; extra=(--jar "$boot_jar" --jar-aot off); }
      setsid "$root/herd" serve --bind "127.0.0.1:$port" --admin "127.0.0.1:$admin" --handlers $handlers "${extra[@]}" \
        </dev/null >"$work/$1.log" 2>&1 & SERVER_PID=$!
      await_serving "$port"
      for _ in $(seq 1 600); do
        local pids
        pids=$(curl -s "http://127.0.0.1:$admin/status.json" | python3 -c \
          'import json,sys; print(" ".join(str(h["pid"]) for h in json.load(sys.stdin)["handlers"] if h["state"] in ("idle","busy")))')
        if [ "$(wc -w <<<"$pids")" = "$handlers" ]; then VICTIM=${pids%% *}; return 0; fi
        sleep 0.1
      done
      return 1 ;;
    nginx)
      start_nginx_conf "$work/nginx" "$port" "$work/nginx.log" "" \
        'location / { default_type text/plain; return 200 "Hello, World!"; }'
      await_serving "$port"
      VICTIM=$(pgrep -P "$SERVER_PID" | head -n 1) ;;
    netty)
      setsid "$java" -XX:+UseSerialGC -Xmx64m --sun-misc-unsafe-memory-access=allow -cp "$classpath" \
        dev.herd.bench.SingleNetty "$port" 2 </dev/null >"$work/netty.log" 2>&1 & SERVER_PID=$!
      await_serving "$port"
      VICTIM=$SERVER_PID ;;
    boot)
      start_jar_alone "$boot_jar" "$port" "$work/boot.log"
      await_serving "$port"
      VICTIM=$SERVER_PID ;;
    *) echo "unknown server $1" >&2; return 2 ;;
  esac
}

echo "pause isolation: one process stopped 200 ms every 1 s; open loop of $RATE new connections/s (GET /)" \
  "for $DURATION s, then unpaused, then $RATE req/s paused over 50 keep-alive connections;" \
  "$ROUNDS rounds, interleaved; 127.0.0.1, $(nproc) CPUs shared"
rows="$work/rows"
for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    port=$(free_port); admin=$(free_port)
    start "$server" "$port" "$admin"
    "$java" @"$root/herd-common/src/main/resources/dev/herd/os/every-jvm.args" -cp "$classpath" dev.herd.bench.PauseLoad \
      "$server" "$port" "$VICTIM" "$RATE" "$DURATION" | tee -a "$work/out" | grep -v '^|' >&2
    grep '^|' "$work/out" | tail -n 1 >>"$rows"
    stop_session
  done
done

echo
header='| server | new conn. paused p50 ms | p99 ms | p99.9 ms | max ms | > 20 ms | failed | unpaused p99 ms | keep-alive paused p99 ms | > 20 ms (waited) |'
echo "$header"
echo "|---|---|---|---|---|---|---|---|---|---|"
cat "$rows"
echo
echo "medians over rounds:"
python3 - "$rows" "$header" <<'PY'
import statistics, sys
by = {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip('|').split('|')]
    by.setdefault(cells[0], []).append(cells[1:])
print(sys.argv[2])
print("|---|---|---|---|---|---|---|---|---|---|")
for name, rows in by.items():
    med = lambda i: statistics.median(float(r[i].rstrip(' %')) for r in rows)
    print(f"| {name} | {med(0):.2f} | {med(1):.2f} | {med(2):.2f} | {med(3):.2f} | {med(4):.1f} % | "
          f"{sum(int(r[5]) for r in rows)} | {med(6):.2f} | {med(7):.2f} | {med(8):.1f} % |")
PY
