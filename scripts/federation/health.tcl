# federation/health.tcl - the state of each link between boxes (issue 17): what the console's
# `federation list` / `federation status` print, what the city's pages show (federation::health),
# and the job that tells the office when a link has been silent longer than fed_silence.
#
# A link is ok, late (no exchange for five fed_interval periods, or a message waiting longer than
# fed_late minutes) or silent (no exchange for fed_silence hours; counted from its enrolment when
# it never worked). Last contact is the last exchange that worked: an HTTPS exchange (either side)
# or an imported file. Silence alerts the office of this box (both boxes run the job, so both
# offices hear of it), once until the link works again.

namespace eval federation {
    variable stateNames {ok 正常 late 迟滞 silent 中断 disabled 已停用}   ;# a link's state as people read it
}

conf::key fed_silence {integer 1 8760} 6 "上下级联网超过多少小时没有成功交换即通知信息办"
conf::key fed_late {integer 1 100000} 30 "联网消息等待发送超过多少分钟即视为链路迟滞"

# federation::health: the state of every peer of this box, a list of dicts (one per peer, by
# id): id name county relation enabled url last_sent last_received last_contact queue (messages
# waiting to be sent) oldest_unsent (ISO or "") pending (received, not yet applied) failed
# (received, refused by their handler) skew (seconds or "") cert_expiry (ISO or "") state
# (ok|late|silent|disabled) last_error. Reads only.
proc federation::health {} {
    set now [yqbox::now]
    set silence [expr {[conf::get fed_silence] * 3600}]
    set late [expr {max(5 * [conf::get fed_interval], 60)}]
    set lateMsg [expr {[conf::get fed_late] * 60}]
    set out {}
    db eval {SELECT p.*, (SELECT count(*) FROM federation_outbox o WHERE o.peer_id = p.id AND o.sent IS NULL) AS queue,
                    (SELECT min(created) FROM federation_outbox o WHERE o.peer_id = p.id AND o.sent IS NULL) AS oldest,
                    (SELECT count(*) FROM federation_inbox i WHERE i.peer_id = p.id AND i.applied IS NULL) AS pending,
                    (SELECT count(*) FROM federation_inbox i WHERE i.peer_id = p.id AND i.applied IS NULL
                                                                AND i.error <> '') AS failed
             FROM federation_peer p ORDER BY p.id} r {
        set contact [expr {$r(last_contact) ne "" ? $r(last_contact) : $r(enrolled)}]
        set quiet [expr {$now - [yqbox::seconds $contact]}]
        set expiry ""
        if {$r(cert) ne "" && ![catch {crypto certinfo $r(cert)} info]} {
            set expiry [yqbox::iso [clock scan [dict get $info not_after] -format {%Y-%m-%d %H:%M:%S} -timezone :UTC]]
        }
        if {!$r(enabled)} {
            set state disabled
        } elseif {$quiet > $silence} {
            set state silent
        } elseif {$quiet > $late || ($r(oldest) ne "" && $now - [yqbox::seconds $r(oldest)] > $lateMsg)} {
            set state late
        } else {
            set state ok
        }
        lappend out [dict create id $r(id) name $r(name) county $r(county) relation $r(relation) enabled $r(enabled) \
                         url $r(url) last_sent $r(last_sent) last_received $r(last_received) \
                         last_contact $r(last_contact) queue $r(queue) oldest_unsent $r(oldest) \
                         pending $r(pending) failed $r(failed) skew $r(skew) cert_expiry $expiry \
                         state $state last_error $r(last_error)]
    }
    return $out
}

# federation::watch: the background job `fedhealth`: tell the office (a notice of kind
# federation.silent, no event) about each enabled link silent longer than fed_silence, once until
# it works again (federation_peer.silent_alerted). One transaction. Returns a summary in Chinese.
proc federation::watch {} {
    set told 0
    set silent 0
    db transaction immediate {
        foreach h [health] {
            set name [dict get $h name]
            set was [db onecolumn {SELECT silent_alerted FROM federation_peer WHERE name = $name}]
            if {[dict get $h state] eq "silent"} {
                incr silent
                if {$was} { continue }
                set since [expr {[dict get $h last_contact] eq "" ? [yq::mc federation.never] : [dict get $h last_contact]}]
                notify::queue "" federation.silent {office} \
                    [yq::mc federation.silent.subject $name] \
                    [yq::mc federation.silent.body $name [conf::get fed_silence] $since [dict get $h queue] [dict get $h last_error]]
                db eval {UPDATE federation_peer SET silent_alerted = 1 WHERE name = $name}
                audit::record federation.silent peer:$name -after "since=$since queue=[dict get $h queue]"
                incr told
            } elseif {$was && [dict get $h state] in {ok late}} {
                db eval {UPDATE federation_peer SET silent_alerted = 0 WHERE name = $name}
            }
        }
    }
    yq::mc federation.watched [llength [health]] $silent $told
}

job::define fedhealth 联网链路检查 300 federation::watch

# federation::Lines: the health of every link as console lines (a title line, then one per peer,
# then the last error of those that have one).
proc federation::Lines {{detail 0}} {
    set rows [health]
    if {![llength $rows]} { return [yq::mc federation.nopeers] }
    variable stateNames
    set out [list [format "%-10s %-6s %-6s %-6s %-19s %-19s %s" 名称 关系 状态 待发 最近联系 最早待发 时钟差]]
    foreach h $rows {
        lappend out [format "%-10s %-6s %-6s %-6s %-19s %-19s %s" [dict get $h name] \
                         [expr {[dict get $h relation] eq "parent" ? "上级" : "成员"}] \
                         [dict get $stateNames [dict get $h state]] [dict get $h queue] \
                         [string range [dict get $h last_contact] 0 18] [string range [dict get $h oldest_unsent] 0 18] \
                         [expr {[dict get $h skew] eq "" ? "-" : "[dict get $h skew] 秒"}]]
        if {$detail} {
            lappend out "    所属县区：[dict get $h county]  地址：[dict get $h url]  最近发出：[dict get $h last_sent]  最近收到：[dict get $h last_received]"
            lappend out "    待处理：[dict get $h pending]（其中处理失败 [dict get $h failed]）  对方证书到期：[dict get $h cert_expiry]"
        }
        if {[dict get $h last_error] ne ""} { lappend out "    最近错误：[dict get $h last_error]" }
    }
    join $out \n
}

cmdlayer::command federation list {} "本机的上级和成员，各自链路状态、待发消息数和最近联系时间" { federation::Lines }
cmdlayer::command federation status {} "链路详情：最近发出/收到、待发与待处理消息、时钟差、对方证书到期、最近错误" {
    set head "本机：[conf::get fed_name]（[dict get {county 县区 city 市 both 市（兼办市直）} [conf::get fed_role]]）"
    return "$head\n[federation::Lines 1]"
}
