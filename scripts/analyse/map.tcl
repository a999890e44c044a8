# map.tcl - the county's map as data of the box (issue 20): its townships (乡镇/街道), their villages
# and communities (村/社区) and its places (landmarks, schools, hospitals, industrial parks, roads),
# in the tables township, village and place (migration 031). The map is imported from and exported
# to CSV in the layout of the civil-affairs lists counties keep:
#
#     乡镇（街道）,村（社区）,代码,别名,类别
#     桃源镇,,361000101000,桃源,
#     桃源镇,石门村,361000101201,石门,
#     桃源镇,桃源中学,,,学校
#
# A row with no village is the township itself; a row with a 类别 (地标 学校 医院 园区 道路) is a
# place (county-wide when the township is empty); the fifth column may be left out. Aliases are
# separated by spaces, 、 ， ; or |. UTF-8 or GB18030, with a byte-order mark or not; at most
# maxBytes and maxRows. Import replaces the whole map in one transaction; a bad row names its line
# and why, and nothing is imported.
#
# On a box that is its own county (county::own) the region terms of the matcher (the group 区域)
# and the routing units are derived from this map and from the box's active units
# (analyse::map::apply, called by analyse::terms::ensure): one list per township (its name, short
# name, aliases, villages and places) routed to the township's unit, one list for the county (its
# name, the county-wide places and the county-level terms of terms/county.txt), and each active
# department with the responsibility terms of its catalogue entry (terms/units.txt: by the unit's
# catalog field, else its name or full name; county::catalogue). The demo (青山县) keeps the shipped
# region.txt and units.txt.
# Every change of the map bumps the analysis generation, so routing follows it at once.

namespace eval analyse::map {
    variable maxBytes [expr {4 * 1024 * 1024}]
    variable maxRows 50000
    # 类别 column -> place kind
    variable kinds {地标 landmark 学校 school 医院 hospital 园区 park 道路 road
                    landmark landmark school school hospital hospital park park road road}
    variable kindNames {landmark 地标 school 学校 hospital 医院 park 园区 road 道路}
}

dict set org::perms map.manage {sysadmin office}

# analyse::map::decode: the text of the CSV file bytes BYTES: UTF-8 or GB18030 (GBK, GB2312), with a
# byte-order mark or not (removed). Errors for another encoding or more than maxBytes.
proc analyse::map::decode {bytes} {
    variable maxBytes
    if {[string length $bytes] > $maxBytes} { yq::fail map.toolarge [expr {$maxBytes / 1048576}] }
    set cs [dict get [charset detect $bytes] charset]
    if {$cs ni {UTF-8 GB18030 GBK GB2312}} { yq::fail map.encoding $cs }
    set text [charset decode $bytes -from [expr {$cs eq "UTF-8" ? "UTF-8" : "GB18030"}]]
    if {[string index $text 0] eq "\ufeff"} { set text [string range $text 1 end] }
    return $text
}

