# testlib.tcl - helpers shared by the tcltest suites (source it at the top of a .test file).
#
# yq runs the binary under test (the one running the suite, with its --dev setting) as a separate
# process and returns its exit code and output; tempdir makes a scratch directory that is removed
# when the suite ends. Constraints: root (running as root), static (the binary is statically
# linked, i.e. not the sanitizer build).

package require tcltest 2.5
namespace import -force ::tcltest::*
::tcltest::configure -verbose {body error skip}
::tcltest::configure {*}$argv

namespace eval testlib {
    variable here [file dirname [file normalize [info script]]]
    variable top [file dirname $here]
    variable temps {}
}

# testlib::exe: the command prefix that runs the binary under test.
proc testlib::exe {} {
    set exe [list [info nameofexecutable]]
    if {$::yqbox::dev} { lappend exe --dev $::yqbox::root }
    return $exe
}

# yq: run the binary under test with ARGS. Options before the arguments: -stdin TEXT (fed to its
# standard input), -env {NAME VALUE ...} (added to its environment; VALUE "" removes NAME; YQBOX_DATA and YQBOX_CONF are removed
# unless given),
# -cwd DIR (default: the suite's scratch directory, so no ./appliance.conf is found),
# -timeout SECONDS (default 60), -prefix CMD (run under CMD, e.g. setpriv ...).
# `yq init ...` makes the demo county's box (`init -demo`, as `make run` does): the tests' fixtures
# are the fictional 青山县. `yq init -county ...` runs a plain `yqbox init` (a box for its own
# county, to be set up: county.test).
# Returns a dict: code (exit status), out (stdout), err (stderr), both without a final newline.
proc yq {args} {
    set stdin ""
    set envs {YQBOX_DATA "" YQBOX_CONF ""}
    set cwd [testlib::scratch]
    set timeout 60
    set prefix {}
    while {[string match -* [lindex $args 0]] && [lindex $args 0] in {-stdin -env -cwd -timeout -prefix}} {
        set args [lassign $args opt val]
        switch -- $opt {
            -stdin { set stdin $val }
            -env { lappend envs {*}$val }
            -cwd { set cwd $val }
            -timeout { set timeout $val }
            -prefix { set prefix $val }
        }
    }
    set saved {}
    foreach {k v} $envs {
        if {![dict exists $saved $k]} {
            dict set saved $k [expr {[info exists ::env($k)] ? [list 1 $::env($k)] : {0 {}}}]
        }
        if {$v eq ""} { unset -nocomplain ::env($k) } else { set ::env($k) $v }
    }
    if {[lindex $args 0] eq "init"} {
        set args [expr {[lindex $args 1] eq "-county" ? [lreplace $args 1 1] : [linsert $args 1 -demo]}]
    }
    set errfile [file join [testlib::scratch] stderr.[incr ::testlib::n]]
    set oldcwd [pwd]
    if {$cwd ne ""} { cd $cwd }
    try {
        set code 0
        if {[catch {exec timeout -k 5 $timeout {*}$prefix {*}[testlib::exe] {*}$args \
                        << $stdin 2> $errfile} out opts]} {
            set ec [dict get $opts -errorcode]
            if {[lindex $ec 0] eq "CHILDSTATUS"} {
                set code [lindex $ec 2]
                regsub {\n?child process exited abnormally$} $out "" out
            } else {
                set code -1
                set out "$out ($ec)"
            }
        }
    } finally {
        cd $oldcwd
        dict for {k was} $saved {
            if {[lindex $was 0]} { set ::env($k) [lindex $was 1] } else { unset -nocomplain ::env($k) }
        }
    }
    set f [open $errfile]
    fconfigure $f -encoding utf-8
    set err [string trimright [read $f] \n]
    close $f
    file delete $errfile
    dict create code $code out $out err $err
}

# testlib::scratch: a per-suite scratch directory (created on first use).
proc testlib::scratch {} {
    variable scratch
    if {![info exists scratch]} {
        set scratch [tempdir]
    }
    return $scratch
}

