# event.tcl - 研判 on the database: relevance of each new post, one event per matter (一事一报),
# the event's risk score with its reasons, and the console's `event` and `score` commands.
#
# Every post a patrol stores or changes goes through analyse::post: the relevance rules (rules.tcl)
# decide whether it concerns the county's government work and record the terms they found (for
# highlighting); a relevant post gets its sentiment and a SimHash fingerprint and joins an event:
#   - a near-duplicate (SimHash distance <= cluster_distance) of a post of an event seen within
#     cluster_window_days: a repost or copy joins that event;
#   - otherwise the event of that window whose title is most like the post's (character-bigram
#     Jaccard >= cluster_title_overlap, with a topic term in common; or twice that overlap): a
#     follow-up post (every relevant post is about the county already, so regions need not match);
#   - in both cases only when the post and the event do not name different townships only: the
#     same complaint in two townships is two matters (一事一报);
#   - otherwise a new event, with the unit routing suggests (route.tcl).
# The event is then re-scored (score.tcl); so is it when a patrol re-samples its posts' metrics.
# The score's factors are kept on the event (migration 035) and counted as each post joins it
# (analyse::Join: a few rows read and written, however many posts the event has), so scoring reads
# them and no post; a change that can take something away (a changed or re-sampled post, a post no
# longer relevant, merge, split, an event from before migration 035) counts the event's factors
# from scratch (analyse::refresh, from analyse::recount). A level rise raises an alert and runs
# analyse::hooks (the workflow reports).
# A post on a county-local source is read together with the source's name (source_region): a
# post on 青山论坛 is about 青山县 even when it does not say so.
# A post never belongs to two events; admins merge and split events from the console.

namespace eval analyse {
    variable hooks {}        ;# commands called with EVENTID OLDLEVEL NEWLEVEL when a level rises
    variable createHooks {}  ;# commands called with EVENTID when an event is created
    variable joinHooks {}    ;# commands called with EVENTID POSTID when a post joins an existing event
    variable mergeHooks {}   ;# commands called with INTO FROM before event FROM is merged away
    variable indexLoaded 0
    variable levelRank {一般 0 较大 1 重大 2 特别重大 3}
    variable tierRank {central 1 portal 1 government 2 local 3 forum 3}
    variable titleBigrams          ;# array title -> its bigrams (analyse::TitleBigrams)
    variable isoMemo [dict create] ;# "SECONDS TIMEZONE" -> ISO time (analyse::Iso)
    array set titleBigrams {}
}

conf::key source_region boolean 1 \
    "相关性：本地来源（tier 为 local、forum 或 government）的帖子标题提及本县即视为提及本县"
conf::key cluster_window_days {integer 1 365} 7 \
    "事件：帖子可并入此天数内有帖子的事件"
conf::key cluster_distance {integer 0 20} 3 \
    "事件：SimHash 距离不超过此值的帖子视为转帖（近似重复）"
conf::key cluster_title_overlap {number 0 1} 0.2 \
    "事件：后续帖子除共同的地域、主题词外还须达到的标题相似度（二元组 Jaccard）"

# analyse::Iso: yqbox::iso of SECONDS (default: now), remembered for the last few seconds asked
# (clock format costs some 10 µs and the posts of a patrol are analysed within a few seconds).
proc analyse::Iso {{seconds ""}} {
    variable isoMemo
    if {$seconds eq ""} { set seconds [yqbox::now] }
    set key "$seconds [conf::get timezone]"
    if {![dict exists $isoMemo $key]} {
        if {[dict size $isoMemo] >= 16} { set isoMemo [dict create] }
        dict set isoMemo $key [yqbox::iso $seconds]
    }
    dict get $isoMemo $key
}

# analyse::text: the text the analysis reads of a post (offsets of post_term refer to it).
proc analyse::text {title body} {
    return "$title\n$body"
}

# analyse::index: the SimHash index of the window's posts (loaded from the database once).
proc analyse::index {} {
    variable indexLoaded
    if {!$indexLoaded || "analyse:posts" ni [simhash index names]} {
        catch {simhash index delete analyse:posts}
        simhash index create analyse:posts
        set since [analyse::Iso [expr {[yqbox::now] - 86400 * [conf::get cluster_window_days]}]]
        db eval {SELECT id, simhash FROM post WHERE event_id IS NOT NULL AND simhash != ''
                 AND first_seen >= $since} {
            simhash index add analyse:posts $id $simhash
        }
        set indexLoaded 1
    }
    return analyse:posts
}