# analyse::map::csvRows: the records of CSV TEXT as a list of {LINE FIELDS} (LINE: the line the
# record starts on). Quoted fields may hold commas, quotes ("") and line breaks. Errors naming the
# line for an unterminated quote.
proc analyse::map::csvRows {text} {
    set out {}
    set fields {}
    set field ""
    set line 1
    set start 1
    set quoted 0
    set n [string length $text]
    for {set i 0} {$i < $n} {incr i} {
        set c [string index $text $i]
        if {$quoted} {
            if {$c eq "\""} {
                if {[string index $text $i+1] eq "\""} { append field \"; incr i } else { set quoted 0 }
            } else {
                if {$c eq "\n"} { incr line }
                append field $c
            }
            continue
        }
        switch -- $c {
            \" { set quoted 1 }
            , { lappend fields $field; set field "" }
            \r {}
            \n {
                lappend fields $field
                lappend out [list $start $fields]
                set fields {}; set field ""
                incr line
                set start $line
            }
            default { append field $c }
        }
    }
    if {$quoted} { yq::fail map.row $start [yq::mc map.quote] }
    if {$field ne "" || [llength $fields]} {
        lappend fields $field
        lappend out [list $start $fields]
    }
    return $out
}

# analyse::map::aliases: the alias words of TEXT (separated by spaces, 、 ， , ; ； or |), each
# checked as a name; errors with the reason for a bad one.
proc analyse::map::aliases {text} {
    set out {}
    foreach a [split [regsub -all {[\s、，,;；|]+} [string trim $text] " "] " "] {
        if {$a eq ""} continue
        CheckName $a
        if {$a ni $out} { lappend out $a }
    }
    return $out
}

# analyse::map::CheckName: errors (in Chinese) unless NAME is a usable place name: 1 to 40
# characters, no control characters, no spaces.
proc analyse::map::CheckName {name} {
    if {$name eq "" || [string length $name] > 40 || [regexp {[\x00-\x20\x7f]} $name]} {
        yq::fail map.name $name
    }
}

# analyse::map::parse: the map in CSV TEXT as a dict townships (NAME -> {code aliases}, in file
# order), villages (list of {TOWNSHIP NAME CODE ALIASES}), places (list of {TOWNSHIP NAME KIND
# CODE ALIASES}; TOWNSHIP "" = county-wide). A header row is skipped. Errors "第 N 行：why" for the
# first bad row; reads nothing else.
proc analyse::map::parse {text} {
    variable kinds
    variable maxRows
    set towns [dict create]
    set villages {}
    set places {}
    set seen [dict create]
    set rows [csvRows $text]
    if {[llength $rows] > $maxRows} { yq::fail map.toomany $maxRows }
    foreach r $rows {
        lassign $r line fields
        set fields [lmap f $fields { string trim $f " \t\u3000" }]
        if {[join $fields ""] eq ""} continue
        if {[llength $fields] > 5} { yq::fail map.row $line [yq::mc map.columns [llength $fields]] }
        lassign $fields town name code al kind
        if {$line == [lindex $rows 0 0] && [regexp {乡镇|街道|township} $town] && $code ne "" && ![regexp {^\d+$} $code]} {
            continue   ;# the header row
        }
        if {[catch {
            if {$code ne "" && ![regexp {^\d{1,15}$} $code]} { yq::fail map.code $code }
            set al [aliases $al]
            if {$kind ne "" && ![dict exists $kinds $kind] && $kind ni {村 社区 村委会 居委会}} {
                yq::fail map.kind $kind
            }
            if {$kind ne "" && [dict exists $kinds $kind]} {
                if {$town ne ""} { CheckName $town }
                if {$name eq ""} { yq::fail map.noplace }
                CheckName $name
                if {[dict exists $seen p:$town:$name]} { yq::fail map.twice $name [dict get $seen p:$town:$name] }
                dict set seen p:$town:$name $line
                if {$town ne "" && ![dict exists $towns $town]} { dict set towns $town [dict create code "" aliases {}] }
                lappend places [list $town $name [dict get $kinds $kind] $code $al]
            } else {
                if {$town eq ""} { yq::fail map.notown }
                CheckName $town
                if {$name eq ""} {
                    if {[dict exists $seen t:$town]} { yq::fail map.twice $town [dict get $seen t:$town] }
                    dict set seen t:$town $line
                    dict set towns $town [dict create code $code aliases $al]
                } else {
                    CheckName $name
                    if {[dict exists $seen v:$town:$name]} { yq::fail map.twice $name [dict get $seen v:$town:$name] }
                    dict set seen v:$town:$name $line
                    if {![dict exists $towns $town]} { dict set towns $town [dict create code "" aliases {}] }
                    lappend villages [list $town $name $code $al]
                }
            }
        } msg]} {
            yq::fail map.row $line $msg
        }
    }
    if {![dict size $towns]} { yq::fail map.empty }
    dict create townships $towns villages $villages places $places
}

# analyse::map::import: replace the box's map with the one in the CSV file bytes BYTES (see
# parse), in one transaction, audited (map.import), the analysis generation bumped (and a legacy
# box whose setup it completes becomes its own county, county::Complete). A township
# keeps the unit it was given if its name stays. Returns a dict townships villages places (counts).
proc analyse::map::import {bytes} {
    set m [parse [decode $bytes]]
    org::guarded map.manage map.import map {
        set units [dict create]
        db eval {SELECT name, unit_id FROM township WHERE unit_id IS NOT NULL} { dict set units $name $unit_id }
        db eval {DELETE FROM place; DELETE FROM village; DELETE FROM township}
        dict for {name t} [dict get $m townships] {
            set code [dict get $t code]
            set al [join [dict get $t aliases] " "]
            set uid [expr {[dict exists $units $name] ? [dict get $units $name] : ""}]
            db eval {INSERT INTO township(name, code, aliases, unit_id) VALUES($name, $code, $al, nullif($uid, ''))}
        }
        foreach v [dict get $m villages] {
            lassign $v town name code al
            set al [join $al " "]
            db eval {INSERT INTO village(township_id, name, code, aliases)
                     VALUES((SELECT id FROM township WHERE name = $town), $name, $code, $al)}
        }
        foreach p [dict get $m places] {
            lassign $p town name kind code al
            set al [join $al " "]
            db eval {INSERT INTO place(township_id, name, kind, code, aliases)
                     VALUES((SELECT id FROM township WHERE name = $town), $name, $kind, $code, $al)}
        }
        analyse::Bump
        county::Complete   ;# the map may have been the last thing a legacy box's setup lacked
        set n [dict create townships [dict size [dict get $m townships]] villages [llength [dict get $m villages]] \
                   places [llength [dict get $m places]]]
        list $n "townships=[dict get $n townships] villages=[dict get $n villages] places=[dict get $n places]"
    }
}

# analyse::map::rows: the box's map as CSV rows (a header, then each township with its villages
# and places, then the county-wide places). Reads only.
proc analyse::map::rows {} {
    variable kindNames
    set out [list {乡镇（街道） 村（社区） 代码 别名 类别}]
    db eval {SELECT id, name, code, aliases FROM township ORDER BY id} t {
        lappend out [list $t(name) "" $t(code) $t(aliases) ""]
        db eval {SELECT name, code, aliases FROM village WHERE township_id = $t(id) ORDER BY id} {
            lappend out [list $t(name) $name $code $aliases ""]
        }
        db eval {SELECT name, kind, code, aliases FROM place WHERE township_id = $t(id) ORDER BY id} {
            lappend out [list $t(name) $name $code $aliases [dict get $kindNames $kind]]
        }
    }
    db eval {SELECT name, kind, code, aliases FROM place WHERE township_id IS NULL ORDER BY id} {
        lappend out [list "" $name $code $aliases [dict get $kindNames $kind]]
    }
    return $out
}

# analyse::map::export: the box's map as CSV bytes (UTF-8 with a byte-order mark, reporting::csv),
# which import reads back unchanged.
proc analyse::map::export {} {
    reporting::csv [rows]
}

# analyse::map::add: add one row to the map (TOWNSHIP, NAME "" for the township itself, CODE,
# ALIASES, KIND "" for a village or a place kind of parse), checked as an imported row is, in one
# transaction, audited (map.add). Returns nothing.
proc analyse::map::add {town name code al kind} {
    variable kinds
    set csv [join [lmap f [list $town $name $code $al $kind] { string cat \" [string map {\" \"\"} $f] \" }] ,]
    set m [parse $csv]
    org::guarded map.manage map.add map {
        if {$town ne "" && ![db exists {SELECT 1 FROM township WHERE name = $town}]} {
            db eval {INSERT INTO township(name) VALUES($town)}
        }
        set tid [db onecolumn {SELECT id FROM township WHERE name = $town}]
        set al [join [aliases $al] " "]
        if {$kind ne "" && [dict exists $kinds $kind]} {
            set k [dict get $kinds $kind]
            if {[db exists {SELECT 1 FROM place WHERE township_id IS nullif($tid, '') AND name = $name}]} { yq::fail map.exists $name }
            db eval {INSERT INTO place(township_id, name, kind, code, aliases) VALUES(nullif($tid, ''), $name, $k, $code, $al)}
        } elseif {$name eq ""} {
            db eval {UPDATE township SET code = $code, aliases = $al WHERE id = $tid}
        } else {
            if {[db exists {SELECT 1 FROM village WHERE township_id = $tid AND name = $name}]} { yq::fail map.exists $name }
            db eval {INSERT INTO village(township_id, name, code, aliases) VALUES($tid, $name, $code, $al)}
        }
        analyse::Bump
        list {} "$town $name $kind"
    }
    return
}

# analyse::map::remove: remove from the map the village or place NAME of township TOWN ("" for a
# county-wide place), or with NAME "" the township TOWN with its villages and places; audited
# (map.remove), the generation bumped. Errors when there is no such entry.
proc analyse::map::remove {town name} {
    org::guarded map.manage map.remove map {
        set tid [db onecolumn {SELECT id FROM township WHERE name = $town}]
        if {$name eq ""} {
            if {$tid eq ""} { yq::fail map.none $town }
            db eval {DELETE FROM place WHERE township_id = $tid; DELETE FROM village WHERE township_id = $tid
                     DELETE FROM township WHERE id = $tid}
        } else {
            db eval {DELETE FROM village WHERE township_id = $tid AND name = $name}
            set n [db changes]
            db eval {DELETE FROM place WHERE township_id IS nullif($tid, '') AND name = $name}
            if {$n + [db changes] == 0} { yq::fail map.none "$town $name" }
        }
        analyse::Bump
        list {} "$town $name"
    }
    return
}

# analyse::map::setUnit: make unit UNIT ("" = the township unit of the same name) the one that
# answers for township TOWN; audited, generation bumped.
proc analyse::map::setUnit {town unit} {
    org::guarded map.manage map.unit map {
        if {![db exists {SELECT 1 FROM township WHERE name = $town}]} { yq::fail map.none $town }
        set uid [expr {$unit eq "" ? "" : [org::unitId $unit]}]
        db eval {UPDATE township SET unit_id = nullif($uid, '') WHERE name = $town}
        analyse::Bump
        list {} "$town -> $unit"
    }
    return
}

# analyse::map::shortName: NAME without its administrative suffix (桃源镇 -> 桃源, 城东街道 -> 城东,
# 桃源县 -> 桃源) when at least two characters remain, else "".
proc analyse::map::shortName {name} {
    if {[regexp {^(.{2,}?)(街道办事处|街道|镇|乡|县|市|区)$} $name -> s]} { return $s }
    return ""
}

# analyse::map::townshipUnit: the name of the active unit that answers for township TOWN: the one
# set on the map, else the active township unit of the same name; "" for none. Reads only.
proc analyse::map::townshipUnit {town} {
    db onecolumn {SELECT u.name FROM township t JOIN unit u ON u.active AND
                    (u.id = t.unit_id OR (t.unit_id IS NULL AND u.kind = 'township' AND u.name = t.name))
                  WHERE t.name = $town}
}

# analyse::map::Terms: the term tokens of township row T (an array of the query: id name aliases):
# its name, short name, aliases, villages and places with their aliases, without repeats.
proc analyse::map::Terms {id name aliases} {
    set out [list $name]
    set s [shortName $name]
    if {$s ne ""} { lappend out $s }
    lappend out {*}$aliases
    db eval {SELECT name AS n, aliases AS a FROM village WHERE township_id = $id
             UNION ALL SELECT name, aliases FROM place WHERE township_id = $id} {
        lappend out $n {*}$a
    }
    lsort -unique $out
}

# analyse::map::apply: on a box that is its own county, replace in analyse::terms the region lists
# (group 区域) and the routing units by those derived from the map and the active units (see the
# file comment). Called by analyse::terms::ensure after it loaded the bundled files; changes
# nothing else on the demo or a box still on the fictional lists (their units of units.txt take
# only the catalogue terms the county edited). Returns nothing.
proc analyse::map::apply {} {
    upvar #0 analyse::terms::lists lists analyse::terms::groups groups analyse::terms::units units
    if {![county::own]} {
        # the demo's units of units.txt route by their catalogue entry's terms as the county edited them
        set catalogue [county::catalogue]
        db eval {SELECT entry FROM catalog_term} {
            if {[info exists units($entry)] && [dict exists $catalogue $entry]} {
                dict set units($entry) items [dict get $catalogue $entry items]
            }
        }
        return
    }
    set catalogue [county::catalogue]
    foreach n [expr {[info exists groups(区域)] ? $groups(区域) : {}}] { unset -nocomplain lists($n) }
    array unset units
    set members {}
    set county [conf::get county_name]
    if {$county eq ""} { set county 本县 }
    set terms [list $county]
    if {[shortName $county] ne ""} { lappend terms [shortName $county] }
    foreach sec [analyse::terms::parseFile [yqbox::path scripts analyse terms county.txt]] {
        foreach it [lindex $sec 2] { lappend terms [dict get $it term] }
    }
    db eval {SELECT name, aliases FROM place WHERE township_id IS NULL} { lappend terms $name {*}$aliases }
    Define $county kind=county [lsort -unique $terms]
    lappend members $county
    db eval {SELECT id, name, aliases FROM township ORDER BY id} {
        if {$name eq $county} continue
        # a township's name inside the county's (桃源 of 桃源镇 in 桃源县) does not count there
        set tokens [lmap t [Terms $id $name $aliases] {
            expr {[string first $t $county] >= 0 && $t ne $county ? "$t/not:$county" : $t}
        }]
        set items [Define $name kind=township $tokens]
        lappend members $name
        set unit [townshipUnit $name]
        if {$unit ne "" && ![info exists units($unit)]} {
            set units($unit) [dict create attrs [dict create level township place $name] \
                                  items [lmap it $items { dict replace $it id [list $unit [dict get $it term]] }]]
        }
    }
    set groups(区域) $members
    # departments: the catalogue entry named by catalog, else by the unit's name or full name
    db eval {SELECT name, catalog FROM unit WHERE active AND kind = 'department' ORDER BY id} {
        set entry [entryOf $name $catalog]
        if {$entry eq ""} continue
        set c [dict get $catalogue $entry]
        set units($name) [dict create attrs [dict merge [dict get $c attrs] [dict create catalog $entry]] \
                              items [lmap it [dict get $c items] { dict replace $it id [list $name [dict get $it term]] }]]
    }
    return
}

# analyse::map::entryOf: the catalogue entry (county::catalogue) a department named NAME with the
# catalog field CATALOG follows: CATALOG when given, else the entry of that name or usual full name;
# "" for none.
proc analyse::map::entryOf {name catalog} {
    set cat [county::catalogue]
    if {$catalog ne ""} { return [expr {[dict exists $cat $catalog] ? $catalog : ""}] }
    dict for {cname c} $cat {
        set a [dict get $c attrs]
        if {$cname eq $name || ([dict exists $a name] && [dict get $a name] eq $name)} { return $cname }
    }
    return ""
}

# analyse::map::Define: set list NAME of group 区域 in analyse::terms to TOKENS with the attribute
# ATTR (key=value). Returns its matcher items.
proc analyse::map::Define {name attr tokens} {
    upvar #0 analyse::terms::lists lists
    set items [lmap t $tokens { analyse::terms::parseToken $name $t "map $name" }]
    lassign [split $attr =] k v
    set lists($name) [dict create file map attrs [dict create $k $v] items $items group 区域]
    return $items
}

# map: the console's view of the county's map.
cmdlayer::noun map "本县地图：乡镇（街道）、村（社区）和地点（地标、学校、医院、园区、道路），导入导出民政名录 CSV"
cmdlayer::command map import {{file 文件}} "从 CSV 文件导入本县地图（整体替换；UTF-8 或 GB18030；有错行则一行也不导入）" \
    "列：乡镇（街道）、村（社区）、代码、别名、类别（可省略；地标、学校、医院、园区、道路为地点）。" {
    if {[catch {open $file rb} f]} { yq::fail map.noread $file }
    set bytes [read $f [expr {$analyse::map::maxBytes + 1}]]
    close $f
    set n [analyse::map::import $bytes]
    yq::mc map.imported [dict get $n townships] [dict get $n villages] [dict get $n places]
}
cmdlayer::command map export {{file 文件}} "把本县地图导出为 CSV 文件（UTF-8，带 BOM，Excel、WPS 可直接打开）" {
    set f [open $file wb]
    puts -nonewline $f [analyse::map::export]
    close $f
    yq::mc map.exported [expr {[llength [analyse::map::rows]] - 1}] $file
}
cmdlayer::command map list {{township 乡镇 text ""}} "列出乡镇（给出乡镇时列出其村、社区和地点）" {
    set out {}
    if {$township eq ""} {
        db eval {SELECT t.name, t.code, (SELECT count(*) FROM village v WHERE v.township_id = t.id) AS nv
                 FROM township t ORDER BY t.id} {
            set u [analyse::map::townshipUnit $name]
            lappend out [format "%-10s %-14s %4d 个村（社区）  %s" $name $code $nv [expr {$u eq "" ? "（无对应单位）" : "责任单位：$u"}]]
        }
        return [join $out \n]
    }
    if {![db exists {SELECT 1 FROM township WHERE name = $township}]} { yq::fail map.none $township }
    foreach r [lrange [analyse::map::rows] 1 end] {
        lassign $r t n code al kind
        if {$t eq $township && $n ne ""} { lappend out [string trimright [format "%-12s %-14s %-4s %s" $n $code $kind $al]] }
    }
    join $out \n
}
cmdlayer::command map add {{township 乡镇} {name 名称 text ""} {-code 代码 text ""} {-aliases 别名 text ""} {-kind 类别 text ""}} \
    "增加一个乡镇、村（社区）或地点（类别：地标、学校、医院、园区、道路）" {
    analyse::map::add $township $name $code $aliases $kind
}
cmdlayer::command map remove {{township 乡镇} {name 名称 text ""}} "删除一个村（社区）或地点；不给名称时删除整个乡镇" {
    analyse::map::remove $township $name
}
cmdlayer::command map unit {{township 乡镇} {unit 单位 text ""}} "指定乡镇的责任单位（不给单位时为同名的乡镇单位）" {
    analyse::map::setUnit $township $unit
}
