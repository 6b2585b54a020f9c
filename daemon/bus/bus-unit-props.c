/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd-named properties of a unit (see bus-unit-props.h). Each has systemd's name and
 * D-Bus type: times in microseconds ("t", the client formats them), ExecStart= and friends as
 * a(sasbttttuii), dependency lists as "as". The client prints them as systemctl does.
 *
 * Dependencies are what the unit files say ([Unit] Wants=/Requires=/After=/Before=, any unit
 * type, with an empty assignment resetting the list), not only what this daemon can start:
 * targets have no unit here but scripts and list-dependencies still see them named.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "bus/bus-manager-ops.h"
#include "bus/bus-unit-props.h"
#include "core/manager-units.h"
#include "core/service-exec.h"
#include "core/unit.h"
#include "exec-command.h"
#include "strv.h"
#include "sys/fileio.h"
#include "unit-config.h"

/* Bytes read from one cgroup attribute file (a decimal number and a newline). */
#define PROPS_CGROUP_ATTR_MAX 64u

static int str_compare(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* The words of every [Unit] KEY= assignment, in order; an empty assignment empties the list
 * (systemd.unit(5)). Duplicates are dropped. */
static int dependency_list(const UnitFile *f, const char *key, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;

        for (size_t i = 0; f && i < f->n_assignments; i++) {
                const UnitAssignment *a = &f->assignments[i];
                _cleanup_(strv_freep) char **words = NULL;

                if (!streq(a->section, "Unit") || !streq(a->key, key))
                        continue;
                if (isempty(a->value)) {
                        l = strv_free(l);
                        continue;
                }
                if (exec_split_words(a->value, &words) < 0)
                        continue; /* the loader reported it */
                STRV_FOREACH(w, words)
                        if (!strv_contains(l, *w) && strv_extend(&l, *w) < 0)
                                return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* Whether the [Unit] KEY= assignments of F, taken in order, end up naming NAME (an empty
 * assignment resets). Without allocating: this runs for every unit on each status request. */
static bool dependency_names(const UnitFile *f, const char *key, const char *name) {
        size_t len = strlen(name);
        bool found = false;

        for (size_t i = 0; f && i < f->n_assignments; i++) {
                const UnitAssignment *a = &f->assignments[i];

                if (!streq(a->section, "Unit") || !streq(a->key, key))
                        continue;
                if (isempty(a->value)) {
                        found = false;
                        continue;
                }
                for (const char *w = a->value; *w && !found;) {
                        size_t n;

                        w += strspn(w, " \t\"'");
                        n = strcspn(w, " \t\"'");
                        found = n == len && strncmp(w, name, n) == 0;
                        w += n;
                }
        }
        return found;
}

/* The units whose KEY= names U, plus, when U is enabled, what its [Install] section
 * (INSTALL) names: the reverse of KEY as systemd keeps it after enabling. Linear in the
 * dependency assignments of all units. */
static int reverse_list(Manager *m, const Unit *u, const char *key, char **install, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        Unit *other;

        HASHMAP_FOREACH(other, m->units)
                if (dependency_names(other->file, key, u->name) && strv_extend(&l, other->name) < 0)
                        return -ENOMEM;
        if (manager_unit_is_enabled(m, u->name))
                STRV_FOREACH(i, install)
                        if (!strv_contains(l, *i) && strv_extend(&l, *i) < 0)
                                return -ENOMEM;
        if (l)
                qsort(l, strv_length(l), sizeof(char *), str_compare);
        *ret = TAKE_PTR(l);
        return 0;
}

static int append_dependencies(Manager *m, const Unit *u, sd_bus_message *reply) {
        static const char *const keys[] = { "Wants", "Requires", "After", "Before" };
        const UnitConfig *c = u->config;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(keys); i++) {
                _cleanup_(strv_freep) char **l = NULL;
                r = dependency_list(u->file, keys[i], &l);
                if (r >= 0)
                        r = bus_append_strv(reply, keys[i], l);
        }
        for (int i = 0; r >= 0 && i < 2; i++) {
                _cleanup_(strv_freep) char **l = NULL;
                r = reverse_list(m, u, i == 0 ? "Wants" : "Requires",
                                 c ? (i == 0 ? c->wanted_by : c->required_by) : NULL, &l);
                if (r >= 0)
                        r = bus_append_strv(reply, i == 0 ? "WantedBy" : "RequiredBy", l);
        }
        return r;
}

/* One Exec*= list as systemd's a(sasbttttuii): path, argv, ignore_errors, start (realtime,
 * monotonic), exit (realtime, monotonic), pid, code, status. The main process's run is shown
 * on the ExecStart= command it ran; the monotonic times are not kept (0). */
static int append_exec(const Unit *u, ServiceExecCommand id, sd_bus_message *r) {
        const ExecCommandList *l = &u->config->exec[id];
        size_t main_index = SIZE_MAX;
        char key[64];
        int k;

        if (id == SERVICE_EXEC_START && l->n > 0 && u->main_pid > 0)
                main_index = u->config->type == SERVICE_ONESHOT ? MIN(u->command_index, l->n - 1) : 0;
        snprintf(key, sizeof key, "%s", service_exec_command_to_string(id));
        k = sd_bus_message_open_container(r, 'e', "sv");
        if (k >= 0)
                k = sd_bus_message_append(r, "s", key);
        if (k >= 0)
                k = sd_bus_message_open_container(r, 'v', "a(sasbttttuii)");
        if (k >= 0)
                k = sd_bus_message_open_container(r, 'a', "(sasbttttuii)");
        for (size_t i = 0; k >= 0 && i < l->n; i++) {
                const ExecCommand *c = &l->commands[i];
                bool ran = i == main_index;

                k = sd_bus_message_open_container(r, 'r', "sasbttttuii");
                if (k >= 0)
                        k = sd_bus_message_append(r, "s", c->path);
                if (k >= 0)
                        k = sd_bus_message_append_strv(r, c->argv);
                if (k >= 0)
                        k = sd_bus_message_append(r, "bttttuii", (int) !!(c->flags & EXEC_COMMAND_IGNORE_FAILURE),
                                                  ran ? (uint64_t) u->exec_main_start_timestamp : 0, (uint64_t) 0,
                                                  ran ? (uint64_t) u->exec_main_exit_timestamp : 0, (uint64_t) 0,
                                                  ran ? (uint32_t) u->main_pid : 0,
                                                  ran ? (int32_t) u->exec_main_code : 0,
                                                  ran ? (int32_t) u->exec_main_status : 0);
                if (k >= 0)
                        k = sd_bus_message_close_container(r);
        }
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        return k;
}

/* A cgroup attribute as a number; UINT64_MAX ("[not set]") without the file, as systemd
 * reports a counter whose controller is not enabled. */
static uint64_t cgroup_attr(const Unit *u, const char *attr) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        char *end;
        unsigned long long v;

        if (!u->cgroup_path || !u->cgroup_created || asprintf(&path, "%s/%s", u->cgroup_path, attr) < 0)
                return UINT64_MAX;
        if (read_virtual_file_at(AT_FDCWD, path, PROPS_CGROUP_ATTR_MAX, &text) < 0)
                return UINT64_MAX;
        errno = 0;
        v = strtoull(text, &end, 10);
        if (errno != 0 || end == text)
                return UINT64_MAX;
        return (uint64_t) v;
}

static const char *const rlimit_names[RLIM_NLIMITS] = {
        [RLIMIT_CPU] = "CPU",         [RLIMIT_FSIZE] = "FSIZE",           [RLIMIT_DATA] = "DATA",
        [RLIMIT_STACK] = "STACK",     [RLIMIT_CORE] = "CORE",             [RLIMIT_RSS] = "RSS",
        [RLIMIT_NOFILE] = "NOFILE",   [RLIMIT_AS] = "AS",                 [RLIMIT_NPROC] = "NPROC",
        [RLIMIT_MEMLOCK] = "MEMLOCK", [RLIMIT_LOCKS] = "LOCKS",           [RLIMIT_SIGPENDING] = "SIGPENDING",
        [RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",           [RLIMIT_RTPRIO] = "RTPRIO",
        [RLIMIT_RTTIME] = "RTTIME",
};

static uint64_t rlim_to_u64(rlim_t v) {
        return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t) v;
}

/* LimitX= and LimitXSoft=: the unit's own, else what its processes get from the daemon
 * (with the customary soft fd limit, service-exec.c). */
static int append_limits(const UnitConfig *c, sd_bus_message *r) {
        int k = 0;

        for (int i = 0; k >= 0 && i < RLIM_NLIMITS; i++) {
                struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
                char key[40], soft[48];

                if (!rlimit_names[i])
                        continue;
                if (c->rlimit_set[i])
                        rl = c->rlimit[i];
                else {
                        (void) getrlimit(i, &rl);
                        if (i == RLIMIT_NOFILE && rl.rlim_cur > SERVICE_NOFILE_SOFT_DEFAULT)
                                rl.rlim_cur = SERVICE_NOFILE_SOFT_DEFAULT;
                }
                snprintf(key, sizeof key, "Limit%s", rlimit_names[i]);
                snprintf(soft, sizeof soft, "Limit%sSoft", rlimit_names[i]);
                k = sd_bus_message_append(r, "{sv}{sv}", key, "t", rlim_to_u64(rl.rlim_max), soft, "t",
                                          rlim_to_u64(rl.rlim_cur));
        }
        return k;
}

static int working_directory(const UnitConfig *c, char **ret) {
        const char *dir = c->working_directory_home ? "~" : c->working_directory;

        if (!dir) {
                *ret = NULL;
                return 0;
        }
        /* systemd writes the "-" prefix (missing is fine) as "!". */
        return asprintf(ret, "%s%s", c->working_directory_missing_ok ? "!" : "", dir) < 0 ? -ENOMEM : 0;
}

static int append_config(const Unit *u, sd_bus_message *r) {
        const UnitConfig *c = u->config;
        _cleanup_free_ char *wd = NULL;
        int k;

        if (working_directory(c, &wd) < 0)
                return -ENOMEM;
        k = bus_append_str(r, "Type", service_type_to_string(c->type));
        if (k >= 0)
                k = bus_append_str(r, "Restart", service_restart_to_string(c->restart));
        if (k >= 0)
                k = sd_bus_message_append(r, "{sv}{sv}{sv}{sv}", "RestartUSec", "t", (uint64_t) c->restart_sec,
                                          "TimeoutStartUSec", "t", (uint64_t) c->timeout_start,
                                          "TimeoutStopUSec", "t", (uint64_t) c->timeout_stop,
                                          "WatchdogUSec", "t", (uint64_t) c->watchdog_sec);
        if (k >= 0)
                k = sd_bus_message_append(r, "{sv}", "RemainAfterExit", "b", (int) c->remain_after_exit);
        if (k >= 0)
                k = bus_append_str(r, "PIDFile", c->pid_file);
        if (k >= 0)
                k = bus_append_str(r, "NotifyAccess", notify_access_to_string(unit_notify_access(u)));
        if (k >= 0)
                k = bus_append_str(r, "KillMode", kill_mode_to_string(c->kill_mode));
        if (k >= 0)
                k = sd_bus_message_append(r, "{sv}", "KillSignal", "i", (int32_t) c->kill_signal);
        for (ServiceExecCommand i = 0; k >= 0 && i < _SERVICE_EXEC_COMMAND_MAX; i++)
                k = append_exec(u, i, r);
        if (k >= 0)
                k = bus_append_str(r, "User", c->user);
        if (k >= 0)
                k = bus_append_str(r, "Group", c->group);
        if (k >= 0)
                k = sd_bus_message_append(r, "{sv}", "DynamicUser", "b", (int) c->sandbox.dynamic_user);
        if (k >= 0)
                k = bus_append_strv(r, "SupplementaryGroups", c->supplementary_groups);
        if (k >= 0)
                k = bus_append_str(r, "WorkingDirectory", wd);
        if (k >= 0)
                k = bus_append_strv(r, "Environment", c->environment);
        if (k >= 0)
                k = bus_append_strv(r, "EnvironmentFiles", c->environment_files);
        if (k >= 0)
                k = sd_bus_message_append(r, "{sv}", "UMask", "u", (uint32_t) c->umask);
        if (k >= 0)
                k = bus_append_strv(r, "Documentation", c->documentation);
        if (k >= 0)
                k = append_limits(c, r);
        return k;
}

int bus_unit_props_append(Manager *m, const char *name, sd_bus_message *reply) {
        Unit *u = m->started ? manager_get_unit(m, name) : NULL;
        char *names[] = { (char *) name, NULL };
        int r;

        if (!u)
                return -ENOENT;
        r = bus_append_strv(reply, "Names", names);
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}", "ControlPID", "u",
                                          (uint32_t) (unit_process_alive(u->control) ? u->control->pid : 0));
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}{sv}", "MemoryCurrent", "t", cgroup_attr(u, "memory.current"),
                                          "TasksCurrent", "t", cgroup_attr(u, "pids.current"));
        /* What the unit can do, as systemd says it; invoke-rc.d's force-reload asks CanReload. */
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}{sv}{sv}", "CanStart", "b", (int) (u->load_state == UNIT_LOADED),
                                          "CanStop", "b", 1, "CanReload", "b",
                                          (int) (u->config && u->config->exec[SERVICE_EXEC_RELOAD].n > 0));
        if (r >= 0)
                r = append_dependencies(m, u, reply);
        if (r >= 0 && u->config)
                r = append_config(u, reply);
        return r;
}