# analyse::post: analyse post ID (see the file comment). Returns its event id, or "" when the post
# is not relevant. One transaction. With -rescore 0 the event's aggregates and score are left for
# the caller to refresh once for a whole batch (analyse::onStored does).
proc analyse::post {id args} {
    set o [dict merge {-rescore 1} $args]
    set found 0
    db eval {SELECT p.title, p.body, p.first_seen, p.event_id, p.source_id, p.replies, p.views, p.reposts,
                    s.tier, s.title AS stitle FROM post p
             JOIN source s ON s.id = p.source_id WHERE p.id = $id} r { set found 1 }
    if {!$found} { yq::fail post.none $id }
    set text [text $r(title) $r(body)]
    set a [analyse::rules::apply $text 0]
    if {![llength [dict get $a rules]] && [conf::get source_region]
        && $r(tier) in {local forum government} && $r(stitle) ne ""} {
        # the county's own forum or site: its name stands for the region the post does not repeat
        set b [analyse::rules::apply "$text\n$r(stitle)" 0]
        set n [string length $text]
        dict set b terms [lmap t [dict get $b terms] { expr {[lindex $t 3] < $n ? $t : [continue]} }]
        set a $b
    }
    set relevant [expr {[llength [dict get $a rules]] > 0}]
    set event ""
    db transaction immediate {
        db eval {DELETE FROM post_term WHERE post_id = $id}
        foreach t [dict get $a terms] {
            lassign $t list section term start end
            db eval {INSERT INTO post_term(post_id, list, section, term, start, end)
                     VALUES($id, $list, $section, $term, $start, $end)}
        }
        set rules [dict get $a rules]
        if {!$relevant} {
            db eval {UPDATE post SET relevant = 0, rules = '' WHERE id = $id}
            if {$r(event_id) ne ""} { Detach $id $r(event_id) }
        } else {
            set sim [simhash $text]
            set sent [sentiment $text]
            set event $r(event_id)
            if {$event ne ""} {
                db eval {UPDATE post SET relevant = 1, rules = $rules, simhash = $sim, sentiment = $sent
                         WHERE id = $id}
            } else {
                set terms [Terms [dict get $a terms]]
                set event [cluster $id $sim $r(title) $terms [Townships [dict get $a terms]]]
                set joined [expr {$event ne ""}]
                if {$event eq ""} { set event [create $id $r(title) $text $r(first_seen)] }
                # the post's row is written once (it is the largest row the analysis writes)
                db eval {UPDATE post SET relevant = 1, rules = $rules, simhash = $sim, sentiment = $sent,
                                         event_id = $event WHERE id = $id}
                Join $event [dict create source_id $r(source_id) first_seen $r(first_seen) \
                    replies $r(replies) views $r(views) reposts $r(reposts) sentiment $sent \
                    terms $terms topics [TopicHits [dict get $a terms]] id $id \
                    places [lsort -unique [lmap t [dict get $a terms] { expr {[lindex $t 0] eq "区域" ? [lindex $t 1] : [continue]} }]]]
                if {$joined} { RunHooks joinHooks $event $id }
            }
            simhash index add [index] $id $sim
            if {[dict get $o -rescore]} {
                # a post already in the event changed: what it brought before is counted again
                if {$r(event_id) ne ""} { refresh $event }
                rescore $event [expr {$r(event_id) eq "" ? "新帖" : "帖子更新"}]
            }
        }
    }
    return $event
}

# analyse::Terms: the region and topic terms of a post's term list, as {区域 TERMS 话题 TERMS}.
proc analyse::Terms {terms} {
    set out {区域 {} 话题 {}}
    foreach t $terms {
        lassign $t list section term
        if {$list in {区域 话题} && $term ni [dict get $out $list]} { dict lappend out $list $term }
    }
    return $out
}

# analyse::TopicHits: the 话题 hits of a post's term list by section, as a dict SECTION -> HITS.
proc analyse::TopicHits {terms} {
    set out [dict create]
    foreach t $terms {
        if {[lindex $t 0] eq "话题"} { dict incr out [lindex $t 1] }
    }
    return $out
}

# analyse::Bigrams: the set of character bigrams of TEXT (punctuation and spaces dropped).
proc analyse::Bigrams {text} {
    set t [regsub -all {[[:punct:][:space:]　-〿＀-｠]+} $text ""]
    set out {}
    for {set i 0} {$i < [string length $t] - 1} {incr i} { lappend out [string range $t $i $i+1] }
    lsort -unique $out
}

