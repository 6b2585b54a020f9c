/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Launch overhead: fork+execve+wait of /bin/true, plain, against the same through
 * exec_run_and_wait() without a filter, with one policy filter, and with the execve gate
 * plus the policy. The policy is an allow list of every native syscall libseccomp knows
 * except a handful (about the size of @system-service), compiled as a binary tree.
 * Variants run interleaved so that drift in the machine hits all of them alike.
 *
 * Usage: bench-launch [ITERATIONS]   (needs root for the unfiltered variants' parity)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "exec-run.h"
#include "test-filters.h"

#define BENCH_ITERATIONS_DEFAULT 1000
#define BENCH_ITERATIONS_MAX 1000000
#define BENCH_SYSCALL_NR_MAX 1024

enum { PLAIN, SPAWN, POLICY, GATE, _VARIANT_MAX };
static const char *const variant_name[_VARIANT_MAX] = {
        [PLAIN] = "fork+execve (plain)",
        [SPAWN] = "exec_spawn, no filter",
        [POLICY] = "exec_spawn, policy only",
        [GATE] = "exec_spawn, gate + policy",
};

/* Left out of the allow list: what a service policy would never allow. seccomp goes too,
 * as the gate requires. */
static const char *const excluded[] = {
        "reboot", "kexec_load", "kexec_file_load", "init_module", "finit_module",
        "delete_module", "swapon", "swapoff", "acct", "seccomp", "ptrace",
        "process_vm_writev", "pidfd_getfd", "bpf", "perf_event_open", "mount",
        "umount2", "pivot_root", "chroot", "settimeofday", "clock_settime",
        "adjtimex", "clock_adjtime", "iopl", "ioperm", "quotactl", "vhangup",
        "lookup_dcookie", "nfsservctl", "sethostname", "setdomainname",
};

static const char *const empty_env[] = { NULL };

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static bool is_excluded(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(excluded); i++)
                if (streq(excluded[i], name))
                        return true;
        return false;
}

static int build_policy(struct sock_fprog *out, unsigned *ret_rules) {
        scmp_filter_ctx ctx = NULL;
        unsigned n = 0;
        int r = test_filter_new(SCMP_ACT_ERRNO(EPERM), &ctx);
        if (r < 0)
                return r;
        for (int nr = 0; nr < BENCH_SYSCALL_NR_MAX; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
                if (!name)
                        continue;
                if (!is_excluded(name) && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0)
                        n++;
                free(name);
        }
        r = test_filter_export(ctx, out);
        seccomp_release(ctx);
        *ret_rules = n;
        return r;
}

static int run_plain(const char *const *argv) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                execve(argv[0], (char *const *) argv, (char *const *) empty_env);
                _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) < 0)
                return -errno;
        return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static int run_plan(const ExecPlan *plan) {
        ExecResult r;
        int k = exec_run_and_wait(plan, NULL, NULL, &r);
        if (k < 0)
                return k;
        return r.report == EXEC_REPORT_EXECED && r.code == CLD_EXITED && r.status == 0 ? 0 : -EIO;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p) {
        return v[(size_t) (p * (double) (n - 1))];
}

int main(int argc, char **argv) {
        long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : BENCH_ITERATIONS_DEFAULT;
        const char *true_argv[] = { "/bin/true", NULL };
        struct sock_fprog notify, policy;
        ExecPlan plans[_VARIANT_MAX];
        unsigned rules;

        if (iterations < 1 || iterations > BENCH_ITERATIONS_MAX) {
                fprintf(stderr, "iterations must be 1..%d\n", BENCH_ITERATIONS_MAX);
                return 2;
        }
        (void) prctl(PR_SET_DUMPABLE, 0);
        if (test_filter_notify(&notify) < 0 || build_policy(&policy, &rules) < 0) {
                fprintf(stderr, "cannot build the filters\n");
                return 1;
        }
        for (int v = SPAWN; v < _VARIANT_MAX; v++) {
                exec_plan_init(&plans[v]);
                plans[v].path = true_argv[0];
                plans[v].argv = true_argv;
                plans[v].envp = empty_env;
                plans[v].drop_cap_sys_ptrace = v == GATE;
        }
        plans[POLICY].filter_policy = &policy;
        plans[GATE].filter_notify = &notify;
        plans[GATE].filter_policy = &policy;

        double *t[_VARIANT_MAX];
        for (int v = 0; v < _VARIANT_MAX; v++)
                if (!(t[v] = calloc((size_t) iterations, sizeof(double))))
                        return 1;
        for (long i = 0; i < iterations; i++)
                for (int v = 0; v < _VARIANT_MAX; v++) {
                        double t0 = now_us();
                        int r = v == PLAIN ? run_plain(true_argv) : run_plan(&plans[v]);
                        t[v][i] = now_us() - t0;
                        if (r < 0) {
                                fprintf(stderr, "%s: run %ld failed: %s\n", variant_name[v], i, strerror(-r));
                                return 1;
                        }
                }

        printf("policy: %u allow rules, %u BPF instructions; notify filter: %u instructions\n",
               rules, policy.len, notify.len);
        printf("%-28s %10s %10s %10s %12s   (%ld iterations, microseconds)\n", "variant", "median",
               "p10", "p90", "vs plain", iterations);
        double base = 0;
        for (int v = 0; v < _VARIANT_MAX; v++) {
                qsort(t[v], (size_t) iterations, sizeof(double), cmp_double);
                double med = percentile(t[v], (size_t) iterations, 0.5);
                if (v == PLAIN)
                        base = med;
                printf("%-28s %10.1f %10.1f %10.1f %+12.1f\n", variant_name[v], med,
                       percentile(t[v], (size_t) iterations, 0.1),
                       percentile(t[v], (size_t) iterations, 0.9), med - base);
                free(t[v]);
        }
        test_filter_free(&notify);
        test_filter_free(&policy);
        return 0;
}
