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
#include "policy-test-util.h"

static FilterEntry *get(Hashmap *cache, const char *const *lines) {
        _cleanup_(policy_freep) Policy *p = NULL;
        DiagList diags = {};
        FilterEntry *e = NULL;

        assert_int_equal(test_build(lines, &diags, &p), 0);
        assert_int_equal(filter_cache_get(cache, p, &e), 0);
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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_gate_answer),
                cmocka_unit_test(test_shared),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
