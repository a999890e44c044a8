# console.tcl - the console's one command layer: every console command is declared once here or
# beside its code, and that declaration is its dispatch, its argument checks, its usage errors,
# its help and its line in docs/commands.md.
#
# Console commands are nouns with verbs (`source add`, `event claim`) or nouns alone (`dbcheck`).
# They live in the namespace ::console, so none of them shadows a Tcl command: the console REPL
# and `yqbox eval` evaluate what the administrator types in ::console (`source list` reaches the
# appliance's noun there, `::source FILE` is Tcl's); the global namespace has ::console on its
# path, so global scripts (`yqbox run` files, the control socket, timers) reach the nouns by their
# short names behind Tcl's own commands; code in other namespaces calls the nouns by full name
# (::console::unit add ...). A name no command has gets the nearest noun suggested
# (cmdlayer::Unknown, the unknown handler of ::console).
# The modules that declare most commands are sourced on first use (scripts/main.tcl): a noun not
# declared yet is an unknown command until then, and what needs every declaration (help, the
# list, a verb not declared yet) calls yqbox::loadAll first.
#
# The layer's own procedures live in ::cmdlayer (not in ::console, where the prompt would see
# them):
#   cmdlayer::noun NOUN HELP ?LONG? ?-default VERB? ?-hint CMD?
#       declares a noun with verbs (HELP one line of Chinese, LONG optional paragraphs).
#   cmdlayer::command NOUN VERB SPEC HELP ?LONG? BODY
#       declares NOUN VERB (VERB "" for a noun without verbs) with argument SPEC (below) and BODY,
#       which runs with one variable per spec element.
#   cmdlayer::external NOUN SYNOPSIS HELP
#       documents a command implemented elsewhere (the C commands, the database's ::db).
#
# A SPEC is a list of elements {NAME LABEL ?TYPE? ?DEFAULT?}, modelled on NaviServer's
# ns_parseargs: NAME is a positional argument, -NAME an option (its variable is NAME with "-"
# as "_"), `args` the rest of the words. LABEL is the Chinese placeholder shown in the usage.
# TYPE is text (default), int, date (YYYY-MM-DD), bool (0/1, normalised), flag (an option without
# value: 1 when given), choice(a|b|c), or elsewhere(VERB): an option that belongs to the noun's
# VERB, named in the error (and left out of the usage). A positional with a DEFAULT is optional;
# options are always optional (default "", or 0 for a flag); `args` takes a minimum count as its
# DEFAULT.
# Options may appear before, between or after the positional words; "--" ends them; a word like
# -5 is a positional number. Every usage error reads the same: "用法：NOUN VERB LABEL ...".

namespace eval cmdlayer {
    variable nouns {}   ;# noun -> dict help long default hint external synopsis verbs {verb -> dict spec help long}
}
namespace eval console { namespace unknown ::cmdlayer::Unknown }
namespace eval :: { namespace path ::console }
namespace eval cmdlayer::impl {}

# cmdlayer::noun: declare NOUN (a command with verbs) with its one-line HELP and optional LONG
# text; -default VERB runs VERB when NOUN is given no words; -hint CMD is called with an unknown
# verb and may return a message to show instead of the suggestion. Creates ::console::NOUN.
# Returns nothing.
proc cmdlayer::noun {noun help args} {
    variable nouns
    set long ""
    if {[llength $args] % 2} { set args [lassign $args long] }
    set o [dict merge {-default "" -hint ""} $args]
    set verbs [expr {[dict exists $nouns $noun verbs] ? [dict get $nouns $noun verbs] : {}}]
    dict set nouns $noun [dict create help $help long $long default [dict get $o -default] \
                              hint [dict get $o -hint] external 0 synopsis "" verbs $verbs]
    proc ::console::$noun {args} "[list ::cmdlayer::Dispatch $noun] \$args"
    return
}

# cmdlayer::external: document NOUN, a command defined elsewhere (C, or SQLite's ::db), with its
# SYNOPSIS and one-line HELP; its own argument checks apply. Returns nothing.
proc cmdlayer::external {noun synopsis help} {
    variable nouns
    dict set nouns $noun [dict create help $help long "" default "" hint "" external 1 synopsis $synopsis verbs {}]
    return
}

