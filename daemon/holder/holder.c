/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscage-holder: the small parent of syscaged that keeps descriptors across the daemon's
 * crashes and re-executions (holder-protocol.h has the why, the process tree, the restart
 * rules and the messages). Usage: syscage-holder DAEMON_PATH [ARGS...].
 *
 * It is one single-threaded poll() loop over a signalfd (SIGCHLD and the signals it forwards)
 * and the socket of the current daemon. It links only libc and has no policy: it stores,
 * drops and hands back descriptors by name, reaps what is reparented to it, and restarts the
 * daemon. Nothing a client sends makes it exit: a bad request gets an error reply, a client
 * that does not read gets no more requests served until it does (replies wait in a queue,
 * exit records in a bounded table), a client that closes its end is simply gone.
 *
 * Exit status: 2 for a usage error; 0 when the daemon exits 0; the daemon's status (128+signal
 * when killed) when it dies before any daemon it started ever sent "R"; 1 when it cannot start
 * a daemon at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "holder/holder-protocol.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Room above the held descriptors for the holder's own (signalfd, socket, pidfd, stdio). */
#define HOLDER_FDS_SPARE 64u
/* SCM_RIGHTS room for two descriptors: enough to see that a message had more than one. */
#define HOLDER_CMSG_FDS 2

typedef struct Held {
        char *name;
        int fd;
} Held;

typedef struct ExitRecord {
        pid_t pid;
        int code, status;
} ExitRecord;

/* Everything the loop knows. One instance, in main(), passed down. */
typedef struct Holder {
        char **daemon_argv;
        int sigfd;
        struct rlimit nofile_orig;
        bool guard;

        pid_t pid;      /* current daemon, 0 when none */
        int pidfd;      /* its pidfd, -1 when none or unsupported */
        int sock;       /* our end of its socketpair, -1 when none or closed */
        bool ready;     /* this daemon sent "R" */
        bool ever_ready;
        uint64_t backoff_usec, start_at_usec;
        int pending_sig; /* a stop signal that came while no daemon ran */

        Held *held;
        size_t n_held, allocated;

        /* Orphans reaped and not yet sent, a ring. */
        ExitRecord exits[HOLDER_EXITS_MAX];
        size_t exit_head, n_exits;
        unsigned long exits_lost;

        /* Reply state: the fetch stream (next index, count sent), then one short reply. */
        bool fetching;
        size_t fetch_next, fetch_sent;
        char reply[32];
        bool reply_pending;
} Holder;

/* Whether stderr is the journal's stream (JOURNAL_STREAM names it): lines then start with
 * a "<N>" priority, as the daemon's do. */
static bool log_journal = false;

