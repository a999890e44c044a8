# federation/link.tcl - the core of the link between boxes (issue 17): a county box reports to its
# city box (its parent); a city box (or a city that also handles its 市直 departments: role both)
# receives from its member boxes and sends tasks down to them.
#
# Whatever crosses the link is a message: {msg_id kind object seq created payload}. KIND says what
# it is (event.report, task.repost, …); OBJECT what it is about (event:12); SEQ numbers the messages
# about one object from one sender 1, 2, 3 …; PAYLOAD is a JSON object. The sender queues messages
# with federation::emit inside the transaction that made the change, so a message exists exactly
# when the change does (table federation_outbox). The transport (HTTPS or signed files; not in this
# file) takes waiting messages with federation::waiting, hands them to the peer, and marks them
# with federation::acknowledged once the peer stored them. The receiver stores each message with
# federation::receive: once under its msg_id (a retry or a file imported twice changes nothing),
# and applies messages about one object in seq order (one that arrives early waits for the gap to
# fill). Applying a message runs the handler registered for its kind with federation::on, inside
# the same transaction; a handler's refusal is kept with the message (it is retried by
# federation::drain, and the later messages about that object wait behind it), never lost.

namespace eval federation {
    variable handlers {}   ;# kind -> command prefix
    variable limits {kind 64 object 128 payload 1048576 msgid 128}
}

conf::key fed_role {enum county city both} county \
    "本机在上下级联网中的角色：county（县区，向市上报）、city（市，汇总各县区）、both（市，并办理市直部门的舆情）"
conf::key fed_name string "" \
    "本机在上下级联网中的名称（如 青山县、市本级）；为空时不能加入或建立联网"

# federation::self: this box's name on the link (fed_name). Errors with a Chinese message when it
# is not configured.
proc federation::self {} {
    set name [conf::get fed_name]
    if {$name eq ""} { yq::fail federation.noname }
    return $name
}

# federation::isCity: whether this box receives from member boxes (fed_role city or both).
proc federation::isCity {} {
    expr {[conf::get fed_role] in {city both}}
}

# federation::peer: the peer named NAME (or with id NAME when it is an integer) as a dict of its
# row. Errors (federation.nopeer) when there is none.
proc federation::peer {name} {
    set col [expr {[string is entier -strict $name] ? "id" : "name"}]
    set row {}
    db eval "SELECT * FROM federation_peer WHERE $col = \$name" r {
        foreach c $r(*) { dict set row $c $r($c) }
    }
    if {![dict size $row]} { yq::fail -class NOTFOUND federation.nopeer $name }
    return $row
}

# federation::on: register COMMAND (a command prefix) to apply messages of KIND. It is called as
# COMMAND PEER OBJECT PAYLOAD MESSAGE (PEER: the sender's row as a dict, PAYLOAD: the JSON parsed
# into a dict, MESSAGE: the whole message dict), inside the receiving transaction; an error refuses
# the message (kept, retried). Returns nothing.
proc federation::on {kind command} {
    variable handlers
    dict set handlers $kind $command
    return
}

# federation::emit: queue the message KIND about OBJECT with PAYLOAD (a JSON object text, e.g. made
# by `json object`) for the parent box (every enabled peer with relation parent), or with
# -to PEER for that one peer (a member, when the city sends down). Runs in the caller's transaction;
# messages for the parent are also sent promptly where the transport can (federation::Prompt).
# Returns the list of msg_ids queued (empty when this box has no such peer: a box standing alone
# queues nothing). Errors on a kind, object or payload outside the limits.
proc federation::emit {args} {
    set to ""
    if {[lindex $args 0] eq "-to"} {
        set to [lindex $args 1]
        set args [lrange $args 2 end]
    }
    if {[llength $args] != 3} { error "usage: federation::emit ?-to PEER? KIND OBJECT PAYLOAD" }
    lassign $args kind object payload
    Check $kind $object $payload
    if {$to ne ""} {
        set peers [list [dict get [peer $to] id]]
    } else {
        set peers [db eval {SELECT id FROM federation_peer WHERE relation = 'parent' AND enabled = 1
                            ORDER BY id}]
    }
    if {![llength $peers]} { return {} }
    set self [self]
    set now [yqbox::iso]
    set ids {}
    foreach p $peers {
        set seq [db onecolumn {SELECT coalesce(max(seq), 0) + 1 FROM federation_outbox
                               WHERE peer_id = $p AND object = $object}]
        set msg "$self/[crypto token 12]"
        db eval {INSERT INTO federation_outbox(peer_id, msg_id, kind, object, seq, payload, created)
                 VALUES($p, $msg, $kind, $object, $seq, $payload, $now)}
        lappend ids $msg
    }
    # the transport (federation/transport.tcl) sends soon where it can
    if {$to eq "" && [info commands ::federation::Prompt] ne ""} { Prompt }
    return $ids
}

