# service.tcl - yqbox as a long-running service: its log files and their rotation, `yqbox doctor`,
# the systemd unit, and `yqbox upgrade`.

conf::key log_file string "" \
    "应用日志：留空为标准错误（systemd 下即 journal），或为文件（相对数据目录）"

# ---- yqbox doctor ---------------------------------------------------------------------------------

dict set yqbox::subcommands doctor {"?-d DATADIR?" "检查求助前管理员应了解的情况，每项一行"}

# doctor::checks: the checks in the order printed: name -> {标题 procedure}.
namespace eval doctor {
    variable checks {
        perms    {权限 doctor::Perms}
        disk     {磁盘空间 doctor::Disk}
        database {数据库 doctor::Database}
        audit    {审计日志 doctor::Audit}
        cert     {证书 doctor::Cert}
        calendar {节假日日历 doctor::Calendar}
        jobs     {后台任务 doctor::Jobs}
        sources  {巡查来源 doctor::Sources}
        notify   {通知队列 doctor::Notify}
        backup   {备份 doctor::Backup}
        clock    {系统时钟 doctor::Clock}
        server   {服务 doctor::Server}
    }
}

# doctor::run: run every check on data directory DIR. Returns a list of {ok 标题 text} (ok 1 when
# fine, 0 when the text says what to do). A check that fails to run is reported as such.
proc doctor::run {dir} {
    variable checks
    set out {}
    dict for {name c} $checks {
        lassign $c title proc
        if {[catch {$proc $dir} r]} { set r [list 0 "检查未能完成：$r"] }
        lappend out [list {*}$r $title]
    }
    lmap r $out { list [lindex $r 0] [lindex $r 2] [lindex $r 1] }
}

# doctor::Mode: the permission bits of PATH as "0700".
proc doctor::Mode {path} {
    format %04o [expr {[file attributes $path -permissions] & 07777}]
}

# doctor::Perms: the data directory is 0700, its database and key files 0600, all owned by the
# user the directory belongs to (db::checkdir for the basics).
proc doctor::Perms {dir} {
    if {[catch {db::checkdir $dir} msg]} { return [list 0 "$msg：请检查运行服务的用户"] }
    set problems {}
    if {[Mode $dir] ne "0700"} { lappend problems "数据目录权限为 [Mode $dir]（应为 0700：chmod 700 $dir）" }
    set owner [file attributes $dir -owner]
    foreach f {yqbox.db tls-key.pem appliance.conf} {
        set p [file join $dir $f]
        if {![file exists $p]} { continue }
        if {[expr {[file attributes $p -permissions] & 077}]} {
            lappend problems "$f 权限为 [Mode $p]，其他用户可读（chmod 600 $p）"
        }
        if {[file attributes $p -owner] ne $owner} {
            lappend problems "$f 的属主是 [file attributes $p -owner]，不是数据目录的属主 $owner（chown $owner $p）"
        }
    }
    if {[llength $problems]} { return [list 0 [join $problems "；"]] }
    list 1 "数据目录 $dir 属主 $owner，权限 0700"
}

# doctor::Disk: free space of the data directory's file system against disk_floor_bytes (below
# it the patrol is paused: disk.tcl).
proc doctor::Disk {dir} {
    set d [server diskfree $dir]
    set free [dict get $d free]
    set floor [conf::get disk_floor_bytes]
    set text [format "可用 %.1f GB / 共 %.1f GB" [expr {$free / 1e9}] [expr {[dict get $d total] / 1e9}]]
    if {$free < $floor} {
        return [list 0 "$text，低于 disk_floor_bytes（[format %.1f [expr {$floor / 1e9}]] GB），巡查采集已暂停：请清理旧备份与日志或扩容"]
    }
    list 1 $text
}

# doctor::Database: PRAGMA quick_check and the schema.
proc doctor::Database {dir} {
    set r [join [db eval {PRAGMA quick_check}] "; "]
    if {$r ne "ok"} { return [list 0 "quick_check 报告：$r；请停止服务，用最近的备份恢复（yqbox restore）并联系技术支持"] }
    list 1 "quick_check 正常，schema [db::version]，[format %.1f [expr {[file size [file join $dir yqbox.db]] / 1e6}]] MB"
}

