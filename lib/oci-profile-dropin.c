/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The second half of the OCI import: the rules read from a profile, combined per syscall and
 * written as unit directives. How each case is said (or noted as not carried) is described at
 * emit_syscall() and emit_unconditional().
 */
#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch-util.h"
#include "argfilter-table.h"
#include "argfilter.h"
#include "errno-util.h"
#include "oci-profile-dropin.h"
#include "policy-build.h"
#include "strv.h"

#define LINE_WIDTH 78 /* where name lists are wrapped */

typedef struct Writer {
        OciRule *rules;
        size_t n_rules;
        const uint32_t *arches;
        size_t n_arches;
        PolicyAction def;
        /* An allow list's SystemCallErrorNumber= (or kill): the default, unless most known
         * syscalls have a deny entry of their own with another action (an exported policy
         * names every known syscall; its default is the ENOSYS of unknown ones). */
        PolicyAction deny;
        OciNotes *notes;
} Writer;

static char *mfree_str(char *s) {
        free(s);
        return NULL;
}

typedef struct Output {
        char **allow, **deny, **log, **argf;
} Output;

static void output_done(Output *out) {
        strv_free(out->allow);
        strv_free(out->deny);
        strv_free(out->log);
        strv_free(out->argf);
}

static int add_name(char ***l, const char *name, const char *suffix) {
        char *s;
        if (asprintf(&s, "%s%s%s", name, suffix ? ":" : "", suffix ? suffix : "") < 0)
                return -ENOMEM;
        return strv_consume(l, s);
}

static bool action_permits(PolicyAction a) {
        return a.type == POLICY_ACTION_ALLOW || a.type == POLICY_ACTION_LOG;
}

/* "EPERM", "kill", or the number for an errno without a name. */
static const char *action_word(PolicyAction a, char *buf, size_t size) {
        const char *n;

        if (a.type == POLICY_ACTION_KILL)
                return "kill";
        n = errno_to_name(a.errno_value);
        if (n)
                return n;
        snprintf(buf, size, "%u", a.errno_value);
        return buf;
}

static void print_value(FILE *f, uint64_t v) {
        if (v < 0x10000)
                fprintf(f, "%" PRIu64, v);
        else
                fprintf(f, "0x%" PRIx64, v);
}

/* V as the argument's type reads it: a value of a signed type with its sign bit set (in the
 * type's width, or sign-extended to 64 bits) is written as a negative number. */
static void print_typed_value(FILE *f, uint64_t v, bool sig, unsigned width) {
        if (sig && width < 64 && v >= (UINT64_C(1) << (width - 1)) && v < (UINT64_C(1) << width))
                fprintf(f, "-%" PRIu64, (UINT64_C(1) << width) - v);
        else if (sig && (int64_t) v < 0 && (width == 64 || (int64_t) v >= -(INT64_C(1) << (width - 1))))
                fprintf(f, "-%" PRIu64, -v);
        else
                print_value(f, v);
}

/* One OCI condition, which libseccomp applies to the raw 64-bit register, in the unit's
 * language, which reads the argument with its kernel type. For a signed argument an unsigned
 * range test is rewritten so that negative values fall on the same side as in the raw test. */
static void print_cond(FILE *f, const PolicyCond *c, const ArgFilterSyscall *s) {
        static const char *const ops[_POLICY_CMP_MAX] = {
                [POLICY_CMP_NE] = "!=", [POLICY_CMP_LT] = "<", [POLICY_CMP_LE] = "<=",
                [POLICY_CMP_EQ] = "==", [POLICY_CMP_GE] = ">=", [POLICY_CMP_GT] = ">",
        };
        ArgType t = s && c->arg < argfilter_table_n_args(s) ? (ArgType) s->types[c->arg] : ARG_TYPE_ULONG;
        bool sig = arg_type_signed(t);
        unsigned width = arg_type_width(t);

        if (c->op == POLICY_CMP_MASKED_EQ) {
                fprintf(f, "(arg%u & ", c->arg);
                print_value(f, c->a);
                fputs(") == ", f);
                print_value(f, c->b);
                return;
        }
        if (sig && c->op != POLICY_CMP_EQ && c->op != POLICY_CMP_NE &&
            c->a < (UINT64_C(1) << (width - 1))) {
                bool below = c->op == POLICY_CMP_LT || c->op == POLICY_CMP_LE;
                fprintf(f, below ? "(arg%u >= 0 && arg%u %s " : "(arg%u < 0 || arg%u %s ",
                        c->arg, c->arg, ops[c->op]);
                print_value(f, c->a);
                fputc(')', f);
                return;
        }
        if (sig && c->op != POLICY_CMP_EQ && c->op != POLICY_CMP_NE) {
                /* V is negative in the type: raw order puts every non-negative value below it. */
                bool below = c->op == POLICY_CMP_LT || c->op == POLICY_CMP_LE;
                fprintf(f, below ? "(arg%u >= 0 || arg%u %s " : "(arg%u < 0 && arg%u %s ",
                        c->arg, c->arg, ops[c->op]);
                print_typed_value(f, c->a, sig, width);
                fputc(')', f);
                return;
        }
        fprintf(f, "arg%u %s ", c->arg, ops[c->op]);
        print_typed_value(f, c->a, sig, width);
}

