# conf.tcl - yqbox's configuration: every key declared once, appliance.conf loaded and validated.
#
# A key is declared with `conf::key NAME TYPE DEFAULT HELP` in the module that uses it; the
# declaration is the documentation (`yqbox config`, the default appliance.conf written by `init`).
# appliance.conf is Tcl syntax: one command per key, `NAME VALUE`. It is evaluated command by
# command in a safe interpreter where each declared key is a command, so comments, braces, quotes
# and even `set`/`expr`/`if` work, while an unknown key, a wrong type or a syntax error is reported as
# FILE:LINE: message. Loading is all or nothing: on any error no value changes.
#
# Types: string, path (relative to the config file's directory), boolean, {integer MIN MAX},
# {number MIN MAX}, {enum A B ...}, list, hhmm (time of day), addr (HOST:PORT, or empty = off),
# baseurl (https://HOST or https://HOST:PORT, http too, no path; empty = unset),
# url (an http:// or https:// URL without spaces, at most 2000 characters; empty = unset),
# {block VALIDATOR}: a repeatable key `KEY NAME {field value ...}` whose value is the dict of all
# its blocks by name; VALIDATOR NAME BODY is called for each (an error names file and line).

namespace eval conf {
    variable decl   ;# name -> dict type default help
    variable order {}
    variable value  ;# name -> effective value (normalized)
    variable origin ;# name -> where the value came from: default, FILE:LINE, or console
    variable file {}
    variable overlay {}   ;# key -> value given by the box's setup (conf::overlay)
    variable lazy         ;# key -> command to run before its first read (conf::lazy)
    variable early        ;# key -> 1 while declared from the index only (conf::early)
    variable declared {}  ;# the keys in the order their modules declared them
    array set lazy {}
    array set early {}
    array set decl {}
    array set value {}
    array set origin {}
}

# conf::key: declare a config key. Returns nothing; sets its value to the default. Errors if the
# name is declared twice or the default does not fit the type (a bug in the declaration). With
# -more CMD, the result of CMD (evaluated at global level whenever the help is shown) is appended
# to HELP: for help that names what other modules register later (the source types).
# A key declared early from the index (conf::early) is declared again by its module when that is
# sourced: then nothing changes (its value may come from the config file already), and the two
# declarations must be the same.
proc conf::key {name type default help args} {
    variable decl
    variable order
    variable value
    variable origin
    variable early
    variable declared
    variable Early
    if {[llength $args] ni {0 2} || ([llength $args] == 2 && [lindex $args 0] ne "-more")} {
        error "usage: conf::key NAME TYPE DEFAULT HELP ?-more CMD?"
    }
    set norm [check $type $default]
    set d [dict create type $type default $norm help $help more [lindex $args 1]]
    if {[info exists early($name)] && ![info exists Early]} {
        if {$decl($name) ne $d} {
            error "config key $name: its declaration differs from the index made from the modules (scripts/index.tcl); rebuild"
        }
        unset early($name)
        lappend declared $name
        return
    }
    if {[info exists decl($name)]} {
        error "config key $name declared twice"
    }
    set decl($name) $d
    lappend order $name
    set value($name) $norm
    set origin($name) default
    if {[info exists Early]} { set early($name) 1 } else { lappend declared $name }
    return
}

