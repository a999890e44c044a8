# documents.tcl - the workflow's numbered documents as printable HTML in the layout of Chinese
# official documents (after GB/T 9704: A4, red issuing-office header and rule, number
# 青山网舆专报〔2026〕12号, centred title, 仿宋 body, date in Chinese, recipients; a print stylesheet):
#   专报      《网络舆情专报》 on one event (issued by `event report`)
#   调查报告  the unit's 核实调查报告 (issued by `event conclude`)
#   日报/周报 daily and weekly digests (issued by `document digest`)
# Numbers run per kind and year (UNIQUE in table `document`), allocated inside the issuing
# transaction so two documents never share one. documents::html ID is what the web pages call; the
# console writes a document to a file with `document show ID -file F`. All text from posts and
# users is HTML-escaped: crawled text is hostile.

namespace eval documents {
    variable kinds {专报 调查报告 日报 周报}
}

conf::key doc_issuer string 青山县人民政府办公室信息办 \
    "印在文件上的发文机关"
conf::key doc_prefix_report string 青山网舆专报 "《网络舆情专报》的文号前缀（如 青山网舆专报〔2026〕12号）"
conf::key doc_prefix_investigation string 青山网舆调查 "核实调查报告的文号前缀"
conf::key doc_prefix_daily string 青山网舆日报 "日报的文号前缀"
conf::key doc_prefix_weekly string 青山网舆周报 "周报的文号前缀"
conf::key doc_recipients string "县长，常务副县长，分管副县长，县政府秘书长，县政府办公室主任" \
    "专报的报送对象（000 二.2）"
conf::key doc_copy string "" "专报的抄送对象"

# documents::Prefix: the number prefix of document KIND.
proc documents::Prefix {kind} {
    conf::get [dict get {专报 doc_prefix_report 调查报告 doc_prefix_investigation 日报 doc_prefix_daily 周报 doc_prefix_weekly} $kind]
}

# documents::numberText: the printed number of document ID, e.g. 青山网舆专报〔2026〕12号.
proc documents::numberText {id} {
    db eval {SELECT kind, year, number FROM document WHERE id = $id} {}
    return "[Prefix $kind]〔$year〕${number}号"
}

# documents::When: ISO time T as written in a document body: 2026年3月2日 10:00.
proc documents::When {t} {
    if {$t eq "" || [catch {yqbox::seconds $t} s]} { return $t }
    scan [clock format $s -format "%Y %m %d %H:%M" -timezone :[conf::get timezone]] "%d %d %d %s" y m d hm
    return "${y}年${m}月${d}日 $hm"
}

# documents::Next: {YEAR N NUMBER} of the next document of KIND issued at NOW (epoch seconds):
# numbers run per kind and year of issue. Reads only.
proc documents::Next {kind now} {
    set year [clock format $now -format %Y -timezone :[conf::get timezone]]
    set n [expr {[db onecolumn {SELECT coalesce(max(number), 0) FROM document WHERE kind = $kind AND year = $year}] + 1}]
    list $year $n "[Prefix $kind]〔$year〕${n}号"
}

# documents::Make: {title body} of a document of KIND on event EVENT ("" for digests) numbered
# NUMBER at NOW, built by its generator; O holds the options -to and -date (see documents::issue).
# Errors for an unknown kind or a bad date. Reads only.
proc documents::Make {kind event number now o} {
    variable kinds
    if {$kind ni $kinds} { yq::fail document.badkind $kind [join $kinds 、] }
    set o [dict merge {-to "" -date ""} $o]
    switch -- $kind {
        专报 { return [Report $event $number $now [dict get $o -to]] }
        调查报告 { return [Investigation $event $number $now] }
        日报 - 周报 { return [Digest $kind [dict get $o -date] $number $now] }
    }
}

# documents::issue: allocate the next number of KIND for this year and store the document on
# event EVENT ("" for digests), built by its generator. Options -to RECIPIENTS (专报), -date DATE
# (digests). Returns the document id. Call inside a transaction.
proc documents::issue {kind event args} {
    set now [yqbox::now]
    lassign [Next $kind $now] year n number
    lassign [Make $kind $event $number $now $args] title body
    set at [yqbox::iso $now]
    set login [dict get [org::actor] login]
    db eval {INSERT INTO document(kind, year, number, event_id, title, created, login, body)
             VALUES($kind, $year, $n, nullif($event, ''), $title, $at, $login, $body)}
    return [db last_insert_rowid]
}

