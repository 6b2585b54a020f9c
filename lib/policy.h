/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seccomp policy IR: plain data describing what one service's filter does, independent of
 * libseccomp and of any ABI's syscall numbers.
 *
 *  - default_action applies to every syscall without an unconditional rule (ALLOW, LOG, or
 *    ERRNO(ENOSYS) for an allow list);
 *  - at most one unconditional rule per syscall name gives its action;
 *  - conditional rules (argument checks, ANDed within a rule, rules ORed) only ever restrict:
 *    they are evaluated in their own default-ALLOW layer, and the kernel's "most restrictive
 *    action wins" combines that layer with the unconditional one (see filter.c);
 *  - arches lists the ABIs the filter lets through; all others kill the process.
 *
 * Every rule remembers the directive and file:line that decided it, for `analyze` and
 * `verify`. The IR is built from unit directives by policy-build.c and compiled by filter.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arch-util.h"
#include "diag.h"
#include "macro.h"

/* Ordered by severity, as the kernel ranks the corresponding SECCOMP_RET_* values. */
typedef enum PolicyActionType {
        POLICY_ACTION_ALLOW,
        POLICY_ACTION_LOG,
        POLICY_ACTION_NOTIFY,
        POLICY_ACTION_ERRNO,
        POLICY_ACTION_KILL, /* SECCOMP_RET_KILL_PROCESS */
        _POLICY_ACTION_TYPE_MAX,
} PolicyActionType;

/* Four bytes: every rule carries one. */
typedef struct PolicyAction {
        uint8_t type;         /* PolicyActionType */
        uint16_t errno_value; /* only for POLICY_ACTION_ERRNO; 0..ERRNO_MAX */
} PolicyAction;

#define POLICY_ACTION(t) ((PolicyAction) { .type = (t) })
#define POLICY_ERRNO(e) ((PolicyAction) { .type = POLICY_ACTION_ERRNO, .errno_value = (e) })

typedef enum PolicyDirective {
        POLICY_DIRECTIVE_NONE, /* the built-in default: nothing restricts */
        POLICY_DIRECTIVE_SYSTEM_CALL_FILTER,
        POLICY_DIRECTIVE_SYSTEM_CALL_ERROR_NUMBER,
        POLICY_DIRECTIVE_SYSTEM_CALL_ARCHITECTURES,
        POLICY_DIRECTIVE_SYSTEM_CALL_LOG,
        POLICY_DIRECTIVE_RESTRICT_ADDRESS_FAMILIES,
        POLICY_DIRECTIVE_RESTRICT_NAMESPACES,
        POLICY_DIRECTIVE_LOCK_PERSONALITY,
        POLICY_DIRECTIVE_MEMORY_DENY_WRITE_EXECUTE,
        POLICY_DIRECTIVE_RESTRICT_REALTIME,
        POLICY_DIRECTIVE_RESTRICT_SUID_SGID,
        POLICY_DIRECTIVE_PROTECT_CLOCK,
        POLICY_DIRECTIVE_PROTECT_KERNEL_MODULES,
        POLICY_DIRECTIVE_PROTECT_KERNEL_LOGS,
        POLICY_DIRECTIVE_PROTECT_KERNEL_TUNABLES,
        POLICY_DIRECTIVE_PROTECT_HOSTNAME,
        POLICY_DIRECTIVE_PRIVATE_DEVICES,
        POLICY_DIRECTIVE_EXEC_GATE, /* added by policy_derive_gate(), not by a unit */
        POLICY_DIRECTIVE_SYSTEM_CALL_ARGUMENT_FILTER, /* [X-Syscage], not [Service] */
        POLICY_DIRECTIVE_POLICY_MODE,                 /* [X-Syscage] PolicyMode= */
        _POLICY_DIRECTIVE_MAX,
} PolicyDirective;

/* Comparison on one 64-bit syscall argument; the same set libseccomp offers. */
typedef enum PolicyCmp {
        POLICY_CMP_NE,
        POLICY_CMP_LT,
        POLICY_CMP_LE,
        POLICY_CMP_EQ,
        POLICY_CMP_GE,
        POLICY_CMP_GT,
        POLICY_CMP_MASKED_EQ, /* (arg & a) == b */
        _POLICY_CMP_MAX,
} PolicyCmp;

typedef struct PolicyCond {
        unsigned arg; /* 0..5 */
        PolicyCmp op;
        uint64_t a, b; /* a: the operand, or the mask for MASKED_EQ; b: MASKED_EQ's value */
} PolicyCond;

#define POLICY_CONDS_MAX 6
/* Bound on rules in one policy; far above what the directives can produce (@known is ~500). */
#define POLICY_RULES_MAX 8192

typedef struct PolicyOrigin {
        const char *file; /* interned in Policy.files; NULL when not from a file */
        unsigned line;
        PolicyDirective directive;
} PolicyOrigin;

/* 40 bytes plus the name: argument conditions live out of line, in the policy's arena, so
 * only rules that have them pay for them. */
