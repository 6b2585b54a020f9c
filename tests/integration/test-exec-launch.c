/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch path without the gate: one filter, failures by stage, the process attributes
 * the child sets up (signals, limits, credentials, no_new_privs, cgroup).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "launch-harness.h"
#include "test-filters.h"

#ifndef CLONE_ARGS_SIZE_VER0
#define CLONE_ARGS_SIZE_VER0 64 /* without the cgroup field */
#endif

static const char *const empty_env[] = { NULL };

static void plan_for(ExecPlan *p, const char *const *argv) {
        exec_plan_init(p);
        p->path = argv[0];
        p->argv = argv;
        p->envp = empty_env;
}

/* Deny list: everything allowed but uname, which gets action. */
static void filter_deny_uname(uint32_t action, struct sock_fprog *out) {
        scmp_filter_ctx ctx = NULL;
        assert_int_equal(test_filter_new(SCMP_ACT_ALLOW, &ctx), 0);
        assert_int_equal(test_filter_add(ctx, action, "uname"), 0);
        assert_int_equal(test_filter_export(ctx, out), 0);
        seccomp_release(ctx);
}

static void test_uname_kill(void **state) {
        const char *argv[] = { HELPER_DIR "/uname-sysname", NULL };
        struct sock_fprog f;
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        filter_deny_uname(SCMP_ACT_KILL_PROCESS, &f);
        plan_for(&plan, argv);
        plan.filter_policy = &f;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_int_equal(c->result.code, CLD_KILLED);
        assert_int_equal(c->result.status, SIGSYS);
        assert_string_equal(c->out, "");

        /* Control: the same program without the filter prints the name. */
        plan_for(&plan, argv);
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(c->out, "Linux\n");
        test_filter_free(&f);
        free(c);
}

static void test_uname_errno(void **state) {
        const char *argv[] = { HELPER_DIR "/uname-sysname", NULL };
        struct sock_fprog f;
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        filter_deny_uname(SCMP_ACT_ERRNO(ENETDOWN), &f);
        plan_for(&plan, argv);
        plan.filter_policy = &f;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(c->result.status, 1);
        assert_string_equal(c->err, "Network is down\n");
        assert_string_equal(c->out, "");
        test_filter_free(&f);
        free(c);
}

/* Value of "Key:" in a /proc/PID/status dump, without leading whitespace. */
static const char *status_field(const char *dump, const char *key, char *buf, size_t size) {
        char k[64];
        snprintf(k, sizeof(k), "\n%s:", key);
        const char *p = strstr(dump, k);
        if (!p)
                return NULL;
        p += strlen(k);
        p += strspn(p, " \t");
        size_t n = strcspn(p, "\n");
        snprintf(buf, size, "%.*s", (int) MIN(n, size - 1), p);
        return buf;
}

static void test_nnp_and_seccomp_mode(void **state) {
        const char *argv[] = { "/bin/cat", "/proc/self/status", NULL };
        struct sock_fprog f;
        ExecPlan plan;
        char v[128];
        Captured *c = calloc(1, sizeof(Captured));

        filter_deny_uname(SCMP_ACT_ERRNO(EPERM), &f);

        /* Root keeps CAP_SYS_ADMIN: no_new_privs only when asked. */
        plan_for(&plan, argv);
        plan.filter_policy = &f;
        assert_false(exec_plan_want_nnp(&plan));
        plan.no_new_privs = true;
        assert_true(exec_plan_want_nnp(&plan));
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(status_field(c->out, "NoNewPrivs", v, sizeof(v)), "1");
        assert_string_equal(status_field(c->out, "Seccomp", v, sizeof(v)), "2");
        assert_string_equal(status_field(c->out, "Seccomp_filters", v, sizeof(v)), "1");

        /* User=nobody: the parent decides no_new_privs is needed, and the run works. */
        plan_for(&plan, argv);
        plan.filter_policy = &f;
        plan.uid = 65534;
        plan.gid = 65534;
        plan.set_groups = true;
        assert_true(exec_plan_want_nnp(&plan));
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(status_field(c->out, "Uid", v, sizeof(v)), "65534\t65534\t65534\t65534");
        assert_string_equal(status_field(c->out, "Gid", v, sizeof(v)), "65534\t65534\t65534\t65534");
        assert_string_equal(status_field(c->out, "Groups", v, sizeof(v)), "");
        assert_string_equal(status_field(c->out, "NoNewPrivs", v, sizeof(v)), "1");
        assert_string_equal(status_field(c->out, "Seccomp", v, sizeof(v)), "2");
        assert_string_equal(status_field(c->out, "CapEff", v, sizeof(v)), "0000000000000000");

        /* Unfiltered and not asked: no no_new_privs, no seccomp. */
        plan_for(&plan, argv);
        assert_false(exec_plan_want_nnp(&plan));
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_string_equal(status_field(c->out, "NoNewPrivs", v, sizeof(v)), "0");
        assert_string_equal(status_field(c->out, "Seccomp", v, sizeof(v)), "0");
        test_filter_free(&f);
        free(c);
}

