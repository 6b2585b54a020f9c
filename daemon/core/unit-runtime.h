/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What one activation of a unit holds outside its processes: the dynamic user it runs as,
 * its directories, its private temporary directories. Made when the activation begins
 * (before the first process, unit_runtime_start()) and undone when the unit is inactive
 * again (unit_runtime_stop()), in this order:
 *
 *   start: DynamicUser= uid -> RuntimeDirectory= and the other directories (owned by the
 *          final uid) -> PrivateTmp= directories
 *   stop:  RuntimeDirectory= removed (RuntimeDirectoryPreserve=no) -> RemoveIPC= ->
 *          PrivateTmp= directories removed -> the dynamic uid given back
 *
 * With RuntimeDirectoryPreserve=restart the runtime directory outlives the stop until the
 * unit is inactive and no restart follows (unit_runtime_settled()): an automatic restart
 * passes through "auto-restart", which is not inactive, and a requested one starts it again
 * from inactive. With yes it is never removed.
 *
 * The uid is given back only once no process of the unit is left (its cgroup is empty):
 * with KillMode=process a process may outlive the unit, and its uid must not be lent to
 * another unit meanwhile. Such a unit keeps its uid until a later stop finds it empty, or the
 * unit goes. RemoveIPC= runs only when no other active unit runs under the same uid (and,
 * for the group's objects, the same gid), as systemd does; never for root.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "core/dynamic-user.h"
#include "core/private-tmp.h"
#include "core/unit.h"

typedef struct UnitRuntime {
        DynamicUser *dynamic_user; /* a reference in Manager.dynamic_users, or NULL */
        bool dynamic;              /* DynamicUser= was in effect for this activation */
        uid_t uid;                 /* the activation's uid and gid, EXEC_*_UNSET: root's */
        gid_t gid;
        PrivateTmp private_tmp;    /* empty without PrivateTmp= */
        bool started;              /* between start and stop */
        bool runtime_dirs_kept;    /* stopped under RuntimeDirectoryPreserve=restart */
        bool restarting;           /* inside a requested restart's stop */
} UnitRuntime;

/* Sets up U's activation. -errno with a sentence in *ret_message; nothing is left then. */
int unit_runtime_start(Unit *u, char **ret_message);
/* Takes back the activation of a unit a previous daemon ran (manager-takeover.h): its
 * dynamic user again (-ESTALE when that would now be another uid than UID/GID), and its
 * private /tmp directories as they are (TMP is copied). Creates nothing. */
int unit_runtime_restore(Unit *u, uid_t uid, gid_t gid, const PrivateTmp *tmp, char **ret_message);
/* Undoes the activation (see above). Safe to call when nothing was started. */
void unit_runtime_stop(Unit *u);
/* U is inactive now; RESTARTING: it is about to start again. Removes the runtime directories
 * kept for a restart (RuntimeDirectoryPreserve=restart) when none follows. */
void unit_runtime_settled(Unit *u, bool restarting);
/* Brackets the stop of a requested restart: a unit that turns inactive meanwhile is
 * restarting. */
void unit_runtime_restarting(Unit *u, bool on);
/* At unit free: gives the uid back and forgets the rest. */
void unit_runtime_free(Unit *u);

/* The uid/gid the unit's processes run as now (EXEC_UID_UNSET / EXEC_GID_UNSET for the
 * daemon's own), dynamic or from User=/Group=. */
uid_t unit_runtime_uid(const Unit *u);
gid_t unit_runtime_gid(const Unit *u);
/* The dynamic user of the current activation, or NULL. */
const DynamicUser *unit_runtime_dynamic_user(const Unit *u);
