# check.tcl - the verdict of the county month (issue 19 item 4), computed independently: it never
# calls the workflow's or the calendar's code. From the world's truth (living::world), the actors'
# log (actions.jsonl) and the holiday data files (scripts/calendar/YYYY.txt for the shipped years,
# tests/fixtures/calendar/2027.json for the year imported mid-run; a day a year's file lists in the
# year before counts once that file is known) it works out what must be true,
# and compares it with what the box holds at the end (facts.tcl, written by run.tcl):
#   matters     every real matter published an hour before the end is in an event;
#   chatter     no event is made of irrelevant chatter only, none mixes two matters (一事一报);
#   state       each event the actors moved is in the state their last accepted action leads to;
#   deadlines   investigate (5 working days from the claim, plus the extension), extension_request
#               (3) and reply (3; reply_major 5; 3 again from each reopening by the system) are
#               due when its own working-day arithmetic says,
#               the provisional year 2027 counted Monday-Friday for a deadline closed before the
#               calendar's import and from the imported file otherwise;
#   breaches    a deadline open past its due time is breached, within the tolerance after it
#               (after its creation, for a 24/48-hour limit an event's becoming major started
#               late); one met in time is not; warnings likewise at the box's warn time; the
#               optional extension-request window is neither;
#   request     each 依申请公开 request the citizen filed: received when filed, answer due 20
#               working days on less the third party's consultations, answered on time or late,
#               its deadline breached when not answered by then;
#   约稿/quota  the 约稿 notice's due time and each unit's delivery (on time, late, overdue); each
#               unit's items sent, adopted, rejected, months under the quota and rank; the office
#               staff's months under theirs;
#   counter/rank the quarter's assessment: every unit's counters, points (the weights of
#               scripts/assessment/points.tcl read as data) and rank;
#   auto        each event no one claimed whose claim deadline passed was assigned by the system;
#   box         integrity_check ok, audit chain verified, no notice queued twice, no failed timer
#               job run, RSS at the end within 20 % of day 2's; database bytes per day shown.
# check::verdict OUT FIXTURES returns a dict: table (text), differences (count), rows.

namespace eval check {
    variable top [file dirname [file dirname [file dirname [file normalize [info script]]]]]
    variable off       ;# YEAR,DATE -> 1 (day off) or 0 (working weekend day) as YEAR's calendar lists it
    variable known {}  ;# years whose official calendar is loaded
    variable tolerance [expr {900 + 300}]  ;# a step, and the scheduler's minute, and a restart
    variable optional {extension_request}  ;# RULES.md: 可选 (the handler may ask, need not)
    variable shipped {}    ;# the shipped calendar years
    variable imported ""   ;# when the run imported 2027's calendar (seconds), or ""
}

# check::loadYear: read the days that differ from Monday-Friday listed in YEAR's calendar from the
# text file of the shipped calendars or a holiday-cn JSON file F. A year's notice may list days of
# the year before (2008's listed 2007-12-29..31; the fixture's 2027 lists 2026-12-31), so each day
# is kept under the file's year: it counts only once that year's calendar is known (check::workday).
proc check::loadYear {year f} {
    variable off
    variable known
    set fh [open $f]
    fconfigure $fh -encoding utf-8
    set text [read $fh]
    close $fh
    if {[string match *.json $f]} {
        foreach d [dict get [json parse $text] days] {
            set off($year,[dict get $d date]) [expr {[dict get $d isOffDay] ? 1 : 0}]
        }
    } else {
        foreach line [split $text \n] {
            if {[regexp {^(\d{4}-\d\d-\d\d) (off|work)} $line -> date kind]} {
                set off($year,$date) [expr {$kind eq "off"}]
            }
        }
    }
    lappend known $year
}

# check::workday: 1 when DATE (YYYY-MM-DD) is a working day with the calendars of YEARS (those
# known at the moment considered): the day as its own year's calendar lists it, else as a
# neighbouring year's lists it (a notice reaching across New Year), else Monday-Friday.
proc check::workday {date years} {
    variable off
    set y [scan [string range $date 0 3] %d]
    foreach fy [list $y [expr {$y + 1}] [expr {$y - 1}]] {
        if {$fy in $years && [info exists off($fy,$date)]} { return [expr {!$off($fy,$date)}] }
    }
    set wd [clock format [clock scan $date -format %Y-%m-%d -timezone +08:00] -format %u -timezone +08:00]
    expr {$wd <= 5}
}

# check::addWorkdays: the end (seconds) of the N-th working day after the day of time T (seconds;
# the day of T itself does not count), with the calendars of YEARS.
proc check::addWorkdays {t n years} {
    set day [clock scan [clock format $t -format %Y-%m-%d -timezone +08:00] -format %Y-%m-%d -timezone +08:00]
    while {$n > 0} {
        set day [clock add $day 1 day -timezone +08:00]
        if {[workday [clock format $day -format %Y-%m-%d -timezone +08:00] $years]} { incr n -1 }
    }
    clock add $day 1 day -timezone +08:00
}

