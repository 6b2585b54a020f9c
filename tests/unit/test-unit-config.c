/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "strv.h"
#include "unit-config.h"

typedef struct Line {
        const char *section, *key, *value;
} Line;

/* Builds a UnitFile from LINES (line numbers 1..n, file "t.service") and parses it. */
static int parse_lines(const Line *lines, size_t n, DiagList *d, UnitConfig **ret) {
        UnitFile *u = calloc(1, sizeof(UnitFile));
        int r;

        assert_non_null(u);
        u->fragment = strdup("t.service");
        for (size_t i = 0; i < n; i++)
                assert_int_equal(unit_file_add(u, lines[i].section, lines[i].key, lines[i].value,
                                               "t.service", (unsigned) i + 1),
                                 0);
        r = unit_config_parse(u, d, ret);
        unit_file_free(u);
        return r;
}

#define PARSE(d, ret, ...)                                                                \
        parse_lines((const Line[]) { __VA_ARGS__ },                                       \
                    sizeof((const Line[]) { __VA_ARGS__ }) / sizeof(Line), d, ret)
#define START { "Service", "ExecStart", "/bin/true" }

/* The diagnostic at LINE with KEY of LEVEL, or NULL. */
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
        if (!x)
                fail_msg("no %s at line %u for %s", diag_level_to_string(level), line, key);
        if (!strstr(x->message, substring))
                fail_msg("message \"%s\" lacks \"%s\"", x->message, substring);
        assert_string_equal(x->file, "t.service");
}

static void test_defaults(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START), 0);
        assert_int_equal(d.n, 0);
        assert_int_equal(c->type, SERVICE_SIMPLE);
        assert_int_equal(c->restart, SERVICE_RESTART_NO);
        assert_int_equal(c->restart_sec, 100 * USEC_PER_MSEC);
        assert_int_equal(c->timeout_start, 90 * USEC_PER_SEC);
        assert_int_equal(c->timeout_stop, 90 * USEC_PER_SEC);
        assert_int_equal(c->kill_signal, SIGTERM);
        assert_int_equal(c->kill_mode, KILL_CONTROL_GROUP);
        assert_int_equal(c->umask, 0022);
        assert_int_equal(c->std_input, EXEC_INPUT_NULL);
        assert_int_equal(c->std_output, EXEC_OUTPUT_JOURNAL);
        assert_int_equal(c->std_error, EXEC_OUTPUT_INHERIT);
        assert_true(c->capability_bounding_set == CAPABILITY_MASK_ALL);
        assert_true(c->ambient_capabilities == 0);
        assert_int_equal(c->start_limit_interval, 10 * USEC_PER_SEC);
        assert_int_equal(c->start_limit_burst, 5);
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++)
                assert_int_equal(c->directories[k].mode, 0755);
        assert_int_equal(c->runtime_directory_preserve, RUNTIME_DIRECTORY_PRESERVE_NO);
        assert_false(c->nice_set);
        assert_int_equal(c->exec[SERVICE_EXEC_START].n, 1);
        assert_string_equal(c->exec[SERVICE_EXEC_START].commands[0].path, "/bin/true");
        unit_config_free(c);
        diag_list_done(&d);
}

/* Every directive with a good value (no diagnostics at all) and a bad value (an error at
 * line 2, naming the key). */
