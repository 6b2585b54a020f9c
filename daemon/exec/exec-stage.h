/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The stages of a service launch, in the order the child runs them, and the exit code the
 * child uses when a stage fails. Exit codes are an interface: `status` shows them, scripts
 * match on them. Where systemd has an EXIT_* code with the same meaning we use its number,
 * so the codes read the same to anyone who knows systemd; codes from 250 up are ours.
 *
 *   stage            exit  meaning
 *   SIGNALS          207   resetting signal dispositions or the signal mask failed
 *   CGROUP           219   joining the service cgroup failed (only where clone3 could not
 *                          start the child in it)
 *   SETSID           220   setsid() failed
 *   STDIN            208   placing fd 0 failed
 *   STDOUT           209   placing fd 1 failed
 *   STDERR           222   placing fd 2 failed
 *   FDS              202   moving the launch socket or closing the other fds failed
 *   NAMESPACE        252   unshare() of the plan's namespaces, or making every mount a slave
 *                          of the host's, failed
 *   NETWORK          225   bringing "lo" up in the new network namespace failed (systemd's
 *                          EXIT_NETWORK)
 *   MOUNTS           226   a mount op of the plan (phase one or two), or the switch to
 *                          RootDirectory=, failed (systemd's EXIT_NAMESPACE)
 *   LIMITS           205   setrlimit failed
 *   NICE             201   setpriority failed
 *   CHDIR            200   chdir to WorkingDirectory= failed
 *   GROUP            216   setgroups or setresgid failed
 *   USERNS           253   PrivateUsers=: unshare(CLONE_NEWUSER) failed, or the daemon could
 *                          not write the new namespace's uid/gid maps (the errno is the
 *                          daemon's), or it did not answer
 *   CAPABILITIES     218   bounding set, keep-caps or ambient capabilities failed
 *   USER             217   setresuid failed
 *   PDEATHSIG        250   PR_SET_PDEATHSIG failed, or the daemon was already gone
 *   NO_NEW_PRIVS     227   PR_SET_NO_NEW_PRIVS failed
 *   ACCESS           203   the executable is missing or not executable (checked before
 *                          any filter is loaded, so this is never a seccomp kill)
 *   SECCOMP          228   loading a seccomp filter failed
 *   LISTENER         251   handing the execve gate's listener to the daemon failed
 *   EXEC             203   execve itself failed (after the filters); the report may be
 *                          missing because the policy can deny write(), the exit code not
 *
 * The child reports {stage, errno} on the launch socket before it exits; the exit code is
 * the fallback when that message cannot be written.
 */
#pragma once

typedef enum ExecStage {
        EXEC_STAGE_SIGNALS,
        EXEC_STAGE_CGROUP,
        EXEC_STAGE_SETSID,
        EXEC_STAGE_STDIN,
        EXEC_STAGE_STDOUT,
        EXEC_STAGE_STDERR,
        EXEC_STAGE_FDS,
        EXEC_STAGE_NAMESPACE,
        EXEC_STAGE_NETWORK,
        EXEC_STAGE_MOUNTS,
        EXEC_STAGE_LIMITS,
        EXEC_STAGE_NICE,
        EXEC_STAGE_CHDIR,
        EXEC_STAGE_GROUP,
        EXEC_STAGE_USERNS,
        EXEC_STAGE_CAPABILITIES,
        EXEC_STAGE_USER,
        EXEC_STAGE_PDEATHSIG,
        EXEC_STAGE_NO_NEW_PRIVS,
        EXEC_STAGE_ACCESS,
        EXEC_STAGE_SECCOMP,
        EXEC_STAGE_LISTENER,
        EXEC_STAGE_EXEC,
        _EXEC_STAGE_MAX,
        _EXEC_STAGE_INVALID = -1,
} ExecStage;

const char *exec_stage_to_string(ExecStage s);
ExecStage exec_stage_from_string(const char *s);
/* The child's exit code for a failure at stage s, or -1 for an invalid stage. */
int exec_stage_exit_code(ExecStage s);
