# crawl.tcl - the patrol's figures (run by bench/crawl.sh through `yqbox run`). Not a test.
#
#   yqbox run bench/crawl.tcl fetch URLFILE CONNS      fetch every URL with the fetch engine at CONNS
#                                                      transfers at once; prints seconds, wall clock
#                                                      and CPU (all threads, see cpuNs) of the fetch
#   yqbox run -d DIR bench/crawl.tcl ingest N SQLFILE  decode, extract and store N generated posts
#                                                      (as a patrol does) into DIR; writes the same
#                                                      rows as SQL for the sqlite3 shell; prints
#                                                      posts/s by the wall clock and by CPU time,
#                                                      and the posts stored
#   yqbox run -d DIR bench/crawl.tcl fts M Q           M short posts with FTS, then Q two-character
#                                                      queries LIMIT 20: prints p50/p95/max in ms

set mode [lindex $argv 0]

# cpu: the CPU time (user + system) this process has used so far, in seconds (from
# /proc/self/stat, in clock ticks of 10 ms: the runs measured are long enough). On a machine shared
# with other work the wall clock counts the time spent waiting for a core; this does not.
proc cpu {} {
    set f [open /proc/self/stat]
    set stat [read $f]
    close $f
    set fields [string range $stat [string last ")" $stat]+2 end]
    expr {([lindex $fields 11] + [lindex $fields 12]) / 100.0}
}

