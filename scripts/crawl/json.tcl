# json.tcl - source type `json`: a JSON API answering with a list of posts, read with path rules.
#
# A path is keys and list indexes joined by dots: `data.list`, `author.nick`, `items.0.id`.
# Rules:
#   items PATH     the list of posts ("" for a top-level list)   (required)
#   link PATH      each post's URL (relative ones resolve against the source URL), or
#   link_template  a URL with {field} placeholders, e.g. https://example.test/t/{id}
#   title, body, author, time, replies, views, reposts PATH
#   detail 0|1     fetch new posts' pages for the body (default 0)
# Times may be Unix seconds or milliseconds or any form `date parse` reads.

namespace eval crawl::json {}

# crawl::json::check: errors (naming the rule) unless RULES are valid rules of a json source.
proc crawl::json::check {rules} {
    crawl::checkRules $rules {items link link_template title body author time replies views reposts detail} \
        {} {detail}
    if {![dict exists $rules items]} { yq::fail source.jsonitems }
    if {(![dict exists $rules link] || [dict get $rules link] eq "")
        && (![dict exists $rules link_template] || [dict get $rules link_template] eq "")} {
        yq::fail source.jsonlink
    }
}

# crawl::json::path: the value at PATH in JSON value V ("" when it is not there). A segment is an
# object key, or an index into a list.
proc crawl::json::path {v path} {
    if {$path eq ""} { return $v }
    foreach k [split $path .] {
        if {![catch {dict exists $v $k} has] && $has} {
            set v [dict get $v $k]
        } elseif {[string is entier -strict $k] && ![catch {llength $v} n] && $k >= 0 && $k < $n} {
            set v [lindex $v $k]
        } else {
            return ""
        }
    }
    return $v
}

# crawl::json::fill: TEMPLATE with each {path} replaced by that path's value in post P.
proc crawl::json::fill {template p} {
    set out ""
    while {[regexp -indices {\{([\w.]+)\}} $template all name]} {
        append out [string range $template 0 [lindex $all 0]-1] [path $p [string range $template {*}$name]]
        set template [string range $template [lindex $all 1]+1 end]
    }
    append out $template
}

# crawl::json::patrol: fetch the API (conditionally) and map its posts to items.
proc crawl::json::patrol {src} {
    set r [crawl::get $src [dict get $src url] -conditional 1]
    set f [crawl::failure $r]
    if {$f ne ""} { return $f }
    if {[dict get $r unchanged]} { return [crawl::unchanged] }
    if {[catch {json parse [dict get $r text]} doc]} {
        return [dict create status failed items {} error "接口返回的不是 JSON：$doc" kind parse]
    }
    set list [path $doc [crawl::rule $src items]]
    if {[catch {llength $list}]} {
        return [dict create status failed items {} error "items 规则没有指向列表" kind parse]
    }
    set base [dict get $r final_url]
    set items {}
    foreach p $list {
        if {[crawl::rule $src link] ne ""} {
            set link [path $p [crawl::rule $src link]]
        } else {
            set link [fill [crawl::rule $src link_template] $p]
        }
        if {$link eq "" || [catch {url resolve $base $link} link]} { continue }
        set it [dict create url $link]
        foreach k {title body author} {
            if {[crawl::rule $src $k] ne ""} { dict set it $k [path $p [crawl::rule $src $k]] }
        }
        if {[crawl::rule $src time] ne ""} { dict set it published [crawl::date [path $p [crawl::rule $src time]]] }
        foreach k {replies views reposts} {
            if {[crawl::rule $src $k] ne ""} { dict set it $k [crawl::count [path $p [crawl::rule $src $k]]] }
        }
        lappend items $it
    }
    if {[crawl::rule $src detail 0]} {
        set items [crawl::details $src $items [list crawl::extractDetail $src]]
    }
    crawl::ok $items
}

crawl::type json -title 接口（JSON） -check crawl::json::check -patrol crawl::json::patrol
