/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One AUDIT_GET request over NETLINK_AUDIT. The kernel handles an audit request in the
 * sender's context, so its answer is queued by the time sendto() returns: the replies are
 * read with MSG_DONTWAIT and nothing here waits.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "macro.h"
#include "sys/audit-status.h"

#define AUDIT_REPLY_MAX 8192u

static int audit_read_reply(int fd, uint32_t seq, AuditStatus *ret) {
        union {
                struct nlmsghdr h;
                char buf[AUDIT_REPLY_MAX];
        } reply;

        /* The status and an ack may come in either order; a few reads at most. */
        for (unsigned tries = 0; tries < 4; tries++) {
                ssize_t n = recv(fd, reply.buf, sizeof reply.buf, MSG_DONTWAIT);
                if (n < 0)
                        return errno == EAGAIN ? -ETIMEDOUT : -errno;
                size_t left = (size_t) n;
                for (struct nlmsghdr *h = &reply.h; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
                        if (h->nlmsg_seq != seq)
                                continue;
                        if (h->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = NLMSG_DATA(h);
                                if (h->nlmsg_len < NLMSG_LENGTH(sizeof *e))
                                        return -EBADMSG;
                                if (e->error < 0)
                                        return e->error;
                                continue; /* the ack */
                        }
                        if (h->nlmsg_type != AUDIT_GET)
                                continue;
                        /* Older kernels send a shorter struct: the fields we read are first. */
                        if (h->nlmsg_len < NLMSG_LENGTH(offsetof(struct audit_status, backlog) + sizeof(uint32_t)))
                                return -EBADMSG;
                        struct audit_status s = {};
                        memcpy(&s, NLMSG_DATA(h), MIN((size_t) h->nlmsg_len - NLMSG_LENGTH(0), sizeof s));
                        *ret = (AuditStatus) { .enabled = s.enabled, .pid = s.pid, .lost = s.lost, .backlog = s.backlog };
                        return 0;
                }
        }
        return -EBADMSG;
}

int audit_status_query(AuditStatus *ret) {
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        struct nlmsghdr req = {
                .nlmsg_len = NLMSG_LENGTH(0),
                .nlmsg_type = AUDIT_GET,
                .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
                .nlmsg_seq = 1,
        };
        _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

        if (fd < 0)
                return -errno;
        if (sendto(fd, &req, req.nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
                return -errno;
        return audit_read_reply(fd, req.nlmsg_seq, ret);
}
