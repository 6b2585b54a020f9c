/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy IR (see policy.h): construction, queries, the cache hash, the exec-gate variant,
 * the human-readable dump used by `syscagectl analyze policy`, and the lints of `verify`.
 */
#include <errno.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include "argfilter-lint.h"
#include "errno-util.h"
#include "hashmap.h"
#include "policy-store.h"
#include "policy.h"
#include "strv.h"

static const char *const action_type_table[_POLICY_ACTION_TYPE_MAX] = {
        [POLICY_ACTION_ALLOW] = "allow",
        [POLICY_ACTION_LOG] = "log",
        [POLICY_ACTION_NOTIFY] = "notify",
        [POLICY_ACTION_ERRNO] = "errno",
        [POLICY_ACTION_KILL] = "kill",
};

static const char *const directive_table[_POLICY_DIRECTIVE_MAX] = {
        [POLICY_DIRECTIVE_NONE] = "(default)",
        [POLICY_DIRECTIVE_SYSTEM_CALL_FILTER] = "SystemCallFilter",
        [POLICY_DIRECTIVE_SYSTEM_CALL_ERROR_NUMBER] = "SystemCallErrorNumber",
        [POLICY_DIRECTIVE_SYSTEM_CALL_ARCHITECTURES] = "SystemCallArchitectures",
        [POLICY_DIRECTIVE_SYSTEM_CALL_LOG] = "SystemCallLog",
        [POLICY_DIRECTIVE_RESTRICT_ADDRESS_FAMILIES] = "RestrictAddressFamilies",
        [POLICY_DIRECTIVE_RESTRICT_NAMESPACES] = "RestrictNamespaces",
        [POLICY_DIRECTIVE_LOCK_PERSONALITY] = "LockPersonality",
        [POLICY_DIRECTIVE_MEMORY_DENY_WRITE_EXECUTE] = "MemoryDenyWriteExecute",
        [POLICY_DIRECTIVE_RESTRICT_REALTIME] = "RestrictRealtime",
        [POLICY_DIRECTIVE_RESTRICT_SUID_SGID] = "RestrictSUIDSGID",
        [POLICY_DIRECTIVE_PROTECT_CLOCK] = "ProtectClock",
        [POLICY_DIRECTIVE_PROTECT_KERNEL_MODULES] = "ProtectKernelModules",
        [POLICY_DIRECTIVE_PROTECT_KERNEL_LOGS] = "ProtectKernelLogs",
        [POLICY_DIRECTIVE_PROTECT_KERNEL_TUNABLES] = "ProtectKernelTunables",
        [POLICY_DIRECTIVE_PROTECT_HOSTNAME] = "ProtectHostname",
        [POLICY_DIRECTIVE_PRIVATE_DEVICES] = "PrivateDevices",
        [POLICY_DIRECTIVE_EXEC_GATE] = "(exec gate)",
        [POLICY_DIRECTIVE_SYSTEM_CALL_ARGUMENT_FILTER] = "SystemCallArgumentFilter",
        [POLICY_DIRECTIVE_POLICY_MODE] = "PolicyMode",
};

static const char *const cmp_table[_POLICY_CMP_MAX] = {
        [POLICY_CMP_NE] = "!=", [POLICY_CMP_LT] = "<",  [POLICY_CMP_LE] = "<=",
        [POLICY_CMP_EQ] = "==", [POLICY_CMP_GE] = ">=", [POLICY_CMP_GT] = ">",
        [POLICY_CMP_MASKED_EQ] = "&",
};

const char *policy_action_type_to_string(PolicyActionType t) {
        return t >= 0 && t < _POLICY_ACTION_TYPE_MAX ? action_type_table[t] : NULL;
}

const char *policy_directive_to_string(PolicyDirective d) {
        return d >= 0 && d < _POLICY_DIRECTIVE_MAX ? directive_table[d] : NULL;
}

bool policy_directive_is_unit_key(const char *key) {
        /* NONE and EXEC_GATE name no unit setting; SystemCallArgumentFilter= is one of
         * [X-Syscage] (see policy_is_unit_assignment()). */
        for (PolicyDirective d = POLICY_DIRECTIVE_NONE + 1; key && d < POLICY_DIRECTIVE_EXEC_GATE; d++)
                if (streq(key, directive_table[d]))
                        return true;
        return false;
}

const char *policy_cmp_to_string(PolicyCmp c) {
        return c >= 0 && c < _POLICY_CMP_MAX ? cmp_table[c] : NULL;
}

const char *policy_action_format(PolicyAction a, char *buf, size_t size) {
        const char *name;

        if (a.type != POLICY_ACTION_ERRNO) {
                snprintf(buf, size, "%s", policy_action_type_to_string(a.type) ?: "?");
                return buf;
        }
        name = errno_to_name(a.errno_value);
        if (name)
                snprintf(buf, size, "errno %s", name);
        else
                snprintf(buf, size, "errno %d", a.errno_value);
        return buf;
}

bool policy_action_equal(PolicyAction a, PolicyAction b) {
        return a.type == b.type && (a.type != POLICY_ACTION_ERRNO || a.errno_value == b.errno_value);
}

int policy_action_compare(PolicyAction a, PolicyAction b) {
        return a.type > b.type ? 1 : a.type < b.type ? -1 : 0;
}

