/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing learn mode's drop-in and reading it back (see learn-dropin.h).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <seccomp.h>
#include <string.h>

#include "arch-util.h"
#include "learn-dropin.h"
#include "policy-rules.h"
#include "strv.h"
#include "syscall-groups.h"

/* A group joins the readable cover only if it brings at least this many calls not yet
 * covered, and at least 1/LEARN_GROUP_SHARE_MIN of its members were used. */
#define LEARN_GROUP_NEW_MIN 3U
#define LEARN_GROUP_SHARE_MIN 8U

static const struct {
        const char *name;
        unsigned long flag;
} dropin_namespaces[] = {
        { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", CLONE_NEWNS },
        { "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "user", CLONE_NEWUSER },
        { "uts", CLONE_NEWUTS },
};

static const char *const learn_preload_calls[] = { "getpid" };

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int learn_dropin_sorted(const StringSet *s, char ***ret) {
        char **l = calloc(s->n + 1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++)
                if (!(l[i] = strdup(s->items[i]))) {
                        strv_free(l);
                        return -ENOMEM;
                }
        qsort(l, s->n, sizeof(char *), cmp_str);
        *ret = l;
        return 0;
}

static void dropin_list(FILE *f, const char *key, const StringSet *s) {
        _cleanup_strv_free_ char **l = NULL;

        fprintf(f, "%s=", key);
        if (learn_dropin_sorted(s, &l) >= 0)
                for (size_t i = 0; l[i]; i++)
                        fprintf(f, "%s%s", i ? " " : "", l[i]);
        fputc('\n', f);
}

/* ---- the readable form ---- */

typedef struct GroupCount {
        const StringSet *used, *covered;
        StringSet seen;  /* members counted once */
        unsigned n, n_used, n_new;
} GroupCount;

static int group_count_one(const char *name, void *userdata) {
        GroupCount *c = userdata;
        if (string_set_add(&c->seen, name) <= 0)
                return 0;
        c->n++;
        if (string_set_contains(c->used, name)) {
                c->n_used++;
                if (!string_set_contains(c->covered, name))
                        c->n_new++;
        }
        return 0;
}

static void group_count(const SyscallGroup *g, const StringSet *used, const StringSet *covered,
                        GroupCount *ret) {
        *ret = (GroupCount) { .used = used, .covered = covered };
        (void) syscall_group_foreach(g, group_count_one, ret);
        string_set_done(&ret->seen);
}

static int group_cover_one(const char *name, void *userdata) {
        return string_set_add(userdata, name) < 0 ? -ENOMEM : 0;
}

/* Greedy: the group bringing the most calls not yet covered, while one brings enough. */
static int dropin_groups(FILE *f, const char *key, const StringSet *used) {
        StringSet covered = {}, extras = {};
        _cleanup_strv_free_ char **rest = NULL;
        int r = 0;

        fprintf(f, "%s=\n", key);
        for (;;) {
                const SyscallGroup *best = NULL;
                GroupCount bc = {}, c;
                for (size_t i = 0; i < syscall_groups_count; i++) {
                        const SyscallGroup *g = &syscall_groups[i];
                        if (streq(g->name, "@known"))
                                continue;
                        group_count(g, used, &covered, &c);
                        if (c.n_new >= LEARN_GROUP_NEW_MIN && c.n_used * LEARN_GROUP_SHARE_MIN >= c.n &&
                            (!best || c.n_new > bc.n_new || (c.n_new == bc.n_new && c.n < bc.n)))
                                best = g, bc = c;
                }
                if (!best)
                        break;
                fprintf(f, "# %s: %u of %u used\n%s=%s\n", best->name, bc.n_used, bc.n, key, best->name);
                if ((r = syscall_group_foreach(best, group_cover_one, &covered)) < 0)
                        goto out;
        }
        for (size_t i = 0; i < used->n; i++)
                if (!string_set_contains(&covered, used->items[i]) &&
                    string_set_add(&extras, used->items[i]) < 0) {
                        r = -ENOMEM;
                        goto out;
                }
        if (extras.n > 0) {
                if ((r = learn_dropin_sorted(&extras, &rest)) < 0)
                        goto out;
                fprintf(f, "# not in a group above: %zu\n%s=", extras.n, key);
                for (size_t i = 0; rest[i]; i++)
                        fprintf(f, "%s%s", i ? " " : "", rest[i]);
                fputc('\n', f);
        }
out:
        string_set_done(&covered);
        string_set_done(&extras);
        return r;
}

static int dropin_filter(FILE *f, const char *key, const StringSet *s, bool groups) {
        if (groups)
                return dropin_groups(f, key, s);
        fprintf(f, "%s=\n", key);
        dropin_list(f, key, s);
        return 0;
}

static void dropin_directives(FILE *f, const LearnRecord *r, const char *native) {
        if (r->abis.n == 1 && streq(r->abis.items[0], native))
                fputs("SystemCallArchitectures=native\n", f);
        else if (r->abis.n > 0)
                dropin_list(f, "SystemCallArchitectures", &r->abis);
        if (r->families_unknown)
                fputs("# RestrictAddressFamilies= left out: socketcall() hides the families\n", f);
        else if (r->families == 0)
                fputs("RestrictAddressFamilies=none\n", f);
        else {
                fputs("RestrictAddressFamilies=", f);
                bool first = true;
                for (int af = 0; af < POLICY_FAMILY_MAX; af++)
                        if ((r->families & (UINT64_C(1) << af)) && policy_rules_family_to_name(af)) {
                                fprintf(f, "%s%s", first ? "" : " ", policy_rules_family_to_name(af));
                                first = false;
                        }
                fputc('\n', f);
        }
        if (r->namespaces_unknown)
                fputs("# RestrictNamespaces= left out: clone3() or setns(fd, 0) hide the kinds\n", f);
        else if (r->namespaces == 0)
                fputs("RestrictNamespaces=yes\n", f);
        else {
                fputs("RestrictNamespaces=", f);
                bool first = true;
                for (size_t i = 0; i < ELEMENTSOF(dropin_namespaces); i++)
                        if (r->namespaces & dropin_namespaces[i].flag) {
                                fprintf(f, "%s%s", first ? "" : " ", dropin_namespaces[i].name);
                                first = false;
                        }
                fputc('\n', f);
        }
        if (!r->write_execute)
                fputs("MemoryDenyWriteExecute=yes\n", f);
        if (!r->personality_changed)
                fputs("LockPersonality=yes\n", f);
}

int learn_dropin_render(const LearnRecord *r, const char *native, bool groups, const char *header,
                        char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int k;

        if (!f)
                return -ENOMEM;
        if (header)
                fprintf(f, "# %s\n", header);
        fprintf(f, "# %zu system calls seen%s.\n[Service]\n", r->syscalls.n,
                r->phase != LEARN_PHASE_NONE ? " (start-up and main phase)" : "");
        /* After-loader: the marker is a getpid() the start-up policy must allow; learning
         * does not record it as a call of the program. */
        StringSet startup = {};
        k = 0;
        for (size_t i = 0; k >= 0 && i < r->syscalls.n; i++)
                k = string_set_add(&startup, r->syscalls.items[i]);
        for (size_t i = 0; k >= 0 && r->phase == LEARN_PHASE_AFTER_LOADER && i < ELEMENTSOF(learn_preload_calls); i++)
                if (!string_set_contains(&startup, learn_preload_calls[i])) {
                        fprintf(f, "# %s: the phase marker\n",
                                learn_preload_calls[i]);
                        k = string_set_add(&startup, learn_preload_calls[i]);
                }
        if (k >= 0)
                k = dropin_filter(f, "SystemCallFilter", &startup, groups);
        string_set_done(&startup);
        if (k >= 0) {
                dropin_directives(f, r, native);
                if (r->phase != LEARN_PHASE_NONE) {
                        fprintf(f, "\n[X-Syscage]\n# %zu system calls after the switch point.\n", r->main.n);
                        k = dropin_filter(f, "MainSystemCallFilter", &r->main, groups);
                        fprintf(f, "MainPhaseStarts=%s\n", learn_phase_to_string(r->phase));
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (k < 0)
                return k;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* ---- reading it back ---- */

static int dropin_add_words(LearnRecord *r, const char *value, bool main_phase) {
        _cleanup_strv_free_ char **words = NULL;
        int k = policy_rules_split_words(value, &words);

        for (size_t i = 0; k >= 0 && words && words[i]; i++) {
                if (words[i][0] == '@') {
                        const SyscallGroup *g = syscall_group_find(words[i]);
                        if (!g)
                                return -EBADMSG;
                        k = syscall_group_foreach(g, group_cover_one, main_phase ? &r->main : &r->syscalls);
                        if (k >= 0 && main_phase)
                                k = syscall_group_foreach(g, group_cover_one, &r->syscalls);
                } else if (seccomp_syscall_resolve_name(words[i]) == __NR_SCMP_ERROR)
                        /* Only names: the file may come from a directory the learned service
                         * controls, and what is read here is written back into a drop-in. */
                        return -EBADMSG;
                else
                        k = learn_record_add(r, words[i], main_phase, NULL);
        }
        return k;
}

typedef struct DropinSeen {
        bool families, namespaces, mdwe, personality;
} DropinSeen;

static int dropin_line(LearnRecord *r, DropinSeen *seen, const char *key, const char *value,
                       const char *native) {
        _cleanup_strv_free_ char **words = NULL;
        int k;

        if (streq(key, "SystemCallFilter") || streq(key, "MainSystemCallFilter"))
                return dropin_add_words(r, value, streq(key, "MainSystemCallFilter"));
        if (streq(key, "MainPhaseStarts")) {
                if ((k = learn_phase_from_string(value)) <= 0)
                        return -EBADMSG;
                r->phase = (LearnPhase) k;
                return 0;
        }
        if (streq(key, "MemoryDenyWriteExecute") || streq(key, "LockPersonality")) {
                if (!streq(value, "yes"))
                        return -EBADMSG;
                *(streq(key, "LockPersonality") ? &seen->personality : &seen->mdwe) = true;
                return 0;
        }
        if ((k = policy_rules_split_words(value, &words)) < 0)
                return k;
        if (streq(key, "SystemCallArchitectures")) {
                for (size_t i = 0; words && words[i]; i++) {
                        if (!streq(words[i], "native") && !arch_name_is_known(words[i]))
                                return -EBADMSG;
                        if ((k = learn_record_add_abi(r, streq(words[i], "native") ? native : words[i])) < 0)
                                return k;
                }
        } else if (streq(key, "RestrictAddressFamilies")) {
                seen->families = true;
                for (size_t i = 0; words && words[i] && !streq(words[i], "none"); i++) {
                        int af = policy_rules_family_from_name(words[i]);
                        if (af < 0 || af >= POLICY_FAMILY_MAX)
                                return -EBADMSG;
                        r->families |= UINT64_C(1) << af;
                }
        } else if (streq(key, "RestrictNamespaces")) {
                seen->namespaces = true;
                for (size_t i = 0; words && words[i] && !streq(words[i], "yes"); i++) {
                        unsigned long fl = policy_rules_namespace_from_name(words[i]);
                        if (fl == 0)
                                return -EBADMSG;
                        r->namespaces |= fl;
                }
        } else
                return -EBADMSG;
        return 0;
}

int learn_dropin_parse(const char *text, const char *native, LearnRecord *ret) {
        _cleanup_free_ char *copy = NULL;
        LearnRecord r = {};
        DropinSeen seen = {};
        char *save = NULL;
        int k = 0;

        if (strlen(text) > LEARN_TEXT_MAX)
                return -E2BIG;
        if (!(copy = strdup(text)))
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line && k >= 0; line = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(line, '=');
                if (line[0] == '#' || line[0] == '[')
                        continue;
                if (!eq) {
                        k = -EBADMSG;
                        break;
                }
                *eq = '\0';
                k = dropin_line(&r, &seen, line, eq + 1, native);
        }
        if (k < 0) {
                learn_record_done(&r);
                return k;
        }
        r.families_unknown = !seen.families;
        r.namespaces_unknown = !seen.namespaces;
        r.write_execute = !seen.mdwe;
        r.personality_changed = !seen.personality;
        *ret = r;
        return 0;
}
