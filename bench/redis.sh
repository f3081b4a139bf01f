#!/usr/bin/env bash
# The Redis example on herd (examples/redis, event style, `--protocol tcp --handlers 2`, static
# scaling, admin off) against the real redis-server (Debian's package, one process, started here
# with its own config: 127.0.0.1, a free port, nothing saved), in one interleaved run.
#
#   bench/redis.sh                  N=100000 requests per test, REPS=3 repetitions
#   N=2000 REPS=1 bench/redis.sh    quick look
#
# Before measuring, both servers get an untimed pass of every test (WARMUP requests each, N by
# default): herd's JVMs start cold, and a JIT still compiling would be measured, not herd.
#
# Each repetition runs, for each server in turn (the order alternates), redis-benchmark
# (-c 50 connections) on each test (PING_INLINE, PING_MBULK, SET, GET) alone, without and with
# pipelining (-P 16). Per test it prints the median requests/s of each server, herd/redis, and
# the requests per CPU-second of each server's processes (utime+stime from /proc, summed over the
# server's process tree, before and after the test): the load generator shares the cores, so
# efficiency is the fair comparison. Raw figures: bench/results/redis-<UTC stamp>/runs.csv.
# Load goes to 127.0.0.1 only and is bounded by N. Both servers are stopped by their PIDs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers_dir="${PEERS_DIR:-$root/../shared/bench/peers}"
[ -f "$peers_dir/lib/proc.sh" ] || { echo "process helpers not found at $peers_dir/lib (set PEERS_DIR)" >&2; exit 2; }
# shellcheck source=/dev/null
source "$peers_dir/lib/proc.sh"

N="${N:-100000}"
REPS="${REPS:-3}"
WARMUP="${WARMUP:-$N}"
CONNS="${CONNS:-50}"
TESTS=(ping_inline ping_mbulk set get)
PIPELINES=(1 16)

"$root/bench/install-tools.sh" redis redis-server
"$root/herd" build
jar="$root/examples/redis/target/redis.jar"
[ -f "$jar" ] || { echo "missing $jar after the build" >&2; exit 1; }

out="${OUT:-$root/bench/results/redis-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
work="$(mktemp -d /tmp/herd-redis-bench.XXXXXX)"
herd_pid=""
redis_pid=""
cleanup() {
    [ -n "$herd_pid" ] && stop_tree "$herd_pid"
    [ -n "$redis_pid" ] && stop_tree "$redis_pid"
    rm -rf "$work"
}
trap cleanup EXIT

# wait_pong PORT PID: until redis-cli gets PONG (60 s at most; false if PID died).
wait_pong() {
    local i
    for ((i = 0; i < 600; i++)); do
        alive "$2" || return 1
        [ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    return 1
}

redis_port="$(free_port 17379)"
cat >"$work/redis.conf" <<EOF
bind 127.0.0.1
port $redis_port
protected-mode yes
daemonize no
save ""
appendonly no
dir $work
logfile $work/redis-server.log
EOF
redis-server "$work/redis.conf" &
redis_pid=$!
wait_pong "$redis_port" "$redis_pid" || { echo "redis-server did not start:" >&2; cat "$work/redis-server.log" >&2; exit 1; }

herd_port="$(free_port $((redis_port + 1)))"
"$root/herd" serve --bind "127.0.0.1:$herd_port" --admin off --scaling static --handlers 2 \
    --protocol tcp --app dev.herd.examples.redis.RedisApp --classpath "$jar" >"$out/herd.log" 2>&1 &
herd_pid=$!
wait_pong "$herd_port" "$herd_pid" || { echo "herd did not start:" >&2; tail -20 "$out/herd.log" >&2; exit 1; }

hz="$(getconf CLK_TCK)"
echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on :$redis_port (pid $redis_pid);" \
    "herd (examples/redis RedisApp, 2 handlers, one event loop per CPU over the pool) on :$herd_port (pid $herd_pid)"
echo "N=$N per test, -c $CONNS, REPS=$REPS, $(nproc) CPUs; raw figures in $out/runs.csv"
echo "rep,server,test,pipeline,requests_per_s,cpu_ticks,requests_per_cpu_s" >"$out/runs.csv"

# measure REP SERVER PORT PID TEST PIPELINE: one redis-benchmark run, one CSV line.
measure() {
    local rep=$1 server=$2 port=$3 pid=$4 test=$5 pipeline=$6 before after ticks result rps
    before="$(tree_cpu_ticks "$pid")"
    result="$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNS" -n "$N" -P "$pipeline" -t "$test" --csv 2>&1)"
    after="$(tree_cpu_ticks "$pid")"
    if grep -qi 'error' <<<"$result"; then
        echo "redis-benchmark reported errors against $server ($test, -P $pipeline):" >&2
        echo "$result" >&2
        exit 1
    fi
    rps="$(awk -F'"' 'NR == 2 { print $4 }' <<<"$result")"
    [ -n "$rps" ] || { echo "no figure from redis-benchmark against $server: $result" >&2; exit 1; }
    ticks=$((after - before))
    awk -v r="$rep" -v s="$server" -v t="$test" -v p="$pipeline" -v rps="$rps" -v ticks="$ticks" \
        -v n="$N" -v hz="$hz" 'BEGIN {
            # Less than a clock tick of CPU: too little to tell, left blank.
            per_cpu = ticks > 0 ? sprintf("%.0f", n / (ticks / hz)) : ""
            printf "%s,%s,%s,%s,%.0f,%d,%s\n", r, s, t, p, rps, ticks, per_cpu }' >>"$out/runs.csv"
}

