#!/bin/sh
# city.sh - the city box's pages at size (issue 17): 20 member counties with a year of reported
# data each (events of level 较大 and above with their timelines, those of 重大 and above with
# when they reached the city, 政务信息 items, quarterly counters, posts per hour), then the server time of the city's pages in process (the median of
# web::handle calls with a logged-in city office session), like bench/web.sh. Not a timed test.
# Usage: bench/city.sh (see bench/lib.sh for YQBOX, YQBOX_DEV and BENCH_TINY=1: 2 counties, 20
# events each); BENCH_COUNTIES and BENCH_EVENTS (per county) choose the size.
. "$(dirname "$0")/lib.sh"
COUNTIES=${BENCH_COUNTIES:-$(size 20 2)}
EVENTS=${BENCH_EVENTS:-$(size 1500 20)}
CALLS=$(size 100 10)
W=$(mktemp -d /tmp/yqbox-city.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
$YQ init -demo "$W/data" >/dev/null
printf 'fed_role city\nfed_name 市本级\n' >> "$W/data/appliance.conf"
cat > "$W/gen.tcl" <<'TCL'
lassign $argv counties events
user add cityoffice 市信息办 信息办 -roles office -password pw-cityoffice-123
set t0 [clock milliseconds]
set year [clock scan 2026-01-01T00:00:00 -format %Y-%m-%dT%H:%M:%S -timezone :Asia/Shanghai]
expr {srand(17)}
db transaction {
    for {set c 1} {$c <= $counties} {incr c} {
        db eval {INSERT INTO federation_peer(name, county, relation, enrolled) VALUES('县' || $c, '县' || $c, 'member', '2026-01-01T00:00:00+08:00')}
        set p [db last_insert_rowid]
        for {set e 1} {$e <= $events} {incr e} {
            set at [expr {$year + int(rand() * 364 * 86400)}]
            set iso [yqbox::iso $at]
            set level [lindex {较大 较大 较大 重大 特别重大} [expr {int(rand() * 5)}]]
            set state [expr {rand() < 0.9 ? "closed" : "investigating"}]
            # a 重大敏感 matter reaches the city between a minute and 3 hours after its rating
            set major [expr {$level in {重大 特别重大} ? [yqbox::iso [expr {$at + 60 + int(rand() * 3 * 3600)}]] : ""}]
            db eval {INSERT INTO city_event(peer_id, event_id, title, level, score, state, unit, first_seen, detected,
                                            major_at, major_received, posts_count, overdue, received, updated, closed_at)
                     VALUES($p, $e, '县' || $c || '事件' || $e, $level, 50, $state, '住建局', $iso, $iso,
                            CASE WHEN $major = '' THEN '' ELSE $iso END, $major,
                            3, CASE WHEN random() % 10 = 0 THEN 1 ELSE 0 END, $iso, $iso,
                            CASE WHEN $state = 'closed' THEN $iso ELSE '' END)}
            if {$major ne ""} { federation::city::Delay $p $e }
            for {set s 1} {$s <= 6} {incr s} {
                db eval {INSERT INTO city_event_step(peer_id, event_id, step, at, action, from_state, to_state, by_unit, note, received)
                         VALUES($p, $e, $s, $iso, 'claim', 'detected', 'claimed', '住建局', '', $iso)}
            }
        }
        for {set m 0} {$m < 120} {incr m} {
            set iso [yqbox::iso [expr {$year + int(rand() * 364 * 86400)}]]
            db eval {INSERT INTO city_submission(peer_id, ref, kind, title, sent, received)
                     VALUES($p, 'upward:' || $m, 'item', '政务信息' || $m, $iso, $iso)}
        }
        foreach q {2026-Q1 2026-Q2 2026-Q3 2026-Q4} {
            db eval {INSERT INTO city_counters(peer_id, period, counters, units, received)
                     VALUES($p, $q, '{"owned":100,"claimed_ontime":90,"reports_ontime":20,"replies_ontime":80,"submissions_adopted":30}', 12, '2026-12-31T00:00:00+08:00')}
        }
        db eval {INSERT INTO city_stats(peer_id, at, hours, received) VALUES($p, '2026-12-31T00:00:00+08:00', '[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24]', '2026-12-31T00:00:00+08:00')}
    }
}
puts [format "data: %d counties, %d events each (6 steps each), generated in %.1f s" $counties $events [expr {([clock milliseconds] - $t0) / 1000.0}]]
TCL
$YQ run -d "$W/data" "$W/gen.tcl" "$COUNTIES" "$EVENTS"
$YQ run -d "$W/data" bench/pages.tcl cityoffice "$CALLS" "$W/token" "city page (in process, web::handle)" "
    city_dashboard {县区汇总 /city} /city <=5
    city_events {县区事件 /city/events} /city/events <=5
    city_county {one county /city/counties/1} /city/counties/1 <=5
    city_event {one event's timeline} /city/events/1/1 <=5
    city_assessment {ranking /city/assessment} /city/assessment <=5
    city_submissions {政务信息 /city/submissions} /city/submissions <=5
    city_twohour {2-hour table /city/twohour} /city/twohour <=5"
