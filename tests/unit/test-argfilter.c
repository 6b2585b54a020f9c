/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SystemCallArgumentFilter=: the parser (accepted lines with their canonical text, refused
 * lines with their message), the canonical text parsing back to the same filter, the normal
 * form against the expression evaluated directly for random and edge argument values
 * (upper-32-bit garbage, negative numbers, the values the tests name and their neighbours),
 * and the compiled BPF against both through the cBPF evaluator, including the 32-bit ABI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/seccomp.h>
#include <sys/socket.h>

#include "argfilter-table.h"
#include "argfilter.h"
#include "policy-test-util.h"

/* ---- parser ---- */

static const struct {
        const char *in, *canonical;
} accepted[] = {
        { "write: fd == 1 || fd == 2", "write: fd == 1 || fd == 2" },
        { "write:fd==1||fd==2", "write: fd == 1 || fd == 2" },
        { "openat: (flags & O_ACCMODE) == O_RDONLY", "openat: (flags & O_ACCMODE) == O_RDONLY" },
        { "socket: domain in {AF_UNIX, AF_INET}", "socket: domain in {AF_UNIX, AF_INET}" },
        { "socket: domain not in {AF_PACKET,AF_NETLINK}", "socket: domain not in {AF_PACKET, AF_NETLINK}" },
        { "write:EBADF: fd <= 2", "write:EBADF: fd <= 2" },
        { "write:9: fd <= 2", "write:EBADF: fd <= 2" },
        { "write:kill: fd > 0 && fd < 3", "write:kill: fd > 0 && fd < 3" },
        { "write: !(fd == 3)", "write: !(fd == 3)" },
        { "write: !!(fd == 3)", "write: !!(fd == 3)" },
        { "write: ! fd == 3", "write: !(fd == 3)" },
        { "write: fd == 1 && (count == 2 || count == 3)", "write: fd == 1 && (count == 2 || count == 3)" },
        { "write: (fd == 1 && count == 2) || count == 3", "write: fd == 1 && count == 2 || count == 3" },
        { "write: fd == 1 && (count == 2 && count == 3)", "write: fd == 1 && (count == 2 && count == 3)" },
        { "kill: sig != -1", "kill: sig != -1" },
        { "openat: dirfd == AT_FDCWD", "openat: dirfd == AT_FDCWD" },
        { "clone: (flags & CLONE_NEWUSER|CLONE_NEWNET) == 0", "clone: (flags & CLONE_NEWUSER|CLONE_NEWNET) == 0" },
        { "mmap: (prot & PROT_WRITE|PROT_EXEC) != PROT_WRITE|PROT_EXEC", "mmap: (prot & PROT_WRITE|PROT_EXEC) != PROT_WRITE|PROT_EXEC" },
        { "fcntl: cmd in {F_GETFL, F_SETFL}", "fcntl: cmd in {F_GETFL, F_SETFL}" },
        { "getpid: arg0 == 0x10", "getpid: arg0 == 0x10" },
        { "write: arg0 == 1", "write: arg0 == 1" },
        { "lseek: offset >= -5 && whence == SEEK_SET", "lseek: offset >= -5 && whence == SEEK_SET" },
        { "setuid: uid != -1", "setuid: uid != -1" },
        { "fchmod: mode != 04755", "fchmod: mode != 04755" },
        { "  write : fd == 1  ", "write: fd == 1" },
        { "write: ((fd == 1))", "write: fd == 1" },
};

static const struct {
        const char *in, *error;
} refused[] = {
        { "write: buf == 0", "argument 'buf' of write is a pointer: seccomp cannot see what it points to" },
        /* O_RDONLY is 0: the test would hold for every call, writes included. */
        { "openat: (flags & O_RDONLY) == O_RDONLY", "the mask O_RDONLY is 0 for argument 'flags'" },
        { "openat: (flags & 0) != 0", "is always 0" },
        { "fchmod: (mode & 0x10000) == 0", "does not fit argument" }, /* past umode_t's 16 bits */
        { "write: fdd == 1", "unknown argument 'fdd' of write; known: fd, buf, count, or arg0..arg2" },
        { "write: arg3 == 1", "write takes 3 arguments: there is no arg3" },
        { "getpid: fd == 1", "use arg0..arg5" },
        { "nosuchcall: arg0 == 1", "unknown system call 'nosuchcall'" },
        { "wr ite: fd == 1", "invalid system call name 'wr ite'" },
        { "write fd == 1", "expected SYSCALL[:ACTION]: EXPRESSION" },
        { "write:", "expected an expression after 'write:'" },
        { "write:  ", "expected an expression" },
        { "write:ENOPE: fd == 1", "invalid action 'ENOPE'" },
        { "write:4095: fd == 1", "invalid action '4095'" },
        { "write: fd == 1 &&", "expected an argument name at end of line" },
        { "write: fd == 1)", "unexpected ')'" },
        { "write: (fd == 1", "expected ')' at end of line" },
        { "write: fd = 1", "expected a comparison (==, !=, <, <=, >, >=, in, not in) after argument 'fd' (unsigned int) at '= 1'" },
        { "write: fd == = 1", "expected a number or constant at '= 1'" },
        { "write: fd == O_NOPE", "unknown constant 'O_NOPE'" },
        { "write: fd == 0x100000000", "value 0x100000000 does not fit argument 'fd' (unsigned int)" },
        { "write: fd < -1", "value -1 does not fit argument 'fd' (unsigned int) in an ordered comparison" },
        { "socket: domain < 0x80000000", "does not fit argument 'domain' (int) in an ordered comparison" },
        { "socket: domain == -0x80000001", "does not fit" },
        { "fchmod: mode == 0x10000", "does not fit argument 'mode' (umode_t)" },
        { "write: fd == 99999999999999999999", "invalid number '99999999999999999999'" },
        { "write: fd == 1x", "invalid number '1x'" },
        { "write: (fd & 3) < 2", "a masked term can only be compared with ==, != or in" },
        { "write: (fd & 3) == 4", "value 4 has bits outside the mask 3" },
        { "write: fd not 1", "expected 'in' after 'not'" },
        { "write: fd in 1", "expected '{'" },
        { "write: fd in {1, 2", "expected '}'" },
        { "write: fd", "expected a comparison" },
        { "openat: dirfd == -AT_FDCWD", "cannot negate the negative constant 'AT_FDCWD'" },
        { "execve: arg0 == 0", "execve cannot take an argument filter" },
        { "execveat: flags == 0", "execveat cannot take an argument filter" },
};