uint32_t policy_action_to_ret(PolicyAction a) {
        switch (a.type) {
        case POLICY_ACTION_ALLOW: return SECCOMP_RET_ALLOW;
        case POLICY_ACTION_LOG: return SECCOMP_RET_LOG;
        case POLICY_ACTION_NOTIFY: return SECCOMP_RET_USER_NOTIF;
        case POLICY_ACTION_ERRNO: return SECCOMP_RET_ERRNO | ((uint32_t) a.errno_value & SECCOMP_RET_DATA);
        case POLICY_ACTION_KILL: default: return SECCOMP_RET_KILL_PROCESS;
        }
}

/* ---- storage: an arena for names and conditions ---- */

struct PolicyArenaChunk {
        PolicyArenaChunk *next;
        size_t used, size;
        _Alignas(8) unsigned char data[];
};

#define ARENA_CHUNK_MIN 1024u
#define ARENA_ALIGN(n) (((n) + 7) & ~(size_t) 7)

static void arena_free(PolicyArenaChunk *c) {
        while (c) {
                PolicyArenaChunk *next = c->next;
                free(c);
                c = next;
        }
}

/* SIZE bytes aligned to 8, valid until the policy is freed. Chunks never move, so rules and
 * the index can point into them. */
static void *arena_alloc(Policy *p, size_t size) {
        PolicyArenaChunk *c = p->arena;
        size_t need = ARENA_ALIGN(size);

        if (!c || c->size - c->used < need) {
                size_t n = MAX(need, c ? MIN(c->size * 2, (size_t) 64 * 1024) : ARENA_CHUNK_MIN);
                PolicyArenaChunk *nc = malloc(sizeof *nc + n);
                if (!nc)
                        return NULL;
                *nc = (PolicyArenaChunk) { .next = c, .size = n };
                p->arena = c = nc;
        }
        void *ret = c->data + c->used;
        c->used += need;
        return ret;
}

static const char *arena_strdup(Policy *p, const char *s) {
        size_t n = strlen(s) + 1;
        char *d = arena_alloc(p, n);

        return d ? memcpy(d, s, n) : NULL;
}

int policy_new(Policy **ret) {
        Policy *p = calloc(1, sizeof *p);

        if (!p)
                return -ENOMEM;
        p->default_action = POLICY_ACTION(POLICY_ACTION_ALLOW);
        p->deny_action = POLICY_ACTION(POLICY_ACTION_KILL);
        p->arches[0] = arch_native();
        p->n_arches = 1;
        p->sorted = true; /* no rules yet */
        p->n_ref = 1;
        *ret = p;
        return 0;
}

Policy *policy_ref(Policy *p) {
        if (p)
                p->n_ref++;
        return p;
}

static void notes_free(Policy *p) {
        for (size_t i = 0; i < p->n_notes; i++) {
                free(p->notes[i].syscall);
                free(p->notes[i].text);
        }
        free(p->notes);
        p->notes = NULL;
        p->n_notes = 0;
}

int policy_add_note(Policy *p, const char *syscall, const char *text, PolicyOrigin origin) {
        PolicyNote *n = reallocarray(p->notes, p->n_notes + 1, sizeof *n);
        PolicyNote note = { .origin = origin };

        if (!n)
                return -ENOMEM;
        p->notes = n;
        note.syscall = strdup(syscall);
        note.text = strdup(text);
        if (!note.syscall || !note.text) {
                free(note.syscall);
                free(note.text);
                return -ENOMEM;
        }
        p->notes[p->n_notes++] = note;
        return 0;
}

static void removals_free(Policy *p) {
        for (size_t i = 0; i < p->n_removals; i++)
                free(p->removals[i].syscall);
        free(p->removals);
        p->removals = NULL;
        p->n_removals = 0;
}

int policy_add_removal(Policy *p, const char *syscall, PolicyOrigin origin) {
        PolicyRemoval *n = reallocarray(p->removals, p->n_removals + 1, sizeof *n);
        char *name;

        if (!n)
                return -ENOMEM;
        p->removals = n;
        name = strdup(syscall);
        if (!name)
                return -ENOMEM;
        p->removals[p->n_removals++] = (PolicyRemoval) { .syscall = name, .origin = origin };
        return 0;
}

Policy *policy_unref(Policy *p) {
        if (!p || --p->n_ref > 0)
                return NULL;
        if (p->store)
                policy_store_forget(p->store, p);
        free(p->rules);
        arena_free(p->arena);
        hashmap_free(p->index);
        strv_free(p->files);
        notes_free(p);
        removals_free(p);
        free(p);
        return NULL;
}

Policy *policy_free(Policy *p) {
        return policy_unref(p);
}

int policy_intern_file(Policy *p, const char *file, const char **ret) {
        if (!file) {
                *ret = NULL;
                return 0;
        }
        /* A unit has a handful of files (fragment and drop-ins): a linear search is fine. */
        STRV_FOREACH(f, p->files)
                if (streq(*f, file)) {
                        *ret = *f;
                        return 0;
                }
        if (strv_extend(&p->files, file) < 0)
                return -ENOMEM;
        *ret = p->files[strv_length(p->files) - 1];
        return 0;
}

