/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Notify datagrams and seccomp kill records, routed to the unit that owns the pid. */
#pragma once

#include <sys/types.h>

#include "core/manager-units.h"

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
