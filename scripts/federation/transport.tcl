# federation/transport.tcl - the link's HTTPS transport (issue 17): how a county box hands its
# waiting messages to its city box and fetches the city's messages for it, with both ends
# authenticated by their public keys.
#
# Each box has a self-signed ECDSA P-256 certificate (DATADIR/tls-cert.pem, tls-key.pem; made
# here when the box has never served). Enrolment (federation/enrolment.tcl) gave each side the
# other's certificate. The county always calls (counties are often behind NAT; the city never
# needs to reach a county): one exchange is POST /federation/messages over HTTPS pinned to the
# city's certificate fingerprint (fetch -pin), with a JSON body {messages:[…], acks:[…]}: the
# county's waiting messages (a bounded batch) and the ids of the city's messages it stored in the
# previous exchange. The city stores the batch with federation::receive in one transaction, marks
# the acknowledged ids, and answers {stored:[…], refused:[{msg_id,error}], messages:[…]}: the ids
# it stored (duplicates included, so a retry after a lost answer is acknowledged), the ones it
# refused and why, and its own waiting messages for that county. The county marks the stored ids
# (federation::acknowledged), stores the city's messages and acknowledges them in the next
# exchange, which follows at once while there is anything to send or to acknowledge.
#
# Every request is signed by the sender's key over "yqbox-fed-1", the method, the path, the time,
# a nonce and the body's SHA-256 (headers x-fed-peer: the signer's certificate fingerprint,
# x-fed-time, x-fed-nonce, x-fed-sig); the receiver verifies it with the enrolled certificate,
# refuses a nonce it has seen and a time outside fed_window (which also measures the clock skew,
# kept in federation_peer.skew). The answer is signed likewise over "yqbox-fed-1 reply", the
# request's nonce, the answer's time and its body's SHA-256, and verified by the county. TLS
# protects the channel; the signatures authenticate both ends.
#
# The background job `federation` (every fed_interval seconds) runs an exchange with each enabled
# parent whose back-off has passed; a failure is kept in federation_peer.last_error (Chinese),
# counts in the job's health and backs off (interval × 2^failures, at most an hour). A message
# queued in the server's background interpreter (the patrol, the console) is also sent two seconds
# after it was queued (federation::Prompt).

namespace eval federation {
    variable results        ;# fetch results by request key (the synchronous wait)
    array set results {}
    variable acks {}        ;# peer id -> ids of that parent's messages stored, to acknowledge
    variable busy 0         ;# an exchange is running in this interpreter
    variable maxBody 8388608 ;# the largest answer a county reads
}

conf::key fed_url string "" \
    "本机供下级联网访问的 HTTPS 地址（如 https://10.1.2.3:8443），写入发给县区的邀请码"
conf::key fed_interval {integer 5 86400} 30 "县区向上级发送联网消息、取回下发消息的间隔（秒）"
conf::key fed_window {integer 30 86400} 300 \
    "联网请求的时间与本机时钟最多相差多少秒（超出即拒收，防重放；请保持两端时钟准确）"
conf::key fed_batch {integer 1 1000} 200 "每次联网交换最多传送多少条消息"
conf::key fed_max_pending {integer 100 100000000} 100000 \
    "每个联网单位最多可有多少条尚未处理（等待前序或处理失败）的消息，超出则拒收新消息"

# federation::identity: this box's certificate and key for the link: a dict cert (PEM text), key
# (the key file's path), fingerprint (AA:BB:…). Uses tls_cert/tls_key when configured, else
# DATADIR/tls-cert.pem and tls-key.pem, making a self-signed ECDSA P-256 pair there when the box
# has never served (changes the data directory only then).
proc federation::identity {} {
    set dir [yqbox::needdata]
    set cert [conf::path tls_cert]
    set key [conf::path tls_key]
    if {$cert eq ""} { set cert [file join $dir tls-cert.pem] }
    if {$key eq ""} { set key [file join $dir tls-key.pem] }
    if {![file exists $cert] && [conf::get tls_cert] eq ""} {
        server tls "" "" $dir
    }
    set f [open $cert rb]
    set pem [read $f 20000]
    close $f
    dict create cert $pem key $key fingerprint [dict get [crypto certinfo $pem] fingerprint]
}