/* The rule's conditions as an expression that holds when the rule matches. */
static void print_rule_expr(FILE *f, const OciRule *r, bool alone) {
        const ArgFilterSyscall *s = argfilter_table_syscall(r->name);
        const char *sep = r->ored ? " || " : " && ";
        bool paren = !alone && r->n_conds > 1;

        if (paren)
                fputc('(', f);
        for (unsigned i = 0; i < r->n_conds; i++) {
                if (i > 0)
                        fputs(sep, f);
                print_cond(f, &r->conds[i], s);
        }
        if (paren)
                fputc(')', f);
}

/* One SystemCallArgumentFilter= value: NAME[:ACTION]: [!](R1 || R2 ...) over RULES[0..N)
 * whose action matches WANT (any permitting action when WANT is ALLOW). */
static int format_argfilter(const OciRule *rules, size_t n, PolicyAction want,
                            const char *action, bool negate, char **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        size_t size = 0, k = 0, count = 0;

        for (size_t i = 0; i < n; i++)
                count += rules[i].n_conds > 0 && (action_permits(want) ? action_permits(rules[i].action)
                                                  : policy_action_equal(rules[i].action, want));
        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "%s%s%s: %s", rules[0].name, action ? ":" : "", action ? action : "",
                negate ? "!(" : "");
        for (size_t i = 0; i < n; i++) {
                const OciRule *r = &rules[i];
                if (r->n_conds == 0 || !(action_permits(want) ? action_permits(r->action)
                                         : policy_action_equal(r->action, want)))
                        continue;
                if (k++ > 0)
                        fputs(" || ", f);
                print_rule_expr(f, r, count == 1);
        }
        if (negate)
                fputc(')', f);
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        fclose(TAKE_PTR(f));
        *ret = TAKE_PTR(text);
        return 0;
}

/* Whether the unit language takes LINE with the profile's ABIs (a 64-bit argument cannot be
 * tested when x32 or MIPS n32 is enabled, for one): the policy builder itself decides, on a
 * unit of that one line. Else -EINVAL and the reason in *RET_ERROR. */
static int argfilter_check(const Writer *imp, const char *line, char **ret_error) {
        _cleanup_(argfilter_freep) ArgFilter *f = NULL;
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *text = NULL;
        _cleanup_fclose_ FILE *m = NULL;
        DiagList diags = {};
        size_t size = 0;
        int r;

        r = argfilter_parse(line, &f, ret_error);
        if (r < 0)
                return r;
        m = open_memstream(&text, &size);
        if (!m)
                return -ENOMEM;
        fputs("[Service]\nSystemCallArchitectures=", m);
        for (size_t i = 0; i < imp->n_arches; i++)
                fprintf(m, "%s%s", i > 0 ? " " : "", arch_to_name(imp->arches[i]));
        fprintf(m, "\n[X-Syscage]\nSystemCallArgumentFilter=%s\n", line);
        if (fflush(m) != 0 || ferror(m))
                return -ENOMEM;
        fclose(TAKE_PTR(m));
        r = unit_file_load_string("check.service", "check.service", text, &diags, &u);
        if (r >= 0)
                r = policy_build(u, &diags, &p);
        if (r == -ENOMEM) {
                diag_list_done(&diags);
                return r;
        }
        if (r < 0) {
                for (size_t i = 0; i < diags.n && ret_error && !*ret_error; i++)
                        if (diags.items[i].level == DIAG_ERROR)
                                *ret_error = strdup(diags.items[i].message);
                diag_list_done(&diags);
                return -EINVAL;
        }
        diag_list_done(&diags);
        return 0;
}

