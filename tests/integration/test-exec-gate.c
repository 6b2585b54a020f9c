/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The execve gate: the launch execve passes without any allow-list entry, every later one
 * is denied (errno or kill), the known bypasses stay closed, and signals during the launch
 * never lose the launch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "launch-harness.h"
#include "test-filters.h"

/* Distinctive, so that a denial by the gate cannot be mistaken for anything else. */
#define GATE_ERRNO EHOSTDOWN
/* Launches in the signal stress test; SYSCAGE_STRESS_RUNS overrides it for long runs. */
#define STRESS_RUNS_DEFAULT 300
#define STRESS_RUNS_MAX 1000000

static const char *const empty_env[] = { NULL };

typedef struct Filters {
        struct sock_fprog notify;
        struct sock_fprog permissive; /* deny list: allow all, gate rules only */
} Filters;

static int setup(void **state) {
        Filters *f = calloc(1, sizeof(Filters));
        scmp_filter_ctx ctx = NULL;

        assert_non_null(f);
        assert_int_equal(test_filter_notify(&f->notify), 0);
        assert_int_equal(test_filter_new(SCMP_ACT_ALLOW, &ctx), 0);
        assert_int_equal(test_filter_gate_rules(ctx, SCMP_ACT_ALLOW), 0);
        assert_int_equal(test_filter_export(ctx, &f->permissive), 0);
        seccomp_release(ctx);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Filters *f = *state;
        if (!f)
                return 0;
        test_filter_free(&f->notify);
        test_filter_free(&f->permissive);
        free(f);
        return 0;
}

static void gate_plan(ExecPlan *p, const char *const *argv, const Filters *f, const struct sock_fprog *policy,
                      ExecGateAction action) {
        exec_plan_init(p);
        p->path = argv[0];
        p->argv = argv;
        p->envp = empty_env;
        p->filter_notify = &f->notify;
        p->filter_policy = policy ? policy : &f->permissive;
        p->gate_action = action;
        p->gate_errno = GATE_ERRNO;
        p->drop_cap_sys_ptrace = true;
}

static void test_bash_errno(void **state) {
        const char *argv[] = { "/bin/bash", "-c", "echo before; exec /usr/bin/echo after", NULL };
        ExecPlan plan;
        Denials d = {};
        Captured *c = calloc(1, sizeof(Captured));

        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        assert_int_equal(harness_run(&plan, &d, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_string_equal(c->out, "before\n");
        assert_non_null(strstr(c->err, strerror(GATE_ERRNO)));
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(c->result.status, 126); /* bash: found but could not execute */
        assert_int_equal(d.n, 1);
        assert_int_equal(c->result.n_denied, 1);
        assert_string_equal(d.d[0].path, "/usr/bin/echo");
        assert_string_equal(d.d[0].syscall, "execve");
        assert_string_equal(d.d[0].comm, "bash");
        assert_int_equal(d.d[0].pid, c->result.pid);
        assert_int_equal(d.d[0].tid, c->result.pid);
        assert_int_equal(d.d[0].action, EXEC_GATE_ERRNO);
        assert_int_equal(d.d[0].error, GATE_ERRNO);
        assert_false(d.d[0].killed);
        free(c);
}

static void test_bash_kill(void **state) {
        const char *argv[] = { "/bin/bash", "-c", "echo before; exec /usr/bin/echo after", NULL };
        ExecPlan plan;
        Denials d = {};
        Captured *c = calloc(1, sizeof(Captured));

        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_KILL);
        assert_int_equal(harness_run(&plan, &d, c), 0);
        assert_string_equal(c->out, "before\n");
        assert_int_equal(c->result.code, CLD_KILLED);
        assert_int_equal(c->result.status, SIGKILL);
        assert_int_equal(d.n, 1);
        assert_true(d.d[0].killed);
        assert_string_equal(d.d[0].path, "/usr/bin/echo");
        free(c);
}

static void drive_until_launched(ExecProcess *p, Denials *d);

/* Many denials in a row (each from a new forked child), all answered and counted; once
 * the service is gone the listener hangs up. */
static void test_flood_and_hangup(void **state) {
        const char *argv[] = { "/bin/bash", "-c",
                "for ((i = 0; i < 100; i++)); do /bin/true; done 2>/dev/null; echo done", NULL };
        ExecPlan plan;
        ExecProcess *p;
        ExecResult r;
        Denials d = {};
        int out[2];
        char buf[64] = "";

        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.stdout_fd = out[1];
        assert_int_equal(exec_spawn(&plan, &p), 0);
        close(out[1]);
        assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);
        assert_true(read(out[0], buf, sizeof(buf) - 1) > 0);
        assert_string_equal(buf, "done\n");
        assert_int_equal(r.status, 0);
        assert_int_equal(r.n_denied, 100);
        assert_int_equal(d.n, 100);
        /* The wait loop closes the listener when it sees the hangup; if the exit came
         * first, the hangup is still to be seen. */
        if (p->listener_fd >= 0) {
                struct pollfd pfd = { .fd = p->listener_fd, .events = POLLIN };
                assert_int_equal(poll(&pfd, 1, 5000), 1);
                assert_int_equal(exec_gate_handle(p, NULL, NULL), EXEC_GATE_CLOSED);
        }
        exec_process_free(p);
        close(out[0]);

        /* Deterministically: launch, reap without looking at the listener, then it hangs up. */
        const char *argv_true[] = { "/bin/true", NULL };
        siginfo_t si = {};
        gate_plan(&plan, argv_true, *state, NULL, EXEC_GATE_ERRNO);
        assert_int_equal(exec_spawn(&plan, &p), 0);
        drive_until_launched(p, &d);
        assert_int_equal(waitid((idtype_t) P_PIDFD, (id_t) p->pidfd, &si, WEXITED), 0);
        struct pollfd pfd = { .fd = p->listener_fd, .events = POLLIN };
        assert_int_equal(poll(&pfd, 1, 5000), 1);
        assert_true(pfd.revents & POLLHUP);
        assert_int_equal(exec_gate_handle(p, NULL, NULL), EXEC_GATE_CLOSED);
        exec_process_free(p);
}

