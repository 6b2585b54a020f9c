#!/usr/bin/env bash
# Checks that the launch child's code (daemon/exec/exec-child.c and exec-child-mounts.c,
# built as their own library) needs no symbol from outside itself but those in the allow
# list, and has no writable data of its own. The child shares the daemon's memory and
# thread pointer until execve, so any call into libc (malloc, stdio, errno, a lazily bound
# symbol that runs the dynamic linker) could corrupt or deadlock the daemon, and a global
# it wrote would be the daemon's; the allow list names only what is safe there. Calls
# between the checked objects themselves are fine: they are linked directly.
#
# Usage: check-child-symbols.sh NM ALLOW_LIST OBJECT_OR_ARCHIVE...
#        check-child-symbols.sh NM ALLOW_LIST --must-fail SYMBOL... -- OBJECT_OR_ARCHIVE...
# Prints each symbol not on the list and exits 1; exits 0 when there is none, 2 on a usage
# or tool error. With --must-fail it checks the check itself: it exits 0 only if the objects
# fail it and every SYMBOL is among the ones reported.
set -u
[ $# -ge 3 ] || { echo "usage: $0 NM ALLOW_LIST OBJECT..." >&2; exit 2; }
nm=$1 allow=$2
shift 2
must=()
if [ "$1" = "--must-fail" ]; then
        shift
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do must+=("$1"); shift; done
        [ $# -gt 1 ] || { echo "--must-fail needs SYMBOL... -- OBJECT..." >&2; exit 2; }
        shift
fi
[ -r "$allow" ] || { echo "cannot read the allow list $allow" >&2; exit 2; }

# The allow list: one symbol a line; '#' starts a comment.
declare -A allowed=()
while read -r sym _; do
        [ -n "$sym" ] && allowed[$sym]=1
done < <(sed 's/#.*//' "$allow")

# What the checked objects define themselves (the child's library has more than one object,
# which call each other directly): text symbols only, so data still counts as below.
declare -A defined=()
for obj in "$@"; do
        [ -r "$obj" ] || { echo "cannot read $obj" >&2; exit 2; }
        out=$("$nm" --defined-only "$obj" 2>&1) || { echo "$nm --defined-only $obj failed: $out" >&2; exit 2; }
        while read -r _ t sym; do
                case "$t" in
                T) defined[$sym]=1 ;;
                esac
        done <<<"$out"
done

bad=()
checked=0
for obj in "$@"; do
        [ -r "$obj" ] || { echo "cannot read $obj" >&2; exit 2; }
        out=$("$nm" -u "$obj" 2>&1) || { echo "$nm -u $obj failed: $out" >&2; exit 2; }
        checked=$((checked + 1))
        while read -r a b; do
                # "U sym" lines; archive member headers ("x.o:") and blank lines are skipped.
                [ "$a" = "U" ] && [ -n "$b" ] || continue
                [ -n "${allowed[$b]+x}" ] || [ -n "${defined[$b]+x}" ] || bad+=("$b")
        done <<<"$out"
        # Writable data (.data, .bss), global or static: "ADDR TYPE sym" with D, d, B or b.
        out=$("$nm" "$obj" 2>&1) || { echo "$nm $obj failed: $out" >&2; exit 2; }
        while read -r _ t sym; do
                case "$t" in
                [DdBb]) bad+=("$sym") ;;
                esac
        done <<<"$out"
done

if [ ${#must[@]} -gt 0 ]; then
        for s in "${must[@]}"; do
                printf '%s\n' "${bad[@]}" | grep -qxF "$s" || {
                        echo "the check missed '$s' in $*"
                        exit 1
                }
        done
        echo "the check catches: ${must[*]}"
        exit 0
fi
if [ ${#bad[@]} -gt 0 ]; then
        for s in $(printf '%s\n' "${bad[@]}" | sort -u); do
                echo "launch child: uses '$s', which is not on the allow list ($allow)"
        done
        exit 1
fi
echo "launch child: $checked object(s), no symbol outside the allow list"
exit 0
