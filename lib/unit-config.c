/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The unit model: defaults, the dispatch of each assignment to its directive parser, the
 * checks that need the whole unit (ExecStart= count against Type=), and the enum string tables.
 *
 * Error policy. systemd logs most invalid values and carries on with the default. We are
 * stricter wherever ignoring a value would change what runs or under which identity, limits
 * or lifetime: an invalid Type=, Exec*=, User=/Group=, time span, signal, limit, environment,
 * path, mode, capability, stdio, sandbox or restart setting is a DIAG_ERROR and the unit is
 * refused. We follow systemd and only warn for what cannot change the service's execution:
 * Documentation= URIs, dependency and [Install] names, deprecated spellings, KillMode=none,
 * unknown sections and keys, keys in the wrong section, and recognised directives that this
 * version does not enforce (those are also recorded in UnitConfig.not_enforced). The one
 * exception is our own section, [X-Syscage]: an unknown key there is an error.
 */
#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "policy.h"
#include "string-table.h"
#include "strv.h"
#include "unit-config.h"
#include "unit-directives-dirs.h"
#include "unit-directives-sandbox.h"
#include "unit-directives.h"

DEFINE_STRING_TABLE(service_type, ServiceType, _SERVICE_TYPE_MAX,
                    [SERVICE_SIMPLE] = "simple", [SERVICE_EXEC] = "exec",
                    [SERVICE_ONESHOT] = "oneshot", [SERVICE_NOTIFY] = "notify",
                    [SERVICE_FORKING] = "forking")

DEFINE_STRING_TABLE(service_restart, ServiceRestart, _SERVICE_RESTART_MAX,
                    [SERVICE_RESTART_NO] = "no", [SERVICE_RESTART_ON_SUCCESS] = "on-success",
                    [SERVICE_RESTART_ON_FAILURE] = "on-failure",
                    [SERVICE_RESTART_ON_ABNORMAL] = "on-abnormal",
                    [SERVICE_RESTART_ON_WATCHDOG] = "on-watchdog",
                    [SERVICE_RESTART_ON_ABORT] = "on-abort",
                    [SERVICE_RESTART_ALWAYS] = "always")

DEFINE_STRING_TABLE(kill_mode, KillMode, _KILL_MODE_MAX,
                    [KILL_CONTROL_GROUP] = "control-group", [KILL_MIXED] = "mixed",
                    [KILL_PROCESS] = "process", [KILL_NONE] = "none")

DEFINE_STRING_TABLE(notify_access, NotifyAccess, _NOTIFY_ACCESS_MAX,
                    [NOTIFY_NONE] = "none", [NOTIFY_MAIN] = "main", [NOTIFY_EXEC] = "exec",
                    [NOTIFY_ALL] = "all")

DEFINE_STRING_TABLE(exec_input, ExecInput, _EXEC_INPUT_MAX,
                    [EXEC_INPUT_NULL] = "null", [EXEC_INPUT_FILE] = "file")

DEFINE_STRING_TABLE(exec_output, ExecOutput, _EXEC_OUTPUT_MAX,
                    [EXEC_OUTPUT_INHERIT] = "inherit", [EXEC_OUTPUT_NULL] = "null",
                    [EXEC_OUTPUT_JOURNAL] = "journal", [EXEC_OUTPUT_FILE] = "file",
                    [EXEC_OUTPUT_APPEND] = "append", [EXEC_OUTPUT_TRUNCATE] = "truncate")

DEFINE_STRING_TABLE(service_exec_command, ServiceExecCommand, _SERVICE_EXEC_COMMAND_MAX,
                    [SERVICE_EXEC_START_PRE] = "ExecStartPre",
                    [SERVICE_EXEC_START] = "ExecStart",
                    [SERVICE_EXEC_START_POST] = "ExecStartPost",
                    [SERVICE_EXEC_RELOAD] = "ExecReload", [SERVICE_EXEC_STOP] = "ExecStop",
                    [SERVICE_EXEC_STOP_POST] = "ExecStopPost")

