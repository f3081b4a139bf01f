#!/usr/bin/env bash
# An existing server's jar alone against the same jar under herd (--jar): requests/s, p99 and
# requests per CPU-second of the server's whole process tree, keep-alive (wrk -t1 -c50) after a
# warm-up, interleaved repetitions.
#   bench/jar.sh                                     examples/spring-boot-tomcat, 3 repetitions of 10 s
#   JAR=examples/quarkus/target/quarkus-app/quarkus-run.jar REPS=1 bench/jar.sh
# Servers:
#   alone   java -XX:+UseSerialGC -jar JAR, on PORT as its framework is told (one JVM; start_jar_alone)
#   herd    herd serve --jar JAR --handlers 2 (two JVMs on one socket)
# Load goes to 127.0.0.1 only and is bounded in time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
need_peer_helpers

JAR=${JAR:-$root/examples/spring-boot-tomcat/target/spring-boot-tomcat.jar}
REPS=${REPS:-3}; DURATION=${DURATION:-10}; WARMUP=${WARMUP:-10}; CONNS=${CONNS:-50}
SERVERS=${SERVERS:-alone herd}
HZ=$(getconf CLK_TCK)

"$root/bench/install-tools.sh" wrk >/dev/null
bench_setup jar

start() {
  local port=$2 admin
  case $1 in
    alone)
      start_jar_alone "$JAR" "$port" "$work/alone.log" ;;
    herd)
      admin=$(free_port)
      # Without the application's AOT cache: its training would run beside the measurement.
      setsid "$root/herd" serve --jar "$JAR" --jar-aot off --handlers 2 --bind "127.0.0.1:$port" --admin "127.0.0.1:$admin" \
        </dev/null >"$work/herd.log" 2>&1 &
      SERVER_PID=$! ;;
    *) echo "unknown server $1" >&2; return 2 ;;
  esac
  await_serving "$port"
}

echo "$(basename "$JAR"): wrk -t1 -c$CONNS -d${DURATION}s keep-alive after ${WARMUP}s of warm-up load;" \
  "$REPS repetitions, interleaved; 127.0.0.1, $(nproc) CPUs shared"
rows="$work/rows"
for rep in $(seq 1 "$REPS"); do
  for server in $SERVERS; do
    port=$(free_port)
    start "$server" "$port"
    # With two handlers, GET / reaches each only once both are up: warm both before measuring.
    wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
    c0=$(tree_cpu_ticks "$SERVER_PID")
    out=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/" 2>&1 || true)
    c1=$(tree_cpu_ticks "$SERVER_PID")
    awk -v s="$server" -v ticks=$((c1 - c0)) -v hz="$HZ" '
      /requests in/ { n = $1 }
      /Requests\/sec:/ { rps = $2 }
      /^ +99%/ { p = $2; ms = (p ~ /us$/) ? p / 1000 : ((p ~ /ms$/) ? p + 0 : p * 1000) }
      /Socket errors|Non-2xx/ { err = err " " $0 }
      END { cpu = ticks / hz; printf "| %s | %.0f | %.2f | %.0f | %s |\n", s, rps, ms, (cpu > 0 ? n / cpu : 0),
            (err == "" ? "none" : err) }' <<<"$out" | tee -a "$rows"
    stop_tree "$SERVER_PID"; SERVER_PID=''
  done
done

echo
echo "| server | req/s | p99 ms | req per server CPU-s | errors |"
echo "|---|---|---|---|---|"
cat "$rows"
