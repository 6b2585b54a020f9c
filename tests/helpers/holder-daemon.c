/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A stand-in daemon for tests/unit/test-holder.c: syscage-holder starts it, and it speaks the
 * holder protocol through the real client (sys/holder-client.c). It reads one command per line
 * on stdin and answers with one line on stdout, so that the test drives it step by step:
 *
 *   pipe NAME DATA     stores the read end of a pipe holding DATA    -> ok | err ERRNO
 *   drop NAME / ready                                                -> ok | err ERRNO
 *   fetch              -> fetched COUNT NAME...
 *   read NAME          fetches and reads NAME to its end             -> data DATA | err ERRNO
 *   storemany N        stores /dev/null as n0..nN-1, then nN         -> stored N last ERRNO|0
 *   raw TEXT | rawfd TEXT | raw2fd TEXT | rawbig | rawempty
 *                      sends a message by hand (0, 1 or 2 fds)       -> reply TEXT
 *   close              closes its end of the socket                  -> ok
 *   orphan N           forks a child that exits N once this process is gone -> orphan PID
 *   waitexit           watches in an event loop for one exit record  -> exit PID CODE STATUS
 *   setuid N           all uids N                                    -> ok
 *   exit N
 *
 * At start it prints "start PID"; on SIGTERM it prints "sigterm" and exits 0.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "holder/holder-protocol.h"
#include "sys/holder-client.h"

#define LINE_MAX_LEN 1024
#define WAIT_EXIT_USEC (10u * 1000u * 1000u)

static void say(const char *fmt, ...) _printf_(1, 2);
static void say(const char *fmt, ...) {
        char line[LINE_MAX_LEN + 64];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(line) - 1)
                abort();
        line[n] = '\n';
        if (write(STDOUT_FILENO, line, n + 1) != n + 1)
                abort();
}

static void on_term(int sig) {
        static const char msg[] = "sigterm\n";
        (void) !write(STDOUT_FILENO, msg, sizeof(msg) - 1);
        _exit(0);
}

/* One line from stdin, a byte at a time so that nothing is read ahead for the next daemon. */
static bool read_line(char *buf, size_t size) {
        size_t n = 0;

        for (;;) {
                char ch;
                ssize_t k = read(STDIN_FILENO, &ch, 1);
                if (k <= 0)
                        return false;
                if (ch == '\n')
                        break;
                if (n + 1 < size)
                        buf[n++] = ch;
        }
        buf[n] = '\0';
        return true;
}

static void say_status(int r) {
        if (r < 0)
                say("err %d", -r);
        else
                say("ok");
}

static void cmd_pipe(HolderClient *c, char *arg) {
        char *data = strchr(arg, ' ');
        int p[2];

        if (!data || pipe2(p, O_CLOEXEC) < 0)
                abort();
        *data++ = '\0';
        if (write(p[1], data, strlen(data)) != (ssize_t) strlen(data))
                abort();
        close(p[1]);
        say_status(holder_client_store(c, arg, p[0]));
        close(p[0]);
}

static void cmd_fetch(HolderClient *c) {
        HolderFds f = {};
        char line[LINE_MAX_LEN] = "";
        int r = holder_client_fetch(c, &f);

        if (r < 0) {
                say("err %d", -r);
                return;
        }
        for (size_t i = 0; i < f.n; i++) {
                strncat(line, " ", sizeof(line) - strlen(line) - 1);
                strncat(line, f.names[i], sizeof(line) - strlen(line) - 1);
        }
        say("fetched %zu%s", f.n, line);
        holder_fds_done(&f);
}

static void cmd_read(HolderClient *c, const char *name) {
        HolderFds f = {};
        char data[LINE_MAX_LEN];
        ssize_t n;
        int fd, r = holder_client_fetch(c, &f);

        if (r < 0) {
                say("err %d", -r);
                return;
        }
        fd = holder_fds_take(&f, name);
        holder_fds_done(&f);
        if (fd < 0) {
                say("err %d", -fd);
                return;
        }
        n = read(fd, data, sizeof(data) - 1);
        close(fd);
        if (n < 0)
                abort();
        data[n] = '\0';
        say("data %s", data);
}

static void cmd_storemany(HolderClient *c, unsigned n) {
        char name[32];
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), r = 0;
        unsigned i;

        if (fd < 0)
                abort();
        for (i = 0; i < n; i++) {
                snprintf(name, sizeof(name), "n%u", i);
                r = holder_client_store(c, name, fd);
                if (r < 0)
                        break;
        }
        snprintf(name, sizeof(name), "n%u", i);
        r = r < 0 ? r : holder_client_store(c, name, fd);
        close(fd);
        say("stored %u last %d", i, r < 0 ? -r : 0);
}

