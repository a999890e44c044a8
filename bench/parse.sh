#!/bin/sh
# parse.sh - parse + XPath extraction throughput of yqbox (libxml2 via html.c) against Python lxml
# doing the same XPath on the same fixture pages, printed as a ratio; then the FTS5 cjk tokenizer's
# indexing throughput. Usage: bench/parse.sh [ITERATIONS] (default 150 passes over the pages;
# BENCH_TINY=1: 1 pass, 5 tokenizer passes; see bench/lib.sh).
# Each side runs three rounds and keeps its fastest (the machine is shared; noise only slows).
# Needs Debian's python3-lxml (./configure installs it). Prints FIGURE lines (bench/lib.sh).
set -eu
. "$(dirname "$0")/lib.sh"
N=$(size "${1:-150}" 1)
REPS=$(size 400 5)
PY=/usr/bin/python3
need $PY python3
$PY -c 'import lxml' 2>/dev/null || { echo "bench: python3-lxml is missing (./configure installs it as root: apt-get install python3-lxml)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the pages as UTF-8 text, so both sides parse the same characters
$YQ eval "
foreach f [lsort [glob tests/fixtures/*/*.html tests/fixtures/*/*/*.html]] {
    set h [open \$f rb]; set b [read \$h]; close \$h
    set o [open $tmp/[incr i].html w]; fconfigure \$o -encoding utf-8; puts -nonewline \$o [charset decode \$b]; close \$o
}"
cat > "$tmp/xpaths" <<'X'
//title
//h1
//a/@href
//p
//td
//div[contains(@class,'content') or contains(@class,'post')]
//li/a
count(//*)
X

yq=$($YQ eval "
set xps {}
set h [open $tmp/xpaths]; foreach l [split [string trim [read \$h]] \n] { lappend xps \$l }; close \$h
set pages {}
foreach f [lsort [glob $tmp/*.html]] { set h [open \$f]; fconfigure \$h -encoding utf-8; lappend pages [read \$h]; close \$h }
set us 1e18
foreach round {1 2 3} {
    set t0 [clock microseconds]; set n 0
    for {set i 0} {\$i < $N} {incr i} {
        foreach p \$pages {
            set doc [html doc \$p]
            foreach x \$xps { incr n [llength [\$doc xpath \$x]] }
            \$doc delete
        }
    }
    set us [expr {min(\$us, [clock microseconds] - \$t0)}]
}
set us [expr {int(\$us)}]
format {%d %d %d} [expr {$N * [llength \$pages]}] \$us \$n")

py=$($PY - "$tmp" "$N" <<'P'
import sys, glob, time
from lxml import etree
d, n = sys.argv[1], int(sys.argv[2])
xps = open(d + "/xpaths", encoding="utf-8").read().split("\n")
xps = [x for x in xps if x]
pages = [open(f, encoding="utf-8").read() for f in sorted(glob.glob(d + "/*.html"))]
compiled = [etree.XPath(x) for x in xps]
best = None
for rnd in range(3):
    t0 = time.perf_counter(); count = 0
    for i in range(n):
        for p in pages:
            doc = etree.HTML(p)
            for x in compiled:
                r = x(doc)
                if isinstance(r, list):
                    vals = [v if isinstance(v, str) else "".join(v.itertext()) for v in r]
                    count += len(vals)
                else:
                    count += 1
    t = time.perf_counter() - t0
    best = t if best is None else min(best, t)
us = int(best * 1e6)
print(n * len(pages), us, count)
P
)
set -- $yq; ypages=$1 yus=$2 ycount=$3
set -- $py; ppages=$1 pus=$2 pcount=$3
echo "parse + XPath extraction, $ypages page parses x $(wc -l < "$tmp/xpaths") XPath each:"
awk -v yp="$ypages" -v yu="$yus" -v pp="$ppages" -v pu="$pus" -v yc="$ycount" -v pc="$pcount" 'BEGIN{
  yr = yp / (yu / 1e6); pr = pp / (pu / 1e6);
  printf "  yqbox html doc + xpath : %8.0f pages/s (%d values)\n", yr, yc;
  printf "  python3 lxml           : %8.0f pages/s (%d values)\n", pr, pc;
  printf "  ratio yqbox/lxml       : %.2fx (target >= 1.0x)\n", yr / pr;
  printf "FIGURE parse_xpath %.0f pages/s python3_lxml %.0f x>=1.0\n", yr, pr }'

# FTS5 cjk tokenizer: index the fixture texts repeatedly
$YQ eval "
package require sqlite3
sqlite3 m :memory:
set texts {}
foreach f [lsort [glob $tmp/*.html]] { set h [open \$f]; fconfigure \$h -encoding utf-8; lappend texts [html text [read \$h]]; close \$h }
set bytes 0; foreach t \$texts { incr bytes [string length [encoding convertto utf-8 \$t]] }
set reps $REPS
set tok 0; set t0 [clock microseconds]
for {set i 0} {\$i < \$reps} {incr i} { foreach t \$texts { incr tok [llength [cjk tokens \$t]] } }
set us1 [expr {[clock microseconds] - \$t0}]
m eval {CREATE VIRTUAL TABLE f USING fts5(body, tokenize='cjk')}
set t0 [clock microseconds]
m transaction { for {set i 0} {\$i < \$reps} {incr i} { foreach t \$texts { m eval {INSERT INTO f(body) VALUES(\$t)} } } }
set us2 [expr {[clock microseconds] - \$t0}]
set mb [expr {\$bytes * \$reps / 1048576.0}]
puts [format {FTS5 cjk tokenizer: %.1f MB of page text (%d documents)} \$mb [expr {\$reps * [llength \$texts]}]]
puts [format {  tokenize only (cjk tokens) : %6.1f MB/s, %.2f M tokens/s} [expr {\$mb / (\$us1 / 1e6)}] [expr {\$tok / (\$us1 / 1.0)}]]
puts [format {  FTS5 insert (index)        : %6.1f MB/s, %.0f documents/s} [expr {\$mb / (\$us2 / 1e6)}] [expr {\$reps * [llength \$texts] / (\$us2 / 1e6)}]]
puts [format {FIGURE parse_cjk_tokenize %.1f MB/s - - -} [expr {\$mb / (max(1, \$us1) / 1e6)}]]
puts [format {FIGURE parse_fts_insert %.1f MB/s - - -} [expr {\$mb / (max(1, \$us2) / 1e6)}]]
"
