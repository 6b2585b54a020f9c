/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox part of the unit model (UnitConfig.sandbox): every directive with good and bad
 * values, list merges and resets, the old spellings, DynamicUser='s implications, the
 * conflicts, and the [X-Syscage] section. Tables wherever the cases are alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <linux/capability.h>

#include "policy-build.h"
#include "policy.h"
#include "strv.h"
#include "unit-config.h"

typedef struct Line {
        const char *section, *key, *value;
} Line;

static UnitFile *build_unit(const Line *lines, size_t n) {
        UnitFile *u = calloc(1, sizeof(UnitFile));

        assert_non_null(u);
        u->fragment = strdup("t.service");
        for (size_t i = 0; i < n; i++)
                assert_int_equal(unit_file_add(u, lines[i].section, lines[i].key, lines[i].value,
                                               "t.service", (unsigned) i + 1),
                                 0);
        return u;
}

/* Parses LINES (line numbers 1..n of "t.service"). */
static int parse_lines(const Line *lines, size_t n, DiagList *d, UnitConfig **ret) {
        UnitFile *u = build_unit(lines, n);
        int r = unit_config_parse(u, d, ret);

        unit_file_free(u);
        return r;
}

#define LINES(...) (const Line[]) { __VA_ARGS__ }, sizeof((const Line[]) { __VA_ARGS__ }) / sizeof(Line)
#define PARSE(d, ret, ...) parse_lines(LINES(__VA_ARGS__), d, ret)
#define START { "Service", "ExecStart", "/bin/true" }
#define SVC(k, v) { "Service", k, v }

static const Diag *find_diag(const DiagList *d, DiagLevel level, unsigned line, const char *key) {
        for (size_t i = 0; i < d->n; i++)
                if (d->items[i].level == level && d->items[i].line == line &&
                    d->items[i].key && streq(d->items[i].key, key))
                        return &d->items[i];
        return NULL;
}

static void assert_diag(const DiagList *d, DiagLevel level, unsigned line, const char *key,
                        const char *substring) {
        const Diag *x = find_diag(d, level, line, key);

        if (!x) {
                for (size_t i = 0; i < d->n; i++)
                        diag_print(&d->items[i], stderr);
                fail_msg("no %s at line %u for %s", diag_level_to_string(level), line, key);
        }
        if (!strstr(x->message, substring))
                fail_msg("message \"%s\" lacks \"%s\"", x->message, substring);
        assert_string_equal(x->file, "t.service");
}

/* Parses "[Service] KEY=VALUE" after ExecStart= (so at line 2). Returns the config, or NULL
 * after checking that the error at line 2 contains MESSAGE. */
static UnitConfig *parse_one(const char *section, const char *key, const char *value,
                             const char *message) {
        DiagList d = {};
        UnitConfig *c = NULL;
        int r = PARSE(&d, &c, START, { section, key, value });

        if (message) {
                if (r != -EBADMSG)
                        fail_msg("%s=%s: parsed without error", key, value);
                assert_diag(&d, DIAG_ERROR, 2, key, message);
        } else {
                if (r != 0 || diag_list_count(&d, DIAG_ERROR) > 0) {
                        for (size_t i = 0; i < d.n; i++)
                                diag_print(&d.items[i], stderr);
                        fail_msg("%s=%s: %d", key, value, r);
                }
                assert_non_null(c);
        }
        diag_list_done(&d);
        return c;
}

static void test_defaults(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;
        const UnitSandbox *s;

        assert_int_equal(PARSE(&d, &c, START), 0);
        s = &c->sandbox;
        assert_int_equal(s->protect_system, PROTECT_SYSTEM_NO);
        assert_int_equal(s->protect_home, PROTECT_HOME_NO);
        assert_int_equal(s->protect_proc, PROTECT_PROC_DEFAULT);
        assert_int_equal(s->proc_subset, PROC_SUBSET_ALL);
        assert_int_equal(s->protect_supervisor, -1);
        assert_false(s->control_access_full);
        assert_false(s->private_tmp || s->dynamic_user || s->private_mounts_set);
        assert_null(s->root_directory);
        assert_int_equal(s->read_write_paths.n + s->n_binds + s->n_tmpfs, 0);
        assert_false(unit_sandbox_needs_mount_ns(s));
        unit_config_free(c);
        diag_list_done(&d);
}

/* ---- enums ---- */

static int enum_field(const UnitSandbox *s, const char *key) {
        if (streq(key, "ProtectSystem"))
                return s->protect_system;
        if (streq(key, "ProtectHome"))
                return s->protect_home;
        if (streq(key, "ProtectProc"))
                return s->protect_proc;
        if (streq(key, "ProcSubset"))
                return s->proc_subset;
        if (streq(key, "ControlAccess"))
                return s->control_access_full;
        fail_msg("no enum %s", key);
        return -1;
}

