# bash completion for syscagectl(1)                                -*- shell-script -*-
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Install as /usr/share/bash-completion/completions/syscagectl, or source it.
#
# Self-contained (does not need the bash-completion package). The command line is split
# on white space from COMP_LINE, not taken from COMP_WORDS, because bash also breaks words
# at '=' and '@' (COMP_WORDBREAKS): "@sys" arrives as "@" "sys", "--state=act" as
# "--state" "=" "act". Candidates are matched against the whole token and then cut back
# to the part readline replaces (_syscagectl_trim).

_syscagectl_verbs="list list-units status show cat logs start stop restart try-restart reload
        reload-or-restart try-reload-or-restart reload-or-try-restart force-reload condrestart condreload
        kill reset-failed is-active is-failed is-enabled enable disable
        daemon-reload daemon-reexec run learn verify analyze import-oci export-oci
        is-system-running mask unmask edit list-unit-files list-dependencies"

# Verbs that take unit names as arguments.
_syscagectl_unit_verbs=" status show cat logs start stop restart try-restart reload
        reload-or-restart try-reload-or-restart reload-or-try-restart force-reload condrestart condreload kill reset-failed is-active is-failed is-enabled enable disable learn
        mask unmask edit list-unit-files list-dependencies "

_syscagectl_analyze_verbs="syscall-filter policy resolve security"

# Values of `logs` options: levels, output modes, and the named times.
_syscagectl_levels="emerg alert crit err warning notice info debug"
_syscagectl_logs_outputs="short cat json"
_syscagectl_logs_times="now today yesterday tomorrow"

# Architecture names `analyze resolve --arch` accepts (libseccomp's names, plus x86-64).
_syscagectl_archs="native x86-64 x86 x32 arm aarch64 mips mipsel mips64 mipsel64 mips64n32
        mipsel64n32 ppc ppc64 ppc64le s390 s390x parisc parisc64 riscv64"

# Load, active and sub states, for list --state=.
_syscagectl_states="loaded error not-found masked active reloading inactive failed activating
        deactivating dead start-pre start start-post running exited reload stop stop-sigterm
        stop-sigkill stop-post final-sigterm final-sigkill auto-restart"

# Unit file states, for list-unit-files --state=.
_syscagectl_file_states="enabled disabled static masked"

# The properties `show -p` knows by systemd's names (GetUnitStatus).
_syscagectl_show_properties="Id Names Description LoadState ActiveState SubState Result
        UnitFileState FragmentPath DropInPaths Type Restart RestartUSec TimeoutStartUSec
        TimeoutStopUSec WatchdogUSec RemainAfterExit PIDFile NotifyAccess KillMode KillSignal
        ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost User Group
        DynamicUser SupplementaryGroups WorkingDirectory Environment EnvironmentFiles UMask
        Documentation MainPID ControlPID ExecMainPID ExecMainCode ExecMainStatus
        ExecMainStartTimestamp ExecMainExitTimestamp NRestarts StateChangeTimestamp
        ActiveEnterTimestamp ActiveExitTimestamp InactiveEnterTimestamp MemoryCurrent
        TasksCurrent CanStart CanStop CanReload Wants Requires After Before WantedBy RequiredBy ControlGroup InvocationID
        StatusText LimitNOFILE LimitNOFILESoft LimitNPROC LimitCORE LimitMEMLOCK"

