/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The methods of org.syscage.Manager1 (see bus-manager.h for the API). Every handler first
 * reads and checks all of its arguments (types are checked by sd-bus against the vtable,
 * sizes and counts here), then checks the caller's right to call it, then acts through
 * bus-manager-ops.c. Every failure is a D-Bus error reply; nothing a client sends can end
 * the daemon.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bus/bus-manager-ops.h"
#include "bus/bus-job.h"
#include "bus/bus-learn.h"
#include "bus/bus-manager.h"
#include "core/denial-feed.h"
#include "core/manager-takeover.h"
#include "bus/bus-transient.h"
#include "bus/bus-unit-props.h"
#include "sys/log.h"
#include "strv.h"
#include "unit-file.h"
#include "utf8.h"

static const sd_bus_error_map bus_manager_errors[] = {
        SD_BUS_ERROR_MAP(BUS_ERROR_ACCESS_DENIED, EACCES),
        SD_BUS_ERROR_MAP(BUS_ERROR_NO_SUCH_UNIT, ENOENT),
        SD_BUS_ERROR_MAP(BUS_ERROR_NOT_SUPPORTED, EOPNOTSUPP),
        SD_BUS_ERROR_MAP(BUS_ERROR_FAILED, EIO),
        SD_BUS_ERROR_MAP_END
};

bool bus_unit_name_is_valid(const char *name) {
        static const char suffix[] = ".service";
        size_t n = strlen(name);

        if (n <= strlen(suffix) || n > UNIT_NAME_MAX || name[0] == '.')
                return false;
        if (!streq(name + n - strlen(suffix), suffix))
                return false;
        for (const char *p = name; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.\\@-", *p))
                        return false;
        return true;
}

int bus_check_write(BusConnection *c, sd_bus_message *m, sd_bus_error *error) {
        const char *unit = c->confined_unit;

        if (c->privileged)
                return 0;
        if (!c->confined)
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED, "Access denied: uid %u may not call %s.",
                                         c->cred.uid, sd_bus_message_get_member(m));
        /* A service's process, whatever its uid (bus-access.h). Logged once per connection. */
        if (!c->confined_logged) {
                c->confined_logged = true;
                if (unit)
                        log_notice("Client pid %d belongs to unit %s: read-only (refused %s).", (int) c->cred.pid,
                                   unit, sd_bus_message_get_member(m));
                else
                        log_notice("Client pid %d %s: read-only (refused %s).", (int) c->cred.pid,
                                   c->confined_gone ? "could not be identified" : "runs under the supervisor",
                                   sd_bus_message_get_member(m));
        }
        if (unit)
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                         "Access denied: the caller runs inside unit %s (ControlAccess=read-only).",
                                         unit);
        if (c->confined_gone)
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                         "Access denied: the caller could not be told apart from a service's "
                                         "process.");
        return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                 "Access denied: the caller runs under the supervisor, in a service's process "
                                 "tree (read-only).");
}

/* Turns an operation's failure into an error reply. */
int bus_ops_error(sd_bus_error *error, int r, const char *message, const char *name) {
        const char *ename = r == -ENOENT       ? BUS_ERROR_NO_SUCH_UNIT
                            : r == -EOPNOTSUPP ? BUS_ERROR_NOT_SUPPORTED
                            : r == -EACCES     ? BUS_ERROR_ACCESS_DENIED
                                               : BUS_ERROR_FAILED;
        if (message)
                sd_bus_error_setf(error, ename, "%s", message);
        else if (r == -ENOENT)
                sd_bus_error_setf(error, ename, "Unit %s not loaded.", name ? name : "");
        else if (r == -EOPNOTSUPP)
                sd_bus_error_setf(error, ename, "Not supported yet.");
        else
                sd_bus_error_setf(error, ename, "%s%s%s", name ? name : "", name ? ": " : "", strerror(-r));
        return r < 0 ? r : -EIO;
}

