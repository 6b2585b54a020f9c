/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Ordering between units (After=, Before=), applied where the daemon starts or stops units
 * in bulk: the enabled units at start-up, and every active unit at shutdown.
 *
 * "A is ordered after B" when A says After=B or B says Before=A; only loaded units take
 * part, and a name that is not loaded orders nothing. As in systemd, ordering is not a
 * dependency: it never starts or stops a unit by itself.
 *
 * Start-up: the enabled units wait in a queue. A queued unit starts once no unit it is
 * ordered after is still queued or still on its way up (start-pre, start, start-post);
 * whether that unit came up or failed does not matter. Shutdown: a unit is stopped once
 * every unit ordered after it is inactive, so the reverse order holds on the way down. A
 * cycle is not an error: when nothing can move, the first waiting unit (start-up) or every
 * remaining unit (shutdown) goes ahead, with a warning.
 *
 * Starts and stops requested by clients are ordered when they pull in or stop other units
 * (manager-deps.h): the units pulled in join the start queue, and the requested unit joins
 * it too when it is ordered after one of them; the dependents stopped with a unit wait in
 * the stop queue, and each goes once the queued units ordered after it are down.
 */
#pragma once

#include <stdbool.h>

#include "core/unit.h"

typedef struct Manager Manager;

/* Whether A is ordered after B. */
bool manager_order_after(const Unit *a, const Unit *b);

/* Queues a unit for an ordered start; manager_order_dispatch() starts it when its turn
 * comes. Returns 0 or -ENOMEM. */
int manager_order_queue_start(Manager *m, const char *name);

/* Queues again the starts that were queued when the previous daemon re-executed (their
 * units' Unit.start_queued came back from the state files); manager_start_enabled_units()
 * dispatches them. */
void manager_order_requeue_taken_over(Manager *m);

/* Whether U, asked to start now, has to wait for a unit it is ordered after (one queued or
 * on its way up). */
bool manager_order_start_waits(Manager *m, const Unit *u);

/* Takes NAME out of the start queue, if it is there. */
void manager_order_unqueue_start(Manager *m, const char *name);

/* Takes NAME out of the stop queue, if it is there: a start overrides a stop not done yet. */
void manager_order_unqueue_stop(Manager *m, const char *name);

/* Queues a unit for an ordered stop. Returns 0 or -ENOMEM. */
int manager_order_queue_stop(Manager *m, const char *name);

/* Whether U, asked to stop now, has to wait for a unit ordered after it (one queued to stop
 * or on its way down). */
bool manager_order_stop_waits(Manager *m, const Unit *u);

/* Starts what may start and, once shutdown was requested, stops what may stop. Called when
 * the set of such units may have changed; cheap when nothing waits. Never fails: a unit
 * that cannot start or stop is logged and skipped. */
void manager_order_dispatch(Manager *m);
