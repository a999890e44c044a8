# session.tcl - web login sessions (table session, 007-web.sql), TOTP second factor (RFC 6238)
# and the console's `session` command.
#
# A login makes a new session with a fresh 256-bit token from mbedTLS's CTR_DRBG (crypto token);
# the browser keeps it in the __Host-yqbox cookie and the database keeps only its SHA-256. A
# session ends at logout, after session_idle_minutes without a request, after session_max_hours
# in all, when its user is disabled, or when the security admin ends it (one, one user's, or all).
# Every check is made on the server at every request (session::lookup), so an ended session is
# refused at once. Users with a TOTP secret first get a session in stage "totp" that opens nothing
# but the code form, where one of their one-time recovery codes (table totp_recovery, 019-totp.sql)
# also passes. The three admin roles must have the second factor (等保 L3): until they have enrolled,
# every staff page sends them to the enrolment page (web::need, scripts/web/totp.tcl).

namespace eval session {
    variable cookie __Host-yqbox
}

conf::key session_idle_minutes {integer 1 1440} 30 \
    "网页会话无操作达到此分钟数后结束"
conf::key session_max_hours {integer 1 168} 12 \
    "网页会话自登录起达到此小时数后结束，无论是否有操作"

# session::create: a new session for user USERID from PEER (user agent AGENT) in STAGE (ok or
# totp). Returns {TOKEN ID}. Call inside the caller's transaction (with the login's audit entry).
proc session::create {userId peer agent {stage ok}} {
    set token [crypto token 32]
    set hash [crypto sha256 $token]
    set csrf [crypto token 24]
    set now [yqbox::now]
    set agent [string range $agent 0 199]
    db eval {INSERT INTO session(token_hash, user_id, csrf, stage, created, seen, peer, agent)
             VALUES($hash, $userId, $csrf, $stage, $now, $now, $peer, $agent)}
    list $token [db last_insert_rowid]
}

# session::lookup: the live session of TOKEN as a dict (id user_id csrf stage created seen), or ""
# when there is none. A session found timed out is ended (reason idle or max). Refreshes `seen` at
# most once a minute, so most requests only read.
proc session::lookup {token} {
    if {$token eq "" || [string length $token] > 100} { return "" }
    set hash [crypto sha256 $token]
    set now [yqbox::now]
    set found 0
    db eval {SELECT s.id, s.user_id, s.csrf, s.stage, s.created, s.seen, s.ended, u.active
             FROM session s JOIN user u ON u.id = s.user_id WHERE s.token_hash = $hash} r { set found 1 }
    if {!$found || $r(ended) ne ""} { return "" }
    set why ""
    if {!$r(active)} {
        set why disabled
    } elseif {$now - $r(seen) > 60 * [conf::get session_idle_minutes]} {
        set why idle
    } elseif {$now - $r(created) > 3600 * [conf::get session_max_hours]} {
        set why max
    }
    if {$why ne ""} {
        db eval {UPDATE session SET ended = $now, end_reason = $why WHERE id = $r(id) AND ended IS NULL}
        return ""
    }
    if {$now - $r(seen) >= 60} {
        db eval {UPDATE session SET seen = $now WHERE id = $r(id)}
        set r(seen) $now
    }
    dict create id $r(id) user_id $r(user_id) csrf $r(csrf) stage $r(stage) created $r(created) seen $r(seen)
}

# session::end: end session ID for REASON. Returns 1 if it was live.
proc session::end {id reason} {
    set now [yqbox::now]
    db eval {UPDATE session SET ended = $now, end_reason = $reason WHERE id = $id AND ended IS NULL}
    db changes
}

# session::endAll: end every live session (of user USERID when given; but session EXCEPT) for
# REASON. Returns how many. Call inside the caller's transaction with its audit entry.
proc session::endAll {reason {userId ""} {except ""}} {
    set now [yqbox::now]
    db eval {UPDATE session SET ended = $now, end_reason = $reason
             WHERE ended IS NULL AND ($userId = '' OR user_id = $userId) AND ($except = '' OR id != $except)}
    db changes
}

# session::promote: session ID passed its second factor: stage ok. Returns nothing.
proc session::promote {id} {
    db eval {UPDATE session SET stage = 'ok' WHERE id = $id}
    return
}

