/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The online verbs that act on units by name (start, stop, ..., is-active, cat) and
 * `list`. Each unit named gets its own call; the exit code is the worst outcome.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "bus-client.h"
#include "ctl-output.h"
#include "strv.h"
#include "verbs-online.h"

/* Options every online verb accepts and ignores: we never page. */
#define COMMON_LONG_OPTIONS { "no-pager", no_argument, NULL, 0x7f00 }

/* The worse of two exit codes: any failure beats success, and a specific code beats 1. */
static int exit_merge(int a, int b) {
        if (a == CTL_EXIT_SUCCESS)
                return b;
        if (b == CTL_EXIT_SUCCESS || b == CTL_EXIT_FAILURE)
                return a;
        return b;
}

/* Parses only the common options; returns the index of the first argument, or -1. */
static int parse_simple(int argc, char **argv) {
        static const struct option options[] = { COMMON_LONG_OPTIONS, {} };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                if (c != 0x7f00)
                        return -1;
        return optind;
}

static const struct {
        const char *verb;
        const char *method;
        const char *done;  /* the daemon's job (RunUnitJob), and "Failed to <done> UNIT" */
        bool job;          /* waits for the job (RunUnitJob) unless --no-block */
} unit_ops[] = {
        { "start", "StartUnit", "start", true },
        { "stop", "StopUnit", "stop", true },
        { "restart", "RestartUnit", "restart", true },
        { "try-restart", "TryRestartUnit", "try-restart", true },
        { "reload", "ReloadUnit", "reload", true },
        { "reload-or-restart", "ReloadOrRestartUnit", "reload-or-restart", true },
        { "try-reload-or-restart", "TryReloadOrRestartUnit", "try-reload-or-restart", true },
        /* systemctl's other names for these */
        { "condrestart", "TryRestartUnit", "try-restart", true },
        { "force-reload", "TryReloadOrRestartUnit", "try-reload-or-restart", true },
        { "reload-or-try-restart", "TryReloadOrRestartUnit", "try-reload-or-restart", true },
        { "condreload", "TryReloadOrRestartUnit", "try-reload-or-restart", true },
        { "enable", "EnableUnit", "enable", false },
        { "disable", "DisableUnit", "disable", false },
};

static int for_each_unit(int argc, char **argv, int first,
                         int (*f)(sd_bus *bus, const char *unit, void *userdata), void *userdata) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int ret = CTL_EXIT_SUCCESS;

        if (first >= argc) {
                fprintf(stderr, "%s: expected at least one unit name.\n", argv[0]);
                return CTL_EXIT_USAGE;
        }
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        for (int i = first; i < argc; i++) {
                _cleanup_free_ char *unit = NULL;
                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        ret = exit_merge(ret, CTL_EXIT_USAGE);
                        continue;
                }
                ret = exit_merge(ret, f(bus, unit, userdata));
        }
        return ret;
}

/* As systemctl: a start, stop, ... of a unit the daemon cannot find exits 5 (systemctl's
 * "not installed"), a request the unit cannot take (a reload without ExecReload=) 3
 * ("not implemented"); every other refusal as bus_client_report() says. */
static int unit_op_report(const char *verb, const char *unit, const sd_bus_error *error, int r) {
        int ret = bus_client_report(verb, unit, error, r);
        if (sd_bus_error_has_name(error, BUS_ERROR_NOT_SUPPORTED))
                return CTL_EXIT_NOT_IMPLEMENTED;
        return ret == CTL_EXIT_NO_SUCH_UNIT ? CTL_EXIT_NOT_INSTALLED : ret;
}

/* A unit without [Install] settings is not enabled (the daemon leaves it); say why, in
 * systemctl's words, and succeed as systemctl does. */
