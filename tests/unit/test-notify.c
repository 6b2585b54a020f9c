/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The notify socket: strict parsing of sd_notify() datagrams, sender pid from kernel
 * credentials, oversize datagrams dropped, passed descriptors closed, NotifyAccess= policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "io/notify.h"

static void test_parse_basic(void **state) {
        static const char msg[] = "READY=1\nSTATUS=Serving 3 clients\nMAINPID=4242\n";
        NotifyMessage m;

        assert_int_equal(notify_message_parse(msg, sizeof msg - 1, &m), 0);
        assert_true(m.ready);
        assert_false(m.stopping);
        assert_false(m.reloading);
        assert_string_equal(m.status, "Serving 3 clients");
        assert_int_equal(m.main_pid, 4242);
        assert_int_equal(m.watchdog, NOTIFY_WATCHDOG_UNSET);
        assert_false(m.has_watchdog_usec);
        assert_false(m.has_extend_timeout);
        assert_int_equal(m.errno_value, -1);
        assert_int_equal(m.n_ignored, 0);
        notify_message_done(&m);
        assert_null(m.status);
}

static void test_parse_all_keys(void **state) {
        static const char msg[] = "STOPPING=1\nRELOADING=1\nWATCHDOG=trigger\nWATCHDOG_USEC=30000000\n"
                                  "ERRNO=2\nEXTEND_TIMEOUT_USEC=5000000\nSTATUS=\nFDSTORE=1\nX_CUSTOM=y";
        NotifyMessage m;

        assert_int_equal(notify_message_parse(msg, sizeof msg - 1, &m), 0);
        assert_false(m.ready);
        assert_true(m.stopping);
        assert_true(m.reloading);
        assert_int_equal(m.watchdog, NOTIFY_WATCHDOG_TRIGGER);
        assert_true(m.has_watchdog_usec);
        assert_int_equal(m.watchdog_usec, 30000000);
        assert_int_equal(m.errno_value, 2);
        assert_true(m.has_extend_timeout);
        assert_int_equal(m.extend_timeout_usec, 5000000);
        assert_string_equal(m.status, ""); /* present but empty */
        assert_int_equal(m.n_ignored, 0);  /* unknown keys are not malformed */
        notify_message_done(&m);
}

/* Each malformed line is dropped alone; the good ones around it still count. */
static void test_parse_garbage(void **state) {
        static const struct {
                const char *line;
                bool malformed;
        } table[] = {
                { "READY=0", true },
                { "READY=yes", true },
                { "READY", true },
                { "=1", true },
                { "ready=1", true },
                { "REA DY=1", true },
                { "MAINPID=", true },
                { "MAINPID=0", true },
                { "MAINPID=-5", true },
                { "MAINPID=12x", true },
                { "MAINPID= 12", true },
                { "MAINPID=99999999999", true },
                { "WATCHDOG=2", true },
                { "WATCHDOG_USEC=1e6", true },
                { "WATCHDOG_USEC=99999999999999999999999", true },
                { "ERRNO=-1", true },
                { "ERRNO=100000", true },
                { "EXTEND_TIMEOUT_USEC=", true },
                { "SOMETHING_NEW=whatever", false },
                { "STATUS=a=b=c", false },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                char buf[256];
                int n = snprintf(buf, sizeof buf, "WATCHDOG=1\n%s\nMAINPID=7\n", table[i].line);
                NotifyMessage m;
                assert_int_equal(notify_message_parse(buf, (size_t) n, &m), 0);
                assert_int_equal(m.n_ignored, table[i].malformed ? 1 : 0);
                assert_int_equal(m.watchdog, NOTIFY_WATCHDOG_PING);
                assert_int_equal(m.main_pid, 7);
                assert_false(m.ready);
                notify_message_done(&m);
        }
}

