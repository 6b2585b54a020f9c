/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Ordered start of the enabled units and ordered shutdown (see manager-order.h). Nothing
 * here allocates on the stop path, so shutdown proceeds under memory pressure too.
 */
#include <string.h>

#include "sys/log.h"
#include "core/manager-deps.h"
#include "core/manager-order.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service.h"
#include "strv.h"

bool manager_order_after(const Unit *a, const Unit *b) {
        if (a == b)
                return false;
        return (a->config && unit_named_in(b, a->config->after)) ||
               (b->config && unit_named_in(a, b->config->before));
}

/* Whether any loaded unit orders itself at all. Most setups have none, and then every
 * "blocked" question has the answer no without comparing every pair of units. */
static bool any_ordering(Manager *m) {
        Unit *u;
        HASHMAP_FOREACH(u, m->units)
                if (u->config && (strv_length(u->config->after) > 0 || strv_length(u->config->before) > 0))
                        return true;
        return false;
}

int manager_order_queue_start(Manager *m, const char *name) {
        Unit *u = manager_get_unit(m, name);

        /* The queue holds units' own names: an alias would never be found in it again. */
        if (u)
                name = u->name;
        if (strv_contains(m->start_queue, name))
                return 0;
        int r = strv_extend(&m->start_queue, name);
        if (r < 0)
                return r;
        if (u) {
                u->start_queued = true;
                u->dependency_failed = u->start_canceled = false;
        }
        return 0;
}

void manager_order_requeue_taken_over(Manager *m) {
        Unit *u;

        HASHMAP_FOREACH(u, m->units)
                if (u->start_queued) {
                        u->start_queued = false;
                        if (manager_order_queue_start(m, u->name) < 0)
                                log_unit_warning(u->name, "Out of memory, its queued start is lost.");
                }
}

/* A queued start ended without a state change of its unit (dropped, refused): a job that
 * waits for it has to hear it all the same. */
static void queued_start_over(Manager *m, Unit *u) {
        if (u && m->on_unit_changed)
                m->on_unit_changed(m, u, m->on_unit_changed_userdata);
}

static bool starting(const Unit *u) {
        return u->state == SERVICE_START_PRE || u->state == SERVICE_START || u->state == SERVICE_START_POST;
}

static Unit *queued_unit(Manager *m, size_t i) {
        return hashmap_get(m->units, m->start_queue[i]);
}

/* Whether queued unit A has to wait for a unit on its way up (or, with QUEUED_TOO, also
 * for a queued one) that A is ordered after. */
static bool start_blocked(Manager *m, const Unit *a, bool queued_too) {
        Unit *b;

        if (queued_too)
                for (size_t i = 0; m->start_queue && m->start_queue[i]; i++) {
                        b = queued_unit(m, i);
                        if (b && manager_order_after(a, b))
                                return true;
                }
        HASHMAP_FOREACH(b, m->units)
                if (starting(b) && manager_order_after(a, b))
                        return true;
        return false;
}

static char *strv_take(char **l, size_t i) {
        char *name = l[i];
        memmove(l + i, l + i + 1, (strv_length(l) - i) * sizeof(char *));
        return name;
}

static char *queue_take(Manager *m, size_t i) {
        Unit *u = queued_unit(m, i);
        if (u)
                u->start_queued = false;
        return strv_take(m->start_queue, i);
}

bool manager_order_start_waits(Manager *m, const Unit *u) {
        return any_ordering(m) && start_blocked(m, u, true);
}

void manager_order_unqueue_start(Manager *m, const char *name) {
        for (size_t i = 0; m->start_queue && m->start_queue[i]; i++)
                if (streq(m->start_queue[i], name)) {
                        free(queue_take(m, i));
                        queued_start_over(m, hashmap_get(m->units, name));
                        return;
                }
}

static void start_one(Manager *m, size_t i) {
        _cleanup_free_ char *name = queue_take(m, i), *msg = NULL;
        Unit *u = hashmap_get(m->units, name);
        const char *failed;

        if (!u)
                return;
        if (manager_deps_failed(m, u, &failed)) {
                log_unit_warning(name, "Dependency failed: %s is required and failed, not starting.", failed);
                u->dependency_failed = true;
                return queued_start_over(m, u);
        }
        int r = service_start(u, &msg);
        if (r < 0 && r != -EALREADY) {
                log_unit_warning(name, "Failed to start: %s", msg ?: strerror(-r));
                queued_start_over(m, u);
        }
}

/* Starts every queued unit that may start now. A start may change other units' states,
 * so each one is judged when it is reached. */
static void start_pass(Manager *m) {
        bool started = false, ordered = any_ordering(m);

        for (size_t i = 0; m->start_queue[i];) {
                Unit *u = queued_unit(m, i);
                if (u && ordered && start_blocked(m, u, true)) {
                        i++;
                        continue;
                }
                start_one(m, i);
                started = true;
        }
        /* A start that failed at once changed no state that would call us back, yet it may
         * have released units earlier in the queue: look again. */
        if (started)
                m->order_again = true;
        if (started || !m->start_queue[0])
                return;
        /* Everything waits. If no unit on its way up will release anyone, the queue waits
         * only for itself: an ordering cycle. */
        for (size_t i = 0; m->start_queue[i]; i++) {
                Unit *u = queued_unit(m, i);
                if (u && start_blocked(m, u, false))
                        return;
        }
        log_unit_warning(m->start_queue[0], "Ordering cycle among the enabled units, starting it anyway.");
        start_one(m, 0);
        m->order_again = true;
}

