/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small-file helpers for /proc and cgroupfs. See fileio.h. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/fileio.h"

int read_virtual_file_at(int dirfd, const char *path, size_t max, char **ret_text) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, allocated = 0;

        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        for (;;) {
                if (GREEDY_REALLOC(buf, allocated, MIN(n + 4096, max + 1) + 1) < 0)
                        return -ENOMEM;
                ssize_t k = read(fd, buf + n, MIN(allocated - 1, max + 1) - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max)
                        return -EFBIG;
        }
        if (GREEDY_REALLOC(buf, allocated, n + 1) < 0)
                return -ENOMEM;
        buf[n] = '\0';
        *ret_text = TAKE_PTR(buf);
        return 0;
}

int write_string_file_at(int dirfd, const char *path, const char *s) {
        _cleanup_close_ int fd = -EBADF;
        size_t len = strlen(s);
        ssize_t k;

        fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        k = write(fd, s, len);
        if (k < 0)
                return negative_errno();
        if ((size_t) k != len)
                return -EIO;
        return 0;
}

static int mkdir_one(const char *path, mode_t mode) {
        struct stat st;

        if (mkdir(path, mode) >= 0)
                return 0;
        if (errno != EEXIST)
                return negative_errno();
        if (stat(path, &st) < 0)
                return negative_errno();
        return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = NULL;
        int r;

        if (isempty(path))
                return -EINVAL;
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        /* Each parent in turn: cut the string at every '/' after the first character. */
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = '\0';
                r = mkdir_one(p, mode);
                *s = '/';
                if (r < 0)
                        return r;
        }
        return mkdir_one(p, mode);
}