static const struct {
        const char *section, *key, *good, *bad, *message;
} directive_cases[] = {
        { "Unit", "Description", "A test", NULL, NULL },
        { "Unit", "StartLimitIntervalSec", "30s", "5x", "time span" },
        { "Unit", "StartLimitBurst", "3", "-1", "number" },
        { "Service", "StartLimitIntervalSec", "1min", "soon", "time span" },
        { "Service", "StartLimitBurst", "10", "ten", "number" },
        { "Service", "Type", "oneshot", "daemon", "Invalid service type" },
        { "Service", "Type", "notify", "dbus", "not supported" },
        { "Service", "Type", "exec", "idle", "not supported" },
        { "Service", "Type", "forking", "notify-reload", "not supported" },
        { "Service", "ExecStartPre", "-/bin/mkdir -p /x", "+!/bin/true", "at most one" },
        { "Service", "ExecStartPost", "/bin/true", "/bin/echo \"x", "quoting" },
        { "Service", "ExecReload", "/bin/kill -HUP $MAINPID", "bin/kill", "absolute path" },
        { "Service", "ExecStop", "!/bin/true", "!!!/bin/true", "at most one" },
        { "Service", "ExecStopPost", "/bin/true", "/bin/a ; /bin/b", "not supported" },
        { "Service", "Restart", "on-failure", "sometimes", "restart" },
        { "Service", "RestartSec", "500ms", "fast", "time span" },
        { "Service", "TimeoutStartSec", "infinity", "5x", "time span" },
        { "Service", "TimeoutStopSec", "1min 30s", "-1", "time span" },
        { "Service", "TimeoutSec", "5", "5x", "time span" },
        { "Service", "WatchdogSec", "20s", "twenty", "time span" },
        { "Service", "KillSignal", "SIGINT", "SIGFOO", "Unknown signal" },
        { "Service", "KillMode", "mixed", "all", "kill mode" },
        { "Service", "SuccessExitStatus", "3 SIGUSR1", "300", "exit status" },
        { "Service", "RemainAfterExit", "yes", "maybe", "boolean" },
        { "Service", "PIDFile", "/run/x.pid", "/run/../x.pid", "Invalid path" },
        { "Service", "NotifyAccess", "all", "some", "notify access" },
        { "Service", "User", "nobody", "bad user", "user or group" },
        { "Service", "Group", "1000", "-grp", "user or group" },
        { "Service", "SupplementaryGroups", "adm wheel", "adm 9x", "group name" },
        { "Service", "WorkingDirectory", "-/srv", "srv", "absolute path" },
        { "Service", "Environment", "A=1 \"B=two words\"", "1A=x", "environment assignment" },
        { "Service", "EnvironmentFile", "-/etc/default/x", "etc/default/x", "absolute path" },
        { "Service", "UMask", "0027", "999", "octal" },
        { "Service", "Nice", "-5", "99", "Nice level" },
        { "Service", "LimitCPU", "10min", "ten", "resource limit" },
        { "Service", "LimitFSIZE", "1G", "1Q", "resource limit" },
        { "Service", "LimitDATA", "infinity", "x", "resource limit" },
        { "Service", "LimitSTACK", "8M:16M", "16M:8M", "Soft limit" },
        { "Service", "LimitCORE", "0", "-1", "resource limit" },
        { "Service", "LimitRSS", "1G", "G", "resource limit" },
        { "Service", "LimitNOFILE", "1024:4096", "abc", "resource limit" },
        { "Service", "LimitAS", "4G", "4GB", "resource limit" },
        { "Service", "LimitNPROC", "100", "1K", "resource limit" },
        { "Service", "LimitMEMLOCK", "64K", "64KiB", "resource limit" },
        { "Service", "LimitLOCKS", "10", "ten", "resource limit" },
        { "Service", "LimitSIGPENDING", "100", "1.5", "resource limit" },
        { "Service", "LimitMSGQUEUE", "1M", "many", "resource limit" },
        { "Service", "LimitNICE", "-5", "50", "resource limit" },
        { "Service", "LimitRTPRIO", "50", "high", "resource limit" },
        { "Service", "LimitRTTIME", "1s", "1x", "resource limit" },
        { "Service", "StandardInput", "file:/dev/zero", "tty", "not supported" },
        { "Service", "StandardOutput", "append:/var/log/x.log", "socket", "not supported" },
        { "Service", "StandardError", "null", "kmsg", "not supported" },
        { "Service", "StandardOutput", "journal", "file:relative", "Invalid file path" },
        { "Service", "StandardInput", "null", "inherit", "Invalid standard input" },
        { "Service", "NoNewPrivileges", "true", "2", "boolean" },
        { "Service", "CapabilityBoundingSet", "CAP_NET_ADMIN cap_chown", "CAP_FOO",
          "Unknown capability" },
        { "Service", "AmbientCapabilities", "~CAP_SYS_ADMIN", "CAP_NET_ADMIN NOPE",
          "Unknown capability" },
        { "Service", "RuntimeDirectory", "foo foo/bar", "../x", "without \"..\"" },
        { "Service", "StateDirectory", "app", "/var/lib/app", "not absolute" },
        { "Service", "LogsDirectory", "app", "a/../b", "without \"..\"" },
        { "Service", "CacheDirectory", "app app/sub", "app /tmp", "not absolute" },
        { "Service", "ConfigurationDirectory", "app", "app:link", "takes no link destination" },
        { "Service", "RuntimeDirectory", "foo:bar foo:baz", "foo:/run/bar", "Link destination" },
        { "Service", "StateDirectory", "a:b/c", "a:../b", "Link destination" },
        { "Service", "LogsDirectory", "a/./b//c/", ".", "must not be empty" },
        { "Service", "LogsDirectory", "x:y/", "x:/", "Link destination" },
        { "Service", "RuntimeDirectoryMode", "0700", "0800", "octal" },
        { "Service", "StateDirectoryMode", "750", "rwx", "octal" },
        { "Service", "LogsDirectoryMode", "2750", "77777", "octal" },
        { "Service", "CacheDirectoryMode", "0750", "8", "octal" },
        { "Service", "ConfigurationDirectoryMode", "0755", "-1", "octal" },
        { "Service", "RuntimeDirectoryPreserve", "restart", "maybe", "boolean or \"restart\"" },
        { "Install", "WantedBy", "multi-user.target", NULL, NULL },
        { "Install", "Alias", "other.service", NULL, NULL },
};