static void enable_explain_static(sd_bus *bus, const char *unit) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *state = NULL;

        if (sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "IsEnabled", &error, &reply, "s", unit) < 0 ||
            sd_bus_message_read(reply, "s", &state) < 0 || !streq(state, "static"))
                return;
        /* The first sentence is systemctl's, which scripts may look for; the rest is ours. */
        fprintf(stderr,
                "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                "units).\n"
                "%s was left as it is: it runs when started explicitly or as a dependency\n"
                "of another unit.\n",
                unit);
}

static int unit_op_one(sd_bus *bus, const char *unit, void *userdata) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        size_t i = *(size_t *) userdata;
        int r;

        r = bus_client_call_unit(bus, unit_ops[i].method, unit, &error);
        if (r < 0)
                return unit_ops[i].job ? unit_op_report(unit_ops[i].done, unit, &error, r)
                                       : bus_client_report(unit_ops[i].done, unit, &error, r);
        if (streq(unit_ops[i].verb, "enable"))
                enable_explain_static(bus, unit);
        return CTL_EXIT_SUCCESS;
}

/* ---- jobs: start, stop, ... that wait until the unit got where it was sent ---- */

/* systemctl's explanations of a failed job, by the unit's result. */
static const struct {
        const char *result, *explanation;
} job_explanations[] = {
        { "resources", "of unavailable resources or another system error" },
        { "protocol", "the service did not take the steps required by its unit configuration" },
        { "timeout", "a timeout was exceeded" },
        { "exit-code", "the control process exited with error code" },
        { "signal", "a fatal signal was delivered to the control process" },
        { "core-dump", "a fatal signal was delivered causing the control process to dump core" },
        { "watchdog", "the service failed to send watchdog ping" },
        { "start-limit-hit", "start of the service was attempted too often" },
};

typedef struct JobCall {
        const char *verb;
        char *unit;
        sd_bus_slot *slot;
        bool pending;
        int exit;
} JobCall;

/* The job's outcome as systemctl prints it; returns the exit code. */
static int job_outcome(const char *unit, const char *result, const char *unit_result) {
        if (streq(result, "done"))
                return CTL_EXIT_SUCCESS;
        if (streq(result, "assert")) {
                fprintf(stderr, "Assertion failed on job for %s.\n", unit);
                return CTL_EXIT_FAILURE;
        }
        if (streq(result, "canceled")) {
                fprintf(stderr, "Job for %s canceled.\n", unit);
                return CTL_EXIT_FAILURE;
        }
        if (streq(result, "dependency")) {
                fprintf(stderr, "A dependency job for %s failed. See \"syscagectl logs\" for details.\n", unit);
                return CTL_EXIT_FAILURE;
        }
        for (size_t i = 0; i < ELEMENTSOF(job_explanations); i++)
                if (streq(job_explanations[i].result, unit_result)) {
                        fprintf(stderr, "Job for %s failed because %s.\n", unit, job_explanations[i].explanation);
                        goto hint;
                }
        fprintf(stderr, "Job for %s failed.\n", unit);
hint:
        fprintf(stderr, "See \"syscagectl status %s\" and \"syscagectl logs %s\" for details.\n", unit, unit);
        return CTL_EXIT_FAILURE;
}

static int job_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *result, *unit_result;
        JobCall *j = userdata;

        j->pending = false;
        j->slot = sd_bus_slot_unref(j->slot);
        if (e && (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
                  sd_bus_error_has_name(e, SD_BUS_ERROR_DISCONNECTED))) {
                /* The daemon went away (or the connection broke) with the job under way. */
                fprintf(stderr, "Failed to %s %s: the daemon went away before the job ended; see "
                        "\"syscagectl status %s\".\n", j->verb, j->unit, j->unit);
                j->exit = CTL_EXIT_NO_DAEMON;
                return 0;
        }
        if (e) {
                j->exit = unit_op_report(j->verb, j->unit, e, -sd_bus_error_get_errno(e));
                return 0;
        }
        if (sd_bus_message_read(reply, "ss", &result, &unit_result) < 0) {
                fprintf(stderr, "Failed to %s %s: malformed answer from the daemon.\n", j->verb, j->unit);
                j->exit = CTL_EXIT_FAILURE;
                return 0;
        }
        j->exit = job_outcome(j->unit, result, unit_result);
        return 0;
}

