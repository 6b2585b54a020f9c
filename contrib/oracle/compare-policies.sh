#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Compares what syscage's seccomp policies do with what a real systemd does with the same
# directives. For each case of cases.txt (policy directives + one system call), the call is
#   - made by try-syscall as a transient systemd service: `systemd-run -p KEY=VALUE ...`
#     inside a container that runs systemd as PID 1 (the "oracle"), and
#   - made by try-syscall on this machine under the BPF that syscage's policy builder and
#     compiler produce for the same directives (written by policy-export; for a policy that
#     denies execve this is the exec gate's F_policy half, as the daemon would load it).
# The results ("ok", "errno ENAME", "SIGSYS(syscall)", "refused" (the properties were not
# accepted), "filter load failed" (accepted, but the service did not start: systemd's exit
# status 228, or syscage's compiler refused the policy), ...) are compared and
# printed as a Markdown table, followed by "N same, N deliberate differences, N unexpected
# differences". Exit status: 0 if nothing unexpected, 1 otherwise, 2 on setup errors.
#
# Needs root (reads the kernel log for the seccomp audit records that name the killing
# syscall) and a running oracle:
#   SYSCAGE_ORACLE_DIR   directory with run-in-systemd.sh (systemd-run --wait --pipe --collect
#                        inside the container; it copies missing executables in) and
#                        run-unit.sh (starts a unit file there). Required.
#   SYSCAGE_BUILD_DIR    meson build directory (default: build/ in the source tree)
#   SYSCAGE_CASES        case table (default: cases.txt next to this script)
#   SYSCAGE_ONLY         a regular expression: run only the cases whose name matches
#   SYSCAGE_ORACLE_FILTERS=1  also copy systemd's seccomp programs out of a service started
#                        with the same properties and try the call under them on this machine
#                        (an extra column: seccomp alone, without systemd's capability drops
#                        and namespaces)
#
# Usage: SYSCAGE_ORACLE_DIR=... contrib/oracle/compare-policies.sh [-v]
#   -v  also print systemd-run's messages and syscage's diagnostics for every case
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${SYSCAGE_BUILD_DIR:-$src/build}
cases=${SYSCAGE_CASES:-$here/cases.txt}
verbose=0
[ "${1:-}" = -v ] && verbose=1

die() { echo "compare-policies: $*" >&2; exit 2; }

[ -n "${SYSCAGE_ORACLE_DIR:-}" ] || die "set SYSCAGE_ORACLE_DIR to the oracle directory (with run-in-systemd.sh)"
oracle=$SYSCAGE_ORACLE_DIR/run-in-systemd.sh
[ -x "$oracle" ] || die "$oracle is missing or not executable"
for f in tests/helpers/try-syscall contrib/oracle/policy-export contrib/oracle/seccomp-dump ctl/syscagectl; do
    [ -x "$build/$f" ] || die "$build/$f missing: build first (meson setup build && ninja -C build)"
done
[ -r "$cases" ] || die "no case table $cases"
[ "$(id -u)" = 0 ] || die "needs root (kernel log, container)"

# try-syscall under a name of its own, so that its audit records are told apart from those
# of other processes; the directory name follows the content, so the container's copy (made
# by run-in-systemd.sh when missing) is always current.
sum=$(sha256sum "$build/tests/helpers/try-syscall" | cut -c1-12)
# /var/tmp: the container has its own tmpfs on /tmp.
trydir=/var/tmp/syscage-oracle-$sum
try=$trydir/sc-oracle-try
mkdir -p "$trydir" && cp "$build/tests/helpers/try-syscall" "$try" || die "cannot copy try-syscall"
# A path that exists on neither side: calls the filter lets through fail with ENOENT.
nopath=/nonexistent-syscage-oracle/file
work=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
# The first run copies try-syscall into the container; do it before the table.
ORACLE_QUIET=1 "$oracle" -q "$try" getpid >/dev/null 2>&1
ORACLE_QUIET=1 "$oracle" -q "$try" getpid >/dev/null 2>&1 || die "the oracle cannot run $try"

