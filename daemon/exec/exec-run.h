/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A blocking launch-and-wait built on the non-blocking parts in exec-gate.h, for tests,
 * benchmarks and one-shot tools. The daemon itself drives those parts from its event loop.
 */
#pragma once

#include <stdbool.h>

#include "exec/exec-gate.h"

typedef struct ExecResult {
        ExecReport report;  /* how the launch ended: EXECED, FAILED or DIED */
        ExecStage stage;    /* with FAILED */
        int error;          /* with FAILED */
        int code;           /* from waitid: CLD_EXITED, CLD_KILLED, CLD_DUMPED */
        int status;         /* exit status or signal */
        pid_t pid;
        unsigned n_denied;  /* execve attempts the gate denied */
} ExecResult;

/* Spawn plan, answer the gate, read the report, and reap the child. Returns once the child
 * has exited (its descendants may live on; pending notifications from them are failed
 * with ENOSYS when the listener is closed on return). */
int exec_run_and_wait(const ExecPlan *plan, ExecDenialCallback cb, void *userdata,
                      ExecResult *ret);

/* The same for a process already spawned; the caller keeps ownership of p. */
int exec_process_wait(ExecProcess *p, ExecDenialCallback cb, void *userdata, ExecResult *ret);
