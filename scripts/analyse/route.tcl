# route.tcl - routing (归口): which unit should claim a post or an event.
#
# Input: the unit responsibility terms found in the text (analyse::terms::unitHits: county
# departments by the matters they own, townships by their place names; scripts/analyse/terms/
# units.txt). Each unit scores the number of its term occurrences. Then, following RULES.md
# (001 第六条: county-level units claim their own matters; matters involving several levels or
# units are claimed by the info office):
#   1. the departments whose score is at least route_share (0.5) x the best department's score are
#      "involved"; so are the townships, scored the same way among themselves;
#   2. exactly one department involved -> that department (the townships named are where it
#      happened: reported as location, the township is not a second owner - a county department
#      owns its matter wherever it happens);
#   3. no department, exactly one township -> that township (属地管理);
#   4. two or more departments, or no department and two or more townships -> the info office
#      (信息办): several units are involved;
#   5. nothing found -> the info office: the owner is unclear.
# With route_township_level on, a department plus a township named together is also treated as a
# multi-level matter (rule 4 instead of 2) - the stricter reading of 001 第六条, off by default.
# The result says why, in Chinese, for the event page.

conf::key route_share {number 0 1} 0.5 \
    "交办：某单位命中的词数达到最高单位的此比例时视为涉及该单位"
conf::key route_office string 信息办 \
    "交办：认领不明确或涉及多个单位事项的单位（信息办）"
conf::key route_township_level boolean 0 \
    "交办：部门与乡镇同时被提及时按多层级事项交信息办"

namespace eval analyse::route {}

# analyse::route::suggest: the suggested owner of TEXT. See analyse::route::fromHits.
proc analyse::route::suggest {text} {
    fromHits [analyse::terms::unitHits $text]
}

# analyse::route::fromHits: the suggested owner given unit hits {UNIT TERM START END} ... Returns
# a dict: unit (the suggested claimant), reason (Chinese), departments and townships (involved
# units with their counts, best first), scores (every unit hit -> count).
proc analyse::route::fromHits {hits} {
    set office [conf::get route_office]
    set share [conf::get route_share]
    set scores [dict create]
    foreach h $hits { dict incr scores [lindex $h 0] }
    set dept {}
    set town {}
    dict for {u n} $scores {
        if {[dict get [analyse::terms::unit $u] level] eq "township"} {
            lappend town [list $u $n]
        } else {
            lappend dept [list $u $n]
        }
    }
    set dept [Involved $dept $share]
    set town [Involved $town $share]
    set dnames [lmap x $dept {lindex $x 0}]
    set tnames [lmap x $town {lindex $x 0}]
    set r [dict create departments $dept townships $town scores $scores]
    if {[llength $dept] == 1 && [llength $town] && [conf::get route_township_level]} {
        dict set r unit $office
        dict set r reason "涉及县直部门（[lindex $dnames 0]）和乡镇（[join $tnames 、]）两级，由${office}认领"
    } elseif {[llength $dept] == 1} {
        dict set r unit [lindex $dnames 0]
        set where [expr {[llength $tnames] ? "，发生地：[join [lmap t $tnames { Place $hits $t }] 、]" : ""}]
        dict set r reason "属[lindex $dnames 0]职责（[Terms $hits [lindex $dnames 0]]）$where"
    } elseif {[llength $dept] > 1} {
        dict set r unit $office
        dict set r reason "涉及多个单位（[join $dnames 、]），由${office}认领"
    } elseif {[llength $town] == 1} {
        dict set r unit [lindex $tnames 0]
        dict set r reason "属地管理：发生在[Place $hits [lindex $tnames 0]]"
    } elseif {[llength $town] > 1} {
        dict set r unit $office
        dict set r reason "涉及多个乡镇（[join $tnames 、]），由${office}认领"
    } else {
        dict set r unit $office
        dict set r reason "未识别责任单位，由${office}认领"
    }
    return $r
}

# analyse::route::Involved: of the {UNIT COUNT} pairs, those with COUNT >= SHARE x the best,
# best first (ties by name: lsort is stable).
proc analyse::route::Involved {pairs share} {
    if {![llength $pairs]} { return {} }
    set pairs [lsort -index 0 $pairs]
    set pairs [lsort -integer -decreasing -index 1 $pairs]
    set best [lindex $pairs 0 1]
    set out {}
    foreach p $pairs {
        if {[lindex $p 1] >= $share * $best} { lappend out $p }
    }
    return $out
}

# analyse::route::Place: township TOWN as a place of HITS for a reason text: its name, with the
# other places named in it (villages, landmarks) in brackets: 桃源镇（石门村）.
proc analyse::route::Place {hits town} {
    set t [lsearch -all -inline -not -exact [split [Terms $hits $town] 、] $town]
    expr {[llength $t] ? "$town（[join $t 、]）" : $town}
}

# analyse::route::Terms: the distinct terms of UNIT in HITS, joined for a reason text.
proc analyse::route::Terms {hits unit} {
    set t {}
    foreach h $hits {
        if {[lindex $h 0] eq $unit && [lindex $h 1] ni $t} { lappend t [lindex $h 1] }
    }
    join [lrange $t 0 4] 、
}
