/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rules of the directives that restrict how particular system calls may be used. The facts
 * (which syscall, which argument, which bits, which errno) follow systemd's documented
 * behaviour; see the tables below. Integer arguments the kernel reads as 32-bit `int` are
 * compared with a 0xffffffff mask for equality, so garbage in the upper register half cannot
 * slip past an equality test; range tests ("greater than") on the full 64 bits only ever
 * refuse more.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "policy-build.h"
#include "policy-rules.h"
#include "strv.h"

#define INT_MASK UINT64_C(0xffffffff)

int policy_rules_split_words(const char *value, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;

        for (const char *p = value; *p;) {
                size_t len;
                p += strspn(p, " \t\n\r");
                len = strcspn(p, " \t\n\r");
                if (len == 0)
                        break;
                if (++n > POLICY_WORDS_MAX)
                        return -E2BIG;
                if (strv_consume(&l, strndup(p, len)) < 0)
                        return -ENOMEM;
                p += len;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* ---- address families ---- */

static const struct {
        const char *name;
        int af;
} family_names[] = {
        { "AF_UNIX", AF_UNIX },         { "AF_LOCAL", AF_LOCAL },
        { "AF_INET", AF_INET },         { "AF_AX25", AF_AX25 },
        { "AF_IPX", AF_IPX },           { "AF_APPLETALK", AF_APPLETALK },
        { "AF_NETROM", AF_NETROM },     { "AF_BRIDGE", AF_BRIDGE },
        { "AF_ATMPVC", AF_ATMPVC },     { "AF_X25", AF_X25 },
        { "AF_INET6", AF_INET6 },       { "AF_ROSE", AF_ROSE },
        { "AF_DECnet", AF_DECnet },     { "AF_NETBEUI", AF_NETBEUI },
        { "AF_SECURITY", AF_SECURITY }, { "AF_KEY", AF_KEY },
        { "AF_NETLINK", AF_NETLINK },   { "AF_ROUTE", AF_ROUTE },
        { "AF_PACKET", AF_PACKET },     { "AF_ASH", AF_ASH },
        { "AF_ECONET", AF_ECONET },     { "AF_ATMSVC", AF_ATMSVC },
        { "AF_RDS", AF_RDS },           { "AF_SNA", AF_SNA },
        { "AF_IRDA", AF_IRDA },         { "AF_PPPOX", AF_PPPOX },
        { "AF_WANPIPE", AF_WANPIPE },   { "AF_LLC", AF_LLC },
        { "AF_IB", AF_IB },             { "AF_MPLS", AF_MPLS },
        { "AF_CAN", AF_CAN },           { "AF_TIPC", AF_TIPC },
        { "AF_BLUETOOTH", AF_BLUETOOTH }, { "AF_IUCV", AF_IUCV },
        { "AF_RXRPC", AF_RXRPC },       { "AF_ISDN", AF_ISDN },
        { "AF_PHONET", AF_PHONET },     { "AF_IEEE802154", AF_IEEE802154 },
        { "AF_CAIF", AF_CAIF },         { "AF_ALG", AF_ALG },
        { "AF_NFC", AF_NFC },           { "AF_VSOCK", AF_VSOCK },
        { "AF_KCM", AF_KCM },           { "AF_QIPCRTR", AF_QIPCRTR },
        { "AF_SMC", AF_SMC },           { "AF_XDP", AF_XDP },
        { "AF_MCTP", AF_MCTP },
};
assert_cc(AF_MAX <= POLICY_FAMILY_MAX);

int policy_rules_family_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(family_names); i++)
                if (streq(family_names[i].name, name))
                        return family_names[i].af;
        return -EINVAL;
}

const char *policy_rules_family_to_name(int af) {
        for (size_t i = 0; i < ELEMENTSOF(family_names); i++)
                if (family_names[i].af == af)
                        return family_names[i].name;
        return NULL;
}

/* Same merge rules as SystemCallFilter=: "~" inverts, the first line sets the mode, later
 * lines add (same sense) or remove (opposite sense), empty resets. "none" is an allow list
 * with nothing in it: every socket() is refused. */
