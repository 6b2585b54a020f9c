/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Events of units: notify datagrams and seccomp kill records, routed to the unit that owns
 * the pid, and, going up, a unit's change of state.
 */
#pragma once

#include <sys/types.h>

#include "core/manager-units.h"
#include "core/unit.h"
#include "sys/kmsg.h"

/* Sends what the I/O modules log (output, notify, kmsg) to the daemon's log. */
void unit_events_setup_logging(void);

/* Binds RUNTIME_DIR/notify and sets m->notify_socket. Failure is logged: the daemon runs
 * on, Type=notify units then fail to start up. */
int unit_events_setup_notify(Manager *m);

/* Reads the kernel's seccomp records from /dev/kmsg, follows the units' descendants with the
 * process connector (sys/proc-events.h), and asks the audit subsystem whether an audit
 * daemon takes the records. Failures are logged: kills are then reported without the
 * syscall's name, errno denials not at all. */
int unit_events_setup_kmsg(Manager *m);

/* One seccomp audit record: a kill, an errno (or trap) denial, or a SystemCallLog= hit,
 * counted for the unit the pid belongs to: a process of the unit, one in its cgroup while it
 * lives, or a descendant the process connector saw being made. A record of no known unit is
 * counted in m->denials_unattributed (the first logged as a notice, every one at debug
 * level: it may be a process outside syscaged). */
void unit_events_seccomp_record(Manager *m, const SeccompAudit *a);

/* What may keep denials from being seen, as one line for status ("" when nothing is known
 * to be wrong): an audit daemon that takes the records, records the kernel lost, process
 * events lost. Newly allocated. */
int unit_events_denial_health(Manager *m, char **ret);

/* The one call by which the state machine (service.c) reports that U went from OLD to NEW
 * (u->state is NEW already). Once per change, in this order: the Manager's activity count
 * and the unit's timestamps, the status file, the Manager's on_unit_changed hook, then what
 * may change the unit again or end the loop: a unit that became inactive takes a pending
 * reload or a requested restart (manager_unit_inactive()), and ordered starts move on. */
void unit_notify_state_change(Unit *u, ServiceState old, ServiceState new);
