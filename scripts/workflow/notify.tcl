# notify.tcl - notifications: who is told about each step and deadline, and the delivery queue.
#
# A transition or a deadline warning queues its notices in its own transaction (notify::queue), one
# row of table `notification` per e-mail address and per webhook, so a notice exists exactly when
# its step does. An audience is a list of roles: a plain role (office, leader, ...) means every
# active user holding it; unit:ROLE only those of the event's owning unit; suggested:ROLE those of
# the unit routing suggested (for an event not claimed yet). E-mail goes to those users' addresses;
# each configured webhook gets one message when the audience holds one of its roles and the event's
# unit is one of its units (empty lists mean all).
#
# The background interpreter runs notify::pump every notify_interval seconds: queued rows whose
# next_try has come are sent (webhooks through the fetch engine, mail through `mail send` on its
# own thread: the event loop never blocks); a failure is recorded with its error and retried with
# exponential backoff up to notify_retry_max seconds apart, forever: an outage delays a notice but
# never drops it. A notice whose delivery was cut by a crash is sent again after the restart (at
# least once).

namespace eval notify {
    variable inflight {}   ;# notification id -> 1 while its delivery runs
    variable formats {wecom dingtalk feishu json}
}

conf::key smtp_url string "" \
    "Mail server for notifications: smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT (TLS); empty = no e-mail"
conf::key smtp_starttls {enum required try off} required \
    "For smtp:// URLs: STARTTLS required, tried, or off (plain text: a loopback relay only)"
conf::key smtp_user string "" "Mail server login (empty = no authentication)"
conf::key smtp_password string "" "Mail server password"
conf::key smtp_from string "yqbox@localhost" "Sender address of notification mail"
conf::key smtp_cafile path "" "PEM CA bundle to verify the mail server's certificate (empty = /etc/ssl/certs/ca-certificates.crt if present)"
conf::key smtp_verify boolean 1 "Verify the mail server's TLS certificate and name"
conf::key smtp_timeout {integer 1 600} 30 "Seconds a mail delivery may take"
conf::key notify_interval {integer 1 3600} 15 "Seconds between runs of the notification queue"
conf::key notify_retry_max {integer 60 86400} 3600 "Longest wait in seconds between two attempts of a failed notice"
conf::key webhook {block notify::checkWebhook} {} \
    "A group-robot webhook: webhook NAME {url URL format wecom|dingtalk|feishu|json ?roles {ROLE ...}? ?units {UNIT ...}? ?secret S?}"