last_audit() {
    # systemd names its forked child after the tail of the binary name, in parentheses.
    dmesg 2>/dev/null | grep 'type=1326' | grep -E 'comm="(sc-oracle-try|\([a-z-]*try\))"' | tail -n 1
}

# "SIGSYS(name)" from the newest audit record, if it is newer than BEFORE; a kill before the
# service's own code ran (systemd's forked child, named "(...try)", made the call) is
# marked "at launch".
sigsys_result() {
    local before=$1 rec nr arch name where=
    rec=$(last_audit)
    # The kernel prints at most 10 audit records per 5 s: keep under that.
    sleep 0.5
    if [ -z "$rec" ] || [ "$rec" = "$before" ]; then
        echo "SIGSYS"
        return
    fi
    nr=$(sed -n 's/.* syscall=\([0-9]*\).*/\1/p' <<<"$rec")
    arch=$(sed -n 's/.* arch=\([0-9a-f]*\).*/\1/p' <<<"$rec")
    if [ "$arch" = 40000003 ]; then
        name=i386:$("$build/ctl/syscagectl" analyze resolve "$nr" --arch x86 2>/dev/null || echo "$nr")
    elif [ "$nr" -ge $((0x40000000)) ]; then
        name=x32:$("$build/ctl/syscagectl" analyze resolve "$nr" --arch x32 2>/dev/null || echo "$nr")
    else
        name=$("$build/ctl/syscagectl" analyze resolve "$nr" 2>/dev/null)
    fi
    grep -q 'comm="(' <<<"$rec" && where=" at launch"
    echo "SIGSYS(${name:-$nr})$where"
}

# systemd's side: prints one normalised result.
run_systemd() {
    local -a props=("$@")
    local -a args=()
    local p out err rc before
    for p in "${props[@]}"; do args+=(-p "$p"); done
    before=$(last_audit)
    out=$(ORACLE_QUIET=1 "$oracle" "${args[@]}" "$try" --path "$nopath" "${call[@]}" 2>"$work/err")
    rc=$?
    err=$(cat "$work/err")
    [ $verbose = 1 ] && sed 's/^/    systemd: /' "$work/err" >&2
    if [ $rc = 125 ]; then
        echo "oracle error"
    elif [ -n "$out" ]; then
        echo "${out%%$'\n'*}"
    elif grep -q 'code=killed/status=SYS' <<<"$err"; then
        sigsys_result "$before"
    elif grep -q 'status=203' <<<"$err"; then
        echo "exec failed (203)"
    elif grep -q 'status=228' <<<"$err"; then
        echo "filter load failed"
    elif grep -qiE 'Failed to (start|set|parse)|Unknown assignment|Invalid' <<<"$err"; then
        echo "refused"
    else
        echo "exit $rc"
    fi
}

# syscage's side: prints one normalised result.
run_syscage() {
    local -a props=("$@") mode=()
    [ "$via" = unit ] && mode=(--unit-file)
    local -a bpf=()
    local out rc before f
    rm -rf "$work/bpf" && mkdir "$work/bpf"
    out=$("$build/contrib/oracle/policy-export" "${mode[@]}" "$work/bpf" "${props[@]}" 2>"$work/diag")
    rc=$?
    [ $verbose = 1 ] && sed 's/^/    syscage: /' "$work/diag" >&2
    if [ $rc = 1 ] && [[ $out == "error: compiling"* ]]; then
        echo "filter load failed"
        [ $verbose = 1 ] && echo "    syscage: $out" >&2
        return
    elif [ $rc = 1 ]; then
        echo "refused"
        [ $verbose = 1 ] && echo "    syscage: $out" >&2
        return
    fi
    [ $rc = 0 ] || { echo "policy-export failed ($rc)"; return; }
    run_try "$work/bpf"
}

# Equal results; a SIGSYS whose audit record was lost (the kernel rate-limits them) matches
# any SIGSYS.
same_result() {
    [ "$1" = "$2" ] && return 0
    case "$1|$2" in
        "SIGSYS|SIGSYS"*|"SIGSYS"*"|SIGSYS") return 0 ;;
    esac
    return 1
}