static int bus_read_unit_name(sd_bus_message *m, const char **ret, sd_bus_error *error) {
        const char *name = NULL;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        if (!bus_unit_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid unit name '%.*s' (expected NAME.service).", 64, name);
        *ret = name;
        return 0;
}

/* ---- read-only methods ---- */

typedef struct BriefList {
        BusUnitBrief *items;
        size_t n, allocated;
} BriefList;

static int brief_collect(const BusUnitBrief *u, void *userdata) {
        BriefList *l = userdata;

        if (GREEDY_REALLOC(l->items, l->allocated, l->n + 1) < 0)
                return -ENOMEM;
        l->items[l->n++] = *u;
        return 0;
}

static int brief_compare(const void *a, const void *b) {
        return strcmp(((const BusUnitBrief *) a)->name, ((const BusUnitBrief *) b)->name);
}

static int bus_append_brief(sd_bus_message *reply, const BusUnitBrief *u) {
        return sd_bus_message_append(reply, "(ssssssu)", u->name, u->description, u->load_state,
                                     u->active_state, u->sub_state, u->result, u->main_pid);
}

static int method_list_units(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        BusConnection *c = userdata;
        BriefList l = {};
        int r;

        r = bus_ops_foreach_unit(c->bus->manager, brief_collect, &l);
        if (r < 0)
                goto finish;
        if (l.n > 0)
                qsort(l.items, l.n, sizeof(BusUnitBrief), brief_compare);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssssssu)");
        for (size_t i = 0; r >= 0 && i < l.n; i++)
                r = bus_append_brief(reply, &l.items[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
finish:
        free(l.items);
        return r;
}

static int bus_append_brief_properties(sd_bus_message *reply, const BusUnitBrief *u,
                                       const char *file_state) {
        int r = sd_bus_message_append(reply, "{sv}{sv}{sv}{sv}{sv}{sv}", "Id", "s", u->name,
                                      "Description", "s", u->description, "LoadState", "s",
                                      u->load_state, "ActiveState", "s", u->active_state,
                                      "SubState", "s", u->sub_state, "Result", "s", u->result);
        if (r < 0)
                return r;
        return sd_bus_message_append(reply, "{sv}{sv}{sv}{sv}", "MainPID", "u", u->main_pid,
                                     "ExecMainCode", "i", u->exec_main_code, "ExecMainStatus", "i",
                                     u->exec_main_status, "UnitFileState", "s", file_state);
}

static int method_get_unit_status(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *msg = NULL;
        BusConnection *c = userdata;
        Manager *mgr = c->bus->manager;
        const char *name = NULL, *file_state = "disabled";
        BusUnitBrief u;
        int r;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = bus_ops_unit_brief(mgr, name, &u);
        if (r < 0)
                return bus_ops_error(error, r, NULL, name);
        (void) bus_ops_is_enabled(mgr, name, &file_state, &msg);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r >= 0)
                r = bus_append_brief_properties(reply, &u, file_state);
        if (r >= 0)
                r = bus_ops_append_unit_properties(mgr, name, reply);
        if (r >= 0)
                r = bus_unit_props_append(mgr, name, reply);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_is_enabled(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL;
        BusConnection *c = userdata;
        const char *name = NULL, *state = NULL;
        int r;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = bus_ops_is_enabled(c->bus->manager, name, &state, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, name);
        return sd_bus_reply_method_return(m, "s", state);
}

static int method_get_unit_file_text(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL, *text = NULL;
        BusConnection *c = userdata;
        const char *name = NULL;
        int r;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = bus_ops_unit_file_text(c->bus->manager, name, &text, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, name);
        return sd_bus_reply_method_return(m, "s", text);
}

/* Turns the records in buf[0..len) into a NULL-terminated vector of strings: pointers into
 * buf (every '\n' becomes a '\0') for records that are valid UTF-8, copies in *fixed with
 * U+FFFD for their stray bytes for the others (a D-Bus string must be UTF-8, and a service
 * may write anything). */
static int log_split_lines(char *buf, size_t len, char ***ret_lines, char ***ret_fixed) {
        _cleanup_free_ char **lines = NULL;
        _cleanup_(strv_freep) char **fixed = NULL;
        size_t n = 0, i = 0;

        for (size_t k = 0; k < len; k++)
                if (buf[k] == '\n')
                        n++;
        if (len > 0 && buf[len - 1] != '\n')
                n++;
        lines = calloc(n + 1, sizeof(char *));
        if (!lines)
                return -ENOMEM;
        for (char *p = buf, *end = buf + len; p < end; i++) {
                char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t l = nl ? (size_t) (nl - p) : (size_t) (end - p);
                char *copy = NULL;

                lines[i] = p;
                if (!utf8_is_valid_n(p, l)) {
                        if (utf8_sanitize(p, l, &copy) < 0 || strv_consume(&fixed, copy) < 0)
                                return -ENOMEM;
                        lines[i] = copy;
                }
                if (!nl)
                        break;
                *nl = '\0';
                p = nl + 1;
        }
        *ret_lines = TAKE_PTR(lines);
        *ret_fixed = TAKE_PTR(fixed);
        return 0;
}

/* Reads the tail into memory and sends it; the buffer is at most BUS_LOG_READ_MAX plus one
 * pointer per line. */
static int method_get_logs(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char **lines = NULL;
        _cleanup_(strv_freep) char **fixed = NULL;
        _cleanup_free_ char *buf = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        BusConnection *c = userdata;
        const char *name = NULL;
        size_t len = 0;
        uint32_t n;
        int r, capped;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "u", &n);
        if (r < 0)
                return r;
        if (n > BUS_LOG_LINES_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "At most %u log lines may be asked for.", BUS_LOG_LINES_MAX);
        f = open_memstream(&buf, &len);
        if (!f)
                return -ENOMEM;
        capped = bus_ops_log_tail(c->bus->manager, name, n, BUS_LOG_READ_MAX, f);
        if (capped < 0 && capped != -ENOENT)
                return bus_ops_error(error, capped, NULL, name);
        if (fclose(TAKE_PTR(f)) != 0)
                return -ENOMEM;
        r = log_split_lines(buf, len, &lines, &fixed);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, lines);
        if (r >= 0)
                r = sd_bus_message_append(reply, "b", capped > 0);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_open_log_file(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        BusConnection *c = userdata;
        const char *name = NULL;
        int r;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = bus_ops_log_path(c->bus->manager, name, &path);
        if (r < 0)
                return bus_ops_error(error, r, NULL, name);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return sd_bus_error_setf(error, BUS_ERROR_FAILED, "No log for %s yet: %s", name,
                                         strerror(errno));
        return sd_bus_reply_method_return(m, "h", fd);
}

/* The files of a unit's log after the one with the given inode (0: from the oldest), for a
 * follower that must not miss a rotated file: see output_log_open_after(). */
static int log_files_reply(sd_bus_message *m, BusConnection *c, bool follow, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int fds[BUS_LOG_FILES_MAX];
        const char *name = NULL;
        uint64_t after_ino;
        bool found = false;
        int n, r;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "t", &after_ino);
        if (r < 0)
                return r;
        if (follow && !strv_contains(c->followed_logs, name)) {
                if (strv_length(c->followed_logs) >= BUS_CALL_LIST_MAX)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                                 "At most %u logs may be followed at once.", BUS_CALL_LIST_MAX);
                r = strv_extend(&c->followed_logs, name);
                if (r < 0)
                        return r;
        }
        n = bus_ops_log_open_after(c->bus->manager, name, after_ino, fds, BUS_LOG_FILES_MAX, &found);
        if (n < 0)
                return bus_ops_error(error, n, NULL, name);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "h");
        for (int i = 0; i < n && r >= 0; i++)
                r = sd_bus_message_append(reply, "h", fds[i]); /* sd-bus dups it */
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "b", found);
        if (r >= 0 && follow)
                r = sd_bus_message_append(reply, "t", c->bus->log_rotation_seq);
        for (int i = 0; i < n; i++)
                safe_close(fds[i]);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_open_log_files(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return log_files_reply(m, userdata, false, error);
}

