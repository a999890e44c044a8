# federation/city.tcl - what a city box (fed_role city or both) does with what its member boxes
# report, and what it sends them (issue 17 items 2 to 4), on the core of federation/link.tcl.
#
# APPLIED (handlers registered with federation::on, each in the receiving transaction), into the
# city tables of migration 030, per member:
#   event.report, event.state, event.reply   the county's events of level 较大 and above with
#                         their timelines as reported, their replies and 办结
#   report.issue          the county's 专报
#   submission.send       the 政务信息 items the county sent up (and those answering the city's 约稿)
#   assessment.counters   the county's quarterly counters; stats.posts its posts per hour
#   task.done             a county's repost done (its link and time)
# SENT DOWN with federation::emit -to MEMBER, each in the transaction that records the task:
#   task.repost           a repost task (004 三(三): Weibo within 1 hour, WeChat within 1 working
#                         day of the city's release: calendar rules repost_weibo, repost_wechat)
#   commission.issue      a 约稿 notice with its time limit
#   bulletin.issue        the quarterly 通报 ranking counties and 市直 departments
# THE CITY'S ASSESSMENT ranks the member counties and, on a box with fed_role both, its own 市直
# departments together, by the same formula (assessment::formula, assessment::rank): a county's
# event counters are those it reported for the quarter; its reporting counters are counted here
# from what the city received (items per month against rule_submission_unit, the city's 约稿
# delivered late or not at all; repost tasks done on time and late: the formula's $city parts), and
# only the items the city office adopted (federation::city::decide: 采用 or not, sent back down as
# submission.adopt) count as adopted. THE 2-HOUR RULE (001 第八条): a 重大敏感 matter reaches the
# city within 2 hours of the county rating it 重大 or above (its detection when it was rated so at
# once): the county's time corrected by the clock skew the link measured when it arrived.

namespace eval federation::city {
    variable majors {重大 特别重大}
    variable twoHours 7200
}

dict set org::perms city.view {office leader}
dict set org::perms city.task {office}

# federation::city::Member: the enabled member peer NAME (id or name) as a dict; errors in Chinese.
proc federation::city::Member {name} {
    if {[catch {federation::peer $name} p] || [dict get $p relation] ne "member"} { yq::fail city.nomember $name }
    return $p
}

# federation::city::members: the member peers as a list of dicts id name county enabled, by id.
proc federation::city::members {} {
    set out {}
    db eval {SELECT id, name, county, enabled FROM federation_peer WHERE relation = 'member' ORDER BY id} {
        lappend out [dict create id $id name $name county [expr {$county eq "" ? $name : $county}] enabled $enabled]
    }
    return $out
}

# federation::city::Need: error unless this box is a city box.
proc federation::city::Need {} {
    if {![federation::isCity]} { yq::fail city.notcity }
}

# federation::city::Get: the value of field F of PAYLOAD, DEFAULT when absent.
proc federation::city::Get {payload f {default ""}} {
    expr {[dict exists $payload $f] ? [dict get $payload $f] : $default}
}

# ---- applying what members report ----------------------------------------------------------------