int policy_rules_parse_families(PolicyRulesConfig *c, const char *value, bool *ret_invert,
                                char ***ret_words, PolicyOrigin o) {
        bool invert;
        int r;

        if (isempty(value) || streq(value, "none")) {
                c->families_mode = isempty(value) ? 0 : 1;
                c->families = 0;
                c->families_origin = o;
                return 0;
        }
        invert = value[0] == '~';
        r = policy_rules_split_words(value + invert, ret_words);
        if (r < 0)
                return r;
        if (c->families_mode == 0) {
                c->families_mode = invert ? 2 : 1;
                c->families = 0;
        }
        c->families_origin = o;
        *ret_invert = invert;
        return 1;
}

void policy_rules_family_apply(PolicyRulesConfig *c, int af, bool invert) {
        bool add = (c->families_mode == 1) != invert;

        if (af < 0 || af >= POLICY_FAMILY_MAX)
                return;
        if (add)
                c->families |= UINT64_C(1) << af;
        else
                c->families &= ~(UINT64_C(1) << af);
}

/* The calls that create sockets of a family named in arg0. socketpair() creates two and obeys
 * the same rule (systemd filters only socket(), so a service without AF_UNIX in its list
 * still gets a connected AF_UNIX pair from socketpair()). On ABIs that multiplex them
 * through socketcall() libseccomp refuses the whole sub-call, see filter.c. */
static const char *const family_calls[] = { "socket", "socketpair" };

/* ---- namespaces ---- */

static const struct {
        const char *name;
        unsigned long flag;
} namespace_names[] = {
        { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
        { "mnt", CLONE_NEWNS },        { "pid", CLONE_NEWPID }, { "user", CLONE_NEWUSER },
        { "uts", CLONE_NEWUTS },       { "time", CLONE_NEWTIME },
};

/* What "all namespaces" means in systemd: time is outside it, so it stays blocked unless
 * named explicitly. */
#define NAMESPACES_ALL (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS |        \
                        CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWUTS)
#define NAMESPACES_ANY (NAMESPACES_ALL | CLONE_NEWTIME)

unsigned long policy_rules_namespace_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++)
                if (streq(namespace_names[i].name, name))
                        return namespace_names[i].flag;
        return 0;
}

void policy_rules_namespaces_reset(PolicyRulesConfig *c, PolicyOrigin o) {
        c->namespaces_set = false;
        c->namespaces_kept = NAMESPACES_ANY;
        c->namespaces_origin = o;
}

/* "yes" keeps nothing; "no" keeps everything (time included: no filter at all). */
void policy_rules_namespaces_set_bool(PolicyRulesConfig *c, bool restrict_all, PolicyOrigin o) {
        c->namespaces_set = true;
        c->namespaces_kept = restrict_all ? 0 : NAMESPACES_ANY;
        c->namespaces_origin = o;
}

/* The first assignment sets the kept set (a "~" list keeps "all" but the listed ones); later
 * plain lists add to it and "~" lists remove from it. */
void policy_rules_namespaces_apply(PolicyRulesConfig *c, unsigned long flags, bool invert,
                                   PolicyOrigin o) {
        if (!c->namespaces_set)
                c->namespaces_kept = invert ? NAMESPACES_ALL & ~flags : flags;
        else if (invert)
                c->namespaces_kept &= ~flags;
        else
                c->namespaces_kept |= flags;
        c->namespaces_set = true;
        c->namespaces_origin = o;
}

static unsigned long namespaces_blocked(const PolicyRulesConfig *c) {
        return c->namespaces_set ? NAMESPACES_ANY & ~c->namespaces_kept : 0;
}

/* ---- unconditional restrictions ---- */

static bool flag_on(const PolicyRulesConfig *c, PolicyDirective d) {
        return c->flags[d].value;
}

