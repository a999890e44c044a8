#!/bin/sh
# bench/month.sh - the county month's figures (issue 19): the acceptance run of tests/month/run.tcl
# (a living fixture internet, scripted people, the real server with the clock moved in 15-minute
# steps and killed with SIGKILL at random moments) timed, with what it leaves: wall time, posts and
# events per simulated day, the server's peak RSS, the database's growth over the run scaled to a
# month, and the verdict's differences (goal 0). There is no peer: a county month has none.
# Usage: bench/month.sh (BENCH_DAYS=30 BENCH_KILLS=3 BENCH_VOLUME=250; BENCH_TINY=1: 1 day, no kill,
# volume 20, 6-hour steps; see bench/lib.sh). Prints FIGURE lines. Not a test.
set -eu
. "$(dirname "$0")/lib.sh"
DAYS=${BENCH_DAYS:-$(size 30 1)}
KILLS=${BENCH_KILLS:-$(size 3 0)}
VOLUME=${BENCH_VOLUME:-$(size 250 20)}
STEP=$(size 900 21600)
W=$(mktemp -d /tmp/yqbox-month.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
start=$(date +%s.%N)
# the run exits 1 when the verdict found differences: that is a figure here, not a failure
$YQ run tests/month/run.tcl -days "$DAYS" -kills "$KILLS" -volume "$VOLUME" -step "$STEP" -out "$W/out" \
    > "$W/run.log" 2>&1 || true
end=$(date +%s.%N)
grep -q '^[0-9]* checks, [0-9]* different' "$W/run.log" || { tail -30 "$W/run.log" >&2; echo "bench: the month run did not finish" >&2; exit 1; }
grep '^run:\|checks,' "$W/run.log"
cat > "$W/figures.tcl" <<'TCL'
# the figures of a finished run in directory OUT: posts and events per day, peak RSS, db growth
lassign $argv out days
set f [open [file join $out facts.tcl]]; fconfigure $f -encoding utf-8; set facts [read $f]; close $f
set samples [dict get $facts samples]
set first [lindex $samples 0]
set last [lindex $samples end]
set peak 0
foreach s $samples { if {[dict get $s rss_kb] > $peak} { set peak [dict get $s rss_kb] } }
set span [expr {max(1, [llength $samples] - 1)}]
puts [format "%.1f %.1f %.1f %.2f" \
    [expr {double([dict get $last posts]) / $days}] [expr {double([dict get $last events]) / $days}] \
    [expr {$peak / 1024.0}] \
    [expr {([dict get $last db_bytes] - [dict get $first db_bytes]) / 1048576.0 / $span * 30}]]
TCL
set -- $($YQ run "$W/figures.tcl" "$W/out" "$DAYS")
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
diffs=$(sed -n 's/^[0-9]* checks, \([0-9]*\) different.*/\1/p' "$W/run.log")
echo "$DAYS simulated days in $wall s: $1 posts and $2 events a day, peak RSS $3 MiB, database +$4 MiB a month, $diffs differences"
figure month_wall "$wall" s - - -
figure month_posts_per_day "$1" posts - - -
figure month_events_per_day "$2" events - - -
figure month_peak_rss "$3" MiB - - -
figure month_db_growth "$4" MiB/month - - -
figure month_differences "$diffs" rows - - '<=0'