/* Seccomp-backed directives are parsed by the policy module from the same UnitFile; its
 * table of directives is the one list of them. */
bool unit_config_key_is_policy(const char *key) {
        return policy_directive_is_unit_key(key);
}

/* Directives we recognise and record, but do not apply (yet). */
static const struct {
        const char *section;
        const char *key;
} not_enforced_keys[] = {
        { "Unit", "Conflicts" },          { "Unit", "Requisite" },
        { "Unit", "Upholds" },            { "Unit", "OnFailure" },
        { "Unit", "OnSuccess" },
        { "Unit", "StopWhenUnneeded" },   { "Unit", "RefuseManualStart" },
        { "Unit", "RefuseManualStop" },
        { "Unit", "StartLimitAction" },   { "Unit", "FailureAction" },
        { "Unit", "SuccessAction" },      { "Unit", "JobTimeoutSec" },
        { "Service", "TimeoutAbortSec" }, { "Service", "RuntimeMaxSec" },
        { "Service", "FileDescriptorStoreMax" }, { "Service", "GuessMainPID" },
        { "Service", "BusName" },         { "Service", "Sockets" },
        { "Service", "OOMPolicy" },       { "Service", "ExitType" },
        { "Service", "SendSIGKILL" },     { "Service", "SendSIGHUP" },
        { "Service", "FinalKillSignal" }, { "Service", "RestartKillSignal" },
        { "Service", "TimeoutStopFailureMode" }, { "Service", "TimeoutStartFailureMode" },
        { "Service", "KeyringMode" },     { "Service", "OOMScoreAdjust" },
        { "Service", "CPUSchedulingPolicy" }, { "Service", "CPUSchedulingPriority" },
        { "Service", "CPUAffinity" },     { "Service", "IOSchedulingClass" },
        { "Service", "IOSchedulingPriority" }, { "Service", "SecureBits" },
        { "Service", "Personality" },
        { "Service", "SyslogIdentifier" }, { "Service", "SyslogFacility" },
        { "Service", "SyslogLevel" },     { "Service", "LogLevelMax" },
        { "Service", "LogExtraFields" },  { "Service", "TTYPath" },
        { "Service", "UtmpIdentifier" },  { "Service", "SELinuxContext" },
        { "Service", "AppArmorProfile" }, { "Service", "SmackProcessLabel" },
        { "Service", "Slice" },           { "Service", "Delegate" },
        { "Service", "CPUAccounting" },   { "Service", "CPUWeight" },
        { "Service", "CPUShares" },       { "Service", "CPUQuota" },
        { "Service", "MemoryAccounting" }, { "Service", "MemoryMin" },
        { "Service", "MemoryLow" },       { "Service", "MemoryHigh" },
        { "Service", "MemoryMax" },       { "Service", "MemorySwapMax" },
        { "Service", "MemoryLimit" },     { "Service", "TasksAccounting" },
        { "Service", "TasksMax" },        { "Service", "IOAccounting" },
        { "Service", "IOWeight" },        { "Service", "IPAccounting" },
        { "Service", "IPAddressAllow" },  { "Service", "IPAddressDeny" },
        { "Service", "DeviceAllow" },     { "Service", "DevicePolicy" },
        { "Install", "Also" },            { "Install", "DefaultInstance" },
        /* The conditions of systemd.unit(5) that unit-condition.c does not test (yet). */
#define COND(name) { "Unit", "Condition" name }, { "Unit", "Assert" name }
        COND("FirstBoot"), COND("NeedsUpdate"), COND("ACPower"),
        COND("ControlGroupController"), COND("Memory"), COND("CPUs"), COND("CPUFeature"),
        COND("OSRelease"), COND("Environment"), COND("Credential"), COND("MemoryPressure"),
        COND("CPUPressure"), COND("IOPressure"), COND("PathIsEncrypted"), COND("Firmware"),
        COND("KernelVersion"),
#undef COND
};