/* The boolean directives that refuse whole syscalls or groups with EPERM. */
static const struct {
        PolicyDirective directive;
        const char *const names[3];
} refusing_flags[] = {
        { POLICY_DIRECTIVE_PROTECT_HOSTNAME, { "sethostname", "setdomainname" } },
        { POLICY_DIRECTIVE_PROTECT_KERNEL_TUNABLES, { "_sysctl" } },
        { POLICY_DIRECTIVE_PROTECT_KERNEL_MODULES, { "@module" } },
        { POLICY_DIRECTIVE_PROTECT_KERNEL_LOGS, { "syslog" } },
        { POLICY_DIRECTIVE_PROTECT_CLOCK, { "@clock" } },
        { POLICY_DIRECTIVE_PRIVATE_DEVICES, { "@raw-io" } },
        /* Not in systemd: sched_setattr() takes its policy in a struct, so the argument check
         * on sched_setscheduler() below cannot be applied to it, and a service with
         * CAP_SYS_NICE or a non-zero RLIMIT_RTPRIO would get SCHED_FIFO through it. */
        { POLICY_DIRECTIVE_RESTRICT_REALTIME, { "sched_setattr" } },
};

static int refuse_flag(const PolicyRulesConfig *c, size_t i, PolicyRulesCallback cb, void *ud) {
        PolicyDirective d = refusing_flags[i].directive;
        int r;

        if (!flag_on(c, d))
                return 0;
        for (size_t j = 0; j < ELEMENTSOF(refusing_flags[i].names); j++) {
                const char *name = refusing_flags[i].names[j];
                if (name && (r = cb(name, POLICY_ERRNO(EPERM), c->flags[d].origin, ud)) < 0)
                        return r;
        }
        return 0;
}

static int refuse_io_uring(const PolicyRulesConfig *c, PolicyRulesCallback cb, void *ud) {
        const PolicyFlag *suid = &c->flags[POLICY_DIRECTIVE_RESTRICT_SUID_SGID];

        if (c->families_mode != 0)
                return cb("io_uring_setup", POLICY_ERRNO(ENOSYS), c->families_origin, ud);
        if (suid->value)
                return cb("io_uring_setup", POLICY_ERRNO(ENOSYS), suid->origin, ud);
        return 0;
}

/* The unconditional parts of RestrictAddressFamilies=, RestrictSUIDSGID= and
 * RestrictNamespaces=, in that order. */
static int refuse_restricted(const PolicyRulesConfig *c, PolicyRulesCallback cb, void *ud) {
        int r;

        /* RestrictAddressFamilies=none (or everything removed): socket() and socketpair()
         * always fail. */
        for (size_t i = 0; c->families_mode == 1 && c->families == 0 && i < ELEMENTSOF(family_calls); i++)
                if ((r = cb(family_calls[i], POLICY_ERRNO(EAFNOSUPPORT), c->families_origin, ud)) < 0)
                        return r;
        /* openat2() takes its mode in a struct a filter cannot read: make libc fall back. */
        if (flag_on(c, POLICY_DIRECTIVE_RESTRICT_SUID_SGID) &&
            (r = cb("openat2", POLICY_ERRNO(ENOSYS), c->flags[POLICY_DIRECTIVE_RESTRICT_SUID_SGID].origin, ud)) < 0)
                return r;
        /* io_uring runs socket creation (IORING_OP_SOCKET), openat and mkdirat (with their
         * modes) without a system call a filter could inspect: refuse the ring, so that
         * programs fall back to the plain calls. Not in systemd. */
        if ((r = refuse_io_uring(c, cb, ud)) < 0)
                return r;
        /* clone3() flags live in a struct too. */
        if (namespaces_blocked(c) != 0 &&
            (r = cb("clone3", POLICY_ERRNO(ENOSYS), c->namespaces_origin, ud)) < 0)
                return r;
        if (c->namespaces_set && c->namespaces_kept == 0 &&
            (r = cb("setns", POLICY_ERRNO(EPERM), c->namespaces_origin, ud)) < 0)
                return r;
        return 0;
}

/* systemd's installation order: ProtectHostname= right after the UTS namespace is set up,
 * then the others as listed in refusing_flags[]. */