static void log_detect_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        log_journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
                      (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

/* err for failures, warning for what went wrong but is handled, info for the rest. */
static const char *log_priority(const char *msg) {
        if (strncmp(msg, "Failed", 6) == 0)
                return "<3>";
        if (strncmp(msg, "Warning", 7) == 0 || strncmp(msg, "Rejected", 8) == 0 || strstr(msg, "restarting"))
                return "<4>";
        return "<6>";
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
        static const char prefix[] = "syscage-holder: ";
        char line[512], msg[448];
        size_t len = 0;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if (log_journal) {
                memcpy(line, log_priority(msg), 3);
                len = 3;
        }
        memcpy(line + len, prefix, sizeof(prefix) - 1);
        len += sizeof(prefix) - 1;
        n = snprintf(line + len, sizeof(line) - len - 1, "%s", msg);
        if (n < 0)
                return;
        len += (size_t) n < sizeof(line) - len - 1 ? (size_t) n : sizeof(line) - len - 2;
        line[len++] = '\n';
        /* One write, so that lines of the holder and the daemon do not interleave. */
        (void) !write(STDERR_FILENO, line, len);
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static int status_of(int code, int status) {
        return code == CLD_EXITED ? status : 128 + status;
}

/* ---- the daemon's process ---- */

static void child_exec(Holder *h, int fd) __attribute__((noreturn));
static void child_exec(Holder *h, int fd) {
        sigset_t all;

        /* The child of a single-threaded process: libc is safe to use here. */
        for (int sig = 1; sig < NSIG; sig++)
                (void) signal(sig, SIG_DFL);
        sigemptyset(&all);
        (void) sigprocmask(SIG_SETMASK, &all, NULL);
        if (fd == HOLDER_CLIENT_FD) {
                if (fcntl(fd, F_SETFD, 0) < 0)
                        _exit(127);
        } else if (dup2(fd, HOLDER_CLIENT_FD) < 0)
                _exit(127);
        if (syscall(SYS_close_range, HOLDER_CLIENT_FD + 1, ~0u, 0) < 0) {
                /* Before Linux 5.9: no descriptor of ours lies above our own limit. */
                struct rlimit rl = { .rlim_cur = HOLDER_FDS_MAX + HOLDER_FDS_SPARE };
                (void) getrlimit(RLIMIT_NOFILE, &rl);
                for (rlim_t i = HOLDER_CLIENT_FD + 1; i < rl.rlim_cur && i < INT32_MAX; i++)
                        (void) close((int) i);
        }
        (void) setrlimit(RLIMIT_NOFILE, &h->nofile_orig);
        if (h->guard && setresuid(0, 0, 0) < 0) {
                say("Failed to reset uids for the daemon: %s", strerror(errno));
                _exit(127);
        }
        execv(h->daemon_argv[0], h->daemon_argv);
        say("Failed to execute %s: %s", h->daemon_argv[0], strerror(errno));
        _exit(127);
}

static int daemon_start(Holder *h) {
        int sp[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(sp[0]);
                close(sp[1]);
                return r;
        }
        if (pid == 0)
                child_exec(h, sp[1]);
        close(sp[1]);
        h->pid = pid;
        h->sock = sp[0];
        h->ready = false;
        /* Cannot race: the child is not reaped before we wait for it. */
        h->pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        say("Started %s as pid %d.", h->daemon_argv[0], (int) pid);
        return 0;
}

static void daemon_signal(Holder *h, int sig) {
        if (h->pidfd >= 0 && syscall(SYS_pidfd_send_signal, h->pidfd, sig, NULL, 0) >= 0)
                return;
        if (h->pidfd < 0)
                (void) kill(h->pid, sig);
}

/* ---- the held descriptors ---- */

static Held *held_find(Holder *h, const char *name) {
        for (size_t i = 0; i < h->n_held; i++)
                if (strcmp(h->held[i].name, name) == 0)
                        return &h->held[i];
        return NULL;
}

/* Takes fd (closes it on failure). Returns 0 or -errno. */
static int held_store(Holder *h, const char *name, int fd) {
        Held *e = held_find(h, name);
        char *copy;

        if (e) {
                close(e->fd);
                e->fd = fd;
                return 0;
        }
        if (h->n_held >= HOLDER_FDS_MAX) {
                close(fd);
                return -ENOSPC;
        }
        if (h->n_held == h->allocated) {
                size_t n = h->allocated ? h->allocated * 2 : 16;
                Held *p = realloc(h->held, n * sizeof(Held));
                if (!p) {
                        close(fd);
                        return -ENOMEM;
                }
                h->held = p;
                h->allocated = n;
        }
        copy = strdup(name);
        if (!copy) {
                close(fd);
                return -ENOMEM;
        }
        h->held[h->n_held++] = (Held) { .name = copy, .fd = fd };
        return 0;
}

static int held_drop(Holder *h, const char *name) {
        Held *e = held_find(h, name);

        if (!e)
                return -ENOENT;
        close(e->fd);
        free(e->name);
        *e = h->held[--h->n_held];
        return 0;
}

/* ---- exit records ---- */

static void exits_add(Holder *h, pid_t pid, int code, int status) {
        size_t i;

        if (h->n_exits == HOLDER_EXITS_MAX) {
                h->exit_head = (h->exit_head + 1) % HOLDER_EXITS_MAX;
                h->n_exits--;
                h->exits_lost++;
        }
        i = (h->exit_head + h->n_exits) % HOLDER_EXITS_MAX;
        h->exits[i].pid = pid;
        h->exits[i].code = code;
        h->exits[i].status = status;
        h->n_exits++;
}

/* ---- the socket ---- */

static void client_close(Holder *h, const char *why) {
        if (h->sock < 0)
                return;
        if (why)
                say("Daemon connection closed (%s).", why);
        close(h->sock);
        h->sock = -1;
        h->fetching = false;
        h->reply_pending = false;
}

/* Sends one message without waiting. Returns 1 when sent, 0 when the socket is full, -errno. */
static int send_one(Holder *h, const char *text, int fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control;
        struct iovec iov = { .iov_base = (void *) text, .iov_len = strlen(text) };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (fd >= 0) {
                struct cmsghdr *c;
                memset(&control, 0, sizeof(control));
                m.msg_control = control.buf;
                m.msg_controllen = sizeof(control.buf);
                c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        if (sendmsg(h->sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
                return 1;
        if (errno == EAGAIN || errno == EINTR)
                return 0;
        return -errno;
}

/* What flush() sends next. */
typedef enum Next { NEXT_NONE, NEXT_LOST, NEXT_EXIT, NEXT_FETCHED, NEXT_REPLY } Next;

/* Picks the next message to send and writes its text (and fd, for NEXT_FETCHED). */
static Next next_message(Holder *h, char *text, size_t size, int *ret_fd) {
        *ret_fd = -1;
        if (h->exits_lost > 0) {
                snprintf(text, size, "%c %lu", HOLDER_MSG_EXIT_LOST, h->exits_lost);
                return NEXT_LOST;
        }
        if (h->n_exits > 0) {
                const ExitRecord *e = &h->exits[h->exit_head];
                snprintf(text, size, "%c %d %d %d", HOLDER_MSG_EXIT, (int) e->pid, e->code,
                         e->status);
                return NEXT_EXIT;
        }
        if (h->fetching && h->fetch_next < h->n_held) {
                snprintf(text, size, "%c %s", HOLDER_MSG_FETCHED, h->held[h->fetch_next].name);
                *ret_fd = h->held[h->fetch_next].fd;
                return NEXT_FETCHED;
        }
        if (h->fetching) {
                /* The stream is out: the count of what was sent closes it. */
                h->fetching = false;
                snprintf(h->reply, sizeof(h->reply), "%c %zu", HOLDER_MSG_FETCH, h->fetch_sent);
                h->reply_pending = true;
        }
        if (h->reply_pending) {
                snprintf(text, size, "%s", h->reply);
                return NEXT_REPLY;
        }
        return NEXT_NONE;
}

/* Sends what is queued, in order: exit records, the fetch stream, the reply. Stops at a full
 * socket; a broken one closes the connection. */
static void flush(Holder *h) {
        char text[HOLDER_MSG_MAX];

        while (h->sock >= 0) {
                int fd, r;
                Next next = next_message(h, text, sizeof(text), &fd);

                if (next == NEXT_NONE)
                        return;
                r = send_one(h, text, fd);
                if (r == 0)
                        return;
                if (r < 0 && next == NEXT_FETCHED && r == -ETOOMANYREFS) {
                        /* The receiver's limit, not a broken socket: leave this one out. */
                        say("Failed to send %s: %s, leaving it out.", text + 2, strerror(-r));
                        h->fetch_next++;
                        continue;
                }
                if (r < 0) {
                        client_close(h, strerror(-r));
                        return;
                }
                switch (next) {
                case NEXT_LOST:
                        h->exits_lost = 0;
                        break;
                case NEXT_EXIT:
                        h->exit_head = (h->exit_head + 1) % HOLDER_EXITS_MAX;
                        h->n_exits--;
                        break;
                case NEXT_FETCHED:
                        h->fetch_next++;
                        h->fetch_sent++;
                        break;
                default:
                        h->reply_pending = false;
                }
        }
}

static void reply(Holder *h, int r) {
        if (r >= 0)
                snprintf(h->reply, sizeof(h->reply), "%c", HOLDER_MSG_OK);
        else
                snprintf(h->reply, sizeof(h->reply), "%c %d", HOLDER_MSG_ERROR, -r);
        h->reply_pending = true;
}

static int request_ready(Holder *h) {
        if (!h->ready)
                say("Daemon pid %d is ready.", (int) h->pid);
        h->ready = h->ever_ready = true;
        h->backoff_usec = 0;
        if (h->pending_sig) {
                daemon_signal(h, h->pending_sig);
                h->pending_sig = 0;
        }
        return 0;
}

/* Acts on one request: text (NUL-terminated, n bytes) and fd (-1 when none; taken). */
static void handle_request(Holder *h, const char *text, size_t n, int fd) {
        bool named = n > 0 && (text[0] == HOLDER_MSG_STORE || text[0] == HOLDER_MSG_DROP);
        const char *name = text + 2;
        int r;

        if (n == 0 || strlen(text) != n)
                r = -EBADMSG;
        else if (named && (n < 3 || text[1] != ' ' || !holder_name_is_valid(name)))
                r = -EINVAL;
        else if (text[0] == HOLDER_MSG_STORE && fd < 0)
                r = -EBADF;
        else if (text[0] == HOLDER_MSG_STORE) {
                r = held_store(h, name, fd);
                fd = -1;
        } else if (fd >= 0 || (!named && n != 1))
                r = -EINVAL;
        else if (text[0] == HOLDER_MSG_DROP)
                r = held_drop(h, name);
        else if (text[0] == HOLDER_MSG_FETCH) {
                h->fetching = true;
                h->fetch_next = h->fetch_sent = 0;
                return;
        } else if (text[0] == HOLDER_MSG_READY)
                r = request_ready(h);
        else
                r = -EINVAL;
        if (fd >= 0)
                close(fd);
        reply(h, r);
}

/* Reads one request, if the queue is empty (no request is served before the last reply is
 * out, so a client that does not read cannot make the holder queue without bound). */
static void receive(Holder *h, short revents) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * HOLDER_CMSG_FDS)];
        } control;
        char text[HOLDER_MSG_MAX + 1];
        struct iovec iov = { .iov_base = text, .iov_len = HOLDER_MSG_MAX };
        struct msghdr m = {
                .msg_iov = &iov, .msg_iovlen = 1,
                .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
        };
        int fds[HOLDER_CMSG_FDS], n_fds = 0;
        ssize_t n;

        n = recvmsg(h->sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        client_close(h, strerror(errno));
                return;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (n_fds < HOLDER_CMSG_FDS)
                                fds[n_fds++] = fd;
                        else
                                close(fd);
                }
        }
        if (n == 0 && n_fds == 0 && (revents & (POLLHUP | POLLRDHUP))) {
                client_close(h, "end of file");
                return;
        }
        text[n] = '\0';
        if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || n_fds > 1) {
                say("Rejected a malformed message from the daemon.");
                for (int i = 0; i < n_fds; i++)
                        close(fds[i]);
                reply(h, -EBADMSG);
                return;
        }
        handle_request(h, text, (size_t) n, n_fds == 1 ? fds[0] : -1);
}

