/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The unit table's life: loading units (one bad unit never stops the others), the enabled
 * set in STATE_DIR/enabled, daemon-reload, shutdown in reverse start order, and the
 * operations of the control plane.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/cgroup.h"
#include "core/denial-feed.h"
#include "sys/audit-status.h"
#include "sys/proc-events.h"
#include "sys/log.h"
#include "core/manager-deps.h"
#include "core/manager-order.h"
#include "core/manager-baseline.h"
#include "core/manager-units.h"
#include "core/unit-runtime.h"
#include "exec/filter-cache.h"
#include "core/manager.h"
#include "io/notify.h"
#include "io/output.h"
#include "core/service.h"
#include "message.h"
#include "strv.h"
#include "unit-name.h"
#include "unit-dropin.h"
#include "core/unit-events.h"
#include "core/unit-load.h"

static void closedirp(DIR **d) {
        if (*d)
                (void) closedir(*d);
}

/* The unit module's part of manager_startup(): output capture, the notify socket and the
 * kernel log reader. */
int manager_units_setup(Manager *m) {
        int r;

        unit_events_setup_logging();
        r = output_context_new(m->event, m->state_dir, &m->output);
        if (r < 0)
                return r;
        if (m->log_max_file_bytes > 0)
                m->output->max_file_bytes = m->log_max_file_bytes;
        if (m->log_max_files > 0)
                m->output->files_kept = m->log_max_files;
        /* Output streams survive a crash through their spool files (io/output.h). */
        if (asprintf(&m->output->spool_dir, "%s/output", m->runtime_dir) < 0)
                return -ENOMEM;
        if (mkdir(m->output->spool_dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        (void) unit_events_setup_notify(m);
        (void) unit_events_setup_kmsg(m);
        return 0;
}

/* The unit module's part of manager_free(). */
void manager_units_release(Manager *m) {
        Unit *u;

        /* The last states (after shutdown) reach the status files. */
        unit_flush_status_files(m);
        while ((u = hashmap_steal_first(m->units)))
                unit_free(u);
        sd_event_source_disable_unref(m->status_source);
        for (size_t i = 0; i < MANAGER_RECENT_FILTERS; i++)
                m->recent_filters[i] = filter_entry_unref(m->recent_filters[i]);
        manager_baseline_release(m); /* holds an entry of the cache */
        hashmap_free(m->filters);
        policy_store_free(m->policies);
        output_context_free(m->output);
        notify_server_free(m->notify);
        m->denials = denial_feed_free(m->denials);
        proc_events_free(m->proc_events);
        sd_event_source_disable_unref(m->gc_source);
        free(m->notify_socket);
        string_set_done(&m->enabled);
        strv_free(m->start_queue);
        strv_free(m->stop_queue);
}

/* ---- loading ---- */

static int manager_add_loaded(Manager *m, Unit *u) {
        int r = manager_add_unit(m, u->name, u);
        if (r < 0)
                return r;
        unit_write_status_file(u);
        return 0;
}

/* Adds NAME to the names of the search path, within MANAGER_UNITS_MAX. */
static int unit_names_add(StringSet *l, const char *name) {
        if (l->n >= MANAGER_UNITS_MAX && !string_set_contains(l, name))
                return -E2BIG;
        return string_set_add(l, name);
}

/* Adds the names in one directory. A directory that does not exist is fine; one that exists
 * but cannot be read is an error: loading without it would silently lose its units. */
static int collect_dir(const char *dir, StringSet *l) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        size_t n = 0;
        int r;

        if (!d) {
                if (errno == ENOENT)
                        return 0;
                return log_error_errno(errno, "Failed to open units directory %s: %m", dir);
        }
        for (;;) {
                struct dirent *de;

                errno = 0;
                de = readdir(d);
                if (!de)
                        break;
                if (++n > MANAGER_DIR_ENTRIES_MAX)
                        return log_error_errno(E2BIG, "Units directory %s has more than %u entries.",
                                               dir, MANAGER_DIR_ENTRIES_MAX);
                if (!unit_name_is_valid(de->d_name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                        continue;
                r = unit_names_add(l, de->d_name);
                if (r == -E2BIG)
                        return log_error_errno(r, "More than %u units in the search path (at %s).",
                                               MANAGER_UNITS_MAX, dir);
                if (r < 0)
                        return log_oom();
        }
        if (errno != 0)
                return log_error_errno(errno, "Failed to read units directory %s: %m", dir);
        return 0;
}

/* Collects the *.service names in the search path (no templates), without duplicates, in
 * time linear in their number. Logs its errors. */
static int collect_names(Manager *m, StringSet *ret) {
        _cleanup_(string_set_done) StringSet l = {};
        int r;

        STRV_FOREACH(dir, m->units_dirs) {
                r = collect_dir(*dir, &l);
                if (r < 0)
                        return r;
        }
        *ret = l;
        l = (StringSet) {};
        return 0;
}

/* Loads the names not loaded yet. One unit that fails to load never stops the others; the
 * unit table being full does, as an error. */
static int manager_load_names(Manager *m, const StringSet *l) {
        for (size_t i = 0; i < l->n; i++) {
                const char *n = l->items[i];
                Unit *u;
                int r;

                if (manager_get_unit(m, n))
                        continue;
                r = unit_load_from_disk(m, n, &u);
                if (r < 0) {
                        log_unit_error_errno(n, r, "Failed to load unit, skipping: %m");
                        continue;
                }
                if (manager_get_unit(m, u->name)) { /* N is an alias of a loaded unit */
                        unit_free(u);
                        continue;
                }
                r = manager_add_loaded(m, u);
                if (r < 0) {
                        unit_free(u);
                        if (r == -E2BIG)
                                return log_error_errno(r, "Failed to add %s: the daemon holds %u units, "
                                                       "the most it may.", n, MANAGER_UNITS_MAX);
                        log_unit_error_errno(n, r, "Failed to add unit, skipping: %m");
                }
        }
        return 0;
}

int manager_load_all(Manager *m) {
        _cleanup_(string_set_done) StringSet l = {};
        int r = collect_names(m, &l);
        if (r < 0)
                return r;
        r = manager_load_names(m, &l);
        if (r < 0)
                return r;
        log_info("Loaded %zu unit(s).", hashmap_size(m->units));
        return 0;
}

int manager_load_unit(Manager *m, const char *name, Unit **ret, char **ret_message) {
        Unit *u = manager_get_unit(m, name);
        int r;

        if (u) {
                *ret = u;
                return 0;
        }
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                return set_message(ret_message, "Invalid unit name '%s'.", name), -EINVAL;
        r = unit_load_from_disk(m, name, &u);
        if (r < 0)
                return set_message(ret_message, "Failed to load %s: %s", name, strerror(-r)), r;
        if (u->load_state == UNIT_NOT_FOUND) {
                unit_free(u);
                return set_message(ret_message, "Unit %s not found.", name), -ENOENT;
        }
        /* NAME is an alias of a unit loaded before the alias was made: that unit. */
        Unit *known = manager_get_unit(m, u->name);
        if (known) {
                unit_free(u);
                *ret = known;
                return 0;
        }
        r = manager_add_loaded(m, u);
        if (r < 0) {
                unit_free(u);
                return set_message(ret_message, "Too many units."), r;
        }
        *ret = u;
        return 0;
}

static int reload_one(Manager *m, Unit *u);

/* ---- the enabled set ---- */

static int enabled_path(Manager *m, const char *suffix, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s/enabled%s", m->state_dir, suffix);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* The enabled set becomes L (taken). */
static void enabled_take(Manager *m, StringSet *l) {
        string_set_done(&m->enabled);
        m->enabled = *l;
        *l = (StringSet) {};
}

static int enabled_read(Manager *m) {
        char path[4096], line[UNIT_NAME_MAX + 2];
        _cleanup_(string_set_done) StringSet set = {};
        size_t total = 0;
        int r;

        if (enabled_path(m, "", path, sizeof path) < 0)
                return -ENAMETOOLONG;
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f && errno != ENOENT)
                return -errno;
        while (f && fgets(line, sizeof line, f)) {
                total += strlen(line);
                if (total > MANAGER_ENABLED_FILE_MAX)
                        return -E2BIG;
                line[strcspn(line, "\r\n")] = '\0';
                char *s = line + strspn(line, " \t");
                if (isempty(s) || s[0] == '#' || !unit_name_is_valid(s, UNIT_NAME_ANY))
                        continue;
                r = string_set_add(&set, s);
                if (r < 0)
                        return r;
        }
        enabled_take(m, &set);
        return 0;
}

/* Writes the set to a temporary file and renames it over the old one. */
static int enabled_write(Manager *m, char **set) {
        char path[4096], tmp[4096];
        if (enabled_path(m, "", path, sizeof path) < 0 || enabled_path(m, ".tmp", tmp, sizeof tmp) < 0)
                return -ENAMETOOLONG;
        _cleanup_fclose_ FILE *f = fopen(tmp, "we");
        if (!f)
                return -errno;
        STRV_FOREACH(s, set)
                fprintf(f, "%s\n", *s);
        if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) < 0) {
                (void) unlink(tmp);
                return -EIO;
        }
        if (rename(tmp, path) < 0) {
                int r = -errno;
                (void) unlink(tmp);
                return r;
        }
        return 0;
}

bool manager_unit_is_enabled(Manager *m, const char *name) {
        return string_set_contains(&m->enabled, name);
}

/* [Install] Alias=: on enable, a symlink ALIAS -> the unit's file in the first units
 * directory, as systemctl makes one; on disable, such links to the unit are removed. A name
 * taken by something else is left alone, with a warning. Returns how many links changed. */
static int enabled_aliases(Manager *m, Unit *u, bool enable) {
        const char *dir = m->units_dirs ? m->units_dirs[0] : NULL;
        int changed = 0;

        if (!dir || !u->config || !u->file || !u->file->fragment)
                return 0;
        STRV_FOREACH(a, u->config->alias) {
                _cleanup_free_ char *path = NULL, *resolved = NULL;
                char target[PATH_MAX];
                ssize_t n;

                if (streq(*a, u->name) || asprintf(&path, "%s/%s", dir, *a) < 0)
                        continue;
                n = readlink(path, target, sizeof target - 1);
                if (n >= 0) {
                        target[n] = '\0';
                        bool ours = unit_alias_resolve(*a, m->units_dirs, &resolved) >= 0 && streq(resolved, u->name);
                        if (!ours)
                                log_unit_warning(u->name, "Alias %s is a link to %s, not to this unit, leaving it.",
                                                 path, target);
                        else if (!enable && unlink(path) >= 0) {
                                log_unit_info(u->name, "Removed \"%s\".", path);
                                changed++;
                        }
                        continue;
                }
                if (!enable)
                        continue;
                if (errno != ENOENT || symlink(u->file->fragment, path) < 0) {
                        log_unit_warning_errno(u->name, errno, "Failed to create the alias %s: %m", path);
                        continue;
                }
                log_unit_info(u->name, "Created symlink %s \u2192 %s.", path, u->file->fragment);
                changed++;
        }
        return changed;
}

static bool unit_has_install_config(const Unit *u) {
        return u->config && (strv_length(u->config->wanted_by) > 0 || strv_length(u->config->required_by) > 0 ||
                             strv_length(u->config->alias) > 0);
}

static int enabled_change(Manager *m, const char *name, bool enable, char **ret_message) {
        _cleanup_(string_set_done) StringSet set = {};
        Unit *u = NULL;
        int r;

        /* By any of its names: the enabled set holds the unit's own. */
        if (enable || manager_get_unit(m, name)) {
                r = manager_load_unit(m, name, &u, ret_message);
                if (r < 0)
                        return r;
                name = u->name;
        }
        if (enable && u->config && !unit_has_install_config(u)) {
                /* As systemctl: nothing to do, and not an error (syscagectl says why). */
                log_unit_info(name, "Not enabled: the unit file has no installation config "
                              "([Install] WantedBy=, RequiredBy=, Alias=).");
                return 0;
        }
        if (u && enabled_aliases(m, u, enable) > 0 && !unit_is_active_or_transitioning(u))
                (void) reload_one(m, u); /* the new names, and their drop-ins */
        if (enable && u->config && strv_length(u->config->wanted_by) == 0 && strv_length(u->config->required_by) == 0)
                log_unit_notice(name, "Enabled, but has no [Install] WantedBy=: it will not start with the daemon.");
        STRV_FOREACH(s, m->enabled.items)
                if (!streq(*s, name) && (r = string_set_add(&set, *s)) < 0)
                        return r;
        if (enable && (r = string_set_add(&set, name)) < 0)
                return r;
        r = enabled_write(m, set.items);
        if (r < 0)
                return set_message(ret_message, "Failed to write the enabled set: %s", strerror(-r)), r;
        enabled_take(m, &set);
        return 0;
}

int manager_enable_unit(Manager *m, const char *name, char **ret_message) {
        return enabled_change(m, name, true, ret_message);
}

int manager_disable_unit(Manager *m, const char *name, char **ret_message) {
        return enabled_change(m, name, false, ret_message);
}

int manager_start_enabled_units(Manager *m) {
        int r = enabled_read(m);
        if (r < 0)
                log_warning_errno(r, "Failed to read the enabled set, starting nothing: %m");
        STRV_FOREACH(name, m->enabled.items) {
                _cleanup_free_ char *msg = NULL;
                Unit *u;
                r = manager_load_unit(m, *name, &u, &msg);
                if (r < 0) {
                        log_unit_warning(*name, "Enabled but cannot be loaded: %s", msg ?: strerror(-r));
                        continue;
                }
                if (!u->config || strv_length(u->config->wanted_by) == 0)
                        continue;
                /* As a start request would be refused (a requirement missing or masked), so
                 * is the start at boot. */
                if (manager_deps_queue_pulled_in(m, u, &msg) < 0) {
                        log_unit_warning(*name, "Failed to pull in its dependencies, not starting: %s",
                                         msg ?: "Out of memory.");
                        continue;
                }
                r = manager_order_queue_start(m, *name);
                if (r < 0) {
                        /* Out of memory: start it now rather than never. */
                        r = service_start(u, &msg);
                        if (r < 0 && r != -EALREADY)
                                log_unit_warning(*name, "Failed to start: %s", msg ?: strerror(-r));
                }
        }
        manager_order_dispatch(m);
        return 0;
}

/* ---- shutdown, inactive units, daemon-reload ---- */

void manager_stop_all(Manager *m) {
        manager_order_dispatch(m);
}

void manager_orphan_reaped(Manager *m, pid_t pid) {
        Unit *u;
        if (m->cgroup && m->cgroup->available)
                return; /* cgroup.events tells us */
        HASHMAP_FOREACH(u, m->units)
                if (unit_active_state(u) == UNIT_DEACTIVATING)
                        service_check_empty(u);
}

static int on_gc(sd_event_source *s, void *userdata) {
        Manager *m = userdata;
        _cleanup_free_ Unit **dead = calloc(hashmap_size(m->units) + 1, sizeof(Unit *));
        size_t k = 0;
        Unit *u;

        m->gc_source = sd_event_source_disable_unref(m->gc_source);
        if (!dead)
                return 0;
        HASHMAP_FOREACH(u, m->units)
                if (u->removed && !unit_is_active_or_transitioning(u) && u->n_procs == 0 &&
                    !u->holds_activity)
                        dead[k++] = u;
        for (size_t i = 0; i < k; i++) {
                log_unit_debug(dead[i]->name, "Unloading removed unit.");
                (void) manager_remove_unit(m, dead[i]->name);
                unit_remove_status_file(dead[i]);
                if (m->on_unit_changed)
                        m->on_unit_changed(m, dead[i], m->on_unit_changed_userdata);
                unit_free(dead[i]);
        }
        return 0;
}

void manager_schedule_gc(Manager *m) {
        if (m->gc_source)
                return;
        int r = sd_event_add_defer(m->event, &m->gc_source, on_gc, m);
        if (r < 0)
                log_debug_errno(r, "Failed to schedule unit unloading, ignoring: %m");
}

void manager_unit_inactive(Manager *m, Unit *u) {
        /* Before a reload swaps the configuration: it names the directories kept. */
        unit_runtime_settled(u, u->restart_requested && !m->shutdown_requested && !u->removed);
        if (u->pending)
                unit_take_load(u, TAKE_PTR(u->pending));
        if (u->removed) {
                manager_schedule_gc(m);
                return;
        }
        if (u->restart_requested && !m->shutdown_requested) {
                _cleanup_free_ char *msg = NULL;
                u->restart_requested = false;
                if (service_start(u, &msg) < 0 && msg)
                        log_unit_warning(u->name, "Failed to restart: %s", msg);
        }
}

/* Re-reads one known unit: an inactive one takes the new load at once, an active one keeps
 * running with its old configuration and takes the new one at its next start. */
static int reload_one(Manager *m, Unit *u) {
        Unit *fresh;
        int r = unit_load_from_disk(m, u->name, &fresh);
        if (r < 0)
                return r;
        if (fresh->load_state == UNIT_NOT_FOUND) {
                unit_free(fresh);
                u->removed = true;
                if (!unit_is_active_or_transitioning(u))
                        manager_schedule_gc(m);
                return 0;
        }
        u->removed = false;
        unit_free(u->pending);
        u->pending = NULL;
        if (unit_is_active_or_transitioning(u))
                u->pending = fresh;
        else
                unit_take_load(u, fresh);
        unit_write_status_file(u);
        return 0;
}

/* The search path is listed first: when that fails (a directory became unreadable), nothing
 * changes, since reloading without its units would unload them. */
int manager_daemon_reload(Manager *m, char **ret_message) {
        _cleanup_(string_set_done) StringSet names = {};
        size_t n = hashmap_size(m->units), k = 0;
        _cleanup_free_ Unit **list = NULL;
        Unit *u;
        int r;

        _cleanup_free_ char *baseline_error = NULL;
        int baseline_r;

        r = collect_names(m, &names);
        if (r < 0)
                return set_message(ret_message, "Failed to list the units, nothing reloaded: %s",
                                   strerror(-r)), r;
        /* First, so that units reloaded below and started after this get the new one. A bad
         * file keeps the previous baseline; the units are reloaded all the same, and the
         * caller hears about the baseline. */
        baseline_r = manager_baseline_reload(m, &baseline_error);
        list = calloc(n + 1, sizeof(Unit *));
        if (!list)
                return set_message(ret_message, "Out of memory."), -ENOMEM;
        HASHMAP_FOREACH(u, m->units)
                list[k++] = u;
        for (size_t i = 0; i < k; i++) {
                r = reload_one(m, list[i]);
                if (r < 0)
                        log_unit_warning_errno(list[i]->name, r, "Failed to reload, keeping the old configuration: %m");
        }
        r = manager_load_names(m, &names);
        if (r >= 0)
                r = enabled_read(m);
        if (r < 0)
                return set_message(ret_message, "Failed to reload: %s", strerror(-r)), r;
        log_info("Reloaded, %zu unit(s).", hashmap_size(m->units));
        if (baseline_r < 0)
                return set_message(ret_message, "%s", baseline_error ?: "Baseline not reloaded."), baseline_r;
        return 0;
}

/* ---- the control plane ---- */

static int get_loaded(Manager *m, const char *name, Unit **ret, char **ret_message) {
        Unit *u = manager_get_unit(m, name);
        if (!u)
                return set_message(ret_message, "Unit %s not loaded.", name), -ENOENT;
        *ret = u;
        return 0;
}

int manager_start_unit(Manager *m, const char *name, char **ret_message) {
        Unit *u;
        int r = manager_load_unit(m, name, &u, ret_message);
        if (r < 0)
                return r;
        r = manager_deps_start(m, u, ret_message);
        return r == -EALREADY ? 0 : r;
}

int manager_stop_unit(Manager *m, const char *name, char **ret_message) {
        Unit *u;
        int r = get_loaded(m, name, &u, ret_message);
        if (r < 0)
                return r;
        r = manager_deps_stop(m, u, ret_message);
        return r == -EALREADY ? 0 : r;
}

int manager_restart_one(Manager *m, Unit *u, char **ret_message) {
        int r;

        if (!unit_is_active_or_transitioning(u) || u->state == SERVICE_AUTO_RESTART)
                return manager_start_unit(m, u->name, ret_message);
        /* A stop that ends at once must not take RuntimeDirectoryPreserve=restart's directories. */
        unit_runtime_restarting(u, true);
        r = service_stop(u, ret_message);
        unit_runtime_restarting(u, false);
        if (r < 0 && r != -EALREADY)
                return r;
        if (unit_is_active_or_transitioning(u)) {
                u->restart_requested = true; /* started again once inactive */
                return 0;
        }
        r = manager_start_unit(m, u->name, ret_message);
        if (r < 0)
                unit_runtime_settled(u, false);
        return r;
}

int manager_restart_unit(Manager *m, const char *name, char **ret_message) {
        Unit *u;
        int r = manager_load_unit(m, name, &u, ret_message);
        if (r < 0)
                return r;
        bool was_up = unit_is_active_or_transitioning(u) && u->state != SERVICE_AUTO_RESTART;
        r = manager_restart_one(m, u, ret_message);
        if (r >= 0 && was_up)
                manager_deps_restart_dependents(m, u);
        return r;
}

int manager_reload_unit(Manager *m, const char *name, char **ret_message) {
        Unit *u;
        int r = get_loaded(m, name, &u, ret_message);
        if (r < 0)
                return r;
        r = service_reload(u, ret_message);
        if (r >= 0)
                manager_deps_reload_propagate(m, u);
        return r;
}

int manager_kill_unit(Manager *m, const char *name, int signo, char **ret_message) {
        Unit *u;
        int r = get_loaded(m, name, &u, ret_message);
        if (r < 0)
                return r;
        return service_kill(u, signo, ret_message);
}

int manager_reset_failed(Manager *m, const char *name, char **ret_message) {
        Unit *u;
        if (!name) {
                HASHMAP_FOREACH(u, m->units)
                        service_reset_failed(u);
                return 0;
        }
        int r = get_loaded(m, name, &u, ret_message);
        if (r < 0)
                return r;
        service_reset_failed(u);
        return 0;
}

/* The active unit whose cgroup holds PID: the pid's cgroup is read once, and the unit is the
 * one named by its last component (BASE/UNIT), if that is exactly the unit's cgroup. */
static Unit *find_unit_by_cgroup(Manager *m, pid_t pid) {
        _cleanup_free_ char *path = NULL;

        if (cgroup_pid_path(m->cgroup, pid, &path) < 0)
                return NULL;
        Unit *u = manager_get_unit(m, strrchr(path, '/') + 1);
        if (!u || !u->cgroup_path || !unit_is_active_or_transitioning(u) || !streq(u->cgroup_path, path))
                return NULL;
        return u;
}

Unit *manager_find_unit_by_live_pid(Manager *m, pid_t pid) {
        Unit *u;
        if (pid <= 0)
                return NULL;
        /* A process of a unit that has not been reaped: its pid cannot be anyone else's. */
        HASHMAP_FOREACH(u, m->units)
                for (size_t i = 0; i < u->n_procs; i++)
                        if (u->procs[i]->pid == pid && unit_process_alive(u->procs[i]))
                                return u;
        if (m->cgroup && m->cgroup->available)
                return find_unit_by_cgroup(m, pid);
        /* Process-group mode has no cgroup to go by: the remembered pids it is (the fallback's
         * documented weakness). */
        return manager_find_unit_by_pid(m, pid);
}

Unit *manager_find_unit_by_pid(Manager *m, pid_t pid) {
        Unit *u;
        if (pid <= 0)
                return NULL;
        /* Known pids first, in memory (exited ones too: the kernel's kill record comes after
         * the exit), then the pid's cgroup, read once. */
        HASHMAP_FOREACH(u, m->units) {
                for (size_t i = 0; i < u->n_procs; i++)
                        if (u->procs[i]->pid == pid)
                                return u;
                for (size_t i = 0; i < MIN(u->n_recent_pids, (size_t) UNIT_RECENT_PIDS); i++)
                        if (u->recent_pids[i] == pid)
                                return u;
                if (u->main_pid == pid && unit_is_active_or_transitioning(u))
                        return u;
        }
        return find_unit_by_cgroup(m, pid);
}
