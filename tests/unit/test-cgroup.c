/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup module's parsers and layout rules, fed with sample text from real systems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sys/cgroup.h"

/* A hybrid host: v1 controllers plus an empty cgroup2 at .../unified. */
static const char mountinfo_hybrid[] =
        "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* Debian 12: unified hierarchy, optional fields before the separator. */
static const char mountinfo_unified[] =
        "24 30 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
        "26 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 master:1 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

/* A bind mount of a subtree comes first and must be skipped; the mount point has a space. */
static const char mountinfo_bind_and_escape[] =
        "50 31 0:38 /system.slice /mnt/sub rw - cgroup2 cgroup2 rw\n"
        "51 31 0:38 / /mnt/cg\\0402 rw - cgroup2 cgroup2 rw\n";

static const char mountinfo_none[] =
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";

static void check_mount(const char *text, int want_r, const char *want) {
        char *m = NULL;
        assert_int_equal(cgroup_parse_mountinfo(text, &m), want_r);
        if (want)
                assert_string_equal(m, want);
        else
                assert_null(m);
        free(m);
}

static void test_parse_mountinfo(void **state) {
        check_mount(mountinfo_hybrid, 0, "/sys/fs/cgroup/unified");
        check_mount(mountinfo_unified, 0, "/sys/fs/cgroup");
        check_mount(mountinfo_bind_and_escape, 0, "/mnt/cg 2");
        check_mount(mountinfo_none, -ENOENT, NULL);
        check_mount("", -ENOENT, NULL);
        /* Truncated lines are skipped, not misread. */
        check_mount("41 31 0:38 / /x rw - \n41 31 0:38 /\n", -ENOENT, NULL);
        check_mount("41 31 0:38 / /x rw cgroup2\n", -ENOENT, NULL);
}

static void check_own(const char *text, int want_r, const char *want) {
        char *p = NULL;
        assert_int_equal(cgroup_parse_proc_cgroup(text, &p), want_r);
        if (want)
                assert_string_equal(p, want);
        else
                assert_null(p);
        free(p);
}

static void test_parse_proc_cgroup(void **state) {
        check_own("9:name=systemd:/\n4:memory:/process_api/9c07\n1:cpu:/\n0::/\n", 0, "/");
        check_own("0::/system.slice/syscaged.service\n", 0, "/system.slice/syscaged.service");
        check_own("0::/user.slice/user-0.slice/session-3.scope", 0,
                  "/user.slice/user-0.slice/session-3.scope");
        check_own("12:pids:/\n1:name=systemd:/init.scope\n", -ENOENT, NULL);
        check_own("10::/x\n0:cpu:/y\n", -ENOENT, NULL);
        check_own("", -ENOENT, NULL);
}

static void check_plan_instance(const char *own, const char *instance, int want_r,
                                const char *want_base, bool want_move) {
        char *base = NULL;
        bool move = !want_move;
        assert_int_equal(cgroup_plan_layout(own, instance, &base, &move), want_r);
        if (want_r < 0) {
                assert_null(base);
                return;
        }
        assert_string_equal(base, want_base);
        assert_int_equal(move, want_move);
        free(base);
}

static void check_plan(const char *own, int want_r, const char *want_base, bool want_move) {
        check_plan_instance(own, NULL, want_r, want_base, want_move);
}

static void test_plan_layout(void **state) {
        check_plan("/", 0, "/syscage", true);
        check_plan("/system.slice/syscaged.service", 0, "/system.slice/syscaged.service", true);
        check_plan("/system.slice/syscaged.service/", 0, "/system.slice/syscaged.service", true);
        check_plan("/system.slice/syscaged.service/supervisor", 0, "/system.slice/syscaged.service", false);
        check_plan("/syscage/supervisor", 0, "/syscage", false);
        /* "/supervisor" is nobody's BASE/supervisor: treat it like the root. */
        check_plan("/supervisor", 0, "/syscage", true);
        check_plan("/a/supervisorx", 0, "/a/supervisorx", true);
        check_plan("", -EINVAL, NULL, false);
        check_plan("relative", -EINVAL, NULL, false);
        /* Another instance started from the root gets a subtree of its own; a delegated
         * cgroup is already its own. */
        check_plan_instance("/", "tmp-x-run", 0, "/syscage-tmp-x-run", true);
        check_plan_instance("/", "", 0, "/syscage", true);
        check_plan_instance("/syscage-tmp-x-run/supervisor", "tmp-x-run", 0, "/syscage-tmp-x-run", false);
        check_plan_instance("/system.slice/syscaged.service", "tmp-x-run", 0,
                            "/system.slice/syscaged.service", true);
}

