/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The enforceability check: host facts, the relax set and path existence, as tables. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sandbox-check.h"
#include "unit-file.h"

static const SandboxHostFacts host_all = {};
static const SandboxHostFacts host_no_mount = { .mount_ns_errno = EPERM };
static const SandboxHostFacts host_nothing = {
        .mount_ns_errno = EPERM, .net_ns_errno = EPERM, .ipc_ns_errno = EINVAL, .uts_ns_errno = EPERM,
        .user_ns_errno = ENOSPC,
};

/* Paths that "exist" for the tests: anything starting with /exists. */
static int fake_exists(const char *path, void *userdata) {
        unsigned *calls = userdata;
        if (calls)
                (*calls)++;
        if (strncmp(path, "/broken", 7) == 0)
                return -EACCES;
        return strncmp(path, "/exists", 7) == 0 || strncmp(path, "/root-dir/exists", 16) == 0;
}

static UnitFile *load(const char *text) {
        UnitFile *u = NULL;
        DiagList d = {};
        assert_int_equal(unit_file_load_string("t.service", "t.service", text, &d, &u), 0);
        diag_list_done(&d);
        return u;
}

/* The one diagnostic expected: its level, line, key and a part of its message. */
static void expect_one(const DiagList *d, DiagLevel level, unsigned line, const char *key,
                       const char *part) {
        assert_int_equal(d->n, 1);
        assert_int_equal(d->items[0].level, level);
        assert_int_equal(d->items[0].line, line);
        assert_string_equal(d->items[0].key, key);
        assert_string_equal(d->items[0].file, "t.service");
        if (!strstr(d->items[0].message, part))
                fail_msg("'%s' lacks '%s'", d->items[0].message, part);
}

static void test_all_available(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\nProtectSystem=strict\nPrivateNetwork=yes\n");
        UnitSandbox s = { .protect_system = PROTECT_SYSTEM_STRICT, .private_network = true };
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_all };
        DiagList d = {};
        uint64_t skip = 1;

        assert_int_equal(sandbox_check(&in, &d, &skip), 0);
        assert_int_equal(d.n, 0);
        assert_int_equal(skip, 0);
        in.host = NULL; /* no facts: everything available */
        assert_int_equal(sandbox_check(&in, &d, &skip), 0);
        assert_int_equal(d.n, 0);
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_no_mount_namespace(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\nPrivateNetwork=yes\nProtectSystem=strict\n");
        UnitSandbox s = { .protect_system = PROTECT_SYSTEM_STRICT, .private_network = true };
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_no_mount };
        DiagList d = {};

        /* The network namespace is there, only ProtectSystem= is refused, at its line. */
        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        expect_one(&d, DIAG_ERROR, 4, "ProtectSystem", "needs a mount namespace");
        assert_non_null(strstr(d.items[0].message, "--relax ProtectSystem"));
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_relax_skips_with_warning(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n");
        UnitSandbox s = { .private_tmp = true };
        char *relax[] = { (char *) "PrivateTmp", NULL };
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_no_mount, .relax = relax,
                                 .relax_option = "syscaged --relax" };
        DiagList d = {};
        uint64_t skip = 0;
        UnitSandbox eff;

        assert_int_equal(sandbox_check(&in, &d, &skip), 0);
        expect_one(&d, DIAG_WARNING, 3, "PrivateTmp", "'syscaged --relax PrivateTmp'");
        assert_int_equal(skip, SANDBOX_DIRECTIVE_BIT(SANDBOX_PRIVATE_TMP));
        sandbox_apply_skip(&s, skip, &eff);
        assert_false(eff.private_tmp);
        assert_true(s.private_tmp);
        diag_list_done(&d);

        /* Relaxing a directive the host can enforce changes nothing. */
        in.host = &host_all;
        assert_int_equal(sandbox_check(&in, &d, &skip), 0);
        assert_int_equal(d.n, 0);
        assert_int_equal(skip, 0);
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_each_namespace(void **state) {
        static const struct {
                UnitSandbox s;
                const char *key, *what;
        } table[] = {
                { { .private_network = true }, "PrivateNetwork", "a network namespace" },
                { { .private_ipc = true }, "PrivateIPC", "an IPC namespace" },
                { { .protect_hostname = true }, "ProtectHostname", "a UTS namespace" },
                { { .protect_home = PROTECT_HOME_TMPFS }, "ProtectHome", "a mount namespace" },
                { { .private_devices = true }, "PrivateDevices", "a mount namespace" },
                { { .protect_kernel_logs = true }, "ProtectKernelLogs", "a mount namespace" },
                { { .proc_subset = PROC_SUBSET_PID }, "ProcSubset", "a mount namespace" },
                { { .dynamic_user = true }, "DynamicUser", "a mount namespace" },
                { { .private_mounts = true, .private_mounts_set = true }, "PrivateMounts", "a mount namespace" },
                { { .mount_api_vfs = true, .mount_api_vfs_set = true }, "MountAPIVFS", "a mount namespace" },
                { { .root_directory = (char *) "/srv/root" }, "RootDirectory", "a mount namespace" },
                { { .private_users = true }, "PrivateUsers", "a user namespace" },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                char text[256];
                snprintf(text, sizeof text, "[Service]\nExecStart=/bin/true\n%s=yes\n", table[i].key);
                UnitFile *u = load(text);
                SandboxCheckInput in = { .file = u, .sandbox = &table[i].s, .host = &host_nothing };
                DiagList d = {};
                assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
                expect_one(&d, DIAG_ERROR, 3, table[i].key, table[i].what);
                diag_list_done(&d);
                unit_file_free(u);
        }
}

