/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The notify socket: receives sd_notify() datagrams, checks them strictly, and hands the
 * parsed message with the kernel-attested sender pid to the daemon. See notify.h for the
 * rules; this file holds the parser, the socket, and the receive path.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "sys/io-log.h"
#include "io/notify.h"

/* The kernel's limit on descriptors in one SCM_RIGHTS message (SCM_MAX_FD). Room for all
 * of them, so none is lost to MSG_CTRUNC before we can close it. */
#define NOTIFY_FDS_MAX 253

struct NotifyServer {
        sd_event_source *source;
        int fd;
        char *path;
        NotifyCallback callback;
        void *userdata;
        NotifyStats stats;
};

bool notify_access_allows(NotifyAccess a, pid_t sender, pid_t main_pid, pid_t control_pid,
                          bool sender_in_service_cgroup) {
        bool is_main = sender > 0 && main_pid > 0 && sender == main_pid;
        bool is_control = sender > 0 && control_pid > 0 && sender == control_pid;

        if (sender <= 0)
                return false;
        switch (a) {
        case NOTIFY_MAIN:
                return is_main;
        case NOTIFY_EXEC:
                return is_main || is_control;
        case NOTIFY_ALL:
                return is_main || is_control || sender_in_service_cgroup;
        case NOTIFY_NONE:
        default:
                return false;
        }
}

/* ---- parsing ---- */

/* Strict unsigned decimal: digits only, no sign, no spaces, no overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *ret) {
        uint64_t v = 0;

        if (len == 0 || len > 20)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                if (v > (UINT64_MAX - (uint64_t) (s[i] - '0')) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        *ret = v;
        return 0;
}

static bool value_is(const char *v, size_t vlen, const char *want) {
        return vlen == strlen(want) && memcmp(v, want, vlen) == 0;
}

/* Applies one KEY=VALUE. Returns a reason string when the assignment is malformed. */
static const char *notify_apply(NotifyMessage *m, const char *key, size_t klen, const char *v, size_t vlen,
                                bool *ret_oom) {
        uint64_t u;

#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
        if (KEY_IS("READY") || KEY_IS("STOPPING") || KEY_IS("RELOADING")) {
                if (!value_is(v, vlen, "1"))
                        return "value must be 1";
                *(KEY_IS("READY") ? &m->ready : KEY_IS("STOPPING") ? &m->stopping : &m->reloading) = true;
        } else if (KEY_IS("STATUS")) {
                char *s = strndup(v, vlen);
                if (!s) {
                        *ret_oom = true;
                        return "out of memory";
                }
                free(m->status);
                m->status = s;
        } else if (KEY_IS("MAINPID")) {
                if (parse_u64(v, vlen, &u) < 0 || u == 0 || u > INT32_MAX)
                        return "not a valid pid";
                m->main_pid = (pid_t) u;
        } else if (KEY_IS("WATCHDOG")) {
                if (value_is(v, vlen, "1"))
                        m->watchdog = NOTIFY_WATCHDOG_PING;
                else if (value_is(v, vlen, "trigger"))
                        m->watchdog = NOTIFY_WATCHDOG_TRIGGER;
                else
                        return "value must be 1 or trigger";
        } else if (KEY_IS("WATCHDOG_USEC") || KEY_IS("EXTEND_TIMEOUT_USEC")) {
                if (parse_u64(v, vlen, &u) < 0)
                        return "not a valid number of microseconds";
                if (KEY_IS("WATCHDOG_USEC"))
                        m->has_watchdog_usec = true, m->watchdog_usec = u;
                else
                        m->has_extend_timeout = true, m->extend_timeout_usec = u;
        } else if (KEY_IS("ERRNO")) {
                if (parse_u64(v, vlen, &u) < 0 || u > 4095)
                        return "not a valid errno number";
                m->errno_value = (int) u;
        }
#undef KEY_IS
        return NULL; /* applied, or an unknown key */
}

static bool key_valid(const char *key, size_t klen) {
        if (klen == 0)
                return false;
        for (size_t i = 0; i < klen; i++)
                if (!((key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= '0' && key[i] <= '9') || key[i] == '_'))
                        return false;
        return true;
}

int notify_message_parse(const char *buf, size_t len, NotifyMessage *ret) {
        NotifyMessage m = { .errno_value = -1 };
        size_t off = 0;

        if (len > NOTIFY_DATAGRAM_MAX)
                return -EMSGSIZE;
        while (off < len) {
                const char *line = buf + off, *nl = memchr(line, '\n', len - off), *eq;
                size_t llen = nl ? (size_t) (nl - line) : len - off;
                const char *why = NULL;
                bool oom = false;

                off += llen + (nl ? 1 : 0);
                if (llen == 0)
                        continue;
                eq = memchr(line, '=', llen);
                if (memchr(line, '\0', llen))
                        why = "contains a NUL byte";
                else if (!eq)
                        why = "no '='";
                else if (!key_valid(line, (size_t) (eq - line)))
                        why = "invalid key";
                else
                        why = notify_apply(&m, line, (size_t) (eq - line), eq + 1, llen - (size_t) (eq - line) - 1,
                                           &oom);
                if (oom) {
                        notify_message_done(&m);
                        return -ENOMEM;
                }
                if (why) {
                        m.n_ignored++;
                        io_logf(LOG_DEBUG, "Ignoring notify assignment '%.*s': %s.", (int) MIN(llen, (size_t) 64),
                                line, why);
                }
        }
        *ret = m;
        return 0;
}

void notify_message_done(NotifyMessage *m) {
        if (!m)
                return;
        free(m->status);
        m->status = NULL;
}

/* ---- the socket ---- */

/* Closes every descriptor that came with a message and returns the sender's pid, or 0 if
 * no credentials were attached. */
