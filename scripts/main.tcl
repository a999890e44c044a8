# main.tcl - entry point of yqbox's bundled scripts.
#
# Sourced into every interpreter by the C side (tclcmds.c) with ::yqbox::root set to the directory
# that holds scripts/ and webroot/ (the embedded filesystem, or a checkout with --dev). Each module
# below declares its config keys and its console commands (with their help: console.tcl).
# The command line is handled by yqbox::main (cli.tcl).
#
# Loading (issue 18: `yqbox eval exit` in 10 ms): only the core modules are sourced at start. The
# others are sourced all together, in the order of the list, the first time anything of theirs is
# needed (yqbox::loadAll): a command nobody defined yet (the ::unknown below), a read of one of
# their namespace variables (a trace), a config key not declared yet, the console's help, the
# subcommands that use them (`run` sources them at once). All or nothing, so every module still
# finds every other one's declarations (permissions, jobs, workflow states, hooks) complete when
# its code runs. Their config keys are known before that from an index made from their text
# (scripts/index.tcl: made at build time, or from the checkout at start with --dev).

namespace eval yqbox {
    variable modules {
        messages.tcl
        conf.tcl
        console.tcl
        job.tcl
        db.tcl
        calendar.tcl
        cli.tcl
        analyse/sentiment.tcl
        analyse/terms.tcl
        analyse/rules.tcl
        analyse/route.tcl
        analyse/score.tcl
        org.tcl
        audit.tcl
        session.tcl
        crawl/crawl.tcl
        crawl/source.tcl
        crawl/opml.tcl
        crawl/feed.tcl
        crawl/html.tcl
        crawl/json.tcl
        crawl/sitemap.tcl
        crawl/post.tcl
        crawl/templates.tcl
        crawl/sourcetry.tcl
        analyse/event.tcl
        workflow/notify.tcl
        workflow/documents.tcl
        workflow/states.tcl
        workflow/deadline.tcl
        parse.tcl
        server.tcl
        disk.tcl
        web.tcl
        column.tcl
        reporting.tcl
        submission.tcl
        request.tcl
        assessment.tcl
        county.tcl
        analyse/map.tcl
        backup.tcl
        service.tcl
        federation/link.tcl
        federation/transport.tcl federation/enrolment.tcl federation/files.tcl federation/health.tcl
        federation/county.tcl
        federation/city.tcl
    }
    # the modules sourced at start (the rest: yqbox::loadAll)
    variable core {
        conf.tcl console.tcl cli.tcl
    }
    variable sourced {}   ;# the modules sourced so far, in order
    variable loaded 0     ;# 1 once every module is sourced
    variable loading 0    ;# 1 while yqbox::loadAll sources them
}

# yqbox::path: the absolute path of a bundled file given relative to ::yqbox::root.
proc yqbox::path {args} {
    file join $::yqbox::root {*}$args
}

# yqbox::now: the current time in seconds. Tests control it: with YQBOX_TESTING=1 in the
# environment, YQBOX_NOW (an ISO time or seconds) fixes the start and `yqbox::advance SECONDS`
# moves it; otherwise both are ignored and the real clock is used. The offset advance moves is the
# process's (yqbox::clockoffset, kept in C), so every interpreter of a running server sees the
# same simulated time.
proc yqbox::now {} {
    if {![info exists ::env(YQBOX_TESTING)]} { return [clock seconds] }
    if {[info exists ::env(YQBOX_NOW)]} {
        variable nowParsed
        set t $::env(YQBOX_NOW)
        if {![string is entier -strict $t]} {
            # parsing an ISO time costs a millisecond: keep the last one parsed
            if {![info exists nowParsed] || [lindex $nowParsed 0] ne $t} { set nowParsed [list $t [seconds $t]] }
            set t [lindex $nowParsed 1]
        }
        return [expr {$t + [clockoffset]}]
    }
    return [expr {[clock seconds] + [clockoffset]}]
}
# yqbox::advance: move the simulated clock of the whole process SECONDS forward (tests only). In
# a server's background interpreter (the console's `yqbox eval -d DIR` reaches it) the background
# jobs that fall due meanwhile run first, each at its own time, in order (job::follow). Returns
# the new time.
proc yqbox::advance {seconds} {
    if {![info exists ::env(YQBOX_TESTING)]} { error "yqbox::advance is for tests only" }
    loadAll
    if {![string is entier -strict $seconds]} { error "yqbox::advance: not a number of seconds: \"$seconds\"" }
    set to [expr {[now] + $seconds}]
    if {[info commands ::job::follow] ne ""} { job::follow $to }
    setclock $to
}
# yqbox::setclock: set the simulated clock of the process to TIME (seconds; tests only, through
# yqbox::advance and job::follow). Returns TIME.
proc yqbox::setclock {time} {
    if {![info exists ::env(YQBOX_TESTING)]} { error "yqbox::advance is for tests only" }
    clockoffset [expr {[clockoffset] + $time - [now]}]
    return [now]
}

