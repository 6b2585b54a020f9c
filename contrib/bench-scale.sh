#!/usr/bin/env bash
# How the daemon's costs grow with the number of units. For each N, generates N units
#
#     [Service]
#     ExecStart=/bin/sleep infinity
#     SystemCallFilter=@system-service
#
# starts a real syscaged on them (runtime and state on tmpfs) and prints:
#   load      start-up time, from exec to the control socket answering `list`
#   rss       the daemon's VmRSS once loaded
#   list      `syscagectl list --all` latency (median)
#   status    `syscagectl status bench-1` latency (median; the unit is inactive)
#   reload    `syscagectl daemon-reload` latency (median)
#   start1k   time to start 1,000 of the units until all are active (N >= 1000 only)
#   run       `syscagectl run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true`
#             latency (median)
#   ctl       `syscagectl --version` (median): what starting the client costs on this host,
#             included in list, status, reload and run
# Figures only, never a verdict: what they should be is in the issue, what dominates is for
# perf to say. Medians of repeated runs, timed with $EPOCHREALTIME (no fork per sample).
#
# Usage (root): contrib/bench-scale.sh [N...]        (default: 0 1000 10000)
# Environment: SYSCAGED, SYSCAGECTL (default: a release build in build-bench/), RUNS (samples
# per median, default 21), KEEP=1 keeps the temporary directory.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench-scale.sh: needs root" >&2; exit 77; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(0 1000 10000)
runs=${RUNS:-21}
if [ -z "${SYSCAGED:-}" ] || [ -z "${SYSCAGECTL:-}" ]; then
        dir=build-bench
        [ -d "$dir" ] || meson setup "$dir" --buildtype=release >/dev/null
        ninja -C "$dir" daemon/syscaged ctl/syscagectl >/dev/null
        SYSCAGED=${SYSCAGED:-$dir/daemon/syscaged}
        SYSCAGECTL=${SYSCAGECTL:-$dir/ctl/syscagectl}
fi

tmp=$(mktemp -d /dev/shm/syscage-scale.XXXXXX)
daemon_pid=
stop_daemon() {
        if [ -n "$daemon_pid" ]; then
                kill "$daemon_pid" 2>/dev/null || true
                wait "$daemon_pid" 2>/dev/null || true
        fi
        daemon_pid=
}
cleanup() {
        stop_daemon
        [ "${KEEP:-0}" = 1 ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# median_ms CMD...: runs CMD $runs times (output discarded, exit status ignored), prints the
# median wall time in ms.
median_ms() {
        local samples=() t0 t1
        for _ in $(seq "$runs"); do
                t0=$(now_us)
                "$@" >/dev/null 2>&1 || true
                t1=$(now_us)
                samples+=($((t1 - t0)))
        done
        printf '%s\n' "${samples[@]}" | sort -n |
                awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}

wait_until() { # wait_until SECONDS CMD...
        local deadline=$(($(now_us) + $1 * 1000000))
        shift
        until "$@"; do
                [ "$(now_us)" -lt "$deadline" ] || return 1
                sleep 0.01
        done
}

make_units() { # make_units DIR N
        mkdir -p "$1"
        python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
text = '[Service]\nExecStart=/bin/sleep infinity\nSystemCallFilter=@system-service\n'
for i in range(1, n + 1):
    with open(os.path.join(d, f'bench-{i}.service'), 'w') as f:
        f.write(text)
PY
}

n_active() {
        $ctl list --state=active --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

all_active() { [ "$(n_active)" -ge 1000 ]; }

printf '%8s %9s %8s %9s %10s %10s %9s %8s %7s\n' N load_s rss_MB list_ms status_ms reload_ms start1k_s run_ms ctl_ms
for n in "${sizes[@]}"; do
        base="$tmp/n$n"
        make_units "$base/units" "$n"
        sock="$base/run/control.sock"
        ctl="$SYSCAGECTL --socket $sock"
        t0=$(now_us)
        "$SYSCAGED" --units-dir "$base/units" --state-dir "$base/state" --runtime-dir "$base/run" \
                --log-level warning >"$base/daemon.log" 2>&1 &
        daemon_pid=$!
        if ! wait_until 600 $ctl list --all >/dev/null 2>&1; then
                echo "N=$n: the daemon did not answer; its log:" >&2
                tail -20 "$base/daemon.log" >&2
                exit 1
        fi
        t1=$(now_us)
        load=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e6 }')
        rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$daemon_pid/status")
        list=$(median_ms $ctl list --all)
        status=$(median_ms $ctl status bench-1)
        reload=$(runs=$((runs < 5 ? runs : 5)) median_ms $ctl daemon-reload)
        start1k=-
        if [ "$n" -ge 1000 ]; then
                names=$(seq -f 'bench-%g' 1 1000)
                t0=$(now_us)
                # shellcheck disable=SC2086
                $ctl start $names
                wait_until 300 all_active || echo "N=$n: not all 1,000 became active" >&2
                t1=$(now_us)
                start1k=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e6 }')
        fi
        run=$(median_ms $ctl run --wait --pipe -q -p SystemCallFilter=@system-service /bin/true)
        base_ctl=$(median_ms "$SYSCAGECTL" --version)
        printf '%8s %9s %8s %9s %10s %10s %9s %8s %7s\n' "$n" "$load" "$rss" "$list" "$status" "$reload" \
                "$start1k" "$run" "$base_ctl"
        stop_daemon
        rm -rf "$base"
done
