/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy intern table: equal content gives one shared policy whatever the origins, a
 * 64-bit hash never decides equality on its own, references keep policies alive in any order,
 * and the compact rule storage stays small.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "policy-store.h"
#include "policy-test-util.h"

/* Builds from LINES as if they came from FILE (origins differ between files). */
static Policy *build_in(const char *file, const char *const *lines) {
        UnitFile *u = calloc(1, sizeof *u);
        DiagList diags = {};
        Policy *p = NULL;

        assert_non_null(u);
        /* A line of padding first, so that line numbers differ between files too. */
        for (unsigned i = 0; lines[i]; i++) {
                const char *eq = strchr(lines[i], '=');
                char *key = strndup(lines[i], (size_t) (eq - lines[i]));
                assert_non_null(key);
                test_unit_add(u, "Service", key, eq + 1, file, i + 3 + (unsigned) strlen(file));
                free(key);
        }
        assert_int_equal(policy_build(u, &diags, &p), 0);
        test_unit_free(u);
        diag_list_done(&diags);
        return p;
}

static Policy *build(const char *const *lines) {
        return build_in(TEST_UNIT_FILE, lines);
}

static void test_equal_content_shared(void **state) {
        const char *a[] = { "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX AF_INET", NULL };
        const char *b[] = { "RestrictAddressFamilies=AF_INET AF_UNIX", "SystemCallFilter=@system-service", NULL };
        PolicyStore *s = NULL;
        Policy *x = build_in("one.service", a), *y = build_in("/etc/other/two.service", b);
        Policy *built_y = y;

        assert_int_equal(policy_store_new(&s), 0);
        assert_ptr_not_equal(x, y);
        assert_true(policy_equal(x, y));
        assert_int_equal(policy_store_intern(s, &x), 0);
        assert_int_equal(policy_store_intern(s, &y), 0);
        assert_ptr_equal(x, y); /* built_y was freed: the unit now shares x */
        assert_ptr_not_equal(y, built_y);
        assert_int_equal(x->n_ref, 2);
        assert_int_equal(policy_store_size(s), 1);
        /* Shared policies carry no origins, and refuse changes. */
        assert_null(x->files);
        for (size_t i = 0; i < x->n_rules; i++)
                assert_null(x->rules[i].origin.file);
        assert_int_equal(policy_add_rule(x, "uname", POLICY_ACTION(POLICY_ACTION_KILL),
                                         (PolicyOrigin) {}, NULL, 0), -EPERM);
        policy_unref(y);
        assert_int_equal(policy_store_size(s), 1);
        policy_unref(x);
        assert_int_equal(policy_store_size(s), 0);
        policy_store_free(s);
}

static void test_different_content_apart(void **state) {
        static const char *const variants[][3] = {
                { "SystemCallFilter=@system-service" },
                { "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM" },
                { "SystemCallFilter=@system-service", "SystemCallArchitectures=native" },
                { "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes" },
                { "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX" },
                { "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_INET" },
                { "SystemCallFilter=~@mount" },
                { "SystemCallFilter=~@mount:EPERM" },
                { "SystemCallFilter=~@mount:EACCES" },
                { "SystemCallLog=~@mount" },
        };
        Policy *p[ELEMENTSOF(variants)];
        PolicyStore *s = NULL;

        assert_int_equal(policy_store_new(&s), 0);
        for (size_t i = 0; i < ELEMENTSOF(variants); i++) {
                p[i] = build(variants[i]);
                assert_int_equal(policy_store_intern(s, &p[i]), 0);
                for (size_t j = 0; j < i; j++)
                        if (p[i] == p[j] || policy_equal(p[i], p[j]))
                                fail_msg("variants %zu and %zu were merged", j, i);
        }
        assert_int_equal(policy_store_size(s), ELEMENTSOF(variants));
        for (size_t i = 0; i < ELEMENTSOF(variants); i++)
                policy_unref(p[i]);
        assert_int_equal(policy_store_size(s), 0);
        policy_store_free(s);
}

static uint64_t constant_hash(const Policy *p) {
        return 42;
}