# analyse::TitleBigrams: analyse::Bigrams of TITLE, remembered (the window's event titles are
# compared with every new post); at most 20,000 titles are kept, then the memory starts again.
proc analyse::TitleBigrams {title} {
    variable titleBigrams
    if {![info exists titleBigrams($title)]} {
        if {[array size titleBigrams] >= 20000} { array unset titleBigrams }
        set titleBigrams($title) [Bigrams $title]
    }
    return $titleBigrams($title)
}

# analyse::Jaccard: |A ∩ B| / |A ∪ B| of two sorted unique lists.
proc analyse::Jaccard {a b} {
    if {![llength $a] && ![llength $b]} { return 0.0 }
    set both 0
    foreach x $a { if {[lsearch -sorted $b $x] >= 0} { incr both } }
    expr {double($both) / ([llength $a] + [llength $b] - $both)}
}

# analyse::Townships: the townships (乡镇/街道 lists of the region group, kind=township) whose places
# a post names, from its term list TERMS ({LIST SECTION TERM START END}, as rules::apply gives it);
# the county's own name is no township.
proc analyse::Townships {terms} {
    set out {}
    foreach t $terms {
        lassign $t list section
        if {$list eq "区域" && $section ni $out && [IsTownship $section]} { lappend out $section }
    }
    return $out
}

# analyse::IsTownship: 1 when region list NAME is a township's (kind=township), else 0.
proc analyse::IsTownship {name} {
    expr {![catch {analyse::terms::attrs $name} a] && [dict exists $a kind] && [dict get $a kind] eq "township"}
}

# analyse::SamePlace: 0 when the post naming townships TOWNS cannot be about the matter of event E
# because both name townships and none in common (the same complaint in two townships is two
# matters: 一事一报), else 1. Reads only.
proc analyse::SamePlace {towns e} {
    if {![llength $towns]} { return 1 }
    set other 0
    lassign [db eval {SELECT counted, places FROM event WHERE id = $e}] counted places
    if {$counted ne "" && !$counted} { set places [EventPlaces $e] }
    foreach section $places {
        if {$section in $towns} { return 1 }
        if {[IsTownship $section]} { set other 1 }
    }
    expr {!$other}
}

# analyse::EventPlaces: the 区域 sections (places) event E's posts name, sorted, counted from
# scratch over their stored terms (analyse::Join keeps event.places up to date). Reads only.
proc analyse::EventPlaces {e} {
    db eval {SELECT DISTINCT t.section FROM post p JOIN post_term t ON t.post_id = p.id
             WHERE p.event_id = $e AND t.list = '区域' ORDER BY t.section}
}

# analyse::cluster: the event post ID (fingerprint SIM, TITLE, TERMS {区域 .. 话题 ..}, naming the
# townships TOWNS) belongs to, or "" for a new matter. Reads only.
proc analyse::cluster {id sim title terms towns} {
    set since [analyse::Iso [expr {[yqbox::now] - 86400 * [conf::get cluster_window_days]}]]
    foreach hit [simhash index near [index] $sim [conf::get cluster_distance]] {
        lassign $hit other dist
        if {$other == $id} { continue }
        set e [db onecolumn {SELECT p.event_id FROM post p JOIN event e ON e.id = p.event_id
                             WHERE p.id = $other AND e.last_post >= $since}]
        if {$e ne "" && [SamePlace $towns $e]} { return $e }
    }
    set topics [dict get $terms 话题]
    set mine [TitleBigrams $title]
    set best ""
    set bestSim 0
    set need [conf::get cluster_title_overlap]
    db eval {SELECT id AS e, title AS t, terms AS et FROM event WHERE last_post >= $since
             ORDER BY last_post DESC LIMIT 500} {
        set j [Jaccard $mine [TitleBigrams $t]]
        if {$j < $need || $j <= $bestSim} { continue }
        # similar titles about the same topic, or titles so close that the topic goes without saying
        set shareT 0
        if {![catch {dict get $et 话题} etp]} {
            foreach x $topics { if {$x in $etp} { set shareT 1; break } }
        }
        if {($shareT || $j >= 2 * $need) && [SamePlace $towns $e]} { set best $e; set bestSim $j }
    }
    return $best
}

