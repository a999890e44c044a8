# deadline.tcl - the workflow's clock: deadlines stored with the rule that set them, the minute
# tick that records each warning and breach once, the automatic assignment of unclaimed events,
# and the console's listings of what is due and overdue and by whom.
#
# A deadline is computed by calendar::due (the only place time limits are computed) when a
# transition starts it and stored with its rule, start, due and warning times. workflow::tick (run
# every minute in the background interpreter, and by `workflow tick`) finds open deadlines whose
# warning or due time has passed and has not been recorded; for each it sets warned_at or
# breached_at, writes a timeline step, an audit entry and the notifications in one transaction.
# Because the flags are in the database, a restart neither loses nor repeats a warning. A claim
# window that breaches on an event nobody claimed makes the system assign it (`assign -auto`): to
# the suggested unit when it is an active unit of the box, else to the info office; either way
# recorded overdue against the suggested unit (states.tcl, workflow::TakeOn).
# An optional deadline (a calendar rule with option yes: the extension-request window) is a right,
# not a duty: it is never warned, breached, listed as overdue or counted; when it closes the tick
# ends it (cancelled, stopped_by 'window').
#
# PROVISIONAL deadlines: a due time computed on a year without an official calendar (calendar.tcl)
# stores those years in deadline.provisional and is shown with calendar::provisionalText wherever it
# appears. When such a year is imported, workflow::deadline::recompute (a calendar::onimport hook,
# inside the import's transaction) recomputes each open one: the new due and warning times, a
# timeline step and an audit entry for each that moved, a notice to its owner for each that moved
# earlier. Warnings and breaches already recorded stay recorded.

namespace eval workflow::deadline {}

conf::key instruction_days {integer 1 60} 5 \
    "Working days a leader's instruction (批示) is due in when the leader gives no due date"
conf::key auto_assign boolean 1 \
    "Assign an event nobody claimed within the claim window to its suggested unit (or the info office), recorded as overdue (001 第六条)"

# workflow::deadline::start: start LIMIT (a calendar rule, or {N UNIT} with -title) on event ID,
# unless a deadline of that rule is already open on it. The start is the rule's trigger time:
# the event's detection for rules triggered by detection, else now. Options -instruction I,
# -title T. A rule started again on the same event (after a hand-back, a reopening) runs from now.
# Returns the deadline id (or "" when one was open). Call inside the transition.
proc workflow::deadline::start {id limit args} {
    set o [dict merge {-instruction "" -title ""} $args]
    set instr [dict get $o -instruction]
    set title [dict get $o -title]
    if {$instr eq "" && [db exists {SELECT 1 FROM deadline WHERE event_id = $id AND rule = $limit AND state = 'open'}]} {
        return ""
    }
    set start [yqbox::now]
    if {[llength $limit] == 1} {
        set r [calendar::Rule $limit]
        if {[dict get $r trigger] eq "detected"
            && ![db exists {SELECT 1 FROM deadline WHERE event_id = $id AND rule = $limit}]} {
            set start [yqbox::seconds [db onecolumn {SELECT created FROM event WHERE id = $id}]]
        }
        if {$title eq ""} { set title [dict get $r title] }
    }
    set d [calendar::due $start $limit]
    set unit [db onecolumn {SELECT unit_id FROM event WHERE id = $id}]
    set rule [expr {[llength $limit] == 1 ? $limit : [join $limit " "]}]
    set optional [expr {[llength $limit] == 1 && [dict get [calendar::Rule $limit] option]}]
    foreach k {start due due_epoch warn_at warn_epoch allowed provisional} { set v($k) [dict get $d $k] }
    db eval {INSERT INTO deadline(event_id, instruction_id, rule, title, unit_id, start, due, due_epoch,
                                  warn_at, warn_epoch, allowed, provisional, optional)
             VALUES($id, nullif($instr, ''), $rule, $title, nullif($unit, ''), $v(start), $v(due), $v(due_epoch),
                    $v(warn_at), $v(warn_epoch), $v(allowed), $v(provisional), $optional)}
    return [db last_insert_rowid]
}

