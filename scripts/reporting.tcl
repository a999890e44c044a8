# reporting.tcl - what submission.tcl, request.tcl and assessment.tcl share: periods (month,
# quarter, year), dates written the Chinese official way, the printable official-document page
# (A4, 公文 layout), CSV that Excel opens (UTF-8 with BOM) and the small checks of console options.

namespace eval reporting {}

conf::key agency_name string 青山县人民政府办公室 \
    "通报和依申请公开答复书上署名的发文机关"

# reporting::period: the period SPEC names: YYYY (a year), YYYY-MM (a month) or YYYY-Qn (a
# quarter). Returns a dict kind (year|quarter|month), spec, from, to (ISO dates: from inclusive, to
# exclusive), label (Chinese: 2026年第一季度), months (YYYY-MM of each month in it). Errors otherwise.
proc reporting::period {spec} {
    if {[regexp {^(\d{4})$} $spec -> y]} {
        set kind year; set m1 1; set n 12
    } elseif {[regexp {^(\d{4})-[Qq]([1-4])$} $spec -> y q]} {
        set kind quarter; set m1 [expr {($q - 1) * 3 + 1}]; set n 3
        set spec $y-Q$q
    } elseif {[regexp {^(\d{4})-(\d\d)$} $spec -> y mm] && [scan $mm %d] >= 1 && [scan $mm %d] <= 12} {
        set kind month; set m1 [scan $mm %d]; set n 1
    } else {
        yq::fail reporting.period $spec
    }
    scan $y %d y
    if {$y < 2000 || $y > 2999} { yq::fail reporting.year $spec }
    set months {}
    for {set i 0} {$i < $n} {incr i} { lappend months [format %04d-%02d $y [expr {$m1 + $i}]] }
    set end [expr {$m1 + $n}]
    set to [expr {$end > 12 ? [format %04d-01-01 [expr {$y + 1}]] : [format %04d-%02d-01 $y $end]}]
    set label [switch -- $kind {
        year    { format %d年 $y }
        quarter { format %d年第%s季度 $y [lindex {一 二 三 四} [expr {($m1 - 1) / 3}]] }
        month   { format %d年%d月 $y $m1 }
    }]
    dict create kind $kind spec $spec from [format %04d-%02d-01 $y $m1] to $to label $label months $months
}

# reporting::current: the period of KIND (month, quarter, year) holding TIME (default now).
proc reporting::current {kind {time ""}} {
    if {$time eq ""} { set time [yqbox::now] }
    set ym [clock format $time -format %Y-%m -timezone :[conf::get timezone]]
    scan $ym %d-%d y m
    switch -- $kind {
        month   { return $ym }
        quarter { return $y-Q[expr {($m - 1) / 3 + 1}] }
        year    { return $y }
        default { error "bad period kind \"$kind\": must be month, quarter or year" }
    }
}

# reporting::bounds: the epoch seconds {from to} of period dict P (local midnights).
proc reporting::bounds {p} {
    list [yqbox::seconds "[dict get $p from] 00:00:00"] [yqbox::seconds "[dict get $p to] 00:00:00"]
}

# reporting::cndate: the date of TIME (epoch seconds, ISO time or YYYY-MM-DD) written as official
# documents date them: 二〇二六年四月八日.
proc reporting::cndate {time} {
    if {[regexp {^\d{4}-\d\d-\d\d$} $time]} { set time "$time 00:00:00" }
    if {![string is entier -strict $time]} { set time [yqbox::seconds [string map {" " T} $time]] }
    lassign [clock format $time -format {%Y %m %d} -timezone :[conf::get timezone]] y m d
    set digits {〇 一 二 三 四 五 六 七 八 九}
    set year [join [lmap c [split $y ""] { lindex $digits $c }] ""]
    return "${year}年[Number [scan $m %d]]月[Number [scan $d %d]]日"
}

# reporting::Number: 1 to 99 in Chinese numerals (十二, 二十, 三十一).
proc reporting::Number {n} {
    set digits {〇 一 二 三 四 五 六 七 八 九}
    if {$n < 10} { return [lindex $digits $n] }
    set tens [expr {$n / 10}]
    set ones [expr {$n % 10}]
    return "[expr {$tens == 1 ? "" : [lindex $digits $tens]}]十[expr {$ones ? [lindex $digits $ones] : ""}]"
}