# documents::preview: the digest of KIND (日报 or 周报) for DATE ("" = the default period) as it
# would be issued now, with the number it would get, without storing anything. Returns a dict
# title, number, html (markup), earlier (the ids of documents of KIND already issued under the
# same title, i.e. for the same period). Errors for a bad kind or date.
proc documents::preview {kind date} {
    if {$kind ni {日报 周报}} { yq::fail document.baddigest $kind }
    set now [yqbox::now]
    lassign [Next $kind $now] year n number
    lassign [Make $kind "" $number $now [list -date $date]] title html
    dict create title $title number $number html $html \
        earlier [db eval {SELECT id FROM document WHERE kind = $kind AND title = $title ORDER BY id}]
}

# documents::digest: issue the daily (日报) or weekly (周报) digest of DATE ("" = yesterday, or
# last week) as the acting principal, who needs event.report: in one transaction its number and
# stored page, the audit entry (document.issue) and a notice to every leader (inbox, and mail as
# each chose) linking to it. Returns the document id.
proc documents::digest {kind date} {
    org::require event.report
    db transaction immediate {
        set id [issue $kind "" -date $date]
        set number [numberText $id]
        audit::record document.issue document:$id -after "$kind $number"
        set title [db onecolumn {SELECT title FROM document WHERE id = $id}]
        notify::queue "" event.digest leader "$number：$title" "信息办已印发$title，请审阅。" document:$id
    }
    return $id
}

# documents::html: the stored HTML of document ID (what the web pages serve), as markup. Errors
# when there is no such document.
proc documents::html {id} {
    set body [db onecolumn {SELECT body FROM document WHERE id = $id}]
    if {$body eq ""} { yq::fail document.none $id }
    # unsafe: the page reporting::document rendered (all text escaped) when the document was issued, stored in table document
    unsafe $body
}

# documents::Page: a complete printable document in the official layout (reporting::document, the
# one renderer): MASTHEAD (the red line), NUMBER, TITLE, BODY (markup), DATE (seconds), RECIPIENTS
# (报送) and COPY (抄送) lines; issued and signed by doc_issuer.
proc documents::Page {masthead number title body date recipients copy} {
    reporting::document [dict create masthead $masthead issuer [conf::get doc_issuer] number $number \
        title $title body $body date $date report $recipients cc $copy]
}

# documents::Heading: the markup of a section heading TEXT of a document body.
proc documents::Heading {text} {
    tmpl {<h2>$text</h2>
}
}

# documents::Paras: TEXT as paragraphs (one per line), escaped, as markup.
proc documents::Paras {text} {
    set out ""
    foreach line [split $text \n] {
        set line [string trim $line]
        if {$line ne ""} { markup append out [tmpl {<p>$line</p>
}] }
    }
    return $out
}

# documents::Posts: a table of event ID's posts (at most 20, first seen first), as markup; "" when
# it has none.
proc documents::Posts {id} {
    set rows ""
    db eval {SELECT p.title, p.url, p.first_seen, p.replies, p.views, s.title AS stitle, s.name FROM post p
             JOIN source s ON s.id = p.source_id WHERE p.event_id = $id ORDER BY p.first_seen, p.id LIMIT 20} {
        set src [expr {$stitle ne "" ? $stitle : $name}]
        markup append rows [tmpl {<tr><td>[When $first_seen]</td><td>$src</td> <td>$title<div class="url">$url</div></td><td>$replies</td></tr>
}]
    }
    if {$rows eq ""} { return "" }
    tmpl {<table><tr><th>发现时间</th><th>来源</th><th>标题与链接</th><th>回复</th></tr>
$rows</table>
}
}