# check::dueCounted: the due time (seconds) of a limit of N working days from T (seconds) whose
# clock stops during PAUSES (a list of {FROM TO} in seconds, TO "" while it runs), with the
# calendars of YEARS: only the time of working days after the day of T counts (00:00-24:00), none
# inside a pause; the due time is where N days of such time have been counted. Returns "" while a
# pause covering the remaining time still runs.
proc check::dueCounted {t n pauses years} {
    set left [expr {86400 * $n}]
    set day [clock scan [clock format $t -format %Y-%m-%d -timezone +08:00] -format %Y-%m-%d -timezone +08:00]
    for {set i 0} {$i < 400} {incr i} {
        set day [clock add $day 1 day -timezone +08:00]
        if {![workday [clock format $day -format %Y-%m-%d -timezone +08:00] $years]} { continue }
        set next [clock add $day 1 day -timezone +08:00]
        # the day's counted pieces: [day, next) less every pause
        set pieces [list [list $day $next]]
        foreach p $pauses {
            lassign $p from to
            set out {}
            foreach piece $pieces {
                lassign $piece a b
                if {$to eq ""} {
                    if {$from <= $a} { continue }
                    if {$from < $b} { lappend out [list $a $from]; continue }
                    lappend out $piece
                    continue
                }
                if {$to <= $a || $from >= $b} { lappend out $piece; continue }
                if {$from > $a} { lappend out [list $a $from] }
                if {$to < $b} { lappend out [list $to $b] }
            }
            set pieces $out
        }
        foreach piece $pieces {
            lassign $piece a b
            if {$b - $a >= $left} { return [expr {$a + $left}] }
            incr left [expr {$a - $b}]
        }
        # a pause still running from this day on: the due time is not known yet
        foreach p $pauses {
            if {[lindex $p 1] eq "" && [lindex $p 0] < $next} { return "" }
        }
    }
    error "no due time within 400 days of [clock format $t]"
}

# check::yearsFor: the calendar years a time limit closed at MET ("" while open) rests on: the
# shipped ones, and the imported year when the import (IMPORTED, seconds or "") came before MET or
# the limit is still open (the box recomputes open limits on import).
proc check::yearsFor {met} {
    variable shipped
    variable imported
    expr {$imported ne "" && ($met eq "" || $met >= $imported) ? [concat $shipped 2027] : $shipped}
}

# check::secs: a time as the box writes it (ISO with zone, or "YYYY-MM-DD HH:MM:SS" in +08:00 with
# the 24:00 convention) in seconds; "" stays "".
proc check::secs {s} {
    if {$s eq ""} { return "" }
    if {[regexp {^(\d{4}-\d\d-\d\d)[T ](\d\d):(\d\d):(\d\d)(.*)$} $s -> d h m sec z]} {
        set base [clock scan "$d 00:00:00" -format "%Y-%m-%d %H:%M:%S" -timezone +08:00]
        if {$z ne "" && $z ne "+08:00"} { error "unexpected zone in $s" }
        return [expr {$base + 3600 * [scan $h %d] + 60 * [scan $m %d] + [scan $sec %d]}]
    }
    error "not a time: $s"
}

# check::iso: seconds as "YYYY-MM-DD HH:MM" (+08:00) for the table.
proc check::iso {t} {
    if {$t eq ""} { return - }
    clock format $t -format {%Y-%m-%d %H:%M} -timezone +08:00
}

