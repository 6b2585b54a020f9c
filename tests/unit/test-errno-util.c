/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "errno-util.h"
#include "macro.h"

static void test_names(void **state) {
        assert_int_equal(errno_from_name("EPERM"), EPERM);
        assert_int_equal(errno_from_name("ENETDOWN"), ENETDOWN);
        assert_int_equal(errno_from_name("EHWPOISON"), EHWPOISON);
        assert_int_equal(errno_from_name("EWOULDBLOCK"), EAGAIN);
        assert_int_equal(errno_from_name("EDEADLOCK"), EDEADLK);
        assert_int_equal(errno_from_name("ENOTSUP"), EOPNOTSUPP);
        assert_int_equal(errno_from_name("eperm"), -EINVAL);
        assert_int_equal(errno_from_name("EFOO"), -EINVAL);
        assert_int_equal(errno_from_name(""), -EINVAL);
        assert_string_equal(errno_to_name(EPERM), "EPERM");
        assert_string_equal(errno_to_name(ENOSYS), "ENOSYS");
        assert_null(errno_to_name(0));
        assert_null(errno_to_name(-1));
        assert_null(errno_to_name(4000));
        assert_null(errno_to_name(ERRNO_MAX + 1));
}

/* Every name glibc knows maps back to its number. */
static void test_roundtrip(void **state) {
        unsigned n = 0;

        for (int e = 1; e <= ERRNO_MAX; e++) {
                const char *s = errno_to_name(e);
                if (!s)
                        continue;
                assert_int_equal(errno_from_name(s), e);
                n++;
        }
        assert_true(n > 120);
}

static void test_parse(void **state) {
        assert_int_equal(errno_parse("EACCES", 1), EACCES);
        assert_int_equal(errno_parse("13", 1), 13);
        assert_int_equal(errno_parse("0", 0), 0);
        assert_int_equal(errno_parse("0", 1), -ERANGE);
        assert_int_equal(errno_parse("4095", 1), 4095);
        assert_int_equal(errno_parse("4096", 1), -ERANGE);
        assert_int_equal(errno_parse("99999999999999999999", 0), -ERANGE);
        assert_int_equal(errno_parse("-1", 0), -EINVAL);
        assert_int_equal(errno_parse("12x", 0), -EINVAL);
        assert_int_equal(errno_parse("", 0), -EINVAL);
        assert_int_equal(errno_parse(NULL, 0), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_roundtrip),
                cmocka_unit_test(test_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
