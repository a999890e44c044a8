# calendar.tcl (web) - the 工作日历 page: each year as twelve month grids (working days, weekends,
# holidays, 调休 make-up days; the year official, provisional or forbidden), the sentence saying
# that next year's calendar is still missing (from 1 November), the table of time-limit rules; and
# for holders of calendar.manage, a year entered by hand from the State Council's notice (holiday
# ranges and make-up days, previewed before saving) and the upload of a holiday-cn JSON file.
# Storing goes through calendar::enter / calendar::importtext run as the user, in one transaction
# with the recomputation of the provisional deadlines and an audit entry.
#   GET  /calendar?year=Y    the page (default: this year, or the missing year while it is pending)
#   POST /calendar/enter     the entry form: op=preview (figures and grid, nothing stored), op=save,
#                            op=rows (the same form with more empty rows: works without JavaScript)
#   POST /calendar/import    multipart/form-data: file (holiday-cn JSON) or json (the text pasted)

namespace eval web {
    # a day's kind (calendar::grid) -> {words, mark shown in its cell}
    variable dayKinds {
        workday {工作日 ""}
        weekend {周末休息 休}
        holiday {节假日放假 假}
        makeup  {调休上班 班}
    }
    variable calRows 8         ;# empty rows of holidays and of make-up days the entry form starts with
    variable calRowsMax 40     ;# the most rows of each the form accepts
    variable calFileMax 262144 ;# the largest calendar file accepted (a year is about 4 KB)
}

# web::yearWords: the status of year Y (a dict of calendar::years) in words.
proc web::yearWords {y} {
    dict with y {}
    switch -- $kind {
        fallback { return "暂按周一至周五推算（尚无官方节假日安排，录入或导入后自动重算）" }
        forbidden { return "已禁止推算（尚无官方节假日安排，需要该年的时限无法计算，请录入或导入）" }
    }
    if {$origin eq "shipped"} { return "官方日历（系统内置）" }
    set how [expr {$file eq "手工录入" ? "手工录入" : "导入文件 $file"}]
    return "官方日历（$how，[string range $changed 0 9]）"
}

# web::yearShort: the status of year Y (a dict of calendar::years) in one or two words.
proc web::yearShort {y} {
    dict get {official 官方 fallback 暂定 forbidden 禁止推算} [dict get $y kind]
}

# web::calYear: year Y (text) checked: a whole number from 1900 to 2999, or "".
proc web::calYear {y} {
    if {![regexp {^\d{4}$} $y] || $y < 1900 || $y > 2999} { return "" }
    scan $y %d
}

# web::missingYear: the year the entry form offers: Y itself when it has no official calendar,
# else the first year after it (of calendar::years YEARS) without one, else the year after the last.
proc web::missingYear {years y} {
    foreach e $years {
        if {[dict get $e year] >= $y && [dict get $e kind] ne "official"} { return [dict get $e year] }
    }
    expr {max($y, [dict get [lindex $years end] year]) + 1}
}

# web::dayKind: the kind a day D (dict of calendar::grid) is shown as: a named day off on a
# weekend belongs to its holiday.
proc web::dayKind {d} {
    if {[dict get $d kind] eq "weekend" && [dict get $d name] ne ""} { return holiday }
    dict get $d kind
}

