# column.tcl - the public column 政民互动 · 网络新闻发言人 (RULES: Respond), headed with the
# government's name (column_title): published replies with their unit, status (已答复, 跟踪回访,
# 已办结) and dates (asked → replied), the question in brief and a link to the original post;
# full-text search (reply_fts, CJK bigrams) and filters by unit and month; each reply's page with
# the citizens' satisfaction vote (满意 / 基本满意 / 不满意: one per browser, by a cookie and a
# keyed hash of address and user agent; vote_rate_per_hour per address; counted in the quarterly
# assessment when assessment_votes is on); 舆情反馈, the units' follow-up replies under their real
# names in the forums, which the info office records (`event feedback ID URL TEXT`, seed 000
# 二.4); a link to 依申请公开; an Atom feed, a JSON API and a small page for an iframe in the
# county's CMS; and `column export DIR`, a static copy of all of it (no search, no vote form) for
# CMSes that take files.
#
# It reads the workflow's `reply` table (state published) and its own tables (migration 021:
# reply_fts, reply_vote, feedback) and renders the same pages for the web routes
# (scripts/web/public.tcl, which says what the driver caches) and for the export. Whatever
# publishes or withdraws a reply calls column::changed, which drops the cached pages. Reply text
# is written by officials but quotes crawled questions: everything is escaped, and a link is only
# made for an http(s) address.

namespace eval column {
    variable perPage 20
}

conf::key embed_origins list {} \
    "允许在框架中显示公开栏目嵌入片段 /replies/embed 的来源（如 https://cms.example.gov.cn）"
conf::key column_title string "青山县人民政府" \
    "公开栏目页面上显示的政府名称"
conf::key vote_rate_per_hour {integer 1 10000} 20 \
    "同一地址每小时可对公开栏目的回复投出的满意度评价数（超出返回 429）"
conf::key assessment_votes boolean 0 \
    "季度考核计入群众对已发布回复的满意度评价（公式中的 \$votes，默认不计入）"

dict set org::perms feedback.record {office}

# column::changed: a reply or a 舆情反馈 entry was published, changed or withdrawn: drop the cached
# public pages (lists and feeds "replies", reply pages "reply"). Returns how many cached responses
# were dropped (0 outside the server).
proc column::changed {} {
    set n 0
    foreach name {replies reply} {
        if {![catch {cache invalidate $name} k]} { incr n $k }
    }
    return $n
}

