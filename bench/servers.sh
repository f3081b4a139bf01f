# Sourced by the bench scripts that start servers of their own.
#
# start_nginx_conf DIR PORT LOG HTTP_EXTRA SERVER_BODY: writes DIR/nginx.conf (2 workers, no access
# log, temp files under DIR) with HTTP_EXTRA in its http block and SERVER_BODY in a server on
# 127.0.0.1:PORT, starts nginx in the foreground of its own session with its output in LOG, and
# sets SERVER_PID to the master's pid.
start_nginx_conf() {
  local dir=$1 port=$2 log=$3 http_extra=$4 server_body=$5 user=''
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
        listen 127.0.0.1:$port;
        $server_body
    }
}
CONF
  setsid nginx -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" </dev/null >"$log" 2>&1 &
  SERVER_PID=$!
}

# await_serving PORT: waits (up to 60 s) until GET / on 127.0.0.1:PORT answers 200.
await_serving() {
  for _ in $(seq 1 600); do
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
