# assessment.tcl - the quarterly assessment (考核, seeds 000 四, 001 第十二、十三条): per unit and
# period, counters of how it handled its events and its government-information reporting, points
# from a readable formula (scripts/assessment/points.tcl, or the file in config key
# assessment_formula), the ranking, the quarterly notice (通报) naming late units and units below the
# reporting quota, a CSV export for Excel and a bar chart of the ranking (SVG). Month, quarter and
# year views are the same computation over another period (reporting::period).
#
# THE COUNTERS are all counted by the SQL in assessment::counters below, and only there. Each query
# returns rows (unit_id, event_id) of one period, from $from (inclusive) to $to (exclusive), ISO
# dates in the configured zone; the counter is the number of rows and the event ids are the events
# behind the figure. The queries read the workflow's tables (migration 006) under this contract:
#   event_step(event_id, unit_id, at ISO, action claim|assign|extend|..., overdue 0|1)
#       assign with overdue=1: the info office assigned an item nobody claimed in time (001 第六条);
#       it counts against the claim row's late unit (the suggested unit, by id or, for a unit
#       created later, by late_name) when there is one, else against the step's unit
#   deadline(event_id, unit_id, rule, due_epoch, met_at ISO|NULL, breached_at ISO|NULL)
#       one row per time limit started, with the calendar rule that set it; met_at when the duty
#       was done, breached_at when the clock recorded the breach
#   instruction(event_id, unit_id, due_epoch, state, done_at ISO|NULL)
#   reply_vote(reply_id, choice, at ISO) JOIN reply(unit_id, event_id): the citizens' satisfaction
#       votes on published replies (scripts/column.tcl); the formula counts them only when the
#       config key assessment_votes is on (the formula's variable $votes)
# A deadline counts in the period its outcome falls in: on time when met (met_at in the period and
# never breached), late when breached (breached_at in the period). Counters whose tables are not in
# the database count 0 and are listed as missing. Reporting counters read this module's own
# tables (008): items adopted, months under the unit quota, 约稿 delivered late or not at all.
# THE TALLY (migration 038): the counters of assessment::tallied are also kept per day and unit
# in assessment_tally, by triggers on event_step and deadline whose views restate the queries
# below row by row; what shows only the figures adds up the period's tally rows (a quarter of
# 50,000 events in ~1.5 ms of CPU instead of ~80 ms). A change to one of those queries must
# change the views of 038 in a new migration too: assessment.test compares both ways on a
# generated half year.

