# county.tcl - which county a box is (issue 20): the first-run setup and the box's mode.
#
# A box is in one of three modes (meta county_mode, migration 032):
#   demo    the fictional 青山县 of `make run` and of the tests' fixtures (`yqbox init -demo`): the
#           shipped term lists (region.txt) and the defaults of the config keys below;
#   legacy  a box made before issue 20: it keeps its data and runs on the fictional lists, and its
#           dashboard says so with a link to the setup, until its setup is complete;
#   county  its own county (`yqbox init` without -demo, or a legacy box whose setup is complete):
#           the names below come from its setup (empty until given: nothing fictional is used),
#           its region terms and routing from its map and units (analyse/map.tcl).
# A database made without `yqbox init` (the tests' in-process ones) has no mode and runs as the
# demo.
#
# The setup gives the config keys in county::keys (the county's name and code, the names printed on
# documents and pages, the document number prefixes, the leaders who receive 专报), plus the units,
# the first accounts of the three admin roles, the office and the leaders, and the map. It is done
# on the web page /setup (scripts/web/setup.tcl: the values and the map; accounts are the console
# owner's, docs/separation.md) or at the console (`setup set`, `setup account`, `setup file FILE`;
# `yqbox setup -d DATADIR FILE` for a batch of boxes). The values live in table county_setting and
# reach every interpreter as the config keys' values (conf::overlay; a key the config file sets
# wins), refreshed by county::sync on each request and database connection.

conf::key county_name string 青山县 "本县（市、区）的名称，由首次设置填写"
conf::key county_code string "" "本县的行政区划代码（6 位数字），由首次设置填写"

namespace eval county {
    # key -> label (Chinese) and kind of check: name (a printed name), prefix (a document number
    # prefix), code (6 digits), list (the leaders' titles)
    variable keys {
        county_name              {县（市、区）名称 name}
        county_code              {行政区划代码 code}
        column_title             {人民政府名称（公开栏目和页面抬头） name}
        agency_name              {政府办公室名称（发文机关） name}
        doc_issuer               {信息办名称（专报署名） name}
        doc_prefix_report        {网络舆情专报文号前缀 prefix}
        doc_prefix_investigation {核实调查报告文号前缀 prefix}
        doc_prefix_daily         {日报文号前缀 prefix}
        doc_prefix_weekly        {周报文号前缀 prefix}
        request_letter_prefix    {依申请公开答复书文号前缀 prefix}
        assessment_doc_prefix    {考核通报文号前缀 prefix}
        doc_recipients           {专报报送领导（职务，用逗号分隔） list}
    }
    # the roles whose first account the setup asks for
    variable accountRoles {sysadmin secadmin auditor office leader}
    variable seen ""   ;# the mode and generation the overlay was made for
}

dict set org::perms setup.manage {sysadmin}

# county::mode: the box's mode (demo, legacy or county; "" without a database or a mode). Reads only.
proc county::mode {} {
    if {![db::available]} { return "" }
    db onecolumn {SELECT value FROM meta WHERE key = 'county_mode'}
}

# county::own: whether the box is its own county (its names and lists come from its setup and map).
proc county::own {} { expr {[mode] eq "county"} }

# county::setMode: set the box's mode to MODE (demo or county). Used by `yqbox init`: a change of
# an existing box's mode is audited, a new box's first one is part of its making.
proc county::setMode {mode} {
    set old [mode]
    db transaction immediate {
        db eval {INSERT INTO meta(key, value) VALUES('county_mode', $mode)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value}
        Bump
        if {$old ne ""} { audit::record county.mode meta:county_mode -before $old -after $mode }
    }
}

# county::Bump: mark the setup changed for every process (in the caller's transaction): the
# overlay of names and the analysis (region terms, routing) are rebuilt.
proc county::Bump {} {
    db eval {INSERT INTO meta(key, value) VALUES('county_generation', '1')
             ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1}
    analyse::Bump
}

