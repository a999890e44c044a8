#!/bin/sh
# bench/all.sh - the body of `make bench`: runs every bench script (bench/*.sh but this one and
# lib.sh) in turn, showing its output, and ends with one table of every figure the scripts printed
# (their FIGURE lines, see bench/lib.sh): name, yqbox's value and unit, the peer and its value,
# the ratio value/peer, the goal and whether it is met.
#
# Usage: sh bench/all.sh [NAME ...]     only bench/NAME.sh for each NAME given
#        sh bench/all.sh --table FILE   only the table of the FIGURE lines in FILE
# The environment goes to the scripts (BENCH_TINY=1 runs them on tiny sizes, in seconds; YQBOX,
# YQBOX_DEV: see bench/lib.sh). Each script's run ends with a line
#   == bench/NAME.sh: ok, N figures, S s      or      == bench/NAME.sh: FAILED (why)
# (a script fails when it exits non-zero or prints no FIGURE line); the last line is
# "N scripts, N failed". Exits 1 when a script failed.
cd "$(dirname "$0")/.." || exit 1

# table FILE: the table of the FIGURE lines in FILE, then a line counting the goals met.
table() {
    awk '
    function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ }
    $1 == "FIGURE" && NF == 7 {
        name = $2; v = $3; unit = $4; peer = $5; pv = $6; goal = $7
        r = (num(pv) && pv > 0) ? v / pv : ""
        met = "-"
        if (goal ~ /^x?(>=|<=)[0-9.]+$/) {
            onratio = goal ~ /^x/
            g = goal; sub(/^x?(>=|<=)/, "", g)
            x = onratio ? r : v
            if (x == "") met = "?"
            else if (goal ~ /^x?>=/) met = (x + 0 >= g + 0) ? "yes" : "no"
            else met = (x + 0 <= g + 0) ? "yes" : "no"
        }
        if (met == "yes") yes++; else if (met == "no") no++
        rows[++n] = sprintf("%-32s %12s %-10s %-14s %12s %7s %8s %4s", name, v, unit, peer, pv,
                            r == "" ? "-" : sprintf("%.2f", r), goal, met)
    }
    END {
        printf "%-32s %12s %-10s %-14s %12s %7s %8s %4s\n", "figure", "yqbox", "unit", "peer", "peer_value", "ratio", "goal", "met"
        for (i = 1; i <= n; i++) print rows[i]
        printf "%d figures, %d goals met, %d not met\n", n, yes, no
    }' "$1"
}

if [ "${1:-}" = --table ]; then
    [ -r "${2:-}" ] || { echo "usage: sh bench/all.sh --table FILE" >&2; exit 2; }
    table "$2"
    exit 0
fi

scripts=
if [ $# -gt 0 ]; then
    for n in "$@"; do
        [ -f "bench/$n.sh" ] || { echo "bench: no bench/$n.sh" >&2; exit 2; }
        scripts="$scripts bench/$n.sh"
    done
else
    for f in bench/*.sh; do
        case $f in bench/all.sh|bench/lib.sh) ;; *) scripts="$scripts $f" ;; esac
    done
fi

tmp=$(mktemp -d /tmp/yqbox-benchall.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
: > "$tmp/figures"
total=0 failed=0
for f in $scripts; do
    echo "== $f"
    t0=$(date +%s.%N)
    { sh "$f" 2>&1; echo $? > "$tmp/rc"; } | tee "$tmp/out"
    t1=$(date +%s.%N)
    rc=$(cat "$tmp/rc")
    n=$(grep -c '^FIGURE ' "$tmp/out" || true)
    grep '^FIGURE ' "$tmp/out" >> "$tmp/figures" || true
    total=$((total + 1))
    if [ "$rc" != 0 ]; then
        echo "== $f: FAILED (exit $rc)"; failed=$((failed + 1))
    elif [ "$n" = 0 ]; then
        echo "== $f: FAILED (no figures)"; failed=$((failed + 1))
    else
        echo "== $f: ok, $n figures, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s"
    fi
done
echo
table "$tmp/figures"
echo "$total scripts, $failed failed"
[ "$failed" = 0 ]
