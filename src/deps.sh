#!/bin/sh
# deps.sh - fetch and build yqbox's third-party dependencies from pinned Debian source packages.
#
# Usage: deps.sh FLAVOR PREFIX
#   FLAVOR  musl  (musl-gcc, -Os: the shipped static binary)
#           glibc (gcc, -O1 -g: the libraries under the sanitizer build of our own code)
#   PREFIX  where headers and static libraries are installed (configure picks a directory in the
#           dependency cache, keyed by this file's checksum and the flavor).
#
# Sources are fetched with `apt-get source --download-only` through a private apt configuration in
# the cache (the machine's own apt setup is never changed): deb-src entries are derived from the
# machine's deb entries. Only the upstream (orig) tarball is used; it is pinned by sha256, so any
# Debian revision that carries the same orig tarball is accepted. No third-party code is ever
# written into the checkout.
set -eu

FLAVOR=$1
PREFIX=$2
CACHE=${YQBOX_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/yqbox-deps}
SRC=$CACHE/src
APT=$CACHE/apt
JOBS=$(nproc 2>/dev/null || echo 2)

# name | preferred Debian version | orig tarball | sha256 of the orig tarball
PINS='
tcl8.6|8.6.13+dfsg-2|tcl8.6_8.6.13+dfsg.orig.tar.gz|83bce7277e3825df0179567e0d8a431ebb1a126df53ea4a94af89dd4dd0f26d5
sqlite3|3.46.1-7+deb13u2|sqlite3_3.46.1.orig.tar.xz|d0cdd2ece271b29e7ce18095745d892517ee26d0f270065b3a25c2e9eb11639c
mbedtls|3.6.6-0.1~deb13u1|mbedtls_3.6.6.orig.tar.bz2|8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a
curl|8.14.1-2+deb13u5|curl_8.14.1.orig.tar.gz|6766ada7101d292b42b8b15681120acd68effa4a9660935853cf6d61f0d984d4
zlib|1:1.3.dfsg+really1.3.1-1|zlib_1.3.dfsg+really1.3.1.orig.tar.gz|60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb
libxml2|2.9.14+dfsg-1.3~deb12u6|libxml2_2.9.14+dfsg.orig.tar.xz|4fe913dec8b1ab89d13b489b419a8203176ea39e931eaa0d25b17eafb9c279e9
ncurses|6.5+20250216-2|ncurses_6.5+20250216.orig.tar.gz|b37baafa436e7133bb12a185cb8f60e1599b1947e9f0181c76f3190acf28b6eb
libedit|3.1-20221030-2|libedit_3.1-20221030.orig.tar.gz|f0925a5adf4b1bf116ee19766b7daa766917aec198747943b1c4edf67a4be2bb
'

log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

# apt_sources: write $APT/sources.list with deb-src lines for bookworm and trixie (and their -updates
# and -security suites), using the archive URIs and keyrings of the machine's own deb entries.
apt_sources() {
    mkdir -p "$APT/lists/partial" "$APT/parts"
    out=$APT/sources.list.new
    : > "$out"
    {
        # one-line format: deb [opts] URI SUITE COMPONENTS
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            awk '$1=="deb" { o=""; i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) { o=o" "$i; i++ } o=o" "$i; i++ }
                             print $(i+1) "|" $i "|" o }'
        # deb822 format
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk 'BEGIN{RS=""; FS="\n"}
                 { t=u=s=k=""
                   for (j=1;j<=NF;j++) { split($j, kv, ": ")
                     if (kv[1]=="Types") t=kv[2]; if (kv[1]=="URIs") u=kv[2]
                     if (kv[1]=="Suites") s=kv[2]; if (kv[1]=="Signed-By") k=kv[2] }
                   if (t ~ /deb/ && u != "") { n=split(s, ss, " "); for (x=1;x<=n;x++)
                       print ss[x] "|" u "|" (k=="" ? "" : " [signed-by=" k "]") } }' "$f"
        done
    } | while IFS='|' read -r suite uri opts; do
        case $suite in
            bookworm|trixie|bookworm-updates|trixie-updates)
                for s in bookworm bookworm-updates trixie trixie-updates; do
                    echo "deb-src$opts $uri $s main"
                done ;;
            bookworm-security|trixie-security|bookworm/updates)
                for s in bookworm-security trixie-security; do
                    echo "deb-src$opts $uri $s main"
                done ;;
        esac
    done | sort -u > "$out"
    [ -s "$out" ] || die "no Debian deb entries found in /etc/apt to derive deb-src entries from"
    mv "$out" "$APT/sources.list"
}

aptget() {
    apt-get -q -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts="$APT/parts" \
        -o Dir::State::Lists="$APT/lists" -o APT::Sandbox::User=root "$@"
}

