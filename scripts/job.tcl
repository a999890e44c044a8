# job.tcl - the background jobs of the server (the patrol, the deadline clock, the notification
# queue, pruning, ...): one list of them, each run recorded, no failure silent.
#
# A module declares its job once with `job::define NAME TITLE EVERY SCRIPT ?-first 0|1?`: EVERY is
# seconds (a number, or a command whose result is the number, evaluated when the server starts, for
# intervals that are config keys). The server's background interpreter starts every declared job
# at start and after each reload (server::onstart runs job::startall). Each run goes through
# job::run, which records in the `job` table (migration 010) its start, end, duration, result and
# the number of consecutive failed runs. A run fails when its script raises an error, or when one of
# the items it works through failed: a job wraps the work on each item (a deadline, an event, a
# source) in `job::item LABEL BODY`, which logs the failure with the item's label and lets the loop
# go on with the other items. After job_alert_failures consecutive failed runs the sysadmin and the
# info office are told (a notice, once, until a run succeeds again); the 运行状况 page, /metrics
# and `yqbox status` read job::all.
#
# On the simulated clock of the tests (YQBOX_TESTING=1: yqbox::now, yqbox::advance) the jobs do
# not run on real milliseconds: each job has its next due time in simulated seconds, a poll every
# real second runs the jobs due by now, and yqbox::advance (job::follow) runs every run that falls
# due before the new time, one by one in time order (ties in declaration order), each with the
# clock set to its due time, so a day advanced runs each job as often as a real day would. A job
# declared `-catchup last` (its work looks only at the state at the moment, e.g. disk space, so
# several runs in a row do what one does) runs once, at the last of its due times; a job with
# `-settle SCRIPT` (the patrol, whose fetches finish later in the event loop) has SCRIPT run after
# each of its runs there, so the clock moves on only when its work is done.

namespace eval job {
    variable jobs {}      ;# name -> dict title every script first
    variable timers {}    ;# name -> the `after` id of its next run
    variable items {}     ;# during a run: the failed items' {label message} pairs
    variable due {}       ;# simulated clock: name -> the simulated second its next run is due
    variable poller ""    ;# simulated clock: the `after` id of the next poll
    variable following 0  ;# simulated clock: 1 while job::follow runs the due jobs
}

conf::key job_alert_failures {integer 1 1000} 3 \
    "后台任务连续失败达到此次数时通知系统管理员和信息办"

# job::define: declare background job NAME (TITLE in Chinese) that runs SCRIPT every EVERY seconds
# (see the file comment); with -first 1 it also runs a second after the server starts; -catchup
# each|last and -settle SCRIPT say how it runs on the tests' simulated clock (file comment).
# Returns NAME.
proc job::define {name title every script args} {
    variable jobs
    set usage "usage: job::define NAME TITLE EVERY SCRIPT ?-first 0|1? ?-catchup each|last? ?-settle SCRIPT?"
    if {[llength $args] % 2} { error $usage }
    set o [dict merge {-first 0 -catchup each -settle ""} $args]
    if {[dict size $o] != 3 || [dict get $o -catchup] ni {each last}} { error $usage }
    dict set jobs $name [dict create title $title every $every script $script first [dict get $o -first] \
                             catchup [dict get $o -catchup] settle [dict get $o -settle]]
    return $name
}

# job::startall: (re)start every declared job in this interpreter (the server's background
# interpreter, at start and on reload): on real timers, or on the tests' simulated clock (file
# comment). Returns nothing.
proc job::startall {} {
    variable jobs
    variable timers
    variable due
    variable poller
    dict for {name j} $timers { after cancel $j }
    set timers {}
    after cancel $poller
    set due {}
    if {[info exists ::env(YQBOX_TESTING)]} {
        set now [yqbox::now]
        dict for {name j} $jobs {
            dict set due $name [expr {[dict get $j first] ? $now : $now + [Interval $name]}]
        }
        set poller [after 1000 job::Poll]
        return
    }
    dict for {name j} $jobs {
        Schedule $name [expr {[dict get $j first] ? 1000 : int([Interval $name] * 1000)}]
    }
}
namespace eval server {
    variable onstart
    if {![info exists onstart]} { set onstart {} }
    lappend onstart job::startall
}

