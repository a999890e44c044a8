# work.tcl - 我的待办: what is waiting for the logged-in person, by what their roles do (issue 14
# item 2); it is every role's start page (web::home) but the read-only viewer's. The info office —
# 专报 to issue, events to assign, extension requests to decide, replies to review and publish,
# leaders' 批示 to track, disclosure requests falling due; a handler — events to claim, to
# investigate, reports and replies due, replies sent back, 约稿 notices to answer (also the unit
# head); a unit head — drafts to approve; a leader — 专报 not yet read, the 批示 they gave with
# their progress, open events of major risk;
# the system admin — failing background jobs, low disk, an old backup, flagged sources, next
# year's calendar; the security admin — locked accounts, admin accounts without TOTP, accounts
# unused for 90 days, recent refused logins; the audit admin — a broken audit chain, recent
# refused accesses, the admins' actions of the last days. One row per duty, its nearest deadline
# beside it, overdue first, then by due time, then the ones without a deadline. The count is in
# the menu. A leader's reading of a 专报 is recorded in the audit log (document.read), which is
# what takes it off the list.

namespace eval web {
    # the navigation gains the work list at the top (the count is added by web::app)
    variable nav
    if {[lsearch -exact $nav /work] < 0} { set nav [linsert $nav 0 我的待办 /work {work.list}] }
    # how far back the admins' lists look in the audit log (days), and how many entries at most
    variable recentDays 7
    variable recentMax 20000
}