# cpuNs: the CPU time this process's threads have used so far, in seconds, to the nanosecond (the
# first field of /proc/self/task/*/schedstat; /proc/self/stat counts 10 ms ticks, too coarse for a
# fetch round of ~0.1 s). A thread that has exited is no longer counted: measure across a span in
# which the threads live (the fetch engine starts none; Tcl's notifier thread lives on).
proc cpuNs {} {
    set ns 0
    foreach t [glob -nocomplain /proc/self/task/*/schedstat] {
        if {[catch {set f [open $t]}]} { continue }
        incr ns [lindex [read $f] 0]
        close $f
    }
    expr {$ns / 1e9}
}

# words: a fixed vocabulary of county-affairs words to build texts from (deterministic).
set words {青山县 城关镇 桃源镇 拆迁 补偿款 住建局 教育局 学校 食堂 医院 夜间门诊 自来水 停水 道路
    公交车 物业 小区 噪音 垃圾 环境 污染 河道 农民工 工资 拖欠 社保 医保 低保 养老 村委会 选举
    菜市场 占道经营 城管 交通 拥堵 红绿灯 路灯 井盖 供暖 燃气 电价 房价 学区 中考 高考 招生
    疫苗 药店 食品安全 超市 投诉 回复 处理 希望 政府 部门 领导 解决 问题 群众 反映 情况 已经
    多次 没有 结果 什么时候 能不能 为什么 请问 建议 感谢 及时 满意 不满 严重 影响 生活 出行}
expr {srand(20241001)}
proc text {n} {
    global words
    set out ""
    for {set i 0} {$i < $n} {incr i} {
        append out [lindex $words [expr {int(rand() * [llength $words])}]]
        if {$i % 9 == 8} { append out "，" }
    }
    return "$out。"
}

# setup: the source the posts come from, added to the data directory (-d DIR) as a patrol's
# source; returns it.
proc setup {} {
    crawl::Add bench [dict create type html tier forum url http://bench.test/ rules {item //li link ./a/@href}] console
    crawl::source bench
}

switch -- $mode {
    fetch {
        lassign $argv - urlfile conns
        set f [open $urlfile]
        set urls [split [string trim [read $f]] \n]
        close $f
        fetch configure -maxconns $conns -perhost $conns -delay 0 -retries 0 -timeout 30000
        set left [llength $urls]
        set ::bad 0
        set c0 [cpuNs]
        set t0 [clock microseconds]
        foreach u $urls {
            fetch get $u -internal 1 -command {apply {{r} {
                if {[dict get $r status] != 200} { incr ::bad }
                incr ::left -1
            }}}
        }
        while {$left > 0} { vwait left }
        set secs [expr {([clock microseconds] - $t0) / 1e6}]
        set cpus [expr {[cpuNs] - $c0}]
        if {$::bad} { puts stderr "$::bad of [llength $urls] fetches did not answer 200" }
        puts [format "%.4f %.4f" $secs $cpus]
    }
    ingest {
        lassign $argv - n sqlfile
        set src [setup]
        # pages: N article pages in the layout of a county news site; every 10th is GBK
        set pages {}
        set sql [open $sqlfile w]
        fconfigure $sql -encoding utf-8
        puts $sql "BEGIN;"
        for {set i 0} {$i < $n} {incr i} {
            set title "[text 4]$i"
            set body "[text 40]\n[text 30]"
            set html "<html><head><meta charset='utf-8'><title>$title - 青山新闻网</title></head><body>
<div class='nav'><a href='/'>首页</a> | <a href='/local/'>本地</a> | <a href='/about'>关于我们</a></div>
<div class='main'><h1>$title</h1><div class='info'>发布时间：2024-05-0[expr {1 + $i % 9}] 10:[format %02d [expr {$i % 60}]] 来源：青山新闻网 作者：记者$i</div>
<div class='content'><p>[join [split $body \n] </p><p>]</p></div></div>
<div class='footer'>版权所有 青山新闻网 联系电话 0000-0000000</div></body></html>"
            set bytes [expr {$i % 10 == 9 ? [encoding convertto cp936 [string map {charset='utf-8' charset='gbk'} $html]]
                                           : [encoding convertto utf-8 $html]}]
            lappend pages [list http://bench.test/a/$i.html $bytes]
            set url http://bench.test/a/$i.html
            puts $sql "INSERT INTO post(source_id, url, title, body, author, published, first_seen, last_seen, content_hash, sample_until) VALUES(1, '$url', '$title', '[string map {' ''} $body]', '记者$i', '2024-05-01T10:00:00+08:00', '2024-05-01T10:00:00+08:00', '2024-05-01T10:00:00+08:00', '[format %064d $i]', '2024-05-04T10:00:00+08:00');"
        }
        puts $sql "COMMIT;"
        close $sql
        # the pages go to the extraction thread (page async: decode and extract on the second
        # core), at most 2000 in flight; this thread stores the results 500 at a time as they come
        set c0 [cpu]
        set t0 [clock microseconds]
        set ::batch {}
        set ::inflight 0
        set next 0
        while {$next < $n || $::inflight > 0} {
            while {$next < $n && $::inflight < 2000} {
                lassign [lindex $pages $next] url bytes
                page async $bytes -contenttype text/html -command [list apply {{url x} {
                    lappend ::batch [dict create url $url title [dict get $x title] body [dict get $x body] \
                                         author [dict get $x author] published [dict get $x published]]
                    incr ::inflight -1
                }} $url]
                incr ::inflight
                incr next
            }
            while {[llength $::batch] < 500 && $::inflight > 0} { vwait ::inflight }
            crawl::store $src [lrange $::batch 0 499]
            set ::batch [lrange $::batch 500 end]
        }
        if {[llength $::batch]} { crawl::store $src $::batch }
        set secs [expr {([clock microseconds] - $t0) / 1e6}]
        set cpus [expr {max([cpu] - $c0, 0.01)}]
        puts [format "%.0f %.0f %d" [expr {$n / $secs}] [expr {$n / $cpus}] [db onecolumn {SELECT count(*) FROM post}]]
    }
    fts {
        lassign $argv - m q
        setup
        set at 2024-05-01T10:00:00+08:00
        db eval {DROP TRIGGER IF EXISTS post_fts_insert}
        for {set i 0} {$i < $m} {incr i 10000} {
            db transaction {
                for {set j $i} {$j < $i + 10000 && $j < $m} {incr j} {
                    set title [text 3]
                    set body [text 20]
                    db eval {INSERT INTO post(id, source_id, url, title, body, first_seen, last_seen, content_hash, sample_until)
                             VALUES($j + 1, 1, 'u' || $j, $title, $body, $at, $at, '', $at)}
                    db eval {INSERT INTO post_fts(rowid, title, body) VALUES($j + 1, $title, $body)}
                }
            }
        }
        db eval {INSERT INTO post_fts(post_fts) VALUES('optimize')}
        set times {}
        for {set k 0} {$k < $q} {incr k} {
            set w [lindex $words [expr {int(rand() * [llength $words])}]]
            set w [string range $w 0 1]
            set t0 [clock microseconds]
            db eval {SELECT rowid FROM post_fts WHERE post_fts MATCH $w ORDER BY rowid DESC LIMIT 20} {}
            lappend times [expr {[clock microseconds] - $t0}]
        }
        set times [lsort -integer $times]
        puts [format "%.2f %.2f %.2f" [expr {[lindex $times [expr {$q / 2}]] / 1000.0}] \
            [expr {[lindex $times [expr {int($q * 0.95)}]] / 1000.0}] [expr {[lindex $times end] / 1000.0}]]
    }
}