static pid_t notify_scan_cmsgs(NotifyServer *s, struct msghdr *mh) {
        pid_t pid = 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET)
                        continue;
                if (c->cmsg_type == SCM_RIGHTS) {
                        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < n; i++) {
                                int fd;
                                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                                safe_close(fd);
                                s->stats.fds_closed++;
                        }
                } else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
                        struct ucred uc;
                        memcpy(&uc, CMSG_DATA(c), sizeof uc);
                        pid = uc.pid;
                }
        }
        return pid;
}

/* Receives one datagram. Returns 1 if one was handled, 0 if the socket is empty. */
static int notify_receive_one(NotifyServer *s) {
        char buf[NOTIFY_DATAGRAM_MAX];
        union {
                struct cmsghdr align;
                char data[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FDS_MAX)];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = &control,
                .msg_controllen = sizeof control,
        };
        NotifyMessage m;
        ssize_t n;
        pid_t pid;

        /* MSG_TRUNC makes recvmsg return the full datagram length, so oversize is detectable. */
        n = recvmsg(s->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0) {
                if (errno == EAGAIN || errno == EINTR)
                        return 0;
                return io_logf_errno(LOG_WARNING, errno, "Failed to receive notify message, ignoring: %m");
        }
        pid = notify_scan_cmsgs(s, &mh);
        if ((mh.msg_flags & MSG_TRUNC) || (size_t) n > sizeof buf) {
                s->stats.oversize++;
                io_logf(LOG_DEBUG, "Dropping notify message of %zd bytes from pid %d: longer than %u.", n, (int) pid,
                        NOTIFY_DATAGRAM_MAX);
                return 1;
        }
        if (pid <= 0) {
                s->stats.no_creds++;
                io_logf(LOG_DEBUG, "Dropping notify message without sender credentials.");
                return 1;
        }
        if (notify_message_parse(buf, (size_t) n, &m) < 0) {
                io_logf(LOG_WARNING, "Out of memory parsing notify message from pid %d, ignoring.", (int) pid);
                return 1;
        }
        s->stats.received++;
        if (s->callback)
                s->callback(s, pid, &m, s->userdata);
        notify_message_done(&m);
        return 1;
}

static int notify_on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        NotifyServer *s = userdata;

        for (unsigned i = 0; i < NOTIFY_BURST_MAX; i++)
                if (notify_receive_one(s) <= 0)
                        break;
        return 0;
}

static int notify_socket_bind(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd, one = 1, r;

        if (strlen(path) >= sizeof sa.sun_path || path[0] != '/')
                return -EINVAL;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
                goto fail;
        if (unlink(path) < 0 && errno != ENOENT)
                goto fail;
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                goto fail;
        if (chmod(path, 0666) < 0)
                goto fail;
        return fd;
fail:
        r = -errno;
        safe_close(fd);
        return r;
}

int notify_server_new(sd_event *event, const char *path, NotifyCallback cb, void *userdata, NotifyServer **ret) {
        return notify_server_new_fd(event, path, -EBADF, cb, userdata, ret);
}

int notify_server_fd(const NotifyServer *s) {
        return s ? s->fd : -EBADF;
}

/* A socket of a previous daemon is what services already send to: datagrams sent meanwhile
 * wait in it. It is used if it is still bound to PATH. */
static bool notify_socket_usable(int fd, const char *path) {
        struct sockaddr_un sa = {};
        socklen_t len = sizeof sa;
        struct stat st_fd, st_path;
        int type = 0, one = 1;
        socklen_t tlen = sizeof type;

        if (getsockname(fd, (struct sockaddr *) &sa, &len) < 0 || sa.sun_family != AF_UNIX ||
            strncmp(sa.sun_path, path, sizeof sa.sun_path) != 0)
                return false;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_DGRAM)
                return false;
        /* Still the socket at that path (nobody replaced the file meanwhile). */
        if (fstat(fd, &st_fd) < 0 || stat(path, &st_path) < 0 || !S_ISSOCK(st_path.st_mode))
                return false;
        return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) >= 0;
}

int notify_server_new_fd(sd_event *event, const char *path, int fd, NotifyCallback cb, void *userdata,
                         NotifyServer **ret) {
        _cleanup_(notify_server_freep) NotifyServer *s = NULL;
        _cleanup_close_ int held = fd;
        int r;

        if (!event || !path)
                return -EINVAL;
        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->fd = -EBADF;
        s->callback = cb;
        s->userdata = userdata;
        s->path = strdup(path);
        if (!s->path)
                return -ENOMEM;
        if (held >= 0 && notify_socket_usable(held, path)) {
                int fl = fcntl(held, F_GETFL);
                if (fl < 0 || fcntl(held, F_SETFL, fl | O_NONBLOCK) < 0)
                        return -errno;
                s->fd = TAKE_FD(held);
        } else
                s->fd = notify_socket_bind(path);
        if (s->fd < 0) {
                r = s->fd;
                free(s->path);
                s->path = NULL; /* nothing of ours to unlink */
                return r;
        }
        r = sd_event_add_io(event, &s->source, s->fd, EPOLLIN, notify_on_io, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(s->source, "notify-socket");
        *ret = TAKE_PTR(s);
        return 0;
}

NotifyServer *notify_server_free(NotifyServer *s) {
        if (!s)
                return NULL;
        sd_event_source_disable_unref(s->source);
        safe_close(s->fd);
        if (s->path)
                (void) unlink(s->path);
        free(s->path);
        free(s);
        return NULL;
}

const char *notify_server_path(const NotifyServer *s) {
        return s ? s->path : NULL;
}

NotifyStats notify_server_stats(const NotifyServer *s) {
        return s->stats;
}
