#!/bin/sh
# deps.sh - fetch and build yqbox's third-party dependencies from pinned Debian source packages,
# with Debian's patch series (its security fixes) applied.
#
# Usage: deps.sh FLAVOR PREFIX
#   FLAVOR  musl  (musl-gcc, -Os, the hot libraries -O2: the shipped static binary; also
#                  mimalloc.o, the allocator that replaces musl's malloc in it)
#           glibc (gcc, -O1 -g: the libraries under the sanitizer build of our own code; its Tcl
#                  is built with -DPURIFY so that ASan sees Tcl's allocations; no mimalloc: the
#                  sanitizer's allocator stays)
#   PREFIX  where headers and static libraries are installed (configure picks a directory in the
#           dependency cache, keyed by this file's checksum and the flavor).
# src/pins.sh sources this file with DEPS_LIB=1 to use its PINS and functions without building.
#
# Sources are fetched with `apt-get source --download-only` through a private apt configuration in
# the cache (the machine's own apt setup is never changed): deb-src entries are derived from the
# machine's deb entries. Both parts of each source package are pinned by sha256: the upstream
# (orig) tarball and the Debian tarball of the pinned revision, whose debian/patches/series is
# applied to the orig before building (patches listed in EXCLUDE below are not, each with its
# reason). Patches that change only autotools inputs (configure.ac, Makefile.am, *.m4) have no
# effect here: the build never reruns autotools, it uses the generated files of the orig tarball.
# $PREFIX/include/yqbox_deps.h records the Debian revision of each package (`yqbox version` prints
# it) and $PREFIX/debian-patches.txt the patches applied and excluded. No third-party code is ever
# written into the checkout. To update the pins, see README "Updating the dependencies".
set -eu

CACHE=${YQBOX_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/yqbox-deps}
SRC=$CACHE/src
APT=$CACHE/apt
JOBS=$(nproc 2>/dev/null || echo 2)

