# request.tcl (web) - the public pages of disclosure on request (依申请公开), no login needed:
#   GET  /request/         the online application form (政府信息公开申请表)
#   POST /request/         check it; show it again with the problems named (nothing saved), or
#                          register it and show the request number and the status secret once
#   GET  /request/status   the status check form; POST: the state for a number and its secret
#   POST /request/letter   the answer letter, for a number and its secret
# Protection fit for a public form: the form carries a token signed with a key kept in the
# database (meta request_form_key) that names a random nonce also set as a cookie (SameSite=Lax,
# so a cross-site POST does not carry it) and expires after request_form_minutes; a POST whose
# Origin names another host is refused; every POST to /request/ and every failed status check
# counts against its address's hourly allowance (request_rate_per_hour: 429 beyond it). Pages
# with a secret on them are never cached.

namespace eval ::request::web {}

# ::request::web::Public: the principal of an anonymous visitor from the request's address.
proc ::request::web::Public {} {
    dict create login public user_id {} roles {} unit_id {} unit {} origin "web [req peer]" superuser 0
}

# ::request::web::Key: the secret key that signs form tokens (created once, kept in meta).
proc ::request::web::Key {} {
    db eval {INSERT OR IGNORE INTO meta(key, value) VALUES('request_form_key', lower(hex(randomblob(32))))}
    db onecolumn {SELECT value FROM meta WHERE key = 'request_form_key'}
}

# ::request::web::Token: a new form token and its nonce, as {TOKEN NONCE}.
proc ::request::web::Token {} {
    set nonce [crypto token 16]
    set ts [yqbox::now]
    list "$ts.$nonce.[crypto hmac [Key] $ts.$nonce]" $nonce
}

# ::request::web::TokenOk: whether TOKEN was made here, is not older than request_form_minutes and
# names the nonce in the visitor's cookie.
proc ::request::web::TokenOk {token} {
    if {![regexp {^(\d+)\.([A-Za-z0-9_-]+)\.([0-9a-f]{64})$} $token -> ts nonce mac]} { return 0 }
    if {![crypto equal [crypto hmac [Key] $ts.$nonce] $mac]} { return 0 }
    set age [expr {[yqbox::now] - $ts}]
    if {$age < 0 || $age > 60 * [conf::get request_form_minutes]} { return 0 }
    set cookie [req cookie yq_request ""]
    expr {$cookie ne "" && [crypto equal $cookie $nonce]}
}

