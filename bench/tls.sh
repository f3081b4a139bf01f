#!/usr/bin/env bash
# TLS and HTTP/2, herd beside nginx: `herd serve --handlers 2` with the demo application and nginx
# with 2 worker processes answering "Hello, World!", the same ECDSA P-256 certificate and the same
# protocols (TLS 1.2 and 1.3, Mozilla's intermediate suites, HTTP/2 by ALPN), one server after the
# other in interleaved repetitions (the order alternates). Per server:
#
#   handshakes   wrk -t1 -c16 with Connection: close: a new connection, and a full TLS 1.3
#                handshake, for every request
#   keep-alive   wrk -t1 -c50 over TLS 1.3, HTTP/1.1 keep-alive
#   h2           h2load -c16 -m16 over TLS 1.3, HTTP/2
#   resumption   openssl s_client: one session, then RESUME connections offering its ticket; the
#                share resumed (whichever worker or handler each connection reached)
#
# each load for DURATION seconds after WARMUP seconds of the same load, with the server's CPU time
# from /proc (its whole process tree), and p99 latency (wrk's; h2load's from its per-request log).
#
#   bench/tls.sh                      3 repetitions of 10 s per server and load
#   REPS=1 DURATION=3 bench/tls.sh    quick look
#
# Prints one line per run, then a table of medians [min-max] and the herd/nginx ratios. Both
# servers listen on 127.0.0.1 only and are started from here; all load aims at 127.0.0.1 and is
# bounded in time. Needs nginx, wrk, h2load and openssl (bench/install-tools.sh nginx wrk tls).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/servers.sh"
need_peer_helpers