/* Sends one RunUnitJob call per unit at once (the jobs run side by side, as systemctl's),
 * then waits for every answer. The answer comes when the job is over: the daemon judges
 * every state change as it happens (daemon/bus/bus-job.h), so nothing is missed here. */
static int run_jobs(sd_bus *bus, const char *verb, char **units) {
        size_t n = strv_length(units);
        _cleanup_free_ JobCall *jobs = calloc(n ?: 1, sizeof(JobCall));
        size_t pending = 0;
        int ret = CTL_EXIT_SUCCESS, r;

        if (!jobs)
                return CTL_EXIT_FAILURE;
        for (size_t i = 0; i < n; i++) {
                jobs[i] = (JobCall) { .verb = verb, .unit = units[i] };
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;

                r = sd_bus_message_new_method_call(bus, &call, NULL, BUS_PATH, BUS_INTERFACE, "RunUnitJob");
                if (r >= 0)
                        r = sd_bus_message_append(call, "ss", verb, units[i]);
                /* No timeout (UINT64_MAX): the unit's own TimeoutStartSec= etc. bound the job. */
                if (r >= 0)
                        r = sd_bus_call_async(bus, &jobs[i].slot, call, job_reply, &jobs[i], UINT64_MAX);
                if (r < 0) {
                        fprintf(stderr, "Failed to %s %s: %s\n", verb, units[i], strerror(-r));
                        jobs[i].exit = CTL_EXIT_FAILURE;
                        continue;
                }
                jobs[i].pending = true;
                pending++;
        }
        while (pending > 0) {
                r = sd_bus_process(bus, NULL);
                if (r == 0)
                        r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR)
                        break; /* the callbacks of what is left ran with a synthetic error */
                pending = 0;
                for (size_t i = 0; i < n; i++)
                        pending += jobs[i].pending;
        }
        for (size_t i = 0; i < n; i++) {
                if (jobs[i].pending) {
                        fprintf(stderr, "Failed to %s %s: the connection to the daemon broke.\n", verb, units[i]);
                        jobs[i].exit = CTL_EXIT_NO_DAEMON;
                        jobs[i].slot = sd_bus_slot_unref(jobs[i].slot);
                }
                ret = exit_merge(ret, jobs[i].exit);
        }
        return ret;
}

/* The unit names of argv[first..argc), mangled; those that are no unit name are reported
 * and left out, with *ret_exit set to the usage error. */