# session::live: the live sessions as a list of dicts (id login name peer created seen stage).
proc session::live {} {
    set idle [expr {[yqbox::now] - 60 * [conf::get session_idle_minutes]}]
    set old [expr {[yqbox::now] - 3600 * [conf::get session_max_hours]}]
    set out {}
    db eval {SELECT s.id, u.login, u.name, s.peer, s.created, s.seen, s.stage FROM session s
             JOIN user u ON u.id = s.user_id
             WHERE s.ended IS NULL AND s.seen >= $idle AND s.created >= $old ORDER BY s.id} r {
        lappend out [dict create id $r(id) login $r(login) name $r(name) peer $r(peer) \
                         created $r(created) seen $r(seen) stage $r(stage)]
    }
    return $out
}

# ---- TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) ----

namespace eval session::totp {
    variable alphabet ABCDEFGHIJKLMNOPQRSTUVWXYZ234567
}

# session::totp::base32: BYTES in RFC 4648 base32 without padding.
proc session::totp::base32 {bytes} {
    variable alphabet
    binary scan $bytes B* bits
    set out ""
    for {set i 0} {$i < [string length $bits]} {incr i 5} {
        set chunk [string range $bits $i $i+4]
        while {[string length $chunk] < 5} { append chunk 0 }
        append out [string index $alphabet [expr "0b$chunk"]]
    }
    return $out
}

# session::totp::unbase32: the bytes of base32 TEXT (case and spaces ignored); errors on bad text.
proc session::totp::unbase32 {text} {
    variable alphabet
    set bits ""
    foreach c [split [string toupper [string map {" " "" = ""} $text]] ""] {
        set v [string first $c $alphabet]
        if {$v < 0} { error "not base32: \"$text\"" }
        append bits [format %05b $v]
    }
    set bits [string range $bits 0 [expr {[string length $bits] / 8 * 8 - 1}]]
    binary format B* $bits
}

# session::totp::secret: a new random secret (20 bytes) in base32.
proc session::totp::secret {} { base32 [crypto random 20] }

# session::totp::code: the DIGITS-digit code of base32 SECRET at time T (seconds).
proc session::totp::code {secret t {digits 6}} {
    set key [unbase32 $secret]
    set counter [expr {$t / 30}]
    set mac [binary decode hex [crypto hmac $key [binary format W $counter] sha1]]
    binary scan [string index $mac end] cu off
    set off [expr {$off & 15}]
    binary scan [string range $mac $off [expr {$off + 3}]] Iu v
    format %0${digits}d [expr {($v & 0x7fffffff) % (10 ** $digits)}]
}

# session::totp::step: the time step (seconds / 30) at which CODE is SECRET's code, trying now and
# one step before or after (clock drift of the phone); "" when it is none of them.
proc session::totp::step {secret code} {
    if {![regexp {^\d{6}$} $code] || $secret eq ""} { return "" }
    set now [yqbox::now]
    foreach d {0 -30 30} {
        if {[crypto equal [code $secret [expr {$now + $d}]] $code]} { return [expr {($now + $d) / 30}] }
    }
    return ""
}

# session::totp::verify: whether CODE is SECRET's code now or one step before or after.
proc session::totp::verify {secret code} {
    expr {[step $secret $code] ne ""}
}

# session::totp::use: whether CODE is user USERID's current code and its time step is later than
# the last one spent; if so the step is spent (user.totp_step), so the same code is refused
# afterwards in every session. Call inside the caller's write transaction.
proc session::totp::use {userId code} {
    set secret [db onecolumn {SELECT totp_secret FROM user WHERE id = $userId}]
    set step [step $secret $code]
    if {$step eq ""} { return 0 }
    db eval {UPDATE user SET totp_step = $step WHERE id = $userId AND totp_step < $step}
    expr {[db changes] == 1}
}

# session::totp::required: whether user USERID must have the second factor (等保 L3: two factors
# for administrators): it holds one of the admin roles (org::adminRoles).
proc session::totp::required {userId} {
    foreach r [db eval {SELECT role FROM user_role WHERE user_id = $userId}] {
        if {$r in $::org::adminRoles} { return 1 }
    }
    return 0
}