/* ---- children ---- */

/* Handles the daemon's death. Returns -1 to go on, or the holder's exit status. */
static int daemon_died(Holder *h, const siginfo_t *si) {
        int status = status_of(si->si_code, si->si_status);
        uint64_t delay = 0;

        client_close(h, NULL);
        if (h->pidfd >= 0)
                close(h->pidfd);
        h->pidfd = -1;
        h->pid = 0;
        if (si->si_code == CLD_EXITED && si->si_status == 0) {
                say("Daemon exited cleanly, exiting.");
                return 0;
        }
        if (!h->ever_ready || (h->pending_sig && !h->ready)) {
                say("Daemon failed before it was ready (status %d), exiting.", status);
                return status;
        }
        if (!h->ready) {
                h->backoff_usec = h->backoff_usec ? h->backoff_usec * 2 : HOLDER_BACKOFF_MIN_USEC;
                if (h->backoff_usec > HOLDER_BACKOFF_MAX_USEC)
                        h->backoff_usec = HOLDER_BACKOFF_MAX_USEC;
                delay = h->backoff_usec;
        }
        say("Daemon %s %d, restarting it in %llu ms.",
            si->si_code == CLD_EXITED ? "exited with status" : "was killed by signal",
            si->si_status, (unsigned long long) (delay / 1000));
        h->start_at_usec = now_usec() + delay;
        return -1;
}

