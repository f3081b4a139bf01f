#!/usr/bin/env bash
# How long an existing server's jar takes to serve, and the memory of its JVM: alone (java -jar,
# from the launch to the first 200 on GET /, polled every 20 ms), as a handler of herd serve --jar
# --handlers 1 --jar-aot off (from its spawn to ready, as herd's log says), and the same with the
# application's AOT cache (trained first with herd train); private (dirty) memory and PSS of the
# JVM from /proc/PID/smaps_rollup a second after it serves. Interleaved repetitions, medians.
#   bench/jar-start.sh                          the six examples of existing servers, 3 repetitions
#   JARS=examples/quarkus/target/quarkus-app/quarkus-run.jar REPS=5 bench/jar-start.sh
# Load: a GET / every 20 ms while a server starts, to 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
need_peer_helpers

REPS=${REPS:-3}
SERVERS=alone
JARS=${JARS:-"examples/spring-boot-tomcat/target/spring-boot-tomcat.jar examples/spring-boot-jetty/target/spring-boot-jetty.jar
  examples/micronaut/target/micronaut.jar examples/quarkus/target/quarkus-app/quarkus-run.jar
  examples/helidon-se/target/helidon-se.jar examples/javalin/target/javalin.jar"}
bench_setup jar-start

# memory PID: "PRIVATE_KIB PSS_KIB" of the process.
memory() {
  awk '/^Private_Dirty:/ { p = $2 } /^Pss:/ { s = $2 } END { print p + 0, s + 0 }' "/proc/$1/smaps_rollup"
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# alone JAR: "START_MS PRIVATE_KIB PSS_KIB"
alone() {
  local port t0 t1
  port=$(free_port)
  t0=$(now_ms)
  start_jar_alone "$root/$1" "$port" "$work/alone.log"
  for _ in $(seq 1 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" = 200 ] && break
    sleep 0.02
  done
  t1=$(now_ms)
  sleep 1
  echo "$((t1 - t0)) $(memory "$SERVER_PID")"
  stop_tree "$SERVER_PID"; SERVER_PID=''
}

# under_herd JAR AOT: "READY_MS PRIVATE_KIB PSS_KIB" of its one handler, with --jar-aot AOT
under_herd() {
  local port admin ready pid
  port=$(free_port); admin=$(free_port)
  setsid "$root/herd" serve --jar "$root/$1" --jar-aot "$2" --handlers 1 --bind "127.0.0.1:$port" \
    --admin "127.0.0.1:$admin" </dev/null >"$work/herd.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 3000); do
    ready=$(sed -n 's/.*handler 0 (pid \([0-9]*\), generation 1) ready \([0-9]*\) ms after spawn.*/\1 \2/p' "$work/herd.log")
    [ -z "$ready" ] || break
    sleep 0.02
  done
  pid=${ready% *}
  sleep 1
  echo "${ready#* } $(memory "$pid")"
  stop_tree "$SERVER_PID"; SERVER_PID=''
}

echo "start to serving and memory, alone and under herd --jar --handlers 1; $REPS repetitions, interleaved;" \
  "$(nproc) CPUs shared"
for jar in $JARS; do
  "$root/herd" train --jar "$root/$jar" --jar-aot "$work/aot" | tail -n 1 >&2
done
for rep in $(seq 1 "$REPS"); do
  for jar in $JARS; do
    echo "$jar alone $(alone "$jar")" | tee -a "$work/rows" >&2
    echo "$jar herd $(under_herd "$jar" off)" | tee -a "$work/rows" >&2
    echo "$jar aot $(under_herd "$jar" "$work/aot")" | tee -a "$work/rows" >&2
  done
done

echo
echo "| jar | alone: start ms | under herd: ready ms | with its AOT cache | private MiB alone / herd / AOT | PSS MiB alone / herd / AOT |"
echo "|---|---|---|---|---|---|"
for jar in $JARS; do
  awk -v jar="$jar" '
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == jar && $2 == "alone" { na++; sa[na] = $3; pa[na] = $4; qa[na] = $5 }
    $1 == jar && $2 == "herd" { nh++; sh[nh] = $3; ph[nh] = $4; qh[nh] = $5 }
    $1 == jar && $2 == "aot" { nc++; sc[nc] = $3; pc[nc] = $4; qc[nc] = $5 }
    END { name = jar; sub(/.*\//, "", name)
      printf "| %s | %d | %d | %d | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f |\n", name, median(sa, na), median(sh, nh),
        median(sc, nc), median(pa, na) / 1024, median(ph, nh) / 1024, median(pc, nc) / 1024,
        median(qa, na) / 1024, median(qh, nh) / 1024, median(qc, nc) / 1024 }' "$work/rows"
done
