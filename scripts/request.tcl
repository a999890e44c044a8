# request.tcl - disclosure of government information on request (依申请公开, seed 002 第一至二十三条).
#
# Registration from every channel (online form, letter, fax, e-mail, in person; staff fill in the
# form for an oral application, 第六条) with the required fields of 第七条; the identity check
# (第九、十七条); the answer deadline of rule request_answer (20 working days from receipt, 第十五条)
# computed by calendar::due from the request's receipt, its consultation pauses (third parties,
# 第十三条; other agencies, 第十一、十六条: their time does not count) and its one extension of at
# most rule_request_extension working days, approved by the head of the disclosure office and told
# to the applicant; the seven kinds of answer of 第十条, each with its printable answer letter;
# repeated-request detection (the same applicant, a similar description, within
# request_repeat_days); processing fees and hardship waivers (第十九、二十条); archiving and the
# yearly statistics table for the annual report (第二十一条). Applicants check the state online with
# the request number and a secret; only the secret's SHA-256 is stored.
#
# A request is a process of the workflow engine (scripts/workflow/states.tcl; docs/request.md is
# generated from the declaration below): every change is a transition fired by workflow::fire, one
# transaction with its state, its records, the answer deadline in the deadline table (started at
# receipt, recomputed when a consultation begins or ends, extended once, met by the answer,
# cancelled by a withdrawal), its process_step row, its audit entry and notices. A duplicate
# registration (the same application registered twice) is withdrawn by the office. The console
# command is the ensemble `request`; the public pages are in scripts/web/request.tcl, the staff
# pages in scripts/web/office.tcl.

namespace eval request {
    variable channels {online 网上申请 letter 信函 fax 传真 email 电子邮件 visit 当面申请}
    variable kinds {
        public    已主动公开
        disclose  予以公开
        withhold  不予公开
        none      信息不存在
        elsewhere 非本机关负责公开
        repeat    重复申请
        special   依照有关法律法规办理
    }
    # the details each answer kind needs (required) and may have (optional)
    variable details {
        public    {required where optional {}}
        disclose  {required how optional {when partial}}
        withhold  {required reason optional law}
        none      {required {} optional note}
        elsewhere {required reason optional {agency contact}}
        repeat    {required {} optional note}
        special   {required law optional note}
    }
    variable detailNames {where 获取方式和途径 how 提供方式 when 获取时间 partial 不予公开部分及理由
        reason 理由 law 法律法规依据 agency 负责公开的机关 contact 联系方式 note 说明}
    variable forms {纸质 电子文档 光盘 查阅}
    variable deliveries {邮寄 电子邮件 传真 自行领取 当场阅读}
    variable idTypes {person {居民身份证 护照 港澳居民来往内地通行证 台湾居民来往大陆通行证 其他}
                      organisation {统一社会信用代码 其他}}
    variable states {registered 办理中 answered 已答复 archived 已归档 withdrawn 已撤销}
    variable issued {}   ;# what the last registration told the applicant (number secret)
}

conf::key request_repeat_days {integer 1 3650} 365 \
    "同一申请人在此天数内提出描述相似的申请时标记为重复申请"
conf::key request_repeat_similarity {number 0.1 1.0} 0.6 \
    "两份申请描述视为重复所需的相似度（0 至 1，二元组 Jaccard）"
conf::key request_letter_prefix string 青山政办依复 \
    "依申请公开答复书的发文字号前缀：前缀〔年份〕N号"
conf::key request_cc string 县政府信息公开工作主管部门 \
    "每份答复书的抄送单位（002 第十五条：抄送同级政府信息公开工作主管部门）"
conf::key request_rate_per_hour {integer 1 10000} 10 \
    "每个地址每小时接受的在线申请数（以及失败的进度查询数）"
conf::key request_form_minutes {integer 5 1440} 120 \
    "公开申请表显示后保持有效的分钟数"

dict set org::perms request.handle {office}
dict set org::perms request.approve {unithead}

# ---- registration ----

# request::validate: the problems of application FIELDS (a dict) as a list of {FIELD MESSAGE} in
# form order, messages in Chinese; empty when it can be registered. Fields: channel oral
# applicant_kind name id_type id_number address phone email description purpose form delivery
# signature applied (YYYY-MM-DD).
proc request::validate {f} {
    variable channels
    variable forms
    variable deliveries
    variable idTypes
    set f [Defaults $f]
    set p {}
    dict with f {}
    if {$channel ni [dict keys $channels]} { lappend p {channel 申请方式无效} }
    if {$applicant_kind ni {person organisation}} { lappend p {applicant_kind 请选择申请人类型（公民或法人、其他组织）} }
    if {[string trim $name] eq ""} {
        lappend p {name 请填写申请人姓名或名称}
    } elseif {[string length $name] > 100} { lappend p {name 姓名或名称过长} }
    set types [expr {[dict exists $idTypes $applicant_kind] ? [dict get $idTypes $applicant_kind] : {}}]
    if {$id_type ni $types} {
        lappend p {id_type 请选择身份证明（证件）类型}
    } elseif {[set m [CheckId $id_type $id_number]] ne ""} {
        lappend p [list id_number $m]
    }
    if {[string trim $phone] eq "" && [string trim $email] eq "" && [string trim $address] eq ""} {
        lappend p {phone 请至少填写一种联系方式（电话、电子邮箱或通信地址）}
    }
    if {$phone ne "" && ![regexp {^\+?[0-9][0-9 -]{4,19}$} $phone]} { lappend p {phone 联系电话格式不正确} }
    if {$email ne "" && ![regexp {^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$} $email]} {
        lappend p {email 电子邮箱格式不正确}
    }
    if {[string length $address] > 200} { lappend p {address 通信地址过长} }
    set d [string trim $description]
    if {[string length $d] < 4} {
        lappend p {description 请描述所需政府信息（文件名称、文号或者其他特征）}
    } elseif {[string length $d] > 2000} { lappend p {description {内容描述不超过 2000 字}} }
    if {[string trim $purpose] eq ""} {
        lappend p {purpose 请填写所需信息的用途}
    } elseif {[string length $purpose] > 500} { lappend p {purpose {用途不超过 500 字}} }
    if {$form ni $forms} { lappend p {form 请选择所需信息的形式} }
    if {$delivery ne "" && $delivery ni $deliveries} { lappend p {delivery 获取方式无效} }
    if {$delivery eq "邮寄" && [string trim $address] eq ""} { lappend p {address 选择邮寄时请填写通信地址} }
    if {$delivery eq "电子邮件" && [string trim $email] eq ""} { lappend p {email 选择电子邮件时请填写电子邮箱} }
    if {[string trim $signature] eq ""} {
        lappend p {signature 请签名（网上申请请填写申请人姓名作为签名）}
    } elseif {[string length $signature] > 100} { lappend p {signature 签名过长} }
    if {![regexp {^\d{4}-\d\d-\d\d$} $applied] || [catch {calendar::Jdn $applied}]} {
        lappend p {applied {申请日期格式应为 YYYY-MM-DD}}
    } elseif {$applied > [clock format [yqbox::now] -format %Y-%m-%d -timezone :[conf::get timezone]]} {
        lappend p {applied 申请日期不能晚于今天}
    }
    return $p
}

