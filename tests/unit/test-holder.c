/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real syscage-holder, driving a stand-in daemon (tests/helpers/holder-daemon.c) that
 * talks to it through the real client: descriptors survive the daemon's death, the restart
 * rules, orphans' exit records, signal forwarding, requests that must not hurt the holder,
 * and, as root, the guard uid that keeps root without CAP_KILL from signalling it.
 *
 * The client's own edge cases (a holder that does not answer or answers nonsense, exit records
 * between a request and its reply, the environment variable) run against a socketpair whose
 * other end the test writes by hand.
 *
 * Usage: test-holder HOLDER DAEMON. The daemon reads commands on its stdin and answers on its
 * stdout, both pipes to this process; every wait has a deadline.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "holder/holder-protocol.h"
#include "macro.h"
#include "parse-util.h"
#include "sys/holder-client.h"

#define DEADLINE_MSEC 10000

static const char *arg_holder, *arg_daemon;

typedef struct Run {
        pid_t holder;
        int in, out, sigfd;
        char buf[4096];
        size_t len;
} Run;

static int64_t now_msec(void) {
        return (int64_t) (now_usec(CLOCK_MONOTONIC) / 1000);
}

/* Starts the holder with daemon (NULL: none, a usage error). */
static void run_start_daemon(Run *r, const char *daemon) {
        int in[2], out[2];
        sigset_t mask;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        assert_int_equal(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        *r = (Run) { .sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK) };
        assert_true(r->sigfd >= 0);
        assert_int_equal(pipe2(in, O_CLOEXEC), 0);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        r->holder = fork();
        assert_true(r->holder >= 0);
        if (r->holder == 0) {
                sigset_t none;
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
                        _exit(120);
                execl(arg_holder, arg_holder, daemon, (char *) NULL);
                _exit(121);
        }
        close(in[0]);
        close(out[1]);
        r->in = in[1];
        r->out = out[0];
}

static void run_start(Run *r) {
        run_start_daemon(r, arg_daemon);
}

/* The next line the daemon (any daemon the holder started) wrote, within the deadline. */
static const char *run_line(Run *r) {
        static char line[4096];
        int64_t deadline = now_msec() + DEADLINE_MSEC;

        for (;;) {
                char *nl = memchr(r->buf, '\n', r->len);
                struct pollfd p = { .fd = r->out, .events = POLLIN };
                ssize_t n;

                if (nl) {
                        size_t k = (size_t) (nl - r->buf);
                        memcpy(line, r->buf, k);
                        line[k] = '\0';
                        memmove(r->buf, nl + 1, r->len - k - 1);
                        r->len -= k + 1;
                        return line;
                }
                assert_true(now_msec() < deadline);
                assert_int_equal(poll(&p, 1, (int) (deadline - now_msec())), 1);
                n = read(r->out, r->buf + r->len, sizeof(r->buf) - r->len);
                assert_true(n > 0);
                r->len += (size_t) n;
        }
}

/* Sends one command and returns the answer. */
static const char *run_cmd(Run *r, const char *fmt, ...) {
        char cmd[1024];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
        va_end(ap);
        cmd[n++] = '\n';
        assert_int_equal(write(r->in, cmd, n), n);
        return run_line(r);
}

static void run_expect(Run *r, const char *cmd, const char *answer) {
        assert_string_equal(run_cmd(r, "%s", cmd), answer);
}

/* Reads "start PID" and returns PID. */
static pid_t run_started(Run *r) {
        const char *l = run_line(r);
        int pid;

        assert_int_equal(sscanf(l, "start %d", &pid), 1);
        assert_true(pid > 0);
        return pid;
}

/* Waits for the holder to exit and returns its wait status. */
static int run_wait(Run *r) {
        int64_t deadline = now_msec() + DEADLINE_MSEC;
        int status;

        for (;;) {
                struct pollfd p = { .fd = r->sigfd, .events = POLLIN };
                struct signalfd_siginfo ssi;
                pid_t pid = waitpid(r->holder, &status, WNOHANG);

                assert_true(pid >= 0);
                if (pid == r->holder)
                        break;
                assert_true(now_msec() < deadline);
                (void) poll(&p, 1, (int) (deadline - now_msec()));
                while (read(r->sigfd, &ssi, sizeof(ssi)) > 0)
                        ;
        }
        close(r->in);
        close(r->out);
        close(r->sigfd);
        r->holder = 0;
        return status;
}

