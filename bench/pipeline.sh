#!/bin/sh
# pipeline.sh - 研判 pipeline throughput (match, route, cluster, score) on one core with each
# stage's share. Usage: bench/pipeline.sh [N] (default 5000). Not a test.
cd "$(dirname "$0")/.." || exit 1
W=$(mktemp -d /tmp/yqbox-pipeline.XXXXXX); trap 'rm -rf "$W"' EXIT
taskset -c 0 ./yqbox run bench/pipeline.tcl "$W/d" "${1:-5000}"
