# bench/lib.sh - sourced by every bench script (bench/*.sh): the binary to measure, tiny mode, the
# machine-readable figure lines that bench/all.sh collects into one table, the peers' check, free
# ports and the nginx set-up of the comparisons with nginx.
#
# Environment: YQBOX (the binary, default ./yqbox of this checkout), YQBOX_DEV (a checkout whose
# scripts/ and webroot/ the binary reads: runs it with --dev; unset = the embedded ones),
# BENCH_TINY=1 (tiny sizes and ~1 s runs: the same code paths and peers, done in seconds; what
# `make test` runs), KEEP (keep the work directory W).
BENCH_TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$BENCH_TOP" || exit 1
YQBIN=${YQBOX:-$BENCH_TOP/yqbox}
case $YQBIN in /*) ;; *) YQBIN=$BENCH_TOP/$YQBIN ;; esac
YQ="$YQBIN${YQBOX_DEV:+ --dev $YQBOX_DEV}"
[ -x "$YQBIN" ] || { echo "bench: $YQBIN is missing (make)" >&2; exit 1; }

# tiny: true in tiny mode (BENCH_TINY set and not 0).
tiny() { [ -n "${BENCH_TINY:-}" ] && [ "$BENCH_TINY" != 0 ]; }

# size FULL TINY: prints FULL, or TINY in tiny mode.
size() { if tiny; then echo "$2"; else echo "$1"; fi; }

# figure NAME VALUE UNIT PEER PEER-VALUE GOAL: prints the figure's machine-readable line
#   FIGURE name value unit peer peer_value goal
# (PEER and PEER-VALUE "-" when there is none; GOAL ">=N" or "<=N" on the value, "x>=N" or "x<=N" on
# the ratio value/peer_value, "-" for none). A value that is not a number (a run that measured
# nothing) is an error: it says so and exits the script with status 1.
figure() {
    if ! printf '%s' "$2" | grep -Eq '^[0-9]+(\.[0-9]+)?$' ||
       { [ "$4" != - ] && ! printf '%s' "$5" | grep -Eq '^[0-9]+(\.[0-9]+)?$'; }; then
        echo "bench: figure $1 measured no number (\"$2\", peer $4 \"$5\")" >&2; exit 1
    fi
    printf 'FIGURE %s %s %s %s %s %s\n' "$1" "$2" "$3" "$4" "$5" "$6"
}

# ratio A B: A/B with two decimals ("-" when B is not positive).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "-" }'; }

# need TOOL PACKAGE: exits the script, naming the Debian package, when TOOL (a command or an
# absolute path) is missing. ./configure installs every peer as root.
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "bench: $1 is missing (./configure installs it as root: apt-get install $2)" >&2; exit 1
}

# freeports N: N different TCP ports on 127.0.0.1 that nothing listens on right now.
freeports() {
    $YQ eval "set s {}; for {set i 0} {\$i < $1} {incr i} { lappend s [socket -server list -myaddr 127.0.0.1 0] }
        set p [lmap c \$s {lindex [fconfigure \$c -sockname] 2}]; foreach c \$s { close \$c }; set p"
}

# bench_setup NAME: checks for nginx, sets NGINX, makes the work directory W
# (/tmp/yqbox-NAME.XXXXXX; kept when KEEP is set) and arranges that on exit the yqbox (YPID) and
# nginx (NPID) started are stopped and W removed.
bench_setup() {
    need /usr/sbin/nginx nginx-light
    NGINX=/usr/sbin/nginx
    W=$(mktemp -d "/tmp/yqbox-$1.XXXXXX")
    chmod 755 "$W"          # nginx's workers (www-data) read the files
    YPID= NPID=
    trap bench_cleanup EXIT
    trap 'exit 1' INT TERM
}

# bench_cleanup: stops the yqbox and nginx started (YPID, NPID) and removes W unless KEEP is set.
bench_cleanup() {
    [ -n "$YPID" ] && kill "$YPID" 2>/dev/null && wait "$YPID" 2>/dev/null
    [ -n "$NPID" ] && kill "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$W"
}

# wait_serving: waits up to 10 s for the yqbox started with its stdout in $W/yqbox.out to say
# "serving"; else prints its stderr ($W/yqbox.err) and exits 1.
wait_serving() {
    for i in $(seq 50); do grep -q serving "$W/yqbox.out" 2>/dev/null && return 0; sleep 0.2; done
    cat "$W/yqbox.err" >&2; exit 1
}

# wrk_rate URL [wrk args...]: requests per second of wrk on URL for $SECS s with $CONNS
# connections; prints nothing (so the figure fails) when a response was not 2xx/3xx or a
# socket error other than the server closing on "Connection: close" happened.
wrk_rate() {
    _url=$1; shift
    _out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" "$@" "$_url" 2>&1)
    if printf '%s\n' "$_out" | grep -q 'Non-2xx'; then
        echo "bench: wrk $_url: $(printf '%s\n' "$_out" | grep Non-2xx)" >&2; return 0
    fi
    printf '%s\n' "$_out" | awk '/^Requests\/sec/ {printf "%.0f", $2}'
}

# nginx_start DIR ROOT PORT [SERVER-LINES]: writes DIR/nginx.conf for nginx serving ROOT on
# 127.0.0.1:PORT with the settings the comparisons use (workers = cores, no access log, long
# keep-alive) plus SERVER-LINES in its server block, starts it in the background (NPID) and
# waits until it answers.
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
    $NGINX -c "$_d/nginx.conf" -p "$_d" 2>"$_d/stderr" &
    NPID=$!
    for i in $(seq 50); do
        curl -s -o /dev/null "http://127.0.0.1:$_port/" && return 0
        sleep 0.1
    done
    cat "$_d/stderr" "$_d/error.log" >&2; exit 1
}
