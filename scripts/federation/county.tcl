# federation/county.tcl - what a county box sends its city box and what it does with what the city
# sends down (issue 17 items 2 and 3), on the core of federation/link.tcl.
#
# UPWARD, each message queued with federation::emit in the transaction of the change it reports:
#   report.issue          every 专报 issued (the report transition): its number, title and page
#   event.report          an event of level 较大 or above, the first time it is one: its posts'
#                         links, score and reasons, and its whole timeline so far (an event that
#                         rises to 较大 later sends its history then)
#   event.state           each later step of such an event (state changes, level, 办结 with its
#                         reason), and a level rise by the analysis
#   event.reply           the reply published on such an event
#   submission.send       the 政务信息 items (and 《政务信息专报》) the office sends up
#                         (submission upward), and the item answering a 约稿 from the city
#   task.done             a repost task done (the link recorded)
#   assessment.counters   the quarter's counters of the county's own assessment (a job, when they
#                         changed), summed over its units
# DOWNWARD, applied by handlers registered with federation::on (in the receiving transaction):
#   task.repost           a repost task (process repost below: its deadline repost_weibo or
#                         repost_wechat runs from the city's release time; the office's work list)
#   commission.issue      a 约稿 notice: a commission of the county's 约稿 process to the info
#                         office, with the city's time limit
#   bulletin.issue        the city's quarterly 通报: stored, the office told
#   submission.adopt      the city office's decision (采用 or not) on an item sent up: kept in
#                         city_adoption, shown on the item's page, the office told
# A box without a parent queues nothing (federation::emit), so a standalone county is unchanged.

namespace eval federation::county {
    variable levels {较大 重大 特别重大}   ;# the levels reported to the city
    variable channels {weibo {repost_weibo 政务微博} wechat {repost_wechat 政务微信}}
}

dict set org::perms repost.record {office}

# ---- upward ------------------------------------------------------------------------------------

# federation::county::onStep: the workflow's step hook (workflow::stepHooks), inside the step's
# transaction: queue what the step of process P on row ID (transition NAME, FROM → TO, NOTE)
# reports to the city. Returns nothing.
proc federation::county::onStep {p id name from to note} {
    variable levels
    switch -- $p {
        event {
            if {$name eq "report"} { Report $id }
            set level [db onecolumn {SELECT level FROM event WHERE id = $id}]
            if {$level ni $levels} { return }
            if {![Reported $id]} { Event $id; return }
            federation::emit event.state event:$id [StepJson $id [db onecolumn {SELECT max(id) FROM event_step WHERE event_id = $id}]]
            if {$name eq "publish"} { Reply $id }
        }
        submission {
            if {$name ne "send"} { return }
            db eval {SELECT c.id AS c, c.city FROM submission s JOIN commission c ON c.id = s.commission_id
                     WHERE s.id = $id AND c.city <> ''} {
                lassign [split $city /] peer ref
                federation::emit -to $peer submission.send submission:$id [Item $id $ref]
            }
        }
        repost {
            if {$name ne "record"} { return }
            db eval {SELECT peer_id, ref, channel, repost_url, done_at FROM repost WHERE id = $id} {
                federation::emit -to $peer_id task.done task:$ref [json object task string $ref channel string $channel \
                    url string $repost_url done string $done_at]
            }
        }
    }
    return
}

# federation::county::onLevel: the analysis hook (analyse::hooks): event ID rose from OLD to NEW.
# A rise to a reported level sends the event with its history, a rise of a reported event sends
# its new level. Own transaction (the analysis runs its hooks outside one). Returns nothing.
proc federation::county::onLevel {id old new} {
    variable levels
    if {$new ni $levels} { return }
    db transaction {
        if {![Reported $id]} {
            Event $id
        } elseif {[LastLevel $id] ne $new} {
            federation::emit event.state event:$id [json object event number $id action string level \
                at string [yqbox::iso] level string $new score number [db onecolumn {SELECT score FROM event WHERE id = $id}] \
                state string [db onecolumn {SELECT state FROM event WHERE id = $id}] major_at string [MajorAt $id]]
        }
    }
    return
}