static void test_directives(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(directive_cases); i++) {
                DiagList d = {};
                UnitConfig *c = NULL;
                const char *sec = directive_cases[i].section, *key = directive_cases[i].key;
                int r = PARSE(&d, &c, START, { sec, key, directive_cases[i].good });

                if (r != 0 || d.n != 0)
                        fail_msg("%s=%s: r=%d, %zu diagnostics: %s", key, directive_cases[i].good,
                                 r, d.n, d.n ? d.items[0].message : "");
                unit_config_free(c);
                diag_list_done(&d);
                if (!directive_cases[i].bad)
                        continue;
                c = NULL;
                r = PARSE(&d, &c, START, { sec, key, directive_cases[i].bad });
                if (r != -EBADMSG)
                        fail_msg("%s=%s accepted", key, directive_cases[i].bad);
                assert_null(c);
                assert_diag(&d, DIAG_ERROR, 2, key, directive_cases[i].message);
                diag_list_done(&d);
        }
}

/* Directives whose bad values only warn (systemd ignores them too): the unit still loads. */
static const struct {
        const char *section, *key, *bad, *message;
} warning_cases[] = {
        { "Unit", "After", "foo", "Invalid unit name" },
        { "Unit", "Before", "x.mount", "is ignored" },
        { "Unit", "Requires", "a@b@c.service", "Invalid unit name" },
        { "Unit", "Wants", "dbus.socket", "is ignored" },
        { "Unit", "Documentation", "ftp://x", "Invalid URI" },
        { "Unit", "StartLimitInterval", "5s", "deprecated" },
        { "Service", "StartLimitInterval", "5s", "deprecated" },
        { "Service", "KillMode", "none", "unsafe" },
        { "Install", "WantedBy", "multi user.target", "Invalid unit name" },
        { "Install", "Alias", "x.timer", "is ignored" },
};

static void test_warning_directives(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(warning_cases); i++) {
                DiagList d = {};
                UnitConfig *c = NULL;
                const char *key = warning_cases[i].key;

                assert_int_equal(PARSE(&d, &c, START,
                                       { warning_cases[i].section, key, warning_cases[i].bad }),
                                 0);
                assert_diag(&d, DIAG_WARNING, 2, key, warning_cases[i].message);
                assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
                unit_config_free(c);
                diag_list_done(&d);
        }
}

static void test_description_limit(void **state) {
        char *long_text = malloc(UNIT_CONFIG_DESCRIPTION_MAX + 2);
        DiagList d = {};
        UnitConfig *c = NULL;

        memset(long_text, 'x', UNIT_CONFIG_DESCRIPTION_MAX + 1);
        long_text[UNIT_CONFIG_DESCRIPTION_MAX + 1] = '\0';
        assert_int_equal(PARSE(&d, &c, START, { "Unit", "Description", long_text }), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "Description", "too long");
        diag_list_done(&d);
        long_text[UNIT_CONFIG_DESCRIPTION_MAX] = '\0';
        assert_int_equal(PARSE(&d, &c, START, { "Unit", "Description", long_text }), 0);
        assert_int_equal(strlen(c->description), UNIT_CONFIG_DESCRIPTION_MAX);
        unit_config_free(c);
        free(long_text);
}