# federation::Hex: FINGERPRINT (AA:BB:…) as the 64 hex digits sent in the x-fed-peer header.
proc federation::Hex {fingerprint} {
    string toupper [string map {: ""} $fingerprint]
}

# federation::Canon: the text a request (or, with METHOD reply, an answer) is signed over.
proc federation::Canon {method path time nonce body} {
    return "yqbox-fed-1\n$method\n$path\n$time\n$nonce\n[crypto sha256 $body]"
}

# federation::Sign: the headers (name value …) signing a request METHOD PATH with BODY (bytes)
# by this box's key.
proc federation::Sign {method path body} {
    set me [identity]
    set time [yqbox::now]
    set nonce [crypto token 18]
    set sig [crypto sign [dict get $me key] [Canon $method $path $time $nonce $body]]
    list x-fed-peer [Hex [dict get $me fingerprint]] x-fed-time $time x-fed-nonce $nonce x-fed-sig $sig
}

# federation::Header: header NAME of the dict HEADERS (lower-case names), or "".
proc federation::Header {headers name} {
    if {[dict exists $headers $name]} { return [dict get $headers $name] }
    return ""
}

# federation::Skew: the clock skew (their TIME minus our clock, seconds) after checking that TIME
# is a number within fed_window of our clock; errors (federation.clock) otherwise.
proc federation::Skew {time} {
    if {![string is entier -strict $time]} { yq::fail -class AUTH federation.auth.bad x-fed-time }
    set skew [expr {$time - [yqbox::now]}]
    if {abs($skew) > [conf::get fed_window]} {
        yq::fail -class AUTH federation.clock $skew [conf::get fed_window]
    }
    return $skew
}

# federation::authenticate: the enrolled, enabled peer that signed the request METHOD PATH with
# HEADERS (lower-case names) and BODY (bytes): the signature must verify with its certificate,
# the time be within fed_window, the nonce be new. Records the nonce and the skew (in the
# caller's transaction) and prunes old nonces. Returns the peer's row as a dict; errors (class
# AUTH, Chinese) otherwise, recording nothing.
proc federation::authenticate {method path headers body} {
    foreach h {x-fed-peer x-fed-time x-fed-nonce x-fed-sig} {
        if {[Header $headers $h] eq ""} { yq::fail -class AUTH federation.auth.missing $h }
    }
    set fp [Header $headers x-fed-peer]
    set nonce [Header $headers x-fed-nonce]
    if {![regexp {^[0-9A-F]{64}$} $fp]} { yq::fail -class AUTH federation.auth.bad x-fed-peer }
    if {![regexp {^[A-Za-z0-9_-]{16,64}$} $nonce]} { yq::fail -class AUTH federation.auth.bad x-fed-nonce }
    set id [db onecolumn {SELECT id FROM federation_peer WHERE replace(fingerprint, ':', '') = $fp}]
    if {$id eq ""} { yq::fail -class AUTH federation.auth.unknown }
    set row [peer $id]
    if {![dict get $row enabled]} { yq::fail -class AUTH federation.disabled [dict get $row name] }
    set time [Header $headers x-fed-time]
    set skew [Skew $time]
    if {[catch {crypto verify [dict get $row cert] [Canon $method $path $time $nonce $body] \
                    [Header $headers x-fed-sig]} ok] || !$ok} {
        yq::fail -class AUTH federation.auth.sig [dict get $row name]
    }
    set now [yqbox::now]
    if {[db exists {SELECT 1 FROM federation_nonce WHERE peer_id = $id AND nonce = $nonce}]} {
        yq::fail -class AUTH federation.auth.replay
    }
    set old [expr {$now - 2 * [conf::get fed_window]}]
    db eval {DELETE FROM federation_nonce WHERE peer_id = $id AND seen < $old}
    db eval {INSERT INTO federation_nonce(peer_id, nonce, seen) VALUES($id, $nonce, $now)}
    db eval {UPDATE federation_peer SET skew = $skew WHERE id = $id}
    return $row
}

# federation::Message: the message dict M (from federation::waiting) as a JSON object; the payload
# goes as a JSON string holding its text, so the receiver stores exactly the text that was sent.
proc federation::Message {m} {
    json object msg_id string [dict get $m msg_id] kind string [dict get $m kind] \
        object string [dict get $m object] seq number [dict get $m seq] \
        created string [dict get $m created] payload string [dict get $m payload]
}

