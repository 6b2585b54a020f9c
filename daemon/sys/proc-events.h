/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who a process belonged to after it is gone. The kernel's seccomp record names a pid, but a
 * process killed by its filter is usually reaped (by its own parent, inside the service)
 * before the record is read, and then neither /proc/PID/cgroup nor the daemon's process
 * list can say whose it was. This table follows descendants as they are made: the daemon
 * tracks each process it starts under its unit's name, the kernel's process connector
 * (netlink NETLINK_CONNECTOR, CN_IDX_PROC; root only) reports every fork, and a child whose
 * parent is tracked is tracked under the same name. An exit keeps the entry for a while
 * (the last PROC_EVENTS_EXITED_KEPT exits), since the record is printed before the process
 * dies and read after.
 *
 * Limits: a process forked before the daemon started (one a previous daemon's service
 * already had) is not known until it is looked up by its cgroup while it lives; events the
 * socket could not hold (ENOBUFS, under a fork storm) are lost and counted; past
 * PROC_EVENTS_TRACKED_MAX live entries new children are not tracked (counted too). A pid
 * the table does not know is the caller's to report as unattributed.
 *
 * The socket carries fork and exit events of every process on the host. A socket filter
 * drops everything else in the kernel (exec, uid, comm events, and threads), and each event
 * costs one hash lookup here.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define PROC_EVENTS_TRACKED_MAX 65536u  /* processes known at once */
#define PROC_EVENTS_EXITED_KEPT 1024u   /* exited processes remembered for late records */
#define PROC_EVENTS_BURST_MAX 256u      /* datagrams read per event-loop iteration */
#define PROC_EVENTS_RCVBUF (4u << 20)   /* socket receive buffer asked for */

typedef struct ProcEvents ProcEvents;

/* A table without a socket (for tests, and before proc_events_listen()). */
int proc_events_new(ProcEvents **ret);
/* Subscribes to the process connector and reads it in EVENT's loop. -errno when the kernel
 * has no process connector (CONFIG_PROC_EVENTS) or the caller is not allowed; the table still
 * works for the processes tracked by hand. */
int proc_events_listen(ProcEvents *p, sd_event *event);
ProcEvents *proc_events_free(ProcEvents *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(ProcEvents *, proc_events_free);

/* Tracks PID (a thread group id) as OWNER's (copied); its descendants forked from now on are
 * OWNER's too. Replaces what the table knew of PID. */
int proc_events_track(ProcEvents *p, pid_t pid, const char *owner);
/* Forgets every entry of OWNER (a unit that stopped: all its processes are gone). */
void proc_events_forget_owner(ProcEvents *p, const char *owner);
/* What the connector reports, also callable directly (tests). Threads are ignored. */
void proc_events_on_fork(ProcEvents *p, pid_t parent_tgid, pid_t child_pid, pid_t child_tgid);
void proc_events_on_exit(ProcEvents *p, pid_t pid, pid_t tgid);

/* The owner of PID, or NULL; reads what the connector has queued first, so a child forked
 * just before its record was printed is known. The string lives until the entry goes. */
const char *proc_events_owner(ProcEvents *p, pid_t pid);
/* Reads the queued events now (at most PROC_EVENTS_BURST_MAX). */
void proc_events_flush(ProcEvents *p);

/* Events lost (socket overruns) and children not tracked (table full). */
uint64_t proc_events_lost(const ProcEvents *p);
bool proc_events_listening(const ProcEvents *p);
size_t proc_events_size(const ProcEvents *p);
