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
    "领导批示未写明办理期限时，按此工作日数计算"
conf::key auto_assign boolean 1 \
    "认领时限内无人认领的事件自动指定给建议单位（或信息办），记为逾期（001 第六条）"

# workflow::deadline::start: start LIMIT (a calendar rule, or {N UNIT} with -title) on row ID of a
# process (-process P, default event), unless a deadline of that rule is already open on it. The
# start is the rule's trigger time when the process keeps it (triggers: the event's detection, a
# request's receipt) and the rule has not run on the row before, else now. Options -instruction I,
# -title T, -unit U (the unit responsible, default the row's owning unit). A rule started again on
# the same row (after a hand-back, a reopening) runs from now. Returns the deadline id (or "" when
# one was open). Call inside the transition.
proc workflow::deadline::start {id limit args} {
    set o [dict merge {-instruction "" -title "" -process event -unit ""} $args]
    set instr [dict get $o -instruction]
    set title [dict get $o -title]
    set P [workflow::Process [dict get $o -process]]
    set owner [dict get $P owner]
    set table [dict get $P table]
    set unitId [dict get $o -unit]
    if {$instr eq "" && [db exists "SELECT 1 FROM deadline WHERE $owner = \$id AND rule = \$limit AND state = 'open'
                                     AND (\$unitId = '' OR unit_id = \$unitId)"]} {
        return ""
    }
    set start [yqbox::now]
    if {[llength $limit] == 1} {
        set r [calendar::Rule $limit]
        set trig [dict get $r trigger]
        if {[dict exists $P triggers $trig]
            && ![db exists "SELECT 1 FROM deadline WHERE $owner = \$id AND rule = \$limit"]} {
            set start [yqbox::seconds [db onecolumn "SELECT [dict get $P triggers $trig] FROM $table WHERE id = \$id"]]
        }
        if {$title eq ""} { set title [dict get $r title] }
    }
    set pauses [expr {[dict get $P pauses] eq "" ? {} : [{*}[dict get $P pauses] $id]}]
    set d [calendar::due $start $limit -pauses $pauses]
    if {$unitId eq "" && [dict get $P unit] ne ""} {
        set unitId [db onecolumn "SELECT [dict get $P unit] FROM $table WHERE id = \$id"]
    }
    set rule [expr {[llength $limit] == 1 ? $limit : [join $limit " "]}]
    set optional [expr {[llength $limit] == 1 && [dict get [calendar::Rule $limit] option]}]
    foreach k {start due due_epoch warn_at warn_epoch allowed provisional} { set v($k) [dict get $d $k] }
    db eval "INSERT INTO deadline($owner, instruction_id, rule, title, unit_id, start, due, due_epoch,
                                  warn_at, warn_epoch, allowed, provisional, optional)
             VALUES(\$id, nullif(\$instr, ''), \$rule, \$title, nullif(\$unitId, ''), \$v(start), \$v(due),
                    nullif(\$v(due_epoch), ''), \$v(warn_at), nullif(\$v(warn_epoch), ''), \$v(allowed),
                    \$v(provisional), \$optional)"
    return [db last_insert_rowid]
}

# workflow::deadline::Stop: the open deadlines of RULE ("" any) owned by row ID (OWNER: the
# deadline column, e.g. event_id) and, given UNIT, of that unit, are met at MET (seconds) by NAME
# (a transition): done, and on time if MET was by the due time even if the clock has recorded a
# breach since. A leader's instruction's deadline is stopped only by its own transition. Call
# inside the transition. Returns nothing.
proc workflow::deadline::Stop {owner id rule name met {unit ""}} {
    set metIso [yqbox::iso $met]
    db eval "UPDATE deadline SET state = 'done', met_at = \$metIso, stopped_at = \$metIso, stopped_by = \$name,
                    breached_at = CASE WHEN \$met <= due_epoch THEN NULL ELSE breached_at END
             WHERE $owner = \$id AND (\$rule = '' OR rule = \$rule) AND state = 'open' AND instruction_id IS NULL
               AND (\$unit = '' OR unit_id = \$unit)"
}

# workflow::deadline::Limit: the calendar limit of a stored deadline's RULE column (a rule name, or
# "N UNIT" for a given due date).
proc workflow::deadline::Limit {rule} {
    expr {[llength $rule] == 1 ? $rule : [list [lindex $rule 0] [lindex $rule 1]]}
}