# federation::Batch: up to fed_batch waiting messages for peer id P, cut so that the JSON stays
# under about 768 KiB (at least one message). Returns a list of message dicts.
proc federation::Batch {p} {
    set out {}
    set bytes 0
    foreach m [waiting $p [conf::get fed_batch]] {
        incr bytes [expr {[string length [dict get $m payload]] + 200}]
        if {[llength $out] && $bytes > 786432} { break }
        lappend out $m
    }
    return $out
}

# federation::Parse: the JSON object text BODY (at most LIMIT bytes) as a dict; errors
# (federation.auth.bad, naming WHAT) when it is not one.
proc federation::Parse {body limit what} {
    if {[string length $body] > $limit || ![http utf8valid $body]
        || [catch {json parse [encoding convertfrom utf-8 $body]} d] || [catch {dict size $d}]} {
        yq::fail federation.badbody $what
    }
    return $d
}

# federation::Store: store the messages MSGS (parsed JSON objects) from peer ROW received VIA
# https or file, in the caller's transaction, after checking there is room (fed_max_pending).
# Returns {STORED REFUSED}: the ids stored or already there, and {msg_id error} pairs of the
# messages refused (malformed, seq taken). Errors (federation.full) when the peer's unapplied
# messages would exceed the limit.
proc federation::Store {row msgs via} {
    set p [dict get $row id]
    set pending [db onecolumn {SELECT count(*) FROM federation_inbox WHERE peer_id = $p AND applied IS NULL}]
    if {$pending + [llength $msgs] > [conf::get fed_max_pending]} {
        yq::fail federation.full [dict get $row name] $pending
    }
    set stored {}
    set refused {}
    foreach m $msgs {
        set id [expr {[dict exists $m msg_id] ? [string range [dict get $m msg_id] 0 127] : ""}]
        if {[catch {receive $p $m $via} r]} {
            lappend refused [list $id $r]
        } else {
            lappend stored $id
        }
    }
    list $stored $refused
}

# federation::serveMessages: the city's side of one exchange (POST /federation/messages, see the
# file comment), for the web handler: authenticates the county, stores its batch, marks what it
# acknowledged, all in one transaction; answers with the signed JSON. Returns nothing (sets the
# response); a refusal answers 4xx with {error: 中文}.
proc federation::serveMessages {} {
    set body [req body]
    set headers [req headers]
    set status 200
    if {[catch {
        set in [Parse $body [expr {max(1048576, [conf::get max_body])}] 消息]
        set msgs [expr {[dict exists $in messages] ? [dict get $in messages] : {}}]
        set acks [expr {[dict exists $in acks] ? [dict get $in acks] : {}}]
        if {[llength $msgs] > 1000 || [llength $acks] > 1000} { yq::fail federation.badbody 消息条数 }
        db transaction immediate {
            set row [authenticate POST /federation/messages $headers $body]
            org::as [Principal $row] {
                lassign [Store $row $msgs https] stored refused
                set p [dict get $row id]
                if {[llength $acks]} { acknowledged $p $acks }
                set now [yqbox::iso]
                db eval {UPDATE federation_peer SET last_contact = $now, last_error = '', failures = 0 WHERE id = $p}
            }
        }
        set down [Batch [dict get $row id]]
    } err opts]} {
        set class [lindex [dict get $opts -errorcode] 1]
        if {[lindex [dict get $opts -errorcode] 0] ne "YQBOX"} {
            ::log error "federation: [dict get $opts -errorinfo]"
            set err [yq::mc federation.internal]
        }
        respond status [expr {$class eq "AUTH" ? 403 : [string match federation.full [lindex [dict get $opts -errorcode] end]] ? 429 : 400}]
        respond json [json object error string $err]
        return
    }
    set refusedJson {}
    foreach r $refused { lappend refusedJson [json object msg_id string [lindex $r 0] error string [lindex $r 1]] }
    set msgsJson {}
    foreach m $down { lappend msgsJson [Message $m] }
    set out [json object stored json [json array string $stored] refused json [json array json $refusedJson] \
                 messages json [json array json $msgsJson]]
    SignReply [Header $headers x-fed-nonce] $out
    respond json $out
}

