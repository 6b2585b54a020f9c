/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Removing a directory tree that a service filled (its private /tmp, its RuntimeDirectory=)
 * without blocking the event loop and without being tricked by what the service left there.
 *
 * The walk runs in a forked child of the daemon, tracked by its pidfd; the daemon goes back
 * to its loop at once and reaps the child when it is done. The child only makes system calls
 * (openat, getdents64, statx, unlinkat) on buffers of its own stack: it never allocates. It
 * opens every directory relative to its parent's fd with O_NOFOLLOW, so a symbolic link is
 * removed as a link and never followed, and it does not descend into another mount (a
 * different device, or a mount root). What it cannot remove (a mount point, a tree deeper
 * than TREE_REMOVE_DEPTH_MAX) stays, and the child's exit status says so.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "sys/reaper.h"

/* Named limits (STYLE.md #10). */
#define TREE_REMOVE_DEPTH_MAX 64u   /* directory levels below the top; deeper ones stay */
#define TREE_REMOVE_PASSES_MAX 16u  /* re-reads of one directory whose listing changed */
#define TREE_REMOVE_JOBS_MAX 1024u  /* removals running at once; past it, a tree stays */

/* Exit statuses of the child (and return values of tree_remove_now(), as positive flags). */
#define TREE_REMOVE_LEFT_MOUNTS 1u  /* something was a mount point and stayed */
#define TREE_REMOVE_LEFT_DEEP 2u    /* the tree was deeper than the limit */
#define TREE_REMOVE_LEFT_ERRORS 4u  /* some entry could not be removed */

/* Removes the tree at PATH (and PATH itself), in this process, synchronously. Uses no heap
 * memory. Returns 0 when all went, a combination of TREE_REMOVE_LEFT_* otherwise. A missing
 * PATH is success; a PATH that is not a directory is unlinked. */
unsigned tree_remove_now(const char *path);

typedef struct TreeRemover TreeRemover;

int tree_remover_new(sd_event *e, Reaper *reaper, TreeRemover **ret);
/* Forgets the running children (they finish on their own) and frees. */
TreeRemover *tree_remover_free(TreeRemover *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(TreeRemover *, tree_remover_free);

/* Starts the removal of PATH in a child. When no child can be started (fork fails, or
 * TREE_REMOVE_JOBS_MAX run already) the tree stays, with a warning: the event loop never does
 * the walk itself. */
void tree_remover_start(TreeRemover *t, const char *path);
/* Children still running. */
size_t tree_remover_n_running(const TreeRemover *t);