# federation::city::Event: the event.report and event.state handler: store (or update) the county
# event the message is about and the timeline steps it carries.
proc federation::city::Event {peer object payload msg} {
    variable majors
    Need
    set p [dict get $peer id]
    if {![regexp {^event:(\d+)$} $object -> e]} { yq::fail federation.badmsg object $object }
    set now [yqbox::iso]
    set level [Get $payload level]
    if {$level ni {一般 较大 重大 特别重大}} { yq::fail federation.badmsg level $level }
    set exists [db exists {SELECT 1 FROM city_event WHERE peer_id = $p AND event_id = $e}]
    if {[dict get $msg kind] eq "event.report" || !$exists} {
        set reasons [json array json [lmap r [Get $payload reasons {}] {
            json object factor string [Get $r factor] points number [Get $r points 0] text string [Get $r text]
        }]]
        set posts [json array json [lmap r [Get $payload posts {}] {
            json object url string [Get $r url] title string [Get $r title] seen string [Get $r seen] source string [Get $r source]
        }]]
        db eval {INSERT INTO city_event(peer_id, event_id, title, level, score, reasons, state, unit, first_seen, detected,
                                        major_at, posts, posts_count, received, updated)
                 VALUES($p, $e, '', $level, 0, $reasons, '', '', '', '', '', $posts, 0, $now, $now)
                 ON CONFLICT(peer_id, event_id) DO UPDATE SET reasons = excluded.reasons, posts = excluded.posts}
        foreach {col f} {title title first_seen first_seen detected detected posts_count posts_count} {
            if {![dict exists $payload $f]} { continue }
            set v [dict get $payload $f]
            db eval "UPDATE city_event SET $col = \$v WHERE peer_id = \$p AND event_id = \$e"
        }
    }
    foreach {col f} {level level score score state state unit unit major_at major_at overdue overdue} {
        if {[dict exists $payload $f]} {
            set v [dict get $payload $f]
            db eval "UPDATE city_event SET $col = \$v, updated = \$now WHERE peer_id = \$p AND event_id = \$e"
        }
    }
    set steps [expr {[dict get $msg kind] eq "event.report" ? [Get $payload steps {}] : [list $payload]}]
    foreach s $steps {
        if {![dict exists $s step]} { continue }
        set step [dict get $s step]
        if {![string is entier -strict $step]} { yq::fail federation.badmsg step $step }
        foreach f {at action from to by note} { set st($f) [Get $s $f] }
        db eval {INSERT OR IGNORE INTO city_event_step(peer_id, event_id, step, at, action, from_state, to_state,
                                                      by_unit, note, received)
                 VALUES($p, $e, $step, $st(at), $st(action), $st(from), $st(to), $st(by), $st(note), $now)}
        if {[Get $s to] eq "closed" && [Get $s action] eq "close"} {
            set at [Get $s at]
            set note [Get $s note]
            db eval {UPDATE city_event SET closed_at = $at, result = $note WHERE peer_id = $p AND event_id = $e}
        }
        if {[Get $s action] eq "reopen"} {
            db eval {UPDATE city_event SET closed_at = '', result = '' WHERE peer_id = $p AND event_id = $e}
        }
    }
    if {$level in $majors} {
        # the member's clock skew measured by the link now (NULL unknown: file transfer only)
        set skew [dict get $peer skew]
        db eval {UPDATE city_event SET major_received = $now, major_skew = nullif($skew, '')
                 WHERE peer_id = $p AND event_id = $e AND major_received = ''}
    }
    Delay $p $e
}

# federation::city::Reply: the event.reply handler: the reply published on a county event.
proc federation::city::Reply {peer object payload msg} {
    Need
    if {![regexp {^event:(\d+)$} $object -> e]} { yq::fail federation.badmsg object $object }
    set p [dict get $peer id]
    set body [Get $payload body]
    set at [Get $payload published]
    db eval {UPDATE city_event SET reply = $body, reply_at = $at WHERE peer_id = $p AND event_id = $e}
}

# federation::city::Report: the report.issue handler: a county's 专报.
proc federation::city::Report {peer object payload msg} {
    Need
    foreach f {document number title issued html} {
        if {![dict exists $payload $f]} { yq::fail federation.badmsg $f "" }
    }
    set p [dict get $peer id]
    set now [yqbox::iso]
    set event [Get $payload event]
    set level [Get $payload level]
    dict with payload {}
    db eval {INSERT OR IGNORE INTO city_report(peer_id, document, number, title, event_id, level, issued, html, received)
             VALUES($p, $document, $number, $title, nullif($event, ''), $level, $issued, $html, $now)}
}

# federation::city::Item: the submission.send handler: a 政务信息 item the county sent up; one
# answering the city's 约稿 (commission "PEER/TASK" as the county names it) delivers it.
proc federation::city::Item {peer object payload msg} {
    Need
    foreach f {title sent} {
        if {![dict exists $payload $f] || [dict get $payload $f] eq ""} { yq::fail federation.badmsg $f "" }
    }
    set p [dict get $peer id]
    set now [yqbox::iso]
    set task ""
    if {[regexp {^\d+$} [Get $payload commission]]} { set task [Get $payload commission] }
    set kind [expr {[Get $payload kind item] eq "special" ? "special" : "item"}]
    foreach f {title body unit signer sent} { set v($f) [Get $payload $f] }
    db eval {INSERT OR IGNORE INTO city_submission(peer_id, ref, kind, title, body, unit, signer, sent, task_id, received)
             VALUES($p, $object, $kind, $v(title), $v(body), $v(unit), $v(signer), $v(sent), nullif($task, ''), $now)}
    if {$task ne ""} {
        set sid [db onecolumn {SELECT id FROM city_submission WHERE peer_id = $p AND ref = $object}]
        set sent [Get $payload sent]
        db eval {UPDATE city_task_peer SET done = $sent, submission_id = $sid, received = $now
                 WHERE task_id = $task AND peer_id = $p AND done IS NULL}
    }
}

