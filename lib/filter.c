/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy IR -> seccomp BPF, via libseccomp.
 *
 * How one policy becomes programs. libseccomp 2.5.4 keeps one decision per syscall when
 * rules mix: an unconditional rule added after conditional ones replaces them, a conditional
 * rule added after an unconditional one is silently dropped, and a rule whose action equals
 * the default action is refused (-EACCES). Conditional rules fall through to the *default*
 * action, never to another per-syscall action. So "socket: allowed, but EAFNOSUPPORT for
 * AF_INET" cannot be said in an allow-list program whose default is ENOSYS, and negating a
 * masked test (to write the allowed case as a rule) is not something libseccomp can express.
 *
 * We therefore emit a small stack, as systemd effectively does with one filter per
 * directive, but with only two kinds of program:
 *
 *  1. one conditional program per enabled ABI that has argument-checked rules: default
 *     ALLOW, bad-arch ALLOW (other ABIs are handled by their own program and by 2.), holding
 *     every conditional rule. They only ever restrict.
 *  2. the unconditional program, loaded last: the policy's default action, one rule per
 *     syscall whose action differs from it, the enabled ABIs, and bad-arch KILL_PROCESS.
 *
 * The kernel runs all of them and the most restrictive result wins, which is exactly how the
 * IR defines conditional rules (policy.h); the IR builder already folded every unconditional
 * restriction into one action per syscall with the same precedence. filter_compile() then
 * joins the stack into one program with the same results (see "fusing" below), so an
 * argument-checked syscall runs one filter, not two. Between two errnos the
 * newest program wins: the unconditional program, which holds SystemCallFilter=, is newest,
 * as in systemd where SystemCallFilter= is installed last. Loading it last also means a
 * policy that denies seccomp() does not stop our own loads.
 *
 * ABI details handled here, not in the IR: the old i386/s390 mmap() takes a pointer to its
 * arguments, so MemoryDenyWriteExecute= refuses it outright there; s390 passes clone() flags
 * in arg1; on ABIs that multiplex socket()/shmat() through socketcall()/ipc() libseccomp
 * rewrites the rule onto the multiplexer and, as the family is not visible there, refuses
 * every socketcall(SYS_SOCKET) and socketcall(SYS_SOCKETPAIR) when RestrictAddressFamilies=
 * is set: it fails closed where systemd skips the ABI. The same happens to argument filters
 * (SystemCallArgumentFilter=) on those calls: the multiplexed sub-call is refused with the
 * line's action whenever the filter could refuse anything. On ABIs with 32-bit registers a
 * 64-bit test keeps only what a zero-extended register can match (abi32_conds()). The exec
 * gate's launch-key rules (policy_derive_gate()) hold only on the native ABI, the one the
 * launch uses; elsewhere they become an unconditional kill of execve.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/audit.h>
#include <unistd.h>

#include "bpf-eval.h"
#include "filter.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release);

FilterSet *filter_set_free(FilterSet *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n; i++)
                free(s->progs[i].filter);
        free(s);
        return NULL;
}

static bool arches_contain(const uint32_t *arches, size_t n, uint32_t arch) {
        for (size_t i = 0; i < n; i++)
                if (arches[i] == arch)
                        return true;
        return false;
}

