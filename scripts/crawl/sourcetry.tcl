# sourcetry.tcl - a source in one URL (`source try URL`): fetch a list page through the patrol's own
# fetch path (crawl::get: politeness, robots.txt, SSRF rules), find its repeated records, propose
# html rules (item, link, title, time, author, replies, views, next), preview what a patrol would
# store with one detail page extracted, discover feeds (<link rel=alternate>, else the common paths
# /feed /rss.xml /atom.xml /index.xml), and save the source recording how its rules
# were made (source.made: proposed, proposed+edited, by hand).
#
# Finding the records: every element with at least three element children is a candidate parent;
# its children are grouped by tag, and a child counts as a record when it holds one to three links
# whose text looks like a title (5 characters or more). The group with the largest sum of title
# lengths (each capped at 30) wins: navigation (short words), pagers (digits) and side boxes (few
# entries) lose to the list itself. Fields are then found inside the records: the longest link is
# the title, the first text that reads as a date is the time, a user-like link or an author-like
# class is the author, "N/M" or labelled counts (回复 N, 浏览 N) or reply/view classes the counts.

namespace eval crawl::try {
    # a date or time as list pages show it
    variable dateRe {\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}[-/月]\d{1,2}日?\s+\d{1,2}:\d{2}|\d+\s*(?:秒|分钟|小时|天)前|昨天|前天|今天|刚刚|^\d{1,2}:\d{2}$}
    variable maxParents 3000
}

# crawl::try::S: the one value of XPath EXPR (a string, number or the first node's text) in DOC,
# evaluated at NODE (default: the document).
proc crawl::try::S {doc expr {node ""}} {
    if {$node eq ""} { return [lindex [$doc xpath $expr] 0] }
    lindex [$doc xpath $expr -context $node] 0
}

# crawl::try::Cls: the XPath test that an element's class attribute holds the word WORD.
proc crawl::try::Cls {word} {
    return "contains(concat(' ',normalize-space(@class),' '),' $word ')"
}

