/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What one system call costs under a filter: no filter, our compiled policy, libseccomp's own
 * single binary-tree program (SCMP_FLTATR_CTL_OPTIMIZE=2) for the same policy, and our stack
 * before it is joined into one program (filter_compile_stack()). Four worker processes, one per variant, pinned to one CPU, take turns (in rotating order) running
 * a batch of calls, so that drift hits every variant alike; the medians of the per-round
 * differences and ratios are printed.
 *
 * The policy is SystemCallFilter=@system-service with LockPersonality=yes: personality(0) is an
 * allowed call whose argument is checked, getppid() an allowed call without argument checks
 * (the kernel's per-syscall action cache lets it skip every filter that allows it outright).
 * libseccomp's single program says the same thing as our IR: personality is allowed when
 * arg0 == 0 and gets EPERM otherwise; everything else as in our unconditional program.
 *
 * Usage: bench-syscall [ROUNDS [BATCH]]   (needs no root: NO_NEW_PRIVS is set in the workers)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../unit/policy-test-util.h"

enum { VARIANT_NONE, VARIANT_OURS, VARIANT_LIBSECCOMP, VARIANT_STACK, _VARIANT_MAX };
static const char *const variant_names[_VARIANT_MAX] = { "no filter", "syscage", "libseccomp", "unjoined" };
enum { CALL_PERSONALITY, CALL_GETPPID, _CALL_MAX };
static const char *const call_names[_CALL_MAX] = { "personality(0) (arg-checked)", "getppid() (no arg check)" };

typedef struct Worker {
        pid_t pid;
        int cmd, res; /* pipes: commands to, results from the worker */
} Worker;

static double now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static void die(const char *what) {
        fprintf(stderr, "bench-syscall: %s\n", what);
        exit(1);
}

/* Runs BATCH calls of kind CALL and returns ns a call. */
static double run_batch(int call, long batch) {
        double t0 = now_ns();

        for (long i = 0; i < batch; i++)
                if (call == CALL_PERSONALITY)
                        (void) syscall(SYS_personality, 0UL);
                else
                        (void) syscall(SYS_getppid);
        return (now_ns() - t0) / (double) batch;
}

static void worker_loop(int cmd, int res, const struct sock_fprog *progs, size_t n) {
        struct { int call; long batch; } c;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                _exit(2);
        for (size_t i = 0; i < n; i++)
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &progs[i]) < 0)
                        _exit(3);
        /* The filter is in place: check that the measured calls are allowed. */
        if (syscall(SYS_personality, 0UL) < 0)
                _exit(4);
        while (read(cmd, &c, sizeof c) == sizeof c) {
                double ns = run_batch(c.call, c.batch);
                if (write(res, &ns, sizeof ns) != sizeof ns)
                        _exit(5);
        }
        _exit(0);
}

/* OTHERS: the workers started before, whose pipe ends the new one must not keep open (a dead
 * worker must show as EOF to the parent). */
static Worker worker_start(const struct sock_fprog *progs, size_t n, const Worker *others, size_t n_others) {
        int a[2], b[2];
        Worker w;

        if (pipe2(a, O_CLOEXEC) < 0 || pipe2(b, O_CLOEXEC) < 0)
                die("pipe");
        w.pid = fork();
        if (w.pid < 0)
                die("fork");
        if (w.pid == 0) {
                for (size_t i = 0; i < n_others; i++) {
                        close(others[i].cmd);
                        close(others[i].res);
                }
                close(a[1]);
                close(b[0]);
                worker_loop(a[0], b[1], progs, n);
        }
        close(a[0]);
        close(b[1]);
        w.cmd = a[1];
        w.res = b[0];
        return w;
}

