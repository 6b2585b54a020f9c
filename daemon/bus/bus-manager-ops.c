/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control plane's view of the unit module (see bus-manager-ops.h): snapshots of units
 * for the wire, the unit operations of manager-units.c, and transient units, which are
 * built here from their properties with the same parsers a unit file goes through.
 *
 * A Manager without its unit runtime (m, as in the unit tests and the fuzzer)
 * holds no units: the read-only calls see none and the operations fail with -EOPNOTSUPP.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "arch-util.h"
#include "bus/bus-manager-ops.h"
#include "bus/bus-manager.h"
#include "sys/cgroup.h"
#include "sys/fileio.h"
#include "sys/log.h"
#include "core/manager-baseline.h"
#include "core/manager-units.h"
#include "message.h"
#include "io/output.h"
#include "policy.h"
#include "core/service.h"
#include "strv.h"
#include "core/unit-learn.h"
#include "core/unit.h"
#include "core/unit-events.h"
#include "core/unit-load.h"
#include "core/unit-runtime.h"
#include "utf8.h"

#define TRANSIENT_FILE UNIT_TRANSIENT_FILE

static bool ops_ready(Manager *m) {
        return m->started;
}

/* A running unit keeps its old configuration until its next start, but, as in systemd, what
 * describes it is the newest: after daemon-reload the pending load's Description= is shown. */
static const char *ops_description(const Unit *u) {
        const Unit *from = u->pending && u->pending->config ? u->pending : u;

        return from->config && from->config->description ? from->config->description : "";
}

static void ops_brief(const Unit *u, BusUnitBrief *b) {
        *b = (BusUnitBrief) {
                .name = u->name,
                .description = ops_description(u),
                .load_state = unit_load_state_to_string(u->load_state),
                .active_state = unit_active_state_to_string(unit_active_state(u)),
                .sub_state = service_state_to_string(u->state),
                .result = service_result_to_string(u->result),
                .main_pid = u->main && !u->main->exited ? (uint32_t) u->main->pid : 0,
                .exec_main_code = u->exec_main_code,
                .exec_main_status = u->exec_main_status,
        };
}

int bus_ops_foreach_unit(Manager *m, BusUnitFunc f, void *userdata) {
        Unit *u;

        if (!ops_ready(m))
                return 0;
        HASHMAP_FOREACH(u, m->units) {
                BusUnitBrief b;
                int r;

                ops_brief(u, &b);
                r = f(&b, userdata);
                if (r != 0)
                        return r;
        }
        return 0;
}

int bus_ops_unit_brief(Manager *m, const char *name, BusUnitBrief *ret) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!u)
                return -ENOENT;
        ops_brief(u, ret);
        return 0;
}

/* ---- GetUnitStatus ---- */

/* D-Bus strings must be valid UTF-8 (sd-bus refuses anything else, failing the whole
 * reply). Texts a service controls (its STATUS=, its log lines) may not be: their stray
 * bytes become U+FFFD. */
static int append_text(sd_bus_message *r, const char *value) {
        _cleanup_free_ char *fixed = NULL;
        size_t n = strlen(value);

        if (utf8_is_valid_n(value, n))
                return sd_bus_message_append(r, "s", value);
        if (utf8_sanitize(value, n, &fixed) < 0)
                return -ENOMEM;
        return sd_bus_message_append(r, "s", fixed);
}

int bus_append_str(sd_bus_message *r, const char *key, const char *value) {
        int k = sd_bus_message_open_container(r, 'e', "sv");
        if (k >= 0)
                k = sd_bus_message_append(r, "s", key);
        if (k >= 0)
                k = sd_bus_message_open_container(r, 'v', "s");
        if (k >= 0)
                k = append_text(r, value ? value : "");
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        return k;
}

static int append_t(sd_bus_message *r, const char *key, uint64_t value) {
        return sd_bus_message_append(r, "{sv}", key, "t", value);
}

