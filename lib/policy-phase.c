/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The main-phase policy (see policy-phase.h): the [X-Syscage] Main* keys go through the
 * policy builder as the [Service] keys they mirror, and the diagnostics it gives are renamed
 * back to the key the user wrote.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "arch-util.h"
#include "policy-build.h"
#include "policy-phase.h"
#include "string-table.h"

static const char *const phase_start_table[_PHASE_START_MAX] = {
        [PHASE_START_NONE] = "none",
        [PHASE_START_AFTER_LOADER] = "after-loader",
        [PHASE_START_AFTER_READY] = "after-ready",
};

const char *phase_start_to_string(PhaseStart s) {
        return s >= 0 && s < _PHASE_START_MAX ? phase_start_table[s] : NULL;
}

PhaseStart phase_start_from_string(const char *s) {
        for (PhaseStart i = PHASE_START_AFTER_LOADER; s && i < _PHASE_START_MAX; i++)
                if (streq(s, phase_start_table[i]))
                        return i;
        return _PHASE_START_INVALID;
}

/* The Main* keys and the [Service] key each one is built as. */
static const char *const phase_key_map[][2] = {
        { "MainSystemCallFilter", "SystemCallFilter" },
        { "MainSystemCallErrorNumber", "SystemCallErrorNumber" },
};

static const char *phase_key_mapped(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(phase_key_map); i++)
                if (streq(key, phase_key_map[i][0]))
                        return phase_key_map[i][1];
        return NULL;
}

bool policy_phase_is_key(const char *key) {
        return key && (phase_key_mapped(key) || streq(key, "MainPhaseStarts"));
}

PolicyPhase *policy_phase_free(PolicyPhase *p) {
        if (!p)
                return NULL;
        free(p->file);
        policy_unref(p->main);
        free(p->startup_only);
        free(p);
        return NULL;
}

static bool in_section(const UnitAssignment *a, const char *section) {
        return a->section && streq(a->section, section);
}

/* Renames the diagnostics added since FROM that name MAPPED back to KEY. */
static int diags_rename(DiagList *diags, size_t from, const char *mapped, const char *key) {
        for (size_t i = from; diags && i < diags->n; i++) {
                Diag *d = &diags->items[i];
                if (!d->key || !streq(d->key, mapped))
                        continue;
                char *k = strdup(key);
                if (!k)
                        return -ENOMEM;
                free(d->key);
                d->key = k;
        }
        return 0;
}

/* The main policy: the Main* keys, plus the unit's SystemCallArchitectures= so both phases
 * cover the same ABIs. Returns the first Main* assignment in *RET_FIRST (NULL: none). */
static int build_main(const UnitFile *u, DiagList *diags, const UnitAssignment **ret_first,
                      Policy **ret) {
        _cleanup_(policy_builder_freep) PolicyBuilder *b = NULL;
        const UnitAssignment *first = NULL;
        bool failed = false;
        int r;

        r = policy_builder_new(&b);
        if (r < 0)
                return r;
        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                const char *mapped = NULL;
                if (in_section(a, "Service") && streq(a->key, "SystemCallArchitectures"))
                        mapped = a->key;
                else if (in_section(a, POLICY_SECTION_SYSCAGE) && (mapped = phase_key_mapped(a->key)))
                        first = first ?: a;
                if (!mapped)
                        continue;
                size_t n0 = diags ? diags->n : 0;
                r = policy_apply(b, mapped, a->value, a->file, a->line, diags);
                if (r == -EINVAL)
                        failed = true;
                else if (r < 0)
                        return r;
                if (mapped != a->key && (r = diags_rename(diags, n0, mapped, a->key)) < 0)
                        return r;
        }
        size_t n0 = diags ? diags->n : 0;
        r = policy_builder_finish(b, diags, ret);
        if (r >= 0 || r == -EINVAL) {
                int k = diags_rename(diags, n0, "SystemCallFilter", "MainSystemCallFilter");
                if (k < 0)
                        return k;
        }
        if (r < 0)
                return r;
        if (failed) {
                *ret = policy_unref(*ret);
                return -EINVAL;
        }
        *ret_first = first;
        return 0;
}

static const UnitAssignment *find_last(const UnitFile *u, const char *section, const char *key) {
        for (size_t i = u->n_assignments; i > 0; i--) {
                const UnitAssignment *a = &u->assignments[i - 1];
                if (in_section(a, section) && streq(a->key, key))
                        return a;
        }
        return NULL;
}

static bool action_allows(PolicyAction a) {
        return a.type == POLICY_ACTION_ALLOW || a.type == POLICY_ACTION_LOG;
}

/* A main filter that allows what the start-up policy refuses is a mistake worth a word: the
 * start-up filter stays loaded, so the refusal still applies. */