# The [Unit] and [Service] directives syscaged applies (lib/unit-directives.c, with the
# Condition*=/Assert*= rows of its COND() macro) and the
# seccomp directives (lib/unit-config.c): what `run -p KEY=VALUE` is most useful with.
_syscagectl_properties="Description Documentation After Before Requires Wants BindsTo PartOf
        ReloadPropagatedFrom PropagatesReloadTo DefaultDependencies IgnoreSIGPIPE
        StartLimitIntervalSec StartLimitInterval StartLimitBurst
        Type ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost
        Restart RestartSec TimeoutStartSec TimeoutStopSec TimeoutSec WatchdogSec KillSignal
        KillMode SuccessExitStatus RestartPreventExitStatus RestartForceExitStatus
        RemainAfterExit PIDFile NotifyAccess
        User Group SupplementaryGroups WorkingDirectory Environment EnvironmentFile UMask Nice
        LimitCPU LimitFSIZE LimitDATA LimitSTACK LimitCORE LimitRSS LimitNOFILE LimitAS
        LimitNPROC LimitMEMLOCK LimitLOCKS LimitSIGPENDING LimitMSGQUEUE LimitNICE
        LimitRTPRIO LimitRTTIME
        StandardInput StandardOutput StandardError NoNewPrivileges CapabilityBoundingSet
        AmbientCapabilities RuntimeDirectory StateDirectory LogsDirectory
        RuntimeDirectoryMode StateDirectoryMode LogsDirectoryMode CacheDirectory CacheDirectoryMode
        ConfigurationDirectory ConfigurationDirectoryMode RuntimeDirectoryPreserve
        SystemCallFilter SystemCallErrorNumber SystemCallArchitectures SystemCallLog
        RestrictAddressFamilies RestrictNamespaces LockPersonality MemoryDenyWriteExecute
        RestrictRealtime RestrictSUIDSGID ProtectClock ProtectKernelModules ProtectKernelLogs
        ProtectKernelTunables ProtectHostname PrivateDevices SystemCallArgumentFilter
        PolicyMode BindPaths BindReadOnlyPaths MountAPIVFS PrivateMounts RootDirectory
        TemporaryFileSystem
        ConditionPathExists ConditionPathExistsGlob ConditionPathIsDirectory
        ConditionPathIsSymbolicLink ConditionPathIsMountPoint ConditionPathIsReadWrite
        ConditionDirectoryNotEmpty ConditionFileNotEmpty ConditionFileIsExecutable
        ConditionCapability ConditionKernelCommandLine ConditionVirtualization ConditionUser
        ConditionGroup ConditionHost ConditionArchitecture ConditionSecurity
        AssertPathExists AssertPathExistsGlob AssertPathIsDirectory AssertPathIsSymbolicLink
        AssertPathIsMountPoint AssertPathIsReadWrite AssertDirectoryNotEmpty AssertFileNotEmpty
        AssertFileIsExecutable AssertCapability AssertKernelCommandLine AssertVirtualization
        AssertUser AssertGroup AssertHost AssertArchitecture AssertSecurity"

# Options of each verb; "=" at the end: takes a value.
_syscagectl_verb_options() {
        case $1 in
        list|list-units) echo "-a --all --state= --failed --json --no-pager" ;;
        status) echo "-l --full --json --no-pager" ;;
        show) echo "-p --property= -P --value -a --all -l --full --json --no-pager" ;;
        mask|unmask) echo "--runtime --no-reload --no-pager" ;;
        edit) echo "--full --runtime --no-pager" ;;
        list-unit-files) echo "--state= --type= --no-legend --no-pager" ;;
        list-dependencies) echo "--reverse -a --all --no-pager" ;;
        logs) echo "-f --follow -n --lines= -u --unit= -p --priority= -o --output= --since= --until=
                    --no-pager" ;;
        kill) echo "-s --signal= --no-pager" ;;
        is-active|is-failed|is-enabled|is-system-running) echo "-q --quiet --no-pager" ;;
        start|stop|restart|try-restart|reload|reload-or-restart|try-reload-or-restart|\
        reload-or-try-restart|force-reload|condrestart|condreload) echo "--no-block --no-pager" ;;
        enable|disable) echo "--now --no-block --no-pager" ;;
        run) echo "-p --property= -u --unit= --wait -P --pipe -G --collect -q --quiet
                   -E --setenv= --working-directory= --no-pager --learn= --learn-groups
                   --learn-merge=" ;;
        learn) echo "-o --output= --learn-groups --learn-merge= --diff" ;;
        cat|reset-failed|daemon-reload|daemon-reexec)
                echo "--no-pager" ;;
        esac
}