# try-syscall on this machine under the programs in DIR (prog0, prog1, ... in load order).
run_try() {
    local dir=$1 out rc before f
    local -a bpf=()
    for f in "$dir"/prog*; do [ -e "$f" ] && bpf+=(--bpf "$f"); done
    before=$(last_audit)
    out=$(ulimit -c 0; "$try" "${bpf[@]}" --path "$nopath" "${call[@]}" 2>"$work/err")
    rc=$?
    if [ -n "$out" ]; then
        echo "${out%%$'\n'*}"
    elif [ $rc = $((128 + 31)) ]; then
        sigsys_result "$before"
    else
        echo "exit $rc"
    fi
}

# With SYSCAGE_ORACLE_FILTERS=1: systemd's own programs for the properties, copied out of a
# `sleep` it runs with them (seccomp-dump), so they can be tried here without the rest of
# what systemd does for a directive (dropped capabilities, namespaces). Prints the directory,
# or nothing when systemd does not start such a service. Cached per property set.
dump_systemd() {
    local key dir unit pid p i
    local -a args=()
    key=$(printf '%s\n' "$@" | sha256sum | cut -c1-16)
    dir=$work/sd-$key
    if [ ! -d "$dir" ]; then
        mkdir "$dir"
        unit=sc-oracle-dump-$key-$$
        for p in "$@"; do args+=(-p "$p"); done
        ORACLE_QUIET=1 "$oracle" -q --unit="$unit" "${args[@]}" /bin/sleep 30 >/dev/null 2>&1 &
        pid=
        for i in $(seq 1 50); do
            for p in $(grep -l "/$unit.service\$" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3); do
                [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && pid=$p
            done
            [ -n "$pid" ] && break
            jobs -r | grep -q . || break   # systemd-run returned: the service is gone
            sleep 0.1
        done
        if [ -z "$pid" ] || ! "$build/contrib/oracle/seccomp-dump" "$pid" "$dir" >/dev/null; then
            touch "$dir/none"
        fi
        [ -n "$pid" ] && kill "$pid" 2>/dev/null
        wait
    fi
    [ -e "$dir/none" ] || echo "$dir"
}

# systemd's side through a unit file instead of -p (for values systemd-run cannot pass):
# the unit's output goes to the journal under an identifier of its own.
run_systemd_unit() {
    local case=$1 p rc id before out
    shift
    id=sc-oracle-$case-$$
    {
        echo "[Service]"
        echo "ExecStart=$try --path $nopath ${call[*]}"
        echo "SyslogIdentifier=$id"
        for p in "$@"; do echo "$p"; done
    } >"$work/$id.service"
    before=$(last_audit)
    ORACLE_QUIET=1 "$SYSCAGE_ORACLE_DIR/run-unit.sh" "$work/$id.service" >/dev/null 2>"$work/err"
    rc=$?
    [ $verbose = 1 ] && sed 's/^/    systemd: /' "$work/err" >&2
    out=$(ORACLE_QUIET=1 "$oracle" -q journalctl -q -o cat --no-pager SYSLOG_IDENTIFIER="$id" 2>/dev/null)
    if [ -n "$out" ]; then
        echo "${out%%$'\n'*}"
    elif [ $rc = 255 ]; then
        sigsys_result "$before"
    elif [ $rc = 203 ]; then
        echo "exec failed (203)"
    elif [ $rc = 228 ]; then
        echo "filter load failed"
    else
        echo "exit $rc"
    fi
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; echo "${s%"${s##*[![:space:]]}"}"; }

n_same=0 n_delib=0 n_unexp=0 n_note=0 n_quirk=0
unexpected=()
sd_version=$(ORACLE_QUIET=1 "$oracle" -q systemctl --version 2>/dev/null | head -n 1)
echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'); systemd side: ${sd_version:-unknown}; kernel $(uname -r) ($(uname -m))."
echo
n_fl_same=0 n_fl_delib=0 n_fl_unexp=0
filters=${SYSCAGE_ORACLE_FILTERS:-0}
if [ $filters = 1 ]; then
    echo "| case | properties | call | systemd | systemd's filter, here | syscage | verdict |"
    echo "|---|---|---|---|---|---|---|"
else
    echo "| case | properties | call | systemd | syscage | verdict |"
    echo "|---|---|---|---|---|---|"
fi
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    # Fields are separated by " | " (a bare "|" joins flags inside a call).
    IFS=$'\x1f' read -r name props callstr delib via <<<"${line// | /$'\x1f'}"
    name=$(trim "$name"); props=$(trim "$props"); callstr=$(trim "$callstr")
    delib=$(trim "${delib:--}"); via=$(trim "${via:-}")
    [ -n "${SYSCAGE_ONLY:-}" ] && ! [[ $name =~ $SYSCAGE_ONLY ]] && continue
    plist=()
    if [ "$props" != - ]; then
        IFS=';' read -r -a raw <<<"$props"
        for p in "${raw[@]}"; do plist+=("$(trim "$p")"); done
    fi
    read -r -a call <<<"$callstr"
    [ $verbose = 1 ] && echo "case $name" >&2
    # A kill whose audit record the kernel's rate limit dropped is run again after a pause
    # (other processes on the machine may be using up the same budget).
    for attempt in 1 2 3; do
        [ $attempt -gt 1 ] && sleep 5
        if [ "$via" = unit ]; then
            sd=$(run_systemd_unit "$name" "${plist[@]}")
        else
            sd=$(run_systemd "${plist[@]}")
        fi
        [ "$sd" != SIGSYS ] && break
    done
    for attempt in 1 2 3; do
        [ $attempt -gt 1 ] && sleep 5
        sc=$(run_syscage "${plist[@]}")
        [ "$sc" != SIGSYS ] && break
    done
    fl=
    if [ $filters = 1 ]; then
        fl="n/a"
        if [ "$via" != unit ] && dir=$(dump_systemd "${plist[@]}") && [ -n "$dir" ]; then
            for attempt in 1 2 3; do
                [ $attempt -gt 1 ] && sleep 5
                fl=$(run_try "$dir")
                [ "$fl" != SIGSYS ] && break
            done
            if ! same_result "$fl" "$sc"; then
                if [ "$delib" = - ]; then
                    n_fl_unexp=$((n_fl_unexp + 1))
                    unexpected+=("$name (systemd's filter here): \"$fl\", syscage \"$sc\"")
                else
                    n_fl_delib=$((n_fl_delib + 1))
                fi
            else
                n_fl_same=$((n_fl_same + 1))
            fi
        fi
        fl=" $fl |"
    fi
    if same_result "$sd" "$sc"; then
        verdict=same
        [ "$sd" != "$sc" ] && verdict="same (a kill not attributed to a syscall)"
        n_same=$((n_same + 1))
        if [ "$delib" != - ]; then
            verdict="same (expected difference $delib did not show)"
            n_note=$((n_note + 1))
        fi
    elif [ "$delib" != - ]; then
        verdict="deliberate: $delib"
        n_delib=$((n_delib + 1))
        [[ $delib == systemd:* ]] && n_quirk=$((n_quirk + 1))
    else
        verdict="**UNEXPECTED**"
        n_unexp=$((n_unexp + 1))
        unexpected+=("$name: systemd \"$sd\", syscage \"$sc\"")
    fi
    ptext=${props//|/\\|}
    [ "$via" = unit ] && name="$name (unit file)"
    printf '| %s | `%s` | `%s` | %s |%s %s | %s |\n' "$name" "$ptext" "${callstr//|/\\|}" "$sd" "$fl" "$sc" "$verdict"
done <"$cases"

echo
echo "$n_same same, $n_delib deliberate differences, $n_unexp unexpected differences"
[ $n_quirk -gt 0 ] && echo "($n_quirk of the deliberate differences are systemd 252's own limitations, not syscage choices)"
[ $n_note -gt 0 ] && echo "($n_note cases tagged as deliberate differences gave the same result)"
[ $filters = 1 ] && echo "systemd's filters loaded here: $n_fl_same same, $n_fl_delib deliberate differences, $n_fl_unexp unexpected differences"
for u in "${unexpected[@]}"; do echo "unexpected: $u"; done
[ $n_unexp = 0 ] && [ $n_fl_unexp = 0 ]
