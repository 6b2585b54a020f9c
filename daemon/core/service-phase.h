/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The main phase of a unit (lib/policy-phase.h): built and compiled when the unit loads, put
 * into the main process's launch, and watched until it is in force.
 *
 *  - load: the main policy is built from [X-Syscage]; after-loader on a static executable is
 *    refused (MainPhaseStarts= FILE:LINE); the main filter is compiled into a sealed memfd
 *    and the notify filter with the phase's routes (filter_compile_phase_notify()).
 *  - start (the ExecStart= process only): after-loader refuses a setuid, setgid or
 *    file-capability executable (the loader ignores LD_PRELOAD for it) and a missing
 *    syscage-preload.so (next to syscaged), each with a clear message; it adds the object to
 *    LD_PRELOAD (after what the unit has there), SYSCAGE_PHASE=FD, and the memfd at FD.
 *  - run: after-loader must announce itself within SERVICE_PHASE_MARKER_TIMEOUT_USEC of the
 *    launch, with the filter in its chain; otherwise the service is killed with the status
 *    "main-phase filter not installed". after-ready switches at READY=1.
 */
#pragma once

#include <stdbool.h>

#include "core/unit.h"
#include "exec/exec-plan.h"
#include "filter.h"
#include "policy-phase.h"

/* How long after the launch the after-loader marker may take: the dynamic loader and libc
 * start-up of a large program on a loaded machine, with margin. */
#define SERVICE_PHASE_MARKER_TIMEOUT_USEC (10ULL * 1000ULL * 1000ULL)
/* Where the main filter's memfd is placed in the service (LISTEN_FDS are not supported). */
#define SERVICE_PHASE_FD 3
#define SERVICE_PHASE_PRELOAD_NAME "syscage-preload.so"
/* Where syscage-preload.so is: next to syscaged (a build tree), else SYSCAGE_PKGLIB_DIR. */
int service_phase_preload_path(const Manager *m, char **ret);
#define SERVICE_PHASE_NOT_INSTALLED "main-phase filter not installed"

typedef struct UnitPhase {
        PolicyPhase *phase;
        FilterSet *notify; /* the notify filter with the phase's routes */
        FilterSet *main;   /* after-loader: the main filter the preload loads */
        int main_memfd;    /* after-loader: MAIN serialised, sealed; -EBADF otherwise */
} UnitPhase;

UnitPhase *unit_phase_free(UnitPhase *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(UnitPhase *, unit_phase_free);

/* At load, after the policy: builds U's phase into u->phase (NULL without one). Returns
 * -EINVAL with located errors in u->load_diags when the unit cannot have it. */
int service_phase_load(Unit *u);

/* For the main process's plan: the routes, the memfd and the environment. *FD receives a
 * descriptor the caller closes after the spawn. -errno with *RET_MESSAGE when the start must
 * be refused. ENVP is the launch's environment; it may be replaced. */
int service_phase_prepare(Unit *u, ExecPlan *plan, char ***envp, int *fd, char **ret_message);

/* The main process exec'd: starts the marker's deadline (after-loader). */
void service_phase_on_execed(UnitProcess *p);
/* The main process exited. An after-loader one whose phase never came in force (it exited
 * before its deadline, having run without the main filter) counts as killed by SIGKILL, and
 * is reported as SERVICE_PHASE_NOT_INSTALLED: never a success. */
void service_phase_on_exit(UnitProcess *p, int *code, int *status);
/* After the gate answered notifications: reports a phase that failed. */
void service_phase_check(UnitProcess *p);
/* READY=1 of the main process: after-ready's main phase begins. */
void service_phase_on_ready(Unit *u);