/* NAME always gets A, said as two complementary argument tests (each line must hold, so one
 * of them always fails): how a per-syscall action is written in an allow list. */
static int add_always(Writer *imp, Output *out, const char *name, PolicyAction a) {
        char buf[16];
        const char *w = action_word(a, buf, sizeof buf);

        for (unsigned k = 0; k < 6; k++) {
                _cleanup_free_ char *l1 = NULL, *l2 = NULL, *err = NULL;
                int r;

                if (asprintf(&l1, "%s:%s: arg%u == 0", name, w, k) < 0 ||
                    asprintf(&l2, "%s:%s: arg%u != 0", name, w, k) < 0)
                        return -ENOMEM;
                r = argfilter_check(imp, l1, &err);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        continue;
                if ((r = add_name(&out->allow, name, NULL)) < 0 ||
                    (r = strv_consume(&out->argf, TAKE_PTR(l1))) < 0)
                        return r;
                return strv_consume(&out->argf, TAKE_PTR(l2));
        }
        return 1;
}

/* A syscall that an unconditional entry decides. */
static int emit_unconditional(Writer *imp, Output *out, const char *name, PolicyAction a) {
        bool allow_list = !action_permits(imp->def);
        char buf[16], abuf[32], dbuf[32];

        if (policy_action_equal(a, allow_list ? imp->deny : imp->def))
                return 0;
        if (a.type == POLICY_ACTION_LOG && imp->def.type == POLICY_ACTION_ALLOW)
                return add_name(&out->log, name, NULL);
        if (action_permits(a)) {
                if (!allow_list)
                        return 0; /* ALLOW under a LOG default: noted with the default */
                if (a.type == POLICY_ACTION_LOG && add_name(&out->log, name, NULL) < 0)
                        return -ENOMEM;
                return add_name(&out->allow, name, NULL);
        }
        if (allow_list) {
                int r = add_always(imp, out, name, a);
                if (r <= 0)
                        return r;
                return oci_notes_add(imp->notes, "%s: its own action (%s) cannot be said in an "
                                     "allow list; it gets %s", name,
                                     policy_action_format(a, abuf, sizeof abuf),
                                     policy_action_format(imp->deny, dbuf, sizeof dbuf));
        }
        return add_name(&out->deny, name, a.type == POLICY_ACTION_KILL ? NULL
                                          : action_word(a, buf, sizeof buf));
}

