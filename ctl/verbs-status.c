/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verbs that describe units: list (a table), status (systemctl-like text), show
 * (KEY=VALUE lines), each also as JSON with --json.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bus-client.h"
#include "ctl-output.h"
#include "policy-complain.h"
#include "strv.h"
#include "verbs-online.h"

#define OPT_NO_PAGER 0x7f00
#define OPT_JSON 0x7f01
#define OPT_STATE 0x7f02
#define OPT_VALUE 0x7f03
#define OPT_LIST_FAILED 0x7f10
#define STATUS_LOG_LINES 10u

typedef struct ListRow {
        const char *name, *description, *load, *active, *sub, *result;
        uint32_t main_pid;
} ListRow;

static bool list_row_wanted(const ListRow *r, bool all, char **states) {
        if (states)
                return strv_contains(states, r->load) || strv_contains(states, r->active) ||
                       strv_contains(states, r->sub);
        /* As systemctl: without --all, only what is or was doing something. */
        return all || !streq(r->active, "inactive") || !streq(r->load, "loaded");
}

static void list_print_json(const ListRow *rows, size_t n) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
                printf("%s{\"unit\":", i ? "," : "");
                json_print_string(stdout, rows[i].name);
                printf(",\"load\":");
                json_print_string(stdout, rows[i].load);
                printf(",\"active\":");
                json_print_string(stdout, rows[i].active);
                printf(",\"sub\":");
                json_print_string(stdout, rows[i].sub);
                printf(",\"result\":");
                json_print_string(stdout, rows[i].result);
                printf(",\"main_pid\":%" PRIu32 ",\"description\":", rows[i].main_pid);
                json_print_string(stdout, rows[i].description);
                printf("}");
        }
        printf("]\n");
}

static void list_print_table(const ListRow *rows, size_t n) {
        int w_name = 4, w_load = 4, w_active = 6, w_sub = 3;

        for (size_t i = 0; i < n; i++) {
                w_name = MAX(w_name, (int) strlen(rows[i].name));
                w_load = MAX(w_load, (int) strlen(rows[i].load));
                w_active = MAX(w_active, (int) strlen(rows[i].active));
                w_sub = MAX(w_sub, (int) strlen(rows[i].sub));
        }
        printf("%s%-*s %-*s %-*s %-*s %s%s\n", ansi_highlight(), w_name, "UNIT", w_load, "LOAD", w_active,
               "ACTIVE", w_sub, "SUB", "DESCRIPTION", ansi_normal());
        for (size_t i = 0; i < n; i++) {
                const char *on = ansi_for_active_state(rows[i].active);
                printf("%-*s %-*s %s%-*s%s %-*s ", w_name, rows[i].name, w_load, rows[i].load, on,
                       w_active, rows[i].active, *on ? ansi_normal() : "", w_sub, rows[i].sub);
                output_print_line(stdout, rows[i].description);
                fputc('\n', stdout);
        }
        printf("\n%zu unit%s listed.\n", n, n == 1 ? "" : "s");
}

static int list_read(sd_bus_message *reply, bool all, char **states, ListRow **ret, size_t *ret_n) {
        _cleanup_free_ ListRow *rows = NULL;
        size_t n = 0, allocated = 0;
        ListRow row;
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(ssssssu)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssssu)", &row.name, &row.description, &row.load,
                                                  &row.active, &row.sub, &row.result, &row.main_pid)) > 0) {
                if (!list_row_wanted(&row, all, states))
                        continue;
                if (GREEDY_REALLOC(rows, allocated, n + 1) < 0)
                        return -ENOMEM;
                rows[n++] = row;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(rows);
        *ret_n = n;
        return 0;
}

static int split_states(const char *s, char ***l) {
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
                if (strv_extend(l, w) < 0)
                        return -ENOMEM;
        return 0;
}

