# reports.tcl - the web pages of what was console-only (issue 14 item 10): the numbered documents
# (专报, 调查报告, 日报, 周报: their list and the printable page, with a way back to the event on
# screen), the 日报/周报 issued from the web (choose the day or week, preview, issue: numbered, audited
# and notified to the leaders in one transaction by documents::digest, like `document digest`), the
# 批示 a leader writes on the 专报 page itself (the event's instruct transition, with its due date)
# and the list of 批示 with their follow-up (/instructions: a leader's own, the office's all), and
# the CSV downloads Excel and WPS open (web::csv, the one writer of /events.csv, /assessment/csv
# and /requests.csv).

namespace eval web {
    # the navigation gains the digests and the instructions after the documents
    variable nav
    if {[lsearch -exact $nav /instructions] < 0} {
        set i [lsearch -exact $nav /documents]
        set at [expr {$i < 0 ? [llength $nav] : $i + 2}]
        set nav [linsert $nav $at 日报周报 /reports {event.report} 领导批示 /instructions {instruction.write event.view.all}]
    }
    # the digests issued from the web: form value -> document kind
    variable digestKinds {日报 日报 周报 周报}
}

# ================= CSV =================

# web::csv: answer with ROWS (a list of lists, the first the Chinese column headings) as the CSV
# download NAME (ASCII) that Excel and WPS open as UTF-8 (reporting::csv: a byte-order mark, CRLF
# line ends, every field quoted, formulas defused); never cached. Returns nothing.
proc web::csv {name rows} {
    # the text as is: the response is encoded to UTF-8 once, the BOM (U+FEFF) first
    respond text [encoding convertfrom utf-8 [reporting::csv $rows]]
    respond type "text/csv; charset=utf-8"
    respond header Content-Disposition "attachment; filename=\"$name\""
    respond header Cache-Control no-store
}

# ================= 依申请公开 register: filters and CSV =================

# web::requestFilter: the register's filters of this request (?state ?channel ?year ?q, each
# dropped when invalid) as a dict state, channel, year, q, qs (the query string of the ones chosen,
# each followed by "&") and sql (the SELECT of the matching requests, newest first, binding
# $state $channel $year $q $like: evaluate it where the dict's keys are variables). Reads only.
proc web::requestFilter {} {
    set state [req query state ""]
    set channel [req query channel ""]
    set q [string range [string trim [req query q ""]] 0 199]
    set year [string trim [req query year ""]]
    if {$state ne "" && ![dict exists $request::states $state]} { set state "" }
    if {$channel ne "" && ![dict exists $request::channels $channel]} { set channel "" }
    if {$year ne "" && ![regexp {^\d{4}$} $year]} { set year "" }
    set qs ""
    foreach k {state channel year q} {
        if {[set $k] ne ""} { append qs "$k=[urlencode [set $k]]&" }
    }
    set sql {SELECT id, number, name, channel AS ch, received, state AS st, due, due_epoch, due_provisional, answer,
                    answered, description,
                    (SELECT count(*) FROM request_pause p WHERE p.request_id = request.id AND p.resumed IS NULL) AS paused
             FROM request
             WHERE ($state = '' OR state = $state) AND ($channel = '' OR channel = $channel)
               AND ($year = '' OR substr(received, 1, 4) = $year)
               AND ($q = '' OR number LIKE $like OR name LIKE $like OR description LIKE $like)
             ORDER BY id DESC}
    dict create state $state channel $channel year $year q $q like "%$q%" qs $qs sql $sql
}

# web::requestDue: the answer deadline of a register row as shown (paused, the due time with its
# provisional note, and 已逾期 when a pending request is past it at NOW).
proc web::requestDue {st due due_epoch due_provisional paused now} {
    set late [expr {$st eq "registered" && $due_epoch ne "" && $now > $due_epoch ? "（已逾期）" : ""}]
    set shown [expr {$paused ? "暂停计时" : [dueText $due [expr {$st eq "registered" ? $due_provisional : ""}]]}]
    return $shown$late
}

# GET /requests.csv: the register with the page's filters, for Excel/WPS.
route GET /requests.csv {} {
    set me [need request.handle request.approve@office]
    set f [requestFilter]
    dict with f {}
    set now [yqbox::now]
    set rows [list {申请编号 申请人 申请方式 收到时间 申请内容 答复期限 状态 答复类型 答复时间}]
    db eval "$sql LIMIT 20000" {
        lappend rows [list $number $name [dict get $request::channels $ch] [when $received] $description \
            [requestDue $st $due $due_epoch $due_provisional $paused $now] [dict get $request::states $st] \
            [expr {$answer eq "" ? "" : [dict get $request::kinds $answer]}] [when $answered]]
    }
    csv requests-[clock format $now -format %Y%m%d -timezone [calendar::Zone]].csv $rows
}