static int collect_units(int argc, char **argv, int first, char ***ret, int *ret_exit) {
        _cleanup_strv_free_ char **units = NULL;

        if (first >= argc) {
                fprintf(stderr, "%s: expected at least one unit name.\n", argv[0]);
                return -EINVAL;
        }
        for (int i = first; i < argc; i++) {
                char *unit = NULL;
                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        *ret_exit = exit_merge(*ret_exit, CTL_EXIT_USAGE);
                        continue;
                }
                if (strv_consume(&units, unit) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(units);
        return 0;
}

/* enable --now, disable --now: enables (disables) *units, keeps those for which that worked,
 * and turns *op into start (stop) for them. */
static int enable_now(sd_bus *bus, size_t *op, char ***units, int *ret) {
        _cleanup_strv_free_ char **ok = NULL;
        const char *then = streq(unit_ops[*op].verb, "enable") ? "start" : "stop";

        STRV_FOREACH(u, *units) {
                int r = unit_op_one(bus, *u, op);
                *ret = exit_merge(*ret, r);
                if (r == CTL_EXIT_SUCCESS && strv_extend(&ok, *u) < 0)
                        return -ENOMEM;
        }
        strv_free(*units);
        *units = TAKE_PTR(ok);
        for (size_t i = 0; i < ELEMENTSOF(unit_ops); i++)
                if (streq(unit_ops[i].verb, then))
                        *op = i;
        return 0;
}

int verb_unit_op(int argc, char **argv) {
        enum { OPT_NO_BLOCK = 0x7f01, OPT_NOW };
        static const struct option options[] = {
                COMMON_LONG_OPTIONS,
                { "no-block", no_argument, NULL, OPT_NO_BLOCK },
                { "now", no_argument, NULL, OPT_NOW },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **units = NULL;
        bool no_block = false, now = false;
        int c, ret = CTL_EXIT_SUCCESS;
        size_t op = ELEMENTSOF(unit_ops);

        for (size_t i = 0; i < ELEMENTSOF(unit_ops); i++)
                if (streq(unit_ops[i].verb, argv[0]))
                        op = i;
        if (op >= ELEMENTSOF(unit_ops))
                return CTL_EXIT_USAGE;
        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case OPT_NO_BLOCK:
                        no_block = true;
                        break;
                case OPT_NOW:
                        if (unit_ops[op].job) {
                                fprintf(stderr, "--now is only for enable and disable.\n");
                                return CTL_EXIT_USAGE;
                        }
                        now = true;
                        break;
                case 0x7f00:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (no_block && !unit_ops[op].job && !now) {
                fprintf(stderr, "--no-block is for start, stop, restart, reload and enable/disable --now.\n");
                return CTL_EXIT_USAGE;
        }
        if (!unit_ops[op].job && !now)
                return for_each_unit(argc, argv, optind, unit_op_one, &op);

        if (collect_units(argc, argv, optind, &units, &ret) < 0)
                return CTL_EXIT_USAGE;
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        if (now && enable_now(bus, &op, &units, &ret) < 0)
                return CTL_EXIT_FAILURE;
        if (no_block) {
                STRV_FOREACH(u, units)
                        ret = exit_merge(ret, unit_op_one(bus, *u, &op));
                return ret;
        }
        return exit_merge(ret, run_jobs(bus, unit_ops[op].done, units));
}

/* ---- is-system-running ---- */

int verb_is_system_running(int argc, char **argv) {
        static const struct option options[] = {
                COMMON_LONG_OPTIONS,
                { "quiet", no_argument, NULL, 'q' },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *state = NULL;
        bool quiet = false;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "q", options, NULL)) >= 0)
                if (c == 'q')
                        quiet = true;
                else if (c != 0x7f00)
                        return CTL_EXIT_USAGE;
        if (optind < argc) {
                fprintf(stderr, "is-system-running: unexpected argument '%s'.\n", argv[optind]);
                return CTL_EXIT_USAGE;
        }
        /* As systemctl: without a manager to ask, the state is "offline". */
        if (bus_client_connect_quiet(&bus) < 0) {
                if (!quiet)
                        printf("offline\n");
                return CTL_EXIT_FAILURE;
        }
        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetSystemState", &error, &reply, NULL);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &state);
        if (r < 0) {
                if (!quiet)
                        printf("unknown\n");
                return CTL_EXIT_FAILURE;
        }
        if (!quiet)
                printf("%s\n", state);
        return streq(state, "running") ? CTL_EXIT_SUCCESS : CTL_EXIT_FAILURE;
}

static int kill_one(sd_bus *bus, const char *unit, void *userdata) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "KillUnit", &error, NULL, "si",
                                   unit, *(int *) userdata);
        return r < 0 ? bus_client_report("kill", unit, &error, r) : CTL_EXIT_SUCCESS;
}

/* SIG as systemctl takes it: a number, or a name with or without "SIG" (TERM, SIGHUP),
 * or RTMIN+N / RTMAX-N. */
