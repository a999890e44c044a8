# events.tcl - the pages of the info office and the units: the dashboard, the event list with
# filters and full-text search, the event page (posts with their matched terms highlighted, score
# with reasons, trend of replies/views, timeline, the actions the user may take), the claim queue
# and the reply editor. Every page reads events through web::eventScope / web::event (unit scope
# on the server).
#
# The workflow actions post to /events/ID/ACTION and fire that transition of the workflow's state
# machine (scripts/workflow/states.tcl) as the user (org::as). Which actions an event page offers
# is the workflow's answer (workflow::possible: the event's state, the user's permissions and unit);
# web::actions only says how each transition's form looks and how its fields become the
# transition's arguments. A bad form is shown again with the problems named and nothing saved; a
# transition the workflow refuses is shown the same way with the workflow's reason. When someone
# else acted first (the event's state moved on, or it went to another unit) the page says who did
# what and when (web::moved, also used by the office's pages for requests and 政务信息): a 422, not
# an audited refusal.

namespace eval web {
    # transition -> {label fields}; a field is {name label kind}, kind one of text, para, level,
    # unit, days, decision, instruction, time (a past moment; empty = now), flag (a checkbox); a
    # kind ending in ? is optional. The reply transition has its own editor (/events/ID/reply).
    variable actions {
        report      {报送专报 {}}
        unitreport  {报告本单位领导 {{leaders 报告对象（本单位领导） text} {reporter 报告人（默认本人） text?} {at 报告时间（默认现在） time?}}}
        claim       {认领 {{legacy 历史遗留问题（15个工作日内形成核实调查报告） flag?}}}
        assign      {指定认领 {{unit 承办单位 unit} {legacy 历史遗留问题（15个工作日内形成核实调查报告） flag?} {reason 改派理由（与建议单位不同时） para?}}}
        handback    {退回 {{reason 退回理由（非本单位职责） para}}}
        reroute     {重新交办 {{unit 承办单位 unit} {legacy 历史遗留问题（15个工作日内形成核实调查报告） flag?} {reason 改派理由 para?}}}
        judge       {研判 {{level 风险等级 level} {reason 研判意见 para} {consult 会商记录（重大、特别重大必填） para?}}}
        investigate {开始核实调查 {{handler 承办人 text} {contact 联系方式 text}}}
        extend      {申请延期 {{days 延期工作日 days} {reason 延期理由（书面申请） para}}}
        decide      {审批延期 {{decision 审批意见 decision} {note 说明 para?}}}
        conclude    {提交核实调查报告 {{report 核实调查报告 para}}}
        approve     {审定回复 {}}
        sendback    {退回修改 {{comment 退回意见（承办人据此修改回复稿） para}}}
        review      {审核回复 {}}
        publish     {发布回复 {}}
        respond     {记录首次回应 {{text 回应内容 para}}}
        press       {记录新闻发布会 {{place 发布会地点或渠道 text} {at 发布会时间（默认现在） time?} {url 发布链接（可选） text?}}}
        close       {办结 {{reason 办结说明 para}}}
        instruct    {领导批示 {{text 批示内容 para}}}
        fulfil      {落实批示 {{instruction 批示 instruction} {result 落实情况 para}}}
        police      {移交公安机关 {{reason 移交理由 para}}}
    }
    variable levels {一般 较大 重大 特别重大}
}


# ---- dashboard ----

route GET /dashboard {} {
    set me [need event.view.unit]
    lassign [eventScope $me] all uid uname
    # open events by level
    set counts {一般 0 较大 0 重大 0 特别重大 0}
    # (event_count is kept by triggers: migration 022; unit_id 0 = not yet owned)
    db eval {SELECT level, sum(n) AS n FROM event_count
             WHERE state NOT IN ('closed') AND ($all OR unit_id = $uid OR (unit_id = 0 AND suggested_unit = $uname))
             GROUP BY level} { dict set counts $level $n }
    set cards ""
    dict for {level n} $counts {
        markup append cards [tmpl {<li class="card [levelClass $level]"><a href="/events?level=[urlencode $level]"><span class="n">$n</span> $level</a></li>}]
    }
    # due and overdue: one row per event, its nearest open deadline (a duty before an optional
    # window, which is listed while it is open, never as overdue), the rule in a tooltip
    set rows ""
    set now [yqbox::now]
    db eval {SELECT * FROM (
                 SELECT d.title AS what, d.rule, d.due, d.provisional, d.due_epoch, d.optional, e.id AS eid, e.title,
                        row_number() OVER (PARTITION BY d.event_id ORDER BY d.optional, d.due_epoch, d.id) AS rn
                 FROM deadline d JOIN event e ON e.id = d.event_id
                 WHERE d.state = 'open' AND NOT (d.optional AND d.due_epoch < $now)
                   AND ($all OR e.unit_id = $uid OR d.unit_id = $uid OR (e.unit_id IS NULL AND e.suggested_unit = $uname)))
             WHERE rn = 1 ORDER BY due_epoch LIMIT 20} {
        set left [expr {$due_epoch - $now}]
        if {$optional} {
            markup append rows [tmpl {<tr class="optional"><td data-label="事件"><a href="/events/$eid">$title</a></td><td data-label="最近的时限" title="规则 $rule">$what</td><td data-label="截止时间">[dueText $due $provisional]</td><td data-label="剩余">可选，剩余 [duration $left]</td></tr>}]
            continue
        }
        set cls [expr {$left < 0 ? "overdue" : ($left < 7200 ? "soon" : "")}]
        set text [expr {$left < 0 ? "已超期 [duration $left]" : "剩余 [duration $left]"}]
        markup append rows [tmpl {<tr class="$cls"><td data-label="事件"><a href="/events/$eid">$title</a></td><td data-label="最近的时限" title="规则 $rule">$what</td><td data-label="截止时间">[dueText $due $provisional]</td><td data-label="剩余"><span class="countdown" data-due="$due_epoch">$text</span></td></tr>}]
    }
    set due [expr {$rows eq "" ? [tmpl {<p>没有未到期的办理时限。</p>}] :
        [tmpl {<table class="list stack"><thead><tr><th scope="col">事件</th><th scope="col">最近的时限</th><th scope="col">截止时间</th><th scope="col">剩余</th></tr></thead><tbody>$rows</tbody></table>}]}]
    # new posts per hour, the last 24 hours
    set now [yqbox::now]
    set start [expr {($now / 3600 - 23) * 3600}]
    set since [yqbox::iso $start]
    set per {}
    set since [string range $since 0 12]
    db eval {SELECT hour, n FROM post_hour WHERE hour >= $since} { dict set per $hour $n }
    set labels {}; set values {}
    for {set t $start} {$t <= $now} {incr t 3600} {
        set key [string range [yqbox::iso $t] 0 12]
        lappend labels "[string range $key 11 12]时"
        lappend values [expr {[dict exists $per $key] ? [dict get $per $key] : 0}]
    }
    set recent ""
    db eval {SELECT id, title, level, state, last_post FROM event e
             WHERE state NOT IN ('closed') AND ($all OR e.unit_id = $uid OR (e.unit_id IS NULL AND e.suggested_unit = $uname))
             ORDER BY last_post DESC LIMIT 10} {
        markup append recent [tmpl {<li><span class="level [levelClass $level]">$level</span> <a href="/events/$id">$title</a> <span class="meta">[stateName $state] · [time $last_post]</span></li>}]
    }
    app $me 工作台 [tmpl {<h1>工作台</h1>
[setupNote $me][clockNotices $me]
<section aria-labelledby="h-open"><h2 id="h-open">未办结事件（按风险等级）</h2><ul class="cards">$cards</ul></section>
<section aria-labelledby="h-due"><h2 id="h-due">即将到期与已超期</h2>$due</section>
<section aria-labelledby="h-posts"><h2 id="h-posts">近 24 小时每小时新增帖子</h2>[bars 每小时新增帖子 $labels $values 3]</section>
<section aria-labelledby="h-recent"><h2 id="h-recent">最新事件</h2><ul class="events">$recent</ul></section>}]
}