# cmdlayer::command: declare NOUN VERB (VERB "" = NOUN takes the arguments itself) with SPEC, HELP,
# optional LONG text and BODY (see the file comment). Creates the procedure that runs BODY
# (::cmdlayer::impl::NOUN.VERB) and, for a noun without verbs, ::console::NOUN. Errors for a
# malformed spec. Returns nothing. (The procedure's name has a dot so that no verb can hide a Tcl
# command from the bodies, which run in ::cmdlayer::impl.)
proc cmdlayer::command {noun verb spec help args} {
    variable nouns
    if {[llength $args] ni {1 2}} { error "cmdlayer::command NOUN VERB SPEC HELP ?LONG? BODY" }
    set body [lindex $args end]
    set long [expr {[llength $args] == 2 ? [lindex $args 0] : ""}]
    set names {}
    foreach el $spec {
        lassign $el name label type
        if {$label eq ""} { error "console $noun $verb: $name has no label" }
        if {$type eq ""} { set type text }
        if {![regexp {^(text|int|date|bool|flag|choice\([^|)]+(\|[^|)]+)*\)|elsewhere\([^)]+\))$} $type]} {
            error "console $noun $verb: $name has an unknown type \"$type\""
        }
        lappend names [VarName $name]
    }
    if {"args" in [lrange $names 0 end-1]} { error "console $noun $verb: args goes last in a spec" }
    if {$verb eq ""} {
        dict set nouns $noun [dict create help $help long $long default "" hint "" external 0 synopsis "" \
                                  verbs [dict create "" [dict create spec $spec help $help long $long]]]
        proc ::console::$noun {args} "[list ::cmdlayer::Call $noun ""] \$args"
        set impl _
    } else {
        if {![dict exists $nouns $noun]} { error "console $noun $verb: declare the noun first (cmdlayer::noun)" }
        dict set nouns $noun verbs $verb [dict create spec $spec help $help long $long]
        set impl $verb
    }
    proc ::cmdlayer::impl::$noun.$impl $names $body
    return
}

# cmdlayer::VarName: the variable of spec element NAME (-reply-by -> reply_by).
proc cmdlayer::VarName {name} {
    string map {- _} [string trimleft $name -]
}

# cmdlayer::Dispatch: run NOUN's verb named by the first word of ARGV. Errors (in Chinese) when
# the verb is missing or unknown, suggesting the nearest.
proc cmdlayer::Dispatch {noun argv} {
    variable nouns
    if {![llength $argv] || ![dict exists $nouns $noun verbs [lindex $argv 0]]} { yqbox::loadAll }
    set verbs [dict get $nouns $noun verbs]
    if {![llength $argv]} {
        set d [dict get $nouns $noun default]
        if {$d eq ""} {
            return -code error -errorcode {YQBOX USAGE} \
                "用法：$noun 子命令 ?参数 ...?，子命令有 [join [dict keys $verbs] 、]（help $noun 查看用法）"
        }
        set argv [list $d]
    }
    set argv [lassign $argv verb]
    if {![dict exists $verbs $verb]} {
        set hint [dict get $nouns $noun hint]
        if {$hint ne "" && [set msg [{*}$hint $verb]] ne ""} {
            return -code error -errorcode {YQBOX USAGE} $msg
        }
        set near [Nearest $verb [dict keys $verbs]]
        if {$near ne ""} {
            return -code error -errorcode {YQBOX USAGE} "未知命令 \"$noun $verb\"，是否要输入 $noun $near？"
        }
        return -code error -errorcode {YQBOX USAGE} \
            "未知命令 \"$noun $verb\"：$noun 的子命令有 [join [dict keys $verbs] 、]（help $noun 查看用法）"
    }
    tailcall ::cmdlayer::Call $noun $verb $argv
}

# cmdlayer::Call: check ARGV against NOUN VERB's spec and run its body with the values.
proc cmdlayer::Call {noun verb argv} {
    set values [Parse $noun $verb $argv]
    if {[lindex [spec $noun $verb] end 0] eq "args"} {
        set values [concat [lrange $values 0 end-1] [lindex $values end]]
    }
    tailcall ::cmdlayer::impl::$noun.[expr {$verb eq "" ? "_" : $verb}] {*}$values
}

