/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DynamicUser= uid allocation: the candidate sequence against a fake "taken" set, the
 * system databases as files, the table's sharing and release. No root needed. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/dynamic-user.h"

static bool taken_none(uid_t uid, void *userdata) {
        return false;
}

static bool taken_set(uid_t uid, void *userdata) {
        return dynamic_uid_set_contains(userdata, uid);
}

static bool taken_all(uid_t uid, void *userdata) {
        return true;
}

static void test_hash(void **state) {
        /* Stable (a unit keeps its uid from one start to the next) and in range. */
        const char *names[] = { "a", "web", "postgres", "x-very-long-user-name-0123456789" };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
                uid_t u = dynamic_user_hash(names[i]);
                assert_true(dynamic_uid_in_range(u));
                assert_int_equal(u, dynamic_user_hash(names[i]));
        }
        assert_int_not_equal(dynamic_user_hash("web"), dynamic_user_hash("web2"));
        assert_false(dynamic_uid_in_range(61183));
        assert_true(dynamic_uid_in_range(61184));
        assert_true(dynamic_uid_in_range(65519));
        assert_false(dynamic_uid_in_range(65520));
}

static void test_pick_probes(void **state) {
        DynamicUidSet taken = {};
        uid_t first = dynamic_user_hash("web"), got;

        assert_int_equal(dynamic_user_pick("web", taken_none, NULL, &got), 0);
        assert_int_equal(got, first);
        /* Taken candidates are passed over, in order. */
        dynamic_uid_set_add(&taken, first);
        if (first < DYNAMIC_UID_MAX)
                dynamic_uid_set_add(&taken, first + 1);
        assert_int_equal(dynamic_user_pick("web", taken_set, &taken, &got), 0);
        assert_true(dynamic_uid_in_range(got));
        assert_false(dynamic_uid_set_contains(&taken, got));
        if (first + 2 <= DYNAMIC_UID_MAX)
                assert_int_equal(got, first + 2);
        /* Every uid taken: -EBUSY, nothing returned. */
        got = 4242;
        assert_int_equal(dynamic_user_pick("web", taken_all, NULL, &got), -EBUSY);
        assert_int_equal(got, 4242);
}

static void test_pick_wraps(void **state) {
        /* All but the lowest uid taken: the search wraps from the top of the range. */
        DynamicUidSet taken = {};
        uid_t got;
        for (uid_t u = DYNAMIC_UID_MIN + 1; u <= DYNAMIC_UID_MAX; u++)
                dynamic_uid_set_add(&taken, u);
        assert_int_equal(dynamic_user_pick("anything", taken_set, &taken, &got), 0);
        assert_int_equal(got, DYNAMIC_UID_MIN);
}

static void test_parse_db(void **state) {
        DynamicUidSet s = {};
        dynamic_user_parse_db("root:x:0:0:root:/root:/bin/bash\n"
                              "in:x:61184:61184::/:/usr/sbin/nologin\n"
                              "top:x:65519:1::/:/bin/sh\n"
                              "above:x:65520:1::/:/bin/sh\n"
                              "broken line without fields\n"
                              "bad:x:6x1200:1::/:/bin/sh\n"
                              "grp:x:62000:member1,member2\n"
                              "short:x:63000", &s);
        assert_false(dynamic_uid_set_contains(&s, 0));
        assert_true(dynamic_uid_set_contains(&s, 61184));
        assert_true(dynamic_uid_set_contains(&s, 65519));
        assert_false(dynamic_uid_set_contains(&s, 65520));
        assert_true(dynamic_uid_set_contains(&s, 62000)); /* a group line */
        assert_true(dynamic_uid_set_contains(&s, 63000)); /* no trailing newline */
        assert_false(dynamic_uid_set_contains(&s, 61200));
        dynamic_user_parse_db("", &s);
}

static void test_name(void **state) {
        char *n;
        assert_int_equal(dynamic_user_name("web.service", NULL, &n), 0);
        assert_string_equal(n, "web");
        free(n);
        assert_int_equal(dynamic_user_name("web.service", "websrv", &n), 0);
        assert_string_equal(n, "websrv");
        free(n);
        assert_int_equal(dynamic_user_name("a@b.service", NULL, &n), -EINVAL);
        assert_int_equal(dynamic_user_name("1234.service", NULL, &n), -EINVAL);
        assert_int_equal(dynamic_user_name("x.service", "a-name-that-is-far-too-long-for-useradd", &n), -EINVAL);
}

static void write_at(const char *dir, const char *rel, const char *text) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static void test_table(void **state) {
        char root[] = "/tmp/test-dynamic-user-XXXXXX", path[256];
        _cleanup_(dynamic_user_table_freep) DynamicUserTable *t = NULL;
        DynamicUser *a, *a2, *b, *c;
        uid_t first = dynamic_user_hash("svc-a");

        assert_non_null(mkdtemp(root));
        snprintf(path, sizeof path, "%s/etc", root);
        assert_int_equal(mkdir(path, 0755), 0);
        /* The hashed candidate of "svc-a" exists as a group in the fake system: skipped. */
        char line[128];
        snprintf(line, sizeof line, "taken:x:%u:\n", (unsigned) first);
        write_at(root, "etc/group", line);
        write_at(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");

        assert_int_equal(dynamic_user_table_new(root, &t), 0);
        assert_int_equal(dynamic_user_acquire(t, "svc-a", &a), 0);
        assert_int_not_equal(a->uid, first);
        assert_true(dynamic_uid_in_range(a->uid));
        /* The same name shares the entry. */
        assert_int_equal(dynamic_user_acquire(t, "svc-a", &a2), 0);
        assert_ptr_equal(a, a2);
        assert_int_equal(a->n_ref, 2);
        /* Another name gets another uid, even when its hash collides. */
        assert_int_equal(dynamic_user_acquire(t, "svc-b", &b), 0);
        assert_int_not_equal(a->uid, b->uid);
        assert_int_equal(dynamic_user_table_size(t), 2);
        assert_ptr_equal(dynamic_user_by_uid(t, b->uid), b);
        uid_t auid = a->uid;
        assert_null(dynamic_user_release(t, a2));
        assert_ptr_equal(dynamic_user_by_uid(t, auid), a);
        assert_null(dynamic_user_release(t, a));
        assert_null(dynamic_user_by_uid(t, auid));
        assert_int_equal(dynamic_user_table_size(t), 1);
        /* Given back: the same name gets the same number again. */
        assert_int_equal(dynamic_user_acquire(t, "svc-a", &c), 0);
        assert_int_equal(c->uid, auid);
        assert_null(dynamic_user_release(t, c));
        assert_null(dynamic_user_release(t, b));
        assert_int_equal(dynamic_user_table_size(t), 0);

        write_at(root, "etc/group", "");
        snprintf(path, sizeof path, "rm -rf %s", root);
        assert_int_equal(system(path), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hash),
                cmocka_unit_test(test_pick_probes),
                cmocka_unit_test(test_pick_wraps),
                cmocka_unit_test(test_parse_db),
                cmocka_unit_test(test_name),
                cmocka_unit_test(test_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