# workflow::deadline::Limit: the calendar limit of a stored deadline's RULE column (a rule name, or
# "N UNIT" for a leader's due date).
proc workflow::deadline::Limit {rule} {
    expr {[llength $rule] == 1 ? $rule : [list [lindex $rule 0] [lindex $rule 1]]}
}

# workflow::deadline::Compute: the calendar::due dict of deadline D as it stands (its start, rule
# and extension) on the calendars in force now.
proc workflow::deadline::Compute {d {ext ""} {reason ""}} {
    db eval {SELECT rule, start, extended, reason AS why FROM deadline WHERE id = $d} {}
    if {$ext eq ""} { set ext $extended; set reason $why }
    set opts {}
    if {$ext > 0} { lappend opts -extend $ext -reason $reason }
    calendar::due $start [Limit $rule] {*}$opts
}

# workflow::deadline::recompute: recompute every open deadline that YEAR's calendar may change:
# provisional on YEAR, or running across its days (calendar::touches) (a calendar::onimport hook:
# runs inside the import's transaction, as the system). Returns a dict recomputed (how many),
# moved (due time changed), earlier (moved earlier: the owner was told).
proc workflow::deadline::recompute {y} {
    set out [dict create recomputed 0 moved 0 earlier 0]
    set from [calendar::touches $y]
    set next [expr {$y + 1}]
    set ids [db eval {SELECT id FROM deadline WHERE state = 'open'
                      AND ((' ' || provisional || ' ') LIKE ('% ' || $y || ' %')
                           OR (due_epoch >= $from AND CAST(substr(start, 1, 4) AS INTEGER) < $next))}]
    workflow::system {
        foreach d $ids {
            db eval {SELECT d.*, e.title AS etitle, e.state AS estate FROM deadline d
                     JOIN event e ON e.id = d.event_id WHERE d.id = $d} r {}
            set n [Compute $d]
            foreach k {due due_epoch warn_at warn_epoch provisional} { set v($k) [dict get $n $k] }
            db eval {UPDATE deadline SET due = $v(due), due_epoch = $v(due_epoch), warn_at = $v(warn_at),
                     warn_epoch = $v(warn_epoch), provisional = $v(provisional) WHERE id = $d}
            dict incr out recomputed
            if {$v(due_epoch) == $r(due_epoch)} { continue }
            dict incr out moved
            set earlier [expr {$v(due_epoch) < $r(due_epoch)}]
            set at [yqbox::iso]
            set note "${y}年节假日安排已导入，“$r(title)”的截止时间由 $r(due)[expr {$r(provisional) ne "" ? "（暂定）" : " "}]重算为 [calendar::dueText $v(due) $v(provisional)]"
            set aid [audit::record deadline.recompute event:$r(event_id) -before "deadline=$d due=$r(due)" \
                         -after "deadline=$d due=$v(due) calendar=$y"]
            db eval {INSERT INTO event_step(event_id, at, action, from_state, to_state, login, role, unit,
                                            origin, unit_id, note, audit_id)
                     VALUES($r(event_id), $at, 'deadline.recompute', $r(estate), $r(estate), 'system', '', '',
                            'system', nullif($r(unit_id), ''), $note, $aid)}
            if {$earlier} {
                dict incr out earlier
                notify::queue $r(event_id) deadline.recompute [Owners $r(unit_id) $r(instruction_id)] \
                    "#$r(event_id) $r(etitle)：$r(title) 截止时间提前至 $v(due)" \
                    [join [list "事件 #$r(event_id)：$r(etitle)" "时限：$r(title)（$r(allowed)）" \
                               "原截止：[calendar::dueText $r(due) $r(provisional)]" "重算后截止：$v(due)" \
                               "原因：${y}年节假日安排已导入，时限已按官方日历重算"] \n] \
                    [expr {$r(instruction_id) ne "" ? "instruction:$r(instruction_id)" : ""}]
            }
        }
    }
    return $out
}
lappend calendar::onimport workflow::deadline::recompute

