# submission.tcl - government-information reporting (政务信息报送, seed 000 政务信息工作制度).
#
# A unit (a department or township), or a staff member of the info office, writes an item
# (title, text, attachments); the unit's responsible leader signs it off (the signer is recorded);
# it is sent to the info office, which screens it, may edit it (the text as sent is kept) and adopts
# or rejects it (with a reason). Quotas per month (config keys declared with the calendar rules):
# each unit sends at least rule_submission_unit items (10), each office staff member at least
# rule_submission_staff (1), and the office sends the province at least rule_submission_province
# items (20) and rule_special_report_province 《政务信息专报》 (4). The office may issue 约稿
# notices (commission) to units with a deadline each (calendar::due); a unit delivers by sending an
# item that answers it, on time or late. Units are ranked per period by adopted items.
#
# Items and 约稿 notices are processes of the workflow engine (scripts/workflow/states.tcl;
# docs/submission.md and docs/commission.md are generated from the declarations below): every change
# is a transition fired by workflow::fire, one transaction with its records, each asked unit's
# deadline in the deadline table (started by the notice, met by the item that delivers it), its
# process_step row, its audit entry and notices. A unit withdraws its own item written or sent
# twice before it is screened. The console command is the ensemble `submission`; staff web pages
# are in scripts/web/office.tcl.

namespace eval submission {
    variable states {draft 草稿 signed 已签发 sent 已报送 adopted 已采用 rejected 未采用 withdrawn 已撤回}
    variable upwardHooks {}   ;# commands called with the submission_upward id, in its transaction
}

conf::key submission_file_max {integer 1 1073741824} 20971520 \
    "政务信息附件的最大字节数"

dict set org::perms submission.write  {office handler unithead}
dict set org::perms submission.sign   {unithead}
dict set org::perms submission.screen {office}

# submission::Get: the row of submission ID as a dict; errors if there is none.
proc submission::Get {id} {
    if {![string is entier -strict $id]} { yq::fail submission.none $id }
    set row {}
    db eval {SELECT * FROM submission WHERE id = $id} r { unset r(*); set row [array get r] }
    if {$row eq ""} { yq::fail submission.none $id }
    return $row
}

# submission::Own: error unless the current principal may act for UNIT_ID (its own unit; the
# office and the console act for every unit).
proc submission::Own {unitId} {
    set a [org::actor]
    if {[dict get $a superuser] || [org::can submission.screen]} { return }
    if {[dict get $a unit_id] ne $unitId} {
        yq::deny denied.ownunit [dict get $a login]
    }
}

# submission::Label: how messages name item ID. submission::Id: ID checked (errors if none).
proc submission::Label {id} { yq::mc submission.label $id }
proc submission::Id {id} { dict get [Get $id] id }

workflow::process submission {
    title 政务信息 table submission owner "" object submission label submission::Label resolve submission::Id
    unit unit_id overseer {org::can submission.screen} console submission
    doc "A government-information item (政务信息, 000): written by a unit (or an office staff member), signed off by the unit's responsible leader, sent to the info office, screened (edited, adopted or not). Quotas per month; an item may deliver a 约稿 notice."
}
workflow::state -process submission draft 草稿 "written, not yet signed off"
workflow::state -process submission signed 已签发 "signed off by the unit's responsible leader (审核签发)"
workflow::state -process submission sent 已报送 "sent to the info office: counts for the month's quota; delivers the 约稿 notice it answers"
workflow::state -process submission adopted 已采用 "adopted by the info office" 1
workflow::state -process submission rejected 未采用 "not adopted, with the reason" 1
workflow::state -process submission withdrawn 已撤回 "withdrawn by its unit before screening (e.g. written or sent twice); counts for nothing" 1

