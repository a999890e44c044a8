#!/bin/sh
# pipeline.sh - 研判 pipeline throughput (match, route, cluster, score) on one core with each
# stage's share. Usage: bench/pipeline.sh [N] (default 5000; BENCH_TINY=1: 50; see bench/lib.sh).
# Goal from issue 18: >= 2,000 posts/s per core. Prints FIGURE lines. Not a test.
set -eu
. "$(dirname "$0")/lib.sh"
need taskset util-linux
N=$(size "${1:-5000}" 50)
W=$(mktemp -d /tmp/yqbox-pipeline.XXXXXX); trap 'rm -rf "$W"' EXIT
$YQ init -demo "$W/d" >/dev/null
echo "log_level error" >> "$W/d/appliance.conf"
YQBOX_TESTING=1 taskset -c 0 $YQ run -d "$W/d" bench/pipeline.tcl "$N"
