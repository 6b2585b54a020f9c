/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The parent side of a launch: creating the child that runs exec-child.c, and reading its
 * launch report. The execve gate (exec-gate.h) answers the child's launch execve.
 *
 * A launched process has up to three fds the caller watches (with sd-event in the daemon,
 * with poll in exec_run_and_wait()):
 *   socket_fd   - the launch socket. Readable: call exec_read_report(). It delivers the
 *                 gate's listener (EXEC_REPORT_LISTENER; listener_fd is now >= 0), a failure
 *                 report, or EOF (the child exec'd). Closed and set to -1 once the launch
 *                 is decided.
 *   listener_fd - the gate's seccomp listener, only with a notify filter. Readable: call
 *                 exec_gate_handle(). It stays open for the service's whole life; when it
 *                 hangs up no task uses the filter any more.
 *   pidfd       - readable when the child exits; reap it with waitid(P_PIDFD).
 *
 * The child shares the daemon's address space until its execve (see exec-spawn.c), so a
 * launch costs the same whatever the daemon's size. It reads a copy of the plan that the
 * ExecProcess keeps until the child is done with it.
 */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec/exec-plan.h"
#include "exec/exec-stage.h"
#include "macro.h"

/* The child's stack. Its frames take about a kilobyte; pages never touched cost nothing, and
 * a guard page below catches an overflow. */
#define EXEC_CHILD_STACK_SIZE (64U * 1024U)

typedef struct ExecProcess {
        pid_t pid;
        int pidfd;
        int socket_fd;
        int listener_fd;
        /* The child's stack and its copy of the plan, shared with the child: unmapped only
         * once the child has exec'd or exited. NULL once released. */
        void *arena;
        size_t arena_size;

        /* The gate's state (exec-gate.c). */
        bool gate;           /* a notify filter is loaded: expect a listener */
        bool launched;       /* the launch execve was continued and the kernel accepted it */
        ExecGateAction gate_action;
        int gate_errno;
        uint64_t launch_args[3]; /* path, argv, envp as the child passes them to execve */

        /* PrivateUsers=: the ids the child's user namespace maps besides 0, or
         * EXEC_*_UNSET (then only 0). The maps are written once, on its request. */
        bool private_users;
        bool userns_single;  /* userns_first: one id each, setgroups denied (exec-plan.h) */
        bool userns_mapped;
        uid_t userns_uid;
        gid_t userns_gid;
        unsigned n_denied;
        /* Learn mode (exec-learn.h): every call is continued, and those after the launch are
         * handed to learn_cb first. The callback is set by the caller after the spawn. */
        bool learn;
        /* Learning a Type=notify service before its READY=1: notifications are answered one
         * per event-loop turn, so that a READY=1 the service sent before its next call is
         * read (the notify socket is watched at a higher priority) before that call is
         * recorded as start-up. Set and cleared by the caller. */
        bool learn_until_ready;
        void (*learn_cb)(const struct seccomp_notif *n, void *userdata);
        void *learn_userdata;
        /* The id of the last notification received, for a daemon that takes this gate over:
         * one received but not answered when the previous daemon died waits for good unless
         * answered by id (exec_gate_answer_orphans()). */
        uint64_t last_notif_id;
        bool have_notif_id;
        bool paths_unreadable;   /* reading a denied path was late once: not tried again */
        struct seccomp_notif *notif;
        size_t notif_size;
        struct seccomp_notif_resp *resp;
        size_t resp_size;
        /* The main phase (exec-phase.h); NULL without one. Owned. */
        struct ExecPhase *phase;
        bool phase_exec_routed; /* with a phase: execve/execveat still come to the gate */
} ExecProcess;

typedef enum ExecReport {
        EXEC_REPORT_AGAIN,   /* nothing decided yet */
        EXEC_REPORT_LISTENER, /* the gate's listener arrived: start watching listener_fd */
        EXEC_REPORT_EXECED,  /* the launch socket closed: the child exec'd */
        EXEC_REPORT_FAILED,  /* the child reported {stage, errno} */
        EXEC_REPORT_DIED,    /* the socket closed before the gate let the launch through */
        _EXEC_REPORT_MAX,
        _EXEC_REPORT_INVALID = -1,
} ExecReport;

/* Start the child that runs plan. All signals are blocked around the clone. Uses
 * clone3(CLONE_VM | CLONE_PIDFD [| CLONE_INTO_CGROUP]) on a stack of its own; without
 * CLONE_VM where fs.suid_dumpable is not 0 (exec-spawn.c says why), without
 * CLONE_INTO_CGROUP where the kernel lacks it, and fork + pidfd_open where clone3 is
 * missing. The plan need only live until this returns. */
int exec_spawn(const ExecPlan *plan, ExecProcess **ret);

/* Read one message from the launch socket without blocking. A PrivateUsers= child's
 * request for its uid/gid maps is answered in here (small writes to procfs) and reads as
 * EXEC_REPORT_AGAIN. Returns an ExecReport; with
 * EXEC_REPORT_FAILED, *ret_stage and *ret_errno are set. -EBADMSG on a malformed message
 * (any fd that came with it is closed): the caller should then kill the child, since only
 * our own code runs in it before exec and a malformed message means something is wrong. */
int exec_read_report(ExecProcess *p, ExecStage *ret_stage, int *ret_errno);

/* Close all fds and free. Does not kill or reap the process. The child's copy of the plan is
 * unmapped only if the child is known to be done with it (exec'd, or exited); a child still
 * running its launch keeps it (a few pages, left mapped). */
/* An ExecProcess for a process a previous daemon launched (taken over after a crash or a
 * re-exec): owns pidfd and listener_fd (-EBADF: no gate); the gate counts as launched, so
 * every notification is denied with ACTION/ERROR. */
int exec_process_adopt(pid_t pid, int pidfd, int listener_fd, ExecGateAction action, int error,
                       uint64_t last_notif_id, ExecProcess **ret);
ExecProcess *exec_process_free(ExecProcess *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(ExecProcess *, exec_process_free);

const char *exec_report_to_string(ExecReport r);