# request::Defaults: application fields F with every missing field empty (oral 0, applied today).
proc request::Defaults {f} {
    set today [clock format [yqbox::now] -format %Y-%m-%d -timezone :[conf::get timezone]]
    set d [dict create channel online oral 0 applicant_kind person name "" id_type 居民身份证 id_number "" \
               address "" phone "" email "" description "" purpose "" form "" delivery "" signature "" \
               applied $today]
    dict for {k v} $f {
        if {[dict exists $d $k]} { dict set d $k [string trim $v] }
    }
    return $d
}

# request::CheckId: "" if NUMBER is a plausible document number of TYPE, else the problem (Chinese).
# A 居民身份证 number is checked with its ISO 7064 check digit, a 统一社会信用代码 with its GB 32100
# check character.
proc request::CheckId {type number} {
    set n [string toupper [string trim $number]]
    if {$n eq ""} { return 请填写身份证明（证件）号码 }
    switch -- $type {
        居民身份证 {
            if {![regexp {^\d{17}[\dX]$} $n]} { return "居民身份证号码应为 18 位" }
            set w {7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2}
            set sum 0
            foreach c [split [string range $n 0 16] ""] x $w { incr sum [expr {$c * $x}] }
            if {[string index {10X98765432} [expr {$sum % 11}]] ne [string index $n 17]} {
                return 居民身份证号码校验位不正确
            }
        }
        统一社会信用代码 {
            set chars 0123456789ABCDEFGHJKLMNPQRTUWXY
            if {![regexp {^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$} $n]} { return "统一社会信用代码应为 18 位数字或大写字母" }
            set w {1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28}
            set sum 0
            foreach c [split [string range $n 0 16] ""] x $w { incr sum [expr {[string first $c $chars] * $x}] }
            if {[string index $chars [expr {(31 - $sum % 31) % 31}]] ne [string index $n 17]} {
                return 统一社会信用代码校验位不正确
            }
        }
        default {
            if {![regexp {^[0-9A-Za-z()（）-]{4,40}$} $n]} { return 证件号码格式不正确 }
        }
    }
    return ""
}

# the process (its states and transitions are declared below, with its actions)
workflow::process request {
    title 政府信息公开申请 table request owner request_id object request label request::Label resolve request::Id
    triggers {received received} pauses request::Pauses mirror request::Mirror recomputed request::Recomputed
    console request
    doc "A disclosure request (依申请公开, 002): registered from any channel, answered within 20 working days of receipt (consultations of third parties and other agencies do not count; one extension approved by the head of the disclosure office), archived."
}

# request::register: register application FIELDS (see request::validate; also received: when the
# agency got it, default now; peer: the address of an online application). Online applications
# need no permission (the public form); the other channels need request.handle. Errors with the
# problems (Chinese, "；"-separated, errorcode {YQBOX INVALID PROBLEMS}) and saves nothing when
# they are invalid. Returns a dict id number secret due provisional (the years the due time guessed
# on Monday-Friday, "" for none: show it with calendar::dueText) repeat_of (the secret is not
# stored).
proc request::register {fields} {
    variable issued
    set r [workflow::fire -process request register "" $fields]
    set id [dict get $r id]
    set row [Get $id]
    dict create id $id number [dict get $row number] secret [dict get $issued secret] due [dict get $row due] \
        provisional [dict get $row due_provisional] repeat_of [dict get $row repeat_of]
}

