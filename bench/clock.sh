#!/bin/sh
# clock.sh - the cost of the clock's bookkeeping: importing next year's calendar with N open
# deadlines provisional on it (every one recomputed in the import's transaction, with its timeline
# step and audit entry), and one idle run of the deadline clock job at that size.
# Usage: bench/clock.sh [N] (default 2000). Not a test: the figures depend on the machine.
cd "$(dirname "$0")/.." || exit 1
W=$(mktemp -d /tmp/yqbox-clockbench.XXXXXX); trap 'rm -rf "$W"' EXIT
YQBOX_TESTING=1 YQBOX_NOW=2026-12-28T10:00:00+08:00 ./yqbox run bench/clock.tcl "$W/d" "${1:-2000}" \
    tests/fixtures/calendar/2027.json
