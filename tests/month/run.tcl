# run.tcl - the county month (issue 19 item 3): the real server run through simulated time against
# the living fixture internet, with scripted people acting on its pages, killed and restarted on
# the way. Sourced by tests/month.test (7 days, one kill) and run as a script by `make month`:
#     yqbox --dev . run tests/month/run.tcl ?-days 30? ?-kills 3? ?-seed 19? ?-out DIR? ...
# which runs, then prints the verdict of tests/month/check.tcl and exits 1 on any difference.
#
# month::run OPTIONS starts the fixture server (tests/fixtures/serve.tcl -living SEED: the world of
# tests/fixtures/living.tcl, living::world) and `yqbox serve` with YQBOX_NOW at -start, gives the
# box the world's sources, its units and people, then moves time in steps of -step seconds: the
# fixture's clock is set to the step's start (so a patrol sees what was published up to then), the
# server's clock is advanced through the control socket (yqbox::advance: every timer job runs as
# often and when it would have in real time), and the actors (actors.tcl) act on the pages. On
# the day -calendar-day the office imports next year's holiday calendar (tests/fixtures/calendar).
# At -kills random moments (seeded) the server gets SIGKILL in the middle of an advance and is
# started again at the step's end. At the end it collects what the box holds (month::facts) into
# OUT/facts.tcl; the actors' log is OUT/actions.jsonl. Returns a dict: out dir world-args wall
# (seconds) days kills steps, and cast (each actor's login -> unit name).

namespace eval month {
    variable here [file dirname [file normalize [info script]]]
    variable top [file dirname [file dirname $here]]
}
# run as a script (`make month`), the command line is this script's options, not tcltest's
# (testlib hands argv to tcltest)
set month::script [expr {[info exists argv0] && [file normalize $argv0] eq [file normalize [info script]]}]
if {$month::script} {
    set month::argv $argv
    set argv {}
}
source [file join $month::top tests testlib.tcl]
source [file join $month::here actors.tcl]

# month::iso: SECONDS as ISO 8601 in +08:00 (the county's zone).
proc month::iso {t} {
    clock format $t -format %Y-%m-%dT%H:%M:%S+08:00 -timezone +08:00
}

# month::world: the living world for SEED from START (ISO) over DAYS days with VOLUME items a
# weekday, from FIXTURES/living.tcl (errors when it is missing: the run needs the living fixture).
proc month::world {fixtures seed start days volume} {
    if {[namespace which ::living::world] eq ""} {
        set f [file join $fixtures living.tcl]
        if {![file exists $f]} { error "no living fixture world: $f is missing" }
        uplevel #0 [list source -encoding utf-8 $f]
    }
    living::world $seed [string range $start 0 9] $days $volume
}

# month::fixtureStart: start the fixture server on PORT serving the living world. Returns its
# channel (the process's stdout).
proc month::fixtureStart {fixtures port seed start days volume} {
    set cmd [list {*}[testlib::exe] run [file join $fixtures serve.tcl] -port $port \
                 -living $seed -start [string range $start 0 9] -days $days -volume $volume 127.0.0.1]
    set chan [open |[list {*}$cmd 2>@ stderr] r]
    if {[gets $chan line] < 0 || ![string match "fixture server on*" $line]} {
        catch {close $chan}
        error "the fixture server did not start: $line"
    }
    return $chan
}

