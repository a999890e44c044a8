# states.tcl - the life of an event (RULES.md "The life of an event") as one explicit state machine.
#
# The declaration below is the only description of the workflow: `workflow states` and
# `workflow transitions` list it, docs/workflow.md is generated from it (`workflow doc`), and
# workflow::fire executes it. Each transition names the states it leaves (from), the state it
# reaches (to: a state, "=" for an action that keeps the state, or a list FROM TO ... * TO mapping
# states), the permissions that allow it (any one; org.tcl), its unit scope, the deadlines it stops
# and starts (calendar rules; a start may carry a condition on the event), who is notified, and the
# procedure workflow::do::NAME that checks its arguments and writes its own records.
#
# Scopes: any   - permission is enough;
#         unit  - a user who is not info office staff acts only on events of their own unit;
#         claim - the event must not be owned yet; it becomes the claiming user's unit's.
#
# Every transition is one transaction: the event's new state, the procedure's records, the
# deadlines stopped and started, its event_step row (the timeline), its audit entry and its queued
# notifications are written together or not at all. The system principal (`system`) fires the
# transitions the clock and the patrol cause (detect, escalate, assign when the claim window
# passed, reopen); its actions are audited like anyone's.

namespace eval workflow {
    variable states {}       ;# name -> dict title text final
    variable transitions {}  ;# name -> dict (see workflow::transition)
    variable order {}        ;# transition names in declaration order
    variable system {login system user_id {} roles {} unit_id {} unit {} origin system superuser 1}
    variable majorLevels {重大 特别重大}
    variable overdue 0       ;# set by a transition taking on an event after the claim window
    variable metAt ""        ;# set by a transition recording a duty done earlier (seconds): its stops are met then
}
namespace eval workflow::do {}
namespace eval workflow::guard {}   ;# guard::NAME ID: why NAME may not be fired now ({} when it may)

# the permissions the workflow adds to org.tcl's table (permission -> roles)
dict set org::perms event.close       {office}
dict set org::perms event.publish     {office unithead}
dict set org::perms event.police      {office}
dict set org::perms event.respond     {office handler}
dict set org::perms event.unitreport  {office handler unithead}
dict set org::perms event.extend      {handler}
dict set org::perms event.decide      {office}
dict set org::perms workflow.system   {}
dict set org::perms instruction.fulfil {office handler}

# ---- processes ----------------------------------------------------------------------------------
#
# The engine serves every guarded process, each declared with workflow::process: the event
# (declared below), the disclosure request (request.tcl), the government-information submission
# and the 约稿 commission (submission.tcl). A process names the table of its rows, the deadline
# column that owns its time limits, its audit object, how a message names a row, how an id given by
# a person is resolved, the column of the owning unit (for scope unit) and who oversees every unit.
# The event's own declaration lives in ::workflow (states, transitions, order: the names the pages
# read); another process's in ::workflow::p::NAME, its procedures in ::workflow::p::NAME::do and
# ::workflow::p::NAME::guard.

namespace eval workflow {
    variable processes {}   ;# process name -> dict (see workflow::process)
    variable created ""     ;# set by a creating transition's procedure: the new row's id
    variable stepHooks {}   ;# commands called as CMD PROCESS ID NAME FROM TO NOTE in each step's transaction
}

# workflow::process: declare process NAME with SPEC, a dict: title (Chinese), table, owner (the
# deadline column), object (audit object prefix), label (command prefix: ID -> the row as messages
# name it), resolve (command prefix: ID or number -> the id; errors when none), unit (owning unit
# column, "" none), overseer (command: whether the actor acts for every unit), pauses (command
# prefix: ID -> calendar::due -pauses list, "" none), triggers (calendar trigger -> column of the
# row holding its time), mirror (command prefix ID called after the row's deadlines changed, ""
# none), recomputed (command prefix ROW NEW YEAR called for each deadline a calendar import moved:
# writes the records), denied (format of the scope refusal: %1$s the login), doc (English
# paragraph for its docs page), console (the console command that fires it). Returns nothing.
proc workflow::process {name spec} {
    variable processes
    set p [dict merge {unit "" overseer workflow::isOffice pauses "" triggers {} mirror "" recomputed ""
                       denied denied.ownunit doc "" console ""} $spec]
    foreach f {title table owner object label resolve} {
        if {![dict exists $p $f]} { error "process $name: $f is missing" }
    }
    dict set processes $name $p
    if {$name ne "event"} {
        namespace eval ::workflow::p::$name {
            variable states {}
            variable transitions {}
            variable order {}
        }
        namespace eval ::workflow::p::${name}::do {}
        namespace eval ::workflow::p::${name}::guard {}
    }
    return
}

# workflow::Process: the declaration (dict) of process P; errors for an unknown one.
proc workflow::Process {p} {
    variable processes
    if {![dict exists $processes $p]} {
        yq::fail workflow.noprocess $p [join [dict keys $processes] 、]
    }
    dict get $processes $p
}

# workflow::Ns: the namespace holding process P's states, transitions and order.
proc workflow::Ns {p} {
    expr {$p eq "event" ? "::workflow" : "::workflow::p::$p"}
}

# workflow::Opt: split a leading "-process P" off ARGS (in the caller's variable ARGSVAR); returns P
# (event when not given).
proc workflow::Opt {argsVar} {
    upvar 1 $argsVar a
    if {[lindex $a 0] ne "-process"} { return event }
    set a [lassign $a - p]
    Process $p
    return $p
}

# workflow::state: declare state NAME of a process (?-process P?, default event) with its Chinese
# TITLE and a TEXT saying what it means; FINAL 1 for a state nothing leaves.
proc workflow::state {args} {
    set p [Opt args]
    lassign $args name title text final
    if {$final eq ""} { set final 0 }
    upvar #0 [Ns $p]::states states
    dict set states $name [dict create title $title text $text final $final]
}

# workflow::transition: declare transition NAME of a process (?-process P?, default event) from
# SPEC, a dict with from (states left; {} for a transition that creates the row), to, perms, scope,
# title (Chinese), args (argument spec after the row id, see console.tcl), text (English), records, stops, cancels, starts,
# recomputes (rules recomputed after it: a pause began or ended), refuse (format of the refusal
# in a wrong state: %1$s the row as named, %2$s its state's title), notify, source.
proc workflow::transition {args} {
    set p [Opt args]
    lassign $args name spec
    upvar #0 [Ns $p]::transitions transitions [Ns $p]::order order [Ns $p]::states states
    variable processes
    if {[dict exists $processes $name]} { error "transition $name: a transition is not named like a process" }
    set t [dict merge {scope any stops {} cancels {} starts {} recomputes {} refuse "" notify {} source ""
                       records "" system 0} $spec]
    foreach f {from to perms title args text} {
        if {![dict exists $t $f]} { error "transition $name: $f is missing" }
    }
    foreach s [dict get $t from] {
        if {![dict exists $states $s]} { error "transition $name: unknown state $s" }
    }
    foreach {f s} [expr {[llength [dict get $t to]] > 1 ? [dict get $t to] : [list * [dict get $t to]]}] {
        if {$s ne "=" && ![dict exists $states $s]} { error "transition $name: unknown state $s" }
    }
    foreach x [dict get $t perms] {
        if {![dict exists $org::perms $x]} { error "transition $name: unknown permission $x" }
    }
    if {[dict get $t scope] ni {any unit claim office}} { error "transition $name: unknown scope [dict get $t scope]" }
    foreach {rule when} [dict get $t starts] { calendar::Rule $rule }
    dict set transitions $name $t
    lappend order $name
}

workflow::process event {
    title 舆情事件 table event owner event_id object event label workflow::EventLabel resolve workflow::EventId
    unit unit_id triggers {detected created} console event
    doc "An event: posts about one matter (一事一报), from detection to its published reply and follow-up."
}

# workflow::EventLabel / workflow::EventId: how messages name event ID; the id of event ID (errors
# when there is none).
proc workflow::EventLabel {id} { return "event $id" }
proc workflow::EventId {id} { event::exists $id; return $id }

# ---- the declaration ---------------------------------------------------------------------------

