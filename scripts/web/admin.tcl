# admin.tcl - the pages of the administrators: sources (add, edit, pause/resume, health, last
# fetch, OPML import/export), rules and term lists with the rule test tool, units and users, the
# audit log (audit admin only) and the 专报/report documents (from the workflow's `document`
# table); the working-day calendar has its own file (calendar.tcl), each user's notice settings
# theirs (inbox.tcl). Changes go through the console's own procedures (crawl::Add, unit, user ...)
# run as the user with org::as, so they are checked and audited the same way.

# web::as: run SCRIPT as ME in the caller; returns "" or the error message (a refusal is audited).
proc web::as {me script} {
    if {[catch {uplevel 1 [list org::as $me $script]} msg opts]} {
        if {[lindex [dict get $opts -errorcode] 1] eq "DENIED"} { deny $me $msg }
        return $msg
    }
    return ""
}

# ---- sources ----

# web::sourceForm: the add/edit form of a source with VALUES and PROBLEMS; NAME "" = add.
proc web::sourceForm {me name values problems} {
    foreach k {name title type url tier interval rules} {
        set $k [expr {[dict exists $values $k] ? [dict get $values $k] : ""}]
    }
    set types [crawl::typeChoices]
    set tiers $crawl::tierTitles
    set action [expr {$name eq "" ? "/sources" : "/sources/[urlencode $name]"}]
    tmpl {[problems $problems]<form method="post" action="$action" class="form">[hidden $me]
[if {$name eq ""} {tmpl {<p><label for="s-name">标识（字母、数字、_ . -）</label><input id="s-name" name="name" value="$name" required></p>}}]
<p><label for="s-title">名称</label><input id="s-title" name="title" value="$title"></p>
<p><label for="s-type">类型</label><select id="s-type" name="type">[options $types $type]</select></p>
<p><label for="s-url">网址</label><input id="s-url" name="url" value="$url" size="60" required></p>
<p><label for="s-tier">类别</label><select id="s-tier" name="tier">[options $tiers $tier]</select></p>
<p><label for="s-interval">巡查间隔（分钟，0 为按巡查时间表）</label><input id="s-interval" name="interval" value="$interval" size="5"></p>
<p><label for="s-rules">抽取规则（Tcl 字典，网页列表和接口类型需要）</label><textarea id="s-rules" name="rules" rows="3">$rules</textarea></p>
<p><button type="submit">保存</button></p></form>}
}