# reporting::document: a complete printable page in the layout of Chinese official documents
# (GB/T 9704: A4, 发文机关标志 in red, 发文字号, title, body, signature and date, 版记). The one
# renderer of every document yqbox prints: answer letters, notices, statistics (here), 专报,
# 调查报告 and digests (workflow/documents.tcl). D is a dict:
#   title       the page and document title
#   masthead    the red 发文机关标志 line (default: issuer)
#   issuer      the issuing body (default agency_name): signs the document
#   number      发文字号 (may be empty)
#   recipients  主送 (may be empty)
#   body        markup from tmpl
#   signer      落款 (default issuer)
#   date        epoch seconds
#   report, cc  报送 and 抄送 lines of the 版记 (may be empty); with either, 版记 ends with
#               "ISSUER DATE印发"
#   standalone  1: the style sheet inlined (a file opened without the server); 0: linked, as web
#               pages must be under the server's CSP
# Returns the HTML as markup.
proc reporting::document {d} {
    set d [dict merge [dict create issuer [conf::get agency_name] masthead "" number "" recipients "" \
                           report "" cc "" signer "" date [yqbox::now] standalone 0] $d]
    dict with d {}
    if {$signer eq ""} { set signer $issuer }
    if {$masthead eq ""} { set masthead $issuer }
    set when [cndate $date]
    tmpl {<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>$title</title>
[if {$standalone} { Style } else { Link }]
</head>
<body>
<div class="issuer">$masthead</div>
[if {$number ne ""} { tmpl {<p class="number">$number</p>} }]
<hr class="red">
<h1>$title</h1>
[if {$recipients ne ""} { tmpl {<p class="to">${recipients}：</p>} }]
$body
<div class="sign"><div>$signer</div><div>$when</div></div>
[if {$report ne "" || $cc ne ""} { tmpl {<div class="foot">[if {$report ne ""} { tmpl {<p>报送：$report</p>} }][if {$cc ne ""} { tmpl {<p>抄送：$cc</p>} }]<p>$issuer　　${when}印发</p></div>} }]
</body>
</html>
}
}

# reporting::Link: the markup linking the official documents' style sheet (pages under the server).
proc reporting::Link {} {
    tmpl {<link rel="stylesheet" href="/css/document.css">}
}

# reporting::Style: the official documents' style sheet inlined, as markup (files opened without
# the server).
proc reporting::Style {} {
    # unsafe: the appliance's own style sheet (webroot/css/document.css): raw text in <style>, where entities are not decoded
    set css [unsafe [Css]]
    tmpl {<style>
$css</style>}
}

# reporting::standalone: document HTML (stored or rendered) made to open without the server (its
# linked style sheet inlined), for writing to a file. Returns the page as a plain string.
proc reporting::standalone {html} {
    string map [list [markup text [Link]] [markup text [Style]]] $html
}

# reporting::Css: the official documents' style sheet (webroot/css/document.css).
proc reporting::Css {} {
    set f [open [yqbox::path webroot css document.css] r]
    fconfigure $f -encoding utf-8
    set css [read $f]
    close $f
    return $css
}

# reporting::csv: ROWS (a list of lists) as CSV text that Excel and WPS open correctly: UTF-8
# bytes with a byte-order mark, CRLF line ends, every field quoted. A field that is not a number
# and starts with = + - @ or a tab or carriage return gets a leading ' so the spreadsheet shows it
# as text instead of running it as a formula (crawled titles are hostile). Returns bytes.
proc reporting::csv {rows} {
    set out ""
    foreach row $rows {
        append out [join [lmap f $row {
            if {[regexp {^[=+\-@\t\r]} $f] && ![string is double -strict $f]} { set f '$f }
            string cat \" [string map {\" \"\"} $f] \"
        }] ,] \r\n
    }
    return "\xef\xbb\xbf[encoding convertto utf-8 $out]"
}

# reporting::options: OPTS (from a console command's arguments) checked against ALLOWED (a dict
# option -> default). Returns the merged dict; errors naming USAGE for an unknown option or a
# missing value.
proc reporting::options {opts allowed usage} {
    if {[llength $opts] % 2} { yq::fail reporting.usage $usage }
    foreach {k v} $opts {
        if {![dict exists $allowed $k]} { yq::fail reporting.option $k $usage }
    }
    dict merge $allowed $opts
}

# reporting::write: write BYTES to FILE (binary), readable by its owner only (a new file is 0600:
# attachments and documents hold personal data). Returns FILE.
proc reporting::write {file bytes} {
    set f [open $file {WRONLY CREAT TRUNC BINARY} 0600]
    try {
        puts -nonewline $f $bytes
    } finally {
        close $f
    }
    return $file
}

# reporting::similar: how alike texts A and B are, 0 to 1: the Jaccard index of their character
# bigrams (the measure clustering uses for titles: analyse::Bigrams, analyse::Jaccard).
proc reporting::similar {a b} {
    analyse::Jaccard [analyse::Bigrams [string tolower $a]] [analyse::Bigrams [string tolower $b]]
}