static ArgFilter *parse_ok(const char *in) {
        ArgFilter *f = NULL;
        char *error = NULL;
        int r = argfilter_parse(in, &f, &error);

        if (r < 0)
                fail_msg("'%s' refused: %s", in, error);
        return f;
}

static uint64_t rnd64(void);

/* The canonical text parses back to a filter with the same text and the same answers. */
static void check_round_trip(const ArgFilter *f) {
        _cleanup_free_ char *text = NULL, *again = NULL;
        _cleanup_(argfilter_freep) ArgFilter *g = NULL;

        assert_int_equal(argfilter_format(f, &text), 0);
        g = parse_ok(text);
        assert_int_equal(argfilter_format(g, &again), 0);
        assert_string_equal(text, again);
        for (unsigned i = 0; i < 2000; i++) {
                uint64_t args[6];
                for (unsigned k = 0; k < 6; k++)
                        args[k] = i % 2 ? rnd64() : (uint64_t) (random() % 8) - 3;
                assert_int_equal(argfilter_eval(f, args), argfilter_eval(g, args));
        }
}

static void test_parse_accepted(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(accepted); i++) {
                _cleanup_(argfilter_freep) ArgFilter *f = parse_ok(accepted[i].in);
                _cleanup_free_ char *text = NULL;
                assert_int_equal(argfilter_format(f, &text), 0);
                if (!streq(text, accepted[i].canonical))
                        fail_msg("'%s' formats as '%s', expected '%s'", accepted[i].in, text,
                                 accepted[i].canonical);
                check_round_trip(f);
        }
}

static void test_parse_refused(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                ArgFilter *f = NULL;
                _cleanup_free_ char *error = NULL;
                assert_int_equal(argfilter_parse(refused[i].in, &f, &error), -EINVAL);
                assert_null(f);
                assert_non_null(error);
                if (!strstr(error, refused[i].error))
                        fail_msg("'%s': message '%s' lacks '%s'", refused[i].in, error, refused[i].error);
        }
}

static void test_parse_limits(void **state) {
        _cleanup_free_ char *deep = NULL, *longexpr = NULL, *huge = NULL, *error = NULL;
        ArgFilter *f = NULL;
        size_t n = 0;

        /* Nesting deeper than ARGFILTER_DEPTH_MAX, more nodes than ARGFILTER_NODES_MAX, and
         * more text than ARGFILTER_TEXT_MAX are refused, not recursed into. */
        deep = calloc(1, 4096);
        assert_non_null(deep);
        n = (size_t) sprintf(deep, "write: ");
        for (int i = 0; i < 200; i++)
                deep[n++] = '(';
        assert_int_equal(argfilter_parse(deep, &f, &error), -EINVAL);
        assert_non_null(strstr(error, "nested too deeply"));
        free(error);
        error = NULL;

        longexpr = calloc(1, 8192);
        assert_non_null(longexpr);
        n = (size_t) sprintf(longexpr, "write: fd == 1");
        for (int i = 0; i < 300; i++)
                n += (size_t) sprintf(longexpr + n, " || fd == %d", i);
        assert_int_equal(argfilter_parse(longexpr, &f, &error), -EINVAL);
        assert_non_null(strstr(error, "expression too long"));
        free(error);
        error = NULL;

        huge = malloc(ARGFILTER_TEXT_MAX + 2);
        assert_non_null(huge);
        memset(huge, ' ', ARGFILTER_TEXT_MAX + 1);
        memcpy(huge, "write: fd == 1", 14);
        huge[ARGFILTER_TEXT_MAX + 1] = '\0';
        assert_int_equal(argfilter_parse(huge, &f, &error), -EINVAL);
        assert_null(f);
}

static void test_accessors(void **state) {
        _cleanup_(argfilter_freep) ArgFilter *a = parse_ok("socket:EAFNOSUPPORT: domain == AF_UNIX");
        _cleanup_(argfilter_freep) ArgFilter *b = parse_ok("socket: domain == AF_UNIX");
        _cleanup_(argfilter_freep) ArgFilter *c = parse_ok("socket:kill: domain == AF_UNIX");
        PolicyAction act;

        assert_string_equal(argfilter_syscall(a), "socket");
        assert_true(argfilter_action(a, &act));
        assert_true(policy_action_equal(act, POLICY_ERRNO(EAFNOSUPPORT)));
        assert_false(argfilter_action(b, &act));
        assert_true(argfilter_action(c, &act));
        assert_int_equal(act.type, POLICY_ACTION_KILL);
        assert_string_equal(argfilter_syscall_args("socket")[0], "domain");
        assert_null(argfilter_syscall_args("getpid"));
        assert_non_null(argfilter_constant_names()[0]);
}

/* The tables: sorted (lookups are binary searches), names unique per call, no name that
 * could be taken for argN, and constants whose names resolve to themselves. */