workflow::state detected      已发现   "found by the patrol; the claim window and the 2-hour report run"
workflow::state reported      已报送   "《网络舆情专报》 issued to the leaders; waiting to be claimed"
workflow::state claimed       已认领   "owned by a unit (claimed, or assigned by the info office); the investigation clock runs"
workflow::state handedback    已退回   "the unit handed it back as not its own; the info office re-routes it"
workflow::state judged        已研判   "risk level confirmed or changed by the info office (会商 for major cases)"
workflow::state investigating 核查中   "the unit investigates (handler and contact reported)"
workflow::state investigated  已形成调查报告 "核实调查报告 filed; the reply is due"
workflow::state drafted       回复待审定 "reply drafted by the handler, waiting for the unit head"
workflow::state approved      回复已审定 "reply approved by the unit head (high-attention replies then go to the info office)"
workflow::state reviewed      回复已审核 "high-attention reply reviewed by the info office"
workflow::state followup      跟踪观察 "reply published; new posts reopen the event to the handler"
workflow::state reopened      重新激活 "new posts appeared during follow-up; back with the handler"
workflow::state closed        已办结   "finished (or dismissed as needing no action)" 1

set workflow::open {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened}

workflow::transition detect {
    from {} to detected perms workflow.system system 1 title 发现
    args {} text "The patrol found a new matter (an event is created)."
    starts {claim {} report_general {}} notify {office unit:handler}
    records "the event's first timeline step" source "001 第六条、第八条"
}
workflow::transition report {
    from {detected reported claimed judged investigating investigated drafted approved reviewed followup reopened}
    to {detected reported * =} perms event.report title 报送专报
    args {{-to 报送对象}} text "Issue the 《网络舆情专报》 to the leaders (numbered document, sent to the leaders)."
    stops {report_general report_major} notify {leader office unit:unithead}
    records "document 专报" source "000 二.2; 001 第八条"
}
workflow::transition unitreport {
    from {claimed judged investigating investigated drafted approved reviewed followup reopened}
    to = perms event.unitreport scope unit title 报告本单位领导
    args {{leaders 报告对象} {-by 报告人} {-at 报告时间}}
    text "The owning unit records its report of the matter to its own leaders (who, when, to whom); the info office gets a copy. It meets the 2-hour report as the office's 专报 does."
    stops {report_general} notify {office} records "unit_report row (reporter, leaders, time); the 2-hour report met at the time reported"
    source "001 第八条"
}
workflow::transition claim {
    from {detected reported} to claimed perms event.claim scope claim title 认领
    args {{-unit 单位} {-legacy 历史遗留问题 flag}} text "The owning unit claims the event (late when the claim window has passed)."
    stops {claim} starts {investigate {!$e(legacy)} investigate_legacy {$e(legacy)} extension_request {}}
    notify {office unit:unithead} records "claim row (mode claimed, overdue flag); investigation row" source "001 第六条"
}
workflow::transition assign {
    from {detected reported} to claimed perms event.assign title 指定认领
    args {{unit 单位} {-legacy 历史遗留问题 flag} {-auto 时钟自动指定 flag} {-reason 改派理由}} text "The info office assigns the event to a unit (with the reason when it is not the suggested one: a routing correction, listed on /routing); after the claim window (or by the clock) it is recorded as overdue against the suggested unit."
    stops {claim} starts {investigate {!$e(legacy)} investigate_legacy {$e(legacy)} extension_request {}}
    notify {office unit:handler unit:unithead} records "claim row (mode assigned or auto, overdue flag); investigation row" source "001 第六条"
}
workflow::transition handback {
    from {claimed judged investigating} to handedback perms event.handle scope unit title 退回
    args {{reason 理由}} text "The unit hands back an event that is not its own, with a reason."
    cancels {investigate investigate_legacy extension_request} starts {claim {}}
    notify {office} records "claim row ended with the reason" source "001 第六条"
}
workflow::transition reroute {
    from {handedback} to claimed perms event.assign title 重新交办
    args {{unit 单位} {-legacy 历史遗留问题 flag} {-reason 改派理由}} text "The info office re-routes a handed-back event to another unit, with its reason (listed on /routing)."
    stops {claim} starts {investigate {!$e(legacy)} investigate_legacy {$e(legacy)} extension_request {}}
    notify {unit:handler unit:unithead} records "claim row (mode rerouted); investigation row" source "001 第六条"
}
workflow::transition judge {
    from {claimed judged investigating investigated drafted approved reviewed followup reopened}
    to {claimed judged * =} perms event.judge title 研判
    args {{level 等级 choice(一般|较大|重大|特别重大)} {reason 理由} {-plan 处置方案} {-consult 会商记录} {-attention 关注度高 bool}}
    text "The info office confirms or changes the risk level with a reason; 重大/特别重大 need a consultation (会商) record and start the 2-hour major report and the 24/48-hour limits."
    starts {report_major {$e(major)} press_conference {$e(major)} respond {$e(major)}}
    notify {unit:handler unit:unithead office} records "judgement row; the event's level and attention" source "001 第七条; 004 二(四)"
}
workflow::transition escalate {
    from {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened}
    to = perms workflow.system system 1 title 升级
    args {} text "The analysis raised the level to 重大/特别重大: the major-report and 24/48-hour limits start."
    starts {report_major {} press_conference {} respond {}}
    notify {office leader unit:handler unit:unithead} records "" source "001 第八条; 004 二(四)"
}
workflow::transition investigate {
    from {claimed judged} to investigating perms event.handle scope unit title 核实调查
    args {{handler 承办人} {contact 联系方式}} text "The unit starts investigating and reports its handler's name and contact."
    notify {office} records "investigation handler and contact; the event's handler" source "000 二.3; 001 第八条"
}
workflow::transition extend {
    from {claimed judged investigating} to = perms event.extend scope unit title 申请延期
    args {{days 延期工作日数} {reason 理由}} text "The unit files its one written extension request (within 3 working days of claiming)."
    stops {extension_request} notify {office} records "investigation extension request" source "001 第八条"
}
workflow::transition decide {
    from {claimed judged investigating} to = perms event.decide title 审批延期
    args {{verdict 决定 choice(approve|refuse)} {note 说明 text ""}} text "The info office approves (the investigation deadline moves) or refuses the extension request."
    notify {unit:handler unit:unithead} records "investigation extension decision; the investigate deadline extended" source "001 第八条"
}
workflow::transition conclude {
    from {investigating} to investigated perms event.handle scope unit title 提交调查报告
    args {{report 调查报告}} text "The unit files its 核实调查报告; the reply deadline starts (5 working days when high-attention)."
    stops {investigate investigate_legacy} cancels {extension_request}
    starts {reply {!$e(attention)} reply_major {$e(attention)}}
    notify {office unit:unithead} records "investigation report; document 调查报告" source "001 第八条、第九条"
}
workflow::transition reply {
    from {investigated drafted reopened} to drafted perms event.handle scope unit title 起草回复
    args {{body 回复内容} {-question 网民问题}} text "The handler drafts (or revises) the reply, linked to the original post."
    notify {unit:unithead} records "reply row (draft)" source "001 第九条; 000 二.4"
}
workflow::transition approve {
    from {drafted} to approved perms event.approve scope unit title 审定回复
    args {} text "The unit head approves the reply."
    notify {office unit:handler} records "reply approved_by/at" source "001 第九条"
}
workflow::transition sendback {
    from {drafted approved} to investigated perms {event.approve event.review} scope unit title 退回修改
    args {{comment 退回意见}} text "Whoever approves or reviews the reply sends it back to the handler with a comment (the unit head a draft, the info office an approved high-attention reply); the handler revises it."
    notify {unit:handler office} records "reply back to draft; reply_return with the comment" source "001 第九条"
}
workflow::transition review {
    from {approved} to reviewed perms event.review title 审核回复
    args {} text "The info office reviews a high-attention reply (会商审定)."
    notify {unit:handler unit:unithead} records "reply reviewed_by/at" source "001 第九条"
}
workflow::transition publish {
    from {approved reviewed} to followup perms event.publish title 发布回复
    args {} text "The reply is published in the 网络新闻发言人 column (a high-attention reply only after review); follow-up watch begins."
    stops {reply reply_major respond} notify {office leader unit:handler unit:unithead}
    records "reply published_at; public pages invalidated" source "001 第九条; 000 二.4"
}
workflow::transition respond {
    from {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened}
    to = perms event.respond scope unit title 首次回应
    args {{text 回应内容} {-press 新闻发布会 elsewhere(press)}} text "Record the first public response; it meets the 48-hour limit (not the 24-hour press conference)."
    stops {respond} notify {office leader} records "step note" source "004 二(四)"
}
workflow::transition press {
    from {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened}
    to = perms event.respond scope unit title 召开新闻发布会
    args {{place 地点或渠道} {-at 时间} {-url 链接}}
    text "Record a press conference held (time, place or channel, link): it meets the 24-hour limit, and as a public response the 48-hour one."
    stops {press_conference respond} notify {office leader}
    records "press_conference row (time, place or channel, link); the limits met at the time held" source "004 二(四)"
}
workflow::transition reopen {
    from {followup} to reopened perms workflow.system system 1 title 重新激活
    args {{post 帖子编号}} text "New posts on an event in follow-up reopen it to the handler."
    starts {reply {}} notify {unit:handler unit:unithead office} records "" source "001 第九条"
}
workflow::transition close {
    from {detected reported handedback followup reopened} to closed perms event.close title 办结
    args {{reason 理由}} text "The info office closes the event (after follow-up, or dismisses one that needs no action); open deadlines are cancelled."
    cancels * notify {unit:handler} records "" source "001 第九条"
}
workflow::transition instruct {
    from {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened}
    to = perms instruction.write title 领导批示
    args {{text 批示内容} {-due 时限}} text "A leader's instruction (批示) attaches to the event as a tracked task with its own due date."
    notify {office unit:handler unit:unithead} records "instruction row and its deadline" source "000 二.3; 001 第八条"
}
workflow::transition fulfil {
    from {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened closed}
    to = perms instruction.fulfil scope unit title 落实批示
    args {{instruction 批示编号} {result 落实结果}} text "The result of carrying out a leader's instruction is recorded; its deadline stops."
    notify {leader office} records "instruction result" source "000 二.3"
}
workflow::transition police {
    from {detected reported claimed handedback judged investigating investigated drafted approved reviewed followup reopened}
    to = perms event.police title 移交公安
    args {{reason 理由}} text "A rumour endangering public order is referred to the police and the internet regulator."
    notify {office leader} records "event police" source "004 二(四)"
}

