# score.tcl - the risk score of an event (研判): a pure function from the event's factors to a
# score 0-100, a level and the reasons, in a form administrators can read and tune.
#
# THE FORMULA (each factor's points are capped; the total is capped at 100):
#
#   话题 topic      max 30  the heaviest sensitive-topic category hit (its weight= in
#                           terms/topics.txt, 12-30) plus 20% of the weights of the other
#                           categories hit.
#   情感 sentiment  max 20  20 x the negative part of the mean post sentiment (-1..1; 0 when the
#                           mean is positive): all posts at -1 give 20.
#   反响 reaction   max 20  level: 15 x log10(1+E)/4 with E = replies + 2 x reposts + views/100
#                           (E = 10,000 gives the full 15); growth: 5 x log10(1+G)/3 with G the
#                           growth of E per hour between the last two metric samples (1,000/h
#                           gives the full 5).
#   来源 source     max 15  the highest source tier among the event's posts: tier 1 central media
#                           and big portals 15, tier 2 provincial and city media 10, tier 3 local
#                           news sites and forums 5, tier 4 personal accounts and others 2.
#   扩散 spread     max 10  5 x log2(1+posts)/5 (31 posts give 5) + 5 x log2(1+sources)/3
#                           (7 distinct sources give 5).
#   突增 spike      max 10  the post count of the latest interval against the intervals before
#                           it (the trailing window): z = (latest - mean) / max(sd, 1). A spike is
#                           z >= k (score_spike_k, 3) with at least score_spike_min (3) posts;
#                           it gives 10 x z / 2k, at least 5 and at most 10.
#
#   Total 0-100 (the caps add up to 105). Levels (RULES.md: 一般 / 较大 / 重大 / 特别重大) by the
#   thresholds score_level_larger (40), score_level_major (60), score_level_special (80).
#
# analyse::score::compute FACTORS returns {score S level L reasons {{FACTOR POINTS TEXT} ...}}.
# FACTORS is a dict; every key is optional:
#   topics     dict CATEGORY -> {HITS WEIGHT}   (analyse::score::topics TEXT makes it from a text)
#   sentiment  list of post sentiment scores
#   sentiment_total  {N SUM NEG}: the same summed (what events keep counted): N scores, their
#              SUM (0.0 + each in turn), NEG of them at -0.1 or below; used instead of sentiment
#   replies views reposts   current totals
#   samples    list of {SECONDS REPLIES VIEWS REPOSTS}, oldest first (metric samples over time)
#   tiers      list of the source tiers of the posts (1-4)
#   posts      number of posts;  sources  number of distinct sources
#   rates      list of post counts per interval, oldest first; the last is the current interval
# The weights below are the defaults of the formula; change them here (or from the console with
# `set analyse::score::weights(topic) 25`) and every later score uses them.

conf::key score_level_larger {number 0 100} 40 "风险分值达到此值的事件定为较大"
conf::key score_level_major {number 0 100} 60 "风险分值达到此值的事件定为重大"
conf::key score_level_special {number 0 100} 80 "风险分值达到此值的事件定为特别重大"
conf::key score_spike_k {number 0.5 20} 3 "突增检测：帖子数超过均值加 k 倍标准差即为突增"
conf::key score_spike_min {integer 1 1000000} 3 "突增检测：一个时段内构成突增的最少帖子数"

namespace eval analyse::score {
    # caps of each factor's points
    variable weights
    array set weights {
        topic 30  topic_others 0.2
        sentiment 20
        reaction 15  growth 5
        source 15
        spread_posts 5  spread_sources 5
        spike 10
    }
    # points of each source tier
    variable tierPoints {1 15 2 10 3 5 4 2}
    variable tierNames {1 中央媒体/大型门户 2 省市媒体 3 本地网站/论坛 4 个人账号/其他}
}