static void test_missing_executable(void **state) {
        const char *argv[] = { "/nonexistent/syscage-test-binary", NULL };
        struct sock_fprog n, f;
        ExecPlan plan;
        ExecResult r;
        ExecProcess *p;

        assert_int_equal(test_filter_notify(&n), 0);
        filter_deny_uname(SCMP_ACT_KILL_PROCESS, &f);
        plan_for(&plan, argv);
        plan.filter_notify = &n;
        plan.filter_policy = &f;
        assert_int_equal(exec_spawn(&plan, &p), 0);
        assert_int_equal(exec_process_wait(p, NULL, NULL, &r), 0);
        assert_int_equal(r.report, EXEC_REPORT_FAILED);
        assert_int_equal(r.stage, EXEC_STAGE_ACCESS);
        assert_int_equal(r.error, ENOENT);
        assert_int_equal(r.code, CLD_EXITED);
        assert_int_equal(r.status, exec_stage_exit_code(EXEC_STAGE_ACCESS));
        assert_int_equal(r.status, 203);
        /* It failed before any filter: the gate's listener never came. */
        assert_true(p->listener_fd < 0);
        assert_int_equal(r.n_denied, 0);
        exec_process_free(p);

        /* A file that exists but is not executable: EACCES at the same stage. */
        char tmp[] = "/tmp/syscage-test-noexec-XXXXXX";
        int fd = mkstemp(tmp);
        assert_true(fd >= 0);
        assert_int_equal(fchmod(fd, 0644), 0);
        close(fd);
        const char *argv2[] = { tmp, NULL };
        plan_for(&plan, argv2);
        plan.filter_policy = &f;
        assert_int_equal(exec_run_and_wait(&plan, NULL, NULL, &r), 0);
        assert_int_equal(r.report, EXEC_REPORT_FAILED);
        assert_int_equal(r.stage, EXEC_STAGE_ACCESS);
        assert_int_equal(r.error, EACCES);
        unlink(tmp);
        test_filter_free(&n);
        test_filter_free(&f);
}

static void test_bad_chdir(void **state) {
        const char *argv[] = { "/bin/pwd", NULL };
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        plan_for(&plan, argv);
        plan.working_directory = "/nonexistent-syscage-dir";
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_FAILED);
        assert_int_equal(c->result.stage, EXEC_STAGE_CHDIR);
        assert_int_equal(c->result.error, ENOENT);
        assert_int_equal(c->result.code, CLD_EXITED);
        assert_int_equal(c->result.status, 200);

        /* "-" prefix semantics: a missing directory is ignored, the service starts in /. */
        plan_for(&plan, argv);
        plan.working_directory = "/nonexistent-syscage-dir";
        plan.working_directory_missing_ok = true;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_string_equal(c->out, "/\n");

        plan_for(&plan, argv);
        plan.working_directory = "/usr/lib";
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_string_equal(c->out, "/usr/lib\n");

        /* A relative directory never reaches the child. */
        plan.working_directory = "usr";
        assert_int_equal(exec_run_and_wait(&plan, NULL, NULL, &c->result), -EINVAL);
        free(c);
}