# notify::checkWebhook: validate webhook block NAME {field value ...}. Errors name the problem.
proc notify::checkWebhook {name body} {
    variable formats
    foreach {k v} $body {
        if {$k ni {url format roles units secret}} { error "webhook $name: unknown field \"$k\" (url format roles units secret)" }
    }
    if {![dict exists $body url] || ![regexp {^https?://[^\s]+$} [dict get $body url]]} {
        error "webhook $name: url must be an http:// or https:// URL"
    }
    set f [expr {[dict exists $body format] ? [dict get $body format] : "json"}]
    if {$f ni $formats} { error "webhook $name: format must be one of [join $formats {, }]" }
    if {[dict exists $body roles]} {
        foreach r [dict get $body roles] {
            if {$r ni $org::roles} { error "webhook $name: unknown role \"$r\"" }
        }
    }
}

# notify::queue: queue the notices of KIND on event ID for AUDIENCE with SUBJECT and BODY (inside
# the caller's transaction). Returns how many rows were queued.
# ID "" queues a notice about no event (a background job, a disclosure request): unit-scoped
# audiences (unit:ROLE, suggested:ROLE) then reach nobody.
proc notify::queue {id kind audience subject body} {
    if {![llength $audience]} { return 0 }
    lassign {} unit_id unit sid suggested_unit
    db eval {SELECT e.unit_id, n.name AS unit, s.id AS sid, e.suggested_unit FROM event e
             LEFT JOIN unit n ON n.id = e.unit_id LEFT JOIN unit s ON s.name = e.suggested_unit
             WHERE e.id = $id} {}
    set roles {}
    set emails {}
    foreach a $audience {
        set scope ""
        if {[regexp {^(unit|suggested):(\w+)$} $a -> where role]} {
            set scope [expr {$where eq "unit" ? $unit_id : $sid}]
            if {$scope eq ""} { continue }
        } else {
            set role $a
        }
        lappend roles $role
        foreach m [db eval {SELECT u.email FROM user u JOIN user_role r ON r.user_id = u.id
                            WHERE r.role = $role AND u.active = 1 AND u.email != ''
                              AND ($scope = '' OR u.unit_id = $scope)}] {
            if {$m ni $emails} { lappend emails $m }
        }
    }
    set at [yqbox::iso]
    set n 0
    if {[conf::get smtp_url] ne ""} {
        foreach m $emails {
            db eval {INSERT INTO notification(event_id, kind, channel, target, subject, body, created)
                     VALUES(nullif($id, ''), $kind, 'email', $m, $subject, $body, $at)}
            incr n
        }
    }
    set eunit [expr {$unit ne "" ? $unit : $suggested_unit}]
    dict for {name w} [conf::get webhook] {
        set wr [expr {[dict exists $w roles] ? [dict get $w roles] : {}}]
        set wu [expr {[dict exists $w units] ? [dict get $w units] : {}}]
        set hit [expr {![llength $wr]}]
        foreach r $roles { if {$r in $wr} { set hit 1 } }
        if {!$hit || ([llength $wu] && $eunit ni $wu)} { continue }
        db eval {INSERT INTO notification(event_id, kind, channel, target, subject, body, created)
                 VALUES(nullif($id, ''), $kind, 'webhook', $name, $subject, $body, $at)}
        incr n
    }
    return $n
}

# ---- delivery ----------------------------------------------------------------------------------

# notify::pump: start delivering the queued notices that are due (at most LIMIT). Returns how
# many deliveries it started. With -wait, waits (event loop) until they have all finished.
proc notify::pump {args} {
    variable inflight
    set wait [expr {"-wait" in $args}]
    set now [yqbox::now]
    set n 0
    foreach id [db eval {SELECT id FROM notification WHERE state = 'queued' AND next_try <= $now
                         ORDER BY next_try, id LIMIT 100}] {
        if {[dict exists $inflight $id]} { continue }
        dict set inflight $id 1
        if {[catch {Send $id} msg]} { Done $id $msg }
        incr n
    }
    if {$wait} {
        while {[dict size $inflight]} { vwait ::notify::inflight }
    }
    return $n
}

# notify::Send: start delivering notice ID; notify::Done is called with its outcome.
proc notify::Send {id} {
    db eval {SELECT * FROM notification WHERE id = $id} r {}
    if {$r(channel) eq "email"} {
        set url [conf::get smtp_url]
        if {$url eq ""} { error "no mail server configured (smtp_url)" }
        set msg [Message [conf::get smtp_from] $r(target) $r(subject) $r(body) $id]
        set opts [list -from [conf::get smtp_from] -to [list $r(target)] \
                      -timeout [expr {[conf::get smtp_timeout] * 1000}] \
                      -starttls [conf::get smtp_starttls] -verify [conf::get smtp_verify]]
        if {[conf::get smtp_user] ne ""} {
            lappend opts -user [conf::get smtp_user] -password [conf::get smtp_password]
        }
        # libcurl is built without a CA bundle: the configured one, else the system's usual file
        set ca [conf::path smtp_cafile]
        if {$ca eq "" && [file readable /etc/ssl/certs/ca-certificates.crt]} { set ca /etc/ssl/certs/ca-certificates.crt }
        if {$ca ne ""} { lappend opts -cafile $ca }
        mail send $url $msg {*}$opts -command [list notify::MailDone $id]
        return
    }
    set hooks [conf::get webhook]
    if {![dict exists $hooks $r(target)]} { error "webhook $r(target) is no longer configured" }
    set w [dict get $hooks $r(target)]
    lassign [Payload $w $r(event_id) $r(kind) $r(subject) $r(body) $r(created)] url body
    fetch get $url -method POST -body $body -internal 1 -retries 0 \
        -headers {Content-Type {application/json; charset=utf-8}} \
        -timeout 20000 -command [list notify::HookDone $id [dict get $w format]]
}

# notify::MailDone: `mail send` callback: RESULT is a dict ok, error.
proc notify::MailDone {id result} {
    Done $id [expr {[dict get $result ok] ? "" : [dict get $result error]}]
}

# notify::HookDone: fetch callback for webhook notice ID of FORMAT: a 2xx answer whose JSON (if
# any) reports no error code is a success.
proc notify::HookDone {id format r} {
    set err ""
    if {[dict get $r kind] ne ""} {
        set err "[dict get $r kind]: [dict get $r error]"
    } elseif {[dict get $r status] < 200 || [dict get $r status] > 299} {
        set err "HTTP [dict get $r status]"
    } else {
        set text [encoding convertfrom utf-8 [dict get $r body]]
        if {![catch {json parse $text} j] && [catch {dict size $j}] == 0} {
            foreach k {errcode code StatusCode} {
                if {[dict exists $j $k] && [dict get $j $k] ne "0" && [dict get $j $k] ne ""} {
                    set m [expr {[dict exists $j errmsg] ? [dict get $j errmsg] : [expr {[dict exists $j msg] ? [dict get $j msg] : ""}]}]
                    set err "$k [dict get $j $k] $m"
                }
            }
        }
    }
    Done $id $err
}

# notify::Done: record the outcome of notice ID: sent, or ERR and the time of the next attempt.
proc notify::Done {id err} {
    variable inflight
    set at [yqbox::iso]
    try {
        db transaction immediate {
            if {$err eq ""} {
                db eval {UPDATE notification SET state = 'sent', attempts = attempts + 1, sent_at = $at,
                         last_error = '' WHERE id = $id}
            } else {
                set n [expr {[db onecolumn {SELECT attempts FROM notification WHERE id = $id}] + 1}]
                set wait [expr {min([conf::get notify_retry_max], 30 * (1 << min($n - 1, 20)))}]
                set next [expr {[yqbox::now] + $wait}]
                db eval {UPDATE notification SET attempts = $n, next_try = $next, last_error = $err WHERE id = $id}
                ::log warning "notification $id failed (attempt $n, next in $wait s): $err"
            }
        }
    } finally {
        dict unset inflight $id
    }
}

# notify::Message: the RFC 5322 message (UTF-8 text, base64) of a notice.
proc notify::Message {from to subject body id} {
    set date [clock format [yqbox::now] -format "%a, %d %b %Y %H:%M:%S %z" -timezone :[conf::get timezone] -locale C]
    set host [lindex [split $from @] end]
    set b64 [binary encode base64 -maxlen 76 [encoding convertto utf-8 [string map [list \n \r\n] $body]]]
    join [list "From: $from" "To: $to" "Subject: [Header $subject]" "Date: $date" \
              "Message-ID: <yqbox.notification.$id.[yqbox::now]@$host>" \
              "MIME-Version: 1.0" "Content-Type: text/plain; charset=UTF-8" \
              "Content-Transfer-Encoding: base64" "" [string map [list \n \r\n] $b64] ""] \r\n
}

# notify::Header: TEXT as an RFC 2047 encoded word (UTF-8, base64) when it is not plain ASCII.
proc notify::Header {text} {
    set text [string map {\r " " \n " "} $text]
    if {[regexp {^[\x20-\x7e]*$} $text]} { return $text }
    return "=?UTF-8?B?[binary encode base64 [encoding convertto utf-8 $text]]?="
}

# notify::Payload: {URL BODY} of a webhook message in webhook W's format (BODY is UTF-8 bytes).
proc notify::Payload {w event kind subject body created} {
    set url [dict get $w url]
    set format [expr {[dict exists $w format] ? [dict get $w format] : "json"}]
    set secret [expr {[dict exists $w secret] ? [dict get $w secret] : ""}]
    set text "$subject\n$body"
    switch -- $format {
        wecom { set j [json object msgtype string text text json [json object content string $text]] }
        dingtalk {
            set j [json object msgtype string text text json [json object content string $text]]
            if {$secret ne ""} {
                set ts [expr {[yqbox::now] * 1000}]
                set sign [binary encode base64 [binary decode hex [crypto hmac $secret "$ts\n$secret"]]]
                append url [expr {[string first ? $url] < 0 ? "?" : "&"}] "timestamp=$ts&sign=[url encode $sign]"
            }
        }
        feishu {
            set extra {}
            if {$secret ne ""} {
                set ts [yqbox::now]
                set sign [binary encode base64 [binary decode hex [crypto hmac "$ts\n$secret" ""]]]
                set extra [list timestamp string $ts sign string $sign]
            }
            set j [json object {*}$extra msg_type string text content json [json object text string $text]]
        }
        default {
            set j [json object event_id [expr {$event eq "" ? "null" : "number"}] $event kind string $kind \
                subject string $subject body string $body created string $created]
        }
    }
    list $url [encoding convertto utf-8 $j]
}

# notify: the console command.
cmdlayer::noun notify "通知队列：查看、立即重试、发送测试通知（邮件、企业微信/钉钉/飞书机器人、通用 JSON）"

cmdlayer::command notify list {{-state 状态 choice(queued|sent)} {-limit 条数 int 50}} "列出通知（queued 待发送，sent 已发送）" {
    set out {}
    db eval {SELECT id, event_id, kind, channel, target, state, attempts, last_error, subject FROM notification
             WHERE ($state = '' OR state = $state) ORDER BY id DESC LIMIT $limit} {
        lappend out "$id #$event_id $kind $channel:$target $state attempts=$attempts[expr {$last_error ne "" ? " ($last_error)" : ""}] $subject"
    }
    return [join [lreverse $out] \n]
}

cmdlayer::command notify flush {} "立即重试所有待发送的通知" {
    org::require config.manage
    db eval {UPDATE notification SET next_try = 0 WHERE state = 'queued'}
    return "[notify::pump -wait] sent or tried"
}

cmdlayer::command notify test {{channel 渠道 choice(email|webhook)} {target 邮箱或机器人名}} \
    "发送一条测试通知：email 邮箱地址，或 webhook 配置中的机器人名" {
    org::require config.manage
    if {$channel eq "webhook" && ![dict exists [conf::get webhook] $target]} { error "no webhook \"$target\"" }
    if {$channel eq "email" && ![regexp {^[^\s@<>]+@[^\s@<>]+$} $target]} { error "bad e-mail address \"$target\"" }
    set at [yqbox::iso]
    db transaction immediate {
        db eval {INSERT INTO notification(event_id, kind, channel, target, subject, body, created)
                 VALUES(NULL, 'test', $channel, $target, 'yqbox 测试通知', '这是一条测试通知。', $at)}
        set id [db last_insert_rowid]
        audit::record notify.test notification:$id -after "$channel:$target"
    }
    notify::pump -wait
    db eval {SELECT state, last_error FROM notification WHERE id = $id} {}
    return [expr {$state eq "sent" ? "sent" : "failed: $last_error (queued for retry)"}]
}

job::define notify 通知发送 {conf::get notify_interval} {string cat "开始发送 " [notify::pump] " 条通知"}