static void run_expect_exit(Run *r, int code) {
        int status = run_wait(r);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), code);
}

/* Ends a test: the daemon exits 0, so the holder does. */
static void run_finish(Run *r) {
        assert_int_equal(write(r->in, "exit 0\n", 7), 7);
        run_expect_exit(r, 0);
}

static int count_fds(pid_t pid) {
        char path[64];
        DIR *d;
        int n = 0;

        snprintf(path, sizeof(path), "/proc/%d/fd", (int) pid);
        d = opendir(path);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.')
                        n++;
        closedir(d);
        return n;
}

static void test_round_trip(void **state) {
        Run r;

        run_start(&r);
        run_started(&r);
        run_expect(&r, "pipe p1 hello", "ok");
        run_expect(&r, "pipe p2 world", "ok");
        /* Storing a name again replaces what it held. */
        run_expect(&r, "pipe p2 again", "ok");
        run_expect(&r, "fetch", "fetched 2 p1 p2");
        run_expect(&r, "read p1", "data hello");
        run_expect(&r, "read p2", "data again");
        run_expect(&r, "drop p1", "ok");
        run_expect(&r, "drop p1", "err 2");
        run_expect(&r, "fetch", "fetched 1 p2");
        run_expect(&r, "read p1", "err 9");
        run_expect(&r, "ready", "ok");
        run_finish(&r);
}

static void test_restart_after_kill(void **state) {
        pid_t first, second;
        Run r;

        run_start(&r);
        first = run_started(&r);
        run_expect(&r, "pipe kept survived", "ok");
        run_expect(&r, "ready", "ok");
        assert_int_equal(kill(first, SIGKILL), 0);
        second = run_started(&r);
        assert_true(second != first);
        run_expect(&r, "read kept", "data survived");
        /* Exiting non-zero after READY restarts it too, at once. */
        run_expect(&r, "ready", "ok");
        assert_int_equal(write(r.in, "exit 3\n", 7), 7);
        assert_true(run_started(&r) != second);
        /* This one dies before READY: the next start comes after the backoff, and the
         * holder goes on. */
        assert_int_equal(write(r.in, "exit 4\n", 7), 7);
        run_started(&r);
        run_expect(&r, "fetch", "fetched 1 kept");
        run_finish(&r);
}

static void test_exit_before_ready(void **state) {
        Run r;

        run_start(&r);
        run_started(&r);
        assert_int_equal(write(r.in, "exit 7\n", 7), 7);
        run_expect_exit(&r, 7);

        run_start(&r);
        assert_int_equal(kill(run_started(&r), SIGKILL), 0);
        run_expect_exit(&r, 128 + SIGKILL);

        /* A usage error is the holder's own exit 2; a daemon that cannot be executed, 127. */
        run_start_daemon(&r, NULL);
        run_expect_exit(&r, 2);
        run_start_daemon(&r, "/nonexistent/daemon");
        run_expect_exit(&r, 127);
}

static void test_bad_requests(void **state) {
        char expect[64];
        int before, after;
        pid_t daemon;
        Run r;

        run_start(&r);
        daemon = run_started(&r);
        run_expect(&r, "ready", "ok");
        before = count_fds(r.holder);

        snprintf(expect, sizeof(expect), "reply E %d", EINVAL);
        run_expect(&r, "raw garbage", expect);
        run_expect(&r, "raw S", expect);
        run_expect(&r, "raw D ", expect);
        run_expect(&r, "raw Fx", expect);
        run_expect(&r, "rawfd S bad/name", expect);
        run_expect(&r, "rawfd D x", expect);
        run_expect(&r, "rawfd R", expect);
        snprintf(expect, sizeof(expect), "reply E %d", EBADF);
        run_expect(&r, "raw S nofd", expect);
        snprintf(expect, sizeof(expect), "reply E %d", EBADMSG);
        run_expect(&r, "raw2fd S two", expect);
        run_expect(&r, "rawbig", expect);
        run_expect(&r, "rawempty", expect);
        run_expect(&r, "rawfd S good", "reply O");
        run_expect(&r, "fetch", "fetched 1 good");
        /* Only "good" was kept: every other descriptor sent was closed. */
        after = count_fds(r.holder);
        if (before >= 0)
                assert_int_equal(after, before + 1);

        /* An abrupt close: the holder goes on, and the next daemon finds what was held. */
        run_expect(&r, "close", "ok");
        snprintf(expect, sizeof(expect), "err %d", ENOTSOCK);
        run_expect(&r, "ready", expect);
        snprintf(expect, sizeof(expect), "err %d", ENOTCONN);
        run_expect(&r, "ready", expect);
        assert_int_equal(kill(daemon, SIGKILL), 0);
        run_started(&r);
        run_expect(&r, "fetch", "fetched 1 good");
        run_finish(&r);
}