# web::clockNotices: the dashboard's boxes for ME: next year's calendar still missing (from 1
# November; link to the calendar page) and background jobs whose last run failed (link to the
# 运行状况 page for those who may see it).
proc web::clockNotices {me} {
    set out ""
    set pending [calendar::pending]
    if {$pending ne ""} {
        markup append out [tmpl {<p class="pending" role="status">$pending <a href="/calendar">前往工作日历</a></p>}]
    }
    set bad [job::failing]
    if {[llength $bad]} {
        set names [join [lmap j $bad { dict get $j title }] 、]
        set more [expr {[can $me health.view] ? [tmpl {<a href="/health">查看运行状况</a>}] : [tmpl {请联系系统管理员。}]}]
        markup append out [tmpl {<p class="alert" role="alert">后台任务最近一次运行失败：$names。 $more</p>}]
    }
    return $out
}

# ---- event list ----

# web::ftsQuery: the user's search words as an FTS5 query (each word a quoted phrase, all
# required), or "" when there are none.
proc web::ftsQuery {text} {
    set words {}
    foreach w [regexp -all -inline {\S+} $text] {
        lappend words "\"[string map {\" \"\"} $w]\""
    }
    join [lrange $words 0 9] " AND "
}

# web::eventFilter: the event list's filters for ME from the query (level, state, unit, q: each
# checked, "" when absent or bad) as a dict with all, uid, uname (ME's scope), fts (the full-text
# query) and sql: the SELECT of the matching rows (binding those names: run it through
# web::eventRows). Without words to search: the events, newest post first. With words: one row per
# full-text hit, newest hit first (post ids grow as posts are stored; FTS5 walks its index in that
# order, so nothing is sorted), which web::eventRows turns into events at their newest hit,
# stopping when the page is full instead of looking up every hit's post (92,858 hits of a common
# word at 200,000 posts took 140 ms; the first page now takes well under a millisecond).
proc web::eventFilter {me} {
    lassign [eventScope $me] all uid uname
    set level [req query level]
    set state [req query state]
    set unit [req query unit]
    set q [string trim [req query q]]
    if {$level ni [list "" {*}$::web::levels]} { set level "" }
    if {![regexp {^[a-z]{0,20}$} $state]} { set state "" }
    if {![string is entier -strict $unit]} { set unit "" }
    set fts [ftsQuery $q]
    set where {($all OR e.unit_id = $uid OR (e.unit_id IS NULL AND e.suggested_unit = $uname))
               AND ($level = '' OR e.level = $level) AND ($state = '' OR e.state = $state)
               AND ($unit = '' OR e.unit_id = $unit)}
    set cols {e.id, e.title, e.level, e.state, e.score, e.posts, e.first_seen, e.last_post,
              coalesce(u.name, '') AS uname2, e.suggested_unit}
    if {$fts eq ""} {
        set sql "SELECT $cols FROM event e LEFT JOIN unit u ON u.id = e.unit_id
                 WHERE $where ORDER BY e.last_post DESC, e.id DESC"
    } else {
        set sql "SELECT $cols FROM post_fts f CROSS JOIN post p ON p.id = f.rowid
                 CROSS JOIN event e ON e.id = p.event_id LEFT JOIN unit u ON u.id = e.unit_id
                 WHERE f.post_fts MATCH \$fts AND $where ORDER BY f.rowid DESC"
    }
    dict create all $all uid $uid uname $uname level $level state $state unit $unit q $q fts $fts sql $sql
}

# web::eventRows: the events of the filters F (web::eventFilter) from the OFFSET-th, at most
# LIMIT, each a dict of the columns of F's sql; a search gives each event once, at its newest hit.
# Errors (SQLite's message) on a full-text query FTS5 cannot read.
proc web::eventRows {f limit offset} {
    dict with f {}
    set rows {}
    if {$fts eq ""} {
        db eval "$sql LIMIT \$limit OFFSET \$offset" e {
            unset -nocomplain e(*)
            lappend rows [array get e]
        }
        return $rows
    }
    set seen [dict create]
    db eval $sql e {
        if {[dict exists $seen $e(id)]} { continue }
        dict set seen $e(id) 1
        if {[dict size $seen] <= $offset} { continue }
        unset -nocomplain e(*)
        lappend rows [array get e]
        if {[llength $rows] >= $limit} { break }
    }
    return $rows
}

# web::filterQuery: the query string of the filters of F (web::eventFilter, or another list's
# filter dict with KEYS) that the user chose, each followed by "&".
proc web::filterQuery {f {keys {level state unit q}}} {
    set qs ""
    foreach k $keys {
        if {[dict get $f $k] ne ""} { append qs "$k=[urlencode [dict get $f $k]]&" }
    }
    return $qs
}

# GET /events.csv: the event list with the same filters, for Excel/WPS (UTF-8 with a BOM).
route GET /events.csv {} {
    set me [need event.view.unit]
    set f [eventFilter $me]
    set rows [list {编号 标题 风险等级 评分 状态 承办单位 建议归口 帖子数 首次发现 最近发帖}]
    if {[catch {
        foreach row [eventRows $f 20000 0] {
            dict with row {}
            lappend rows [list $id $title $level [format %.1f $score] [stateName $state] $uname2 \
                              $suggested_unit $posts [time $first_seen] [time $last_post]]
        }
    } msg]} {
        respond status 400
        return [app $me 舆情事件 [tmpl {<h1>舆情事件</h1>[problems [list "检索条件无效：$msg"]]<p><a href="/events">返回事件列表</a></p>}]]
    }
    csv events-[clock format [yqbox::now] -format %Y%m%d -timezone [calendar::Zone]].csv $rows
}

