# run.tcl - the browser test: `yqbox run tests/browser/run.tcl` (run by tests/run.sh in `make
# test`). Sets up a data directory whose sources (the checkout's appliance.conf) patrol the
# simulated county internet (tests/fixtures/serve.tcl, a separate process on a free port), patrols
# once so events exist, adds a user per role (the handler and unit head in the unit the first
# event is routed to; a leader, a viewer, a security admin and an auditor), issues a 专报 on that
# event, sends a 政务信息 item, registers and answers a letter request and has the handler claim a
# second event (so that every page with an id has one to show), starts `yqbox serve` and runs the
# browser scripts against it: flow.mjs (the working day) then layout.mjs (every page as every role
# at 1366 and 390 px), Playwright driving Debian's Chromium. `yqbox run tests/browser/run.tcl
# layout.mjs` runs only the scripts named. day.mjs (a working day from an empty box) runs after
# them on a box of its own: only `yqbox init -demo` and the HTTPS port, served, with the same fixture
# internet; it configures the rest itself through the console and the pages (see dayBox); setup.mjs
# (the first-run setup of a box for its own county) on another (setupBox). Screenshots
# go to build/screenshots/. Ends with "N passed, N failed, N skipped" (the sums over the scripts).
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

set scripts [expr {[llength $argv] ? $argv : {flow.mjs layout.mjs day.mjs setup.mjs}}]
# the scripts that run on the seeded box (all but day.mjs and setup.mjs)
set seededScripts [lsearch -all -inline -not -regexp $scripts {^(day|setup)\.mjs$}]

# serveBox: start `yqbox serve -d DIR` with its output in LOG; returns its pids once it serves.
proc serveBox {dir log} {
    set srv [open |[list {*}$::exe serve -d $dir >& $log] w]
    for {set i 0} {$i < 200 && ![string match *serving* [readfile $log]]} {incr i} { after 50 }
    return [pid $srv]
}

# runScript: run browser script SCRIPT with node; adds its sums to ::passed ::failed ::skipped and
# sets ::rc on failure (then the server log LOG is kept as build/browser-server.log).
proc runScript {script log} {
    set rc1 [catch {exec node [file join $::here $script] 2>@1} out]
    puts $out
    if {[regexp -line {^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?} $out -> p f s]} {
        incr ::passed $p; incr ::failed $f; if {$s ne ""} { incr ::skipped $s }
    } else {
        incr ::failed
    }
    if {$rc1} {
        set ::rc 1
        file copy -force $log [file join $::top build browser-server.log]
        puts "---- server log (build/browser-server.log; last 40 lines)\n[join [lrange [split [readfile $log] \n] end-40 end] \n]"
    }
}

# onBox: serve the data directory DIR (already made) on a new HTTPS port with the config lines
# CONF added, run SCRIPT against it (BASE, and TOTP_FILE for the administrators' TOTP secrets
# enrolled on it, tests/browser/secondfactor.mjs; the caller sets the script's other variables),
# then stop the server. Its pids are added to ::pids so they are stopped on any failure.
proc onBox {dir name conf script} {
    set port [freeport]
    set f [open $dir/appliance.conf a]
    puts $f "https 127.0.0.1:$port\nhttp {}\nworkers 2\n$conf"
    close $f
    set log $::work/$name-server.log
    set spids [serveBox $dir $log]
    lappend ::pids {*}$spids
    set ::env(BASE) https://127.0.0.1:$port
    set ::env(TOTP_FILE) [file join $::work totp-$name.json]
    runScript $script $log
    foreach p $spids { catch {exec kill -TERM $p} }
}

# dayBox: day.mjs's empty box: `yqbox init -demo` a new data directory (the fixtures are the demo
# county 青山县), served with the test-speed keys; day.mjs gets the binary, the directory and the
# fixture's port.
proc dayBox {fport} {
    set dir $::work/day
    yq init -demo $dir
    set ::env(YQBOX) [lindex $::exe 0]
    set ::env(YQBOX_DEV) [expr {$::yqbox::dev ? $::yqbox::root : ""}]
    set ::env(DATADIR) $dir
    set ::env(FIXTURE) $fport
    onBox $dir day "crawl_delay_ms 0" day.mjs
}