# column::voted: a vote was counted: drop the cached reply pages (they show the counts). Returns
# how many were dropped (0 outside the server).
proc column::voted {} {
    if {[catch {cache invalidate reply} n]} { return 0 }
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

# column::Select: the SELECT of the published replies as dicts (see column::replies), its WHERE
# clause open for more conditions ("AND ..."). Binds nothing itself.
proc column::Select {} {
    return {SELECT r.id, r.event_id, coalesce(u.name, '') AS unit, r.question, r.body,
                   coalesce(r.published_at, '') AS published, coalesce(r.original_url, '') AS original,
                   coalesce(e.title, '') AS title, coalesce(e.state, '') AS state,
                   coalesce((SELECT min(p.published) FROM post p WHERE p.event_id = r.event_id
                                                               AND coalesce(p.published, '') <> ''),
                            e.first_seen, '') AS asked
            FROM reply r LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN event e ON e.id = r.event_id
            WHERE r.state = 'published'}
}

# column::Where: the conditions of filter F (a dict of any of fts unit_id month, checked by
# column::filter: an FTS5 query, a unit id, a YYYY-MM month) as SQL binding $fq $funit $fmonth,
# which the caller sets from F (see column::replies).
proc column::Where {f} {
    set sql ""
    if {[dict exists $f unit_id] && [dict get $f unit_id] ne ""} { append sql { AND r.unit_id = $funit} }
    if {[dict exists $f month] && [dict get $f month] ne ""} { append sql { AND substr(r.published_at, 1, 7) = $fmonth} }
    if {[dict exists $f fts] && [dict get $f fts] ne ""} {
        append sql { AND r.id IN (SELECT rowid FROM reply_fts WHERE reply_fts MATCH $fq)}
    }
    return $sql
}

# column::filter: the filters of the public list from the visitor's Q (search words), UNIT (a
# unit's name) and MONTH (YYYY-MM), each "" when not used. Returns a dict q unit month (as given,
# trimmed), unit_id and fts (the full-text query); errors (errorcode YQBOX FILTER) with a sentence
# for the visitor when one is bad: too long, a unit that does not exist, a month that is none.
proc column::filter {q unit month} {
    set q [string trim [regsub -all {\s+} $q " "]]
    set unit [string trim $unit]
    set month [string trim $month]
    if {[string length $q] > 40} { Refuse "检索词过长：最多 40 个字，请精简后再查" }
    if {[llength [regexp -all -inline {\S+} $q]] > 5} { Refuse "检索词过多：最多 5 个词，词之间用空格分开" }
    set fts ""
    if {$q ne ""} {
        set fts [post::query $q]
        if {[catch {db onecolumn {SELECT count(*) FROM reply_fts WHERE reply_fts MATCH $fts}}]} {
            Refuse "检索词“$q”无法检索：请只输入关键词，词之间用空格分开"
        }
    }
    set uid ""
    if {$unit ne ""} {
        if {[string length $unit] > 40} { Refuse "答复单位名称过长" }
        set uid [db onecolumn {SELECT id FROM unit WHERE name = $unit}]
        if {$uid eq ""} { Refuse "没有名为“$unit”的答复单位，请从列表中选择" }
    }
    if {$month ne ""} {
        if {![regexp {^(20\d\d)-(0[1-9]|1[0-2])$} $month]} { Refuse "答复月份应写作“年-月”，例如 2024-05" }
    }
    dict create q $q unit $unit month $month unit_id $uid fts $fts
}

# column::Refuse: error with MESSAGE for the visitor (errorcode YQBOX FILTER).
proc column::Refuse {message} {
    return -level 2 -code error -errorcode {YQBOX FILTER} $message
}

# column::replies: the published replies matching filter F (column::filter; {} = all), newest
# first, LIMIT of them from OFFSET, as a list of dicts (id event_id unit question body published
# original title state asked).
proc column::replies {{f {}} {limit 20} {offset 0}} {
    if {![ready]} { return {} }
    set funit [expr {[dict exists $f unit_id] ? [dict get $f unit_id] : ""}]
    set fmonth [expr {[dict exists $f month] ? [dict get $f month] : ""}]
    set fq [expr {[dict exists $f fts] ? [dict get $f fts] : ""}]
    set out {}
    db eval "[Select] [Where $f] ORDER BY r.published_at DESC, r.id DESC LIMIT \$limit OFFSET \$offset" r {
        lappend out [dict create id $r(id) event_id $r(event_id) unit $r(unit) question $r(question) \
            body $r(body) published $r(published) original $r(original) title $r(title) state $r(state) \
            asked $r(asked)]
    }
    return $out
}

# column::count: how many published replies match filter F (column::filter; {} = all).
proc column::count {{f {}}} {
    if {![ready]} { return 0 }
    set funit [expr {[dict exists $f unit_id] ? [dict get $f unit_id] : ""}]
    set fmonth [expr {[dict exists $f month] ? [dict get $f month] : ""}]
    set fq [expr {[dict exists $f fts] ? [dict get $f fts] : ""}]
    db onecolumn "SELECT count(*) FROM reply r WHERE r.state = 'published' [Where $f]"
}

# column::reply: published reply ID as a dict (as column::replies), or "" when there is none.
proc column::reply {id} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { return "" }
    if {![ready]} { return "" }
    set out ""
    db eval "[Select] AND r.id = \$id" r {
        set out [dict create id $r(id) event_id $r(event_id) unit $r(unit) question $r(question) \
            body $r(body) published $r(published) original $r(original) title $r(title) state $r(state) \
            asked $r(asked)]
    }
    return $out
}

# column::units: the names of the units with published replies, for the filter (by name).
proc column::units {} {
    if {![ready]} { return {} }
    db eval {SELECT DISTINCT u.name FROM reply r JOIN unit u ON u.id = r.unit_id
             WHERE r.state = 'published' ORDER BY u.id}
}