# ---- the engine --------------------------------------------------------------------------------

# workflow::stateTitle: the Chinese name of state S ("" for none) of a process (?-process P?).
proc workflow::stateTitle {args} {
    set p [Opt args]
    upvar #0 [Ns $p]::states states
    set s [lindex $args 0]
    expr {[dict exists $states $s] ? [dict get $states $s title] : ""}
}

# workflow::stepTitle: the Chinese name of timeline step ACTION of a process (?-process P?): a
# transition's title, or one of the clock's own steps (deadline.warning, deadline.breach,
# deadline.recompute); else ACTION.
proc workflow::stepTitle {args} {
    set p [Opt args]
    upvar #0 [Ns $p]::transitions transitions
    set action [lindex $args 0]
    set clock {deadline.warning 时限预警 deadline.breach 时限超期 deadline.recompute 时限重算}
    if {[dict exists $transitions $action]} { return [dict get $transitions $action title] }
    if {[dict exists $clock $action]} { return [dict get $clock $action] }
    return $action
}

# workflow::Target: the state transition T leads to from state FROM.
proc workflow::Target {t from} {
    set to [dict get $t to]
    if {[llength $to] == 1} { return [expr {$to eq "=" ? $from : $to}] }
    if {[dict exists $to $from]} { set s [dict get $to $from] } else { set s [dict get $to *] }
    expr {$s eq "=" ? $from : $s}
}

# workflow::isOffice: whether the acting principal is info office staff (or a superuser).
proc workflow::isOffice {} {
    set a [org::actor]
    expr {[dict get $a superuser] || "office" in [dict get $a roles]}
}

# workflow::inOffice: whether the acting principal belongs to an office-kind unit (or is a
# superuser): scope office, e.g. the head of the disclosure office approving (002 第十五条).
proc workflow::inOffice {} {
    set a [org::actor]
    if {[dict get $a superuser]} { return 1 }
    set uid [dict get $a unit_id]
    db exists {SELECT 1 FROM unit WHERE id = $uid AND kind = 'office'}
}

# workflow::Allowed: errors unless the acting principal may fire T (name NAME) of process P on the
# row E (an array in the caller; empty for a transition that creates the row).
proc workflow::Allowed {p name t eVar} {
    upvar 1 $eVar e
    set a [org::actor]
    if {[dict get $t system] && ![dict get $a superuser]} {
        yq::deny denied.system [stepTitle -process $p $name]
    }
    set ok 0
    foreach x [dict get $t perms] { if {[org::can $x]} { set ok 1; break } }
    if {!$ok && [llength [dict get $t perms]]} {
        yq::deny denied.transition [dict get $a login] [dict get $t title] \
            [join [lmap x [dict get $t perms] { yq::mc perm.$x }] 或]
    }
    set P [Process $p]
    switch -- [dict get $t scope] {
        unit {
            set col [dict get $P unit]
            if {[info exists e($col)] && ![{*}[dict get $P overseer]] && [dict get $a unit_id] ne $e($col)} {
                if {$p eq "event"} { yq::deny denied.eventunit $e(id) [dict get $a unit] }
                yq::deny [dict get $P denied] [dict get $a login]
            }
        }
        office {
            if {![inOffice]} {
                yq::deny denied.officeonly [dict get $a login] [dict get $t title]
            }
        }
    }
}

# workflow::Guard: what guard NAME of process P says about row ID now ({} none, {state TEXT},
# {denied TEXT}; see workflow::guard::publish). Reads only.
proc workflow::Guard {p name id} {
    set g [expr {$p eq "event" ? "::workflow::guard::$name" : "::workflow::p::${p}::guard::$name"}]
    if {![llength [info procs $g]]} { return {} }
    $g $id
}

# workflow::Row: process P's row ID into the array EVAR of the caller; 0 when there is none.
proc workflow::Row {p id eVar} {
    upvar 1 $eVar e
    set table [dict get [Process $p] table]
    array unset e
    db eval "SELECT * FROM $table WHERE id = \$id" e {}
    info exists e(state)
}

# workflow::possible: the transitions (names, in declaration order) the acting principal may fire
# on row ID of a process (?-process P?, default event) in its present state; the system's own
# transitions and those creating a row are left out. Reads only.
proc workflow::possible {args} {
    set p [Opt args]
    set id [lindex $args 0]
    upvar #0 [Ns $p]::transitions transitions [Ns $p]::order order
    set out {}
    if {![Row $p $id e]} { return {} }
    foreach name $order {
        set t [dict get $transitions $name]
        if {[dict get $t system] || $e(state) ni [dict get $t from]} { continue }
        if {$p eq "event" && $name eq "claim" && $e(unit_id) ne ""} { continue }
        if {[llength [Guard $p $name $id]]} { continue }
        if {![catch {Allowed $p $name $t e}]} { lappend out $name }
    }
    return $out
}

# workflow::permitted: whether the acting principal may fire transition NAME of a process
# (?-process P?) on row ID at all (permission and scope; the row's state aside). Reads only.
proc workflow::permitted {args} {
    set p [Opt args]
    lassign $args name id
    upvar #0 [Ns $p]::transitions transitions
    if {![dict exists $transitions $name]} { return 0 }
    if {![Row $p $id e]} { return 0 }
    expr {![catch {Allowed $p $name [dict get $transitions $name] e}]}
}