int bus_append_strv(sd_bus_message *r, const char *key, char **l) {
        int k = sd_bus_message_open_container(r, 'e', "sv");
        if (k >= 0)
                k = sd_bus_message_append(r, "s", key);
        if (k >= 0)
                k = sd_bus_message_open_container(r, 'v', "as");
        if (k >= 0)
                k = sd_bus_message_open_container(r, 'a', "s");
        STRV_FOREACH(i, l)
                if (k >= 0)
                        k = append_text(r, *i);
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        if (k >= 0)
                k = sd_bus_message_close_container(r);
        return k;
}

static int format_policy_summary(const Policy *p, bool filtered, char **ret) {
        _cleanup_free_ char *arches = NULL;
        char action[64];

        if (!p || !filtered) {
                *ret = strdup("none (no seccomp filter)");
                return *ret ? 0 : -ENOMEM;
        }
        for (size_t i = 0; i < p->n_arches; i++) {
                char *n;
                if (asprintf(&n, "%s%s%s", arches ? arches : "", arches ? " " : "", arch_to_name(p->arches[i])) < 0)
                        return -ENOMEM;
                free(arches);
                arches = n;
        }
        if (asprintf(ret, "%s%s, %zu rule%s, default %s, ABIs %s, exec gate %s",
                     p->complain ? "complain (nothing is enforced), " : "",
                     p->allow_list ? "allow-list" : p->deny_list ? "deny-list" : "restrictions only", p->n_rules,
                     p->n_rules == 1 ? "" : "s",
                     policy_action_format(p->default_action, action, sizeof(action)),
                     arches ? arches : "native", policy_denies_exec(p) ? "on" : "off") < 0)
                return -ENOMEM;
        return 0;
}

/* The node baseline a unit's latest process started under, and whether it is still the one in
 * force; for a unit not started yet, the one it would get. */
static int format_baseline(const Unit *u, char **ret) {
        const char *now = manager_baseline_description(u->manager) ?: "none";
        int k;

        if (!u->baseline)
                k = streq(now, "none") ? asprintf(ret, "none") : asprintf(ret, "%s (at the next start)", now);
        else if (streq(u->baseline, now))
                k = asprintf(ret, "%s%s", u->baseline, streq(now, "none") ? "" : " (current)");
        else
                k = asprintf(ret, "%s (not current; now %s)", u->baseline, now);
        return k < 0 ? -ENOMEM : 0;
}

