# office.tcl - the staff pages of issue 9 behind the login: the assessment (考核: month, quarter and
# year rankings, the figures' events, the printable 通报, CSV), government-information reporting
# (政务信息报送: a unit's items, writing, attachments, sign-off, sending; the office's screening
# queue; 约稿 notices sent to units picked from the list, each with its page of text, due dates and
# answering items; quota figures) and disclosure on request (依申请公开: the register,
# registration of letter/fax/in-person applications, a request's page with its actions, answer
# letters, yearly statistics). Every change goes through the module's own procedure run as the
# user (web::as → org::as), so it is checked, done in one transaction and audited like the console.
# A refused action shows its page again with the reason and the form as typed; one that someone else
# made moot says who did what (web::moved).
# Units see only their own figures and items; the office (and leaders, for the assessment) all.

namespace eval web {
    variable officeNav {
        考核         /assessment       {assessment.view.unit}
        政务信息     /submissions      {submission.write submission.screen}
        约稿通知     /commissions      {submission.write submission.screen}
        依申请公开   /requests         {request.handle request.approve@office}
    }
    # insert before 工作日历 so the menu keeps its order: work pages first, settings last
    set i [lsearch -exact $nav 工作日历]
    if {$i >= 0 && [lsearch -exact $nav /assessment] < 0} { set nav [linsert $nav $i {*}$officeNav] }
}

# web::period: the period spec of the request's ?period= (default: the current KIND), checked;
# answers 400 for a bad one.
proc web::period {{kind quarter}} {
    set spec [string trim [req query period ""]]
    if {$spec eq ""} { return [reporting::current $kind] }
    if {[catch {reporting::period $spec} p]} {
        errorpage 400 "期间格式应为 YYYY（年度）、YYYY-Qn（季度）或 YYYY-MM（月度）"
        stop
    }
    dict get $p spec
}

# web::periodForm: a GET form choosing the period (SPEC now) for page ACTION, with quick links to
# this month, quarter and year.
proc web::periodForm {action spec} {
    set links ""
    foreach {k l} {month 本月 quarter 本季度 year 本年度} {
        set s [reporting::current $k]
        markup append links [tmpl {<a href="$action?period=[urlencode $s]">$l</a> }]
    }
    tmpl {<form method="get" action="$action" class="filters"><label for="period">期间（YYYY、YYYY-Qn 或 YYYY-MM）</label><input id="period" name="period" value="$spec" size="9"><button type="submit">查看</button> $links</form>}
}

# web::document: answer with the printable official document HTML (markup from
# reporting::document).
proc web::document {html} {
    respond header Cache-Control no-store
    respond html $html
}

# ================= 考核 =================

# web::assessmentScope: {ALL UNIT_ID} of ME for the assessment (ALL: every unit's figures).
proc web::assessmentScope {me} {
    list [can $me assessment.view.all] [dict get $me unit_id]
}

route GET /assessment {} {
    set me [need assessment.view.unit assessment.view.all]
    set spec [period quarter]
    lassign [assessmentScope $me] all mine
    set a [org::as $me { assessment::compute $spec 0 }]
    set parts [dict get $a formula parts]
    set head ""
    foreach p $parts { markup append head [tmpl {<th scope="col">[lindex $p 2]</th>}] }
    set rows ""
    set q $spec ;# checked by web::period: digits, - and Q only
    foreach u [dict get $a units] {
        if {!$all && [dict get $u unit_id] ne $mine} { continue }
        set cells ""
        foreach p $parts {
            set n [lindex $p 0]
            set k [dict get $u counters $n]
            # a figure of events links to them (the reporting counters count no events)
            if {$k > 0 && [dict exists $assessment::counters $n]} {
                markup append cells [tmpl {<td><a href="/assessment/events?period=$q&amp;unit=[dict get $u unit_id]&amp;counter=$n">$k</a></td>}]
            } else {
                markup append cells [tmpl {<td>$k</td>}]
            }
        }
        markup append rows [tmpl {<tr><td>[dict get $u rank]</td><th scope="row">[dict get $u unit]</th><td>[dict get $u points]</td>$cells</tr>
}]
    }
    set label [dict get $a period label]
    set missing [expr {[llength [dict get $a missing]] ? [tmpl {<p class="note">缺少数据表（计为 0）：[join [dict get $a missing] {、}]</p>}] : ""}]
    app $me 考核 [tmpl {<h1>${label}考核积分</h1>
[periodForm /assessment $spec]$missing
<table class="list" id="ranking"><thead><tr><th scope="col">名次</th><th scope="col">单位</th><th scope="col">积分</th>$head</tr></thead><tbody>$rows</tbody></table>
[if {$all} { tmpl {<div class="chart">[assessment::chart $a]</div>
<p><a href="/assessment/notice?period=$q">考核通报（可打印）</a> · <a href="/assessment/csv?period=$q">下载 CSV（Excel）</a></p>} } else { tmpl {<p><a href="/assessment/csv?period=$q">下载本单位 CSV（Excel）</a></p>} }]
<p class="note">[assessment::formulaText [dict get $a formula]]点击数字查看对应的舆情事件。</p>}]
}

route GET /assessment/events {} {
    set me [need assessment.view.unit assessment.view.all]
    set spec [period quarter]
    set unit [req query unit]
    set counter [req query counter]
    lassign [assessmentScope $me] all mine
    if {![string is entier -strict $unit] || ![dict exists $assessment::counters $counter]} { errorpage 404; return }
    if {!$all && $unit ne $mine} { deny $me "考核明细：单位 $unit 不是本单位" }
    set page [pageNo]
    set e [org::as $me { assessment::eventPage $spec $unit $counter 50 [expr {($page - 1) * 50}] }]
    set uname [dict get $e unit]
    if {$uname eq ""} { errorpage 404; return }
    set items ""
    foreach {id title} [dict get $e rows] {
        markup append items [tmpl {<li><a href="/events/$id">$id $title</a></li>}]
    }
    if {$items eq ""} { set items [tmpl {<li>本页没有事件。</li>}] }
    set nav [pager /assessment/events "period=$spec&unit=$unit&counter=$counter&" $page [dict get $e more]]
    app $me 考核明细 [tmpl {<h1>[dict get $e period label] $uname：[assessment::Label $e $counter]</h1>
<ul class="events">$items</ul><p class="pager">$nav</p><p><a href="/assessment?period=$spec">返回考核积分</a></p>}]
}

route GET /assessment/notice {} {
    set me [need assessment.view.all]
    set spec [period quarter]
    document [org::as $me { assessment::notice $spec }]
}

