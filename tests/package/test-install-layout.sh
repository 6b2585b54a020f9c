#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks what `meson install` puts where: installs the build into a temporary DESTDIR and
# compares the files with the expected ones (and nothing more), checks syscaged.service
# starts the installed daemon, the fd holder lies beside the daemon (where the daemon looks
# for it), the installed programs run, and every man page renders with `man -l`.
#
# Usage: test-install-layout.sh MESON BUILD_DIR UNITS_SOURCE_DIR EXAMPLES_DIR FILE...
# EXAMPLES_DIR gets a copy of every file in UNITS_SOURCE_DIR; FILE... are the other files
# expected, as absolute installed paths: programs (*bin/NAME), syscaged.service, the bash
# completions, man pages (NAME.[1-8]).
set -u
[ $# -ge 5 ] || { echo "usage: $0 MESON BUILD_DIR UNITS_SOURCE_DIR EXAMPLES_DIR FILE..." >&2; exit 2; }
meson=$1 build=$2 units_src=$3 examples=$4
shift 4

failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }

dest=$(mktemp -d /tmp/syscage-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
if ! out=$("$meson" install -C "$build" --destdir "$dest" --no-rebuild 2>&1); then
        echo "$out"
        echo "FAIL: meson install --destdir"
        exit 1
fi

expected=("$@")
for f in "$units_src"/*; do
        expected+=("$examples/$(basename "$f")")
done
for f in "${expected[@]}"; do
        [ -f "$dest$f" ] || fail "$f is not installed"
done
for f in "$units_src"/*; do
        cmp -s "$f" "$dest$examples/$(basename "$f")" || fail "example $(basename "$f") differs from units/"
done
extra=$(cd "$dest" && find . -type f -o -type l | sed 's|^\.||' | sort |
        comm -23 - <(printf '%s\n' "${expected[@]}" | sort))
[ -z "$extra" ] || fail "installed but not expected (add them to tests/meson.build if meant): $extra"
[ $failed -eq 0 ] && ok "meson install --destdir: ${#expected[@]} files where expected, nothing else"

find_one() { printf '%s\n' "${expected[@]}" | grep -E "$1" | head -1; }
daemon=$(find_one '/s?bin/syscaged$')
holder=$(find_one '/s?bin/syscage-holder$')
ctl=$(find_one '/s?bin/syscagectl$')
unit=$(find_one '/syscaged\.service$')
[ "$(dirname "$holder")" = "$(dirname "$daemon")" ] ||
        fail "syscage-holder ($holder) is not beside syscaged ($daemon), where the daemon looks for it"
if [ -f "$dest$unit" ]; then
        grep -qx "ExecStart=$daemon" "$dest$unit" || fail "$unit does not start $daemon"
        grep -qx "ExecReload=$ctl daemon-reload" "$dest$unit" || fail "$unit does not reload with $ctl"
        grep -q '@[A-Z_]*@' "$dest$unit" && fail "$unit has an unreplaced @VARIABLE@"
fi
for p in "$daemon" "$ctl"; do
        v=$("$dest$p" --version 2>&1) || fail "installed $p --version: $v"
done

if ! command -v man >/dev/null; then
        echo "man is not installed: the man pages' rendering is not checked"
else
        for page in $(printf '%s\n' "${expected[@]}" | grep -E '\.[1-8]$'); do
                name=$(basename "$page")
                name=${name%.*}
                # Warnings (a line or table too wide to adjust) are typesetting; errors are not.
                if ! out=$(MANWIDTH=80 man -l "$dest$page" 2>"$dest.err"); then
                        fail "man -l $page failed: $(cat "$dest.err")"
                elif grep -qiE 'error|fatal' "$dest.err"; then
                        fail "man -l $page: $(cat "$dest.err")"
                elif ! grep -q '^NAME' <<<"$out" || ! grep -q "^ *$name - " <<<"$out"; then
                        fail "man -l $page has no NAME section naming $name"
                elif grep -qE '^\.(SH|TH|PP|LP)|\\f[BIRC]' <<<"$out"; then
                        fail "man -l $page shows roff requests as text"
                else
                        ok "man -l $page renders ($(wc -l <<<"$out") lines)"
                fi
                rm -f "$dest.err"
        done
fi
[ $failed -eq 0 ] && echo "install layout: all checks passed"
exit $failed
