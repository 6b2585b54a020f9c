/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode, client side. The daemon records; this side fetches the record (GetLearned),
 * merges it with earlier runs, renders the drop-in (lib/learn-dropin.h) and writes it, so the
 * daemon never writes to a path a caller chose.
 *
 * `learn UNIT --output=FILE` switches UNIT into learn mode (SetLearn), restarts it, waits
 * until it is stopped (by `syscagectl stop UNIT`, or by Ctrl-C here, which stops it), then
 * writes FILE and switches learn mode off. The next start runs under the unit's policy again.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch-util.h"
#include "bus-client.h"
#include "ctl.h"
#include "learn-dropin.h"
#include "policy-build.h"
#include "policy.h"
#include "strv.h"
#include "unit-file.h"
#include "verbs-learn.h"

/* A regular file only: FILE may be in a directory the learned service controls, and a FIFO
 * there would block the open or the read for ever. */
static int learn_read_file(const char *path, char **ret) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t size = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        FILE *f;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int k = -errno;
                close(fd);
                return k;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return -EBADFD;
        }
        f = fdopen(fd, "re");
        if (!f) {
                int k = -errno;
                close(fd);
                return k;
        }
        buf = calloc(1, LEARN_TEXT_MAX + 1);
        if (!buf) {
                fclose(f);
                return -ENOMEM;
        }
        size = fread(buf, 1, LEARN_TEXT_MAX + 1, f);
        fclose(f);
        if (size > LEARN_TEXT_MAX)
                return -E2BIG;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* A new file of a name of our own next to PATH (O_EXCL: nothing planted there by whoever
 * controls the directory, a FIFO or a hard link to another file, is ever opened), then
 * rename(): a reader never sees half a drop-in. */
static int learn_write_file(const char *path, const char *text) {
        _cleanup_free_ char *tmp = NULL;
        int fd;

        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t n = strlen(text);
        ssize_t w = fchmod(fd, 0644) < 0 ? -1 : write(fd, text, n);
        if (w != (ssize_t) n || fsync(fd) < 0) {
                int k = w < 0 ? -errno : -EIO;
                close(fd);
                unlink(tmp);
                return k;
        }
        close(fd);
        if (rename(tmp, path) < 0) {
                int k = -errno;
                unlink(tmp);
                return k;
        }
        return 0;
}

static int learn_fetch(sd_bus *bus, const char *unit, LearnRecord *ret) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *text;
        int r;

        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetLearned", &error, &reply, "s", unit);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &text);
        if (r < 0)
                return bus_client_report("get the learned calls of", unit, &error, r);
        r = learn_record_from_text(text, ret);
        if (r < 0) {
                fprintf(stderr, "The daemon's record for %s is malformed: %s\n", unit, strerror(-r));
                return CTL_EXIT_FAILURE;
        }
        return CTL_EXIT_SUCCESS;
}

/* What the learned list adds to the unit's current policy, and what it drops from its allow
 * list. The policy is built from the unit file on the search path, as `analyze policy` does. */
static int learn_diff(const char *unit, const LearnRecord *r) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **learned = NULL;
        int k;

        k = ctl_load_policy(unit, &u, &p);
        if (k < 0) {
                fprintf(stderr, "--diff: cannot build the policy of %s: %s\n", unit, strerror(-k));
                return CTL_EXIT_FAILURE;
        }
        if (learn_dropin_sorted(&r->syscalls, &learned) < 0)
                return CTL_EXIT_FAILURE;
        printf("--- %s (current policy)\n+++ learned\n", unit);
        for (size_t i = 0; learned[i]; i++) {
                PolicyAction a;
                policy_effective_action(p, learned[i], &a, NULL);
                if (a.type != POLICY_ACTION_ALLOW)
                        printf("+%s\n", learned[i]);
        }
        if (!p->allow_list) {
                printf("# the current policy is not an allow list: it allows every call it does not name\n");
                return CTL_EXIT_SUCCESS;
        }
        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *rule = &p->rules[i];
                if (rule->n_conds == 0 && rule->action.type == POLICY_ACTION_ALLOW &&
                    !string_set_contains(&r->syscalls, rule->syscall) && !policy_rule_is_exec_key(rule))
                        printf("-%s\n", rule->syscall);
        }
        return CTL_EXIT_SUCCESS;
}

