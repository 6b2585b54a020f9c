/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/string-set: order of addition, no duplicates, membership, and an empty set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "macro.h"
#include "string-set.h"

static void test_empty(void **state) {
        StringSet s = {};

        assert_null(s.items);
        assert_false(string_set_contains(&s, "a"));
        string_set_done(&s);
        assert_int_equal(s.n, 0);
}

static void test_order_and_duplicates(void **state) {
        StringSet s = {};
        static const char *const words[] = { "b.service", "a.service", "b.service", "c.service", "a.service" };

        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                assert_int_equal(string_set_add(&s, words[i]), i < 2 || i == 3 ? 1 : 0);
        assert_int_equal(s.n, 3);
        assert_string_equal(s.items[0], "b.service");
        assert_string_equal(s.items[1], "a.service");
        assert_string_equal(s.items[2], "c.service");
        assert_null(s.items[3]);
        assert_true(string_set_contains(&s, "c.service"));
        assert_false(string_set_contains(&s, "d.service"));
        string_set_done(&s);
        assert_null(s.items);
        assert_false(string_set_contains(&s, "a.service"));
}

static void test_many(void **state) {
        StringSet s = {};
        char name[32];

        for (unsigned round = 0; round < 2; round++)
                for (unsigned i = 0; i < 5000; i++) {
                        snprintf(name, sizeof name, "u%u.service", i);
                        assert_int_equal(string_set_add(&s, name), round == 0 ? 1 : 0);
                }
        assert_int_equal(s.n, 5000);
        assert_string_equal(s.items[4999], "u4999.service");
        string_set_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_order_and_duplicates),
                cmocka_unit_test(test_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
