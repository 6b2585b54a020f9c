#!/usr/bin/env bash
# The cost of one system call under our compiled @system-service policy (with
# LockPersonality=yes, so personality() is argument-checked), next to libseccomp's own
# single binary-tree program for the same policy (SCMP_FLTATR_CTL_OPTIMIZE=2), next to no
# filter, and next to our stack before it is joined into one program. They run in turns, in
# rotating order, on one CPU; the script prints medians of the per-round differences and
# ratios, and the BPF instructions each variant runs (exact, unlike the timings). Quiet
# machines give stable timings: on a loaded one, raise ROUNDS.
# Target: the argument-checked call costs no more under ours than under libseccomp's.
# Usage: contrib/bench-syscall.sh [ROUNDS [CALLS_PER_ROUND]]
set -eu
cd "$(dirname "$0")/.."
dir=build-bench
[ -d "$dir" ] || meson setup "$dir" --buildtype=release -Dtests=true >/dev/null
ninja -C "$dir" tests/bench-syscall >/dev/null
exec "$dir/tests/bench-syscall" "${1:-201}" "${2:-20000}"
