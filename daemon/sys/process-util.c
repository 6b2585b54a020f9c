/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pidfd system call wrappers. glibc 2.36 has some of them, but not every libc we may meet does,
 * so call the kernel directly. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "sys/process-util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int process_pidfd_open(pid_t pid, int *ret_pidfd) {
        int fd;

        if (pid <= 0)
                return -EINVAL;
        fd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return negative_errno();
        *ret_pidfd = fd;
        return 0;
}

int process_pidfd_signal(int pidfd, int sig) {
        if (pidfd < 0)
                return -EBADF;
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                return negative_errno();
        return 0;
}

int process_reap(int pidfd, siginfo_t *ret) {
        siginfo_t si = {};

        if (pidfd < 0)
                return -EBADF;
        if (waitid((idtype_t) P_PIDFD, (id_t) pidfd, &si, WEXITED | WNOHANG) < 0)
                return negative_errno();
        if (si.si_pid == 0)
                return 0;
        if (ret)
                *ret = si;
        return 1;
}

int process_pidfd_get_pid(int pidfd, pid_t *ret_pid) {
        char path[64], line[256];
        _cleanup_fclose_ FILE *f = NULL;
        long pid;

        if (pidfd < 0)
                return -EBADF;
        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
        f = fopen(path, "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f)) {
                if (sscanf(line, "Pid: %ld", &pid) != 1)
                        continue;
                if (pid == 0 || pid < -1)
                        return -EREMOTE; /* in another pid namespace */
                if (pid == -1)
                        return -ESRCH;
                *ret_pid = (pid_t) pid;
                return 0;
        }
        return -ENOTTY; /* not a pidfd */
}