# workflow::fire: run transition NAME of a process (?-process P?, default event) on row ID with
# ARGS (its procedure's arguments) as the acting principal; for a transition creating the row
# (from {}: a request's registration, a submission's creation, a commission's issue) ID is "" and
# the procedure makes the row. One transaction: the row's new state, the procedure's records, the
# deadlines stopped, cancelled, started and recomputed, the timeline step (event_step, or
# process_step for the other processes), the audit entry (PROCESS.NAME) and the notifications are
# written together or not at all. Returns the step dict (step, event (the id, for events), id,
# transition, from, to, note).
proc workflow::fire {args} {
    set p [Opt args]
    set args [lassign $args name id]
    upvar #0 [Ns $p]::transitions transitions [Ns $p]::states states
    if {![dict exists $transitions $name]} {
        yq::fail workflow.notransition $name [join [dict keys $transitions] 、]
    }
    set P [Process $p]
    set t [dict get $transitions $name]
    set creates [expr {$p ne "event" && ![llength [dict get $t from]]}]
    if {!$creates} { set id [{*}[dict get $P resolve] $id] }
    set owner [dict get $P owner]
    set do [expr {$p eq "event" ? "::workflow::do::$name" : "::workflow::p::${p}::do::$name"}]
    db transaction immediate {
        if {$creates} {
            set from ""
            array set e {}
            Allowed $p $name $t e
            set ::workflow::created ""
            set ::workflow::overdue 0
            set ::workflow::metAt ""
            set note [$do $args]
            set id $::workflow::created
            if {$id eq ""} { error "transition $name made no row" }
        } else {
            Row $p $id e
            # an event names its state first; the other processes (as their commands always did)
            # their permission first
            if {$p ne "event"} { Allowed $p $name $t e }
            set from [expr {$name eq "detect" ? "" : $e(state)}]
            set fromOk [expr {$from in [dict get $t from] || ($name eq "detect" && ![db exists {SELECT 1 FROM event_step WHERE event_id = $id}])}]
            if {!$fromOk} {
                if {$p eq "event"} {
                    yq::fail event.state $id [dict get $states $e(state) title] [dict get $t title] \
                        [join [lmap s [dict get $t from] {dict get $states $s title}] 、]
                }
                set label [{*}[dict get $P label] $id]
                # refuse: a catalogue key (%1$s the row, %2$s its state, %3$s the transition)
                set refuse [expr {[dict get $t refuse] ne "" ? [dict get $t refuse] : "workflow.state"}]
                yq::fail $refuse $label [dict get $states $e(state) title] [dict get $t title]
            }
            if {$p eq "event"} {
                Allowed $p $name $t e
            } else {
                lassign [Guard $p $name $id] why text
                if {$why eq "denied"} { error $text {} {YQBOX DENIED} }
                if {$why eq "state"} { error $text }
            }
            # the transition's own checks and records; it may change the row
            set ::workflow::overdue 0
            set ::workflow::metAt ""
            set note [$do $id $args]
        }
        Row $p $id e
        set to [Target $t $from]
        set at [yqbox::iso]
        db eval "UPDATE [dict get $P table] SET state = \$to, updated = \$at WHERE id = \$id"
        set e(state) $to
        if {$p eq "event"} { set e(major) [expr {$e(level) in $::workflow::majorLevels}] }
        # deadlines: stop, cancel, start, recompute. A duty recorded after the fact (metAt) is met
        # when it was done: on time if that was by the due time, even if the clock has recorded a
        # breach since.
        set met [expr {$::workflow::metAt eq "" ? [yqbox::now] : $::workflow::metAt}]
        set metIso [yqbox::iso $met]
        foreach rule [dict get $t stops] { deadline::Stop $owner $id $rule $name $met }
        if {[dict get $t cancels] eq "*"} {
            db eval "UPDATE deadline SET state = 'cancelled', stopped_at = \$at, stopped_by = \$name
                     WHERE $owner = \$id AND state = 'open'"
        } else {
            foreach rule [dict get $t cancels] {
                db eval "UPDATE deadline SET state = 'cancelled', stopped_at = \$at, stopped_by = \$name
                         WHERE $owner = \$id AND rule = \$rule AND state = 'open' AND instruction_id IS NULL"
            }
        }
        foreach {rule when} [dict get $t starts] {
            if {$when eq "" || [expr $when]} { deadline::start $id $rule -process $p }
        }
        foreach rule [dict get $t recomputes] {
            foreach d [db eval "SELECT id FROM deadline WHERE $owner = \$id AND rule = \$rule AND state = 'open'"] {
                deadline::refresh $d
            }
        }
        if {[dict get $P mirror] ne ""} { {*}[dict get $P mirror] $id }
        set a [org::actor]
        set object [dict get $P object]
        set aid [audit::record $p.$name $object:$id -before "state=$from" \
                     -after "state=$to[expr {$note ne "" ? " $note" : ""}]"]
        set role [join [dict get $a roles] ,]
        set unit [dict get $a unit]
        set login [dict get $a login]
        set origin [dict get $a origin]
        set ucol [dict get $P unit]
        set uid [expr {$ucol ne "" ? $e($ucol) : ""}]
        if {$p eq "event"} {
            set overdue $::workflow::overdue
            db eval {INSERT INTO event_step(event_id, at, action, from_state, to_state, login, role, unit,
                                            origin, unit_id, note, overdue, audit_id)
                     VALUES($id, $at, $name, $from, $to, $login, $role, $unit, $origin, nullif($uid, ''), $note,
                            $overdue, $aid)}
            set step [db last_insert_rowid]
            notify::queue $id event.$name [dict get $t notify] \
                "#$id $e(title)：[dict get $t title]（[stateTitle $to]）" \
                [join [list "事件 #$id：$e(title)" "操作：[dict get $t title]，$login（$origin）" \
                           "状态：[stateTitle $from] → [stateTitle $to]" \
                           {*}[expr {$note ne "" ? [list "说明：[yq::note $note]"] : {}}] "时间：$at"] \n]
        } else {
            set step [Step $p $id $at $name $from $to $uid $note $aid]
            set label [{*}[dict get $P label] $id]
            notify::queue "" $p.$name [dict get $t notify] \
                "$label：[dict get $t title]（[stateTitle -process $p $to]）" \
                [join [list "[dict get $P title]：$label" "操作：[dict get $t title]，$login（$origin）" \
                           "状态：[stateTitle -process $p $from] → [stateTitle -process $p $to]" \
                           {*}[expr {$note ne "" ? [list "说明：[yq::note $note]"] : {}}] "时间：$at"] \n] $p:$id
        }
        # whatever follows every step (the report to the city box: federation/county.tcl)
        foreach h $::workflow::stepHooks { {*}$h $p $id $name $from $to $note }
    }
    if {$p eq "event" && $name eq "publish"} { catch {cache invalidate *} }
    dict create step $step event $id id $id transition $name from $from to $to note $note
}

# workflow::Step: write the timeline row of a step of process P (not the event) on row ID at AT:
# ACTION from state FROM to TO, owning unit UID, NOTE, audit entry AID, by the acting principal.
# Returns the row's id.
proc workflow::Step {p id at action from to uid note aid} {
    set a [org::actor]
    set role [join [dict get $a roles] ,]
    set unit [dict get $a unit]
    set login [dict get $a login]
    set origin [dict get $a origin]
    db eval {INSERT INTO process_step(process, object_id, at, action, from_state, to_state, login, role, unit,
                                      origin, unit_id, note, audit_id)
             VALUES($p, $id, $at, $action, $from, $to, $login, $role, $unit, $origin, nullif($uid, ''), $note, $aid)}
    db last_insert_rowid
}

# workflow::system: run SCRIPT as the system principal (the clock, the patrol).
proc workflow::system {script} {
    org::as $::workflow::system [list uplevel 1 $script]
}

# workflow::Args: ARGV (the words after the event id) checked against the spec of transition
# NAME (its `args`, the same spec the console's `event NAME` is declared with); sets one variable
# per spec element in the caller. Errors with the console's usage line otherwise.
proc workflow::Args {name argv} {
    set d [cmdlayer::args event $name $argv 1]
    uplevel 1 [list lassign [dict values $d] {*}[dict keys $d]]
}

# workflow::NonEmpty: TEXT trimmed; errors naming WHAT when it is empty (in Chinese when WHAT is
# Chinese: "请填写WHAT").
proc workflow::NonEmpty {text what} {
    set t [string trim $text]
    if {$t eq ""} {
        yq::fail workflow.empty $what
    }
    return $t
}

# workflow::Bounded: TEXT, unless it is longer than MAX characters: then errors naming WHAT (Chinese).
proc workflow::Bounded {text what max} {
    if {[string length $text] > $max} { yq::fail workflow.long $what $max }
    return $text
}

# workflow::cnTime: SECONDS as "YYYY-MM-DD HH:MM" in the configured zone (for notes and messages).
proc workflow::cnTime {seconds} {
    clock format $seconds -format "%Y-%m-%d %H:%M" -timezone :[conf::get timezone]
}