int verb_list(int argc, char **argv) {
        static const struct option options[] = {
                { "no-pager", no_argument, NULL, OPT_NO_PAGER },
                { "all", no_argument, NULL, 'a' },
                { "state", required_argument, NULL, OPT_STATE },
                { "failed", no_argument, NULL, OPT_LIST_FAILED },
                { "json", no_argument, NULL, OPT_JSON },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **states = NULL;
        _cleanup_free_ ListRow *rows = NULL;
        bool all = false, json = false;
        size_t n = 0;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "a", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case OPT_STATE:
                        if (split_states(optarg, &states) < 0)
                                return CTL_EXIT_FAILURE;
                        break;
                case OPT_LIST_FAILED: /* as systemctl: --state=failed */
                        if (strv_extend(&states, "failed") < 0)
                                return CTL_EXIT_FAILURE;
                        break;
                case OPT_JSON:
                        json = true;
                        break;
                case OPT_NO_PAGER:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (optind < argc) {
                fprintf(stderr, "list: unexpected argument '%s'.\n", argv[optind]);
                return CTL_EXIT_USAGE;
        }
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "ListUnits", &error, &reply, NULL);
        if (r < 0)
                return bus_client_report("list units", NULL, &error, r);
        r = list_read(reply, all, states, &rows, &n);
        if (r < 0) {
                fprintf(stderr, "Failed to parse the unit list: %s\n", strerror(-r));
                return CTL_EXIT_FAILURE;
        }
        if (json)
                list_print_json(rows, n);
        else
                list_print_table(rows, n);
        return CTL_EXIT_SUCCESS;
}

/* ---- show ---- */

/* Whether a value is printed as systemctl quotes an environment entry: in double quotes when
 * it holds whitespace, quotes or backslashes. */
static void print_env_word(const char *w) {
        if (!w[strcspn(w, " \t\n\"'\\")]) {
                output_print_line(stdout, w);
                return;
        }
        fputc('"', stdout);
        while (*w) {
                size_t n = strcspn(w, "\"\\");
                output_print_text(stdout, w, n);
                w += n;
                if (*w) {
                        fputc('\\', stdout);
                        fputc(*w++, stdout);
                }
        }
        fputc('"', stdout);
}

static bool key_startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool key_endswith(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);
        return n >= m && streq(s + n - m, suffix);
}

/* Counters systemd reports as UINT64_MAX when nothing measures them. */
static bool property_is_counter(const char *key) {
        return key_endswith(key, "Current") || key_startswith(key, "IO") || key_startswith(key, "CPUUsage");
}

static void property_print_value(const UnitProperty *p, bool json) {
        char buf[128];

        switch (p->type) {
        case 's':
                if (json)
                        json_print_string(stdout, p->str);
                else
                        output_print_line(stdout, p->str);
                break;
        case 'u':
                if (!json && streq(p->key, "UMask"))
                        printf("%04" PRIo64, p->u);
                else
                        printf("%" PRIu64, p->u);
                break;
        case 'i':
                printf("%" PRIi64, p->i);
                break;
        case 'b':
                printf(json ? "%s" : "%s", p->u ? (json ? "true" : "yes") : (json ? "false" : "no"));
                break;
        case 't':
                /* Raw in JSON (microseconds, counts); as systemctl show prints them otherwise. */
                if (json)
                        printf("%" PRIu64, p->u);
                else if (strstr(p->key, "Timestamp"))
                        fputs(p->u ? format_timestamp(buf, sizeof(buf), p->u) : "", stdout);
                else if (key_endswith(p->key, "USec") || key_endswith(p->key, "Sec"))
                        fputs(format_timespan(buf, sizeof(buf), p->u), stdout);
                else if (p->u == UINT64_MAX && key_startswith(p->key, "Limit"))
                        fputs("infinity", stdout);
                else if (p->u == UINT64_MAX && property_is_counter(p->key))
                        fputs("[not set]", stdout);
                else
                        printf("%" PRIu64, p->u);
                break;
        case 'a':
        case 'x':
                if (json)
                        printf("[");
                STRV_FOREACH(s, p->strv) {
                        if (json) {
                                printf("%s", s == p->strv ? "" : ",");
                                json_print_string(stdout, *s);
                        } else {
                                printf("%s", s == p->strv ? "" : " ");
                                if (streq(p->key, "Environment"))
                                        print_env_word(*s);
                                else
                                        output_print_line(stdout, *s);
                        }
                }
                if (json)
                        printf("]");
                break;
        }
}