# web::monthGrids: the markup of the twelve month grids of DAYS (the day dicts of calendar::grid):
# Monday-first weeks, each day's kind by colour (class) and by a mark, the holiday's name as its
# title, and below each month the holidays and make-up days named.
proc web::monthGrids {days} {
    variable dayKinds
    set weekdays {日 一 二 三 四 五 六}
    set head ""
    foreach w {一 二 三 四 五 六 日} { markup append head [tmpl {<th scope="col" abbr="星期$w">$w</th>}] }
    set bymonth [dict create]
    foreach d $days { dict lappend bymonth [dict get $d month] $d }
    set out ""
    dict for {m list} $bymonth {
        set rows ""
        set row ""
        for {set i [expr {([dict get [lindex $list 0] weekday] + 6) % 7}]} {$i > 0} {incr i -1} {
            markup append row [tmpl {<td class="pad"></td>}]
        }
        set groups {}
        foreach d $list {
            dict with d {}
            set k [dayKind $d]
            lassign [dict get $dayKinds $k] words mark
            set tip "$month月$day日 星期[lindex $weekdays $weekday] $words[expr {$name ne "" ? " · $name" : ""}]"
            markup append row [tmpl {<td class="day $k" title="$tip"><span class="n">$day</span><span class="k">$mark</span></td>}]
            if {$weekday == 0} { markup append rows [tmpl {<tr>$row</tr>}]; set row "" }
            if {$name ne ""} {
                set g [lindex $groups end]
                if {!$work && [lindex $g 0] eq $name && [lindex $g 1] eq "0" && [lindex $g 3] == $day - 1} {
                    lset groups end 3 $day
                } else {
                    lappend groups [list $name $work $day $day $weekday]
                }
            }
        }
        if {$row ne ""} {
            for {set i [expr {[dict get [lindex $list end] weekday]}]} {$i > 0 && $i < 7} {incr i} {
                markup append row [tmpl {<td class="pad"></td>}]
            }
            markup append rows [tmpl {<tr>$row</tr>}]
        }
        set names ""
        foreach g $groups {
            lassign $g name work first last wd
            if {$work} {
                markup append names [tmpl {<li class="makeup">$name：${first}日（星期[lindex $weekdays $wd]）调休上班</li>}]
            } elseif {$first == $last} {
                markup append names [tmpl {<li class="holiday">$name：${first}日放假</li>}]
            } else {
                markup append names [tmpl {<li class="holiday">$name：${first}日至${last}日放假</li>}]
            }
        }
        markup append out [tmpl {<figure class="month"><table class="month"><caption>${m}月</caption><thead><tr>$head</tr></thead><tbody>$rows</tbody></table>[if {$names ne ""} {tmpl {<ul class="daynames">$names</ul>}}]</figure>}]
    }
    tmpl {<div class="months">$out</div>}
}

# web::calLegend: the legend of the month grids.
proc web::calLegend {} {
    variable dayKinds
    set items ""
    dict for {k v} $dayKinds {
        lassign $v words mark
        markup append items [tmpl {<li><span class="day $k"><span class="k">[expr {$mark eq "" ? " " : $mark}]</span></span> $words[expr {$mark eq "" ? "（无标记）" : "（$mark）"}]</li>}]
    }
    tmpl {<ul class="legend" aria-label="图例">$items</ul>}
}

# web::rulesTable: the table of every time-limit rule (calendar::rules).
proc web::rulesTable {} {
    set rows ""
    foreach r [calendar::rules] {
        dict with r {
            set what [calendar::UnitText $amount $unit]
            if {$kind eq "extension"} { set what "延长不超过 $what" }
            markup append rows [tmpl {<tr><td data-label="事项">$title</td><td data-label="时限">$what</td><td data-label="起算">$trigger_text</td><td data-label="责任单位">$party</td><td data-label="依据">$source</td><td data-label="配置项"><code>rule_$name</code></td></tr>}]
        }
    }
    tmpl {<table class="list rules stack"><thead><tr><th scope="col">事项</th><th scope="col">时限</th><th scope="col">起算</th><th scope="col">责任单位</th><th scope="col">依据</th><th scope="col">配置项</th></tr></thead><tbody>$rows</tbody></table>
<p class="hint">修改时限：在 appliance.conf 中写“配置项 数值”（如 rule_investigate 7），或在控制台运行 config set。</p>}
}

# web::enterValues: the entry form's fields of this request as a dict year, paper, holidays
# {{NAME FROM TO} ...}, makeup {{NAME DATE} ...} (one per row, empty rows included), hrows, mrows.
proc web::enterValues {} {
    variable calRows
    variable calRowsMax
    set v [dict create year [string trim [req form year]] paper [string trim [req form paper]]]
    foreach {k n} {hrows holidays mrows makeup} {
        set rows [req form $k]
        if {![string is entier -strict $rows] || $rows < 1} { set rows $calRows }
        set rows [expr {min($rows, $calRowsMax)}]
        dict set v $k $rows
        set list {}
        for {set i 1} {$i <= $rows} {incr i} {
            if {$k eq "hrows"} {
                lappend list [lmap f {hn hf ht} { string trim [req form $f$i] }]
            } else {
                lappend list [lmap f {mn md} { string trim [req form $f$i] }]
            }
        }
        dict set v $n $list
    }
    return $v
}

