/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "parse-util.h"

static void test_boolean(void **state) {
        static const struct {
                const char *in;
                int want;
        } cases[] = {
                { "yes", 1 },  { "YES", 1 },   { "true", 1 },  { "on", 1 },   { "1", 1 },
                { "y", 1 },    { "t", 1 },     { "no", 0 },    { "False", 0 }, { "off", 0 },
                { "0", 0 },    { "n", 0 },     { "f", 0 },     { "", -EINVAL }, { "2", -EINVAL },
                { "yess", -EINVAL }, { " yes", -EINVAL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_int_equal(parse_boolean(cases[i].in), cases[i].want);
        assert_int_equal(parse_boolean(NULL), -EINVAL);
}

static void test_time(void **state) {
        static const struct {
                const char *in;
                usec_t unit;
                int r;
                usec_t want;
        } cases[] = {
                { "5s", USEC_PER_SEC, 0, 5 * USEC_PER_SEC },
                { "5", USEC_PER_SEC, 0, 5 * USEC_PER_SEC },
                { "5", 1, 0, 5 },
                { "1min 30s", USEC_PER_SEC, 0, 90 * USEC_PER_SEC },
                { "1min30s", USEC_PER_SEC, 0, 90 * USEC_PER_SEC },
                { "2h", USEC_PER_SEC, 0, 2 * USEC_PER_HOUR },
                { "500ms", USEC_PER_SEC, 0, 500 * USEC_PER_MSEC },
                { "1.5s", USEC_PER_SEC, 0, 1500 * USEC_PER_MSEC },
                { "0.25", USEC_PER_SEC, 0, 250 * USEC_PER_MSEC },
                { "1 d 2 h", USEC_PER_SEC, 0, USEC_PER_DAY + 2 * USEC_PER_HOUR },
                { "3us", USEC_PER_SEC, 0, 3 },
                { "1w", USEC_PER_SEC, 0, 7 * USEC_PER_DAY },
                { "1y", USEC_PER_SEC, 0, 31557600 * USEC_PER_SEC },
                { "1M", USEC_PER_SEC, 0, 2629800 * USEC_PER_SEC },
                { "1m", USEC_PER_SEC, 0, USEC_PER_MINUTE },
                { " 10 seconds ", USEC_PER_SEC, 0, 10 * USEC_PER_SEC },
                { "infinity", USEC_PER_SEC, 0, USEC_INFINITY },
                { "0", USEC_PER_SEC, 0, 0 },
                { "5x", USEC_PER_SEC, -EINVAL, 0 },
                { "", USEC_PER_SEC, -EINVAL, 0 },
                { "   ", USEC_PER_SEC, -EINVAL, 0 },
                { "-5s", USEC_PER_SEC, -EINVAL, 0 },
                { "s", USEC_PER_SEC, -EINVAL, 0 },
                { "1.s", USEC_PER_SEC, -EINVAL, 0 },
                { "infinity 5s", USEC_PER_SEC, -EINVAL, 0 },
                { "99999999999999999999s", USEC_PER_SEC, -EINVAL, 0 },
                { "999999999999y", USEC_PER_SEC, -ERANGE, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                usec_t t = 4242;
                int r = parse_time(cases[i].in, cases[i].unit, &t);
                if (r != cases[i].r)
                        fail_msg("parse_time(\"%s\") = %d, want %d", cases[i].in, r, cases[i].r);
                assert_int_equal(t, r == 0 ? cases[i].want : 4242);
        }
}

static void test_size(void **state) {
        static const struct {
                const char *in;
                int r;
                uint64_t want;
        } cases[] = {
                { "0", 0, 0 },
                { "512", 0, 512 },
                { "512B", 0, 512 },
                { "1K", 0, 1024 },
                { "4M", 0, 4ULL << 20 },
                { "1.5G", 0, 3ULL << 29 },
                { "2T", 0, 2ULL << 40 },
                { "1P", 0, 1ULL << 50 },
                { "3E", 0, 3ULL << 60 },
                { "infinity", 0, UINT64_MAX },
                { "16E", -ERANGE, 0 },
                { "1k", -EINVAL, 0 },
                { "1KB", -EINVAL, 0 },
                { "abc", -EINVAL, 0 },
                { "", -EINVAL, 0 },
                { "-1", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                uint64_t v = 7;
                int r = parse_size(cases[i].in, &v);
                if (r != cases[i].r)
                        fail_msg("parse_size(\"%s\") = %d, want %d", cases[i].in, r, cases[i].r);
                assert_int_equal(v, r == 0 ? cases[i].want : 7);
        }
}

static void test_mode(void **state) {
        static const struct {
                const char *in;
                mode_t max;
                int r;
                mode_t want;
        } cases[] = {
                { "0022", 0777, 0, 0022 },  { "027", 0777, 0, 027 },   { "0", 0777, 0, 0 },
                { "0777", 0777, 0, 0777 },  { "1777", 07777, 0, 01777 }, { "1777", 0777, -ERANGE, 0 },
                { "999", 0777, -EINVAL, 0 }, { "0o22", 0777, -EINVAL, 0 }, { "", 0777, -EINVAL, 0 },
                { "-022", 0777, -EINVAL, 0 }, { "000022", 0777, -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                mode_t m = 01;
                int r = parse_mode(cases[i].in, cases[i].max, &m);
                if (r != cases[i].r)
                        fail_msg("parse_mode(\"%s\") = %d, want %d", cases[i].in, r, cases[i].r);
                assert_int_equal(m, r == 0 ? cases[i].want : 01);
        }
}

static void test_nice(void **state) {
        static const struct {
                const char *in;
                int r, want;
        } cases[] = {
                { "0", 0, 0 },      { "19", 0, 19 },        { "-20", 0, -20 },   { "+5", 0, 5 },
                { "20", -ERANGE, 0 }, { "-21", -ERANGE, 0 }, { "99", -ERANGE, 0 }, { "x", -EINVAL, 0 },
                { "", -EINVAL, 0 }, { "- 1", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                int n = 100;
                int r = parse_nice(cases[i].in, &n);
                if (r != cases[i].r)
                        fail_msg("parse_nice(\"%s\") = %d, want %d", cases[i].in, r, cases[i].r);
                assert_int_equal(n, r == 0 ? cases[i].want : 100);
        }
}

static void test_signals(void **state) {
        static const struct {
                const char *in;
                int want;
        } cases[] = {
                { "SIGTERM", SIGTERM }, { "TERM", SIGTERM }, { "SIGKILL", SIGKILL },
                { "HUP", SIGHUP },      { "9", 9 },          { "SIGSYS", SIGSYS },
                { "SIGWINCH", SIGWINCH }, { "64", 64 },
                { "SIGFOO", -EINVAL },  { "sigterm", -EINVAL }, { "", -EINVAL },
                { "0", -ERANGE },       { "65", -ERANGE },   { "SIG", -EINVAL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (signal_from_string(cases[i].in) != cases[i].want)
                        fail_msg("signal_from_string(\"%s\") = %d, want %d", cases[i].in,
                                 signal_from_string(cases[i].in), cases[i].want);
        assert_int_equal(signal_from_string("RTMIN"), SIGRTMIN);
        assert_int_equal(signal_from_string("SIGRTMIN+2"), SIGRTMIN + 2);
        assert_int_equal(signal_from_string("RTMAX-1"), SIGRTMAX - 1);
        assert_int_equal(signal_from_string("RTMIN-1"), -EINVAL);
        assert_string_equal(signal_to_string(SIGTERM), "TERM");
        assert_null(signal_to_string(0));
        /* Every named signal round-trips. */
        for (int s = 1; s < 32; s++)
                if (signal_to_string(s))
                        assert_int_equal(signal_from_string(signal_to_string(s)), s);
}

static void test_exit_status(void **state) {
        int v = -1;

        assert_int_equal(parse_exit_status("0", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(parse_exit_status("255", &v), 0);
        assert_int_equal(v, 255);
        assert_int_equal(parse_exit_status("256", &v), -ERANGE);
        assert_int_equal(parse_exit_status("-1", &v), -EINVAL);
        assert_int_equal(parse_exit_status("SIGTERM", &v), -EINVAL);
        assert_int_equal(v, 255);
        /* systemd-tmpfiles-setup.service: SuccessExitStatus=DATAERR CANTCREAT */
        assert_int_equal(parse_exit_status("DATAERR", &v), 0);
        assert_int_equal(v, 65);
        assert_int_equal(parse_exit_status("CANTCREAT", &v), 0);
        assert_int_equal(v, 73);
        assert_int_equal(parse_exit_status("NOTRUNNING", &v), 0);
        assert_int_equal(v, 7);
        assert_int_equal(parse_exit_status("dataerr", &v), -EINVAL);
}

static void test_rlimit(void **state) {
        static const struct {
                const char *name;
                const char *in;
                int r;
                rlim_t cur, max;
        } cases[] = {
                { "NOFILE", "1024", 0, 1024, 1024 },
                { "NOFILE", "1024:4096", 0, 1024, 4096 },
                { "NOFILE", "infinity", 0, RLIM_INFINITY, RLIM_INFINITY },
                { "NOFILE", "1024:infinity", 0, 1024, RLIM_INFINITY },
                { "NOFILE", "abc", -EINVAL, 0, 0 },
                { "NOFILE", "1K", -EINVAL, 0, 0 },
                { "NOFILE", "4096:1024", -EILSEQ, 0, 0 },
                { "NOFILE", "1:2:3", -EINVAL, 0, 0 },
                { "NOFILE", ":5", -EINVAL, 0, 0 },
                { "CORE", "0", 0, 0, 0 },
                { "CORE", "8M", 0, 8 << 20, 8 << 20 },
                { "AS", "1G:2G", 0, 1ULL << 30, 2ULL << 30 },
                { "MEMLOCK", "64K", 0, 65536, 65536 },
                { "CPU", "30", 0, 30, 30 },
                { "CPU", "1min", 0, 60, 60 },
                { "CPU", "1500ms", 0, 2, 2 },
                { "CPU", "5x", -EINVAL, 0, 0 },
                { "RTTIME", "500", 0, 500, 500 },
                { "RTTIME", "1s", 0, 1000000, 1000000 },
                { "NICE", "0", 0, 0, 0 },
                { "NICE", "40", 0, 40, 40 },
                { "NICE", "41", -ERANGE, 0, 0 },
                { "NICE", "-5", 0, 25, 25 },
                { "NICE", "+19", 0, 1, 1 },
                { "RTPRIO", "99", 0, 99, 99 },
                { "NPROC", "", -EINVAL, 0, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct rlimit rl = { 1, 1 };
                int res = rlimit_from_string(cases[i].name);
                assert_true(res >= 0);
                assert_string_equal(rlimit_to_string(res), cases[i].name);
                int r = rlimit_parse(res, cases[i].in, &rl);
                if (r != cases[i].r)
                        fail_msg("rlimit %s \"%s\" = %d, want %d", cases[i].name, cases[i].in, r,
                                 cases[i].r);
                assert_int_equal(rl.rlim_cur, r == 0 ? cases[i].cur : 1);
                assert_int_equal(rl.rlim_max, r == 0 ? cases[i].max : 1);
        }
        assert_int_equal(rlimit_from_string("NOFILES"), -EINVAL);
        assert_int_equal(rlimit_from_string("nofile"), -EINVAL);
        for (int i = 0; i < RLIM_NLIMITS; i++)
                assert_int_equal(rlimit_from_string(rlimit_to_string(i)), i);
}

static void test_capabilities(void **state) {
        assert_int_equal(capability_from_string("CAP_CHOWN"), 0);
        assert_int_equal(capability_from_string("cap_net_admin"), 12);
        assert_int_equal(capability_from_string("net_bind_service"), 10);
        assert_int_equal(capability_from_string("CAP_SYS_ADMIN"), 21);
        assert_int_equal(capability_from_string("CAP_BPF"), 39);
        assert_int_equal(capability_from_string("CAP_CHECKPOINT_RESTORE"), CAPABILITY_LAST);
        assert_int_equal(capability_from_string("CAP_FOO"), -EINVAL);
        assert_int_equal(capability_from_string(""), -EINVAL);
        assert_string_equal(capability_to_string(19), "CAP_SYS_PTRACE");
        assert_null(capability_to_string(CAPABILITY_LAST + 1));
        for (int c = 0; c <= CAPABILITY_LAST; c++)
                assert_int_equal(capability_from_string(capability_to_string(c)), c);
        assert_int_equal(CAPABILITY_MASK_ALL, (UINT64_C(1) << 41) - 1);
}

static void test_names(void **state) {
        static const struct {
                bool (*check)(const char *);
                const char *in;
                bool want;
        } cases[] = {
                { env_name_is_valid, "PATH", true },
                { env_name_is_valid, "_x1", true },
                { env_name_is_valid, "1X", false },
                { env_name_is_valid, "A-B", false },
                { env_name_is_valid, "", false },
                { env_assignment_is_valid, "A=b c", true },
                { env_assignment_is_valid, "A=", true },
                { env_assignment_is_valid, "A", false },
                { env_assignment_is_valid, "=x", false },
                { env_assignment_is_valid, "A B=x", false },
                { env_assignment_is_valid, "A=\x01", false },
                { user_group_name_is_valid, "root", true },
                { user_group_name_is_valid, "www-data", true },
                { user_group_name_is_valid, "1000", true },
                { user_group_name_is_valid, "65535", false },
                { user_group_name_is_valid, "4294967295", false },
                { user_group_name_is_valid, "-bad", false },
                { user_group_name_is_valid, "9lives", false },
                { user_group_name_is_valid, "a b", false },
                { user_group_name_is_valid, "", false },
                { unit_reference_is_valid, "foo.service", true },
                { unit_reference_is_valid, "foo@bar.service", true },
                { unit_reference_is_valid, "foo@.service", true },
                { unit_reference_is_valid, "network.target", true },
                { unit_reference_is_valid, "foo.bar", false },
                { unit_reference_is_valid, "foo", false },
                { unit_reference_is_valid, ".service", false },
                { unit_reference_is_valid, "@x.service", false },
                { unit_reference_is_valid, "a@b@c.service", false },
                { unit_reference_is_valid, "a b.service", false },
                { path_is_safe_relative, "foo", true },
                { path_is_safe_relative, "foo/bar", true },
                { path_is_safe_relative, "../x", false },
                { path_is_safe_relative, "a/../b", false },
                { path_is_safe_relative, "/abs", false },
                { path_is_safe_relative, "a//b", false },
                { path_is_safe_relative, "a/", false },
                { path_is_safe_relative, ".", false },
                { path_is_absolute_normal, "/", true },
                { path_is_absolute_normal, "/var/lib/x", true },
                { path_is_absolute_normal, "/var/../etc", false },
                { path_is_absolute_normal, "var", false },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                if (cases[i].check(cases[i].in) != cases[i].want)
                        fail_msg("case %zu (\"%s\") gave %d", i, cases[i].in, !cases[i].want);
        assert_string_equal(unit_name_suffix("a.b.service"), ".service");
}

static void test_unsigned(void **state) {
        unsigned u = 3;
        uint64_t v = 3;

        assert_int_equal(parse_unsigned("42", &u), 0);
        assert_int_equal(u, 42);
        assert_int_equal(parse_unsigned("4294967296", &u), -ERANGE);
        assert_int_equal(parse_unsigned("+1", &u), -EINVAL);
        assert_int_equal(parse_unsigned("1 ", &u), -EINVAL);
        assert_int_equal(parse_uint64("18446744073709551615", &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(parse_uint64("18446744073709551616", &v), -ERANGE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_boolean),  cmocka_unit_test(test_time),
                cmocka_unit_test(test_size),     cmocka_unit_test(test_mode),
                cmocka_unit_test(test_nice),     cmocka_unit_test(test_signals),
                cmocka_unit_test(test_exit_status), cmocka_unit_test(test_rlimit),
                cmocka_unit_test(test_capabilities), cmocka_unit_test(test_names),
                cmocka_unit_test(test_unsigned),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
