# org.tcl - units, users, roles and who may do what; the acting principal of each command.
#
# Roles (DESIGN: user with roles):
#   sysadmin  系统管理员  units, sources, rules, calendar, configuration
#   secadmin  安全管理员  users, roles, passwords, lockouts, sessions
#   auditor   审计管理员  reads the full audit log
#   office    信息办      reports, assigns, judges, reviews and publishes events; all units
#   handler   承办人      claims and handles its own unit's events, drafts replies
#   unithead  单位负责人  approves its own unit's replies
#   leader    领导        sees all events, writes instructions (批示)
#   viewer    查看        a read-only member of the info office: reads every event, its timeline
#                         and documents, the dashboard and the reports; acts on nothing (every
#                         web POST but its own password, settings and logout is refused)
# The three admin roles are separate: no user holds two of them, and each one's permissions are
# its own. The console acts as the machine's owner (`console`), holding every permission; its
# actions are audited like any other. Who may manage which account (docs/separation.md) is decided
# in one place, org::mayManage, which every path that creates users, grants or removes roles,
# disables, enables, unlocks or resets passwords calls (console and web alike).
#
# Every change made here is one transaction with its audit entry.

namespace eval org {
    variable roles {sysadmin secadmin auditor office handler unithead leader viewer}
    variable adminRoles {sysadmin secadmin auditor}
    variable roleNames {
        sysadmin 系统管理员 secadmin 安全管理员 auditor 审计管理员 office 信息办
        handler 承办人 unithead 单位负责人 leader 领导 viewer 查看
    }
    # permission -> roles that hold it
    variable perms {
        unit.manage     {sysadmin}
        department.manage {sysadmin office}
        source.manage   {sysadmin}
        rule.manage     {sysadmin}
        calendar.manage {sysadmin office}
        config.manage   {sysadmin}
        health.view     {sysadmin office}
        user.manage     {secadmin}
        session.manage  {secadmin}
        totp.enrol      {sysadmin secadmin auditor}
        audit.read      {auditor}
        event.view.all  {office leader viewer}
        event.view.unit {office leader handler unithead viewer}
        event.report    {office}
        event.assign    {office}
        event.judge     {office}
        event.review    {office}
        event.publish   {office}
        event.claim     {office handler}
        event.handle    {handler}
        event.approve   {unithead}
        instruction.write {leader}
        work.list       {sysadmin secadmin auditor office handler unithead leader}
    }
    # the roles that only read: a user holding none but these is refused every action
    variable readOnly {viewer}
    variable unitKinds {office department township leadership other}
    # the principal of the commands being run: dict login roles unit_id unit origin
    variable actor {login console user_id {} roles {} unit_id {} unit {} origin console superuser 1}
}

conf::key password_iterations {integer 600000 10000000} 600000 \
    "新密码哈希的 PBKDF2-HMAC-SHA256 迭代次数"
conf::key password_min_length {integer 8 128} 10 "密码的最短长度"
conf::key login_max_failures {integer 3 100} 5 "连续登录失败达到此次数后锁定账号"
conf::key login_lockout_minutes {integer 1 1440} 15 \
    "账号（或客户端地址）被锁定的分钟数，也是累计登录失败次数的时间窗口"
conf::key login_max_per_address {integer 3 100000} 30 \
    "同一客户端地址在 login_lockout_minutes 内登录失败达到此次数后，在同样时长内拒绝其登录"

# org::actor: the current principal (a dict); org::as: run SCRIPT as PRINCIPAL (restored after).
proc org::actor {} { variable actor; return $actor }
proc org::as {principal script} {
    variable actor
    set saved $actor
    set actor $principal
    try { uplevel 1 $script } finally { set actor $saved }
}

# org::can: whether the current principal holds PERM (the console always does).
proc org::can {perm} {
    variable actor
    variable perms
    if {[dict get $actor superuser]} { return 1 }
    if {![dict exists $perms $perm]} { error "unknown permission $perm" }
    foreach r [dict get $actor roles] {
        if {$r in [dict get $perms $perm]} { return 1 }
    }
    return 0
}

