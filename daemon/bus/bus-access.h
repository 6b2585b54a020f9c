/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who is calling: the control plane authorises the calling process, not only its uid.
 *
 * The socket is open to everyone, and uid 0 (or the control group) may change state. But a
 * service that runs as root, without capabilities and under a filter, is uid 0 too: were it
 * allowed StartTransient, it would start an unfiltered root process, and its filter would mean
 * nothing. So at accept, a peer that the uid rules would let write is also looked up as a
 * process: its pidfd (SO_PEERPIDFD, race-free; else pidfd_open() on the SO_PEERCRED pid, best
 * effort, see process_peer_pidfd()), then manager_pid_origin() on it (known pids, the cgroup,
 * the parent chain; the pidfd proves afterwards that the pid was not reused meanwhile, so the
 * /proc reads are as good as PIDFD_GET_INFO's cgroup id on 6.13+, and work on every kernel
 * the daemon runs on; the parent chain has no pidfd equivalent anyway). A peer
 * that runs inside a unit, or anywhere under the daemon, or that cannot be told, is
 * "confined": read-only, whatever its uid, unless the unit it was established to belong to says
 * [X-Syscage] ControlAccess=full.
 */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>

#include "core/manager.h"

typedef struct Unit Unit;

/* What the control plane knows of a peer's origin. */
typedef struct BusPeerOrigin {
        bool confined;  /* inside a unit or under the daemon: read-only */
        char *unit;     /* the unit it runs in, when known; NULL otherwise */
        bool gone;      /* it exited before it could be told */
} BusPeerOrigin;

void bus_peer_origin_done(BusPeerOrigin *o);

/* The unit's [X-Syscage] ControlAccess=: whether its processes keep the state-changing
 * methods their uid allows. The one place that reads it. */
bool unit_control_access_full(const Unit *u);

/* Looks up the peer of the connected socket fd (cred from SO_PEERCRED) and fills *ret. Never
 * fails: what cannot be told is confined. */
void bus_peer_origin(Manager *m, int fd, const struct ucred *cred, BusPeerOrigin *ret);
