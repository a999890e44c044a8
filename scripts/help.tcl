# help.tcl - the console's command index.
#
# Each module registers its console commands with `help::add NAME SYNOPSIS TEXT` beside their
# definitions; `help` lists them one line each and `help NAME` shows one in full. The same
# registry documents the commands elsewhere (README, web pages later).

namespace eval help {
    variable entries
    array set entries {}
}

# help::add: register console command NAME with its SYNOPSIS (arguments) and a one-line TEXT.
# Returns nothing; a second registration of the same name replaces the first.
proc help::add {name synopsis text} {
    variable entries
    set entries($name) [list $synopsis $text]
    return
}

# help: with no argument, every registered command with its synopsis and one line; with NAME, that
# command's synopsis and description. Errors for an unknown name.
proc ::help {{name ""}} {
    variable ::help::entries
    if {$name ne ""} {
        if {![info exists entries($name)]} {
            error "no help for \"$name\": 'help' lists the commands"
        }
        lassign $entries($name) synopsis text
        return "$name $synopsis\n    $text"
    }
    set width 0
    foreach n [array names entries] {
        set w [string length "$n [lindex $entries($n) 0]"]
        if {$w > $width && $w < 48} { set width $w }
    }
    set out {}
    foreach n [lsort [array names entries]] {
        lassign $entries($n) synopsis text
        lappend out [format "%-*s  %s" $width [string trimright "$n $synopsis"] $text]
    }
    join $out \n
}

help::add help {?COMMAND?} "列出控制台命令；给出命令名时显示该命令的用法"
help::add exit {?CODE?} "退出控制台"
