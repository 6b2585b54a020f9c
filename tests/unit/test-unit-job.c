/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * When a job is over (core/unit-job.h), as a table: a unit in a state, of a cycle, with a
 * result, and the job's type and first cycle -> the job's result and the unit result that
 * explains it. The unit is plain data here; nothing runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/unit-job.h"
#include "core/unit.h"

typedef struct JobRow {
        const char *what;
        UnitJobType type;
        uint64_t first_seq;
        ServiceState state;
        uint64_t start_seq;
        bool restart_requested;
        bool forbid_restart;
        ServiceResult result, reload_result;
        UnitJobResult expect;
        const char *expect_unit_result; /* NULL: not checked (pending) */
} JobRow;

static const JobRow rows[] = {
        /* start */
        { "start: activating", UNIT_JOB_START, 2, SERVICE_START, 2, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_PENDING, NULL },
        { "start: running", UNIT_JOB_START, 2, SERVICE_RUNNING, 2, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_DONE, "success" },
        { "start: exited (RemainAfterExit=)", UNIT_JOB_START, 2, SERVICE_EXITED, 2, false, false, SERVICE_SUCCESS, 0,
          UNIT_JOB_DONE, "success" },
        { "start: oneshot done, dead", UNIT_JOB_START, 2, SERVICE_DEAD, 2, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_DONE,
          "success" },
        { "start: failed on the way up", UNIT_JOB_START, 2, SERVICE_FAILED, 2, false, false, SERVICE_FAILURE_EXIT_CODE, 0,
          UNIT_JOB_FAILED, "exit-code" },
        { "start: going down after a failure", UNIT_JOB_START, 2, SERVICE_STOP_SIGTERM, 2, false, false,
          SERVICE_FAILURE_TIMEOUT, 0, UNIT_JOB_PENDING, NULL },
        { "start: Restart= took over", UNIT_JOB_START, 2, SERVICE_AUTO_RESTART, 2, false, false, SERVICE_FAILURE_SIGNAL, 0,
          UNIT_JOB_FAILED, "signal" },
        { "start: dead with a start due", UNIT_JOB_START, 2, SERVICE_DEAD, 2, true, false, SERVICE_SUCCESS, 0,
          UNIT_JOB_PENDING, NULL },
        { "start: stopped on request (shutdown)", UNIT_JOB_START, 2, SERVICE_DEAD, 2, false, true, SERVICE_SUCCESS, 0,
          UNIT_JOB_CANCELED, "success" },
        { "start: stopped on request, failing on the way", UNIT_JOB_START, 2, SERVICE_FAILED, 2, false, true,
          SERVICE_FAILURE_TIMEOUT, 0, UNIT_JOB_CANCELED, "timeout" },
        { "start: a later cycle is up", UNIT_JOB_START, 2, SERVICE_RUNNING, 3, false, false, SERVICE_SUCCESS, 0,
          UNIT_JOB_DONE, "success" },
        /* a start (or restart) whose cycle has not begun: the old cycle does not count */
        { "restart: old cycle still running", UNIT_JOB_RESTART, 3, SERVICE_RUNNING, 2, true, false, SERVICE_SUCCESS, 0,
          UNIT_JOB_PENDING, NULL },
        { "restart: old cycle stopping", UNIT_JOB_RESTART, 3, SERVICE_STOP_SIGTERM, 2, true, false, SERVICE_SUCCESS, 0,
          UNIT_JOB_PENDING, NULL },
        { "restart: old cycle dead, start due", UNIT_JOB_RESTART, 3, SERVICE_DEAD, 2, true, false, SERVICE_SUCCESS, 0,
          UNIT_JOB_PENDING, NULL },
        { "restart: start dropped by the start limit", UNIT_JOB_RESTART, 3, SERVICE_FAILED, 2, false, false,
          SERVICE_FAILURE_START_LIMIT_HIT, 0, UNIT_JOB_FAILED, "start-limit-hit" },
        { "restart: new cycle up", UNIT_JOB_RESTART, 3, SERVICE_RUNNING, 3, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_DONE,
          "success" },
        { "restart: new cycle failed", UNIT_JOB_RESTART, 3, SERVICE_FAILED, 3, false, false, SERVICE_FAILURE_PROTOCOL, 0,
          UNIT_JOB_FAILED, "protocol" },
        /* stop */
        { "stop: going down", UNIT_JOB_STOP, 3, SERVICE_STOP_SIGKILL, 2, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_PENDING,
          NULL },
        { "stop: stop-post", UNIT_JOB_STOP, 3, SERVICE_STOP_POST, 2, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_PENDING, NULL },
        { "stop: dead", UNIT_JOB_STOP, 3, SERVICE_DEAD, 2, false, false, SERVICE_SUCCESS, 0, UNIT_JOB_DONE, "success" },
        { "stop: failed is stopped too", UNIT_JOB_STOP, 3, SERVICE_FAILED, 2, false, false, SERVICE_FAILURE_TIMEOUT, 0,
          UNIT_JOB_DONE, "timeout" },
        /* reload */
        { "reload: reloading", UNIT_JOB_RELOAD, 2, SERVICE_RELOAD, 2, false, false, SERVICE_SUCCESS, SERVICE_SUCCESS,
          UNIT_JOB_PENDING, NULL },
        { "reload: done", UNIT_JOB_RELOAD, 2, SERVICE_RUNNING, 2, false, false, SERVICE_SUCCESS, SERVICE_SUCCESS,
          UNIT_JOB_DONE, "success" },
        { "reload: ExecReload= failed", UNIT_JOB_RELOAD, 2, SERVICE_RUNNING, 2, false, false, SERVICE_SUCCESS,
          SERVICE_FAILURE_EXIT_CODE, UNIT_JOB_FAILED, "exit-code" },
        { "reload: timed out", UNIT_JOB_RELOAD, 2, SERVICE_RUNNING, 2, false, false, SERVICE_SUCCESS,
          SERVICE_FAILURE_TIMEOUT, UNIT_JOB_FAILED, "timeout" },
        { "reload: the unit is going down", UNIT_JOB_RELOAD, 2, SERVICE_STOP_SIGTERM, 2, false, false,
          SERVICE_FAILURE_SIGNAL, SERVICE_SUCCESS, UNIT_JOB_PENDING, NULL },
        { "reload: the unit went down failed", UNIT_JOB_RELOAD, 2, SERVICE_FAILED, 2, false, false, SERVICE_FAILURE_SIGNAL,
          SERVICE_SUCCESS, UNIT_JOB_FAILED, "signal" },
        /* As systemd's: the main process exited cleanly on its reload signal. */
        { "reload: the unit went down cleanly", UNIT_JOB_RELOAD, 2, SERVICE_DEAD, 2, false, false, SERVICE_SUCCESS,
          SERVICE_SUCCESS, UNIT_JOB_DONE, "success" },
};

