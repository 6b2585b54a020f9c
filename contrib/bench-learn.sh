#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cost of learn mode: a syscall-heavy command (dd copying one byte at a time, two system
# calls a byte) run as a transient unit, normally and with --learn, under a private syscaged.
# Prints the wall time of each and the slowdown. Needs root.
#
# Usage: contrib/bench-learn.sh BUILD_DIR [BYTES]
set -eu

build=${1:?usage: bench-learn.sh BUILD_DIR [BYTES]}
bytes=${2:-200000}
syscaged=$build/daemon/syscaged
syscagectl=$build/ctl/syscagectl

if [ "$(id -u)" != 0 ]; then
        echo "bench-learn: needs root" >&2
        exit 77
fi

base=$(mktemp -d /run/syscage-bench-learn.XXXXXX)
chmod 755 "$base"
mkdir "$base/units"
"$syscaged" --units-dir "$base/units" --state-dir "$base/state" --runtime-dir "$base/run" \
        --directories-root "$base/root" >"$base/daemon.log" 2>&1 &
daemon=$!
cleanup() {
        kill "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
        rm -rf "$base"
}
trap cleanup EXIT
export SYSCAGE_SOCKET=$base/run/control.sock
for _ in $(seq 100); do
        "$syscagectl" list-units >/dev/null 2>&1 && break
        sleep 0.1
done

cmd=(/bin/dd if=/dev/zero of=/dev/null bs=1 count="$bytes" status=none)

# Milliseconds of wall time for one run of "$@".
ms() {
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        echo $(((end - start) / 1000000))
}

best() {
        local b=
        for _ in 1 2 3; do
                t=$(ms "$@")
                if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
        done
        echo "$b"
}

normal=$(best "$syscagectl" run --pipe -q "${cmd[@]}")
learn=$(best "$syscagectl" run --pipe -q --learn="$base/learned.conf" "${cmd[@]}")
calls=$((bytes * 2))
echo "command: ${cmd[*]} (about $calls system calls)"
echo "normal:  ${normal} ms"
echo "learn:   ${learn} ms"
awk -v n="$normal" -v l="$learn" -v c="$calls" 'BEGIN {
        printf "slowdown: %.1fx, about %.1f us more per system call\n", (n > 0 ? l / n : 0), (l - n) * 1000 / c }'
