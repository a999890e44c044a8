# db.tcl - the appliance's one SQLite database: opening, checks and schema migrations.
#
# The database is DATADIR/yqbox.db in WAL mode with a busy timeout and foreign keys on. Its schema
# is built by numbered migrations, scripts/schema/NNN-name.sql, each applied once, in order, in its
# own transaction together with its row in the `migration` table, so a failed migration leaves the
# database as it was. The file carries SQLite's application_id 'yqbx' so that any other SQLite file
# (or garbage) in its place is refused with a clear message instead of being altered.

namespace eval db {
    variable appid 0x79716278
    variable datadir {}   ;# the open data directory
    variable dbfile {}    ;# the open database file
}

# db::migrations: the bundled migrations as a sorted list of {number name path}.
proc db::migrations {} {
    set out {}
    foreach path [glob -nocomplain -directory [yqbox::path scripts schema] *.sql] {
        if {![regexp {^(\d+)-([\w-]+)\.sql$} [file tail $path] -> n name]} {
            error "bad migration file name [file tail $path] (want NNN-name.sql)"
        }
        lappend out [list [scan $n %d] $name $path]
    }
    lsort -integer -index 0 $out
}

# db::checkdir: errors with a clear message unless DIR is an existing, readable and writable
# directory. Returns nothing; changes nothing.
proc db::checkdir {dir} {
    if {![file exists $dir]} {
        yq::fail db.nodir $dir
    }
    if {![file isdirectory $dir]} { yq::fail db.notdir $dir }
    if {![file readable $dir] || ![file executable $dir]} {
        yq::fail db.dirread $dir
    }
    if {![file writable $dir]} { yq::fail db.dirwrite $dir }
}

# db::secure: make data directory DIR private: the directory and those below it 0700, every file
# in them 0600 (the database holds password hashes, TOTP secrets and applicants' ID numbers).
# Whatever was open to others is repaired and named in one warning. Returns the number of paths
# repaired; errors (refusing to go on) when one cannot be repaired, e.g. it belongs to another user.
proc db::secure {dir} {
    set fixed {}
    set todo [list $dir]
    while {[llength $todo]} {
        set todo [lassign $todo d]
        foreach p [list $d {*}[glob -nocomplain -directory $d * .*]] {
            if {[file tail $p] in {. ..}} { continue }
            file lstat $p st
            if {$st(type) eq "directory" && $p ne $d} { lappend todo $p; continue }
            if {$st(type) ni {file directory}} { continue }
            set want [expr {$st(type) eq "directory" ? 0700 : 0600}]
            if {($st(mode) & 0777) != $want} {
                if {[catch {file attributes $p -permissions [format 0%o $want]} msg]} {
                    yq::fail db.private $dir $p $msg
                }
                lappend fixed "[file tail $p] [format %04o [expr {$st(mode) & 0777}]]"
            }
        }
    }
    if {[llength $fixed]} {
        ::log warning "data directory $dir was open to other local users; made private (directories 0700, files 0600): [join $fixed {, }]"
    }
    return [llength $fixed]
}

# db::connect: open DIR/yqbox.db as the command ::db and bring its schema up to date. With -create,
# a missing database file is created (init); without, a missing one is an error. Returns the number
# of migrations applied. On error ::db does not exist afterwards and the file is unchanged.
proc db::connect {dir args} {
    variable appid
    set create [expr {"-create" in $args}]
    checkdir $dir
    set path [file join $dir yqbox.db]
    if {!$create && ![file exists $path]} {
        yq::fail db.none $dir
    }
    if {[file exists $path] && (![file readable $path] || ![file writable $path])} {
        yq::fail db.access $path
    }
    # once per data directory in a process: the server's threads open it again after `serve`
    # made it private (their setup marks it, see yqbox::cmd::serve)
    variable secured
    if {![info exists secured([file normalize $dir])]} {
        secure $dir
        set secured([file normalize $dir]) 1
    }
    catch {db::shutdown} ;# not ::db close: the lazy ::db proc would open (and recurse)
    set new [expr {![file exists $path]}]
    if {[catch {sqlite3 ::db $path -create $create} msg]} {
        yq::fail db.open $path $msg
    }
    # a new database file is private before its WAL and shared-memory files (same mode) exist
    if {$new && [file exists $path]} { file attributes $path -permissions 0600 }
    # before the first statement: the server's threads open the database at the same time, and
    # one of them may find the WAL index being set up by another (SQLITE_BUSY without a wait)
    ::db timeout 5000
    try {
        if {[catch {::db eval {PRAGMA application_id}} id]} {
            yq::fail db.notours $path $id
        }
        set tables [::db eval {SELECT count(*) FROM sqlite_schema}]
        if {$id != $appid && $tables > 0} {
            yq::fail db.foreign $path
        }
        if {[::db eval {PRAGMA journal_mode=WAL}] ne "wal"} {
            yq::fail db.wal $path
        }
        ::db cache size 200   ;# prepared statements kept: the modules use many distinct ones
        ::db eval {PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL}
        set applied [expr {[file exists [file join $dir damaged.txt]] ? 0 : [migrate]}]
    } on error {msg opts} {
        catch {::db close}
        return -options $opts $msg
    }
    set ::db::datadir [file normalize $dir]
    set ::db::dbfile $path
    guard
    if {[llength [info commands ::county::sync]]} { county::sync }
    return $applied
}

