/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit-condition.h"

/* A fixed system: the file tests use a temporary directory, the others this. */
static const gid_t groups[] = { 27, 100 };
static const ConditionEnv env = {
        .bounding_set = (UINT64_C(1) << 12) | (UINT64_C(1) << 21), /* net_admin, sys_admin */
        .cmdline = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet splash=silent rd.debug\n",
        .virt = { .vm = "kvm", .container = NULL },
        .hostname = "web-01.example.org",
        .machine_id = "0123456789abcdef0123456789abcdef",
        .architecture = "x86-64",
        .uid = 0,
        .gid = 0,
        .groups = groups,
        .n_groups = 2,
        .security = (1u << 1) | (1u << 5), /* apparmor, audit */
};

static char dir[64];

static int setup(void **state) {
        char p[128];
        FILE *f;

        snprintf(dir, sizeof(dir), "/tmp/test-unit-condition.XXXXXX");
        if (!mkdtemp(dir))
                return -1;
        snprintf(p, sizeof(p), "%s/empty", dir);
        close(creat(p, 0644));
        snprintf(p, sizeof(p), "%s/full", dir);
        f = fopen(p, "we");
        fputs("x", f);
        fclose(f);
        snprintf(p, sizeof(p), "%s/exe", dir);
        f = fopen(p, "we");
        fputs("#!/bin/sh\n", f);
        fclose(f);
        chmod(p, 0755);
        snprintf(p, sizeof(p), "%s/emptydir", dir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/hiddendir", dir);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/hiddendir/.hidden", dir);
        close(creat(p, 0644));
        snprintf(p, sizeof(p), "%s/link", dir);
        if (symlink("empty", p) < 0)
                return -1;
        return 0;
}

static int teardown(void **state) {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        return system(cmd) == 0 ? 0 : -1;
}

/* Parses VALUE (with "%s" replaced by the temporary directory) and tests it. */
static int check(ConditionType t, const char *value) {
        char v[256];
        Condition c;
        const char *error = NULL;
        int r;

        const char *at = strstr(value, "%s");
        if (at)
                snprintf(v, sizeof(v), "%.*s%s%s", (int) (at - value), value, dir, at + 2);
        else
                snprintf(v, sizeof(v), "%s", value);
        r = condition_parse(t, v, &c, &error);
        if (r < 0)
                return r;
        r = condition_test(&c, &env);
        free(c.parameter);
        return r;
}

static void test_paths(void **state) {
        assert_int_equal(check(CONDITION_PATH_EXISTS, "%s/empty"), 1);
        assert_int_equal(check(CONDITION_PATH_EXISTS, "%s/nope"), 0);
        assert_int_equal(check(CONDITION_PATH_EXISTS, "!%s/nope"), 1);
        assert_int_equal(check(CONDITION_PATH_EXISTS, "!%s/empty"), 0);
        assert_int_equal(check(CONDITION_PATH_EXISTS_GLOB, "%s/e*"), 1);
        assert_int_equal(check(CONDITION_PATH_EXISTS_GLOB, "%s/z*"), 0);
        assert_int_equal(check(CONDITION_PATH_IS_DIRECTORY, "%s/emptydir"), 1);
        assert_int_equal(check(CONDITION_PATH_IS_DIRECTORY, "%s/empty"), 0);
        assert_int_equal(check(CONDITION_PATH_IS_SYMBOLIC_LINK, "%s/link"), 1);
        assert_int_equal(check(CONDITION_PATH_IS_SYMBOLIC_LINK, "%s/empty"), 0);
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/proc"), 1);
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "/"), 1);
        assert_int_equal(check(CONDITION_PATH_IS_MOUNT_POINT, "%s/emptydir"), 0);
        assert_int_equal(check(CONDITION_PATH_IS_READ_WRITE, "%s"), 1);
        assert_int_equal(check(CONDITION_PATH_IS_READ_WRITE, "!%s"), 0);
        assert_int_equal(check(CONDITION_PATH_IS_READ_WRITE, "%s/nope"), 0);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "%s"), 1);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "%s/emptydir"), 0);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "%s/hiddendir"), 0);
        assert_int_equal(check(CONDITION_DIRECTORY_NOT_EMPTY, "%s/empty"), 0);
        assert_int_equal(check(CONDITION_FILE_NOT_EMPTY, "%s/full"), 1);
        assert_int_equal(check(CONDITION_FILE_NOT_EMPTY, "%s/empty"), 0);
        assert_int_equal(check(CONDITION_FILE_NOT_EMPTY, "%s/emptydir"), 0);
        assert_int_equal(check(CONDITION_FILE_IS_EXECUTABLE, "%s/exe"), 1);
        assert_int_equal(check(CONDITION_FILE_IS_EXECUTABLE, "%s/full"), 0);
        assert_int_equal(check(CONDITION_FILE_IS_EXECUTABLE, "!%s/full"), 1);
}

