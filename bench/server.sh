#!/bin/sh
# server.sh - yqbox serve side by side with nginx and with the reference HTTPS server on loopback;
# prints a table with ratios.
#
# Usage: bench/server.sh [SECONDS-PER-RUN] [YQBOX-BINARY]    (defaults: 8, ./yqbox; see bench/lib.sh
# for YQBOX, YQBOX_DEV and BENCH_TINY=1: 1 s runs, 8 connections, 200 idle connections)
# Needs nginx-light and wrk (./configure installs them) and build/tlsref (made here when missing:
# bench/tlsref.c, a minimal epoll HTTPS server on the same mbedTLS build with the same suites and
# groups, the design's own limit). All three get the same bytes (the 20 KB page is rendered by
# yqbox once and saved for the others), the same number of worker processes/threads (the
# machine's cores: yqbox's driver threads, tlsref's threads, nginx's workers), the same ECDSA
# P-256 certificate, no access log. wrk runs on the same machine, so clients and servers share
# the cores. Measured:
#   1. 20 KB public page, HTTP keep-alive           (yqbox: response cache in the driver)
#   2. the same, a new connection per request
#   3. the same over HTTPS keep-alive               (also against the reference server)
#   4. full TLS handshakes per second (`openssl s_time -new`, one client per core: a new session
#      each time, nothing resumed; also against the reference server), and HTTPS with a new
#      connection per request from wrk, which resumes its sessions from the servers' tickets
#   5. a dynamic Tcl page reading 20 rows from SQLite (HTTP keep-alive; yqbox only)
#   6. RSS of yqbox idle, and per idle keep-alive connection (10,000 connections); what idle serve
#      has beyond a process with one interpreter, per worker
#   7. the TLS choices on the reference server: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305
#      keep-alive; P-256 against X25519 full handshakes (TLS 1.2, where the server's group order
#      decides), and TLS 1.3 with a server that has only P-256 (the client's X25519 key share then
#      costs a HelloRetryRequest) - the figures behind the order in src/tlsprefs.h
# For 3 and 4 the server's CPU time per request (utime+stime from /proc, all its threads or
# processes) is printed too: on a shared machine it moves much less than the rates do.
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
TLSREF=$BENCH_TOP/build/tlsref
# (re)made when the checkout is configured, so that it offers what src/tlsprefs.h says now
if [ -f Makefile ]; then make -s build/tlsref >&2 || { echo "bench: make build/tlsref failed" >&2; exit 1; }; fi
[ -x "$TLSREF" ] || { echo "bench: build/tlsref is missing (./configure && make build/tlsref)" >&2; exit 1; }
RPID=
# stop the reference server too (lib.sh's cleanup stops yqbox and nginx)
trap 'stop_ref; bench_cleanup' EXIT
set -- $(freeports 5)
P_YS=$1 P_YH=$2 P_NS=$3 P_NH=$4 P_RS=$5

# stop_ref: stops the reference server started by start_ref.
stop_ref() {
    if [ -n "$RPID" ]; then kill "$RPID" 2>/dev/null || true; wait "$RPID" 2>/dev/null || true; fi
    RPID=
}

# start_ref [OPTIONS]: starts build/tlsref on P_RS with the yqbox certificate, the saved page and
# CORES threads (OPTIONS: -suites, -groups, -tls12; see bench/tlsref.c) and waits for it.
start_ref() {
    stop_ref
    "$TLSREF" "$W/data/tls-cert.pem" "$W/data/tls-key.pem" "$P_RS" "$W/www/page.html" "$CORES" "$@" \
        > "$W/tlsref.out" 2>&1 &
    RPID=$!
    for i in $(seq 50); do grep -q ready "$W/tlsref.out" 2>/dev/null && return 0; sleep 0.1; done
    cat "$W/tlsref.out" >&2; exit 1
}

# cpu PID...: the CPU time (clock ticks, user + system, all threads) the processes PID used so far.
cpu() { for _p in "$@"; do awk '{print $14 + $15}' "/proc/$_p/stat"; done | awk '{s += $1} END {print s}'; }

# since T0: the seconds from T0 (date +%s.%N) to now.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {print b - a}'; }

# per_us TICKS N: TICKS clock ticks of CPU in microseconds per one of N ("" when N is 0).
per_us() {
    awk -v c="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" \
        'BEGIN { if (n > 0) printf "%.0f", c / hz * 1e6 / n; else print "" }'
}

