# actors.tcl - the scripted people of the county month (issue 19 item 2): the info office, two
# departments, a township, their unit heads and a leader, each acting through the web pages over
# HTTPS with their own session (tests/testlib.tcl login/get/post), on working days 08:30-17:30 of the
# simulated clock. Seeded by the caller's srand (run.tcl).
#
# The cast (actors::setup makes the units and accounts through the console, as an administrator):
#   office1 (信息办, office)           claims the events routed to the office when no unit is clear,
#                                      approves the extension asked, publishes approved replies;
#   A/B handlers + unit heads          the two departments the world's matters name most;
#   T handler + unit head              the township the world's matters name most;
#   lazy1 (the next department)        never logs in: its events are auto-assigned, warned, breached;
#   leader1 (县领导, leader)           writes one 批示 on the first 较大 or worse event.
# A handler looks at its /queue (and /work) every half hour, and claims what it finds then (about 4 in 5)
# or 3 hours later (late: after the claim deadline of the next patrol); then starts the
# investigation, concludes it 1-3 days later (the first department asks one extension of 3 working
# days first, which the office approves), drafts the reply; the unit head approves it at its next
# step and the office publishes it at the next.
#
# Every action is logged as one JSON line in the log file: time (ISO), actor, action, object,
# code (HTTP status), result (ok when the page accepted it, else the refusal's first words).
# actors::log appends one line; actors::setup and actors::step drive them.

namespace eval actors {
    variable logfile ""
    variable cast {}      ;# login -> dict role unit kind jar
    variable plan {}      ;# event id -> dict of what the actors know and intend
    variable ctl ""       ;# command prefix evaluating a script in the server (month::ctl)
    variable extended 0   ;# whether the one extension was asked
    variable instructed 0 ;# whether the leader wrote the 批示
}

# actors::log: append the action ACTION of ACTOR on OBJECT at time T (seconds) with its RESULT
# (and HTTP CODE) to the log. Returns RESULT.
proc actors::log {t actor action object result {code ""}} {
    variable logfile
    set line [json object time string [clock format $t -format %Y-%m-%dT%H:%M:%S+08:00 -timezone +08:00] \
                  actor string $actor action string $action object string $object \
                  code string $code result string $result]
    set f [open $logfile a]
    fconfigure $f -encoding utf-8
    puts $f $line
    close $f
    return $result
}

# actors::setup: make the cast for world W (units and accounts through the console command prefix
# CTL), log everyone in, and start the log file LOGFILE. Returns the cast.
proc actors::setup {w logfile ctlCmd} {
    variable cast
    variable ctl $ctlCmd
    set actors::logfile $logfile
    close [open $logfile w]
    # the departments and townships the world's matters name, most named first
    set count {}
    set kinds {}
    foreach m [dict get $w matters] {
        dict incr count [dict get $m unit]
        dict set kinds [dict get $m unit] department
        if {[dict get $m township] ne ""} {
            dict incr count [dict get $m township]
            dict set kinds [dict get $m township] township
        }
    }
    set ranked [lsort -stride 2 -index 1 -integer -decreasing $count]
    set depts [lmap {u n} $ranked { expr {[dict get $kinds $u] eq "department" ? $u : [continue]} }]
    set towns [lmap {u n} $ranked { expr {[dict get $kinds $u] eq "township" ? $u : [continue]} }]
    # a short world may name fewer: the county's usual ones fill in
    foreach u {住建局 人社局 交通运输局 城管局} {
        if {$u ni $depts} { lappend depts $u; dict set kinds $u department }
    }
    if {![llength $towns]} { lappend towns 城关镇; dict set kinds 城关镇 township }
    set have [{*}$ctl {db eval {SELECT name FROM unit}}]
    dict for {u k} $kinds {
        if {$u ni $have} { {*}$ctl [list ::console::unit add $u $k] }
    }
    if {"县领导" ni $have} { {*}$ctl [list ::console::unit add 县领导 leadership] }
    set people [list office1 [list 信息办 office 王信息] leader1 [list 县领导 leader 孙县长] \
                    ahandler [list [lindex $depts 0] handler 甲承办] ahead [list [lindex $depts 0] unithead 甲局长] \
                    bhandler [list [lindex $depts 1] handler 乙承办] bhead [list [lindex $depts 1] unithead 乙局长] \
                    thandler [list [lindex $towns 0] handler 丙承办] thead [list [lindex $towns 0] unithead 丙镇长] \
                    lazy1 [list [lindex $depts 2] handler 丁不理]]
    set cast {}
    foreach {login spec} $people {
        lassign $spec unit role name
        {*}$ctl [list ::console::user add $login $name $unit -roles $role -password pw-$login-123]
        dict set cast $login [dict create unit $unit role $role jar ""]
    }
    foreach login [dict keys $cast] {
        if {$login eq "lazy1"} { continue }
        dict set cast $login jar [::login $login]
    }
    return $cast
}

# actors::working: whether T (seconds) is in office hours: Monday-Friday 08:30-17:30 (+08:00).
proc actors::working {t} {
    lassign [clock format $t -format {%u %H%M} -timezone +08:00] wd hm
    expr {$wd <= 5 && $hm >= 830 && $hm < 1730}
}

