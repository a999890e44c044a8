# work.tcl - 我的待办: what is waiting for the logged-in person, by what their roles do (issue 14
# item 2): the info office — 专报 to issue, events to assign, extension requests to decide, replies
# to review and publish, leaders' 批示 to track, disclosure requests falling due; a handler — events
# to claim, to investigate, reports and replies due, replies sent back; a unit head — drafts to
# approve; a leader — the 批示 they gave, with their progress. One row per event and duty, its
# nearest open deadline beside it, overdue first, then by due time. The count is in the menu.

namespace eval web {
    # the navigation gains the work list at the top (the count is added by web::app)
    variable nav
    if {[lsearch -exact $nav /work] < 0} { set nav [linsert $nav 0 我的待办 /work {event.view.unit request.handle}] }
}

# web::worklist: the work waiting for ME as a list of dicts: what (the duty, Chinese), eid (event
# id, "" for a disclosure request), title, link, due (the nearest open deadline as shown, "" for
# none), due_epoch ("" for none), provisional (its guessed years). Sorted: overdue first, then by
# due time, then the ones without a deadline. With DEADLINES 0 (the menu's count) the deadlines are
# not looked up and the rows not sorted. Reads only.
proc web::worklist {me {deadlines 1}} {
    set out {}
    set uid [dict get $me unit_id]
    set uname [dict get $me unit]
    set roles [dict get $me roles]
    set office [expr {"office" in $roles}]
    # EVENTS (SQL selecting e.id, e.title in scope) each with WHAT
    set duties {}
    if {"handler" in $roles} {
        lappend duties 认领 {SELECT e.id, e.title FROM event e WHERE e.state IN ('detected', 'reported')
                              AND e.unit_id IS NULL AND e.suggested_unit = $uname}
        lappend duties 开始核实调查 {SELECT e.id, e.title FROM event e WHERE e.state IN ('claimed', 'judged') AND e.unit_id = $uid}
        lappend duties 提交核实调查报告 {SELECT e.id, e.title FROM event e WHERE e.state = 'investigating' AND e.unit_id = $uid}
        lappend duties 起草回复 {SELECT e.id, e.title FROM event e WHERE e.state IN ('investigated', 'reopened') AND e.unit_id = $uid
                              AND NOT EXISTS (SELECT 1 FROM reply r JOIN reply_return x ON x.reply_id = r.id
                                              WHERE r.event_id = e.id AND r.state = 'draft')}
        lappend duties 按退回意见修改回复 {SELECT e.id, e.title FROM event e WHERE e.state = 'investigated' AND e.unit_id = $uid
                              AND EXISTS (SELECT 1 FROM reply r JOIN reply_return x ON x.reply_id = r.id
                                          WHERE r.event_id = e.id AND r.state = 'draft')}
    }
    if {"unithead" in $roles} {
        lappend duties 审定回复 {SELECT e.id, e.title FROM event e WHERE e.state = 'drafted' AND e.unit_id = $uid}
    }
    if {$office} {
        lappend duties 报送专报 {SELECT DISTINCT e.id, e.title FROM event e JOIN deadline d ON d.event_id = e.id
                              WHERE d.rule = 'report_major' AND d.state = 'open'}
        lappend duties 指定认领 {SELECT DISTINCT e.id, e.title FROM event e JOIN deadline d ON d.event_id = e.id
                              WHERE e.state IN ('detected', 'reported') AND d.rule = 'claim' AND d.state = 'open'
                                AND d.breached_at IS NOT NULL}
        lappend duties 重新交办 {SELECT e.id, e.title FROM event e WHERE e.state = 'handedback'}
        lappend duties 审批延期 {SELECT DISTINCT e.id, e.title FROM event e JOIN investigation i ON i.event_id = e.id
                              WHERE i.ext_state = 'requested' AND e.state IN ('claimed', 'judged', 'investigating')}
        lappend duties 审核回复 {SELECT e.id, e.title FROM event e WHERE e.state = 'approved' AND e.attention}
        lappend duties 发布回复 {SELECT e.id, e.title FROM event e WHERE e.state = 'reviewed'}
        lappend duties 跟踪批示落实 {SELECT DISTINCT e.id, e.title FROM event e JOIN instruction i ON i.event_id = e.id
                              WHERE i.state = 'open'}
    }
    if {"leader" in $roles} {
        set login [dict get $me login]
        lappend duties 批示落实中 {SELECT DISTINCT e.id, e.title FROM event e JOIN instruction i ON i.event_id = e.id
                              WHERE i.state = 'open' AND i.leader = $login}
    }
    # the deadline each duty answers to (others: the event's nearest)
    set rules {
        认领 claim 指定认领 claim 开始核实调查 {investigate investigate_legacy}
        提交核实调查报告 {investigate investigate_legacy} 审批延期 {investigate investigate_legacy}
        起草回复 {reply reply_major} 按退回意见修改回复 {reply reply_major} 审定回复 {reply reply_major}
        审核回复 reply_major 发布回复 {reply reply_major} 报送专报 report_major
        跟踪批示落实 instruction 批示落实中 instruction
    }
    foreach {what sql} $duties {
        db eval $sql ev {
            if {!$deadlines} { lappend out [dict create what $what eid $ev(id)]; continue }
            set d [NearestDue $ev(id) [expr {[dict exists $rules $what] ? [dict get $rules $what] : {}}]]
            lappend out [dict merge [dict create what $what eid $ev(id) title $ev(title) link /events/$ev(id)] $d]
        }
    }
    # disclosure requests whose answer falls due within five days (or is overdue)
    if {[can $me request.handle]} {
        set soon [expr {[yqbox::now] + 5 * 86400}]
        db eval {SELECT id, number, name, due, due_epoch, due_provisional FROM request
                 WHERE state = 'registered' AND due_epoch IS NOT NULL AND due_epoch <= $soon} {
            lappend out [dict create what 答复政府信息公开申请 eid "" title "申请 $number（$name）" link /requests/$id \
                             due $due due_epoch $due_epoch provisional $due_provisional rule request_answer rtitle ""]
        }
    }
    if {!$deadlines} { return $out }
    # overdue first (the earliest due time), then by due time; no deadline last
    lsort -command {apply {{a b} {
        set ka [expr {[dict get $a due_epoch] eq "" ? 9e18 : [dict get $a due_epoch]}]
        set kb [expr {[dict get $b due_epoch] eq "" ? 9e18 : [dict get $b due_epoch]}]
        expr {$ka < $kb ? -1 : ($ka > $kb ? 1 : 0)}
    }}} $out
}