/* The first rule whose name is not below SYSCALL in a sorted policy. */
static size_t lower_bound(const Policy *p, const char *syscall) {
        size_t lo = 0, hi = p->n_rules;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(p->rules[mid].syscall, syscall) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static PolicyRule *find_unconditional(const Policy *p, const char *syscall) {
        if (p->sorted) {
                /* Sorted by name, unconditional first. */
                size_t i = lower_bound(p, syscall);
                if (i < p->n_rules && p->rules[i].n_conds == 0 && streq(p->rules[i].syscall, syscall))
                        return &p->rules[i];
                return NULL;
        }
        if (p->index) {
                uintptr_t i = (uintptr_t) hashmap_get(p->index, syscall);
                return i > 0 ? &p->rules[i - 1] : NULL;
        }
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].n_conds == 0 && streq(p->rules[i].syscall, syscall))
                        return &p->rules[i];
        return NULL;
}

/* Before rules are added out of order: the name -> unconditional rule index. */
static int index_ensure(Policy *p) {
        if (p->index)
                return 0;
        p->index = hashmap_new();
        if (!p->index)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_rules; i++) {
                int r;
                if (p->rules[i].n_conds > 0)
                        continue;
                r = hashmap_put(p->index, p->rules[i].syscall, (void *) (uintptr_t) (i + 1));
                if (r < 0) {
                        p->index = hashmap_free(p->index);
                        return r;
                }
        }
        return 0;
}

int policy_add_rule(Policy *p, const char *syscall, PolicyAction action, PolicyOrigin origin,
                    const PolicyCond *conds, unsigned n_conds) {
        PolicyCond *c = NULL;
        PolicyRule *r;
        int q;

        if (n_conds > POLICY_CONDS_MAX || isempty(syscall))
                return -EINVAL;
        if (p->store)
                return -EPERM; /* shared, hence immutable */
        if ((q = index_ensure(p)) < 0)
                return q;
        p->sorted = false;
        if (n_conds == 0 && (r = find_unconditional(p, syscall))) {
                r->action = action;
                r->origin = origin;
                return 0;
        }
        if (p->n_rules >= POLICY_RULES_MAX)
                return -E2BIG;
        if (GREEDY_REALLOC(p->rules, p->allocated_rules, p->n_rules + 1) < 0)
                return -ENOMEM;
        if (n_conds > 0) {
                c = arena_alloc(p, n_conds * sizeof *c);
                if (!c)
                        return -ENOMEM;
                memcpy(c, conds, n_conds * sizeof *c);
        }
        r = &p->rules[p->n_rules];
        *r = (PolicyRule) { .action = action, .origin = origin, .n_conds = n_conds, .conds = c };
        r->syscall = arena_strdup(p, syscall);
        if (!r->syscall)
                return -ENOMEM;
        if (n_conds == 0 &&
            (q = hashmap_put(p->index, r->syscall, (void *) (uintptr_t) (p->n_rules + 1))) < 0)
                return q;
        p->n_rules++;
        return 0;
}

static int cond_cmp(const PolicyCond *a, const PolicyCond *b) {
        if (a->arg != b->arg)
                return a->arg < b->arg ? -1 : 1;
        if (a->op != b->op)
                return a->op < b->op ? -1 : 1;
        if (a->a != b->a)
                return a->a < b->a ? -1 : 1;
        if (a->b != b->b)
                return a->b < b->b ? -1 : 1;
        return 0;
}

static int rule_cmp(const void *x, const void *y) {
        const PolicyRule *a = x, *b = y;
        int c = strcmp(a->syscall, b->syscall);

        if (c != 0)
                return c;
        if (a->n_conds != b->n_conds)
                return a->n_conds < b->n_conds ? -1 : 1;
        for (unsigned i = 0; i < a->n_conds; i++)
                if ((c = cond_cmp(&a->conds[i], &b->conds[i])) != 0)
                        return c;
        if (a->action.type != b->action.type)
                return a->action.type < b->action.type ? -1 : 1;
        return a->action.errno_value < b->action.errno_value ? -1 :
               a->action.errno_value > b->action.errno_value ? 1 : 0;
}

void policy_sort(Policy *p) {
        if (p->sorted)
                return;
        if (p->n_rules > 1)
                qsort(p->rules, p->n_rules, sizeof *p->rules, rule_cmp);
        /* Lookups are binary searches from now on. */
        p->index = hashmap_free(p->index);
        p->sorted = true;
}

int policy_copy(const Policy *p, Policy **ret) {
        _cleanup_(policy_freep) Policy *c = NULL;
        int r;

        r = policy_new(&c);
        if (r < 0)
                return r;
        c->default_action = p->default_action;
        c->deny_action = p->deny_action;
        c->allow_list = p->allow_list;
        c->deny_list = p->deny_list;
        c->complain = p->complain;
        memcpy(c->arches, p->arches, sizeof c->arches);
        c->n_arches = p->n_arches;
        c->files = strv_copy(p->files);
        if (p->files && !c->files)
                return -ENOMEM;
        /* Origins point into p->files; re-point them into the copy's strings. */
#define REORIGIN(dst, src)                                                                \
        do {                                                                              \
                (dst) = (src);                                                            \
                if ((src).file && policy_intern_file(c, (src).file, &(dst).file) < 0)     \
                        return -ENOMEM;                                                   \
        } while (0)
        REORIGIN(c->default_origin, p->default_origin);
        REORIGIN(c->deny_origin, p->deny_origin);
        REORIGIN(c->filter_origin, p->filter_origin);
        REORIGIN(c->arch_origin, p->arch_origin);
        REORIGIN(c->mode_origin, p->mode_origin);
        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *s = &p->rules[i];
                PolicyOrigin o;
                REORIGIN(o, s->origin);
                r = policy_add_rule(c, s->syscall, s->action, o, s->conds, s->n_conds);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < p->n_notes; i++) {
                PolicyOrigin o;
                REORIGIN(o, p->notes[i].origin);
                r = policy_add_note(c, p->notes[i].syscall, p->notes[i].text, o);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < p->n_removals; i++) {
                PolicyOrigin o;
                REORIGIN(o, p->removals[i].origin);
                r = policy_add_removal(c, p->removals[i].syscall, o);
                if (r < 0)
                        return r;
        }