namespace eval assessment {
    # name -> {tables sql ?count?}; see the file comment (COUNT: the rows of SQL counted per unit,
    # as rows unit_id, n, where counting SQL's rows would be slower)
    variable counters {
        owned {{event_step} {
            SELECT DISTINCT unit_id, event_id FROM event_step
            WHERE action IN ('claim', 'assign') AND at >= $from AND at < $to} {
            SELECT unit_id, count(DISTINCT event_id) AS n FROM event_step
            WHERE action IN ('claim', 'assign') AND at >= $from AND at < $to GROUP BY unit_id}}
        claimed_ontime {{event_step deadline} {
            SELECT s.unit_id, s.event_id FROM event_step s
            WHERE s.action = 'claim' AND s.at >= $from AND s.at < $to
              AND NOT EXISTS (SELECT 1 FROM deadline d WHERE d.event_id = s.event_id AND d.rule = 'claim'
                              AND d.breached_at IS NOT NULL)}}
        assigned_overdue {{event_step claim} {
            SELECT coalesce((SELECT coalesce(c.late_unit, (SELECT n.id FROM unit n WHERE n.name = c.late_name))
                             FROM claim c WHERE c.event_id = s.event_id AND c.overdue = 1
                             ORDER BY c.id DESC LIMIT 1), s.unit_id) AS unit_id, s.event_id
            FROM event_step s
            WHERE s.action = 'assign' AND s.overdue = 1 AND s.at >= $from AND s.at < $to}}
        reports_ontime {{deadline} {
            SELECT unit_id, event_id FROM deadline
            WHERE rule IN ('investigate', 'investigate_legacy') AND breached_at IS NULL
              AND met_at >= $from AND met_at < $to}}
        reports_late {{deadline} {
            SELECT unit_id, event_id FROM deadline
            WHERE rule IN ('investigate', 'investigate_legacy') AND breached_at >= $from AND breached_at < $to}}
        extensions {{event_step} {
            SELECT unit_id, event_id FROM event_step WHERE action = 'extend' AND at >= $from AND at < $to}}
        replies_ontime {{deadline} {
            SELECT unit_id, event_id FROM deadline
            WHERE rule IN ('reply', 'reply_major') AND breached_at IS NULL AND met_at >= $from AND met_at < $to}}
        replies_late {{deadline} {
            SELECT unit_id, event_id FROM deadline
            WHERE rule IN ('reply', 'reply_major') AND breached_at >= $from AND breached_at < $to}}
        limit_breaches {{deadline} {
            SELECT unit_id, event_id FROM deadline
            WHERE rule IN ('press_conference', 'respond') AND breached_at >= $from AND breached_at < $to}}
        instructions_ontime {{instruction} {
            SELECT unit_id, event_id FROM instruction
            WHERE done_at >= $from AND done_at < $to AND unixepoch(done_at) <= due_epoch}}
        instructions_late {{instruction} {
            SELECT unit_id, event_id FROM instruction
            WHERE (done_at >= $from AND done_at < $to AND unixepoch(done_at) > due_epoch)
               OR (done_at IS NULL AND due_epoch >= $fromEpoch AND due_epoch < min($toEpoch, $nowEpoch))}}
        votes_satisfied {{reply_vote} {
            SELECT r.unit_id, r.event_id FROM reply_vote v JOIN reply r ON r.id = v.reply_id
            WHERE v.at >= $from AND v.at < $to GROUP BY r.id
            HAVING sum(v.choice <> 'unsatisfied') > sum(v.choice = 'unsatisfied')}}
        votes_unsatisfied {{reply_vote} {
            SELECT r.unit_id, r.event_id FROM reply_vote v JOIN reply r ON r.id = v.reply_id
            WHERE v.at >= $from AND v.at < $to GROUP BY r.id
            HAVING sum(v.choice = 'unsatisfied') > sum(v.choice <> 'unsatisfied')}}
    }
    # counters computed by submission::stats, not SQL over events (the repost ones only by a city
    # box, from its members' answers: federation/city.tcl; 0 for a county's own units)
    variable reportingCounters {submissions_adopted months_below_quota commissions_late reposts_ontime reposts_late}
    # what each counter counts (assessment counters)
    variable help {
        owned               "events the unit claimed or was assigned in the period"
        claimed_ontime      "events the unit claimed before the claim deadline was breached"
        assigned_overdue    "events assigned to the unit by the info office because nobody claimed them in time"
        reports_ontime      "investigation reports delivered by their deadline"
        reports_late        "investigation report deadlines breached"
        extensions          "extensions of the investigation the unit asked for"
        replies_ontime      "replies published by their deadline"
        replies_late        "reply deadlines breached"
        limit_breaches      "24-hour (press conference) and 48-hour (response) limits breached"
        instructions_ontime "leaders' instructions completed by their due time"
        instructions_late   "leaders' instructions completed late or overdue"
        votes_satisfied     "published replies most of whose citizens' votes in the period were 满意 or 基本满意"
        votes_unsatisfied   "published replies most of whose citizens' votes in the period were 不满意"
        submissions_adopted "government-information items adopted"
        months_below_quota  "months in which the unit sent fewer items than rule_submission_unit"
        commissions_late    "约稿 notices delivered late or not delivered by the deadline"
        reposts_ontime      "the city's repost tasks done by their due time (a city box's ranking of counties)"
        reposts_late        "the city's repost tasks done late or not done by their due time (a city box's ranking)"
    }
    # what a page calls a counter the formula in force does not score (a formula's part gives its
    # own label): owned always, the votes and reposts when they are off, any a county's own formula
    # leaves out (the names of the default formula, scripts/assessment/points.tcl)
    variable names {
        owned 认领及被指定办理的事件 claimed_ontime 按时认领 assigned_overdue 逾期未认领被指定
        reports_ontime 调查报告按时 reports_late 调查报告逾期 extensions 申请延期
        replies_ontime 回应按时 replies_late 回应逾期 limit_breaches 超24/48小时时限
        instructions_ontime 批示按时办结 instructions_late 批示逾期
        votes_satisfied 回应获网民满意 votes_unsatisfied 回应网民不满意
        submissions_adopted 信息采用 months_below_quota 月度报送未达标 commissions_late 约稿逾期
        reposts_ontime 按时转载 reposts_late 逾期转载（不得分）
    }
    # the first window of event ids assessment::eventPage reads (see there)
    variable window 512
    variable late {assigned_overdue reports_late replies_late limit_breaches instructions_late}
    # the counters kept up to date per day and unit in assessment_tally (migration 038: its views
    # say per row what these queries count, its triggers follow every change): a figures-only
    # computation (assessment::compute with EVENTS 0) adds up the tally's rows of the period
    # instead of running their queries
    variable tallied {owned claimed_ontime extensions reports_ontime reports_late replies_ontime
                      replies_late limit_breaches}
}

