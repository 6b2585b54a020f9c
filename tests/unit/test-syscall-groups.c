/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <seccomp.h>

#include "strv.h"
#include "syscall-groups.h"

/* Every group systemd defines, plus @sandbox (newer than systemd 252). */
static const char *const expected_groups[] = {
        "@default", "@aio", "@basic-io", "@chown", "@clock", "@cpu-emulation", "@debug",
        "@file-system", "@io-event", "@ipc", "@keyring", "@memlock", "@module", "@mount",
        "@network-io", "@obsolete", "@pkey", "@privileged", "@process", "@raw-io", "@reboot",
        "@resources", "@sandbox", "@setuid", "@signal", "@swap", "@sync", "@system-service",
        "@timer", "@known",
};

/* Names in the table that libseccomp 2.5.4 cannot resolve on any architecture it supports.
 * Anything else that fails to resolve is a typo. */
static const char *const unresolvable_allowlist[] = {
        /* Calls that exist only on architectures libseccomp does not support (alpha, arc, m68k,
         * openrisc, sparc, ...). systemd lists them in @known, and so do we. */
        "arc_gettls", "arc_settls", "arc_usr_cmpxchg", "atomic_barrier", "atomic_cmpxchg_32",
        "dipc", "exec_with_loader", "execv", "getdomainname", "getdtablesize", "gethostname",
        "getpagesize", "getxgid", "getxpid", "getxuid", "kern_features", "memory_ordering",
        "old_adjtimex", "oldumount", "or1k_atomic", "osf_fstat", "osf_fstatfs", "osf_fstatfs64",
        "osf_getdirentries", "osf_getdomainname", "osf_getitimer", "osf_getrusage",
        "osf_getsysinfo", "osf_gettimeofday", "osf_lstat", "osf_mount", "osf_proplist_syscall",
        "osf_select", "osf_set_program_attributes", "osf_setitimer", "osf_setsysinfo",
        "osf_settimeofday", "osf_shmat", "osf_sigprocmask", "osf_sigstack", "osf_stat",
        "osf_statfs", "osf_statfs64", "osf_swapon", "osf_syscall", "osf_sysinfo",
        "osf_usleep_thread", "osf_utimes", "osf_utsname", "osf_wait4", "perfctr",
        "sched_get_affinity", "sched_set_affinity", "sethae", "setpgrp", "utrap_install",
        /* Newer than libseccomp 2.5.4, with the kernel release that added them. */
        "riscv_hwprobe",                        /* 6.4 */
        "listmount", "statmount",               /* 6.8 */
        "mseal",                                /* 6.10 */
        "uretprobe",                            /* 6.11 */
        "getxattrat", "listxattrat", "removexattrat", "setxattrat", /* 6.13 */
        "open_tree_attr",                       /* 6.15 */
        "file_getattr", "file_setattr",         /* 6.17 */
};

/* Every architecture libseccomp 2.5.4 has a syscall table for. */
static const uint32_t seccomp_archs[] = {
        SCMP_ARCH_X86,      SCMP_ARCH_X86_64,    SCMP_ARCH_X32,         SCMP_ARCH_ARM,
        SCMP_ARCH_AARCH64,  SCMP_ARCH_MIPS,      SCMP_ARCH_MIPS64,      SCMP_ARCH_MIPS64N32,
        SCMP_ARCH_MIPSEL,   SCMP_ARCH_MIPSEL64,  SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_PPC,
        SCMP_ARCH_PPC64,    SCMP_ARCH_PPC64LE,   SCMP_ARCH_S390,        SCMP_ARCH_S390X,
        SCMP_ARCH_PARISC,   SCMP_ARCH_PARISC64,  SCMP_ARCH_RISCV64,
};

static int collect_cb(const char *syscall, void *userdata) {
        char ***l = userdata;

        if (strv_contains(*l, syscall))
                return 0;
        return strv_extend(l, syscall);
}

/* The expansion of group NAME without duplicates. */
static char **expand(const char *name) {
        const SyscallGroup *g = syscall_group_find(name);
        char **l = NULL;

        assert_non_null(g);
        assert_int_equal(syscall_group_foreach(g, collect_cb, &l), 0);
        assert_non_null(l);
        return l;
}

static bool members_contain(const SyscallGroup *g, const char *name) {
        for (const char *const *m = g->members; *m; m++)
                if (strcmp(*m, name) == 0)
                        return true;
        return false;
}

static bool in_list(const char *const *list, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], name) == 0)
                        return true;
        return false;
}

static void test_find_every_group(void **state) {
        assert_int_equal(syscall_groups_count, ELEMENTSOF(expected_groups));
        for (size_t i = 0; i < ELEMENTSOF(expected_groups); i++) {
                const SyscallGroup *g = syscall_group_find(expected_groups[i]);
                assert_non_null(g);
                assert_string_equal(g->name, expected_groups[i]);
                /* Table order is systemd's: @default, the rest alphabetically, @known last. */
                assert_ptr_equal(g, &syscall_groups[i]);
        }
        assert_null(syscall_group_find("@nope"));
        assert_null(syscall_group_find("system-service"));
        assert_null(syscall_group_find("@System-Service"));
        assert_null(syscall_group_find(""));
        assert_null(syscall_group_find(NULL));
}