# workflow::deadline::Owners: the notice audience of a deadline owned by unit UNIT ("" = the info
# office; the suggested unit's handler is told too), with the leader for an instruction's deadline.
proc workflow::deadline::Owners {unit instruction} {
    set audience {office unit:handler unit:unithead}
    if {$unit eq ""} { set audience {office suggested:handler} }
    if {$instruction ne ""} { lappend audience leader }
    return $audience
}

# workflow::deadline::extend: extend open deadline D by N units of its rule with REASON (the
# calendar checks the rule allows it); the warning and breach may be recorded again for the new
# times. Returns the new due time.
proc workflow::deadline::extend {d n reason} {
    set ext [expr {[db onecolumn {SELECT extended FROM deadline WHERE id = $d}] + $n}]
    set r [Compute $d $ext $reason]
    set now [yqbox::now]
    foreach k {due due_epoch warn_at warn_epoch provisional} { set v($k) [dict get $r $k] }
    db eval {UPDATE deadline SET due = $v(due), due_epoch = $v(due_epoch), warn_at = $v(warn_at),
             warn_epoch = $v(warn_epoch), extended = $ext, reason = $reason, provisional = $v(provisional),
             warned_at = CASE WHEN $v(warn_epoch) > $now THEN NULL ELSE warned_at END,
             breached_at = CASE WHEN $v(due_epoch) >= $now THEN NULL ELSE breached_at END
             WHERE id = $d}
    return $v(due)
}

# workflow::tick: end the optional windows that have closed, record every warning and breach that
# has come due, and assign the events whose claim window breached unclaimed. Returns a summary
# ("预警 N 个，超期 N 个，自动指定认领 N 件"). Each deadline is its own transaction; an error on one is
# logged and the others go on.
proc workflow::tick {} {
    set now [yqbox::now]
    set counts {warning 0 breach 0 assigned 0}
    # A closed window ends rather than breaching, so that "open" keeps meaning "still possible"
    # for every page and listing that shows open deadlines, and nothing has to tell a lapsed option
    # from a missed duty afterwards. It ends at its due time, silently: no step, notice or audit
    # entry, since nobody did or failed to do anything.
    foreach {d due} [db eval {SELECT id, due_epoch FROM deadline WHERE state = 'open' AND optional AND due_epoch < $now}] {
        job::item "时限 $d 期满结束" {
            set at [yqbox::iso $due]
            db eval {UPDATE deadline SET state = 'cancelled', stopped_at = $at, stopped_by = 'window'
                     WHERE id = $d AND state = 'open'}
        }
    }
    set todo [db eval {SELECT id, 'breach' FROM deadline WHERE state = 'open' AND NOT optional AND breached_at IS NULL AND due_epoch < $now
                       UNION ALL
                       SELECT id, 'warning' FROM deadline WHERE state = 'open' AND NOT optional AND warned_at IS NULL AND warn_epoch <= $now
                       ORDER BY 1, 2 DESC}]
    foreach {d kind} $todo {
        job::item "时限 $d [expr {$kind eq "warning" ? "预警" : "超期"}]记录" {
            if {[workflow::deadline::Record $d $kind $now]} { dict incr counts $kind }
        }
    }
    # unclaimed past the claim window: the info office (the system) assigns
    if {[conf::get auto_assign]} {
        foreach {e s} [db eval {SELECT e.id, e.suggested_unit FROM event e
                                WHERE e.state IN ('detected', 'reported')
                                  AND EXISTS (SELECT 1 FROM deadline d WHERE d.event_id = e.id AND d.rule = 'claim'
                                              AND d.state = 'open' AND d.breached_at IS NOT NULL)}] {
            job::item "事件 #$e 自动指定认领" {
                workflow::system { workflow::fire assign $e [workflow::deadline::AutoUnit $s] -auto }
                dict incr counts assigned
            }
        }
    }
    return "预警 [dict get $counts warning] 个，超期 [dict get $counts breach] 个，自动指定认领 [dict get $counts assigned] 件"
}