static int warn_wider(const PolicyPhase *ph, const Policy *startup, const UnitAssignment *first,
                      DiagList *diags) {
        uint32_t native = arch_native();
        char names[256] = "";
        size_t n = 0;

        for (int nr = 0; nr < POLICY_PHASE_NR_MAX; nr++) {
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(native, nr);
                PolicyAction s, m;
                if (!name)
                        continue;
                policy_effective_action(startup, name, &s, NULL);
                policy_effective_action(ph->main, name, &m, NULL);
                if (action_allows(s) || !action_allows(m))
                        continue;
                if (n++ < POLICY_PHASE_WARN_NAMES) {
                        size_t l = strlen(names);
                        snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", name);
                }
        }
        if (n == 0)
                return 0;
        return diag_add_code(diags, DIAG_CODE_CONFLICT, DIAG_WARNING, first->file, first->line,
                             first->key,
                             "allows %zu call(s) the start-up policy refuses (%s%s); the start-up "
                             "filter stays loaded, so the intersection applies",
                             n, names, n > POLICY_PHASE_WARN_NAMES ? ", ..." : "");
}

/* after-ready: the calls to route. execve and execveat stay with the exec gate. */
static int collect_startup_only(PolicyPhase *ph, const Policy *startup) {
        uint32_t native = arch_native();

        for (int nr = 0; nr < POLICY_PHASE_NR_MAX; nr++) {
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(native, nr);
                PolicyAction s, m;
                if (!name || streq(name, "execve") || streq(name, "execveat"))
                        continue;
                policy_effective_action(startup, name, &s, NULL);
                policy_effective_action(ph->main, name, &m, NULL);
                if (!action_allows(s) || action_allows(m))
                        continue;
                PolicyPhaseCall *c = reallocarray(ph->startup_only, ph->n_startup_only + 1, sizeof *c);
                if (!c)
                        return -ENOMEM;
                ph->startup_only = c;
                c[ph->n_startup_only++] = (PolicyPhaseCall) { .nr = nr, .action = m };
        }
        return 0;
}

/* after-loader: the marker is a getpid(). The start-up policy must let it reach the daemon
 * (an errno outranks the listener), and let the preloaded object call seccomp(); the main
 * filter, loaded just before it, must allow
 * it: getpid() is added to the main policy's allowed calls (it reveals nothing). */
static int allow_marker(PolicyPhase *ph, const Policy *startup, const UnitAssignment *start,
                        DiagList *diags) {
        _cleanup_(policy_freep) Policy *c = NULL;
        PolicyAction a;
        int r;

        static const char *const needed[][2] = {
                { "getpid", "it carries the phase marker" },
                { "seccomp", "the preloaded object loads the main filter with it" },
        };
        for (size_t i = 0; startup && i < ELEMENTSOF(needed); i++) {
                policy_effective_action(startup, needed[i][0], &a, NULL);
                if (!action_allows(a)) {
                        diag_add_code(diags, DIAG_CODE_CONFLICT, DIAG_ERROR, start->file,
                                      start->line, start->key,
                                      "after-loader needs %s() allowed in start-up: %s",
                                      needed[i][0], needed[i][1]);
                        return -EINVAL;
                }
        }
        policy_effective_action(ph->main, "getpid", &a, NULL);
        if (action_allows(a))
                return 0;
        r = policy_copy(ph->main, &c);
        if (r < 0)
                return r;
        r = policy_add_rule(c, "getpid", POLICY_ACTION(POLICY_ACTION_ALLOW),
                            (PolicyOrigin) { .directive = POLICY_DIRECTIVE_NONE }, NULL, 0);
        if (r < 0)
                return r;
        policy_sort(c);
        policy_unref(ph->main);
        ph->main = TAKE_PTR(c);
        return 0;
}

static bool unit_is_notify(const UnitFile *u) {
        const UnitAssignment *t = find_last(u, "Service", "Type");
        return t && streq(t->value, "notify");
}

int policy_phase_build(const UnitFile *u, const Policy *startup, DiagList *diags, PolicyPhase **ret) {
        _cleanup_(policy_phase_freep) PolicyPhase *ph = NULL;
        const UnitAssignment *start = find_last(u, POLICY_SECTION_SYSCAGE, "MainPhaseStarts");
        const UnitAssignment *first = NULL;
        int r;

        ph = calloc(1, sizeof *ph);
        if (!ph)
                return -ENOMEM;
        r = build_main(u, diags, &first, &ph->main);
        if (r < 0)
                return r;
        if (!start || isempty(start->value)) {
                if (!first) {
                        *ret = NULL;
                        return 0;
                }
                /* No default: which point is safe depends on the program (a static binary
                 * ignores the preload, a service that binds after READY=1 breaks). */
                diag_add_code(diags, DIAG_CODE_MISSING_DIRECTIVE, DIAG_ERROR, first->file,
                              first->line, first->key,
                              "needs MainPhaseStarts=after-loader or after-ready in [X-Syscage]");
                return -EINVAL;
        }
        ph->start = phase_start_from_string(start->value);
        if (ph->start < 0) {
                diag_add_code(diags, DIAG_CODE_BAD_VALUE, DIAG_ERROR, start->file, start->line,
                              start->key, "unknown value \"%s\" (after-loader, after-ready)",
                              start->value);
                return -EINVAL;
        }
        if (ph->start == PHASE_START_AFTER_READY && !unit_is_notify(u)) {
                diag_add_code(diags, DIAG_CODE_CONFLICT, DIAG_ERROR, start->file, start->line,
                              start->key, "after-ready needs Type=notify (READY=1 ends start-up)");
                return -EINVAL;
        }
        if (!first)
                diag_add_code(diags, DIAG_CODE_POLICY_NO_EFFECT, DIAG_WARNING, start->file,
                              start->line, start->key,
                              "no MainSystemCallFilter=: the main phase restricts nothing more");
        if (ph->start == PHASE_START_AFTER_LOADER) {
                r = allow_marker(ph, startup, start, diags);
                if (r < 0)
                        return r;
        }
        ph->file = start->file ? strdup(start->file) : NULL;
        if (start->file && !ph->file)
                return -ENOMEM;
        ph->line = start->line;
        if (startup && first && (r = warn_wider(ph, startup, first, diags)) < 0)
                return r;
        if (startup && ph->start == PHASE_START_AFTER_READY && (r = collect_startup_only(ph, startup)) < 0)
                return r;
        *ret = TAKE_PTR(ph);
        return 0;
}