static double worker_run(Worker *w, int call, long batch) {
        struct { int call; long batch; } c = { call, batch };
        double ns;

        if (write(w->cmd, &c, sizeof c) != sizeof c || read(w->res, &ns, sizeof ns) != sizeof ns) {
                int status = 0;
                (void) waitpid(w->pid, &status, 0);
                fprintf(stderr, "bench-syscall: worker %d: exit status %d, signal %d\n", (int) w->pid,
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
                die("a worker failed (did the filter refuse something it needs?)");
        }
        return ns;
}

static int cmp_double(const void *x, const void *y) {
        double a = *(const double *) x, b = *(const double *) y;
        return a < b ? -1 : a > b;
}

static double median(double *v, size_t n) {
        qsort(v, n, sizeof *v, cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Instructions PROG runs on D: the subset seccomp programs from libseccomp and filter.c use
 * (absolute loads, ALU with constants, jumps, constant returns); -1 for anything else. */
static long path_length(const struct sock_fprog *prog, const struct seccomp_data *d) {
        uint32_t a = 0;
        long n = 0;

        for (size_t pc = 0; pc < prog->len; pc++, n++) {
                const struct sock_filter *i = &prog->filter[pc];
                switch (BPF_CLASS(i->code)) {
                case BPF_LD:
                        if (i->code != (BPF_LD | BPF_W | BPF_ABS) || i->k % 4 || i->k >= sizeof *d)
                                return -1;
                        memcpy(&a, (const uint8_t *) d + i->k, sizeof a);
                        break;
                case BPF_ALU:
                        if (i->code != (BPF_ALU | BPF_AND | BPF_K))
                                return -1;
                        a &= i->k;
                        break;
                case BPF_JMP:
                        switch (BPF_OP(i->code)) {
                        case BPF_JA: pc += i->k; break;
                        case BPF_JEQ: pc += a == i->k ? i->jt : i->jf; break;
                        case BPF_JGT: pc += a > i->k ? i->jt : i->jf; break;
                        case BPF_JGE: pc += a >= i->k ? i->jt : i->jf; break;
                        case BPF_JSET: pc += (a & i->k) ? i->jt : i->jf; break;
                        default: return -1;
                        }
                        break;
                case BPF_RET:
                        return n + 1;
                default:
                        return -1;
                }
        }
        return -1;
}

static long stack_path_length(const struct sock_fprog *progs, size_t n, const struct seccomp_data *d) {
        long total = 0;

        for (size_t i = 0; i < n; i++) {
                long k = path_length(&progs[i], d);
                if (k < 0)
                        return -1;
                total += k;
        }
        return total;
}

/* libseccomp's program for POLICY in one context, as libseccomp users would write it. */
static int libseccomp_program(const Policy *p, struct sock_fprog *ret) {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
        struct stat st;
        int fd = -1, r = -ENOMEM;

        if (!ctx)
                return -ENOMEM;
        if (p->default_action.type != POLICY_ACTION_ERRNO || p->default_action.errno_value != ENOSYS)
                goto out; /* the bench's policy is an allow list */
        if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
                goto out;
        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *x = &p->rules[i];
                uint32_t act = x->action.type == POLICY_ACTION_ALLOW ? SCMP_ACT_ALLOW :
                               x->action.type == POLICY_ACTION_ERRNO ? SCMP_ACT_ERRNO(x->action.errno_value) :
                               SCMP_ACT_KILL_PROCESS;
                int nr = seccomp_syscall_resolve_name(x->syscall);
                if (x->n_conds > 0 || policy_has_conditions(p, x->syscall))
                        continue;
                if (nr == __NR_SCMP_ERROR || policy_action_equal(x->action, p->default_action))
                        continue;
                if ((r = seccomp_rule_add(ctx, act, nr, 0)) < 0)
                        goto out;
        }
        /* LockPersonality=: EPERM unless arg0 == 0. */
        if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_EQ, 0))) < 0 ||
            (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_NE, 0))) < 0)
                goto out;
        fd = memfd_create("bench-bpf", MFD_CLOEXEC);
        if (fd < 0 || (r = seccomp_export_bpf(ctx, fd)) < 0 || fstat(fd, &st) < 0) {
                r = r < 0 ? r : -errno;
                goto out;
        }
        ret->len = (unsigned short) (st.st_size / (off_t) sizeof(struct sock_filter));
        ret->filter = malloc((size_t) st.st_size);
        if (!ret->filter || pread(fd, ret->filter, (size_t) st.st_size, 0) != st.st_size)
                r = -EIO;
        else
                r = 0;
out:
        if (fd >= 0)
                close(fd);
        seccomp_release(ctx);
        return r;
}