static void test_tables(void **state) {
        static const char *const some[] = { "read", "write", "openat", "openat2", "socket", "clone",
                                            "clone3", "mmap", "prctl", "ptrace", "setresuid",
                                            "fchmodat", "mknodat", "ioctl", "fcntl", "flock" };
        const char *const *names = argfilter_constant_names();
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(some); i++) {
                const ArgFilterSyscall *s = argfilter_table_syscall(some[i]);
                assert_non_null(s);
                assert_string_equal(s->name, some[i]);
                for (unsigned a = 0; a < argfilter_table_n_args(s); a++) {
                        assert_false(strneq(s->args[a], "arg", 3) && strlen(s->args[a]) == 4);
                        for (unsigned b = 0; b < a; b++)
                                assert_string_not_equal(s->args[a], s->args[b]);
                }
        }
        assert_int_equal(argfilter_table_syscall("openat2")->types[2], ARG_TYPE_PTR);
        assert_int_equal(argfilter_table_syscall("clone3")->types[0], ARG_TYPE_PTR);
        assert_int_equal(argfilter_table_syscall("clone")->types[0], ARG_TYPE_UINT);
        for (; names[n]; n++) {
                int64_t v;
                assert_int_equal(argfilter_table_constant(names[n], &v), 0);
        }
        assert_true(n > 400);
        int64_t v;
        assert_int_equal(argfilter_table_constant("AF_PACKET", &v), 0);
        assert_int_equal(v, AF_PACKET);
        assert_int_equal(argfilter_table_constant("AT_FDCWD", &v), 0);
        assert_int_equal(v, -100);
        assert_int_equal(argfilter_table_constant("NOPE", &v), -ENOENT);
}

/* ---- normal form against direct evaluation ---- */

static const char *const expressions[] = {
        "write: fd == 1 || fd == 2",
        "write: fd <= 2",
        "write: !(fd > 2) && count < 100",
        "write: fd <= 1 || ((count & 1) == 0 && count != 3)",
        "write: fd != 1 && fd != 2 && count >= 7",
        "openat: (flags & O_ACCMODE) == O_RDONLY",
        "openat: (flags & O_ACCMODE) != O_RDONLY || dirfd == AT_FDCWD",
        "openat: dirfd >= -100 && dirfd < 3",
        "socket: domain in {AF_UNIX, AF_INET}",
        "socket: domain != AF_PACKET",
        "socket: domain not in {AF_PACKET, AF_NETLINK} && type != SOCK_RAW",
        "socket: domain in {AF_UNIX, AF_INET} || (type & SOCK_CLOEXEC) == 0",
        "kill: sig >= -5 && sig < 10",
        "kill: pid > 0 || sig == 0",
        "kill: pid < -2147483647 || pid > 2147483646",
        "lseek: offset < -3 || offset >= 100",
        "lseek: offset > -9223372036854775807 && offset <= 9223372036854775806",
        "fcntl: cmd in {F_GETFL, F_SETFL} && !(arg == 5)",
        "clone: (flags & CLONE_NEWUSER) == 0",
        "unshare: (flags & CLONE_NEWNS|CLONE_NEWUSER) in {0, CLONE_NEWNS}",
        "fchmod: mode != 04755 && (mode & S_ISUID) == 0",
        "getpid: arg0 == 3 && arg5 > 0xfffffffffffffff0 && arg2 != -1",
        "setresuid: ruid != -1 && euid <= 1000",
        "mmap: (prot & PROT_WRITE|PROT_EXEC) != PROT_WRITE|PROT_EXEC && fd == 4294967295",
        "madvise: advice >= 0 && advice <= MADV_WILLNEED",
        "ptrace: request == PTRACE_TRACEME && pid == 1 || pid < 0",
        "write: fd == 1 && fd == 2",
        "write: fd == 1 || !(fd == 1)",
};

/* Values a test names, with neighbours, upper-bit garbage and sign variants. */
static uint64_t edge_value(unsigned k) {
        static const uint64_t base[] = {
                0, 1, 2, 3, 4, 5, 7, 9, 10, 16, 17, 99, 100, 101, 1000, 1001, 04755, 0755,
                AF_PACKET, AF_NETLINK, AF_UNIX, AF_INET, SOCK_RAW, 0x7fffffff, 0x80000000,
                0xffffffff, 0xfffffff0, 0xffffff9c /* AT_FDCWD */, 0x10000000, 0x20000000,
                0x40000000, 0x8000, 0x800, 0xffff, 0x10000, 0x7fffffffffffffff,
        };
        uint64_t v = base[k % ELEMENTSOF(base)];

        switch ((k / ELEMENTSOF(base)) % 6) {
        case 0: return v;
        case 1: return -v;                             /* 64-bit negative */
        case 2: return (uint32_t) -v;                  /* 32-bit negative, zero-extended */
        case 3: return v | UINT64_C(0xdead00000000);   /* upper-bit garbage */
        case 4: return v | UINT64_C(0xffffffff00000000);
        default: return v ^ UINT64_C(0x8000000000000000);
        }
}

static uint64_t rnd64(void) {
        return ((uint64_t) random() << 42) ^ ((uint64_t) random() << 21) ^ (uint64_t) random();
}

static void fill_args(uint64_t args[6], unsigned iter) {
        for (unsigned i = 0; i < 6; i++) {
                unsigned pick = (unsigned) random() % 4;
                args[i] = pick == 0 ? rnd64() : edge_value((unsigned) random());
                if (pick == 1)
                        args[i] += (uint64_t) (random() % 3) - 1; /* a neighbour */
        }
        (void) iter;
}

#define ITERATIONS 20000

