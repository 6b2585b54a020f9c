/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscage-preload.so: injected by syscaged (LD_PRELOAD) into a service whose unit says
 * MainPhaseStarts=after-loader, or into a service in learn mode. Its constructor runs after
 * the dynamic loader and libc start-up, before main(), and reads SYSCAGE_PHASE
 * (lib/phase-marker.h):
 *
 *   a number  the fd of a memfd holding the compiled main-phase filter (below): load it,
 *             close the fd, then make the marker call;
 *   "mark"    make the marker call only.
 *
 * Before that it removes SYSCAGE_PHASE, and itself from LD_PRELOAD, so that programs the
 * service runs do not inherit either. The marker is a getpid() carrying the two marker words
 * in its ignored argument registers; the daemon's listener receives it and checks that the
 * filter is in force (Seccomp_filters), and kills the service otherwise. When the filter
 * cannot be loaded, the marker is still made (so the daemon reports it at once) and the
 * process then exits with PRELOAD_EXIT_FAILED: it never runs main() unfiltered.
 *
 * The filter's format: a sequence of programs, each a uint32_t count of instructions
 * followed by that many struct sock_filter, loaded in file order.
 *
 * no_new_privs: loading a filter needs it unless the process holds CAP_SYS_ADMIN. The
 * object first tries without it; only on EACCES does it set PR_SET_NO_NEW_PRIVS and try
 * again. So a service that keeps CAP_SYS_ADMIN keeps working setuid programs, and one that
 * does not gets no_new_privs (its setuid children no longer gain privileges).
 *
 * It runs inside arbitrary programs: libc only, no allocation beyond one buffer freed at once,
 * nothing kept after the constructor.
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "phase-marker.h"

#define PRELOAD_NAME "syscage-preload.so"
/* A compiled main filter: a few programs of at most BPF_MAXINSNS instructions each. */
#define PRELOAD_FILTER_MAX (16u * (4u + BPF_MAXINSNS * sizeof(struct sock_filter)))
#define PRELOAD_EXIT_FAILED 127

static void say(const char *msg, int error) {
        fprintf(stderr, "syscage-preload: %s: %s\n", msg, strerror(error));
}

/* Drops every LD_PRELOAD entry that is this object (by file name). */
static void remove_self_from_ld_preload(void) {
        const char *v = getenv("LD_PRELOAD");
        char out[4096];
        size_t n = 0;

        if (!v)
                return;
        if (strlen(v) >= sizeof out) {
                /* Too long to rewrite here: leave it, our constructor is idempotent. */
                return;
        }
        while (*v) {
                size_t len = strcspn(v, ": ");
                const char *slash = memrchr(v, '/', len);
                const char *base = slash ? slash + 1 : v;
                size_t blen = (size_t) (v + len - base);
                if (len > 0 && !(blen == strlen(PRELOAD_NAME) && memcmp(base, PRELOAD_NAME, blen) == 0)) {
                        if (n > 0)
                                out[n++] = ':';
                        memcpy(out + n, v, len);
                        n += len;
                }
                v += len;
                if (*v)
                        v++;
        }
        out[n] = '\0';
        if (n == 0)
                (void) unsetenv("LD_PRELOAD");
        else
                (void) setenv("LD_PRELOAD", out, 1);
}

static void mark(void) {
        (void) syscall(SYS_getpid, SYSCAGE_PHASE_MARK_ARG0, SYSCAGE_PHASE_MARK_ARG1);
}

static int load_one(const struct sock_fprog *prog) {
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
                return 0;
        if (errno != EACCES)
                return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0 ? 0 : -errno;
}

/* Loads every program in BUF. Returns 0 or -errno. */
static int load_programs(const uint8_t *buf, size_t size) {
        size_t off = 0;
        int n = 0;

        while (off < size) {
                uint32_t len;
                if (size - off < sizeof len)
                        return -EBADMSG;
                memcpy(&len, buf + off, sizeof len);
                off += sizeof len;
                if (len == 0 || len > BPF_MAXINSNS || (size - off) / sizeof(struct sock_filter) < len)
                        return -EBADMSG;
                struct sock_fprog prog = {
                        .len = (unsigned short) len,
                        .filter = (struct sock_filter *) (uintptr_t) (buf + off),
                };
                int r = load_one(&prog);
                if (r < 0)
                        return r;
                off += (size_t) len * sizeof(struct sock_filter);
                n++;
        }
        return n > 0 ? 0 : -EBADMSG;
}

/* Reads the filter and closes FD, before anything is loaded: once the main filter is in,
 * close() or free() may be refused (or kill). So the buffer is never freed either: a few
 * kilobytes, once per process. */
static int read_and_close(int fd, uint8_t **ret, size_t *ret_size) {
        struct stat st;
        uint8_t *buf = NULL;
        int r = 0;

        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (st.st_size <= 0 || (uint64_t) st.st_size > PRELOAD_FILTER_MAX)
                r = -EBADMSG;
        else if (!(buf = malloc((size_t) st.st_size)))
                r = -ENOMEM;
        else {
                /* pread: the offset of this open file is not ours to move. */
                ssize_t k = pread(fd, buf, (size_t) st.st_size, 0);
                if (k != st.st_size)
                        r = k < 0 ? -errno : -EIO;
        }
        (void) close(fd);
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = (size_t) st.st_size;
        return 0;
}

__attribute__((constructor)) static void syscage_preload_init(void) {
        const char *v = getenv(SYSCAGE_PHASE_ENV);
        char *end;

        if (!v)
                return;
        if (strcmp(v, "mark") == 0) {
                (void) unsetenv(SYSCAGE_PHASE_ENV);
                remove_self_from_ld_preload();
                mark();
                return;
        }
        errno = 0;
        long fd = strtol(v, &end, 10);
        bool bad = errno != 0 || end == v || *end != '\0' || fd < 3 || fd > INT32_MAX;
        (void) unsetenv(SYSCAGE_PHASE_ENV);
        remove_self_from_ld_preload();
        uint8_t *buf = NULL;
        size_t size = 0;
        int r = bad ? -EBADF : read_and_close((int) fd, &buf, &size);
        if (r >= 0)
                r = load_programs(buf, size);
        mark();
        if (r < 0) {
                say("cannot load the main-phase filter", -r);
                _exit(PRELOAD_EXIT_FAILED);
        }
}