static void dispatch_start(Manager *m) {
        if (m->shutdown_requested)
                while (m->start_queue && m->start_queue[0]) {
                        Unit *u = queued_unit(m, 0);
                        free(queue_take(m, 0));
                        queued_start_over(m, u);
                }
        if (m->start_queue)
                start_pass(m);
        if (m->start_queue && !m->start_queue[0])
                m->start_queue = strv_free(m->start_queue);
}

/* Whether B has to keep running: a unit ordered after it is not down yet. */
static bool stop_blocked(Manager *m, const Unit *b) {
        Unit *a;
        HASHMAP_FOREACH(a, m->units)
                if (unit_is_active_or_transitioning(a) && manager_order_after(a, b))
                        return true;
        return false;
}

static bool stop_candidate(const Unit *u) {
        return unit_is_active_or_transitioning(u) && unit_active_state(u) != UNIT_DEACTIVATING;
}

static void stop_one(Unit *u) {
        log_unit_info(u->name, "Stopping.");
        (void) service_stop(u, NULL);
}

/* Stops every unit that may stop now. Returns true when units still wait but none is on
 * its way down, so none ever will be released: an ordering cycle. */
static bool stop_pass(Manager *m) {
        bool waiting = false, ordered = any_ordering(m);
        Unit *u;

        /* service_stop() never adds or removes units (removed ones are freed later). */
        HASHMAP_FOREACH(u, m->units)
                if (stop_candidate(u) && (!ordered || !stop_blocked(m, u)))
                        stop_one(u);
        HASHMAP_FOREACH(u, m->units) {
                if (unit_active_state(u) == UNIT_DEACTIVATING)
                        return false;
                if (stop_candidate(u))
                        waiting = true;
        }
        return waiting;
}

void manager_order_unqueue_stop(Manager *m, const char *name) {
        for (size_t i = 0; m->stop_queue && m->stop_queue[i]; i++)
                if (streq(m->stop_queue[i], name)) {
                        free(strv_take(m->stop_queue, i));
                        return;
                }
}

int manager_order_queue_stop(Manager *m, const char *name) {
        if (strv_contains(m->stop_queue, name))
                return 0;
        return strv_extend(&m->stop_queue, name);
}

/* Whether A, ordered after B, has yet to go down before B may: it waits to be stopped or is
 * on its way down. */
static bool stop_waits_for(Manager *m, const Unit *a, const Unit *b) {
        return manager_order_after(a, b) &&
               (unit_active_state(a) == UNIT_DEACTIVATING ||
                (strv_contains(m->stop_queue, a->name) && stop_candidate(a)));
}

bool manager_order_stop_waits(Manager *m, const Unit *u) {
        Unit *a;
        if (!any_ordering(m))
                return false;
        HASHMAP_FOREACH(a, m->units)
                if (stop_waits_for(m, a, u))
                        return true;
        return false;
}

/* The stops requested together with a dependency (manager-deps.h): each unit goes once the
 * queued units ordered after it are down. */
static void dispatch_stop_queue(Manager *m) {
        bool moved = false, deactivating = false;
        Unit *u;

        if (m->shutdown_requested)
                m->stop_queue = strv_free(m->stop_queue);
        if (!m->stop_queue)
                return;
        for (size_t i = 0; m->stop_queue[i];) {
                u = hashmap_get(m->units, m->stop_queue[i]);
                if (u && stop_candidate(u) && manager_order_stop_waits(m, u)) {
                        i++;
                        continue;
                }
                _cleanup_free_ char *name = strv_take(m->stop_queue, i);
                if (u && stop_candidate(u))
                        stop_one(u);
                moved = true;
        }
        if (!m->stop_queue[0]) {
                m->stop_queue = strv_free(m->stop_queue);
                return;
        }
        if (moved) {
                m->order_again = true;
                return;
        }
        HASHMAP_FOREACH(u, m->units)
                if (unit_active_state(u) == UNIT_DEACTIVATING)
                        deactivating = true;
        if (deactivating)
                return;
        log_unit_warning(m->stop_queue[0], "Ordering cycle among the units to stop, stopping it anyway.");
        u = hashmap_get(m->units, m->stop_queue[0]);
        free(strv_take(m->stop_queue, 0));
        if (u && stop_candidate(u))
                stop_one(u);
        m->order_again = true;
}

static void dispatch_stop(Manager *m) {
        Unit *u;

        dispatch_stop_queue(m);
        if (!m->shutdown_requested || !stop_pass(m))
                return;
        log_warning("Ordering cycle among the active units, stopping the rest at once.");
        HASHMAP_FOREACH(u, m->units)
                if (stop_candidate(u))
                        stop_one(u);
}

void manager_order_dispatch(Manager *m) {
        if (!m->start_queue && !m->stop_queue && !m->shutdown_requested)
                return;
        /* Starting or stopping a unit changes states, which calls back here: the outer call
         * loops instead. */
        if (m->order_busy) {
                m->order_again = true;
                return;
        }
        m->order_busy = true;
        do {
                m->order_again = false;
                dispatch_start(m);
                dispatch_stop(m);
        } while (m->order_again);
        m->order_busy = false;
}
