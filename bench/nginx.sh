# nginx.sh - sourced by the benchmarks that compare yqbox with nginx. need TOOL PACKAGE installs a
# missing tool from Debian (as root; otherwise says how and exits). nginx_start DIR ROOT PORT
# [SERVER-LINES] writes DIR/nginx.conf for nginx serving ROOT on 127.0.0.1:PORT with the settings
# the comparisons use (workers = cores, no access log, long keep-alive), plus any extra lines in
# its server block, starts it in the background and sets NPID. bench_setup NAME installs wrk and
# nginx when missing, sets NGINX, makes the work directory W (/tmp/yqbox-NAME.XXXXXX; kept when
# KEEP is set) and arranges that on exit the yqbox (YPID) and nginx (NPID) started are stopped and
# W removed.
need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null
        else
            echo "bench: $1 is missing (apt-get install $2)" >&2; exit 1
        fi
    fi
}

bench_setup() {
    need wrk wrk
    [ -x /usr/sbin/nginx ] || need nginx nginx-light
    NGINX=/usr/sbin/nginx
    W=$(mktemp -d "/tmp/yqbox-$1.XXXXXX")
    YPID= NPID=
    trap bench_cleanup EXIT INT TERM
}

bench_cleanup() {
    [ -n "$YPID" ] && kill "$YPID" 2>/dev/null || true
    [ -n "$NPID" ] && kill "$NPID" 2>/dev/null || true
    sleep 0.5
    [ -n "${KEEP:-}" ] || rm -rf "$W"
}

nginx_start() {
    _d=$1 _root=$2 _port=$3 _extra=${4:-}
    mkdir -p "$_d/tmp"
    cat > "$_d/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
error_log $_d/error.log;
pid $_d/nginx.pid;
events { worker_connections 20000; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000000;
    keepalive_timeout 600;
    default_type text/html;
    client_body_temp_path $_d/tmp;
    proxy_temp_path $_d/tmp;
    fastcgi_temp_path $_d/tmp;
    uwsgi_temp_path $_d/tmp;
    scgi_temp_path $_d/tmp;
    server {
        listen 127.0.0.1:$_port;
        root $_root;
        $_extra
    }
}
CONF
    /usr/sbin/nginx -c "$_d/nginx.conf" -p "$_d" 2>"$_d/stderr" &
    NPID=$!
    sleep 1
}
