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
        const char *done;  /* for error messages: "Failed to <verb> UNIT" */
} unit_ops[] = {
        { "start", "StartUnit", "start" },
        { "stop", "StopUnit", "stop" },
        { "restart", "RestartUnit", "restart" },
        { "try-restart", "TryRestartUnit", "try-restart" },
        { "reload", "ReloadUnit", "reload" },
        { "reload-or-restart", "ReloadOrRestartUnit", "reload-or-restart" },
        { "enable", "EnableUnit", "enable" },
        { "disable", "DisableUnit", "disable" },
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
                return bus_client_report(unit_ops[i].done, unit, &error, r);
        if (streq(unit_ops[i].verb, "enable"))
                enable_explain_static(bus, unit);
        return CTL_EXIT_SUCCESS;
}

int verb_unit_op(int argc, char **argv) {
        int first = parse_simple(argc, argv);

        if (first < 0)
                return CTL_EXIT_USAGE;
        for (size_t i = 0; i < ELEMENTSOF(unit_ops); i++)
                if (streq(unit_ops[i].verb, argv[0]))
                        return for_each_unit(argc, argv, first, unit_op_one, &i);
        return CTL_EXIT_USAGE;
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
        if (s->enabled_check ? streq(state, "enabled")
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