# job::Interval: the seconds between runs of job NAME.
proc job::Interval {name} {
    set every [dict get $job::jobs $name every]
    if {![string is double -strict $every]} { set every [uplevel #0 $every] }
    expr {max(1, $every)}
}

# job::Schedule: run job NAME after MS milliseconds, then every interval.
proc job::Schedule {name ms} {
    variable timers
    dict set timers $name [after $ms [list job::Tick $name]]
}

# job::Tick: the timer of job NAME: schedule the next run (in a minute if its interval cannot be
# read), then run it (even when bookkeeping fails, the job goes on).
proc job::Tick {name} {
    if {[catch {expr {int([Interval $name] * 1000)}} ms]} {
        ::log error "job $name: cannot read its interval ($ms): next run in 60 s"
        set ms 60000
    }
    Schedule $name $ms
    if {[catch {run $name} msg]} { ::log error "job $name: $msg" }
}

# job::Poll: (simulated clock) every real second, run the jobs due by the simulated now.
proc job::Poll {} {
    variable poller
    if {[catch {follow [yqbox::now]} msg]} { ::log error "job scheduler: $msg" }
    set poller [after 1000 job::Poll]
}

# job::follow: (simulated clock) run every job run due up to time TO (seconds), in time order, each
# with the clock set to its due time (see the file comment); the clock is left at the last run's
# time, or where it was. Does nothing outside the interpreter whose jobs were started, or when
# called again while it runs. Returns the number of runs.
proc job::follow {to} {
    variable jobs
    variable due
    variable following
    if {$following || ![dict size $due]} { return 0 }
    set following 1
    set n 0
    try {
        while 1 {
            # the next run: the earliest due time, a -catchup last job's being the last of its due
            # times up to TO
            set next ""
            dict for {name at} $due {
                if {$at > $to} { continue }
                if {[catch {Interval $name} every]} { set every 60 }
                set every [expr {int(ceil($every))}]
                if {[dict get $jobs $name catchup] eq "last"} { set at [expr {$at + ($to - $at) / $every * $every}] }
                if {$next eq "" || $at < $nextAt} { lassign [list $name $at $every] next nextAt nextEvery }
            }
            if {$next eq ""} { break }
            set every $nextEvery
            if {$nextAt > [yqbox::now]} { yqbox::setclock $nextAt }
            dict set due $next [expr {$nextAt + $every}]
            incr n
            if {[catch {run $next} msg]} { ::log error "job $next: $msg" }
            set settle [dict get $jobs $next settle]
            if {$settle ne "" && [catch {uplevel #0 $settle} msg]} { ::log error "job $next settling: $msg" }
        }
    } finally {
        set following 0
    }
    return $n
}

# job::run: run job NAME now, recording the run (see the file comment). Returns the run's result
# (the script's result, or the failure's text); never raises for a failing script.
proc job::run {name} {
    variable jobs
    variable items
    if {![dict exists $jobs $name]} { yq::fail job.none $name [join [dict keys $jobs] 、] }
    set j [dict get $jobs $name]
    set items {}
    db::guard
    catch {county::sync}   ;# the names of the box's setup (county.tcl), changed by another process
    set started [yqbox::now]
    set t0 [clock milliseconds]
    set code [catch {uplevel #0 [dict get $j script]} result opts]
    set ms [expr {[clock milliseconds] - $t0}]
    set failed $items
    set items {}
    if {$code == 1} {
        ::log error "job $name failed: [dict get $opts -errorinfo]"
        set ok 0
        set result "运行失败：$result"
    } elseif {[llength $failed]} {
        set ok 0
        set result "[llength $failed] 项失败，首项：[lindex $failed 0 0]：[lindex $failed 0 1]；$result"
    } else {
        set ok 1
    }
    Record $name $j $started $ms $ok $result
    return $result
}

# job::item: run BODY in the caller's frame as the work on one item named LABEL: an error is logged
# with the label and counted as a failed item of the job's run, and the caller goes on. Returns 1
# if BODY succeeded, 0 if it failed.
proc job::item {label body} {
    variable items
    if {[catch {uplevel 1 $body} msg opts] == 1} {
        ::log error "$label: $msg"
        lappend items [list $label $msg]
        return 0
    }
    return 1
}

# job::Record: store the run of job NAME (declaration J) that started at STARTED, took MS
# milliseconds and ended OK (1/0) with RESULT; tell the sysadmin and the office when the failures
# in a row reach job_alert_failures (once until a success). One transaction.
proc job::Record {name j started ms ok result} {
    set title [dict get $j title]
    set schedule "every [Interval $name] s"
    set start [yqbox::iso $started]
    set end [yqbox::iso]
    set result [string range $result 0 499]
    db transaction immediate {
        db eval {INSERT INTO job(name, title, schedule) VALUES($name, $title, $schedule)
                 ON CONFLICT(name) DO UPDATE SET title = excluded.title, schedule = excluded.schedule}
        db eval {UPDATE job SET last_start = $start, last_end = $end, duration_ms = $ms, ok = $ok,
                     result = $result, runs = runs + 1,
                     failures = CASE WHEN $ok THEN 0 ELSE failures + 1 END,
                     failed_runs = failed_runs + (1 - $ok),
                     last_ok = CASE WHEN $ok THEN $end ELSE last_ok END
                 WHERE name = $name}
        db eval {SELECT failures, alerted FROM job WHERE name = $name} {}
        if {$ok && $alerted} {
            db eval {UPDATE job SET alerted = 0 WHERE name = $name}
            ::log info "job $name works again"
        } elseif {!$ok && !$alerted && $failures >= [conf::get job_alert_failures]} {
            db eval {UPDATE job SET alerted = 1 WHERE name = $name}
            notify::queue "" job.failed {sysadmin office} "后台任务“$title”连续 $failures 次运行失败" \
                [join [list "任务：$title（$name）" "连续失败：$failures 次" "最近一次：$end" \
                           "结果：$result" "请到“运行状况”页查看，或在控制台运行 job list"] \n]
        }
    }
}

# job::all: every declared job with its record, as a list of dicts name, title, schedule,
# last_start, last_end, duration_ms, ok ("" never ran), result, failures, runs, failed_runs,
# last_ok, alerted, in declaration order (then jobs recorded by an older version).
proc job::all {} {
    variable jobs
    set rows [dict create]
    db eval {SELECT * FROM job} r {
        unset -nocomplain r(*)
        dict set rows $r(name) [array get r]
    }
    set out {}
    dict for {name j} $jobs {
        set row [dict create name $name title [dict get $j title] schedule "" last_start "" last_end "" \
                     duration_ms "" ok "" result "" failures 0 runs 0 failed_runs 0 last_ok "" alerted 0]
        if {[dict exists $rows $name]} { set row [dict merge $row [dict get $rows $name]] }
        if {[dict get $row schedule] eq ""} {
            dict set row schedule [expr {[string is double -strict [dict get $j every]]
                                         ? "every [dict get $j every] s" : ""}]
        }
        lappend out $row
        dict unset rows $name
    }
    dict for {name row} $rows { lappend out $row }
    return $out
}

# job::failing: the jobs whose last run failed, as a list of dicts (see job::all).
proc job::failing {} {
    lmap j [all] { expr {[dict get $j ok] eq "0" ? $j : [continue]} }
}

# job::Lines: the jobs as text lines (console, `yqbox status`).
proc job::Lines {} {
    set out {}
    foreach j [all] {
        dict with j {
            set state [expr {$ok eq "" ? "未运行" : ($ok ? "正常" : "失败（连续 $failures 次）")}]
            lappend out [format "%-10s %-12s %s  最近 %s  %s ms  %s" $name $title $state \
                             [expr {$last_end eq "" ? "-" : $last_end}] \
                             [expr {$duration_ms eq "" ? "-" : $duration_ms}] $result]
        }
    }
    join $out \n
}

# ---- console ------------------------------------------------------------------------------------

# job: `job list` shows every background job's last run; `job run NAME` runs one now (in the
# server's background interpreter when attached).
cmdlayer::noun job "后台任务（巡查、时限时钟、通知队列……）：最近一次运行的时间、结果和连续失败次数；立即运行一次"
cmdlayer::command job list {} "每个后台任务最近一次运行的时间、结果和连续失败次数" { job::Lines }
cmdlayer::command job run {{name 任务名}} "立即运行一次后台任务（任务名见 job list）" { job::run $name }
