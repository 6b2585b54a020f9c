#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the Debian package from a copy of the source tree, installs it, and checks what it
# installed: syscagectl --version, the man pages, and a gated run through the installed
# syscaged (a launch with execve denied works, the service's own later execve is refused).
# Purges the package at the end. Run by the "package" test suite (tests/meson.build), which
# contrib/run-tests includes; it can also be run by hand, as root:
#
#   contrib/ci-package.sh [SOURCE_DIR]
#
# Exits 0 when every check passed, 1 when one failed, 77 (skipped) when this system cannot
# do it: not root, no dpkg-buildpackage or debhelper, build dependencies missing, or a
# syscage package already installed (it is not ours to replace).
set -u
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

[ "$(id -u)" -eq 0 ] || skip "needs root: it installs and purges the package"
for t in dpkg-buildpackage dh dpkg-checkbuilddeps man; do
        command -v "$t" >/dev/null || skip "$t is not installed (contrib/deps.sh lists it)"
done
if dpkg-query -W -f='${Status}' syscage 2>/dev/null | grep -q "ok installed"; then
        skip "a syscage package is already installed here; not replacing it"
fi

work=$(mktemp -d /tmp/syscage-package.XXXXXX)
daemon_pid=
installed=
cleanup() {
        if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
                kill -KILL "$daemon_pid" 2>/dev/null
                wait "$daemon_pid" 2>/dev/null
        fi
        [ -n "$installed" ] && dpkg --purge syscage >"$work/purge.log" 2>&1
        rm -rf "$work"
}
trap cleanup EXIT

# The copy: what git tracks plus files not yet added (but not what it ignores: build
# directories); outside a git checkout, everything but build directories.
mkdir "$work/src"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) |
                tar -xf - -C "$work/src" || fail "copying the source tree"
else
        (cd "$src" && tar --exclude='./build*' --exclude='./debian/.debhelper' -cf - .) |
                tar -xf - -C "$work/src" || fail "copying the source tree"
fi
cd "$work/src" || fail "no copy"
dpkg-checkbuilddeps >"$work/deps.log" 2>&1 || skip "build dependencies missing: $(cat "$work/deps.log")"

start=$SECONDS
if ! dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1; then
        tail -40 "$work/build.log"
        fail "dpkg-buildpackage"
fi
deb=$(ls "$work"/syscage_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "dpkg-buildpackage made no syscage_*.deb"
ok "dpkg-buildpackage -us -uc -b built $(basename "$deb") in $((SECONDS - start)) s"

# The package's compiler flags (hardening, _FORTIFY_SOURCE) differ from the test builds':
# the launch child must still call nothing outside itself.
child=$(ls obj-*/daemon/libsyscage-exec-child.a 2>/dev/null | head -1)
if [ -n "$child" ] && command -v nm >/dev/null; then
        bash tests/lint/check-child-symbols.sh nm tests/lint/child-symbols.allow "$child" ||
                fail "the package build's launch child calls outside itself"
        ok "the package build's launch child calls nothing outside itself"
fi

installed=1
if ! DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$work/install.log" 2>&1; then
        cat "$work/install.log"
        fail "dpkg -i $(basename "$deb")"
fi
ok "installed"

files=$(dpkg-query -L syscage)
path_of() { printf '%s\n' "$files" | grep -E "/$1\$" | head -1; }
ctl=$(path_of 's?bin/syscagectl')
daemon=$(path_of 's?bin/syscaged')
holder=$(path_of 's?bin/syscage-holder')
unit=$(path_of 'systemd/system/syscaged.service')
[ -x "$ctl" ] && [ -x "$daemon" ] && [ -x "$holder" ] && [ -f "$unit" ] ||
        fail "the package lacks a program or syscaged.service: $files"
[ "$(dirname "$holder")" = "$(dirname "$daemon")" ] || fail "syscage-holder is not beside syscaged"
grep -qx "ExecStart=$daemon" "$unit" || fail "syscaged.service does not start $daemon"
ok "programs at $ctl, $daemon, $holder; $unit starts $daemon"
for c in syscagectl syscaged; do
        printf '%s\n' "$files" | grep -q "/bash-completion/completions/$c\$" || fail "no bash completion for $c"
done
printf '%s\n' "$files" | grep -q '/doc/syscage/examples/no-exec.service$' || fail "no example units"
# Installed, not enabled (deb-systemd-helper makes the link even where systemd is not
# running), not started.
[ -e /etc/systemd/system/multi-user.target.wants/syscaged.service ] &&
        fail "installing the package enabled syscaged.service"
for p in /proc/[0-9]*; do
        case "$(readlink "$p/exe" 2>/dev/null)" in
        "$daemon"|"$holder") fail "installing the package started $(readlink "$p/exe") (${p#/proc/})" ;;
        esac