static int method_follow_log_files(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return log_files_reply(m, userdata, true, error);
}

/* Every file of a followed log reaches its followers with the signal as an open fd, so that
 * none is missed for the files-kept cap however fast the log rotates. */
void bus_manager_log_rotated(const char *unit, void *userdata) {
        Bus *b = userdata;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *path = NULL;
        bool any = false;

        for (BusConnection *c = b->connections; c && !any; c = c->next)
                any = !c->free_source && strv_contains(c->followed_logs, unit);
        if (!any)
                return;
        if (bus_ops_log_path(b->manager, unit, &path) < 0)
                return;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                log_debug_errno(errno, "Failed to open %s for its followers, ignoring: %m", path);
                return;
        }
        b->log_rotation_seq++;
        for (BusConnection *c = b->connections; c; c = c->next) {
                int r;

                if (c->free_source || !strv_contains(c->followed_logs, unit))
                        continue;
                r = sd_bus_emit_signal(c->sdbus, BUS_PATH, BUS_INTERFACE, "LogFileRotated", "sth", unit,
                                       b->log_rotation_seq, fd);
                if (r < 0)
                        log_debug_errno(r, "Failed to send LogFileRotated to pid %d, ignoring: %m",
                                        (int) c->cred.pid);
        }
}

/* ---- state-changing methods ---- */

