/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pidfd system call wrappers. glibc 2.36 has some of them, but not every libc we may meet does,
 * so call the kernel directly. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "sys/fileio.h"
#include "sys/process-util.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5 */
#endif

/* Restarts of process_is_descendant() when the chain changes under it. */
#define PROCESS_ANCESTRY_RETRIES 4u
/* /proc/PID/stat is one line: comm is at most 64 bytes, the rest numbers. */
#define PROCESS_STAT_MAX 4096u

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

int process_peer_pidfd(int sockfd, pid_t peer_pid, int *ret_pidfd) {
        int fd = -EBADF;
        socklen_t len = sizeof(fd);

        if (getsockopt(sockfd, SOL_SOCKET, SO_PEERPIDFD, &fd, &len) >= 0 && fd >= 0) {
                *ret_pidfd = fd; /* O_CLOEXEC, as every pidfd */
                return 0;
        }
        /* ENOPROTOOPT: an older kernel. ESRCH: the peer is gone already. */
        if (errno == ESRCH)
                return -ESRCH;
        return process_pidfd_open(peer_pid, ret_pidfd);
}

int process_pidfd_is_alive(int pidfd) {
        int r = process_pidfd_signal(pidfd, 0);

        if (r == -ESRCH)
                return 0;
        if (r == -EPERM)
                return 1; /* it exists, we may just not signal it */
        return r < 0 ? r : 1;
}

/* /proc/PID/stat, and where its fields after COMM (field 3, the state) begin: COMM may hold
 * anything, ")" too; it ends at the last ")". */
static int proc_stat_fields(pid_t pid, char **ret_text, const char **ret_fields) {
        _cleanup_free_ char *text = NULL;
        char path[64];
        int r;

        if (pid <= 0)
                return -EINVAL;
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        r = read_virtual_file_at(AT_FDCWD, path, PROCESS_STAT_MAX, &text);
        if (r < 0)
                return r == -ENOENT ? -ESRCH : r;
        const char *p = strrchr(text, ')');
        if (!p)
                return -EBADMSG;
        *ret_fields = p + 1;
        *ret_text = TAKE_PTR(text);
        return 0;
}

int process_get_ppid(pid_t pid, pid_t *ret_ppid) {
        _cleanup_free_ char *text = NULL;
        const char *p;
        char state;
        int ppid, r;

        r = proc_stat_fields(pid, &text, &p);
        if (r < 0)
                return r;
        if (sscanf(p, " %c %d", &state, &ppid) != 2 || ppid < 0)
                return -EBADMSG;
        *ret_ppid = (pid_t) ppid;
        return 0;
}

int process_start_time(pid_t pid, uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        const char *p;
        int r;

        r = proc_stat_fields(pid, &text, &p);
        if (r < 0)
                return r;
        /* From the state (field 3) on to the start time (field 22): 19 fields to skip. */
        for (unsigned field = 3; field < 22; field++) {
                p += strspn(p, " ");
                p += strcspn(p, " ");
                if (!*p)
                        return -EBADMSG;
        }
        unsigned long long v;
        if (sscanf(p, " %llu", &v) != 1)
                return -EBADMSG;
        *ret = v;
        return 0;
}

static int process_walk_up(pid_t pid, pid_t ancestor) {
        pid_t p = pid;

        for (unsigned depth = 0; depth < PROCESS_ANCESTRY_DEPTH_MAX; depth++) {
                pid_t parent;
                int r = process_get_ppid(p, &parent);

                if (r < 0)
                        return r == -ESRCH && p != pid ? -EAGAIN : r;
                if (parent == ancestor)
                        return 1;
                if (parent <= 1)
                        return 0; /* init, or a parent outside our pid namespace */
                p = parent;
        }
        return -ELOOP;
}

int process_is_descendant(pid_t pid, pid_t ancestor) {
        if (pid <= 0 || ancestor <= 0)
                return -EINVAL;
        if (pid == ancestor)
                return 0;
        for (unsigned attempt = 0; attempt < PROCESS_ANCESTRY_RETRIES; attempt++) {
                int r = process_walk_up(pid, ancestor);
                if (r != -EAGAIN)
                        return r;
        }
        return -EAGAIN;
}
