/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl verify --root DIR: copies the units search path of DIR, resolved inside DIR,
 * into a private directory for the loader, and maps the copies' paths back afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "strv.h"
#include "unit-dropin.h"
#include "unit-name.h"
#include "verify-root.h"

/* A copy that failed to resolve (a dangling symlink in the tree) is staged as a symlink to
 * this name, which never exists in the staging directory: the loader then reports the file
 * as missing, under its real name. */
#define STAGE_DANGLING ".dangling"

static bool same_inode(int a, int b) {
        struct stat sa, sb;
        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
               sa.st_ino == sb.st_ino;
}

/* Without openat2 (an old kernel, a seccomp profile that refuses it, valgrind): the same
 * resolution one component at a time. Each component is opened with O_NOFOLLOW; a symlink's
 * target is resolved again from the root (absolute) or from where it is (relative), and ".."
 * at the root stays there. The last component is opened with O_NOFOLLOW too, so a symlink
 * swapped in after the check fails instead of being followed. */
static int open_in_root_walk(int root_fd, const char *path, int flags) {
        _cleanup_free_ char *todo = strdup(path);
        _cleanup_close_ int cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        unsigned links = 0;

        if (!todo)
                return -ENOMEM;
        if (cur < 0)
                return -errno;
        for (char *p = todo;;) {
                while (*p == '/')
                        p++;
                if (!*p) {
                        int fd = openat(cur, ".", flags | O_CLOEXEC);
                        return fd < 0 ? -errno : fd;
                }
                char *slash = strchr(p, '/');
                if (slash)
                        *slash = '\0';
                const char *rest = slash ? slash + 1 : "";
                int fd;
                struct stat st;

                if (streq(p, ".") || (streq(p, "..") && same_inode(cur, root_fd))) {
                        p = slash ? slash + 1 : p + strlen(p);
                        continue;
                }
                fd = openat(cur, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                if (fstat(fd, &st) < 0) {
                        int e = -errno;
                        close(fd);
                        return e;
                }
                if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
                        char *next = NULL;

                        close(fd);
                        if (n < 0)
                                return -errno;
                        if (++links > 40)
                                return -ELOOP;
                        target[n] = '\0';
                        if (asprintf(&next, "%s%s%s", target, *rest ? "/" : "", rest) < 0)
                                return -ENOMEM;
                        if (target[0] == '/') {
                                safe_close(cur);
                                cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
                                if (cur < 0) {
                                        free(next);
                                        return -errno;
                                }
                        }
                        free(todo);
                        p = todo = next;
                        continue;
                }
                if (*rest || (slash && !S_ISDIR(st.st_mode))) {
                        if (!S_ISDIR(st.st_mode)) {
                                close(fd);
                                return -ENOTDIR;
                        }
                        safe_close(cur);
                        cur = fd;
                        p = (char *) rest;
                        continue;
                }
                close(fd);
                fd = openat(cur, p, flags | O_NOFOLLOW | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
}

/* PATH resolved with ROOT_FD as "/": absolute symlinks and ".." stay inside the tree. */
static int open_in_root(int root_fd, const char *path, int flags) {
        struct open_how how = {
                .flags = (unsigned) flags | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        long fd;

        while (*path == '/')
                path++;
        fd = syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof how);
        if (fd < 0 && (errno == ENOSYS || errno == EPERM))
                return open_in_root_walk(root_fd, path, flags);
        return fd < 0 ? -errno : (int) fd;
}

int verify_root_open_file(const VerifyRoot *r, const char *path) {
        return open_in_root(r->root_fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
}

int verify_root_path_exists(const char *path, void *userdata) {
        const VerifyRoot *r = userdata;
        int fd = open_in_root(r->root_fd, path, O_PATH);

        if (fd >= 0) {
                close(fd);
                return 1;
        }
        return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
}

/* "DIR" + "/etc/syscage/units" (+ "/" + NAME): the path shown to the user. */
static char *shown_path(const VerifyRoot *r, const char *dir, const char *name) {
        char *s = NULL;
        const char *root = streq(r->root, "/") ? "" : r->root;

        if (asprintf(&s, "%s%s%s%s", root, dir, name ? "/" : "", name ?: "") < 0)
                return NULL;
        return s;
}

static int copy_fd(int in, int out_dir, const char *name) {
        _cleanup_close_ int out = openat(out_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        char buf[65536];
        size_t total = 0;

        if (out < 0)
                return -errno;
        while (total < VERIFY_ROOT_FILE_MAX) {
                ssize_t k = read(in, buf, MIN(sizeof buf, VERIFY_ROOT_FILE_MAX - total));
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                if (write(out, buf, (size_t) k) != k)
                        return -EIO;
                total += (size_t) k;
        }
        return 0;
}

/* Stages one file of the tree: PARENT_FD/NAME (for reading a masking symlink's target),
 * PATH (the same, from the tree's root), as OUT_DIR/NAME. */
static int stage_file(VerifyRoot *r, int parent_fd, const char *name, const char *path,
                      int out_dir, DiagList *diags) {
        _cleanup_close_ int fd = -EBADF;
        char target[16];
        struct stat st = {};
        ssize_t n;
        int k;

        if (++r->n_entries > VERIFY_ROOT_ENTRIES_MAX) {
                _cleanup_free_ char *shown = shown_path(r, path, NULL);
                (void) diag_add_code(diags, DIAG_CODE_LIMIT, DIAG_ERROR, shown, 0, NULL,
                                     "More than %u unit files and drop-ins under the root",
                                     VERIFY_ROOT_ENTRIES_MAX);
                return -E2BIG;
        }
        /* A symlink to /dev/null masks, whether or not the tree has a /dev/null. */
        n = readlinkat(parent_fd, name, target, sizeof target);
        if (n == (ssize_t) strlen("/dev/null") && memcmp(target, "/dev/null", (size_t) n) == 0)
                return symlinkat("/dev/null", out_dir, name) < 0 ? -errno : 0;
        fd = open_in_root(r->root_fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
        if (fd == -ENOENT || fd == -ELOOP || fd == -ENOTDIR)
                return symlinkat(STAGE_DANGLING, out_dir, name) < 0 ? -errno : 0;
        k = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
        if (k == 0 && S_ISREG(st.st_mode))
                k = copy_fd(fd, out_dir, name);
        if (k < 0) {
                /* Left out: the loader does not see it, this diagnostic says why. */
                _cleanup_free_ char *shown = shown_path(r, path, NULL);
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, shown, 0, NULL,
                                     "Failed to read: %s", strerror(-k));
                (void) unlinkat(out_dir, name, 0);
                return 0;
        }
        if (unit_stat_is_null_device(&st))
                return symlinkat("/dev/null", out_dir, name) < 0 ? -errno : 0;
        if (!S_ISREG(st.st_mode))
                /* The loader says "Not a regular file", as it would in the tree. */
                return mkdirat(out_dir, name, 0700) < 0 ? -errno : 0;
        return 0;
}

static bool is_dropin_dir_name(const char *name) {
        size_t l = strlen(name);
        _cleanup_free_ char *unit = NULL;

        if (l < 3 || !streq(name + l - 2, ".d"))
                return false;
        unit = strndup(name, l - 2);
        return unit && unit_name_is_valid(unit, UNIT_NAME_ANY);
}

static bool is_conf_name(const char *name) {
        size_t l = strlen(name);
        return l > 5 && streq(name + l - 5, ".conf");
}

/* Stages the entries of the tree's directory PATH that the loader may read: unit files and
 * NAME.d/ directories (DEPTH 0), or the *.conf files of one NAME.d/ (DEPTH 1). */
static int stage_dir(VerifyRoot *r, const char *path, int out_dir, unsigned depth,
                     DiagList *diags) {
        _cleanup_close_ int fd = open_in_root(r->root_fd, path, O_RDONLY | O_DIRECTORY);
        DIR *d;
        int ret = 0;

        if (fd == -ENOENT || fd == -ENOTDIR)
                return 0; /* as for the host's search path: a missing directory is empty */
        if (fd < 0) {
                _cleanup_free_ char *shown = shown_path(r, path, NULL);
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, shown, 0, NULL,
                                     "Failed to open directory: %s", strerror(-fd));
                return 0;
        }
        int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dup_fd < 0)
                return -errno;
        d = fdopendir(dup_fd);
        if (!d) {
                ret = -errno;
                close(dup_fd);
                return ret;
        }
        for (struct dirent *de; ret >= 0 && (de = readdir(d));) {
                _cleanup_free_ char *child = NULL;

                if (de->d_name[0] == '.')
                        continue; /* ".", "..", and hidden files, which the loader skips too */
                if (asprintf(&child, "%s/%s", path, de->d_name) < 0) {
                        ret = -ENOMEM;
                        break;
                }
                if (depth == 0 && is_dropin_dir_name(de->d_name)) {
                        _cleanup_close_ int sub = -EBADF;
                        if (mkdirat(out_dir, de->d_name, 0700) < 0 ||
                            (sub = openat(out_dir, de->d_name, O_RDONLY | O_DIRECTORY |
                                          O_NOFOLLOW | O_CLOEXEC)) < 0)
                                ret = -errno;
                        else
                                ret = stage_dir(r, child, sub, 1, diags);
                } else if (depth == 0 ? unit_name_is_valid(de->d_name, UNIT_NAME_ANY)
                                      : is_conf_name(de->d_name))
                        ret = stage_file(r, fd, de->d_name, child, out_dir, diags);
        }
        closedir(d);
        return ret;
}

/* Removes what stage_dir() made below DIR_FD/NAME: at most two levels, never following a
 * symlink (the staged masking symlinks are unlinked, not entered). */
static void remove_staged(int dir_fd, const char *name, unsigned depth) {
        int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *d;

        if (fd < 0) {
                (void) unlinkat(dir_fd, name, 0);
                return;
        }
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return;
        }
        for (struct dirent *de; (de = readdir(d));)
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") && depth < 3)
                        remove_staged(dirfd(d), de->d_name, depth + 1);
        closedir(d);
        (void) unlinkat(dir_fd, name, AT_REMOVEDIR);
}

VerifyRoot *verify_root_free(VerifyRoot *r) {
        if (!r)
                return NULL;
        if (r->stage)
                remove_staged(AT_FDCWD, r->stage, 0);
        safe_close(r->root_fd);
        free(r->root);
        free(r->stage);
        strv_free(r->dirs);
        strv_free(r->staged);
        free(r);
        return NULL;
}

static int verify_root_new(const char *root, VerifyRoot **ret) {
        _cleanup_(verify_root_freep) VerifyRoot *r = calloc(1, sizeof *r);
        const char *tmp = getenv("TMPDIR");
        size_t l = strlen(root);

        if (!r)
                return -ENOMEM;
        r->root_fd = -EBADF;
        while (l > 1 && root[l - 1] == '/')
                l--;
        if (!(r->root = strndup(root, l)) ||
            asprintf(&r->stage, "%s/syscagectl-verify-XXXXXX", isempty(tmp) ? "/tmp" : tmp) < 0) {
                r->stage = NULL;
                return -ENOMEM;
        }
        if (!mkdtemp(r->stage)) {
                int e = -errno;
                free(r->stage);
                r->stage = NULL;
                return e;
        }
        r->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->root_fd < 0)
                return -errno;
        *ret = TAKE_PTR(r);
        return 0;
}