# federation::city::Done: the task.done handler: a county reposted (link and time).
proc federation::city::Done {peer object payload msg} {
    Need
    foreach f {task url done} {
        if {![dict exists $payload $f]} { yq::fail federation.badmsg $f "" }
    }
    set p [dict get $peer id]
    set now [yqbox::iso]
    dict with payload {}
    if {[catch {yqbox::seconds $done}]} { yq::fail federation.badmsg done $done }
    db eval {UPDATE city_task_peer SET done = $done, url = $url, received = $now
             WHERE task_id = $task AND peer_id = $p AND done IS NULL}
}

# federation::city::Counters: the assessment.counters handler: a county's counters of a quarter.
proc federation::city::Counters {peer object payload msg} {
    Need
    set period [Get $payload period]
    if {![regexp {^\d{4}-Q[1-4]$} $period]} { yq::fail federation.badmsg period $period }
    set parts {}
    dict for {k v} [Get $payload counters {}] {
        if {![string is double -strict $v]} { yq::fail federation.badmsg $k $v }
        lappend parts $k number $v
    }
    set c [json object {*}$parts]
    set p [dict get $peer id]
    set now [yqbox::iso]
    set units [Get $payload units 0]
    db eval {INSERT INTO city_counters(peer_id, period, counters, units, received) VALUES($p, $period, $c, $units, $now)
             ON CONFLICT(peer_id, period) DO UPDATE SET counters = excluded.counters, units = excluded.units,
                                                       received = excluded.received}
}

# federation::city::Stats: the stats.posts handler: a county's posts per hour of the last day.
proc federation::city::Stats {peer object payload msg} {
    Need
    set hours [Get $payload hours {}]
    if {[llength $hours] != 24} { yq::fail federation.badmsg hours [llength $hours] }
    foreach h $hours { if {![string is entier -strict $h]} { yq::fail federation.badmsg hours $h } }
    set p [dict get $peer id]
    set now [yqbox::iso]
    set j [json array number $hours]
    set at [Get $payload at]
    db eval {INSERT INTO city_stats(peer_id, at, hours, received) VALUES($p, $at, $j, $now)
             ON CONFLICT(peer_id) DO UPDATE SET at = excluded.at, hours = excluded.hours, received = excluded.received}
}

foreach {kind cmd} {event.report Event event.state Event event.reply Reply report.issue Report
                    submission.send Item task.done Done assessment.counters Counters stats.posts Stats} {
    federation::on $kind federation::city::$cmd
}
unset kind cmd

# ---- sending down ----------------------------------------------------------------------------

# federation::city::decide: the city office's decision on 政务信息 item ID received from a member:
# DECISION adopted (采用) or rejected (不予采用, REASON required). It may be changed later (the
# last decision counts); the same decision twice is refused. One transaction: the item's row, the
# audit entry and submission.adopt sent back down to the member (its box shows the decision).
# Returns ID.
proc federation::city::decide {id decision {reason ""}} {
    Need
    if {![string is entier -strict $id]} { yq::fail city.noitem $id }
    set row {}
    db eval {SELECT peer_id, ref, title, decision AS was FROM city_submission WHERE id = $id} r { unset r(*); set row [array get r] }
    if {![dict size $row]} { yq::fail city.noitem $id }
    if {$decision ni {adopted rejected}} { yq::fail city.baddecision $decision }
    set reason [string trim $reason]
    if {$decision eq "rejected" && $reason eq ""} { yq::fail city.empty 不予采用的理由 }
    if {$decision eq "adopted"} { set reason "" }
    if {[string length $reason] > 500} { yq::fail workflow.long 理由 500 }
    dict with row {}
    if {$was eq $decision} { yq::fail city.decided $title [dict get {adopted 采用 rejected 不予采用} $decision] }
    org::guarded city.task city.adopt city_submission:$id {
        set now [yqbox::iso]
        set by [dict get [org::actor] login]
        db eval {UPDATE city_submission SET decision = $decision, decided = $now, decided_by = $by, reason = $reason
                 WHERE id = $id}
        federation::emit -to $peer_id submission.adopt $ref [json object ref string $ref decision string $decision \
            reason string $reason decided string $now]
        list $id "$title：[dict get {adopted 采用 rejected 不予采用} $decision][expr {$reason eq "" ? "" : "（$reason）"}]" $was
    }
}