# month::fixtureClock: set the fixture server's clock (on PORT) to T (seconds).
proc month::fixtureClock {port t} {
    set r [exec curl -sS --max-time 20 http://127.0.0.1:$port/_living/clock?now=$t]
    if {$r ne $t} { error "the fixture clock answered \"$r\" for $t" }
}

# month::conf: the box's configuration lines for the world W's sources on fixture PORT.
proc month::conf {w port} {
    set c "crawl_delay_ms 0\ncrawl_jitter_pct 0\ncrawl_timeout 10\nsession_idle_minutes 1440\nsession_max_hours 168\n"
    foreach s [dict get $w sources] {
        set url [string map [list @BASE@ http://127.0.0.1:$port] [dict get $s url]]
        set rules [dict get [crawl::template::get [dict get $s template]] rules]
        append c "source [list [dict get $s key]] [list [dict create type [dict get $s type] \
             tier [dict get $s tier] title [dict get $s title] url $url internal 1 robots 0 rules $rules]]\n"
    }
    return $c
}

# month::ctl: evaluate SCRIPT in the running server's background interpreter (control socket).
proc month::ctl {script} {
    variable srv
    control eval [file join [dict get $srv dir] control.sock] $script
}

# month::serve: start (or restart) the server on data directory DIR at simulated time T with the
# configuration CONF. Sets month::srv and ::H.
proc month::serve {dir conf t} {
    variable srv
    set srv [startServer $conf -dir $dir -env [list YQBOX_TESTING 1 YQBOX_NOW [iso $t]]]
    set ::H https://127.0.0.1:[dict get $srv https]
    set ::dir $dir
}

# month::kill: SIGKILL the server in the middle of an advance of SECONDS (after a seeded real delay
# of 50-800 ms), reap it and start it again at simulated time T (the step's end).
proc month::kill {dir conf seconds t} {
    variable srv
    set sock [file join $dir control.sock]
    set bg [open |[list {*}[testlib::exe] eval -d $dir [list control eval $sock "yqbox::advance $seconds"] 2>@1] r]
    after [expr {50 + int(rand() * 750)}]
    exec kill -KILL [dict get $srv pid]
    catch {close [dict get $srv chan]}
    catch {close $bg}
    serve $dir $conf $t
}

# month::rss: the resident set size of the server (kB).
proc month::rss {} {
    variable srv
    set f [open /proc/[dict get $srv pid]/status]
    set s [read $f]
    close $f
    regexp {VmRSS:\s+(\d+)} $s -> kb
    return $kb
}

# month::dbBytes: the database's size on disk (main file and WAL) in DIR.
proc month::dbBytes {dir} {
    set n 0
    foreach f [glob -nocomplain -directory $dir yqbox.db yqbox.db-wal] { incr n [file size $f] }
    return $n
}

# month::Steps: set up the actors, then move time from T0 to END in steps of STEP seconds (see
# the file comment), killing the server KILLS times; the day samples go to the caller's variable
# SAMPLESVAR, the kill steps to KILLVAR, the number of steps to NVAR. Writes OUT/facts.tcl. Returns
# the time reached.
proc month::Steps {w dir conf t0 end step kills fport fixtures calendarDay out samplesVar killVar nVar} {
    upvar 1 $samplesVar samples $killVar killAt $nVar i
    actors::setup $w [file join $out actions.jsonl] month::ctl
    # the moments of the kills: distinct steps, not the first nor the last day
    set nsteps [expr {($end - $t0) / $step}]
    set killAt {}
    while {[llength $killAt] < $kills && $nsteps > 200} {
        set k [expr {96 + int(rand() * ($nsteps - 192))}]
        if {$k ni $killAt} { lappend killAt $k }
    }
    set samples {}
    set t $t0
    set day -1
    for {set i 0} {$t + $step <= $end} {incr i} {
        set m0 [clock milliseconds]
        fixtureClock $fport $t
        set next [expr {$t + $step}]
        if {$i in $killAt} {
            kill $dir $conf $step $next
        } else {
            set got [ctl [list yqbox::advance $step]]
            if {$got != $next} { error "the server's clock went to $got, not $next" }
        }
        set m1 [clock milliseconds]
        dict incr ::month::timing advance_ms [expr {$m1 - $m0}]
        set t $next
        set d [expr {($t - [yqbox::seconds [dict get $w start]]) / 86400}]
        if {$d != $day} {
            set day $d
            lappend samples [list day $d at [iso $t] rss_kb [rss] db_bytes [dbBytes $dir] \
                                 posts [dbq {SELECT count(*) FROM post}] events [dbq {SELECT count(*) FROM event}]]
            if {$d == $calendarDay} {
                actors::log $t console calendar.import 2027 \
                    [ctl [list ::console::calendar import [file join $fixtures calendar 2027.json]]]
            }
        }
        set m2 [clock milliseconds]
        actors::step $t
        dict incr ::month::timing actors_ms [expr {[clock milliseconds] - $m2}]
        dict incr ::month::timing samples_ms [expr {$m2 - $m1}]
    }
    set facts [facts $t]
    dict set facts samples $samples
    set f [open [file join $out facts.tcl] w]
    fconfigure $f -encoding utf-8
    puts $f $facts
    close $f
    return $t
}

# month::run: the run (see the file comment). Options: -days 7 -start 2026-12-01T08:00:00+08:00
# -seed 19 -step 900 -kills 1 -volume 60 -calendar-day 3 -out DIR (default a new temporary
# directory) -fixtures DIR (default tests/fixtures).
proc month::run {args} {
    variable top
    variable srv
    set o [dict merge [list -days 7 -start 2026-12-01T08:00:00+08:00 -seed 19 -step 900 -kills 1 \
                           -volume 60 -calendar-day 3 -out "" -fixtures [file join $top tests fixtures]] $args]
    dict for {k v} $o { set [string range $k 1 end] $v }
    if {$out eq ""} { set out [tempdir] }
    file mkdir $out
    set wall0 [clock milliseconds]
    set ::month::timing {advance_ms 0 actors_ms 0 samples_ms 0}
    expr {srand([string length $seed] + [scan [string range [crypto sha256 $seed] 0 6] %x])}
    set w [world $fixtures $seed $start $days $volume]
    set t0 [yqbox::seconds $start]
    set end [expr {[yqbox::seconds [dict get $w start]] + 86400 * $days}]
    lassign [freeports 1] fport
    set fchan [fixtureStart $fixtures $fport $seed $start $days $volume]
    fixtureClock $fport $t0
    set ::jars [file join $out jars]
    file mkdir $::jars
    set dir [file join $out data]
    file mkdir $dir
    set r [yq init $dir]
    if {[dict get $r code]} { error "init failed: $r" }
    set conf [conf $w $fport]
    set srv ""
    try {
        serve $dir $conf $t0
        set t [Steps $w $dir $conf $t0 $end $step $kills $fport $fixtures ${calendar-day} $out samples killAt i]
        set stop [stopServer $srv]
    } on error {msg opts} {
        if {$srv ne ""} { catch {exec kill -KILL [dict get $srv pid]}; catch {close [dict get $srv chan]} }
        return -options $opts $msg
    } finally {
        catch {exec kill [pid $fchan]}
        catch {close $fchan}
    }
    set result [list out $out dir $dir world [list $seed $start $days $volume] \
                    wall [expr {([clock milliseconds] - $wall0) / 1000.0}] \
                    days $days kills $killAt steps $i stop $stop fixtures $fixtures end $t timing $::month::timing \
                    cast [dict map {login c} $::actors::cast { dict get $c unit }]]
    set f [open [file join $out run.txt] w]
    puts $f $result
    close $f
    return $result
}

# month::facts: what the box holds at the end (time T), read from the running server: its events,
# their steps, their deadlines (and the unit each is held against), the posts' URLs by event, the
# job records, the database check, the audit chain's verification, notices queued more than once,
# the disclosure requests with their answer deadlines, and for the quarter of the end: the 约稿
# notices, the reporting figures (submission::stats) and the assessment (assessment::compute).
# Returns a dict.
proc month::facts {t} {
    set f [ctl {
        set out {}
        dict set out now [yqbox::now]
        dict set out events [db eval {SELECT id, state, coalesce((SELECT name FROM unit WHERE id = e.unit_id), ''),
                                             suggested_unit, level, first_seen FROM event e ORDER BY id}]
        dict set out steps [db eval {SELECT event_id, at, action, from_state, to_state, login FROM event_step ORDER BY id}]
        dict set out deadlines [db eval {SELECT coalesce(event_id, ''), rule, start, due, state, coalesce(warned_at, ''),
                                                coalesce(breached_at, ''), coalesce(met_at, ''), extended, warn_at
                                         FROM deadline WHERE event_id IS NOT NULL ORDER BY id}]
        dict set out posts [db eval {SELECT url, coalesce(event_id, ''), first_seen FROM post ORDER BY id}]
        dict set out jobs [db eval {SELECT name, runs, failed_runs FROM job ORDER BY name}]
        dict set out integrity [db eval {PRAGMA integrity_check}]
        dict set out audit [list [catch {audit::verify} m] $m]
        dict set out notices_twice [db eval {SELECT count(*) FROM (SELECT 1 FROM inbox
                                               GROUP BY user_id, coalesce(event_id, ''), object, kind, text, body, created
                                               HAVING count(*) > 1)}]
        dict set out mails_twice [db eval {SELECT count(*) FROM (SELECT 1 FROM notification
                                               GROUP BY coalesce(event_id, ''), kind, channel, target, subject, body, created
                                               HAVING count(*) > 1)}]
        dict set out provisional [calendar::cmd::years]
        # the units responsible for each event deadline (the assessment counts by them)
        dict set out deadline_units [db eval {SELECT d.event_id, d.rule, d.start, coalesce(n.name, '')
                                              FROM deadline d LEFT JOIN unit n ON n.id = d.unit_id
                                              WHERE d.event_id IS NOT NULL ORDER BY d.id}]
        dict set out instructions [db eval {SELECT i.event_id, coalesce(n.name, ''), i.at, i.due, coalesce(i.done_at, '')
                                            FROM instruction i LEFT JOIN unit n ON n.id = i.unit_id ORDER BY i.id}]
        # the disclosure requests and their answer deadlines
        dict set out requests [db eval {SELECT number, received, due, coalesce(answered, ''), coalesce(on_time, ''),
                                               extension, state FROM request ORDER BY id}]
        dict set out request_deadlines [db eval {SELECT r.number, d.start, d.due, d.state, coalesce(d.warned_at, ''),
                                                        coalesce(d.breached_at, ''), coalesce(d.met_at, ''), d.warn_at
                                                 FROM deadline d JOIN request r ON r.id = d.request_id ORDER BY d.id}]
        # the quarter the run ends in: units, 约稿 notices, the reporting figures and the assessment
        set q [reporting::current quarter]
        dict set out quarter $q
        dict set out units [db eval {SELECT id, name, kind FROM unit ORDER BY id}]
        dict set out commissions [submission::commissions $q]
        dict set out submission_stats [submission::stats $q]
        dict set out assessment [assessment::compute $q]
        set out
    }]
    return $f
}

# run as a script (`make month`): the 30-day run with kills, then the verdict.
if {$month::script} {
    source [file join $month::here check.tcl]
    set opts {-days -kills -volume -seed -start -step -calendar-day -out -fixtures}
    if {[llength $month::argv] % 2 || [dict size [dict remove $month::argv {*}$opts]]} {
        puts stderr "usage: yqbox run tests/month/run.tcl ?[join $opts " VALUE? ?"] VALUE?"
        exit 2
    }
    set o [dict merge {-days 30 -kills 3 -volume 250} $month::argv]
    set r [month::run {*}$o]
    puts "run: [dict get $r days] days, kills at steps [dict get $r kills], wall [dict get $r wall] s, out [dict get $r out]"
    set v [check::verdict [dict get $r out] [dict get $r fixtures]]
    puts [dict get $v table]
    exit [expr {[dict get $v differences] > 0}]
}