/* Empty values systemctl show leaves out unless asked (--all, or the property named). */
static bool property_is_empty(const UnitProperty *p) {
        switch (p->type) {
        case 's':
                return isempty(p->str);
        case 'a':
        case 'x':
                return !p->strv || !p->strv[0];
        case 't':
                return p->u == 0 && strstr(p->key, "Timestamp");
        default:
                return false;
        }
}

/* Prints the properties as KEY=VALUE lines (VALUE lines with value_only, as systemctl's
 * --value) or as the members of a JSON object; with json and !close, the object is left open
 * for more members. Without ONLY and !ALL, empty values are left out, as systemctl does. An
 * Exec*= list is one line per command. */
static void properties_print_full(const UnitProperties *props, char **only, bool all, bool json, bool close,
                                  bool value_only) {
        bool first = true;

        if (json)
                printf("{");
        for (size_t i = 0; i < props->n; i++) {
                const UnitProperty *p = &props->items[i];
                if (only && !strv_contains(only, p->key))
                        continue;
                if (!json && !only && !all && property_is_empty(p))
                        continue;
                if (!json && p->type == 'x') {
                        STRV_FOREACH(s, p->strv) {
                                if (!value_only)
                                        printf("%s=", p->key);
                                output_print_line(stdout, *s);
                                printf("\n");
                        }
                        continue;
                }
                if (json) {
                        printf("%s", first ? "" : ",");
                        json_print_string(stdout, p->key);
                        printf(":");
                } else if (!value_only)
                        printf("%s=", p->key);
                property_print_value(p, json);
                if (!json)
                        printf("\n");
                first = false;
        }
        if (json && close)
                printf("}\n");
}

typedef struct ShowArgs {
        char **only;
        bool json;
        bool value_only;
        bool all;        /* --all: empty properties too */
        bool status; /* status rather than show */
        sd_bus *bus;
} ShowArgs;

static int show_parse(int argc, char **argv, ShowArgs *a) {
        static const struct option options[] = {
                { "no-pager", no_argument, NULL, OPT_NO_PAGER },
                { "property", required_argument, NULL, 'p' },
                { "json", no_argument, NULL, OPT_JSON },
                { "value", no_argument, NULL, OPT_VALUE },
                { "all", no_argument, NULL, 'a' },
                { "full", no_argument, NULL, 'l' },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, a->status ? "l" : "p:P:al", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        if (a->status)
                                return -EINVAL;
                        a->all = true;
                        break;
                case 'l':
                        break; /* -l/--full: nothing is ever ellipsized */
                case 'P': /* as systemctl: -P PROP is -p PROP --value */
                        a->value_only = true;
                        __attribute__((fallthrough));
                case 'p':
                        if (split_states(optarg, &a->only) < 0)
                                return -ENOMEM;
                        break;
                case OPT_VALUE:
                        if (a->status)
                                return -EINVAL;
                        a->value_only = true;
                        break;
                case OPT_JSON:
                        a->json = true;
                        break;
                case OPT_NO_PAGER:
                        break;
                default:
                        return -EINVAL;
                }
        return optind;
}

static int props_add(UnitProperties *p, const char *key, char type, const char *str, uint64_t u) {
        UnitProperty x = { .type = type, .u = u, .i = (int64_t) u };

        if (GREEDY_REALLOC(p->items, p->allocated, p->n + 1) < 0 || !(x.key = strdup(key)))
                return -ENOMEM;
        if (type == 's' && !(x.str = strdup(str))) {
                free(x.key);
                return -ENOMEM;
        }
        if (type == 'a' && strv_extend(&x.strv, str) < 0) {
                free(x.key);
                return -ENOMEM;
        }
        p->items[p->n++] = x;
        return 0;
}