int main(int argc, char **argv) {
        static const char *const lines[] = { "SystemCallFilter=@system-service", "LockPersonality=yes", NULL };
        long rounds = argc > 1 ? atol(argv[1]) : 201, batch = argc > 2 ? atol(argv[2]) : 20000;
        _cleanup_(filter_set_freep) FilterSet *ours = NULL, *unjoined = NULL;
        struct sock_fprog lib = {};
        Policy *p = NULL;
        DiagList diags = {};
        Worker w[_VARIANT_MAX] = {};
        cpu_set_t cpu;
        unsigned ours_len = 0;

        if (rounds < 1 || batch < 1)
                die("usage: bench-syscall [ROUNDS [BATCH]]");
        if (test_build(lines, &diags, &p) < 0 || !policy_has_conditions(p, "personality"))
                die("building the policy failed");
        if (filter_compile(p, &ours) < 0 || filter_compile_stack(p, &unjoined) < 0 ||
            libseccomp_program(p, &lib) < 0)
                die("compiling failed");
        for (size_t i = 0; i < ours->n; i++)
                ours_len += ours->progs[i].len;

        /* Everyone on the CPU we run on: the workers take turns, never run together. */
        CPU_ZERO(&cpu);
        CPU_SET(sched_getcpu(), &cpu);
        (void) sched_setaffinity(0, sizeof cpu, &cpu);
        w[VARIANT_NONE] = worker_start(NULL, 0, w, 0);
        w[VARIANT_OURS] = worker_start(ours->progs, ours->n, w, 1);
        w[VARIANT_LIBSECCOMP] = worker_start(&lib, 1, w, 2);
        w[VARIANT_STACK] = worker_start(unjoined->progs, unjoined->n, w, 3);

        signal(SIGPIPE, SIG_IGN);
        printf("policy: %s + %s, %zu rules\n", lines[0], lines[1], p->n_rules);
        printf("syscage: %zu program(s), %u instructions; libseccomp: 1 program, %u instructions\n",
               ours->n, ours_len, lib.len);
        {
                _cleanup_(filter_set_freep) FilterSet *stack = NULL;
                struct seccomp_data d = { .arch = arch_to_audit(arch_native()) };
                if (filter_compile_stack(p, &stack) < 0)
                        die("compiling failed");
                printf("BPF instructions run (filter invocations):\n");
                for (int call = 0; call < _CALL_MAX; call++) {
                        d.nr = call == CALL_PERSONALITY ? SYS_personality : SYS_getppid;
                        printf("  %-30s syscage %ld (%zu), unjoined stack %ld (%zu), libseccomp %ld (1)\n",
                               call_names[call], stack_path_length(ours->progs, ours->n, &d), ours->n,
                               stack_path_length(stack->progs, stack->n, &d), stack->n,
                               path_length(&lib, &d));
                }
        }
        printf("%ld rounds of %ld calls, medians of per-round figures\n", rounds, batch);
        for (int call = 0; call < _CALL_MAX; call++) {
                double *t[_VARIANT_MAX], *d_ours = calloc((size_t) rounds, sizeof(double)),
                       *d_lib = calloc((size_t) rounds, sizeof(double)),
                       *d_stack = calloc((size_t) rounds, sizeof(double)),
                       *ratio = calloc((size_t) rounds, sizeof(double));
                for (int v = 0; v < _VARIANT_MAX; v++)
                        if (!(t[v] = calloc((size_t) rounds, sizeof(double))))
                                die("out of memory");
                if (!d_ours || !d_lib || !d_stack || !ratio)
                        die("out of memory");
                for (int v = 0; v < _VARIANT_MAX; v++) /* warm-up */
                        (void) worker_run(&w[v], call, batch);
                for (long r = 0; r < rounds; r++) {
                        for (int k = 0; k < _VARIANT_MAX; k++) {
                                int v = (int) ((r + k) % _VARIANT_MAX);
                                t[v][r] = worker_run(&w[v], call, batch);
                        }
                        d_ours[r] = t[VARIANT_OURS][r] - t[VARIANT_NONE][r];
                        d_lib[r] = t[VARIANT_LIBSECCOMP][r] - t[VARIANT_NONE][r];
                        d_stack[r] = t[VARIANT_STACK][r] - t[VARIANT_NONE][r];
                        ratio[r] = t[VARIANT_OURS][r] / t[VARIANT_LIBSECCOMP][r];
                }
                printf("\n%s\n", call_names[call]);
                for (int v = 0; v < _VARIANT_MAX; v++)
                        printf("  %-12s %7.1f ns a call\n", variant_names[v], median(t[v], (size_t) rounds));
                printf("  filter cost: syscage %+.1f ns, libseccomp %+.1f ns, unjoined stack %+.1f ns "
                       "(paired medians)\n", median(d_ours, (size_t) rounds), median(d_lib, (size_t) rounds),
                       median(d_stack, (size_t) rounds));
                printf("  ratio syscage / libseccomp (whole call): %.3f\n", median(ratio, (size_t) rounds));
                for (int v = 0; v < _VARIANT_MAX; v++)
                        free(t[v]);
                free(d_ours);
                free(d_lib);
                free(d_stack);
                free(ratio);
        }
        for (int v = 0; v < _VARIANT_MAX; v++) {
                int status;
                close(w[v].cmd);
                close(w[v].res);
                (void) waitpid(w[v].pid, &status, 0);
        }
        free(lib.filter);
        policy_free(p);
        diag_list_done(&diags);
        return 0;
}
