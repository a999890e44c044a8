# sourcetry.tcl (web) - a source in one URL (issue 15 part 2): the administrator pastes a list page
# URL, the box proposes the extraction rules and shows what a patrol would store; the rules are
# edited with the preview updating, then saved as a source that records how its rules were made.
# The fetch runs in the background interpreter on the patrol's own path (robots.txt, politeness,
# SSRF rules): a handler here only stores a row of source_try (crawl::try::queue, migration 025)
# and reads it back; the job `sourcetry` (scripts/crawl/sourcetry.tcl) fills it in.
#   GET  /source-try               the URL form and this user's tries of the last day
#   POST /source-try               url, proxy: queue a try (refusals on the form, typed text kept)
#   GET  /source-try/ID            正在抓取… (refreshing every 2 s) until done, then the rules, the
#                                  preview table, the detail page extracted, feeds, the save form
#   POST /source-try/ID/preview    r_RULE...: queue the same URL with the rules edited (a new row)
#   POST /source-try/ID/save       name, tier, title: save the previewed rules as a source
#   POST /source-try/ID/feed       feed, name, tier: add a discovered feed as a feed source
# (Under /source-try, not /sources/try: /sources/NAME is a source's page and `try` a valid name.)
# Every route needs source.manage; any holder of it sees every row.

namespace eval web {
    # the html rules the form offers, in order, with their labels
    variable tryRules {
        item    {条目（每条记录的 XPath）}
        link    链接
        title   标题
        time    发布时间
        author  作者
        replies 回复数
        views   浏览数
        next    下一页链接
        reposts 转发数
        pages   每次巡查翻页数
        detail  {抓取详情页（1 是，0 否）}
        body    详情页正文（留空则自动抽取）
    }
    variable tryFolded {reposts pages detail body}   ;# shown under 更多规则 unless one is set
}

# web::tryForm: the URL form of ME (posting to /source-try) with URL and PROXY filled in and
# PROBLEMS above it. Returns markup.
proc web::tryForm {me {url ""} {proxy ""} {problems {}}} {
    tmpl {[problems $problems]<form method="post" action="/source-try" class="form tryurl">[hidden $me]
<p><label for="try-url">列表页网址</label><input id="try-url" name="url" value="$url" size="60" required placeholder="http://bbs.example.gov.cn/forum-2-1.html"></p>
<details[if {$proxy ne ""} {tmpl { open}}]><summary>高级选项</summary>
<p><label for="try-proxy">代理（可选，形如 http://主机:端口）</label><input id="try-proxy" name="proxy" value="$proxy" size="40"></p></details>
<p><button type="submit">试抓并建议规则</button></p></form>}
}

# web::tryMade: the words for how rules were made (crawl::try::made's value).
proc web::tryMade {made} {
    dict get {proposed 自动建议 proposed+edited 建议后修改 {by hand} 手工填写} $made
}

# web::tryWhen: ISO time TEXT as a human date (web::when), without the time of day when a list page
# gave only the date (00:00:00).
proc web::tryWhen {text} {
    if {[regexp {T00:00:00} $text]} { return [lindex [when $text] 0] }
    when $text
}

# web::tryRow: the try row of path parameter id, or a 404 page (stops the handler).
proc web::tryRow {} {
    set row [crawl::try::row [req param id]]
    if {![dict size $row]} { errorpage 404; stop }
    return $row
}

# web::tryRulesForm: the rules form of try ID (posting to /source-try/ID/preview): one field per
# rule holding VALUES (a dict), those in EDITED marked with the PROPOSED value; PROBLEMS above.
proc web::tryRulesForm {me id values proposed edited problems} {
    variable ::web::tryRules
    variable tryFolded
    set main ""
    set more ""
    set open 0
    foreach {k label} $tryRules {
        set v [expr {[dict exists $values $k] ? [dict get $values $k] : ""}]
        set note ""
        if {$k in $edited} {
            set was [expr {[dict exists $proposed $k] ? [dict get $proposed $k] : ""}]
            set note [tmpl {<small class="edited">已修改[if {$was ne ""} {tmpl {；建议值：<code>$was</code>}} else {tmpl {；原无建议}}]</small>}]
        }
        set field [tmpl {<p><label for="r-$k">$label <code>$k</code></label>$note<input id="r-$k" name="r_$k" value="$v" size="70"></p>
}]
        if {$k in $tryFolded} {
            markup append more $field
            if {$v ne ""} { set open 1 }
        } else {
            markup append main $field
        }
    }
    tmpl {[problems $problems]<form method="post" action="/source-try/$id/preview" class="form rules">[hidden $me]
$main<details[if {$open} {tmpl { open}}]><summary>更多规则</summary>
$more</details>
<p><button type="submit">预览</button></p></form>}
}

