/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "extract-word.h"
#include "macro.h"

/* Splits S completely with FLAGS and checks the words against EXPECTED (NULL-terminated). */
static void check_words(const char *s, const char *separators, unsigned flags,
                        const char *const *expected) {
        const char *p = s;
        size_t i = 0;

        for (;; i++) {
                _cleanup_free_ char *w = NULL;
                int r = extract_first_word(&p, &w, separators, flags);
                assert_true(r >= 0);
                if (r == 0) {
                        assert_null(w);
                        assert_null(p);
                        break;
                }
                assert_non_null(expected[i]);
                assert_string_equal(w, expected[i]);
        }
        assert_null(expected[i]);
}

static void test_plain(void **state) {
        check_words("  foo bar\tbaz  ", NULL, 0, (const char *const[]){ "foo", "bar", "baz", NULL });
        check_words("", NULL, 0, (const char *const[]){ NULL });
        check_words("   ", NULL, 0, (const char *const[]){ NULL });
        check_words("a,b,,c", ",", 0, (const char *const[]){ "a", "b", "c", NULL });
        check_words("a,b,,c", ",", EXTRACT_DONT_COALESCE_SEPARATORS,
                    (const char *const[]){ "a", "b", "", "c", NULL });
        /* Without EXTRACT_QUOTES quotes are ordinary characters. */
        check_words("\"a b\"", NULL, 0, (const char *const[]){ "\"a", "b\"", NULL });
}

static void test_quotes(void **state) {
        check_words("\"a b\" 'c d' e\"f g\"h", NULL, EXTRACT_QUOTES,
                    (const char *const[]){ "a b", "c d", "ef gh", NULL });
        check_words("\"\" ''", NULL, EXTRACT_QUOTES, (const char *const[]){ "", "", NULL });
        check_words("'it\"s'", NULL, EXTRACT_QUOTES, (const char *const[]){ "it\"s", NULL });
        check_words("\"a\\\"b\"", NULL, EXTRACT_QUOTES, (const char *const[]){ "a\"b", NULL });
}

static void test_unterminated(void **state) {
        const char *p;
        char *w = (char *) 0x1;

        p = "foo \"bar";
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_QUOTES), 1);
        assert_string_equal(w, "foo");
        free(w);
        w = (char *) 0x1;
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_QUOTES), -EINVAL);
        assert_ptr_equal(w, (char *) 0x1); /* untouched on failure */

        p = "'abc";
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_QUOTES), -EINVAL);
        p = "'abc";
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_QUOTES | EXTRACT_RELAX), 1);
        assert_string_equal(w, "abc");
        assert_null(p);
        free(w);

        p = "abc\\";
        assert_int_equal(extract_first_word(&p, &w, NULL, 0), -EINVAL);
        p = "abc\\";
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_RELAX), 1);
        assert_string_equal(w, "abc");
        free(w);
        p = "abc\\";
        assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_UNESCAPE_RELAX), 1);
        assert_string_equal(w, "abc\\");
        free(w);
}

static void test_escapes(void **state) {
        /* Plain mode: a backslash makes the next character literal. */
        check_words("a\\ b c\\\\d \\n", NULL, 0, (const char *const[]){ "a b", "c\\d", "n", NULL });
        check_words("a\\ b", NULL, EXTRACT_RETAIN_ESCAPE, (const char *const[]){ "a\\", "b", NULL });
        check_words("\\t\\x41\\101\\u00e4\\U0001F600\\s", NULL, EXTRACT_CUNESCAPE,
                    (const char *const[]){ "\tAA\xc3\xa4\xf0\x9f\x98\x80 ", NULL });
        check_words("\"tab\\there\"", NULL, EXTRACT_QUOTES | EXTRACT_CUNESCAPE,
                    (const char *const[]){ "tab\there", NULL });
        check_words("a\\qb", NULL, EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_RELAX,
                    (const char *const[]){ "a\\qb", NULL });

        const char *p;
        char *w;
        static const char *const bad[] = { "\\q", "\\x4", "\\x00", "\\000", "\\uD800",
                                           "\\U00110000", "\\18" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                p = bad[i];
                assert_int_equal(extract_first_word(&p, &w, NULL, EXTRACT_CUNESCAPE), -EINVAL);
        }
}

static void test_cunescape_one(void **state) {
        uint32_t c;
        bool eight;

        assert_int_equal(cunescape_one("n", 1, &c, &eight), 1);
        assert_int_equal(c, '\n');
        assert_false(eight);
        assert_int_equal(cunescape_one("xff", 3, &c, &eight), 3);
        assert_int_equal(c, 0xff);
        assert_true(eight);
        assert_int_equal(cunescape_one("xf", 2, &c, &eight), -EINVAL);
        assert_int_equal(cunescape_one("u20ac", 5, &c, &eight), 5);
        assert_int_equal(c, 0x20ac);
        assert_int_equal(cunescape_one("u20a", 4, &c, &eight), -EINVAL);
        assert_int_equal(cunescape_one("377", 3, &c, &eight), 3);
        assert_int_equal(c, 0377);
        assert_int_equal(cunescape_one("400", 3, &c, &eight), -EINVAL);
}

static void test_position(void **state) {
        const char *p = "one  two";
        char *w;

        assert_int_equal(extract_first_word(&p, &w, NULL, 0), 1);
        assert_string_equal(w, "one");
        assert_string_equal(p, "two");
        free(w);
        assert_int_equal(extract_first_word(&p, &w, NULL, 0), 1);
        assert_null(p);
        free(w);
        assert_int_equal(extract_first_word(&p, &w, NULL, 0), 0);
        assert_null(w);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain),
                cmocka_unit_test(test_quotes),
                cmocka_unit_test(test_unterminated),
                cmocka_unit_test(test_escapes),
                cmocka_unit_test(test_cunescape_one),
                cmocka_unit_test(test_position),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
