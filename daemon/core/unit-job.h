/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Jobs: what it means for a start, stop, restart or reload request to be over, and whether
 * it succeeded. A request is accepted by the state machine at once; the job is the client's
 * view of it, which lasts until the unit reaches the state the request aimed at or gives up
 * on the way. The control plane (bus/bus-job.c) keeps the pending method calls and asks
 * unit_job_check() after every state change of their unit.
 *
 * A job is tied to a cycle of the unit (Unit.start_seq grows by one with every start, manual
 * or automatic). unit_job_begin() is called right after the request was accepted and notes
 * the first cycle that counts: the current one, or the next one when a start is still due
 * (Unit.restart_requested: a restart, or a start while the unit is on its way down;
 * Unit.start_queued: a start that waits in the Manager's queue for units it is ordered
 * after).
 *
 * When a job ends:
 *   start, restart  once a cycle that counts reached active (running, exited) or reloading:
 *                   done. Type=simple is active once spawned, Type=exec once the execve
 *                   happened, Type=notify at READY=1, Type=oneshot once every ExecStart= ran.
 *                   A cycle that ends inactive: done if its result is success (a oneshot
 *                   without RemainAfterExit=), else failed with the unit's result. A cycle
 *                   that ends in auto-restart (Restart=): failed with that cycle's result;
 *                   the automatic restart goes on without the client. A due start that is
 *                   dropped before its cycle begins (the start limit, a unit that no longer
 *                   loads): failed with the unit's result; "dependency" (systemd's job
 *                   result) when the queue dropped it because a unit it requires and is
 *                   ordered after failed (Unit.dependency_failed); canceled when a unit
 *                   it requires was stopped meanwhile (Unit.start_canceled).
 *   stop            once the unit is dead or failed (every process of it is gone): done.
 *   reload          once the unit leaves the reload state: done if still active and the
 *                   reload's result (Unit.reload_result) is success, failed with that result
 *                   if active but the reload failed, failed with the unit's result if the
 *                   unit went down.
 * An explicit stop request cancels the start, restart and reload jobs pending on the unit
 * (bus/bus-job.c does that, as it sees the request); so does a cycle that a stop from
 * elsewhere (the daemon's shutdown, a run client that went away) ended: Unit.forbid_restart
 * says so. A unit unloaded under a job cancels it (a stop job is then done).
 */
#pragma once

#include <stdint.h>

#include "core/unit.h"

typedef enum UnitJobType {
        UNIT_JOB_START,
        UNIT_JOB_STOP,
        UNIT_JOB_RESTART,
        UNIT_JOB_RELOAD,
        _UNIT_JOB_TYPE_MAX,
        _UNIT_JOB_TYPE_INVALID = -EINVAL,
} UnitJobType;

/* As systemd's job results, of which these are the ones we produce. */
typedef enum UnitJobResult {
        UNIT_JOB_PENDING,   /* not over yet */
        UNIT_JOB_DONE,
        UNIT_JOB_FAILED,
        UNIT_JOB_CANCELED,
        UNIT_JOB_DEPENDENCY, /* dropped: a unit it requires and is ordered after failed */
        UNIT_JOB_ASSERT,    /* an Assert*= did not hold: the start did not happen */
        _UNIT_JOB_RESULT_MAX,
        _UNIT_JOB_RESULT_INVALID = -EINVAL,
} UnitJobResult;

typedef struct UnitJob {
        UnitJobType type;
        uint64_t first_seq; /* the first cycle (Unit.start_seq) that counts */
} UnitJob;

const char *unit_job_type_to_string(UnitJobType t);
int unit_job_type_from_string(const char *s);
const char *unit_job_result_to_string(UnitJobResult r);
int unit_job_result_from_string(const char *s);

/* Notes where the job of TYPE begins; call it right after the request was accepted. */
UnitJob unit_job_begin(const Unit *u, UnitJobType type);

/* Whether the job is over, and how. With a result other than pending, *ret_unit_result is
 * the result that explains it ("success", "exit-code", ... as service_result_to_string()). */
UnitJobResult unit_job_check(const Unit *u, const UnitJob *j, const char **ret_unit_result);
