# templates.tcl - the page 按模板新增采集源 (/source-templates): the catalogue of source templates
# (scripts/crawl/templates.tcl) with one form per template that asks for the platform's id, keyword
# or URL and creates the source through crawl::template::add as the user (checked and audited as
# the console's `source add NAME -template T VALUE`). Linked from the sources page.

# web::templatesPage: the catalogue page for ME, with PROBLEMS shown above the form of template
# FAILED filled with VALUES (a dict of name value tier); "" = no failed submission.
proc web::templatesPage {me {failed ""} {values {}} {problems {}}} {
    set tiers $crawl::tierTitles
    set asks {id 编号 keyword 关键词 url 网址}
    set rsshub [expr {[conf::get rsshub_url] ne ""}]
    set rows ""
    foreach t [crawl::template::names] {
        set d [crawl::template::get $t]
        set name ""; set value ""; set tier [dict get $d tier]
        set shown {}
        if {$t eq $failed} {
            foreach k {name value tier} { if {[dict exists $values $k]} { set $k [dict get $values $k] } }
            set shown $problems
        }
        set via ""
        if {[crawl::template::viaRsshub $t]} {
            set via [expr {$rsshub ? "经本县 RSSHub 读取" : "经本县 RSSHub 读取：尚未设置 rsshub_url，暂不能新增"}]
        }
        markup append rows [tmpl {<section class="template" id="t-$t"><h2>[dict get $d title]</h2>
<p>$t · [dict get $d platform] · 类型 [dict get $d type][if {$via ne ""} {tmpl {<br><small>$via</small>}}]</p>
[problems $shown]<form method="post" action="/source-templates" class="form">[hidden $me]<input type="hidden" name="template" value="$t">
<p><label for="$t-value">[dict get $d prompt]（[dict get $asks [dict get $d asks]]）</label><input id="$t-value" name="value" value="$value" size="50" required></p>
<p><label for="$t-name">标识（字母、数字、_ . -）</label><input id="$t-name" name="name" value="$name" required></p>
<p><label for="$t-tier">类别</label><select id="$t-tier" name="tier">[options $tiers $tier]</select></p>
<p><button type="submit">新增采集源</button></p></form></section>}]
    }
    app $me 按模板新增采集源 [tmpl {<h1>按模板新增采集源</h1>
<p>选择所巡查的平台，只需填写编号、关键词或网址，即生成完整的采集源。<a href="/sources">返回采集源</a></p>
<p>不在目录中的网站：<a href="/source-try">一个网址新增：粘贴列表页网址，自动建议抽取规则</a></p>
$rows}]
}

route GET /source-templates {} {
    set me [need source.manage]
    templatesPage $me
}

route POST /source-templates {} {
    set me [need source.manage]
    csrf $me
    set t [req form template]
    set v [dict create]
    foreach k {name value tier} { dict set v $k [string trim [req form $k]] }
    set problems {}
    if {$t ni [crawl::template::names]} {
        errorpage 400 "没有这个采集源模板"
        return
    }
    if {![regexp {^[A-Za-z0-9_.-]{1,64}$} [dict get $v name]]} { lappend problems "标识须为 1 到 64 个字母、数字或 _ . -" }
    if {[dict get $v tier] ni $crawl::tiers} { lappend problems "请选择类别" }
    if {![llength $problems]} {
        set err [as $me { crawl::template::add [dict get $v name] $t [dict get $v value] [list tier [dict get $v tier]] web }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [templatesPage $me $t $v $problems]
    }
    done $me "/sources" "已按模板新增采集源 [dict get $v name]"
}
