# server.tcl - `yqbox serve` and `yqbox status`, the server's configuration keys, the attached
# console, logging and the background interpreter's timers (every / at).
#
# The server's threads (C: src/httpd.c, src/server.c) are started by `server run` from
# yqbox::cmd::serve. Every worker thread makes its own interpreter, which runs `yqbox::setup` with
# the same data directory and config file and then web::init; the interpreter of `serve` itself
# becomes the background one (server::startcheck, server::background) and runs in the thread that
# called `server run`. A reload (SIGHUP) makes fresh interpreters (the background one with
# yqbox::setup and server::background), so a changed script or appliance.conf takes effect without
# a restart; listen addresses and the worker and driver counts need a restart.
#
# Logs on stderr: "TIME LEVEL message" (TIME in UTC, ISO 8601). The access log (access_log key)
# has one line per response: TIME PEER "METHOD TARGET HTTP/1.x" STATUS BODY-BYTES MILLISECONDS SCHEME.

namespace eval server {
    variable started 0
}

conf::key https addr 0.0.0.0:8443 \
    "HTTPS 监听地址 主机:端口"
conf::key http addr "" \
    "HTTP（明文）监听地址 主机:端口，留空则不监听；除 http_mode 为 serve 外一律跳转到 HTTPS"
conf::key http_mode {enum redirect serve} redirect \
    "HTTP 监听的处理方式：redirect 跳转到 HTTPS，或 serve 直接服务（前面有终结 TLS 的代理时）"
conf::key workers {integer 0 256} 0 \
    "运行网页 Tcl 脚本的工作线程数；0 表示每个处理器一个"
conf::key drivers {integer 0 64} 0 \
    "处理连接（TLS 握手、加解密、HTTP）的驱动线程数；0 表示每个处理器一个"
conf::key tls_cert path "" \
    "PEM 证书链（服务器证书在前）；留空则在数据目录中生成自签名证书"
conf::key tls_key path "" \
    "tls_cert 的 PEM 私钥"
conf::key max_request_line {integer 64 1048576} 8192 \
    "请求行的最大字节数（超过返回 414）"
conf::key max_header_size {integer 256 4194304} 16384 \
    "请求头（请求行和各头字段）的最大字节数（超过返回 431）"
conf::key max_headers {integer 4 256} 100 \
    "一个请求最多的头字段数（超过返回 431）"
conf::key max_body {integer 0 1073741824} 1048576 \
    "请求体的最大字节数（超过返回 413）；文件上传可达 submission_file_max 再加 1 MB 表单字段"
conf::key max_connections {integer 1 1000000} 20000 \
    "同时打开的最多连接数，超出的连接立即关闭"
conf::key header_timeout {number 0.1 3600} 10 \
    "客户端发送完整请求头或完成 TLS 握手最长可用的秒数（超时返回 408）"
conf::key body_timeout {number 0.1 3600} 30 \
    "客户端发送请求体最长可用的秒数（超时返回 408）"
conf::key idle_timeout {number 0.1 86400} 60 \
    "空闲的长连接（或停滞的响应）保持打开的秒数"
conf::key shutdown_timeout {number 0.1 3600} 10 \
    "收到 SIGTERM 后等待进行中的请求完成的秒数，之后关闭其余连接"
conf::key cache_bytes {integer 0 17179869184} 67108864 \
    "公开页面响应缓存所用的内存（字节）"
conf::key access_log string - \
    "访问日志：- 为标准输出，留空为不记录，或为文件（相对数据目录）"
conf::key demo_routes boolean 0 \
    "提供 /demo/ 页面（接口示例和性能测试页）；生产环境应关闭"
conf::key public_url baseurl "" \
    "本机的公开地址 https://主机 或 https://主机:端口：绝对链接（Atom、JSON 接口）使用它而非请求的 Host，设置后请求其他主机名返回 421；留空则用相对链接、接受任何 Host"
conf::key trusted_proxies string "" \
    "本机前面的反向代理的 IP 地址（空格分隔，最多 16 个）：来自它们的请求按 X-Forwarded-For 中最右边的非代理地址计为客户端地址，用于限流、审计、访问日志和仅限本机的 /metrics；留空则用连接对端地址、忽略 X-Forwarded-For"

