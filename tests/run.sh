#!/bin/sh
# run.sh - the body of `make test`: the C unit tests, then the tcltest suites against ./yqbox and
# ./yqbox-asan, then the browser tests (tests/browser/run.tcl, Playwright driving Chromium).
# Usage: tests/run.sh CTEST-BINARY ...
# Prints each part's counts and ends with one line "N passed, N failed"; exits 1 on any failure.
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0

# tally LABEL OUTPUT-FILE: add the last "N passed, N failed" line of a run to the totals.
tally() {
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
    if [ -z "$line" ]; then
        echo "$1: no result line (crashed?)"; fail=$((fail + 1)); return
    fi
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    pass=$((pass + p)); fail=$((fail + f))
    echo "$1: $line"
}

out=$(mktemp)
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    "$1" > "$out" 2>&1; cat "$out"; tally "C unit tests $(basename "$1")" "$out"
    shift
done
[ $# -gt 0 ] && shift          # the replays after "--" run last
echo "== tcltest suites, static build (./yqbox)"
./yqbox run tests/all.tcl | tee "$out"; tally "./yqbox" "$out"
echo "== tcltest suites, sanitizer build (./yqbox-asan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ./yqbox-asan run tests/all.tcl | tee "$out"; tally "./yqbox-asan" "$out"
echo "== browser tests (Playwright + Debian Chromium)"
if [ ! -d tests/browser/node_modules/playwright-core ] && command -v npm >/dev/null 2>&1; then
    (cd tests/browser && npm install --no-audit --no-fund >/dev/null 2>&1) || echo "npm install failed"
fi
./yqbox run tests/browser/run.tcl | tee "$out"; tally "browser" "$out"
echo "== fuzz corpora and past crash inputs, replayed (gcc + ASan/UBSan)"
for r in "$@"; do
    n=$(basename "$r")
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$r" "tests/fuzz/corpus/$n" "tests/fuzz/crashes/$n" > "$out" 2>&1
    tail -n 20 "$out" | grep -v '^[0-9]* passed, [0-9]* failed' || true
    tally "fuzz replay $n" "$out"
done
rm -f "$out"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
