#!/bin/sh
# bench/federation.sh - messages per second through the link between boxes (issue 17). Not a test.
#   A city box serving HTTPS on loopback and a county box enrolled with it by code; the county
#   queues N messages (payload about 500 bytes, over 50 objects) and one `federation send` carries
#   them up (signed exchanges of fed_batch messages, pinned TLS, each batch stored in one
#   transaction at the city). Then the same N by file: export at the county, import at the city.
#   Prints messages/s for each; the counts at the city must equal N.
# Usage: bench/federation.sh ?N? (default 5000; tiny mode 200; see bench/lib.sh)
. "$(dirname "$0")/lib.sh"
N=${1:-$(size 5000 200)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bench.tcl" <<'TCL'
lassign $argv n
set argv {}   ;# testlib hands argv to tcltest
source tests/testlib.tcl
proc ev {dir script} {
    set r [yq eval -d $dir $script]
    if {[dict get $r code]} { error [dict get $r err] }
    dict get $r out
}
proc box {name role} {
    set d [tempdir]
    yq init $d
    set f [open $d/appliance.conf a]; fconfigure $f -encoding utf-8
    puts $f "fed_name $name\nfed_role $role\nfed_batch 200"; close $f
    return $d
}
proc county {srv name} {
    set k [box $name county]
    set code [lindex [split [ev [dict get $srv dir] "federation invite $name -url https://127.0.0.1:[dict get $srv https]"] \n] end]
    ev $k [list federation join $code]
    ev $k [string map [list @N $::n] {
        db transaction immediate {
            for {set i 0} {$i < @N} {incr i} {
                federation::emit link.bench bench:[expr {$i % 50}] [json object i number $i text string [string repeat 舆情 80]]
            }
        }
    }]
    return $k
}
set srv [startServer "fed_role city\nfed_name 市本级\nfed_batch 200"]
set cdir [dict get $srv dir]
set k [county $srv 青山县]
set t0 [clock milliseconds]
ev $k {federation send}
set https [expr {([clock milliseconds] - $t0) / 1000.0}]
set k2 [county $srv 白水县]
set t0 [clock milliseconds]
ev $k2 "federation export 市本级 $k2/out.yqf"
ev $cdir "federation import $k2/out.yqf"
ev $k2 "federation import $k2/out.yqf.ack"
set file [expr {([clock milliseconds] - $t0) / 1000.0}]
set ::dir $cdir
set got [dbq {SELECT p.name, count(*) FROM federation_inbox i JOIN federation_peer p ON p.id = i.peer_id GROUP BY p.name ORDER BY p.name}]
stopServer $srv
puts [format "HTTPS: %d messages in %.2f s = %.0f messages/s" $n $https [expr {$n / $https}]]
puts [format "file:  %d messages in %.2f s = %.0f messages/s (export + import + acknowledgement)" $n $file [expr {$n / $file}]]
puts "stored at the city: $got"
if {$got ne [list 白水县 $n 青山县 $n]} { puts stderr "bench: the city stored $got, not $n from each"; exit 1 }
puts [format "RATES %.0f %.0f" [expr {$n / $https}] [expr {$n / $file}]]
TCL
$YQ run "$tmp/bench.tcl" "$N" > "$tmp/out" || { cat "$tmp/out"; exit 1; }
grep -v '^RATES' "$tmp/out"
set -- $(grep '^RATES' "$tmp/out")
figure federation_https "$2" messages/s - - -
figure federation_file "$3" messages/s - - -
