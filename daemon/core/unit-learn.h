/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit in learn mode: its processes run under the learn filter (exec/exec-learn.h) instead
 * of its policy, and every call they make after the launch is recorded in u->learned
 * (lib/learn-record.h), which the control plane hands to the client. The switch point
 * between start-up and main phase is the preloaded object's marker call (lib/phase-marker.h)
 * or, for Type=notify, READY=1.
 */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>

#include "core/unit.h"
#include "exec/exec-plan.h"

/* Switches learn mode on (a fresh record) or off (the record is kept for unit_learn_text()). */
int unit_learn_set(Unit *u, bool on);

/* The record as text (learn_record_to_text()); -ENODATA when the unit never learned. */
int unit_learn_text(Unit *u, char **ret);

/* In a plan of a unit in learn mode: the learn filter (built into BUF, which must live
 * until the spawn) and an allow-all policy in place of the unit's. ENVP (the main process's
 * environment, NULL for others) gets syscage's preloaded object, with an allow-all main
 * filter at *RET_FD (closed by the caller after the spawn), so that the end of the loader's
 * work is seen (no object: one phase). */
int unit_learn_prepare(Unit *u, ExecPlan *p, char ***envp, int *ret_fd, struct sock_filter *buf,
                       struct sock_fprog *prog);

/* One notification of a process of U after its launch. */
void unit_learn_record(Unit *u, const struct seccomp_notif *n);

/* READY=1 arrived. */
void unit_learn_ready(Unit *u);

/* Whether U learns a Type=notify service that has not sent READY=1 yet: its gate then
 * answers one call per event-loop turn (ExecProcess.learn_until_ready). */
bool unit_learn_awaits_ready(const Unit *u);
