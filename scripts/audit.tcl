# audit.tcl - the append-only, hash-chained audit log of every action (DESIGN: audit).
#
# Each entry records who (login, role, unit), when, from where, what (action, object) and the
# state before and after. Its hash is SHA-256 over the previous entry's hash and the entry's own
# fields, so `audit verify` finds any edited, deleted, inserted or reordered entry and names the
# first bad one. Triggers refuse UPDATE and DELETE in SQL. Entries older than the retention
# (audit_retention_days, never below 180) leave only through `audit prune`, which exports them to
# a file in the data directory, records an anchor (the hash the chain continues from) and is itself
# audited: nothing is pruned silently. audit::record must run inside the caller's transaction, so
# an action and its entry are written together or not at all.

namespace eval audit {
    variable zero [string repeat 0 64]
}

conf::key audit_retention_days {integer 180 36500} 180 \
    "审计日志至少保留的天数（不少于 180），期满的记录才可归档"

# audit::digest: the hash of an entry given the previous hash and its fields (id first).
proc audit::digest {prev fields} {
    crypto sha256 "$prev\n[join $fields \x1f]"
}

# audit::cap: TEXT cut to at most MAX characters; a cut text ends with a note of its full length.
# Every field of an entry passes through it, so outside bytes (a submitted login name, a path)
# cannot make an entry large.
proc audit::cap {text max} {
    if {[string length $text] <= $max} { return $text }
    return "[string range $text 0 [expr {$max - 41}]]…(truncated from [string length $text] characters)"
}

# audit::record: append an entry for ACTION on OBJECT by the current principal; options
# -before TEXT, -after TEXT. Fields are capped (audit::cap): 200 characters for who, where and
# what, 4000 for before and after. Returns the new entry's id. Call inside a write transaction.
proc audit::record {action object args} {
    variable zero
    set o [dict merge {-before "" -after ""} $args]
    set a [org::actor]
    set login [cap [dict get $a login] 200]
    set role [cap [join [dict get $a roles] ,] 200]
    set unit [cap [dict get $a unit] 200]
    set origin [cap [dict get $a origin] 200]
    set action [cap $action 200]
    set object [cap $object 200]
    set before [cap [dict get $o -before] 4000]
    set after [cap [dict get $o -after] 4000]
    set at [yqbox::iso]
    set prev [db onecolumn {SELECT hash FROM audit ORDER BY id DESC LIMIT 1}]
    if {$prev eq ""} {
        set prev [db onecolumn {SELECT hash FROM audit_anchor ORDER BY upto_id DESC LIMIT 1}]
        if {$prev eq ""} { set prev $zero }
    }
    set id [expr {[db onecolumn {SELECT coalesce(max(id), (SELECT max(upto_id) FROM audit_anchor), 0) FROM audit}] + 1}]
    set hash [digest $prev [list $id $at $login $role $unit $origin $action $object $before $after]]
    db eval {INSERT INTO audit(id, at, login, role, unit, origin, action, object, before, after, prev, hash)
             VALUES($id, $at, $login, $role, $unit, $origin, $action, $object, $before, $after, $prev, $hash)}
    return $id
}

# audit::verify: walk the chain from the last anchor. Returns "哈希链完整，共 N 条记录"; errors naming the
# first entry that was edited, removed, inserted or moved.
proc audit::verify {} {
    variable zero
    set prev $zero
    set expectId 1
    db eval {SELECT upto_id, hash FROM audit_anchor ORDER BY upto_id DESC LIMIT 1} {
        set prev $hash
        set expectId [expr {$upto_id + 1}]
    }
    set n 0
    db eval {SELECT id, at, login, role, unit, origin, action, object, before, after, prev AS p, hash AS h
             FROM audit ORDER BY id} {
        if {$id != $expectId} {
            yq::fail audit.missing $id $expectId
        }
        if {$p ne $prev} {
            yq::fail audit.order $id [expr {$id - 1}]
        }
        if {[digest $prev [list $id $at $login $role $unit $origin $action $object $before $after]] ne $h} {
            yq::fail audit.changed $id
        }
        set prev $h
        incr expectId
        incr n
    }
    yq::mc audit.ok $n
}

# audit::prune: archive and remove the entries older than the retention. Returns how many.
proc audit::prune {} {
    set days [conf::get audit_retention_days]
    set cutoff [yqbox::iso [expr {[yqbox::now] - 86400 * $days}]]
    set dir [file join [yqbox::needdata] audit-archive]
    db transaction immediate {
        set upto [db onecolumn {SELECT max(id) FROM audit WHERE at < $cutoff}]
        if {$upto eq ""} { return 0 }
        # the chain must be intact before anything leaves it
        verify
        file mkdir $dir
        set file [file join $dir audit-to-$upto.tsv]
        set f [open $file {WRONLY CREAT EXCL} 0600]
        fconfigure $f -encoding utf-8
        set n 0
        db eval {SELECT * FROM audit WHERE id <= $upto ORDER BY id} r {
            puts $f [join [lmap c {id at login role unit origin action object before after prev hash} {
                string map {\t " " \n " "} $r($c)
            }] \t]
            incr n
        }
        close $f
        set hash [db onecolumn {SELECT hash FROM audit WHERE id = $upto}]
        db eval {INSERT INTO audit_anchor(upto_id, hash, at, archive) VALUES($upto, $hash, $cutoff, $file)}
        db eval {DELETE FROM audit WHERE id <= $upto}
        record audit.prune audit:$upto -after [yq::mc audit.pruned $n $cutoff $file]
    }
    return $n
}

# audit: the console command. `audit list` needs the audit admin (or the console).
cmdlayer::noun audit "审计日志：查看（审计管理员）、校验哈希链、按保留期归档"
cmdlayer::command audit list {{-object 对象} {-login 登录名} {-limit 条数 int 50}} "最近的审计记录（审计管理员）" {
    org::require audit.read
    set out {}
    db eval {SELECT * FROM (SELECT id, at, login, role, origin, action, object, before, after FROM audit
             WHERE ($object = '' OR object = $object) AND ($login = '' OR login = $login)
             ORDER BY id DESC LIMIT $limit) ORDER BY id} {
        lappend out [string trimright "$id $at $login[expr {$role ne "" ? "($role)" : ""}] $origin $action $object [expr {$before ne "" ? "$before → " : ""}]$after"]
    }
    return [join $out \n]
}
cmdlayer::command audit verify {} "校验审计日志的哈希链" { audit::verify }
cmdlayer::command audit prune {} "按保留期归档过期的审计记录（审计管理员）" {
    org::require audit.read
    audit::prune
}
