/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure parts of building a launch: $VAR expansion of argv per systemd's rules,
 * EnvironmentFile= parsing, the executable lookup in the fixed search path, and Limit*=
 * values lowered to what the kernel lets the service have.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
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

static void clamp_case(int resource, rlim_t soft, rlim_t hard, rlim_t current_hard, bool may_raise,
                       rlim_t nr_open, bool want_changed, rlim_t want_soft, rlim_t want_hard) {
        ExecRlimit l = { .set = true, .soft = soft, .hard = hard };
        assert_int_equal(service_exec_clamp_rlimit(resource, current_hard, may_raise, nr_open, &l),
                         want_changed);
        assert_true(l.set);
        assert_int_equal(l.soft, want_soft);
        assert_int_equal(l.hard, want_hard);
}

static void test_clamp_rlimit(void **state) {
        /* redis-server.service: LimitNOFILE=65535 under a hard limit of 20000 without
         * CAP_SYS_RESOURCE: both limits become 20000, as systemd's closest setrlimit gives. */
        clamp_case(RLIMIT_NOFILE, 65535, 65535, 20000, false, 1048576, true, 20000, 20000);
        /* With CAP_SYS_RESOURCE the hard limit may rise up to fs.nr_open ... */
        clamp_case(RLIMIT_NOFILE, 65535, 65535, 20000, true, 1048576, false, 65535, 65535);
        /* ... and no further (infinity included). */
        clamp_case(RLIMIT_NOFILE, 4096, 2000000, 20000, true, 1048576, true, 4096, 20000);
        clamp_case(RLIMIT_NOFILE, RLIM_INFINITY, RLIM_INFINITY, 20000, true, 1048576, true,
                   20000, 20000);
        /* Only a raise is refused: lowering, or staying at, the hard limit passes untouched. */
        clamp_case(RLIMIT_NOFILE, 512, 1024, 20000, false, 1048576, false, 512, 1024);
        clamp_case(RLIMIT_NOFILE, 100, 20000, 20000, false, 1048576, false, 100, 20000);
        /* A soft limit below the permitted hard one is kept. */
        clamp_case(RLIMIT_CORE, 1000, RLIM_INFINITY, 5000, false, 0, true, 1000, 5000);
        /* fs.nr_open bounds RLIMIT_NOFILE only. */
        clamp_case(RLIMIT_CORE, RLIM_INFINITY, RLIM_INFINITY, 0, true, 0, false, RLIM_INFINITY,
                   RLIM_INFINITY);
        /* A hard limit that is already unlimited is never in the way. */
        clamp_case(RLIMIT_MEMLOCK, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, false, 0, false,
                   RLIM_INFINITY, RLIM_INFINITY);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_expand),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_find_executable),
                cmocka_unit_test(test_clamp_rlimit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
