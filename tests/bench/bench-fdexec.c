/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-fdexec FILE... -- CMD [ARG...]: opens each FILE read-only on fds 10, 11, ... (kept
 * across exec) and execs CMD. contrib/bench-run.sh uses it to hand bwrap its seccomp
 * programs (--add-seccomp-fd 10 ...) without a shell, and measures it alone too, so its own
 * cost can be told apart.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FDEXEC_FIRST_FD 10
#define FDEXEC_FILES_MAX 16

int main(int argc, char **argv) {
        int i, n = 0;

        for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
                int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
                if (fd < 0 || n >= FDEXEC_FILES_MAX || dup2(fd, FDEXEC_FIRST_FD + n) < 0) {
                        perror(argv[i]);
                        return 127;
                }
                close(fd);
                n++;
        }
        if (i + 1 >= argc) {
                fprintf(stderr, "usage: bench-fdexec FILE... -- CMD [ARG...]\n");
                return 127;
        }
        execv(argv[i + 1], argv + i + 1);
        perror(argv[i + 1]);
        return 127;
}
