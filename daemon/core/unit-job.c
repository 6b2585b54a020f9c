/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * When a job is over (see unit-job.h for the rules in words). Pure: it reads the unit and
 * changes nothing, so it may be asked from the Manager's on_unit_changed hook.
 */
#include "core/unit-job.h"
#include "string-table.h"

DEFINE_STRING_TABLE(unit_job_type, UnitJobType, _UNIT_JOB_TYPE_MAX,
        [UNIT_JOB_START] = "start",
        [UNIT_JOB_STOP] = "stop",
        [UNIT_JOB_RESTART] = "restart",
        [UNIT_JOB_RELOAD] = "reload")

DEFINE_STRING_TABLE(unit_job_result, UnitJobResult, _UNIT_JOB_RESULT_MAX,
        [UNIT_JOB_PENDING] = "pending",
        [UNIT_JOB_DONE] = "done",
        [UNIT_JOB_FAILED] = "failed",
        [UNIT_JOB_CANCELED] = "canceled",
        [UNIT_JOB_DEPENDENCY] = "dependency",
        [UNIT_JOB_ASSERT] = "assert")

UnitJob unit_job_begin(const Unit *u, UnitJobType type) {
        /* A start still due (a restart, or a start queued behind the units it is ordered
         * after) belongs to the next cycle; otherwise the current one (just begun by the
         * request, or already under way or up) is the job's. */
        return (UnitJob) {
                .type = type,
                .first_seq = u->start_seq + (u->restart_requested || u->start_queued ? 1 : 0),
        };
}

static UnitJobResult ended(ServiceResult r, const char **ret_unit_result) {
        *ret_unit_result = service_result_to_string(r);
        return r == SERVICE_SUCCESS ? UNIT_JOB_DONE : UNIT_JOB_FAILED;
}

static UnitJobResult check_start(const Unit *u, const UnitJob *j, const char **ret_unit_result) {
        UnitActiveState a = unit_active_state(u);

        if (u->start_seq < j->first_seq) {
                /* The cycle that counts has not begun. While the unit is on its way down, or
                 * waits in auto-restart or in the start queue, the start is still due; once
                 * it is inactive with nothing due, the start was dropped (start limit, load
                 * failure, a required unit it is ordered after failed). */
                if (service_state_is_inactive(u->state) && !u->restart_requested && !u->start_queued) {
                        *ret_unit_result = service_result_to_string(u->result);
                        return u->start_canceled      ? UNIT_JOB_CANCELED
                               : u->dependency_failed ? UNIT_JOB_DEPENDENCY
                                                      : UNIT_JOB_FAILED;
                }
                return UNIT_JOB_PENDING;
        }
        if (u->skipped_seq != 0 && u->skipped_seq == u->start_seq && service_state_is_inactive(u->state)) {
                /* A condition skipped the start: done, as systemd's job; an assert failed
                 * it. Either way the unit did not change. */
                *ret_unit_result = service_result_to_string(SERVICE_SUCCESS);
                return u->condition_result && !u->assert_result ? UNIT_JOB_ASSERT : UNIT_JOB_DONE;
        }
        if (a == UNIT_ACTIVE || a == UNIT_RELOADING) {
                *ret_unit_result = service_result_to_string(SERVICE_SUCCESS);
                return UNIT_JOB_DONE;
        }
        if (u->state == SERVICE_AUTO_RESTART) {
                /* Restart= took over after a failure: this start failed, the next is the
                 * daemon's own. (auto-restart after a success cannot happen on the way up.) */
                *ret_unit_result = service_result_to_string(u->result);
                return u->result == SERVICE_SUCCESS ? UNIT_JOB_DONE : UNIT_JOB_FAILED;
        }
        /* Inactive with a start due: the unit is started again in this very call. */
        if (service_state_is_inactive(u->state) && !u->restart_requested) {
                if (u->forbid_restart) {
                        /* A stop request took it down (a client's, the daemon's shutdown, a
                         * run client that went away): the start did not end, it was ended. */
                        *ret_unit_result = service_result_to_string(u->result);
                        return UNIT_JOB_CANCELED;
                }
                return ended(u->result, ret_unit_result);
        }
        return UNIT_JOB_PENDING;
}

static UnitJobResult check_reload(const Unit *u, const char **ret_unit_result) {
        UnitActiveState a = unit_active_state(u);

        if (u->state == SERVICE_RELOAD)
                return UNIT_JOB_PENDING;
        if (a == UNIT_ACTIVE)
                return ended(u->reload_result, ret_unit_result);
        if (a == UNIT_DEACTIVATING)
                return UNIT_JOB_PENDING; /* decided once it is down */
        /* The unit went down while reloading (or was never up: the request was refused). As
         * systemd's: a unit that went down cleanly ends the reload job done (a daemon that
         * exits on its reload signal, as prometheus-node-exporter on SIGHUP), a failed one
         * failed. */
        *ret_unit_result = service_result_to_string(u->result == SERVICE_SUCCESS ? u->reload_result : u->result);
        if (a == UNIT_INACTIVE && u->result == SERVICE_SUCCESS && u->reload_result == SERVICE_SUCCESS)
                return UNIT_JOB_DONE;
        return UNIT_JOB_FAILED;
}

UnitJobResult unit_job_check(const Unit *u, const UnitJob *j, const char **ret_unit_result) {
        switch (j->type) {
        case UNIT_JOB_START:
        case UNIT_JOB_RESTART:
                return check_start(u, j, ret_unit_result);
        case UNIT_JOB_STOP:
                if (!service_state_is_inactive(u->state))
                        return UNIT_JOB_PENDING;
                *ret_unit_result = service_result_to_string(u->result);
                return UNIT_JOB_DONE;
        case UNIT_JOB_RELOAD:
                return check_reload(u, ret_unit_result);
        default:
                *ret_unit_result = "resources";
                return UNIT_JOB_FAILED;
        }
}