# doctor::Audit: the audit log's hash chain.
proc doctor::Audit {dir} {
    if {[catch {audit::verify} r]} { return [list 0 "$r：审计日志被改动，请保全数据目录并报告安全管理员"] }
    list 1 "哈希链完整（[string map {"ok: " "" " entries" " 条"} $r]）"
}

# doctor::Cert: the TLS certificate's end of validity (warn 30 days ahead).
proc doctor::Cert {dir} {
    set cert [conf::path tls_cert]
    if {$cert eq ""} { set cert [file join $dir tls-cert.pem] }
    if {![file exists $cert]} {
        if {[conf::get tls_cert] eq ""} { return [list 1 "尚未生成（首次启动时自动生成自签名证书）"] }
        return [list 0 "证书文件 $cert 不存在：请检查 tls_cert 配置"]
    }
    set end [clock scan [server certexpiry $cert] -format {%Y-%m-%d %H:%M:%S} -timezone :UTC]
    set days [expr {($end - [yqbox::now]) / 86400}]
    set when [clock format $end -format %Y-%m-%d -timezone :[conf::get timezone]]
    if {$days < 0} { return [list 0 "证书已于 $when 过期：请更换证书（tls_cert/tls_key）后 systemctl reload yqbox"] }
    if {$days < 30} { return [list 0 "证书将于 $when 过期（剩 $days 天）：请及时更换证书后 systemctl reload yqbox"] }
    list 1 "有效期至 $when（剩 $days 天）"
}

# doctor::Calendar: the years with an official holiday calendar, and the one missing, if any.
proc doctor::Calendar {dir} {
    set p [calendar::pending]
    set y [clock format [yqbox::now] -format %Y -timezone :[conf::get timezone]]
    set have {}
    foreach cand [list [expr {$y - 1}] $y [expr {$y + 1}]] {
        if {[dict get [calendar::Source $cand] kind] eq "official"} { lappend have $cand }
    }
    if {$p ne ""} { return [list 0 $p] }
    list 1 "已有官方安排的年份：[join $have 、]"
}

# doctor::Jobs: background jobs whose last run failed.
proc doctor::Jobs {dir} {
    set bad [job::failing]
    if {[llength $bad]} {
        return [list 0 "[join [lmap j $bad {format "%s 连续 %s 次失败（%s）" [dict get $j title] [dict get $j failures] [dict get $j result]}] "；"]：请在控制台运行 job list 查看日志"]
    }
    set n [db onecolumn {SELECT count(*) FROM job WHERE ok = 1}]
    list 1 "最近一次运行均正常（$n 个已运行）"
}

# doctor::Sources: enabled sources failing in a row.
proc doctor::Sources {dir} {
    set bad [db eval {SELECT name FROM source WHERE enabled AND failures >= 3 ORDER BY name}]
    set n [db onecolumn {SELECT count(*) FROM source WHERE enabled}]
    if {[llength $bad]} {
        return [list 0 "$n 个来源中 [llength $bad] 个连续抓取失败：[join [lrange $bad 0 9] 、]：请在“来源”页或控制台 source list 查看原因"]
    }
    list 1 "$n 个来源均可抓取"
}

# doctor::Notify: notifications queued for more than an hour (SMTP or webhook unreachable).
proc doctor::Notify {dir} {
    set cut [yqbox::iso [expr {[yqbox::now] - 3600}]]
    set queued [db onecolumn {SELECT count(*) FROM notification WHERE state = 'queued'}]
    set old [db onecolumn {SELECT count(*) FROM notification WHERE state = 'queued' AND created < $cut}]
    if {$old} {
        set err [db onecolumn {SELECT last_error FROM notification WHERE state = 'queued' AND last_error != '' ORDER BY id DESC LIMIT 1}]
        return [list 0 "$queued 条通知待发送，其中 $old 条超过 1 小时[expr {$err eq "" ? "" : "（最近错误：$err）"}]：请检查 smtp_* 与 webhook 配置"]
    }
    list 1 "待发送 $queued 条"
}

