# run.tcl - the browser test: `yqbox run tests/browser/run.tcl` (run by tests/run.sh in `make
# test`). Sets up a data directory whose sources (the checkout's appliance.conf) patrol the
# simulated county internet (tests/fixtures/serve.tcl, a separate process on a free port), patrols
# once so events exist, adds a user per role (the handler and unit head in the unit the first
# event is routed to), starts `yqbox serve` and runs flow.mjs (Playwright driving Debian's
# Chromium) against it. Screenshots go to build/screenshots/. Ends with "N passed, N failed".
# When Chromium or playwright-core is missing, says so and counts nothing (no fake pass).

set here [file dirname [file normalize [info script]]]
set top [file dirname [file dirname $here]]
set exe [list [info nameofexecutable]]
if {$::yqbox::dev} { lappend exe --dev $::yqbox::root }

if {![file executable /usr/bin/chromium] || ![file isdirectory $here/node_modules/playwright-core]
    || [auto_execok node] eq ""} {
    puts "browser tests not run: need /usr/bin/chromium (apt-get install chromium), node and\
          tests/browser/node_modules (cd tests/browser && npm install)"
    puts "0 passed, 0 failed"
    exit 0
}

# freeport: a TCP port on 127.0.0.1 nothing listens on now.
proc freeport {} {
    set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
    set p [lindex [fconfigure $s -sockname] 2]
    close $s
    return $p
}
proc readf {path} { set f [open $path]; fconfigure $f -encoding utf-8; set t [read $f]; close $f; return $t }
proc writef {path text} { set f [open $path w]; fconfigure $f -encoding utf-8; puts -nonewline $f $text; close $f }
# yq: run the binary with ARGS; errors with its output on failure.
proc yq {args} { exec {*}$::exe {*}$args 2>@1 }
proc readfile {f} { if {[catch {open $f} ch]} { return "" }; fconfigure $ch -encoding utf-8; set t [read $ch]; close $ch; return $t }

set work [file join [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}] yqbox-browser-[pid]]
file delete -force $work
file mkdir $work
set dir $work/data
set pids {}
set status 1
try {
    # the fixture internet
    set fport [freeport]
    set fx [open |[list {*}$exe run $top/tests/fixtures/serve.tcl -port $fport 127.0.0.1 2>@1] r]
    lappend pids {*}[pid $fx]
    after 500
    set https [freeport]
    set conf [string map [list http://127.0.0.1:8091 http://127.0.0.1:$fport "datadir data" "datadir $dir"] \
                  [readf $top/appliance.conf]]
    yq init $dir
    writef $dir/appliance.conf "$conf\nhttps 127.0.0.1:$https\nhttp {}\nworkers 2\naccess_log access.log\ncrawl_delay_ms 0\n"
    set ::env(YQBOX_TESTING) 1
    puts [yq eval -d $dir {crawl now}]
    set info [yq eval -d $dir {
        set e [db onecolumn {SELECT id FROM event ORDER BY score DESC, id LIMIT 1}]
        set u [db onecolumn {SELECT suggested_unit FROM event WHERE id = $e}]
        if {$u eq "" || ![db exists {SELECT 1 FROM unit WHERE name = $u}]} {
            set u 城建局
            if {![db exists {SELECT 1 FROM unit WHERE name = $u}]} { unit add $u department }
            db eval {UPDATE event SET suggested_unit = $u WHERE id = $e}
        }
        user add office1 张信息 信息办 -roles office -password pw-office1-123
        user add handler1 李承办 $u -roles handler -password pw-handler1-123
        user add head1 王负责 $u -roles unithead -password pw-head1-123
        user add sys1 刘系统 信息办 -roles sysadmin -password pw-sys1-123
        user add sec1 吴安全 信息办 -roles secadmin -password pw-sec1-123
        user add aud1 郑审计 信息办 -roles auditor -password pw-aud1-123
        user add leader1 孙县长 信息办 -roles leader -password pw-leader1-123
        user add view1 赵查看 信息办 -roles viewer -password pw-view1-123
        list $e $u [llength [info commands ::event::cmd::claim]]
    }]
    lassign $info event unit workflow
    puts "event $event routed to $unit; workflow installed: $workflow"
    # the server's output goes to a file (read back when something failed), never to a pipe that
    # nobody drains
    set log [file join $work server.log]
    set srv [open |[list {*}$exe serve -d $dir >& $log] w]
    lappend pids {*}[pid $srv]
    for {set i 0} {$i < 200 && ![string match *serving* [readfile $log]]} {incr i} { after 50 }
    set shots [file join $top build screenshots]
    file mkdir $shots
    set env(BASE) https://127.0.0.1:$https
    set env(EVENT) $event
    set env(WORKFLOW) $workflow
    set env(SHOTS) $shots
    set rc [catch {exec node $here/flow.mjs 2>@1} out]
    puts $out
    if {$rc} { file copy -force $log [file join $top build browser-server.log]; puts "---- server log (build/browser-server.log; last 40 lines)\n[join [lrange [split [readfile $log] \n] end-40 end] \n]" }
    if {![regexp -line {^\d+ passed, \d+ failed} $out]} { puts "0 passed, 1 failed" }
    set status [expr {$rc ? 1 : 0}]
} on error {msg opts} {
    puts "browser test setup failed: [dict get $opts -errorinfo]"
    puts "0 passed, 1 failed"
} finally {
    foreach p $pids { catch {exec kill -TERM $p} }
    after 300
    file delete -force $work
}
exit $status