# analyse::create: a new event seeded by post ID; routing suggests its unit. Returns its id. The
# event starts with nothing counted: the caller joins the post (analyse::Join) or refreshes it.
proc analyse::create {id title text firstSeen} {
    set route [analyse::route::suggest $text]
    set unit [dict get $route unit]
    set reason [dict get $route reason]
    set at [analyse::Iso]
    db eval {INSERT INTO event(title, suggested_unit, route_reason, first_seen, last_post, created, updated, counted)
             VALUES($title, $unit, $reason, $firstSeen, $firstSeen, $at, $at, 1)}
    set e [db last_insert_rowid]
    RunHooks createHooks $e
    return $e
}

# analyse::RunHooks: call each command of hook list LIST with ARGS. A failing hook is logged and
# does not stop the analysis (each hook keeps its own changes whole: it runs its own transaction).
proc analyse::RunHooks {list args} {
    variable $list
    foreach h [set $list] {
        if {[catch {{*}$h {*}$args} msg]} { ::log error "hook $h $args: $msg" }
    }
}

# analyse::refresh: count event E's aggregates and score factors from scratch over its posts
# (posts, sources, terms, first and last post, the factors of analyse::recount, event_source and
# event_rate) and store them, marked counted. For changes that can take something away from the
# event; a post joining it is counted by analyse::Join. Run inside the caller's transaction.
proc analyse::refresh {e} {
    set f [recount $e]
    foreach k {posts sources replies views reposts} { set $k [dict get $f $k] }
    lassign [dict get $f sentiment_total] sn ss sneg
    set topics [dict map {section hw} [dict get $f topics] { lindex $hw 0 }]
    set samples [dict get $f samples]
    set terms [EventTerms $e]
    set places [EventPlaces $e]
    set at [analyse::Iso]
    db eval {DELETE FROM event_source WHERE event_id = $e}
    db eval {INSERT INTO event_source(event_id, source_id, posts)
             SELECT $e, source_id, count(*) FROM post WHERE event_id = $e GROUP BY source_id}
    db eval {DELETE FROM event_rate WHERE event_id = $e}
    db eval {INSERT INTO event_rate(event_id, first_seen, posts)
             SELECT $e, first_seen, count(*) FROM post WHERE event_id = $e GROUP BY first_seen}
    db eval {UPDATE event SET terms = $terms, posts = $posts, sources = $sources,
                 first_seen = coalesce((SELECT min(first_seen) FROM post WHERE event_id = $e), first_seen),
                 last_post = coalesce((SELECT max(first_seen) FROM post WHERE event_id = $e), last_post),
                 replies = $replies, views = $views, reposts = $reposts,
                 sentiment_n = $sn, sentiment_sum = $ss, sentiment_neg = $sneg,
                 topic_hits = $topics, samples = $samples, places = $places, counted = 1, updated = $at
             WHERE id = $e}
}

# analyse::EventTerms: the region and topic terms of event E's posts, {区域 TERMS 话题 TERMS}
# (each list sorted), counted from scratch.
proc analyse::EventTerms {e} {
    set terms {区域 {} 话题 {}}
    db eval {SELECT DISTINCT t.list, t.term FROM post_term t JOIN post p ON p.id = t.post_id
             WHERE p.event_id = $e AND t.list IN ('区域', '话题') ORDER BY t.list, t.term} {
        dict lappend terms $list $term
    }
    return $terms
}

