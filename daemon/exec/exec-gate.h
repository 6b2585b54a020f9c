/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The execve gate: answering the seccomp notifications of a launched process (exec-spawn.h
 * starts it and says which fds to watch).
 *
 * The gate's state machine has a single bit, `launched`. The first notification that
 * comes from the child's pid, for the native execve, with the arguments the child passes,
 * while !launched, is answered with CONTINUE; `launched` is set only when the kernel
 * accepted that reply (on ENOENT the call was interrupted and will be re-issued as a new
 * notification). Every other notification is denied, with an errno or by SIGKILL followed
 * by an errno; it is never continued. Nothing the service runs can reach the gate before
 * `launched` is set, since the service's first instruction runs after that execve.
 * With a main phase (exec-phase.h), every notification that is not an execve/execveat is
 * the phase's, answered by exec_phase_handle(); a notify filter that routes only the
 * phase's calls starts out `launched` (there is no launch execve to let through).
 *
 * Requirements on the caller: the daemon is PR_SET_DUMPABLE 0 from start-up and every root
 * service launched with the gate loses CAP_SYS_PTRACE (plan.drop_cap_sys_ptrace), otherwise
 * it can take a listener from the daemon with pidfd_getfd and answer its own execve. The
 * listener must stay open for the service's life: once it is closed, execve fails with
 * ENOSYS (still denied) but the kill action is lost, and a policy that allows
 * seccomp(NEW_LISTENER) can be bypassed.
 *
 * With EXEC_GATE_REPORT (PolicyMode=complain) every such notification is continued instead,
 * and reported through the same callback as a would-be denial.
 *
 * Describing a denial (only done when a callback is given) reads the target's status and
 * comm, and the path from its /proc/<tid>/mem. A hostile service can make a memory read
 * wait forever (the path on a page of a FUSE file system it serves itself), so that read
 * runs in a detached thread and is waited for at most EXEC_DENIAL_READ_TIMEOUT_MS; while a
 * late reader is still blocked, denials carry no path (see exec_gate_readers_abandoned()),
 * and a service whose read was late once gets no path read again.
 */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec/exec-plan.h"
#include "exec/exec-spawn.h"

/* How many notifications one exec_gate_handle() call answers before it returns, so that
 * a service flooding execve cannot starve the rest of the event loop. */
#define EXEC_GATE_BATCH_MAX 16U
/* How much of a denied path is read for the log. */
#define EXEC_DENIAL_PATH_MAX 4096U
/* How long a denial waits for the path to be read from the caller's memory. */
#define EXEC_DENIAL_READ_TIMEOUT_MS 100

/* One denied execve/execveat, handed to the caller for logging and counting. The path is
 * read from the target's memory and is advisory (the call was not continued, so a race
 * there can only make the log line wrong). */
typedef struct ExecDenial {
        pid_t pid;            /* thread group of the caller, 0 if unknown */
        pid_t tid;            /* the calling thread, as the kernel reported it */
        char comm[17];
        char path[EXEC_DENIAL_PATH_MAX]; /* empty if it could not be read */
        const char *syscall;  /* "execve", "execveat", or "unknown" */
        int nr;
        uint32_t arch;
        ExecGateAction action;
        int error;            /* the errno the call failed with */
        bool killed;          /* the kill action hit the process */
} ExecDenial;

typedef void (*ExecDenialCallback)(const ExecDenial *d, void *userdata);

/* exec_gate_handle() return value when the listener hung up: no task uses the filter. */
#define EXEC_GATE_CLOSED 1

/* Answer pending notifications on the listener without blocking. Returns 0, or
 * EXEC_GATE_CLOSED when the listener hung up (the caller may then close it with
 * exec_process_close_listener()), or -errno. cb may be NULL. */
int exec_gate_handle(ExecProcess *p, ExecDenialCallback cb, void *userdata);

void exec_process_close_listener(ExecProcess *p);

/* How many notification ids past the last one recorded exec_gate_answer_orphans() tries. */
#define EXEC_GATE_ORPHAN_PROBE 64u
/* For a gate taken over from a daemon that died: answers, with the policy's errno, the
 * notifications that daemon received but did not answer (those the kernel still holds as
 * received, found by id after p->last_notif_id). Their callers would wait for good
 * otherwise. Returns how many were answered, or -errno. The denials carry no caller details
 * (the kernel gives them only once). */
int exec_gate_answer_orphans(ExecProcess *p, ExecDenialCallback cb, void *userdata);

/* Path readers that were too late and are still blocked in the target's memory (0 or 1). */
unsigned exec_gate_readers_abandoned(void);