int bus_unit_props_append_unit_files(Manager *m, sd_bus_message *reply) {
        Unit *u;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        if (r < 0 || !m->started)
                goto close;
        HASHMAP_FOREACH(u, m->units) {
                const char *state, *path = u->file ? u->file->fragment : NULL;
                _cleanup_free_ char *masked = NULL;

                if (u->load_state == UNIT_MASKED) {
                        /* The entry that masks it: the first of the search path. */
                        STRV_FOREACH(dir, m->units_dirs) {
                                struct stat st;
                                free(masked);
                                if (asprintf(&masked, "%s/%s", *dir, u->name) < 0)
                                        return -ENOMEM;
                                if (lstat(masked, &st) >= 0)
                                        break;
                        }
                        path = masked;
                        state = "masked";
                } else if (!path || streq(path, UNIT_TRANSIENT_FILE))
                        continue; /* not a unit file: transient, or gone from disk */
                else if (manager_unit_is_enabled(m, u->name))
                        state = "enabled";
                else if (!u->config || (strv_length(u->config->wanted_by) == 0 &&
                                        strv_length(u->config->required_by) == 0))
                        state = "static";
                else
                        state = "disabled";
                r = sd_bus_message_append(reply, "(ss)", path ?: u->name, state);
                if (r < 0)
                        return r;
        }
close:
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

int bus_unit_props_append_search_path(Manager *m, sd_bus_message *reply) {
        return sd_bus_message_append_strv(reply, m->units_dirs);
}