# workflow::p::request::do::register: the registration's checks and row (see request::register);
# keeps the secret in request::issued for the caller. Returns the note.
proc workflow::p::request::do::register {argv} {
    set fields [lindex $argv 0]
    set f [request::Defaults $fields]
    if {[dict get $f channel] ne "online"} { org::require request.handle }
    set p [request::validate $f]
    if {[llength $p]} {
        error [join [lmap x $p { lindex $x 1 }] ；] {} [list YQBOX INVALID $p]
    }
    set now [yqbox::now]
    set received $now
    if {[dict exists $fields received] && [dict get $fields received] ne ""} {
        org::require request.handle
        set received [calendar::Instant [dict get $fields received]]
        if {$received > $now} { yq::fail request.future }
    }
    set peer [expr {[dict exists $fields peer] ? [dict get $fields peer] : ""}]
    set secret [crypto token 12]
    set hash [crypto sha256 $secret]
    set at [yqbox::iso $now]
    set rec [yqbox::iso $received]
    set year [string range $rec 0 3]
    set by [dict get [org::actor] login]
    dict with f {}
    set oral [expr {$oral ? 1 : 0}]
    set id_number [string toupper $id_number]
    set last [db onecolumn {SELECT max(CAST(substr(number, 6) AS INTEGER)) FROM request WHERE number LIKE $year || '-%'}]
    set number [format %s-%04d $year [expr {($last eq "" ? 0 : $last) + 1}]]
    set repeat [request::Repeats $id_number $description $received]
    db eval {INSERT INTO request(number, secret_hash, channel, oral, applicant_kind, name, id_type, id_number,
                 address, phone, email, description, purpose, form, delivery, signature, applied, received,
                 registered_by, peer, repeat_of, updated)
             VALUES($number, $hash, $channel, $oral, $applicant_kind, $name, $id_type, $id_number,
                 $address, $phone, $email, $description, $purpose, $form, $delivery, $signature, $applied, $rec,
                 $by, $peer, nullif($repeat, ''), $at)}
    set ::workflow::created [db last_insert_rowid]
    set request::issued [dict create number $number secret $secret]
    return [string cat [yq::mc request.registered $number [dict get $request::channels $channel]] \
                [expr {$oral ? [yq::mc request.oral] : ""}] \
                [expr {$repeat ne "" ? [yq::mc request.similar [request::Label $repeat]] : ""}]]
}

# request::Repeats: the id of the most similar earlier request by the applicant with ID_NUMBER
# received within request_repeat_days before RECEIVED whose description is at least
# request_repeat_similarity alike, or "".
proc request::Repeats {idNumber description received} {
    set since [yqbox::iso [expr {$received - 86400 * [conf::get request_repeat_days]}]]
    set best ""
    set bestSim [conf::get request_repeat_similarity]
    db eval {SELECT id, description AS d FROM request WHERE id_number = $idNumber AND received >= $since
             ORDER BY id} {
        set s [reporting::similar $description $d]
        if {$s >= $bestSim} { set best $id; set bestSim $s }
    }
    return $best
}

# ---- the deadline (kept by the engine in the deadline table) ----

# request::Pauses: the pauses of request ID as a calendar::due -pauses list (TO "" while running).
proc request::Pauses {id} {
    set out {}
    db eval {SELECT started, resumed FROM request_pause WHERE request_id = $id ORDER BY id} {
        lappend out [list $started [expr {$resumed eq "" ? "" : $resumed}]]
    }
    return $out
}

# request::Mirror: copy request ID's answer deadline (its newest request_answer row in the deadline
# table) into the request's due, due_epoch and due_provisional, which the pages and the yearly
# figures read (the engine calls it after every change of the deadline). Returns nothing.
proc request::Mirror {id} {
    db eval {SELECT due, due_epoch, provisional FROM deadline WHERE request_id = $id AND rule = 'request_answer'
             ORDER BY id DESC LIMIT 1} {
        db eval {UPDATE request SET due = $due, due_epoch = $due_epoch, due_provisional = $provisional WHERE id = $id}
    }
    return
}

# request::Deadline: the id of request ID's open answer deadline; errors when none runs.
proc request::Deadline {id} {
    set d [db onecolumn {SELECT id FROM deadline WHERE request_id = $id AND rule = 'request_answer' AND state = 'open'
                         ORDER BY id DESC LIMIT 1}]
    if {$d eq ""} { yq::fail request.nodeadline [request::Label $id] }
    return $d
}

# request::Recomputed: the records of request deadline ROW (a dict, as it was) that a calendar
# import of YEAR moved to NEW (the engine's hook; see workflow::deadline::recompute): an audit
# entry on the request's record, and a notice to the info office when it moved earlier.
proc request::Recomputed {row new y} {
    set id [dict get $row request_id]
    set number [db onecolumn {SELECT number FROM request WHERE id = $id}]
    set old [dict get $row due]
    set oldProv [dict get $row provisional]
    set shown [calendar::dueText [dict get $new due] [dict get $new provisional]]
    audit::record request.recompute request:$id -before "due $old" \
        -after "${y}年节假日安排已导入，答复期限由 $old[expr {$oldProv ne "" ? "（暂定）" : " "}]重算为 $shown"
    set ne [dict get $new due_epoch]
    set oe [dict get $row due_epoch]
    if {$ne ne "" && $oe ne "" && $ne < $oe} {
        notify::queue "" request.recompute {office} "政府信息公开申请 $number 答复期限提前至 [dict get $new due]" \
            [join [list "申请编号：$number" "原答复期限：[calendar::dueText $old $oldProv]" "重算后答复期限：$shown" \
                       "原因：${y}年节假日安排已导入，答复期限已按官方日历重算"] \n] request:$id
    }
}

# request::Get: the row of request ID (an id or a number YYYY-NNNN) as a dict; errors if none.
proc request::Get {id} {
    set row {}
    db eval {SELECT * FROM request WHERE id = $id OR number = $id} r { unset r(*); set row [array get r] }
    if {$row eq ""} { yq::fail request.none $id }
    return $row
}

# request::Id: the id of request ID (an id or a number); errors if none. request::Label: how
# messages name request ID ("request YYYY-NNNN").
proc request::Id {id} { dict get [Get $id] id }
proc request::Label {id} { yq::mc request.label [db onecolumn {SELECT number FROM request WHERE id = $id}] }

# ---- the process: declared on the workflow engine ----

workflow::state -process request registered 办理中 "registered; the 20-working-day answer deadline runs from receipt (paused while a consultation runs)"
workflow::state -process request answered 已答复 "answered with one of the seven kinds of answer and its numbered letter"
workflow::state -process request archived 已归档 "filed away after the answer" 1
workflow::state -process request withdrawn 已撤销 "a duplicate registration withdrawn by the office; counted nowhere" 1

