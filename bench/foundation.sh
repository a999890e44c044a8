#!/bin/sh
# bench/foundation.sh - the foundation's figures: stripped binary size, cold start of
# `yqbox eval exit` and peak RSS, next to tclsh (the host's Tcl 8.6) doing the same. Not a test.
# The start is timed in an empty directory (no appliance.conf: the binary alone, like tclsh), and
# again with the checkout's demo appliance.conf, whose source blocks are validated by the patrol's
# code (which is then sourced: scripts/main.tcl).
# Targets: <= 8 MB stripped, start <= 10 ms (issue 18), peak RSS <= 10 MB.
# Usage: bench/foundation.sh (BENCH_TINY=1: 5 starts instead of 50; see bench/lib.sh). Prints
# FIGURE lines (bench/lib.sh).
set -eu
. "$(dirname "$0")/lib.sh"
need tclsh tcl
RUNS=$(size 50 5)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$YQBIN" "$tmp/yqbox"; strip "$tmp/yqbox" 2>/dev/null || true
size=$(stat -c %s "$tmp/yqbox")
echo "stripped binary: $size bytes ($(awk "BEGIN{printf \"%.2f\", $size/1048576}") MiB; target <= 8 MiB)"
figure foundation_binary_size "$(awk "BEGIN{printf \"%.2f\", $size/1048576}")" MiB - - '<=8'

# ms N CMD...: mean wall-clock milliseconds of N runs of a command (each must succeed)
ms() {
    n=$1; shift
    start=$(date +%s%N)
    i=0; while [ $i -lt "$n" ]; do "$@" >/dev/null 2>&1 || return 1; i=$((i+1)); done
    end=$(date +%s%N)
    awk "BEGIN{printf \"%.2f\", ($end-$start)/1e6/$n}"
}
ms 3 $YQ eval exit >/dev/null   # warm the page cache
mkdir "$tmp/empty"
y=$(cd "$tmp/empty" && ms "$RUNS" $YQ eval exit)
echo "cold start, yqbox eval exit: $y ms (mean of $RUNS, no config; target <= 10 ms)"
echo 'exit' > "$tmp/exit.tcl"
t=$(cd "$tmp/empty" && ms "$RUNS" tclsh "$tmp/exit.tcl")
echo "             tclsh exit.tcl: $t ms   ratio yqbox/tclsh: $(ratio "$y" "$t")"
figure foundation_start "$y" ms tclsh "$t" '<=10'
c=$(ms "$RUNS" $YQ eval exit)
echo "   with the demo appliance.conf: $c ms (its 8 source blocks validated)"
figure foundation_start_config "$c" ms tclsh "$t" -
rss=$(cd "$tmp/empty" && /usr/bin/time -f %M $YQ eval exit 2>&1 >/dev/null | tail -1)
echo "peak RSS, yqbox eval exit: $rss KiB (target <= 10240 KiB)"
figure foundation_start_rss "$rss" KiB - - '<=10240'
d="$tmp/data"; $YQ init -demo "$d" >/dev/null
rss=$(/usr/bin/time -f %M $YQ eval -d "$d" 'db eval {SELECT count(*) FROM meta}' 2>&1 >/dev/null | tail -1)
echo "peak RSS, opening the database: $rss KiB"
figure foundation_open_rss "$rss" KiB - - -
