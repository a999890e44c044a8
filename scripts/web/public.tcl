# public.tcl - the public column's routes (no login): 网络新闻发言人 list and reply pages,
# 舆情反馈, Atom feed, JSON API and the iframe snippet. All are cacheable by the driver under the
# name "replies" (column::changed drops them when a reply is published). Pages: column.tcl.

# web::pageNo: the ?page= number (1 when absent or not a number).
proc web::pageNo {} {
    set p [req query page 1]
    if {![string is entier -strict $p] || $p < 1 || $p > 100000} { return 1 }
    return $p
}

# web::siteBase: the base of the feed's and the API's absolute links: the configured public_url,
# or "" (relative links) until it is set. Never the request's Host header: these responses are
# cached for every reader.
proc web::siteBase {} {
    conf::get public_url
}

route GET /replies/ {} {
    cacheable replies
    column::listPage all [pageNo]
}

route GET /replies {} {
    respond redirect /replies/ 301
}

route GET /replies/feedback {} {
    cacheable replies
    column::listPage feedback [pageNo]
}

route GET /replies/atom.xml {} {
    cacheable replies
    respond text [column::atom [siteBase]]
    respond type "application/atom+xml; charset=utf-8"
}

route GET /api/replies {} {
    cacheable replies
    respond json [column::api [siteBase]]
}

route GET /api/replies/:id {} {
    set r [column::reply [req param id]]
    if {$r eq ""} {
        respond status 404
        respond json {{"error":"no such reply"}}
        return
    }
    cacheable replies
    set parts {}
    dict for {k v} $r {
        if {$k eq "original"} { set v [column::safeUrl $v] }
        lappend parts $k string $v
    }
    respond json [json object {*}$parts]
}

route GET /replies/embed {} {
    cacheable replies
    set origins {}
    foreach o [conf::get embed_origins] {
        if {[regexp {^https?://[A-Za-z0-9.-]+(:\d+)?$} $o]} { lappend origins $o }
    }
    respond header Content-Security-Policy "default-src 'self'; frame-ancestors 'self'[expr {[llength $origins] ? " [join $origins { }]" : ""}]; base-uri 'self'; form-action 'self'"
    respond html [column::embed 10]
}

route GET /replies/:id {} {
    set r [column::reply [req param id]]
    if {$r eq ""} { errorpage 404; return }
    cacheable replies
    column::replyPage $r
}