static int parse_signal(const char *s) {
        char *end;
        long n = strtol(s, &end, 10);

        if (*s && !*end)
                return n > 0 && n < _NSIG ? (int) n : -EINVAL;
        if (strneq(s, "SIG", 3))
                s += 3;
        if (strneq(s, "RTMIN", 5) || strneq(s, "RTMAX", 5)) {
                bool min = s[4] == 'N';
                long k = 0;

                if (s[5]) {
                        if (s[5] != (min ? '+' : '-') || !s[6] || s[6] < '0' || s[6] > '9')
                                return -EINVAL;
                        k = strtol(s + 6, &end, 10);
                        if (*end || k > SIGRTMAX - SIGRTMIN)
                                return -EINVAL;
                }
                return min ? SIGRTMIN + (int) k : SIGRTMAX - (int) k;
        }
        for (int i = 1; i < _NSIG; i++) {
                const char *abbrev = sigabbrev_np(i);
                if (abbrev && streq(abbrev, s))
                        return i;
        }
        return -EINVAL;
}

int verb_kill(int argc, char **argv) {
        static const struct option options[] = {
                COMMON_LONG_OPTIONS,
                { "signal", required_argument, NULL, 's' },
                {}
        };
        int c, sig = SIGTERM;

        optind = 0;
        while ((c = getopt_long(argc, argv, "s:", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        sig = parse_signal(optarg);
                        if (sig < 0) {
                                fprintf(stderr, "Unknown signal '%s'.\n", optarg);
                                return CTL_EXIT_USAGE;
                        }
                        break;
                case 0x7f00:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        return for_each_unit(argc, argv, optind, kill_one, &sig);
}

static int reset_failed_one(sd_bus *bus, const char *unit, void *userdata) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = bus_client_call_unit(bus, "ResetFailedUnit", unit, &error);
        return r < 0 ? bus_client_report("reset", unit, &error, r) : CTL_EXIT_SUCCESS;
}

int verb_reset_failed(int argc, char **argv) {
        int first = parse_simple(argc, argv);

        if (first < 0)
                return CTL_EXIT_USAGE;
        if (first >= argc) {
                /* No names: every unit. */
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                if (bus_client_connect(&bus) < 0)
                        return CTL_EXIT_NO_DAEMON;
                return reset_failed_one(bus, "", NULL);
        }
        return for_each_unit(argc, argv, first, reset_failed_one, NULL);
}

int verb_daemon_reload(int argc, char **argv) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r, first = parse_simple(argc, argv);

        if (first < 0 || first < argc)
                return CTL_EXIT_USAGE;
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "DaemonReload", &error, NULL, NULL);
        return r < 0 ? bus_client_report("reload the daemon", NULL, &error, r) : CTL_EXIT_SUCCESS;
}

/* Re-executes the daemon and returns once the new image answers (same socket, same pid). */
int verb_daemon_reexec(int argc, char **argv) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r, first = parse_simple(argc, argv);

        if (first < 0 || first < argc)
                return CTL_EXIT_USAGE;
        {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                if (bus_client_connect(&bus) < 0)
                        return CTL_EXIT_NO_DAEMON;
                r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "Reexecute", &error, NULL, NULL);
                if (r < 0)
                        return bus_client_report("re-execute the daemon", NULL, &error, r);
        }
        /* The control socket stays open across the exec: a connection waits in its backlog
         * until the new image accepts it, and the old one accepts none after answering. */
        for (unsigned i = 0; i < CTL_REEXEC_WAIT_TRIES; i++) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                sd_bus_error_free(&error);
                if (bus_client_connect_quiet(&bus) >= 0 &&
                    sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "ListUnits", &error, NULL, NULL) >= 0)
                        return CTL_EXIT_SUCCESS;
                (void) usleep(CTL_REEXEC_WAIT_USEC);
        }
        fprintf(stderr, "The daemon did not answer within %u s of re-executing.\n",
                (unsigned) (CTL_REEXEC_WAIT_TRIES * (uint64_t) CTL_REEXEC_WAIT_USEC / 1000000));
        return CTL_EXIT_NO_DAEMON;
}

