# federation/files.tcl - the link by files, for data rooms on a separate network (issue 17): the
# same messages as the HTTPS transport, carried on the dedicated mailbox or removable media.
#
# `federation export PEER FILE` writes every message waiting for PEER as one file; `federation
# import FILE` checks it and stores its messages through the same receive path as HTTPS
# (federation::Store: idempotent by msg_id, in order per object), then writes an acknowledgement
# file (FILE.ack, or -ack) which the sender imports to mark them sent (the sender also marks them
# when the next network exchange, if any, acknowledges them). The file is UTF-8 lines:
#
#     YQBOX-FEDERATION 1
#     {"type":"messages"|"ack","from":NAME,"peer":HEX-FINGERPRINT,"to":NAME,"created":ISO,"count":N}
#     one JSON object per message ({msg_id kind object seq created payload}), or per acknowledged id
#     ({"msg_id":…})
#     sha256 HEX          (of every byte above this line)
#     signature HEX       (the sender's ECDSA P-256 signature of "yqbox-fed-file-1\n" and that HEX)
#
# A file that is truncated, altered, signed by a box that is not an enrolled, enabled peer, or
# addressed to another box is refused with the reason, and nothing is stored.

conf::key fed_file_max {integer 1024 2147483647} 268435456 "导入的联网文件最大字节数"

# federation::export: write every message waiting for peer PEER into FILE (see the file
# comment; written to FILE.part first, then renamed). Changes nothing in the database. Returns
# the number of messages written.
proc federation::export {peer file} {
    set row [peer $peer]
    set msgs [waiting [dict get $row id] 1000000]
    set lines {}
    foreach m $msgs { lappend lines [Message $m] }
    WriteSigned $file messages [dict get $row name] $lines
    return [llength $msgs]
}

# federation::WriteSigned: write the file of TYPE (messages|ack) for peer TO with the JSON LINES
# (see the file comment), atomically. Returns nothing.
proc federation::WriteSigned {file type to lines} {
    set me [identity]
    set head [json object type string $type from string [self] peer string [Hex [dict get $me fingerprint]] \
                  to string $to created string [yqbox::iso] count number [llength $lines]]
    set text "YQBOX-FEDERATION 1\n$head\n"
    foreach l $lines { append text $l \n }
    set bytes [encoding convertto utf-8 $text]
    set sum [crypto sha256 $bytes]
    set sig [crypto sign [dict get $me key] "yqbox-fed-file-1\n$sum"]
    set f [open $file.part wb]
    puts -nonewline $f $bytes
    puts -nonewline $f "sha256 $sum\nsignature $sig\n"
    close $f
    file rename -force $file.part $file
}

# federation::ReadSigned: check FILE (see the file comment) and return {PEERROW HEADER LINES}:
# the enrolled peer that signed it, its header dict and its body lines parsed (dicts). Errors
# (Chinese, saying why) for a file that is missing, too large, truncated, altered, foreign or not
# for this box. Changes nothing.
proc federation::ReadSigned {file} {
    if {![file isfile $file]} { yq::fail federation.file.none $file }
    if {[file size $file] > [conf::get fed_file_max]} { yq::fail federation.file.big $file [conf::get fed_file_max] }
    set f [open $file rb]
    set bytes [read $f]
    close $f
    if {![regexp {^(.*\n)sha256 ([0-9a-f]{64})\nsignature ([0-9a-f]+)\n$} $bytes -> body sum sig]
        || [string length $sig] > 512} {
        yq::fail federation.file.truncated $file
    }
    set body [encoding convertto iso8859-1 $body]   ;# back to bytes: regexp gave characters
    if {![crypto equal [crypto sha256 $body] $sum]} { yq::fail federation.file.checksum $file }
    if {![http utf8valid $body]} { yq::fail federation.file.format $file }
    set lines [split [string trimright [encoding convertfrom utf-8 $body] \n] \n]
    if {[lindex $lines 0] ne "YQBOX-FEDERATION 1" || [llength $lines] < 2
        || [catch {json parse [lindex $lines 1]} head] || [catch {dict size $head}]
        || ![dict exists $head peer] || ![dict exists $head type] || ![dict exists $head to]
        || ![dict exists $head count] || [dict get $head type] ni {messages ack}} {
        yq::fail federation.file.format $file
    }
    set fp [dict get $head peer]
    set id [db onecolumn {SELECT id FROM federation_peer WHERE replace(fingerprint, ':', '') = $fp}]
    if {$id eq "" || ![regexp {^[0-9A-F]{64}$} $fp]} { yq::fail federation.file.foreign $file }
    set row [peer $id]
    if {![dict get $row enabled]} { yq::fail federation.disabled [dict get $row name] }
    if {[catch {crypto verify [dict get $row cert] "yqbox-fed-file-1\n$sum" $sig} ok] || !$ok} {
        yq::fail federation.file.signature $file [dict get $row name]
    }
    if {[dict get $head to] ne [self]} { yq::fail federation.file.notours $file [dict get $head to] }
    set out {}
    foreach l [lrange $lines 2 end] {
        if {[catch {json parse $l} d] || [catch {dict size $d}]} { yq::fail federation.file.format $file }
        lappend out $d
    }
    if {[llength $out] != [dict get $head count]} { yq::fail federation.file.truncated $file }
    list $row $head $out
}

# federation::import: import the file FILE (see the file comment): messages are stored (one
# transaction; the peer's last_received/last_contact noted) and an acknowledgement file written to
# ACK (default FILE.ack); an acknowledgement file marks the messages it names as sent. Returns a
# sentence saying what was done; errors (Chinese) storing nothing.
proc federation::import {file {ack ""}} {
    lassign [ReadSigned $file] row head lines
    set p [dict get $row id]
    set now [yqbox::iso]
    if {[dict get $head type] eq "ack"} {
        set ids {}
        foreach d $lines { if {[dict exists $d msg_id]} { lappend ids [dict get $d msg_id] } }
        set n [acknowledged $p $ids]
        db eval {UPDATE federation_peer SET last_contact = $now WHERE id = $p}
        return [yq::mc federation.file.acked [dict get $row name] $n [llength $ids]]
    }
    db transaction immediate {
        org::as [Principal $row] {
            lassign [Store $row $lines file] stored refused
            audit::record federation.import peer:[dict get $row name] \
                -after "file=[file tail $file] stored=[llength $stored] refused=[llength $refused]"
        }
        db eval {UPDATE federation_peer SET last_contact = $now WHERE id = $p}
    }
    if {$ack eq ""} { set ack $file.ack }
    set out {}
    foreach id $stored { lappend out [json object msg_id string $id] }
    WriteSigned $ack ack [dict get $row name] $out
    set msg [yq::mc federation.file.imported [dict get $row name] [llength $stored] $ack]
    foreach r $refused { append msg \n [yq::mc federation.file.refused {*}$r] }
    return $msg
}

cmdlayer::command federation export {{peer 联网单位} {file 文件}} "把等待发给某联网单位的全部消息写成一个签名文件（离线传送）" {
    set n [federation::export $peer $file]
    return "已写入 $n 条消息：$file（对方导入后请把回执文件在本机 federation import）"
}
cmdlayer::command federation import {{file 文件} {-ack 回执文件 text ""}} \
    "导入联网单位的签名文件：消息文件入库并写回执；回执文件则把对应消息标为已送达" {
    federation::import $file $ack
}
