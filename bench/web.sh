#!/bin/sh
# web.sh - the web pages at size: dashboard and event page server time per request at 10,000
# events and 200,000 posts, and the public reply list from the driver's cache against nginx
# serving the same bytes.
#
# Usage: bench/web.sh [SECONDS-PER-RUN] [YQBOX-BINARY]    (defaults: 8, ./yqbox; see bench/lib.sh
# for YQBOX, YQBOX_DEV and BENCH_TINY=1: 100 events, 2,000 posts, 20 calls, 1 s runs)
# Other sizes: BENCH_EVENTS and BENCH_POSTS (issue 18's ten years: BENCH_EVENTS=50000
# BENCH_POSTS=1000000).
# Needs nginx-light and wrk (./configure installs them). Measured:
#   1. data generation: 10,000 events, 200,000 posts (FTS-indexed, 2 terms and 2 metric samples
#      each for the events' posts), 500 published replies
#   2. server time per request (CPU of the handler: Tcl + SQLite, in process, the median of 200
#      calls of web::handle with a logged-in office session): dashboard, event list, event page
#      (the event with most posts), list search; goal <= 5 ms for staff pages, <= 10 ms for search
#      (issue 18)
#   3. the same pages through `yqbox serve` with wrk (HTTP keep-alive, one connection per core)
#   4. the public reply list /replies/ (driver cache) vs nginx serving the same bytes, req/s
#   5. the assessment of this quarter (`assessment show`: the claimed events' workflow steps and
#      deadlines are generated too), the median of CALLS in process; goal <= 50 ms (issue 18); and
#      the quarter's staff pages in process: the ranking page /assessment and its CSV export, goal
#      <= 5 ms (their figures come from the tally of migration 038, as `assessment show`'s do), and
#      the first page of the events behind one figure (migration 040's indexes)
#   6. `serve` ready: from its start to the first 200 on /healthz; goal <= 200 ms (issue 18); and
#      the CPU time serve used until then
# Prints FIGURE lines (bench/lib.sh). Not a timed test: the figures depend on the machine.
set -eu
if [ -n "${2:-}" ]; then YQBOX=$2; fi
. "$(dirname "$0")/lib.sh"
SECS=$(size "${1:-8}" 1)
CORES=$(nproc)
CONNS=$(size "${BENCH_CONNS:-64}" 8)
EVENTS=${BENCH_EVENTS:-$(size 10000 100)}
POSTS=${BENCH_POSTS:-$(size 200000 2000)}
REPLIES=$(size 500 20)
CALLS=$(size 200 20)

need wrk wrk
bench_setup webbench
set -- $(freeports 3)
P_YH=$1 P_YS=$2 P_NH=$3

$YQ init -demo "$W/data" >/dev/null
cat > "$W/data/appliance.conf" <<EOF
https 127.0.0.1:$P_YS
http 127.0.0.1:$P_YH
http_mode serve
access_log ""
workers $CORES
EOF

