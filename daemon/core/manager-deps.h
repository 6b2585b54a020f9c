/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Requirement dependencies between service units, as systemd.unit(5) defines them:
 *
 *   pulling in   Starting a unit also starts what it Wants=, Requires= or BindsTo=, and
 *                what is linked from NAME.wants/ or NAME.requires/ in a units directory,
 *                transitively. They join the ordered start queue (manager-order.h), so
 *                After=/Before= decide who goes first. A Wants= unit that cannot be loaded
 *                is skipped; a Requires=/BindsTo= one fails the start.
 *   stopping     Stopping a unit explicitly also stops the active units that Requires=,
 *                BindsTo= or are PartOf= it (transitively), units ordered after another
 *                first. A unit that goes down for any reason stops the units BindsTo= it.
 *   restarting   Restarting a unit also restarts the active units that Requires=,
 *                BindsTo= or are PartOf= it, transitively, each once (a PartOf= cycle
 *                ends).
 *   reloading    Reloading a unit also reloads the active units with
 *                ReloadPropagatedFrom= it and those it PropagatesReloadTo=.
 *   failing      A queued unit whose Requires=/BindsTo= unit is ordered before it and
 *                failed is not started ("dependency failed").
 *
 * ".target" names never reach here: targets are not managed and count as reached at all
 * times (syscage.service(5), "Targets"); the parser drops them from these lists.
 */
#pragma once

#include <stdbool.h>

#include "core/unit.h"

typedef struct Manager Manager;

/* Most units one start pulls in, the unit itself included. */
#define MANAGER_DEPS_PULL_MAX 1024U

/* Starts U with what it pulls in. Returns what service_start() returns for U (-EALREADY
 * when it is up already), 0 when U waits in the queue for a unit ordered before it, or a
 * negative errno with *RET_MESSAGE set when a required unit cannot be loaded. */
int manager_deps_start(Manager *m, Unit *u, char **ret_message);

/* Queues what U pulls in for an ordered start, not U itself (the enabled set at start-up). */
int manager_deps_queue_pulled_in(Manager *m, Unit *u, char **ret_message);

/* Stops U and the units that depend on it, see above. Returns what service_stop() returns
 * for U, or 0 when U waits for a dependent to stop first. */
int manager_deps_stop(Manager *m, Unit *u, char **ret_message);

/* Restarts the active units that Requires=, BindsTo= or are PartOf= U. */
void manager_deps_restart_dependents(Manager *m, Unit *u);

/* Reloads the units a reload of U propagates to. */
void manager_deps_reload_propagate(Manager *m, Unit *u);

/* U went down: stops the units bound to it. */
void manager_deps_unit_inactive(Manager *m, Unit *u);

/* Whether queued unit U must not start: a unit it Requires= or BindsTo= and is ordered
 * after has failed. Sets *ret_name to that unit's name. */
bool manager_deps_failed(Manager *m, const Unit *u, const char **ret_name);