# federation::Check: error (federation.badmsg, saying which part) unless KIND, OBJECT and PAYLOAD
# are within the limits: kind lower-case words joined by dots, object WORD:ID, payload a JSON
# object of at most 1 MiB.
proc federation::Check {kind object payload} {
    variable limits
    if {![regexp {^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$} $kind] || [string length $kind] > [dict get $limits kind]} {
        yq::fail federation.badmsg kind $kind
    }
    if {![regexp {^[a-z][a-z0-9_]*:[^\s]+$} $object] || [string length $object] > [dict get $limits object]} {
        yq::fail federation.badmsg object $object
    }
    if {[string length $payload] > [dict get $limits payload]
        || [catch {json parse $payload} parsed] || ![string match "\{*" [string trimleft $payload]]} {
        yq::fail federation.badmsg payload [string range $payload 0 60]
    }
}

# federation::waiting: up to LIMIT messages queued for peer PEER (id or name) and not yet
# acknowledged, oldest first, each a dict {msg_id kind object seq created payload}.
proc federation::waiting {peer {limit 100}} {
    set p [dict get [peer $peer] id]
    set out {}
    db eval {SELECT msg_id, kind, object, seq, created, payload FROM federation_outbox
             WHERE peer_id = $p AND sent IS NULL ORDER BY id LIMIT $limit} m {
        lappend out [dict create msg_id $m(msg_id) kind $m(kind) object $m(object) seq $m(seq) \
                         created $m(created) payload $m(payload)]
    }
    return $out
}

# federation::acknowledged: mark the messages MSGIDS to peer PEER as delivered (the peer stored
# them), note when in the peer's last_sent, and audit each. One transaction. Returns how many were
# newly marked (ids already marked or unknown count nothing).
proc federation::acknowledged {peer msgids} {
    set row [peer $peer]
    set p [dict get $row id]
    set now [yqbox::iso]
    set n 0
    db transaction immediate {
        foreach m $msgids {
            if {![db exists {SELECT 1 FROM federation_outbox WHERE peer_id = $p AND msg_id = $m AND sent IS NULL}]} {
                continue
            }
            db eval {UPDATE federation_outbox SET sent = $now, last_error = '' WHERE peer_id = $p AND msg_id = $m}
            db eval {SELECT kind, object, seq FROM federation_outbox WHERE msg_id = $m} {}
            audit::record federation.send "$object" -after "peer=[dict get $row name] kind=$kind seq=$seq msg=$m"
            incr n
        }
        if {$n} { db eval {UPDATE federation_peer SET last_sent = $now, last_error = '' WHERE id = $p} }
    }
    return $n
}