workflow::transition -process submission create {
    from {} to draft perms submission.write title 起草
    args "UNIT TITLE TEXT ?-author LOGIN? ?-commission ID? ?-files PATHS?"
    text "A unit's user (or the office, or the console) writes an item for their own unit, with attachments; it may answer a 约稿 notice sent to the unit."
    records "submission row; submission_file rows (attachments stored under DATADIR/submission/ID/)" source "000 二.1"
}
workflow::transition -process submission attach {
    from {draft signed} to = perms submission.write scope unit title 添加附件
    args "ID FILE"
    text "Add an attachment to an item not yet sent." records "submission_file row and the stored file"
}
workflow::transition -process submission sign {
    from {draft} to signed perms submission.sign title 审核签发
    args "ID LOGIN"
    text "The unit's responsible leader (a unit head of the item's unit) signs the item off, only as themself."
    records "signer, signer_name, signed" source "000 二.1"
}
workflow::transition -process submission send {
    from {draft signed} to sent perms submission.write scope unit title 报送
    args "ID"
    text "Send a signed item to the info office: it counts for this month's quota and delivers the 约稿 notice it answers (meeting that unit's deadline, on time or late)."
    records "sent; commission_unit delivered and the commission's deadline for the unit met" source "000 二.1、二.4"
}
workflow::transition -process submission edit {
    from {sent} to = perms submission.screen title 筛选加工
    args "ID ?-title T? ?-text X?"
    text "The info office edits a sent item before screening; the text as sent is kept." records "title, body; original"
}
workflow::transition -process submission adopt {
    from {sent} to adopted perms submission.screen title 采用
    args "ID" text "The info office adopts the item." records "screened_by, screened"
}
workflow::transition -process submission reject {
    from {sent} to rejected perms submission.screen title 不予采用
    args "ID REASON"
    text "The info office does not adopt the item, with a reason." records "screened_by, screened, reason"
}
workflow::transition -process submission withdraw {
    from {draft signed sent} to withdrawn perms submission.write scope unit title 撤回
    args "ID REASON"
    text "The unit withdraws its own item before the info office has screened it, with a reason (an item written or sent twice); a withdrawn item counts for no quota. An item that delivered a 约稿 notice is not withdrawn (the delivery stands)."
    records "reason" source "000 二.1"
}

# submission::create: a new draft item of UNIT (name or id) with TITLE and BODY. Options -author
# LOGIN (the console only; a user's own items are theirs), -commission ID (the 约稿 notice it
# answers), -files {PATH ...} (attachments copied into the data directory). Returns the id.
proc submission::create {unit title body args} {
    org::require submission.write
    set o [reporting::options $args {-author "" -commission "" -files {}} \
               "submission add UNIT TITLE TEXT ?-author LOGIN? ?-commission ID? ?-files PATHS?"]
    if {[string trim $title] eq ""} { yq::fail workflow.empty 标题 }
    if {[string trim $body] eq ""} { yq::fail workflow.empty 正文 }
    if {[string length [string trim $title]] > 200} { yq::fail workflow.long 标题 200 }
    set files [lmap p [dict get $o -files] { ReadFile $p }]
    Storing { set r [workflow::fire -process submission create "" $unit $title $body $o $files] }
    dict get $r id
}
proc workflow::p::submission::do::create {argv} {
    lassign $argv unit title body o files
    set title [string trim $title]
    set body [string trim $body]
    set a [org::actor]
    set author [dict get $o -author]
    if {![dict get $a superuser]} {
        if {$author ne "" && $author ne [dict get $a login]} { yq::fail submission.author }
        set author [dict get $a login]
    }
    set commission [dict get $o -commission]
    set at [yqbox::iso]
    set unitId [org::unitId $unit]
    submission::Own $unitId
    if {$author ne ""} {
        set au [db onecolumn {SELECT unit_id FROM user WHERE login = $author AND active}]
        if {$au eq ""} { yq::fail user.none $author }
        if {$au != $unitId} { yq::fail submission.otherunit $author $unit }
    }
    if {$commission ne ""} {
        if {![db exists {SELECT 1 FROM commission_unit WHERE commission_id = $commission AND unit_id = $unitId}]} {
            yq::fail submission.notcommissioned $commission $unit
        }
    }
    db eval {INSERT INTO submission(unit_id, author, title, body, commission_id, created, updated)
             VALUES($unitId, $author, $title, $body, nullif($commission, ''), $at, $at)}
    set id [db last_insert_rowid]
    set ::workflow::created $id
    # attachments stored with the draft are audited each as submission.attach
    foreach f $files { submission::Store $id {*}$f 1 }
    return "unit=$unit title=$title"
}