# doctor::Backup: the newest backup recorded (warn when older than two days while nightly backups
# are on).
proc doctor::Backup {dir} {
    set last [db onecolumn {SELECT at FROM backup WHERE kind = 'backup' ORDER BY id DESC LIMIT 1}]
    if {[conf::get backup_keep_days] == 0} {
        return [list 1 "夜间备份未启用（backup_keep_days 0）；最近一次备份：[expr {$last eq "" ? "无" : $last}]"]
    }
    if {$last eq "" || [yqbox::seconds $last] < [yqbox::now] - 2 * 86400} {
        return [list 0 "最近一次备份：[expr {$last eq "" ? "无" : $last}]，超过两天：请检查夜间备份任务（job list）或运行 yqbox backup"]
    }
    list 1 "最近一次备份：$last"
}

# doctor::Clock: the system clock against the newest time the appliance recorded (audit entries,
# job runs, fetches): a clock behind them has been set back.
proc doctor::Clock {dir} {
    set newest [db onecolumn {SELECT max(t) FROM (SELECT max(at) AS t FROM audit WHERE at GLOB '[0-9][0-9][0-9][0-9]-*'
                              UNION ALL SELECT max(last_end) FROM job WHERE last_end GLOB '[0-9][0-9][0-9][0-9]-*')}]
    set now [yqbox::now]
    if {$newest ne "" && [set ahead [expr {[yqbox::seconds $newest] - $now}]] > 300} {
        return [list 0 "系统时间比已记录的最新时间（$newest）早 [expr {$ahead / 60}] 分钟：时钟被调回，请校准时间（chrony/NTP）后重启服务"]
    }
    list 1 "[yqbox::iso $now]（[conf::get timezone]），不早于已记录的最新时间"
}

# doctor::Server: whether a server answers on the data directory's control socket.
proc doctor::Server {dir} {
    set sock [file join $dir control.sock]
    if {[file exists $sock] && [control ping $sock]} { return [list 1 "运行中"] }
    list 1 "未运行（systemctl start yqbox 启动）"
}

# yqbox::cmd::doctor: print the checks, one line each ("正常" or "处理" and what to do). Exit 0 when
# all are fine, 1 otherwise.
proc yqbox::cmd::doctor {args} {
    if {[llength $args]} { return [yqbox::Usage doctor] }
    set dir [yqbox::needdata]
    db::connect $dir
    set bad 0
    foreach r [doctor::run $dir] {
        lassign $r ok title text
        puts "[expr {$ok ? "正常" : "处理"}]  $title：$text"
        if {!$ok} { incr bad }
    }
    return [expr {$bad ? 1 : 0}]
}

# ---- log files and their rotation ------------------------------------------------------------------
#
# With log_file set, the server sends its standard error (every log line, from C and from Tcl) to
# that file; the access log is the access_log key (server.tcl). The job logrotate (every minute)
# renames a log that is larger than log_max_bytes, or was started on an earlier day, to
# LOG.YYYYMMDD-HHMMSS, reopens LOG, compresses the renamed one to LOG.YYYYMMDD-HHMMSS.gz and removes
# rotated logs older than log_keep_days. Logging never stops the server: a failed write is dropped
# (C ignores it), a failed open keeps the old file, a failed compression keeps the uncompressed
# file, and each failure is counted in the job's record (yqbox doctor, job list).

conf::key log_max_bytes {integer 1024 1099511627776} 52428800 \
    "日志文件（log_file、access_log）超过此字节数时轮转"
conf::key log_keep_days {integer 1 3650} 30 \
    "轮转后的日志文件保留的天数"
conf::key log_compress boolean 1 \
    "压缩轮转后的日志文件（gzip）"

namespace eval logs {
    variable day {}   ;# log path -> the day (YYYYMMDD) it was opened or last rotated
}

# logs::Path: the absolute path of the log named by config KEY (log_file, access_log), or "" when
# that log is not a file.
proc logs::Path {key} {
    set l [conf::get $key]
    if {$l in {- ""}} { return "" }
    if {[file pathtype $l] ne "absolute"} { set l [file join [yqbox::needdata] $l] }
    file normalize $l
}

# logs::Today: the local date now as YYYYMMDD.
proc logs::Today {} {
    clock format [yqbox::now] -format %Y%m%d -timezone :[conf::get timezone]
}

