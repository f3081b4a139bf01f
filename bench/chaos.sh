#!/usr/bin/env bash
# Faults under load: CLIENTS closed-loop clients (half a new connection per request, half
# keep-alive) run SECONDS undisturbed, then SECONDS while a random worker is killed with SIGKILL
# every 500 ms (herd-bench Chaos). Reports requests sent, succeeded and failed, the rate during the
# chaos against the undisturbed one, and failures per kill.
#   herd          herd serve --handlers 2 (a dead handler is replaced by a cold JVM)
#   herd-standby  herd serve --handlers 2 --standby 2 (a warm standby replaces it at once)
#   nginx         2 workers, return 200 (the master forks a new worker)
#   bench/chaos.sh                                   all three; 16 clients, 30 s per phase
#   CLIENTS=8 SECONDS_=10 SERVERS="herd nginx" bench/chaos.sh
# Load goes to 127.0.0.1 only and is bounded in time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
CLIENTS=${CLIENTS:-16}; SECONDS_=${SECONDS_:-30}
SERVERS=${SERVERS:-herd herd-standby nginx}

bench_setup chaos

for server in $SERVERS; do
  port=$(free_port); admin=$(free_port)
  case $server in
    herd|herd-standby)
      extra=(); [ "$server" != herd-standby ] || extra=(--standby 2)
      setsid "$root/herd" serve --bind "127.0.0.1:$port" --admin "127.0.0.1:$admin" --handlers 2 "${extra[@]}" \
        </dev/null >"$work/$server.log" 2>&1 & SERVER_PID=$!
      workers="herd:$admin" ;;
    nginx)
      start_nginx_conf "$work/nginx" "$port" "$work/nginx.log" "" \
        'location / { default_type text/plain; return 200 "Hello, World!"; }'
      workers="children:$SERVER_PID" ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  await_serving "$port"
  echo "== $server"
  "$java" @"$root/herd-common/src/main/resources/dev/herd/os/every-jvm.args" -cp "$classpath" dev.herd.bench.Chaos \
    "$port" "$workers" "$CLIENTS" "$SECONDS_"
  if [ "$server" != nginx ]; then
    echo "handlers the spawner saw killed: $(grep -c "killed by SIGKILL" "$work/$server.log" || true)"
  fi
  stop_session
done