typedef struct PolicyRule {
        const char *syscall;     /* in the policy's arena */
        const PolicyCond *conds; /* n_conds of them in the arena; NULL when unconditional */
        PolicyOrigin origin;
        PolicyAction action;
        unsigned n_conds; /* 0: unconditional */
} PolicyRule;

/* One SystemCallArgumentFilter= line in canonical form, kept for `analyze`. Like an origin it
 * says where rules came from, not what the policy does: not compared, hashed or shared. */
typedef struct PolicyNote {
        char *syscall;
        char *text;
        PolicyOrigin origin;
} PolicyNote;

/* A name a later line took out of the SystemCallFilter= list (an allow list's "~uname", a deny
 * list's plain "uname"): the line that decided the call, for `analyze policy`. Like a note, not
 * compared, hashed or shared. */
typedef struct PolicyRemoval {
        char *syscall;
        PolicyOrigin origin;
} PolicyRemoval;

typedef struct PolicyArenaChunk PolicyArenaChunk;
typedef struct PolicyStore PolicyStore;
typedef struct Policy Policy;
typedef struct Hashmap Hashmap;

struct Policy {
        PolicyAction default_action;
        PolicyOrigin default_origin;
        /* What a denial means for this unit: SystemCallErrorNumber= (kill unless set). The
         * exec gate uses it for the seccomp(NEW_LISTENER) rule, and for denied execve unless
         * the policy says otherwise (policy_exec_gate_action()). */
        PolicyAction deny_action;
        PolicyOrigin deny_origin;
        bool allow_list;            /* SystemCallFilter= is an allow list */
        bool deny_list;             /* SystemCallFilter= is a non-empty deny list */
        PolicyOrigin filter_origin; /* the line that set the SystemCallFilter= mode */
        uint32_t arches[ARCH_SET_MAX]; /* SCMP_ARCH_*; arches[0] is native */
        size_t n_arches;
        PolicyOrigin arch_origin;
        PolicyRule *rules; /* sorted: by syscall name, unconditional first */
        size_t n_rules, allocated_rules;
        char **files; /* interned file names the origins point into */
        PolicyNote *notes; /* argument filter lines, in file order */
        size_t n_notes;
        PolicyRemoval *removals; /* names removed from the SystemCallFilter= list */
        size_t n_removals;
        /* [X-Syscage] PolicyMode=complain (policy-complain.h): every refusal was turned into
         * LOG, and the exec gate lets later execve through and reports it. Compared and
         * hashed: it changes what the gate does. */
        bool complain;
        PolicyOrigin mode_origin;

        /* Storage and lookup. While rules are being added, INDEX maps a syscall name to its
         * unconditional rule (index + 1), so adding R rules costs O(R); policy_sort() drops it
         * and lookups become binary searches on the sorted array. */
        PolicyArenaChunk *arena; /* names and conditions; never moves, freed with the policy */
        Hashmap *index;
        bool sorted;

        /* Sharing (policy-store.h). A policy in a store is immutable and has no origins. */
        unsigned n_ref;
        PolicyStore *store;
        Policy *store_next; /* the next policy in the store with the same content hash */
        char *store_text;   /* the directives the store remembers as building it; or NULL */
};

const char *policy_action_type_to_string(PolicyActionType t);
const char *policy_directive_to_string(PolicyDirective d);
/* Whether KEY is a unit file setting that shapes the policy (SystemCallFilter=, ...). */
bool policy_directive_is_unit_key(const char *key);
const char *policy_cmp_to_string(PolicyCmp c);
/* "allow", "log", "notify", "errno EPERM", "errno 0", "kill". */
const char *policy_action_format(PolicyAction a, char *buf, size_t size);
bool policy_action_equal(PolicyAction a, PolicyAction b);
/* Kernel precedence: positive when A is more restrictive than B. Errnos rank equal. */
int policy_action_compare(PolicyAction a, PolicyAction b);
/* The SECCOMP_RET_* value for A. */
uint32_t policy_action_to_ret(PolicyAction a);

/* An empty policy: default ALLOW, native ABI only, deny action kill; one reference. */
int policy_new(Policy **ret);
Policy *policy_ref(Policy *p);
/* Drops one reference; the last one frees P (and takes it out of its store). Returns NULL. */
Policy *policy_unref(Policy *p);
/* The same as policy_unref(): an unshared policy has exactly one reference. */
Policy *policy_free(Policy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Policy *, policy_free);
/* A new, unshared policy with P's content and origins. */
int policy_copy(const Policy *p, Policy **ret);

/* Whether A and B compile to the same programs: default and deny actions, the ABI set (in
 * any order) and whether it was set explicitly, the list mode, and every rule with its
 * conditions; origins are not compared. Both must be sorted (policy_sort()). */
bool policy_equal(const Policy *a, const Policy *b);
/* Forgets every origin (file, line, directive) and the file names. Only the fact that
 * SystemCallArchitectures= was set survives, as arch_origin.directive. */
void policy_strip_origins(Policy *p);
/* Sorts P and packs its storage into exactly sized blocks, for a policy that will not change
 * again. -ENOMEM leaves P valid (sorted, not packed). */