static void on_usr1(int sig) {
}

static void test_signal_reset(void **state) {
        const char *argv[] = { "/bin/cat", "/proc/self/status", NULL };
        struct sigaction sa = { .sa_handler = on_usr1 }, old_usr1, old_usr2;
        sigset_t block, old_mask;
        ExecPlan plan;
        char v[128];
        Captured *c = calloc(1, sizeof(Captured));

        /* The parent has a handler, an ignored signal, and a blocked signal. */
        assert_int_equal(sigaction(SIGUSR1, &sa, &old_usr1), 0);
        sa.sa_handler = SIG_IGN;
        assert_int_equal(sigaction(SIGUSR2, &sa, &old_usr2), 0);
        sigemptyset(&block);
        sigaddset(&block, SIGTERM);
        sigaddset(&block, SIGHUP);
        assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old_mask), 0);

        plan_for(&plan, argv);
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(status_field(c->out, "SigBlk", v, sizeof(v)), "0000000000000000");
        assert_string_equal(status_field(c->out, "SigIgn", v, sizeof(v)), "0000000000000000");
        assert_string_equal(status_field(c->out, "SigCgt", v, sizeof(v)), "0000000000000000");

        /* The parent's own state is untouched. */
        sigset_t now;
        assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &now), 0);
        assert_true(sigismember(&now, SIGTERM));
        sigaction(SIGUSR1, &old_usr1, NULL);
        sigaction(SIGUSR2, &old_usr2, NULL);
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        free(c);
}

static void test_process_attributes(void **state) {
        const char *argv[] = { "/bin/sh", "-c", "ulimit -n; umask; cut -d' ' -f19 /proc/self/stat; "
                         "grep CapBnd /proc/self/status", NULL };
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        plan_for(&plan, argv);
        plan.rlimits[RLIMIT_NOFILE] = (ExecRlimit) { .set = true, .soft = 77, .hard = 99 };
        plan.umask = 027;
        plan.set_nice = true;
        plan.nice = 7;
        /* Keep only CAP_CHOWN (0) and CAP_KILL (5); CAP_SYS_PTRACE dropping is a no-op here. */
        plan.capability_bounding_set = (1u << 0) | (1u << 5);
        plan.drop_cap_sys_ptrace = true;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(c->out, "77\n0027\n7\nCapBnd:\t0000000000000021\n");

        /* Only CAP_SYS_PTRACE (19) goes. */
        plan_for(&plan, argv);
        plan.drop_cap_sys_ptrace = true;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        const char *bnd = strstr(c->out, "CapBnd:\t");
        assert_non_null(bnd);
        unsigned long long caps = strtoull(bnd + 8, NULL, 16);
        assert_false(caps & (1ULL << 19));
        assert_true(caps & (1ULL << 21)); /* CAP_SYS_ADMIN stays */

        /* An invalid limit never reaches the child. */
        plan.rlimits[RLIMIT_NOFILE] = (ExecRlimit) { .set = true, .soft = 100, .hard = 10 };
        assert_int_equal(exec_run_and_wait(&plan, NULL, NULL, &c->result), -EINVAL);
        free(c);
}

static void test_ambient_capabilities(void **state) {
        const char *argv[] = { "/bin/grep", "^Cap", "/proc/self/status", NULL };
        ExecPlan plan;
        char v[128];
        Captured *c = calloc(1, sizeof(Captured));

        plan_for(&plan, argv);
        plan.uid = 65534;
        plan.gid = 65534;
        plan.set_groups = true;
        plan.ambient_capabilities = 1u << 10; /* CAP_NET_BIND_SERVICE */
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(status_field(c->out, "CapAmb", v, sizeof(v)), "0000000000000400");
        assert_string_equal(status_field(c->out, "CapEff", v, sizeof(v)), "0000000000000400");

        /* An ambient capability outside the bounding set cannot be raised. */
        plan.capability_bounding_set = EXEC_CAPS_ALL & ~(UINT64_C(1) << 10);
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_FAILED);
        assert_int_equal(c->result.stage, EXEC_STAGE_CAPABILITIES);
        assert_int_equal(c->result.error, EPERM);
        assert_int_equal(c->result.status, 218);
        assert_string_equal(c->out, "");
        free(c);
}

