# calendar.tcl - the deadline clock: China's working-day calendar, the patrol schedule and every
# time limit of RULES.md. Every deadline in yqbox is computed here and nowhere else.
#
# WORKING DAYS. A day is a working day if it is Monday to Friday, unless the official calendar
# marks it as a day off (holiday), or it is a Saturday/Sunday the calendar marks as a make-up
# working day (调休). The official calendars for 2024-2026 are shipped in scripts/calendar/YYYY.txt
# (one line per day that differs from Monday-Friday: "2024-02-04 work 春节", "2024-02-10 off 春节").
# Those files are generated, never edited by hand, from the holiday-cn JSON layout with
#     ./yqbox --dev . eval {calendar::convert 2024.json} > scripts/calendar/2024.txt
# An administrator adds or corrects a year with `calendar import FILE` (same JSON layout; the year
# is replaced as a whole, in one transaction; it overrides a shipped year), or enters it by hand from
# the State Council's notice (holiday ranges and make-up days: calendar::fromranges, calendar::enter).
# NO YEAR IS EVER REFUSED: a year without an official calendar is computed on Monday-Friday, and every
# result that depended on such a year is PROVISIONAL: calendar::due lists those years (provisional)
# and says so ("暂按周一至周五计算，国务院公布2027年节假日安排后自动重算"). Importing or entering the
# year later runs the calendar::onimport hooks inside the import's transaction: the workflow and the
# disclosure requests recompute their open provisional deadlines there. `calendar fallback 2027 off`
# forbids guessing for a year (a deadline that needs it is then refused); `on` allows it again.
# A file for one year may list days of the years next to it (a New Year holiday starting on 31
# December); such a day counts for its own year when that year is known.
#
# TIME. Every time is in the `timezone` config key's zone (default Asia/Shanghai, from the embedded
# tzdata), never the host's TZ. Times are written "YYYY-MM-DD HH:MM:SS"; input may also be
# "YYYY-MM-DD HH:MM", a bare date (00:00:00), a "T" instead of the space, a "Z" or "+08:00" suffix,
# or integer epoch seconds.
#
# THE 24:00 CONVENTION. A deadline or warning time that falls exactly at midnight is written as
# 24:00:00 of the day that ends there: "within 5 working days" of 2024-09-27 ends "2024-10-10
# 24:00:00" (the same instant as 2024-10-11 00:00:00). Start times are written 00:00:00. Work done
# at any time up to and including the deadline instant is in time.
#
# TIME LIMITS. A limit is a rule name (see `calendar rules`) or {N UNIT}:
#   minutes, hours  wall-clock time: runs through nights, weekends and holidays.
#   workdays        the triggering day is not counted; the limit ends at the end of the N-th
#                   following working day (end of day = config key workday_end, default 24:00).
#                   Equivalently: only time inside working days, from 00:00 to workday_end, counts,
#                   and none of the triggering day counts. N working days are N days of such time.
#   days            the same with every calendar day counting (自然日).
#   patrols         the limit ends at the N-th patrol after the start (see PATROLS).
# PAUSES (-pauses {{FROM TO} ...}): time inside a pause does not count, e.g. third-party
#   consultation for a disclosure request (002 第十五条). A pause therefore pushes the deadline by
#   exactly the counted time it covers: for a working-day limit, the part of it that lies on working
#   days after the triggering day (a pause over a holiday pushes nothing; a pause from 15:00 to
#   10:00 the next working day pushes 19 hours, and the deadline then falls at 19:00). Pauses may
#   overlap; TO empty means the pause is still running: the deadline is then unknown ("") and the
#   result says how much counted time remains.
# EXTENSION (-extend N -reason TEXT): the allowance grows by N of the limit's own unit (working
#   days for working-day limits); a reason is required; a rule may cap it (request_answer: at most
#   rule request_extension, 20 working days).
# WARNING: at deadline_warn_percent (default 70) of the allowed counted time (extension included);
#   for 5 working days that is 3.5 working days in: noon of the 4th working day.
#
# PATROLS (001 第五条、第六条). Each day patrolling starts at duty_start (08:30). On working days it
# runs every rule_patrol_office hours (1) inside office hours (08:30-12:00, 14:30-17:30) and every
# rule_patrol_duty hours (2) outside them, restarting on the hour grid when office hours begin; on
# days off it runs every rule_patrol_duty hours; it stops before duty_end (24:00). The three fixed
# patrol points of every day (patrol_morning 09:00, patrol_afternoon 15:00, patrol_evening 20:00)
# are added. A working day gives 08:30 09:00 09:30 10:30 11:30 12:30 14:30 15:00 15:30 16:30 17:30
# 19:30 20:00 21:30 23:30; a day off 08:30 09:00 10:30 12:30 14:30 15:00 16:30 18:30 20:00 20:30
# 22:30. `calendar next-patrol TIME` is the first patrol strictly after TIME.
#
# RULES. Every time limit of RULES.md is declared below with `calendar::rule`: name, kind (limit,
# extension, interval, quota), amount and unit, trigger, responsible party, source paragraph. Its
# amount is the config key rule_NAME: write "rule_investigate 7" in appliance.conf, or `config set
# rule_investigate 7` in the console (until restart). The unit is part of the rule.
#
# TCL API (what later modules call):
#   calendar::due START LIMIT ?-pauses L? ?-extend N -reason R?  -> dict (see calendar::due)
#   calendar::state DUE ?TIME?          -> ok | warning | breached | paused
#   calendar::show DUE                  -> the deadline as displayed, with its warnings
#   calendar::deadline START LIMIT ...  -> {deadline warnings}
#   calendar::isworkday DATE, calendar::addworkdays DATE N, calendar::nextpatrol TIME,
#   calendar::patrols DATE, calendar::inoffice TIME, calendar::rules, calendar::years,
#   calendar::import FILE, calendar::importtext TEXT NAME, calendar::fallback YEAR on|off,
#   calendar::export YEAR, calendar::convert FILE; calendar::Warnings after isworkday/addworkdays;
#   calendar::fromranges / preview / enter (a year entered by hand), calendar::grid YEAR ?CAL? (the page's
#   month grid), calendar::provisionalText YEARS, calendar::pending (next year still missing?).

namespace eval calendar {
    variable flag          ;# julian day number -> 1 working day, 0 day off (loaded years only)
    variable fbyear        ;# julian day number -> year, for days of years on the fallback
    variable midnight      ;# "zone,jdn" -> epoch seconds of that day's local 00:00
    variable used          ;# fallback years consulted since the last Begin
    variable onimport {}   ;# commands run with YEAR inside an import's transaction (recompute)
    variable recomputed {} ;# what those commands returned for the last import (calendar::Store)
    variable shipped       ;# year -> the parsed shipped file, or "" when there is none
    array set flag {}
    array set fbyear {}
    array set midnight {}
    array set used {}
    array set shipped {}
    variable generation {} ;# calendar_change.generation the caches were built from
    variable rules {}      ;# rule names in declaration order
    variable rule          ;# rule name -> its declaration (dict)
    array set rule {}
    variable forever 253402300799   ;# 9999-12-31 23:59:59 UTC: the end of a pause still running
    # unit -> clock that counts it, seconds per unit (0: a day of workday_end), display text
    variable units {
        minutes  {wall     60   分钟}
        hours    {wall     3600 小时}
        days     {days     0    日}
        workdays {workdays 0    个工作日}
        patrols  {patrols  0    次巡查}
    }
    variable aliases {
        minute minutes hour hours day days workday workdays patrol patrols
        分钟 minutes 小时 hours 日 days 天 days 自然日 days 工作日 workdays 个工作日 workdays
    }
    # display text of the units only used by rules that are not limits
    variable otherunits {quarter 季度 items/month 条/月 reports/month 期/月 points/day 个/日}
    # trigger -> what starts the clock, as shown to users
    variable triggers {
        detected      发现舆情
        claimed       认领
        judged_major  研判为重大敏感舆情
        investigated  形成核实调查报告
        city_posted   市政府政务微博微信发布重大信息
        received      收到政府信息公开申请
        schedule      按日程
    }
}

conf::key office_am_start hhmm 08:30 "工作日上午上班时间"
conf::key office_am_end hhmm 12:00 "工作日上午下班时间"
conf::key office_pm_start hhmm 14:30 "工作日下午上班时间"
conf::key office_pm_end hhmm 17:30 "工作日下午下班时间"
conf::key duty_start hhmm 08:30 "每天第一次巡查的时间"
conf::key duty_end hhmm 24:00 "每天值班和巡查结束的时间（001 第六条：24点前）"
conf::key patrol_morning hhmm 09:00 "上午固定巡查时间节点（001 第五条）"
conf::key patrol_afternoon hhmm 15:00 "下午固定巡查时间节点（001 第五条）"
conf::key patrol_evening hhmm 20:00 "晚上固定巡查时间节点（001 第五条）"
conf::key workday_end hhmm 24:00 "以工作日计的时限截止于最后一个工作日的此时刻"
conf::key deadline_warn_percent {integer 1 99} 70 \
    "时限已用去此百分比时发出预警"