/* A script as the service: the interpreter is loaded by the same execve, so it runs; a
 * command it runs is denied. */
static void test_script_service(void **state) {
        char path[4096];
        const char *argv[] = { path, NULL };
        ExecPlan plan;
        Denials d = {};
        Captured *c = calloc(1, sizeof(Captured));

        snprintf(path, sizeof(path), "%s/gate-script-%d.sh", HELPER_DIR, (int) getpid());
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs("#!/bin/sh\necho script-ran\n/bin/true && echo true-ran\n", f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(chmod(path, 0755), 0);
        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        assert_int_equal(harness_run(&plan, &d, c), 0);
        unlink(path);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_string_equal(c->out, "script-ran\n");
        assert_int_equal(d.n, 1);
        assert_string_equal(d.d[0].path, "/bin/true");
        free(c);
}

/* The service's status shows both filters and no_new_privs only when needed. */
static void test_gate_status(void **state) {
        const char *argv[] = { "/bin/grep", "-E", "^(Seccomp|Seccomp_filters|NoNewPrivs|CapBnd):", "/proc/self/status", NULL };
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.uid = 65534;
        plan.gid = 65534;
        plan.set_groups = true;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_non_null(strstr(c->out, "NoNewPrivs:\t1\n"));
        assert_non_null(strstr(c->out, "Seccomp:\t2\n"));
        assert_non_null(strstr(c->out, "Seccomp_filters:\t2\n"));
        free(c);
}

/* An allow list holding exactly what the static helper calls: write and exit_group. The
 * gate's policy adds execve/execveat as ALLOW only to delegate them to the notify filter. */
static void static_policy(bool with_exit_group, struct sock_fprog *out) {
        scmp_filter_ctx ctx = NULL;
        assert_int_equal(test_filter_new(SCMP_ACT_KILL_PROCESS, &ctx), 0);
        assert_int_equal(test_filter_add(ctx, SCMP_ACT_ALLOW, "write"), 0);
        if (with_exit_group)
                assert_int_equal(test_filter_add(ctx, SCMP_ACT_ALLOW, "exit_group"), 0);
        assert_int_equal(test_filter_gate_rules(ctx, SCMP_ACT_KILL_PROCESS), 0);
        assert_int_equal(test_filter_export(ctx, out), 0);
        seccomp_release(ctx);
}

static void test_static_allow_list(void **state) {
        const char *argv[] = { HELPER_DIR "/static-hello", NULL };
        const char *argv_exec[] = { HELPER_DIR "/static-hello", "exec", NULL };
        struct sock_fprog policy, policy_no_exit;
        ExecPlan plan;
        Denials d = {};
        Captured *c = calloc(1, sizeof(Captured));
        char want[128];

        static_policy(true, &policy);
        static_policy(false, &policy_no_exit);

        gate_plan(&plan, argv, *state, &policy, EXEC_GATE_ERRNO);
        assert_int_equal(harness_run(&plan, &d, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(c->out, "hello from a static binary\n");
        assert_int_equal(d.n, 0);

        /* Its own execve is denied by the gate. */
        gate_plan(&plan, argv_exec, *state, &policy, EXEC_GATE_ERRNO);
        assert_int_equal(harness_run(&plan, &d, c), 0);
        snprintf(want, sizeof(want), "hello from a static binary\nexecve=-%d\n", GATE_ERRNO);
        assert_string_equal(c->out, want);
        assert_int_equal(c->result.status, 0);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.d[0].path, "/bin/echo");

        /* Without exit_group in the list it dies when it exits. */
        gate_plan(&plan, argv, *state, &policy_no_exit, EXEC_GATE_ERRNO);
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_string_equal(c->out, "hello from a static binary\n");
        assert_int_equal(c->result.code, CLD_KILLED);
        assert_int_equal(c->result.status, SIGSYS);

        /* Control: the same list as a single filter, without the gate, kills the launch
         * itself (execve is not in the list), so the gate is what makes the launch work. */
        scmp_filter_ctx ctx = NULL;
        struct sock_fprog bare;
        assert_int_equal(test_filter_new(SCMP_ACT_KILL_PROCESS, &ctx), 0);
        assert_int_equal(test_filter_add(ctx, SCMP_ACT_ALLOW, "write"), 0);
        assert_int_equal(test_filter_add(ctx, SCMP_ACT_ALLOW, "exit_group"), 0);
        assert_int_equal(test_filter_export(ctx, &bare), 0);
        seccomp_release(ctx);
        gate_plan(&plan, argv, *state, &bare, EXEC_GATE_ERRNO);
        plan.filter_notify = NULL;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_string_equal(c->out, "");
        assert_int_equal(c->result.code, CLD_KILLED);
        assert_int_equal(c->result.status, SIGSYS);

        test_filter_free(&bare);
        test_filter_free(&policy);
        test_filter_free(&policy_no_exit);
        free(c);
}

static void run_bypass_action(void **state, const char *attempt, bool drop_ptrace, ExecGateAction action,
                              Denials *d, Captured *c) {
        const char *argv[] = { HELPER_DIR "/bypass", attempt, NULL };
        ExecPlan plan;

        memset(d, 0, sizeof(*d));
        gate_plan(&plan, argv, *state, NULL, action);
        plan.drop_cap_sys_ptrace = drop_ptrace;
        assert_int_equal(harness_run(&plan, d, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_null(strstr(c->out, "BYPASS"));
}

static void run_bypass(void **state, const char *attempt, bool drop_ptrace, Denials *d, Captured *c) {
        run_bypass_action(state, attempt, drop_ptrace, EXEC_GATE_ERRNO, d, c);
}

/* ATTEMPT's one exec is denied with the gate's errno and reported once, as WANT_SYSCALL with
 * WANT_PATH (NULL: the fd forms, which have no path to read). */
static void expect_denied_as(void **state, const char *attempt, const char *want_syscall, const char *want_path) {
        Denials d;
        Captured *c = calloc(1, sizeof(Captured));
        char want[128];

        run_bypass(state, attempt, true, &d, c);
        snprintf(want, sizeof(want), "%s: errno=%d\n", attempt, GATE_ERRNO);
        assert_string_equal(c->out, want);
        assert_int_equal(c->result.status, 0);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.d[0].syscall, want_syscall);
        if (want_path)
                assert_string_equal(d.d[0].path, want_path);
        free(c);
}

static void expect_denied(void **state, const char *attempt, const char *want_syscall) {
        expect_denied_as(state, attempt, want_syscall, "/bin/echo");
}

static void test_bypass_thread(void **state) {
        Denials d;
        Captured *c = calloc(1, sizeof(Captured));

        expect_denied(state, "thread", "execve");

        /* The denial names the thread and its process. */
        run_bypass(state, "thread", true, &d, c);
        assert_int_equal(d.n, 1);
        assert_int_equal(d.d[0].pid, c->result.pid);
        assert_int_not_equal(d.d[0].tid, d.d[0].pid);

        /* Kill: a pidfd on the thread (PIDFD_THREAD), and the whole process dies. */
        run_bypass_action(state, "thread", true, EXEC_GATE_KILL, &d, c);
        assert_int_equal(c->result.code, CLD_KILLED);
        assert_int_equal(c->result.status, SIGKILL);
        assert_string_equal(c->out, "");
        assert_int_equal(d.n, 1);
        assert_true(d.d[0].killed);
        free(c);
}

/* "~execve:0" is fake success: the call returns 0, and nothing runs. */
static void test_gate_fake_success(void **state) {
        const char *argv[] = { HELPER_DIR "/bypass", "thread", NULL };
        Captured *c = calloc(1, sizeof(Captured));
        Denials d = {};
        ExecPlan plan;

        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.gate_errno = 0;
        assert_int_equal(harness_run(&plan, &d, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_string_equal(c->out, "thread: errno=0\n");
        assert_int_equal(d.n, 1);
        assert_int_equal(d.d[0].error, 0);
        free(c);
}

static void test_bypass_fork(void **state) {
        expect_denied(state, "fork", "execve");
}

static void test_bypass_execveat(void **state) {
        expect_denied(state, "execveat", "execveat");
}

/* The fd forms: no path to read, but the call is denied all the same. */
static void expect_denied_no_path(void **state, const char *attempt) {
        expect_denied_as(state, attempt, "execveat", NULL);
}

static void test_bypass_execveat_fd(void **state) {
        expect_denied_no_path(state, "execveat-fd");
}

static void test_bypass_fexecve_memfd(void **state) {
        expect_denied_no_path(state, "fexecve-memfd");
}

static void test_bypass_vfork(void **state) {
        expect_denied(state, "vfork", "execve");
}

#if defined(__x86_64__)
static void test_bypass_ptrace_rewrite(void **state) {
        expect_denied(state, "ptrace-rewrite", "execve");
}
#endif

static void test_bypass_posix_spawn(void **state) {
        expect_denied(state, "posix_spawn", "execve");
}

static void test_bypass_system(void **state) {
        Denials d;
        Captured *c = calloc(1, sizeof(Captured));

        run_bypass(state, "system", true, &d, c);
        /* system() runs /bin/sh, whose execve is denied: the shell "exits" 127. */
        assert_string_equal(c->out, "system: exited=1 status=127\n");
        assert_int_equal(d.n, 1);
        assert_string_equal(d.d[0].path, "/bin/sh");
        free(c);
}

/* Whether the kernel serves ATTEMPT's ABI at all: without any filter the helper survives the
 * call. A kernel without i386 emulation (CONFIG_IA32_EMULATION off, or ia32_emulation=0)
 * answers int $0x80 with SIGSEGV, and there is nothing for a filter to stop. */
static bool abi_reachable(const char *attempt) {
        char *const argv[] = { (char *) HELPER_DIR "/bypass", (char *) attempt, NULL };
        pid_t pid;
        int status;

        assert_int_equal(posix_spawn(&pid, argv[0], NULL, NULL, argv, environ), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_bypass_other_abis(void **state) {
        static const char *const attempts[] = { "int80", "x32" };
        Denials d;
        Captured *c = calloc(1, sizeof(Captured));
        size_t tried = 0;

        for (size_t i = 0; i < ELEMENTSOF(attempts); i++) {
                if (!abi_reachable(attempts[i])) {
                        fprintf(stderr, "skipping %s: this kernel does not serve that ABI even without a filter\n",
                                attempts[i]);
                        continue;
                }
                tried++;
                run_bypass(state, attempts[i], true, &d, c);
                assert_null(strstr(c->out, "survived"));
                assert_int_equal(c->result.code, CLD_KILLED);
                assert_int_equal(c->result.status, SIGSYS);
        }
        assert_true(tried > 0); /* x32's bit is checked by every x86-64 kernel */
        free(c);
}

static void test_bypass_steal(void **state) {
        Denials d;
        Captured *c = calloc(1, sizeof(Captured));
        int got = -1, error = -1;

        /* We are non-dumpable (main) and the root service lost CAP_SYS_PTRACE. */
        run_bypass(state, "steal", true, &d, c);
        assert_int_equal(sscanf(c->out, "steal: got=%d errno=%d", &got, &error), 2);
        assert_int_equal(got, 0);
        assert_int_equal(error, EPERM);

        /* The gate drops it even when the plan does not ask. */
        run_bypass(state, "steal", false, &d, c);
        assert_int_equal(sscanf(c->out, "steal: got=%d errno=%d", &got, &error), 2);
        assert_int_equal(got, 0);
        assert_int_equal(error, EPERM);

        /* Control: without the gate a root service keeps CAP_SYS_PTRACE and does get our
         * fds (with the gate, the listener would be among them). */
        const char *argv[] = { HELPER_DIR "/bypass", "steal", NULL };
        ExecPlan plan;
        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.filter_notify = NULL;
        plan.drop_cap_sys_ptrace = false;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(sscanf(c->out, "steal: got=%d errno=%d", &got, &error), 2);
        assert_true(got > 0);
        free(c);
}

/* CAP_SYS_PTRACE must not reach a gated service by any route: not as root through the
 * bounding set, and not through the ambient set, which a unit can ask for as any user (the
 * plan flag drop_cap_sys_ptrace is meant for root services, so it is off here). */
static void test_bypass_steal_ambient(void **state) {
        const char *argv[] = { HELPER_DIR "/bypass", "steal", NULL };
        static const gid_t no_groups[1];
        Captured *c = calloc(1, sizeof(Captured));
        Denials d = {};
        ExecPlan plan;
        int got = -1, error = -1;

        for (int root = 0; root <= 1; root++) {
                gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
                plan.drop_cap_sys_ptrace = root;
                plan.ambient_capabilities = UINT64_C(1) << CAP_SYS_PTRACE;
                if (!root) {
                        plan.uid = plan.gid = 65534;
                        plan.set_groups = true;
                        plan.groups = no_groups;
                }
                plan.no_new_privs = exec_plan_want_nnp(&plan);
                assert_int_equal(harness_run(&plan, &d, c), 0);
                assert_null(strstr(c->out, "BYPASS"));
                if (c->result.report == EXEC_REPORT_FAILED) {
                        /* Refusing to start is fine too. */
                        assert_int_equal(c->result.stage, EXEC_STAGE_CAPABILITIES);
                        continue;
                }
                assert_int_equal(sscanf(c->out, "steal: got=%d errno=%d", &got, &error), 2);
                assert_int_equal(got, 0);
                assert_int_equal(error, EPERM);
        }
        free(c);
}

/* Drive a spawned process until its launch is decided (the launch socket is closed). */
static void drive_until_launched(ExecProcess *p, Denials *d) {
        while (p->socket_fd >= 0) {
                struct pollfd pfd[2] = {
                        { .fd = p->socket_fd, .events = POLLIN },
                        { .fd = p->listener_fd, .events = POLLIN },
                };
                ExecStage stage;
                int error;
                assert_true(poll(pfd, 2, 10000) > 0);
                if (pfd[1].revents)
                        assert_true(exec_gate_handle(p, harness_collect, d) >= 0);
                if (pfd[0].revents)
                        assert_true(exec_read_report(p, &stage, &error) >= 0);
        }
}

static void test_bypass_relisten(void **state) {
        const char *argv[] = { HELPER_DIR "/bypass", "relisten", NULL };
        int in[2], out[2];
        ExecPlan plan;
        ExecProcess *p;
        ExecResult r;
        Denials d = {};
        char buf[512] = "", want[256];

        assert_int_equal(pipe2(in, O_CLOEXEC), 0);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.stdin_fd = in[0];
        plan.stdout_fd = out[1];
        assert_int_equal(exec_spawn(&plan, &p), 0);
        close(in[0]);
        close(out[1]);
        drive_until_launched(p, &d);
        assert_true(p->launched);
        /* The received listener is close-on-exec, so it cannot leak into other children. */
        assert_true(fcntl(p->listener_fd, F_GETFD) & FD_CLOEXEC);

        /* The daemon "dies": the listener is gone. Then the service tries to re-listen. */
        exec_process_close_listener(p);
        assert_int_equal(write(in[1], "go\n", 3), 3);
        assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);
        assert_true(read(out[0], buf, sizeof(buf) - 1) > 0);
        snprintf(want, sizeof(want), "relisten: seccomp=-1 errno=%d\nrelisten: execve errno=%d\n", EPERM, ENOSYS);
        assert_string_equal(buf, want);
        assert_int_equal(r.status, 0);
        exec_process_free(p);
        close(in[1]);
        close(out[0]);
}

static void sleep_us(long us) {
        struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };
        nanosleep(&ts, NULL);
}

static char proc_state(pid_t pid) {
        char path[64], buf[512];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return '?';
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return '?';
        buf[n] = '\0';
        const char *p = strrchr(buf, ')');
        return p && p[1] == ' ' ? p[2] : '?';
}

/* Deterministic: the child is stopped while its launch notification is pending (not yet
 * received). The kernel may withdraw the notification and re-issue it after SIGCONT; the
 * gate must neither block on a withdrawn notification nor refuse the re-issued one. */
static void test_stop_while_pending(void **state) {
        const char *argv[] = { "/bin/true", NULL };
        ExecPlan plan;
        Denials d = {};

        for (unsigned i = 0; i < 20; i++) {
                ExecProcess *p;
                ExecResult r;
                ExecStage stage;
                int error;

                gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
                assert_int_equal(exec_spawn(&plan, &p), 0);
                while (p->listener_fd < 0) {
                        struct pollfd pfd = { .fd = p->socket_fd, .events = POLLIN };
                        assert_int_equal(poll(&pfd, 1, 10000), 1);
                        assert_int_equal(exec_read_report(p, &stage, &error), EXEC_REPORT_LISTENER);
                }
                struct pollfd lfd = { .fd = p->listener_fd, .events = POLLIN };
                assert_int_equal(poll(&lfd, 1, 10000), 1);
                assert_true(lfd.revents & POLLIN);
                assert_int_equal(pidfd_send_signal(p->pidfd, SIGSTOP, NULL, 0), 0);
                while (proc_state(p->pid) != 'T')
                        sleep_us(50);
                /* Withdrawn: nothing to receive, and no blocking either. */
                assert_int_equal(exec_gate_handle(p, harness_collect, &d), 0);
                assert_false(p->launched);
                assert_int_equal(pidfd_send_signal(p->pidfd, SIGCONT, NULL, 0), 0);
                assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);
                assert_true(p->launched);
                assert_int_equal(r.report, EXEC_REPORT_EXECED);
                assert_int_equal(r.code, CLD_EXITED);
                assert_int_equal(r.status, 0);
                exec_process_free(p);
        }
        assert_int_equal(d.n, 0);
}

/* The plan need only live until exec_spawn() returns. The child shares our memory and is
 * still on its way to execve (held in the gate here, so certainly), so it must run from a
 * copy: overwrite and free everything the plan pointed to, then let it through. */
static void test_plan_freed_after_spawn(void **state) {
        char *path = strdup("/bin/echo"), *arg = strdup("from the copy"), *env = strdup("X=1");
        const char **argv = calloc(3, sizeof(char *)), **envp = calloc(2, sizeof(char *));
        char buf[64] = "";
        ExecPlan plan;
        ExecProcess *p;
        ExecResult r;
        Denials d = {};
        int out[2];

        assert_true(path && arg && env && argv && envp);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        argv[0] = path;
        argv[1] = arg;
        envp[0] = env;
        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.envp = envp;
        plan.stdout_fd = out[1];
        assert_int_equal(exec_spawn(&plan, &p), 0);
        close(out[1]);

        memset(path, 'x', strlen(path));
        memset(arg, 'y', strlen(arg));
        memset(env, 'z', strlen(env));
        argv[0] = argv[1] = envp[0] = "/nonexistent";
        free(path);
        free(arg);
        free(env);
        free(argv);
        free(envp);
        memset(&plan, 0xff, sizeof(plan));

        assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);
        assert_int_equal(r.report, EXEC_REPORT_EXECED);
        assert_int_equal(r.code, CLD_EXITED);
        assert_int_equal(r.status, 0);
        assert_true(read(out[0], buf, sizeof(buf) - 1) > 0);
        assert_string_equal(buf, "from the copy\n");
        assert_int_equal(d.n, 0);
        close(out[0]);
        exec_process_free(p);
}

static int write_sysctl(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        return fd >= 0 && write(fd, value, strlen(value)) == (ssize_t) strlen(value) ? 0 : -1;
}

/* Whether a process running as UID can open PID's memory for writing (exit status 0). */
static bool can_write_mem_as(pid_t pid, uid_t uid) {
        char path[64];
        int status;

        snprintf(path, sizeof(path), "/proc/%d/mem", (int) pid);
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0) {
                if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
                        _exit(2);
                _exit(open(path, O_RDWR | O_CLOEXEC) >= 0 ? 0 : 1);
        }
        assert_int_equal(waitpid(c, &status, 0), c);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 2);
        return WEXITSTATUS(status) == 0;
}

/* While the launch execve waits in the gate, the child already runs as the service's user.
 * Another process of that user must not be able to write its memory (and so change what
 * the daemon is about to let it execute), whatever fs.suid_dumpable says. */
static void test_prelaunch_memory(void **state) {
        const char *argv[] = { "/bin/true", NULL };
        static const gid_t no_groups[1];
        char saved[16] = "";
        ExecPlan plan;
        ExecProcess *p;
        ExecResult r;
        ExecStage stage;
        Denials d = {};
        int error;

        _cleanup_close_ int fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0 && read(fd, saved, sizeof(saved) - 1) > 0);
        assert_int_equal(write_sysctl("/proc/sys/fs/suid_dumpable", "1"), 0);

        gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
        plan.uid = plan.gid = 65534;
        plan.set_groups = true;
        plan.groups = no_groups;
        plan.no_new_privs = exec_plan_want_nnp(&plan);
        assert_int_equal(exec_spawn(&plan, &p), 0);
        while (p->listener_fd < 0) {
                struct pollfd pfd = { .fd = p->socket_fd, .events = POLLIN };
                assert_int_equal(poll(&pfd, 1, 10000), 1);
                assert_int_equal(exec_read_report(p, &stage, &error), EXEC_REPORT_LISTENER);
        }
        struct pollfd lfd = { .fd = p->listener_fd, .events = POLLIN };
        assert_int_equal(poll(&lfd, 1, 10000), 1); /* the launch execve is pending */
        bool writable = can_write_mem_as(p->pid, 65534);

        assert_int_equal(write_sysctl("/proc/sys/fs/suid_dumpable", saved), 0);
        assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);
        assert_int_equal(r.report, EXEC_REPORT_EXECED);
        exec_process_free(p);
        assert_false(writable);
}