/* PrivateUsers=: the parent's report reader writes the maps the child asks for; the child then
 * switches to its ids inside, with only 0 and them mapped. */
static void test_private_users(void **state) {
        const char *argv[] = { "/bin/sh", "-c", "awk '{print $1, $2, $3}' /proc/self/uid_map "
                               "/proc/self/gid_map; id -u; id -g", NULL };
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        plan_for(&plan, argv);
        plan.uid = 1;
        plan.gid = 1;
        plan.set_groups = true;
        plan.private_users = true;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(c->out, "0 0 1\n1 1 1\n0 0 1\n1 1 1\n1\n1\n");

        /* Root: only 0. */
        plan_for(&plan, argv);
        plan.private_users = true;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(c->out, "0 0 1\n0 0 1\n0\n0\n");
        free(c);
}

/* A filter the kernel refuses: the start fails at SECCOMP, the program never runs. */
static void test_bad_filter(void **state) {
        const char *argv[] = { HELPER_DIR "/uname-sysname", NULL };
        struct sock_filter bad[] = { BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0) };
        struct sock_fprog f = { .len = 1, .filter = bad }, n;
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        plan_for(&plan, argv);
        plan.filter_policy = &f;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_FAILED);
        assert_int_equal(c->result.stage, EXEC_STAGE_SECCOMP);
        assert_int_equal(c->result.error, EINVAL);
        assert_int_equal(c->result.status, 228);
        assert_string_equal(c->out, "");

        /* The same as the gate's second filter, after the listener went to the parent. */
        assert_int_equal(test_filter_notify(&n), 0);
        plan_for(&plan, argv);
        plan.filter_notify = &n;
        plan.filter_policy = &f;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.report, EXEC_REPORT_FAILED);
        assert_int_equal(c->result.stage, EXEC_STAGE_SECCOMP);
        assert_int_equal(c->result.status, 228);
        assert_string_equal(c->out, "");
        test_filter_free(&n);
        free(c);
}

static void test_stdio_and_fds(void **state) {
        const char *argv[] = { "/bin/sh", "-c", "read x; echo \"got $x\"; ls /proc/self/fd | wc -l", NULL };
        int in[2];
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));
        /* A stray fd without close-on-exec must not reach the service. */
        int stray = open("/dev/null", O_RDONLY);

        assert_true(stray >= 0);
        assert_int_equal(pipe2(in, O_CLOEXEC), 0);
        assert_int_equal(write(in[1], "ping\n", 5), 5);
        close(in[1]);
        plan_for(&plan, argv);
        plan.stdin_fd = in[0];
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        /* 0, 1, 2 and the fd ls opens for the directory. */
        assert_string_equal(c->out, "got ping\n4\n");
        close(in[0]);
        close(stray);
        free(c);
}

/* The cgroup2 mount and our own cgroup in it, or -ENOENT. */
static int find_own_cgroup(char *buf, size_t size) {
        char line[4096], mnt[1024] = "", own[4096] = "";
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                char *sep = strstr(line, " - cgroup2 ");
                if (sep && sscanf(line, "%*s %*s %*s %*s %1023s", mnt) == 1)
                        break;
                mnt[0] = '\0';
        }
        fclose(f);
        f = fopen("/proc/self/cgroup", "re");
        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f))
                if (strneq(line, "0::", 3))
                        snprintf(own, sizeof(own), "%s", line + 3);
        fclose(f);
        own[strcspn(own, "\n")] = '\0';
        if (!mnt[0] || !own[0])
                return -ENOENT;
        snprintf(buf, size, "%s%s", mnt, streq(own, "/") ? "" : own);
        return 0;
}

