/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

#include "strv.h"
#include "unit-dropin.h"
#include "unit-file.h"

static char base[] = "/tmp/test-unit-dropin-XXXXXX";

static void touch(const char *rel, const char *target) {
        char path[4096], *slash;

        snprintf(path, sizeof path, "%s/%s", base, rel);
        for (slash = strchr(path + strlen(base) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
                *slash = '\0';
                (void) mkdir(path, 0755);
                *slash = '/';
        }
        if (target)
                assert_int_equal(symlink(target, path), 0);
        else {
                int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                assert_true(fd >= 0);
                close(fd);
        }
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
        return remove(p);
}

static char *at(const char *rel) {
        char *p;
        assert_true(asprintf(&p, "%s/%s", base, rel) > 0);
        return p;
}

static void test_fragment_find(void **state) {
        _cleanup_strv_free_ char **sp = NULL;
        char *p = NULL;

        assert_non_null(mkdtemp(base));
        assert_int_equal(strv_consume(&sp, at("hi")), 0);
        assert_int_equal(strv_consume(&sp, at("lo")), 0);
        touch("lo/a.service", NULL);
        touch("hi/t@.service", NULL);
        touch("lo/t@x.service", NULL);
        touch("hi/dangling.service", "/nonexistent/target");

        assert_int_equal(unit_fragment_find("a.service", sp, &p), 0);
        assert_true(strstr(p, "/lo/a.service") != NULL);
        free(p);
        /* An instance file anywhere wins over the template. */
        assert_int_equal(unit_fragment_find("t@x.service", sp, &p), 0);
        assert_true(strstr(p, "/lo/t@x.service") != NULL);
        free(p);
        assert_int_equal(unit_fragment_find("t@y.service", sp, &p), 0);
        assert_true(strstr(p, "/hi/t@.service") != NULL);
        free(p);
        /* A dangling symlink is found; opening it reports the problem later. */
        assert_int_equal(unit_fragment_find("dangling.service", sp, &p), 0);
        free(p);
        assert_int_equal(unit_fragment_find("none.service", sp, &p), -ENOENT);
        assert_int_equal(unit_fragment_find("none@x.service", sp, &p), -ENOENT);
        (void) nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        strcpy(base, "/tmp/test-unit-dropin-XXXXXX");
}

static void test_dropins_find(void **state) {
        _cleanup_strv_free_ char **sp = NULL, **names = NULL, **l = NULL;
        DiagList d = {};

        assert_non_null(mkdtemp(base));
        assert_int_equal(strv_consume(&sp, at("hi")), 0);
        assert_int_equal(strv_consume(&sp, at("lo")), 0);
        assert_int_equal(strv_extend(&names, "t@x.service"), 0);
        assert_int_equal(strv_extend(&names, "t@.service"), 0);
        touch("lo/t@.service.d/b.conf", NULL);
        touch("lo/t@x.service.d/a.conf", NULL);
        touch("hi/t@.service.d/a.conf", NULL);       /* hides lo/t@x.service.d/a.conf */
        touch("lo/t@x.service.d/c.conf", NULL);
        touch("hi/t@x.service.d/c.conf", "/dev/null"); /* masks it */
        touch("hi/t@x.service.d/.hidden.conf", NULL);
        touch("hi/t@x.service.d/d.conf.disabled", NULL);
        touch("hi/t@x.service.d/dir.conf/x", NULL);

        assert_int_equal(unit_dropins_find(names, sp, &d, &l), 0);
        assert_int_equal(strv_length(l), 2);
        assert_true(strstr(l[0], "/hi/t@.service.d/a.conf") != NULL);
        assert_true(strstr(l[1], "/lo/t@.service.d/b.conf") != NULL);
        strv_free(TAKE_PTR(l));

        /* Nothing at all: an empty list, not NULL. */
        strv_free(names);
        names = NULL;
        assert_int_equal(strv_extend(&names, "none.service"), 0);
        assert_int_equal(unit_dropins_find(names, sp, &d, &l), 0);
        assert_non_null(l);
        assert_int_equal(strv_length(l), 0);
        assert_int_equal(d.n, 0);
        diag_list_done(&d);
        (void) nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_fragment_find),
                cmocka_unit_test(test_dropins_find),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
