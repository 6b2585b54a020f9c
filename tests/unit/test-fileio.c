/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sys/fileio.h"

static void test_read_virtual_file(void **state) {
        char dir[] = "/tmp/test-fileio-XXXXXX", path[64];
        _cleanup_free_ char *text = NULL, *small = NULL;
        char big[10000];

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/f", dir);
        for (size_t i = 0; i < sizeof(big); i++)
                big[i] = (char) ('a' + i % 26);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(big, 1, sizeof(big), f), sizeof(big));
        fclose(f);

        /* Longer than one read chunk, read whole. */
        assert_int_equal(read_virtual_file_at(AT_FDCWD, path, sizeof(big), &text), 0);
        assert_int_equal(strlen(text), sizeof(big));
        assert_memory_equal(text, big, sizeof(big));
        /* One byte over the limit is refused, and nothing is returned. */
        assert_int_equal(read_virtual_file_at(AT_FDCWD, path, sizeof(big) - 1, &small), -EFBIG);
        assert_null(small);
        /* Virtual files report size 0 but have content. */
        assert_int_equal(read_virtual_file_at(AT_FDCWD, "/proc/self/stat", 4096, &small), 0);
        assert_true(strlen(small) > 10);
        assert_int_equal(read_virtual_file_at(AT_FDCWD, "/nonexistent/x", 10, &small), -ENOENT);

        assert_int_equal(unlink(path), 0);
        assert_int_equal(rmdir(dir), 0);
}

static void test_write_string_file(void **state) {
        char dir[] = "/tmp/test-fileio-XXXXXX", path[64];
        _cleanup_free_ char *text = NULL;
        int dfd;

        assert_non_null(mkdtemp(dir));
        dfd = open(dir, O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        /* The file must exist: cgroupfs files always do, and we never create by accident. */
        assert_int_equal(write_string_file_at(dfd, "f", "x"), -ENOENT);
        snprintf(path, sizeof(path), "%s/f", dir);
        close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
        assert_int_equal(write_string_file_at(dfd, "f", "hello"), 0);
        assert_int_equal(read_virtual_file_at(dfd, "f", 100, &text), 0);
        assert_string_equal(text, "hello");
        assert_int_equal(unlinkat(dfd, "f", 0), 0);
        close(dfd);
        assert_int_equal(rmdir(dir), 0);
}

static void test_mkdir_p(void **state) {
        char dir[] = "/tmp/test-fileio-XXXXXX", path[256], file[128];
        struct stat st;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/a/b/c", dir);
        assert_int_equal(mkdir_p(path, 0755), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        /* Existing directories are fine, trailing slash too. */
        snprintf(path, sizeof(path), "%s/a/b/c/", dir);
        assert_int_equal(mkdir_p(path, 0755), 0);
        /* A file in the way is an error. */
        snprintf(file, sizeof(file), "%s/a/file", dir);
        close(open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
        assert_int_equal(mkdir_p(file, 0755), -ENOTDIR);
        snprintf(path, sizeof(path), "%s/sub", file);
        assert_int_equal(mkdir_p(path, 0755), -ENOTDIR);
        assert_int_equal(mkdir_p("", 0755), -EINVAL);

        unlink(file);
        snprintf(path, sizeof(path), "%s/a/b/c", dir);
        rmdir(path);
        snprintf(path, sizeof(path), "%s/a/b", dir);
        rmdir(path);
        snprintf(path, sizeof(path), "%s/a", dir);
        rmdir(path);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_virtual_file),
                cmocka_unit_test(test_write_string_file),
                cmocka_unit_test(test_mkdir_p),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
