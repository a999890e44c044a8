# public.tcl - the public column's routes (no login): the 网络新闻发言人 list with its search and
# filters (unit, month), each reply's page with the satisfaction vote, 舆情反馈, the Atom feed, the
# JSON API and the iframe snippet. Pages: column.tcl.
#
# Caching: the driver keeps a response under its whole request target, so only targets without
# a query (and the list pages ?page=N) are marked cacheable: search and filtered lists are
# rendered each time, and no visitor can fill the cache with made-up query strings. Lists, feeds
# and the API are cached under "replies", reply pages under "reply"; column::changed drops both
# (a reply published, changed or withdrawn), a vote drops "reply". A query string longer than
# 600 bytes, a page number that is not 1-999 and a bad filter are answered 400 with the reason on
# the page, the form keeping what was typed.

# web::rawQuery: the request's query string as sent (after the ?), "" when none.
proc web::rawQuery {} {
    set t [req target]
    set i [string first ? $t]
    expr {$i < 0 ? "" : [string range $t $i+1 end]}
}

# web::publicCache: mark the response cacheable under NAME when the request has no query string,
# or, when PAGED, a query of exactly page=N (N 2-999 as the pager writes it). Returns nothing.
proc web::publicCache {name {paged 0}} {
    set qs [rawQuery]
    if {$qs eq "" || ($paged && [regexp {^page=[1-9][0-9]{0,2}$} $qs])} { cacheable $name }
    return
}

# web::pageNo: the ?page= number (1 when absent or not a number), for the staff's lists too.
proc web::pageNo {} {
    set p [req query page 1]
    if {![string is entier -strict $p] || $p < 1 || $p > 100000} { return 1 }
    return $p
}

# web::publicPage: the ?page= number (1 when absent), or "" when it is not a number from 1 to 999.
proc web::publicPage {} {
    set p [req query page 1]
    if {![regexp {^[1-9][0-9]{0,2}$} $p]} { return "" }
    return $p
}

# web::siteBase: the base of the feed's and the API's absolute links: the configured public_url,
# or "" (relative links) until it is set. Never the request's Host header: these responses are
# cached for every reader.
proc web::siteBase {} {
    conf::get public_url
}

# GET /replies/: the list, searched and filtered by ?q= ?unit= ?month= (see the file comment).
route GET /replies/ {} {
    set typed [dict create q [req query q] unit [req query unit] month [req query month]]
    set page [publicPage]
    set problem ""
    if {[string length [rawQuery]] > 600} {
        set problem "查询条件过长，请精简关键词后再查"
        dict for {k v} $typed { dict set typed $k [string range $v 0 39] }
    } elseif {$page eq ""} {
        set problem "页码应为 1 至 999 之间的整数"
    } elseif {[catch {column::filter {*}[dict values $typed]} f opts]} {
        if {[lrange [dict get $opts -errorcode] 0 1] ne {YQBOX FILTER}} { return -options $opts $f }
        set problem $f
    }
    if {$problem ne ""} {
        respond status 400
        respond header Cache-Control no-store
        return [column::listPage $typed 1 0 $problem]
    }
    publicCache replies 1
    column::listPage $f $page
}

route GET /replies {} {
    respond redirect /replies/ 301
}

# GET /replies/feedback: 舆情反馈, the units' follow-up replies in the forums.
route GET /replies/feedback {} {
    set page [publicPage]
    if {$page eq ""} { errorpage 400 "页码应为 1 至 999 之间的整数"; return }
    publicCache replies 1
    column::feedbackPage $page
}

route GET /replies/atom.xml {} {
    publicCache replies
    respond text [column::atom [siteBase]]
    respond type "application/atom+xml; charset=utf-8"
}

route GET /api/replies {} {
    publicCache replies
    respond json [column::api [siteBase]]
}

route GET /api/replies/:id {} {
    set r [column::reply [req param id]]
    if {$r eq ""} {
        respond status 404
        respond json {{"error":"no such reply"}}
        return
    }
    publicCache replies
    set parts {}
    dict for {k v} $r {
        if {$k eq "original"} { set v [column::safeUrl $v] }
        lappend parts $k string $v
    }
    respond json [json object {*}$parts]
}

route GET /replies/embed {} {
    publicCache replies
    set origins {}
    foreach o [conf::get embed_origins] {
        if {[regexp {^https?://[A-Za-z0-9.-]+(:\d+)?$} $o]} { lappend origins $o }
    }
    respond header Content-Security-Policy "default-src 'self'; frame-ancestors 'self'[expr {[llength $origins] ? " [join $origins { }]" : ""}]; base-uri 'self'; form-action 'self'"
    respond html [column::embed 10]
}

# GET /replies/ID: a reply's page; ?voted=1 (after a vote) thanks the visitor.
route GET /replies/:id {} {
    set r [column::reply [req param id]]
    if {$r eq ""} { errorpage 404; return }
    publicCache reply
    if {[req query voted] eq "1"} {
        return [column::replyPage $r 0 "感谢您的评价！您的意见将作为改进工作的参考。"]
    }
    column::replyPage $r
}

# POST /replies/ID/vote: the satisfaction vote (form field choice). A browser without the vote
# cookie gets one (random, one year and more, only sent to /replies/); the vote is refused with
# the reason on the reply's page, the choice kept, when it came from another site's page (403),
# names no choice (400), the address is over vote_rate_per_hour (429) or this browser voted on
# the reply already (409). A vote counted redirects to the page with its thanks.
route POST /replies/:id/vote {} {
    set r [column::reply [req param id]]
    if {$r eq ""} { errorpage 404; return }
    set id [dict get $r id]
    set choice [string range [req form choice ""] 0 19]
    respond header Cache-Control no-store
    if {![::request::web::SameOrigin]} {
        respond status 403
        return [column::replyPage $r 0 "评价来源无效：请在本站的回应页面上提交评价" 1 $choice]
    }
    set cookie [req cookie yq_vote ""]
    set fresh [expr {![regexp {^[A-Za-z0-9_-]{16,64}$} $cookie]}]
    if {$fresh} { set cookie [crypto token 16] }
    set client "[req peer]\n[string range [req header user-agent ""] 0 511]"
    if {[catch {column::vote $id $choice $cookie $client [req peer]} msg opts]} {
        set ec [dict get $opts -errorcode]
        if {[lrange $ec 0 1] ne {YQBOX VOTE}} { return -options $opts $msg }
        respond status [dict get {choice 400 rate 429 again 409 gone 404} [lindex $ec 2]]
        if {[lindex $ec 2] eq "rate"} { respond header Retry-After 3600 }
        return [column::replyPage $r 0 $msg 1 $choice]
    }
    if {$fresh} { respond cookie yq_vote $cookie -path /replies/ -maxage [expr {400 * 86400}] }
    column::voted
    respond redirect /replies/$id?voted=1#vote
}