# rate_cpu URL PIDS [wrk args...]: wrk_rate on URL; sets RATE (requests/s) and US (the server
# processes PIDS' CPU microseconds per request).
rate_cpu() {
    _u=$1 _pids=$2; shift 2
    _c0=$(cpu $_pids)
    _r0=$(date +%s.%N)
    RATE=$(wrk_rate "$_u" "$@")
    _c1=$(cpu $_pids)
    US=$(per_us "$((_c1 - _c0))" "$(awk -v r="${RATE:-0}" -v t="$(since "$_r0")" 'BEGIN {print r * t}')")
}

# hs_cpu PORT PIDS [s_time options]: full TLS handshakes on PORT, CORES `openssl s_time -new`
# clients at once for SECS (a new session every time, so none is resumed from a ticket, which
# wrk would do); sets RATE (handshakes/s) and US (the processes PIDS' CPU microseconds each).
hs_cpu() {
    _port=$1 _pids=$2; shift 2
    _c0=$(cpu $_pids)
    _r0=$(date +%s.%N)
    _cl=
    for _i in $(seq "$CORES"); do
        timeout $((SECS + 30)) openssl s_time -connect "127.0.0.1:$_port" -new -time "$SECS" "$@" \
            > "$W/stime.$_i" 2>&1 &
        _cl="$_cl $!"
    done
    wait $_cl || true
    _c1=$(cpu $_pids)
    _t=$(since "$_r0")
    _n=$(cat "$W"/stime.* | awk '/connections in [0-9.]+ real seconds/ {n += $1} END {print n + 0}')
    rm -f "$W"/stime.*
    RATE=$(awk -v n="$_n" -v t="$_t" 'BEGIN { printf "%.0f", n / t }')
    US=$(per_us "$((_c1 - _c0))" "$_n")
}

# ---- yqbox ----
$YQ init -demo "$W/data" >/dev/null
cat > "$W/data/appliance.conf" <<EOF
https 127.0.0.1:$P_YS
http 127.0.0.1:$P_YH
http_mode serve
demo_routes 1
access_log ""
workers $CORES
drivers $CORES
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
printf '%-44s %12s %12s %8s %s\n' "measure" "yqbox" "peer" "ratio" "goal"
# line TEXT YQBOX PEER-VALUE GOAL FIGURE [PEER]: the human line and the FIGURE line of one
# comparison (PEER: nginx unless given)
line() {
    printf '%-44s %12s %12s %8s %s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4 ${6:-nginx}"
    figure "$5" "$2" "$(echo "$1" | sed 's/.*(\(.*\))$/\1/')" "${6:-nginx}" "$3" "x$(echo "$4" | tr -d ' ')"
}
NGPIDS="$NPID $(pgrep -P "$NPID" | tr '\n' ' ')"

a=$(wrk_rate "http://127.0.0.1:$P_YH/demo/page"); b=$(wrk_rate "http://127.0.0.1:$P_NH/demo/page")
line "20 KB page, HTTP keep-alive (req/s)" "$a" "$b" ">= 1.0" server_http_keepalive
a=$(wrk_rate "http://127.0.0.1:$P_YH/demo/page" -H "Connection: close"); b=$(wrk_rate "http://127.0.0.1:$P_NH/demo/page" -H "Connection: close")
line "20 KB page, HTTP new connection (req/s)" "$a" "$b" ">= 0.8" server_http_close

start_ref
rate_cpu "https://127.0.0.1:$P_YS/demo/page" "$YPID"; a=$RATE ua=$US
rate_cpu "https://127.0.0.1:$P_RS/demo/page" "$RPID"; r=$RATE ur=$US
rate_cpu "https://127.0.0.1:$P_NS/demo/page" "$NGPIDS"; b=$RATE ub=$US
line "20 KB page, HTTPS keep-alive (req/s)" "$a" "$r" ">= 0.95" server_https_keepalive_ref tlsref
line "20 KB page, HTTPS keep-alive (req/s)" "$a" "$b" ">= 0.5" server_https_keepalive
printf '%-44s %12s %12s %8s %s\n' "  server CPU per request (us)" "$ua" "$ur" "$(ratio "$ua" "$ur")" "(tlsref; nginx $ub)"
figure server_https_keepalive_cpu "$ua" us/req tlsref "$ur" -
hs_cpu "$P_YS" "$YPID"; a=$RATE ua=$US
hs_cpu "$P_RS" "$RPID"; r=$RATE ur=$US
hs_cpu "$P_NS" "$NGPIDS"; b=$RATE ub=$US
line "full TLS handshakes (conn/s)" "$a" "$r" ">= 0.95" server_tls_handshakes_ref tlsref
line "full TLS handshakes (conn/s)" "$a" "$b" ">= 0.35" server_tls_handshakes
printf '%-44s %12s %12s %8s %s\n' "  server CPU per handshake (us)" "$ua" "$ur" "$(ratio "$ua" "$ur")" "(tlsref; nginx $ub)"
figure server_tls_handshake_cpu "$ua" us/conn tlsref "$ur" -
rate_cpu "https://127.0.0.1:$P_YS/demo/page" "$YPID" -H "Connection: close"; a=$RATE ua=$US
rate_cpu "https://127.0.0.1:$P_NS/demo/page" "$NGPIDS" -H "Connection: close"; b=$RATE ub=$US
printf '%-44s %12s %12s %8s %s\n' "HTTPS new connection, resumed (req/s)" "$a" "$b" "$(ratio "$a" "$b")" "(nginx)"
figure server_tls_resumed "$a" req/s nginx "$b" -
printf '%-44s %12s %12s %8s %s\n' "  server CPU per request (us)" "$ua" "$ub" "$(ratio "$ua" "$ub")" "(nginx)"
a=$(wrk_rate "http://127.0.0.1:$P_YH/demo/rows")
printf '%-44s %12s %12s %8s %s\n' "dynamic Tcl page, 20 SQLite rows (req/s)" "$a" "-" "-" ">= 5000"
figure server_dynamic_page "$a" req/s - - '>=5000'