static void test_parse_edges(void **state) {
        static const char nul[] = "STATUS=a\0b\nREADY=1";
        char big[NOTIFY_DATAGRAM_MAX + 1];
        NotifyMessage m;

        /* Embedded NUL poisons its line only. */
        assert_int_equal(notify_message_parse(nul, sizeof nul - 1, &m), 0);
        assert_null(m.status);
        assert_true(m.ready);
        assert_int_equal(m.n_ignored, 1);
        notify_message_done(&m);

        /* Last assignment wins; empty lines and a missing final newline are fine. */
        assert_int_equal(notify_message_parse("STATUS=one\n\n\nSTATUS=two", 23, &m), 0);
        assert_string_equal(m.status, "two");
        assert_int_equal(m.n_ignored, 0);
        notify_message_done(&m);

        assert_int_equal(notify_message_parse("", 0, &m), 0);
        assert_false(m.ready);
        notify_message_done(&m);

        memset(big, 'A', sizeof big);
        memcpy(big, "STATUS=", 7);
        assert_int_equal(notify_message_parse(big, NOTIFY_DATAGRAM_MAX, &m), 0);
        assert_int_equal(strlen(m.status), NOTIFY_DATAGRAM_MAX - 7);
        notify_message_done(&m);
        assert_int_equal(notify_message_parse(big, NOTIFY_DATAGRAM_MAX + 1, &m), -EMSGSIZE);
}

static void test_access(void **state) {
        static const struct {
                NotifyAccess a;
                pid_t sender, main_pid, control_pid;
                bool in_cgroup, allowed;
        } table[] = {
                { NOTIFY_NONE, 10, 10, 0, true, false },
                { NOTIFY_MAIN, 10, 10, 0, true, true },
                { NOTIFY_MAIN, 11, 10, 0, true, false },
                { NOTIFY_MAIN, 10, 0, 0, true, false },
                { NOTIFY_MAIN, 12, 10, 12, true, false },  /* a control process is not main */
                { NOTIFY_EXEC, 10, 10, 0, false, true },
                { NOTIFY_EXEC, 11, 10, 0, true, false },
                { NOTIFY_EXEC, 12, 10, 12, false, true },  /* the control process may */
                { NOTIFY_EXEC, 12, 0, 12, false, true },   /* ... also before main exists */
                { NOTIFY_EXEC, 13, 10, 12, true, false },  /* other cgroup members may not */
                { NOTIFY_ALL, 11, 10, 0, true, true },
                { NOTIFY_ALL, 11, 10, 0, false, false },
                { NOTIFY_ALL, 11, 0, 0, true, true },
                { NOTIFY_ALL, 10, 10, 0, false, true },
                { NOTIFY_ALL, 12, 10, 12, false, true },
                { NOTIFY_ALL, 0, 0, 0, true, false },
                { NOTIFY_MAIN, -1, -1, 0, true, false },
                { NOTIFY_EXEC, 0, 0, 0, true, false },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                assert_int_equal(notify_access_allows(table[i].a, table[i].sender, table[i].main_pid,
                                                      table[i].control_pid, table[i].in_cgroup),
                                 table[i].allowed);
        for (NotifyAccess a = 0; a < _NOTIFY_ACCESS_MAX; a++)
                assert_int_equal(notify_access_from_string(notify_access_to_string(a)), a);
        assert_int_equal(notify_access_from_string("some"), -EINVAL);
}

/* ---- the live socket ---- */

typedef struct Received {
        unsigned n;
        pid_t last_sender;
        bool last_ready;
        char last_status[64];
        pid_t last_main_pid;
        NotifyMessage last; /* the whole message as the daemon gets it; status is NULL */
        bool last_has_status;
} Received;

static void on_notify(NotifyServer *server, pid_t sender, const NotifyMessage *m, void *userdata) {
        Received *r = userdata;
        r->n++;
        r->last_sender = sender;
        r->last_ready = m->ready;
        r->last_main_pid = m->main_pid;
        snprintf(r->last_status, sizeof r->last_status, "%s", m->status ? m->status : "");
        r->last = *m;
        r->last.status = NULL; /* freed by the server after the callback */
        r->last_has_status = m->status;
}

typedef struct Env {
        char dir[64];
        char path[128];
        sd_event *event;
        NotifyServer *server;
        Received rx;
} Env;

static int env_setup(void **state) {
        Env *env = calloc(1, sizeof *env);
        assert_non_null(env);
        strcpy(env->dir, "/tmp/test-notify-XXXXXX");
        assert_non_null(mkdtemp(env->dir));
        snprintf(env->path, sizeof env->path, "%s/notify", env->dir);
        assert_int_equal(sd_event_new(&env->event), 0);
        assert_int_equal(notify_server_new(env->event, env->path, on_notify, &env->rx, &env->server), 0);
        *state = env;
        return 0;
}

static int env_teardown(void **state) {
        Env *env = *state;
        notify_server_free(env->server);
        assert_int_equal(access(env->path, F_OK), -1); /* unlinked */
        sd_event_unref(env->event);
        rmdir(env->dir);
        free(env);
        return 0;
}

/* Sends one datagram (with fds as SCM_RIGHTS if nfds > 0) to path. */
static int send_dgram(const char *path, const void *data, size_t len, const int *fds, size_t nfds) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        union {
                struct cmsghdr align;
                char data[CMSG_SPACE(sizeof(int) * 8)];
        } control = {};
        struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
        struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1 };
        int fd, r;

        strcpy(sa.sun_path, path);
        if (nfds > 0) {
                struct cmsghdr *c;
                mh.msg_control = &control;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
                c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
        }
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        r = sendmsg(fd, &mh, 0) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static unsigned count_fds(void) {
        DIR *d = opendir("/proc/self/fd");
        unsigned n = 0;
        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

static void run_until(Env *env, unsigned n_received) {
        for (int i = 0; i < 200 && env->rx.n < n_received; i++)
                assert_true(sd_event_run(env->event, 10 * 1000) >= 0);
        assert_int_equal(env->rx.n, n_received);
}

/* Drains whatever is queued without expecting callbacks. */
static void run_idle(Env *env) {
        for (int i = 0; i < 20; i++)
                assert_true(sd_event_run(env->event, 5 * 1000) >= 0);
}

static pid_t fork_sender(const char *path, const char *msg, size_t len, const int *fds, size_t nfds) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(send_dgram(path, msg, len, fds, nfds) < 0 ? 1 : 0);
        return pid;
}

