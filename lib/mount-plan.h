/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mount plan: a unit's filesystem sandbox as an ordered list of plain operations, computed
 * in the daemon before fork (pure code, no system calls: tested as tables) and run by the
 * child with raw system calls (daemon/exec/exec-child.c), which never allocates.
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
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"
#include "unit-sandbox.h"

#define MOUNT_PLAN_OPS_MAX 512u    /* ops in one plan */

typedef enum MountOpKind {
        MOUNT_OP_BIND,         /* attach the phase-one copy of source at target */
        MOUNT_OP_TMPFS,        /* a new tmpfs at target, data = options ("mode=0755,size=..") */
        MOUNT_OP_PROC,         /* a new procfs at target, data = options ("hidepid=..") */
        MOUNT_OP_DEVPTS,       /* a new devpts instance at target (data = options) */
        MOUNT_OP_INACCESSIBLE, /* hide target: an empty mode-0000 read-only tmpfs over a
                                * directory, the inaccessible file node (source) over anything
                                * else; the child looks at the type of target */
        MOUNT_OP_ATTR,         /* mount_setattr(target, attr_set, attr_clr) */
        MOUNT_OP_MKDIR,        /* mkdir(target, mode); EEXIST is fine */
        MOUNT_OP_MKFILE,       /* create an empty file at target (mode), a bind point */
        MOUNT_OP_SYMLINK,      /* symlink(source, target) */
        _MOUNT_OP_KIND_MAX,
} MountOpKind;

typedef enum MountOpFlags {
        MOUNT_OP_RECURSIVE = 1u << 0,      /* BIND: with submounts; ATTR: AT_RECURSIVE */
        MOUNT_OP_IGNORE_MISSING = 1u << 1, /* ENOENT on source or target skips the op */
        MOUNT_OP_CLONE_SOURCE = 1u << 2,   /* take the copy of source in phase one */
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
} MountPlanContext;

typedef struct MountPlan {
        unsigned long unshare_flags; /* CLONE_NEW* */
        bool loopback_up;            /* PrivateNetwork=: bring "lo" up in the new netns */
        const char *root;            /* RootDirectory=, or NULL */
        MountOp *ops;
        size_t n_ops;
        char *strings;               /* the plan owns every string its ops point to */
        size_t strings_size;
} MountPlan;

/* Computes the plan for S. A unit that needs no mount namespace gets a plan with n_ops 0
 * (unshare_flags may still ask for a network, IPC or UTS namespace). -ENOMEM, or -E2BIG past
 * MOUNT_PLAN_OPS_MAX (with a diagnostic in DIAGS when not NULL). */
int mount_plan_build(const UnitSandbox *s, const MountPlanContext *ctx, DiagList *diags,
                     MountPlan **ret);
MountPlan *mount_plan_free(MountPlan *p);

const char *mount_op_kind_to_string(MountOpKind k);