/* PrivateUsers= is enforced where the host lets the supervisor create a user namespace, and
 * refused (or, relaxed, skipped) where it does not. */
static void test_private_users(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\nPrivateUsers=yes\n");
        UnitSandbox s = { .private_users = true };
        static const SandboxHostFacts host_no_user = { .user_ns_errno = ENOSPC };
        char *relax[] = { (char *) "PrivateUsers", NULL };
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_all };
        DiagList d = {};
        uint64_t skip = 0;

        assert_int_equal(sandbox_check(&in, &d, &skip), 0);
        assert_int_equal(d.n, 0);
        assert_int_equal(skip, 0);
        in.host = &host_no_user;
        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        expect_one(&d, DIAG_ERROR, 3, "PrivateUsers", "a user namespace");
        diag_list_done(&d);
        in.relax = relax;
        assert_int_equal(sandbox_check(&in, &d, &skip), 0);
        expect_one(&d, DIAG_WARNING, 3, "PrivateUsers", "skipped");
        assert_int_equal(skip, SANDBOX_DIRECTIVE_BIT(SANDBOX_PRIVATE_USERS));
        diag_list_done(&d);
        /* Another host's lack does not touch it. */
        in.relax = NULL;
        in.host = &host_no_mount;
        assert_int_equal(sandbox_check(&in, &d, NULL), 0);
        assert_int_equal(d.n, 0);
        unit_file_free(u);
}