# federation::county::Reported: whether event ID has been reported to the parent (an event.report
# queued for it).
proc federation::county::Reported {id} {
    db exists {SELECT 1 FROM federation_outbox WHERE object = 'event:' || $id AND kind = 'event.report'}
}

# federation::county::LastLevel: the level the last message queued about event ID carried ("" none).
proc federation::county::LastLevel {id} {
    set p [db onecolumn {SELECT payload FROM federation_outbox WHERE object = 'event:' || $id ORDER BY id DESC LIMIT 1}]
    if {$p eq ""} { return "" }
    set d [json parse $p]
    expr {[dict exists $d level] ? [dict get $d level] : ""}
}

# federation::county::MajorAt: when event ID became 重大 or 特别重大 (its first score or judgement
# at such a level), ISO; "" when it is not.
proc federation::county::MajorAt {id} {
    db onecolumn {SELECT min(at) FROM (SELECT at FROM event_score WHERE event_id = $id AND level IN ('重大', '特别重大')
                                       UNION ALL
                                       SELECT at FROM judgement WHERE event_id = $id AND level IN ('重大', '特别重大'))}
}

# federation::county::Event: queue event.report for event ID: the event, its posts' links, its
# score and reasons, its whole timeline and its published reply. Returns nothing.
proc federation::county::Event {id} {
    db eval {SELECT e.title, e.state, e.level, e.score, e.reasons, e.first_seen, e.created, e.posts,
                    coalesce(n.name, '') AS unit, e.suggested_unit
             FROM event e LEFT JOIN unit n ON n.id = e.unit_id WHERE e.id = $id} {}
    set detected [db onecolumn {SELECT min(at) FROM event_step WHERE event_id = $id AND action = 'detect'}]
    if {$detected eq ""} { set detected $created }
    set rs [lmap r $reasons {
        lassign $r factor points text
        json object factor string $factor points number [expr {double($points)}] text string $text
    }]
    set ps {}
    db eval {SELECT p.url, p.title AS ptitle, p.first_seen AS seen, coalesce(s.title, '') AS source FROM post p
             LEFT JOIN source s ON s.id = p.source_id WHERE p.event_id = $id ORDER BY p.first_seen, p.id LIMIT 200} {
        lappend ps [json object url string $url title string $ptitle seen string $seen source string $source]
    }
    set steps [lmap s [db eval {SELECT id FROM event_step WHERE event_id = $id ORDER BY id}] { StepJson $id $s }]
    federation::emit event.report event:$id [json object event number $id title string $title state string $state \
        level string $level score number $score reasons json [json array json $rs] first_seen string $first_seen \
        detected string $detected major_at string [MajorAt $id] unit string $unit suggested string $suggested_unit \
        posts_count number $posts posts json [json array json $ps] steps json [json array json $steps]]
    if {[db exists {SELECT 1 FROM reply WHERE event_id = $id AND state = 'published'}]} { Reply $id }
}

# federation::county::StepJson: the timeline step STEP of event ID as a JSON object, with the
# event's level, score and state now.
proc federation::county::StepJson {id step} {
    db eval {SELECT at, action, from_state, to_state, unit, note FROM event_step WHERE id = $step} {}
    db eval {SELECT level, score, state, coalesce((SELECT name FROM unit WHERE id = event.unit_id), '') AS owner
             FROM event WHERE id = $id} {}
    json object event number $id step number $step at string $at action string $action from string $from_state \
        to string $to_state by string $unit note string [yq::note $note] level string $level score number $score \
        state string $state unit string $owner major_at string [MajorAt $id]
}

# federation::county::Reply: queue event.reply: the reply published on event ID.
proc federation::county::Reply {id} {
    db eval {SELECT question, body, published_at FROM reply WHERE event_id = $id AND state = 'published'
             ORDER BY id DESC LIMIT 1} {
        federation::emit event.reply event:$id [json object event number $id question string $question \
            body string $body published string $published_at]
    }
}