int verify_root_open(const char *root, char * const *search_path, DiagList *diags,
                     VerifyRoot **ret) {
        _cleanup_(verify_root_freep) VerifyRoot *r = NULL;
        int fd, k = verify_root_new(root, &r);
        size_t i = 0;

        if (k < 0)
                return k;
        fd = open_in_root(r->root_fd, ".", O_PATH);
        if (fd < 0)
                return fd;
        close(fd);
        STRV_FOREACH(p, search_path) {
                _cleanup_close_ int out = -EBADF;
                char *staged = NULL;

                if (asprintf(&staged, "%s/%zu", r->stage, i++) < 0 ||
                    strv_consume(&r->staged, staged) < 0 || strv_extend(&r->dirs, *p) < 0)
                        return -ENOMEM;
                if (mkdir(staged, 0700) < 0 ||
                    (out = open(staged, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                        return -errno;
                k = stage_dir(r, *p, out, 0, diags);
                if (k < 0)
                        return k;
        }
        *ret = TAKE_PTR(r);
        return 0;
}

/* Replaces each FROM (followed by '/' or the end) in *S with TO. */
static int replace_prefixes(char **s, const char *from, const char *to) {
        size_t lf = strlen(from), lt = strlen(to);

        for (char *p = strstr(*s, from); p; p = strstr(p, from)) {
                if (p[lf] != '/' && p[lf] != '\0') {
                        p += lf;
                        continue;
                }
                size_t off = (size_t) (p - *s), rest = strlen(p + lf);
                char *n = malloc(off + lt + rest + 1);
                if (!n)
                        return -ENOMEM;
                memcpy(n, *s, off);
                memcpy(n + off, to, lt);
                memcpy(n + off + lt, p + lf, rest + 1);
                free(*s);
                *s = n;
                p = n + off + lt;
        }
        return 0;
}

int verify_root_unstage(const VerifyRoot *r, char **s) {
        if (!*s)
                return 0;
        for (size_t i = 0; r->staged && r->staged[i]; i++) {
                _cleanup_free_ char *to = shown_path(r, r->dirs[i], NULL);
                if (!to || replace_prefixes(s, r->staged[i], to) < 0)
                        return -ENOMEM;
        }
        return 0;
}
