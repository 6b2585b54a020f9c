/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Service tracking on the live system (root only): a service started with CLONE_INTO_CGROUP
 * that double-forks a setsid()ed grandchild is killed as a whole, and the cgroup reports
 * empty through the inotify watch; the same without cgroup.kill; and the process-group
 * fallback, including the escape it cannot prevent.
 *
 * The test first moves itself into a cgroup of its own, so cgroup_setup() builds its layout
 * there and nothing of the surrounding system is touched; it moves back and cleans up at the
 * end.
 */
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "sys/cgroup.h"
#include "sys/fileio.h"
#include "sys/log.h"
#include "sys/process-util.h"

typedef struct Fixture {
        char *mount;      /* cgroup2 mount point */
        char *orig;       /* absolute path of the cgroup we started in */
        char *test_cg;    /* absolute path of our private cgroup */
        CgroupContext *ctx;
} Fixture;

static int move_self(const char *cgroup_dir) {
        _cleanup_free_ char *procs = NULL;
        if (asprintf(&procs, "%s/cgroup.procs", cgroup_dir) < 0)
                return -ENOMEM;
        return write_string_file_at(AT_FDCWD, procs, "0");
}

/* Finds the hierarchy and makes our private cgroup. Returns false (after saying why) when
 * this system cannot run the test. */
static bool probe(Fixture *f) {
        _cleanup_free_ char *mi = NULL, *self = NULL, *own = NULL;

        if (read_virtual_file_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &mi) < 0 ||
            cgroup_parse_mountinfo(mi, &f->mount) < 0) {
                printf("Skipping: no cgroup2 mount.\n");
                return false;
        }
        if (read_virtual_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self) < 0 ||
            cgroup_parse_proc_cgroup(self, &own) < 0) {
                printf("Skipping: not in a cgroup2 hierarchy.\n");
                return false;
        }
        if (asprintf(&f->orig, "%s%s", f->mount, streq(own, "/") ? "" : own) < 0 ||
            asprintf(&f->test_cg, "%s/syscage-test-cgroup-%d", f->orig, (int) getpid()) < 0)
                return false;
        if (mkdir(f->test_cg, 0755) < 0) {
                printf("Skipping: cannot create %s: %m\n", f->test_cg);
                return false;
        }
        return true;
}

static Fixture fixture;

static int setup(void **state) {
        Fixture *f = &fixture;

        *state = f;

        assert_int_equal(move_self(f->test_cg), 0);
        /* Orphaned grandchildren come back to us, so we can reap them. */
        assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
        assert_int_equal(cgroup_setup(NULL, &f->ctx), 0);
        return 0;
}

/* After a failed test, service cgroups may be left: kill what is in them and remove them. */
static void remove_leftovers(const char *dir) {
        static const char *const units[] = { "kill-test.service", "procs-test.service",
                                             "term-test.service" };
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                _cleanup_free_ char *p = NULL, *k = NULL;
                if (asprintf(&p, "%s/%s", dir, units[i]) < 0 || asprintf(&k, "%s/cgroup.kill", p) < 0)
                        continue;
                if (access(p, F_OK) < 0)
                        continue;
                (void) write_string_file_at(AT_FDCWD, k, "1");
                for (int j = 0; j < 100 && rmdir(p) < 0 && errno == EBUSY; j++) {
                        (void) waitpid(-1, NULL, WNOHANG);
                        usleep(20 * 1000);
                }
        }
}

static int teardown(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *leaf = NULL;

        remove_leftovers(f->test_cg);
        (void) move_self(f->orig);
        if (asprintf(&leaf, "%s/%s", f->test_cg, CGROUP_SUPERVISOR_LEAF) > 0)
                (void) rmdir(leaf);
        (void) rmdir(f->test_cg);
        f->ctx = cgroup_context_free(f->ctx);
        return 0;
}

/* Reaps every exited child (ours and re-parented orphans), waiting up to a few seconds. */
static void reap_all(void) {
        for (int i = 0; i < 500; i++) {
                pid_t p = waitpid(-1, NULL, WNOHANG);
                if (p < 0 && errno == ECHILD)
                        return;
                if (p == 0)
                        usleep(10 * 1000);
        }
        fail_msg("children did not exit");
}

/* Child body: forks G1, which forks G2 and exits; G2 calls setsid() (escaping any process
 * group) and reports its pid on fd before pausing. */
static _noreturn_ void service_body(int fd) {
        pid_t g1 = fork();
        if (g1 == 0) {
                pid_t g2 = fork();
                if (g2 == 0) {
                        pid_t me = getpid();
                        (void) setsid();
                        (void) !write(fd, &me, sizeof(me));
                        for (;;)
                                pause();
                }
                _exit(0);
        }
        for (;;)
                pause();
}