# log: write MESSAGE at LEVEL (debug info warning error) to stderr unless below log_level.
proc ::log {level message} {
    set order {debug 0 info 1 warning 2 error 3}
    if {![dict exists $order $level]} { error "bad level \"$level\": must be debug, info, warning or error" }
    if {[dict get $order $level] >= [dict get $order [conf::get log_level]]} {
        yqbox::log $level $message
    }
    return
}

# server::workers: the worker count to use (the workers key, or one per processor).
proc server::workers {} {
    set n [conf::get workers]
    if {$n == 0} { set n [server cores] }
    return $n
}

# server::drivers: the driver thread count to use (the drivers key, or one per processor).
proc server::drivers {} {
    set n [conf::get drivers]
    if {$n == 0} { set n [expr {min(64, [server cores])}] }
    return $n
}

# server::apply: give the driver the configured limits, certificate, static files and access log.
# Runs in the background interpreter at start and on every reload. Errors leave the old settings.
proc server::apply {} {
    set dir [yqbox::needdata]
    server configure \
        -max-request-line [conf::get max_request_line] -max-header-size [conf::get max_header_size] \
        -max-headers [conf::get max_headers] -max-body [expr {max(1, [conf::get max_body])}] \
        -max-connections [conf::get max_connections] -header-timeout [conf::get header_timeout] \
        -body-timeout [conf::get body_timeout] -idle-timeout [conf::get idle_timeout] \
        -shutdown-timeout [conf::get shutdown_timeout] \
        -http-serve [expr {[conf::get http_mode] eq "serve"}] \
        -cache-bytes [expr {max(1, [conf::get cache_bytes])}] \
        -public-host [server::publicHost] \
        -max-upload [expr {max(1, [conf::get max_body], [conf::get submission_file_max] + 1048576)}] \
        -trusted-proxies [conf::get trusted_proxies]
    set tls [server tls [conf::path tls_cert] [conf::path tls_key] $dir]
    if {[dict get $tls generated]} {
        log info "generated a self-signed ECDSA P-256 certificate: [file join $dir tls-cert.pem]"
    }
    log info "TLS certificate SHA-256 fingerprint [dict get $tls fingerprint]"
    set key [conf::path tls_key]
    if {$key eq ""} { set key [file join $dir tls-key.pem] }
    foreach w [certProblems $tls $key] { log warning "TLS: $w" }
    server static
    set alog [conf::get access_log]
    if {$alog ni {- ""} && [file pathtype $alog] ne "absolute"} { set alog [file join $dir $alog] }
    server accesslog $alog
    cache invalidate *
}

# server::certProblems: what is wrong with the certificate TLS (the dict of `server tls`) and its
# key file KEY, as sentences for the administrator: expired or not yet valid (by yqbox::now), an
# RSA key under 2048 bits or an EC key under 256, a key file others may read. Returns a list
# (empty: nothing wrong). Used at start and reload (logged) and by doctor.
proc server::certProblems {tls key} {
    set out {}
    set now [yqbox::now]
    # (by arithmetic: loading clock.tcl would cost the start ~10 ms)
    set from [yqbox::seconds "[dict get $tls valid_from]+00:00"]
    set to [yqbox::seconds "[dict get $tls valid_to]+00:00"]
    if {$now > $to} { lappend out "证书已于 [dict get $tls valid_to] (UTC) 过期，浏览器将拒绝连接：请更换证书（tls_cert/tls_key）后 systemctl reload yqbox" }
    if {$now < $from} { lappend out "证书自 [dict get $tls valid_from] (UTC) 起才生效：请检查本机时钟或证书" }
    set type [dict get $tls key_type]; set bits [dict get $tls key_bits]
    if {($type eq "RSA" && $bits < 2048) || ([string match EC* $type] && $bits < 256)} {
        lappend out "证书密钥为 $type $bits 位，强度不足（至少 RSA 2048 位或 ECDSA P-256）：请更换证书"
    }
    if {[file exists $key] && [file attributes $key -permissions] & 0077} {
        lappend out "私钥文件 $key 的权限为 [format %04o [expr {[file attributes $key -permissions] & 0777}]]，其他用户可读：请执行 chmod 600 $key"
    }
    return $out
}