# submission::ReadFile: {NAME BYTES} of the file at PATH; errors if it is unreadable or too big.
proc submission::ReadFile {path} {
    if {![file isfile $path] || ![file readable $path]} { yq::fail submission.noread $path }
    if {[file size $path] > [conf::get submission_file_max]} {
        yq::fail submission.toolarge [conf::get submission_file_max]
    }
    set f [open $path rb]
    set bytes [read $f]
    close $f
    list [file tail $path] $bytes
}

# submission::Storing: run SCRIPT (in the caller; it stores attachments with submission::Store
# inside one transaction). If it fails, every file Store wrote meanwhile, whole or partial, is
# removed, so a failed upload leaves nothing behind. Returns SCRIPT's result.
proc submission::Storing {script} {
    variable written {}
    try {
        uplevel 1 $script
    } on error {msg opts} {
        foreach p $written { file delete -- $p }
        return -options $opts $msg
    } finally {
        set written {}
    }
}

# submission::Store: save attachment NAME (BYTES) of submission ID under DATADIR/submission/ID/
# and record it (inside the caller's transaction, run through submission::Storing, which removes
# the file again if anything fails, its writing included); AUDIT 1 writes its own audit entry (the
# attach transition has the engine's). Returns the note "NAME SIZE bytes sha256=HASH".
proc submission::Store {id name bytes {audit 0}} {
    variable written
    set name [string trim [regsub -all {[/\\\x00-\x1f]} $name _]]
    if {$name in {"" . ..}} { yq::fail submission.badname }
    if {[string length $bytes] > [conf::get submission_file_max]} {
        yq::fail submission.toolarge [conf::get submission_file_max]
    }
    set n [expr {[db onecolumn {SELECT count(*) FROM submission_file WHERE submission_id = $id}] + 1}]
    set rel [file join submission $id "$n-$name"]
    set path [file join [yqbox::needdata] $rel]
    file mkdir [file dirname $path]
    lappend written $path
    reporting::write $path $bytes
    set size [string length $bytes]
    set sha [crypto sha256 $bytes]
    set at [yqbox::iso]
    db eval {INSERT INTO submission_file(submission_id, name, path, size, sha256, added)
             VALUES($id, $name, $rel, $size, $sha, $at)}
    if {$audit} { audit::record submission.attach submission:$id -after [yq::mc submission.attached $name $size $sha] }
    return [yq::mc submission.attached $name $size $sha]
}

# submission::attach: add attachment NAME with content BYTES to draft or signed item ID (the web's
# upload). Returns nothing.
proc submission::attach {id name bytes} {
    Storing { workflow::fire -process submission attach $id $name $bytes }
    return
}
proc workflow::p::submission::do::attach {id argv} {
    submission::Store $id {*}$argv
}

# submission::sign: the unit's responsible leader SIGNER (a login of a unit head of the item's unit)
# signs item ID off (审核签发). A user can only sign as themself. Returns nothing.
proc submission::sign {id signer} {
    workflow::fire -process submission sign $id $signer
    return
}
proc workflow::p::submission::do::sign {id argv} {
    lassign $argv signer
    set a [org::actor]
    if {![dict get $a superuser] && $signer ne [dict get $a login]} {
        yq::deny denied.signself
    }
    set at [yqbox::iso]
    set unitId [db onecolumn {SELECT unit_id FROM submission WHERE id = $id}]
    set name [db onecolumn {SELECT u.name FROM user u JOIN user_role r ON r.user_id = u.id
                            WHERE u.login = $signer AND u.active AND u.unit_id = $unitId AND r.role = 'unithead'}]
    if {$name eq ""} { yq::fail submission.notsigner $signer }
    db eval {UPDATE submission SET signer = $signer, signer_name = $name, signed = $at WHERE id = $id}
    return "签发人：$name（$signer）"
}

# submission::send: send signed item ID to the info office. It counts for this month's quota, and
# delivers the 约稿 notice it answers. Returns nothing.
proc submission::send {id} {
    workflow::fire -process submission send $id
    return
}