# federation::county::Report: queue report.issue: the newest 专报 on event ID (its printable page).
proc federation::county::Report {id} {
    db eval {SELECT id AS doc, title, created, body FROM document WHERE event_id = $id AND kind = '专报'
             ORDER BY id DESC LIMIT 1} {
        federation::emit report.issue document:$doc [json object document number $doc number string \
            [documents::numberText $doc] title string $title event number $id issued string $created \
            level string [db onecolumn {SELECT level FROM event WHERE id = $id}] html string $body]
    }
}

# federation::county::Item: a 政务信息 item SUBMISSION as the payload of submission.send; REF is the
# city's 约稿 it answers ("" none).
proc federation::county::Item {id {ref ""} {kind item} {title ""} {sent ""}} {
    set body ""; set unit ""; set signer ""
    if {$id ne ""} {
        db eval {SELECT s.title, s.body, n.name AS unit, s.signer_name AS signer, s.sent FROM submission s
                 JOIN unit n ON n.id = s.unit_id WHERE s.id = $id} {}
    }
    json object submission string $id kind string $kind title string $title body string $body unit string $unit \
        signer string $signer sent string $sent commission string $ref
}

# federation::county::upward: the submission::upwardHooks hook: what the office sent up
# (submission_upward row ROW) goes to the city too. Returns nothing.
proc federation::county::upward {row} {
    db eval {SELECT kind, submission_id, title, sent FROM submission_upward WHERE id = $row} {
        federation::emit submission.send upward:$row [Item $submission_id "" $kind $title $sent]
    }
    return
}

# federation::county::counters: the counters of the county's assessment of quarter PERIOD (default
# this quarter) summed over its units, as a dict name -> n (the event counters: the reporting ones
# are counted at the city from what it received).
proc federation::county::counters {{period ""}} {
    if {$period eq ""} { set period [reporting::current quarter] }
    set sum {}
    foreach n [dict keys $assessment::counters] { dict set sum $n 0 }
    foreach u [dict get [assessment::compute $period 0] units] {
        foreach n [dict keys $assessment::counters] { dict incr sum $n [dict get $u counters $n] }
    }
    return $sum
}

# federation::county::sendCounters: queue assessment.counters for this quarter (and, in the first
# 15 days of a quarter, the last one) when they differ from the last sent. Returns how many were
# queued.
proc federation::county::sendCounters {} {
    if {![db exists {SELECT 1 FROM federation_peer WHERE relation = 'parent' AND enabled}]} { return 0 }
    set periods [list [reporting::current quarter]]
    set before [reporting::current quarter [expr {[yqbox::now] - 15 * 86400}]]
    if {$before ni $periods} { lappend periods $before }
    set n 0
    foreach period $periods {
        set c [counters $period]
        set parts {}
        dict for {k v} $c { lappend parts $k number $v }
        set units [llength [dict get [assessment::compute $period 0] units]]
        set payload [json object period string $period counters json [json object {*}$parts] units number $units]
        set last [db onecolumn {SELECT payload FROM federation_outbox WHERE object = 'assessment:' || $period
                                ORDER BY id DESC LIMIT 1}]
        if {$last ne "" && [dict get [json parse $last] counters] eq [dict get [json parse $payload] counters]
            && [dict get [json parse $last] units] == $units} { continue }
        db transaction { federation::emit assessment.counters assessment:$period $payload }
        incr n
    }
    return $n
}

