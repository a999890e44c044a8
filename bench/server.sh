#!/bin/sh
# server.sh - yqbox serve side by side with nginx on loopback; prints a table with ratios.
#
# Usage: bench/server.sh [SECONDS-PER-RUN] [YQBOX-BINARY]    (defaults: 8, ./yqbox; see bench/lib.sh
# for YQBOX, YQBOX_DEV and BENCH_TINY=1: 1 s runs, 8 connections, 200 idle connections)
# Needs nginx-light and wrk (./configure installs them). Both servers get
# the same bytes (the 20 KB page is rendered by yqbox once and saved for nginx), the same number
# of worker processes/threads (the machine's cores), the same ECDSA P-256 certificate, no access
# log. wrk runs on the same machine, so client and servers share the cores. Measured:
#   1. 20 KB public page, HTTP keep-alive           (yqbox: response cache in the driver)
#   2. the same, a new connection per request
#   3. the same over HTTPS keep-alive
#   4. full TLS handshakes per second (HTTPS, a new connection per request, no resumption)
#   5. a dynamic Tcl page reading 20 rows from SQLite (HTTP keep-alive; yqbox only)
#   6. RSS of yqbox idle, and per idle keep-alive connection (10,000 connections)
# Goals from issue 18. Prints FIGURE lines (bench/lib.sh). Not a timed test: the figures depend on
# the machine.
set -eu
if [ -n "${2:-}" ]; then YQBOX=$2; fi
. "$(dirname "$0")/lib.sh"
SECS=$(size "${1:-8}" 1)
CONNS=$(size "${BENCH_CONNS:-64}" 8)
IDLE=$(size "${BENCH_IDLE:-10000}" 200)
CORES=$(nproc)

need wrk wrk
bench_setup bench
set -- $(freeports 4)
P_YS=$1 P_YH=$2 P_NS=$3 P_NH=$4

# ---- yqbox ----
$YQ init -demo "$W/data" >/dev/null
cat > "$W/data/appliance.conf" <<EOF
https 127.0.0.1:$P_YS
http 127.0.0.1:$P_YH
http_mode serve
demo_routes 1
access_log ""
workers $CORES
max_connections 30000
idle_timeout 600
EOF
$YQ eval -d "$W/data" '
    db transaction {
        db eval {CREATE TABLE IF NOT EXISTS demo(id INTEGER PRIMARY KEY, title TEXT, body TEXT)}
        for {set i 1} {$i <= 200} {incr i} {
            set t "标题 $i"
            set b "第 $i 条演示内容 <b>需要转义</b> & 更多文字"
            db eval {INSERT OR REPLACE INTO demo VALUES($i, $t, $b)}
        }
    }' >/dev/null
$YQ serve -d "$W/data" > "$W/yqbox.out" 2> "$W/yqbox.err" &
YPID=$!
wait_serving
rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
sleep 1
RSS_IDLE=$(rss $YPID)

# ---- nginx, serving the same bytes ----
mkdir -p "$W/www" "$W/nginx"
curl -sf -o "$W/www/page.html" "http://127.0.0.1:$P_YH/demo/page"
SIZE=$(wc -c < "$W/www/page.html")
nginx_start "$W/nginx" "$W/www" "$P_NH" "listen 127.0.0.1:$P_NS ssl;
        ssl_certificate $W/data/tls-cert.pem;
        ssl_certificate_key $W/data/tls-key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_tickets on;
        location /demo/ { rewrite ^ /page.html break; }"

# warm up (the cache entry for the page, TLS sessions of both)
if ! tiny; then
    wrk -t1 -c4 -d1s "http://127.0.0.1:$P_YH/demo/page" >/dev/null 2>&1
    wrk -t1 -c4 -d1s "http://127.0.0.1:$P_NH/demo/page" >/dev/null 2>&1
    wrk -t1 -c4 -d1s "http://127.0.0.1:$P_YH/demo/rows" >/dev/null 2>&1
fi

printf 'yqbox %s vs nginx %s, %d cores, %d connections, %ds per run, page %d bytes\n' \
    "$($YQ version | awk 'NR==1 {print $2}')" "$($NGINX -v 2>&1 | sed 's|.*/||')" "$CORES" "$CONNS" "$SECS" "$SIZE"