workflow::transition -process request register {
    from {} to registered perms {} title 登记申请
    args "FIELD VALUE ..." text "Register an application (online: anyone, through the public form; letter, fax, e-mail, in person: the office), checked field by field; a similar earlier request of the same applicant is flagged."
    starts {request_answer {}} records "request row (number, the secret's hash, repeat_of)" source "002 第六、七条、第十五条"
}
workflow::transition -process request identity {
    from {registered answered archived} to = perms request.handle title 身份核验
    args "ID verified|failed NOTE" text "Record the identity check of the applicant (what document was seen)."
    records "request identity, note, by, at" source "002 第九、十七条"
}
workflow::transition -process request pause {
    from {registered} to = perms request.handle title 征求意见（暂停计时）
    args "ID third_party|agency PARTY ?-note T? ?-reply-by DATE?"

    text "Start a written consultation of a third party or another agency: the answer deadline stops until it ends."
    recomputes {request_answer} records "request_pause row" source "002 第十一、十三、十五、十六条"
}
workflow::transition -process request resume {
    from {registered} to = perms request.handle title 恢复计时
    args "ID ?PAUSE?"

    text "The consulted party answered: the consultation ends and the answer deadline runs again, pushed by the time it took."
    recomputes {request_answer} records "request_pause resumed" source "002 第十五条"
}
workflow::transition -process request extend {
    from {registered} to = perms request.approve scope office title 延长答复期限
    args "ID DAYS REASON APPROVER TOLD"

    text "The head of the disclosure office (a unit head of the office) extends the answer deadline once, by at most rule_request_extension working days, before it has passed; how the applicant was told is recorded."
    records "request extension, reason, approver, told; the request_answer deadline extended" source "002 第十五条"
}
workflow::transition -process request answer {
    from {registered} to answered perms request.handle title 答复
    args "ID KIND DETAIL ?TEXT?"

    text "Answer with one of the seven kinds (with its required details); running consultations end; the letter is numbered; on time or late is recorded."
    stops {request_answer} records "request answer, details, letter number, on_time" source "002 第十、十五条"
}
workflow::transition -process request fee {
    from {registered answered archived} to = perms request.handle title 登记信息处理费
    args "ID AMOUNT REASON" text "Record a processing fee (only for volume or frequency clearly beyond reason)."
    records "request fee and reason" source "002 第十九条"
}
workflow::transition -process request waive {
    from {registered answered archived} to = perms request.approve scope office title 减免信息处理费
    args "ID APPROVER REASON" text "The head of the disclosure office waives the fee for hardship, on the applicant's application."
    records "request waived, waiver_by" source "002 第二十条"
}
workflow::transition -process request archive {
    from {answered} to archived perms request.handle title 归档
    args "ID" text "File an answered request away (归档)."
    records "request archived" source "002 第二十一条"
}
workflow::transition -process request withdraw {
    from {registered} to withdrawn perms request.handle title 撤销重复登记
    args "ID REASON"

    text "The office withdraws a registration that duplicates another (the same application registered twice, e.g. sent by letter and online); the answer deadline is cancelled and the request counts in no figure. A reason is required."
    cancels {request_answer} records "the reason on the timeline and the audit entry" source "002 第二十一条"
}

# request::identity: record the identity check of request ID: RESULT verified or failed, NOTE
# (what was checked). Returns nothing.
proc request::identity {id result note} {
    workflow::fire -process request identity $id $result $note
    return
}
proc workflow::p::request::do::identity {id argv} {
    lassign $argv result note
    if {$result ni {verified failed}} { yq::fail request.badresult $result }
    if {[string trim $note] eq ""} { yq::fail request.nonote }
    set at [yqbox::iso]
    set by [dict get [org::actor] login]
    db eval {UPDATE request SET identity = $result, identity_note = $note, identity_by = $by,
             identity_at = $at WHERE id = $id}
    return [yq::mc request.identity.$result $note]
}

# request::pause: start a written consultation of request ID: KIND third_party or agency, PARTY
# (who is consulted); options -note TEXT, -reply-by DATE (the deadline given to the party). The
# answer clock stops until request::resume. Returns the pause's id.
proc request::pause {id kind party args} {
    dict get [workflow::fire -process request pause $id $kind $party {*}$args] note
    db onecolumn {SELECT max(p.id) FROM request_pause p JOIN request r ON r.id = p.request_id
                  WHERE r.id = $id OR r.number = $id}
}
proc workflow::p::request::do::pause {id argv} {
    set o [reporting::options [lrange $argv 2 end] {-note "" -reply-by ""} "request pause ID KIND PARTY ?-note T? ?-reply-by DATE?"]
    lassign $argv kind party
    if {$kind ni {third_party agency}} { yq::fail request.badkind $kind }
    if {[string trim $party] eq ""} { yq::fail request.noparty }
    set at [yqbox::iso]
    set note [dict get $o -note]; set by [dict get $o -reply-by]
    db eval {INSERT INTO request_pause(request_id, kind, party, note, reply_by, started)
             VALUES($id, $kind, $party, $note, $by, $at)}
    return [yq::mc request.paused.$kind $party [workflow::cnTime [yqbox::seconds $at]]]
}

# request::resume: end the running consultations of request ID (or only pause PAUSE): the party
# answered. Returns the new deadline as shown (calendar::dueText: provisional years said).
proc request::resume {id {pause ""}} {
    set rid [dict get [workflow::fire -process request resume $id $pause] id]
    db eval {SELECT due, due_provisional FROM request WHERE id = $rid} {}
    calendar::dueText $due $due_provisional
}
proc workflow::p::request::do::resume {id argv} {
    lassign $argv pause
    set at [yqbox::iso]
    db eval {UPDATE request_pause SET resumed = $at WHERE request_id = $id AND resumed IS NULL
             AND ($pause = '' OR id = $pause)}
    if {![db changes]} { yq::fail request.nopause [request::Label $id] $pause }
    return [yq::mc request.resumed [workflow::cnTime [yqbox::seconds $at]]]
}

