# feed.tcl - source type `feed`: RSS 0.9x/1.0/2.0, Atom and JSON Feed (RSSHub output works as is).
#
# Rules (all optional):
#   detail 1   fetch each new entry's page and take its body with the article extractor (or the
#              `body` XPath) instead of the feed's summary
#   body XPATH the detail page's body rule
# An entry becomes an item: link → url, title, summary → body, author, published.

namespace eval crawl::feed {}

# crawl::feed::check: errors (naming the rule) unless RULES are valid rules of a feed source.
proc crawl::feed::check {rules} {
    crawl::checkRules $rules {detail body} {} {detail}
}

# crawl::feed::patrol: fetch the feed (conditionally) and return the patrol outcome.
proc crawl::feed::patrol {src} {
    set r [crawl::get $src [dict get $src url] -conditional 1]
    set f [crawl::failure $r]
    if {$f ne ""} { return $f }
    if {[dict get $r unchanged]} { return [crawl::unchanged] }
    if {[catch {feed parse [dict get $r body] -contenttype [dict get $r content_type] \
                    -url [dict get $r final_url]} entries]} {
        return [dict create status failed items {} error "不是可解析的订阅源：$entries" kind parse]
    }
    set items {}
    foreach e $entries {
        if {[dict get $e link] eq ""} { continue }
        lappend items [dict create url [dict get $e link] title [dict get $e title] \
            body [dict get $e summary] author [dict get $e author] published [dict get $e published]]
    }
    if {[crawl::rule $src detail 0]} {
        set items [crawl::details $src $items [list crawl::extractDetail $src]]
    }
    crawl::ok $items
}

crawl::type feed -title 订阅源（RSS/Atom） -check crawl::feed::check -patrol crawl::feed::patrol -silence 1