# cmdlayer::spec: the spec of NOUN VERB. Errors for an undeclared command.
proc cmdlayer::spec {noun verb} {
    variable nouns
    if {![dict exists $nouns $noun verbs $verb]} { yqbox::loadAll }
    if {![dict exists $nouns $noun verbs $verb]} { yq::fail console.none [string trim "$noun $verb"] }
    dict get $nouns $noun verbs $verb spec
}

# cmdlayer::Parse: ARGV checked against NOUN VERB's spec. Returns the values in spec order
# (defaults filled in); errors with the usage (errorcode YQBOX USAGE) otherwise. SKIP leading
# positional elements of the spec are not in ARGV (they were taken by the caller).
proc cmdlayer::Parse {noun verb argv {skip 0}} {
    set spec [lrange [spec $noun $verb] $skip end]
    set options {}
    set positional {}
    set rest ""
    foreach el $spec {
        lassign $el name label type
        if {$name eq "args"} {
            set rest $el
        } elseif {[string match -* $name]} {
            dict set options $name $el
        } else {
            lappend positional $el
        }
    }
    set values {}
    set words {}
    set ended 0
    for {set i 0} {$i < [llength $argv]} {incr i} {
        set a [lindex $argv $i]
        if {!$ended && $a eq "--"} { set ended 1; continue }
        if {!$ended && [regexp {^-[A-Za-z]} $a]} {
            if {![dict exists $options $a]} {
                Fail $noun $verb $argv "未知选项 \"$a\"；"
            }
            lassign [dict get $options $a] name label type
            if {$type eq "flag"} { dict set values $name 1; continue }
            if {[regexp {^elsewhere\((.*)\)$} $type -> other]} {
                set otherHelp [dict get $::cmdlayer::nouns $noun verbs $other help]
                return -code error -errorcode {YQBOX USAGE} \
                    "$a 不是 $noun $verb 的选项：请用 $noun $other（$otherHelp），用法：[usage $noun $other]"
            }
            if {$i + 1 >= [llength $argv]} { Fail $noun $verb $argv "选项 $a 缺少值；" }
            dict set values $name [Check $a [lindex $argv [incr i]] $type]
            continue
        }
        lappend words $a
    }
    set required [llength [lsearch -all -exact [lmap el $positional {expr {[llength $el] >= 4}}] 0]]
    if {[llength $words] < $required || ($rest eq "" && [llength $words] > [llength $positional])} {
        Fail $noun $verb $argv
    }
    set out {}
    foreach el $spec {
        lassign $el name label type default
        if {$type eq ""} { set type text }
        if {$name eq "args"} {
            if {[llength $words] < max(0, $default eq "" ? 0 : $default)} { Fail $noun $verb $argv }
            lappend out [lmap w $words { Check $label $w $type }]
        } elseif {[string match -* $name]} {
            lappend out [expr {[dict exists $values $name] ? [dict get $values $name] : ($type eq "flag" ? 0 : $default)}]
        } elseif {[llength $words]} {
            set words [lassign $words w]
            lappend out [Check $label $w $type]
        } else {
            lappend out $default
        }
    }
    return $out
}

# cmdlayer::args: ARGV checked against NOUN VERB's spec (SKIP leading positionals not in ARGV), as
# a dict variable -> value (see cmdlayer::Parse). For procedures that receive a command's words
# from more than the console (the workflow's transitions).
proc cmdlayer::args {noun verb argv {skip 0}} {
    set out {}
    foreach el [lrange [spec $noun $verb] $skip end] v [Parse $noun $verb $argv $skip] {
        dict set out [VarName [lindex $el 0]] $v
    }
    return $out
}

# cmdlayer::argv: the words that reproduce the values of NOUN VERB's spec elements (SKIP leading
# positionals left out) held in the caller's variables: options first, then "--" and the
# positional words. For a body that hands its arguments on to code taking them as words.
proc cmdlayer::argv {noun verb {skip 0}} {
    set opts {}
    set words {}
    foreach el [lrange [spec $noun $verb] $skip end] {
        lassign $el name label type default
        upvar 1 [VarName $name] v
        if {$name eq "args"} {
            lappend words {*}$v
        } elseif {[string match elsewhere* $type]} {
            continue
        } elseif {$type eq "flag"} {
            if {$v} { lappend opts $name }
        } elseif {[string match -* $name]} {
            if {$v ne $default} { lappend opts $name $v }
        } else {
            lappend words $v
        }
    }
    concat $opts [list --] $words
}

