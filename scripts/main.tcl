# main.tcl - entry point of yqbox's bundled scripts.
#
# Sourced into every interpreter by the C side (tclcmds.c) with ::yqbox::root set to the directory
# that holds scripts/ and webroot/ (the embedded filesystem, or a checkout with --dev). It loads the
# modules below in order; each module declares its config keys, console commands and help lines.
# The command line is handled by yqbox::main (cli.tcl).

namespace eval yqbox {
    variable modules {
        conf.tcl
        help.tcl
        db.tcl
        cli.tcl
        analyse/sentiment.tcl
        analyse/terms.tcl
        analyse/rules.tcl
        analyse/route.tcl
        analyse/score.tcl
    }
}

# yqbox::path: the absolute path of a bundled file given relative to ::yqbox::root.
proc yqbox::path {args} {
    file join $::yqbox::root {*}$args
}

foreach yqbox::m $yqbox::modules {
    source -encoding utf-8 [yqbox::path scripts $yqbox::m]
}
unset yqbox::m