# workflow::deadline::Owner: {PROCESS ID} of the owner of deadline row R (a dict or array get).
proc workflow::deadline::Owner {r} {
    foreach {col p} {event_id event request_id request commission_id commission repost_id repost} {
        if {[dict exists $r $col] && [dict get $r $col] ne ""} { return [list $p [dict get $r $col]] }
    }
    error "deadline [dict get $r id] has no owner"
}

# workflow::deadline::Compute: the calendar::due dict of deadline D as it stands (its start, rule,
# extension and its owner's pauses) on the calendars in force now.
proc workflow::deadline::Compute {d {ext ""} {reason ""}} {
    db eval {SELECT * FROM deadline WHERE id = $d} r {}
    unset -nocomplain r(*)
    set row [array get r]
    if {$ext eq ""} { set ext $r(extended); set reason $r(reason) }
    lassign [Owner $row] p id
    set P [workflow::Process $p]
    set opts {}
    if {[dict get $P pauses] ne ""} { lappend opts -pauses [{*}[dict get $P pauses] $id] }
    if {$ext > 0} { lappend opts -extend $ext -reason $reason }
    calendar::due $r(start) [Limit $r(rule)] {*}$opts
}

# workflow::deadline::refresh: store deadline D's times as Compute gives them now (a pause began
# or ended, a calendar changed, or a migrated row awaits its warning time). The warning and breach
# may be recorded again for new times. Returns the calendar::due dict.
proc workflow::deadline::refresh {d} {
    set n [Compute $d]
    set now [yqbox::now]
    foreach k {due due_epoch warn_at warn_epoch provisional allowed} { set v($k) [dict get $n $k] }
    db eval {UPDATE deadline SET due = $v(due), due_epoch = nullif($v(due_epoch), ''), warn_at = $v(warn_at),
             warn_epoch = nullif($v(warn_epoch), ''), provisional = $v(provisional), allowed = $v(allowed),
             warned_at = CASE WHEN $v(warn_epoch) = '' OR $v(warn_epoch) > $now THEN NULL ELSE warned_at END,
             breached_at = CASE WHEN $v(due_epoch) = '' OR $v(due_epoch) >= $now THEN NULL ELSE breached_at END
             WHERE id = $d}
    return $n
}

# workflow::deadline::recompute: recompute every open deadline that YEAR's calendar may change,
# whoever owns it: provisional on YEAR, or running across its days (calendar::touches) (a
# calendar::onimport hook: runs inside the import's transaction, as the system). For each that
# moved, its process's records are written (workflow::deadline::Moved, or the process's own
# recomputed command). Returns a dict recomputed (how many), moved (due time changed), earlier
# (moved earlier: the owner was told).
proc workflow::deadline::recompute {y} {
    set out [dict create recomputed 0 moved 0 earlier 0]
    set from [calendar::touches $y]
    set next [expr {$y + 1}]
    set ids [db eval {SELECT id FROM deadline WHERE state = 'open'
                      AND ((' ' || provisional || ' ') LIKE ('% ' || $y || ' %')
                           OR (due_epoch >= $from AND CAST(substr(start, 1, 4) AS INTEGER) < $next))
                      ORDER BY event_id IS NULL, request_id IS NULL, id}]
    workflow::system {
        foreach d $ids {
            db eval {SELECT * FROM deadline WHERE id = $d} r { unset r(*); set row [array get r] }
            set n [Compute $d]
            foreach k {due due_epoch warn_at warn_epoch provisional} { set v($k) [dict get $n $k] }
            db eval {UPDATE deadline SET due = $v(due), due_epoch = nullif($v(due_epoch), ''), warn_at = $v(warn_at),
                     warn_epoch = nullif($v(warn_epoch), ''), provisional = $v(provisional) WHERE id = $d}
            lassign [Owner $row] p id
            set P [workflow::Process $p]
            if {[dict get $P mirror] ne ""} { {*}[dict get $P mirror] $id }
            dict incr out recomputed
            if {$v(due_epoch) eq [dict get $row due_epoch]} { continue }
            dict incr out moved
            set earlier [expr {$v(due_epoch) ne "" && [dict get $row due_epoch] ne "" && $v(due_epoch) < [dict get $row due_epoch]}]
            if {$earlier} { dict incr out earlier }
            set cmd [expr {[dict get $P recomputed] ne "" ? [dict get $P recomputed] : "workflow::deadline::Moved"}]
            {*}$cmd $row $n $y
        }
    }
    return $out
}
lappend calendar::onimport workflow::deadline::recompute

