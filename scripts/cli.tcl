# cli.tcl - the yqbox command line: subcommands, their options, and the console commands that
# are about the appliance itself (version, config).
#
# yqbox::main receives the arguments after the global --dev option and returns the exit status:
# 0 success, 1 failure (message on stderr), 2 usage error. Every subcommand that uses data takes
# -d DATADIR; without it the YQBOX_DATA environment variable, then the datadir config key. The
# config file is -c FILE, else YQBOX_CONF, else DATADIR/appliance.conf, else ./appliance.conf.

namespace eval yqbox {
    variable datadir {}   ;# the data directory in use ("" when none was given)
    # subcommand -> {synopsis, one-line description}
    variable subcommands {
        version {""                         "显示 yqbox 及其内置各组件的版本"}
        eval    {"?-d DATADIR? SCRIPT"      "在载入全部命令后运行一段 Tcl 脚本"}
        run     {"?-d DATADIR? FILE ?ARG ...?" "运行一个 Tcl 脚本文件（argv 与 tclsh 相同）"}
        init    {"?-c FILE? ?-demo? ?DATADIR?" "创建或升级数据目录（数据库、默认配置）；-demo：虚构的青山县演示数据"}
        setup   {"?-d DATADIR? FILE"        "按设置文件完成本机的首次设置（本县名称、文号、领导、账号等；见 help setup file）"}
        console {"?-d DATADIR?"             "交互式 Tcl 控制台（连接正在运行的服务）"}
        serve   {"?-d DATADIR? ?-c FILE?"   "运行 HTTPS 服务、工作线程和后台任务"}
        status  {"?-d DATADIR?"             "显示数据目录上正在运行的服务的状态"}
        config  {"?-d DATADIR? ?-c FILE?"   "列出当前生效的配置及默认值和说明"}
        help    {""                         "显示本说明"}
    }
}

# yqbox::usage: the usage text listing every subcommand.
proc yqbox::usage {} {
    loadAll
    variable subcommands
    set out [list [yq::mc cli.usage "yqbox ?--dev DIR? SUBCOMMAND ?OPTIONS? ?ARG ...?"] "" [yq::mc cli.subcommands]]
    dict for {name spec} $subcommands {
        lassign $spec synopsis text
        lappend out [format "  %-40s %s" [string trim "$name $synopsis"] $text]
    }
    lappend out "" [yq::mc cli.options1] [yq::mc cli.options2]
    join $out \n
}

# yqbox::Usage: print subcommand SUB's usage line (its synopsis in yqbox::subcommands) on stderr.
# Returns 2, the exit status of a usage error.
proc yqbox::Usage {sub} {
    loadAll
    puts stderr [yq::mc cli.usage [string trimright "yqbox $sub [lindex [dict get $yqbox::subcommands $sub] 0]"]]
    return 2
}

# yqbox::main: run the subcommand in ARGV. Returns the exit status.
proc yqbox::main {argv} {
    variable subcommands
    if {[llength $argv] == 0} {
        puts stderr [usage]
        return 2
    }
    set args [lassign $argv sub]
    # modules sourced on first use add subcommands (backup, doctor, upgrade, ...: scripts/main.tcl)
    if {![dict exists $subcommands $sub]} { loadAll }
    if {![dict exists $subcommands $sub]} {
        puts stderr "yqbox: [yq::mc cli.nosub $sub]\n[usage]"
        return 2
    }
    # options come before the positional arguments; "--" ends them
    set opts [dict create -d "" -c ""]
    set demo 0
    while {[llength $args] && [string match -* [lindex $args 0]]} {
        set args [lassign $args opt]
        if {$opt eq "--"} { break }
        if {$opt eq "-demo" && $sub eq "init"} { set demo 1; continue }
        if {$opt ni {-d -c} || ![llength $args]} {
            puts stderr "yqbox $sub: [yq::mc [expr {$opt in {-d -c} ? "cli.optvalue" : "cli.option"}] $opt]"
            return [Usage $sub]
        }
        set args [lassign $args val]
        dict set opts $opt $val
    }
    if {$sub eq "init" && [llength $args] == 1 && [dict get $opts -d] eq ""} {
        set args [lassign $args d]
        dict set opts -d $d
    }
    setup [dict get $opts -d] [dict get $opts -c]
    if {$sub eq "init"} { return [cmd::init $demo {*}$args] }
    # scripts see the names of the box's setup (county.tcl) from the first one they read
    # (the first key read: the modules are sourced only when the script needs them)
    if {$sub eq "run"} { yqbox::loadAll }
    if {$sub in {eval run} && $::yqbox::datadir ne "" && [file isfile [file join $::yqbox::datadir yqbox.db]]} {
        conf::lazy * {catch {county::sync}}
    }
    return [cmd::$sub {*}$args]
}