# web::pager: the pager (markup) of a list shown 50 rows a page (the event list's, and the city's
# lists): 上一页 when PAGE > 1, 下一页 when MORE (there are rows after this page), each linking to
# PATH?QS page=N, QS being the list's other query parameters, each ending in & (filterQuery).
proc web::pager {path qs page more} {
    set nav ""
    if {$page > 1} { markup append nav [tmpl {<a rel="prev" href="$path?${qs}page=[expr {$page - 1}]">上一页</a> }] }
    if {$more} { markup append nav [tmpl {<a rel="next" href="$path?${qs}page=[expr {$page + 1}]">下一页</a>}] }
    return $nav
}

route GET /events {} {
    set me [need event.view.unit]
    set f [eventFilter $me]
    dict with f {}
    set page [pageNo]
    set offset [expr {($page - 1) * 50}]
    set rows ""
    set n 0
    set problems {}
    if {[catch {
        # the rows go into an array: their level and state must not overwrite the filters
        foreach row [eventRows $f 51 $offset] {
            array set e $row
            incr n
            if {$n > 50} { break }
            set owner [expr {$e(uname2) ne "" ? $e(uname2) : "（建议：$e(suggested_unit)）"}]
            markup append rows [tmpl {<tr><td>$e(id)</td><td><a href="/events/$e(id)">$e(title)</a></td><td><span class="level [levelClass $e(level)]">$e(level)</span></td><td>[format %.1f $e(score)]</td><td>[stateName $e(state)]</td><td>$owner</td><td>$e(posts)</td><td>[time $e(last_post)]</td></tr>}]
        }
    } msg]} {
        lappend problems "检索条件无效：$msg"
    }
    set units [list "" 全部单位]
    db eval {SELECT id, name FROM unit WHERE active ORDER BY id} { lappend units $id $name }
    set states [list "" 全部状态]
    db eval {SELECT DISTINCT state AS s FROM event ORDER BY state} { lappend states $s [stateName $s] }
    set levels [list "" 全部等级]
    foreach l $::web::levels { lappend levels $l $l }
    # the pages carry only the filters the user chose
    set qs [filterQuery $f]
    set nav [pager /events $qs $page [expr {$n > 50}]]
    app $me 舆情事件 [tmpl {<h1>舆情事件</h1>[problems $problems]
<form method="get" action="/events" class="filters" role="search">
<label for="q">全文检索</label><input id="q" name="q" value="$q" placeholder="帖子标题或正文中的词">
<label for="level">风险等级</label><select id="level" name="level">[options $levels $level]</select>
<label for="state">状态</label><select id="state" name="state">[options $states $state]</select>
<label for="unit">承办单位</label><select id="unit" name="unit">[options $units $unit]</select>
<button type="submit">筛选</button> <a href="/events.csv?$qs">下载 CSV（Excel）</a></form>
<table class="list"><thead><tr><th scope="col">编号</th><th scope="col">标题</th><th scope="col">等级</th><th scope="col">评分</th><th scope="col">状态</th><th scope="col">承办单位</th><th scope="col">帖子</th><th scope="col">最近发帖</th></tr></thead>
<tbody>$rows</tbody></table>
[if {$n == 0} {tmpl {<p>没有符合条件的事件。</p>}} elseif {$fts ne ""} {tmpl {<p class="meta">按最近提及检索词的帖子排序。</p>}}]
<p class="pager">$nav</p>}]
}

# ---- event page ----

# web::highlight: TEXT as markup with the character ranges SPANS {start end term ...} (relative
# to TEXT) wrapped in <mark>; overlapping ranges after the first are skipped. Everything escaped.
proc web::highlight {text spans} {
    set out ""
    set pos 0
    foreach {s e term} [lsort -stride 3 -integer -index 0 $spans] {
        if {$s < $pos || $e <= $s || $s >= [string length $text]} { continue }
        markup append out [string range $text $pos $s-1] [tmpl {<mark title="$term">[string range $text $s $e-1]</mark>}]
        set pos $e
    }
    markup append out [string range $text $pos end]
}

# web::postHtml: the markup of post row P (dict) with its matched terms highlighted.
proc web::postHtml {p} {
    dict with p {
        set tl [string length $title]
        set ts {}; set bs {}
        db eval {SELECT start, end, term FROM post_term WHERE post_id = $id ORDER BY start} {
            if {$end <= $tl} {
                lappend ts $start $end $term
            } elseif {$start > $tl} {
                lappend bs [expr {$start - $tl - 1}] [expr {$end - $tl - 1}] $term
            }
        }
        set link [column::safeUrl $url]
        set body [string range $body 0 3999]
        set metrics ""
        if {$replies ne ""} { append metrics "回复 $replies " }
        if {$views ne ""} { append metrics "浏览 $views " }
        tmpl {<article class="post"><h3>[highlight $title $ts]</h3>
<p class="meta">$stitle · $author · [time $published] · $metrics [if {$link ne ""} {tmpl {<a href="$link" rel="noopener nofollow noreferrer">原帖</a>}}]</p>
<div class="body">[highlight $body $bs]</div></article>}
    }
}

