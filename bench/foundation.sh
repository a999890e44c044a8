#!/bin/sh
# bench/foundation.sh - the foundation's figures: stripped binary size, cold start of
# `yqbox eval exit` and peak RSS, next to tclsh (the host's Tcl 8.6) doing the same. Not a test.
# Targets: <= 8 MB stripped, start <= 20 ms, peak RSS <= 10 MB.
cd "$(dirname "$0")/.." || exit 1
[ -x ./yqbox ] || { echo "build ./yqbox first (make)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp yqbox "$tmp/yqbox"; strip "$tmp/yqbox" 2>/dev/null
size=$(stat -c %s "$tmp/yqbox")
echo "stripped binary: $size bytes ($(awk "BEGIN{printf \"%.2f\", $size/1048576}") MiB; target <= 8 MiB)"

# ms: mean wall-clock milliseconds of N runs of a command
ms() {
    n=$1; shift
    start=$(date +%s%N)
    i=0; while [ $i -lt "$n" ]; do "$@" >/dev/null 2>&1; i=$((i+1)); done
    end=$(date +%s%N)
    awk "BEGIN{printf \"%.2f\", ($end-$start)/1e6/$n}"
}
ms 3 ./yqbox eval exit >/dev/null   # warm the page cache
y=$(ms 50 ./yqbox eval exit)
echo "cold start, yqbox eval exit: $y ms (mean of 50; target <= 20 ms)"
if command -v tclsh >/dev/null; then
    echo 'exit' > "$tmp/exit.tcl"
    t=$(ms 50 tclsh "$tmp/exit.tcl")
    echo "             tclsh exit.tcl: $t ms   ratio yqbox/tclsh: $(awk "BEGIN{printf \"%.2f\", $y/$t}")"
fi
rss=$(/usr/bin/time -f %M ./yqbox eval exit 2>&1 >/dev/null | tail -1)
echo "peak RSS, yqbox eval exit: $rss KiB (target <= 10240 KiB)"
d="$tmp/data"; ./yqbox init -demo "$d" >/dev/null
rss=$(/usr/bin/time -f %M ./yqbox eval -d "$d" 'db eval {SELECT count(*) FROM meta}' 2>&1 >/dev/null | tail -1)
echo "peak RSS, opening the database: $rss KiB"