# analyse::Join: count post P (a dict: id source_id first_seen replies views reposts sentiment,
# terms {区域 .. 话题 ..}, topics SECTION -> HITS, places: its 区域 sections) into event E, which
# it has just joined: a few rows read and written whatever the event's size. An event not counted
# yet (made before migration 035), or one with a newer post than P, is counted from scratch
# instead. In the caller's transaction.
proc analyse::Join {e p} {
    set id [dict get $p id]
    # the sentiment sum is added in post id order (floating point: the order is part of the
    # value): a post older than one already in the event is counted with the others from scratch
    db eval {SELECT counted, terms, topic_hits, samples, places,
                    EXISTS (SELECT 1 FROM post WHERE event_id = $e AND id > $id) AS older,
                    (SELECT count(*) FROM post_metric WHERE post_id = $id) AS metrics
             FROM event WHERE id = $e} {}
    if {!$counted || $older} {
        refresh $e
        return
    }
    if {$terms eq ""} { set terms {区域 {} 话题 {}} }
    dict for {list ts} [dict get $p terms] {
        foreach t $ts {
            if {![dict exists $terms $list] || $t ni [dict get $terms $list]} { dict lappend terms $list $t }
        }
    }
    dict for {section n} [dict get $p topics] { dict incr topic_hits $section $n }
    set places [lsort -unique [concat $places [dict get $p places]]]
    set topic_hits [lsort -stride 2 -index 0 $topic_hits]
    set src [dict get $p source_id]
    set fs [dict get $p first_seen]
    set newSource [expr {[db onecolumn {INSERT INTO event_source(event_id, source_id, posts) VALUES($e, $src, 1)
                                        ON CONFLICT(event_id, source_id) DO UPDATE SET posts = posts + 1
                                        RETURNING posts}] == 1}]
    db eval {INSERT INTO event_rate(event_id, first_seen, posts) VALUES($e, $fs, 1)
             ON CONFLICT(event_id, first_seen) DO UPDATE SET posts = posts + 1}
    # a new post has at most one metric sample; one analysed later may have more (growth factor)
    if {$metrics >= 2} { set samples [Samples $e] }
    set sent [dict get $p sentiment]
    lassign [expr {$sent eq "" ? {0 0.0 0} : [list 1 $sent [expr {$sent <= -0.1}]]}] sn ss sneg
    set r [dict get $p replies]; set v [dict get $p views]; set rp [dict get $p reposts]
    set at [analyse::Iso]
    db eval {UPDATE event SET terms = $terms, topic_hits = $topic_hits, samples = $samples, places = $places,
                 posts = posts + 1, sources = sources + $newSource,
                 first_seen = min(first_seen, $fs), last_post = max(last_post, $fs),
                 replies = replies + coalesce($r, 0), views = views + coalesce($v, 0),
                 reposts = reposts + coalesce($rp, 0), sentiment_n = sentiment_n + $sn,
                 sentiment_sum = sentiment_sum + $ss, sentiment_neg = sentiment_neg + $sneg,
                 updated = $at
             WHERE id = $e}
}

# analyse::Detach: take post ID out of event E (it is no longer relevant); an event left without
# posts keeps its record (the workflow may have acted on it) but scores 0.
proc analyse::Detach {id e} {
    db eval {UPDATE post SET event_id = NULL WHERE id = $id}
    catch {simhash index remove [index] $id}
    refresh $e
    rescore $e "帖子不再相关"
}

# analyse::factors: the factor dict score.tcl reads, from what event E keeps counted (analyse::Join,
# analyse::refresh): its row, its sources' tiers and its posts per hour - no post is read.
proc analyse::factors {e} {
    variable tierRank
    set f [dict create]
    db eval {SELECT posts, sources, replies, views, reposts, sentiment_n, sentiment_sum, sentiment_neg,
                    topic_hits, samples FROM event WHERE id = $e} {
        dict set f posts $posts
        dict set f sources $sources
        dict set f replies $replies
        dict set f views $views
        dict set f reposts $reposts
        dict set f topics [TopicFactor $topic_hits]
        dict set f sentiment_total [list $sentiment_n $sentiment_sum $sentiment_neg]
        dict set f tiers [Tiers [db eval {SELECT DISTINCT s.tier FROM event_source es
                                          JOIN source s ON s.id = es.source_id WHERE es.event_id = $e}]]
        dict set f samples $samples
        set now [analyse::Iso]
        # a row older than a day is outside the hours counted; the bound on the text (two days
        # wider than the day, whatever the rows' UTC offsets) lets the index skip the older ones
        set bound [analyse::Iso [expr {[yqbox::now] - 3 * 86400}]]
        dict set f rates [Rates [db eval {
            SELECT CAST((julianday($now) - julianday(first_seen)) * 24 AS INTEGER) AS h, sum(posts) AS n
            FROM event_rate WHERE event_id = $e AND first_seen >= $bound
              AND julianday(first_seen) > julianday($now) - 1
            GROUP BY h}]]
    }
    return $f
}