# federation::SignReply: set the headers that sign the answer OUT (text) to the request with
# NONCE.
proc federation::SignReply {nonce out} {
    set me [identity]
    set time [yqbox::now]
    respond header x-fed-time $time
    respond header x-fed-sig [crypto sign [dict get $me key] [Canon reply "" $time $nonce [encoding convertto utf-8 $out]]]
}

# federation::Principal: the principal (org::actor dict) that acts for peer ROW: its audit
# entries name the peer.
proc federation::Principal {row} {
    dict create login "联网:[dict get $row name]" user_id {} roles {} unit_id {} unit {} \
        origin federation superuser 0
}

# federation::Post: POST BODY (text, sent as UTF-8) to URL over HTTPS pinned to FINGERPRINT with
# the extra HEADERS, waiting (event loop) for the answer. Returns fetch's result dict (status,
# body bytes, headers, kind, error). Errors only for a bad URL.
proc federation::Post {url fingerprint headers body} {
    variable results
    variable maxBody
    set key [crypto token 9]
    fetch get $url -method POST -body $body -pin $fingerprint -internal 1 -retries 0 -timeout 30000 \
        -maxsize $maxBody -headers [list Content-Type {application/json; charset=utf-8} {*}$headers] \
        -command [list set ::federation::results($key)]
    while {![info exists results($key)]} { vwait ::federation::results($key) }
    set r $results($key)
    unset results($key)
    return $r
}

# federation::Failed: the Chinese reason an exchange's fetch result R failed (not a 200 from the
# peer), taking the peer's own {error} text when it sent one.
proc federation::Failed {r} {
    if {[dict get $r kind] eq "pin"} { return [yq::mc federation.pin] }
    if {[dict get $r kind] ne ""} { return [yq::mc federation.unreachable [dict get $r kind] [dict get $r error]] }
    set why ""
    catch {
        set d [json parse [encoding convertfrom utf-8 [dict get $r body]]]
        set why [string range [dict get $d error] 0 300]
    }
    return [yq::mc federation.refusedby [dict get $r status] $why]
}

# federation::exchange: one exchange with the parent PEER (see the file comment), repeated at once
# while there is something to send or to acknowledge (at most 50 rounds). Records the outcome on
# the peer (last_contact, skew, failures, next_try, last_error). Returns "发送 N 条，收到 M 条";
# errors (Chinese) when the parent cannot be reached or refuses, after recording why.
proc federation::exchange {peer} {
    variable acks
    variable busy
    set row [peer $peer]
    set p [dict get $row id]
    if {[dict get $row relation] ne "parent" || [dict get $row url] eq ""} { yq::fail federation.notparent [dict get $row name] }
    if {$busy} { return [yq::mc federation.busy] }
    set busy 1
    set sent 0
    set got 0
    try {
        for {set round 0} {$round < 50} {incr round} {
            set batch [Batch $p]
            set ack [expr {[dict exists $acks $p] ? [dict get $acks $p] : {}}]
            set msgsJson {}
            foreach m $batch { lappend msgsJson [Message $m] }
            set body [encoding convertto utf-8 [json object messages json [json array json $msgsJson] \
                                                     acks json [json array string $ack]]]
            set path /federation/messages
            set sig [Sign POST $path $body]
            set r [Post [string trimright [dict get $row url] /]$path [dict get $row fingerprint] $sig $body]
            if {[dict get $r status] != 200 || [dict get $r kind] ne ""} { error [Failed $r] {} {YQBOX federation.failed} }
            set rb [dict get $r body]
            set h [dict get $r headers]
            set time [Header $h x-fed-time]
            set skew [Skew $time]
            if {[catch {crypto verify [dict get $row cert] [Canon reply "" $time [dict get $sig x-fed-nonce] $rb] \
                            [Header $h x-fed-sig]} ok] || !$ok} {
                yq::fail -class AUTH federation.auth.sig [dict get $row name]
            }
            set d [Parse $rb $::federation::maxBody 答复]
            foreach f {stored refused messages} { if {![dict exists $d $f]} { dict set d $f {} } }
            dict set acks $p {}
            set n [acknowledged $p [dict get $d stored]]
            incr sent $n
            db transaction immediate {
                foreach ref [dict get $d refused] {
                    set mid [dict get $ref msg_id]
                    set why [string range [dict get $ref error] 0 300]
                    db eval {UPDATE federation_outbox SET attempts = attempts + 1, last_error = $why
                             WHERE peer_id = $p AND msg_id = $mid AND sent IS NULL}
                }
                org::as [Principal $row] {
                    lassign [Store $row [dict get $d messages] https] stored refused
                }
                set now [yqbox::iso]
                db eval {UPDATE federation_peer SET last_contact = $now, skew = $skew, failures = 0, next_try = 0,
                             last_error = '' WHERE id = $p}
            }
            foreach ref $refused { ::log warning "federation: [dict get $row name] sent a message this box refuses: $ref" }
            incr got [llength $stored]
            dict set acks $p $stored
            # again at once while the city took messages (more may wait) or sent some (to acknowledge)
            if {!$n && ![llength $stored]} { break }
        }
    } on error {msg opts} {
        set failures [expr {[db onecolumn {SELECT failures FROM federation_peer WHERE id = $p}] + 1}]
        set next [expr {[yqbox::now] + min(3600, [conf::get fed_interval] * (2 ** min($failures, 12)))}]
        set why [string range $msg 0 500]
        db eval {UPDATE federation_peer SET failures = $failures, next_try = $next, last_error = $why WHERE id = $p}
        return -options $opts $msg
    } finally {
        set busy 0
    }
    return [yq::mc federation.exchanged $sent $got]
}