static void test_enums(void **state) {
        static const struct {
                const char *section, *key, *value;
                int want; /* -1: error */
        } cases[] = {
                { "Service", "ProtectSystem", "yes", PROTECT_SYSTEM_YES },
                { "Service", "ProtectSystem", "true", PROTECT_SYSTEM_YES },
                { "Service", "ProtectSystem", "1", PROTECT_SYSTEM_YES },
                { "Service", "ProtectSystem", "full", PROTECT_SYSTEM_FULL },
                { "Service", "ProtectSystem", "strict", PROTECT_SYSTEM_STRICT },
                { "Service", "ProtectSystem", "no", PROTECT_SYSTEM_NO },
                { "Service", "ProtectSystem", "off", PROTECT_SYSTEM_NO },
                { "Service", "ProtectSystem", "", PROTECT_SYSTEM_NO },
                { "Service", "ProtectSystem", "strcit", -1 },
                { "Service", "ProtectSystem", "read-only", -1 },
                { "Service", "ProtectHome", "yes", PROTECT_HOME_YES },
                { "Service", "ProtectHome", "on", PROTECT_HOME_YES },
                { "Service", "ProtectHome", "read-only", PROTECT_HOME_READ_ONLY },
                { "Service", "ProtectHome", "tmpfs", PROTECT_HOME_TMPFS },
                { "Service", "ProtectHome", "false", PROTECT_HOME_NO },
                { "Service", "ProtectHome", "strict", -1 },
                { "Service", "ProtectProc", "default", PROTECT_PROC_DEFAULT },
                { "Service", "ProtectProc", "noaccess", PROTECT_PROC_NOACCESS },
                { "Service", "ProtectProc", "invisible", PROTECT_PROC_INVISIBLE },
                { "Service", "ProtectProc", "ptraceable", PROTECT_PROC_PTRACEABLE },
                { "Service", "ProtectProc", "yes", -1 },
                { "Service", "ProtectProc", "hidden", -1 },
                { "Service", "ProcSubset", "all", PROC_SUBSET_ALL },
                { "Service", "ProcSubset", "pid", PROC_SUBSET_PID },
                { "Service", "ProcSubset", "yes", -1 },
                { "Service", "ProcSubset", "pids", -1 },
                { "X-Syscage", "ControlAccess", "read-only", 0 },
                { "X-Syscage", "ControlAccess", "full", 1 },
                { "X-Syscage", "ControlAccess", "", 0 },
                { "X-Syscage", "ControlAccess", "yes", -1 },
                { "X-Syscage", "ControlAccess", "read-write", -1 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                UnitConfig *c = parse_one(cases[i].section, cases[i].key, cases[i].value,
                                          cases[i].want < 0 ? "Invalid" : NULL);
                if (cases[i].want >= 0 && enum_field(&c->sandbox, cases[i].key) != cases[i].want)
                        fail_msg("%s=%s: got %d, want %d", cases[i].key, cases[i].value,
                                 enum_field(&c->sandbox, cases[i].key), cases[i].want);
                unit_config_free(c);
        }
}

/* The last assignment wins, the empty one restores the default. */
static void test_enum_override(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, SVC("ProtectSystem", "strict"),
                               SVC("ProtectSystem", "full"), SVC("ProtectHome", "tmpfs"),
                               SVC("ProtectHome", ""), SVC("ProtectProc", "invisible")),
                         0);
        assert_int_equal(c->sandbox.protect_system, PROTECT_SYSTEM_FULL);
        assert_int_equal(c->sandbox.protect_home, PROTECT_HOME_NO);
        assert_int_equal(c->sandbox.protect_proc, PROTECT_PROC_INVISIBLE);
        assert_int_equal(d.n, 0);
        unit_config_free(c);
        diag_list_done(&d);
}

/* ---- booleans ---- */

