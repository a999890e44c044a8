# inbox.tcl - each person's notices inside the page and their own notice settings: /inbox lists the
# notices notify::queue kept for the logged-in user (newest first, unread marked, each linking to
# its event, request, submission or 批示), marks one or all read, pages through them; the header of
# every staff page shows the unread count (web::app calls web::inboxLink). /settings/notify is
# where a user sets their e-mail address (and mobile number when an SMS gateway is configured) and
# which kinds of notice (notify::kinds) also come by mail and by 短信.

namespace eval web { variable inboxPage 30 }

# web::inboxLink: the header's link to the inbox of ME with the unread count (one indexed count,
# shown as 99+ from 100 on). Returns markup.
proc web::inboxLink {me} {
    set n [notify::unread [dict get $me user_id] 100]
    if {$n >= 100} { set n 99+ }
    if {$n ne "0"} {
        tmpl {<a class="inboxlink" href="/inbox" aria-label="站内通知，$n 条未读">通知<span class="count">$n</span></a>}
    } else {
        tmpl {<a class="inboxlink" href="/inbox" aria-label="站内通知，没有未读">通知</a>}
    }
}

# web::inboxTarget: {HREF LABEL} of what an inbox item about event EVENT ("" = none) and OBJECT
# (request:ID, submission:ID, commission:ID, instruction:ID, document:ID or "") of KIND links to; HREF "" when
# it links nowhere.
proc web::inboxTarget {event object kind} {
    lassign [split $object :] type oid
    switch -- $type {
        request { return [list /requests/$oid "政府信息公开申请 #$oid"] }
        submission { return [list /submissions/$oid "政务信息 #$oid"] }
        commission { return [list /commissions/$oid "约稿 #$oid"] }
        document { return [list /documents/$oid "公文 #$oid"] }
        repost { return [list /reposts/$oid "转载任务 #$oid"] }
        bulletin { return [list /bulletins/$oid "市级通报 #$oid"] }
        instruction { if {$event ne ""} { return [list /events/$event#h-deadlines "领导批示（事件 #$event）"] } }
    }
    if {$event ne ""} { return [list /events/$event "事件 #$event"] }
    if {[string match job.* $kind] || [string match db.* $kind] || [string match disk.* $kind]} {
        return [list /health 运行状况]
    }
    list "" ""
}

# web::inboxQuery: the query string of the inbox page with UNREAD (1 = only unread) and PAGE.
proc web::inboxQuery {unread page} {
    set q {}
    if {$unread} { lappend q unread=1 }
    if {$page > 1} { lappend q page=$page }
    expr {[llength $q] ? "?[join $q &]" : ""}
}

route GET /inbox {} {
    set me [need]
    set inboxPage $::web::inboxPage
    set uid [dict get $me user_id]
    set unread [expr {[req query unread] eq "1"}]
    set page [pageNo]
    set offset [expr {($page - 1) * $inboxPage}]
    set total [db onecolumn {SELECT count(*) FROM inbox WHERE user_id = $uid AND ($unread = 0 OR read_at IS NULL)}]
    set nunread [notify::unread $uid]
    set rows ""
    db eval {SELECT id, event_id, object, kind, text, body, created, read_at FROM inbox
             WHERE user_id = $uid AND ($unread = 0 OR read_at IS NULL)
             ORDER BY id DESC LIMIT $inboxPage OFFSET $offset} {
        lassign [inboxTarget $event_id $object $kind] href label
        set text [whenText $text]
        set title [expr {$href eq "" ? [tmpl {<span class="text">$text</span>}] : [tmpl {<a class="text" href="$href">$text</a>}]}]
        set what [expr {$label eq "" ? "" : [tmpl { · $label}]}]
        set lines [markup join [lmap l [split $body \n] { tmpl {<li>[whenText $l]</li>} }]]
        set more [expr {$body eq "" ? "" : [tmpl {<details><summary>详情</summary><ul class="lines">$lines</ul></details>}]}]
        if {$read_at eq ""} {
            set mark [postButton $me /inbox/read 标为已读 [list id $id unread $unread page $page] secondary]
            markup append rows [tmpl {<li class="item unread"><div class="row"><span class="badge">未读</span> $title $mark</div>
<p class="meta"><time datetime="$created">[when $created]</time>$what</p>$more</li>
}]
        } else {
            markup append rows [tmpl {<li class="item"><div class="row">$title</div>
<p class="meta"><time datetime="$created">[when $created]</time>$what · [when $read_at] 已读</p>$more</li>
}]
        }
    }
    set pages [expr {max(1, ($total + $inboxPage - 1) / $inboxPage)}]
    set pager ""
    if {$page > 1} { markup append pager [tmpl {<a href="/inbox[inboxQuery $unread [expr {$page - 1}]]" rel="prev">上一页</a> }] }
    markup append pager [tmpl {<span>第 $page 页，共 $pages 页</span>}]
    if {$page < $pages} { markup append pager [tmpl { <a href="/inbox[inboxQuery $unread [expr {$page + 1}]]" rel="next">下一页</a>}] }
    set all [expr {$nunread ? [postButton $me /inbox/read-all 全部标为已读 [list unread $unread]] : ""}]
    set cur [expr {$unread ? {false page} : {page false}}]
    set empty [expr {$rows ne "" ? "" : ($unread ? [tmpl {<p>没有未读通知。</p>}] : [tmpl {<p>还没有通知。事件、时限和申请需要您知道或办理时，通知会出现在这里。</p>}])}]
    app $me 站内通知 [tmpl {<h1>站内通知</h1>[notice]
<div class="inboxbar"><p>未读 <strong>$nunread</strong> 条，共 $total 条</p>
<nav class="tabs" aria-label="筛选"><a href="/inbox" aria-current="[lindex $cur 0]">全部</a> <a href="/inbox?unread=1" aria-current="[lindex $cur 1]">只看未读</a></nav>
$all <a href="/settings/notify">通知设置</a></div>
<ul class="inbox">$rows</ul>$empty
<p class="pager">$pager</p>
<p class="hint">已读通知保留 [conf::get inbox_keep_days] 天后自动删除，未读通知一直保留。</p>}]
}

# web::inboxBack: the inbox address a mark-read form came from (its unread and page fields).
proc web::inboxBack {} {
    set unread [expr {[req form unread] eq "1"}]
    set page [req form page 1]
    if {![string is entier -strict $page] || $page < 1 || $page > 100000} { set page 1 }
    return /inbox[inboxQuery $unread $page]
}

route POST /inbox/read {} {
    set me [need]
    csrf $me
    set uid [dict get $me user_id]
    set id [req form id]
    if {![string is entier -strict $id] || ![db exists {SELECT 1 FROM inbox WHERE id = $id AND user_id = $uid}]} {
        errorpage 404 "没有这条通知（可能已按保留期限删除）。"
        return
    }
    set at [yqbox::iso]
    db transaction immediate {
        db eval {UPDATE inbox SET read_at = $at WHERE id = $id AND user_id = $uid AND read_at IS NULL}
    }
    done $me [inboxBack] 已标为已读
}

route POST /inbox/read-all {} {
    set me [need]
    csrf $me
    set uid [dict get $me user_id]
    set at [yqbox::iso]
    db transaction immediate {
        db eval {UPDATE inbox SET read_at = $at WHERE user_id = $uid AND read_at IS NULL}
        set n [db changes]
    }
    done $me /inbox "已将 $n 条通知标为已读"
}

# ---- each user's notice settings ----

# web::notifyForm: the settings form of ME with values S (a dict as notify::settings gives, with
# address for the e-mail) and PROBLEMS. Returns markup.
proc web::notifyForm {me s problems} {
    set smsOn [expr {[conf::get sms_url] ne ""}]
    set levels {}
    foreach l {一般 较大 重大 特别重大} { lappend levels $l $l }
    set rows ""
    foreach {k title covers} $::notify::kinds {
        set m [expr {$k in [dict get $s mail_kinds] ? [tmpl { checked}] : ""}]
        set t [expr {$k in [dict get $s sms_kinds] ? [tmpl { checked}] : ""}]
        set smsCell [expr {$smsOn ? [tmpl {<td data-label="短信"><input type="checkbox" id="s-$k" name="sms_$k" value="1"$t aria-label="$title：短信"></td>}] : ""}]
        markup append rows [tmpl {<tr><th scope="row">$title<br><small class="hint">$covers</small></th><td data-label="站内">总是</td><td data-label="邮件"><input type="checkbox" id="m-$k" name="mail_$k" value="1"$m aria-label="$title：邮件"></td>$smsCell</tr>
}]
    }
    set smsHead [expr {$smsOn ? [tmpl {<th scope="col">短信</th>}] : ""}]
    set phone [expr {$smsOn ? [tmpl {<p><label for="n-phone">手机号码（接收短信）</label><input id="n-phone" name="phone" value="[dict get $s phone]" inputmode="numeric" autocomplete="tel" size="14"></p>}] : ""}]
    set quiet [expr {$smsOn ? [tmpl {<p><label for="n-quiet">短信免打扰时段（HH:MM-HH:MM，可空）</label><input id="n-quiet" name="quiet" value="[dict get $s quiet]" size="12" placeholder="22:00-07:00"><br><small class="hint">免打扰时段内产生的短信推迟到时段结束后发送，不会丢弃。</small></p>}] : ""}]
    set totp [expr {[can $me totp.enrol] ? [tmpl {<p><a href="/account/totp">动态口令（双因素认证）设置</a></p>}] : ""}]
    tmpl {<h1>通知设置</h1>[notice][problems $problems]
<p>与您有关的每条通知都会出现在<a href="/inbox">站内通知</a>中。下面选择哪些通知同时通过邮件[if {$smsOn} {tmpl {或短信}}]发送给您。</p>
<form method="post" action="/settings/notify" class="form">[hidden $me]
<p><label for="n-email">电子邮箱</label><input id="n-email" name="address" type="email" value="[dict get $s email]" autocomplete="email" size="30"></p>
$phone
<table class="list stack kinds"><thead><tr><th scope="col">通知种类</th><th scope="col">站内</th><th scope="col">邮件</th>$smsHead</tr></thead><tbody>$rows</tbody></table>
<p><label for="n-level">邮件[if {$smsOn} {tmpl {和短信}}]只发送风险等级不低于</label><select id="n-level" name="min_level">[options $levels [dict get $s min_level]]</select> <small class="hint">的事件通知（站内通知不受影响）</small></p>
$quiet
<p><button type="submit">保存</button></p></form>$totp}
}

route {GET POST} /settings/notify {} {
    set me [need]
    set uid [dict get $me user_id]
    set s [notify::settings $uid]
    set problems {}
    if {[req method] eq "POST"} {
        csrf $me
        set smsOn [expr {[conf::get sms_url] ne ""}]
        set kinds [lmap {k title covers} $::notify::kinds { set k }]
        dict set s email [string trim [req form address]]
        dict set s mail_kinds [lmap k $kinds { expr {[req form mail_$k] eq "1" ? $k : [continue]} }]
        dict set s min_level [req form min_level]
        if {$smsOn} {
            dict set s phone [string trim [req form phone]]
            dict set s sms_kinds [lmap k $kinds { expr {[req form sms_$k] eq "1" ? $k : [continue]} }]
            dict set s quiet [string trim [req form quiet]]
        }
        dict with s {}
        if {$email ne "" && ![notify::validEmail $email]} { lappend problems "电子邮箱格式不正确，应形如 zhangsan@example.gov.cn" }
        if {$email eq "" && [llength $mail_kinds]} { lappend problems "选择了邮件通知，请填写电子邮箱" }
        if {$min_level ni {一般 较大 重大 特别重大}} { lappend problems "请选择风险等级" }
        if {$smsOn} {
            if {$phone ne "" && ![notify::mobile $phone]} { lappend problems "手机号码应为 11 位数字，以 1 开头" }
            if {$phone eq "" && [llength $sms_kinds]} { lappend problems "选择了短信通知，请填写手机号码" }
            if {![notify::quietOk $quiet]} { lappend problems "免打扰时段格式为 HH:MM-HH:MM，例如 22:00-07:00" }
        }
        if {![llength $problems]} {
            set at [yqbox::iso]
            set hasMail [expr {[llength $mail_kinds] > 0}]
            set hasSms [expr {[llength $sms_kinds] > 0}]
            set deadlines [expr {"deadline" in [concat $mail_kinds $sms_kinds]}]
            org::as $me {
                db transaction immediate {
                    set before [db eval {SELECT email, phone FROM user WHERE id = $uid}]
                    db eval {UPDATE user SET email = $email, phone = $phone WHERE id = $uid}
                    db eval {INSERT OR REPLACE INTO notify_setting(user_id, email, sms, min_level, deadlines, quiet, updated,
                                                                   mail_kinds, sms_kinds)
                             VALUES($uid, $hasMail, $hasSms, $min_level, $deadlines, $quiet, $at, $mail_kinds, $sms_kinds)}
                    audit::record notify.update user:[dict get $me login] -before "email=[lindex $before 0] phone=[lindex $before 1]" \
                        -after "email=$email phone=$phone mail=$mail_kinds sms=$sms_kinds level=$min_level quiet=$quiet"
                }
            }
            done $me /settings/notify 已保存通知设置
            return
        }
        respond status 422
    }
    app $me 通知设置 [notifyForm $me $s $problems]
}