# yqbox::seconds: an ISO 8601 time as written by yqbox::iso (or with Z / no zone = the configured
# zone) back to seconds. Errors for anything else.
proc yqbox::seconds {iso} {
    # the form yqbox::iso writes (2026-03-02T10:05:00+08:00) by arithmetic: clock scan costs ~80 µs
    if {[string length $iso] == 25
        && [scan $iso {%4d-%2d-%2d%1[T ]%2d:%2d:%2d%1[+-]%2d:%2d} y mo d sep h mi s sign zh zm] == 10
        && [regexp {^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[+-]\d\d:\d\d$} $iso]
        && $mo >= 1 && $mo <= 12 && $d >= 1 && $d <= [MonthDays $y $mo] && $h <= 23 && $mi <= 59
        && $s <= 59 && $zh <= 23 && $zm <= 59} {
        set off [expr {($zh * 3600 + $zm * 60) * ($sign eq "-" ? -1 : 1)}]
        return [expr {[Days $y $mo $d] * 86400 + $h * 3600 + $mi * 60 + $s - $off}]
    }
    if {![regexp {^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$} $iso -> d t z]} {
        yq::fail time.iso $iso
    }
    if {$z eq ""} {
        return [clock scan "$d $t" -format "%Y-%m-%d %H:%M:%S" -timezone :[conf::get timezone]]
    }
    if {$z eq "Z"} { set z +0000 }
    clock scan "$d $t [string map {: ""} $z]" -format "%Y-%m-%d %H:%M:%S %z"
}

# yqbox::Days: the days from 1970-01-01 to the proleptic Gregorian date Y-M-D (negative before).
proc yqbox::Days {y m d} {
    if {$m <= 2} { incr y -1 }
    set era [expr {($y >= 0 ? $y : $y - 399) / 400}]
    set yoe [expr {$y - $era * 400}]
    set doy [expr {(153 * (($m + 9) % 12) + 2) / 5 + $d - 1}]
    expr {$era * 146097 + $yoe * 365 + $yoe / 4 - $yoe / 100 + $doy - 719468}
}

# yqbox::MonthDays: the number of days of month M of year Y.
proc yqbox::MonthDays {y m} {
    if {$m == 2} { return [expr {($y % 4 == 0 && $y % 100 != 0) || $y % 400 == 0 ? 29 : 28}] }
    expr {$m in {4 6 9 11} ? 30 : 31}
}

# yqbox::lsortCommand: `lsort ?OPTIONS? -command COMMAND LIST`, except that a list of fewer than two
# elements is returned as it is: Tcl 8.6.13's lsort -command leaks its copy of COMMAND when the
# list is empty (the sanitizer build found it in every /work page of a person with nothing to do).
proc yqbox::lsortCommand {command list args} {
    if {[llength $list] < 2} { return $list }
    lsort {*}$args -command $command $list
}