# column::months: the months (YYYY-MM) with published replies, newest first, for the filter.
proc column::months {} {
    if {![ready]} { return {} }
    db eval {SELECT DISTINCT substr(published_at, 1, 7) AS m FROM reply
             WHERE state = 'published' AND published_at IS NOT NULL ORDER BY m DESC}
}

# column::status: what a citizen reads about the handling of a published reply's event in STATE.
proc column::status {state} {
    switch -- $state {
        closed { return 已办结 }
        reopened { return "已答复，继续办理中" }
        followup { return "已答复，跟踪回访中" }
        default { return 已答复 }
    }
}

# column::month: YYYY-MM as 2024年5月.
proc column::month {m} {
    if {![regexp {^(\d{4})-(\d\d)$} $m -> y mo]} { return $m }
    return "${y}年[scan $mo %d]月"
}

# ---- the satisfaction vote ----

namespace eval column {
    # the vote's choices: code, what the citizen reads
    variable choices {satisfied 满意 basic 基本满意 unsatisfied 不满意}
}

# column::votes: the votes on reply ID as a dict satisfied N basic N unsatisfied N.
proc column::votes {id} {
    set out {satisfied 0 basic 0 unsatisfied 0}
    db eval {SELECT choice, count(*) AS n FROM reply_vote WHERE reply_id = $id GROUP BY choice} {
        dict set out $choice $n
    }
    return $out
}

# column::voteKey: the secret key the vote's browser, client and address hashes are made with
# (created once, kept in meta), so that no address is stored in the clear.
proc column::voteKey {} {
    db eval {INSERT OR IGNORE INTO meta(key, value) VALUES('vote_key', lower(hex(randomblob(32))))}
    db onecolumn {SELECT value FROM meta WHERE key = 'vote_key'}
}

# column::vote: record the vote CHOICE (satisfied, basic, unsatisfied) on published reply ID from
# the browser whose cookie is COOKIE, the client (address and user agent) CLIENT and the address
# ADDR (plain strings; only keyed hashes of them are kept). One transaction. Returns the new vote's
# id; errors (errorcode YQBOX VOTE REASON, message for the citizen) when the reply is not published
# (gone), CHOICE is none of the three (choice), the address cast vote_rate_per_hour votes in the
# last hour (rate), or this browser or client already voted on the reply (again). Changes nothing
# then.
proc column::vote {id choice cookie client addr} {
    variable choices
    if {![dict exists $choices $choice]} {
        return -code error -errorcode {YQBOX VOTE choice} "请选择“满意”、“基本满意”或“不满意”之一后再提交"
    }
    set key [voteKey]
    set voter [crypto hmac $key "browser\n$cookie"]
    set clientH [crypto hmac $key "client\n$client"]
    set addrH [crypto hmac $key "addr\n$addr"]
    set now [yqbox::iso]
    set since [yqbox::iso [expr {[yqbox::now] - 3600}]]
    set limit [conf::get vote_rate_per_hour]
    db transaction immediate {
        if {![db exists {SELECT 1 FROM reply WHERE id = $id AND state = 'published'}]} {
            return -code error -errorcode {YQBOX VOTE gone} "这条回应已不再公开，无法评价"
        }
        if {[db onecolumn {SELECT count(*) FROM reply_vote WHERE addr = $addrH AND at > $since}] >= $limit} {
            return -code error -errorcode {YQBOX VOTE rate} "您所在网络地址一小时内的评价次数已达上限（$limit 次），请稍后再试"
        }
        if {[db exists {SELECT 1 FROM reply_vote WHERE reply_id = $id AND (voter = $voter OR client = $clientH)}]} {
            return -code error -errorcode {YQBOX VOTE again} "您已对这条回应作过评价，每个浏览器只能评价一次。感谢您的参与"
        }
        db eval {INSERT INTO reply_vote(reply_id, choice, voter, client, addr, at)
                 VALUES($id, $choice, $voter, $clientH, $addrH, $now)}
        set vid [db last_insert_rowid]
    }
    return $vid
}

