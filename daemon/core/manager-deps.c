/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Requirement dependencies (see manager-deps.h): the set one start pulls in, and the stops,
 * restarts and reloads that propagate from one unit to those that depend on it.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "core/manager-deps.h"
#include "core/manager-order.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service.h"
#include "message.h"
#include "strv.h"
#include "sys/log.h"
#include "unit-name.h"

static void closedirp(DIR **d) {
        if (*d)
                (void) closedir(*d);
}

/* Adds the service names linked from DIR/NAME.SUFFIX/ (what `systemctl enable` and
 * generators create) to *L. A directory that is not there adds nothing. */
static int dir_deps(const char *dir, const char *name, const char *suffix, char ***l) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof(path), "%s/%s%s", dir, name, suffix);
        if (n < 0 || (size_t) n >= sizeof(path))
                return 0;
        _cleanup_(closedirp) DIR *d = opendir(path);
        if (!d)
                return 0;
        for (struct dirent *de; (de = readdir(d));) {
                if (!unit_name_is_valid(de->d_name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE) ||
                    strv_contains(*l, de->d_name))
                        continue;
                if (strv_length(*l) >= MANAGER_DEPS_PULL_MAX)
                        return -E2BIG;
                if (strv_extend(l, de->d_name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* What U pulls in: *RET_HARD (Requires=, BindsTo=, NAME.requires/) and *RET_SOFT (Wants=,
 * NAME.wants/). */
static int unit_pulls(Manager *m, const Unit *u, char ***ret_hard, char ***ret_soft) {
        _cleanup_strv_free_ char **hard = NULL, **soft = NULL;
        int r = 0;

        if (u->config) {
                STRV_FOREACH(n, u->config->requires)
                        if (!strv_contains(hard, *n) && (r = strv_extend(&hard, *n)) < 0)
                                return r;
                STRV_FOREACH(n, u->config->binds_to)
                        if (!strv_contains(hard, *n) && (r = strv_extend(&hard, *n)) < 0)
                                return r;
                STRV_FOREACH(n, u->config->wants)
                        if (!strv_contains(soft, *n) && (r = strv_extend(&soft, *n)) < 0)
                                return r;
        }
        STRV_FOREACH(dir, m->units_dirs)
                if ((r = dir_deps(*dir, u->name, ".requires", &hard)) < 0 ||
                    (r = dir_deps(*dir, u->name, ".wants", &soft)) < 0)
                        return r;
        *ret_hard = TAKE_PTR(hard);
        *ret_soft = TAKE_PTR(soft);
        return 0;
}

/* Loads NAME and adds it to *SET. Only a required unit that cannot be loaded, or that is
 * down and could not start (masked, a unit file with errors), is an error: the start that
 * pulls it in is refused, as systemd refuses the transaction. */
static int pull_one(Manager *m, const Unit *by, const char *name, bool required, char ***set,
                    char **ret_message) {
        _cleanup_free_ char *msg = NULL;
        Unit *v;

        if (strv_contains(*set, name))
                return 0;
        if (strv_length(*set) >= MANAGER_DEPS_PULL_MAX)
                return set_message(ret_message, "%s pulls in more than %u units.", by->name,
                                   MANAGER_DEPS_PULL_MAX), -E2BIG;
        int r = manager_load_unit(m, name, &v, &msg);
        /* The set holds units' own names (NAME may be an alias). */
        if (r >= 0 && strv_contains(*set, v->name))
                return 0;
        if (r < 0) {
                if (required)
                        return set_message(ret_message, "%s requires %s: %s", by->name, name,
                                           msg ?: strerror(-r)), r;
                log_unit_debug(by->name, "Wants %s, which cannot be loaded, ignoring: %s", name,
                               msg ?: strerror(-r));
                return 0;
        }
        if (required && v->load_state != UNIT_LOADED && !v->pending && !unit_is_active_or_transitioning(v)) {
                if (v->load_state == UNIT_MASKED)
                        return set_message(ret_message, "%s requires %s: Unit %s is masked.", by->name,
                                           name, v->name), -ERFKILL;
                return set_message(ret_message, "%s requires %s: Unit %s is not loaded properly (%s).",
                                   by->name, name, v->name, unit_load_state_to_string(v->load_state)),
                       -ENOEXEC;
        }
        return strv_extend(set, v->name) < 0 ? -ENOMEM : 0;
}

/* Everything starting U pulls in, U first, each name once, breadth first. */
static int pull_in(Manager *m, Unit *u, char ***ret, char **ret_message) {
        _cleanup_strv_free_ char **set = NULL;
        int r;

        if (strv_extend(&set, u->name) < 0)
                return -ENOMEM;
        for (size_t i = 0; set[i]; i++) {
                _cleanup_strv_free_ char **hard = NULL, **soft = NULL;
                Unit *v = manager_get_unit(m, set[i]);
                if (!v)
                        continue;
                r = unit_pulls(m, v, &hard, &soft);
                if (r < 0)
                        return set_message(ret_message, "Failed to list what %s pulls in: %s",
                                           v->name, strerror(-r)), r;
                STRV_FOREACH(n, hard)
                        if ((r = pull_one(m, v, *n, true, &set, ret_message)) < 0)
                                return r;
                STRV_FOREACH(n, soft)
                        if ((r = pull_one(m, v, *n, false, &set, ret_message)) < 0)
                                return r;
        }
        *ret = TAKE_PTR(set);
        return 0;
}

/* Queues the pulled-in units of SET (all but the first) that are not up or on their way. */
static int queue_pulled_in(Manager *m, char **set) {
        for (size_t i = 1; set[i]; i++) {
                Unit *v = manager_get_unit(m, set[i]);
                if (!v || (unit_is_active_or_transitioning(v) &&
                           unit_active_state(v) != UNIT_DEACTIVATING))
                        continue;
                log_unit_debug(v->name, "Pulled in by %s.", set[0]);
                int r = manager_order_queue_start(m, set[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int manager_deps_queue_pulled_in(Manager *m, Unit *u, char **ret_message) {
        _cleanup_strv_free_ char **set = NULL;
        int r = pull_in(m, u, &set, ret_message);
        if (r < 0)
                return r;
        r = queue_pulled_in(m, set);
        if (r < 0)
                return set_message(ret_message, "Out of memory."), r;
        return 0;
}

int manager_deps_start(Manager *m, Unit *u, char **ret_message) {
        _cleanup_strv_free_ char **set = NULL;
        int r = pull_in(m, u, &set, ret_message);
        if (r < 0)
                return r;
        STRV_FOREACH(n, set)
                manager_order_unqueue_stop(m, *n);
        r = queue_pulled_in(m, set);
        if (r < 0)
                return set_message(ret_message, "Out of memory."), r;
        if (manager_order_start_waits(m, u)) {
                if (unit_is_active_or_transitioning(u) && unit_active_state(u) != UNIT_DEACTIVATING)
                        r = -EALREADY;
                else {
                        log_unit_info(u->name, "Waiting for the units it is ordered after.");
                        r = manager_order_queue_start(m, u->name);
                        if (r < 0)
                                set_message(ret_message, "Out of memory.");
                }
        } else
                /* Directly, so that the caller hears why it cannot start. */
                r = service_start(u, ret_message);
        manager_order_dispatch(m);
        return r;
}

/* Whether V requires, is bound to or is part of W (named by its name or an alias). */
static bool depends_on(const Unit *v, const Unit *w, bool bound_only) {
        if (!v->config || !w)
                return false;
        if (bound_only)
                return unit_named_in(w, v->config->binds_to);
        return unit_named_in(w, v->config->requires) || unit_named_in(w, v->config->binds_to) ||
               unit_named_in(w, v->config->part_of);
}

static bool up(const Unit *v) {
        return unit_is_active_or_transitioning(v) && unit_active_state(v) != UNIT_DEACTIVATING;
}

int manager_deps_stop(Manager *m, Unit *u, char **ret_message) {
        _cleanup_strv_free_ char **set = NULL;
        Unit *v;

        if (strv_extend(&set, u->name) < 0)
                return set_message(ret_message, "Out of memory."), -ENOMEM;
        /* A dependent whose start waits in the queue is stopped too: as systemd's stop job
         * replaces its start job, the start is canceled rather than run after all. */
        for (size_t i = 0; set[i]; i++)
                HASHMAP_FOREACH(v, m->units)
                        if ((up(v) || v->start_queued) && !strv_contains(set, v->name) &&
                            depends_on(v, manager_get_unit(m, set[i]), false) && strv_extend(&set, v->name) < 0)
                                return set_message(ret_message, "Out of memory."), -ENOMEM;
        for (size_t i = 1; set[i]; i++) {
                v = manager_get_unit(m, set[i]);
                if (v && v->start_queued && !up(v)) {
                        log_unit_info(v->name, "Start canceled, as it depends on %s, which stops.", u->name);
                        v->start_canceled = true;
                }
        }
        for (size_t i = 0; set[i]; i++)
                manager_order_unqueue_start(m, set[i]);
        for (size_t i = 1; set[i]; i++) {
                v = manager_get_unit(m, set[i]);
                if (v && !up(v))
                        continue;
                log_unit_info(set[i], "Stopping, as it depends on %s.", u->name);
                if (manager_order_queue_stop(m, set[i]) < 0)
                        return set_message(ret_message, "Out of memory."), -ENOMEM;
        }
        int r;
        if (manager_order_stop_waits(m, u)) {
                r = manager_order_queue_stop(m, u->name);
                if (r < 0)
                        set_message(ret_message, "Out of memory.");
        } else
                r = service_stop(u, ret_message);
        manager_order_dispatch(m);
        return r;
}

/* The units up that depend on U, transitively, U first. Each is restarted once, so a cycle
 * of PartOf= restarts every unit on it once. */
void manager_deps_restart_dependents(Manager *m, Unit *u) {
        _cleanup_strv_free_ char **set = NULL;
        Unit *v;

        if (strv_extend(&set, u->name) < 0)
                return (void) log_oom();
        for (size_t i = 0; set[i]; i++)
                HASHMAP_FOREACH(v, m->units)
                        if (up(v) && !strv_contains(set, v->name) && depends_on(v, manager_get_unit(m, set[i]), false) &&
                            strv_extend(&set, v->name) < 0)
                                return (void) log_oom();
        for (size_t i = 1; set[i]; i++) {
                _cleanup_free_ char *msg = NULL;
                v = manager_get_unit(m, set[i]);
                if (!v)
                        continue;
                log_unit_info(v->name, "Restarting, as it depends on %s.", u->name);
                int r = manager_restart_one(m, v, &msg);
                if (r < 0)
                        log_unit_warning(v->name, "Failed to restart: %s", msg ?: strerror(-r));
        }
}

void manager_deps_reload_propagate(Manager *m, Unit *u) {
        Unit *v;

        /* service_reload() never adds or removes units. */
        HASHMAP_FOREACH(v, m->units) {
                _cleanup_free_ char *msg = NULL;
                if (v == u || unit_active_state(v) != UNIT_ACTIVE || !v->config ||
                    !(unit_named_in(u, v->config->reload_propagated_from) ||
                      (u->config && unit_named_in(v, u->config->propagates_reload_to))))
                        continue;
                log_unit_info(v->name, "Reloading with %s.", u->name);
                int r = service_reload(v, &msg);
                if (r < 0)
                        log_unit_warning(v->name, "Failed to reload: %s", msg ?: strerror(-r));
        }
}

void manager_deps_unit_inactive(Manager *m, Unit *u) {
        Unit *v;

        if (m->shutdown_requested)
                return;
        HASHMAP_FOREACH(v, m->units)
                if (up(v) && depends_on(v, u, true)) {
                        log_unit_info(v->name, "Stopping, as it is bound to %s, which went down.", u->name);
                        (void) service_stop(v, NULL);
                }
}

bool manager_deps_failed(Manager *m, const Unit *u, const char **ret_name) {
        char **lists[2] = { u->config ? u->config->requires : NULL,
                            u->config ? u->config->binds_to : NULL };

        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                STRV_FOREACH(n, lists[i]) {
                        Unit *v = manager_get_unit(m, *n);
                        if (v && unit_active_state(v) == UNIT_FAILED && manager_order_after(u, v)) {
                                *ret_name = v->name;
                                return true;
                        }
                }
        return false;
}
