/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager's unit table: loading units from the search path, the enabled set, the
 * filter cache, daemon-reload, orderly shutdown, and the operations the control plane
 * calls (start, stop, restart, reload, kill, reset-failed, enable, disable). Every
 * operation returns -errno and, on failure, a human sentence in *ret_message.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "hashmap.h"
#include "macro.h"
#include "core/manager.h"
#include "core/unit.h"


/* Named limits. */
#define MANAGER_ENABLED_FILE_MAX (32u * 1024u * 1024u) /* room for MANAGER_UNITS_MAX long names */
/* Entries read from one units directory (any kind: unit files, drop-in directories,
 * others); a directory with more is a loading error, never a silent cut. */
#define MANAGER_DIR_ENTRIES_MAX (1024u * 1024u)

/* The unit module's part of manager_startup() and manager_free(). */
int manager_units_setup(Manager *m);
void manager_units_release(Manager *m);

/* Loads every *.service from the search path (templates are not instantiated). A unit with
 * errors is kept in load state "error"; its diagnostics are logged once. Fails (logged) when
 * a units directory exists but cannot be listed, or when the search path holds more than
 * MANAGER_UNITS_MAX units: the daemon must not run with part of its units. */
int manager_load_all(Manager *m);
/* Starts every enabled unit that has [Install] WantedBy=, in After=/Before= order
 * (manager-order.h). */
int manager_start_enabled_units(Manager *m);
/* Stops every active unit, each once the units ordered after it are down (manager-order.h).
 * The Manager ends the loop once the last one is inactive (manager_unit_deactivated()). */
void manager_stop_all(Manager *m);
/* An orphan was reaped: in process-group mode a stopping unit may be empty now. */
void manager_orphan_reaped(Manager *m, pid_t pid);
/* Unloads, soon, removed units that are inactive and hold nothing any more. */
void manager_schedule_gc(Manager *m);
/* Called by the service state machine after a unit reached an inactive state. */
void manager_unit_inactive(Manager *m, Unit *u);

/* The operations of the control plane. They take the Manager, return 0 or -errno, and on failure may set *ret_message (to be freed)
 * to a sentence for the client. */

/* Finds a loaded unit, or loads NAME (an instance of a template, too) on demand. */
int manager_load_unit(Manager *m, const char *name, Unit **ret, char **ret_message);
int manager_start_unit(Manager *m, const char *name, char **ret_message);
int manager_stop_unit(Manager *m, const char *name, char **ret_message);
int manager_restart_unit(Manager *m, const char *name, char **ret_message);
/* Restarts U alone, without the units that depend on it (manager-deps.h). */
int manager_restart_one(Manager *m, Unit *u, char **ret_message);
int manager_reload_unit(Manager *m, const char *name, char **ret_message);
int manager_kill_unit(Manager *m, const char *name, int signo, char **ret_message);
int manager_reset_failed(Manager *m, const char *name, char **ret_message); /* NULL: all */
int manager_enable_unit(Manager *m, const char *name, char **ret_message);
int manager_disable_unit(Manager *m, const char *name, char **ret_message);
bool manager_unit_is_enabled(Manager *m, const char *name);
/* Re-reads the search path. Fails without changing anything when it cannot be listed. */
int manager_daemon_reload(Manager *m, char **ret_message);

/* Finds the unit a pid belongs to: main or control pid, else cgroup membership. */
Unit *manager_find_unit_by_pid(Manager *m, pid_t pid);
/* The unit PID belongs to now: one of its processes that has not exited, or (with cgroups)
 * the unit whose cgroup it is in. Never by a pid remembered from a process that exited,
 * which another process may have by now. For what a process says about itself (notify). */
Unit *manager_find_unit_by_live_pid(Manager *m, pid_t pid);
