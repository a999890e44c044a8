# backup.tcl - backups of a data directory: `yqbox backup`, `yqbox restore`, the nightly backup job
# and the records of both (table `backup`, migration 013).
#
# A backup is taken online: the database is copied with SQLite's backup API from a read-only
# connection (one consistent snapshot while the server keeps writing), and every other file of
# the data directory goes with it: appliance.conf, the TLS certificate and key, the submissions'
# attachments, the audit archive, the published column pages. Left out: the live database files
# (the snapshot replaces them), the pid file and control socket, the logs, and the backup
# directory itself when it lies inside the data directory.
#
# The backup file is one gzip stream (so a damaged file fails its CRC), holding lines and bytes:
#     YQBOX-BACKUP 1
#     META {version V schema N created ISO files K}
#     FILE SIZE SHA256 MODE PATH      (K times, the database snapshot yqbox.db first; each followed
#     ...SIZE bytes...\n               by its SIZE bytes and a newline; PATH relative, Tcl-quoted)
#     END K
# `yqbox restore` reads and checks all of it (sizes, SHA-256 of every file, the snapshot's
# integrity_check and schema) into a new directory beside the target before anything is replaced;
# the directory it replaces is kept, renamed DATADIR.before-restore-TIME.

namespace eval backup {
    variable magic "YQBOX-BACKUP 1"
    variable maxline 8192            ;# longest header line read from a backup file
    variable maxfile 68719476736     ;# largest single file accepted from a backup file (64 GiB)
}

conf::key backup_dir string backup \
    "每晚备份的目录（相对数据目录；尽量放在另一块磁盘上）"
conf::key backup_time hhmm 02:30 \
    "每天此时刻之后进行当晚的备份"
conf::key backup_keep_days {integer 0 3650} 14 \
    "每晚备份保留的天数；0 表示不做每晚备份"

dict set yqbox::subcommands backup {"?-d DATADIR? FILE" "将数据目录（数据库、附件、配置）在线备份到文件 FILE"}
dict set yqbox::subcommands restore {"FILE DATADIR" "完整检查备份文件 FILE，再将其恢复为数据目录 DATADIR（原目录保留在旁）"}

# backup::Dir: the configured backup directory as an absolute path (relative to data directory DIR).
proc backup::Dir {dir} {
    set b [conf::get backup_dir]
    if {[file pathtype $b] ne "absolute"} { set b [file join $dir $b] }
    file normalize $b
}

# backup::Excluded: the absolute paths (files or directories) of data directory DIR that a backup
# leaves out (see the file comment).
proc backup::Excluded {dir} {
    set out [list [Dir $dir]]
    foreach f {yqbox.db yqbox.db-wal yqbox.db-shm yqbox.db-journal yqbox.pid control.sock} {
        lappend out [file join $dir $f]
    }
    foreach key {log_file access_log} {
        set l [conf::get $key]
        if {$l in {- ""}} { continue }
        if {[file pathtype $l] ne "absolute"} { set l [file join $dir $l] }
        lappend out [file normalize $l]
    }
    return $out
}

# backup::Files: the regular files under DIR (relative paths, sorted) a backup holds, descending
# into REL. Symbolic links, sockets and the excluded paths are skipped.
proc backup::Files {dir {rel ""} {excluded ""}} {
    if {$rel eq ""} { set excluded [Excluded $dir] }
    set out {}
    set here [expr {$rel eq "" ? $dir : [file join $dir $rel]}]
    foreach p [lsort [glob -nocomplain -directory $here -tails * .*]] {
        if {$p in {. ..}} { continue }
        set r [expr {$rel eq "" ? $p : [file join $rel $p]}]
        set abs [file join $dir $r]
        if {$abs in $excluded} { continue }
        # rotated logs: LOG.TIME and LOG.TIME.gz beside an excluded log
        set skip 0
        foreach x $excluded {
            if {[string match "$x.*" $abs]} { set skip 1 }
        }
        if {$skip} { continue }
        switch -- [file type $abs] {
            file { lappend out $r }
            directory { lappend out {*}[Files $dir $r $excluded] }
        }
    }
    return $out
}

# backup::Snapshot: copy the database of data directory DIR to file TO with SQLite's online backup
# (a read-only connection: nothing in DIR changes) and check the copy. Returns its schema number.
proc backup::Snapshot {dir to} {
    set path [file join $dir yqbox.db]
    if {![file isfile $path]} { yq::fail db.none $dir }
    sqlite3 ::backup::src $path -readonly 1
    try {
        ::backup::src timeout 10000
        if {[::backup::src onecolumn {PRAGMA application_id}] != $::db::appid} {
            yq::fail db.foreign $path
        }
        ::backup::src backup $to
    } finally {
        ::backup::src close
    }
    lassign [Check $to] ok schema
    if {$ok ne "ok"} { yq::fail backup.snapshot $ok }
    return $schema
}

