# pages.tcl - the server time of staff pages, in process (run by bench/web.sh and bench/city.sh):
# each page handled CALLS times through web::handle with a logged-in session of LOGIN; prints the
# median per page as a table line and a FIGURE line (bench/lib.sh's format), and writes the
# session token to TOKENFILE (for the scripts that then measure through the server).
#   yqbox run -d DIR bench/pages.tcl LOGIN CALLS TOKENFILE TITLE {FIGURE NAME TARGET GOAL ...}
# Errors when a page does not answer 200. Not a test.
lassign $argv login calls tokenfile title pages
web::init
set uid [db onecolumn {SELECT id FROM user WHERE login = $login}]
lassign [session::create $uid 127.0.0.1 bench] token

# benchReq: the request dict of GET TARGET with the session's cookie
proc benchReq {target} {
    set path [lindex [split $target ?] 0]
    set query [expr {[string first ? $target] >= 0 ? [string range $target [string first ? $target]+1 end] : ""}]
    dict create method GET target $target path $path query $query peer 127.0.0.1 scheme https \
        headers [list host localhost cookie "__Host-yqbox=$::token"] body "" params {}
}

puts [format "%-44s %10s %10s %s" $title "median ms" "bytes" "goal"]
foreach {figure name target goal} $pages {
    set r [benchReq $target]
    set res [web::handle $r]
    if {[lindex $res 0] != 200} { error "$target: status [lindex $res 0]" }
    set ts {}
    for {set i 0} {$i < $calls} {incr i} {
        set t0 [clock microseconds]
        web::handle $r
        lappend ts [expr {[clock microseconds] - $t0}]
    }
    set ms [expr {[lindex [lsort -integer $ts] [expr {$calls / 2}]] / 1000.0}]
    puts [format "%-44s %10.2f %10d %s" $name $ms [string length [lindex $res 2]] $goal]
    puts [format "FIGURE %s %.2f ms_median - - %s" $figure $ms $goal]
}
set f [open $tokenfile w]; puts -nonewline $f $token; close $f
