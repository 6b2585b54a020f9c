/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test helpers shared by the policy tests: UnitFile objects built in memory (no loader
 * involved), policies built from "Key=value" lines, and evaluation of compiled programs with
 * the BPF interpreter. Header-only, so each test stays one .c file.
 */
#pragma once

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-eval.h"
#include "filter.h"
#include "policy-build.h"
#include "unit-file.h"

#define TEST_UNIT_FILE "test.service"

static inline UnitAssignment *test_unit_append(UnitFile *u) {
        if (GREEDY_REALLOC(u->assignments, u->allocated_assignments, u->n_assignments + 1) < 0)
                abort();
        return &u->assignments[u->n_assignments++];
}

/* Appends "[SECTION] KEY=VALUE" from FILE:LINE. */
static inline void test_unit_add(UnitFile *u, const char *section, const char *key,
                                 const char *value, const char *file, unsigned line) {
        UnitAssignment *a = test_unit_append(u);
        *a = (UnitAssignment) {
                .section = strdup(section), .key = strdup(key), .value = strdup(value),
                .file = strdup(file), .line = line,
        };
        if (!a->section || !a->key || !a->value || !a->file)
                abort();
}

static inline void test_unit_free(UnitFile *u) {
        if (!u)
                return;
        for (size_t i = 0; i < u->n_assignments; i++) {
                free(u->assignments[i].section);
                free(u->assignments[i].key);
                free(u->assignments[i].value);
                free(u->assignments[i].file);
        }
        free(u->assignments);
        free(u);
}

/* LINES are "Key=value" strings for [Service], NULL-terminated; line numbers start at 2 (as if
 * after a "[Service]" header). */
static inline UnitFile *test_unit_from_lines(const char *const *lines) {
        UnitFile *u = calloc(1, sizeof *u);
        if (!u)
                abort();
        for (unsigned i = 0; lines && lines[i]; i++) {
                const char *eq = strchr(lines[i], '=');
                char *key = strndup(lines[i], eq ? (size_t) (eq - lines[i]) : strlen(lines[i]));
                test_unit_add(u, "Service", key, eq ? eq + 1 : "", TEST_UNIT_FILE, i + 2);
                free(key);
        }
        return u;
}

static inline int test_build(const char *const *lines, DiagList *diags, Policy **ret) {
        UnitFile *u = test_unit_from_lines(lines);
        int r = policy_build(u, diags, ret);
        test_unit_free(u);
        return r;
}

/* Evaluates the stack for syscall NAME of ABI ARCH (an SCMP_ARCH_* value) with ARGS. */
static inline uint32_t test_eval(const FilterSet *s, uint32_t arch, const char *name,
                                 const uint64_t args[6]) {
        struct seccomp_data d = { .arch = arch_to_audit(arch) };
        uint32_t ret = 0xdeadbeef;
        int nr = seccomp_syscall_resolve_name_arch(arch, name);

        if (nr < 0)
                abort(); /* the test names a syscall this ABI does not have */
        d.nr = nr;
        if (args)
                memcpy(d.args, args, sizeof d.args);
        if (bpf_eval_stack(s->progs, s->n, &d, &ret) < 0)
                abort();
        return ret;
}