# workflow::p::submission::guard::send: why item ID may not be sent now: a draft is signed off first.
proc workflow::p::submission::guard::send {id} {
    if {[db onecolumn {SELECT state FROM submission WHERE id = $id}] eq "draft"} {
        return [list state [yq::mc submission.unsigned [submission::Label $id]]]
    }
    return {}
}
proc workflow::p::submission::do::send {id argv} {
    set at [yqbox::iso]
    set now [yqbox::now]
    db eval {UPDATE submission SET sent = $at WHERE id = $id}
    db eval {SELECT commission_id AS c, unit_id AS unitId FROM submission WHERE id = $id} {}
    set note ""
    if {$c ne ""} {
        db eval {UPDATE commission_unit SET submission_id = $id, delivered = $at
                 WHERE commission_id = $c AND unit_id = $unitId AND delivered IS NULL}
        if {[db changes]} {
            set due [db onecolumn {SELECT due_epoch FROM commission_unit WHERE commission_id = $c AND unit_id = $unitId}]
            workflow::deadline::Stop commission_id $c "" send $now $unitId
            set note [yq::mc [expr {$now <= $due ? "submission.delivers" : "submission.deliverslate"}] $c]
        }
    }
    return [string cat [yq::mc submission.sent] $note]
}

# submission::edit: the office edits sent item ID before screening (options -title, -text). The
# text as sent is kept in `original`. Returns nothing.
proc submission::edit {id args} {
    workflow::fire -process submission edit $id {*}$args
    return
}
proc workflow::p::submission::do::edit {id argv} {
    set o [reporting::options $argv {-title "" -text ""} "submission edit ID ?-title T? ?-text X?"]
    set s [submission::Get $id]
    set title [expr {[string trim [dict get $o -title]] eq "" ? [dict get $s title] : [string trim [dict get $o -title]]}]
    set body [expr {[string trim [dict get $o -text]] eq "" ? [dict get $s body] : [string trim [dict get $o -text]]}]
    set original [expr {[dict get $s original] eq "" ? [dict get $s body] : [dict get $s original]}]
    db eval {UPDATE submission SET title = $title, body = $body, original = $original WHERE id = $id}
    return "[dict get $s title] → $title"
}

# submission::adopt: the office adopts sent item ID (采用). Returns nothing.
proc submission::adopt {id} {
    workflow::fire -process submission adopt $id
    return
}

# submission::reject: the office does not adopt sent item ID, for REASON. Returns nothing.
proc submission::reject {id reason} {
    if {[string trim $reason] eq ""} { yq::fail workflow.empty 不予采用的理由 }
    workflow::fire -process submission reject $id [string trim $reason]
    return
}

# workflow::p::submission::do::adopt / reject: the screening of item ID (REASON for a rejection).
proc workflow::p::submission::do::adopt {id argv} { submission::Screen $id "" }
proc workflow::p::submission::do::reject {id argv} { submission::Screen $id [lindex $argv 0] }

# submission::Screen: record who screened item ID and when, with REASON. Returns the note.
proc submission::Screen {id reason} {
    set at [yqbox::iso]
    set by [dict get [org::actor] login]
    db eval {UPDATE submission SET screened_by = $by, screened = $at, reason = $reason WHERE id = $id}
    return $reason
}

# submission::withdraw: the unit withdraws its item ID (not yet screened) for REASON, e.g. an item
# written or sent twice. Returns nothing.
proc submission::withdraw {id reason} {
    workflow::fire -process submission withdraw $id $reason
    return
}
proc workflow::p::submission::do::withdraw {id argv} {
    set reason [workflow::Bounded [workflow::NonEmpty [lindex $argv 0] 撤回理由] 撤回理由 500]
    if {[db exists {SELECT 1 FROM commission_unit WHERE submission_id = $id}]} {
        yq::fail submission.delivered
    }
    db eval {UPDATE submission SET reason = $reason WHERE id = $id}
    return $reason
}