static void test_booleans(void **state) {
        static const struct {
                const char *key;
                size_t offset;
        } keys[] = {
                { "PrivateTmp", offsetof(UnitSandbox, private_tmp) },
                { "PrivateDevices", offsetof(UnitSandbox, private_devices) },
                { "PrivateNetwork", offsetof(UnitSandbox, private_network) },
                { "PrivateIPC", offsetof(UnitSandbox, private_ipc) },
                { "PrivateUsers", offsetof(UnitSandbox, private_users) },
                { "PrivateMounts", offsetof(UnitSandbox, private_mounts) },
                { "ProtectHostname", offsetof(UnitSandbox, protect_hostname) },
                { "ProtectKernelTunables", offsetof(UnitSandbox, protect_kernel_tunables) },
                { "ProtectKernelModules", offsetof(UnitSandbox, protect_kernel_modules) },
                { "ProtectKernelLogs", offsetof(UnitSandbox, protect_kernel_logs) },
                { "ProtectControlGroups", offsetof(UnitSandbox, protect_control_groups) },
                { "MountAPIVFS", offsetof(UnitSandbox, mount_api_vfs) },
                { "DynamicUser", offsetof(UnitSandbox, dynamic_user) },
                { "RemoveIPC", offsetof(UnitSandbox, remove_ipc) },
        };
        static const struct {
                const char *value;
                int want;
        } values[] = {
                { "yes", 1 }, { "true", 1 }, { "on", 1 }, { "1", 1 }, { "no", 0 },
                { "off", 0 }, { "0", 0 }, { "", 0 }, { "maybe", -1 }, { "2", -1 },
        };

        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                for (size_t v = 0; v < ELEMENTSOF(values); v++) {
                        UnitConfig *c = parse_one("Service", keys[k].key, values[v].value,
                                                  values[v].want < 0 ? "boolean" : NULL);
                        if (!c)
                                continue;
                        bool got = *(bool *) ((uint8_t *) &c->sandbox + keys[k].offset);
                        if (got != values[v].want)
                                fail_msg("%s=%s: got %d", keys[k].key, values[v].value, got);
                        unit_config_free(c);
                }
}

/* PrivateMounts= and MountAPIVFS= remember an explicit assignment; the empty value forgets
 * it. ProtectHostname= also takes "private". */
static void test_boolean_specials(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, SVC("PrivateMounts", "no"),
                               SVC("MountAPIVFS", "yes"), SVC("MountAPIVFS", ""),
                               SVC("ProtectHostname", "private")),
                         0);
        assert_true(c->sandbox.private_mounts_set);
        assert_false(c->sandbox.private_mounts);
        assert_false(c->sandbox.mount_api_vfs_set);
        assert_false(c->sandbox.mount_api_vfs);
        assert_true(c->sandbox.protect_hostname);
        unit_config_free(c);
        diag_list_done(&d);
}

/* ---- path lists ---- */

static char *join_paths(const SandboxPathList *l) {
        char *s = strdup("");

        for (size_t i = 0; s && i < l->n; i++) {
                char *n = NULL;
                assert_true(asprintf(&n, "%s%s%s%s%s", s, i ? "|" : "",
                                     l->items[i].ignore_missing ? "-" : "",
                                     l->items[i].root_relative ? "+" : "", l->items[i].path) >= 0);
                free(s);
                s = n;
        }
        assert_non_null(s);
        return s;
}

static const SandboxPathList *path_list(const UnitSandbox *s, const char *key) {
        if (strneq(key, "ReadWrite", 9))
                return &s->read_write_paths;
        if (strneq(key, "ReadOnly", 8))
                return &s->read_only_paths;
        if (strneq(key, "Inaccessible", 12))
                return &s->inaccessible_paths;
        if (streq(key, "ExecPaths"))
                return &s->exec_paths;
        if (streq(key, "NoExecPaths"))
                return &s->no_exec_paths;
        fail_msg("no path list %s", key);
        return NULL;
}

static void test_path_values(void **state) {
        static const char *const keys[] = { "ReadWritePaths", "ReadOnlyPaths",
                                            "InaccessiblePaths", "ExecPaths", "NoExecPaths" };
        static const struct {
                const char *value;
                const char *want;    /* joined, or NULL for an error */
                const char *message; /* of the error */
        } cases[] = {
                { "/var/lib/x", "/var/lib/x", NULL },
                { "/a //b/ /c/./d/", "/a|/b|/c/d", NULL },
                { "/", "/", NULL },
                { "//", "/", NULL },
                { "-/opt/x", "-/opt/x", NULL },
                { "+/opt/x", "+/opt/x", NULL },
                { "-+/opt/x +-/opt/y", "-+/opt/x|-+/opt/y", NULL },
                { "\"/with space\" '/q'", "/with space|/q", NULL },
                { "var/lib", NULL, "must be an absolute path" },
                { "/a relative", NULL, "must be an absolute path" },
                { "--/x", NULL, "must be an absolute path" },
                { "++/x", NULL, "must be an absolute path" },
                { "-", NULL, "must be an absolute path" },
                { "\"\"", NULL, "must be an absolute path" },
                { "/a/../b", NULL, "\"..\"" },
                { "/..", NULL, "\"..\"" },
                { "/a\\x01b", NULL, "control character" },
                { "/a \"/b", NULL, "quoting" },
        };

        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                        UnitConfig *c = parse_one("Service", keys[k], cases[i].value,
                                                  cases[i].message);
                        if (!c)
                                continue;
                        char *j = join_paths(path_list(&c->sandbox, keys[k]));
                        if (!streq(j, cases[i].want))
                                fail_msg("%s=%s: got \"%s\", want \"%s\"", keys[k],
                                         cases[i].value, j, cases[i].want);
                        free(j);
                        unit_config_free(c);
                }
}

