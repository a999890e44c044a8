# setup.tcl - the first-run setup page and the county's map page (issue 20; county.tcl, analyse/
# map.tcl):
#   GET  /setup           首次设置: the county's names, code, document prefixes and the leaders who
#                         receive 专报 (the sysadmin), with what is still missing; the accounts of
#                         the admin roles are the console owner's (`setup account`, docs/separation.md)
#   POST /setup           save them (all or nothing; a refusal keeps what was typed)
#   GET  /map             本县地图: townships with their villages and places, their units
#   POST /map/import      multipart: file (the civil-affairs list, CSV; replaces the map)
#   POST /map/add         one township, village or place
#   POST /map/remove      one village or place, or a township with all of it
#   GET  /map.csv         the map as CSV (Excel, WPS; imports back unchanged)
#   GET  /departments     部门目录: the catalogue of usual departments, which the county has (below;
#                         the sysadmin and the office: department.manage)
#   GET  /routing         归口纠正: the office's routing corrections of a quarter (below)
# A sysadmin of a box whose setup is not complete starts on /setup (web::home); the dashboard and
# the work list say what is missing (web::setupNote), and a box still on the fictional lists is told
# so with a link here.

namespace eval web {
    # the navigation gains the setup's pages after 单位与用户
    variable nav
    if {[lsearch -exact $nav /setup] < 0} {
        set at [expr {[lsearch -exact $nav /units] + 2}]
        set nav [linsert $nav $at 部门目录 /departments {department.manage} 本县地图 /map {map.manage} 归口纠正 /routing {event.assign rule.manage} \
                     首次设置 /setup {setup.manage}]
    }
}

# web::setupNote: markup telling ME what the box's setup still lacks (a legacy box: that it runs on
# the fictional 青山县 lists), with links to where to do it; nothing on the demo or a complete box.
proc web::setupNote {me} {
    set mode [county::mode]
    set missing [county::missing]
    if {$mode eq "legacy"} {
        set link [expr {[can $me setup.manage] ? [tmpl {<a href="/setup">进行首次设置</a>}] : "请系统管理员进行首次设置"}]
        return [tmpl {<div class="problems" role="status"><p>本机仍在使用虚构的示范县（青山县）的地名、单位名称和公文名称。现有数据保留不变；$link，导入本县的乡镇和村（社区）名录后，研判和归口即按本县地图进行。</p></div>}]
    }
    if {![llength $missing]} { return "" }
    set items ""
    foreach m [lrange $missing 0 19] {
        lassign $m what link
        markup append items [tmpl {<li><a href="$link">$what</a></li>}]
    }
    tmpl {<div class="problems" role="status"><p>首次设置尚未完成（尚缺 [llength $missing] 项），完成前本机不使用任何虚构的地名和名称：</p><ul>$items</ul></div>}
}

# web::setupPage: the setup page for ME; VALUES (key -> value) keep what was typed after a refusal
# with PROBLEMS (status 422). Returns the page.
proc web::setupPage {me {values {}} {problems {}}} {
    set fields ""
    dict for {k d} $county::keys {
        lassign $d label kind
        set v [expr {[dict exists $values $k] ? [dict get $values $k] : [county::value $k]}]
        if {![dict exists $values $k] && $v eq "" && [county::mode] ni {county legacy}} { set v [conf::get $k] }
        set hint [dict get {name "" code "如 439901" prefix "文号形如 前缀〔2026〕1号" list "如 县长，常务副县长，分管副县长"} $kind]
        markup append fields [tmpl {<p><label for="s-$k">$label</label><input id="s-$k" name="$k" value="$v" maxlength="100"> <span class="hint">$hint</span></p>
}]
    }
    set accounts ""
    foreach r $county::accountRoles {
        set who [db eval {SELECT u.login FROM user u JOIN user_role x ON x.user_id = u.id WHERE u.active AND x.role = $r ORDER BY u.id}]
        set rn [dict get $::org::roleNames $r]
        markup append accounts [tmpl {<tr><td>$rn</td><td>[expr {[llength $who] ? [join $who 、] : "尚无"}]</td></tr>}]
    }
    set demo [expr {[county::mode] in {county legacy} ? "" : [tmpl {<p class="hint">本机为示范县（青山县，虚构），以下为示范值，无需设置。</p>}]}]
    if {[llength $problems]} { respond status 422 }
    app $me 首次设置 [tmpl {<h1>首次设置</h1>[notice][problems $problems]$demo[setupNote $me]
<h2>本县与公文</h2>
<form method="post" action="/setup" class="form">[hidden $me]
$fields<p><button type="submit">保存</button></p></form>
<h2>本县地图与单位</h2>
<p>本县的乡镇（街道）、村（社区）和地点：<a href="/map">本县地图</a>（可导入民政部门的名录 CSV）。县直部门：<a href="/departments">部门目录</a>（勾选本县设有的部门）。乡镇单位和其他单位：<a href="/units">单位与用户</a>。</p>
<h2>首批账号</h2>
<table><thead><tr><th scope="col">角色</th><th scope="col">账号</th></tr></thead><tbody>$accounts</tbody></table>
<p class="hint">按三员分立，系统管理员、安全管理员、审计管理员的账号只能由本机所有者在控制台创建（控制台的首次设置命令）；信息办和领导账号也可在控制台创建，或由安全管理员在“单位与用户”中新增。批量部署可用设置文件一次完成全部设置。</p>}]
}

