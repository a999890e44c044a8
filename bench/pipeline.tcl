# pipeline.tcl - 研判 pipeline throughput on one core (run by bench/pipeline.sh): N generated posts
# go through the stages a patrol's posts go through after they are stored - relevance rules and
# terms (match), routing, sentiment + SimHash + event clustering (cluster), scoring with the
# event's factors (score), and the commit of each batch of 20 posts (one transaction, as
# analyse::onStored runs a patrol's batch) - and the share of time each stage takes is printed,
# with the FIGURE line of the throughput (bench/lib.sh). Not a test.
# The machine is shared: the stages are timed by the wall clock (their shares), the loop as a whole
# by the CPU time this thread ran (/proc/thread-self/schedstat, where there is one), and posts/s is
# N over the CPU time of the stages (the loop's CPU time x the stages' share of its wall time), so
# other processes on the core do not lower it. The wall-clock figure is printed beside it.
#   yqbox run -d DIR bench/pipeline.tcl N
lassign $argv n
crawl::Add forum [dict create type html tier forum url http://bbs.example.test/ title 青山论坛 rules {item //li link ./a/@href}] console
set src [crawl::source forum]
expr {srand(7)}
set topics {拆迁补偿款迟迟不到位 食堂饭菜质量差 自来水经常停水 农民工工资被拖欠 小区物业乱收费 路灯坏了没人修
    医院夜间门诊 学校门口拥堵 垃圾站臭气熏天 菜市场占道经营 公交车班次太少 低保审核不公开}
set places {青山县 城关镇 桃源镇 石门村 城东路 城西 县医院 第二中学}
set items {}
for {set i 0} {$i < $n} {incr i} {
    set t "[lindex $places [expr {int(rand()*8)}]][lindex $topics [expr {int(rand()*12)}]]"
    set body "$t，已经反映过好几次了，一直没有结果，希望有关部门尽快处理。[string repeat 群众意见很大。 [expr {1 + int(rand()*5)}]]"
    lappend items [dict create url http://bbs.example.test/t$i title "$t$i" body $body replies [expr {int(rand()*100)}] views [expr {int(rand()*5000)}]]
}
set stored [crawl::store $src $items]
set ids [dict get $stored new]
array set T {match 0 route 0 cluster 0 score 0 commit 0}
# cpuNs: nanoseconds this thread has run (0 without /proc/thread-self/schedstat)
proc cpuNs {} {
    if {[catch {open /proc/thread-self/schedstat} f]} { return 0 }
    set ns [lindex [read $f] 0]
    close $f
    return $ns
}
set cpu0 [cpuNs]
set wall0 [clock microseconds]
# the posts go in batches of 20 (a list page), each one transaction, as analyse::onStored runs a
# patrol's batch
set batch 20
for {set b 0} {$b < [llength $ids]} {incr b $batch} {
  db transaction immediate {
    foreach id [lrange $ids $b [expr {$b + $batch - 1}]] {
        db eval {SELECT title, body FROM post WHERE id = $id} {}
        set text [analyse::text $title $body]
        set t0 [clock microseconds]
        set a [analyse::rules::apply $text 0]
        set t1 [clock microseconds]
        analyse::route::suggest $text
        set t2 [clock microseconds]
        # analyse::post matches, routes (new events), clusters, stores and counts the post into its
        # event's factors; the score of the event it joins is measured separately (a patrol scores
        # once per event per batch, this bench once per post: the worst case)
        set e [analyse::post $id -rescore 0]
        set t3 [clock microseconds]
        if {$e ne ""} { db transaction { analyse::rescore $e bench } }
        set t4 [clock microseconds]
        incr T(match) [expr {$t1 - $t0}]
        incr T(route) [expr {$t2 - $t1}]
        # analyse::post repeats match and route inside; subtract them to get its own share
        incr T(cluster) [expr {max(0, ($t3 - $t2) - ($t1 - $t0) - ($t2 - $t1))}]
        incr T(score) [expr {$t4 - $t3}]
    }
    set tc [clock microseconds]
  }
  incr T(commit) [expr {[clock microseconds] - $tc}]
}
set loopWall [expr {max(1, [clock microseconds] - $wall0)}]
set loopCpu [expr {([cpuNs] - $cpu0) / 1000.0}]
set total [expr {max(1, $T(match) + $T(route) + $T(cluster) + $T(score) + $T(commit))}]
if {[llength $ids] != $n} { error "[llength $ids] of $n posts stored: the bench measures nothing" }
set wallRate [expr {$n / ($total / 1e6)}]
set rate [expr {$loopCpu > 0 ? $n / ($loopCpu * $total / $loopWall / 1e6) : $wallRate}]
puts [format "%d posts, %.0f posts/s through match + route + cluster + score (+ commit) on one core (CPU time; %.0f by the wall clock, the core %.0f %% ours)" \
    $n $rate $wallRate [expr {$loopCpu > 0 ? 100.0 * $loopCpu / $loopWall : 100}]]
puts [format "FIGURE pipeline_posts_per_s %.0f posts/s - - >=2000" $rate]
foreach k {match route cluster score commit} {
    puts [format "  %-8s %5.1f %%  (%.0f µs/post CPU)" $k [expr {100.0 * $T($k) / $total}] [expr {1e6 / $rate * $T($k) / $total}]]
}
puts "events: [db onecolumn {SELECT count(*) FROM event}], relevant posts: [db onecolumn {SELECT count(*) FROM post WHERE relevant = 1}]"
