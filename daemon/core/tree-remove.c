/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Removing a tree in a child process, without following links or crossing mounts. See
 * tree-remove.h.
 *
 * Everything from tree_remove_now() down runs in the forked child: system calls on stack
 * buffers only (the daemon is single-threaded, so the child inherits no lock held by another
 * thread, but it must still not allocate: the parent's heap is not its to grow).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/tree-remove.h"
#include "sys/log.h"
#include "sys/process-util.h"

/* Bytes of directory entries read at once, per level (on the child's stack). */
#define TREE_REMOVE_DENTS_BUFFER 2048u

struct dirent64_raw {
        uint64_t d_ino;
        int64_t d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
};

static unsigned remove_entry(int dfd, const char *name, unsigned char type, dev_t dev, unsigned depth);

/* One pass over the entries of FD. *RET_REMOVED tells whether anything went (the listing then
 * changed under the reader, so the caller reads again). */
static unsigned remove_pass(int fd, dev_t dev, unsigned depth, bool *ret_removed) {
        _Alignas(struct dirent64_raw) char buf[TREE_REMOVE_DENTS_BUFFER];
        unsigned left = 0;

        *ret_removed = false;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return TREE_REMOVE_LEFT_ERRORS;
        for (;;) {
                long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
                if (n < 0)
                        return left | TREE_REMOVE_LEFT_ERRORS;
                if (n == 0)
                        return left;
                for (long off = 0; off < n;) {
                        const struct dirent64_raw *de = (const struct dirent64_raw *) (buf + off);
                        off += de->d_reclen;
                        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                                continue;
                        unsigned r = remove_entry(fd, de->d_name, de->d_type, dev, depth);
                        left |= r;
                        if (r == 0)
                                *ret_removed = true;
                }
        }
}

static unsigned remove_children(int fd, dev_t dev, unsigned depth) {
        unsigned left = TREE_REMOVE_LEFT_ERRORS;
        bool removed = true;
        /* Removing while reading may make the reader skip entries: read again until a pass
         * removes nothing. What the last pass saw and left is what stays. */
        for (unsigned pass = 0; removed && pass < TREE_REMOVE_PASSES_MAX; pass++)
                left = remove_pass(fd, dev, depth, &removed);
        return left;
}

static bool same_mount(int fd, dev_t dev) {
        struct statx sx;
        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) < 0)
                return false;
        if (makedev(sx.stx_dev_major, sx.stx_dev_minor) != dev)
                return false;
        return !((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT));
}

static unsigned unlink_left(int dfd, const char *name, int flags) {
        return unlinkat(dfd, name, flags) < 0 && errno != ENOENT ? TREE_REMOVE_LEFT_ERRORS : 0;
}

static unsigned remove_entry(int dfd, const char *name, unsigned char type, dev_t dev, unsigned depth) {
        if (type != DT_DIR && type != DT_UNKNOWN)
                return unlink_left(dfd, name, 0);
        /* O_NOFOLLOW: a link is never opened, only removed as a link below. */
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                if (errno == ENOENT)
                        return 0;
                if (errno == ENOTDIR || errno == ELOOP)
                        return unlink_left(dfd, name, 0);
                return TREE_REMOVE_LEFT_ERRORS;
        }
        unsigned left;
        if (!same_mount(fd, dev))
                left = TREE_REMOVE_LEFT_MOUNTS;
        else if (depth >= TREE_REMOVE_DEPTH_MAX)
                left = TREE_REMOVE_LEFT_DEEP;
        else
                left = remove_children(fd, dev, depth + 1);
        close(fd);
        if (left)
                return left;
        /* If the name is no longer that directory (a link now), AT_REMOVEDIR fails: fine. */
        return unlink_left(dfd, name, AT_REMOVEDIR);
}

unsigned tree_remove_now(const char *path) {
        char parent[PATH_MAX];
        size_t n = strlen(path);

        if (n == 0 || n >= sizeof parent || path[0] != '/')
                return TREE_REMOVE_LEFT_ERRORS;
        memcpy(parent, path, n + 1);
        char *slash = strrchr(parent, '/');
        const char *base = path + (slash - parent) + 1;
        if (*base == '\0' || streq(base, ".") || streq(base, ".."))
                return TREE_REMOVE_LEFT_ERRORS;
        if (slash == parent)
                slash[1] = '\0';
        else
                *slash = '\0';
        int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd < 0)
                return errno == ENOENT ? 0 : TREE_REMOVE_LEFT_ERRORS;
        /* The top's own device is the one the walk stays on. */
        struct stat st;
        unsigned left;
        if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
                left = errno == ENOENT ? 0 : TREE_REMOVE_LEFT_ERRORS;
        else
                left = remove_entry(pfd, base, S_ISDIR(st.st_mode) ? DT_UNKNOWN : DT_REG, st.st_dev, 0);
        close(pfd);
        return left;
}

