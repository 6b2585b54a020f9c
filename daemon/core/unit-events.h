/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Events of units: notify datagrams and seccomp kill records, routed to the unit that owns
 * the pid, and, going up, a unit's change of state.
 */
#pragma once

#include <sys/types.h>

#include "core/manager-units.h"
#include "core/unit.h"

/* Sends what the I/O modules log (output, notify, kmsg) to the daemon's log. */
void unit_events_setup_logging(void);

/* Binds RUNTIME_DIR/notify and sets m->notify_socket. Failure is logged: the daemon runs
 * on, Type=notify units then fail to start up. */
int unit_events_setup_notify(Manager *m);

/* Reads the kernel's seccomp kill records from /dev/kmsg. Failure is logged: kills are then
 * reported without the syscall's name. */
int unit_events_setup_kmsg(Manager *m);

/* The kernel killed PID for calling SYSCALL (from the audit record). */
void unit_events_seccomp_kill(Manager *m, pid_t pid, const char *syscall);

/* The one call by which the state machine (service.c) reports that U went from OLD to NEW
 * (u->state is NEW already). Once per change, in this order: the Manager's activity count
 * and the unit's timestamps, the status file, the Manager's on_unit_changed hook, then what
 * may change the unit again or end the loop: a unit that became inactive takes a pending
 * reload or a requested restart (manager_unit_inactive()), and ordered starts move on. */
void unit_notify_state_change(Unit *u, ServiceState old, ServiceState new);