# tempdir: a new empty directory, removed at the end of the suite.
proc tempdir {} {
    set base [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
    while 1 {
        set d [file join $base yqbox-test-[pid]-[incr ::testlib::n]-[expr {int(rand()*1e6)}]]
        if {![file exists $d]} { break }
    }
    file mkdir $d
    lappend ::testlib::temps $d
    return $d
}

# writefile / readfile: whole-file helpers (UTF-8 text, or binary with -binary).
proc writefile {path text {mode text}} {
    set f [open $path w]
    if {$mode eq "-binary"} { fconfigure $f -translation binary } else { fconfigure $f -encoding utf-8 }
    puts -nonewline $f $text
    close $f
    return $path
}
proc readfile {path {mode text}} {
    set f [open $path r]
    if {$mode eq "-binary"} { fconfigure $f -translation binary } else { fconfigure $f -encoding utf-8 }
    set t [read $f]
    close $f
    return $t
}

# leakKB: the growth of this process's resident memory (KB) over N runs of SCRIPT (at global
# level), after a warm-up of N/10 runs so caches and allocator pools are already filled. A leak of a
# few hundred bytes per run shows as megabytes; without one the growth stays near zero. Only
# meaningful on the static build (the sanitizer build keeps freed memory in quarantine).
proc leakKB {n script} {
    for {set i 0} {$i < $n / 10} {incr i} { uplevel #0 $script }
    set before [testlib::rssKB]
    for {set i 0} {$i < $n} {incr i} { uplevel #0 $script }
    expr {[testlib::rssKB] - $before}
}

# testlib::rssKB: the resident set size of this process in KB (/proc/self/status VmRSS).
proc testlib::rssKB {} {
    regexp -line {^VmRSS:\s*(\d+)} [readfile /proc/self/status] -> kb
    return $kb
}

# cpuMs: the processor time (user + system, ms, 10 ms resolution) this process spends running SCRIPT
# at global level; unlike `time` it does not grow when the machine is busy with other work.
proc cpuMs {script} {
    set before [testlib::cpuTicks]
    uplevel #0 $script
    expr {([testlib::cpuTicks] - $before) * 10}
}

# testlib::cpuTicks: user + system clock ticks (1/100 s) of this process (/proc/self/stat).
proc testlib::cpuTicks {} {
    set stat [readfile /proc/self/stat]
    set fields [split [string range $stat [string last ")" $stat]+2 end]]
    expr {[lindex $fields 11] + [lindex $fields 12]}
}

# testlib::isStatic: whether PATH is an ELF executable without a program interpreter.
proc testlib::isStatic {path} {
    set f [open $path rb]
    set hdr [read $f 64]
    if {[string range $hdr 0 3] ne "\x7fELF"} { close $f; return 0 }
    binary scan $hdr x32wx14ss phoff phentsize phnum
    seek $f $phoff
    set ph [read $f [expr {$phentsize * $phnum}]]
    close $f
    for {set i 0} {$i < $phnum} {incr i} {
        binary scan $ph x[expr {$i * $phentsize}]i type
        if {$type == 3} { return 0 }
    }
    return 1
}

# ---- a running `yqbox serve` (every suite that starts a server uses these) ----
# The curl helpers below use the suite's globals: ::H (https://127.0.0.1:PORT), ::jars (a
# directory for cookie jars and response bodies) and ::dir (the server's data directory).

# freeports: N different TCP ports on 127.0.0.1 that nothing listens on right now.
proc freeports {n} {
    set socks {}
    set ports {}
    for {set i 0} {$i < $n} {incr i} {
        set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
        lappend socks $s
        lappend ports [lindex [fconfigure $s -sockname] 2]
    }
    foreach s $socks { close $s }
    return $ports
}

# startServer: initialise a data directory with CONF lines added to the test configuration and
# start `yqbox serve` on it. The test configuration listens on LISTEN:HTTPS and 127.0.0.1:HTTP (two
# free ports) with http_mode serve, demo_routes 1, access_log access.log and workers 2; CONF's lines
# come after and override them (e.g. "http {}", "demo_routes 0"). Options after CONF: -dir DIR (an
# existing data directory to use, its appliance.conf rewritten), -exe CMD (the command prefix
# running yqbox, default the binary under test), -env {NAME VALUE ...} (added to the server's
# environment, e.g. the test clock), -listen ADDR (the https address, default 127.0.0.1).
# Returns a dict: dir chan pid https http err (stderr file) ready (the "serving" line).
proc startServer {{conf ""} args} {
    set o [dict merge [list -dir "" -exe [testlib::exe] -env {} -listen 127.0.0.1] $args]
    set dir [dict get $o -dir]
    lassign [freeports 2] https http
    if {$dir eq ""} {
        set dir [tempdir]
        set r [yq init $dir]
        if {[dict get $r code]} { error "init failed: $r" }
    }
    writefile $dir/appliance.conf "https [dict get $o -listen]:$https\nhttp 127.0.0.1:$http\nhttp_mode serve\ndemo_routes 1\naccess_log access.log\nworkers 2\n$conf\n"
    set err [tempdir]/stderr.log
    set saved [array get ::env]
    foreach {k v} [dict get $o -env] { set ::env($k) $v }
    try {
        lassign [serveCmd [list {*}[dict get $o -exe] serve -d $dir] $err] chan line
    } finally {
        foreach {k v} [dict get $o -env] { unset -nocomplain ::env($k) }
        array set ::env $saved
    }
    dict create dir $dir chan $chan pid [pid $chan] https $https http $http err $err ready $line
}

# serveCmd: run CMD (a command line of `yqbox serve`), its stderr to the file ERR, and wait for its
# "serving" line. Returns {chan line} (the read end of its stdout, UTF-8); errors with ERR's text
# when it ends without serving.
proc serveCmd {cmd err} {
    set chan [open |[list {*}$cmd 2> $err] r]
    fconfigure $chan -encoding utf-8
    set line ""
    while {[gets $chan line] >= 0 && ![string match *serving* $line]} {}
    if {![string match *serving* $line]} {
        catch {close $chan}
        error "server did not start: [readfile $err]"
    }
    list $chan $line
}

# waitFor: evaluate the expression COND in the caller every 100 ms until it is true or SECONDS
# have passed. Returns 1 when it became true, else 0.
proc waitFor {seconds cond} {
    set end [expr {[clock milliseconds] + 1000 * $seconds}]
    while {![uplevel 1 [list expr $cond]]} {
        if {[clock milliseconds] >= $end} { return 0 }
        after 100
    }
    return 1
}

# stopServer: SIGTERM the server and wait for it. Returns its exit status.
proc stopServer {srv} {
    exec kill -TERM [dict get $srv pid]
    set chan [dict get $srv chan]
    fconfigure $chan -blocking 1
    read $chan
    if {[catch {close $chan} msg opts]} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] eq "CHILDSTATUS"} { return [lindex $ec 2] }
        return "?$msg"
    }
    return 0
}