/* All rules for one syscall, RULES[0..N), in profile order. */
static int emit_syscall(Writer *imp, Output *out, const OciRule *rules, size_t n) {
        const char *name = rules[0].name;
        bool allow_list = !action_permits(imp->def), have_allow = false;
        _cleanup_free_ char *line = NULL, *err = NULL;
        const OciRule *uncond = NULL;
        char abuf[32], buf[16];
        int r;

        for (size_t i = 0; i < n; i++)
                if (rules[i].n_conds == 0 &&
                    (!uncond || (action_permits(rules[i].action) && !action_permits(uncond->action))))
                        uncond = &rules[i];
        if (uncond) {
                for (size_t i = 0; i < n; i++)
                        if (&rules[i] != uncond && !policy_action_equal(rules[i].action, uncond->action) &&
                            (r = oci_notes_add(imp->notes, "%s: an unconditional %s entry decides "
                                               "every call, not its other entries (%s)",
                                               name, policy_action_format(uncond->action, abuf, sizeof abuf),
                                               policy_action_format(rules[i].action, buf, sizeof buf))) < 0)
                                return r;
                return emit_unconditional(imp, out, name, uncond->action);
        }

        for (size_t i = 0; i < n; i++)
                have_allow = have_allow || action_permits(rules[i].action);
        if (allow_list) {
                for (size_t i = 0; i < n; i++)
                        if (!action_permits(rules[i].action) &&
                            !policy_action_equal(rules[i].action, imp->def) &&
                            (r = oci_notes_add(imp->notes, "%s: a conditional %s entry cannot be said "
                                               "in an allow list; those calls get the default action",
                                               name, policy_action_format(rules[i].action, abuf, sizeof abuf))) < 0)
                                return r;
                if (!have_allow)
                        return emit_unconditional(imp, out, name, imp->def);
                /* Calls the entries do not allow get the profile's default. */
                if ((r = format_argfilter(rules, n, POLICY_ACTION(POLICY_ACTION_ALLOW),
                                          policy_action_equal(imp->def, imp->deny) ? NULL
                                          : action_word(imp->def, buf, sizeof buf),
                                          false, &line)) < 0)
                        return r;
                r = argfilter_check(imp, line, &err);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        r = oci_notes_add(imp->notes, "%s: the argument checks '%s' cannot be said "
                                          "(%s); the syscall is left out of the allow list",
                                          name, line, err ? err : "invalid");
                        return r < 0 ? r : emit_unconditional(imp, out, name, imp->def);
                }
                if ((r = add_name(&out->allow, name, NULL)) < 0)
                        return r;
                return strv_consume(&out->argf, TAKE_PTR(line));
        }
        /* A deny list: each action's entries become a line "allowed unless one matches". */
        for (size_t i = 0; i < n; i++) {
                bool first = true;
                if (action_permits(rules[i].action))
                        continue;
                for (size_t j = 0; j < i && first; j++)
                        first = !policy_action_equal(rules[j].action, rules[i].action);
                if (!first)
                        continue;
                line = mfree_str(line);
                err = mfree_str(err);
                r = format_argfilter(rules, n, rules[i].action,
                                     action_word(rules[i].action, buf, sizeof buf), true, &line);
                if (r < 0)
                        return r;
                r = argfilter_check(imp, line, &err);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0)
                        r = strv_consume(&out->argf, TAKE_PTR(line));
                else if ((r = oci_notes_add(imp->notes, "%s: the argument checks '%s' cannot be "
                                            "said (%s); the syscall is denied outright", name, line,
                                            err ? err : "invalid")) >= 0)
                        r = emit_unconditional(imp, out, name, rules[i].action);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The unconditional action that decides a syscall (see emit_syscall()); false if none. */
static bool group_unconditional(const OciRule *rules, size_t n, PolicyAction *ret) {
        const OciRule *u = NULL;
        for (size_t i = 0; i < n; i++)
                if (rules[i].n_conds == 0 &&
                    (!u || (action_permits(rules[i].action) && !action_permits(u->action))))
                        u = &rules[i];
        if (u)
                *ret = u->action;
        return u;
}

/* Native syscall numbers looked at when counting the known syscalls. */
#define NATIVE_NR_MAX 1024

static int choose_deny_action(Writer *imp) {
        PolicyAction cand[8];
        size_t count[8] = {}, n_cand = 0, known = 0, best = 0;

        for (int nr = 0; nr < NATIVE_NR_MAX; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(imp->arches[0], nr);
                known += !!name;
                free(name);
        }
        for (size_t i = 0, j; i < imp->n_rules; i = j) {
                PolicyAction a;
                size_t k;
                for (j = i + 1; j < imp->n_rules && streq(imp->rules[i].name, imp->rules[j].name); j++)
                        ;
                if (!group_unconditional(imp->rules + i, j - i, &a) || action_permits(a))
                        continue;
                for (k = 0; k < n_cand && !policy_action_equal(cand[k], a); k++)
                        ;
                if (k == n_cand) {
                        if (n_cand == ELEMENTSOF(cand))
                                continue;
                        cand[n_cand++] = a;
                }
                count[k]++;
        }
        for (size_t k = 1; k < n_cand; k++)
                if (count[k] > count[best])
                        best = k;
        if (n_cand > 0 && count[best] * 2 > known)
                imp->deny = cand[best];
        return 0;
}

static int compare_name(const void *key, const void *elem) {
        return strcmp(key, ((const OciRule *) elem)->name);
}

/* With a deny action other than the default, the known native syscalls no entry names must
 * still get the default. Syscalls libseccomp does not know get ENOSYS from an allow list. */