done
ok "syscaged.service is not enabled, and no syscaged runs"
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
        state=$(systemctl is-enabled syscaged.service 2>/dev/null)
        [ "$state" = disabled ] || fail "syscaged.service is '$state' after install, not disabled"
        systemctl is-active --quiet syscaged.service && fail "installing the package started syscaged"
        ok "syscaged.service installed, not enabled, not running"
fi

v=$("$ctl" --version) || fail "syscagectl --version"
want=$(dpkg-query -W -f='${Version}' syscage)
[[ "$v" == *"$want"* ]] || fail "syscagectl --version says '$v', the package is $want"
ok "syscagectl --version: $v"

pages=$(man -w syscagectl syscaged syscage.service) || fail "man -w syscagectl syscaged syscage.service"
ok "man pages: $(echo $pages)"
for s in "1 syscagectl" "8 syscaged" "5 syscage.service"; do
        set -- $s
        out=$(MANWIDTH=80 man -P cat "$1" "$2" 2>/dev/null) || fail "man $1 $2 does not render"
        grep -q "^NAME" <<<"$out" && grep -q "$2 - " <<<"$out" || fail "man $1 $2 has no NAME line"
done
ok "man syscagectl, syscaged, syscage.service render with a NAME section"

# The installed daemon, with state, runtime and unit directories of its own (nothing of a
# system's real /run/syscage is touched).
mkdir -p "$work/units"
sock=$work/run/control.sock
"$daemon" --units-dir "$work/units" --state-dir "$work/state" --runtime-dir "$work/run" \
        --directories-root "$work/root" >"$work/daemon.log" 2>&1 </dev/null &
daemon_pid=$!
deadline=$((SECONDS + 20))
until "$ctl" --socket "$sock" list >/dev/null 2>&1; do
        kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.log"; fail "the installed syscaged exited"; }
        [ $SECONDS -lt $deadline ] || { cat "$work/daemon.log"; fail "the installed syscaged did not answer in 20 s"; }
        sleep 0.1
done
ok "the installed syscaged answers on $sock"
# It found the installed holder beside itself and became it (same pid).
exe=$(readlink "/proc/$daemon_pid/exe")
[ "$exe" = "$holder" ] || fail "the started process is $exe, not the fd holder $holder"
ok "the installed syscaged runs under its fd holder $holder"

run() { "$ctl" --socket "$sock" run --pipe -q "$@" </dev/null 2>&1; }
script='echo launched; if /bin/true; then echo exec-ok; else echo exec-refused; fi'
out=$(run /bin/sh -c "$script")
[ "$out" = $'launched\nexec-ok' ] || fail "without a filter the service's exec works: got '$out'"
ok "without a filter: launched, and its own exec runs"
out=$(run -p 'SystemCallFilter=~execve execveat' -p SystemCallErrorNumber=EPERM /bin/sh -c "$script")
printf '%s\n' "$out" | grep -qx launched || fail "with execve denied the launch did not work: '$out'"
printf '%s\n' "$out" | grep -qx exec-refused || fail "with execve denied the service's own exec was not refused: '$out'"
printf '%s\n' "$out" | grep -qx exec-ok && fail "with execve denied the service's own exec ran: '$out'"
ok "SystemCallFilter=~execve: the launch works, the service's own execve is refused" \
        "($(printf '%s\n' "$out" | grep -vx -e launched -e exec-refused | head -1))"

kill -TERM "$daemon_pid"
deadline=$((SECONDS + 30))
# Our child: until it is waited for, it is a zombie (state Z), not gone.
while [ -e "/proc/$daemon_pid" ] && [ "$(cut -d' ' -f3 "/proc/$daemon_pid/stat" 2>/dev/null)" != Z ]; do
        [ $SECONDS -lt $deadline ] || fail "the installed syscaged did not stop within 30 s of SIGTERM"
        sleep 0.1
done
wait "$daemon_pid"
daemon_pid=
ok "the installed syscaged stopped"

installed=
dpkg --purge syscage >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge syscage"; }
for f in "$ctl" "$daemon" "$holder" "$unit"; do
        [ -e "$f" ] && fail "$f is still there after the purge"
done
ok "purged; nothing of the package is left"
echo "package: all checks passed"