static void test_rows(void **state) {
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                const JobRow *r = &rows[i];
                Unit u = {
                        .state = r->state,
                        .start_seq = r->start_seq,
                        .restart_requested = r->restart_requested,
                        .forbid_restart = r->forbid_restart,
                        .result = r->result,
                        .reload_result = r->reload_result,
                };
                UnitJob j = { .type = r->type, .first_seq = r->first_seq };
                const char *unit_result = NULL;
                UnitJobResult got = unit_job_check(&u, &j, &unit_result);

                print_message("%s\n", r->what);
                assert_int_equal(got, r->expect);
                if (r->expect_unit_result)
                        assert_string_equal(unit_result, r->expect_unit_result);
        }
}

/* The cycle that counts: the current one, or the next when a start is due. */
static void test_begin(void **state) {
        Unit u = { .state = SERVICE_RUNNING, .start_seq = 7 };

        assert_int_equal(unit_job_begin(&u, UNIT_JOB_START).first_seq, 7);
        u.restart_requested = true;
        assert_int_equal(unit_job_begin(&u, UNIT_JOB_RESTART).first_seq, 8);
        assert_int_equal(unit_job_begin(&u, UNIT_JOB_RESTART).type, UNIT_JOB_RESTART);
}

/* A start queued behind the units it is ordered after: due until the queue starts or drops
 * it; dropped for a failed requirement, the job's result is "dependency". */
static void test_queued(void **state) {
        Unit u = { .state = SERVICE_DEAD, .start_seq = 4, .start_queued = true };
        UnitJob j = unit_job_begin(&u, UNIT_JOB_START);
        const char *unit_result = NULL;

        assert_int_equal(j.first_seq, 5);
        assert_int_equal(unit_job_check(&u, &j, &unit_result), UNIT_JOB_PENDING);
        u.start_queued = false;
        u.dependency_failed = true;
        assert_int_equal(unit_job_check(&u, &j, &unit_result), UNIT_JOB_DEPENDENCY);
        assert_string_equal(unit_result, "success");
        assert_string_equal(unit_job_result_to_string(UNIT_JOB_DEPENDENCY), "dependency");
        u.dependency_failed = false;
        assert_int_equal(unit_job_check(&u, &j, &unit_result), UNIT_JOB_FAILED);
        u.start_canceled = true;
        assert_int_equal(unit_job_check(&u, &j, &unit_result), UNIT_JOB_CANCELED);
        u.start_canceled = false;
        u.start_seq = 9;
        u.state = SERVICE_RUNNING;
        assert_int_equal(unit_job_check(&u, &j, &unit_result), UNIT_JOB_DONE);
}

static void test_strings(void **state) {
        for (int t = 0; t < _UNIT_JOB_TYPE_MAX; t++)
                assert_int_equal(unit_job_type_from_string(unit_job_type_to_string(t)), t);
        for (int r = 0; r < _UNIT_JOB_RESULT_MAX; r++)
                assert_int_equal(unit_job_result_from_string(unit_job_result_to_string(r)), r);
        assert_string_equal(unit_job_result_to_string(UNIT_JOB_CANCELED), "canceled");
        assert_int_equal(unit_job_type_from_string("frobnicate"), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rows),
                cmocka_unit_test(test_begin),
                cmocka_unit_test(test_queued),
                cmocka_unit_test(test_strings),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
