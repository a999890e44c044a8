# post.tcl - the console's `post` command: recent posts, full-text search (CJK bigrams) and one
# post with its metric samples.

# post: `post list ?-source NAME? ?-limit N?`, `post search QUERY ?-limit N?`, `post show ID`.
namespace eval post {}
cmdlayer::noun post "查看采集到的帖子、全文检索（中文二元分词）、帖子详情与指标采样"

# post::Lines: the posts of source SRC ("" = all), newest first, or matching QUERY (full text,
# best first), at most LIMIT, one line each.
proc post::Lines {query src limit} {
    if {$limit < 1} { cmdlayer::Bad -limit $limit 正整数 }
    if {$query eq ""} {
        set sql {SELECT p.id, s.name, p.first_seen, p.title FROM post p JOIN source s ON s.id = p.source_id
                 WHERE ($src = '' OR s.name = $src) ORDER BY p.id DESC LIMIT $limit}
    } else {
        set q [post::query $query]
        set sql {SELECT p.id, s.name, p.first_seen, p.title FROM post_fts f JOIN post p ON p.id = f.rowid
                 JOIN source s ON s.id = p.source_id
                 WHERE post_fts MATCH $q AND ($src = '' OR s.name = $src) ORDER BY rank LIMIT $limit}
    }
    set out {}
    db eval $sql { lappend out "$id  $first_seen  $name  $title" }
    return [join $out \n]
}
cmdlayer::command post list {{-source 采集源} {-limit 条数 int 20}} "最近采集的帖子" { post::Lines "" $source $limit }
cmdlayer::command post search {{query 检索词} {-source 采集源} {-limit 条数 int 20}} \
    "全文检索帖子（各词同时出现；词之间写 OR 表示任一）" { post::Lines $query $source $limit }
cmdlayer::command post show {{id 帖子编号}} "帖子详情与指标采样" {
    set found 0
    db eval {SELECT p.*, s.name AS source FROM post p JOIN source s ON s.id = p.source_id WHERE p.id = $id} r {
        set found 1
        set out [list "$r(title)" "$r(url)" "来源 $r(source)  作者 $r(author)  发布 $r(published)  首次发现 $r(first_seen)" \
                     "回复 $r(replies)  浏览 $r(views)  转发 $r(reposts)" "" $r(body)]
    }
    if {!$found} { yq::fail post.none $id }
    set samples [db eval {SELECT at, replies, views, reposts FROM post_metric WHERE post_id = $id ORDER BY at}]
    if {[llength $samples]} {
        lappend out "" "指标采样："
        foreach {at a b c} $samples { lappend out "  $at 回复 $a 浏览 $b 转发 $c" }
    }
    return [join $out \n]
}

# post::query: user text as an FTS5 query: each word quoted (so punctuation is no syntax error),
# words ANDed; "OR" between words is kept.
proc post::query {text} {
    set words {}
    foreach w [regexp -all -inline {\S+} $text] {
        if {$w eq "OR"} { lappend words OR; continue }
        lappend words "\"[string map {\" \"\"} $w]\""
    }
    if {![llength $words]} { yq::fail post.nosearch }
    join $words " "
}