# name | Debian version | orig tarball | its sha256 | Debian tarball | its sha256
# Checked on 2026-11-26 with `sh src/pins.sh` against the suites bookworm, trixie and their -updates
# and -security: libxml2 moved to trixie's 2.12.7+dfsg+really2.9.14-2.1+deb13u3 (the same 2.9.14
# orig, byte for byte; its series has every fix of bookworm's deb12u6). Newer revisions the indexes
# list but the archive does not serve (404 on their .dsc and .debian.tar.xz, so not pinned):
# curl 8.14.1-2+deb13u7, zlib 1:1.3.dfsg+really1.3.1-1+deb13u1, tcl8.6 8.6.16+dfsg-1,
# libedit 3.1-20250104-1. qrencode (libqrencode, the enrolment page's QR code) added at trixie's
# 4.1.1-2, the newest the indexes offer. mimalloc (the musl build's allocator, issue 18) added at
# bookworm's 2.0.9+ds-2: trixie's 3.0.1+ds-2.1 is listed but not served (404); its series is empty.
PINS='
tcl8.6|8.6.13+dfsg-2|tcl8.6_8.6.13+dfsg.orig.tar.gz|83bce7277e3825df0179567e0d8a431ebb1a126df53ea4a94af89dd4dd0f26d5|tcl8.6_8.6.13+dfsg-2.debian.tar.xz|899c8d800988caa1f5a8b070d3697f29c3d098754416cc2816b94dfa93aef009
sqlite3|3.46.1-7+deb13u2|sqlite3_3.46.1.orig.tar.xz|d0cdd2ece271b29e7ce18095745d892517ee26d0f270065b3a25c2e9eb11639c|sqlite3_3.46.1-7+deb13u2.debian.tar.xz|59d33bc436258603702bb051d645743ab03612b82f79e7c7d638c65127c21261
mbedtls|3.6.6-0.1~deb13u1|mbedtls_3.6.6.orig.tar.bz2|8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a|mbedtls_3.6.6-0.1~deb13u1.debian.tar.xz|210466c522eeebc85cf2f76bd5aef935b4ebac465559cc0a84f9e73a8ed6601c
curl|8.14.1-2+deb13u5|curl_8.14.1.orig.tar.gz|6766ada7101d292b42b8b15681120acd68effa4a9660935853cf6d61f0d984d4|curl_8.14.1-2+deb13u5.debian.tar.xz|ebdfcfab1c2001c7a539fe2a4044dbf666a544393f191bedce9ee2d07c4ea925
zlib|1:1.3.dfsg+really1.3.1-1|zlib_1.3.dfsg+really1.3.1.orig.tar.gz|60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb|zlib_1.3.dfsg+really1.3.1-1.debian.tar.xz|9ed525955ce9fb0c1b39be8ff98f73450dbfc6305a9a27e6149c8972d38a0a9e
libxml2|2.12.7+dfsg+really2.9.14-2.1+deb13u3|libxml2_2.12.7+dfsg+really2.9.14.orig.tar.xz|4fe913dec8b1ab89d13b489b419a8203176ea39e931eaa0d25b17eafb9c279e9|libxml2_2.12.7+dfsg+really2.9.14-2.1+deb13u3.debian.tar.xz|3b6d265f482d6a8fbe3c056d2006fb3b563b4a838f7258b388ac5f0b29206921
ncurses|6.5+20250216-2|ncurses_6.5+20250216.orig.tar.gz|b37baafa436e7133bb12a185cb8f60e1599b1947e9f0181c76f3190acf28b6eb|ncurses_6.5+20250216-2.debian.tar.xz|546930a8992ae3325d8c38378f290265d969cf6333cfae9648ac6d69e1e8a8a6
libedit|3.1-20221030-2|libedit_3.1-20221030.orig.tar.gz|f0925a5adf4b1bf116ee19766b7daa766917aec198747943b1c4edf67a4be2bb|libedit_3.1-20221030-2.debian.tar.xz|ab1ec0e03ae5122831a02d9a0be2afa4b91d739cd459ee1e168c917bae66b622
qrencode|4.1.1-2|qrencode_4.1.1.orig.tar.bz2|e455d9732f8041cf5b9c388e345a641fd15707860f928e94507b1961256a6923|qrencode_4.1.1-2.debian.tar.xz|3f97d63aac63706ecbbc8024549161a824d83303a462203e25a1ed7571a309e4
mimalloc|2.0.9+ds-2|mimalloc_2.0.9+ds.orig.tar.xz|cbc9d207ff105ad1f0cb739c378076143a6452b8d0624309cea0abfb040e972b|mimalloc_2.0.9+ds-2.debian.tar.xz|a805cc9ca126d974276508567530fb5a5a3febda86d9700e73d081c10f130318
'

# The patches of Debian's series that are NOT applied: package | patch | reason.
EXCLUDE='
sqlite3|02-use-packaged-lempar.c.patch|makes lemon take /usr/share/lemon/lempar.c when the build machine has the lemon package installed (any version) instead of the bundled template: the generated parser would depend on the host
tcl8.6|tclprivate.diff|packaging only: points the installed tclConfig.sh at the private headers of Debian'"'"'s /usr/include/tcl8.6/tcl-private layout, which this prefix does not have
'

# One line a security patch adds, checked in the patched source before it is built (proof that the
# series was applied): package | file | fixed string.
PROOF='
libxml2|tree.c|if (lenn >= SIZE_MAX - lenp - 1)
curl|lib/curl_sasl.c|(!data->state.this_is_a_follow || data->set.allow_auth_to_other_hosts) ?
sqlite3|src/expr.c|"more than %d aggregate terms"
qrencode|qrenc.c|white_s = strlen (white);
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

# aptget ARGS: apt-get with the private source lists of the cache.
aptget() {
    apt-get -q -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts="$APT/parts" \
        -o Dir::State::Lists="$APT/lists" -o APT::Sandbox::User=root "$@"
}