# logs::open: (server's background interpreter, at start and reload) send standard error to
# log_file when it is set. Errors are logged and leave standard error as it was.
proc logs::open {} {
    variable day
    set p [Path log_file]
    foreach key {log_file access_log} {
        set q [Path $key]
        if {$q ne "" && ![dict exists $day $q]} { dict set day $q [Today] }
    }
    if {$p eq ""} { return }
    if {[catch {server logfile $p} msg]} { ::log error $msg }
}
namespace eval server {
    variable onapply
    if {![info exists onapply]} { set onapply {} }
    if {"logs::open" ni $onapply} { lappend onapply logs::open }
}

# logs::rotateAll: the logrotate job: rotate (see the section comment) each log file that is due,
# then remove the expired rotations. Returns what it did.
proc logs::rotateAll {} {
    variable day
    set out {}
    foreach key {log_file access_log} {
        set p [Path $key]
        if {$p eq ""} { continue }
        if {![dict exists $day $p]} { dict set day $p [Today] }
        set size [expr {[file exists $p] ? [file size $p] : 0}]
        if {$size > [conf::get log_max_bytes] || ($size > 0 && [dict get $day $p] ne [Today])} {
            job::item "轮转 [file tail $p]" { lappend out [Rotate $key $p] }
        }
        job::item "清理 [file tail $p]" {
            set n [Prune $p]
            if {$n} { lappend out "删除过期日志 $n 个（[file tail $p]）" }
        }
    }
    join $out "；"
}
job::define logrotate "日志轮转" 60 logs::rotateAll -catchup last

# logs::Rotate: rename log P (of config KEY) aside, reopen it, compress the renamed file. Returns a
# sentence; errors (after reopening what it can) when a step fails.
proc logs::Rotate {key p} {
    variable day
    set stamp [clock format [yqbox::now] -format %Y%m%d-%H%M%S -timezone :[conf::get timezone]]
    set old $p.$stamp
    if {[file exists $old]} { yq::fail logs.exists $old }
    file rename -- $p $old
    dict set day $p [Today]
    if {$key eq "log_file"} { server logfile $p } else { server accesslog $p }
    set text "[file tail $p] 已轮转为 [file tail $old]"
    if {[conf::get log_compress]} {
        Gzip $old
        append text ".gz"
    }
    return $text
}

# logs::Gzip: compress FILE to FILE.gz (through FILE.gz.part) and remove FILE. On failure (a full
# disk) the partial output is removed, FILE is kept, and the error raised.
proc logs::Gzip {file} {
    set in [::open $file rb]
    set out ""
    try {
        set out [::open $file.gz.part {WRONLY CREAT TRUNC BINARY} 0600]
        zlib push gzip $out -level 6
        fcopy $in $out
        close $out
        set out ""
        file rename -force -- $file.gz.part $file.gz
    } on error {msg opts} {
        if {$out ne ""} { catch {close $out} }
        file delete -- $file.gz.part
        return -options $opts "cannot compress $file: $msg"
    } finally {
        close $in
    }
    file delete -- $file
}

# logs::Prune: remove the rotations of log P (P.YYYYMMDD-HHMMSS, .gz) older than log_keep_days.
# Returns how many were removed.
proc logs::Prune {p} {
    set tz :[conf::get timezone]
    set cut [clock format [clock add [yqbox::now] -[conf::get log_keep_days] days -timezone $tz] \
                 -format %Y%m%d -timezone $tz]
    set n 0
    foreach f [glob -nocomplain -directory [file dirname $p] -tails [file tail $p].*] {
        if {[regexp {\.(\d{8})-\d{6}(\.gz)?$} $f -> d] && $d < $cut} {
            file delete -- [file join [file dirname $p] $f]
            incr n
        }
    }
    return $n
}

# ---- the systemd unit ---------------------------------------------------------------------------------

dict set yqbox::subcommands unit {"?-d DATADIR? BINARY USER" "输出以用户 USER 在数据目录上运行程序 BINARY 的 systemd 单元文件（make install 会写入）"}

namespace eval service {}

# service::LowPort: whether listen address ADDR (HOST:PORT or "") needs CAP_NET_BIND_SERVICE.
proc service::LowPort {addr} {
    expr {$addr ne "" && [regexp {:(\d+)$} $addr -> port] && $port < 1024}
}