# federation::receive: store MESSAGE (a dict {msg_id kind object seq created payload}) from peer
# PEER (id or name; it must be enabled), received VIA https, file or local, and apply what it makes
# applicable. One transaction. Returns duplicate (already stored: nothing changes), held (waits
# for an earlier seq about the same object), applied, or failed (its handler refused; kept with
# the reason). Errors (changing nothing) on a malformed message or one whose (object, seq) was
# already taken by another msg_id.
proc federation::receive {peer message via} {
    variable limits
    set row [peer $peer]
    if {![dict get $row enabled]} { yq::fail federation.disabled [dict get $row name] }
    set p [dict get $row id]
    foreach f {msg_id kind object seq created payload} {
        if {![dict exists $message $f]} { yq::fail federation.badmsg $f "" }
    }
    dict with message {}
    if {[string length $msg_id] > [dict get $limits msgid] || ![regexp {^[^\s/]+/[A-Za-z0-9_-]+$} $msg_id]} {
        yq::fail federation.badmsg msg_id [string range $msg_id 0 60]
    }
    if {![string is entier -strict $seq] || $seq < 1 || $seq > 1000000000} { yq::fail federation.badmsg seq $seq }
    if {[catch {yqbox::seconds $created}]} { yq::fail federation.badmsg created [string range $created 0 40] }
    Check $kind $object $payload
    set now [yqbox::iso]
    db transaction immediate {
        if {[db exists {SELECT 1 FROM federation_inbox WHERE peer_id = $p AND msg_id = $msg_id}]} {
            return duplicate
        }
        if {[db exists {SELECT 1 FROM federation_inbox WHERE peer_id = $p AND object = $object AND seq = $seq}]} {
            yq::fail federation.seqtaken $object $seq
        }
        db eval {INSERT INTO federation_inbox(peer_id, msg_id, kind, object, seq, payload, created, received, via)
                 VALUES($p, $msg_id, $kind, $object, $seq, $payload, $created, $now, $via)}
        db eval {UPDATE federation_peer SET last_received = $now WHERE id = $p}
        audit::record federation.receive $object -after "peer=[dict get $row name] kind=$kind seq=$seq msg=$msg_id via=$via"
        Drain $p $object
        set state [db onecolumn {SELECT CASE WHEN applied IS NOT NULL THEN 'applied'
                                             WHEN error <> '' THEN 'failed' ELSE 'held' END
                                 FROM federation_inbox WHERE peer_id = $p AND msg_id = $msg_id}]
    }
    return $state
}

# federation::drain: apply every stored message that can be applied now: for peer PEER (id or
# name; every peer when empty), each object's messages in seq order from the first unapplied one,
# while the sequence has no gap and handlers accept. Retries messages whose handler refused
# earlier. Returns the number applied.
proc federation::drain {{peer ""}} {
    set n 0
    set peers [expr {$peer eq "" ? [db eval {SELECT id FROM federation_peer ORDER BY id}]
                                  : [list [dict get [peer $peer] id]]}]
    foreach p $peers {
        foreach object [db eval {SELECT DISTINCT object FROM federation_inbox
                                 WHERE peer_id = $p AND applied IS NULL}] {
            db transaction immediate { incr n [Drain $p $object] }
        }
    }
    return $n
}

# federation::Drain: apply the messages from peer id P about OBJECT that follow the last applied
# one without a gap, in seq order, in the caller's transaction; the first refusal stops (its
# reason kept in error). Returns the number applied.
proc federation::Drain {p object} {
    variable handlers
    set n 0
    set row [peer $p]
    while 1 {
        set next [db onecolumn {SELECT coalesce(max(seq), 0) + 1 FROM federation_inbox
                                WHERE peer_id = $p AND object = $object AND applied IS NOT NULL}]
        set m {}
        db eval {SELECT msg_id, kind, object, seq, created, payload FROM federation_inbox
                 WHERE peer_id = $p AND object = $object AND seq = $next AND applied IS NULL} r {
            set m [dict create msg_id $r(msg_id) kind $r(kind) object $r(object) seq $r(seq) \
                       created $r(created) payload $r(payload)]
        }
        if {![dict size $m]} { return $n }
        set msg_id [dict get $m msg_id]
        set kind [dict get $m kind]
        if {![dict exists $handlers $kind]} {
            set err [yq::mc federation.nohandler $kind]
        } else {
            db eval {SAVEPOINT federation_apply}
            if {[catch {{*}[dict get $handlers $kind] $row $object [json parse [dict get $m payload]] $m} err]} {
                db eval {ROLLBACK TO federation_apply; RELEASE federation_apply}
            } else {
                db eval {RELEASE federation_apply}
                set err ""
            }
        }
        if {$err ne ""} {
            db eval {UPDATE federation_inbox SET error = $err WHERE peer_id = $p AND msg_id = $msg_id}
            return $n
        }
        set now [yqbox::iso]
        db eval {UPDATE federation_inbox SET applied = $now, error = '' WHERE peer_id = $p AND msg_id = $msg_id}
        incr n
    }
}