route GET /setup {} {
    setupPage [need setup.manage]
}

route POST /setup {} {
    set me [need setup.manage]
    csrf $me
    set values [dict create]
    foreach k [dict keys $county::keys] { dict set values $k [string trim [req form $k]] }
    # a field left empty is not given yet: the rest is saved (a value once given is changed, not removed)
    set given [dict filter $values value ?*]
    set msg [as $me { county::store $given }]
    if {$msg ne ""} {
        return [setupPage $me $values [list $msg]]
    }
    done $me /setup 已保存首次设置
}

# web::mapPage: the map page for ME; FORM keeps what was typed in the add form after PROBLEMS.
proc web::mapPage {me {form {}} {problems {}}} {
    set form [dict merge {township "" name "" code "" aliases "" kind ""} $form]
    set rows ""
    set kinds {"" 村（社区） 地标 地标 学校 学校 医院 医院 园区 园区 道路 道路}
    foreach r [lrange [analyse::map::rows] 1 end] {
        lassign $r t n code al kind
        set unit [expr {$n eq "" && $t ne "" ? [analyse::map::townshipUnit $t] : ""}]
        if {$n eq "" && $t ne "" && $unit eq ""} { set unit （无对应单位） }
        set what [expr {$n eq "" ? "乡镇（街道）" : ($kind eq "" ? "村（社区）" : $kind)}]
        set op [postButton $me /map/remove 删除 [list township $t name $n]]
        markup append rows [tmpl {<tr><td>$t</td><td>$n</td><td>$what</td><td>$code</td><td>$al</td><td>$unit</td><td>$op</td></tr>}]
    }
    if {[llength $problems]} { respond status 422 }
    dict with form {
        app $me 本县地图 [tmpl {<h1>本县地图</h1>[notice][problems $problems]
<p>乡镇（街道）、村（社区）和地点是研判和归口的依据：帖子提到的地名决定发生地，乡镇由其对应单位属地管理。修改后对新的帖子和事件立即生效。<a href="/map.csv">导出 CSV</a></p>
<h2>导入民政名录</h2>
<form method="post" action="/map/import" class="form" enctype="multipart/form-data">[hidden $me]
<p><label for="m-file">CSV 文件（列：乡镇（街道）、村（社区）、代码、别名、类别；UTF-8 或 GB18030）</label><input id="m-file" name="file" type="file" accept=".csv,text/csv"></p>
<p class="hint">导入将整体替换现有地图；任何一行有误则一行也不导入，并指出行号和原因。</p>
<p><button type="submit">导入</button></p></form>
<h2>增加一项</h2>
<form method="post" action="/map/add" class="form">[hidden $me]
<p><label for="a-t">乡镇（街道）</label><input id="a-t" name="township" value="$township"></p>
<p><label for="a-n">村（社区）或地点名称（空：乡镇本身）</label><input id="a-n" name="name" value="$name"></p>
<p><label for="a-k">类别</label><select id="a-k" name="kind">[options $kinds $kind]</select></p>
<p><label for="a-c">代码</label><input id="a-c" name="code" value="$code"></p>
<p><label for="a-a">别名（用空格或顿号分隔）</label><input id="a-a" name="aliases" value="$aliases"></p>
<p><button type="submit">增加</button></p></form>
<h2>地图</h2>
<div class="scroll"><table><thead><tr><th scope="col">乡镇（街道）</th><th scope="col">名称</th><th scope="col">类别</th><th scope="col">代码</th><th scope="col">别名</th><th scope="col">责任单位</th><th scope="col">操作</th></tr></thead><tbody>$rows</tbody></table></div>}]
    }
}

route GET /map {} {
    mapPage [need map.manage]
}

route GET /map.csv {} {
    need map.manage
    csv map.csv [analyse::map::rows]
}

route POST /map/import {} {
    set me [need map.manage]
    csrf $me
    set file [req file file]
    if {$file eq ""} { return [mapPage $me {} [list 请选择要导入的 CSV 文件]] }
    set msg [as $me { set n [analyse::map::import [lindex $file 1]] }]
    if {$msg ne ""} { return [mapPage $me {} [list $msg]] }
    done $me /map [yq::mc map.imported [dict get $n townships] [dict get $n villages] [dict get $n places]]
}

