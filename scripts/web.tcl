# web.tcl - the web framework the worker interpreters run: routes, the request/response API,
# HTML templates that escape by default.
#
# A page group is one file scripts/web/NAME.tcl; each route is declared beside its handler:
#
#     route GET /replies/:id {req} {
#         set reply [db onecolumn {SELECT title FROM reply WHERE id = $id}]   ;# bound, not built
#         cacheable replies
#         web::page "回复" [tmpl {<h1>$reply</h1>}]
#     }
#
# METHODS is one method or a list (GET also answers HEAD). PATTERN is a path whose segments may be
# :NAME (one segment, available as [req param NAME]) or, last, *NAME (the rest of the path).
# The handler gets the request dict (method target path query peer scheme headers body params)
# and returns the HTML body, or sets the response itself with `respond`.
#
# Request: req method|path|peer|scheme|target, req param NAME, req query NAME
# ?DEFAULT?, req form NAME ?DEFAULT? (application/x-www-form-urlencoded), req cookie NAME
# ?DEFAULT?, req header NAME ?DEFAULT?, req file NAME ({FILENAME BYTES} of a
# multipart/form-data upload, or ""; multipart text fields are read with req form). Bad percent escapes or bad UTF-8 in the query or form
# answer 400. Response: respond html|text|json BODY, respond status CODE, respond header NAME
# VALUE, respond redirect URL ?CODE?, respond cookie NAME VALUE ?-maxage S? ?-path P?
# ?-samesite Lax|Strict?,
# cacheable NAME (the driver serves repeats from memory until `cache invalidate NAME`).
# Templates: tmpl TEXT substitutes $var and [command] from the caller HTML-escaped, except values
# that are markup (the results of tmpl, esc, `markup append` and `markup join`: a C type, see
# src/markup.c), which go in as they are; \$ \[ \\ are literal. Markup is a type, not a string:
# `append` or any string operation on it gives plain text, which is then escaped. Rows are collected
# with `markup append VAR [tmpl …]` or `markup join LIST`. `unsafe X` trusts a string as markup:
# the lint (tests/lint.test, run by `make test`) allows it only where a comment `# unsafe: WHY` on
# its line or the line before says why, and refuses `markup trust` outside this file, HTML/XML
# literals in double quotes, `tmpl "…"` and hand-written escapers.
# An error in a handler gives a 500 page (Chinese) and logs the stack; the worker keeps going.

namespace eval web {
    variable routes {}     ;# list of {methods regexp paramnames proc pattern}
    variable req {}
    variable resp {}
    variable nroute 0
    variable tcache        ;# template text -> compiled form
    array set tcache {}
}
namespace eval web::h {}