# org::require: error (errorcode {YQBOX DENIED denied.perm}) unless the principal holds PERM.
proc org::require {perm} {
    if {![can $perm]} {
        yq::deny denied.perm [dict get [actor] login] [yq::mc perm.$perm] $perm
    }
}

# org::requireUnit: error (as org::require) unless the principal may manage units of KIND: it holds
# unit.manage, or KIND is department and it holds department.manage (the office ticks and renames
# the departments of the catalogue, scripts/web/setup.tcl /departments).
proc org::requireUnit {kind} {
    if {$kind eq "department" && [can department.manage]} return
    require unit.manage
}

# org::guarded: the skeleton of a guarded change that is no state transition (those are the
# workflow engine's): require PERM ("" none), run SCRIPT in the caller inside one write transaction,
# and audit it as ACTION on OBJECT in that transaction. SCRIPT returns {RESULT AFTER ?BEFORE?}: the
# value to return and the audit entry's after (and before) text; a "*" in OBJECT stands for RESULT
# (a new row's id). An error in SCRIPT undoes everything. Returns RESULT.
proc org::guarded {perm action object script} {
    if {$perm ne ""} { require $perm }
    set code [catch {
        ::db transaction immediate {
            set r [uplevel 1 $script]
            lassign $r result after before
            audit::record $action [string map [list * $result] $object] -before $before -after $after
        }
    } msg opts]
    if {$code} { return -options $opts $msg }
    return $result
}

# org::unitId: the id of the unit named NAME (or given as an id); errors if there is none.
proc org::unitId {name} {
    set id [db onecolumn {SELECT id FROM unit WHERE name = $name OR (id = $name AND $name GLOB '[0-9]*')}]
    if {$id eq ""} { yq::fail unit.none $name }
    return $id
}

# org::userId: the id of the user with login LOGIN; errors if there is none.
proc org::userId {login} {
    set id [db onecolumn {SELECT id FROM user WHERE login = $login}]
    if {$id eq ""} { yq::fail user.none $login }
    return $id
}

# org::checkRoles: errors unless ROLES are known and hold at most one admin role.
proc org::checkRoles {roles} {
    variable adminRoles
    set known $::org::roles
    foreach r $roles {
        if {$r ni $known} { yq::fail role.unknown $r [join $known {、}] }
    }
    set admins [lmap r $roles { expr {$r in $adminRoles ? $r : [continue]} }]
    if {[llength $admins] > 1} {
        yq::fail role.admins [join [lmap r $admins { dict get $::org::roleNames $r }] 和]
    }
}

# org::mayManage: check that the current principal may do OP (create passwd role disable enable
# unlock totp-reset) to the account LOGIN, giving or taking ROLES (create, role). The rules
# (docs/separation.md):
#   1. managing accounts needs user.manage (the security admin; the console owner);
#   2. no account holds two admin roles (org::checkRoles, binds the owner too);
#   3. admin roles are granted and removed only by the owner at the console;
#   4. an account holding an admin role is reset, disabled, enabled or re-roled only by the owner
#      (unlocking it and resetting its TOTP second factor are the security admin's too);
#   5. nobody manages their own account (roles, disable/enable, password reset, unlock, TOTP reset).
# Returns nothing; a refusal of rules 3-5 is audited (user.refused, its own transaction) and raised
# as {YQBOX SEPARATION} with a Chinese message saying why. Call it outside any transaction.
proc org::mayManage {op login {roles {}}} {
    require user.manage
    set why [whyNot $op $login $roles]
    if {$why eq ""} { return }
    db transaction immediate { audit::record user.refused user:$login -after "$op [join $roles { }]: $why" }
    error $why {} {YQBOX SEPARATION}
}

