# totp.tcl - the TOTP second factor of the three admin roles (等保 L3: two factors for
# administrators): enrolment with a QR code, the one-time recovery codes, and the security admin's
# reset of another administrator's second factor.
#
# /account/totp: an administrator without a secret (a new account, one whose secret the security
# admin reset, or one of a box upgraded from the time the second factor was optional) is sent here
# by every staff page (web::need) right after the password, and can reach nothing else but logout.
# The page shows a new secret as the QR code of its otpauth:// URI and in groups of 4 for manual
# entry; the secret is kept with the session (session.totp_pending) until one valid code confirms
# it. Then the 10 recovery codes are shown, once (only their hashes are kept). An enrolled
# administrator sees here how many recovery codes are left and may replace them with a new batch,
# confirmed with a current code (counted like a login attempt). Nobody removes their own second
# factor; the security admin resets another's (`user totp-reset`, also on 单位与用户).

namespace eval web::totp {
    variable issuer 舆情一体机
}

# web::totpUri: the otpauth:// URI (Key URI Format) authenticator apps read for LOGIN's base32
# SECRET, labelled and issued as 舆情一体机 (percent-encoded UTF-8).
proc web::totpUri {login secret} {
    set issuer [urlencode $web::totp::issuer]
    return "otpauth://totp/$issuer:[urlencode $login]?secret=$secret&issuer=$issuer&algorithm=SHA1&digits=6&period=30"
}

# web::totpGroups: base32 SECRET in groups of 4 characters separated by spaces (manual entry).
proc web::totpGroups {secret} {
    join [regexp -all -inline {.{1,4}} $secret] " "
}

# web::totpMe: the principal this page serves: a logged-in administrator who must still enrol
# (whatever else web::need would say), else whoever web::need lets in with totp.enrol (it answers
# and stops the handler otherwise).
proc web::totpMe {} {
    set me [me]
    if {$me ne "" && [dict get $me stage] eq "ok" && [session::totp::mustEnrol [dict get $me user_id]]} {
        return $me
    }
    need totp.enrol
}

# web::totpRefused: end this request after a code attempt of ME refused by the throttle KEY (the
# account or the address is locked): the session has ended, so the cookie goes and the login page
# says why. Returns the page.
proc web::totpRefused {me key} {
    catch {org::Refuse $key} msg opts
    respond cookie $session::cookie gone -maxage 0 -samesite Strict
    loginPage [list [loginRefusal $opts $msg]] [dict get $me login] ""
}

# web::totpCodesPage: the page showing ME's new recovery CODES, once. FIRST: right after enrolment.
proc web::totpCodesPage {me codes first} {
    respond header Cache-Control no-store
    set items [markup join [lmap c $codes { tmpl {<li><code>$c</code></li>} }]]
    set lead [expr {$first ? "动态口令已启用。" : "已生成新的恢复码，原有恢复码全部作废。"}]
    app $me 恢复码 [tmpl {<h1>恢复码</h1>
<p class="notice" role="status">$lead</p>
<p>请立即抄写或打印以下 [llength $codes] 个恢复码，妥善保管（不要存放在手机里）。手机丢失或无法使用时，在登录的“动态口令验证”一步输入其中一个代替动态口令；<strong>每个恢复码只能使用一次</strong>。离开本页后将无法再次查看。</p>
<ol class="recovery" id="recovery-codes">$items</ol>
<p><a class="button" href="[home $me]">已妥善保存，继续</a></p>}]
}