route POST /map/add {} {
    set me [need map.manage]
    csrf $me
    set form [dict create]
    foreach k {township name code aliases kind} { dict set form $k [string trim [req form $k]] }
    dict with form {
        set msg [as $me { analyse::map::add $township $name $code $aliases $kind }]
        if {$msg ne ""} {
            return [mapPage $me $form [list [regsub {^第 1 行：} $msg ""]]]
        }
    }
    done $me /map 已增加
}

route POST /map/remove {} {
    set me [need map.manage]
    csrf $me
    set msg [as $me { analyse::map::remove [req form township] [req form name] }]
    if {$msg ne ""} {
        return [mapPage $me {} [list $msg]]
    }
    done $me /map 已删除
}

# ---- the catalogue of departments (部门目录) ----
# The sysadmin and the office (department.manage, org::requireUnit) tick the departments the county
# has, rename and deactivate them; other kinds of unit stay the sysadmin's (单位与用户), and no
# account is made here (the admin accounts are the console owner's, docs/separation.md).
#   GET  /departments           the usual county departments with their usual responsibility terms,
#                               and which unit of this box follows each (routing uses only those)
#   POST /departments/add       set up the department of an entry (entry, name: the county's name)
#   POST /departments/rename    rename a department (unit, name)
#   POST /departments/active    deactivate or reactivate it (unit, active 0|1)
#   POST /departments/catalog   make a department follow an entry (unit, entry; "" = by its name)

# web::departmentsPage: the catalogue page for ME; PROBLEMS (status 422) from the refused form.
proc web::departmentsPage {me {problems {}}} {
    set follow [dict create]
    set other ""
    set entries [list "" 按单位名称]
    dict for {e c} [county::catalogue] { lappend entries $e $e }
    db eval {SELECT name, catalog, active FROM unit WHERE kind = 'department' ORDER BY id} {
        set e [analyse::map::entryOf $name $catalog]
        if {$e ne ""} { dict lappend follow $e [list $name $active]; continue }
        markup append other [tmpl {<li>$name[expr {$active ? "" : "（停用）"}]
<form method="post" action="/departments/catalog" class="inline">[hidden $me]<input type="hidden" name="unit" value="$name"><label>对应目录项 <select name="entry">[options $entries ""]</select></label> <button type="submit">确定</button></form></li>}]
    }
    set rows ""
    dict for {e c} [county::catalogue] {
        set a [dict get $c attrs]
        set full [expr {[dict exists $a name] ? [dict get $a name] : $e}]
        set terms [join [lrange [lmap it [dict get $c items] { dict get $it term }] 0 9] 、]
        set units ""
        if {[dict exists $follow $e]} {
            foreach u [dict get $follow $e] {
                lassign $u name active
                markup append units [tmpl {<div>$name[expr {$active ? "" : "（停用，不参与归口）"}]
<form method="post" action="/departments/rename" class="inline">[hidden $me]<input type="hidden" name="unit" value="$name"><input name="name" value="$name" aria-label="新名称" size="10"> <button type="submit">改名</button></form>
[postButton $me /departments/active [expr {$active ? "停用" : "启用"}] [list unit $name active [expr {!$active}]]]</div>}]
            }
        } else {
            set units [tmpl {<form method="post" action="/departments/add" class="inline">[hidden $me]<input type="hidden" name="entry" value="$e"><input name="name" value="$e" aria-label="本县名称" size="10"> <button type="submit">本县设有</button></form>}]
        }
        markup append rows [tmpl {<tr><td>$e</td><td>$full</td><td>$terms</td><td>$units</td></tr>}]
    }
    if {[llength $problems]} { respond status 422 }
    app $me 部门目录 [tmpl {<h1>部门目录</h1>[notice][problems $problems]
<p>县政府常设部门及其通常的职责词。勾选本县设有的部门（名称不同可改为本县的名称），归口只在本县设有且启用的单位中进行；改动对新的帖子和事件立即生效。职责词可在<a href="/rules#catalog">规则与词表</a>中修改和测试。</p>
<div class="scroll"><table><thead><tr><th scope="col">目录项</th><th scope="col">通常名称</th><th scope="col">主要职责词</th><th scope="col">本县单位</th></tr></thead><tbody>$rows</tbody></table></div>
<h2>未对应目录项的部门</h2><p class="hint">这些部门不按职责词归口，可指定其对应的目录项。</p><ul>$other</ul>}]
}

# web::DepartmentName: why NAME cannot name a new or renamed unit ("" when it can).
proc web::DepartmentName {name} {
    if {$name eq "" || [string length $name] > 64} { return "请填写单位名称（最多 64 字）" }
    if {[db exists {SELECT 1 FROM unit WHERE name = $name}]} { return [yq::mc unit.exists $name] }
    return ""
}

