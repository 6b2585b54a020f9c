/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transitions of the service state machine (service-transition.c), for the actions of
 * the table in service.c and for nothing else. Each enter function takes the unit into its
 * state, or through it at once when there is nothing to wait for there; F is kept as the
 * cycle's result if it is the first failure.
 */
#pragma once

#include <stdbool.h>

#include "core/service-process.h"
#include "core/unit.h"

/* The process layer: the real one, or what a test put in the Manager. */
const ServiceProcessOps *service_proc_ops(const Unit *u);
/* Whether anything of the unit still runs that a stop has to wait for. */
bool service_has_processes(Unit *u);

/* The one place u->state changes; reports the change (unit_notify_state_change()). */
void service_set_state(Unit *u, ServiceState state);
/* Keeps the first failure of a cycle. */
void service_set_result(Unit *u, ServiceResult f);
/* The state's timeout (USEC_INFINITY: none) and the watchdog, from u->watchdog_last. */
void service_arm_timer(Unit *u, usec_t relative);
void service_disarm_timer(Unit *u);
void service_arm_watchdog(Unit *u);

/* How the main process ended, judged by SuccessExitStatus= and the type. */
ServiceResult service_exit_result(const Unit *u, int code, int status);
/* Command INDEX of list ID, or NULL. */
const ExecCommand *service_command(Unit *u, ServiceExecCommand id, size_t index);
/* Runs command INDEX of list ID (or the next one a "-" lets through) as the control
 * process: 1 when one runs, 0 when the list is done, -errno when one could not start. */
int service_run_control(Unit *u, ServiceExecCommand id, size_t index);

/* A new cycle (a start, or an automatic restart): the start limit, then start-pre. */
int service_begin(Unit *u, bool automatic, char **ret_message);
void service_enter_start(Unit *u);
void service_enter_start_post(Unit *u);
void service_enter_running(Unit *u, ServiceResult f);
void service_enter_stop(Unit *u, ServiceResult f);
/* STATE is one of stop-sigterm, stop-sigkill, final-sigterm, final-sigkill. */
void service_enter_signal(Unit *u, ServiceState state, ServiceResult f);
void service_enter_stop_post(Unit *u, ServiceResult f);
/* The end of the way down: dead or failed, or auto-restart if Restart= says so. */
void service_enter_final_done(Unit *u, ServiceResult f);
/* The main process exited in state start: what that means depends on Type=. */
void service_main_exited_in_start(Unit *u, ServiceResult f);