# check::requestRows: the rows of the disclosure requests: each request the citizen filed (the log)
# has its answer deadline where 20 working days from its receipt, less the third party's
# consultations, put it (check::dueCounted), is answered on time or late accordingly, and its
# deadline is breached (within the tolerance) when nothing answered it by then. FACTS from the box,
# LOG the actors' log, END the run's end (seconds). Returns the rows.
proc check::requestRows {facts log end} {
    variable tolerance
    set filed {}
    foreach a $log {
        if {[dict get $a result] ne "ok" || ![regexp {^request:(.+)$} [dict get $a object] -> number]} { continue }
        set t [secs [dict get $a time]]
        switch -- [dict get $a action] {
            request.file { dict set filed $number [dict create at $t pauses {} answered "" extend 0] }
            pause        { dict with filed $number { lappend pauses [list $t ""] } }
            resume       { dict with filed $number { lset pauses end 1 $t } }
            answer       { dict set filed $number answered $t }
        }
    }
    set box {}
    foreach {number received due answered onTime ext state} [dict get $facts requests] {
        dict set box $number [list $received $due $answered $onTime $ext $state]
    }
    set dl {}
    foreach {number start due state warned breached met warnAt} [dict get $facts request_deadlines] {
        dict set dl $number [list $due $state $breached $met]
    }
    set rows {}
    dict for {number r} $filed {
        dict with r {}
        if {![dict exists $box $number]} {
            lappend rows [list request $number "filed [iso $at]" registered missing 0]
            continue
        }
        lassign [dict get $box $number] received bdue banswered bonTime
        lappend rows [list request $number "received" [iso $at] [iso [secs $received]] [expr {[secs $received] == $at}]]
        # a running consultation leaves the due time unknown
        set want [dueCounted $at [expr {20 + $extend}] $pauses [yearsFor $answered]]
        set np [llength $pauses]
        lappend rows [list request $number "answer due, 20 days[expr {$np ? " less $np pause" : ""}]" \
                          [expr {$want eq "" ? "(paused)" : [iso $want]}] [expr {$bdue eq "" ? "(paused)" : [iso [secs $bdue]]}] \
                          [expr {$want eq "" ? $bdue eq "" : $bdue ne "" && [secs $bdue] == $want}]]
        if {$answered ne ""} {
            set ok [expr {$want ne "" && $answered <= $want}]
            lappend rows [list request $number "answered [iso $answered]" [expr {$ok ? "on time" : "late"}] \
                              [expr {$bonTime eq "" ? "-" : ($bonTime ? "on time" : "late")}] \
                              [expr {$bonTime ne "" && $bonTime == $ok}]]
        }
        if {$want eq "" || ![dict exists $dl $number]} { continue }
        lassign [dict get $dl $number] ddue dstate breached met
        set until [expr {$answered ne "" ? $answered : $end}]
        if {$until > $want && $want <= $end - $tolerance} {
            set b [secs $breached]
            lappend rows [list request $number "breach of due [iso $want]" "breached by [iso [expr {$want + $tolerance}]]" [iso $b] \
                              [expr {$b ne "" && $b >= $want && $b <= $want + $tolerance}]]
        } elseif {$answered ne ""} {
            lappend rows [list request $number "breach of due [iso $want]" "not breached" \
                              [expr {$breached eq "" ? "not breached" : "breached [iso [secs $breached]]"}] [expr {$breached eq ""}]]
        }
    }
    return $rows
}

# check::reportingRows: the rows of government-information reporting for the quarter: each unit's
# 约稿 notice is due 2 working days after its issue (the days the actors asked for) and delivered on
# time, late or not at all by the item that answers it (the log); each unit's items sent, adopted
# and rejected, the months of the quarter over by the end in which it sent fewer than the quota,
# and its rank by adopted items (then sent); the office staff's months under their quota. FACTS
# from the box, LOG the actors' log, CAST login -> unit, END the run's end. Returns {rows figures}:
# figures unit name -> dict adopted below late (for the assessment).
proc check::reportingRows {facts log cast end} {
    set stats [dict get $facts submission_stats]
    set quota [dict get $stats quota]
    set months [dict get $stats period months]
    set thisMonth [clock format $end -format %Y-%m -timezone +08:00]
    set past [lmap m $months { expr {$m < $thisMonth ? $m : [continue]} }]
    lassign [list [dict get $stats period from] [dict get $stats period to]] from to
    # the 约稿 notice: issued (log), due 2 working days on, delivered by the sends that answer it
    set issued ""
    set delivered {}
    set sent {}
    set staffSent {}
    foreach a $log {
        if {[dict get $a result] ne "ok"} { continue }
        set t [secs [dict get $a time]]
        set actor [dict get $a actor]
        switch -- [dict get $a action] {
            commission.issue { set issued $t }
            submission.send {
                set unit [dict get $cast $actor]
                set month [clock format $t -format %Y-%m -timezone +08:00]
                regexp {^submission:(\d+)} [dict get $a object] -> sid
                dict set sent $sid [dict create unit $unit month $month by $actor state sent]
                if {[regexp {/commission:(\d+)$} [dict get $a object] -> cid] && ![dict exists $delivered $unit]} {
                    dict set delivered $unit $t
                }
            }
            submission.adopt - submission.reject {
                regexp {^submission:(\d+)} [dict get $a object] -> sid
                if {[dict exists $sent $sid]} {
                    dict set sent $sid state [expr {[dict get $a action] eq "submission.adopt" ? "adopted" : "rejected"}]
                }
            }
        }
    }
    set rows {}
    set notice {}
    if {$issued ne ""} {
        set due [addWorkdays $issued 2 [yearsFor ""]]
        foreach c [dict get $facts commissions] {
            set unit [dict get $c unit]
            set d [expr {[dict exists $delivered $unit] ? [dict get $delivered $unit] : ""}]
            set want [expr {$d ne "" ? ($d <= $due ? "delivered" : "late") : ($end > $due ? "overdue" : "open")}]
            dict set notice $unit $want
            lappend rows [list 约稿 $unit "due [iso $due], delivered [iso $d]" "$want [iso $due]" \
                              "[dict get $c state] [iso [secs [dict get $c due]]]" \
                              [expr {$want eq [dict get $c state] && $due == [secs [dict get $c due]]}]]
        }
    }
    # the units' figures and ranking
    set list {}
    foreach u [dict get $stats units] {
        set name [dict get $u unit]
        set e [dict create unit_id [dict get $u unit_id] unit $name sent 0 adopted 0 rejected 0 commissioned 0 late 0 overdue 0]
        set m {}
        foreach mm $months { dict set m $mm 0 }
        dict for {sid it} $sent {
            if {[dict get $it unit] ne $name} { continue }
            dict incr e sent
            dict set m [dict get $it month] [expr {[dict get $m [dict get $it month]] + 1}]
            if {[dict get $it state] in {adopted rejected}} { dict incr e [dict get $it state] }
        }
        if {[dict exists $notice $name]} {
            dict incr e commissioned
            if {[dict get $notice $name] in {late overdue}} { dict incr e [dict get $notice $name] }
        }
        dict set e below [lmap mm $past { expr {[dict get $m $mm] < [dict get $quota unit] ? $mm : [continue]} }]
        lappend list $e
    }
    set list [yqbox::lsortCommand [list apply {{a b} {
        foreach k {adopted sent} {
            if {[dict get $a $k] != [dict get $b $k]} { return [expr {[dict get $b $k] - [dict get $a $k]}] }
        }
        expr {[dict get $a unit_id] - [dict get $b unit_id]}
    }}] $list]
    set rank 0; set i 0; set last ""
    set figures {}
    set found {}
    foreach u [dict get $stats units] { dict set found [dict get $u unit] $u }
    foreach e $list {
        incr i
        set key [list [dict get $e adopted] [dict get $e sent]]
        if {$key ne $last} { set rank $i; set last $key }
        set name [dict get $e unit]
        dict set figures $name [dict create adopted [dict get $e adopted] below [llength [dict get $e below]] \
                                    late [expr {[dict get $e late] + [dict get $e overdue]}]]
        set want "#$rank [dict get $e sent]/[dict get $e adopted]/[dict get $e rejected] [dict get $e commissioned]/[dict get $e late]/[dict get $e overdue] {[dict get $e below]}"
        set f [dict get $found $name]
        set got "#[dict get $f rank] [dict get $f sent]/[dict get $f adopted]/[dict get $f rejected] [dict get $f commissioned]/[dict get $f late]/[dict get $f overdue] {[dict get $f below]}"
        lappend rows [list quota $name "rank sent/adopted/rejected 约稿/late/overdue {months below}" $want $got [expr {$want eq $got}]]
    }
    # the office staff's monthly quota
    foreach s [dict get $stats staff] {
        set login [dict get $s login]
        set m {}
        foreach mm $months { dict set m $mm 0 }
        dict for {sid it} $sent {
            if {[dict get $it by] eq $login} { dict set m [dict get $it month] [expr {[dict get $m [dict get $it month]] + 1}] }
        }
        set want [lmap mm $past { expr {[dict get $m $mm] < [dict get $quota staff] ? $mm : [continue]} }]
        lappend rows [list quota $login "staff months below the quota" "{$want}" "{[dict get $s below]}" [expr {$want eq [dict get $s below]}]]
    }
    list $rows $figures
}