static void test_values(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c,
                               { "Unit", "Description", "Demo" },
                               { "Unit", "Documentation", "man:demo(8) https://example.org" },
                               { "Unit", "After", "a.service network.target" },
                               { "Unit", "Wants", "b.service" },
                               { "Unit", "Requires", "c.service" },
                               { "Unit", "Before", "d.service" },
                               { "Service", "Type", "notify" },
                               START,
                               { "Service", "TimeoutSec", "1min" },
                               { "Service", "Restart", "always" },
                               { "Service", "KillSignal", "SIGINT" },
                               { "Service", "PIDFile", "demo.pid" },
                               { "Service", "User", "nobody" },
                               { "Service", "Group", "nogroup" },
                               { "Service", "WorkingDirectory", "~" },
                               { "Service", "UMask", "0077" },
                               { "Service", "Nice", "-3" },
                               { "Service", "LimitNOFILE", "100:200" },
                               { "Service", "StandardOutput", "truncate:/tmp/o" },
                               { "Service", "StandardError", "append:/tmp/e" },
                               { "Service", "NoNewPrivileges", "yes" },
                               { "Service", "RemainAfterExit", "on" },
                               { "Service", "EnvironmentFile", "/etc/a" },
                               { "Service", "EnvironmentFile", "-/etc/b" },
                               { "Install", "WantedBy", "multi-user.target" },
                               { "Install", "Alias", "demo2.service" },
                               { "Unit", "BindsTo", "e.service" },
                               { "Unit", "PartOf", "f.service multi-user.target" },
                               { "Unit", "ReloadPropagatedFrom", "f.service" },
                               { "Unit", "PropagatesReloadTo", "g.service" },
                               { "Unit", "DefaultDependencies", "no" }),
                         0);
        assert_string_equal(c->description, "Demo");
        assert_int_equal(strv_length(c->documentation), 2);
        assert_int_equal(strv_length(c->after), 1);
        assert_string_equal(c->after[0], "a.service");
        assert_string_equal(c->wants[0], "b.service");
        assert_string_equal(c->requires[0], "c.service");
        assert_string_equal(c->before[0], "d.service");
        /* Targets count as reached at all times: dropped without a word. */
        assert_null(find_diag(&d, DIAG_WARNING, 3, "After"));
        assert_string_equal(c->binds_to[0], "e.service");
        assert_int_equal(strv_length(c->part_of), 1);
        assert_string_equal(c->part_of[0], "f.service");
        assert_string_equal(c->reload_propagated_from[0], "f.service");
        assert_string_equal(c->propagates_reload_to[0], "g.service");
        for (size_t i = 0; i < d.n; i++) {
                assert_null(strstr(d.items[i].message, "target"));
                assert_false(d.items[i].key && streq(d.items[i].key, "DefaultDependencies"));
        }
        assert_false(c->default_dependencies);
        assert_int_equal(c->type, SERVICE_NOTIFY);
        assert_int_equal(c->notify_access, NOTIFY_MAIN); /* the default for Type=notify */
        assert_int_equal(c->timeout_start, USEC_PER_MINUTE);
        assert_int_equal(c->timeout_stop, USEC_PER_MINUTE);
        assert_int_equal(c->restart, SERVICE_RESTART_ALWAYS);
        assert_int_equal(c->kill_signal, SIGINT);
        assert_string_equal(c->pid_file, "/run/demo.pid");
        assert_string_equal(c->user, "nobody");
        assert_string_equal(c->group, "nogroup");
        assert_true(c->working_directory_home);
        assert_null(c->working_directory);
        assert_int_equal(c->umask, 0077);
        assert_true(c->nice_set);
        assert_int_equal(c->nice, -3);
        assert_true(c->rlimit_set[RLIMIT_NOFILE]);
        assert_false(c->rlimit_set[RLIMIT_CORE]);
        assert_int_equal(c->rlimit[RLIMIT_NOFILE].rlim_cur, 100);
        assert_int_equal(c->rlimit[RLIMIT_NOFILE].rlim_max, 200);
        assert_int_equal(c->std_output, EXEC_OUTPUT_TRUNCATE);
        assert_string_equal(c->std_output_path, "/tmp/o");
        assert_int_equal(c->std_error, EXEC_OUTPUT_APPEND);
        assert_string_equal(c->std_error_path, "/tmp/e");
        assert_true(c->no_new_privileges);
        assert_true(c->remain_after_exit);
        assert_int_equal(strv_length(c->environment_files), 2);
        assert_string_equal(c->environment_files[1], "-/etc/b");
        assert_string_equal(c->wanted_by[0], "multi-user.target");
        assert_string_equal(c->alias[0], "demo2.service");
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_exec_lists(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;
        const ExecCommandList *pre;

        assert_int_equal(PARSE(&d, &c,
                               { "Service", "ExecStartPre", "/bin/a" },
                               { "Service", "ExecStartPre", "/bin/b" },
                               { "Service", "ExecStartPre", "" },
                               { "Service", "ExecStartPre", "-@/bin/c argv0 x" },
                               { "Service", "ExecStartPre", ":/bin/d $X" },
                               { "Service", "ExecStart", "/bin/first" },
                               { "Service", "ExecStart", "" },
                               { "Service", "ExecStart", "sleep 5" }),
                         0);
        pre = &c->exec[SERVICE_EXEC_START_PRE];
        assert_int_equal(pre->n, 2);
        assert_string_equal(pre->commands[0].path, "/bin/c");
        assert_string_equal(pre->commands[0].argv[0], "argv0");
        assert_int_equal(pre->commands[0].flags, EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_ARGV0);
        assert_int_equal(pre->commands[1].flags, EXEC_COMMAND_NO_ENV_EXPAND);
        assert_string_equal(pre->commands[1].argv[1], "$X");
        /* The reset made the second ExecStart= the only one: fine for Type=simple. */
        assert_int_equal(c->exec[SERVICE_EXEC_START].n, 1);
        assert_string_equal(c->exec[SERVICE_EXEC_START].commands[0].path, "sleep");
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_exec_start_count(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        /* Two ExecStart= for Type=simple: error at the second one, even with Type= after. */
        assert_int_equal(PARSE(&d, &c, START, { "Service", "ExecStart", "/bin/b" },
                               { "Service", "Type", "exec" }),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "ExecStart", "more than one ExecStart=");
        diag_list_done(&d);

        assert_int_equal(PARSE(&d, &c, START, { "Service", "ExecStart", "/bin/b" },
                               { "Service", "Type", "oneshot" }),
                         0);
        assert_int_equal(c->exec[SERVICE_EXEC_START].n, 2);
        assert_true(c->timeout_start == USEC_INFINITY); /* oneshot default */
        assert_int_equal(c->timeout_stop, 90 * USEC_PER_SEC);
        c = unit_config_free(c);

        assert_int_equal(PARSE(&d, &c, START, { "Service", "Type", "oneshot" },
                               { "Service", "TimeoutStartSec", "5s" },
                               { "Service", "TimeoutStopSec", "0" }),
                         0);
        assert_int_equal(c->timeout_start, 5 * USEC_PER_SEC);
        assert_true(c->timeout_stop == USEC_INFINITY);
        c = unit_config_free(c);
        diag_list_done(&d);

        assert_int_equal(PARSE(&d, &c, { "Service", "Type", "simple" }), -EBADMSG);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.items[0].key, "ExecStart");
        assert_non_null(strstr(d.items[0].message, "Service has no ExecStart= setting"));
        diag_list_done(&d);

        /* oneshot with only ExecStop= is allowed, as in systemd. */
        assert_int_equal(PARSE(&d, &c, { "Service", "Type", "oneshot" },
                               { "Service", "ExecStop", "/bin/true" }),
                         0);
        c = unit_config_free(c);
        assert_int_equal(PARSE(&d, &c, { "Service", "Type", "oneshot" }), -EBADMSG);
        diag_list_done(&d);
}

