# crawl.tcl - the patrol (巡查): sources, the schedule, one patrol of a source, posts, health.
#
# A source is data: `source NAME {type feed url URL tier local ...}` in appliance.conf, or added
# from the console (source add). Each source type is a module in scripts/crawl/ that registers
# itself with `crawl::type NAME -title 中文 -check CMD -patrol CMD` (see crawl::type): the check
# validates the type's rules, the patrol fetches and parses, returning item dicts (url title body
# author published replies views reposts). That registry is the only list of types: config
# validation, the admin form, the templates, `crawl types` and the patrol read it.
#
# A patrol runs as a coroutine in the interpreter's event loop: crawl::get yields until the fetch
# engine (src/fetch.c) answers, so many patrols run at once without threads and without blocking
# the loop. Before a URL is fetched, robots.txt of its host is honoured (RFC 9309, cached a day)
# unless the source is exempted; list pages and feeds are fetched conditionally, and an unchanged
# page (304 or the same SHA-256) costs no parsing. Items become posts (one per canonical URL; the
# same content twice is stored once) and their reaction metrics are re-sampled on every visit
# within crawl_sample_hours. Every patrol updates the source's health: weighted consecutive
# failures flag it and then pause it (an alert each time); a rule that used to yield items and now
# yields none, and a feed silent for too long, flag it too.
#
# The schedule (crawl::tick, a background job) follows the patrol clock of calendar.tcl (hourly in office hours on
# working days, every 2 hours otherwise, three fixed patrol points), or a source's own interval,
# with jitter.

namespace eval crawl {
    variable types {}       ;# source type name -> its registration (crawl::type), in order
    variable tierTitles {central 中央媒体 portal 门户网站 local 本地媒体 forum 论坛社区 government 政府网站}
    variable tiers [dict keys $tierTitles]   ;# the tier names, in the titles' order
    variable fields {type url tier title rules headers cookies proxy internal robots interval enabled}
    variable running        ;# source name -> 1 while its patrol runs
    array set running {}
    variable results        ;# source name -> the last patrol's summary dict
    array set results {}
    variable hooks {}       ;# commands called with {new IDS changed IDS} after posts are stored
    variable seq 0
}

conf::key crawl_useragent string "yqbox/[dict get [yqbox::versions] yqbox] (county public-opinion patrol)" \
    "采集程序的 User-Agent（其第一个词也是 robots.txt 中匹配的产品标识）"
conf::key crawl_maxconns {integer 1 256} 16 "采集程序同时进行的传输数"
conf::key crawl_perhost {integer 1 16} 2 "对同一主机同时进行的传输数"
conf::key crawl_delay_ms {integer 0 600000} 1000 "对同一主机两次请求之间的最短间隔（毫秒）"
conf::key crawl_timeout {integer 1 600} 30 "一次请求最长可用的秒数"
conf::key crawl_maxsize {integer 1024 268435456} 8388608 "采集程序接受的最大网页（字节）"
conf::key crawl_retries {integer 0 10} 2 "暂时性失败（超时、429、503）的重试次数"
conf::key crawl_cafile path /etc/ssl/certs/ca-certificates.crt \
    "https 采集源所用的 CA 证书（PEM 证书包）"
conf::key crawl_sample_hours {integer 0 8760} 72 \
    "帖子首次发现后的此小时数内重复采样其回复、浏览、转发数"
conf::key crawl_detail_max {integer 0 10000} 50 "一次巡查一个采集源最多抓取的详情页数"
conf::key crawl_jitter_pct {integer 0 50} 10 "巡查的随机延迟，占巡查间隔的百分比"
conf::key source_flag_after {number 0.5 1000} 3 \
    "连续加权失败达到此数时标记采集源异常（硬错误计 1，超时计 0.5）"
conf::key source_pause_after {number 1 1000} 8 "连续加权失败达到此数时暂停采集源"
conf::key source_silent_hours {integer 0 87600} 72 \
    "订阅源在此小时数内没有新帖即标记异常（0 表示从不）"
conf::key fetch_log_days {integer 1 3650} 30 "巡查日志（fetch 表）保留的天数"
conf::key crawl_enabled boolean 1 "服务运行时按计划巡查（crawl now 手动巡查不受此影响）"
conf::key source {block crawl::checkSource} {} \
    "一个要巡查的采集源：source 标识 {type 类型 url 网址 tier 来源级别 …}" \
    -more {apply {{} { return "；类型可为 [join [crawl::types] |]" }}}

# ---- source types -------------------------------------------------------------------------------