# ---- the TLS choices, on the reference server ----
printf '%-44s %12s %12s\n' "reference server, one choice each" "rate" "CPU us/req"
# choice TEXT FIGURE [tlsref options] [-- wrk args | -- -hs]: one run of the reference server
# offering only that choice, measured by wrk or (-hs) by full handshakes (hs_cpu)
choice() {
    _text=$1 _fig=$2; shift 2
    _ro="" _wa=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do _ro="$_ro $1"; shift; done
    [ "${1:-}" = -- ] && shift
    start_ref $_ro
    if [ "${1:-}" = -hs ]; then hs_cpu "$P_RS" "$RPID"
    else rate_cpu "https://127.0.0.1:$P_RS/demo/page" "$RPID" "$@"; fi
    printf '%-44s %12s %12s\n' "$_text" "$RATE" "$US"
    figure "$_fig" "$RATE" "$(echo "$_text" | sed 's/.*(\(.*\))$/\1/')" - - -
}
choice "TLS 1.3 AES-128-GCM keep-alive (req/s)" tls_aes128_keepalive -suites aes128
choice "TLS 1.3 AES-256-GCM keep-alive (req/s)" tls_aes256_keepalive -suites aes256
choice "TLS 1.3 ChaCha20-Poly1305 keep-alive (req/s)" tls_chacha_keepalive -suites chacha
choice "TLS 1.2 P-256 handshakes (conn/s)" tls12_p256_handshakes -tls12 -groups p256 -- -hs
choice "TLS 1.2 X25519 handshakes (conn/s)" tls12_x25519_handshakes -tls12 -groups x25519 -- -hs
choice "TLS 1.3 X25519 handshakes (conn/s)" tls13_x25519_handshakes -groups x25519 -- -hs
choice "TLS 1.3 P-256 only, after a HRR (conn/s)" tls13_p256_hrr_handshakes -groups p256 -- -hs
stop_ref

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
# what the idle RSS is made of: a process with one interpreter that has every module, the web
# pages and its database connection (`yqbox eval`), and what serve has beyond that: one such
# interpreter per worker (the background interpreter is serve's own), the drivers, certificate,
# static files and what the jobs run at the start keep
RSS_ONE=$($YQ eval -d "$W/data" 'web::init; db onecolumn {SELECT 1}; set f [open /proc/self/status]; regexp {VmRSS:\s+(\d+)} [read $f] -> r; close $f; set r')
awk -v o="$RSS_ONE" -v i="$RSS_IDLE" -v n="$CORES" 'BEGIN {
    printf "%-44s %9.1f MB\n", "  a process with one interpreter (eval)", o/1024
    printf "%-44s %9.1f MB\n", "  serve beyond it, per worker (" n ")", (i-o)/n/1024
}'
figure server_rss_idle "$(awk -v k="$RSS_IDLE" 'BEGIN { printf "%.1f", k/1024 }')" MB - - '<=20'
figure server_rss_per_worker "$(awk -v o="$RSS_ONE" -v i="$RSS_IDLE" -v n="$CORES" 'BEGIN { printf "%.1f", (i-o)/n/1024 }')" MB - - -
[ "${OPEN:-0}" -ge "$IDLE" ] || { echo "bench: $IDLE idle connections opened, the server counts ${OPEN:-none}" >&2; exit 1; }
figure server_rss_per_connection "$(awk -v b="$RSS_BEFORE" -v c="$RSS_CONN" -v n="$OPEN" 'BEGIN { v = (c-b)/(n>1?n-1:1); printf "%.1f", v < 0 ? 0 : v }')" KB - - '<=50'