# org::whyNot: why the acting principal may not do OP to account LOGIN (with ROLES), by rules 3-5
# above, in Chinese; "" when it may. Reads only (the pages ask it before offering an action).
proc org::whyNot {op login {roles {}}} {
    variable adminRoles
    variable roleNames
    set a [actor]
    if {[dict get $a superuser]} { return "" }
    set why ""
    set mine [db eval {SELECT role FROM user_role JOIN user ON id = user_id WHERE login = $login ORDER BY role}]
    set given [lmap r $roles { expr {$r in $adminRoles ? [dict get $roleNames $r] : [continue]} }]
    set held [lmap r $mine { expr {$r in $adminRoles ? [dict get $roleNames $r] : [continue]} }]
    if {[string equal -nocase $login [dict get $a login]] && $op eq "totp-reset"} {
        set why "不能重置自己的动态口令，请由其他安全管理员或本机所有者办理"
    } elseif {[string equal -nocase $login [dict get $a login]]} {
        set why "不能管理自己的账号（授予或撤销自己的角色、停用或启用自己、重置自己的密码），请由其他安全管理员或本机所有者办理"
    } elseif {[llength $given]} {
        set why "管理员角色（系统管理员、安全管理员、审计管理员）只能由本机所有者在控制台授予或撤销，安全管理员不能授予或撤销：[join $given 、]"
    } elseif {[llength $held] && $op in {passwd role disable enable}} {
        set why "“$login”是管理员账号（[join $held 、]），只能由本机所有者在控制台重置密码、停用、启用或更改角色"
    }
    return $why
}

