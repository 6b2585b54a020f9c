/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the mount planner (lib/mount-plan.h) needs from the daemon for one unit, as a
 * MountPlanContext, and the inaccessible nodes it hides paths with.
 *
 * Use: build the context right before the plan (after unit_runtime_start(), so the private
 * /tmp and the dynamic layout exist), call mount_plan_build(&c->ctx, ...), free the context
 * once the plan is built or spawned: every string of c->ctx is owned by the context, none
 * by the unit.
 */
#pragma once

#include "core/unit.h"
#include "mount-plan.h"

typedef struct UnitSandboxContext {
        MountPlanContext ctx;      /* its pointers lead into the fields below */
        char *private_tmp, *private_var_tmp, *inaccessible_file;
        char **writable;           /* every RuntimeDirectory=/StateDirectory=/LogsDirectory= */
        char **hidden;             /* the units directories, STATE_DIR, RUNTIME_DIR, socket */
        char **private_parents;    /* DynamicUser=: BASE/private in use */
        char **private_dirs;       /* DynamicUser=: BASE/private/NAME of the unit */
} UnitSandboxContext;

/* Fills a context for U's current activation. -ENOMEM. */
int unit_sandbox_context_build(const Unit *u, UnitSandboxContext **ret);
UnitSandboxContext *unit_sandbox_context_free(UnitSandboxContext *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(UnitSandboxContext *, unit_sandbox_context_free);

/* Creates RUNTIME_DIR/inaccessible/reg (an empty regular file, mode 0000) and
 * RUNTIME_DIR/inaccessible/dir (a directory, mode 0000), and returns the file's path. */
int unit_sandbox_inaccessible_setup(const char *runtime_dir, char **ret_file);