/* Reaps every child that has exited. Returns -1 to go on, or the holder's exit status. */
static int reap(Holder *h) {
        for (;;) {
                siginfo_t si = {};

                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
                        return -1;
                if (si.si_pid == h->pid) {
                        int r = daemon_died(h, &si);
                        if (r >= 0)
                                return r;
                        continue;
                }
                say("Reaped orphan %d (%s %d).", (int) si.si_pid,
                    si.si_code == CLD_EXITED ? "status" : "signal", si.si_status);
                exits_add(h, si.si_pid, si.si_code, si.si_status);
        }
}

/* Returns -1 to go on, or the holder's exit status. */
static int on_signal(Holder *h) {
        struct signalfd_siginfo ssi;

        while (read(h->sigfd, &ssi, sizeof(ssi)) == (ssize_t) sizeof(ssi)) {
                int sig = (int) ssi.ssi_signo;

                if (sig == SIGCHLD)
                        continue;
                bool stop = sig == SIGTERM || sig == SIGINT;

                /* A stop signal for a restarted daemon that is not up yet waits for its "R"
                 * (it may not handle signals yet); with no daemon, one is started at once to
                 * take it. The first daemon gets it at once: its failure ends the holder. */
                if (h->pid > 0 && (h->ready || !h->ever_ready || !stop))
                        daemon_signal(h, sig);
                else if (stop) {
                        say("Got signal %d before the daemon is ready, passing it on then.", sig);
                        h->pending_sig = sig;
                        h->start_at_usec = 0;
                }
        }
        return reap(h);
}