static void check_dnf_shape(const ArgFilter *f, const ArgFilterDnf *d) {
        const ArgFilterSyscall *s = argfilter_table_syscall(argfilter_syscall(f));

        assert_true(d->n_terms <= ARGFILTER_TERMS_MAX);
        for (size_t t = 0; t < d->n_terms; t++) {
                unsigned seen = 0;
                assert_true(d->terms[t].n_conds <= POLICY_CONDS_MAX);
                for (unsigned k = 0; k < d->terms[t].n_conds; k++) {
                        const PolicyCond *c = &d->terms[t].conds[k];
                        assert_int_equal(c->op, POLICY_CMP_MASKED_EQ);
                        assert_false(seen & (1u << c->arg)); /* one test per argument */
                        seen |= 1u << c->arg;
                        assert_int_equal(c->b & ~c->a, 0);
                        /* A 32-bit argument's upper bits are never looked at. */
                        if (s && s->args[c->arg] && arg_type_width(s->types[c->arg]) < 64)
                                assert_int_equal(c->a >> arg_type_width(s->types[c->arg]), 0);
                }
        }
}

static void test_dnf_bruteforce(void **state) {
        srandom(4242);
        for (size_t e = 0; e < ELEMENTSOF(expressions); e++) {
                _cleanup_(argfilter_freep) ArgFilter *f = parse_ok(expressions[e]);
                const ArgFilter *const list[] = { f };
                _cleanup_(argfilter_dnf_done) ArgFilterDnf pos = {}, neg = {};
                /* Some positive forms are too large (what is compiled is the negation). */
                int rp = argfilter_dnf(list, 1, false, &pos, NULL);
                assert_true(rp == 0 || rp == -E2BIG);
                assert_int_equal(argfilter_dnf(list, 1, true, &neg, NULL), 0);
                check_dnf_shape(f, &pos);
                check_dnf_shape(f, &neg);
                check_round_trip(f);
                for (unsigned i = 0; i < ITERATIONS; i++) {
                        uint64_t args[6];
                        fill_args(args, i);
                        bool want = argfilter_eval(f, args);
                        if ((rp == 0 && argfilter_dnf_eval(&pos, args) != want) ||
                            argfilter_dnf_eval(&neg, args) == want)
                                fail_msg("%s: args %#" PRIx64 " %#" PRIx64 " %#" PRIx64 ": expression %d",
                                         expressions[e], args[0], args[1], args[2], want);
                }
        }
}

/* Several lines for one syscall are ANDed: the normal form of the list agrees with the AND of
 * the lines' evaluations. */
static void test_dnf_and_of_lines(void **state) {
        _cleanup_(argfilter_freep) ArgFilter *a = parse_ok("write: fd <= 2");
        _cleanup_(argfilter_freep) ArgFilter *b = parse_ok("write: count < 64 || (fd & 4) == 4");
        const ArgFilter *const list[] = { a, b };
        _cleanup_(argfilter_dnf_done) ArgFilterDnf pos = {}, neg = {};

        assert_int_equal(argfilter_dnf(list, 2, false, &pos, NULL), 0);
        assert_int_equal(argfilter_dnf(list, 2, true, &neg, NULL), 0);
        srandom(7);
        for (unsigned i = 0; i < ITERATIONS; i++) {
                uint64_t args[6];
                fill_args(args, i);
                bool want = argfilter_eval(a, args) && argfilter_eval(b, args);
                assert_int_equal(argfilter_dnf_eval(&pos, args), want);
                assert_int_equal(argfilter_dnf_eval(&neg, args), !want);
        }
}

static void test_dnf_exact_values(void **state) {
        _cleanup_(argfilter_freep) ArgFilter *f = parse_ok("socket: domain != AF_PACKET");
        const ArgFilter *const list[] = { f };
        _cleanup_(argfilter_dnf_done) ArgFilterDnf neg = {}, pos = {};

        /* The denial is one masked test on the low 32 bits: upper garbage cannot avoid it. */
        assert_int_equal(argfilter_dnf(list, 1, true, &neg, NULL), 0);
        assert_int_equal(neg.n_terms, 1);
        assert_int_equal(neg.terms[0].n_conds, 1);
        assert_int_equal(neg.terms[0].conds[0].a, 0xffffffff);
        assert_int_equal(neg.terms[0].conds[0].b, AF_PACKET);
        /* x != v: one term per bit. */
        assert_int_equal(argfilter_dnf(list, 1, false, &pos, NULL), 0);
        assert_int_equal(pos.n_terms, 32);
}

/* Equality tests on two arguments joined by || negate into a product: 64 x 32 terms. */
static void test_dnf_too_complex(void **state) {
        _cleanup_(argfilter_freep) ArgFilter *g = parse_ok("ptrace: request == PTRACE_TRACEME || pid == 1");
        const ArgFilter *const glist[] = { g };
        ArgFilterDnf e = {};

        assert_int_equal(argfilter_dnf(glist, 1, true, &e, NULL), -E2BIG);

        _cleanup_(argfilter_freep) ArgFilter *f =
                parse_ok("write: (fd == 1 || count == 2) && (fd == 3 || count == 4) && (fd == 5 || count == 6)");
        const ArgFilter *const list[] = { f };
        _cleanup_free_ char *error = NULL;
        ArgFilterDnf d = {};

        assert_int_equal(argfilter_dnf(list, 1, true, &d, &error), -E2BIG);
        assert_non_null(strstr(error, "too complex"));
}

/* ---- the built policy and its BPF ---- */

/* SERVICE and SYSCAGE are NULL-terminated "Key=value" lists for the two sections. */
static int build(const char *const *service, const char *const *syscage, DiagList *diags,
                 Policy **ret) {
        UnitFile *u = calloc(1, sizeof *u);
        unsigned line = 1;
        int r;

        assert_non_null(u);
        for (const char *const *l = service; l && *l; l++) {
                const char *eq = strchr(*l, '=');
                _cleanup_free_ char *key = strndup(*l, (size_t) (eq - *l));
                test_unit_add(u, "Service", key, eq + 1, TEST_UNIT_FILE, ++line);
        }
        for (const char *const *l = syscage; l && *l; l++) {
                const char *eq = strchr(*l, '=');
                _cleanup_free_ char *key = strndup(*l, (size_t) (eq - *l));
                test_unit_add(u, "X-Syscage", key, eq + 1, TEST_UNIT_FILE, ++line);
        }
        r = policy_build(u, diags, ret);
        test_unit_free(u);
        return r;
}

