/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch child's namespace and mount step: it runs a MountPlan (lib/mount-plan.h) with
 * raw system calls, between the fd set-up and the limits (exec-child.c has the order and
 * why). Part of the child's own library: no libc, no writes but to the stack.
 */
#pragma once

#include "exec/exec-stage.h"
#include "mount-plan.h"

/* Unshares the plan's namespaces, makes every mount a slave of the host's, brings "lo" up,
 * runs the mount ops (phase one, phase two, the root switch; every phase-one copy is closed
 * before this returns). Returns the failed stage (NAMESPACE, NETWORK or MOUNTS) with the
 * errno in *ret_error, or _EXEC_STAGE_INVALID. M may be NULL: nothing to do. */
ExecStage exec_child_setup_namespaces(const MountPlan *m, int *ret_error);
