/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch key: with a kill action the kernel kills a denied execve itself, so a service
 * cannot soften the kill with a filter of its own. A service filter that returns ERRNO for
 * execve outranks the gate's USER_NOTIF: without the key the exec merely fails, the service
 * lives on and the gate sees nothing (shown first, with the filters compiled without a
 * key); with it the process dies by SIGSYS and the kernel's audit record names the call.
 * The launch itself, which carries the key, still runs; errno actions stay with the gate.
 * The filters come from the real compiler and cache. Needs root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>

#include "exec/filter-cache.h"
#include "launch-harness.h"
#include "policy-build.h"
#include "sys/kmsg.h"

/* Distinctive: the gate's errno for the errno policy. */
#define GATE_ERRNO EACCES
/* What the service's own filter answers (bypass.c's own-filter). */
#define OWN_ERRNO ENOTBLK
/* How long the kernel's audit record may take to show up. */
#define KMSG_WAIT_USEC (5 * 1000 * 1000)
#define KMSG_POLL_USEC (10 * 1000)

static const char *const empty_env[] = { NULL };

typedef struct Fixture {
        PolicyExecKey key;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));

        if (!f || filter_cache_new_key(&f->key) < 0)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        free(*state);
        return 0;
}

static Policy *build(const char *const *lines) {
        _cleanup_(policy_builder_freep) PolicyBuilder *b = NULL;
        DiagList diags = {};
        Policy *p = NULL;

        assert_int_equal(policy_builder_new(&b), 0);
        for (unsigned i = 0; lines[i]; i++) {
                const char *eq = strchr(lines[i], '=');
                _cleanup_free_ char *key = strndup(lines[i], (size_t) (eq - lines[i]));
                assert_int_equal(policy_apply(b, key, eq + 1, "test.service", i + 2, &diags), 0);
        }
        assert_int_equal(policy_builder_finish(b, &diags, &p), 0);
        diag_list_done(&diags);
        return p;
}