# federation::county::sendStats: queue stats.posts: the posts found in each of the last 24 hours
# (oldest first), for the city's dashboard. Returns the number queued (0 without a parent).
proc federation::county::sendStats {} {
    set now [yqbox::now]
    set hours {}
    for {set h 23} {$h >= 0} {incr h -1} {
        set a [yqbox::iso [expr {$now - ($h + 1) * 3600}]]
        set b [yqbox::iso [expr {$now - $h * 3600}]]
        lappend hours [db onecolumn {SELECT count(*) FROM post WHERE first_seen >= $a AND first_seen < $b}]
    }
    set day [clock format $now -format %Y-%m-%d -timezone :[conf::get timezone]]
    db transaction {
        set ids [federation::emit stats.posts stats:$day [json object at string [yqbox::iso $now] hours json [json array number $hours]]]
    }
    llength $ids
}

# federation::county::job: the hourly job: the counters when they changed, the posts per hour.
proc federation::county::job {} {
    set n [sendCounters]
    set s [sendStats]
    return "考核计数 $n 条，采集统计 $s 条"
}

job::define fedcounty 向市级上报统计 3600 federation::county::job

# ---- downward: repost tasks (process repost) ----------------------------------------------------

# federation::county::TaskLabel / TaskId: how messages name repost task ID; ID checked.
proc federation::county::TaskLabel {id} { return "转载任务 $id" }
proc federation::county::TaskId {id} {
    if {![string is entier -strict $id] || ![db exists {SELECT 1 FROM repost WHERE id = $id}]} {
        yq::fail repost.none $id
    }
    return $id
}

workflow::process repost {
    title 转载任务 table repost owner repost_id object repost label federation::county::TaskLabel
    resolve federation::county::TaskId unit "" overseer {org::can repost.record} console repost
    triggers {city_posted posted}
    doc "A repost task from the city box (004 三(三)): the city's major policy, activity or emergency release, reposted by the county's government Weibo within 1 hour or WeChat within 1 working day of the city's release; the info office records the link of its repost, which goes back to the city."
}
workflow::state -process repost open 待转载 "received from the city; the repost clock runs from the city's release"
workflow::state -process repost done 已转载 "the county reposted it; the link went back to the city" 1
workflow::transition -process repost receive {
    from {} to open perms workflow.system system 1 title 接收
    args "PEER REF CHANNEL TITLE URL POSTED"
    text "The city's task arrives (task.repost): its deadline (repost_weibo or repost_wechat) runs from the city's release time."
    records "repost row; its deadline" source "004 三(三)"
}
workflow::transition -process repost record {
    from {open} to done perms repost.record title 登记转载
    args "ID URL ?-at TIME?"
    text "The info office records the link of the county's repost (and when, default now); the deadline is met then, on time or late; the answer goes to the city (task.done)."
    records "repost_url, done_at; task.done queued for the city" source "004 三(三)"
}

# federation::county::Repost: the task.repost handler: a repost task from the city PEER.
proc federation::county::Repost {peer object payload msg} {
    variable channels
    foreach f {task channel title url posted} {
        if {![dict exists $payload $f]} { yq::fail federation.badmsg $f "" }
    }
    dict with payload {}
    if {![dict exists $channels $channel]} { yq::fail federation.badmsg channel $channel }
    if {[catch {yqbox::seconds $posted}]} { yq::fail federation.badmsg posted $posted }
    set p [dict get $peer id]
    if {[db exists {SELECT 1 FROM repost WHERE peer_id = $p AND ref = $task}]} { return }
    workflow::system {
        workflow::fire -process repost receive "" $p $task $channel [string range $title 0 499] \
            [string range $url 0 1999] $posted
    }
}
proc workflow::p::repost::do::receive {argv} {
    lassign $argv peer ref channel title url posted
    set now [yqbox::iso]
    db eval {INSERT INTO repost(peer_id, ref, channel, title, url, posted, created, updated)
             VALUES($peer, $ref, $channel, $title, $url, $posted, $now, $now)}
    set id [db last_insert_rowid]
    set ::workflow::created $id
    workflow::deadline::start $id [lindex [dict get $federation::county::channels $channel] 0] -process repost \
        -title "转载市级[lindex [dict get $federation::county::channels $channel] 1]：$title"
    return "$title $url"
}