# backup::Check: open database file PATH (a snapshot or a restored copy) and return {CHECK SCHEMA
# IDS}: "ok" or the problems PRAGMA integrity_check finds, the last migration applied, and the
# migrations applied. Does not change the file.
proc backup::Check {path} {
    sqlite3 ::backup::chk $path -readonly 1
    try {
        if {[catch {::backup::chk onecolumn {PRAGMA application_id}} id] || $id != $::db::appid} {
            return [list "not a yqbox database" 0 {}]
        }
        set check [join [::backup::chk eval {PRAGMA integrity_check}] "; "]
        set ids {}
        if {[::backup::chk exists {SELECT 1 FROM sqlite_schema WHERE name = 'migration'}]} {
            set ids [::backup::chk eval {SELECT id FROM migration ORDER BY id}]
        }
        return [list $check [expr {[llength $ids] ? [lindex $ids end] : 0}] $ids]
    } finally {
        ::backup::chk close
    }
}

# backup::make: write a backup of data directory DIR to FILE (see the file comment), through a
# temporary file renamed into place at the end (FILE is never half-written). NOTE goes into the
# record. Returns a dict file bytes sha256 files schema. Errors leave no file behind.
proc backup::make {dir file {note ""}} {
    variable magic
    set dir [file normalize $dir]
    set file [file normalize $file]
    db::checkdir $dir
    if {[file exists $file]} { yq::fail backup.exists $file }
    db onecolumn {SELECT 1}   ;# opens the database (refused if newer than this yqbox) for the record
    set outdir [file dirname $file]
    if {![file isdirectory $outdir] || ![file writable $outdir]} {
        yq::fail backup.nowrite $file $outdir
    }
    set part $file.part-[pid]
    set snap $file.db-[pid]
    set out ""
    try {
        set schema [Snapshot $dir $snap]
        set files [linsert [Files $dir] 0 yqbox.db]
        set out [open $part {WRONLY CREAT EXCL BINARY} 0600]
        zlib push gzip $out -level 6
        puts $out $magic
        puts $out [list META [dict create version [dict get [yqbox::versions] yqbox] schema $schema \
                                  created [yqbox::iso] files [llength $files]]]
        foreach rel $files {
            set src [expr {$rel eq "yqbox.db" ? $snap : [file join $dir $rel]}]
            set size [file size $src]
            set sha [crypto sha256file $src]
            set mode [file attributes $src -permissions]
            puts $out [list FILE $size $sha $mode [encoding convertto utf-8 $rel]]
            set in [open $src rb]
            set copied [fcopy $in $out -size $size]
            close $in
            if {$copied != $size || [file size $src] != $size || [crypto sha256file $src] ne $sha} {
                yq::fail backup.changed $rel
            }
            puts $out ""
        }
        puts $out "END [llength $files]"
        close $out
        set out ""
        file rename $part $file
    } on error {msg opts} {
        if {$out ne ""} { catch {close $out} }
        file delete -- $part
        return -options $opts $msg
    } finally {
        file delete -- $snap $snap-wal $snap-shm
    }
    set r [dict create file $file bytes [file size $file] sha256 [crypto sha256file $file] \
               files [llength $files] schema $schema]
    Record backup $r $note
    return $r
}

# backup::Record: store a backup or restore (KIND) of R (see backup::make) with NOTE in the open
# data directory's database. Returns nothing.
proc backup::Record {kind r note} {
    set at [yqbox::iso]
    set version [dict get [yqbox::versions] yqbox]
    dict with r {
        db eval {INSERT INTO backup(kind, at, file, bytes, sha256, files, schema, version, note)
                 VALUES($kind, $at, $file, $bytes, $sha256, $files, $schema, $version, $note)}
    }
}

# backup::Line: the next line (at most backup::maxline bytes, without its newline) of backup
# channel F; errors when there is none or it is too long.
proc backup::Line {f what} {
    variable maxline
    set line ""
    while {[string length $line] <= $maxline} {
        set c [read $f 1]
        if {$c eq ""} { yq::fail backup.truncated $what }
        if {$c eq "\n"} { return $line }
        append line $c
    }
    yq::fail backup.longline $what
}

# backup::SafePath: whether relative path REL (from a backup) stays inside the directory it is
# restored into.
proc backup::SafePath {rel} {
    if {$rel eq "" || [string length $rel] > 4096 || [file pathtype $rel] ne "relative"} { return 0 }
    if {[string first \\ $rel] >= 0 || [regexp {[\x00-\x1f]} $rel]} { return 0 }
    foreach part [split $rel /] {
        if {$part in {"" . ..}} { return 0 }
    }
    return 1
}