/* Stress: signals thrown at the child while it launches. */
typedef struct Thrower {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        int pidfd;       /* -1: nothing to do */
        unsigned round;
        bool busy;
        bool quit;
} Thrower;

static void *thrower_main(void *arg) {
        Thrower *t = arg;
        unsigned seed = 12345;

        pthread_mutex_lock(&t->lock);
        for (;;) {
                while (t->pidfd < 0 && !t->quit)
                        pthread_cond_wait(&t->cond, &t->lock);
                if (t->quit)
                        break;
                int fd = t->pidfd;
                unsigned round = t->round;
                t->busy = true;
                pthread_mutex_unlock(&t->lock);

                sleep_us(rand_r(&seed) % 1500);
                if (round % 10 == 9)
                        (void) pidfd_send_signal(fd, SIGTERM, NULL, 0);
                else {
                        (void) pidfd_send_signal(fd, SIGSTOP, NULL, 0);
                        sleep_us(rand_r(&seed) % 200);
                        (void) pidfd_send_signal(fd, SIGCONT, NULL, 0);
                }

                pthread_mutex_lock(&t->lock);
                t->busy = false;
                t->pidfd = -1;
                pthread_cond_broadcast(&t->cond);
        }
        pthread_mutex_unlock(&t->lock);
        return NULL;
}