# web::worklist: the work waiting for ME as a list of dicts: what (the duty, Chinese), eid (event
# id, "" for other duties), title, link, due (the nearest open deadline as shown, "" for none),
# due_epoch ("" for none), provisional (its guessed years), rule, rtitle (the deadline's rule), note
# (the state of things, a sentence or ""). Sorted: overdue first, then by due time, then the ones
# without a deadline (in the order found). With DEADLINES 0 (the menu's count) the events'
# deadlines are not looked up and the rows not sorted. Reads only.
proc web::worklist {me {deadlines 1}} {
    set out {}
    set uid [dict get $me unit_id]
    set uname [dict get $me unit]
    set roles [dict get $me roles]
    set office [expr {"office" in $roles}]
    # EVENTS (SQL selecting e.id, e.title in scope) each with WHAT
    set duties {}
    if {"handler" in $roles} {
        lappend duties 认领 {SELECT e.id, e.title, e.state FROM event e WHERE e.state IN ('detected', 'reported')
                              AND e.unit_id IS NULL AND e.suggested_unit = $uname}
        lappend duties 开始核实调查 {SELECT e.id, e.title, e.state FROM event e WHERE e.state IN ('claimed', 'judged') AND e.unit_id = $uid}
        lappend duties 提交核实调查报告 {SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'investigating' AND e.unit_id = $uid}
        lappend duties 起草回复 {SELECT e.id, e.title, e.state FROM event e WHERE e.state IN ('investigated', 'reopened') AND e.unit_id = $uid
                              AND NOT EXISTS (SELECT 1 FROM reply r JOIN reply_return x ON x.reply_id = r.id
                                              WHERE r.event_id = e.id AND r.state = 'draft')}
        lappend duties 按退回意见修改回复 {SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'investigated' AND e.unit_id = $uid
                              AND EXISTS (SELECT 1 FROM reply r JOIN reply_return x ON x.reply_id = r.id
                                          WHERE r.event_id = e.id AND r.state = 'draft')}
    }
    if {"unithead" in $roles} {
        lappend duties 审定回复 {SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'drafted' AND e.unit_id = $uid}
    }
    if {$office} {
        lappend duties 报送专报 {SELECT DISTINCT e.id, e.title, e.state FROM event e JOIN deadline d ON d.event_id = e.id
                              WHERE d.rule = 'report_major' AND d.state = 'open'}
        # (CROSS JOIN: start from the few open breached claim deadlines, index deadline_rule_open,
        # not from every detected event)
        lappend duties 指定认领 {SELECT DISTINCT e.id, e.title, e.state FROM deadline d CROSS JOIN event e ON e.id = d.event_id
                              WHERE e.state IN ('detected', 'reported') AND d.rule = 'claim' AND d.state = 'open'
                                AND d.breached_at IS NOT NULL ORDER BY e.state, e.id}
        lappend duties 重新交办 {SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'handedback'}
        # (CROSS JOIN: start from the few requests, partial index investigation_extension)
        lappend duties 审批延期 {SELECT DISTINCT e.id, e.title, e.state FROM investigation i CROSS JOIN event e ON e.id = i.event_id
                              WHERE i.ext_state = 'requested' AND e.state IN ('claimed', 'judged', 'investigating')}
        lappend duties 审核回复 {SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'approved' AND e.attention}
        # a reply of an event that is not high-attention is published straight after 审定
        lappend duties 发布回复 {SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'reviewed'
                              UNION ALL
                              SELECT e.id, e.title, e.state FROM event e WHERE e.state = 'approved' AND NOT e.attention}
        lappend duties 跟踪批示落实 {SELECT DISTINCT e.id, e.title, e.state FROM instruction i CROSS JOIN event e ON e.id = i.event_id
                              WHERE i.state = 'open'}
    }
    if {"leader" in $roles} {
        set login [dict get $me login]
        lappend duties 批示落实中 {SELECT DISTINCT e.id, e.title, e.state FROM instruction i CROSS JOIN event e ON e.id = i.event_id
                              WHERE i.state = 'open' AND i.leader = $login}
        lappend duties 关注重大舆情 {SELECT e.id, e.title, e.state FROM event e WHERE e.level IN ('重大', '特别重大')
                              AND e.state != 'closed'}
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
            set note "事件状态：[stateName $ev(state)]"
            if {$what eq "批示落实中"} { set note [InstructionProgress $ev(id) $login $ev(state)] }
            lappend out [dict merge [dict create what $what eid $ev(id) title $ev(title) link /events/$ev(id) note $note] $d]
        }
    }
    foreach role {leader sysadmin secadmin auditor} {
        if {$role in $roles} { lappend out {*}[Duties$role $me] }
    }
    # disclosure requests whose answer falls due within five days (or is overdue)
    if {[can $me request.handle]} {
        set soon [expr {[yqbox::now] + 5 * 86400}]
        db eval {SELECT id, number, name, due, due_epoch, due_provisional FROM request
                 WHERE state = 'registered' AND due_epoch IS NOT NULL AND due_epoch <= $soon} {
            lappend out [dict create what 答复政府信息公开申请 eid "" title "申请 $number（$name）" link /requests/$id \
                             due $due due_epoch $due_epoch provisional $due_provisional rule request_answer rtitle "" note ""]
        }
    }
    # 约稿 notices the unit has not answered yet (their page: /commissions/ID)
    if {[can $me submission.write] && !$office} {
        db eval {SELECT c.id, c.title, u.due_epoch FROM commission c JOIN commission_unit u ON u.commission_id = c.id
                 WHERE u.unit_id = $uid AND u.delivered IS NULL ORDER BY u.due_epoch} {
            lappend out [Duty 报送约稿信息 "约稿 $id：$title" /commissions/$id "" $due_epoch]
        }
    }
    # repost tasks from the city box (federation/county.tcl)
    if {$office} { lappend out {*}[federation::county::worklist] }
    if {!$deadlines} { return $out }
    # overdue first (the earliest due time), then by due time; no deadline last
    yqbox::lsortCommand {apply {{a b} {
        set ka [expr {[dict get $a due_epoch] eq "" ? 9e18 : [dict get $a due_epoch]}]
        set kb [expr {[dict get $b due_epoch] eq "" ? 9e18 : [dict get $b due_epoch]}]
        expr {$ka < $kb ? -1 : ($ka > $kb ? 1 : 0)}
    }}} $out
}

# web::Duty: a work-list row that is not an event's: WHAT (the duty), TITLE, LINK and NOTE, due at
# DUE_EPOCH ("" = no deadline; written as deadlines are, midnight as 24:00 of the day that ends
# there, so the row reads as the task's own page). Returns the row's dict (see web::worklist).
proc web::Duty {what title link note {due_epoch ""}} {
    set due [expr {$due_epoch eq "" ? "" : [calendar::Fmt $due_epoch 1]}]
    dict create what $what eid "" title $title link $link due $due due_epoch $due_epoch provisional "" \
        rule "" rtitle "" note $note
}