for port in "$herd_port" "$redis_port"; do
    for pipeline in "${PIPELINES[@]}"; do
        redis-benchmark -h 127.0.0.1 -p "$port" -c "$CONNS" -n "$WARMUP" -P "$pipeline" -t ping,set,get --csv >/dev/null
    done
done
echo "warmed up ($WARMUP requests per test and server)" >&2

for ((rep = 1; rep <= REPS; rep++)); do
    # Alternate who goes first: a machine that warms up or gets busier favours nobody.
    if ((rep % 2)); then order=(herd redis); else order=(redis herd); fi
    for pipeline in "${PIPELINES[@]}"; do
        for test in "${TESTS[@]}"; do
            for server in "${order[@]}"; do
                if [ "$server" = herd ]; then
                    measure "$rep" herd "$herd_port" "$herd_pid" "$test" "$pipeline"
                else
                    measure "$rep" redis "$redis_port" "$redis_pid" "$test" "$pipeline"
                fi
            done
        done
    done
    echo "repetition $rep of $REPS done" >&2
done

# Medians over the repetitions, one line per test and pipeline depth.
echo
awk -F, 'NR > 1 {
        key = $3 "," $4
        if (!(key in seen)) { seen[key] = 1; keys[++k] = key }
        rps[key, $2, ++nr[key, $2]] = $5
        if ($7 != "") cpu[key, $2, ++nc[key, $2]] = $7
    }
    # The median of a[key, server, 1..n], or "" when n is 0.
    function median(a, key, server, n,    i, j, v, t) {
        if (n == 0) return ""
        for (i = 1; i <= n; i++) v[i] = a[key, server, i] + 0
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function ratio(a, b) { return a != "" && b > 0 ? sprintf("%.2f", a / b) : "-" }
    function figure(x) { return x == "" ? "-" : sprintf("%.0f", x) }
    END {
        printf "%-12s %3s %12s %12s %6s %14s %14s %6s\n", "test", "-P", "herd req/s", "redis req/s", "ratio",
            "herd req/cpu-s", "redis req/cpu-s", "ratio"
        for (i = 1; i <= k; i++) {
            key = keys[i]; split(key, f, ",")
            hr = median(rps, key, "herd", nr[key, "herd"]); rr = median(rps, key, "redis", nr[key, "redis"])
            hc = median(cpu, key, "herd", nc[key, "herd"]); rc = median(cpu, key, "redis", nc[key, "redis"])
            printf "%-12s %3s %12.0f %12.0f %6s %14s %14s %6s\n", toupper(f[1]), f[2], hr, rr, ratio(hr, rr),
                figure(hc), figure(rc), ratio(hc, rc)
        }
    }' "$out/runs.csv" | tee "$out/summary.txt"
