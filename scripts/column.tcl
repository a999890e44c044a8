# column.tcl - the public column 政民互动 · 网络新闻发言人 (RULES: Respond): published replies with
# their unit, date, the question in brief and a link to the original post; each reply's page; the
# 舆情反馈 list (replies to posts on forums and local sites, 000 二.4); an Atom feed, a JSON API
# and a small page for an iframe in the county's CMS; and `column export DIR`, a static copy of
# all of it for CMSes that take files.
#
# It reads the workflow's `reply` table (state published) and renders the same pages for the web
# routes (scripts/web/public.tcl, cached by the driver under the name "replies") and for the
# export. Whatever publishes or withdraws a reply calls column::changed, which drops the cached
# pages. Reply text is written by officials but quotes crawled questions: everything is escaped,
# and a link to the original post is only made for an http(s) address.

namespace eval column {
    variable perPage 20
}

conf::key embed_origins list {} \
    "Origins (https://cms.example.gov.cn) allowed to show the public column's snippet /replies/embed in a frame"
conf::key column_title string "青山县人民政府" \
    "Name of the government shown on the public column's pages"

# column::changed: a reply was published, changed or withdrawn: drop the cached public pages.
# Returns how many cached responses were dropped (0 outside the server).
proc column::changed {} {
    if {[catch {cache invalidate replies} n]} { return 0 }
    return $n
}

# column::ready: whether the database has the workflow's reply table yet.
proc column::ready {} {
    db exists {SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'reply'}
}