# submission::upward: record what the office sent the province: `item ID` (an adopted item) or
# `special TITLE` (a 《政务信息专报》), or `item -title TITLE` for an item written by the office
# itself. Returns the record's id.
proc submission::upward {kind what} {
    org::guarded submission.screen submission.upward upward:* {
        switch -- $kind {
            item {
                if {[string is entier -strict $what]} {
                    set s [Get $what]
                    if {[dict get $s state] ne "adopted"} {
                        yq::fail submission.notadopted [Label $what] [dict get $submission::states [dict get $s state]]
                    }
                    set title [dict get $s title]
                    set sid $what
                } else {
                    set title [string trim $what]
                    set sid ""
                }
            }
            special { set title [string trim $what]; set sid "" }
            default { yq::fail submission.badkind $kind }
        }
        if {$title eq ""} { yq::fail workflow.empty 报送内容的标题 }
        set at [yqbox::iso]
        set by [dict get [org::actor] login]
        db eval {INSERT INTO submission_upward(kind, submission_id, title, sent, sent_by)
                 VALUES($kind, nullif($sid, ''), $title, $at, $by)}
        set row [db last_insert_rowid]
        foreach h $submission::upwardHooks { {*}$h $row }
        list $row "$kind $title"
    }
}

# ---- 约稿 notices: the commission process ----

# submission::CommissionLabel: how messages name commission ID; submission::CommissionId: ID
# checked (errors if none).
proc submission::CommissionLabel {id} { yq::mc commission.label $id }
proc submission::CommissionId {id} {
    if {![string is entier -strict $id] || ![db exists {SELECT 1 FROM commission WHERE id = $id}]} {
        yq::fail commission.none $id
    }
    return $id
}

workflow::process commission {
    title 约稿通知 table commission owner commission_id object commission label submission::CommissionLabel
    resolve submission::CommissionId console submission
    doc "A 约稿 notice (000 二.4): the info office asks units for items by a deadline each; a unit delivers by sending an item that answers it (submission send), on time or late."
}
workflow::state -process commission issued 已发出 "sent to the units; each unit's deadline runs until its item is sent"
workflow::transition -process commission issue {
    from {} to issued perms submission.screen title 发出约稿通知
    args "TITLE TEXT UNITS ?LIMIT?"
    text "The info office issues a notice to units, each with its time limit (default 5 working days): one deadline per unit, met when the unit sends an item answering it."
    records "commission row; commission_unit rows; one deadline per unit" source "000 二.4"
}

# submission::commission: issue a 约稿 notice TITLE with text BODY to UNITS, a list of UNIT or
# {UNIT LIMIT} (LIMIT a time limit for calendar::due, e.g. {5 workdays}; default DEFAULT). Each
# unit's deadline runs from now. Returns the notice's id.
proc submission::commission {title body units {default {5 workdays}}} {
    dict get [workflow::fire -process commission issue "" $title $body $units $default] id
}
proc workflow::p::commission::do::issue {argv} {
    lassign $argv title body units default
    set title [string trim $title]
    if {$title eq ""} { yq::fail workflow.empty 约稿通知的标题 }
    if {![llength $units]} { yq::fail commission.nounits }
    set at [yqbox::iso]
    set by [dict get [org::actor] login]
    db eval {INSERT INTO commission(title, body, issued, issued_by, state) VALUES($title, $body, $at, $by, 'issued')}
    set id [db last_insert_rowid]
    set ::workflow::created $id
    set names {}
    foreach u $units {
        lassign $u name limit
        if {$limit eq ""} { set limit $default }
        set unitId [org::unitId $name]
        set d [workflow::deadline::start $id $limit -process commission -unit $unitId -title "报送约稿：$title"]
        db eval {SELECT due, due_epoch AS epoch FROM deadline WHERE id = $d} {}
        db eval {INSERT INTO commission_unit(commission_id, unit_id, time_limit, due, due_epoch)
                 VALUES($id, $unitId, $limit, $due, $epoch)}
        lappend names "$name≤$due"
    }
    return "$title：[join $names 、]"
}