#undef REORIGIN
        if (p->sorted)
                policy_sort(c);
        *ret = TAKE_PTR(c);
        return 0;
}

void policy_effective_action(const Policy *p, const char *syscall, PolicyAction *ret,
                             PolicyOrigin *ret_origin) {
        const PolicyRule *r = find_unconditional(p, syscall);

        if (ret)
                *ret = r ? r->action : p->default_action;
        if (ret_origin)
                *ret_origin = r ? r->origin : p->default_origin;
}

bool policy_has_conditions(const Policy *p, const char *syscall) {
        if (p->sorted) {
                for (size_t i = lower_bound(p, syscall);
                     i < p->n_rules && streq(p->rules[i].syscall, syscall); i++)
                        if (p->rules[i].n_conds > 0)
                                return true;
                return false;
        }
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].n_conds > 0 && streq(p->rules[i].syscall, syscall))
                        return true;
        return false;
}

bool policy_has_arch(const Policy *p, uint32_t arch) {
        for (size_t i = 0; i < p->n_arches; i++)
                if (p->arches[i] == arch)
                        return true;
        return false;
}

static bool syscall_plainly_allowed(const Policy *p, const char *syscall) {
        PolicyAction a;

        policy_effective_action(p, syscall, &a, NULL);
        return a.type <= POLICY_ACTION_LOG && !policy_has_conditions(p, syscall);
}

bool policy_is_empty(const Policy *p) {
        return p->default_action.type == POLICY_ACTION_ALLOW && p->n_rules == 0 &&
               p->arch_origin.directive == POLICY_DIRECTIVE_NONE;
}

bool policy_is_exec_call(const char *syscall) {
        return streq(syscall, "execve") || streq(syscall, "execveat");
}

bool policy_denies_exec(const Policy *p) {
        return !syscall_plainly_allowed(p, "execve") || !syscall_plainly_allowed(p, "execveat");
}

PolicyAction policy_exec_gate_action(const Policy *p) {
        static const char *const exec_calls[] = { "execve", "execveat" };

        for (size_t i = 0; i < ELEMENTSOF(exec_calls); i++) {
                PolicyAction a;
                policy_effective_action(p, exec_calls[i], &a, NULL);
                if (a.type == POLICY_ACTION_ERRNO || a.type == POLICY_ACTION_KILL)
                        return a;
        }
        /* Only argument checks restrict them (or nothing does): use the unit's deny action. */
        return p->deny_action;
}

bool policy_rule_is_exec_key(const PolicyRule *r) {
        return r->origin.directive == POLICY_DIRECTIVE_EXEC_GATE && r->n_conds == 1 &&
               r->conds[0].arg >= 3 && streq(r->syscall, "execve");
}

/* execve is killed when any of its args 3..5 differs from the key (rules are ORed), and
 * execveat always: the launch never uses it. */
static int derive_exec_key(Policy *c, const PolicyExecKey *key, PolicyOrigin gate) {
        const PolicyAction kill = POLICY_ACTION(POLICY_ACTION_KILL);
        int r;

        for (unsigned i = 0; i < POLICY_EXEC_KEY_WORDS; i++) {
                PolicyCond x = { .arg = 3 + i, .op = POLICY_CMP_NE, .a = key->word[i] };
                r = policy_add_rule(c, "execve", kill, gate, &x, 1);
                if (r < 0)
                        return r;
        }
        return policy_add_rule(c, "execveat", kill, gate, NULL, 0);
}

/* The supervisor's guard uid is nobody's to take: a service that could become it could
 * signal the daemon (see POLICY_GUARD_UID). The uid arguments are 32 bits; the kernel ignores
 * the upper half, so the comparison does too. */