# web::trend: the SVG trend chart of the replies and views of event ID's posts over time (sum of
# each post's latest sample at each sampling time), or a sentence when there are too few samples.
proc web::trend {id} {
    set samples {}
    db eval {SELECT m.post_id, m.at, m.replies, m.views FROM post_metric m JOIN post p ON p.id = m.post_id
             WHERE p.event_id = $id ORDER BY m.at LIMIT 5000} {
        lappend samples [list $post_id $at $replies $views]
    }
    set times [lsort -unique [lmap s $samples { string range [lindex $s 1] 0 15 }]]
    if {[llength $times] < 2} { return [tmpl {<p>反应指标采样不足两次，暂无趋势图。</p>}] }
    set lastR {}; set lastV {}
    set rs {}; set vs {}
    set i 0
    foreach t $times {
        while {$i < [llength $samples] && [string range [lindex $samples $i 1] 0 15] <= $t} {
            lassign [lindex $samples $i] pid at r v
            if {$r ne ""} { dict set lastR $pid $r }
            if {$v ne ""} { dict set lastV $pid $v }
            incr i
        }
        set sr 0; foreach x [dict values $lastR] { incr sr $x }
        set sv 0; foreach x [dict values $lastV] { incr sv $x }
        lappend rs $sr; lappend vs $sv
    }
    lines "回复数与浏览数趋势" [lmap t $times { string map {T " "} [string range $t 5 15] }] \
        [list 回复数 #9b1c1c $rs 浏览数 #1a4f9c $vs]
}

# web::deadlineWords: a deadline's progress in words from its STATE and the times it was warned,
# breached and met.
proc web::deadlineWords {state warned_at breached_at met_at {optional 0} {stopped_by ""} {due_epoch ""}} {
    if {$optional} {
        # an option (the extension request window): used, lapsed or still open; never overdue
        return [expr {$state eq "done" ? "已申请"
                      : ($stopped_by eq "window" || ($state eq "open" && $due_epoch ne "" && [yqbox::now] > $due_epoch))
                        ? "期满未申请（可选，不计超期）" : $state eq "cancelled" ? "已取消" : "可选，进行中"}]
    }
    expr {$state eq "cancelled" ? "已取消" : $met_at ne "" ? ($breached_at ne "" ? "超期后完成" : "按时完成")
          : $breached_at ne "" ? "已超期" : $warned_at ne "" ? "临近截止" : "进行中"}
}

# web::deadlines: the markup of event ID's deadlines (时限, 截止时间 with its provisional sentence,
# 进度), open ones first, or "" when it has none.
proc web::deadlines {id} {
    set rows ""
    db eval {SELECT title, allowed, due, due_epoch, state, provisional, warned_at, breached_at, met_at, optional,
                    stopped_by FROM deadline WHERE event_id = $id ORDER BY state <> 'open', due_epoch, id} {
        set due [dueText $due [expr {$state eq "open" ? $provisional : ""}]]
        markup append rows [tmpl {<tr class="[expr {$state eq "open" && $provisional ne "" ? "provisional" : ""}]"><td data-label="时限">$title</td><td data-label="期限">$allowed</td><td data-label="截止时间">$due</td><td data-label="进度">[deadlineWords $state $warned_at $breached_at $met_at $optional $stopped_by $due_epoch]</td></tr>}]
    }
    if {$rows eq ""} { return "" }
    tmpl {<section aria-labelledby="h-deadlines"><h2 id="h-deadlines">办理时限</h2><table class="list stack"><thead><tr><th scope="col">时限</th><th scope="col">期限</th><th scope="col">截止时间</th><th scope="col">进度</th></tr></thead><tbody>$rows</tbody></table></section>}
}

# web::timeline: the markup of event ID's timeline: workflow steps, deadlines, score changes.
proc web::timeline {id} {
    set items {}
    db eval {SELECT at, action, from_state, to_state, login, note FROM event_step WHERE event_id = $id} {
        if {[string match deadline.* $action]} {
            # the clock's own steps: no change of state to show
            lappend items [list $at [string range $action 9 end] [workflow::stepTitle $action] 系统 [yq::note $note]]
            continue
        }
        lappend items [list $at step "[workflow::stepTitle $action]：[stateName $from_state] → [stateName $to_state]" $login [yq::note $note]]
    }
    db eval {SELECT title, start, due, due_epoch, state, provisional, warned_at, breached_at, met_at, optional, stopped_by
             FROM deadline WHERE event_id = $id} {
        lappend items [list $start deadline "时限：$title" "截止 [dueText $due [expr {$state eq "open" ? $provisional : ""}]]" \
                           [deadlineWords $state $warned_at $breached_at $met_at $optional $stopped_by $due_epoch]]
    }
    db eval {SELECT at, score, level, cause FROM event_score WHERE event_id = $id ORDER BY at LIMIT 100} {
        lappend items [list $at score "评分 [format %.1f $score]（$level）" $cause ""]
    }
    set out ""
    # in time order (lsort is stable): steps are ISO times, deadlines "YYYY-MM-DD HH:MM:SS"
    set keyed [lmap it $items { list [calendar::Instant [lindex $it 0]] $it }]
    # each shown as people read it, its datetime= one ISO form for machines
    foreach k [lsort -integer -index 0 $keyed] {
        lassign [lindex $k 1] at kind what who note
        markup append out [tmpl {<li class="$kind"><time datetime="[yqbox::iso [lindex $k 0]]">[time $at]</time> <strong>$what</strong> <span class="meta">$who</span> [if {$note ne ""} {tmpl {<q>[whenText $note]</q>}}]</li>}]
    }
    tmpl {<ol class="timeline">$out</ol>}
}

# web::applies: whether transition NAME makes sense on event ID now beyond what the state machine
# says: there is an extension request to decide, an open instruction to fulfil.
proc web::applies {name id} {
    switch -- $name {
        decide { return [db exists {SELECT 1 FROM investigation WHERE event_id = $id AND ext_state = 'requested'}] }
        fulfil { return [db exists {SELECT 1 FROM instruction WHERE event_id = $id AND state = 'open'}] }
        default { return 1 }
    }
}

# web::actionForms: the forms of the transitions ME may fire on event EV (dict) now.
proc web::actionForms {me ev {problems {}} {values {}}} {
    variable actions
    set id [dict get $ev id]
    set out ""
    set possible [org::as $me { workflow::possible $id }]
    foreach name $possible {
        if {$name eq "reply"} {
            markup append out [tmpl {<p><a class="button" href="/events/$id/reply">撰写回复</a></p>}]
            continue
        }
        if {![dict exists $actions $name] || ![applies $name $id]} { continue }
        lassign [dict get $actions $name] label fields
        set inputs ""
        set fold 0
        foreach field $fields {
            if {[string trimright [lindex $field 2] ?] ne "flag"} { set fold 1 }
            lassign $field f flabel kind
            set v [expr {[dict exists $values $f] ? [dict get $values $f] : ""}]
            set fid "$name-$f"
            switch -- [string trimright $kind ?] {
                para { markup append inputs [tmpl {<p><label for="$fid">$flabel</label><textarea id="$fid" name="$f" rows="3">$v</textarea></p>}] }
                level {
                    set opts {}
                    foreach l $::web::levels { lappend opts $l $l }
                    markup append inputs [tmpl {<p><label for="$fid">$flabel</label><select id="$fid" name="$f">[options $opts [expr {$v eq "" ? [dict get $ev level] : $v}]]</select></p>}]
                }
                unit {
                    set opts {}
                    db eval {SELECT id AS u, name AS uname FROM unit WHERE active AND kind IN ('department','township','office') ORDER BY id} { lappend opts $u $uname }
                    markup append inputs [tmpl {<p><label for="$fid">$flabel</label><select id="$fid" name="$f">[options $opts $v]</select></p>}]
                }
                decision {
                    markup append inputs [tmpl {<p><label for="$fid">$flabel</label><select id="$fid" name="$f">[options {approve 批准 refuse 不批准} $v]</select></p>}]
                }
                instruction {
                    set opts {}
                    db eval {SELECT id AS i, text AS itext FROM instruction WHERE event_id = $id AND state = 'open' ORDER BY id} {
                        lappend opts $i "$i：[column::brief $itext 30]"
                    }
                    markup append inputs [tmpl {<p><label for="$fid">$flabel</label><select id="$fid" name="$f">[options $opts $v]</select></p>}]
                }
                days { markup append inputs [tmpl {<p><label for="$fid">$flabel</label><input id="$fid" name="$f" value="$v" inputmode="numeric" size="4"></p>}] }
                time { markup append inputs [tmpl {<p><label for="$fid">$flabel</label><input id="$fid" name="$f" value="$v" type="datetime-local"></p>}] }
                flag { markup append inputs [tmpl {<p><input type="checkbox" id="$fid" name="$f" value="1"[if {$v eq "1"} {tmpl { checked}}]><label for="$fid">$flabel</label></p>}] }
                default { markup append inputs [tmpl {<p><label for="$fid">$flabel</label><input id="$fid" name="$f" value="$v"></p>}] }
            }
        }
        set prob [expr {[dict exists $problems $name] ? [problems [dict get $problems $name]] : ""}]
        set form [tmpl {<form method="post" action="/events/$id/$name" class="action">[hidden $me]$prob$inputs<button type="submit">$label</button></form>}]
        if {!$fold} {
            # no fields, or only checkboxes: the button shows at once
            markup append out $form
        } else {
            # a transition with a form folds away until chosen (open when it came back with problems)
            markup append out [tmpl {<details class="action"[if {$prob ne ""} {tmpl { open}}]><summary>$label</summary>$form</details>}]
        }
    }
    if {$out eq ""} { return [tmpl {<p>您对该事件当前没有可执行的操作。</p>}] }
    return $out
}

# web::diff: the markup of text NEW against OLD, sentence by sentence (a sentence ends at 。！？；
# or a line break): sentences only in OLD struck through (<del>), only in NEW marked (<ins>).
proc web::diff {old new} {
    set split {apply {{t} { regexp -all -inline {[^。！？；\n]*(?:[。！？；]+|\n|$)} $t }}}
    set a [lsearch -all -inline -not -exact [{*}$split $old] ""]
    set b [lsearch -all -inline -not -exact [{*}$split $new] ""]
    # longest common subsequence of the sentences (replies are short: a few hundred at most)
    set n [llength $a]; set m [llength $b]
    for {set i $n} {$i >= 0} {incr i -1} {
        for {set j $m} {$j >= 0} {incr j -1} {
            if {$i == $n || $j == $m} {
                set L($i,$j) 0
            } elseif {[lindex $a $i] eq [lindex $b $j]} {
                set L($i,$j) [expr {$L([expr {$i + 1}],[expr {$j + 1}]) + 1}]
            } else {
                set L($i,$j) [expr {max($L([expr {$i + 1}],$j), $L($i,[expr {$j + 1}]))}]
            }
        }
    }
    set out ""
    set i 0; set j 0
    while {$i < $n || $j < $m} {
        if {$i < $n && $j < $m && [lindex $a $i] eq [lindex $b $j]} {
            markup append out [lindex $b $j]; incr i; incr j
        } elseif {$i < $n && ($j == $m || $L([expr {$i + 1}],$j) >= $L($i,[expr {$j + 1}]))} {
            # what went comes before what replaced it
            markup append out [tmpl {<del>[lindex $a $i]</del>}]; incr i
        } else {
            markup append out [tmpl {<ins>[lindex $b $j]</ins>}]; incr j
        }
    }
    return $out
}

# web::review: the markup of what is waiting for someone's signature on event ID, in full: the
# newest reply draft (question, text, original link, version, what changed since the version
# before, every send-back with its comment), the investigation report and an extension request.
# "" when there is nothing of that.
proc web::review {id} {
    set out ""
    db eval {SELECT id AS rid, state, question, body, author, updated, original_url, approved_by, approved_at
             FROM reply WHERE event_id = $id ORDER BY id DESC LIMIT 1} {
        set n [db onecolumn {SELECT coalesce(max(n), 1) FROM reply_version WHERE reply_id = $rid}]
        set prev [db onecolumn {SELECT body FROM reply_version WHERE reply_id = $rid AND n = $n - 1}]
        set changes ""
        if {$n > 1} {
            set changes [tmpl {<h4>与第 [expr {$n - 1}] 稿相比的改动</h4><div class="diff">[diff $prev $body]</div>}]
        }
        set returns ""
        db eval {SELECT version, login, at, comment FROM reply_return WHERE reply_id = $rid ORDER BY id} {
            markup append returns [tmpl {<li>第 $version 稿于 [time $at] 被 $login 退回：<q>$comment</q></li>}]
        }
        set signed [expr {$approved_by ne "" ? [tmpl {，已由 $approved_by 于 [time $approved_at] 审定}] : ""}]
        set st [dict get {draft 待审定 approved 已审定 reviewed 已审核 published 已发布 withdrawn 已撤回} $state]
        # the original post's address is crawled text: a link only when it is plainly http(s)
        set link [column::safeUrl $original_url]
        markup append out [tmpl {<section aria-labelledby="h-reply" class="review"><h2 id="h-reply">回复稿（第 $n 稿，$st）</h2>
<p class="meta">$author 撰写，[time $updated] 更新$signed[if {$link ne ""} {tmpl {；原帖：<a href="$link" rel="noopener nofollow noreferrer">$link</a>}} elseif {$original_url ne ""} {tmpl {；原帖地址：$original_url}}]</p>
<h3>问题</h3><p>$question</p><h3>回复内容</h3><div class="replytext">$body</div>
$changes[if {$returns ne ""} {tmpl {<h4>退回修改意见</h4><ul>$returns</ul>}}]</section>}]
    }
    db eval {SELECT id AS iid, handler, contact, report, reported_at, reported_by, ext_days, ext_reason, ext_state
             FROM investigation WHERE event_id = $id ORDER BY id DESC LIMIT 1} {
        if {$report ne ""} {
            set doc [db onecolumn {SELECT id FROM document WHERE event_id = $id AND kind = '调查报告' ORDER BY id DESC LIMIT 1}]
            markup append out [tmpl {<section aria-labelledby="h-report" class="review"><h2 id="h-report">核实调查报告</h2>
<p class="meta">$reported_by 于 [time $reported_at] 提交；承办人 $handler（$contact）[if {$doc ne ""} {tmpl {；<a href="/documents/$doc">打印版</a>}}]</p><div class="replytext">$report</div></section>}]
        }
        if {$ext_state ne ""} {
            set st [dict get {requested 待审批 approved 已批准 refused 未批准} $ext_state]
            markup append out [tmpl {<section aria-labelledby="h-ext" class="review"><h2 id="h-ext">延期申请（$st）</h2><p>申请延期 $ext_days 个工作日。理由：$ext_reason</p></section>}]
        }
    }
    return $out
}

# web::eventPage: the event page of EV for ME, with action PROBLEMS (a dict: transition -> its
# problems, shown in its form; * -> problems shown at the top) and form VALUES to show again.
proc web::eventPage {me ev {problems {}} {values {}}} {
    set id [dict get $ev id]
    set posts ""
    set np 0
    db eval {SELECT p.id, p.title, p.body, p.author, p.published, p.url, p.replies, p.views,
                    coalesce(nullif(s.title, ''), s.name) AS stitle
             FROM post p JOIN source s ON s.id = p.source_id WHERE p.event_id = $id
             ORDER BY p.first_seen LIMIT 50} p {
        unset -nocomplain p(*)
        markup append posts [postHtml [array get p]]
        incr np
    }
    set reasons ""
    foreach r [dict get $ev reasons] {
        lassign $r factor points text
        markup append reasons [tmpl {<tr><td>$factor</td><td>$points</td><td>$text</td></tr>}]
    }
    set owner "未认领"
    if {[dict get $ev unit_id] ne ""} {
        set u [dict get $ev unit_id]
        set owner [db onecolumn {SELECT name FROM unit WHERE id = $u}]
    }
    set docs ""
    db eval {SELECT id AS did, kind, title AS dtitle, created AS dat FROM document WHERE event_id = $id ORDER BY id} {
        markup append docs [tmpl {<li><a href="/documents/$did">$kind：$dtitle</a>（[documents::numberText $did]，[time $dat]）</li>}]
    }
    set replyInfo ""
    db eval {SELECT id AS rid, state AS rstate, question AS rq FROM reply WHERE event_id = $id ORDER BY id} {
        markup append replyInfo [tmpl {<li>回应 $rid：[stateName $rstate] · [column::brief $rq 40][if {$rstate eq "published"} {tmpl { · <a href="/replies/$rid">公开页面</a>}}]</li>}]
    }
    app $me "事件 $id" [tmpl {<h1><span class="level [levelClass [dict get $ev level]]">[dict get $ev level]</span> [dict get $ev title]</h1>
[notice][if {[dict exists $problems *]} {problems [dict get $problems *]}]
<p class="meta">编号 $id · 状态 [stateName [dict get $ev state]] · 承办单位 $owner · 路由建议 [dict get $ev suggested_unit]（[dict get $ev route_reason]）· 首次发现 [time [dict get $ev first_seen]] · 帖子 [dict get $ev posts] · 来源 [dict get $ev sources]</p>
<div class="cols">
<section aria-labelledby="h-actions"><h2 id="h-actions">可执行的操作</h2>[actionForms $me $ev $problems $values]
[if {$replyInfo ne ""} {tmpl {<h3>回应</h3><ul>$replyInfo</ul>}}]
[if {$docs ne ""} {tmpl {<h3>相关文件</h3><ul>$docs</ul>}}]</section>
<section aria-labelledby="h-score"><h2 id="h-score">风险评分 [format %.1f [dict get $ev score]]</h2>
<table><thead><tr><th scope="col">因素</th><th scope="col">分值</th><th scope="col">理由</th></tr></thead><tbody>$reasons</tbody></table></section>
</div>
[review $id]
[feedbackSection $me $ev [expr {[dict exists $problems feedback] ? [dict get $problems feedback] : {}}] $values]
[deadlines $id]
<section aria-labelledby="h-trend"><h2 id="h-trend">回复与浏览趋势</h2>[trend $id]</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">办理过程</h2>[timeline $id]</section>
<section aria-labelledby="h-posts"><h2 id="h-posts">相关帖子（$np）</h2>$posts</section>}]
}

# web::feedbackSection: the 舆情反馈 of event EV for ME: the units' follow-up replies in the forums
# recorded for it and, for whoever may record them (feedback.record: the info office, as the
# console's `event feedback` checks) on an event a unit owns, the form that records one; PROBLEMS
# and VALUES (url, text) show a refused form again, open. "" when there is neither.
proc web::feedbackSection {me ev problems values} {
    set id [dict get $ev id]
    set items ""
    db eval {SELECT url AS furl, body AS fbody, recorded_by AS fby, recorded_at AS fat
             FROM feedback WHERE event_id = $id ORDER BY id} {
        set link [column::safeUrl $furl]
        markup append items [tmpl {<li>[when $fat] $fby 登记：<q>[column::brief $fbody 80]</q>[if {$link ne ""} {tmpl {（<a href="$link" rel="noopener nofollow noreferrer">跟帖原文</a>）}}]</li>}]
    }
    set form ""
    if {[can $me feedback.record] && [dict get $ev unit_id] ne ""} {
        set url [expr {[dict exists $values url] ? [dict get $values url] : ""}]
        set text [expr {[dict exists $values text] ? [dict get $values text] : ""}]
        set form [tmpl {<details class="action"[if {[llength $problems]} {tmpl { open}}]><summary>登记舆情反馈</summary>
<form method="post" action="/events/$id/feedback" class="action">[hidden $me][problems $problems]
<p><label for="feedback-url">跟帖地址（承办单位在原帖下实名跟帖回复的网址）</label><input id="feedback-url" name="url" value="$url" size="60" inputmode="url"></p>
<p><label for="feedback-text">回复内容（跟帖原文）</label><textarea id="feedback-text" name="text" rows="4">$text</textarea></p>
<button type="submit">登记舆情反馈</button><p class="note">登记后即在公开栏目“舆情反馈”中公开。</p></form></details>}]
    }
    if {$items eq "" && $form eq ""} { return "" }
    tmpl {<section aria-labelledby="h-feedback"><h2 id="h-feedback">舆情反馈</h2>[if {$items ne ""} {tmpl {<ul>$items</ul>}}]$form</section>}
}

# web::feedbackPost: POST /events/ID/feedback: the info office records a unit's follow-up reply in
# the forum on event ID (column::feedbackRecord, audited, published in the 舆情反馈 column). A
# refusal is shown on the event page with what was typed (422); nothing is changed then.
proc web::feedbackPost {} {
    set me [need feedback.record]
    csrf $me
    set ev [event $me [req param id]]
    set id [dict get $ev id]
    set values [dict create url [string trim [req form url]] text [string trim [req form text]]]
    if {[catch {org::as $me { column::feedbackRecord $id [dict get $values url] [dict get $values text] }} msg opts]} {
        if {[lindex [dict get $opts -errorcode] 1] eq "DENIED"} { deny $me $msg }
        if {[lindex [dict get $opts -errorcode] 0] ne "YQBOX"} { return -options $opts $msg }
        respond status 422
        return [eventPage $me $ev [dict create feedback [list $msg]] $values]
    }
    done $me "/events/$id" "已登记舆情反馈，已在公开栏目“舆情反馈”中公开"
}

route GET /events/:id {} {
    set me [need event.view.unit]
    eventPage $me [event $me [req param id]]
}

# web::checkAction: the problems of transition NAME's form VALUES that the form itself can tell
# (a list of sentences); the workflow checks the rest when it fires.
proc web::checkAction {name values} {
    variable actions
    set problems {}
    foreach field [lindex [dict get $actions $name] 1] {
        lassign $field f flabel kind
        set v [dict get $values $f]
        if {$v eq "" && [string index $kind end] ne "?"} { lappend problems "请填写$flabel"; continue }
        if {$v eq ""} { continue }
        switch -- [string trimright $kind ?] {
            level { if {$v ni $::web::levels} { lappend problems "风险等级必须是：[join $::web::levels 、]" } }
            unit {
                if {![string is entier -strict $v] || ![db exists {SELECT 1 FROM unit WHERE id = $v AND active}]} {
                    lappend problems "请选择有效的承办单位"
                }
            }
            days { if {![string is entier -strict $v] || $v < 1 || $v > 20} { lappend problems "延期工作日须为 1 到 20 的整数" } }
            decision { if {$v ni {approve refuse}} { lappend problems "请选择审批意见" } }
            instruction { if {![string is entier -strict $v]} { lappend problems "请选择批示" } }
            flag { if {$v ne "1"} { lappend problems "$flabel：勾选框的值无效" } }
        }
        if {[string length $v] > 20000} { lappend problems "$flabel过长" }
    }
    return $problems
}

# web::actionArgs: the workflow arguments of transition NAME from its form VALUES.
proc web::actionArgs {name values} {
    set v $values
    switch -- $name {
        claim { return [expr {[dict get $v legacy] eq "1" ? "-legacy" : ""}] }
        assign - reroute { return [list [dict get $v unit] {*}[expr {[dict get $v legacy] eq "1" ? "-legacy" : ""}] -reason [dict get $v reason]] }
        unitreport { return [list [dict get $v leaders] -by [dict get $v reporter] -at [dict get $v at]] }
        press { return [list [dict get $v place] -at [dict get $v at] -url [dict get $v url]] }
        handback - close - police { return [list [dict get $v reason]] }
        judge {
            set a [list [dict get $v level] [dict get $v reason]]
            if {[dict get $v consult] ne ""} { lappend a -consult [dict get $v consult] }
            return $a
        }
        investigate { return [list [dict get $v handler] [dict get $v contact]] }
        extend { return [list [dict get $v days] [dict get $v reason]] }
        decide { return [list [dict get $v decision] [dict get $v note]] }
        conclude { return [list [dict get $v report]] }
        respond { return [list [dict get $v text]] }
        sendback { return [list [dict get $v comment]] }
        instruct { return [list [dict get $v text]] }
        fulfil { return [list [dict get $v instruction] [dict get $v result]] }
        reply { return [list [dict get $v body] -question [dict get $v question]] }
        default { return {} }
    }
}

# web::runAction: fire transition NAME on event ID as ME with ARGS. Returns "" or the workflow's
# refusal (a permission refusal is audited as a refused access and answered 403).
proc web::runAction {me name id args} {
    if {[catch {org::as $me { workflow::fire $name $id {*}$args }} msg opts]} {
        if {[lindex [dict get $opts -errorcode] 1] eq "DENIED"} { deny $me $msg }
        log info "web action $name on event $id by [dict get $me login]: $msg"
        return $msg
    }
    if {$name eq "publish"} { column::changed }
    return ""
}

route POST /events/:id/:action {} {
    set me [need event.view.unit]
    csrf $me
    set name [req param action]
    if {$name eq "reply"} { return [replyPost] }
    if {$name eq "feedback"} { return [feedbackPost] }
    if {![dict exists $::web::actions $name]} { errorpage 404; return }
    lassign [dict get $::web::actions $name] label fields
    movedAway $me [req param id] $label
    set ev [event $me [req param id]]
    set values {}
    foreach field $fields { dict set values [lindex $field 0] [string trim [req form [lindex $field 0]]] }
    if {![org::as $me { workflow::permitted $name [dict get $ev id] }]} {
        deny $me "不能对事件 [dict get $ev id] 执行“$label”（权限或承办单位不符）"
    }
    # someone else acted first: say who did what (a state refusal, 422, not a refused access)
    if {[stale event $name [dict get $ev state]]} {
        respond status 422
        return [eventPage $me $ev [dict create * [list [movedOn $ev $label]]] $values]
    }
    set problems [checkAction $name $values]
    if {![llength $problems]} {
        set err [runAction $me $name [dict get $ev id] {*}[actionArgs $name $values]]
        if {$err ne ""} { set problems [list $err] }
    }
    if {[llength $problems]} {
        respond status 422
        return [eventPage $me [event $me [dict get $ev id]] [dict create $name $problems] $values]
    }
    done $me "/events/[dict get $ev id]" "已$label"
}

# web::movedOn: the sentence telling a user who tried LABEL on event EV (dict) that its state
# moved on (web::moved).
proc web::movedOn {ev label} {
    moved event [dict get $ev id] [dict get $ev state] $label
}

# web::moved: the sentence telling a user who tried LABEL on row ID of PROCESS (event, request or
# submission), now in STATE, that its state moved on: who did what last, when, and the state it is
# in now. Reads only.
proc web::moved {process id state label} {
    if {$process eq "event"} {
        set sql {SELECT s.at, s.action, s.login, s.unit, coalesce(u.name, '') AS who FROM event_step s
                 LEFT JOIN user u ON u.login = s.login
                 WHERE s.event_id = $id AND s.action NOT LIKE 'deadline.%' ORDER BY s.id DESC LIMIT 1}
    } else {
        set sql {SELECT s.at, s.action, s.login, s.unit, coalesce(u.name, '') AS who FROM process_step s
                 LEFT JOIN user u ON u.login = s.login
                 WHERE s.process = $process AND s.object_id = $id AND s.action NOT LIKE 'deadline.%'
                 ORDER BY s.id DESC LIMIT 1}
    }
    set last ""
    db eval $sql {
        set by [expr {$login eq "system" ? "系统" : ($login eq "console" ? "控制台" : "$unit[expr {$who ne "" ? $who : $login}]")}]
        set last "已由${by}于[clock format [yqbox::seconds $at] -format {%m月%d日 %H:%M} -timezone [calendar::Zone]][workflow::stepTitle -process $process $action]，"
    }
    set noun [dict get {event 该事件 request 该申请 submission 该信息} $process]
    return "$noun${last}现为“[workflow::stateTitle -process $process $state]”，不能再“$label”。页面已更新为最新情况。"
}

# web::stale: whether transition OP of PROCESS cannot start from STATE (someone acted first).
proc web::stale {process op state} {
    set t [set [workflow::Ns $process]::transitions]
    expr {[dict exists $t $op] && $state ni [dict get $t $op from]}
}

# web::movedAway: when event ID was ME's unit's to act on (routed to it, or handled by it before)
# and has since gone to another unit, answer the action LABEL that ME tried with a page saying who
# did what (web::movedOn; a 422, not a refused access, not audited) and stop the handler. Returns
# nothing otherwise (web::event then decides as for any other event).
proc web::movedAway {me id label} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { return }
    lassign [eventScope $me] all uid uname
    if {$all} { return }
    set ev {}
    db eval {SELECT id, title, state, unit_id, suggested_unit FROM event WHERE id = $id} r { unset r(*); set ev [array get r] }
    if {$ev eq "" || [dict get $ev unit_id] eq "" || [dict get $ev unit_id] eq $uid} { return }
    if {[dict get $ev suggested_unit] ne $uname
        && ![db exists {SELECT 1 FROM event_step WHERE event_id = $id AND unit_id = $uid}]} { return }
    respond status 422
    respond html [app $me "事件 $id" [tmpl {<h1>[dict get $ev title]</h1>[problems [list [movedOn $ev $label]]]
<p class="note">该事件已不由本单位承办，本单位不能再查看或办理。</p>
<p><a href="/work">返回我的待办</a> · <a href="/queue">待认领事件</a> · <a href="/events">舆情事件</a></p>}]]
    stop
}