# analyse::recount: the factors of analyse::factors for event E, counted from scratch with
# aggregate queries over its posts, their stored terms and metric samples (no text is matched
# again). For analyse::refresh and to check the counted ones.
proc analyse::recount {e} {
    set f [dict create]
    db eval {SELECT count(*) AS n, count(DISTINCT source_id) AS ns, coalesce(sum(replies), 0) AS r,
                    coalesce(sum(views), 0) AS v, coalesce(sum(reposts), 0) AS rp,
                    count(sentiment) AS sn, coalesce(sum(sentiment <= -0.1), 0) AS sneg
             FROM post WHERE event_id = $e} {
        dict set f posts $n
        dict set f sources $ns
        dict set f replies $r
        dict set f views $v
        dict set f reposts $rp
        dict set f topics [TopicFactor [db eval {
            SELECT t.section, count(*) FROM post_term t JOIN post p ON p.id = t.post_id
            WHERE p.event_id = $e AND t.list = '话题' GROUP BY t.section ORDER BY t.section}]]
        # summed in Tcl in post id order, as analyse::Join adds them (SQL's sum() compensates)
        set ss 0.0
        db eval {SELECT sentiment FROM post WHERE event_id = $e AND sentiment IS NOT NULL ORDER BY id} {
            set ss [expr {$ss + $sentiment}]
        }
        dict set f sentiment_total [list $sn $ss $sneg]
        dict set f tiers [Tiers [db eval {SELECT DISTINCT s.tier FROM post p JOIN source s ON s.id = p.source_id
                                         WHERE p.event_id = $e}]]
        dict set f samples [Samples $e]
        set now [analyse::Iso]
        dict set f rates [Rates [db eval {
            SELECT CAST((julianday($now) - julianday(first_seen)) * 24 AS INTEGER) AS h, count(*) AS n
            FROM post WHERE event_id = $e AND julianday(first_seen) > julianday($now) - 1
            GROUP BY h}]]
    }
    return $f
}

# analyse::TopicFactor: the topic factor {SECTION {HITS WEIGHT} ...} of HITS (SECTION HITS ...,
# sorted by section), with each category's weight= from terms/topics.txt (10 when it has none).
proc analyse::TopicFactor {hits} {
    set topics [dict create]
    foreach {section n} $hits {
        set attrs [analyse::terms::attrs $section]
        dict set topics $section [list $n [expr {[dict exists $attrs weight] ? [dict get $attrs weight] : 10}]]
    }
    return $topics
}

# analyse::Tiers: the source tier ranks (1-4, sorted, distinct) of the source tier names TIERS.
proc analyse::Tiers {tiers} {
    variable tierRank
    lsort -integer -unique [lmap t $tiers { dict get $tierRank $t }]
}

# analyse::Samples: the reaction of event E at its posts' last two metric samples, as two points
# {SECONDS REPLIES VIEWS REPOSTS} (posts sampled at least twice), for the growth factor.
proc analyse::Samples {e} {
    set pts {}
    db eval {SELECT rn, max(at) AS at, sum(coalesce(replies, 0)) AS a, sum(coalesce(views, 0)) AS b,
                    sum(coalesce(reposts, 0)) AS c
             FROM (SELECT m.*, row_number() OVER (PARTITION BY m.post_id ORDER BY m.at DESC) AS rn,
                          count(*) OVER (PARTITION BY m.post_id) AS k
                   FROM post_metric m JOIN post p ON p.id = m.post_id WHERE p.event_id = $e)
             WHERE rn <= 2 AND k >= 2 GROUP BY rn ORDER BY rn DESC} {
        lappend pts [list [yqbox::seconds $at] $a $b $c]
    }
    if {[llength $pts] != 2 || [lindex $pts 1 0] <= [lindex $pts 0 0]} { return {} }
    return $pts
}

# analyse::Rates: the posts per hour over the last 24 hours, oldest first, from ROWS {HOURSAGO
# POSTS ...} (hours ago 0-23; others are ignored).
proc analyse::Rates {rows} {
    set rates [lrepeat 24 0]
    foreach {h n} $rows {
        if {$h >= 0 && $h < 24} { lset rates [expr {23 - $h}] $n }
    }
    return $rates
}

# analyse::rescore: score event E now (CAUSE says why), store it with its reasons and history; a
# level rise raises an alert and runs the hooks. Returns the score dict.
proc analyse::rescore {e cause} {
    variable levelRank
    variable hooks
    lassign [db eval {SELECT counted, level FROM event WHERE id = $e}] counted old
    if {$counted ne "" && !$counted} { refresh $e }
    set r [analyse::score::compute [factors $e]]
    set score [dict get $r score]
    set level [dict get $r level]
    set reasons [dict get $r reasons]
    set at [analyse::Iso]
    db eval {UPDATE event SET score = $score, level = $level, reasons = $reasons, updated = $at WHERE id = $e}
    db eval {INSERT INTO event_score(event_id, at, score, level, reasons, cause)
             VALUES($e, $at, $score, $level, $reasons, $cause)}
    if {[dict get $levelRank $level] > [dict get $levelRank $old]} {
        set title [db onecolumn {SELECT title FROM event WHERE id = $e}]
        db eval {INSERT INTO alert(at, kind, object, message)
                 VALUES($at, 'event.level', 'event:' || $e, '事件 #' || $e || '「' || $title || '」风险等级由' || $old || '升为' || $level)}
        RunHooks hooks $e $old $level
    }
    return $r
}

