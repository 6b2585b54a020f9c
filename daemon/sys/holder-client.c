/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's side of the fd holder: one request at a time, each read until its reply under a
 * deadline, exit records queued on the way. See holder-client.h and holder/holder-protocol.h.
 * Any protocol error counts as a lost holder: the two ends would no longer agree on which
 * reply answers which request.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "holder/holder-protocol.h"
#include "parse-util.h"
#include "strv.h"
#include "sys/holder-client.h"
#include "policy.h"
#include "sys/log.h"

/* Exit records kept for holder_client_next_exit(); the oldest is dropped beyond this. */
#define HOLDER_CLIENT_EXITS_MAX HOLDER_EXITS_MAX

struct HolderClient {
        int fd; /* -EBADF once the holder is lost */
        HolderExit *exits; /* a ring of HOLDER_CLIENT_EXITS_MAX, allocated on first use */
        size_t exit_head, n_exits;

        sd_event_source *io, *defer;
        HolderExitFunc on_exit;
        HolderLostFunc on_lost;
        void *userdata;
        bool lost_called;
};

/* A received message: text (NUL-terminated) and at most one descriptor. */
typedef struct Message {
        char text[HOLDER_MSG_MAX + 1];
        int fd;
} Message;

int holder_client_new(int fd, HolderClient **ret) {
        HolderClient *c;

        if (fd < 0)
                return -EBADF;
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->fd = fd;
        *ret = c;
        return 0;
}

_Static_assert(SYSCAGE_GUARD_UID == POLICY_GUARD_UID, "one guard uid");

bool holder_client_env_present(void) {
        return getenv(HOLDER_ENV) != NULL;
}

uid_t holder_guard_uid(void) {
        return SYSCAGE_GUARD_UID;
}

int holder_client_prepare_exec(HolderClient *c) {
        int fd = holder_client_fd(c);
        if (fd < 0)
                return -ENOTCONN;
        if (fd == HOLDER_CLIENT_FD) {
                if (fcntl(fd, F_SETFD, 0) < 0)
                        return -errno;
        } else if (dup2(fd, HOLDER_CLIENT_FD) < 0)
                return -errno;
        char v[16];
        snprintf(v, sizeof v, "%d", HOLDER_CLIENT_FD);
        return setenv(HOLDER_ENV, v, 1) < 0 ? -errno : 0;
}

int holder_client_from_env(HolderClient **ret) {
        const char *e = getenv(HOLDER_ENV);
        int type = 0, fd, r;
        socklen_t len = sizeof(type);
        unsigned u;

        if (!e) {
                *ret = NULL;
                return 0;
        }
        /* Unset whatever comes of it: nothing the daemon starts may inherit the variable. */
        r = parse_unsigned(e, &u);
        (void) unsetenv(HOLDER_ENV);
        if (r < 0)
                return r;
        if (u < 3 || u > INT32_MAX)
                return -EBADF;
        fd = (int) u;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
                return -errno;
        if (type != SOCK_SEQPACKET)
                return -EPROTOTYPE;
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
                return -errno;
        r = holder_client_new(fd, ret);
        return r < 0 ? r : 1;
}

HolderClient *holder_client_free(HolderClient *c) {
        if (!c)
                return NULL;
        sd_event_source_disable_unref(c->io);
        sd_event_source_disable_unref(c->defer);
        safe_close(c->fd);
        free(c->exits);
        free(c);
        return NULL;
}

bool holder_client_connected(const HolderClient *c) {
        return c && c->fd >= 0;
}

int holder_client_fd(const HolderClient *c) {
        return holder_client_connected(c) ? c->fd : -ENOTCONN;
}

/* Marks the holder as gone (once) and returns error, for "return client_lost(c, r);". */
static int client_lost(HolderClient *c, int error) {
        if (c->fd < 0)
                return error;
        log_full_errno(LOG_WARNING, error, "Lost the fd holder: %m");
        c->io = sd_event_source_disable_unref(c->io);
        c->fd = safe_close(c->fd);
        if (c->on_lost && !c->lost_called) {
                c->lost_called = true;
                c->on_lost(c->userdata);
        }
        return error;
}

