#!/usr/bin/env bash
# Measures `syscagectl run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true`
# against bwrap running /bin/true under the same filter (compiled by our compiler, handed to
# bwrap with --add-seccomp-fd), and against /bin/true alone, interleaved round by round
# (tests/bench/bench-pair.c), and prints the medians and the paired ratio syscage / bwrap.
# bwrap needs its filter as open fds, which bench-fdexec opens; the launcher's own cost in
# each round (`bench-fdexec -- /bin/true` minus `/bin/true`) is taken off bwrap's time in that
# round, so the ratio is to bwrap alone. Target: ratio <= 0.8.
# Usage (root): contrib/bench-run.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
. contrib/deps.sh
syscage_install_deps $SYSCAGE_BUILD_DEPS bubblewrap
runs=${1:-300}
dir=build-bench
[ -d "$dir" ] || meson setup "$dir" --buildtype=release >/dev/null
ninja -C "$dir" daemon/syscaged ctl/syscagectl tests/bench-fdexec tests/bench-export-bpf tests/bench-pair >/dev/null

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
ctl="$dir/ctl/syscagectl"
"$ctl" --socket "$sock" run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true || {
        echo "syscagectl run failed; daemon log:" >&2; cat "$tmp/daemon.log" >&2; exit 1; }

n=$("$dir/tests/bench-export-bpf" "$tmp/filter" SystemCallFilter=@system-service)
fds=() seccomp=()
for i in $(seq 0 $((n - 1))); do
        fds+=("$tmp/filter.$i")
        seccomp+=(--add-seccomp-fd $((10 + i)))
done
bwrap=$(command -v bwrap)
fdexec=$(realpath "$dir/tests/bench-fdexec")

BENCH_PAIR_CSV="$tmp/rounds.csv" "$dir/tests/bench-pair" "$runs" 20 \
        syscage -- "$(realpath "$ctl")" --socket "$sock" run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true \;\; \
        bwrap -- "$fdexec" "${fds[@]}" -- "$bwrap" --ro-bind / / "${seccomp[@]}" /bin/true \;\; \
        fdexec -- "$fdexec" -- /bin/true \;\; \
        true -- /bin/true >/dev/null

python3 - "$tmp/rounds.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = lambda xs: statistics.median(xs)
col = {k: [float(r[k]) for r in rows] for k in rows[0]}
bwrap = [r_b - (r_f - r_t) for r_b, r_f, r_t in zip(col['bwrap'], col['fdexec'], col['true'])]
ratio = [s / b for s, b in zip(col['syscage'], bwrap)]
print(f"rounds                     {len(rows)}")
print(f"median /bin/true           {med(col['true']):.3f} ms")
print(f"median syscagectl run      {med(col['syscage']):.3f} ms")
print(f"median bwrap --seccomp     {med(bwrap):.3f} ms (launcher cost taken off per round)")
print(f"paired ratio syscage/bwrap {med(ratio):.3f} (target <= 0.8)")
PY