int policy_freeze(Policy *p);
/* Bytes P occupies on the heap (struct, rules, arena, file names; not allocator overhead). */
size_t policy_memory_size(const Policy *p);

/* Returns a pointer to a copy of FILE owned by P (NULL stays NULL). */
int policy_intern_file(Policy *p, const char *file, const char **ret);
/* Adds a rule (copying SYSCALL; the origin's file must be interned in P). An unconditional
 * rule replaces an earlier unconditional one for the same syscall. -E2BIG past
 * POLICY_RULES_MAX. */
int policy_add_rule(Policy *p, const char *syscall, PolicyAction action, PolicyOrigin origin,
                    const PolicyCond *conds, unsigned n_conds);
/* Records an argument filter line (the origin's file must be interned in P). */
int policy_add_note(Policy *p, const char *syscall, const char *text, PolicyOrigin origin);
/* Records that ORIGIN took SYSCALL out of the SystemCallFilter= list. */
int policy_add_removal(Policy *p, const char *syscall, PolicyOrigin origin);
/* Sorts rules into canonical order. Call after the last policy_add_rule(). */
void policy_sort(Policy *p);

/* The unconditional action for SYSCALL (its rule, or the default), and where it came from. */
void policy_effective_action(const Policy *p, const char *syscall, PolicyAction *ret,
                             PolicyOrigin *ret_origin);
bool policy_has_conditions(const Policy *p, const char *syscall);
bool policy_has_arch(const Policy *p, uint32_t arch);
/* Whether libseccomp knows SYSCALL on at least one of P's ABIs. */
bool policy_syscall_known(const Policy *p, const char *syscall);

/* True when the policy restricts nothing: no filter needs to be loaded. */
bool policy_is_empty(const Policy *p);

/* Whether SYSCALL is execve or execveat, the calls the exec gate decides. */
bool policy_is_exec_call(const char *syscall);

/* True when launching needs the exec gate: execve or execveat is not plainly allowed. */
bool policy_denies_exec(const Policy *p);

/* How the exec gate answers an execve/execveat after the launch: the policy's own action for
 * execve, or for execveat when execve is not refused outright (so "~execve:EACCES" gives
 * EACCES, "~execve:0" fake success), else the deny action. Always ERRNO (0..4094) or KILL. */
PolicyAction policy_exec_gate_action(const Policy *p);

/* The real and saved uid of syscaged and its fd holder (the effective uid stays 0): a
 * process without CAP_KILL may signal another only if one of its uids equals the target's
 * real or saved uid, so a service running as root cannot signal the supervisor. Not -1, not
 * the overflow uid 65534, above every 16-bit uid. policy_derive_gate() refuses set*uid to it
 * with EPERM, so a gated service with CAP_SETUID cannot take it either. */
#define POLICY_GUARD_UID UINT32_C(4294967293)

/* The launch key: three values the launch execve carries in its otherwise unused argument
 * registers (execve's args 3, 4 and 5), which the kernel ignores but seccomp sees. */
#define POLICY_EXEC_KEY_WORDS 3
typedef struct PolicyExecKey {
        uint64_t word[POLICY_EXEC_KEY_WORDS];
} PolicyExecKey;

/* The policy F_policy is compiled from when the exec gate is active: execve and execveat
 * allowed (the gate decides them), seccomp() with SECCOMP_FILTER_FLAG_NEW_LISTENER refused
 * with the deny action unless seccomp() is already refused outright, and set*uid() to
 * POLICY_GUARD_UID refused with EPERM.
 *
 * With KEY, and when policy_exec_gate_action() is kill, the kernel enforces that kill
 * itself: execve is killed unless its args 3..5 equal KEY, execveat always. A kill action
 * outranks every other filter's result, so a filter the service installs itself (ERRNO
 * beats the gate's USER_NOTIF) cannot turn the kill into a mere failure. Errno actions stay
 * with the gate. KEY NULL: the gate decides everything. */
int policy_derive_gate(const Policy *p, const PolicyExecKey *key, Policy **ret);
/* Whether R is one of the key rules policy_derive_gate() adds (conditional, on execve). */
bool policy_rule_is_exec_key(const PolicyRule *r);

/* A stable 64-bit hash (FNV-1a) of everything policy_equal() compares: actions, rules,
 * conditions, ABIs, deny action, list mode. Origins are not included, so identical policies
 * from different units share one cache entry. Equal hashes do not prove equal policies:
 * compare with policy_equal(). */
uint64_t policy_hash(const Policy *p);

/* The line that decided SYSCALL's unconditional action: its rule's origin, or when the default
 * decides, the line that removed it from the SystemCallFilter= list if one did. */
PolicyOrigin policy_decisive_origin(const Policy *p, const char *syscall);

/* Prints, for every native syscall known to libseccomp (or only ONLY_SYSCALL), its
 * unconditional action and decisive line, followed by its conditional rules. -ENOENT if
 * ONLY_SYSCALL is not a native syscall name; -EIO on write errors. */
int policy_dump(const Policy *p, const char *only_syscall, FILE *f);

/* Warnings for `syscagectl verify` (see policy.c for the list). */
int policy_lint(const Policy *p, DiagList *diags);
