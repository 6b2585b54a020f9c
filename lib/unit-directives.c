/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-directive value parsers and the table that maps (section, key) to them. Each parser
 * reports a bad value as a located diagnostic (error or warning, see the policy at the top of
 * unit-config.c) and returns 0; only allocation failures are returned.
 */
#include <limits.h>
#include <signal.h>
#include <string.h>

#include "strv.h"
#include "unit-directives-dirs.h"
#include "unit-directives-sandbox.h"
#include "unit-directives.h"

#define FIELD(f) offsetof(UnitConfig, f)

static char *mfree_str(char *s) {
        free(s);
        return NULL;
}

static bool isdigit_str(const char *s) {
        return !isempty(s) && s[strspn(s, "0123456789")] == '\0';
}

static int config_oom_or_zero(int r) {
        return r == -ENOMEM ? r : 0;
}

/* Appends a copy of S to *L unless that would exceed MAX entries (then a located error). */
static int config_strv_append(ConfigContext *ctx, const UnitAssignment *a, char ***l,
                              const char *s, size_t max) {
        if (strv_length(*l) >= max)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Too many entries (at most %zu).", max);
        return strv_extend(l, s);
}

/* Splits VALUE (A's value or a part of it) into words; a syntax error is reported and
 * returned as -EINVAL. */
static int config_split(ConfigContext *ctx, const UnitAssignment *a, const char *value,
                        char ***ret) {
        int r = exec_split_words(value, ret);
        if (r == -EINVAL || r == -E2BIG)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid quoting or too many words: %s",
                                   a->value) ?: -EINVAL;
        return r;
}

/* The words of a list directive's value, each checked. An empty value resets *LIST and gives
 * no words; a word that fails VALID is an error ("INVALID: word") and gives no words, so a
 * line adds all its words or none. The caller adds *RET_WORDS (NULL: nothing to add) and
 * returns what this returns when it is negative. */
static int config_split_checked(ConfigContext *ctx, const UnitAssignment *a, char ***list,
                                bool (*valid)(const char *), const char *invalid,
                                char ***ret_words) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        *ret_words = NULL;
        if (isempty(a->value)) {
                *list = strv_free(*list);
                return 0;
        }
        r = config_split(ctx, a, a->value, &words);
        if (r < 0)
                return config_oom_or_zero(r);
        STRV_FOREACH(w, words)
                if (!valid(*w))
                        return config_diag(ctx, DIAG_ERROR, a, "%s: %s", invalid, *w);
        *ret_words = TAKE_PTR(words);
        return 0;
}

/* ---- generic field parsers ---- */

static int parse_string(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        char **s = data;

        if (strlen(a->value) > UNIT_CONFIG_DESCRIPTION_MAX)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Value too long (at most %u bytes).",
                                   UNIT_CONFIG_DESCRIPTION_MAX);
        free(*s);
        *s = isempty(a->value) ? NULL : strdup(a->value);
        return !isempty(a->value) && !*s ? -ENOMEM : 0;
}

static int parse_bool(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        int r = parse_boolean(a->value);

        if (r < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Failed to parse boolean value: %s",
                                   a->value);
        *(bool *) data = r;
        return 0;
}

static int parse_usec(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        usec_t t;

        if (parse_sec(a->value, &t) < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Failed to parse time span: %s",
                                   a->value);
        *(usec_t *) data = t;
        return 0;
}

/* TimeoutStartSec= (LTYPE 0), TimeoutStopSec= (1) and TimeoutSec= (2, both). As in systemd,
 * 0 disables the timeout just like "infinity". */
static int parse_timeout(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        UnitConfig *c = ctx->config;
        usec_t t;

        if (parse_sec(a->value, &t) < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Failed to parse time span: %s",
                                   a->value);
        if (t == 0)
                t = USEC_INFINITY;
        if (ltype != 1) {
                c->timeout_start = t;
                ctx->timeout_start_set = true;
        }
        if (ltype != 0)
                c->timeout_stop = t;
        return 0;
}

static int parse_start_limit_interval(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                      int ltype) {
        int r = 0;

        if (ltype)
                r = config_diag_code(ctx, DIAG_CODE_DEPRECATED, DIAG_WARNING, a,
                                "%s= is deprecated, use StartLimitIntervalSec= in [Unit] instead.",
                                a->key);
        return r < 0 ? r : parse_usec(ctx, a, data, 0);
}

