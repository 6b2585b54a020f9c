/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the daemon's side of the fd holder with whatever a holder might answer. The first
 * byte picks the request (ready, drop, fetch, store); the rest is split at '\n' into
 * datagrams written ahead by a fake holder, a leading '#' attaching a descriptor. The fake
 * holder then shuts its sending side, so the client always meets an end and never waits for
 * its deadline. Checks: a fetch returns only valid names with open descriptors, exit records
 * carry a valid code, and a lost holder stays lost.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "holder/holder-protocol.h"
#include "sys/holder-client.h"
#include "sys/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
        if (!ok)
                abort();
}

/* Sends one datagram, with a descriptor when it starts with '#'. False when the socket is full. */
static bool send_datagram(int fd, const char *p, size_t n, int null) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = (char *) p, .iov_len = n };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (n > 0 && p[0] == '#') {
                struct cmsghdr *h;
                iov.iov_base = (char *) p + 1;
                iov.iov_len = n - 1;
                m.msg_control = control.buf;
                m.msg_controllen = sizeof(control.buf);
                h = CMSG_FIRSTHDR(&m);
                h->cmsg_level = SOL_SOCKET;
                h->cmsg_type = SCM_RIGHTS;
                h->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(h), &null, sizeof(int));
        }
        return sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0;
}

static void run_request(HolderClient *c, uint8_t which, int null) {
        HolderFds f = {};
        int r;

        /* The request's letter, or any byte modulo 4. */
        const char *letters = "RDFS", *l = which ? strchr(letters, which) : NULL;

        switch (l ? (uint8_t) (l - letters) : which % 4) {
        case 0:
                (void) holder_client_ready(c);
                break;
        case 1:
                (void) holder_client_drop(c, "name");
                break;
        case 2:
                r = holder_client_fetch(c, &f);
                if (r < 0)
                        break;
                check(f.n <= HOLDER_FDS_MAX);
                for (size_t i = 0; i < f.n; i++) {
                        check(holder_name_is_valid(f.names[i]));
                        check(fcntl(f.fds[i], F_GETFD) == FD_CLOEXEC);
                }
                if (f.n > 0) {
                        int fd = holder_fds_take(&f, f.names[0]);
                        check(fd >= 0);
                        close(fd);
                        check(holder_fds_take(&f, f.names[0]) == -EBADF || f.n > 1);
                }
                holder_fds_done(&f);
                break;
        default:
                (void) holder_client_store(c, "name", null);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(holder_client_freep) HolderClient *c = NULL;
        int sp[2], null;
        HolderExit e;
        size_t start = 1;

        if (size < 1)
                return 0;
        log_set_max_level(LOG_CRIT);
        check(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == 0);
        check(holder_client_new(sp[0], &c) == 0);
        null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        check(null >= 0);
        for (size_t i = 1; i <= size; i++) {
                if (i < size && data[i] != '\n')
                        continue;
                if (!send_datagram(sp[1], (const char *) data + start, i - start, null))
                        break;
                start = i + 1;
        }
        check(shutdown(sp[1], SHUT_WR) == 0);

        run_request(c, data[0], null);
        while (holder_client_next_exit(c, &e) > 0)
                check(e.pid > 0 && (e.code == CLD_EXITED || e.code == CLD_KILLED ||
                                    e.code == CLD_DUMPED));
        if (!holder_client_connected(c))
                check(holder_client_ready(c) == -ENOTCONN);
        close(sp[1]);
        close(null);
        return 0;
}