static int derive_guard(Policy *c, PolicyOrigin gate) {
        static const struct {
                const char *name;
                unsigned n_args;
        } calls[] = {
                { "setuid", 1 },    { "setuid32", 1 },    { "setreuid", 2 },
                { "setreuid32", 2 }, { "setresuid", 3 }, { "setresuid32", 3 },
        };
        PolicyAction a;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
                policy_effective_action(c, calls[i].name, &a, NULL);
                if (a.type >= POLICY_ACTION_ERRNO)
                        continue; /* refused anyway */
                for (unsigned arg = 0; arg < calls[i].n_args; arg++) {
                        const PolicyCond cond = {
                                .arg = arg, .op = POLICY_CMP_MASKED_EQ, .a = UINT32_MAX, .b = POLICY_GUARD_UID,
                        };
                        r = policy_add_rule(c, calls[i].name, POLICY_ERRNO(EPERM), gate, &cond, 1);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int policy_derive_gate(const Policy *p, const PolicyExecKey *key, Policy **ret) {
        static const char *const exec_calls[] = { "execve", "execveat" };
        const PolicyOrigin gate = { .directive = POLICY_DIRECTIVE_EXEC_GATE };
        const PolicyCond listener = {
                .arg = 1, .op = POLICY_CMP_MASKED_EQ,
                .a = SECCOMP_FILTER_FLAG_NEW_LISTENER, .b = SECCOMP_FILTER_FLAG_NEW_LISTENER,
        };
        _cleanup_(policy_freep) Policy *c = NULL;
        PolicyAction a;
        size_t j = 0;
        int r;

        r = policy_copy(p, &c);
        if (r < 0)
                return r;
        /* Conditional rules on the exec calls would be decided by the gate as well. Their names
         * and conditions stay in the arena until the copy goes. */
        for (size_t i = 0; i < c->n_rules; i++) {
                PolicyRule *x = &c->rules[i];
                if (!(x->n_conds > 0 && (streq(x->syscall, "execve") || streq(x->syscall, "execveat"))))
                        c->rules[j++] = *x;
        }
        c->n_rules = j;
        /* Rules moved: the index is rebuilt by the next policy_add_rule(). */
        c->index = hashmap_free(c->index);
        for (size_t i = 0; i < ELEMENTSOF(exec_calls); i++) {
                r = policy_add_rule(c, exec_calls[i], POLICY_ACTION(POLICY_ACTION_ALLOW), gate, NULL, 0);
                if (r < 0)
                        return r;
        }
        /* In complain mode the gate lets every execve through: there is no kill to enforce,
         * and a listener of the service's own would only be a would-be denial. */
        if (key && !p->complain && policy_exec_gate_action(p).type == POLICY_ACTION_KILL &&
            (r = derive_exec_key(c, key, gate)) < 0)
                return r;
        policy_effective_action(c, "seccomp", &a, NULL);
        if (a.type < POLICY_ACTION_ERRNO && !(p->complain && a.type == POLICY_ACTION_LOG)) {
                r = policy_add_rule(c, "seccomp",
                                    p->complain ? POLICY_ACTION(POLICY_ACTION_LOG) : c->deny_action,
                                    gate, &listener, 1);
                if (r < 0)
                        return r;
        }
        r = derive_guard(c, gate);
        if (r < 0)
                return r;
        policy_sort(c);
        *ret = TAKE_PTR(c);
        return 0;
}

/* FNV-1a, 64 bit, over a canonical byte serialization (fixed-width little-endian integers,
 * NUL-terminated names, rules in sorted order). */
typedef struct Fnv {
        uint64_t h;
} Fnv;

static void fnv_bytes(Fnv *f, const void *data, size_t n) {
        const uint8_t *b = data;
        for (size_t i = 0; i < n; i++) {
                f->h ^= b[i];
                f->h *= UINT64_C(0x100000001b3);
        }
}

static void fnv_u64(Fnv *f, uint64_t v) {
        uint8_t b[8];
        for (size_t i = 0; i < 8; i++)
                b[i] = (uint8_t) (v >> (8 * i));
        fnv_bytes(f, b, sizeof b);
}

static void fnv_action(Fnv *f, PolicyAction a) {
        fnv_u64(f, (uint64_t) a.type);
        fnv_u64(f, a.type == POLICY_ACTION_ERRNO ? (uint64_t) a.errno_value : 0);
}

/* ABI order does not matter to the compiled program: compare and hash them sorted. */
static void arches_sorted(const Policy *p, uint32_t ret[static ARCH_SET_MAX]) {
        size_t n = MIN(p->n_arches, (size_t) ARCH_SET_MAX);

        memcpy(ret, p->arches, n * sizeof ret[0]);
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && ret[j - 1] > ret[j]; j--) {
                        uint32_t t = ret[j];
                        ret[j] = ret[j - 1];
                        ret[j - 1] = t;
                }
}

static bool arches_explicit(const Policy *p) {
        return p->arch_origin.directive != POLICY_DIRECTIVE_NONE;
}

uint64_t policy_hash(const Policy *p) {
        Fnv f = { .h = UINT64_C(0xcbf29ce484222325) };
        const char *tag = "syscage-policy-v2";
        uint32_t arches[ARCH_SET_MAX];
        size_t n = p->n_arches;

        fnv_bytes(&f, tag, strlen(tag) + 1);
        fnv_action(&f, p->default_action);
        fnv_action(&f, p->deny_action);
        fnv_u64(&f, (uint64_t) p->allow_list | (uint64_t) p->deny_list << 1 |
                    (uint64_t) arches_explicit(p) << 2 | (uint64_t) p->complain << 3);
        arches_sorted(p, arches);
        fnv_u64(&f, n);
        for (size_t i = 0; i < n; i++)
                fnv_u64(&f, arches[i]);
        fnv_u64(&f, p->n_rules);
        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *r = &p->rules[i];
                fnv_bytes(&f, r->syscall, strlen(r->syscall) + 1);
                fnv_action(&f, r->action);
                fnv_u64(&f, r->n_conds);
                for (unsigned k = 0; k < r->n_conds; k++) {
                        fnv_u64(&f, r->conds[k].arg);
                        fnv_u64(&f, (uint64_t) r->conds[k].op);
                        fnv_u64(&f, r->conds[k].a);
                        fnv_u64(&f, r->conds[k].b);
                }
        }
        return f.h;
}

static bool rule_equal(const PolicyRule *a, const PolicyRule *b) {
        if (!streq(a->syscall, b->syscall) || a->n_conds != b->n_conds ||
            !policy_action_equal(a->action, b->action))
                return false;
        for (unsigned k = 0; k < a->n_conds; k++)
                if (cond_cmp(&a->conds[k], &b->conds[k]) != 0)
                        return false;
        return true;
}

