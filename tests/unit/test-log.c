/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sys/log.h"

static void test_log_level_from_string(void **state) {
        static const struct {
                const char *s;
                int level;
        } table[] = {
                { "emerg", LOG_EMERG },   { "alert", LOG_ALERT },     { "crit", LOG_CRIT },
                { "err", LOG_ERR },       { "error", LOG_ERR },       { "warning", LOG_WARNING },
                { "notice", LOG_NOTICE }, { "info", LOG_INFO },       { "debug", LOG_DEBUG },
                { "0", 0 },               { "7", 7 },                 { "3", LOG_ERR },
                { "8", -EINVAL },         { "", -EINVAL },            { "Debug", -EINVAL },
                { "07", -EINVAL },        { "-1", -EINVAL },          { "warn", -EINVAL },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                assert_int_equal(log_level_from_string(table[i].s), table[i].level);
        assert_int_equal(log_level_from_string(NULL), -EINVAL);
        for (int l = 0; l <= 7; l++)
                assert_int_equal(log_level_from_string(log_level_to_string(l)), l);
        assert_null(log_level_to_string(8));
        assert_null(log_level_to_string(-1));
}

static size_t fmt(char *buf, size_t size, int error, const char *unit, const char *format, ...)
        _printf_(5, 6);
static size_t fmt(char *buf, size_t size, int error, const char *unit, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        size_t n = log_format_message(buf, size, error, unit, format, ap);
        va_end(ap);
        return n;
}

static void test_log_format_message(void **state) {
        char buf[256], want[256];

        snprintf(want, sizeof(want), "open x: %s", strerror(ENOENT));
        fmt(buf, sizeof(buf), -ENOENT, NULL, "open %s: %m", "x");
        assert_string_equal(buf, want);
        /* Positive and negative error numbers mean the same. */
        fmt(buf, sizeof(buf), ENOENT, NULL, "open %s: %m", "x");
        assert_string_equal(buf, want);

        snprintf(want, sizeof(want), "foo.service: start: %s", strerror(EPERM));
        assert_int_equal(fmt(buf, sizeof(buf), -EPERM, "foo.service", "start: %m"), strlen(want));
        assert_string_equal(buf, want);

        /* Control characters cannot start a forged line. */
        fmt(buf, sizeof(buf), 0, "a\nb", "x\n<0>y\tz");
        assert_string_equal(buf, "a b: x <0>y z");

        /* Truncation keeps a terminated string. */
        assert_int_equal(fmt(buf, 8, 0, "unit", "%s", "0123456789"), 7);
        assert_string_equal(buf, "unit: 0");
}

static void test_log_internal_return_and_errno(void **state) {
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        log_set_fd(fd);
        log_set_max_level(LOG_DEBUG);

        errno = 42;
        assert_int_equal(log_error_errno(EIO, "x"), -EIO);
        assert_int_equal(log_error_errno(-EIO, "x"), -EIO);
        assert_int_equal(log_info_errno(0, "x"), 0);
        assert_int_equal(log_unit_warning_errno("u", -EPERM, "x %m"), -EPERM);
        assert_int_equal(errno, 42);
        /* Disabled levels still return the error. */
        log_set_max_level(LOG_ERR);
        assert_int_equal(log_debug_errno(-EAGAIN, "x"), -EAGAIN);
        log_set_fd(STDERR_FILENO);
        close(fd);
}

/* Logs through a pipe and returns what came out. */
static void capture(char *out, size_t size, void (*emit)(void)) {
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        log_set_fd(p[1]);
        emit();
        log_set_fd(STDERR_FILENO);
        ssize_t n = read(p[0], out, size - 1);
        out[n < 0 ? 0 : n] = '\0';
        close(p[0]);
        close(p[1]);
}

static void emit_three(void) {
        log_debug("hidden");
        log_warning("shown %d", 1);
        log_unit_error("u.service", "failed");
}

static void test_log_output_styles(void **state) {
        char out[1024];

        log_set_max_level(LOG_INFO);
        unsetenv("JOURNAL_STREAM");
        capture(out, sizeof(out), emit_three);
        assert_null(strstr(out, "hidden"));
        /* "YYYY-MM-DDTHH:MM:SS.mmmZ warning: shown 1" */
        char *l = strstr(out, "Z warning: shown 1\n");
        assert_non_null(l);
        assert_true(l - out == 23);
        assert_int_equal(out[4], '-');
        assert_int_equal(out[10], 'T');
        assert_non_null(strstr(out, "Z err: u.service: failed\n"));

        /* With JOURNAL_STREAM naming the output, lines carry "<N>" instead. */
        int p[2];
        struct stat st;
        char env[64];
        assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        assert_int_equal(fstat(p[1], &st), 0);
        snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long) st.st_dev,
                 (unsigned long long) st.st_ino);
        setenv("JOURNAL_STREAM", env, 1);
        log_set_fd(p[1]);
        emit_three();
        ssize_t n = read(p[0], out, sizeof(out) - 1);
        out[n < 0 ? 0 : n] = '\0';
        assert_string_equal(out, "<4>shown 1\n<3>u.service: failed\n");

        /* A stream of some other file does not count. */
        setenv("JOURNAL_STREAM", "1:2", 1);
        log_set_fd(p[1]);
        log_warning("again");
        n = read(p[0], out, sizeof(out) - 1);
        out[n < 0 ? 0 : n] = '\0';
        assert_non_null(strstr(out, "Z warning: again\n"));
        unsetenv("JOURNAL_STREAM");
        log_set_fd(STDERR_FILENO);
        close(p[0]);
        close(p[1]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_log_level_from_string),
                cmocka_unit_test(test_log_format_message),
                cmocka_unit_test(test_log_internal_return_and_errno),
                cmocka_unit_test(test_log_output_styles),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
