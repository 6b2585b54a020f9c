/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `run`: a command as a transient unit, optionally waited for (--wait) and wired to our own
 * stdio (--pipe). Exit codes with --wait follow systemd-run: 0 when the unit's result is
 * success, the main process's exit status for result exit-code, 255 for signal, 1 for any
 * other result (core-dump, which a seccomp kill usually is, timeout, ...). Without --wait,
 * 0 once the unit started. Errors before the start use the common codes (bus-client.h).
 *
 * While we wait, the daemon stops the unit if we go away (Ctrl-C, kill): the
 * StopOnDisconnect option ties the unit to this connection.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "bus-client.h"
#include "strv.h"
#include "verbs-learn.h"
#include "verbs-online.h"

#define RUN_EXIT_SIGNAL 255

typedef struct RunArgs {
        char **keys, **values;
        const char *unit;
        bool wait, pipe, collect, quiet;
        LearnOutput learn;   /* learn.path set: --learn=FILE */
        char **argv;
} RunArgs;

typedef struct RunWait {
        const char *unit;
        bool done;
        char result[32];
        int code, status;
} RunWait;

static void run_args_done(RunArgs *a) {
        strv_free(a->keys);
        strv_free(a->values);
}

static int run_add_property(RunArgs *a, const char *key, const char *value) {
        if (strv_extend(&a->keys, key) < 0 || strv_extend(&a->values, value) < 0)
                return -ENOMEM;
        return 0;
}

/* "-p KEY=VALUE" */
static int run_add_assignment(RunArgs *a, const char *s) {
        const char *eq = strchr(s, '=');
        _cleanup_free_ char *key = NULL;

        if (!eq || eq == s) {
                fprintf(stderr, "Invalid property '%s': expected KEY=VALUE.\n", s);
                return -EINVAL;
        }
        key = strndup(s, (size_t) (eq - s));
        if (!key)
                return -ENOMEM;
        return run_add_property(a, key, eq + 1);
}

/* --setenv K=V becomes Environment="K=V", quoted as a unit file would need it. */
static int run_add_setenv(RunArgs *a, const char *s) {
        _cleanup_free_ char *q = malloc(2 * strlen(s) + 3);
        char *p;

        if (!q)
                return -ENOMEM;
        if (!strchr(s, '=')) {
                const char *v = getenv(s); /* "--setenv NAME" passes our own value, as systemd-run */
                if (!v) {
                        fprintf(stderr, "--setenv %s: no such variable here.\n", s);
                        return -EINVAL;
                }
                _cleanup_free_ char *kv = NULL;
                if (asprintf(&kv, "%s=%s", s, v) < 0)
                        return -ENOMEM;
                return run_add_setenv(a, kv);
        }
        p = q;
        *p++ = '"';
        for (const char *c = s; *c; c++) {
                if (*c == '"' || *c == '\\')
                        *p++ = '\\';
                *p++ = *c;
        }
        *p++ = '"';
        *p = '\0';
        return run_add_property(a, "Environment", q);
}

static int run_parse(int argc, char **argv, RunArgs *a) {
        enum { ARG_WAIT = 0x100, ARG_WORKDIR, ARG_NO_PAGER, ARG_LEARN, ARG_LEARN_GROUPS, ARG_LEARN_MERGE };
        static const struct option options[] = {
                { "property", required_argument, NULL, 'p' },
                { "unit", required_argument, NULL, 'u' },
                { "wait", no_argument, NULL, ARG_WAIT },
                { "pipe", no_argument, NULL, 'P' },
                { "collect", no_argument, NULL, 'G' },
                { "quiet", no_argument, NULL, 'q' },
                { "setenv", required_argument, NULL, 'E' },
                { "working-directory", required_argument, NULL, ARG_WORKDIR },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "learn", required_argument, NULL, ARG_LEARN },
                { "learn-groups", no_argument, NULL, ARG_LEARN_GROUPS },
                { "learn-merge", required_argument, NULL, ARG_LEARN_MERGE },
                {}
        };
        int c, r = 0;

        optind = 0;
        /* '+': options end at the command. */
        while (r >= 0 && (c = getopt_long(argc, argv, "+p:u:PGqE:", options, NULL)) >= 0)
                switch (c) {
                case 'p':
                        r = run_add_assignment(a, optarg);
                        break;
                case 'u':
                        a->unit = optarg;
                        break;
                case ARG_WAIT:
                        a->wait = true;
                        break;
                case 'P':
                        a->pipe = a->wait = true;
                        break;
                case 'G':
                        a->collect = true;
                        break;
                case 'q':
                        a->quiet = true;
                        break;
                case 'E':
                        r = run_add_setenv(a, optarg);
                        break;
                case ARG_WORKDIR:
                        r = run_add_property(a, "WorkingDirectory", optarg);
                        break;
                case ARG_NO_PAGER:
                        break;
                case ARG_LEARN:
                        /* Learning waits for the end: the record is fetched then. */
                        a->learn.path = optarg;
                        a->wait = true;
                        break;
                case ARG_LEARN_GROUPS:
                        a->learn.groups = true;
                        break;
                case ARG_LEARN_MERGE:
                        a->learn.merge = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        if (r < 0)
                return r;
        if ((a->learn.groups || a->learn.merge) && !a->learn.path) {
                fprintf(stderr, "run: --learn-groups and --learn-merge need --learn=FILE.\n");
                return -EINVAL;
        }
        if (optind >= argc) {
                fprintf(stderr, "run: expected a command.\n");
                return -EINVAL;
        }
        a->argv = argv + optind;
        return 0;
}