# aptcache ARGS: apt-cache (showsrc) with the private source lists of the cache.
aptcache() {
    apt-cache -q -o Dir::Etc::sourcelist="$APT/sources.list" -o Dir::Etc::sourceparts="$APT/parts" \
        -o Dir::State::Lists="$APT/lists" "$@"
}

# apt_update: make the private source lists and fetch their indexes once (marked by $APT/updated).
apt_update() {
    [ -f "$APT/updated" ] && return 0
    apt_sources
    log "apt-get update (private source lists in $APT)"
    aptget update >/dev/null || die "apt-get update failed for $APT/sources.list"
    touch "$APT/updated"
}

# sha_ok FILE SHA: whether $SRC/FILE exists with that sha256.
sha_ok() {
    [ -f "$SRC/$1" ] && echo "$2  $SRC/$1" | sha256sum -c - >/dev/null 2>&1
}

# fetch NAME VERSION ORIG SHA DEBIAN DSHA: make sure $SRC holds the orig and the Debian tarball of
# NAME=VERSION with the pinned checksums, downloading the source package if not. Dies (and removes
# the file) on a checksum mismatch, or when the archive does not serve that version.
fetch() {
    name=$1 ver=$2 orig=$3 sha=$4 deb=$5 dsha=$6
    mkdir -p "$SRC"
    sha_ok "$orig" "$sha" && sha_ok "$deb" "$dsha" && return 0
    apt_update
    log "fetching $name=$ver"
    (cd "$SRC" && aptget source --download-only "$name=$ver" >/dev/null 2>&1) ||
        die "apt-get source --download-only $name=$ver failed (is that version still in the suites? see README, Updating the dependencies)"
    for f in "$orig|$sha" "$deb|$dsha"; do
        if ! sha_ok "${f%|*}" "${f#*|}"; then
            rm -f "$SRC/${f%|*}"
            die "${f%|*}: missing or sha256 mismatch (wanted ${f#*|})"
        fi
    done
}

# excluded NAME PATCH: the reason PATCH of NAME's series is not applied, or nothing.
excluded() {
    echo "$EXCLUDE" | awk -F'|' -v n="$1" -v p="$2" '$1==n && $2==p { print $3 }'
}

# patch_series NAME DIR: apply DIR/debian/patches/series to the source tree DIR in order (each line
# "PATCH [-pN]", default -p1, no fuzz), skipping the patches EXCLUDE lists; appends what was done
# to $WORK/patches.txt. Dies naming the patch when one does not apply. Then makes the generated
# autotools files newer than any patched input, so make never tries to rerun autotools.
patch_series() {
    name=$1 dir=$2 series=$2/debian/patches/series
    if [ ! -f "$series" ]; then
        echo "$name: no patch series" >> "$WORK/patches.txt"
        return 0
    fi
    sed -e 's/#.*//' "$series" | while read -r p opt; do
        [ -n "$p" ] || continue
        why=$(excluded "$name" "$p")
        if [ -n "$why" ]; then
            echo "$name: excluded $p ($why)" >> "$WORK/patches.txt"
            continue
        fi
        case ${opt:--p1} in -p[0-9]) ;; *) die "$name: patch $p: unknown option '$opt' in series" ;; esac
        [ -f "$dir/debian/patches/$p" ] || die "$name: patch $p named in the series is missing"
        patch -d "$dir" -s -f -N -F0 -E --no-backup-if-mismatch -r - ${opt:--p1} \
            -i "$dir/debian/patches/$p" >"$WORK/patch.out" 2>&1 ||
            die "$name: Debian patch $p does not apply: $(tr '\n' ' ' < "$WORK/patch.out")"
        echo "$name: applied $p" >> "$WORK/patches.txt"
    done || exit 1
    grep -q "^$name: " "$WORK/patches.txt" 2>/dev/null || echo "$name: its series is empty" >> "$WORK/patches.txt"
    echo "$EXCLUDE" | awk -F'|' -v n="$name" '$1==n { print $2 }' | while read -r p; do
        grep -qx "$p\( .*\)\{0,1\}" "$series" ||
            die "$name: excluded patch $p is not in the series (update EXCLUDE)"
    done || exit 1
    for pat in aclocal.m4 configure Makefile.in '*.h.in'; do
        find "$dir" -name "$pat" -type f -exec touch {} +
    done
    echo "$PROOF" | awk -F'|' -v n="$name" '$1==n { print $2 "|" $3 }' | while IFS='|' read -r f line; do
        grep -qF -- "$line" "$dir/$f" || die "$name: $f lacks '$line' (Debian's series not applied?)"
    done || exit 1
}

