#!/usr/bin/env bash
# Static files, herd beside nginx: `herd serve --static DIR --handlers 2 --admin off` and nginx
# with 2 worker processes serve the same directory (small.html, 1 KiB; big.bin, 1 MiB), one after
# the other, in interleaved repetitions (the order alternates). Per server and file: wrk -t1 -c50
# keep-alive for DURATION seconds after a short warm-up, and the server's CPU time from /proc.
#
#   bench/static.sh                      3 repetitions of 10 s per server and file
#   REPS=1 DURATION=2 bench/static.sh    quick look
#   FILES=big.bin WARMUP=15 bench/static.sh   one file, each server loaded 15 s before it is measured
#
# Prints one line per run, then a table of medians [min-max]: requests/s, MB/s, p99 latency,
# requests per CPU-second of the server's process tree (utime+stime of every process, before and
# after), and herd/nginx ratios. nginx runs with its defaults (sendfile on, no open_file_cache)
# except: no access log, and keep-alive connections not closed after 1000 requests (herd does
# not close them either). Both servers and wrk share this machine's cores.
#
# Installs nginx and wrk from apt when missing (never starting nginx's system service). Both
# servers listen on 127.0.0.1 only, are started from here and stopped by PID; all load is aimed
# at 127.0.0.1 and bounded in time. Exits 1 if a server did not start or answered wrongly.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
need_peer_helpers

