/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"

#define L(s) (s), (sizeof(s) - 1)

static void test_sequence_length(void **state) {
        assert_int_equal(utf8_sequence_length(L("a")), 1);
        assert_int_equal(utf8_sequence_length(L("\xc3\xa9")), 2);          /* é */
        assert_int_equal(utf8_sequence_length(L("\xe2\x82\xac")), 3);      /* € */
        assert_int_equal(utf8_sequence_length(L("\xf0\x9f\x98\x80")), 4);  /* U+1F600 */
        assert_int_equal(utf8_sequence_length(L("\xf4\x8f\xbf\xbf")), 4);  /* U+10FFFF */
        assert_int_equal(utf8_sequence_length("", 0), 0);
        assert_int_equal(utf8_sequence_length(L("\x80")), 0);              /* continuation */
        assert_int_equal(utf8_sequence_length(L("\xc0\xaf")), 0);          /* overlong '/' */
        assert_int_equal(utf8_sequence_length(L("\xe0\x80\xaf")), 0);      /* overlong */
        assert_int_equal(utf8_sequence_length(L("\xed\xa0\x80")), 0);      /* surrogate */
        assert_int_equal(utf8_sequence_length(L("\xf4\x90\x80\x80")), 0);  /* > U+10FFFF */
        assert_int_equal(utf8_sequence_length(L("\xff")), 0);
        assert_int_equal(utf8_sequence_length(L("\xe2\x82")), 0);          /* cut short */
        assert_int_equal(utf8_sequence_length("\xe2\x82\xac", 2), 0);      /* cut by n */
}

static void test_is_valid(void **state) {
        assert_true(utf8_is_valid_n(L("plain \xc3\xa9t\xc3\xa9 \xe2\x82\xac")));
        assert_true(utf8_is_valid_n("", 0));
        assert_false(utf8_is_valid_n(L("a\xff")));
        assert_false(utf8_is_valid_n(L("a\0b")));
}

static void test_sanitize(void **state) {
        char *s = NULL;

        assert_int_equal(utf8_sanitize(L("ok \xc3\xa9"), &s), 0);
        assert_string_equal(s, "ok \xc3\xa9");
        free(s);
        assert_int_equal(utf8_sanitize(L("a\xff" "b\0c\xe2\x82"), &s), 0);
        assert_string_equal(s, "a" UTF8_REPLACEMENT "b" UTF8_REPLACEMENT "c" UTF8_REPLACEMENT UTF8_REPLACEMENT);
        assert_true(utf8_is_valid_n(s, strlen(s)));
        free(s);
        /* Only n bytes are looked at. */
        assert_int_equal(utf8_sanitize("abc", 2, &s), 0);
        assert_string_equal(s, "ab");
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sequence_length),
                cmocka_unit_test(test_is_valid),
                cmocka_unit_test(test_sanitize),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
