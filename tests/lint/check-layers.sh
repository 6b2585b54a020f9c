#!/usr/bin/env bash
# Checks that every file in daemon/ includes only from its own layer and the layers below it
# (ARCHITECTURE.md): sys < exec, io < core < bus < main.c. exec/ and io/ are peers that know
# nothing of each other. Prints each offending line and exits 1; exits 0 when there is none.
#
# holder/ is not a layer but a program of its own (syscage-holder) that links only libc: its
# files include holder/ headers and system headers of libc and the kernel, nothing from lib/,
# no other layer, no library (systemd, seccomp, inih, cmocka). Of holder/, the daemon may
# include the protocol header only, and only from sys/ (where the client is).
# preload/ is syscage-preload.so, loaded into services: it includes lib/phase-marker.h only.
set -u
top=${1:-$(dirname "$0")/../..}
cd "$top/daemon" || exit 2
declare -A allowed=(
        [sys]="sys"
        [exec]="sys exec"
        [io]="sys io"
        [core]="sys exec io core"
        [bus]="sys exec io core bus"
        [.]="sys exec io core bus"
        [holder]="holder"
        [preload]="preload"
)
holder_protocol='holder/holder-protocol.h'
# Libraries (by their headers) a libc-only program must not use.
not_libc='^#include <(systemd/|seccomp|ini\.h|cmocka)'

bad=0
n=0
while IFS= read -r f; do
        f=${f#./}
        layer=$(dirname "$f"); layer=${layer#./}
        if [ -z "${allowed[$layer]+x}" ]; then
                echo "daemon/$f: folder '$layer' is not a known layer"
                bad=1
                continue
        fi
        while IFS=: read -r line inc; do
                n=$((n + 1))
                if [ "$layer" = holder ]; then
                        if [[ $inc =~ $not_libc ]] || [[ $inc =~ ^#include\ \" && ! $inc =~ ^#include\ \"holder/ ]]; then
                                echo "daemon/$f:$line: holder/ is libc-only and includes: $inc"
                                bad=1
                        fi
                        continue
                fi
                if [[ $inc == "#include \"$holder_protocol\"" && $layer == sys ]]; then
                        continue
                fi
                # Bash's own pattern matching: one subprocess per include line made this
                # check take half a minute on a loaded machine.
                if [[ $inc =~ ^#include\ \"([a-z]+)/ ]]; then
                        target=${BASH_REMATCH[1]}
                else
                        # A lib/ header; a daemon header without its layer would hide the layering.
                        [[ $inc =~ ^#include\ \"(.*)\" ]] && name=${BASH_REMATCH[1]} || name=
                        if [ -n "$name" ] && compgen -G "*/$name" >/dev/null; then
                                echo "daemon/$f:$line: includes $name without its layer folder"
                                bad=1
                        fi
                        continue
                fi
                case " ${allowed[$layer]} " in
                *" $target "*) ;;
                *) echo "daemon/$f:$line: $layer/ includes from $target/: $inc"; bad=1 ;;
                esac
        done < <(if [ "$layer" = holder ]; then grep -n '^#include' "$f"; else grep -n '^#include "' "$f"; fi)
done < <(find . -name '*.[ch]' | sort)
[ "$n" -gt 0 ] || { echo "no #include lines found under daemon/"; exit 1; }
[ $bad -eq 0 ] && echo "layers: $n include lines checked, none reaches upwards"
exit $bad
