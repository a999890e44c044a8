# fedlib.tcl - helpers of the suites of the link between boxes (fedlink.test, fed3.test): running
# the console of a box's data directory, reading its database, making boxes and enrolling them
# with a serving city box by one-time code, counting what the city stored, killing a server.
# Needs testlib.tcl.

# ev: the output of SCRIPT run at the console of data directory DIR (yq eval -d), with ENV added;
# errors with its stderr when it fails
proc ev {dir script {env {}}} {
    set r [yq -env $env eval -d $dir $script]
    if {[dict get $r code]} { error [dict get $r err] }
    dict get $r out
}

# evr: the result dict (code out err) of SCRIPT run at the console of DIR
proc evr {dir script {env {}}} {
    yq -env $env eval -d $dir $script
}

# sq: the rows of SQL in the database of data directory DIR
proc sq {dir sql} {
    set ::dir $dir
    dbq $sql
}

# box: a new (not serving) data directory for a box named NAME with fed_role ROLE and more CONF
proc box {name {role county} {conf ""}} {
    set d [tempdir]
    set r [yq init $d]
    if {[dict get $r code]} { error "init failed: $r" }
    set f [open $d/appliance.conf a]
    fconfigure $f -encoding utf-8
    puts $f "fed_name [list $name]\nfed_role $role\n$conf"
    close $f
    return $d
}

# invite: a one-time code from the city SRV for member NAME (extra ARGS to federation invite)
proc invite {srv name args} {
    set out [ev [dict get $srv dir] [list federation invite $name -url https://127.0.0.1:[dict get $srv https] {*}$args]]
    lindex [split $out \n] end
}

# enrol: a county box NAME enrolled with the city SRV; returns its data directory
proc enrol {srv name {conf ""}} {
    set d [box $name county $conf]
    ev $d [list federation join [invite $srv $name]]
    return $d
}

# stored: how many messages the city (data directory CDIR) stored from peer NAME
proc stored {cdir name} {
    sq $cdir "SELECT count(*) FROM federation_inbox WHERE peer_id = (SELECT id FROM federation_peer WHERE name = '$name')"
}

# kill9: end the server SRV with SIGKILL (no shutdown at all)
proc kill9 {srv} {
    exec kill -9 [dict get $srv pid]
    catch {close [dict get $srv chan]}
}

