# source.tcl - the console's `source` command: list, show, add, change, pause and resume the
# sources the patrol visits, and OPML import/export of feed sources (as Miniflux and FreshRSS do).
#
# Sources from appliance.conf (origin config) are changed there; the console can only enable,
# disable or resume them. Every change is one transaction with its audit entry.

namespace eval crawl {}

# `source` keeps DESIGN.md's vocabulary and Tcl's meaning at once: with a first word of list,
# templates, show, add, set, try, enable, disable, resume, remove, import-opml or export-opml (that
# is not an existing file) it manages sources; any other call is Tcl's own `source FILE`.
rename ::source ::crawl::TclSource
proc ::source {args} {
    set subs {list templates show add set try enable disable resume remove import-opml export-opml}
    if {[llength $args] >= 1 && [lindex $args 0] in $subs && ![file exists [lindex $args 0]]} {
        return [crawl::SourceCmd {*}$args]
    }
    uplevel 1 [list ::crawl::TclSource {*}$args]
}

# crawl::SourceCmd: the source-management subcommands (see the file comment and help line).
proc crawl::SourceCmd {sub args} {
    switch -- $sub {
        list {
            crawl::sync
            set out {}
            db eval {SELECT name, type, tier, state, enabled, last_fetch, last_items, next_due, title, origin
                     FROM source ORDER BY name} {
                set st [expr {!$enabled ? "停用" : [dict get {ok 正常 flagged 异常 paused 暂停} $state]}]
                lappend out [format "%-16s %-8s %-10s %-4s 上次 %-25s 条目 %-4s 下次 %-25s %s%s" $name $type $tier $st \
                    [expr {$last_fetch eq "" ? "-" : $last_fetch}] [expr {$last_items eq "" ? "-" : $last_items}] \
                    [expr {$next_due eq "" ? "-" : $next_due}] $title [expr {$origin eq "config" ? " (appliance.conf)" : ""}]]
            }
            return [join $out \n]
        }
        show {
            if {[llength $args] != 1} { error "usage: source show NAME" }
            set s [crawl::source [lindex $args 0]]
            set sid [dict get $s id]
            lappend out [dict remove $s id]
            lappend out "posts [db onecolumn {SELECT count(*) FROM post WHERE source_id = $sid}]"
            db eval {SELECT at, url, status, kind, note, bytes, ms FROM fetch WHERE source_id = $sid
                     ORDER BY id DESC LIMIT 10} {
                lappend out "$at $status $kind $note ${bytes}B ${ms}ms $url"
            }
            return [join $out \n]
        }
        templates {
            if {[llength $args]} { error "usage: source templates" }
            return [crawl::template::catalogue]
        }
        add {
            org::require source.manage
            if {[lindex $args 1] eq "-template"} {
                # source add NAME -template T VALUE ?FIELD VALUE ...? (templates.tcl)
                if {[llength $args] < 4 || [llength $args] % 2} {
                    error "usage: source add NAME -template TEMPLATE VALUE ?FIELD VALUE ...?"
                }
                set fields [lassign $args name - t value]
                return [crawl::template::add $name $t $value $fields console]
            }
            if {[llength $args] < 1 || [llength $args] % 2 == 0} { error "usage: source add NAME FIELD VALUE ?FIELD VALUE ...?" }
            set body [lassign $args name]
            return [crawl::Add $name $body console]
        }
        try {
            return [crawl::try::console {*}$args]
        }
        set {
            org::require source.manage
            if {[llength $args] < 3 || [llength $args] % 2 == 0} { error "usage: source set NAME FIELD VALUE ?FIELD VALUE ...?" }
            set changes [lassign $args name]
            db transaction immediate {
                set s [crawl::source $name]
                if {[dict get $s origin] eq "config"} {
                    error "source \"$name\" is defined in appliance.conf: change it there"
                }
                set body [dict create]
                foreach k $crawl::fields { dict set body $k [dict get $s $k] }
                set body [crawl::checkSource $name [dict merge $body $changes]]
                dict with body {}
                set at [yqbox::iso]
                db eval {UPDATE source SET title = $title, type = $type, url = $url, tier = $tier,
                                rules = $rules, headers = $headers, cookies = $cookies, proxy = $proxy,
                                internal = $internal, robots = $robots, interval = $interval,
                                enabled = $enabled, updated = $at WHERE name = $name}
                audit::record source.update source:$name -before [dict remove $s id] -after $changes
            }
            return
        }
        enable - disable - resume {
            org::require source.manage
            if {[llength $args] != 1} { error "usage: source $sub NAME" }
            set name [lindex $args 0]
            db transaction immediate {
                set s [crawl::source $name]
                switch -- $sub {
                    enable { db eval {UPDATE source SET enabled = 1 WHERE name = $name} }
                    disable { db eval {UPDATE source SET enabled = 0 WHERE name = $name} }
                    resume { db eval {UPDATE source SET state = 'ok', failures = 0, reason = '', next_due = NULL WHERE name = $name} }
                }
                audit::record source.$sub source:$name -before [dict get $s state]
            }
            return
        }
        remove {
            org::require source.manage
            if {[llength $args] != 1} { error "usage: source remove NAME" }
            set name [lindex $args 0]
            db transaction immediate {
                set s [crawl::source $name]
                if {[dict get $s origin] eq "config"} { error "source \"$name\" is defined in appliance.conf: remove it there" }
                set sid [dict get $s id]
                if {[db exists {SELECT 1 FROM post WHERE source_id = $sid}]} {
                    error "source \"$name\" has posts: disable it instead (source disable $name)"
                }
                db eval {DELETE FROM source WHERE id = $sid}
                audit::record source.remove source:$name -before [dict get $s url]
            }
            return
        }
        import-opml {
            org::require source.manage
            if {[llength $args] ni {1 3} || ([llength $args] == 3 && [lindex $args 1] ne "-tier")} {
                error "usage: source import-opml FILE ?-tier TIER?"
            }
            set tier [expr {[llength $args] == 3 ? [lindex $args 2] : "local"}]
            set f [open [lindex $args 0] rb]
            set xml [read $f]
            close $f
            return [crawl::ImportOpml [charset decode $xml] $tier]
        }
        export-opml {
            if {[llength $args] > 1} { error "usage: source export-opml ?FILE?" }
            set text [crawl::ExportOpml]
            if {[llength $args]} {
                set f [open [lindex $args 0] w]
                fconfigure $f -encoding utf-8
                puts -nonewline $f $text
                close $f
                return
            }
            return $text
        }
    }
}

