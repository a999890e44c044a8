# notify.tcl - notifications: who is told about each step and deadline, the in-page inbox, and the
# delivery queue.
#
# A transition or a deadline warning queues its notices in its own transaction (notify::queue), so
# a notice exists exactly when its step does. An audience is a list of roles: a plain role
# (office, leader, ...) means every active user holding it; unit:ROLE only those of the event's
# owning unit; suggested:ROLE those of the unit routing suggested (for an event not claimed yet).
# Every user so named gets the notice in their in-page inbox (table `inbox`, page /inbox), whatever
# their settings, except the user whose own action caused it. Each user also chooses, per kind of
# notice (notify::kinds), whether it comes by mail (to user.email: one row of `notification` per
# address) and by 短信 (to user.phone, through the HTTP gateway sms_url, when one is configured);
# notices about an event below the user's min_level go to the inbox only. An SMS due in the user's
# quiet hours (notify_setting.quiet) waits until they end. Each configured webhook gets one
# message when the audience holds one of its roles and the event's unit is one of its units (empty
# lists mean all).
#
# The background interpreter runs notify::pump every notify_interval seconds: queued rows whose
# next_try has come are sent (webhooks and SMS through the fetch engine, mail through `mail send`
# on its own thread: the event loop never blocks); a failure is recorded with its error and retried
# with exponential backoff up to notify_retry_max seconds apart, forever: an outage delays a
# notice but never drops it. A notice whose delivery was cut by a crash is sent again after the
# restart (at least once). The job `inbox` removes read inbox items older than inbox_keep_days.

namespace eval notify {
    variable inflight {}   ;# notification id -> 1 while its delivery runs
    variable formats {wecom dingtalk feishu json}
    # the kinds of notice a user chooses channels for: name, Chinese title, what it covers
    variable kinds {
        event      事件办理       {事件的认领、研判、调查、回复、发布、批示等每一步}
        deadline   办理时限       {时限即将到期、已超期和因节假日安排重算}
        request    依申请公开     {政府信息公开申请的登记、答复和期限}
        submission 政务信息与约稿 {政务信息报送和约稿}
        system     系统运行       {后台任务失败、数据库损坏、磁盘空间不足}
    }
}

conf::key smtp_url string "" \
    "通知邮件服务器：smtp://主机:端口（STARTTLS）或 smtps://主机:端口（TLS）；留空则不发邮件"
conf::key smtp_starttls {enum required try off} required \
    "smtp:// 地址的 STARTTLS：required 必须、try 尝试或 off 关闭（明文只可用于本机中继）"
conf::key smtp_user string "" "邮件服务器登录名（留空则不认证）"
conf::key smtp_password string "" "邮件服务器密码"
conf::key smtp_from string "yqbox@localhost" "通知邮件的发件人地址"
conf::key smtp_cafile path "" "验证邮件服务器证书的 PEM CA 证书包（留空则使用 /etc/ssl/certs/ca-certificates.crt，如存在）"
conf::key smtp_verify boolean 1 "验证邮件服务器的 TLS 证书和名称"
conf::key smtp_timeout {integer 1 600} 30 "一次邮件投递最长可用的秒数"
conf::key notify_interval {integer 1 3600} 15 "处理通知队列的间隔秒数"
conf::key notify_retry_max {integer 60 86400} 3600 "发送失败的通知两次重试之间最长等待的秒数"
conf::key webhook {block notify::checkWebhook} {} \
    "一个群机器人 webhook：webhook 名称 {url 网址 format wecom|dingtalk|feishu|json ?roles {角色 …}? ?units {单位 …}? ?secret 密钥?}"
conf::key sms_url url "" \
    "短信网关：每条短信以 POST 提交 JSON（字段 phone、message、id、timestamp）的 http:// 或 https:// 网址；留空则不发短信（用户看不到短信选项）"
conf::key sms_secret string "" \
    "短信网关密钥：设置后每个 POST 请求带 X-Yqbox-Signature 头，即以此密钥计算的请求体 HMAC-SHA256（十六进制）"
