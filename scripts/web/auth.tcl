# auth.tcl - logging in and out, the TOTP step (enrolment: totp.tcl), changing one's own password, and the
# security admin's list of live sessions (end one, one user's, or all).
#
# The login form carries a pre-login CSRF token (double submit: a __Host-yqbox-pre cookie and the
# same value in the form), so no other site can log a browser in. A successful login ends any
# session the browser still had and starts a new one with a new token (no fixation).

# web::loginPage: the login form with PROBLEMS, keeping LOGIN and NEXT.
proc web::loginPage {problems login next} {
    set pre [req cookie __Host-yqbox-pre]
    if {![regexp {^[A-Za-z0-9_-]{20,64}$} $pre]} {
        set pre [crypto token 24]
        respond cookie __Host-yqbox-pre $pre -samesite Strict
    }
    respond header Cache-Control no-store
    page 登录 [tmpl {
<h1>登录</h1>
[problems $problems]
<form method="post" action="/login" class="form">
<input type="hidden" name="pre" value="$pre">
<input type="hidden" name="next" value="$next">
<p><label for="login">用户名</label><input id="login" name="login" value="$login" autocomplete="username" required></p>
<p><label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">登录</button></p>
</form>
<p class="hint">连续多次输入错误后账号将被锁定；如需解锁请联系安全管理员。</p>
}]
}

# web::loginRefusal: the message a person reads for a refused login or code, given the error's
# OPTS (and MSG, re-raised when it is not a refusal). Sets 429 for a throttled address.
proc web::loginRefusal {opts msg} {
    switch -- [lindex [dict get $opts -errorcode] 1] {
        LOCKED { return "账号已锁定，请稍后再试或联系安全管理员" }
        AUTH { return "用户名或密码错误" }
        THROTTLED {
            respond status 429
            respond header Retry-After [expr {60 * [conf::get login_lockout_minutes]}]
            return "来自您所在网络地址的登录失败次数过多，请 [conf::get login_lockout_minutes] 分钟后再试"
        }
    }
    return -options $opts $msg
}

# web::safeNext: NEXT when it is a local path of this site, else "" (the caller sends the user to
# their start page, web::home).
proc web::safeNext {next} {
    if {[regexp {^/[^/\\]} $next] && ![regexp {[\x00-\x1f]} $next] && ![string match /login* $next]} { return $next }
    return ""
}

# web::home: the start page of principal ME: their work list (我的待办) for every role that has
# one, else the dashboard (the viewer).
proc web::home {me} {
    # a sysadmin of a box whose first-run setup is not complete starts on it (setup.tcl)
    if {[can $me setup.manage] && [llength [county::missing]]} { return /setup }
    foreach {perm path} {work.list /work event.view.unit /dashboard} {
        if {[can $me $perm]} { return $path }
    }
    return /settings/notify
}

route GET /login {} {
    loginPage {} "" [req query next ""]
}

route POST /login {} {
    set login [string trim [req form login]]
    set password [req form password]
    set next [req form next]
    set pre [req form pre]
    set problems {}
    if {$pre eq "" || ![crypto equal $pre [req cookie __Host-yqbox-pre]]} {
        log warning "web: login form from [req peer] without its pre-login token"
        lappend problems "登录表单已失效，请重新输入后提交"
    } elseif {$login eq "" || $password eq ""} {
        lappend problems "请输入用户名和密码"
    }
    if {[llength $problems]} { return [loginPage $problems $login $next] }
    set origin "web [req peer]"
    if {[catch {org::authenticate $login $password $origin} p opts]} {
        respond status 200
        return [loginPage [list [loginRefusal $opts $p]] [string range $login 0 63] $next]
    }
    set uid [dict get $p user_id]
    set secret [db onecolumn {SELECT totp_secret FROM user WHERE id = $uid}]
    set old [session::lookup [req cookie $session::cookie]]
    db transaction immediate {
        if {$old ne ""} { session::end [dict get $old id] relogin }
        lassign [session::create $uid [req peer] [req header user-agent] \
                     [expr {$secret ne "" ? "totp" : "ok"}]] token sid
    }
    respond cookie $session::cookie $token -samesite Strict
    set next [safeNext $next]
    if {$secret ne ""} {
        respond redirect "/login/totp[expr {$next eq "" ? "" : "?next=[urlencode $next]"}]"
    } elseif {[session::totp::mustEnrol $uid]} {
        respond redirect /account/totp
    } else {
        respond redirect [expr {$next eq "" ? [home $p] : $next}]
    }
}