# yqbox::iso: SECONDS (default now) as ISO 8601 in the configured zone, e.g. 2024-05-01T10:23:00+08:00.
proc yqbox::iso {{seconds ""}} {
    if {$seconds eq ""} { set seconds [now] }
    set s [clock format $seconds -format "%Y-%m-%dT%H:%M:%S%z" -timezone :[conf::get timezone]]
    return "[string range $s 0 end-2]:[string range $s end-1 end]"
}

# yqbox::Source: source module M (a name in yqbox::modules) at global level and note it in
# yqbox::sourced.
proc yqbox::Source {m} {
    variable sourced
    lappend sourced $m
    uplevel #0 [list source -encoding utf-8 [path scripts $m]]
}

# yqbox::loadAll: source every module not sourced yet, in the order of yqbox::modules (once; a
# call while they are being sourced, or after, does nothing). Then removes the traces that called
# it and settles the order of the config keys (conf::settle). Returns nothing; an error of a
# module's code is raised (a bug).
proc yqbox::loadAll {} {
    variable loaded
    variable loading
    variable modules
    variable sourced
    if {$loaded || $loading} { return }
    set loading 1
    try {
        foreach m $modules {
            if {$m ni $sourced} { Source $m }
        }
    } finally {
        set loading 0
    }
    set loaded 1
    if {[info exists index::vars]} {
        foreach v $index::vars { trace remove variable $v read ::yqbox::LazyVar }
    }
    conf::settle
    return
}

# yqbox::LazyVar: the read trace on the lazily sourced modules' variables: sources them.
proc yqbox::LazyVar {args} {
    loadAll
}

# yqbox::LazyNoun: the body of console noun NOUN until its module is sourced: sources the modules,
# then runs the real ::console::NOUN with the caller's arguments (the stub's `args`).
proc yqbox::LazyNoun {noun} {
    loadAll
    if {[info body ::console::$noun] eq [list ::yqbox::LazyNoun $noun]} {
        error "console noun $noun is in the index but no module declares it; rebuild"
    }
    upvar 1 args args
    tailcall ::console::$noun {*}$args
}

# ::unknown: Tcl's own handler (yqbox::TclUnknown) once every module is sourced; before that, a
# command nobody defined first sources them (yqbox::loadAll), unless it is one of Tcl's library
# (auto_load: ::tcl::tm::UnknownHandler of `package require`, parray, ...), and, when that defined
# it, runs it in the caller's context.
rename ::unknown ::yqbox::TclUnknown
proc ::unknown {args} {
    if {!$::yqbox::loaded && !$::yqbox::loading} {
        if {![::auto_load [lindex $args 0] [uplevel 1 {::namespace current}]]} { ::yqbox::loadAll }
        # (called by its full name: the word itself may still remember that it named nothing)
        set cmd [uplevel 1 [list ::namespace which -command [lindex $args 0]]]
        if {$cmd ne ""} {
            catch {uplevel 1 [lreplace $args 0 0 $cmd]} result opts
            dict incr opts -level
            return -options $opts $result
        }
    }
    tailcall ::yqbox::TclUnknown {*}$args
}

foreach yqbox::m $yqbox::core {
    yqbox::Source $yqbox::m
}
unset yqbox::m

# what the other modules declare (scripts/index.tcl): their config keys and variables
if {[file isfile [file join $yqbox::root gen index.tcl]] && !$yqbox::dev} {
    source -encoding utf-8 [file join $yqbox::root gen index.tcl]
} else {
    source -encoding utf-8 [yqbox::path scripts index.tcl]
    eval [yqbox::index::make [yqbox::path scripts] [lmap yqbox::m $yqbox::modules {
        expr {$yqbox::m in $yqbox::core ? [continue] : $yqbox::m}
    }]]
}
conf::early $yqbox::index::keys
foreach yqbox::m $yqbox::index::vars {
    namespace eval [namespace qualifiers $yqbox::m] {}
    trace add variable $yqbox::m read ::yqbox::LazyVar
}
foreach yqbox::m $yqbox::index::nouns {
    if {[info commands ::console::$yqbox::m] eq ""} {
        proc ::console::$yqbox::m {args} [list ::yqbox::LazyNoun $yqbox::m]
    }
}
unset yqbox::m