/* For each expression: a policy with that one line, compiled; the BPF's answer for random
 * and edge arguments must be ALLOW exactly when the expression holds, else the deny action. */
static void test_bpf_bruteforce(void **state) {
        srandom(99);
        for (size_t e = 0; e < ELEMENTSOF(expressions); e++) {
                _cleanup_free_ char *line = NULL;
                _cleanup_(policy_freep) Policy *p = NULL;
                _cleanup_(filter_set_freep) FilterSet *s = NULL;
                _cleanup_(argfilter_freep) ArgFilter *f = parse_ok(expressions[e]);
                DiagList diags = {};

                assert_true(asprintf(&line, "SystemCallArgumentFilter=%s", expressions[e]) > 0);
                assert_int_equal(build((const char *[]) { "SystemCallErrorNumber=EPERM", NULL },
                                       (const char *[]) { line, NULL }, &diags, &p), 0);
                assert_int_equal(filter_compile(p, &s), 0);
                for (unsigned i = 0; i < ITERATIONS / 4; i++) {
                        uint64_t args[6];
                        fill_args(args, i);
                        uint32_t want = argfilter_eval(f, args) ? SECCOMP_RET_ALLOW :
                                                                  SECCOMP_RET_ERRNO | EPERM;
                        uint32_t got = test_eval(s, arch_native(), argfilter_syscall(f), args);
                        if (got != want)
                                fail_msg("%s: args %#" PRIx64 " %#" PRIx64 " %#" PRIx64 ": BPF %#x, want %#x",
                                         expressions[e], args[0], args[1], args[2], got, want);
                }
                diag_list_done(&diags);
        }
}

/* The acceptance case: the kernel truncates socket()'s int domain, so 0x100000000|AF_PACKET
 * is a packet socket, and it must be refused like AF_PACKET itself. */