route GET /assessment/csv {} {
    set me [need assessment.view.unit assessment.view.all]
    set spec [period quarter]
    lassign [assessmentScope $me] all mine
    set a [org::as $me { assessment::compute $spec 0 }]
    if {!$all} {
        dict set a units [lmap u [dict get $a units] { expr {[dict get $u unit_id] eq $mine ? $u : [continue]} }]
    }
    csv assessment-$spec.csv [assessment::table $a]
}

# ================= 政务信息报送 =================

# web::submission: the row of submission ID when ME may see it (the office: all; others: their
# unit's); 404 for none, an audited 403 for another unit's. Stops the handler then.
proc web::submission {me id} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { errorpage 404; stop }
    if {[catch {submission::Get $id} s]} { errorpage 404; stop }
    if {![can $me submission.screen] && [dict get $s unit_id] ne [dict get $me unit_id]} {
        deny $me "政务信息 $id 不属于本单位"
    }
    return $s
}

# web::submissionForm: the new-item form of ME with VALUES and PROBLEMS (multipart: the attachment
# goes with it).
proc web::submissionForm {me values problems} {
    set title [expr {[dict exists $values title] ? [dict get $values title] : ""}]
    set body [expr {[dict exists $values body] ? [dict get $values body] : ""}]
    set commission [expr {[dict exists $values commission] ? [dict get $values commission] : ""}]
    set mine [dict get $me unit_id]
    set open {"" 不回应约稿}
    # the notices' columns are named apart from the form's values (a title once overwrote the draft's)
    db eval {SELECT c.id AS cid, c.title AS ctitle FROM commission c JOIN commission_unit u ON u.commission_id = c.id
             WHERE u.unit_id = $mine AND u.delivered IS NULL ORDER BY c.id DESC} { lappend open $cid "约稿 $cid：$ctitle" }
    tmpl {[problems $problems]<form method="post" action="/submissions" class="form" enctype="multipart/form-data">[hidden $me]
<p><label for="s-title">标题</label><input id="s-title" name="title" value="$title" size="60" required></p>
<p><label for="s-body">正文</label><textarea id="s-body" name="body" rows="8" required>$body</textarea></p>
<p><label for="s-commission">回应约稿通知</label><select id="s-commission" name="commission">[options $open $commission]</select></p>
<p><label for="s-file">附件（可选）</label><input id="s-file" name="file" type="file"></p>
<p><button type="submit">保存草稿</button></p></form>}
}

route GET /submissions {} {
    set me [need submission.write submission.screen]
    set spec [period month]
    set p [reporting::period $spec]
    set from [dict get $p from]; set to [dict get $p to]
    set all [can $me submission.screen]
    set mine [dict get $me unit_id]
    set state [req query state ""]
    if {$state ne "" && ![dict exists $submission::states $state]} { set state "" }
    set rows ""
    db eval {SELECT s.id, s.title, s.state AS st, s.sent, s.signer_name, n.name AS unit FROM submission s
             JOIN unit n ON n.id = s.unit_id
             WHERE (($state = '' AND coalesce(s.sent, s.created) >= $from AND coalesce(s.sent, s.created) < $to)
                    OR ($state <> '' AND s.state = $state))
               AND ($all OR s.unit_id = $mine)
             ORDER BY s.id DESC LIMIT 500} {
        markup append rows [tmpl {<tr><td>$id</td><td>$unit</td><td class="l"><a href="/submissions/$id">$title</a></td><td>$signer_name</td><td>[time $sent]</td><td>[dict get $submission::states $st]</td></tr>
}]
    }
    set queue [expr {$all ? [tmpl {<p><a href="/submissions?state=sent">待筛选（已报送未处理）的信息</a></p>}] : ""}]
    app $me 政务信息报送 [tmpl {<h1>[dict get $p label]政务信息报送</h1>[notice]
[periodForm /submissions $spec]$queue
<p><a href="/submissions/quota?period=[urlencode $spec]">报送任务完成情况</a></p>
<table class="list" id="items"><thead><tr><th scope="col">编号</th><th scope="col">报送单位</th><th scope="col">标题</th><th scope="col">签发人</th><th scope="col">报送时间</th><th scope="col">状态</th></tr></thead><tbody>$rows</tbody></table>
[if {[can $me submission.write]} { tmpl {<h2>起草政务信息</h2>[submissionForm $me [dict create commission [req query commission]] {}]} }]}]
}