# web::sourceValues: the source form's fields as a dict, and the problems found (in Chinese).
proc web::sourceValues {withName} {
    set v {}
    foreach k {name title type url tier interval rules} { dict set v $k [string trim [req form $k]] }
    if {!$withName} { dict unset v name }
    set p {}
    if {$withName && ![regexp {^[A-Za-z0-9_.-]{1,64}$} [dict get $v name]]} { lappend p "标识须为 1 到 64 个字母、数字或 _ . -" }
    if {[dict get $v type] ni [crawl::types]} { lappend p "请选择类型" }
    if {[dict get $v tier] ni $crawl::tiers} { lappend p "请选择类别" }
    if {![regexp {^https?://[^\s]+$} [dict get $v url]]} { lappend p "网址须以 http:// 或 https:// 开头" }
    if {[dict get $v interval] eq ""} { dict set v interval 0 }
    if {![string is entier -strict [dict get $v interval]] || [dict get $v interval] < 0 || [dict get $v interval] > 10080} {
        lappend p "巡查间隔须为 0 到 10080 的整数分钟"
    }
    if {[catch {dict size [dict get $v rules]}]} { lappend p "抽取规则须为成对的名称和值" }
    list $v $p
}

route GET /sources {} {
    set me [need source.manage]
    set rows ""
    db eval {SELECT name, title, type, tier, url, state, enabled, reason, last_fetch, last_ok, last_items, origin,
                    (SELECT count(*) FROM post WHERE source_id = source.id) AS nposts FROM source ORDER BY name} {
        set st [expr {!$enabled ? "停用" : [dict get {ok 正常 flagged 异常 paused 暂停} $state]}]
        set ops ""
        if {$origin ne "config"} { markup append ops [tmpl {<a href="/sources/[urlencode $name]">编辑</a> }] }
        if {$enabled && $state ne "paused"} {
            markup append ops [postButton $me /sources/[urlencode $name]/pause 暂停]
        } else {
            markup append ops [postButton $me /sources/[urlencode $name]/resume 恢复]
        }
        set typeTitle [expr {[catch {dict get [crawl::typeInfo $type] title} t] ? $type : $t}]
        set tierTitle [expr {[dict exists $crawl::tierTitles $tier] ? [dict get $crawl::tierTitles $tier] : $tier}]
        markup append rows [tmpl {<tr><td>$name</td><td>$title</td><td>$typeTitle</td><td>$tierTitle</td><td class="st-$state">$st [if {$reason ne ""} {tmpl {<small>$reason</small>}}]</td><td>[time $last_fetch]</td><td>[time $last_ok]</td><td>$last_items</td><td>$nposts</td><td>$ops</td></tr>}]
    }
    app $me 采集源 [tmpl {<h1>采集源</h1>[notice]
<table class="list"><thead><tr><th scope="col">标识</th><th scope="col">名称</th><th scope="col">类型</th><th scope="col">类别</th><th scope="col">健康状况</th><th scope="col">上次巡查</th><th scope="col">上次成功</th><th scope="col">条目</th><th scope="col">帖子</th><th scope="col">操作</th></tr></thead><tbody>$rows</tbody></table>
<h2>一个网址新增</h2>
<p><a href="/source-try">一个网址新增：粘贴列表页网址，自动建议抽取规则</a></p>[tryForm $me]
<h2>新增采集源</h2>
<p><a href="/source-templates">按模板新增：论坛、贴吧、政府留言、新闻栏目、微博、抖音、公众号等，只需填写编号、关键词或网址</a></p>[sourceForm $me "" {} {}]
<h2>OPML 导入与导出</h2>
[opmlForm $me "" local]
<p><a href="/sources/opml">导出订阅源（OPML）</a></p>}]
}

route POST /sources {} {
    set me [need source.manage]
    csrf $me
    lassign [sourceValues 1] v problems
    if {![llength $problems]} {
        set name [dict get $v name]
        set err [as $me { crawl::Add $name [dict remove $v name] web }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [app $me 采集源 [tmpl {<h1>新增采集源</h1>[sourceForm $me "" $v $problems]}]]
    }
    done $me "/sources" "已新增采集源 [dict get $v name]"
}

route GET /sources/opml {} {
    set me [need source.manage]
    respond text [crawl::ExportOpml]
    respond type "text/x-opml; charset=utf-8"
    respond header Content-Disposition {attachment; filename="yqbox-sources.opml"}
}

# web::opmlForm: the OPML import form of ME with the pasted TEXT and TIER (kept when refused).
proc web::opmlForm {me text tier} {
    tmpl {<form method="post" action="/sources/opml" class="form" enctype="application/x-www-form-urlencoded">[hidden $me]
<p><label for="opml">OPML 内容（粘贴文件内容）</label><textarea id="opml" name="opml" rows="4">$text</textarea></p>
<p><label for="opml-tier">类别</label><select id="opml-tier" name="tier">[options $crawl::tierTitles $tier]</select></p>
<p><button type="submit">导入</button></p></form>}
}

route POST /sources/opml {} {
    set me [need source.manage]
    csrf $me
    set tier [req form tier]
    set text [req form opml]
    set problems {}
    if {$tier ni $crawl::tiers} { lappend problems "请选择类别" }
    if {[string trim $text] eq ""} { lappend problems "请粘贴 OPML 内容" }
    if {![llength $problems]} {
        set err [as $me { set msg [crawl::ImportOpml $text $tier] }]
        if {$err ne ""} { lappend problems "导入失败：$err" }
    }
    if {[llength $problems]} {
        respond status 422
        return [app $me 采集源 [tmpl {<h1>OPML 导入</h1>[problems $problems][opmlForm $me $text $tier]<p><a href="/sources">返回采集源</a></p>}]]
    }
    done $me "/sources" $msg
}

route GET /sources/:name {} {
    set me [need source.manage]
    set name [req param name]
    if {![db exists {SELECT 1 FROM source WHERE name = $name}]} { errorpage 404; return }
    set s [crawl::source $name]
    set fetches ""
    set sid [dict get $s id]
    db eval {SELECT at, url, status, kind, note, bytes, ms FROM fetch WHERE source_id = $sid ORDER BY id DESC LIMIT 20} {
        markup append fetches [tmpl {<tr><td>[time $at]</td><td>$status</td><td>$kind</td><td>$note</td><td>$bytes</td><td>$ms</td><td class="url">$url</td></tr>}]
    }
    set form [expr {[dict get $s origin] eq "config" ? [tmpl {<p>该采集源定义在 appliance.conf 中，请在配置文件中修改。</p>}] : [sourceForm $me $name $s {}]}]
    app $me "采集源 $name" [tmpl {<h1>采集源 $name</h1>$form
<h2>最近巡查记录</h2><table><thead><tr><th scope="col">时间</th><th scope="col">状态码</th><th scope="col">失败类型</th><th scope="col">说明</th><th scope="col">字节</th><th scope="col">毫秒</th><th scope="col">网址</th></tr></thead><tbody>$fetches</tbody></table>}]
}

route POST /sources/:name {} {
    set me [need source.manage]
    csrf $me
    set name [req param name]
    if {![db exists {SELECT 1 FROM source WHERE name = $name}]} { errorpage 404; return }
    lassign [sourceValues 0] v problems
    if {![llength $problems]} {
        set err [as $me { ::console::source set -- $name {*}$v }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [app $me "采集源 $name" [tmpl {<h1>采集源 $name</h1>[sourceForm $me $name $v $problems]}]]
    }
    done $me "/sources" "已保存采集源 $name"
}

route POST /sources/:name/:op {} {
    set me [need source.manage]
    csrf $me
    set name [req param name]
    set op [req param op]
    if {$op ni {pause resume} || ![db exists {SELECT 1 FROM source WHERE name = $name}]} { errorpage 404; return }
    set err [as $me { ::console::source [expr {$op eq "pause" ? "disable" : "enable"}] $name
                      if {$op eq "resume"} { catch {::console::source resume $name} } }]
    if {$err ne ""} { errorpage 400 $err; return }
    done $me "/sources" [expr {$op eq "pause" ? "已暂停 $name" : "已恢复 $name"}]
}

# ---- rules and term lists ----

# The rules page also holds the department catalogue's responsibility terms (部门职责词, issue 20):
# who holds department.manage (the sysadmin, the office) replaces an entry's terms (op catalog:
# entry, terms; county::catalogTerms), and the test tool shows the unit a text is routed to and
# why next to the rules' verdict, so a change is tried at once. GET ?entry=E opens E's terms.
route {GET POST} /rules {} {
    set me [need rule.manage event.judge]
    set text ""
    set name ""
    set expr ""
    set result ""
    set problems {}
    set entry [req query entry]
    set terms ""
    if {[req method] eq "POST"} {
        csrf $me
        switch -- [req form op] {
            test {
                set text [req form text]
                if {[string trim $text] eq ""} {
                    lappend problems "请输入要测试的文本"
                } else {
                    set r [analyse::rules::apply $text]
                    set items ""
                    dict for {name w} [dict get $r why] {
                        markup append items [tmpl {<li class="[expr {[dict get $w matched] ? "hit" : "miss"}]">[expr {[dict get $w matched] ? "✓ 命中" : "✗ 未命中"}] $name：[dict get $w explain]</li>}]
                    }
                    set verdict [expr {[llength [dict get $r rules]] ? "结论：相关（[join [dict get $r rules] 、]）" : "结论：不相关"}]
                    set route [analyse::route::suggest $text]
                    set result [tmpl {<h2>测试结果</h2><ul>$items</ul><p><strong>$verdict</strong></p>
<p id="route-result">归口建议：<strong>[dict get $route unit]</strong>（[dict get $route reason]）</p>}]
                }
            }
            catalog {
                if {![can $me department.manage]} { deny $me "需要“[yq::mc perm.department.manage]”权限" }
                set entry [req form entry]
                set terms [req form terms]
                set n ""
                set err [as $me { set n [county::catalogTerms $entry $terms] }]
                if {$err eq ""} {
                    done $me "/rules?entry=[urlencode $entry]" "已保存“$entry”的职责词（$n 个），对新的帖子和事件立即生效"
                    return
                }
                lappend problems $err
            }
            add - delete {
                if {![can $me rule.manage]} { deny $me "需要“[yq::mc perm.rule.manage]”权限" }
                set name [string trim [req form name]]
                set expr [string trim [req form expr]]
                if {$name eq ""} { lappend problems "请填写规则名称" }
                if {[req form op] eq "add" && $expr eq ""} { lappend problems "请填写规则表达式" }
                if {![llength $problems]} {
                    set err [as $me {
                        # stored for every process and audited (define alone changed this worker only)
                        if {[req form op] eq "add"} { analyse::rules::store $name $expr } else { analyse::rules::store $name "" 1 }
                    }]
                    if {$err ne ""} { lappend problems $err } else {
                        done $me "/rules" "已保存规则 $name"
                        return
                    }
                }
            }
            default { lappend problems "未知操作" }
        }
        if {[llength $problems]} { respond status 422 }
    }
    set rules ""
    dict for {rname rexpr} [analyse::rules::all] {
        set del [expr {[can $me rule.manage] ? [postButton $me /rules 删除 [list op delete name $rname]] : ""}]
        markup append rules [tmpl {<tr><td>$rname</td><td><code>$rexpr</code></td><td>$del</td></tr>}]
    }
    set lists ""
    foreach n [analyse::terms::names] {
        set items [analyse::terms::items $n]
        set shown [lmap it [lrange $items 0 29] { analyse::terms::text $it }]
        markup append lists [tmpl {<li><strong>$n</strong>（[llength $items] 项）：[join $shown 、][expr {[llength $items] > 30 ? " …" : ""}]</li>}]
    }
    set catalog [expr {[can $me department.manage] ? [catalogTerms $me $entry $terms [expr {[req form op] eq "catalog"}]] : ""}]
    set add [expr {[can $me rule.manage] ? [tmpl {<h2>新增或修改规则</h2><form method="post" action="/rules" class="form">[hidden $me]<input type="hidden" name="op" value="add">
<p><label for="r-name">规则名称</label><input id="r-name" name="name" value="$name"></p><p><label for="r-expr">表达式（如 区域 AND 话题 AND NOT 排除）</label><input id="r-expr" name="expr" size="60" value="$expr"></p><p><button type="submit">保存规则</button></p></form>}] : ""}]
    app $me 规则与词表 [tmpl {<h1>相关性规则与词表</h1>[notice][problems $problems]
<h2>规则测试</h2><form method="post" action="/rules" class="form">[hidden $me]<input type="hidden" name="op" value="test">
<p><label for="r-text">帖子文本</label><textarea id="r-text" name="text" rows="4">$text</textarea></p><p><button type="submit">测试</button></p></form>
$result
<h2>规则</h2><table><thead><tr><th scope="col">名称</th><th scope="col">表达式</th><th scope="col">操作</th></tr></thead><tbody>$rules</tbody></table>
$add
$catalog
<h2>词表</h2><ul>$lists</ul>}]
}

# web::catalogTerms: the rules page's section 部门职责词 for ME: the catalogue's entries with the
# units of this box that follow each and their terms, and the form replacing ENTRY's terms (TERMS
# as typed when TYPED, else its terms now). Returns markup.
proc web::catalogTerms {me entry terms typed} {
    set follow [dict create]
    db eval {SELECT name, catalog, active FROM unit WHERE kind = 'department' ORDER BY id} {
        set e [analyse::map::entryOf $name $catalog]
        if {$e ne ""} { dict lappend follow $e [expr {$active ? $name : "$name（停用）"}] }
    }
    set rows ""
    set entries {}
    dict for {e c} [county::catalogue] {
        lappend entries $e $e
        set units [expr {[dict exists $follow $e] ? [join [dict get $follow $e] 、] : "本县未设"}]
        set shown [lmap it [lrange [dict get $c items] 0 11] { dict get $it term }]
        set more [expr {[llength [dict get $c items]] > 12 ? " …" : ""}]
        markup append rows [tmpl {<tr><td><a href="/rules?entry=[urlencode $e]#catalog">$e</a></td><td>$units</td><td>[join $shown 、]$more（[llength [dict get $c items]] 个）</td></tr>}]
    }
    set form ""
    if {[dict exists [county::catalogue] $entry]} {
        if {!$typed} { set terms [join [county::catalogTokens $entry] " "] }
        set form [tmpl {<form method="post" action="/rules" class="form" id="catalog-form">[hidden $me]<input type="hidden" name="op" value="catalog"><input type="hidden" name="entry" value="$entry">
<p><label for="c-terms">“$entry”的职责词（以空格或顿号分隔；词/w 为整词，词/not:较长词 为不计在较长词中的）</label><textarea id="c-terms" name="terms" rows="5">$terms</textarea></p>
<p><button type="submit">保存职责词</button> <a href="/rules#catalog">取消</a></p></form>}]
    }
    tmpl {<h2 id="catalog">部门职责词</h2>
<p>本县设有的部门按其对应目录项的职责词归口（<a href="/departments">部门目录</a>）。修改后对新的帖子和事件立即生效；可在上方“规则测试”中输入帖子文本，查看归口建议和理由。</p>
$form
<div class="scroll"><table><thead><tr><th scope="col">目录项</th><th scope="col">本县单位</th><th scope="col">职责词</th></tr></thead><tbody>$rows</tbody></table></div>}
}

# ---- units and users ----

# web::unitsPage: the units and users page for ME; PROBLEMS (with status 422) come from the form
# or button that was refused, USER {login name unit role} keeps what was typed in the new-user form
# and UNITVALUES {name kind contact phone} what was typed in the new-unit form. Returns the page.
proc web::unitsPage {me {problems {}} {user {}} {unitValues {}}} {
    set user [dict merge {login "" name "" unit "" role handler} $user]
    set uv [dict merge {name "" kind department contact "" phone ""} $unitValues]
    set units ""
    db eval {SELECT id, name, kind, contact, phone, active FROM unit ORDER BY id} {
        markup append units [tmpl {<tr><td>$id</td><td>$name</td><td>[dict get {office 信息办 department 部门 township 乡镇 leadership 领导 other 其他} $kind]</td><td>$contact</td><td>$phone</td><td>[expr {$active ? "启用" : "停用"}]</td></tr>}]
    }
    set users ""
    db eval {SELECT u.id, u.login, u.name, n.name AS unit, u.active, u.totp_secret != '' AS totp,
                    (SELECT group_concat(role, ' ') FROM user_role WHERE user_id = u.id) AS roles
             FROM user u JOIN unit n ON n.id = u.unit_id ORDER BY u.id} {
        set rn [join [lmap r $roles { dict get $::org::roleNames $r }] 、]
        set locked_until [org::lockedUntil $login]
        if {$locked_until ne ""} { set locked_until [yqbox::iso $locked_until] }
        set ops ""
        if {[can $me user.manage]} {
            # only what the 三员 rules let this person do is offered (org::whyNot)
            set op [expr {$active ? "disable" : "enable"}]
            org::as $me {
                if {$locked_until ne "" && [org::whyNot unlock $login] eq ""} {
                    markup append ops [postButton $me /users/[urlencode $login]/unlock 解锁]
                }
                if {[org::whyNot $op $login] eq ""} {
                    markup append ops [postButton $me /users/[urlencode $login]/$op [expr {$active ? "停用" : "启用"}]]
                }
                if {$totp && [org::whyNot totp-reset $login] eq ""} {
                    markup append ops [postButton $me /users/[urlencode $login]/totp-reset 重置动态口令]
                }
            }
        }
        markup append users [tmpl {<tr><td>$login</td><td>$name</td><td>$unit</td><td>$rn</td><td>[expr {$active ? "启用" : "停用"}][if {$locked_until ne ""} {tmpl {，锁定至 [time $locked_until]}}][expr {$totp ? "，动态口令" : ""}]</td><td>$ops</td></tr>}]
    }
    set kinds {department 部门 township 乡镇 office 信息办 leadership 领导 other 其他}
    set unitForm [expr {[can $me unit.manage] ? [tmpl {<h2>新增单位</h2><form method="post" action="/units" class="form">[hidden $me]
<p><label for="u-name">单位名称</label><input id="u-name" name="name" value="[dict get $uv name]" required></p><p><label for="u-kind">类型</label><select id="u-kind" name="kind">[options $kinds [dict get $uv kind]]</select></p>
<p><label for="u-contact">联系人</label><input id="u-contact" name="contact" value="[dict get $uv contact]"></p><p><label for="u-phone">电话</label><input id="u-phone" name="phone" value="[dict get $uv phone]"></p><p><button type="submit">新增单位</button></p></form>}] : ""}]
    # the web grants business roles only: admin roles are the console owner's (docs/separation.md)
    set roles {}
    foreach r $::org::roles {
        if {$r ni $::org::adminRoles} { lappend roles $r [dict get $::org::roleNames $r] }
    }
    set unitOpts {}
    db eval {SELECT name FROM unit WHERE active ORDER BY id} { lappend unitOpts $name $name }
    dict with user {
        set userForm [expr {[can $me user.manage] ? [tmpl {<h2>新增用户</h2><form method="post" action="/users" class="form">[hidden $me]
<p><label for="n-login">用户名</label><input id="n-login" name="login" value="$login" required></p><p><label for="n-name">姓名</label><input id="n-name" name="name" value="$name" required></p>
<p><label for="n-unit">单位</label><select id="n-unit" name="unit">[options $unitOpts $unit]</select></p><p><label for="n-role">角色</label><select id="n-role" name="role">[options $roles $role]</select></p>
<p><label for="n-pw">初始密码（至少 [conf::get password_min_length] 位）</label><input id="n-pw" name="password" type="password" autocomplete="new-password"></p><p><button type="submit">新增用户</button></p></form>
<p class="hint">系统管理员、安全管理员、审计管理员三个管理员角色只能由本机所有者在控制台授予；不能管理自己的账号。</p>}] : ""}]
    }
    if {[llength $problems]} { respond status 422 }
    app $me 单位与用户 [tmpl {<h1>单位与用户</h1>[notice][problems $problems]
<h2>单位</h2><table><thead><tr><th scope="col">编号</th><th scope="col">名称</th><th scope="col">类型</th><th scope="col">联系人</th><th scope="col">电话</th><th scope="col">状态</th></tr></thead><tbody>$units</tbody></table>
$unitForm
<h2>用户</h2><table><thead><tr><th scope="col">用户名</th><th scope="col">姓名</th><th scope="col">单位</th><th scope="col">角色</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead><tbody>$users</tbody></table>
$userForm}]
}

route GET /units {} {
    unitsPage [need unit.manage user.manage]
}

route POST /units {} {
    set me [need unit.manage]
    csrf $me
    set name [string trim [req form name]]
    set kind [req form kind]
    set problems {}
    if {$name eq "" || [string length $name] > 64} { lappend problems "请填写单位名称（最多 64 字）" }
    if {$kind ni $::org::unitKinds} { lappend problems "请选择单位类型" }
    if {![llength $problems] && [db exists {SELECT 1 FROM unit WHERE name = $name}]} { lappend problems "单位“$name”已存在" }
    if {![llength $problems]} {
        set err [as $me { ::console::unit add -contact [string trim [req form contact]] -phone [string trim [req form phone]] -- $name $kind }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        return [unitsPage $me $problems {} [dict create name $name kind $kind contact [req form contact] phone [req form phone]]]
    }
    done $me "/units" "已新增单位 $name"
}

route POST /users {} {
    set me [need user.manage]
    csrf $me
    set login [string trim [req form login]]
    set name [string trim [req form name]]
    set unit [req form unit]
    set role [req form role]
    set pw [req form password]
    set problems {}
    if {![regexp {^[A-Za-z0-9_.@-]{1,64}$} $login]} { lappend problems "用户名须为 1 到 64 个字母、数字或 _ . @ -" }
    if {$name eq ""} { lappend problems "请填写姓名" }
    if {![db exists {SELECT 1 FROM unit WHERE name = $unit}]} { lappend problems "请选择单位" }
    if {$role ni $::org::roles} { lappend problems "请选择角色" }
    if {[string length $pw] < [conf::get password_min_length]} { lappend problems "初始密码至少 [conf::get password_min_length] 位" }
    if {![llength $problems] && [db exists {SELECT 1 FROM user WHERE login = $login}]} { lappend problems "用户名“$login”已存在" }
    if {![llength $problems]} {
        set err [as $me { ::console::user add -roles [list $role] -password $pw -- $login $name $unit }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        return [unitsPage $me $problems [dict create login $login name $name unit $unit role $role]]
    }
    done $me "/units" "已新增用户 $login"
}

route POST /users/:login/:op {} {
    set me [need user.manage]
    csrf $me
    set login [req param login]
    set op [req param op]
    if {$op ni {unlock disable enable totp-reset} || ![db exists {SELECT 1 FROM user WHERE login = $login}]} { errorpage 404; return }
    set err [as $me {
        ::console::user $op $login
        if {$op eq "disable"} {
            db transaction immediate {
                set n [session::endAll disabled [org::userId $login]]
                audit::record session.end-user user:$login -after "sessions=$n reason=账号已停用"
            }
        }
    }]
    if {$err ne ""} { return [unitsPage $me [list $err]] }
    done $me "/units" "已处理用户 $login"
}

# ---- audit log ----

route GET /audit {} {
    set me [need audit.read]
    set login [string trim [req query login]]
    set object [string trim [req query object]]
    set action [string trim [req query action]]
    set page [pageNo]
    set offset [expr {($page - 1) * 100}]
    set rows ""
    db eval {SELECT id, at, login AS who, role, unit, origin, action AS act, object AS obj, before, after FROM audit
             WHERE ($login = '' OR login = $login) AND ($object = '' OR object = $object)
               AND ($action = '' OR action LIKE $action || '%')
             ORDER BY id DESC LIMIT 100 OFFSET $offset} {
        markup append rows [tmpl {<tr><td>$id</td><td>[time $at]</td><td>$who</td><td>$role</td><td>$unit</td><td>$origin</td><td title="$act">[yq::action $act]</td><td>$obj</td><td>[yq::note $before]</td><td>[yq::note $after]</td></tr>}]
    }
    set verify [expr {[catch {audit::verify} v] ? "哈希链校验失败：$v" : "哈希链校验通过：$v"}]
    app $me 审计日志 [tmpl {<h1>审计日志</h1><p class="verify">$verify</p>
<form method="get" action="/audit" class="filters"><label for="a-login">用户</label><input id="a-login" name="login" value="$login">
<label for="a-action">操作（前缀）</label><input id="a-action" name="action" value="$action"><label for="a-object">对象</label><input id="a-object" name="object" value="$object"><button type="submit">筛选</button></form>
<table class="list"><thead><tr><th scope="col">编号</th><th scope="col">时间</th><th scope="col">用户</th><th scope="col">角色</th><th scope="col">单位</th><th scope="col">来源</th><th scope="col">操作</th><th scope="col">对象</th><th scope="col">之前</th><th scope="col">之后</th></tr></thead><tbody>$rows</tbody></table>
<p class="pager">[if {$page > 1} {tmpl {<a href="/audit?login=[urlencode $login]&action=[urlencode $action]&object=[urlencode $object]&page=[expr {$page - 1}]">上一页</a> }}]<a href="/audit?login=[urlencode $login]&action=[urlencode $action]&object=[urlencode $object]&page=[expr {$page + 1}]">下一页</a></p>}]
}