# ---- claim queue ----

route GET /queue {} {
    set me [need event.claim]
    lassign [eventScope $me] all uid uname
    set office [can $me event.assign]
    set rows ""
    db eval {SELECT id, title, level, score, suggested_unit, route_reason, first_seen FROM event e
             WHERE unit_id IS NULL AND state NOT IN ('closed')
               AND ($office OR e.suggested_unit = $uname)
             ORDER BY first_seen LIMIT 200} {
        set waited [expr {[yqbox::now] - [yqbox::seconds $first_seen]}]
        markup append rows [tmpl {<tr><td><a href="/events/$id">$title</a></td><td><span class="level [levelClass $level]">$level</span></td><td>$suggested_unit</td><td>$route_reason</td><td>[time $first_seen]（已等待 [duration $waited]）</td><td>[postButton $me /events/$id/claim 认领]</td></tr>}]
    }
    app $me 待认领 [tmpl {<h1>待认领事件[expr {$office ? "" : "（$uname）"}]</h1>
<p>承办单位应即时认领本单位事项；未及时认领的由信息办交办，记录在案并纳入考核。</p>
<table><thead><tr><th scope="col">事件</th><th scope="col">等级</th><th scope="col">建议单位</th><th scope="col">路由依据</th><th scope="col">发现时间</th><th scope="col">操作</th></tr></thead><tbody>$rows</tbody></table>
[if {$rows eq ""} {tmpl {<p>暂无待认领事件。</p>}}]}]
}

