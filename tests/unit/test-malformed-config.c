/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parses every tests/malformed/config-*.service and sandbox-*.service and checks the error its first line announces:
 * "# expect: LINE: KEY: SUBSTRING". The unit files are read with a minimal line reader (sections,
 * KEY=VALUE, comments) so that only the unit model is under test here.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "unit-config.h"

#define CORPUS_MIN 15

static char *strip(char *s) {
        size_t n;

        s += strspn(s, " \t");
        n = strlen(s);
        while (n > 0 && strchr(" \t\r\n", s[n - 1]))
                s[--n] = '\0';
        return s;
}

static UnitFile *read_unit(const char *path, const char *name) {
        UnitFile *u = calloc(1, sizeof(UnitFile));
        FILE *f = fopen(path, "re");
        char buf[4096], section[256] = "";
        unsigned line = 0;

        assert_non_null(u);
        assert_non_null(f);
        u->fragment = strdup(name);
        while (fgets(buf, sizeof(buf), f)) {
                char *s = strip(buf), *eq;
                line++;
                if (*s == '\0' || *s == '#' || *s == ';')
                        continue;
                if (*s == '[') {
                        assert_true(strlen(s) < sizeof(section) + 1 && s[strlen(s) - 1] == ']');
                        snprintf(section, sizeof(section), "%.*s", (int) strlen(s) - 2, s + 1);
                        continue;
                }
                eq = strchr(s, '=');
                assert_non_null(eq);
                *eq = '\0';
                assert_int_equal(unit_file_add(u, section, strip(s), strip(eq + 1), name, line), 0);
        }
        fclose(f);
        return u;
}

/* Reads "# expect: LINE: KEY: SUBSTRING" from the first line of PATH. */
static void read_expectation(const char *path, unsigned *line, char *key, char *substring) {
        FILE *f = fopen(path, "re");
        char buf[1024];
        int n = 0;

        assert_non_null(f);
        assert_non_null(fgets(buf, sizeof(buf), f));
        fclose(f);
        buf[strcspn(buf, "\n")] = '\0';
        if (sscanf(buf, "# expect: %u: %255[^:]: %n", line, key, &n) != 2 || n == 0)
                fail_msg("%s: bad expectation line \"%s\"", path, buf);
        snprintf(substring, 1024, "%s", buf + n);
        assert_true(strlen(substring) > 0);
}

static void check_file(const char *dir, const char *name) {
        char path[4096], key[256], substring[1024];
        DiagList d = {};
        UnitConfig *c = NULL;
        unsigned line;
        bool found = false;
        UnitFile *u;

        assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int) sizeof(path));
        read_expectation(path, &line, key, substring);
        u = read_unit(path, name);
        if (unit_config_parse(u, &d, &c) != -EBADMSG)
                fail_msg("%s: parsed without error", name);
        assert_null(c);
        for (size_t i = 0; i < d.n; i++) {
                const Diag *x = &d.items[i];
                if (x->level == DIAG_ERROR && x->line == line && x->key && streq(x->key, key) &&
                    strstr(x->message, substring) && x->file && streq(x->file, name))
                        found = true;
        }
        if (!found) {
                for (size_t i = 0; i < d.n; i++)
                        diag_print(&d.items[i], stderr);
                fail_msg("%s: no error at line %u for %s containing \"%s\"", name, line, key,
                         substring);
        }
        diag_list_done(&d);
        unit_file_free(u);
}

static void test_corpus(void **state) {
        const char *top = getenv("SYSCAGE_SOURCE_DIR");
        char dir[4096];
        struct dirent *de;
        unsigned n = 0;
        DIR *d;

        assert_non_null(top);
        assert_true(snprintf(dir, sizeof(dir), "%s/tests/malformed", top) < (int) sizeof(dir));
        d = opendir(dir);
        assert_non_null(d);
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name);
                if (!(strneq(de->d_name, "config-", 7) || strneq(de->d_name, "sandbox-", 8)) ||
                    len < 8 ||
                    !streq(de->d_name + len - 8, ".service"))
                        continue;
                check_file(dir, de->d_name);
                n++;
        }
        closedir(d);
        if (n < CORPUS_MIN)
                fail_msg("only %u corpus files", n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
