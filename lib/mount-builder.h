/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building a MountPlan: ops are added one by one (each owning copies of its strings), then
 * mount_builder_finish() sorts them, applies the conflict rules described in mount-plan.h
 * and packs the survivors into one plan. Used by lib/mount-plan.c only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "mount-plan.h"

typedef struct MountEntry {
        MountOp op;     /* its strings are owned by the entry while building */
        size_t seq;     /* insertion order: the sort is stable */
        bool dropped;
} MountEntry;

typedef struct MountBuilder {
        MountEntry *entries;
        size_t n, allocated;
        const char *root; /* RootDirectory=, or NULL */
        DiagList *diags;  /* may be NULL */
} MountBuilder;

/* A builder never holds more than this many entries, whatever the input: the conflict
 * passes are quadratic. */
#define MOUNT_BUILDER_ENTRIES_MAX (4u * MOUNT_PLAN_OPS_MAX)

/* One op to add; every string is copied. */
typedef struct MountOpSpec {
        MountOpKind kind;
        unsigned flags;
        const char *source;   /* copied as is */
        const char *target;   /* copied, with the root as prefix when prefix is set */
        bool prefix;
        const char *data;
        uint64_t attr_set, attr_clr;
        mode_t mode;
} MountOpSpec;

/* Adds an op: -EINVAL for a target that is not absolute, -E2BIG past the limits (with a
 * diagnostic under KEY), -ENOMEM. */
int mount_builder_add(MountBuilder *b, const char *key, const MountOpSpec *spec);

/* Adds an error diagnostic for KEY (when the builder has a list) and returns ERROR, or
 * -ENOMEM. */
int mount_builder_error(MountBuilder *b, int error, const char *key, const char *fmt, ...) _printf_(4, 5);

/* PATH with the root as prefix when PREFIX is set and there is a root; NULL on ENOMEM. */
char *mount_builder_target(const MountBuilder *b, const char *path, bool prefix);

/* Sorts, resolves and packs into *RET. -ENOMEM, or -E2BIG past MOUNT_PLAN_OPS_MAX or
 * MOUNT_PLAN_CLONES_MAX (with a diagnostic). The builder must still be freed. */
int mount_builder_finish(MountBuilder *b, MountPlan **ret);

void mount_builder_done(MountBuilder *b);
