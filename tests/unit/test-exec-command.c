/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Replaces a word "X" by a value full of what needs quoting; others get a "+" appended,
 * except "keep", which stays. */
static int map_word(const char *word, char **ret, void *userdata) {
        char *s;

        if (streq(word, "fail"))
                return -EBADSLT;
        if (streq(word, "X"))
                s = strdup("a b\t\"q\" 'x' \\ \x01 ; $V");
        else if (streq(word, "keep"))
                s = strdup(word);
        else if (asprintf(&s, "%s+", word) < 0)
                s = NULL;
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static void test_map_words(void **state) {
        ExecCommand c = {};
        char *out = NULL;

        /* Each word is unescaped, mapped, and quoted again: parsing gives the mapped words. */
        assert_int_equal(exec_command_map_words("  -@/bin/echo argv0 X \"s p\" \\x41", map_word, NULL, &out), 0);
        assert_true(strncmp(out, "  -@\"", 5) == 0);
        assert_int_equal(exec_command_parse(out, &c, NULL), 0);
        assert_int_equal(c.flags, EXEC_COMMAND_IGNORE_FAILURE | EXEC_COMMAND_ARGV0);
        assert_string_equal(c.path, "/bin/echo+");
        assert_int_equal(strv_length(c.argv), 4);
        assert_string_equal(c.argv[0], "argv0+");
        assert_string_equal(c.argv[1], "a b\t\"q\" 'x' \\ \x01 ; $V");
        assert_string_equal(c.argv[2], "s p+");
        assert_string_equal(c.argv[3], "A+");
        exec_command_done(&c);
        free(out);

        /* Nothing changed: the value as written. */
        assert_int_equal(exec_command_map_words("keep  'keep'", map_word, NULL, &out), 0);
        assert_string_equal(out, "keep  'keep'");
        free(out);
        out = NULL;
        /* The mapper's error, and a line that cannot be split. */
        assert_int_equal(exec_command_map_words("/bin/x fail", map_word, NULL, &out), -EBADSLT);
        assert_null(out);
        assert_int_equal(exec_command_map_words("/bin/x \"open", map_word, NULL, &out), -EINVAL);
        assert_null(out);
        assert_true(exec_command_is_directive("Service", "ExecStartPost"));
        assert_false(exec_command_is_directive("Unit", "ExecStart"));
        assert_false(exec_command_is_directive("Service", "Environment"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_split),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_unsupported_message),
                cmocka_unit_test(test_map_words),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