# county::sync: bring this interpreter's config values up to the box's setup (conf::overlay) when
# the mode or the setup changed since the last call: on a box that is its own county every key of
# county::keys takes its setup value, "" when not given; otherwise the defaults stay. One query.
proc county::sync {} {
    variable seen
    variable keys
    if {![db::available]} return
    set now [db eval {SELECT key, value FROM meta WHERE key IN ('county_mode', 'county_generation') ORDER BY key}]
    if {$now eq $seen} return
    set over [dict create]
    if {[dict exists $now county_mode] && [dict get $now county_mode] eq "county"} {
        foreach k [dict keys $keys] { dict set over $k "" }
        db eval {SELECT key, value FROM county_setting} { if {[dict exists $keys $key]} { dict set over $key $value } }
    }
    conf::overlay $over
    set seen $now
}

# county::check: VALUE checked for key KEY of county::keys; returns it trimmed, or errors in Chinese.
proc county::check {key value} {
    variable keys
    if {![dict exists $keys $key]} { yq::fail county.key $key [join [dict keys $keys] 、] }
    lassign [dict get $keys $key] label kind
    set value [string trim $value]
    if {$value eq ""} { yq::fail county.empty $label }
    if {[regexp {[\x00-\x1f\x7f]} $value] || [string length $value] > 100} { yq::fail county.bad $label }
    switch -- $kind {
        code   { if {![regexp {^\d{6}$} $value]} { yq::fail county.code $value } }
        prefix { if {[regexp {\s} $value] || [string length $value] > 30} { yq::fail county.prefix $label $value } }
        name   { if {[string length $value] > 60} { yq::fail county.bad $label } }
    }
    return $value
}

# county::store: store the setup values of dict VALUES (key -> value, keys of county::keys), all or
# nothing, in the caller's transaction or its own, audited (county.set) and marked for every
# process. Errors naming the first bad value. Returns the number of values stored.
proc county::store {values} {
    org::require setup.manage
    set checked [dict create]
    dict for {k v} $values { dict set checked $k [check $k $v] }
    set by [dict get [org::actor] login]
    set at [yqbox::iso]
    db transaction immediate {
        dict for {k v} $checked {
            set old [db onecolumn {SELECT value FROM county_setting WHERE key = $k}]
            if {$old eq $v} continue
            db eval {INSERT INTO county_setting(key, value, updated, updated_by) VALUES($k, $v, $at, $by)
                     ON CONFLICT(key) DO UPDATE SET value = $v, updated = $at, updated_by = $by}
            audit::record county.set setting:$k -before $old -after $v
        }
        Bump
        Complete
    }
    sync
    dict size $checked
}

# county::Complete: a legacy box whose setup is now complete becomes its own county (in the
# caller's transaction). Returns nothing.
proc county::Complete {} {
    if {[mode] eq "legacy" && ![llength [missing 1]]} {
        db eval {UPDATE meta SET value = 'county' WHERE key = 'county_mode'}
        audit::record county.mode meta:county_mode -before legacy -after county
    }
}

# county::value: the setup value of KEY ("" when not given). Reads only.
proc county::value {key} {
    db onecolumn {SELECT value FROM county_setting WHERE key = $key}
}