# submission::commissions: the 约稿 notices issued in PERIOD (reporting::period spec; "" = all), as
# a list of dicts id title issued unit unit_id due delivered submission_id state, state one of
# delivered (on time), late (delivered after the deadline), overdue (not delivered, deadline
# passed) and open.
proc submission::commissions {{period ""}} {
    set now [yqbox::now]
    set from ""; set to ""
    if {$period ne ""} {
        set p [reporting::period $period]
        set from [dict get $p from]; set to [dict get $p to]
    }
    set out {}
    db eval {SELECT c.id, c.title, c.issued, n.name AS unit, u.unit_id, u.due, u.due_epoch,
                    u.delivered, u.submission_id
             FROM commission c JOIN commission_unit u ON u.commission_id = c.id JOIN unit n ON n.id = u.unit_id
             WHERE $from = '' OR (c.issued >= $from AND c.issued < $to)
             ORDER BY c.id, n.id} {
        if {$delivered ne ""} {
            set state [expr {[yqbox::seconds $delivered] <= $due_epoch ? "delivered" : "late"}]
        } else {
            set state [expr {$now > $due_epoch ? "overdue" : "open"}]
        }
        lappend out [dict create id $id title $title issued $issued unit $unit unit_id $unit_id \
                         due $due delivered $delivered submission_id $submission_id state $state]
    }
    return $out
}

# submission::stats: the figures of PERIOD (reporting::period spec). Returns a dict:
#   period (the period dict), quota (unit staff province special: the monthly quotas),
#   units: a list, ranked, of dicts unit_id unit rank sent adopted rejected months (YYYY-MM ->
#     items sent) below (the months under the unit quota) commissioned late overdue,
#   staff: a list of dicts login name months below (office staff: users of the office with role office),
#   upward: YYYY-MM -> {items N specials N below {items|specials ...} short {items N specials N}
#     state done|below|open}: short is what is missing to the province quotas; state done (both
#     met), below (a month over, short of one) or open (a month not over, short of one).
# Units are the departments and townships that existed in the period (org::unitsIn); rank 1 has
# the most adopted items (ties: more sent, then the unit's id), equal figures share a rank.
proc submission::stats {spec} {
    set p [reporting::period $spec]
    set from [dict get $p from]
    set to [dict get $p to]
    set months [dict get $p months]
    set quota [dict create unit [conf::get rule_submission_unit] staff [conf::get rule_submission_staff] \
                   province [conf::get rule_submission_province] special [conf::get rule_special_report_province]]
    # only months that are over are held against anyone
    set thisMonth [reporting::current month]
    set past [lmap m $months { expr {$m < $thisMonth ? $m : [continue]} }]
    set units {}
    foreach {id name} [org::unitsIn $from $to] {
        set m {}
        foreach mm $months { dict set m $mm 0 }
        dict set units $id [dict create unit_id $id unit $name sent 0 adopted 0 rejected 0 months $m \
                                below {} commissioned 0 late 0 overdue 0]
    }
    db eval {SELECT unit_id, substr(sent, 1, 7) AS month, state, count(*) AS n FROM submission
             WHERE sent >= $from AND sent < $to AND state <> 'withdrawn' GROUP BY unit_id, month, state} {
        if {![dict exists $units $unit_id]} { continue }
        dict update units $unit_id u {
            dict incr u sent $n
            dict set u months $month [expr {[dict get $u months $month] + $n}]
            if {$state in {adopted rejected}} { dict incr u $state $n }
        }
    }
    foreach c [commissions $spec] {
        set id [dict get $c unit_id]
        if {![dict exists $units $id]} { continue }
        dict update units $id u {
            dict incr u commissioned
            if {[dict get $c state] in {late overdue}} { dict incr u [dict get $c state] }
        }
    }
    set list {}
    dict for {id u} $units {
        dict set u below [lmap mm $past { expr {[dict get $u months $mm] < [dict get $quota unit] ? $mm : [continue]} }]
        lappend list $u
    }
    set list [yqbox::lsortCommand [list apply {{a b} {
        foreach k {adopted sent} {
            if {[dict get $a $k] != [dict get $b $k]} { return [expr {[dict get $b $k] - [dict get $a $k]}] }
        }
        expr {[dict get $a unit_id] - [dict get $b unit_id]}
    }}] $list]
    set rank 0; set i 0; set last ""
    set ranked {}
    foreach u $list {
        incr i
        set key [list [dict get $u adopted] [dict get $u sent]]
        if {$key ne $last} { set rank $i; set last $key }
        lappend ranked [dict set u rank $rank]
    }
    set staff {}
    db eval {SELECT DISTINCT u.login, u.name FROM user u JOIN unit n ON n.id = u.unit_id
             JOIN user_role r ON r.user_id = u.id
             WHERE n.kind = 'office' AND r.role = 'office' AND u.active ORDER BY u.id} {
        set m {}
        foreach mm $months {
            dict set m $mm [db onecolumn {SELECT count(*) FROM submission WHERE author = $login
                                          AND substr(sent, 1, 7) = $mm AND state <> 'withdrawn'}]
        }
        set below [lmap mm $past { expr {[dict get $m $mm] < [dict get $quota staff] ? $mm : [continue]} }]
        lappend staff [dict create login $login name $name months $m below $below]
    }
    set upward {}
    foreach mm $months {
        set items [db onecolumn {SELECT count(*) FROM submission_upward WHERE kind = 'item' AND substr(sent, 1, 7) = $mm}]
        set specials [db onecolumn {SELECT count(*) FROM submission_upward WHERE kind = 'special' AND substr(sent, 1, 7) = $mm}]
        set short [dict create items [expr {max(0, [dict get $quota province] - $items)}] \
                       specials [expr {max(0, [dict get $quota special] - $specials)}]]
        set below {}
        if {$mm in $past && [dict get $short items]} { lappend below items }
        if {$mm in $past && [dict get $short specials]} { lappend below specials }
        set state [expr {[dict get $short items] + [dict get $short specials] == 0 ? "done" : ($mm in $past ? "below" : "open")}]
        dict set upward $mm [dict create items $items specials $specials below $below short $short state $state]
    }
    dict create period $p quota $quota units $ranked staff $staff upward $upward
}

