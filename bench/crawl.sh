#!/bin/sh
# crawl.sh - the patrol's figures side by side (not a test):
#   1. fetch throughput: the fetch engine vs `curl --parallel`, the same URLs from nginx on loopback
#   2. ingest: decode + extract + store (with FTS) of generated news pages, posts/s, vs the sqlite3
#      shell inserting the same rows into the same table (its FTS uses unicode61: the shell cannot
#      load yqbox's CJK tokenizer; yqbox does strictly more work per row)
#   3. FTS query time at many posts, two-character queries, newest first, LIMIT 20: p50/p95/max
# Parts 1 and 2 also give the ratio of CPU time (user + system; yqbox's of its loop, the peer's of
# its process): on a machine shared with other work the wall clock counts waiting for a core.
# Usage: bench/crawl.sh  (env: FETCH_N=2000 CONNS=50 INGEST_N=100000 FTS_M=1000000 FTS_Q=300;
# BENCH_TINY=1: 50, 10, 300, 3000, 20; see bench/lib.sh). Needs nginx-light, curl and the sqlite3
# shell (./configure installs them). Goals from issue 18; prints FIGURE lines.
set -eu
. "$(dirname "$0")/lib.sh"
FETCH_N=${FETCH_N:-$(size 2000 50)}; CONNS=${CONNS:-$(size 50 10)}; INGEST_N=${INGEST_N:-$(size 100000 300)}
FTS_M=${FTS_M:-$(size 1000000 3000)}; FTS_Q=${FTS_Q:-$(size 300 20)}
need sqlite3 sqlite3; need curl curl; need /usr/bin/time time
bench_setup crawlbench
# elapsed T0 T1: seconds between two `date +%s.%N` readings
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# cputime FILE: the CPU seconds (user + system) /usr/bin/time -f '%U %S' wrote into FILE
cputime() { awk 'END { printf "%.2f", $1 + $2 }' "$1"; }
# rate N SECONDS: N / SECONDS as a whole number (SECONDS at least 0.01)
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t < 0.01) t = 0.01; printf "%.0f", n / t }'; }

# 1. fetch
mkdir -p "$W/www"
i=0; while [ $i -lt "$FETCH_N" ]; do head -c 20000 /dev/urandom > "$W/www/f$i.bin"; i=$((i+1)); done
PORT=$(freeports 1)
nginx_start "$W/nginx" "$W/www" "$PORT"
i=0; : > "$W/urls"; : > "$W/curl.cfg"
while [ $i -lt "$FETCH_N" ]; do
    echo "http://127.0.0.1:$PORT/f$i.bin" >> "$W/urls"
    printf 'url = "http://127.0.0.1:%s/f%s.bin"\noutput = "/dev/null"\n' $PORT $i >> "$W/curl.cfg"
    i=$((i+1))
done
t0=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$W/curl.time" curl -s --parallel --parallel-max "$CONNS" -K "$W/curl.cfg" 2>/dev/null
t1=$(date +%s.%N)
bad=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/f0.bin")
[ "$bad" = 200 ] || { echo "bench: nginx answers $bad, not 200" >&2; exit 1; }
tc=$(elapsed "$t0" "$t1") cc=$(cputime "$W/curl.time")
set -- $($YQ run bench/crawl.tcl fetch "$W/urls" "$CONNS")
ty=$1 cy=$2
echo "fetch $FETCH_N x 20 KB at $CONNS at once: yqbox ${ty}s, curl --parallel ${tc}s, ratio $(ratio "$tc" "$ty") (target >= 0.9); CPU time yqbox ${cy}s, curl ${cc}s, ratio $(ratio "$cc" "$cy")"
figure crawl_fetch "$(rate "$FETCH_N" "$ty")" fetches/s curl_parallel "$(rate "$FETCH_N" "$tc")" 'x>=0.9'
figure crawl_fetch_cpu "$(rate "$FETCH_N" "$cy")" fetches/cpu-s curl_parallel "$(rate "$FETCH_N" "$cc")" -

# 2. ingest
$YQ init -demo "$W/ingest" >/dev/null
set -- $($YQ run -d "$W/ingest" bench/crawl.tcl ingest "$INGEST_N" "$W/rows.sql")
yps=$1 ycps=$2
[ "${3:-}" = "$INGEST_N" ] || { echo "bench: ingest stored ${3:-no} posts of $INGEST_N" >&2; exit 1; }
$YQ init -demo "$W/shell" >/dev/null
$YQ eval -d "$W/shell" "db eval {
    DROP TABLE post_fts; CREATE VIRTUAL TABLE post_fts USING fts5(title, body, content='post', content_rowid='id');
    INSERT INTO source(name, type, url, tier, created, updated) VALUES('bench', 'html', 'http://bench.test/', 'forum', '', '')}"
t0=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$W/shell.time" sqlite3 -bail "$W/shell/yqbox.db" < "$W/rows.sql"
t1=$(date +%s.%N)
n=$(sqlite3 "$W/shell/yqbox.db" 'SELECT count(*) FROM post')
[ "$n" = "$INGEST_N" ] || { echo "bench: the sqlite3 shell stored $n posts of $INGEST_N" >&2; exit 1; }
sps=$(rate "$INGEST_N" "$(elapsed "$t0" "$t1")") scps=$(rate "$INGEST_N" "$(cputime "$W/shell.time")")
echo "ingest $INGEST_N posts (decode, extract, store, FTS): yqbox $yps posts/s, sqlite3 shell inserting the rows $sps posts/s, ratio $(ratio "$yps" "$sps") (target >= 0.6); by CPU time yqbox $ycps posts/s, shell $scps, ratio $(ratio "$ycps" "$scps")"
figure crawl_ingest "$yps" posts/s sqlite3_shell "$sps" 'x>=0.6'
figure crawl_ingest_cpu "$ycps" posts/cpu-s sqlite3_shell "$scps" -

# 3. FTS
$YQ init -demo "$W/fts" >/dev/null
r=$($YQ run -d "$W/fts" bench/crawl.tcl fts "$FTS_M" "$FTS_Q")
echo "FTS at $FTS_M posts, $FTS_Q two-character queries, LIMIT 20, newest first: p50/p95/max ms $r (target p95 <= 2 ms)"
set -- $r
figure crawl_fts_p50 "$1" ms - - -
figure crawl_fts_p95 "$2" ms - - '<=2'
