# demo.tcl - example pages of the web API and the pages the benchmark measures (bench/server.sh).
# Served only with the config key demo_routes on; production appliances leave it off.

if {![conf::get demo_routes]} { return }

# /demo/rows: a dynamic page reading 20 rows of the demo table (created by the benchmark).
route GET /demo/rows {} {
    set rows {}
    if {[db exists {SELECT 1 FROM sqlite_schema WHERE name = 'demo'}]} {
        db eval {SELECT id, title, body FROM demo ORDER BY id LIMIT 20} {
            markup append rows [tmpl {<tr><td>$id</td><td>$title</td><td>$body</td></tr>
}]
        }
    }
    web::page 演示数据 [tmpl {<h1>演示数据</h1><table>$rows</table>}]
}

# /demo/page: a public page of about KB kilobytes (default 20), cacheable as "demo".
route GET /demo/page {} {
    set kb [req query kb 20]
    if {![string is integer -strict $kb] || $kb < 1 || $kb > 1024} { set kb 20 }
    set items {}
    set i 0
    set bytes 0
    while {$bytes < $kb * 1024 - 700} {
        incr i
        set item [tmpl {<li>第 $i 条：关于县政府网络舆情回应的公开信息（示例文本，用于测量页面传输性能）。</li>
}]
        incr bytes [string bytelength [markup text $item]]
        markup append items $item
    }
    cacheable demo
    web::page 公开页面 [tmpl {<h1>公开页面</h1><ol>$items</ol>}]
}

# /demo/echo/:name: the request as the API sees it, as JSON (tests use it).
route {GET POST} /demo/echo/:name {req} {
    set q [req queries]
    set out [list name string [req param name] method string [req method]]
    foreach kind {query form cookie} {
        set parts {}
        dict for {k v} [web::fields $kind] { lappend parts $k string $v }
        lappend out $kind json [json object {*}$parts]
    }
    lappend out ua string [req header user-agent]
    lappend out bodylen number [string length [req body]]
    respond json [json object {*}$out]
}

# /demo/error: a handler error (500 page, stack in the log).
route GET /demo/error {} {
    error "demo failure"
}

# /demo/redirect: a redirect to the home page, with a cookie.
route GET /demo/redirect {} {
    respond cookie demo 1 -maxage 60
    respond redirect /
}

# /demo/escape: a template with hostile text in it.
route GET /demo/escape {} {
    set text [req query text {<script>alert(1)</script>}]
    # unsafe: a fixed literal of this demo, to show that trusted markup goes in as it is
    web::page 转义 [tmpl {<p id="t">$text</p><p id="u">[unsafe <b>ok</b>]</p>}]
}

# /demo/cached: a cacheable page that says when it was rendered (cache name "democount").
route GET /demo/cached {} {
    cacheable democount
    set t [clock microseconds]
    web::page 缓存 [tmpl {<p>rendered $t</p>}]
}

# /demo/slow?ms=N: answers after N milliseconds (at most 10 s); for shutdown tests.
route GET /demo/slow {} {
    set ms [req query ms 500]
    if {![string is integer -strict $ms] || $ms < 0 || $ms > 10000} { set ms 500 }
    after $ms
    respond text "slept $ms"
}
