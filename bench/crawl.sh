#!/bin/sh
# crawl.sh - the patrol's figures side by side (not a test):
#   1. fetch throughput: the fetch engine vs `curl --parallel`, the same URLs from nginx on loopback
#   2. ingest: decode + extract + store (with FTS) of generated news pages, posts/s, vs the sqlite3
#      shell inserting the same rows into the same table (its FTS uses unicode61: the shell cannot
#      load yqbox's CJK tokenizer; yqbox does strictly more work per row)
#   3. FTS query time at many posts, two-character queries, newest first, LIMIT 20: p50/p95/max
# Usage: bench/crawl.sh  (env: FETCH_N=2000 CONNS=50 INGEST_N=100000 FTS_M=1000000 FTS_Q=300)
# Installs nginx-light and the sqlite3 shell from Debian when missing (needs root).
set -eu
cd "$(dirname "$0")/.."
YQ=$(pwd)/yqbox
FETCH_N=${FETCH_N:-2000}; CONNS=${CONNS:-50}; INGEST_N=${INGEST_N:-100000}
FTS_M=${FTS_M:-1000000}; FTS_Q=${FTS_Q:-300}
for p in nginx:nginx-light sqlite3:sqlite3 curl:curl; do
    t=${p%%:*}; [ -x /usr/sbin/$t ] || command -v $t >/dev/null || apt-get install -y ${p#*:} >/dev/null
done
W=$(mktemp -d /tmp/yqbox-crawlbench.XXXXXX)
chmod 755 "$W"          # nginx's workers (www-data) read the files
NPID=
trap '[ -n "$NPID" ] && kill $NPID 2>/dev/null; rm -rf "$W"' EXIT

# 1. fetch
mkdir -p "$W/www"
i=0; while [ $i -lt "$FETCH_N" ]; do head -c 20000 /dev/urandom > "$W/www/f$i.bin"; i=$((i+1)); done
PORT=$((20000 + $$ % 20000))
cat > "$W/nginx.conf" <<EOF
worker_processes 2; pid $W/nginx.pid; error_log $W/error.log; daemon off;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000;
  server { listen 127.0.0.1:$PORT; root $W/www; } }
EOF
/usr/sbin/nginx -c "$W/nginx.conf" & NPID=$!
sleep 0.5
i=0; : > "$W/urls"; : > "$W/curl.cfg"
while [ $i -lt "$FETCH_N" ]; do
    echo "http://127.0.0.1:$PORT/f$i.bin" >> "$W/urls"
    printf 'url = "http://127.0.0.1:%s/f%s.bin"\noutput = "/dev/null"\n' $PORT $i >> "$W/curl.cfg"
    i=$((i+1))
done
t0=$(date +%s.%N); curl -s --parallel --parallel-max "$CONNS" -K "$W/curl.cfg" 2>/dev/null; t1=$(date +%s.%N)
bad=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/f0.bin")
[ "$bad" = 200 ] || { echo "bench: nginx answers $bad, not 200" >&2; exit 1; }
tc=$(echo "$t1 - $t0" | bc)
ty=$("$YQ" run bench/crawl.tcl fetch "$W/urls" "$CONNS")
echo "fetch $FETCH_N x 20 KB at $CONNS at once: yqbox ${ty}s, curl --parallel ${tc}s, ratio $(echo "scale=2; $tc / $ty" | bc) (target >= 1.0)"

# 2. ingest
r=$("$YQ" run bench/crawl.tcl ingest "$W/ingest" "$INGEST_N" "$W/rows.sql")
yps=${r% *}
"$YQ" init -demo "$W/shell" >/dev/null
"$YQ" eval -d "$W/shell" "db eval {
    DROP TABLE post_fts; CREATE VIRTUAL TABLE post_fts USING fts5(title, body, content='post', content_rowid='id');
    INSERT INTO source(name, type, url, tier, created, updated) VALUES('bench', 'html', 'http://bench.test/', 'forum', '', '')}"
t0=$(date +%s.%N); sqlite3 "$W/shell/yqbox.db" < "$W/rows.sql"; t1=$(date +%s.%N)
sps=$(echo "$INGEST_N / ($t1 - $t0)" | bc)
echo "ingest $INGEST_N posts (decode, extract, store, FTS): yqbox $yps posts/s, sqlite3 shell inserting the rows $sps posts/s, ratio $(echo "scale=2; $yps / $sps" | bc) (target >= 0.8)"

# 3. FTS
r=$("$YQ" run bench/crawl.tcl fts "$W/fts" "$FTS_M" "$FTS_Q")
echo "FTS at $FTS_M posts, $FTS_Q two-character queries, LIMIT 20, newest first: p50/p95/max ms $r (target p95 <= 2 ms)"