static void test_exec_limit(void **state) {
        UnitFile *u = calloc(1, sizeof(UnitFile));
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(unit_file_add(u, "Service", "Type", "oneshot", "t.service", 1), 0);
        for (unsigned i = 0; i <= UNIT_CONFIG_EXEC_COMMANDS_MAX; i++)
                assert_int_equal(unit_file_add(u, "Service", "ExecStart", "/bin/true",
                                               "t.service", i + 2),
                                 0);
        assert_int_equal(unit_config_parse(u, &d, &c), -EBADMSG);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 1);
        assert_int_equal(d.items[0].line, UNIT_CONFIG_EXEC_COMMANDS_MAX + 2);
        assert_non_null(strstr(d.items[0].message, "Too many commands"));
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_list_limits(void **state) {
        UnitFile *u = calloc(1, sizeof(UnitFile));
        DiagList d = {};
        UnitConfig *c = NULL;
        char buf[64];

        assert_int_equal(unit_file_add(u, "Service", "ExecStart", "/bin/true", "t.service", 1), 0);
        for (unsigned i = 0; i <= UNIT_CONFIG_ENV_MAX; i++) {
                snprintf(buf, sizeof(buf), "V%u=%u", i, i);
                assert_int_equal(unit_file_add(u, "Service", "Environment", buf, "t.service",
                                               i + 2),
                                 0);
        }
        for (unsigned i = 0; i <= UNIT_CONFIG_LIST_MAX; i++) {
                snprintf(buf, sizeof(buf), "dep%u.service", i);
                assert_int_equal(unit_file_add(u, "Unit", "After", buf, "t.service", 5000 + i), 0);
        }
        assert_int_equal(unit_config_parse(u, &d, &c), -EBADMSG);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 2);
        assert_diag(&d, DIAG_ERROR, UNIT_CONFIG_ENV_MAX + 2, "Environment", "Too many entries");
        assert_diag(&d, DIAG_ERROR, 5000 + UNIT_CONFIG_LIST_MAX, "After", "Too many entries");
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_environment(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "Service", "Environment", "GONE=1" },
                               { "Service", "Environment", "" },
                               { "Service", "Environment", "A=1 \"B=two words\" 'C=x y'" },
                               { "Service", "Environment", "A=2 D=" }),
                         0);
        assert_int_equal(strv_length(c->environment), 4);
        assert_string_equal(c->environment[0], "A=2");
        assert_string_equal(c->environment[1], "B=two words");
        assert_string_equal(c->environment[2], "C=x y");
        assert_string_equal(c->environment[3], "D=");
        c = unit_config_free(c);

        assert_int_equal(PARSE(&d, &c, START, { "Service", "Environment", "OK=1 novalue" }),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "Environment", "novalue");
        diag_list_done(&d);
        assert_int_equal(PARSE(&d, &c, START, { "Service", "Environment", "A=\"unterminated" }),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "Environment", "quoting");
        diag_list_done(&d);
}

static void test_capability_merge(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;
        const uint64_t admin = UINT64_C(1) << 21, chown_ = 1, net = UINT64_C(1) << 12;

        assert_int_equal(PARSE(&d, &c, START,
                               { "Service", "CapabilityBoundingSet", "CAP_CHOWN" },
                               { "Service", "CapabilityBoundingSet", "CAP_SYS_ADMIN CAP_NET_ADMIN" },
                               { "Service", "CapabilityBoundingSet", "~CAP_NET_ADMIN" },
                               { "Service", "AmbientCapabilities", "~CAP_SYS_ADMIN" }),
                         0);
        assert_true(c->capability_bounding_set == (chown_ | admin));
        assert_true(c->ambient_capabilities == (CAPABILITY_MASK_ALL & ~admin));
        c = unit_config_free(c);

        assert_int_equal(PARSE(&d, &c, START,
                               { "Service", "CapabilityBoundingSet", "~CAP_SYS_ADMIN" },
                               { "Service", "AmbientCapabilities", "CAP_NET_ADMIN" },
                               { "Service", "AmbientCapabilities", "" }),
                         0);
        assert_true(c->capability_bounding_set == (CAPABILITY_MASK_ALL & ~admin));
        assert_true(c->ambient_capabilities == 0);
        c = unit_config_free(c);

        assert_int_equal(PARSE(&d, &c, START, { "Service", "CapabilityBoundingSet", "CAP_CHOWN" },
                               { "Service", "CapabilityBoundingSet", "" },
                               { "Service", "CapabilityBoundingSet", "CAP_NET_ADMIN" }),
                         0);
        assert_true(c->capability_bounding_set == net);
        unit_config_free(c);
        assert_int_equal(d.n, 0);
        diag_list_done(&d);
}