# federation::county::record: the office records the repost of task ID at URL (-at TIME: when, an
# ISO time or YYYY-MM-DD HH:MM, default now). Returns nothing.
proc federation::county::record {id url args} {
    set o [reporting::options $args {-at ""} "repost record ID URL ?-at TIME?"]
    workflow::fire -process repost record $id $url [dict get $o -at]
    return
}
proc workflow::p::repost::do::record {id argv} {
    lassign $argv url at
    set url [string trim $url]
    if {$url eq "" || [string length $url] > 2000 || [catch {url parse $url} u]
        || [dict get $u scheme] ni {http https} || [dict get $u host] eq ""} {
        yq::fail repost.badlink
    }
    set t [yqbox::now]
    if {[string trim $at] ne ""} {
        set s [string map {" " T} [string trim $at]]
        if {[regexp {^\d{4}-\d\d-\d\dT\d\d:\d\d$} $s]} { append s :00 }
        if {[catch {yqbox::seconds $s} t] || $t > [yqbox::now]} { yq::fail repost.badtime $at }
    }
    set done [yqbox::iso $t]
    set by [dict get [org::actor] login]
    db eval {UPDATE repost SET repost_url = $url, done_at = $done, done_by = $by WHERE id = $id}
    set ::workflow::metAt $t
    return "$url $done"
}

# federation::county::Commission: the commission.issue handler: a 约稿 from the city PEER becomes a
# commission of this box's 约稿 process to its info office, with the city's time limit.
proc federation::county::Commission {peer object payload msg} {
    foreach f {task title body limit} {
        if {![dict exists $payload $f]} { yq::fail federation.badmsg $f "" }
    }
    set ref "[dict get $peer id]/[dict get $payload task]"
    if {[db exists {SELECT 1 FROM commission WHERE city = $ref}]} { return }
    set office [workflow::officeUnit]
    workflow::system {
        set c [submission::commission "[dict get $peer name]约稿：[dict get $payload title]" [dict get $payload body] \
                   [list [list $office [dict get $payload limit]]]]
    }
    db eval {UPDATE commission SET city = $ref WHERE id = $c}
}

# federation::county::Bulletin: the bulletin.issue handler: the city's 通报 is kept and the office
# told (its inbox links to /city-bulletins/ID).
proc federation::county::Bulletin {peer object payload msg} {
    foreach f {bulletin period title html} {
        if {![dict exists $payload $f]} { yq::fail federation.badmsg $f "" }
    }
    set p [dict get $peer id]
    set ref [dict get $payload bulletin]
    set now [yqbox::iso]
    set period [dict get $payload period]
    set title [dict get $payload title]
    set html [dict get $payload html]
    db eval {INSERT INTO bulletin(peer_id, ref, period, title, html, received)
             VALUES($p, $ref, $period, $title, $html, $now)
             ON CONFLICT(peer_id, ref) DO UPDATE SET title = excluded.title, html = excluded.html, received = excluded.received}
    set id [db onecolumn {SELECT id FROM bulletin WHERE peer_id = $p AND ref = $ref}]
    notify::queue "" bulletin.issue office "[dict get $peer name]：[dict get $payload title]" \
        "[dict get $peer name]印发了[dict get $payload title]，请阅读并落实。" bulletin:$id
}

