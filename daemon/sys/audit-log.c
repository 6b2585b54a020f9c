/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reads seccomp records from the audit multicast group (audit-log.h).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/audit-log.h"
#include "sys/io-log.h"

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

struct AuditLog {
        int fd;
        sd_event_source *source;
        AuditLogCallback callback;
        void *userdata;
        uint64_t records;
        uint64_t overruns;
};

int audit_log_parse(uint16_t type, const char *payload, size_t len, SeccompAudit *ret) {
        static const char prefix[] = "type=1326 ";
        char line[sizeof prefix + AUDIT_LOG_RECORD_MAX];

        if (type != AUDIT_SECCOMP)
                return -ENOMSG;
        /* The kernel counts the terminating NUL in the payload, or not, depending on the
         * version; the text ends at the first NUL either way. */
        const char *nul = memchr(payload, '\0', len);
        if (nul)
                len = (size_t) (nul - payload);
        if (len == 0 || len > AUDIT_LOG_RECORD_MAX || memchr(payload, '\n', len))
                return -EBADMSG;
        /* The same text as the kernel log's "audit: type=1326 audit(...): ...", which the
         * kernel log's parser reads. */
        memcpy(line, prefix, sizeof prefix - 1);
        memcpy(line + sizeof prefix - 1, payload, len);
        line[sizeof prefix - 1 + len] = '\0';
        int r = kmsg_parse_seccomp(line, ret);
        return r == -ENOMSG ? -EBADMSG : r;
}

static void audit_log_read(AuditLog *l) {
        union {
                struct nlmsghdr h;
                char buf[AUDIT_LOG_RECORD_MAX + NLMSG_HDRLEN];
        } msg;

        for (unsigned i = 0; i < AUDIT_LOG_BURST_MAX; i++) {
                struct sockaddr_nl from = {};
                socklen_t fromlen = sizeof from;
                ssize_t n = recvfrom(l->fd, msg.buf, sizeof msg.buf, MSG_DONTWAIT, (struct sockaddr *) &from,
                                     &fromlen);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == ENOBUFS) {
                        /* The kernel dropped records for us; the socket goes on. */
                        l->overruns++;
                        io_logf(LOG_DEBUG, "The audit multicast socket overflowed, some records were lost.");
                        continue;
                }
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n <= 0) {
                        io_logf_errno(LOG_WARNING, n < 0 ? errno : EIO,
                                      "Failed to read audit records, no longer reading them: %m");
                        (void) sd_event_source_set_enabled(l->source, SD_EVENT_OFF);
                        break;
                }
                if (fromlen < sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0)
                        continue; /* not from the kernel */
                size_t left = (size_t) n;
                for (struct nlmsghdr *h = &msg.h; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
                        SeccompAudit a;
                        /* The kernel sets nlmsg_len to the payload's length in multicast
                         * records (a long-standing quirk), so the payload is what was
                         * received after the header, bounded by both. */
                        size_t avail = (size_t) n - ((const char *) h - msg.buf) - NLMSG_HDRLEN;
                        size_t plen = MIN(avail, (size_t) h->nlmsg_len);
                        if (audit_log_parse(h->nlmsg_type, (const char *) NLMSG_DATA(h), plen, &a) < 0)
                                break;
                        l->records++;
                        if (l->callback)
                                l->callback(l, &a, l->userdata);
                        break; /* one record per datagram; the length quirk forbids walking on */
                }
        }
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        audit_log_read(userdata);
        return 0;
}

void audit_log_flush(AuditLog *l) {
        int enabled = SD_EVENT_OFF;

        if (!l || l->fd < 0 || sd_event_source_get_enabled(l->source, &enabled) < 0 || enabled == SD_EVENT_OFF)
                return;
        audit_log_read(l);
}

int audit_log_open(sd_event *event, AuditLogCallback cb, void *userdata, AuditLog **ret) {
        _cleanup_(audit_log_freep) AuditLog *l = NULL;
        int group = AUDIT_NLGRP_READLOG, size = (int) AUDIT_LOG_RCVBUF, r;
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

        if (!event)
                return -EINVAL;
        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->callback = cb;
        l->userdata = userdata;
        l->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
        if (l->fd < 0)
                return -errno;
        if (bind(l->fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        /* Above the rmem_max limit as root; the plain option otherwise. */
        if (setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
                (void) setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        if (setsockopt(l->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
                return -errno;
        r = sd_event_add_io(event, &l->source, l->fd, EPOLLIN, on_io, l);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(l->source, "audit-log");
        *ret = TAKE_PTR(l);
        return 0;
}

AuditLog *audit_log_free(AuditLog *l) {
        if (!l)
                return NULL;
        sd_event_source_disable_unref(l->source);
        if (l->fd >= 0)
                close(l->fd);
        free(l);
        return NULL;
}

uint64_t audit_log_records(const AuditLog *l) {
        return l ? l->records : 0;
}

uint64_t audit_log_overruns(const AuditLog *l) {
        return l ? l->overruns : 0;
}

bool audit_serial_window_add(AuditSerialWindow *w, uint64_t serial) {
        if (serial == 0 || serial == UINT64_MAX)
                return true;
        uint64_t *slot = &w->slot[serial % AUDIT_SERIAL_WINDOW];
        if (*slot == serial + 1)
                return false;
        *slot = serial + 1;
        return true;
}
