#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The bash completions in contrib/completions/, driven the way bash drives them: COMP_LINE,
# COMP_POINT, and COMP_WORDS/COMP_CWORD split as bash splits them (it breaks words at '=' and
# '@' too: "@sys" is "@" "sys"), then the function is called and COMPREPLY checked. Where a
# list in the script copies a table of the C sources (verbs, run -p keys, run options), the
# test reads the table from the source and compares, so the two cannot drift apart.
#
# Usage: test-completion.sh SYSCAGECTL SYSCAGED SOURCE_ROOT
set -u

ctl=$1 daemon=$2 src=$3
failures=0

# shellcheck source=/dev/null
source "$src/contrib/completions/syscagectl.bash"
# shellcheck source=/dev/null
source "$src/contrib/completions/syscaged.bash"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No daemon listens here, so unit names come from unit files only.
nosock=$tmp/no-such.sock

# complete FUNCTION LINE WORD... : COMP_LINE is LINE with the cursor at its end, COMP_WORDS the
# WORDs (as bash would split LINE), the last of them being completed. Prints COMPREPLY, one per
# line, sorted.
complete_line() {
        local fn=$1
        COMP_LINE=$2
        COMP_POINT=${#COMP_LINE}
        shift 2
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMPREPLY=()
        "$fn"
        ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect NAME EXPECTED ACTUAL: both newline-separated lists.
expect() {
        if [[ $2 == "$3" ]]; then
                echo "ok: $1"
        else
                echo "FAIL: $1"
                diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'
                failures=$((failures + 1))
        fi
}

sorted() { printf '%s\n' "$@" | sort; }

# --- syscagectl ---

# The verb table of ctl/main.c: lines like `{ "start", verb_unit_op },`.
verbs=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", verb_[a-z_]* },$/\1/p' "$src/ctl/main.c" | sort)
[[ -n $verbs ]] || { echo "FAIL: no verbs found in ctl/main.c"; exit 1; }
expect "verbs = ctl/main.c's table" "$verbs" "$(complete_line _syscagectl "$ctl " "$ctl" "")"
expect "verbs starting with re" \
        "$(grep '^re' <<<"$verbs")" "$(complete_line _syscagectl "$ctl re" "$ctl" re)"

expect "global options" "--units-dir" "$(complete_line _syscagectl "$ctl --un" "$ctl" --un)"
expect "global option --user" "--user" "$(complete_line _syscagectl "$ctl --us" "$ctl" --us)"

expect "analyze sys" "syscall-filter" \
        "$(complete_line _syscagectl "$ctl analyze sys" "$ctl" analyze sys)"
expect "analyze subcommands" "$(sorted policy resolve security syscall-filter)" \
        "$(complete_line _syscagectl "$ctl analyze " "$ctl" analyze "")"

# Readline replaces "@sys" as a whole ('@' is one of its special prefixes), so the reply
# keeps the '@'.
expect "analyze syscall-filter @sys" "@system-service" \
        "$(complete_line _syscagectl "$ctl analyze syscall-filter @sys" \
                "$ctl" analyze syscall-filter @ sys)"
groups=$("$ctl" analyze syscall-filter | awk '/^@/ { print $1 }' | sort -u)
[[ $(wc -l <<<"$groups") -ge 20 ]] || { echo "FAIL: analyze syscall-filter lists too few groups"; exit 1; }
expect "analyze syscall-filter @ (every group)" "$groups" \
        "$(complete_line _syscagectl "$ctl analyze syscall-filter @" "$ctl" analyze syscall-filter @)"

# verify takes no options of its own (--units-dir is global and goes before the verb).
expect "verify --u offers nothing" "" \
        "$(complete_line _syscagectl "$ctl verify --u" "$ctl" verify --u)"

# Unit names from --units-dir (the daemon is not running).
mkdir -p "$tmp/units" "$tmp/work"
touch "$tmp/units/alpha.service" "$tmp/units/beta@.service" "$tmp/units/not-a-unit.conf"
expect "start: unit files from --units-dir" "$(sorted alpha.service beta@.service)" \
        "$(complete_line _syscagectl "$ctl --socket $nosock --units-dir $tmp/units start " \
                "$ctl" --socket "$nosock" --units-dir "$tmp/units" start "")"
expect "status a" "alpha.service" \
        "$(complete_line _syscagectl "$ctl --socket $nosock --units-dir $tmp/units status a" \
                "$ctl" --socket "$nosock" --units-dir "$tmp/units" status a)"
# verify: files in the working directory, and unit names.
touch "$tmp/work/gamma.service"
expect "verify g (file) and a (name)" "$(sorted gamma.service)" \
        "$(cd "$tmp/work" && complete_line _syscagectl "$ctl --socket $nosock --units-dir $tmp/units verify g" \
                "$ctl" --socket "$nosock" --units-dir "$tmp/units" verify g)"
expect "verify al" "alpha.service" \
        "$(cd "$tmp/work" && complete_line _syscagectl "$ctl --socket $nosock --units-dir $tmp/units verify al" \
                "$ctl" --socket "$nosock" --units-dir "$tmp/units" verify al)"

# run -p: the keys of the directive tables (lib/unit-directives*.c, [Unit] and [Service]) and
# the seccomp keys (lib/policy.c's directive_table; '(default)' and '(exec gate)' are no keys), each followed by '='.
directive_keys=$(grep -ho '{ "\(Unit\|Service\)", "[A-Za-z]*"' "$src"/lib/unit-directives*.c |
                 sed 's/.*", "//; s/"$//'
                 grep -o 'DIR_ROWS("[A-Za-z]*"' "$src/lib/unit-directives-dirs.c" |
                 sed 's/.*("//; s/"$//; p; s/$/Mode/'
                 grep -o 'EXEC("[A-Za-z]*"\|LIMIT("[A-Za-z]*"' "$src/lib/unit-directives.c" |
                 sed 's/.*("//; s/"$//'
                 grep -o 'COND("[A-Za-z]*"' "$src/lib/unit-directives.c" |
                 sed 's/.*("//; s/"$//; s/^/Condition/; p; s/^Condition/Assert/'
                 sed -n '/directive_table\[_POLICY_DIRECTIVE_MAX\] = {/,/^};/p' "$src/lib/policy.c" |
                 grep -o '\] = "[A-Za-z]*"' | sed 's/.*"\(.*\)"/\1/')
directive_keys=$(sort -u <<<"$directive_keys" | sed 's/$/=/')
[[ $(wc -l <<<"$directive_keys") -ge 60 ]] || { echo "FAIL: too few directives found"; exit 1; }
expect "run -p keys = the directive tables" "$directive_keys" \
        "$(complete_line _syscagectl "$ctl run -p " "$ctl" run -p "")"
expect "run -p SystemCallF" "SystemCallFilter=" \
        "$(complete_line _syscagectl "$ctl run -p SystemCallF" "$ctl" run -p SystemCallF)"
# bash's words: ... "SystemCallFilter" "=~@" "clo"; readline replaces "@clo".
expect "run -p SystemCallFilter=~@clo" "@clock" \
        "$(complete_line _syscagectl "$ctl run -p SystemCallFilter=~@clo" \
                "$ctl" run -p SystemCallFilter "=~@" clo)"

# run's long options: those of ctl/verbs-run.c's option table.
run_options=$(grep -o '{ "[a-z-]*", \(no\|required\)_argument' "$src/ctl/verbs-run.c" |
              sed 's/{ "\([a-z-]*\)", no_argument/--\1/; s/{ "\([a-z-]*\)", required_argument/--\1=/' |
              sort)
expect "run -- = ctl/verbs-run.c's options" "$run_options" \
        "$(complete_line _syscagectl "$ctl run --" "$ctl" run --)"
# After the command, its arguments are files, not our options.
expect "run CMD --w is not an option of run" "" \
        "$(cd "$tmp/work" && complete_line _syscagectl "$ctl run true --w" "$ctl" run true --w)"

# logs' long options: those of ctl/verbs-logs.c's option table; and the values of -p and -o.
logs_options=$(grep -o '{ "[a-z-]*", \(no\|required\)_argument' "$src/ctl/verbs-logs.c" |
               sed 's/{ "\([a-z-]*\)", no_argument/--\1/; s/{ "\([a-z-]*\)", required_argument/--\1=/' |
               sort)
expect "logs -- = ctl/verbs-logs.c's options" "$logs_options" \
        "$(complete_line _syscagectl "$ctl logs --" "$ctl" logs --)"
expect "logs -p w" "warning" "$(complete_line _syscagectl "$ctl logs -p w" "$ctl" logs -p w)"
expect "logs --output=j" "json" \
        "$(complete_line _syscagectl "$ctl logs --output=j" "$ctl" logs --output = j)"

# --state=: bash splits "--state=act" into "--state" "=" "act"; readline replaces "act".
expect "list --state=act" "$(sorted activating active)" \
        "$(complete_line _syscagectl "$ctl list --state=act" "$ctl" list --state = act)"
expect "list --state=active,fai" "active,failed" \
        "$(complete_line _syscagectl "$ctl list --state=active,fai" "$ctl" list --state = active,fai)"

# The unit file verbs (ctl/verbs-units.c): their options, unit names, unit file states.
expect "edit --" "$(sorted --full --no-pager --runtime)" \
        "$(complete_line _syscagectl "$ctl edit --" "$ctl" edit --)"
expect "mask a" "alpha.service" \
        "$(complete_line _syscagectl "$ctl --socket $nosock --units-dir $tmp/units mask a" \
                "$ctl" --socket "$nosock" --units-dir "$tmp/units" mask a)"
expect "list-unit-files --state=enabled,s" "enabled,static" \
        "$(complete_line _syscagectl "$ctl list-unit-files --state=enabled,s" "$ctl" list-unit-files --state = enabled,s)"
expect "list-dependencies --r" "--reverse" \
        "$(complete_line _syscagectl "$ctl list-dependencies --r" "$ctl" list-dependencies --r)"
expect "show -p ExecMainS" "$(sorted ExecMainStartTimestamp ExecMainStatus)" \
        "$(complete_line _syscagectl "$ctl show -p ExecMainS" "$ctl" show -p ExecMainS)"
# Every property offered for show -p is one the daemon sends (daemon/bus/*.c names it).
missing=""
for prop in $(complete_line _syscagectl "$ctl show -p " "$ctl" show -p ""); do
        grep -q "\"$prop\"" "$src"/daemon/bus/*.c ||
                { [[ $prop == Exec* ]] && grep -q "\"$prop\"" "$src/lib/unit-config.c"; } ||
                { [[ $prop == Limit* ]] && p=${prop#Limit} && grep -q "\"${p%Soft}\"" "$src/daemon/bus/bus-unit-props.c"; } ||
                missing+=" $prop"
done
expect "show -p offers only properties the daemon has" "" "${missing# }"

# Every architecture offered is one that analyze resolve accepts.
archs=$(complete_line _syscagectl "$ctl analyze resolve --arch " "$ctl" analyze resolve --arch "")
[[ -n $archs ]] || { echo "FAIL: no architectures offered"; failures=$((failures + 1)); }
bad=""
for a in $archs; do
        "$ctl" analyze resolve read --arch "$a" >/dev/null 2>&1 || bad+=" $a"
done
expect "every --arch candidate is accepted by analyze resolve" "" "${bad# }"

expect "kill --signal=SIGTE" "SIGTERM" \
        "$(complete_line _syscagectl "$ctl kill --signal=SIGTE" "$ctl" kill --signal = SIGTE)"

# --- syscaged ---

# The options `syscaged --help` lists.
daemon_options=$("$daemon" --help | grep -o '^ *\(-h \)\?--[a-z-]*\|^ *-h' | tr -s ' ' '\n' | grep . | sort -u)
expect "syscaged options = --help" "$daemon_options" \
        "$(complete_line _syscaged "syscaged -" syscaged -)"
expect "syscaged --log-level" "$(sorted alert crit debug emerg err info notice warning)" \
        "$(complete_line _syscaged "syscaged --log-level " syscaged --log-level "")"
expect "syscaged --log-level=war" "warning" \
        "$(complete_line _syscaged "syscaged --log-level=war" syscaged --log-level = war)"
# Every level offered is accepted. The stray argument makes the daemon stop with a usage
# error before it does anything; an unknown level would be reported first.
out=$("$daemon" --log-level no-such-level stray-argument 2>&1)
[[ $out == *"Unknown log level"* ]] || { echo "FAIL: an unknown level is not reported: $out"; failures=$((failures + 1)); }
for l in $(complete_line _syscaged "syscaged --log-level " syscaged --log-level ""); do
        out=$("$daemon" --log-level "$l" stray-argument 2>&1)
        rc=$?
        if [[ $rc -ne 2 || $out == *"Unknown log level"* ]]; then
                echo "FAIL: --log-level $l: exit $rc: $out"
                failures=$((failures + 1))
        fi
done

if ((failures)); then
        echo "$failures check(s) failed"
        exit 1
fi
echo "all checks passed"
