/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The parent's reading of the launch socket, fed by hand: well-formed messages are taken,
 * anything else is refused with -EBADMSG and any fd that came with it is closed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exec/exec-child.h"
#include "exec/exec-gate.h"

typedef struct Pair {
        ExecProcess p;
        int child;
} Pair;

static void pair_open(Pair *x, bool gate) {
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        x->p = (ExecProcess) { .pidfd = -1, .socket_fd = sv[0], .listener_fd = -1, .gate = gate };
        x->child = sv[1];
}

static void pair_close(Pair *x) {
        safe_close(x->p.socket_fd);
        safe_close(x->p.listener_fd);
        safe_close(x->child);
}

/* Sends a message of len bytes, with fd attached if fd >= 0. */
static void send_raw(int sock, const void *buf, size_t len, int fd) {
        struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        if (fd >= 0) {
                mh.msg_control = control.buf;
                mh.msg_controllen = sizeof(control.buf);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        assert_int_equal(sendmsg(sock, &mh, 0), (ssize_t) len);
}

static int open_null(void) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

/* Number of open fds, to see that refused messages leak none. */
static int count_fds(void) {
        int n = 0;
        for (int fd = 0; fd < 1024; fd++)
                if (fcntl(fd, F_GETFD) >= 0)
                        n++;
        return n;
}

static void test_listener_and_eof(void **state) {
        Pair x;
        ExecStage stage = _EXEC_STAGE_INVALID;
        int error = 0, fd = open_null();
        ExecMessage m = { .type = EXEC_MESSAGE_LISTENER };

        pair_open(&x, true);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_AGAIN);
        send_raw(x.child, &m, sizeof(m), fd);
        close(fd);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_LISTENER);
        assert_true(x.p.listener_fd >= 0);
        /* Received close-on-exec. */
        assert_true(fcntl(x.p.listener_fd, F_GETFD) & FD_CLOEXEC);
        /* EOF before the gate let the launch through: the child died. */
        x.child = safe_close(x.child);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_DIED);
        assert_true(x.p.socket_fd < 0);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), -EBADF);
        pair_close(&x);

        /* After the launch CONTINUE, EOF means exec'd. */
        pair_open(&x, true);
        x.p.launched = true;
        x.child = safe_close(x.child);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_EXECED);
        pair_close(&x);

        /* Without the gate, EOF means exec'd. */
        pair_open(&x, false);
        x.child = safe_close(x.child);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_EXECED);
        pair_close(&x);
}

static void test_failure(void **state) {
        Pair x;
        ExecStage stage = _EXEC_STAGE_INVALID;
        int error = 0;
        ExecMessage m = { .type = EXEC_MESSAGE_FAILURE, .stage = EXEC_STAGE_USER, .error = EPERM };

        pair_open(&x, false);
        send_raw(x.child, &m, sizeof(m), -1);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_FAILED);
        assert_int_equal(stage, EXEC_STAGE_USER);
        assert_int_equal(error, EPERM);
        assert_true(x.p.socket_fd < 0);
        pair_close(&x);
}

static void expect_refused(bool gate, const void *buf, size_t len, bool with_fd) {
        Pair x;
        ExecStage stage = _EXEC_STAGE_INVALID;
        int error = 0;

        pair_open(&x, gate);
        int before = count_fds();
        int fd = with_fd ? open_null() : -1;
        send_raw(x.child, buf, len, fd);
        safe_close(fd);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), -EBADMSG);
        assert_int_equal(stage, _EXEC_STAGE_INVALID);
        assert_int_equal(count_fds(), before);
        assert_true(x.p.listener_fd < 0);
        pair_close(&x);
}