REPS=${REPS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
RESUME=${RESUME:-40}
SERVERS=${SERVERS:-herd nginx}
HZ=$(getconf CLK_TCK)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

"$root/bench/install-tools.sh" nginx wrk tls >/dev/null
"$root/herd" build

work="$(mktemp -d /tmp/herd-tls-bench.XXXXXX)"
chmod 755 "$work"
SERVER_PID=''
cleanup() {
  if [ -n "$SERVER_PID" ]; then stop_tree "$SERVER_PID"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One certificate for both, ECDSA P-256, readable by nginx's workers.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 7 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
chmod 644 "$work"/*.pem

cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p99_us=%d errors=%d\n",
    summary.requests, summary.requests / secs, latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
cat >"$work/close.lua" <<'LUA'
wrk.headers["Connection"] = "close"
LUA
cat "$work/report.lua" >>"$work/close.lua"

start_herd() {
  setsid "$root/herd" serve --bind "127.0.0.1:$1" --handlers 2 --admin off \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" </dev/null >"$work/herd.log" 2>&1 &
  SERVER_PID=$!
}

start_nginx() {
  start_nginx_conf "$work/nginx" "$1" "$work/nginx.log" 'keepalive_requests 1000000000;' \
    "ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_ecdh_curve X25519:prime256v1:secp384r1;
        ssl_session_tickets on;
        location / { default_type text/plain; return 200 'Hello, World!'; }" 'ssl http2'
}

# serves PORT PID: within 180 s, GET / over TLS answers 200 "Hello, World!"; else why not.
serves() {
  local port=$1 pid=$2 body i
  for ((i = 0; i < 1800; i++)); do
    alive "$pid" || { echo "exited"; return 1; }
    body=$(curl -sk --max-time 1 "https://127.0.0.1:$port/" 2>/dev/null || true)
    [ "$body" != "Hello, World!" ] || return 0
    sleep 0.1
  done
  echo "no Hello, World! over TLS"; return 1
}

raw="$work/raw.tsv"
: >"$raw"
failed=''

# record SERVER LOAD REQUESTS RPS P99_US ERRORS CPU_TICKS
record() {
  awk -v s="$1" -v l="$2" -v n="$3" -v rps="$4" -v p99="$5" -v err="$6" -v t="$7" -v hz="$HZ" \
    'BEGIN { cpu = t / hz; printf "%s\t%s\t%.0f\t%.2f\t%.0f\t%d\n", s, l, rps, p99 / 1000, (cpu > 0 ? n / cpu : 0), err }' \
    | tee -a "$raw" >&2
}

# wrk_load SERVER LOAD PORT SCRIPT CONNS
wrk_load() {
  local server=$1 load=$2 port=$3 script=$4 conns=$5 out c0 c1 res
  timeout -k 5 $((WARMUP + 30)) wrk -t1 -c"$conns" -d"${WARMUP}s" -s "$script" "https://127.0.0.1:$port/" >/dev/null 2>&1 || true
  out="$work/wrk-$server-$load.txt"
  c0=$(tree_cpu_ticks "$SERVER_PID")
  timeout -k 5 $((DURATION + 30)) wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 2s --latency -s "$script" \
    "https://127.0.0.1:$port/" >"$out" 2>&1 || true
  c1=$(tree_cpu_ticks "$SERVER_PID")
  res=$(sed -n 's/^RESULT //p' "$out")
  [ -n "$res" ] || { log "$server $load: no result: $(tail -n 3 "$out" | tr '\n' ' ')"; failed="$failed $server"; return 0; }
  record "$server" "$load" "$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$res")" \
    "$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$res")" "$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$res")" \
    "$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$res")" $((c1 - c0))
}

# h2_load SERVER PORT: h2load's rate, and p99 from its per-request log (microseconds, third column).
h2_load() {
  local server=$1 port=$2 out c0 c1 done_n rps failed_n p99
  timeout -k 5 $((WARMUP + 30)) h2load -c16 -m16 -D "$WARMUP" "https://127.0.0.1:$port/" >/dev/null 2>&1 || true
  out="$work/h2load-$server.txt"
  c0=$(tree_cpu_ticks "$SERVER_PID")
  timeout -k 5 $((DURATION + 30)) h2load -c16 -m16 -D "$DURATION" --log-file "$work/h2.log" \
    "https://127.0.0.1:$port/" >"$out" 2>&1 || true
  c1=$(tree_cpu_ticks "$SERVER_PID")
  done_n=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$out")
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$out")
  failed_n=$(sed -n 's/^requests: .* succeeded, \([0-9]*\) failed, \([0-9]*\) errored.*/\1+\2/p' "$out")
  [ -n "$done_n" ] && [ -n "$rps" ] || { log "$server h2: no result: $(tail -n 3 "$out" | tr '\n' ' ')"; failed="$failed $server"; return 0; }
  p99=$(sort -n -k3 "$work/h2.log" | awk '{ a[NR] = $3 } END { print (NR ? a[int(NR * 0.99)] : 0) }')
  record "$server" h2 "$done_n" "$rps" "$p99" "$((failed_n))" $((c1 - c0))
}

# resumption SERVER PORT: of RESUME connections offering one session's ticket, how many resumed.
resumption() {
  local server=$1 port=$2 i reused=0 request='GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
  printf "$request" | openssl s_client -connect "127.0.0.1:$port" -servername localhost -ign_eof \
    -sess_out "$work/session.pem" >/dev/null 2>&1 || true
  for ((i = 0; i < RESUME; i++)); do
    if printf "$request" | openssl s_client -connect "127.0.0.1:$port" -servername localhost -ign_eof \
      -sess_in "$work/session.pem" 2>/dev/null | grep -q '^Reused, TLSv1.3'; then
      reused=$((reused + 1))
    fi
  done
  printf '%s\tresumed\t%d of %d\n' "$server" "$reused" "$RESUME" | tee -a "$work/resumed.tsv" >&2
}

measure() {
  local server=$1 port=$2 why
  "start_$server" "$port"
  if ! why=$(serves "$port" "$SERVER_PID"); then
    log "$server FAILED: $why"
    tail -n 15 "$work/$server.log" >&2 || true
    failed="$failed $server"
    stop_tree "$SERVER_PID"; SERVER_PID=''
    return 0
  fi
  wrk_load "$server" handshakes "$port" "$work/close.lua" 16
  wrk_load "$server" keep-alive "$port" "$work/report.lua" 50
  h2_load "$server" "$port"
  resumption "$server" "$port"
  stop_tree "$SERVER_PID"; SERVER_PID=''
}

read -r -a servers <<<"$SERVERS"
log "wrk -t1 (handshakes: -c16, Connection: close; keep-alive: -c50), h2load -c16 -m16; ${DURATION}s after ${WARMUP}s; $REPS repetitions"
log "nginx: $(nginx -v 2>&1); $(openssl version); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
log "columns: server load req/s p99_ms req/cpu-s errors"
for ((rep = 1; rep <= REPS; rep++)); do
  for server in $(interleaved "$rep" "${servers[@]}"); do
    port=$(free_port)
    log "rep $rep/$REPS: $server on 127.0.0.1:$port"
    measure "$server" "$port"
  done
done

echo
echo "| server | load | req/s | p99 ms | req per CPU-s | errors |"
echo "|---|---|---|---|---|---|"
awk -F'\t' "$awk_medians"'
  { k = $1 SUBSEP $2; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }
    rps[k] = rps[k] " " $3; p99[k] = p99[k] " " $4; eff[k] = eff[k] " " $5; err[k] += $6 }
  END {
    for (i = 1; i <= nk; i++) {
      k = keys[i]; split(k, sf, SUBSEP)
      printf "| %s | %s | %s | %s | %s | %d |\n", sf[1], sf[2], cell(rps[k], "%.0f"), cell(p99[k], "%.2f"),
        cell(eff[k], "%.0f"), err[k]
      m_rps[k] = med(rps[k]); m_p99[k] = med(p99[k]); m_eff[k] = med(eff[k])
    }
    print ""
    print "| load | herd/nginx req/s | p99 (lower is better) | req per CPU-s |"
    print "|---|---|---|---|"
    for (i = 1; i <= nk; i++) {
      split(keys[i], sf, SUBSEP); if (sf[1] != "herd") continue
      h = keys[i]; n = "nginx" SUBSEP sf[2]
      if (!(n in m_rps) || m_rps[n] == 0 || m_p99[n] == 0 || m_eff[n] == 0) continue
      printf "| %s | %.2f | %.2f | %.2f |\n", sf[2], m_rps[h] / m_rps[n], m_p99[h] / m_p99[n], m_eff[h] / m_eff[n]
    }
  }' "$raw"
echo
echo "Resumed handshakes (a session's ticket offered on new connections, each reaching either worker or handler):"
sort "$work/resumed.tsv" | sed 's/^/  /'

if [ -n "$failed" ]; then
  echo
  echo "FAILED:$(printf '%s\n' $failed | sort -u | tr '\n' ' ')(see the messages above)" >&2
  exit 1
fi