# workflow::deadline::Moved: the records of deadline ROW (a dict, as it was) that a calendar import
# of YEAR moved to NEW (calendar::due dict): a timeline step and an audit entry on its owner, and a
# notice to the owner when it moved earlier. Returns nothing.
proc workflow::deadline::Moved {row new y} {
    lassign [Owner $row] p oid
    set P [workflow::Process $p]
    dict with row {}
    set ndue [dict get $new due]
    set note "${y}年节假日安排已导入，“$title”的截止时间由 $due[expr {$provisional ne "" ? "（暂定）" : " "}]重算为 [calendar::dueText $ndue [dict get $new provisional]]"
    set aid [audit::record deadline.recompute [dict get $P object]:$oid -before "deadline=$id due=$due" \
                 -after "deadline=$id due=$ndue calendar=$y"]
    set earlier [expr {[dict get $new due_epoch] ne "" && $due_epoch ne "" && [dict get $new due_epoch] < $due_epoch}]
    lassign [Stepping $p $oid deadline.recompute $unit_id $note $aid] label what
    if {$earlier} {
        notify::queue [expr {$p eq "event" ? $oid : ""}] deadline.recompute [Owners $p $unit_id $instruction_id] \
            "$label：$title 截止时间提前至 $ndue" \
            [join [list $what "时限：$title（$allowed）" \
                       "原截止：[calendar::dueText $due $provisional]" "重算后截止：$ndue" \
                       "原因：${y}年节假日安排已导入，时限已按官方日历重算"] \n] \
            [Object $p $oid $instruction_id]
    }
}

# workflow::deadline::Stepping: write the clock's timeline step ACTION (deadline.warning,
# deadline.breach, deadline.recompute) on row ID of process P (unit UNIT, NOTE, audit entry AID),
# keeping its state. Returns {LABEL WHAT}: the row as a notice's subject names it, and the notice's
# first line.
proc workflow::deadline::Stepping {p id action unit note aid} {
    set at [yqbox::iso]
    if {$p eq "event"} {
        db eval {SELECT title AS etitle, state AS estate FROM event WHERE id = $id} {}
        db eval {INSERT INTO event_step(event_id, at, action, from_state, to_state, login, role, unit,
                                        origin, unit_id, note, audit_id)
                 VALUES($id, $at, $action, $estate, $estate, 'system', '', '',
                        'system', nullif($unit, ''), $note, $aid)}
        return [list "#$id $etitle" "事件 #$id：$etitle"]
    }
    set P [workflow::Process $p]
    set state [db onecolumn "SELECT state FROM [dict get $P table] WHERE id = \$id"]
    workflow::Step $p $id $at $action $state $state $unit $note $aid
    set label [{*}[dict get $P label] $id]
    list $label "[dict get $P title]：$label"
}

# workflow::deadline::Object: what a notice about a deadline of process P's row OID links to (the
# inbox): the leader's 批示 INSTRUCTION when it has one, else the row of a process other than the
# event ("request:7"); "" for an event's own deadline (the notice carries the event).
proc workflow::deadline::Object {p oid instruction} {
    if {$instruction ne ""} { return instruction:$instruction }
    expr {$p eq "event" ? "" : "$p:$oid"}
}

