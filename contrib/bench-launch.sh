#!/usr/bin/env bash
# Measures the launch overhead of the execve gate: builds syscage (release-like, no
# sanitizers) and runs the launch benchmark, which prints the median time of
# fork+execve+wait of /bin/true, plain, through the gate with a ~370-rule allow list, and
# through the gate plus the filesystem sandbox of a redis-like hardened unit (a mount
# namespace and its mount plan); the last line is what that sandbox adds to a launch.
# HEAP_MB makes the benchmark allocate and touch that much memory first, as a daemon with
# many units loaded has: a launch should cost the same either way.
# Usage: contrib/bench-launch.sh [ITERATIONS [HEAP_MB]]   (root: the filters and setup need it)
set -eu
cd "$(dirname "$0")/.."
dir=build-bench
if [ ! -d "$dir" ]; then
        meson setup "$dir" --buildtype=release >/dev/null
fi
ninja -C "$dir" tests/bench-launch >/dev/null
exec "$dir/tests/bench-launch" "${1:-1000}" "${2:-0}"
