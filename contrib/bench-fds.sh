#!/usr/bin/env bash
# Runs a syscaged with N units of sleep(1) started, half through the execve gate, and prints
# the fds the daemon holds before and after starting them, per running service, and how
# long "start" took. The daemon is the one in BUILD_DIR (default build); it runs in a
# temporary directory with its own socket, and is stopped at the end.
# Usage: contrib/bench-fds.sh [N [BUILD_DIR]]   (root: services get cgroups and filters)
set -eu
n=${1:-100}
build=${2:-$(dirname "$0")/../build}
daemon=$build/daemon/syscaged ctl=$build/ctl/syscagectl
tmp=$(mktemp -d /tmp/syscage-fds.XXXXXX)
pid=
cleanup() {
        [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/units" "$tmp/state" "$tmp/run"
units=()
for i in $(seq 1 "$n"); do
        if [ $((i % 2)) -eq 0 ]; then
                gate='SystemCallFilter=~execve execveat'
        else
                gate=
        fi
        printf '[Service]\nExecStart=/bin/sleep 3600\n%s\n' "$gate" >"$tmp/units/fds-$i.service"
        units+=("fds-$i.service")
done
"$daemon" --units-dir "$tmp/units" --state-dir "$tmp/state" --runtime-dir "$tmp/run" \
        --log-level warning 2>"$tmp/daemon.log" &
pid=$!
for _ in $(seq 1 100); do [ -S "$tmp/run/control.sock" ] && break; sleep 0.05; done
before=$(ls "/proc/$pid/fd" | wc -l)
t0=$(date +%s.%N)
"$ctl" --socket "$tmp/run/control.sock" start "${units[@]}"
t1=$(date +%s.%N)
running=$("$ctl" --socket "$tmp/run/control.sock" list --state=running | grep -c '^fds-' || true)
after=$(ls "/proc/$pid/fd" | wc -l)
echo "units: $n ($running running, $((n / 2)) through the gate)"
echo "daemon fds: $before before, $after after: $(awk -v a="$after" -v b="$before" -v n="$n" \
        'BEGIN { printf "%.2f", (a - b) / n }') per service"
echo "start took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
