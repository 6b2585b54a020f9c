/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "analyze policy" with the node baseline: the baseline as its own layer, and the decision
 * the kernel makes for each syscall with the baseline's filter and the unit's loaded, read
 * from the same file the daemon reads (or --baseline=FILE).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

#include "analyze-baseline.h"
#include "arch-util.h"

/* Syscall numbers looked at on the native ABI: above every real one. */
#define ANALYZE_BASELINE_NR_MAX 1024

int analyze_baseline_load(const char *path, bool explicit, Baseline **ret) {
        _cleanup_(diag_list_done) DiagList diags = {};
        Baseline *b = NULL;
        int r;

        if (!path || ((r = baseline_load(path, &diags, &b)) == -ENOENT && !explicit)) {
                *ret = NULL;
                return 0;
        }
        if (r == -ENOENT) {
                fprintf(stderr, "%s: the baseline does not exist.\n", path);
                return r;
        }
        for (size_t i = 0; i < diags.n; i++)
                diag_print(&diags.items[i], stderr);
        if (r < 0) {
                if (diags.n == 0)
                        fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        *ret = b;
        return 0;
}

static const char *origin_format(const PolicyOrigin *o, char *buf, size_t size) {
        if (o->directive == POLICY_DIRECTIVE_NONE)
                snprintf(buf, size, "(default)");
        else
                snprintf(buf, size, "%s= (%s:%u)", policy_directive_to_string(o->directive),
                         o->file ?: "?", o->line);
        return buf;
}

/* One layer's answer for SYSCALL, "+args" when argument checks may refuse it further. */
static const char *layer_format(const Policy *p, const char *syscall, PolicyAction *ret, char *buf,
                                size_t size) {
        char action[64];

        policy_effective_action(p, syscall, ret, NULL);
        snprintf(buf, size, "%s%s", policy_action_format(*ret, action, sizeof action),
                 policy_has_conditions(p, syscall) ? " +args" : "");
        return buf;
}

/* Where the baseline's answer for SYSCALL comes from: its unconditional rule (or default), or
 * with CONDITIONAL the first of its argument checks. */
static PolicyOrigin baseline_origin(const Policy *p, const char *syscall, bool conditional) {
        PolicyOrigin o;

        if (conditional)
                for (size_t i = 0; i < p->n_rules; i++)
                        if (p->rules[i].n_conds > 0 && streq(p->rules[i].syscall, syscall))
                                return p->rules[i].origin;
        policy_effective_action(p, syscall, NULL, &o);
        return o;
}

static void syscall_print(const Policy *unit, const Baseline *b, const char *syscall, bool all, FILE *f) {
        char u_buf[80], b_buf[80], e_buf[80], a_buf[64], o_buf[512];
        PolicyAction ua, ba;

        layer_format(unit, syscall, &ua, u_buf, sizeof u_buf);
        layer_format(b->policy, syscall, &ba, b_buf, sizeof b_buf);
        /* Equal ranks: the unit's filter is the newer one, and the kernel takes its value. */
        bool stronger = policy_action_compare(ba, ua) > 0;
        bool args = !stronger && ua.type <= POLICY_ACTION_LOG && policy_has_conditions(b->policy, syscall);
        if (!all && !stronger && !args)
                return;
        if (stronger)
                snprintf(e_buf, sizeof e_buf, "%s", policy_action_format(ba, a_buf, sizeof a_buf));
        else if (args)
                snprintf(e_buf, sizeof e_buf, "%s +args", policy_action_format(ua, a_buf, sizeof a_buf));
        else
                snprintf(e_buf, sizeof e_buf, "%s", u_buf);
        PolicyOrigin o = baseline_origin(b->policy, syscall, args);
        fprintf(f, "%-24s %-18s %-18s %-18s %s\n", syscall, u_buf, b_buf, e_buf,
                stronger || args ? origin_format(&o, o_buf, sizeof o_buf) : "(unit)");
}

int analyze_baseline_print(const Policy *unit, const Baseline *b, const char *only, FILE *f) {
        char hash[BASELINE_HASH_STRING_MAX], summary[BASELINE_SUMMARY_MAX];
        uint32_t native = arch_native();

        fprintf(f, "\n# Node baseline: %s (hash %s): %s\n", b->path, baseline_hash_format(b->hash, hash),
                baseline_summary(b, summary, sizeof summary));
        if (only) {
                fprintf(f, "# baseline layer:\n");
                if (policy_dump(b->policy, only, f) < 0)
                        return -EIO;
                fprintf(f, "# effective (unit and baseline, the most restrictive wins):\n");
                syscall_print(unit, b, only, true, f);
                return ferror(f) ? -EIO : 0;
        }
        fprintf(f, "# baseline layer:\n");
        if (policy_dump(b->policy, NULL, f) < 0)
                return -EIO;
        fprintf(f, "\n# effective where the baseline decides (the most restrictive action wins):\n");
        fprintf(f, "%-24s %-18s %-18s %-18s %s\n", "# syscall", "unit", "baseline", "effective", "decided by");
        for (int nr = 0; nr < ANALYZE_BASELINE_NR_MAX; nr++) {
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(native, nr);
                if (name)
                        syscall_print(unit, b, name, false, f);
        }
        return ferror(f) ? -EIO : 0;
}