# documents::Report: {title body} of the 《网络舆情专报》 on event ID.
proc documents::Report {id number now to} {
    db eval {SELECT * FROM event WHERE id = $id} e {}
    set unit [db onecolumn {SELECT name FROM unit WHERE id = $e(unit_id)}]
    set body [Heading 一、舆情概况]
    markup append body [Paras "[When $e(first_seen)] 起，网络上出现关于“$e(title)”的帖文，截至目前共发现相关帖文 $e(posts) 条，涉及 $e(sources) 个网站或平台。"]
    markup append body [Posts $id] [Heading 二、研判意见]
    set reasons [join [lmap r $e(reasons) { lindex $r 2 }] "；"]
    markup append body [Paras "经研判，该舆情风险等级为“$e(level)”（$e(score) 分）。[expr {$reasons ne "" ? "主要依据：$reasons。" : ""}]"]
    db eval {SELECT reason, plan, consultation FROM judgement WHERE event_id = $id ORDER BY id DESC LIMIT 1} {
        markup append body [Paras "研判意见：$reason"]
        if {$consultation ne ""} { markup append body [Paras "会商意见：$consultation"] }
        if {$plan ne ""} { markup append body [Paras "处置预案：$plan"] }
    }
    markup append body [Heading 三、处置建议]
    set who [expr {$unit ne "" ? $unit : ($e(suggested_unit) ne "" ? $e(suggested_unit) : "相关单位")}]
    markup append body [Paras "建议由$who认领并按照“网上问题、网下解决”的要求核实处置，于认领后 [conf::get rule_investigate] 个工作日内形成核实调查报告，并及时回应网民关切。"]
    if {$e(police) ne ""} { markup append body [Paras "该舆情涉及造谣传谣，已移交公安机关、网络监管部门依法查处。"] }
    set recipients [expr {$to ne "" ? $to : [conf::get doc_recipients]}]
    list "关于“$e(title)”的网络舆情专报" \
        [Page 网络舆情专报 $number "关于“$e(title)”的网络舆情专报" $body $now $recipients [conf::get doc_copy]]
}

# documents::Investigation: {title body} of the 核实调查报告 of event ID (its current investigation).
proc documents::Investigation {id number now} {
    db eval {SELECT * FROM event WHERE id = $id} e {}
    db eval {SELECT i.*, n.name AS unit FROM investigation i JOIN unit n ON n.id = i.unit_id
             WHERE i.event_id = $id ORDER BY i.id DESC LIMIT 1} i {}
    set claimed [db onecolumn {SELECT at FROM claim WHERE event_id = $id ORDER BY id DESC LIMIT 1}]
    set body [Heading 一、舆情基本情况]
    markup append body [Paras "[When $e(first_seen)] 网络上出现关于“$e(title)”的帖文，$i(unit)于 [When $claimed] 认领办理。"]
    markup append body [Posts $id] [Heading 二、核实调查情况] [Paras $i(report)] [Heading 三、承办信息] \
        [tmpl {<p class="plain">承办单位：$i(unit)<br>承办人：$i(handler)　联系方式：$i(contact)</p>
}]
    if {$i(ext_state) eq "approved"} {
        markup append body [Paras "本件经信息办同意延期 $i(ext_days) 个工作日（$i(ext_reason)）。"]
    }
    list "关于“$e(title)”的网络政务舆情核实调查报告" \
        [Page 网络政务舆情核实调查报告 $number "关于“$e(title)”的网络政务舆情核实调查报告" $body $now "县政府办公室信息办" ""]
}