# federation::city::To: the member peers TO names (a list of names; empty = every enabled member)
# as peer dicts; errors when there is none.
proc federation::city::To {to} {
    if {![llength $to]} {
        set out [lmap m [members] { expr {[dict get $m enabled] ? $m : [continue]} }]
    } else {
        set out [lmap n $to { Member $n }]
    }
    if {![llength $out]} { yq::fail city.nomembers }
    return $out
}

# federation::city::repost: issue a repost task: the city's release TITLE at URL on CHANNEL (weibo
# or wechat), released at POSTED (ISO or YYYY-MM-DD HH:MM; "" = now), to the members TO (empty:
# every enabled member). Its due time is the channel's rule from the release. One transaction (the
# task, each member's row, the messages, the audit entry). Returns the task id.
proc federation::city::repost {channel title url {posted ""} {to {}}} {
    Need
    set rules {weibo repost_weibo wechat repost_wechat}
    if {![dict exists $rules $channel]} { yq::fail city.badchannel $channel }
    set title [string trim $title]
    if {$title eq ""} { yq::fail city.empty 发布内容的标题 }
    if {[string length $title] > 500} { yq::fail workflow.long 标题 500 }
    set url [string trim $url]
    if {[string length $url] > 2000 || [catch {url parse $url} u] || [dict get $u scheme] ni {http https}
        || [dict get $u host] eq ""} { yq::fail city.badlink }
    set t [Time $posted]
    set limit [dict get $rules $channel]
    set peers [To $to]
    org::guarded city.task city.repost task:* {
        set d [calendar::due $t $limit]
        set id [Task repost $channel $title "" $url [yqbox::iso $t] $limit $d $peers]
        foreach m $peers {
            federation::emit -to [dict get $m id] task.repost task:$id [json object task number $id channel string $channel \
                title string $title url string $url posted string [yqbox::iso $t] due string [dict get $d due]]
        }
        list $id "$channel $title $url → [join [lmap m $peers { dict get $m name }] 、]"
    }
}

# federation::city::commission: issue a 约稿 notice TITLE with BODY to the members TO (empty:
# every enabled member), due in LIMIT (calendar::due: a rule or {N UNIT}, default 5 working days).
# Each member's box makes it a commission of its own 约稿 process. One transaction. Returns the id.
proc federation::city::commission {title body {limit {5 workdays}} {to {}}} {
    Need
    set title [string trim $title]
    if {$title eq ""} { yq::fail city.empty 约稿通知的标题 }
    if {[string length $title] > 200} { yq::fail workflow.long 标题 200 }
    set peers [To $to]
    org::guarded city.task city.commission task:* {
        set d [calendar::due [yqbox::now] $limit]
        set id [Task commission "" $title $body "" "" $limit $d $peers]
        foreach m $peers {
            federation::emit -to [dict get $m id] commission.issue task:$id [json object task number $id title string $title \
                body string $body limit string $limit due string [dict get $d due]]
        }
        list $id "$title ≤[dict get $d due]"
    }
}

# federation::city::Task: record a task of KIND for PEERS (due dict D from calendar::due). Returns its id.
proc federation::city::Task {kind channel title body url posted limit d peers} {
    set now [yqbox::iso]
    set by [dict get [org::actor] login]
    set due [dict get $d due]
    set epoch [dict get $d due_epoch]
    db eval {INSERT INTO city_task(kind, channel, title, body, url, posted, time_limit, due, due_epoch, issued, issued_by)
             VALUES($kind, $channel, $title, $body, $url, $posted, $limit, $due, $epoch, $now, $by)}
    set id [db last_insert_rowid]
    foreach m $peers {
        set p [dict get $m id]
        db eval {INSERT INTO city_task_peer(task_id, peer_id) VALUES($id, $p)}
    }
    return $id
}

