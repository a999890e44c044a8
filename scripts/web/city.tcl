# city.tcl (web) - the pages of the link between boxes (issue 17 items 3 and 4).
#
# ON A CITY BOX (fed_role city or both; staff with city.view: the office and leaders): 县区汇总
# /city (a dashboard across the member counties: open events by level, 办结, overdue events and
# tasks, 专报, posts per hour, the link's health), /city/events (the counties' events) and
# /city/events/PEER/ID (one with its timeline as reported), /city/counties/PEER (drill down to one
# county), /city/assessment (the ranking of counties and 市直 departments by the one formula, and
# the 通报 issued from it), /city/submissions (政务信息 received against the monthly quota),
# /city/twohour (the 2-hour rule for 重大敏感 matters, corrected by each county's clock skew),
# /city/tasks (repost tasks and 约稿 sent down, each county's answer, and the forms that send them:
# city.task, the office); POST /city/submissions/ID: the office adopts an item or not. The lists
# are paged 50 rows at a time (web::pager); a county whose clock is off by more than a minute is
# named on the dashboard, its page and the 2-hour table.
# ON A COUNTY BOX: /reposts/ID (a repost task from the city: its clock, and the form where the
# office records the link of the county's repost) and /bulletins/ID (the city's 通报).
# Everything a county reported is outside text: escaped like crawled text; the printable 专报 and
# 通报 pages another box rendered are served as they came under a policy that runs no script.

namespace eval web {
    variable nav
    if {[federation::isCity] && [lsearch -exact $nav /city] < 0} {
        set i [lsearch -exact $nav /events]
        set nav [linsert $nav [expr {$i < 0 ? 0 : $i + 2}] 县区汇总 /city {city.view}]
    }
    variable citySections {/city 汇总 /city/events 县区事件 /city/assessment 考核排名 /city/submissions 政务信息
                           /city/twohour 两小时报送 /city/tasks 转载与约稿}
    variable taskStates {done 按时完成 late 逾期完成 overdue 逾期未完成 open 未到期}
}

# web::cityNeed: the principal of a city page's request (city.view, or PERMS), or "" when the
# page was answered already (login, 403, or 404 on a box that is no city box).
proc web::cityNeed {{perm city.view}} {
    set me [need $perm]
    if {$me eq ""} { return "" }
    if {![federation::isCity]} { errorpage 404 [yq::mc city.notcity]; return "" }
    return $me
}

# web::cityPage: the city page TITLE with BODY (markup) under the section tabs, for ME.
proc web::cityPage {me title body} {
    variable citySections
    set here [req path]
    set tabs ""
    foreach {path label} $citySections {
        set cur [expr {$here eq $path ? "page" : "false"}]
        markup append tabs [tmpl { <a href="$path" aria-current="$cur">$label</a>}]
    }
    app $me $title [tmpl {<nav class="tabs" aria-label="市级平台">$tabs</nav>
[notice]$body}]
}

# web::peerName: the county name of member peer ID ("" none).
proc web::peerName {id} {
    db onecolumn {SELECT CASE WHEN county = '' THEN name ELSE county END FROM federation_peer
                  WHERE id = $id AND relation = 'member'}
}

# web::linkHealth: the link's state per member (markup), as federation::health gives it: last
# received, last delivered, messages waiting to be sent to it and the oldest of them, clock skew,
# the member's certificate expiry, the state (正常, 迟滞, 中断, 已停用) and the last error.
proc web::linkHealth {} {
    set rows ""
    foreach h [federation::health] {
        if {[dict get $h relation] ne "member"} { continue }
        dict with h {
            set name [expr {$county eq "" ? $name : $county}]
            set skewText [expr {$skew eq "" ? "—" : "$skew 秒"}]
            set stateText [dict get $federation::stateNames $state]
            if {$last_error ne ""} { append stateText "：$last_error" }
            markup append rows [tmpl {<tr><th scope="row"><a href="/city/counties/$id">$name</a></th><td data-label="最近收到">[expr {$last_received eq "" ? "从未收到" : [when $last_received]}]</td><td data-label="最近送达">[expr {$last_sent eq "" ? "—" : [when $last_sent]}]</td><td class="num" data-label="待下发">$queue</td><td data-label="最早待下发">[expr {$oldest_unsent eq "" ? "—" : [when $oldest_unsent]}]</td><td data-label="时钟偏差">$skewText</td><td data-label="证书到期">[expr {$cert_expiry eq "" ? "—" : [when $cert_expiry]}]</td><td data-label="状态" class="link-$state">$stateText</td></tr>}]
        }
    }
    if {$rows eq ""} { return [tmpl {<p>本机尚无县区成员单位（federation 命令办理加入）。</p>}] }
    tmpl {<table class="list" id="link"><thead><tr><th scope="col">县区</th><th scope="col">最近收到</th><th scope="col">最近送达</th><th scope="col">待下发</th><th scope="col">最早待下发</th><th scope="col">时钟偏差</th><th scope="col">证书到期</th><th scope="col">状态</th></tr></thead><tbody>$rows</tbody></table>}
}