conf::key assessment_formula path "" \
    "考核计分公式（形如 scripts/assessment/points.tcl 的 Tcl 文件）；留空则用内置公式"
conf::key assessment_doc_prefix string 青山政办通 \
    "考核通报的发文字号前缀：前缀〔年份〕N号"

dict set org::perms assessment.view.all {office leader viewer}
dict set org::perms assessment.view.unit {office leader handler unithead viewer}

# The formula runs in a safe interpreter that has only set, expr, if, incr, list, lindex, llength,
# foreach, for, while, break, continue and the formula's base and part, within these limits: its
# file size, commands run, seconds, the length of any value `set` stores and the number of parts.
# So neither a loop nor a huge string can hang or kill the server; the worker waits for it at most
# `seconds`.
namespace eval assessment {
    variable formulaLimits {bytes 65536 commands 100000 seconds 2 value 4096 parts 200}
}

# assessment::FormulaSet: `set` inside the formula interpreter I: refuses a value longer than the
# formula's value limit, else sets (or reads) the variable there.
proc assessment::FormulaSet {i args} {
    variable formulaLimits
    if {[llength $args] == 2 && [string length [lindex $args 1]] > [dict get $formulaLimits value]} {
        yq::fail assessment.value [dict get $formulaLimits value]
    }
    interp invokehidden $i set {*}$args
}

# assessment::FormulaBase: `base N` of the formula being run: the points every unit starts at.
proc assessment::FormulaBase {n} {
    variable formulaState
    dict set formulaState base [string range $n 0 63]
    return
}

# assessment::FormulaTitle: `title TEXT` of the formula being run: the name (and version) people
# read on the assessment page, e.g. 考核积分办法（2026年版）. Bounded in length.
proc assessment::FormulaTitle {text} {
    variable formulaState
    dict set formulaState title [string range [string trim $text] 0 99]
    return
}

# assessment::FormulaPart: `part NAME WEIGHT LABEL` of the formula being run (bounded in number and
# length; checked against the counters by assessment::formula).
proc assessment::FormulaPart {name weight label} {
    variable formulaState
    variable formulaLimits
    if {[llength [dict get $formulaState parts]] >= [dict get $formulaLimits parts]} {
        yq::fail assessment.parts [dict get $formulaLimits parts]
    }
    dict lappend formulaState parts [list [string range $name 0 63] [string range $weight 0 63] [string range $label 0 99]]
    return
}

# assessment::formula: the formula in force as {base B parts {{NAME WEIGHT LABEL} ...} file F
# title T custom C version V}: T its `title` (a default name when it has none), C whether it is a
# file named by config key assessment_formula (not the bundled one), V the first 8 hex digits of
# the SHA-256 of its text (which copy is in force, without naming a path).
# Errors naming the file for a formula that does not run (or runs past its limits) or names an
# unknown counter. The file is read every time; it is run again only when it or the settings it
# reads changed (assessment::formulaKept holds the last one).
proc assessment::formula {} {
    variable counters
    variable reportingCounters
    variable formulaLimits
    set file [conf::path assessment_formula]
    set custom [expr {$file ne ""}]
    if {!$custom} { set file [yqbox::path scripts assessment points.tcl] }
    if {[catch {
        if {[file size $file] > [dict get $formulaLimits bytes]} {
            yq::fail assessment.large [dict get $formulaLimits bytes]
        }
        set f [open $file r]
        fconfigure $f -encoding utf-8
        set script [read $f]
        close $f
    } msg]} { yq::fail assessment.noread $file $msg }
    # the formula's inputs: its file and text and the two settings it can read; the same inputs
    # give the same formula, so the last one is kept (a formula that fails is never kept)
    set votes [expr {[conf::get assessment_votes] ? 1 : 0}]
    set city [expr {[federation::isCity] ? 1 : 0}]
    variable formulaKept
    set key [list $file $custom $script $votes $city]
    if {[info exists formulaKept] && [lindex $formulaKept 0] eq $key} { return [lindex $formulaKept 1] }
    set i [interp create -safe]
    try {
        variable formulaState [dict create base 0 parts {} title ""]
        set keep {set expr if incr list lindex llength foreach for while break continue}
        foreach c [$i eval {info commands}] {
            if {$c ni $keep} { $i hide $c }
        }
        $i hide set
        $i alias set assessment::FormulaSet $i
        # $votes: whether the satisfaction votes count (config assessment_votes, off by default)
        interp invokehidden $i set votes $votes
        # $city: whether this box ranks member counties (fed_role city or both: the repost tasks count)
        interp invokehidden $i set city $city
        $i alias base assessment::FormulaBase
        $i alias part assessment::FormulaPart
        $i alias title assessment::FormulaTitle
        set ms [expr {[clock milliseconds] + 1000 * [dict get $formulaLimits seconds]}]
        interp limit $i time -seconds [expr {$ms / 1000}] -milliseconds [expr {$ms % 1000}]
        interp limit $i command -value [expr {[interp invokehidden $i info cmdcount] + [dict get $formulaLimits commands]}]
        if {[catch {$i eval $script} msg]} {
            if {[string match {*limit exceeded*} $msg]} {
                set msg [yq::mc assessment.limit [dict get $formulaLimits seconds] [dict get $formulaLimits commands]]
            } elseif {[regexp {^invalid command name "(.*)"$} $msg -> cmd]} {
                set msg [yq::mc assessment.command $cmd]
            }
            yq::fail assessment.formula $file $msg
        }
        set base [dict get $formulaState base]
        set parts [dict get $formulaState parts]
        set title [dict get $formulaState title]
    } finally {
        interp delete $i
    }
    if {![string is double -strict $base]} { yq::fail assessment.formula $file [yq::mc assessment.base] }
    set known [concat [dict keys $counters] $reportingCounters]
    foreach p $parts {
        lassign $p name weight
        if {$name ni $known} { yq::fail assessment.formula $file [yq::mc assessment.counter $name] }
        if {![string is double -strict $weight]} { yq::fail assessment.formula $file [yq::mc assessment.weight $name] }
    }
    if {$title eq ""} { set title [yq::mc [expr {$custom ? "assessment.customtitle" : "assessment.defaulttitle"}]] }
    set f [dict create base $base parts $parts file $file title $title custom $custom \
               version [string range [crypto sha256 $script] 0 7]]
    set formulaKept [list $key $f]
    return $f
}