# documents::Digest: {title body} of the daily (日报) or weekly (周报) digest for the day or the
# week (Monday to Sunday) containing DATE (default: yesterday for 日报, last week for 周报).
proc documents::Digest {kind date number now} {
    set tz :[conf::get timezone]
    if {$date eq ""} {
        set ref [expr {$now - ($kind eq "日报" ? 86400 : 7 * 86400)}]
    } else {
        if {[catch {clock scan $date -format %Y-%m-%d -timezone $tz} ref]
            || [clock format $ref -format %Y-%m-%d -timezone $tz] ne $date} {
            yq::fail calendar.baddate $date
        }
    }
    set day [clock scan [clock format $ref -format %Y-%m-%d -timezone $tz] -format %Y-%m-%d -timezone $tz]
    if {$kind eq "周报"} {
        set dow [clock format $day -format %u -timezone $tz]
        set from [clock add $day [expr {1 - $dow}] days -timezone $tz]
        set to [clock add $from 7 days -timezone $tz]
        set span "[reporting::cndate $from]至[reporting::cndate [clock add $to -1 days -timezone $tz]]"
    } else {
        set from $day
        set to [clock add $day 1 day -timezone $tz]
        set span [reporting::cndate $from]
    }
    set f [yqbox::iso $from]
    set t [yqbox::iso $to]
    set rows ""
    set n 0
    db eval {SELECT id, title, level, state, posts, suggested_unit FROM event WHERE created >= $f AND created < $t ORDER BY id} {
        incr n
        markup append rows [tmpl {<tr><td>#$id</td><td>$title</td><td>$level</td><td>[dict get $::workflow::states $state title]</td><td>$posts</td><td>$suggested_unit</td></tr>
}]
    }
    set body [Heading 一、新发现舆情]
    markup append body [Paras "本期新发现舆情 $n 件。"]
    if {$rows ne ""} { markup append body [tmpl {<table><tr><th>编号</th><th>标题</th><th>等级</th><th>状态</th><th>帖文</th><th>建议归口</th></tr>
$rows</table>
}] }
    markup append body [Heading 二、处置进展]
    set counts {}
    db eval {SELECT action AS transition, count(*) AS c FROM event_step WHERE at >= $f AND at < $t GROUP BY action ORDER BY action} {
        lappend counts "[workflow::stepTitle $transition] $c 次"
    }
    markup append body [Paras [expr {[llength $counts] ? "本期办理：[join $counts "，"]。" : "本期无办理记录。"}]] [Heading 三、超期情况]
    set late {}
    db eval {SELECT d.event_id, d.title, d.due, d.state, d.provisional, coalesce(n.name, '信息办') AS unit FROM deadline d LEFT JOIN unit n ON n.id = d.unit_id
             WHERE d.breached_at >= $f AND d.breached_at < $t AND NOT d.optional ORDER BY d.id} {
        lappend late "#$event_id $unit：$title（截止 [calendar::dueText $due [expr {$state eq "open" ? $provisional : ""}]]）"
    }
    markup append body [Paras [expr {[llength $late] ? [join $late \n] : "本期无超期事项。"}]] [Heading 四、已发布回复]
    set pubs {}
    db eval {SELECT r.event_id, r.question, n.name AS unit FROM reply r JOIN unit n ON n.id = r.unit_id
             WHERE r.published_at >= $f AND r.published_at < $t ORDER BY r.id} {
        lappend pubs "#$event_id $unit：$question"
    }
    markup append body [Paras [expr {[llength $pubs] ? [join $pubs \n] : "本期无已发布回复。"}]]
    set title "网络舆情[expr {$kind eq "日报" ? "日报" : "周报"}]（$span）"
    list $title [Page "网络舆情$kind" $number $title $body $now [conf::get doc_recipients] ""]
}

# document: the console command.
cmdlayer::noun document "公文：网络舆情专报、核实调查报告、日报、周报（A4 打印版式，按年编号）"

cmdlayer::command document list [list [list -kind 种类 "choice([join $documents::kinds |])"] {-event 事件编号}] \
    "列出公文：编号、文号、种类、事件、日期、标题" {
    set out {}
    db eval {SELECT id FROM document WHERE ($kind = '' OR kind = $kind) AND ($event = '' OR event_id = $event) ORDER BY id} {
        db eval {SELECT kind AS k, title, created, event_id AS e FROM document WHERE id = $id} {}
        lappend out "$id [documents::numberText $id] $k [expr {$e ne "" ? "#$e " : ""}]$created $title"
    }
    return [join $out \n]
}

cmdlayer::command document show {{id 公文编号} {-file 文件}} "公文的 HTML（给出文件时写成可单独打开打印的网页，返回文件名）" {
    set html [documents::html $id]
    if {$file eq ""} { return $html }
    set f [open $file w]
    fconfigure $f -encoding utf-8
    puts -nonewline $f [reporting::standalone $html]
    close $f
    return $file
}

cmdlayer::command document digest {{period 周期 choice(daily|weekly)} {-date 日期 date} {-file 文件}} \
    "立即生成网络舆情日报（daily）或周报（weekly）并通知领导，返回编号与文号" {
    set id [documents::digest [expr {$period eq "daily" ? "日报" : "周报"}] $date]
    if {$file ne ""} { ::console::document show $id -file $file }
    return "$id [documents::numberText $id]"
}