# web::InstructionProgress: how the 批示 LEADER gave on event ID are being carried out, a sentence
# (the event's STATE, and the last 批示's result when one was reported).
proc web::InstructionProgress {id leader state} {
    set out "事件状态：[stateName $state]"
    db eval {SELECT text, result FROM instruction WHERE event_id = $id AND leader = $leader AND state = 'open'
             ORDER BY id DESC LIMIT 1} {
        append out "；批示：$text"
        if {$result ne ""} { append out "；落实情况：$result" }
    }
    return $out
}

# web::Dutiesleader: the 专报 leader ME has not opened yet (issued after their account was made
# and after the audit log's retention cut, whose entries record the reading). Returns rows.
proc web::Dutiesleader {me} {
    set login [dict get $me login]
    set uid [dict get $me user_id]
    set out {}
    db eval {SELECT d.id, d.title, d.created FROM document d
             WHERE d.kind = '专报' AND d.created >= (SELECT created FROM user WHERE id = $uid)
               AND d.created > coalesce((SELECT max(at) FROM audit_anchor), '')
               AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.object = 'document:' || d.id
                               AND a.action = 'document.read' AND a.login = $login)
             ORDER BY d.id} {
        lappend out [Duty 阅读专报 $title /documents/$id "[documents::numberText $id]，[time $created] 印发"]
    }
    return $out
}

# web::markRead: record in the audit log that leader ME opened 专报 document ID, the first time
# (what takes it off their work list). Other readers and documents: nothing. Returns nothing.
proc web::markRead {me id} {
    if {"leader" ni [dict get $me roles]} { return }
    if {![db exists {SELECT 1 FROM document WHERE id = $id AND kind = '专报'}]} { return }
    set login [dict get $me login]
    set obj document:$id
    if {[db exists {SELECT 1 FROM audit WHERE object = $obj AND action = 'document.read' AND login = $login}]} { return }
    org::as $me { db transaction immediate { audit::record document.read $obj } }
}

# web::Dutiessysadmin: the system admin's rows: next year's (or this year's) missing holiday
# calendar, due on 1 January of that year; an overdue nightly backup (doctor::Backup), due two days
# after the last one; low disk; each failing background job; each flagged source. Returns rows.
proc web::Dutiessysadmin {me} {
    set out {}
    foreach m [county::missing] {
        lappend out [Duty 完成首次设置 [lindex $m 0] [lindex $m 1] ""]
    }
    if {[county::mode] eq "legacy"} {
        lappend out [Duty 完成首次设置 本机仍在使用虚构的示范县（青山县）名录 /setup "现有数据保留；设置完成后按本县地图研判和归口"]
    }
    set y [calendar::pendingYear]
    if {$y ne ""} {
        set due [clock scan $y-01-01 -format %Y-%m-%d -timezone :[conf::get timezone]]
        lappend out [Duty 导入节假日安排 "${y}年节假日安排" /calendar [calendar::pending] $due]
    }
    lassign [doctor::Backup [yqbox::needdata]] ok text
    if {!$ok} {
        set last [db onecolumn {SELECT at FROM backup WHERE kind = 'backup' ORDER BY id DESC LIMIT 1}]
        lappend out [Duty 检查夜间备份 夜间备份 /health $text \
                         [expr {$last eq "" ? "" : [yqbox::seconds $last] + 2 * 86400}]]
    }
    set disk [disk::status]
    if {[dict get $disk low]} {
        lappend out [Duty 清理磁盘空间 数据目录所在磁盘 /health [format "剩余 %.1f GB，低于下限 %.1f GB：巡查采集已暂停" \
            [expr {[dict get $disk free_bytes] / 1e9}] [expr {[dict get $disk floor_bytes] / 1e9}]]]
    }
    foreach j [job::failing] {
        lappend out [Duty 处理失败的后台任务 [dict get $j title] /health \
                         "连续失败 [dict get $j failures] 次：[dict get $j result]"]
    }
    db eval {SELECT name, title, reason FROM source WHERE enabled AND state = 'flagged' ORDER BY name} {
        lappend out [Duty 检查巡查来源 [expr {$title eq "" ? $name : $title}] /sources/[urlencode $name] $reason]
    }
    return $out
}

