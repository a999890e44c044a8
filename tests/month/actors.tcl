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
#   leader1 (县领导, leader)           writes one 批示 on the first 较大 or worse event;
#   a citizen (no account)             files a 依申请公开 request on the public form at 10:00 of
#                                      every working day; office1 answers each 1-5 days later, the
#                                      first one 29 days later (late in a 30-day run), and consults a
#                                      third party on the second (pause, resumed two days later);
#   政务信息                           office1 issues one 约稿 notice (2 working days) to the three
#                                      departments/townships and the lazy one on the first morning;
#                                      A delivers the next day, T the day after, B five days later
#                                      (late), the lazy unit never; each of A, B and T also writes an
#                                      item on most working afternoons; its unit head signs it at
#                                      the next step, the handler sends it, office1 adopts (1 in 5
#                                      rejected) the next morning.
# A handler looks at its /queue (and /work) every half hour, and claims what it finds then (about 4 in 5)
# or 3 hours later (late: after the claim deadline of the next patrol); then starts the
# investigation, concludes it 1-3 days later (the first department asks one extension of 3 working
# days first, which the office approves), drafts the reply; the unit head approves it at its next
# step and the office publishes it at the next.
#
# Every action is logged as one JSON line in the log file: time (ISO), actor, action, object,
# code (HTTP status), result (ok when the page accepted it, else the refusal's first words).
# actors::log appends one line; actors::setup and actors::step drive them. Objects are event:ID,
# request:NUMBER, submission:ID and commission:ID.