# analyse::score::topics: the topic factor of TEXT: dict CATEGORY -> {HITS WEIGHT}.
proc analyse::score::topics {text} {
    set out [dict create]
    foreach h [analyse::terms::find 话题 $text] {
        set cat [lindex $h 0]
        if {![dict exists $out $cat]} {
            set attrs [analyse::terms::attrs $cat]
            set w [expr {[dict exists $attrs weight] ? [dict get $attrs weight] : 10}]
            dict set out $cat [list 0 $w]
        }
        dict set out $cat [list [expr {[lindex [dict get $out $cat] 0] + 1}] [lindex [dict get $out $cat] 1]]
    }
    return $out
}

# analyse::score::Get: the value of KEY in dict D, or DEFAULT.
proc analyse::score::Get {d key default} {
    expr {[dict exists $d $key] ? [dict get $d $key] : $default}
}

# analyse::score::Cap: X limited to 0..MAX.
proc analyse::score::Cap {x max} {
    expr {$x < 0 ? 0.0 : ($x > $max ? double($max) : double($x))}
}

# analyse::score::level: the level name of SCORE under the configured thresholds.
proc analyse::score::level {score} {
    set l2 [conf::get score_level_larger]
    set l3 [conf::get score_level_major]
    set l4 [conf::get score_level_special]
    if {!($l2 <= $l3 && $l3 <= $l4)} {
        yq::fail score.thresholds $l2 $l3 $l4
    }
    if {$score >= $l4} { return 特别重大 }
    if {$score >= $l3} { return 重大 }
    if {$score >= $l2} { return 较大 }
    return 一般
}

# analyse::score::spike: the spike test on RATES (post counts per interval, oldest first). Returns
# {SPIKE Z MEAN SD LATEST}; SPIKE is 1 when the latest count is a spike (see the file comment).
proc analyse::score::spike {rates} {
    if {[llength $rates] < 2} { return [list 0 0.0 0.0 0.0 [Get [list x [lindex $rates end]] x 0]] }
    set latest [lindex $rates end]
    set win [lrange $rates 0 end-1]
    set n [llength $win]
    set mean [expr {[tcl::mathop::+ {*}$win] / double($n)}]
    set var 0.0
    foreach r $win { set var [expr {$var + ($r - $mean) ** 2}] }
    set sd [expr {sqrt($var / $n)}]
    set z [expr {($latest - $mean) / max($sd, 1.0)}]
    set spike [expr {$z >= [conf::get score_spike_k] && $latest >= [conf::get score_spike_min]}]
    list $spike $z $mean $sd $latest
}