# crawl::Add: add source NAME with BODY from ORIGIN (console, web, opml) in one transaction with its
# audit entry. Returns the new id. Errors for a bad definition or an existing name.
proc crawl::Add {name body origin} {
    set s [checkSource $name $body]
    dict with s {}
    set at [yqbox::iso]
    db transaction immediate {
        if {[db exists {SELECT 1 FROM source WHERE name = $name}]} { error "source \"$name\" exists already" }
        db eval {INSERT INTO source(name, title, type, url, tier, rules, headers, cookies, proxy,
                                    internal, robots, interval, enabled, origin, created, updated)
                 VALUES($name, $title, $type, $url, $tier, $rules, $headers, $cookies, $proxy,
                        $internal, $robots, $interval, $enabled, $origin, $at, $at)}
        set id [db last_insert_rowid]
        audit::record source.create source:$name -after "$type $url ($origin)"
    }
    return $id
}

# crawl::ImportOpml: add a feed source for every <outline xmlUrl=...> of OPML TEXT that is not
# there yet (named from its title, made unique), all in one transaction. Returns a summary line.
proc crawl::ImportOpml {text tier} {
    set doc [html doc $text]
    try {
        set outlines [$doc items {//outline[@xmlurl]} {url @xmlurl title @title text @text}]
    } finally {
        $doc delete
    }
    if {![llength $outlines]} { error "no feeds (<outline xmlUrl=...>) in this OPML file" }
    set added 0
    set skipped 0
    db transaction immediate {
        foreach o $outlines {
            set url [dict get $o url]
            set title [expr {[dict get $o title] ne "" ? [dict get $o title] : [dict get $o text]}]
            if {[db exists {SELECT 1 FROM source WHERE url = $url}]} { incr skipped; continue }
            set base [regsub -all {[^A-Za-z0-9_.-]+} [string tolower [dict get [url parse $url] host]] -]
            set name $base
            for {set i 2} {[db exists {SELECT 1 FROM source WHERE name = $name}]} {incr i} { set name $base-$i }
            Add $name [dict create type feed url $url tier $tier title $title] opml
            incr added
        }
    }
    return "导入 $added 个订阅源，已存在 $skipped 个"
}

help::add source {list | templates | show NAME | add NAME FIELD VALUE ... | add NAME -template T VALUE ... | set | try URL ?-save NAME? | enable | disable | resume | remove | import-opml FILE | export-opml ?FILE?} \
    "采集源管理：列表、模板目录、详情与健康状况、按模板或逐项新增、一个网址试采（建议规则与预览）、增删改、暂停后恢复、OPML 导入导出"
