/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AUDIT_GET requests over NETLINK_AUDIT, answered in the event loop (audit-status.h).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/audit-status.h"
#include "sys/io-log.h"

#define AUDIT_REPLY_MAX 8192u
#define AUDIT_READ_BURST 8u

struct AuditWatch {
        int fd;
        sd_event_source *source;
        AuditWatchCallback callback;
        void *userdata;
        uint32_t seq;
        bool have, refused;
        AuditStatus first, latest;
};

static void handle_message(AuditWatch *w, const struct nlmsghdr *h) {
        if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                if (h->nlmsg_len >= NLMSG_LENGTH(sizeof *e) && e->error < 0) {
                        io_logf_errno(LOG_DEBUG, -e->error, "The audit subsystem refused AUDIT_GET: %m");
                        w->refused = true;
                        if (w->callback)
                                w->callback(w, NULL, false, w->userdata);
                }
                return;
        }
        /* Older kernels send a shorter struct: the fields read here come first. */
        if (h->nlmsg_type != AUDIT_GET ||
            h->nlmsg_len < NLMSG_LENGTH(offsetof(struct audit_status, backlog) + sizeof(uint32_t)))
                return;
        struct audit_status s = {};
        memcpy(&s, NLMSG_DATA(h), MIN((size_t) h->nlmsg_len - NLMSG_LENGTH(0), sizeof s));
        w->latest = (AuditStatus) { .enabled = s.enabled, .pid = s.pid, .lost = s.lost, .backlog = s.backlog,
                                    .seq = h->nlmsg_seq };
        bool first = !w->have;
        if (first)
                w->first = w->latest;
        w->have = true;
        if (w->callback)
                w->callback(w, &w->latest, first, w->userdata);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        AuditWatch *w = userdata;
        union {
                struct nlmsghdr h;
                char buf[AUDIT_REPLY_MAX];
        } reply;

        for (unsigned i = 0; i < AUDIT_READ_BURST; i++) {
                ssize_t n = recv(fd, reply.buf, sizeof reply.buf, MSG_DONTWAIT);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                size_t left = (size_t) n;
                for (struct nlmsghdr *h = &reply.h; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
                        handle_message(w, h);
        }
        return 0;
}

uint32_t audit_watch_refresh(AuditWatch *w) {
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        struct nlmsghdr req = {
                .nlmsg_len = NLMSG_LENGTH(0),
                .nlmsg_type = AUDIT_GET,
                .nlmsg_flags = NLM_F_REQUEST,
        };

        if (!w || w->fd < 0 || w->refused)
                return 0;
        if (++w->seq == 0)
                w->seq = 1;
        req.nlmsg_seq = w->seq;
        if (sendto(w->fd, &req, req.nlmsg_len, MSG_DONTWAIT, (struct sockaddr *) &kernel, sizeof kernel) < 0) {
                io_logf_errno(LOG_DEBUG, errno, "Failed to ask the audit subsystem for its status: %m");
                return 0;
        }
        return w->seq;
}

int audit_watch_open(sd_event *event, AuditWatchCallback cb, void *userdata, AuditWatch **ret) {
        _cleanup_(audit_watch_freep) AuditWatch *w = NULL;
        int r;

        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->callback = cb;
        w->userdata = userdata;
        w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
        if (w->fd < 0)
                return -errno;
        r = sd_event_add_io(event, &w->source, w->fd, EPOLLIN, on_io, w);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(w->source, "audit-status");
        audit_watch_refresh(w);
        *ret = TAKE_PTR(w);
        return 0;
}

AuditWatch *audit_watch_free(AuditWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->source);
        safe_close(w->fd);
        free(w);
        return NULL;
}

bool audit_watch_get(const AuditWatch *w, AuditStatus *ret_first, AuditStatus *ret_latest) {
        if (!w || !w->have)
                return false;
        if (ret_first)
                *ret_first = w->first;
        if (ret_latest)
                *ret_latest = w->latest;
        return true;
}