static int format_denials(const Unit *u, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        size_t n = unit_n_denial_records(u);

        for (size_t i = 0; i < n; i++) {
                /* Oldest first. */
                const UnitDenial *d = unit_denial_record(u, i);
                char *s;
                /* "pid 7 (uname, /usr/bin/uname) uname: kill", "pid 8 (bash) execve /bin/ls: EPERM" */
                if (asprintf(&s, "pid %d%s%s%s%s%s %s%s%s: %s", (int) d->pid, d->comm[0] ? " (" : "", d->comm,
                             d->exe[0] ? ", " : "", d->exe, d->comm[0] ? ")" : "", d->syscall,
                             d->path[0] ? " " : "", d->path, d->action) < 0 ||
                    strv_consume(&l, s) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int format_load_errors(const Unit *u, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;

        for (size_t i = 0; i < u->load_diags.n; i++) {
                const Diag *d = &u->load_diags.items[i];
                char *s;
                if (d->level != DIAG_ERROR)
                        continue;
                if (asprintf(&s, "%s:%u: %s%s%s", d->file ? d->file : "(unknown)", d->line, d->key ? d->key : "",
                             d->key ? ": " : "", d->message) < 0 ||
                    strv_consume(&l, s) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int format_not_enforced(const Unit *u, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;

        for (size_t i = 0; u->config && i < u->config->n_not_enforced; i++) {
                const UnitNotEnforced *n = &u->config->not_enforced[i];
                char *s;
                if (asprintf(&s, "%s= (%s:%u)", n->key, n->file ? n->file : "?", n->line) < 0 ||
                    strv_consume(&l, s) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int append_lists(sd_bus_message *reply, const Unit *u) {
        _cleanup_(strv_freep) char **denials = NULL, **errors = NULL, **not_enforced = NULL;
        int r;

        if (format_denials(u, &denials) < 0 || format_load_errors(u, &errors) < 0 ||
            format_not_enforced(u, &not_enforced) < 0)
                return -ENOMEM;
        r = bus_append_strv(reply, "DropInPaths", u->file ? u->file->dropins : NULL);
        if (r >= 0)
                r = bus_append_strv(reply, "Denials", denials);
        if (r >= 0)
                r = bus_append_strv(reply, "LoadErrors", errors);
        if (r >= 0)
                r = bus_append_strv(reply, "NotEnforced", not_enforced);
        return r;
}

int bus_ops_append_unit_properties(Manager *m, const char *name, sd_bus_message *reply) {
        _cleanup_free_ char *denied = NULL, *logged = NULL, *health = NULL, *summary = NULL, *baseline = NULL;
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;
        int r;

        if (!u)
                return -ENOENT;
        if (unit_format_denied_syscalls(u, &denied) < 0 || unit_format_logged_syscalls(u, &logged) < 0 ||
            unit_events_denial_health(m, &health) < 0 || format_policy_summary(u->policy, u->filters, &summary) < 0 ||
            format_baseline(u, &baseline) < 0)
                return -ENOMEM;
        /* DynamicUser=: "NAME (uid N)" while the unit holds one. */
        const DynamicUser *d = unit_runtime_dynamic_user(u);
        _cleanup_free_ char *dynamic = NULL;
        if (d && asprintf(&dynamic, "%s (uid %u)", d->name, (unsigned) d->uid) < 0)
                return -ENOMEM;
        r = bus_append_str(reply, "FragmentPath", u->file ? u->file->fragment : NULL);
        if (r >= 0)
                r = bus_append_str(reply, "ControlGroup", u->cgroup_path);
        if (r >= 0)
                r = bus_append_str(reply, "StatusText", u->status_text);
        if (r >= 0)
                r = bus_append_str(reply, "InvocationID", u->invocation_id);
        if (r >= 0)
                r = bus_append_str(reply, "DynamicUserName", dynamic);
        if (r >= 0)
                r = bus_append_str(reply, "PolicySummary", summary);
        if (r >= 0)
                r = bus_append_str(reply, "PolicyMode", u->policy && u->policy->complain ? "complain" : "enforce");
        if (r >= 0)
                r = bus_append_str(reply, "Baseline", baseline);
        if (r >= 0)
                r = bus_append_str(reply, "DeniedSyscalls", denied);
        if (r >= 0)
                r = bus_append_str(reply, "LoggedSyscalls", logged);
        if (r >= 0)
                r = bus_append_str(reply, "DenialRecordsNote", health);
        /* Empty with cgroups; the fallback's weakness otherwise (sys/cgroup.h). */
        if (r >= 0)
                r = bus_append_str(reply, "ProcessTrackingNote",
                             m->cgroup && !m->cgroup->available ? CGROUP_PROCESS_GROUP_NOTE : NULL);
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}{sv}{sv}{sv}", "ExecMainPID", "u", (uint32_t) u->main_pid,
                                          "NRestarts", "u", u->n_restarts, "NDenials", "t",
                                          (uint64_t) u->n_denials_total, "NLogged", "t",
                                          (uint64_t) u->n_logged_total);
        /* Daemon-wide: seccomp records whose pid fitted no unit (unit-events.h). */
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}", "DenialRecordsUnattributed", "t", m->denials_unattributed);
        if (r >= 0)
                r = append_t(reply, "StateChangeTimestamp", u->state_change_timestamp);
        if (r >= 0)
                r = append_t(reply, "ActiveEnterTimestamp", u->active_enter_timestamp);
        if (r >= 0)
                r = append_t(reply, "ActiveExitTimestamp", u->active_exit_timestamp);
        if (r >= 0)
                r = append_t(reply, "InactiveEnterTimestamp", u->inactive_enter_timestamp);
        if (r >= 0)
                r = append_t(reply, "ExecMainStartTimestamp", u->exec_main_start_timestamp);
        if (r >= 0)
                r = append_t(reply, "ExecMainExitTimestamp", u->exec_main_exit_timestamp);
        /* Condition*=/Assert*= of the last start (systemd's names; ConditionUnmet is ours:
         * the assignment that was not met, for status). */
        if (r >= 0)
                r = bus_append_str(reply, "ConditionResult", u->condition_result ? "yes" : "no");
        if (r >= 0)
                r = append_t(reply, "ConditionTimestamp", u->condition_timestamp);
        if (r >= 0)
                r = bus_append_str(reply, "AssertResult", u->assert_result ? "yes" : "no");
        if (r >= 0)
                r = append_t(reply, "AssertTimestamp", u->assert_timestamp);
        if (r >= 0)
                r = bus_append_str(reply, "ConditionUnmet", u->condition_unmet);
        if (r >= 0)
                r = append_lists(reply, u);
        return r;
}

/* ---- operations ---- */

static int unit_not_loaded(const char *name, char **ret_message) {
        if (ret_message && asprintf(ret_message, "Unit %s not loaded.", name) < 0)
                *ret_message = NULL;
        return -ENOENT;
}

static int not_running(char **ret_message) {
        if (ret_message)
                *ret_message = strdup("The unit runtime is not running.");
        return -EOPNOTSUPP;
}

#define OPS_FORWARD(fn, target)                                                   \
        int fn(Manager *m, const char *name, char **ret_message) {                \
                if (!ops_ready(m))                                                \
                        return not_running(ret_message);                          \
                return target(m, name, ret_message);                              \
        }

/* A start of a unit without a file fails as systemctl's does: "Unit NAME not found.", and
 * as no such unit. */
static int ops_check_found(Manager *m, const char *name, char **ret_message) {
        Unit *u;
        int r = manager_load_unit(m, name, &u, ret_message);
        if (r < 0)
                return r;
        if (u->load_state == UNIT_NOT_FOUND && !u->pending) {
                if (ret_message && asprintf(ret_message, "Unit %s not found.", name) < 0)
                        *ret_message = NULL;
                return -ENOENT;
        }
        return 0;
}

#define OPS_FORWARD_FOUND(fn, target)                                             \
        int fn(Manager *m, const char *name, char **ret_message) {                \
                if (!ops_ready(m))                                                \
                        return not_running(ret_message);                          \
                int r = ops_check_found(m, name, ret_message);                    \
                return r < 0 ? r : target(m, name, ret_message);                  \
        }

OPS_FORWARD_FOUND(bus_ops_start, manager_start_unit)
OPS_FORWARD(bus_ops_stop, manager_stop_unit)
OPS_FORWARD_FOUND(bus_ops_restart, manager_restart_unit)
OPS_FORWARD(bus_ops_reload, manager_reload_unit)
OPS_FORWARD(bus_ops_reset_failed, manager_reset_failed)
OPS_FORWARD(bus_ops_enable, manager_enable_unit)
OPS_FORWARD(bus_ops_disable, manager_disable_unit)

int bus_ops_try_restart(Manager *m, const char *name, char **ret_message) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!ops_ready(m))
                return not_running(ret_message);
        if (!u)
                return unit_not_loaded(name, ret_message);
        /* As systemctl: restart what runs, leave alone what does not. */
        if (!unit_is_active_or_transitioning(u))
                return 0;
        return manager_restart_unit(m, name, ret_message);
}

int bus_ops_reload_or_restart(Manager *m, const char *name, char **ret_message) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!ops_ready(m))
                return not_running(ret_message);
        /* Reload what runs and can reload; (re)start everything else. */
        if (!u || !unit_is_active_or_transitioning(u) || !u->config || u->config->exec[SERVICE_EXEC_RELOAD].n == 0)
                return manager_restart_unit(m, name, ret_message);
        return manager_reload_unit(m, name, ret_message);
}

int bus_ops_try_reload_or_restart(Manager *m, const char *name, char **ret_message) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!ops_ready(m))
                return not_running(ret_message);
        if (!u)
                return unit_not_loaded(name, ret_message);
        /* As systemctl: reload or restart what runs, leave alone what does not. */
        if (!unit_is_active_or_transitioning(u))
                return 0;
        return bus_ops_reload_or_restart(m, name, ret_message);
}