route POST /submissions {} {
    set me [need submission.write]
    csrf $me
    set v [dict create title [string trim [req form title]] body [string trim [req form body]] \
               commission [string trim [req form commission]]]
    set problems {}
    if {[dict get $v title] eq ""} { lappend problems "请填写标题" }
    if {[string length [dict get $v title]] > 200} { lappend problems "标题不超过 200 字" }
    if {[dict get $v body] eq ""} { lappend problems "请填写正文" }
    if {[dict get $v commission] ne "" && ![string is entier -strict [dict get $v commission]]} { lappend problems "约稿通知无效" }
    set file [req file file]
    if {$file ne "" && [string length [lindex $file 1]] > [conf::get submission_file_max]} { lappend problems "附件超过大小上限" }
    if {![llength $problems]} {
        set err [as $me {
            db transaction {
                set id [submission::create [dict get $me unit_id] [dict get $v title] [dict get $v body] \
                            -commission [dict get $v commission]]
                if {$file ne ""} { submission::attach $id [lindex $file 0] [lindex $file 1] }
            }
        }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [app $me 起草政务信息 [tmpl {<h1>起草政务信息</h1>[submissionForm $me $v $problems]}]]
    }
    done $me "/submissions/$id" "已保存草稿 $id"
}

route GET /submissions/quota {} {
    set me [need submission.write submission.screen]
    set spec [period month]
    set all [can $me submission.screen]
    set s [org::as $me { submission::stats $spec }]
    set q [dict get $s quota]
    set months [dict get $s period months]
    set mh ""
    foreach m $months { markup append mh [tmpl {<th scope="col">$m</th>}] }
    set rows ""
    foreach u [dict get $s units] {
        if {!$all && [dict get $u unit_id] ne [dict get $me unit_id]} { continue }
        set cells ""
        foreach m $months {
            set n [dict get $u months $m]
            set cls [expr {$m in [dict get $u below] ? "late" : ""}]
            markup append cells [tmpl {<td class="$cls">$n</td>}]
        }
        set f {}
        foreach k {rank unit sent adopted rejected commissioned late overdue} { markup append f [tmpl {<td>[dict get $u $k]</td>}] }
        markup append rows [tmpl {<tr>$f$cells</tr>}]
    }
    set staff ""
    if {$all} {
        foreach st [dict get $s staff] {
            set cells ""
            foreach m $months {
                set cls [expr {$m in [dict get $st below] ? "late" : ""}]
                markup append cells [tmpl {<td class="$cls">[dict get $st months $m]</td>}]
            }
            markup append staff [tmpl {<tr><th scope="row">[dict get $st name]（[dict get $st login]）</th>$cells</tr>}]
        }
        set up ""
        dict for {m u} [dict get $s upward] {
            markup append up [tmpl {<tr><td>$m</td><td>[dict get $u items]</td><td>[dict get $u specials]</td><td>[quotaState $u]</td></tr>}]
        }
        set staff [tmpl {<h2>信息办工作人员（每人每月不少于 [dict get $q staff] 条）</h2>
<table class="list" id="staff"><thead><tr><th scope="col">工作人员</th>$mh</tr></thead><tbody>$staff</tbody></table>
<h2>向省政府办公厅报送（每月信息不少于 [dict get $q province] 条、专报不少于 [dict get $q special] 期）</h2>
<table class="list" id="upward"><thead><tr><th scope="col">月份</th><th scope="col">信息</th><th scope="col">专报</th><th scope="col">完成情况</th></tr></thead><tbody>$up</tbody></table>}]
    }
    app $me 报送任务完成情况 [tmpl {<h1>[dict get $s period label]政务信息报送任务完成情况</h1>
[periodForm /submissions/quota $spec]
<p>每单位每月报送不少于 [dict get $q unit] 条；标红的月份未完成任务。名次按采用条数排列。</p>
<table class="list" id="quota"><thead><tr><th scope="col">名次</th><th scope="col">单位</th><th scope="col">报送</th><th scope="col">采用</th><th scope="col">未采用</th><th scope="col">约稿</th><th scope="col">逾期报送</th><th scope="col">逾期未报</th>$mh</tr></thead><tbody>$rows</tbody></table>
$staff}]
}

# web::quotaState: the 完成情况 of one month U of the upward figures (submission::stats): 完成 when
# both quotas are met, 未完成 for a month over short of one, else 进行中 with what is still missing.
proc web::quotaState {u} {
    switch -- [dict get $u state] {
        done { return 完成 }
        below { return 未完成 }
    }
    set short {}
    if {[dict get $u short items]} { lappend short "信息 [dict get $u short items] 条" }
    if {[dict get $u short specials]} { lappend short "专报 [dict get $u short specials] 期" }
    return "进行中（尚差[join $short 、]）"
}

# web::submissionPage: the page of submission row S for ME with PROBLEMS of a failed action OP,
# whose form is shown again filled in with VALUES (the fields as posted).
proc web::submissionPage {me s {problems {}} {op ""} {values {}}} {
    array set f {}
    foreach {o names} {reject reason withdraw reason edit {title body}} {
        foreach n $names { set f($o.$n) [expr {$o eq $op && [dict exists $values $n] ? [dict get $values $n] : ""}] }
    }
    if {$op ne "edit"} { set f(edit.title) [dict get $s title]; set f(edit.body) [dict get $s body] }
    dict with s {}
    set unit [db onecolumn {SELECT name FROM unit WHERE id = $unit_id}]
    set st [dict get $submission::states $state]
    set files ""
    db eval {SELECT id AS fid, name, size FROM submission_file WHERE submission_id = $id ORDER BY id} {
        markup append files [tmpl {<li><a href="/submissions/$id/files/$fid">$name</a>（$size 字节）</li>}]
    }
    set a "/submissions/$id"
    set ops ""
    set own [expr {[can $me submission.screen] || $unit_id eq [dict get $me unit_id]}]
    if {$state eq "draft" && [can $me submission.sign] && $unit_id eq [dict get $me unit_id]} {
        markup append ops [postButton $me $a/sign 审核签发]
    }
    if {$state eq "signed" && $own && [can $me submission.write]} { markup append ops [postButton $me $a/send 报送信息科] }
    if {$state in {draft signed} && $own && [can $me submission.write]} {
        markup append ops [tmpl {<form method="post" action="$a/attach" class="form" enctype="multipart/form-data">[hidden $me]<p><label for="att">添加附件</label><input id="att" name="file" type="file"><button type="submit">上传</button></p></form>}]
    }
    if {$state in {draft signed sent} && [org::as $me { workflow::permitted -process submission withdraw $id }]} {
        markup append ops [tmpl {<form method="post" action="$a/withdraw" class="form">[hidden $me]<p><label for="wd-reason">撤回理由（如重复报送）</label><input id="wd-reason" name="reason" value="$f(withdraw.reason)" size="40"><button type="submit">撤回</button></p></form>}]
    }
    if {$state eq "sent" && [can $me submission.screen]} {
        markup append ops [postButton $me $a/adopt 采用]
        markup append ops [tmpl {<form method="post" action="$a/reject" class="form">[hidden $me]<p><label for="reason">不予采用的理由</label><input id="reason" name="reason" value="$f(reject.reason)" size="40"><button type="submit">不予采用</button></p></form>
<details[opened $op edit]><summary>筛选加工（编辑）</summary><form method="post" action="$a/edit" class="form">[hidden $me]<p><label for="e-title">标题</label><input id="e-title" name="title" value="$f(edit.title)" size="60"></p><p><label for="e-body">正文</label><textarea id="e-body" name="body" rows="8">$f(edit.body)</textarea></p><p><button type="submit">保存修改</button></p></form></details>}]
    }
    app $me $title [tmpl {<h1>$title</h1>[notice][problems $problems]
<dl><dt>编号</dt><dd>$id</dd><dt>报送单位</dt><dd>$unit</dd><dt>状态</dt><dd id="state">$st</dd><dt>签发人</dt><dd>$signer_name [time $signed]</dd>
<dt>报送时间</dt><dd>[time $sent]</dd>[if {$commission_id ne ""} { tmpl {<dt>回应约稿</dt><dd>$commission_id</dd>} }][if {$reason ne ""} { tmpl {<dt>不予采用理由</dt><dd>$reason</dd>} }][cityAdoption $id]</dl>
<div class="text">$body</div>
[if {$original ne ""} { tmpl {<h2>报送原文</h2><div class="text">$original</div>} }]
[if {$files ne ""} { tmpl {<h2>附件</h2><ul>$files</ul>} }]
<div class="actions">$ops</div>
<p><a href="/submissions">返回政务信息</a></p>}]
}

route GET /submissions/:id {} {
    set me [need submission.write submission.screen]
    submissionPage $me [submission $me [req param id]]
}

route GET /submissions/:id/files/:fid {} {
    set me [need submission.write submission.screen]
    set s [submission $me [req param id]]
    set sid [dict get $s id]
    set fid [req param fid]
    set found 0
    db eval {SELECT name, path FROM submission_file WHERE id = $fid AND submission_id = $sid} { set found 1 }
    if {!$found} { errorpage 404; return }
    set f [open [file join [yqbox::needdata] $path] rb]
    set bytes [read $f]; close $f
    respond bytes $bytes
    respond header Content-Disposition "attachment; filename*=UTF-8''[urlencode $name]"
    respond header X-Content-Type-Options nosniff
    respond header Cache-Control no-store
}

route POST /submissions/:id/:op {} {
    set me [need submission.write submission.screen]
    csrf $me
    set op [req param op]
    if {$op ni {sign send attach adopt reject edit withdraw}} { errorpage 404; return }
    set s [submission $me [req param id]]
    set id [dict get $s id]
    # someone else acted first: say who did what (a state refusal, 422; who may not do it at all is
    # refused by the procedure below)
    if {[stale submission $op [dict get $s state]] && [org::as $me { workflow::permitted -process submission $op $id }]} {
        respond status 422
        set label [dict get {sign 签发 send 报送 adopt 采用 reject 不予采用 edit 编辑 withdraw 撤回 attach 添加附件} $op]
        return [submissionPage $me $s [list [moved submission $id [dict get $s state] $label]]]
    }
    set problems {}
    switch -- $op {
        sign   { set err [as $me { submission::sign $id [dict get $me login] }]; set done 已签发 }
        send   { set err [as $me { submission::send $id }]; set done 已报送信息科 }
        adopt  { set err [as $me { submission::adopt $id }]; set done 已采用 }
        reject {
            set reason [string trim [req form reason]]
            if {$reason eq ""} { lappend problems "请填写不予采用的理由" }
            set err [expr {[llength $problems] ? "" : [as $me { submission::reject $id $reason }]}]
            set done 已不予采用
        }
        edit {
            set t [string trim [req form title]]; set b [string trim [req form body]]
            if {$t eq "" || $b eq ""} { lappend problems "标题和正文不能为空" }
            set err [expr {[llength $problems] ? "" : [as $me { submission::edit $id -title $t -text $b }]}]
            set done 已保存修改
        }
        withdraw {
            set reason [string trim [req form reason]]
            if {$reason eq ""} { lappend problems "请填写撤回理由" }
            set err [expr {[llength $problems] ? "" : [as $me { submission::withdraw $id $reason }]}]
            set done 已撤回
        }
        attach {
            set file [req file file]
            if {$file eq ""} { lappend problems "请选择要上传的文件" }
            set err [expr {[llength $problems] ? "" : [as $me { submission::attach $id [lindex $file 0] [lindex $file 1] }]}]
            set done 已添加附件
        }
    }
    if {$err ne ""} { lappend problems $err }
    if {[llength $problems]} {
        respond status 422
        return [submissionPage $me [submission::Get $id] $problems $op [req forms]]
    }
    done $me "/submissions/$id" $done
}

# ---- 约稿 ----

# web::commissionForm: the office's form issuing a 约稿 notice, with VALUES (title body days, and
# units: the ids checked) and PROBLEMS (sentences) of a refused attempt. The units are picked
# from the active departments and townships (checkboxes u<ID>), not typed.
proc web::commissionForm {me {values {}} {problems {}}} {
    set v [dict merge {title "" body "" days 5 units {}} $values]
    set boxes ""
    db eval {SELECT id AS uid, name AS uname FROM unit WHERE active AND kind IN ('department','township') ORDER BY id} {
        set checked [expr {$uid in [dict get $v units] ? "checked" : ""}]
        markup append boxes [tmpl {<label class="check"><input type="checkbox" name="u$uid" value="1" $checked> $uname</label> }]
    }
    tmpl {[problems $problems]<form method="post" action="/commissions" class="form" id="commission-form">[hidden $me]
<p><label for="c-title">标题</label><input id="c-title" name="title" value="[dict get $v title]" size="60" required></p>
<p><label for="c-body">内容</label><textarea id="c-body" name="body" rows="4">[dict get $v body]</textarea></p>
<fieldset><legend>约稿单位（可多选）</legend>$boxes</fieldset>
<p><label for="c-days">时限（工作日）</label><input id="c-days" name="days" value="[dict get $v days]" size="4"></p>
<p><button type="submit">发出</button></p></form>}
}

# web::commissionsPage: the 约稿 list for ME (the office: every notice and the form to issue one
# with VALUES and PROBLEMS; a unit: its own notices).
proc web::commissionsPage {me {values {}} {problems {}}} {
    set all [can $me submission.screen]
    set names {delivered 按时报送 late 逾期报送 overdue 逾期未报 open 未到期}
    set rows ""
    foreach c [submission::commissions] {
        if {!$all && [dict get $c unit_id] ne [dict get $me unit_id]} { continue }
        dict with c {}
        set link [expr {$submission_id ne "" ? [tmpl {<a href="/submissions/$submission_id">$submission_id</a>}] : ""}]
        markup append rows [tmpl {<tr><td data-label="编号">$id</td><td class="l"><a href="/commissions/$id">$title</a></td><td data-label="单位">$unit</td><td data-label="发出时间">[time $issued]</td><td data-label="截止">[time $due]</td><td data-label="状态" class="st-$state">[dict get $names $state]</td><td data-label="报送">[time $delivered] $link</td></tr>}]
    }
    set form [expr {$all ? [tmpl {<h2 id="h-issue">发出约稿通知</h2>[commissionForm $me $values $problems]}] : ""}]
    app $me 约稿通知 [tmpl {<h1>约稿通知</h1>[notice]
<table class="list stack" id="commissions"><thead><tr><th scope="col">编号</th><th scope="col">标题</th><th scope="col">单位</th><th scope="col">发出时间</th><th scope="col">截止</th><th scope="col">状态</th><th scope="col">报送</th></tr></thead><tbody>$rows</tbody></table>
$form}]
}

route GET /commissions {} {
    set me [need submission.write submission.screen]
    commissionsPage $me
}

route POST /commissions {} {
    set me [need submission.screen]
    csrf $me
    set v [dict create title [string trim [req form title]] body [string trim [req form body]] \
               days [string trim [req form days]] units {}]
    set names {}
    db eval {SELECT id AS uid, name AS uname FROM unit WHERE active AND kind IN ('department','township') ORDER BY id} {
        if {[req form u$uid] eq "1"} { dict lappend v units $uid; lappend names $uname }
    }
    set problems {}
    if {[dict get $v title] eq ""} { lappend problems "请填写约稿通知标题" }
    if {[string length [dict get $v title]] > 200} { lappend problems "标题不超过 200 字" }
    if {[string length [dict get $v body]] > 20000} { lappend problems "内容不超过 20000 字" }
    if {![llength $names]} { lappend problems "请至少选择一个约稿单位" }
    set days [dict get $v days]
    if {![string is entier -strict $days] || $days < 1 || $days > 60} { lappend problems "时限须为 1 到 60 个工作日" }
    if {![llength $problems]} {
        set err [as $me { set cid [submission::commission [dict get $v title] [dict get $v body] $names [list $days workdays]] }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [commissionsPage $me $v $problems]
    }
    done $me "/commissions/$cid" "已发出约稿通知 $cid"
}

route GET /commissions/:id {} {
    set me [need submission.write submission.screen]
    set id [req param id]
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { errorpage 404; return }
    set found 0
    db eval {SELECT c.title, c.body, c.issued, coalesce(u.name, c.issued_by) AS by FROM commission c
             LEFT JOIN user u ON u.login = c.issued_by WHERE c.id = $id} { set found 1 }
    if {!$found} { errorpage 404; return }
    set all [can $me submission.screen]
    set mine [dict get $me unit_id]
    # the unit reads only the notices sent to it, and only its own row and items
    if {!$all && ![db exists {SELECT 1 FROM commission_unit WHERE commission_id = $id AND unit_id = $mine}]} {
        deny $me "约稿通知 $id 未发给本单位"
    }
    set names {delivered 按时报送 late 逾期报送 overdue 逾期未报 open 未到期}
    set rows ""
    foreach c [submission::commissions] {
        if {[dict get $c id] != $id || (!$all && [dict get $c unit_id] ne $mine)} { continue }
        set sid [dict get $c submission_id]
        set link [expr {$sid ne "" ? [tmpl {<a href="/submissions/$sid">政务信息 $sid</a>}] : ""}]
        markup append rows [tmpl {<tr><td data-label="单位">[dict get $c unit]</td><td data-label="截止">[time [dict get $c due]]</td><td data-label="状态" class="st-[dict get $c state]">[dict get $names [dict get $c state]]</td><td data-label="报送">[time [dict get $c delivered]] $link</td></tr>}]
    }
    set items ""
    db eval {SELECT s.id AS sid, s.title AS stitle, s.state AS sstate, s.sent, n.name AS uname FROM submission s
             JOIN unit n ON n.id = s.unit_id WHERE s.commission_id = $id AND ($all OR s.unit_id = $mine)
             ORDER BY s.id} {
        markup append items [tmpl {<li><a href="/submissions/$sid">$stitle</a>（$uname，[dict get $submission::states $sstate][if {$sent ne ""} { tmpl {，[time $sent] 报送} }]）</li>}]
    }
    set write [expr {!$all || [can $me submission.write] ? [tmpl {<p><a href="/submissions?commission=$id#s-title">起草回应本约稿的政务信息</a></p>}] : ""}]
    app $me "约稿 $id" [tmpl {<h1>约稿通知：$title</h1>[notice]
<p class="meta">编号 $id · $by 于 [time $issued] 发出</p>
<div class="text" id="commission-text">$body</div>
<h2>各单位报送时限</h2>
<table class="list stack" id="commission-units"><thead><tr><th scope="col">单位</th><th scope="col">截止</th><th scope="col">状态</th><th scope="col">报送</th></tr></thead><tbody>$rows</tbody></table>
<h2>回应本约稿的信息</h2>[if {$items eq ""} { tmpl {<p>尚无。</p>} } else { tmpl {<ul id="commission-items">$items</ul>} }]
$write<p><a href="/commissions">返回约稿通知</a></p>}]
}

# ================= 依申请公开 =================

# web::requestRow: the row of disclosure request ID for ME (request.handle); 404 when none.
proc web::requestRow {id} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { errorpage 404; stop }
    set row {}
    db eval {SELECT * FROM request WHERE id = $id} r { unset r(*); set row [array get r] }
    if {$row eq ""} { errorpage 404; stop }
    return $row
}

route GET /requests {} {
    set me [need request.handle request.approve@office]
    set f [requestFilter]
    dict with f {}
    set now [yqbox::now]
    set rows ""
    db eval "$sql LIMIT 500" {
        set shown [requestDue $st $due $due_epoch $due_provisional $paused $now]
        set kind [expr {$answer eq "" ? "" : [dict get $request::kinds $answer]}]
        markup append rows [tmpl {<tr><td><a href="/requests/$id">$number</a></td><td>$name</td><td>[dict get $request::channels $ch]</td><td>[time $received]</td><td>$shown</td><td>[dict get $request::states $st] $kind</td></tr>
}]
    }
    set states [concat {"" 全部} $request::states]
    set channels [concat {"" 全部} $request::channels]
    app $me 依申请公开 [tmpl {<h1>政府信息依申请公开登记簿</h1>[notice]
<p><a href="/requests/new">登记信函、传真、当面申请</a> · <a href="/requests/stats">年度统计表</a></p>
<form method="get" action="/requests" class="filters">
<label for="f-state">状态</label><select id="f-state" name="state">[options $states $state]</select>
<label for="f-channel">申请方式</label><select id="f-channel" name="channel">[options $channels $channel]</select>
<label for="f-year">年度</label><input id="f-year" name="year" value="$year" size="5">
<label for="f-q">编号、申请人或内容</label><input id="f-q" name="q" value="$q">
<button type="submit">筛选</button> <a href="/requests.csv?$qs">下载 CSV（Excel）</a></form>
<table class="list" id="register"><thead><tr><th scope="col">申请编号</th><th scope="col">申请人</th><th scope="col">方式</th><th scope="col">收到时间</th><th scope="col">答复期限</th><th scope="col">状态</th></tr></thead><tbody>$rows</tbody></table>}]
}

# web::requestForm: the staff registration form with VALUES and PROBLEMS ({FIELD MESSAGE} list).
proc web::requestForm {me values problems} {
    set v [request::Defaults $values]
    if {![dict exists $values channel]} { dict set v channel letter }
    set received [expr {[dict exists $values received] ? [dict get $values received] : ""}]
    set msgs [lmap p $problems { lindex $p 1 }]
    set forms {"" 请选择}; foreach f $request::forms { lappend forms $f $f }
    set dels {"" 请选择}; foreach f $request::deliveries { lappend dels $f $f }
    set ids {}
    foreach t [concat [dict get $request::idTypes person] [dict get $request::idTypes organisation]] {
        if {$t ni $ids} { lappend ids $t $t }
    }
    set chans [dict remove $request::channels online]
    set oralc [expr {[dict get $v oral] ? "checked" : ""}]
    dict with v {}
    tmpl {[problems $msgs]<form method="post" action="/requests" class="form">[hidden $me]
<p><label for="r-channel">申请方式</label><select id="r-channel" name="channel">[options $chans $channel]</select>
<label><input type="checkbox" name="oral" value="1" $oralc> 口头提出，工作人员代为填写</label></p>
<p><label for="r-received">收到时间（YYYY-MM-DD HH:MM，空为现在）</label><input id="r-received" name="received" value="$received"></p>
<p><label for="r-kind">申请人类型</label><select id="r-kind" name="applicant_kind">[options {person 公民 organisation 法人或者其他组织} $applicant_kind]</select></p>
<p><label for="r-name">姓名或名称</label><input id="r-name" name="name" value="$name"></p>
<p><label for="r-idtype">身份证明类型</label><select id="r-idtype" name="id_type">[options $ids $id_type]</select>
<label for="r-idnum">号码</label><input id="r-idnum" name="id_number" value="$id_number"></p>
<p><label for="r-phone">联系电话</label><input id="r-phone" name="phone" value="$phone">
<label for="r-email">电子邮箱</label><input id="r-email" name="email" value="$email"></p>
<p><label for="r-address">通信地址</label><input id="r-address" name="address" value="$address" size="50"></p>
<p><label for="r-desc">所需信息描述</label><textarea id="r-desc" name="description" rows="4">$description</textarea></p>
<p><label for="r-purpose">用途</label><input id="r-purpose" name="purpose" value="$purpose" size="50"></p>
<p><label for="r-form">所需信息形式</label><select id="r-form" name="form">[options $forms $form]</select>
<label for="r-delivery">获取方式</label><select id="r-delivery" name="delivery">[options $dels $delivery]</select></p>
<p><label for="r-signature">申请人签名</label><input id="r-signature" name="signature" value="$signature">
<label for="r-applied">申请日期</label><input id="r-applied" name="applied" value="$applied"></p>
<p><button type="submit">登记</button></p></form>}
}

route GET /requests/new {} {
    set me [need request.handle request.approve@office]
    app $me 登记申请 [tmpl {<h1>登记政府信息公开申请</h1>[requestForm $me {} {}]}]
}

route POST /requests {} {
    set me [need request.handle request.approve@office]
    csrf $me
    set v {}
    foreach k {channel applicant_kind name id_type id_number address phone email description purpose form delivery signature applied received} {
        dict set v $k [string trim [req form $k]]
    }
    dict set v oral [expr {[req form oral] eq "1"}]
    # fields left empty take their defaults (applicant kind, date of application: today)
    dict for {k x} $v { if {$x eq ""} { dict unset v $k } }
    set problems {}
    if {![dict exists $v channel] || [dict get $v channel] ni {letter fax email visit}} { lappend problems {channel 请选择申请方式（信函、传真、电子邮件或当面）} }
    if {[dict exists $v received] && ![regexp {^\d{4}-\d\d-\d\d( \d\d:\d\d)?$} [dict get $v received]]} {
        lappend problems [list received "收到时间格式应为 YYYY-MM-DD HH:MM"]
    }
    lappend problems {*}[request::validate $v]
    if {![llength $problems]} {
        set f $v
        if {[dict exists $f received]} { dict set f received [string map {" " T} [dict get $f received]] }
        set err [as $me { set r [request::register $f] }]
        if {$err ne ""} { lappend problems [list received $err] }
    }
    if {[llength $problems]} {
        respond status 422
        return [app $me 登记申请 [tmpl {<h1>登记政府信息公开申请</h1>[requestForm $me $v $problems]}]]
    }
    done $me "/requests/[dict get $r id]" "已登记 [dict get $r number]，查询码 [dict get $r secret]（请告知申请人，仅显示一次），答复期限 [dueText [dict get $r due] [dict get $r provisional]]"
}

route GET /requests/stats {} {
    set me [need request.handle request.approve@office]
    set year [string trim [req query year [reporting::current year]]]
    if {![regexp {^\d{4}$} $year]} { errorpage 400 "年度格式应为 YYYY"; return }
    document [org::as $me { request::statsPage $year }]
}

# web::opened: the attribute that opens a <details> of action WANT when OP (the action that
# failed) is that one (markup " open"), else "".
proc web::opened {op want} {
    expr {$op eq $want ? [tmpl { open}] : ""}
}

# web::requestPage: the page of request row R for ME with PROBLEMS of a failed action OP, whose
# form is shown again open and filled in with VALUES (the fields as posted).
proc web::requestPage {me r {problems {}} {op ""} {values {}}} {
    # the action forms' fields: what was typed into the one that failed, else empty
    array set f {}
    foreach {o names} {identity {result note} pause {kind party reply_by note} extend {days reason told}
                       answer {kind text} withdraw {reason} fee {amount reason} waive {reason}} {
        foreach n $names { set f($o.$n) [expr {$o eq $op && [dict exists $values $n] ? [dict get $values $n] : ""}] }
    }
    if {$op ne "extend"} { set f(extend.days) 20 }
    dict with r {}
    set ch [dict get $request::channels $channel]
    set st [dict get $request::states $state]
    set kind [expr {$answer eq "" ? "" : [dict get $request::kinds $answer]}]
    set pauses ""
    set running 0
    db eval {SELECT id AS pid, kind AS k, party, started, resumed FROM request_pause WHERE request_id = $id ORDER BY id} {
        set kt [expr {$k eq "third_party" ? "征求第三方意见" : "征求其他机关意见"}]
        if {$resumed eq ""} { set running 1 }
        markup append pauses [tmpl {<li>$kt：$party（[time $started] 至 [expr {$resumed eq "" ? "进行中" : [time $resumed]}]）</li>}]
    }
    set shown [expr {$running ? "暂停计时（征求意见中）" : [dueText $due [expr {$state eq "registered" ? $due_provisional : ""}]]}]
    set repeat [expr {$repeat_of ne "" ? [db onecolumn {SELECT number FROM request WHERE id = $repeat_of}] : ""}]
    set a /requests/$id
    set ops ""
    if {$state eq "registered"} {
        markup append ops [tmpl {<details[opened $op identity]><summary>身份核验</summary><form method="post" action="$a/identity" class="form">[hidden $me]<p><label for="i-result">结果</label><select id="i-result" name="result">[options {verified 核验通过 failed 核验未通过} $f(identity.result)]</select> <label for="i-note">核验的证件</label><input id="i-note" name="note" value="$f(identity.note)"></p><p><button type="submit">记录</button></p></form></details>}]
        if {$running} {
            markup append ops [postButton $me $a/resume 征求意见结束，恢复计时]
        } else {
            markup append ops [tmpl {<details[opened $op pause]><summary>征求意见（暂停计时）</summary><form method="post" action="$a/pause" class="form">[hidden $me]<p><label for="p-kind">类型</label><select id="p-kind" name="kind">[options {third_party 征求第三方意见 agency 征求其他机关意见} $f(pause.kind)]</select> <label for="p-party">被征求意见方</label><input id="p-party" name="party" value="$f(pause.party)"></p><p><label for="p-by">答复期限（YYYY-MM-DD，可选）</label><input id="p-by" name="reply_by" value="$f(pause.reply_by)"> <label for="p-note">说明</label><input id="p-note" name="note" value="$f(pause.note)"></p><p><button type="submit">开始征求意见</button></p></form></details>}]
        }
        if {$extension == 0 && [org::as $me { workflow::permitted -process request extend $id }]} {
            markup append ops [tmpl {<details[opened $op extend]><summary>延长答复期限（信息公开工作机构负责人）</summary><form method="post" action="$a/extend" class="form">[hidden $me]<p><label for="x-days">延长工作日</label><input id="x-days" name="days" value="$f(extend.days)" size="3"> <label for="x-reason">理由</label><input id="x-reason" name="reason" value="$f(extend.reason)"></p><p><label for="x-told">告知申请人的方式和时间</label><input id="x-told" name="told" value="$f(extend.told)" size="40"></p><p><button type="submit">批准延长</button></p></form></details>}]
        }
        set kinds [options $request::kinds $f(answer.kind)]
        set fields ""
        foreach {k l} $request::detailNames {
            set dv [expr {$op eq "answer" && [dict exists $values d_$k] ? [dict get $values d_$k] : ""}]
            markup append fields [tmpl {<p><label for="d-$k">$l</label><input id="d-$k" name="d_$k" value="$dv" size="50"></p>}]
        }
        markup append ops [tmpl {<details[opened $op answer]><summary>答复</summary><form method="post" action="$a/answer" class="form">[hidden $me]<p><label for="a-kind">答复类型</label><select id="a-kind" name="kind">$kinds</select></p>
<p class="note">按答复类型填写：已主动公开——获取方式和途径；予以公开——提供方式（可选获取时间、不予公开部分及理由）；不予公开——理由（可选法律法规依据）；非本机关负责公开——理由（可选负责公开的机关、联系方式）；依照有关法律法规办理——法律法规依据。</p>
$fields<p><label for="a-text">补充说明（写入答复书）</label><textarea id="a-text" name="text" rows="3">$f(answer.text)</textarea></p><p><button type="submit">答复并生成答复书</button></p></form></details>}]
    }
    if {$state eq "registered" && [org::as $me { workflow::permitted -process request withdraw $id }]} {
        markup append ops [tmpl {<details[opened $op withdraw]><summary>撤销重复登记</summary><form method="post" action="$a/withdraw" class="form">[hidden $me]<p><label for="w-why">理由（重复的申请编号等）</label><input id="w-why" name="reason" value="$f(withdraw.reason)" size="40"></p><p><button type="submit">撤销</button></p></form></details>}]
    }
    if {$state eq "answered"} { markup append ops [postButton $me $a/archive 归档] }
    markup append ops [tmpl {<details[opened $op fee][opened $op waive]><summary>信息处理费</summary><form method="post" action="$a/fee" class="form">[hidden $me]<p><label for="f-amount">金额（元）</label><input id="f-amount" name="amount" value="$f(fee.amount)" size="8"> <label for="f-reason">理由</label><input id="f-reason" name="reason" value="$f(fee.reason)"></p><p><button type="submit">登记收费</button></p></form>[if {$fee > 0 && !$waived && [org::as $me { workflow::permitted -process request waive $id }]} { tmpl {<form method="post" action="$a/waive" class="form">[hidden $me]<p><label for="w-reason">减免理由（经济困难）</label><input id="w-reason" name="reason" value="$f(waive.reason)"><button type="submit">批准减免</button></p></form>} }]</details>}]
    app $me "申请 $number" [tmpl {<h1>政府信息公开申请 $number</h1>[notice][problems $problems]
<dl><dt>申请人</dt><dd>$name（$id_type $id_number）</dd><dt>联系方式</dt><dd>$phone $email $address</dd>
<dt>申请方式</dt><dd>$ch[if {$oral} { tmpl {（口头提出，工作人员代为填写）} }]</dd><dt>收到时间</dt><dd>[time $received]</dd>
<dt>所需信息</dt><dd>$description</dd><dt>用途</dt><dd>$purpose</dd><dt>形式</dt><dd>$form $delivery</dd>
<dt>签名</dt><dd>$signature（$applied）</dd><dt>身份核验</dt><dd>[dict get {"" 未核验 verified 核验通过 failed 核验未通过} $identity] $identity_note</dd>
[if {$repeat ne ""} { tmpl {<dt>疑似重复申请</dt><dd><a href="/requests/$repeat_of">$repeat</a></dd>} }]
<dt>答复期限</dt><dd id="due">$shown[if {$extension} { tmpl {（已延长 $extension 个工作日：$ext_reason；批准人 $ext_approver；告知 $ext_told）} }]</dd>
<dt>状态</dt><dd id="state">$st $kind</dd>
[if {$letter_no ne ""} { tmpl {<dt>答复书</dt><dd><a href="$a/letter">$letter_no（可打印）</a></dd>} }]
[if {$fee > 0} { tmpl {<dt>信息处理费</dt><dd>[format %.2f $fee] 元（$fee_reason）[if {$waived} { tmpl {，已减免（批准人 $waiver_by）} }]</dd>} }]</dl>
[if {$pauses ne ""} { tmpl {<h2>征求意见（不计入答复期限）</h2><ul>$pauses</ul>} }]
<div class="actions">$ops</div>
[requestRecord $id]
<p><a href="/requests">返回登记簿</a></p>}]
}

namespace eval web {
    # audit action of a disclosure request -> its name on the request's 办理记录
    variable requestActions {
        request.register 登记申请  request.identity 身份核验  request.pause 征求意见（暂停计时）
        request.resume 恢复计时  request.extend 延长答复期限  request.answer 答复
        request.fee 登记信息处理费  request.waive 减免信息处理费  request.archive 归档
        request.recompute 答复期限重算  request.withdraw 撤销重复登记
        deadline.warning 答复期限预警  deadline.breach 答复期限已超期
    }
}

# web::requestRecord: the 办理记录 of request ID: its audit entries (object request:ID), oldest
# first, each action named in words, with who did it; a recomputation also says what moved (the
# other entries' details are written for the audit, not for people).
proc web::requestRecord {id} {
    variable requestActions
    set items ""
    set object request:$id
    db eval {SELECT a.at, a.login, coalesce(u.name, '') AS who, a.action, a.after FROM audit a
             LEFT JOIN user u ON u.login = a.login WHERE a.object = $object ORDER BY a.id} {
        set what [expr {[dict exists $requestActions $action] ? [dict get $requestActions $action] : [yq::action $action]}]
        set by [expr {$who ne "" ? $who : [expr {$login eq "console" ? "控制台" : ($login eq "system" ? "系统" : $login)}]}]
        set note [expr {$action eq "request.recompute" ? $after : ($action eq "request.withdraw" ? [regsub {^state=\S+ } $after ""] : "")}]
        markup append items [tmpl {<li class="[string map {. -} $action]"><time datetime="$at">[time $at]</time> <strong>$what</strong> <span class="meta">$by</span> [whenText $note]</li>}]
    }
    if {$items eq ""} { return "" }
    tmpl {<section aria-labelledby="h-record"><h2 id="h-record">办理记录</h2><ol class="timeline" id="record">$items</ol></section>}
}

route GET /requests/:id {} {
    set me [need request.handle request.approve@office]
    requestPage $me [requestRow [req param id]]
}

route GET /requests/:id/letter {} {
    set me [need request.handle request.approve@office]
    set r [requestRow [req param id]]
    if {[dict get $r answer] eq ""} { errorpage 404 "该申请尚未答复，没有答复书。"; return }
    document [org::as $me { request::letter [dict get $r id] }]
}

route POST /requests/:id/:op {} {
    set me [need request.handle request.approve@office]
    csrf $me
    set op [req param op]
    if {$op ni {identity pause resume extend answer fee waive archive withdraw}} { errorpage 404; return }
    set r [requestRow [req param id]]
    set id [dict get $r id]
    # who may: the transition's own permission and scope (the head of the disclosure office
    # approves extend and waive; the rest is the office's work)
    if {![org::as $me { workflow::permitted -process request $op $id }]} {
        deny $me [expr {$op in {extend waive} ? "须由信息公开工作机构负责人批准" : "需要权限：request.handle"}]
    }
    # someone else acted first: say who did what (a state refusal, 422)
    if {[stale request $op [dict get $r state]]} {
        respond status 422
        set label [dict get {identity 身份核验 pause 征求意见 resume 恢复计时 extend 延长答复期限 answer 答复
                             fee 登记信息处理费 waive 减免信息处理费 archive 归档 withdraw 撤销重复登记} $op]
        return [requestPage $me $r [list [moved request $id [dict get $r state] $label]]]
    }
    set problems {}
    set err ""
    set f [req forms]
    foreach k {result note kind party reply_by days reason told text amount} {
        set $k [expr {[dict exists $f $k] ? [string trim [dict get $f $k]] : ""}]
    }
    switch -- $op {
        identity {
            if {$result ni {verified failed}} { lappend problems "请选择核验结果" }
            if {$note eq ""} { lappend problems "请填写核验的证件" }
            if {![llength $problems]} { set err [as $me { request::identity $id $result $note }] }
            set done 已记录身份核验
        }
        pause {
            if {$kind ni {third_party agency}} { lappend problems "请选择征求意见类型" }
            if {$party eq ""} { lappend problems "请填写被征求意见方" }
            if {$reply_by ne "" && ![regexp {^\d{4}-\d\d-\d\d$} $reply_by]} { lappend problems "答复期限格式应为 YYYY-MM-DD" }
            if {![llength $problems]} { set err [as $me { request::pause $id $kind $party -note $note -reply-by $reply_by }] }
            set done 已开始征求意见，暂停计时
        }
        resume {
            set err [as $me { request::resume $id }]
            set done 已恢复计时
        }
        extend {
            if {![string is entier -strict $days] || $days < 1 || $days > 20} { lappend problems "延长期限须为 1 到 20 个工作日" }
            if {$reason eq ""} { lappend problems "请填写延长理由" }
            if {$told eq ""} { lappend problems "请填写告知申请人的方式和时间" }
            if {![llength $problems]} { set err [as $me { request::extend $id $days $reason [dict get $me login] $told }] }
            set done 已延长答复期限
        }
        answer {
            if {![dict exists $request::kinds $kind]} {
                lappend problems "请选择答复类型"
            } else {
                set detail {}
                set want [concat [dict get $request::details $kind required] [dict get $request::details $kind optional]]
                foreach k $want {
                    set x [expr {[dict exists $f d_$k] ? [string trim [dict get $f d_$k]] : ""}]
                    if {$x ne ""} { dict set detail $k $x }
                }
                foreach k [dict get $request::details $kind required] {
                    if {![dict exists $detail $k]} { lappend problems "[dict get $request::kinds $kind]须填写：[dict get $request::detailNames $k]" }
                }
                if {![llength $problems]} { set err [as $me { request::answer $id $kind $detail $text }] }
            }
            set done 已答复，答复书已生成
        }
        fee {
            if {![string is double -strict $amount] || $amount <= 0 || $amount > 100000} { lappend problems "请填写正确的金额" }
            if {$reason eq ""} { lappend problems "请填写收费理由（申请数量、频次明显超过合理范围）" }
            if {![llength $problems]} { set err [as $me { request::fee $id $amount $reason }] }
            set done 已登记信息处理费
        }
        waive {
            if {$reason eq ""} { lappend problems "请填写减免理由" }
            if {![llength $problems]} { set err [as $me { request::waive $id [dict get $me login] $reason }] }
            set done 已减免费用
        }
        archive {
            set err [as $me { request::archive $id }]
            set done 已归档
        }
        withdraw {
            if {$reason eq ""} { lappend problems "请填写撤销理由" }
            if {![llength $problems]} { set err [as $me { request::withdraw $id $reason }] }
            set done 已撤销重复登记
        }
    }
    if {$err ne ""} { lappend problems $err }
    if {[llength $problems]} {
        respond status 422
        return [requestPage $me [requestRow $id] $problems $op $f]
    }
    done $me "/requests/$id" $done
}