static int exits_push(HolderClient *c, const HolderExit *e) {
        if (!c->exits) {
                c->exits = calloc(HOLDER_CLIENT_EXITS_MAX, sizeof(HolderExit));
                if (!c->exits)
                        return -ENOMEM;
        }
        if (c->n_exits == HOLDER_CLIENT_EXITS_MAX) {
                log_warning("Dropping the fd holder's exit record of pid %d: queue full.",
                            (int) c->exits[c->exit_head].pid);
                c->exit_head = (c->exit_head + 1) % HOLDER_CLIENT_EXITS_MAX;
                c->n_exits--;
        }
        c->exits[(c->exit_head + c->n_exits) % HOLDER_CLIENT_EXITS_MAX] = *e;
        c->n_exits++;
        if (c->defer)
                (void) sd_event_source_set_enabled(c->defer, SD_EVENT_ONESHOT);
        return 0;
}

int holder_client_next_exit(HolderClient *c, HolderExit *ret) {
        if (c->n_exits == 0)
                return 0;
        *ret = c->exits[c->exit_head];
        c->exit_head = (c->exit_head + 1) % HOLDER_CLIENT_EXITS_MAX;
        c->n_exits--;
        return 1;
}

/* Parses "X PID CODE STATUS" or "L COUNT". Returns 1 when text was one of them (handled), 0
 * when it is something else, -EBADMSG when it is one of them but malformed. */
static int handle_unsolicited(HolderClient *c, const char *text) {
        HolderExit e = {};
        unsigned long long lost;
        char tail;

        if (text[0] == HOLDER_MSG_EXIT_LOST) {
                if (sscanf(text + 1, " %llu%c", &lost, &tail) != 1)
                        return -EBADMSG;
                log_warning("The fd holder dropped %llu exit records of orphans.", lost);
                return 1;
        }
        if (text[0] != HOLDER_MSG_EXIT)
                return 0;
        if (sscanf(text + 1, " %d %d %d%c", &e.pid, &e.code, &e.status, &tail) != 3 || e.pid <= 0 ||
            !(e.code == CLD_EXITED || e.code == CLD_KILLED || e.code == CLD_DUMPED))
                return -EBADMSG;
        return exits_push(c, &e) < 0 ? -ENOMEM : 1;
}

/* Receives one datagram without waiting. Returns 1 and fills *m, 0 when there is none yet,
 * -ECONNRESET at end of file, -EBADMSG for a malformed one, or -errno. */
static int receive_one(HolderClient *c, Message *m) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 2)];
        } control;
        struct iovec iov = { .iov_base = m->text, .iov_len = HOLDER_MSG_MAX };
        struct msghdr mh = {
                .msg_iov = &iov, .msg_iovlen = 1,
                .msg_control = control.buf, .msg_controllen = sizeof(control.buf),
        };
        size_t n_fds = 0;
        ssize_t n;

        m->fd = -EBADF;
        n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h)) {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
                        continue;
                for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
                        if (n_fds++ == 0)
                                m->fd = fd;
                        else
                                safe_close(fd);
                }
        }
        if (n == 0 && n_fds == 0)
                return -ECONNRESET;
        m->text[n] = '\0';
        if (n == 0 || n_fds > 1 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
            strlen(m->text) != (size_t) n) {
                m->fd = safe_close(m->fd);
                return -EBADMSG;
        }
        return 1;
}

static int64_t now_msec(void) {
        return (int64_t) (now_usec(CLOCK_MONOTONIC) / 1000);
}

/* Waits for the next message that is not an exit record, until deadline (CLOCK_MONOTONIC
 * msec). Any failure loses the holder. */