conf::key sms_format {enum json} json "短信网关的请求格式（json：即上述请求体，UTF-8）"
conf::key inbox_keep_days {integer 1 3650} 90 \
    "已读通知在站内收件箱保留的天数（未读的一直保留）；inbox 任务删除更早的"

# notify::checkWebhook: validate webhook block NAME {field value ...}. Errors name the problem.
proc notify::checkWebhook {name body} {
    variable formats
    foreach {k v} $body {
        if {$k ni {url format roles units secret}} { yq::fail notify.hookfield $name $k }
    }
    if {![dict exists $body url] || ![regexp {^https?://[^\s]+$} [dict get $body url]]} {
        yq::fail notify.hookurl $name
    }
    set f [expr {[dict exists $body format] ? [dict get $body format] : "json"}]
    if {$f ni $formats} { yq::fail notify.hookformat $name [join $formats 、] }
    if {[dict exists $body roles]} {
        foreach r [dict get $body roles] {
            if {$r ni $org::roles} { yq::fail notify.hookrole $name $r [join $org::roles 、] }
        }
    }
}

# notify::queue: queue the notices of KIND on event ID for AUDIENCE with SUBJECT and BODY (inside
# the caller's transaction): an inbox item per user named (not the acting user), mail and SMS as
# each chose, and the matching webhooks. OBJECT (request:ID, submission:ID, instruction:ID) is what
# the inbox item links to besides the event. Returns how many rows of `notification` were queued.
# ID "" queues a notice about no event (a background job, a disclosure request): unit-scoped
# audiences (unit:ROLE, suggested:ROLE) then reach nobody.
proc notify::queue {id kind audience subject body {object ""}} {
    if {![llength $audience]} { return 0 }
    lassign {} unit_id unit sid suggested_unit level
    db eval {SELECT e.unit_id, n.name AS unit, s.id AS sid, e.suggested_unit, e.level FROM event e
             LEFT JOIN unit n ON n.id = e.unit_id LEFT JOIN unit s ON s.name = e.suggested_unit
             WHERE e.id = $id} {}
    set roles {}
    set users {}
    foreach a $audience {
        set scope ""
        if {[regexp {^(unit|suggested):(\w+)$} $a -> where role]} {
            set scope [expr {$where eq "unit" ? $unit_id : $sid}]
            if {$scope eq ""} { continue }
        } else {
            set role $a
        }
        lappend roles $role
        foreach u [db eval {SELECT u.id FROM user u JOIN user_role r ON r.user_id = u.id
                            WHERE r.role = $role AND u.active = 1 AND ($scope = '' OR u.unit_id = $scope)
                            ORDER BY u.id}] {
            if {$u ni $users} { lappend users $u }
        }
    }
    set at [yqbox::iso]
    set now [yqbox::now]
    set actor [dict get [org::actor] user_id]
    set what [kindOf $kind]
    set rank [expr {$level eq "" ? -1 : [dict get $analyse::levelRank $level]}]
    set mail [expr {[conf::get smtp_url] ne ""}]
    set sms [expr {[conf::get sms_url] ne ""}]
    set n 0
    set emails {}
    foreach u $users {
        if {$u ne $actor} {
            db eval {INSERT INTO inbox(user_id, event_id, object, kind, text, body, created)
                     VALUES($u, nullif($id, ''), $object, $kind, $subject, $body, $at)}
        }
        set s [settings $u]
        dict with s {}
        # below the user's level: the inbox only
        if {$rank >= 0 && $rank < [dict get $analyse::levelRank $min_level]} { continue }
        if {$mail && $email ne "" && $what in $mail_kinds && $email ni $emails} {
            lappend emails $email
            db eval {INSERT INTO notification(event_id, kind, channel, target, subject, body, created, user_id)
                     VALUES(nullif($id, ''), $kind, 'email', $email, $subject, $body, $at, $u)}
            incr n
        }
        if {$sms && [mobile $phone] && $what in $sms_kinds} {
            set next [quietEnd $quiet $now]
            db eval {INSERT INTO notification(event_id, kind, channel, target, subject, body, created, next_try, user_id)
                     VALUES(nullif($id, ''), $kind, 'sms', $phone, $subject, $body, $at, $next, $u)}
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

# notify::kindOf: the kind of notice (a key of notify::kinds) a notice of KIND (event.claim,
# deadline.warning, request.recompute, job.failed, ...) belongs to.
proc notify::kindOf {kind} {
    switch -glob -- $kind {
        event.* { return event }
        deadline.* { return deadline }
        request.* { return request }
        submission.* - commission.* { return submission }
        default { return system }
    }
}

# notify::settings: user UID's notice settings as a dict email (address, "" = none), phone,
# mail_kinds, sms_kinds, min_level, quiet; a user who never saved any gets every kind by mail and
# none by SMS.
proc notify::settings {uid} {
    variable kinds
    set all [lmap {k title covers} $kinds { set k }]
    set out ""
    db eval {SELECT u.email, u.phone, coalesce(s.mail_kinds, $all) AS mail_kinds,
                    coalesce(s.sms_kinds, '') AS sms_kinds, coalesce(s.min_level, '一般') AS min_level,
                    coalesce(s.quiet, '') AS quiet
             FROM user u LEFT JOIN notify_setting s ON s.user_id = u.id WHERE u.id = $uid} r {
        unset -nocomplain r(*)
        set out [array get r]
    }
    return $out
}

# notify::validEmail: whether TEXT is an e-mail address the box will send to (one address, no
# spaces, no angle brackets, a dot in the domain, at most 254 characters).
proc notify::validEmail {text} {
    expr {[string length $text] <= 254 && [regexp {^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;".]+$} $text]}
}

# notify::mobile: whether TEXT is a mainland mobile number an SMS can go to (11 digits from 1).
proc notify::mobile {text} {
    regexp {^1[3-9][0-9]{9}$} $text
}

# notify::quietOk: whether TEXT is a quiet-hours setting: "" or HH:MM-HH:MM (may span midnight).
proc notify::quietOk {text} {
    if {$text eq ""} { return 1 }
    if {![regexp {^(\d\d):(\d\d)-(\d\d):(\d\d)$} $text -> h1 m1 h2 m2]} { return 0 }
    expr {[scan $h1 %d] <= 23 && [scan $h2 %d] <= 23 && [scan $m1 %d] <= 59 && [scan $m2 %d] <= 59}
}

# notify::quietEnd: the epoch second from which an SMS may go when it is queued at NOW for a user
# with quiet hours QUIET (HH:MM-HH:MM in the configured time zone, "" = none): NOW when outside
# them (or when the setting is empty or bad), else the end of the quiet hours.
proc notify::quietEnd {quiet now} {
    if {$quiet eq "" || ![quietOk $quiet]} { return $now }
    regexp {^(\d\d):(\d\d)-(\d\d):(\d\d)$} $quiet -> h1 m1 h2 m2
    set from [expr {[scan $h1 %d] * 3600 + [scan $m1 %d] * 60}]
    set to [expr {[scan $h2 %d] * 3600 + [scan $m2 %d] * 60}]
    if {$from == $to} { return $now }
    lassign [clock format $now -format "%H %M %S" -timezone :[conf::get timezone]] h m sec
    set t [expr {[scan $h %d] * 3600 + [scan $m %d] * 60 + [scan $sec %d]}]
    set inside [expr {$from < $to ? ($t >= $from && $t < $to) : ($t >= $from || $t < $to)}]
    if {!$inside} { return $now }
    expr {$now + ($to - $t + 86400) % 86400}
}

# notify::onMerge: event FROM is merged into INTO: its inbox items follow it.
proc notify::onMerge {into from} {
    db eval {UPDATE inbox SET event_id = $into WHERE event_id = $from}
}
lappend analyse::mergeHooks notify::onMerge

# notify::unread: how many unread notices user UID has in the inbox (one indexed count), counting
# at most CAP (0 = all) so that a page's header costs the same however many are unread.
proc notify::unread {uid {cap 0}} {
    if {$cap > 0} {
        return [db onecolumn {SELECT count(*) FROM (SELECT 1 FROM inbox WHERE user_id = $uid AND read_at IS NULL LIMIT $cap)}]
    }
    db onecolumn {SELECT count(*) FROM inbox WHERE user_id = $uid AND read_at IS NULL}
}

# notify::prune: remove the read inbox items read more than inbox_keep_days ago. Returns how many.
proc notify::prune {} {
    set cut [yqbox::iso [expr {[yqbox::now] - 86400 * [conf::get inbox_keep_days]}]]
    db transaction immediate {
        db eval {DELETE FROM inbox WHERE read_at IS NOT NULL AND read_at < $cut}
        set n [db changes]
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
        if {$url eq ""} { yq::fail notify.nosmtp }
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
    if {$r(channel) eq "sms"} {
        set url [conf::get sms_url]
        if {$url eq ""} { yq::fail notify.nosms }
        lassign [SmsPayload $r(id) $r(target) $r(subject)] body headers
        fetch get $url -method POST -body $body -internal 1 -retries 0 -headers $headers \
            -timeout 20000 -command [list notify::HookDone $id [conf::get sms_format]]
        return
    }
    set hooks [conf::get webhook]
    if {![dict exists $hooks $r(target)]} { yq::fail notify.hookgone $r(target) }
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

# notify::Done: record the outcome of notice ID: sent, or ERR and the time of the next attempt (an
# SMS retry that would fall in its user's quiet hours waits until they end).
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
                db eval {SELECT channel, user_id FROM notification WHERE id = $id} {
                    if {$channel eq "sms" && $user_id ne ""} { set next [quietEnd [dict get [settings $user_id] quiet] $next] }
                }
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

# notify::SmsPayload: {BODY HEADERS} of the gateway POST sending notice ID's SUBJECT to mobile
# number PHONE: JSON {phone, message, id, timestamp} as UTF-8 bytes, and the request headers (with
# X-Yqbox-Signature, the hex HMAC-SHA256 of the body, when sms_secret is set).
proc notify::SmsPayload {id phone subject} {
    set text [string range [string map {\r " " \n " "} $subject] 0 199]
    set j [json object phone string $phone message string $text id number $id timestamp number [yqbox::now]]
    set body [encoding convertto utf-8 $j]
    set headers {Content-Type {application/json; charset=utf-8}}
    if {[conf::get sms_secret] ne ""} { lappend headers X-Yqbox-Signature [crypto hmac [conf::get sms_secret] $body] }
    list $body $headers
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
cmdlayer::noun notify "通知队列：查看、立即重试、发送测试通知（邮件、企业微信/钉钉/飞书机器人、通用 JSON、短信网关）"

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
    yq::mc notify.flushed [notify::pump -wait]
}

cmdlayer::command notify test {{channel 渠道 choice(email|webhook|sms)} {target 邮箱、机器人名或手机号}} \
    "发送一条测试通知：email 邮箱地址，webhook 配置中的机器人名，或 sms 手机号（需配置短信网关 sms_url）" {
    org::require config.manage
    if {$channel eq "webhook" && ![dict exists [conf::get webhook] $target]} { yq::fail notify.nohook $target }
    if {$channel eq "email" && ![notify::validEmail $target]} { yq::fail notify.bademail $target }
    if {$channel eq "sms" && [conf::get sms_url] eq ""} { yq::fail notify.nosms }
    if {$channel eq "sms" && ![notify::mobile $target]} { yq::fail notify.badmobile $target }
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

job::define notify 通知发送 {conf::get notify_interval} {string cat "开始发送 " [notify::pump] " 条通知"} -catchup last
job::define inbox 站内通知清理 3600 {string cat "删除已读超过 " [conf::get inbox_keep_days] " 天的站内通知 " [notify::prune] " 条"}