# Prints unit names: those the daemon knows (any state) and the unit files in the search
# path. Arguments: the global options given on the command line (--socket, --units-dir,
# --user).
_syscagectl_unit_names() {
        local -a global=() dirs=()
        local i user=
        for ((i = 0; i < ${#_syscagectl_global[@]}; i++)); do
                case ${_syscagectl_global[i]} in
                --socket) global+=(--socket "${_syscagectl_global[i + 1]}"); ((i++)) ;;
                --socket=*) global+=("${_syscagectl_global[i]}") ;;
                --units-dir) dirs+=("${_syscagectl_global[i + 1]}"); ((i++)) ;;
                --units-dir=*) dirs+=("${_syscagectl_global[i]#--units-dir=}") ;;
                --user) global+=(--user); user=1 ;;
                esac
        done
        # The per-user search path (lib/user-dirs.h), or the system's.
        if ((!${#dirs[@]})) && [[ -n $user ]]; then
                dirs=("${XDG_CONFIG_HOME:-$HOME/.config}/syscage/user" /etc/syscage/user
                      "${XDG_RUNTIME_DIR:-/nonexistent}/syscage/user"
                      "${XDG_DATA_HOME:-$HOME/.local/share}/syscage/user" /usr/lib/syscage/user)
        fi
        ((${#dirs[@]})) || dirs=(/etc/syscage/units /run/syscage/units /usr/lib/syscage/units)
        {
                # Piped, `list` prints a header, one unit per line, a blank line and a count.
                "$_syscagectl_cmd" "${global[@]}" list --all 2>/dev/null |
                        awk '$1 ~ /\.service$/ { print $1 }'
                local d f
                for d in "${dirs[@]}"; do
                        for f in "$d"/*.service; do
                                [[ -e $f ]] && printf '%s\n' "${f##*/}"
                        done
                done
        } | sort -u
}

# Prints the names of the syscall groups (@default, @system-service, ...).
_syscagectl_groups() {
        "$_syscagectl_cmd" analyze syscall-filter 2>/dev/null | awk '/^@/ { print $1 }' | sort -u
}

# Sets COMPREPLY to the words of $1 that start with $2 (the whole token).
_syscagectl_reply() {
        local w
        COMPREPLY=()
        for w in $1; do
                [[ $w == "$2"* ]] && COMPREPLY+=("$w")
        done
}

_syscagectl() {
        local line
        local -a words=()

        # Whitespace-separated words up to the cursor; the last one is being completed.
        if [[ -n ${COMP_LINE-} ]]; then
                line=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}
                read -r -a words <<<"$line"
                [[ $line =~ [[:space:]]$ || ${#words[@]} -eq 0 ]] && words+=("")
        else
                words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
        fi
        COMPREPLY=()
        _syscagectl_complete "${words[@]}"
        _syscagectl_trim
        return 0
}

# Completes the last of its arguments, the words of the command line.
_syscagectl_complete() {
        local -a words=("$@")
        local cword=$((${#words[@]} - 1)) i verb="" prev=""
        local cur=${words[cword]}
        ((cword > 0)) && prev=${words[cword - 1]}
        _syscagectl_cmd=${words[0]:-syscagectl}
        _syscagectl_global=()

        # Global options come before the verb.
        for ((i = 1; i < cword; i++)); do
                case ${words[i]} in
                --socket|--units-dir) _syscagectl_global+=("${words[i]}" "${words[i + 1]}"); ((i++)) ;;
                -*) _syscagectl_global+=("${words[i]}") ;;
                *) verb=${words[i]}; break ;;
                esac
        done
        local first_arg=$((i + 1))   # index of the first word after the verb

        if [[ -z $verb ]]; then
                case $prev in
                --socket|--units-dir) _syscagectl_files "$cur" ;;
                *)
                        if [[ $cur == -* ]]; then
                                _syscagectl_reply "-h --help --version --socket --units-dir --user" "$cur"
                        else
                                _syscagectl_reply "$_syscagectl_verbs" "$cur"
                        fi ;;
                esac
                return
        fi

        case $verb in
        analyze) _syscagectl_analyze "$cur" "$prev" "${words[@]:first_arg:cword-first_arg}"; return ;;
        verify) _syscagectl_unit_files "$cur"; return ;;
        run)
                # Once the command has begun, the rest are its arguments.
                for ((i = first_arg; i < cword; i++)); do
                        case ${words[i]} in
                        -p|--property|-u|--unit|-E|--setenv|--working-directory) ((i++)) ;;
                        -*) ;;
                        *) break ;;
                        esac
                done
                if ((i < cword)); then
                        _syscagectl_files "$cur"
                        return
                fi
                if [[ $prev != -* && $cur != -* ]]; then
                        mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
                        return
                fi ;;
        esac

        # Values of `logs` options.
        if [[ $verb == logs ]]; then
                case $prev in
                -p|--priority) _syscagectl_reply "$_syscagectl_levels" "$cur"; return ;;
                -o|--output) _syscagectl_reply "$_syscagectl_logs_outputs" "$cur"; return ;;
                -u|--unit) _syscagectl_reply "$(_syscagectl_unit_names)" "$cur"; return ;;
                --since|--until) _syscagectl_reply "$_syscagectl_logs_times" "$cur"; return ;;
                esac
                local v c=""
                case $cur in
                --priority=*) for v in $_syscagectl_levels; do c+=" --priority=$v"; done ;;
                --output=*) for v in $_syscagectl_logs_outputs; do c+=" --output=$v"; done ;;
                --unit=*) for v in $(_syscagectl_unit_names); do c+=" --unit=$v"; done ;;
                --since=*|--until=*) for v in $_syscagectl_logs_times; do c+=" ${cur%%=*}=$v"; done ;;
                esac
                if [[ -n $c ]]; then
                        _syscagectl_reply "$c" "$cur"
                        return
                fi
        fi

        # Values of options.
        case $prev in
        -p|--property|-P)
                if [[ $verb == show ]]; then
                        _syscagectl_reply "$_syscagectl_show_properties" "$cur"
                else
                        [[ $verb == run ]] && _syscagectl_property "$cur"
                fi
                return ;;
        -s|--signal) _syscagectl_reply "$(compgen -A signal)" "$cur"; return ;;
        --working-directory) _syscagectl_files "$cur" -d; return ;;
        -o|--output) _syscagectl_files "$cur"; return ;;
        -u|--unit|-n|--lines|-E|--setenv) return ;;
        esac
        local s cand=""
        case $cur in
        --state=*)
                local have=${cur#--state=}
                local pre=${have%"${have##*,}"}   # the states already typed, up to the last comma
                local states=$_syscagectl_states
                [[ $verb == list-unit-files ]] && states=$_syscagectl_file_states
                for s in $states; do cand+=" --state=$pre$s"; done
                _syscagectl_reply "$cand" "$cur" ;;
        --signal=*)
                for s in $(compgen -A signal); do cand+=" --signal=$s"; done
                _syscagectl_reply "$cand" "$cur" ;;
        --property=*)
                if [[ $verb == show ]]; then
                        for s in $_syscagectl_show_properties; do cand+=" --property=$s"; done
                        _syscagectl_reply "$cand" "$cur"
                else
                        [[ $verb == run ]] && _syscagectl_property "${cur#--property=}" --property=
                fi ;;
        -*)
                _syscagectl_reply "$(_syscagectl_verb_options "$verb")" "$cur"
                # An option ending in '=' wants its value right after it.
                [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null ;;
        *)
                [[ $_syscagectl_unit_verbs == *" $verb "* ]] &&
                        _syscagectl_reply "$(_syscagectl_unit_names)" "$cur" ;;
        esac
}