int policy_rules_foreach_unconditional(const PolicyRulesConfig *c, PolicyRulesCallback cb,
                                       void *ud) {
        int r;

        if ((r = refuse_flag(c, 0, cb, ud)) < 0 || (r = refuse_restricted(c, cb, ud)) < 0)
                return r;
        for (size_t i = 1; i < ELEMENTSOF(refusing_flags); i++)
                if ((r = refuse_flag(c, i, cb, ud)) < 0)
                        return r;
        return 0;
}

/* ---- conditional rules ---- */

typedef struct RuleAdder {
        const PolicyRulesConfig *c;
        Policy *p;
} RuleAdder;

static int add(RuleAdder *a, const char *syscall, PolicyAction action, PolicyOrigin o,
               const PolicyCond *conds, unsigned n) {
        PolicyAction u;

        if (!policy_syscall_known(a->p, syscall))
                return 0;
        /* An unconditional action at least as severe already decides every call. */
        policy_effective_action(a->p, syscall, &u, NULL);
        if (policy_action_compare(u, action) >= 0)
                return 0;
        return policy_add_rule(a->p, syscall, action, o, conds, n);
}

static PolicyCond masked(unsigned arg, uint64_t mask, uint64_t value) {
        return (PolicyCond) { .arg = arg, .op = POLICY_CMP_MASKED_EQ, .a = mask, .b = value };
}

static PolicyCond cmp(unsigned arg, PolicyCmp op, uint64_t v) {
        return (PolicyCond) { .arg = arg, .op = op, .a = v };
}

static bool family_permitted(const PolicyRulesConfig *c, int af) {
        bool listed = c->families & (UINT64_C(1) << af);

        return c->families_mode == 1 ? listed : !listed;
}

/* socket(AF_INET, SOCK_PACKET, ...) is the obsolete spelling of an AF_PACKET socket: the
 * kernel turns it into one, so a unit that allows AF_INET but not AF_PACKET would get raw
 * link-layer access. Refuse that type with the IP families whenever AF_PACKET itself is not
 * permitted (the kernel maps only PF_INET today; AF_INET6 is refused too in case that
 * changes, it has no use there). The type's low four bits (SOCK_TYPE_MASK) are the type,
 * the others are SOCK_CLOEXEC/SOCK_NONBLOCK. Not in systemd. */
#define SOCK_TYPE_MASK_BITS UINT64_C(0xf)
#define SOCK_PACKET_TYPE UINT64_C(10) /* SOCK_PACKET */

static int add_sock_packet(RuleAdder *a, const char *call) {
        static const int ip[] = { AF_INET, AF_INET6 };
        const PolicyRulesConfig *c = a->c;
        int r;

        if (family_permitted(c, AF_PACKET))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(ip); i++) {
                PolicyCond x[2] = { masked(0, INT_MASK, (uint64_t) ip[i]),
                                    masked(1, SOCK_TYPE_MASK_BITS, SOCK_PACKET_TYPE) };
                if (family_permitted(c, ip[i]) &&
                    (r = add(a, call, POLICY_ERRNO(EAFNOSUPPORT), c->families_origin, x, 2)) < 0)
                        return r;
        }
        return 0;
}

/* CALL's arg0: allow list -> refuse below the lowest, above the highest, and every unlisted
 * family in between; deny list -> refuse each listed family. */
static int add_family_call(RuleAdder *a, const char *call, int lo, int hi) {
        const PolicyRulesConfig *c = a->c;
        PolicyAction act = POLICY_ERRNO(EAFNOSUPPORT);
        PolicyOrigin o = c->families_origin;
        int r;

        if (c->families_mode == 2) {
                for (int af = lo; af <= hi; af++) {
                        PolicyCond x = masked(0, INT_MASK, (uint64_t) af);
                        if ((c->families & (UINT64_C(1) << af)) && (r = add(a, call, act, o, &x, 1)) < 0)
                                return r;
                }
                return add_sock_packet(a, call);
        }
        PolicyCond below = cmp(0, POLICY_CMP_LT, (uint64_t) lo), above = cmp(0, POLICY_CMP_GT, (uint64_t) hi);
        if ((r = add(a, call, act, o, &below, 1)) < 0 || (r = add(a, call, act, o, &above, 1)) < 0)
                return r;
        for (int af = lo + 1; af < hi; af++) {
                PolicyCond x = masked(0, INT_MASK, (uint64_t) af);
                if (!(c->families & (UINT64_C(1) << af)) && (r = add(a, call, act, o, &x, 1)) < 0)
                        return r;
        }
        return add_sock_packet(a, call);
}

