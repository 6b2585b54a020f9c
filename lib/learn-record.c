/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode's record (see learn-record.h): filling it from calls, its wire form, merging
 * runs, and writing the drop-in, exact or as a cover of groups.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "learn-record.h"
#include "policy-rules.h"
#include "string-table.h"
#include "strv.h"
#include "syscall-groups.h"

#define LEARN_PER_QUERY 0xffffffffUL /* personality(): only asks */
#define LEARN_PER_LINUX 0UL

DEFINE_STRING_TABLE(learn_phase, LearnPhase, _LEARN_PHASE_MAX,
                    [LEARN_PHASE_NONE] = "none",
                    [LEARN_PHASE_AFTER_LOADER] = "after-loader",
                    [LEARN_PHASE_AFTER_READY] = "after-ready");

/* RestrictNamespaces= names (facts from clone(2)). */
static const struct {
        const char *name;
        unsigned long flag;
} learn_namespaces[] = {
        { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", CLONE_NEWNS },
        { "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "user", CLONE_NEWUSER },
        { "uts", CLONE_NEWUTS },
};

static unsigned long learn_namespaces_all(void) {
        unsigned long all = 0;
        for (size_t i = 0; i < ELEMENTSOF(learn_namespaces); i++)
                all |= learn_namespaces[i].flag;
        return all;
}

void learn_record_done(LearnRecord *r) {
        if (!r)
                return;
        string_set_done(&r->syscalls);
        string_set_done(&r->main);
        string_set_done(&r->abis);
        *r = (LearnRecord) {};
}

/* The arguments that become directives, read by name so that every ABI is covered alike. */
static void learn_note_args(LearnRecord *r, const char *name, const uint64_t a[6]) {
        if (streq(name, "socket") || streq(name, "socketpair")) {
                if (a[0] < POLICY_FAMILY_MAX)
                        r->families |= UINT64_C(1) << a[0];
                else
                        r->families_unknown = true;
        } else if (streq(name, "socketcall"))
                r->families_unknown = true;
        else if (streq(name, "clone") || streq(name, "unshare"))
                r->namespaces |= (unsigned long) a[0] & learn_namespaces_all();
        else if (streq(name, "setns")) {
                if ((a[1] & learn_namespaces_all()) == 0)
                        r->namespaces_unknown = true; /* 0: any kind, decided by the fd */
                r->namespaces |= (unsigned long) a[1] & learn_namespaces_all();
        } else if (streq(name, "clone3"))
                /* The flags are in a struct in the caller's memory, which the daemon does not
                 * read (a hostile service could make that read block): unknown. */
                r->namespaces_unknown = true;
        else if (streq(name, "mmap") || streq(name, "mmap2")) {
                if ((a[2] & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
                        r->write_execute = true;
        } else if (streq(name, "mprotect") || streq(name, "pkey_mprotect")) {
                if (a[2] & PROT_EXEC)
                        r->write_execute = true;
        } else if (streq(name, "shmat")) {
                if (a[2] & SHM_EXEC)
                        r->write_execute = true;
        } else if (streq(name, "personality")) {
                unsigned long p = (unsigned long) (uint32_t) a[0];
                if (p != LEARN_PER_QUERY && p != LEARN_PER_LINUX)
                        r->personality_changed = true;
        }
}

int learn_record_add(LearnRecord *r, const char *name, bool main_phase, const uint64_t args[6]) {
        int k;

        if (!string_set_contains(&r->syscalls, name) && r->syscalls.n >= LEARN_SYSCALLS_MAX)
                return -E2BIG;
        k = string_set_add(&r->syscalls, name);
        if (k >= 0 && main_phase)
                k = string_set_add(&r->main, name);
        if (k < 0)
                return k;
        if (args)
                learn_note_args(r, name, args);
        return 0;
}

int learn_record_add_abi(LearnRecord *r, const char *abi) {
        if (!string_set_contains(&r->abis, abi) && r->abis.n >= LEARN_ABIS_MAX)
                return -E2BIG;
        return string_set_add(&r->abis, abi) < 0 ? -ENOMEM : 0;
}

/* ---- the wire form ---- */

int learn_record_to_text(const LearnRecord *r, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < r->syscalls.n; i++)
                fprintf(f, "%s %s\n", string_set_contains(&r->main, r->syscalls.items[i]) ? "main" : "syscall",
                        r->syscalls.items[i]);
        for (size_t i = 0; i < r->abis.n; i++)
                fprintf(f, "abi %s\n", r->abis.items[i]);
        fprintf(f, "phase %s\nfamilies %" PRIu64 "\nnamespaces %lu\n", learn_phase_to_string(r->phase),
                r->families, r->namespaces);
        if (r->families_unknown)
                fputs("families-unknown\n", f);
        if (r->namespaces_unknown)
                fputs("namespaces-unknown\n", f);
        if (r->write_execute)
                fputs("write-execute\n", f);
        if (r->personality_changed)
                fputs("personality\n", f);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

static int learn_text_line(LearnRecord *r, const char *key, const char *value) {
        int k;

        if (streq(key, "syscall") || streq(key, "main"))
                return value ? learn_record_add(r, value, streq(key, "main"), NULL) : -EBADMSG;
        if (streq(key, "abi"))
                return value ? learn_record_add_abi(r, value) : -EBADMSG;
        if (streq(key, "phase")) {
                if (!value || (k = learn_phase_from_string(value)) < 0)
                        return -EBADMSG;
                r->phase = (LearnPhase) k;
        } else if (streq(key, "families") && value)
                r->families = strtoull(value, NULL, 10);
        else if (streq(key, "namespaces") && value)
                r->namespaces = strtoul(value, NULL, 10) & learn_namespaces_all();
        else if (streq(key, "families-unknown"))
                r->families_unknown = true;
        else if (streq(key, "namespaces-unknown"))
                r->namespaces_unknown = true;
        else if (streq(key, "write-execute"))
                r->write_execute = true;
        else if (streq(key, "personality"))
                r->personality_changed = true;
        else
                return -EBADMSG;
        return 0;
}

int learn_record_from_text(const char *text, LearnRecord *ret) {
        _cleanup_free_ char *copy = NULL;
        LearnRecord r = {};
        char *save = NULL;
        int k = 0;

        if (strlen(text) > LEARN_TEXT_MAX)
                return -E2BIG;
        if (!(copy = strdup(text)))
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line && k >= 0; line = strtok_r(NULL, "\n", &save)) {
                char *value = strchr(line, ' ');
                if (value)
                        *value++ = '\0';
                k = learn_text_line(&r, line, value);
        }
        if (k < 0) {
                learn_record_done(&r);
                return k;
        }
        *ret = r;
        return 0;
}

/* ---- merging ---- */

static int learn_set_union(StringSet *into, const StringSet *from) {
        for (size_t i = 0; i < from->n; i++)
                if (string_set_add(into, from->items[i]) < 0)
                        return -ENOMEM;
        return 0;
}

int learn_record_merge(LearnRecord *into, const LearnRecord *from) {
        int k;

        if (into->phase != from->phase) {
                /* Runs that disagree on the switch point: one phase, all calls in it. */
                string_set_done(&into->main);
                into->phase = LEARN_PHASE_NONE;
        } else if ((k = learn_set_union(&into->main, &from->main)) < 0)
                return k;
        if ((k = learn_set_union(&into->syscalls, &from->syscalls)) < 0 ||
            (k = learn_set_union(&into->abis, &from->abis)) < 0)
                return k;
        if (into->syscalls.n > LEARN_SYSCALLS_MAX)
                return -E2BIG;
        into->families |= from->families;
        into->families_unknown |= from->families_unknown;
        into->namespaces |= from->namespaces;
        into->namespaces_unknown |= from->namespaces_unknown;
        into->write_execute |= from->write_execute;
        into->personality_changed |= from->personality_changed;
        return 0;
}
