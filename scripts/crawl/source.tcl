# source.tcl - the console's `source` command (::console::source): list, show, add, change, pause and resume the
# sources the patrol visits, and OPML import/export of feed sources (as Miniflux and FreshRSS do).
#
# Sources from appliance.conf (origin config) are changed there; the console can only enable,
# disable or resume them. Every change is one transaction with its audit entry.

namespace eval crawl {}

# The noun lives in ::console (see console.tcl): Tcl's own `source` is untouched everywhere.
# At the console, `source FILE` of an existing file is answered with the way to Tcl's (::source).
cmdlayer::noun source "采集源管理：列表、模板目录、详情与健康状况、按模板或逐项新增、一个网址试采（建议规则与预览）、增删改、暂停后恢复、OPML 导入导出" \
    -hint crawl::SourceHint

# crawl::SourceHint: the message for `source WORD` when WORD is not a verb but an existing file
# (the administrator meant Tcl's source); "" otherwise.
proc crawl::SourceHint {word} {
    if {![file exists $word]} { return "" }
    return "控制台中的 source 是采集源命令；要执行 Tcl 脚本文件请用 ::source $word"
}

cmdlayer::command source list {} "列出采集源：类型、类别、状态、上次与下次巡查" {
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

cmdlayer::command source show {{name 标识}} "一个采集源的定义、帖子数和最近 10 次抓取" {
    set s [crawl::source $name]
    set sid [dict get $s id]
    lappend out [dict remove $s id]
    lappend out "posts [db onecolumn {SELECT count(*) FROM post WHERE source_id = $sid}]"
    db eval {SELECT at, url, status, kind, note, bytes, ms FROM fetch WHERE source_id = $sid
             ORDER BY id DESC LIMIT 10} {
        lappend out "$at $status $kind $note ${bytes}B ${ms}ms $url"
    }
    return [join $out \n]
}

cmdlayer::command source templates {} "模板目录：县里常看的平台，每个模板要填的编号、关键词或网址" {
    crawl::template::catalogue
}

cmdlayer::command source add {{name 标识} {-template 模板} {args 字段及值}} \
    "新增采集源：逐项给出字段和值，或用 -template 模板 填写模板要的编号、关键词或网址（可再加字段和值）" \
    "字段：[join $crawl::fields 、]。类型 type：见 crawl types；类别 tier：[cmdlayer::Or $crawl::tiers]。例如 source add bbs type html url http://bbs.example/ tier forum rules {...}，或 source add chengguan-weibo -template weibo-user 6000000002 tier government。" {
    org::require source.manage
    if {$template ne ""} {
        if {![llength $args] || [llength $args] % 2 == 0} { cmdlayer::wrong source add "-template 之后应为模板要填的值，再跟成对的字段和值；" }
        set fields [lassign $args value]
        return [crawl::template::add $name $template $value $fields console]
    }
    if {[llength $args] % 2} { cmdlayer::wrong source add "字段和值应成对；" }
    return [crawl::Add $name $args console]
}

cmdlayer::command source try [list {url 网址} {-rules 规则} {-proxy 代理} {-internal 允许内网 bool} {-robots 遵守robots bool} \
        {-headers 请求头} {-cookies Cookie} {-save 保存为标识} [list -tier 类别 "choice([join $crawl::tiers |])" local] {-title 标题}] \
    "试采一个列表页：按巡查的方式抓取，建议 item/link/title/time 等规则，预览将保存的条目并列出找到的订阅源；-save 按规则新增采集源" \
    "-rules {time ./td\[3\]} 修改一条规则（\"\" 删除）；-save 标识 -tier 类别 ?-title 标题? 保存，made 字段记录规则是建议的、修改过的还是手写的。" {
    crawl::try::console $url $rules [dict create proxy $proxy internal $internal robots $robots headers $headers cookies $cookies] \
        $save $tier $title
}

cmdlayer::command source set {{name 标识} {args 字段及值 text 2}} \
    "修改控制台或网页新增的采集源（appliance.conf 中的在那里修改）" "字段：[join $crawl::fields 、]。" {
    org::require source.manage
    if {[llength $args] % 2} { cmdlayer::wrong source set "字段和值应成对；" }
    db transaction immediate {
        set s [crawl::source $name]
        if {[dict get $s origin] eq "config"} {
            yq::fail source.inconf $name
        }
        set body [dict create]
        foreach k $crawl::fields { dict set body $k [dict get $s $k] }
        set body [crawl::checkSource $name [dict merge $body $args]]
        dict with body {}
        set at [yqbox::iso]
        db eval {UPDATE source SET title = $title, type = $type, url = $url, tier = $tier,
                        rules = $rules, headers = $headers, cookies = $cookies, proxy = $proxy,
                        internal = $internal, robots = $robots, interval = $interval,
                        enabled = $enabled, updated = $at WHERE name = $name}
        audit::record source.update source:$name -before [dict remove $s id] -after $args
    }
    return
}

# crawl::SourceState: enable, disable or resume (SUB) source NAME, with its audit entry.
proc crawl::SourceState {sub name} {
    org::require source.manage
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
cmdlayer::command source enable {{name 标识}} "启用采集源" { crawl::SourceState enable $name }
cmdlayer::command source disable {{name 标识}} "停用采集源（保留其帖子）" { crawl::SourceState disable $name }
cmdlayer::command source resume {{name 标识}} "连续失败暂停的采集源恢复巡查" { crawl::SourceState resume $name }

cmdlayer::command source remove {{name 标识}} "删除没有帖子的采集源（有帖子的请停用）" {
    org::require source.manage
    db transaction immediate {
        set s [crawl::source $name]
        if {[dict get $s origin] eq "config"} { yq::fail source.inconfremove $name }
        set sid [dict get $s id]
        if {[db exists {SELECT 1 FROM post WHERE source_id = $sid}]} {
            yq::fail source.hasposts $name
        }
        db eval {DELETE FROM source WHERE id = $sid}
        audit::record source.remove source:$name -before [dict get $s url]
    }
    return
}

cmdlayer::command source import-opml [list {file 文件} [list -tier 类别 "choice([join $crawl::tiers |])" local]] \
    "从 OPML 文件导入订阅源（已有网址的跳过）" {
    org::require source.manage
    set f [open $file rb]
    set xml [read $f]
    close $f
    return [crawl::ImportOpml [charset decode $xml] $tier]
}

cmdlayer::command source export-opml {{file 文件 text ""}} "把订阅源导出为 OPML（给出文件时写入文件）" {
    set text [crawl::ExportOpml]
    if {$file ne ""} {
        set f [open $file w]
        fconfigure $f -encoding utf-8
        puts -nonewline $f $text
        close $f
        return
    }
    return $text
}

# crawl::Add: add source NAME with BODY from ORIGIN (console, web, opml) in one transaction with its
# audit entry. Returns the new id. Errors for a bad definition or an existing name.
proc crawl::Add {name body origin} {
    set s [checkSource $name $body]
    dict with s {}
    set at [yqbox::iso]
    db transaction immediate {
        if {[db exists {SELECT 1 FROM source WHERE name = $name}]} { yq::fail source.exists $name }
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
    if {![llength $outlines]} { yq::fail source.noopml }
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

