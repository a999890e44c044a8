# weblib.tcl - helpers of the suites that drive a real `yqbox serve` over HTTPS with curl: free
# ports, a server started on a data directory (optionally on the test clock), GET and POST with a
# cookie jar and the session's CSRF token, login, and reading the database beside the server.
# (web.test, office.test and server.test still carry their own copies of some of these.)
#
# Globals used: ::H (the server's https://127.0.0.1:PORT), ::jars (the directory of cookie jars
# and response bodies), ::dir (the data directory), ::csrf(JAR).
package require sqlite3

# weblib::freeports: N free TCP ports on 127.0.0.1.
namespace eval weblib {}
proc weblib::freeports {n} {
    set socks {}; set ports {}
    for {set i 0} {$i < $n} {incr i} {
        set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
        lappend socks $s; lappend ports [lindex [fconfigure $s -sockname] 2]
    }
    foreach s $socks { close $s }
    return $ports
}

# weblib::serve: start `yqbox serve -d DIR` with the environment ENV ({NAME VALUE ...}, e.g. the
# test clock) and wait until it serves. Returns the pipe (its pid stops it: weblib::stop).
proc weblib::serve {dir {env {}}} {
    set saved [array get ::env]
    foreach {k v} $env { set ::env($k) $v }
    try {
        set chan [open |[list {*}[testlib::exe] serve -d $dir 2> $dir/stderr.log] r]
    } finally {
        foreach {k v} $env { unset -nocomplain ::env($k) }
        array set ::env $saved
    }
    while {[gets $chan line] >= 0 && ![string match *serving* $line]} {}
    return $chan
}

# weblib::stop: stop the server of pipe CHAN (SIGTERM) and close the pipe.
proc weblib::stop {chan} {
    exec kill -TERM [pid $chan]
    catch {close $chan}
}

# curl: curl with ARGS (stdout, or "curl failed: ...").
proc curl {args} {
    if {[catch {exec curl -sS -k --max-time 20 {*}$args} out]} { return "curl failed: $out" }
    return $out
}

# get: {code body} of GET PATH with cookie jar JAR ("" = none).
proc get {jar path} {
    set f [file join $::jars body.[incr ::nbody]]
    set j [expr {$jar eq "" ? {} : [list -b $jar -c $jar]}]
    set code [curl {*}$j -o $f -w %{http_code} $::H$path]
    list $code [readfile $f]
}

# post: {code body} of POST PATH with form FIELDS {name value ...}; the session's CSRF token is
# added unless NOCSRF.
proc post {jar path fields {nocsrf 0}} {
    set f [file join $::jars body.[incr ::nbody]]
    set args {-d ""}
    if {!$nocsrf && [info exists ::csrf($jar)]} { lappend args --data-urlencode csrf=$::csrf($jar) }
    foreach {k v} $fields { lappend args --data-urlencode $k=$v }
    set code [curl -b $jar -c $jar -o $f -w %{http_code} {*}$args $::H$path]
    list $code [readfile $f]
}

# login: log LOGIN in (password pw-LOGIN-123) into a new cookie jar; returns the jar, and
# remembers the session's CSRF token.
proc login {login} {
    set jar [file join $::jars $login.[incr ::njar]]
    lassign [get $jar /login] code page
    regexp {name="pre" value="([^"]*)"} $page -> pre
    post $jar /login [list pre $pre login $login password pw-$login-123 next ""] 1
    lassign [get $jar /settings/notify] code page
    if {[regexp {name="csrf" value="([^"]*)"} $page -> c]} { set ::csrf($jar) $c }
    return $jar
}

# dbq: the rows of SQL on the server's database (read beside it; WAL).
proc dbq {sql} {
    sqlite3 tdb $::dir/yqbox.db
    tdb timeout 5000
    try { return [tdb eval $sql] } finally { tdb close }
}