# workflow::PastTime: the time TEXT given as WHAT (Chinese) on event ID, as seconds: "" is now;
# else YYYY-MM-DD HH:MM (or HH:MM:SS; a T for the space) in the configured zone, no earlier than
# the event's detection and no later than now. Errors in Chinese otherwise. Reads only.
proc workflow::PastTime {id text what} {
    set now [yqbox::now]
    set text [string trim $text]
    if {$text eq ""} { return $now }
    if {![regexp {^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(:\d\d)?$} $text -> d hm sec]
        || [catch {clock scan "$d $hm[expr {$sec eq "" ? ":00" : $sec}]" -format "%Y-%m-%d %H:%M:%S" \
                       -timezone :[conf::get timezone]} t]
        || [clock format $t -format "%Y-%m-%d %H:%M" -timezone :[conf::get timezone]] ne "$d $hm"} {
        yq::fail workflow.timeformat $what
    }
    if {$t > $now} { yq::fail workflow.future $what [cnTime $now] }
    set found [yqbox::seconds [db onecolumn {SELECT created FROM event WHERE id = $id}]]
    if {$t < $found} { yq::fail workflow.beforefound $what [cnTime $found] }
    return $t
}

# workflow::actorName: the acting user's name (the login for the console and the system).
proc workflow::actorName {} {
    set a [org::actor]
    set uid [dict get $a user_id]
    set name [expr {$uid eq "" ? "" : [db onecolumn {SELECT name FROM user WHERE id = $uid}]}]
    expr {$name eq "" ? [dict get $a login] : $name}
}

# workflow::Unit: the id of the active unit NAME; errors for an unknown or disabled unit.
proc workflow::Unit {name} {
    set id [org::unitId $name]
    if {![db onecolumn {SELECT active FROM unit WHERE id = $id}]} { yq::fail unit.disabled $name }
    return $id
}

# workflow::officeUnit: the id of the info office unit.
proc workflow::officeUnit {} {
    db onecolumn {SELECT id FROM unit WHERE kind = 'office' ORDER BY id LIMIT 1}
}

# workflow::TakeOn: make unit UID the owner of event ID (MODE claimed/assigned/auto/rerouted,
# LEGACY flag); records the claim row (overdue when the claim window has passed: counted against
# the suggested unit) and a new investigation row. Returns the note text.
proc workflow::TakeOn {id uid mode legacy} {
    set at [yqbox::iso]
    set now [yqbox::now]
    set login [dict get [org::actor] login]
    set overdue [db exists {SELECT 1 FROM deadline WHERE event_id = $id AND rule = 'claim'
                            AND instruction_id IS NULL AND due_epoch < $now
                            AND id = (SELECT max(id) FROM deadline WHERE event_id = $id AND rule = 'claim')}]
    if {$mode eq "rerouted"} { set overdue 0 }
    set late ""
    set lname ""
    if {$overdue} {
        # counted against the suggested unit, even a deactivated one; one not created yet is kept
        # by name (the assessment counts it once the unit exists), else against the new owner
        set lname [db onecolumn {SELECT suggested_unit FROM event WHERE id = $id}]
        set late [db onecolumn {SELECT id FROM unit WHERE name = $lname}]
        if {$late eq "" && $lname eq ""} { set late $uid }
    }
    set ::workflow::overdue $overdue
    db eval {INSERT INTO claim(event_id, unit_id, mode, overdue, late_unit, late_name, at, login)
             VALUES($id, $uid, $mode, $overdue, nullif($late, ''), $lname, $at, $login)}
    db eval {UPDATE event SET unit_id = $uid, legacy = $legacy WHERE id = $id}
    db eval {INSERT INTO investigation(event_id, unit_id, started) VALUES($id, $uid, $at)}
    set name [db onecolumn {SELECT name FROM unit WHERE id = $uid}]
    return "unit=$name mode=$mode[expr {$overdue ? " overdue" : ""}][expr {$legacy ? " legacy" : ""}]"
}

# workflow::Investigation: the id of event ID's current investigation; errors when there is none.
proc workflow::Investigation {id} {
    set i [db onecolumn {SELECT max(id) FROM investigation WHERE event_id = $id}]
    if {$i eq ""} { yq::fail event.noinvestigation $id }
    return $i
}

# workflow::Reply: the id of event ID's newest reply in STATE ("" when none).
proc workflow::Reply {id state} {
    db onecolumn {SELECT max(id) FROM reply WHERE event_id = $id AND state = $state}
}

# ---- what each transition checks and records (workflow::do::NAME ID ARGS -> note) --------------

proc workflow::do::detect {id argv} { return "" }

proc workflow::do::report {id argv} {
    workflow::Args report $argv
    set doc [documents::issue 专报 $id -to $to]
    return "专报 [documents::numberText $doc]"
}

