# disk.tcl - the free-disk watch. Below disk_floor_bytes free on the data directory's filesystem
# the box stops ingesting (the patrol stores nothing new) but keeps serving pages and logging
# people in; it says so once in the log, queues a notice to the system admins, keeps the state in
# disk_state (since when; a status page can show disk::status) and shows it in /metrics
# (yqbox_disk_free_bytes, yqbox_disk_floor_bytes, yqbox_disk_low). When space is back, ingest
# resumes, again with a log line and a notice. The background interpreter checks every minute and
# before each patrol.

namespace eval disk {}

conf::key disk_floor_bytes {integer 0 1125899906842624} 1073741824 \
    "数据目录所在文件系统的可用空间低于此字节数时暂停采集（页面和登录照常）；0 表示从不暂停"

# disk::status: the free space now, as a dict: free_bytes, floor_bytes, low (1 below the floor),
# since (ISO time the box went low, "" when it is not, or not recorded yet). No side effects.
proc disk::status {} {
    set free [dict get [server diskfree [yqbox::needdata]] free]
    set floor [conf::get disk_floor_bytes]
    set low [expr {$free < $floor}]
    set since ""
    if {$low && [db exists {SELECT 1 FROM sqlite_schema WHERE name = 'disk_state'}]} {
        set since [db onecolumn {SELECT coalesce(since, '') FROM disk_state WHERE id = 1 AND low = 1}]
    }
    dict create free_bytes $free floor_bytes $floor low $low since $since
}

# disk::low: whether ingest is paused for want of disk space now.
proc disk::low {} {
    dict get [status] low
}

# disk::check: measure and record a change of state (low or back)
# in disk_state with a log line and a notice to the system admins. Returns disk::status's dict.
proc disk::check {} {
    set s [status]
    dict with s {}
    set at [yqbox::iso]
    set was [db onecolumn {SELECT low FROM disk_state WHERE id = 1}]
    if {$was eq ""} { set was 0 }
    db transaction immediate {
        db eval {INSERT INTO disk_state(id, low, since, checked, free_bytes, floor_bytes)
                 VALUES(1, $low, CASE WHEN $low THEN $at END, $at, $free_bytes, $floor_bytes)
                 ON CONFLICT(id) DO UPDATE SET checked = $at, free_bytes = $free_bytes,
                     floor_bytes = $floor_bytes, low = $low,
                     since = CASE WHEN $low AND low = 0 THEN $at WHEN $low THEN since END}
        if {$low != $was} {
            set mb [expr {$free_bytes / 1048576}]
            set floormb [expr {$floor_bytes / 1048576}]
            if {$low} {
                ::log warning "free disk $mb MB is below disk_floor_bytes ($floormb MB): ingest paused, pages and logins go on"
                set subject "【运行状况】磁盘空间不足，已暂停采集"
                set body "数据目录所在磁盘剩余 $mb MB，低于设定下限 $floormb MB（disk_floor_bytes）。为保证系统继续运行，已暂停网络巡查采集；网页访问与登录不受影响。请尽快清理磁盘或扩容，空间恢复后采集自动继续。"
            } else {
                ::log info "free disk $mb MB is above disk_floor_bytes ($floormb MB) again: ingest resumed"
                set subject "【运行状况】磁盘空间已恢复，采集继续"
                set body "数据目录所在磁盘剩余 $mb MB，已高于设定下限 $floormb MB，网络巡查采集已自动恢复。"
            }
            notify::queue "" disk.[expr {$low ? "low" : "ok"}] sysadmin $subject $body
        }
    }
    return [status]
}

# disk::job: the background job (every minute, and crawl::Run before each patrol): disk::check,
# its result in words.
proc disk::job {} {
    set s [check]
    set text [format "剩余 %.1f GB，下限 %.1f GB" [expr {[dict get $s free_bytes] / 1e9}] [expr {[dict get $s floor_bytes] / 1e9}]]
    expr {[dict get $s low] ? "$text：低于下限，巡查采集已暂停" : $text}
}
job::define disk 磁盘空间 60 disk::job -catchup last
# and once at the start, before the patrol's first run
lappend server::onstart {if {[catch disk::check msg]} { ::log error "disk check: $msg" }}