# web::Recent: the audit entries of the last recentDays days (at most recentMax looked at, newest
# first) whose action is one of ACTIONS (with EXCEPT 1: is none of them), as a list of dicts id at
# login role origin action object after.
proc web::Recent {actions {except 0}} {
    variable recentDays
    variable recentMax
    set cut [yqbox::iso [expr {[yqbox::now] - $recentDays * 86400}]]
    set out {}
    set n 0
    db eval {SELECT id, at, login, role, origin, action, object, after FROM audit ORDER BY id DESC} r {
        if {$r(at) < $cut || [incr n] > $recentMax} { break }
        if {($r(action) in $actions) != $except} {
            lappend out [dict create id $r(id) at $r(at) login $r(login) role $r(role) origin $r(origin) \
                             action $r(action) object $r(object) after $r(after)]
        }
    }
    return $out
}

# web::Dutiessecadmin: the security admin's rows: locked accounts; active admin accounts without
# TOTP; active accounts unused for 90 days (due 90 days after their last login, or their creation);
# the accounts and addresses refused at login in the last days. Returns rows.
proc web::Dutiessecadmin {me} {
    variable recentDays
    set out {}
    set now [yqbox::now]
    db eval {SELECT u.login, u.name, t.locked_until FROM login_throttle t JOIN user u ON t.key = 'name:' || lower(u.login)
             WHERE t.locked_until > $now ORDER BY t.locked_until} {
        lappend out [Duty 处理被锁定的账号 "$name（$login）" /units "锁定至 [time [yqbox::iso $locked_until]]，到时自动解锁；核实后可提前解锁"]
    }
    set admins $::org::adminRoles
    db eval {SELECT DISTINCT u.login, u.name, r.role FROM user u JOIN user_role r ON r.user_id = u.id
             WHERE u.active AND u.totp_secret = '' AND r.role IN ('sysadmin', 'secadmin', 'auditor') ORDER BY u.login} {
        lappend out [Duty 督促启用动态口令 "$name（$login）" /units "[dict get $::org::roleNames $role]账号尚未启用动态口令（双因素认证）"]
    }
    set cut [expr {$now - 90 * 86400}]
    db eval {SELECT u.login, u.name, u.created, (SELECT max(created) FROM session s WHERE s.user_id = u.id) AS last
             FROM user u WHERE u.active ORDER BY u.login} {
        set since [expr {$last ne "" ? $last : [yqbox::seconds $created]}]
        if {$since >= $cut} { continue }
        set note [expr {$last ne "" ? "最近登录：[time [yqbox::iso $last]]" : "创建后从未登录（[time $created] 创建）"}]
        lappend out [Duty 核查长期未使用的账号 "$name（$login）" /units "$note；超过 90 天未使用的账号应停用" [expr {$since + 90 * 86400}]]
    }
    set seen {}
    foreach a [Recent {login.fail login.locked login.totp.fail}] {
        dict with a {
            dict incr seen $object
            if {[dict get $seen $object] == 1} { dict set lastAt $object $at }
        }
    }
    dict for {object n} $seen {
        set who [expr {[string match user:* $object] ? "账号 [string range $object 5 end]" : "地址 [string range $object 5 end]"}]
        lappend out [Duty 核查登录失败 $who /sessions "近 $recentDays 天登录被拒 $n 次，最近一次 [time [dict get $lastAt $object]]"]
    }
    return $out
}

# web::AuditState: the audit chain's verification, {ok text}: audit::verify's result, kept for a
# minute of real time per worker (it reads the whole log) with the time it was made.
proc web::AuditState {} {
    variable auditState
    set real [clock seconds]
    if {![info exists auditState] || abs([lindex $auditState 0] - $real) > 60} {
        set ok [expr {![catch {audit::verify} r]}]
        set text [expr {$ok ? "审计日志校验通过：$r" : "审计日志哈希链校验失败：$r"}]
        set auditState [list $real [yqbox::now] $ok $text]
    }
    lassign $auditState - at ok text
    list $ok "$text，校验时间 [time [yqbox::iso $at]]"
}

# web::Who: the person who wrote audit entries as LOGIN, for a page: 姓名（login）, the console's
# owner by that name, else the login as it is.
proc web::Who {login} {
    if {$login eq "console"} { return 本机所有者（控制台） }
    set name [db onecolumn {SELECT name FROM user WHERE login = $login}]
    expr {$name eq "" ? $login : "$name（$login）"}
}

