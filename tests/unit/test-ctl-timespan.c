/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscagectl show's time spans, as systemctl show prints them (values taken from systemd 252:
 * RestartUSec=1.500000s, TimeoutStartUSec=1min 30s, TimeoutStopUSec=infinity, ...). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl-output.h"
#include "macro.h"

static void test_timespan(void **state) {
        static const struct {
                uint64_t usec;
                const char *text;
        } cases[] = {
                { 0, "0" },
                { UINT64_MAX, "infinity" },
                { 100000, "100ms" },
                { 1500000, "1.500000s" },
                { 90000000, "1min 30s" },
                { 5000000, "5s" },
                { 1, "1us" },
                { 1500, "1.500ms" },
                { 3600000000 + 60000000 + 1000000, "1h 1min 1s" },
                { 86400000000ULL * 8, "1w 1d" },
                { 60000000 + 500000, "1min 500ms" },
        };
        char buf[64];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(format_timespan(buf, sizeof buf, cases[i].usec), cases[i].text);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_timespan),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
