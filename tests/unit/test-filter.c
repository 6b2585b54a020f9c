/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The compiler: program shape, the exec-gate pair, agreement between what the IR says (and
 * `analyze policy` prints) and what the compiled BPF does for every native syscall, the cache
 * hash, the dump and the lints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "policy-test-util.h"

static Policy *build(const char *const *lines) {
        Policy *p = NULL;
        DiagList diags = {};

        if (test_build(lines, &diags, &p) < 0) {
                for (size_t i = 0; i < diags.n; i++)
                        diag_print(&diags.items[i], stderr);
                fail_msg("build failed: %s", lines[0]);
        }
        diag_list_done(&diags);
        return p;
}

static void test_program_shape(void **state) {
        const char *deny[] = { "SystemCallFilter=~uname", NULL };
        const char *cond[] = { "SystemCallFilter=~uname", "RestrictAddressFamilies=AF_UNIX", NULL };
        const char *wide[] = { "RestrictAddressFamilies=AF_UNIX", "SystemCallArchitectures=x86 x32", NULL };
        _cleanup_(policy_freep) Policy *p1 = build(deny), *p2 = build(cond), *p3 = NULL;
        _cleanup_(filter_set_freep) FilterSet *s1 = NULL, *s2 = NULL, *s3 = NULL;

        assert_int_equal(filter_compile(p1, &s1), 0);
        assert_int_equal(s1->n, 1); /* no argument checks: one program */
        assert_int_equal(filter_compile_stack(p2, &s2), 0);
        assert_int_equal(s2->n, 2); /* conditional program, then the unconditional one */
        for (size_t i = 0; i < s2->n; i++) {
                assert_true(s2->progs[i].len > 0);
                assert_true(s2->progs[i].len <= BPF_EVAL_INSNS_MAX);
        }
        if (arch_native() != SCMP_ARCH_X86_64)
                return;
        p3 = build(wide);
        assert_int_equal(filter_compile_stack(p3, &s3), 0);
        assert_int_equal(s3->n, 4); /* one conditional program per ABI */
        /* Joined, each stack is one program. */
        filter_set_free(s2);
        filter_set_free(s3);
        assert_int_equal(filter_compile(p2, &s2), 0);
        assert_int_equal(s2->n, 1);
        assert_int_equal(filter_compile(p3, &s3), 0);
        assert_int_equal(s3->n, 1);
}

/* Arguments that hit the boundaries of the rules the directives generate. */
static const uint64_t fuse_args[][6] = {
        { 0 }, { 1 }, { 2 }, { 10 }, { 17 }, { 44 }, { UINT64_C(0x100000001) }, { ~UINT64_C(0) },
        { 0, 0, PROT_READ }, { 0, 0, PROT_WRITE | PROT_EXEC }, { 0, 0, PROT_EXEC },
        { 0, S_ISUID, S_ISGID | S_ISUID }, { 0, O_CREAT, S_ISUID }, { 0, 0, O_CREAT, S_ISGID },
        { CLONE_NEWNS, CLONE_NEWUSER }, { CLONE_NEWTIME, 0 }, { 0, SECCOMP_FILTER_FLAG_NEW_LISTENER },
        { 0x0400000, SCHED_FIFO }, { 0, SCHED_IDLE }, { 0, 4 }, { 0xffffffff, 7 },
};

/* The joined program decides every (ABI, syscall, arguments) exactly as the stack does. */
static void check_fused(const char *const *lines, const char *what) {
        static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64 };
        _cleanup_(policy_freep) Policy *p = build(lines), *gated = NULL;
        const Policy *variants[2] = { p, NULL };
        size_t checked = 0;

        assert_int_equal(policy_derive_gate(p, NULL, &gated), 0);
        variants[1] = gated;
        for (size_t v = 0; v < ELEMENTSOF(variants); v++) {
                _cleanup_(filter_set_freep) FilterSet *stack = NULL, *fused = NULL;
                assert_int_equal(filter_compile_stack(variants[v], &stack), 0);
                assert_int_equal(filter_compile(variants[v], &fused), 0);
                if (fused->n != 1)
                        fail_msg("%s: not joined into one program (%zu)", what, fused->n);
                for (size_t a = 0; a < ELEMENTSOF(arches); a++)
                        for (uint32_t nr = 0; nr < 1100; nr++)
                                for (size_t k = 0; k < ELEMENTSOF(fuse_args); k++) {
                                        struct seccomp_data d = { .arch = arch_to_audit(arches[a]) };
                                        uint32_t want, got;
                                        d.nr = (int) (arches[a] == SCMP_ARCH_X32 ? nr | 0x40000000u : nr);
                                        memcpy(d.args, fuse_args[k], sizeof d.args);
                                        assert_int_equal(bpf_eval_stack(stack->progs, stack->n, &d, &want), 0);
                                        assert_int_equal(bpf_eval_stack(fused->progs, fused->n, &d, &got), 0);
                                        if (want != got)
                                                fail_msg("%s%s: arch %#x nr %u args #%zu: stack %#x, joined %#x",
                                                         what, v ? " (gated)" : "", d.arch, nr, k, want, got);
                                        checked++;
                                }
        }
        assert_true(checked > 0);
}