# check::formula: the base and parts {NAME WEIGHT ...} of the bundled points formula, read as data
# from scripts/assessment/points.tcl (its `base` and `part` lines outside the votes block: the
# config key assessment_votes is off in the run). Returns {base parts}.
proc check::formula {} {
    variable top
    set f [open [file join $top scripts assessment points.tcl]]
    fconfigure $f -encoding utf-8
    set text [read $f]
    close $f
    set base 0
    set parts {}
    set votes 0
    foreach line [split $text \n] {
        if {[regexp {^if \{\$votes\}} $line]} { set votes 1 }
        if {$votes} { if {[string match "\}*" $line]} { set votes 0 }; continue }
        regexp {^base\s+(\S+)} $line -> base
        if {[regexp {^part\s+(\S+)\s+(\S+)} $line -> name weight]} { lappend parts $name $weight }
    }
    list $base $parts
}

# check::assessmentRows: the rows of the quarter's assessment: each unit's counters recomputed from
# the actors' log and the box's facts with this checker's own deadlines (events claimed in time,
# assigned because nobody claimed them, investigation reports and replies on time or late by the
# due times computed here (a reply due again after each reopening), extensions asked, 24/48-hour
# limits breached, leaders' instructions
# late, and FIGURES of check::reportingRows), its points by the formula's weights and its rank
# (equal points share one). Compared unit by unit with assessment::compute's result in FACTS.
# LOG the actors' log, CAST login -> unit, END the run's end (seconds). Returns the rows.
proc check::assessmentRows {facts log cast end figures} {
    set a [dict get $facts assessment]
    set from [clock scan [dict get $a period from] -format %Y-%m-%d -timezone +08:00]
    set to [clock scan [dict get $a period to] -format %Y-%m-%d -timezone +08:00]
    set inPeriod [list apply {{from to t} { expr {$t ne "" && $t >= $from && $t < $to} }} $from $to]
    set units {}
    foreach {id name kind} [dict get $facts units] { dict set units $name $kind }
    set events {}
    foreach {id state unit suggested level first} [dict get $facts events] {
        dict set events $id [dict create unit $unit suggested $suggested first [secs $first]]
    }
    # the actors' accepted actions by event
    set acts {}
    foreach x $log {
        if {[dict get $x result] ne "ok" || ![regexp {^event:(\d+)$} [dict get $x object] -> id]} { continue }
        dict lappend acts $id [list [dict get $x action] [secs [dict get $x time]] [dict get $x actor]]
    }
    set first [list apply {{acts id action} {
        if {![dict exists $acts $id]} { return "" }
        foreach x [dict get $acts $id] { if {[lindex $x 0] eq $action} { return [lindex $x 1] } }
        return ""
    }} $acts]
    set all [list apply {{acts id action} {
        if {![dict exists $acts $id]} { return {} }
        lmap x [dict get $acts $id] { expr {[lindex $x 0] eq $action ? [lindex $x 1] : [continue]} }
    }} $acts]
    set c {}
    set count [list apply {{cVar unit name} {
        upvar 1 $cVar c
        dict incr c $unit,$name
    }}]
    # the claims and their claim deadlines; the system's assignments; the extensions
    set claimDue {}
    foreach {ev rule start due state warned breached met extended warnAt} [dict get $facts deadlines] {
        if {$rule eq "claim" && ![dict exists $claimDue $ev]} { dict set claimDue $ev [secs $due] }
    }
    set owned {}
    dict for {id xs} $acts {
        foreach x $xs {
            lassign $x action t actor
            set unit [dict get $cast $actor]
            if {$action eq "claim" && [{*}$inPeriod $t]} {
                dict set owned $unit,$id 1
                if {[dict exists $claimDue $id] && $t <= [dict get $claimDue $id]} { {*}$count c $unit claimed_ontime }
            }
            if {$action eq "extend" && [{*}$inPeriod $t]} { {*}$count c $unit extensions }
        }
    }
    set assignedAt {}
    set escalatedAt {}
    set reopenedAt {}
    foreach {ev at action from to login} [dict get $facts steps] {
        set t [secs $at]
        if {$action eq "assign" && [{*}$inPeriod $t]} {
            dict set owned [dict get $events $ev unit],$ev 1
            if {$login eq "system"} {
                dict set assignedAt $ev $t
                set s [dict get $events $ev suggested]
                set unit [expr {[dict exists $units $s] && [dict get $units $s] in {department township} ? $s : ""}]
                if {$unit ne ""} { {*}$count c $unit assigned_overdue }
            }
        }
        if {$action eq "escalate" && ![dict exists $escalatedAt $ev]} { dict set escalatedAt $ev $t }
        if {$action eq "reopen"} { dict lappend reopenedAt $ev $t }
    }
    foreach k [dict keys $owned] { {*}$count c [lindex [split $k ,] 0] owned }
    # the event deadlines this checker computes: start, working days or hours, met
    set seen {}
    foreach {ev rule start unit} [dict get $facts deadline_units] {
        if {$rule ni {investigate reply reply_major press_conference respond}} { continue }
        if {$rule ni {reply reply_major}} {
            if {[dict exists $seen $ev,$rule]} { continue }
            dict set seen $ev,$rule 1
        }
        set met ""
        switch -- $rule {
            investigate {
                set t0 [{*}$first $ev claim]
                if {$t0 eq "" && [dict exists $assignedAt $ev]} { set t0 [dict get $assignedAt $ev] }
                if {$t0 eq ""} { continue }
                set met [{*}$first $ev conclude]
                set ext [expr {[{*}$first $ev extend] ne "" && [{*}$first $ev decide] ne "" ? 3 : 0}]
                set due [addWorkdays $t0 [expr {5 + $ext}] [yearsFor $met]]
                set name [list reports_ontime reports_late]
            }
            reply - reply_major {
                # the k-th reply limit of an event runs from its k-th start: the conclusion, then
                # each reopening; met by the first publication after its start
                set k [expr {[dict exists $seen $ev,replies] ? [dict get $seen $ev,replies] : 0}]
                dict set seen $ev,replies [expr {$k + 1}]
                set t0 [lindex [lsort -integer [concat [{*}$all $ev conclude] \
                                                    [expr {[dict exists $reopenedAt $ev] ? [dict get $reopenedAt $ev] : {}}]]] $k]
                if {$t0 eq ""} { continue }
                foreach p [{*}$all $ev publish] { if {$p >= $t0} { set met $p; break } }
                set due [addWorkdays $t0 [expr {$rule eq "reply" ? 3 : 5}] [yearsFor $met]]
                set name [list replies_ontime replies_late]
            }
            press_conference - respond {
                set due [expr {[dict get $events $ev first] + 3600 * ($rule eq "respond" ? 48 : 24)}]
                # a publication after the limit started (the escalation) meets the 48 hours
                set p [{*}$first $ev publish]
                if {$rule eq "respond" && $p ne "" && [dict exists $escalatedAt $ev] && $p >= [dict get $escalatedAt $ev]} { set met $p }
                set name [list "" limit_breaches]
            }
        }
        if {$unit eq ""} { continue }
        if {$met ne "" && $met <= $due} {
            if {[lindex $name 0] ne "" && [{*}$inPeriod $met]} { {*}$count c $unit [lindex $name 0] }
        } elseif {$due < ($met ne "" ? $met : $end) && [{*}$inPeriod $due]} {
            {*}$count c $unit [lindex $name 1]
        }
    }
    # leaders' instructions: due instruction_days (5) working days on; none is done by the actors
    foreach {ev unit at due done} [dict get $facts instructions] {
        set dueT [addWorkdays [secs $at] 5 [yearsFor [secs $done]]]
        set doneT [secs $done]
        if {$doneT ne "" && $doneT <= $dueT} {
            if {[{*}$inPeriod $doneT]} { {*}$count c $unit instructions_ontime }
        } elseif {$dueT < ($doneT ne "" ? $doneT : $end) && [{*}$inPeriod $dueT]} {
            {*}$count c $unit instructions_late
        }
    }
    dict for {unit f} $figures {
        dict set c $unit,submissions_adopted [dict get $f adopted]
        dict set c $unit,months_below_quota [dict get $f below]
        dict set c $unit,commissions_late [dict get $f late]
    }
    # points and ranks, in the box's order of units (by id) for equal points
    lassign [formula] base parts
    set list {}
    foreach u [yqbox::lsortCommand [list apply {{a b} { expr {[dict get $a unit_id] - [dict get $b unit_id]} }}] [dict get $a units]] {
        set name [dict get $u unit]
        set p $base
        foreach {part weight} $parts {
            set n [expr {[dict exists $c $name,$part] ? [dict get $c $name,$part] : 0}]
            set p [expr {$p + $weight * $n}]
        }
        lappend list [list $name [expr {round($p * 10) / 10.0}] $u]
    }
    set list [yqbox::lsortCommand [list apply {{a b} {
        set d [expr {[lindex $b 1] - [lindex $a 1]}]
        expr {$d > 0 ? 1 : ($d < 0 ? -1 : 0)}
    }}] $list]
    set rows {}
    set rank 0; set i 0; set last ""
    foreach e $list {
        lassign $e name points u
        incr i
        if {$points != $last} { set rank $i; set last $points }
        foreach {part weight} $parts {
            set want [expr {[dict exists $c $name,$part] ? [dict get $c $name,$part] : 0}]
            set got [dict get $u counters $part]
            if {$want == 0 && $got == 0} { continue }
            lappend rows [list counter $name $part $want $got [expr {$want == $got}]]
        }
        foreach part {owned} {
            set want [expr {[dict exists $c $name,$part] ? [dict get $c $name,$part] : 0}]
            set got [dict get $u counters $part]
            if {$want || $got} { lappend rows [list counter $name $part $want $got [expr {$want == $got}]] }
        }
        lappend rows [list rank $name "points and rank of [dict get $a period spec]" "$points #$rank" \
                          "[dict get $u points] #[dict get $u rank]" \
                          [expr {$points == [dict get $u points] && $rank == [dict get $u rank]}]]
    }
    return $rows
}