# unpack NAME: extract NAME's orig tarball into a fresh build directory, put its Debian tarball's
# debian/ beside it, apply the series and print the directory's path.
unpack() {
    p=$(pin "$1")
    orig=$(echo "$p" | cut -d'|' -f3) deb=$(echo "$p" | cut -d'|' -f5)
    [ -n "$orig" ] || die "$1: not pinned"
    d=$WORK/$(echo "$orig" | sed 's/\.orig\.tar\..*//')
    rm -rf "$d"; mkdir -p "$d"
    tar -xf "$SRC/$orig" -C "$d" --strip-components=1
    rm -rf "$d/debian"
    tar -xf "$SRC/$deb" -C "$d" debian
    patch_series "$1" "$d" >&2
    echo "$d"
}

# pin NAME: NAME's line of PINS.
pin() { echo "$PINS" | awk -F'|' -v n="$1" '$1==n'; }

# write_header FILE: a C header with the Debian version of every pinned package, as macros
# YQ_DEBIAN_<NAME> (NAME upper case, other than letters and digits as _), e.g. YQ_DEBIAN_TCL8_6.
write_header() {
    {
        echo "/* yqbox_deps.h - written by src/deps.sh: the Debian source package revision each"
        echo "** embedded library was built from, with Debian's patch series applied. */"
        echo "$PINS" | while IFS='|' read -r n v rest; do
            [ -n "$n" ] || continue
            printf '#define YQ_DEBIAN_%s "%s"\n' "$(echo "$n" | tr a-z A-Z | tr -c 'A-Z0-9\n' _)" "$v"
        done
    } > "$1.new"
    mv "$1.new" "$1"
}

[ "${DEPS_LIB:-}" = 1 ] && return 0

[ $# -eq 2 ] || die "usage: deps.sh FLAVOR PREFIX"
FLAVOR=$1
PREFIX=$2
# yqbox's own patches to the dependencies (src/patches, part of the recipe's key in configure)
PATCHES=$(cd "$(dirname "$0")" && pwd)/patches

case $FLAVOR in
    musl)  CC=musl-gcc; CFLAGS="-Os -w -ffunction-sections -fdata-sections"
           FAST="-O2 -w -ffunction-sections -fdata-sections" ;;
    glibc) CC=gcc;      CFLAGS="-O1 -g -w"; FAST="-O2 -g -w" ;;
    *) die "unknown flavor $FLAVOR (musl or glibc)" ;;
esac
export CC CFLAGS

echo "$PINS" | while IFS='|' read -r n v o s deb dsha; do
    if [ -n "$n" ]; then fetch "$n" "$v" "$o" "$s" "$deb" "$dsha"; fi
done

mkdir -p "$PREFIX/lib" "$PREFIX/include"
WORK=$PREFIX/.work
mkdir -p "$WORK"
write_header "$PREFIX/include/yqbox_deps.h"
stamp() { [ -f "$PREFIX/.done-$1" ]; }
# done_ STEP: mark STEP built and keep the record of its Debian patches.
done_() { cat "$WORK/patches.txt" >> "$PREFIX/debian-patches.txt" 2>/dev/null || true
          rm -f "$WORK/patches.txt"; touch "$PREFIX/.done-$1"; }