# web::tryPreview: the preview table of try result T (the first items, their count).
proc web::tryPreview {t} {
    set rows ""
    foreach it [dict get $t items] {
        dict with it {}
        markup append rows [tmpl {<tr><td data-label="标题">$title</td><td data-label="发布时间">[tryWhen $published]</td><td data-label="作者">$author</td><td data-label="回复">$replies</td><td data-label="浏览">$views</td><td data-label="链接" class="url"><a href="$url" rel="noopener noreferrer" target="_blank">$url</a></td></tr>}]
    }
    set n [dict get $t count]
    if {!$n} {
        return [tmpl {<p class="alert">按这些规则，列表页上没有找到条目：请修改规则后再预览。</p>}]
    }
    tmpl {<p>列表页第 1 页共找到 <strong>$n</strong> 条[if {$n > [llength [dict get $t items]]} {tmpl {，显示前 [llength [dict get $t items]] 条}}]：</p>
<table class="list stack preview"><thead><tr><th scope="col">标题</th><th scope="col">发布时间</th><th scope="col">作者</th><th scope="col">回复</th><th scope="col">浏览</th><th scope="col">链接</th></tr></thead><tbody>$rows</tbody></table>}
}

# web::tryDetail: the detail page extraction of try result T (title, time, author, the first 200
# characters of the body), or a sentence when there is none.
proc web::tryDetail {t} {
    set d [dict get $t detail]
    if {![dict size $d]} { return [tmpl {<p class="hint">没有可抽取的详情页。</p>}] }
    dict with d {}
    if {$body eq ""} {
        return [tmpl {<p class="alert">未能从第 1 条的详情页取得正文（<a href="$url" rel="noopener noreferrer" target="_blank">$url</a>）：可在“更多规则”中填写正文的 XPath。</p>}]
    }
    set excerpt [string range $body 0 199]
    tmpl {<dl class="detail"><dt>标题</dt><dd>$title</dd><dt>发布时间</dt><dd>[tryWhen $published]</dd><dt>作者</dt><dd>$author</dd><dt>网址</dt><dd class="url">$url</dd></dl>
<p class="excerpt"><strong>正文前 200 字：</strong>$excerpt[if {[string length $body] > 200} {tmpl {……}}]</p>}
}

# web::tryFeeds: the feeds try result T discovered, each with a form adding it as a feed source
# (posting to /source-try/ID/feed); the form of FAILED (a feed URL) shows VALUES and PROBLEMS.
proc web::tryFeeds {me id t failed values problems} {
    set out ""
    set i 0
    foreach f [dict get $t feeds] {
        incr i
        set name ""; set tier local; set shown {}
        if {$f eq $failed} {
            foreach k {name tier} { if {[dict exists $values $k]} { set $k [dict get $values $k] } }
            set shown $problems
        }
        markup append out [tmpl {<li>[problems $shown]<form method="post" action="/source-try/$id/feed" class="action">[hidden $me]<input type="hidden" name="feed" value="$f">
<p class="url">$f</p>
<p><label for="feed$i-name">标识（字母、数字、_ . -）</label><input id="feed$i-name" name="name" value="$name" required></p>
<p><label for="feed$i-tier">类别</label><select id="feed$i-tier" name="tier">[options $crawl::tierTitles $tier]</select></p>
<p><button type="submit">添加为订阅源</button></p></form></li>}]
    }
    if {$out eq ""} { return [tmpl {<p class="hint">没有发现订阅源（RSS、Atom、JSON Feed）。</p>}] }
    tmpl {<p>页面提供了订阅源，按订阅源巡查通常比按网页规则更稳定：</p><ul class="feeds">$out</ul>}
}

# web::trySaveForm: the form saving try ID's rules as a source, with VALUES (name tier title) and
# PROBLEMS; MADE is how the rules were made.
proc web::trySaveForm {me id made values problems} {
    set name ""; set tier forum; set title ""
    foreach k {name tier title} { if {[dict exists $values $k]} { set $k [dict get $values $k] } }
    tmpl {[problems $problems]<form method="post" action="/source-try/$id/save" class="form save">[hidden $me]
<p>保存上面预览所用的规则（规则来源：<strong>[tryMade $made]</strong>），此后按巡查时间表巡查。</p>
<p><label for="s-name">标识（字母、数字、_ . -）</label><input id="s-name" name="name" value="$name" required></p>
<p><label for="s-tier">类别</label><select id="s-tier" name="tier">[options $crawl::tierTitles $tier]</select></p>
<p><label for="s-title">名称（可选）</label><input id="s-title" name="title" value="$title" size="40"></p>
<p><button type="submit">保存为采集源</button></p></form>}
}