# workflow::deadline::AutoUnit: the unit (name) an unclaimed event with suggested unit SUGGESTED is
# assigned to by the clock: the suggested unit if it is an active unit of the box, else the info
# office. Errors when there is no active info office unit.
proc workflow::deadline::AutoUnit {suggested} {
    set unit [db onecolumn {SELECT name FROM unit WHERE name = $suggested AND active = 1}]
    if {$unit eq ""} {
        set unit [db onecolumn {SELECT name FROM unit WHERE kind = 'office' AND active = 1 ORDER BY id LIMIT 1}]
    }
    if {$unit eq ""} { error "没有启用的信息办单位，无法自动指定认领" }
    return $unit
}

# workflow::deadline::Record: record the KIND (warning or breach) of deadline D at NOW, once: the
# flag, an event_step, an audit entry and the notifications in one transaction. Returns 1 if it
# recorded, 0 if it was recorded already (another process was first).
proc workflow::deadline::Record {d kind now} {
    set col [expr {$kind eq "warning" ? "warned_at" : "breached_at"}]
    set at [yqbox::iso $now]
    set done 0
    workflow::system {
        db transaction immediate {
            db eval "SELECT d.*, e.title AS etitle, e.state AS estate, e.suggested_unit FROM deadline d
                     JOIN event e ON e.id = d.event_id WHERE d.id = \$d AND d.state = 'open' AND d.$col IS NULL" r {
                db eval "UPDATE deadline SET $col = \$at WHERE id = \$d"
                set what [expr {$kind eq "warning" ? "即将到期" : "已超期"}]
                set note "[expr {$kind eq "warning" ? "即将到期" : "已超过截止时间"}]：$r(title)（截止 [calendar::dueText $r(due) $r(provisional)]）"
                set aid [audit::record deadline.$kind event:$r(event_id) -after "deadline=$d rule=$r(rule) due=$r(due)"]
                db eval {INSERT INTO event_step(event_id, at, action, from_state, to_state, login, role, unit,
                                                origin, unit_id, note, audit_id)
                         VALUES($r(event_id), $at, 'deadline.' || $kind, $r(estate), $r(estate), 'system', '', '',
                                'system', nullif($r(unit_id), ''), $note, $aid)}
                notify::queue $r(event_id) deadline.$kind [Owners $r(unit_id) $r(instruction_id)] \
                    "#$r(event_id) $r(etitle)：$r(title) $what" \
                    [join [list "事件 #$r(event_id)：$r(etitle)" "时限：$r(title)（$r(allowed)，规则 $r(rule)）" \
                               "截止：[calendar::dueText $r(due) $r(provisional)]" "状态：$what" "时间：$at"] \n] \
                    [expr {$r(instruction_id) ne "" ? "instruction:$r(instruction_id)" : ""}]
                set done 1
            }
        }
    }
    return $done
}

# workflow::deadline::stateOf: ok | warning | breached | done | late | cancelled | lapsed for the
# deadline row values (state, due_epoch, warn_epoch, stopped_at, optional, stopped_by) at NOW. An
# optional window is never warning, breached or late: it is open (ok), used (done) or lapsed.
proc workflow::deadline::stateOf {state due warn stopped now {optional 0} {by ""}} {
    if {$optional} {
        if {$state eq "done"} { return done }
        if {$by eq "window" || ($state eq "open" && $now > $due)} { return lapsed }
        if {$state eq "cancelled"} { return cancelled }
        return ok
    }
    switch -- $state {
        cancelled { return cancelled }
        done { return [expr {[yqbox::seconds $stopped] > $due ? "late" : "done"}] }
    }
    if {$now > $due} { return breached }
    if {$now >= $warn} { return warning }
    return ok
}

