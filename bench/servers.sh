# Sourced by the bench scripts that start servers of their own (they set root first).
#
# The peer harness's process-tree helpers (alive, tree_cpu_ticks, stop_tree, ...: functions only)
# come first, where the harness is, so that this file's own free_port stays in force;
# need_peer_helpers stops a script that measures with them when the harness is not there.
peers_dir="${PEERS_DIR:-$root/../shared/bench/peers}"
# shellcheck source=/dev/null
[ ! -f "$peers_dir/lib/proc.sh" ] || . "$peers_dir/lib/proc.sh"
need_peer_helpers() {
  declare -F tree_cpu_ticks >/dev/null || { echo "peer harness not found at $peers_dir (set PEERS_DIR)" >&2; exit 2; }
}
#
# start_nginx_conf DIR PORT LOG HTTP_EXTRA SERVER_BODY [LISTEN_EXTRA]: writes DIR/nginx.conf (2
# workers, no access log, temp files under DIR) with HTTP_EXTRA in its http block and SERVER_BODY in
# a server on 127.0.0.1:PORT (its listen directive ending with LISTEN_EXTRA, e.g. "ssl http2"),
# starts nginx in the foreground of its own session with its output in LOG, and sets SERVER_PID to
# the master's pid.
start_nginx_conf() {
  local dir=$1 port=$2 log=$3 http_extra=$4 server_body=$5 listen_extra=${6:-} user=''
  mkdir -p "$dir/tmp"
  [ "$(id -u)" != 0 ] || user='user www-data;'
  cat >"$dir/nginx.conf" <<CONF
$user
worker_processes 2;
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    $http_extra
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port $listen_extra;
        $server_body
    }
}
CONF
  setsid nginx -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" </dev/null >"$log" 2>&1 &
  SERVER_PID=$!
}

# await_serving PORT: waits (up to 180 s: herd's first start after a build trains its AOT cache)
# until GET / on 127.0.0.1:PORT answers 200.
await_serving() {
  for _ in $(seq 1 1800); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  echo "server on port $1 did not answer" >&2; return 1
}

# stop_session: stops the session SERVER_PID leads (SIGTERM, then SIGKILL after 30 s) and clears SERVER_PID.
stop_session() {
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  SERVER_PID=''
}

# bench_setup NAME: installs nginx if SERVERS names it, builds herd, and sets java and classpath
# (herd-bench's programs), work (a temporary directory, removed at exit, as is the session of
# SERVER_PID) and free_port. Needs root.
bench_setup() {
  [[ " $SERVERS " != *" nginx "* ]] || "$root/bench/install-tools.sh" nginx >/dev/null
  "$root/herd" build
  java="$("$root/herd" java-home)/bin/java"
  local jar
  jar="$(ls "$root"/herd-bench/target/herd-bench-*.jar | head -n 1)"
  classpath="$jar:$(cat "$root/herd-bench/target/runtime.classpath")"
  work="$(mktemp -d "/tmp/herd-$1.XXXXXX")"
  chmod 755 "$work"
  SERVER_PID=''
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  [ -z "$SERVER_PID" ] || kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  rm -rf "$work"
}

# start_jar_alone JAR PORT LOG: starts an existing server's executable jar alone (one JVM, the serial
# collector, as herd's --jar handlers run) in a session of its own, on PORT as its framework is told
# a port, and sets SERVER_PID. The framework is read from the jar's path (FRAMEWORK overrides):
# spring-boot, micronaut, quarkus, helidon, or anything else (PORT in the environment).
start_jar_alone() {
  local jar=$1 port=$2 log=$3 framework=${FRAMEWORK:-}
  if [ -z "$framework" ]; then
    case $jar in
      *spring-boot*) framework=spring-boot ;; *micronaut*) framework=micronaut ;;
      *quarkus*) framework=quarkus ;; *helidon*) framework=helidon ;; *) framework=other ;;
    esac
  fi
  local args=(-XX:+UseSerialGC)
  case $framework in
    spring-boot) args+=(-jar "$jar" --server.port="$port") ;;
    micronaut) args+=(-Dmicronaut.server.port="$port" -jar "$jar") ;;
    quarkus) args+=(-Dquarkus.http.port="$port" -jar "$jar") ;;
    helidon) args+=(-Dserver.port="$port" -jar "$jar") ;;
    *) args+=(-jar "$jar") ;;
  esac
  PORT=$port setsid "$java" "${args[@]}" </dev/null >"$log" 2>&1 &
  SERVER_PID=$!
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# awk functions for the benchmarks' tables: med(LIST), the median of a blank-separated list of
# numbers (and lo and hi, its least and greatest), and cell(LIST, FMT), "median [min-max]".
# shellcheck disable=SC2016
awk_medians='
  function med(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; hi = a[n]
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function cell(list, fmt,   m) { m = med(list); return sprintf(fmt " [" fmt "-" fmt "]", m, lo, hi) }
'

# interleaved REP NAME...: the names in their order on odd repetitions, reversed on even ones, so
# that no server always runs on a machine warmed by the other.
interleaved() {
  local rep=$1 order=() name
  shift
  for name in "$@"; do
    if ((rep % 2)); then order+=("$name"); else order=("$name" "${order[@]}"); fi
  done
  echo "${order[@]}"
}