bool policy_equal(const Policy *a, const Policy *b) {
        uint32_t x[ARCH_SET_MAX], y[ARCH_SET_MAX];

        if (a == b)
                return true;
        if (!policy_action_equal(a->default_action, b->default_action) ||
            !policy_action_equal(a->deny_action, b->deny_action) ||
            a->allow_list != b->allow_list || a->deny_list != b->deny_list ||
            a->complain != b->complain || arches_explicit(a) != arches_explicit(b) || a->n_arches != b->n_arches ||
            a->n_rules != b->n_rules)
                return false;
        arches_sorted(a, x);
        arches_sorted(b, y);
        if (memcmp(x, y, MIN(a->n_arches, (size_t) ARCH_SET_MAX) * sizeof x[0]) != 0)
                return false;
        for (size_t i = 0; i < a->n_rules; i++)
                if (!rule_equal(&a->rules[i], &b->rules[i]))
                        return false;
        return true;
}

/* Moves names and conditions into one exactly sized chunk, and trims the rule array. P is
 * sorted, so there is no index pointing at the old names. */
static int policy_compact(Policy *p) {
        _cleanup_free_ PolicyArenaChunk *c = NULL;
        size_t need = 0;

        for (size_t i = 0; i < p->n_rules; i++)
                need += ARENA_ALIGN(strlen(p->rules[i].syscall) + 1) +
                        ARENA_ALIGN(p->rules[i].n_conds * sizeof(PolicyCond));
        if (p->n_rules > 0 && p->allocated_rules > p->n_rules) {
                PolicyRule *r = realloc(p->rules, p->n_rules * sizeof *r);
                if (!r)
                        return -ENOMEM;
                p->rules = r;
                p->allocated_rules = p->n_rules;
        }
        if (!p->arena || (!p->arena->next && p->arena->used == p->arena->size))
                return 0;
        c = malloc(sizeof *c + need);
        if (!c)
                return -ENOMEM;
        *c = (PolicyArenaChunk) { .size = need };
        for (size_t i = 0; i < p->n_rules; i++) {
                PolicyRule *r = &p->rules[i];
                size_t n = strlen(r->syscall) + 1;
                char *name = memcpy(c->data + c->used, r->syscall, n);
                c->used += ARENA_ALIGN(n);
                r->syscall = name;
                if (r->n_conds > 0) {
                        PolicyCond *conds = memcpy(c->data + c->used, r->conds, r->n_conds * sizeof *conds);
                        c->used += ARENA_ALIGN(r->n_conds * sizeof *conds);
                        r->conds = conds;
                }
        }
        arena_free(p->arena);
        p->arena = TAKE_PTR(c);
        return 0;
}

void policy_strip_origins(Policy *p) {
        bool arch_set = arches_explicit(p);

        p->default_origin = p->deny_origin = p->filter_origin = p->arch_origin = (PolicyOrigin) {};
        p->mode_origin = (PolicyOrigin) {};
        removals_free(p);
        if (arch_set)
                p->arch_origin.directive = POLICY_DIRECTIVE_SYSTEM_CALL_ARCHITECTURES;
        for (size_t i = 0; i < p->n_rules; i++)
                p->rules[i].origin = (PolicyOrigin) {};
        p->files = strv_free(p->files);
        notes_free(p);
}

int policy_freeze(Policy *p) {
        policy_sort(p);
        return policy_compact(p);
}

size_t policy_memory_size(const Policy *p) {
        size_t n = sizeof *p + p->allocated_rules * sizeof(PolicyRule);

        for (const PolicyArenaChunk *c = p->arena; c; c = c->next)
                n += sizeof *c + c->size;
        STRV_FOREACH(f, p->files)
                n += sizeof(char *) + strlen(*f) + 1;
        if (p->files)
                n += sizeof(char *);
        for (size_t i = 0; i < p->n_notes; i++)
                n += sizeof p->notes[i] + strlen(p->notes[i].syscall) + 1 +
                     strlen(p->notes[i].text) + 1;
        for (size_t i = 0; i < p->n_removals; i++)
                n += sizeof p->removals[i] + strlen(p->removals[i].syscall) + 1;
        return n;
}

static void origin_print(PolicyOrigin o, FILE *f) {
        fprintf(f, "%s", policy_directive_to_string(o.directive));
        if (o.directive != POLICY_DIRECTIVE_NONE && o.directive != POLICY_DIRECTIVE_EXEC_GATE)
                fputc('=', f);
        if (o.file)
                fprintf(f, " (%s:%u)", o.file, o.line);
        fputc('\n', f);
}

static void cond_print(const PolicyCond *c, FILE *f) {
        if (c->op == POLICY_CMP_MASKED_EQ)
                fprintf(f, "arg%u & 0x%" PRIx64 " == 0x%" PRIx64, c->arg, c->a, c->b);
        else
                fprintf(f, "arg%u %s 0x%" PRIx64, c->arg, policy_cmp_to_string(c->op), c->a);
}