# web::totpPage: the second-factor form.
proc web::totpPage {me problems next} {
    respond header Cache-Control no-store
    page 动态口令 [tmpl {
<h1>动态口令验证</h1>
[problems $problems]
<form method="post" action="/login/totp" class="form">
[hidden $me]
<input type="hidden" name="next" value="$next">
<p><label for="code">动态口令（6 位数字，见手机验证器）</label><input id="code" name="code" autocomplete="one-time-code" maxlength="20" required></p>
<p class="hint">手机不在身边时，可输入启用时保存的一个恢复码（每个只能使用一次）。</p>
<p><button type="submit">验证</button></p>
</form>
}]
}

route GET /login/totp {} {
    set me [me]
    if {$me eq "" || [dict get $me stage] ne "totp"} { respond redirect /login; return }
    totpPage $me {} [req query next ""]
}

route POST /login/totp {} {
    set me [me]
    if {$me eq "" || [dict get $me stage] ne "totp"} { respond redirect /login; return }
    csrf $me
    set next [req form next]
    set login [dict get $me login]
    # count, check and spend the code in one transaction: a code works once, in one session
    org::as $me {
        db transaction immediate {
            set r [session::totp::attempt $me "web [req peer]" [req form code]]
            set refused [dict get $r refused]
            set ok [expr {[dict get $r how] ne ""}]
            if {$ok} {
                session::promote [dict get $me session]
                audit::record login.totp user:$login -after [expr {[dict get $r how] eq "recovery" ?
                    "recovery code, [session::totp::recoveryLeft [dict get $me user_id]] left" : "totp"}]
            }
            if {$refused ne ""} { session::end [dict get $me session] locked }
        }
    }
    if {$refused ne ""} {
        catch {org::Refuse $refused} msg opts
        respond cookie $session::cookie gone -maxage 0 -samesite Strict
        return [loginPage [list [loginRefusal $opts $msg]] $login $next]
    }
    if {!$ok} { return [totpPage $me [list "动态口令或恢复码不正确，或已使用过（每个只能使用一次）"] $next] }
    dict set me stage ok
    set next [safeNext $next]
    respond redirect [expr {$next eq "" ? [home $me] : $next}]
}

route POST /logout {} {
    set me [me]
    if {$me ne ""} {
        csrf $me
        org::as $me {
            db transaction immediate {
                session::end [dict get $me session] logout
                audit::record logout user:[dict get $me login]
            }
        }
    }
    respond cookie $session::cookie gone -maxage 0 -samesite Strict
    respond redirect /login
}