# actors::act: ACTOR posts ACTION on event ID with FIELDS at time T; logs it. Returns 1 when the
# page accepted it (a redirect), else 0.
proc actors::act {t actor id action fields} {
    variable cast
    set path [expr {$action eq "reply" ? "/events/$id/reply" : "/events/$id/$action"}]
    lassign [post [dict get $cast $actor jar] $path $fields] code page
    if {[string match */login* $::lastLocation]} {
        # the session ended (idle overnight): log in again, as a person would, and try again
        relogin $actor
        lassign [post [dict get $cast $actor jar] $path $fields] code page
    }
    set ok [expr {$code in {302 303} && [string match */events/* $::lastLocation]}]
    if {$ok} {
        set result ok
    } else {
        set result "refused: [string range [regsub -all {<[^>]*>|\s+} [lindex [regexp -inline {class="problems?"[^>]*>(.*?)</} $page] 1] " "] 0 120]"
    }
    log $t $actor $action event:$id $result $code
    return $ok
}

# actors::relogin: log ACTOR in again (a new session and cookie jar). Returns the jar.
proc actors::relogin {actor} {
    variable cast
    dict set cast $actor jar [::login $actor]
}

# actors::queue: the event ids in ACTOR's claim queue (/queue).
proc actors::queue {actor} {
    ids $actor /queue
}

# actors::ids: the event ids linked from page PATH as ACTOR sees it (logging in again when the
# session ended).
proc actors::ids {actor path} {
    variable cast
    lassign [get [dict get $cast $actor jar] $path] code page
    if {$code in {302 303}} {
        relogin $actor
        lassign [get [dict get $cast $actor jar] $path] code page
    }
    if {$code != 200} { return {} }
    lsort -integer -unique [lmap {- id} [regexp -all -inline {href="/events/(\d+)"} $page] { set id }]
}

# actors::step: every actor's turn at time T (the server's clock stands at T). Returns nothing.
proc actors::step {t} {
    variable cast
    variable plan
    variable extended
    variable instructed
    if {![working $t]} { return }
    # every half hour the handlers (and the office for events routed to it) look at their queues
    set look [expr {$t / 900 % 2 == 0}]
    foreach actor {ahandler bhandler thandler office1} {
        foreach id [expr {$look ? [queue $actor] : {}}] {
            if {![dict exists $plan $id]} {
                set late [expr {rand() < 0.2}]
                dict set plan $id [dict create by $actor seen $t claimAt [expr {$t + ($late ? 3 * 3600 : 0)}] \
                                       stage seen late $late]
            }
        }
    }
    # and claim what they found when they meant to
    dict for {id p} $plan {
        set actor [dict get $p by]
        if {[dict get $p stage] eq "seen" && $t >= [dict get $p claimAt]} {
            if {[act $t $actor $id claim {}]} {
                dict set plan $id stage claimed
            } else {
                dict set plan $id stage gone
            }
        }
    }
    # events the system assigned to a handler's unit (claim deadline passed) are on its /work list
    foreach actor {ahandler bhandler thandler} {
        foreach id [expr {$look ? [ids $actor /work] : {}}] {
            if {![dict exists $plan $id]} {
                dict set plan $id [dict create by $actor seen $t claimAt $t stage claimed late 1 assigned 1]
            }
        }
    }
    # the handlers' own events move on; the office publishes; unit heads approve
    dict for {id p} $plan {
        set by [dict get $p by]
        set unit [dict get $cast $by unit]
        set head [expr {$by eq "office1" ? "" : [string map {handler head} $by]}]
        switch -- [dict get $p stage] {
            claimed {
                if {$by eq "office1"} { dict set plan $id stage office; continue }
                if {[act $t $by $id investigate [list handler [dict get {ahandler 甲承办 bhandler 乙承办 thandler 丙承办} $by] contact 0571-8000000]]} {
                    dict set plan $id stage investigating
                    dict set plan $id concludeAt [expr {$t + 86400 * (1 + int(rand() * 3))}]
                    if {!$extended && $by eq "ahandler"} {
                        set extended 1
                        if {[act $t $by $id extend {days 3 reason 涉及多个部门，需要调取历史档案核实，书面申请延长三个工作日。}]} {
                            dict set plan $id extension asked
                        }
                    }
                } else { dict set plan $id stage stuck }
            }
            investigating {
                if {[dict exists $p extension] && [dict get $p extension] eq "asked"} {
                    if {[act $t office1 $id decide {decision approve note 同意延期。}]} { dict set plan $id extension approved }
                }
                if {$t >= [dict get $p concludeAt]} {
                    if {[act $t $by $id conclude {report 经核实，网民反映的情况基本属实，已责成相关单位限期整改，整改情况将及时公开。}]} {
                        dict set plan $id stage concluded
                    } else { dict set plan $id stage stuck }
                }
            }
            concluded {
                if {[act $t $by $id reply {question 网民反映的问题 body 感谢您的关注。经核实，您反映的问题基本属实，我单位已责成相关部门限期整改，整改结果将在本栏目公开。}]} {
                    dict set plan $id stage drafted
                } else { dict set plan $id stage stuck }
            }
            drafted {
                if {[act $t $head $id approve {}]} { dict set plan $id stage approved } else { dict set plan $id stage stuck }
            }
            approved {
                if {[act $t office1 $id publish {}]} { dict set plan $id stage published } else { dict set plan $id stage stuck }
            }
        }
    }
    # the leader writes one 批示 on the first 较大 or worse event
    if {!$instructed} {
        set id [{*}$actors::ctl {db onecolumn {SELECT min(id) FROM event WHERE level IN ('较大','重大','特别重大') AND state != 'closed'}}]
        if {$id ne ""} {
            set instructed 1
            act $t leader1 $id instruct {text 请相关单位高度重视，依法依规妥善处置，及时回应群众关切。}
        }
    }
}