# crawl::try::Lit: STRING as an XPath string literal ("" when it holds both quote kinds).
proc crawl::try::Lit {s} {
    if {![string match *'* $s]} { return '$s' }
    if {![string match *\"* $s]} { return \"$s\" }
    return ''
}

# crawl::try::Info: {tag id classwords} of element NODE of DOC.
proc crawl::try::Info {doc node} {
    list [S $doc {name()} $node] [S $doc {string(@id)} $node] \
        [regexp -all -inline {\S+} [S $doc {string(@class)} $node]]
}

# crawl::try::TitleLinks: the title-like links of element NODE: a list of {node text}, links whose
# text has 5 characters or more and whose href leads somewhere ("#" and javascript: left out).
proc crawl::try::TitleLinks {doc node} {
    set out {}
    foreach a [$doc xpath {descendant-or-self::a[@href]} -context $node -nodes] {
        set href [string trim [S $doc {string(@href)} $a]]
        if {$href eq "" || [string index $href 0] eq "#" || [string match -nocase javascript:* $href]} { continue }
        set t [S $doc {normalize-space(.)} $a]
        if {[string length $t] >= 5 && ![regexp {^[\d\s.,/:-]+$} $t]} { lappend out [list $a $t] }
    }
    return $out
}

# crawl::try::Records: the best group of repeated records of DOC: a dict parent (node), tag, members
# (nodes) and titles (for each member its {node text} title link), or "" when there is none.
proc crawl::try::Records {doc} {
    variable maxParents
    set best ""
    set bestScore 0
    foreach p [lrange [$doc xpath {//body//*[count(*) >= 3] | //body[count(*) >= 3]} -nodes] 0 $maxParents-1] {
        set groups [dict create]
        foreach k [$doc xpath {*} -context $p -nodes] {
            dict lappend groups [S $doc {name()} $k] $k
        }
        dict for {tag kids} $groups {
            if {[llength $kids] < 3} { continue }
            set score 0
            set members {}
            set titles {}
            foreach k $kids {
                set links [TitleLinks $doc $k]
                if {![llength $links] || [llength $links] > 3} { continue }
                # the title is the longest title-like link of the record
                set t [lindex [yqbox::lsortCommand {apply {{a b} {
                    expr {[string length [lindex $a 1]] - [string length [lindex $b 1]]}}}} $links -decreasing] 0]
                incr score [expr {min([string length [lindex $t 1]], 30)}]
                lappend members $k
                lappend titles $t
            }
            if {[llength $members] >= 3 && $score > $bestScore} {
                set bestScore $score
                set best [dict create parent $p tag $tag members $members titles $titles]
            }
        }
    }
    return $best
}

# crawl::try::Path: an absolute XPath that selects element NODE of DOC alone: by id, by a class word
# unique in the page, else its parent's path and its position among same-tag siblings.
proc crawl::try::Path {doc node} {
    lassign [Info $doc $node] tag id classes
    if {$tag in {html body}} { return //$tag }
    if {$id ne "" && [Lit $id] ne "''" && [S $doc "count(//$tag\[@id=[Lit $id]\])"] == 1} {
        return "//$tag\[@id=[Lit $id]\]"
    }
    foreach c $classes {
        if {[regexp {^[\w-]+$} $c] && [S $doc "count(//$tag\[[Cls $c]\])"] == 1} {
            return "//$tag\[[Cls $c]\]"
        }
    }
    set parent [lindex [$doc xpath {..} -context $node -nodes] 0]
    set step $tag
    if {[S $doc "count(../$tag)" $node] > 1} {
        append step "\[[expr {[S $doc "count(preceding-sibling::$tag)" $node] + 1}]\]"
    }
    return "[Path $doc $parent]/$step"
}

# crawl::try::RelPath: an XPath from element FROM to its descendant (or self) NODE: "." or
# ./tag[k]/tag..., positions only where a tag repeats among siblings.
proc crawl::try::RelPath {doc from node} {
    set steps {}
    while {$node ne $from} {
        set tag [S $doc {name()} $node]
        set step $tag
        if {[S $doc "count(../$tag)" $node] > 1} {
            append step "\[[expr {[S $doc "count(preceding-sibling::$tag)" $node] + 1}]\]"
        }
        set steps [linsert $steps 0 $step]
        set node [lindex [$doc xpath {..} -context $node -nodes] 0]
        if {$node eq ""} { return "" }
    }
    if {![llength $steps]} { return . }
    return ./[join $steps /]
}

# crawl::try::Majority: the most frequent non-empty value of LIST ("" when none).
proc crawl::try::Majority {list} {
    set n [dict create]
    foreach v $list { if {$v ne ""} { dict incr n $v } }
    set best ""
    set bestN 0
    dict for {v c} $n { if {$c > $bestN} { set best $v; set bestN $c } }
    return $best
}

# crawl::try::CommonClass: the first class word that every element of NODES has, or "".
proc crawl::try::CommonClass {doc nodes} {
    set common ""
    set first 1
    foreach n $nodes {
        set cl [lindex [Info $doc $n] 2]
        if {$first} { set common $cl; set first 0; continue }
        set common [lmap c $common { expr {$c in $cl ? $c : [continue]} }]
    }
    foreach c $common { if {[regexp {^[\w-]+$} $c]} { return $c } }
    return ""
}

# crawl::try::propose: html rules for list page DOC (an `html doc`): a dict of item, link, title and
# where found time, author, replies, views, next; {} when no repeated records were found.
proc crawl::try::propose {doc} {
    variable dateRe
    set rec [Records $doc]
    if {$rec eq ""} { return {} }
    set members [dict get $rec members]
    set tag [dict get $rec tag]
    # item: the parent's path, the tag, a class word all records share, and a link when the plain
    # step would select more (header rows, spacers)
    set item "[Path $doc [dict get $rec parent]]/$tag"
    set c [CommonClass $doc $members]
    if {$c ne ""} { append item "\[[Cls $c]\]" }
    if {[S $doc "count($item)"] != [llength $members]} { append item {[descendant-or-self::a[@href]]} }
    set rules [dict create item $item]
    # title and link: a class word shared by every record's title link, else its usual place
    set anchors [lmap t [dict get $rec titles] { lindex $t 0 }]
    set c [CommonClass $doc $anchors]
    set title ""
    if {$c ne ""} {
        set title ".//a\[[Cls $c]\]"
        foreach m $members t [dict get $rec titles] {
            if {[S $doc "normalize-space(($title)\[1\])" $m] ne [lindex $t 1]} { set title ""; break }
        }
    }
    if {$title eq ""} {
        set title [Majority [lmap m $members a $anchors { RelPath $doc $m $a }]]
    }
    dict set rules link $title/@href
    dict set rules title $title
    # time: the first text in a record that reads as a date (a <time datetime> preferred)
    set times {}
    set authors {}
    set replies {}
    set views {}
    foreach m $members a $anchors {
        set t ""
        foreach tn [$doc xpath {descendant::text()[normalize-space()]} -context $m -nodes] {
            set s [S $doc {normalize-space(.)} $tn]
            if {[string length $s] <= 40 && [regexp $dateRe $s]} {
                set el [lindex [$doc xpath {..} -context $tn -nodes] 0]
                if {[S $doc {count(ancestor-or-self::a)} $el] == 0 || $el ne $a} {
                    set t [RelPath $doc $m $el]
                    # [2024-05-07] and (2024-05-06 21:14): the brackets go
                    if {[regexp {^[\[(（【]} $s]} { set t "translate($t,'\[\]()（）【】','')" }
                    break
                }
            }
        }
        lappend times $t
        lappend authors [Author $doc $m $a]
        lassign [Counts $doc $m] r v
        lappend replies $r
        lappend views $v
    }
    foreach k {time author replies views} list [list $times $authors $replies $views] {
        set x [Majority $list]
        if {$x ne ""} { dict set rules $k $x }
    }
    set next [Next $doc]
    if {$next ne ""} { dict set rules next $next }
    return $rules
}

# crawl::try::Author: the XPath (relative to record M) of its author, or "": a link to a user page
# other than the title link A, else an element whose class names an author.
proc crawl::try::Author {doc m a} {
    foreach l [$doc xpath {descendant::a[@href]} -context $m -nodes] {
        if {$l eq $a} { continue }
        set href [S $doc {string(@href)} $l]
        set t [S $doc {normalize-space(.)} $l]
        if {$t ne "" && [string length $t] <= 20 && [regexp -nocase {space-uid|/u/|/user|/member|/author|/home|uid=|/people} $href]} {
            return [RelPath $doc $m $l]
        }
    }
    foreach el [$doc xpath {descendant::*[@class]} -context $m -nodes] {
        set cl [S $doc {string(@class)} $el]
        if {[regexp -nocase {author|byline|poster|writer|nick|user|(^|\s)by(\s|$)} $cl]
            && [string length [S $doc {normalize-space(.)} $el]] <= 20} {
            return [RelPath $doc $m $el]
        }
    }
    return ""
}

# crawl::try::Counts: {replies views} XPaths (relative to record M), each "" when not found: "N/M"
# texts (replies/views), labelled counts (回复 N, 浏览 N) and reply/view classes holding a number.
proc crawl::try::Counts {doc m} {
    set r ""
    set v ""
    foreach el [$doc xpath {descendant::*} -context $m -nodes] {
        set s [S $doc {normalize-space(.)} $el]
        set p [RelPath $doc $m $el]
        if {$r eq "" && $v eq "" && [regexp {^\d+\s*/\s*\d+$} $s]} {
            return [list "substring-before($p,'/')" "substring-after($p,'/')"]
        }
        if {$r eq "" && [regexp {^(回复|评论|回帖)[：:\s]*\d+$} $s -> label]} {
            set r "substring-after($p,'$label')"
            continue
        }
        if {$v eq "" && [regexp {^(浏览|阅读|查看|点击|人气)[：:\s]*\d+$} $s -> label]} {
            set v "substring-after($p,'$label')"
            continue
        }
        if {[regexp {^\d+$} $s]} {
            set cl [S $doc {string(@class)} $el]
            if {$r eq "" && [regexp -nocase {rep|comment|huifu} $cl]} { set r $p }
            if {$v eq "" && [regexp -nocase {view|click|hit|(^|[\s_-])read|pv} $cl]} { set v $p }
        }
    }
    list $r $v
}

# crawl::try::Next: an XPath to the next list page's link of DOC, or "": rel=next, then the link
# text 下一页 / 下页 / 下一页> / next, ignoring "#" and javascript: links.
proc crawl::try::Next {doc} {
    set real {[not(starts-with(@href,'#')) and not(starts-with(normalize-space(@href),'javascript'))]}
    if {[S $doc "count(//a\[@rel='next'\]$real)"] > 0} { return "//a\[@rel='next'\]/@href" }
    foreach t {下一页 下页 下一页> 下一页» {下一页 »} 下一頁 Next next ›} {
        set x "//a\[normalize-space()=[Lit $t]\]$real"
        if {[S $doc "count($x)"] > 0} { return "$x/@href" }
    }
    return ""
}

# crawl::try::feeds: the feed URLs DOC announces with <link rel="alternate"> (RSS, Atom, JSON Feed).
proc crawl::try::feeds {doc} {
    $doc xpath {//link[contains(translate(@rel,'ALTERNATE','alternate'),'alternate')][contains(@type,'rss') or contains(@type,'atom') or contains(@type,'feed+json')]/@href} -link
}

# crawl::try::probeFeeds: when a page announces no feed, the first of the common feed paths of
# URL's site (/feed, /rss.xml, /atom.xml, /index.xml) that answers with a feed of at least one
# entry, fetched for SRC through crawl::get (inside a coroutine). Returns {} or {URL}.
proc crawl::try::probeFeeds {src url} {
    foreach path {/feed /rss.xml /atom.xml /index.xml} {
        set u [url resolve $url $path]
        set r [crawl::get $src $u]
        if {[dict get $r kind] ne "" || [dict get $r status] != 200} { continue }
        if {![catch {feed parse [dict get $r body] -contenttype [dict get $r content_type] -url $u} entries]
            && [llength $entries]} {
            return [list $u]
        }
    }
    return {}
}

# crawl::try::Source: the source dict crawl::get needs for trying URL with OPTS (proxy, internal,
# headers, cookies, robots), saved nowhere (id "").
proc crawl::try::Source {url opts} {
    set s [dict create id "" url $url headers {} cookies "" proxy "" internal 0 robots 1 rules {}]
    foreach k {proxy internal headers cookies robots} {
        if {[dict exists $opts $k]} { dict set s $k [dict get $opts $k] }
    }
    return $s
}

# crawl::try::Refuse: the Chinese message for a fetch of URL that failed with result R.
proc crawl::try::Refuse {url r} {
    set kind [dict get $r kind]
    if {$kind eq "robots"} {
        # robots.txt that could not be fetched forbids everything: say why it could not
        set robotsUrl [url resolve $url /robots.txt]
        if {[db onecolumn {SELECT kind FROM fetch WHERE url = $robotsUrl ORDER BY id DESC LIMIT 1}] eq "blocked"} {
            set kind blocked
        }
    }
    set why [switch -- $kind {
        robots { format "robots.txt 不允许抓取" }
        blocked { format "地址指向内网或本机，已按安全规则拒绝（需要时在采集源上设 internal 1）" }
        timeout { format "连接超时" }
        dns { format "域名无法解析" }
        "" { format "HTTP [dict get $r status]" }
        default { format "[dict get $r kind]：[dict get $r error]" }
    }]
    return "无法抓取 $url：$why"
}

# crawl::try::run: fetch URL (inside a coroutine, through crawl::get) and return a dict: url, status,
# bytes, proposed (rules found, {} if none), rules (proposed merged with EDITS, the admin's changes:
# a rule set to "" is removed), items (what a patrol would store, detail pages not fetched), detail
# (the first item completed from its detail page, or {}), feeds. Errors in Chinese with the typed URL
# when the page cannot be fetched or is no HTML list. Changes only the patrol log.
proc crawl::try::run {url edits opts} {
    if {[catch {url parse $url} u] || [dict get $u scheme] ni {http https}} {
        error "不是有效的 http/https 网址：$url"
    }
    crawl::engine
    set src [Source $url $opts]
    set r [crawl::get $src $url]
    if {[dict get $r kind] ne "" || [dict get $r status] != 200} { error [Refuse $url $r] }
    set doc [html doc [dict get $r text] -url [dict get $r final_url]]
    try {
        set proposed [propose $doc]
        set feeds [feeds $doc]
        set rules $proposed
        dict for {k v} $edits {
            if {$v eq ""} { dict unset rules $k } else { dict set rules $k $v }
        }
        set items {}
        if {[dict exists $rules item] && [dict exists $rules link]} {
            if {[catch {crawl::html::check $rules} msg] || [catch {crawl::html::listItems $doc $rules} items]} {
                error "规则有误：[expr {[info exists msg] && $msg ne "" ? $msg : $items}]"
            }
        }
    } finally {
        $doc delete
    }
    if {![llength $feeds]} { set feeds [probeFeeds $src [dict get $r final_url]] }
    if {![dict size $proposed] && ![llength $feeds] && ![llength $items]} {
        error "$url 上没有找到重复的列表条目，也没有订阅源：请手工填写规则"
    }
    set detail {}
    if {[llength $items]} {
        dict set src rules $rules
        set detail [crawl::extractDetail $src [lindex $items 0]]
    }
    dict create url $url status [dict get $r status] bytes [dict get $r bytes] proposed $proposed \
        rules $rules items $items detail $detail feeds $feeds
}

# crawl::try::wait: crawl::try::run URL EDITS OPTS in a coroutine and wait for it in the event loop.
# Returns its dict; rethrows its error.
proc crawl::try::wait {url edits opts} {
    variable result
    set co ::crawl::try::co[incr ::crawl::seq]
    set key [string range $co 13 end]
    coroutine $co apply {{key url edits opts} {
        set code [catch {crawl::try::run $url $edits $opts} res ropts]
        set ::crawl::try::result($key) [list $code $res [expr {$code ? [dict get $ropts -errorinfo] : ""}]]
    }} $key $url $edits $opts
    while {![info exists result($key)]} { vwait ::crawl::try::result($key) }
    lassign $result($key) code res info
    unset result($key)
    if {$code} { return -code error -errorinfo $info $res }
    return $res
}

# crawl::try::made: how a saved rule set was made: "proposed" when RULES equal PROPOSED,
# "proposed+edited" when the page gave a proposal and the admin changed it, "by hand" otherwise.
proc crawl::try::made {proposed rules} {
    if {![dict size $proposed]} { return "by hand" }
    if {[dict size $proposed] == [dict size $rules]} {
        set same 1
        dict for {k v} $proposed {
            if {![dict exists $rules $k] || [dict get $rules $k] ne $v} { set same 0; break }
        }
        if {$same} { return proposed }
    }
    return proposed+edited
}

# crawl::try::save: add source NAME (type html, tier TIER, title TITLE, the OPTS fetch fields) with
# RULES, recording MADE and ORIGIN (console or web), in one transaction with its audit entries.
# Returns the new id.
proc crawl::try::save {name url tier title rules made opts {origin console}} {
    set body [dict create type html url $url tier $tier title $title rules $rules]
    foreach k {proxy internal headers cookies robots} {
        if {[dict exists $opts $k]} { dict set body $k [dict get $opts $k] }
    }
    db transaction immediate {
        set id [crawl::Add $name $body $origin]
        db eval {UPDATE source SET made = $made WHERE id = $id}
        audit::record source.update source:$name -after "made $made"
    }
    return $id
}

# crawl::try::report: the console text of a try result T: the rules (marking edited ones), the
# preview table (first 10 items), the detail page, the feeds.
proc crawl::try::report {t} {
    set out {}
    lappend out "页面：[dict get $t url]（HTTP [dict get $t status]，[dict get $t bytes] 字节）"
    set rules [dict get $t rules]
    if {[dict size $rules]} {
        lappend out "规则（[dict get {proposed 自动建议 proposed+edited 建议后修改 {by hand} 手工填写} [made [dict get $t proposed] $rules]]）："
        dict for {k v} $rules { lappend out [format "  %-8s %s" $k $v] }
    } else {
        lappend out "没有找到重复的列表条目"
    }
    set items [dict get $t items]
    if {[llength $items]} {
        lappend out "预览（共 [llength $items] 条）：标题 | 发布时间 | 作者 | 回复 | 浏览 | 链接"
        set i 0
        foreach it [lrange $items 0 9] {
            set row {}
            foreach k {title published author replies views url} {
                lappend row [expr {[dict exists $it $k] && [dict get $it $k] ne "" ? [dict get $it $k] : "-"}]
            }
            lappend out "  [incr i]. [join $row { | }]"
        }
    }
    set d [dict get $t detail]
    if {[dict size $d]} {
        set body [expr {[dict exists $d body] ? [dict get $d body] : ""}]
        if {$body eq ""} {
            lappend out "详情页：未能取得正文（[dict get $d url]）"
        } else {
            lappend out "详情页（第 1 条）：[expr {[dict exists $d title] ? [dict get $d title] : "-"}] | [expr {[dict exists $d published] ? [dict get $d published] : "-"}] | [expr {[dict exists $d author] ? [dict get $d author] : "-"}]"
            lappend out "  正文：[string range [regsub -all {\s+} $body " "] 0 119]"
        }
    }
    foreach f [dict get $t feeds] { lappend out "发现订阅源：$f（可用 type feed 添加）" }
    return [join $out \n]
}

# crawl::try::console: `source try` (declared in source.tcl) on URL with rule EDITS, the fetch
# options GIVEN (proxy internal robots headers cookies; "" = not given): the report, or with a
# NAME (-save) the source added with TIER and TITLE. Saving refuses a page whose rules find no items.
proc crawl::try::console {url rules given name tier title} {
    if {[catch {dict size $rules}]} { error "-rules 应为成对的规则名和 XPath" }
    set opts [dict filter $given value ?*]
    if {$name ne ""} {
        org::require source.manage
        if {![regexp {^[A-Za-z0-9_.-]{1,64}$} $name]} { error "采集源名称应为 1 到 64 个字母、数字或 _ . -，未保存：$url" }
        if {[db exists {SELECT 1 FROM source WHERE name = $name}]} { error "采集源 \"$name\" 已存在，未保存：$url" }
    }
    set t [wait $url $rules $opts]
    if {$name eq ""} { return [report $t] }
    if {![llength [dict get $t items]]} { error "规则在 $url 上没有找到条目，未保存" }
    set made [made [dict get $t proposed] [dict get $t rules]]
    save $name $url $tier $title [dict get $t rules] $made $opts
    return "已保存采集源 $name（[llength [dict get $t items]] 条，规则：$made）"
}

# ---- the web's queue (migration 025): a worker stores the request, the background fetches ------
#
# A web worker never waits for a fetch: POST /source-try (scripts/web/sourcetry.tcl) checks the
# request (crawl::try::problems) and stores a row of source_try (crawl::try::queue); the background
# interpreter's job `sourcetry` (every 2 s, crawl::try::pickup) starts crawl::try::run on the queued
# rows, each in its own coroutine on the patrol's fetch path, and stores the bounded preview
# (crawl::try::Keep) or the Chinese reason it failed. Rows older than a day go in the same job.

namespace eval crawl::try {
    variable maxUrl 2000       ;# characters of a pasted URL
    variable maxRule 1000      ;# characters of one rule
    variable maxEdits 8000     ;# characters of all the rules of one preview
    variable maxPending 3      ;# rows one user may have queued or running
    variable maxRunning 4      ;# tries the background runs at once
    variable keepSeconds 86400 ;# a row is removed this long after it was made
    variable previewItems 20   ;# preview rows kept
    variable ruleKeys {item link title time author replies views reposts next pages detail body}
    variable running           ;# id -> its coroutine, in the background interpreter
    array set running {}
    variable recovered 0       ;# 1 once this interpreter has failed the rows a previous one left running
}

# crawl::try::problems: what is wrong with a try of URL with rule EDITS and fetch OPTS (proxy) for
# user UID, as Chinese sentences (empty: none): the URL's form and length, the proxy's form, the
# rules' sizes, value types and XPath syntax, and UID's rows still queued or running. Changes
# nothing.
proc crawl::try::problems {uid url edits opts} {
    variable maxUrl
    variable maxRule
    variable maxEdits
    variable maxPending
    variable ruleKeys
    set p {}
    if {$url eq ""} {
        lappend p "请粘贴列表页的网址"
    } elseif {[string length $url] > $maxUrl} {
        lappend p "网址过长（[string length $url] 个字符，最多 $maxUrl 个）"
    } elseif {[regexp {\s} $url] || [catch {url parse $url} u] || [dict get $u scheme] ni {http https}
              || [dict get $u host] eq ""} {
        lappend p "网址须以 http:// 或 https:// 开头，且不含空格"
    }
    set proxy [expr {[dict exists $opts proxy] ? [dict get $opts proxy] : ""}]
    if {$proxy ne "" && ![regexp {^(https?|socks5h?)://[^\s/]+/?$} $proxy]} {
        lappend p "代理须形如 http://主机:端口"
    }
    set total 0
    dict for {k v} $edits {
        if {$k ni $ruleKeys} { lappend p "没有名为 $k 的规则"; continue }
        incr total [string length $v]
        if {[string length $v] > $maxRule} { lappend p "规则 $k 过长（最多 $maxRule 个字符）"; continue }
        if {$v eq ""} { continue }
        if {$k eq "pages"} {
            if {![string is entier -strict $v] || $v < 1 || $v > 100} { lappend p "规则 pages（翻页数）须为 1 到 100 的整数" }
        } elseif {$k eq "detail"} {
            if {$v ni {0 1}} { lappend p "规则 detail（抓取详情页）须为 0 或 1" }
        } elseif {[set why [XPathProblem $v]] ne ""} {
            lappend p "规则 $k 的 XPath 有误：$why"
        }
    }
    if {$total > $maxEdits} { lappend p "规则合计过长（最多 $maxEdits 个字符）" }
    set n [db onecolumn {SELECT count(*) FROM source_try WHERE user_id = $uid AND state IN ('queued','running')}]
    if {$n >= $maxPending} {
        lappend p "您已有 $n 个网址正在排队或抓取（每人最多 $maxPending 个），请等其完成后再提交"
    }
    return $p
}

# crawl::try::XPathProblem: "" when EXPR compiles as XPath, else libxml2's reason (evaluated on an
# empty document: nothing is fetched).
proc crawl::try::XPathProblem {expr} {
    set doc [html doc <html></html>]
    try {
        if {[catch {$doc xpath $expr} msg]} { return $msg }
    } finally {
        $doc delete
    }
    return ""
}

# crawl::try::queue: store a try of URL with rule EDITS and fetch OPTS for user UID (PARENT: the
# try whose rules were edited, "" = none), with its audit entry, in one transaction. Returns the
# new row's id. The caller has checked crawl::try::problems.
proc crawl::try::queue {uid url edits opts {parent ""}} {
    set at [yqbox::iso]
    db transaction immediate {
        db eval {INSERT INTO source_try(user_id, parent, url, edits, opts, created)
                 VALUES($uid, nullif($parent, ''), $url, $edits, $opts, $at)}
        set id [db last_insert_rowid]
        audit::record source.try source_try:$id -after [string trim "$url $edits"]
    }
    return $id
}

# crawl::try::Keep: the part of try result T (crawl::try::run) a row keeps, bounded: url status
# bytes proposed rules count, items (the first previewItems, each title published author replies
# views url), detail (url title published author, body cut to 400 characters), feeds (at most 10).
proc crawl::try::Keep {t} {
    variable previewItems
    set items {}
    foreach it [lrange [dict get $t items] 0 $previewItems-1] {
        set row {}
        foreach k {title published author replies views url} {
            dict set row $k [string range [expr {[dict exists $it $k] ? [dict get $it $k] : ""}] 0 499]
        }
        lappend items $row
    }
    set detail {}
    if {[dict size [dict get $t detail]]} {
        set d [dict get $t detail]
        foreach k {url title published author body} {
            dict set detail $k [expr {[dict exists $d $k] ? [dict get $d $k] : ""}]
        }
        dict set detail body [string range [regsub -all {\s+} [string trim [dict get $detail body]] " "] 0 399]
        dict set detail title [string range [dict get $detail title] 0 499]
    }
    dict create url [dict get $t url] status [dict get $t status] bytes [dict get $t bytes] \
        proposed [dict get $t proposed] rules [dict get $t rules] count [llength [dict get $t items]] \
        items $items detail $detail feeds [lrange [dict get $t feeds] 0 9]
}

# crawl::try::pickup: the job `sourcetry`: on its first run in this interpreter mark the rows a
# previous one left running as failed (a restart or reload ended their coroutines), remove rows
# older than keepSeconds, and start the queued rows (oldest first) while fewer than maxRunning
# run. Returns a summary in Chinese.
proc crawl::try::pickup {} {
    variable running
    variable recovered
    variable maxRunning
    variable keepSeconds
    set now [yqbox::iso]
    set old [yqbox::iso [expr {[yqbox::now] - $keepSeconds}]]
    db transaction immediate {
        if {!$recovered} {
            db eval {UPDATE source_try SET state = 'failed', finished = $now,
                         error = '抓取因服务重启或重新加载而中断，请重新提交'
                     WHERE state = 'running'}
            set recovered 1
        }
        db eval {DELETE FROM source_try WHERE created < $old}
        set removed [db changes]
    }
    set started 0
    set free [expr {$maxRunning - [array size running]}]
    if {$free > 0} {
        foreach {id url edits opts} [db eval {SELECT id, url, edits, opts FROM source_try
                                              WHERE state = 'queued' ORDER BY id LIMIT $free}] {
            job::item "试抓 $id" {
                db eval {UPDATE source_try SET state = 'running' WHERE id = $id AND state = 'queued'}
                set running($id) ::crawl::try::work$id
                coroutine $running($id) crawl::try::Work $id $url $edits $opts
                incr started
            }
        }
    }
    set queued [db onecolumn {SELECT count(*) FROM source_try WHERE state = 'queued'}]
    return "开始 $started 个，抓取中 [array size running] 个，排队 $queued 个，删除过期 $removed 个"
}

# crawl::try::Work: the coroutine of try ID: crawl::try::run URL EDITS OPTS, then the row done with
# its preview, or failed with the reason (a message that is not Chinese, a bug, is logged and
# shown as an error of the box). Returns nothing.
proc crawl::try::Work {id url edits opts} {
    variable running
    try {
        if {[catch {run $url $edits $opts} t ropts]} {
            if {![regexp {[\u4e00-\u9fff]} $t]} {
                ::log error "source try $id ($url): [dict get $ropts -errorinfo]"
                set t "抓取时系统出错，已记录日志：$t"
            }
            set err [string range $t 0 999]
            set at [yqbox::iso]
            db eval {UPDATE source_try SET state = 'failed', error = $err, finished = $at WHERE id = $id}
        } else {
            set keep [Keep $t]
            set at [yqbox::iso]
            db eval {UPDATE source_try SET state = 'done', result = $keep, finished = $at WHERE id = $id}
        }
    } on error {msg o} {
        ::log error "source try $id: [dict get $o -errorinfo]"
    } finally {
        unset -nocomplain running($id)
    }
    return
}

# crawl::try::row: the row of try ID as a dict (id user_id parent url edits opts state result error
# saved created finished), or {} when there is none.
proc crawl::try::row {id} {
    set out {}
    if {![string is entier -strict $id] || $id <= 0 || $id > 1e15} { return {} }
    db eval {SELECT * FROM source_try WHERE id = $id} r {
        unset r(*)
        set out [array get r]
    }
    return $out
}

# crawl::try::saveRow: save try ROW (a dict, crawl::try::row, state done) as source NAME of TIER
# with TITLE, recording how its rules were made, for the current principal (origin web). Returns
# {} and the source's id, or the Chinese problems and "" (nothing saved): a bad or taken name, a
# bad tier, a title over 200 characters, a preview that found no items.
proc crawl::try::saveRow {row name tier title} {
    set p {}
    if {![regexp {^[A-Za-z0-9_.-]{1,64}$} $name]} {
        lappend p "标识须为 1 到 64 个字母、数字或 _ . -"
    } elseif {[db exists {SELECT 1 FROM source WHERE name = $name}]} {
        lappend p "采集源标识 “$name” 已被使用，请换一个"
    }
    if {$tier ni $::crawl::tiers} { lappend p "请选择类别" }
    if {[string length $title] > 200} { lappend p "名称过长（最多 200 个字符）" }
    if {[dict get $row state] ne "done"} {
        lappend p "这次试抓没有完成，不能保存"
    } elseif {![dict get $row result count]} {
        lappend p "规则在 [dict get $row url] 上没有找到条目，未保存：请修改规则并预览"
    }
    if {[llength $p]} { return [list $p ""] }
    set t [dict get $row result]
    set made [made [dict get $t proposed] [dict get $t rules]]
    set rowId [dict get $row id]
    db transaction immediate {
        set id [save $name [dict get $row url] $tier $title [dict get $t rules] $made [dict get $row opts] web]
        db eval {UPDATE source_try SET saved = $name WHERE id = $rowId}
    }
    list {} $id
}

job::define sourcetry 网址试抓 2 crawl::try::pickup -catchup last
