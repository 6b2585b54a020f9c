/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reaper reaps orphans but leaves tracked children for their owners; process-util's pidfd
 * wrappers. Runs unprivileged: it only forks its own children.
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <cmocka.h>

#include "sys/process-util.h"
#include "sys/reaper.h"

typedef struct Seen {
        pid_t pids[16];
        int status[16];
        size_t n;
} Seen;

static void on_reaped(Reaper *r, const siginfo_t *si, void *userdata) {
        Seen *s = userdata;
        if (s->n < ELEMENTSOF(s->pids)) {
                s->pids[s->n] = si->si_pid;
                s->status[s->n] = si->si_status;
                s->n++;
        }
}

static bool seen_has(const Seen *s, pid_t pid, int status) {
        for (size_t i = 0; i < s->n; i++)
                if (s->pids[i] == pid && s->status[i] == status)
                        return true;
        return false;
}

static void wait_exited(int pidfd) {
        struct pollfd p = { .fd = pidfd, .events = POLLIN };
        assert_int_equal(poll(&p, 1, 10000), 1);
}

/* pidfd_open(2) fails with ENOSYS before Linux 5.3, and under valgrind 3.19, which does not
 * implement it; the tests that need pidfds skip there rather than fail and leave children. */
static void skip_without_pidfd(void) {
        int fd, r = process_pidfd_open(getpid(), &fd);

        if (r == -ENOSYS)
                skip();
        assert_int_equal(r, 0);
        close(fd);
}

/* Runs the loop until cond holds (bounded). */
static void run_until(sd_event *e, const Seen *s, size_t n) {
        for (int i = 0; i < 100 && s->n < n; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        assert_int_equal(s->n, n);
}

static void test_reaper_tracked_and_orphans(void **state) {
        _cleanup_(reaper_freep) Reaper *r = NULL;
        sd_event *e = NULL;
        Seen seen = {};
        int pipefd[2], afd, bfd;
        siginfo_t si;
        sigset_t mask;

        skip_without_pidfd();
        assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        assert_int_equal(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(reaper_new(e, on_reaped, &seen, &r), 0);
        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);

        /* A: our tracked child, exits 3. */
        pid_t a = fork();
        assert_true(a >= 0);
        if (a == 0)
                _exit(3);
        assert_int_equal(reaper_track(r, a), 0);
        assert_int_equal(process_pidfd_open(a, &afd), 0);

        /* B: untracked, leaves an orphan G that exits 7 once the pipe closes. */
        pid_t b = fork();
        assert_true(b >= 0);
        if (b == 0) {
                if (fork() == 0) {
                        char c;
                        close(pipefd[1]);
                        (void) !read(pipefd[0], &c, 1);
                        _exit(7);
                }
                _exit(0);
        }
        close(pipefd[0]);
        assert_int_equal(process_pidfd_open(b, &bfd), 0);
        wait_exited(afd);
        wait_exited(bfd);

        /* The SIGCHLD source reaps B but not A. */
        run_until(e, &seen, 1);
        assert_true(seen_has(&seen, b, 0));
        assert_int_equal(waitid(P_PID, (id_t) b, &si, WEXITED | WNOHANG), -1);
        assert_int_equal(errno, ECHILD);

        /* A is still there for its owner, with its status intact. */
        assert_int_equal(process_reap(afd, &si), 1);
        assert_int_equal(si.si_pid, a);
        assert_int_equal(si.si_code, CLD_EXITED);
        assert_int_equal(si.si_status, 3);
        assert_int_equal(reaper_untrack(r, a), 0);
        assert_int_equal(process_reap(afd, &si), -ECHILD);

        /* G was re-parented to us (we are a subreaper) and is reaped when it exits. */
        close(pipefd[1]);
        run_until(e, &seen, 2);
        assert_int_equal(seen.status[1], 7);
        assert_true(seen.pids[1] != a && seen.pids[1] != b);

        close(afd);
        close(bfd);
        r = reaper_free(r);
        sd_event_unref(e);
        assert_int_equal(sigprocmask(SIG_UNBLOCK, &mask, NULL), 0);
}

static void test_reaper_track_set(void **state) {
        _cleanup_(reaper_freep) Reaper *r = NULL;
        sd_event *e = NULL;
        sigset_t mask;
        pid_t pids[] = { 500, 3, 70000, 42, 1000, 2 };

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        assert_int_equal(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(reaper_new(e, NULL, NULL, &r), 0);
        for (size_t i = 0; i < ELEMENTSOF(pids); i++)
                assert_int_equal(reaper_track(r, pids[i]), 0);
        assert_int_equal(reaper_track(r, 42), -EEXIST);
        assert_int_equal(reaper_track(r, 0), -EINVAL);
        assert_int_equal(reaper_n_tracked(r), ELEMENTSOF(pids));
        for (size_t i = 0; i < ELEMENTSOF(pids); i++)
                assert_true(reaper_is_tracked(r, pids[i]));
        assert_false(reaper_is_tracked(r, 43));
        assert_int_equal(reaper_untrack(r, 42), 0);
        assert_int_equal(reaper_untrack(r, 42), -ENOENT);
        assert_false(reaper_is_tracked(r, 42));
        assert_true(reaper_is_tracked(r, 500));
        assert_true(reaper_is_tracked(r, 2));
        assert_true(reaper_is_tracked(r, 70000));
        /* Nothing to reap. */
        assert_int_equal(reaper_sweep(r), 0);
        r = reaper_free(r);
        sd_event_unref(e);
        assert_int_equal(sigprocmask(SIG_UNBLOCK, &mask, NULL), 0);
}

static void test_process_pidfd(void **state) {
        int fd = -1;
        pid_t pid = 0;
        siginfo_t si = { .si_pid = 12345 };

        skip_without_pidfd();
        pid_t c = fork();
        assert_true(c >= 0);
        if (c == 0) {
                /* Do not outlive a failed test (it would hold meson's output pipe open). */
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                pause();
                _exit(0);
        }
        assert_int_equal(process_pidfd_open(c, &fd), 0);
        assert_int_equal(process_pidfd_get_pid(fd, &pid), 0);
        assert_int_equal(pid, c);
        assert_int_equal(process_reap(fd, &si), 0);
        assert_int_equal(si.si_pid, 12345); /* untouched while running */
        assert_int_equal(process_pidfd_signal(fd, SIGTERM), 0);
        wait_exited(fd);
        assert_int_equal(process_reap(fd, &si), 1);
        assert_int_equal(si.si_code, CLD_KILLED);
        assert_int_equal(si.si_status, SIGTERM);
        assert_int_equal(process_pidfd_signal(fd, SIGTERM), -ESRCH);
        assert_int_equal(process_pidfd_get_pid(fd, &pid), -ESRCH);
        close(fd);

        assert_int_equal(process_pidfd_open(0, &fd), -EINVAL);
        assert_int_equal(process_pidfd_signal(-1, SIGTERM), -EBADF);
        assert_int_equal(process_reap(-1, NULL), -EBADF);
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_int_equal(process_pidfd_get_pid(fd, &pid), -ENOTTY);
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reaper_tracked_and_orphans),
                cmocka_unit_test(test_reaper_track_set),
                cmocka_unit_test(test_process_pidfd),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