static int parse_unsigned_field(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                int ltype) {
        if (parse_unsigned(a->value, data) < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Failed to parse number: %s", a->value);
        return 0;
}

static int parse_mode_field(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        if (parse_mode(a->value, (mode_t) ltype, data) < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid octal mode (0..%04o): %s",
                                   (unsigned) ltype, a->value);
        return 0;
}

static int parse_nice_field(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        if (parse_nice(a->value, &ctx->config->nice) < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Nice level must be between %d and %d: %s",
                                   NICE_MIN, NICE_MAX, a->value);
        ctx->config->nice_set = true;
        return 0;
}

static int parse_signal_field(ConfigContext *ctx, const UnitAssignment *a, void *data,
                              int ltype) {
        int sig = signal_from_string(a->value);

        if (sig < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Unknown signal: %s", a->value);
        *(int *) data = sig;
        return 0;
}

/* ---- enums ---- */

typedef int (*EnumFromString)(const char *s);

static const struct {
        EnumFromString from_string;
        const char *what;
} config_enums[] = {
        { service_restart_from_string, "restart setting" },
        { kill_mode_from_string, "kill mode" },
        { notify_access_from_string, "notify access" },
};
enum { ENUM_RESTART, ENUM_KILL_MODE, ENUM_NOTIFY_ACCESS };

static int parse_enum(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        int v = config_enums[ltype].from_string(a->value);

        if (v < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid %s: %s", config_enums[ltype].what,
                                   a->value);
        *(int *) data = v;
        if (ltype == ENUM_NOTIFY_ACCESS)
                ctx->notify_access_set = true;
        if (ltype == ENUM_KILL_MODE && v == KILL_NONE)
                return config_diag_code(ctx, DIAG_CODE_DEPRECATED, DIAG_WARNING, a,
                                   "KillMode=none is unsafe and deprecated: processes may be "
                                   "left behind when the service stops.");
        return 0;
}

/* Types systemd has that we recognise but do not run. */
static const char *const service_types_unsupported[] = { "dbus", "idle", "notify-reload" };

static int parse_service_type(ConfigContext *ctx, const UnitAssignment *a, void *data,
                              int ltype) {
        int t = service_type_from_string(a->value);

        ctx->type_assignment = a;
        if (t >= 0) {
                *(ServiceType *) data = t;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(service_types_unsupported); i++)
                if (streq(a->value, service_types_unsupported[i]))
                        return config_diag_code(ctx, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_ERROR, a, "Type=%s is not supported.",
                                           a->value);
        return config_diag(ctx, DIAG_ERROR, a, "Invalid service type: %s", a->value);
}

/* ---- Exec*= ---- */

static int parse_exec(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        ExecCommandList *l = data;
        ExecCommand c;
        const char *why = NULL;
        int r;

        if (isempty(a->value)) {
                for (size_t i = 0; i < l->n; i++)
                        exec_command_done(&l->commands[i]);
                free(l->commands);
                *l = (ExecCommandList) {};
                if (ltype == SERVICE_EXEC_START)
                        ctx->exec_start_second = NULL;
                return 0;
        }
        if (l->n >= UNIT_CONFIG_EXEC_COMMANDS_MAX)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Too many commands (at most %u).",
                                   UNIT_CONFIG_EXEC_COMMANDS_MAX);
        r = exec_command_parse(a->value, &c, &why);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid command line: %s: %s",
                                   why ?: "parse error", a->value);
        ExecCommand *n = realloc(l->commands, sizeof(ExecCommand) * (l->n + 1));
        if (!n) {
                exec_command_done(&c);
                return -ENOMEM;
        }
        l->commands = n;
        l->commands[l->n++] = c;
        if (ltype == SERVICE_EXEC_START && l->n == 2)
                ctx->exec_start_second = a;
        return 0;
}

/* ---- [Unit] and [Install] name lists ---- */

static bool uri_is_valid(const char *s) {
        static const char *const schemes[] = { "http://", "https://", "file:", "info:", "man:" };

        for (size_t i = 0; i < ELEMENTSOF(schemes); i++)
                if (strneq(s, schemes[i], strlen(schemes[i])) && s[strlen(schemes[i])] != '\0')
                        return true;
        return false;
}

