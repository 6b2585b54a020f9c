/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The op list of a mount plan while it is built, and what turns it into a MountPlan: the
 * sort (parent first, stable), the conflict rules (mount-plan.h), the packing of every string
 * into one block. It knows nothing of directives: lib/mount-plan.c says which ops each one
 * adds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount-builder.h"

/* ---- paths ---- */

/* Compares paths so that a parent sorts before everything below it and a subtree stays
 * together: '/' counts as lower than any other character. */
static int path_compare(const char *a, const char *b) {
        for (;; a++, b++) {
                unsigned x = *a == '/' ? 1u : (unsigned char) *a;
                unsigned y = *b == '/' ? 1u : (unsigned char) *b;
                if (x != y)
                        return x < y ? -1 : 1;
                if (x == 0)
                        return 0;
        }
}

/* Whether PATH is PREFIX or lies below it. */
static bool path_is_under(const char *path, const char *prefix) {
        size_t n = strlen(prefix);

        if (n == 1 && prefix[0] == '/')
                return true;
        return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool path_is_strictly_under(const char *path, const char *prefix) {
        return path_is_under(path, prefix) && !streq(path, prefix);
}

int mount_builder_error(MountBuilder *b, int error, const char *key, const char *fmt, ...) {
        char msg[256];
        va_list ap;

        if (!b->diags)
                return error;
        va_start(ap, fmt);
        (void) vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (diag_add_code(b->diags, DIAG_CODE_MOUNT_PLAN, DIAG_ERROR, NULL, 0, key, "%s", msg) < 0)
                return -ENOMEM;
        return error;
}

/* The target as the child sees it before the root switch: with the root as prefix when
 * PREFIX is set and there is a root. */
char *mount_builder_target(const MountBuilder *b, const char *path, bool prefix) {
        if (!prefix || !b->root)
                return strdup(path);
        if (streq(path, "/"))
                return strdup(b->root);
        size_t n = strlen(b->root), m = strlen(path);
        char *s = malloc(n + m + 1);
        if (!s)
                return NULL;
        memcpy(s, b->root, n);
        memcpy(s + n, path, m + 1);
        return s;
}

/* ---- collecting ---- */

static void entry_done(MountEntry *e) {
        free((char *) e->op.source);
        free((char *) e->op.target);
        free((char *) e->op.data);
}

void mount_builder_done(MountBuilder *b) {
        for (size_t i = 0; i < b->n; i++)
                entry_done(&b->entries[i]);
        free(b->entries);
}

int mount_builder_add(MountBuilder *b, const char *key, const MountOpSpec *spec) {
        if (spec->target[0] != '/')
                return mount_builder_error(b, -EINVAL, key, "path is not absolute: %s", spec->target);
        if (b->n >= MOUNT_BUILDER_ENTRIES_MAX)
                return mount_builder_error(b, -E2BIG, key, "more than %u mount operations", MOUNT_PLAN_OPS_MAX);
        if (GREEDY_REALLOC(b->entries, b->allocated, b->n + 1) < 0)
                return -ENOMEM;

        MountEntry *e = &b->entries[b->n];
        *e = (MountEntry) {
                .op = {
                        .kind = spec->kind,
                        .flags = spec->flags,
                        .attr_set = spec->attr_set,
                        .attr_clr = spec->attr_clr,
                        .mode = spec->mode,
                },
                .seq = b->n,
        };
        e->op.target = mount_builder_target(b, spec->target, spec->prefix);
        e->op.source = spec->source ? strdup(spec->source) : NULL;
        e->op.data = spec->data ? strdup(spec->data) : NULL;
        b->n++; /* entry_done() frees whatever was allocated */
        if (!e->op.target || (spec->source && !e->op.source) || (spec->data && !e->op.data))
                return -ENOMEM;
        if (strlen(e->op.target) >= MOUNT_PLAN_PATH_MAX ||
            (e->op.source && strlen(e->op.source) >= MOUNT_PLAN_PATH_MAX))
                return mount_builder_error(b, -E2BIG, key, "path longer than %u bytes", MOUNT_PLAN_PATH_MAX - 1);
        if (e->op.data && strlen(e->op.data) >= MOUNT_PLAN_DATA_MAX)
                return mount_builder_error(b, -E2BIG, key, "mount options longer than %u bytes",
                                  MOUNT_PLAN_DATA_MAX - 1);
        return 0;
}
/* ---- sorting and conflicts ---- */

/* EARLY on a BIND only says when its target is made: the bind itself keeps its place. */
static int op_group(const MountOp *op) {
        if ((op->flags & MOUNT_OP_EARLY) && op->kind != MOUNT_OP_BIND)
                return 0;
        return op->flags & MOUNT_OP_LATE ? 2 : 1;
}

/* At one path: what makes the mount point, then what mounts, then attributes. */
static int op_rank(const MountOp *op) {
        switch (op->kind) {
        case MOUNT_OP_MKDIR:
        case MOUNT_OP_MKFILE:
        case MOUNT_OP_SYMLINK:
                return 0;
        case MOUNT_OP_ATTR:
                return 2;
        default:
                return 1;
        }
}

static bool op_creates_mount(const MountOp *op) {
        return op_rank(op) == 1;
}

/* Whether OP puts something else than the host's view at its target. */
static bool op_changes_view(const MountOp *op) {
        return op_creates_mount(op) && !(op->kind == MOUNT_OP_BIND && streq(op->source, op->target));
}

static int entry_compare(const void *x, const void *y) {
        const MountEntry *a = x, *b = y;
        int r;

        if (op_group(&a->op) != op_group(&b->op))
                return op_group(&a->op) < op_group(&b->op) ? -1 : 1;
        if ((r = path_compare(a->op.target, b->op.target)) != 0)
                return r;
        if (op_rank(&a->op) != op_rank(&b->op))
                return op_rank(&a->op) < op_rank(&b->op) ? -1 : 1;
        return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool str_eq(const char *a, const char *b) {
        return a == b || (a && b && streq(a, b));
}

static bool op_equal(const MountOp *a, const MountOp *b) {
        return a->kind == b->kind && a->flags == b->flags && str_eq(a->source, b->source) &&
               str_eq(a->target, b->target) && str_eq(a->data, b->data) && a->attr_set == b->attr_set &&
               a->attr_clr == b->attr_clr && a->mode == b->mode;
}

static void drop(MountEntry *e) {
        entry_done(e);
        e->op = (MountOp) {};
        e->dropped = true;
}

/* Exact duplicates; then everything at or below an INACCESSIBLE path. */
static void resolve_duplicates_and_hidden(MountBuilder *b) {
        for (size_t i = 0; i < b->n; i++)
                for (size_t j = i + 1; j < b->n && !b->entries[i].dropped; j++)
                        if (!b->entries[j].dropped && op_equal(&b->entries[i].op, &b->entries[j].op))
                                drop(&b->entries[j]);
        for (size_t i = 0; i < b->n; i++) {
                MountEntry *h = &b->entries[i];
                if (h->dropped || h->op.kind != MOUNT_OP_INACCESSIBLE)
                        continue;
                for (size_t j = 0; j < b->n; j++)
                        if (j != i && !b->entries[j].dropped &&
                            path_is_under(b->entries[j].op.target, h->op.target) &&
                            !(b->entries[j].op.kind == MOUNT_OP_INACCESSIBLE &&
                              streq(b->entries[j].op.target, h->op.target) && j < i))
                                drop(&b->entries[j]);
        }
}

/* A restore is dropped when the view at its path is not the host's any more (an op creates
 * a mount at it or above it), and when nothing above it makes anything read-only (it would
 * keep what is there anyway). It is about write access only: when the nearest op above it
 * that speaks of exec (NoExecPaths=, ExecPaths=) made its path noexec, the restored copy is
 * noexec too. The entries are sorted, so "above" and "before" agree. */
static void resolve_restores(MountBuilder *b) {
        for (size_t i = 0; i < b->n; i++) {
                MountEntry *r = &b->entries[i];
                bool needed = false, obscured = false, noexec = false;

                if (r->dropped || !(r->op.flags & MOUNT_OP_RESTORE))
                        continue;
                for (size_t j = 0; j < b->n; j++) {
                        const MountOp *o = &b->entries[j].op;
                        if (j == i || b->entries[j].dropped || !path_is_under(r->op.target, o->target))
                                continue;
                        if (op_changes_view(o) && !(o->flags & MOUNT_OP_RESTORE))
                                obscured = true;
                        if (o->kind != MOUNT_OP_ATTR || op_group(o) == 2 || j > i)
                                continue;
                        if (o->attr_set & MOUNT_PLAN_ATTR_RDONLY)
                                needed = true;
                        if ((o->attr_set | o->attr_clr) & MOUNT_PLAN_ATTR_NOEXEC)
                                noexec = o->attr_set & MOUNT_PLAN_ATTR_NOEXEC;
                }
                if (obscured || !needed)
                        drop(r);
                else if (noexec)
                        r->op.attr_set |= MOUNT_PLAN_ATTR_NOEXEC;
        }
}

/* ATTR ops at one path, of one group and recursion, become one: set wins over clear; the
 * merged op ignores a missing path only if all did. */
static void resolve_attrs(MountBuilder *b) {
        const unsigned same = MOUNT_OP_RECURSIVE | MOUNT_OP_EARLY | MOUNT_OP_LATE;

        for (size_t i = 0; i < b->n; i++) {
                MountOp *a = &b->entries[i].op;
                if (b->entries[i].dropped || a->kind != MOUNT_OP_ATTR)
                        continue;
                for (size_t j = i + 1; j < b->n; j++) {
                        MountOp *o = &b->entries[j].op;
                        if (b->entries[j].dropped || o->kind != MOUNT_OP_ATTR ||
                            (o->flags & same) != (a->flags & same) || !streq(o->target, a->target))
                                continue;
                        a->attr_set |= o->attr_set;
                        a->attr_clr = (a->attr_clr | o->attr_clr) & ~a->attr_set;
                        if (!(o->flags & MOUNT_OP_IGNORE_MISSING))
                                a->flags &= ~(unsigned) MOUNT_OP_IGNORE_MISSING;
                        drop(&b->entries[j]);
                }
        }
}

/* With a root, what lies outside it cannot matter to the service. A bind whose missing target
 * lies on a filesystem of the host (no op above it changes the view) has it made before
 * phase two, before any op can make that filesystem read-only. */
static void resolve_root_and_early(MountBuilder *b) {
        for (size_t i = 0; i < b->n; i++) {
                MountEntry *e = &b->entries[i];
                if (!e->dropped && b->root && !path_is_under(e->op.target, b->root))
                        drop(e);
        }
        for (size_t i = 0; i < b->n; i++) {
                MountEntry *e = &b->entries[i];
                bool hidden = false;

                if (e->dropped || e->op.kind != MOUNT_OP_BIND || !(e->op.flags & MOUNT_OP_CREATE_TARGET))
                        continue;
                for (size_t j = 0; j < b->n && !hidden; j++)
                        hidden = j != i && !b->entries[j].dropped && op_changes_view(&b->entries[j].op) &&
                                 path_is_strictly_under(e->op.target, b->entries[j].op.target);
                if (!hidden)
                        e->op.flags |= MOUNT_OP_EARLY;
        }
}

/* ---- packing ---- */

static const char *pack_str(char *strings, size_t *used, const char *s) {
        if (!s)
                return NULL;
        size_t n = strlen(s) + 1;
        char *d = memcpy(strings + *used, s, n);
        *used += n;
        return d;
}

static int pack(MountBuilder *b, MountPlan *p) {
        size_t n = 0, size = 0;

        for (size_t i = 0; i < b->n; i++) {
                const MountOp *o = &b->entries[i].op;
                if (b->entries[i].dropped)
                        continue;
                n++;
                size += strlen(o->target) + 1 + (o->source ? strlen(o->source) + 1 : 0) +
                        (o->data ? strlen(o->data) + 1 : 0);
        }
        if (b->root)
                size += strlen(b->root) + 1;
        p->ops = n > 0 ? calloc(n, sizeof(MountOp)) : NULL;
        p->strings = size > 0 ? malloc(size) : NULL;
        if ((n > 0 && !p->ops) || (size > 0 && !p->strings))
                return -ENOMEM;
        p->strings_size = size;

        size_t used = 0;
        p->root = pack_str(p->strings, &used, b->root);
        for (size_t i = 0; i < b->n; i++) {
                const MountOp *o = &b->entries[i].op;
                if (b->entries[i].dropped)
                        continue;
                MountOp *d = &p->ops[p->n_ops++];
                *d = *o;
                d->target = pack_str(p->strings, &used, o->target);
                d->source = pack_str(p->strings, &used, o->source);
                d->data = pack_str(p->strings, &used, o->data);
                if (o->flags & MOUNT_OP_CLONE_SOURCE)
                        p->n_clones++;
        }
        return 0;
}

int mount_builder_finish(MountBuilder *b, MountPlan **ret) {
        MountPlan *p = NULL;
        int r;

        if (b->n > 0) /* qsort() wants a valid base even for no entries */
                qsort(b->entries, b->n, sizeof(MountEntry), entry_compare);
        resolve_duplicates_and_hidden(b);
        resolve_restores(b);
        resolve_attrs(b);
        resolve_root_and_early(b);

        p = calloc(1, sizeof(MountPlan));
        if (!p)
                return -ENOMEM;
        if ((r = pack(b, p)) < 0) {
                mount_plan_free(p);
                return r;
        }
        if (p->n_ops > MOUNT_PLAN_OPS_MAX || p->n_clones > MOUNT_PLAN_CLONES_MAX) {
                r = mount_builder_error(b, -E2BIG, NULL, "%zu mount operations, %zu of them with a copy "
                                        "of their source: the limits are %u and %u", p->n_ops, p->n_clones,
                                        MOUNT_PLAN_OPS_MAX, MOUNT_PLAN_CLONES_MAX);
                mount_plan_free(p);
                return r;
        }
        *ret = p;
        return 0;
}
