/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of the units' descendants (sys/proc-events.h), fed by hand as the process
 * connector would feed it: children of tracked processes are tracked, threads are not,
 * exits are remembered for a while, a reused pid is not mistaken for the old process, and
 * the table is bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sys/proc-events.h"

static void test_descendants(void **state) {
        _cleanup_(proc_events_freep) ProcEvents *p = NULL;

        assert_int_equal(proc_events_new(&p), 0);
        assert_false(proc_events_listening(p));
        assert_int_equal(proc_events_track(p, 100, "a.service"), 0);
        /* A child and a grandchild, made before and after the parent exits. */
        proc_events_on_fork(p, 100, 101, 101);
        proc_events_on_fork(p, 101, 102, 102);
        proc_events_on_exit(p, 101, 101);
        proc_events_on_fork(p, 102, 103, 103);
        assert_string_equal(proc_events_owner(p, 101), "a.service"); /* exited, still known */
        assert_string_equal(proc_events_owner(p, 102), "a.service");
        assert_string_equal(proc_events_owner(p, 103), "a.service");
        /* A thread is no new process; a child of a stranger is nobody's. */
        proc_events_on_fork(p, 100, 110, 100);
        assert_null(proc_events_owner(p, 110));
        proc_events_on_fork(p, 1, 200, 200);
        assert_null(proc_events_owner(p, 200));
        /* An exited process's pid given to a stranger's child: no longer the unit's. */
        proc_events_on_fork(p, 1, 101, 101);
        assert_null(proc_events_owner(p, 101));
        /* A child of an exited process (its exit event came first) is not followed. */
        proc_events_on_exit(p, 103, 103);
        proc_events_on_fork(p, 103, 104, 104);
        assert_null(proc_events_owner(p, 104));
        /* A process the daemon tracked by hand keeps its owner when its own fork event (from
         * the daemon, untracked) is read afterwards. */
        assert_int_equal(proc_events_track(p, 300, "b.service"), 0);
        proc_events_on_fork(p, 1, 300, 300);
        assert_string_equal(proc_events_owner(p, 300), "b.service");
        proc_events_forget_owner(p, "a.service");
        assert_null(proc_events_owner(p, 100));
        assert_null(proc_events_owner(p, 102));
        assert_string_equal(proc_events_owner(p, 300), "b.service");
        assert_int_equal(proc_events_size(p), 1);
}

static void test_exited_bounded(void **state) {
        _cleanup_(proc_events_freep) ProcEvents *p = NULL;

        assert_int_equal(proc_events_new(&p), 0);
        assert_int_equal(proc_events_track(p, 10, "a.service"), 0);
        for (pid_t pid = 1000; pid < 1000 + (pid_t) PROC_EVENTS_EXITED_KEPT + 10; pid++) {
                proc_events_on_fork(p, 10, pid, pid);
                proc_events_on_exit(p, pid, pid);
        }
        /* The oldest exits are forgotten, the latest kept. */
        assert_null(proc_events_owner(p, 1000));
        assert_null(proc_events_owner(p, 1009));
        assert_string_equal(proc_events_owner(p, 1010), "a.service");
        assert_string_equal(proc_events_owner(p, 1000 + (pid_t) PROC_EVENTS_EXITED_KEPT + 9), "a.service");
        assert_int_equal(proc_events_size(p), PROC_EVENTS_EXITED_KEPT + 1);
        assert_int_equal(proc_events_lost(p), 0);
}

static void test_full(void **state) {
        _cleanup_(proc_events_freep) ProcEvents *p = NULL;

        assert_int_equal(proc_events_new(&p), 0);
        assert_int_equal(proc_events_track(p, 1, "a.service"), 0);
        for (pid_t pid = 2; pid < 2 + (pid_t) PROC_EVENTS_TRACKED_MAX + 5; pid++)
                proc_events_on_fork(p, 1, pid, pid);
        assert_int_equal(proc_events_size(p), PROC_EVENTS_TRACKED_MAX);
        assert_int_equal(proc_events_lost(p), 6);
        assert_int_equal(proc_events_track(p, -1, "a.service"), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_descendants),
                cmocka_unit_test(test_exited_bounded),
                cmocka_unit_test(test_full),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