static const char *not_enforced_section(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(not_enforced_keys); i++)
                if (streq(not_enforced_keys[i].key, key))
                        return not_enforced_keys[i].section;
        return NULL;
}

static const char *const known_sections[] = { "Unit", "Service", "Install",
                                              UNIT_SECTION_SYSCAGE };

static int config_diagv(ConfigContext *ctx, DiagCode code, DiagLevel level,
                        const UnitAssignment *a, const char *fmt, va_list ap) _printf_(5, 0);
static int config_diagv(ConfigContext *ctx, DiagCode code, DiagLevel level,
                        const UnitAssignment *a, const char *fmt, va_list ap) {
        _cleanup_free_ char *msg = NULL;

        if (level == DIAG_ERROR)
                ctx->n_errors++;
        if (vasprintf(&msg, fmt, ap) < 0)
                return -ENOMEM;
        return diag_add_code(ctx->diags, code, level, a->file, a->line, a->key, "%s", msg);
}

int config_diag_code(ConfigContext *ctx, DiagCode code, DiagLevel level, const UnitAssignment *a,
                     const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = config_diagv(ctx, code, level, a, fmt, ap);
        va_end(ap);
        return r;
}

int config_diag(ConfigContext *ctx, DiagLevel level, const UnitAssignment *a, const char *fmt,
                ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = config_diagv(ctx, DIAG_CODE_BAD_VALUE, level, a, fmt, ap);
        va_end(ap);
        return r;
}

static void exec_command_list_done(ExecCommandList *l) {
        for (size_t i = 0; i < l->n; i++)
                exec_command_done(&l->commands[i]);
        free(l->commands);
        *l = (ExecCommandList) {};
}

UnitConfig *unit_config_free(UnitConfig *c) {
        if (!c)
                return NULL;
        char **strings[] = { &c->description, &c->pid_file, &c->user, &c->group,
                             &c->working_directory, &c->std_input_path, &c->std_output_path,
                             &c->std_error_path };
        char ***lists[] = { &c->documentation, &c->after, &c->before, &c->requires, &c->wants,
                            &c->binds_to, &c->part_of, &c->reload_propagated_from,
                            &c->propagates_reload_to,
                            &c->supplementary_groups, &c->environment, &c->environment_files,
                            &c->wanted_by, &c->required_by, &c->alias };
        for (size_t i = 0; i < ELEMENTSOF(strings); i++)
                free(*strings[i]);
        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                strv_free(*lists[i]);
        for (size_t i = 0; i < _SERVICE_EXEC_COMMAND_MAX; i++)
                exec_command_list_done(&c->exec[i]);
        for (size_t i = 0; i < c->n_not_enforced; i++) {
                free(c->not_enforced[i].key);
                free(c->not_enforced[i].section);
                free(c->not_enforced[i].file);
        }
        free(c->not_enforced);
        unit_dir_lists_done(c->directories);
        unit_sandbox_done(&c->sandbox);
        condition_list_done(&c->conditions);
        condition_list_done(&c->asserts);
        free(c);
        return NULL;
}

/* systemd's defaults (systemd.service(5), systemd-system.conf(5)). */
static void unit_config_init(UnitConfig *c) {
        c->start_limit_interval = 10 * USEC_PER_SEC;
        c->start_limit_burst = 5;
        c->default_dependencies = true;
        c->type = SERVICE_SIMPLE;
        c->restart = SERVICE_RESTART_NO;
        c->restart_sec = 100 * USEC_PER_MSEC;
        c->timeout_start = c->timeout_stop = 90 * USEC_PER_SEC;
        c->kill_signal = SIGTERM;
        c->kill_mode = KILL_CONTROL_GROUP;
        c->notify_access = NOTIFY_NONE;
        c->umask = 0022;
        c->std_input = EXEC_INPUT_NULL;
        c->std_output = EXEC_OUTPUT_JOURNAL;
        c->std_error = EXEC_OUTPUT_INHERIT;
        c->capability_bounding_set = CAPABILITY_MASK_ALL;
        unit_dir_lists_init(c->directories);
        c->ignore_sigpipe = true;
        unit_sandbox_init(&c->sandbox);
}