# ---------------------------------------------------------------------------------------------
# Dates and times. Days are julian day numbers (JDN, integers); instants are epoch seconds.

# calendar::Leap: 1 if YEAR is a Gregorian leap year.
proc calendar::Leap {y} {
    expr {($y % 4 == 0 && $y % 100 != 0) || $y % 400 == 0}
}

# calendar::Jdn: the julian day number of DATE (YYYY-MM-DD). Errors unless DATE is a real day of
# the years 1900 to 2999.
proc calendar::Jdn {date} {
    if {![string match {[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]} $date]} {
        yq::fail calendar.baddate $date
    }
    scan $date %d-%d-%d y m d
    set len [lindex {0 31 28 31 30 31 30 31 31 30 31 30 31} $m]
    if {$m == 2 && [Leap $y]} { set len 29 }
    if {$y < 1900 || $y > 2999 || $m < 1 || $m > 12 || $d < 1 || $d > $len} {
        yq::fail calendar.noday $date
    }
    set before [lindex {0 0 31 59 90 120 151 181 212 243 273 304 334} $m]
    if {$m > 2 && [Leap $y]} { incr before }
    set p [expr {$y - 1}]
    expr {365 * $p + $p / 4 - $p / 100 + $p / 400 + $before + $d + 1721425}
}

# calendar::Date: the YYYY-MM-DD of julian day number J.
proc calendar::Date {j} {
    clock format [expr {($j - 2440588) * 86400}] -format %Y-%m-%d -gmt 1
}

# calendar::Weekday: the weekday of julian day number J, 0 = Sunday ... 6 = Saturday.
proc calendar::Weekday {j} {
    expr {($j + 1) % 7}
}

# calendar::Zone: the time zone of every date shown or computed (config key timezone).
proc calendar::Zone {} {
    return :[conf::get timezone]
}

# calendar::Offset: the zone's offset from UTC, in seconds, at instant T.
proc calendar::Offset {t} {
    scan [clock format $t -format %z -timezone [Zone]] %1s%2d%2d sign h m
    set o [expr {$h * 3600 + $m * 60}]
    expr {$sign eq "-" ? -$o : $o}
}

# calendar::Local: the instant at SECS seconds after the local midnight that starts day J.
proc calendar::Local {j secs} {
    set local [expr {($j - 2440588) * 86400 + $secs}]
    set t [expr {$local - [Offset $local]}]
    expr {$local - [Offset $t]}
}

# calendar::Mid: the instant of the local midnight that starts day J (cached).
proc calendar::Mid {j} {
    variable midnight
    set key [conf::get timezone],$j
    if {![info exists midnight($key)]} { set midnight($key) [Local $j 0] }
    return $midnight($key)
}

# calendar::DayOf: the julian day number of the local day instant T falls on.
proc calendar::DayOf {t} {
    expr {($t + [Offset $t]) / 86400 + 2440588}
}

# calendar::Minutes: the minutes after midnight of config key KEY (an hhmm; 24:00 is 1440).
proc calendar::Minutes {key} {
    scan [conf::get $key] %d:%d h m
    expr {$h * 60 + $m}
}

# calendar::DayEnd: the instant day J ends for working-day limits (config key workday_end).
proc calendar::DayEnd {j} {
    set m [Minutes workday_end]
    if {$m == 1440} { return [Mid [expr {$j + 1}]] }
    Local $j [expr {$m * 60}]
}

# calendar::Instant: the epoch seconds of time TEXT (see the header for the forms accepted).
# Errors with the form expected.
proc calendar::Instant {text} {
    set s [string trim $text]
    set bad [yq::mc calendar.badtime $text]
    if {[string is entier -strict $s]} {
        if {$s < -2208988800 || $s > 32503680000} { error $bad }
        return [expr {$s}]
    }
    set rest [string range $s 10 end]
    set h 0
    set mi 0
    set sec 0
    if {[string match {[ T][0-9][0-9]:[0-9][0-9]*} $rest]} {
        scan [string range $rest 1 5] %d:%d h mi
        set rest [string range $rest 6 end]
        if {[string match {:[0-9][0-9]*} $rest]} {
            scan [string range $rest 1 2] %d sec
            set rest [string range $rest 3 end]
        }
    }
    set zone {}
    if {$rest eq "Z"} {
        set zone 0
    } elseif {[string index $rest 0] in {+ -}
              && [string match {[0-9][0-9]:[0-9][0-9]} [string range $rest 1 end]]} {
        scan $rest %1s%d:%d sign zh zm
        set zone [expr {($sign eq "-" ? -1 : 1) * ($zh * 3600 + $zm * 60)}]
    } elseif {$rest ne ""} {
        error $bad
    }
    if {$mi > 59 || $sec > 59 || $h > 24 || ($h == 24 && $mi + $sec > 0)} { error $bad }
    if {[catch {Jdn [string range $s 0 9]} j]} { error $bad }
    set secs [expr {$h * 3600 + $mi * 60 + $sec}]
    if {$zone ne ""} { return [expr {($j - 2440588) * 86400 + $secs - $zone}] }
    if {$h == 24} { return [Mid [expr {$j + 1}]] }
    Local $j $secs
}

# calendar::Fmt: instant T as "YYYY-MM-DD HH:MM:SS"; with END true, midnight is written as 24:00:00
# of the day that ends there (deadlines and warning times).
proc calendar::Fmt {t {end 0}} {
    set z [Zone]
    if {$end && [clock format $t -format %H%M%S -timezone $z] eq "000000"} {
        return "[clock format [expr {$t - 1}] -format %Y-%m-%d -timezone $z] 24:00:00"
    }
    clock format $t -format {%Y-%m-%d %H:%M:%S} -timezone $z
}

# calendar::Day: the julian day number of DATE, or of the day of a time given in any Instant form.
proc calendar::Day {date} {
    if {[string length [string trim $date]] == 10} { return [Jdn [string trim $date]] }
    DayOf [Instant $date]
}

# ---------------------------------------------------------------------------------------------
# The calendars: shipped files, imported years, the fallback, and the cache of days.

# calendar::HaveDb: 1 if there is a database to read imported years from (an open one, or a data
# directory the lazy ::db will open).
proc calendar::HaveDb {} {
    db::available
}

# calendar::NeedDb: errors unless there is a database; WHAT names the command that needs it.
proc calendar::NeedDb {what} {
    if {![HaveDb]} {
        yq::fail calendar.needdata $what
    }
}

# calendar::Begin: start a public computation: drop caches if another process changed the
# calendars, and forget which fallback years were consulted.
proc calendar::Begin {} {
    variable used
    variable generation
    array unset used
    set g [expr {[HaveDb] ? [::db onecolumn {SELECT generation FROM calendar_change}] : "none"}]
    if {$g ne $generation} {
        Flush
        set generation $g
    }
}

# calendar::Flush: forget every cached day (after a change to the calendars).
proc calendar::Flush {} {
    variable flag
    variable fbyear
    array unset flag
    array unset fbyear
}

# calendar::Bump: record a change to the calendars in the database (inside its transaction).
proc calendar::Bump {} {
    ::db eval {UPDATE calendar_change SET generation = generation + 1}
}

# calendar::Warnings: the warnings for the fallback years consulted since the last Begin.
proc calendar::Warnings {} {
    lmap y [Provisional] { provisionalText $y }
}

# calendar::dueText: due time DUE as shown everywhere, with the provisional sentence when it rests
# on the Monday-Friday guess for the years PROVISIONAL ("" = official calendars only).
proc calendar::dueText {due provisional} {
    if {![llength $provisional]} { return $due }
    return "$due（[provisionalText $provisional]）"
}

# calendar::touches: the epoch from which a deadline may depend on YEAR's calendar: 00:00 of 1
# December of the year before (a year's file may list the last days of the year before, e.g. a New
# Year holiday from 31 December). The import hooks recompute the open deadlines provisional on YEAR
# and those running from before the end of YEAR to after this instant.
proc calendar::touches {y} {
    Mid [Jdn [expr {$y - 1}]-12-01]
}

# calendar::Provisional: the fallback years consulted since the last Begin, sorted.
proc calendar::Provisional {} {
    variable used
    lsort -integer [array names used]
}

# calendar::provisionalText: the sentence shown with a time that rests on the Monday-Friday guess
# for YEARS (a list; "" for none).
proc calendar::provisionalText {years} {
    if {![llength $years]} { return "" }
    string cat "暂按周一至周五计算，国务院公布" [join $years 、] "年节假日安排后自动重算"
}

# calendar::ShippedYears: the years with a calendar shipped in scripts/calendar/.
proc calendar::ShippedYears {} {
    set out {}
    foreach f [glob -nocomplain -directory [yqbox::path scripts calendar] {[0-9][0-9][0-9][0-9].txt}] {
        lappend out [file rootname [file tail $f]]
    }
    lsort -integer $out
}