static void test_fused_equivalent(void **state) {
        static const char *const cases[][8] = {
                { "SystemCallFilter=@system-service", "LockPersonality=yes" },
                { "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                  "MemoryDenyWriteExecute=yes", "RestrictSUIDSGID=yes", "RestrictNamespaces=yes", "RestrictRealtime=yes" },
                { "SystemCallFilter=~@mount uname:EACCES", "RestrictAddressFamilies=~AF_PACKET AF_NETLINK", "RestrictNamespaces=~user net",
                  "ProtectClock=yes", "SystemCallLog=@privileged" },
                { "SystemCallFilter=@system-service", "SystemCallArchitectures=x86 x32", "RestrictAddressFamilies=AF_UNIX",
                  "MemoryDenyWriteExecute=yes", "LockPersonality=yes" },
                { "SystemCallFilter=~execve", "RestrictSUIDSGID=yes", "SystemCallLog=~@basic-io", "PrivateDevices=yes" },
                { "RestrictAddressFamilies=none", "RestrictNamespaces=cgroup", "SystemCallErrorNumber=ENOTSUP", "RestrictRealtime=yes" },
        };

        if (arch_native() != SCMP_ARCH_X86_64)
                skip(); /* the ABI list above is x86's */
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *lines[ELEMENTSOF(cases[i]) + 1] = {};
                for (size_t j = 0; j < ELEMENTSOF(cases[i]) && cases[i][j]; j++)
                        lines[j] = cases[i][j];
                check_fused(lines, cases[i][0]);
        }
}

/* The exec gate: F_notify sends execve/execveat to the daemon, F_policy lets them through and
 * refuses a second listener. */