# federation::city::Time: TEXT (ISO, or YYYY-MM-DD HH:MM; "" = now) as seconds, not in the future.
proc federation::city::Time {text} {
    set text [string trim $text]
    if {$text eq ""} { return [yqbox::now] }
    set s [string map {" " T} $text]
    if {[regexp {^\d{4}-\d\d-\d\dT\d\d:\d\d$} $s]} { append s :00 }
    if {[catch {yqbox::seconds $s} t] || $t > [yqbox::now]} { yq::fail city.badtime $text }
    return $t
}

# federation::city::tasks: the tasks sent down (KIND repost|commission|"" all; to member PEER only,
# "" any), newest first, each a dict id kind channel title url posted due due_epoch issued peers: a
# list of dicts peer name done url state (done | late | overdue | open) (only PEER's when given).
proc federation::city::tasks {{kind ""} {peer ""}} {
    set now [yqbox::now]
    set out {}
    if {$peer eq ""} {
        set sql {SELECT * FROM city_task WHERE $kind = '' OR kind = $kind ORDER BY id DESC}
    } else {
        set sql {SELECT t.* FROM city_task_peer tp JOIN city_task t ON t.id = tp.task_id
                 WHERE tp.peer_id = $peer AND ($kind = '' OR t.kind = $kind) ORDER BY t.id DESC}
    }
    db eval $sql t {
        set ps {}
        db eval {SELECT tp.peer_id, p.name, tp.done, tp.url FROM city_task_peer tp JOIN federation_peer p ON p.id = tp.peer_id
                 WHERE tp.task_id = $t(id) AND ($peer = '' OR tp.peer_id = $peer) ORDER BY p.id} {
            lappend ps [dict create peer $peer_id name $name done [expr {$done eq "" ? "" : $done}] url $url \
                            state [TaskState $done $t(due_epoch) $now]]
        }
        lappend out [dict create id $t(id) kind $t(kind) channel $t(channel) title $t(title) url $t(url) posted $t(posted) \
                         due $t(due) due_epoch $t(due_epoch) issued $t(issued) peers $ps]
    }
    return $out
}

# federation::city::TaskState: done (by the due time), late (after it), overdue (not done, past
# it) or open, of a member's answer DONE (ISO or "") to a task due at DUE (seconds) at NOW.
proc federation::city::TaskState {done due now} {
    if {$done ne ""} { return [expr {[yqbox::seconds $done] <= $due ? "done" : "late"}] }
    expr {$now > $due ? "overdue" : "open"}
}

# ---- the city's figures ------------------------------------------------------------------------

# federation::city::assessment: the city's assessment of quarter PERIOD: the member counties and
# (fed_role both) the 市直 departments of this box ranked together by the same formula. Returns a
# dict period formula units (assessment::rank's list; each entry also has kind 县区|市直, peer (the
# peer id of a county, "" for a department), reposts_late, reported (whether the county's counters
# arrived)).
proc federation::city::assessment {period} {
    Need
    if {![regexp {^\d{4}-Q[1-4]$} $period]} { yq::fail city.noperiod $period }
    set p [reporting::period $period]
    set f [assessment::formula]
    set entries {}
    if {[conf::get fed_role] eq "both"} {
        foreach u [dict get [assessment::compute $period 0] units] {
            lappend entries [dict merge $u [dict create kind 市直 peer "" reposts_late 0 reported 1]]
        }
    }
    set from [dict get $p from]; set to [dict get $p to]
    set now [yqbox::now]
    set quotas [quotas $period]
    foreach m [members] {
        set pid [dict get $m id]
        set c {}
        foreach n [concat [dict keys $assessment::counters] $assessment::reportingCounters] { dict set c $n 0 }
        set got [db onecolumn {SELECT counters FROM city_counters WHERE peer_id = $pid AND period = $period}]
        if {$got ne ""} { set c [dict merge $c [json parse $got]] }
        # adoption is the city office's decision (submission::stats counts the county's own likewise)
        dict set c submissions_adopted [db onecolumn {SELECT count(*) FROM city_submission WHERE peer_id = $pid
                                                      AND kind = 'item' AND sent >= $from AND sent < $to
                                                      AND decision = 'adopted'}]
        set below [dict get $quotas $pid below]
        dict set c months_below_quota [llength $below]
        set late 0; set rlate 0; set rontime 0
        db eval {SELECT t.kind, t.due_epoch, tp.done FROM city_task_peer tp JOIN city_task t ON t.id = tp.task_id
                 WHERE tp.peer_id = $pid AND t.issued >= $from AND t.issued < $to} {
            set st [TaskState $done $due_epoch $now]
            if {$kind eq "commission"} {
                if {$st in {late overdue}} { incr late }
            } elseif {$st in {late overdue}} {
                incr rlate
            } elseif {$st eq "done"} {
                incr rontime
            }
        }
        dict set c commissions_late $late
        dict set c reposts_ontime $rontime
        dict set c reposts_late $rlate
        lappend entries [dict create unit [dict get $m county] unit_id "" kind 县区 peer $pid counters $c below $below \
                             reposts_late $rlate reported [expr {$got ne ""}]]
    }
    dict create period $p formula $f units [assessment::rank $f $entries]
}