static int receive_reply(HolderClient *c, int64_t deadline, Message *m) {
        for (;;) {
                struct pollfd p = { .fd = c->fd, .events = POLLIN };
                int64_t left = deadline - now_msec();
                int r;

                r = receive_one(c, m);
                if (r < 0)
                        return client_lost(c, r);
                if (r > 0) {
                        r = handle_unsolicited(c, m->text);
                        if (r < 0) {
                                m->fd = safe_close(m->fd);
                                return client_lost(c, r);
                        }
                        if (r == 0)
                                return 0;
                        m->fd = safe_close(m->fd);
                        continue;
                }
                if (left <= 0)
                        return client_lost(c, -ETIMEDOUT);
                if (poll(&p, 1, (int) MIN(left, (int64_t) HOLDER_CLIENT_TIMEOUT_MS)) < 0 && errno != EINTR)
                        return client_lost(c, -errno);
        }
}

static int send_request(HolderClient *c, const char *text, int fd, int64_t deadline) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = (char *) text, .iov_len = strlen(text) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (fd >= 0) {
                struct cmsghdr *h;
                mh.msg_control = control.buf;
                mh.msg_controllen = sizeof(control.buf);
                h = CMSG_FIRSTHDR(&mh);
                h->cmsg_level = SOL_SOCKET;
                h->cmsg_type = SCM_RIGHTS;
                h->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(h), &fd, sizeof(int));
        }
        for (;;) {
                struct pollfd p = { .fd = c->fd, .events = POLLOUT };
                int64_t left = deadline - now_msec();

                if (sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
                        return 0;
                if (errno != EAGAIN && errno != EINTR)
                        return client_lost(c, -errno);
                if (left <= 0)
                        return client_lost(c, -ETIMEDOUT);
                if (poll(&p, 1, (int) MIN(left, (int64_t) HOLDER_CLIENT_TIMEOUT_MS)) < 0 && errno != EINTR)
                        return client_lost(c, -errno);
        }
}

/* Parses "O" (0) or "E ERRNO" (-ERRNO) into *ret. Returns 0, or -EBADMSG for anything else. */
static int parse_status(const char *text, int *ret) {
        int e;
        char tail;

        if (streq(text, "O")) {
                *ret = 0;
                return 0;
        }
        if (text[0] != HOLDER_MSG_ERROR || sscanf(text + 1, " %d%c", &e, &tail) != 1 || e <= 0 ||
            e > 4095)
                return -EBADMSG;
        *ret = -e;
        return 0;
}

/* Sends text (and fd, when >= 0) and returns the holder's answer: 0 or its -errno. */
static int request_status(HolderClient *c, const char *text, int fd) {
        int64_t deadline = now_msec() + HOLDER_CLIENT_TIMEOUT_MS;
        Message m;
        int r, status;

        if (!holder_client_connected(c))
                return -ENOTCONN;
        r = send_request(c, text, fd, deadline);
        if (r < 0)
                return r;
        r = receive_reply(c, deadline, &m);
        if (r < 0)
                return r;
        r = m.fd >= 0 ? -EBADMSG : parse_status(m.text, &status);
        safe_close(m.fd);
        if (r < 0)
                return client_lost(c, r);
        return status;
}

static int named_request(HolderClient *c, char type, const char *name, int fd) {
        char text[HOLDER_MSG_MAX];

        if (!name || !holder_name_is_valid(name))
                return -EINVAL;
        snprintf(text, sizeof(text), "%c %s", type, name);
        return request_status(c, text, fd);
}

int holder_client_store(HolderClient *c, const char *name, int fd) {
        if (fd < 0)
                return -EBADF;
        /* SCM_RIGHTS sends a duplicate: the caller keeps fd. */
        return named_request(c, HOLDER_MSG_STORE, name, fd);
}

int holder_client_drop(HolderClient *c, const char *name) {
        return named_request(c, HOLDER_MSG_DROP, name, -EBADF);
}

int holder_client_ready(HolderClient *c) {
        return request_status(c, "R", -EBADF);
}

void holder_fds_done(HolderFds *f) {
        if (!f)
                return;
        for (size_t i = 0; i < f->n; i++)
                safe_close(f->fds[i]);
        f->names = strv_free(f->names);
        free(f->fds);
        *f = (HolderFds) {};
}