static void test_system(void **state) {
        assert_int_equal(check(CONDITION_CAPABILITY, "CAP_SYS_ADMIN"), 1);
        assert_int_equal(check(CONDITION_CAPABILITY, "net_admin"), 1);
        assert_int_equal(check(CONDITION_CAPABILITY, "CAP_SYS_MODULE"), 0);
        assert_int_equal(check(CONDITION_CAPABILITY, "!CAP_SYS_MODULE"), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "quiet"), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "splash"), 1);       /* "splash=..." */
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "splash=silent"), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "splash=off"), 0);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "qui"), 0);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "rd.debug"), 1);
        assert_int_equal(check(CONDITION_KERNEL_COMMAND_LINE, "!single"), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "yes"), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "no"), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "vm"), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "container"), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "kvm"), 1);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "qemu"), 0);
        assert_int_equal(check(CONDITION_VIRTUALIZATION, "!docker"), 1);
        assert_int_equal(check(CONDITION_USER, "0"), 1);
        assert_int_equal(check(CONDITION_USER, "root"), 1);
        assert_int_equal(check(CONDITION_USER, "@system"), 1);
        assert_int_equal(check(CONDITION_USER, "1000"), 0);
        assert_int_equal(check(CONDITION_GROUP, "0"), 1);
        assert_int_equal(check(CONDITION_GROUP, "100"), 1);
        assert_int_equal(check(CONDITION_GROUP, "5"), 0);
        assert_int_equal(check(CONDITION_HOST, "web-01.example.org"), 1);
        assert_int_equal(check(CONDITION_HOST, "WEB-*"), 1);
        assert_int_equal(check(CONDITION_HOST, "db-*"), 0);
        assert_int_equal(check(CONDITION_HOST, "0123456789ABCDEF0123456789abcdef"), 1);
        assert_int_equal(check(CONDITION_ARCHITECTURE, "x86-64"), 1);
        assert_int_equal(check(CONDITION_ARCHITECTURE, "arm64"), 0);
        assert_int_equal(check(CONDITION_ARCHITECTURE, "!arm64"), 1);
        assert_int_equal(check(CONDITION_SECURITY, "apparmor"), 1);
        assert_int_equal(check(CONDITION_SECURITY, "audit"), 1);
        assert_int_equal(check(CONDITION_SECURITY, "selinux"), 0);
        assert_int_equal(check(CONDITION_SECURITY, "!selinux"), 1);
        assert_int_equal(check(CONDITION_SECURITY, "tpm2"), -EOPNOTSUPP);
        assert_int_equal(check(CONDITION_SECURITY, "frobnicate"), -EINVAL);
}