# analyze CUR PREV [SUBCOMMAND ARGS...]
_syscagectl_analyze() {
        local cur=$1 prev=$2 sub=${3-}
        if (($# <= 2)); then
                _syscagectl_reply "$_syscagectl_analyze_verbs" "$cur"
                return
        fi
        case $sub in
        syscall-filter) _syscagectl_reply "$(_syscagectl_groups)" "$cur" ;;
        resolve)
                case $prev in
                -a|--arch) _syscagectl_reply "$_syscagectl_archs" "$cur" ;;
                *) [[ $cur == -* ]] && _syscagectl_reply "-a --arch" "$cur" ;;
                esac ;;
        policy)
                case $prev in
                -s|--syscall) ;;
                *)
                        if [[ $cur == -* ]]; then
                                _syscagectl_reply "-s --syscall --bpf --pfc --baseline" "$cur"
                        else
                                _syscagectl_unit_files "$cur"
                        fi ;;
                esac ;;
        security)
                if [[ $cur == -* ]]; then
                        _syscagectl_reply "--json" "$cur"
                else
                        _syscagectl_unit_files "$cur"
                fi ;;
        esac
}

# run -p: KEY= (no space after it), or for SystemCallFilter= a group name after the '='.
_syscagectl_property() {
        local cur=$1 pre=${2-} k cand=""
        case $cur in
        SystemCallFilter=*)
                local v=${cur#SystemCallFilter=} tilde=""
                [[ $v == "~"* ]] && tilde="~"
                for k in $(_syscagectl_groups); do cand+=" ${pre}SystemCallFilter=$tilde$k"; done
                _syscagectl_reply "$cand" "$pre$cur"
                return ;;
        *=*)
                COMPREPLY=()
                return ;;
        esac
        for k in $_syscagectl_properties; do cand+=" $pre$k="; done
        _syscagectl_reply "$cand" "$pre$cur"
        compopt -o nospace 2>/dev/null
}

# Unit files and directories, and the unit names in the search path.
_syscagectl_unit_files() {
        local cur=$1
        _syscagectl_files "$cur"
        if [[ $cur != */* ]]; then
                local n
                for n in $(_syscagectl_unit_names); do
                        [[ $n == "$cur"* ]] && COMPREPLY+=("$n")
                done
        fi
}

# File names (directories only with -d), marked as such so bash quotes them and adds '/'.
_syscagectl_files() {
        mapfile -t COMPREPLY < <(compgen "${2:--f}" -- "$1")
        compopt -o filenames 2>/dev/null
        return 0
}

# Readline replaces only the end of the token: what follows its last COMP_WORDBREAKS
# character, where a '@' or '$' there stays in the replaced part (they are readline's
# "special prefixes"). Cut the candidates back to that part.
_syscagectl_trim() {
        [[ -n ${COMP_LINE-} && ${#COMPREPLY[@]} -gt 0 ]] || return 0
        local full=${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}
        full=${full##*[[:space:]]}
        local breaks=${COMP_WORDBREAKS-$' \t\n"\'@><=;|&(:'} n i c
        for ((n = ${#full}; n > 0; n--)); do
                c=${full:n-1:1}
                [[ $breaks == *"$c"* ]] || continue
                [[ $c == [@\$] ]] && ((n--))
                break
        done
        ((n > 0)) || return 0
        for i in "${!COMPREPLY[@]}"; do
                COMPREPLY[i]=${COMPREPLY[i]:n}
        done
}

complete -F _syscagectl syscagectl