# ---- 舆情反馈: the units' follow-up replies in the forums ----

# column::feedbackRecord: record that the unit owning event EVENT replied under its real name in
# the forum at URL with TEXT (seed 000 二.4), as the current principal (org::guarded, permission
# feedback.record, audited as feedback.record), and drop the cached public pages. Returns the new
# entry's id. Errors (nothing changed) for an unknown event, an event no unit owns, an address that
# is not http(s), an empty or over-long text.
proc column::feedbackRecord {event url text} {
    set text [string trim $text]
    set url [string trim $url]
    if {![string is entier -strict $event] || $event <= 0} { yq::fail feedback.badevent $event }
    if {[safeUrl $url] eq "" || [string length $url] > 2000} {
        yq::fail feedback.badurl $url
    }
    if {$text eq ""} { yq::fail feedback.empty }
    if {[string length $text] > 5000} { yq::fail feedback.long 5000 }
    set id [org::guarded feedback.record feedback.record feedback:* {
        set unit ""
        if {![db exists {SELECT 1 FROM event WHERE id = $event}]} { yq::fail feedback.noevent $event }
        set unit [db onecolumn {SELECT unit_id FROM event WHERE id = $event}]
        if {$unit eq ""} { yq::fail feedback.nounit $event }
        set who [dict get [org::actor] login]
        set now [yqbox::iso]
        db eval {INSERT INTO feedback(event_id, unit_id, url, body, recorded_by, recorded_at)
                 VALUES($event, $unit, $url, $text, $who, $now)}
        set fid [db last_insert_rowid]
        list $fid "event=$event url=$url"
    }]
    changed
    return $id
}

# column::feedback: the 舆情反馈 entries, newest first, LIMIT from OFFSET, as dicts (id event_id
# unit title url body recorded asked state).
proc column::feedback {{limit 20} {offset 0}} {
    set out {}
    db eval {SELECT f.id, f.event_id, coalesce(u.name, '') AS unit, coalesce(e.title, '') AS title, f.url,
                    f.body, f.recorded_at, coalesce(e.state, '') AS state,
                    coalesce((SELECT min(p.published) FROM post p WHERE p.event_id = f.event_id
                                                                AND coalesce(p.published, '') <> ''),
                             e.first_seen, '') AS asked
             FROM feedback f LEFT JOIN unit u ON u.id = f.unit_id LEFT JOIN event e ON e.id = f.event_id
             ORDER BY f.recorded_at DESC, f.id DESC LIMIT $limit OFFSET $offset} r {
        lappend out [dict create id $r(id) event_id $r(event_id) unit $r(unit) title $r(title) url $r(url) \
            body $r(body) recorded $r(recorded_at) asked $r(asked) state $r(state)]
    }
    return $out
}

