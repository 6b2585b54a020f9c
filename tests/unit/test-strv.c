/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "strv.h"

static void test_strv_basic(void **state) {
        _cleanup_strv_free_ char **l = NULL, **c = NULL;

        assert_int_equal(strv_length(l), 0);
        assert_int_equal(strv_extend(&l, "a"), 0);
        assert_int_equal(strv_consume(&l, strdup("b")), 0);
        assert_int_equal(strv_length(l), 2);
        assert_true(strv_contains(l, "b"));
        assert_false(strv_contains(l, "c"));
        c = strv_copy(l);
        assert_non_null(c);
        assert_string_equal(c[0], "a");
        assert_string_equal(c[1], "b");
        assert_null(c[2]);
        assert_int_equal(strv_consume(&l, NULL), -ENOMEM);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_strv_basic),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