# session::totp::mustEnrol: whether user USERID must enrol before anything else: required and no
# secret yet. Reads only.
proc session::totp::mustEnrol {userId} {
    expr {[required $userId] && [db onecolumn {SELECT totp_secret FROM user WHERE id = $userId}] eq ""}
}

# session::totp::enrol: make base32 SECRET user USERID's second factor if CODE is its code now
# (the step is spent, as at a login), with a new batch of recovery codes. Returns the codes, or ""
# (nothing changed) when CODE is wrong. Call inside the caller's write transaction, with its audit.
proc session::totp::enrol {userId secret code} {
    set step [step $secret $code]
    if {$step eq ""} { return "" }
    db eval {UPDATE user SET totp_secret = $secret, totp_step = max(totp_step, $step) WHERE id = $userId}
    recoveryNew $userId
}

# session::totp::reset: remove user USERID's second factor and recovery codes (the user enrols
# again at the next login, when required). Returns 1 if there was one. Call inside the caller's
# write transaction, with its audit entry.
proc session::totp::reset {userId} {
    set had [expr {[db onecolumn {SELECT totp_secret FROM user WHERE id = $userId}] ne ""}]
    db eval {UPDATE user SET totp_secret = '' WHERE id = $userId}
    db eval {DELETE FROM totp_recovery WHERE user_id = $userId}
    return $had
}

# ---- recovery codes ----

namespace eval session::totp {
    # Crockford's base32 (no i l o u): read aloud and typed without confusion
    variable recoveryAlphabet 0123456789abcdefghjkmnpqrstvwxyz
    variable recoveryCount 10
    # the codes are random (50 bits each), not chosen by people: 10,000 iterations make an offline
    # search of a stolen database hopeless while an attempt stays quick
    variable recoveryIterations 10000
}

# session::totp::recoveryNew: a new batch of recovery codes for user USERID, replacing any earlier
# one. Returns the codes (each "xxxxx-xxxxx", shown once; only their hashes are kept). Call inside
# the caller's write transaction, with its audit entry.
proc session::totp::recoveryNew {userId} {
    variable recoveryAlphabet
    variable recoveryCount
    variable recoveryIterations
    set salt [binary encode hex [crypto random 16]]
    set at [yqbox::iso]
    set codes {}
    db eval {DELETE FROM totp_recovery WHERE user_id = $userId}
    while {[llength $codes] < $recoveryCount} {
        set code ""
        # 256 is a multiple of 32: every character equally likely
        foreach b [split [crypto random 10] ""] {
            append code [string index $recoveryAlphabet [expr {[scan $b %c] & 31}]]
        }
        set code [string range $code 0 4]-[string range $code 5 9]
        if {$code in $codes} { continue }
        lappend codes $code
        set hash [RecoveryHash $code $salt $recoveryIterations]
        db eval {INSERT INTO totp_recovery(user_id, hash, created) VALUES($userId, $hash, $at)}
    }
    return $codes
}

# session::totp::RecoveryHash: the stored form of recovery CODE with SALT and ITERATIONS:
# pbkdf2-sha256$ITERATIONS$SALT$HEX of its normalised form, or "" when CODE cannot be one.
proc session::totp::RecoveryHash {code salt iterations} {
    set norm [RecoveryNorm $code]
    if {$norm eq ""} { return "" }
    return "pbkdf2-sha256\$$iterations\$$salt\$[crypto pbkdf2 $norm $salt $iterations]"
}

# session::totp::RecoveryNorm: TEXT as a recovery code is compared: lower case, without spaces and
# hyphens, o read as 0 and i, l as 1 (Crockford); "" unless that is 10 characters of the alphabet.
proc session::totp::RecoveryNorm {text} {
    variable recoveryAlphabet
    set t [string map {o 0 i 1 l 1} [string tolower [string map {" " "" - ""} $text]]]
    if {[string length $t] != 10 || ![regexp "^\[$recoveryAlphabet\]+\$" $t]} { return "" }
    return $t
}

# session::totp::recoveryLeft: how many unused recovery codes user USERID has.
proc session::totp::recoveryLeft {userId} {
    db onecolumn {SELECT count(*) FROM totp_recovery WHERE user_id = $userId AND used IS NULL}
}