static pid_t clone_into_cgroup(int cgroup_fd, int *ret_pidfd) {
        int pidfd = -1;
        struct clone_args args = {
                .flags = CLONE_INTO_CGROUP | CLONE_PIDFD,
                .pidfd = (uint64_t) (uintptr_t) &pidfd,
                .exit_signal = SIGCHLD,
                .cgroup = (uint64_t) cgroup_fd,
        };
        pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid > 0)
                *ret_pidfd = pidfd;
        return pid;
}

/* Starts the service in UNIT's cgroup and returns the escaped grandchild's pid. */
static pid_t start_service(CgroupContext *c, const char *unit, int *ret_pidfd) {
        _cleanup_close_ int cgfd = -EBADF;
        int p[2];
        pid_t g2 = 0;

        assert_int_equal(cgroup_service_create(c, unit, &cgfd), 0);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid_t pid = clone_into_cgroup(cgfd, ret_pidfd);
        assert_true(pid >= 0);
        if (pid == 0) {
                close(p[0]);
                service_body(p[1]);
        }
        close(p[1]);
        assert_int_equal(read(p[0], &g2, sizeof(g2)), sizeof(g2));
        close(p[0]);
        return g2;
}

static bool pid_in_cgroup(pid_t pid, const char *unit) {
        _cleanup_free_ char *text = NULL, *path = NULL;
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/%d/cgroup", (int) pid);
        if (read_virtual_file_at(AT_FDCWD, proc, 1 << 20, &text) < 0)
                return false;
        if (cgroup_parse_proc_cgroup(text, &path) < 0)
                return false;
        const char *slash = strrchr(path, '/');
        return slash && streq(slash + 1, unit);
}

static void on_empty(CgroupContext *c, const char *unit, void *userdata) {
        *(int *) userdata += 1;
}

static void kill_and_check(Fixture *f, const char *unit) {
        sd_event *e = NULL;
        sd_event_source *s = NULL;
        int pidfd = -1, emptied = 0;
        siginfo_t si;

        pid_t g2 = start_service(f->ctx, unit, &pidfd);
        assert_true(pid_in_cgroup(g2, unit));
        assert_int_equal(cgroup_service_is_empty(f->ctx, unit, 0), 0);
        /* A populated cgroup can neither be removed nor reused. */
        assert_int_equal(cgroup_service_remove(f->ctx, unit), -EBUSY);
        int fd = -1;
        assert_int_equal(cgroup_service_create(f->ctx, unit, &fd), -EBUSY);

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(cgroup_service_watch(f->ctx, e, unit, on_empty, &emptied, &s), 0);
        assert_int_equal(cgroup_service_kill(f->ctx, unit, 0, SIGKILL), 0);
        for (int i = 0; i < 50 && emptied == 0; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        assert_true(emptied >= 1);
        assert_int_equal(cgroup_service_is_empty(f->ctx, unit, 0), 1);

        /* The main process was killed, not merely left. */
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
        assert_int_equal(poll(&pfd, 1, 5000), 1);
        assert_int_equal(process_reap(pidfd, &si), 1);
        assert_int_equal(si.si_code, CLD_KILLED);
        assert_int_equal(si.si_status, SIGKILL);
        reap_all();
        assert_int_equal(kill(g2, 0), -1);
        assert_int_equal(errno, ESRCH);

        sd_event_source_unref(s);
        sd_event_unref(e);
        close(pidfd);
        assert_int_equal(cgroup_service_remove(f->ctx, unit), 0);
        assert_int_equal(cgroup_service_remove(f->ctx, unit), 0);
}

static void test_layout(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *self = NULL, *own = NULL, *want = NULL;

        assert_true(f->ctx->available);
        assert_int_equal(f->ctx->mode, CGROUP_MODE_CGROUP);
        assert_string_equal(f->ctx->base_path, f->test_cg);
        /* We live in BASE/supervisor now. */
        assert_int_equal(read_virtual_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self), 0);
        assert_int_equal(cgroup_parse_proc_cgroup(self, &own), 0);
        assert_true(asprintf(&want, "%s%s", f->mount, own) > 0);
        assert_true(strstr(want, "/" CGROUP_SUPERVISOR_LEAF) != NULL);
        assert_int_equal(strncmp(want, f->test_cg, strlen(f->test_cg)), 0);
}

static void test_kill_with_cgroup_kill(void **state) {
        Fixture *f = *state;
        if (!f->ctx->has_kill)
                skip();
        kill_and_check(f, "kill-test.service");
}