# ================= documents =================

# web::documentScope: stop the handler unless ME may read document ID: 404 for none; the office
# and the leaders read all, a unit the documents of its own events (the 调查报告 its head signs
# off), an audited 403 otherwise. Returns the document's event id ("" for digests).
proc web::documentScope {me id} {
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15 || ![db exists {SELECT 1 FROM document WHERE id = $id}]} {
        errorpage 404
        stop
    }
    set e [db onecolumn {SELECT event_id FROM document WHERE id = $id}]
    if {![can $me event.view.all]} {
        if {$e eq ""} { deny $me "文件 $id 不属于某一事件，只有信息办和领导可以查看" }
        event $me $e
    }
    return $e
}

# web::onDocument: the printable page HTML (markup of a complete document) with TOP put right
# after its <body> and BOTTOM right before its </body> (both markup, meant for the screen only:
# their class hides them in print). Returns markup.
proc web::onDocument {html top bottom} {
    # the document is cut as a string (the same bytes whether it is markup or text) and each
    # piece trusted again below
    set html [markup text $html]
    set at 0
    set end [string length $html]
    if {[regexp -indices {<body[^>]*>} $html tag]} { set at [expr {[lindex $tag 1] + 1}] }
    set close [string last </body> $html]
    if {$close >= $at} { set end $close }
    # unsafe: the pieces of a page reporting::document rendered through tmpl (stored when issued, or a preview)
    markup join [list [unsafe [string range $html 0 $at-1]] $top [unsafe [string range $html $at $end-1]] $bottom [unsafe [string range $html $end end]]]
}

# web::instructionItems: the 批示 on event E as markup (list items: leader, when, text, due, progress), or
# "" for none.
proc web::instructionItems {e} {
    set items ""
    db eval {SELECT i.id AS iid, i.text, i.at, i.due, i.due_epoch, i.state AS ist, i.result, i.done_at,
                    coalesce(u.name, i.leader) AS lname
             FROM instruction i LEFT JOIN user u ON u.login = i.leader WHERE i.event_id = $e ORDER BY i.id} {
        markup append items [tmpl {<li><strong>$lname</strong> [when $at] 批示：<q>$text</q><br>落实时限：[when $due]；[instructionState $ist $due_epoch $done_at $result]</li>
}]
    }
    return $items
}

# web::instructionState: the progress of a 批示 in state IST (open|done), due at DUE_EPOCH, done
# at DONE_AT with RESULT, as a sentence.
proc web::instructionState {ist due_epoch done_at result} {
    if {$ist eq "done"} { return "已落实（[when $done_at]）：$result" }
    if {[yqbox::now] > $due_epoch} { return 落实中，已超过时限 }
    return 落实中
}