# cmdlayer::Check: VALUE of the argument WHO (option or label) as TYPE wants it (bool -> 0/1).
# Errors in Chinese naming the values the type accepts.
proc cmdlayer::Check {who value type} {
    switch -regexp -matchvar m -- $type {
        {^int$} {
            if {![string is entier -strict $value]} { Bad $who $value 整数 }
        }
        {^bool$} {
            if {![string is boolean -strict $value]} { Bad $who $value "0 或 1" }
            return [expr {$value ? 1 : 0}]
        }
        {^date$} {
            if {![regexp {^\d{4}-\d\d-\d\d$} $value]
                || [catch {clock format [clock scan $value -format %Y-%m-%d] -format %Y-%m-%d} d] || $d ne $value} {
                Bad $who $value "日期（年-月-日，如 2026-03-02）"
            }
        }
        {^choice\((.*)\)$} {
            set choices [split [lindex $m 1] |]
            if {$value ni $choices} { Bad $who $value [Or $choices] }
        }
    }
    return $value
}

# cmdlayer::Bad: error "WHO 的值 "VALUE" 无效，应为 WANT".
proc cmdlayer::Bad {who value want} {
    if {[string length $value] > 60} { set value "[string range $value 0 59]…" }
    return -level 2 -code error -errorcode {YQBOX USAGE} "$who 的值 \"$value\" 无效，应为 $want"
}

# cmdlayer::Or: the words of LIST as Chinese alternatives: "a、b 或 c".
proc cmdlayer::Or {list} {
    if {[llength $list] < 2} { return [join $list] }
    return "[join [lrange $list 0 end-1] 、] 或 [lindex $list end]"
}

# cmdlayer::Fail: error with NOUN VERB's usage after PREFIX (see cmdlayer::Wrong), or, when a word
# of ARGV starts or ends with a single quote (a shell habit), with the reason instead.
proc cmdlayer::Fail {noun verb argv {prefix ""}} {
    if {[lsearch -regexp $argv {^'|'$}] >= 0} {
        return -level 2 -code error -errorcode {YQBOX USAGE} \
            "控制台是 Tcl：含空格的值请用花括号括起，不用单引号，例如 -password {a long password}"
    }
    return -level 2 -code error -errorcode {YQBOX USAGE} "${prefix}用法：[usage $noun $verb]"
}

# cmdlayer::Wrong: error with NOUN VERB's usage, after PREFIX (errorcode YQBOX USAGE). For
# declared commands whose bodies find a combination of words the spec cannot express.
proc cmdlayer::Wrong {noun verb {prefix ""}} {
    return -level 2 -code error -errorcode {YQBOX USAGE} "${prefix}用法：[usage $noun $verb]"
}
interp alias {} cmdlayer::wrong {} cmdlayer::Wrong

# cmdlayer::commands: every declared console command as a flat list NOUN VERB ... (VERB "" for a
# noun without verbs; commands documented by cmdlayer::external are not in it).
proc cmdlayer::commands {} {
    yqbox::loadAll
    variable nouns
    set out {}
    foreach noun [lsort [dict keys $nouns]] {
        foreach verb [dict keys [dict get $nouns $noun verbs]] { lappend out $noun $verb }
    }
    return $out
}

# cmdlayer::usage: the usage line of NOUN VERB, e.g. "source add 标识 类型 网址 ?-tier 类别?".
proc cmdlayer::usage {noun verb} {
    if {![dict exists $::cmdlayer::nouns $noun]} { yqbox::loadAll }
    variable nouns
    if {[dict get $nouns $noun external]} { return [string trim "$noun [dict get $nouns $noun synopsis]"] }
    set out [list {*}$noun {*}[expr {$verb eq "" ? "" : [list $verb]}]]
    foreach el [spec $noun $verb] {
        lassign $el name label type default
        if {$name eq "args"} {
            lappend out {*}[expr {$default ne "" && $default > 0 ? [list $label] : {}}] "?$label ...?"
        } elseif {[string match elsewhere* $type]} {
            continue
        } elseif {$type eq "flag"} {
            lappend out "?$name?"
        } elseif {[string match -* $name]} {
            lappend out "?$name $label?"
        } elseif {[llength $el] >= 4} {
            lappend out "?$label?"
        } else {
            lappend out $label
        }
    }
    join $out " "
}