# fetch NAME VERSION ORIG SHA: make sure $SRC/ORIG exists with the pinned checksum.
fetch() {
    name=$1 ver=$2 orig=$3 sha=$4
    mkdir -p "$SRC"
    if [ -f "$SRC/$orig" ] && echo "$sha  $SRC/$orig" | sha256sum -c - >/dev/null 2>&1; then
        return 0
    fi
    if [ ! -f "$APT/updated" ]; then
        apt_sources
        log "apt-get update (private source lists in $APT)"
        aptget update >/dev/null || die "apt-get update failed for $APT/sources.list"
        touch "$APT/updated"
    fi
    # the pinned version first, then any other version of the package (same orig tarball)
    others=$(aptget showsrc "$name" 2>/dev/null | awk '/^Version:/ {print $2}')
    for v in "$ver" $others; do
        log "fetching $name=$v"
        (cd "$SRC" && aptget source --download-only "$name=$v" >/dev/null 2>&1) || true
        if [ -f "$SRC/$orig" ]; then
            if echo "$sha  $SRC/$orig" | sha256sum -c - >/dev/null 2>&1; then
                return 0
            fi
            rm -f "$SRC/$orig"
            die "$orig: sha256 mismatch (wanted $sha)"
        fi
    done
    die "could not fetch $orig from any Debian version of $name"
}

# unpack ORIG: extract into a fresh build directory and print its path.
unpack() {
    d=$WORK/$(echo "$1" | sed 's/\.orig\.tar\..*//')
    rm -rf "$d"; mkdir -p "$d"
    tar -xf "$SRC/$1" -C "$d" --strip-components=1
    echo "$d"
}

pin() { echo "$PINS" | awk -F'|' -v n="$1" '$1==n'; }

case $FLAVOR in
    musl)  CC=musl-gcc; CFLAGS="-Os -w -ffunction-sections -fdata-sections"
           FAST="-O2 -w -ffunction-sections -fdata-sections" ;;
    glibc) CC=gcc;      CFLAGS="-O1 -g -w"; FAST="-O2 -g -w" ;;
    *) die "unknown flavor $FLAVOR (musl or glibc)" ;;
esac
export CC CFLAGS

echo "$PINS" | while IFS='|' read -r n v o s; do
    if [ -n "$n" ]; then fetch "$n" "$v" "$o" "$s"; fi
done

mkdir -p "$PREFIX/lib" "$PREFIX/include"
WORK=$PREFIX/.work
mkdir -p "$WORK"
stamp() { [ -f "$PREFIX/.done-$1" ]; }
done_() { touch "$PREFIX/.done-$1"; }
orig() { pin "$1" | cut -d'|' -f3; }

if ! stamp zlib; then
    log "building zlib ($FLAVOR)"
    d=$(unpack "$(orig zlib)")
    (cd "$d" && ./configure --static --prefix="$PREFIX" >/dev/null && make -j"$JOBS" libz.a >/dev/null &&
        make install >/dev/null)
    done_ zlib
fi