/* As systemctl show for a unit it has no file for: the unit, not found, inactive (exit 0),
 * so that `show -p LoadState NAME` answers "not-found". */
static int show_not_found(const char *unit, UnitProperties *ret) {
        _cleanup_free_ char *error = NULL;
        UnitProperties p = {};
        int r;

        if (asprintf(&error, "%s \"Unit %s not found.\"", BUS_ERROR_NO_SUCH_UNIT, unit) < 0)
                return -ENOMEM;
        r = props_add(&p, "Id", 's', unit, 0);
        if (r >= 0)
                r = props_add(&p, "Names", 'a', unit, 0);
        if (r >= 0)
                r = props_add(&p, "Description", 's', unit, 0);
        if (r >= 0)
                r = props_add(&p, "LoadState", 's', "not-found", 0);
        if (r >= 0)
                r = props_add(&p, "ActiveState", 's', "inactive", 0);
        if (r >= 0)
                r = props_add(&p, "SubState", 's', "dead", 0);
        if (r >= 0)
                r = props_add(&p, "Result", 's', "success", 0);
        if (r >= 0)
                r = props_add(&p, "UnitFileState", 's', "", 0);
        if (r >= 0)
                r = props_add(&p, "MainPID", 'u', NULL, 0);
        if (r >= 0)
                r = props_add(&p, "ExecMainPID", 'u', NULL, 0);
        if (r >= 0)
                r = props_add(&p, "ExecMainCode", 'i', NULL, 0);
        if (r >= 0)
                r = props_add(&p, "ExecMainStatus", 'i', NULL, 0);
        if (r >= 0)
                r = props_add(&p, "NRestarts", 'u', NULL, 0);
        if (r >= 0)
                r = props_add(&p, "LoadError", 's', error, 0);
        if (r < 0) {
                unit_properties_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

int verb_show(int argc, char **argv) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        ShowArgs a = {};
        int first, ret = CTL_EXIT_SUCCESS;

        first = show_parse(argc, argv, &a);
        if (first < 0) {
                strv_free(a.only);
                return CTL_EXIT_USAGE;
        }
        if (first >= argc) {
                fprintf(stderr, "show: expected at least one unit name.\n");
                strv_free(a.only);
                return CTL_EXIT_USAGE;
        }
        if (bus_client_connect(&bus) < 0) {
                strv_free(a.only);
                return CTL_EXIT_NO_DAEMON;
        }
        for (int i = first; i < argc; i++) {
                __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *unit = NULL;
                UnitProperties props = {};
                int r;

                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        ret = CTL_EXIT_USAGE;
                        continue;
                }
                r = bus_client_get_status(bus, unit, &props, &error);
                if (r < 0 && sd_bus_error_has_name(&error, BUS_ERROR_NO_SUCH_UNIT))
                        r = show_not_found(unit, &props);
                if (r < 0) {
                        int e = bus_client_report("show", unit, &error, r);
                        ret = ret == CTL_EXIT_SUCCESS ? e : ret;
                        continue;
                }
                if (i > first && !a.json)
                        printf("\n");
                properties_print_full(&props, a.only, a.all, a.json, true, a.value_only);
                unit_properties_done(&props);
        }
        strv_free(a.only);
        return ret;
}

/* ---- status ---- */

static int status_fetch_logs(sd_bus *bus, const char *unit, unsigned n, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetLogs", NULL, &reply, "su", unit, n);
        if (r < 0)
                return r;
        return sd_bus_message_read_strv(reply, ret);
}

/* PolicyMode=complain relies on the kernel logging SECCOMP_RET_LOG; an administrator can take
 * "log" out of kernel.seccomp.actions_logged, and then the would-be denials go unseen. */
