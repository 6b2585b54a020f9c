/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Launch overhead: fork+execve+wait of /bin/true, plain, against the same through
 * exec_run_and_wait() without a filter, with the compiled policy of
 * "SystemCallFilter=@system-service" (which allows execve, so no gate), and with the execve
 * gate plus the policy of "SystemCallFilter=@system-service" and "SystemCallFilter=~execve
 * execveat" (which the gate enforces), and with that gate plus the filesystem sandbox of a
 * hardened unit shaped like Debian's redis-server.service (PrivateTmp=, PrivateDevices=,
 * ProtectSystem=full, ProtectHome=, the ProtectKernel*= and ReadWritePaths=), which adds a
 * mount namespace and its mount plan to every launch. The policies and the sandbox go
 * through the same parser and compiler as a unit file. Variants run interleaved so that drift in the machine hits all
 * of them alike.
 *
 * HEAP_MB allocates and touches that much memory before the first launch, to show whether a
 * launch costs more in a process with a large heap (a copying fork does; a launch that shares
 * the address space should not).
 *
 * Usage: bench-launch [ITERATIONS [HEAP_MB]]   (root: the gate variant drops CAP_SYS_PTRACE)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec/exec-run.h"
#include "filter.h"
#include "mount-plan.h"
#include "policy-build.h"
#include "policy.h"
#include "unit-config.h"
#include "unit-file.h"

#define BENCH_ITERATIONS_DEFAULT 1000
#define BENCH_ITERATIONS_MAX 1000000
#define BENCH_SYSCALL_NR_MAX 1024
#define BENCH_HEAP_MB_MAX 65536

enum { PLAIN, SPAWN, POLICY, GATE, HARDENED, _VARIANT_MAX };
static const char *const variant_name[_VARIANT_MAX] = {
        [PLAIN] = "fork+execve (plain)",
        [SPAWN] = "exec_spawn, no filter",
        [POLICY] = "exec_spawn, policy only",
        [GATE] = "exec_spawn, gate + policy",
        [HARDENED] = "gate + policy + sandbox",
};

static const char *const empty_env[] = { NULL };

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

/* Compiles TEXT (a [Service] section) exactly as the daemon would: the gate pair when the
 * policy denies execve, one set of programs otherwise. */
static int compile_unit(const char *text, FilterSet **ret_notify, FilterSet **ret_policy,
                        size_t *ret_rules) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        int r;

        r = unit_file_load_string("bench.service", "bench.service", text, NULL, &u);
        if (r >= 0)
                r = policy_build(u, NULL, &p);
        if (r < 0)
                return r;
        *ret_rules = p->n_rules;
        if (policy_denies_exec(p))
                return filter_compile_gate(p, ret_notify, ret_policy);
        *ret_notify = NULL;
        return filter_compile(p, ret_policy);
}

/* The sandbox part of a redis-like unit. */
static const char hardened_unit[] =
        "[Service]\nExecStart=/bin/true\n"
        "PrivateTmp=yes\nPrivateDevices=yes\nProtectHome=yes\nProtectSystem=full\n"
        "ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes\n"
        "ProtectControlGroups=yes\nReadWritePaths=-/var/lib/redis -/var/log/redis -/run/redis\n";

/* Builds the mount plan of hardened_unit, with private /tmp and /var/tmp directories made
 * under the host's /tmp (the daemon makes them per activation; here once). */
static int build_hardened_plan(char *tmp, char *var_tmp, char *hidden, MountPlan **ret) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(unit_config_freep) UnitConfig *c = NULL;
        int r;

        int fd = mkstemp(hidden);
        if (fd < 0 || fchmod(fd, 0) < 0 || !mkdtemp(tmp) || !mkdtemp(var_tmp))
                return -errno;
        close(fd);
        r = unit_file_load_string("bench.service", "bench.service", hardened_unit, NULL, &u);
        if (r >= 0)
                r = unit_config_parse(u, NULL, &c);
        if (r < 0)
                return r;
        MountPlanContext ctx = { .private_tmp = tmp, .private_var_tmp = var_tmp,
                                 .inaccessible_file = hidden };
        return mount_plan_build(&c->sandbox, &ctx, NULL, ret);
}

