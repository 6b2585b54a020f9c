/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The complain-mode transformation of a policy (see policy-complain.h): a pure rewrite of the
 * IR, so that the compiler, the filter cache and `analyze` need to know nothing of it beyond
 * Policy.complain.
 */
#include <errno.h>
#include <string.h>

#include "hashmap.h"
#include "policy-complain.h"
#include "string-table.h"

DEFINE_STRING_TABLE(policy_mode, PolicyMode, _POLICY_MODE_MAX,
                    [POLICY_MODE_ENFORCE] = "enforce",
                    [POLICY_MODE_COMPLAIN] = "complain");

PolicyAction policy_complain_action(PolicyAction a) {
        if (a.type == POLICY_ACTION_ERRNO || a.type == POLICY_ACTION_KILL)
                return POLICY_ACTION(POLICY_ACTION_LOG);
        return a;
}

int policy_complain(Policy *p) {
        size_t j = 0;

        if (p->n_ref != 1 || p->store)
                return -EBUSY; /* shared policies are immutable */
        p->default_action = policy_complain_action(p->default_action);
        for (size_t i = 0; i < p->n_rules; i++) {
                PolicyRule *r = &p->rules[i];
                /* Refusals of execve and execveat stay: they keep the exec gate on
                 * (policy_denies_exec()), which lets those calls run and reports them, and
                 * say what it would have done. */
                if (!(r->n_conds == 0 && policy_is_exec_call(r->syscall)))
                        r->action = policy_complain_action(r->action);
                /* An unconditional rule equal to the default says nothing (and libseccomp
                 * refuses a rule whose action is the default action). */
                if (r->n_conds == 0 && policy_action_equal(r->action, p->default_action))
                        continue;
                p->rules[j++] = *r;
        }
        if (j != p->n_rules) {
                p->n_rules = j;
                /* Rules moved: the next policy_add_rule() rebuilds the index; removing
                 * elements keeps a sorted array sorted. */
                p->index = hashmap_free(p->index);
        }
        p->complain = true;
        return 0;
}

bool policy_complain_actions_logged(const char *text) {
        const char *w = text;

        while (w && *w) {
                size_t n;
                w += strspn(w, " \t\n");
                n = strcspn(w, " \t\n");
                if (n == 3 && strncmp(w, "log", 3) == 0)
                        return true;
                w += n;
        }
        return false;
}