static int record_not_enforced(ConfigContext *ctx, const UnitAssignment *a) {
        UnitConfig *c = ctx->config;
        UnitNotEnforced *n, e = {};

        if (c->n_not_enforced >= UNIT_CONFIG_NOT_ENFORCED_MAX)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a,
                                   "Too many directives that are not enforced (at most %u).",
                                   UNIT_CONFIG_NOT_ENFORCED_MAX);
        if (!(e.key = strdup(a->key)) || !(e.section = strdup(a->section)) ||
            (a->file && !(e.file = strdup(a->file))) ||
            !(n = realloc(c->not_enforced, sizeof(*n) * (c->n_not_enforced + 1)))) {
                free(e.key);
                free(e.section);
                free(e.file);
                return -ENOMEM;
        }
        e.line = a->line;
        c->not_enforced = n;
        c->not_enforced[c->n_not_enforced++] = e;
        return config_diag_code(ctx, DIAG_CODE_UNSUPPORTED_DIRECTIVE, DIAG_WARNING, a,
                           "%s= is parsed but not enforced by this version, ignoring.", a->key);
}

const char *unit_config_key_section(const char *key) {
        const char *s = config_directive_section(key);

        if (s)
                return s;
        if (unit_config_key_is_policy(key))
                return "Service";
        return not_enforced_section(key);
}

static bool section_is_known(const char *section) {
        for (size_t i = 0; i < ELEMENTSOF(known_sections); i++)
                if (streq(section, known_sections[i]))
                        return true;
        return false;
}

/* Warns once per unknown section (sections starting with "X-" are silently ignored). */
static int unknown_section(ConfigContext *ctx, const UnitFile *u, size_t idx) {
        const UnitAssignment *a = &u->assignments[idx];

        if (strneq(a->section, "X-", 2))
                return 0;
        for (size_t i = 0; i < idx; i++)
                if (streq(u->assignments[i].section, a->section))
                        return 0; /* already warned */
        return diag_add_code(ctx->diags, DIAG_CODE_UNKNOWN_SECTION, DIAG_WARNING, a->file, a->line, a->key,
                        "Unknown section '%s', ignoring.", a->section);
}

static int dispatch_one(ConfigContext *ctx, const UnitAssignment *a) {
        const ConfigDirective *d = config_directive_lookup(a->section, a->key);
        const char *home;

        if (d)
                return d->parse(ctx, a, (uint8_t *) ctx->config + d->offset, d->ltype);
        if (streq(a->section, UNIT_SECTION_SYSCAGE))
                return config_diag_code(ctx, DIAG_CODE_UNKNOWN_KEY, DIAG_ERROR, a,
                                   "Unknown key '%s' in section [%s]: refusing, a misspelt "
                                   "setting must not leave a protection off.",
                                   a->key, UNIT_SECTION_SYSCAGE);
        if (strneq(a->key, "X-", 2))
                return 0;
        if (streq(a->section, "Service") && unit_config_key_is_policy(a->key))
                return 0;
        home = not_enforced_section(a->key);
        if (home && streq(home, a->section))
                return record_not_enforced(ctx, a);
        home = unit_config_key_section(a->key);
        if (home)
                return config_diag_code(ctx, DIAG_CODE_WRONG_SECTION, DIAG_WARNING, a,
                                   "Key '%s' belongs in section '%s', not '%s', ignoring.",
                                   a->key, home, a->section);
        return config_diag_code(ctx, DIAG_CODE_UNKNOWN_KEY, DIAG_WARNING, a, "Unknown key name '%s' in section '%s', ignoring.",
                           a->key, a->section);
}

/* The targets whose WantedBy= means what enabling means here: start with the daemon. */
static bool install_target_is_boot(const char *name) {
        return streq(name, "multi-user.target") || streq(name, "default.target") ||
               streq(name, "graphical.target");
}

