# clock.tcl - body of bench/clock.sh: `yqbox run -d DIR bench/clock.tcl N FILE`. Makes N claimed
# events on 2026-12-28 (their 5-working-day investigation crosses into 2027, which has no
# calendar: provisional), then times the import of FILE (the 2027 calendar) and a run of the
# deadline clock job; prints the figures and their FIGURE lines (bench/lib.sh).
lassign $argv n file
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
if {$open < $n} { error "only $open of $n deadlines are provisional: the bench measures nothing" }
puts [format "FIGURE clock_import_per_deadline %.3f ms - - -" [expr {$imp / max(1, $open)}]]
puts [format "FIGURE clock_job_run %.1f ms - - -" $tick]