int bus_ops_kill(Manager *m, const char *name, int signo, char **ret_message) {
        if (!ops_ready(m))
                return not_running(ret_message);
        return manager_kill_unit(m, name, signo, ret_message);
}

int bus_ops_is_enabled(Manager *m, const char *name, const char **ret_state, char **ret_message) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!u)
                return unit_not_loaded(name, ret_message);
        if (u->load_state == UNIT_MASKED)
                *ret_state = "masked";
        else if (manager_unit_is_enabled(m, u->name)) /* by any of its names */
                *ret_state = "enabled";
        else if (!u->config || (strv_length(u->config->wanted_by) == 0 && strv_length(u->config->required_by) == 0 &&
                                strv_length(u->config->alias) == 0))
                *ret_state = "static";
        else
                *ret_state = "disabled";
        return 0;
}

int bus_ops_daemon_reload(Manager *m, char **ret_message) {
        if (!ops_ready(m))
                return not_running(ret_message);
        return manager_daemon_reload(m, ret_message);
}

static int text_append_file(char **text, const char *path) {
        _cleanup_free_ char *body = NULL;
        char *n;
        int r;

        r = read_virtual_file_at(AT_FDCWD, path, BUS_UNIT_FILE_TEXT_MAX, &body);
        if (r < 0)
                return r;
        if (asprintf(&n, "%s%s# %s\n%s%s", *text ? *text : "", *text ? "\n" : "", path, body,
                     isempty(body) || body[strlen(body) - 1] == '\n' ? "" : "\n") < 0)
                return -ENOMEM;
        free(*text);
        *text = n;
        return strlen(n) > BUS_UNIT_FILE_TEXT_MAX ? -EFBIG : 0;
}

