/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seccomp-dump: copies the seccomp filters of a running process out with
 * PTRACE_SECCOMP_GET_FILTER, so that another program's filters (systemd's, for a service it
 * started) can be loaded and tried elsewhere.
 *
 *   seccomp-dump PID OUTDIR
 *
 * Writes OUTDIR/prog0, OUTDIR/prog1, ... as raw struct sock_filter arrays in the order they
 * were installed (the kernel's index 0 is the oldest filter), so that
 * `try-syscall --bpf OUTDIR/prog0 --bpf OUTDIR/prog1 ...` rebuilds the same stack. Prints the
 * number of programs. Needs CAP_SYS_ADMIN and must not run under seccomp itself. The process
 * is stopped only while the filters are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

/* A process cannot have more than this many filters in practice (each costs memory and a
 * run on every syscall); the kernel's own bound is the total instruction count. */
#define DUMP_FILTERS_MAX 64
#define DUMP_INSNS_MAX 4096

static struct sock_filter insns[DUMP_INSNS_MAX];

static int write_file(const char *dir, unsigned i, const struct sock_filter *f, long n) {
        size_t size = (size_t) n * sizeof *f;
        char path[4096];
        int fd;

        if ((size_t) snprintf(path, sizeof path, "%s/prog%u", dir, i) >= sizeof path)
                return -ENAMETOOLONG;
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        if (write(fd, f, size) != (ssize_t) size) {
                close(fd);
                return -EIO;
        }
        return close(fd) < 0 ? -errno : 0;
}

/* Reads filter INDEX (0 = the first installed) into insns[]; the instruction count, 0 past
 * the last filter, or -errno. */
static long read_filter(pid_t pid, unsigned long index) {
        long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *) index, NULL);

        if (n < 0)
                return errno == ENOENT ? 0 : -errno;
        if (n > DUMP_INSNS_MAX)
                return -E2BIG;
        if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *) index, insns) != n)
                return -EIO;
        return n;
}

/* Whether PID runs without seccomp ("Seccomp: 0"); the kernel answers EINVAL for those. */
static bool no_seccomp(pid_t pid) {
        char path[64], line[256];
        bool none = false;
        FILE *f;

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return false;
        while (fgets(line, sizeof line, f))
                if (strncmp(line, "Seccomp:", 8) == 0) {
                        none = atoi(line + 8) == 0;
                        break;
                }
        fclose(f);
        return none;
}

static int dump(pid_t pid, const char *dir, unsigned *ret_n) {
        unsigned i;

        for (i = 0; i < DUMP_FILTERS_MAX; i++) {
                long n = read_filter(pid, i);
                int r;

                if (n == -EINVAL && i == 0 && no_seccomp(pid))
                        break;
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        break;
                r = write_file(dir, i, insns, n);
                if (r < 0)
                        return r;
        }
        *ret_n = i;
        return 0;
}

int main(int argc, char **argv) {
        unsigned n = 0;
        pid_t pid;
        int status, r;

        if (argc != 3 || (pid = (pid_t) atoi(argv[1])) <= 0) {
                fprintf(stderr, "usage: %s PID OUTDIR\n", argv[0]);
                return 2;
        }
        if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0 || ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) < 0 ||
            waitpid(pid, &status, __WALL) != pid) {
                fprintf(stderr, "cannot stop %d: %s\n", pid, strerror(errno));
                return 1;
        }
        r = dump(pid, argv[2], &n);
        (void) ptrace(PTRACE_DETACH, pid, NULL, NULL);
        if (r < 0) {
                fprintf(stderr, "reading the filters of %d: %s\n", pid, strerror(-r));
                return 1;
        }
        printf("%u\n", n);
        return 0;
}