# ---- reply editor ----

# web::replyForm: the reply editor of event EV for ME with PROBLEMS and VALUES.
proc web::replyForm {me ev problems values} {
    set id [dict get $ev id]
    set q [expr {[dict exists $values question] ? [dict get $values question] : [dict get $ev title]}]
    set b [expr {[dict exists $values body] ? [dict get $values body] : ""}]
    set orig [column::safeUrl [db onecolumn {SELECT url FROM post WHERE event_id = $id ORDER BY first_seen, id LIMIT 1}]]
    set drafts ""
    db eval {SELECT id AS rid, state, body AS rb FROM reply WHERE event_id = $id ORDER BY id} {
        markup append drafts [tmpl {<li>回应 $rid（[stateName $state]）：[column::brief $rb 60]</li>}]
    }
    app $me "撰写回应" [tmpl {<h1>撰写回应：[dict get $ev title]</h1>
[problems $problems]
<p>回应经本单位负责人审批后，在核实调查报告完成后 3 个工作日内于“政民互动 → 网络新闻发言人”栏目发布，并附原帖链接；社会关注度高、影响面广的回应须经信息办审核，5 个工作日内发布。</p>
[if {$drafts ne ""} {tmpl {<h2>已有回应</h2><ul>$drafts</ul>}}]
<form method="post" action="/events/$id/reply" class="form">[hidden $me]
<p><label for="question">网民反映的问题（摘要）</label><textarea id="question" name="question" rows="3">$q</textarea></p>
<p><label for="body">回应内容</label><textarea id="body" name="body" rows="10">$b</textarea></p>
[if {$orig ne ""} {tmpl {<p>原帖链接（随回复公开）：<a href="$orig" rel="noopener noreferrer">$orig</a></p>}}]
<p><button type="submit">提交审批</button></p>
</form>}]
}

