# app.tcl - what every logged-in page shares: who is asking (the session), the permission and
# unit-scope checks made on the server, CSRF tokens, the page layout with its navigation, and
# small helpers for forms, times and charts.
#
# A handler starts with `set me [web::need PERM ...]` (any one of the permissions; none = any
# logged-in user): it answers the login page, a 403 page (audited) or the TOTP step itself and
# stops the handler when the check fails. POST handlers call `web::csrf $me` next. Events are
# seen through `web::eventScope $me` (office and leaders: all; other roles: their unit's events
# and the unclaimed ones routed to their unit) and `web::event $me ID` (404 for none, 403 audited
# for one out of scope), so changing an id in the address never reaches another unit's event.

# route handlers (in ::web::h) call the helpers here without the web:: prefix
namespace eval web::h { namespace path ::web }

namespace eval web {
    # the navigation: label, path, permissions (any one; empty = every logged-in user)
    variable nav {
        工作台       /dashboard        {event.view.unit}
        舆情事件     /events           {event.view.unit}
        待认领       /queue            {event.claim}
        专报与报告   /documents        {event.view.all}
        采集源       /sources          {source.manage}
        规则与词表   /rules            {rule.manage event.judge}
        工作日历     /calendar         {}
        单位与用户   /units            {unit.manage user.manage}
        在线会话     /sessions         {session.manage}
        审计日志     /audit            {audit.read}
        通知设置     /settings/notify  {}
        修改密码     /account/password {}
        动态口令     /account/totp     {totp.enrol}
    }
}

# web::me: the logged-in principal of this request (org::principal plus session csrf stage name),
# or "" when the request carries no live session. Looked up once per request.
proc web::me {} {
    variable req
    if {[dict exists $req me]} { return [dict get $req me] }
    set me ""
    set s [session::lookup [req cookie $session::cookie]]
    if {$s ne ""} {
        set me [org::principal [dict get $s user_id] "web [req peer]"]
        dict set me session [dict get $s id]
        dict set me csrf [dict get $s csrf]
        dict set me stage [dict get $s stage]
        set uid [dict get $s user_id]
        dict set me name [db onecolumn {SELECT name FROM user WHERE id = $uid}]
    }
    dict set req me $me
    return $me
}

# web::urlencode: TEXT percent-encoded (UTF-8) for a query value or path segment (`url encode`).
proc web::urlencode {text} {
    url encode $text
}

# web::can: whether principal ME holds any of PERMS (empty: yes). A permission written PERM@KIND
# counts only for a user whose own unit is of KIND (e.g. request.approve@office: the head of the
# disclosure office, not every unit head).
proc web::can {me args} {
    if {![llength $args]} { return 1 }
    foreach perm $args {
        lassign [split $perm @] perm kind
        if {$kind ne ""} {
            set uid [dict get $me unit_id]
            if {![db exists {SELECT 1 FROM unit WHERE id = $uid AND kind = $kind}]} { continue }
        }
        foreach r [dict get $me roles] {
            if {$r in [dict get $::org::perms $perm]} { return 1 }
        }
    }
    return 0
}

# web::need: the principal of a logged-in user holding any of PERMS; otherwise answers (login
# page, TOTP step, TOTP enrolment of an administrator without it, or an audited 403) and stops the
# handler. A user holding only read-only roles (org::readOnly: the viewer) is refused every request
# but GET and HEAD to a handler that needs a permission, with the reason on the page (what needs
# none is their own: password, settings).
proc web::need {args} {
    set me [me]
    if {$me eq ""} {
        log info "web: refused [req method] [req path] from [req peer]: not logged in"
        if {[req method] in {GET HEAD}} {
            respond redirect "/login?next=[web::urlencode [req target]]"
        } else {
            respond redirect /login
        }
        stop
    }
    if {[dict get $me stage] ne "ok"} {
        respond redirect /login/totp
        stop
    }
    # an administrator without the second factor enrols before anything else (scripts/web/totp.tcl)
    if {[session::totp::mustEnrol [dict get $me user_id]]} {
        respond redirect /account/totp
        stop
    }
    if {[llength $args] && [req method] ni {GET HEAD} && [readOnly $me]} {
        set why "“查看”角色只能查阅事件、专报与报告，不能办理、修改或提交任何事项"
        deny $me $why $why
    }
    if {![can $me {*}$args]} { deny $me "需要权限：[join [lmap p $args { yq::mc perm.$p }] {、}]" }
    return $me
}

# web::readOnly: whether principal ME holds roles and only read-only ones (org::readOnly).
proc web::readOnly {me} {
    set roles [dict get $me roles]
    expr {[llength $roles] > 0 && [llength [lmap r $roles { expr {$r in $::org::readOnly ? [continue] : $r} }]] == 0}
}

# web::deny: refuse this request for ME with an audited record (WHY) and a 403 page, which says
# SHOWN (a sentence in Chinese; "" = the general 403 text); stops the handler.
proc web::deny {me {why ""} {shown ""}} {
    set target "[req method] [req path]"
    log warning "web: refused $target for [dict get $me login] from [req peer]: $why"
    org::as $me {
        db transaction immediate { audit::record web.denied "web:[req path]" -after "[req method] $why" }
    }
    errorpage 403 $shown
    stop
}