namespace eval readme {}

# readme::block: the indented lines of the README between the line matching FROM and the next
# line that is not indented (or blank), with the indentation removed.
proc readme::block {from} {
    set lines [split [readfile [file join $::testlib::top README]] \n]
    set i [lsearch -regexp $lines $from]
    set out {}
    set started 0
    foreach line [lrange $lines [expr {$i + 1}] end] {
        if {[string match "    *" $line]} {
            set started 1
            lappend out [string range $line 4 end]
        } elseif {$started && [string trim $line] ne ""} {
            break
        }
    }
    return $out
}

# testlib::depsPins: the PINS of the dependency recipe src/deps.sh, as a dict Debian package ->
# its line "name|version|orig|sha256|debian tarball|sha256".
proc testlib::depsPins {} {
    regexp {\nPINS='\n(.*?)\n'} [readfile [file join $::testlib::top src deps.sh]] -> body
    set out {}
    foreach line [split $body \n] { dict set out [lindex [split $line |] 0] $line }
    return $out
}

# curl: curl -k with ARGS (stdout, or "curl failed: ...").
proc curl {args} {
    if {[catch {exec curl -sS -k --max-time 20 {*}$args} out]} { return "curl failed: $out" }
    return $out
}
# curlPage: {code body} of curl with ARGS (a URL and any options) and cookie jar JAR ("" = none).
proc curlPage {jar args} {
    set f [file join $::jars body.[incr ::nbody]]
    set j [expr {$jar eq "" ? {} : [list -b $jar -c $jar]}]
    set code [curl {*}$j -o $f -w %{http_code} {*}$args]
    list $code [readfile $f]
}
# get: {code body} of GET PATH with cookie jar JAR ("" = none).
proc get {jar path} {
    curlPage $jar $::H$path
}
# post: {code body} of POST PATH with form FIELDS {name value ...}; the session's CSRF token is
# added unless NOCSRF. The redirect's Location (or "") is left in ::lastLocation.
proc post {jar path fields {nocsrf 0}} {
    set f [file join $::jars body.[incr ::nbody]]
    set args {-d ""}
    if {!$nocsrf && [info exists ::csrf($jar)]} { lappend args --data-urlencode csrf=$::csrf($jar) }
    foreach {k v} $fields { lappend args --data-urlencode $k=$v }
    set out [curl -b $jar -c $jar -o $f -w "%{http_code} %{redirect_url}" {*}$args $::H$path]
    set ::lastLocation [string trim [string range $out [string first " " $out] end]]
    list [lindex [split $out " "] 0] [readfile $f]
}
# login: log LOGIN in with PASSWORD (default pw-LOGIN-123) into a new cookie jar; returns the jar
# (and remembers the session's CSRF token from the page it lands on). An administrator passes its
# second factor as a person would (testlib::secondFactor: enrols when the box asks, answers the code
# step with the enrolled secret). The status and page of the login POST are in ::lastLogin and
# ::lastLoginPage.
proc login {login {password ""}} {
    if {$password eq ""} { set password "pw-$login-123" }
    set jar [file join $::jars $login.[incr ::njar]]
    lassign [get $jar /login] code page
    regexp {name="pre" value="([^"]*)"} $page -> pre
    lassign [post $jar /login [list pre $pre login $login password $password next ""] 1] ::lastLogin ::lastLoginPage
    testlib::secondFactor $jar $login
    lassign [get $jar /settings/notify] code page
    if {[regexp {name="csrf" value="([^"]*)"} $page -> c]} { set ::csrf($jar) $c }
    return $jar
}
# postfile: {code body location} of a multipart POST to PATH with text FIELDS and FILE ("" = none)
# uploaded as `file`; the session's CSRF token is added.
proc postfile {jar path fields file} {
    set f [file join $::jars body.[incr ::nbody]]
    set args [list -F csrf=$::csrf($jar)]
    foreach {k v} $fields { lappend args -F $k=$v }
    if {$file ne ""} { lappend args -F file=@$file }
    set out [curl -b $jar -c $jar -o $f -w "%{http_code} %{redirect_url}" {*}$args $::H$path]
    list [lindex $out 0] [readfile $f] [lindex $out 1]
}