int bus_ops_unit_file_text(Manager *m, const char *name, char **ret_text, char **ret_message) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;
        _cleanup_free_ char *text = NULL;
        int r;

        if (!u || !u->file || !u->file->fragment) {
                if (ret_message && asprintf(ret_message, "No unit file for %s.", name) < 0)
                        *ret_message = NULL;
                return -ENOENT;
        }
        if (streq(u->file->fragment, TRANSIENT_FILE)) {
                if (ret_message && asprintf(ret_message, "%s is transient: it has no unit file.", name) < 0)
                        *ret_message = NULL;
                return -ENOENT;
        }
        r = text_append_file(&text, u->file->fragment);
        STRV_FOREACH(d, u->file->dropins)
                if (r >= 0)
                        r = text_append_file(&text, *d);
        if (r < 0)
                return r;
        *ret_text = TAKE_PTR(text);
        return 0;
}

int bus_ops_log_path(Manager *m, const char *name, char **ret_path) {
        char *p;

        if (asprintf(&p, "%s/logs/%s.log", m->state_dir, name) < 0)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

int bus_ops_log_tail(Manager *m, const char *name, unsigned n, uint64_t max_bytes, FILE *out) {
        return output_log_tail(m->state_dir, name, n, max_bytes, out);
}

void bus_ops_log_set_rotated_hook(Manager *m, void (*f)(const char *unit, void *userdata), void *userdata) {
        if (!m->output)
                return;
        m->output->rotated_func = f;
        m->output->rotated_userdata = userdata;
}

int bus_ops_log_open_after(Manager *m, const char *name, uint64_t after_ino, int *ret_fds, size_t max,
                           bool *ret_found) {
        return output_log_open_after(m->state_dir, name, after_ino, ret_fds, max, ret_found);
}

/* ---- transient units ---- */

/* ExecStart= for argv: every word double-quoted, with '\\' and '"' escaped and '$' doubled
 * (no variable expansion). Assignments added to a UnitFile get no specifier expansion, so
 * '%' stays as it is. */
static int transient_exec_line(char **argv, char **ret) {
        size_t n = 0;
        char *s, *p;

        STRV_FOREACH(a, argv)
                n += 2 * strlen(*a) + 3;
        s = p = malloc(n + 1);
        if (!s)
                return -ENOMEM;
        STRV_FOREACH(a, argv) {
                if (p != s)
                        *p++ = ' ';
                *p++ = '"';
                for (const char *c = *a; *c; c++) {
                        if (*c == '\\' || *c == '"')
                                *p++ = '\\';
                        else if (*c == '$')
                                *p++ = *c;
                        *p++ = *c;
                }
                *p++ = '"';
        }
        *p = '\0';
        *ret = s;
        return 0;
}

/* run --pipe: the unit gets its own duplicates of the client's stdio fds, handed to each of
 * its processes as they are, so output lands where the client's shell put it (at the
 * current offset of a file, into a pipe or socket) and nothing is reopened. */
static int transient_stdio(Unit *u, const BusTransientSpec *spec) {
        const int fds[] = { spec->stdin_fd, spec->stdout_fd, spec->stderr_fd };

        assert_cc(ELEMENTSOF(fds) == ELEMENTSOF(u->stdio_fds));
        for (size_t i = 0; i < ELEMENTSOF(fds); i++) {
                if (fds[i] < 0)
                        continue;
                u->stdio_fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
                if (u->stdio_fds[i] < 0)
                        return -errno;
        }
        return 0;
}

static int transient_file(const BusTransientSpec *spec, UnitFile **ret, char **ret_message) {
        _cleanup_(unit_file_freep) UnitFile *f = NULL;
        _cleanup_free_ char *exec = NULL;
        DiagList diags = {};
        int r;

        r = unit_file_load_string(spec->name, TRANSIENT_FILE, "", &diags, &f);
        diag_list_done(&diags);
        if (r < 0)
                return r;
        free(f->fragment);
        f->fragment = strdup(TRANSIENT_FILE);
        if (!f->fragment)
                return -ENOMEM;
        for (size_t i = 0; spec->property_keys && spec->property_keys[i]; i++) {
                const char *key = spec->property_keys[i], *value = spec->property_values[i];
                const char *section = unit_config_key_section(key);

                if (!section)
                        return set_message_errno(ret_message, -EINVAL, "Unknown property %s=.", key);
                if (strchr(value, '\n'))
                        return set_message_errno(ret_message, -EINVAL, "The value of %s= contains a newline.", key);
                r = unit_file_add(f, section, key, value, "-p", (unsigned) i + 1);
                if (r < 0)
                        return r;
        }
        r = transient_exec_line(spec->argv, &exec);
        if (r >= 0)
                r = unit_file_add(f, "Service", "ExecStart", exec, "(command line)", 1);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

int bus_ops_start_transient(Manager *m, const BusTransientSpec *spec, char **ret_message) {
        UnitFile *file = NULL;
        Unit *u;
        int r;

        if (!ops_ready(m))
                return not_running(ret_message);
        if (manager_get_unit(m, spec->name))
                return set_message_errno(ret_message, -EEXIST, "Unit %s already exists.", spec->name);
        r = transient_file(spec, &file, ret_message);
        if (r < 0)
                return r;
        r = unit_load_transient(m, spec->name, file, &u, ret_message);
        if (r < 0)
                return r;
        r = transient_stdio(u, spec);
        if (r >= 0 && spec->learn)
                r = unit_learn_set(u, true);
        if (r >= 0)
                r = service_start(u, ret_message);
        if (r < 0 && r != -EALREADY) {
                (void) manager_remove_unit(m, u->name);
                unit_free(u);
                return r;
        }
        return 0;
}

int bus_ops_unload(Manager *m, const char *name) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!u)
                return -ENOENT;
        /* The unit module frees removed units once they are inactive and empty. */
        u->removed = true;
        manager_unit_inactive(m, u);
        return 0;
}