static void status_print_complain_logging(void) {
        char buf[256] = "";
        FILE *f = fopen("/proc/sys/kernel/seccomp/actions_logged", "re");

        if (f) {
                size_t n = fread(buf, 1, sizeof buf - 1, f);
                buf[n] = '\0';
                fclose(f);
        }
        if (f && !policy_complain_actions_logged(buf))
                printf("%13s %s%s%s\n", "Warning:", ansi_red(),
                       "\"log\" is not in kernel.seccomp.actions_logged: would-be denials are not recorded",
                       ansi_normal());
}

static void status_print_list(const char *label, char **l) {
        STRV_FOREACH(s, l) {
                printf("%13s ", s == l ? label : "");
                output_print_line(stdout, *s);
                fputc('\n', stdout);
        }
}

static void status_print_active(const UnitProperties *p) {
        const char *active = unit_properties_str(p, "ActiveState");
        const char *result = unit_properties_str(p, "Result");
        uint64_t since = unit_properties_u(p, "StateChangeTimestamp");
        const char *on = ansi_for_active_state(active);
        char ts[64], ago[64];


        printf("%13s %s%s%s (%s%s)", "Active:", on, active, *on ? ansi_normal() : "",
               streq(active, "failed") ? "Result: " : "",
               streq(active, "failed") ? result : unit_properties_str(p, "SubState"));
        if (since)
                printf(" since %s; %s", format_timestamp(ts, sizeof(ts), since), format_ago(ago, sizeof(ago), since));
        printf("\n");
}

/* As systemctl: the start condition or assertion that failed at the last start. */
static void status_print_condition(const UnitProperties *p) {
        bool cond = unit_properties_u(p, "ConditionTimestamp") != 0 &&
                    streq(unit_properties_str(p, "ConditionResult"), "no");
        bool assert = !cond && unit_properties_u(p, "AssertTimestamp") != 0 &&
                      streq(unit_properties_str(p, "AssertResult"), "no");
        uint64_t at = unit_properties_u(p, cond ? "ConditionTimestamp" : "AssertTimestamp");
        char ts[64], ago[64];

        if (!cond && !assert)
                return;
        printf("%13s start %s failed at %s; %s\n", cond ? "Condition:" : "Assert:", cond ? "condition" : "assertion",
               format_timestamp(ts, sizeof(ts), at), format_ago(ago, sizeof(ago), at));
        printf("%13s \u2514\u2500 ", "");
        output_print_line(stdout, unit_properties_str(p, "ConditionUnmet"));
        printf(" was not met\n");
}

/* The names systemd gives exit statuses in "status=N/NAME" (systemd.exec(5), "Process Exit
 * Codes"); NULL for the others. */
static const char *exit_status_name(int64_t status) {
        static const char *const generic[] = { "SUCCESS", "FAILURE", "INVALIDARGUMENT", "NOTIMPLEMENTED",
                                               "NOPERMISSION", "NOTINSTALLED", "NOTCONFIGURED", "NOTRUNNING" };
        static const char *const systemd[] = {
                "CHDIR", "NICE", "FDS", "EXEC", "MEMORY", "LIMITS", "OOM_ADJUST", "SIGNAL_MASK", "STDIN",
                "STDOUT", "CHROOT", "IOPRIO", "TIMERSLACK", "SECUREBITS", "SETSCHEDULER", "CPUAFFINITY",
                "GROUP", "USER", "CAPABILITIES", "CGROUP", "SETSID", "CONFIRM", "STDERR", NULL, "PAM",
                "NETWORK", "NAMESPACE", "NO_NEW_PRIVILEGES", "SECCOMP", "SELINUX_CONTEXT", "PERSONALITY",
                "APPARMOR_PROFILE", "ADDRESS_FAMILIES", "RUNTIME_DIRECTORY", NULL, "CHOWN",
                "SMACK_PROCESS_LABEL", "KEYRING", "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY",
                "CONFIGURATION_DIRECTORY", "NUMA_POLICY", "CREDENTIALS", NULL, "BPF",
        };

        if (status >= 0 && status < (int64_t) ELEMENTSOF(generic))
                return generic[status];
        if (status >= 200 && status < 200 + (int64_t) ELEMENTSOF(systemd))
                return systemd[status - 200];
        return NULL;
}

