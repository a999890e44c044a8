# terms.tcl - the named term lists of the analysis (region, topics, units, exclusions) and their
# matchers.
#
# The bundled lists are the files in scripts/analyse/terms/ (written for yqbox):
#   topics.txt  sensitive-topic categories with weights     -> each a list; together the group 话题
#   region.txt  places of 青山县 (county and townships)       -> each a list; together the group 区域
#   lists.txt   other lists used by rules (广告, 招聘, 领导)   -> each a list
#   units.txt   unit responsibility terms for routing        -> the units (not lists; see route.tcl)
# File format: "[NAME] key=value ..." starts a section; the lines below hold its terms separated by
# white space; # starts a comment line. A term may carry options: TERM/w (whole Latin word only) and
# TERM/not:LONGER,LONGER (does not count inside those longer terms; see src/match.c).
#
# Every list is compiled into its own matcher (named "list:NAME", built on first use), whose item
# ids are {SECTION TERM}, so a group list tells which category each term belongs to. Changing a list
# (analyse::terms::define, from the console or later the web) rebuilds only its matcher and the group
# containing it; the matcher swap is atomic, so scans in other threads never wait.
# Nothing is read at start-up: the files are loaded on first use.

namespace eval analyse::terms {
    variable loaded 0
    variable generation ""   ;# meta.analyse_generation the database's lists were applied at
    variable lists     ;# NAME -> dict file attrs items (items: matcher items) [group]
    variable groups    ;# GROUP -> list of member list names
    variable units     ;# UNIT -> dict attrs items
    variable built     ;# NAME -> 1 when its matcher is current
    array set lists {}
    array set groups {}
    array set units {}
    array set built {}
    # file -> group its sections form ("" none; "units" for the routing table)
    variable files {
        topics.txt 话题
        region.txt 区域
        lists.txt  {}
        units.txt  units
    }
}

# analyse::terms::parseToken: the matcher item of one term token of section SECTION (TERM/OPT...).
proc analyse::terms::parseToken {section token where} {
    set parts [split $token /]
    set term [lindex $parts 0]
    if {$term eq ""} { yq::fail terms.emptyterm $where $token }
    set item [dict create term $term id [list $section $term]]
    foreach opt [lrange $parts 1 end] {
        if {$opt eq "w"} {
            dict set item word 1
        } elseif {[string match not:* $opt]} {
            dict set item not [split [string range $opt 4 end] ,]
        } else {
            yq::fail terms.badopt $where /$opt $token
        }
    }
    return $item
}

# analyse::terms::parseFile: the sections of term-list file PATH as a list of
# {NAME ATTRS ITEMS}. Errors name the file and line.
proc analyse::terms::parseFile {path} {
    set f [open $path]
    fconfigure $f -encoding utf-8
    set lines [split [read $f] \n]
    close $f
    set name [file tail $path]
    set out {}
    set cur ""
    set lineno 0
    foreach line $lines {
        incr lineno
        set line [string trim $line]
        if {$line eq "" || [string index $line 0] eq "#"} continue
        if {[regexp {^\[([^\]\s]+)\]\s*(.*)$} $line -> sec rest]} {
            if {$cur ne ""} { lappend out $cur }
            set attrs [dict create]
            foreach kv [regexp -all -inline {\S+} $rest] {
                if {![regexp {^([a-z_]+)=(.*)$} $kv -> k v]} {
                    yq::fail terms.badattr $name $lineno $kv
                }
                dict set attrs $k $v
            }
            set cur [list $sec $attrs {}]
            continue
        }
        if {$cur eq ""} { yq::fail terms.nosection $name $lineno }
        set items [lindex $cur 2]
        foreach tok [regexp -all -inline {\S+} $line] {
            lappend items [parseToken [lindex $cur 0] $tok [yq::mc terms.line $name $lineno]]
        }
        lset cur 2 $items
    }
    if {$cur ne ""} { lappend out $cur }
    return $out
}

