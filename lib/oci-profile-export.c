/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy IR -> OCI profile JSON. Unconditional rules with equal actions share one entry;
 * a syscall with argument checks gets one entry per conjunct of its allowed or denied calls
 * (oci-profile-cond.h), each testing an argument at most once, so that runc's and crun's
 * reading of an entry (all args ANDed) is the one meant.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "oci-profile-cond.h"
#include "oci-profile-export.h"

typedef struct Exporter {
        const Policy *p;
        json_object *syscalls;
        OciNotes *notes;
        bool gate;
        bool exec_seen[2]; /* execve, execveat had rules */
} Exporter;

static bool action_permits(PolicyAction a) {
        return a.type == POLICY_ACTION_ALLOW || a.type == POLICY_ACTION_LOG;
}

static int set(json_object *o, const char *key, json_object *v) {
        if (!v)
                return -ENOMEM;
        if (json_object_object_add(o, key, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

static int append(json_object *a, json_object *v) {
        if (!v)
                return -ENOMEM;
        if (json_object_array_add(a, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

/* ACTION (and ERRNO_KEY) into O. */
static int set_action(Exporter *e, json_object *o, PolicyAction a, const char *key,
                      const char *errno_key) {
        OciAction oa;
        int r;

        switch (a.type) {
        case POLICY_ACTION_ALLOW: oa = OCI_ACTION_ALLOW; break;
        case POLICY_ACTION_LOG: oa = OCI_ACTION_LOG; break;
        case POLICY_ACTION_ERRNO: oa = OCI_ACTION_ERRNO; break;
        case POLICY_ACTION_KILL: oa = OCI_ACTION_KILL_PROCESS; break;
        default:
                r = oci_notes_add(e->notes, "a notify action: written as ENOSYS");
                if (r < 0)
                        return r;
                a = POLICY_ERRNO(ENOSYS);
                oa = OCI_ACTION_ERRNO;
        }
        if ((r = set(o, key, json_object_new_string(oci_action_to_string(oa)))) < 0)
                return r;
        if (oa == OCI_ACTION_ERRNO)
                return set(o, errno_key, json_object_new_uint64(a.errno_value));
        return 0;
}

static int new_entry(Exporter *e, PolicyAction a, json_object **ret_entry, json_object **ret_names) {
        json_object *o = json_object_new_object(), *names = json_object_new_array();
        int r;

        if (!o || !names) {
                json_object_put(o);
                json_object_put(names);
                return -ENOMEM;
        }
        if ((r = set(o, "names", names)) < 0 || (r = set_action(e, o, a, "action", "errnoRet")) < 0) {
                json_object_put(o);
                return r;
        }
        if ((r = append(e->syscalls, o)) < 0)
                return r;
        *ret_entry = o;
        *ret_names = names;
        return 0;
}

static int add_arg(json_object *args, unsigned index, PolicyCmp op, uint64_t v, uint64_t v2) {
        json_object *a = json_object_new_object();
        int r;

        if (!a)
                return -ENOMEM;
        if ((r = set(a, "index", json_object_new_uint64(index))) < 0 ||
            (r = set(a, "value", json_object_new_uint64(v))) < 0 ||
            (r = set(a, "valueTwo", json_object_new_uint64(v2))) < 0 ||
            (r = set(a, "op", json_object_new_string(oci_cmp_to_string(op)))) < 0) {
                json_object_put(a);
                return r;
        }
        return append(args, a);
}

/* One entry per conjunct of D: calls to NAME that match get A. */
static int add_dnf(Exporter *e, const char *name, PolicyAction a, const OciDnf *d) {
        int r;

        for (size_t i = 0; i < d->n; i++) {
                json_object *entry, *names, *args = json_object_new_array();
                if (!args)
                        return -ENOMEM;
                if ((r = new_entry(e, a, &entry, &names)) < 0 ||
                    (r = append(names, json_object_new_string(name))) < 0) {
                        json_object_put(args);
                        return r;
                }
                if ((r = set(entry, "args", args)) < 0)
                        return r;
                for (unsigned k = 0; k < 6; k++) {
                        uint64_t m = d->terms[i].mask[k], v = d->terms[i].value[k];
                        if (m == 0)
                                continue;
                        r = m == UINT64_MAX ? add_arg(args, k, POLICY_CMP_EQ, v, 0)
                                            : add_arg(args, k, POLICY_CMP_MASKED_EQ, m, v);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* A conditional rule as entries: as written when it tests each argument once, else through
 * the normal form. */
static int add_rule_deny(Exporter *e, const PolicyRule *rule) {
        OciDnf d = {};
        unsigned seen = 0;
        bool simple = true;
        int r;

        for (unsigned i = 0; i < rule->n_conds; i++) {
                simple = simple && rule->conds[i].arg < 6 && !(seen & (1u << rule->conds[i].arg));
                seen |= 1u << (rule->conds[i].arg % 6);
        }
        if (simple) {
                json_object *entry, *names, *args = json_object_new_array();
                if (!args)
                        return -ENOMEM;
                if ((r = new_entry(e, rule->action, &entry, &names)) < 0 ||
                    (r = append(names, json_object_new_string(rule->syscall))) < 0) {
                        json_object_put(args);
                        return r;
                }
                if ((r = set(entry, "args", args)) < 0)
                        return r;
                for (unsigned i = 0; i < rule->n_conds; i++) {
                        const PolicyCond *c = &rule->conds[i];
                        r = c->op == POLICY_CMP_MASKED_EQ ? add_arg(args, c->arg, c->op, c->a, c->b)
                                                          : add_arg(args, c->arg, c->op, c->a, 0);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        r = oci_dnf_from_conds(rule->conds, rule->n_conds, &d);
        if (r >= 0)
                r = add_dnf(e, rule->syscall, rule->action, &d);
        oci_dnf_done(&d);
        return r;
}

/* The allowed form: U for the calls no conditional rule of NAME matches. */
static int add_allowed_form(Exporter *e, const char *name, PolicyAction u, const PolicyRule *rules,
                            size_t n) {
        OciDnf denied = {}, allowed = {};
        char abuf[32], dbuf[32];
        int r = 0;

        for (size_t i = 0; r >= 0 && i < n; i++) {
                OciDnf d = {};
                if (!policy_action_equal(rules[i].action, e->p->default_action))
                        r = oci_notes_add(e->notes, "%s: calls its argument checks refuse get the "
                                          "default action (%s), not %s: one libseccomp filter keeps "
                                          "one decision per syscall", name,
                                          policy_action_format(e->p->default_action, dbuf, sizeof dbuf),
                                          policy_action_format(rules[i].action, abuf, sizeof abuf));
                if (r >= 0)
                        r = oci_dnf_from_conds(rules[i].conds, rules[i].n_conds, &d);
                if (r >= 0)
                        r = oci_dnf_or(&denied, &d);
                oci_dnf_done(&d);
        }
        if (r >= 0)
                r = oci_dnf_not(&denied, &allowed);
        if (r >= 0)
                r = add_dnf(e, name, u, &allowed);
        oci_dnf_done(&denied);
        oci_dnf_done(&allowed);
        return r;
}

/* The entries of unconditional rules, one per action, in order of first use. */
typedef struct UncondEntries {
        PolicyAction *actions;
        json_object **names; /* owned by the entries in the profile */
        size_t n, allocated_actions, allocated_names;
} UncondEntries;

static void uncond_entries_done(UncondEntries *u) {
        free(u->actions);
        free(u->names);
}

static int add_unconditional(Exporter *e, UncondEntries *u, const char *name, PolicyAction a) {
        json_object *entry;
        size_t i;
        int r;

        for (i = 0; i < u->n; i++)
                if (policy_action_equal(u->actions[i], a))
                        break;
        if (i == u->n) {
                if (GREEDY_REALLOC(u->actions, u->allocated_actions, u->n + 1) < 0 ||
                    GREEDY_REALLOC(u->names, u->allocated_names, u->n + 1) < 0)
                        return -ENOMEM;
                if ((r = new_entry(e, a, &entry, &u->names[i])) < 0)
                        return r;
                u->actions[i] = a;
                u->n++;
        }
        return append(u->names[i], json_object_new_string(name));
}

static int export_syscall(Exporter *e, UncondEntries *u, const PolicyRule *rules, size_t n) {
        const char *name = rules[0].syscall;
        PolicyAction d = e->p->default_action, a = d;
        char abuf[32], buf[32];
        size_t first_cond = 0;
        int r;

        if (rules[0].n_conds == 0) {
                a = rules[0].action;
                first_cond = 1;
        }
        if (e->gate && (streq(name, "execve") || streq(name, "execveat"))) {
                e->exec_seen[streq(name, "execveat")] = true;
                if (action_permits(d))
                        return 0;
                return add_unconditional(e, u, name, POLICY_ACTION(POLICY_ACTION_ALLOW));
        }
        if (first_cond == n || !action_permits(a)) {
                for (size_t i = first_cond; i < n; i++)
                        if (policy_action_compare(rules[i].action, a) > 0 &&
                            (r = oci_notes_add(e->notes, "%s: the argument checks that give %s on top "
                                               "of %s", name,
                                               policy_action_format(rules[i].action, buf, sizeof buf),
                                               policy_action_format(a, abuf, sizeof abuf))) < 0)
                                return r;
                return policy_action_equal(a, d) ? 0 : add_unconditional(e, u, name, a);
        }
        if (!action_permits(d))
                return add_allowed_form(e, name, a, rules + first_cond, n - first_cond);
        if (!policy_action_equal(a, d) &&
            (r = oci_notes_add(e->notes, "%s: %s with argument checks under a %s default is "
                               "written as plain argument checks", name,
                               policy_action_format(a, abuf, sizeof abuf),
                               policy_action_format(d, buf, sizeof buf))) < 0)
                return r;
        for (size_t i = first_cond; i < n; i++)
                if ((r = add_rule_deny(e, &rules[i])) < 0)
                        return r;
        return 0;
}

static int export_notes(Exporter *e) {
        bool mdwe = false, cond = false;
        int r = 0;

        for (size_t i = 0; i < e->p->n_rules; i++) {
                mdwe = mdwe || e->p->rules[i].origin.directive == POLICY_DIRECTIVE_MEMORY_DENY_WRITE_EXECUTE;
                cond = cond || e->p->rules[i].n_conds > 0;
        }
        if (e->gate)
                r = oci_notes_add(e->notes, "the exec gate: the container may call "
                                  "execve/execveat after it starts (the policy denies them)");
        if (r >= 0 && mdwe)
                r = oci_notes_add(e->notes, "MemoryDenyWriteExecute=: PR_SET_MDWE and the "
                                  "executable-stack check of the launch (its mmap/mprotect "
                                  "rules are carried)");
        if (r >= 0 && cond && e->p->n_arches > 1)
                r = oci_notes_add(e->notes, "the ABI-specific rules (old mmap on i386/s390, "
                                  "socketcall()/ipc() multiplexers, s390 clone flags): the "
                                  "profile tests the same arguments on every ABI");
        return r;
}

int oci_export(const Policy *p, char **ret_json, OciNotes *notes) {
        Exporter e = { .p = p, .notes = notes, .gate = policy_denies_exec(p) };
        UncondEntries u = {};
        json_object *root = json_object_new_object(), *arches = json_object_new_array();
        const char *s;
        char *text;
        int r;

        if (!root || !arches || !(e.syscalls = json_object_new_array())) {
                json_object_put(arches);
                r = -ENOMEM;
                goto finish;
        }
        if ((r = set_action(&e, root, p->default_action, "defaultAction", "defaultErrnoRet")) < 0 ||
            (r = set(root, "architectures", arches)) < 0)
                goto finish;
        for (size_t i = 0; i < p->n_arches; i++) {
                const char *n = oci_arch_to_string(p->arches[i]);
                if (!n)
                        r = oci_notes_add(notes, "architecture 0x%x (no OCI name)",
                                          p->arches[i]);
                else
                        r = append(arches, json_object_new_string(n));
                if (r < 0)
                        goto finish;
        }
        if ((r = set(root, "syscalls", json_object_get(e.syscalls))) < 0)
                goto finish;
        for (size_t i = 0, j; i < p->n_rules; i = j) {
                for (j = i + 1; j < p->n_rules && streq(p->rules[i].syscall, p->rules[j].syscall); j++)
                        ;
                if ((r = export_syscall(&e, &u, p->rules + i, j - i)) < 0)
                        goto finish;
        }
        /* The gate's calls without a rule of their own have the (denying) default. */
        for (unsigned k = 0; e.gate && k < 2; k++)
                if (!e.exec_seen[k] && !action_permits(p->default_action) &&
                    (r = add_unconditional(&e, &u, k == 0 ? "execve" : "execveat",
                                           POLICY_ACTION(POLICY_ACTION_ALLOW))) < 0)
                        goto finish;
        if ((r = export_notes(&e)) < 0)
                goto finish;
        s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s || asprintf(&text, "%s\n", s) < 0) {
                r = -ENOMEM;
                goto finish;
        }
        *ret_json = text;
        r = 0;
finish:
        uncond_entries_done(&u);
        json_object_put(e.syscalls);
        json_object_put(root);
        return r;
}