REPS=${REPS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
CONNS=${CONNS:-50}
BASE_PORT=${BASE_PORT:-28180}
SERVERS=${SERVERS:-herd nginx}
read -r -a FILES <<<"${FILES:-small.html big.bin}"
HZ=$(getconf CLK_TCK)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# install_tools: nginx (nginx-light where Debian still has it) and wrk, from apt, if missing.
# A policy-rc.d that exits 101 keeps the package scripts from starting nginx's service on :80.
install_tools() {
  local missing=() own_policy=0
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  command -v nginx >/dev/null || missing+=(nginx)
  ((${#missing[@]})) || return 0
  [ "$(id -u)" = 0 ] || { echo "missing ${missing[*]}: install them (apt-get install), or run as root" >&2; exit 2; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  if [[ " ${missing[*]} " == *" nginx "* ]] && apt-cache show nginx-light >/dev/null 2>&1; then
    missing=("${missing[@]/#nginx/nginx-light}")
  fi
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  log "installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || { [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d; exit 2; }
  [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
}

install_tools
"$root/herd" build

work="$(mktemp -d /tmp/herd-static-bench.XXXXXX)"
chmod 755 "$work" # nginx's workers run as www-data
SERVER_PID=''
cleanup() {
  if [ -n "$SERVER_PID" ]; then stop_tree "$SERVER_PID"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

www="$work/www"
mkdir -p "$www"
# small.html: a page of exactly 1024 bytes.
page_head='<!DOCTYPE html>\n<html><head><title>small</title></head><body><p>'
page_tail='</p></body></html>\n'
{
  printf "$page_head"
  head -c $((1024 - $(printf "$page_head$page_tail" | wc -c))) /dev/zero | tr '\0' x
  printf "$page_tail"
} >"$www/small.html"
head -c $((1024 * 1024)) /dev/urandom >"$www/big.bin"
chmod 644 "$www"/*

# A wrk script that prints one line: rate, throughput, p99 and failures of the run.
cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f mbps=%.2f p99_us=%d errors=%d\n",
    summary.requests, summary.requests / secs, summary.bytes / secs / 1e6, latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA

start_herd() {
  setsid "$root/herd" serve --bind "127.0.0.1:$1" --static "$www" --handlers 2 --admin off \
    </dev/null >"$work/herd.log" 2>&1 &
  SERVER_PID=$!
}

start_nginx() {
  start_nginx_conf "$work/nginx" "$1" "$work/nginx.log" \
    'sendfile on; keepalive_requests 1000000000; types { text/html html; application/octet-stream bin; } default_type application/octet-stream;' \
    "root $www;"
}

server_log() {
  case $1 in
    herd) cat "$work/herd.log" ;;
    nginx) cat "$work/nginx.log" "$work/nginx/error.log" 2>/dev/null ;;
  esac
}

# serves_files PORT PID: within 60 s, both files come back 200 and byte for byte; else why not.
serves_files() {
  local port=$1 pid=$2 f code i
  for ((i = 0; i < 600; i++)); do
    alive "$pid" || { echo "exited"; return 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/small.html" || true)
    [ "$code" = 000 ] || break
    sleep 0.1
  done
  for f in "${FILES[@]}"; do
    code=$(curl -s -o "$work/got" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/$f" || true)
    [ "$code" = 200 ] || { echo "GET /$f answered ${code/#000/nothing} (not 200)"; return 1; }
    cmp -s "$work/got" "$www/$f" || { echo "GET /$f answered other bytes than the file's"; return 1; }
  done
}

# Results: one line per run, "server file rps mbps p99_ms req_per_cpu_s errors".
raw="$work/raw.tsv"
: >"$raw"
failed=''

# measure SERVER PORT: start, check, warm up and load each file, stop.
measure() {
  local server=$1 port=$2 why f out c0 c1 res rps mbps p99 requests errors cpu_s
  "start_$server" "$port"
  if ! why=$(serves_files "$port" "$SERVER_PID"); then
    log "$server FAILED: $why; its log ends with:"
    server_log "$server" | tail -n 15 >&2
    failed="$failed $server"
    stop_tree "$SERVER_PID"; SERVER_PID=''
    return 0
  fi
  for f in "${FILES[@]}"; do
    out="$work/wrk-$server-$f.txt"
    timeout -k 5 $((WARMUP + 30)) wrk -t1 -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$port/$f" >/dev/null 2>&1 || true
    c0=$(tree_cpu_ticks "$SERVER_PID")
    timeout -k 5 $((DURATION + 30)) wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 2s --latency \
      -s "$work/report.lua" "http://127.0.0.1:$port/$f" >"$out" 2>&1 || true
    c1=$(tree_cpu_ticks "$SERVER_PID")
    res=$(sed -n 's/^RESULT //p' "$out")
    if [ -z "$res" ]; then
      log "$server $f: wrk gave no result: $(tail -n 3 "$out" | tr '\n' ' ')"
      failed="$failed $server"
      continue
    fi
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$res")
    rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$res")
    mbps=$(sed -n 's/.*mbps=\([0-9.]*\).*/\1/p' <<<"$res")
    p99=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$res")
    errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$res")
    cpu_s=$(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN { printf "%.3f", t / hz }')
    awk -v s="$server" -v f="$f" -v rps="$rps" -v mbps="$mbps" -v p99="$p99" -v n="$requests" -v cpu="$cpu_s" \
      -v err="$errors" 'BEGIN { printf "%s\t%s\t%s\t%s\t%.2f\t%.0f\t%s\n", s, f, rps, mbps, p99 / 1000,
        (cpu > 0 ? n / cpu : 0), err }' | tee -a "$raw" >&2
  done
  stop_tree "$SERVER_PID"; SERVER_PID=''
}

read -r -a servers <<<"$SERVERS"
log "files in $www; wrk -t1 -c$CONNS -d${DURATION}s after ${WARMUP}s warm-up; $REPS repetitions"
log "nginx: $(nginx -v 2>&1); wrk: $(wrk -v 2>&1 | head -n 1); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
log "columns: server file req/s MB/s p99_ms req/cpu-s errors"
for ((rep = 1; rep <= REPS; rep++)); do
  read -r -a order <<<"$(interleaved "$rep" "${servers[@]}")"
  for i in "${!order[@]}"; do
    server=${order[i]}
    port=$(free_port $((BASE_PORT + 10 * rep + i)))
    log "rep $rep/$REPS: $server on 127.0.0.1:$port"
    measure "$server" "$port"
  done
done

# The table: medians [min-max] over the repetitions, then herd/nginx ratios of the medians.
echo
echo "| server | file | req/s | MB/s | p99 ms | req per CPU-s | errors |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' "$awk_medians"'
  { k = $1 SUBSEP $2; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
    rps[k] = rps[k] " " $3; mb[k] = mb[k] " " $4; p99[k] = p99[k] " " $5; eff[k] = eff[k] " " $6; err[k] += $7 }
  END {
    for (i = 1; i <= nk; i++) {
      k = keys[i]; split(k, sf, SUBSEP)
      printf "| %s | %s | %s | %s | %s | %s | %d |\n", sf[1], sf[2], cell(rps[k], "%.0f"), cell(mb[k], "%.1f"),
        cell(p99[k], "%.2f"), cell(eff[k], "%.0f"), err[k]
      m_rps[k] = med(rps[k]); m_mb[k] = med(mb[k]); m_p99[k] = med(p99[k]); m_eff[k] = med(eff[k])
    }
    print ""
    print "| file | herd/nginx req/s | MB/s | p99 (lower is better) | req per CPU-s |"
    print "|---|---|---|---|---|"
    for (i = 1; i <= nk; i++) {
      split(keys[i], sf, SUBSEP); if (sf[1] != "herd") continue
      h = keys[i]; n = "nginx" SUBSEP sf[2]
      if (!(n in m_rps) || m_rps[n] == 0 || m_mb[n] == 0 || m_p99[n] == 0 || m_eff[n] == 0) continue
      printf "| %s | %.2f | %.2f | %.2f | %.2f |\n", sf[2], m_rps[h] / m_rps[n], m_mb[h] / m_mb[n],
        m_p99[h] / m_p99[n], m_eff[h] / m_eff[n]
    }
  }' "$raw"

if [ -n "$failed" ]; then
  echo
  echo "FAILED:$(printf '%s\n' $failed | sort -u | tr '\n' ' ')(see the messages above)" >&2
  exit 1
fi
