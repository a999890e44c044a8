# rules.tcl - relevance rules: which posts concern the county's government work, and why.
#
# A rule is a boolean expression over named term lists (terms.tcl) and literal terms:
#     (区域) AND (话题) NOT (广告|招聘)
#   NAME          true when a term of list or group NAME occurs in the text (区域, 话题, 欠薪, 广告 ...)
#   "literal"     true when that literal term occurs (folded like every match: case, full width)
#   A AND B, A & B        both
#   A OR B,  A | B        either
#   A NOT B, A AND NOT B  A and not B;  NOT A, !A   not A
#   ( ... )               grouping
# Precedence: NOT binds tightest, then AND (and binary NOT), then OR. Keywords are ASCII, any case.
# A mistake is reported with its column: `第 12 列：应为“)”…` (catalogue keys rule.*).
#
# Each list is matched by its own matcher (terms.tcl); literals of all rules share one matcher. A post
# is relevant when at least one rule matches. analyse::rules::apply returns the matched rules and
# every term found (list, section, term, offsets) for storing with the post and highlighting;
# `rule test TEXT` shows, for each rule, whether it matched and why.
#
# The rules are data: the defaults below, replaced, added or deleted by administrators (console
# `rule add/delete`, the web pages) in the database table `rule`, one transaction with its audit
# entry each. Every process notices a change through meta.analyse_generation and reloads.

namespace eval analyse::rules {
    variable rules [dict create]   ;# NAME -> dict expr EXPR ast AST test {TEST KEYS} (Compile)
    variable literalsBuilt 0
    variable used {}               ;# {LISTS LITERALS} the rules use, sorted ("" until counted)
    # the default rules, parsed on first use (so start-up reads no term files)
    variable defaults {
        涉县政务   {(区域) AND (话题) NOT (广告|招聘)}
        点名领导   {领导 AND 区域 NOT (广告|招聘)}
    }
    variable defaultsLoaded 0
    variable generation ""         ;# meta.analyse_generation the rules were loaded at
}