/* Every policy lands on one hash: only the full comparison keeps them apart. */
static void test_collisions(void **state) {
        const char *const *lines[] = {
                (const char *[]) { "SystemCallFilter=~uname", NULL },
                (const char *[]) { "SystemCallFilter=~getppid", NULL },
                (const char *[]) { "SystemCallFilter=~uname:EPERM", NULL },
        };
        Policy *p[ELEMENTSOF(lines)], *again;
        PolicyStore *s = NULL;

        assert_int_equal(policy_store_new(&s), 0);
        assert_int_equal(policy_store_set_hash(s, constant_hash), 0);
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                p[i] = build(lines[i]);
                assert_int_equal(policy_store_intern(s, &p[i]), 0);
        }
        assert_int_equal(policy_store_size(s), 3);
        assert_ptr_not_equal(p[0], p[1]);
        assert_ptr_not_equal(p[1], p[2]);
        assert_ptr_not_equal(p[0], p[2]);
        /* Each finds its own, from anywhere in the chain. */
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                again = build_in("elsewhere.service", lines[i]);
                assert_int_equal(policy_store_intern(s, &again), 0);
                assert_ptr_equal(again, p[i]);
                policy_unref(again);
        }
        /* Removing the middle of the chain keeps the others findable. */
        policy_unref(p[1]);
        assert_int_equal(policy_store_size(s), 2);
        again = build(lines[2]);
        assert_int_equal(policy_store_intern(s, &again), 0);
        assert_ptr_equal(again, p[2]);
        policy_unref(again);
        policy_unref(p[2]);
        again = build(lines[0]);
        assert_int_equal(policy_store_intern(s, &again), 0);
        assert_ptr_equal(again, p[0]);
        policy_unref(again);
        policy_unref(p[0]);
        assert_int_equal(policy_store_size(s), 0);
        policy_store_free(s);
}

static unsigned hash_calls;

static uint64_t counting_hash(const Policy *p) {
        hash_calls++;
        return policy_hash(p);
}

static int store_build(PolicyStore *s, const char *file, const char *const *lines, DiagList *diags, Policy **ret) {
        UnitFile *u = calloc(1, sizeof *u);
        int r;

        assert_non_null(u);
        for (unsigned i = 0; lines[i]; i++) {
                const char *eq = strchr(lines[i], '=');
                char *key = strndup(lines[i], (size_t) (eq - lines[i]));
                assert_non_null(key);
                test_unit_add(u, "Service", key, eq + 1, file, i + 7);
                free(key);
        }
        test_unit_add(u, "Service", "Environment", "A=1", file, 1); /* not a policy directive */
        r = policy_store_build(s, u, diags, ret);
        test_unit_free(u);
        return r;
}

/* Units with the same directives cost one build; a build with warnings is not remembered, so
 * that every unit gets its own; a remembered build goes with its policy. */
static void test_build_memo(void **state) {
        const char *a[] = { "SystemCallFilter=@system-service", "LockPersonality=yes", NULL };
        const char *b[] = { "SystemCallFilter=@system-service", "LockPersonality=no", NULL };
        const char *warn[] = { "SystemCallFilter=read exit_group no_such_call", NULL };
        const char *bad[] = { "SystemCallFilter=~no_such_call", NULL };
        PolicyStore *s = NULL;
        Policy *x, *y, *z, *w1, *w2, *e = NULL;
        DiagList diags = {};
        unsigned calls;

        assert_int_equal(policy_store_new(&s), 0);
        assert_int_equal(policy_store_set_hash(s, counting_hash), 0);
        hash_calls = 0;
        assert_int_equal(store_build(s, "a.service", a, &diags, &x), 0);
        calls = hash_calls;
        assert_true(calls > 0);
        assert_int_equal(store_build(s, "/other/place/b.service", a, &diags, &y), 0);
        assert_ptr_equal(x, y);
        assert_int_equal(hash_calls, calls); /* remembered: neither built nor hashed */
        assert_int_equal(store_build(s, "a.service", b, &diags, &z), 0);
        assert_ptr_not_equal(x, z);
        assert_int_equal(diags.n, 0);

        assert_int_equal(store_build(s, "w1.service", warn, &diags, &w1), 0);
        assert_int_equal(diags.n, 1);
        assert_int_equal(store_build(s, "w2.service", warn, &diags, &w2), 0);
        assert_int_equal(diags.n, 2); /* the second unit gets its own warning */
        assert_string_equal(diags.items[1].file, "w2.service");
        assert_ptr_equal(w1, w2); /* and still shares the policy */

        assert_int_equal(store_build(s, "bad.service", bad, &diags, &e), -EINVAL);
        assert_null(e);

        /* The remembered text goes with its policy: the next build starts afresh. */
        policy_unref(x);
        policy_unref(y);
        calls = hash_calls;
        assert_int_equal(store_build(s, "a.service", a, &diags, &x), 0);
        assert_true(hash_calls > calls);
        assert_int_equal(store_build(s, "c.service", a, &diags, &y), 0);
        assert_ptr_equal(x, y);
        policy_unref(x);
        policy_unref(z);
        policy_unref(w1);
        policy_unref(w2);
        assert_int_equal(policy_store_size(s), 1);
        /* A store freed first forgets its texts; the policy lives on. */
        policy_store_free(s);
        assert_null(y->store_text);
        policy_unref(y);
        diag_list_done(&diags);
}

