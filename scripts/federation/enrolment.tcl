# federation/enrolment.tcl - how a county box joins its city box with a one-time code (issue 17):
# nothing is copied by hand but the code.
#
# At the city: `federation invite NAME -county C` stores an invitation (for the box whose fed_name
# is NAME, serving county C, valid fed_invite_hours) and prints the code: "YQF1-" and the
# URL-safe base64 of {i: invitation id, u: the city's URL (fed_url or -url), f: the SHA-256
# fingerprint of the city's certificate, s: a random secret}. Only the secret's SHA-256 is stored.
# At the county: `federation join CODE` connects to u over HTTPS pinned to f (so it talks to that
# city and no other), and POSTs /federation/join {invite, secret, name, cert} with x-fed-mac: the
# HMAC-SHA256 of the body keyed by the secret (the secret proves the code; the HMAC binds the name
# and certificate sent to it). The city checks the secret against the stored hash, the HMAC, the
# expiry, that the code is unused (a retry by the same certificate is answered again) and that
# the name is the invited one; stores the member (relation member, cert, fingerprint), marks the
# code used and answers {name, cert} with its own HMAC; the county checks that HMAC and that the
# certificate is the pinned one, and stores the parent. Each side audits the step; a refusal is
# audited at the city and stores nothing else; the county stores nothing unless the city agreed.

conf::key fed_invite_hours {integer 1 720} 24 "联网邀请码的有效时间（小时）"