# analyse::rules::tokenize: the tokens of EXPR as a list of {TYPE VALUE COLUMN}; TYPE is one of
# ( ) and or not name lit end. Errors with the column of a bad character or unclosed quote.
proc analyse::rules::tokenize {expr} {
    set toks {}
    set n [string length $expr]
    set i 0
    while {$i < $n} {
        set c [string index $expr $i]
        set col [expr {$i + 1}]
        if {[string is space $c]} { incr i; continue }
        switch -- $c {
            ( - ) { lappend toks [list $c $c $col]; incr i; continue }
            | { lappend toks [list or | $col]; incr i; continue }
            & { lappend toks [list and & $col]; incr i; continue }
            ! { lappend toks [list not ! $col]; incr i; continue }
            \" - “ - ” {
                set close [expr {$c eq "“" ? "”" : $c}]
                set j [string first $close $expr [expr {$i + 1}]]
                if {$c eq "\"" && $j < 0} { set j [string first ” $expr [expr {$i + 1}]] }
                if {$j < 0} { yq::fail rule.unclosed $col }
                set lit [string range $expr [expr {$i + 1}] [expr {$j - 1}]]
                if {$lit eq ""} { yq::fail rule.emptylit $col }
                lappend toks [list lit $lit $col]
                set i [expr {$j + 1}]
                continue
            }
        }
        # a word: up to white space or an operator character
        regexp -start $i {[^\s()|&!"“”]+} $expr word
        switch -- [string toupper $word] {
            AND { lappend toks [list and $word $col] }
            OR  { lappend toks [list or $word $col] }
            NOT { lappend toks [list not $word $col] }
            default { lappend toks [list name $word $col] }
        }
        incr i [string length $word]
    }
    lappend toks [list end "" [expr {$n + 1}]]
    return $toks
}

# analyse::rules::parse: the syntax tree of EXPR: {or A B} {and A B} {not A} {list NAME} {lit TERM}.
# Unknown list names are errors (with their column), as are syntax errors.
proc analyse::rules::parse {expr} {
    variable toks [tokenize $expr]
    variable pos 0
    if {[lindex $toks 0 0] eq "end"} { yq::fail rule.empty }
    set ast [ParseOr]
    lassign [lindex $toks $pos] type value col
    if {$type ne "end"} {
        yq::fail rule.expectop $col $value
    }
    return $ast
}

# The recursive-descent parser over analyse::rules::toks at analyse::rules::pos.
proc analyse::rules::Peek {} {
    variable toks
    variable pos
    lindex $toks $pos 0
}
proc analyse::rules::ParseOr {} {
    variable pos
    set left [ParseAnd]
    while {[Peek] eq "or"} {
        incr pos
        set left [list or $left [ParseAnd]]
    }
    return $left
}
proc analyse::rules::ParseAnd {} {
    variable pos
    set left [ParseUnary]
    while 1 {
        switch -- [Peek] {
            and {
                incr pos
                set left [list and $left [ParseUnary]]
            }
            not {
                # binary NOT: A NOT B is A AND NOT B
                incr pos
                set left [list and $left [list not [ParseUnary]]]
            }
            default { return $left }
        }
    }
}
proc analyse::rules::ParseUnary {} {
    variable toks
    variable pos
    lassign [lindex $toks $pos] type value col
    switch -- $type {
        not {
            incr pos
            return [list not [ParseUnary]]
        }
        ( {
            incr pos
            set inner [ParseOr]
            lassign [lindex $toks $pos] t2 v2 c2
            if {$t2 ne ")"} {
                yq::fail rule.close $c2 $col [expr {$t2 eq "end" ? [yq::mc rule.theend] : "“$v2”"}]
            }
            incr pos
            return $inner
        }
        name {
            if {![analyse::terms::exists $value]} {
                yq::fail rule.nolist $col $value [join [analyse::terms::names] 、]
            }
            incr pos
            return [list list $value]
        }
        lit {
            incr pos
            return [list lit $value]
        }
        end { yq::fail rule.endearly $col }
        default { yq::fail rule.expectterm $col $value }
    }
}

# analyse::rules::ensure: load the rules unless they are current: the defaults, then the rows of
# the `rule` table (when there is a database). A stored rule that no longer parses is logged and
# skipped, never fatal.
proc analyse::rules::ensure {} {
    variable defaults
    variable defaultsLoaded
    variable generation
    variable rules
    variable literalsBuilt
    variable used
    set g [analyse::Generation]
    if {$defaultsLoaded && $g eq $generation} return
    set defaultsLoaded 1
    set generation $g
    set rules [dict create]
    set literalsBuilt 0
    set used {}
    foreach {name expr} $defaults { define $name $expr }
    if {$g ne ""} {
        db eval {SELECT name, expr, deleted FROM rule ORDER BY rowid} {
            if {$deleted} {
                dict unset rules $name
            } elseif {[catch {define $name $expr} msg]} {
                ::log warning "stored rule $name ignored: $msg"
            }
        }
    }
}

# analyse::Generation: meta.analyse_generation, or "" without a database.
proc analyse::Generation {} {
    if {![db::available]} { return "" }
    db onecolumn {SELECT value FROM meta WHERE key = 'analyse_generation'}
}

# analyse::Bump: mark the rules and term lists changed for every process (in the caller's
# transaction).
proc analyse::Bump {} {
    db eval {UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'analyse_generation'}
}

# analyse::Save: store a change of a rule or a term list as one transaction: SQL evaluated in the
# caller (which sees $at and $by, set here: the time and the acting login), the change marked for
# every process (analyse::Bump), and its audit entry ACTION on OBJECT with BEFORE and AFTER.
# Returns nothing; an error undoes everything.
proc analyse::Save {action object before after sql} {
    upvar 1 at at by by
    set at [yqbox::iso]
    set by [dict get [org::actor] login]
    db transaction immediate {
        uplevel 1 [list db eval $sql]
        Bump
        audit::record $action $object -before $before -after $after
    }
}

# analyse::rules::store: save rule NAME as EXPR (or deleted, with EXPR "" and DELETE 1) for every
# process, audited. Validates first; one transaction. Without a database (yqbox eval with no data
# directory) the change is made in this process only. Returns nothing.
proc analyse::rules::store {name expr {delete 0}} {
    org::require rule.manage
    ensure
    if {$delete} {
        if {![dict exists [all] $name]} { yq::fail rule.none $name }
    } else {
        if {$name eq "" || [regexp {\s} $name]} { yq::fail rule.badname $name }
        if {[catch {parse $expr} msg]} { yq::fail rule.bad $name $msg }
    }
    if {![db::available]} {
        # no data directory: the change lives in this process only
        if {$delete} { delete $name } else { define $name $expr }
        return
    }
    set before [expr {[dict exists [all] $name] ? [dict get [all] $name] : ""}]
    analyse::Save [expr {$delete ? "rule.delete" : "rule.save"}] rule:$name $before $expr {
        INSERT INTO rule(name, expr, deleted, updated, updated_by) VALUES($name, $expr, $delete, $at, $by)
        ON CONFLICT(name) DO UPDATE SET expr = $expr, deleted = $delete, updated = $at, updated_by = $by}
    ensure
    return
}

# analyse::rules::define: add or replace rule NAME with expression EXPR. A bad expression is an
# error that changes nothing. Returns nothing.
proc analyse::rules::define {name expr} {
    variable rules
    variable literalsBuilt
    variable used
    ensure
    if {$name eq "" || [regexp {\s} $name]} { yq::fail rule.badname $name }
    if {[catch {parse $expr} ast]} { yq::fail rule.bad $name $ast }
    dict set rules $name [dict create expr $expr ast $ast test [Compile $ast]]
    set literalsBuilt 0
    set used {}
    return
}

# analyse::rules::delete: remove rule NAME (error if there is none).
proc analyse::rules::delete {name} {
    variable rules
    variable literalsBuilt
    variable used
    ensure
    if {![dict exists $rules $name]} { yq::fail rule.none $name }
    dict unset rules $name
    set literalsBuilt 0
    set used {}
    return
}

# analyse::rules::all: the rules as a dict NAME -> EXPR, in definition order.
proc analyse::rules::all {} {
    variable rules
    ensure
    set out [dict create]
    dict for {name r} $rules { dict set out $name [dict get $r expr] }
    return $out
}

# analyse::rules::Leaves: the values of the leaves of type TYPE (list or lit) of the tree AST.
proc analyse::rules::Leaves {ast type} {
    switch -- [lindex $ast 0] {
        list - lit { return [expr {[lindex $ast 0] eq $type ? [list [lindex $ast 1]] : {}}] }
        not { return [Leaves [lindex $ast 1] $type] }
        default { return [concat [Leaves [lindex $ast 1] $type] [Leaves [lindex $ast 2] $type]] }
    }
}

# analyse::rules::Eval: evaluate AST given HITS (dict: list name or "lit:TERM" -> hits). Returns
# {VALUE WHY}: the truth value and the expression annotated with what was found.
proc analyse::rules::Eval {ast hits} {
    switch -- [lindex $ast 0] {
        list - lit {
            set key [expr {[lindex $ast 0] eq "list" ? [lindex $ast 1] : "lit:[lindex $ast 1]"}]
            set label [expr {[lindex $ast 0] eq "list" ? [lindex $ast 1] : "\"[lindex $ast 1]\""}]
            set h [expr {[dict exists $hits $key] ? [dict get $hits $key] : {}}]
            if {![llength $h]} { return [list 0 "$label✗"] }
            set shown {}
            foreach x [lrange $h 0 4] {
                lassign $x sec term start end
                lappend shown "$term@$start-$end"
            }
            if {[llength $h] > 5} { lappend shown "…共[llength $h]处" }
            return [list 1 "$label✓\[[join $shown { }]\]"]
        }
        not {
            lassign [Eval [lindex $ast 1] $hits] v why
            return [list [expr {!$v}] "NOT $why"]
        }
        and - or {
            lassign [Eval [lindex $ast 1] $hits] v1 w1
            lassign [Eval [lindex $ast 2] $hits] v2 w2
            set op [string toupper [lindex $ast 0]]
            set v [expr {$op eq "AND" ? ($v1 && $v2) : ($v1 || $v2)}]
            return [list $v "($w1 $op $w2)"]
        }
    }
}

# analyse::rules::Outermost: the hits FOUND ({LIST SECTION TERM START END}, of several lists)
# without those lying inside a longer hit of another list: a term that is only part of a longer
# term does not count, across lists as within one (the matcher's leftmost-longest rule). So the
# topic term 桥 in the place 白河大桥, or 小区 in 翠湖小区, does not make a post about traffic or
# housing. Returns the remaining hits in the order of FOUND.
proc analyse::rules::Outermost {found} {
    set out {}
    foreach t $found {
        lassign $t list - - start end
        set inside 0
        foreach u $found {
            lassign $u ulist - - ustart uend
            if {$ulist ne $list && $ustart <= $start && $uend >= $end && $uend - $ustart > $end - $start} {
                set inside 1
                break
            }
        }
        if {!$inside} { lappend out $t }
    }
    return $out
}

# analyse::rules::Compile: the truth of AST as an expression over the array L - {TEST KEYS}: TEST
# reads $L(i), 1 when KEYS' element i (a list name, or lit:TERM) was found; the same truth value
# as Eval's, without its explanation (analyse::post scores every post with it).
proc analyse::rules::Compile {ast} {
    set keys {}
    set test [CompileNode $ast keys]
    list $test $keys
}
proc analyse::rules::CompileNode {ast keysVar} {
    upvar 1 $keysVar keys
    switch -- [lindex $ast 0] {
        list - lit {
            lappend keys [expr {[lindex $ast 0] eq "list" ? [lindex $ast 1] : "lit:[lindex $ast 1]"}]
            return "\$L([expr {[llength $keys] - 1}])"
        }
        not { return "!([CompileNode [lindex $ast 1] keys])" }
        default {
            set op [expr {[lindex $ast 0] eq "and" ? "&&" : "||"}]
            return "([CompileNode [lindex $ast 1] keys] $op [CompileNode [lindex $ast 2] keys])"
        }
    }
}

# analyse::rules::apply: run every rule over TEXT. Returns a dict:
#   rules  the names of the rules that matched (the post is relevant when not empty)
#   terms  every term found by the lists and literals the rules use: {LIST SECTION TERM START END}
#          (LIST "literal" for literals), sorted by START - for storing with the post and highlighting
#   why    rule name -> {matched 0|1 explain TEXT}; with WHY 0 it is empty (the rules are decided
#          without explaining them, which is cheaper)
proc analyse::rules::apply {text {why 1}} {
    variable rules
    variable literalsBuilt
    variable used
    ensure
    # lists and literals used by the rules, each matched once
    if {$used eq ""} {
        set names {}
        set lits {}
        dict for {name r} $rules {
            lappend names {*}[Leaves [dict get $r ast] list]
            lappend lits {*}[Leaves [dict get $r ast] lit]
        }
        set used [list [lsort -unique $names] [lsort -unique $lits]]
    }
    lassign $used names lits
    set found {}
    foreach n $names {
        foreach x [analyse::terms::find $n $text] { lappend found [list $n {*}$x] }
    }
    set hits [dict create]
    set terms {}
    foreach t [Outermost $found] {
        dict lappend hits [lindex $t 0] [lrange $t 1 end]
        lappend terms $t
    }
    if {[llength $lits]} {
        if {!$literalsBuilt || "rules:literals" ni [matcher names]} {
            matcher create rules:literals $lits
            set literalsBuilt 1
        }
        foreach {term start end} [matcher find rules:literals $text -longest] {
            dict lappend hits lit:$term [list literal $term $start $end]
            lappend terms [list literal literal $term $start $end]
        }
    }
    set matched {}
    set explained [dict create]
    dict for {name r} $rules {
        if {$why} {
            lassign [Eval [dict get $r ast] $hits] v explain
            dict set explained $name [dict create matched $v explain $explain]
        } else {
            lassign [dict get $r test] test keys
            set i 0
            foreach k $keys {
                set L($i) [expr {[dict exists $hits $k] && [llength [dict get $hits $k]] > 0}]
                incr i
            }
            set v [expr $test]
        }
        if {$v} { lappend matched $name }
    }
    dict create rules $matched terms [lsort -integer -index 3 $terms] why $explained
}

# rule: the console command.
cmdlayer::noun rule "相关性规则：test 显示每条规则是否命中及命中的词和位置；add/delete 增删规则；list 列出规则"
cmdlayer::command rule test {{text 文本}} "显示每条规则是否命中、命中的词和位置，及结论" {
    set r [analyse::rules::apply $text]
    set out {}
    dict for {name w} [dict get $r why] {
        lappend out "[expr {[dict get $w matched] ? {✓ 命中} : {✗ 未命中}}] $name: [dict get $w explain]"
    }
    lappend out [expr {[llength [dict get $r rules]] ? "结论：相关（[join [dict get $r rules] 、]）" : "结论：不相关"}]
    join $out \n
}
cmdlayer::command rule add {{name 规则名} {expr 表达式}} "新增或替换一条规则" { analyse::rules::store $name $expr }
cmdlayer::command rule delete {{name 规则名}} "删除一条规则" { analyse::rules::store $name "" 1 }
cmdlayer::command rule list {} "列出规则" {
    set out {}
    dict for {name expr} [analyse::rules::all] { lappend out "$name  $expr" }
    join $out \n
}