# request::Approver: check that APPROVER, the login of an active unit head of an office-kind unit
# (the head of the disclosure office), may be recorded as approving by the current principal: the
# approver records their own approval; only the console records another's. (The permission and
# the office scope are the transitions' own, checked by the engine.) Returns nothing; errors
# (DENIED for someone else's approval) otherwise.
proc request::Approver {approver} {
    set a [org::actor]
    if {![dict get $a superuser] && $approver ne [dict get $a login]} {
        yq::deny denied.approver
    }
    if {![db exists {SELECT 1 FROM user u JOIN user_role x ON x.user_id = u.id JOIN unit n ON n.id = u.unit_id
                     WHERE u.login = $approver AND u.active AND x.role = 'unithead' AND n.kind = 'office'}]} {
        yq::fail request.notapprover $approver
    }
}

# request::extend: extend request ID's deadline once by DAYS working days (at most
# rule_request_extension) for REASON, approved by APPROVER (login of a unithead of the office) and
# told to the applicant as TOLD (how and when). Only before the deadline. Returns the new deadline
# as shown (calendar::dueText).
proc request::extend {id days reason approver told} {
    set rid [dict get [workflow::fire -process request extend $id $days $reason $approver $told] id]
    db eval {SELECT due, due_provisional FROM request WHERE id = $rid} {}
    calendar::dueText $due $due_provisional
}
proc workflow::p::request::do::extend {id argv} {
    lassign $argv days reason approver told
    request::Approver $approver
    if {[string trim $reason] eq ""} { yq::fail workflow.empty 延期理由 }
    if {[string trim $told] eq ""} { yq::fail request.notold }
    if {![string is entier -strict $days] || $days < 1} { yq::fail request.baddays $days }
    set r [request::Get $id]
    if {[dict get $r extension] > 0} { yq::fail request.extonce [request::Label $id] }
    if {[dict get $r due_epoch] ne "" && [yqbox::now] > [dict get $r due_epoch]} {
        yq::fail request.extlate [request::Label $id] [dict get $r due]
    }
    # calendar::due checks the cap (rule request_extension)
    set due [workflow::deadline::extend [request::Deadline $id] $days $reason]
    set at [yqbox::iso]
    db eval {UPDATE request SET extension = $days, ext_reason = $reason, ext_approver = $approver,
             ext_told = $told, ext_at = $at WHERE id = $id}
    return [yq::mc request.extended $days $approver $told $due]
}

# request::answer: answer request ID with KIND (a key of request::kinds) and DETAIL (a dict of the
# fields request::details lists for it) and TEXT (free text added to the letter). Running
# consultations end now. Records whether the answer came by the deadline and numbers the letter.
# Returns the letter number.
proc request::answer {id kind detail {text ""}} {
    set rid [dict get [workflow::fire -process request answer $id $kind $detail $text] id]
    db onecolumn {SELECT letter_no FROM request WHERE id = $rid}
}
proc workflow::p::request::do::answer {id argv} {
    lassign $argv kind detail text
    set kinds $request::kinds
    set details $request::details
    if {![dict exists $kinds $kind]} { yq::fail request.badanswer $kind [join [dict keys $kinds] 、] }
    if {[catch {dict size $detail}]} { yq::fail request.baddetail }
    set req [dict get $details $kind required]
    set opt [dict get $details $kind optional]
    foreach k [dict keys $detail] {
        if {$k ni [concat $req $opt]} {
            yq::fail request.nodetail [dict get $kinds $kind] $k \
                [join [lmap x [concat $req $opt] { string cat [dict get $request::detailNames $x] "（$x）" }] 、]
        }
    }
    foreach k $req {
        if {![dict exists $detail $k] || [string trim [dict get $detail $k]] eq ""} {
            yq::fail request.needdetail [dict get $kinds $kind] "[dict get $request::detailNames $k]（$k）"
        }
    }
    set now [yqbox::now]
    set at [yqbox::iso $now]
    set by [dict get [org::actor] login]
    set prefix [conf::get request_letter_prefix]
    if {$kind eq "repeat"} {
        # 002 第三十六条(六): the same information asked again is not processed again, whether the
        # earlier request is answered (the letter says so) or still open (the letter says it is
        # being answered there); a withdrawn registration is no earlier request
        set prev [db onecolumn {SELECT repeat_of FROM request WHERE id = $id}]
        if {$prev eq "" || [db onecolumn {SELECT state FROM request WHERE id = $prev}] eq "withdrawn"} {
            yq::fail request.norepeat
        }
    }
    # running consultations end now; the deadline is known again
    db eval {UPDATE request_pause SET resumed = $at WHERE request_id = $id AND resumed IS NULL}
    set d [workflow::deadline::refresh [request::Deadline $id]]
    set onTime [expr {$now <= [dict get $d due_epoch]}]
    set year [string range $at 0 3]
    set n [db onecolumn {SELECT count(*) FROM request WHERE letter_no LIKE $prefix || '〔' || $year || '〕%'}]
    set letter "$prefix〔$year〕[expr {$n + 1}]号"
    db eval {UPDATE request SET answer = $kind, answer_detail = $detail, answer_text = $text, answered = $at,
             answered_by = $by, on_time = $onTime, letter_no = $letter WHERE id = $id}
    return [yq::mc request.answered [dict get $request::kinds $kind] $letter [yq::mc [expr {$onTime ? "request.ontime" : "request.late"}]]]
}