PolicyOrigin policy_decisive_origin(const Policy *p, const char *syscall) {
        PolicyAction a;
        PolicyOrigin o;

        policy_effective_action(p, syscall, &a, &o);
        /* A rule of its own decides, unless it is the allow list's blanket refusal and a
         * later line took the name out of the list; without a rule, the default decides
         * unless a line removed the name from a deny list. The last removal counts. */
        if (!policy_action_equal(a, p->default_action) &&
            !(p->allow_list && o.directive == POLICY_DIRECTIVE_SYSTEM_CALL_FILTER &&
              o.file == p->filter_origin.file && o.line == p->filter_origin.line))
                return o;
        for (size_t i = p->n_removals; i > 0; i--)
                if (streq(p->removals[i - 1].syscall, syscall))
                        return p->removals[i - 1].origin;
        return o;
}

static void syscall_print(const Policy *p, const char *name, FILE *f) {
        PolicyAction a;
        PolicyOrigin o;
        char buf[64];

        policy_effective_action(p, name, &a, NULL);
        o = policy_decisive_origin(p, name);
        fprintf(f, "%-24s %-18s ", name, policy_action_format(a, buf, sizeof buf));
        origin_print(o, f);
        for (size_t i = 0; i < p->n_notes; i++)
                if (streq(p->notes[i].syscall, name)) {
                        fprintf(f, "    argument filter: %s  ", p->notes[i].text);
                        origin_print(p->notes[i].origin, f);
                }
        if (p->complain && a.type > POLICY_ACTION_LOG && policy_is_exec_call(name))
                fprintf(f, "    complain mode: the exec gate lets it run and reports it\n");
        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *r = &p->rules[i];
                if (r->n_conds == 0 || !streq(r->syscall, name))
                        continue;
                fprintf(f, "    if ");
                for (unsigned k = 0; k < r->n_conds; k++) {
                        if (k > 0)
                                fprintf(f, " and ");
                        cond_print(&r->conds[k], f);
                }
                fprintf(f, ": %s  ", policy_action_format(r->action, buf, sizeof buf));
                origin_print(r->origin, f);
        }
}

static void header_print(const Policy *p, FILE *f) {
        char buf[64];

        fprintf(f, "# default action: %s  ", policy_action_format(p->default_action, buf, sizeof buf));
        origin_print(p->default_origin, f);
        fprintf(f, "# deny action: %s  ", policy_action_format(p->deny_action, buf, sizeof buf));
        origin_print(p->deny_origin, f);
        fprintf(f, "# ABIs:");
        for (size_t i = 0; i < p->n_arches; i++)
                fprintf(f, " %s", arch_to_name(p->arches[i]) ?: "?");
        fprintf(f, " (any other ABI: kill)\n");
}

/* Highest syscall number we look at on the native ABI; x86-64 ends near 470, the x32 range
 * (0x40000000 and up) belongs to another ABI. */
#define POLICY_DUMP_NR_MAX 1024

int policy_dump(const Policy *p, const char *only_syscall, FILE *f) {
        uint32_t native = arch_native();

        if (only_syscall) {
                if (seccomp_syscall_resolve_name_arch(native, only_syscall) < 0)
                        return -ENOENT;
                syscall_print(p, only_syscall, f);
                return ferror(f) ? -EIO : 0;
        }
        header_print(p, f);
        for (int nr = 0; nr < POLICY_DUMP_NR_MAX; nr++) {
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(native, nr);
                if (name)
                        syscall_print(p, name, f);
        }
        return ferror(f) ? -EIO : 0;
}

bool policy_syscall_known(const Policy *p, const char *syscall) {
        for (size_t i = 0; i < p->n_arches; i++)
                if (seccomp_syscall_resolve_name_arch(p->arches[i], syscall) >= 0)
                        return true;
        return false;
}

/* Operations io_uring can perform on behalf of a program that never makes the syscall. */
static const char *const io_uring_ops[] = {
        "openat", "openat2", "read", "write", "readv", "writev", "statx", "close",
        "unlinkat", "renameat2", "mkdirat", "symlinkat", "linkat", "socket", "connect",
        "accept4", "sendmsg", "recvmsg", "fsync", "fallocate", "fadvise64", "splice", "tee",
        "setxattr", "fsetxattr", "getxattr", "fgetxattr", "madvise", "ftruncate",
};

static int lint_io_uring(const Policy *p, DiagList *diags) {
        PolicyAction a;
        PolicyOrigin o;

        policy_effective_action(p, "io_uring_setup", &a, NULL);
        if (a.type > POLICY_ACTION_LOG)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(io_uring_ops); i++) {
                const char *op = io_uring_ops[i];
                bool restricted = policy_has_conditions(p, op);

                policy_effective_action(p, op, &a, &o);
                if (a.type > POLICY_ACTION_LOG && o.directive != POLICY_DIRECTIVE_NONE)
                        restricted = true;
                if (!restricted || !policy_syscall_known(p, op))
                        continue;
                for (size_t j = 0; !o.file && j < p->n_rules; j++)
                        if (streq(p->rules[j].syscall, op))
                                o = p->rules[j].origin;
                return diag_add_code(diags, DIAG_CODE_POLICY_BYPASS, DIAG_WARNING, o.file, o.line,
                                policy_directive_to_string(o.directive),
                                "%s is restricted but io_uring_setup is allowed: io_uring can "
                                "perform the same operation without the system call; deny "
                                "@aio or io_uring_setup as well", op);
        }
        return 0;
}