# analyse::score::compute: the score, level and reasons of the event described by FACTORS (see the
# file comment). No side effects. Errors on malformed factors.
proc analyse::score::compute {factors} {
    variable weights
    variable tierPoints
    variable tierNames
    set reasons {}

    # 话题 topic
    set topics [Get $factors topics {}]
    set best {} ; set bestW 0 ; set others 0.0
    dict for {cat hw} $topics {
        lassign $hw hits w
        if {$w > $bestW} {
            if {$best ne ""} { set others [expr {$others + $bestW}] }
            set best $cat ; set bestW $w
        } else {
            set others [expr {$others + $w}]
        }
    }
    set p [Cap [expr {$bestW + $weights(topic_others) * $others}] $weights(topic)]
    if {[dict size $topics]} {
        set names [lmap {c hw} $topics {format "%s（%d处，权重%s）" $c [lindex $hw 0] [lindex $hw 1]}]
        lappend reasons [list 话题 $p "敏感话题：[join $names 、]"]
    } else {
        lappend reasons [list 话题 $p "未涉及敏感话题"]
    }

    # 情感 sentiment
    if {[dict exists $factors sentiment_total]} {
        lassign [dict get $factors sentiment_total] n sum neg
    } else {
        set sents [Get $factors sentiment {}]
        set n [llength $sents]
        set sum [tcl::mathop::+ 0.0 {*}$sents]
        set neg 0
        foreach s $sents { if {$s <= -0.1} { incr neg } }
    }
    if {$n} {
        set mean [expr {$sum / $n}]
        set p [Cap [expr {$weights(sentiment) * -$mean}] $weights(sentiment)]
        lappend reasons [list 情感 $p [format "情感倾向平均 %.2f，负面帖子 %d/%d" $mean $neg $n]]
    } else {
        lappend reasons [list 情感 0.0 "无情感数据"]
    }

    # 反响 reaction: level and growth
    set replies [Get $factors replies 0]
    set views [Get $factors views 0]
    set reposts [Get $factors reposts 0]
    set e [expr {$replies + 2.0 * $reposts + $views / 100.0}]
    set p1 [Cap [expr {$weights(reaction) * log10(1 + $e) / 4}] $weights(reaction)]
    set samples [Get $factors samples {}]
    set g 0.0
    if {[llength $samples] >= 2} {
        lassign [lindex $samples end-1] t0 r0 v0 s0
        lassign [lindex $samples end] t1 r1 v1 s1
        set dt [expr {max(60.0, $t1 - $t0) / 3600.0}]
        set g [expr {max(0.0, (($r1 + 2.0*$s1 + $v1/100.0) - ($r0 + 2.0*$s0 + $v0/100.0)) / $dt)}]
    }
    set p2 [Cap [expr {$weights(growth) * log10(1 + $g) / 3}] $weights(growth)]
    lappend reasons [list 反响 [expr {$p1 + $p2}] [format "回复 %s、浏览 %s、转发 %s；互动增速每小时 %.0f" \
        $replies $views $reposts $g]]

    # 来源 source tier
    set tiers [Get $factors tiers {}]
    if {[llength $tiers]} {
        set t [tcl::mathfunc::min {*}$tiers]
        if {![dict exists $tierPoints $t]} { yq::fail score.tier $t }
        set p [Cap [dict get $tierPoints $t] $weights(source)]
        lappend reasons [list 来源 $p "最高来源级别：[dict get $tierNames $t]（${t}级）"]
    } else {
        lappend reasons [list 来源 0.0 "来源未知"]
    }

    # 扩散 spread
    set posts [Get $factors posts 0]
    set sources [Get $factors sources 0]
    set p [expr {[Cap [expr {$weights(spread_posts) * log(1 + $posts) / log(2) / 5}] $weights(spread_posts)]
               + [Cap [expr {$weights(spread_sources) * log(1 + $sources) / log(2) / 3}] $weights(spread_sources)]}]
    lappend reasons [list 扩散 $p "帖子 $posts 篇，来自 $sources 个来源"]

    # 突增 spike
    lassign [spike [Get $factors rates {}]] isSpike z mean sd latest
    if {$isSpike} {
        set k [conf::get score_spike_k]
        set p [Cap [expr {max($weights(spike) / 2.0, $weights(spike) * $z / (2 * $k))}] $weights(spike)]
        lappend reasons [list 突增 $p [format "发帖突增：最近时段 %s 篇，此前均值 %.1f、标准差 %.1f（超出 %.1f 倍标准差）" \
            $latest $mean $sd $z]]
    } else {
        lappend reasons [list 突增 0.0 [expr {[llength [Get $factors rates {}]] >= 2 ? "发帖量平稳" : "发帖时序不足"}]]
    }

    set total 0.0
    foreach r $reasons { set total [expr {$total + [lindex $r 1]}] }
    set total [expr {min(100.0, round($total * 10) / 10.0)}]
    set reasons [lmap r $reasons { lset r 1 [expr {round([lindex $r 1] * 10) / 10.0}] }]
    dict create score $total level [level $total] reasons $reasons
}

# analyse::score::explain: RESULT of compute as text lines (Chinese), for the console and pages.
proc analyse::score::explain {result} {
    set out [list [format "风险评分 %.1f（%s）" [dict get $result score] [dict get $result level]]]
    foreach r [dict get $result reasons] {
        lassign $r factor points text
        lappend out [format "  %s +%.1f  %s" $factor $points $text]
    }
    join $out \n
}