static void test_success_exit_status(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "Service", "SuccessExitStatus", "1 SIGHUP" },
                               { "Service", "SuccessExitStatus", "" },
                               { "Service", "SuccessExitStatus", "75 TERM" },
                               { "Service", "SuccessExitStatus", "255" }),
                         0);
        assert_false(exit_status_set_has_status(&c->success_exit_status, 1));
        assert_false(exit_status_set_has_signal(&c->success_exit_status, SIGHUP));
        assert_true(exit_status_set_has_status(&c->success_exit_status, 75));
        assert_true(exit_status_set_has_status(&c->success_exit_status, 255));
        assert_true(exit_status_set_has_signal(&c->success_exit_status, SIGTERM));
        assert_false(exit_status_set_has_status(&c->success_exit_status, 0));
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_directories_and_paths(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "Service", "RuntimeDirectory", "a b" },
                               { "Service", "RuntimeDirectory", "a c/d" },
                               { "Service", "StateDirectory", "x" },
                               { "Service", "StateDirectory", "" },
                               { "Service", "WorkingDirectory", "-/srv/data" },
                               { "Service", "SupplementaryGroups", "adm" },
                               { "Service", "SupplementaryGroups", "" },
                               { "Service", "SupplementaryGroups", "wheel 10" }),
                         0);
        assert_int_equal(strv_length(c->directories[UNIT_DIR_RUNTIME].names), 3);
        assert_string_equal(c->directories[UNIT_DIR_RUNTIME].names[2], "c/d");
        assert_null(c->directories[UNIT_DIR_STATE].names);
        assert_string_equal(c->working_directory, "/srv/data");
        assert_true(c->working_directory_missing_ok);
        assert_false(c->working_directory_home);
        assert_int_equal(strv_length(c->supplementary_groups), 2);
        assert_string_equal(c->supplementary_groups[0], "wheel");
        unit_config_free(c);
        diag_list_done(&d);
}

/* "NAME:LINK": the name once, each link once; an empty value resets both; the five kinds and
 * RuntimeDirectoryPreserve='s boolean spellings. */
static void test_directory_links(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "Service", "RuntimeDirectory", "foo:bar foo:baz foo:bar foo/ ./foo" },
                               { "Service", "StateDirectory", "x:y" },
                               { "Service", "StateDirectory", "" },
                               { "Service", "StateDirectory", "s" },
                               { "Service", "CacheDirectory", "c1 c2//./c3/" },
                               { "Service", "ConfigurationDirectory", "cfg" },
                               { "Service", "ConfigurationDirectoryMode", "0700" },
                               { "Service", "RuntimeDirectoryPreserve", "on" }),
                         0);
        const UnitDirList *rt = &c->directories[UNIT_DIR_RUNTIME];
        assert_int_equal(strv_length(rt->names), 1);
        assert_string_equal(rt->names[0], "foo");
        assert_int_equal(strv_length(rt->links), 4);
        assert_string_equal(rt->links[1], "bar");
        assert_string_equal(rt->links[3], "baz");
        assert_int_equal(strv_length(c->directories[UNIT_DIR_STATE].names), 1);
        assert_string_equal(c->directories[UNIT_DIR_STATE].names[0], "s");
        assert_null(c->directories[UNIT_DIR_STATE].links);
        assert_string_equal(c->directories[UNIT_DIR_CACHE].names[1], "c2/c3");
        assert_string_equal(c->directories[UNIT_DIR_CONFIGURATION].names[0], "cfg");
        assert_int_equal(c->directories[UNIT_DIR_CONFIGURATION].mode, 0700);
        assert_int_equal(c->directories[UNIT_DIR_STATE].mode, 0755);
        assert_int_equal(c->runtime_directory_preserve, RUNTIME_DIRECTORY_PRESERVE_YES);
        assert_string_equal(unit_dir_kind_to_string(UNIT_DIR_CACHE), "CacheDirectory");
        assert_int_equal(unit_dir_kind_from_string("ConfigurationDirectory"), UNIT_DIR_CONFIGURATION);
        unit_config_free(c);
        diag_list_done(&d);

        /* A bad word anywhere: nothing of the line is added. */
        c = NULL;
        assert_int_equal(PARSE(&d, &c, START, { "Service", "RuntimeDirectory", "good bad/../x" }), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "RuntimeDirectory", "bad/../x");
        diag_list_done(&d);
}

/* Stock unit files name targets syscage does not manage in [Install]: one note for the unit,
 * however many lines, and none for the boot targets. */