# web::filled: the rows of ROWS that are not all empty.
proc web::filled {rows} {
    lmap r $rows { expr {[string trim [join $r ""]] eq "" ? [continue] : $r} }
}

# web::enterForm: the form entering a year from the State Council's notice, for ME, with VALUES
# (as web::enterValues gives them; {} = empty, for year YEAR).
proc web::enterForm {me values year} {
    variable calRows
    set v [dict merge [dict create year $year paper "" hrows $calRows mrows $calRows holidays {} makeup {}] $values]
    dict with v {}
    set hrows [expr {max($hrows, [llength $holidays])}]
    set mrows [expr {max($mrows, [llength $makeup])}]
    set hs ""
    for {set i 1} {$i <= $hrows} {incr i} {
        lassign [lindex $holidays $i-1] n f t
        markup append hs [tmpl {<tr><td><input name="hn$i" value="$n" size="8" placeholder="节日" aria-label="第 $i 个节日名称"></td><td><input name="hf$i" value="$f" type="date" aria-label="第 $i 个节日放假第一天"></td><td><input name="ht$i" value="$t" type="date" aria-label="第 $i 个节日放假最后一天"></td></tr>}]
    }
    set ms ""
    for {set i 1} {$i <= $mrows} {incr i} {
        lassign [lindex $makeup $i-1] n d
        markup append ms [tmpl {<tr><td><input name="mn$i" value="$n" size="8" placeholder="节日" aria-label="第 $i 个调休上班日所属节日"></td><td><input name="md$i" value="$d" type="date" aria-label="第 $i 个调休上班日日期"></td></tr>}]
    }
    tmpl {<form method="post" action="/calendar/enter" class="form enter" id="enter">[hidden $me]
<input type="hidden" name="hrows" value="$hrows"><input type="hidden" name="mrows" value="$mrows">
<p><label for="e-year">年份</label><input id="e-year" name="year" value="$year" size="5" inputmode="numeric"></p>
<p><label for="e-paper">通知标题或文号（如 国办发明电〔2026〕7号）</label><input id="e-paper" name="paper" value="$paper" size="40"></p>
<fieldset><legend>放假安排（每个节日一行：名称、放假第一天、最后一天；只放一天的，最后一天可空）</legend>
<table class="entry"><thead><tr><th scope="col">节日</th><th scope="col">放假第一天</th><th scope="col">最后一天</th></tr></thead><tbody>$hs</tbody></table></fieldset>
<fieldset><legend>调休上班日（周六或周日上班：所属节日、日期）</legend>
<table class="entry"><thead><tr><th scope="col">节日</th><th scope="col">上班日期</th></tr></thead><tbody>$ms</tbody></table></fieldset>
<p class="buttons"><button type="submit" name="op" value="preview">预览</button> <button type="submit" name="op" value="save">保存</button> <button type="submit" name="op" value="rows" class="secondary">增加空行</button></p>
<p class="hint">空行不计。保存后该年的日历以录入为准（整年替换），按周一至周五推算的暂定时限随即重算。</p></form>}
}

# web::previewBlock: the figures of calendar::preview for CAL and the month grid it would make.
proc web::previewBlock {cal} {
    set p [calendar::preview $cal]
    set y [dict get $p year]
    set months ""
    foreach {m n} [dict get $p months] { markup append months [tmpl {<li><span>${m}月</span> <strong>$n</strong> 天</li>}] }
    lassign [calendar::grid $y $cal] kind days
    tmpl {<section class="preview" aria-labelledby="h-preview"><h2 id="h-preview">预览：按录入内容，${y}年</h2>
<dl class="figures"><dt>全年工作日</dt><dd id="pv-workdays">[dict get $p workdays] 天</dd>
<dt>放假的工作日（节假日）</dt><dd id="pv-holidays">[dict get $p holidays] 天</dd>
<dt>调休上班日</dt><dd id="pv-makeup">[dict get $p makeup] 天</dd>
<dt>与现行日历相比改变的日子</dt><dd id="pv-changes">[dict get $p changes] 天</dd></dl>
<h3>各月工作日</h3><ul class="permonth">$months</ul>
[calLegend][monthGrids $days]
<p class="hint">以上仅为预览，尚未保存。核对无误后点击下方的“保存”。</p></section>}
}