# ---- 1: data ----
T0=$(date +%s.%N)
cat > "$W/gen.tcl" <<'EOF'
    lassign $argv nevents nposts nreplies
    expr {srand(7)}
    set now [clock seconds]
    set iso [yqbox::iso $now]
    unit add 城建局 department; unit add 东城镇 township
    user add office1 张信息 信息办 -roles office -password pw-office1-123
    set words {拆迁 补偿 道路 积水 学校 医院 垃圾 噪音 停车 物业 供水 供暖 公交 菜市场 路灯 占道 经营 城管 低保 养老}
    db transaction {
        for {set s 1} {$s <= 10} {incr s} {
            set n src$s; set st 来源$s; set u http://s$s.test/; set ty html; set tier forum
            db eval {INSERT INTO source(name, title, type, url, tier, created, updated)
                     VALUES($n, $st, $ty, $u, $tier, $iso, $iso)}
        }
        for {set e 1} {$e <= $nevents} {incr e} {
            set t "[lindex $words [expr {$e % 20}]][lindex $words [expr {($e / 20) % 20}]]问题反映 $e"
            set at [yqbox::iso [expr {$now - ($e * 37) % (86400 * 30)}]]
            set lv [lindex {一般 一般 一般 较大 较大 重大 特别重大} [expr {$e % 7}]]
            set reasons [list [list 热度 20 "回复 [expr {$e % 90}]"] [list 情感 10 负面] [list 来源 5 论坛]]
            set unit [expr {$e % 3 ? 2 : ""}]
            set state [expr {$unit eq "" ? "detected" : "claimed"}]
            set sug 城建局
            db eval {INSERT INTO event(id, title, state, unit_id, suggested_unit, score, level, reasons, posts, sources, first_seen, last_post, created, updated)
                     VALUES($e, $t, $state, nullif($unit, ''), $sug, 40.0, $lv, $reasons, 20, 3, $at, $at, $at, $at)}
        }
        # the workflow of the claimed events (the quarter's assessment counts these): a claim
        # (every 10th assigned by the office, overdue), a judgement, every 20th an extension, and
        # the claim, investigation and reply deadlines, met or (every 7th, 11th) breached
        for {set e 1} {$e <= $nevents} {incr e} {
            if {$e % 3 == 0} { continue }
            set t0 [expr {$now - ($e * 37) % (86400 * 30)}]
            set steps [list [expr {$e % 10 ? "claim" : "assign"}] 600 judge 3600]
            if {$e % 20 == 0} { lappend steps extend 7200 }
            foreach {action dt} $steps {
                set at [yqbox::iso [expr {$t0 + $dt}]]; set od [expr {$action eq "assign"}]
                db eval {INSERT INTO event_step(event_id, at, action, from_state, to_state, login, origin, unit_id, overdue, audit_id)
                         VALUES($e, $at, $action, 'detected', 'claimed', 'office1', 'web', 2, $od, 0)}
            }
            foreach {rule dt late} [list claim 600 [expr {$e % 10 == 0}] investigate 86400 [expr {$e % 7 == 0}] reply 172800 [expr {$e % 11 == 0}]] {
                set start [yqbox::iso $t0]; set dueE [expr {$t0 + $dt}]; set due [yqbox::iso $dueE]
                set done [yqbox::iso [expr {$t0 + ($late ? 2 : 1) * $dt}]]
                set met [expr {$late ? "" : $done}]; set br [expr {$late ? $due : ""}]
                db eval {INSERT INTO deadline(event_id, rule, title, unit_id, start, due, due_epoch, warn_at, warn_epoch, allowed, state, met_at, breached_at)
                         VALUES($e, $rule, $rule, 2, $start, $due, $dueE, $due, $dueE, $dt, 'done', nullif($done, ''), nullif($br, ''))}
            }
        }
        for {set p 1} {$p <= $nposts} {incr p} {
            set e [expr {($p - 1) % $nevents + 1}]
            set w1 [lindex $words [expr {$p % 20}]]; set w2 [lindex $words [expr {($p / 7) % 20}]]
            set title "关于${w1}和${w2}的问题 $p"
            set body "网民反映${w1}问题长期得不到解决，希望有关部门尽快处理${w2}，编号 $p。"
            set at [yqbox::iso [expr {$now - ($p * 13) % (86400 * 30)}]]
            set url http://s.test/t$p; set au 网友; set list 话题
            set b0 [expr {[string length $title] + 3}]; set b1 [expr {$b0 + 2}]
            db eval {INSERT INTO post(id, source_id, url, title, body, author, published, first_seen, last_seen, content_hash, replies, views, sample_until, event_id, relevant)
                     VALUES($p, $p % 10 + 1, $url, $title, $body, $au, $at, $at, $at, 'h', $p % 50, $p % 5000, $at, $e, 1)}
            db eval {INSERT INTO post_term(post_id, list, section, term, start, end) VALUES($p, $list, $w1, $w1, 3, 5)}
            db eval {INSERT INTO post_term(post_id, list, section, term, start, end) VALUES($p, $list, $w2, $w2, $b0, $b1)}
            db eval {INSERT INTO post_metric(post_id, at, replies, views) VALUES($p, $at, $p % 10, $p % 1000)}
            db eval {INSERT INTO post_metric(post_id, at, replies, views) VALUES($p, $iso, $p % 50, $p % 5000)}
        }
        for {set r 1} {$r <= $nreplies} {incr r} {
            set at [yqbox::iso [expr {$now - $r * 3600}]]
            set q "网民反映城东路拆迁补偿款不到位等问题 $r"; set b 经核实，相关款项已发放到位。; set url http://s.test/t$r
            db eval {INSERT INTO reply(id, event_id, unit_id, state, question, body, author, created, updated, published_at, original_url)
                     VALUES($r, $r, 2, 'published', $q, $b, '城建局', $at, $at, $at, $url)}
        }
    }
    db eval {ANALYZE}
EOF
$YQ run -d "$W/data" "$W/gen.tcl" "$EVENTS" "$POSTS" "$REPLIES" >/dev/null
T1=$(date +%s.%N)
printf 'data: %d events, %d posts, %d replies generated in %s s\n' "$EVENTS" "$POSTS" "$REPLIES" \
    "$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')"

# ---- 2: server time per request, in process ----
BIG=$($YQ eval -d "$W/data" 'puts [db onecolumn {SELECT event_id FROM post GROUP BY event_id ORDER BY count(*) DESC LIMIT 1}]')
$YQ run -d "$W/data" bench/pages.tcl office1 "$CALLS" "$W/token" "page (in process, web::handle)" "
    web_dashboard dashboard /dashboard <=5
    web_event_page {event page (event $BIG)} /events/$BIG <=5
    web_event_list {event list} /events <=5
    web_event_search {event list, FTS search} /events?q=%E6%8B%86%E8%BF%81 <=10
    web_reply_list_render {public reply list (uncached render)} /replies/ -"