# service::unit: the text of the systemd unit running BINARY as USER on data directory DIR with the
# current configuration: hardening, the data directory (and a backup directory or log file outside
# it) the only writable paths, CAP_NET_BIND_SERVICE only when a listen port is below 1024, reload by
# SIGHUP, stop by SIGTERM within shutdown_timeout (plus 5 s), restart on failure.
proc service::unit {binary user dir} {
    set writable [list $dir]
    set b [conf::get backup_dir]
    if {[file pathtype $b] eq "absolute"} { lappend writable $b }
    set l [conf::get log_file]
    if {$l ne "" && [file pathtype $l] eq "absolute"} { lappend writable [file dirname $l] }
    set low [expr {[LowPort [conf::get https]] || [LowPort [conf::get http]]}]
    set caps [expr {$low ? "CAP_NET_BIND_SERVICE" : ""}]
    set stop [expr {int(ceil([conf::get shutdown_timeout])) + 5}]
    set lines [list \
        "# yqbox.service - written by 'yqbox unit' (make install); regenerate it after changing" \
        "# the listen ports (a port below 1024 adds CAP_NET_BIND_SERVICE) or shutdown_timeout." \
        {[Unit]} \
        "Description=yqbox 舆情一体机" \
        "After=network-online.target" \
        "Wants=network-online.target" \
        "" \
        {[Service]} \
        "Type=simple" \
        "User=$user" \
        "Group=$user" \
        "ExecStart=$binary serve -d $dir" \
        {ExecReload=/bin/kill -HUP $MAINPID} \
        "KillSignal=SIGTERM" \
        "KillMode=mixed" \
        "TimeoutStopSec=$stop" \
        "Restart=on-failure" \
        "RestartSec=5" \
        "UMask=0077" \
        "LimitNOFILE=65536" \
        "NoNewPrivileges=yes" \
        "ProtectSystem=strict" \
        "ReadWritePaths=[join $writable " "]" \
        "ProtectHome=yes" \
        "PrivateTmp=yes" \
        "PrivateDevices=yes" \
        "ProtectKernelTunables=yes" \
        "ProtectKernelModules=yes" \
        "ProtectKernelLogs=yes" \
        "ProtectControlGroups=yes" \
        "ProtectClock=yes" \
        "ProtectHostname=yes" \
        "ProtectProc=invisible" \
        "RestrictSUIDSGID=yes" \
        "RestrictRealtime=yes" \
        "RestrictNamespaces=yes" \
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
        "LockPersonality=yes" \
        "MemoryDenyWriteExecute=yes" \
        "SystemCallArchitectures=native" \
        "SystemCallFilter=@system-service" \
        "SystemCallFilter=~@privileged @resources" \
        "CapabilityBoundingSet=$caps"]
    if {$low} { lappend lines "AmbientCapabilities=$caps" }
    lappend lines "" {[Install]} "WantedBy=multi-user.target"
    join $lines \n
}

# yqbox::cmd::unit: `yqbox unit -d DATADIR BINARY USER` prints the unit (service::unit).
proc yqbox::cmd::unit {args} {
    if {[llength $args] != 2} { return [yqbox::Usage unit] }
    lassign $args binary user
    if {[file pathtype $binary] ne "absolute"} { yq::fail service.binary $binary }
    if {![regexp {^[a-z_][a-z0-9_-]{0,31}$} $user]} { yq::fail service.user $user }
    puts [service::unit $binary $user [yqbox::needdata]]
    return 0
}

# ---- yqbox upgrade --------------------------------------------------------------------------------

dict set yqbox::subcommands upgrade {"?-d DATADIR? NEWBINARY" "备份，在副本上检查新程序的数据库升级，替换并重启；运行不正常则回退"}

# service::healthy: (evaluated in a running server) "ok" when the server answers and its database
# works; errors otherwise. A build made with -DYQBOX_TEST_UNHEALTHY (tests only) always fails.
proc service::healthy {} {
    if {[info exists ::yqbox::testUnhealthy] && $::yqbox::testUnhealthy} {
        error "test build made to fail its health check"
    }
    db onecolumn {SELECT count(*) FROM migration}
    return ok
}

# service::Running: whether a server answers on data directory DIR.
proc service::Running {dir} {
    set sock [file join $dir control.sock]
    expr {[file exists $sock] && [control ping $sock]}
}

