# opml.tcl - the OPML 2.0 export of the feed sources (`source export-opml`, the sources page's
# download), written through the template layer: tmpl escapes & < > " ' as entities XML knows,
# so a source's title or address cannot break out of its attribute. (The import is
# crawl::ImportOpml in source.tcl: it reads OPML with libxml2.)

# crawl::ExportOpml: the feed sources (type feed), in name order, as an OPML 2.0 document: one
# <outline type="rss"> each, its text and title the source's title (or its name when it has
# none). Returns the document as markup. Reads the database only.
proc crawl::ExportOpml {} {
    set outlines ""
    db eval {SELECT name, title, url FROM source WHERE type = 'feed' ORDER BY name} {
        set t [expr {$title ne "" ? $title : $name}]
        markup append outlines [tmpl {<outline type="rss" text="$t" title="$t" xmlUrl="$url"/>
}]
    }
    tmpl {<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
<head><title>yqbox 订阅源</title></head>
<body>
$outlines</body>
</opml>
}
}