static int add_families(RuleAdder *a) {
        const PolicyRulesConfig *c = a->c;
        int lo = -1, hi = -1, r;

        if (c->families_mode == 0 || c->families == 0)
                return 0; /* unset, or "none" (unconditional, above) */
        for (int af = 0; af < POLICY_FAMILY_MAX; af++)
                if (c->families & (UINT64_C(1) << af)) {
                        if (lo < 0)
                                lo = af;
                        hi = af;
                }
        for (size_t i = 0; i < ELEMENTSOF(family_calls); i++)
                if ((r = add_family_call(a, family_calls[i], lo, hi)) < 0)
                        return r;
        return 0;
}

/* clone() flags (arg0; the compiler moves it to arg1 on s390), unshare() arg0: refuse any
 * blocked CLONE_NEW* bit. setns() arg1: refuse 0 ("any type") and blocked types. In clone()
 * the bit CLONE_NEWTIME overlaps the exit signal field, so it is not tested there. */
static int add_namespaces(RuleAdder *a) {
        unsigned long blocked = namespaces_blocked(a->c);
        PolicyAction eperm = POLICY_ERRNO(EPERM);
        PolicyOrigin o = a->c->namespaces_origin;
        PolicyCond x;
        int r;

        if (blocked == 0)
                return 0;
        x = masked(1, INT_MASK, 0);
        if (a->c->namespaces_kept != 0 && (r = add(a, "setns", eperm, o, &x, 1)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++) {
                unsigned long f = namespace_names[i].flag;
                if (!(blocked & f))
                        continue;
                if (f != CLONE_NEWTIME && (x = masked(0, f, f), r = add(a, "clone", eperm, o, &x, 1)) < 0)
                        return r;
                if ((x = masked(0, f, f), r = add(a, "unshare", eperm, o, &x, 1)) < 0)
                        return r;
                if (a->c->namespaces_kept != 0 && (x = masked(1, f, f), r = add(a, "setns", eperm, o, &x, 1)) < 0)
                        return r;
        }
        return 0;
}

/* personality(): only PER_LINUX (0) may be set; the 0xffffffff query is refused too. */
static int add_personality(RuleAdder *a) {
        PolicyCond x = cmp(0, POLICY_CMP_NE, 0);

        return add(a, "personality", POLICY_ERRNO(EPERM),
                   a->c->flags[POLICY_DIRECTIVE_LOCK_PERSONALITY].origin, &x, 1);
}

static const struct {
        const char *syscall;
        unsigned arg;
        uint64_t bits;
} wx_rules[] = {
        { "mmap", 2, PROT_WRITE | PROT_EXEC },   /* old i386/s390 mmap: see filter.c */
        { "mmap2", 2, PROT_WRITE | PROT_EXEC },
        { "mprotect", 2, PROT_EXEC },
        { "pkey_mprotect", 2, PROT_EXEC },
        { "shmat", 2, SHM_EXEC },
        /* Not in systemd's seccomp rules (its prctl(PR_SET_MDWE) path covers it): with this
         * personality the kernel adds PROT_EXEC to every PROT_READ request, so a writable
         * mapping filled with code and then mprotect()ed to PROT_READ becomes executable
         * without PROT_EXEC ever appearing in an argument. */
        { "personality", 0, READ_IMPLIES_EXEC },
};

static int add_wx(RuleAdder *a) {
        PolicyOrigin o = a->c->flags[POLICY_DIRECTIVE_MEMORY_DENY_WRITE_EXECUTE].origin;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(wx_rules); i++) {
                PolicyCond x = masked(wx_rules[i].arg, wx_rules[i].bits, wx_rules[i].bits);
                if ((r = add(a, wx_rules[i].syscall, POLICY_ERRNO(EPERM), o, &x, 1)) < 0)
                        return r;
        }
        return 0;
}