namespace eval actors {
    variable logfile ""
    variable cast {}      ;# login -> dict role unit kind jar
    variable plan {}      ;# event id -> dict of what the actors know and intend
    variable ctl ""       ;# command prefix evaluating a script in the server (month::ctl)
    variable extended 0   ;# whether the one extension was asked
    variable instructed 0 ;# whether the leader wrote the 批示
    variable requests {}  ;# request number -> dict of the citizen's request and the office's plan
    variable items {}     ;# submission id -> dict of a 政务信息 item and its stage
    variable commission "" ;# the 约稿 notice: dict id issued, or "" before it is issued
    variable wrote {}     ;# unit handler -> the last day (YYYY-MM-DD) it wrote an item
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

# actors::act: ACTOR posts ACTION on event ID with FIELDS at time T; logs it (actors::send).
# Returns 1 when the page accepted it (a redirect to the event), else 0.
proc actors::act {t actor id action fields} {
    expr {[send $t $actor /events/$id/$action $fields $action event:$id */events/*] ne ""}
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
    requestsStep $t
    itemsStep $t
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

# actors::send: ACTOR posts FIELDS to PATH at time T as ACTION on OBJECT (logging in again when
# the session ended overnight, as a person would); the page accepted it when it redirects to a
# path matching PATTERN, else the result logged is the refusal's first words. Logs it. Returns the
# redirect's path when accepted, else "".
proc actors::send {t actor path fields action object pattern} {
    variable cast
    lassign [post [dict get $cast $actor jar] $path $fields] code page
    if {[string match */login* $::lastLocation]} {
        relogin $actor
        lassign [post [dict get $cast $actor jar] $path $fields] code page
    }
    # the redirect carries the notice's key (?done=...): the path is what tells where it went
    regsub {\?.*$} $::lastLocation "" where
    set ok [expr {$code in {302 303} && [string match $pattern $where]}]
    set result [expr {$ok ? "ok" : "refused: [string range [regsub -all {<[^>]*>|\s+} [lindex [regexp -inline {class="problems?"[^>]*>(.*?)</div} $page] 1] " "] 0 120]"}]
    log $t $actor $action $object $result $code
    expr {$ok ? $where : ""}
}

# actors::workdayAfter: the time of day HHMM (+08:00) on the N-th day that actors::working counts as
# a working day (Monday-Friday) after the day of T. Returns seconds.
proc actors::workdayAfter {t n hhmm} {
    set day [clock scan [clock format $t -format %Y-%m-%d -timezone +08:00] -format %Y-%m-%d -timezone +08:00]
    while {$n > 0} {
        set day [clock add $day 1 day -timezone +08:00]
        if {[clock format $day -format %u -timezone +08:00] <= 5} { incr n -1 }
    }
    expr {$day + 3600 * ($hhmm / 100) + 60 * ($hhmm % 100)}
}

# actors::fileRequest: the citizen files a 依申请公开 request on the public form at T (the K-th of
# the month); the office's plan for it is made. Returns the request number or "".
proc actors::fileRequest {t k} {
    variable requests
    set jar [file join $::jars citizen.$k]
    lassign [get $jar /request/] code form
    if {![regexp {name="token" value="([^"]*)"} $form -> token]} {
        log $t citizen request.file request:- "refused: no form ($code)" $code
        return ""
    }
    set date [clock format $t -format %Y-%m-%d -timezone +08:00]
    lassign [post $jar /request/ [list token $token applicant_kind person name 赵公众 id_type 居民身份证 \
        id_number 110105194912310011 phone 13900000000 \
        description "${date}县城第[expr {$k + 1}]批老旧小区改造项目的招标文件及资金安排情况" purpose 了解情况 \
        form 电子文档 signature 赵公众 applied $date] 1] code page
    if {$code != 200 || ![regexp {<dd id="number">([^<]*)</dd>} $page -> number]} {
        log $t citizen request.file request:- "refused: $code" $code
        return ""
    }
    log $t citizen request.file request:$number ok $code
    # the office's plan: the first request answered late (29 days on), the second paused for a
    # third party's opinion from the next working day's 11:00 to the second working day after
    # that at 15:00, the others answered 1-5 working days on at 09:00-16:00
    set p [dict create stage registered]
    if {$k == 0} {
        dict set p answerAt [expr {$t + 29 * 86400}]
    } else {
        set days [expr {1 + int(rand() * 5)}]
        set hh [expr {900 + 100 * int(rand() * 8)}]
        if {$k == 1} {
            dict set p pauseAt [workdayAfter $t 1 1100]
            dict set p resumeAt [workdayAfter [dict get $p pauseAt] 2 1500]
            dict set p answerAt [workdayAfter [dict get $p resumeAt] $days $hh]
        } else {
            dict set p answerAt [workdayAfter $t $days $hh]
        }
    }
    dict set requests $number $p
    return $number
}

# actors::requestId: the box's id of request NUMBER as the office's register (/requests) links it.
proc actors::requestId {number} {
    variable cast
    lassign [get [dict get $cast office1 jar] /requests] code page
    if {$code in {302 303}} {
        relogin office1
        lassign [get [dict get $cast office1 jar] /requests] code page
    }
    if {[regexp "<a href=\"/requests/(\\d+)\">[string map {- \\-} $number]</a>" $page -> id]} { return $id }
    return ""
}

# actors::requestsStep: the citizen's and the office's turn on the requests at T (working time).
proc actors::requestsStep {t} {
    variable requests
    lassign [clock format $t -format {%H%M %d} -timezone +08:00] hm
    if {$hm eq "1000"} { fileRequest $t [dict size $requests] }
    dict for {number p} $requests {
        set stage [dict get $p stage]
        if {$stage in {answered stuck}} { continue }
        if {![dict exists $p id]} {
            set id [requestId $number]
            if {$id eq ""} { continue }
            dict set requests $number id $id
        }
        set id [dict get $requests $number id]
        set base /requests/$id
        if {$stage eq "registered" && [dict exists $p pauseAt] && $t >= [dict get $p pauseAt]} {
            if {[send $t office1 $base/pause {kind third_party party 县城投公司 note 涉及第三方商业秘密，书面征求其意见} \
                     pause request:$number */requests/$id] ne ""} {
                dict set requests $number stage paused
            } else { dict set requests $number stage stuck }
        } elseif {$stage eq "paused" && $t >= [dict get $p resumeAt]} {
            if {[send $t office1 $base/resume {} resume request:$number */requests/$id] ne ""} {
                dict set requests $number stage resumed
            } else { dict set requests $number stage stuck }
        } elseif {$stage in {registered resumed} && $t >= [dict get $p answerAt]} {
            if {[send $t office1 $base/answer {kind disclose d_how 通过电子邮件提供电子文档 text 经审查，您申请的信息予以公开。} \
                     answer request:$number */requests/$id] ne ""} {
                dict set requests $number stage answered
            } else { dict set requests $number stage stuck }
        }
    }
}

# actors::handlerOf: the handler login of the cast in UNIT ("" if none).
proc actors::handlerOf {unit} {
    variable cast
    dict for {login c} $cast {
        if {[dict get $c unit] eq $unit && [dict get $c role] eq "handler"} { return $login }
    }
    return ""
}

# actors::itemsStep: the 政务信息 turn at T (working time): the 约稿 notice, the units' items
# written, signed, sent; the office screens them.
proc actors::itemsStep {t} {
    variable cast
    variable items
    variable commission
    variable wrote
    lassign [clock format $t -format {%H%M %Y-%m-%d} -timezone +08:00] hm date
    # the office issues the 约稿 notice on the first morning
    if {$commission eq "" && $hm >= 1030} {
        set f [list title 年终岁末民生保障工作信息约稿 body 请报送本单位年终岁末民生保障工作的做法和成效。 days 2]
        lassign [get [dict get $cast office1 jar] /commissions] code page
        foreach login {ahandler bhandler thandler lazy1} {
            set unit [dict get $cast $login unit]
            if {[regexp "name=\"u(\\d+)\" value=\"1\" *> [string map {( \\( ) \\)} $unit]</label>" $page -> uid]} { lappend f u$uid 1 }
        }
        set loc [send $t office1 /commissions $f commission.issue commission:- */commissions/*]
        set commission [dict create id [expr {[regexp {/commissions/(\d+)} $loc -> cid] ? $cid : ""}] issued $t]
        # who delivers when: A the next working day, T the one after, B five working days on (late)
        dict set commission due [dict create ahandler [workdayAfter $t 1 1000] thandler [workdayAfter $t 2 1100] \
                                     bhandler [workdayAfter $t 5 930]]
    }
    # a handler writes an item (most working afternoons at 16:00), or the one answering the notice
    foreach login {ahandler bhandler thandler} {
        set answer ""
        if {$commission ne "" && [dict get $commission id] ne "" && [dict exists $commission due $login]
            && $t >= [dict get $commission due $login]} {
            set answer [dict get $commission id]
            dict unset commission due $login
        } elseif {$hm ne "1600" || ([dict exists $wrote $login] && [dict get $wrote $login] eq $date) || rand() < 0.3} {
            continue
        }
        dict set wrote $login $date
        set title [expr {$answer ne "" ? "[dict get $cast $login unit]年终岁末民生保障工作情况" : "[dict get $cast $login unit]${date}工作动态"}]
        set loc [send $t $login /submissions [list title $title body 本单位扎实推进各项重点工作，群众满意度持续提升。 commission $answer] \
                     submission.create submission:- */submissions/*]
        if {[regexp {/submissions/(\d+)} $loc -> sid]} {
            dict set items $sid [dict create by $login stage draft commission $answer]
        }
    }
    # items move on: the unit head signs, the handler sends, the office screens the next morning
    dict for {sid it} $items {
        set by [dict get $it by]
        switch -- [dict get $it stage] {
            draft {
                set head [string map {handler head} $by]
                set ok [send $t $head /submissions/$sid/sign {} submission.sign submission:$sid */submissions/$sid]
                dict set items $sid stage [expr {$ok ne "" ? "signed" : "stuck"}]
            }
            signed {
                # the log names the 约稿 notice an item answers: submission:ID/commission:CID
                set obj submission:$sid[expr {[dict get $it commission] ne "" ? "/commission:[dict get $it commission]" : ""}]
                set ok [send $t $by /submissions/$sid/send {} submission.send $obj */submissions/$sid]
                dict set items $sid stage [expr {$ok ne "" ? "sent" : "stuck"}]
                dict set items $sid sent $t
            }
            sent {
                if {$hm < 900 || $t - [dict get $it sent] < 12 * 3600} { continue }
                if {rand() < 0.2} {
                    set ok [send $t office1 /submissions/$sid/reject {reason 内容与往期重复，不予采用。} submission.reject submission:$sid */submissions/$sid]
                } else {
                    set ok [send $t office1 /submissions/$sid/adopt {} submission.adopt submission:$sid */submissions/$sid]
                }
                dict set items $sid stage [expr {$ok ne "" ? "screened" : "stuck"}]
            }
        }
    }
}