# workflow::do::unitreport: the owning unit's report to its own leaders (001 第八条): LEADERS (to
# whom, free text), -by NAME (who; default the acting user's name), -at TIME (when; default now;
# see workflow::PastTime). Records a unit_report row; the 2-hour report is met at that time
# (metAt). Returns the note shown on the timeline (Chinese).
proc workflow::do::unitreport {id argv} {
    workflow::Args unitreport $argv
    set leaders [workflow::Bounded [workflow::NonEmpty $leaders 报告对象（本单位领导）] 报告对象 500]
    set by [workflow::Bounded [string trim $by] 报告人 100]
    if {$by eq ""} { set by [workflow::actorName] }
    set t [workflow::PastTime $id $at 报告时间]
    set unit [db onecolumn {SELECT unit_id FROM event WHERE id = $id}]
    set at [yqbox::iso $t]
    set now [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {INSERT INTO unit_report(event_id, unit_id, reporter, leaders, at, login, recorded)
             VALUES($id, $unit, $by, $leaders, $at, $login, $now)}
    set ::workflow::metAt $t
    return "${by}于 [workflow::cnTime $t] 报告本单位领导：$leaders（抄送信息办）"
}

proc workflow::do::claim {id argv} {
    workflow::Args claim $argv
    set a [org::actor]
    if {$unit ne ""} {
        if {![workflow::isOffice]} { yq::fail event.claimother }
        set uid [workflow::Unit $unit]
    } elseif {[dict get $a unit_id] ne ""} {
        set uid [dict get $a unit_id]
    } else {
        yq::fail event.claimunit
    }
    workflow::TakeOn $id $uid claimed $legacy
}

proc workflow::do::assign {id argv} {
    workflow::Args assign $argv
    if {$auto && [dict get [org::actor] login] ne "system"} { yq::fail event.auto }
    set uid [workflow::Unit $unit]
    set note [workflow::TakeOn $id $uid [expr {$auto ? "auto" : "assigned"}] $legacy]
    workflow::RouteReason $reason
    return $note
}

# workflow::RouteReason: record REASON (why the office routed the event elsewhere than suggested)
# on the claim row just made (claim.reason: on an ended row the unit's hand-back reason, on the
# office's assign or reroute row its own). Returns nothing.
proc workflow::RouteReason {reason} {
    set reason [string trim $reason]
    if {$reason ne ""} { db eval {UPDATE claim SET reason = $reason WHERE id = (SELECT max(id) FROM claim)} }
}

proc workflow::do::handback {id argv} {
    workflow::Args handback $argv
    set reason [workflow::NonEmpty $reason 理由]
    set at [yqbox::iso]
    set unit [db onecolumn {SELECT n.name FROM event e JOIN unit n ON n.id = e.unit_id WHERE e.id = $id}]
    db eval {UPDATE claim SET ended = $at, reason = $reason
             WHERE id = (SELECT max(id) FROM claim WHERE event_id = $id)}
    db eval {UPDATE event SET unit_id = NULL WHERE id = $id}
    return "unit=$unit reason=$reason"
}

proc workflow::do::reroute {id argv} {
    workflow::Args reroute $argv
    set uid [workflow::Unit $unit]
    set last [db onecolumn {SELECT unit_id FROM claim WHERE event_id = $id ORDER BY id DESC LIMIT 1}]
    if {$uid == $last} { yq::fail event.handedback $unit }
    set note [workflow::TakeOn $id $uid rerouted $legacy]
    workflow::RouteReason $reason
    return $note
}

proc workflow::do::judge {id argv} {
    workflow::Args judge $argv
    set reason [workflow::NonEmpty $reason 理由]
    set consult [string trim $consult]
    if {$level in $::workflow::majorLevels && $consult eq ""} {
        yq::fail event.consult $level
    }
    if {$attention eq ""} {
        set attention [expr {[db onecolumn {SELECT attention FROM event WHERE id = $id}] || $level in $::workflow::majorLevels}]
    }
    set attention [expr {$attention ? 1 : 0}]
    set old [db onecolumn {SELECT level FROM event WHERE id = $id}]
    set at [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {INSERT INTO judgement(event_id, at, login, old_level, level, reason, plan, consultation, attention)
             VALUES($id, $at, $login, $old, $level, $reason, $plan, $consult, $attention)}
    db eval {UPDATE event SET level = $level, attention = $attention WHERE id = $id}
    return "level=$old→$level attention=$attention reason=$reason"
}

proc workflow::do::escalate {id argv} {
    return "level=[db onecolumn {SELECT level FROM event WHERE id = $id}]"
}

proc workflow::do::investigate {id argv} {
    workflow::Args investigate $argv
    set handler [workflow::NonEmpty $handler 承办人姓名]
    set contact [workflow::NonEmpty $contact 承办人联系方式]
    set i [workflow::Investigation $id]
    db eval {UPDATE investigation SET handler = $handler, contact = $contact WHERE id = $i}
    set h "$handler $contact"
    db eval {UPDATE event SET handler = $h WHERE id = $id}
    return "handler=$h"
}

# workflow::do::extend: the unit's one written extension request (DAYS working days, REASON),
# possible only while its window (the optional extension_request deadline, 3 working days from
# claiming) is open. Records it on the investigation. Returns the note.
proc workflow::do::extend {id argv} {
    workflow::Args extend $argv
    if {![string is entier -strict $days] || $days < 1 || $days > 60} { yq::fail event.extdays }
    set reason [workflow::Bounded [workflow::NonEmpty $reason 延期理由] 延期理由 20000]
    set i [workflow::Investigation $id]
    if {[db onecolumn {SELECT ext_state FROM investigation WHERE id = $i}] ne ""} {
        yq::fail event.extonce $id
    }
    set now [yqbox::now]
    db eval {SELECT due, due_epoch FROM deadline WHERE event_id = $id AND rule = 'extension_request'
             ORDER BY id DESC LIMIT 1} {
        if {$now > $due_epoch} {
            yq::fail event.extlate [conf::get rule_extension_request] $due
        }
    }
    set at [yqbox::iso]
    db eval {UPDATE investigation SET ext_days = $days, ext_reason = $reason, ext_state = 'requested', ext_at = $at
             WHERE id = $i}
    return "days=$days reason=$reason"
}

proc workflow::do::decide {id argv} {
    workflow::Args decide $argv
    set i [workflow::Investigation $id]
    db eval {SELECT ext_state, ext_days, ext_reason FROM investigation WHERE id = $i} {}
    if {$ext_state ne "requested"} { yq::fail event.noextension $id }
    set state [expr {$verdict eq "approve" ? "approved" : "refused"}]
    set at [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {UPDATE investigation SET ext_state = $state, ext_decided_by = $login, ext_decided_at = $at,
             ext_note = $note WHERE id = $i}
    set out "extension=$state days=$ext_days"
    if {$verdict eq "approve"} {
        set d [db onecolumn {SELECT id FROM deadline WHERE event_id = $id AND state = 'open'
                             AND rule IN ('investigate', 'investigate_legacy') ORDER BY id DESC LIMIT 1}]
        if {$d eq ""} { yq::fail event.nodeadline $id }
        append out " due=[workflow::deadline::extend $d $ext_days $ext_reason]"
    }
    return $out
}

proc workflow::do::conclude {id argv} {
    workflow::Args conclude $argv
    set report [workflow::NonEmpty $report 调查报告]
    set i [workflow::Investigation $id]
    set at [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {UPDATE investigation SET report = $report, reported_at = $at, reported_by = $login WHERE id = $i}
    set doc [documents::issue 调查报告 $id]
    return "调查报告 [documents::numberText $doc]"
}

proc workflow::do::reply {id argv} {
    workflow::Args reply $argv
    set body [workflow::NonEmpty $body 回复内容]
    set q [string trim $question]
    set at [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {SELECT unit_id, title FROM event WHERE id = $id} {}
    if {$q eq ""} { set q $title }
    set url [db onecolumn {SELECT url FROM post WHERE event_id = $id ORDER BY first_seen, id LIMIT 1}]
    if {$url eq ""} { set url "" }
    set r [workflow::Reply $id draft]
    if {$r ne ""} {
        db eval {UPDATE reply SET body = $body, question = $q, updated = $at, author = $login WHERE id = $r}
        return "回复第 [workflow::Version $r] 稿（修改）"
    }
    db eval {INSERT INTO reply(event_id, unit_id, question, body, author, created, updated, original_url)
             VALUES($id, $unit_id, $q, $body, $login, $at, $at, $url)}
    return "回复第 [workflow::Version [db last_insert_rowid]] 稿"
}

# workflow::Version: keep reply R's text as its next version (reply_version). Returns its number.
proc workflow::Version {r} {
    set n [expr {[db onecolumn {SELECT coalesce(max(n), 0) FROM reply_version WHERE reply_id = $r}] + 1}]
    db eval {INSERT INTO reply_version(reply_id, n, question, body, author, at)
             SELECT id, $n, question, body, author, updated FROM reply WHERE id = $r}
    return $n
}

# workflow::guard::sendback: why the acting principal may not send event ID's reply back now: a
# draft waiting for approval is the unit head's to send back, an approved reply waiting for review
# the info office's. {} when it may (see workflow::guard::publish for the form).
proc workflow::guard::sendback {id} {
    set state [db onecolumn {SELECT state FROM event WHERE id = $id}]
    if {$state eq "drafted" && ![org::can event.approve]} {
        return [list denied "回复稿由本单位负责人审定，退回修改也由其决定"]
    }
    if {$state eq "approved" && (![workflow::isOffice] || ![org::can event.review])} {
        return [list denied "已审定的回复由信息办审核，退回修改也由信息办决定"]
    }
    return {}
}

# workflow::do::sendback: send the reply waiting for approval or review back to the handler with
# COMMENT: the reply is a draft again (its approval cleared) and the comment is kept. Returns the
# note.
proc workflow::do::sendback {id argv} {
    workflow::Args sendback $argv
    set comment [string trim $comment]
    if {$comment eq ""} { yq::fail event.sendbackempty }
    if {[string length $comment] > 2000} { yq::fail workflow.long 退回意见 2000 }
    lassign [workflow::guard::sendback $id] why text
    if {$why ne ""} { error $text {} {YQBOX DENIED} }
    set state [db onecolumn {SELECT state FROM event WHERE id = $id}]
    set r [workflow::Reply $id [expr {$state eq "drafted" ? "draft" : "approved"}]]
    if {$r eq ""} { yq::fail event.nodraft }
    set login [dict get [org::actor] login]
    set role [join [dict get [org::actor] roles] ,]
    set at [yqbox::iso]
    set n [db onecolumn {SELECT coalesce(max(n), 1) FROM reply_version WHERE reply_id = $r}]
    db eval {UPDATE reply SET state = 'draft', approved_by = '', approved_at = NULL, updated = $at WHERE id = $r}
    db eval {INSERT INTO reply_return(reply_id, version, login, role, at, comment)
             VALUES($r, $n, $login, $role, $at, $comment)}
    return "退回第 $n 稿：$comment"
}

# workflow::SignReply: move event ID's newest reply in state FROM to state TO (approved or
# reviewed), signed by the acting user (TO_by, TO_at). Returns the note.
proc workflow::SignReply {id from to} {
    set r [Reply $id $from]
    set at [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval "UPDATE reply SET state = \$to, ${to}_by = \$login, ${to}_at = \$at, updated = \$at WHERE id = \$r"
    return "reply=$r"
}

proc workflow::do::approve {id argv} {
    workflow::Args approve $argv
    workflow::SignReply $id draft approved
}

proc workflow::do::review {id argv} {
    workflow::Args review $argv
    if {![db onecolumn {SELECT attention FROM event WHERE id = $id}]} {
        yq::fail event.noreview $id
    }
    workflow::SignReply $id approved reviewed
}

# workflow::guard::publish: why the acting principal may not publish event ID's reply now, as
# {} (it may), {state TEXT} (not yet: a high-attention reply is reviewed first) or {denied TEXT}
# (never: another unit's event; the info office publishes high-attention replies). Read by
# workflow::possible (publish is not offered then) and workflow::do::publish. Reads only.
proc workflow::guard::publish {id} {
    db eval {SELECT state, attention, unit_id FROM event WHERE id = $id} {}
    if {![workflow::isOffice] && [dict get [org::actor] unit_id] ne $unit_id} {
        return [list denied "该事件不属于[dict get [org::actor] unit]，不能发布其回复"]
    }
    if {$attention && ![workflow::isOffice]} {
        return [list denied "关注度高、影响大的回复由信息办审核后统一发布（001 第九条）"]
    }
    if {$attention && $state ne "reviewed"} {
        return [list state "该事件关注度高：回复须经信息办审核后才能发布（001 第九条）"]
    }
    return {}
}

proc workflow::do::publish {id argv} {
    workflow::Args publish $argv
    lassign [workflow::guard::publish $id] why text
    if {$why eq "denied"} { error $text {} {YQBOX DENIED} }
    if {$why eq "state"} { error $text }
    db eval {SELECT state FROM event WHERE id = $id} {}
    set r [workflow::Reply $id [expr {$state eq "reviewed" ? "reviewed" : "approved"}]]
    set at [yqbox::iso]
    db eval {UPDATE reply SET state = 'published', published_at = $at, updated = $at WHERE id = $r}
    return "reply=$r"
}

# workflow::do::respond: the first public response TEXT (meets the 48-hour limit only). Returns
# the note shown on the timeline.
proc workflow::do::respond {id argv} {
    workflow::Args respond $argv
    set text [workflow::NonEmpty $text 回应内容]
    return "首次回应：$text"
}

# workflow::do::press: a press conference held on event ID (004 二(四)): PLACE (place or channel),
# -at TIME (when; default now; see workflow::PastTime), -url URL (optional; an http(s) address).
# Records a press_conference row; the 24- and 48-hour limits are met at that time (metAt).
# Returns the note shown on the timeline (Chinese).
proc workflow::do::press {id argv} {
    workflow::Args press $argv
    set place [workflow::Bounded [workflow::NonEmpty $place 发布会地点或渠道] 发布会地点或渠道 200]
    set url [string trim $url]
    if {$url ne "" && ([string length $url] > 2000 || [column::safeUrl $url] eq ""
                       || [catch {url parse $url} u] || [dict get $u scheme] ni {http https} || [dict get $u host] eq "")} {
        yq::fail event.badlink
    }
    set t [workflow::PastTime $id $at 发布会时间]
    set unit [db onecolumn {SELECT unit_id FROM event WHERE id = $id}]
    set at [yqbox::iso $t]
    set now [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {INSERT INTO press_conference(event_id, unit_id, at, place, url, login, recorded)
             VALUES($id, nullif($unit, ''), $at, $place, $url, $login, $now)}
    set ::workflow::metAt $t
    return "于 [workflow::cnTime $t] 召开新闻发布会（$place）[expr {$url ne "" ? "，链接 $url" : ""}]"
}

proc workflow::do::reopen {id argv} {
    lassign $argv post
    return "post=$post"
}

proc workflow::do::close {id argv} {
    workflow::Args close $argv
    return "reason=[workflow::NonEmpty $reason 理由]"
}

proc workflow::do::instruct {id argv} {
    workflow::Args instruct $argv
    set text [workflow::NonEmpty $text 批示内容]
    set a [org::actor]
    set leader [dict get $a login]
    set at [yqbox::iso]
    set limit [expr {$due eq "" ? [list [conf::get instruction_days] workdays] : $due}]
    # check the limit before writing anything
    set due [calendar::due [yqbox::now] $limit]
    set dueText [dict get $due due]
    set dueEpoch [dict get $due due_epoch]
    set unit [db onecolumn {SELECT unit_id FROM event WHERE id = $id}]
    db eval {INSERT INTO instruction(event_id, unit_id, leader, text, at, due, due_epoch)
             VALUES($id, nullif($unit, ''), $leader, $text, $at, $dueText, $dueEpoch)}
    set i [db last_insert_rowid]
    workflow::deadline::start $id $limit -instruction $i -title "落实领导批示：$text"
    return "instruction=$i due=$dueText"
}

proc workflow::do::fulfil {id argv} {
    workflow::Args fulfil $argv
    set i $instruction
    set result [workflow::NonEmpty $result 落实情况]
    if {![db exists {SELECT 1 FROM instruction WHERE id = $i AND event_id = $id}]} {
        yq::fail event.noinstruction $id $i
    }
    if {[db onecolumn {SELECT state FROM instruction WHERE id = $i}] eq "done"} { yq::fail event.instructiondone $i }
    set at [yqbox::iso]
    set login [dict get [org::actor] login]
    db eval {UPDATE instruction SET state = 'done', result = $result, done_at = $at, done_by = $login WHERE id = $i}
    db eval {UPDATE deadline SET state = 'done', met_at = $at, stopped_at = $at, stopped_by = 'fulfil'
             WHERE instruction_id = $i AND state = 'open'}
    return "instruction=$i result=$result"
}

proc workflow::do::police {id argv} {
    workflow::Args police $argv
    set reason [workflow::NonEmpty $reason 理由]
    set p "[yqbox::iso] $reason"
    db eval {UPDATE event SET police = $p WHERE id = $id}
    return "reason=$reason"
}

# ---- hooks from the analysis -------------------------------------------------------------------

# workflow::onCreate: a new event was created by the analysis: the detect step starts its clocks.
proc workflow::onCreate {id} {
    workflow::system { workflow::fire detect $id }
}

# workflow::onLevel: event ID's level rose from OLD to NEW: a rise to 重大/特别重大 escalates.
proc workflow::onLevel {id old new} {
    variable majorLevels
    if {$new in $majorLevels && $old ni $majorLevels
        && [db onecolumn {SELECT state FROM event WHERE id = $id}] in $::workflow::open
        && [db exists {SELECT 1 FROM event_step WHERE event_id = $id}]} {
        workflow::system { workflow::fire escalate $id }
    }
}

# workflow::onJoin: post POST joined event ID: during follow-up it reopens the event.
proc workflow::onJoin {id post} {
    if {[db onecolumn {SELECT state FROM event WHERE id = $id}] eq "followup"} {
        workflow::system { workflow::fire reopen $id $post }
    }
}

# workflow::onMerge: event FROM (still detected) is merged into INTO: its timeline, instructions
# and notices move to INTO; its deadlines go (INTO's own run on).
proc workflow::onMerge {into from} {
    db eval {DELETE FROM deadline WHERE event_id = $from}
    foreach t {event_step instruction notification} {
        db eval "UPDATE $t SET event_id = \$into WHERE event_id = \$from"
    }
}

lappend analyse::hooks workflow::onLevel
lappend analyse::mergeHooks workflow::onMerge
lappend analyse::createHooks workflow::onCreate
lappend analyse::joinHooks workflow::onJoin

# ---- listing and documentation -----------------------------------------------------------------

# workflow::statesText: the states, one per line.
proc workflow::statesText {} {
    set out {}
    dict for {name s} $::workflow::states {
        lappend out [format "%-14s %s  %s" $name [dict get $s title] [dict get $s text]]
    }
    join $out \n
}

# workflow::Perms: the roles that hold any of PERMS (for the listings).
proc workflow::Roles {perms} {
    set roles {}
    foreach p $perms {
        foreach r [dict get $org::perms $p] { if {$r ni $roles} { lappend roles $r } }
    }
    return $roles
}

# workflow::transitionsText: the transitions, a few lines each.
proc workflow::transitionsText {} {
    set out {}
    foreach name $::workflow::order {
        set t [dict get $::workflow::transitions $name]
        set to [dict get $t to]
        lappend out "$name [dict get $t title]: [join [dict get $t from] |] → [expr {[llength $to] == 1 ? $to : $to}]"
        set who [expr {[dict get $t system] ? "system" : [join [Roles [dict get $t perms]] ,]}]
        lappend out "    who: $who ([join [dict get $t perms] { or }]; scope [dict get $t scope])"
        if {[dict get $t stops] ne ""} { lappend out "    stops: [join [dict get $t stops] {, }]" }
        if {[dict get $t cancels] ne ""} { lappend out "    cancels: [join [dict get $t cancels] {, }]" }
        if {[dict get $t starts] ne ""} {
            lappend out "    starts: [join [lmap {r w} [dict get $t starts] {expr {$w eq "" ? $r : "$r if $w"}}] {, }]"
        }
        if {[dict get $t notify] ne ""} { lappend out "    notifies: [join [dict get $t notify] {, }]" }
    }
    join $out \n
}

# workflow::doc: the documentation page of a process (?-process P?, default event), generated from
# its declaration (and the calendar's rules): docs/workflow.md for the event, docs/P.md for the
# others (workflow::ProcessDoc).
proc workflow::doc {args} {
    set p [Opt args]
    if {$p ne "event"} { return [ProcessDoc $p] }
    set out [list "# The workflow of an event" "" \
        "Generated by `yqbox eval {workflow doc}` from scripts/workflow/states.tcl; do not edit." "" \
        "Every transition is one transaction: the event's state, the records below, the deadlines" \
        "stopped and started, one `event_step` row (the timeline), one audit entry (`event.NAME`) and" \
        "the queued notifications. The console runs them as `event NAME ARGS`; the web pages call" \
        "`workflow::fire NAME ID ARGS` as the logged-in user." "" "## States" "" \
        "| state | 名称 | meaning |" "|---|---|---|"]
    dict for {name s} $::workflow::states {
        lappend out "| `$name` | [dict get $s title] | [dict get $s text] |"
    }
    lappend out "" "## Transitions" "" \
        "Scope `unit`: a user who is not info office staff acts only on their own unit's events;" \
        "`claim`: the event becomes the claiming user's unit's. `system`: done by the clock or the patrol." ""
    foreach name $::workflow::order {
        set t [dict get $::workflow::transitions $name]
        set to [dict get $t to]
        if {[llength $to] > 1} {
            set to [join [lmap {f s} $to {expr {$f eq "*" ? "otherwise $s" : "$f → $s"}}] ", "]
        }
        set who [expr {[dict get $t system] ? "system" : [join [Roles [dict get $t perms]] ", "]}]
        set console [expr {[dict get $t system] ? "none (the system does it)" : "`[cmdlayer::usage event $name]`"}]
        set from [expr {[llength [dict get $t from]] ? [join [lmap s [dict get $t from] {string cat `$s`}] {, }] : "(a new event)"}]
        lappend out "### `$name` $to ([dict get $t title])" "" [dict get $t text] "" \
            "- console: $console" "- from: $from; to: $to" \
            "- who: $who (permission [join [dict get $t perms] { or }], scope [dict get $t scope])"
        if {[dict get $t stops] ne ""} { lappend out "- stops (met): [join [dict get $t stops] {, }]" }
        if {[dict get $t cancels] ne ""} {
            lappend out "- cancels: [expr {[dict get $t cancels] eq "*" ? "every open deadline" : [join [dict get $t cancels] {, }]}]"
        }
        lappend out {*}[DocTail $t]
    }
    lappend out "## The clock" "" \
        "The background interpreter runs `workflow::tick` every minute: each open deadline whose warning" \
        "time (deadline_warn_percent of its allowed time) or due time has passed gets its warning or" \
        "breach recorded once (`deadline.warning` / `deadline.breach` audit entries, a timeline step," \
        "notifications) in one transaction, so a restart neither loses nor repeats one. An event still" \
        "unclaimed when its claim window breaches is assigned by the system (`assign -auto`) to its" \
        "suggested unit (or the info office), recorded as overdue against that unit." "" \
        "An optional deadline (the extension-request window: a right, not a duty) is never warned or" \
        "breached: when it closes the tick ends it (cancelled, stopped_by `window`), and it is never listed" \
        "as overdue nor counted in the assessment. A duty recorded after the fact (`unitreport`, `press`" \
        "with -at) is met at the time given: on time if that was by the due time." ""
    join $out \n
}

# workflow::DocTail: the closing lines of transition T's entry on a docs page (the deadlines it
# starts, with their conditions; its records, notices and source), ending with an empty line.
proc workflow::DocTail {t} {
    set out {}
    if {[dict get $t starts] ne ""} {
        lappend out "- starts: [join [lmap {r w} [dict get $t starts] {
            set rr [calendar::Rule $r]
            string cat "$r ([calendar::UnitText [dict get $rr amount] [dict get $rr unit]] from [dict get $rr trigger_text])" [expr {$w eq "" ? "" : " when `$w`"}]
        }] {; }]"
    }
    if {[dict get $t records] ne ""} { lappend out "- records: [dict get $t records]" }
    if {[dict get $t notify] ne ""} { lappend out "- notifies: [join [dict get $t notify] {, }]" }
    if {[dict get $t source] ne ""} { lappend out "- source: [dict get $t source]" }
    lappend out ""
}

# workflow::ProcessDoc: docs/P.md of process P (not the event), generated from its declaration.
proc workflow::ProcessDoc {p} {
    set P [Process $p]
    upvar #0 [Ns $p]::states states [Ns $p]::transitions transitions [Ns $p]::order order
    set out [list "# The process of a [dict get $P object] ([dict get $P title])" "" \
        "Generated by `yqbox eval {workflow doc -process $p}` from its declaration; do not edit." "" \
        [dict get $P doc] "" \
        "It runs on the workflow engine (docs/workflow.md): every transition is one transaction: the" \
        "row's state, the records below, the deadlines stopped, cancelled, started and recomputed (in the" \
        "deadline table), one `process_step` row (the timeline), one audit entry (`$p.NAME` on" \
        "`[dict get $P object]:ID`) and the queued notifications. The console runs them through the" \
        "`[dict get $P console]` command; the web pages and the console call `workflow::fire -process $p NAME ID ARGS`." "" \
        "## States" "" "| state | 名称 | meaning |" "|---|---|---|"]
    dict for {name s} $states {
        lappend out "| `$name` | [dict get $s title] | [dict get $s text][expr {[dict get $s final] ? " (final)" : ""}] |"
    }
    lappend out "" "## Transitions" "" \
        "Scope `unit`: a user acts only on their own unit's rows unless they oversee every unit;" \
        "`office`: only a user of an office-kind unit (the disclosure office)." ""
    foreach name $order {
        set t [dict get $transitions $name]
        set to [dict get $t to]
        set who [expr {[llength [dict get $t perms]] ? [join [Roles [dict get $t perms]] ", "] : "anyone"}]
        set from [expr {[llength [dict get $t from]] ? [join [lmap s [dict get $t from] {string cat `$s`}] {, }] : "(a new row)"}]
        lappend out "### `$name` $to ([dict get $t title])" "" [dict get $t text] "" \
            "- arguments: `$name [dict get $t args]`" "- from: $from; to: $to" \
            "- who: $who (permission [expr {[llength [dict get $t perms]] ? [join [dict get $t perms] { or }] : "none"}], scope [dict get $t scope])"
        foreach {k label} {stops "stops (met)" cancels cancels recomputes recomputes} {
            if {[dict get $t $k] ne ""} { lappend out "- $label: [join [dict get $t $k] {, }]" }
        }
        lappend out {*}[DocTail $t]
    }
    lappend out "## The clock" "" \
        "Its deadlines are rows of the one deadline table: the background interpreter's minute tick" \
        "(`workflow::tick`) records each warning (deadline_warn_percent of the allowed time) and breach once," \
        "with an audit entry (`deadline.warning` / `deadline.breach` on `[dict get $P object]:ID`), a timeline" \
        "step and a notice to the info office; a calendar import recomputes the open ones in the same place" \
        "as the events' (`workflow::deadline::recompute`)." ""
    join $out \n
}

# workflow: the console command.
cmdlayer::noun workflow "事件处置流程：状态、流转（谁可操作、启停哪些时限）、生成流程文档、立即检查时限"
cmdlayer::command workflow states {} "列出事件的状态" { workflow::statesText }
cmdlayer::command workflow transitions {} "列出流转：从哪些状态到哪个状态、谁可操作、启停哪些时限" { workflow::transitionsText }
cmdlayer::command workflow doc {{-process 流程 text event} {file 文件 text ""}} "生成流程文档（event：docs/workflow.md 的内容；request、submission、commission：docs/ 下同名文件；给出文件时写入文件）" {
    if {$file ne ""} {
        set f [open $file w]
        fconfigure $f -encoding utf-8
        puts -nonewline $f "[workflow::doc -process $process]\n"
        close $f
        return
    }
    return [workflow::doc -process $process]
}
cmdlayer::command workflow tick {} "立即检查一次时限（预警、超期、逾期未认领自动指定）" { workflow::tick }