typedef int (*BusUnitOp)(Manager *m, const char *name, char **ret_message);

static const struct {
        const char *member;
        BusUnitOp op;
} bus_unit_ops[] = {
        { "StartUnit", bus_ops_start },
        { "StopUnit", bus_ops_stop },
        { "RestartUnit", bus_ops_restart },
        { "TryRestartUnit", bus_ops_try_restart },
        { "ReloadUnit", bus_ops_reload },
        { "ReloadOrRestartUnit", bus_ops_reload_or_restart },
        { "TryReloadOrRestartUnit", bus_ops_try_reload_or_restart },
        { "EnableUnit", bus_ops_enable },
        { "DisableUnit", bus_ops_disable },
};

static int method_unit_op(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL;
        BusConnection *c = userdata;
        const char *member = sd_bus_message_get_member(m), *name = NULL;
        BusUnitOp op = NULL;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(bus_unit_ops); i++)
                if (streq(bus_unit_ops[i].member, member))
                        op = bus_unit_ops[i].op;
        if (!op)
                return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_METHOD, "Unknown method %s.", member);
        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = bus_check_write(c, m, error);
        if (r < 0)
                return r;
        log_debug("%s(%s) from pid %d, uid %u.", member, name, (int) c->cred.pid, c->cred.uid);
        if (op == bus_ops_stop)
                bus_job_cancel_unit(c->bus, bus_ops_unit_id(c->bus->manager, name));
        r = op(c->bus->manager, name, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, name);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_kill_unit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL;
        BusConnection *c = userdata;
        const char *name = NULL;
        int32_t sig;
        int r;

        r = bus_read_unit_name(m, &name, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "i", &sig);
        if (r < 0)
                return r;
        if (sig <= 0 || sig >= _NSIG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid signal number %d.", sig);
        r = bus_check_write(c, m, error);
        if (r < 0)
                return r;
        r = bus_ops_kill(c->bus->manager, name, sig, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, name);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_reset_failed_unit(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL;
        BusConnection *c = userdata;
        const char *name = NULL;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        if (!isempty(name) && !bus_unit_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid unit name '%.*s'.", 64, name);
        r = bus_check_write(c, m, error);
        if (r < 0)
                return r;
        r = bus_ops_reset_failed(c->bus->manager, isempty(name) ? NULL : name, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, name);
        return sd_bus_reply_method_return(m, NULL);
}

/* A manager-wide operation without arguments: rights, a log line naming the caller, the
 * operation, its error or an empty reply. */
static int manager_op(sd_bus_message *m, BusConnection *c, sd_bus_error *error, const char *what,
                      int (*op)(Manager *m, char **ret_message)) {
        _cleanup_free_ char *msg = NULL;
        int r;

        r = bus_check_write(c, m, error);
        if (r < 0)
                return r;
        log_info("%s requested by pid %d, uid %u.", what, (int) c->cred.pid, c->cred.uid);
        r = op(c->bus->manager, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, NULL);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_daemon_reload(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return manager_op(m, userdata, error, "Reload", bus_ops_daemon_reload);
}

static int method_reexecute(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        int r = manager_op(m, userdata, error, "Re-exec", manager_reexec);
        /* Now, while the connections are open: the loop's end closes them. */
        if (r >= 0)
                bus_job_abandon_all(c->bus);
        return r;
}

/* SettleDenials: answered once the seccomp records the kernel made before the call have
 * been read (core/denial-feed.h), so that what the caller asks next counts them. */
static void on_denials_settled(Manager *mgr, void *userdata) {
        sd_bus_message *m = userdata;

        (void) sd_bus_reply_method_return(m, NULL);
        sd_bus_message_unref(m);
}

static int method_settle_denials(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        int r = denial_feed_settle(c->bus->manager->denials, on_denials_settled, sd_bus_message_ref(m));

        if (r == 0)
                return 1; /* answered later */
        sd_bus_message_unref(m);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

/* list-unit-files: every unit file the daemon holds, with its state. */
static int method_list_unit_files(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        BusConnection *c = userdata;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0)
                r = bus_unit_props_append_unit_files(c->bus->manager, reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* mask, unmask, edit: where the daemon looks for units. */
static int method_get_unit_paths(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        BusConnection *c = userdata;
        int r = sd_bus_message_new_method_return(m, &reply);

        if (r >= 0)
                r = bus_unit_props_append_search_path(c->bus->manager, reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Every method is open to every client as far as sd-bus is concerned (it would otherwise
 * demand CAP_SYS_ADMIN of the peer); bus_check_write() decides. */
static const sd_bus_vtable bus_manager_vtable[] = {
        SD_BUS_VTABLE_START(SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListUnits", NULL, , "a(ssssssu)", SD_BUS_PARAM(units),
                                 method_list_units, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetUnitStatus", "s", SD_BUS_PARAM(name), "a{sv}",
                                 SD_BUS_PARAM(properties), method_get_unit_status, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("IsEnabled", "s", SD_BUS_PARAM(name), "s", SD_BUS_PARAM(state),
                                 method_is_enabled, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetUnitFileText", "s", SD_BUS_PARAM(name), "s", SD_BUS_PARAM(text),
                                 method_get_unit_file_text, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetLogs", "su", SD_BUS_PARAM(name) SD_BUS_PARAM(lines), "asb",
                                 SD_BUS_PARAM(text) SD_BUS_PARAM(truncated), method_get_logs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("OpenLogFile", "s", SD_BUS_PARAM(name), "h", SD_BUS_PARAM(fd),
                                 method_open_log_file, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("OpenLogFiles", "st", SD_BUS_PARAM(name) SD_BUS_PARAM(after_inode), "ahb",
                                 SD_BUS_PARAM(fds) SD_BUS_PARAM(found), method_open_log_files,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("FollowLogFiles", "st", SD_BUS_PARAM(name) SD_BUS_PARAM(after_inode), "ahbt",
                                 SD_BUS_PARAM(fds) SD_BUS_PARAM(found) SD_BUS_PARAM(seq),
                                 method_follow_log_files, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("StartUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("StopUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RestartUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("TryRestartUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ReloadUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ReloadOrRestartUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("TryReloadOrRestartUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("EnableUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("DisableUnit", "s", SD_BUS_PARAM(name), NULL, , method_unit_op, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("KillUnit", "si", SD_BUS_PARAM(name) SD_BUS_PARAM(signal), NULL, ,
                                 method_kill_unit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ResetFailedUnit", "s", SD_BUS_PARAM(name), NULL, ,
                                 method_reset_failed_unit, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("DaemonReload", NULL, NULL, method_daemon_reload, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("SettleDenials", NULL, NULL, method_settle_denials, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Reexecute", NULL, NULL, method_reexecute, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("StartTransient", "sa(ss)asa{sv}",
                                 SD_BUS_PARAM(name) SD_BUS_PARAM(properties) SD_BUS_PARAM(argv)
                                 SD_BUS_PARAM(options), "s", SD_BUS_PARAM(unit),
                                 bus_method_start_transient, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("SetLearn", "sb", SD_BUS_PARAM(name) SD_BUS_PARAM(on), NULL, ,
                                 bus_method_set_learn, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetLearned", "s", SD_BUS_PARAM(name), "s", SD_BUS_PARAM(record),
                                 bus_method_get_learned, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RunUnitJob", "ss", SD_BUS_PARAM(job) SD_BUS_PARAM(name), "ss",
                                 SD_BUS_PARAM(result) SD_BUS_PARAM(unit_result), bus_method_run_unit_job,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetSystemState", NULL, , "s", SD_BUS_PARAM(state), bus_method_get_system_state,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListUnitFiles", NULL, , "a(ss)", SD_BUS_PARAM(files),
                                 method_list_unit_files, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetUnitPaths", NULL, , "as", SD_BUS_PARAM(paths),
                                 method_get_unit_paths, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("UnitStateChanged", "ssssii",
                                 SD_BUS_PARAM(name) SD_BUS_PARAM(active_state) SD_BUS_PARAM(sub_state)
                                 SD_BUS_PARAM(result) SD_BUS_PARAM(exec_main_code)
                                 SD_BUS_PARAM(exec_main_status), 0),
        SD_BUS_SIGNAL_WITH_NAMES("UnitRemoved", "s", SD_BUS_PARAM(name), 0),
        SD_BUS_SIGNAL_WITH_NAMES("LogFileRotated", "sth", SD_BUS_PARAM(name) SD_BUS_PARAM(seq) SD_BUS_PARAM(fd), 0),
        SD_BUS_VTABLE_END
};

/* The few calls of the bus driver a client may make on its own, answered here because in
 * peer-to-peer mode there is no bus driver: busctl (and any sd-bus client told it talks to a
 * bus) says Hello first and waits for a unique name; clients add matches for the signals.
 * Every client receives every signal anyway, so the matches are accepted and ignored. */
static int method_hello(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        char name[32];

        snprintf(name, sizeof(name), ":1.%" PRIu64, c->id);
        return sd_bus_reply_method_return(m, "s", name);
}

static int method_match(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *rule;
        int r = sd_bus_message_read(m, "s", &rule);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

static int method_get_id(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        char id[SD_ID128_STRING_MAX];

        return sd_bus_reply_method_return(m, "s", sd_id128_to_string(c->bus->server_id, id));
}

static const sd_bus_vtable bus_driver_vtable[] = {
        SD_BUS_VTABLE_START(SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Hello", NULL, "s", method_hello, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("AddMatch", "s", NULL, method_match, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("RemoveMatch", "s", NULL, method_match, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("GetId", NULL, "s", method_get_id, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END
};

int bus_manager_add_objects(sd_bus *bus, BusConnection *c) {
        int r = sd_bus_error_add_map(bus_manager_errors);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                     bus_driver_vtable, c);
        if (r < 0)
                return r;
        return sd_bus_add_object_vtable(bus, NULL, BUS_PATH, BUS_INTERFACE, bus_manager_vtable, c);
}