static void test_path_list_merge_reset(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;
        char *j;

        assert_int_equal(PARSE(&d, &c, START, SVC("ReadWritePaths", "/a /b"),
                               SVC("ReadWritePaths", ""), SVC("ReadWritePaths", "/c"),
                               SVC("ReadWriteDirectories", "-/d"),
                               SVC("ReadOnlyDirectories", "/ro"),
                               SVC("InaccessibleDirectories", "/hidden"),
                               SVC("ReadOnlyPaths", "/ro2")),
                         0);
        j = join_paths(&c->sandbox.read_write_paths);
        assert_string_equal(j, "/c|-/d");
        free(j);
        j = join_paths(&c->sandbox.read_only_paths);
        assert_string_equal(j, "/ro|/ro2");
        free(j);
        j = join_paths(&c->sandbox.inaccessible_paths);
        assert_string_equal(j, "/hidden");
        free(j);
        /* Each entry remembers where it was written. */
        assert_string_equal(c->sandbox.read_write_paths.items[1].file, "t.service");
        assert_int_equal(c->sandbox.read_write_paths.items[1].line, 5);
        assert_diag(&d, DIAG_WARNING, 5, "ReadWriteDirectories",
                    "deprecated spelling of ReadWritePaths=");
        assert_diag(&d, DIAG_WARNING, 6, "ReadOnlyDirectories",
                    "deprecated spelling of ReadOnlyPaths=");
        assert_diag(&d, DIAG_WARNING, 7, "InaccessibleDirectories",
                    "deprecated spelling of InaccessiblePaths=");
        assert_int_equal(d.n, 3);
        assert_true(unit_sandbox_needs_mount_ns(&c->sandbox));
        unit_config_free(c);
        diag_list_done(&d);

        /* A line with one bad entry adds none of its entries. */
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, SVC("ReadOnlyPaths", "/ok"),
                               SVC("ReadOnlyPaths", "/fine relative")),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 3, "ReadOnlyPaths", "absolute");
        diag_list_done(&d);
}

static void test_path_list_limit(void **state) {
        char *many = NULL, *one_more = NULL;
        DiagList d = {};
        UnitConfig *c = NULL;

        many = strdup("");
        for (unsigned i = 0; many && i < UNIT_SANDBOX_PATHS_MAX; i++) {
                char *n = NULL;
                assert_true(asprintf(&n, "%s /p%u", many, i) >= 0);
                free(many);
                many = n;
        }
        assert_non_null(many);
        assert_int_equal(PARSE(&d, &c, START, SVC("InaccessiblePaths", many)), 0);
        assert_int_equal(c->sandbox.inaccessible_paths.n, UNIT_SANDBOX_PATHS_MAX);
        unit_config_free(c);
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, SVC("InaccessiblePaths", many),
                               SVC("InaccessiblePaths", "/one-more")),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 3, "InaccessiblePaths", "Too many entries");
        assert_true(asprintf(&one_more, "%s /x", many) >= 0);
        diag_list_done(&d);
        assert_int_equal(PARSE(&d, &c, START, SVC("ExecPaths", one_more)), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "ExecPaths", "Too many entries");
        diag_list_done(&d);
        free(many);
        free(one_more);
}

/* ---- binds, tmpfs, root ---- */