# web::tryPage: the page of try ROW for ME. OVER holds what a refused form brings back: rules
# (the typed rules) rulesProblems, save (name tier title) saveProblems, feed (its URL) feedValues
# feedProblems. Sets the status 422 when a form was refused.
proc web::tryPage {me row {over {}}} {
    set over [dict merge {rules "" rulesProblems {} save {} saveProblems {} feed "" feedValues {} feedProblems {}} $over]
    dict with row {}
    set head ""
    set opts [expr {[catch {dict size $opts}] ? {} : $opts}]
    set proxy [expr {[dict exists $opts proxy] ? [dict get $opts proxy] : ""}]
    set by [db onecolumn {SELECT name FROM user WHERE id = $user_id}]
    set meta [tmpl {<p class="meta">$by 提交于 [when $created]</p>}]
    switch -- $state {
        queued - running {
            set head [tmpl {<meta http-equiv="refresh" content="2">
}]
            set body [tmpl {<p class="pending" role="status">[expr {$state eq "queued" ? "已排队，" : ""}]正在抓取…… 本页每 2 秒自动刷新；抓取列表页、详情页和订阅源通常需要几秒到半分钟。</p>
<p><a href="/source-try/$id">刷新</a></p>}]
        }
        failed {
            # the rules typed for this try (its parent's proposal with its edits) can be edited again
            set again ""
            set prow [expr {$parent ne "" ? [crawl::try::row $parent] : {}}]
            if {[dict size $prow] && [dict get $prow state] eq "done"} {
                set pt [dict get $prow result]
                set values [dict get $pt proposed]
                dict for {k v} $edits { dict set values $k $v }
                set again [tmpl {<h2>抽取规则</h2>[tryRulesForm $me $parent $values [dict get $pt proposed] [dict keys $edits] {}]}]
            }
            set body [tmpl {<div class="problems" role="alert"><p>未能生成预览：</p><p>$error</p></div>
$again<h2>重新试抓</h2>[tryForm $me $url $proxy]}]
        }
        done {
            set t $result
            set values [expr {[dict get $over rules] ne "" ? [dict get $over rules] : [dict get $t rules]}]
            set made [crawl::try::made [dict get $t proposed] [dict get $t rules]]
            set saveSection [trySaveForm $me $id $made [dict get $over save] [dict get $over saveProblems]]
            if {$saved ne ""} {
                set saveSection [tmpl {[problems [dict get $over saveProblems]]<p class="notice">已保存为采集源 <a href="/sources/[urlencode $saved]">$saved</a>。</p>}]
            }
            set found [expr {[dict size [dict get $t proposed]] ? "下面是根据页面上重复出现的记录自动建议的规则" : "页面上没有找到重复的列表条目，请手工填写规则"}]
            set body [tmpl {<p class="meta">HTTP [dict get $t status]，[dict get $t bytes] 字节；规则来源：[tryMade $made]</p>
<section class="tryrules"><h2>抽取规则</h2><p class="hint">$found。修改任一规则后按“预览”重新抓取；清空一条规则即删除它。</p>
[tryRulesForm $me $id $values [dict get $t proposed] [dict keys $edits] [dict get $over rulesProblems]]</section>
<section><h2>预览：巡查将保存的条目</h2>[tryPreview $t]</section>
<section><h2>详情页抽取（第 1 条）</h2>[tryDetail $t]</section>
<section><h2>发现的订阅源</h2>[tryFeeds $me $id $t [dict get $over feed] [dict get $over feedValues] [dict get $over feedProblems]]</section>
<section><h2>保存为采集源</h2>$saveSection</section>}]
        }
    }
    app $me 一个网址新增采集源 [tmpl {<h1>一个网址新增采集源</h1>
<p class="url"><a href="$url" rel="noopener noreferrer" target="_blank">$url</a></p>$meta[notice]
$body
<p><a href="/source-try">其他试抓</a> · <a href="/sources">返回采集源</a></p>}] $head
}

route GET /source-try {} {
    set me [need source.manage]
    set uid [dict get $me user_id]
    set rows ""
    db eval {SELECT id, url, state, error, saved, created FROM source_try WHERE user_id = $uid
             ORDER BY id DESC LIMIT 20} {
        set st [dict get {queued 排队中 running 抓取中 done 已完成 failed 失败} $state]
        if {$saved ne ""} { set st "已保存为 $saved" }
        markup append rows [tmpl {<tr><td data-label="提交时间">[when $created]</td><td data-label="网址" class="url"><a href="/source-try/$id">$url</a></td><td data-label="状态">$st</td></tr>}]
    }
    set recent [expr {$rows eq "" ? "" : [tmpl {<h2>我最近的试抓（保留一天）</h2>
<table class="list stack"><thead><tr><th scope="col">提交时间</th><th scope="col">网址</th><th scope="col">状态</th></tr></thead><tbody>$rows</tbody></table>}]}]
    app $me 一个网址新增采集源 [tmpl {<h1>一个网址新增采集源</h1>
<p>粘贴论坛版块、贴吧、新闻栏目、留言列表等列表页的网址：系统按巡查的同样规则（robots.txt、访问频率、禁止内网地址）抓取该页，找出重复出现的条目，建议抽取规则，并预览巡查将保存的内容。</p>
[tryForm $me]
$recent
<p><a href="/sources">返回采集源</a> · <a href="/source-templates">按模板新增</a></p>}]
}

