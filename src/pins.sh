#!/bin/sh
# pins.sh - the step that updates the pins of src/deps.sh: for each pinned Debian source package,
# the pinned revision, every revision the suites offer (bookworm, trixie, their -updates and
# -security, through the dependency cache's private apt lists) and the PINS lines to paste into
# src/deps.sh (names and sha256s taken from the signed source indexes).
#
# Usage: sh src/pins.sh [-update] [-fetch]
#   -update  refresh the cache's source indexes first (apt-get update; needs the archive).
#            Without it the indexes are used as they are (fetched once if there are none).
#   -fetch   download each candidate newer than the pin, newest first, into the cache (needs the
#            archive): an index can list a revision the archive does not serve (yet), and such a
#            revision is passed over for the next one. Without it the newest listed is proposed.
# Prints a table "package pinned newest-offered proposed", then "PINS lines for src/deps.sh:" and
# one line per package in PINS order; exits 1 when a package is not in the indexes at all.
# Changes nothing but the cache (indexes with -update, downloaded sources with -fetch).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
DEPS_LIB=1
. "$top/src/deps.sh"

update=no fetchnew=no
for a in "$@"; do
    case $a in
        -update) update=yes ;;
        -fetch) fetchnew=yes ;;
        *) die "usage: sh src/pins.sh [-update] [-fetch]" ;;
    esac
done

if [ $update = yes ]; then rm -f "$APT/updated"; fi
mkdir -p "$SRC"
apt_update

# offered NAME: one line "VERSION|ORIG|SHA|DEBIAN|DSHA" per revision of source package NAME in the
# indexes (each once), newest first by Debian's version ordering.
offered() {
    aptcache showsrc "$1" 2>/dev/null | awk -v n="$1" '
        BEGIN { RS=""; FS="\n" }
        { pkg=ver=orig=osha=deb=dsha=""; insha=0
          for (i=1; i<=NF; i++) {
              if ($i ~ /^Package: /) pkg=substr($i, 10)
              else if ($i ~ /^Version: /) ver=substr($i, 10)
              else if ($i == "Checksums-Sha256:") { insha=1; continue }
              else if ($i !~ /^ /) insha=0
              if (insha && $i ~ /^ /) { split(substr($i, 2), f, " ")
                  if (f[3] ~ /\.orig\.tar\.[a-z0-9]+$/) { orig=f[3]; osha=f[1] }
                  if (f[3] ~ /\.debian\.tar\.[a-z0-9]+$/) { deb=f[3]; dsha=f[1] } } }
          if (pkg == n && ver != "" && !seen[ver]++) print ver "|" orig "|" osha "|" deb "|" dsha }' |
    {
        list=''
        while IFS= read -r line; do
            v=${line%%|*} out='' put=no
            for l in $list; do
                if [ $put = no ] && dpkg --compare-versions "$v" gt "${l%%|*}"; then
                    out="$out $line"; put=yes
                fi
                out="$out $l"
            done
            [ $put = yes ] || out="$out $line"
            list=$out
        done
        for l in $list; do echo "$l"; done
    }
}

# served NAME VERSION: whether the archive serves NAME=VERSION whole (downloaded into the cache).
served() {
    (cd "$SRC" && aptget source --download-only "$1=$2" >/dev/null 2>&1)
}

lines='' status=0
printf '%-8s  %-36s  %-36s  %s\n' package pinned newest-offered proposed
for name in $(echo "$PINS" | awk -F'|' 'NF { print $1 }'); do
    pinned=$(pin "$name" | cut -d'|' -f2)
    revs=$(offered "$name")
    if [ -z "$revs" ]; then
        printf '%-8s  %-36s  %-36s  %s\n' "$name" "$pinned" '(not in the indexes)' "$pinned"
        lines="$lines
$(pin "$name")"
        status=1
        continue
    fi
    newest=$(echo "$revs" | head -1 | cut -d'|' -f1)
    choice=''
    for r in $revs; do
        v=${r%%|*}
        dpkg --compare-versions "$v" ge "$pinned" || break
        if [ $fetchnew = no ] || [ "$v" = "$pinned" ] || served "$name" "$v"; then
            choice=$r; break
        fi
        log "$name $v: listed, but the archive does not serve it"
    done
    # nothing offered at or above the pin: keep the pin as it is
    [ -n "$choice" ] || choice=$(pin "$name" | cut -d'|' -f2-)
    note=''
    [ "${choice%%|*}" = "$pinned" ] || note=' (new)'
    [ "$(echo "$choice" | cut -d'|' -f2)" = "$(pin "$name" | cut -d'|' -f3)" ] ||
        note="$note (new upstream tarball: read its changelog)"
    printf '%-8s  %-36s  %-36s  %s\n' "$name" "$pinned" "$newest" "${choice%%|*}$note"
    lines="$lines
$name|$choice"
done
echo
echo "PINS lines for src/deps.sh:"
echo "$lines" | sed '/^$/d'
exit $status