# federation::county::Adopt: the submission.adopt handler: the city office's decision (adopted or
# rejected, with its reason) on an item this box sent up (REF upward:N or submission:N) is kept in
# city_adoption (the last one counts) and the office told.
proc federation::county::Adopt {peer object payload msg} {
    foreach f {ref decision decided} {
        if {![dict exists $payload $f]} { yq::fail federation.badmsg $f "" }
    }
    dict with payload {}
    if {$decision ni {adopted rejected}} { yq::fail federation.badmsg decision $decision }
    if {![regexp {^(upward|submission):(\d+)$} $ref -> table n]} { yq::fail federation.badmsg ref $ref }
    if {[catch {yqbox::seconds $decided}]} { yq::fail federation.badmsg decided $decided }
    set title [db onecolumn [expr {$table eq "upward" ? {SELECT title FROM submission_upward WHERE id = $n}
                                                       : {SELECT title FROM submission WHERE id = $n}}]]
    if {$title eq ""} { yq::fail federation.badmsg ref $ref }
    set reason [string range [expr {[dict exists $payload reason] ? [dict get $payload reason] : ""}] 0 499]
    set p [dict get $peer id]
    set now [yqbox::iso]
    db eval {INSERT INTO city_adoption(peer_id, ref, decision, reason, decided, received)
             VALUES($p, $ref, $decision, $reason, $decided, $now)
             ON CONFLICT(peer_id, ref) DO UPDATE SET decision = excluded.decision, reason = excluded.reason,
                                                    decided = excluded.decided, received = excluded.received}
    set what [expr {$decision eq "adopted" ? "采用" : "不予采用（$reason）"}]
    set sid [expr {$table eq "submission" ? $n : [db onecolumn {SELECT submission_id FROM submission_upward WHERE id = $n}]}]
    notify::queue "" submission.adopt office "[dict get $peer name]：政务信息$what" \
        "[dict get $peer name]对本县报送的政务信息《$title》作出决定：$what。" [expr {$sid eq "" ? "" : "submission:$sid"}]
}

# federation::county::adoption: the city's decisions on what this box sent up of submission ID
# (the item itself, or what the office sent up from it), newest first: a list of dicts city
# decision (adopted | rejected) reason decided. Reads only.
proc federation::county::adoption {id} {
    set out {}
    db eval {SELECT p.name AS city, a.decision, a.reason, a.decided FROM city_adoption a
             JOIN federation_peer p ON p.id = a.peer_id
             WHERE a.ref = 'submission:' || $id
                OR a.ref IN (SELECT 'upward:' || u.id FROM submission_upward u WHERE u.submission_id = $id)
             ORDER BY a.decided DESC} {
        lappend out [dict create city $city decision $decision reason $reason decided $decided]
    }
    return $out
}

# federation::county::worklist: the office's work-list rows (web::worklist) for what the city sent
# down: the open repost tasks, each with its deadline. Reads only.
proc federation::county::worklist {} {
    set out {}
    db eval {SELECT r.id, r.title, r.channel, d.due_epoch FROM repost r
             LEFT JOIN deadline d ON d.repost_id = r.id AND d.state = 'open'
             WHERE r.state = 'open' ORDER BY d.due_epoch} {
        set what [expr {$channel eq "weibo" ? "转载市政府政务微博" : "转载市政府政务微信"}]
        lappend out [web::Duty $what "转载任务 $id：$title" /reposts/$id "" $due_epoch]
    }
    return $out
}

lappend workflow::stepHooks federation::county::onStep
lappend analyse::hooks federation::county::onLevel
lappend submission::upwardHooks federation::county::upward
federation::on task.repost federation::county::Repost
federation::on commission.issue federation::county::Commission
federation::on bulletin.issue federation::county::Bulletin
federation::on submission.adopt federation::county::Adopt

# ---- the console command ----
cmdlayer::noun repost "市级转载任务：列出、登记本县转载链接（004 三(三)：政务微博 1 小时内、政务微信 1 个工作日内）"
cmdlayer::command repost list {} "列出市级下发的转载任务及其时限" {
    join [lmap r [db eval {SELECT r.id || ' ' || r.state || ' ' || r.channel || ' ' || coalesce(d.due, '') || ' ' || r.title
                           FROM repost r LEFT JOIN deadline d ON d.repost_id = r.id ORDER BY r.id}] { set r }] \n
}
cmdlayer::command repost record {{id 任务编号} {url 转载链接} {-at 转载时间 text ""}} "登记本县转载的链接（默认现在转载），并回报市级" {
    federation::county::record $id $url -at $at
}
