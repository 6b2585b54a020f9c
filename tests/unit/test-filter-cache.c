/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's filter cache: one entry per distinct policy, and the exec gate's answer taken
 * from the policy itself (an execve errno of the unit's choosing, 0 being fake success, or
 * kill).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "exec/filter-cache.h"
#include "policy-store.h"
#include "policy-test-util.h"

static FilterEntry *get(Hashmap *cache, const char *const *lines) {
        _cleanup_(policy_freep) Policy *p = NULL;
        DiagList diags = {};
        FilterEntry *e = NULL;

        assert_int_equal(test_build(lines, &diags, &p), 0);
        assert_int_equal(filter_cache_get(cache, NULL, p, &e), 0);
        diag_list_done(&diags);
        return e;
}

static void test_gate_answer(void **state) {
        static const struct {
                const char *lines[3];
                ExecGateAction action;
                int error;
        } cases[] = {
                { { "SystemCallFilter=~execve execveat" }, EXEC_GATE_KILL, EPERM },
                { { "SystemCallFilter=~execve execveat", "SystemCallErrorNumber=EACCES" }, EXEC_GATE_ERRNO, EACCES },
                { { "SystemCallFilter=~execve:ETXTBSY execveat:ETXTBSY" }, EXEC_GATE_ERRNO, ETXTBSY },
                { { "SystemCallFilter=~execve:0 execveat:0", "SystemCallErrorNumber=EPERM" }, EXEC_GATE_ERRNO, 0 },
        };
        Hashmap *cache = hashmap_new();

        assert_non_null(cache);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                FilterEntry *e = get(cache, cases[i].lines);
                assert_true(e->gate);
                assert_non_null(e->notify);
                if (e->gate_action != cases[i].action || e->gate_errno != cases[i].error)
                        fail_msg("%s: gate %d/%d, want %d/%d", cases[i].lines[0], e->gate_action,
                                 e->gate_errno, cases[i].action, cases[i].error);
                filter_entry_unref(e);
        }
        hashmap_free(cache);
}

static void test_shared(void **state) {
        const char *a[] = { "SystemCallFilter=~uname", NULL };
        const char *b[] = { "SystemCallFilter=~getppid", NULL };
        Hashmap *cache = hashmap_new();
        FilterEntry *x = get(cache, a), *y = get(cache, a), *z = get(cache, b);

        assert_ptr_equal(x, y);
        assert_ptr_not_equal(x, z);
        assert_false(x->gate);
        filter_entry_unref(x);
        filter_entry_unref(y);
        filter_entry_unref(z);
        hashmap_free(cache);
}

/* Two units that differ in everything but their policy (environment, command, user, where the
 * directives come from) share one compiled filter, whether or not their policies are
 * interned. */
static void test_shared_across_units(void **state) {
        static const char *const a[] = { "Environment=A=1", "ExecStart=/bin/true",
                                         "SystemCallFilter=@system-service", "RestrictAddressFamilies=AF_UNIX", NULL };
        static const char *const b[] = { "User=nobody", "SystemCallFilter=@system-service", "Environment=B=2",
                                         "RestrictAddressFamilies=AF_UNIX", "ExecStart=/bin/false", NULL };
        _cleanup_(policy_store_freep) PolicyStore *store = NULL;
        Hashmap *cache = hashmap_new();
        Policy *p = NULL, *q = NULL;
        FilterEntry *x, *y;
        DiagList diags = {};

        assert_non_null(cache);
        assert_int_equal(policy_store_new(&store), 0);
        assert_int_equal(test_build(a, &diags, &p), 0);
        assert_int_equal(test_build(b, &diags, &q), 0);
        assert_ptr_not_equal(p, q);
        /* Unshared policies: equal content is enough. */
        assert_int_equal(filter_cache_get(cache, NULL, p, &x), 0);
        assert_int_equal(filter_cache_get(cache, NULL, q, &y), 0);
        assert_ptr_equal(x, y);
        assert_int_equal(x->n_ref, 2);
        filter_entry_unref(x);
        filter_entry_unref(y);
        assert_int_equal(hashmap_size(cache), 0);
        /* Interned first, as the daemon does: one policy, one filter. */
        assert_int_equal(policy_store_intern(store, &p), 0);
        assert_int_equal(policy_store_intern(store, &q), 0);
        assert_ptr_equal(p, q);
        assert_int_equal(filter_cache_get(cache, NULL, p, &x), 0);
        assert_int_equal(filter_cache_get(cache, NULL, q, &y), 0);
        assert_ptr_equal(x, y);
        assert_int_equal(hashmap_size(cache), 1);
        filter_entry_unref(x);
        filter_entry_unref(y);
        assert_int_equal(hashmap_size(cache), 0);
        policy_unref(p);
        policy_unref(q);
        diag_list_done(&diags);
        hashmap_free(cache);
}

