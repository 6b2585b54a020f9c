#!/usr/bin/env bash
# Measures `syscagectl run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true`
# against /bin/true alone and against bwrap running /bin/true under the same filter
# (compiled by our compiler, handed to bwrap with --add-seccomp-fd), in one hyperfine run,
# and prints the medians. bwrap's fds are opened by bench-fdexec, whose own cost (measured as
# `bench-fdexec -- /bin/true`) is subtracted from bwrap's time.
# Target: syscage at most 3 ms and at most half of bwrap's time.
# Usage (root): contrib/bench-run.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-300}
dir=build-bench
[ -d "$dir" ] || meson setup "$dir" --buildtype=release >/dev/null
ninja -C "$dir" daemon/syscaged ctl/syscagectl tests/bench-fdexec tests/bench-export-bpf >/dev/null

# Runtime and state on tmpfs, as /run is in production: status and log files are written
# for every run. (/dev/shm: on some hosts /run is not a tmpfs.)
tmp=$(mktemp -d /dev/shm/syscage-bench.XXXXXX)
daemon_pid=
cleanup() {
        [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/units"
"$dir/daemon/syscaged" --units-dir "$tmp/units" --state-dir "$tmp/state" --runtime-dir "$tmp/run" \
        --log-level warning >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!
sock="$tmp/run/control.sock"
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
ctl="$dir/ctl/syscagectl --socket $sock"
$ctl run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true || {
        echo "syscagectl run failed; daemon log:" >&2; cat "$tmp/daemon.log" >&2; exit 1; }

n=$("$dir/tests/bench-export-bpf" "$tmp/filter" SystemCallFilter=@system-service)
fds=() seccomp=()
for i in $(seq 0 $((n - 1))); do
        fds+=("$tmp/filter.$i")
        seccomp+=(--add-seccomp-fd $((10 + i)))
done
bwrap=$(command -v bwrap)
fdexec="$dir/tests/bench-fdexec"

hyperfine -N --warmup 20 --runs "$runs" --export-json "$tmp/bench.json" \
        -n syscage "$ctl run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true" \
        -n true "/bin/true" \
        -n fdexec "$fdexec -- /bin/true" \
        -n bwrap "$fdexec ${fds[*]} -- $bwrap --ro-bind / / ${seccomp[*]} /bin/true" >/dev/null

python3 - "$tmp/bench.json" <<'PY'
import json, sys
r = {x['command']: x['median'] * 1000 for x in json.load(open(sys.argv[1]))['results']}
bwrap = r['bwrap'] - (r['fdexec'] - r['true'])
print(f"median /bin/true            {r['true']:.3f} ms")
print(f"median syscagectl run       {r['syscage']:.3f} ms")
print(f"median bwrap --seccomp      {bwrap:.3f} ms (launcher cost {r['fdexec'] - r['true']:.3f} ms subtracted)")
ok = r['syscage'] <= 3.0 and r['syscage'] <= bwrap / 2
print(f"target (<= 3 ms and <= half of bwrap): {'met' if ok else 'NOT met'}")
PY