# federation::city::table: assessment A (federation::city::assessment) as rows: the header, then
# 名次 单位 类别 积分, every counter of the formula, and the late reposts.
proc federation::city::table {a} {
    set parts [dict get $a formula parts]
    # a formula without a part for the late reposts still shows them
    set extra [expr {"reposts_late" ni [lmap p $parts { lindex $p 0 }]}]
    set rows [list [concat 名次 单位 类别 积分 [lmap p $parts { lindex $p 2 }] [if {$extra} { list 转载逾期 }]]]
    foreach u [dict get $a units] {
        lappend rows [concat [dict get $u rank] [dict get $u unit] [dict get $u kind] [dict get $u points] \
                          [lmap p $parts { expr {[dict exists $u counters [lindex $p 0]] ? [dict get $u counters [lindex $p 0]] : 0} }] \
                          [if {$extra} { dict get $u reposts_late }]]
    }
    return $rows
}

# federation::city::quotas: the 政务信息 items received from each member in the months of PERIOD
# (a quarter, month or year spec), as a dict peer id -> dict peer name months (YYYY-MM -> items
# sent) adopted (YYYY-MM -> items the city adopted) below (past months under the quota) quota.
# The quota counts what was sent; adoption is counted apart (the ranking counts it).
proc federation::city::quotas {period} {
    Need
    set p [reporting::period $period]
    set quota [conf::get rule_submission_unit]
    set thisMonth [reporting::current month]
    set from [dict get $p from]; set to [dict get $p to]
    set out {}
    foreach m [members] {
        set pid [dict get $m id]
        set ms {}; set ad {}; set below {}
        foreach mm [dict get $p months] { dict set ms $mm 0; dict set ad $mm 0 }
        db eval {SELECT substr(sent, 1, 7) AS mm, count(*) AS n, sum(decision = 'adopted') AS a FROM city_submission
                 WHERE peer_id = $pid AND kind = 'item' AND sent >= $from AND sent < $to GROUP BY mm} {
            if {[dict exists $ms $mm]} { dict set ms $mm $n; dict set ad $mm $a }
        }
        dict for {mm n} $ms {
            if {$mm < $thisMonth && $n < $quota} { lappend below $mm }
        }
        dict set out $pid [dict create peer $pid name [dict get $m county] months $ms adopted $ad below $below quota $quota]
    }
    return $out
}

# federation::city::twohour: the 重大敏感 matters reported by members (level 重大 or 特别重大), newest
# first, LIMIT from OFFSET: a dict late (how many of all took longer than 2 hours) total (how many
# there are) rows: a list of dicts peer name event title level from (the county's rating, else its
# detection; the county's clock) received (reached the city at that level; the city's clock) skew
# (the county's clock minus the city's then, seconds; "" unknown) minutes (from to received, on the
# city's clock) ok (1 within 2 hours, 0 not, "" not known).
proc federation::city::twohour {{limit 50} {offset 0}} {
    variable twoHours
    Need
    set rows {}
    db eval {SELECT e.peer_id, p.county, p.name, e.event_id, e.title, e.level, e.detected, e.major_at, e.major_received,
                    e.major_skew, e.major_delay
             FROM city_event e JOIN federation_peer p ON p.id = e.peer_id
             WHERE e.major_received <> '' ORDER BY e.major_received DESC LIMIT $limit OFFSET $offset} {
        set from [expr {$major_at ne "" ? $major_at : $detected}]
        set min [expr {$major_delay eq "" ? "" : max(0, $major_delay) / 60}]
        set ok [expr {$major_delay eq "" ? "" : $major_delay <= $twoHours}]
        lappend rows [dict create peer $peer_id name [expr {$county eq "" ? $name : $county}] event $event_id title $title \
                          level $level from $from received $major_received skew $major_skew minutes $min ok $ok]
    }
    db eval {SELECT count(*) AS total, coalesce(sum(major_delay > $twoHours), 0) AS late FROM city_event
             WHERE major_received <> ''} {}
    dict create late $late total $total rows $rows
}