if ! stamp zlib; then
    log "building zlib ($FLAVOR)"
    d=$(unpack zlib)
    (cd "$d" && ./configure --static --prefix="$PREFIX" >/dev/null && make -j"$JOBS" libz.a >/dev/null &&
        make install >/dev/null)
    done_ zlib
fi

if ! stamp qrencode; then
    log "building qrencode ($FLAVOR)"
    d=$(unpack qrencode)
    # the library only (the enrolment page's QR code): no qrencode tool, so no libpng
    (cd "$d" && ./configure --prefix="$PREFIX" --disable-shared --enable-static --without-tools \
        --without-png --without-tests --enable-thread-safety >/dev/null &&
        make -j"$JOBS" libqrencode.la >/dev/null &&
        make install-libLTLIBRARIES install-includeHEADERS >/dev/null)
    [ -f "$PREFIX/lib/libqrencode.a" ] && [ -f "$PREFIX/include/qrencode.h" ] ||
        die "qrencode: libqrencode.a or qrencode.h not installed"
    done_ qrencode
fi

if ! stamp mbedtls; then
    log "building mbedtls ($FLAVOR)"
    d=$(unpack mbedtls)
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
    # X25519 by Project Everest's verified HACL* code (3rdparty/everest in mbedTLS's own source;
    # Apache-2.0 only, as yqbox takes mbedTLS): ECDH through it, and through our patch
    # src/patches/mbedtls-x25519-hacl.patch every Curve25519 scalar multiplication, so also the
    # public key a TLS 1.3 server computes on each handshake (PSA exports it with mbedtls_ecp_mul).
    # Issue 18, bench/server.sh's reference server, CPU per full TLS 1.3 handshake with an X25519
    # key share: 1,359 us with the bignum ladder, 918 us with Everest's ECDH, 507 us with the patch
    # too. tests/c/ecc.c checks RFC 7748's vectors through both APIs.
    sed -i 's|^//#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED|#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED|' "$cfg"
    grep -q '^#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED' "$cfg" || die "mbedtls: could not enable Everest"
    patch -d "$d" -s -f -N -F0 -E --no-backup-if-mismatch -r - -p1 \
        -i "$PATCHES/mbedtls-x25519-hacl.patch" >"$WORK/patch.out" 2>&1 ||
        die "mbedtls: src/patches/mbedtls-x25519-hacl.patch does not apply: $(tr '\n' ' ' < "$WORK/patch.out")"
    echo "mbedtls: applied yqbox's mbedtls-x25519-hacl.patch" >> "$WORK/patches.txt"
    # its allocator can be replaced (tls.c gives it Tcl's per-thread one instead of musl's)
    sed -i -e 's|^//#define MBEDTLS_PLATFORM_MEMORY|#define MBEDTLS_PLATFORM_MEMORY|' "$cfg"
    grep -q '^#define MBEDTLS_PLATFORM_MEMORY' "$cfg" || die "mbedtls: could not enable PLATFORM_MEMORY"
    # AES-NI through the compiler's intrinsics on x86-64 (MBEDTLS_AESNI_HAVE_CODE 2 instead of
    # the inline assembly): MBEDTLS_AESNI_C and MBEDTLS_HAVE_ASM are on in the default config, and
    # aesni.h picks the intrinsics when __AES__ and __PCLMUL__ are defined. -mssse3 as well: the
    # GCM multiply byte-reverses its operands, and only with SSSE3's pshufb does that stop being
    # byte loads and stores that stall the 16-byte loads after them (AES-128-GCM 16 KB records,
    # CPU time: 310 MB/s with the assembly or -maes -mpclmul alone, 436 MB/s with -mssse3).
    # -maes -mpclmul go to the whole library, as upstream requires: aes.c must see the same
    # MBEDTLS_AESNI_HAVE_CODE as aesni.c, or it does not align the round keys that the intrinsics
    # load with aligned moves (a crash); the compiler never emits AES or PCLMUL instructions
    # without the intrinsics, which only aesni.c uses. -mssse3 goes to aesni.c alone (built first,
    # then reused by `make static`): all of it but the check below runs only where the check
    # passed. MBEDTLS_AES_USE_HARDWARE_ONLY stays off, so aes.c and gcm.c
    # call mbedtls_aesni_has_support() (CPUID leaf 1, once) and fall back to the C code on a CPU
    # without AES-NI; that check is made to require SSSE3 too (ECX bit 9; every CPU with AES-NI
    # has it, a virtual one could hide it) and is checked to use no SSE register itself.
    grep -q '^#define MBEDTLS_AESNI_C' "$cfg" && grep -q '^#define MBEDTLS_HAVE_ASM' "$cfg" ||
        die "mbedtls: MBEDTLS_AESNI_C or MBEDTLS_HAVE_ASM is not enabled"
    grep -q '^#define MBEDTLS_AES_USE_HARDWARE_ONLY' "$cfg" &&
        die "mbedtls: MBEDTLS_AES_USE_HARDWARE_ONLY would drop the run-time AES-NI check"
    case $($CC -dumpmachine) in
        x86_64-*)
            sed -i 's/^        c = info\[2\];$/        c = (info[2] \& 0x200) ? info[2] : 0;  \/* yqbox: and SSSE3 *\//' \
                "$d/library/aesni.c"
            grep -qF 'c = (info[2] & 0x200) ? info[2] : 0;' "$d/library/aesni.c" ||
                die "mbedtls: could not make the AES-NI check require SSSE3"
            (cd "$d" && make -C library CC="$CC" CFLAGS="$FAST -maes -mpclmul -mssse3" aesni.o >/dev/null)
            chk=$(objdump -d "$d/library/aesni.o" | awk '/<mbedtls_aesni_has_support>:/ { on = 1; next }
                                                        on && /^$/ { exit } on')
            printf '%s\n' "$chk" | grep -q cpuid && ! printf '%s\n' "$chk" | grep -q xmm ||
                die "mbedtls: mbedtls_aesni_has_support is missing or uses SSE registers" ;;
    esac
    aesflags=''
    case $($CC -dumpmachine) in x86_64-*) aesflags='-maes -mpclmul' ;; esac
    # the record layer and handshakes are the server's hot path: -O2, not -Os
    (cd "$d" && make -j"$JOBS" -C library CC="$CC" CFLAGS="$FAST $aesflags" static >/dev/null)
    for o in "$d"/library/*.o; do
        [ "${o##*/}" = aesni.o ] && continue
        ! objdump -d "$o" | grep -Eq '[[:space:]](aes[a-z]*|v?pclmul[a-z]*|pshufb)[[:space:]]' ||
            die "mbedtls: ${o##*/} uses AES-NI, PCLMUL or SSSE3 instructions outside aesni.c"
    done
    cp "$d"/library/*.a "$PREFIX/lib/"
    cp -R "$d/include/mbedtls" "$d/include/psa" "$d/3rdparty/everest/include/everest" "$PREFIX/include/"
    done_ mbedtls
fi

if ! stamp curl; then
    log "building curl ($FLAVOR)"
    d=$(unpack curl)
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
    d=$(unpack libxml2)
    # the HTML parser is the patrol's hot path (every page fetched): -O2
    (cd "$d" && CFLAGS="$FAST" ./configure --prefix="$PREFIX" --disable-shared --enable-static --without-python \
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
    d=$(unpack tcl8.6)
    # the sanitizer flavour: -DPURIFY makes Tcl allocate every object and block with malloc, not
    # from its per-thread caches, so that ASan and LeakSanitizer see (and report) Tcl's allocations
    # and those routed through it (libxml2's in html.c, mbedtls's in tls.c)
    purify=''
    [ "$FLAVOR" = glibc ] && purify=-DPURIFY
    # CPPFLAGS/LDFLAGS: link the zlib above rather than Tcl's bundled copy (one zlib in the binary)
    # -O2: the bytecode engine, objects and the event loop are on every hot path
    (cd "$d/unix" && CFLAGS="$FAST $purify" CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib" \
        ./configure --prefix="$PREFIX" --disable-shared --enable-threads \
        --enable-64bit >/dev/null && make -j"$JOBS" binaries >/dev/null &&
        make install-binaries install-headers install-libraries install-tzdata install-msgs \
        install-private-headers >/dev/null)
    done_ tcl
fi

if ! stamp sqlite; then
    log "building sqlite ($FLAVOR)"
    d=$(unpack sqlite3)
    # the amalgamation is generated with the host's C compiler and tclsh, then compiled for FLAVOR
    (cd "$d" && CC=gcc CFLAGS=-O1 ./configure --disable-shared >/dev/null &&
        make tclsqlite3.c >/dev/null)
    $CC $FAST -I"$PREFIX/include" -DSQLITE_ENABLE_FTS5 -DSQLITE_THREADSAFE=1 \
        -DSQLITE_DQS=0 -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 -DSQLITE_ENABLE_RTREE \
        -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_ENABLE_DBSTAT_VTAB \
        -DSQLITE_USE_URI=1 -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_TEMP_STORE=2 \
        -DSQLITE_DEFAULT_MEMSTATUS=0 \
        -c "$d/tclsqlite3.c" -o "$WORK/tclsqlite3.o"
    ar rcs "$PREFIX/lib/libtclsqlite3.a" "$WORK/tclsqlite3.o"
    cp "$d/sqlite3.h" "$PREFIX/include/"
    done_ sqlite
fi

if ! stamp ncurses; then
    log "building ncurses ($FLAVOR)"
    d=$(unpack ncurses)
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
    d=$(unpack libedit)
    (cd "$d" && CFLAGS="$CFLAGS -D__STDC_ISO_10646__=201706L -I$PREFIX/include -I$PREFIX/include/ncursesw" \
        LDFLAGS="-L$PREFIX/lib" ./configure --prefix="$PREFIX" --disable-shared --enable-static \
        --disable-examples >/dev/null && make -j"$JOBS" -C src >/dev/null &&
        make -C src install >/dev/null)
    done_ libedit
fi

# mimalloc, the musl build's allocator: musl's mallocng returns memory to the kernel so eagerly
# that storing one post cost ~5 mmap+munmap pairs. One object (its unity build src/static.c, as
# upstream's mimalloc-obj target) with MI_MALLOC_OVERRIDE, so that it defines malloc, free and
# the rest: linked before libc (Makefile.in) it replaces musl's malloc for all of the binary's
# code, Tcl, SQLite, libcurl, libxml2 and musl's own callers of malloc. Flags as its CMakeLists
# gives them on Linux. Not for the glibc flavour: the sanitizer build keeps ASan's allocator.
if [ "$FLAVOR" = musl ] && ! stamp mimalloc; then
    log "building mimalloc ($FLAVOR)"
    d=$(unpack mimalloc)
    $CC $FAST -DNDEBUG -DMI_MALLOC_OVERRIDE -fvisibility=hidden -ftls-model=initial-exec \
        -fno-builtin-malloc -I"$d/include" -c "$d/src/static.c" -o "$PREFIX/lib/mimalloc.o"
    nm "$PREFIX/lib/mimalloc.o" | grep -q ' T malloc$' || die "mimalloc: mimalloc.o does not define malloc"
    done_ mimalloc
fi

rm -rf "$WORK"
log "all dependencies ready in $PREFIX"