# submission::report: the figures of PERIOD as console text (the month / quarter / year view).
proc submission::report {spec} {
    set s [stats $spec]
    set q [dict get $s quota]
    set out [list "# [dict get $s period label] 政务信息报送情况（每单位每月不少于 [dict get $q unit] 条）" \
                 "# 名次 单位 报送 采用 未采用 约稿 迟报 逾期未报 未完成报送任务的月份"]
    foreach u [dict get $s units] {
        dict with u {
            lappend out [format "%2d  %-12s %3d %3d %3d %3d %3d %3d  %s" $rank $unit $sent $adopted $rejected \
                             $commissioned $late $overdue [join $below " "]]
        }
    }
    lappend out "# 信息办工作人员（每人每月不少于 [dict get $q staff] 条）"
    foreach st [dict get $s staff] {
        dict with st {
            lappend out [format "%-12s %-8s %s%s" $login $name [join [dict values $months] " "] \
                             [expr {[llength $below] ? "  未完成：[join $below { }]" : ""}]]
        }
    }
    lappend out "# 向省政府办公厅报送（每月信息不少于 [dict get $q province] 条、专报不少于 [dict get $q special] 期）"
    dict for {mm u} [dict get $s upward] {
        lappend out "$mm 信息 [dict get $u items] 条 专报 [dict get $u specials] 期[expr {[llength [dict get $u below]] ? "  未完成" : ""}]"
    }
    join $out \n
}

# ---- the console command ----

namespace eval submission::cmd {}

proc submission::cmd::add {unit title text args} { submission::create $unit $title $text {*}$args }
proc submission::cmd::attach {id path} {
    lassign [submission::ReadFile $path] name bytes
    submission::attach $id $name $bytes
}
proc submission::cmd::sign {id signer} { submission::sign $id $signer }
proc submission::cmd::send {id} { submission::send $id }
proc submission::cmd::edit {id args} { submission::edit $id {*}$args }
proc submission::cmd::adopt {id} { submission::adopt $id }
proc submission::cmd::reject {id reason} { submission::reject $id $reason }
proc submission::cmd::upward {kind what} { submission::upward $kind $what }
proc submission::cmd::commission {title body units {limit {5 workdays}}} {
    submission::commission $title $body $units $limit
}
proc submission::cmd::report {{period ""}} {
    if {$period eq ""} { set period [reporting::current month] }
    submission::report $period
}

# submission::cmd::commissions: the 约稿 notices of PERIOD, one unit a line.
proc submission::cmd::commissions {{period ""}} {
    set names {delivered 按时报送 late 逾期报送 overdue 逾期未报 open 未到期}
    join [lmap c [submission::commissions $period] {
        dict with c { format "%3d %-16s %-10s 截止 %s  %s %s" $id $title $unit $due [dict get $names $state] $delivered }
    }] \n
}