static void test_fd_limit(void **state) {
        char cmd[64], expect[64];
        struct rlimit rl;
        Run r;

        /* The holder raises its soft limit as far as the hard one lets it. */
        assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
        if (rl.rlim_max < HOLDER_FDS_MAX + 64) {
                print_message("RLIMIT_NOFILE hard limit below %u: cannot hold them all\n",
                              HOLDER_FDS_MAX + 64);
                skip();
        }
        run_start(&r);
        run_started(&r);
        run_expect(&r, "ready", "ok");
        snprintf(cmd, sizeof(cmd), "storemany %u", HOLDER_FDS_MAX);
        snprintf(expect, sizeof(expect), "stored %u last %d", HOLDER_FDS_MAX, ENOSPC);
        run_expect(&r, cmd, expect);
        /* Replacing a name still works at the limit, and so does a store after a drop. */
        run_expect(&r, "pipe n0 replaced", "ok");
        run_expect(&r, "drop n1", "ok");
        run_expect(&r, "pipe n1 again", "ok");
        run_finish(&r);
}

static void test_orphan_exit_record(void **state) {
        char expect[64];
        pid_t daemon;
        int orphan;
        Run r;

        run_start(&r);
        daemon = run_started(&r);
        run_expect(&r, "ready", "ok");
        assert_int_equal(sscanf(run_cmd(&r, "orphan 42"), "orphan %d", &orphan), 1);
        assert_int_equal(kill(daemon, SIGKILL), 0);
        run_started(&r);
        /* The record may come with the reply to "ready" (queued) or after it (watched). */
        run_expect(&r, "ready", "ok");
        snprintf(expect, sizeof(expect), "exit %d %d 42", orphan, CLD_EXITED);
        run_expect(&r, "waitexit", expect);
        run_finish(&r);
}

static void test_sigterm_forwarded(void **state) {
        pid_t daemon;
        Run r;

        run_start(&r);
        run_started(&r);
        run_expect(&r, "ready", "ok");
        assert_int_equal(kill(r.holder, SIGTERM), 0);
        assert_string_equal(run_line(&r), "sigterm");
        run_expect_exit(&r, 0);

        /* A restarted daemon that is not ready yet gets it once it is. */
        run_start(&r);
        daemon = run_started(&r);
        run_expect(&r, "ready", "ok");
        assert_int_equal(kill(daemon, SIGKILL), 0);
        run_started(&r);
        assert_int_equal(kill(r.holder, SIGTERM), 0);
        /* The signal goes out before the reply: "sigterm" and "ok" come in either order. */
        if (streq(run_cmd(&r, "ready"), "ok"))
                assert_string_equal(run_line(&r), "sigterm");
        run_expect_exit(&r, 0);
}

/* Reads the Uid: line of /proc/PID/status: real, effective, saved. */
static void read_uids(pid_t pid, unsigned long uids[3]) {
        char path[64], line[256];
        FILE *f;
        bool found = false;

        snprintf(path, sizeof(path), "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        assert_non_null(f);
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "Uid: %lu %lu %lu", &uids[0], &uids[1], &uids[2]) == 3) {
                        found = true;
                        break;
                }
        fclose(f);
        assert_true(found);
}

/* In a child that stays uid 0: with keep_kill false, CAP_KILL leaves its effective and
 * permitted sets first. Returns the errno of kill(pid, 0), 0 when it worked. */