static void test_group_fields(void **state) {
        for (size_t i = 0; i < syscall_groups_count; i++) {
                const SyscallGroup *g = &syscall_groups[i];

                assert_int_equal(g->name[0], '@');
                assert_non_null(g->help);
                assert_true(strlen(g->help) > 0 && strlen(g->help) < 80);
                assert_null(strchr(g->help, '\n'));
                assert_non_null(g->members);
                assert_non_null(g->members[0]);
                /* Names are unique across the table. */
                assert_ptr_equal(syscall_group_find(g->name), g);
        }
}

static void test_nested_expansion(void **state) {
        _cleanup_strv_free_ char **service = expand("@system-service");
        _cleanup_strv_free_ char **privileged = expand("@privileged");
        _cleanup_strv_free_ char **known = expand("@known");
        _cleanup_strv_free_ char **basic = expand("@basic-io");

        assert_true(strv_contains(service, "read"));              /* via @basic-io */
        assert_true(strv_contains(service, "exit_group"));        /* via @default */
        assert_true(strv_contains(service, "landlock_restrict_self")); /* via @sandbox */
        assert_true(strv_contains(service, "sched_yield"));       /* own member */
        assert_false(strv_contains(service, "mount"));
        assert_false(strv_contains(service, "reboot"));
        assert_false(strv_contains(service, "@default"));

        /* chown reaches @privileged only through @chown. */
        assert_false(members_contain(syscall_group_find("@privileged"), "chown"));
        assert_true(members_contain(syscall_group_find("@privileged"), "@chown"));
        assert_true(strv_contains(privileged, "chown"));
        assert_true(strv_contains(privileged, "init_module"));   /* via @module */
        assert_true(strv_contains(privileged, "reboot"));         /* via @reboot */
        assert_false(strv_contains(privileged, "read"));

        assert_true(strv_contains(known, "_sysctl"));             /* via @obsolete */
        assert_true(strv_contains(known, "openat"));

        assert_int_equal(strv_length(basic), 17);
}

static void test_nested_groups_exist(void **state) {
        for (size_t i = 0; i < syscall_groups_count; i++)
                for (const char *const *m = syscall_groups[i].members; *m; m++) {
                        if ((*m)[0] != '@')
                                continue;
                        const SyscallGroup *sub = syscall_group_find(*m);
                        if (!sub)
                                fail_msg("%s names unknown group %s", syscall_groups[i].name, *m);
                        assert_ptr_not_equal(sub, &syscall_groups[i]);
                }
}

static void test_sorted_unique(void **state) {
        for (size_t i = 0; i < syscall_groups_count; i++) {
                const char *const *m = syscall_groups[i].members;
                for (size_t j = 1; m[j]; j++)
                        if (strcmp(m[j - 1], m[j]) >= 0)
                                fail_msg("%s: \"%s\" is not sorted before \"%s\"",
                                         syscall_groups[i].name, m[j - 1], m[j]);
        }
}

static bool name_is_resolvable(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(seccomp_archs); i++)
                if (seccomp_syscall_resolve_name_arch(seccomp_archs[i], name) != __NR_SCMP_ERROR)
                        return true;
        return false;
}