static void test_gate(void **state) {
        const char *lines[] = { "SystemCallFilter=~execve execveat uname", "SystemCallErrorNumber=EACCES", NULL };
        const char *allowl[] = { "SystemCallFilter=read exit_group", "SystemCallErrorNumber=EPERM", NULL };
        const char *plain[] = { "SystemCallFilter=~uname", NULL };
        _cleanup_(policy_freep) Policy *p = build(lines), *pa = build(allowl), *pp = build(plain);
        _cleanup_(filter_set_freep) FilterSet *n = NULL, *f = NULL, *na = NULL, *fa = NULL;
        const uint64_t listener[6] = { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER };
        const uint64_t tsync[6] = { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC };
        struct sock_fprog all[FILTER_PROGRAMS_MAX + 1];
        struct seccomp_data d = { .arch = arch_to_audit(arch_native()) };
        uint32_t r;

        assert_true(policy_denies_exec(p));
        assert_true(policy_denies_exec(pa));
        assert_false(policy_denies_exec(pp));
        assert_int_equal(filter_compile_gate(p, &n, &f), 0);
        assert_int_equal(n->n, 1);
        assert_int_equal(test_eval(n, arch_native(), "execve", NULL), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(test_eval(n, arch_native(), "execveat", NULL), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(test_eval(n, arch_native(), "uname", NULL), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(f, arch_native(), "execve", NULL), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(f, arch_native(), "execveat", NULL), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(f, arch_native(), "uname", NULL), SECCOMP_RET_ERRNO | EACCES);
        assert_int_equal(test_eval(f, arch_native(), "seccomp", listener), SECCOMP_RET_ERRNO | EACCES);
        assert_int_equal(test_eval(f, arch_native(), "seccomp", tsync), SECCOMP_RET_ALLOW);

        /* The whole stack as the child loads it: the gate decides execve. */
        all[0] = n->progs[0];
        for (size_t i = 0; i < f->n; i++)
                all[i + 1] = f->progs[i];
        d.nr = seccomp_syscall_resolve_name("execve");
        assert_int_equal(bpf_eval_stack(all, f->n + 1, &d, &r), 0);
        assert_int_equal(r, SECCOMP_RET_USER_NOTIF);
        d.nr = seccomp_syscall_resolve_name("uname");
        assert_int_equal(bpf_eval_stack(all, f->n + 1, &d, &r), 0);
        assert_int_equal(r, SECCOMP_RET_ERRNO | EACCES);

        /* An allow list without seccomp already refuses it outright: that stays. */
        assert_int_equal(filter_compile_gate(pa, &na, &fa), 0);
        assert_int_equal(test_eval(fa, arch_native(), "seccomp", tsync), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(fa, arch_native(), "execve", NULL), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(fa, arch_native(), "read", NULL), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(fa, arch_native(), "getpid", NULL), SECCOMP_RET_ERRNO | EPERM);

        if (arch_native() == SCMP_ARCH_X86_64) /* other ABIs die in the gate too */
                assert_int_equal(test_eval(n, SCMP_ARCH_X86, "getpid", NULL), SECCOMP_RET_KILL_PROCESS);
}

/* seccomp() explicitly allowed, and ABIs widened: the listener rule and the gate cover them. */
static void test_gate_wide(void **state) {
        const char *lines[] = { "SystemCallFilter=@system-service seccomp", "SystemCallErrorNumber=EPERM",
                                "SystemCallArchitectures=x86", NULL };
        const uint64_t listener[6] = { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER };
        const uint64_t plain[6] = { SECCOMP_SET_MODE_FILTER, 0 };
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *n = NULL, *f = NULL;

        if (arch_native() != SCMP_ARCH_X86_64)
                skip();
        p = build(lines);
        assert_false(policy_denies_exec(p));
        assert_int_equal(filter_compile_gate(p, &n, &f), 0);
        assert_int_equal(test_eval(f, SCMP_ARCH_X86_64, "seccomp", listener), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(f, SCMP_ARCH_X86_64, "seccomp", plain), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(f, SCMP_ARCH_X86, "seccomp", listener), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(n, SCMP_ARCH_X86, "execve", NULL), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(test_eval(n, SCMP_ARCH_X86, "getpid", NULL), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(n, SCMP_ARCH_X32, "getpid", NULL), SECCOMP_RET_KILL_PROCESS);
}

/* The whole gate stack as the child loads it (F_notify first, then F_policy), for ARCH. */
static uint32_t eval_gate(const FilterSet *n, const FilterSet *f, uint32_t arch, const char *name,
                          const uint64_t args[6]) {
        struct sock_fprog all[FILTER_PROGRAMS_MAX + 1];
        struct seccomp_data d = { .arch = arch_to_audit(arch) };
        uint32_t r = 0;

        all[0] = n->progs[0];
        for (size_t i = 0; i < f->n; i++)
                all[i + 1] = f->progs[i];
        d.nr = seccomp_syscall_resolve_name_arch(arch, name);
        if (args)
                memcpy(d.args, args, sizeof d.args);
        assert_int_equal(bpf_eval_stack(all, f->n + 1, &d, &r), 0);
        return r;
}

/* With the launch key and a kill action, the kernel kills every execve but the keyed one,
 * and every execveat; the keyed one goes on to the gate. Errno actions stay with the gate. */
static void test_gate_keyed(void **state) {
        const char *kill[] = { "SystemCallFilter=~execve uname", NULL };
        const char *err[] = { "SystemCallFilter=~execve:EACCES", NULL };
        const char *allowl[] = { "SystemCallFilter=read exit_group", NULL };
        const PolicyExecKey key = { { 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x8000000000000001ULL } };
        const uint64_t good[6] = { 1, 2, 3, key.word[0], key.word[1], key.word[2] };
        const uint64_t bad[3][6] = {
                { 1, 2, 3, key.word[0] ^ 1, key.word[1], key.word[2] },
                { 1, 2, 3, key.word[0], key.word[1] ^ (1ULL << 63), key.word[2] },
                { 1, 2, 3, key.word[0], key.word[1], (uint32_t) key.word[2] },
        };
        _cleanup_(policy_freep) Policy *pk = build(kill), *pe = build(err), *pa = build(allowl);
        _cleanup_(filter_set_freep) FilterSet *n = NULL, *f = NULL, *ne = NULL, *fe = NULL, *na = NULL,
                                             *fa = NULL, *n0 = NULL, *f0 = NULL;

        assert_int_equal(filter_compile_gate_keyed(pk, &key, &n, &f), 0);
        assert_int_equal(eval_gate(n, f, arch_native(), "execve", good), SECCOMP_RET_USER_NOTIF);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(eval_gate(n, f, arch_native(), "execve", bad[i]), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, arch_native(), "execve", NULL), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, arch_native(), "execveat", good), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, arch_native(), "uname", NULL), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, arch_native(), "getpid", NULL), SECCOMP_RET_ALLOW);
        /* The policy filter alone: a service's own ERRNO filter cannot outrank its kill. */
        assert_int_equal(test_eval(f, arch_native(), "execve", bad[0]), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(test_eval(f, arch_native(), "execve", good), SECCOMP_RET_ALLOW);

        /* Without a key (what analyze shows), the gate decides everything. */
        assert_int_equal(filter_compile_gate(pk, &n0, &f0), 0);
        assert_int_equal(eval_gate(n0, f0, arch_native(), "execve", bad[0]), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(eval_gate(n0, f0, arch_native(), "execveat", NULL), SECCOMP_RET_USER_NOTIF);

        /* An errno action: the key changes nothing, the gate answers. */
        assert_int_equal(filter_compile_gate_keyed(pe, &key, &ne, &fe), 0);
        assert_int_equal(eval_gate(ne, fe, arch_native(), "execve", bad[0]), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(eval_gate(ne, fe, arch_native(), "execveat", NULL), SECCOMP_RET_USER_NOTIF);

        /* An allow list (kill by default): the same, under its ENOSYS default. */
        assert_int_equal(filter_compile_gate_keyed(pa, &key, &na, &fa), 0);
        assert_int_equal(eval_gate(na, fa, arch_native(), "execve", good), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(eval_gate(na, fa, arch_native(), "execve", bad[1]), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(na, fa, arch_native(), "read", NULL), SECCOMP_RET_ALLOW);
}

/* Other ABIs never carry the key: their execve dies outright. */
static void test_gate_keyed_wide(void **state) {
        const char *lines[] = { "SystemCallFilter=~execve", "SystemCallArchitectures=x86", NULL };
        const PolicyExecKey key = { { 1, 2, 3 } };
        const uint64_t good[6] = { 0, 0, 0, 1, 2, 3 };
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *n = NULL, *f = NULL;

        if (arch_native() != SCMP_ARCH_X86_64)
                skip();
        p = build(lines);
        assert_int_equal(filter_compile_gate_keyed(p, &key, &n, &f), 0);
        assert_int_equal(eval_gate(n, f, SCMP_ARCH_X86_64, "execve", good), SECCOMP_RET_USER_NOTIF);
        assert_int_equal(eval_gate(n, f, SCMP_ARCH_X86, "execve", good), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, SCMP_ARCH_X86, "execve", NULL), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, SCMP_ARCH_X86, "execveat", NULL), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(eval_gate(n, f, SCMP_ARCH_X86, "getpid", NULL), SECCOMP_RET_ALLOW);
}

/* For every native syscall without argument checks, the action the IR reports (and
 * `analyze policy` prints) is what the compiled programs return. */
static void cross_check(const char *const *lines) {
        _cleanup_(policy_freep) Policy *p = build(lines);
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        unsigned checked = 0;

        assert_int_equal(filter_compile(p, &s), 0);
        for (int nr = 0; nr < 1024; nr++) {
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch_native(), nr);
                struct seccomp_data d = { .nr = nr, .arch = arch_to_audit(arch_native()) };
                PolicyAction a;
                uint32_t r;
                char x[32], y[32];

                if (!name || policy_has_conditions(p, name))
                        continue;
                policy_effective_action(p, name, &a, NULL);
                assert_int_equal(bpf_eval_stack(s->progs, s->n, &d, &r), 0);
                if (r != policy_action_to_ret(a))
                        fail_msg("%s: %s: IR says %s, BPF says %s", lines[0], name,
                                 bpf_ret_to_string(policy_action_to_ret(a), x, sizeof x),
                                 bpf_ret_to_string(r, y, sizeof y));
                checked++;
        }
        assert_true(checked > 300);
}

static void test_cross_check(void **state) {
        static const char *const policies[][6] = {
                { "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM", "ProtectClock=yes" },
                { "SystemCallFilter=~@mount @reboot:EPERM @privileged", "SystemCallLog=~read" },
                { "SystemCallFilter=@basic-io @io-event", "SystemCallFilter=~write:EBADF", "RestrictNamespaces=yes" },
                { "ProtectKernelModules=yes", "ProtectKernelLogs=yes", "ProtectHostname=yes", "PrivateDevices=yes",
                  "RestrictSUIDSGID=yes", "MemoryDenyWriteExecute=yes" },
                { "SystemCallFilter=@known", "SystemCallFilter=~@obsolete", "SystemCallArchitectures=x86 x32" },
                { "SystemCallLog=@file-system", "RestrictAddressFamilies=none" },
        };

        for (size_t i = 0; i < ELEMENTSOF(policies); i++) {
                const char *lines[7] = {};
                memcpy(lines, policies[i], sizeof policies[i]);
                cross_check(lines);
        }
}

static void test_hash(void **state) {
        const char *a[] = { "SystemCallFilter=~uname", "ProtectClock=yes", NULL };
        const char *b[] = { "ProtectClock=yes", "SystemCallFilter=~uname", NULL };
        const char *c[] = { "SystemCallFilter=~uname", "ProtectClock=yes", "SystemCallErrorNumber=EPERM", NULL };
        const char *d[] = { "SystemCallFilter=~uname", "ProtectClock=yes", "SystemCallArchitectures=x86", NULL };
        const char *e[] = { "SystemCallFilter=~uname", "ProtectClock=yes", "RestrictRealtime=yes", NULL };
        _cleanup_(policy_freep) Policy *pa = build(a), *pb = build(b), *pc = build(c), *pd = build(d),
                                        *pe = build(e), *copy = NULL;

        /* Same meaning, different lines (and so origins): same hash. */
        assert_true(policy_hash(pa) == policy_hash(pb));
        assert_int_equal(policy_copy(pa, &copy), 0);
        assert_true(policy_hash(pa) == policy_hash(copy));
        assert_true(policy_hash(pa) != policy_hash(pc));
        assert_true(policy_hash(pa) != policy_hash(pd));
        assert_true(policy_hash(pa) != policy_hash(pe));
        assert_true(policy_hash(pc) != policy_hash(pe));
}

static char *dump(const Policy *p, const char *only, int *ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        *ret = policy_dump(p, only, f);
        fclose(f);
        return buf;
}

static void test_dump(void **state) {
        const char *lines[] = { "SystemCallFilter=~uname", "SystemCallErrorNumber=ENETDOWN", "RestrictRealtime=yes", NULL };
        _cleanup_(policy_freep) Policy *p = build(lines);
        _cleanup_free_ char *one = NULL, *all = NULL, *cond = NULL, *none = NULL, *pfc = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        one = dump(p, "uname", &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(one, "uname"));
        assert_non_null(strstr(one, "errno ENETDOWN"));
        assert_non_null(strstr(one, "SystemCallFilter= (test.service:2)"));
        cond = dump(p, "sched_setscheduler", &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(cond, "if arg1 > 0x5: errno EPERM  RestrictRealtime= (test.service:4)"));
        all = dump(p, NULL, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(all, "# default action: allow"));
        assert_non_null(strstr(all, "\ngetpid "));
        none = dump(p, "nosuchcall", &r);
        assert_int_equal(r, -ENOENT);

        f = open_memstream(&pfc, &size);
        assert_int_equal(filter_dump_pfc(p, f), 0);
        fclose(f);
        assert_non_null(strstr(pfc, "uname"));
        assert_non_null(strstr(pfc, "sched_setscheduler"));
}

/* The gate answers with the policy's own action for execve, as systemd's filter would. */
static void test_gate_action(void **state) {
        static const struct {
                const char *lines[3];
                PolicyAction want;
        } cases[] = {
                { { "SystemCallFilter=~execve execveat" }, POLICY_ACTION(POLICY_ACTION_KILL) },
                { { "SystemCallFilter=~execve execveat", "SystemCallErrorNumber=EPERM" }, POLICY_ERRNO(EPERM) },
                { { "SystemCallFilter=~execve:EACCES execveat:EACCES" }, POLICY_ERRNO(EACCES) },
                { { "SystemCallFilter=~execve:0 execveat:0", "SystemCallErrorNumber=EPERM" }, POLICY_ERRNO(0) },
                { { "SystemCallFilter=~execveat:kill", "SystemCallErrorNumber=EPERM" }, POLICY_ACTION(POLICY_ACTION_KILL) },
                { { "SystemCallFilter=read exit_group", "SystemCallErrorNumber=ENOEXEC" }, POLICY_ERRNO(ENOEXEC) },
                { { "SystemCallFilter=@system-service", "SystemCallFilter=~execve:ETXTBSY" }, POLICY_ERRNO(ETXTBSY) },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(policy_freep) Policy *p = build(cases[i].lines);
                PolicyAction a = policy_exec_gate_action(p);
                char got[32], want[32];
                assert_true(policy_denies_exec(p));
                if (!policy_action_equal(a, cases[i].want))
                        fail_msg("%s: gate action %s, want %s", cases[i].lines[0],
                                 policy_action_format(a, got, sizeof got),
                                 policy_action_format(cases[i].want, want, sizeof want));
        }
}

static bool has_warning(const DiagList *l, const char *key, const char *substring) {
        for (size_t i = 0; i < l->n; i++)
                if (l->items[i].level == DIAG_WARNING && streq(l->items[i].key, key) &&
                    strstr(l->items[i].message, substring))
                        return true;
        return false;
}

static void lint(const char *const *lines, DiagList *diags) {
        _cleanup_(policy_freep) Policy *p = build(lines);
        assert_int_equal(policy_lint(p, diags), 0);
}

static void test_lint(void **state) {
        const char *bare[] = { "SystemCallFilter=read write", NULL };
        const char *ok[] = { "SystemCallFilter=@system-service", "SystemCallFilter=~io_uring_setup", NULL };
        const char *wide[] = { "SystemCallFilter=~uname", "SystemCallArchitectures=x86", NULL };
        const char *uring[] = { "SystemCallFilter=~openat", NULL };
        DiagList l1 = {}, l2 = {}, l3 = {}, l4 = {};

        lint(bare, &l1);
        assert_true(has_warning(&l1, "SystemCallFilter", "exit_group"));
        assert_true(has_warning(&l1, "SystemCallFilter", "rt_sigreturn"));
        lint(ok, &l2);
        assert_int_equal(l2.n, 0);
        if (arch_native() == SCMP_ARCH_X86_64) {
                lint(wide, &l3);
                assert_true(has_warning(&l3, "SystemCallArchitectures", "deny list"));
        }
        lint(uring, &l4);
        assert_true(has_warning(&l4, "SystemCallFilter", "io_uring"));

        /* A directive not wholly enforced says so; the ones the sandbox completes do not. */
        const char *partial[] = { "ProtectKernelTunables=yes", "ProtectClock=yes", NULL };
        DiagList l5 = {};
        lint(partial, &l5);
        assert_false(has_warning(&l5, "ProtectKernelTunables", "enforced"));
        assert_true(has_warning(&l5, "ProtectClock", "/dev/rtc"));
        assert_false(has_warning(&l5, "ProtectKernelLogs", "enforced"));
        diag_list_done(&l5);
        diag_list_done(&l1);
        diag_list_done(&l2);
        diag_list_done(&l3);
        diag_list_done(&l4);
}

/* libseccomp sets the actions it accepts from a probe of the running kernel; a probe that
 * fails (seccomp(2) giving ENOSYS, as under valgrind) leaves it at level 1, which has no
 * KILL_PROCESS, LOG or NOTIFY. Compiling must not depend on that: we only export programs. */
static void test_compile_after_failed_probe(void **state) {
        const char *lines[] = { "SystemCallFilter=~uname", "SystemCallLog=getpid", NULL };
        _cleanup_(policy_freep) Policy *p = build(lines);
        _cleanup_(filter_set_freep) FilterSet *s = NULL, *notify = NULL, *pol = NULL;
        const unsigned saved = seccomp_api_get();
        int r, q;

        assert_int_equal(seccomp_api_set(1), 0);
        r = filter_compile(p, &s);
        q = filter_compile_gate(p, &notify, &pol);
        assert_int_equal(seccomp_api_set(saved), 0);
        assert_int_equal(r, 0);
        assert_int_equal(q, 0);
        assert_int_equal(test_eval(s, arch_native(), "uname", NULL), SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(test_eval(s, arch_native(), "getpid", NULL), SECCOMP_RET_LOG);
        assert_int_equal(test_eval(notify, arch_native(), "execve", NULL), SECCOMP_RET_USER_NOTIF);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_program_shape),
                cmocka_unit_test(test_fused_equivalent),
                cmocka_unit_test(test_gate),
                cmocka_unit_test(test_gate_wide),
                cmocka_unit_test(test_gate_keyed),
                cmocka_unit_test(test_gate_keyed_wide),
                cmocka_unit_test(test_gate_action),
                cmocka_unit_test(test_cross_check),
                cmocka_unit_test(test_hash),
                cmocka_unit_test(test_dump),
                cmocka_unit_test(test_lint),
                cmocka_unit_test(test_compile_after_failed_probe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