# web::documentPage: document ID as ME reads it: the stored page with, on screen, a way back (to
# the event, or to the digests) and, on a 专报, the 批示 on its event and for a leader who may
# give one the form to write it (PROBLEMS shown in it, VALUES filled in again). Returns markup.
proc web::documentPage {me id {problems {}} {values {}}} {
    set e [documentScope $me $id]
    markRead $me $id
    db eval {SELECT kind FROM document WHERE id = $id} {}
    set links ""
    if {$e ne ""} { markup append links [tmpl {<a href="/events/$e">返回事件 #$e</a>}] }
    if {$kind in {日报 周报} && [can $me event.report]} { markup append links [tmpl {<a href="/reports">返回日报周报</a>}] }
    if {$kind eq "专报" && [can $me instruction.write event.view.all]} {
        markup append links [tmpl { <a href="/instructions">[expr {[can $me event.report] || ![can $me instruction.write] ? "领导批示" : "我的批示"}]</a>}]
    }
    if {$links eq "" || $kind in {日报 周报}} { markup append links [tmpl { <a href="/documents">全部专报与报告</a>}] }
    set top [tmpl {<nav class="screen-only">$links</nav>[notice]}]
    set bottom ""
    if {$kind eq "专报" && $e ne ""} {
        set items [instructionItems $e]
        set form ""
        if {[can $me instruction.write]} {
            if {"instruct" in [org::as $me { workflow::possible $e }]} {
                set v [dict merge [dict create text "" days [conf::get instruction_days]] $values]
                set form [tmpl {<form method="post" action="/documents/$id/instruct" class="instruct">[hidden $me][problems $problems]
<p><label for="i-text">批示内容</label><textarea id="i-text" name="text" rows="4" required>[dict get $v text]</textarea></p>
<p><label for="i-days">落实时限（工作日）</label><input id="i-days" name="days" value="[dict get $v days]" inputmode="numeric" size="3"></p>
<p><button type="submit">签批</button> 批示送承办单位和信息办落实，到期前提醒。</p></form>}]
            } else {
                set form [tmpl {[problems $problems]<p>该事件现为“[stateName [db onecolumn {SELECT state FROM event WHERE id = $e}]]”，不能再批示。</p>}]
            }
        }
        set bottom [tmpl {<aside class="screen-only" id="instruct" aria-labelledby="h-instruct"><h2 id="h-instruct">领导批示</h2>
[if {$items ne ""} { tmpl {<ul>$items</ul>} } elseif {$form eq ""} { tmpl {<p>尚无批示。</p>} }]$form</aside>}]
    }
    onDocument [documents::html $id] $top $bottom
}

route GET /documents {} {
    set me [need event.view.all]
    set kind [req query kind ""]
    if {$kind ni $documents::kinds} { set kind "" }
    set page [pageNo]
    set offset [expr {($page - 1) * 100}]
    set rows ""
    set n 0
    db eval {SELECT id, kind AS k, title, created, event_id AS e FROM document WHERE ($kind = '' OR kind = $kind)
             ORDER BY id DESC LIMIT 101 OFFSET $offset} {
        if {[incr n] > 100} { break }
        markup append rows [tmpl {<tr><td data-label="标题"><a href="/documents/$id">$title</a></td><td data-label="种类">$k</td><td data-label="文号">[documents::numberText $id]</td><td data-label="事件">[if {$e ne ""} { tmpl {<a href="/events/$e">#$e</a>} }]</td><td data-label="印发时间">[when $created]</td></tr>
}]
    }
    set kinds [list "" 全部]
    foreach k $documents::kinds { lappend kinds $k $k }
    set qs [expr {$kind eq "" ? "" : "kind=[urlencode $kind]&"}]
    set nav ""
    if {$page > 1} { markup append nav [tmpl {<a rel="prev" href="/documents?${qs}page=[expr {$page - 1}]">上一页</a> }] }
    if {$n > 100} { markup append nav [tmpl {<a rel="next" href="/documents?${qs}page=[expr {$page + 1}]">下一页</a>}] }
    app $me 专报与报告 [tmpl {<h1>专报与报告</h1>
<form method="get" action="/documents" class="filters"><label for="d-kind">种类</label><select id="d-kind" name="kind">[options $kinds $kind]</select><button type="submit">筛选</button>[if {[can $me event.report]} { tmpl { <a href="/reports">生成日报、周报</a>} }]</form>
<table class="list stack"><thead><tr><th scope="col">标题</th><th scope="col">种类</th><th scope="col">文号</th><th scope="col">事件</th><th scope="col">印发时间</th></tr></thead><tbody>$rows</tbody></table>
[if {$rows eq ""} {tmpl {<p>尚未印发专报或报告。</p>}}]
<p class="pager">$nav</p>}]
}

# the document itself: the printable page the workflow stored (crawled text escaped when it was
# made), with its print style sheet
route GET /documents/:id {} {
    set me [need event.view.unit]
    respond header Cache-Control no-store
    respond html [documentPage $me [req param id]]
}

# POST /documents/ID/instruct: a leader's 批示 on the 专报 ID: the instruct transition of the event
# the 专报 is about, due in the working days given. A refusal is shown on the 专报 with the text kept.
route POST /documents/:id/instruct {} {
    set me [need instruction.write]
    csrf $me
    set id [req param id]
    set e [documentScope $me $id]
    if {$e eq "" || [db onecolumn {SELECT kind FROM document WHERE id = $id}] ne "专报"} { errorpage 404; return }
    set text [string trim [req form text]]
    set days [string trim [req form days]]
    set values [dict create text $text days $days]
    set problems {}
    if {$text eq ""} { lappend problems 请填写批示内容 }
    if {[string length $text] > 5000} { lappend problems 批示内容过长（最多5000字） }
    if {![string is entier -strict $days] || $days < 1 || $days > 60} { lappend problems "落实时限须为 1 到 60 个工作日" }
    if {![llength $problems] && "instruct" ni [org::as $me { workflow::possible $e }]} {
        set state [db onecolumn {SELECT state FROM event WHERE id = $e}]
        lappend problems "该事件现为“[stateName $state]”，不能再批示"
    }
    if {![llength $problems]} {
        set err [runAction $me instruct $e $text -due [list $days workdays]]
        if {$err ne ""} { lappend problems $err }
    }
    if {[llength $problems]} {
        respond status 422
        respond header Cache-Control no-store
        return [respond html [documentPage $me $id $problems $values]]
    }
    set due [db onecolumn {SELECT due FROM instruction WHERE event_id = $e ORDER BY id DESC LIMIT 1}]
    done $me /documents/$id "已签批，落实时限：[when $due]"
}

# ================= 日报、周报 =================

# web::digestValues: the digest form's values of this request: kind (日报|周报, default 日报) and
# date (default yesterday), with the problems of a bad one. Returns {VALUES PROBLEMS}.
proc web::digestValues {} {
    variable digestKinds
    if {[req method] eq "POST"} {
        set kind [req form kind]
        set date [string trim [req form date]]
    } else {
        set kind [req query kind 日报]
        set date [string trim [req query date]]
    }
    set tz [calendar::Zone]
    set today [clock format [yqbox::now] -format %Y-%m-%d -timezone $tz]
    set problems {}
    if {![dict exists $digestKinds $kind]} { lappend problems "请选择日报或周报"; set kind 日报 }
    if {$date eq ""} {
        set date [clock format [clock add [yqbox::now] -1 day -timezone $tz] -format %Y-%m-%d -timezone $tz]
    } elseif {![regexp {^\d{4}-\d\d-\d\d$} $date] || [catch {clock scan $date -format %Y-%m-%d -timezone $tz} t]
              || [clock format $t -format %Y-%m-%d -timezone $tz] ne $date || $date < "2000-01-01"} {
        lappend problems "日期格式应为 年-月-日，如 $today"
    } elseif {$date > $today} {
        lappend problems "日期不能晚于今天（$today）"
    }
    list [dict create kind $kind date $date] $problems
}

# web::reportsPage: the digests page for ME: the form (VALUES, with PROBLEMS) to preview a 日报 or
# 周报, and the issued ones, newest first. Returns markup.
proc web::reportsPage {me {values {}} {problems {}}} {
    variable digestKinds
    set v [dict merge [lindex [digestValues] 0] $values]
    set rows ""
    db eval {SELECT d.id, d.kind AS k, d.title, d.created, coalesce(u.name, d.login) AS who FROM document d
             LEFT JOIN user u ON u.login = d.login WHERE d.kind IN ('日报', '周报') ORDER BY d.id DESC LIMIT 200} {
        markup append rows [tmpl {<tr><td data-label="文号">[documents::numberText $id]</td><td data-label="标题"><a href="/documents/$id">$title</a></td><td data-label="种类">$k</td><td data-label="印发时间">[when $created]</td><td data-label="印发人">$who</td></tr>
}]
    }
    app $me 日报周报 [tmpl {<h1>网络舆情日报、周报</h1>[notice]
<form method="get" action="/reports/preview" class="filters">[problems $problems]
<label for="r-kind">种类</label><select id="r-kind" name="kind">[options $digestKinds [dict get $v kind]]</select>
<label for="r-date">日期（周报为该日所在的周一至周日）</label><input id="r-date" name="date" type="date" value="[dict get $v date]">
<button type="submit">预览</button></form>
<p class="note">预览无误后印发：按年编号，记入审计日志，并通知县领导。</p>
<h2>已印发</h2>
<table class="list stack"><thead><tr><th scope="col">文号</th><th scope="col">标题</th><th scope="col">种类</th><th scope="col">印发时间</th><th scope="col">印发人</th></tr></thead><tbody>$rows</tbody></table>
[if {$rows eq ""} {tmpl {<p>尚未印发日报或周报。</p>}}]}]
}

route GET /reports {} {
    set me [need event.report]
    reportsPage $me
}

# GET /reports/preview?kind=日报|周报&date=YYYY-MM-DD: the digest as it would be issued, not stored,
# with the button that issues it.
route GET /reports/preview {} {
    set me [need event.report]
    lassign [digestValues] v problems
    if {![llength $problems] && [catch {documents::preview [dict get $v kind] [dict get $v date]} p]} {
        lappend problems $p
    }
    if {[llength $problems]} {
        respond status 422
        return [reportsPage $me $v $problems]
    }
    set earlier ""
    foreach d [dict get $p earlier] {
        markup append earlier [tmpl { <a href="/documents/$d">[documents::numberText $d]</a>}]
    }
    set top [tmpl {<nav class="screen-only preview"><p><strong>预览，尚未印发。</strong>印发时编号为 [dict get $p number]。[if {$earlier ne ""} { tmpl {本期已印发：$earlier；再次印发将另行编号。} }]</p>
<form method="post" action="/reports">[hidden $me]<input type="hidden" name="kind" value="[dict get $v kind]"><input type="hidden" name="date" value="[dict get $v date]"><button type="submit">印发并通知领导</button> <a href="/reports?kind=[urlencode [dict get $v kind]]&amp;date=[dict get $v date]">返回修改</a></form></nav>}]
    respond header Cache-Control no-store
    respond html [onDocument [dict get $p html] $top ""]
}

# POST /reports: issue the digest (documents::digest: numbered, audited and notified in one
# transaction); back to the digests page with its number, or with the problems and the values.
route POST /reports {} {
    set me [need event.report]
    csrf $me
    lassign [digestValues] v problems
    if {![llength $problems] && [catch {org::as $me { documents::digest [dict get $v kind] [dict get $v date] }} id]} {
        lappend problems $id
    }
    if {[llength $problems]} {
        respond status 422
        return [reportsPage $me $v $problems]
    }
    done $me /reports "已印发[documents::numberText $id]，已通知县领导"
}

# ================= 领导批示 =================

# GET /instructions: the 批示 with their follow-up and due dates: a leader's own, the office (and
# the read-only viewer) all; ?state=open|done|late filters.
route GET /instructions {} {
    set me [need instruction.write event.view.all]
    set own [expr {[can $me instruction.write] && ![can $me event.report]}]
    set leader [expr {$own ? [dict get $me login] : ""}]
    set state [req query state ""]
    if {$state ni {"" open done late}} { set state "" }
    set now [yqbox::now]
    set rows ""
    set n 0
    db eval {SELECT i.id, i.event_id AS e, i.text, i.at, i.due, i.due_epoch, i.state AS ist, i.result, i.done_at,
                    coalesce(l.name, i.leader) AS lname, coalesce(d.name, i.done_by) AS dname, ev.title, ev.state AS est,
                    coalesce(un.name, '') AS uname,
                    (SELECT max(id) FROM document WHERE event_id = i.event_id AND kind = '专报') AS doc
             FROM instruction i JOIN event ev ON ev.id = i.event_id
             LEFT JOIN user l ON l.login = i.leader LEFT JOIN user d ON d.login = i.done_by
             LEFT JOIN unit un ON un.id = ev.unit_id
             WHERE ($leader = '' OR i.leader = $leader)
               AND ($state = '' OR ($state = 'open' AND i.state = 'open') OR ($state = 'done' AND i.state = 'done')
                    OR ($state = 'late' AND i.state = 'open' AND i.due_epoch < $now))
             ORDER BY i.state = 'done', i.due_epoch, i.id LIMIT 500} {
        incr n
        set progress [instructionState $ist $due_epoch $done_at $result]
        if {$ist eq "done" && $dname ne ""} { append progress "（$dname）" }
        set late [expr {$ist eq "open" && $now > $due_epoch ? "late" : ""}]
        markup append rows [tmpl {<tr class="$late"><td data-label="事件"><a href="/events/$e">#$e $title</a>[if {$doc ne ""} { tmpl { · <a href="/documents/$doc">专报</a>} }]</td><td data-label="批示内容">$text</td><td data-label="批示">$lname [when $at]</td><td data-label="落实时限">[when $due]</td><td data-label="办理进度">[if {$uname ne ""} { tmpl {$uname：} }][stateName $est]</td><td data-label="落实情况">$progress</td></tr>
}]
    }
    set states {"" 全部 open 落实中 late 已超时限 done 已落实}
    app $me 领导批示 [tmpl {<h1>[expr {$own ? "我的批示" : "领导批示"}]</h1>
<form method="get" action="/instructions" class="filters"><label for="i-state">落实情况</label><select id="i-state" name="state">[options $states $state]</select><button type="submit">筛选</button></form>
<table class="list stack" id="instructions"><thead><tr><th scope="col">事件</th><th scope="col">批示内容</th><th scope="col">批示</th><th scope="col">落实时限</th><th scope="col">办理进度</th><th scope="col">落实情况</th></tr></thead><tbody>$rows</tbody></table>
[if {$n == 0} {tmpl {<p>没有批示。[if {$own} { tmpl {阅读专报时可在专报页面下方签批。} }]</p>}}]}]
}