static void test_binds(void **state) {
        static const struct {
                const char *key, *value;
                const char *src, *dst; /* NULL src: error */
                bool ignore_missing, recursive;
                const char *message;
        } cases[] = {
                { "BindPaths", "/srv/data", "/srv/data", "/srv/data", false, true, NULL },
                { "BindPaths", "/a:/b", "/a", "/b", false, true, NULL },
                { "BindPaths", "-/a//x/:/b/./y:norbind", "/a/x", "/b/y", true, false, NULL },
                { "BindReadOnlyPaths", "/a:/b:rbind", "/a", "/b", false, true, NULL },
                { "BindPaths", "a:/b", NULL, NULL, false, false, "absolute" },
                { "BindPaths", "/a:b", NULL, NULL, false, false, "absolute" },
                { "BindPaths", "/a:", NULL, NULL, false, false, "Empty bind destination" },
                { "BindPaths", "/a:/b:ro", NULL, NULL, false, false, "rbind or norbind" },
                { "BindPaths", "/a:/b:rbind:x", NULL, NULL, false, false, "rbind or norbind" },
                { "BindReadOnlyPaths", "/a/../etc:/b", NULL, NULL, false, false, "\"..\"" },
                { "BindReadOnlyPaths", "+/a", NULL, NULL, false, false, "absolute" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                UnitConfig *c = parse_one("Service", cases[i].key, cases[i].value,
                                          cases[i].message);
                if (!c)
                        continue;
                assert_int_equal(c->sandbox.n_binds, 1);
                const SandboxBind *b = &c->sandbox.binds[0];
                assert_string_equal(b->source, cases[i].src);
                assert_string_equal(b->destination, cases[i].dst);
                assert_int_equal(b->ignore_missing, cases[i].ignore_missing);
                assert_int_equal(b->recursive, cases[i].recursive);
                assert_int_equal(b->read_only, streq(cases[i].key, "BindReadOnlyPaths"));
                assert_int_equal(b->line, 2);
                unit_config_free(c);
        }
}

/* The two directives add to one list; an empty assignment of either resets all of it, as in
 * systemd. */
static void test_binds_reset(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, SVC("BindPaths", "/a /b"),
                               SVC("BindReadOnlyPaths", "/c"), SVC("BindReadOnlyPaths", ""),
                               SVC("BindPaths", "/d"), SVC("BindReadOnlyPaths", "/e /f")),
                         0);
        assert_int_equal(c->sandbox.n_binds, 3);
        assert_string_equal(c->sandbox.binds[0].source, "/d");
        assert_false(c->sandbox.binds[0].read_only);
        assert_string_equal(c->sandbox.binds[2].source, "/f");
        assert_true(c->sandbox.binds[2].read_only);
        unit_config_free(c);
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, SVC("BindReadOnlyPaths", "/e"),
                               SVC("BindPaths", "")),
                         0);
        assert_int_equal(c->sandbox.n_binds, 0);
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_tmpfs(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;
        char *long_options = NULL;

        assert_int_equal(PARSE(&d, &c, START, SVC("TemporaryFileSystem", "/old"),
                               SVC("TemporaryFileSystem", ""),
                               SVC("TemporaryFileSystem", "/var:ro,mode=0755 /run/x/ /y:")),
                         0);
        assert_int_equal(c->sandbox.n_tmpfs, 3);
        assert_string_equal(c->sandbox.tmpfs[0].path, "/var");
        assert_string_equal(c->sandbox.tmpfs[0].options, "ro,mode=0755");
        assert_string_equal(c->sandbox.tmpfs[1].path, "/run/x");
        assert_null(c->sandbox.tmpfs[1].options);
        assert_null(c->sandbox.tmpfs[2].options);
        assert_true(unit_sandbox_needs_mount_ns(&c->sandbox));
        unit_config_free(c);
        diag_list_done(&d);

        unit_config_free(parse_one("Service", "TemporaryFileSystem", "var:ro", "absolute"));
        unit_config_free(parse_one("Service", "TemporaryFileSystem", "/a/..:ro", "\"..\""));
        assert_true(asprintf(&long_options, "/t:%0*d", UNIT_SANDBOX_TMPFS_OPTIONS_MAX + 1, 0) >=
                    0);
        unit_config_free(parse_one("Service", "TemporaryFileSystem", long_options, "too long"));
        free(long_options);
}

static void test_root_directory(void **state) {
        UnitConfig *c = parse_one("Service", "RootDirectory", "/srv/root//", NULL);

        assert_string_equal(c->sandbox.root_directory, "/srv/root");
        assert_true(unit_sandbox_needs_mount_ns(&c->sandbox));
        unit_config_free(c);
        unit_config_free(parse_one("Service", "RootDirectory", "srv/root", "absolute"));
        unit_config_free(parse_one("Service", "RootDirectory", "/srv/../root", "\"..\""));
        c = parse_one("Service", "RootDirectory", "", NULL);
        assert_null(c->sandbox.root_directory);
        unit_config_free(c);
}

/* ---- DynamicUser= ---- */

static void assert_dynamic_user_implied(const UnitConfig *c, ProtectSystem ps, ProtectHome ph) {
        assert_true(c->sandbox.dynamic_user);
        assert_int_equal(c->sandbox.protect_system, ps);
        assert_int_equal(c->sandbox.protect_home, ph);
        assert_true(c->sandbox.private_tmp);
        assert_true(c->sandbox.remove_ipc);
        assert_true(c->no_new_privileges);
        assert_true(unit_sandbox_needs_mount_ns(&c->sandbox));
}

