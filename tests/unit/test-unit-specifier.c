/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "unit-file.h"
#include "unit-specifier.h"

static void test_expand(void **state) {
        UnitSpecifierContext c = { .name = "a-b@x\\x2dy.service", .fragment = "/etc/u/a-b@.service" };
        char *out = NULL, *err = NULL;
        bool trailing = true;

        assert_int_equal(unit_specifier_expand(&c, "%p|%i|%I|%j|%J|%f|%y|%Y|%%|%n", &out, &trailing, &err), 0);
        assert_string_equal(out, "a-b|x\\x2dy|x-y|b|b|/x-y|/etc/u/a-b@.service|/etc/u|%|a-b@x\\x2dy.service");
        assert_false(trailing);
        assert_null(err);
        free(out);

        /* Results are cached per context: the same pointer serves the second use. */
        assert_non_null(c.cache['p']);
        const char *cached = c.cache['p'];
        assert_int_equal(unit_specifier_expand(&c, "%p", &out, NULL, NULL), 0);
        assert_ptr_equal(c.cache['p'], cached);
        free(out);

        assert_int_equal(unit_specifier_expand(&c, "no specifiers", &out, NULL, NULL), 0);
        assert_string_equal(out, "no specifiers");
        free(out);
        assert_int_equal(unit_specifier_expand(&c, "", &out, NULL, NULL), 0);
        assert_string_equal(out, "");
        free(out);
        assert_int_equal(unit_specifier_expand(&c, "50%", &out, &trailing, NULL), 0);
        assert_string_equal(out, "50%");
        assert_true(trailing);
        free(out);
        unit_specifier_context_done(&c);
        assert_null(c.cache['p']);
}

static void test_errors(void **state) {
        UnitSpecifierContext c = { .name = "foo.service" };
        char *out = (char *) 0x1, *err = NULL;

        assert_int_equal(unit_specifier_expand(&c, "x%z", &out, NULL, &err), -EBADSLT);
        assert_ptr_equal(out, (char *) 0x1);
        assert_non_null(strstr(err, "'%z'"));
        free(err);
        err = NULL;
        assert_int_equal(unit_specifier_expand(&c, "%\x01", &out, NULL, &err), -EBADSLT);
        assert_non_null(strstr(err, "\\x01"));
        free(err);
        err = NULL;
        assert_int_equal(unit_specifier_expand(&c, "%d", &out, NULL, &err), -EOPNOTSUPP);
        free(err);
        err = NULL;
        /* No fragment known: %y cannot be resolved. */
        assert_int_equal(unit_specifier_expand(&c, "%y", &out, NULL, &err), -ENOENT);
        assert_non_null(strstr(err, "%y"));
        free(err);
        assert_int_equal(unit_specifier_expand(&c, "%z", &out, NULL, NULL), -EBADSLT);
        assert_true(unit_specifier_is_known('n'));
        assert_true(unit_specifier_is_known('%'));
        assert_false(unit_specifier_is_known('z'));
        unit_specifier_context_done(&c);
}

static void test_limit(void **state) {
        UnitSpecifierContext c = { .name = "foo.service" };
        char *in = malloc(UNIT_LINE_MAX + 1), *out = NULL;
        size_t n = 0;

        /* "%n" (2 bytes) expands to 11: a third of the limit in input is over it after. */
        while (n + 2 < UNIT_LINE_MAX / 3) {
                memcpy(in + n, "%n", 2);
                n += 2;
        }
        in[n] = '\0';
        assert_int_equal(unit_specifier_expand(&c, in, &out, NULL, NULL), -E2BIG);
        in[UNIT_LINE_MAX / 12] = '\0';
        assert_int_equal(unit_specifier_expand(&c, in, &out, NULL, NULL), 0);
        free(out);
        free(in);
        unit_specifier_context_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_expand),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_limit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
