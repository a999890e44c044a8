#!/bin/sh
# clock.sh - the cost of the clock's bookkeeping: importing next year's calendar with N open
# deadlines provisional on it (every one recomputed in the import's transaction, with its timeline
# step and audit entry), and one idle run of the deadline clock job at that size.
# Usage: bench/clock.sh [N] (default 2000; BENCH_TINY=1: 20; see bench/lib.sh). No peer: prints
# FIGURE lines without goals. Not a test: the figures depend on the machine.
set -eu
. "$(dirname "$0")/lib.sh"
N=$(size "${1:-2000}" 20)
W=$(mktemp -d /tmp/yqbox-clockbench.XXXXXX); trap 'rm -rf "$W"' EXIT
$YQ init -demo "$W/d" >/dev/null
echo "log_level error" >> "$W/d/appliance.conf"
YQBOX_TESTING=1 YQBOX_NOW=2026-12-28T10:00:00+08:00 $YQ run -d "$W/d" bench/clock.tcl "$N" \
    tests/fixtures/calendar/2027.json