static unsigned stress_runs(void) {
        const char *e = getenv("SYSCAGE_STRESS_RUNS");
        long n = e ? strtol(e, NULL, 10) : STRESS_RUNS_DEFAULT;
        return n >= 10 && n <= STRESS_RUNS_MAX ? (unsigned) n : STRESS_RUNS_DEFAULT;
}

static void test_stress_signals(void **state) {
        const unsigned runs = stress_runs();
        const char *argv[] = { "/bin/true", NULL };
        Thrower t = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .pidfd = -1 };
        pthread_t th;
        unsigned ok = 0, terminated = 0, died_early = 0;
        ExecPlan plan;
        Denials d = {};

        assert_int_equal(pthread_create(&th, NULL, thrower_main, &t), 0);
        for (unsigned i = 0; i < runs; i++) {
                ExecProcess *p;
                ExecResult r;

                gate_plan(&plan, argv, *state, NULL, EXEC_GATE_ERRNO);
                assert_int_equal(exec_spawn(&plan, &p), 0);
                pthread_mutex_lock(&t.lock);
                t.pidfd = p->pidfd;
                t.round = i;
                pthread_cond_broadcast(&t.cond);
                pthread_mutex_unlock(&t.lock);

                assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);

                /* The pidfd stays open until the thrower is done with it. */
                pthread_mutex_lock(&t.lock);
                while (t.pidfd >= 0 || t.busy)
                        pthread_cond_wait(&t.cond, &t.lock);
                pthread_mutex_unlock(&t.lock);
                exec_process_free(p);

                /* Never a denial of the launch, never a failed execve. */
                assert_int_equal(r.n_denied, 0);
                assert_int_not_equal(r.report, EXEC_REPORT_FAILED);
                if (r.code == CLD_EXITED && r.status == 0) {
                        assert_int_equal(r.report, EXEC_REPORT_EXECED);
                        ok++;
                } else {
                        /* Only the fatal signal may end a run otherwise. */
                        assert_int_equal(r.code, CLD_KILLED);
                        assert_int_equal(r.status, SIGTERM);
                        assert_int_equal(i % 10, 9);
                        if (r.report == EXEC_REPORT_DIED)
                                died_early++;
                        terminated++;
                }
        }
        pthread_mutex_lock(&t.lock);
        t.quit = true;
        pthread_cond_broadcast(&t.cond);
        pthread_mutex_unlock(&t.lock);
        pthread_join(th, NULL);
        print_message("stress: %u launched, %u terminated by SIGTERM (%u before exec)\n", ok,
                      terminated, died_early);
        /* Every stop/continue round launched. */
        assert_true(ok >= runs - runs / 10);
        assert_int_equal(d.n, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bash_errno),
                cmocka_unit_test(test_bash_kill),
                cmocka_unit_test(test_gate_status),
                cmocka_unit_test(test_script_service),
                cmocka_unit_test(test_flood_and_hangup),
                cmocka_unit_test(test_static_allow_list),
                cmocka_unit_test(test_bypass_thread),
                cmocka_unit_test(test_gate_fake_success),
                cmocka_unit_test(test_bypass_fork),
                cmocka_unit_test(test_bypass_execveat),
                cmocka_unit_test(test_bypass_execveat_fd),
                cmocka_unit_test(test_bypass_fexecve_memfd),
                cmocka_unit_test(test_bypass_vfork),
#if defined(__x86_64__)
                cmocka_unit_test(test_bypass_ptrace_rewrite),
#endif
                cmocka_unit_test(test_bypass_posix_spawn),
                cmocka_unit_test(test_bypass_system),
                cmocka_unit_test(test_bypass_other_abis),
                cmocka_unit_test(test_bypass_steal),
                cmocka_unit_test(test_bypass_steal_ambient),
                cmocka_unit_test(test_bypass_relisten),
                cmocka_unit_test(test_stop_while_pending),
                cmocka_unit_test(test_plan_freed_after_spawn),
                cmocka_unit_test(test_prelaunch_memory),
                cmocka_unit_test(test_stress_signals),
        };

        harness_require_root();
        /* What the daemon does at start: nobody without CAP_SYS_PTRACE may reach our fds. */
        if (prctl(PR_SET_DUMPABLE, 0) < 0)
                return 1;
        return cmocka_run_group_tests(tests, setup, teardown);
}