static void test_bpf_upper_bits(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        DiagList diags = {};

        assert_int_equal(build(NULL, (const char *[]) { "SystemCallArgumentFilter=socket: domain != AF_PACKET", NULL },
                               &diags, &p), 0);
        assert_int_equal(filter_compile(p, &s), 0);
        assert_int_equal(test_eval(s, arch_native(), "socket", (uint64_t[6]) { AF_PACKET, SOCK_RAW }),
                         SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(test_eval(s, arch_native(), "socket",
                                   (uint64_t[6]) { UINT64_C(0x100000000) | AF_PACKET, SOCK_RAW }),
                         SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(test_eval(s, arch_native(), "socket",
                                   (uint64_t[6]) { UINT64_C(0xffffffff00000000) | AF_PACKET, SOCK_RAW }),
                         SECCOMP_RET_KILL_PROCESS);
        assert_int_equal(test_eval(s, arch_native(), "socket", (uint64_t[6]) { AF_INET, SOCK_DGRAM }),
                         SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(s, arch_native(), "socket",
                                   (uint64_t[6]) { UINT64_C(0x100000000) | AF_INET, SOCK_DGRAM }),
                         SECCOMP_RET_ALLOW);
        diag_list_done(&diags);
}

/* The vector calls hand their count to import_iovec(), which takes an unsigned int: the kernel
 * does the one-segment write of writev(fd, iov, 0x100000001). A test on the count must see
 * what the kernel sees, for every call whose count goes that way (process_vm_readv()'s remote
 * count does not: iovec_from_user() refuses it whole, EINVAL). */
static void test_bpf_iovec_counts(void **state) {
        static const struct {
                const char *syscall, *arg;
                unsigned index;
        } calls[] = {
                { "readv", "iovcnt", 2 },   { "writev", "iovcnt", 2 },   { "preadv", "iovcnt", 2 },
                { "pwritev", "iovcnt", 2 }, { "preadv2", "iovcnt", 2 },  { "pwritev2", "iovcnt", 2 },
                { "process_vm_readv", "liovcnt", 2 }, { "process_vm_writev", "liovcnt", 2 },
                { "process_madvise", "vlen", 2 },
        };

        for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
                _cleanup_free_ char *line = NULL;
                _cleanup_(policy_freep) Policy *p = NULL;
                _cleanup_(filter_set_freep) FilterSet *s = NULL;
                DiagList diags = {};
                uint64_t args[6] = {};

                assert_int_equal(argfilter_table_syscall(calls[i].syscall)->types[calls[i].index],
                                 ARG_TYPE_UINT);
                assert_true(asprintf(&line, "SystemCallArgumentFilter=%s: %s != 1", calls[i].syscall,
                                     calls[i].arg) > 0);
                assert_int_equal(build(NULL, (const char *[]) { line, NULL }, &diags, &p), 0);
                assert_int_equal(filter_compile(p, &s), 0);
                args[calls[i].index] = 1;
                assert_int_equal(test_eval(s, arch_native(), calls[i].syscall, args),
                                 SECCOMP_RET_KILL_PROCESS);
                args[calls[i].index] = UINT64_C(0x100000001);
                assert_int_equal(test_eval(s, arch_native(), calls[i].syscall, args),
                                 SECCOMP_RET_KILL_PROCESS);
                args[calls[i].index] = 2;
                assert_int_equal(test_eval(s, arch_native(), calls[i].syscall, args),
                                 SECCOMP_RET_ALLOW);
                diag_list_done(&diags);
        }
        /* The remote count stays 64 bits wide. */
        assert_int_equal(argfilter_table_syscall("process_vm_readv")->types[4], ARG_TYPE_ULONG);
}

/* How many lint warnings say "SYSCALL is filtered by its arguments" and name SIBLING. */
static unsigned sibling_warnings(const char *const *service, const char *const *syscage,
                                 const char *syscall, const char *sibling) {
        _cleanup_(policy_freep) Policy *p = NULL;
        DiagList diags = {}, lints = {};
        _cleanup_free_ char *head = NULL;
        unsigned n = 0;

        assert_int_equal(build(service, syscage, &diags, &p), 0);
        assert_int_equal(policy_lint(p, &lints), 0);
        assert_true(asprintf(&head, "%s is filtered by its arguments", syscall) > 0);
        for (size_t i = 0; i < lints.n; i++)
                if (strstr(lints.items[i].message, head) &&
                    strstr(lints.items[i].message, sibling)) {
                        assert_int_equal(lints.items[i].code, DIAG_CODE_POLICY_BYPASS);
                        n++;
                }
        diag_list_done(&diags);
        diag_list_done(&lints);
        return n;
}

/* A filter on openat() restricts nothing while open() and openat2() are allowed: verify
 * warns, once per group, and not when the siblings are denied or filtered too. */
static void test_lint_siblings(void **state) {
        const char *ro = "SystemCallArgumentFilter=openat: (flags & O_ACCMODE) == O_RDONLY";
        const char *ro_open = "SystemCallArgumentFilter=open: (flags & O_ACCMODE) == O_RDONLY";

        assert_int_equal(sibling_warnings(NULL, (const char *[]) { ro, NULL }, "openat", "openat2"), 1);
        assert_int_equal(sibling_warnings(NULL, (const char *[]) { ro, ro_open, NULL }, "openat", "open,"), 0);
        assert_int_equal(sibling_warnings(NULL, (const char *[]) { ro, ro_open, NULL }, "openat", "openat2"), 1);
        assert_int_equal(sibling_warnings((const char *[]) { "SystemCallFilter=~open creat openat2 open_by_handle_at", NULL },
                                          (const char *[]) { ro, NULL }, "openat", "open"), 0);
        assert_int_equal(sibling_warnings((const char *[]) { "SystemCallFilter=read write openat exit_group rt_sigreturn", NULL },
                                          (const char *[]) { ro, NULL }, "openat", "open"), 0);
        assert_int_equal(sibling_warnings(NULL, (const char *[]) { "SystemCallArgumentFilter=write: fd == 1", NULL },
                                          "write", "pwritev2"), 1);
        /* A call without siblings: nothing to say. */
        assert_int_equal(sibling_warnings(NULL, (const char *[]) { "SystemCallArgumentFilter=ioctl: request != 0x5412", NULL },
                                          "ioctl", ""), 0);
}

/* A line that holds whatever the arguments refuses nothing: verify says so, and only then. */
static void test_lint_tautologies(void **state) {
        static const struct {
                const char *line;
                bool warn;
        } cases[] = {
                { "SystemCallArgumentFilter=write: count >= 0", true },
                { "SystemCallArgumentFilter=openat: dirfd >= -2147483648", true },
                { "SystemCallArgumentFilter=write: fd == 1 || !(fd == 1)", true },
                { "SystemCallArgumentFilter=fchmod: mode <= 0xffff", true },
                { "SystemCallArgumentFilter=write: count > 0", false },
                { "SystemCallArgumentFilter=write: fd == 1 && fd == 2", false }, /* refuses all */
                { "SystemCallArgumentFilter=fchmod: mode < 0xffff", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(policy_freep) Policy *p = NULL;
                DiagList diags = {}, lints = {};
                bool warned = false;

                assert_int_equal(build(NULL, (const char *[]) { cases[i].line, NULL }, &diags, &p), 0);
                assert_int_equal(policy_lint(p, &lints), 0);
                for (size_t k = 0; k < lints.n; k++)
                        warned = warned || strstr(lints.items[k].message, "holds for every call");
                if (warned != cases[i].warn)
                        fail_msg("%s: warned %d", cases[i].line, warned);
                diag_list_done(&diags);
                diag_list_done(&lints);
        }
}

/* Lines whose rules add up past POLICY_RULES_MAX: a located error at the line that did not
 * fit, so that verify refuses what the daemon cannot load (it used to pass it silently). */
static void test_build_too_many_rules(void **state) {
        enum { LINES = 128 };
        const char *lines[LINES + 1] = {};
        char *texts[LINES];
        Policy *p = NULL;
        DiagList diags = {};

        /* 96 rules each: count != X is one per bit (64), fd != I one per bit (32). */
        for (unsigned i = 0; i < LINES; i++) {
                assert_true(asprintf(&texts[i], "SystemCallArgumentFilter=write: count == %u && fd == %u",
                                     0x55555555u ^ i, i) > 0);
                lines[i] = texts[i];
        }
        assert_int_equal(build(NULL, lines, &diags, &p), -EINVAL);
        assert_null(p);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].level, DIAG_ERROR);
        assert_string_equal(diags.items[0].key, "SystemCallArgumentFilter");
        assert_true(diags.items[0].line > 2 && diags.items[0].line <= LINES + 1);
        assert_non_null(strstr(diags.items[0].message, "seccomp rules"));
        diag_list_done(&diags);
        /* Half as many lines fit. */
        lines[LINES / 2] = NULL;
        assert_int_equal(build(NULL, lines, &diags, &p), 0);
        policy_free(p);
        diag_list_done(&diags);
        for (unsigned i = 0; i < LINES; i++)
                free(texts[i]);
}

/* Lines for one syscall are ANDed, each with its own action; an empty assignment resets; the
 * result never allows what SystemCallFilter= refuses. */