# calendar::Shipped: the shipped calendar of YEAR as a dict (see ReadText), or "" if none.
proc calendar::Shipped {y} {
    variable shipped
    if {![info exists shipped($y)]} {
        set path [yqbox::path scripts calendar $y.txt]
        set shipped($y) [expr {[file isfile $path] ? [ReadText [Slurp $path] $y $path] : ""}]
    }
    return $shipped($y)
}

# calendar::Slurp: the text of FILE (UTF-8).
proc calendar::Slurp {path} {
    set f [open $path r]
    fconfigure $f -encoding utf-8
    set text [read $f]
    close $f
    return $text
}

# calendar::ReadText: parse a calendar in the project's text format (lines "DATE off|work NAME",
# "# paper URL", other "#" comments) for YEAR. Returns a dict year, papers, days {{date off name}}.
# Errors with NAME:LINE for a bad line (a broken shipped file is a bug).
proc calendar::ReadText {text y name} {
    set papers {}
    set days {}
    set n 0
    foreach line [split $text \n] {
        incr n
        set line [string trim $line]
        if {[string match "# paper *" $line]} { lappend papers [string range $line 8 end] }
        if {$line eq "" || [string match #* $line]} { continue }
        set words [split $line " "]
        lassign $words date kind
        set dname [join [lrange $words 2 end] " "]
        if {[catch {Jdn $date}] || $kind ni {off work} || $dname eq ""
                || abs([scan $date %d] - $y) > 1} {
            yq::fail calendar.badline $name $n $y
        }
        lappend days [list $date [expr {$kind eq "off"}] $dname]
    }
    dict create year $y papers $papers days $days
}

# calendar::Source: where YEAR's calendar comes from, as a dict: kind (official; fallback: none,
# Monday-Friday is used provisionally; forbidden: none, and guessing is forbidden), origin
# (imported, shipped or ""), days {{date off name} ...}, papers, file, changed, shipped (1 if a
# shipped file exists, even when an import overrides it).
proc calendar::Source {y} {
    set ship [Shipped $y]
    set src [dict create kind none origin "" days {} papers {} file "" changed "" \
                 shipped [expr {$ship ne ""}]]
    set row {}
    if {[HaveDb]} {
        set row [::db eval {SELECT kind, file, papers, changed FROM calendar_year WHERE year = $y}]
    }
    lassign $row kind file papers changed
    if {$kind eq "official"} {
        set days [::db eval {SELECT date, off, name FROM calendar_day WHERE year = $y ORDER BY date}]
        dict set src days [lmap {d o n} $days {list $d $o $n}]
        dict set src papers [split $papers \n]
        return [dict merge $src [dict create kind official origin imported file $file changed $changed]]
    }
    if {$ship ne ""} {
        return [dict merge $src [dict create kind official origin shipped \
                    days [dict get $ship days] papers [dict get $ship papers]]]
    }
    if {[HaveDb] && [::db exists {SELECT 1 FROM calendar_forbidden WHERE year = $y}]} {
        set changed [::db onecolumn {SELECT changed FROM calendar_forbidden WHERE year = $y}]
        return [dict merge $src [dict create kind forbidden changed $changed]]
    }
    return [dict merge $src [dict create kind fallback]]
}

# calendar::LoadYear: fill the day cache for YEAR: Monday-Friday, then the days listed by the
# official calendars of YEAR and of the years next to it (later years' files win). Errors when
# YEAR has no calendar and guessing it is forbidden.
proc calendar::LoadYear {y} {
    variable flag
    variable fbyear
    set src [Source $y]
    set kind [dict get $src kind]
    if {$kind eq "forbidden"} {
        error "${y}年没有官方节假日安排，且已禁止按周一至周五推算：请导入该年日历（calendar import\
               FILE，或在工作日历页录入），或重新允许推算（calendar fallback $y on）"
    }
    for {set j [Jdn $y-01-01]} {$j <= [Jdn $y-12-31]} {incr j} {
        set flag($j) [expr {[Weekday $j] ni {0 6}}]
        if {$kind eq "fallback"} { set fbyear($j) $y }
    }
    dict for {date e} [Listed $y] { set flag([Jdn $date]) [expr {![lindex $e 0]}] }
}

# calendar::Listed: the days of YEAR an official calendar lists, as a dict date -> {off name}:
# from the calendars of YEAR and of the years next to it (later years' files win), or, given CAL (a
# calendar dict not stored yet), from CAL alone.
proc calendar::Listed {y {cal ""}} {
    set out [dict create]
    set sources [expr {$cal ne "" ? [list [dict create kind official days [dict get $cal days]]]
                       : [lmap ny [list [expr {$y - 1}] $y [expr {$y + 1}]] { Source $ny }]}]
    foreach s $sources {
        if {[dict get $s kind] ne "official"} { continue }
        foreach e [dict get $s days] {
            lassign $e date off name
            if {[scan $date %d] == $y} { dict set out $date [list $off $name] }
        }
    }
    return $out
}

# calendar::Work: 1 if day J is a working day, else 0. Loads J's year on first use; notes a year on
# the fallback for the warnings.
proc calendar::Work {j} {
    variable flag
    variable fbyear
    if {![info exists flag($j)]} {
        LoadYear [clock format [expr {($j - 2440588) * 86400}] -format %Y -gmt 1]
    }
    if {[info exists fbyear($j)]} {
        variable used
        set used($fbyear($j)) 1
    }
    return $flag($j)
}

# ---------------------------------------------------------------------------------------------
# Importing, exporting and the fallback.

# calendar::ReadFile: the text of FILE given to import or convert; errors for a missing,
# unreadable or oversized file.
proc calendar::ReadFile {file} {
    if {![file isfile $file] || ![file readable $file]} { yq::fail calendar.noread $file }
    if {[file size $file] > 1048576} { yq::fail calendar.toolarge $file }
    set text [Slurp $file]
    if {[string index $text 0] eq "\uFEFF"} { set text [string range $text 1 end] }
    return $text
}

# calendar::LineOf: the line number of character POS of TEXT.
proc calendar::LineOf {text pos} {
    llength [split [string range $text 0 $pos] \n]
}

# calendar::EntryLines: the line of each object in the "days" array of JSON TEXT, in order, found
# by scanning its strings and brackets (lines counted as the scan goes: linear time).
proc calendar::EntryLines {text} {
    set lines {}
    set depth 0
    set indays 0
    set prev ""
    set line 1
    set at 0
    foreach span [regexp -all -indices -inline {"(?:[^"\\]|\\.)*"|[][{}]} $text] {
        set tok [string range $text {*}$span]
        set pos [lindex $span 0]
        incr line [expr {[llength [split [string range $text $at $pos] \n]] - 1}]
        set at [expr {$pos + 1}]
        if {$tok in {"\{" "\["}} {
            incr depth
            if {$tok eq "\[" && $depth == 2 && $prev eq "\"days\""} {
                set indays 1
            } elseif {$tok eq "\{" && $depth == 3 && $indays} {
                lappend lines $line
            }
        } elseif {$tok in {"\}" "\]"}} {
            incr depth -1
            if {$depth < 2} { set indays 0 }
        }
        set prev $tok
    }
    return $lines
}

# calendar::KeyLine: the line of the first "KEY": in JSON TEXT (1 if absent).
proc calendar::KeyLine {text key} {
    set pos [string first "\"$key\"" $text]
    expr {$pos < 0 ? 1 : [LineOf $text $pos]}
}

# calendar::Clip: value V cut to 40 characters, for error messages about hostile input.
proc calendar::Clip {v} {
    expr {[string length $v] > 40 ? "[string range $v 0 39]..." : $v}
}

# calendar::ParseJson: check and parse a calendar in the holiday-cn JSON layout
# {"year": Y, "papers": [...], "days": [{"name": N, "date": D, "isOffDay": true|false}, ...]}.
# Returns a dict year, papers, days {{date off name} ...} sorted by date. Errors with
# "NAME:LINE: reason" for the first problem.
proc calendar::ParseJson {text file} {
    if {[catch {json parse $text} doc]} {
        set line 1
        regexp {line (\d+)} $doc -> line
        yq::fail calendar.json $file $line $doc
    }
    if {[string index [string trimleft $text] 0] ne "\{" || [catch {dict size $doc}]
            || ![dict exists $doc year] || ![dict exists $doc days]} {
        yq::fail calendar.notcal $file
    }
    set y [dict get $doc year]
    if {![string is entier -strict $y] || $y < 1900 || $y > 2999} {
        yq::fail calendar.jsonyear $file [KeyLine $text year] [Clip $y]
    }
    set papers {}
    if {[dict exists $doc papers]} { set papers [dict get $doc papers] }
    if {[catch {llength $papers}] || [lsearch -regexp $papers {[\u0000-\u001f\u007f]}] >= 0} {
        yq::fail calendar.papers $file [KeyLine $text papers]
    }
    set days [dict get $doc days]
    set lines [EntryLines $text]
    set daysline [KeyLine $text days]
    if {[catch {llength $days} n] || $n == 0 || [llength $lines] != $n} {
        yq::fail calendar.days $file $daysline
    }
    set seen [dict create]
    set out {}
    foreach e $days line $lines {
        set at [yq::mc calendar.at $file $line [expr {[llength $out] + 1}]]
        if {[catch {dict size $e}]} { yq::fail calendar.object $at }
        foreach k {name date isOffDay} {
            if {![dict exists $e $k]} { yq::fail calendar.missing $at $k }
        }
        set date [dict get $e date]
        set isOffDay [dict get $e isOffDay]
        set name [dict get $e name]
        if {[catch {Jdn $date}]} { yq::fail calendar.notdate $at [Clip $date] }
        if {abs([scan $date %d] - $y) > 1} { yq::fail calendar.notyear $at $date $y }
        if {$isOffDay ni {0 1}} { yq::fail calendar.offday $at [Clip $isOffDay] }
        if {[string trim $name] eq "" || [string length $name] > 64
                || [regexp {[\u0000-\u001f\u007f]} $name]} {
            yq::fail calendar.name $at
        }
        if {[dict exists $seen $date]} {
            yq::fail calendar.twice $at $date [dict get $seen $date]
        }
        dict set seen $date $line
        lappend out [list $date $isOffDay $name]
    }
    dict create year $y papers $papers days [lsort -index 0 $out]
}

# calendar::import: import the calendar in holiday-cn JSON FILE, replacing its year. Returns the
# number of days imported. Errors (changing nothing) for a malformed file or without a database.
proc calendar::import {file} {
    importtext [ReadFile $file] [file tail $file]
}

# calendar::importtext: import calendar TEXT (holiday-cn JSON) whose file is called NAME (for the
# messages and the record). Returns the number of days imported. One transaction.
proc calendar::importtext {text name} {
    set cal [ParseJson $text $name]
    NeedDb "calendar import"
    variable recomputed [Store $cal $name]
    llength [dict get $cal days]
}

# calendar::Store: make CAL (a dict year, papers, days {{date off name} ...}, checked) the official
# calendar of its year, recorded as coming from NAME, and run the calendar::onimport hooks with the
# year: all in one transaction (a hook's error undoes the import). Returns what the hooks returned,
# as a flat list {hook-result ...} (each a dict; see workflow::deadline::recompute).
proc calendar::Store {cal name} {
    variable onimport
    set y [dict get $cal year]
    set papers [join [dict get $cal papers] \n]
    set now [clock format [clock seconds] -format %Y-%m-%dT%H:%M:%SZ -gmt 1]
    set out {}
    ::db transaction {
        ::db eval {DELETE FROM calendar_day WHERE year = $y}
        ::db eval {DELETE FROM calendar_forbidden WHERE year = $y}
        ::db eval {INSERT INTO calendar_year(year, kind, file, papers, changed)
                   VALUES($y, 'official', $name, $papers, $now)
                   ON CONFLICT(year) DO UPDATE SET kind = excluded.kind, file = excluded.file,
                     papers = excluded.papers, changed = excluded.changed}
        foreach e [dict get $cal days] {
            lassign $e date off dname
            ::db eval {INSERT INTO calendar_day(year, date, off, name) VALUES($y, $date, $off, $dname)}
        }
        Bump
        Flush
        foreach hook $onimport { lappend out [uplevel #0 [list {*}$hook $y]] }
    }
    Flush
    return $out
}

# calendar::Year: YEAR checked to be a whole number from 1900 to 2999.
proc calendar::Year {y} {
    if {![string is entier -strict $y] || $y < 1900 || $y > 2999} {
        yq::fail calendar.year $y
    }
    return [expr {$y}]
}

# calendar::fallback: allow (on, the default for every year) or forbid (off) computing YEAR on
# Monday-Friday while it has no official calendar. Returns "YEAR fallback on|off". Errors for a
# year with an official calendar. Changes the database only when needed.
proc calendar::fallback {y state} {
    set y [Year $y]
    if {![string is boolean -strict $state]} { yq::fail calendar.onoff $state }
    NeedDb "calendar fallback"
    Begin
    set src [Source $y]
    set kind [dict get $src kind]
    if {$kind eq "official"} {
        yq::fail calendar.hasofficial $y
    }
    set now [clock format [clock seconds] -format %Y-%m-%dT%H:%M:%SZ -gmt 1]
    if {!$state && $kind eq "fallback"} {
        ::db transaction {
            ::db eval {INSERT INTO calendar_forbidden(year, changed) VALUES($y, $now)}
            Bump
        }
    } elseif {$state && $kind eq "forbidden"} {
        ::db transaction {
            ::db eval {DELETE FROM calendar_forbidden WHERE year = $y}
            Bump
        }
    }
    Flush
    yq::mc [expr {$state ? "calendar.fallbackon" : "calendar.fallbackoff"}] $y
}

# calendar::years: the years to show: every year with an official calendar or a forbidden guess,
# and this year and the next (by the box's clock) whatever they have, as a list of dicts year,
# kind (official|fallback|forbidden), origin (shipped|imported|""), shipped, file, changed.
proc calendar::years {} {
    Begin
    set ys [ShippedYears]
    set this [clock format [yqbox::now] -format %Y -timezone [Zone]]
    lappend ys $this [expr {$this + 1}]
    if {[HaveDb]} {
        lappend ys {*}[::db eval {SELECT year FROM calendar_year UNION SELECT year FROM calendar_forbidden}]
    }
    lmap y [lsort -integer -unique $ys] {
        set s [Source $y]
        dict create year $y {*}[dict remove $s days papers]
    }
}

# calendar::export: the official calendar of YEAR (shipped or imported) in holiday-cn JSON, ready
# for `calendar import` elsewhere. Errors for a year without one.
proc calendar::export {y} {
    set y [Year $y]
    Begin
    set s [Source $y]
    if {[dict get $s kind] ne "official"} {
        yq::fail calendar.noofficial $y
    }
    set days [lmap e [dict get $s days] {
        lassign $e date off name
        json object name string $name date string $date isOffDay bool $off
    }]
    return [json object year number $y papers json [json array string [dict get $s papers]] \
        days json [json array json $days]]
}

# calendar::fromranges: the days of YEAR as entered from the State Council's notice: HOLIDAYS a
# list of {NAME FROM TO} (a holiday and its first and last day off, inclusive; TO "" = FROM) and
# MAKEUP a list of {NAME DATE} (a make-up working day, 调休上班). Returns the calendar dict year,
# papers {}, days {{date off name} ...} that calendar::enter stores. Errors, in Chinese, for the
# first bad entry (a date that is no date, a range backwards or longer than 15 days, a day not in
# YEAR or next to it, a make-up day that is not a Saturday or Sunday, a day given twice).
proc calendar::fromranges {y holidays makeup} {
    set y [Year $y]
    set days [dict create]
    set n 0
    foreach h $holidays {
        incr n
        lassign $h name from to
        set name [string trim $name]
        if {$to eq ""} { set to $from }
        set at "第 $n 个节日"
        CheckName $at $name
        foreach d [list $from $to] {
            if {[catch {Jdn $d}]} { error "$at（$name）：“[Clip $d]”不是日期（应为 YYYY-MM-DD）" }
        }
        set a [Jdn $from]
        set b [Jdn $to]
        if {$b < $a} { error "$at（$name）：结束日期 $to 早于开始日期 $from" }
        if {$b - $a > 14} { error "$at（$name）：放假 [expr {$b - $a + 1}] 天，超过 15 天，请检查日期" }
        for {set j $a} {$j <= $b} {incr j} {
            AddDay days $y [Date $j] 1 $name $at
        }
    }
    set n 0
    foreach m $makeup {
        incr n
        lassign $m name date
        set name [string trim $name]
        set at "第 $n 个调休上班日"
        CheckName $at $name
        if {[catch {Jdn $date}]} { error "$at（$name）：“[Clip $date]”不是日期（应为 YYYY-MM-DD）" }
        if {[Weekday [Jdn $date]] ni {0 6}} {
            error "$at（$name）：$date 不是周六或周日，无需调休上班"
        }
        AddDay days $y $date 0 $name $at
    }
    if {![dict size $days]} { error "没有录入任何节假日或调休上班日" }
    set out [lmap date [lsort [dict keys $days]] { list $date {*}[dict get $days $date] }]
    dict create year $y papers {} days $out
}

# calendar::CheckName: errors unless NAME is a holiday name (1 to 64 characters, no control
# characters); AT says which entry.
proc calendar::CheckName {at name} {
    if {$name eq "" || [string length $name] > 64 || [regexp {[\u0000-\u001f\u007f]} $name]} {
        error "$at：名称应为 1 至 64 个字符"
    }
}

# calendar::AddDay: add DATE (off 1 holiday / 0 make-up day, NAME) to the dict in variable VAR for
# YEAR; errors for a date outside YEAR and the years next to it, or given twice. AT names the entry.
proc calendar::AddDay {var y date off name at} {
    upvar 1 $var days
    if {abs([scan $date %d] - $y) > 1} { error "$at（$name）：$date 不在 $y 年或其前后一年" }
    if {[dict exists $days $date]} { error "$at（$name）：$date 重复录入" }
    dict set days $date [list $off $name]
}

# calendar::preview: what storing CAL (as from calendar::fromranges or ParseJson) would make of its
# year, without storing it: a dict year, workdays (working days in the year), holidays (days off that
# would be working days on Monday-Friday), makeup (make-up working days), changes (the count of
# days whose working-day status differs from the year's calendar in force now), months (twelve
# {month workdays} pairs).
proc calendar::preview {cal} {
    Begin
    set y [dict get $cal year]
    set flags [dict create]
    dict for {date e} [Listed $y $cal] { dict set flags [Jdn $date] [expr {![lindex $e 0]}] }
    set work 0
    set holidays 0
    set makeup 0
    set changes 0
    set months {}
    set mwork 0
    set month 1
    for {set j [Jdn $y-01-01]} {$j <= [Jdn $y-12-31]} {incr j} {
        set m [scan [string range [Date $j] 5 6] %d]
        if {$m != $month} { lappend months $month $mwork; set month $m; set mwork 0 }
        set plain [expr {[Weekday $j] ni {0 6}}]
        set w [expr {[dict exists $flags $j] ? [dict get $flags $j] : $plain}]
        if {$w} { incr work; incr mwork }
        if {$plain && !$w} { incr holidays }
        if {!$plain && $w} { incr makeup }
        if {$w != [Work $j]} { incr changes }
    }
    lappend months $month $mwork
    dict create year $y workdays $work holidays $holidays makeup $makeup changes $changes months $months
}

# calendar::enter: store CAL (from calendar::fromranges) as YEAR's official calendar, entered by
# hand by the acting user from the notice PAPER (its title or number; may be ""), in one
# transaction with the recomputation of provisional deadlines and an audit entry. Returns the
# hooks' results (see calendar::Store).
proc calendar::enter {cal paper} {
    NeedDb "calendar enter"
    set paper [string trim $paper]
    if {[string length $paper] > 200 || [regexp {[\u0000-\u001f\u007f]} $paper]} {
        error "通知文号或标题应不超过 200 个字符"
    }
    if {$paper ne ""} { dict set cal papers [list $paper] }
    ::db transaction {
        set r [Store $cal "手工录入"]
        audit::record calendar.enter calendar:[dict get $cal year] \
            -after "[llength [dict get $cal days]] days[expr {$paper ne "" ? " $paper" : ""}]"
    }
    return $r
}

# calendar::grid: YEAR day by day for the month grid of the calendar page: a list of dicts date,
# month, day, weekday (0 Sunday .. 6 Saturday), work (1 working day), kind (workday, weekend,
# holiday, makeup), name (the holiday's name, ""), and the year's kind (official, fallback,
# forbidden; for a forbidden year the days are Monday-Friday, marked kind weekend/workday).
# With CAL (a calendar dict as from calendar::fromranges, not stored), the grid CAL would make:
# its days over Monday-Friday, kind official (the preview of the calendar page).
proc calendar::grid {y {cal ""}} {
    set y [Year $y]
    Begin
    set kind [expr {$cal eq "" ? [dict get [Source $y] kind] : "official"}]
    set listed [Listed $y $cal]
    set forbidden [expr {$kind eq "forbidden"}]
    set out {}
    for {set j [Jdn $y-01-01]} {$j <= [Jdn $y-12-31]} {incr j} {
        set date [Date $j]
        set wd [Weekday $j]
        set plain [expr {$wd ni {0 6}}]
        set name ""
        if {[dict exists $listed $date]} { lassign [dict get $listed $date] off name }
        if {$cal ne ""} {
            set w [expr {[dict exists $listed $date] ? !$off : $plain}]
        } else {
            set w [expr {$forbidden ? $plain : [Work $j]}]
        }
        set dkind [expr {$w ? ($plain ? "workday" : "makeup") : ($plain ? "holiday" : "weekend")}]
        lappend out [dict create date $date month [scan [string range $date 5 6] %d] \
                         day [scan [string range $date 8 9] %d] weekday $wd work $w kind $dkind name $name]
    }
    list $kind $out
}

# calendar::pending: from 1 November of a year until the next year has an official calendar, the
# sentence saying so (for the dashboard, the calendar page and the console's start-up line);
# otherwise "". NOW defaults to the box's clock.
proc calendar::pending {{now ""}} {
    set cand [pendingYear $now]
    if {$cand eq ""} { return "" }
    return "${cand}年节假日安排尚未导入：涉及${cand}年的时限暂按周一至周五计算，国务院公布后请在“工作日历”页录入或导入，系统将自动重算"
}

# calendar::pendingYear: the year calendar::pending speaks of (this year when it has no official
# calendar; from 1 November, next year when it has none), or "". NOW defaults to the box's clock.
# Reads only.
proc calendar::pendingYear {{now ""}} {
    if {$now eq ""} { set now [yqbox::now] }
    Begin
    set y [clock format $now -format %Y -timezone [Zone]]
    set m [scan [clock format $now -format %m -timezone [Zone]] %d]
    set next [expr {$y + 1}]
    foreach cand [list $y $next] {
        if {$cand == $next && $m < 11} { continue }
        if {[dict get [Source $cand] kind] ne "official"} { return $cand }
    }
    return ""
}

# calendar::convert: the project's text format (scripts/calendar/YYYY.txt) of the holiday-cn JSON
# calendar in FILE. How the shipped files are made; see the header.
proc calendar::convert {file} {
    set cal [ParseJson [ReadFile $file] [file tail $file]]
    set y [dict get $cal year]
    set out [list "# $y - official working-day calendar of mainland China: the days that differ from" \
                 "# Monday-Friday (off = holiday, work = make-up working day). Generated by" \
                 "# calendar::convert from the holiday-cn JSON layout; do not edit by hand."]
    foreach p [dict get $cal papers] { lappend out "# paper $p" }
    foreach e [dict get $cal days] {
        lassign $e date off name
        lappend out "$date [expr {$off ? "off" : "work"}] $name"
    }
    join $out \n
}

# ---------------------------------------------------------------------------------------------
# Working days.

# calendar::isworkday: 1 if DATE (or the day of a time) is a working day, else 0.
proc calendar::isworkday {date} {
    Begin
    Work [Day $date]
}

# calendar::addworkdays: the N-th working day after DATE (before it for a negative N), as
# YYYY-MM-DD. N is a whole number other than 0.
proc calendar::addworkdays {date n} {
    if {![string is entier -strict $n] || $n == 0 || abs($n) > 3660} {
        yq::fail calendar.workdays $n
    }
    Begin
    set j [Day $date]
    set step [expr {$n > 0 ? 1 : -1}]
    for {set left [expr {abs($n)}]} {$left > 0} {} {
        incr j $step
        if {[Work $j]} { incr left -1 }
    }
    Date $j
}

# ---------------------------------------------------------------------------------------------
# Time limits.

# calendar::rule: declare time-limit rule NAME from SPEC, a dict with kind (limit: a deadline;
# extension: the most a limit may be extended; interval: a repeating duty; quota: a count per
# period), amount, unit, trigger (a key of calendar::triggers), source (seed paragraph), party
# (who is responsible), title (what must be done, Chinese), help (Chinese, the help of the config key);
# optional pause (yes: pauses allowed), extend (yes, or the name of the rule that caps it), key
# (no: the amount is not a config key), option (yes: a window the party may use, not a duty: the
# workflow never warns, breaches or counts it; it ends when it closes). Declares the config key
# rule_NAME for the amount.
proc calendar::rule {name spec} {
    variable rules
    variable rule
    variable triggers
    set r [dict merge {pause no extend no key yes option no} $spec [dict create name $name]]
    foreach f {kind amount unit trigger source party title help} {
        if {![dict exists $r $f]} { error "rule $name: $f is missing" }
    }
    if {![dict exists $triggers [dict get $r trigger]]} { error "rule $name: unknown trigger" }
    if {[dict get $r key]} {
        conf::key rule_$name {integer 1 9999} [dict get $r amount] \
            "[dict get $r help]（单位：[UnitName [dict get $r unit]]；依据 [dict get $r source]）"
    }
    lappend rules $name
    set rule($name) $r
}

# calendar::Rule: the declaration of rule NAME with its configured amount; errors for no such rule.
proc calendar::Rule {name} {
    variable rule
    if {![info exists rule($name)]} { yq::fail calendar.norule $name }
    variable triggers
    set r $rule($name)
    if {[dict get $r key]} { dict set r amount [conf::get rule_$name] }
    dict set r trigger_text [dict get $triggers [dict get $r trigger]]
    return $r
}

# calendar::rules: every rule as a list of dicts (see calendar::rule), with current amounts and
# trigger_text (the trigger as shown to users).
proc calendar::rules {} {
    variable rules
    lmap name $rules { Rule $name }
}

# calendar::UnitName: the name of time unit UNIT as shown to users (个工作日, 条/月); UNIT itself
# when it has none.
proc calendar::UnitName {unit} {
    variable units
    variable otherunits
    if {[dict exists $units $unit]} { return [lindex [dict get $units $unit] 2] }
    if {[dict exists $otherunits $unit]} { return [dict get $otherunits $unit] }
    return $unit
}

# calendar::UnitText: AMOUNT UNIT as shown to users ("5 个工作日").
proc calendar::UnitText {amount unit} {
    variable units
    variable otherunits
    if {[dict exists $units $unit]} { return "$amount [lindex [dict get $units $unit] 2]" }
    return "$amount [dict get $otherunits $unit]"
}

# calendar::Limit: the time limit LIMIT (a rule name or {N UNIT}) as a dict name, amount, unit,
# clock, perunit (seconds), source, party, title, pause, extend. Errors for anything else.
proc calendar::Limit {limit} {
    variable units
    variable aliases
    set bad [yq::mc calendar.badlimit $limit]
    if {[catch {llength $limit} n] || $n < 1 || $n > 2} { error $bad }
    if {$n == 1} {
        set r [Rule $limit]
        if {[dict get $r kind] ne "limit"} {
            yq::fail calendar.notlimit $limit [dict get $r title]
        }
    } else {
        lassign $limit amount unit
        if {[dict exists $aliases $unit]} { set unit [dict get $aliases $unit] }
        if {![string is entier -strict $amount] || $amount < 1 || $amount > 99999
                || ![dict exists $units $unit]} {
            error $bad
        }
        set r [dict create name "" amount [expr {$amount}] unit $unit source "" party "" \
                   title "" pause yes extend yes]
    }
    lassign [dict get $units [dict get $r unit]] clock per
    if {$per == 0} { set per [expr {[Minutes workday_end] * 60}] }
    dict set r clock $clock
    dict set r perunit $per
    return $r
}

# calendar::Pauses: pause list L ({{FROM TO} ...}, TO empty while running) as sorted, merged
# {from to} epoch pairs (to = forever while running). Errors for a malformed pause.
proc calendar::Pauses {l} {
    variable forever
    if {[catch {llength $l}]} { yq::fail calendar.pauses $l }
    set ps {}
    foreach p $l {
        if {[catch {llength $p} n] || $n < 1 || $n > 2} {
            yq::fail calendar.pause $p
        }
        lassign $p from to
        set f [Instant $from]
        set t [expr {$to eq "" ? $forever : [Instant $to]}]
        if {$t < $f} { yq::fail calendar.pauseorder $p }
        if {$t == $f} { continue }          ;# paused and resumed at once: nothing to take out
        lappend ps [list $f $t]
    }
    set out {}
    foreach p [lsort -integer -index 0 $ps] {
        lassign $p f t
        if {[llength $out] && $f <= [lindex $out end 1]} {
            lset out end 1 [expr {max($t, [lindex $out end 1])}]
        } else {
            lappend out $p
        }
    }
    return $out
}

# calendar::Cut: the parts of span [A, B) outside PAUSES, as a flat list {from to ...}.
proc calendar::Cut {a b pauses} {
    set out {}
    foreach p $pauses {
        lassign $p pf pt
        if {$pt <= $a} { continue }
        if {$pf >= $b} { break }
        if {$pf > $a} { lappend out $a $pf }
        set a $pt
        if {$a >= $b} { return $out }
    }
    lappend out $a $b
}

# calendar::Pieces: the counted time of day J for CLOCK (wall, days, workdays), starting at
# instant S whose day is START, as a flat list {from to ...} with PAUSES cut out.
proc calendar::Pieces {clock s start pauses j} {
    if {$clock eq "wall"} {
        set a [Mid $j]
        set b [Mid [expr {$j + 1}]]
    } elseif {$j == $start || ($clock eq "workdays" && ![Work $j])} {
        return {}
    } else {
        set a [Mid $j]
        set b [DayEnd $j]
    }
    if {$a < $s} { set a $s }
    if {$a >= $b} { return {} }
    Cut $a $b $pauses
}

# calendar::Advance: the instant at which CLOCK, started at instant S, has counted AMOUNT seconds
# outside PAUSES. Returns {instant 0}, or {"" left} when a running pause stops the clock first.
proc calendar::Advance {clock s pauses amount} {
    variable forever
    set open [expr {[llength $pauses] && [lindex $pauses end 1] == $forever
                    ? [lindex $pauses end 0] : ""}]
    set start [DayOf $s]
    for {set j $start} {$j < $start + 3700} {incr j} {
        if {$open ne "" && [Mid $j] >= $open} { return [list "" $amount] }
        foreach {a b} [Pieces $clock $s $start $pauses $j] {
            if {$b - $a >= $amount} { return [list [expr {$a + $amount}] 0] }
            set amount [expr {$amount - ($b - $a)}]
        }
    }
    yq::fail calendar.toofar
}

# calendar::Count: the seconds CLOCK counts from instant S to instant T (no pauses).
proc calendar::Count {clock s t} {
    set total 0
    set start [DayOf $s]
    for {set j $start} {[Mid $j] < $t} {incr j} {
        foreach {a b} [Pieces $clock $s $start {} $j] {
            if {$a < $t} { incr total [expr {min($b, $t) - $a}] }
        }
    }
    return $total
}

# calendar::due: the deadline of time limit LIMIT (rule name or {N UNIT}) started at START.
# Options: -pauses {{FROM TO} ...} (TO empty: still paused), -extend N (in the limit's unit) with
# -reason TEXT. Returns a dict:
#   rule, limit (e.g. "5 workdays"), allowed (as shown, "5 个工作日"), source, party, title,
#   start, due and warn_at (formatted, 24:00 convention; "" while paused), due_epoch, warn_epoch,
#   pauses (formatted {from to}), paused (counted seconds the pauses took out), remaining (counted
#   seconds left when a running pause stopped the clock, else 0), extended (N), reason,
#   provisional (the years computed on the Monday-Friday guess: the due time is provisional),
#   warnings (the sentence for them: show it with the deadline).
# Errors for a bad argument, a year whose guess is forbidden, or an extension the rule refuses.
proc calendar::due {start limit args} {
    Begin
    set o [dict create -pauses {} -extend 0 -reason {}]
    foreach {k v} $args {
        if {![dict exists $o $k]} { error "bad option \"$k\": expected -pauses, -extend or -reason" }
        dict set o $k $v
    }
    if {[llength $args] % 2} { error "option \"[lindex $args end]\" needs a value" }
    set r [Limit $limit]
    set s [Instant $start]
    set ext [dict get $o -extend]
    set reason [string trim [dict get $o -reason]]
    CheckExtension $r $ext $reason
    set pauses [Pauses [dict get $o -pauses]]
    if {[llength $pauses] && ![dict get $r pause]} {
        yq::fail calendar.nopause [dict get $r name]
    }
    set run [Run [dict get $r clock] $s $pauses [expr {[dict get $r amount] + $ext}] \
                 [dict get $r perunit]]
    dict create rule [dict get $r name] limit "[dict get $r amount] [dict get $r unit]" \
        allowed [UnitText [dict get $r amount] [dict get $r unit]] \
        source [dict get $r source] party [dict get $r party] title [dict get $r title] \
        start [Fmt $s] extended $ext reason $reason pauses [lmap p $pauses { FmtPause $p }] \
        {*}$run provisional [Provisional] warnings [Warnings]
}

# calendar::Run: run CLOCK from instant S for N units of PER seconds, outside PAUSES. Returns a
# dict due, due_epoch, warn_at, warn_epoch (all "" while a running pause stops the clock), paused
# (counted seconds the pauses took out), remaining (counted seconds left when stopped, else 0).
proc calendar::Run {clock s pauses n per} {
    set pct [conf::get deadline_warn_percent]
    if {$clock eq "patrols"} {
        if {[llength $pauses]} { yq::fail calendar.nopatrolpause }
        set due $s
        for {set i 0} {$i < $n} {incr i} { set due [dict get [NextPatrol $due] epoch] }
        set warn [expr {$s + ($due - $s) * $pct / 100}]
        return [dict create due [Fmt $due 1] due_epoch $due warn_at [Fmt $warn 1] \
                    warn_epoch $warn paused 0 remaining 0]
    }
    set total [expr {$n * $per}]
    lassign [Advance $clock $s $pauses $total] due left
    if {$due eq ""} {
        return [dict create due "" due_epoch "" warn_at "" warn_epoch "" paused 0 remaining $left]
    }
    set warn [lindex [Advance $clock $s $pauses [expr {$total * $pct / 100}]] 0]
    dict create due [Fmt $due 1] due_epoch $due warn_at [Fmt $warn 1] warn_epoch $warn \
        paused [expr {[Count $clock $s $due] - $total}] remaining 0
}

# calendar::FmtPause: pause P ({from to} epochs) formatted, with to "" while it runs.
proc calendar::FmtPause {p} {
    variable forever
    lassign $p from to
    list [Fmt $from] [expr {$to == $forever ? "" : [Fmt $to 1]}]
}

# calendar::CheckExtension: errors unless extending limit R by EXT units with REASON is allowed.
proc calendar::CheckExtension {r ext reason} {
    if {![string is entier -strict $ext] || $ext < 0 || $ext > 9999} {
        yq::fail calendar.badext $ext [UnitText "" [dict get $r unit]]
    }
    if {$ext == 0} { return }
    if {$reason eq ""} { yq::fail calendar.extreason }
    set how [dict get $r extend]
    if {$how eq "no"} { yq::fail calendar.noext [dict get $r name] }
    if {$how ne "yes"} {
        set cap [Rule $how]
        if {$ext > [dict get $cap amount]} {
            yq::fail calendar.extcap [UnitText $ext [dict get $r unit]] [UnitText [dict get $cap amount] [dict get $r unit]] $how [dict get $cap source]
        }
    }
}

# calendar::state: the state of deadline DUE (a calendar::due dict) at TIME (default now): ok,
# warning (past warn_at), breached (past the deadline) or paused (a pause is running).
proc calendar::state {due {time ""}} {
    set t [expr {$time eq "" ? [yqbox::now] : [Instant $time]}]
    if {[dict get $due due_epoch] eq ""} { return paused }
    if {$t > [dict get $due due_epoch]} { return breached }
    if {$t >= [dict get $due warn_epoch]} { return warning }
    return ok
}

# calendar::show: deadline DUE as displayed everywhere: the time, then any warnings.
proc calendar::show {due} {
    set out [expr {[dict get $due due] eq "" ? "暂停计时" : [dict get $due due]}]
    set p [dict get $due provisional]
    if {[llength $p]} { append out "（[provisionalText $p]）" }
    return $out
}

# calendar::deadline: {deadline warnings} of LIMIT started at START (options as calendar::due).
proc calendar::deadline {start limit args} {
    set d [due $start $limit {*}$args]
    list [dict get $d due] [dict get $d warnings]
}

# ---------------------------------------------------------------------------------------------
# Office hours and the patrol schedule.

# calendar::Hours: the configured office and duty hours in minutes after midnight, as a dict
# am_start am_end pm_start pm_end duty_start duty_end. Errors if they are out of order.
proc calendar::Hours {} {
    set h [dict create]
    foreach k {am_start am_end pm_start pm_end} { dict set h $k [Minutes office_$k] }
    foreach k {duty_start duty_end} { dict set h $k [Minutes $k] }
    dict with h {
        if {!($am_start < $am_end && $am_end <= $pm_start && $pm_start < $pm_end)} {
            yq::fail calendar.hours
        }
        if {$duty_start >= $duty_end} { yq::fail calendar.duty }
    }
    return $h
}

# calendar::InOffice: 1 if minute M of a working day is in office hours H (a Hours dict).
proc calendar::InOffice {h m} {
    dict with h {
        expr {($m >= $am_start && $m < $am_end) || ($m >= $pm_start && $m < $pm_end)}
    }
}

# calendar::DayPatrols: the patrols of day J as a sorted flat list {minute kind ...}, kind office
# (office-hours patrol), duty (duty patrol), point (fixed patrol point) or "office point" etc.
proc calendar::DayPatrols {j} {
    set h [Hours]
    set office [expr {[conf::get rule_patrol_office] * 60}]
    set duty [expr {[conf::get rule_patrol_duty] * 60}]
    set work [Work $j]
    set at [dict create]
    for {set m [dict get $h duty_start]} {$m < [dict get $h duty_end]} {set m $next} {
        set in [expr {$work && [InOffice $h $m]}]
        dict lappend at $m [expr {$in ? "office" : "duty"}]
        set next [expr {$m + ($in ? $office : $duty)}]
        if {$work} {
            foreach s [list [dict get $h am_start] [dict get $h pm_start]] {
                if {$m < $s && $s < $next} { set next $s }
            }
        }
    }
    foreach k {patrol_morning patrol_afternoon patrol_evening} {
        dict lappend at [Minutes $k] point
    }
    set out {}
    foreach m [lsort -integer [dict keys $at]] { lappend out $m [join [dict get $at $m]] }
    return $out
}

# calendar::NextPatrol: the first patrol strictly after instant T, as a dict time, epoch, kind.
proc calendar::NextPatrol {t} {
    set start [DayOf $t]
    for {set j $start} {$j < $start + 3} {incr j} {
        foreach {m kind} [DayPatrols $j] {
            set at [expr {$m == 1440 ? [Mid [expr {$j + 1}]] : [Local $j [expr {$m * 60}]]}]
            if {$at > $t} { return [dict create time [Fmt $at] epoch $at kind $kind] }
        }
    }
    error "no patrol within two days of [Fmt $t]"
}

# calendar::nextpatrol: the first patrol strictly after TIME, as a dict time, epoch, kind
# (office, duty, point, ...), warnings.
proc calendar::nextpatrol {time} {
    Begin
    set p [NextPatrol [Instant $time]]
    dict set p warnings [Warnings]
    return $p
}

# calendar::patrols: the patrol times of DATE as a list of {HH:MM kind}.
proc calendar::patrols {date} {
    Begin
    lmap {m kind} [DayPatrols [Day $date]] {
        list [format %02d:%02d [expr {$m / 60}] [expr {$m % 60}]] $kind
    }
}

# calendar::inoffice: 1 if TIME falls in office hours of a working day, else 0.
proc calendar::inoffice {time} {
    Begin
    set t [Instant $time]
    set j [DayOf $t]
    expr {[Work $j] && [InOffice [Hours] [expr {($t - [Mid $j]) / 60}]]}
}

# ---------------------------------------------------------------------------------------------
# The rules table: every time limit of RULES.md (checked against the seeds).

calendar::rule patrol_office {
    kind interval amount 1 unit hours trigger schedule source "001 第六条"
    party 信息办及各单位巡查人员 title 工作日上班时间每间隔1小时巡查认领一次
    help "工作日上班时间每隔 N 小时巡查、检查认领一次"
}
calendar::rule patrol_duty {
    kind interval amount 2 unit hours trigger schedule source "001 第六条"
    party 值班人员 title 每天晚上（24点前）和节假日值班，每间隔2小时巡查一次
    help "夜间（至 duty_end）和节假日每隔 N 小时巡查一次"
}
calendar::rule patrol_points {
    kind interval amount 3 unit points/day trigger schedule source "001 第五条" key no
    party 信息办及各单位巡查人员 title 每天上午、下午、晚上三个浏览时间节点巡查（patrol_morning、patrol_afternoon、patrol_evening）
    help ""
}
calendar::rule claim {
    kind limit amount 1 unit patrols trigger detected source "001 第六条"
    party 责任单位（涉及多层级、多部门的由信息办） title 及时认领；逾期未认领的由信息办指定认领、记录在案并纳入考核
    help "发现后第 N 次巡查（认领检查）前须认领"
}
calendar::rule report_general {
    kind limit amount 2 unit hours trigger detected source "001 第八条"
    party 承办单位 title 一般性舆情及处置建议报送本单位主要领导和分管领导，抄送信息办
    help "一般性舆情：报送本单位领导、抄送信息办的时限"
}
calendar::rule report_major {
    kind limit amount 2 unit hours trigger judged_major source "001 第八条"
    party 信息办 title 重大敏感舆情经核实衔接后统筹报送县领导
    help "重大敏感舆情：信息办报送县领导的时限"
}
calendar::rule investigate {
    kind limit amount 5 unit workdays trigger claimed source "001 第八条" extend yes
    party 承办单位 title 形成网络政务舆情核实调查报告（特殊情况可书面申请延长）
    help "认领后提交核实调查报告的时限"
}
calendar::rule extension_request {
    kind limit amount 3 unit workdays trigger claimed source "001 第八条" option yes
    party 承办单位 title 需要延长办理时限的，向信息办提出书面申请（可选）
    help "认领后书面申请延期核实的时限"
}
calendar::rule investigate_legacy {
    kind limit amount 15 unit workdays trigger claimed source "001 第八条" extend yes
    party 承办单位 title 历史遗留问题形成核实调查报告
    help "历史遗留问题认领后提交核实调查报告的时限"
}
calendar::rule reply {
    kind limit amount 3 unit workdays trigger investigated source "001 第九条"
    party 承办单位（主要负责同志审定） title 在政府网站“政民互动”网络新闻发言人版块回复并链接原帖
    help "核实调查报告后发布回复的时限"
}
calendar::rule reply_major {
    kind limit amount 5 unit workdays trigger investigated source "001 第九条"
    party 信息办（会商审定后统一发布） title 关注度高、影响力大、涉及面广的回复统一发布
    help "关注度高的事件经信息办审核后发布回复的时限（自报告起）"
}
calendar::rule press_conference {
    kind limit amount 24 unit hours trigger detected source "004 二(四)"
    party 本级政府及涉事部门 title 特别重大、重大突发事件的政务舆情最迟举行新闻发布会
    help "特别重大、重大突发事件最迟召开新闻发布会的时限"
}
calendar::rule respond {
    kind limit amount 48 unit hours trigger detected source "004 二(四)"
    party 涉事部门 title 其他政务舆情予以回应，并动态发布权威信息
    help "其他涉政舆情首次回应的时限"
}
calendar::rule repost_weibo {
    kind limit amount 1 unit hours trigger city_posted source "004 三(三)"
    party 各县（区）政府、市直单位政务微博 title 力争转载市政府政务微博发布的重大信息
    help "县级政务微博转发市级重要信息的时限"
}
calendar::rule repost_wechat {
    kind limit amount 1 unit workdays trigger city_posted source "004 三(三)"
    party 各县（区）政府、市直单位政务微信 title 转载市政府政务微信发布的重大信息（不得滞后）
    help "县级政务微信转发市级重要信息的时限"
}
calendar::rule request_answer {
    kind limit amount 20 unit workdays trigger received source "002 第十五条" pause yes
    extend request_extension
    party 行政机关（政府信息公开工作机构） title 不能当场答复的依申请公开答复；征求第三方和其他机关意见的时间不计算在内
    help "不能当场答复的依申请公开自收到起答复的时限"
}
calendar::rule request_extension {
    kind extension amount 20 unit workdays trigger received source "002 第十五条"
    party 政府信息公开工作机构负责人同意并告知申请人 title 延长答复期限最长不得超过
    help "依申请公开答复期限最多可延长的天数"
}
calendar::rule assessment {
    kind interval amount 1 unit quarter trigger schedule source "000 四; 001 第十二条"
    party 信息办 title 一季度一通报：各单位舆情报送、认领、处置、回应情况积分排序并纳入考核
    help "每 N 个季度通报一次考核结果"
}
calendar::rule submission_unit {
    kind quota amount 10 unit items/month trigger schedule source "000 政务信息工作制度 二.1"
    party 各县（区）、各部门 title 每月向信息科报送政务信息不少于
    help "各县区、部门每月至少报送的政务信息条数"
}
calendar::rule submission_staff {
    kind quota amount 1 unit items/month trigger schedule source "000 政务信息工作制度 二.1"
    party 办公室政务科室工作人员（每人） title 每月向信息科报送政务信息不少于
    help "信息办各科室每人每月至少报送的信息条数"
}
calendar::rule submission_province {
    kind quota amount 20 unit items/month trigger schedule source "000 政务信息工作制度 二.3"
    party 信息科 title 每月向省政府办公厅报送政务信息不少于
    help "信息办每月至少向省级报送的信息条数"
}
calendar::rule special_report_province {
    kind quota amount 4 unit reports/month trigger schedule source "000 政务信息工作制度 二.3"
    party 信息科 title 每月报送《政务信息专报》不少于
    help "信息办每月至少向省级报送的专报期数"
}

# ---------------------------------------------------------------------------------------------
# The console command `calendar`. Results that depended on a fallback year print their warnings
# on stderr ("警告：..."); the result itself is unchanged.

namespace eval calendar::cmd {}

# calendar::cmd::Warn: print WARNINGS on stderr for the console.
proc calendar::cmd::Warn {warnings} {
    foreach w $warnings { puts stderr "警告：$w" }
}

# calendar::cmd::import: import FILE; the number of days, and a line on the deadlines recomputed.
proc calendar::cmd::import {file} {
    set n [calendar::import $file]
    set moved [Recomputed $calendar::recomputed]
    expr {$moved eq "" ? $n : "$n\n$moved"}
}

# calendar::cmd::Recomputed: a line on the hooks' results R of an import ("" when nothing moved).
proc calendar::cmd::Recomputed {r} {
    set n 0
    set moved 0
    set earlier 0
    foreach x $r {
        incr n [dict get $x recomputed]
        incr moved [dict get $x moved]
        incr earlier [dict get $x earlier]
    }
    if {!$n} { return "" }
    set out "重算时限 $n 个，其中 $moved 个截止时间改变"
    if {$earlier} { append out "，$earlier 个提前（已通知责任人）" }
    return $out
}

proc calendar::cmd::isworkday {date} {
    set r [calendar::isworkday $date]
    Warn [calendar::Warnings]
    return $r
}

proc calendar::cmd::addworkdays {date n} {
    set r [calendar::addworkdays $date $n]
    Warn [calendar::Warnings]
    return $r
}

proc calendar::cmd::deadline {start limit args} {
    lassign [calendar::deadline $start $limit {*}$args] due warnings
    Warn $warnings
    return $due
}

proc calendar::cmd::nextpatrol {time} {
    set p [calendar::nextpatrol $time]
    Warn [dict get $p warnings]
    dict get $p time
}

# calendar::cmd::rules: the rules table as text, one rule a line.
proc calendar::cmd::rules {} {
    set out [list "# 规则名 时限 起算 依据 责任单位：内容（修改时限：appliance.conf 中写 rule_规则名 数值）"]
    foreach r [calendar::rules] {
        dict with r {
            set what [calendar::UnitText $amount $unit]
            if {$kind eq "extension"} { set what "延长≤$what" }
            lappend out [format "%-24s %-10s %-8s %s  %s：%s" $name $what $trigger_text $source \
                             $party $title]
        }
    }
    join $out \n
}

# calendar::cmd::years: one line per year: official (shipped, or imported from FILE at TIME),
# provisional (Monday-Friday until the calendar is in), or guessing forbidden.
proc calendar::cmd::years {} {
    set out {}
    foreach y [calendar::years] {
        dict with y {
            if {$kind eq "fallback"} {
                lappend out "$year 暂按周一至周五推算（尚无官方节假日安排，导入后自动重算）"
            } elseif {$kind eq "forbidden"} {
                lappend out "$year 尚无官方节假日安排，已禁止推算（自 $changed）"
            } elseif {$origin eq "imported"} {
                lappend out "$year 官方日历：导入 $file $changed[expr {$shipped ? "（取代内置日历）" : ""}]"
            } else {
                lappend out "$year 官方日历：内置"
            }
        }
    }
    join $out \n
}

proc calendar::cmd::fallback {year state} {
    calendar::fallback $year $state
}

proc calendar::cmd::export {year} {
    calendar::export $year
}

# calendar: the console command, one verb per calendar::cmd procedure above.
cmdlayer::noun calendar "工作日日历与办理时限：导入节假日安排、判断工作日、推算时限、列出规则与各年日历"
cmdlayer::command calendar import {{file 文件}} "导入一年的节假日安排（holiday-cn JSON 格式），整年替换，返回导入的天数" \
    "受影响的未办结时限和依申请公开期限在同一事务中重算。" { calendar::cmd::import $file }
cmdlayer::command calendar isworkday {{date 日期}} "判断某日是否为工作日（含调休上班日），返回 1 或 0" {
    calendar::cmd::isworkday $date
}
cmdlayer::command calendar addworkdays {{date 日期} {n 工作日数}} "返回某日之后第 N 个工作日（为负数时向前推）" {
    calendar::cmd::addworkdays $date $n
}
cmdlayer::command calendar deadline {{start 起算时间} {limit 时限} {-pauses 暂停期间} {-extend 延长工作日数} {-reason 延长理由}} \
    "计算截止时间；时限为规则名或 {5 workdays}、{2 hours}，工作日时限截至当日 24:00:00" {
    set o {}
    if {$pauses ne ""} { lappend o -pauses $pauses }
    if {$extend ne ""} { lappend o -extend $extend -reason $reason }
    calendar::cmd::deadline $start $limit {*}$o
}
cmdlayer::command calendar next-patrol {{time 时刻}} "返回该时刻之后的下一次巡查时间" { calendar::cmd::nextpatrol $time }
cmdlayer::command calendar rules {} "列出全部时限规则：时限、起算、依据条款、责任单位" { calendar::cmd::rules }
cmdlayer::command calendar years {} "列出各年份的日历：官方（内置或导入）、暂按周一至周五推算、或已禁止推算" { calendar::cmd::years }
cmdlayer::command calendar fallback {{year 年份} {state 开关 choice(on|off)}} \
    "没有官方日历的年份默认暂按周一至周五推算（时限标为暂定，导入后自动重算）；off 禁止推算，on 重新允许" {
    calendar::cmd::fallback $year $state
}
cmdlayer::command calendar export {{year 年份}} "以 holiday-cn JSON 格式导出一年的节假日安排" { calendar::cmd::export $year }
