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
#   viewer    查看        reads its own unit's events
# The three admin roles are separate: no user holds two of them, and each one's permissions are
# its own. The console acts as the machine's owner (`console`), holding every permission; its
# actions are audited like any other.
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
        source.manage   {sysadmin}
        rule.manage     {sysadmin}
        calendar.manage {sysadmin office}
        config.manage   {sysadmin}
        health.view     {sysadmin office}
        user.manage     {secadmin}
        session.manage  {secadmin}
        audit.read      {auditor}
        event.view.all  {office leader}
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
    }
    variable unitKinds {office department township leadership other}
    # the principal of the commands being run: dict login roles unit_id unit origin
    variable actor {login console user_id {} roles {} unit_id {} unit {} origin console superuser 1}
}

conf::key password_iterations {integer 600000 10000000} 600000 \
    "PBKDF2-HMAC-SHA256 iterations for new password hashes"
conf::key password_min_length {integer 8 128} 10 "Minimum length of a password"
conf::key login_max_failures {integer 3 100} 5 "Failed logins in a row before the account locks"
conf::key login_lockout_minutes {integer 1 1440} 15 "How long a locked account stays locked"

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

# org::require: error "permission denied" unless the principal holds PERM.
proc org::require {perm} {
    if {![can $perm]} {
        error "permission denied: [dict get [actor] login] may not $perm" {} {YQBOX DENIED}
    }
}

# org::unitId: the id of the unit named NAME (or given as an id); errors if there is none.
proc org::unitId {name} {
    set id [db onecolumn {SELECT id FROM unit WHERE name = $name OR (id = $name AND $name GLOB '[0-9]*')}]
    if {$id eq ""} { error "no unit \"$name\" ('unit list' shows the units)" }
    return $id
}

# org::userId: the id of the user with login LOGIN; errors if there is none.
proc org::userId {login} {
    set id [db onecolumn {SELECT id FROM user WHERE login = $login}]
    if {$id eq ""} { error "no user \"$login\" ('user list' shows the users)" }
    return $id
}

# org::checkRoles: errors unless ROLES are known and hold at most one admin role.
proc org::checkRoles {roles} {
    variable adminRoles
    set known $::org::roles
    foreach r $roles {
        if {$r ni $known} { error "unknown role \"$r\": must be one of [join $known {, }]" }
    }
    set admins [lmap r $roles { expr {$r in $adminRoles ? $r : [continue]} }]
    if {[llength $admins] > 1} {
        error "the admin roles are separate: one user cannot hold [join $admins { and }]"
    }
}