static void test_build_semantics(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL, *q = NULL, *r = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL, *t = NULL;
        DiagList diags = {}, lints = {};

        assert_int_equal(build((const char *[]) { "SystemCallErrorNumber=EACCES", NULL },
                               (const char *[]) { "SystemCallArgumentFilter=write:EBADF: fd <= 2",
                                                  "SystemCallArgumentFilter=write: count < 100", NULL },
                               &diags, &p), 0);
        assert_int_equal(filter_compile(p, &s), 0);
        assert_int_equal(test_eval(s, arch_native(), "write", (uint64_t[6]) { 1, 0, 10 }), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(s, arch_native(), "write", (uint64_t[6]) { 3, 0, 10 }),
                         SECCOMP_RET_ERRNO | EBADF);
        assert_int_equal(test_eval(s, arch_native(), "write", (uint64_t[6]) { 1, 0, 100 }),
                         SECCOMP_RET_ERRNO | EACCES);
        assert_int_equal(test_eval(s, arch_native(), "read", (uint64_t[6]) { 3, 0, 100 }), SECCOMP_RET_ALLOW);
        assert_int_equal(p->n_notes, 2);
        assert_string_equal(p->notes[0].text, "write:EBADF: fd <= 2");
        assert_int_equal(p->notes[0].origin.line, 3);

        /* A reset drops the earlier lines. */
        assert_int_equal(build(NULL, (const char *[]) { "SystemCallArgumentFilter=write: fd == 1",
                                                        "SystemCallArgumentFilter=",
                                                        "SystemCallArgumentFilter=read: fd == 0", NULL },
                               &diags, &q), 0);
        assert_false(policy_has_conditions(q, "write"));
        assert_true(policy_has_conditions(q, "read"));

        /* Denied outright stays denied, whatever the arguments; verify says the filter is moot. */
        assert_int_equal(build((const char *[]) { "SystemCallFilter=~write", "SystemCallErrorNumber=EPERM", NULL },
                               (const char *[]) { "SystemCallArgumentFilter=write: fd == 1", NULL },
                               &diags, &r), 0);
        assert_int_equal(filter_compile(r, &t), 0);
        assert_int_equal(test_eval(t, arch_native(), "write", (uint64_t[6]) { 1 }), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(t, arch_native(), "write", (uint64_t[6]) { 2 }), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(policy_lint(r, &lints), 0);
        bool warned = false;
        for (size_t i = 0; i < lints.n; i++)
                warned = warned || (strstr(lints.items[i].message, "write is already refused") &&
                                    streq(lints.items[i].key, "SystemCallArgumentFilter"));
        assert_true(warned);
        diag_list_done(&lints);
        diag_list_done(&diags);
}

/* A kill line wins over an errno line where both refuse, whatever libseccomp's decision tree
 * would have met first; where only one refuses, its action applies. */
static void test_build_kill_wins(void **state) {
        static const char *const pairs[][2] = {
                { "write:EPERM: count < 5", "write:kill: fd <= 1" },
                { "write:EPERM: count == 5 || (count & 0x10) == 0x10", "write:kill: fd == 1" },
                { "socket:EACCES: type != SOCK_RAW", "socket: domain in {AF_UNIX, AF_INET}" },
        };

        srandom(5);
        for (size_t i = 0; i < 2 * ELEMENTSOF(pairs); i++) {
                _cleanup_(policy_freep) Policy *p = NULL;
                _cleanup_(filter_set_freep) FilterSet *s = NULL;
                _cleanup_(argfilter_freep) ArgFilter *a = parse_ok(pairs[i / 2][0]), *b = parse_ok(pairs[i / 2][1]);
                _cleanup_free_ char *la = NULL, *lb = NULL;
                DiagList diags = {};
                PolicyAction act;

                assert_true(asprintf(&la, "SystemCallArgumentFilter=%s", pairs[i / 2][0]) > 0);
                assert_true(asprintf(&lb, "SystemCallArgumentFilter=%s", pairs[i / 2][1]) > 0);
                /* Both orders of the lines. */
                assert_int_equal(build(NULL, i % 2 ? (const char *[]) { lb, la, NULL } :
                                                     (const char *[]) { la, lb, NULL },
                                       &diags, &p), 0);
                assert_int_equal(filter_compile(p, &s), 0);
                /* A (errno) and B (kill, its own or the unit's default). */
                assert_true(argfilter_action(a, &act) && act.type == POLICY_ACTION_ERRNO);
                for (unsigned k = 0; k < ITERATIONS / 4; k++) {
                        uint64_t args[6];
                        fill_args(args, k);
                        uint32_t want = !argfilter_eval(b, args) ? SECCOMP_RET_KILL_PROCESS :
                                        !argfilter_eval(a, args) ? SECCOMP_RET_ERRNO | act.errno_value :
                                                                   SECCOMP_RET_ALLOW;
                        uint32_t got = test_eval(s, arch_native(), argfilter_syscall(a), args);
                        if (got != want)
                                fail_msg("%s / %s: args %#" PRIx64 " %#" PRIx64 " %#" PRIx64 ": BPF %#x, want %#x",
                                         pairs[i / 2][0], pairs[i / 2][1], args[0], args[1], args[2], got, want);
                }
                diag_list_done(&diags);
        }
}

/* The key belongs to [X-Syscage]: in [Service] the policy builder does not read it. */
static void test_build_section(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        UnitFile *u = calloc(1, sizeof *u);
        DiagList diags = {};

        assert_true(policy_is_unit_assignment("X-Syscage", "SystemCallArgumentFilter"));
        assert_false(policy_is_unit_assignment("Service", "SystemCallArgumentFilter"));
        assert_true(policy_is_unit_assignment("Service", "SystemCallFilter"));
        assert_false(policy_is_unit_assignment("X-Syscage", "SystemCallFilter"));
        assert_false(policy_directive_is_unit_key("SystemCallArgumentFilter"));
        test_unit_add(u, "Service", "SystemCallArgumentFilter", "write: fd == 1", TEST_UNIT_FILE, 2);
        assert_int_equal(policy_build(u, &diags, &p), 0);
        assert_false(policy_has_conditions(p, "write"));
        test_unit_free(u);
        diag_list_done(&diags);
}

static void test_build_errors(void **state) {
        static const struct {
                const char *service, *line, *message;
        } cases[] = {
                { NULL, "SystemCallArgumentFilter=write: buf == 0", "is a pointer" },
                { NULL, "SystemCallArgumentFilter=write: (fd == 1 || count == 2) && (fd == 3 || count == 4) && "
                        "(fd == 5 || count == 6)", "too complex" },
                { "SystemCallArchitectures=native x86", "SystemCallArgumentFilter=lseek: offset >= 0",
                  "not supported yet" },
                { "SystemCallArchitectures=native x32", "SystemCallArgumentFilter=write: count < 5",
                  "enables x32 or MIPS n32" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Policy *p = NULL;
                DiagList diags = {};
                assert_int_equal(build((const char *[]) { cases[i].service, NULL },
                                       (const char *[]) { cases[i].line, NULL }, &diags, &p), -EINVAL);
                assert_null(p);
                assert_true(diags.n >= 1);
                assert_int_equal(diags.items[0].level, DIAG_ERROR);
                assert_string_equal(diags.items[0].key, "SystemCallArgumentFilter");
                assert_int_equal(diags.items[0].line, cases[i].service ? 3 : 2);
                if (!strstr(diags.items[0].message, cases[i].message))
                        fail_msg("%s: '%s' lacks '%s'", cases[i].line, diags.items[0].message, cases[i].message);
                diag_list_done(&diags);
        }
}

/* On the i386 ABI the registers are 32 bits: a 64-bit test keeps its low word (and a term
 * that needs upper bits cannot match), and socketcall(SYS_SOCKET), where the family is not
 * visible, is refused with the line's action. */
static uint32_t eval_nr(const FilterSet *s, uint32_t arch, int nr, const uint64_t args[6]) {
        struct seccomp_data d = { .arch = arch_to_audit(arch), .nr = nr };
        uint32_t ret = 0;

        memcpy(d.args, args, sizeof d.args);
        assert_int_equal(bpf_eval_stack(s->progs, s->n, &d, &ret), 0);
        return ret;
}

/* i386's direct socket() (libseccomp resolves the name to its multiplexed pseudo number). */
#define I386_NR_SOCKET 359

static void test_bpf_i386(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        DiagList diags = {};

        if (arch_native() != SCMP_ARCH_X86_64)
                skip();
        assert_int_equal(build((const char *[]) { "SystemCallArchitectures=native x86", NULL },
                               (const char *[]) { "SystemCallArgumentFilter=write:EPERM: count < 5",
                                                  "SystemCallArgumentFilter=socket:EACCES: domain != AF_PACKET", NULL },
                               &diags, &p), 0);
        assert_int_equal(filter_compile(p, &s), 0);
        assert_int_equal(test_eval(s, SCMP_ARCH_X86, "write", (uint64_t[6]) { 1, 0, 4 }), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(s, SCMP_ARCH_X86, "write", (uint64_t[6]) { 1, 0, 5 }), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(s, SCMP_ARCH_X86, "write", (uint64_t[6]) { 1, 0, 0xffffffff }),
                         SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(eval_nr(s, SCMP_ARCH_X86, I386_NR_SOCKET, (uint64_t[6]) { AF_PACKET }),
                         SECCOMP_RET_ERRNO | EACCES);
        assert_int_equal(eval_nr(s, SCMP_ARCH_X86, I386_NR_SOCKET, (uint64_t[6]) { AF_INET }), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(s, SCMP_ARCH_X86, "socketcall", (uint64_t[6]) { 1 /* SYS_SOCKET */ }),
                         SECCOMP_RET_ERRNO | EACCES);
        assert_int_equal(test_eval(s, SCMP_ARCH_X86, "socketcall", (uint64_t[6]) { 3 /* SYS_CONNECT */ }),
                         SECCOMP_RET_ALLOW);
        diag_list_done(&diags);
}

static void test_dump(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        DiagList diags = {};
        FILE *f;

        assert_int_equal(build(NULL, (const char *[]) { "SystemCallArgumentFilter=socket:EPERM: domain!=AF_PACKET", NULL },
                               &diags, &p), 0);
        f = open_memstream(&buf, &size);
        assert_non_null(f);
        assert_int_equal(policy_dump(p, "socket", f), 0);
        fclose(f);
        assert_non_null(strstr(buf, "argument filter: socket:EPERM: domain != AF_PACKET  SystemCallArgumentFilter= (test.service:2)"));
        assert_non_null(strstr(buf, "if arg0 & 0xffffffff == 0x11: errno EPERM  SystemCallArgumentFilter= (test.service:2)"));
        diag_list_done(&diags);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_accepted),
                cmocka_unit_test(test_parse_refused),
                cmocka_unit_test(test_parse_limits),
                cmocka_unit_test(test_accessors),
                cmocka_unit_test(test_tables),
                cmocka_unit_test(test_dnf_bruteforce),
                cmocka_unit_test(test_dnf_and_of_lines),
                cmocka_unit_test(test_dnf_exact_values),
                cmocka_unit_test(test_dnf_too_complex),
                cmocka_unit_test(test_bpf_bruteforce),
                cmocka_unit_test(test_bpf_upper_bits),
                cmocka_unit_test(test_bpf_iovec_counts),
                cmocka_unit_test(test_lint_siblings),
                cmocka_unit_test(test_lint_tautologies),
                cmocka_unit_test(test_build_too_many_rules),
                cmocka_unit_test(test_build_semantics),
                cmocka_unit_test(test_build_kill_wins),
                cmocka_unit_test(test_build_section),
                cmocka_unit_test(test_build_errors),
                cmocka_unit_test(test_bpf_i386),
                cmocka_unit_test(test_dump),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