route GET /departments {} {
    departmentsPage [need department.manage]
}

route POST /departments/add {} {
    set me [need department.manage]
    csrf $me
    set name [string trim [req form name]]
    set entry [req form entry]
    set msg [DepartmentName $name]
    if {$msg eq ""} { set msg [as $me { db transaction immediate { ::console::unit add -- $name department; county::catalog $name $entry } }] }
    if {$msg ne ""} { return [departmentsPage $me [list $msg]] }
    done $me /departments "已设立 $name"
}

route POST /departments/rename {} {
    set me [need department.manage]
    csrf $me
    set name [string trim [req form name]]
    set unit [req form unit]
    set msg [DepartmentName $name]
    if {$msg eq ""} { set msg [as $me { ::console::unit set $unit name $name }] }
    if {$msg ne ""} { return [departmentsPage $me [list $msg]] }
    done $me /departments "已改名为 $name"
}

route POST /departments/active {} {
    set me [need department.manage]
    csrf $me
    set unit [req form unit]
    set msg [as $me { ::console::unit set $unit active [expr {[req form active] eq "1"}] }]
    if {$msg ne ""} { return [departmentsPage $me [list $msg]] }
    done $me /departments "已[expr {[req form active] eq "1" ? "启用" : "停用"}] $unit"
}

route POST /departments/catalog {} {
    set me [need department.manage]
    csrf $me
    set msg [as $me { county::catalog [req form unit] [req form entry] }]
    if {$msg ne ""} { return [departmentsPage $me [list $msg]] }
    done $me /departments 已保存
}

# ---- routing corrections (归口纠正) ----
#   GET /routing?period=YYYY-Qn   the events the office routed elsewhere than suggested in a quarter
#                                 (default the current one): assigned to another unit, or re-routed
#                                 after a unit handed one back, with the suggestion's reason, the
#                                 hand-back's and the office's; so the map, the catalogue and the
#                                 rules can be improved

route GET /routing {} {
    set me [need event.assign rule.manage]
    set spec [req query period]
    if {[catch {reporting::period $spec} p] || [dict get $p kind] ne "quarter"} {
        set p [reporting::period [reporting::current quarter]]
    }
    set from [dict get $p from]
    set to [dict get $p to]
    regexp {^(\d+)-Q(\d)$} [dict get $p spec] -> y q
    set prev [expr {$q == 1 ? "[expr {$y - 1}]-Q4" : "$y-Q[expr {$q - 1}]"}]
    set rows ""
    set n 0
    db eval {SELECT c.at, c.mode, c.reason, c.login, e.id, e.title, e.suggested_unit, e.route_reason, u.name AS unit,
                    (SELECT p.reason FROM claim p WHERE p.event_id = c.event_id AND p.id < c.id AND p.ended IS NOT NULL
                     ORDER BY p.id DESC LIMIT 1) AS back,
                    (SELECT pu.name FROM claim p JOIN unit pu ON pu.id = p.unit_id WHERE p.event_id = c.event_id AND p.id < c.id
                     AND p.ended IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS backunit
             FROM claim c JOIN event e ON e.id = c.event_id JOIN unit u ON u.id = c.unit_id
             WHERE c.mode IN ('assigned', 'rerouted') AND c.at >= $from AND c.at < $to
               AND (c.mode = 'rerouted' OR u.name != e.suggested_unit)
             ORDER BY c.at DESC} {
        incr n
        set how [expr {$mode eq "rerouted" ? "重新交办" : "指定认领"}]
        set backText [expr {$back eq "" ? "" : "$backunit退回：$back"}]
        markup append rows [tmpl {<tr><td><a href="/events/$id">$title</a></td><td>$suggested_unit<div class="meta">$route_reason</div></td><td>$backText</td><td>$unit（$how）</td><td>$reason</td><td>[time $at]<div class="meta">$login</div></td></tr>}]
    }
    app $me 归口纠正 [tmpl {<h1>归口纠正：[dict get $p label]</h1>
<p>信息办改派的事件：指定认领给建议以外的单位，或单位退回后重新交办。据此可完善<a href="/map">本县地图</a>、<a href="/departments">部门目录</a>和<a href="/rules">规则与词表</a>。<a href="/routing?period=$prev">上一季度</a></p>
<p>共 $n 件。</p>
<div class="scroll"><table><thead><tr><th scope="col">事件</th><th scope="col">建议单位（理由）</th><th scope="col">退回</th><th scope="col">改派给</th><th scope="col">改派理由</th><th scope="col">时间</th></tr></thead><tbody>$rows</tbody></table></div>}]
}
