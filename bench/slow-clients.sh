#!/usr/bin/env bash
# Slow clients: an open-loop load of new connections (GET /) alone, then the same load while
# HEADS connections trickle their request heads (a byte every 500 ms, never ending them) and
# BODIES connections stop halfway through a body (herd-bench SlowClients); then how long the
# server held each slow client and what it answered. Each server runs with its defaults:
#   herd    herd serve --handlers 2 (--header-timeout 20s, --body-timeout 20s)
#   nginx   2 workers, return 200 (client_header_timeout and client_body_timeout 60s)
#   bench/slow-clients.sh                               herd and nginx; 300 heads, 100 bodies, 500 req/s for 5 s
#   HEADS=500 BODIES=200 RATE=1000 SECONDS_=5 CAP=90 SERVERS=herd bench/slow-clients.sh
# Load goes to 127.0.0.1 only and is bounded in count and time (CAP: the longest a slow client waits).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
HEADS=${HEADS:-300}; BODIES=${BODIES:-100}; RATE=${RATE:-500}; SECONDS_=${SECONDS_:-5}; CAP=${CAP:-90}
SERVERS=${SERVERS:-herd nginx}

bench_setup slow
ulimit -n 65536 2>/dev/null || true

for server in $SERVERS; do
  port=$(free_port)
  case $server in
    herd)
      setsid "$root/herd" serve --bind "127.0.0.1:$port" --admin off --handlers 2 \
        </dev/null >"$work/herd.log" 2>&1 & SERVER_PID=$! ;;
    nginx)
      start_nginx_conf "$work/nginx" "$port" "$work/nginx.log" "" \
        'location / { default_type text/plain; return 200 "Hello, World!"; }' ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  await_serving "$port"
  echo "== $server"
  "$java" @"$root/herd-common/src/main/resources/dev/herd/os/every-jvm.args" -cp "$classpath" dev.herd.bench.SlowClients \
    "$port" "$HEADS" "$BODIES" "$RATE" "$SECONDS_" "$CAP"
  stop_session
done
