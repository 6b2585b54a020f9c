/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MemoryDenyWriteExecute=yes at launch: the seccomp rules cannot see the stack the kernel
 * maps at execve, which is read-write-execute for a program linked with "-z execstack". So
 * the daemon reads the executable's headers before the launch (and, for a "#!" script, its
 * interpreter's) and refuses the start when it asks for an executable stack; the child also
 * sets PR_SET_MDWE where the kernel has it (ExecPlan.memory_deny_write_execute).
 */
#pragma once

#include "core/unit.h"
#include "exec/exec-plan.h"

/* With MemoryDenyWriteExecute=yes in U: sets the plan's flag and checks PLAN->path. -EPERM
 * (with *RET_MESSAGE) when the program asks for an executable stack, another -errno (with
 * *RET_MESSAGE) when it cannot be checked; 0 otherwise, and always 0 without the directive. */
int service_mdwe_prepare(Unit *u, ExecPlan *plan, char **ret_message);

/* The check itself, for PATH and the interpreters of scripts. */
int service_mdwe_check(const char *path, char **ret_message);
