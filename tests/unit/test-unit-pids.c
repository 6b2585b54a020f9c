/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which unit a pid belongs to, for what a process says about itself (MAINPID=, STATUS=): a
 * pid the unit once had is not enough with cgroups, since another process may have it by now
 * (a service recycling pids could otherwise speak for another unit, or make it adopt a host
 * process). Without cgroups the remembered pids are all there is, and they count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/manager-units.h"
#include "core/manager.h"
#include "core/unit.h"
#include "sys/cgroup.h"

static void test_remembered_pid(void **state) {
        Manager m = {};
        CgroupContext c = { .available = true, .mode = CGROUP_MODE_CGROUP, .base_fd = -EBADF };
        Unit *u = NULL;

        m.units = hashmap_new();
        assert_non_null(m.units);
        m.cgroup = &c;
        assert_int_equal(unit_new(&m, "victim.service", &u), 0);
        assert_int_equal(manager_add_unit(&m, u->name, u), 0);
        /* Our own pid stands for a process that got the pid of the unit's exited process. */
        u->cgroup_path = strdup("/sys/fs/cgroup/nowhere/victim.service");
        unit_remember_pid(u, getpid());
        u->main_pid = getpid();
        u->state = SERVICE_RUNNING;

        /* With cgroups: neither owned, nor found as the unit for a notification. */
        assert_false(unit_owns_pid(u, getpid()));
        assert_null(manager_find_unit_by_live_pid(&m, getpid()));
        /* A kernel kill record still finds the unit by the pid it had (it comes after the exit). */
        assert_ptr_equal(manager_find_unit_by_pid(&m, getpid()), u);

        /* Process-group mode has nothing better: the remembered pid counts. */
        c.available = false;
        c.mode = CGROUP_MODE_PROCESS_GROUP;
        assert_true(unit_owns_pid(u, getpid()));
        assert_ptr_equal(manager_find_unit_by_live_pid(&m, getpid()), u);

        assert_ptr_equal(manager_remove_unit(&m, u->name), u);
        unit_free(u);
        hashmap_free(m.units);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_remembered_pid),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