# assessment::formulaText: what formula F (assessment::formula) is, as a person reads it: its
# title and version and where it is changed (never the path of its file).
proc assessment::formulaText {f} {
    yq::mc [expr {[dict get $f custom] ? "assessment.custom" : "assessment.bundled"}] \
        [dict get $f title] [dict get $f version]
}

# assessment::Bind: sets the variables the counters' queries read in the caller: from, to (ISO
# dates) and fromEpoch, toEpoch (epoch seconds) of period dict P, nowEpoch the time now.
proc assessment::Bind {p} {
    upvar 1 from from to to fromEpoch fromEpoch toEpoch toEpoch nowEpoch nowEpoch
    set from [dict get $p from]
    set to [dict get $p to]
    lassign [reporting::bounds $p] fromEpoch toEpoch
    set nowEpoch [yqbox::now]
}

# assessment::Query: the SQL of COUNTER (rows unit_id, event_id; its $from, $to, $fromEpoch,
# $toEpoch and $nowEpoch bound by the caller, see Bind), or "" for a reporting counter, an unknown
# one or one whose tables the database does not have.
proc assessment::Query {counter} {
    variable counters
    if {![dict exists $counters $counter]} { return "" }
    lassign [dict get $counters $counter] tables sql
    foreach t $tables {
        if {![db exists {SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $t}]} { return "" }
    }
    return $sql
}

# assessment::Unit: the name of unit UNIT (id) if it is assessed between FROM and TO, else "".
proc assessment::Unit {unit from to} {
    foreach {id n} [org::unitsIn $from $to] {
        if {$id == $unit} { return $n }
    }
    return ""
}

# assessment::events: the events behind COUNTER of unit UNIT (id) in PERIOD (spec), as a dict:
# period (reporting::period), formula (assessment::formula), unit (its name; "" when the unit is
# not assessed in the period) and ids (the event ids, one per row the counter counts, in the
# query's order; none for a reporting counter or when its tables are missing). Runs only that
# counter's query.
proc assessment::events {spec unit counter} {
    set p [reporting::period $spec]
    Bind $p
    set name [Unit $unit $from $to]
    set ids {}
    set sql [expr {$name eq "" ? "" : [Query $counter]}]
    if {$sql ne ""} {
        db eval $sql {
            if {$unit_id ne "" && $unit_id == $unit} { lappend ids $event_id }
        }
    }
    dict create period $p formula [formula] unit $name ids $ids
}