static int install_list_add(char **buf, size_t *n, char * const *names) {
        STRV_FOREACH(w, names) {
                size_t l = strlen(*w);
                char *b;

                if (install_target_is_boot(*w))
                        continue;
                if (!(b = realloc(*buf, *n + l + 3)))
                        return -ENOMEM;
                *buf = b;
                if (*n > 0) {
                        memcpy(b + *n, ", ", 2);
                        *n += 2;
                }
                memcpy(b + *n, *w, l + 1);
                *n += l;
        }
        return 0;
}

/* WantedBy=/RequiredBy= of targets syscage does not manage (anything but the boot targets),
 * and RequiredBy= (treated like WantedBy=): one note per unit, not one warning per line, since
 * stock unit files name such targets all the time. */
static int install_note(ConfigContext *ctx) {
        const UnitConfig *c = ctx->config;
        const UnitAssignment *a = ctx->install_first;
        _cleanup_free_ char *names = NULL;
        bool required = strv_length(c->required_by) > 0;
        size_t n = 0;

        if (!a)
                return 0;
        if (install_list_add(&names, &n, c->wanted_by) < 0 || install_list_add(&names, &n, c->required_by) < 0)
                return -ENOMEM;
        if (n > 0)
                return diag_add_code(ctx->diags, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_NOTE, a->file, a->line, a->key,
                                     "Targets are not managed (%s): enabled, the unit starts with the daemon%s.",
                                     names, required ? "; RequiredBy= is treated like WantedBy=" : "");
        if (required)
                return diag_add_code(ctx->diags, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_NOTE, a->file, a->line, a->key,
                                     "RequiredBy= is treated like WantedBy=.");
        return 0;
}

/* Checks that need the whole unit. */
static int unit_config_verify(ConfigContext *ctx, const UnitFile *u) {
        UnitConfig *c = ctx->config;
        const ExecCommandList *start = &c->exec[SERVICE_EXEC_START];
        int r;

        r = sandbox_finish(ctx, u);
        if (r < 0)
                return r;
        r = install_note(ctx);
        if (r < 0)
                return r;
        if (c->type == SERVICE_NOTIFY && !ctx->notify_access_set)
                c->notify_access = NOTIFY_MAIN;
        if (c->type == SERVICE_ONESHOT && !ctx->timeout_start_set)
                c->timeout_start = USEC_INFINITY; /* systemd: oneshot start has no timeout */
        if (start->n > 1 && c->type != SERVICE_ONESHOT)
                return config_diag_code(ctx, DIAG_CODE_CONFLICT, DIAG_ERROR, ctx->exec_start_second,
                                   "Service has more than one ExecStart= setting, which is only "
                                   "allowed for Type=oneshot services.");
        if (start->n == 0 && (c->type != SERVICE_ONESHOT || c->exec[SERVICE_EXEC_STOP].n == 0)) {
                ctx->n_errors++;
                return diag_add_code(ctx->diags, DIAG_CODE_MISSING_DIRECTIVE, DIAG_ERROR, u->fragment, 0, "ExecStart",
                                "Service has no ExecStart= setting, refusing.");
        }
        return 0;
}

int unit_config_parse(const UnitFile *u, DiagList *diags, UnitConfig **ret) {
        _cleanup_(unit_config_freep) UnitConfig *c = calloc(1, sizeof(UnitConfig));
        ConfigContext ctx = { .config = c, .diags = diags };
        int r;

        if (!c)
                return -ENOMEM;
        unit_config_init(c);
        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                r = section_is_known(a->section) ? dispatch_one(&ctx, a)
                                                 : unknown_section(&ctx, u, i);
                if (r < 0)
                        return r;
        }
        r = unit_config_verify(&ctx, u);
        if (r < 0)
                return r;
        if (ctx.n_errors > 0)
                return -EBADMSG;
        *ret = TAKE_PTR(c);
        return 0;
}