printf '%-44s %12s %12s %8s %s\n' "measure" "yqbox" "nginx" "ratio" "goal"
# line TEXT YQBOX NGINX GOAL FIGURE: the human line and the FIGURE line of one comparison
line() {
    printf '%-44s %12s %12s %8s %s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"
    figure "$5" "$2" "$(echo "$1" | sed 's/.*(\(.*\))$/\1/')" nginx "$3" "x$(echo "$4" | tr -d ' ')"
}

a=$(wrk_rate "http://127.0.0.1:$P_YH/demo/page"); b=$(wrk_rate "http://127.0.0.1:$P_NH/demo/page")
line "20 KB page, HTTP keep-alive (req/s)" "$a" "$b" ">= 1.0" server_http_keepalive
a=$(wrk_rate "http://127.0.0.1:$P_YH/demo/page" -H "Connection: close"); b=$(wrk_rate "http://127.0.0.1:$P_NH/demo/page" -H "Connection: close")
line "20 KB page, HTTP new connection (req/s)" "$a" "$b" ">= 0.8" server_http_close
a=$(wrk_rate "https://127.0.0.1:$P_YS/demo/page"); b=$(wrk_rate "https://127.0.0.1:$P_NS/demo/page")
line "20 KB page, HTTPS keep-alive (req/s)" "$a" "$b" ">= 0.5" server_https_keepalive
a=$(wrk_rate "https://127.0.0.1:$P_YS/demo/page" -H "Connection: close"); b=$(wrk_rate "https://127.0.0.1:$P_NS/demo/page" -H "Connection: close")
line "full TLS handshakes (conn/s)" "$a" "$b" ">= 0.35" server_tls_handshakes
a=$(wrk_rate "http://127.0.0.1:$P_YH/demo/rows")
printf '%-44s %12s %12s %8s %s\n' "dynamic Tcl page, 20 SQLite rows (req/s)" "$a" "-" "-" ">= 5000"
figure server_dynamic_page "$a" req/s - - '>=5000'

# ---- memory ----
kill "$NPID"; NPID=
sleep 0.5
RSS_BEFORE=$(rss $YPID)
cat > "$W/idle.tcl" <<EOF
set socks {}
for {set i 0} {\$i < $IDLE} {incr i} {
    set s [socket 127.0.0.1 $P_YH]
    fconfigure \$s -translation binary -buffering full
    puts -nonewline \$s "GET /css/yqbox.css HTTP/1.1\r\nHost: b\r\n\r\n"
    flush \$s
    lappend socks \$s
}
foreach s \$socks {
    gets \$s line
    if {![string match "HTTP/1.1 200*" \$line]} { puts "bad answer: \$line"; exit 1 }
    while {[gets \$s line] > 0 && \$line ne "\r"} { regexp {Content-Length: (\d+)} \$line -> len }
    read \$s \$len
}
puts ready
flush stdout
gets stdin
EOF
mkfifo "$W/hold"
$YQ run "$W/idle.tcl" < "$W/hold" > "$W/idle.out" &
CPID=$!
exec 9> "$W/hold"
for i in $(seq 300); do grep -q ready "$W/idle.out" 2>/dev/null && break; grep -q bad "$W/idle.out" 2>/dev/null && break; sleep 0.2; done
sleep 1
RSS_CONN=$(rss $YPID)
OPEN=$($YQ status -d "$W/data" | awk '/^connections/ {print $2}')
echo >&9; exec 9>&-
wait $CPID 2>/dev/null || true
awk -v idle="$RSS_IDLE" -v b="$RSS_BEFORE" -v c="$RSS_CONN" -v n="$OPEN" 'BEGIN {
    printf "%-44s %9.1f MB %27s\n", "RSS idle after start", idle/1024, "goal <= 20 MB"
    printf "%-44s %9.1f MB\n", "RSS after the runs above", b/1024
    printf "%-44s %9.1f KB %27s\n", "RSS per idle keep-alive connection (" n " open)", (c-b)/(n>1?n-1:1), "goal <= 50 KB"
}'
figure server_rss_idle "$(awk -v k="$RSS_IDLE" 'BEGIN { printf "%.1f", k/1024 }')" MB - - '<=20'
[ "${OPEN:-0}" -ge "$IDLE" ] || { echo "bench: $IDLE idle connections opened, the server counts ${OPEN:-none}" >&2; exit 1; }
figure server_rss_per_connection "$(awk -v b="$RSS_BEFORE" -v c="$RSS_CONN" -v n="$OPEN" 'BEGIN { v = (c-b)/(n>1?n-1:1); printf "%.1f", v < 0 ? 0 : v }')" KB - - '<=50'