static unsigned filter_set_insns(const FilterSet *fs) {
        unsigned n = 0;
        for (size_t i = 0; fs && i < fs->n; i++)
                n += fs->progs[i].len;
        return n;
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

/* A heap of mb MiB, every page written, kept until exit. Many small blocks, as a daemon's
 * heap is, rather than one mapping. */
static int heap_fill(long mb) {
        const size_t block = 64 * 1024;
        size_t n = (size_t) mb * 1024 * 1024 / block;

        for (size_t i = 0; i < n; i++) {
                char *b = malloc(block);
                if (!b)
                        return -ENOMEM;
                memset(b, (int) (i & 0xff) | 1, block);
        }
        return 0;
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
        long heap_mb = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
        const char *true_argv[] = { "/bin/true", NULL };
        _cleanup_(filter_set_freep) FilterSet *unused = NULL, *policy = NULL, *notify = NULL,
                                              *gated = NULL;
        ExecPlan plans[_VARIANT_MAX];
        size_t rules, gated_rules;
        char tmp[] = "/tmp/bench-launch-tmp-XXXXXX", var_tmp[] = "/tmp/bench-launch-vartmp-XXXXXX",
             hidden[] = "/tmp/bench-launch-hidden-XXXXXX";
        MountPlan *mounts = NULL;

        if (iterations < 1 || iterations > BENCH_ITERATIONS_MAX) {
                fprintf(stderr, "iterations must be 1..%d\n", BENCH_ITERATIONS_MAX);
                return 2;
        }
        if (heap_mb < 0 || heap_mb > BENCH_HEAP_MB_MAX) {
                fprintf(stderr, "heap must be 0..%d MiB\n", BENCH_HEAP_MB_MAX);
                return 2;
        }
        if (heap_fill(heap_mb) < 0) {
                fprintf(stderr, "cannot allocate a heap of %ld MiB\n", heap_mb);
                return 1;
        }
        (void) prctl(PR_SET_DUMPABLE, 0);
        if (compile_unit("[Service]\nExecStart=/bin/true\n"
                         "SystemCallFilter=@system-service\n", &unused, &policy, &rules) < 0 ||
            compile_unit("[Service]\nExecStart=/bin/true\n"
                         "SystemCallFilter=@system-service\n"
                         "SystemCallFilter=~execve execveat\n", &notify, &gated, &gated_rules) < 0 ||
            !notify) {
                fprintf(stderr, "cannot build the filters\n");
                return 1;
        }
        int k = build_hardened_plan(tmp, var_tmp, hidden, &mounts);
        if (k < 0) {
                fprintf(stderr, "cannot build the mount plan: %s\n", strerror(-k));
                return 1;
        }
        for (int v = SPAWN; v < _VARIANT_MAX; v++) {
                exec_plan_init(&plans[v]);
                plans[v].path = true_argv[0];
                plans[v].argv = true_argv;
                plans[v].envp = empty_env;
                plans[v].drop_cap_sys_ptrace = v >= GATE;
        }
        plans[POLICY].filter_policy = policy->progs;
        plans[POLICY].n_filter_policy = policy->n;
        plans[GATE].filter_notify = &notify->progs[0];
        plans[GATE].filter_policy = gated->progs;
        plans[GATE].n_filter_policy = gated->n;
        plans[HARDENED] = plans[GATE];
        plans[HARDENED].mount_plan = mounts;

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

        printf("policy @system-service: %zu rules, %u BPF instructions in %zu program(s)\n",
               rules, filter_set_insns(policy), policy->n);
        printf("gate: notify filter %u instructions; policy (@system-service ~execve execveat): "
               "%zu rules, %u instructions in %zu program(s)\n",
               notify->progs[0].len, gated_rules, filter_set_insns(gated), gated->n);
        printf("sandbox (redis-like): %zu mount operations\n", mounts->n_ops);
        printf("%-28s %10s %10s %10s %12s   (%ld iterations, heap %ld MiB, microseconds)\n",
               "variant", "median", "p10", "p90", "vs plain", iterations, heap_mb);
        double base = 0, median[_VARIANT_MAX];
        for (int v = 0; v < _VARIANT_MAX; v++) {
                qsort(t[v], (size_t) iterations, sizeof(double), cmp_double);
                double med = median[v] = percentile(t[v], (size_t) iterations, 0.5);
                if (v == PLAIN)
                        base = med;
                printf("%-28s %10.1f %10.1f %10.1f %+12.1f\n", variant_name[v], med,
                       percentile(t[v], (size_t) iterations, 0.1),
                       percentile(t[v], (size_t) iterations, 0.9), med - base);
                free(t[v]);
        }
        printf("sandbox cost over gate + policy: %+.1f us per launch\n",
               median[HARDENED] - median[GATE]);
        mount_plan_free(mounts);
        (void) rmdir(tmp);
        (void) rmdir(var_tmp);
        (void) unlink(hidden);
        return 0;
}
