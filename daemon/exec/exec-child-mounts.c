/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The namespace and mount step of the launch child (exec-child-mounts.h). Like exec-child.c,
 * it runs between clone and execve, possibly in the daemon's address space: raw system calls
 * only (exec-child-syscall.h), nothing written but the stack, every struct filled field by
 * field (an initializer could become a call to memset). Phase-one copies are held in a stack
 * array of MOUNT_PLAN_CLONES_MAX fds, each closed right after its op, all closed on failure.
 */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "exec/exec-child-mounts.h"
#include "exec/exec-child-syscall.h"
#include "macro.h"

assert_cc(MOUNT_PLAN_ATTR_RDONLY == MOUNT_ATTR_RDONLY);
assert_cc(MOUNT_PLAN_ATTR_NOSUID == MOUNT_ATTR_NOSUID);
assert_cc(MOUNT_PLAN_ATTR_NODEV == MOUNT_ATTR_NODEV);
assert_cc(MOUNT_PLAN_ATTR_NOEXEC == MOUNT_ATTR_NOEXEC);

/* The mount flags of mount(2) for MOUNT_PLAN_ATTR_* bits. */
static unsigned long child_ms_flags(uint64_t attr) {
        return ((attr & MOUNT_PLAN_ATTR_RDONLY) ? MS_RDONLY : 0) |
               ((attr & MOUNT_PLAN_ATTR_NOSUID) ? MS_NOSUID : 0) |
               ((attr & MOUNT_PLAN_ATTR_NODEV) ? MS_NODEV : 0) |
               ((attr & MOUNT_PLAN_ATTR_NOEXEC) ? MS_NOEXEC : 0);
}

/* An op whose source or target is missing is skipped when it says so. */
static bool child_op_skips(const MountOp *op, long r) {
        return r == -ENOENT && (op->flags & MOUNT_OP_IGNORE_MISSING);
}

static long child_setattr(int dfd, const char *path, unsigned flags, uint64_t set, uint64_t clr) {
        struct mount_attr attr;

        /* Field by field: an initializer could become a call to memset. */
        attr.attr_set = set;
        attr.attr_clr = clr;
        attr.propagation = 0;
        attr.userns_fd = 0;
        return SYS5(SYS_mount_setattr, dfd, path, flags, &attr, sizeof(attr));
}

/* statx of PATH (or of the fd DFD with an empty path): the type, and whether it is the root
 * of a mount. */
