#!/bin/sh
# install.sh - body of `make install` and `make uninstall` (POSIX sh).
#
#   sh src/install.sh install|uninstall BINARY
# with DESTDIR, PREFIX, DATADIR, SERVICE_USER and UNITDIR in the environment (the Makefile passes
# them). install: puts BINARY at $PREFIX/bin/yqbox (through a temporary name, so a running server
# keeps its old file), creates the system user SERVICE_USER (nologin, home DATADIR) and the data
# directory (0700, owned by that user), initialises it (or brings its schema up to date) as that
# user, and writes the systemd unit from `yqbox unit`. With DESTDIR the system is the one under
# DESTDIR: the user is added to DESTDIR/etc/passwd (useradd --root), the unit names the paths as
# they will be seen inside it; without DESTDIR/etc/passwd (a staging directory for a package) the
# user, ownership and initialisation are left to the package's own scripts.
# uninstall: removes the binary and the unit; never the data directory, nor the user that owns it.
set -eu
action=$1
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
DATADIR=${DATADIR:-/var/lib/yqbox}
SERVICE_USER=${SERVICE_USER:-yqbox}
UNITDIR=${UNITDIR:-/etc/systemd/system}
bin=$DESTDIR$PREFIX/bin/yqbox
unit=$DESTDIR$UNITDIR/yqbox.service
data=$DESTDIR$DATADIR
say() { printf 'install: %s\n' "$*"; }

live_systemd() { [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; }

case $action in
install)
    src=$2
    [ -x "$src" ] || { echo "install: $src is not an executable (run make first)" >&2; exit 1; }
    install -d -m 0755 "$DESTDIR$PREFIX/bin" "$DESTDIR$UNITDIR"
    install -m 0755 "$src" "$bin.new"
    mv -f "$bin.new" "$bin"
    say "installed $PREFIX/bin/yqbox ($("$bin" version | head -n 1))"
    if [ -n "$DESTDIR" ] && [ ! -f "$DESTDIR/etc/passwd" ]; then
        install -d -m 0700 "$data"
        say "$DESTDIR has no etc/passwd: user $SERVICE_USER, ownership and 'yqbox init' left to the package"
    else
        if ! grep -q "^$SERVICE_USER:" "$DESTDIR/etc/passwd"; then
            nologin=/usr/sbin/nologin
            [ -x "$DESTDIR$nologin" ] || nologin=/bin/false
            useradd ${DESTDIR:+--root "$DESTDIR"} --system --user-group --home-dir "$DATADIR" \
                --no-create-home --shell "$nologin" --comment "yqbox appliance" "$SERVICE_USER"
            say "created system user $SERVICE_USER"
        fi
        uid=$(awk -F: -v u="$SERVICE_USER" '$1 == u { print $3 }' "$DESTDIR/etc/passwd")
        gid=$(awk -F: -v u="$SERVICE_USER" '$1 == u { print $4 }' "$DESTDIR/etc/passwd")
        install -d -m 0700 -o "$uid" -g "$gid" "$data"
        chown "$uid:$gid" "$data"
        chmod 0700 "$data"
        setpriv --reuid="$uid" --regid="$gid" --clear-groups "$bin" init "$data"
        find "$data" -type f -exec chmod go-rwx {} +
    fi
    "$bin" unit -d "$data" "$PREFIX/bin/yqbox" "$SERVICE_USER" > "$unit.new"
    # the unit names the data directory as the installed system sees it
    sed "s|$data|$DATADIR|g" "$unit.new" > "$unit"
    rm -f "$unit.new"
    chmod 0644 "$unit"
    say "wrote $UNITDIR/yqbox.service"
    if live_systemd; then systemctl daemon-reload; fi
    ;;
uninstall)
    if live_systemd && systemctl is-active --quiet yqbox; then systemctl stop yqbox; fi
    if live_systemd; then systemctl disable yqbox 2>/dev/null || true; fi
    rm -f "$bin" "$bin.old" "$unit" "$DESTDIR/etc/systemd/system/multi-user.target.wants/yqbox.service"
    if live_systemd; then systemctl daemon-reload; fi
    say "removed $PREFIX/bin/yqbox and $UNITDIR/yqbox.service; kept $DATADIR and user $SERVICE_USER"
    ;;
*)
    echo "usage: sh src/install.sh install BINARY | uninstall" >&2
    exit 2
    ;;
esac