# web::calendarPage: the calendar page for ME showing year Y, with PROBLEMS (sentences) and the
# pasted import text JSON to show again.
proc web::calendarPage {me y {problems {}} {json ""}} {
    set years [calendar::years]
    if {[lsearch -exact [lmap e $years { dict get $e year }] $y] < 0} {
        # a year asked for by address that has no calendar and is not this year or the next
        lappend years [dict create year $y kind fallback origin "" file "" changed "" shipped 0]
        set years [lsort -integer -index 1 $years]
    }
    set links ""
    set info {}
    foreach e $years {
        set cur [expr {[dict get $e year] == $y ? "page" : "false"}]
        if {[dict get $e year] == $y} { set info $e }
        markup append links [tmpl {<li><a href="/calendar?year=[dict get $e year]" aria-current="$cur">[dict get $e year] <small>[yearShort $e]</small></a></li>}]
    }
    lassign [calendar::grid $y] kind days
    if {$kind ne [dict get $info kind]} { dict set info kind $kind }
    set pending [calendar::pending]
    set manage [can $me calendar.manage]
    set forms ""
    if {$manage} {
        set forms [tmpl {<section aria-labelledby="h-enter"><h2 id="h-enter">录入国务院通知</h2>
<p>国务院办公厅公布下一年部分节假日安排的通知后，按通知逐项录入放假日期和调休上班日，先预览核对，再保存。</p>
[enterForm $me {} [missingYear $years $y]]</section>
<section aria-labelledby="h-import"><h2 id="h-import">导入 holiday-cn 文件</h2>
<form method="post" action="/calendar/import" class="form" enctype="multipart/form-data">[hidden $me]
<p><label for="c-file">holiday-cn JSON 文件（如 2027.json）</label><input id="c-file" name="file" type="file" accept=".json,application/json"></p>
<p><label for="c-json">或粘贴文件内容</label><textarea id="c-json" name="json" rows="4">$json</textarea></p>
<p><button type="submit">导入（整年替换）</button></p></form></section>}]
    }
    set status [yearWords $info]
    app $me 工作日历 [tmpl {<h1>工作日历与办理时限</h1>[notice][problems $problems]
[if {$pending ne ""} {tmpl {<p class="pending" role="status">$pending</p>}}]
<nav class="years" aria-label="年份"><ul>$links</ul></nav>
<section aria-labelledby="h-year"><h2 id="h-year">${y}年</h2>
<p class="yearstatus $kind" id="yearstatus">$status</p>
[if {$kind ne "official"} {tmpl {<p class="hint">该年尚无官方节假日安排，下表只区分周一至周五和周末；涉及该年的办理时限均标为暂定。</p>}}]
[calLegend][monthGrids $days]</section>
$forms
<section aria-labelledby="h-rules"><h2 id="h-rules">时限规则</h2>[rulesTable]</section>}]
}

route GET /calendar {} {
    set me [need]
    set q [string trim [req query year]]
    if {$q ne ""} {
        set y [calYear $q]
        if {$y eq ""} { errorpage 400 "年份应为 1900 至 2999 之间的四位数字"; return }
    } else {
        set y [clock format [yqbox::now] -format %Y -timezone [conf::get timezone]]
        if {[calendar::pending] ne ""} {
            set y [missingYear [calendar::years] $y]
        }
    }
    calendarPage $me $y
}