route GET /city {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set rows ""
    set labels {}
    set series {}
    set colours {#9b1c1c #1c4f9b #2f7d32 #8a5a00 #6a1b9a #00695c}
    set i 0
    set t0 [yqbox::now]
    for {set h 23} {$h >= 0} {incr h -1} { lappend labels [clock format [expr {$t0 - $h * 3600}] -format %H时 -timezone :[conf::get timezone]] }
    foreach c [federation::city::dashboard] {
        dict with c {
            set lastHour [expr {[llength $hours] ? [lindex $hours end] : "—"}]
            set day [expr {[llength $hours] ? [tcl::mathop::+ {*}$hours] : "—"}]
            markup append rows [tmpl {<tr><th scope="row"><a href="/city/counties/$peer">$name</a></th><td class="num" data-label="较大">[dict get $levels 较大]</td><td class="num" data-label="重大">[dict get $levels 重大]</td><td class="num" data-label="特别重大">[dict get $levels 特别重大]</td><td class="num" data-label="办理中">$open</td><td class="num" data-label="已办结">$closed</td><td class="num" data-label="逾期事件">$overdue</td><td class="num" data-label="逾期任务">$tasks_overdue</td><td class="num" data-label="专报">$reports</td><td class="num" data-label="近1小时帖子">$lastHour</td><td class="num" data-label="近24小时帖子">$day</td></tr>}]
            if {[llength $hours]} {
                lappend series $name [lindex $colours [expr {$i % [llength $colours]}]] $hours
                incr i
            }
        }
    }
    set chart [expr {[llength $series] ? [lines 各县区每小时发现帖子数 $labels $series] : [tmpl {<p>尚未收到县区的采集统计。</p>}]}]
    cityPage $me 县区汇总 [tmpl {<h1>县区汇总</h1>
<p>各县区上报的较大及以上舆情事件（按县区上报的状态），下发任务的完成情况和联网状态。</p>
[skewWarning]
<table class="list" id="counties"><thead><tr><th scope="col">县区</th><th scope="col">较大</th><th scope="col">重大</th><th scope="col">特别重大</th><th scope="col">办理中</th><th scope="col">已办结</th><th scope="col">逾期事件</th><th scope="col">逾期任务</th><th scope="col">专报</th><th scope="col">近1小时帖子</th><th scope="col">近24小时帖子</th></tr></thead><tbody>$rows</tbody></table>
<h2>每小时发现帖子数</h2>
$chart
<h2>联网状态</h2>
[linkHealth]}]
}

# web::cityEvents: the county events of member PEER ("" all), LEVEL ("" all) and STATE (open,
# closed, "" all), newest detected first, page PAGE of 50 rows: {ROWS MORE}, ROWS the table
# (markup; a sentence when there is none), MORE whether there are rows after this page.
proc web::cityEvents {peer level state page} {
    set rows ""
    set n 0
    set offset [expr {($page - 1) * 50}]
    # one form of the query per filter, so that each reads its index (033) in detected order
    if {$peer ne ""} {
        set where {e.peer_id = $peer AND ($level = '' OR e.level = $level)}
    } elseif {$level ne ""} {
        set where {e.level = $level}
    } else {
        set where {1}
    }
    db eval [string map [list @WHERE $where] {
             SELECT e.peer_id, e.event_id, e.title, e.level, e.state, e.unit, e.detected, e.updated, e.closed_at,
                    e.overdue, CASE WHEN p.county = '' THEN p.name ELSE p.county END AS county
             FROM city_event e JOIN federation_peer p ON p.id = e.peer_id
             WHERE @WHERE
               AND ($state = '' OR ($state = 'open' AND e.state <> 'closed') OR ($state = 'closed' AND e.state = 'closed'))
             ORDER BY e.detected DESC LIMIT 51 OFFSET $offset}] {
        if {[incr n] > 50} { break }
        markup append rows [tmpl {<tr><td data-label="县区">$county</td><td data-label="事件"><a href="/city/events/$peer_id/$event_id">$title</a></td><td data-label="等级"><span class="level [levelClass $level]">$level</span></td><td data-label="状态">[stateName $state][if {$overdue > 0} { tmpl {（逾期 $overdue 项）} }]</td><td data-label="办理单位">$unit</td><td data-label="发现">[when $detected]</td><td data-label="最近上报">[when $updated]</td></tr>}]
    }
    if {$rows eq ""} { return [list [tmpl {<p>没有符合条件的县区事件。</p>}] 0] }
    list [tmpl {<table class="list" id="events"><thead><tr><th scope="col">县区</th><th scope="col">事件</th><th scope="col">等级</th><th scope="col">状态</th><th scope="col">办理单位</th><th scope="col">发现</th><th scope="col">最近上报</th></tr></thead><tbody>$rows</tbody></table>}] [expr {$n > 50}]
}

route GET /city/events {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set peer [req query county]
    set level [req query level]
    set state [req query state]
    if {![string is entier -strict $peer]} { set peer "" }
    if {$level ni {较大 重大 特别重大}} { set level "" }
    if {$state ni {open closed}} { set state "" }
    set counties [list "" 全部县区]
    foreach m [federation::city::members] { lappend counties [dict get $m id] [dict get $m county] }
    set page [pageNo]
    lassign [cityEvents $peer $level $state $page] table more
    set nav [pager /city/events [filterQuery [dict create county $peer level $level state $state] {county level state}] $page $more]
    cityPage $me 县区事件 [tmpl {<h1>县区事件</h1>
<form method="get" action="/city/events" class="filters" role="search"><label for="f-county">县区</label><select id="f-county" name="county">[options $counties $peer]</select> <label for="f-level">等级</label><select id="f-level" name="level">[options {"" 全部等级 较大 较大 重大 重大 特别重大 特别重大} $level]</select> <label for="f-state">状态</label><select id="f-state" name="state">[options {"" 全部 open 办理中 closed 已办结} $state]</select> <button type="submit">筛选</button></form>
$table
<p class="pager">$nav</p>}]
}

route GET /city/events/:peer/:id {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set peer [req param peer]
    set id [req param id]
    set e {}
    db eval {SELECT * FROM city_event WHERE peer_id = $peer AND event_id = $id} row { unset row(*); set e [array get row] }
    if {![dict size $e]} { errorpage 404; return }
    set county [peerName $peer]
    dict with e {}
    set steps ""
    db eval {SELECT at, action, from_state, to_state, by_unit, note FROM city_event_step
             WHERE peer_id = $peer AND event_id = $id ORDER BY step} {
        markup append steps [tmpl {<li><time datetime="$at">[when $at]</time> <strong>[workflow::stepTitle $action]</strong>[if {$from_state ne $to_state && $from_state ne "" && $to_state ne ""} { tmpl {（[stateName $from_state] → [stateName $to_state]）} }][if {$by_unit ne ""} { tmpl { · $by_unit} }][if {$note ne ""} { tmpl {<br><small>[whenText $note]</small>} }]</li>}]
    }
    set plist ""
    foreach p [json parse $posts] {
        set u [dict get $p url]
        # a link only to a web address: anything else is shown as text
        if {[regexp {^https?://} $u]} {
            markup append plist [tmpl {<li><a href="$u" rel="noreferrer noopener">[dict get $p title]</a> <small>[dict get $p source] · [when [dict get $p seen]]</small></li>}]
        } else {
            markup append plist [tmpl {<li>[dict get $p title] <small>$u</small></li>}]
        }
    }
    set rlist ""
    foreach f [json parse $reasons] {
        markup append rlist [tmpl {<li>[dict get $f factor] [dict get $f points] 分：[dict get $f text]</li>}]
    }
    set docs ""
    db eval {SELECT document, number, title AS dtitle FROM city_report WHERE peer_id = $peer AND event_id = $id ORDER BY document} {
        markup append docs [tmpl {<li><a href="/city/reports/$peer/$document">$number $dtitle</a></li>}]
    }
    cityPage $me "$county：$title" [tmpl {<h1>$title</h1>
<p><a href="/city/counties/$peer">$county</a> · 事件 #$event_id · <span class="level [levelClass $level]">$level</span> · 风险分 $score · [stateName $state][if {$unit ne ""} { tmpl { · 办理单位：$unit} }]</p>
<p>县区发现：[when $detected]；市级首次收到：[when $received][if {$major_received ne ""} { tmpl {；以重大敏感等级收到：[when $major_received]} }][if {$closed_at ne ""} { tmpl {；办结：[when $closed_at]（$result）} }]</p>
[if {$docs ne ""} { tmpl {<h2>专报</h2><ul>$docs</ul>} }]
<h2>办理过程（县区上报）</h2>
<ol class="timeline">$steps</ol>
[if {$reply ne ""} { tmpl {<h2>发布的回复</h2><p><small>[when $reply_at]</small></p><blockquote>$reply</blockquote>} }]
<h2>风险因素</h2>
<ul>$rlist</ul>
<h2>相关帖子（$posts_count 条）</h2>
<ul>$plist</ul>}]
}


# web::outsidePage: answer HTML another box rendered (a county's 专报, the city's 通报) as it came,
# under a policy that runs no script and loads nothing from elsewhere.
proc web::outsidePage {html} {
    respond header Content-Security-Policy "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    # unsafe: a printable document rendered (escaped) by another box of the link; served under a no-script policy
    respond html [unsafe $html]
}

route GET /city/reports/:peer/:doc {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set peer [req param peer]
    set doc [req param doc]
    set html [db onecolumn {SELECT html FROM city_report WHERE peer_id = $peer AND document = $doc}]
    if {$html eq ""} { errorpage 404; return }
    outsidePage $html
}

route GET /city/counties/:peer {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set peer [req param peer]
    set name [peerName $peer]
    if {$name eq ""} { errorpage 404; return }
    set d [lindex [federation::city::dashboard $peer] 0]
    set period [reporting::current quarter]
    set a [federation::city::assessment $period]
    set mine [lindex [lmap u [dict get $a units] { if {[dict get $u peer] ne $peer} continue; set u }] 0]
    set page [pageNo]
    lassign [cityEvents $peer "" "" $page] events more
    set tasks ""
    foreach t [federation::city::tasks "" $peer] {
        foreach p [dict get $t peers] {
            markup append tasks [tmpl {<tr><td data-label="任务">[expr {[dict get $t kind] eq "repost" ? "转载" : "约稿"}]：[dict get $t title]</td><td data-label="截止">[when [dict get $t due]]</td><td data-label="完成">[expr {[dict get $p done] eq "" ? "—" : [when [dict get $p done]]}]</td><td data-label="情况">[dict get $::web::taskStates [dict get $p state]]</td></tr>}]
        }
    }
    set hours [dict get $d hours]
    cityPage $me $name [tmpl {<h1>$name</h1>
<p>办理中 [dict get $d open] 件（较大 [dict get $d levels 较大]、重大 [dict get $d levels 重大]、特别重大 [dict get $d levels 特别重大]），已办结 [dict get $d closed] 件，逾期事件 [dict get $d overdue] 件，逾期任务 [dict get $d tasks_overdue] 项，专报 [dict get $d reports] 期。</p>
<p>[dict get $a period label]：积分 [dict get $mine points]，第 [dict get $mine rank] 名[if {![dict get $mine reported]} { tmpl {（尚未收到该县区本季度的考核计数）} }]。</p>
[if {[llength $hours]} { lines "$name 每小时发现帖子数" [lrepeat 24 ""] [list $name #9b1c1c $hours] }]
[skewWarning $peer]
<h2>事件</h2>
$events
<p class="pager">[pager /city/counties/$peer "" $page $more]</p>
<h2>下发任务</h2>
[if {$tasks eq ""} { tmpl {<p>尚未向该县区下发任务。</p>} } else { tmpl {<table class="list"><thead><tr><th scope="col">任务</th><th scope="col">截止</th><th scope="col">完成</th><th scope="col">情况</th></tr></thead><tbody>$tasks</tbody></table>} }]}]
}

# web::cityPeriod: the quarter of query parameter period (default this quarter), or "" when bad.
proc web::cityPeriod {} {
    set period [string trim [req query period]]
    if {$period eq ""} { return [reporting::current quarter] }
    if {![regexp {^\d{4}-[Qq][1-4]$} $period]} { return "" }
    string toupper $period
}

route GET /city/assessment {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set period [cityPeriod]
    if {$period eq ""} {
        respond status 422
        return [cityPage $me 考核排名 [tmpl {<h1>考核排名</h1>[problems [list [yq::mc city.noperiod [req query period]]]]<p><a href="/city/assessment">本季度</a></p>}]]
    }
    set a [federation::city::assessment $period]
    set rows [federation::city::table $a]
    set head ""
    foreach c [lindex $rows 0] { markup append head [tmpl {<th scope="col">$c</th>}] }
    set body ""
    foreach r [lrange $rows 1 end] {
        set cells ""
        foreach c $r h [lindex $rows 0] { markup append cells [tmpl {<td data-label="$h">$c</td>}] }
        markup append body [tmpl {<tr>$cells</tr>}]
    }
    set issued ""
    db eval {SELECT id, title, issued FROM city_bulletin WHERE period = $period ORDER BY id} {
        markup append issued [tmpl {<li><a href="/city/bulletins/$id">$title</a>（[when $issued] 印发）</li>}]
    }
    set form [expr {[can $me city.task] ? [tmpl {<form method="post" action="/city/bulletins"><input type="hidden" name="csrf" value="[dict get $me csrf]"><input type="hidden" name="period" value="$period"><button type="submit">印发本期通报并下发各县区</button></form>}] : ""}]
    set bars [bars "[dict get $a period label]积分" [lmap u [dict get $a units] { dict get $u unit }] [lmap u [dict get $a units] { expr {max(0, [dict get $u points])} }] 1]
    cityPage $me 考核排名 [tmpl {<h1>[dict get $a period label]县区和市直部门考核排名</h1>
<form method="get" action="/city/assessment" class="filters"><label for="f-period">季度</label><input id="f-period" name="period" value="$period" size="8" placeholder="2026-Q1"> <button type="submit">查看</button></form>
<p>县区与市直部门按同一积分办法排名；县区的事件办理计数为其上报的本季度计数，政务信息、约稿和转载按市级收到的情况计算。</p>
<table class="list" id="ranking"><thead><tr>$head</tr></thead><tbody>$body</tbody></table>
$bars
<h2>考核通报</h2>
[if {$issued ne ""} { tmpl {<ul>$issued</ul>} } else { tmpl {<p>本期尚未印发通报。</p>} }]
$form}]
}

route POST /city/bulletins {} {
    set me [cityNeed city.task]
    if {$me eq ""} { return }
    csrf $me
    set period [string toupper [string trim [req form period]]]
    if {[catch {org::as $me { federation::city::bulletin $period }} msg]} {
        respond status 422
        return [cityPage $me 考核排名 [tmpl {<h1>考核排名</h1>[problems [list $msg]]<p><a href="/city/assessment">返回</a></p>}]]
    }
    done $me /city/assessment?period=$period "已印发并下发各县区：[dict get [reporting::period $period] label]考核情况通报"
}

route GET /city/bulletins/:id {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set id [req param id]
    set html [db onecolumn {SELECT html FROM city_bulletin WHERE id = $id}]
    if {$html eq ""} { errorpage 404; return }
    outsidePage $html
}

# web::citySubmissionsPage: the 政务信息 page of quarter PERIOD, page PAGE of the items, for ME,
# with PROBLEMS of a refused decision on item ITEM and the reason typed (VALUES: reason).
proc web::citySubmissionsPage {me period page {problems {}} {item ""} {values {}}} {
    set q [federation::city::quotas $period]
    set months [dict get [reporting::period $period] months]
    set head ""
    foreach m $months { markup append head [tmpl {<th scope="col">[scan [string range $m 5 6] %d]月</th>}] }
    set rows ""
    dict for {pid c} $q {
        set cells ""
        dict for {m n} [dict get $c months] {
            set cls [expr {$m in [dict get $c below] ? "late" : ""}]
            markup append cells [tmpl {<td class="num $cls" data-label="[scan [string range $m 5 6] %d]月">$n（采用 [dict get $c adopted $m]）</td>}]
        }
        markup append rows [tmpl {<tr><th scope="row"><a href="/city/counties/$pid">[dict get $c name]</a></th>$cells<td data-label="未完成月份">[join [lmap m [dict get $c below] { format %d月 [scan [string range $m 5 6] %d] }] 、]</td></tr>}]
    }
    set items ""
    set p [reporting::period $period]
    set from [dict get $p from]; set to [dict get $p to]
    set offset [expr {($page - 1) * 50}]
    set n 0
    set decide [can $me city.task]
    set names {"" 待决定 adopted 已采用 rejected 不予采用}
    db eval {SELECT s.id, s.title, s.kind, s.unit, s.signer, s.sent, s.task_id, s.decision, s.reason,
                    CASE WHEN f.county = '' THEN f.name ELSE f.county END AS county
             FROM city_submission s JOIN federation_peer f ON f.id = s.peer_id
             WHERE s.sent >= $from AND s.sent < $to ORDER BY s.sent DESC LIMIT 51 OFFSET $offset} {
        if {[incr n] > 50} { break }
        set ops ""
        if {$decide} {
            set typed [expr {$id eq $item && [dict exists $values reason] ? [dict get $values reason] : ""}]
            set action /city/submissions/$id?period=$period&page=$page
            if {$decision ne "adopted"} {
                markup append ops [postButton $me $action 采用 {decision adopted}]
            }
            if {$decision ne "rejected"} {
                markup append ops [tmpl {<form method="post" action="$action" class="inline">[hidden $me]<input type="hidden" name="decision" value="rejected"><label for="r-$id">不予采用的理由</label> <input id="r-$id" name="reason" value="$typed" size="12" maxlength="500"><button type="submit">不予采用</button></form>}]
            }
        }
        set rowProblems [expr {$id eq $item ? [problems $problems] : ""}]
        markup append items [tmpl {<tr id="item-$id"><td data-label="县区">$county</td><td data-label="标题">$title[if {$kind eq "special"} { tmpl {（专报）} }][if {$task_id ne ""} { tmpl {（回应约稿 $task_id）} }]</td><td data-label="报送单位">$unit</td><td data-label="签发人">$signer</td><td data-label="报送时间">[when $sent]</td><td data-label="采用情况"><strong>[dict get $names $decision]</strong>[if {$reason ne ""} { tmpl {：$reason} }]$rowProblems[if {$ops ne ""} { tmpl {<div>$ops</div>} }]</td></tr>}]
    }
    set nav [pager /city/submissions "period=$period&" $page [expr {$n > 50}]]
    cityPage $me 政务信息 [tmpl {<h1>[dict get $p label]县区政务信息报送</h1>
<form method="get" action="/city/submissions" class="filters"><label for="f-period">季度</label><input id="f-period" name="period" value="$period" size="8" placeholder="2026-Q1"> <button type="submit">查看</button></form>
<p>各县区每月报送政务信息不少于 [conf::get rule_submission_unit] 条（000 政务信息工作制度）；已结束的月份未达标的标为逾期。考核积分只计市信息办采用的信息。</p>
<table class="list" id="quotas"><thead><tr><th scope="col">县区</th>$head<th scope="col">未完成月份</th></tr></thead><tbody>$rows</tbody></table>
<h2>收到的政务信息</h2>
[if {$items eq ""} { tmpl {<p>本期尚未收到政务信息。</p>} } else { tmpl {<table class="list" id="items"><thead><tr><th scope="col">县区</th><th scope="col">标题</th><th scope="col">报送单位</th><th scope="col">签发人</th><th scope="col">报送时间</th><th scope="col">采用情况</th></tr></thead><tbody>$items</tbody></table>
<p class="pager">$nav</p>} }]}]
}

route GET /city/submissions {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set period [cityPeriod]
    if {$period eq ""} { set period [reporting::current quarter] }
    citySubmissionsPage $me $period [pageNo]
}

route POST /city/submissions/:id {} {
    set me [cityNeed city.task]
    if {$me eq ""} { return }
    csrf $me
    set id [req param id]
    set period [cityPeriod]
    if {$period eq ""} { set period [reporting::current quarter] }
    set page [pageNo]
    set decision [req form decision]
    set reason [string trim [req form reason]]
    if {[catch {org::as $me { federation::city::decide $id $decision $reason }} msg]} {
        respond status 422
        respond header Cache-Control no-store
        return [citySubmissionsPage $me $period $page [list $msg] $id [dict create reason $reason]]
    }
    done $me /city/submissions?period=$period&page=$page \
        [expr {$decision eq "adopted" ? "已采用，并告知报送的县区" : "已作不予采用，并告知报送的县区"}]
}

route GET /city/twohour {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    set page [pageNo]
    set t [federation::city::twohour 50 [expr {($page - 1) * 50}]]
    set rows ""
    foreach r [dict get $t rows] {
        dict with r {
            set verdict [expr {$ok eq "" ? "无法计算" : ($ok ? "按时" : "超时")}]
            set took [expr {$minutes eq "" ? "—" : [duration [expr {$minutes * 60}]]}]
            if {$skew ne "" && abs($skew) > 60} { append took "（已按县区时钟偏差 [skewText $skew] 校正）" }
            markup append rows [tmpl {<tr class="[expr {$ok eq "0" ? "late" : ""}]"><td data-label="县区">$name</td><td data-label="事件"><a href="/city/events/$peer/$event">$title</a></td><td data-label="等级"><span class="level [levelClass $level]">$level</span></td><td data-label="县区研判为重大敏感">[when $from]</td><td data-label="市级收到">[when $received]</td><td data-label="用时">$took</td><td data-label="结果">$verdict</td></tr>}]
        }
    }
    set late [dict get $t late]
    set nav [pager /city/twohour "" $page [expr {$page * 50 < [dict get $t total]}]]
    cityPage $me 两小时报送 [tmpl {<h1>重大敏感舆情两小时报送</h1>
<p>重大敏感舆情须在 2 小时内报送市信息办（001 第八条）：自县区研判或系统评定为重大、特别重大起，至市级平台收到为止；县区时间按联网时测得的时钟偏差换算为市级时间。[if {$late} { tmpl {共 $late 件超时。} }]</p>
[skewWarning]
[if {$rows eq ""} { tmpl {<p>尚未收到重大敏感舆情。</p>} } else { tmpl {<table class="list" id="twohour"><thead><tr><th scope="col">县区</th><th scope="col">事件</th><th scope="col">等级</th><th scope="col">县区研判为重大敏感</th><th scope="col">市级收到</th><th scope="col">用时</th><th scope="col">结果</th></tr></thead><tbody>$rows</tbody></table>
<p class="pager">$nav</p>} }]}]
}

# web::skewText: a clock skew of SKEW seconds (the county's clock minus the city's) as people read
# it: 快 3分钟 / 慢 45秒.
proc web::skewText {skew} {
    set a [expr {abs($skew)}]
    set d [expr {$a >= 3600 ? "[expr {$a / 3600}]小时[expr {$a % 3600 / 60}]分钟" : ($a >= 60 ? "[expr {$a / 60}]分钟[expr {$a % 60 ? "[expr {$a % 60}]秒" : ""}]" : "${a}秒")}]
    return "[expr {$skew > 0 ? "快" : "慢"}] $d"
}

# web::skewWarning: a warning (markup; "" when none) naming each member (or member PEER) whose clock
# was off the city's by more than a minute at the last exchange (federation_peer.skew).
proc web::skewWarning {{peer ""}} {
    set out ""
    db eval {SELECT id, CASE WHEN county = '' THEN name ELSE county END AS name, skew FROM federation_peer
             WHERE relation = 'member' AND skew IS NOT NULL AND abs(skew) > 60 AND ($peer = '' OR id = $peer) ORDER BY id} {
        set t [skewText $skew]
        markup append out [tmpl {<p class="alert" role="status">[yq::mc city.skew $name [lindex $t 0] [lindex $t 1]]</p>}]
    }
    return $out
}

# web::cityAdoption: what the city decided on county submission ID (采用 or not, with the reason),
# as a term of the item's page (markup; "" when nothing was decided at the city).
proc web::cityAdoption {id} {
    set out ""
    foreach a [federation::county::adoption $id] {
        dict with a {
            markup append out [tmpl {<dt>[string cat $city 采用情况]</dt><dd id="city-adoption">[expr {$decision eq "adopted" ? "已采用" : "不予采用：$reason"}]（[when $decided]）</dd>}]
        }
    }
    return $out
}

# web::cityTasksPage: the tasks page for ME, with PROBLEMS of a refused form and its VALUES kept.
proc web::cityTasksPage {me {problems {}} {values {}}} {
    set v [dict merge {form "" channel weibo title "" url "" posted "" ctitle "" text "" days 5} $values]
    set rows ""
    foreach t [federation::city::tasks] {
        set answers ""
        foreach p [dict get $t peers] {
            set st [dict get $p state]
            markup append answers [tmpl {<li class="[expr {$st in {late overdue} ? "late" : ""}]">[dict get $p name]：[dict get $::web::taskStates $st][if {[dict get $p done] ne ""} { tmpl {（[when [dict get $p done]]）} }][if {[regexp {^https?://} [dict get $p url]]} { tmpl { <a href="[dict get $p url]" rel="noreferrer noopener">转载链接</a>} }]</li>}]
        }
        set what [expr {[dict get $t kind] eq "commission" ? "约稿" : ([dict get $t channel] eq "weibo" ? "转载（政务微博）" : "转载（政务微信）")}]
        markup append rows [tmpl {<tr><td data-label="任务">$what</td><td data-label="标题">[dict get $t title]</td><td data-label="截止">[when [dict get $t due]]</td><td data-label="各县区"><ul class="plain">$answers</ul></td></tr>}]
    }
    set forms ""
    if {[can $me city.task]} {
        set csrf [dict get $me csrf]
        set forms [tmpl {<h2>下发转载任务</h2>
[if {[dict get $v form] eq "repost"} { problems $problems }]
<form method="post" action="/city/tasks/repost" class="form"><input type="hidden" name="csrf" value="$csrf">
<label for="f-channel">渠道</label><select id="f-channel" name="channel">[options {weibo 政务微博（1小时内转载） wechat 政务微信（1个工作日内转载）} [dict get $v channel]]</select>
<label for="f-title">发布标题</label><input id="f-title" name="title" value="[dict get $v title]" required maxlength="500">
<label for="f-url">发布链接</label><input id="f-url" name="url" value="[dict get $v url]" required placeholder="https://">
<label for="f-posted">发布时间（不填为现在）</label><input id="f-posted" name="posted" value="[dict get $v posted]" placeholder="2026-03-02 09:00">
<button type="submit">下发各县区</button></form>
<h2>下发约稿通知</h2>
[if {[dict get $v form] eq "commission"} { problems $problems }]
<form method="post" action="/city/tasks/commission" class="form"><input type="hidden" name="csrf" value="$csrf">
<label for="f-ctitle">标题</label><input id="f-ctitle" name="ctitle" value="[dict get $v ctitle]" required maxlength="200">
<label for="f-text">正文</label><textarea id="f-text" name="text" rows="4">[dict get $v text]</textarea>
<label for="f-days">时限（工作日）</label><input id="f-days" name="days" value="[dict get $v days]" size="4">
<button type="submit">下发各县区</button></form>}]
    }
    cityPage $me 转载与约稿 [tmpl {<h1>转载任务与约稿通知</h1>
<p>市政府政务微博、微信发布的重大信息，县区政务微博 1 小时内、政务微信 1 个工作日内转载（004 三(三)）。</p>
[if {$rows eq ""} { tmpl {<p>尚未下发任务。</p>} } else { tmpl {<table class="list" id="tasks"><thead><tr><th scope="col">任务</th><th scope="col">标题</th><th scope="col">截止</th><th scope="col">各县区</th></tr></thead><tbody>$rows</tbody></table>} }]
$forms}]
}

route GET /city/tasks {} {
    set me [cityNeed]
    if {$me eq ""} { return }
    cityTasksPage $me
}

route POST /city/tasks/:kind {} {
    set me [cityNeed city.task]
    if {$me eq ""} { return }
    csrf $me
    set kind [req param kind]
    if {$kind ni {repost commission}} { errorpage 404; return }
    set values [dict create form $kind]
    foreach f {channel title url posted ctitle text days} { dict set values $f [string trim [req form $f]] }
    dict with values {}
    if {$kind eq "repost"} {
        set code [catch {org::as $me { federation::city::repost $channel $title $url $posted }} msg]
    } elseif {![string is entier -strict $days] || $days < 1 || $days > 60} {
        set code 1; set msg "时限须为 1 到 60 个工作日"
    } else {
        set code [catch {org::as $me { federation::city::commission $ctitle $text [list $days workdays] }} msg]
    }
    if {$code} {
        respond status 422
        respond header Cache-Control no-store
        return [cityTasksPage $me [list $msg] $values]
    }
    done $me /city/tasks [expr {$kind eq "repost" ? "已下发转载任务 $msg" : "已下发约稿通知 $msg"}]
}

# ---- the county's side: what the city sent down ------------------------------------------------

# web::repostPage: repost task ID for ME, with PROBLEMS and the typed VALUES of a refused form.
proc web::repostPage {me id {problems {}} {values {}}} {
    set r {}
    db eval {SELECT r.*, p.name AS city FROM repost r JOIN federation_peer p ON p.id = r.peer_id WHERE r.id = $id} x {
        unset x(*); set r [array get x]
    }
    if {![dict size $r]} { errorpage 404; return }
    set v [dict merge {url "" at ""} $values]
    dict with r {}
    set d {}
    db eval {SELECT due, due_epoch, state AS dstate, met_at, breached_at FROM deadline WHERE repost_id = $id ORDER BY id DESC LIMIT 1} x {
        unset x(*); set d [array get x]
    }
    set channelName [expr {$channel eq "weibo" ? "政务微博（1小时内）" : "政务微信（1个工作日内）"}]
    set clock ""
    if {[dict size $d]} {
        set left [expr {[dict get $d due_epoch] - [yqbox::now]}]
        set clock [expr {$state eq "done" ? ([dict get $d breached_at] eq "" ? "按时完成" : "逾期完成")
                         : ($left < 0 ? "已逾期 [duration $left]" : "剩余 [duration $left]")}]
    }
    set link [expr {[regexp {^https?://} $url] ? [tmpl {<a href="$url" rel="noreferrer noopener">$url</a>}] : [tmpl {$url}]}]
    app $me "转载任务 $id" [tmpl {<h1>转载任务 $id：$title</h1>
[notice]
<p>$city 发布：$link（[when $posted]）</p>
<p>转载渠道：$channelName；截止：[if {[dict size $d]} { when [dict get $d due] }]；<strong>$clock</strong></p>
[if {$state eq "done"} { tmpl {<p>已于 [when $done_at] 转载：<a href="$repost_url" rel="noreferrer noopener">$repost_url</a>，已回报市级。</p>} } elseif {[can $me repost.record]} { tmpl {[problems $problems]
<form method="post" action="/reposts/$id" class="form"><input type="hidden" name="csrf" value="[dict get $me csrf]">
<label for="f-url">本县转载链接</label><input id="f-url" name="url" value="[dict get $v url]" required placeholder="https://">
<label for="f-at">转载时间（不填为现在）</label><input id="f-at" name="at" value="[dict get $v at]" placeholder="2026-03-02 09:40">
<button type="submit">登记并回报市级</button></form>} }]}]
}

route GET /reposts/:id {} {
    set me [need repost.record event.view.all]
    if {$me eq ""} { return }
    repostPage $me [req param id]
}

route POST /reposts/:id {} {
    set me [need repost.record]
    if {$me eq ""} { return }
    csrf $me
    set id [req param id]
    if {![string is entier -strict $id] || ![db exists {SELECT 1 FROM repost WHERE id = $id}]} { errorpage 404; return }
    set values [dict create url [string trim [req form url]] at [string trim [req form at]]]
    if {[catch {org::as $me { federation::county::record $id [dict get $values url] -at [dict get $values at] }} msg]} {
        respond status 422
        respond header Cache-Control no-store
        return [repostPage $me $id [list $msg] $values]
    }
    done $me /reposts/$id "已登记转载链接，并回报市级"
}

route GET /bulletins/:id {} {
    set me [need event.view.all]
    if {$me eq ""} { return }
    set id [req param id]
    set html [db onecolumn {SELECT html FROM bulletin WHERE id = $id}]
    if {$html eq ""} { errorpage 404; return }
    outsidePage $html
}