static void test_kill_by_procs(void **state) {
        Fixture *f = *state;
        bool had = f->ctx->has_kill;

        /* The path for kernels before 5.14. */
        f->ctx->has_kill = false;
        kill_and_check(f, "procs-test.service");
        f->ctx->has_kill = had;
}

static void test_sigterm_reaches_all(void **state) {
        Fixture *f = *state;
        int pidfd = -1;

        pid_t g2 = start_service(f->ctx, "term-test.service", &pidfd);
        assert_int_equal(cgroup_service_kill(f->ctx, "term-test.service", 0, SIGTERM), 0);
        reap_all();
        assert_int_equal(kill(g2, 0), -1);
        assert_int_equal(cgroup_service_is_empty(f->ctx, "term-test.service", 0), 1);
        close(pidfd);
        assert_int_equal(cgroup_service_remove(f->ctx, "term-test.service"), 0);
}

/* Process-group fallback: the group dies together, but a setsid()ed grandchild escapes. */
/* A later daemon removes the empty service cgroups an earlier one left, never a populated one. */
static void test_remove_stale(void **state) {
        Fixture *f = *state;
        _cleanup_close_ int empty_fd = -EBADF;
        _cleanup_free_ char *empty = NULL, *busy = NULL;
        int pidfd = -1;

        assert_int_equal(cgroup_service_create(f->ctx, "stale-empty.service", &empty_fd), 0);
        empty_fd = safe_close(empty_fd);
        (void) start_service(f->ctx, "stale-busy.service", &pidfd);
        assert_true(asprintf(&empty, "%s/stale-empty.service", f->test_cg) > 0);
        assert_true(asprintf(&busy, "%s/stale-busy.service", f->test_cg) > 0);

        assert_int_equal(cgroup_remove_stale(f->ctx), 1);
        assert_int_equal(access(empty, F_OK), -1);
        assert_int_equal(access(busy, F_OK), 0);
        assert_int_equal(access(f->test_cg, F_OK), 0); /* and the supervisor leaf stays */

        assert_int_equal(cgroup_service_kill(f->ctx, "stale-busy.service", 0, SIGKILL), 0);
        for (int i = 0; i < 200 && cgroup_service_remove(f->ctx, "stale-busy.service") == -EBUSY; i++) {
                (void) waitpid(-1, NULL, WNOHANG);
                usleep(10 * 1000);
        }
        assert_int_equal(access(busy, F_OK), -1);
        safe_close(pidfd);
}

static void test_process_group_fallback(void **state) {
        _cleanup_(cgroup_context_freep) CgroupContext *c = NULL;
        int p[2];
        pid_t g2 = 0;

        assert_int_equal(cgroup_context_new_process_group(&c), 0);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                (void) setsid(); /* what the launch code does */
                if (fork() == 0)
                        for (;;)
                                pause(); /* same process group as its parent */
                service_body(p[1]);
        }
        close(p[1]);
        assert_int_equal(read(p[0], &g2, sizeof(g2)), sizeof(g2));
        close(p[0]);

        assert_int_equal(cgroup_service_is_empty(c, "pg.service", pid), 0);
        assert_int_equal(cgroup_service_kill(c, "pg.service", pid, SIGKILL), 0);
        /* Zombies count as members until reaped. */
        for (int i = 0; i < 500 && cgroup_service_is_empty(c, "pg.service", pid) == 0; i++) {
                (void) waitpid(-1, NULL, WNOHANG);
                usleep(10 * 1000);
        }
        assert_int_equal(cgroup_service_is_empty(c, "pg.service", pid), 1);
        /* The documented weakness: the grandchild left the group and survives. */
        assert_int_equal(kill(g2, 0), 0);
        assert_int_equal(kill(g2, SIGKILL), 0);
        reap_all();
        /* Killing a group that is gone is not an error. */
        assert_int_equal(cgroup_service_kill(c, "pg.service", pid, SIGKILL), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_layout),
                cmocka_unit_test(test_kill_with_cgroup_kill),
                cmocka_unit_test(test_kill_by_procs),
                cmocka_unit_test(test_sigterm_reaches_all),
                cmocka_unit_test(test_remove_stale),
                cmocka_unit_test(test_process_group_fallback),
        };

        Fixture *f = &fixture;
        int r;

        if (geteuid() != 0) {
                printf("Skipping: needs root to create cgroups.\n");
                return 77;
        }
        if (!probe(f))
                return 77;
        log_set_max_level(LOG_DEBUG);
        r = cmocka_run_group_tests(tests, setup, teardown);
        free(f->mount);
        free(f->orig);
        free(f->test_cg);
        return r;
}