/* What ENTRY's program says for uname() on the native ABI. */
static uint32_t entry_uname(const FilterEntry *e) {
        FilterSet s = { .n = e->n_policy };

        assert_true(e->n_policy <= ELEMENTSOF(s.progs));
        memcpy(s.progs, e->policy, e->n_policy * sizeof s.progs[0]);
        return test_eval(&s, arch_native(), "uname", NULL);
}

/* Two different policies forced onto one 64-bit hash are not confused: each gets its own
 * compiled filter, found again from either end of the chain, also after the other went. */
static void test_hash_collision(void **state) {
        static const char *const deny[] = { "SystemCallFilter=~uname", NULL };
        static const char *const errno_[] = { "SystemCallFilter=~uname:EPERM", NULL };
        static const char *const other[] = { "SystemCallFilter=~getppid", NULL };
        const char *const *lines[] = { deny, errno_, other };
        const uint32_t want[] = { SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ALLOW };
        Policy *p[ELEMENTSOF(lines)];
        FilterEntry *e[ELEMENTSOF(lines)], *again;
        Hashmap *cache = hashmap_new();
        DiagList diags = {};

        assert_non_null(cache);
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                assert_int_equal(test_build(lines[i], &diags, &p[i]), 0);
                assert_int_equal(filter_cache_get_hashed(cache, NULL, p[i], 7, &e[i]), 0);
                assert_int_equal(entry_uname(e[i]), want[i]);
        }
        assert_ptr_not_equal(e[0], e[1]);
        assert_ptr_not_equal(e[1], e[2]);
        assert_ptr_not_equal(e[0], e[2]);
        assert_int_equal(hashmap_size(cache), 1); /* one key, one chain */
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                assert_int_equal(filter_cache_get_hashed(cache, NULL, p[i], 7, &again), 0);
                assert_ptr_equal(again, e[i]);
                filter_entry_unref(again);
        }
        /* Drop the chain's head (the newest), then its tail: the rest stays findable. */
        filter_entry_unref(e[2]);
        filter_entry_unref(e[0]);
        assert_int_equal(filter_cache_get_hashed(cache, NULL, p[1], 7, &again), 0);
        assert_ptr_equal(again, e[1]);
        filter_entry_unref(again);
        filter_entry_unref(e[1]);
        assert_int_equal(hashmap_size(cache), 0);
        for (size_t i = 0; i < ELEMENTSOF(lines); i++)
                policy_unref(p[i]);
        diag_list_done(&diags);
        hashmap_free(cache);
}

/* The launch key goes into the entry, and into its F_policy, only with a kill action. */
static void test_exec_key(void **state) {
        static const char *const kill[] = { "SystemCallFilter=~execve", NULL };
        static const char *const err[] = { "SystemCallFilter=~execve:EACCES", NULL };
        const PolicyExecKey key = { { 11, 22, 33 } }, zero = {};
        const uint64_t good[6] = { 0, 0, 0, 11, 22, 33 }, bad[6] = { 0, 0, 0, 11, 22, 34 };
        _cleanup_(policy_freep) Policy *pk = NULL, *pe = NULL;
        FilterEntry *ek = NULL, *ee = NULL;
        Hashmap *cache = hashmap_new();
        DiagList diags = {};
        FilterSet s = {};

        assert_non_null(cache);
        assert_int_equal(test_build(kill, &diags, &pk), 0);
        assert_int_equal(test_build(err, &diags, &pe), 0);
        assert_int_equal(filter_cache_get(cache, &key, pk, &ek), 0);
        assert_int_equal(filter_cache_get(cache, &key, pe, &ee), 0);
        assert_memory_equal(&ek->exec_key, &key, sizeof key);
        assert_memory_equal(&ee->exec_key, &zero, sizeof zero);
        s.n = ek->n_policy;
        memcpy(s.progs, ek->policy, s.n * sizeof s.progs[0]);
        assert_int_equal(test_eval(&s, arch_native(), "execve", good), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(&s, arch_native(), "execve", bad), SECCOMP_RET_KILL_PROCESS);
        s.n = ee->n_policy;
        memcpy(s.progs, ee->policy, s.n * sizeof s.progs[0]);
        assert_int_equal(test_eval(&s, arch_native(), "execve", bad), SECCOMP_RET_ALLOW);
        filter_entry_unref(ek);
        filter_entry_unref(ee);
        diag_list_done(&diags);
        hashmap_free(cache);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_gate_answer),
                cmocka_unit_test(test_shared),
                cmocka_unit_test(test_shared_across_units),
                cmocka_unit_test(test_hash_collision),
                cmocka_unit_test(test_exec_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
