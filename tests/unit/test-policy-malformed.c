/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The malformed-policy corpus: every tests/malformed/policy-*.service starts with
 * "# expect: LINE: KEY: SUBSTRING", and building its policy must fail with an error at that
 * line, for that key, whose message contains SUBSTRING.
 *
 * The files are read with a minimal parser below (sections, KEY=VALUE, comments; no
 * continuation lines, which the corpus does not use), so this test depends on the policy
 * code only.
 *
 * Usage: test-policy-malformed DIRECTORY
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>

#include "policy-test-util.h"

static const char *corpus_dir;

typedef struct Expectation {
        unsigned line;
        char key[64];
        char substring[256];
} Expectation;

static char *trim(char *s) {
        char *e;

        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r\n", e[-1]))
                *--e = '\0';
        return s;
}

static UnitFile *parse(const char *path, Expectation *exp) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        UnitFile *u = calloc(1, sizeof *u);
        char buf[4096], section[64] = "";
        unsigned n = 0;

        assert_non_null(f);
        assert_non_null(u);
        while (fgets(buf, sizeof buf, f)) {
                char *l = trim(buf), *eq;
                n++;
                if (n == 1) {
                        assert_int_equal(sscanf(l, "# expect: %u: %63[^:]: %255[^\n]", &exp->line, exp->key,
                                                exp->substring), 3);
                        continue;
                }
                if (l[0] == '\0' || l[0] == '#' || l[0] == ';')
                        continue;
                if (l[0] == '[') {
                        assert_int_equal(sscanf(l, "[%63[^]]]", section), 1);
                        continue;
                }
                eq = strchr(l, '=');
                assert_non_null(eq);
                *eq = '\0';
                test_unit_add(u, section, trim(l), trim(eq + 1), path, n);
        }
        return u;
}

static void check_file(const char *path) {
        _cleanup_(policy_freep) Policy *p = NULL;
        Expectation exp = {};
        UnitFile *u = parse(path, &exp);
        DiagList diags = {};
        bool found = false;

        assert_int_equal(policy_build(u, &diags, &p), -EINVAL);
        assert_null(p);
        for (size_t i = 0; i < diags.n; i++) {
                const Diag *d = &diags.items[i];
                if (d->level == DIAG_ERROR && d->line == exp.line && streq(d->key, exp.key) &&
                    streq(d->file, path) && strstr(d->message, exp.substring))
                        found = true;
        }
        if (!found) {
                for (size_t i = 0; i < diags.n; i++)
                        diag_print(&diags.items[i], stderr);
                fail_msg("%s: no error at line %u for %s containing \"%s\"", path, exp.line, exp.key,
                         exp.substring);
        }
        diag_list_done(&diags);
        test_unit_free(u);
}

static void test_corpus(void **state) {
        DIR *d = opendir(corpus_dir);
        struct dirent *de;
        unsigned n = 0;

        assert_non_null(d);
        while ((de = readdir(d))) {
                char path[PATH_MAX];
                if (fnmatch("policy-*.service", de->d_name, 0) != 0)
                        continue;
                snprintf(path, sizeof path, "%s/%s", corpus_dir, de->d_name);
                check_file(path);
                n++;
        }
        closedir(d);
        assert_true(n >= 10);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus),
        };

        if (argc != 2) {
                fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
                return 2;
        }
        corpus_dir = argv[1];
        return cmocka_run_group_tests(tests, NULL, NULL);
}
