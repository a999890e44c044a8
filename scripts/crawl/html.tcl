# html.tcl - source type `html`: a list page (forum board, news column, message board) read with
# XPath rules, following "next page" links, and the detail pages of new items.
#
# Rules:
#   item XPATH     each list entry (required)          link XPATH    its link, relative to item (required)
#   title XPATH    its title                           time XPATH    its publish time (Chinese forms ok)
#   author XPATH   its author                          replies, views, reposts XPATH   its counts
#   next XPATH     the next list page's link           pages N       list pages per patrol (default 1)
#                  ("#" and javascript: links are skipped; test class words, not substrings:
#                  contains(concat(' ',normalize-space(@class),' '),' next '))
#   detail 0|1     fetch new items' detail pages (default 1)
#   body XPATH     the body on a detail page (default: the general article extractor)
# Title, author and time found on the detail page fill what the list page lacked.

namespace eval crawl::html {
    variable fieldRules {title link time author replies views reposts}
}

# crawl::html::check: errors (naming the rule) unless RULES are valid rules of a html source.
proc crawl::html::check {rules} {
    crawl::checkRules $rules {item link title time author replies views reposts next pages detail body} \
        {item link} {detail} {pages}
}

# crawl::html::nextLink: the first of LINKS (absolute, from the next rule) that leads to another
# page than PAGE: "#" links (a thumbnail pager's, resolved to PAGE#...) and javascript: are skipped.
# Returns "" when there is none.
proc crawl::html::nextLink {links page} {
    set here [lindex [split $page #] 0]
    foreach l $links {
        if {[string match -nocase javascript:* $l] || [lindex [split $l #] 0] eq $here} { continue }
        return $l
    }
    return ""
}

# crawl::html::listItems: the items of list page DOC (an `html doc`) by RULES (item, link, title,
# time, author, replies, views, reposts) as patrol item dicts (url title author published replies
# views reposts; entries without a link left out). Changes nothing.
proc crawl::html::listItems {doc rules} {
    variable fieldRules
    set fields {}
    foreach k $fieldRules {
        if {[dict exists $rules $k] && [dict get $rules $k] ne ""} { dict set fields $k [dict get $rules $k] }
    }
    set items {}
    foreach it [$doc items [dict get $rules item] $fields -links {link}] {
        if {[dict get $it link] eq ""} { continue }
        set item [dict create url [dict get $it link]]
        foreach k {title author} { if {[dict exists $it $k]} { dict set item $k [dict get $it $k] } }
        if {[dict exists $it time]} { dict set item published [crawl::date [dict get $it time]] }
        foreach k {replies views reposts} {
            if {[dict exists $it $k]} { dict set item $k [crawl::count [dict get $it $k]] }
        }
        lappend items $item
    }
    return $items
}

# crawl::html::patrol: read the list page(s) and the new items' detail pages.
proc crawl::html::patrol {src} {
    set url [dict get $src url]
    set pages [crawl::rule $src pages 1]
    set items {}
    for {set p 1} {$p <= $pages && $url ne ""} {incr p} {
        # the first page is fetched conditionally: unchanged means nothing new on this source
        set r [crawl::get $src $url -conditional [expr {$p == 1}]]
        set f [crawl::failure $r]
        if {$f ne ""} {
            if {$p == 1} { return $f }
            break
        }
        if {[dict get $r unchanged]} {
            if {$p == 1} { return [crawl::unchanged] }
            break
        }
        set doc [html doc [dict get $r text] -url [dict get $r final_url]]
        try {
            lappend items {*}[listItems $doc [dict get $src rules]]
            set next [expr {[crawl::rule $src next] eq "" ? "" :
                            [nextLink [$doc xpath [crawl::rule $src next] -link] [dict get $r final_url]]}]
        } finally {
            $doc delete
        }
        set url [expr {$next ne $url ? $next : ""}]
    }
    if {[crawl::rule $src detail 1]} {
        set items [crawl::details $src $items [list crawl::extractDetail $src]]
    }
    crawl::ok $items
}

crawl::type html -title 网页列表 -check crawl::html::check -patrol crawl::html::patrol