# workflow::deadline::list: the deadlines matching WHERE (an SQL condition on d and e) as lines.
proc workflow::deadline::Lines {where {limit 200}} {
    set now [yqbox::now]
    set out {}
    set names {ok 正常 warning 预警 breached 超期 done 按时完成 late 逾期完成 cancelled 已取消 lapsed 期满}
    db eval "SELECT d.id, d.event_id, d.rule, d.title, d.due, d.due_epoch, d.warn_epoch, d.state, d.stopped_at,
                    d.stopped_by, d.optional, d.allowed, d.provisional, coalesce(n.name, '信息办') AS unit,
                    e.title AS etitle, e.suggested_unit
             FROM deadline d JOIN event e ON e.id = d.event_id LEFT JOIN unit n ON n.id = d.unit_id
             WHERE $where ORDER BY d.due_epoch, d.id LIMIT $limit" {
        set s [stateOf $state $due_epoch $warn_epoch $stopped_at $now $optional $stopped_by]
        if {$unit eq "信息办" && $rule eq "claim" && $state eq "open" && $suggested_unit ne ""} { set unit "$suggested_unit（待认领）" }
        lappend out [format "%-6s #%-4d %-18s %s  %-10s %s  %s" [dict get $names $s] $event_id $rule \
                         [calendar::dueText $due [expr {$state eq "open" ? $provisional : ""}]] $unit $title $etitle]
    }
    join $out \n
}

# ---- console: event subcommands of the workflow ----------------------------------------------

foreach workflow::name $workflow::order {
    if {[dict get $workflow::transitions $workflow::name system]} { continue }
    proc event::cmd::$workflow::name {args} [string map [list NAME $workflow::name] {
        if {![llength $args]} { error "usage: event NAME [dict get $::workflow::transitions NAME args]" }
        set r [workflow::fire NAME {*}$args]
        dict with r {
            return "#$event [workflow::stateTitle $from] → [workflow::stateTitle $to]（step $step[expr {$note ne "" ? "：$note" : ""}]）"
        }
    }]
}
unset workflow::name

# event due ?-unit UNIT?: open deadlines, soonest first, with who is responsible.
proc event::cmd::due {args} {
    set o [dict merge {-unit ""} $args]
    if {[dict size $o] != 1} { error "usage: event due ?-unit UNIT?" }
    set unit [dict get $o -unit]
    if {$unit ne ""} { set unit [org::unitId $unit] }
    workflow::deadline::Lines "d.state = 'open' AND ('$unit' = '' OR d.unit_id = '$unit')"
}

# event overdue ?-unit UNIT? ?-all?: open deadlines past due; with -all also those met late.
# Optional windows are never overdue.
proc event::cmd::overdue {args} {
    lassign [workflow::Opts $args {-unit "" -all flag} "event overdue ?-unit UNIT? ?-all?"] pos o
    if {[llength $pos]} { error "usage: event overdue ?-unit UNIT? ?-all?" }
    set unit [dict get $o -unit]
    if {$unit ne ""} { set unit [org::unitId $unit] }
    set now [yqbox::now]
    set late [expr {[dict get $o -all] ? " OR (d.state = 'done' AND d.breached_at IS NOT NULL)" : ""}]
    workflow::deadline::Lines "((d.state = 'open' AND d.due_epoch < $now)$late) AND NOT d.optional AND ('$unit' = '' OR d.unit_id = '$unit')"
}

# event timeline ID: the event's steps and its deadlines.
proc event::cmd::timeline {id} {
    event::exists $id
    set out {}
    db eval {SELECT id AS sid, at, action AS transition, from_state, to_state, login, origin, note FROM event_step
             WHERE event_id = $id ORDER BY id} {
        lappend out "$sid $at $transition $from_state→$to_state ${login}（$origin）[expr {$note ne "" ? " $note" : ""}]"
    }
    lappend out "" "时限："
    lappend out [workflow::deadline::Lines "d.event_id = [expr {int($id)}]"]
    join $out \n
}

help::add event {list | show | timeline ID | due | overdue | claim | assign | judge | investigate | extend | decide | conclude | reply | approve | review | publish | close | instruct | fulfil | police | respond | press | report | unitreport | handback | reroute ...} \
    "舆情事件：列表、详情；一事一报的处置流程（认领、指定、报告本单位领导、研判、核查、延期、回复、审定、发布、首次回应、新闻发布会、办结、批示、移交公安）及时限（workflow transitions 列出全部）"

# the clock runs in the background interpreter: every minute, and once shortly after the start
job::define deadline 时限时钟 60 workflow::tick -first 1