# analyse::terms::load: (re)read the term files from DIR (default: the bundled ones). All or
# nothing: a bad file changes nothing. Matchers are rebuilt on their next use. Returns the number
# of lists.
proc analyse::terms::load {{dir ""}} {
    variable files
    variable lists
    variable groups
    variable units
    variable built
    variable loaded
    if {$dir eq ""} { set dir [yqbox::path scripts analyse terms] }
    set newLists [dict create]
    set newGroups [dict create]
    set newUnits [dict create]
    dict for {file group} $files {
        foreach sec [parseFile [file join $dir $file]] {
            lassign $sec name attrs items
            if {$group eq "units"} {
                if {[dict exists $newUnits $name]} { yq::fail terms.unittwice $file $name }
                dict set newUnits $name [dict create attrs $attrs items $items]
                continue
            }
            if {[dict exists $newLists $name]} { yq::fail terms.listtwice $file $name }
            dict set newLists $name [dict create file $file attrs $attrs items $items group $group]
            if {$group ne ""} { dict lappend newGroups $group $name }
        }
    }
    # a township unit routes by its place names too
    dict for {name u} $newUnits {
        set attrs [dict get $u attrs]
        if {[dict exists $attrs place]} {
            set place [dict get $attrs place]
            if {![dict exists $newLists $place]} { yq::fail terms.noplace $name $place }
            set items [dict get $u items]
            foreach it [dict get $newLists $place items] {
                lappend items [dict replace $it id [list $name [dict get $it term]]]
            }
            dict set newUnits $name items $items
        }
    }
    dict for {g members} $newGroups {
        if {[dict exists $newLists $g]} { yq::fail terms.groupname $g }
    }
    array unset lists
    array unset groups
    array unset units
    array unset built
    array set lists $newLists
    array set groups $newGroups
    array set units $newUnits
    set loaded 1
    return [array size lists]
}

# analyse::terms::ensure: load the bundled files unless already loaded.
proc analyse::terms::ensure {} {
    variable loaded
    variable generation
    set g [analyse::Generation]
    if {$loaded && $g eq $generation} return
    if {!$loaded || $generation ne ""} { load }
    set generation $g
    if {$g ne ""} {
        analyse::map::apply   ;# a box that is its own county: region and units from its map
        # lists administrators replaced or added (term_list), over the bundled files
        db eval {SELECT name, tokens, attrs FROM term_list ORDER BY rowid} {
            if {[catch {define $name $tokens $attrs} msg]} { ::log warning "stored term list $name ignored: $msg" }
        }
    }
}

# analyse::terms::store: replace (or add) list NAME with TOKENS (as in the term files) and ATTRS for
# every process, audited; validates first (a bad token changes nothing). Returns the term count.
proc analyse::terms::store {name tokens {attrs ""}} {
    org::require rule.manage
    ensure
    foreach tok $tokens { parseToken $name $tok [yq::mc terms.where $name] }
    if {![db::available]} { return [define $name $tokens $attrs] }
    set before [expr {[exists $name] ? [llength [items $name]] : 0}]
    analyse::Save terms.save terms:$name "$before 个词" "[llength $tokens] 个词" {
        INSERT INTO term_list(name, tokens, attrs, updated, updated_by) VALUES($name, $tokens, $attrs, $at, $by)
        ON CONFLICT(name) DO UPDATE SET tokens = $tokens, attrs = $attrs, updated = $at, updated_by = $by}
    ensure
    llength [items $name]
}

# terms: the console's view of the term lists.
cmdlayer::noun terms "词表：列出、查看、替换（保存到数据库，各进程即时生效）"
cmdlayer::command terms list {} "列出词表及其词数" {
    join [lmap n [analyse::terms::names] { format "%-12s %d" $n [llength [analyse::terms::items $n]] }] \n
}
cmdlayer::command terms show {{name 词表}} "一个词表的全部词" {
    join [lmap it [analyse::terms::items $name] { dict get $it term }] " "
}
cmdlayer::command terms set {{name 词表} {tokens 词} {attrs 属性 text ""}} "整表替换一个词表，返回词数" {
    analyse::terms::store $name $tokens $attrs
}

# analyse::terms::text: matcher item ITEM (a dict term, id, ?word?, ?not?) as a person reads it: the
# term, then its options in words: 县长（不计“副县长”“县长信箱”中的）, NHS（整词）.
proc analyse::terms::text {item} {
    set notes {}
    if {[dict exists $item word] && [dict get $item word]} { lappend notes [yq::mc terms.word] }
    if {[dict exists $item not] && [llength [dict get $item not]]} {
        lappend notes [yq::mc terms.not [join [lmap t [dict get $item not] { string cat “ $t ” }] ""]]
    }
    set out [dict get $item term]
    if {[llength $notes]} { append out （[join $notes "，"]） }
    return $out
}