# ::request::web::SameOrigin: 0 when the request's Origin header names a host other than its own.
proc ::request::web::SameOrigin {} {
    set origin [req header origin ""]
    if {$origin eq "" || $origin eq "null"} { return [expr {$origin eq ""}] }
    regsub {^[a-z]+://} $origin "" host
    expr {[string tolower $host] eq [string tolower [req header host ""]]}
}

# ::request::web::Count: count one attempt of KIND (apply, status) from the request's address this
# hour. Returns whether the address is still within request_rate_per_hour.
proc ::request::web::Count {kind} {
    set peer "$kind [req peer]"
    set hour [string range [yqbox::iso] 0 12]
    db transaction immediate {
        db eval {DELETE FROM request_attempt WHERE hour < $hour}
        db eval {INSERT INTO request_attempt(peer, hour, n) VALUES($peer, $hour, 1)
                 ON CONFLICT(peer, hour) DO UPDATE SET n = n + 1}
        set n [db onecolumn {SELECT n FROM request_attempt WHERE peer = $peer AND hour = $hour}]
    }
    expr {$n <= [conf::get request_rate_per_hour]}
}

# ::request::web::Within: whether the address may make another attempt of KIND this hour (reads).
proc ::request::web::Within {kind} {
    set peer "$kind [req peer]"
    set hour [string range [yqbox::iso] 0 12]
    set n [db onecolumn {SELECT n FROM request_attempt WHERE peer = $peer AND hour = $hour}]
    expr {$n eq "" || $n < [conf::get request_rate_per_hour]}
}

# ::request::web::TooMany: answer 429 with a page saying to try again later.
proc ::request::web::TooMany {} {
    respond status 429
    respond header Retry-After 3600
    respond header Cache-Control no-store
    web::page 请求过于频繁 [tmpl {<h1>请求过于频繁</h1><p>来自您所在网络地址的提交次数已超过每小时上限，请一小时后再试，或通过信函、传真、当面等方式提出申请。</p>}]
}

# ::request::web::Select: an HTML select named NAME with OPTIONS (value label pairs), VALUE chosen.
proc ::request::web::Select {name options value} {
    set out ""
    foreach {v label} $options {
        set sel [expr {$v eq $value ? "selected" : ""}]
        markup append out [tmpl {<option value="$v" $sel>$label</option>}]
    }
    tmpl {<select id="$name" name="$name">$out</select>}
}

# ::request::web::Form: the application form page with VALUES (a dict of fields) and PROBLEMS (as
# ::request::validate gives them); a fresh token is issued with its cookie.
proc ::request::web::Form {values problems} {
    lassign [Token] token nonce
    respond cookie yq_request $nonce -path /request/
    respond header Cache-Control no-store
    set v [::request::Defaults $values]
    set bad [dict create]
    foreach p $problems { dict set bad [lindex $p 0] 1 }
    set list ""
    foreach p $problems {
        lassign $p field msg
        markup append list [tmpl {<li><a href="#$field">$msg</a></li>}]
    }
    set opt {}
    foreach f $::request::forms { lappend opt $f $f }
    set del {"" 请选择}
    foreach f $::request::deliveries { lappend del $f $f }
    set ids {}
    foreach t [concat [dict get $::request::idTypes person] [dict get $::request::idTypes organisation]] {
        if {$t ni $ids} { lappend ids $t }
    }
    set idopt {}
    foreach t $ids { lappend idopt $t $t }
    # field NAME LABEL ?TYPE?: one labelled input, marked when it has a problem
    set field {apply {{v bad name label {type text} {extra ""}} {
        set value [dict get $v $name]
        set cls [expr {[dict exists $bad $name] ? "bad" : ""}]
        set inv [expr {[dict exists $bad $name] ? "true" : "false"}]
        if {$type eq "textarea"} {
            return [tmpl {<p class="$cls"><label for="$name">$label</label><textarea id="$name" name="$name" rows="4" aria-invalid="$inv">$value</textarea></p>}]
        }
        tmpl {<p class="$cls"><label for="$name">$label</label><input id="$name" name="$name" type="$type" value="$value" aria-invalid="$inv" $extra></p>}
    }}}
    set kinds [Select applicant_kind {person 公民 organisation 法人或者其他组织} [dict get $v applicant_kind]]
    web::page 政府信息公开申请 [tmpl {<h1>政府信息公开申请表</h1>
<p>依据《中华人民共和国政府信息公开条例》，您可以通过本表向[conf::get agency_name]申请获取政府信息。本机关不能当场答复的，自收到申请之日起 20 个工作日内答复；需要延长的，经负责人同意并告知您，延长期限最长不超过 20 个工作日。标 * 的为必填项。</p>
[if {$list ne ""} { tmpl {<div class="problems" role="alert"><p>申请未提交，请修改以下问题后重新提交：</p><ul>$list</ul></div>} }]
<form method="post" action="/request/" id="apply">
<input type="hidden" name="token" value="$token">
<fieldset><legend>申请人信息</legend>
<p><label for="applicant_kind">申请人类型 *</label>$kinds</p>
[{*}$field $v $bad name "姓名或名称 *"]
<p class="[expr {[dict exists $bad id_type] ? "bad" : ""}]"><label for="id_type">身份证明类型 *</label>[Select id_type $idopt [dict get $v id_type]]</p>
[{*}$field $v $bad id_number "证件号码 *"]
[{*}$field $v $bad phone "联系电话" tel]
[{*}$field $v $bad email "电子邮箱" email]
[{*}$field $v $bad address "通信地址"]
</fieldset>
<fieldset><legend>所需政府信息</legend>
[{*}$field $v $bad description "内容描述（文件名称、文号或者其他特征）*" textarea]
[{*}$field $v $bad purpose "用途 *"]
<p class="[expr {[dict exists $bad form] ? "bad" : ""}]"><label for="form">所需信息的形式 *</label>[Select form [concat {"" 请选择} $opt] [dict get $v form]]</p>
<p class="[expr {[dict exists $bad delivery] ? "bad" : ""}]"><label for="delivery">获取方式</label>[Select delivery $del [dict get $v delivery]]</p>
</fieldset>
<fieldset><legend>签名</legend>
[{*}$field $v $bad signature "申请人签名（请填写姓名）*"]
[{*}$field $v $bad applied "申请日期 *" date]
</fieldset>
<p><button type="submit">提交申请</button></p>
</form>
<p><a href="/request/status">查询申请办理状态</a></p>}]
}

# GET /request: the form's address is /request/.
route GET /request {} {
    respond redirect /request/ 301
}

# GET /request/: the empty form.
route GET /request/ {} {
    ::request::web::Form {} {}
}

# POST /request/: check, then register or show the form again.
route POST /request/ {} {
    if {![::request::web::Count apply]} { return [::request::web::TooMany] }
    set values {}
    foreach k {applicant_kind name id_type id_number address phone email description purpose form delivery signature applied} {
        dict set values $k [req form $k ""]
    }
    if {![::request::web::SameOrigin] || ![::request::web::TokenOk [req form token ""]]} {
        respond status 403
        return [::request::web::Form $values {{token 表单已过期或来源无效，请核对后重新提交}}]
    }
    dict set values channel online
    set problems [::request::validate $values]
    if {[llength $problems]} {
        respond status 422
        return [::request::web::Form $values $problems]
    }
    dict set values peer [req peer]
    set r [org::as [::request::web::Public] { ::request::register $values }]
    respond header Cache-Control no-store
    respond cookie yq_request gone -path /request/ -maxage 0
    set number [dict get $r number]
    set secret [dict get $r secret]
    set due [dueText [dict get $r due] [dict get $r provisional]]
    web::page 申请已提交 [tmpl {<h1>申请已提交</h1>
<p>[conf::get agency_name]已收到您的政府信息公开申请。</p>
<dl class="receipt"><dt>申请编号</dt><dd id="number">$number</dd><dt>查询码</dt><dd id="secret">$secret</dd>
<dt>答复期限</dt><dd id="due">$due</dd></dl>
<p>征求第三方或其他机关意见的时间不计算在答复期限内。</p>
<p><strong>请立即记录申请编号和查询码。</strong>查询码只在本页显示一次，本机关不保存查询码原文，遗失后无法找回，但不影响申请的办理。</p>
<p><a href="/request/status">查询办理状态</a></p>}]
}

# ::request::web::StatusForm: the status check form, with an optional MESSAGE.
proc ::request::web::StatusForm {{message ""} {number ""}} {
    respond header Cache-Control no-store
    web::page 申请办理状态查询 [tmpl {<h1>政府信息公开申请办理状态查询</h1>
[if {$message ne ""} { tmpl {<div class="problems" role="alert"><p>$message</p></div>} }]
<form method="post" action="/request/status" id="status">
<p><label for="number">申请编号</label><input id="number" name="number" value="$number"></p>
<p><label for="secret">查询码</label><input id="secret" name="secret" type="password" autocomplete="off"></p>
<p><button type="submit">查询</button></p>
</form>}]
}

# GET /request/status: the form.
route GET /request/status {} {
    ::request::web::StatusForm
}

# ::request::web::Lookup: the status dict for the posted number and secret, or "" after answering
# the request with the form again (wrong pair) or 429 (too many failures from this address).
proc ::request::web::Lookup {} {
    if {![Within status]} { respond html [TooMany]; return "" }
    set number [string trim [req form number ""]]
    if {[catch {::request::status $number [req form secret ""]} s]} {
        Count status
        respond status 404
        respond html [StatusForm 申请编号或查询码不正确，请核对后再试。 $number]
        return ""
    }
    return $s
}

# POST /request/status: the state of one request.
route POST /request/status {} {
    set s [::request::web::Lookup]
    if {$s eq ""} { return }
    respond header Cache-Control no-store
    set secret [req form secret ""]
    dict with s {}
    set shown [expr {$paused ? "暂停计时（正在征求第三方或其他机关意见）" : [dueText $due [expr {$answer eq "" ? $provisional : ""}]]}]
    web::page 办理状态 [tmpl {<h1>申请办理状态</h1>
<dl class="status"><dt>申请编号</dt><dd id="number">$number</dd><dt>收到时间</dt><dd id="received">[when $received]</dd>
<dt>办理状态</dt><dd id="state">$state</dd><dt>答复期限</dt><dd id="due">$shown</dd>
[if {$extension} { tmpl {<dt>延长答复期限</dt><dd>$extension 个工作日</dd>} }]
[if {$answer ne ""} { tmpl {<dt>答复类型</dt><dd id="answer">$answer</dd><dt>答复时间</dt><dd id="answered">[when $answered]</dd>} }]</dl>
[if {$letter} { tmpl {<form method="post" action="/request/letter"><input type="hidden" name="number" value="$number"><input type="hidden" name="secret" value="$secret"><button type="submit">查看答复书</button></form>} }]}]
}

# POST /request/letter: the answer letter.
route POST /request/letter {} {
    set s [::request::web::Lookup]
    if {$s eq ""} { return }
    respond header Cache-Control no-store
    if {![dict get $s letter]} { return [::request::web::StatusForm 该申请尚未答复。 [dict get $s number]] }
    respond html [::request::letter [dict get $s id]]
}