# backup::Extract: read backup FILE completely into the new directory TO, checking everything (see
# the file comment). Returns the META dict plus files. Errors with what is wrong; TO is then left
# for the caller to remove.
proc backup::Extract {file to} {
    variable magic
    variable maxfile
    set f [open $file rb]
    try {
        if {[catch {zlib push gunzip $f} msg]} { yq::fail backup.notgzip $msg }
        if {[catch {Line $f 文件头} head] || $head ne $magic} { yq::fail backup.notbackup }
        set meta [Line $f "META 行"]
        if {[catch {llength $meta} n] || $n != 2 || [lindex $meta 0] ne "META"
            || [catch {dict get [lindex $meta 1] files} count] || ![string is entier -strict $count]} {
            yq::fail backup.badline "META 行"
        }
        set meta [lindex $meta 1]
        set seen {}
        for {set i 0} {$i < $count} {incr i} {
            set line [Line $f "第 [expr {$i + 1}] 个 FILE 行"]
            if {[catch {llength $line} n] || $n != 5 || [lindex $line 0] ne "FILE"} {
                yq::fail backup.badline "第 [expr {$i + 1}] 个 FILE 行"
            }
            lassign $line - size sha mode rel
            set rel [encoding convertfrom utf-8 $rel]
            if {![string is entier -strict $size] || $size < 0 || $size > $maxfile
                || ![regexp {^[0-9a-f]{64}$} $sha] || ![regexp {^0?[0-7]{3,4}$} $mode]
                || ![SafePath $rel] || [dict exists $seen $rel] || ($i == 0 && $rel ne "yqbox.db")} {
                yq::fail backup.badline "第 [expr {$i + 1}] 个 FILE 行"
            }
            dict set seen $rel 1
            set dest [file join $to $rel]
            file mkdir [file dirname $dest]
            file attributes [file dirname $dest] -permissions 0700
            set o [open $dest {WRONLY CREAT EXCL BINARY} 0600]
            # a read loop, not fcopy: fcopy hangs on a gzip stream cut short (Tcl 8.6.13)
            set left $size
            while {$left > 0} {
                set chunk [read $f [expr {min(65536, $left)}]]
                if {$chunk eq ""} { break }
                puts -nonewline $o $chunk
                incr left -[string length $chunk]
            }
            close $o
            if {$left} { yq::fail backup.cut $rel }
            if {[read $f 1] ne "\n"} { yq::fail backup.framing $rel }
            if {[crypto sha256file $dest] ne $sha} { yq::fail backup.checksum $rel }
            file attributes $dest -permissions [expr {"0$mode" & 0700}]
        }
        if {[Line $f "END 行"] ne "END $count"} { yq::fail backup.badline "END 行" }
        if {[read $f 1] ne ""} { yq::fail backup.trailing }
    } on error {msg} {
        yq::fail backup.bad $file $msg
    } finally {
        catch {close $f}
    }
    dict set meta files $count
    return $meta
}

# backup::restore: check backup FILE completely, then make it data directory DIR; an existing DIR
# is kept, renamed DIR.before-restore-TIME (its owner is given to the restored one). Refused while
# a server runs on DIR. Returns a dict file schema files aside (the kept directory, or ""). On any
# error DIR is as it was.
proc backup::restore {file dir} {
    set file [file normalize $file]
    set dir [file normalize $dir]
    if {![file isfile $file] || ![file readable $file]} { yq::fail backup.noread $file }
    if {[file exists [file join $dir control.sock]] && [control ping [file join $dir control.sock]]} {
        yq::fail backup.running $dir
    }
    set parent [file dirname $dir]
    if {![file isdirectory $parent] || ![file writable $parent]} {
        yq::fail backup.noparent $dir $parent
    }
    if {[file exists $dir] && ![file isdirectory $dir]} { yq::fail db.notdir $dir }
    # the file may lie inside DIR (its backup directory), which is moved aside below
    set r [dict create file $file bytes [file size $file] sha256 [crypto sha256file $file]]
    set stage $dir.restore-[pid]
    file delete -force -- $stage
    file mkdir $stage
    file attributes $stage -permissions 0700
    set aside ""
    try {
        set meta [Extract $file $stage]
        lassign [Check [file join $stage yqbox.db]] check schema ids
        if {$check ne "ok"} { yq::fail backup.bad $file [yq::mc backup.dbcheck $check] }
        set known [lmap m [db::migrations] {lindex $m 0}]
        foreach id $ids {
            if {$id ni $known} {
                yq::fail backup.newer $file $id [lindex $known end]
            }
        }
        if {[file exists $dir]} {
            if {[exec id -u] == 0} {
                foreach a {-owner -group} { file attributes $stage $a [file attributes $dir $a] }
                foreach p [Files $stage] {
                    foreach a {-owner -group} { file attributes [file join $stage $p] $a [file attributes $dir $a] }
                }
            }
            set aside $dir.before-restore-[clock format [clock seconds] -format %Y%m%d-%H%M%S]
            file rename -- $dir $aside
        }
        if {[catch {file rename -- $stage $dir} msg]} {
            if {$aside ne ""} { file rename -- $aside $dir }
            yq::fail backup.move $msg
        }
    } on error {msg opts} {
        file delete -force -- $stage
        return -options $opts $msg
    }
    dict set r files [dict get $meta files]
    dict set r schema $schema
    catch {db::shutdown}
    db::connect $dir
    Record restore $r [expr {$aside eq "" ? "" : "replaced $dir, kept as $aside"}]
    dict set r aside $aside
    return $r
}