# analyse::terms::names: the names of the lists and groups usable in rules, sorted.
proc analyse::terms::names {} {
    variable lists
    variable groups
    ensure
    lsort [concat [array names lists] [array names groups]]
}

# analyse::terms::exists: whether NAME is a list or a group.
proc analyse::terms::exists {name} {
    variable lists
    variable groups
    ensure
    expr {[info exists lists($name)] || [info exists groups($name)]}
}

# analyse::terms::items: the matcher items of list or group NAME (errors for an unknown name).
proc analyse::terms::items {name} {
    variable lists
    variable groups
    ensure
    if {[info exists groups($name)]} {
        set out {}
        foreach m $groups($name) { lappend out {*}[dict get $lists($m) items] }
        return $out
    }
    if {![info exists lists($name)]} { yq::fail terms.none $name }
    dict get $lists($name) items
}

# analyse::terms::attrs: the attributes of list NAME (weight=, kind=, ...) as a dict.
proc analyse::terms::attrs {name} {
    variable lists
    ensure
    if {![info exists lists($name)]} { yq::fail terms.none $name }
    dict get $lists($name) attrs
}

# analyse::terms::members: the lists of group GROUP ("" when GROUP is not a group).
proc analyse::terms::members {group} {
    variable groups
    ensure
    expr {[info exists groups($group)] ? $groups($group) : ""}
}

# analyse::terms::define: replace (or create) list NAME with the term tokens TOKENS (as in the files)
# and ATTRS; its matcher and its group's are rebuilt at once (atomically). A bad token or term
# changes nothing. Returns the number of terms.
proc analyse::terms::define {name tokens {attrs ""}} {
    variable lists
    variable groups
    variable built
    ensure
    if {[info exists groups($name)]} { yq::fail terms.isgroup $name [join $groups($name) 、] }
    set items {}
    foreach tok $tokens { lappend items [parseToken $name $tok [yq::mc terms.where $name]] }
    ::matcher create list:$name $items      ;# validates; swaps in atomically
    set group ""
    if {[info exists lists($name)]} {
        if {$attrs eq ""} { set attrs [dict get $lists($name) attrs] }
        set group [dict get $lists($name) group]
        dict set lists($name) items $items
        dict set lists($name) attrs $attrs
    } else {
        set lists($name) [dict create file console attrs $attrs items $items group ""]
    }
    set built($name) 1
    if {$group ne ""} {
        unset -nocomplain built($group)
        matcher $group
    }
    llength $items
}

# analyse::terms::matcher: the name of the matcher of list or group NAME, built if needed.
proc analyse::terms::matcher {name} {
    variable built
    if {![info exists built($name)] || "list:$name" ni [::matcher names]} {
        ::matcher create list:$name [items $name]
        set built($name) 1
    }
    return list:$name
}

# analyse::terms::find: the terms of list or group NAME in TEXT: a list of {SECTION TERM START END}
# (SECTION: the category or place for a group, NAME itself for a list), character offsets, END
# exclusive, ordered by START; leftmost-longest without overlap (青山县, not also 青山).
proc analyse::terms::find {name text} {
    set out {}
    foreach {id start end} [::matcher find [matcher $name] $text -ids -longest] {
        lappend out [list {*}$id $start $end]
    }
    return $out
}

# analyse::terms::unitHits: the unit responsibility terms in TEXT: a list of {UNIT TERM START END}.
proc analyse::terms::unitHits {text} {
    variable units
    variable built
    ensure
    if {![info exists built(:units)] || "units" ni [::matcher names]} {
        set items {}
        foreach u [array names units] { lappend items {*}[dict get $units($u) items] }
        ::matcher create units $items
        set built(:units) 1
    }
    set out {}
    foreach {id start end} [::matcher find units $text -ids -longest] {
        lappend out [list {*}$id $start $end]
    }
    return $out
}

# analyse::terms::unit: the attributes of unit NAME (level, name, place), or an error.
proc analyse::terms::unit {name} {
    variable units
    ensure
    if {![info exists units($name)]} { yq::fail terms.nounit $name }
    dict get $units($name) attrs
}