# federation::invite: store an invitation for the member box NAME serving COUNTY, valid HOURS
# (default fed_invite_hours), naming this box's URL (URL, default fed_url). Audited; one
# transaction. Returns the one-time code. Errors (Chinese) when this box is not a city, has no
# name or URL, or NAME is already a peer.
proc federation::invite {name county {url ""} {hours ""}} {
    if {![isCity]} { yq::fail federation.notcity }
    set self [self]
    if {$url eq ""} { set url [conf::get fed_url] }
    if {![regexp {^https://[^\s/]+(/\S*)?$} $url]} { yq::fail federation.nourl }
    if {$hours eq ""} { set hours [conf::get fed_invite_hours] }
    set name [string trim $name]
    if {$name eq "" || [string length $name] > 64} { yq::fail federation.badname }
    if {[db exists {SELECT 1 FROM federation_peer WHERE name = $name}]} { yq::fail federation.exists $name }
    set me [identity]
    set secret [crypto token 18]
    set hash [crypto sha256 $secret]
    set now [yqbox::now]
    set created [yqbox::iso $now]
    set expires [yqbox::iso [expr {$now + 3600 * $hours}]]
    db transaction immediate {
        db eval {INSERT INTO federation_invite(name, county, secret_hash, url, created, expires)
                 VALUES($name, $county, $hash, $url, $created, $expires)}
        set id [db last_insert_rowid]
        audit::record federation.invite invite:$id -after "name=$name county=$county expires=$expires"
    }
    set code [json object i number $id u string $url f string [Hex [dict get $me fingerprint]] s string $secret]
    return "YQF1-[string map {+ - / _ = {}} [binary encode base64 [encoding convertto utf-8 $code]]]"
}

# federation::Code: the invitation CODE decoded into a dict i u f s; errors (federation.badcode)
# for anything else.
proc federation::Code {code} {
    set code [string trim $code]
    if {[string length $code] > 2000 || ![regexp {^YQF1-([A-Za-z0-9_-]+)$} $code -> b]} { yq::fail federation.badcode }
    set b [string map {- + _ /} $b]
    append b [string repeat = [expr {(4 - [string length $b] % 4) % 4}]]
    if {[catch {json parse [encoding convertfrom utf-8 [binary decode base64 $b]]} d] || [catch {dict size $d}]
        || ![dict exists $d i] || ![dict exists $d u] || ![dict exists $d f] || ![dict exists $d s]
        || ![string is entier -strict [dict get $d i]] || ![regexp {^https://} [dict get $d u]]
        || ![regexp {^[0-9A-F]{64}$} [dict get $d f]]} {
        yq::fail federation.badcode
    }
    return $d
}

# federation::enrol: enrol this county box with the city box that issued CODE (see the file
# comment): waits for the city's answer (event loop). Stores the parent and audits it (one
# transaction) only when the city agreed. Returns a sentence saying so; errors (Chinese: the
# city's reason, or why it could not be reached) storing nothing.
proc federation::enrol {code} {
    set self [self]
    if {[conf::get fed_role] ne "county"} { yq::fail federation.notcounty }
    set c [Code $code]
    if {[db exists {SELECT 1 FROM federation_peer WHERE relation = 'parent'}]} { yq::fail federation.hasparent }
    set me [identity]
    set secret [dict get $c s]
    set body [encoding convertto utf-8 [json object invite number [dict get $c i] secret string $secret \
                                            name string $self cert string [dict get $me cert]]]
    set url [string trimright [dict get $c u] /]
    set r [Post $url/federation/join [dict get $c f] [list x-fed-mac [crypto hmac $secret $body]] $body]
    if {[dict get $r status] != 200 || [dict get $r kind] ne ""} { error [Failed $r] {} {YQBOX federation.failed} }
    set rb [dict get $r body]
    if {![crypto equal [crypto hmac $secret $rb] [Header [dict get $r headers] x-fed-mac]]} { yq::fail federation.badanswer }
    set d [Parse $rb 65536 答复]
    if {![dict exists $d name] || ![dict exists $d cert] || [catch {crypto certinfo [dict get $d cert]} info]
        || [Hex [dict get $info fingerprint]] ne [dict get $c f]} {
        yq::fail federation.badanswer
    }
    set name [dict get $d name]
    set now [yqbox::iso]
    db transaction immediate {
        if {[db exists {SELECT 1 FROM federation_peer WHERE name = $name}]} { yq::fail federation.exists $name }
        set fp [dict get $info fingerprint]
        set cert [dict get $d cert]
        db eval {INSERT INTO federation_peer(name, county, relation, url, cert, fingerprint, enrolled, last_contact)
                 VALUES($name, '', 'parent', $url, $cert, $fp, $now, $now)}
        audit::record federation.join peer:$name -after "relation=parent url=$url fingerprint=$fp"
    }
    return [yq::mc federation.joined $name]
}

# federation::serveJoin: the city's side of `federation join` (POST /federation/join), for the web
# handler: checks and stores as the file comment says. Sets the response: 200 with the signed
# {name, cert}, or 403/400 with {error: 中文} (the refusal audited, nothing else stored).
proc federation::serveJoin {} {
    set body [req body]
    set mac [req header x-fed-mac]
    if {[catch {
        if {![isCity]} { yq::fail federation.notcity }
        set d [Parse $body 65536 加入请求]
        foreach f {invite secret name cert} {
            if {![dict exists $d $f]} { yq::fail federation.badbody $f }
        }
        set id [dict get $d invite]
        set secret [dict get $d secret]
        set name [dict get $d name]
        if {![string is entier -strict $id]} { yq::fail -class AUTH federation.badcode }
        set inv {}
        db eval {SELECT * FROM federation_invite WHERE id = $id} r { set inv [array get r] }
        if {![dict size $inv] || ![crypto equal [crypto sha256 $secret] [dict get $inv secret_hash]]
            || ![crypto equal [crypto hmac $secret $body] $mac]} {
            yq::fail -class AUTH federation.badcode
        }
        if {[yqbox::seconds [dict get $inv expires]] < [yqbox::now]} { yq::fail -class AUTH federation.expired }
        if {[catch {crypto certinfo [dict get $d cert]} info]} { yq::fail federation.badcert $info }
        set fp [dict get $info fingerprint]
        set again [expr {[dict get $inv used] ne "" && [dict get $inv used_fingerprint] eq $fp
                         && [db exists {SELECT 1 FROM federation_peer WHERE name = $name AND fingerprint = $fp}]}]
        if {[dict get $inv used] ne "" && !$again} { yq::fail -class AUTH federation.used }
        if {$name ne [dict get $inv name]} { yq::fail -class AUTH federation.wrongname $name [dict get $inv name] }
        if {!$again} {
            set now [yqbox::iso]
            set county [dict get $inv county]
            set cert [dict get $d cert]
            db transaction immediate {
                if {[db exists {SELECT 1 FROM federation_peer WHERE name = $name}]} { yq::fail federation.exists $name }
                db eval {INSERT INTO federation_peer(name, county, relation, url, cert, fingerprint, enrolled, last_contact)
                         VALUES($name, $county, 'member', '', $cert, $fp, $now, $now)}
                db eval {UPDATE federation_invite SET used = $now, used_fingerprint = $fp WHERE id = $id}
                org::as [Principal [dict create name $name]] {
                    audit::record federation.enrol peer:$name -after "relation=member county=$county invite=$id fingerprint=$fp"
                }
            }
        }
    } err opts]} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] ne "YQBOX"} {
            ::log error "federation join: [dict get $opts -errorinfo]"
            set err [yq::mc federation.internal]
        }
        catch {
            db transaction immediate {
                org::as [dict create login "联网:[req peer]" user_id {} roles {} unit_id {} unit {} origin federation superuser 0] {
                    audit::record federation.enrol.refused peer:[req peer] -after [string range $err 0 300]
                }
            }
        }
        respond status [expr {[lindex $ec 1] eq "AUTH" ? 403 : 400}]
        respond json [json object error string $err]
        return
    }
    set me [identity]
    set out [json object name string [self] cert string [dict get $me cert]]
    respond header x-fed-mac [crypto hmac $secret [encoding convertto utf-8 $out]]
    respond json $out
}

cmdlayer::command federation invite {{name 县区联网名称} {-county 所属县区 text ""} {-url 本机地址 text ""}
                                     {-hours 有效小时 int 0}} \
    "（市）为一个县区生成一次性加入邀请码" \
    "邀请码含本机地址、本机证书指纹和一次性密钥，只能使用一次，过期作废（默认 fed_invite_hours 小时）。\n县区在其控制台运行 federation join 邀请码 即可加入；无需手工复制证书。" {
    set code [federation::invite $name [expr {$county eq "" ? $name : $county}] $url [expr {$hours ? $hours : ""}]]
    return "邀请码（一次有效）：\n$code"
}
cmdlayer::command federation join {{code 邀请码}} "（县区）用市里给出的邀请码加入上级联网" {
    federation::enrol $code
}
