/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What N units with the same seccomp directives cost: the time to build each policy, and the
 * heap a unit's policy occupies (measured with mallinfo2(), so allocator overhead counts),
 * both for policies each unit keeps to itself and for policies shared through a PolicyStore.
 * Usage: bench-policy-build [N [DIRECTIVE=VALUE...]]; default 1000 units of
 * SystemCallFilter=@system-service.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../unit/policy-test-util.h"
#if __has_include("policy-store.h")
#include "policy-store.h"
#define HAVE_POLICY_STORE 1
#endif

static double now_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static size_t heap_used(void) {
        return mallinfo2().uordblks;
}

/* Unit I of N: the directives from a file of its own, as units on disk are. */
static UnitFile *unit_new(size_t i, char **lines, size_t n_lines) {
        UnitFile *u = calloc(1, sizeof *u);
        char file[64];

        if (!u)
                abort();
        snprintf(file, sizeof file, "/etc/syscage/units/bench-%zu.service", i);
        for (size_t k = 0; k < n_lines; k++) {
                char *key = strdup(lines[k]), *eq = key ? strchr(key, '=') : NULL;
                if (!eq)
                        abort();
                *eq = '\0';
                test_unit_add(u, "Service", key, eq + 1, file, (unsigned) k + 2);
                free(key);
        }
        return u;
}

int main(int argc, char **argv) {
        static char *default_lines[] = { (char *) "SystemCallFilter=@system-service" }; /* not written to */
        size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
        char **lines = argc > 2 ? argv + 2 : default_lines;
        size_t n_lines = argc > 2 ? (size_t) argc - 2 : 1;
        UnitFile **units = calloc(n, sizeof *units);
        Policy **p = calloc(n, sizeof *p);
        DiagList diags = {};
        double t0, t_build;
        size_t before, own;

        if (n == 0 || !units || !p)
                return 1;
        for (size_t i = 0; i < n; i++)
                units[i] = unit_new(i, lines, n_lines);

        before = heap_used();
        t0 = now_us();
        for (size_t i = 0; i < n; i++)
                if (policy_build(units[i], &diags, &p[i]) < 0) {
                        fprintf(stderr, "policy_build failed\n");
                        return 1;
                }
        t_build = (now_us() - t0) / (double) n;
        own = (heap_used() - before) / n;
        printf("%zu units, %zu rules each\n", n, p[0]->n_rules);
        printf("build:            %8.1f us a policy\n", t_build);
        printf("unshared:         %8zu bytes a unit (%zu a rule)\n", own, own / p[0]->n_rules);
        for (size_t i = 0; i < n; i++)
                policy_free(p[i]);

#ifdef HAVE_POLICY_STORE
        PolicyStore *s = NULL;
        size_t shared;

        if (policy_store_new(&s) < 0)
                return 1;
        before = heap_used();
        t0 = now_us();
        for (size_t i = 0; i < n; i++)
                if (policy_build(units[i], &diags, &p[i]) < 0 || policy_store_intern(s, &p[i]) < 0)
                        return 1;
        t_build = (now_us() - t0) / (double) n;
        shared = heap_used() - before;
        printf("build + intern:   %8.1f us a policy\n", t_build);
        printf("shared:           %8zu bytes for all %zu units (%zu distinct; %zu bytes a unit; "
               "the policy itself %zu bytes, %zu a rule)\n",
               shared, n, policy_store_size(s), shared / n, policy_memory_size(p[0]),
               policy_memory_size(p[0]) / p[0]->n_rules);
        for (size_t i = 0; i < n; i++)
                policy_unref(p[i]);

        /* As the daemon loads units: directives seen before cost a lookup. */
        t0 = now_us();
        for (size_t i = 0; i < n; i++)
                if (policy_store_build(s, units[i], &diags, &p[i]) < 0)
                        return 1;
        printf("policy_store_build: %6.1f us a policy\n", (now_us() - t0) / (double) n);
        for (size_t i = 0; i < n; i++)
                policy_unref(p[i]);
        policy_store_free(s);
#endif
        for (size_t i = 0; i < n; i++)
                test_unit_free(units[i]);
        free(units);
        free(p);
        diag_list_done(&diags);
        return 0;
}