if ! stamp mbedtls; then
    log "building mbedtls ($FLAVOR)"
    d=$(unpack "$(orig mbedtls)")
    cfg=$d/include/mbedtls/mbedtls_config.h
    # thread-safe RNG and sessions: the driver, workers and the crawler share the library
    sed -i -e 's|^//#define MBEDTLS_THREADING_C|#define MBEDTLS_THREADING_C|' \
           -e 's|^//#define MBEDTLS_THREADING_PTHREAD|#define MBEDTLS_THREADING_PTHREAD|' "$cfg"
    grep -q '^#define MBEDTLS_THREADING_PTHREAD' "$cfg" || die "mbedtls: could not enable threading"
    grep -q '^#define MBEDTLS_SSL_PROTO_TLS1_3' "$cfg" || die "mbedtls: TLS 1.3 is not enabled"
    # getrandom(2) with musl too (upstream only trusts glibc here): no /dev/urandom in a bare chroot
    sed -i 's/#if ((defined(__linux__) \&\& defined(__GLIBC__)) || defined(__midipix__))/#if (defined(__linux__) || defined(__midipix__))/' \
        "$d/library/entropy_poll.c"
    grep -q '^#if (defined(__linux__) || defined(__midipix__))' "$d/library/entropy_poll.c" ||
        die "mbedtls: could not enable getrandom for musl"
    # its allocator can be replaced (tls.c gives it Tcl's per-thread one instead of musl's)
    sed -i -e 's|^//#define MBEDTLS_PLATFORM_MEMORY|#define MBEDTLS_PLATFORM_MEMORY|' "$cfg"
    grep -q '^#define MBEDTLS_PLATFORM_MEMORY' "$cfg" || die "mbedtls: could not enable PLATFORM_MEMORY"
    # the record layer and handshakes are the server's hot path: -O2, not -Os
    (cd "$d" && make -j"$JOBS" -C library CC="$CC" CFLAGS="$FAST" static >/dev/null)
    cp "$d"/library/*.a "$PREFIX/lib/"
    cp -R "$d/include/mbedtls" "$d/include/psa" "$PREFIX/include/"
    done_ mbedtls
fi

if ! stamp curl; then
    log "building curl ($FLAVOR)"
    d=$(unpack "$(orig curl)")
    (cd "$d" && ./configure --prefix="$PREFIX" --disable-shared --enable-static \
        --with-mbedtls="$PREFIX" --with-zlib="$PREFIX" --without-openssl \
        --enable-http --enable-smtp --disable-ftp --disable-file --disable-ldap --disable-ldaps \
        --disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
        --disable-gopher --disable-mqtt --disable-smb --disable-manual --disable-docs \
        --disable-ntlm --disable-kerberos-auth --disable-negotiate-auth --disable-aws \
        --disable-websockets --disable-ipfs --disable-alt-svc --disable-hsts \
        --without-libpsl --without-brotli --without-zstd --without-nghttp2 --without-libidn2 \
        --without-librtmp --without-libssh2 --without-libgsasl --without-ca-bundle \
        --without-ca-path --enable-threaded-resolver >/dev/null &&
        make -j"$JOBS" -C lib >/dev/null && make -C lib install >/dev/null &&
        make -C include install >/dev/null)
    done_ curl
fi

if ! stamp libxml2; then
    log "building libxml2 ($FLAVOR)"
    d=$(unpack "$(orig libxml2)")
    (cd "$d" && ./configure --prefix="$PREFIX" --disable-shared --enable-static --without-python \
        --without-lzma --with-zlib="$PREFIX" --without-icu --without-http --without-ftp \
        --without-modules --without-debug --without-docbook --without-legacy --with-threads \
        >/dev/null && make -j"$JOBS" libxml2.la >/dev/null &&
        make install-libLTLIBRARIES install-data >/dev/null 2>&1 ||
        { make -C include install >/dev/null; cp .libs/libxml2.a "$PREFIX/lib/"; })
    [ -f "$PREFIX/lib/libxml2.a" ] || cp "$d/.libs/libxml2.a" "$PREFIX/lib/"
    [ -d "$PREFIX/include/libxml2/libxml" ] || (cd "$d" && make -C include install >/dev/null)
    done_ libxml2
fi

if ! stamp tcl; then
    log "building tcl ($FLAVOR)"
    d=$(unpack "$(orig tcl8.6)")
    # CPPFLAGS/LDFLAGS: link the zlib above rather than Tcl's bundled copy (one zlib in the binary)
    (cd "$d/unix" && CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib" \
        ./configure --prefix="$PREFIX" --disable-shared --enable-threads \
        --enable-64bit >/dev/null && make -j"$JOBS" binaries >/dev/null &&
        make install-binaries install-headers install-libraries install-tzdata install-msgs \
        install-private-headers >/dev/null)
    done_ tcl
fi

if ! stamp sqlite; then
    log "building sqlite ($FLAVOR)"
    d=$(unpack "$(orig sqlite3)")
    # the amalgamation is generated with the host's C compiler and tclsh, then compiled for FLAVOR
    (cd "$d" && CC=gcc CFLAGS=-O1 ./configure --disable-shared >/dev/null &&
        make tclsqlite3.c >/dev/null)
    $CC $FAST -I"$PREFIX/include" -DSQLITE_ENABLE_FTS5 -DSQLITE_THREADSAFE=1 \
        -DSQLITE_DQS=0 -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 -DSQLITE_ENABLE_RTREE \
        -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_DBSTAT_VTAB \
        -DSQLITE_USE_URI=1 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_TEMP_STORE=2 \
        -c "$d/tclsqlite3.c" -o "$WORK/tclsqlite3.o"
    ar rcs "$PREFIX/lib/libtclsqlite3.a" "$WORK/tclsqlite3.o"
    cp "$d/sqlite3.h" "$PREFIX/include/"
    done_ sqlite
fi

if ! stamp ncurses; then
    log "building ncurses ($FLAVOR)"
    d=$(unpack "$(orig ncurses)")
    # no terminfo database on the appliance: the common terminals are compiled in
    (cd "$d" && ./configure --prefix="$PREFIX" --without-shared --without-cxx --without-cxx-binding \
        --without-ada --without-progs --without-tests --without-manpages --enable-widec \
        --disable-database --disable-termcap --disable-db-install --without-debug \
        --with-fallbacks=xterm-256color,xterm,xterm-color,screen-256color,screen,tmux-256color,tmux,linux,vt100,vt220,ansi,dumb,rxvt-unicode-256color \
        >/dev/null && make -j"$JOBS" libs >/dev/null && make install.libs install.includes >/dev/null)
    for l in ncurses tinfo termcap curses; do ln -sf libncursesw.a "$PREFIX/lib/lib$l.a"; done
    done_ ncurses
fi

if ! stamp libedit; then
    log "building libedit ($FLAVOR)"
    d=$(unpack "$(orig libedit)")
    (cd "$d" && CFLAGS="$CFLAGS -D__STDC_ISO_10646__=201706L -I$PREFIX/include -I$PREFIX/include/ncursesw" \
        LDFLAGS="-L$PREFIX/lib" ./configure --prefix="$PREFIX" --disable-shared --enable-static \
        --disable-examples >/dev/null && make -j"$JOBS" -C src >/dev/null &&
        make -C src install >/dev/null)
    done_ libedit
fi

rm -rf "$WORK"
log "all dependencies ready in $PREFIX"