static long child_stat(int dfd, const char *path, unsigned *ret_mode, bool *ret_mount_root) {
        static const char empty[] = "";
        struct statx stx;
        long r = SYS5(SYS_statx, dfd, path ? path : empty, path ? 0 : AT_EMPTY_PATH,
                      STATX_TYPE, &stx);
        if (r < 0)
                return r;
        *ret_mode = stx.stx_mode;
        *ret_mount_root = (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
                          (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        return 0;
}

static long child_attach(int fd, const char *target) {
        static const char empty[] = "";
        return SYS5(SYS_move_mount, fd, empty, AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
}

/* A missing bind target, made like the copy that goes there: a directory, or an empty file.
 * Only the last component: its parent must exist. */
static long child_make_target(const MountOp *op, int fd) {
        unsigned mode;
        bool mount_root;
        long r = child_stat(AT_FDCWD, op->target, &mode, &mount_root);

        if (r != -ENOENT)
                return r < 0 ? r : 0;
        if ((r = child_stat(fd, NULL, &mode, &mount_root)) < 0)
                return r;
        if (S_ISDIR(mode))
                r = SYS3(SYS_mkdirat, AT_FDCWD, op->target, 0755);
        else {
                r = SYS4(SYS_openat, AT_FDCWD, op->target,
                         O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
                if (r >= 0)
                        (void) SYS1(SYS_close, r);
        }
        return r == -EEXIST ? 0 : r < 0 ? r : 0;
}

static long child_bind(const MountOp *op, int fd) {
        long r;

        if ((op->flags & MOUNT_OP_CREATE_TARGET) && !(op->flags & MOUNT_OP_EARLY) &&
            (r = child_make_target(op, fd)) < 0)
                return r;
        /* On the detached copy: the mount never exists with other flags. */
        if (op->attr_set != 0 &&
            (r = child_setattr(fd, "", AT_EMPTY_PATH | ((op->flags & MOUNT_OP_RECURSIVE) ? AT_RECURSIVE : 0),
                               op->attr_set, 0)) < 0)
                return r;
        return child_attach(fd, op->target);
}

/* A directory gets an empty read-only tmpfs of mode 0000, anything else the inaccessible
 * file node's copy, read-only and without suid, devices or exec. */
static long child_inaccessible(const MountOp *op, int fd) {
        static const char tmpfs[] = "tmpfs", data[] = "mode=0000";
        const uint64_t all = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        unsigned mode;
        bool mount_root;
        long r = child_stat(AT_FDCWD, op->target, &mode, &mount_root);

        if (r < 0)
                return r;
        if (S_ISDIR(mode))
                return SYS5(SYS_mount, tmpfs, op->target, tmpfs, child_ms_flags(all), data);
        if ((r = child_setattr(fd, "", AT_EMPTY_PATH, all, 0)) < 0)
                return r;
        return child_attach(fd, op->target);
}

/* mount_setattr() wants the root of a mount: a path that is not one is first bound onto
 * itself, as it is now, with everything below it. */
static long child_attr(const MountOp *op) {
        unsigned mode;
        bool mount_root;
        long r = child_stat(AT_FDCWD, op->target, &mode, &mount_root);

        if (r < 0)
                return r;
        if (!mount_root) {
                long fd = SYS3(SYS_open_tree, AT_FDCWD, op->target,
                               OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
                if (fd < 0)
                        return fd;
                r = child_attach((int) fd, op->target);
                (void) SYS1(SYS_close, fd);
                if (r < 0)
                        return r;
        }
        return child_setattr(AT_FDCWD, op->target, (op->flags & MOUNT_OP_RECURSIVE) ? AT_RECURSIVE : 0,
                             op->attr_set, op->attr_clr);
}

static long child_new_fs(const MountOp *op) {
        static const char tmpfs[] = "tmpfs", proc[] = "proc", devpts[] = "devpts";
        const char *type = op->kind == MOUNT_OP_TMPFS ? tmpfs : op->kind == MOUNT_OP_PROC ? proc : devpts;

        return SYS5(SYS_mount, type, op->target, type, child_ms_flags(op->attr_set), op->data);
}

static long child_mkfile(const MountOp *op) {
        long r = SYS4(SYS_openat, AT_FDCWD, op->target,
                      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, op->mode);
        if (r >= 0)
                (void) SYS1(SYS_close, r);
        return r == -EEXIST ? 0 : r < 0 ? r : 0;
}

/* One op of phase two. FD is its phase-one copy (or -1). */
static long child_mount_op(const MountOp *op, int fd) {
        long r;

        switch (op->kind) {
        case MOUNT_OP_BIND:
                return child_bind(op, fd);
        case MOUNT_OP_INACCESSIBLE:
                return child_inaccessible(op, fd);
        case MOUNT_OP_ATTR:
                return child_attr(op);
        case MOUNT_OP_TMPFS:
        case MOUNT_OP_PROC:
        case MOUNT_OP_DEVPTS:
                return child_new_fs(op);
        case MOUNT_OP_MKDIR:
                r = SYS3(SYS_mkdirat, AT_FDCWD, op->target, op->mode);
                return r == -EEXIST ? 0 : r;
        case MOUNT_OP_MKFILE:
                return child_mkfile(op);
        case MOUNT_OP_SYMLINK:
                r = SYS3(SYS_symlinkat, op->source, AT_FDCWD, op->target);
                return r == -EEXIST ? 0 : r;
        default:
                return -EINVAL;
        }
}

/* Phase one: a detached copy of every source, before anything changed. A missing source that
 * may be missing leaves -ENOENT in its slot. */
static long child_clone_sources(const MountPlan *m, int *fds) {
        size_t k = 0;

        for (size_t i = 0; i < m->n_ops; i++) {
                const MountOp *op = &m->ops[i];
                if (!(op->flags & MOUNT_OP_CLONE_SOURCE))
                        continue;
                unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                 ((op->flags & MOUNT_OP_RECURSIVE) ? AT_RECURSIVE : 0);
                long fd = SYS3(SYS_open_tree, AT_FDCWD, op->source, flags);
                if (fd < 0 && !child_op_skips(op, fd))
                        return fd;
                fds[k++] = (int) fd;
        }
        return 0;
}

static void child_close_clones(int *fds, size_t n) {
        for (size_t k = 0; k < n; k++)
                if (fds[k] >= 0) {
                        (void) SYS1(SYS_close, fds[k]);
                        fds[k] = -EBADF;
                }
}

/* The missing targets of binds that lie on a host filesystem: made before any op can make
 * that filesystem read-only. */
static long child_make_early_targets(const MountPlan *m, const int *fds) {
        size_t k = 0;
        long r;

        for (size_t i = 0; i < m->n_ops; i++) {
                const MountOp *op = &m->ops[i];
                if (!(op->flags & MOUNT_OP_CLONE_SOURCE))
                        continue;
                int fd = fds[k++];
                if (op->kind == MOUNT_OP_BIND && (op->flags & MOUNT_OP_EARLY) &&
                    (op->flags & MOUNT_OP_CREATE_TARGET) && fd >= 0 &&
                    (r = child_make_target(op, fd)) < 0 && !child_op_skips(op, r))
                        return r;
        }
        return 0;
}

/* The root becomes "/": moved over the old root, which is left behind chroot. */
static long child_switch_root(const char *root) {
        static const char dot[] = ".", slash[] = "/";
        long r;

        if ((r = SYS1(SYS_chdir, root)) < 0 ||
            (r = SYS5(SYS_mount, root, slash, 0, MS_MOVE, 0)) < 0 ||
            (r = SYS1(SYS_chroot, dot)) < 0)
                return r;
        return SYS1(SYS_chdir, slash);
}

/* Phases one and two and the root switch. Every copy is closed before this returns, on
 * success or failure: none may reach the service. */
static long child_run_mounts(const MountPlan *m) {
        int fds[MOUNT_PLAN_CLONES_MAX];
        size_t k = 0, n = m->n_clones;
        long r;

        for (size_t i = 0; i < n; i++)
                fds[i] = -EBADF;
        r = child_clone_sources(m, fds);
        if (r >= 0)
                r = child_make_early_targets(m, fds);
        for (size_t i = 0; r >= 0 && i < m->n_ops; i++) {
                const MountOp *op = &m->ops[i];
                int fd = -EBADF;

                if (op->flags & MOUNT_OP_CLONE_SOURCE) {
                        fd = fds[k++];
                        if (fd < 0) /* a missing source that may be missing */
                                continue;
                }
                r = child_mount_op(op, fd);
                if (child_op_skips(op, r))
                        r = 0;
                if (fd >= 0) {
                        (void) SYS1(SYS_close, fd);
                        fds[k - 1] = -EBADF;
                }
        }
        child_close_clones(fds, n);
        if (r >= 0 && m->root)
                r = child_switch_root(m->root);
        return r < 0 ? r : 0;
}

/* "lo" up in a new network namespace: a datagram socket for the ioctls, closed at once. */
static long child_loopback_up(void) {
        struct ifreq ifr;
        long fd, r;

        ifr.ifr_name[0] = 'l';
        ifr.ifr_name[1] = 'o';
        ifr.ifr_name[2] = '\0';
        fd = SYS3(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return fd;
        r = SYS3(SYS_ioctl, fd, SIOCGIFFLAGS, &ifr);
        if (r >= 0) {
                ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
                r = SYS3(SYS_ioctl, fd, SIOCSIFFLAGS, &ifr);
        }
        (void) SYS1(SYS_close, fd);
        return r < 0 ? r : 0;
}

/* The new namespaces, host mounts made slaves (theirs still come in, ours never go out),
 * "lo" up, then the mount ops. Returns the failed stage (or -1), errno in *ret_error. */
ExecStage exec_child_setup_namespaces(const MountPlan *m, int *ret_error) {
        long r;

        if (!m || m->unshare_flags == 0)
                return _EXEC_STAGE_INVALID;
        if ((r = SYS1(SYS_unshare, m->unshare_flags)) < 0)
                return *ret_error = child_errno(r), EXEC_STAGE_NAMESPACE;
        if ((m->unshare_flags & CLONE_NEWNS) &&
            (r = SYS5(SYS_mount, 0, "/", 0, MS_REC | MS_SLAVE, 0)) < 0)
                return *ret_error = child_errno(r), EXEC_STAGE_NAMESPACE;
        if (m->loopback_up && (r = child_loopback_up()) < 0)
                return *ret_error = child_errno(r), EXEC_STAGE_NETWORK;
        if (m->n_ops > 0 && (r = child_run_mounts(m)) < 0)
                return *ret_error = child_errno(r), EXEC_STAGE_MOUNTS;
        return _EXEC_STAGE_INVALID;
}