# server::publicHost: the HOST[:PORT] of public_url ("" when it is unset).
proc server::publicHost {} {
    regsub {^https?://} [conf::get public_url] "" host
    return $host
}

# server::background: initialise the background interpreter (server thread): apply the
# configuration and run the onapply hooks (before the server answers: the log file, so that the
# "serving" line and everything after it go there), and make the console's `exit` refuse (Tcl's
# own would end the whole server; an attached console leaves on `exit` by itself, see
# server::remote). The onstart hooks are not
# needed to answer a request: they run in this interpreter's event loop right after (the drivers
# do not wait for them; at the start the workers may still be making their interpreters).
proc server::background {} {
    apply
    foreach hook $::server::onapply { uplevel #0 $hook }
    proc ::cmdlayer::impl::exit._ {code} {
        error "在服务进程中 exit 会停止整个服务：停止服务请用 server stop；在已连接的控制台输入 exit 即退出控制台"
    }
    after 0 server::onstartRun
    return
}

# server::onstartRun: run the onstart hooks in their order; one that fails is logged (error) and
# the others still run. Returns nothing.
proc server::onstartRun {} {
    foreach hook $::server::onstart {
        if {[catch {uplevel #0 $hook} msg opts]} {
            log error "start hook failed: $hook: [dict get $opts -errorinfo]"
        }
    }
    return
}
# server::onstart: scripts the background interpreter runs at start and after each reload; modules
# append to it (the patrol and the deadline clock start there).
# server::onapply: quick scripts the background interpreter runs at start and after each reload
# right after applying the configuration, before the server answers (logs::open).
namespace eval server {
    variable onstart
    if {![info exists onstart]} { set onstart {} }
    variable onapply
    if {![info exists onapply]} { set onapply {} }
}

conf::key db_check_start_ms {integer 1 600000} 50 \
    "服务启动时数据库检查（quick_check）最多用时（毫秒）；超过，或数据库大于此数乘 1 MB（必然超过），则在启动后由后台任务完成整个检查"

# server::ready: called by `server run` once everything listens: say where.
proc server::ready {where} {
    puts "yqbox [dict get [yqbox::versions] yqbox] serving [yqbox::needdata]: $where, [server::workers] worker(s), [server::drivers] driver thread(s)"
    flush stdout
    log info "serving: $where"
}

# yqbox::cmd::serve: run the server on the data directory until SIGTERM/SIGINT. Exit 0 after a
# clean stop; 1 when it cannot start (message on stderr). The database is opened here first (its
# schema brought up to date). This interpreter then becomes the background one (`server run`):
# it checks the database (server::startcheck) and applies the configuration while the first
# worker makes its interpreter.
proc yqbox::cmd::serve {args} {
    if {[llength $args]} { return [yqbox::Usage serve] }
    set dir [yqbox::needdata]
    db::checkdir $dir
    server lock [file join $dir yqbox.pid]
    try {
        db::connect $dir
        # the threads' interpreters open the directory this process has just made private
        set setup "[list yqbox::setup $dir $conf::file]; [list set ::db::secured([file normalize $dir]) 1]"
        server run -https [conf::get https] -http [conf::get http] \
            -control [file join $dir control.sock] -workers [server::workers] \
            -drivers [server::drivers] \
            -worker-init "$setup; server::workerInit" -background-init "$setup; server::background" \
            -background-start "$setup; server::startcheck; server::background" -ready server::ready
    } finally {
        server unlock
    }
    log info "stopped"
    return 0
}

# server::workerInit: the rest of a worker interpreter's init (after yqbox::setup): the web pages
# (web::init). `server run` has set ::server::worker to the worker's number. For the tests only
# (YQBOX_TESTING set): YQBOX_TEST_WORKER_FAIL=N makes worker N fail here, as a worker that cannot
# start would. Raises on failure; returns nothing.
proc server::workerInit {} {
    variable worker
    if {[info exists ::env(YQBOX_TESTING)] && [info exists ::env(YQBOX_TEST_WORKER_FAIL)]
        && $::env(YQBOX_TEST_WORKER_FAIL) eq $worker} {
        yq::fail server.workertest $worker
    }
    web::init
    return
}

# server::startcheck: the database check of the start, in the background interpreter before the
# server answers: quick_check for at most db_check_start_ms; damage found pauses writes
# (db::checkhealth) and is said on stderr. A check that needs longer is run whole by the
# integrity job a second after the start: one given up after the budget, or one not begun
# because quick_check reads the whole file and this one is larger than it could read in the
# budget even at 1 MB per millisecond (several times this machine's speed: 186 MB took 1.6 s),
# so that a large database costs the start nothing. Returns nothing.
proc server::startcheck {} {
    set budget [conf::get db_check_start_ms]
    set later {after 1000 {job::run integrity}}
    if {[db onecolumn {PRAGMA page_count}] * [db onecolumn {PRAGMA page_size}] > $budget * 1048576} {
        eval $later
        return
    }
    try {
        if {[llength [db::checkhealth $budget]]} {
            puts stderr "警告：数据库检查发现损坏，已暂停写入（[db::marker]）；系统继续提供查询"
        }
    } trap {YQBOX DB LATER} {} {
        eval $later
    }
    return
}

# yqbox::cmd::status: print the state of the server running on the data directory.
proc yqbox::cmd::status {args} {
    if {[llength $args]} { return [yqbox::Usage status] }
    set dir [yqbox::needdata]
    set sock [file join $dir control.sock]
    if {![control ping $sock]} {
        puts stderr [yq::mc server.notrunning $dir]
        return 1
    }
    puts [control eval $sock server::status]
    return 0
}

# server::status: the text `yqbox status` prints (evaluated in the server).
proc server::status {} {
    set s [server stats]
    set up [dict get $s uptime]
    set out [list [format "uptime %dd %02d:%02d:%02d" [expr {$up / 86400}] [expr {$up % 86400 / 3600}] \
                       [expr {$up % 3600 / 60}] [expr {$up % 60}]]]
    lappend out "connections [dict get $s connections] open ([dict get $s tls_connections] TLS),\
        [dict get $s accepted] accepted, [dict get $s rejected] rejected"
    lappend out "requests [dict get $s requests] ([dict get $s dynamic] dynamic,\
        [dict get $s static_hits] static, [dict get $s cache_hits] from cache;\
        [dict get $s status_4xx] 4xx, [dict get $s status_5xx] 5xx), [dict get $s queued] queued"
    foreach d [dict get $s drivers] {
        lappend out "driver [dict get $d id]: [dict get $d connections] open, [dict get $d accepted] accepted,\
            [dict get $d handshakes] handshakes, [dict get $d requests] requests"
    }
    foreach w [dict get $s workers] {
        set line "worker [dict get $w id] [dict get $w state], [dict get $w served] served,\
            [dict get $w errors] errors"
        if {[dict exists $w request]} {
            append line [format ", on %s for %.1f s" [dict get $w request] [dict get $w seconds]]
        }
        lappend out $line
    }
    if {![catch {job::Lines} jobs] && $jobs ne ""} {
        lappend out "后台任务：" $jobs
    }
    if {![catch {yqbox::notes} notes]} {
        foreach n $notes { lappend out "注意：$n" }
    }
    join $out \n
}

# server::console: attach the console to the server running on DIR; returns 0 when done, or -1
# when no server answers there (the caller opens the data directory itself).
proc server::console {dir history} {
    set sock [file join $dir control.sock]
    if {![control ping $sock]} { return -1 }
    if {[yqbox::interactive]} {
        puts [yq::mc cli.attached [dict get [yqbox::versions] yqbox] $dir]
        if {![catch {control eval $sock yqbox::notes} notes]} { yqbox::Notes $notes }
    }
    yqbox::repl -history $history -eval [list server::remote $sock]
    return 0
}

# server::remote: evaluate SCRIPT in the attached server, in its ::console namespace as the local
# console does; `exit` leaves the console instead (the server keeps running).
proc server::remote {sock script} {
    if {[regexp {^\s*exit(\s+\d+)?\s*$} $script]} { exit 0 }
    control eval $sock [list namespace eval ::console $script]
}

# ---- timers of the background interpreter ----

namespace eval timer {
    variable timers {}   ;# id -> dict kind every|daily|once, spec, script, after
    variable n 0
}

# every: `every SECONDS SCRIPT` runs SCRIPT every SECONDS seconds in the background
# interpreter (first run after SECONDS); returns its id. `every cancel ID` stops it.
cmdlayer::command every "" {{seconds 秒数} {script 脚本}} \
    "每隔若干秒在后台解释器中执行脚本；返回定时任务编号" "every cancel 编号 取消该定时任务。" {
    if {$seconds eq "cancel"} { return [timer::cancel $script] }
    if {![string is double -strict $seconds] || $seconds <= 0} {
        error "every：秒数须为正数，而不是 \"$seconds\""
    }
    timer::add every $seconds $script
}

# at: `at HH:MM SCRIPT` runs SCRIPT every day at that time; `at "YYYY-MM-DD HH:MM" SCRIPT` once
# (in the configured time zone). Returns its id; `at cancel ID` cancels it.
cmdlayer::command at "" {{when 时刻} {script 脚本}} \
    "每天定时（时刻为 HH:MM）或在指定时刻（\"YYYY-MM-DD HH:MM\"）一次执行脚本；返回定时任务编号" \
    "at cancel 编号 取消该定时任务。" {
    if {$when eq "cancel"} { return [timer::cancel $script] }
    if {[regexp {^\d{1,2}:\d{2}$} $when]} {
        conf::check hhmm $when
        return [timer::add daily $when $script]
    }
    if {[catch {clock scan $when -format {%Y-%m-%d %H:%M}} t]
        && [catch {clock scan $when -format {%Y-%m-%d %H:%M:%S}} t]} {
        error "at：时刻须为 HH:MM（每天）或 \"YYYY-MM-DD HH:MM\"，而不是 \"$when\""
    }
    if {$t <= [clock seconds]} { error "at：$when 已经过去" }
    timer::add once $t $script
}

# timers: the timers of this interpreter, one "ID KIND SPEC SCRIPT" per line.
cmdlayer::command timers "" {} "列出后台定时任务" {
    set out {}
    dict for {id t} $timer::timers {
        lappend out [list $id [dict get $t kind] [dict get $t spec] [dict get $t script]]
    }
    join $out \n
}

# timer::add: register a timer and schedule its first run. Returns the id.
proc timer::add {kind spec script} {
    variable timers
    variable n
    set id timer[incr n]
    dict set timers $id [dict create kind $kind spec $spec script $script after {}]
    schedule $id
    return $id
}

# timer::delay: milliseconds until timer ID should next run.
proc timer::delay {id} {
    variable timers
    set t [dict get $timers $id]
    set spec [dict get $t spec]
    switch -- [dict get $t kind] {
        every { return [expr {max(1, int($spec * 1000))}] }
        once { return [expr {max(0, ($spec - [clock seconds]) * 1000)}] }
        daily {
            set now [clock seconds]
            set today [clock format $now -format %Y-%m-%d]
            set next [clock scan "$today $spec" -format {%Y-%m-%d %H:%M}]
            if {$next <= $now} { set next [clock add $next 1 day] }
            return [expr {($next - $now) * 1000}]
        }
    }
}

# timer::schedule: arrange the next run of timer ID.
proc timer::schedule {id} {
    variable timers
    dict set timers $id after [after [delay $id] [list timer::fire $id]]
}

# timer::fire: run timer ID's script (errors are logged, never fatal) and schedule the next run.
proc timer::fire {id} {
    variable timers
    if {![dict exists $timers $id]} { return }
    set t [dict get $timers $id]
    if {[dict get $t kind] eq "once"} { dict unset timers $id } else { schedule $id }
    if {[catch {uplevel #0 [dict get $t script]} msg opts]} {
        log error "timer $id failed: [dict get $opts -errorinfo]"
    }
}

# timer::cancel: stop timer ID. Returns nothing; errors for an unknown id.
proc timer::cancel {id} {
    variable timers
    if {![dict exists $timers $id]} { error "no timer \"$id\"" }
    after cancel [dict get $timers $id after]
    dict unset timers $id
    return
}

cmdlayer::external server {stats | reload | stop | configure ...} "查看服务状态、重新加载脚本与配置、停止服务"
cmdlayer::external cache {invalidate 名称} "清除缓存的公开页面（名称为 * 时全部清除）"
cmdlayer::command log "" {{level 级别 choice(debug|info|warning|error)} {message 内容}} "写一条日志" {
    ::log $level $message
}
