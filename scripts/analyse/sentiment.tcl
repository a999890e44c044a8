# sentiment.tcl - loads the sentiment lexicon for the C scorer (`sentiment TEXT`, src/sentiment.c).
#
# The lexicon is the files in scripts/analyse/lexicon/ (written for yqbox): negative.txt and
# positive.txt (STRENGTH then words, one strength per line), emoji.txt (signed strength then
# emoji/tags), negation.txt and contrast.txt (words), degree.txt (FACTOR then words). Lines starting
# with # are comments; neutral.txt (words) holds phrases that only shield the words inside them. The scorer's parameters are in `options` below; the file comment of
# src/sentiment.c explains each. `sentiment` loads the lexicon on first use; call
# analyse::sentiment::load again after editing the files or the options.

namespace eval analyse::sentiment {
    # the scorer's tunable parameters (see src/sentiment.c)
    variable options {
        window 4
        negate_positive -1.0
        negate_negative -0.5
        degree_max 3
        exclaim 1.5
        question_positive -0.5
        question_negative 1.2
        contrast_before 0.5
        contrast_after 1.5
        alpha 4
    }
    # file -> how its lines read: signed (N words: strength N), negative (N words: strength -N),
    # factor (N words: degree N), or a plain kind (words only)
    variable files {
        negative.txt negative
        positive.txt signed
        emoji.txt    signed
        negation.txt negation
        degree.txt   factor
        contrast.txt contrast
        neutral.txt  neutral
    }
}

# analyse::sentiment::readLexicon: the lexicon as a dict word -> {kind value file:line}. Errors name the
# file and line of a malformed line or of a word listed with two different meanings.
proc analyse::sentiment::readLexicon {{dir ""}} {
    variable files
    if {$dir eq ""} { set dir [yqbox::path scripts analyse lexicon] }
    set lex [dict create]
    dict for {file how} $files {
        set f [open [file join $dir $file]]
        fconfigure $f -encoding utf-8
        set lines [split [read $f] \n]
        close $f
        set lineno 0
        foreach line $lines {
            incr lineno
            set line [string trim $line]
            if {$line eq "" || [string index $line 0] eq "#"} continue
            set words [regexp -all -inline {\S+} $line]
            switch -- $how {
                negative - signed - factor {
                    set words [lassign $words num]
                    if {![string is double -strict $num] || ![llength $words]} {
                        yq::fail lexicon.line $file $lineno
                    }
                    set kind [expr {$how eq "factor" ? "degree" : "word"}]
                    set value [expr {$how eq "negative" ? -abs($num) : $num}]
                }
                default {
                    set kind $how
                    set value 0
                }
            }
            foreach w $words {
                if {[dict exists $lex $w]} {
                    lassign [dict get $lex $w] k v at
                    if {$k ne $kind || $v != $value} {
                        yq::fail lexicon.twice $file $lineno $w $at
                    }
                    continue
                }
                dict set lex $w [list $kind $value $file:$lineno]
            }
        }
    }
    return $lex
}

# analyse::sentiment::load: read the bundled lexicon and hand it to the C scorer (all threads see
# the new one at once). Returns the number of words.
proc analyse::sentiment::load {{dir ""}} {
    variable options
    set items {}
    dict for {w spec} [readLexicon $dir] {
        lappend items $w [lindex $spec 0] [lindex $spec 1]
    }
    ::sentiment lexicon $items $options
}

cmdlayer::external sentiment {?explain? 文本} "情感倾向评分：-1（负面）到 1（正面）；sentiment explain 文本 显示依据"