route GET /events/:id/reply {} {
    set me [need event.handle]
    set ev [event $me [req param id]]
    if {[dict get $ev unit_id] ne [dict get $me unit_id]} { deny $me "只能为本单位承办的事件撰写回应" }
    replyForm $me $ev {} {}
}

# web::replyPost: POST /events/ID/reply (dispatched from the action route): check the form, then
# fire the workflow's reply transition as the user (the reply links the event's first post).
proc web::replyPost {} {
    set me [need event.handle]
    csrf $me
    movedAway $me [req param id] 撰写回应
    set ev [event $me [req param id]]
    if {[dict get $ev unit_id] ne [dict get $me unit_id]} { deny $me "只能为本单位承办的事件撰写回应" }
    set values [dict create question [string trim [req form question]] body [string trim [req form body]]]
    set problems {}
    if {[dict get $values question] eq ""} { lappend problems "请填写网民反映的问题" }
    if {[string length [dict get $values body]] < 10} { lappend problems "回应内容至少 10 个字" }
    if {[string length [dict get $values body]] > 20000} { lappend problems "回应内容不能超过 20000 字" }
    if {![llength $problems]} {
        set err [runAction $me reply [dict get $ev id] {*}[actionArgs reply $values]]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        return [replyForm $me $ev $problems $values]
    }
    done $me "/events/[dict get $ev id]" 回应已提交审批
}