# column::feedbackCount: how many 舆情反馈 entries there are.
proc column::feedbackCount {} {
    db onecolumn {SELECT count(*) FROM feedback}
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

# column::requestLink: the address of the 依申请公开 form: /request/ on the server; in the export
# (STATIC) the box's public_url with /request/, or "" when public_url is not set (no link then).
proc column::requestLink {static} {
    if {!$static} { return /request/ }
    set base [conf::get public_url]
    if {$base eq ""} { return "" }
    return [string trimright $base /]/request/
}

# column::page: a public page (no login, no navigation of the office's pages) headed with the
# government's name (column_title). CSS is the site's, or for the export a relative copy (UP: ""
# or "../"). BODY is markup (tmpl); returns markup.
proc column::page {static up title body} {
    set gov [conf::get column_title]
    set css [expr {$static ? "${up}yqbox.css" : "/css/yqbox.css"}]
    set home [expr {$static ? "${up}index.html" : "/replies/"}]
    set fb [expr {$static ? "${up}feedback.html" : "/replies/feedback"}]
    set atom [expr {$static ? "${up}atom.xml" : "/replies/atom.xml"}]
    set req [requestLink $static]
    set reqLink [expr {$req eq "" ? "" : [tmpl { · <a href="$req">依申请公开</a>}]}]
    tmpl {<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · $gov</title>
<link rel="stylesheet" href="$css">
<link rel="alternate" type="application/atom+xml" title="网络新闻发言人" href="$atom">
</head>
<body class="public">
<a class="skip" href="#main">跳到正文</a>
<header class="top"><a href="$home">$gov</a><span class="sub">政民互动</span></header>
<nav class="crumbs" aria-label="栏目"><a href="$home">网络新闻发言人</a> · <a href="$fb">舆情反馈</a>$reqLink · <a href="$atom">订阅（Atom）</a></nav>
<main id="main">
$body
</main>
<footer>$gov 政民互动栏目[if {$req ne ""} {tmpl { · <a href="$req">政府信息公开申请</a>}}]</footer>
</body>
</html>
}
}

# column::dates: the markup of the dates of a question asked at ASKED and answered at ANSWERED
# (ISO times; ASKED may be "") with the label LABEL of the answer: 网民反映 … → 答复 ….
proc column::dates {asked answered {label 答复}} {
    set a [expr {$asked eq "" ? "" : [tmpl {网民反映 <time datetime="$asked">[web::when $asked]</time> → }]}]
    tmpl {<span class="dates">$a$label <time datetime="$answered">[web::when $answered]</time></span>}
}

# column::listBody: the markup of a list of REPLIES (dicts) with links for STATIC/UP.
proc column::listBody {replies static up} {
    set items ""
    foreach r $replies {
        dict with r {
            set href "$up[link $static reply $id]"
            set orig [safeUrl $original]
            set origLink [expr {$orig eq "" ? "" : [tmpl { · <a class="orig" href="$orig" rel="noopener nofollow">原帖链接</a>}]}]
            set st [status $state]
            markup append items [tmpl {<li class="reply"><h3><a href="$href">[brief $question 60]</a></h3>
<p class="meta"><span class="unit">$unit</span> · <span class="status">$st</span>$origLink</p>
<p class="meta">[dates $asked $published]</p></li>
}]
        }
    }
    tmpl {<ul class="replies">$items</ul>}
}

# column::searchForm: the search and filter form of the list for filter F (a dict q unit month;
# values shown as typed).
proc column::searchForm {f} {
    set q [dict get $f q]
    set unitOpts [tmpl {<option value="">全部单位</option>}]
    set units [units]
    if {[dict get $f unit] ne "" && [dict get $f unit] ni $units} { lappend units [dict get $f unit] }
    foreach u $units {
        set sel [expr {$u eq [dict get $f unit] ? [tmpl { selected}] : ""}]
        markup append unitOpts [tmpl {<option$sel>$u</option>}]
    }
    set monthOpts [tmpl {<option value="">全部月份</option>}]
    set months [months]
    if {[dict get $f month] ne "" && [dict get $f month] ni $months} { lappend months [dict get $f month] }
    foreach m $months {
        set sel [expr {$m eq [dict get $f month] ? [tmpl { selected}] : ""}]
        markup append monthOpts [tmpl {<option value="$m"$sel>[month $m]</option>}]
    }
    set any [expr {$q ne "" || [dict get $f unit] ne "" || [dict get $f month] ne ""}]
    set clear [expr {$any ? [tmpl { <a href="/replies/">清除条件</a>}] : ""}]
    tmpl {<form class="search" method="get" action="/replies/" role="search">
<p class="q"><label for="q">关键词</label> <input id="q" name="q" type="search" value="$q" maxlength="40" placeholder="例如：路灯 拆迁"></p>
<p><span class="field"><label for="unit">答复单位</label> <select id="unit" name="unit">$unitOpts</select></span>
<span class="field"><label for="month">答复月份</label> <select id="month" name="month">$monthOpts</select></span>
<button type="submit">查询</button>$clear</p>
</form>}
}

# column::listPage: the 网络新闻发言人 list, page PAGE, of the replies matching filter F
# (column::filter; {} = all). STATIC: the export's single page of every reply (no form). PROBLEM:
# a sentence saying why the visitor's query was refused (the form keeps what was typed, in F).
proc column::listPage {f page {static 0} {problem ""}} {
    variable perPage
    set f [dict merge {q "" unit "" month "" unit_id "" fts ""} $f]
    set total [expr {$problem eq "" ? [count $f] : 0}]
    set pages [expr {max(1, ($total + $perPage - 1) / $perPage)}]
    if {$page < 1 || $page > $pages} { set page 1 }
    set rows [expr {$problem eq "" ? [replies $f [expr {$static ? 1000000 : $perPage}] [expr {$static ? 0 : ($page - 1) * $perPage}]] : {}}]
    set title 网络新闻发言人
    set any [expr {[dict get $f q] ne "" || [dict get $f unit] ne "" || [dict get $f month] ne ""}]
    set nav ""
    if {!$static && $pages > 1} {
        set qs ""
        foreach k {q unit month} {
            if {[dict get $f $k] ne ""} { append qs "$k=[web::urlencode [dict get $f $k]]&" }
        }
        set base /replies/
        if {$page > 1} { markup append nav [tmpl {<a rel="prev" href="$base?${qs}page=[expr {$page - 1}]">上一页</a> }] }
        markup append nav [tmpl {第 $page / $pages 页 }]
        if {$page < $pages} { markup append nav [tmpl {<a rel="next" href="$base?${qs}page=[expr {$page + 1}]">下一页</a>}] }
    }
    set form [expr {$static ? "" : [searchForm $f]}]
    if {$problem ne ""} {
        set result [tmpl {<p class="problems" role="alert">$problem</p>}]
    } elseif {!$total} {
        set result [expr {$any ? [tmpl {<p class="count">没有符合条件的回应，请换个关键词或清除条件再查。</p>}]
                          : [tmpl {<p>暂无已发布的回应。</p>}]}]
    } else {
        set what [expr {$any ? "符合条件的回应" : "回应"}]
        set result [tmpl {<p class="count">共 $total 条$what</p>
[listBody $rows $static ""]<p class="pager">$nav</p>}]
    }
    page $static "" $title [tmpl {<h1>$title</h1><p>本栏目公开县政府各单位对网络舆情的调查核实情况和回应，并附原帖链接。</p>
$form$result}]
}

# column::feedbackPage: the 舆情反馈 list, page PAGE: the units' follow-up replies in the forums
# recorded by the info office, newest first (STATIC: all of them on one page).
proc column::feedbackPage {page {static 0}} {
    variable perPage
    set total [feedbackCount]
    set pages [expr {max(1, ($total + $perPage - 1) / $perPage)}]
    if {$page < 1 || $page > $pages} { set page 1 }
    set rows [feedback [expr {$static ? 1000000 : $perPage}] [expr {$static ? 0 : ($page - 1) * $perPage}]]
    set items ""
    foreach r $rows {
        dict with r {
            set href [safeUrl $url]
            set link [expr {$href eq "" ? "" : [tmpl { · <a class="orig" href="$href" rel="noopener nofollow">查看跟帖原文</a>}]}]
            set paras ""
            foreach p [split [string trim $body] \n] {
                if {[string trim $p] ne ""} { markup append paras [tmpl {<p>$p</p>}] }
            }
            markup append items [tmpl {<li class="reply feedback"><h3>[brief $title 60]</h3>
<p class="meta"><span class="unit">$unit</span> · <span class="status">[status $state]</span>$link</p>
<p class="meta">[dates $asked $recorded 跟帖答复]</p>
<div class="answer">$paras</div></li>
}]
        }
    }
    set nav ""
    if {!$static && $pages > 1} {
        if {$page > 1} { markup append nav [tmpl {<a rel="prev" href="/replies/feedback?page=[expr {$page - 1}]">上一页</a> }] }
        markup append nav [tmpl {第 $page / $pages 页 }]
        if {$page < $pages} { markup append nav [tmpl {<a rel="next" href="/replies/feedback?page=[expr {$page + 1}]">下一页</a>}] }
    }
    set list [expr {$total ? [tmpl {<p class="count">共 $total 条</p><ul class="replies">$items</ul><p class="pager">$nav</p>}]
                    : [tmpl {<p>暂无舆情反馈。</p>}]}]
    page $static "" 舆情反馈 [tmpl {<h1>舆情反馈</h1><p>县政府各单位已在论坛、贴吧等原帖下以单位实名跟帖回复网民反映的问题，办理结果在此统一公开。</p>
$list}]
}

# column::voteSection: the satisfaction vote of reply ID: the counts, and (on the server, not
# STATIC, and not right after the thanks) the form. MESSAGE: a sentence answering the visitor's
# last vote, shown as a refusal when REFUSED (the form again, CHOSEN kept selected) or as thanks.
proc column::voteSection {id static {message ""} {refused 0} {chosen ""}} {
    variable choices
    set v [votes $id]
    set tally ""
    foreach {code label} $choices {
        markup append tally [tmpl {<li><span class="label">$label</span> <span class="n" id="votes-$code">[dict get $v $code]</span></li>}]
    }
    set form ""
    if {!$static && ($message eq "" || $refused)} {
        set opts ""
        foreach {code label} $choices {
            set ck [expr {$code eq $chosen ? [tmpl { checked}] : ""}]
            markup append opts [tmpl {<label><input type="radio" name="choice" value="$code"$ck> $label</label> }]
        }
        set form [tmpl {<form method="post" action="/replies/$id/vote" class="vote">
<fieldset><legend>您对这条回应是否满意？</legend>$opts</fieldset>
<p><button type="submit">提交评价</button> <span class="hint">每个浏览器对每条回应只能评价一次。</span></p>
</form>}]
    }
    set msg ""
    if {$message ne ""} {
        set msg [expr {$refused ? [tmpl {<p class="problems" role="alert">$message</p>}] : [tmpl {<p class="notice" role="status">$message</p>}]}]
    }
    tmpl {<section id="vote" class="vote"><h2>满意度评价</h2>
$msg<ul class="tally">$tally</ul>
$form</section>}
}

# column::replyPage: the page of reply R (a dict from column::reply); MESSAGE REFUSED CHOSEN as
# for column::voteSection.
proc column::replyPage {r {static 0} {message ""} {refused 0} {chosen ""}} {
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
<p class="meta">答复单位：<span class="unit">$unit</span> · 办理状态：<span class="status">[status $state]</span></p>
<p class="meta">[dates $asked $published]</p>
<h2>网民反映</h2><blockquote>$question</blockquote>
$origLink
<h2>回应</h2><div class="answer">$paras</div>
</article>
[voteSection $id $static $message $refused $chosen]}]
    }
}