static int run_append_properties(sd_bus_message *m, const RunArgs *a) {
        int r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && a->keys && a->keys[i]; i++)
                r = sd_bus_message_append(m, "(ss)", a->keys[i], a->values[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int run_append_options(sd_bus_message *m, const RunArgs *a) {
        static const char *const fd_keys[] = { "StandardInput", "StandardOutput", "StandardError" };
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        for (int fd = 0; r >= 0 && a->pipe && fd < 3; fd++)
                r = sd_bus_message_append(m, "{sv}", fd_keys[fd], "h", fd);
        if (r >= 0 && a->wait)
                r = sd_bus_message_append(m, "{sv}", "StopOnDisconnect", "b", 1);
        if (r >= 0 && a->collect)
                r = sd_bus_message_append(m, "{sv}", "Collect", "b", 1);
        if (r >= 0 && a->learn.path)
                r = sd_bus_message_append(m, "{sv}", "Learn", "b", 1);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int run_on_state(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        RunWait *w = userdata;
        const char *name, *active, *sub, *result;
        int32_t code, status;

        if (sd_bus_message_read(m, "ssssii", &name, &active, &sub, &result, &code, &status) < 0)
                return 0;
        if (!w->unit || !streq(name, w->unit))
                return 0;
        /* Done once inactive or failed, or active with its process gone (RemainAfterExit=yes,
         * sub-state "exited"), else --wait would never end for such a unit. */
        if (!streq(active, "inactive") && !streq(active, "failed") &&
            !(streq(active, "active") && streq(sub, "exited")))
                return 0;
        w->done = true;
        snprintf(w->result, sizeof(w->result), "%s", result);
        w->code = code;
        w->status = status;
        return 0;
}

static int run_wait_loop(sd_bus *bus, RunWait *w) {
        int r;

        while (!w->done) {
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        fprintf(stderr, "Lost the connection to syscaged while waiting for %s: %s\n", w->unit,
                                strerror(-r));
                        return CTL_EXIT_NO_DAEMON;
                }
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR) {
                        fprintf(stderr, "Failed to wait for %s: %s\n", w->unit, strerror(-r));
                        return CTL_EXIT_FAILURE;
                }
        }
        return CTL_EXIT_SUCCESS;
}

/* What the end of the run looks like beyond its result: how long the main process ran and
 * which syscalls the policy denied and which it only logged (by name, with counts), and
 * what may have kept denials from being seen. The unit is still loaded: the
 * daemon keeps a transient unit until its --wait client disconnects. */
static void run_print_details(sd_bus *bus, const char *unit) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        UnitProperties props = {};
        uint64_t start, end;
        const char *denied, *logged, *note;

        /* The kernel hands seccomp records on a moment after the call they are about: wait
         * until the daemon has read those of the run (an older daemon does not know the
         * call; then what it has is shown). */
        (void) sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "SettleDenials", NULL, NULL, NULL);
        if (bus_client_get_status(bus, unit, &props, &error) < 0)
                return;
        start = unit_properties_u(&props, "ExecMainStartTimestamp");
        end = unit_properties_u(&props, "ExecMainExitTimestamp");
        if (start > 0 && end >= start)
                fprintf(stderr, "Service runtime: %.1fms\n", (double) (end - start) / 1000.0);
        denied = unit_properties_str(&props, "DeniedSyscalls");
        if (!isempty(denied)) {
                fputs("Denied system calls: ", stderr);
                ctl_print_syscall_counts(stderr, denied);
                fputc('\n', stderr);
        }
        logged = unit_properties_str(&props, "LoggedSyscalls");
        if (!isempty(logged)) {
                fputs("Logged system calls: ", stderr);
                ctl_print_syscall_counts(stderr, logged);
                fputc('\n', stderr);
        }
        note = unit_properties_str(&props, "DenialRecordsNote");
        if (!isempty(note))
                fprintf(stderr, "Denial records: %s\n", note);
        unit_properties_done(&props);
}