static int parse_documentation(ConfigContext *ctx, const UnitAssignment *a, void *data,
                               int ltype) {
        _cleanup_strv_free_ char **words = NULL;
        char ***l = data;
        int r;

        if (isempty(a->value)) {
                *l = strv_free(*l);
                return 0;
        }
        r = config_split(ctx, a, a->value, &words);
        if (r < 0)
                return config_oom_or_zero(r);
        STRV_FOREACH(w, words) {
                if (!uri_is_valid(*w))
                        r = config_diag(ctx, DIAG_WARNING, a,
                                        "Invalid URI (expected http://, https://, file:, info: "
                                        "or man:), ignoring: %s", *w);
                else
                        r = config_strv_append(ctx, a, l, *w, UNIT_CONFIG_LIST_MAX);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Unit names; LTYPE 0: dependencies, only ".service" is kept; 1: [Install] targets, any type;
 * 2: Alias=, ".service" only; 3: RequiredBy= (kept, treated like WantedBy=).
 *
 * A ".target" in a dependency or ordering is dropped without a word: targets are not managed
 * but count as reached at all times (syscage.service(5), "Targets"), so ordering against one
 * or pulling one in asks for nothing that has not happened already. */
static int unit_name_check(ConfigContext *ctx, const UnitAssignment *a, const char *name,
                           int ltype) {
        if (!unit_reference_is_valid(name))
                return config_diag(ctx, DIAG_WARNING, a, "Invalid unit name, ignoring: %s", name)
                               ?: 1;
        if (ltype == 0 && streq(unit_name_suffix(name), ".target"))
                return 1;
        if ((ltype == 0 || ltype == 2) && !streq(unit_name_suffix(name), ".service"))
                return config_diag_code(ctx, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_WARNING, a,
                                   "Only .service units are managed, %s is ignored.", name) ?: 1;
        return 0;
}

static int parse_unit_names(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        _cleanup_strv_free_ char **words = NULL;
        char ***l = data;
        int r;

        if (isempty(a->value)) {
                *l = strv_free(*l);
                return 0;
        }
        /* [Install] targets get one note for the whole unit (unit_config_verify()). */
        if ((ltype == 1 || ltype == 3) && !ctx->install_first)
                ctx->install_first = a;
        r = config_split(ctx, a, a->value, &words);
        if (r < 0)
                return config_oom_or_zero(r);
        STRV_FOREACH(w, words) {
                r = unit_name_check(ctx, a, *w, ltype);
                if (r == 0 && !strv_contains(*l, *w))
                        r = config_strv_append(ctx, a, l, *w, UNIT_CONFIG_LIST_MAX);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- credentials, paths, environment ---- */

static int parse_user_group(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        if (!isempty(a->value) && !user_group_name_is_valid(a->value))
                return config_diag(ctx, DIAG_ERROR, a, "Invalid user or group name: %s",
                                   a->value);
        return parse_string(ctx, a, data, ltype);
}

static int parse_supplementary_groups(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                      int ltype) {
        _cleanup_strv_free_ char **words = NULL;
        char ***l = data;
        int r;

        r = config_split_checked(ctx, a, l, user_group_name_is_valid, "Invalid group name",
                                 &words);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                r = config_strv_append(ctx, a, l, *w, UNIT_CONFIG_LIST_MAX);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* PIDFile=: absolute, or relative to /run as systemd does. */
static int parse_pid_file(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        char **s = data, *p;

        if (isempty(a->value)) {
                *s = mfree_str(*s);
                return 0;
        }
        if (a->value[0] == '/' ? !path_is_absolute_normal(a->value)
                               : !path_is_safe_relative(a->value))
                return config_diag(ctx, DIAG_ERROR, a, "Invalid path: %s", a->value);
        if (a->value[0] == '/')
                p = strdup(a->value);
        else if (asprintf(&p, "/run/%s", a->value) < 0)
                p = NULL;
        if (!p)
                return -ENOMEM;
        free(*s);
        *s = p;
        return 0;
}

static int parse_working_directory(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                   int ltype) {
        UnitConfig *c = ctx->config;
        const char *v = a->value;
        bool missing_ok = false;

        if (*v == '-') {
                missing_ok = true;
                v++;
        }
        if (isempty(v)) {
                c->working_directory = mfree_str(c->working_directory);
                c->working_directory_home = c->working_directory_missing_ok = false;
                return 0;
        }
        if (!streq(v, "~") && !path_is_absolute_normal(v))
                return config_diag(ctx, DIAG_ERROR, a,
                                   "WorkingDirectory= must be an absolute path or \"~\": %s",
                                   a->value);
        free(c->working_directory);
        c->working_directory = NULL;
        c->working_directory_home = streq(v, "~");
        c->working_directory_missing_ok = missing_ok;
        if (!c->working_directory_home && !(c->working_directory = strdup(v)))
                return -ENOMEM;
        return 0;
}

/* Sets NAME=VALUE in the environment list, replacing an earlier value of NAME. */
static int environment_set(ConfigContext *ctx, const UnitAssignment *a, char ***env,
                           const char *assignment) {
        size_t n = strcspn(assignment, "=") + 1;

        for (char **e = *env; e && *e; e++)
                if (strneq(*e, assignment, n)) {
                        char *copy = strdup(assignment);
                        if (!copy)
                                return -ENOMEM;
                        free(*e);
                        *e = copy;
                        return 0;
                }
        return config_strv_append(ctx, a, env, assignment, UNIT_CONFIG_ENV_MAX);
}

static int parse_environment(ConfigContext *ctx, const UnitAssignment *a, void *data,
                             int ltype) {
        _cleanup_strv_free_ char **words = NULL;
        char ***env = data;
        int r;

        r = config_split_checked(ctx, a, env, env_assignment_is_valid,
                                 "Invalid environment assignment", &words);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                r = environment_set(ctx, a, env, *w);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_environment_file(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                  int ltype) {
        const char *path = a->value[0] == '-' ? a->value + 1 : a->value;
        char ***l = data;

        if (isempty(a->value)) {
                *l = strv_free(*l);
                return 0;
        }
        if (!path_is_absolute_normal(path))
                return config_diag(ctx, DIAG_ERROR, a,
                                   "EnvironmentFile= must be an absolute path: %s", a->value);
        return config_strv_append(ctx, a, l, a->value, UNIT_CONFIG_LIST_MAX);
}

/* ---- limits, stdio, capabilities, exit statuses ---- */

static int parse_rlimit_field(ConfigContext *ctx, const UnitAssignment *a, void *data,
                              int ltype) {
        UnitConfig *c = ctx->config;
        struct rlimit rl;
        int r = rlimit_parse(ltype, a->value, &rl);

        if (r == -ENOMEM)
                return r;
        if (r == -EILSEQ)
                return config_diag(ctx, DIAG_ERROR, a, "Soft limit is above the hard limit: %s",
                                   a->value);
        if (r < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid resource limit: %s", a->value);
        c->rlimit[ltype] = rl;
        c->rlimit_set[ltype] = true;
        return 0;
}

/* Standard input: "null" or "file:PATH"; systemd's other choices are not supported. */
static int parse_std_input(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        UnitConfig *c = ctx->config;

        if (strneq(a->value, "file:", 5)) {
                if (!path_is_absolute_normal(a->value + 5))
                        return config_diag(ctx, DIAG_ERROR, a, "Invalid file path: %s", a->value);
                free(c->std_input_path);
                if (!(c->std_input_path = strdup(a->value + 5)))
                        return -ENOMEM;
                c->std_input = EXEC_INPUT_FILE;
                return 0;
        }
        if (streq(a->value, "null")) {
                c->std_input = EXEC_INPUT_NULL;
                c->std_input_path = mfree_str(c->std_input_path);
                return 0;
        }
        if (strneq(a->value, "tty", 3) || streq(a->value, "socket") || streq(a->value, "data") ||
            strneq(a->value, "fd:", 3) || streq(a->value, "fd"))
                return config_diag_code(ctx, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_ERROR, a, "StandardInput=%s is not supported.",
                                   a->value);
        return config_diag(ctx, DIAG_ERROR, a, "Invalid standard input: %s", a->value);
}

static const char *const std_output_unsupported[] = {
        "tty", "kmsg", "kmsg+console", "journal+console", "socket", "syslog", "syslog+console",
};

/* Standard output or error (LTYPE 1): inherit, null, journal, file:, append:, truncate:. */
static int parse_std_output(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        ExecOutput *o = ltype ? &ctx->config->std_error : &ctx->config->std_output;
        char **path = ltype ? &ctx->config->std_error_path : &ctx->config->std_output_path;
        const char *colon = strchr(a->value, ':');
        _cleanup_free_ char *kind = colon ? strndup(a->value, (size_t) (colon - a->value))
                                          : strdup(a->value);
        int v;

        if (!kind)
                return -ENOMEM;
        v = exec_output_from_string(kind);
        if (v >= EXEC_OUTPUT_FILE && colon) {
                if (!path_is_absolute_normal(colon + 1))
                        return config_diag(ctx, DIAG_ERROR, a, "Invalid file path: %s", a->value);
                free(*path);
                if (!(*path = strdup(colon + 1)))
                        return -ENOMEM;
                *o = v;
                return 0;
        }
        if (v >= 0 && v < EXEC_OUTPUT_FILE && !colon) {
                *o = v;
                *path = mfree_str(*path);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(std_output_unsupported); i++)
                if (streq(kind, std_output_unsupported[i]) || streq(kind, "fd"))
                        return config_diag_code(ctx, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_ERROR, a, "%s=%s is not supported.", a->key,
                                           a->value);
        return config_diag(ctx, DIAG_ERROR, a, "Invalid output setting: %s", a->value);
}

/* CapabilityBoundingSet= (LTYPE 0) and AmbientCapabilities= (1): lines are ORed together, a
 * line starting with "~" removes its capabilities instead; the empty string resets to none. */
static int parse_capability_set(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                int ltype) {
        UnitConfig *c = ctx->config;
        bool *assigned = ltype ? &c->ambient_capabilities_assigned
                               : &c->capability_bounding_set_assigned;
        _cleanup_strv_free_ char **words = NULL;
        uint64_t *set = data, sum = 0;
        bool invert = a->value[0] == '~';
        int r;

        r = config_split(ctx, a, a->value + invert, &words);
        if (r < 0)
                return config_oom_or_zero(r);
        STRV_FOREACH(w, words) {
                int cap = capability_from_string(*w);
                if (cap < 0)
                        return config_diag(ctx, DIAG_ERROR, a, "Unknown capability: %s", *w);
                sum |= UINT64_C(1) << cap;
        }
        if (isempty(a->value + invert) && !invert)
                *set = 0;
        else if (invert)
                *set = (*assigned ? *set : CAPABILITY_MASK_ALL) & ~sum;
        else
                *set = (*assigned ? *set : 0) | sum;
        *assigned = true;
        return 0;
}

static int parse_success_exit_status(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                     int ltype) {
        _cleanup_strv_free_ char **words = NULL;
        ExitStatusSet *set = data, add = {};
        int r;

        if (isempty(a->value)) {
                *set = (ExitStatusSet) {};
                return 0;
        }
        r = config_split(ctx, a, a->value, &words);
        if (r < 0)
                return config_oom_or_zero(r);
        STRV_FOREACH(w, words) {
                int v, sig;
                if (parse_exit_status(*w, &v) >= 0)
                        add.status[v / 64] |= UINT64_C(1) << (v % 64);
                else if ((sig = signal_from_string(*w)) > 0 && !isdigit_str(*w))
                        add.signal[sig / 64] |= UINT64_C(1) << (sig % 64);
                else
                        return config_diag(ctx, DIAG_ERROR, a,
                                           "Invalid exit status or signal name: %s", *w);
        }
        for (size_t i = 0; i < ELEMENTSOF(add.status); i++)
                set->status[i] |= add.status[i];
        for (size_t i = 0; i < ELEMENTSOF(add.signal); i++)
                set->signal[i] |= add.signal[i];
        return 0;
}

/* Condition*=/Assert*= (systemd.unit(5)). LTYPE is the ConditionType; DATA the ConditionList
 * (conditions or asserts). An empty value resets the list. A bad value refuses the unit, as
 * systemd refuses a relative path: a condition that cannot be tested must not let the unit
 * start where systemd would not. */
static int parse_condition(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        ConditionList *l = data;
        Condition c = {};
        const char *error = NULL;
        int r;

        if (isempty(a->value)) {
                condition_list_done(l);
                return 0;
        }
        r = condition_parse(ltype, a->value, &c, &error);
        if (r == -ENOMEM)
                return r;
        if (r == -EOPNOTSUPP)
                return config_diag_code(ctx, DIAG_CODE_UNSUPPORTED_VALUE, DIAG_ERROR, a, "%s=%s: %s", a->key,
                                        a->value, error);
        if (r < 0)
                return config_diag(ctx, DIAG_ERROR, a, "%s=%s: %s", a->key, a->value, error);
        r = condition_list_add(l, &c);
        free(c.parameter);
        if (r == -E2BIG)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a,
                                        "Too many conditions (at most %u).", CONDITION_LIST_MAX);
        return r;
}

/* ---- the table ---- */

#define EXEC(key, t) { "Service", key, parse_exec, FIELD(exec[t]), t }
#define LIMIT(key, res) { "Service", key, parse_rlimit_field, 0, res }

static const ConfigDirective config_directives[] = {
        { "Unit", "Description", parse_string, FIELD(description), 0 },
        { "Unit", "Documentation", parse_documentation, FIELD(documentation), 0 },
        { "Unit", "After", parse_unit_names, FIELD(after), 0 },
        { "Unit", "Before", parse_unit_names, FIELD(before), 0 },
        { "Unit", "Requires", parse_unit_names, FIELD(requires), 0 },
        { "Unit", "Wants", parse_unit_names, FIELD(wants), 0 },
        { "Unit", "BindsTo", parse_unit_names, FIELD(binds_to), 0 },
        { "Unit", "PartOf", parse_unit_names, FIELD(part_of), 0 },
        { "Unit", "ReloadPropagatedFrom", parse_unit_names, FIELD(reload_propagated_from), 0 },
        { "Unit", "PropagatesReloadTo", parse_unit_names, FIELD(propagates_reload_to), 0 },
        { "Unit", "DefaultDependencies", parse_bool, FIELD(default_dependencies), 0 },
        { "Unit", "StartLimitIntervalSec", parse_start_limit_interval,
          FIELD(start_limit_interval), 0 },
        { "Unit", "StartLimitInterval", parse_start_limit_interval, FIELD(start_limit_interval), 1 },
        { "Unit", "StartLimitBurst", parse_unsigned_field, FIELD(start_limit_burst), 0 },
#define COND(name, t) \
        { .section = "Unit", .key = "Condition" name, parse_condition, FIELD(conditions), t }, \
        { .section = "Unit", .key = "Assert" name, parse_condition, FIELD(asserts), t }
        COND("PathExists", CONDITION_PATH_EXISTS),
        COND("PathExistsGlob", CONDITION_PATH_EXISTS_GLOB),
        COND("PathIsDirectory", CONDITION_PATH_IS_DIRECTORY),
        COND("PathIsSymbolicLink", CONDITION_PATH_IS_SYMBOLIC_LINK),
        COND("PathIsMountPoint", CONDITION_PATH_IS_MOUNT_POINT),
        COND("PathIsReadWrite", CONDITION_PATH_IS_READ_WRITE),
        COND("DirectoryNotEmpty", CONDITION_DIRECTORY_NOT_EMPTY),
        COND("FileNotEmpty", CONDITION_FILE_NOT_EMPTY),
        COND("FileIsExecutable", CONDITION_FILE_IS_EXECUTABLE),
        COND("Capability", CONDITION_CAPABILITY),
        COND("KernelCommandLine", CONDITION_KERNEL_COMMAND_LINE),
        COND("Virtualization", CONDITION_VIRTUALIZATION),
        COND("User", CONDITION_USER),
        COND("Group", CONDITION_GROUP),
        COND("Host", CONDITION_HOST),
        COND("Architecture", CONDITION_ARCHITECTURE),
        COND("Security", CONDITION_SECURITY),
#undef COND
        { "Service", "StartLimitIntervalSec", parse_start_limit_interval,
          FIELD(start_limit_interval), 0 },
        { "Service", "StartLimitInterval", parse_start_limit_interval,
          FIELD(start_limit_interval), 1 },
        { "Service", "StartLimitBurst", parse_unsigned_field, FIELD(start_limit_burst), 0 },

        { "Service", "Type", parse_service_type, FIELD(type), 0 },
        EXEC("ExecStartPre", SERVICE_EXEC_START_PRE),
        EXEC("ExecStart", SERVICE_EXEC_START),
        EXEC("ExecStartPost", SERVICE_EXEC_START_POST),
        EXEC("ExecReload", SERVICE_EXEC_RELOAD),
        EXEC("ExecStop", SERVICE_EXEC_STOP),
        EXEC("ExecStopPost", SERVICE_EXEC_STOP_POST),
        { "Service", "Restart", parse_enum, FIELD(restart), ENUM_RESTART },
        { "Service", "RestartSec", parse_usec, FIELD(restart_sec), 0 },
        { "Service", "TimeoutStartSec", parse_timeout, 0, 0 },
        { "Service", "TimeoutStopSec", parse_timeout, 0, 1 },
        { "Service", "TimeoutSec", parse_timeout, 0, 2 },
        { "Service", "WatchdogSec", parse_usec, FIELD(watchdog_sec), 0 },
        { "Service", "KillSignal", parse_signal_field, FIELD(kill_signal), 0 },
        { "Service", "KillMode", parse_enum, FIELD(kill_mode), ENUM_KILL_MODE },
        { "Service", "SuccessExitStatus", parse_success_exit_status,
          FIELD(success_exit_status), 0 },
        { "Service", "RestartPreventExitStatus", parse_success_exit_status,
          FIELD(restart_prevent_exit_status), 0 },
        { "Service", "RestartForceExitStatus", parse_success_exit_status,
          FIELD(restart_force_exit_status), 0 },
        { "Service", "RemainAfterExit", parse_bool, FIELD(remain_after_exit), 0 },
        { "Service", "PIDFile", parse_pid_file, FIELD(pid_file), 0 },
        { "Service", "NotifyAccess", parse_enum, FIELD(notify_access), ENUM_NOTIFY_ACCESS },

        { "Service", "User", parse_user_group, FIELD(user), 0 },
        { "Service", "Group", parse_user_group, FIELD(group), 0 },
        { "Service", "SupplementaryGroups", parse_supplementary_groups,
          FIELD(supplementary_groups), 0 },
        { "Service", "WorkingDirectory", parse_working_directory, 0, 0 },
        { "Service", "Environment", parse_environment, FIELD(environment), 0 },
        { "Service", "EnvironmentFile", parse_environment_file, FIELD(environment_files), 0 },
        { "Service", "UMask", parse_mode_field, FIELD(umask), 0777 },
        { "Service", "Nice", parse_nice_field, 0, 0 },
        LIMIT("LimitCPU", RLIMIT_CPU),
        LIMIT("LimitFSIZE", RLIMIT_FSIZE),
        LIMIT("LimitDATA", RLIMIT_DATA),
        LIMIT("LimitSTACK", RLIMIT_STACK),
        LIMIT("LimitCORE", RLIMIT_CORE),
        LIMIT("LimitRSS", RLIMIT_RSS),
        LIMIT("LimitNOFILE", RLIMIT_NOFILE),
        LIMIT("LimitAS", RLIMIT_AS),
        LIMIT("LimitNPROC", RLIMIT_NPROC),
        LIMIT("LimitMEMLOCK", RLIMIT_MEMLOCK),
        LIMIT("LimitLOCKS", RLIMIT_LOCKS),
        LIMIT("LimitSIGPENDING", RLIMIT_SIGPENDING),
        LIMIT("LimitMSGQUEUE", RLIMIT_MSGQUEUE),
        LIMIT("LimitNICE", RLIMIT_NICE),
        LIMIT("LimitRTPRIO", RLIMIT_RTPRIO),
        LIMIT("LimitRTTIME", RLIMIT_RTTIME),
        { "Service", "StandardInput", parse_std_input, 0, 0 },
        { "Service", "StandardOutput", parse_std_output, 0, 0 },
        { "Service", "StandardError", parse_std_output, 0, 1 },
        { "Service", "NoNewPrivileges", parse_bool, FIELD(no_new_privileges), 0 },
        { "Service", "IgnoreSIGPIPE", parse_bool, FIELD(ignore_sigpipe), 0 },
        { "Service", "CapabilityBoundingSet", parse_capability_set,
          FIELD(capability_bounding_set), 0 },
        { "Service", "AmbientCapabilities", parse_capability_set, FIELD(ambient_capabilities), 1 },

        { "Install", "WantedBy", parse_unit_names, FIELD(wanted_by), 1 },
        { "Install", "RequiredBy", parse_unit_names, FIELD(required_by), 3 },
        { "Install", "Alias", parse_unit_names, FIELD(alias), 2 },
};

const ConfigDirective *config_directive_lookup(const char *section, const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(config_directives); i++)
                if (streq(config_directives[i].section, section) &&
                    streq(config_directives[i].key, key))
                        return &config_directives[i];
        return sandbox_directive_lookup(section, key) ?: dirs_directive_lookup(section, key);
}

const char *config_directive_section(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(config_directives); i++)
                if (streq(config_directives[i].key, key))
                        return config_directives[i].section;
        return sandbox_directive_section(key) ?: dirs_directive_section(key);
}