static int kill_as_root(pid_t pid, bool keep_kill) {
        int status;
        pid_t child = fork();

        assert_true(child >= 0);
        if (child == 0) {
                struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
                struct __user_cap_data_struct d[2] = {};

                if (!keep_kill) {
                        if (syscall(SYS_capget, &h, d) < 0)
                                _exit(100);
                        d[0].effective &= ~(1u << CAP_KILL);
                        d[0].permitted &= ~(1u << CAP_KILL);
                        if (syscall(SYS_capset, &h, d) < 0)
                                _exit(101);
                }
                if (getuid() != 0 || geteuid() != 0)
                        _exit(102);
                _exit(kill(pid, 0) < 0 ? errno : 0);
        }
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static void test_guard_uid(void **state) {
        unsigned long uids[3];
        pid_t daemon;
        Run r;

        if (geteuid() != 0) {
                print_message("not root: the holder takes no guard uid\n");
                skip();
        }
        run_start(&r);
        daemon = run_started(&r);
        run_expect(&r, "ready", "ok");
        read_uids(r.holder, uids);
        assert_int_equal(uids[0], SYSCAGE_GUARD_UID);
        assert_int_equal(uids[1], 0);
        assert_int_equal(uids[2], SYSCAGE_GUARD_UID);
        /* The daemon starts with all uids 0 again. */
        read_uids(daemon, uids);
        assert_int_equal(uids[0], 0);
        assert_int_equal(uids[1], 0);
        assert_int_equal(uids[2], 0);

        /* Root without CAP_KILL cannot signal the holder; with it, it can. */
        assert_int_equal(kill_as_root(r.holder, false), EPERM);
        assert_int_equal(kill_as_root(r.holder, true), 0);

        /* The holder kept its capabilities: it can still signal a daemon of another uid. */
        run_expect(&r, "setuid 65534", "ok");
        read_uids(daemon, uids);
        assert_int_equal(uids[0], 65534);
        assert_int_equal(kill(r.holder, SIGTERM), 0);
        assert_string_equal(run_line(&r), "sigterm");
        run_expect_exit(&r, 0);
}

/* ---- the client against a hand-written holder ---- */

typedef struct Fake {
        HolderClient *c;
        int peer;
        HolderExit exits[8];
        size_t n_exits;
        unsigned lost;
} Fake;

static void fake_new(Fake *f) {
        int sp[2];

        *f = (Fake) {};
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        assert_int_equal(holder_client_new(sp[0], &f->c), 0);
        f->peer = sp[1];
}

static void fake_free(Fake *f) {
        f->c = holder_client_free(f->c);
        close(f->peer);
}

static void fake_send(Fake *f, const char *text) {
        assert_int_equal(send(f->peer, text, strlen(text), 0), (ssize_t) strlen(text));
}

static void fake_on_exit(const HolderExit *e, void *userdata) {
        Fake *f = userdata;
        assert_true(f->n_exits < ELEMENTSOF(f->exits));
        f->exits[f->n_exits++] = *e;
}

static void fake_on_lost(void *userdata) {
        Fake *f = userdata;
        f->lost++;
}

static void test_client_exit_records(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        HolderExit x;
        char req[64];
        Fake f;

        fake_new(&f);
        /* Replies are written before the request: the socket keeps them in order. */
        fake_send(&f, "X 100 1 3");
        fake_send(&f, "L 2");
        fake_send(&f, "O");
        assert_int_equal(holder_client_ready(f.c), 0);
        assert_int_equal(recv(f.peer, req, sizeof(req), MSG_DONTWAIT), 1);
        assert_int_equal(req[0], 'R');
        assert_int_equal(holder_client_next_exit(f.c, &x), 1);
        assert_int_equal(x.pid, 100);
        assert_int_equal(x.code, CLD_EXITED);
        assert_int_equal(x.status, 3);
        assert_int_equal(holder_client_next_exit(f.c, &x), 0);

        /* Watched: a queued record first, then what comes. */
        fake_send(&f, "X 101 2 9");
        fake_send(&f, "E 2");
        assert_int_equal(holder_client_drop(f.c, "gone"), -ENOENT);
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(holder_client_watch(f.c, e, fake_on_exit, fake_on_lost, &f), 0);
        fake_send(&f, "X 102 3 6");
        for (int i = 0; i < 100 && f.n_exits < 2; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        assert_int_equal(f.n_exits, 2);
        assert_int_equal(f.exits[0].pid, 101);
        assert_int_equal(f.exits[0].code, CLD_KILLED);
        assert_int_equal(f.exits[1].pid, 102);
        assert_int_equal(f.exits[1].status, 6);

        /* The holder goes away: lost once, then -ENOTCONN. */
        close(f.peer);
        f.peer = -1;
        for (int i = 0; i < 100 && f.lost == 0; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        assert_int_equal(f.lost, 1);
        assert_false(holder_client_connected(f.c));
        assert_int_equal(holder_client_ready(f.c), -ENOTCONN);
        assert_int_equal(holder_client_fd(f.c), -ENOTCONN);
        assert_int_equal(f.lost, 1);
        fake_free(&f);
}

static void test_client_bad_holder(void **state) {
        HolderFds fds = {};
        int p[2];
        Fake f;

        /* Nonsense for a reply. */
        fake_new(&f);
        fake_send(&f, "what");
        assert_int_equal(holder_client_ready(f.c), -EBADMSG);
        assert_int_equal(holder_client_ready(f.c), -ENOTCONN);
        fake_free(&f);

        /* A fetch whose count does not match. */
        fake_new(&f);
        fake_send(&f, "F 1");
        assert_int_equal(holder_client_fetch(f.c, &fds), -EBADMSG);
        assert_false(holder_client_connected(f.c));
        fake_free(&f);

        /* Bad names and descriptors are refused before anything is sent. */
        fake_new(&f);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(holder_client_store(f.c, "a/b", p[0]), -EINVAL);
        assert_int_equal(holder_client_store(f.c, "", p[0]), -EINVAL);
        assert_int_equal(holder_client_store(f.c, "ok", -1), -EBADF);
        assert_true(holder_client_connected(f.c));
        close(p[0]);
        close(p[1]);

        /* No answer at all: the deadline loses the holder. */
        assert_int_equal(holder_client_ready(f.c), -ETIMEDOUT);
        assert_int_equal(holder_client_ready(f.c), -ENOTCONN);
        fake_free(&f);
}

static void test_client_from_env(void **state) {
        HolderClient *c = NULL;
        char value[16];
        int sp[2], fd;

        assert_int_equal(unsetenv(HOLDER_ENV), 0);
        assert_int_equal(holder_client_from_env(&c), 0);
        assert_null(c);

        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
        snprintf(value, sizeof(value), "%d", sp[0]);
        assert_int_equal(setenv(HOLDER_ENV, value, 1), 0);
        assert_int_equal(holder_client_from_env(&c), 1);
        assert_null(getenv(HOLDER_ENV));
        assert_int_equal(holder_client_fd(c), sp[0]);
        assert_true(fcntl(sp[0], F_GETFD) & FD_CLOEXEC);
        c = holder_client_free(c);
        close(sp[1]);

        /* Set but unusable: not a socket, or a socket of the wrong type; unset all the same. */
        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        snprintf(value, sizeof(value), "%d", fd);
        assert_int_equal(setenv(HOLDER_ENV, value, 1), 0);
        assert_int_equal(holder_client_from_env(&c), -ENOTSOCK);
        assert_null(getenv(HOLDER_ENV));
        close(fd);
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
        snprintf(value, sizeof(value), "%d", sp[0]);
        assert_int_equal(setenv(HOLDER_ENV, value, 1), 0);
        assert_int_equal(holder_client_from_env(&c), -EPROTOTYPE);
        close(sp[0]);
        close(sp[1]);
        assert_int_equal(setenv(HOLDER_ENV, "x", 1), 0);
        assert_true(holder_client_from_env(&c) < 0);
        assert_null(c);
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_restart_after_kill),
                cmocka_unit_test(test_exit_before_ready),
                cmocka_unit_test(test_bad_requests),
                cmocka_unit_test(test_fd_limit),
                cmocka_unit_test(test_orphan_exit_record),
                cmocka_unit_test(test_sigterm_forwarded),
                cmocka_unit_test(test_guard_uid),
                cmocka_unit_test(test_client_exit_records),
                cmocka_unit_test(test_client_bad_holder),
                cmocka_unit_test(test_client_from_env),
        };

        if (argc != 3) {
                fprintf(stderr, "Usage: %s HOLDER DAEMON\n", argv[0]);
                return 2;
        }
        arg_holder = argv[1];
        arg_daemon = argv[2];
        /* The holder's children write to pipes we may have closed. */
        signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