static void test_dynamic_user_implies(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        /* Whatever the order: the implication is applied after all assignments. */
        assert_int_equal(PARSE(&d, &c, START, SVC("DynamicUser", "yes"),
                               SVC("ProtectSystem", "no"), SVC("PrivateTmp", "no"),
                               SVC("NoNewPrivileges", "no")),
                         0);
        assert_dynamic_user_implied(c, PROTECT_SYSTEM_STRICT, PROTECT_HOME_READ_ONLY);
        unit_config_free(c);
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, SVC("ProtectSystem", "full"),
                               SVC("DynamicUser", "yes")),
                         0);
        assert_dynamic_user_implied(c, PROTECT_SYSTEM_STRICT, PROTECT_HOME_READ_ONLY);
        unit_config_free(c);
        c = NULL;
        /* A stronger ProtectHome= stays. */
        assert_int_equal(PARSE(&d, &c, START, SVC("ProtectHome", "tmpfs"),
                               SVC("DynamicUser", "yes"), SVC("User", "app")),
                         0);
        assert_dynamic_user_implied(c, PROTECT_SYSTEM_STRICT, PROTECT_HOME_TMPFS);
        unit_config_free(c);
        c = NULL;
        /* Switched off again: nothing implied. */
        assert_int_equal(PARSE(&d, &c, START, SVC("DynamicUser", "yes"),
                               SVC("DynamicUser", "no")),
                         0);
        assert_int_equal(c->sandbox.protect_system, PROTECT_SYSTEM_NO);
        assert_false(c->sandbox.private_tmp || c->no_new_privileges);
        unit_config_free(c);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        diag_list_done(&d);
}

static void test_dynamic_user_root(void **state) {
        static const char *const roots[] = { "root", "0" };

        for (size_t i = 0; i < ELEMENTSOF(roots); i++) {
                DiagList d = {};
                UnitConfig *c = NULL;

                assert_int_equal(PARSE(&d, &c, START, SVC("User", roots[i]),
                                       SVC("DynamicUser", "yes")),
                                 -EBADMSG);
                assert_diag(&d, DIAG_ERROR, 3, "DynamicUser", "conflicts with User=");
                assert_diag(&d, DIAG_ERROR, 3, "DynamicUser", "t.service:2");
                diag_list_done(&d);
        }
}

/* ---- conflicts between lists ---- */

static void test_rw_inaccessible_conflict(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, SVC("ReadWritePaths", "/var/lib/x /other"),
                               SVC("InaccessiblePaths", "/srv -/var/lib//x/")),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 3, "InaccessiblePaths", "ReadWritePaths= (t.service:2)");
        assert_diag(&d, DIAG_ERROR, 3, "InaccessiblePaths", "/var/lib/x");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 1);
        diag_list_done(&d);

        /* Not a conflict: a reset in between, a path below, a path under the root. */
        assert_int_equal(PARSE(&d, &c, START, SVC("InaccessiblePaths", "/a"),
                               SVC("ReadWritePaths", "/a"), SVC("ReadWritePaths", ""),
                               SVC("ReadWritePaths", "/a/b +/a")),
                         0);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        unit_config_free(c);
        diag_list_done(&d);
}

/* ---- [X-Syscage] ---- */

static void test_x_syscage(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "X-Syscage", "ProtectSupervisor", "no" },
                               { "X-Syscage", "ControlAccess", "full" }),
                         0);
        assert_int_equal(c->sandbox.protect_supervisor, 0);
        assert_true(c->sandbox.control_access_full);
        assert_false(unit_sandbox_needs_mount_ns(&c->sandbox));
        unit_config_free(c);
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, { "X-Syscage", "ProtectSupervisor", "yes" }), 0);
        assert_int_equal(c->sandbox.protect_supervisor, 1);
        assert_true(unit_sandbox_needs_mount_ns(&c->sandbox));
        unit_config_free(c);
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, { "X-Syscage", "ProtectSupervisor", "yes" },
                               { "X-Syscage", "ProtectSupervisor", "" }),
                         0);
        assert_int_equal(c->sandbox.protect_supervisor, -1);
        unit_config_free(c);
        assert_int_equal(d.n, 0);
        c = NULL;

        /* Errors: a bad value, any unknown key (even X-), and our keys elsewhere only warn. */
        assert_int_equal(PARSE(&d, &c, START, { "X-Syscage", "ProtectSupervisor", "maybe" },
                               { "X-Syscage", "ProtectSupervisr", "yes" },
                               { "X-Syscage", "X-Note", "x" },
                               { "X-Syscage", "PrivateTmp", "yes" },
                               { "Service", "ProtectSupervisor", "yes" },
                               { "X-Other", "ProtectSupervisr", "yes" }),
                         -EBADMSG);
        assert_null(c);
        assert_diag(&d, DIAG_ERROR, 2, "ProtectSupervisor", "boolean");
        assert_diag(&d, DIAG_ERROR, 3, "ProtectSupervisr", "Unknown key");
        assert_diag(&d, DIAG_ERROR, 4, "X-Note", "Unknown key");
        assert_diag(&d, DIAG_ERROR, 5, "PrivateTmp", "Unknown key");
        assert_diag(&d, DIAG_WARNING, 6, "ProtectSupervisor", "belongs in section 'X-Syscage'");
        assert_int_equal(d.n, 5);
        diag_list_done(&d);
        assert_string_equal(unit_config_key_section("ProtectSupervisor"), "X-Syscage");
        assert_string_equal(unit_config_key_section("ControlAccess"), "X-Syscage");
        assert_string_equal(unit_config_key_section("PrivateTmp"), "Service");
        assert_string_equal(unit_config_key_section("ReadWriteDirectories"), "Service");
}