/* ---- set-up and loop ---- */

static int setup(Holder *h) {
        struct rlimit rl;
        sigset_t mask;

        (void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        if (getrlimit(RLIMIT_NOFILE, &h->nofile_orig) == 0) {
                rl = h->nofile_orig;
                if (rl.rlim_cur < HOLDER_FDS_MAX + HOLDER_FDS_SPARE)
                        rl.rlim_cur = rl.rlim_max < HOLDER_FDS_MAX + HOLDER_FDS_SPARE ?
                                      rl.rlim_max : HOLDER_FDS_MAX + HOLDER_FDS_SPARE;
                (void) setrlimit(RLIMIT_NOFILE, &rl);
        }
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGUSR2);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;
        h->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (h->sigfd < 0)
                return -errno;
        (void) signal(SIGPIPE, SIG_IGN);
        /* Set here once, so that the child of fork() only has to exec. */
        if (setenv(HOLDER_ENV, STRINGIFY(HOLDER_CLIENT_FD), 1) < 0)
                return -errno;
        if (geteuid() == 0) {
                if (setresuid(SYSCAGE_GUARD_UID, 0, SYSCAGE_GUARD_UID) < 0)
                        say("Warning: cannot take the guard uid %u (%s), going on without it.",
                            SYSCAGE_GUARD_UID, strerror(errno));
                else
                        h->guard = true;
        }
        /* After the uid change, which may reset it. */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        return 0;
}

static int run(Holder *h) {
        for (;;) {
                struct pollfd p[2] = {
                        { .fd = h->sigfd, .events = POLLIN },
                        { .fd = h->sock, .events = POLLRDHUP },
                };
                int timeout = -1, r;

                if (h->pid == 0) {
                        uint64_t now = now_usec();
                        if (now >= h->start_at_usec) {
                                r = daemon_start(h);
                                if (r < 0) {
                                        say("Failed to start the daemon: %s", strerror(-r));
                                        return 1;
                                }
                                continue;
                        }
                        timeout = (int) ((h->start_at_usec - now + 999) / 1000);
                }
                flush(h);
                p[1].fd = h->sock;
                if (h->fetching || h->reply_pending || h->n_exits > 0 || h->exits_lost > 0)
                        p[1].events |= POLLOUT;
                else
                        p[1].events |= POLLIN;
                if (poll(p, 2, timeout) < 0) {
                        if (errno == EINTR)
                                continue;
                        say("poll() failed: %s", strerror(errno));
                        return 1;
                }
                if (p[0].revents) {
                        r = on_signal(h);
                        if (r >= 0)
                                return r;
                }
                /* The socket may have been closed, or replaced, by on_signal(). */
                if (h->sock < 0 || p[1].fd != h->sock || !p[1].revents)
                        continue;
                if (p[1].events & POLLIN)
                        receive(h, p[1].revents);
                else if (p[1].revents & (POLLHUP | POLLERR))
                        client_close(h, "hang-up");
        }
}

/* Frees what is left, so that a leak checker sees only real leaks. */
static void holder_done(Holder *h) {
        for (size_t i = 0; i < h->n_held; i++) {
                close(h->held[i].fd);
                free(h->held[i].name);
        }
        free(h->held);
        if (h->sock >= 0)
                close(h->sock);
        if (h->pidfd >= 0)
                close(h->pidfd);
        if (h->sigfd >= 0)
                close(h->sigfd);
}

int main(int argc, char **argv) {
        Holder h = { .sigfd = -1, .pidfd = -1, .sock = -1 };
        int r;

        if (argc < 2 || argv[1][0] != '/') {
                fprintf(stderr, "Usage: %s DAEMON_PATH [ARGS...]\n"
                        "DAEMON_PATH must be absolute.\n", argv[0]);
                return 2;
        }
        h.daemon_argv = argv + 1;
        log_detect_journal();
        r = setup(&h);
        if (r < 0) {
                say("Failed to set up: %s", strerror(-r));
                holder_done(&h);
                return 1;
        }
        r = run(&h);
        holder_done(&h);
        return r;
}
