/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Removing a tree a service filled: links are removed, never followed; other mounts and
 * trees deeper than the limit stay; the child the daemon forks for it is reaped. The mount
 * case needs root and is skipped without it. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/private-tmp.h"
#include "core/tree-remove.h"
#include "parse-util.h"

static char base[] = "/tmp/test-tree-remove-XXXXXX";

static void path_at(char *buf, size_t size, const char *rel) {
        snprintf(buf, size, "%s/%s", base, rel);
}

static void mk(const char *rel) {
        char p[512];
        path_at(p, sizeof p, rel);
        assert_int_equal(mkdir(p, 0755), 0);
}

static void touch(const char *rel) {
        char p[512];
        path_at(p, sizeof p, rel);
        int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
}

static void link_to(const char *target, const char *rel) {
        char p[512];
        path_at(p, sizeof p, rel);
        assert_int_equal(symlink(target, p), 0);
}

static bool exists(const char *rel) {
        char p[512];
        struct stat st;
        path_at(p, sizeof p, rel);
        return lstat(p, &st) == 0;
}

/* A service leaves links to a directory and a file outside its tree: removing the tree
 * removes the links and nothing they point to. */
static void fill_hostile_tree(void) {
        char outside[512];
        mk("outside");
        touch("outside/keep");
        path_at(outside, sizeof outside, "outside");
        mk("top");
        mk("top/tmp");
        mk("top/tmp/a");
        mk("top/tmp/a/b");
        touch("top/tmp/a/b/file");
        touch("top/tmp/a/file");
        link_to(outside, "top/tmp/x");                    /* /tmp/x -> a directory outside */
        link_to("/tmp/../etc", "top/tmp/a/etc");          /* absolute, via .. */
        char keep[600];
        snprintf(keep, sizeof keep, "%s/keep", outside);
        link_to(keep, "top/tmp/a/b/keep-link");           /* a link to a file outside */
        link_to("dangling-nowhere", "top/tmp/dangling");
}

static void test_links_not_followed(void **state) {
        char top[512];
        fill_hostile_tree();
        path_at(top, sizeof top, "top");
        assert_int_equal(tree_remove_now(top), 0);
        assert_false(exists("top"));
        assert_true(exists("outside/keep"));
        assert_true(access("/etc/passwd", F_OK) == 0);
        /* A missing tree is success. */
        assert_int_equal(tree_remove_now(top), 0);
        char outside[512];
        path_at(outside, sizeof outside, "outside");
        assert_int_equal(tree_remove_now(outside), 0);
}

static void test_top_is_link(void **state) {
        char top[512], outside[512];
        mk("outside");
        touch("outside/keep");
        path_at(outside, sizeof outside, "outside");
        link_to(outside, "top");
        path_at(top, sizeof top, "top");
        /* The top itself a link: only the link goes. */
        assert_int_equal(tree_remove_now(top), 0);
        assert_false(exists("top"));
        assert_true(exists("outside/keep"));
        assert_int_equal(tree_remove_now(outside), 0);
}

static void test_depth_limit(void **state) {
        char rel[4096] = "deep", top[512];
        mk(rel);
        for (unsigned i = 0; i < TREE_REMOVE_DEPTH_MAX + 2; i++) {
                strcat(rel, "/d");
                mk(rel);
        }
        path_at(top, sizeof top, "deep");
        assert_int_equal(tree_remove_now(top), TREE_REMOVE_LEFT_DEEP);
        assert_true(exists("deep"));
        /* What is below the limit went; removing the rest from deeper down finishes it. */
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/deep/d/d/d/d", base);
        assert_int_equal(tree_remove_now(sub), 0);
        assert_int_equal(tree_remove_now(top), 0);
        assert_false(exists("deep"));
}

