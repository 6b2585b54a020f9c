/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ExecPlan: everything the child needs between fork and execve, prepared by the parent
 * beforehand as plain data. The child only reads it (it is a copy-on-write image of the
 * parent's memory), so nothing in here may need allocation or lookups to use: paths are
 * absolute and resolved, users and groups are numbers, filters are finished BPF.
 *
 * The plan does not own anything it points to; the caller keeps argv, envp, the fds and the
 * filter programs alive until exec_spawn() returns.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "mount-plan.h"
#include "policy-phase.h"

/* "Do not change" markers for the credential and process attributes. */
#define EXEC_UID_UNSET ((uid_t) -1)
#define EXEC_GID_UNSET ((gid_t) -1)
#define EXEC_UMASK_UNSET ((mode_t) -1)
#define EXEC_CAPS_ALL UINT64_MAX

/* Limits on plan contents the child walks; the parent enforces them in exec_plan_check(). */
#define EXEC_GROUPS_MAX 64U
#define EXEC_RLIMIT_MAX 16 /* RLIMIT_NLIMITS on Linux */
#define EXEC_FILTERS_MAX 16U /* policy programs (one per ABI plus one) */
#define EXEC_KEY_WORDS 3 /* POLICY_EXEC_KEY_WORDS */

typedef struct ExecRlimit {
        bool set;
        rlim_t soft;
        rlim_t hard;
} ExecRlimit;

/* What the gate does with an execve/execveat after the launch one. */
typedef enum ExecGateAction {
        EXEC_GATE_ERRNO, /* fail the call with gate_errno */
        EXEC_GATE_KILL,  /* SIGKILL the calling process, then fail the call */
        EXEC_GATE_REPORT, /* PolicyMode=complain: let the call run, report a would-be denial */
        _EXEC_GATE_ACTION_MAX,
        _EXEC_GATE_ACTION_INVALID = -1,
} ExecGateAction;

typedef struct ExecPlan {
        const char *path;         /* absolute path of the executable, no PATH search */
        const char *const *argv;  /* NULL-terminated */
        const char *const *envp;  /* NULL-terminated */

        int stdin_fd;             /* placed on 0/1/2; -1 keeps what the parent has there */
        int stdout_fd;
        int stderr_fd;
        int cgroup_fd;            /* cgroup2 directory to start in, or -1 */

        uid_t uid;                /* EXEC_UID_UNSET: keep */
        gid_t gid;                /* EXEC_GID_UNSET: keep */
        bool set_groups;          /* call setgroups(n_groups, groups); n_groups may be 0 */
        const gid_t *groups;
        size_t n_groups;

        const char *working_directory; /* NULL: keep */
        bool working_directory_missing_ok; /* on ENOENT use "/" instead */
        mode_t umask;             /* EXEC_UMASK_UNSET: keep */
        bool set_nice;
        int nice;
        ExecRlimit rlimits[EXEC_RLIMIT_MAX]; /* indexed by RLIMIT_* */

        uint64_t capability_bounding_set; /* capabilities to keep; EXEC_CAPS_ALL: keep all */
        bool drop_cap_sys_ptrace;         /* drop CAP_SYS_PTRACE (always done with filter_notify) */
        /* The daemon lacks CAP_SETPCAP (a per-user daemon): the bounding set stays as the
         * daemon's, and no_new_privs is set whatever the unit says, so that no execve can
         * raise a capability (nor set-user-ID or file capabilities) and the bounding set has
         * nothing left to bound. CAP_SYS_PTRACE still leaves the inheritable set. */
        bool keep_bounding_set;
        uint64_t ambient_capabilities;    /* raised after the uid change; with filter_notify,
                                           * CAP_SYS_PTRACE here fails the launch (EPERM) */
        bool no_new_privs;                /* decided by the parent: exec_plan_want_nnp() */
        int death_signal;                 /* PR_SET_PDEATHSIG after the uid change; 0: none */
        bool ignore_sigpipe;              /* SIGPIPE set to SIG_IGN, not SIG_DFL (IgnoreSIGPIPE=) */

        /* Filters, compiled before fork. Neither: unfiltered. Only filter_policy: it must
         * allow execve itself. Both: filter_notify sends execve/execveat to the daemon
         * (USER_NOTIF, everything else allowed), filter_policy is the unit's policy with
         * execve/execveat allowed and seccomp(NEW_LISTENER) denied. filter_policy may point
         * to n_filter_policy programs (a compiled policy can be several: one per ABI for
         * argument checks plus the unconditional one), loaded in array order. */
        const struct sock_fprog *filter_notify;
        const struct sock_fprog *filter_policy;
        size_t n_filter_policy;   /* programs at filter_policy, in load order; 0 means 1 */
        /* The node baseline (lib/baseline.h): n_filter_baseline programs the child loads as a
         * filter of their own before any of the unit's, so that nothing the unit's policy
         * says (a denied seccomp() included) can keep it out. It allows execve, execveat,
         * seccomp and the credential calls (baseline_launch_calls()), so it may go in before
         * the credential change: exec_plan_baseline_early() says when it must. NULL: none. */
        const struct sock_fprog *filter_baseline;
        size_t n_filter_baseline;
        /* Learn mode: filter_notify is the learn filter (exec-learn.h) and filter_policy
         * allows everything; the gate records and continues every call after the launch. */
        bool learn;
        ExecGateAction gate_action;
        int gate_errno;           /* errno for denied execve (both actions); 0: the call
                                   * returns 0 without running anything. Take it from
                                   * policy_exec_gate_action(). */

        /* The launch key the policy filter checks in execve's args 3..5; the child passes it
         * there (FilterEntry.exec_key; all zero when the filter checks none). */
        uint64_t exec_key[EXEC_KEY_WORDS];
        /* MemoryDenyWriteExecute=yes: the child sets PR_SET_MDWE (where the kernel has it).
         * The flag belongs to the address space, so such a child never shares the daemon's. */
        bool memory_deny_write_execute;
        /* Namespaces and mounts (lib/mount-plan.h), run after the fds are set up and before
         * the limits and the working directory. NULL: none. It must come from
         * mount_plan_build() (every string in its one block); exec_spawn() copies it. */
        const MountPlan *mount_plan;
        /* PrivateUsers=yes: after the mounts and setgroups, the child enters a new user
         * namespace in which only 0 and the plan's uid and gid (EXEC_*_UNSET: only 0) are
         * mapped, to themselves; the daemon writes the maps (exec-spawn.c says why). */
        bool private_users;
        /* The daemon has no CAP_SYS_ADMIN (syscaged --user): before anything else of the mount
         * plan the child enters a new user namespace that maps the daemon's own uid and gid,
         * one id each, written by the daemon ("deny" in setgroups first, as the kernel wants
         * of an unprivileged writer); the mounts and namespaces of the plan are made inside
         * it. With it, private_users adds no second namespace. The service keeps the
         * daemon's uid and gid: it holds capabilities only inside the namespace, loses them at
         * execve (its uid is not 0 there) and cannot gain any (no_new_privs). */
        bool userns_first;

        /* The main phase (lib/policy-phase.h; daemon/exec/exec-phase.h enforces it). With a
         * phase, filter_notify routes its calls to the gate (and execve/execveat only when the
         * policy denies them: phase_exec_routed). NONE: no phase, the fields below are unused. */
        int phase_start;          /* PhaseStart */
        bool phase_exec_routed;   /* filter_notify sends execve/execveat to the gate */
        int phase_fd;             /* after-loader: the main filter's memfd, placed on
                                   * phase_fd_target without close-on-exec; -1: none */
        int phase_fd_target;
        unsigned phase_filters_expected; /* after-loader: Seccomp_filters once it is loaded */
        const PolicyPhaseCall *phase_calls; /* after-ready: routed calls, sorted by nr */
        size_t n_phase_calls;
        /* The child passes it in sendmsg's unused args 3..5 when it hands over the listener:
         * after-ready routes sendmsg, but not this one call, which runs before the daemon
         * holds the listener (see exec-phase.h). */
        uint64_t phase_key[EXEC_KEY_WORDS];
} ExecPlan;

/* A plan with every attribute set to "keep", no filters, no stdio changes. */
void exec_plan_init(ExecPlan *p);

/* Validate a plan before fork: -EINVAL for a relative path, NULL argv, a notify filter
 * without a policy filter, limits exceeded, or a mount plan the child cannot run (an unknown
 * kind, a string outside the plan's block, past its limits). */
int exec_plan_check(const ExecPlan *p);

/* Whether the child must set no_new_privs: when asked, or when it loads a filter and will
 * not hold CAP_SYS_ADMIN at that point. A plan whose only filter is the baseline does not
 * need it when the daemon runs as root: the baseline then goes in early (below). A daemon
 * that is not root has no CAP_SYS_ADMIN to lend, and sets no_new_privs for the baseline too. */
bool exec_plan_want_nnp(const ExecPlan *p);

/* Whether the child loads the baseline before its credential change (while it is still root
 * with every capability) rather than just before the unit's filters: when it would hold
 * neither no_new_privs nor CAP_SYS_ADMIN by then. So a service that did not ask for
 * no_new_privs keeps working setuid programs under the baseline. */
bool exec_plan_baseline_early(const ExecPlan *p);

const char *exec_gate_action_to_string(ExecGateAction a);
ExecGateAction exec_gate_action_from_string(const char *s);