# db::version: the number of the last migration applied to the open database (0 if none).
proc db::version {} {
    if {![::db exists {SELECT 1 FROM sqlite_schema WHERE name='migration'}]} { return 0 }
    ::db onecolumn {SELECT coalesce(max(id), 0) FROM migration}
}

# db::migrate: apply the bundled migrations the database does not have yet, in order, each in one
# transaction, with foreign keys off during them and checked before each commits (the setting is
# put back afterwards). Returns how many were applied. Errors (naming the migration) if one fails, or if the
# database has a migration this yqbox does not know (it was made by a newer yqbox).
proc db::migrate {} {
    variable appid
    set all [migrations]
    set known [lmap m $all {lindex $m 0}]
    set have {}
    if {[::db exists {SELECT 1 FROM sqlite_schema WHERE name='migration'}]} {
        set have [::db eval {SELECT id FROM migration ORDER BY id}]
    }
    foreach id $have {
        if {$id ni $known} {
            yq::fail db.newer $id [lindex $known end]
        }
    }
    set n 0
    # foreign keys off while migrating (SQLite's way to rebuild a table: dropping a parent table
    # must neither cascade into nor fail on its children), checked before each migration commits
    set fk [::db onecolumn {PRAGMA foreign_keys}]
    ::db eval {PRAGMA foreign_keys=OFF}
    try {
        foreach m $all {
            lassign $m id name path
            if {$id in $have} { continue }
            set f [::open $path r]
            fconfigure $f -encoding utf-8
            set sql [read $f]
            close $f
            if {[catch {
                ::db transaction {
                    ::db eval "PRAGMA application_id=[expr {$appid}]"
                    ::db eval {CREATE TABLE IF NOT EXISTS migration(
                                   id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)}
                    ::db eval $sql
                    set bad [::db eval {PRAGMA foreign_key_check}]
                    if {[llength $bad]} {
                        yq::fail db.fk [lrange $bad 0 7]
                    }
                    ::db eval {INSERT INTO migration(id, name, applied)
                               VALUES($id, $name, strftime('%Y-%m-%dT%H:%M:%SZ','now'))}
                }
            } msg]} {
                yq::fail db.migration [file tail $path] $msg
            }
            incr n
        }
    } finally {
        ::db eval "PRAGMA foreign_keys=[expr {$fk ? "ON" : "OFF"}]"
    }
    return $n
}

# db::available: whether the database can be used now: open already, or a data directory with a
# database is set, so the lazy ::db procedure can open it. No side effects.
proc db::available {} {
    if {![llength [info commands ::db]]} { return 0 }
    if {![llength [info procs ::db]]} { return 1 }
    expr {[info exists ::yqbox::datadir] && $::yqbox::datadir ne ""
          && [file isfile [file join $::yqbox::datadir yqbox.db]]}
}

# db::shutdown: close the database if it is open (the lazy ::db procedure is left alone). Returns
# nothing.
proc db::shutdown {} {
    if {[llength [info commands ::db]] && ![llength [info procs ::db]]} {
        ::db close
    }
}

# db::AtExit: the process's exit handler (a trace on Tcl's own `exit`, which stays as it is):
# closes the database first, so its WAL is checkpointed and removed. Arguments are the trace's.
proc db::AtExit {args} {
    catch {db::shutdown}
}
trace add execution ::exit enter db::AtExit

# db::integrity: "ok" or the problems PRAGMA integrity_check reports for the open database.
proc db::integrity {} {
    join [::db eval {PRAGMA integrity_check}] \n
}

# ---- damage: found by quick_check, then no writes until an administrator acts ----------------
#
# `yqbox serve` runs PRAGMA quick_check at start and the `integrity` job runs it daily. When it
# finds damage, the info office and the sysadmin are told (while the database still takes the
# notice), DATADIR/damaged.txt records what was found, and from then on every connection of every
# process is query-only (db::guard, called when a connection opens, before each web request and
# each background job): the box keeps serving what it has, and refuses to change anything, until an
# administrator restores a backup or runs `dbcheck` and it passes.

# db::marker: the path of the damage record of the open data directory.
proc db::marker {} {
    file join $::db::datadir damaged.txt
}

# db::damaged: what the damage record says ("" when the database is not marked damaged).
proc db::damaged {} {
    if {![info exists ::db::datadir] || ![file exists [marker]]} { return "" }
    if {[catch {::open [marker] r} f]} { return "数据库已标记为损坏（记录无法读取）" }
    fconfigure $f -encoding utf-8
    set text [read $f 4000]
    close $f
    return [string trim $text]
}