# analyse::onStored: the crawl hook: analyse new and changed posts, then score each event they
# joined (and the events of posts whose metrics were re-sampled) once for the batch. A new post is
# counted into its event as it joins; an event with a changed or re-sampled post is counted from
# scratch first (analyse::refresh). The batch is one transaction (one commit, where a commit per
# post cost more than analysing it) in which each post and each event's score is a savepoint of
# its own: an error in one post is logged, undoes that post's changes only, and does not stop the
# others.
proc analyse::onStored {stored} {
    db transaction immediate { Batch $stored }
}

# analyse::Batch: the body of analyse::onStored, inside its transaction.
proc analyse::Batch {stored} {
    set touched {}
    set recount {}
    set new {}
    foreach id [dict get $stored new] { dict set new $id 1 }
    foreach id [concat [dict get $stored new] [dict get $stored changed]] {
        if {[catch {post $id -rescore 0} e]} {
            ::log error "analysis of post $id: $e"
        } elseif {$e ne ""} {
            if {![dict exists $touched $e]} { dict set touched $e [expr {[dict exists $new $id] ? "新帖" : "帖子更新"}] }
            if {![dict exists $new $id]} { dict set recount $e 1 }
        }
    }
    if {[dict exists $stored sampled]} {
        foreach id [dict get $stored sampled] {
            set e [db onecolumn {SELECT event_id FROM post WHERE id = $id}]
            if {$e eq ""} { continue }
            if {![dict exists $touched $e]} { dict set touched $e "指标更新" }
            dict set recount $e 1
        }
    }
    # each event of the batch is scored once, however many of its posts came in
    dict for {e cause} $touched {
        if {[catch {db transaction {
            if {[dict exists $recount $e]} { refresh $e }
            rescore $e $cause
        }} msg]} {
            ::log error "scoring event $e: $msg"
        }
    }
}
namespace eval crawl {
    variable hooks
    lappend hooks analyse::onStored
}

# ---- console -------------------------------------------------------------------------------------

# event: the console's event command (::console::event); the workflow adds its verbs (claim,
# assign, judge, ..., due, overdue, timeline: scripts/workflow/).
namespace eval event {}
cmdlayer::noun event "舆情事件（一事一报）：列表、详情（帖子、命中词、评分理由、记录）、合并与拆分；处置流程（workflow transitions 列出全部）及时限"

# event::exists: errors unless event ID exists.
proc event::exists {id} {
    if {![string is entier -strict $id] || ![db exists {SELECT 1 FROM event WHERE id = $id}]} {
        yq::fail event.none $id
    }
}

cmdlayer::command event list {{-level 等级 choice(一般|较大|重大|特别重大)} {-since 时间} {-state 状态} {-limit 条数 int 50}} \
    "列出事件（最近有帖子的在前）：等级、评分、状态、帖子数、归口单位" \
    "-since 为 ISO 8601 时间（如 2026-03-02T10:00:00+08:00），只列此后有新帖子的事件；-state 为状态名（workflow states 列出）。" {
    if {$since ne ""} { set since [yqbox::iso [yqbox::seconds $since]] }
    set out {}
    # the owner once a unit has it, else the suggestion (marked as such)
    db eval {SELECT e.id, e.level, e.score, e.state, e.posts, e.sources, e.last_post, e.suggested_unit,
                    coalesce(u.name, '') AS owner, e.title FROM event e LEFT JOIN unit u ON u.id = e.unit_id
             WHERE ($level = '' OR e.level = $level) AND ($since = '' OR e.last_post >= $since)
               AND ($state = '' OR e.state = $state)
             ORDER BY e.last_post DESC LIMIT $limit} {
        set unit [expr {$owner ne "" ? $owner : ($suggested_unit ne "" ? "（建议：$suggested_unit）" : "（未归口）")}]
        if {[llength [info commands ::workflow::stateTitle]] && [workflow::stateTitle $state] ne ""} {
            set state [workflow::stateTitle $state]
        }
        lappend out [format "#%-4d %-4s %5.1f  %-8s 帖 %-3d 源 %-2d %s  %s  %s" $id $level $score $state $posts $sources $last_post $unit $title]
    }
    join $out \n
}

