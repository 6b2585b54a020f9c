/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "exec-command.h"
#include "strv.h"

/* argv joined with '|' for compact comparisons. */
static char *join(char **argv) {
        char *buf = NULL;
        size_t sz = 0;
        FILE *f = open_memstream(&buf, &sz);

        STRV_FOREACH(a, argv)
                fprintf(f, "%s%s", a == argv ? "" : "|", *a);
        fclose(f);
        return buf;
}

static void test_split(void **state) {
        static const struct {
                const char *in;
                int r;
                const char *want;
        } cases[] = {
                { "a b  c", 0, "a|b|c" },
                { "\"a b\" c", 0, "a b|c" },
                { "'a \"b' c", 0, "a \"b|c" },
                { "x\"y z\"w", 0, "xy zw" },
                { "a\\ b", 0, "a b" },
                { "a\\tb", 0, "a\tb" },
                { "\\x41\\102", 0, "AB" },
                { "\"a\\\"b\"", 0, "a\"b" },
                { "$HOME ${X}", 0, "$HOME|${X}" },
                { "\"\"", 0, "" },
                { "", 0, "" },
                { "\"open", -EINVAL, NULL },
                { "trailing\\", -EINVAL, NULL },
                { "\\x00", -EINVAL, NULL },
                { "\\q", -EINVAL, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char **w = NULL;
                int r = exec_split_words(cases[i].in, &w);
                if (r != cases[i].r)
                        fail_msg("split(\"%s\") = %d, want %d", cases[i].in, r, cases[i].r);
                if (r == 0) {
                        char *j = join(w);
                        assert_string_equal(j, cases[i].want);
                        free(j);
                        strv_free(w);
                } else
                        assert_null(w);
        }
}

static void test_parse(void **state) {
        static const struct {
                const char *in;
                int r;
                unsigned flags;
                const char *path, *argv;
        } cases[] = {
                { "/bin/echo hello world", 0, 0, "/bin/echo", "/bin/echo|hello|world" },
                { "-/bin/false", 0, EXEC_COMMAND_IGNORE_FAILURE, "/bin/false", "/bin/false" },
                { "@/bin/sh myname -c x", 0, EXEC_COMMAND_ARGV0, "/bin/sh", "myname|-c|x" },
                { "-@:/bin/sh sh", 0,
                  EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_ARGV0 | EXEC_COMMAND_NO_ENV_EXPAND,
                  "/bin/sh", "sh" },
                { "echo hi", 0, 0, "echo", "echo|hi" },
                { "  /bin/true  ", 0, 0, "/bin/true", "/bin/true" },
                { "\"/opt/my app/run\" --x", 0, 0, "/opt/my app/run", "/opt/my app/run|--x" },
                { "+/bin/true", 0, EXEC_COMMAND_FULLY_PRIVILEGED, "/bin/true", "/bin/true" },
                { "!/bin/true", 0, EXEC_COMMAND_NO_SETUID, "/bin/true", "/bin/true" },
                { "!!/bin/true", 0, EXEC_COMMAND_AMBIENT_MAGIC, "/bin/true", "/bin/true" },
                { "-+/bin/true", 0, EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_FULLY_PRIVILEGED,
                  "/bin/true", "/bin/true" },
                { "@!!-/bin/sh sh", 0,
                  EXEC_COMMAND_ARGV0 | EXEC_COMMAND_AMBIENT_MAGIC | EXEC_COMMAND_IGNORE_FAILURE,
                  "/bin/sh", "sh" },
                { "+!/bin/true", -EINVAL, 0, NULL, NULL },
                { "!+/bin/true", -EINVAL, 0, NULL, NULL },
                { "+!!/bin/true", -EINVAL, 0, NULL, NULL },
                { "!!!/bin/true", -EINVAL, 0, NULL, NULL },
                { "++/bin/true", -EINVAL, 0, NULL, NULL },
                { "--/bin/true", -EINVAL, 0, NULL, NULL },
                { "/bin/a ; /bin/b", -EOPNOTSUPP, 0, NULL, NULL },
                { "bin/true", -EINVAL, 0, NULL, NULL },
                { "./true", -EINVAL, 0, NULL, NULL },
                { "/usr/../bin/true", -EINVAL, 0, NULL, NULL },
                { "@/bin/sh", -EINVAL, 0, NULL, NULL },
                { "-", -EINVAL, 0, NULL, NULL },
                { "\"\" x", -EINVAL, 0, NULL, NULL },
                { "/bin/echo \"x", -EINVAL, 0, NULL, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                ExecCommand c = {};
                const char *why = NULL;
                int r = exec_command_parse(cases[i].in, &c, &why);
                if (r != cases[i].r)
                        fail_msg("parse(\"%s\") = %d, want %d", cases[i].in, r, cases[i].r);
                if (r < 0) {
                        assert_non_null(why);
                        assert_null(c.path);
                        continue;
                }
                char *j = join(c.argv);
                assert_int_equal(c.flags, cases[i].flags);
                assert_string_equal(c.path, cases[i].path);
                assert_string_equal(j, cases[i].argv);
                free(j);
                exec_command_done(&c);
        }
}

static void test_unsupported_message(void **state) {
        ExecCommand c = {};
        const char *why = NULL;

        assert_int_equal(exec_command_parse("/bin/a ; /bin/b", &c, &why), -EOPNOTSUPP);
        assert_non_null(strstr(why, "not supported"));
        assert_int_equal(exec_command_parse("/bin/a ; /bin/b", &c, NULL), -EOPNOTSUPP);
        assert_int_equal(exec_command_parse("+!/bin/true", &c, &why), -EINVAL);
        assert_non_null(strstr(why, "at most one"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_split),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_unsupported_message),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