# db::guard: make the open connection query-only when the database is marked damaged. Cheap (one
# stat); returns 1 when writes are refused, else 0.
proc db::guard {} {
    if {![info exists ::db::datadir] || ![file exists [file join $::db::datadir damaged.txt]]} { return 0 }
    if {[llength [info commands ::db]] && ![llength [info procs ::db]]} {
        ::db eval {PRAGMA query_only=1}
    }
    return 1
}

# db::quickcheck: the problems PRAGMA quick_check finds in the open database (at most 20), as a
# list; empty when it is sound. With BUDGET (milliseconds; 0 = none), a check that takes longer is
# given up (SQLite's progress handler) with the error code {YQBOX DB LATER}; so is a check in a
# server that is stopping (its workers have stopped: a large database takes many seconds).
proc db::quickcheck {{budget 0}} {
    variable checkUntil [expr {$budget > 0 ? [clock milliseconds] + $budget : 0}]
    ::db progress 1000 {db::CheckGiveUp}
    try {
        set r [::db eval {PRAGMA quick_check(20)}]
    } on error {msg opts} {
        if {[::db errorcode] == 9} { return -code error -errorcode {YQBOX DB LATER} $msg }
        return -options $opts $msg
    } finally {
        ::db progress 0 {}
    }
    expr {$r eq "ok" ? {} : $r}
}

# db::CheckGiveUp: the progress handler of db::quickcheck: 1 (give up) when its budget is spent or
# the server this runs in is stopping (every worker stopped), else 0.
proc db::CheckGiveUp {} {
    variable checkUntil
    if {$checkUntil && [clock milliseconds] > $checkUntil} { return 1 }
    if {[catch {dict get [server stats] workers} ws] || ![llength $ws]} { return 0 }
    expr {[lsearch -exact -not [lmap w $ws { dict get $w state }] stopped] < 0}
}

# db::checkhealth: run quick_check; on damage tell the office and the sysadmin (if the database
# still takes the notice), write the damage record, log it and make this connection query-only.
# Returns the problems (empty when sound). With BUDGET (milliseconds), a check that takes longer
# is given up: error code {YQBOX DB LATER}, nothing recorded.
proc db::checkhealth {{budget 0}} {
    if {[catch {quickcheck $budget} problems opts]} {
        if {[dict get $opts -errorcode] eq {YQBOX DB LATER}} { return -options $opts $problems }
        set problems [list $problems]
    }
    if {![llength $problems]} { return {} }
    set first [lrange $problems 0 4]
    ::log error "database damaged: [join $first {; }]"
    if {[damaged] eq ""} {
        catch {
            org::as {login system user_id {} roles {} unit_id {} unit {} origin system superuser 1} {
                ::db transaction {
                    notify::queue "" db.damaged {sysadmin office} "数据库检查发现损坏，系统已暂停写入" \
                        [join [list "数据目录：$::db::datadir" "发现：[join $first {；}]" \
                                   "系统继续提供查询，但拒绝一切修改。请系统管理员从备份恢复（yqbox restore），或在控制台运行 dbcheck 复查。"] \n]
                    audit::record db.damaged db:main -after [join $first "; "]
                }
            }
        }
        set f [::open [marker] w 0600]
        fconfigure $f -encoding utf-8
        puts $f "[yqbox::iso] 数据库检查（quick_check）发现损坏，已暂停写入：\n[join $problems \n]"
        close $f
    }
    guard
    return $problems
}

# db::checkjob: the daily integrity job: errors (the job's run fails) when damage is found.
proc db::checkjob {} {
    try {
        set p [checkhealth]
    } trap {YQBOX DB LATER} {} {
        return "quick_check given up: the server is stopping"
    }
    if {[llength $p]} { error "数据库损坏：[lindex $p 0]" }
    return "quick_check ok"
}
job::define integrity 数据库检查 86400 db::checkjob

# dbcheck: the console's way out once the damage is dealt with (a backup restored, or the database
# repaired): runs quick_check; when it passes, removes the damage record and allows writes again.
cmdlayer::command dbcheck "" {} "复查数据库（quick_check）；发现损坏后暂停写入，复查通过才恢复写入" {
    set p [db::quickcheck]
    if {[llength $p]} {
        return "数据库仍有损坏，继续暂停写入：[join [lrange $p 0 4] {；}]。请从备份恢复（yqbox restore）。"
    }
    if {[db::damaged] eq ""} { return "数据库检查通过（quick_check ok）" }
    file delete [db::marker]
    ::db eval {PRAGMA query_only=0}
    audit::record db.recovered db:main -after "quick_check ok"
    return "数据库检查通过，已恢复写入（各进程在下一次请求或任务时恢复）"
}

cmdlayer::external db {子命令 ...} "数据库（SQLite）命令，例如 db eval {SELECT ...}"