# crawl::type: register source type NAME, from the file that implements it. Options:
#   -title TEXT     its name shown to people, in Chinese (required)
#   -check CMD      CMD RULES errors unless RULES (a dict) are valid rules of the type (required)
#   -patrol CMD     CMD SOURCE patrols SOURCE (its row as a dict) inside a patrol coroutine and
#                   returns the outcome: crawl::ok ITEMS, crawl::unchanged or crawl::failure R
#   -silence 0|1    1: a source of the type with no new post for source_silent_hours is flagged
#                   (for feeds, which always list their newest entries; default 0)
# Returns NAME. Errors (a bug in the registration) for a bad name, a second registration of NAME,
# an unknown option or a missing one.
proc crawl::type {name args} {
    variable types
    if {![regexp {^[a-z][a-z0-9_-]{0,31}$} $name]} {
        error "a source type name is a lower-case letter then up to 31 letters, digits, _ or -, got \"$name\""
    }
    if {[dict exists $types $name]} { error "source type \"$name\" registered twice" }
    if {[llength $args] % 2} { error "usage: crawl::type NAME -title TEXT -check CMD -patrol CMD ?-silence 0|1?" }
    set t [dict create -silence 0]
    foreach {k v} $args {
        if {$k ni {-title -check -patrol -silence}} {
            error "unknown option \"$k\": must be -title, -check, -patrol or -silence"
        }
        dict set t $k $v
    }
    foreach k {-title -check -patrol} {
        if {![dict exists $t $k] || [dict get $t $k] eq ""} { error "source type \"$name\" lacks $k" }
    }
    if {![string is boolean -strict [dict get $t -silence]]} { error "-silence must be a boolean" }
    dict set types $name [dict create title [dict get $t -title] check [dict get $t -check] \
        patrol [dict get $t -patrol] silence [expr {[dict get $t -silence] ? 1 : 0}]]
    return $name
}

# crawl::types: the registered source type names, in registration order.
proc crawl::types {} {
    variable types
    dict keys $types
}

# crawl::typeInfo: the registration of source type NAME (a dict: title check patrol silence), after
# crawl::checkType.
proc crawl::typeInfo {name} {
    variable types
    checkType $name
    dict get $types $name
}

# crawl::checkType: errors (in Chinese, listing the registered types with their titles) unless NAME
# is a registered source type. Returns nothing.
proc crawl::checkType {name} {
    variable types
    if {![dict exists $types $name]} {
        set known [join [lmap {n t} $types { string cat $n " " [dict get $t title] }] 、]
        error "没有名为“$name”的采集源类型，可选：$known"
    }
}

# crawl::typeChoices: the registered types as {NAME TITLE ...} pairs (for a select's options).
proc crawl::typeChoices {} {
    variable types
    set out {}
    dict for {n t} $types { lappend out $n [dict get $t title] }
    return $out
}

# ---- sources -----------------------------------------------------------------------------------

