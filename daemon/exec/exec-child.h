/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The child side of a launch: everything that runs between clone and execve. See
 * exec-child.c for the order of the steps and why; exec-stage.h for the exit codes;
 * exec-spawn.c for how the child is created and why it shares the daemon's memory.
 */
#pragma once

#include <linux/sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec/exec-plan.h"
#include "exec/exec-stage.h"
#include "macro.h"

/* Messages on the launch socket (SOCK_SEQPACKET, one message per packet), child to
 * parent. LISTENER carries the gate's listener fd as SCM_RIGHTS; FAILURE carries the stage
 * and errno of a failed launch. EOF without FAILURE means the child exec'd (or died).
 * USERNS (PrivateUsers=) says the child has entered its new user namespace and waits for
 * its maps: the parent writes them and answers with one byte, 0 or the errno (1..255) that
 * writing them failed with; the only message that goes from parent to child. */
typedef enum ExecMessageType {
        EXEC_MESSAGE_LISTENER = 1,
        EXEC_MESSAGE_FAILURE = 2,
        EXEC_MESSAGE_USERNS = 3,
} ExecMessageType;

typedef struct ExecMessage {
        uint32_t type;
        int32_t stage;
        int32_t error;
} ExecMessage;

/* Everything the child reads, prepared by the parent before the clone. It lives in memory
 * the parent neither changes nor frees until the child has exec'd or exited (exec-spawn.c),
 * since the child may share the parent's address space. */
typedef struct ExecChildArgs {
        const ExecPlan *plan;
        int socket_fd;     /* the child's end of the launch socket, close-on-exec */
        pid_t parent;      /* the daemon's pid, to detect its death after PR_SET_PDEATHSIG */
        bool no_new_privs; /* from exec_plan_want_nnp() */
        bool baseline_early; /* from exec_plan_baseline_early() */
        bool join_cgroup;  /* the spawn could not use CLONE_INTO_CGROUP: write cgroup.procs */
        uint8_t exit_code[_EXEC_STAGE_MAX]; /* exec_stage_exit_code(), looked up beforehand */
} ExecChildArgs;

/* Run the launch in the new child. Never returns: it execs or exits with the stage's exit
 * code. Makes raw system calls only: no libc function, so no allocation, no errno, no lazy
 * symbol binding (tests/lint/check-child-symbols.sh holds this file to that). */
_noreturn_ void exec_child_run(const ExecChildArgs *args);

/* clone3(args) whose child starts on args->stack (which must be set, 16-byte aligned at its
 * top) in exec_child_run(child). In the parent: the pid, or -errno (errno is not touched).
 * The caller must have blocked all signals. */
long exec_child_clone3(struct clone_args *args, size_t size, const ExecChildArgs *child);