# cmdlayer::Choices: lines naming the accepted values of NOUN VERB's choice and typed arguments.
proc cmdlayer::Choices {noun verb} {
    set out {}
    foreach el [spec $noun $verb] {
        lassign $el name label type default
        set who [expr {[string match -* $name] ? "$name $label" : $label}]
        if {[string match elsewhere* $type]} {
            continue
        } elseif {[regexp {^choice\((.*)\)$} $type -> c]} {
            lappend out "$who：[Or [split $c |]][expr {$default ne "" ? "（默认 $default）" : ""}]"
        } elseif {$type in {int date bool}} {
            lappend out "$who：[dict get {int 整数 date 日期（年-月-日） bool {0 或 1}} $type][expr {$default ne "" ? "（默认 $default）" : ""}]"
        } elseif {$default ne "" && $name ne "args"} {
            lappend out "$who：默认 $default"
        }
    }
    return $out
}

# cmdlayer::Nearest: the word of CANDIDATES nearest to WORD (edit distance at most a third of
# its length, at least 1; or the only one it begins), "" when none is near.
proc cmdlayer::Nearest {word candidates} {
    set best ""
    set bestd [expr {max(1, [string length $word] / 3) + 1}]
    foreach c $candidates {
        if {$c eq ""} { continue }
        set d [Distance $word $c]
        if {$d < $bestd} { set best $c; set bestd $d }
    }
    if {$best eq ""} {
        set p [lsearch -all -inline -glob $candidates [string map {* \\* ? \\? [ \\[ \\ \\\\} $word]*]
        if {[llength $p] == 1 && $word ne ""} { set best [lindex $p 0] }
    }
    return $best
}

# cmdlayer::Distance: the edit distance between strings A and B (Levenshtein, with a swap of two
# neighbouring characters counted as one edit: "exti" is one from "exit").
proc cmdlayer::Distance {a b} {
    set a [split $a ""]
    set b [split $b ""]
    set n [llength $b]
    set rows [list [lsearch -all [lrepeat [expr {$n + 1}] x] x]]
    for {set i 1} {$i <= [llength $a]} {incr i} {
        set ca [lindex $a [expr {$i - 1}]]
        set prev [lindex $rows end]
        set cur [list $i]
        for {set j 1} {$j <= $n} {incr j} {
            set cb [lindex $b [expr {$j - 1}]]
            set d [expr {min([lindex $prev $j] + 1, [lindex $cur end] + 1, [lindex $prev [expr {$j - 1}]] + ($ca ne $cb))}]
            if {$i > 1 && $j > 1 && $ca eq [lindex $b [expr {$j - 2}]] && [lindex $a [expr {$i - 2}]] eq $cb} {
                set d [expr {min($d, [lindex $rows end-1 [expr {$j - 2}]] + 1)}]
            }
            lappend cur $d
        }
        lappend rows $cur
    }
    lindex $rows end end
}

# cmdlayer::Unknown: the unknown-command handler of ::console: Tcl's own ::unknown first (it loads
# the library's commands); a name it cannot find gets a Chinese message suggesting the nearest
# console command.
proc cmdlayer::Unknown {args} {
    variable nouns
    set name [lindex $args 0]
    if {![catch {uplevel 1 [list ::unknown {*}$args]} r o]} { return $r }
    if {![string match "invalid command name*" $r]} { return -options $o $r }
    yqbox::loadAll
    set near [Nearest $name [dict keys $nouns]]
    if {$near ne ""} {
        return -code error -errorcode [list TCL LOOKUP COMMAND $name] "未知命令 \"$name\"，是否要输入 $near？"
    }
    return -code error -errorcode [list TCL LOOKUP COMMAND $name] "未知命令 \"$name\"（help 列出全部命令）"
}

# cmdlayer::helpText: the help for NOUN and VERB ("" for all), as text (see the help command).
proc cmdlayer::helpText {{noun ""} {verb ""}} {
    yqbox::loadAll
    variable nouns
    if {$noun eq ""} {
        set out {}
        foreach n [lsort [dict keys $nouns]] {
            lappend out [format "%-12s %s" $n [dict get $nouns $n help]]
        }
        lappend out "" "help 命令 列出其子命令；help 命令 子命令 显示用法与可用的值。"
        return [join $out \n]
    }
    if {![dict exists $nouns $noun]} {
        set near [Nearest $noun [dict keys $nouns]]
        error "没有命令 \"$noun\"[expr {$near ne "" ? "，是否要输入 $near？" : "（help 列出全部命令）"}]"
    }
    set n [dict get $nouns $noun]
    set verbs [dict get $n verbs]
    if {$verb eq "" && ![dict exists $verbs ""]} {
        set out [list "$noun：[dict get $n help]"]
        if {[dict get $n long] ne ""} { lappend out [dict get $n long] }
        if {[dict get $n external]} {
            lappend out "用法：[usage $noun ""]"
        } else {
            lappend out ""
            foreach v [dict keys $verbs] {
                lappend out "  [usage $noun $v]" "      [dict get $verbs $v help]"
            }
        }
        return [join $out \n]
    }
    if {![dict exists $verbs $verb]} {
        set near [Nearest $verb [dict keys $verbs]]
        error "没有命令 \"$noun $verb\"[expr {$near ne "" ? "，是否要输入 $noun $near？" : "（help $noun 列出子命令）"}]"
    }
    set v [dict get $verbs $verb]
    set out [list "用法：[usage $noun $verb]" [dict get $v help]]
    if {[dict get $v long] ne ""} { lappend out [dict get $v long] }
    foreach c [Choices $noun $verb] { lappend out "  $c" }
    join $out \n
}

# cmdlayer::doc: docs/commands.md, every console command with its usage, help and accepted values,
# generated from the declarations; with FILE, written there (UTF-8) and nothing returned.
proc cmdlayer::doc {{file ""}} {
    yqbox::loadAll
    variable nouns
    set out [list "# Console commands" "" \
        "Generated by `yqbox --dev . eval {cmdlayer::doc docs/commands.md}` from the declarations" \
        "(cmdlayer::noun, cmdlayer::command, cmdlayer::external in scripts/); do not edit." "" \
        "At the console (`yqbox console`) and in `yqbox eval`, commands are evaluated in the namespace" \
        "::console, so Tcl's own commands keep their meaning under their full names (\`::source FILE\`)." \
        "`help`, `help 命令` and `help 命令 子命令` show the same text." ""]
    foreach noun [lsort [dict keys $nouns]] {
        set n [dict get $nouns $noun]
        lappend out "## $noun" ""
        if {![dict exists $n verbs ""]} {
            lappend out [dict get $n help] ""
            if {[dict get $n long] ne ""} { lappend out [dict get $n long] "" }
        }
        if {[dict get $n external]} {
            lappend out "    [usage $noun {}]" ""
            continue
        }
        dict for {verb v} [dict get $n verbs] {
            lappend out "    [usage $noun $verb]" "" [dict get $v help]
            if {[dict get $v long] ne ""} { lappend out "" [dict get $v long] }
            set c [Choices $noun $verb]
            if {[llength $c]} { lappend out "" {*}[lmap l $c { string cat "- " $l }] }
            lappend out ""
        }
    }
    set text "[string trimright [join $out \n]]\n"
    if {$file eq ""} { return $text }
    set f [open $file w]
    fconfigure $f -encoding utf-8
    puts -nonewline $f $text
    close $f
    return
}

cmdlayer::command help "" {{noun 命令 text ""} {verb 子命令 text ""}} \
    "列出控制台命令；给出命令（及子命令）时显示其用法与可用的值" {
    cmdlayer::helpText $noun $verb
}

cmdlayer::command exit "" {{code 退出码 int 0}} \
    "退出控制台（连接到运行中的服务时只退出控制台，服务继续运行）" {
    ::exit $code
}