# backup::nightly: the nightly backup job: once the day's backup_time has passed and there is no
# backup of the day yet, write BACKUPDIR/yqbox-YYYYMMDD-HHMMSS.yqbackup; then remove nightly
# backups older than backup_keep_days (by the date in their names). Returns what it did.
proc backup::nightly {} {
    set keep [conf::get backup_keep_days]
    if {$keep == 0} { return "未启用（backup_keep_days 为 0）" }
    set dir [yqbox::needdata]
    set bdir [Dir $dir]
    set now [yqbox::now]
    set tz :[conf::get timezone]
    set today [clock format $now -format %Y%m%d -timezone $tz]
    set out {}
    set due [clock scan "$today [conf::get backup_time]" -format {%Y%m%d %H:%M} -timezone $tz]
    if {$now < $due} {
        lappend out "今日备份时间未到（[conf::get backup_time]）"
    } elseif {[llength [glob -nocomplain -directory $bdir yqbox-$today-*.yqbackup]]} {
        lappend out "今日已备份"
    } else {
        file mkdir $bdir
        file attributes $bdir -permissions 0700
        set name yqbox-[clock format $now -format %Y%m%d-%H%M%S -timezone $tz].yqbackup
        job::item "备份 $name" {
            set r [make $dir [file join $bdir $name] nightly]
            lappend out "已备份 $name（[dict get $r bytes] 字节，[dict get $r files] 个文件）"
            ::log info "nightly backup [dict get $r file] ([dict get $r bytes] bytes, sha256 [dict get $r sha256])"
        }
    }
    set cut [clock format [clock add $now -$keep days -timezone $tz] -format %Y%m%d -timezone $tz]
    set removed 0
    foreach f [glob -nocomplain -directory $bdir yqbox-*.yqbackup] {
        if {[regexp {^yqbox-(\d{8})-\d{6}\.yqbackup$} [file tail $f] -> day] && $day < $cut} {
            job::item "删除过期备份 [file tail $f]" { file delete -- $f; incr removed }
        }
    }
    if {$removed} { lappend out "删除过期备份 $removed 个" }
    join $out "；"
}
job::define backup "夜间备份" 600 backup::nightly

# yqbox::cmd::backup: `yqbox backup -d DATADIR FILE`.
proc yqbox::cmd::backup {args} {
    if {[llength $args] != 1} { return [yqbox::Usage backup] }
    set r [backup::make [yqbox::needdata] [lindex $args 0] manual]
    puts [yq::mc backup.written [dict get $r file] [dict get $r bytes] [dict get $r files] \
        [dict get $r schema] [dict get $r sha256]]
    return 0
}

# yqbox::cmd::restore: `yqbox restore FILE DATADIR`.
proc yqbox::cmd::restore {args} {
    if {[llength $args] != 2} { return [yqbox::Usage restore] }
    set r [backup::restore {*}$args]
    puts [yq::mc backup.restored [dict get $r file] [file normalize [lindex $args 1]] [dict get $r files] \
        [dict get $r schema]]
    if {[dict get $r aside] ne ""} { puts [yq::mc backup.aside [dict get $r aside]] }
    return 0
}

# backup: the console's `backup list` (the records of backups and restores) and `backup now`.
cmdlayer::noun backup "数据备份：备份与恢复记录；立即运行夜间备份任务（yqbox backup / restore 在命令行）"
cmdlayer::command backup list {} "最近 50 次备份与恢复的记录" {
    set out {}
    db eval {SELECT * FROM backup ORDER BY id DESC LIMIT 50} r {
        lappend out [format "%-7s %s  %s  %s 字节  %s 个文件  schema %s  %s" \
                         [expr {$r(kind) eq "backup" ? "备份" : "恢复"}] $r(at) $r(file) \
                         $r(bytes) $r(files) $r(schema) $r(note)]
    }
    return [join $out \n]
}
cmdlayer::command backup now {} "立即运行一次夜间备份任务" { job::run backup }