# assessment::eventPage: one page of the events behind COUNTER of unit UNIT (id) in PERIOD (spec):
# the LIMIT events from the OFFSET-th on, each once, by id, with their titles. The unit and a
# window of event ids are put into the counter's query, so that SQLite reads only that unit's rows
# of those events (migration 040's indexes lead with the unit and the event); the windows grow
# (assessment::window ids, then twice as many each time) until the page is full, so a page costs about what it
# shows even when the unit has tens of thousands of events in the period, and a unit with few
# costs a handful of index lookups. Returns a dict: period, formula, unit (as assessment::events),
# rows (a list of id title ...) and more (1 when events follow the page).
proc assessment::eventPage {spec unit counter limit offset} {
    set p [reporting::period $spec]
    Bind $p
    set name [Unit $unit $from $to]
    set ids {}
    set need [expr {$offset + $limit + 1}]
    set sql [expr {$name eq "" ? "" : [Query $counter]}]
    if {$sql ne ""} {
        set last [db onecolumn {SELECT coalesce(max(id), 0) FROM event}]
        set after 0
        for {set w $assessment::window} {[llength $ids] < $need && $after < $last} {set w [expr {$w * 2}]} {
            set upto [expr {$after + $w}]
            db eval "SELECT DISTINCT q.event_id AS id FROM ($sql) AS q
                     WHERE q.unit_id = \$unit AND q.event_id > \$after AND q.event_id <= \$upto
                     ORDER BY q.event_id" {
                lappend ids $id
            }
            set after $upto
        }
    }
    set rows {}
    foreach id [lrange $ids $offset [expr {$offset + $limit - 1}]] {
        lappend rows $id [db onecolumn {SELECT title FROM event WHERE id = $id}]
    }
    dict create period $p formula [formula] unit $name rows $rows more [expr {[llength $ids] > $offset + $limit}]
}

# assessment::compute: the assessment of PERIOD (reporting::period spec). Returns a dict:
#   period, formula (assessment::formula), missing (workflow tables not in the database),
#   units: ranked list of dicts unit_id unit rank points counters (name -> n) events (name -> ids)
#          below (months under the reporting quota)
# Units are the departments and townships that existed in the period (org::unitsIn: created before
# its end, not closed before its start); equal points share a rank (ordered by unit id).
# With EVENTS 0 the event ids are left out (each events list empty) and the counters are counted
# by SQLite, the tallied ones (assessment::tallied) read from assessment_tally: for what shows only
# the figures (the ranking, the notice, the CSV, the chart, the pages), which is then quick at any
# size. Both ways give the same figures (assessment.test compares them).
proc assessment::compute {spec {events 1}} {
    variable counters
    variable reportingCounters
    variable tallied
    set p [reporting::period $spec]
    set f [formula]
    Bind $p
    set units {}
    foreach {id name} [org::unitsIn $from $to] {
        set c {}; set e {}
        foreach n [concat [dict keys $counters] $reportingCounters] { dict set c $n 0; dict set e $n {} }
        dict set units $id [dict create unit_id $id unit $name counters $c events $e below {}]
    }
    set missing {}
    set fromTally [expr {!$events && [db exists {SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'assessment_tally'}]}]
    if {$fromTally} {
        # the period's rows of the tally; owned less the repeated claims of an event within it
        db eval {SELECT unit_id, counter, sum(n) AS n FROM assessment_tally
                 WHERE day >= $from AND day < $to AND (counter <> 'owned_repeat' OR since >= $from)
                 GROUP BY unit_id, counter} {
            if {![dict exists $units $unit_id]} { continue }
            if {$counter eq "owned_repeat"} {
                dict update units $unit_id u { dict set u counters owned [expr {[dict get $u counters owned] - $n}] }
            } elseif {$counter in $tallied} {
                dict update units $unit_id u { dict set u counters $counter [expr {[dict get $u counters $counter] + $n}] }
            }
        }
    }
    dict for {name def} $counters {
        lassign $def tables sql count
        set have 1
        foreach t $tables {
            if {![db exists {SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $t}]} {
                set have 0
                if {$t ni $missing} { lappend missing $t }
            }
        }
        if {!$have || ($fromTally && $name in $tallied)} { continue }
        if {!$events} {
            if {$count eq ""} { set count "SELECT unit_id, count(*) AS n FROM ($sql) GROUP BY unit_id" }
            db eval $count {
                if {[dict exists $units $unit_id]} { dict set units $unit_id counters $name $n }
            }
            continue
        }
        # the event ids of each unit's rows, appended in place (a copy of the list per row made
        # a quarter of 50,000 events take half a minute)
        array unset ids
        db eval $sql {
            if {[dict exists $units $unit_id]} { lappend ids($unit_id) $event_id }
        }
        foreach id [array names ids] {
            dict update units $id u {
                dict set u counters $name [llength $ids($id)]
                dict set u events $name $ids($id)
            }
        }
    }
    foreach s [dict get [submission::stats $spec] units] {
        set id [dict get $s unit_id]
        dict update units $id u {
            dict set u counters submissions_adopted [dict get $s adopted]
            dict set u counters months_below_quota [llength [dict get $s below]]
            dict set u counters commissions_late [expr {[dict get $s late] + [dict get $s overdue]}]
            dict set u below [dict get $s below]
        }
    }
    dict create period $p formula $f missing $missing units [rank $f [dict values $units]]
}