# request::fee: record a processing fee of AMOUNT yuan for request ID (002 第十九条: only for
# clearly excessive volume or frequency) with REASON. Returns nothing.
proc request::fee {id amount reason} {
    workflow::fire -process request fee $id $amount $reason
    return
}
proc workflow::p::request::do::fee {id argv} {
    lassign $argv amount reason
    if {![string is double -strict $amount] || $amount < 0 || $amount > 100000} { yq::fail request.badamount $amount }
    if {[string trim $reason] eq ""} { yq::fail request.feereason }
    db eval {UPDATE request SET fee = $amount, fee_reason = $reason WHERE id = $id}
    return [yq::mc request.fee $amount $reason]
}

# request::waive: waive request ID's fee for hardship (002 第二十条) on the applicant's
# application, approved by APPROVER (a unithead of the office) for REASON. Returns nothing.
proc request::waive {id approver reason} {
    workflow::fire -process request waive $id $approver $reason
    return
}
proc workflow::p::request::do::waive {id argv} {
    lassign $argv approver reason
    request::Approver $approver
    if {[string trim $reason] eq ""} { yq::fail workflow.empty 减免理由 }
    if {[db onecolumn {SELECT fee FROM request WHERE id = $id}] == 0} { yq::fail request.nofee [request::Label $id] }
    db eval {UPDATE request SET waived = 1, waiver_by = $approver WHERE id = $id}
    return [yq::mc request.waived $approver $reason]
}

# request::archive: archive answered request ID (归档). Returns nothing.
proc request::archive {id} {
    workflow::fire -process request archive $id
    return
}
proc workflow::p::request::do::archive {id argv} {
    set at [yqbox::iso]
    db eval {UPDATE request SET archived = $at WHERE id = $id}
    return ""
}

# request::withdraw: withdraw request ID, a duplicate registration, for REASON (Chinese: e.g. which
# request it duplicates). Returns nothing.
proc request::withdraw {id reason} {
    workflow::fire -process request withdraw $id $reason
    return
}
proc workflow::p::request::do::withdraw {id argv} {
    lassign $argv reason
    return [workflow::Bounded [workflow::NonEmpty $reason 撤销理由] 撤销理由 500]
}

# ---- what the applicant sees ----

# request::status: the state of request NUMBER for the holder of SECRET, as a dict number received
# state (Chinese) due provisional (the years the due time guessed, "" for none) paused (1 while a
# consultation runs) extension answer (Chinese, "" before)
# answered letter (1 when the answer letter can be read). Errors with one message, whatever was
# wrong, so the check tells nothing about which numbers exist.
proc request::status {number secret} {
    set hash [crypto sha256 [string trim $secret]]
    set number [string trim $number]
    set row {}
    db eval {SELECT * FROM request WHERE number = $number} r { unset r(*); set row [array get r] }
    if {$row eq "" || ![crypto equal [dict get $row secret_hash] $hash]} {
        yq::fail -class NOTFOUND request.badsecret
    }
    dict with row {}
    set running [db exists {SELECT 1 FROM request_pause WHERE request_id = $id AND resumed IS NULL}]
    dict create id $id number $number received $received state [dict get $request::states $state] \
        due $due provisional $due_provisional paused $running extension $extension \
        answer [expr {$answer eq "" ? "" : [dict get $request::kinds $answer]}] answered $answered \
        letter [expr {$answer ne ""}]
}

# request::letter: the answer letter of answered request ID as a printable page (HTML, official
# document layout), in Chinese; STANDALONE 1 inlines the style sheet (for a file).
proc request::letter {id {standalone 0}} {
    variable kinds
    set r [Get $id]
    dict with r {}
    if {$answer eq ""} { yq::fail request.unanswered $number }
    set dt [dict merge {where "" how "" when "" partial "" reason "" law "" agency "" contact "" note ""} $answer_detail]
    set applied_cn [reporting::cndate $received]
    set body [tmpl {<p>你（单位）于${applied_cn}向本机关提出的政府信息公开申请（申请编号：$number）收悉。你申请获取的政府信息为：“$description”。经审查，现答复如下：</p>
}]
    set parts [switch -- $answer {
        public { tmpl {<p>你所申请的政府信息已经主动公开。你可以通过以下方式、途径获取：[dict get $dt where]。</p>} }
        disclose {
            tmpl {<p>你所申请的政府信息属于公开范围，本机关予以公开。提供方式：[dict get $dt how][if {[dict get $dt when] ne ""} { tmpl {；获取时间：[dict get $dt when]} }]。</p>
[if {[dict get $dt partial] ne ""} { tmpl {<p>你所申请的信息中含有不应当公开的内容，但能够作区分处理，本机关向你提供可以公开的内容；对不予公开的部分说明如下：[dict get $dt partial]。</p>} }]}
        }
        withhold { tmpl {<p>经审查，你所申请的政府信息不予公开。理由：[dict get $dt reason][if {[dict get $dt law] ne ""} { tmpl {（依据：[dict get $dt law]）} }]。</p>} }
        none { tmpl {<p>经检索，本机关没有你所申请公开的信息，该政府信息不存在。</p>} }
        elsewhere { tmpl {<p>你所申请的政府信息不属于本机关负责公开的范围。理由：[dict get $dt reason]。[if {[dict get $dt agency] ne ""} { tmpl {负责公开该政府信息的行政机关为[dict get $dt agency][if {[dict get $dt contact] ne ""} { tmpl {，联系方式：[dict get $dt contact]} }]，请向该机关提出申请。} }]</p>} }
        repeat {
            # the earlier request answered before this one: told so; else it was still being handled
            db eval {SELECT number AS prev, coalesce(answered, '') AS prevAnswered FROM request WHERE id = $repeat_of} {}
            if {$prevAnswered ne "" && $prevAnswered <= $answered} {
                tmpl {<p>本机关已就你提出的政府信息公开申请（申请编号：$prev）作出答复，你重复申请公开相同的政府信息，本机关不予重复处理。</p>}
            } else {
                tmpl {<p>你此前已提出申请公开相同政府信息的申请（申请编号：$prev），本机关正在办理，将在该申请的答复期限内依法答复，本申请不予重复处理。</p>}
            }
        }
        special { tmpl {<p>你所申请的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定，请依照[dict get $dt law]的规定办理。</p>} }
    }]
    set extra ""
    if {[dict get $dt note] ne ""} { set extra [tmpl {<p>[dict get $dt note]</p>}] }
    if {$answer_text ne ""} { set extra [tmpl {$extra<p>$answer_text</p>}] }
    if {$extension > 0} {
        set ext [tmpl {<p>经本机关政府信息公开工作机构负责人同意，本申请的答复期限延长 $extension 个工作日，已告知你。</p>}]
    } else { set ext "" }
    if {$fee > 0} {
        set fees [expr {$waived ? [tmpl {<p>经你申请、本机关政府信息公开工作机构负责人审核同意，免收信息处理费。</p>}]
                        : [tmpl {<p>因申请数量、频次明显超过合理范围，依照规定收取信息处理费 [format %.2f $fee] 元。</p>}]}]
    } else { set fees "" }
    set body [tmpl {$body$parts$extra$ext$fees<p>如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。</p>
<p>特此告知。</p>}]
    reporting::document [dict create title "政府信息公开申请答复书" number $letter_no recipients $name \
                             body $body date [yqbox::seconds $answered] cc [conf::get request_cc] standalone $standalone]
}

