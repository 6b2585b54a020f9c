/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The process facts the control plane and the signal handler decide on: parents, descendants,
 * a connected peer's pidfd and whether a pidfd's process still exists. No root needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys/process-util.h"

/* pidfd_open(2) and pidfd_send_signal(2) fail with ENOSYS under valgrind 3.19, which does not
 * implement them (and before Linux 5.3): the tests that need them skip there. */
static void skip_without_pidfd(void) {
        int fd, r = process_pidfd_open(getpid(), &fd);

        if (r == -ENOSYS)
                skip();
        assert_int_equal(r, 0);
        r = process_pidfd_signal(fd, 0);
        close(fd);
        if (r == -ENOSYS)
                skip();
        assert_int_equal(r, 0);
}

/* A child that forks a grandchild and waits to be killed; the grandchild's pid comes back
 * over the pipe. */
static pid_t spawn_tree(pid_t *ret_grandchild) {
        int p[2];
        pid_t child, grandchild;

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                pid_t g = fork();
                if (g == 0) {
                        pause();
                        _exit(0);
                }
                (void) write(p[1], &g, sizeof g);
                pause();
                _exit(0);
        }
        close(p[1]);
        assert_int_equal(read(p[0], &grandchild, sizeof grandchild), (ssize_t) sizeof grandchild);
        close(p[0]);
        *ret_grandchild = grandchild;
        return child;
}

static void test_ppid_and_descendants(void **state) {
        pid_t child, grandchild, ppid = 0;

        child = spawn_tree(&grandchild);
        assert_int_equal(process_get_ppid(child, &ppid), 0);
        assert_int_equal(ppid, getpid());
        assert_int_equal(process_get_ppid(grandchild, &ppid), 0);
        assert_int_equal(ppid, child);

        assert_int_equal(process_is_descendant(child, getpid()), 1);
        assert_int_equal(process_is_descendant(grandchild, getpid()), 1);
        assert_int_equal(process_is_descendant(grandchild, child), 1);
        assert_int_equal(process_is_descendant(getpid(), getpid()), 0); /* not its own */
        assert_int_equal(process_is_descendant(getpid(), child), 0);
        assert_int_equal(process_is_descendant(getppid(), getpid()), 0);

        kill(grandchild, SIGKILL);
        kill(child, SIGKILL);
        assert_int_equal(waitpid(child, NULL, 0), child);
        /* The child is reaped: gone. (The grandchild is init's or a subreaper's now.) */
        assert_int_equal(process_get_ppid(child, &ppid), -ESRCH);
        assert_int_equal(process_is_descendant(child, getpid()), -ESRCH);
        assert_int_equal(process_is_descendant(0, getpid()), -EINVAL);
}

static void test_pidfd_alive(void **state) {
        int pidfd = -1;
        pid_t child;

        skip_without_pidfd();
        child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                pause();
                _exit(0);
        }
        assert_int_equal(process_pidfd_open(child, &pidfd), 0);
        assert_int_equal(process_pidfd_is_alive(pidfd), 1);
        kill(child, SIGKILL);
        /* A zombie still holds its pid: alive in this sense. */
        siginfo_t si;
        assert_int_equal(waitid(P_PID, (id_t) child, &si, WEXITED | WNOWAIT), 0);
        assert_int_equal(process_pidfd_is_alive(pidfd), 1);
        assert_int_equal(waitpid(child, NULL, 0), child);
        assert_int_equal(process_pidfd_is_alive(pidfd), 0);
        close(pidfd);
}

static void test_peer_pidfd(void **state) {
        int sv[2], pidfd = -1;
        pid_t pid = 0;

        skip_without_pidfd();
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(process_peer_pidfd(sv[0], getpid(), &pidfd), 0);
        assert_int_equal(process_pidfd_get_pid(pidfd, &pid), 0);
        assert_int_equal(pid, getpid());
        assert_int_equal(process_pidfd_is_alive(pidfd), 1);
        close(pidfd);
        close(sv[0]);
        close(sv[1]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ppid_and_descendants),
                cmocka_unit_test(test_pidfd_alive),
                cmocka_unit_test(test_peer_pidfd),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