# assessment::recount: counts the tally of the counters assessment::tallied (migration 038) from
# scratch, from the workflow's rows, in one transaction. Returns the number of tally rows. The
# triggers keep it right; this is for a tally one doubts (and the tests' reference).
proc assessment::recount {} {
    db transaction {
        db eval {DELETE FROM assessment_tally}
        db eval {INSERT INTO assessment_tally(counter, day, unit_id, since, n)
                 SELECT counter, day, unit_id, since, n FROM assessment_tally_recount WHERE true}
    }
    db onecolumn {SELECT count(*) FROM assessment_tally}
}

# assessment::rank: the entries UNITS (dicts with at least unit and counters: name -> n, in their
# order of precedence) scored by formula F (assessment::formula) and ranked: each gets points (at
# most one decimal) and rank (equal points share a rank; ties keep the given order). The one
# scoring of the county's units and of the city's ranking of counties and 市直 departments
# (federation/city.tcl). Returns the ranked list.
proc assessment::rank {f units} {
    set list {}
    set i 0
    foreach u $units {
        set points [dict get $f base]
        foreach part [dict get $f parts] {
            lassign $part name weight
            set n [expr {[dict exists $u counters $name] ? [dict get $u counters $name] : 0}]
            set points [expr {$points + $weight * $n}]
        }
        # points shown with at most one decimal; whole numbers without one
        set points [expr {round($points * 10) / 10.0}]
        if {$points == round($points)} { set points [expr {int($points)}] }
        lappend list [list [incr i] [dict set u points $points]]
    }
    set list [yqbox::lsortCommand [list apply {{a b} {
        set d [expr {[dict get [lindex $b 1] points] - [dict get [lindex $a 1] points]}]
        if {$d != 0} { return [expr {$d > 0 ? 1 : -1}] }
        expr {[lindex $a 0] - [lindex $b 0]}
    }}] $list]
    set ranked {}
    set rank 0; set i 0; set last ""
    foreach e $list {
        set u [lindex $e 1]
        incr i
        if {[dict get $u points] ne $last} { set rank $i; set last [dict get $u points] }
        lappend ranked [dict set u rank $rank]
    }
    return $ranked
}

# assessment::lateUnits: the units of assessment A with late handling, as {unit {LABEL N ...}} pairs.
proc assessment::lateUnits {a} {
    variable late
    set out {}
    foreach u [dict get $a units] {
        set what {}
        foreach n $late {
            set k [dict get $u counters $n]
            if {$k > 0} { lappend what [Label $a $n] $k }
        }
        if {[llength $what]} { lappend out [dict get $u unit] $what }
    }
    return $out
}

# assessment::Label: the label of counter NAME in assessment A's formula, or its name in
# assessment::names when the formula does not score it.
proc assessment::Label {a name} {
    variable names
    foreach p [dict get $a formula parts] {
        if {[lindex $p 0] eq $name} { return [lindex $p 2] }
    }
    if {[dict exists $names $name]} { return [dict get $names $name] }
    return $name
}

# assessment::table: assessment A as rows for display and CSV: the header, then one row a unit:
# 名次 单位 积分 and every counter of the formula.
proc assessment::table {a} {
    set parts [dict get $a formula parts]
    set rows [list [concat 名次 单位 积分 [lmap p $parts { lindex $p 2 }]]]
    foreach u [dict get $a units] {
        lappend rows [concat [dict get $u rank] [dict get $u unit] [dict get $u points] \
                          [lmap p $parts { dict get $u counters [lindex $p 0] }]]
    }
    return $rows
}

# assessment::csv: the ranking of PERIOD as CSV bytes for Excel (UTF-8 with BOM).
proc assessment::csv {spec} {
    reporting::csv [table [compute $spec 0]]
}