# federation::job: the background job: an exchange with every enabled parent reached over HTTPS
# whose back-off has passed (each one a job item: a failure is counted, the others go on), then a
# retry of the received messages whose handler refused. Returns a summary in Chinese.
proc federation::job {} {
    set now [yqbox::now]
    set out {}
    foreach {name next} [db eval {SELECT name, next_try FROM federation_peer
                                  WHERE relation = 'parent' AND enabled = 1 AND url <> '' ORDER BY id}] {
        if {$next > $now} { lappend out "$name：[yq::mc federation.backoff [expr {$next - $now}]]"; continue }
        job::item "联网 $name" { lappend out "$name：[exchange $name]" }
    }
    set n [drain]
    if {$n} { lappend out [yq::mc federation.drained $n] }
    if {![llength $out]} { return [yq::mc federation.nothing] }
    join $out "；"
}

job::define federation 上下级联网 {conf::get fed_interval} federation::job

# the server's background interpreter sends soon after a message is queued (federation::Prompt)
namespace eval server {
    variable onstart
    if {![info exists onstart]} { set onstart {} }
    lappend onstart {set ::federation::background 1}
}

# federation::Prompt: called by federation::emit when it queued messages for the parent: in the
# server's background interpreter (where the patrol and the console run), an exchange with each
# parent two seconds later (after the caller's transaction has committed), once however many
# messages were queued meanwhile; elsewhere (a web worker, `yqbox eval`) nothing: the job sends
# them within fed_interval. Returns nothing.
proc federation::Prompt {} {
    variable background
    variable prompt
    if {![info exists background] || ([info exists prompt] && $prompt ne "")} { return }
    set prompt [after 2000 federation::Kick]
    return
}

# federation::Kick: the exchange federation::Prompt scheduled, with every enabled parent reached
# over HTTPS whose back-off has passed; a failure is recorded on the peer by federation::exchange
# (and the job retries). Returns nothing.
proc federation::Kick {} {
    variable prompt
    set prompt ""
    set now [yqbox::now]
    foreach name [db eval {SELECT name FROM federation_peer WHERE relation = 'parent' AND enabled = 1
                           AND url <> '' AND next_try <= $now ORDER BY id}] {
        if {[catch {exchange $name} msg]} { ::log warning "federation: prompt send to $name: $msg" }
    }
}

cmdlayer::noun federation "上下级联网：县区与市之间的邀请码加入、消息收发、离线文件交换与链路状况"
cmdlayer::command federation send {{peer 上级名称 text ""}} "立即与上级交换一次联网消息（默认所有上级）" {
    set names [expr {$peer eq "" ? [db eval {SELECT name FROM federation_peer WHERE relation = 'parent'
                                              AND enabled = 1 AND url <> '' ORDER BY id}] : [list $peer]}]
    if {![llength $names]} { yq::fail federation.noparent }
    set out {}
    foreach n $names { lappend out "$n：[federation::exchange $n]" }
    join $out \n
}