# org::passwordProblem: why PASSWORD may not be used, in Chinese, or "" when it may: built on a
# common password or its stem (scripts/common-passwords.txt, after stripping leading and trailing
# digits and punctuation), mostly digits, fewer than 4 different characters, or a run of the
# alphabet, the digits or the keyboard (ASVS V6). The length is checked by org::hashPassword.
proc org::passwordProblem {password} {
    variable common
    if {![info exists common]} {
        set common {}
        set f [open [yqbox::path scripts common-passwords.txt]]
        foreach line [split [read $f] \n] {
            if {$line ne "" && ![string match #* $line]} { dict set common [string trim $line] 1 }
        }
        close $f
    }
    set p [string tolower $password]
    set stem [string trim $p "0123456789!@#$%^&*()_+-=.,;:?~`'\"/\\|<>\[\]{} "]
    set bad [expr {[string length $stem] < 3 || [dict exists $common $stem] || [dict exists $common $p]
                   || [llength [lsort -unique [split $p ""]]] < 4}]
    foreach run {01234567890 abcdefghijklmnopqrstuvwxyz qwertyuiopasdfghjklzxcvbnm 1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p} {
        if {[string first $p $run] >= 0 || [string first $p [string reverse $run]] >= 0} { set bad 1 }
    }
    if {$bad} { return "密码过于常见或容易被猜到（常见密码、纯数字、连续或重复的字符），请换一个" }
    return ""
}

# org::hashPassword: PASSWORD as pbkdf2-sha256$ITER$SALT$HASH. Errors if it is too short, fails
# the policy (org::passwordProblem), or is wrapped in quotes (shell habit at the Tcl console: the
# quotes would become part of it).
proc org::hashPassword {password} {
    if {[regexp {^'.*'$|^".*"$} $password] && [string length $password] > 1} {
        yq::fail password.quoted
    }
    if {[string length $password] < [conf::get password_min_length]} {
        yq::fail password.short [conf::get password_min_length]
    }
    set why [passwordProblem $password]
    if {$why ne ""} { error $why }
    set iter [conf::get password_iterations]
    set salt [binary encode hex [crypto random 16]]
    return "pbkdf2-sha256\$$iter\$$salt\$[crypto pbkdf2 $password $salt $iter]"
}

# org::checkPassword: whether PASSWORD matches the stored HASH.
proc org::checkPassword {password hash} {
    if {![regexp {^pbkdf2-sha256\$(\d+)\$([0-9a-f]+)\$([0-9a-f]+)$} $hash -> iter salt want]} {
        return 0
    }
    crypto equal [crypto pbkdf2 $password $salt $iter] $want
}

# org::authenticate: check LOGIN and PASSWORD from ORIGIN ("web ADDRESS", "web", "console");
# returns the principal dict on success. The attempt is counted against the account name and the
# client address before the password is checked (org::Count), so parallel attempts cannot pass the
# limit; an unknown or disabled name costs the same PBKDF2 time as a real one, is counted and locked
# the same way and gets the same messages, so neither timing nor wording tells whether it exists.
# Errors {YQBOX AUTH} (wrong login or password), {YQBOX LOCKED} (this name is locked) or
# {YQBOX THROTTLED} (this address is). Every checked attempt and every new lock is audited; refusals
# while locked are not (they would fill the disk).
proc org::authenticate {login password origin} {
    set keys [throttleKeys $login $origin]
    set row [db eval {SELECT id, password, active, totp_secret != '' FROM user WHERE login = $login}]
    lassign $row id hash active totp
    set known [expr {$id ne "" && $active}]
    set principal [expr {$known ? [principal $id $origin]
        : [dict create login $login user_id {} roles {} unit_id {} unit {} origin $origin superuser 0]}]
    as $principal { db transaction immediate { set refused [Count $keys login] } }
    if {$refused ne ""} { Refuse $refused }
    set ok [checkPassword $password [expr {$known ? $hash : [dummyHash]}]]
    if {!$ok || !$known} {
        as $principal {
            db transaction immediate {
                set key [lindex $keys 0]
                set failed [db onecolumn {SELECT failed FROM login_throttle WHERE key = $key}]
                audit::record login.fail user:$login -after [expr {$known ? "failed=$failed" : "account=unknown"}]
                Failed $keys login
            }
        }
        yq::fail -class AUTH auth.wrong
    }
    as $principal {
        db transaction immediate {
            Succeeded $keys [expr {!$totp}]
            audit::record login.ok user:$login
        }
    }
    return $principal
}

# org::Refuse: error for an attempt refused by the lock on KEY (see org::authenticate).
proc org::Refuse {key} {
    if {[string match addr:* $key]} {
        yq::fail -class THROTTLED auth.throttled [string range $key 5 end] [conf::get login_lockout_minutes]
    }
    yq::fail -class LOCKED auth.locked
}

# org::dummyHash: a password hash no password matches, with the configured iterations (checking
# against it costs what checking a real one does).
proc org::dummyHash {} {
    return "pbkdf2-sha256\$[conf::get password_iterations]\$[string repeat 0 32]\$[string repeat 0 64]"
}

# org::throttleKeys: the login_throttle keys an attempt on LOGIN from ORIGIN counts against:
# name:LOGIN (lower case; a name longer than 64 characters by its SHA-256) and, when ORIGIN names a
# client address ("web ADDRESS"), addr:ADDRESS.
proc org::throttleKeys {login origin} {
    set l [string tolower $login]
    if {[string length $l] > 64} { set l sha256:[crypto sha256 $l] }
    set keys [list name:$l]
    set peer [lindex [split $origin " "] 1]
    if {$peer ne ""} { lappend keys addr:[string range $peer 0 63] }
    return $keys
}

# org::Limit: the most failed attempts counter KEY allows in a window.
proc org::Limit {key} {
    conf::get [expr {[string match addr:* $key] ? "login_max_per_address" : "login_max_failures"}]
}

# org::Count: count one attempt of WHAT (login, totp) against each of KEYS before anything is
# checked (inside the caller's write transaction). A counter whose window (login_lockout_minutes)
# or lock has passed starts again; one that goes over its limit is locked for login_lockout_minutes
# (audited as login.locked, once). Removes counters long expired. Returns "" when every counter
# is within its limit, else the first key that refuses the attempt.
proc org::Count {keys what} {
    set now [yqbox::now]
    set window [expr {60 * [conf::get login_lockout_minutes]}]
    db eval {DELETE FROM login_throttle WHERE since < $now - $window AND coalesce(locked_until, 0) <= $now}
    set refused ""
    foreach key $keys {
        set failed 0; set since $now; set locked ""
        db eval {SELECT failed AS f, since AS s, locked_until AS l FROM login_throttle WHERE key = $key} {
            set failed $f; set since $s; set locked $l
        }
        if {$locked ne "" && $locked > $now} {
            if {$refused eq ""} { set refused $key }
            continue
        }
        if {$locked ne "" || $now - $since > $window} { set failed 0; set since $now }
        incr failed
        set locked ""
        if {$failed > [Limit $key]} {
            set locked [expr {$now + $window}]
            if {$refused eq ""} { set refused $key }
            audit::record login.locked [ThrottleObject $key] -after "$what: over [Limit $key] attempts, locked until [yqbox::iso $locked]"
        }
        db eval {INSERT OR REPLACE INTO login_throttle(key, failed, since, locked_until)
                 VALUES($key, $failed, $since, nullif($locked, ''))}
    }
    return $refused
}

# org::Failed: the attempt counted by org::Count failed its check: lock every counter of KEYS that
# reached its limit (audited as login.locked, naming WHAT). Call inside the caller's write
# transaction, after the failure's own audit entry. Returns nothing.
proc org::Failed {keys what} {
    set now [yqbox::now]
    foreach key $keys {
        db eval {SELECT failed, locked_until AS l FROM login_throttle WHERE key = $key} {
            if {($l eq "" || $l <= $now) && $failed >= [Limit $key]} {
                set until [expr {$now + 60 * [conf::get login_lockout_minutes]}]
                db eval {UPDATE login_throttle SET locked_until = $until WHERE key = $key}
                audit::record login.locked [ThrottleObject $key] -after "$what: $failed failed attempts, locked until [yqbox::iso $until]"
            }
        }
    }
    return
}

# org::Succeeded: the attempt counted by org::Count passed its check: the address counter gives the
# attempt back; the name counter is cleared when the login is complete (FULL), else (a second
# factor is still due) only gives the attempt back, so codes guessed across logins keep counting.
proc org::Succeeded {keys full} {
    foreach key $keys {
        if {$full && [string match name:* $key]} {
            db eval {DELETE FROM login_throttle WHERE key = $key}
        } else {
            db eval {UPDATE login_throttle SET failed = max(0, failed - 1) WHERE key = $key}
        }
    }
}

# org::ThrottleObject: the audit object of counter KEY (user:LOGIN or addr:ADDRESS).
proc org::ThrottleObject {key} {
    if {[string match name:* $key]} { return user:[string range $key 5 end] }
    return $key
}

# org::lockedUntil: the time (seconds) until which LOGIN is locked, or "" when it is not.
proc org::lockedUntil {login} {
    set key [lindex [throttleKeys $login ""] 0]
    set now [yqbox::now]
    db onecolumn {SELECT locked_until FROM login_throttle WHERE key = $key AND locked_until > $now}
}

# org::unlock: clear LOGIN's failed-login counter and lock. Call inside the caller's transaction.
proc org::unlock {login} {
    set key [lindex [throttleKeys $login ""] 0]
    db eval {DELETE FROM login_throttle WHERE key = $key}
}

# org::unitsIn: the departments and townships that a period's figures cover, from FROM
# (inclusive) to TO (exclusive), ISO dates or times: those created before TO and not closed before
# FROM (a unit closed during the period stays in it). Returns {ID NAME ...} in id order.
proc org::unitsIn {from to} {
    db eval {SELECT id, name FROM unit WHERE kind IN ('department','township') AND created < $to
               AND (active OR deactivated >= $from) ORDER BY id}
}

# org::principal: the principal dict of user ID acting from ORIGIN.
proc org::principal {id origin} {
    db eval {SELECT u.login, u.unit_id, n.name AS unit FROM user u JOIN unit n ON n.id = u.unit_id
             WHERE u.id = $id} r {}
    dict create login $r(login) user_id $id roles [db eval {SELECT role FROM user_role WHERE user_id = $id ORDER BY role}] \
        unit_id $r(unit_id) unit $r(unit) origin $origin superuser 0
}

# ---- console commands ----

# unit: the console's management of units (承办单位).
cmdlayer::noun unit "承办单位管理（信息办、部门、乡镇、领导）"

cmdlayer::command unit list {} "列出单位：编号、名称、类型、联系人、电话" {
    set out {}
    db eval {SELECT id, name, kind, contact, phone, active FROM unit ORDER BY id} {
        lappend out [format "%3d  %-16s %-10s %s %s%s" $id $name $kind $contact $phone \
                         [expr {$active ? "" : "  (停用)"}]]
    }
    return [join $out \n]
}

cmdlayer::command unit add [list {name 名称} [list kind 类型 "choice([join $org::unitKinds |])"] {-parent 上级单位} \
                               {-contact 联系人} {-phone 电话} {-email 邮箱}] \
    "新增单位，返回编号" "类型：office 信息办，department 部门，township 乡镇，leadership 县领导，other 其他。" {
    org::requireUnit $kind
    if {[string trim $name] eq ""} { yq::fail unit.noname }
    if {$parent ne ""} { set parent [org::unitId $parent] }
    set at [yqbox::iso]
    db transaction immediate {
        if {[db exists {SELECT 1 FROM unit WHERE name = $name}]} { yq::fail unit.exists $name }
        db eval {INSERT INTO unit(name, kind, parent_id, contact, phone, email, created)
                 VALUES($name, $kind, nullif($parent, ''), $contact, $phone, $email, $at)}
        set id [db last_insert_rowid]
        audit::record unit.create unit:$id -after "$name $kind"
        analyse::Bump   ;# routing follows the box's units (analyse/map.tcl)
    }
    return $id
}

cmdlayer::command unit set {{unit 单位} {args 字段及值 text 2}} "修改单位的字段（可一次改多个）" \
    "字段：contact 联系人、phone 电话、email 邮箱、name 名称、active 是否启用（0 或 1）。" {
    org::requireUnit [db onecolumn {SELECT kind FROM unit WHERE name = $unit OR (id = $unit AND $unit GLOB '[0-9]*')}]
    if {[llength $args] % 2} { cmdlayer::wrong unit set "字段和值应成对；" }
    db transaction immediate {
        set id [org::unitId $unit]
        foreach {f v} $args {
            cmdlayer::Check 字段 $f choice(contact|phone|email|name|active)
            if {$f eq "active"} { set v [cmdlayer::Check active $v bool] }
            set old [db onecolumn "SELECT $f FROM unit WHERE id = \$id"]
            db eval "UPDATE unit SET $f = \$v WHERE id = \$id"
            if {$f eq "active" && $v != $old} {
                # when it closed: the periods after it no longer list the unit (org::unitsIn)
                set at [expr {$v ? "" : [yqbox::iso]}]
                db eval {UPDATE unit SET deactivated = nullif($at, '') WHERE id = $id}
            }
            audit::record unit.update unit:$id -before "$f=$old" -after "$f=$v"
        }
        analyse::Bump   ;# routing follows the box's units (analyse/map.tcl)
    }
    return
}

# user: the console's management of users, their roles and passwords.
cmdlayer::noun user "用户与角色管理（三员分立：系统、安全、审计管理员互不兼任）"

cmdlayer::command user list {} "列出用户：登录名、姓名、单位、角色、停用或锁定" {
    set out {}
    db eval {SELECT u.id, u.login, u.name, n.name AS unit, u.active,
                    (SELECT group_concat(role, ' ') FROM user_role WHERE user_id = u.id) AS roles
             FROM user u JOIN unit n ON n.id = u.unit_id ORDER BY u.id} {
        set locked_until [org::lockedUntil $login]
        if {$locked_until ne ""} { set locked_until [yqbox::iso $locked_until] }
        lappend out [format "%3d  %-12s %-8s %-12s %s%s%s" $id $login $name $unit $roles \
            [expr {$active ? "" : "  (停用)"}] [expr {$locked_until ne "" ? "  (锁定至 $locked_until)" : ""}]]
    }
    return [join $out \n]
}

cmdlayer::command user add {{login 登录名} {name 姓名} {unit 单位} {-roles 角色} {-password 密码} {-phone 电话} {-email 邮箱}} \
    "新增用户，返回编号（角色可给多个，如 -roles {handler unithead}）" \
    "角色：[cmdlayer::Or $org::roles]（sysadmin、secadmin、auditor 三员互不兼任）。" {
    org::require user.manage
    if {![regexp {^[A-Za-z0-9_.@-]{1,64}$} $login]} {
        yq::fail user.badlogin
    }
    org::checkRoles $roles
    org::mayManage create $login $roles
    set hash [expr {$password eq "" ? "" : [org::hashPassword $password]}]
    set at [yqbox::iso]
    db transaction immediate {
        set unitId [org::unitId $unit]
        if {[db exists {SELECT 1 FROM user WHERE login = $login}]} { yq::fail user.exists $login }
        db eval {INSERT INTO user(login, name, unit_id, phone, email, password, created, password_set)
                 VALUES($login, $name, $unitId, $phone, $email, $hash, $at, CASE WHEN $hash = '' THEN NULL ELSE $at END)}
        set id [db last_insert_rowid]
        foreach r $roles { db eval {INSERT INTO user_role VALUES($id, $r)} }
        audit::record user.create user:$login -after "unit=$unit roles=$roles"
    }
    return $id
}

cmdlayer::command user passwd {{login 登录名} {password 密码}} "设置用户的密码（并解除锁定）" {
    org::require user.manage
    org::mayManage passwd $login
    set hash [org::hashPassword $password]
    set at [yqbox::iso]
    db transaction immediate {
        set id [org::userId $login]
        db eval {UPDATE user SET password = $hash, password_set = $at WHERE id = $id}
        org::unlock $login
        audit::record user.password user:$login
    }
    return
}

cmdlayer::command user role [list {login 登录名} {op 操作 choice(add|remove)} [list role 角色 "choice([join $org::roles |])"]] \
    "给用户增加或去掉一个角色" {
    org::require user.manage
    org::mayManage role $login [list $role]
    db transaction immediate {
        set id [org::userId $login]
        set roles [db eval {SELECT role FROM user_role WHERE user_id = $id}]
        if {$op eq "add"} {
            org::checkRoles [lsort -unique [list {*}$roles $role]]
            db eval {INSERT OR IGNORE INTO user_role VALUES($id, $role)}
        } else {
            db eval {DELETE FROM user_role WHERE user_id = $id AND role = $role}
        }
        audit::record user.role user:$login -before $roles \
            -after [db eval {SELECT role FROM user_role WHERE user_id = $id ORDER BY role}]
    }
    return
}

# org::UserState: unlock, disable or enable (SUB) user LOGIN, with its audit entry.
proc org::UserState {sub login} {
    org::require user.manage
    org::mayManage $sub $login
    db transaction immediate {
        set id [org::userId $login]
        switch -- $sub {
            unlock { org::unlock $login }
            disable { db eval {UPDATE user SET active = 0 WHERE id = $id} }
            enable { db eval {UPDATE user SET active = 1 WHERE id = $id} }
        }
        audit::record user.$sub user:$login
    }
    return
}
cmdlayer::command user unlock {{login 登录名}} "解除因多次登录失败而锁定的用户" { org::UserState unlock $login }
cmdlayer::command user disable {{login 登录名}} "停用用户（其网页会话随之结束）" { org::UserState disable $login }
cmdlayer::command user enable {{login 登录名}} "重新启用用户" { org::UserState enable $login }
cmdlayer::command user totp-reset {{login 登录名}} "重置用户的动态口令（手机丢失时）：删除其密钥和恢复码、结束其会话，管理员下次登录时重新绑定（安全管理员，不能重置自己的）" {
    # a lost phone: the account's TOTP secret and recovery codes go, its sessions end, and (an
    # administrator) it enrols again after its next password login
    org::require user.manage
    org::mayManage totp-reset $login
    db transaction immediate {
        set id [org::userId $login]
        if {![session::totp::reset $id]} { yq::fail user.nototp $login }
        set n [session::endAll totp-reset $id]
        audit::record user.totp-reset user:$login -after [yq::mc user.totpreset $n]
    }
    return
}