# workflow::deadline::Owners: the notice audience of a deadline of process P owned by unit UNIT
# ("" = the info office; for an event the suggested unit's handler is told too), with the leader
# for an instruction's deadline.
proc workflow::deadline::Owners {p unit instruction} {
    if {$p ne "event"} { return {office} }
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
    db eval {UPDATE deadline SET due = $v(due), due_epoch = nullif($v(due_epoch), ''), warn_at = $v(warn_at),
             warn_epoch = nullif($v(warn_epoch), ''), extended = $ext, reason = $reason, provisional = $v(provisional),
             warned_at = CASE WHEN $v(warn_epoch) = '' OR $v(warn_epoch) > $now THEN NULL ELSE warned_at END,
             breached_at = CASE WHEN $v(due_epoch) = '' OR $v(due_epoch) >= $now THEN NULL ELSE breached_at END
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
    # rows carried over by migration 017 (a request's or a commission's deadline) get their
    # warning time computed once
    foreach d [db eval {SELECT id FROM deadline WHERE state = 'open' AND warn_at = '' AND due <> ''}] {
        job::item "时限 $d 补算预警时间" { db transaction immediate { workflow::deadline::refresh $d } }
    }
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
    if {$unit eq ""} { yq::fail deadline.nooffice }
    return $unit
}

# workflow::deadline::Record: record the KIND (warning or breach) of deadline D at NOW, once: the
# flag, the owner's timeline step, an audit entry and the notifications in one transaction (the
# unit named in them for a deadline of a process other than the event that has one).
# Returns 1 if it recorded, 0 if it was recorded already (another process was first).
proc workflow::deadline::Record {d kind now} {
    set col [expr {$kind eq "warning" ? "warned_at" : "breached_at"}]
    set at [yqbox::iso $now]
    set done 0
    workflow::system {
        db transaction immediate {
            db eval "SELECT * FROM deadline WHERE id = \$d AND state = 'open' AND $col IS NULL" r {
                unset -nocomplain r(*)
                lassign [Owner [array get r]] p oid
                db eval "UPDATE deadline SET $col = \$at WHERE id = \$d"
                set what [expr {$kind eq "warning" ? "即将到期" : "已超期"}]
                # a row of another process may hold one deadline per unit (a 约稿 notice): the
                # unit is named, so that each unit's notice says whose time it is
                set title $r(title)
                if {$p ne "event" && $r(unit_id) ne ""} {
                    append title （[db onecolumn {SELECT name FROM unit WHERE id = $r(unit_id)}]）
                }
                set note "[expr {$kind eq "warning" ? "即将到期" : "已超过截止时间"}]：$title（截止 [calendar::dueText $r(due) $r(provisional)]）"
                set aid [audit::record deadline.$kind [dict get [workflow::Process $p] object]:$oid \
                             -after "deadline=$d rule=$r(rule) due=$r(due)"]
                lassign [Stepping $p $oid deadline.$kind $r(unit_id) $note $aid] label first
                notify::queue [expr {$p eq "event" ? $oid : ""}] deadline.$kind [Owners $p $r(unit_id) $r(instruction_id)] \
                    "$label：$title $what" \
                    [join [list $first "时限：$title（$r(allowed)，规则 $r(rule)）" \
                               "截止：[calendar::dueText $r(due) $r(provisional)]" "状态：$what" "时间：$at"] \n] \
                    [Object $p $oid $r(instruction_id)]
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
    if {$due eq ""} { return paused }
    if {$now > $due} { return breached }
    if {$now >= $warn} { return warning }
    return ok
}

# workflow::deadline::list: the deadlines matching WHERE (an SQL condition on d and e) as lines.
proc workflow::deadline::Lines {where {limit 200}} {
    set now [yqbox::now]
    set out {}
    set names {ok 正常 warning 预警 breached 超期 done 按时完成 late 逾期完成 cancelled 已取消 lapsed 期满 paused 暂停计时}
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

# one `event NAME` per transition that people fire, declared with the transition's own argument
# spec (so the console, the web and workflow::do::NAME check the same words the same way)
foreach workflow::name $workflow::order {
    if {[dict get $workflow::transitions $workflow::name system]} { continue }
    cmdlayer::command event $workflow::name [list {id 事件编号} {*}[dict get $workflow::transitions $workflow::name args]] \
        [dict get $workflow::transitions $workflow::name title] [string map [list NAME $workflow::name] {
        set r [workflow::fire NAME $id {*}[cmdlayer::argv event NAME 1]]
        dict with r {
            return "#$event [workflow::stateTitle $from] → [workflow::stateTitle $to]（step $step[expr {$note ne "" ? "：$note" : ""}]）"
        }
    }]
}
unset workflow::name

# event due ?-unit UNIT?: open deadlines, soonest first, with who is responsible.
cmdlayer::command event due {{-unit 单位}} "未到期的时限，最早到期的在前，及责任单位" {
    if {$unit ne ""} { set unit [org::unitId $unit] }
    workflow::deadline::Lines "d.state = 'open' AND ('$unit' = '' OR d.unit_id = '$unit')"
}

# event overdue ?-unit UNIT? ?-all?: open deadlines past due; with -all also those met late.
# Optional windows are never overdue.
cmdlayer::command event overdue {{-unit 单位} {-all 含逾期后已办 flag}} "已超期的时限；-all 也列出逾期后才办的" {
    if {$unit ne ""} { set unit [org::unitId $unit] }
    set now [yqbox::now]
    set late [expr {$all ? " OR (d.state = 'done' AND d.breached_at IS NOT NULL)" : ""}]
    workflow::deadline::Lines "((d.state = 'open' AND d.due_epoch < $now)$late) AND NOT d.optional AND ('$unit' = '' OR d.unit_id = '$unit')"
}

# event timeline ID: the event's steps and its deadlines.
cmdlayer::command event timeline {{id 事件编号}} "事件的处置记录与时限" {
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

# the clock runs in the background interpreter: every minute, and once shortly after the start
job::define deadline 时限时钟 60 workflow::tick -first 1