# web::savedLine: the sentence after storing year Y's calendar of N days, with the recomputation
# RESULTS of the calendar::onimport hooks.
proc web::savedLine {what y n results} {
    set moved [calendar::cmd::Recomputed $results]
    if {$moved eq ""} { set moved "没有需要重算的时限" }
    return "已$what ${y}年节假日安排（$n 天）。$moved。"
}

route POST /calendar/enter {} {
    set me [need calendar.manage]
    csrf $me
    set v [enterValues]
    set op [req form op]
    set problems {}
    set preview ""
    set y [calYear [dict get $v year]]
    if {$op eq "rows"} {
        foreach k {hrows mrows} { dict set v $k [expr {min([dict get $v $k] + 4, $::web::calRowsMax)}] }
    } elseif {$op ni {preview save}} {
        lappend problems "未知操作"
    } elseif {$y eq ""} {
        lappend problems "年份应为 1900 至 2999 之间的四位数字"
    } elseif {[catch {calendar::fromranges $y [filled [dict get $v holidays]] [filled [dict get $v makeup]]} cal]} {
        lappend problems $cal
    } elseif {$op eq "preview"} {
        set preview [previewBlock $cal]
    } else {
        set err [as $me { set results [calendar::enter $cal [dict get $v paper]] }]
        if {$err eq ""} {
            done $me "/calendar?year=$y" [savedLine 保存 $y [llength [dict get $cal days]] $results]
            return
        }
        lappend problems $err
    }
    if {[llength $problems]} { respond status 422 }
    set shown [expr {$y eq "" ? [dict get $v year] : $y}]
    app $me 录入节假日安排 [tmpl {<h1>录入[expr {$y eq "" ? "" : "${y}年"}]节假日安排</h1>[problems $problems]
[if {[set pending [calendar::pending]] ne ""} {tmpl {<p class="pending" role="status">$pending</p>}}]
$preview
<section aria-labelledby="h-enter"><h2 id="h-enter">录入国务院通知</h2>[enterForm $me $v $shown]</section>
<p><a href="/calendar[expr {$y eq "" ? "" : "?year=$y"}]">返回工作日历</a></p>}]
}

route POST /calendar/import {} {
    set me [need calendar.manage]
    csrf $me
    variable ::web::calFileMax
    set file [req file file]
    set json [req form json]
    set problems {}
    set text ""
    if {$file ne ""} {
        lassign $file fname bytes
        set name [string range [regsub -all {[^A-Za-z0-9_.\u4e00-\u9fff-]} [file tail $fname] _] 0 63]
        if {$name eq ""} { set name upload.json }
        if {[string length $bytes] > $calFileMax} {
            lappend problems "文件过大（超过 [expr {$calFileMax / 1024}] KB），不是一年的节假日安排"
        } elseif {![http utf8valid $bytes]} {
            lappend problems "文件不是 UTF-8 编码的文本，请上传 holiday-cn 的 JSON 文件"
        } else {
            set text [encoding convertfrom utf-8 $bytes]
        }
    } elseif {[string trim $json] eq ""} {
        lappend problems "请选择 holiday-cn JSON 文件，或粘贴其内容"
    } elseif {[string length $json] > $calFileMax} {
        lappend problems "粘贴的内容过长（超过 [expr {$calFileMax / 1024}] KB），不是一年的节假日安排"
    } else {
        set text $json
        set name 粘贴内容
    }
    if {![llength $problems]} {
        if {[catch {calendar::ParseJson $text $name} cal]} {
            lappend problems "导入失败，内容不是有效的 holiday-cn 节假日安排：$cal"
        } else {
            set y [dict get $cal year]
            set err [as $me {
                db transaction {
                    set n [calendar::importtext $text $name]
                    set results $calendar::recomputed
                    audit::record calendar.import calendar:$y -after "$n days from $name (web)"
                }
            }]
            if {$err eq ""} {
                done $me "/calendar?year=$y" [savedLine 导入 $y $n $results]
                return
            }
            lappend problems "导入失败：$err"
        }
    }
    respond status 422
    set y [clock format [yqbox::now] -format %Y -timezone [conf::get timezone]]
    calendarPage $me $y $problems [expr {$file eq "" ? $json : ""}]
}
