#!/bin/sh
# manifest.sh - list the files compiled into the yqbox binary, one "VIRTUAL<TAB>DISK" per line,
# for mkembed. Usage: manifest.sh TCL-LIBDIR (the lib/ directory of the built Tcl).
# Embedded: scripts/ and webroot/ of the checkout, and the part of Tcl's script library the
# appliance uses (init and friends, clock with its Chinese messages, msgcat, tcltest, the time zones
# of China and UTC, the encodings for Chinese pages).
set -eu
lib=$1
tab=$(printf '\t')

find scripts webroot -type f ! -name '*~' ! -name '.*' | LC_ALL=C sort | while read -r f; do
    printf '%s\t%s\n' "$f" "$f"
done

for f in auto.tcl clock.tcl history.tcl init.tcl package.tcl parray.tcl safe.tcl tm.tcl word.tcl \
         tclIndex; do
    printf 'lib/tcl8.6/%s\t%s\n' "$f" "$lib/tcl8.6/$f"
done
for m in zh.msg zh_cn.msg zh_hk.msg zh_sg.msg zh_tw.msg; do
    printf 'lib/tcl8.6/msgs/%s\t%s\n' "$m" "$lib/tcl8.6/msgs/$m"
done
for e in ascii big5 cp1252 cp936 cp950 euc-cn gb12345 gb1988 gb2312 gb2312-raw iso8859-1 \
         iso8859-15; do
    printf 'lib/tcl8.6/encoding/%s.enc\t%s\n' "$e" "$lib/tcl8.6/encoding/$e.enc"
done
for z in Asia/Shanghai Asia/Chongqing Asia/Chungking Asia/Harbin Asia/Urumqi Asia/Hong_Kong \
         Asia/Macau Asia/Taipei PRC UTC Etc/UTC GMT Etc/GMT; do
    [ -f "$lib/tcl8.6/tzdata/$z" ] && printf 'lib/tcl8.6/tzdata/%s\t%s\n' "$z" "$lib/tcl8.6/tzdata/$z"
done
for m in "$lib"/tcl8/8.5/msgcat-*.tm "$lib"/tcl8/8.5/tcltest-*.tm; do
    printf 'lib/tcl8/8.5/%s%s%s\n' "$(basename "$m")" "$tab" "$m"
done