static void test_member_names_valid(void **state) {
        const size_t n_allow = ELEMENTSOF(unresolvable_allowlist);
        unsigned bad = 0;

        /* The resolver itself must reject a made-up name, or this test proves nothing. */
        assert_false(name_is_resolvable("no_such_syscall"));
        assert_true(name_is_resolvable("openat"));

        for (size_t i = 0; i < syscall_groups_count; i++)
                for (const char *const *m = syscall_groups[i].members; *m; m++) {
                        if ((*m)[0] == '@')
                                continue;
                        assert_true(strspn(*m, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
                                    strlen(*m));
                        if (name_is_resolvable(*m) || in_list(unresolvable_allowlist, n_allow, *m))
                                continue;
                        print_error("%s: \"%s\" is unknown to libseccomp and not allowlisted\n",
                                    syscall_groups[i].name, *m);
                        bad++;
                }
        assert_int_equal(bad, 0);

        /* No stale allowlist entries: each one is used by the table. */
        _cleanup_strv_free_ char **known = expand("@known");
        for (size_t i = 0; i < n_allow; i++)
                if (!strv_contains(known, unresolvable_allowlist[i]))
                        fail_msg("allowlisted \"%s\" is not in @known", unresolvable_allowlist[i]);
}

static void test_known_covers_all(void **state) {
        _cleanup_strv_free_ char **known = expand("@known");

        for (size_t i = 0; i < syscall_groups_count; i++) {
                _cleanup_strv_free_ char **l = expand(syscall_groups[i].name);
                STRV_FOREACH(s, l)
                        if (!strv_contains(known, *s))
                                fail_msg("%s member %s is not in @known", syscall_groups[i].name,
                                         *s);
        }
}

static int count_cb(const char *syscall, void *userdata) {
        (*(unsigned *) userdata)++;
        return strcmp(syscall, "stop_here") == 0 ? -ECANCELED : 0;
}

static void test_foreach_errors(void **state) {
        static const char *const bad_nested[] = { "read", "@no-such-group", "write", NULL };
        static const char *const stops[] = { "a", "stop_here", "b", NULL };
        static const char *const cycle_a[] = { "@b", "x", NULL };
        static const char *const cycle_b[] = { "@a", NULL };
        static const char *const leaf[] = { "y", NULL };
        static const char *const outer[] = { "@leaf", "z", NULL };
        const SyscallGroup g_bad = { "@bad", "bad", bad_nested };
        const SyscallGroup g_stop = { "@stop", "stop", stops };
        const SyscallGroup table[] = {
                { "@a", "a", cycle_a },
                { "@b", "b", cycle_b },
                { "@leaf", "leaf", leaf },
                { "@outer", "outer", outer },
        };
        unsigned n = 0;

        assert_int_equal(syscall_group_foreach(&g_bad, count_cb, &n), -EINVAL);
        assert_int_equal(n, 1);

        n = 0;
        assert_int_equal(syscall_group_foreach(&g_stop, count_cb, &n), -ECANCELED);
        assert_int_equal(n, 2);

        n = 0;
        assert_int_equal(syscall_group_foreach_in(table, 4, &table[0], count_cb, &n), -ELOOP);
        n = 0;
        assert_int_equal(syscall_group_foreach_in(table, 4, &table[3], count_cb, &n), 0);
        assert_int_equal(n, 2);
        /* "@leaf" is not in the global table. */
        assert_int_equal(syscall_group_foreach(&table[3], count_cb, &n), -EINVAL);

        assert_int_equal(syscall_group_foreach(NULL, count_cb, &n), -EINVAL);
        assert_int_equal(syscall_group_foreach(&syscall_groups[0], NULL, NULL), -EINVAL);
}

static char *dump_to_string(const SyscallGroup *g) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        assert_int_equal(syscall_group_dump(f, g), 0);
        assert_int_equal(fclose(f), 0);
        return buf;
}

static size_t count_lines(const char *s) {
        size_t n = 0;
        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static void test_dump_one(void **state) {
        const SyscallGroup *g = syscall_group_find("@privileged");
        _cleanup_free_ char *out = dump_to_string(g);
        size_t n_members = 0;
        char expect[256];

        for (const char *const *m = g->members; *m; m++)
                n_members++;
        snprintf(expect, sizeof(expect), "@privileged\n    # %s\n    @chown\n    @clock\n",
                 g->help);
        assert_true(strncmp(out, expect, strlen(expect)) == 0);
        assert_non_null(strstr(out, "\n    @swap\n    _sysctl\n"));
        assert_non_null(strstr(out, "\n    vhangup\n"));
        assert_int_equal(count_lines(out), 2 + n_members);
        assert_int_equal(out[strlen(out) - 1], '\n');
        assert_null(strstr(out, "\n\n"));
}

static void test_dump_all(void **state) {
        _cleanup_free_ char *out = dump_to_string(NULL);
        size_t lines = 0, blocks = 1;

        for (size_t i = 0; i < syscall_groups_count; i++) {
                lines += 2;
                for (const char *const *m = syscall_groups[i].members; *m; m++)
                        lines++;
        }
        for (const char *p = out; (p = strstr(p, "\n\n")); p += 2)
                blocks++;

        assert_int_equal(blocks, syscall_groups_count);
        assert_int_equal(count_lines(out), lines + syscall_groups_count - 1);
        assert_true(strncmp(out, "@default\n    # ", strlen("@default\n    # ")) == 0);
        assert_non_null(strstr(out, "\n\n@known\n    # "));
        assert_non_null(strstr(out, "\n\n@system-service\n    # "));
        assert_int_equal(syscall_group_dump(NULL, NULL), -EINVAL);
}

static void test_dump_write_error(void **state) {
        FILE *f = fopen("/dev/null", "re");

        assert_non_null(f);
        assert_int_equal(syscall_group_dump(f, syscall_group_find("@swap")), -EIO);
        assert_int_equal(fclose(f), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_find_every_group),
                cmocka_unit_test(test_group_fields),
                cmocka_unit_test(test_nested_expansion),
                cmocka_unit_test(test_nested_groups_exist),
                cmocka_unit_test(test_sorted_unique),
                cmocka_unit_test(test_member_names_valid),
                cmocka_unit_test(test_known_covers_all),
                cmocka_unit_test(test_foreach_errors),
                cmocka_unit_test(test_dump_one),
                cmocka_unit_test(test_dump_all),
                cmocka_unit_test(test_dump_write_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