static void test_clone_into_cgroup(void **state) {
        const char *argv[] = { "/bin/cat", "/proc/self/cgroup", NULL };
        char base[8192], dir[8300];
        ExecPlan plan;
        Captured *c;

        if (find_own_cgroup(base, sizeof(base)) < 0)
                skip();
        snprintf(dir, sizeof(dir), "%s/syscage-test-%d", base, (int) getpid());
        if (mkdir(dir, 0755) < 0)
                skip();
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        c = calloc(1, sizeof(Captured));
        plan_for(&plan, argv);
        plan.cgroup_fd = fd;
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        assert_int_equal(c->result.status, 0);
        char want[256];
        snprintf(want, sizeof(want), "/syscage-test-%d\n", (int) getpid());
        const char *line = strstr(c->out, "0::");
        assert_non_null(line);
        assert_non_null(strstr(line, want));
        close(fd);
        assert_int_equal(rmdir(dir), 0);
        free(c);
}

/* Where clone3 is missing (or, as in some container runtimes, filtered to ENOSYS) the
 * spawn falls back to fork + pidfd_open, and the child joins the cgroup itself. Where the
 * kernel's clone_args has no cgroup field (before 5.7: E2BIG for the larger struct), it
 * uses clone3 without CLONE_INTO_CGROUP, and the child joins the cgroup itself. Runs in a
 * forked test process so that the filter that plays the old kernel stays there. */
typedef enum FallbackMode {
        FALLBACK_NO_CLONE3,
        FALLBACK_NO_CGROUP_FIELD,
} FallbackMode;

static int fallback_filter(FallbackMode mode) {
        scmp_filter_ctx ctx = NULL;
        int r = test_filter_new(SCMP_ACT_ALLOW, &ctx);

        if (r < 0)
                return r;
        if (mode == FALLBACK_NO_CLONE3)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        else
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(E2BIG), SCMP_SYS(clone3), 1,
                                     SCMP_A1(SCMP_CMP_GT, CLONE_ARGS_SIZE_VER0));
        if (r == 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        if (r < 0)
                return r;
        if (mode == FALLBACK_NO_CLONE3)
                return syscall(SYS_clone3, NULL, 0) == -1 && errno == ENOSYS ? 0 : -EIO;
        return syscall(SYS_clone3, NULL, sizeof(struct clone_args)) == -1 && errno == E2BIG ? 0 : -EIO;
}

static int fallback_child(FallbackMode mode, const char *dir, int cgroup_fd) {
        const char *argv[] = { "/bin/cat", "/proc/self/cgroup", NULL };
        ExecPlan plan;
        Captured *c = calloc(1, sizeof(Captured));

        if (!c || fallback_filter(mode) < 0)
                return 10;
        plan_for(&plan, argv);
        plan.cgroup_fd = cgroup_fd;
        if (harness_run(&plan, NULL, c) < 0)
                return 12;
        if (c->result.report != EXEC_REPORT_EXECED || c->result.code != CLD_EXITED || c->result.status != 0)
                return 13;
        if (cgroup_fd >= 0 && !strstr(c->out, strrchr(dir, '/')))
                return 14;
        return 0;
}