# federation::city::Delay: record how long county event E of member P took to reach the city at
# 重大 or above (city_event.major_delay, seconds): from the county's rating (else its detection),
# on the county's clock, to the city's receipt, on the city's, corrected by the clock skew measured
# then (major_skew: the county's clock minus the city's; none when unknown). NULL when it has not
# reached the city at that level or a time is missing.
proc federation::city::Delay {p e} {
    db eval {SELECT major_at, detected, major_received, major_skew FROM city_event WHERE peer_id = $p AND event_id = $e} {}
    set from [expr {$major_at ne "" ? $major_at : $detected}]
    set d ""
    if {$major_received ne "" && $from ne ""
        && ![catch {expr {[yqbox::seconds $major_received] - [yqbox::seconds $from]}} raw]} {
        set d [expr {$raw + ($major_skew eq "" ? 0 : $major_skew)}]
    }
    db eval {UPDATE city_event SET major_delay = nullif($d, '') WHERE peer_id = $p AND event_id = $e}
}

# federation::city::notice: the city's 通报 of quarter PERIOD as a printable official document
# (markup): the ranking of counties and 市直 departments, the late reposts and 约稿, the counties
# under the reporting quota.
proc federation::city::notice {period} {
    set a [assessment $period]
    set label [dict get $a period label]
    set rows [table $a]
    set head ""
    foreach c [lindex $rows 0] { markup append head [tmpl {<th>$c</th>}] }
    set body ""
    foreach r [lrange $rows 1 end] {
        set cells ""
        foreach c $r { markup append cells [tmpl {<td>$c</td>}] }
        markup append body [tmpl {<tr>$cells</tr>}]
    }
    set late ""
    foreach u [dict get $a units] {
        set what {}
        if {[dict get $u reposts_late]} { lappend what "转载市级重大信息逾期 [dict get $u reposts_late] 次" }
        if {[dict get $u counters commissions_late]} { lappend what "约稿逾期 [dict get $u counters commissions_late] 次" }
        if {[llength [dict get $u below]]} {
            lappend what "[join [lmap m [dict get $u below] { format %d月 [scan [string range $m 5 6] %d] }] 、]报送政务信息少于 [conf::get rule_submission_unit] 条"
        }
        if {[llength $what]} { markup append late [tmpl {<p>[dict get $u unit]：[join $what "；"]。</p>}] }
    }
    set text [tmpl {<p>现将${label}各县区和市直部门网络舆情报送、办理和政务信息报送情况通报如下：</p>
<h2>一、积分排名</h2>
<table><tr>$head</tr>$body</table>
<h2>二、点名通报</h2>
[if {$late ne ""} { set late } else { tmpl {<p>本期各县区和市直部门均按时完成转载、约稿和报送任务。</p>} }]
<h2>三、工作要求</h2>
<p>各县区、各部门要严格落实“一事一报、随有随报”，重大敏感舆情 2 小时内报送市信息办；市政府政务微博、微信发布的重大信息，县区政务微博 1 小时内、政务微信 1 个工作日内转载。</p>}]
    reporting::document [dict create title "关于${label}各县区和市直部门网络舆情和政务信息工作情况的通报" \
        recipients 各县区人民政府，市政府各部门 body $text]
}

# federation::city::bulletin: issue the 通报 of quarter PERIOD: kept in city_bulletin and sent to
# every enabled member (bulletin.issue). One transaction. Returns its id.
proc federation::city::bulletin {period} {
    Need
    set html [markup text [notice $period]]
    set title "[dict get [reporting::period $period] label]考核情况通报"
    set peers [To {}]
    org::guarded city.task city.bulletin bulletin:* {
        set now [yqbox::iso]
        set by [dict get [org::actor] login]
        db eval {INSERT INTO city_bulletin(period, title, html, issued, issued_by) VALUES($period, $title, $html, $now, $by)}
        set id [db last_insert_rowid]
        foreach m $peers {
            federation::emit -to [dict get $m id] bulletin.issue bulletin:$id [json object bulletin number $id \
                period string $period title string $title html string $html]
        }
        list $id $title
    }
}