# column::safeUrl: URL when it is an absolute http(s) address, else "" (no javascript: links).
proc column::safeUrl {url} {
    if {[regexp {^https?://[^\s<>"'\\]+$} $url]} { return $url }
    return ""
}

# column::brief: TEXT shortened to N characters (with …), spaces collapsed.
proc column::brief {text {n 60}} {
    set t [string trim [regsub -all {\s+} $text " "]]
    if {[string length $t] > $n} { set t "[string range $t 0 [expr {$n - 1}]]…" }
    return $t
}

# column::replies: the published replies, newest first, as a list of dicts (id event_id unit
# question body published original title). KIND all or feedback; LIMIT and OFFSET page it.
proc column::replies {{kind all} {limit 20} {offset 0}} {
    if {![ready]} { return {} }
    set fb [expr {$kind eq "feedback"}]
    set out {}
    db eval {SELECT r.id, r.event_id, coalesce(u.name, '') AS unit, r.question, r.body,
                    coalesce(r.published_at, '') AS published, coalesce(r.original_url, '') AS original,
                    coalesce(e.title, '') AS title
             FROM reply r LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN event e ON e.id = r.event_id
             WHERE r.state = 'published'
               AND (NOT $fb OR EXISTS (SELECT 1 FROM post p JOIN source s ON s.id = p.source_id
                                       WHERE p.url = r.original_url AND s.tier IN ('forum', 'local')))
             ORDER BY r.published_at DESC, r.id DESC LIMIT $limit OFFSET $offset} r {
        lappend out [dict create id $r(id) event_id $r(event_id) unit $r(unit) question $r(question) \
            body $r(body) published $r(published) original $r(original) title $r(title)]
    }
    return $out
}

# column::count: how many replies KIND (all, feedback) has.
proc column::count {{kind all}} {
    if {![ready]} { return 0 }
    set fb [expr {$kind eq "feedback"}]
    db onecolumn {SELECT count(*) FROM reply r WHERE r.state = 'published'
                  AND (NOT $fb OR EXISTS (SELECT 1 FROM post p JOIN source s ON s.id = p.source_id
                                          WHERE p.url = r.original_url AND s.tier IN ('forum', 'local')))}
}

# column::reply: published reply ID as a dict, or "" when there is none.
proc column::reply {id} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { return "" }
    if {![ready]} { return "" }
    set out ""
    db eval {SELECT r.id, r.event_id, coalesce(u.name, '') AS unit, r.question, r.body,
                    coalesce(r.published_at, '') AS published, coalesce(r.original_url, '') AS original,
                    coalesce(e.title, '') AS title
             FROM reply r LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN event e ON e.id = r.event_id
             WHERE r.id = $id AND r.state = 'published'} r {
        set out [dict create id $r(id) event_id $r(event_id) unit $r(unit) question $r(question) \
            body $r(body) published $r(published) original $r(original) title $r(title)]
    }
    return $out
}

# column::link: the address of page WHAT (list, feedback, reply ID, atom, json) for the server,
# or relative to the export's top directory when STATIC.
proc column::link {static what {id ""}} {
    if {$static} {
        return [dict get [dict create list index.html feedback feedback.html reply replies/$id.html \
                              atom atom.xml json replies.json] $what]
    }
    return [dict get [dict create list /replies/ feedback /replies/feedback reply /replies/$id \
                          atom /replies/atom.xml json /api/replies] $what]
}

# column::page: a public page (no login, no navigation of the office's pages). CSS is the site's,
# or for the export a relative copy (UP: "" or "../"). BODY is markup (tmpl); returns markup.
proc column::page {static up title body} {
    set css [expr {$static ? "${up}yqbox.css" : "/css/yqbox.css"}]
    set home [expr {$static ? "${up}index.html" : "/replies/"}]
    set fb [expr {$static ? "${up}feedback.html" : "/replies/feedback"}]
    set atom [expr {$static ? "${up}atom.xml" : "/replies/atom.xml"}]
    tmpl {<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · [conf::get column_title]</title>
<link rel="stylesheet" href="$css">
<link rel="alternate" type="application/atom+xml" title="网络新闻发言人" href="$atom">
</head>
<body class="public">
<a class="skip" href="#main">跳到正文</a>
<header class="top"><a href="$home">[conf::get column_title] · 政民互动</a></header>
<nav class="crumbs" aria-label="栏目"><a href="$home">网络新闻发言人</a> · <a href="$fb">舆情反馈</a> · <a href="$atom">订阅（Atom）</a></nav>
<main id="main">
$body
</main>
<footer>[conf::get column_title] 政民互动栏目</footer>
</body>
</html>
}
}

# column::listBody: the markup of a list of REPLIES (dicts) with links for STATIC/UP.
proc column::listBody {replies static up} {
    if {![llength $replies]} { return [tmpl {<p>暂无已发布的回应。</p>}] }
    set items ""
    foreach r $replies {
        dict with r {
            set href "$up[link $static reply $id]"
            set orig [safeUrl $original]
            set origLink [expr {$orig eq "" ? "" : [tmpl {<a class="orig" href="$orig" rel="noopener nofollow">原帖链接</a>}]}]
            markup append items [tmpl {<li class="reply"><h3><a href="$href">[brief $question 60]</a></h3>
<p class="meta"><span class="unit">$unit</span> · <time datetime="$published">[string range $published 0 9]</time> $origLink</p></li>
}]
        }
    }
    tmpl {<ul class="replies">$items</ul>}
}

# column::listPage: the 网络新闻发言人 list (KIND all) or the 舆情反馈 list (KIND feedback), page PAGE.
proc column::listPage {kind page {static 0}} {
    variable perPage
    set total [count $kind]
    set pages [expr {max(1, ($total + $perPage - 1) / $perPage)}]
    if {$page < 1 || $page > $pages} { set page 1 }
    set rows [replies $kind [expr {$static ? 100000 : $perPage}] [expr {$static ? 0 : ($page - 1) * $perPage}]]
    set title [expr {$kind eq "feedback" ? "舆情反馈" : "网络新闻发言人"}]
    set intro [expr {$kind eq "feedback" ? "本栏目公开县政府各单位对论坛、贴吧等网民反映问题的回复。"
                      : "本栏目公开县政府各单位对网络舆情的调查核实情况和回应，并附原帖链接。"}]
    set nav ""
    if {!$static && $pages > 1} {
        set base [expr {$kind eq "feedback" ? "/replies/feedback" : "/replies/"}]
        if {$page > 1} { markup append nav [tmpl {<a rel="prev" href="$base?page=[expr {$page - 1}]">上一页</a> }] }
        markup append nav [tmpl {第 $page / $pages 页 }]
        if {$page < $pages} { markup append nav [tmpl {<a rel="next" href="$base?page=[expr {$page + 1}]">下一页</a>}] }
    }
    page $static "" $title [tmpl {<h1>$title</h1><p>$intro</p><p class="count">共 $total 条</p>
[listBody $rows $static ""]<p class="pager">$nav</p>}]
}

# column::replyPage: the page of reply R (a dict from column::reply).
proc column::replyPage {r {static 0}} {
    set up [expr {$static ? "../" : ""}]
    dict with r {
        set orig [safeUrl $original]
        set paras ""
        foreach p [split [string trim $body] \n] {
            if {[string trim $p] ne ""} { markup append paras [tmpl {<p>$p</p>}] }
        }
        set origLink [expr {$orig eq "" ? "" : [tmpl {<p>原帖：<a class="orig" href="$orig" rel="noopener nofollow">$orig</a></p>}]}]
        page $static $up "回应：[brief $question 30]" [tmpl {<article class="reply">
<h1>[brief $question 80]</h1>
<p class="meta">答复单位：<span class="unit">$unit</span> · 发布时间：<time datetime="$published">[string map {T " "} [string range $published 0 15]]</time></p>
<h2>网民反映</h2><blockquote>$question</blockquote>
$origLink
<h2>回应</h2><div class="answer">$paras</div>
</article>}]
    }
}

# column::atom: the Atom feed of the newest 50 replies; BASE is the absolute address of the site
# (https://HOST), or "" for the export (relative links). Returns the XML as markup (tmpl).
proc column::atom {base {static 0}} {
    set items ""
    set updated [yqbox::iso]
    set rows [replies all 50 0]
    if {[llength $rows]} { set updated [dict get [lindex $rows 0] published] }
    foreach r $rows {
        dict with r {
            set href "$base[link $static reply $id]"
            set orig [safeUrl $original]
            set content "$body"
            if {$orig ne ""} { append content "\n\n原帖：$orig" }
            markup append items [tmpl {<entry>
<id>$href</id>
<title>[brief $question 80]</title>
<link rel="alternate" type="text/html" href="$href"/>
[if {$orig ne ""} {tmpl {<link rel="related" href="$orig"/>
}}]<author><name>$unit</name></author>
<updated>$published</updated>
<published>$published</published>
<content type="text">$content</content>
</entry>
}]
        }
    }
    set self "$base[link $static atom]"
    set home "$base[link $static list]"
    # tmpl's escaping suits XML: & < > " ' become entities XML knows
    tmpl {<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>$self</id>
<title>[conf::get column_title] · 网络新闻发言人</title>
<link rel="self" href="$self"/>
<link rel="alternate" type="text/html" href="$home"/>
<updated>$updated</updated>
$items</feed>
}
}

# column::api: the newest 100 replies as JSON (the API); BASE as for column::atom.
proc column::api {base {static 0}} {
    set items {}
    foreach r [replies all 100 0] {
        set parts {}
        foreach k {id event_id unit question body published original} {
            set v [dict get $r $k]
            if {$k eq "original"} { set v [safeUrl $v] }
            if {$k in {id event_id} && [string is entier -strict $v]} {
                lappend parts $k number $v
            } else {
                lappend parts $k string $v
            }
        }
        lappend parts url string $base[link $static reply [dict get $r id]]
        lappend items [json object {*}$parts]
    }
    return [json object title string "[conf::get column_title] 网络新闻发言人" total number [count] \
        replies json [json array json $items]]
}

# column::embed: the small page for an iframe: the newest N replies, links opening on the site.
# Returns the HTML as markup.
proc column::embed {n {static 0}} {
    set items ""
    foreach r [replies all $n 0] {
        dict with r {
            set href [expr {$static ? [link 1 reply $id] : [link 0 reply $id]}]
            markup append items [tmpl {<li><a href="$href" target="_blank" rel="noopener">[brief $question 40]</a> <span class="meta">$unit [string range $published 5 9]</span></li>}]
        }
    }
    set css [expr {$static ? "yqbox.css" : "/css/yqbox.css"}]
    set more [link $static list]
    tmpl {<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>网络新闻发言人</title><link rel="stylesheet" href="$css"></head>
<body class="embed"><h2>网络新闻发言人</h2><ul>$items</ul><p><a href="$more" target="_blank" rel="noopener">更多回应</a></p></body></html>
}
}

# column::export: write the whole column as static files into DIR (created if missing): index.html,
# feedback.html, replies/ID.html, atom.xml, replies.json, embed.html and yqbox.css. Files are
# written under temporary names and renamed, so a CMS reading the directory never sees half a
# page. Returns a summary line.
proc column::export {dir} {
    file mkdir $dir [file join $dir replies]
    set files {}
    lappend files index.html [markup text [listPage all 1 1]]
    lappend files feedback.html [markup text [listPage feedback 1 1]]
    set n 0
    foreach r [replies all 1000000 0] {
        lappend files replies/[dict get $r id].html [markup text [replyPage $r 1]]
        incr n
    }
    lappend files atom.xml [markup text [atom "" 1]] replies.json [api "" 1] embed.html [markup text [embed 10 1]]
    set cssf [open [yqbox::path webroot css yqbox.css] r]
    fconfigure $cssf -encoding utf-8
    lappend files yqbox.css [read $cssf]
    close $cssf
    foreach {name text} $files {
        set path [file join $dir $name]
        set f [open $path.tmp w 0644]
        fconfigure $f -encoding utf-8 -translation lf
        puts -nonewline $f $text
        close $f
        file rename -force $path.tmp $path
    }
    return "已导出 $n 条回应到 $dir"
}

# column: the console command.
cmdlayer::noun column "公开栏目（网络新闻发言人、舆情反馈）：导出静态页面到目录，供县政府网站内容管理系统使用；清除页面缓存"
cmdlayer::command column export {{dir 目录}} "把公开栏目导出为静态页面" { column::export $dir }
cmdlayer::command column invalidate {} "清除公开栏目的页面缓存" { column::changed }