# county::missing: what the setup still lacks, a list of {WHAT LINK} (Chinese, the page to do it
# on); empty when complete, and always on the demo. With ANYMODE 1 the check is made whatever the
# mode (a legacy box about to be completed). Reads only.
proc county::missing {{anymode 0}} {
    variable keys
    variable accountRoles
    set mode [mode]
    if {!$anymode && $mode ni {county legacy}} { return {} }
    set out {}
    set have [dict create]
    db eval {SELECT key, value FROM county_setting} { dict set have $key $value }
    dict for {k d} $keys {
        if {![dict exists $have $k] || [dict get $have $k] eq ""} { lappend out [list "未填写：[lindex $d 0]" /setup] }
    }
    if {![db exists {SELECT 1 FROM township}]} { lappend out [list 尚未导入本县乡镇（街道）和村（社区）名录 /map] }
    if {![db exists {SELECT 1 FROM unit WHERE active AND kind = 'department'}]} { lappend out [list 尚未设置县直部门 /departments] }
    foreach r $accountRoles {
        if {![db exists {SELECT 1 FROM user u JOIN user_role r ON r.user_id = u.id WHERE u.active AND r.role = $r}]} {
            lappend out [list "尚无[dict get $::org::roleNames $r]账号" /setup]
        }
    }
    return $out
}

# county::account: create the first account of ROLE (one of accountRoles): LOGIN, NAME, PASSWORD,
# in unit UNIT (default: the info office for the admins and the office, created if missing; a
# leadership unit for a leader). The console owner's (user add rules). Returns the user id.
proc county::account {role login name password {unit ""}} {
    variable accountRoles
    org::require setup.manage
    if {$role ni $accountRoles} { yq::fail county.role $role [join $accountRoles 、] }
    db transaction immediate {
        if {$unit eq ""} {
            if {$role eq "leader"} {
                set unit [db onecolumn {SELECT name FROM unit WHERE active AND kind = 'leadership' ORDER BY id LIMIT 1}]
                if {$unit eq ""} { set unit 县领导; ::console::unit add $unit leadership }
            } else {
                set unit [conf::get route_office]
                if {![db exists {SELECT 1 FROM unit WHERE name = $unit}]} { ::console::unit add $unit office }
            }
        }
        set id [::console::user add -roles $role -password $password -- $login $name $unit]
        Bump
        Complete
    }
    return $id
}

# county::runFile: run the setup file PATH (all or nothing, one transaction): one command per line
# (Tcl words, never evaluated; # starts a comment):
#   KEY VALUE                           a value of county::keys
#   unit NAME KIND ?-catalog ENTRY?     a unit (KIND as `unit add`; ENTRY of the catalogue)
#   account ROLE LOGIN NAME PASSWORD ?UNIT?
#   map FILE                            the map's CSV (relative to the setup file)
# Errors "FILE 第 N 行：why". Returns a summary (Chinese).
proc county::runFile {path} {
    variable keys
    org::require setup.manage
    if {[catch {open $path r} f]} { yq::fail county.noread $path }
    fconfigure $f -encoding utf-8
    set text [read $f 1000000]
    close $f
    set values [dict create]
    set cmds {}
    set line 0
    set cmd ""
    foreach l [split [string map {\ufeff ""} $text] \n] {
        incr line
        if {$cmd eq ""} { set start $line }
        append cmd $l \n
        if {![info complete $cmd]} continue
        set c [string trim $cmd]
        set cmd ""
        if {$c eq "" || [string index $c 0] eq "#"} continue
        if {[catch {llength $c}]} { yq::fail county.fileline [::file tail $path] $start [yq::mc county.syntax] }
        lappend cmds $start $c
    }
    set n 0
    db transaction immediate {
        foreach {start c} $cmds {
            if {[catch {
                set args [lassign $c word]
                if {[dict exists $keys $word]} {
                    if {[llength $args] != 1} { yq::fail county.syntax }
                    dict set values $word [check $word [lindex $args 0]]
                } elseif {$word eq "unit"} {
                    lassign $args uname kind opt catalog
                    if {[llength $args] ni {2 4} || ([llength $args] == 4 && $opt ne "-catalog")} { yq::fail county.syntax }
                    if {![db exists {SELECT 1 FROM unit WHERE name = $uname}]} { ::console::unit add $uname $kind }
                    if {$catalog ne ""} { catalog $uname $catalog }
                } elseif {$word eq "account"} {
                    if {[llength $args] ni {4 5}} { yq::fail county.syntax }
                    account {*}$args
                } elseif {$word eq "map"} {
                    if {[llength $args] != 1} { yq::fail county.syntax }
                    set m [::file join [::file dirname $path] [lindex $args 0]]
                    if {[catch {open $m rb} mf]} { yq::fail map.noread $m }
                    set bytes [read $mf [expr {$analyse::map::maxBytes + 1}]]
                    close $mf
                    analyse::map::import $bytes
                } else {
                    yq::fail county.word $word
                }
            } msg]} {
                yq::fail county.fileline [::file tail $path] $start $msg
            }
            incr n
        }
        if {[dict size $values]} { store $values }
        Bump
        Complete
    }
    sync
    yq::mc county.filedone $n [llength [missing]]
}