/* Sends text with n_fds descriptors (of /dev/null) and prints the reply. */
static void cmd_raw(HolderClient *c, const char *text, size_t len, int n_fds) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 2)];
        } control = {};
        struct iovec iov = { .iov_base = (char *) text, .iov_len = len };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct pollfd p = { .fd = holder_client_fd(c), .events = POLLIN };
        char reply[HOLDER_MSG_MAX + 1];
        int fds[2] = { open("/dev/null", O_RDONLY | O_CLOEXEC), open("/dev/null", O_RDONLY | O_CLOEXEC) };
        ssize_t n;

        if (n_fds > 0) {
                struct cmsghdr *h;
                m.msg_control = control.buf;
                m.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                h = CMSG_FIRSTHDR(&m);
                h->cmsg_level = SOL_SOCKET;
                h->cmsg_type = SCM_RIGHTS;
                h->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                memcpy(CMSG_DATA(h), fds, sizeof(int) * n_fds);
        }
        if (sendmsg(p.fd, &m, MSG_NOSIGNAL) < 0 || poll(&p, 1, HOLDER_CLIENT_TIMEOUT_MS) != 1)
                abort();
        n = recv(p.fd, reply, HOLDER_MSG_MAX, 0);
        if (n < 0)
                abort();
        reply[n] = '\0';
        close(fds[0]);
        close(fds[1]);
        say("reply %s", reply);
}

static void cmd_orphan(HolderClient *c, int status) {
        int p[2];
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                abort();
        pid = fork();
        if (pid < 0)
                abort();
        if (pid == 0) {
                char ch;
                close(p[1]);
                close(holder_client_fd(c));
                close(STDIN_FILENO);
                close(STDOUT_FILENO);
                /* EOF once the daemon, the only writer, is gone. */
                (void) !read(p[0], &ch, 1);
                _exit(status);
        }
        close(p[0]);
        /* p[1] stays open, on purpose, until this process dies. */
        say("orphan %d", (int) pid);
}

typedef struct Watch {
        sd_event *event;
        HolderExit exit;
        bool got, lost;
} Watch;

static void on_exit_record(const HolderExit *e, void *userdata) {
        Watch *w = userdata;
        w->exit = *e;
        w->got = true;
}

static void on_lost(void *userdata) {
        Watch *w = userdata;
        w->lost = true;
}

static void cmd_waitexit(HolderClient *c, Watch *w) {
        if (!w->event) {
                if (sd_event_new(&w->event) < 0 ||
                    holder_client_watch(c, w->event, on_exit_record, on_lost, w) < 0)
                        abort();
        }
        w->got = false;
        for (int i = 0; i < 100 && !w->got && !w->lost; i++)
                if (sd_event_run(w->event, WAIT_EXIT_USEC / 100) < 0)
                        abort();
        if (w->got)
                say("exit %d %d %d", (int) w->exit.pid, w->exit.code, w->exit.status);
        else
                say("err %s", w->lost ? "lost" : "timeout");
}

static void run(HolderClient *c, char *line, Watch *w) {
        char *arg = strchr(line, ' ');

        if (arg)
                *arg++ = '\0';
        if (streq(line, "pipe") && arg)
                cmd_pipe(c, arg);
        else if (streq(line, "drop") && arg)
                say_status(holder_client_drop(c, arg));
        else if (streq(line, "ready"))
                say_status(holder_client_ready(c));
        else if (streq(line, "fetch"))
                cmd_fetch(c);
        else if (streq(line, "read") && arg)
                cmd_read(c, arg);
        else if (streq(line, "storemany") && arg)
                cmd_storemany(c, (unsigned) atoi(arg));
        else if (streq(line, "raw") && arg)
                cmd_raw(c, arg, strlen(arg), 0);
        else if (streq(line, "rawfd") && arg)
                cmd_raw(c, arg, strlen(arg), 1);
        else if (streq(line, "raw2fd") && arg)
                cmd_raw(c, arg, strlen(arg), 2);
        else if (streq(line, "rawempty"))
                cmd_raw(c, "", 0, 0);
        else if (streq(line, "rawbig")) {
                char big[HOLDER_MSG_MAX + 100];
                memset(big, 'D', sizeof(big));
                cmd_raw(c, big, sizeof(big), 0);
        } else if (streq(line, "close")) {
                /* Closes the socket behind the client's back, keeping the number taken. */
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (null < 0 || dup3(null, holder_client_fd(c), O_CLOEXEC) < 0)
                        abort();
                close(null);
                say("ok");
        } else if (streq(line, "orphan") && arg)
                cmd_orphan(c, atoi(arg));
        else if (streq(line, "waitexit"))
                cmd_waitexit(c, w);
        else if (streq(line, "setuid") && arg) {
                uid_t u = (uid_t) atoi(arg);
                say_status(setresuid(u, u, u) < 0 ? -errno : 0);
        } else if (streq(line, "exit") && arg)
                exit(atoi(arg));
        else
                say("unknown %s", line);
}

int main(void) {
        _cleanup_(holder_client_freep) HolderClient *c = NULL;
        char line[LINE_MAX_LEN];
        Watch w = {};
        int r;

        if (signal(SIGTERM, on_term) == SIG_ERR)
                return 1;
        r = holder_client_from_env(&c);
        if (r <= 0) {
                fprintf(stderr, "holder-daemon: no holder (%d)\n", r);
                return 1;
        }
        if (getenv(HOLDER_ENV))
                return 1;
        say("start %d", (int) getpid());
        while (read_line(line, sizeof(line)))
                run(c, line, &w);
        sd_event_unref(w.event);
        return 0;
}
