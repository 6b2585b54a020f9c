/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp records routed to units (unit_events_seccomp_record()): an errno denial and a kill
 * are denials, a SystemCallLog= hit is counted apart, a record of a reaped descendant finds
 * its unit through the process table, one of no known process is counted as unattributed,
 * the exec gate's notifications are not counted twice, and a service looping on a denied
 * call gets every denial counted but a bounded number of log lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/manager-units.h"
#include "core/manager.h"
#include "core/unit-events.h"
#include "core/unit.h"
#include "sys/cgroup.h"
#include "sys/proc-events.h"

typedef struct Fixture {
        char dir[64];
        CgroupContext cgroup;
        Manager manager;
        Unit *unit;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        assert_non_null(f);
        strcpy(f->dir, "/tmp/test-denial-routing-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        f->cgroup = (CgroupContext) { .available = false, .mode = CGROUP_MODE_PROCESS_GROUP, .base_fd = -EBADF };
        f->manager.cgroup = &f->cgroup;
        f->manager.runtime_dir = f->dir;
        f->manager.state_dir = f->dir;
        f->manager.state_files_fd = -EBADF;
        f->manager.units = hashmap_new();
        assert_non_null(f->manager.units);
        assert_int_equal(proc_events_new(&f->manager.proc_events), 0);
        assert_int_equal(unit_new(&f->manager, "r.service", &f->unit), 0);
        assert_int_equal(manager_add_unit(&f->manager, f->unit->name, f->unit), 0);
        /* Our own pid stands for the unit's running main process. */
        f->unit->main_pid = getpid();
        f->unit->state = SERVICE_RUNNING;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        char cmd[128];

        assert_ptr_equal(manager_remove_unit(&f->manager, f->unit->name), f->unit);
        unit_free(f->unit);
        hashmap_free(f->manager.units);
        proc_events_free(f->manager.proc_events);
        if (f->manager.state_files_fd >= 0)
                close(f->manager.state_files_fd);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

static void record(Manager *m, pid_t pid, int sig, uint32_t code) {
        char line[512];
        SeccompAudit a;

        snprintf(line, sizeof line,
                 "5,1,2,-;audit: type=1326 audit(1.0:1): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=%d "
                 "comm=\"uname-sysname\" exe=\"/usr/lib/x/uname-sysname\" sig=%d arch=c000003e syscall=63 "
                 "compat=0 ip=0x1 code=0x%x",
                 (int) pid, sig, code);
        assert_int_equal(kmsg_parse_seccomp(line, &a), 0);
        unit_events_seccomp_record(m, &a);
}

static char *formatted(Unit *u, bool logged) {
        char *s = NULL;
        assert_int_equal(logged ? unit_format_logged_syscalls(u, &s) : unit_format_denied_syscalls(u, &s), 0);
        return s;
}

static void test_kinds(void **state) {
        Fixture *f = *state;
        Manager *m = &f->manager;
        Unit *u = f->unit;
        _cleanup_free_ char *d1 = NULL, *l1 = NULL, *d2 = NULL;

        /* ERRNO: a denial. The record has no errno (the kernel writes the action without its
         * data) and this unit has no policy to tell it. */
        record(m, getpid(), 0, 0x50000);
        assert_int_equal(u->n_denials_total, 1);
        assert_string_equal(unit_last_denial(u)->action, "errno");
        assert_string_equal(unit_last_denial(u)->comm, "uname-sysname");
        assert_string_equal(unit_last_denial(u)->exe, "/usr/lib/x/uname-sysname");
        /* LOG: counted apart, not a denial. */
        record(m, getpid(), 0, 0x7ffc0000);
        assert_int_equal(u->n_denials_total, 1);
        assert_int_equal(u->n_logged_total, 1);
        d1 = formatted(u, false);
        l1 = formatted(u, true);
        assert_string_equal(d1, "uname:1");
        assert_string_equal(l1, "uname:1");
        /* USER_NOTIF is the exec gate's, which counts its own answers. */
        record(m, getpid(), 0, 0x7fc00000);
        assert_int_equal(u->n_denials_total, 1);
        /* A kill of a pid no one knows: unattributed, counted. */
        record(m, 999999, 31, 0x80000000);
        assert_int_equal(u->n_denials_total, 1);
        assert_int_equal(m->denials_unattributed, 1);
        /* A kill of a grandchild already reaped: its fork was seen. */
        assert_int_equal(proc_events_track(m->proc_events, 4242, u->name), 0);
        proc_events_on_fork(m->proc_events, 4242, 4243, 4243);
        proc_events_on_fork(m->proc_events, 4243, 4244, 4244);
        proc_events_on_exit(m->proc_events, 4244, 4244);
        record(m, 4244, 31, 0x80000000);
        assert_int_equal(u->n_denials_total, 2);
        assert_int_equal(unit_last_denial(u)->pid, 4244);
        assert_string_equal(unit_last_denial(u)->action, "kill");
        assert_int_equal(m->denials_unattributed, 1);
        d2 = formatted(u, false);
        assert_string_equal(d2, "uname:2");
        /* TRAP: sig=31 too, yet no kill. */
        record(m, getpid(), 31, 0x30000);
        assert_int_equal(u->n_denials_total, 3);
        assert_string_equal(unit_last_denial(u)->action, "trap");
}

static size_t count_lines(const char *path, const char *needle) {
        char line[1024];
        size_t n = 0;
        FILE *fp = fopen(path, "re");

        assert_non_null(fp);
        while (fgets(line, sizeof line, fp))
                n += strstr(line, needle) != NULL;
        fclose(fp);
        return n;
}

static void test_loop_bounded(void **state) {
        Fixture *f = *state;
        char path[128];

        for (unsigned i = 0; i < 1000; i++)
                record(&f->manager, getpid(), 0, 0x50000);
        assert_int_equal(f->unit->n_denials_total, 1000);
        _cleanup_free_ char *d = formatted(f->unit, false);
        assert_string_equal(d, "uname:1000");
        /* 1..8, then 16, 32, 64, 128, 256, 512. */
        snprintf(path, sizeof path, "%s/logs/r.service.log", f->dir);
        assert_int_equal(count_lines(path, "Denied by seccomp with errno: uname"), UNIT_DENIAL_LOG_EACH + 6);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
                cmocka_unit_test_setup_teardown(test_loop_bounded, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