static void test_unit_name_valid(void **state) {
        assert_true(cgroup_unit_name_valid("foo.service"));
        assert_true(cgroup_unit_name_valid("a-b_c@1.service"));
        assert_false(cgroup_unit_name_valid(""));
        assert_false(cgroup_unit_name_valid(NULL));
        assert_false(cgroup_unit_name_valid("."));
        assert_false(cgroup_unit_name_valid(".."));
        assert_false(cgroup_unit_name_valid("supervisor"));
        assert_false(cgroup_unit_name_valid("cgroup.procs"));
        assert_false(cgroup_unit_name_valid("a/b.service"));
        assert_false(cgroup_unit_name_valid("a\nb.service"));
        char long_name[300];
        memset(long_name, 'a', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        assert_false(cgroup_unit_name_valid(long_name));
        long_name[255] = '\0';
        assert_true(cgroup_unit_name_valid(long_name));
}

static void test_mode_strings(void **state) {
        assert_string_equal(cgroup_mode_to_string(CGROUP_MODE_CGROUP), "cgroup");
        assert_string_equal(cgroup_mode_to_string(CGROUP_MODE_PROCESS_GROUP), "process-group");
        assert_null(cgroup_mode_to_string(_CGROUP_MODE_MAX));
        for (CgroupMode m = 0; m < _CGROUP_MODE_MAX; m++)
                assert_int_equal(cgroup_mode_from_string(cgroup_mode_to_string(m)), m);
        assert_int_equal(cgroup_mode_from_string("cgroups"), _CGROUP_MODE_INVALID);
}

/* Process-group mode never touches cgroupfs; these work without root. */
static void test_process_group_mode(void **state) {
        _cleanup_(cgroup_context_freep) CgroupContext *c = NULL;
        int fd = -1;
        char *p = NULL;

        assert_int_equal(cgroup_context_new_process_group(&c), 0);
        assert_false(c->available);
        assert_int_equal(c->mode, CGROUP_MODE_PROCESS_GROUP);
        assert_int_equal(cgroup_service_create(c, "a.service", &fd), -EOPNOTSUPP);
        assert_int_equal(fd, -1);
        assert_int_equal(cgroup_service_path(c, "a.service", &p), -EOPNOTSUPP);
        assert_int_equal(cgroup_service_remove(c, "a.service"), 0);
        assert_int_equal(cgroup_service_kill(c, "a.service", 0, SIGTERM), -EINVAL);
        assert_int_equal(cgroup_service_kill(c, "a.service", 1, SIGTERM), -EINVAL);
        assert_int_equal(cgroup_service_is_empty(c, "a.service", 0), -EINVAL);
}

static void test_path_service(void **state) {
        CgroupContext c = { .mode = CGROUP_MODE_CGROUP, .available = true, .base_fd = -1,
                            .base_path = (char *) "/sys/fs/cgroup/syscage" };
        char *unit = NULL;

        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage/a.service", &unit), 1);
        assert_string_equal(unit, "a.service");
        free(unit);
        /* Below a service cgroup is still that service's. */
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage/b.service/x/y", &unit), 1);
        assert_string_equal(unit, "b.service");
        free(unit);
        unit = NULL;
        /* The base, the daemon's leaf, systemd's .control, a prefix sibling, another tree. */
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage", &unit), 0);
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage/supervisor", &unit), 0);
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage/.control", &unit), 0);
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage-x/a.service", &unit), 0);
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/user.slice/a.service", &unit), 0);
        assert_null(unit);
        c.available = false;
        assert_int_equal(cgroup_path_service(&c, "/sys/fs/cgroup/syscage/a.service", &unit), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_mountinfo),
                cmocka_unit_test(test_parse_proc_cgroup),
                cmocka_unit_test(test_plan_layout),
                cmocka_unit_test(test_unit_name_valid),
                cmocka_unit_test(test_mode_strings),
                cmocka_unit_test(test_process_group_mode),
                cmocka_unit_test(test_path_service),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