static void test_install_targets_note(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START,
                               { "Install", "WantedBy", "multi-user.target sockets.target" },
                               { "Install", "WantedBy", "timers.target" },
                               { "Install", "RequiredBy", "foo.target" }),
                         0);
        assert_int_equal(diag_list_count(&d, DIAG_WARNING), 0);
        assert_int_equal(diag_list_count(&d, DIAG_NOTE), 1);
        assert_diag(&d, DIAG_NOTE, 2, "WantedBy",
                    "Targets are not managed (sockets.target, timers.target, foo.target)");
        c = unit_config_free(c);
        diag_list_done(&d);

        assert_int_equal(PARSE(&d, &c, START, { "Install", "WantedBy", "multi-user.target" },
                               { "Install", "WantedBy", "default.target" }), 0);
        assert_int_equal(diag_list_count(&d, DIAG_NOTE) + diag_list_count(&d, DIAG_WARNING), 0);
        c = unit_config_free(c);
        diag_list_done(&d);
}

static void test_warnings(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c,
                               { "Unit", "Documentation", "not-a-uri man:x(1)" },
                               { "Unit", "Wants", "bad name!" },
                               { "Service", "KillMode", "none" },
                               { "Service", "StartLimitInterval", "20s" },
                               START,
                               { "Install", "RequiredBy", "x.target" },
                               { "Install", "Alias", "x.socket" }),
                         0);
        assert_diag(&d, DIAG_WARNING, 1, "Documentation", "Invalid URI");
        assert_diag(&d, DIAG_WARNING, 2, "Wants", "Invalid unit name");
        assert_diag(&d, DIAG_WARNING, 3, "KillMode", "unsafe");
        assert_diag(&d, DIAG_WARNING, 4, "StartLimitInterval", "deprecated");
        /* [Install] targets: one note for the unit, no warning. */
        assert_diag(&d, DIAG_NOTE, 6, "RequiredBy", "Targets are not managed (x.target)");
        assert_int_equal(diag_list_count(&d, DIAG_NOTE), 1);
        assert_diag(&d, DIAG_WARNING, 7, "Alias", "ignored");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        assert_int_equal(strv_length(c->documentation), 1);
        assert_null(c->wants);
        assert_null(c->alias);
        assert_int_equal(c->kill_mode, KILL_NONE);
        assert_int_equal(c->start_limit_interval, 20 * USEC_PER_SEC);
        assert_string_equal(c->required_by[0], "x.target");
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_unknown_and_misplaced(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c,
                               { "Unit", "ExecStart", "/bin/x" },
                               { "Service", "Frobnicate", "1" },
                               { "Service", "X-Custom", "ok" },
                               { "X-Vendor", "Anything", "ok" },
                               { "Socket", "ListenStream", "80" },
                               { "Socket", "Accept", "yes" },
                               { "Service", "SystemCallFilter", "@system-service" },
                               { "Service", "RestrictNamespaces", "yes" },
                               { "Unit", "SystemCallFilter", "@basic-io" },
                               { "Install", "KeyringMode", "private" },
                               START),
                         0);
        assert_diag(&d, DIAG_WARNING, 1, "ExecStart", "belongs in section 'Service'");
        assert_diag(&d, DIAG_WARNING, 2, "Frobnicate",
                    "Unknown key name 'Frobnicate' in section 'Service', ignoring.");
        assert_diag(&d, DIAG_WARNING, 5, "ListenStream", "Unknown section 'Socket'");
        assert_null(find_diag(&d, DIAG_WARNING, 6, "Accept")); /* once per section */
        assert_diag(&d, DIAG_WARNING, 9, "SystemCallFilter", "belongs in section 'Service'");
        assert_diag(&d, DIAG_WARNING, 10, "KeyringMode", "belongs in section 'Service'");
        assert_int_equal(d.n, 5); /* X- keys/sections and policy keys are silent */
        assert_int_equal(c->n_not_enforced, 0);
        assert_true(unit_config_key_is_policy("SystemCallFilter"));
        assert_true(unit_config_key_is_policy("PrivateDevices"));
        assert_true(unit_config_key_is_policy("ProtectHostname"));
        assert_false(unit_config_key_is_policy("PrivateTmp"));
        assert_false(unit_config_key_is_policy("ExecStart"));
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_not_enforced(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "Service", "KeyringMode", "private" },
                               { "Service", "MemoryMax", "1G" },
                               { "Unit", "ConditionFirstBoot", "yes" },
                               { "Service", "OOMScoreAdjust", "100" }),
                         0);
        assert_int_equal(c->n_not_enforced, 4);
        assert_string_equal(c->not_enforced[0].key, "KeyringMode");
        assert_string_equal(c->not_enforced[0].section, "Service");
        assert_string_equal(c->not_enforced[0].file, "t.service");
        assert_int_equal(c->not_enforced[0].line, 2);
        assert_string_equal(c->not_enforced[2].key, "ConditionFirstBoot");
        assert_int_equal(c->not_enforced[3].line, 5);
        assert_diag(&d, DIAG_WARNING, 3, "MemoryMax", "not enforced");
        assert_int_equal(diag_list_count(&d, DIAG_WARNING), 4);
        unit_config_free(c);
        diag_list_done(&d);
}