static void test_malformed(void **state) {
        ExecMessage listener = { .type = EXEC_MESSAGE_LISTENER };
        ExecMessage bad_stage = { .type = EXEC_MESSAGE_FAILURE, .stage = _EXEC_STAGE_MAX, .error = 1 };
        ExecMessage neg_stage = { .type = EXEC_MESSAGE_FAILURE, .stage = -1, .error = 1 };
        ExecMessage no_errno = { .type = EXEC_MESSAGE_FAILURE, .stage = EXEC_STAGE_EXEC, .error = 0 };
        ExecMessage failure = { .type = EXEC_MESSAGE_FAILURE, .stage = EXEC_STAGE_EXEC, .error = 2 };
        ExecMessage unknown = { .type = 77 };
        char big[sizeof(ExecMessage) + 8] = {};

        expect_refused(false, &listener, sizeof(listener), true);  /* no gate, no listener */
        expect_refused(true, &listener, sizeof(listener), false);  /* listener without fd */
        expect_refused(true, &bad_stage, sizeof(bad_stage), false);
        expect_refused(true, &neg_stage, sizeof(neg_stage), false);
        expect_refused(true, &no_errno, sizeof(no_errno), false);
        expect_refused(true, &failure, sizeof(failure), true);     /* failure with an fd */
        expect_refused(true, &unknown, sizeof(unknown), false);
        expect_refused(true, &listener, sizeof(listener) - 1, true); /* short */
        memcpy(big, &listener, sizeof(listener));
        expect_refused(true, big, sizeof(big), true);              /* long */
}

static void test_second_listener(void **state) {
        Pair x;
        ExecStage stage;
        int error, fd = open_null();
        ExecMessage m = { .type = EXEC_MESSAGE_LISTENER };

        pair_open(&x, true);
        send_raw(x.child, &m, sizeof(m), fd);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_LISTENER);
        int first = x.p.listener_fd;
        int before = count_fds();
        send_raw(x.child, &m, sizeof(m), fd);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), -EBADMSG);
        assert_int_equal(x.p.listener_fd, first);
        assert_int_equal(count_fds(), before);
        close(fd);
        pair_close(&x);
}

static void test_report_table(void **state) {
        for (int i = 0; i < _EXEC_REPORT_MAX; i++)
                assert_non_null(exec_report_to_string((ExecReport) i));
        assert_null(exec_report_to_string(_EXEC_REPORT_MAX));
        assert_string_equal(exec_report_to_string(EXEC_REPORT_LISTENER), "listener");
}

/* PrivateUsers=: the child's request for its maps is answered on the socket (0 or an errno
 * byte) and reads as AGAIN; from a child that has no user namespace to map, or a second time,
 * or with an fd, it is refused. */
static void test_userns_request(void **state) {
        Pair x;
        ExecStage stage = _EXEC_STAGE_INVALID;
        int error = 0, fd = open_null();
        ExecMessage m = { .type = EXEC_MESSAGE_USERNS, .stage = EXEC_STAGE_USERNS };
        unsigned char answer = 0;

        pair_open(&x, false);
        send_raw(x.child, &m, sizeof(m), -1);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), -EBADMSG);
        pair_close(&x);

        /* A pid no process has: the maps cannot be written, and the child is told why. */
        pair_open(&x, false);
        x.p.private_users = true;
        x.p.pid = 0x3ffffffe;
        x.p.userns_uid = 1000;
        x.p.userns_gid = 1000;
        send_raw(x.child, &m, sizeof(m), -1);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), EXEC_REPORT_AGAIN);
        assert_int_equal(recv(x.child, &answer, 1, MSG_DONTWAIT), 1);
        assert_int_equal(answer, ENOENT);
        assert_false(x.p.userns_mapped);
        send_raw(x.child, &m, sizeof(m), fd);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), -EBADMSG);
        x.p.userns_mapped = true;
        send_raw(x.child, &m, sizeof(m), -1);
        assert_int_equal(exec_read_report(&x.p, &stage, &error), -EBADMSG);
        assert_true(x.p.socket_fd >= 0);
        pair_close(&x);
        safe_close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_listener_and_eof),
                cmocka_unit_test(test_failure),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_second_listener),
                cmocka_unit_test(test_userns_request),
                cmocka_unit_test(test_report_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