# setupBox: setup.mjs's box: a plain `yqbox init` (a box for its own county, to be set up) with only
# a sysadmin and an office account made at the console, served; runs setup.mjs and stops it.
proc setupBox {} {
    set dir $::work/setup
    yq init $dir
    yq eval -d $dir {user add sys1 刘系统 信息办 -roles sysadmin -password pw-sys1-123
                     user add office1 张信息 信息办 -roles office -password pw-office1-123}
    set ::env(FIXTURES) [file join $::top tests fixtures]
    onBox $dir setup "" setup.mjs
}

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
    set shots [file join $top build screenshots]
    file mkdir $shots
    set env(SHOTS) $shots
    set passed 0; set failed 0; set skipped 0; set rc 0
    if {[llength $seededScripts]} {
        set https [freeport]
        set conf [string map [list http://127.0.0.1:8091 http://127.0.0.1:$fport "datadir data" "datadir $dir"] \
                      [readf $top/appliance.conf]]
        yq init -demo $dir
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
            user add viewer1 赵查看 信息办 -roles viewer -password pw-viewer1-123
            if {![db exists {SELECT 1 FROM unit WHERE name = '县领导'}]} { unit add 县领导 leadership }
            user add leader1 孙县长 县领导 -roles leader -password pw-leader1-123
            # an object behind every page with an id (the document, the item, the request)
            db transaction { documents::issue 专报 $e }
            set s [submission::create $u "${u}关于城区道路整治的信息" "本周完成城区主干道整治三处。"]
            submission::sign $s head1
            submission::send $s
            set r [request::register [dict create channel letter name 陈来信 id_type 护照 id_number E7654321 \
                phone 13900000000 description "2024年城区道路整治工程预算" purpose 了解工程情况 form 纸质 signature 陈来信]]
            request::answer [dict get $r id] disclose {how 邮寄纸质文件}
            # a second event, claimed by the unit's handler: the page where the reply is written
            set e2 [db onecolumn {SELECT id FROM event WHERE id <> $e ORDER BY score DESC, id LIMIT 1}]
            db eval {UPDATE event SET suggested_unit = $u WHERE id = $e2}
            org::as [org::principal [org::userId handler1] seed] { workflow::fire claim $e2 }
            # a source try the patrol could not fetch (its page shows the reason and the URL kept)
            set sys [org::userId sys1]
            db eval {INSERT INTO source_try(user_id, url, state, error, created, finished)
                     VALUES($sys, 'http://bbs.qingshan.test/forum-2-1.html', 'failed', '无法抓取：连接超时',
                            strftime('%Y-%m-%dT%H:%M:%S','now'), strftime('%Y-%m-%dT%H:%M:%S','now'))}
            set try [db last_insert_rowid]
            # a 约稿 notice to the unit (its page is walked by layout.mjs), issued as the office does
            set commission [org::as [org::principal [org::userId office1] seed] {
                submission::commission 关于报送防汛工作信息的约稿 请各单位报送本单位防汛工作情况。 [list $u]
            }]
            list $e $u [llength [info commands ::workflow::fire]] \
                [db onecolumn {SELECT max(id) FROM document}] $s [dict get $r id] $e2 [org::unitId $u] \
                $try $commission
        }]
        lassign $info event unit workflow document submission request event2 unitid sourcetry commission
        puts "event $event routed to $unit; workflow installed: $workflow"
        # the server's output goes to a file (read back when something failed), never to a pipe that
        # nobody drains
        set log [file join $work server.log]
        lappend pids {*}[serveBox $dir $log]
        set env(BASE) https://127.0.0.1:$https
        set env(TOTP_FILE) [file join $work totp-seeded.json]
        set env(EVENT) $event
        set env(WORKFLOW) $workflow
        set env(DOCUMENT) $document
        set env(SUBMISSION) $submission
        set env(REQUEST) $request
        set env(SOURCETRY) $sourcetry
        set env(COMMISSION) $commission
        set env(EVENT2) $event2
        set env(UNITID) $unitid
        set env(SOURCE) [lindex [regexp -inline -line {^source\s+(\S+)} [readf $top/appliance.conf]] 1]
        foreach script $seededScripts { runScript $script $log }
    }
    if {"day.mjs" in $scripts} { dayBox $fport }
    if {"setup.mjs" in $scripts} { setupBox }
    puts "$passed passed, $failed failed, $skipped skipped"
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