# ---- the TOTP second factor of the admin roles, as the person at the browser passes it ----
# testlib::totp holds per login: secret (the base32 secret it enrolled with), step (the last time
# step the helpers spent: the box refuses a step twice) and recovery (the recovery codes shown).
namespace eval testlib { variable totp {} }

# testlib::totpNow: the time (seconds) codes are made for: ::totpNow when the suite set it (a
# server on a fixed test clock), else the real time.
proc testlib::totpNow {} {
    expr {[info exists ::totpNow] ? $::totpNow : [clock seconds]}
}

# testlib::totpCode LOGIN: a code of LOGIN's enrolled secret (computed with the box's own
# session::totp::code) for a time step not spent yet: the step before now, now or after (the drift
# the box accepts); on the real clock waits for the next step when all three are spent. The step
# is recorded as spent.
proc testlib::totpCode {login} {
    variable totp
    set secret [dict get $totp $login secret]
    while 1 {
        set now [totpNow]
        foreach d {-30 0 30} {
            set step [expr {($now + $d) / 30}]
            if {![dict exists $totp $login step] || $step > [dict get $totp $login step]} {
                dict set totp $login step $step
                return [session::totp::code $secret [expr {$step * 30}]]
            }
        }
        if {[info exists ::totpNow]} { error "no TOTP step left for $login on the fixed test clock" }
        after 1000
    }
}