# submission::cmd::list: the items sent in PERIOD (default this month), one a line.
proc submission::cmd::list {{period ""}} {
    if {$period eq ""} { set period [reporting::current month] }
    set p [reporting::period $period]
    set from [dict get $p from]; set to [dict get $p to]
    set out {}
    db eval {SELECT s.id, n.name AS unit, s.title, s.state, coalesce(s.sent, '') AS sent FROM submission s
             JOIN unit n ON n.id = s.unit_id
             WHERE coalesce(s.sent, s.created) >= $from AND coalesce(s.sent, s.created) < $to ORDER BY s.id} {
        lappend out [format "%4d %-10s %-6s %-25s %s" $id $unit [dict get $submission::states $state] $sent $title]
    }
    join $out \n
}

# submission::cmd::show: one item as text.
proc submission::cmd::show {id} {
    set s [submission::Get $id]
    set out {}
    foreach k {id unit_id author title state signer_name signed sent screened_by screened reason commission_id body original} {
        if {[dict get $s $k] ne ""} { lappend out "$k: [dict get $s $k]" }
    }
    db eval {SELECT name, size, sha256 FROM submission_file WHERE submission_id = $id ORDER BY id} {
        lappend out "file: $name $size $sha256"
    }
    join $out \n
}

# submission: the console command (::console::submission), one verb per submission::cmd procedure above.
cmdlayer::noun submission "政务信息报送：起草、附件、签发、报送、加工、采用与不予采用、向上报送、约稿、列表与统计" \
    "期间写作 YYYY-MM（月）、YYYY-Qn（季度）或 YYYY（年）。"
cmdlayer::command submission add {{unit 单位} {title 标题} {text 正文} {-author 作者登录名} {-commission 约稿编号} {-files 附件路径列表}} \
    "起草一条政务信息（可带附件、回应约稿），返回编号" {
    submission::cmd::add $unit $title $text -author $author -commission $commission -files $files
}
cmdlayer::command submission attach {{id 信息编号} {file 文件}} "为草稿添加附件（保存在数据目录）" {
    submission::cmd::attach $id $file
}
cmdlayer::command submission sign {{id 信息编号} {login 签发人登录名}} "本单位分管信息的负责同志审核签发（记录签发人）" {
    submission::cmd::sign $id $login
}
cmdlayer::command submission send {{id 信息编号}} "向信息科报送已签发的信息，计入当月报送任务" { submission::cmd::send $id }
cmdlayer::command submission edit {{id 信息编号} {-title 标题} {-text 正文}} "信息科筛选加工（保留报送原文）" {
    submission::cmd::edit $id -title $title -text $text
}
cmdlayer::command submission adopt {{id 信息编号}} "信息科采用" { submission::cmd::adopt $id }
cmdlayer::command submission reject {{id 信息编号} {reason 理由}} "信息科不予采用并说明理由" { submission::cmd::reject $id $reason }
cmdlayer::command submission upward {{kind 种类 choice(item|special)} {what 信息编号或标题}} \
    "登记向省政府办公厅报送的信息（item 信息编号）或《政务信息专报》（special 标题）" {
    submission::cmd::upward $kind $what
}
cmdlayer::command submission commission {{title 标题} {text 正文} {units 单位列表} {limit 时限 text {5 workdays}}} \
    "发出《约稿通知》；单位列表的每项为单位或 {单位 时限}，时限默认 5 个工作日" {
    submission::cmd::commission $title $text $units $limit
}
cmdlayer::command submission commissions {{period 期间 text ""}} "约稿通知及各单位按时报送、逾期报送、逾期未报情况" {
    submission::cmd::commissions $period
}
cmdlayer::command submission list {{period 期间 text ""}} "列出某月、季度或年度的报送信息（默认本月）" { submission::cmd::list $period }
cmdlayer::command submission show {{id 信息编号}} "查看一条信息及其附件" { submission::cmd::show $id }
cmdlayer::command submission report {{period 期间 text ""}} "报送任务完成情况与按采用数排名（默认本月）" {
    submission::cmd::report $period
}