/* ---- in the daemon ---- */

typedef struct TreeRemoveJob {
        TreeRemover *owner;
        pid_t pid;
        int pidfd;
        sd_event_source *source;
        char *path;
} TreeRemoveJob;

struct TreeRemover {
        sd_event *event;
        Reaper *reaper;
        TreeRemoveJob **jobs;
        size_t n, allocated;
};

int tree_remover_new(sd_event *e, Reaper *reaper, TreeRemover **ret) {
        TreeRemover *t = calloc(1, sizeof(TreeRemover));
        if (!t)
                return -ENOMEM;
        t->event = e;
        t->reaper = reaper;
        *ret = t;
        return 0;
}

static void job_free(TreeRemoveJob *j) {
        sd_event_source_disable_unref(j->source);
        safe_close(j->pidfd);
        free(j->path);
        free(j);
}

static void job_remove(TreeRemover *t, TreeRemoveJob *j) {
        for (size_t i = 0; i < t->n; i++)
                if (t->jobs[i] == j) {
                        t->jobs[i] = t->jobs[--t->n];
                        break;
                }
        job_free(j);
}

TreeRemover *tree_remover_free(TreeRemover *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n; i++) {
                if (t->reaper)
                        (void) reaper_untrack(t->reaper, t->jobs[i]->pid);
                job_free(t->jobs[i]);
        }
        free(t->jobs);
        free(t);
        return NULL;
}

size_t tree_remover_n_running(const TreeRemover *t) {
        return t ? t->n : 0;
}

static int on_job_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        TreeRemoveJob *j = userdata;
        TreeRemover *t = j->owner;
        siginfo_t si = {};

        int r = process_reap(j->pidfd, &si);
        if (r == 0)
                return 0;
        if (t->reaper)
                (void) reaper_untrack(t->reaper, j->pid);
        if (r < 0)
                log_debug_errno(r, "Failed to reap the removal of %s: %m", j->path);
        else if (si.si_code != CLD_EXITED || si.si_status != 0)
                log_warning("Could not remove all of %s (%s%s%s%s), leaving the rest.", j->path,
                            si.si_code != CLD_EXITED ? "killed" : "",
                            si.si_code == CLD_EXITED && (si.si_status & TREE_REMOVE_LEFT_MOUNTS) ? " mount points" : "",
                            si.si_code == CLD_EXITED && (si.si_status & TREE_REMOVE_LEFT_DEEP) ? " too deep" : "",
                            si.si_code == CLD_EXITED && (si.si_status & TREE_REMOVE_LEFT_ERRORS) ? " errors" : "");
        else
                log_debug("Removed %s.", j->path);
        job_remove(t, j);
        return 0;
}

void tree_remover_start(TreeRemover *t, const char *path) {
        _cleanup_free_ char *copy = NULL;
        TreeRemoveJob *j = NULL;
        int r;

        if (t->n >= TREE_REMOVE_JOBS_MAX) {
                log_warning("Too many removals running (%u), leaving %s.", TREE_REMOVE_JOBS_MAX, path);
                return;
        }
        if (GREEDY_REALLOC(t->jobs, t->allocated, t->n + 1) < 0 || !(copy = strdup(path)) ||
            !(j = calloc(1, sizeof(TreeRemoveJob)))) {
                log_oom();
                return;
        }
        j->pidfd = -EBADF;
        pid_t pid = fork();
        if (pid < 0) {
                log_warning_errno(errno, "Failed to fork to remove %s, leaving it: %m", path);
                free(j);
                return;
        }
        if (pid == 0) {
                /* The daemon's fds are not the child's to hold: a copy of a service's output
                 * pipe, say, would keep the daemon from seeing its end. */
                (void) syscall(SYS_close_range, 3U, ~0U, 0U);
                _exit((int) tree_remove_now(copy));
        }
        /* Tracked before we return to the loop: the reaper never takes its status. */
        if (t->reaper)
                (void) reaper_track(t->reaper, pid);
        j->owner = t;
        j->pid = pid;
        j->path = TAKE_PTR(copy);
        r = process_pidfd_open(pid, &j->pidfd);
        if (r >= 0)
                r = sd_event_add_io(t->event, &j->source, j->pidfd, EPOLLIN, on_job_exit, j);
        if (r < 0) {
                /* Without a pidfd we cannot wait for it: the reaper collects it. */
                log_warning_errno(r, "Failed to watch the removal of %s, ignoring: %m", j->path);
                if (t->reaper)
                        (void) reaper_untrack(t->reaper, pid);
                job_free(j);
                return;
        }
        t->jobs[t->n++] = j;
}
