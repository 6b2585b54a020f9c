/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * argfilter-probe: makes the calls the SystemCallArgumentFilter= tests check, in one process
 * running as a service, and prints one line per step on stdout: "R STEP ok" or
 * "R STEP errno ENAME" (a packet socket that was created says "ok AF_PACKET").
 *
 *   argfilter-probe STEP...
 *
 * Steps: write-fd:N (write(N, "", 0); N above 2 is first opened on /dev/null), open-ro:PATH and
 * open-rw:PATH (openat with O_RDONLY or O_RDWR), socket-packet-hi (the raw socket() call with
 * domain 0x100000000|AF_PACKET, which the kernel truncates to AF_PACKET), socket-inet
 * (AF_INET, SOCK_DGRAM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *step, long r, int e, const char *extra) {
        char line[256];
        int n;

        if (r >= 0)
                n = snprintf(line, sizeof line, "R %s ok%s%s\n", step, extra ? " " : "", extra ?: "");
        else
                n = snprintf(line, sizeof line, "R %s errno %s\n", step, strerrorname_np(e) ?: "?");
        if (n > 0)
                (void) !write(STDOUT_FILENO, line, (size_t) n);
}

static void step_write(const char *step, int fd) {
        long r;

        if (fd > 2) {
                int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
                if (null < 0 || (null != fd && dup2(null, fd) < 0)) {
                        report(step, -1, errno, NULL);
                        return;
                }
        }
        r = write(fd, "", 0);
        report(step, r, errno, NULL);
}

static void step_open(const char *step, const char *path, int flags) {
        long r = openat(AT_FDCWD, path, flags | O_CLOEXEC);

        report(step, r, errno, NULL);
        if (r >= 0)
                close((int) r);
}

static void step_socket(const char *step, unsigned long domain, int type) {
        long r = syscall(SYS_socket, domain, (unsigned long) type | SOCK_CLOEXEC, 0UL);
        int e = errno, d = -1;
        socklen_t len = sizeof d;

        if (r >= 0 && getsockopt((int) r, SOL_SOCKET, SO_DOMAIN, &d, &len) < 0)
                d = -1;
        report(step, r, e, r >= 0 && d == AF_PACKET ? "AF_PACKET" : NULL);
        if (r >= 0)
                close((int) r);
}

int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                const char *s = argv[i];
                if (strncmp(s, "write-fd:", 9) == 0)
                        step_write(s, atoi(s + 9));
                else if (strncmp(s, "open-ro:", 8) == 0)
                        step_open(s, s + 8, O_RDONLY);
                else if (strncmp(s, "open-rw:", 8) == 0)
                        step_open(s, s + 8, O_RDWR);
                else if (strcmp(s, "socket-packet-hi") == 0)
                        step_socket(s, 0x100000000UL | AF_PACKET, SOCK_RAW);
                else if (strcmp(s, "socket-inet") == 0)
                        step_socket(s, AF_INET, SOCK_DGRAM);
                else {
                        fprintf(stderr, "unknown step %s\n", s);
                        return 2;
                }
        }
        return 0;
}