int learn_write_output(sd_bus *bus, const char *unit, const LearnOutput *o) {
        _cleanup_free_ char *text = NULL, *old = NULL;
        const char *native = arch_to_name(arch_native());
        LearnRecord r = {}, prev = {};
        int k;

        k = learn_fetch(bus, unit, &r);
        if (k != CTL_EXIT_SUCCESS)
                return k;
        if (o->merge) {
                k = learn_read_file(o->merge, &old);
                if (k >= 0)
                        k = learn_dropin_parse(old, native, &prev);
                if (k >= 0)
                        k = learn_record_merge(&r, &prev);
                learn_record_done(&prev);
                if (k < 0) {
                        fprintf(stderr, "--learn-merge=%s: %s\n", o->merge,
                                k == -EBADMSG ? "not a drop-in written by learn mode" :
                                k == -EBADFD  ? "not a regular file" : strerror(-k));
                        learn_record_done(&r);
                        return CTL_EXIT_FAILURE;
                }
        }
        k = learn_dropin_render(&r, native, o->groups, "Written by syscagectl in learn mode.", &text);
        if (k >= 0)
                k = learn_write_file(o->path, text);
        if (k < 0) {
                fprintf(stderr, "Failed to write %s: %s\n", o->path, strerror(-k));
                learn_record_done(&r);
                return CTL_EXIT_FAILURE;
        }
        fprintf(stderr, "Wrote %s: %zu system calls%s.\n", o->path, r.syscalls.n,
                r.phase != LEARN_PHASE_NONE ? ", with a main phase" : "");
        k = o->diff ? learn_diff(unit, &r) : CTL_EXIT_SUCCESS;
        learn_record_done(&r);
        return k;
}

/* ---- learn UNIT ---- */

static volatile sig_atomic_t learn_interrupted;

static void learn_on_signal(int sig) {
        learn_interrupted = 1;
}

typedef struct LearnWait {
        const char *unit;
        bool started, done;
} LearnWait;

static int learn_on_state(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        LearnWait *w = userdata;
        const char *name, *active, *sub, *result;
        int32_t code, status;

        if (sd_bus_message_read(m, "ssssii", &name, &active, &sub, &result, &code, &status) < 0)
                return 0;
        if (!streq(name, w->unit))
                return 0;
        if (streq(active, "active") || streq(active, "activating"))
                w->started = true;
        else if (w->started && (streq(active, "inactive") || streq(active, "failed")))
                w->done = true;
        return 0;
}

static int learn_wait(sd_bus *bus, LearnWait *w) {
        while (!w->done) {
                if (learn_interrupted) {
                        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
                        learn_interrupted = 0;
                        fprintf(stderr, "Stopping %s.\n", w->unit);
                        (void) bus_client_call_unit(bus, "StopUnit", w->unit, &error);
                }
                int r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return CTL_EXIT_NO_DAEMON;
                if (r == 0 && (r = sd_bus_wait(bus, UINT64_MAX)) < 0 && r != -EINTR)
                        return CTL_EXIT_FAILURE;
        }
        return CTL_EXIT_SUCCESS;
}

static int learn_set(sd_bus *bus, const char *unit, bool on) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "SetLearn", &error, NULL, "sb", unit, on);
        return r < 0 ? bus_client_report("switch learn mode of", unit, &error, r) : CTL_EXIT_SUCCESS;
}

int verb_learn(int argc, char **argv) {
        enum { ARG_GROUPS = 0x100, ARG_MERGE, ARG_DIFF };
        static const struct option options[] = {
                { "output", required_argument, NULL, 'o' },
                { "learn-groups", no_argument, NULL, ARG_GROUPS },
                { "learn-merge", required_argument, NULL, ARG_MERGE },
                { "diff", no_argument, NULL, ARG_DIFF },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *unit = NULL;
        LearnOutput o = {};
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "o:", options, NULL)) >= 0)
                switch (c) {
                case 'o':
                        o.path = optarg;
                        break;
                case ARG_GROUPS:
                        o.groups = true;
                        break;
                case ARG_MERGE:
                        o.merge = optarg;
                        break;
                case ARG_DIFF:
                        o.diff = true;
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (optind != argc - 1 || !o.path) {
                fprintf(stderr, "learn: expected UNIT and --output=FILE.\n");
                return CTL_EXIT_USAGE;
        }
        if (bus_client_unit_name(argv[optind], &unit) < 0)
                return CTL_EXIT_USAGE;
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        LearnWait w = { .unit = unit };
        (void) sd_bus_match_signal(bus, NULL, NULL, BUS_PATH, BUS_INTERFACE, "UnitStateChanged", learn_on_state, &w);
        r = learn_set(bus, unit, true);
        if (r != CTL_EXIT_SUCCESS)
                return r;
        struct sigaction sa = { .sa_handler = learn_on_signal };
        (void) sigaction(SIGINT, &sa, NULL);
        (void) sigaction(SIGTERM, &sa, NULL);
        r = bus_client_call_unit(bus, "RestartUnit", unit, &error);
        if (r < 0) {
                (void) learn_set(bus, unit, false);
                return bus_client_report("restart", unit, &error, r);
        }
        fprintf(stderr, "Learning from %s until it stops (syscagectl stop %s, or Ctrl-C here).\n", unit, unit);
        r = learn_wait(bus, &w);
        if (r != CTL_EXIT_SUCCESS)
                return r;
        r = learn_write_output(bus, unit, &o);
        int k = learn_set(bus, unit, false);
        return r != CTL_EXIT_SUCCESS ? r : k;
}