# web::Dutiesauditor: the audit admin's rows: a broken audit chain; the users refused access in the
# last days (web.denied, user.refused), one row each; the admins' actions of the last days (by an
# admin role or at the console; logins and logouts left out), one row per person and action.
proc web::Dutiesauditor {me} {
    variable recentDays
    set out {}
    lassign [AuditState] ok text
    if {!$ok} { lappend out [Duty 核查审计日志被改动 审计日志哈希链 /audit $text] }
    set denied {}
    foreach a [Recent {web.denied user.refused}] {
        dict with a {
            if {![dict exists $denied $login]} { dict set denied $login [list 0 $at $object $action] }
            dict set denied $login [lreplace [dict get $denied $login] 0 0 [expr {[lindex [dict get $denied $login] 0] + 1}]]
        }
    }
    dict for {login d} $denied {
        lassign $d n at object action
        lappend out [Duty 核查被拒绝的访问 [Who $login] \
                         "/audit?login=[urlencode $login]&action=[urlencode $action]" \
                         "近 $recentDays 天被拒绝 $n 次，最近一次 [time $at]：[string map {web: ""} $object]"]
    }
    set acts {}
    foreach a [Recent {login.ok login.totp logout document.read web.denied user.refused login.fail login.locked login.totp.fail} 1] {
        dict with a {
            set admin [expr {$origin eq "console" || [llength [lmap r [split $role ,] { expr {$r in $::org::adminRoles ? $r : [continue]} }]]}]
            if {!$admin} { continue }
            set key [list $login $action]
            if {![dict exists $acts $key]} { dict set acts $key [list 0 $at $object] }
            dict set acts $key [lreplace [dict get $acts $key] 0 0 [expr {[lindex [dict get $acts $key] 0] + 1}]]
        }
    }
    dict for {key d} $acts {
        lassign $key login action
        lassign $d n at object
        lappend out [Duty 审阅管理员操作 "[Who $login]：[yq::action $action]" \
                         "/audit?login=[urlencode $login]&action=[urlencode $action]" \
                         "近 $recentDays 天 $n 次，最近一次 [time $at]：$object"]
    }
    return $out
}

# web::workStatus: markup stating what ME's admin roles watch even when nothing is wrong (the
# system admin: disk and the last backup; the audit admin: the audit chain), or nothing.
proc web::workStatus {me} {
    set roles [dict get $me roles]
    set out ""
    if {"sysadmin" in $roles} {
        set disk [disk::status]
        set last [db onecolumn {SELECT at FROM backup WHERE kind = 'backup' ORDER BY id DESC LIMIT 1}]
        markup append out [tmpl {<p class="notice" id="state">[format "数据目录所在磁盘剩余 %.1f GB（下限 %.1f GB）" [expr {[dict get $disk free_bytes] / 1e9}] [expr {[dict get $disk floor_bytes] / 1e9}]]；最近一次备份：[expr {$last eq "" ? "无" : [time $last]}]。</p>}]
    }
    if {"auditor" in $roles} {
        lassign [AuditState] ok text
        markup append out [tmpl {<p class="[expr {$ok ? "notice" : "alert"}]" id="state">$text。</p>}]
    }
    return $out
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
    set me [need work.list]
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
            markup append rows [tmpl {<tr class="$cls"><td data-label="待办">$what</td><td data-label="事项"><a href="$link">$title</a></td><td data-label="截止时间" title="$tip">[dueText $due $provisional]</td><td data-label="剩余">$left</td><td data-label="情况">$note</td></tr>}]
        }
    }
    app $me 我的待办 [tmpl {<h1>我的待办</h1>[workStatus $me]
[if {$n == 0} {tmpl {<p>目前没有等待您办理的事项。</p>}} else {tmpl {<p>共 $n 项，已超期的排在最前。</p>
<table class="list stack work"><thead><tr><th scope="col">待办</th><th scope="col">事项</th><th scope="col">截止时间</th><th scope="col">剩余</th><th scope="col">情况</th></tr></thead><tbody>$rows</tbody></table>}}]}]
}