/* ---- the keys shared with the policy, the not-enforced list ---- */

static void test_shared_with_policy(void **state) {
        static const struct {
                const char *key;
                PolicyDirective directive;
        } keys[] = {
                { "ProtectKernelTunables", POLICY_DIRECTIVE_PROTECT_KERNEL_TUNABLES },
                { "ProtectKernelModules", POLICY_DIRECTIVE_PROTECT_KERNEL_MODULES },
                { "ProtectKernelLogs", POLICY_DIRECTIVE_PROTECT_KERNEL_LOGS },
                { "ProtectHostname", POLICY_DIRECTIVE_PROTECT_HOSTNAME },
                { "PrivateDevices", POLICY_DIRECTIVE_PRIVATE_DEVICES },
                { "ProtectClock", POLICY_DIRECTIVE_PROTECT_CLOCK },
        };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                UnitFile *u = build_unit(LINES(START, SVC(keys[i].key, "yes")));
                DiagList d = {};
                UnitConfig *c = NULL;
                Policy *p = NULL;
                bool seen = false;

                assert_true(unit_config_key_is_policy(keys[i].key));
                assert_int_equal(unit_config_parse(u, &d, &c), 0);
                assert_int_equal(c->n_not_enforced, 0);
                assert_int_equal(policy_build(u, &d, &p), 0);
                for (size_t j = 0; j < p->n_rules; j++)
                        seen = seen || p->rules[j].origin.directive == keys[i].directive;
                if (!seen)
                        fail_msg("%s=yes: no filter rule from the policy", keys[i].key);
                assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
                policy_free(p);
                unit_config_free(c);
                unit_file_free(u);
                diag_list_done(&d);
        }
}

static void test_no_longer_not_enforced(void **state) {
        static const char *const keys[][2] = {
                { "PrivateTmp", "yes" },          { "ProtectSystem", "strict" },
                { "ProtectHome", "read-only" },   { "ReadWritePaths", "/a" },
                { "ReadOnlyPaths", "/b" },        { "InaccessiblePaths", "/c" },
                { "ExecPaths", "/d" },            { "NoExecPaths", "/e" },
                { "TemporaryFileSystem", "/f" },  { "BindPaths", "/g" },
                { "BindReadOnlyPaths", "/h" },    { "PrivateNetwork", "yes" },
                { "PrivateUsers", "yes" },        { "PrivateIPC", "yes" },
                { "PrivateMounts", "yes" },       { "ProtectControlGroups", "yes" },
                { "ProtectProc", "invisible" },   { "ProcSubset", "pid" },
                { "DynamicUser", "yes" },         { "RemoveIPC", "yes" },
                { "MountAPIVFS", "yes" },         { "RootDirectory", "/srv/r" },
        };

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                DiagList d = {};
                UnitConfig *c = NULL;

                assert_int_equal(PARSE(&d, &c, START, SVC(keys[i][0], keys[i][1])), 0);
                assert_int_equal(c->n_not_enforced, 0);
                if (d.n != 0) {
                        diag_print(&d.items[0], stderr);
                        fail_msg("%s=%s: %zu diagnostics", keys[i][0], keys[i][1], d.n);
                }
                unit_config_free(c);
                diag_list_done(&d);
        }
}

static void test_needs_mount_ns(void **state) {
        static const struct {
                const char *key, *value;
                bool want;
        } cases[] = {
                { "PrivateNetwork", "yes", false }, { "PrivateIPC", "yes", false },
                { "PrivateUsers", "yes", false },   { "ProtectHostname", "yes", false },
                { "MountAPIVFS", "yes", false },    { "RemoveIPC", "yes", false },
                { "PrivateTmp", "yes", true },      { "PrivateDevices", "yes", true },
                { "PrivateMounts", "yes", true },   { "ProtectSystem", "yes", true },
                { "ProtectHome", "yes", true },     { "ProtectProc", "noaccess", true },
                { "ProcSubset", "pid", true },      { "ProtectKernelTunables", "yes", true },
                { "ProtectKernelModules", "yes", true }, { "ProtectKernelLogs", "yes", true },
                { "ProtectControlGroups", "yes", true }, { "DynamicUser", "yes", true },
                { "ReadOnlyPaths", "/x", true },    { "ExecPaths", "/x", true },
                { "NoExecPaths", "/x", true },      { "BindReadOnlyPaths", "/x", true },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                UnitConfig *c = parse_one("Service", cases[i].key, cases[i].value, NULL);
                if (unit_sandbox_needs_mount_ns(&c->sandbox) != cases[i].want)
                        fail_msg("%s=%s: needs_mount_ns != %d", cases[i].key, cases[i].value,
                                 cases[i].want);
                unit_config_free(c);
        }
}