# yqbox::setup: find and load the config file and settle the data directory (::yqbox::datadir).
# Errors (before any data is touched) for a missing or invalid config file.
proc yqbox::setup {dopt copt} {
    variable datadir
    global env
    set data $dopt
    if {$data eq "" && [info exists env(YQBOX_DATA)]} { set data $env(YQBOX_DATA) }
    set conffile $copt
    if {$conffile eq "" && [info exists env(YQBOX_CONF)]} { set conffile $env(YQBOX_CONF) }
    if {$conffile ne ""} {
        if {![file isfile $conffile]} { yq::fail cli.noconf $conffile }
    } elseif {$data ne "" && [file isfile [file join $data appliance.conf]]} {
        set conffile [file join $data appliance.conf]
    } elseif {[file isfile appliance.conf]} {
        set conffile appliance.conf
    }
    if {$conffile ne ""} { conf::load $conffile }
    set tz [conf::get timezone]
    # a zone file check, not a clock call: loading clock.tcl would cost every start ~8 ms
    if {![regexp {^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$} $tz]
        || ![file isfile [file join [info library] tzdata $tz]]} {
        yq::fail cli.timezone $tz
    }
    set env(TCL_TZ) :$tz
    if {$data eq ""} { set data [conf::path datadir] }
    set datadir [expr {$data eq "" ? "" : [file normalize $data]}]
}

# yqbox::needdata: the data directory, or an error telling how to name one.
proc yqbox::needdata {} {
    variable datadir
    if {$datadir eq ""} {
        yq::fail cli.nodata
    }
    return $datadir
}

# ::db until the database is first used: opens it (bringing its schema up to date), after which
# the sqlite3 command ::db replaces this procedure.
proc ::db {args} {
    db::connect [yqbox::needdata]
    uplevel 1 [list ::db {*}$args]
}

namespace eval yqbox::cmd {}

proc yqbox::cmd::version {args} {
    if {[llength $args]} { return [yqbox::Usage version] }
    puts [yqbox::versionText]
    return 0
}

proc yqbox::cmd::help {args} {
    puts [yqbox::usage]
    return 0
}