int policy_phase_elf_dynamic(const void *buf, size_t size, size_t *ret_need) {
        const uint8_t *b = buf;
        Elf64_Ehdr h;

        if (size < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0)
                return size < SELFMAG ? (*ret_need = SELFMAG, -ENOBUFS) : -ENOEXEC;
        if (size < EI_NIDENT)
                return *ret_need = EI_NIDENT, -ENOBUFS;
        /* The host runs 64-bit executables only through this path; a 32-bit one is refused
         * as malformed rather than guessed at. */
        if (b[EI_CLASS] != ELFCLASS64)
                return -EBADMSG;
        if (size < sizeof h)
                return *ret_need = sizeof h, -ENOBUFS;
        memcpy(&h, b, sizeof h);
        if (h.e_phentsize != sizeof(Elf64_Phdr) || h.e_phnum == 0 || h.e_phoff > (1u << 20))
                return -EBADMSG;
        size_t end = (size_t) h.e_phoff + (size_t) h.e_phnum * sizeof(Elf64_Phdr);
        if (size < end)
                return *ret_need = end, -ENOBUFS;
        for (size_t i = 0; i < h.e_phnum; i++) {
                Elf64_Phdr ph;
                memcpy(&ph, b + h.e_phoff + i * sizeof ph, sizeof ph);
                if (ph.p_type == PT_INTERP)
                        return 1;
        }
        return 0;
}

int policy_phase_dump(const PolicyPhase *p, const char *only_syscall, FILE *f) {
        if (!p)
                return 0;
        fprintf(f, "\nMain phase (starts %s; stacked on the start-up filter, the intersection "
                   "applies):\n", phase_start_to_string(p->start));
        if (p->start == PHASE_START_AFTER_READY)
                fprintf(f, "  %zu call(s) routed to syscaged until READY=1, refused after it\n",
                        p->n_startup_only);
        int r = policy_dump(p->main, only_syscall, f);
        return r < 0 ? r : (ferror(f) ? -EIO : 0);
}

int policy_phase_print(const UnitFile *u, const Policy *startup, const char *only_syscall, FILE *f) {
        _cleanup_(policy_phase_freep) PolicyPhase *ph = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        int r;

        r = policy_phase_build(u, startup, &diags, &ph);
        if (r < 0)
                return r == -EINVAL ? 0 : r; /* errors are verify's to show */
        return policy_phase_dump(ph, only_syscall, f);
}

int policy_phase_check_executable(const PolicyPhase *p, const char *path, DiagList *diags) {
        uint8_t *buf = NULL;
        size_t need = 0;
        int r;

        if (!p || p->start != PHASE_START_AFTER_LOADER || !path || path[0] != '/')
                return 0;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return 0;
        buf = malloc(POLICY_PHASE_ELF_READ_MAX);
        if (!buf)
                return -ENOMEM;
        ssize_t n = pread(fd, buf, POLICY_PHASE_ELF_READ_MAX, 0);
        r = n < 0 ? 1 : policy_phase_elf_dynamic(buf, (size_t) n, &need);
        free(buf);
        if (r != 0)
                return 0;
        diag_add_code(diags, DIAG_CODE_CONFLICT, DIAG_ERROR, p->file, p->line, "MainPhaseStarts",
                      "after-loader cannot work on %s: it is statically linked (no ELF "
                      "interpreter), so the preloaded object that loads the main filter never "
                      "runs; use after-ready or a single-phase policy",
                      path);
        return -EINVAL;
}

int policy_phase_verify(const UnitFile *u, const Policy *startup, const char *exec_path,
                        DiagList *diags) {
        _cleanup_(policy_phase_freep) PolicyPhase *ph = NULL;
        int r;

        r = policy_phase_build(u, startup, diags, &ph);
        if (r < 0)
                return r;
        return policy_phase_check_executable(ph, exec_path, diags);
}