/* Directives of which only the seccomp part is enforced, and what systemd does besides. */
static const struct {
        PolicyDirective directive;
        const char *missing;
} partial_directives[] = {
        /* ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=, ProtectHostname=
         * and PrivateDevices= are whole: their mount and namespace parts are the unit's mount
         * plan, their capability drops the launch's (core/service-exec.c). */
        { POLICY_DIRECTIVE_PROTECT_CLOCK,
          "/dev/rtc* stays writable (there is no device access control); the clock-setting "
          "system calls are refused and CAP_SYS_TIME and CAP_WAKE_ALARM removed" },
};

static const PolicyOrigin *rule_origin_of(const Policy *p, PolicyDirective d) {
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].origin.directive == d)
                        return &p->rules[i].origin;
        return NULL;
}

static int lint_partial(const Policy *p, DiagList *diags) {
        for (size_t i = 0; i < ELEMENTSOF(partial_directives); i++) {
                PolicyDirective d = partial_directives[i].directive;
                const PolicyOrigin *o = rule_origin_of(p, d);
                int r;

                if (!o)
                        continue;
                r = diag_add_code(diags, DIAG_CODE_POLICY_PARTIAL, DIAG_WARNING, o->file, o->line, policy_directive_to_string(d),
                             "Not all of this setting is enforced: %s",
                             partial_directives[i].missing);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* An argument filter only ever restricts: on a syscall the unconditional policy already
 * refuses it has no effect, which is worth saying. */
static int lint_arg_filters(const Policy *p, DiagList *diags) {
        for (size_t i = 0; i < p->n_notes; i++) {
                const PolicyNote *n = &p->notes[i];
                PolicyAction a;
                PolicyOrigin o;
                char buf[64];
                int r;

                policy_effective_action(p, n->syscall, &a, &o);
                if (a.type <= POLICY_ACTION_LOG)
                        continue;
                char where[PATH_MAX + 32] = "";
                if (o.file)
                        snprintf(where, sizeof where, " (%s:%u)", o.file, o.line);
                r = diag_add(diags, DIAG_WARNING, n->origin.file, n->origin.line,
                             policy_directive_to_string(n->origin.directive),
                             "%s is already refused (%s) by %s=%s: the argument filter has no "
                             "effect", n->syscall, policy_action_format(a, buf, sizeof buf),
                             policy_directive_to_string(o.directive) ?: "?", where);
                if (r < 0)
                        return r;
        }
        return 0;
}

/*
 * Lints for `syscagectl verify`, all warnings:
 *  - an allow list without exit_group or rt_sigreturn: nearly every program needs them, and
 *    nothing is allowed implicitly here (unlike systemd's implicit @default);
 *  - a deny list while SystemCallArchitectures= lets other ABIs in: deny lists are written
 *    for the native ABI, and on i386 socket and SysV IPC calls go through socketcall()/ipc()
 *    multiplexers that a deny list by name does not catch. Our default is the native ABI
 *    only, so the warning is about widening it, not about leaving it out;
 *  - io_uring allowed while calls it can replace are restricted;
 *  - directives systemd enforces with more than we do (ProtectClock='s device access);
 *  - an argument filter on a syscall that is refused outright anyway, on one whose
 *    siblings stay allowed without a filter, or one that holds for every call
 *    (argfilter-lint.h).
 */
int policy_lint(const Policy *p, DiagList *diags) {
        static const char *const essential[] = { "exit_group", "rt_sigreturn" };
        const char *filter_key = policy_directive_to_string(POLICY_DIRECTIVE_SYSTEM_CALL_FILTER);
        int r;

        for (size_t i = 0; p->allow_list && i < ELEMENTSOF(essential); i++) {
                PolicyAction a;
                policy_effective_action(p, essential[i], &a, NULL);
                if (a.type <= POLICY_ACTION_LOG)
                        continue;
                r = diag_add_code(diags, DIAG_CODE_POLICY_NO_EFFECT, DIAG_WARNING, p->filter_origin.file, p->filter_origin.line,
                             filter_key, "The allow list does not contain %s, which nearly every "
                             "program needs; nothing is allowed implicitly", essential[i]);
                if (r < 0)
                        return r;
        }
        if (p->deny_list && p->n_arches > 1) {
                r = diag_add_code(diags, DIAG_CODE_POLICY_BYPASS, DIAG_WARNING, p->arch_origin.file, p->arch_origin.line,
                             policy_directive_to_string(POLICY_DIRECTIVE_SYSTEM_CALL_ARCHITECTURES),
                             "A deny list is combined with non-native ABIs: calls made through "
                             "other ABIs (e.g. i386 socketcall/ipc) can evade it; prefer "
                             "SystemCallArchitectures=native (the default)");
                if (r < 0)
                        return r;
        }
        if (p->complain) {
                r = diag_add_code(diags, DIAG_CODE_GENERIC, DIAG_NOTE, p->mode_origin.file, p->mode_origin.line,
                                  policy_directive_to_string(POLICY_DIRECTIVE_POLICY_MODE),
                                  "Complain mode: nothing in this policy is enforced; every call it "
                                  "would refuse runs and is logged, every later execve runs and is "
                                  "reported (calls from ABIs the filter does not cover are still killed)");
                if (r < 0)
                        return r;
        }
        r = lint_partial(p, diags);
        if (r < 0)
                return r;
        r = lint_arg_filters(p, diags);
        if (r < 0)
                return r;
        r = argfilter_lint_siblings(p, diags);
        if (r < 0)
                return r;
        r = argfilter_lint_tautologies(p, diags);
        if (r < 0)
                return r;
        return lint_io_uring(p, diags);
}