# check::verdict: the verdict of the run in directory OUT on the fixtures in FIXTURES (see the
# file comment). Returns a dict table, differences, rows.
proc check::verdict {out fixtures} {
    variable top
    variable tolerance
    variable optional
    variable known {}
    variable off
    array unset off
    set f [open [file join $out facts.tcl]]
    fconfigure $f -encoding utf-8
    set facts [read $f]
    close $f
    set f [open [file join $out run.txt]]
    set run [read $f]
    close $f
    set log {}
    set f [open [file join $out actions.jsonl]]
    fconfigure $f -encoding utf-8
    while {[gets $f line] >= 0} { lappend log [json parse $line] }
    close $f
    if {[namespace which ::living::world] eq ""} { uplevel #0 [list source -encoding utf-8 [file join $fixtures living.tcl]] }
    set w [living::world {*}[dict get $run world]]
    set end [dict get $run end]
    foreach y {2024 2025 2026} { loadYear $y [file join $top scripts calendar $y.txt] }
    variable shipped $known
    variable imported ""
    foreach a $log {
        if {[dict get $a action] eq "calendar.import"} { set imported [secs [dict get $a time]] }
    }
    if {$imported ne ""} { loadYear 2027 [file join $fixtures calendar 2027.json] }
    set rows {}
    # -- matters: every matter with an item an hour before the end is in an event
    set eventOf {}
    foreach {url ev first} [dict get $facts posts] {
        regsub {^https?://[^/]+} $url "" path
        dict set eventOf $path $ev
    }
    foreach m [dict get $w matters] {
        set seen 0
        set found {}
        foreach it [dict get $w items] {
            if {[dict get $it matter] ne [dict get $m id] || [secs [dict get $it at]] > $end - 3600} { continue }
            set seen 1
            set path [string map {@BASE@ ""} [dict get $it url]]
            if {[dict exists $eventOf $path] && [dict get $eventOf $path] ne ""} { lappend found [dict get $eventOf $path] }
        }
        if {!$seen} { continue }
        set found [lsort -unique -integer $found]
        lappend rows [list matter [dict get $m id] [dict get $m title] "in an event" \
                          [expr {[llength $found] ? "events $found" : "none"}] [expr {[llength $found] > 0}]]
    }
    # -- chatter: no event is made of irrelevant chatter only, and no event mixes two matters
    set matterOf {}
    foreach it [dict get $w items] { dict set matterOf [string map {@BASE@ ""} [dict get $it url]] [dict get $it matter] }
    set eventMatters {}
    dict for {path ev} $eventOf {
        if {$ev ne "" && [dict exists $matterOf $path]} { dict lappend eventMatters $ev [dict get $matterOf $path] }
    }
    set chatterEvents {}
    set mixed {}
    dict for {ev ms} $eventMatters {
        set ms [lsort -unique $ms]
        if {$ms eq [list {}]} { lappend chatterEvents $ev }
        if {[llength [lsearch -all -inline -not -exact $ms {}]] > 1} { lappend mixed "$ev:[join [lsearch -all -inline -not -exact $ms {}] +]" }
    }
    lappend rows [list chatter events "events of chatter only" none [expr {[llength $chatterEvents] ? "events [lsort -integer $chatterEvents]" : "none"}] [expr {![llength $chatterEvents]}]]
    lappend rows [list chatter events "events mixing two matters" none [expr {[llength $mixed] ? [join $mixed " "] : "none"}] [expr {![llength $mixed]}]]
    # -- the events' states from the actors' last accepted actions
    set stateAfter {claim claimed investigate investigating conclude investigated reply drafted
                    approve approved publish {followup reopened}}
    set last {}
    set claimedBy {}
    set actions {}
    foreach a $log {
        if {[dict get $a result] ne "ok" || ![regexp {^event:(\d+)$} [dict get $a object] -> id]} { continue }
        set act [dict get $a action]
        dict lappend actions $id [list $act [secs [dict get $a time]]]
        if {[dict exists $stateAfter $act]} { dict set last $id $act }
        if {$act eq "claim"} { dict set claimedBy $id [secs [dict get $a time]] }
    }
    set states {}
    foreach {id state unit suggested level first} [dict get $facts events] { dict set states $id $state }
    dict for {id act} $last {
        set want [dict get $stateAfter $act]
        set got [expr {[dict exists $states $id] ? [dict get $states $id] : "missing"}]
        lappend rows [list state $id "after $act" [join $want |] $got [expr {$got in $want}]]
    }
    # -- deadlines of the events
    set byEvent {}
    foreach {ev rule start due state warned breached met extended warnAt} [dict get $facts deadlines] {
        dict lappend byEvent $ev [list $rule $start $due $state $warned $breached $met $extended $warnAt]
    }
    # the system reopens a published event on new follow-ups: a reply is due again (3 working days)
    foreach {ev at action from to login} [dict get $facts steps] {
        if {$action eq "reopen"} { dict lappend actions $ev [list reopen [secs $at]] }
    }
    set started {claim {investigate 5 extension_request 3} conclude {reply 3 reply_major 5} reopen {reply 3}}
    dict for {id acts} $actions {
        foreach pair $acts {
            lassign $pair act t
            if {![dict exists $started $act]} { continue }
            set rules [dict get $started $act]
            dict for {rule n} $rules {
                set row ""
                if {[dict exists $byEvent $id]} {
                    foreach d [dict get $byEvent $id] {
                        if {[lindex $d 0] eq $rule && [secs [lindex $d 1]] == $t} { set row $d }
                    }
                }
                if {$row eq ""} {
                    if {$rule in {reply extension_request investigate}} {
                        # reply_major replaces reply for events of wide attention; one of them must exist
                        if {$rule eq "reply" && [dict exists $byEvent $id]
                            && [lsearch -index 0 [dict get $byEvent $id] reply_major] >= 0} { continue }
                        lappend rows [list deadline $id "$rule from [iso $t]" present missing 0]
                    }
                    continue
                }
                lassign $row rule start due state warned breached met extended
                set metT [secs $met]
                # a deadline closed before the import was computed on Monday-Friday for 2027
                set years [yearsFor $metT]
                set want [addWorkdays $t [expr {$n + $extended}] $years]
                lappend rows [list deadline $id "$rule from [iso $t][expr {$extended ? " +$extended" : ""}]" \
                                  [iso $want] [iso [secs $due]] [expr {$want == [secs $due]}]]
            }
        }
    }
    # -- breaches and warnings of every event deadline
    # A limit started by the event becoming 重大/特别重大 (escalate, or a judge step) runs from the
    # detection, so it may be created after its warning or due time has passed: the box can only
    # record those from its creation on (the first clock run after it), so the window opens there.
    set majorSteps {}
    foreach {ev at action from to login} [dict get $facts steps] {
        if {$action in {escalate judge}} { dict lappend majorSteps $ev [secs $at] }
    }
    foreach {ev rule start due state warned breached met extended warnAt} [dict get $facts deadlines] {
        set dueT [secs $due]
        set metT [secs $met]
        set created [secs $start]
        if {$rule in {press_conference respond report_major} && [dict exists $majorSteps $ev]} {
            foreach s [lsort -integer [dict get $majorSteps $ev]] {
                if {$s >= $created} { set created $s; break }
            }
        }
        set until [expr {$metT ne "" ? $metT : $end}]
        # an optional window (the extension request: a right, not a duty) is never warned nor breached
        if {$state eq "cancelled" || $rule in $optional} { continue }
        if {$until > $dueT && max($dueT, $created) <= $end - $tolerance} {
            set b [secs $breached]
            set from [expr {max($dueT, $created)}]
            set ok [expr {$b ne "" && $b >= $dueT && $b <= $from + $tolerance}]
            lappend rows [list breach $ev "$rule due [iso $dueT]" "breached by [iso [expr {$from + $tolerance}]]" [iso $b] $ok]
        } elseif {$metT ne "" && $metT <= $dueT} {
            lappend rows [list breach $ev "$rule due [iso $dueT]" "not breached (met [iso $metT])" [expr {$breached eq "" ? "not breached" : "breached [iso [secs $breached]]"}] [expr {$breached eq ""}]]
        }
        set wT [secs $warnAt]
        if {$wT ne "" && $until > max($wT, $created) + $tolerance && max($wT, $created) <= $end - $tolerance} {
            set wd [secs $warned]
            set from [expr {max($wT, $created)}]
            lappend rows [list warning $ev "$rule warn [iso $wT]" "warned by [iso [expr {$from + $tolerance}]]" [iso $wd] \
                              [expr {$wd ne "" && $wd >= $wT && $wd <= $from + $tolerance}]]
        }
    }
    # -- auto-assignment of the events no one claimed in time
    set steps {}
    foreach {ev at action from to login} [dict get $facts steps] { dict lappend steps $ev [list $at $action $login] }
    foreach {ev rule start due state warned breached met extended warnAt} [dict get $facts deadlines] {
        if {$rule ne "claim" || [dict exists $claimedBy $ev]} { continue }
        set dueT [secs $due]
        if {$dueT > $end - $tolerance || ($met ne "" && [secs $met] <= $dueT)} { continue }
        set assigned ""
        foreach s [dict get $steps $ev] {
            lassign $s at action login
            if {$action eq "assign" && $login eq "system"} { set assigned [secs $at]; break }
        }
        lappend rows [list auto $ev "claim due [iso $dueT]" "assigned by the system by [iso [expr {$dueT + $tolerance}]]" \
                          [iso $assigned] [expr {$assigned ne "" && $assigned >= $dueT && $assigned <= $dueT + $tolerance}]]
    }
    # -- the disclosure requests, the reporting figures and the quarter's assessment
    set cast [dict get $run cast]
    lappend rows {*}[requestRows $facts $log $end]
    lassign [reportingRows $facts $log $cast $end] more figures
    lappend rows {*}$more
    lappend rows {*}[assessmentRows $facts $log $cast $end $figures]
    # -- the box itself
    lappend rows [list box integrity "PRAGMA integrity_check" ok [dict get $facts integrity] [expr {[dict get $facts integrity] eq "ok"}]]
    lappend rows [list box audit "audit chain" verified [lindex [dict get $facts audit] 1] [expr {[lindex [dict get $facts audit] 0] == 0}]]
    lappend rows [list box notices "inbox rows queued twice" 0 [dict get $facts notices_twice] [expr {[dict get $facts notices_twice] == 0}]]
    lappend rows [list box mails "notifications queued twice" 0 [dict get $facts mails_twice] [expr {[dict get $facts mails_twice] == 0}]]
    foreach {name runs failed} [dict get $facts jobs] {
        lappend rows [list box job:$name "failed runs of $runs" 0 $failed [expr {$failed == 0}]]
    }
    set samples [dict get $facts samples]
    if {[llength $samples] >= 4} {
        set r2 [dict get [lindex $samples 2] rss_kb]
        set rEnd [dict get [lindex $samples end] rss_kb]
        lappend rows [list box rss "RSS at the end vs day 2 ($r2 kB)" "<= [expr {int($r2 * 1.2)}] kB" "$rEnd kB" [expr {$rEnd <= $r2 * 1.2}]]
    }
    foreach s $samples {
        lappend rows [list info day[dict get $s day] "posts / events / db bytes / rss kB at [dict get $s at]" - \
                          "[dict get $s posts] / [dict get $s events] / [dict get $s db_bytes] / [dict get $s rss_kb]" 1]
    }
    # -- the table
    set diff 0
    set lines [list [format "%-9s %-8s %-44s %-30s %-30s %s" check object what expected found ""]]
    foreach r $rows {
        lassign $r kind obj what want got ok
        if {!$ok} { incr diff }
        lappend lines [format "%-9s %-8s %-44s %-30s %-30s %s" $kind $obj [string range $what 0 43] $want $got [expr {$ok ? "" : "DIFFERENT"}]]
    }
    lappend lines "[llength $rows] checks, $diff different"
    list table [join $lines \n] differences $diff rows $rows
}
