/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The child side of a launch: everything that runs between fork and execve. See
 * exec-child.c for the order of the steps and why; exec-stage.h for the exit codes.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec/exec-plan.h"
#include "exec/exec-stage.h"
#include "macro.h"

/* Messages on the launch socket (SOCK_SEQPACKET, one message per packet), child to
 * parent. LISTENER carries the gate's listener fd as SCM_RIGHTS; FAILURE carries the stage
 * and errno of a failed launch. EOF without FAILURE means the child exec'd (or died). */
typedef enum ExecMessageType {
        EXEC_MESSAGE_LISTENER = 1,
        EXEC_MESSAGE_FAILURE = 2,
} ExecMessageType;

typedef struct ExecMessage {
        uint32_t type;
        int32_t stage;
        int32_t error;
} ExecMessage;

/* What the parent decided for this child besides the plan. */
typedef struct ExecChildArgs {
        int socket_fd;     /* the child's end of the launch socket, close-on-exec */
        pid_t parent;      /* the daemon's pid, to detect its death after PR_SET_PDEATHSIG */
        bool no_new_privs; /* from exec_plan_want_nnp() */
        bool join_cgroup;  /* the spawn could not use CLONE_INTO_CGROUP: write cgroup.procs */
} ExecChildArgs;

/* Run the launch in the freshly forked child. Never returns: it execs or _exit()s with the
 * stage's exit code. Only async-signal-safe calls; no allocation. */
_noreturn_ void exec_child_run(const ExecPlan *plan, const ExecChildArgs *args);