# federation::city::dashboard: the figures across members (or member PEER only): a list of dicts
# peer name levels (level -> open events) open closed overdue (events with breached deadlines,
# open) tasks_overdue (repost and 约稿 past due, not done) reports (专报 received) hours (posts per
# hour, last 24, oldest first; {} none) last_received (the link) skew (its clock minus ours,
# seconds, at the last exchange; "" unknown). The event figures come from city_event_count (kept
# by migration 033's triggers), not from the events.
proc federation::city::dashboard {{peer ""}} {
    Need
    set now [yqbox::now]
    set out {}
    foreach m [members] {
        set pid [dict get $m id]
        if {$peer ne "" && $pid != $peer} { continue }
        set levels {较大 0 重大 0 特别重大 0}
        set open 0; set closed 0; set overdue 0
        db eval {SELECT level, state, overdue AS late, n FROM city_event_count WHERE peer_id = $pid} {
            if {$state eq "closed"} { incr closed $n; continue }
            incr open $n
            if {$late} { incr overdue $n }
            if {[dict exists $levels $level]} { dict incr levels $level $n }
        }
        set tover [db onecolumn {SELECT count(*) FROM city_task_peer tp JOIN city_task t ON t.id = tp.task_id
                                 WHERE tp.peer_id = $pid AND tp.done IS NULL AND t.due_epoch < $now}]
        set reports [db onecolumn {SELECT count(*) FROM city_report WHERE peer_id = $pid}]
        set hours [db onecolumn {SELECT hours FROM city_stats WHERE peer_id = $pid}]
        set hours [expr {$hours eq "" ? {} : [json parse $hours]}]
        db eval {SELECT last_received AS last, skew FROM federation_peer WHERE id = $pid} {}
        lappend out [dict create peer $pid name [dict get $m county] levels $levels open $open closed $closed \
                         overdue $overdue tasks_overdue $tover reports $reports hours $hours last_received $last skew $skew]
    }
    return $out
}

# ---- the console command ----
cmdlayer::noun city "市级平台：向县区下发转载任务、约稿通知和考核通报，查看县区排名、两小时报送和政务信息报送" \
    "只在市级平台（fed_role city 或 both）上使用。期间写作 YYYY-Qn。"
cmdlayer::command city repost {{channel 渠道 choice(weibo|wechat)} {title 标题} {url 发布链接} {-posted 发布时间 text ""} {-to 县区列表 text ""}} \
    "下发转载任务：政务微博 1 小时内、政务微信 1 个工作日内转载（004 三(三)），返回任务编号" {
    federation::city::repost $channel $title $url $posted $to
}
cmdlayer::command city commission {{title 标题} {text 正文} {-limit 时限 text {5 workdays}} {-to 县区列表 text ""}} \
    "向县区下发约稿通知（默认 5 个工作日），返回编号" {
    federation::city::commission $title $text $limit $to
}
cmdlayer::command city bulletin {{period 期间}} "印发季度考核通报并下发各县区，返回编号" { federation::city::bulletin $period }
cmdlayer::command city rank {{period 期间 text ""}} "县区与市直部门考核积分排名（默认本季度）" {
    if {$period eq ""} { set period [reporting::current quarter] }
    join [lmap r [federation::city::table [federation::city::assessment $period]] { join $r \t }] \n
}
cmdlayer::command city adopt {{id 信息编号} {-no 不予采用的理由 text ""}} \
    "市信息办对县区报送的政务信息作出采用决定（带 -no 理由 为不予采用），并告知该县区；只有采用的计入考核" {
    federation::city::decide $id [expr {$no eq "" ? "adopted" : "rejected"}] $no
}
cmdlayer::command city tasks {} "已下发的转载任务和约稿通知及各县区完成情况" {
    set names {done 按时 late 逾期完成 overdue 逾期未完成 open 未到期}
    join [lmap t [federation::city::tasks] {
        format "%3d %-10s %-20s 截止 %s  %s" [dict get $t id] [dict get $t kind] [dict get $t title] [dict get $t due] \
            [join [lmap p [dict get $t peers] { string cat [dict get $p name] [dict get $names [dict get $p state]] }] 、]
    }] \n
}