# assessment::chart: the ranking of assessment A (or a period spec) as an SVG bar chart: one
# horizontal bar a unit, in rank order, scaled to the highest points. Returns the SVG as markup.
proc assessment::chart {a} {
    if {![dict exists $a units]} { set a [compute $a 0] }
    set units [dict get $a units]
    set max 1
    foreach u $units { set max [expr {max($max, [dict get $u points])}] }
    set row 28; set left 160; set width 420
    set w0 [expr {$left + $width + 80}]
    set h [expr {[llength $units] * $row + 50}]
    set title "[dict get $a period label]考核积分排名"
    set bars ""
    set y 40
    foreach u $units {
        set pts [dict get $u points]
        set w [expr {$pts > 0 ? round($width * double($pts) / $max) : 0}]
        set ty [expr {$y + 18}]
        markup append bars [tmpl {
<text x="[expr {$left - 8}]" y="$ty" font-size="14" text-anchor="end">[dict get $u rank]. [dict get $u unit]</text>
<rect x="$left" y="[expr {$y + 4}]" width="$w" height="[expr {$row - 8}]" fill="#c00"/>
<text x="[expr {$left + $w + 6}]" y="$ty" font-size="14">$pts</text>}]
        incr y $row
    }
    tmpl {<svg xmlns="http://www.w3.org/2000/svg" width="$w0" height="$h" viewBox="0 0 $w0 $h" role="img" aria-label="$title">
<text x="10" y="22" font-size="16" font-weight="bold">$title</text>$bars
</svg>}
}

# assessment::notice: the notice (通报) of PERIOD as a printable official document (HTML): the
# overall figures, the ranking with the chart, late units named for criticism, units below the
# reporting quota named, and the requirements. STANDALONE 1 inlines the style sheet (for a file).
proc assessment::notice {spec {standalone 0}} {
    set a [compute $spec 0]
    set p [dict get $a period]
    set label [dict get $p label]
    set sum {}
    foreach n {owned reports_ontime reports_late replies_ontime replies_late limit_breaches
               instructions_ontime instructions_late assigned_overdue submissions_adopted} {
        dict set sum $n 0
        foreach u [dict get $a units] { dict incr sum $n [dict get $u counters $n] }
    }
    set sent 0
    foreach s [dict get [submission::stats $spec] units] { incr sent [dict get $s sent] }
    dict with sum {}
    set rows ""
    foreach r [lrange [table $a] 1 end] {
        set cells ""
        foreach c $r { markup append cells [tmpl {<td>$c</td>}] }
        markup append rows [tmpl {<tr>$cells</tr>}]
    }
    set head ""
    foreach c [lindex [table $a] 0] { markup append head [tmpl {<th>$c</th>}] }
    set late ""
    foreach {unit what} [lateUnits $a] {
        set parts [join [lmap {l n} $what { string cat $l " " $n " 件" }] "、"]
        markup append late [tmpl {<p>$unit：$parts。</p>}]
    }
    set quota [conf::get rule_submission_unit]
    set below ""
    foreach u [dict get $a units] {
        if {[llength [dict get $u below]]} {
            set months [join [lmap m [dict get $u below] { format %d月 [scan [string range $m 5 6] %d] }] "、"]
            markup append below [tmpl {<p>[dict get $u unit]：$months报送政务信息少于 $quota 条。</p>}]
        }
    }
    set year [string range [dict get $p from] 0 3]
    set n [switch -- [dict get $p kind] {
        quarter { string index [dict get $p spec] end }
        month { scan [string range [dict get $p from] 5 6] %d }
        year { expr 1 }
    }]
    set number "[conf::get assessment_doc_prefix]〔$year〕${n}号"
    set chart [chart $a]
    set body [tmpl {<p>根据网络舆情办理和政务信息工作考核有关规定，现将${label}各单位网络舆情报送、认领、办理、回应和政务信息报送情况通报如下：</p>
<h2>一、总体情况</h2>
<p>${label}，各单位共认领（含指定）网络舆情 $owned 件，其中逾期未认领由信息办指定 $assigned_overdue 件；按时形成核实调查报告 $reports_ontime 件，逾期 $reports_late 件；按时回应 $replies_ontime 件，逾期 $replies_late 件；超过 24 小时或 48 小时回应时限 $limit_breaches 件；领导批示按时办结 $instructions_ontime 件，逾期 $instructions_late 件。各单位共报送政务信息 $sent 条，被采用 $submissions_adopted 条。</p>
<h2>二、积分排名</h2>
<table><tr>$head</tr>$rows</table>
<div class="chart">$chart</div>
<h2>三、点名通报</h2>
[if {$late ne ""} { tmpl {<p>以下单位网络舆情办理不及时，予以点名通报批评：</p>$late} } else { tmpl {<p>本期没有办理逾期的单位。</p>} }]
[if {$below ne ""} { tmpl {<p>以下单位未完成政务信息报送任务（每月不少于 $quota 条），予以点名通报批评；长期不报送的，将约谈单位负责人：</p>$below} } else { tmpl {<p>本期各单位均完成政务信息报送任务。</p>} }]
<h2>四、工作要求</h2>
<p>各单位要高度重视网络舆情和政务信息工作，严格落实“一事一报、随有随报”和办理时限要求，及时认领、核实调查并公开回应；被点名通报的单位要认真查找原因，切实整改。通报结果作为目标责任考核的重要依据。</p>}]
    reporting::document [dict create title "关于${label}网络舆情和政务信息工作考核情况的通报" number $number \
        recipients 各乡镇人民政府，县政府各工作部门 body $body standalone $standalone]
}