# org::hashPassword: PASSWORD as pbkdf2-sha256$ITER$SALT$HASH. Errors if it is too short, or
# wrapped in quotes (shell habit at the Tcl console: the quotes would become part of it).
proc org::hashPassword {password} {
    if {[regexp {^'.*'$|^".*"$} $password] && [string length $password] > 1} {
        error "密码两端带有引号：控制台是 Tcl，含空格的值请用花括号括起，例如 -password {a long password}"
    }
    if {[string length $password] < [conf::get password_min_length]} {
        error "the password must have at least [conf::get password_min_length] characters"
    }
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

# org::authenticate: check LOGIN and PASSWORD from ORIGIN; returns the principal dict on success.
# Failures count toward the lockout; every attempt is audited. Errors with a message that does not
# say whether the login exists.
proc org::authenticate {login password origin} {
    set now [yqbox::now]
    set row [db eval {SELECT id, password, failed, locked_until, active FROM user WHERE login = $login}]
    lassign $row id hash failed locked active
    set fail "wrong login or password"
    if {$id eq "" || !$active} {
        as [dict create login $login user_id {} roles {} unit_id {} unit {} origin $origin superuser 0] {
            db transaction immediate { audit::record login.fail user:$login -after "unknown or disabled" }
        }
        error $fail {} {YQBOX AUTH}
    }
    set principal [principal $id $origin]
    if {$locked ne "" && $now < [yqbox::seconds $locked]} {
        as $principal { db transaction immediate { audit::record login.locked user:$login } }
        error "the account is locked; try again later or ask the security admin" {} {YQBOX LOCKED}
    }
    if {![checkPassword $password $hash]} {
        incr failed
        set lock ""
        if {$failed >= [conf::get login_max_failures]} {
            set lock [yqbox::iso [expr {$now + 60 * [conf::get login_lockout_minutes]}]]
        }
        as $principal {
            db transaction immediate {
                db eval {UPDATE user SET failed = $failed, locked_until = nullif($lock, '') WHERE id = $id}
                audit::record login.fail user:$login -after "failed=$failed[expr {$lock ne "" ? " locked until $lock" : ""}]"
            }
        }
        error $fail {} {YQBOX AUTH}
    }
    as $principal {
        db transaction immediate {
            db eval {UPDATE user SET failed = 0, locked_until = NULL WHERE id = $id}
            audit::record login.ok user:$login
        }
    }
    return $principal
}

# org::principal: the principal dict of user ID acting from ORIGIN.
proc org::principal {id origin} {
    db eval {SELECT u.login, u.unit_id, n.name AS unit FROM user u JOIN unit n ON n.id = u.unit_id
             WHERE u.id = $id} r {}
    dict create login $r(login) user_id $id roles [db eval {SELECT role FROM user_role WHERE user_id = $id ORDER BY role}] \
        unit_id $r(unit_id) unit $r(unit) origin $origin superuser 0
}

# ---- console commands ----

# unit: manage units. See help lines below.
proc ::unit {sub args} {
    switch -- $sub {
        list {
            set out {}
            db eval {SELECT id, name, kind, contact, phone, active FROM unit ORDER BY id} {
                lappend out [format "%3d  %-16s %-10s %s %s%s" $id $name $kind $contact $phone \
                                 [expr {$active ? "" : "  (停用)"}]]
            }
            return [join $out \n]
        }
        add {
            org::require unit.manage
            if {[llength $args] < 2 || [llength $args] % 2} {
                error "usage: unit add NAME KIND ?-parent UNIT? ?-contact NAME? ?-phone P? ?-email E?"
            }
            set args [lassign $args name kind]
            if {$kind ni $org::unitKinds} { error "unknown unit kind \"$kind\": must be one of [join $org::unitKinds {, }]" }
            if {[string trim $name] eq ""} { error "a unit needs a name" }
            set o [dict merge {-parent "" -contact "" -phone "" -email ""} $args]
            if {[dict size $o] != 4} { error "unknown option in: $args" }
            set parent [expr {[dict get $o -parent] eq "" ? "" : [org::unitId [dict get $o -parent]]}]
            set contact [dict get $o -contact]; set phone [dict get $o -phone]; set email [dict get $o -email]
            set at [yqbox::iso]
            db transaction immediate {
                if {[db exists {SELECT 1 FROM unit WHERE name = $name}]} { error "unit \"$name\" exists already" }
                db eval {INSERT INTO unit(name, kind, parent_id, contact, phone, email, created)
                         VALUES($name, $kind, nullif($parent, ''), $contact, $phone, $email, $at)}
                set id [db last_insert_rowid]
                audit::record unit.create unit:$id -after "$name $kind"
            }
            return $id
        }
        set {
            org::require unit.manage
            if {[llength $args] < 3 || [llength $args] % 2 == 0} { error "usage: unit set UNIT FIELD VALUE ?FIELD VALUE ...?" }
            set args [lassign $args name]
            db transaction immediate {
                set id [org::unitId $name]
                foreach {f v} $args {
                    if {$f ni {contact phone email name active}} { error "unknown unit field \"$f\": must be contact, phone, email, name or active" }
                    if {$f eq "active" && ![string is boolean -strict $v]} { error "active must be a boolean" }
                    set old [db onecolumn "SELECT $f FROM unit WHERE id = \$id"]
                    db eval "UPDATE unit SET $f = \$v WHERE id = \$id"
                    audit::record unit.update unit:$id -before "$f=$old" -after "$f=$v"
                }
            }
            return
        }
        default { error "unknown subcommand \"$sub\": must be list, add or set" }
    }
}

# user: manage users, their roles and passwords.
proc ::user {sub args} {
    switch -- $sub {
        list {
            set out {}
            db eval {SELECT u.id, u.login, u.name, n.name AS unit, u.active, u.locked_until,
                            (SELECT group_concat(role, ' ') FROM user_role WHERE user_id = u.id) AS roles
                     FROM user u JOIN unit n ON n.id = u.unit_id ORDER BY u.id} {
                lappend out [format "%3d  %-12s %-8s %-12s %s%s%s" $id $login $name $unit $roles \
                    [expr {$active ? "" : "  (停用)"}] [expr {$locked_until ne "" ? "  (锁定至 $locked_until)" : ""}]]
            }
            return [join $out \n]
        }
        add {
            org::require user.manage
            set quoted [expr {[lsearch -glob $args '*] >= 0}]
            set hint "控制台是 Tcl：含空格的值请用花括号括起，不用单引号，例如 -password {a long password}"
            if {[llength $args] < 3 || [llength $args] % 2 == 0} {
                if {$quoted} { error $hint }
                error "usage: user add LOGIN NAME UNIT ?-roles ROLES? ?-password P? ?-phone P? ?-email E?"
            }
            set args [lassign $args login name unitName]
            set o [dict merge {-roles {} -password "" -phone "" -email ""} $args]
            if {[dict size $o] != 4} { error [expr {$quoted ? $hint : "unknown option in: $args"}] }
            if {![regexp {^[A-Za-z0-9_.@-]{1,64}$} $login]} {
                error "a login is 1 to 64 letters, digits or _ . @ -"
            }
            org::checkRoles [dict get $o -roles]
            set hash [expr {[dict get $o -password] eq "" ? "" : [org::hashPassword [dict get $o -password]]}]
            set phone [dict get $o -phone]; set email [dict get $o -email]
            set at [yqbox::iso]
            db transaction immediate {
                set unitId [org::unitId $unitName]
                if {[db exists {SELECT 1 FROM user WHERE login = $login}]} { error "user \"$login\" exists already" }
                db eval {INSERT INTO user(login, name, unit_id, phone, email, password, created, password_set)
                         VALUES($login, $name, $unitId, $phone, $email, $hash, $at, CASE WHEN $hash = '' THEN NULL ELSE $at END)}
                set id [db last_insert_rowid]
                foreach r [dict get $o -roles] { db eval {INSERT INTO user_role VALUES($id, $r)} }
                audit::record user.create user:$login -after "unit=$unitName roles=[dict get $o -roles]"
            }
            return $id
        }
        passwd {
            org::require user.manage
            if {[llength $args] != 2} { error "usage: user passwd LOGIN PASSWORD" }
            lassign $args login password
            set hash [org::hashPassword $password]
            set at [yqbox::iso]
            db transaction immediate {
                set id [org::userId $login]
                db eval {UPDATE user SET password = $hash, password_set = $at, failed = 0, locked_until = NULL WHERE id = $id}
                audit::record user.password user:$login
            }
            return
        }
        role {
            org::require user.manage
            if {[llength $args] != 3 || [lindex $args 1] ni {add remove}} { error "usage: user role LOGIN add|remove ROLE" }
            lassign $args login op role
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
        unlock - disable - enable {
            org::require user.manage
            if {[llength $args] != 1} { error "usage: user $sub LOGIN" }
            set login [lindex $args 0]
            db transaction immediate {
                set id [org::userId $login]
                switch -- $sub {
                    unlock { db eval {UPDATE user SET failed = 0, locked_until = NULL WHERE id = $id} }
                    disable { db eval {UPDATE user SET active = 0 WHERE id = $id} }
                    enable { db eval {UPDATE user SET active = 1 WHERE id = $id} }
                }
                audit::record user.$sub user:$login
            }
            return
        }
        default { error "unknown subcommand \"$sub\": must be list, add, passwd, role, unlock, disable or enable" }
    }
}

help::add unit {list | add NAME KIND ?-parent U? ?-contact C? ?-phone P? ?-email E? | set UNIT FIELD VALUE} \
    "承办单位管理（信息办、部门、乡镇、领导）"
help::add user {list | add LOGIN NAME UNIT ?-roles R? ?-password P? | passwd | role | unlock | disable | enable} \
    "用户与角色管理（三员分立：系统、安全、审计管理员互不兼任）"
