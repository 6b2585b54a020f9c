/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From parsed argument filter lines to the policy IR. Each line becomes "deny when any
 * conjunct of its negation matches": lines for one syscall are ANDed, so the negation of
 * their AND is the union of the lines' negations, and each line can be compiled on its own,
 * without cross products. The rules sit in the IR's conditional layer, which only ever
 * restricts (policy.h): an argument filter never allows what the rest of the policy refuses.
 */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argfilter-policy.h"

/* A conjunct without conditions (the line can never hold) still needs one to stay in the
 * conditional layer: (arg0 & 0) == 0 is always true. */
static const PolicyCond always_true = { .arg = 0, .op = POLICY_CMP_MASKED_EQ, .a = 0, .b = 0 };

/* ABIs whose filters libseccomp compares on the low 32 bits of each argument: those with
 * 32-bit registers, and x32 and MIPS n32 (64-bit registers, 32-bit longs). */
static bool has_32bit_abi(const Policy *p) {
        for (size_t i = 0; i < p->n_arches; i++)
                if (!(p->arches[i] & __AUDIT_ARCH_64BIT))
                        return true;
        return false;
}

static bool has_64bit_registers_compared_32(const Policy *p) {
        for (size_t i = 0; i < p->n_arches; i++)
                if (p->arches[i] == SCMP_ARCH_X32 || p->arches[i] == SCMP_ARCH_MIPS64N32 ||
                    p->arches[i] == SCMP_ARCH_MIPSEL64N32)
                        return true;
        return false;
}

int argfilter_policy_check(const Policy *p, const ArgFilter *f, char **ret_message) {
        const char *name = argfilter_syscall(f);
        int r;

        /* A line for a syscall no enabled ABI knows would silently do nothing. */
        if (!policy_syscall_known(p, name))
                r = asprintf(ret_message, "System call %s is not known on any enabled "
                             "architecture", name);
        else if (argfilter_tests_64bit(f, true) && has_32bit_abi(p))
                r = asprintf(ret_message, "Testing a signed 64-bit argument is not supported "
                             "yet when SystemCallArchitectures= enables a 32-bit ABI (it sees a "
                             "sign-extended 32-bit value there)");
        else if (argfilter_tests_64bit(f, false) && has_64bit_registers_compared_32(p))
                r = asprintf(ret_message, "Testing a 64-bit argument is not supported yet when "
                             "SystemCallArchitectures= enables x32 or MIPS n32 (only the low 32 "
                             "bits of its 64-bit registers can be compared there)");
        else
                return 0;
        return r < 0 ? -ENOMEM : -EINVAL;
}

static PolicyAction line_action(const ArgFilterLine *l, PolicyAction deny_action) {
        PolicyAction a = deny_action;

        (void) argfilter_action(l->filter, &a);
        return a;
}

/* The calls every kill line for LINES[I]'s syscall allows, into *RET; 0 with RET untouched
 * when there is none; -E2BIG when too complex. */
static int kill_lines_allow(const ArgFilterLine *lines, size_t n, size_t i,
                            PolicyAction deny_action, ArgFilterDnf *ret) {
        _cleanup_free_ const ArgFilter **kill = calloc(n, sizeof *kill);
        const char *name = argfilter_syscall(lines[i].filter);
        size_t k = 0;

        if (!kill)
                return -ENOMEM;
        for (size_t j = 0; j < n; j++)
                if (j != i && streq(argfilter_syscall(lines[j].filter), name) &&
                    line_action(&lines[j], deny_action).type == POLICY_ACTION_KILL)
                        kill[k++] = lines[j].filter;
        if (k == 0)
                return 0;
        return argfilter_dnf(kill, k, false, ret, NULL) < 0 ? -E2BIG : 1;
}

/* The conjuncts that refuse a call for LINES[I], into *RET. */
static int line_refusals(const ArgFilterLine *lines, size_t n, size_t i, PolicyAction deny_action,
                         ArgFilterDnf *ret) {
        _cleanup_(argfilter_dnf_done) ArgFilterDnf neg = {}, allowed = {};
        int r;

        r = argfilter_dnf((const ArgFilter *const[]) { lines[i].filter }, 1, true, &neg, NULL);
        if (r < 0)
                return r;
        if (line_action(&lines[i], deny_action).type != POLICY_ACTION_KILL) {
                r = kill_lines_allow(lines, n, i, deny_action, &allowed);
                if (r == -ENOMEM)
                        return r;
                if (r > 0) {
                        r = argfilter_dnf_and(&neg, &allowed, ret);
                        if (r != -E2BIG)
                                return r; /* done, or -ENOMEM */
                }
        }
        *ret = neg; /* no kill line, or the cut is too complex: overlap */
        neg = (ArgFilterDnf) {};
        return 0;
}

int argfilter_policy_add(Policy *p, const ArgFilterLine *lines, size_t n, PolicyAction deny_action,
                         size_t *ret_failed) {
        int r;

        for (size_t i = 0; i < n; i++) {
                _cleanup_(argfilter_dnf_done) ArgFilterDnf dnf = {};
                _cleanup_free_ char *text = NULL;
                const char *name = argfilter_syscall(lines[i].filter);
                PolicyAction action = line_action(&lines[i], deny_action);
                PolicyOrigin o = lines[i].origin;

                if ((r = line_refusals(lines, n, i, deny_action, &dnf)) < 0 ||
                    (r = argfilter_format(lines[i].filter, &text)) < 0 ||
                    (r = policy_add_note(p, name, text, o)) < 0)
                        return r;
                for (size_t t = 0; t < dnf.n_terms; t++) {
                        const ArgFilterTerm *term = &dnf.terms[t];
                        r = term->n_conds > 0 ?
                                    policy_add_rule(p, name, action, o, term->conds, term->n_conds) :
                                    policy_add_rule(p, name, action, o, &always_true, 1);
                        if (r < 0) {
                                if (ret_failed)
                                        *ret_failed = i;
                                return r;
                        }
                }
        }
        return 0;
}
