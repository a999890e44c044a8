# all.tcl - runs every tests/*.test file inside the real binary and sums the results.
#
# Usage: yqbox run tests/all.tcl ?-jobs N? ?GLOB ...?
# Each test file runs in its own `yqbox run FILE` process (the binary running this script, with the
# same --dev setting), N files at a time (default: the number of cores). A file's output is shown
# when it has failures or did not finish. Ends with one line "N passed, N failed, N skipped" and
# exits 1 if anything failed.

set here [file dirname [file normalize [info script]]]
set jobs 0
set globs {}
for {set i 0} {$i < [llength $argv]} {incr i} {
    set a [lindex $argv $i]
    if {$a eq "-jobs"} { set jobs [lindex $argv [incr i]] } else { lappend globs $a }
}
if {$jobs < 1} {
    set jobs 2
    catch {
        set f [open /proc/cpuinfo]
        set jobs [regexp -all -line {^processor\s*:} [read $f]]
        close $f
    }
    if {$jobs < 1} { set jobs 2 }
}
if {![llength $globs]} { set globs {*} }
set files {}
foreach g $globs {
    foreach f [lsort [glob -nocomplain -directory $here $g.test]] {
        if {$f ni $files} { lappend files $f }
    }
}

set exe [list [info nameofexecutable]]
if {$::yqbox::dev} { lappend exe --dev $::yqbox::root }
array set total {passed 0 failed 0 skipped 0}
set running 0
set queue $files
set failedFiles {}

# start: launch the next queued file, if any. The file's process leads its own process group
# (setsid), so whatever it started and left behind can be stopped with it (see watch).
proc start {} {
    global queue running exe out pid began
    if {![llength $queue]} { return }
    set queue [lassign $queue file]
    set chan [open |[list setsid {*}$exe run $file 2>@1] r]
    fconfigure $chan -blocking 0 -encoding utf-8 -translation lf
    set out($chan) ""
    set pid($chan) [pid $chan]
    set began($chan) [clock seconds]
    fileevent $chan readable [list collect $chan $file]
    incr running
}

# ended: whether process PID has ended (gone, or a zombie not yet reaped by close).
proc ended {pid} {
    if {[catch {open /proc/$pid/stat} f]} { return 1 }
    set stat [read $f]
    close $f
    return [expr {[lindex [string range $stat [string last ")" $stat]+1 end] 0] eq "Z"}]
}

# watch: every second, for each running file: if its process ended but something it started still
# holds the output pipe open (a server left running after a top-level error) for 10 s, or the file
# ran longer than YQBOX_TEST_TIMEOUT seconds (default 1800), kill its whole process group, which
# closes the pipe; collect then reports the file as failed with the reason. Reschedules itself.
proc watch {} {
    global out pid began gone killed
    set limit [expr {[info exists ::env(YQBOX_TEST_TIMEOUT)] ? $::env(YQBOX_TEST_TIMEOUT) : 1800}]
    set now [clock seconds]
    foreach chan [array names out] {
        if {[info exists killed($chan)]} { continue }
        set why ""
        if {[ended $pid($chan)]} {
            if {![info exists gone($chan)]} { set gone($chan) $now }
            if {$now - $gone($chan) >= 10} { set why "it ended but left processes running (killed)" }
        } elseif {$now - $began($chan) > $limit} {
            set why "it ran longer than $limit s (killed)"
        }
        if {$why ne ""} {
            set killed($chan) $why
            catch {exec kill -KILL -- -$pid($chan)}
        }
    }
    after 1000 watch
}

# collect: read output of one test process; at its end, record its counts and start the next.
proc collect {chan file} {
    global out running total failedFiles pid began gone killed
    append out($chan) [read $chan]
    if {![eof $chan]} { return }
    fconfigure $chan -blocking 1
    set crashed [catch {close $chan} msg]
    set text $out($chan)
    set why ""
    if {[info exists killed($chan)]} {
        set why $killed($chan)
        append text "\n[file tail $file]: $why\n"
    }
    unset out($chan) pid($chan) began($chan)
    unset -nocomplain gone($chan) killed($chan)
    set name [file tail $file]
    if {[regexp {Total\s+(\d+)\s+Passed\s+(\d+)\s+Skipped\s+(\d+)\s+Failed\s+(\d+)} $text -> t p s f]} {
        incr total(passed) $p
        incr total(failed) $f
        incr total(skipped) $s
        puts [format "%-28s %4d passed %4d failed %4d skipped" $name $p $f $s]
        if {$why ne ""} { incr total(failed); incr f }
        if {$f > 0} { lappend failedFiles $name; puts $text }
    } else {
        incr total(failed)
        lappend failedFiles $name
        puts "$name: did not finish[expr {$crashed ? " ($msg)" : ""}]\n$text"
    }
    incr running -1
    start
    if {$running == 0} { set ::done 1 }
}

if {![llength $files]} {
    puts "no test files match $globs"
    puts "0 passed, 1 failed"
    exit 1
}
for {set i 0} {$i < $jobs} {incr i} { start }
watch
vwait done
if {[llength $failedFiles]} { puts "failures in: [join $failedFiles {, }]" }
puts "$total(passed) passed, $total(failed) failed, $total(skipped) skipped"
exit [expr {$total(failed) > 0}]
