/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "unit-file.h"
#include "unit-name.h"

static void test_valid(void **state) {
        char longname[UNIT_NAME_MAX + 2];

        assert_int_equal(unit_name_classify("foo.service"), UNIT_NAME_PLAIN);
        assert_int_equal(unit_name_classify("foo@.service"), UNIT_NAME_TEMPLATE);
        assert_int_equal(unit_name_classify("foo@bar.service"), UNIT_NAME_INSTANCE);
        assert_int_equal(unit_name_classify("foo@bar@baz.service"), UNIT_NAME_INSTANCE);
        assert_int_equal(unit_name_classify("a.b-c_d:e\\x2d.service"), UNIT_NAME_PLAIN);
        assert_true(unit_name_is_valid("foo@bar.service", UNIT_NAME_INSTANCE));
        assert_false(unit_name_is_valid("foo@bar.service", UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE));

        static const char *const bad[] = {
                "", ".service", "foo", "foo.socket", "foo.service.bak", "@bar.service",
                "@.service", "foo bar.service", "foo/bar.service", "fö.service", "foo.Service",
                "foo%.service",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                assert_int_equal(unit_name_classify(bad[i]), -EINVAL);

        /* Exactly UNIT_NAME_MAX characters is fine, one more is not. */
        memset(longname, 'a', sizeof longname);
        strcpy(longname + UNIT_NAME_MAX - strlen(".service"), ".service");
        assert_int_equal(strlen(longname), UNIT_NAME_MAX);
        assert_int_equal(unit_name_classify(longname), UNIT_NAME_PLAIN);
        memset(longname, 'a', sizeof longname);
        strcpy(longname + UNIT_NAME_MAX + 1 - strlen(".service"), ".service");
        assert_int_equal(unit_name_classify(longname), -EINVAL);
        assert_string_equal(unit_name_flags_to_string(UNIT_NAME_TEMPLATE), "template");
        assert_null(unit_name_flags_to_string(UNIT_NAME_ANY));
}

/* A macro, so the call runs before its result is looked at. */
#define check_str(call, var, expected)                                                    \
        do {                                                                              \
                assert_int_equal((call), 0);                                              \
                assert_string_equal((var), (expected));                                   \
                free(var);                                                                \
                (var) = NULL;                                                             \
        } while (0)

static void test_parts(void **state) {
        char *s = NULL;

        check_str(unit_name_to_prefix("foo@bar.service", &s), s, "foo");
        check_str(unit_name_to_prefix("foo.bar.service", &s), s, "foo.bar");
        check_str(unit_name_to_instance("foo@bar@baz.service", &s), s, "bar@baz");
        check_str(unit_name_to_instance("foo@.service", &s), s, "");
        assert_int_equal(unit_name_to_instance("foo.service", &s), -EINVAL);
        check_str(unit_name_to_stem("foo@bar.service", &s), s, "foo@bar");
        check_str(unit_name_template("foo@bar.service", &s), s, "foo@.service");
        assert_int_equal(unit_name_template("foo@.service", &s), -EINVAL);
        assert_int_equal(unit_name_template("foo.service", &s), -EINVAL);
        check_str(unit_name_build_instance("getty@.service", "tty1", &s), s, "getty@tty1.service");
        assert_int_equal(unit_name_build_instance("getty@.service", "a b", &s), -EINVAL);
        assert_int_equal(unit_name_build_instance("getty.service", "x", &s), -EINVAL);
        assert_int_equal(unit_name_build_instance("getty@.service", "", &s), -EINVAL);
}

static void test_escape(void **state) {
        char *s = NULL;

        /* Expected values as printed by systemd-escape. */
        check_str(unit_name_escape("a-b/c", &s), s, "a\\x2db-c");
        check_str(unit_name_escape(".foo", &s), s, "\\x2efoo");
        check_str(unit_name_escape("a b", &s), s, "a\\x20b");
        check_str(unit_name_escape("\xc3\xa4", &s), s, "\\xc3\\xa4");
        check_str(unit_name_escape("a\\x2db", &s), s, "a\\x5cx2db");
        check_str(unit_name_escape("a.b", &s), s, "a.b");
        check_str(unit_name_unescape("a\\x2db-c", &s), s, "a-b/c");
        check_str(unit_name_unescape("\\x2d", &s), s, "-");
        check_str(unit_name_unescape("-", &s), s, "/");
        check_str(unit_name_unescape("\\xc3\\xa4", &s), s, "\xc3\xa4");
        assert_int_equal(unit_name_unescape("\\x2", &s), -EINVAL);
        assert_int_equal(unit_name_unescape("\\y20", &s), -EINVAL);
        assert_int_equal(unit_name_unescape("\\x00", &s), -EINVAL);
        assert_int_equal(unit_name_unescape("a\\", &s), -EINVAL);

        check_str(unit_name_path_escape("/dev/sda", &s), s, "dev-sda");
        check_str(unit_name_path_escape("//var//lib/", &s), s, "var-lib");
        check_str(unit_name_path_escape("/", &s), s, "-");
        check_str(unit_name_path_escape("/a-b", &s), s, "a\\x2db");
        check_str(unit_name_path_unescape("dev-sda", &s), s, "/dev/sda");
        check_str(unit_name_path_unescape("-", &s), s, "/");
        check_str(unit_name_path_unescape("a\\x2db", &s), s, "/a-b");

        /* Round trip through escaping. */
        static const char *const samples[] = { "a-b c/d", ".hidden", "x\\y", "\xe2\x82\xac" };
        for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
                char *e = NULL, *u = NULL;
                assert_int_equal(unit_name_escape(samples[i], &e), 0);
                assert_int_equal(unit_name_unescape(e, &u), 0);
                assert_string_equal(u, samples[i]);
                free(e);
                free(u);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_parts),
                cmocka_unit_test(test_escape),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