# column::atom: the Atom feed of the newest 50 replies; BASE is the absolute address of the site
# (https://HOST), or "" for the export (relative links). Returns the XML as markup (tmpl).
proc column::atom {base {static 0}} {
    set items ""
    set updated [yqbox::iso]
    set rows [replies {} 50 0]
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
    foreach r [replies {} 100 0] {
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
    foreach r [replies {} $n 0] {
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
    lappend files index.html [markup text [listPage {} 1 1]]
    lappend files feedback.html [markup text [feedbackPage 1 1]]
    set n 0
    foreach r [replies {} 1000000 0] {
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

# event feedback: the info office records a unit's follow-up reply in the forum (000 二.4).
cmdlayer::command event feedback {{id 事件编号 int} {url 跟帖地址} {text 回复内容}} \
    "登记承办单位在论坛原帖下的实名跟帖回复，在公开栏目“舆情反馈”中公开" \
    "跟帖地址是承办单位跟帖回复的网址（http:// 或 https://），回复内容是跟帖的原文；登记后立即在 /replies/feedback 公开。" {
    set fid [column::feedbackRecord $id $url $text]
    return "已登记舆情反馈 $fid（事件 $id），已在“舆情反馈”栏目公开"
}

# column: the console command.
cmdlayer::noun column "公开栏目（网络新闻发言人、舆情反馈）：导出静态页面到目录，供县政府网站内容管理系统使用；清除页面缓存"
cmdlayer::command column export {{dir 目录}} "把公开栏目导出为静态页面" { column::export $dir }
cmdlayer::command column invalidate {} "清除公开栏目的页面缓存" { column::changed }
