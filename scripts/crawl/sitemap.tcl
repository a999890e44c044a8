# sitemap.tcl - source type `sitemap`: a sitemap.xml of a news site or government portal; the
# newest matching URLs' pages are read with the article extractor.
#
# Rules:
#   match REGEXP   only URLs matching this (default: all)
#   max N          at most N URLs per patrol, newest <lastmod> first (default 20)
#   body XPATH     the body on a page (default: the general article extractor)

namespace eval crawl::sitemap {}

# crawl::sitemap::check: errors (naming the rule) unless RULES are valid rules of a sitemap source.
proc crawl::sitemap::check {rules} {
    crawl::checkRules $rules {match max body} {} {} {max}
    if {[dict exists $rules match] && [catch {regexp -- [dict get $rules match] ""} msg]} {
        yq::fail source.regexp match $msg
    }
}

# crawl::sitemap::patrol: read the sitemap and the pages of its newest new URLs.
proc crawl::sitemap::patrol {src} {
    set r [crawl::get $src [dict get $src url] -conditional 1]
    set f [crawl::failure $r]
    if {$f ne ""} { return $f }
    if {[dict get $r unchanged]} { return [crawl::unchanged] }
    set doc [html doc [dict get $r text] -url [dict get $r final_url]]
    try {
        set entries [$doc items //url {link loc lastmod lastmod} -links {link}]
    } finally {
        $doc delete
    }
    set match [crawl::rule $src match]
    set found {}
    foreach e $entries {
        set u [dict get $e link]
        if {$u eq "" || ($match ne "" && ![regexp -- $match $u])} { continue }
        lappend found [list [crawl::date [dict get $e lastmod]] $u]
    }
    set items {}
    foreach e [lrange [lsort -index 0 -decreasing $found] 0 [crawl::rule $src max 20]-1] {
        lassign $e published u
        lappend items [dict create url $u published $published]
    }
    crawl::ok [crawl::details $src $items [list crawl::extractDetail $src]]
}

crawl::type sitemap -title 站点地图 -check crawl::sitemap::check -patrol crawl::sitemap::patrol
