# workflowlib.tcl - helpers of the workflow suites (workflow, notify, documents): a fresh data
# directory with units and users, events made the real way (a post analysed into an event), acting
# as a user, and the controlled clock (YQBOX_TESTING, YQBOX_NOW, yqbox::advance).

set ::env(YQBOX_TESTING) 1

# wf::setup: a fresh data directory opened as ::db, with EXTRA config text, the clock at NOW
# (Monday 2 March 2026, 10:00 by default), and these units and users:
#   住建局 (department): zj (handler), zjhead (unithead);  人社局: rs (handler), rshead (unithead)
#   信息办: office1 (office), leader1 (leader, in unit 县领导), viewer1 (viewer, 住建局)
# Returns the directory.
namespace eval wf { variable n 0; namespace path ::console }
proc wf::setup {{extra ""} {now 2026-03-02T10:00:00+08:00}} {
    catch {db::shutdown}
    set d [tempdir]
    writefile $d/appliance.conf "datadir $d\n$extra\n"
    conf::load $d/appliance.conf
    set ::yqbox::datadir $d
    set ::env(YQBOX_NOW) $now
    yqbox::clockoffset 0
    db::connect $d -create
    unit add 住建局 department -contact 张三 -phone 0001
    unit add 人社局 department
    unit add 县领导 leadership
    user add zj 张三 住建局 -roles handler -email zj@qingshan.test
    user add zjhead 李四 住建局 -roles unithead -email zjhead@qingshan.test
    user add rs 赵六 人社局 -roles handler -email rs@qingshan.test
    user add rshead 钱七 人社局 -roles unithead
    user add office1 王五 信息办 -roles office -email office@qingshan.test
    user add leader1 孙县长 县领导 -roles leader -email leader@qingshan.test
    user add viewer1 周八 住建局 -roles viewer
    set at [yqbox::iso]
    db eval {INSERT INTO source(name, title, type, url, tier, created, updated)
             VALUES('bbs', '青山论坛', 'html', 'http://bbs.qingshan.test/', 'forum', $at, $at)}
    return $d
}

# wf::post: store a post (TITLE, BODY) on the forum as the patrol would and analyse it. Returns
# the id of its event ("" when it is not relevant).
proc wf::post {title body} {
    variable n
    set at [yqbox::iso]
    set url http://bbs.qingshan.test/thread-[incr n].html
    db eval {INSERT INTO post(source_id, url, title, body, first_seen, last_seen, content_hash, sample_until)
             VALUES(1, $url, $title, $body, $at, $at, $url, $at)}
    analyse::post [db last_insert_rowid]
}

# wf::event: a new event about a housing matter (routed to 住建局). Returns its id.
proc wf::event {{title 青山县城东路拆迁补偿款迟迟不到位}} {
    wf::post $title "城东路拆迁补偿款拖了半年还没发，开发商说在走流程，小区业主很着急。"
}

# as: run SCRIPT as user LOGIN (origin test).
proc as {login script} {
    org::as [org::principal [org::userId $login] test] [list uplevel 1 $script]
}

# wf::audits: the audit actions on event ID, in order.
proc wf::audits {id} {
    db eval {SELECT action FROM audit WHERE object = 'event:' || $id ORDER BY id}
}

# wf::deadlines: event ID's deadlines as {rule state due ...} in order of creation, where state
# is open, done, cancelled, plus +warned / +breached when recorded.
proc wf::deadlines {id} {
    set out {}
    db eval {SELECT rule, state, due, warned_at, breached_at FROM deadline WHERE event_id = $id ORDER BY id} {
        append state [expr {$warned_at ne "" ? "+warned" : ""}][expr {$breached_at ne "" ? "+breached" : ""}]
        lappend out $rule $state $due
    }
    return $out
}

# wf::state: event ID's workflow state.
proc wf::state {id} { db onecolumn {SELECT state FROM event WHERE id = $id} }

# wf::at: set the test clock to ISO time T.
proc wf::at {t} {
    yqbox::clockoffset [expr {[yqbox::seconds $t] - [yqbox::seconds $::env(YQBOX_NOW)]}]
}