# ---- the console command ----

namespace eval assessment::cmd {}

# assessment::cmd::show: the ranking of PERIOD (default this quarter) as text.
proc assessment::cmd::show {{period ""}} {
    if {$period eq ""} { set period [reporting::current quarter] }
    set a [assessment::compute $period 0]
    set out [list "# [dict get $a period label]考核积分（公式：[dict get $a formula title]，版本 [dict get $a formula version]，文件 [dict get $a formula file]）"]
    if {[llength [dict get $a missing]]} { lappend out "# 缺少数据表（计为 0）：[join [dict get $a missing] {, }]" }
    foreach r [assessment::table $a] { lappend out [join $r \t] }
    join $out \n
}

# assessment::cmd::notice: the notice of PERIOD, written to FILE (standalone HTML) or returned.
proc assessment::cmd::notice {period {file ""}} {
    if {$file eq ""} { return [assessment::notice $period] }
    reporting::write $file [encoding convertto utf-8 [assessment::notice $period 1]]
}

# assessment::cmd::csv: the ranking of PERIOD as CSV (UTF-8 with BOM) in FILE.
proc assessment::cmd::csv {period file} {
    reporting::write $file [assessment::csv $period]
}

# assessment::cmd::chart: the ranking of PERIOD as SVG, written to FILE or returned.
proc assessment::cmd::chart {period {file ""}} {
    set svg [assessment::chart $period]
    if {$file eq ""} { return $svg }
    reporting::write $file [encoding convertto utf-8 $svg]
}

# assessment::cmd::events: the ids of the events behind COUNTER of UNIT in PERIOD.
proc assessment::cmd::events {period unit counter} {
    set id [org::unitId $unit]
    if {![dict exists $assessment::counters $counter] && $counter ni $assessment::reportingCounters} {
        yq::fail assessment.noevents $counter
    }
    set e [assessment::events $period $id $counter]
    if {[dict get $e unit] eq ""} { yq::fail assessment.notassessed $unit }
    dict get $e ids
}

# assessment::cmd::counters: every counter and what it counts.
proc assessment::cmd::counters {} {
    join [lmap {n h} $assessment::help { format "%-20s %s" $n $h }] \n
}

# assessment::cmd::formula: the formula in force.
proc assessment::cmd::formula {} {
    set f [assessment::formula]
    set out [list "# [dict get $f title]（版本 [dict get $f version]）：[dict get $f file]" "base [dict get $f base]"]
    foreach p [dict get $f parts] { lappend out "part [join $p { }]" }
    join $out \n
}

# assessment: the console command, one verb per assessment::cmd procedure above.
cmdlayer::noun assessment "季度考核：积分与排名、考核通报、CSV、柱状图、计数背后的事件、计数项与公式" \
    "期间写作 YYYY-Qn（季度）、YYYY-MM（月）或 YYYY（年）。"
cmdlayer::command assessment show {{period 期间 text ""}} "各单位考核积分与排名（默认本季度）" { assessment::cmd::show $period }
cmdlayer::command assessment notice {{period 期间} {file 文件 text ""}} \
    "生成考核通报（可打印的公文格式 HTML），点名逾期单位和未完成报送任务的单位" { assessment::cmd::notice $period $file }
cmdlayer::command assessment csv {{period 期间} {file 文件}} "导出排名为 CSV（UTF-8 带 BOM，Excel 可直接打开）" {
    assessment::cmd::csv $period $file
}
cmdlayer::command assessment chart {{period 期间} {file 文件 text ""}} "排名柱状图（SVG）" { assessment::cmd::chart $period $file }
cmdlayer::command assessment events [list {period 期间} {unit 单位} [list counter 计数项 "choice([join [dict keys $assessment::help] |])"]] \
    "某项计数背后的舆情事件编号" { assessment::cmd::events $period $unit $counter }
cmdlayer::command assessment counters {} "列出考核计数项及其含义" { assessment::cmd::counters }
cmdlayer::command assessment formula {} "显示正在使用的积分公式（config 键 assessment_formula 可指定自定义脚本）" {
    assessment::cmd::formula
}