static void test_container(void **state) {
        ConditionEnv e = env;
        static const char environ_[] = "PATH=/bin\0container=podman\0HOME=/";
        const char *c = condition_virt_container_from_environ(environ_, sizeof(environ_));
        Condition cond;
        const char *error;

        assert_non_null(c);
        assert_string_equal(c, "podman");
        assert_null(condition_virt_container_from_environ("PATH=/bin\0", 10));
        e.virt.container = "podman";
        assert_int_equal(condition_parse(CONDITION_VIRTUALIZATION, "container", &cond, &error), 0);
        assert_int_equal(condition_test(&cond, &e), 1);
        free(cond.parameter);
        assert_int_equal(condition_parse(CONDITION_VIRTUALIZATION, "vm", &cond, &error), 0);
        assert_int_equal(condition_test(&cond, &e), 0); /* a container in a VM is a container */
        free(cond.parameter);
        assert_int_equal(condition_parse(CONDITION_VIRTUALIZATION, "podman", &cond, &error), 0);
        assert_int_equal(condition_test(&cond, &e), 1);
        free(cond.parameter);
}

static void test_parse_errors(void **state) {
        Condition c;
        const char *error = NULL;

        assert_int_equal(condition_parse(CONDITION_PATH_EXISTS, "etc/x", &c, &error), -EINVAL);
        assert_non_null(strstr(error, "absolute"));
        assert_int_equal(condition_parse(CONDITION_PATH_EXISTS, "!etc/x", &c, &error), -EINVAL);
        assert_int_equal(condition_parse(CONDITION_FILE_NOT_EMPTY, "|!", &c, &error), -EINVAL);
        assert_int_equal(condition_parse(CONDITION_CAPABILITY, "CAP_NOPE", &c, &error), -EINVAL);
        assert_int_equal(condition_parse(CONDITION_ARCHITECTURE, "pdp11", &c, &error), -EINVAL);
        assert_int_equal(condition_parse(CONDITION_VIRTUALIZATION, "frobnicator", &c, &error), -EINVAL);
        assert_int_equal(condition_parse(CONDITION_VIRTUALIZATION, "private-users", &c, &error), -EOPNOTSUPP);
        assert_non_null(strstr(error, "not supported yet"));

        /* "|" before "!", as systemd reads them. */
        assert_int_equal(condition_parse(CONDITION_PATH_EXISTS, "|!/x", &c, &error), 0);
        assert_true(c.trigger);
        assert_true(c.negate);
        assert_string_equal(c.parameter, "/x");
        free(c.parameter);

        bool assert_ = true;
        assert_int_equal(condition_type_from_key("ConditionPathIsReadWrite", &assert_), CONDITION_PATH_IS_READ_WRITE);
        assert_false(assert_);
        assert_int_equal(condition_type_from_key("AssertHost", &assert_), CONDITION_HOST);
        assert_true(assert_);
        assert_int_equal(condition_type_from_key("ConditionNope", &assert_), _CONDITION_TYPE_INVALID);
}

static void add(ConditionList *l, ConditionType t, const char *v) {
        Condition c;
        const char *error;

        assert_int_equal(condition_parse(t, v, &c, &error), 0);
        assert_int_equal(condition_list_add(l, &c), 0);
}

static void test_triggering(void **state) {
        ConditionList l = {};
        const Condition *failed = NULL;

        assert_true(condition_list_test(&l, &env, &failed)); /* none: met */

        add(&l, CONDITION_ARCHITECTURE, "|arm64");
        assert_false(condition_list_test(&l, &env, &failed)); /* the only trigger fails */
        assert_ptr_equal(failed, &l.items[0]);
        add(&l, CONDITION_ARCHITECTURE, "|x86-64");
        assert_true(condition_list_test(&l, &env, &failed)); /* one trigger holds */
        add(&l, CONDITION_HOST, "db-*");
        failed = NULL;
        assert_false(condition_list_test(&l, &env, &failed)); /* a plain one fails */
        assert_ptr_equal(failed, &l.items[2]);
        condition_list_done(&l);

        add(&l, CONDITION_HOST, "web-*");
        add(&l, CONDITION_ARCHITECTURE, "|arm64");
        add(&l, CONDITION_ARCHITECTURE, "|!x86-64");
        assert_false(condition_list_test(&l, &env, &failed)); /* no trigger holds */
        assert_ptr_equal(failed, &l.items[2]);
        condition_list_done(&l);
        assert_int_equal(l.n, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_paths),
                cmocka_unit_test(test_system),
                cmocka_unit_test(test_container),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_triggering),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