route POST /source-try {} {
    set me [need source.manage]
    csrf $me
    set url [string trim [req form url]]
    set proxy [string trim [req form proxy]]
    set opts [expr {$proxy eq "" ? {} : [list proxy $proxy]}]
    set problems [crawl::try::problems [dict get $me user_id] $url {} $opts]
    if {[llength $problems]} {
        respond status 422
        return [app $me 一个网址新增采集源 [tmpl {<h1>一个网址新增采集源</h1>[tryForm $me $url $proxy $problems]
<p><a href="/sources">返回采集源</a></p>}]]
    }
    set id [org::as $me { crawl::try::queue [dict get $me user_id] $url {} $opts }]
    respond redirect /source-try/$id
}

route GET /source-try/:id {} {
    set me [need source.manage]
    tryPage $me [tryRow]
}

route POST /source-try/:id/preview {} {
    variable ::web::tryRules
    set me [need source.manage]
    csrf $me
    set row [tryRow]
    if {[dict get $row state] ne "done"} { errorpage 400 "这次试抓还没有完成，请稍后再修改规则"; return }
    set proposed [dict get $row result proposed]
    # the typed rules; edits are what differs from the proposal ("" removes a proposed rule)
    set typed {}
    set edits {}
    foreach {k label} $tryRules {
        set v [string trim [req form r_$k]]
        dict set typed $k $v
        if {[dict exists $proposed $k] ? [dict get $proposed $k] ne $v : $v ne ""} { dict set edits $k $v }
    }
    set problems [crawl::try::problems [dict get $me user_id] [dict get $row url] $edits [dict get $row opts]]
    if {[llength $problems]} {
        respond status 422
        return [tryPage $me $row [dict create rules $typed rulesProblems $problems]]
    }
    set id [org::as $me { crawl::try::queue [dict get $me user_id] [dict get $row url] $edits [dict get $row opts] [dict get $row id] }]
    respond redirect /source-try/$id
}

route POST /source-try/:id/save {} {
    set me [need source.manage]
    csrf $me
    set row [tryRow]
    set v [dict create]
    foreach k {name tier title} { dict set v $k [string trim [req form $k]] }
    set id ""
    set problems {}
    if {[dict get $row saved] ne ""} { lappend problems "这次试抓的规则已保存为采集源 [dict get $row saved]" }
    if {![llength $problems]} {
        set err [as $me { lassign [crawl::try::saveRow $row [dict get $v name] [dict get $v tier] [dict get $v title]] problems id }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [tryPage $me $row [dict create save $v saveProblems $problems]]
    }
    set made [crawl::try::made [dict get $row result proposed] [dict get $row result rules]]
    done $me /sources "已保存采集源 [dict get $v name]（规则来源：[tryMade $made]，预览 [dict get $row result count] 条）"
}

route POST /source-try/:id/feed {} {
    set me [need source.manage]
    csrf $me
    set row [tryRow]
    set feed [req form feed]
    if {[dict get $row state] ne "done" || $feed ni [dict get $row result feeds]} {
        errorpage 400 "这次试抓没有发现这个订阅源"
        return
    }
    set v [dict create name [string trim [req form name]] tier [string trim [req form tier]]]
    set problems {}
    set name [dict get $v name]
    if {![regexp {^[A-Za-z0-9_.-]{1,64}$} $name]} {
        lappend problems "标识须为 1 到 64 个字母、数字或 _ . -"
    } elseif {[db exists {SELECT 1 FROM source WHERE name = $name}]} {
        lappend problems "采集源标识 “$name” 已被使用，请换一个"
    }
    if {[dict get $v tier] ni $::crawl::tiers} { lappend problems "请选择类别" }
    if {![llength $problems]} {
        set body [dict create type feed url $feed tier [dict get $v tier]]
        set opts [dict get $row opts]
        if {[dict exists $opts proxy]} { dict set body proxy [dict get $opts proxy] }
        set err [as $me { crawl::Add $name $body web }]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [tryPage $me $row [dict create feed $feed feedValues $v feedProblems $problems]]
    }
    done $me /sources "已添加订阅源 $name（$feed）"
}
