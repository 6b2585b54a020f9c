/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The runtime Unit's data, without processes: string tables with systemd's names, the
 * active-state mapping, denial records (ring of the last N, counters per syscall), the
 * status file and the daemon's own lines in the unit log; and the Restart= decision table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service.h"
#include "strv.h"
#include "core/unit.h"

typedef struct Fixture {
        char dir[64];
        Manager manager;
        Unit *unit;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        assert_non_null(f);
        strcpy(f->dir, "/tmp/test-unit-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        f->manager.runtime_dir = f->dir;
        f->manager.state_files_fd = -EBADF;
        f->manager.state_dir = f->dir;
        assert_int_equal(unit_new(&f->manager, "demo.service", &f->unit), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        char cmd[128];
        unit_free(f->unit);
        if (f->manager.state_files_fd >= 0)
                close(f->manager.state_files_fd);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

static char *read_file(const char *path) {
        FILE *fp = fopen(path, "re");
        assert_non_null(fp);
        char *buf = calloc(1, 65536);
        assert_non_null(buf);
        size_t n = fread(buf, 1, 65535, fp);
        buf[n] = '\0';
        fclose(fp);
        return buf;
}

static void test_string_tables(void **state) {
        static const char *const states[] = {
                "dead", "start-pre", "start", "start-post", "running", "exited", "reload", "stop",
                "stop-sigterm", "stop-sigkill", "stop-post", "final-sigterm", "final-sigkill",
                "failed", "auto-restart",
        };
        static const char *const results[] = {
                "success", "resources", "protocol", "timeout", "exit-code", "signal", "core-dump",
                "watchdog", "start-limit-hit",
        };
        assert_int_equal(ELEMENTSOF(states), _SERVICE_STATE_MAX);
        for (int i = 0; i < _SERVICE_STATE_MAX; i++) {
                assert_string_equal(service_state_to_string(i), states[i]);
                assert_int_equal(service_state_from_string(states[i]), i);
        }
        assert_int_equal(ELEMENTSOF(results), _SERVICE_RESULT_MAX);
        for (int i = 0; i < _SERVICE_RESULT_MAX; i++) {
                assert_string_equal(service_result_to_string(i), results[i]);
                assert_int_equal(service_result_from_string(results[i]), i);
        }
        assert_int_equal(service_state_from_string("bogus"), -EINVAL);
        assert_null(service_state_to_string(_SERVICE_STATE_MAX));
        assert_string_equal(unit_active_state_to_string(UNIT_DEACTIVATING), "deactivating");
        assert_string_equal(unit_load_state_to_string(UNIT_NOT_FOUND), "not-found");
}

static void test_active_state(void **state) {
        Fixture *f = *state;
        static const struct { ServiceState s; UnitActiveState a; } table[] = {
                { SERVICE_DEAD, UNIT_INACTIVE },          { SERVICE_START_PRE, UNIT_ACTIVATING },
                { SERVICE_START, UNIT_ACTIVATING },       { SERVICE_START_POST, UNIT_ACTIVATING },
                { SERVICE_RUNNING, UNIT_ACTIVE },         { SERVICE_EXITED, UNIT_ACTIVE },
                { SERVICE_RELOAD, UNIT_RELOADING },       { SERVICE_STOP, UNIT_DEACTIVATING },
                { SERVICE_STOP_SIGTERM, UNIT_DEACTIVATING }, { SERVICE_STOP_SIGKILL, UNIT_DEACTIVATING },
                { SERVICE_STOP_POST, UNIT_DEACTIVATING }, { SERVICE_FINAL_SIGTERM, UNIT_DEACTIVATING },
                { SERVICE_FINAL_SIGKILL, UNIT_DEACTIVATING }, { SERVICE_FAILED, UNIT_FAILED },
                { SERVICE_AUTO_RESTART, UNIT_ACTIVATING },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                f->unit->state = table[i].s;
                assert_int_equal(unit_active_state(f->unit), table[i].a);
        }
        f->unit->state = SERVICE_DEAD;
}

static void test_restart_table(void **state) {
        /* Rows: Restart= value; columns: clean exit, unclean exit code, unclean signal,
         * timeout, watchdog (systemd.service(5)). */
        static const struct { ServiceRestart r; bool want[5]; } table[] = {
                { SERVICE_RESTART_NO,          { 0, 0, 0, 0, 0 } },
                { SERVICE_RESTART_ALWAYS,      { 1, 1, 1, 1, 1 } },
                { SERVICE_RESTART_ON_SUCCESS,  { 1, 0, 0, 0, 0 } },
                { SERVICE_RESTART_ON_FAILURE,  { 0, 1, 1, 1, 1 } },
                { SERVICE_RESTART_ON_ABNORMAL, { 0, 0, 1, 1, 1 } },
                { SERVICE_RESTART_ON_ABORT,    { 0, 0, 1, 0, 0 } },
                { SERVICE_RESTART_ON_WATCHDOG, { 0, 0, 0, 0, 1 } },
        };
        static const ServiceResult cols[5] = {
                SERVICE_SUCCESS, SERVICE_FAILURE_EXIT_CODE, SERVICE_FAILURE_SIGNAL,
                SERVICE_FAILURE_TIMEOUT, SERVICE_FAILURE_WATCHDOG,
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                for (size_t c = 0; c < 5; c++)
                        assert_int_equal(service_restart_wanted(table[i].r, cols[c]), table[i].want[c]);
                /* A core dump counts as an unclean signal; the start limit never restarts. */
                assert_int_equal(service_restart_wanted(table[i].r, SERVICE_FAILURE_CORE_DUMP),
                                 table[i].want[2]);
                assert_false(service_restart_wanted(table[i].r, SERVICE_FAILURE_START_LIMIT_HIT));
                /* resources and protocol are outside the manual's table; systemd restarts
                 * on them for every value that is neither "success only" nor a single
                 * kind of death (on-failure, on-abnormal, always). */
                bool other = table[i].r == SERVICE_RESTART_ON_FAILURE ||
                             table[i].r == SERVICE_RESTART_ON_ABNORMAL || table[i].r == SERVICE_RESTART_ALWAYS;
                assert_int_equal(service_restart_wanted(table[i].r, SERVICE_FAILURE_RESOURCES), other);
                assert_int_equal(service_restart_wanted(table[i].r, SERVICE_FAILURE_PROTOCOL), other);
        }
}

static UnitDenial denial(const char *syscall, bool gate, pid_t pid) {
        UnitDenial d = { .pid = pid, .gate = gate };
        snprintf(d.syscall, sizeof d.syscall, "%s", syscall);
        snprintf(d.comm, sizeof d.comm, "bash");
        snprintf(d.path, sizeof d.path, "/usr/bin/echo");
        snprintf(d.action, sizeof d.action, "%s", gate ? "EPERM" : "kill");
        return d;
}

static void test_denials(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *s = NULL;

        assert_null(unit_last_denial(f->unit));
        assert_int_equal(unit_format_denied_syscalls(f->unit, &s), 0);
        assert_string_equal(s, "");
        free(TAKE_PTR(s));
        assert_null(f->unit->denials); /* allocated with the first denial, not before */
        for (pid_t i = 1; i <= 20; i++) {
                UnitDenial d = denial(i % 2 ? "execve" : "uname", i % 2, i);
                unit_add_denial(f->unit, &d);
        }
        assert_int_equal(f->unit->n_denials_total, 20);
        assert_int_equal(unit_last_denial(f->unit)->pid, 20);
        /* The ring keeps the last UNIT_DENIALS_KEPT: pids 5..20. */
        for (size_t i = 0; i < UNIT_DENIALS_KEPT; i++)
                assert_true(f->unit->denials->records[i].pid >= 5);
        assert_int_equal(unit_format_denied_syscalls(f->unit, &s), 0);
        assert_string_equal(s, "execve:10,uname:10");
        /* The denials' log lines created the log directory, with the mode syscaged(8) gives. */
        char logs[128];
        struct stat st;
        snprintf(logs, sizeof logs, "%s/logs", f->dir);
        assert_int_equal(stat(logs, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
}

static void test_status_file(void **state) {
        Fixture *f = *state;
        char path[256];

        f->unit->state = SERVICE_FAILED;
        f->unit->result = SERVICE_FAILURE_SIGNAL;
        f->unit->exec_main_code = CLD_KILLED;
        f->unit->exec_main_status = 31;
        f->unit->main_pid = 42;
        f->unit->n_restarts = 2;
        assert_int_equal(unit_set_status_text(f->unit, "line one\nline two"), 0);
        UnitDenial d = denial("uname", false, 42);
        unit_add_denial(f->unit, &d); /* writes the status file */
        snprintf(path, sizeof path, "%s/units/demo.service.status", f->dir);
        _cleanup_free_ char *text = read_file(path);
        static const char *const want[] = {
                "ActiveState=failed\n", "SubState=failed\n", "Result=signal\n", "ExecMainPID=42\n",
                "ExecMainCode=killed\n", "ExecMainStatus=31\n", "NRestarts=2\n",
                "DeniedSyscalls=uname:1\n", "LastDenial=uname pid=42 action=kill comm=bash\n",
                "StatusText=line one line two\n", "LoadState=not-found\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(want); i++)
                if (!strstr(text, want[i]))
                        fail_msg("status file lacks %s:\n%s", want[i], text);
        /* Written atomically: no temporary file is left behind. */
        snprintf(path, sizeof path, "%s/units/demo.service.status.tmp", f->dir);
        assert_int_equal(access(path, F_OK), -1);
        /* The denial went to the unit's log as well. */
        snprintf(path, sizeof path, "%s/logs/demo.service.log", f->dir);
        _cleanup_free_ char *log = read_file(path);
        assert_non_null(strstr(log, " demo.service[42] syscaged: Killed by seccomp: uname (pid 42) comm=bash exe=?\n"));
        unit_remove_status_file(f->unit);
        snprintf(path, sizeof path, "%s/units/demo.service.status", f->dir);
        assert_int_equal(access(path, F_OK), -1);
}

/* Status files written (renamed into place) in dir since the last call. */
static unsigned count_moved_to(int fd, const char *name) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        unsigned n = 0;
        ssize_t len;

        while ((len = read(fd, buf, sizeof buf)) > 0)
                for (char *p = buf; p < buf + len;) {
                        const struct inotify_event *ev = (const struct inotify_event *) p;
                        if ((ev->mask & IN_MOVED_TO) && ev->len > 0 && streq(ev->name, name))
                                n++;
                        p += sizeof(*ev) + ev->len;
                }
        return n;
}

/* With an event loop, a unit's status file is written once per loop iteration however often
 * it is asked for, and not at all when nothing asked; a unit freed before the write is not
 * written. */
static void test_status_file_coalesced(void **state) {
        Fixture *f = *state;
        char dir[128];
        Unit *other;

        assert_int_equal(sd_event_new(&f->manager.event), 0);
        snprintf(dir, sizeof dir, "%s/units", f->dir);
        assert_int_equal(mkdir(dir, 0755), 0);
        _cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        assert_true(fd >= 0);
        assert_true(inotify_add_watch(fd, dir, IN_MOVED_TO) >= 0);

        f->unit->state = SERVICE_START;
        unit_write_status_file(f->unit);
        f->unit->state = SERVICE_RUNNING;
        unit_write_status_file(f->unit);
        assert_int_equal(unit_set_status_text(f->unit, "ready"), 0);
        unit_write_status_file(f->unit);
        assert_int_equal(count_moved_to(fd, "demo.service.status"), 0); /* not yet */
        assert_int_equal(sd_event_run(f->manager.event, 0), 1);
        assert_int_equal(count_moved_to(fd, "demo.service.status"), 1);
        char path[256];
        snprintf(path, sizeof path, "%s/demo.service.status", dir);
        _cleanup_free_ char *text = read_file(path);
        assert_non_null(strstr(text, "SubState=running\n"));
        assert_non_null(strstr(text, "StatusText=ready\n"));
        assert_int_equal(sd_event_run(f->manager.event, 0), 0); /* nothing more to do */
        assert_int_equal(count_moved_to(fd, "demo.service.status"), 0);

        assert_int_equal(unit_new(&f->manager, "gone.service", &other), 0);
        unit_write_status_file(other);
        unit_free(other);
        unit_write_status_file(f->unit);
        assert_int_equal(sd_event_run(f->manager.event, 0), 1);
        assert_int_equal(count_moved_to(fd, "demo.service.status"), 1);
        assert_int_equal(count_moved_to(fd, "gone.service.status"), 0);
        snprintf(path, sizeof path, "%s/gone.service.status", dir);
        assert_int_equal(access(path, F_OK), -1);

        hashmap_free(f->manager.status_dirty);
        f->manager.status_dirty = NULL;
        f->manager.status_source = sd_event_source_disable_unref(f->manager.status_source);
        f->manager.event = sd_event_unref(f->manager.event);
}

static void test_invocation_id(void **state) {
        Fixture *f = *state;
        assert_int_equal(unit_new_invocation_id(f->unit), 0);
        char first[33];
        memcpy(first, f->unit->invocation_id, sizeof first);
        assert_int_equal(strlen(first), 32);
        assert_int_equal(strspn(first, "0123456789abcdef"), 32);
        assert_int_equal(unit_new_invocation_id(f->unit), 0);
        assert_string_not_equal(first, f->unit->invocation_id);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_string_tables),
                cmocka_unit_test(test_restart_table),
                cmocka_unit_test_setup_teardown(test_active_state, setup, teardown),
                cmocka_unit_test_setup_teardown(test_denials, setup, teardown),
                cmocka_unit_test_setup_teardown(test_status_file, setup, teardown),
                cmocka_unit_test_setup_teardown(test_status_file_coalesced, setup, teardown),
                cmocka_unit_test_setup_teardown(test_invocation_id, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
