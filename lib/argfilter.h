/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument filters: the [X-Syscage] SystemCallArgumentFilter= language.
 *
 *   SystemCallArgumentFilter=SYSCALL[:ACTION]: EXPR
 *
 * A call to SYSCALL is allowed only when EXPR holds; otherwise it gets ACTION (an errno name
 * or number, or "kill"), or the unit's deny action (SystemCallErrorNumber=, else kill) when
 * no ACTION is given. Several lines for one syscall must all hold (they are ANDed); an empty
 * assignment resets the list. The result is intersected with SystemCallFilter=: an argument
 * filter never allows a call the rest of the policy denies.
 *
 * EXPR:
 *   expr   := or
 *   or     := and ('||' and)*
 *   and    := unary ('&&' unary)*
 *   unary  := '!' unary | '(' expr ')' | test
 *   test   := term OP value | term ['not'] 'in' '{' value (',' value)* '}'
 *   term   := ARG | '(' ARG '&' value ')'          (a masked term: == != in only)
 *   value  := atom ('|' atom)*
 *   atom   := NUMBER | '-' NUMBER | CONSTANT
 *   OP     := '==' | '!=' | '<' | '<=' | '>' | '>='
 *
 * ARG is the argument's name from the syscall's table (argfilter-table.c: "fd", "flags",
 * "domain", ...) or arg0..arg5. CONSTANT is a named constant (O_*, AF_*, SOCK_*, CLONE_*,
 * PROT_*, MAP_*, ...), NUMBER decimal, 0x hex or 0 octal.
 *
 * Semantics are those of the kernel, not of the raw 64-bit register: an argument the kernel
 * reads as a 32-bit int is compared on its low 32 bits only (so upper-bit garbage cannot slip
 * past a test), signed types compare signed, and a constant must fit the argument's type.
 * Pointer arguments cannot be filtered (seccomp sees the address, not what it points to):
 * naming one is a parse error that says so.
 *
 * Compilation: the negation of the (ANDed) expressions is put in disjunctive normal form
 * over masked-equality tests, at most one test per argument in each conjunct, which the IR
 * holds as conditional rules with the mismatch action (policy.h): "deny when any conjunct
 * matches". argfilter_dnf() with NEGATE false gives the allowed calls instead, for export.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"
#include "policy.h"

/* Bounds a hostile line cannot exceed. */
#define ARGFILTER_TEXT_MAX 4096u     /* bytes in one value */
#define ARGFILTER_NODES_MAX 256u     /* tests and operators in one expression */
#define ARGFILTER_TERMS_MAX 256u     /* conjuncts in one normal form: "too complex" above */

typedef struct ArgFilter ArgFilter;

/* Parses VALUE (one assignment's value). On error returns -EINVAL and, in *RET_ERROR, a
 * message for the diagnostic ("unknown argument 'fdd' of write; known: fd, count",
 * "argument 'buf' of write is a pointer: seccomp cannot see what it points to", ...);
 * -ENOMEM. */
int argfilter_parse(const char *value, ArgFilter **ret, char **ret_error);
ArgFilter *argfilter_free(ArgFilter *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(ArgFilter *, argfilter_free);

const char *argfilter_syscall(const ArgFilter *f);
/* The line's own ACTION; false when it has none (the unit's deny action applies). */
bool argfilter_action(const ArgFilter *f, PolicyAction *ret);

/* Whether the call with argument registers ARGS satisfies F, evaluated directly on the
 * expression with the kernel's view of each argument (truncated to its type's width). The
 * reference the normal form and the compiled filter are tested against. */
bool argfilter_eval(const ArgFilter *f, const uint64_t args[static 6]);

/* Whether F tests a 64-bit argument (long, loff_t, unsigned long, size_t; ONLY_SIGNED: only
 * the signed ones). A 32-bit ABI passes a signed one as a sign-extended 32-bit value that
 * the 64-bit tests do not describe; x32 passes 64-bit registers of which libseccomp
 * compares only the low word. */
bool argfilter_tests_64bit(const ArgFilter *f, bool only_signed);

/* Canonical text of the whole assignment value ("write: fd == 1 || fd == 2"), which parses
 * back to the same filter. */
int argfilter_format(const ArgFilter *f, char **ret);

/* One conjunct: conditions ANDed, at most one per argument, as libseccomp requires. */
typedef struct ArgFilterTerm {
        PolicyCond conds[POLICY_CONDS_MAX];
        unsigned n_conds; /* 0: always true */
} ArgFilterTerm;

typedef struct ArgFilterDnf {
        ArgFilterTerm *terms; /* ORed; none: always false */
        size_t n_terms;
} ArgFilterDnf;

void argfilter_dnf_done(ArgFilterDnf *d);
/* The AND of two normal forms (whose conditions are all MASKED_EQ), subsumed conjuncts
 * dropped; -E2BIG past ARGFILTER_TERMS_MAX. */
int argfilter_dnf_and(const ArgFilterDnf *a, const ArgFilterDnf *b, ArgFilterDnf *ret);
/* Whether some conjunct of D holds for ARGS (every condition is MASKED_EQ). */
bool argfilter_dnf_eval(const ArgFilterDnf *d, const uint64_t args[static 6]);

/* The disjunctive normal form of the AND of FILTERS' expressions (all for the same syscall),
 * or of its negation when NEGATE. Subsumed conjuncts are dropped. -E2BIG past
 * ARGFILTER_TERMS_MAX (with a message in *RET_ERROR when non-NULL). */
int argfilter_dnf(const ArgFilter *const *filters, size_t n, bool negate, ArgFilterDnf *ret,
                  char **ret_error);

/* The named constant table, for completions and `analyze`: NULL-terminated name list. */
const char *const *argfilter_constant_names(void);
/* Argument names of SYSCALL in the table; NULL when the syscall is not in it. */
const char *const *argfilter_syscall_args(const char *syscall);