static enum scmp_compare cmp_to_scmp(PolicyCmp c) {
        static const enum scmp_compare table[_POLICY_CMP_MAX] = {
                [POLICY_CMP_NE] = SCMP_CMP_NE, [POLICY_CMP_LT] = SCMP_CMP_LT,
                [POLICY_CMP_LE] = SCMP_CMP_LE, [POLICY_CMP_EQ] = SCMP_CMP_EQ,
                [POLICY_CMP_GE] = SCMP_CMP_GE, [POLICY_CMP_GT] = SCMP_CMP_GT,
                [POLICY_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
        };
        return table[c];
}

static uint32_t scmp_action(PolicyAction a) {
        switch (a.type) {
        case POLICY_ACTION_ALLOW: return SCMP_ACT_ALLOW;
        case POLICY_ACTION_LOG: return SCMP_ACT_LOG;
        case POLICY_ACTION_NOTIFY: return SCMP_ACT_NOTIFY;
        case POLICY_ACTION_ERRNO: return SCMP_ACT_ERRNO((uint32_t) a.errno_value);
        case POLICY_ACTION_KILL: default: return SCMP_ACT_KILL_PROCESS;
        }
}

/* libseccomp accepts only the actions its "API level" allows, and it sets that level from a probe
 * of the seccomp(2) calls the running process can make. We use libseccomp only to compile and
 * export programs; the kernel checks them when we load them ourselves. So a failed probe (a
 * process whose seccomp(2) fails with ENOSYS, e.g. under valgrind, makes libseccomp assume level
 * 1) must not make compilation refuse KILL_PROCESS, LOG or NOTIFY: raise the level to the one
 * our actions need (5 adds user notification) when the probe said less. */
#define FILTER_SECCOMP_API_MIN 5U

static int api_level_ensure(void) {
        if (seccomp_api_get() >= FILTER_SECCOMP_API_MIN)
                return 0;
        return seccomp_api_set(FILTER_SECCOMP_API_MIN);
}

static int ctx_new(uint32_t def, uint32_t badarch, const uint32_t *arches, size_t n,
                   scmp_filter_ctx *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r;

        if ((r = api_level_ensure()) < 0)
                return r;
        ctx = seccomp_init(def);
        if (!ctx)
                return -ENOMEM;
        if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
            (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (arches[i] != arch_native() && (r = seccomp_arch_add(ctx, arches[i])) < 0)
                        return r;
        if (!arches_contain(arches, n, arch_native()) &&
            (r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

/* libseccomp takes native numbers, and negative pseudo numbers for calls the native ABI
 * lacks, and translates them for each ABI of the context by name. */
static int rule_syscall_nr(const char *name, int *ret) {
        int nr = seccomp_syscall_resolve_name(name);

        if (nr == __NR_SCMP_ERROR)
                return -EOPNOTSUPP; /* known only on a non-native ABI without a pseudo number */
        *ret = nr;
        return 0;
}

static int add_unconditional(scmp_filter_ctx ctx, const Policy *p) {
        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *r = &p->rules[i];
                int nr, q;

                /* libseccomp refuses a rule that repeats the default action; it is a no-op. */
                if (r->n_conds > 0 || policy_action_equal(r->action, p->default_action))
                        continue;
                if ((q = rule_syscall_nr(r->syscall, &nr)) < 0)
                        return q;
                if ((q = seccomp_rule_add(ctx, scmp_action(r->action), nr, 0)) < 0)
                        return q;
        }
        return 0;
}

/* On an ABI with 32-bit registers libseccomp compares only the low word, and the arguments
 * arrive zero-extended. A masked test that needs upper bits set can never match there: the
 * rule is skipped (returns 1). Otherwise the test keeps its low word. Argument filters on
 * signed 64-bit arguments are refused for such ABIs by the policy builder. */
static int abi32_conds(PolicyCond *conds, unsigned n) {
        for (unsigned i = 0; i < n; i++) {
                if (conds[i].op != POLICY_CMP_MASKED_EQ || !(conds[i].a >> 32))
                        continue;
                if ((conds[i].b & conds[i].a) >> 32)
                        return 1;
                conds[i].a &= UINT32_MAX;
                conds[i].b &= UINT32_MAX;
        }
        return 0;
}

/* Adapts RULE to ABI ARCH into OUT and CONDS (OUT's conditions): returns 0 to add *out, 1 to
 * skip it on this ABI. */
static int rule_for_abi(const PolicyRule *rule, uint32_t arch, PolicyRule *out,
                        PolicyCond conds[static POLICY_CONDS_MAX]) {
        *out = *rule;
        if (seccomp_syscall_resolve_name_arch(arch, rule->syscall) == __NR_SCMP_ERROR)
                return 1;
        memcpy(conds, rule->conds, rule->n_conds * sizeof conds[0]);
        out->conds = conds;
        if (streq(rule->syscall, "mmap") && (arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_S390))
                out->n_conds = 0;
        /* The launch is a native execve: on any other ABI no execve carries the key, so the
         * key rules become one unconditional kill there. */
        if (arch != arch_native() && policy_rule_is_exec_key(rule)) {
                if (rule->conds[0].arg != 3)
                        return 1;
                out->n_conds = 0;
        }
        if (!(arch & __AUDIT_ARCH_64BIT) && abi32_conds(conds, out->n_conds) > 0)
                return 1;
        if (streq(rule->syscall, "clone") && (arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X))
                for (unsigned i = 0; i < out->n_conds; i++)
                        if (conds[i].arg == 0)
                                conds[i].arg = 1;
        return 0;
}

static int add_conditional(scmp_filter_ctx ctx, const Policy *p, uint32_t arch, size_t *ret_n) {
        size_t n = 0;

        for (size_t i = 0; i < p->n_rules; i++) {
                struct scmp_arg_cmp cmp[POLICY_CONDS_MAX];
                PolicyCond conds[POLICY_CONDS_MAX];
                PolicyRule r;
                int nr, q;

                if (p->rules[i].n_conds == 0 || rule_for_abi(&p->rules[i], arch, &r, conds) > 0)
                        continue;
                if ((q = rule_syscall_nr(r.syscall, &nr)) < 0)
                        return q;
                for (unsigned k = 0; k < r.n_conds; k++)
                        cmp[k] = (struct scmp_arg_cmp) {
                                .arg = r.conds[k].arg,
                                .op = cmp_to_scmp(r.conds[k].op),
                                .datum_a = r.conds[k].a,
                                .datum_b = r.conds[k].b,
                        };
                q = seccomp_rule_add_array(ctx, scmp_action(r.action), nr, r.n_conds, cmp);
                if (q < 0)
                        return q;
                n++;
        }
        *ret_n = n;
        return 0;
}

/* libseccomp 2.5 exports only to a file descriptor: go through a memfd. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *ret) {
        _cleanup_close_ int fd = memfd_create("syscage-bpf", MFD_CLOEXEC);
        _cleanup_free_ struct sock_filter *insns = NULL;
        struct stat st;
        ssize_t n;
        int r;

        if (fd < 0)
                return -errno;
        if ((r = seccomp_export_bpf(ctx, fd)) < 0)
                return r;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_size <= 0 || st.st_size % (off_t) sizeof(struct sock_filter) != 0 ||
            st.st_size / (off_t) sizeof(struct sock_filter) > BPF_EVAL_INSNS_MAX)
                return -E2BIG;
        insns = malloc((size_t) st.st_size);
        if (!insns)
                return -ENOMEM;
        n = pread(fd, insns, (size_t) st.st_size, 0);
        if (n != st.st_size)
                return n < 0 ? -errno : -EIO;
        *ret = (struct sock_fprog) {
                .len = (unsigned short) (st.st_size / (off_t) sizeof(struct sock_filter)),
                .filter = TAKE_PTR(insns),
        };
        return 0;
}

typedef int (*CtxVisitor)(scmp_filter_ctx ctx, void *userdata);

/* Builds each program of P in load order and hands its context to VISIT. */
static int build_programs(const Policy *p, CtxVisitor visit, void *userdata) {
        int r;

        for (size_t i = 0; i < p->n_arches; i++) {
                _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
                size_t n;

                if ((r = ctx_new(SCMP_ACT_ALLOW, SCMP_ACT_ALLOW, &p->arches[i], 1, &ctx)) < 0 ||
                    (r = add_conditional(ctx, p, p->arches[i], &n)) < 0)
                        return r;
                if (n > 0 && (r = visit(ctx, userdata)) < 0)
                        return r;
        }
        _cleanup_(seccomp_releasep) scmp_filter_ctx base = NULL;
        if ((r = ctx_new(scmp_action(p->default_action), SCMP_ACT_KILL_PROCESS, p->arches,
                         p->n_arches, &base)) < 0 ||
            (r = add_unconditional(base, p)) < 0)
                return r;
        return visit(base, userdata);
}

static int collect_program(scmp_filter_ctx ctx, void *userdata) {
        FilterSet *s = userdata;
        int r;

        if (s->n >= FILTER_PROGRAMS_MAX)
                return -E2BIG;
        r = export_bpf(ctx, &s->progs[s->n]);
        if (r < 0)
                return r;
        s->n++;
        return 0;
}

/* ---- fusing the stack into one program ----
 *
 * Every program the kernel runs costs a call into the filter runner, and an argument-checked
 * syscall under a stack of two runs both: our stack cost about twice libseccomp's single
 * program. So after libseccomp has compiled the stack we join it into one program that
 * returns, for every input, what the kernel would have made of the stack.
 *
 * The kernel runs the newest program first and then each older one; an older result replaces
 * the current one only when its action is strictly more restrictive (ret_combine()). We start
 * from the newest program and append each older one in turn: wherever the program so far
 * returns V, the older program must still run and its every return R becomes the constant
 * ret_combine(R, V). So a "ret V" becomes a jump to a copy of the older program whose returns
 * are rewritten for V, one copy per distinct V, unless the older program cannot change V (V
 * kills the process), in which case "ret V" stays. Only constants are returned and no
 * instruction but the jumps is added, so the kernel's per-syscall action cache still sees an
 * outright ALLOW where there is one. Programs with "ret A" (libseccomp emits none), or a
 * result longer than the kernel accepts, keep the stack.
 */

/* The kernel's rule between an older and a newer program's results. */
static uint32_t ret_combine(uint32_t older, uint32_t newer) {
        int32_t o = (int32_t) (older & SECCOMP_RET_ACTION_FULL);
        int32_t n = (int32_t) (newer & SECCOMP_RET_ACTION_FULL);

        return o < n ? older : newer;
}

static bool is_ret_k(const struct sock_filter *i) {
        return BPF_CLASS(i->code) == BPF_RET && BPF_RVAL(i->code) == BPF_K;
}

static bool is_ld_abs(const struct sock_filter *i) {
        return i->code == (BPF_LD | BPF_W | BPF_ABS);
}

static bool is_jmp_k(const struct sock_filter *i) {
        return BPF_CLASS(i->code) == BPF_JMP && BPF_SRC(i->code) == BPF_K && BPF_OP(i->code) != BPF_JA;
}

/* Whether PROG keeps all of its state in A, loads A before using it, and returns constants:
 * the subset libseccomp emits. Then a copy of PROG entered from another program's code
 * behaves as PROG run on its own. */
static bool prog_fusable(const struct sock_fprog *prog) {
        if (prog->len == 0 || !is_ld_abs(&prog->filter[0]))
                return false;
        for (size_t i = 0; i < prog->len; i++) {
                const struct sock_filter *x = &prog->filter[i];
                if (!is_ld_abs(x) && !is_ret_k(x) && !is_jmp_k(x) &&
                    x->code != (BPF_ALU | BPF_AND | BPF_K) && x->code != (BPF_JMP | BPF_JA))
                        return false;
        }
        return true;
}

/* Whether OLDER can change the result V of a newer program. */
static bool older_changes(const struct sock_fprog *older, uint32_t v) {
        for (size_t i = 0; i < older->len; i++)
                if (is_ret_k(&older->filter[i]) && ret_combine(older->filter[i].k, v) != v)
                        return true;
        return false;
}

#define FUSE_COPIES_MAX 64

static bool is_copy_site(const struct sock_filter *x, const uint32_t *copies, size_t n_copies) {
        for (size_t c = 0; is_ret_k(x) && c < n_copies; c++)
                if (copies[c] == x->k)
                        return true;
        return false;
}

/* Where a copy of OLDER may be entered. Both programs usually open with the same checks (the
 * ABI, the x32 range), which in NEWER lead either on to its rule tree or to a return that gets
 * no copy (a kill). Every copy is then entered only after those checks passed in NEWER, so the
 * same checks in OLDER, on the same data, would pass the same way: a copy may be entered after
 * them. This returns the largest K such that every instruction before K is the same load or
 * the same test in both, each branch either jumps to the same place at or before K in both or
 * leaves NEWER through a return that is not a copy site, and OLDER's instruction K is a load
 * (so A's value there does not matter). 0 when nothing can be skipped. */
static size_t common_prefix(const struct sock_fprog *newer, const struct sock_fprog *older,
                            const uint32_t *copies, size_t n_copies) {
        size_t best = 0, reach = 0; /* reach: the farthest shared branch target so far */

        for (size_t i = 0; i < newer->len && i < older->len; i++) {
                const struct sock_filter *n = &newer->filter[i], *o = &older->filter[i];
                if (i >= reach && i > 0 && is_ld_abs(o))
                        best = i;
                if (n->code != o->code || n->k != o->k)
                        break;
                if (is_ld_abs(n))
                        continue;
                if (!is_jmp_k(n))
                        break;
                bool ok = true;
                for (int b = 0; b < 2 && ok; b++) {
                        size_t on = i + 1 + (b ? n->jf : n->jt), oo = i + 1 + (b ? o->jf : o->jt);
                        if (on == oo)
                                reach = MAX(reach, on);
                        else
                                ok = on < newer->len && is_ret_k(&newer->filter[on]) &&
                                     !is_copy_site(&newer->filter[on], copies, n_copies);
                }
                if (!ok)
                        break;
        }
        return best;
}

/* NEWER, then OLDER wherever it matters, as one program. -E2BIG when it would be too long. */
static int fuse_two(const struct sock_fprog *newer, const struct sock_fprog *older,
                    struct sock_fprog *ret) {
        uint32_t copies[FUSE_COPIES_MAX];
        size_t n_copies = 0, len, skip;
        struct sock_filter *out;

        for (size_t i = 0; i < newer->len; i++) {
                const struct sock_filter *x = &newer->filter[i];
                bool seen = false;
                if (!is_ret_k(x) || !older_changes(older, x->k))
                        continue;
                for (size_t c = 0; c < n_copies; c++)
                        seen = seen || copies[c] == x->k;
                if (seen)
                        continue;
                if (n_copies == FUSE_COPIES_MAX)
                        return -E2BIG;
                copies[n_copies++] = x->k;
        }
        len = newer->len + n_copies * older->len;
        if (len > BPF_EVAL_INSNS_MAX)
                return -E2BIG;
        skip = common_prefix(newer, older, copies, n_copies);
        out = malloc(len * sizeof *out);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < newer->len; i++) {
                out[i] = newer->filter[i];
                for (size_t c = 0; is_ret_k(&out[i]) && c < n_copies; c++)
                        if (copies[c] == out[i].k) {
                                size_t target = newer->len + c * older->len + skip;
                                out[i] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JA,
                                                                       (uint32_t) (target - i - 1), 0, 0);
                                break;
                        }
        }
        for (size_t c = 0; c < n_copies; c++) {
                struct sock_filter *copy = out + newer->len + c * older->len;
                memcpy(copy, older->filter, older->len * sizeof *copy);
                for (size_t i = 0; i < older->len; i++)
                        if (is_ret_k(&copy[i]))
                                copy[i].k = ret_combine(copy[i].k, copies[c]);
        }
        *ret = (struct sock_fprog) { .len = (unsigned short) len, .filter = out };
        return 0;
}

/* Replaces the programs of S by one equivalent program, when that is possible. */
static int fuse_set(FilterSet *s) {
        struct sock_fprog acc;
        int r;

        if (s->n < 2)
                return 0;
        for (size_t i = 0; i < s->n; i++)
                if (!prog_fusable(&s->progs[i]))
                        return 0;
        acc = s->progs[s->n - 1];
        for (size_t i = s->n - 1; i > 0; i--) {
                struct sock_fprog next;
                r = fuse_two(&acc, &s->progs[i - 1], &next);
                if (acc.filter != s->progs[s->n - 1].filter)
                        free(acc.filter);
                if (r == -E2BIG)
                        return 0; /* the stack it is */
                if (r < 0)
                        return r;
                acc = next;
        }
        for (size_t i = 0; i < s->n; i++)
                free(s->progs[i].filter);
        s->progs[0] = acc;
        s->n = 1;
        return 0;
}

int filter_compile_stack(const Policy *p, FilterSet **ret) {
        _cleanup_(filter_set_freep) FilterSet *s = calloc(1, sizeof *s);
        int r;

        if (!s)
                return -ENOMEM;
        r = build_programs(p, collect_program, s);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int filter_compile(const Policy *p, FilterSet **ret) {
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        int r;

        r = filter_compile_stack(p, &s);
        if (r < 0)
                return r;
        r = fuse_set(s);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

static int compile_notify(const Policy *p, FilterSet **ret) {
        static const char *const exec_calls[] = { "execve", "execveat" };
        _cleanup_(filter_set_freep) FilterSet *s = calloc(1, sizeof *s);
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int r;

        if (!s)
                return -ENOMEM;
        r = ctx_new(SCMP_ACT_ALLOW, SCMP_ACT_KILL_PROCESS, p->arches, p->n_arches, &ctx);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(exec_calls); i++)
                if ((r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY,
                                          seccomp_syscall_resolve_name(exec_calls[i]), 0)) < 0)
                        return r;
        if ((r = collect_program(ctx, s)) < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

/* sendmsg with KEY in its args 3..5 (which sendmsg ignores) is let through: the launch's
 * hand-over of the listener, before anyone could answer a notification. */
static int add_keyed_sendmsg(scmp_filter_ctx ctx, const uint64_t key[3]) {
        for (unsigned i = 0; i < 3; i++) {
                int r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmsg), 1,
                                         (struct scmp_arg_cmp) { .arg = 3 + i, .op = SCMP_CMP_NE,
                                                                 .datum_a = key[i] });
                if (r < 0)
                        return r;
        }
        return 0;
}

int filter_compile_phase_notify(const Policy *p, const FilterPhaseRoutes *routes, FilterSet **ret) {
        static const char *const exec_calls[] = { "execve", "execveat" };
        _cleanup_(filter_set_freep) FilterSet *s = calloc(1, sizeof *s);
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        const uint32_t native = arch_native();
        int r;

        if (!s)
                return -ENOMEM;
        r = p ? ctx_new(SCMP_ACT_ALLOW, SCMP_ACT_KILL_PROCESS, p->arches, p->n_arches, &ctx)
              : ctx_new(SCMP_ACT_ALLOW, SCMP_ACT_KILL_PROCESS, &native, 1, &ctx);
        if (r < 0)
                return r;
        for (size_t i = 0; routes->exec && i < ELEMENTSOF(exec_calls); i++)
                if ((r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY,
                                          seccomp_syscall_resolve_name(exec_calls[i]), 0)) < 0)
                        return r;
        if (routes->marker &&
            (r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getpid), 2,
                                  SCMP_A0(SCMP_CMP_EQ, routes->marker_args[0]),
                                  SCMP_A1(SCMP_CMP_EQ, routes->marker_args[1]))) < 0)
                return r;
        for (size_t i = 0; i < routes->n_calls; i++) {
                if (routes->calls[i] == SCMP_SYS(sendmsg))
                        r = add_keyed_sendmsg(ctx, routes->key);
                else
                        r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, routes->calls[i], 0);
                if (r < 0)
                        return r;
        }
        if ((r = collect_program(ctx, s)) < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int filter_compile_gate(const Policy *p, FilterSet **ret_notify, FilterSet **ret_policy) {
        return filter_compile_gate_keyed(p, NULL, ret_notify, ret_policy);
}

int filter_compile_gate_keyed(const Policy *p, const PolicyExecKey *key, FilterSet **ret_notify,
                              FilterSet **ret_policy) {
        _cleanup_(filter_set_freep) FilterSet *notify = NULL, *policy = NULL;
        _cleanup_(policy_freep) Policy *gated = NULL;
        int r;

        if ((r = compile_notify(p, &notify)) < 0 ||
            (r = policy_derive_gate(p, key, &gated)) < 0 ||
            (r = filter_compile(gated, &policy)) < 0)
                return r;
        *ret_notify = TAKE_PTR(notify);
        *ret_policy = TAKE_PTR(policy);
        return 0;
}

static int print_pfc(scmp_filter_ctx ctx, void *userdata) {
        FILE *f = userdata;
        _cleanup_close_ int fd = memfd_create("syscage-pfc", MFD_CLOEXEC);
        char buf[4096];
        ssize_t n;
        off_t off = 0;
        int r;

        if (fd < 0)
                return -errno;
        if ((r = seccomp_export_pfc(ctx, fd)) < 0)
                return r;
        while ((n = pread(fd, buf, sizeof buf, off)) > 0) {
                if (fwrite(buf, 1, (size_t) n, f) != (size_t) n)
                        return -EIO;
                off += n;
        }
        return n < 0 ? -errno : 0;
}

int filter_dump_pfc(const Policy *p, FILE *f) {
        return build_programs(p, print_pfc, f);
}
