# health.tcl (web) - background work cannot fail in silence: the 运行状况 page (sysadmin and the
# info office: every background job's last run, duration, result and consecutive failures, failing
# ones first; the missing next year's calendar) and /metrics (Prometheus text format: the jobs,
# the free disk, then the HTTP driver's counters of `server metrics`), answered only to loopback peers so that a
# local Prometheus can scrape it and nobody else sees it (the driver answers others 404 before a
# worker is asked; the route checks again). Both read job::all (scripts/job.tcl); nothing here
# changes anything.

namespace eval web {
    set i [lsearch -exact $nav 审计日志]
    if {$i >= 0 && [lsearch -exact $nav /health] < 0} { set nav [linsert $nav $i 运行状况 /health {health.view}] }
}

# web::schedule: a job's schedule ("every 60 s") in words.
proc web::schedule {text} {
    if {[regexp {^every (\d+(?:\.\d+)?) s$} $text -> s]} {
        set s [expr {int($s)}]
        if {$s % 3600 == 0} { return "每 [expr {$s / 3600}] 小时" }
        if {$s % 60 == 0} { return "每 [expr {$s / 60}] 分钟" }
        return "每 $s 秒"
    }
    expr {$text eq "" ? "—" : $text}
}

# web::jobsSorted: job::all with the failing jobs first (otherwise in declaration order).
proc web::jobsSorted {} {
    set bad {}; set good {}
    foreach j [job::all] {
        if {[dict get $j ok] eq "0"} { lappend bad $j } else { lappend good $j }
    }
    concat $bad $good
}

route GET /health {} {
    set me [need health.view]
    set rows ""
    set nbad 0
    set jobs [jobsSorted]
    foreach j $jobs {
        dict with j {
            if {$ok eq ""} {
                set state 未运行; set cls never
            } elseif {$ok} {
                set state 正常; set cls ok
            } else {
                set state 失败; set cls failing; incr nbad
            }
            set took [expr {$duration_ms eq "" ? "—" : ($duration_ms < 1000 ? "$duration_ms 毫秒" : "[format %.1f [expr {$duration_ms / 1000.0}]] 秒")}]
            set lastok [expr {$ok eq "0" && $last_ok ne "" ? "上次成功 [time $last_ok]" : ""}]
            markup append rows [tmpl {<tr class="$cls"><th scope="row">$title<br><code>$name</code></th><td data-label="计划">[schedule $schedule]</td><td data-label="最近运行">[expr {$last_end eq "" ? "从未运行" : [time $last_end]}]</td><td data-label="用时">$took</td><td data-label="结果"><strong class="st">$state</strong>[if {$result ne ""} {tmpl {<br><span class="result">$result</span>}}][if {$lastok ne ""} {tmpl {<br><small>$lastok</small>}}]</td><td class="num" data-label="连续失败">$failures</td></tr>}]
        }
    }
    set pending [calendar::pending]
    set disk [disk::status]
    set disktext [format "数据目录所在磁盘剩余 %.1f GB（下限 %.1f GB，disk_floor_bytes）" \
                      [expr {[dict get $disk free_bytes] / 1e9}] [expr {[dict get $disk floor_bytes] / 1e9}]]
    if {[dict get $disk low]} { append disktext "：低于下限，巡查采集已暂停，网页访问与登录不受影响。请清理磁盘或扩容" }
    set damaged [db::damaged]
    set summary [expr {$nbad ? "$nbad 个后台任务最近一次运行失败（排在最前）" : "全部后台任务最近一次运行正常或尚未运行"}]
    app $me 运行状况 [tmpl {<h1>运行状况</h1>
[if {$pending ne ""} {tmpl {<p class="pending" role="status">$pending <a href="/calendar">前往工作日历</a></p>}}]
[if {$damaged ne ""} {tmpl {<p class="alert" id="damaged" role="alert">数据库已标记为损坏，系统暂停一切修改：[lindex [split $damaged \n] 0]。请从备份恢复后在控制台运行 dbcheck。</p>}}]
<p class="[expr {[dict get $disk low] ? "alert" : "notice"}]" id="disk">$disktext</p>
<p class="[expr {$nbad ? "alert" : "notice"}]" id="jobsummary">$summary。连续失败 [conf::get job_alert_failures] 次时通知系统管理员和信息办。</p>
<table class="list jobs stack"><thead><tr><th scope="col">名称</th><th scope="col">计划</th><th scope="col">最近运行</th><th scope="col">用时</th><th scope="col">结果</th><th scope="col">连续失败</th></tr></thead><tbody>$rows</tbody></table>
<p class="hint">控制台：job list 列出各任务，job run 名称 立即运行一次；监控系统可从本机读取 /metrics。</p>}]
}

# web::loopback: whether the request comes from this machine (127.0.0.0/8, ::1 or v4-mapped).
proc web::loopback {} {
    set peer [req peer]
    expr {[string match 127.* $peer] || $peer eq "::1" || [string match ::ffff:127.* $peer]}
}

# web::promLabel: TEXT as a Prometheus label value (backslash, quote and newline escaped).
proc web::promLabel {text} {
    string map [list \\ \\\\ \" \\\" \n \\n] $text
}

# web::metric: lines of metric NAME (TYPE, HELP) with SAMPLES {LABELS VALUE ...} (LABELS "" or
# a dict of label values).
proc web::metric {name type help samples} {
    set out [list "# HELP $name $help" "# TYPE $name $type"]
    foreach {labels value} $samples {
        set l [join [lmap {k v} $labels { string cat $k =\" [promLabel $v] \" }] ,]
        lappend out [expr {$l eq "" ? "$name $value" : "$name\{$l\} $value"}]
    }
    join $out \n
}

route GET /metrics {} {
    if {![loopback]} { errorpage 404; return }
    set jobs [job::all]
    set out {}
    foreach {name type help key} {
        yqbox_job_last_success_timestamp_seconds gauge "End of the job's last successful run (Unix time; 0 never)" last_ok
        yqbox_job_consecutive_failures gauge "Failed runs of the job in a row" failures
        yqbox_job_runs_total counter "Runs of the job" runs
        yqbox_job_failed_runs_total counter "Failed runs of the job" failed_runs
        yqbox_job_last_duration_seconds gauge "Duration of the job's last run in seconds" duration_ms
        yqbox_job_last_run_ok gauge "1 when the job's last run succeeded, 0 when it failed, -1 never ran" ok
    } {
        set samples {}
        foreach j $jobs {
            set v [dict get $j $key]
            switch -- $key {
                last_ok { set v [expr {$v eq "" ? 0 : [yqbox::seconds $v]}] }
                duration_ms { set v [expr {$v eq "" ? 0 : $v / 1000.0}] }
                ok { set v [expr {$v eq "" ? -1 : $v}] }
            }
            lappend samples [list job [dict get $j name]] $v
        }
        lappend out [metric $name $type $help $samples]
    }
    # the free-disk watch (disk.tcl), measured now
    set disk [disk::status]
    foreach {name help key} {
        yqbox_disk_free_bytes "Bytes free for the data directory." free_bytes
        yqbox_disk_floor_bytes "Free bytes below which ingest pauses (disk_floor_bytes)." floor_bytes
        yqbox_disk_low "1 while free space is below the floor and ingest is paused." low
    } {
        lappend out [metric $name gauge $help [list {} [dict get $disk $key]]]
    }
    # the driver's own counters: requests by status, latency, connections, TLS, cache, static files
    lappend out [string trimright [server metrics] \n]
    respond text "[join $out \n]\n"
    respond type "text/plain; version=0.0.4; charset=utf-8"
    respond header Cache-Control no-store
}