/* A store freed first lets its policies live on. */
static void test_store_freed_first(void **state) {
        const char *a[] = { "SystemCallFilter=@system-service", NULL };
        PolicyStore *s = NULL;
        Policy *p = build(a), *q;

        assert_int_equal(policy_store_new(&s), 0);
        assert_int_equal(policy_store_intern(s, &p), 0);
        q = policy_ref(p);
        policy_store_free(s);
        assert_null(p->store);
        assert_true(p->n_rules > 0);
        policy_unref(p);
        policy_unref(q);
}

/* policy_equal(): origins and ABI order do not count, everything that compiles does. */
static void test_equal(void **state) {
        const char *a[] = { "SystemCallFilter=@system-service", "SystemCallArchitectures=x86 x32", NULL };
        const char *b[] = { "SystemCallArchitectures=x32", "SystemCallArchitectures=x86", "SystemCallFilter=@system-service", NULL };
        const char *c[] = { "SystemCallFilter=@system-service", "SystemCallArchitectures=x86", NULL };
        Policy *x, *y, *z;

        if (arch_native() != SCMP_ARCH_X86_64)
                skip();
        x = build(a);
        y = build_in("b.service", b);
        z = build(c);
        assert_true(policy_equal(x, y));
        assert_int_equal(policy_hash(x), policy_hash(y));
        assert_false(policy_equal(x, z));
        policy_unref(x);
        policy_unref(y);
        policy_unref(z);
}

/* The compact storage: an @system-service policy in a few dozen bytes a rule. */
static void test_compact(void **state) {
        const char *a[] = { "SystemCallFilter=@system-service", NULL };
        const char *b[] = { "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                            "MemoryDenyWriteExecute=yes", "RestrictSUIDSGID=yes", NULL };
        const char *const *lines[] = { a, b };
        PolicyStore *s = NULL;

        assert_int_equal(policy_store_new(&s), 0);
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                Policy *p = build(lines[i]);
                size_t built = policy_memory_size(p);

                assert_int_equal(policy_store_intern(s, &p), 0);
                size_t bytes = policy_memory_size(p);
                print_message("policy %zu: %zu rules, %zu bytes built, %zu bytes shared (%zu a rule)\n",
                              i, p->n_rules, built, bytes, bytes / p->n_rules);
                assert_true(p->n_rules > 300);
                /* 40 bytes of rule, the name, and a share of the conditions. */
                assert_true(bytes / p->n_rules <= 64);
                assert_true(bytes <= built);
                policy_unref(p);
        }
        policy_store_free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_equal_content_shared),
                cmocka_unit_test(test_different_content_apart),
                cmocka_unit_test(test_collisions),
                cmocka_unit_test(test_store_freed_first),
                cmocka_unit_test(test_build_memo),
                cmocka_unit_test(test_equal),
                cmocka_unit_test(test_compact),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