# /account/password: every user changes their own password, giving the current one (checked and
# counted like a login, so the form cannot be used to guess it). The new one follows the policy
# (length, org::passwordProblem). The user's other sessions end; this one stays.
route {GET POST} /account/password {} {
    set me [need]
    set problems {}
    if {[req method] eq "POST"} {
        csrf $me
        set current [req form current]
        set new [req form new]
        set min [conf::get password_min_length]
        if {$current eq ""} { lappend problems "请输入当前密码" }
        if {$new ne [req form confirm]} {
            lappend problems "两次输入的新密码不一致"
        } elseif {[string length $new] < $min} {
            lappend problems "新密码至少 $min 位"
        } elseif {[set why [org::passwordProblem $new]] ne ""} {
            lappend problems $why
        } elseif {$new eq $current} {
            lappend problems "新密码不能与当前密码相同"
        }
        if {![llength $problems]} {
            if {[catch {org::authenticate [dict get $me login] $current "web [req peer]"} p opts]} {
                set why [loginRefusal $opts $p]
                lappend problems [expr {[lindex [dict get $opts -errorcode] 1] eq "AUTH" ? "当前密码不正确" : $why}]
            }
        }
        if {![llength $problems]} {
            set hash [org::hashPassword $new]
            set uid [dict get $me user_id]
            set at [yqbox::iso]
            org::as $me {
                db transaction immediate {
                    db eval {UPDATE user SET password = $hash, password_set = $at WHERE id = $uid}
                    set n [session::endAll password $uid [dict get $me session]]
                    audit::record user.password user:[dict get $me login] -after "sessions=$n reason=本人修改密码"
                }
            }
            done $me /account/password 已修改密码，其他已登录的会话已退出
            return
        }
        respond status 422
    }
    respond header Cache-Control no-store
    set min [conf::get password_min_length]
    app $me 修改密码 [tmpl {<h1>修改密码</h1>[notice][problems $problems]
<form method="post" action="/account/password" class="form">[hidden $me]
<p><label for="p-cur">当前密码</label><input id="p-cur" name="current" type="password" autocomplete="current-password" required></p>
<p><label for="p-new">新密码（至少 $min 位，不能是常见密码、纯数字或连续、重复的字符）</label><input id="p-new" name="new" type="password" autocomplete="new-password" minlength="$min" required></p>
<p><label for="p-confirm">再次输入新密码</label><input id="p-confirm" name="confirm" type="password" autocomplete="new-password" required></p>
<p><button type="submit">修改密码</button></p></form>}]
}

# /sessions: the live sessions (security admin): end one, one user's, or all.
route GET /sessions {} {
    set me [need session.manage]
    set rows ""
    foreach s [session::live] {
        dict with s {
            markup append rows [tmpl {<tr><td>$id</td><td>$login</td><td>$name</td><td>$peer</td><td>[time [yqbox::iso $created]]</td><td>[time [yqbox::iso $seen]]</td><td>[expr {$stage eq "ok" ? "已登录" : "待动态口令"}]</td>
<td>[postButton $me /sessions/end 结束 [list id $id]] [postButton $me /sessions/end 结束该用户全部会话 [list login $login]]</td></tr>}]
        }
    }
    app $me 在线会话 [tmpl {<h1>在线会话</h1>[notice]
<p>会话空闲 [conf::get session_idle_minutes] 分钟或登录满 [conf::get session_max_hours] 小时后自动结束。</p>
<table><thead><tr><th scope="col">编号</th><th scope="col">用户名</th><th scope="col">姓名</th><th scope="col">地址</th><th scope="col">登录时间</th><th scope="col">最近访问</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead><tbody>$rows</tbody></table>
<h2>结束全部会话</h2><p>所有用户（包括您本人）都需要重新登录。</p>[postButton $me /sessions/end 结束全部会话 {all 1} danger]}]
}

route POST /sessions/end {} {
    set me [need session.manage]
    csrf $me
    set id [req form id]
    set login [req form login]
    org::as $me {
        db transaction immediate {
            if {[req form all] eq "1"} {
                set n [session::endAll admin]
                audit::record session.end-all session:* -after "sessions=$n"
                set msg "已结束全部 $n 个会话"
            } elseif {[string is entier -strict $id] && $id ne ""} {
                set n [session::end $id admin]
                audit::record session.end session:$id
                set msg "已结束会话 $id"
            } elseif {[db exists {SELECT 1 FROM user WHERE login = $login}]} {
                set n [session::endAll admin [org::userId $login]]
                audit::record session.end-user user:$login -after "sessions=$n"
                set msg "已结束 $login 的 $n 个会话"
            } else {
                errorpage 400 "请指定要结束的会话"
                stop
            }
        }
    }
    done $me "/sessions" $msg
}