/* sched_setscheduler() arg1: only SCHED_OTHER (0), SCHED_BATCH (3) and SCHED_IDLE (5). */
static int add_realtime(RuleAdder *a) {
        static const uint64_t refused[] = { SCHED_FIFO, SCHED_RR, 4 /* SCHED_ISO */ };
        PolicyOrigin o = a->c->flags[POLICY_DIRECTIVE_RESTRICT_REALTIME].origin;
        PolicyCond x = cmp(1, POLICY_CMP_GT, SCHED_IDLE);
        int r;

        if ((r = add(a, "sched_setscheduler", POLICY_ERRNO(EPERM), o, &x, 1)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                x = masked(1, INT_MASK, refused[i]);
                if ((r = add(a, "sched_setscheduler", POLICY_ERRNO(EPERM), o, &x, 1)) < 0)
                        return r;
        }
        return 0;
}

/* Syscalls that create or chmod a file, and where their mode (and open flags) live. */
static const struct {
        const char *syscall;
        int mode_arg;
        int flags_arg; /* -1: always creates */
} suid_rules[] = {
        { "chmod", 1, -1 },    { "fchmod", 1, -1 },   { "fchmodat", 2, -1 },
        { "fchmodat2", 2, -1 }, { "mkdir", 1, -1 },   { "mkdirat", 2, -1 },
        { "mknod", 1, -1 },    { "mknodat", 2, -1 },  { "creat", 1, -1 },
        { "open", 2, 1 },      { "openat", 3, 2 },
};

/* The open flags that make open()/openat() apply their mode: O_CREAT, and O_TMPFILE, whose
 * unnamed file linkat() can publish later (systemd checks only O_CREAT). O_TMPFILE includes
 * O_DIRECTORY; its own bit is what identifies it. */
static const uint64_t mode_open_flags[] = { O_CREAT, O_TMPFILE & ~O_DIRECTORY };

static int add_suid_rule(RuleAdder *a, size_t i, uint64_t bit, PolicyOrigin o) {
        PolicyCond x[2];
        int r;

        x[1] = masked((unsigned) suid_rules[i].mode_arg, bit, bit);
        if (suid_rules[i].flags_arg < 0)
                return add(a, suid_rules[i].syscall, POLICY_ERRNO(EPERM), o, &x[1], 1);
        for (size_t k = 0; k < ELEMENTSOF(mode_open_flags); k++) {
                x[0] = masked((unsigned) suid_rules[i].flags_arg, mode_open_flags[k], mode_open_flags[k]);
                if ((r = add(a, suid_rules[i].syscall, POLICY_ERRNO(EPERM), o, x, 2)) < 0)
                        return r;
        }
        return 0;
}

static int add_suid(RuleAdder *a) {
        static const uint64_t bits[] = { S_ISUID, S_ISGID };
        PolicyOrigin o = a->c->flags[POLICY_DIRECTIVE_RESTRICT_SUID_SGID].origin;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(suid_rules); i++)
                for (size_t j = 0; j < ELEMENTSOF(bits); j++)
                        if ((r = add_suid_rule(a, i, bits[j], o)) < 0)
                                return r;
        return 0;
}

int policy_rules_add_conditional(const PolicyRulesConfig *c, Policy *p) {
        RuleAdder a = { .c = c, .p = p };
        int r;

        if ((r = add_families(&a)) < 0 || (r = add_namespaces(&a)) < 0)
                return r;
        if (flag_on(c, POLICY_DIRECTIVE_LOCK_PERSONALITY) && (r = add_personality(&a)) < 0)
                return r;
        if (flag_on(c, POLICY_DIRECTIVE_MEMORY_DENY_WRITE_EXECUTE) && (r = add_wx(&a)) < 0)
                return r;
        if (flag_on(c, POLICY_DIRECTIVE_RESTRICT_REALTIME) && (r = add_realtime(&a)) < 0)
                return r;
        if (flag_on(c, POLICY_DIRECTIVE_RESTRICT_SUID_SGID) && (r = add_suid(&a)) < 0)
                return r;
        return 0;
}