# crawl::checkSource: errors unless BODY is a valid definition of source NAME. Returns BODY with
# defaults filled in.
proc crawl::checkSource {name body} {
    variable tiers
    variable fields
    if {![regexp {^[A-Za-z0-9_.-]{1,64}$} $name]} {
        yq::fail source.badname
    }
    foreach k [dict keys $body] {
        if {$k ni $fields} { yq::fail source.field $k [join $fields 、] }
    }
    foreach k {type url tier} {
        if {![dict exists $body $k] || [dict get $body $k] eq ""} { yq::fail source.needfield $k }
    }
    set s [dict merge {title "" rules {} headers {} cookies "" proxy "" internal 0 robots 1 interval 0 enabled 1} $body]
    checkType [dict get $s type]
    if {[dict get $s tier] ni $tiers} {
        variable tierTitles
        yq::fail source.tier [dict get $s tier] [join [lmap {n t} $tierTitles { string cat $n " " $t }] 、]
    }
    if {[catch {url parse [dict get $s url]} u] || [dict get $u scheme] ni {http https}} {
        yq::fail source.url [dict get $s url]
    }
    if {[dict get $s proxy] ne "" && ![regexp {^(https?|socks5h?)://[^\s/]+/?$} [dict get $s proxy]]} {
        yq::fail source.proxy [dict get $s proxy]
    }
    foreach k {internal robots enabled} {
        if {![string is boolean -strict [dict get $s $k]]} { yq::fail source.bool $k [dict get $s $k] }
        dict set s $k [expr {[dict get $s $k] ? 1 : 0}]
    }
    if {![string is entier -strict [dict get $s interval]] || [dict get $s interval] < 0} {
        yq::fail source.interval [dict get $s interval]
    }
    foreach k {rules headers} {
        if {[catch {dict size [dict get $s $k]}]} { yq::fail source.pairs $k }
    }
    {*}[dict get [typeInfo [dict get $s type]] check] [dict get $s rules]
    return $s
}

# crawl::source: the row of source NAME as a dict; errors if there is none.
proc crawl::source {name} {
    set found 0
    db eval {SELECT * FROM source WHERE name = $name} r {
        set found 1
        unset r(*)
        set row [array get r]
    }
    if {!$found} { yq::fail source.none $name }
    return $row
}

# crawl::sync: make the sources table match appliance.conf's `source` blocks (origin config):
# added, updated, and those no longer in the file disabled. One transaction; returns the changes.
proc crawl::sync {} {
    set want [conf::get source]
    set at [yqbox::iso]
    set changes {}
    db transaction immediate {
        dict for {name body} $want {
            set s [checkSource $name $body]
            dict with s {}
            set origin [db onecolumn {SELECT origin FROM source WHERE name = $name}]
            if {$origin eq ""} {
                db eval {INSERT INTO source(name, title, type, url, tier, rules, headers, cookies, proxy,
                                            internal, robots, interval, enabled, origin, created, updated)
                         VALUES($name, $title, $type, $url, $tier, $rules, $headers, $cookies, $proxy,
                                $internal, $robots, $interval, $enabled, 'config', $at, $at)}
                lappend changes added $name
                audit::record source.create source:$name -after "from appliance.conf: $type $url"
            } elseif {[db exists {SELECT 1 FROM source WHERE name = $name AND NOT (
                          title IS $title AND type IS $type AND url IS $url AND tier IS $tier AND
                          rules IS $rules AND headers IS $headers AND cookies IS $cookies AND
                          proxy IS $proxy AND internal IS $internal AND robots IS $robots AND
                          interval IS $interval AND origin = 'config')}]} {
                db eval {UPDATE source SET title = $title, type = $type, url = $url, tier = $tier,
                                rules = $rules, headers = $headers, cookies = $cookies, proxy = $proxy,
                                internal = $internal, robots = $robots, interval = $interval,
                                origin = 'config', updated = $at WHERE name = $name}
                lappend changes updated $name
                audit::record source.update source:$name -after "from appliance.conf: $type $url"
            }
        }
        foreach name [db eval {SELECT name FROM source WHERE origin = 'config' AND enabled = 1}] {
            if {![dict exists $want $name]} {
                db eval {UPDATE source SET enabled = 0, reason = '已从 appliance.conf 删除', updated = $at
                         WHERE name = $name}
                lappend changes disabled $name
                audit::record source.disable source:$name -after "no longer in appliance.conf"
            }
        }
    }
    return $changes
}

# ---- fetching ----------------------------------------------------------------------------------

# crawl::engine: configure the fetch engine from the config (cheap; called before each patrol).
proc crawl::engine {} {
    set ca [conf::path crawl_cafile]
    fetch configure -useragent [conf::get crawl_useragent] -maxconns [conf::get crawl_maxconns] \
        -perhost [conf::get crawl_perhost] -delay [conf::get crawl_delay_ms] \
        -timeout [expr {1000 * [conf::get crawl_timeout]}] -maxsize [conf::get crawl_maxsize] \
        -retries [conf::get crawl_retries] -cafile [expr {[file readable $ca] ? $ca : ""}]
}

# crawl::get: fetch URL for source SRC from inside a patrol coroutine; yields until done. Options:
# -conditional 1 (use the page table's validators, and update them when the patrol succeeds, see
# crawl::Seen; an unchanged page comes back with unchanged 1), -robots 0 (skip the robots.txt check: used for robots.txt itself),
# -decode 0 (leave `text` empty: the caller decodes the bytes elsewhere). Returns the
# engine's result dict plus `text` (the body decoded to UTF-8, "" when unchanged or failed) and
# `unchanged`; a URL robots.txt disallows comes back with kind robots. Logs the exchange.
proc crawl::get {src url args} {
    set o [dict merge {-conditional 0 -robots 1 -decode 1} $args]
    set sid [dict get $src id]
    if {[dict get $o -robots] && [dict get $src robots] && ![robotsAllowed $src $url]} {
        logFetch $sid $url 0 robots "robots.txt 不允许" 0 0
        return [dict create url $url status 0 kind robots error [yq::mc crawl.robots $url] \
                    text "" unchanged 0 body "" content_type ""]
    }
    # a source marked internal may reach its own host on a private address, nothing else
    set opts [list -internal [expr {[dict get $src internal]
                                    ? [list [dict get [url parse [dict get $src url]] host]] : 0}]]
    if {[dict get $src headers] ne ""} { lappend opts -headers [dict get $src headers] }
    if {[dict get $src cookies] ne ""} { lappend opts -cookies [dict get $src cookies] }
    if {[dict get $src proxy] ne ""} { lappend opts -proxy [dict get $src proxy] }
    set old {}
    if {[dict get $o -conditional]} {
        lappend opts -hash 1
        db eval {SELECT etag, last_modified, sha256 FROM page WHERE url = $url} p {
            set old [array get p]
            lappend opts -etag $p(etag) -lastmodified $p(last_modified)
        }
    }
    fetch get $url {*}$opts -command [list [info coroutine]]
    set r [yield]
    set unchanged [expr {[dict get $r status] == 304 ||
        ([dict get $r status] == 200 && $old ne "" && [dict get $old sha256] eq [dict get $r sha256])}]
    dict set r unchanged $unchanged
    dict set r text ""
    set note ""
    if {[dict get $r kind] eq "" && [dict get $r status] == 200 && !$unchanged && [dict get $o -decode]} {
        dict set r text [charset decode [dict get $r body] -contenttype [dict get $r content_type]]
    }
    if {$unchanged} { set note unchanged }
    if {[dict get $o -conditional] && [dict get $r status] == 200} {
        # remembered only when the patrol succeeds (crawl::Seen): a page whose items could not be
        # read (a bad rule) must not count as seen, or fixing the rule finds nothing
        variable pending
        lappend pending([info coroutine]) $url [dict get $r etag] [dict get $r last_modified] \
            [dict get $r sha256] [yqbox::iso]
    }
    logFetch $sid $url [dict get $r status] [dict get $r kind] $note [dict get $r bytes] [dict get $r time_ms]
    return $r
}

# crawl::Seen: the patrol running in coroutine CORO ended; when OK, store the validators of the
# pages crawl::get fetched conditionally in it (the page table), else forget them. Returns nothing.
proc crawl::Seen {coro ok} {
    variable pending
    if {![info exists pending($coro)]} { return }
    if {$ok} {
        foreach {url etag lm sha at} $pending($coro) {
            db eval {INSERT INTO page(url, etag, last_modified, sha256, fetched, status)
                     VALUES($url, $etag, $lm, $sha, $at, 200)
                     ON CONFLICT(url) DO UPDATE SET etag = $etag, last_modified = $lm, sha256 = $sha,
                                                    fetched = $at, status = 200}
        }
    }
    unset pending($coro)
}

# crawl::logFetch: one row of the patrol log (SID "" for a fetch of no saved source: source try).
proc crawl::logFetch {sid url status kind note bytes ms} {
    set at [yqbox::iso]
    db eval {INSERT INTO fetch(source_id, url, at, status, kind, note, bytes, ms)
             VALUES(nullif($sid, ''), $url, $at, $status, $kind, $note, $bytes, $ms)}
}

# crawl::robotsAllowed: whether robots.txt of URL's host lets the crawler fetch URL. robots.txt is
# fetched at most once a day per host (kept in the page table); 4xx means no rules, an unreachable
# or 5xx robots.txt means nothing may be fetched (RFC 9309 2.3.1).
proc crawl::robotsAllowed {src url} {
    set robotsUrl [url resolve $url /robots.txt]
    set dayAgo [yqbox::iso [expr {[yqbox::now] - 86400}]]
    set cached [db eval {SELECT status, body FROM page WHERE url = $robotsUrl AND fetched > $dayAgo}]
    if {[llength $cached]} {
        lassign $cached status body
    } else {
        set r [get $src $robotsUrl -robots 0]
        set status [dict get $r status]
        set body [dict get $r body]
        if {[dict get $r kind] ne ""} { set status 599 }
        set at [yqbox::iso]
        db eval {INSERT INTO page(url, body, fetched, status) VALUES($robotsUrl, $body, $at, $status)
                 ON CONFLICT(url) DO UPDATE SET body = $body, fetched = $at, status = $status}
    }
    if {$status >= 400 && $status < 500} { return 1 }
    if {$status != 200} { return 0 }
    robots allowed [encoding convertfrom utf-8 $body] [lindex [conf::get crawl_useragent] 0] $url
}

# ---- one patrol ---------------------------------------------------------------------------------

# crawl::patrol: start a patrol of source NAME (unless one is running). Returns 1 if started.
proc crawl::patrol {name} {
    variable running
    variable seq
    if {[info exists running($name)]} { return 0 }
    set running($name) 1
    coroutine ::crawl::co[incr seq] crawl::Run $name
    return 1
}

# crawl::Run: the body of one patrol (a coroutine): fetch and parse per the source's type, store
# the items as posts, update health and the next due time, and report to crawl::results.
proc crawl::Run {name} {
    variable running
    variable results
    variable hooks
    set t0 [clock milliseconds]
    set summary [dict create source $name items 0 new 0 changed 0 error "" kind ""]
    try {
        if {[dict get [disk::check] low]} {
            # too little disk: store nothing new (disk::check logged and noticed the change)
            dict set summary status paused
            dict set summary error "磁盘空间不足（低于 disk_floor_bytes），采集已暂停"
            return
        }
        engine
        set src [source $name]
        set out [{*}[dict get [typeInfo [dict get $src type]] patrol] $src]
        # out: dict with items (list of item dicts), status ok|unchanged|failed, error, kind
        set stored {new {} changed {} sampled {}}
        if {[dict get $out status] eq "ok"} {
            set stored [store $src [dict get $out items]]
        }
        Seen [info coroutine] [expr {[dict get $out status] in {ok unchanged}}]
        dict set summary items [llength [dict get $out items]]
        dict set summary new [llength [dict get $stored new]]
        dict set summary changed [llength [dict get $stored changed]]
        dict set summary error [dict get $out error]
        dict set summary kind [dict get $out kind]
        dict set summary status [dict get $out status]
        health $src $summary
        foreach h $hooks {
            if {[catch {{*}$h $stored} msg]} { ::log error "crawl hook $h: $msg" }
        }
    } on error {msg opts} {
        dict set summary status failed
        dict set summary error $msg
        dict set summary kind script
        ::log error "patrol of $name: [dict get $opts -errorinfo]"
        catch {health [source $name] $summary}
    } finally {
        catch {Seen [info coroutine] 0}
        catch {schedule $name}
        dict set summary ms [expr {[clock milliseconds] - $t0}]
        set results($name) $summary
        unset -nocomplain running($name)
    }
}

# crawl::failure: the patrol outcome for a failed fetch result R ("" when R is a usable answer).
proc crawl::failure {r} {
    if {[dict get $r kind] ne ""} {
        return [dict create status failed items {} error [dict get $r error] kind [dict get $r kind]]
    }
    if {[dict get $r status] ni {200 304}} {
        return [dict create status failed items {} error "HTTP [dict get $r status]" kind http]
    }
    return ""
}

# crawl::ok: the patrol outcome for ITEMS found.
proc crawl::ok {items} {
    dict create status ok items $items error "" kind ""
}

# crawl::unchanged: the patrol outcome when the page did not change.
proc crawl::unchanged {} {
    dict create status unchanged items {} error "" kind ""
}

# crawl::checkRules: errors unless RULES only has the fields in ALLOWED and holds REQUIRED; and
# that the fields in BOOLEANS are booleans and in INTEGERS integers.
proc crawl::checkRules {rules allowed {required {}} {booleans {}} {integers {}}} {
    foreach k [dict keys $rules] {
        if {$k ni $allowed} { yq::fail source.rule $k [join $allowed 、] }
    }
    foreach k $required {
        if {![dict exists $rules $k] || [dict get $rules $k] eq ""} { yq::fail source.needrule $k }
    }
    foreach k $booleans {
        if {[dict exists $rules $k] && ![string is boolean -strict [dict get $rules $k]]} {
            yq::fail source.boolrule $k [dict get $rules $k]
        }
    }
    foreach k $integers {
        if {[dict exists $rules $k] && ![string is entier -strict [dict get $rules $k]]} {
            yq::fail source.intrule $k [dict get $rules $k]
        }
    }
}

# crawl::rule: the value of rule K in source SRC's rules, or DEFAULT.
proc crawl::rule {src k {default ""}} {
    set rules [dict get $src rules]
    expr {[dict exists $rules $k] ? [dict get $rules $k] : $default}
}

# crawl::details: the common list-page step of the html, json and sitemap types: for ITEMS found on
# a list, fetch the detail pages of the new ones (at most crawl_detail_max) with DETAILCMD ITEM
# (returns the item completed), and return all items.
proc crawl::details {src items detailCmd} {
    set max [conf::get crawl_detail_max]
    set out {}
    foreach it $items {
        set u [dict get $it url]
        if {$max > 0 && ![db exists {SELECT 1 FROM post WHERE url = $u}]} {
            incr max -1
            set it [{*}$detailCmd $it]
        }
        lappend out $it
    }
    return $out
}

# crawl::extractDetail: fetch an item's page and fill body (and missing title, author, published)
# with the source's body XPath rule, or with the general article extractor (relative publish
# times on the page, 昨天 or 3分钟前, count from the fetch time). The extractor decodes and extracts
# on the extraction thread (page async), so that this thread stores other patrols' posts meanwhile.
proc crawl::extractDetail {src it} {
    set rules [dict get $src rules]
    set bodyRule [expr {[dict exists $rules body] ? [dict get $rules body] : ""}]
    set r [get $src [dict get $it url] -decode [expr {$bodyRule ne ""}]]
    if {[dict get $r kind] ne "" || [dict get $r status] != 200} { return $it }
    if {$bodyRule eq ""} {
        page async [dict get $r body] -contenttype [dict get $r content_type] -now [yqbox::iso] \
            -command [list [info coroutine]]
        set x [yield]
        if {[dict get $x error] ne ""} { error [dict get $x error] }
    } else {
        set doc [html doc [dict get $r text] -url [dict get $r final_url]]
        try {
            set x [$doc extract -now [yqbox::iso]]
            dict set x body [join [$doc xpath $bodyRule] \n]
        } finally {
            $doc delete
        }
    }
    foreach k {title author published body} {
        if {(![dict exists $it $k] || [dict get $it $k] eq "") && [dict exists $x $k]} {
            dict set it $k [dict get $x $k]
        }
    }
    # a list page often gives only the date: the detail page's time of day is better
    if {[dict exists $it published] && [string match *T00:00:00* [dict get $it published]]
        && [string range [dict get $x published] 0 9] eq [string range [dict get $it published] 0 9]} {
        dict set it published [dict get $x published]
    }
    if {[dict get $x body] ne ""} { dict set it body [dict get $x body] }
    return $it
}

# crawl::date: TEXT as an ISO time (relative forms measured from now), or "" when it is no date.
proc crawl::date {text} {
    if {[string trim $text] eq ""} { return "" }
    if {[catch {::date parse $text -now [yqbox::iso]} iso]} { return "" }
    return $iso
}

# crawl::count: TEXT as a non-negative integer (1.2万 → 12000, "1,234" → 1234), or "".
proc crawl::count {text} {
    set t [string map {, "" " " "" "，" ""} [string trim $text]]
    if {[regexp {^(\d+(?:\.\d+)?)万$} $t -> n]} { return [expr {entier($n * 10000)}] }
    if {[regexp {^\d+} $t n]} { return [scan $n %d] }
    return ""
}

# crawl::store: store ITEMS of source SRC as posts in one transaction. New URL → new post; known
# URL → last_seen, content updated when it changed, and a metrics sample within the sample window.
# Returns {new IDS changed IDS sampled IDS} (sampled: known posts that got a metrics sample).
# The new posts enter the full-text index together, in one statement at the end of the
# transaction (post_fts_defer: one index segment per batch, not one per post).
proc crawl::store {src items} {
    set sid [dict get $src id]
    set at [yqbox::iso]
    set until [yqbox::iso [expr {[yqbox::now] + 3600 * [conf::get crawl_sample_hours]}]]
    set new {}
    set changed {}
    set sampled {}
    db transaction immediate {
        # the new posts are indexed at the end with one statement (see 039-fts-merge.sql)
        db eval {UPDATE post_fts_defer SET deferred = 1}
        foreach it $items {
            set it [dict merge {title "" body "" author "" published "" replies "" views "" reposts ""} $it]
            dict with it {}
            if {[catch {url canonical $url} url]} { continue }
            set title [string trim $title]
            set body [string trim $body]
            if {$title eq "" && $body eq ""} { continue }
            set old [db eval {SELECT id, content_hash, sample_until, body FROM post WHERE url = $url}]
            # a list page without bodies keeps the body a detail page gave earlier
            if {$body eq "" && [llength $old]} { set body [lindex $old 3] }
            set hash [crypto sha256 "$title\n$body"]
            if {![llength $old]} {
                db eval {INSERT INTO post(source_id, url, title, body, author, published, first_seen,
                                          last_seen, content_hash, replies, views, reposts, sample_until)
                         VALUES($sid, $url, $title, $body, $author, $published, $at, $at, $hash,
                                nullif($replies, ''), nullif($views, ''), nullif($reposts, ''), $until)}
                set id [db last_insert_rowid]
                lappend new $id
            } else {
                lassign $old id oldHash sampleUntil
                db eval {UPDATE post SET last_seen = $at WHERE id = $id}
                if {$oldHash ne $hash} {
                    db eval {UPDATE post SET title = $title, body = $body, content_hash = $hash,
                                             author = CASE WHEN $author = '' THEN author ELSE $author END
                             WHERE id = $id}
                    lappend changed $id
                }
                if {$at > $sampleUntil} { continue }
            }
            if {"$replies$views$reposts" ne ""} {
                db eval {INSERT OR REPLACE INTO post_metric(post_id, at, replies, views, reposts)
                         VALUES($id, $at, nullif($replies, ''), nullif($views, ''), nullif($reposts, ''))}
                db eval {UPDATE post SET replies = coalesce(nullif($replies, ''), replies),
                                         views = coalesce(nullif($views, ''), views),
                                         reposts = coalesce(nullif($reposts, ''), reposts) WHERE id = $id}
                if {[llength $old]} { lappend sampled $id }
            }
        }
        db eval {UPDATE post_fts_defer SET deferred = 0}
        if {[llength $new]} {
            db eval "INSERT INTO post_fts(rowid, title, body)
                     SELECT id, title, body FROM post WHERE id IN ([join $new ,])"
        }
    }
    dict create new $new changed $changed sampled $sampled
}

# ---- health and schedule -------------------------------------------------------------------------

# crawl::health: update source SRC's health from a patrol SUMMARY (see the file comment); raise an
# alert when it becomes flagged or paused.
proc crawl::health {src summary} {
    set sid [dict get $src id]
    set name [dict get $src name]
    set at [yqbox::iso]
    set status [dict get $summary status]
    set kind [dict get $summary kind]
    set failures [dict get $src failures]
    set reason ""
    set weight 0
    if {$status eq "failed"} {
        set weight [expr {$kind in {timeout connect} ? 0.5 : 1.0}]
        set reason "巡查失败：[dict get $summary error]"
    } elseif {$status eq "ok" && [dict get $summary items] == 0 && [dict get $src yielded]} {
        set weight 1.0
        set reason "采集规则未取到任何条目（页面结构可能已改变）"
    }
    set failures [expr {$weight > 0 ? $failures + $weight : 0}]
    set state [dict get $src state]
    set newState ok
    if {$failures >= [conf::get source_pause_after]} {
        set newState paused
    } elseif {$failures >= [conf::get source_flag_after]} {
        set newState flagged
    }
    set silent [conf::get source_silent_hours]
    if {$newState eq "ok" && $silent > 0
        && ![catch {typeInfo [dict get $src type]} ti] && [dict get $ti silence]
        && [dict get $src last_new] ne ""
        && [yqbox::seconds [dict get $src last_new]] < [yqbox::now] - 3600 * $silent} {
        set newState flagged
        set reason "超过 $silent 小时没有新内容"
    }
    if {$state eq "paused" && $newState ne "paused"} { set newState paused; set reason [dict get $src reason] }
    set ok [expr {$status in {ok unchanged} ? $at : [dict get $src last_ok]}]
    set lastNew [expr {[dict get $summary new] > 0 ? $at : [dict get $src last_new]}]
    set yielded [expr {[dict get $src yielded] || [dict get $summary items] > 0}]
    set items [expr {$status eq "ok" ? [dict get $summary items] : [dict get $src last_items]}]
    if {$newState eq "ok" && $failures == 0} { set reason "" }
    db transaction immediate {
        db eval {UPDATE source SET state = $newState, failures = $failures, reason = $reason,
                                   last_fetch = $at, last_ok = $ok, last_new = $lastNew,
                                   last_items = $items, yielded = $yielded WHERE id = $sid}
        if {$newState ne $state && $newState ne "ok"} {
            set msg [expr {$newState eq "paused" ? "采集源 $name 已暂停：$reason" : "采集源 $name 异常：$reason"}]
            db eval {INSERT INTO alert(at, kind, object, message) VALUES($at, 'source.' || $newState, 'source:' || $name, $msg)}
            org::as {login system user_id {} roles {} unit_id {} unit {} origin system superuser 1} {
                audit::record source.$newState source:$name -before $state -after $reason
            }
        }
    }
}

# crawl::schedule: set source NAME's next due time: its own interval, or the next patrol point of
# the calendar, plus jitter.
proc crawl::schedule {name} {
    set now [yqbox::now]
    lassign [db eval {SELECT interval FROM source WHERE name = $name}] interval
    if {$interval eq ""} { return }
    if {$interval > 0} {
        set gap [expr {60 * $interval}]
    } else {
        set gap [expr {[dict get [calendar::nextpatrol $now] epoch] - $now}]
    }
    set jitter [expr {int(rand() * $gap * [conf::get crawl_jitter_pct] / 100.0)}]
    set due [yqbox::iso [expr {$now + $gap + $jitter}]]
    db eval {UPDATE source SET next_due = $due WHERE name = $name}
}

# crawl::tick: the patrol job (job.tcl, every minute in the server's background interpreter, and
# a second after the start): on its first run sync the sources from the config; start the patrols
# that are due (each source an item: one failing to start does not stop the others) and prune the
# patrol log. Returns a summary. Does nothing while crawl_enabled is off.
proc crawl::tick {} {
    variable synced
    if {![conf::get crawl_enabled]} { return "巡查已关闭（crawl_enabled 0）" }
    if {![info exists synced]} {
        sync
        set synced 1
    }
    set now [yqbox::iso]
    set n 0
    foreach name [db eval {SELECT name FROM source WHERE enabled = 1 AND state != 'paused'
                                  AND (next_due IS NULL OR next_due <= $now)}] {
        if {[job::item "采集源 $name 巡查" { patrol $name }]} { incr n }
    }
    set old [yqbox::iso [expr {[yqbox::now] - 86400 * [conf::get fetch_log_days]}]]
    db eval {DELETE FROM fetch WHERE at < $old}
    return "启动巡查 $n 个采集源"
}
job::define patrol 巡查调度 60 crawl::tick -first 1 -settle crawl::settle

# crawl::settle: wait (in the event loop) until every running patrol has finished: on the tests'
# simulated clock the scheduler moves the clock on only then (job.tcl). Returns the summaries.
proc crawl::settle {} {
    variable running
    wait [array names running]
}

# crawl::wait: wait (in the event loop) until the patrols of NAMES are finished; calls PROGRESS
# with each summary as it finishes. Returns the summaries.
proc crawl::wait {names {progress ""}} {
    variable running
    variable results
    set out {}
    set left $names
    while {[llength $left]} {
        foreach n $left {
            if {![info exists running($n)]} {
                lappend out $results($n)
                if {$progress ne ""} { {*}$progress $results($n) [llength $out] [llength $names] }
                set left [lsearch -all -inline -not -exact $left $n]
            }
        }
        if {[llength $left]} {
            after 50 [list set ::crawl::tickle 1]
            vwait ::crawl::tickle
        }
    }
    return $out
}

# ---- console ------------------------------------------------------------------------------------

# crawl: `crawl now ?SOURCE ...?` patrols now (all enabled sources, or those named), printing a
# progress line per source; `crawl status` shows what is running and the engine's counters;
# `crawl types` lists the registered source types (name and title).
cmdlayer::noun crawl "立即巡查全部或指定采集源（逐个显示进度），查看巡查状态，或列出可用的采集源类型"
cmdlayer::command crawl now {{args 采集源}} "立即巡查全部（或指定的）采集源，逐个显示进度" {
    crawl::sync
    set names [expr {[llength $args] ? $args :
                     [db eval {SELECT name FROM source WHERE enabled = 1 AND state != 'paused' ORDER BY name}]}]
    foreach n $names { crawl::source $n }
    if {![llength $names]} { return "没有可巡查的采集源" }
    foreach n $names { crawl::patrol $n }
    set done [crawl::wait $names crawl::Progress]
    set new [tcl::mathop::+ 0 {*}[lmap s $done { dict get $s new }]]
    set failed [llength [lmap s $done { expr {[dict get $s status] eq "failed" ? 1 : [continue]} }]]
    set paused [llength [lmap s $done { expr {[dict get $s status] eq "paused" ? 1 : [continue]} }]]
    if {$paused} { return "磁盘空间不足（低于 disk_floor_bytes），采集已暂停：$paused 个采集源未巡查" }
    return "巡查完成：[llength $names] 个采集源，新帖 $new 条[expr {$failed ? "，失败 $failed 个" : ""}]"
}
cmdlayer::command crawl status {} "正在巡查的采集源与抓取引擎的计数" {
    list running [array names crawl::running] engine [fetch stats]
}
cmdlayer::command crawl types {} "列出可用的采集源类型（名称和说明）" {
    join [lmap {n title} [crawl::typeChoices] { format "%-10s %s" $n $title }] \n
}

# crawl::Line: one human line for a patrol summary.
proc crawl::Line {s} {
    set status [dict get $s status]
    set text [dict get {ok 完成 unchanged 无变化 failed 失败 paused 暂停} $status]
    set line "[dict get $s source]: $text，条目 [dict get $s items]，新帖 [dict get $s new]，更新 [dict get $s changed]（[format %.1f [expr {[dict get $s ms] / 1000.0}]] 秒）"
    if {[dict get $s error] ne ""} { append line " — [dict get $s error]" }
    return $line
}

# crawl::Progress: print the progress line of a finished patrol (I of N).
proc crawl::Progress {s i n} {
    puts "\[$i/$n\] [Line $s]"
    flush stdout
}