# ---- the yearly statistics ----

# request::stats: the figures of YEAR for the annual report (002 第二十一条), a dict: total,
# channel (key -> count), oral, answer (kind -> count), answered, on_time, late, extended, paused
# (requests with a consultation), pending (not answered), overdue (not answered, deadline passed),
# repeat_flagged, fee_count, fee_total, waived, identity_failed, withdrawn (duplicate registrations
# withdrawn: counted in none of the others).
proc request::stats {year} {
    variable channels
    variable kinds
    if {![regexp {^\d{4}$} $year]} { yq::fail calendar.badyear $year }
    set now [yqbox::now]
    set s [dict create total 0 channel {} oral 0 answer {} answered 0 on_time 0 late 0 extended 0 paused 0 \
               pending 0 overdue 0 repeat_flagged 0 fee_count 0 fee_total 0.0 waived 0 identity_failed 0 withdrawn 0]
    foreach c [dict keys $channels] { dict set s channel $c 0 }
    foreach k [dict keys $kinds] { dict set s answer $k 0 }
    db eval {SELECT r.*, (SELECT count(*) FROM request_pause p WHERE p.request_id = r.id) AS npause
             FROM request r WHERE substr(received, 1, 4) = $year} {
        # a withdrawn duplicate registration is no application of its own
        if {$state eq "withdrawn"} { dict incr s withdrawn; continue }
        dict incr s total
        dict set s channel $channel [expr {[dict get $s channel $channel] + 1}]
        if {$oral} { dict incr s oral }
        if {$answer ne ""} {
            dict set s answer $answer [expr {[dict get $s answer $answer] + 1}]
            dict incr s answered
            dict incr s [expr {$on_time ? "on_time" : "late"}]
        } else {
            dict incr s pending
            if {$due_epoch ne "" && $now > $due_epoch} { dict incr s overdue }
        }
        if {$extension > 0} { dict incr s extended }
        if {$npause > 0} { dict incr s paused }
        if {$repeat_of ne ""} { dict incr s repeat_flagged }
        if {$fee > 0} { dict incr s fee_count; dict set s fee_total [expr {[dict get $s fee_total] + $fee}] }
        if {$waived} { dict incr s waived }
        if {$identity eq "failed"} { dict incr s identity_failed }
    }
    return $s
}

# request::statsRows: the statistics of YEAR as {{项目 件数} ...} rows in the annual report's order.
proc request::statsRows {year} {
    variable channels
    variable kinds
    set s [stats $year]
    set rows [list [list 本年新收政府信息公开申请 [dict get $s total]]]
    dict for {k v} [dict get $s channel] { lappend rows [list "  其中：[dict get $channels $k]" $v] }
    lappend rows [list "  其中：口头提出、代为填写" [dict get $s oral]]
    lappend rows [list 已答复 [dict get $s answered]]
    dict for {k v} [dict get $s answer] { lappend rows [list "  [dict get $kinds $k]" $v] }
    foreach {k t} {on_time 按期答复 late 逾期答复 extended 延期答复 paused 征求第三方或其他机关意见
                   pending 尚未答复 overdue 尚未答复且已逾期 repeat_flagged 疑似重复申请 identity_failed 身份核验未通过
                   fee_count 收取信息处理费（件） waived 减免费用（件） withdrawn 撤销的重复登记（不计入收件）} {
        lappend rows [list $t [dict get $s $k]]
    }
    lappend rows [list 收取信息处理费（元） [format %.2f [dict get $s fee_total]]]
    return $rows
}

# request::statsPage: the statistics of YEAR as a printable table page (HTML); STANDALONE as for
# request::letter.
proc request::statsPage {year {standalone 0}} {
    set rows ""
    foreach r [statsRows $year] {
        lassign $r k v
        markup append rows [tmpl {<tr><td class="l">$k</td><td>$v</td></tr>}]
    }
    reporting::document [dict create title "${year}年政府信息依申请公开情况统计表" \
        body [tmpl {<table><tr><th>项目</th><th>件数</th></tr>$rows</table>}] standalone $standalone]
}

# ---- the console command ----

namespace eval request::cmd {}