static void run_fallback(FallbackMode mode, bool need_cgroup) {
        char base[8192], dir[8300] = "";
        int fd = -1;

        if (find_own_cgroup(base, sizeof(base)) == 0) {
                snprintf(dir, sizeof(dir), "%s/syscage-test-fb-%d", base, (int) getpid());
                if (mkdir(dir, 0755) == 0)
                        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (fd < 0 && need_cgroup) {
                if (dir[0])
                        (void) rmdir(dir);
                skip();
        }
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(fallback_child(mode, dir, fd));
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        if (fd >= 0) {
                close(fd);
                assert_int_equal(rmdir(dir), 0);
        }
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_spawn_fallback(void **state) {
        run_fallback(FALLBACK_NO_CLONE3, false);
}

static void test_spawn_fallback_no_cgroup_field(void **state) {
        run_fallback(FALLBACK_NO_CGROUP_FIELD, true);
}

/* PR_SET_PDEATHSIG: the service dies with the process that spawned it (when asked). */
static bool pdeathsig_service_dies(int death_signal) {
        const char *argv[] = { "/bin/sleep", "30", NULL };
        int pfd[2];
        pid_t service;

        assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
        pid_t middle = fork();
        assert_true(middle >= 0);
        if (middle == 0) {
                ExecPlan plan;
                ExecProcess *p;
                ExecStage stage;
                int error, r;
                plan_for(&plan, argv);
                plan.death_signal = death_signal;
                if (exec_spawn(&plan, &p) < 0)
                        _exit(1);
                do {
                        struct pollfd x = { .fd = p->socket_fd, .events = POLLIN };
                        (void) poll(&x, 1, -1);
                        r = exec_read_report(p, &stage, &error);
                } while (r == EXEC_REPORT_AGAIN || r == EXEC_REPORT_LISTENER);
                if (r != EXEC_REPORT_EXECED || write(pfd[1], &p->pid, sizeof(pid_t)) != sizeof(pid_t))
                        _exit(1);
                _exit(0); /* the "daemon" dies, the service stays unreaped by us */
        }
        close(pfd[1]);
        assert_int_equal(read(pfd[0], &service, sizeof(service)), (ssize_t) sizeof(service));
        close(pfd[0]);
        int pidfd = pidfd_open(service, 0);
        assert_true(pidfd >= 0);
        assert_int_equal(waitpid(middle, NULL, 0), middle);
        struct pollfd x = { .fd = pidfd, .events = POLLIN };
        bool died = poll(&x, 1, 2000) == 1;
        if (!died)
                (void) pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        close(pidfd);
        return died;
}

static void test_pdeathsig(void **state) {
        assert_true(pdeathsig_service_dies(SIGKILL));
        /* Control: without it the service outlives its parent. */
        assert_false(pdeathsig_service_dies(0));
}

static void test_plan_check(void **state) {
        const char *argv[] = { "true", NULL };
        struct sock_fprog n;
        ExecPlan plan;

        plan_for(&plan, argv);
        assert_int_equal(exec_plan_check(&plan), -EINVAL); /* relative path */
        plan.path = "/bin/true";
        assert_int_equal(exec_plan_check(&plan), 0);
        assert_int_equal(test_filter_notify(&n), 0);
        plan.filter_notify = &n; /* a gate without a policy */
        assert_int_equal(exec_plan_check(&plan), -EINVAL);
        plan.filter_notify = NULL;
        plan.gate_errno = 0; /* fake success */
        assert_int_equal(exec_plan_check(&plan), 0);
        plan.gate_errno = -1;
        assert_int_equal(exec_plan_check(&plan), -EINVAL);
        plan.gate_errno = 4096;
        assert_int_equal(exec_plan_check(&plan), -EINVAL);
        test_filter_free(&n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plan_check),
                cmocka_unit_test(test_uname_kill),
                cmocka_unit_test(test_uname_errno),
                cmocka_unit_test(test_nnp_and_seccomp_mode),
                cmocka_unit_test(test_missing_executable),
                cmocka_unit_test(test_bad_chdir),
                cmocka_unit_test(test_signal_reset),
                cmocka_unit_test(test_process_attributes),
                cmocka_unit_test(test_ambient_capabilities),
                cmocka_unit_test(test_private_users),
                cmocka_unit_test(test_bad_filter),
                cmocka_unit_test(test_stdio_and_fds),
                cmocka_unit_test(test_clone_into_cgroup),
                cmocka_unit_test(test_spawn_fallback),
                cmocka_unit_test(test_spawn_fallback_no_cgroup_field),
                cmocka_unit_test(test_pdeathsig),
        };

        harness_require_root();
        (void) prctl(PR_SET_DUMPABLE, 0);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