/* ---- jobs ---- */

static const struct {
        const char *verb;
        int (*op)(Manager *m, const char *name, char **ret_message);
        UnitJobType type;
} job_ops[] = {
        { "start", bus_ops_start, UNIT_JOB_START },
        { "stop", bus_ops_stop, UNIT_JOB_STOP },
        { "restart", bus_ops_restart, UNIT_JOB_RESTART },
        { "try-restart", bus_ops_try_restart, UNIT_JOB_RESTART },
        { "reload", bus_ops_reload, UNIT_JOB_RELOAD },
        { "reload-or-restart", bus_ops_reload_or_restart, UNIT_JOB_RESTART },
        { "try-reload-or-restart", bus_ops_try_reload_or_restart, UNIT_JOB_RESTART },
};

bool bus_ops_job_verb_is_valid(const char *verb) {
        for (size_t i = 0; i < ELEMENTSOF(job_ops); i++)
                if (streq(job_ops[i].verb, verb))
                        return true;
        return false;
}

int bus_ops_job_begin(Manager *m, const char *name, const char *verb, UnitJob *ret_job, char **ret_message) {
        size_t i;
        Unit *u;
        int r;

        for (i = 0; i < ELEMENTSOF(job_ops); i++)
                if (streq(job_ops[i].verb, verb))
                        break;
        if (i >= ELEMENTSOF(job_ops))
                return -EINVAL;
        if (!ops_ready(m))
                return not_running(ret_message);
        u = manager_get_unit(m, name);
        /* try-restart and try-reload-or-restart leave alone what does not run: nothing to
         * wait for. */
        if ((streq(verb, "try-restart") || streq(verb, "try-reload-or-restart")) &&
            (!u || !unit_is_active_or_transitioning(u))) {
                r = job_ops[i].op(m, name, ret_message);
                return r < 0 ? r : 1;
        }
        /* reload-or-restart is a reload when it reloads. */
        UnitJobType type = job_ops[i].type;
        if ((streq(verb, "reload-or-restart") || streq(verb, "try-reload-or-restart")) && u && unit_is_active_or_transitioning(u) && u->config &&
            u->config->exec[SERVICE_EXEC_RELOAD].n > 0)
                type = UNIT_JOB_RELOAD;
        r = job_ops[i].op(m, name, ret_message);
        if (r < 0)
                return r;
        u = manager_get_unit(m, name);
        if (!u)
                return 1; /* a stop of a unit that is gone already */
        *ret_job = unit_job_begin(u, type);
        return 0;
}

const char *bus_ops_unit_id(Manager *m, const char *name) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;
        return u ? u->name : name;
}

UnitJobResult bus_ops_job_check(Manager *m, const char *name, const UnitJob *j, const char **ret_unit_result) {
        Unit *u = ops_ready(m) ? manager_get_unit(m, name) : NULL;

        if (!u) {
                /* Unloaded under the job: only an inactive unit is, so a stop is done. */
                *ret_unit_result = "success";
                return j->type == UNIT_JOB_STOP ? UNIT_JOB_DONE : UNIT_JOB_CANCELED;
        }
        return unit_job_check(u, j, ret_unit_result);
}

const char *bus_ops_system_state(Manager *m) {
        Unit *u;

        if (m->shutdown_requested)
                return "stopping";
        if (!ops_ready(m) || strv_length(m->start_queue) > 0)
                return "starting";
        HASHMAP_FOREACH(u, m->units)
                if (unit_active_state(u) == UNIT_FAILED)
                        return "degraded";
        return "running";
}