# yqbox::cmd::eval: evaluate SCRIPT as the console does (in the namespace ::console, where the
# appliance's commands are); print a non-empty result. Exit 1 on error.
proc yqbox::cmd::eval {args} {
    if {[llength $args] != 1} { return [yqbox::Usage eval] }
    if {[catch {uplevel #0 [list namespace eval ::console [lindex $args 0]]} result opts]} {
        puts stderr $result
        if {[info exists ::env(YQBOX_DEBUG)]} { puts stderr [dict get $opts -errorinfo] }
        return 1
    }
    if {$result ne ""} { puts $result }
    return 0
}

# yqbox::cmd::run: source FILE at global level with argv/argc/argv0 set as tclsh does. The file
# reaches the appliance's commands by their short names where Tcl has none of its own (console.tcl
# puts ::console on the global namespace's path; `source` is Tcl's, ::console::source the noun).
proc yqbox::cmd::run {args} {
    if {[llength $args] < 1} { return [yqbox::Usage run] }
    set ::argv [lrange $args 1 end]
    set ::argc [llength $::argv]
    set ::argv0 [lindex $args 0]
    if {[catch {uplevel #0 [list source -encoding utf-8 $::argv0]} result opts]} {
        puts stderr [dict get $opts -errorinfo]
        return 1
    }
    return 0
}

# yqbox::cmd::init: create the data directory and its database (through the migrations) and a
# default appliance.conf if there is none. A new database is a box of its own county, to be set
# up (county.tcl); with DEMO 1 it is (or an existing one becomes) the demo county 青山县. Running
# it again changes nothing else. On failure anything this run created is removed again.
proc yqbox::cmd::init {demo args} {
    if {[llength $args]} { return [yqbox::Usage init] }
    set dir [yqbox::needdata]
    set created {}
    try {
        if {![file exists $dir]} {
            set parent [file dirname $dir]
            if {![file isdirectory $parent]} { yq::fail cli.noparent $dir $parent }
            if {[catch {file mkdir $dir; file attributes $dir -permissions 0700} msg]} { yq::fail cli.mkdir $dir $msg }
            lappend created $dir
        }
        set dbfile [file join $dir yqbox.db]
        if {![file exists $dbfile]} { lappend created $dbfile $dbfile-wal $dbfile-shm }
        set applied [db::connect $dir -create]
        if {$demo && [county::mode] ne "demo"} {
            county::setMode demo
        } elseif {!$demo && [county::mode] eq ""} {
            county::setMode county
        }
        set conffile [file join $dir appliance.conf]
        if {![file exists $conffile]} {
            set f [open $conffile {WRONLY CREAT EXCL} 0600]
            fconfigure $f -encoding utf-8
            puts $f [conf::template]
            close $f
            lappend created $conffile
        }
    } on error {msg opts} {
        catch {::db close}
        foreach f [lreverse $created] { catch {file delete -- $f} }
        return -options $opts $msg
    }
    set v [db::version]
    if {[llength $created] == 0 && $applied == 0} {
        puts [yq::mc cli.uptodate $dir $v]
    } else {
        puts [yq::mc cli.initialised $dir $v $applied]
    }
    return 0
}

# yqbox::cmd::setup: the first-run setup from setup FILE (county::runFile), as the console owner.
# Prints what is still missing. Exit 1 (nothing changed) on any error.
proc yqbox::cmd::setup {args} {
    if {[llength $args] != 1} { return [yqbox::Usage setup] }
    db::connect [yqbox::needdata]
    if {[catch {county::runFile [lindex $args 0]} msg]} {
        puts stderr $msg
        return 1
    }
    puts $msg
    foreach m [county::missing] { puts "  [lindex $m 0]" }
    return 0
}

# yqbox::cmd::config: print the effective configuration.
proc yqbox::cmd::config {args} {
    if {[llength $args]} { return [yqbox::Usage config] }
    puts [conf::describe]
    return 0
}

# yqbox::cmd::console: the interactive console on this process's interpreter.
proc yqbox::cmd::console {args} {
    if {[llength $args]} { return [yqbox::Usage console] }
    set dir $yqbox::datadir
    if {$dir ne "" && [server::console $dir [file join $dir console_history]] == 0} {
        return 0
    }
    if {$dir ne ""} {
        db::connect $dir
        set history [file join $dir console_history]
        set where [yq::mc cli.wheredata $dir]
    } else {
        set history [file join [expr {[info exists ::env(HOME)] ? $::env(HOME) : "."}] .yqbox_history]
        set where [yq::mc cli.wherenone]
    }
    if {[yqbox::interactive]} {
        puts [yq::mc cli.banner [dict get [yqbox::versions] yqbox] $where]
        if {$dir ne ""} { yqbox::Notes [yqbox::notes] }
    }
    yqbox::repl -history $history -eval {namespace eval ::console}
    return 0
}

# yqbox::notes: what an administrator should know when the console starts (a damaged database,
# the next year's calendar missing, background jobs failing), as a list of Chinese sentences.
proc yqbox::notes {} {
    set out {}
    if {![catch {db::damaged} dmg] && $dmg ne ""} {
        lappend out "数据库已标记为损坏，系统暂停写入：[lindex [split $dmg \n] 0]（从备份恢复后运行 dbcheck）"
    }
    if {[catch {calendar::pending} p]} { set p "" }
    if {$p ne ""} { lappend out $p }
    if {![catch {job::failing} failing]} {
        foreach j $failing {
            lappend out "后台任务“[dict get $j title]”连续 [dict get $j failures] 次运行失败：[dict get $j result]（job list 查看）"
        }
    }
    return $out
}

# yqbox::Notes: print NOTES (from yqbox::notes), one "注意：" line each.
proc yqbox::Notes {notes} {
    foreach n $notes { puts "注意：$n" }
}

# yqbox::interactive: whether stdin and stdout are a terminal.
proc yqbox::interactive {} {
    expr {![catch {fconfigure stdin -mode}] && ![catch {fconfigure stdout -mode}]}
}

# version: the versions of yqbox and its embedded components, one "name version" per line, each
# library followed by the Debian source package revision it was built from, e.g.
# "curl 8.14.1 (Debian 8.14.1-2+deb13u5)".
proc yqbox::versionText {} {
    set out {}
    set debian [yqbox::versions -debian]
    dict for {k v} [yqbox::versions] {
        if {[dict exists $debian $k]} {
            lappend out "$k $v (Debian [lindex [dict get $debian $k] 1])"
        } else {
            lappend out "$k $v"
        }
    }
    join $out \n
}
cmdlayer::command version "" {} "显示 yqbox 及各内嵌组件的版本" { yqbox::versionText }

# config: the console's view of the configuration.
cmdlayer::noun config "查看或修改运行配置（set 只改本进程，重启后以 appliance.conf 为准）" -default show
cmdlayer::command config show {} "列出每个配置项的值、默认值和说明" { conf::describe }
cmdlayer::command config get {{key 配置项}} "一个配置项的值" { conf::get $key }
cmdlayer::command config set {{key 配置项} {value 值}} "修改本进程的一个配置项（重启后以 appliance.conf 为准）" {
    conf::change $key $value
}
