/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure parts of building a launch: $VAR expansion of argv per systemd's rules,
 * EnvironmentFile= parsing, and the executable lookup in the fixed search path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/service-exec.h"
#include "strv.h"

static char **vec(const char *first, ...) {
        char **l = calloc(1, sizeof(char *));
        va_list ap;
        va_start(ap, first);
        for (const char *s = first; s; s = va_arg(ap, const char *))
                assert_int_equal(strv_extend(&l, s), 0);
        va_end(ap);
        return l;
}

static void assert_strv_equal(char **a, char **b) {
        assert_int_equal(strv_length(a), strv_length(b));
        for (size_t i = 0; a[i]; i++)
                assert_string_equal(a[i], b[i]);
}

static void expand_case(char **argv, char **env, char **want) {
        _cleanup_strv_free_ char **got = NULL;
        assert_int_equal(service_exec_expand_argv(argv, env, &got), 0);
        assert_strv_equal(got, want);
        strv_free(argv);
        strv_free(env);
        strv_free(want);
}

static void test_expand(void **state) {
        /* "${VAR}" stays one word, inside a larger word too. */
        expand_case(vec("/bin/echo", "${B}", "x${A}y", NULL), vec("A=1", "B=two words", NULL),
                    vec("/bin/echo", "two words", "x1y", NULL));
        /* A word that is exactly "$VAR" splits at whitespace; empty and unset vanish. */
        expand_case(vec("/bin/echo", "$B", "$E", "$U", "end", NULL), vec("B=two  words", "E=", NULL),
                    vec("/bin/echo", "two", "words", "end", NULL));
        /* "$$" is a dollar; "$VAR" inside a longer word is kept as written. */
        expand_case(vec("/bin/echo", "$$A", "a$A", "${bad-name}", NULL), vec("A=1", NULL),
                    vec("/bin/echo", "$A", "a$A", "${bad-name}", NULL));
        /* Later assignments of a name win. */
        expand_case(vec("/bin/echo", "${A}", NULL), vec("A=old", "A=new", NULL),
                    vec("/bin/echo", "new", NULL));
}

static void test_env_file(void **state) {
        _cleanup_strv_free_ char **env = NULL;
        const char *text = "# comment\n; also a comment\n\nA=1\n  B = spaced  \nexport C=exported\n"
                           "D=\"double quoted\"\nE='single'\n1BAD=x\nnoequals\nF=\n";
        assert_int_equal(service_exec_parse_env_file(text, &env), 0);
        _cleanup_strv_free_ char **want = vec("A=1", "B=spaced", "C=exported", "D=double quoted",
                                              "E=single", "F=", NULL);
        assert_strv_equal(env, want);
}

static void test_find_executable(void **state) {
        _cleanup_free_ char *p = NULL;
        assert_int_equal(service_exec_find_executable("sh", &p), 0);
        assert_true(p[0] == '/');
        assert_true(strlen(p) > 3 && streq(p + strlen(p) - 3, "/sh"));
        free(TAKE_PTR(p));
        assert_int_equal(service_exec_find_executable("/bin/sh", &p), 0);
        assert_string_equal(p, "/bin/sh");
        free(TAKE_PTR(p));
        assert_int_equal(service_exec_find_executable("no-such-program-anywhere", &p), -ENOENT);
        assert_int_equal(service_exec_find_executable("/nonexistent/x", &p), -ENOENT);
        /* Not executable, or not a regular file. */
        char plain[] = "/tmp/test-service-exec-XXXXXX";
        int fd = mkstemp(plain);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(chmod(plain, 0644), 0);
        assert_int_equal(service_exec_find_executable(plain, &p), -EACCES);
        assert_int_equal(chmod(plain, 0755), 0);
        assert_int_equal(service_exec_find_executable(plain, &p), 0);
        assert_string_equal(p, plain);
        free(TAKE_PTR(p));
        unlink(plain);
        assert_int_equal(service_exec_find_executable("/tmp", &p), -EACCES);
        /* A relative path with a slash is never searched. */
        assert_int_equal(service_exec_find_executable("bin/sh", &p), -EINVAL);
        assert_null(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_expand),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_find_executable),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
