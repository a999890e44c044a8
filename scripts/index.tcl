# index.tcl - the index of the modules yqbox sources on first use (scripts/main.tcl, issue 18).
#
# At start only the core modules are sourced; the others are sourced together the first time
# anything of theirs is needed (yqbox::loadAll). What must be known before that is collected from
# the modules' text, never kept by hand:
#   keys  the config keys the modules declare (each top-level `conf::key ...` command, as written),
#         so that appliance.conf is validated and `conf::get` answers without sourcing them; the
#         module's own declaration later must be the same (conf::key checks it);
#   vars  the variables their top-level `namespace eval` bodies declare (`variable NAME`), which
#         get a read trace that sources the modules before a script outside them reads one;
#   nouns the console commands they declare (`cmdlayer::noun NAME`, `cmdlayer::command NAME`),
#         each of which is a procedure ::console::NAME that sources them and runs the real one,
#         so a noun is there from the start even where Tcl has a command of that name (source).
# The build makes the index once with the host's tclsh (`tclsh scripts/index.tcl scripts` writes
# it; Makefile.in embeds it as gen/index.tcl); with --dev the binary makes it from the checkout at
# each start instead, so an edited module is never described by a stale index. The collection is
# textual on purpose (cheap and the same in both places): a declaration not written at the start of
# a line (a key declared by a procedure, as calendar::rule does) is simply not in the index, and
# reading it sources the modules first (conf.tcl), which is slower but never wrong.

namespace eval yqbox::index {}

# yqbox::index::listvar: the list NAME (modules: every module in order; core: those sourced at start)
# written as `variable NAME {...}` in MAINFILE (scripts/main.tcl), read without sourcing it.
# Errors when the file has no such list.
proc yqbox::index::listvar {mainfile name} {
    set f [open $mainfile r]
    fconfigure $f -encoding utf-8
    set text [read $f]
    close $f
    # (the braces written as \x7b and \x7d: this body's own braces must stay balanced)
    if {![regexp "\n    variable $name \\x7b(\[^\\x7d\]*)\\x7d" $text -> value]} {
        error "$mainfile: no list $name (variable $name {...})"
    }
    return [string trim $value]
}

# yqbox::index::make: the index of MODULES (file names relative to the directory DIR) as the text
# of a Tcl script setting ::yqbox::index::keys (the declarations, a list of commands),
# ::yqbox::index::vars (qualified variable names) and ::yqbox::index::nouns (console nouns).
# Reads the files; no other side effects.
proc yqbox::index::make {dir modules} {
    set keys {}
    set vars {}
    set nouns {}
    foreach m $modules {
        set f [open [file join $dir $m] r]
        fconfigure $f -encoding utf-8
        set text \n[read $f]\n
        close $f
        # where each such command starts (string first: much cheaper than a regexp over the file)
        set starts {}
        foreach word {conf::key namespace} {
            set at 0
            while {[set at [string first "\n$word " $text $at]] >= 0} { lappend starts [incr at] }
        }
        foreach word {cmdlayer::noun cmdlayer::command} {
            set at 0
            while {[set at [string first "\n$word " $text $at]] >= 0} {
                if {[regexp {^\S+ ([A-Za-z0-9_-]+) } [string range $text [incr at] $at+100] -> noun]
                        && $noun ni $nouns} {
                    lappend nouns $noun
                }
            }
        }
        set at 0
        foreach start [lsort -integer $starts] {
            if {$start < $at} { continue }
            set ns ""
            if {[string index $text $start] eq "n"
                    && ![regexp {^namespace eval ([A-Za-z0-9_:]+) \x7b} [string range $text $start $start+200] -> ns]} {
                continue
            }
            # the whole command: up to the line end that completes it (only a line that could end
            # it is tried: a closing brace at the start for a namespace, a line not continued for
            # a key)
            set at [string first \n $text $start]
            while {$at >= 0} {
                if {($ns ne "" || [string index $text $at-1] ne "\\")
                        && [info complete [string range $text $start $at]]} {
                    break
                }
                if {$ns ne "" && [set at [string first "\n\x7d" $text $at]] < 0} { break }
                set at [string first \n $text [expr {$at + 1}]]
            }
            if {$at < 0} { error "$m: the command at character $start does not end" }
            set cmd [string range $text $start $at-1]
            if {$ns eq ""} {
                lappend keys $cmd
                continue
            }
            set ns ::[string trimleft $ns :]
            foreach {- name} [regexp -all -inline -line {^    variable ([A-Za-z0-9_]+)} $cmd] {
                if {"${ns}::$name" ni $vars} { lappend vars ${ns}::$name }
            }
        }
    }
    return "# generated from the modules by scripts/index.tcl: do not edit\nnamespace eval ::yqbox::index {}\nset ::yqbox::index::keys [list $keys]\nset ::yqbox::index::vars [list $vars]\nset ::yqbox::index::nouns [list $nouns]\n"
}

# run as `tclsh scripts/index.tcl SCRIPTS-DIR` (the build): print the index of every module but the
# core ones
if {[info exists ::argv0] && [file tail $::argv0] eq "index.tcl" && [file tail [info script]] eq "index.tcl"
        && [llength $::argv] == 1 && ![info exists ::yqbox::root]} {
    set dir [lindex $::argv 0]
    set core [yqbox::index::listvar [file join $dir main.tcl] core]
    set lazy [lmap m [yqbox::index::listvar [file join $dir main.tcl] modules] {
        expr {$m in $core ? [continue] : $m}
    }]
    fconfigure stdout -encoding utf-8
    puts -nonewline [yqbox::index::make $dir $lazy]
}
