# bash completion for syscaged(8)                                  -*- shell-script -*-
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Install as /usr/share/bash-completion/completions/syscaged, or source it.

_syscaged() {
        local cur=${COMP_WORDS[COMP_CWORD]} prev=""
        ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
        COMPREPLY=()

        # "--opt=value": bash splits at '=' (COMP_WORDBREAKS), giving "--opt" "=" "value".
        if [[ $cur == "=" ]]; then
                cur=""
        elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
                prev=${COMP_WORDS[COMP_CWORD - 2]}
        fi

        case $prev in
        --units-dir|--state-dir|--runtime-dir|--directories-root)
                mapfile -t COMPREPLY < <(compgen -d -- "$cur")
                compopt -o filenames 2>/dev/null
                return 0 ;;
        --socket|--baseline)
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                compopt -o filenames 2>/dev/null
                return 0 ;;
        --control-group)
                mapfile -t COMPREPLY < <(compgen -g -- "$cur")
                return 0 ;;
        --relax)
                mapfile -t COMPREPLY < <(compgen -W "ProtectSystem ProtectHome ProtectProc ProcSubset
                        PrivateTmp PrivateDevices PrivateMounts ProtectKernelTunables
                        ProtectKernelModules ProtectKernelLogs ProtectControlGroups MountAPIVFS
                        DynamicUser RootDirectory ReadWritePaths ReadOnlyPaths InaccessiblePaths
                        ExecPaths NoExecPaths BindPaths BindReadOnlyPaths TemporaryFileSystem
                        PrivateNetwork PrivateIPC ProtectHostname PrivateUsers ProtectSupervisor" -- "$cur")
                return 0 ;;
        --denial-records)
                mapfile -t COMPREPLY < <(compgen -W "both audit kmsg" -- "$cur")
                return 0 ;;
        --log-max-file-size|--log-max-files)
                return 0 ;;
        --log-level)
                mapfile -t COMPREPLY < <(compgen -W "debug info notice warning err crit alert emerg" -- "$cur")
                return 0 ;;
        esac
        mapfile -t COMPREPLY < <(compgen -W "-h --help --version --units-dir --state-dir --runtime-dir
                --socket --directories-root --control-group --log-level --relax --no-holder --baseline
                --denial-records --user
                --log-max-file-size --log-max-files" -- "$cur")
        return 0
}

complete -F _syscaged syscaged