/* Runs ARGV under the policy of LINES, compiled with KEY (or none), as the daemon would. */
static void run(const char *const *lines, const PolicyExecKey *key, const char *const *argv, Denials *d,
                Captured *c) {
        _cleanup_(policy_freep) Policy *p = build(lines);
        _cleanup_(hashmap_freep) Hashmap *cache = hashmap_new();
        _cleanup_(filter_entry_unrefp) FilterEntry *e = NULL;
        ExecPlan plan;

        assert_non_null(cache);
        assert_int_equal(filter_cache_get(cache, key, p, &e), 0);
        assert_true(e->gate);
        exec_plan_init(&plan);
        plan.path = argv[0];
        plan.argv = argv;
        plan.envp = empty_env;
        plan.filter_notify = e->notify;
        plan.filter_policy = e->policy;
        plan.n_filter_policy = e->n_policy;
        plan.gate_action = e->gate_action;
        plan.gate_errno = e->gate_errno;
        memcpy(plan.exec_key, e->exec_key.word, sizeof plan.exec_key);
        plan.drop_cap_sys_ptrace = true;
        plan.rlimits[RLIMIT_CORE] = (ExecRlimit) { .set = true }; /* SIGSYS dumps core */
        memset(d, 0, sizeof(*d));
        assert_int_equal(harness_run(&plan, d, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_null(strstr(c->out, "BYPASS"));
}

typedef struct Seen {
        pid_t pid;
        bool found;
        SeccompAudit record;
} Seen;

static void on_record(KmsgReader *r, const SeccompAudit *a, void *userdata) {
        Seen *s = userdata;

        if (a->pid == s->pid && !s->found) {
                s->found = true;
                s->record = *a;
        }
}

/* The kernel's record of the kill of PID, read from READER's event loop within a deadline. */
static void expect_kill_record(sd_event *event, Seen *seen, pid_t pid, const char *syscall) {
        seen->pid = pid;
        for (unsigned i = 0; i < KMSG_WAIT_USEC / KMSG_POLL_USEC && !seen->found; i++)
                assert_true(sd_event_run(event, KMSG_POLL_USEC) >= 0);
        if (!seen->found)
                fail_msg("no seccomp record for pid %d (printk rate limit? actions_logged?)", (int) pid);
        assert_string_equal(seen->record.syscall_name, syscall);
        assert_int_equal(seen->record.sig, SIGSYS);
}

static const char *const kill_policy[] = { "SystemCallFilter=~execve", NULL };
static const char *const errno_policy[] = { "SystemCallFilter=~execve:EACCES", NULL };

/* The attack, as it was: the filters without a key leave the kill to the gate, which never
 * sees the call. */
static void test_own_filter_without_key(void **state) {
        const char *argv[] = { HELPER_DIR "/bypass", "own-filter", NULL };
        Captured *c = calloc(1, sizeof(Captured));
        Denials d;

        run(kill_policy, NULL, argv, &d, c);
        assert_int_equal(OWN_ERRNO, 15);
        assert_string_equal(c->out, "own-filter: errno=15\n"); /* its own errno: it lived on */
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(d.n, 0);
        free(c);
}

static void run_own_filter_killed(void **state, const char *attempt, const char *syscall) {
        const Fixture *f = *state;
        const char *argv[] = { HELPER_DIR "/bypass", attempt, NULL };
        _cleanup_(kmsg_reader_freep) KmsgReader *reader = NULL;
        Captured *c = calloc(1, sizeof(Captured));
        sd_event *event = NULL;
        Seen seen = {};
        Denials d;

        assert_int_equal(sd_event_new(&event), 0);
        assert_int_equal(kmsg_open(event, on_record, &seen, &reader), 0);
        run(kill_policy, &f->key, argv, &d, c);
        assert_string_equal(c->out, ""); /* died in the call: nothing printed after it */
        assert_int_equal(c->result.code, CLD_KILLED);
        assert_int_equal(c->result.status, SIGSYS);
        assert_int_equal(d.n, 0); /* the kernel decided, not the gate */
        expect_kill_record(event, &seen, c->result.pid, syscall);
        reader = kmsg_reader_free(reader);
        sd_event_unref(event);
        free(c);
}

static void test_own_filter_killed(void **state) {
        run_own_filter_killed(state, "own-filter", "execve");
}

static void test_own_filter_execveat_killed(void **state) {
        run_own_filter_killed(state, "own-filter-execveat", "execveat");
}

/* The launch carries the key: a service under the kill policy starts, and a later execve
 * dies in the kernel. */
static void test_launch_passes(void **state) {
        const Fixture *f = *state;
        const char *echo[] = { "/bin/echo", "launched", NULL };
        const char *fork_argv[] = { HELPER_DIR "/bypass", "fork", NULL };
        Captured *c = calloc(1, sizeof(Captured));
        Denials d;

        run(kill_policy, &f->key, echo, &d, c);
        assert_string_equal(c->out, "launched\n");
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(c->result.status, 0);

        /* A forked child's execve: the child dies by SIGSYS, the parent reports it. */
        run(kill_policy, &f->key, fork_argv, &d, c);
        assert_non_null(strstr(c->out, "fork: "));
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(d.n, 0);
        free(c);
}

/* Errno actions stay with the gate: a plain later execve gets the policy's errno and is
 * reported; a service that filters its own execve gets its own errno, unseen (the documented
 * limit), and runs nothing. */
static void test_errno_policy(void **state) {
        const Fixture *f = *state;
        const char *own[] = { HELPER_DIR "/bypass", "own-filter", NULL };
        const char *thread[] = { HELPER_DIR "/bypass", "thread", NULL };
        Captured *c = calloc(1, sizeof(Captured));
        Denials d;

        run(errno_policy, &f->key, thread, &d, c);
        assert_string_equal(c->out, "thread: errno=13\n");
        assert_int_equal(d.n, 1);
        assert_int_equal(d.d[0].error, GATE_ERRNO);

        run(errno_policy, &f->key, own, &d, c);
        assert_string_equal(c->out, "own-filter: errno=15\n");
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(d.n, 0);
        free(c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_own_filter_without_key),
                cmocka_unit_test(test_own_filter_killed),
                cmocka_unit_test(test_own_filter_execveat_killed),
                cmocka_unit_test(test_launch_passes),
                cmocka_unit_test(test_errno_policy),
        };

        harness_require_root();
        return cmocka_run_group_tests(tests, setup, teardown);
}
