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
#include <stdio.h>
#include <stdlib.h>

#include "argfilter-policy.h"

/* A conjunct without conditions (the line can never hold) still needs one to stay in the
 * conditional layer: (arg0 & 0) == 0 is always true. */
static const PolicyCond always_true = { .arg = 0, .op = POLICY_CMP_MASKED_EQ, .a = 0, .b = 0 };

static bool has_32bit_abi(const Policy *p) {
        for (size_t i = 0; i < p->n_arches; i++)
                if (!(p->arches[i] & __AUDIT_ARCH_64BIT))
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
        else if (argfilter_tests_signed_64bit(f) && has_32bit_abi(p))
                r = asprintf(ret_message, "Testing a signed 64-bit argument is not supported "
                             "yet when SystemCallArchitectures= enables a 32-bit ABI (it sees a "
                             "sign-extended 32-bit value there)");
        else
                return 0;
        return r < 0 ? -ENOMEM : -EINVAL;
}

int argfilter_policy_add(Policy *p, const ArgFilter *f, PolicyAction deny_action,
                         PolicyOrigin origin) {
        _cleanup_(argfilter_dnf_done) ArgFilterDnf dnf = {};
        _cleanup_free_ char *text = NULL;
        const char *name = argfilter_syscall(f);
        PolicyAction action = deny_action;
        int r;

        (void) argfilter_action(f, &action);
        if ((r = argfilter_dnf((const ArgFilter *const[]) { f }, 1, true, &dnf, NULL)) < 0 ||
            (r = argfilter_format(f, &text)) < 0 ||
            (r = policy_add_note(p, name, text, origin)) < 0)
                return r;
        for (size_t t = 0; t < dnf.n_terms; t++) {
                const ArgFilterTerm *term = &dnf.terms[t];
                r = term->n_conds > 0 ?
                            policy_add_rule(p, name, action, origin, term->conds, term->n_conds) :
                            policy_add_rule(p, name, action, origin, &always_true, 1);
                if (r < 0)
                        return r;
        }
        return 0;
}
