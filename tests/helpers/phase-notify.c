/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A Type=notify service for the after-ready main phase: during start-up it binds a socket and
 * drops its privileges (setresgid/setresuid to 65534), then sends READY=1 and tries both
 * again. Prints one "R STEP RESULT" line per step ("ok", or "errno NAME"), then exits 0.
 * It does not wait after READY=1: the daemon must see READY=1 before the next call anyway.
 * The socket bound after READY=1 is made before it, so that bind() is the call refused.
 * With --startup-only it makes no bind or setresuid call after READY=1: the run a policy is
 * learned from, in which those calls belong to start-up only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void result(const char *step, int r) {
        if (r >= 0)
                printf("R %s ok\n", step);
        else
                printf("R %s errno %s\n", step, strerrorname_np(errno) ?: "?");
        fflush(stdout);
}

static int loopback_socket(void) {
        return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int bind_loopback(int fd) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        if (fd < 0)
                return -1;
        return bind(fd, (struct sockaddr *) &sa, sizeof sa);
}

static int notify_ready(void) {
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (!path || strlen(path) >= sizeof sa.sun_path)
                return errno = ENOENT, -1;
        strcpy(sa.sun_path, path);
        if (sa.sun_path[0] == '@')
                sa.sun_path[0] = '\0';
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        ssize_t n = sendto(fd, "READY=1", 7, 0, (struct sockaddr *) &sa, sizeof sa);
        close(fd);
        return n == 7 ? 0 : -1;
}

int main(int argc, char **argv) {
        bool startup_only = argc > 1 && strcmp(argv[1], "--startup-only") == 0;
        int main_fd;

        result("bind-startup", bind_loopback(loopback_socket()));
        result("setresgid-startup", setresgid(65534, 65534, 65534));
        result("setresuid-startup", setresuid(65534, 65534, 65534));
        main_fd = loopback_socket();
        result("ready", notify_ready());
        if (!startup_only) {
                result("bind-main", bind_loopback(main_fd));
                result("setresuid-main", setresuid(65534, 65534, 65534));
        }
        result("getpid-main", getpid());
        return 0;
}