static void test_missing_paths(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\n"
                           "ReadWritePaths=/exists/a -/missing/b\n"       /* 3 */
                           "ReadOnlyPaths=/missing/c\n"                    /* 4 */
                           "InaccessiblePaths=+/exists/in-root\n"          /* 5 */
                           "BindReadOnlyPaths=/missing/src:/dst\n"         /* 6 */
                           "NoExecPaths=/broken\n");                       /* 7 */
        SandboxPath rw[] = { { .path = (char *) "/exists/a" },
                             { .path = (char *) "/missing/b", .ignore_missing = true } };
        SandboxPath ro[] = { { .path = (char *) "/missing/c" } };
        SandboxPath in_root[] = { { .path = (char *) "/exists/in-root", .root_relative = true } };
        SandboxPath noexec[] = { { .path = (char *) "/broken" } };
        SandboxBind binds[] = { { .source = (char *) "/missing/src", .destination = (char *) "/dst",
                                  .read_only = true } };
        UnitSandbox s = {
                .root_directory = (char *) "/root-dir",
                .read_write_paths = { rw, 2 },
                .read_only_paths = { ro, 1 },
                .inaccessible_paths = { in_root, 1 },
                .no_exec_paths = { noexec, 1 },
                .binds = binds,
                .n_binds = 1,
        };
        unsigned calls = 0;
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_all,
                                 .path_exists = fake_exists, .userdata = &calls };
        DiagList d = {};

        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        /* "-/missing/b" is never asked about; "+" paths are looked up under the root. */
        assert_int_equal(calls, 5);
        assert_int_equal(d.n, 3);
        assert_int_equal(d.items[0].line, 4);
        assert_string_equal(d.items[0].key, "ReadOnlyPaths");
        assert_non_null(strstr(d.items[0].message, "/missing/c does not exist"));
        assert_int_equal(d.items[1].line, 7);
        assert_string_equal(d.items[1].key, "NoExecPaths");
        assert_non_null(strstr(d.items[1].message, "cannot tell whether /broken exists"));
        assert_int_equal(d.items[2].line, 6);
        assert_string_equal(d.items[2].key, "BindReadOnlyPaths");
        diag_list_done(&d);

        /* A missing path cannot be relaxed. */
        char *relax[] = { (char *) "ReadOnlyPaths", (char *) "BindReadOnlyPaths", (char *) "NoExecPaths", NULL };
        in.relax = relax;
        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 3);
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_protect_supervisor_default(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\n");
        UnitSandbox s = { .protect_supervisor = -1 };
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_no_mount };
        DiagList d = {};

        /* Without the gate the default is off: nothing to enforce. */
        assert_int_equal(sandbox_check(&in, &d, NULL), 0);
        assert_int_equal(d.n, 0);
        /* With it, the unit needs a mount namespace for it. */
        in.exec_gate = true;
        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.items[0].key, "ProtectSupervisor");
        assert_non_null(strstr(d.items[0].message, "on by default"));
        diag_list_done(&d);
        /* "no" turns it off. */
        s.protect_supervisor = 0;
        assert_int_equal(sandbox_check(&in, &d, NULL), 0);
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_dynamic_user_implied(void **state) {
        UnitFile *u = load("[Service]\nExecStart=/bin/true\nDynamicUser=yes\nProtectHome=tmpfs\n");
        /* As the parser leaves it: the implications applied. */
        UnitSandbox s = { .dynamic_user = true, .protect_system = PROTECT_SYSTEM_STRICT,
                          .protect_home = PROTECT_HOME_TMPFS, .private_tmp = true };
        char *relax[] = { (char *) "DynamicUser", NULL };
        SandboxCheckInput in = { .file = u, .sandbox = &s, .host = &host_no_mount };
        DiagList d = {};
        uint64_t skip = 0;

        /* One error at DynamicUser= for what it implies, one at the written ProtectHome=. */
        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        assert_int_equal(d.n, 2);
        assert_string_equal(d.items[0].key, "ProtectHome");
        assert_int_equal(d.items[0].line, 4);
        assert_string_equal(d.items[1].key, "DynamicUser");
        assert_int_equal(d.items[1].line, 3);
        diag_list_done(&d);
        /* Relaxing DynamicUser= skips what it implies, not what is written. */
        in.relax = relax;
        assert_int_equal(sandbox_check(&in, &d, &skip), -EBADMSG);
        assert_int_equal(skip, SANDBOX_DIRECTIVE_BIT(SANDBOX_DYNAMIC_USER) |
                               SANDBOX_DIRECTIVE_BIT(SANDBOX_PROTECT_SYSTEM) |
                               SANDBOX_DIRECTIVE_BIT(SANDBOX_PRIVATE_TMP));
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_recorded_location(void **state) {
        SandboxPath rw[] = { { .path = (char *) "/missing", .file = (char *) "drop-in.conf", .line = 9 } };
        UnitSandbox s = { .read_write_paths = { rw, 1 } };
        SandboxCheckInput in = { .sandbox = &s, .path_exists = fake_exists };
        DiagList d = {};

        assert_int_equal(sandbox_check(&in, &d, NULL), -EBADMSG);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.items[0].file, "drop-in.conf");
        assert_int_equal(d.items[0].line, 9);
        diag_list_done(&d);
}

static void test_names(void **state) {
        assert_true(sandbox_directive_is_relaxable("PrivateNetwork"));
        assert_true(sandbox_directive_is_relaxable("PrivateUsers"));
        assert_false(sandbox_directive_is_relaxable("SystemCallFilter"));
        assert_false(sandbox_directive_is_relaxable("privatenetwork"));
        for (int d = 0; d < _SANDBOX_DIRECTIVE_MAX; d++)
                assert_int_equal(sandbox_directive_from_string(sandbox_directive_to_string(d)), d);
}

static void test_apply_skip_all(void **state) {
        SandboxPath p[] = { { .path = (char *) "/x" } };
        SandboxTmpfs t[] = { { .path = (char *) "/t" } };
        UnitSandbox s = {
                .protect_system = PROTECT_SYSTEM_FULL, .protect_home = PROTECT_HOME_YES,
                .private_tmp = true, .private_network = true, .root_directory = (char *) "/r",
                .read_only_paths = { p, 1 }, .tmpfs = t, .n_tmpfs = 1, .protect_supervisor = 1,
        };
        UnitSandbox e;

        sandbox_apply_skip(&s, UINT64_MAX, &e);
        assert_int_equal(e.protect_system, PROTECT_SYSTEM_NO);
        assert_int_equal(e.protect_home, PROTECT_HOME_NO);
        assert_false(e.private_tmp || e.private_network);
        assert_null(e.root_directory);
        assert_int_equal(e.read_only_paths.n, 0);
        assert_int_equal(e.n_tmpfs, 0);
        assert_int_equal(e.protect_supervisor, 0);
        sandbox_apply_skip(&s, 0, &e);
        assert_memory_equal(&e, &s, sizeof s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_all_available),
                cmocka_unit_test(test_no_mount_namespace),
                cmocka_unit_test(test_relax_skips_with_warning),
                cmocka_unit_test(test_each_namespace),
                cmocka_unit_test(test_private_users),
                cmocka_unit_test(test_missing_paths),
                cmocka_unit_test(test_protect_supervisor_default),
                cmocka_unit_test(test_dynamic_user_implied),
                cmocka_unit_test(test_recorded_location),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_apply_skip_all),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