# testlib::secondFactor JAR LOGIN: after a password login into JAR (::lastLocation its redirect),
# pass LOGIN's second factor: at the code step with the secret it enrolled with (when the helpers
# know it), at the enrolment by reading the secret off the page (id="secret") and confirming it
# with a code, keeping the recovery codes shown. Does nothing for other redirects.
proc testlib::secondFactor {jar login} {
    variable totp
    if {[string match */login/totp* $::lastLocation] && [dict exists $totp $login secret]} {
        regexp {name="csrf" value="([^"]*)"} [lindex [get $jar /login/totp] 1] -> c
        set ::csrf($jar) $c
        post $jar /login/totp [list code [totpCode $login]]
    } elseif {[string match */account/totp $::lastLocation]} {
        set page [lindex [get $jar /account/totp] 1]
        if {![regexp {id="secret"[^>]*>([A-Z2-7 ]+)<} $page -> secret]
            || ![regexp {name="csrf" value="([^"]*)"} $page -> c]} {
            error "no enrolment form for $login: $page"
        }
        set ::csrf($jar) $c
        dict set totp $login secret [string map {" " ""} $secret]
        lassign [post $jar /account/totp [list op enrol code [totpCode $login]]] code page
        dict set totp $login recovery [recoveryCodes $page]
        if {![llength [dict get $totp $login recovery]]} {
            error "TOTP enrolment of $login failed (a server on a fixed test clock needs ::totpNow): [string range $page 0 400]"
        }
    }
}

# testlib::totpFile LOGIN ...: a JSON file giving the browser scripts (tests/browser/secondfactor.mjs,
# through env TOTP_FILE) the secret each LOGIN enrolled with here and the last step spent; returns
# its path.
proc testlib::totpFile {args} {
    variable totp
    set f [file join [scratch] totp.[incr ::testlib::n].json]
    set items {}
    foreach login $args {
        lappend items [format {"%s":{"secret":"%s","step":%d}} $login [dict get $totp $login secret] \
                           [expr {[dict exists $totp $login step] ? [dict get $totp $login step] : 0}]]
    }
    set ch [open $f w]
    puts -nonewline $ch "{[join $items ,]}"
    close $ch
    return $f
}

# testlib::recoveryCodes PAGE: the recovery codes the page lists (ol#recovery-codes).
proc testlib::recoveryCodes {page} {
    if {![regexp {<ol class="recovery" id="recovery-codes">(.*?)</ol>} $page -> list]} { return {} }
    lmap {- c} [regexp -all -inline {<li><code>([^<]*)</code></li>} $list] { set c }
}

# pageText: the text nodes of HTML page PAGE a person reads, one per line: scripts, styles, code,
# preformatted text, form values and options are left out; entities decoded.
proc pageText {page} {
    foreach tag {script style code pre textarea kbd samp option} {
        regsub -all "(?s)<$tag\\M\[^>\]*>.*?</$tag>" $page "\n" page
    }
    regsub -all {<[^>]*>} $page "\n" page
    string map {&lt; < &gt; > &quot; \" &#39; ' &nbsp; " " &amp; &} $page
}
# isoTimes: the ISO timestamps (2026-03-02T10:05:00+08:00, 2026-03-02 10:05) in TEXT (plain text, as
# pageText gives it: a datetime= attribute is not text), which people should read as web::when
# gives them (2026年3月2日 10:05).
proc isoTimes {text} {
    regexp -all -inline {\m\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:[+-]\d\d:\d\d|Z)?} $text
}
# dbq: the rows of SQL run directly on the server's database (::dir/yqbox.db).
proc dbq {sql} {
    package require sqlite3
    sqlite3 tdb $::dir/yqbox.db
    tdb timeout 5000
    try { return [tdb eval $sql] } finally { tdb close }
}

testConstraint root [expr {[exec id -u] == 0}]
testConstraint static [testlib::isStatic [info nameofexecutable]]
testConstraint dev [expr {$::yqbox::dev}]
testConstraint haveScript [expr {[auto_execok script] ne ""}]
testConstraint haveSetpriv [expr {[auto_execok setpriv] ne ""}]

# remove the scratch directories when the suite ends
proc testlib::cleanup {} {
    foreach d $::testlib::temps { catch {file delete -force $d} }
}
proc ::tcltest::cleanupTestsHook {} {
    testlib::cleanup
}