static void test_conditions(void **state) {
        DiagList d = {};
        UnitConfig *c = NULL;

        assert_int_equal(PARSE(&d, &c, START, { "Unit", "ConditionPathExists", "/a" },
                               { "Unit", "ConditionPathExists", "" },
                               { "Unit", "ConditionPathExists", "|!/b" },
                               { "Unit", "ConditionCapability", "CAP_NET_ADMIN" },
                               { "Unit", "AssertPathIsDirectory", "/c" }),
                         0);
        assert_int_equal(c->n_not_enforced, 0);
        assert_int_equal(c->conditions.n, 2); /* the empty value dropped "/a" */
        assert_int_equal(c->conditions.items[0].type, CONDITION_PATH_EXISTS);
        assert_true(c->conditions.items[0].trigger);
        assert_true(c->conditions.items[0].negate);
        assert_string_equal(c->conditions.items[0].parameter, "/b");
        assert_int_equal(c->conditions.items[1].type, CONDITION_CAPABILITY);
        assert_int_equal(c->asserts.n, 1);
        assert_int_equal(c->asserts.items[0].type, CONDITION_PATH_IS_DIRECTORY);
        assert_int_equal(diag_list_count(&d, DIAG_WARNING), 0);
        unit_config_free(c);
        diag_list_done(&d);

        /* A relative path refuses the unit, located. */
        d = (DiagList) {};
        assert_int_equal(PARSE(&d, &c, START, { "Unit", "ConditionPathExists", "!etc/x" }), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "ConditionPathExists", "not absolute");
        diag_list_done(&d);
        d = (DiagList) {};
        assert_int_equal(PARSE(&d, &c, START, { "Unit", "AssertVirtualization", "private-users" }), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "AssertVirtualization", "not supported yet");
        diag_list_done(&d);
}

static void test_null_diags(void **state) {
        UnitConfig *c = NULL;

        /* Errors are still detected without a list to collect them. */
        assert_int_equal(PARSE(NULL, &c, START, { "Service", "Nice", "99" }), -EBADMSG);
        assert_null(c);
        assert_int_equal(PARSE(NULL, &c, START), 0);
        unit_config_free(c);
}

static void test_string_tables(void **state) {
        static const struct {
                const char *(*to)(int);
                int (*from)(const char *);
                int max;
        } tables[] = {
                { (const char *(*)(int)) service_type_to_string, service_type_from_string,
                  _SERVICE_TYPE_MAX },
                { (const char *(*)(int)) service_restart_to_string, service_restart_from_string,
                  _SERVICE_RESTART_MAX },
                { (const char *(*)(int)) kill_mode_to_string, kill_mode_from_string,
                  _KILL_MODE_MAX },
                { (const char *(*)(int)) notify_access_to_string, notify_access_from_string,
                  _NOTIFY_ACCESS_MAX },
                { (const char *(*)(int)) exec_input_to_string, exec_input_from_string,
                  _EXEC_INPUT_MAX },
                { (const char *(*)(int)) exec_output_to_string, exec_output_from_string,
                  _EXEC_OUTPUT_MAX },
                { (const char *(*)(int)) service_exec_command_to_string,
                  service_exec_command_from_string, _SERVICE_EXEC_COMMAND_MAX },
        };
        for (size_t t = 0; t < ELEMENTSOF(tables); t++) {
                for (int i = 0; i < tables[t].max; i++) {
                        assert_non_null(tables[t].to(i));
                        assert_int_equal(tables[t].from(tables[t].to(i)), i);
                }
                assert_null(tables[t].to(tables[t].max));
                assert_int_equal(tables[t].from("no-such-value"), -EINVAL);
        }
        assert_string_equal(service_restart_to_string(SERVICE_RESTART_ON_ABNORMAL), "on-abnormal");
        assert_string_equal(kill_mode_to_string(KILL_CONTROL_GROUP), "control-group");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_directives),
                cmocka_unit_test(test_warning_directives),
                cmocka_unit_test(test_description_limit),
                cmocka_unit_test(test_values),
                cmocka_unit_test(test_exec_lists),
                cmocka_unit_test(test_exec_start_count),
                cmocka_unit_test(test_exec_limit),
                cmocka_unit_test(test_list_limits),
                cmocka_unit_test(test_environment),
                cmocka_unit_test(test_capability_merge),
                cmocka_unit_test(test_success_exit_status),
                cmocka_unit_test(test_directories_and_paths),
                cmocka_unit_test(test_directory_links),
                cmocka_unit_test(test_warnings),
                cmocka_unit_test(test_install_targets_note),
                cmocka_unit_test(test_unknown_and_misplaced),
                cmocka_unit_test(test_not_enforced),
                cmocka_unit_test(test_conditions),
                cmocka_unit_test(test_null_diags),
                cmocka_unit_test(test_string_tables),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