# event show ID: posts with matched terms, score with reasons, history.
cmdlayer::command event show {{id 事件编号}} "事件详情：帖子与命中词、评分理由、时限、评分记录" {
    event::exists $id
    db eval {SELECT * FROM event WHERE id = $id} e {}
    set out [list "#$id $e(title)" "状态 $e(state)  建议归口 $e(suggested_unit)（$e(route_reason)）" \
                 "风险 $e(level) $e(score) 分" [analyse::score::explain [dict create score $e(score) level $e(level) reasons $e(reasons)]] "" "帖子："]
    db eval {SELECT p.id AS pid, p.title, p.url, s.name AS src, p.first_seen, p.sentiment FROM post p
             JOIN source s ON s.id = p.source_id WHERE p.event_id = $id ORDER BY p.first_seen} {
        set terms [db eval {SELECT DISTINCT term FROM post_term WHERE post_id = $pid}]
        lappend out "  $pid $first_seen $src 情感 [format %.2f [expr {$sentiment eq "" ? 0 : $sentiment}]] $title" \
                    "      $url" "      命中：[join $terms 、]"
    }
    if {[llength [info commands ::workflow::deadline::Lines]]} {
        lappend out "" "时限："  [workflow::deadline::Lines "d.event_id = [expr {int($id)}]"]
    }
    lappend out "" "评分记录："
    db eval {SELECT at, score, level, cause FROM event_score WHERE event_id = $id ORDER BY rowid} {
        lappend out "  $at $level $score（$cause）"
    }
    join $out \n
}

# event merge INTO FROM: move FROM's posts into INTO; FROM must not be in the workflow yet.
cmdlayer::command event merge {{into 并入的事件} {from 被并的事件}} "把一个尚未进入处置流程的事件的帖子并入另一个事件" {
    org::require event.judge
    event::exists $into
    event::exists $from
    if {$into == $from} { yq::fail event.mergeself }
    db transaction immediate {
        if {[db onecolumn {SELECT state FROM event WHERE id = $from}] ne "detected"} {
            yq::fail event.mergeworkflow $from
        }
        foreach h $analyse::mergeHooks { {*}$h $into $from }
        db eval {UPDATE post SET event_id = $into WHERE event_id = $from}
        db eval {DELETE FROM event_score WHERE event_id = $from}
        db eval {DELETE FROM event_source WHERE event_id = $from}
        db eval {DELETE FROM event_rate WHERE event_id = $from}
        db eval {DELETE FROM event WHERE id = $from}
        analyse::refresh $into
        analyse::rescore $into "合并事件 #$from"
        audit::record event.merge event:$into -after "merged event $from"
    }
    return
}

# event split ID POSTID ...: move those posts of event ID into a new event. Returns its id.
cmdlayer::command event split {{id 事件编号} {args 帖子编号 text 1}} "把事件中的部分帖子拆成一个新事件，返回新事件编号" {
    org::require event.judge
    event::exists $id
    db transaction immediate {
        foreach p $args {
            if {![db exists {SELECT 1 FROM post WHERE id = $p AND event_id = $id}]} {
                yq::fail event.notpost $p $id
            }
        }
        if {[llength $args] >= [db onecolumn {SELECT count(*) FROM post WHERE event_id = $id}]} {
            yq::fail event.splitall $id
        }
        set first [lindex [lsort -integer $args] 0]
        db eval {SELECT title, body, first_seen FROM post WHERE id = $first} {}
        set new [analyse::create $first $title [analyse::text $title $body] $first_seen]
        foreach p $args { db eval {UPDATE post SET event_id = $new WHERE id = $p} }
        foreach e [list $id $new] {
            analyse::refresh $e
            analyse::rescore $e "拆分事件"
        }
        audit::record event.split event:$id -after "posts $args to event $new"
    }
    return $new
}

# event rescore ID: count the event's factors from scratch and score it again now.
cmdlayer::command event rescore {{id 事件编号}} "立即重新评分" {
    event::exists $id
    # counted from scratch: the administrator's way to set right whatever the counts missed
    db transaction immediate {
        analyse::refresh $id
        set r [analyse::rescore $id "手动重新评分"]
    }
    analyse::score::explain $r
}

# score explain EVENTID: the event's current score, level and reasons.
cmdlayer::noun score "风险评分"
cmdlayer::command score explain {{id 事件编号}} "显示事件的风险评分、等级与各因素的理由" {
    event::exists $id
    db eval {SELECT score, level, reasons FROM event WHERE id = $id} {}
    analyse::score::explain [dict create score $score level $level reasons $reasons]
}
