# check.tcl - the verdict of the county month (issue 19 item 4), computed independently: it never
# calls the workflow's or the calendar's code. From the world's truth (living::world), the actors'
# log (actions.jsonl) and the holiday data files (scripts/calendar/YYYY.txt for the shipped years,
# tests/fixtures/calendar/2027.json for the year imported mid-run) it works out what must be true,
# and compares it with what the box holds at the end (facts.tcl, written by run.tcl):
#   matters     every real matter published an hour before the end is in an event;
#   chatter     no event is made of irrelevant chatter only, none mixes two matters (一事一报);
#   state       each event the actors moved is in the state their last accepted action leads to;
#   deadlines   investigate (5 working days from the claim, plus the extension), extension_request
#               (3) and reply (3; reply_major 5) are due when its own working-day arithmetic says,
#               the provisional year 2027 counted Monday-Friday for a deadline closed before the
#               calendar's import and from the imported file otherwise;
#   breaches    a deadline open past its due time is breached, within the tolerance after it;
#               one met in time is not; warnings likewise at the box's warn time; the optional
#               extension-request window is neither;
#   auto        each event no one claimed whose claim deadline passed was assigned by the system;
#   box         integrity_check ok, audit chain verified, no notice queued twice, no failed timer
#               job run, RSS at the end within 20 % of day 2's; database bytes per day shown.
# check::verdict OUT FIXTURES returns a dict: table (text), differences (count), rows.

namespace eval check {
    variable top [file dirname [file dirname [file dirname [file normalize [info script]]]]]
    variable off       ;# date -> 1 (day off) or 0 (working weekend day), per known year
    variable known {}  ;# years whose official calendar is loaded
    variable tolerance [expr {900 + 300}]  ;# a step, and the scheduler's minute, and a restart
    variable optional {extension_request}  ;# RULES.md: 可选 (the handler may ask, need not)
}

# check::loadYear: read the days that differ from Monday-Friday for YEAR from the text file of
# the shipped calendars or a holiday-cn JSON file F; a day of another year in the file is ignored.
proc check::loadYear {year f} {
    variable off
    variable known
    set fh [open $f]
    fconfigure $fh -encoding utf-8
    set text [read $fh]
    close $fh
    if {[string match *.json $f]} {
        foreach d [dict get [json parse $text] days] {
            set date [dict get $d date]
            if {[string range $date 0 3] == $year} { set off($date) [expr {[dict get $d isOffDay] ? 1 : 0}] }
        }
    } else {
        foreach line [split $text \n] {
            if {[regexp {^(\d{4}-\d\d-\d\d) (off|work)} $line -> date kind] && [string range $date 0 3] == $year} {
                set off($date) [expr {$kind eq "off"}]
            }
        }
    }
    lappend known $year
}

# check::workday: 1 when DATE (YYYY-MM-DD) is a working day; a year not in YEARS (the calendars
# known at the moment considered) counts Monday-Friday.
proc check::workday {date years} {
    variable off
    set y [string range $date 0 3]
    if {$y in $years && [info exists off($date)]} { return [expr {!$off($date)}] }
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
    set shipped $known
    set imported ""
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
    dict for {id acts} $actions {
        foreach pair $acts {
            lassign $pair act t
            set rules [dict get {claim {investigate 5 extension_request 3} conclude {reply 3 reply_major 5}} \
                           [expr {$act in {claim conclude} ? $act : "claim"}]]
            if {$act ni {claim conclude}} { continue }
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
                set years [expr {$imported ne "" && ($metT eq "" || $metT >= $imported) ? [concat $shipped 2027] : $shipped}]
                set want [addWorkdays $t [expr {$n + $extended}] $years]
                lappend rows [list deadline $id "$rule from [iso $t][expr {$extended ? " +$extended" : ""}]" \
                                  [iso $want] [iso [secs $due]] [expr {$want == [secs $due]}]]
            }
        }
    }
    # -- breaches and warnings of every event deadline
    foreach {ev rule start due state warned breached met extended warnAt} [dict get $facts deadlines] {
        set dueT [secs $due]
        set metT [secs $met]
        set until [expr {$metT ne "" ? $metT : $end}]
        # an optional window (the extension request: a right, not a duty) is never warned nor breached
        if {$state eq "cancelled" || $rule in $optional} { continue }
        if {$until > $dueT && $dueT <= $end - $tolerance} {
            set b [secs $breached]
            set ok [expr {$b ne "" && $b >= $dueT && $b <= $dueT + $tolerance}]
            lappend rows [list breach $ev "$rule due [iso $dueT]" "breached by [iso [expr {$dueT + $tolerance}]]" [iso $b] $ok]
        } elseif {$metT ne "" && $metT <= $dueT} {
            lappend rows [list breach $ev "$rule due [iso $dueT]" "not breached (met [iso $metT])" [expr {$breached eq "" ? "not breached" : "breached [iso [secs $breached]]"}] [expr {$breached eq ""}]]
        }
        set wT [secs $warnAt]
        if {$wT ne "" && $until > $wT + $tolerance && $wT <= $end - $tolerance} {
            set wd [secs $warned]
            lappend rows [list warning $ev "$rule warn [iso $wT]" "warned by [iso [expr {$wT + $tolerance}]]" [iso $wd] \
                              [expr {$wd ne "" && $wd >= $wT && $wd <= $wT + $tolerance}]]
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
