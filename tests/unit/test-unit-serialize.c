/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's durable state (core/unit-serialize.c) without processes: what one daemon writes,
 * the next reads back field for field; a file for another unit, a bad state or a process
 * entry the holder has no gate for is refused whole; a unit that is dead with nothing left
 * has no file; a transient unit comes back from its file alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/manager-units.h"
#include "core/manager.h"
#include "core/unit-serialize.h"
#include "core/unit.h"
#include "state-file.h"
#include "unit-config.h"
#include "unit-file.h"

typedef struct Fixture {
        Manager manager;
        char dir[64];
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        assert_non_null(f);
        snprintf(f->dir, sizeof f->dir, "/tmp/test-unit-serialize-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        f->manager.runtime_dir = f->dir;
        f->manager.state_files_fd = -EBADF;
        f->manager.units = hashmap_new();
        f->manager.filters = hashmap_new();
        assert_non_null(f->manager.units);
        assert_non_null(f->manager.filters);
        assert_int_equal(policy_store_new(&f->manager.policies), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        char cmd[128];
        manager_units_release(&f->manager); /* frees the units in the table, the stores */
        if (f->manager.state_files_fd >= 0)
                close(f->manager.state_files_fd);
        hashmap_free(f->manager.units);
        snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

static Unit *new_unit(Fixture *f, const char *name) {
        UnitFile *file = NULL;
        Unit *u = NULL;
        assert_int_equal(unit_new(&f->manager, name, &u), 0);
        assert_int_equal(unit_file_load_string(name, name, "[Service]\nExecStart=/bin/true\n", NULL, &file), 0);
        u->file = file;
        assert_int_equal(unit_config_parse(file, NULL, &u->config), 0);
        u->load_state = UNIT_LOADED;
        return u;
}

static int read_state(Fixture *f, const char *name, StateFile *ret) {
        char path[128], file[300];
        snprintf(path, sizeof path, "%s/" UNIT_STATE_DIR, f->dir);
        int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return -errno;
        snprintf(file, sizeof file, "%s.state", name);
        int r = state_file_read_at(dir, file, ret, NULL);
        close(dir);
        return r;
}

/* A failed unit that restarted twice: every field the state machine keeps comes back. */
static void test_round_trip(void **state) {
        Fixture *f = *state;
        Unit *a = new_unit(f, "a.service");
        a->state = SERVICE_FAILED;
        a->result = SERVICE_FAILURE_EXIT_CODE;
        a->reload_result = SERVICE_FAILURE_TIMEOUT;
        snprintf(a->invocation_id, sizeof a->invocation_id, "0123456789abcdef0123456789abcdef");
        a->n_restarts = 2;
        a->start_limit_begin = 123456789;
        a->start_limit_count = 3;
        a->last_start_monotonic = 987654321;
        a->start_seq = 42;
        a->forbid_restart = true;
        a->main_execed = true;
        a->active_enter_timestamp = 1111;
        a->active_exit_timestamp = 2222;
        a->inactive_enter_timestamp = 3333;
        a->exec_main_start_timestamp = 4444;
        a->exec_main_exit_timestamp = 5555;
        a->main_pid = 31337;
        a->main_pid_known = true;
        a->exec_main_code = 1; /* CLD_EXITED */
        a->exec_main_status = 7;
        a->command_index = 1;
        assert_int_equal(unit_set_status_text(a, "line one\nline two\ttab \\ backslash"), 0);
        unit_serialize(a);

        StateFile s = {};
        assert_int_equal(read_state(f, "a.service", &s), 0);
        Unit *b = new_unit(f, "a.service");
        _cleanup_free_ char *msg = NULL;
        assert_int_equal(unit_deserialize(b, &s, NULL, &msg), 0);
        state_file_done(&s);
        assert_int_equal(b->state, SERVICE_FAILED);
        assert_int_equal(b->result, SERVICE_FAILURE_EXIT_CODE);
        assert_int_equal(b->reload_result, SERVICE_FAILURE_TIMEOUT);
        assert_string_equal(b->invocation_id, a->invocation_id);
        assert_int_equal(b->n_restarts, 2);
        assert_int_equal(b->start_limit_begin, 123456789);
        assert_int_equal(b->start_limit_count, 3);
        assert_int_equal(b->last_start_monotonic, 987654321);
        assert_int_equal(b->start_seq, 42);
        assert_true(b->forbid_restart);
        assert_true(b->main_execed);
        assert_int_equal(b->active_enter_timestamp, 1111);
        assert_int_equal(b->active_exit_timestamp, 2222);
        assert_int_equal(b->inactive_enter_timestamp, 3333);
        assert_int_equal(b->exec_main_start_timestamp, 4444);
        assert_int_equal(b->exec_main_exit_timestamp, 5555);
        assert_int_equal(b->main_pid, 31337);
        assert_true(b->main_pid_known);
        assert_int_equal(b->exec_main_status, 7);
        assert_int_equal(b->command_index, 1);
        assert_string_equal(b->status_text, a->status_text); /* newlines became spaces */
        assert_non_null(strstr(b->status_text, "\ttab \\ backslash"));
        assert_int_equal(b->n_procs, 0);
        unit_free(a);
        unit_free(b);
}

/* Denial counters come along, even for a unit with nothing else to keep; the records do not. */
static void test_denial_counters(void **state) {
        Fixture *f = *state;
        Unit *a = new_unit(f, "d.service");
        assert_int_equal(unit_restore_denial_counter(a, "uname", 3, 0), 0);
        assert_int_equal(unit_restore_denial_counter(a, "execve", 1, 0), 0);
        assert_int_equal(unit_restore_denial_counter(a, "getpid", 0, 5), 0);
        a->n_denials_total = 4;
        a->n_logged_total = 5;
        unit_serialize(a);

        StateFile s = {};
        assert_int_equal(read_state(f, "d.service", &s), 0);
        Unit *b = new_unit(f, "d.service");
        _cleanup_free_ char *msg = NULL, *denied = NULL, *logged = NULL;
        assert_int_equal(unit_deserialize(b, &s, NULL, &msg), 0);
        state_file_done(&s);
        assert_int_equal(b->n_denials_total, 4);
        assert_int_equal(b->n_logged_total, 5);
        assert_int_equal(unit_format_denied_syscalls(b, &denied), 0);
        assert_string_equal(denied, "uname:3,execve:1");
        assert_int_equal(unit_format_logged_syscalls(b, &logged), 0);
        assert_string_equal(logged, "getpid:5");
        assert_null(unit_last_denial(b));
        assert_int_equal(unit_n_denial_records(b), 0);
        unit_free(a);
        unit_free(b);
}

/* Dead, successful and with nothing left: no file (and an old one goes). */
static void test_nothing_to_keep(void **state) {
        Fixture *f = *state;
        Unit *a = new_unit(f, "b.service");
        a->state = SERVICE_FAILED;
        a->result = SERVICE_FAILURE_SIGNAL;
        unit_serialize(a);
        StateFile s = {};
        assert_int_equal(read_state(f, "b.service", &s), 0);
        state_file_done(&s);
        a->state = SERVICE_DEAD;
        a->result = SERVICE_SUCCESS;
        unit_serialize(a);
        assert_int_equal(read_state(f, "b.service", &s), -ENOENT);
        unit_free(a);
}

/* Refused whole: a file for another unit, an unknown state, a process whose gate the holder
 * does not have, a malformed process entry. */
static void test_refused(void **state) {
        static const char *const cases[][2] = {
                { "unit", "other.service" },
                { "state", "flying" },
                { "proc", "4242 99 main gate:0123:4242 0" },
                { "proc", "4242 99 main" },
                { "proc", "4242 99 sideways - 0" },
        };
        Fixture *f = *state;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                StateFile s = {};
                assert_int_equal(state_file_add(&s, "unit", streq(cases[i][0], "unit") ? cases[i][1] : "c.service"), 0);
                assert_int_equal(state_file_add(&s, "state", streq(cases[i][0], "state") ? cases[i][1] : "running"), 0);
                assert_int_equal(state_file_add(&s, "result", "success"), 0);
                assert_int_equal(state_file_add(&s, "reload_result", "success"), 0);
                if (streq(cases[i][0], "proc"))
                        assert_int_equal(state_file_add(&s, "proc", cases[i][1]), 0);
                Unit *u = new_unit(f, "c.service");
                _cleanup_free_ char *msg = NULL;
                int r = unit_deserialize(u, &s, NULL, &msg);
                assert_true(r < 0);
                unit_deserialize_undo(u);
                assert_int_equal(u->n_procs, 0);
                assert_false(u->holds_activity);
                state_file_done(&s);
                unit_free(u);
        }
}

/* A transient unit exists only in its state file: its assignments bring it back, with a
 * value holding tabs and newlines intact and nothing else added. */
static void test_transient(void **state) {
        Fixture *f = *state;
        Unit *a = new_unit(f, "run-u7.service");
        unit_file_free(a->file);
        a->file = NULL;
        assert_int_equal(unit_file_load_string("run-u7.service", UNIT_TRANSIENT_FILE, "", NULL, &a->file), 0);
        free(a->file->fragment);
        a->file->fragment = strdup(UNIT_TRANSIENT_FILE);
        assert_int_equal(unit_file_add(a->file, "Service", "ExecStart", "/bin/echo a\tb", "(command line)", 1), 0);
        assert_int_equal(unit_file_add(a->file, "Unit", "Description", "x\ty\tz", "-p", 1), 0);
        assert_true(unit_is_transient(a));
        a->state = SERVICE_RUNNING;
        unit_serialize(a);

        StateFile s = {};
        assert_int_equal(read_state(f, "run-u7.service", &s), 0);
        Unit *b = NULL;
        _cleanup_free_ char *msg = NULL;
        assert_int_equal(unit_deserialize_transient(&f->manager, "run-u7.service", &s, &b, &msg), 0);
        assert_true(unit_is_transient(b));
        assert_int_equal(b->file->n_assignments, 2);
        assert_string_equal(b->file->assignments[0].value, "/bin/echo a\tb");
        assert_string_equal(b->file->assignments[1].key, "Description");
        assert_string_equal(b->file->assignments[1].value, "x\ty\tz");
        state_file_done(&s);
        unit_free(a);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_denial_counters, setup, teardown),
                cmocka_unit_test_setup_teardown(test_nothing_to_keep, setup, teardown),
                cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_transient, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