static void status_print_main_pid(const UnitProperties *p) {
        uint64_t pid = unit_properties_u(p, "MainPID");
        int64_t code = unit_properties_i(p, "ExecMainCode");
        int64_t status = unit_properties_i(p, "ExecMainStatus");

        /* Once the main process is gone, say which it was and how it ended. */
        if (pid == 0 && code != 0)
                pid = unit_properties_u(p, "ExecMainPID");
        if (pid == 0)
                return;
        printf("%13s %" PRIu64, "Main PID:", pid);
        if (unit_properties_u(p, "MainPID") != 0)
                ; /* still running */
        else if (code == 1 /* CLD_EXITED */)
                printf(" (code=exited, status=%" PRIi64 "%s%s)", status, exit_status_name(status) ? "/" : "",
                       exit_status_name(status) ?: "");
        else if (code == 2 /* CLD_KILLED */ || code == 3 /* CLD_DUMPED */)
                printf(" (code=%s, signal=%s)", code == 2 ? "killed" : "dumped",
                       sigabbrev_np((int) status) ? sigabbrev_np((int) status) : "?");
        printf("\n");
}

static void status_print_text(const char *unit, const UnitProperties *p, char **logs) {
        const char *active = unit_properties_str(p, "ActiveState");
        const char *desc = unit_properties_str(p, "Description");
        const char *frag = unit_properties_str(p, "FragmentPath");
        const char *dot = streq(active, "inactive") ? "\u25cb" : streq(active, "failed") ? "\u00d7" : "\u25cf";
        const char *v;

        const char *on = ansi_for_active_state(active);

        printf("%s%s%s %s%s", on, dot, *on ? ansi_normal() : "", unit, *desc ? " - " : "");
        output_print_line(stdout, desc);
        fputc('\n', stdout);
        printf("%13s %s", "Loaded:", unit_properties_str(p, "LoadState"));
        if (streq(frag, "(transient)"))
                printf(" (transient)");
        else if (*frag)
                printf(" (%s; %s)", frag, unit_properties_str(p, "UnitFileState"));
        printf("\n");
        status_print_list("Drop-In:", unit_properties_strv(p, "DropInPaths"));
        status_print_list("Load error:", unit_properties_strv(p, "LoadErrors"));
        status_print_active(p);
        status_print_condition(p);
        status_print_main_pid(p);
        if (*(v = unit_properties_str(p, "StatusText"))) {
                printf("%13s \"", "Status:");
                output_print_line(stdout, v);
                printf("\"\n");
        }
        if (*(v = unit_properties_str(p, "ControlGroup")))
                printf("%13s %s\n", "CGroup:", v);
        if (*(v = unit_properties_str(p, "DynamicUserName")))
                printf("%13s %s\n", "Dynamic user:", v);
        if (*(v = unit_properties_str(p, "PolicySummary")))
                printf("%13s %s\n", "Policy:", v);
        if (streq(unit_properties_str(p, "PolicyMode"), "complain"))
                status_print_complain_logging();
        if (*(v = unit_properties_str(p, "Baseline")) && !streq(v, "none"))
                printf("%13s %s\n", "Baseline:", v);
        if (*(v = unit_properties_str(p, "DeniedSyscalls"))) {
                printf("%13s %s", "Denied:", ansi_red());
                ctl_print_syscall_counts(stdout, v);
                printf("%s\n", ansi_normal());
        }
        if (*(v = unit_properties_str(p, "LoggedSyscalls"))) {
                printf("%13s ", "Logged:");
                ctl_print_syscall_counts(stdout, v);
                fputc('\n', stdout);
        }
        if (*(v = unit_properties_str(p, "DenialRecordsNote")))
                printf("%13s %s\n", "Records:", v);
        if (*(v = unit_properties_str(p, "ProcessTrackingNote")))
                printf("%13s %s\n", "Tracking:", v);
        status_print_list("Denials:", unit_properties_strv(p, "Denials"));
        status_print_list("Not enforced:", unit_properties_strv(p, "NotEnforced"));
        if (logs && logs[0]) {
                printf("\n");
                STRV_FOREACH(l, logs) {
                        output_print_line(stdout, *l);
                        fputc('\n', stdout);
                }
        }
}

