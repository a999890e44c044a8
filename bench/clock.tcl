# clock.tcl - body of bench/clock.sh: DIR N FILE. Makes N claimed events on 2026-12-28 (their
# 5-working-day investigation crosses into 2027, which has no calendar: provisional), then times
# the import of FILE (the 2027 calendar) and a run of the deadline clock job.
lassign $argv dir n file
file mkdir $dir
set f [open [file join $dir appliance.conf] w]
puts $f "datadir $dir\nlog_level error"
close $f
conf::load [file join $dir appliance.conf]
set ::yqbox::datadir $dir
db::open $dir -create
unit add 住建局 department
set at [yqbox::iso]
set t0 [clock milliseconds]
db transaction {
    for {set i 1} {$i <= $n} {incr i} {
        set e [analyse::create 0 "测试事件 $i" "小区拆迁补偿款迟迟不到位 $i" $at]
        db eval {UPDATE event SET suggested_unit = '住建局' WHERE id = $e}
        workflow::fire claim $e -unit 住建局
    }
}
set make [expr {[clock milliseconds] - $t0}]
set open [db onecolumn {SELECT count(*) FROM deadline WHERE state = 'open' AND provisional != ''}]
set t0 [clock microseconds]
calendar import $file
set imp [expr {([clock microseconds] - $t0) / 1000.0}]
set moved [db onecolumn {SELECT count(*) FROM event_step WHERE action = 'deadline.recompute'}]
set t0 [clock microseconds]
job::run deadline
set tick [expr {([clock microseconds] - $t0) / 1000.0}]
puts [format "events made and claimed: %d in %d ms" $n $make]
puts [format "import of the 2027 calendar: %d provisional deadlines (and the others running across New Year), %d moved: %.0f ms (%.3f ms a provisional deadline)" \
          $open $moved $imp [expr {$imp / max(1, $open)}]]
puts [format "one run of the deadline clock job at that size: %.1f ms" $tick]