# county::catalog: make department UNIT follow catalogue entry ENTRY (county::catalogue; "" = by
# its name) for its routing terms; audited, generation bumped, a legacy box completed.
proc county::catalog {unit entry} {
    org::requireUnit [db onecolumn {SELECT kind FROM unit WHERE name = $unit}]
    if {$entry ne "" && ![dict exists [catalogue] $entry]} {
        yq::fail county.catalog $entry [join [dict keys [catalogue]] 、]
    }
    org::guarded "" unit.update unit:[org::unitId $unit] {
        set id [org::unitId $unit]
        set old [db onecolumn {SELECT catalog FROM unit WHERE id = $id}]
        db eval {UPDATE unit SET catalog = $entry WHERE id = $id}
        Bump
        Complete
        list {} catalog=$entry catalog=$old
    }
    return
}

# county::catalogue: the catalogue of usual county departments (the county-level sections of
# terms/units.txt, then terms/catalogue.txt): a dict ENTRY -> dict attrs (level, name: the usual
# full name) items (matcher items, ids {ENTRY TERM}). The bundled files are read once; an entry
# whose terms the county edited (table catalog_term, county::catalogTerms) has those instead,
# re-read whenever the analysis generation changed.
proc county::catalogue {} {
    variable bundled
    variable catalogue
    variable catalogueGen
    set g [analyse::Generation]
    if {[info exists catalogue] && $catalogueGen eq $g} { return $catalogue }
    if {![info exists bundled]} {
        set bundled [dict create]
        foreach f {units.txt catalogue.txt} {
            foreach sec [analyse::terms::parseFile [yqbox::path scripts analyse terms $f]] {
                lassign $sec name attrs items
                if {[dict exists $attrs level] && [dict get $attrs level] ne "county"} continue
                dict set bundled $name [dict create attrs $attrs items $items]
            }
        }
    }
    set out $bundled
    if {$g ne ""} {
        db eval {SELECT entry, tokens FROM catalog_term} {
            if {![dict exists $out $entry]} continue
            if {[catch {lmap t $tokens { analyse::terms::parseToken $entry $t $entry }} items]} {
                ::log warning "stored terms of catalogue entry $entry ignored: $items"
                continue
            }
            dict set out $entry items $items
        }
    }
    set catalogueGen $g
    set catalogue $out
}

# county::catalogTokens: the terms of catalogue entry ENTRY as tokens of the term files (TERM,
# TERM/w, TERM/not:A,B), as the county has them now. Errors for an unknown entry.
proc county::catalogTokens {entry} {
    set cat [catalogue]
    if {![dict exists $cat $entry]} { yq::fail county.catalog $entry [join [dict keys $cat] 、] }
    lmap it [dict get $cat $entry items] {
        set t [dict get $it term]
        if {[dict exists $it word] && [dict get $it word]} { append t /w }
        if {[dict exists $it not] && [llength [dict get $it not]]} { append t /not:[join [dict get $it not] ,] }
        set t
    }
}