/* ---- is-active, is-failed, is-enabled ---- */

typedef struct IsState {
        bool enabled_check, failed_check;
        bool quiet;
        bool any_true;
} IsState;

/* Writes the unit's state (enabled or active, as asked) into buf. */
static int is_query(sd_bus *bus, const char *unit, const IsState *s, char *buf, size_t size) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        UnitProperties p = {};
        const char *state;
        int r;

        if (s->enabled_check) {
                r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "IsEnabled", &error, &reply, "s", unit);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "s", &state);
                if (r < 0)
                        return bus_client_report("query", unit, &error, r);
                snprintf(buf, size, "%s", state);
                return CTL_EXIT_SUCCESS;
        }
        r = bus_client_get_status(bus, unit, &p, &error);
        if (r < 0 && sd_bus_error_has_name(&error, BUS_ERROR_NO_SUCH_UNIT)) {
                snprintf(buf, size, "inactive"); /* as systemctl: a unit nobody loaded is not active */
                return CTL_EXIT_SUCCESS;
        }
        if (r < 0)
                return bus_client_report("query", unit, &error, r);
        snprintf(buf, size, "%s", unit_properties_str(&p, "ActiveState"));
        unit_properties_done(&p);
        return CTL_EXIT_SUCCESS;
}

static int is_one(sd_bus *bus, const char *unit, void *userdata) {
        IsState *s = userdata;
        char state[64];
        int r;

        r = is_query(bus, unit, s, state, sizeof(state));
        if (r != CTL_EXIT_SUCCESS)
                return r;
        if (!s->quiet)
                printf("%s\n", state);
        /* As systemctl's is-enabled: a static unit (no [Install]) counts as enabled too. */
        static char *const enabled_states[] = { (char *) "enabled", (char *) "enabled-runtime", (char *) "static",
                                                (char *) "alias", (char *) "indirect", (char *) "generated", NULL };
        if (s->enabled_check ? strv_contains(enabled_states, state)
            : s->failed_check ? streq(state, "failed")
                              : streq(state, "active") || streq(state, "reloading"))
                s->any_true = true;
        return CTL_EXIT_SUCCESS;
}

int verb_is(int argc, char **argv) {
        static const struct option options[] = {
                COMMON_LONG_OPTIONS,
                { "quiet", no_argument, NULL, 'q' },
                {}
        };
        IsState s = {
                .enabled_check = streq(argv[0], "is-enabled"),
                .failed_check = streq(argv[0], "is-failed"),
        };
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "q", options, NULL)) >= 0)
                if (c == 'q')
                        s.quiet = true;
                else if (c != 0x7f00)
                        return CTL_EXIT_USAGE;
        r = for_each_unit(argc, argv, optind, is_one, &s);
        if (r != CTL_EXIT_SUCCESS)
                return r;
        /* As systemctl: 0 when at least one unit is in the state asked about. */
        if (s.any_true)
                return CTL_EXIT_SUCCESS;
        return s.enabled_check || s.failed_check ? CTL_EXIT_FAILURE : CTL_EXIT_NOT_ACTIVE;
}

static int cat_one(sd_bus *bus, const char *unit, void *userdata) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        bool *first = userdata;
        const char *text;
        int r;

        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetUnitFileText", &error, &reply, "s", unit);
        if (r < 0)
                return bus_client_report("cat", unit, &error, r);
        if (sd_bus_message_read(reply, "s", &text) < 0)
                return CTL_EXIT_FAILURE;
        printf("%s%s", *first ? "" : "\n", text);
        *first = false;
        return CTL_EXIT_SUCCESS;
}

int verb_cat(int argc, char **argv) {
        int first = parse_simple(argc, argv);
        bool is_first = true;

        if (first < 0)
                return CTL_EXIT_USAGE;
        return for_each_unit(argc, argv, first, cat_one, &is_first);
}