# request::cmd::add: register an application given as FIELD VALUE pairs (see request::validate).
proc request::cmd::add {args} {
    if {[llength $args] % 2} { cmdlayer::wrong request add "字段和值应成对；" }
    set r [request::register $args]
    return "[dict get $r number] [dict get $r secret] [calendar::dueText [dict get $r due] [dict get $r provisional]][expr {[dict get $r repeat_of] ne "" ? " 疑似重复申请（与 [dict get [request::Get [dict get $r repeat_of]] number] 相似）" : ""}]"
}
proc request::cmd::identity {id result note} { request::identity $id $result $note }
proc request::cmd::pause {id kind party args} { request::pause $id $kind $party {*}$args }
proc request::cmd::resume {id {pause ""}} { request::resume $id $pause }
proc request::cmd::extend {id days reason approver told} { request::extend $id $days $reason $approver $told }
proc request::cmd::answer {id kind detail {text ""}} { request::answer $id $kind $detail $text }
proc request::cmd::fee {id amount reason} { request::fee $id $amount $reason }
proc request::cmd::waive {id approver reason} { request::waive $id $approver $reason }
proc request::cmd::archive {id} { request::archive $id }

# request::cmd::letter: the answer letter of request ID, written to FILE if given, else returned.
proc request::cmd::letter {id {file ""}} {
    if {$file eq ""} { return [request::letter $id] }
    set html [request::letter $id 1]
    reporting::write $file [encoding convertto utf-8 $html]
}

# request::cmd::list: the requests, one a line (?STATE?: registered, answered, archived).
proc request::cmd::list {{state ""}} {
    set out {}
    db eval {SELECT number, name, channel, received, state AS st, due, due_provisional, answer FROM request
             WHERE $state = '' OR state = $state ORDER BY id} {
        set shown [expr {$due eq "" ? "暂停计时" : [calendar::dueText $due [expr {$st eq "registered" ? $due_provisional : ""}]]}]
        lappend out [format "%s %-8s %-6s %s 期限 %s %s %s" $number $name $channel $received \
                         $shown [dict get $request::states $st] $answer]
    }
    join $out \n
}

# request::cmd::show: one request as text.
proc request::cmd::show {id} {
    set r [request::Get $id]
    set out {}
    dict for {k v} $r { if {$k ne "secret_hash" && $v ne ""} { lappend out "$k: $v" } }
    foreach p [request::Pauses [dict get $r id]] { lappend out "pause: [lindex $p 0] - [lindex $p 1]" }
    join $out \n
}

# request::cmd::stats: the statistics of YEAR (default this year) as text.
proc request::cmd::stats {{year ""}} {
    if {$year eq ""} { set year [reporting::current year] }
    join [lmap r [request::statsRows $year] { format "%-28s %s" {*}$r }] \n
}

# request: the console command (::console::request), one verb per request::cmd procedure above.
cmdlayer::noun request "依申请公开：登记、身份核验、征求意见（暂停计时）、延期、答复、收费与减免、归档、答复书、列表与统计"
cmdlayer::command request add {{args 字段及值}} \
    "登记政府信息公开申请，返回申请编号、查询码和答复期限" \
    "字段：channel 渠道（[cmdlayer::Or [dict keys $request::channels]]），oral 1 表示口头申请代为填写；name id_type id_number phone email address description purpose form delivery signature applied。" {
    request::cmd::add {*}$args
}
cmdlayer::command request identity {{id 申请编号} {result 结果 choice(verified|failed)} {note 说明}} "记录申请人身份核验结果" {
    request::cmd::identity $id $result $note
}
cmdlayer::command request pause {{id 申请编号} {kind 征求对象 choice(third_party|agency)} {party 第三方或机关} {-note 说明} {-reply-by 答复截止日期}} \
    "书面征求第三方（third_party）或其他机关（agency）意见，期间不计入答复期限" {
    request::cmd::pause $id $kind $party -note $note -reply-by $reply_by
}
cmdlayer::command request resume {{id 申请编号} {pause 暂停编号 text ""}} "征求意见结束，恢复计时，返回新的答复期限" {
    request::cmd::resume $id $pause
}
cmdlayer::command request extend {{id 申请编号} {days 延长工作日数} {reason 理由} {approver 批准人} {told 告知方式}} \
    "经政府信息公开工作机构负责人同意延长答复期限（仅一次，最长 20 个工作日），记录告知申请人的方式" {
    request::cmd::extend $id $days $reason $approver $told
}
cmdlayer::command request answer [list {id 申请编号} [list kind 答复类型 "choice([join [dict keys $request::kinds] |])"] {detail 详情} {text 正文 text ""}] \
    "答复，返回答复书文号" \
    "答复类型：public 已主动公开，disclose 予以公开，withhold 不予公开，none 不存在，elsewhere 非本机关，repeat 重复申请，special 特别规定；详情为字段和值的字典。" {
    request::cmd::answer $id $kind $detail $text
}
cmdlayer::command request fee {{id 申请编号} {amount 金额} {reason 理由}} "登记信息处理费（数量、频次明显超过合理范围）" {
    request::cmd::fee $id $amount $reason
}
cmdlayer::command request waive {{id 申请编号} {approver 批准人} {reason 理由}} "经济困难减免费用（经负责人审核同意）" {
    request::cmd::waive $id $approver $reason
}
cmdlayer::command request archive {{id 申请编号}} "归档已答复的申请" { request::cmd::archive $id }
cmdlayer::command request letter {{id 申请编号} {file 文件 text ""}} "生成答复书（可打印的公文格式 HTML）" {
    request::cmd::letter $id $file
}
cmdlayer::command request list [list [list state 状态 "choice([join [dict keys $request::states] |])" ""]] "列出申请及答复期限" {
    request::cmd::list $state
}
cmdlayer::command request show {{id 申请编号}} "查看一件申请" { request::cmd::show $id }
cmdlayer::command request stats {{year 年份 text ""}} "年度报告用的依申请公开情况统计表（默认今年）" { request::cmd::stats $year }