# web::totpEnrolPage: the enrolment of ME (an administrator without a secret): a new pending
# secret shown as a QR code and in groups of 4, and the form confirming it with a code. On a valid
# code (POST) the secret is ME's, with 10 recovery codes, audited (user.totp), and the codes page is
# the answer. Returns the page.
proc web::totpEnrolPage {me} {
    set uid [dict get $me user_id]
    set login [dict get $me login]
    set sid [dict get $me session]
    set secret [db onecolumn {SELECT totp_pending FROM session WHERE id = $sid}]
    set problems {}
    if {[req method] eq "POST"} {
        csrf $me
        set codes ""
        if {$secret ne ""} {
            org::as $me {
                db transaction immediate {
                    if {[session::totp::mustEnrol $uid]} {
                        set codes [session::totp::enrol $uid $secret [req form code]]
                    }
                    if {$codes ne ""} {
                        db eval {UPDATE session SET totp_pending = '' WHERE id = $sid}
                        audit::record user.totp user:$login -after "enrolled, [llength $codes] recovery codes"
                    }
                }
            }
        }
        if {$codes ne ""} { return [totpCodesPage $me $codes 1] }
        lappend problems [expr {$secret eq "" ? "页面已过期，请用下面新的二维码重新添加" :
                                "动态口令不正确：请核对手机验证器上当前显示的 6 位数字（手机时间需准确）"}]
        respond status 422
    }
    if {$secret eq ""} {
        set secret [session::totp::secret]
        db eval {UPDATE session SET totp_pending = $secret WHERE id = $sid}
    }
    # unsafe: `qr svg` writes the SVG itself: numbers for the modules and the title it XML-escapes
    set svg [unsafe [qr svg [totpUri $login $secret] -title "动态口令二维码（$login）"]]
    respond header Cache-Control no-store
    page 启用动态口令 [tmpl {<h1>启用动态口令（双因素认证）</h1>
[problems $problems]
<p>按照网络安全等级保护第三级要求，系统管理员、安全管理员和审计管理员登录时除密码外还须输入动态口令。启用之前不能使用其他功能。</p>
<ol class="steps">
<li>在手机上打开验证器应用（如 FreeOTP、Google Authenticator、Microsoft Authenticator 或其他支持 TOTP 的应用），扫描下面的二维码：
<div class="qr-box">$svg</div></li>
<li>无法扫描时，在验证器中选择手动输入：账号 <code>$login</code>，密钥 <code id="secret" class="secret">[totpGroups $secret]</code>（基于时间，6 位，30 秒）。</li>
<li>输入验证器显示的 6 位动态口令，确认启用：</li>
</ol>
<form method="post" action="/account/totp" class="form">[hidden $me]<input type="hidden" name="op" value="enrol">
<p><label for="code">动态口令</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="\[0-9\]{6}" maxlength="6" required></p>
<p><button type="submit">确认启用</button></p></form>
<p>暂不启用：[postButton $me /logout 退出登录]</p>}]
}

route {GET POST} /account/totp {} {
    set me [totpMe]
    set uid [dict get $me user_id]
    set login [dict get $me login]
    if {[session::totp::mustEnrol $uid]} { return [totpEnrolPage $me] }
    set problems {}
    if {[req method] eq "POST"} {
        csrf $me
        if {[req form op] ne "recovery"} { errorpage 400 "未知操作"; return }
        # a new batch needs a current code (not a recovery code), counted like a login attempt
        set codes ""
        org::as $me {
            db transaction immediate {
                set r [session::totp::attempt $me "web [req peer]" [req form code] 0]
                if {[dict get $r how] ne ""} {
                    set codes [session::totp::recoveryNew $uid]
                    audit::record user.totp user:$login -after "new recovery codes ([llength $codes])"
                } elseif {[dict get $r refused] ne ""} {
                    session::end [dict get $me session] locked
                }
            }
        }
        if {$codes ne ""} { return [totpCodesPage $me $codes 0] }
        if {[dict get $r refused] ne ""} { return [totpRefused $me [dict get $r refused]] }
        lappend problems "动态口令不正确或已使用过（每个动态口令只能使用一次，请等验证器显示下一个）"
        respond status 422
    }
    respond header Cache-Control no-store
    set left [session::totp::recoveryLeft $uid]
    app $me 动态口令 [tmpl {<h1>动态口令（双因素认证）</h1>[notice][problems $problems]
<p>已启用。登录时除密码外还需输入手机验证器显示的 6 位动态口令。管理员账号必须使用动态口令，不能自行关闭；更换或丢失手机时，请用恢复码登录，并请安全管理员重置动态口令，下次登录时重新启用。</p>
<h2>恢复码</h2>
<p id="recovery-left">剩余 <strong>$left</strong> 个未使用的恢复码。[expr {$left <= 3 ? "剩余不多，请重新生成。" : ""}]</p>
<form method="post" action="/account/totp" class="form">[hidden $me]<input type="hidden" name="op" value="recovery">
<p><label for="code">当前动态口令</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="\[0-9\]{6}" maxlength="6" required></p>
<p><button type="submit">重新生成恢复码（原有恢复码全部作废）</button></p></form>}]
}