# session::totp::RecoveryUse: whether TEXT is one of user USERID's unused recovery codes; if so it
# is spent (marked used). Call inside the caller's write transaction.
proc session::totp::RecoveryUse {userId text} {
    if {[RecoveryNorm $text] eq ""} { return 0 }
    set salt ""; set iter ""
    db eval {SELECT hash FROM totp_recovery WHERE user_id = $userId AND used IS NULL LIMIT 1} {
        regexp {^pbkdf2-sha256\$(\d+)\$([0-9a-f]+)\$} $hash -> iter salt
    }
    if {$salt eq ""} { return 0 }
    set want [RecoveryHash $text $salt $iter]
    set found ""
    # compare with every unused code in constant time, whichever matches
    db eval {SELECT id, hash FROM totp_recovery WHERE user_id = $userId AND used IS NULL} {
        if {[crypto equal $hash $want]} { set found $id }
    }
    if {$found eq ""} { return 0 }
    set at [yqbox::iso]
    db eval {UPDATE totp_recovery SET used = $at WHERE id = $found}
    return 1
}

# session::totp::accept: whether CODE (a 6-digit TOTP code, or with RECOVERY a recovery code) passes
# user USERID's second factor; the code is spent (session::totp::use, RecoveryUse). Returns totp,
# recovery or "" (refused). Call inside the caller's write transaction.
proc session::totp::accept {userId code {recovery 1}} {
    set code [string trim $code]
    if {[regexp {^\d{6}$} $code]} { return [expr {[use $userId $code] ? "totp" : ""}] }
    if {$recovery && [RecoveryUse $userId $code]} { return recovery }
    return ""
}

# session::totp::attempt: one attempt of principal ME (from ORIGIN) to pass its second factor with
# CODE (RECOVERY: a recovery code counts too), counted against the login throttle before it is
# checked (org::Count: the same limits as the password and every other code attempt). Runs inside
# the caller's write transaction (as ME): on success gives the attempt back (org::Succeeded); on
# failure records login.totp.fail and may lock the account (org::Failed). Returns a dict: how
# (totp, recovery or "" when refused) and refused (the throttle key that locked it out, or "").
proc session::totp::attempt {me origin code {recovery 1}} {
    set login [dict get $me login]
    set keys [org::throttleKeys $login $origin]
    set refused [org::Count $keys totp]
    set how ""
    if {$refused eq ""} { set how [accept [dict get $me user_id] $code $recovery] }
    if {$how ne ""} {
        org::Succeeded $keys 1
    } elseif {$refused eq ""} {
        audit::record login.totp.fail user:$login
        org::Failed $keys totp
        # the account locked by this failure
        if {[org::lockedUntil $login] ne ""} { set refused [lindex $keys 0] }
    }
    dict create how $how refused $refused
}

# ---- console ----

# session: the console command (security admin): list the live sessions, end one, one user's or all.
cmdlayer::noun session "网页登录会话：列出在线会话，结束某个会话、某用户的全部会话或全部会话（安全管理员）"
cmdlayer::command session list {} "列出在线会话" {
    org::require session.manage
    set out {}
    foreach s [session::live] {
        dict with s {
            lappend out [format "%4d  %-12s %-8s %-15s 登录 %s  最近 %s%s" $id $login $name $peer \
                [yqbox::iso $created] [yqbox::iso $seen] [expr {$stage eq "totp" ? "  (待动态口令)" : ""}]]
        }
    }
    return [join $out \n]
}
cmdlayer::command session end {{what 会话编号、登录名或all}} "结束一个会话、某用户的全部会话或全部会话（all），返回结束的个数" {
    org::require session.manage
    db transaction immediate {
        if {$what eq "all"} {
            set n [session::endAll admin]
            audit::record session.end-all session:* -after "sessions=$n"
        } elseif {[string is entier -strict $what]} {
            set n [session::end $what admin]
            if {!$n} { yq::fail session.none $what }
            audit::record session.end session:$what
        } else {
            set n [session::endAll admin [org::userId $what]]
            audit::record session.end-user user:$what -after "sessions=$n"
        }
    }
    return $n
}
