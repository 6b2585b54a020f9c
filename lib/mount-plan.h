/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mount plan: a unit's filesystem sandbox as an ordered list of plain operations, computed
 * in the daemon before fork (pure code, no system calls: tested as tables; the op list
 * machinery is lib/mount-builder.c) and run by the child with raw system calls
 * (daemon/exec/exec-child-mounts.c), which never allocates.
 *
 * How the child runs a plan (the order is fixed):
 *   1. unshare(unshare_flags) (CLONE_NEWNS and the other namespaces), then
 *      mount(NULL, "/", MS_REC|MS_SLAVE): host mounts still propagate in, ours never out;
 *   2. phase one: every op with MOUNT_OP_CLONE_SOURCE gets a detached copy of its source,
 *      open_tree(source, OPEN_TREE_CLONE[|AT_RECURSIVE]), before anything is changed. A copy
 *      keeps the host's flags of each mount in it, which is what lets ReadWritePaths= under
 *      ProtectSystem=strict have "the same access modes as outside" (systemd.exec(5));
 *   3. phase two: the ops in array order. The planner sorts them so that a parent path comes
 *      before anything below it, and at one path the op that creates a mount comes before
 *      the ops that change its attributes. A later op at a deeper path therefore overrides
 *      an earlier one above it;
 *   4. with a root (RootDirectory=), every target already carries the root as prefix; the
 *      child then makes the root "/" (MS_MOVE + chroot) and changes to "/".
 *
 * Order of the ops (mount_plan_build() sorts them, stably): first the MOUNT_OP_EARLY MKDIRs,
 * then the ordinary ones, then the MOUNT_OP_LATE ones; within each group by path, a parent
 * before everything below it ("/a" < "/a/b" < "/a-b"), and at one path: MKDIR, MKFILE and
 * SYMLINK (they make the mount point), then the ops that create a mount, then ATTR.
 *
 * The meaning of a conflict follows from that order, and from three rules the planner applies
 * after sorting (systemd.exec(5) semantics):
 *   - INACCESSIBLE wins: every other op at its path or below it is dropped;
 *   - a "restore" (MOUNT_OP_RESTORE: the phase-one copy of a path bound back onto the same
 *     path, so that it keeps the host's modes) is dropped when another op creates a mount at
 *     the same path or above it (the view there is no longer the host's), or when no op
 *     above it makes anything read-only; it inherits a noexec set above it (ReadWritePaths=
 *     is about writing only);
 *   - ATTR ops at one path and of one group merge: what one sets and another clears stays
 *     set (the more restrictive wins: ReadOnlyPaths=/x with ReadWritePaths=/x is read-only).
 * So a deeper op overrides a higher one: ReadWritePaths=/var/lib/x under ProtectSystem=strict
 * is a restore that comes after "/" was made read-only, and stays writable.
 *
 * A few choices where systemd leaves room: ExecPaths= clears noexec recursively (an ATTR,
 * like NoExecPaths= sets it), so host mounts below it that were noexec become exec too, as
 * in systemd; TemporaryFileSystem=...:ro and ProtectHome=tmpfs make the tmpfs read-only
 * last (MOUNT_OP_LATE), so binds into it still work; a missing BindPaths= destination is
 * made (one component) as systemd does, on the host's filesystem when nothing in the plan
 * covers it.
 *
 * What the child does with each kind is documented at MountOpKind; the limits below are
 * checked by mount_plan_build() and again by exec_plan_check().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "unit-sandbox.h"

#define MOUNT_PLAN_OPS_MAX 512u    /* ops in one plan */
#define MOUNT_PLAN_CLONES_MAX 128u /* ops with MOUNT_OP_CLONE_SOURCE: the child holds one fd
                                    * for each between phase one and its op */
#define MOUNT_PLAN_PATH_MAX 4096u  /* bytes of any path, with its NUL (PATH_MAX) */
#define MOUNT_PLAN_DATA_MAX 1024u  /* bytes of mount options, with the NUL */

/* What the child does for each kind. attr_set on TMPFS, PROC and DEVPTS are mount flags at
 * creation; on BIND they are set on the copy (recursively with MOUNT_OP_RECURSIVE) before it
 * is attached, so the mount never exists with other flags. */
typedef enum MountOpKind {
        MOUNT_OP_BIND,         /* attach the phase-one copy of source at target; with
                                * MOUNT_OP_CREATE_TARGET a missing target is made first (a
                                * directory when the copy is one, else an empty file; the last
                                * component only) */
        MOUNT_OP_TMPFS,        /* a new tmpfs at target, data = options ("mode=0755,size=..") */
        MOUNT_OP_PROC,         /* a new procfs at target, data = options ("hidepid=..") */
        MOUNT_OP_DEVPTS,       /* a new devpts instance at target (data = options) */
        MOUNT_OP_INACCESSIBLE, /* hide target: an empty mode-0000 read-only tmpfs over a
                                * directory, the inaccessible file node (source) over anything
                                * else; the child looks at the type of target */
        MOUNT_OP_ATTR,         /* mount_setattr(target, attr_set, attr_clr); a target that is
                                * not a mount yet is first bound onto itself (as it is now,
                                * with what lies below it) */
        MOUNT_OP_MKDIR,        /* mkdir(target, mode); EEXIST is fine */
        MOUNT_OP_MKFILE,       /* create an empty file at target (mode), a bind point */
        MOUNT_OP_SYMLINK,      /* symlink(source, target) */
        _MOUNT_OP_KIND_MAX,
} MountOpKind;

typedef enum MountOpFlags {
        MOUNT_OP_RECURSIVE = 1u << 0,      /* BIND: with submounts; ATTR: AT_RECURSIVE */
        MOUNT_OP_IGNORE_MISSING = 1u << 1, /* ENOENT on source or target skips the op */
        MOUNT_OP_CLONE_SOURCE = 1u << 2,   /* take the copy of source in phase one */
        MOUNT_OP_RESTORE = 1u << 3,        /* BIND of a path onto itself to keep its host modes */
        MOUNT_OP_CREATE_TARGET = 1u << 4,  /* BIND: make a missing target (see MOUNT_OP_BIND) */
        MOUNT_OP_EARLY = 1u << 5,          /* MKDIR: sorted before the rest. BIND: keeps its
                                            * place, but its missing target is made before
                                            * phase two (it lies on a host filesystem that a
                                            * later op may make read-only) */
        MOUNT_OP_LATE = 1u << 6,           /* sorted after the rest: ATTR that makes a mount
                                            * the plan filled (a tmpfs, the private /dev)
                                            * read-only once everything inside exists */
} MountOpFlags;

/* MOUNT_ATTR_* values of mount_setattr(2), repeated so lib needs no kernel headers. */
#define MOUNT_PLAN_ATTR_RDONLY 0x00000001u
#define MOUNT_PLAN_ATTR_NOSUID 0x00000002u
#define MOUNT_PLAN_ATTR_NODEV 0x00000004u
#define MOUNT_PLAN_ATTR_NOEXEC 0x00000008u

typedef struct MountOp {
        MountOpKind kind;
        unsigned flags;       /* MountOpFlags */
        const char *source;   /* BIND, SYMLINK, INACCESSIBLE (the file node); else NULL */
        const char *target;   /* absolute, with the root prefix */
        const char *data;     /* TMPFS, PROC, DEVPTS options; else NULL */
        uint64_t attr_set;    /* ATTR: MOUNT_PLAN_ATTR_* to set; TMPFS/PROC/BIND: set after */
        uint64_t attr_clr;    /* ATTR: MOUNT_PLAN_ATTR_* to clear */
        mode_t mode;          /* MKDIR, MKFILE */
} MountOp;

/* What the daemon knows and the planner needs; every path absolute. */
typedef struct MountPlanContext {
        const char *private_tmp;      /* the unit's private /tmp directory (PrivateTmp=) */
        const char *private_var_tmp;  /* the unit's private /var/tmp directory */
        const char *inaccessible_file; /* an empty mode-0000 regular file */
        /* Paths the service must see writable whatever ProtectSystem= says: its
         * RuntimeDirectory=, StateDirectory=, LogsDirectory= (and friends). */
        const char *const *writable;  /* NULL-terminated, may be NULL */
        /* Paths to hide (ProtectSupervisor=): the units directories, the daemon's state and
         * runtime directories, the control socket. */
        const char *const *hidden;    /* NULL-terminated, may be NULL */
        /* DynamicUser= with StateDirectory= and friends: the "private" parents to overmount
         * with an empty tmpfs, and the unit's own directories inside them to bind back. */
        const char *const *private_parents; /* NULL-terminated, may be NULL */
        const char *const *private_dirs;    /* NULL-terminated, may be NULL */
        /* Resolves the symbolic links of a host path the unit names (ReadWritePaths= and the
         * other path lists, bind destinations), as systemd does, so that the op sorts and
         * lands where the kernel would look: on Debian, ExecPaths=/lib is /usr/lib (a mount
         * cannot be attached onto the link itself). Writes the result to BUF and returns 0,
         * or returns -errno, and the path is used as written (a missing one with "-" is
         * skipped by the child). NULL: every path as written. Paths under RootDirectory=
         * ("+") are not resolved. */
        int (*resolve)(const char *path, char *buf, size_t size, void *userdata);
        void *resolve_userdata;
} MountPlanContext;

typedef struct MountPlan {
        unsigned long unshare_flags; /* CLONE_NEW* */
        bool loopback_up;            /* PrivateNetwork=: bring "lo" up in the new netns */
        const char *root;            /* RootDirectory=, or NULL */
        MountOp *ops;
        size_t n_ops;
        size_t n_clones;             /* ops with MOUNT_OP_CLONE_SOURCE */
        char *strings;               /* the plan owns every string its ops point to */
        size_t strings_size;
} MountPlan;

/* Computes the plan for S. A unit that needs no mount namespace gets a plan with n_ops 0
 * (unshare_flags may still ask for a network, IPC or UTS namespace). -ENOMEM; -E2BIG past
 * MOUNT_PLAN_OPS_MAX, MOUNT_PLAN_CLONES_MAX, MOUNT_PLAN_PATH_MAX or MOUNT_PLAN_DATA_MAX;
 * -EINVAL when a path is not absolute, or CTX lacks what S needs (private_tmp for
 * PrivateTmp=, inaccessible_file for any hidden path). Each failure but -ENOMEM adds a
 * diagnostic to DIAGS when not NULL. PrivateUsers= is not supported yet: the plan ignores it
 * (the daemon refuses such units).
 *
 * DynamicUser= implies ProtectSystem=strict, ProtectHome=read-only (unless stronger) and
 * PrivateTmp=, as in systemd. */
int mount_plan_build(const UnitSandbox *s, const MountPlanContext *ctx, DiagList *diags,
                     MountPlan **ret);
MountPlan *mount_plan_free(MountPlan *p);

const char *mount_op_kind_to_string(MountOpKind k);

/* One line describing OP, for tests, debug logs and `analyze`: "KIND [SOURCE -> ]TARGET
 * [DATA] [MODE] [+attr...] [-attr...] [flag...]", e.g. "ATTR / +ro rec" or
 * "BIND /var/lib/x -> /var/lib/x clone rec restore". Truncated to SIZE; returns BUF. */
char *mount_op_format(const MountOp *op, char *buf, size_t size);
