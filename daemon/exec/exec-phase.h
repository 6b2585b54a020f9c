/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The main phase at run time (lib/policy-phase.h says what the phases are). The exec gate's
 * listener receives, besides execve/execveat, the calls of the phase:
 *
 *  - after-loader: the phase marker (lib/phase-marker.h), the getpid() that syscage's
 *    preloaded object makes once it has loaded the main filter. The gate checks that the
 *    caller's Seccomp_filters (/proc/TID/status) counts the main filter's programs on top of
 *    those the launch loaded; when it does, the call is continued and the phase is in
 *    force; when it does not, the process is killed (failed). The daemon also kills the
 *    service when no marker came within a bound after the launch (exec_phase_expired()).
 *  - after-ready: every call the start-up policy allows and the main one refuses. Until
 *    READY=1 (exec_phase_set_main()) each is continued; after it each is refused with the
 *    main policy's action: an errno, or SIGKILL to the process and an errno. Only the
 *    syscall number is read, never the caller's memory.
 *
 * The launch itself makes one routed call before the daemon holds the listener: the child's
 * sendmsg() that hands it over. It passes the daemon's key in sendmsg's unused args 3..5,
 * and the notify filter lets exactly that through (filter_compile_phase_notify()).
 */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>

#include "exec/exec-gate.h"
#include "exec/exec-spawn.h"
#include "policy-phase.h"

typedef struct ExecPhase {
        PhaseStart start;
        unsigned filters_expected; /* after-loader: Seccomp_filters at the marker, at least */
        bool main;                 /* the main phase is in force */
        bool failed;               /* it should be and is not: the process was killed */
        bool reported;             /* the caller has reported the failure */
        bool execed;               /* the caller saw the launch execve succeed */
        size_t n_calls;
        PolicyPhaseCall calls[];   /* after-ready, sorted by nr */
} ExecPhase;

/* A phase for PLAN (NULL in *RET when the plan has none). */
int exec_phase_new(const ExecPlan *plan, ExecPhase **ret);

/* Whether notification N belongs to the phase rather than to the exec gate. */
bool exec_phase_owns(const ExecProcess *p, const struct seccomp_notif *n);

/* Answers N. Returns 0, or -errno when the answer could not be sent. Denials go to CB like
 * the gate's. */
int exec_phase_handle(ExecProcess *p, const struct seccomp_notif *n, ExecDenialCallback cb,
                      void *userdata);

/* Whether the gate should return to the event loop after each notification: after-ready
 * before READY=1, so that a READY=1 datagram the service sent before its next call is read
 * (the caller watches the notify socket at a higher priority) before that call is answered. */
bool exec_phase_one_at_a_time(const ExecProcess *p);

/* READY=1: from now on the routed calls are refused. */
void exec_phase_set_main(ExecProcess *p);

/* The marker did not come in time: kills the process (its pidfd) unless the phase is in
 * force. Returns true when it killed. */
bool exec_phase_expired(ExecProcess *p);

/* Seccomp_filters of TID, or -errno. */
int exec_phase_read_filters(pid_t tid);