TOKEN=$(cat "$W/token")

# ---- 5: the assessment of this quarter, in process ----
cat > "$W/assess.tcl" <<'EOF'
    lassign $argv calls
    ::console::assessment show
    set ts {}
    for {set i 0} {$i < $calls} {incr i} {
        set t0 [clock microseconds]
        ::console::assessment show
        lappend ts [expr {[clock microseconds] - $t0}]
    }
    puts [format %.2f [expr {[lindex [lsort -integer $ts] [expr {$calls / 2}]] / 1000.0}]]
EOF
a=$($YQ run -d "$W/data" "$W/assess.tcl" "$CALLS")
printf '%-44s %10s %10s %s\n' "assessment of this quarter (assessment show)" "$a" "" "<= 50"
figure web_assessment_quarter "$a" ms_median - - '<=50'
# the events behind one figure: the claimed events of the unit that has them all (unit 2), this quarter
Q="$(date +%Y)-Q$(( ($(date +%m | sed 's/^0//') - 1) / 3 + 1 ))"
$YQ run -d "$W/data" bench/pages.tcl office1 "$CALLS" "$W/token" "the quarter's pages (in process, web::handle)" "
    web_assessment_page {assessment ranking page} /assessment <=5
    web_assessment_csv {assessment CSV export} /assessment/csv <=5
    web_assessment_events {events behind one figure (page 1)} /assessment/events?period=$Q&unit=2&counter=owned <=5"

# ---- 6, 3 and 4: through the server; nginx with the same bytes ----
T0=$(date +%s%N)
$YQ serve -d "$W/data" > "$W/yqbox.out" 2> "$W/yqbox.err" &
YPID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$P_YH/healthz"; do
    kill -0 "$YPID" 2>/dev/null || { cat "$W/yqbox.err" >&2; exit 1; }
    [ $(( ($(date +%s%N) - T0) / 1000000 )) -lt 30000 ] || { echo "bench: serve not ready in 30 s" >&2; exit 1; }
    sleep 0.005
done
a=$(( ($(date +%s%N) - T0) / 1000000 ))
# the CPU it took (all its threads, user + system): on a shared machine the wall clock above
# mostly says how long the threads waited for a core
c=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$YPID/stat")
printf '%-44s %10s %10s %s\n' "serve ready (start to first 200 on /healthz)" "$a ms" "" "<= 200"
printf '%-44s %10s\n' "  CPU of serve until then (all threads)" "$c ms"
figure web_serve_ready "$a" ms - - '<=200'
figure web_serve_ready_cpu "$c" ms - - -
wait_serving
mkdir -p "$W/www/replies" "$W/nginx"
curl -sf -o "$W/www/replies/index.html" "http://127.0.0.1:$P_YH/replies/"
SIZE=$(wc -c < "$W/www/replies/index.html")
nginx_start "$W/nginx" "$W/www" "$P_NH"
if ! tiny; then
    wrk -t1 -c4 -d1s "http://127.0.0.1:$P_YH/replies/" >/dev/null 2>&1
    wrk -t1 -c4 -d1s "http://127.0.0.1:$P_NH/replies/" >/dev/null 2>&1
fi
C="Cookie: __Host-yqbox=$TOKEN"
BIG=$(curl -sf -H "$C" "http://127.0.0.1:$P_YH/events" | grep -o 'href="/events/[0-9]*"' | head -1 | grep -o '[0-9]*')
printf '%-44s %12s %12s %8s %s\n' "through the server (HTTP keep-alive)" "yqbox" "nginx" "ratio" "goal"
a=$(CONNS=$CORES wrk_rate "http://127.0.0.1:$P_YH/dashboard" -H "$C")
printf '%-44s %12s %12s %8s %s\n' "dashboard (req/s, $CORES connections)" "$a" "-" "-" ""
figure web_dashboard_served "$a" req/s - - -
a=$(CONNS=$CORES wrk_rate "http://127.0.0.1:$P_YH/events/$BIG" -H "$C")
printf '%-44s %12s %12s %8s %s\n' "event page (req/s, $CORES connections)" "$a" "-" "-" ""
figure web_event_page_served "$a" req/s - - -
a=$(wrk_rate "http://127.0.0.1:$P_YH/replies/"); b=$(wrk_rate "http://127.0.0.1:$P_NH/replies/")
printf '%-44s %12s %12s %8s %s\n' "public reply list, $SIZE bytes (req/s)" "$a" "$b" "$(ratio "$a" "$b")" ">= 1.0"
figure web_reply_list_cached "$a" req/s nginx "$b" 'x>=1.0'
