/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"

static void test_diag_format(void **state) {
        DiagList l = {};
        char *buf = NULL;
        size_t sz = 0;
        FILE *f;

        assert_int_equal(diag_add(&l, DIAG_ERROR, "a.service", 3, "ExecStart", "bad %s", "x"), 0);
        assert_int_equal(diag_add(&l, DIAG_WARNING, NULL, 0, NULL, "plain"), 0);
        assert_int_equal(diag_list_count(&l, DIAG_ERROR), 1);
        assert_int_equal(diag_list_count(&l, DIAG_WARNING), 1);
        f = open_memstream(&buf, &sz);
        diag_print(&l.items[0], f);
        diag_print(&l.items[1], f);
        fclose(f);
        assert_string_equal(buf, "a.service:3: ExecStart: error: bad x\nwarning: plain\n");
        free(buf);
        diag_list_done(&l);
}

static void test_diag_cap(void **state) {
        DiagList l = {};

        for (unsigned i = 0; i < DIAG_LIST_MAX + 10; i++)
                assert_int_equal(diag_add(&l, DIAG_WARNING, "f", i, "K", "w"), 0);
        assert_int_equal(l.n, DIAG_LIST_MAX);
        assert_int_equal(l.n_dropped, 10);
        assert_int_equal(diag_list_count(&l, DIAG_WARNING), DIAG_LIST_MAX + 10);
        diag_list_done(&l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_diag_format),
                cmocka_unit_test(test_diag_cap),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