# service::Stop: stop the server on DIR (through its control socket) and wait until it is gone
# (at most shutdown_timeout + 10 s). Errors if it does not stop.
proc service::Stop {dir} {
    if {![Running $dir]} { return }
    catch {control eval [file join $dir control.sock] {server stop}}
    set until [expr {[clock seconds] + int([conf::get shutdown_timeout]) + 10}]
    while {[clock seconds] < $until} {
        if {![Running $dir] && ![file exists [file join $dir yqbox.pid]]} { return }
        after 200
    }
    yq::fail service.nostop $dir
}

# service::Start: start BINARY serving DIR: `systemctl restart yqbox` when systemd manages it
# (SYSTEMD is 1), else a detached process whose output goes to DIR/upgrade.log. Then wait up to
# 60 s for it to answer service::healthy. Returns "" when healthy, else what went wrong.
proc service::Start {binary dir systemd} {
    if {$systemd} {
        if {[catch {exec systemctl restart yqbox} msg]} { return "systemctl restart yqbox: $msg" }
    } else {
        set log [file join $dir upgrade.log]
        exec $binary serve -d $dir >>$log 2>>$log </dev/null &
    }
    set until [expr {[clock seconds] + 60}]
    set why "60 秒内没有响应"
    while {[clock seconds] < $until} {
        after 300
        if {[Running $dir]} {
            if {[catch {control eval [file join $dir control.sock] service::healthy} msg]} {
                return "健康检查未通过：$msg"
            }
            return ""
        }
    }
    return $why
}

# service::upgrade: replace the running yqbox (this binary, CURRENT) by NEW on data directory DIR
# (see yqbox::cmd::upgrade). Returns the lines to print; errors (after rolling back) on failure.
proc service::upgrade {dir current new} {
    set out {}
    if {![file isfile $new] || ![file executable $new]} { error "$new 不是可执行文件" }
    if {[catch {exec $new version} v] || ![regexp {^yqbox (\S+)} $v -> newversion]} {
        error "$new 无法作为 yqbox 运行：$v"
    }
    set systemd [expr {[file isdirectory /run/systemd/system]
                       && ![catch {exec systemctl is-active --quiet yqbox}]}]
    set was [Running $dir]
    # 1. a backup
    set bdir [backup::Dir $dir]
    file mkdir $bdir
    set stamp [clock format [clock seconds] -format %Y%m%d-%H%M%S]
    set bk [backup::make $dir [file join $bdir pre-upgrade-$stamp.yqbackup] "before upgrade to $newversion"]
    lappend out "已备份：[dict get $bk file]"
    # 2. the new binary's migrations on a copy of the data
    set copy [file join $bdir upgrade-check-[pid]]
    if {[catch {exec $new restore [dict get $bk file] $copy} msg]} {
        file delete -force -- $copy
        error "新版本无法打开现有数据，未做任何改动：$msg"
    }
    file delete -force -- $copy
    lappend out "已检查：$newversion 能打开数据副本（数据库升级已在副本上完成）"
    # 3. swap, restart, check
    Stop $dir
    file copy -force -- $new $current.new
    file attributes $current.new -permissions 0755
    file rename -force -- $current $current.old
    file rename -force -- $current.new $current
    set why [Start $current $dir $systemd]
    if {$why eq ""} {
        if {!$was && !$systemd} { Stop $dir }
        lappend out "已升级到 $newversion（旧版本保留为 $current.old）"
        return $out
    }
    # 4. roll back: the old binary and the data as they were before
    catch {Stop $dir}
    if {[Running $dir]} { catch {exec kill [string trim [exec cat [file join $dir yqbox.pid]]]}; after 2000 }
    file rename -force -- $current.old $current
    backup::restore [dict get $bk file] $dir
    set back [Start $current $dir $systemd]
    if {!$was && !$systemd && $back eq ""} { Stop $dir }
    error "新版本 $newversion $why：已回退到旧版本和备份\
        [dict get $bk file][expr {$back eq "" ? "" : "（但旧版本也$back）"}]"
}

# yqbox::cmd::upgrade: `yqbox upgrade -d DATADIR NEWBINARY`, run with the installed yqbox.
proc yqbox::cmd::upgrade {args} {
    if {[llength $args] != 1} { return [yqbox::Usage upgrade] }
    set current [file normalize [info nameofexecutable]]
    foreach line [service::upgrade [yqbox::needdata] $current [file normalize [lindex $args 0]]] {
        puts $line
    }
    return 0
}