int holder_fds_take(HolderFds *f, const char *name) {
        for (size_t i = 0; i < f->n; i++)
                if (streq(f->names[i], name) && f->fds[i] >= 0)
                        return TAKE_FD(f->fds[i]);
        return -EBADF;
}

/* Adds one "f NAME" entry (takes m->fd). */
static int fds_add(HolderFds *f, size_t *allocated, Message *m) {
        const char *name = m->text + 2;
        int r;

        if (m->fd < 0 || m->text[1] != ' ' || !holder_name_is_valid(name) || f->n >= HOLDER_FDS_MAX)
                return -EBADMSG;
        if (GREEDY_REALLOC(f->fds, *allocated, f->n + 1) < 0)
                return -ENOMEM;
        r = strv_extend(&f->names, name);
        if (r < 0)
                return r;
        f->fds[f->n++] = TAKE_FD(m->fd);
        return 0;
}

int holder_client_fetch(HolderClient *c, HolderFds *ret) {
        int64_t deadline = now_msec() + HOLDER_CLIENT_TIMEOUT_MS;
        _cleanup_(holder_fds_done) HolderFds f = {};
        size_t allocated = 0;
        int r;

        if (!holder_client_connected(c))
                return -ENOTCONN;
        r = send_request(c, "F", -EBADF, deadline);
        if (r < 0)
                return r;
        for (;;) {
                Message m;
                unsigned long count;
                char tail;
                bool bad;

                r = receive_reply(c, deadline, &m);
                if (r < 0)
                        return r;
                if (m.text[0] == HOLDER_MSG_FETCHED) {
                        r = fds_add(&f, &allocated, &m);
                        safe_close(m.fd);
                        if (r < 0)
                                return client_lost(c, r);
                        continue;
                }
                bad = m.fd >= 0 || m.text[0] != HOLDER_MSG_FETCH ||
                      sscanf(m.text + 1, " %lu%c", &count, &tail) != 1 || count != f.n;
                safe_close(m.fd);
                if (bad)
                        return client_lost(c, -EBADMSG);
                break;
        }
        *ret = f;
        f = (HolderFds) {};
        return 0;
}

/* ---- the event loop ---- */

static int on_defer(sd_event_source *s, void *userdata) {
        HolderClient *c = userdata;
        HolderExit e;

        while (c->on_exit && holder_client_next_exit(c, &e) > 0)
                c->on_exit(&e, c->userdata);
        return 0;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        HolderClient *c = userdata;

        while (holder_client_connected(c)) {
                Message m;
                int r = receive_one(c, &m);

                if (r == 0)
                        break;
                if (r > 0) {
                        r = handle_unsolicited(c, m.text);
                        safe_close(m.fd);
                        /* Nothing but exit records comes while no request waits. */
                        if (r == 0 || m.fd >= 0)
                                r = -EBADMSG;
                }
                if (r < 0) {
                        (void) client_lost(c, r);
                        break;
                }
        }
        return on_defer(s, userdata);
}

int holder_client_watch(HolderClient *c, sd_event *event, HolderExitFunc on_exit,
                        HolderLostFunc on_lost, void *userdata) {
        int r;

        if (c->io || c->defer)
                return -EBUSY;
        c->on_exit = on_exit;
        c->on_lost = on_lost;
        c->userdata = userdata;
        if (!holder_client_connected(c)) {
                if (on_lost && !c->lost_called) {
                        c->lost_called = true;
                        on_lost(userdata);
                }
                return -ENOTCONN;
        }
        r = sd_event_add_defer(event, &c->defer, on_defer, c);
        if (r < 0)
                return r;
        /* Fires once for what is queued now; exits_push() re-arms it. */
        (void) sd_event_source_set_enabled(c->defer, SD_EVENT_ONESHOT);
        r = sd_event_add_io(event, &c->io, c->fd, EPOLLIN, on_io, c);
        if (r < 0) {
                c->defer = sd_event_source_disable_unref(c->defer);
                return r;
        }
        return 0;
}