static void reap(pid_t pid) {
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_server_credentials(void **state) {
        Env *env = *state;
        static const char msg[] = "READY=1\nSTATUS=child says hi\nMAINPID=77";
        pid_t pid = fork_sender(env->path, msg, sizeof msg - 1, NULL, 0);

        reap(pid);
        run_until(env, 1);
        assert_int_equal(env->rx.last_sender, pid); /* from the kernel, not from MAINPID= */
        assert_true(env->rx.last_ready);
        assert_int_equal(env->rx.last_main_pid, 77);
        assert_string_equal(env->rx.last_status, "child says hi");

        /* From ourselves too. */
        assert_int_equal(send_dgram(env->path, "STATUS=me", 9, NULL, 0), 0);
        run_until(env, 2);
        assert_int_equal(env->rx.last_sender, getpid());
        assert_false(env->rx.last_ready);
}

/* The daemon acts on the message the server parsed (core/service.c takes the struct as it
 * is): every assignment the service machine uses arrives in it, with nothing to parse again. */
static void test_server_passes_parsed_message(void **state) {
        Env *env = *state;
        static const char msg[] = "RELOADING=1\nREADY=1\nSTOPPING=1\nWATCHDOG=trigger\nWATCHDOG_USEC=7\n"
                                  "EXTEND_TIMEOUT_USEC=1500000\nERRNO=5\nMAINPID=4321\nREADY=2";

        assert_int_equal(send_dgram(env->path, msg, sizeof msg - 1, NULL, 0), 0);
        run_until(env, 1);
        assert_true(env->rx.last.reloading);
        assert_true(env->rx.last.ready);
        assert_true(env->rx.last.stopping);
        assert_int_equal(env->rx.last.watchdog, NOTIFY_WATCHDOG_TRIGGER);
        assert_true(env->rx.last.has_watchdog_usec);
        assert_int_equal(env->rx.last.watchdog_usec, 7);
        assert_true(env->rx.last.has_extend_timeout);
        assert_int_equal(env->rx.last.extend_timeout_usec, 1500000);
        assert_int_equal(env->rx.last.errno_value, 5);
        assert_int_equal(env->rx.last.main_pid, 4321);
        assert_false(env->rx.last_has_status);
        assert_int_equal(env->rx.last.n_ignored, 1); /* READY=2 */

        /* Nothing but a ping: everything else stays unset. */
        assert_int_equal(send_dgram(env->path, "WATCHDOG=1", 10, NULL, 0), 0);
        run_until(env, 2);
        assert_false(env->rx.last.ready || env->rx.last.reloading || env->rx.last.stopping);
        assert_int_equal(env->rx.last.watchdog, NOTIFY_WATCHDOG_PING);
        assert_false(env->rx.last.has_watchdog_usec || env->rx.last.has_extend_timeout);
        assert_int_equal(env->rx.last.errno_value, -1);
        assert_int_equal(env->rx.last.main_pid, 0);
        assert_int_equal(env->rx.last.n_ignored, 0);
}

static void test_server_oversize(void **state) {
        Env *env = *state;
        char big[NOTIFY_DATAGRAM_MAX + 100];

        memset(big, 'x', sizeof big);
        memcpy(big, "READY=1\nSTATUS=", 15);
        assert_int_equal(send_dgram(env->path, big, sizeof big, NULL, 0), 0);
        assert_int_equal(send_dgram(env->path, big, NOTIFY_DATAGRAM_MAX + 1, NULL, 0), 0);
        run_idle(env);
        assert_int_equal(env->rx.n, 0);
        assert_int_equal(notify_server_stats(env->server).oversize, 2);
        /* Exactly at the limit is fine. */
        assert_int_equal(send_dgram(env->path, big, NOTIFY_DATAGRAM_MAX, NULL, 0), 0);
        run_until(env, 1);
        assert_true(env->rx.last_ready);
}

static void test_server_closes_fds(void **state) {
        Env *env = *state;
        int fds[4];
        unsigned before;
        pid_t pid;

        for (int i = 0; i < 4; i++)
                assert_true((fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
        pid = fork_sender(env->path, "FDSTORE=1\nREADY=1", 17, fds, 4);
        reap(pid);
        for (int i = 0; i < 4; i++)
                close(fds[i]);

        before = count_fds();
        run_until(env, 1);
        assert_true(env->rx.last_ready);
        assert_int_equal(count_fds(), before);
        assert_int_equal(notify_server_stats(env->server).fds_closed, 4);

        /* Many rounds: the count stays flat. (Sent one at a time: the kernel queues only
         * net.unix.max_dgram_qlen datagrams, 10 by default.) */
        for (int round = 0; round < 50; round++) {
                int p[2];
                assert_int_equal(pipe2(p, O_CLOEXEC), 0);
                assert_int_equal(send_dgram(env->path, "WATCHDOG=1", 10, p, 2), 0);
                close(p[0]);
                close(p[1]);
                run_until(env, 2 + (unsigned) round);
        }
        assert_int_equal(count_fds(), before);
        assert_int_equal(notify_server_stats(env->server).fds_closed, 4 + 100);
}

/* A full receive queue: senders block (they are never told "dropped"), and everything is
 * delivered, at most NOTIFY_BURST_MAX per iteration. */
static void test_server_burst(void **state) {
        Env *env = *state;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                int r = 0;
                for (int i = 0; i < 100; i++)
                        r |= send_dgram(env->path, "READY=1", 7, NULL, 0);
                _exit(r == 0 ? 0 : 1);
        }
        /* Give the sender time to fill the queue and block. */
        for (int i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) == 0; i++)
                usleep(1000);
        assert_int_equal(sd_event_run(env->event, 10 * 1000), 1);
        assert_true(env->rx.n > 0 && env->rx.n <= NOTIFY_BURST_MAX);
        run_until(env, 100);
        reap(pid);
        assert_int_equal(notify_server_stats(env->server).received, 100);
}

static void test_server_bad_path(void **state) {
        sd_event *e = NULL;
        NotifyServer *s = NULL;
        char longpath[200];

        assert_int_equal(sd_event_new(&e), 0);
        memset(longpath, 'a', sizeof longpath);
        longpath[0] = '/';
        longpath[sizeof longpath - 1] = '\0';
        assert_int_equal(notify_server_new(e, longpath, on_notify, NULL, &s), -EINVAL);
        assert_int_equal(notify_server_new(e, "relative", on_notify, NULL, &s), -EINVAL);
        assert_int_equal(notify_server_new(e, "/nonexistent-dir/notify", on_notify, NULL, &s), -ENOENT);
        assert_null(s);
        sd_event_unref(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_basic),
                cmocka_unit_test(test_parse_all_keys),
                cmocka_unit_test(test_parse_garbage),
                cmocka_unit_test(test_parse_edges),
                cmocka_unit_test(test_access),
                cmocka_unit_test_setup_teardown(test_server_credentials, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_server_passes_parsed_message, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_server_oversize, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_server_closes_fds, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_server_burst, env_setup, env_teardown),
                cmocka_unit_test(test_server_bad_path),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