# web::csrf: refuse (403, audited) a state-changing request of ME whose form lacks the session's
# CSRF token.
proc web::csrf {me} {
    if {![crypto equal [req form csrf] [dict get $me csrf]]} {
        deny $me "CSRF 校验失败"
    }
}

# web::hidden: the hidden CSRF field of ME's forms.
proc web::hidden {me} {
    tmpl {<input type="hidden" name="csrf" value="[dict get $me csrf]">}
}

# web::postButton: a one-button form posting to ACTION (with the CSRF token and FIELDS {name
# value ...}); CLASS styles the button.
proc web::postButton {me action label {fields {}} {class ""}} {
    set hidden ""
    foreach {k v} $fields { markup append hidden [tmpl {<input type="hidden" name="$k" value="$v">}] }
    tmpl {<form method="post" action="$action" class="inline">[hidden $me]$hidden<button type="submit" class="$class">$label</button></form>}
}

# web::app: a complete page for logged-in user ME with the navigation and the unread notices'
# count (web::inboxLink, inbox.tcl); BODY is markup; HEAD is more markup for <head> (a refresh).
proc web::app {me title body {head ""}} {
    variable nav
    set links ""
    set here [req path]
    foreach {label path perms} $nav {
        if {![can $me {*}$perms]} { continue }
        if {$path eq "/work"} { append label "（[llength [worklist $me 0]]）" }
        set cur [expr {$here eq $path || [string match $path/* $here] ? "page" : "false"}]
        markup append links [tmpl {<li><a href="$path" aria-current="$cur">$label</a></li>}]
    }
    set roles [join [lmap r [dict get $me roles] { dict get $::org::roleNames $r }] 、]
    tmpl {[::web::head $title [tmpl {<script src="/js/yqbox.js" defer></script>
$head}]]
<a class="skip" href="#main">跳到正文</a>
<header class="top"><a href="[home $me]">舆情一体机</a>
<span class="who">[dict get $me name]（[dict get $me unit]，$roles）</span>
[inboxLink $me]
[postButton $me /logout 退出登录 {} link]
</header>
<nav class="side" aria-label="功能导航"><ul>$links</ul></nav>
<main id="main">
$body
</main>
<footer>[conf::get doc_issuer] · 舆情一体机</footer>
</body>
</html>
}
}

# web::problems: markup listing form PROBLEMS (a list of sentences, times in them as people read
# them: web::whenText), or nothing.
proc web::problems {problems} {
    if {![llength $problems]} { return "" }
    set items ""
    foreach p $problems { markup append items [tmpl {<li>[whenText $p]</li>}] }
    tmpl {<div class="problems" role="alert"><p>提交的内容有以下问题，未保存：</p><ul>$items</ul></div>}
}

# web::done: answer a change made by ME with a redirect to PATH (which may carry a query) that
# shows TEXT once as the page's notice (web::notice). TEXT is kept with ME's session; the address
# carries only a random key, so it never holds the text (nor a secret in it). Returns nothing.
proc web::done {me path text} {
    set key [crypto token 12]
    set sid [dict get $me session]
    db eval {UPDATE session SET notice = $text, notice_key = $key WHERE id = $sid}
    respond redirect "$path[expr {[string first ? $path] >= 0 ? "&" : "?"}]done=$key"
}

# web::notice: the one-line confirmation of the change this session just made (?done=KEY naming
# the text web::done kept; times in it as web::whenText writes them), shown once: the text is then
# forgotten. Anything else in ?done= shows nothing. Returns markup.
proc web::notice {} {
    set key [req query done]
    set me [me]
    if {$key eq "" || $me eq ""} { return "" }
    set sid [dict get $me session]
    set text ""
    db eval {SELECT notice FROM session WHERE id = $sid AND notice_key = $key AND notice_key != ''} { set text $notice }
    if {$text eq ""} { return "" }
    db eval {UPDATE session SET notice = '', notice_key = '' WHERE id = $sid AND notice_key = $key}
    tmpl {<p class="notice" role="status">[whenText $text]</p>}
}

# web::eventScope: the scope of ME's event reading as {all UNITID UNITNAME}; SQL reads it as
# ($all OR e.unit_id = $uid OR (e.unit_id IS NULL AND e.suggested_unit = $uname)).
proc web::eventScope {me} {
    list [can $me event.view.all] [dict get $me unit_id] [dict get $me unit]
}

# web::event: the row of event ID as a dict, when ME may see it. A missing event is a 404; one out
# of ME's scope an audited 403. Stops the handler in both cases.
proc web::event {me id} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { errorpage 404; stop }
    set found 0
    db eval {SELECT * FROM event WHERE id = $id} r { set found 1 }
    if {!$found} { errorpage 404; stop }
    unset -nocomplain r(*)
    lassign [eventScope $me] all uid uname
    if {!$all && $r(unit_id) ne $uid && !($r(unit_id) eq "" && $r(suggested_unit) eq $uname)} {
        deny $me "事件 $id 不属于本单位"
    }
    array get r
}

# web::time: ISO time TEXT as people read it on staff pages (web::when: 2024年5月1日 10:23);
# "" stays "".
proc web::time {text} {
    when $text
}

# web::duration: SECONDS as Chinese days/hours/minutes (e.g. 1天3小时, 2小时5分).
proc web::duration {seconds} {
    set s [expr {abs($seconds)}]
    set d [expr {$s / 86400}]; set h [expr {$s % 86400 / 3600}]; set m [expr {$s % 3600 / 60}]
    if {$d} { return "${d}天${h}小时" }
    if {$h} { return "${h}小时${m}分" }
    return "${m}分"
}

# web::levelClass: the CSS class of risk level LEVEL.
proc web::levelClass {level} {
    dict get {一般 l0 较大 l1 重大 l2 特别重大 l3} $level
}

# web::stateName: the Chinese name of workflow state STATE (unknown states as they are).
proc web::stateName {state} {
    # an event's state: the workflow's own title; else a reply's state
    set t [workflow::stateTitle $state]
    if {$t ne ""} { return $t }
    set names {draft 待审定 approved 已审定 reviewed 已审核 published 已发布 withdrawn 已撤回}
    expr {[dict exists $names $state] ? [dict get $names $state] : $state}
}

# web::bars: an inline SVG bar chart of VALUES with x-axis LABELS (every STEP-th shown); TITLE is
# its accessible name. Drawn on the server: no script needed.
proc web::bars {title labels values {step 4}} {
    set w 640; set h 180; set pad 28
    set n [llength $values]
    set max 1
    foreach v $values { if {$v > $max} { set max $v } }
    set bw [expr {$n ? ($w - 2.0 * $pad) / $n : 1}]
    set out ""
    set i 0
    foreach v $values l $labels {
        set bh [expr {($h - 2.0 * $pad) * $v / $max}]
        set x [format %.1f [expr {$pad + $i * $bw + 1}]]
        set y [format %.1f [expr {$h - $pad - $bh}]]
        markup append out [tmpl {<rect x="$x" y="$y" width="[format %.1f [expr {max(1, $bw - 2)}]]" height="[format %.1f $bh]" fill="#9b1c1c"><title>$l：$v</title></rect>}]
        if {$i % $step == 0} {
            markup append out [tmpl {<text x="$x" y="[expr {$h - 8}]" font-size="11" fill="#444">$l</text>}]
        }
        incr i
    }
    tmpl {<svg class="chart" viewBox="0 0 $w $h" role="img" aria-label="$title" xmlns="http://www.w3.org/2000/svg"><line x1="$pad" y1="[expr {$h - $pad}]" x2="[expr {$w - $pad}]" y2="[expr {$h - $pad}]" stroke="#888"/><text x="2" y="14" font-size="11" fill="#444">最大 $max</text>$out</svg>}
}

# web::lines: an inline SVG line chart of SERIES {NAME COLOUR VALUES ...} over X-LABELS.
proc web::lines {title labels series} {
    set w 640; set h 200; set pad 30
    set n [llength $labels]
    set out ""
    set legend ""
    set ly 14
    foreach {name colour values} $series {
        set max 1
        foreach v $values { if {$v ne "" && $v > $max} { set max $v } }
        set pts {}
        set i 0
        foreach v $values {
            if {$v ne ""} {
                set x [expr {$n > 1 ? $pad + $i * ($w - 2.0 * $pad) / ($n - 1) : $w / 2.0}]
                lappend pts [format %.1f,%.1f $x [expr {$h - $pad - ($h - 2.0 * $pad) * $v / $max}]]
            }
            incr i
        }
        markup append out [tmpl {<polyline fill="none" stroke="$colour" stroke-width="2" points="[join $pts { }]"><title>$name（最大 $max）</title></polyline>}]
        markup append legend [tmpl {<text x="[expr {$w - 150}]" y="$ly" font-size="11" fill="$colour">$name（最大 $max）</text>}]
        incr ly 14
    }
    set first [lindex $labels 0]; set last [lindex $labels end]
    tmpl {<svg class="chart" viewBox="0 0 $w $h" role="img" aria-label="$title" xmlns="http://www.w3.org/2000/svg"><line x1="$pad" y1="[expr {$h - $pad}]" x2="[expr {$w - $pad}]" y2="[expr {$h - $pad}]" stroke="#888"/>$out$legend<text x="$pad" y="[expr {$h - 10}]" font-size="11" fill="#444">$first</text><text x="[expr {$w - $pad - 90}]" y="[expr {$h - 10}]" font-size="11" fill="#444">$last</text></svg>}
}

# web::options: <option>s for VALUES {value label ...} with SELECTED selected.
proc web::options {values selected} {
    markup join [lmap {v l} $values {
        if {$v eq $selected} {
            tmpl {<option value="$v" selected>$l</option>}
        } else {
            tmpl {<option value="$v">$l</option>}
        }
    }]
}