static int run_exit_code(const RunWait *w, bool quiet) {
        if (!quiet) {
                fprintf(stderr, "Finished with result: %s\n", w->result);
                if (w->code == CLD_EXITED)
                        fprintf(stderr, "Main processes terminated with: code=exited/status=%d\n", w->status);
                else if (w->code == CLD_KILLED || w->code == CLD_DUMPED)
                        fprintf(stderr, "Main processes terminated with: code=%s/status=%s\n",
                                w->code == CLD_KILLED ? "killed" : "dumped",
                                sigabbrev_np(w->status) ? sigabbrev_np(w->status) : "?");
        }
        if (streq(w->result, "success"))
                return 0;
        if (streq(w->result, "exit-code") && w->code == CLD_EXITED)
                return w->status;
        if (streq(w->result, "signal"))
                return RUN_EXIT_SIGNAL;
        return CTL_EXIT_FAILURE;
}

static int run_start(sd_bus *bus, const RunArgs *a, const char *unit, char **ret_unit) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *name;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, NULL, BUS_PATH, BUS_INTERFACE, "StartTransient");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", unit ? unit : "");
        if (r >= 0)
                r = run_append_properties(m, a);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, a->argv);
        if (r >= 0)
                r = run_append_options(m, a);
        if (r < 0) {
                fprintf(stderr, "Failed to build the request: %s\n", strerror(-r));
                return CTL_EXIT_FAILURE;
        }
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &name);
        if (r < 0)
                return bus_client_report("start transient unit", unit, &error, r);
        *ret_unit = strdup(name);
        return *ret_unit ? CTL_EXIT_SUCCESS : CTL_EXIT_FAILURE;
}

int verb_run(int argc, char **argv) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *unit = NULL, *started = NULL;
        RunArgs a = {};
        RunWait w = {};
        int r;

        r = run_parse(argc, argv, &a);
        if (r < 0) {
                run_args_done(&a);
                return CTL_EXIT_USAGE;
        }
        if (a.unit && bus_client_unit_name(a.unit, &unit) < 0) {
                run_args_done(&a);
                return CTL_EXIT_USAGE;
        }
        if (bus_client_connect(&bus) < 0) {
                run_args_done(&a);
                return CTL_EXIT_NO_DAEMON;
        }
        /* Listen before starting: the unit may finish before the reply is read. */
        if (a.wait)
                (void) sd_bus_match_signal(bus, NULL, NULL, BUS_PATH, BUS_INTERFACE, "UnitStateChanged",
                                           run_on_state, &w);
        r = run_start(bus, &a, unit, &started);
        run_args_done(&a);
        if (r != CTL_EXIT_SUCCESS)
                return r;
        if (!a.quiet)
                fprintf(stderr, "Running as unit: %s\n", started);
        if (!a.wait)
                return CTL_EXIT_SUCCESS;
        w.unit = started;
        r = run_wait_loop(bus, &w);
        if (r != CTL_EXIT_SUCCESS)
                return r;
        r = run_exit_code(&w, a.quiet);
        if (!a.quiet)
                run_print_details(bus, started);
        /* The program's own result says nothing about the record: it is written either way,
         * and the exit code stays the program's unless writing fails. */
        if (a.learn.path) {
                int k = learn_write_output(bus, started, &a.learn);
                if (k != CTL_EXIT_SUCCESS)
                        return k;
        }
        return r;
}