static int emit_unlisted(Writer *imp, Output *out) {
        char abuf[32];
        int r;

        for (int nr = 0; nr < NATIVE_NR_MAX; nr++) {
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(imp->arches[0], nr);
                if (!name || (imp->n_rules > 0 &&
                              bsearch(name, imp->rules, imp->n_rules, sizeof *imp->rules, compare_name)))
                        continue;
                r = add_always(imp, out, name, imp->def);
                if (r < 0)
                        return r;
                if (r > 0 && (r = oci_notes_add(imp->notes, "%s: the default action (%s) cannot be "
                                                "said for it in an allow list", name,
                                                policy_action_format(imp->def, abuf, sizeof abuf))) < 0)
                        return r;
        }
        if (!(imp->def.type == POLICY_ACTION_ERRNO && imp->def.errno_value == ENOSYS))
                return oci_notes_add(imp->notes, "system calls libseccomp does not know get ENOSYS, "
                                     "not the default action (%s)",
                                     policy_action_format(imp->def, abuf, sizeof abuf));
        return 0;
}

static int compare_rules(const void *a, const void *b) {
        const OciRule *x = a, *y = b;
        int c = strcmp(x->name, y->name);
        return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

/* NAME=WORDS, wrapped into several lines (list directives accumulate). */
static void print_list(FILE *f, const char *key, const char *prefix, char **words) {
        size_t col = 0;

        STRV_FOREACH(w, words) {
                if (col > 0 && col + 1 + strlen(*w) > LINE_WIDTH) {
                        fputc('\n', f);
                        col = 0;
                }
                if (col == 0)
                        col = (size_t) fprintf(f, "%s=%s%s", key, prefix, *w);
                else
                        col += (size_t) fprintf(f, " %s", *w);
        }
        if (col > 0)
                fputc('\n', f);
}

static int write_dropin(Writer *imp, Output *out, char **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        bool allow_list = !action_permits(imp->def);
        char buf[16];
        size_t size = 0;

        f = open_memstream(&text, &size);
        if (!f)
                return -ENOMEM;
        fputs("[Service]\n", f);
        if (imp->n_arches > 1 || imp->arches[0] != arch_native()) {
                fputs("SystemCallArchitectures=", f);
                for (size_t i = 0; i < imp->n_arches; i++)
                        fprintf(f, "%s%s", i > 0 ? " " : "", arch_to_name(imp->arches[i]));
                fputc('\n', f);
        }
        if (allow_list) {
                print_list(f, "SystemCallFilter", "", out->allow);
                if (imp->deny.type == POLICY_ACTION_ERRNO)
                        fprintf(f, "SystemCallErrorNumber=%s\n", action_word(imp->deny, buf, sizeof buf));
        } else
                print_list(f, "SystemCallFilter", "~", out->deny);
        print_list(f, "SystemCallLog", "", out->log);
        if (out->argf) {
                fputs("\n[X-Syscage]\n", f);
                STRV_FOREACH(l, out->argf)
                        fprintf(f, "SystemCallArgumentFilter=%s\n", *l);
        }
        if (fflush(f) != 0 || ferror(f))
                return -ENOMEM;
        fclose(TAKE_PTR(f));
        *ret = TAKE_PTR(text);
        return 0;
}

bool oci_rules_allow_any(const OciRuleSet *s) {
        for (size_t i = 0; i < s->n_rules; i++)
                if (action_permits(s->rules[i].action))
                        return true;
        return false;
}

int oci_dropin_write(OciRuleSet *s, OciNotes *notes, char **ret) {
        _cleanup_(output_done) Output out = {};
        Writer w = {
                .rules = s->rules, .n_rules = s->n_rules, .arches = s->arches,
                .n_arches = s->n_arches, .def = s->def, .deny = s->def, .notes = notes,
        };
        int r;

        if (w.n_rules > 0) /* qsort() must not see NULL */
                qsort(w.rules, w.n_rules, sizeof *w.rules, compare_rules);
        if (!action_permits(w.def) && (r = choose_deny_action(&w)) < 0)
                return r;
        for (size_t i = 0, j; i < w.n_rules; i = j) {
                for (j = i + 1; j < w.n_rules && streq(w.rules[i].name, w.rules[j].name); j++)
                        ;
                if ((r = emit_syscall(&w, &out, w.rules + i, j - i)) < 0)
                        return r;
        }
        if (!policy_action_equal(w.def, w.deny) && (r = emit_unlisted(&w, &out)) < 0)
                return r;
        return write_dropin(&w, &out, ret);
}