static void test_string_tables(void **state) {
        for (int i = 0; i < _PROTECT_SYSTEM_MAX; i++)
                assert_int_equal(protect_system_from_string(protect_system_to_string(i)), i);
        for (int i = 0; i < _PROTECT_HOME_MAX; i++)
                assert_int_equal(protect_home_from_string(protect_home_to_string(i)), i);
        for (int i = 0; i < _PROTECT_PROC_MAX; i++)
                assert_int_equal(protect_proc_from_string(protect_proc_to_string(i)), i);
        for (int i = 0; i < _PROC_SUBSET_MAX; i++)
                assert_int_equal(proc_subset_from_string(proc_subset_to_string(i)), i);
        for (int i = 0; i < _CONTROL_ACCESS_MAX; i++)
                assert_int_equal(control_access_from_string(control_access_to_string(i)), i);
        assert_null(protect_system_to_string(_PROTECT_SYSTEM_MAX));
        assert_null(protect_home_to_string(-1));
        assert_int_equal(protect_proc_from_string("yes"), -EINVAL);
        assert_int_equal(proc_subset_from_string(NULL), -EINVAL);
        assert_string_equal(protect_home_to_string(PROTECT_HOME_READ_ONLY), "read-only");
}

/* unit_sandbox_done() leaves the defaults behind and may be called twice. */
static void test_done(void **state) {
        UnitConfig *c = parse_one("Service", "BindPaths", "/a:/b", NULL);
        UnitSandbox s = c->sandbox;

        c->sandbox = (UnitSandbox) {};
        unit_sandbox_init(&c->sandbox);
        unit_sandbox_done(&s);
        assert_int_equal(s.n_binds, 0);
        assert_int_equal(s.protect_supervisor, -1);
        unit_sandbox_done(&s);
        unit_sandbox_done(NULL);
        unit_config_free(c);
}

/* PrivateDevices= and friends take capabilities away, as in systemd; nothing else does. */
static void test_capabilities_removed(void **state) {
        UnitSandbox s;

        unit_sandbox_init(&s);
        assert_int_equal(unit_sandbox_capabilities_removed(&s), 0);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.private_tmp = s.protect_kernel_tunables = true;
        assert_int_equal(unit_sandbox_capabilities_removed(&s), 0);
        s.private_devices = true;
        assert_true(unit_sandbox_capabilities_removed(&s) ==
                    ((UINT64_C(1) << CAP_MKNOD) | (UINT64_C(1) << CAP_SYS_RAWIO)));
        s.private_devices = false;
        s.protect_kernel_modules = true;
        assert_true(unit_sandbox_capabilities_removed(&s) == (UINT64_C(1) << CAP_SYS_MODULE));
        s.protect_kernel_modules = false;
        s.protect_kernel_logs = true;
        assert_true(unit_sandbox_capabilities_removed(&s) == (UINT64_C(1) << CAP_SYSLOG));
        s.protect_kernel_logs = false;
        s.protect_clock = true;
        assert_true(unit_sandbox_capabilities_removed(&s) ==
                    ((UINT64_C(1) << CAP_SYS_TIME) | (UINT64_C(1) << CAP_WAKE_ALARM)));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_capabilities_removed),
                cmocka_unit_test(test_enums),
                cmocka_unit_test(test_enum_override),
                cmocka_unit_test(test_booleans),
                cmocka_unit_test(test_boolean_specials),
                cmocka_unit_test(test_path_values),
                cmocka_unit_test(test_path_list_merge_reset),
                cmocka_unit_test(test_path_list_limit),
                cmocka_unit_test(test_binds),
                cmocka_unit_test(test_binds_reset),
                cmocka_unit_test(test_tmpfs),
                cmocka_unit_test(test_root_directory),
                cmocka_unit_test(test_dynamic_user_implies),
                cmocka_unit_test(test_dynamic_user_root),
                cmocka_unit_test(test_rw_inaccessible_conflict),
                cmocka_unit_test(test_x_syscage),
                cmocka_unit_test(test_shared_with_policy),
                cmocka_unit_test(test_no_longer_not_enforced),
                cmocka_unit_test(test_needs_mount_ns),
                cmocka_unit_test(test_string_tables),
                cmocka_unit_test(test_done),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