# route: declare a route (see the file comment). Returns nothing.
proc ::route {methods pattern argv body} {
    variable ::web::routes
    if {![string match /* $pattern]} { error "route pattern must start with /: $pattern" }
    if {[llength $argv] > 1} { error "route handler takes at most one argument (the request)" }
    set names {}
    set re ^
    set segs [lrange [split $pattern /] 1 end]
    foreach seg $segs {
        if {[string match :* $seg]} {
            lappend names [string range $seg 1 end]
            append re {/([^/]+)}
        } elseif {[string match {\**} $seg] && $seg eq [lindex $segs end]} {
            lappend names [string range $seg 1 end]
            append re {/(.*)}
        } else {
            append re / [regsub -all {[][{}()*+?.\\^$|]} $seg {\\&}]
        }
    }
    if {$pattern eq "/"} { set re ^/ }
    append re {$}
    set methods [string toupper $methods]
    if {"GET" in $methods && "HEAD" ni $methods} { lappend methods HEAD }
    set name ::web::h::r[incr ::web::nroute]
    proc $name $argv $body
    # a later declaration of the same methods and pattern replaces the earlier one
    set keep {}
    foreach r $routes {
        if {[lindex $r 4] ne $pattern || [lindex $r 0] ne $methods} { lappend keep $r }
    }
    set routes [linsert $keep end [list $methods $re $names $name $pattern]]
    return
}

# web::init: load every page group (scripts/web/*.tcl), in name order, at global level (so a
# file's `proc web::NAME` means ::web::NAME). Run in each worker.
proc web::init {} {
    foreach f [lsort [glob -nocomplain -directory [yqbox::path scripts web] *.tcl]] {
        uplevel #0 [list source -encoding utf-8 $f]
    }
}

# web::handle: answer one request (called by the worker thread in C). Returns
# {STATUS HEADERS BODY-BYTES CACHENAME}.
proc web::handle {r} {
    variable routes
    variable req
    variable resp
    set req $r
    set resp [dict create status 200 headers {} body "" type "" cache "" set 0]
    db::guard
    county::sync
    set path [dict get $r path]
    set method [dict get $r method]
    set allowed {}
    set found {}
    foreach route $routes {
        lassign $route methods re names proc
        set m [regexp -inline -- $re $path]
        if {![llength $m]} { continue }
        if {$method ni $methods} { lappend allowed {*}$methods; continue }
        set found $route
        break
    }
    if {$found eq ""} {
        if {[llength $allowed]} {
            errorpage 405
            respond header Allow [join [lsort -unique $allowed] ", "]
        } else {
            errorpage 404
        }
        return [Result]
    }
    set params {}
    foreach n $names v [lrange $m 1 end] { dict set params $n $v }
    dict set req params $params
    set code [catch {
        if {[llength [info args $proc]]} { $proc $req } else { $proc }
    } result opts]
    if {$code == 1} {
        if {[lindex [dict get $opts -errorcode] 0] eq "WEB"} {
            # web::stop: the handler has set the response (an error page, a redirect) and stopped
        } elseif {[lindex [dict get $opts -errorcode] 0] eq "HTTP"} {
            set resp [dict create status 400 headers {} body "" type "" cache "" set 0]
            errorpage 400 $result
        } elseif {[string match "*readonly database*" $result] && [db::damaged] ne ""} {
            set resp [dict create status 503 headers {} body "" type "" cache "" set 0]
            errorpage 503 "数据库检查发现损坏，系统已暂停一切修改，只提供查询。请联系系统管理员从备份恢复。您填写的内容未保存。"
        } else {
            log error "$method [dict get $r target]: [dict get $opts -errorinfo]"
            set resp [dict create status 500 headers {} body "" type "" cache "" set 0]
            errorpage 500
        }
    } elseif {![dict get $resp set] && $result ne ""} {
        respond html $result
    }
    Result
}

# web::stop: end the handler here, keeping the response it has set (used after errorpage or
# redirect by helpers such as web::need).
proc web::stop {} {
    return -code error -errorcode {WEB STOP} "response set"
}

# web::Result: the response in the form C expects.
proc web::Result {} {
    variable resp
    set headers [dict get $resp headers]
    set type [dict get $resp type]
    if {$type ne ""} { set headers [linsert $headers 0 Content-Type $type] }
    set body [dict get $resp body]
    if {![string match *charset* $type] && ![string match text/* $type] && $type ne "application/json"} {
        # bytes as given (respond bytes)
    } else {
        set body [encoding convertto utf-8 $body]
    }
    if {[dict get $resp cache] ne "" && [dict get $resp status] != 200} { dict set resp cache "" }
    list [dict get $resp status] $headers $body [dict get $resp cache]
}

# web::errorpage: make the response an error page for STATUS with an optional detail.
proc web::errorpage {status {detail ""}} {
    set titles {400 请求无效 403 禁止访问 404 页面不存在 405 不支持该请求方法 500 服务器内部错误
        503 服务暂不可用}
    set hints {403 "您没有访问此页面或执行此操作的权限。如需办理，请联系信息办或本单位负责人。"
        404 "您访问的页面不存在，可能已被删除或地址有误。"
        500 "服务器处理请求时出错，已记录日志。请稍后重试，或联系系统管理员。"}
    if {$detail eq "" && [dict exists $hints $status]} { set detail [dict get $hints $status] }
    set title [expr {[dict exists $titles $status] ? [dict get $titles $status] : "错误"}]
    respond status $status
    respond header Cache-Control no-store
    respond html [page "$status $title" [tmpl {<h1>$status $title</h1>[if {$detail ne ""} {tmpl {<p>$detail</p>}}]<p><a href="/">返回首页</a></p>}]]
}

# req: read the HTTP request a handler is answering (see the file comment).
proc ::req {what args} {
    variable ::web::req
    switch -- $what {
        method - path - peer - scheme - target - body {
            if {[llength $args]} { error "usage: req $what" }
            return [dict get $req $what]
        }
        param {
            lassign $args name
            if {[llength $args] != 1} { error "usage: req param NAME" }
            if {![dict exists $req params $name]} { error "no path parameter \"$name\"" }
            return [web::decode [dict get $req params $name]]
        }
        query - form - cookie - header {
            if {[llength $args] < 1 || [llength $args] > 2} { error "usage: req $what NAME ?DEFAULT?" }
            lassign $args name default
            set all [web::fields $what]
            if {[dict exists $all $name]} { return [dict get $all $name] }
            if {[llength $args] == 2} { return $default }
            return ""
        }
        file {
            if {[llength $args] != 1} { error "usage: req file NAME" }
            set all [web::fields file]
            lassign $args name
            if {[dict exists $all $name]} { return [dict get $all $name] }
            return ""
        }
        queries - forms - cookies - headers {
            return [web::fields [string range $what 0 end-1]]
        }
        default {
            error "unknown req field \"$what\": must be method, path, peer, scheme, target, body, param, query, form, file, cookie or header"
        }
    }
}

# web::decode: a path segment as it was sent (already percent-decoded and UTF-8-checked by C).
proc web::decode {s} { return $s }

# web::fields: the query, form, cookie or header fields of the request as a dict (parsed once).
proc web::fields {kind} {
    variable req
    if {[dict exists $req parsed $kind]} { return [dict get $req parsed $kind] }
    set out {}
    switch -- $kind {
        header { set out [dict get $req headers] }
        query { set out [ParseUrlencoded [dict get $req query]] }
        form {
            set type [string tolower [dict get [dict merge {content-type ""} [dict get $req headers]] content-type]]
            if {[string match application/x-www-form-urlencoded* $type]} {
                set body [dict get $req body]
                if {![http utf8valid $body]} {
                    return -code error -errorcode {HTTP UTF8} "表单内容不是有效的 UTF-8 编码"
                }
                set out [ParseUrlencoded [encoding convertfrom utf-8 $body]]
            } elseif {[regexp {^multipart/form-data;.*boundary="?([^";]+)"?} [dict get [dict merge {content-type ""} [dict get $req headers]] content-type] -> boundary]} {
                lassign [ParseMultipart [dict get $req body] $boundary] out files
                dict set req parsed file $files
            }
        }
        file {
            fields form
            set out [expr {[dict exists $req parsed file] ? [dict get $req parsed file] : {}}]
        }
        cookie {
            set h [dict get [dict merge {cookie ""} [dict get $req headers]] cookie]
            foreach part [split $h ";"] {
                set part [string trim $part]
                set i [string first = $part]
                if {$i < 1} { continue }
                set k [string range $part 0 $i-1]
                if {![dict exists $out $k]} { dict set out $k [string range $part $i+1 end] }
            }
        }
    }
    dict set req parsed $kind $out
    return $out
}

# web::ParseUrlencoded: name=value&... into a dict (first occurrence wins). Errors (HTTP) on bad
# escapes or bad UTF-8.
proc web::ParseUrlencoded {s} {
    set out {}
    foreach pair [split $s &] {
        if {$pair eq ""} { continue }
        set i [string first = $pair]
        if {$i < 0} { set k $pair; set v "" } else {
            set k [string range $pair 0 $i-1]
            set v [string range $pair $i+1 end]
        }
        if {[catch {http urldecode $k -form} k] || [catch {http urldecode $v -form} v]} {
            return -code error -errorcode {HTTP UTF8} "请求参数编码无效（$k）"
        }
        if {![dict exists $out $k]} { dict set out $k $v }
    }
    return $out
}

# web::ParseMultipart: a multipart/form-data BODY (bytes) with BOUNDARY as {FIELDS FILES}: FIELDS
# name -> text (UTF-8 decoded), FILES name -> {FILENAME BYTES} for parts with a filename (first
# occurrence wins; a file input left empty is left out). Errors (HTTP) on a malformed body.
proc web::ParseMultipart {body boundary} {
    set fields {}; set files {}
    set delim "--$boundary"
    set pos [string first $delim $body]
    if {$pos < 0} { return -code error -errorcode {HTTP MULTIPART} "表单内容格式无效" }
    while 1 {
        set start [expr {$pos + [string length $delim]}]
        if {[string range $body $start $start+1] eq "--"} { break }
        if {[string range $body $start $start+1] ne "\r\n"} { return -code error -errorcode {HTTP MULTIPART} "表单内容格式无效" }
        incr start 2
        set next [string first "\r\n$delim" $body $start]
        set hend [string first "\r\n\r\n" $body $start]
        if {$next < 0 || $hend < 0 || $hend > $next} { return -code error -errorcode {HTTP MULTIPART} "表单内容格式无效" }
        set head [string range $body $start $hend-1]
        set content [string range $body $hend+4 $next-1]
        set pos [expr {$next + 2}]
        if {![http utf8valid $head]} { return -code error -errorcode {HTTP UTF8} "表单内容不是有效的 UTF-8 编码" }
        set head [encoding convertfrom utf-8 $head]
        if {![regexp -nocase -line {^content-disposition:\s*form-data(.*)$} $head -> params]} { continue }
        if {![regexp {;\s*name="([^"]*)"} $params -> name]} { continue }
        if {[regexp {;\s*filename="([^"]*)"} $params -> filename]} {
            if {$filename eq "" && $content eq ""} { continue }
            if {![dict exists $files $name]} { dict set files $name [list $filename $content] }
        } else {
            if {![http utf8valid $content]} { return -code error -errorcode {HTTP UTF8} "表单内容不是有效的 UTF-8 编码" }
            if {![dict exists $fields $name]} { dict set fields $name [encoding convertfrom utf-8 $content] }
        }
    }
    list $fields $files
}

# respond: set the response (see the file comment).
proc ::respond {what args} {
    variable ::web::resp
    switch -- $what {
        html - text - json - bytes {
            if {[llength $args] != 1} { error "usage: respond $what BODY" }
            set body [lindex $args 0]
            dict set resp body [expr {$what eq "html" ? [markup text $body] : $body}]
            dict set resp type [dict get {html "text/html; charset=utf-8" text "text/plain; charset=utf-8"
                json application/json bytes application/octet-stream} $what]
            dict set resp set 1
        }
        type {
            dict set resp type [lindex $args 0]
        }
        status {
            set code [lindex $args 0]
            if {[llength $args] != 1 || ![string is integer -strict $code] || $code < 200 || $code > 599} {
                error "usage: respond status CODE (200-599)"
            }
            dict set resp status $code
        }
        header {
            if {[llength $args] != 2} { error "usage: respond header NAME VALUE" }
            lassign $args name value
            if {![regexp {^[A-Za-z0-9!#$%&'*+.^_`|~-]+$} $name] || [regexp {[\r\n\x00]} $value]} {
                error "bad response header \"$name\""
            }
            dict lappend resp headers $name $value
        }
        redirect {
            lassign $args url code
            if {$code eq ""} { set code 303 }
            if {$code ni {301 302 303 307 308}} { error "redirect status must be 301, 302, 303, 307 or 308" }
            respond status $code
            respond header Location $url
            respond html [web::page 跳转 [tmpl {<p><a href="$url">继续</a></p>}]]
        }
        cookie {
            set args [lassign $args name value]
            if {![regexp {^[A-Za-z0-9!#$%&'*+.^_`|~-]+$} $name] || [regexp {[;,\s\"\\\x00-\x1f]} $value]} {
                error "bad cookie \"$name\""
            }
            set opts [dict merge {-path / -maxage "" -samesite Lax} $args]
            if {[dict get $opts -samesite] ni {Lax Strict}} { error "-samesite must be Lax or Strict" }
            set c "$name=$value; Path=[dict get $opts -path]; Secure; HttpOnly; SameSite=[dict get $opts -samesite]"
            if {[dict get $opts -maxage] ne ""} { append c "; Max-Age=[dict get $opts -maxage]" }
            respond header Set-Cookie $c
        }
        default {
            error "unknown response part \"$what\": must be html, text, json, bytes, type, status, header, redirect or cookie"
        }
    }
    return
}

# cacheable: let the driver keep this response (a 200 to GET) under NAME until
# `cache invalidate NAME`. Use only for pages that are the same for everyone.
proc ::cacheable {name} {
    variable ::web::resp
    if {$name eq "" || $name eq "*"} { error "cacheable needs a name (not empty or *)" }
    dict set resp cache $name
    return
}

# esc: TEXT with HTML's special characters & < > " ' escaped, as markup (markup stays as it is).
interp alias {} ::esc {} ::markup escape

# unsafe: TEXT trusted as markup, inserted by tmpl unescaped. Only for strings the appliance made
# itself through this layer and kept (a document stored in the database); every use says why in a
# comment `# unsafe: WHY` (tests/lint.test checks).
interp alias {} ::unsafe {} ::markup trust

# tmpl: TEMPLATE with $var and [command] substituted from the caller, escaped unless markup (see
# above). The result is markup: inserted into another template it is not escaped again.
# (Concatenating it with text by string operations gives text: combine with `markup append`.)
proc ::tmpl {template} {
    variable ::web::tcache
    if {![info exists tcache($template)]} { set tcache($template) [web::compile $template] }
    # the template's own text is the layer's markup; every substitution in it was escaped
    return [markup trust [uplevel 1 [list subst -nobackslashes $tcache($template)]]]
}

# web::compile: a template rewritten for subst: every substitution wrapped in `markup text`.
proc web::compile {t} {
    set out ""
    set n [string length $t]
    set i 0
    while {$i < $n} {
        if {[regexp -start $i -indices {[$\[\\]} $t pos]} {
            set j [lindex $pos 0]
        } else {
            set j $n
        }
        append out [string range $t $i $j-1]
        if {$j >= $n} { break }
        set c [string index $t $j]
        if {$c eq "\\"} {
            set next [string index $t $j+1]
            if {$next in {$ [ \\}} {
                append out "\[::web::lit [scan $next %c]\]"
                set i [expr {$j + 2}]
            } else {
                append out "\[::web::lit 92\]"
                set i [expr {$j + 1}]
            }
        } elseif {$c eq "\$"} {
            if {[regexp {^\$(\{[^\}]*\}|(?:::)?[A-Za-z0-9_]+(?:::[A-Za-z0-9_]+)*(?:\([^)]*\))?)} \
                     [string range $t $j end] var]} {
                append out "\[::markup text $var\]"
                set i [expr {$j + [string length $var]}]
            } else {
                append out "\[::web::lit 36\]"
                set i [expr {$j + 1}]
            }
        } else {
            set k [expr {$j + 1}]
            while {$k < $n} {
                if {[string index $t $k] eq "\]" && [info complete [string range $t $j+1 $k-1]]} { break }
                incr k
            }
            if {$k >= $n} { error "template: unbalanced \[ at character $j" }
            append out "\[::markup text \[[string range $t $j+1 $k-1]\]\]"
            set i [expr {$k + 1}]
        }
    }
    return $out
}

# web::when: ISO time TEXT as people read it (2026年3月2日 10:05); anything else, and a time that
# cannot be one (month 13, 25:00: typed text quoted in a refusal), as it is.
# (Here, not in a page group, so the public column's static export has it too.) A glob and scan,
# not a regexp with captures: those cost about 50 times as much, and a list page calls this 100
# times (the city's county events at 20 counties).
proc web::when {text} {
    if {![string match {[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]*} $text]} { return $text }
    scan [string range $text 5 15] "%d-%d%*c%d:%d" m d h mi
    if {$m < 1 || $m > 12 || $d < 1 || $d > 31 || $h > 24 || $mi > 59} { return $text }
    return "[string range $text 0 3]年${m}月${d}日 [string range $text 11 15]"
}

# web::whenText: TEXT (a sentence, a notice's body, a step's note) with every ISO time in it
# (2026-03-02T10:05:00+08:00, 2026-03-06 24:00:00) written as web::when writes it.
proc web::whenText {text} {
    set out ""
    set at 0
    foreach {range} [regexp -all -indices -inline {\m\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:[+-]\d\d:\d\d|Z)?} $text] {
        lassign $range a b
        append out [string range $text $at [expr {$a - 1}]] [when [string range $text $a $b]]
        set at [expr {$b + 1}]
    }
    append out [string range $text $at end]
}

# web::dueText: due time DUE (calendar::Fmt form) as people read it on a page, with the provisional
# sentence when it rests on the Monday-Friday guess for the years PROVISIONAL (calendar::dueText).
proc web::dueText {due provisional} {
    whenText [calendar::dueText $due $provisional]
}

# web::lit: the character with code C (literal $ [ \ in templates).
proc web::lit {c} { format %c $c }

# web::head: the start of every page up to <body>, titled TITLE · SITE (default 舆情一体机);
# EXTRA is more head markup (a plain string is escaped).
proc web::head {title {extra ""} {site 舆情一体机}} {
    tmpl {<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · $site</title>
<link rel="stylesheet" href="/css/yqbox.css">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
$extra</head>
<body>}
}

# web::page: a complete HTML page with the appliance's layout, headed with the government's name
# (column_title: citizens read these pages: 依申请公开, error pages); BODY is markup (a plain
# string is escaped: shown as text).
proc web::page {title body} {
    tmpl {[head $title "" [conf::get column_title]]
<header class="top"><a href="/">[conf::get column_title]</a></header>
<main>
$body
</main>
<footer>[conf::get column_title]</footer>
</body>
</html>
}
}