# county::catalogTerms: replace the responsibility terms of catalogue entry ENTRY by TEXT (tokens of
# the term files separated by white space or 、; at most 300 of at most 40 characters) for every
# process, audited (the office and the sysadmin: department.manage). Every unit following the entry
# routes by them at once, on the demo too (units.txt's unit of that name). Bad input changes
# nothing. Returns the number of terms.
proc county::catalogTerms {entry text} {
    org::require department.manage
    set cat [catalogue]
    if {![dict exists $cat $entry]} { yq::fail county.catalog $entry [join [dict keys $cat] 、] }
    set tokens [lsearch -all -inline -not -exact [split [regsub -all {[\s、]+} [string trim $text] " "] " "] ""]
    if {![llength $tokens]} { yq::fail catalog.noterms $entry }
    if {[llength $tokens] > 300} { yq::fail catalog.toomany [llength $tokens] 300 }
    foreach t $tokens {
        if {[string length $t] > 40 || [regexp {[[:cntrl:]]} $t]} { yq::fail catalog.term $t }
        analyse::terms::parseToken $entry $t [yq::mc catalog.where $entry]
    }
    set tokens [lsort -unique -dictionary $tokens]
    if {![db::available]} { yq::fail catalog.nodb }
    set before "[llength [dict get $cat $entry items]] 个词"
    analyse::Save catalog.terms catalog:$entry $before "[llength $tokens] 个词：[join $tokens " "]" {
        INSERT INTO catalog_term(entry, tokens, updated, updated_by) VALUES($entry, $tokens, $at, $by)
        ON CONFLICT(entry) DO UPDATE SET tokens = $tokens, updated = $at, updated_by = $by}
    llength $tokens
}

# setup: the console's first-run setup.
cmdlayer::noun setup "首次设置：本县名称、行政区划代码、公文名称与文号、专报报送领导、首批账号、地图（批量部署可用设置文件）"
cmdlayer::command setup status {} "列出首次设置尚缺的项目（无缺项时说明已完成）" {
    set m [county::missing]
    if {![llength $m]} {
        return [yq::mc [expr {[county::mode] eq "county" ? "county.done" : "county.demo"}]]
    }
    join [lmap x $m { lindex $x 0 }] \n
}
cmdlayer::command setup show {} "列出设置项及其当前值" {
    join [lmap {k d} $county::keys { format "%-26s %s：%s" $k [lindex $d 0] [conf::get $k] }] \n
}
cmdlayer::command setup set {{args 字段及值 text 2}} "设置一项或多项（成对给出：字段 值），全部有效才保存" \
    "字段：[join [dict keys $county::keys] 、]。" {
    if {[llength $args] % 2} { cmdlayer::wrong setup set "字段和值应成对；" }
    county::store $args
}
cmdlayer::command setup account [list [list role 角色 "choice([join $county::accountRoles |])"] {login 登录名} {name 姓名} {password 密码} {-unit 单位 text ""}] \
    "创建首批账号：系统、安全、审计管理员，信息办，领导（接收专报）" {
    county::account $role $login $name $password $unit
}
cmdlayer::command setup catalog {{unit 单位} {entry 目录项 text ""}} "指定部门按部门目录中的哪一项归口（本县名称与目录不同时；不给目录项时按单位名称）" \
    "目录：[join [dict keys [county::catalogue]] 、]。" {
    county::catalog $unit $entry
}
cmdlayer::command setup terms {{entry 目录项} {terms 职责词}} "替换部门目录中一项的职责词（以空格或顿号分隔；各进程即时生效，设有该部门的归口随之改变），返回词数" \
    "词的写法同词表文件：词、词/w（整词）、词/not:较长词,较长词（不计在较长词中的）。" {
    county::catalogTerms $entry $terms
}
cmdlayer::command setup file {{file 文件}} "按设置文件完成首次设置（整体生效，有错则不作任何改动）" \
    "每行一项：字段 值；unit 名称 类型 ?-catalog 目录项?；account 角色 登录名 姓名 密码 ?单位?；map CSV文件。" {
    county::runFile $file
}