static void test_mount_not_entered(void **state) {
        char top[512], mnt[512];
        if (geteuid() != 0) {
                print_message("skipped: mounting needs root\n");
                return;
        }
        mk("m");
        mk("m/mnt");
        touch("m/file");
        path_at(mnt, sizeof mnt, "m/mnt");
        if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k") < 0) {
                print_message("skipped: cannot mount tmpfs: %s\n", strerror(errno));
                return;
        }
        touch("m/mnt/inside");
        path_at(top, sizeof top, "m");
        assert_int_equal(tree_remove_now(top), TREE_REMOVE_LEFT_MOUNTS);
        assert_true(exists("m/mnt/inside"));
        assert_false(exists("m/file"));
        assert_int_equal(umount(mnt), 0);
        assert_int_equal(tree_remove_now(top), 0);
}

static void test_child(void **state) {
        _cleanup_(tree_remover_freep) TreeRemover *t = NULL;
        sd_event *e = NULL;
        char top[512];

        /* valgrind does not know pidfd_open(): the child could not be watched there. */
        long probe = syscall(SYS_pidfd_open, getpid(), 0);
        if (probe < 0 && errno == ENOSYS) {
                print_message("skipped: no pidfd_open() (valgrind?)\n");
                return;
        }
        if (probe >= 0)
                close((int) probe);
        fill_hostile_tree();
        path_at(top, sizeof top, "top");
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(tree_remover_new(e, NULL, &t), 0);
        tree_remover_start(t, top);
        assert_int_equal(tree_remover_n_running(t), 1);
        usec_t end = now_usec(CLOCK_MONOTONIC) + 10 * USEC_PER_SEC;
        while (tree_remover_n_running(t) > 0 && now_usec(CLOCK_MONOTONIC) < end)
                assert_true(sd_event_run(e, 100 * USEC_PER_MSEC) >= 0);
        assert_int_equal(tree_remover_n_running(t), 0);
        assert_false(exists("top"));
        assert_true(exists("outside/keep"));
        char outside[512];
        path_at(outside, sizeof outside, "outside");
        assert_int_equal(tree_remove_now(outside), 0);
        t = tree_remover_free(t);
        sd_event_unref(e);
}

static void test_private_tmp(void **state) {
        char tmp[512], var_tmp[512];
        PrivateTmp p;
        struct stat st;

        mk("t");
        mk("vt");
        path_at(tmp, sizeof tmp, "t");
        path_at(var_tmp, sizeof var_tmp, "vt");
        assert_int_equal(private_tmp_create("foo@bar.service", tmp, var_tmp, &p), 0);
        assert_int_equal(strncmp(p.tmp_top, tmp, strlen(tmp)), 0);
        assert_non_null(strstr(p.tmp_top, "/syscage-private-foo@bar.service-"));
        assert_int_equal(stat(p.tmp_top, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        assert_int_equal(stat(p.tmp, &st), 0);
        assert_int_equal(st.st_mode & 07777, 01777);
        assert_int_equal(stat(p.var_tmp, &st), 0);
        /* Two activations never share. */
        PrivateTmp q;
        assert_int_equal(private_tmp_create("foo@bar.service", tmp, var_tmp, &q), 0);
        assert_string_not_equal(p.tmp, q.tmp);
        char file[600];
        snprintf(file, sizeof file, "%s/x", p.tmp);
        assert_int_equal(symlink("/etc", file), 0);
        char top_copy[512];
        snprintf(top_copy, sizeof top_copy, "%s", p.tmp_top);
        private_tmp_remove(&p, NULL);
        assert_null(p.tmp);
        assert_int_equal(access(top_copy, F_OK), -1);
        assert_int_equal(access("/etc/passwd", F_OK), 0);
        private_tmp_remove(&q, NULL);
        assert_int_equal(rmdir(tmp), 0);
        assert_int_equal(rmdir(var_tmp), 0);
}

static int setup(void **state) {
        assert_non_null(mkdtemp(base));
        return 0;
}

static int teardown(void **state) {
        return rmdir(base) < 0 ? -1 : 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_links_not_followed),
                cmocka_unit_test(test_top_is_link),
                cmocka_unit_test(test_depth_limit),
                cmocka_unit_test(test_mount_not_entered),
                cmocka_unit_test(test_child),
                cmocka_unit_test(test_private_tmp),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