# web::NearestDue: event ID's nearest open deadline of one of RULES (all rules when empty; the word
# instruction stands for a leader's 批示, whose rule is its own due date) that is a duty (not an
# optional window), as a dict due, due_epoch, provisional, rule, rtitle ("" values when it has none).
proc web::NearestDue {id {rules {}}} {
    set d [dict create due "" due_epoch "" provisional "" rule "" rtitle ""]
    db eval {SELECT due, due_epoch, provisional, rule, title, instruction_id FROM deadline
             WHERE event_id = $id AND state = 'open' AND NOT optional ORDER BY due_epoch} {
        set kind [expr {$instruction_id ne "" ? "instruction" : $rule}]
        if {[llength $rules] && $kind ni $rules} { continue }
        set d [dict create due $due due_epoch $due_epoch provisional $provisional rule $rule rtitle $title]
        break
    }
    return $d
}

route GET /work {} {
    set me [need event.view.unit request.handle]
    set rows ""
    set now [yqbox::now]
    set n 0
    foreach w [worklist $me] {
        incr n
        dict with w {
            if {$due_epoch eq ""} {
                set left "无时限"; set cls ""
            } else {
                set s [expr {$due_epoch - $now}]
                set cls [expr {$s < 0 ? "overdue" : ($s < 7200 ? "soon" : "")}]
                set left [expr {$s < 0 ? "已超期 [duration $s]" : "剩余 [duration $s]"}]
            }
            set tip $rtitle
            markup append rows [tmpl {<tr class="$cls"><td data-label="待办">$what</td><td data-label="事项"><a href="$link">$title</a></td><td data-label="截止时间" title="$tip">[calendar::dueText $due $provisional]</td><td data-label="剩余">$left</td></tr>}]
        }
    }
    app $me 我的待办 [tmpl {<h1>我的待办</h1>
[if {$n == 0} {tmpl {<p>目前没有等待您办理的事项。</p>}} else {tmpl {<p>共 $n 项，已超期的排在最前。</p>
<table class="list stack work"><thead><tr><th scope="col">待办</th><th scope="col">事项</th><th scope="col">截止时间</th><th scope="col">剩余</th></tr></thead><tbody>$rows</tbody></table>}}]}]
}