static void status_print_json(const UnitProperties *p, char **logs) {
        properties_print_full(p, NULL, true, true, false, false);
        printf(",\"Logs\":[");
        STRV_FOREACH(l, logs) {
                printf("%s", l == logs ? "" : ",");
                json_print_string(stdout, *l);
        }
        printf("]}\n");
}

static int status_one(ShowArgs *a, const char *unit, bool first) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **logs = NULL;
        UnitProperties p = {};
        const char *active;
        int r, ret;

        r = bus_client_get_status(a->bus, unit, &p, &error);
        if (r < 0 && sd_bus_error_has_name(&error, BUS_ERROR_NO_SUCH_UNIT)) {
                fprintf(stderr, "Unit %s could not be found.\n", unit); /* as systemctl says it */
                return CTL_EXIT_NO_SUCH_UNIT;
        }
        if (r < 0)
                return bus_client_report("get the status of", unit, &error, r);
        (void) status_fetch_logs(a->bus, unit, STATUS_LOG_LINES, &logs);
        if (!first && !a->json)
                printf("\n");
        if (a->json)
                status_print_json(&p, logs);
        else
                status_print_text(unit, &p, logs);
        active = unit_properties_str(&p, "ActiveState");
        ret = streq(active, "active") || streq(active, "reloading") ? CTL_EXIT_SUCCESS : CTL_EXIT_NOT_ACTIVE;
        unit_properties_done(&p);
        return ret;
}

static int status_all(ShowArgs *a) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ ListRow *rows = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_call_method(a->bus, NULL, BUS_PATH, BUS_INTERFACE, "ListUnits", &error, &reply, NULL);
        if (r < 0)
                return bus_client_report("list units", NULL, &error, r);
        r = list_read(reply, false, NULL, &rows, &n);
        if (r < 0)
                return CTL_EXIT_FAILURE;
        for (size_t i = 0; i < n; i++)
                (void) status_one(a, rows[i].name, i == 0);
        return CTL_EXIT_SUCCESS;
}

void ctl_print_syscall_counts(FILE *f, const char *counts) {
        for (const char *c = counts; *c;) {
                size_t n = strcspn(c, ",");
                const char *colon = memchr(c, ':', n);
                if (colon)
                        fprintf(f, "%s%.*s (%.*s)", c == counts ? "" : " ", (int) (colon - c), c,
                                (int) (n - (size_t) (colon - c) - 1), colon + 1);
                else
                        fprintf(f, "%s%.*s", c == counts ? "" : " ", (int) n, c);
                c += n + (c[n] == ',');
        }
}

int verb_status(int argc, char **argv) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        ShowArgs a = { .status = true };
        int first, ret = CTL_EXIT_SUCCESS;

        first = show_parse(argc, argv, &a);
        if (first < 0)
                return CTL_EXIT_USAGE;
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        a.bus = bus;
        if (first >= argc)
                return status_all(&a);
        for (int i = first; i < argc; i++) {
                _cleanup_free_ char *unit = NULL;
                int r;

                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        ret = CTL_EXIT_USAGE;
                        continue;
                }
                r = status_one(&a, unit, i == first);
                /* The most specific outcome wins: unknown unit over not active. */
                if (r != CTL_EXIT_SUCCESS && (ret == CTL_EXIT_SUCCESS || ret == CTL_EXIT_NOT_ACTIVE))
                        ret = r;
        }
        return ret;
}
