/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs every tests/malformed/unitfile-*.service through unit_file_load_path(). The first
 * line of each file says what must be reported: "# expect: LINE: KEY: SUBSTRING" (KEY "-"
 * for none). Each file must fail (return < 0 or errors > 0) with an error diagnostic at
 * exactly that line and key whose message contains SUBSTRING.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "strv.h"
#include "unit-file.h"

/* Minimum corpus size, so a broken directory lookup cannot pass silently. */
#define CORPUS_MIN 20

typedef struct Expect {
        unsigned line;
        char key[256];
        char substring[512];
} Expect;

static int expect_parse(const char *path, Expect *e) {
        char buf[1024], *p, *colon;
        FILE *f = fopen(path, "re");

        if (!f)
                return -errno;
        p = fgets(buf, sizeof buf, f);
        fclose(f);
        if (!p || strncmp(buf, "# expect: ", 10) != 0)
                return -EINVAL;
        buf[strcspn(buf, "\n")] = '\0';
        p = buf + 10;
        e->line = (unsigned) strtoul(p, &colon, 10);
        if (strncmp(colon, ": ", 2) != 0)
                return -EINVAL;
        p = colon + 2;
        colon = strstr(p, ": ");
        if (!colon)
                return -EINVAL;
        snprintf(e->key, sizeof e->key, "%.*s", (int) (colon - p), p);
        snprintf(e->substring, sizeof e->substring, "%s", colon + 2);
        return 0;
}

static bool has_expected(const DiagList *d, const Expect *e) {
        bool no_key = streq(e->key, "-");

        for (size_t i = 0; i < d->n; i++) {
                const Diag *g = &d->items[i];
                if (g->level != DIAG_ERROR || g->line != e->line)
                        continue;
                if (no_key ? g->key != NULL : !g->key || !streq(g->key, e->key))
                        continue;
                if (strstr(g->message, e->substring))
                        return true;
        }
        return false;
}

static void check_file(const char *path, const Expect *e) {
        char *const no_search_path[] = { NULL };
        UnitFile *u = NULL;
        DiagList d = {};
        int r = unit_file_load_path(path, no_search_path, &d, &u);

        if (!(r < 0 || diag_list_count(&d, DIAG_ERROR) > 0))
                fail_msg("%s: accepted (r=%d) but should fail", path, r);
        if (!has_expected(&d, e)) {
                for (size_t i = 0; i < d.n; i++)
                        diag_print(&d.items[i], stderr);
                fail_msg("%s: no error at line %u, key %s, containing '%s'", path, e->line,
                         e->key, e->substring);
        }
        unit_file_free(u);
        diag_list_done(&d);
}

static int is_corpus_file(const struct dirent *de) {
        size_t l = strlen(de->d_name);
        return strncmp(de->d_name, "unitfile-", 9) == 0 && l > 8 &&
               streq(de->d_name + l - 8, ".service");
}

static void test_corpus(void **state) {
        const char *src = getenv("SYSCAGE_TEST_SOURCE_DIR");
        struct dirent **list;
        char dir[4096];
        int n;

        if (!src)
                skip();
        snprintf(dir, sizeof dir, "%s/malformed", src);
        n = scandir(dir, &list, is_corpus_file, alphasort);
        assert_true(n >= CORPUS_MIN);
        for (int i = 0; i < n; i++) {
                char path[8192];
                Expect e;
                snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
                if (expect_parse(path, &e) < 0)
                        fail_msg("%s: first line is not '# expect: LINE: KEY: SUBSTRING'", path);
                check_file(path, &e);
                free(list[i]);
        }
        free(list);
}

/* Cases too large to commit, generated with the same contract. */
static void write_generated(const char *path, const char *head, char fill, size_t n,
                            const char *tail) {
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(head, f);
        for (size_t i = 0; i < n; i++)
                fputc(fill, f);
        fputs(tail, f);
        assert_int_equal(fclose(f), 0);
}

static void test_generated(void **state) {
        char dir[] = "/tmp/test-malformed-XXXXXX", path[256];
        Expect e;

        assert_non_null(mkdtemp(dir));

        snprintf(path, sizeof path, "%s/unitfile-line-too-long.service", dir);
        write_generated(path, "[Service]\nExecStart=/bin/true\nDescription=", 'x', UNIT_LINE_MAX, "\n");
        e = (Expect) { .line = 3, .key = "-", .substring = "Line too long" };
        check_file(path, &e);
        assert_int_equal(unlink(path), 0);

        snprintf(path, sizeof path, "%s/unitfile-file-too-big.service", dir);
        write_generated(path, "[Service]\n#", 'x', UNIT_FILE_SIZE_MAX, "\n");
        e = (Expect) { .line = 0, .key = "-", .substring = "File too big" };
        check_file(path, &e);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_corpus),
                cmocka_unit_test(test_generated),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