# conf::early: declare the keys of the modules not sourced yet from the index (scripts/index.tcl):
# DECLARATIONS is the list of their conf::key commands as written. Returns nothing.
proc conf::early {declarations} {
    variable Early 1
    try {
        foreach cmd $declarations { uplevel #0 $cmd }
    } finally {
        unset Early
    }
    return
}

# conf::settle: once every module is sourced (yqbox::loadAll), put the keys in the order their
# modules declared them (the index cannot know keys declared by a procedure, which come last
# until then). Errors when a key of the index was not declared by any module (a stale index).
proc conf::settle {} {
    variable early
    variable order
    variable declared
    if {[array size early]} {
        error "config keys [lsort [array names early]] are in the index but no module declares them; rebuild"
    }
    set order $declared
    return
}

# conf::Complete: make sure every module has declared its keys (yqbox::loadAll) before a question
# about all keys or about a key not declared yet. Returns nothing.
proc conf::Complete {} {
    if {[info commands ::yqbox::loadAll] ne ""} { ::yqbox::loadAll }
    return
}

# conf::check: validate VALUE against TYPE. Returns the normalized value; errors with a message
# that says what was expected.
proc conf::check {type value} {
    set kind [lindex $type 0]
    switch -- $kind {
        string - path {
            return $value
        }
        block {
            if {[catch {dict size $value}]} { yq::fail conf.block }
            return $value
        }
        list {
            if {[catch {llength $value}]} { yq::fail conf.list $value }
            return $value
        }
        boolean {
            if {![string is boolean -strict $value]} {
                yq::fail conf.boolean $value
            }
            return [expr {$value ? 1 : 0}]
        }
        integer - number {
            lassign $type - min max
            set test [expr {$kind eq "integer" ? "entier" : "double"}]
            if {![string is $test -strict $value]} { yq::fail conf.$kind $value }
            if {($min ne "" && $value < $min) || ($max ne "" && $value > $max)} {
                yq::fail conf.range $value [expr {$min eq "" ? "-∞" : $min}] [expr {$max eq "" ? "∞" : $max}]
            }
            return [expr {$kind eq "integer" ? entier($value) : double($value)}]
        }
        enum {
            set allowed [lrange $type 1 end]
            if {$value ni $allowed} { yq::fail conf.enum $value [join $allowed 、] }
            return $value
        }
        hhmm {
            if {![regexp {^([01]?\d|2[0-4]):([0-5]\d)$} $value -> h m] || ($h == 24 && $m != 0)} {
                yq::fail conf.hhmm $value
            }
            return [format %02d:%02d [scan $h %d] [scan $m %d]]
        }
        addr {
            if {$value eq ""} { return "" }
            if {![regexp {^(\[[0-9a-fA-F:.]+\]|[^:\s]*):(\d+)$} $value -> host port]
                || $port < 1 || $port > 65535} {
                yq::fail conf.addr $value
            }
            return $value
        }
        baseurl {
            if {$value eq ""} { return "" }
            if {![regexp {^(https?)://([A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\])(:(\d+))?/?$} $value -> scheme host - port]
                || [string length $host] > 200 || ($port ne "" && ($port < 1 || $port > 65535))} {
                yq::fail conf.baseurl $value
            }
            return [string tolower [string trimright $value /]]
        }
        url {
            if {$value eq ""} { return "" }
            if {![regexp {^https?://[^\s/?#]+[^\s]*$} $value] || [string length $value] > 2000} {
                yq::fail conf.url $value
            }
            return $value
        }
        default {
            error "unknown config type $kind"
        }
    }
}

# conf::get: the effective value of a declared key; errors for an undeclared one. The first read of
# a key named by conf::lazy runs its command first.
proc conf::get {name} {
    variable value
    variable lazy
    if {[array size lazy] && ([info exists lazy($name)] || [info exists lazy(*)])} {
        set cmd [expr {[info exists lazy($name)] ? $lazy($name) : $lazy(*)}]
        array unset lazy
        uplevel #0 $cmd
    }
    if {![info exists value($name)]} {
        Complete
        if {![info exists value($name)]} { yq::fail conf.unknown $name }
    }
    return $value($name)
}

# conf::lazy: run CMD (at global level, once) before the first conf::get of any of KEYS (* for any
# key): the setup's values (conf::overlay) are read from the database only when a script needs
# them. Returns nothing.
proc conf::lazy {keys cmd} {
    variable lazy
    foreach k $keys { set lazy($k) $cmd }
}

# conf::path: the value of a path key made absolute (relative to the config file's directory, or
# to the working directory when there is no config file). Empty stays empty.
proc conf::path {name} {
    variable file
    set v [get $name]
    if {$v eq "" || [file pathtype $v] eq "absolute"} { return $v }
    set base [expr {$file eq "" ? [pwd] : [file dirname $file]}]
    return [file normalize [file join $base $v]]
}

# conf::load: read and validate FILE; on success replace the values from any earlier file and
# return the number of keys set. On any error, change nothing and raise "FILE:LINE: message".
proc conf::load {fname} {
    variable decl
    set n [array size decl]
    try {
        Load $fname
    } trap {YQBOX conf.nokey} {msg opts} {
        # a key no module has declared yet: have them all declared and try again
        Complete
        if {[array size decl] == $n} { return -options $opts $msg }
        Load $fname
    }
}

# conf::Load: conf::load, with the keys declared so far.
proc conf::Load {fname} {
    variable decl
    variable value
    variable origin
    variable current
    variable file
    if {[catch {open $fname r} chan]} {
        yq::fail conf.noread $fname [string trim [lindex [split $chan :] end]]
    }
    fconfigure $chan -encoding utf-8
    set text [read $chan]
    close $chan

    # Each declared key is a procedure in a safe interpreter that records its arguments and the
    # line it was called from; so do unknown names. Validation happens here, with the line known.
    set safe [interp create -safe]
    set pending [dict create]
    try {
        foreach cmd [$safe eval {info commands}] {
            if {$cmd ni {set expr list concat string format lindex llength join split incr if
                         append lappend info proc}} {
                $safe hide $cmd
            }
        }
        $safe alias ::__record ::conf::Record
        foreach name [array names decl] {
            $safe eval [list proc $name args "::__record [list $name] \$args \[info frame -1\]"]
        }
        $safe eval {proc unknown {name args} { ::__record {} [list $name] [info frame -1] }}
        $safe hide proc
        set lineno 1
        set cmd ""
        set start 1
        foreach line [split $text \n] {
            if {$cmd eq ""} { set start $lineno }
            append cmd $line \n
            incr lineno
            if {![info complete $cmd]} { continue }
            if {[string trim $cmd] ne "" && ![string match #* [string trimleft $cmd]]} {
                set current {}
                if {[catch {$safe eval $cmd} msg opts]} {
                    yq::fail conf.syntax $fname:[expr {$start + [dict get $opts -errorline] - 1}] $msg
                }
                foreach {k v frame} $current {
                    set at $start
                    if {[dict exists $frame line] && [dict get $frame type] eq "eval"} {
                        set at [expr {$start + [dict get $frame line] - 1}]
                    }
                    if {$k eq ""} {
                        yq::fail conf.nokey $fname:$at [lindex $v 0]
                    }
                    set type [dict get $decl($k) type]
                    if {[lindex $type 0] eq "block"} {
                        # a repeatable key: KEY NAME {field value ...}, checked by its validator
                        if {[llength $v] != 2} {
                            yq::fail conf.blockargs $fname:$at $k
                        }
                        lassign $v bname body
                        if {[catch {dict size $body}]} {
                            yq::fail conf.blockbody $fname:$at $k $bname
                        }
                        set blocks [expr {[dict exists $pending $k] ? [lindex [dict get $pending $k] 0] : {}}]
                        if {[dict exists $blocks $bname]} {
                            yq::fail conf.blocktwice $fname:$at $k $bname
                        }
                        if {[lindex $type 1] ne "" && [catch {{*}[lindex $type 1] $bname $body} msg]} {
                            yq::fail conf.blockbad $fname:$at $k $bname $msg
                        }
                        dict set blocks $bname $body
                        dict set pending $k [list $blocks "$fname:$at"]
                        continue
                    }
                    if {[llength $v] != 1} {
                        yq::fail conf.onevalue $fname:$at $k [llength $v]
                    }
                    if {[catch {check [dict get $decl($k) type] [lindex $v 0]} norm]} {
                        yq::fail conf.badvalue $fname:$at $k $norm
                    }
                    dict set pending $k [list $norm "$fname:$at"]
                }
            }
            set cmd ""
        }
        if {$cmd ne ""} {
            yq::fail conf.incomplete $fname:$start
        }
    } finally {
        interp delete $safe
    }
    # commit: a key not mentioned in the new file goes back to its default
    set file [file normalize $fname]
    foreach name [array names decl] {
        set value($name) [dict get $decl($name) default]
        set origin($name) default
    }
    dict for {k vo} $pending {
        lassign $vo value($k) origin($k)
    }
    Overlay
    return [dict size $pending]
}

# conf::overlay: the values the box's first-run setup gave (county.tcl), a dict key -> value: they
# replace the defaults of keys the config file does not set (origin "setup"); a key left out goes
# back to its default. Kept across conf::load. Returns nothing.
proc conf::overlay {d} {
    variable overlay
    variable decl
    dict for {k v} $d {
        if {![info exists decl($k)]} { yq::fail conf.unknown $k }
    }
    set overlay $d
    Overlay
}

# conf::Overlay: apply the setup's values (conf::overlay) to the keys whose value is the default or
# came from the setup. Returns nothing.
proc conf::Overlay {} {
    variable overlay
    variable decl
    variable value
    variable origin
    foreach name [array names origin] {
        if {$origin($name) eq "setup"} {
            set value($name) [dict get $decl($name) default]
            set origin($name) default
        }
    }
    dict for {k v} $overlay {
        if {$origin($k) eq "default"} {
            set value($k) $v
            set origin($k) setup
        }
    }
}

# conf::Record: called from the config interpreter for every key (and, with NAME empty, every
# unknown command): remembers name, arguments and call frame for conf::load to validate.
proc conf::Record {name args frame} {
    variable current
    lappend current $name $args $frame
    return
}

# conf::change: change a key at run time (console); validates, returns the normalized value.
proc conf::change {name newvalue} {
    variable decl
    variable value
    variable origin
    if {![info exists decl($name)]} { Complete }
    if {![info exists decl($name)]} { yq::fail conf.unknown $name }
    set norm [check [dict get $decl($name) type] $newvalue]
    set value($name) $norm
    set origin($name) console
    return $norm
}

# conf::help: the help text of declared key NAME (its HELP, then what its -more command adds).
proc conf::help {name} {
    variable decl
    set d $decl($name)
    set text [dict get $d help]
    if {[dict get $d more] ne ""} { append text [uplevel #0 [dict get $d more]] }
    return $text
}

# conf::describe: the text `yqbox config` prints: every key with value, default, origin and help.
proc conf::describe {} {
    Complete
    variable decl
    variable order
    variable value
    variable origin
    set out {}
    foreach name $order {
        set d $decl($name)
        lappend out [format "%s %s" $name [Quote $value($name)]]
        set from [expr {[yq::has conf.from.$origin($name)] ? [yq::mc conf.from.$origin($name)] : $origin($name)}]
        lappend out "    # [yq::mc conf.describe [help $name] [lindex [dict get $d type] 0] \
            [Quote [dict get $d default]] $from]"
    }
    join $out \n
}

# conf::template: the text of a default appliance.conf: every key commented out with its help.
proc conf::template {} {
    Complete
    variable decl
    variable order
    set out [list "# [yq::mc conf.template1]" "# [yq::mc conf.template2]" "# [yq::mc conf.template3]" ""]
    foreach name $order {
        set d $decl($name)
        lappend out "# [help $name]（[dict get $d type]）"
        lappend out "# $name [Quote [dict get $d default]]" ""
    }
    join $out \n
}

# conf::Quote: VALUE as a Tcl word that reads back as itself ("" for empty).
proc conf::Quote {v} {
    if {$v eq ""} { return {""} }
    return [list $v]
}

conf::key datadir path "" \
    "数据目录（数据库、证书、日志），相对路径以本配置文件所在目录为准"
conf::key timezone string Asia/Shanghai \
    "显示和计算所有日期所用的时区（使用内置时区数据）"
conf::key log_level {enum debug info warning error} info \
    "写入标准错误的日志的最低级别"
