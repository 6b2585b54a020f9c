/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's durable state, written and read back (unit-serialize.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/manager-takeover.h"
#include "core/manager.h"
#include "core/service-process.h"
#include "core/service.h"
#include "core/service-transition.h"
#include "core/unit-load.h"
#include "core/unit-runtime.h"
#include "core/unit-serialize.h"
#include "exec/exec-plan.h"
#include "io/output.h"
#include "message.h"
#include "sys/cgroup.h"
#include "sys/log.h"
#include "sys/log.h"

static const char *const role_table[_SERVICE_PROCESS_ROLE_MAX] = {
        [SERVICE_PROCESS_MAIN] = "main",
        [SERVICE_PROCESS_CONTROL] = "control",
        [SERVICE_PROCESS_OTHER] = "other",
        [SERVICE_PROCESS_GATE_ONLY] = "gate",
};

static int role_from_string(const char *s) {
        for (int i = 0; i < _SERVICE_PROCESS_ROLE_MAX; i++)
                if (streq(s, role_table[i]))
                        return i;
        return -EINVAL;
}

int unit_state_dir_fd(Manager *m) {
        char path[4096];

        if (m->state_files_fd >= 0)
                return m->state_files_fd;
        snprintf(path, sizeof path, "%s/" UNIT_STATE_DIR, m->runtime_dir);
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -errno;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return m->state_files_fd = fd;
}

static int file_name(const Unit *u, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s.state", u->name);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

/* Whether there is anything a new daemon would have to take over. */
static bool unit_needs_state(const Unit *u) {
        return !service_state_is_inactive(u->state) || u->n_procs > 0 || u->output || u->output_prev ||
               u->result != SERVICE_SUCCESS || u->n_restarts > 0 || u->n_denials_total > 0 ||
               u->n_logged_total > 0 || u->start_queued;
}

/* The denial counters, "COUNT LOGGED SYSCALL" each, and the totals: status keeps showing
 * what a service was denied across a crash or re-exec of the daemon. The records themselves
 * (the last UNIT_DENIALS_KEPT) are not kept. */
static int serialize_denials(const Unit *u, StateFile *s) {
        int r;

        if (u->n_denials_total == 0 && u->n_logged_total == 0)
                return 0;
        r = state_file_add_u64(s, "n_denials", u->n_denials_total);
        if (r >= 0)
                r = state_file_add_u64(s, "n_logged", u->n_logged_total);
        for (size_t i = 0; r >= 0 && u->denials && i < u->denials->n_counters; i++) {
                const UnitDenialCounter *c = &u->denials->counters[i];
                r = state_file_addf(s, "denial_counter", "%" PRIu64 " %" PRIu64 " %s", c->count, c->logged,
                                    c->syscall);
        }
        return r;
}

static void restore_denials(Unit *u, const StateFile *s) {
        uint64_t v;

        if (state_file_get_u64(s, "n_denials", &v) >= 0)
                u->n_denials_total = (size_t) v;
        if (state_file_get_u64(s, "n_logged", &v) >= 0)
                u->n_logged_total = (size_t) v;
        for (size_t i = 0; i < s->n; i++) {
                unsigned long long count, logged;
                char name[32];
                if (!streq(s->entries[i].key, "denial_counter") ||
                    sscanf(s->entries[i].value, "%llu %llu %31s", &count, &logged, name) != 3)
                        continue;
                (void) unit_restore_denial_counter(u, name, count, logged);
        }
        /* The records did not come along: their ring starts empty (UnitDenials.n_records). */
}

static ServiceProcessRole process_role(const Unit *u, const UnitProcess *p) {
        if (p->exited)
                return SERVICE_PROCESS_GATE_ONLY;
        if (p == u->main)
                return SERVICE_PROCESS_MAIN;
        if (p == u->control)
                return SERVICE_PROCESS_CONTROL;
        return SERVICE_PROCESS_OTHER;
}

static int serialize_processes(const Unit *u, StateFile *s) {
        for (size_t i = 0; i < u->n_procs; i++) {
                const UnitProcess *p = u->procs[i];
                bool gate = p->exec && p->exec->listener_fd >= 0 && p->holder_name[0];
                if (p->exited && !gate)
                        continue;
                uint64_t last = p->exec && p->exec->have_notif_id ? p->exec->last_notif_id : 0;
                int r = state_file_addf(s, "proc", "%d %" PRIu64 " %s %s %" PRIu64, (int) p->pid, p->start_time,
                                        role_table[process_role(u, p)], gate ? p->holder_name : "-", last);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A transient unit exists nowhere else: its assignments come along, one entry each,
 * "SECTION\tKEY\tLINE\tFILE\tVALUE". */
static int serialize_transient(const Unit *u, StateFile *s) {
        if (!unit_is_transient(u))
                return 0;
        for (size_t i = 0; i < u->file->n_assignments; i++) {
                const UnitAssignment *a = &u->file->assignments[i];
                int r = state_file_addf(s, "transient", "%s\t%s\t%u\t%s\t%s", a->section, a->key, a->line,
                                        a->file ?: UNIT_TRANSIENT_FILE, a->value);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int serialize(const Unit *u, StateFile *s) {
        const UnitRuntime *rt = u->runtime;
        uint64_t deadline;
        int r = 0;

#define ADD(expr) do { if ((r = (expr)) < 0) return r; } while (0)
        ADD(state_file_add(s, "unit", u->name));
        ADD(state_file_add(s, "state", service_state_to_string(u->state)));
        ADD(state_file_add(s, "result", service_result_to_string(u->result)));
        ADD(state_file_add(s, "reload_result", service_result_to_string(u->reload_result)));
        ADD(state_file_add(s, "invocation", u->invocation_id));
        if (u->baseline)
                ADD(state_file_add(s, "baseline", u->baseline));
        ADD(state_file_add_u64(s, "n_restarts", u->n_restarts));
        ADD(state_file_add_u64(s, "start_limit_begin", u->start_limit_begin));
        ADD(state_file_add_u64(s, "start_limit_count", u->start_limit_count));
        ADD(state_file_add_u64(s, "last_start", u->last_start_monotonic));
        ADD(state_file_add_u64(s, "start_seq", u->start_seq));
        ADD(state_file_add_bool(s, "forbid_restart", u->forbid_restart));
        ADD(state_file_add_bool(s, "restart_requested", u->restart_requested));
        ADD(state_file_add_bool(s, "start_queued", u->start_queued));
        ADD(state_file_add_bool(s, "notify_ready", u->notify_ready));
        ADD(state_file_add_bool(s, "notify_stopping", u->notify_stopping));
        ADD(state_file_add_bool(s, "reload_pending_ready", u->reload_pending_ready));
        ADD(state_file_add_bool(s, "main_execed", u->main_execed));
        ADD(state_file_add_u64(s, "ts_state_change", u->state_change_timestamp));
        ADD(state_file_add_u64(s, "ts_active_enter", u->active_enter_timestamp));
        ADD(state_file_add_u64(s, "ts_active_exit", u->active_exit_timestamp));
        ADD(state_file_add_u64(s, "ts_inactive_enter", u->inactive_enter_timestamp));
        ADD(state_file_add_u64(s, "ts_main_start", u->exec_main_start_timestamp));
        ADD(state_file_add_u64(s, "ts_main_exit", u->exec_main_exit_timestamp));
        ADD(state_file_add_i64(s, "main_pid", u->main_pid));
        ADD(state_file_add_bool(s, "main_pid_known", u->main_pid_known));
        ADD(state_file_add_i64(s, "main_code", u->exec_main_code));
        ADD(state_file_add_i64(s, "main_status", u->exec_main_status));
        ADD(state_file_add_u64(s, "control_command", u->control_command_id));
        ADD(state_file_add_u64(s, "command_index", u->command_index));
        if (u->status_text)
                ADD(state_file_add(s, "status_text", u->status_text));
        if (u->timer && sd_event_source_get_time(u->timer, &deadline) >= 0)
                ADD(state_file_add_u64(s, "timer", deadline));
        ADD(state_file_add_bool(s, "watchdog", u->watchdog_timer != NULL));
        if (u->cgroup_created && u->cgroup_path)
                ADD(state_file_add(s, "cgroup", u->cgroup_path));
        if (rt && rt->started) {
                ADD(state_file_add_u64(s, "uid", rt->uid));
                ADD(state_file_add_u64(s, "gid", rt->gid));
                if (rt->private_tmp.tmp_top) {
                        ADD(state_file_add(s, "tmp_top", rt->private_tmp.tmp_top));
                        ADD(state_file_add(s, "tmp", rt->private_tmp.tmp ?: ""));
                        ADD(state_file_add(s, "var_tmp_top", rt->private_tmp.var_tmp_top ?: ""));
                        ADD(state_file_add(s, "var_tmp", rt->private_tmp.var_tmp ?: ""));
                }
        }
        if (u->output && output_stream_id(u->output)) {
                ADD(state_file_add(s, "output", output_stream_id(u->output)));
                unsigned pipes = 0;
                for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                        pipes += output_stream_pipe_fd(u->output, t) >= 0;
                ADD(state_file_add_u64(s, "output_pipes", pipes));
        }
        if (u->output_prev && output_stream_id(u->output_prev))
                ADD(state_file_add(s, "output_prev", output_stream_id(u->output_prev)));
        ADD(serialize_denials(u, s));
        ADD(serialize_processes(u, s));
        ADD(serialize_transient(u, s));
#undef ADD
        return 0;
}

void unit_serialize(Unit *u) {
        Manager *m = u->manager;
        char name[4096];
        int dir;
        int r;

        if (!m || !m->runtime_dir || file_name(u, name, sizeof name) < 0)
                return;
        if (!unit_needs_state(u)) {
                unit_serialize_remove(u);
                return;
        }
        dir = unit_state_dir_fd(m);
        if (dir < 0) {
                log_unit_debug_errno(u->name, dir, "Failed to open the state directory, ignoring: %m");
                return;
        }
        StateFile s = {};
        r = serialize(u, &s);
        if (r >= 0)
                r = state_file_write_at_keyed(dir, name, &s,
                                              m->have_state_key ? (const StateKey *) m->state_key : NULL);
        state_file_done(&s);
        if (r < 0)
                log_unit_debug_errno(u->name, r, "Failed to write the state file, ignoring: %m");
}

void unit_serialize_remove(Unit *u) {
        char name[4096];

        if (!u->manager || !u->manager->runtime_dir || file_name(u, name, sizeof name) < 0)
                return;
        int dir = unit_state_dir_fd(u->manager);
        if (dir >= 0)
                (void) unlinkat(dir, name, 0);
}

/* ---- reading back ---- */

static int get_enum(const StateFile *s, const char *key, int (*from)(const char *), int *ret) {
        const char *v = state_file_get(s, key);
        if (!v)
                return -ENOENT;
        int r = from(v);
        if (r < 0)
                return r;
        *ret = r;
        return 0;
}

#define GET_U64(key, field)                                            \
        do {                                                           \
                uint64_t _v;                                           \
                if (state_file_get_u64(s, key, &_v) >= 0)              \
                        (field) = _v;                                  \
        } while (0)
#define GET_I64(key, field)                                            \
        do {                                                           \
                int64_t _v;                                            \
                if (state_file_get_i64(s, key, &_v) >= 0)              \
                        (field) = _v;                                  \
        } while (0)
#define GET_BOOL(key, field)                                           \
        do {                                                           \
                bool _v;                                               \
                if (state_file_get_bool(s, key, &_v) >= 0)             \
                        (field) = _v;                                  \
        } while (0)

static void restore_fields(Unit *u, const StateFile *s) {
        const char *inv = state_file_get(s, "invocation");
        if (inv && strlen(inv) < sizeof u->invocation_id)
                snprintf(u->invocation_id, sizeof u->invocation_id, "%s", inv);
        const char *baseline = state_file_get(s, "baseline");
        if (baseline && !u->baseline)
                u->baseline = strdup(baseline); /* on failure only status lacks it */
        GET_U64("n_restarts", u->n_restarts);
        GET_U64("start_limit_begin", u->start_limit_begin);
        GET_U64("start_limit_count", u->start_limit_count);
        GET_U64("last_start", u->last_start_monotonic);
        GET_U64("start_seq", u->start_seq);
        GET_BOOL("forbid_restart", u->forbid_restart);
        GET_BOOL("restart_requested", u->restart_requested);
        GET_BOOL("start_queued", u->start_queued);
        GET_BOOL("notify_ready", u->notify_ready);
        GET_BOOL("notify_stopping", u->notify_stopping);
        GET_BOOL("reload_pending_ready", u->reload_pending_ready);
        GET_BOOL("main_execed", u->main_execed);
        GET_U64("ts_state_change", u->state_change_timestamp);
        GET_U64("ts_active_enter", u->active_enter_timestamp);
        GET_U64("ts_active_exit", u->active_exit_timestamp);
        GET_U64("ts_inactive_enter", u->inactive_enter_timestamp);
        GET_U64("ts_main_start", u->exec_main_start_timestamp);
        GET_U64("ts_main_exit", u->exec_main_exit_timestamp);
        GET_I64("main_pid", u->main_pid);
        GET_BOOL("main_pid_known", u->main_pid_known);
        GET_I64("main_code", u->exec_main_code);
        GET_I64("main_status", u->exec_main_status);
        GET_U64("control_command", u->control_command_id);
        GET_U64("command_index", u->command_index);
        const char *text = state_file_get(s, "status_text");
        if (text)
                (void) unit_set_status_text(u, text);
}

static int restore_runtime(Unit *u, const StateFile *s, char **ret_message) {
        uint64_t uid, gid;
        if (state_file_get_u64(s, "uid", &uid) < 0 || state_file_get_u64(s, "gid", &gid) < 0)
                return 0; /* the activation had not begun */
        PrivateTmp tmp = {
                .tmp_top = (char *) state_file_get(s, "tmp_top"),
                .tmp = (char *) state_file_get(s, "tmp"),
                .var_tmp_top = (char *) state_file_get(s, "var_tmp_top"),
                .var_tmp = (char *) state_file_get(s, "var_tmp"),
        };
        return unit_runtime_restore(u, (uid_t) uid, (gid_t) gid, &tmp, ret_message);
}

static int restore_cgroup(Unit *u, const StateFile *s, char **ret_message) {
        const char *path = state_file_get(s, "cgroup");
        _cleanup_free_ char *want = NULL;
        int r;

        if (!path)
                return 0;
        r = cgroup_service_path(u->manager->cgroup, u->name, &want);
        if (r < 0 || !streq(want, path))
                return set_message(ret_message, "its cgroup %s is not where this daemon keeps it", path),
                       -EXDEV;
        free(u->cgroup_path);
        u->cgroup_path = TAKE_PTR(want);
        u->cgroup_created = true;
        return 0;
}

/* "out:ID:stdout" and ":stderr" from the holder, into a stream taken over. PIPES: how many
 * the running processes write to, which must all be there. */
static int restore_output(Unit *u, const char *id, unsigned pipes, HolderFds *f, OutputStream **ret) {
        char name[128];
        int fds[_OUTPUT_STREAM_TYPE_MAX];
        unsigned found = 0;

        if (!id || !u->manager->output)
                return 0;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                unit_output_holder_name(id, t, name, sizeof name);
                fds[t] = f ? holder_fds_take(f, name) : -EBADF;
                found += fds[t] >= 0;
        }
        if (found < pipes) {
                /* Without the read ends, its next write would kill it with SIGPIPE. */
                for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                        safe_close(fds[t]);
                fds[0] = fds[1] = -EBADF;
                (void) output_adopt(u->manager->output, u->name, id, -EBADF, -EBADF, ret);
                return -ENOTCONN;
        }
        int r = output_adopt(u->manager->output, u->name, id, fds[OUTPUT_STDOUT], fds[OUTPUT_STDERR], ret);
        if (r == -ENOENT)
                return 0;
        return r;
}

typedef struct PendingExit {
        pid_t pid;
        int code, status;
} PendingExit;

static int restore_process(Unit *u, const char *entry, HolderFds *f, PendingExit pending[2],
                           char **ret_message) {
        char role_s[16], holder_name[96];
        unsigned long long start_time, last_notif_id;
        int pid, n = 0;

        if (sscanf(entry, "%d %llu %15s %95s %llu%n", &pid, &start_time, role_s, holder_name, &last_notif_id,
                   &n) != 5 || entry[n] != '\0' || pid <= 0)
                return set_message(ret_message, "bad process entry '%s'", entry), -EBADMSG;
        int role = role_from_string(role_s);
        if (role < 0)
                return set_message(ret_message, "bad process role '%s'", role_s), -EBADMSG;
        bool gated = !streq(holder_name, "-");
        int listener = gated && f ? holder_fds_take(f, holder_name) : -EBADF;
        if (gated && listener < 0)
                return set_message(ret_message, "the fd holder no longer has the exec gate of pid %d", pid),
                       -ENOENT;
        int r = service_process_restore(u, pid, start_time, role, listener, gated ? holder_name : NULL,
                                        last_notif_id);
        if (r == -ESRCH && (role == SERVICE_PROCESS_MAIN || role == SERVICE_PROCESS_CONTROL)) {
                /* It ended while no daemon was there, so the holder reaped it and has its
                 * status. Without that, the previous daemon saw it end after it last wrote
                 * this file, and may have started another process we do not know of. */
                int code, status;
                if (!takeover_claim_exit(u->manager, pid, &code, &status))
                        return set_message(ret_message, "pid %d ended after this file was written", pid),
                               -ESTALE;
                log_unit_info(u->name, "Process %d ended while syscaged was down.", pid);
                PendingExit *e = role == SERVICE_PROCESS_MAIN ? &pending[0] : &pending[1];
                *e = (PendingExit) { .pid = pid, .code = code, .status = status };
                return 0;
        }
        if (r == -ESRCH)
                return 0; /* an older process, or a gate nobody uses any more */
        if (r == -EXDEV)
                return set_message(ret_message, "pid %d is no longer in the unit's cgroup", pid), r;
        if (r < 0)
                return set_message(ret_message, "could not take back pid %d: %s", pid, strerror(-r)), r;
        return 0;
}

int unit_deserialize(Unit *u, const StateFile *s, HolderFds *f, char **ret_message) {
        int state, result, reload_result, r;
        const char *name = state_file_get(s, "unit");
        PendingExit pending[2] = {};

        if (!name || !streq(name, u->name))
                return set_message(ret_message, "it is for unit '%s'", name ?: ""), -EBADMSG;
        if (get_enum(s, "state", service_state_from_string, &state) < 0 ||
            get_enum(s, "result", service_result_from_string, &result) < 0 ||
            get_enum(s, "reload_result", service_result_from_string, &reload_result) < 0)
                return set_message(ret_message, "bad state or result"), -EBADMSG;
        if (u->load_state != UNIT_LOADED && !service_state_is_inactive(state))
                return set_message(ret_message, "the unit did not load"), -ENOEXEC;

        restore_fields(u, s);
        restore_denials(u, s);
        u->state = state;
        u->result = result;
        u->reload_result = reload_result;
        bool inactive = service_state_is_inactive(state);
        if (!inactive) {
                r = restore_cgroup(u, s, ret_message);
                if (r < 0)
                        return r;
                r = restore_runtime(u, s, ret_message);
                if (r < 0)
                        return r;
        }
        uint64_t pipes = 0;
        (void) state_file_get_u64(s, "output_pipes", &pipes);
        r = restore_output(u, state_file_get(s, "output"), inactive ? 0 : (unsigned) pipes, f, &u->output);
        if (r >= 0)
                r = restore_output(u, state_file_get(s, "output_prev"), 0, f, &u->output_prev);
        if (r == -ENOTCONN)
                return set_message(ret_message, "the fd holder no longer has its output pipes"), r;
        if (r < 0)
                return set_message(ret_message, "its output could not be taken back: %s", strerror(-r)), r;
        for (size_t i = 0; i < s->n; i++) {
                if (!streq(s->entries[i].key, "proc"))
                        continue;
                r = restore_process(u, s->entries[i].value, f, pending, ret_message);
                if (r < 0)
                        return r;
        }
        if (inactive)
                return 0;

        /* Counted as active, as the state machine would have. */
        if (!u->holds_activity) {
                u->holds_activity = true;
                manager_unit_activated(u->manager);
        }
        uint64_t deadline, now = now_usec(CLOCK_MONOTONIC);
        if (state_file_get_u64(s, "timer", &deadline) >= 0)
                service_arm_timer(u, deadline > now ? deadline - now : 0);
        bool watchdog = false;
        GET_BOOL("watchdog", watchdog);
        if (watchdog) {
                /* Pings sent while no daemon was there wait in the notify socket and come in
                 * at once; the interval starts again from now. */
                u->watchdog_last = now;
                service_arm_watchdog(u);
        }
        /* Last, with the unit whole again: what ended while we were away. */
        if (pending[1].pid > 0)
                service_on_control_exited(u, pending[1].code, pending[1].status);
        if (pending[0].pid > 0) {
                u->main_pid = pending[0].pid;
                u->exec_main_exit_timestamp = now_usec(CLOCK_REALTIME);
                service_on_main_exited(u, pending[0].code, pending[0].status);
        }
        return 0;
}

void unit_deserialize_undo(Unit *u) {
        u->start_queued = false;
        for (size_t i = u->n_procs; i > 0; i--)
                unit_drop_process(u, u->procs[i - 1]);
        service_disarm_timer(u);
        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        if (!service_state_is_inactive(u->state))
                u->state = SERVICE_FAILED;
        u->main = u->control = NULL;
        if (u->holds_activity) {
                u->holds_activity = false;
                manager_unit_deactivated(u->manager);
        }
        u->cgroup_created = false;
        unit_runtime_stop(u);
}

int unit_deserialize_transient(Manager *m, const char *name, const StateFile *s, Unit **ret,
                               char **ret_message) {
        _cleanup_(unit_file_freep) UnitFile *f = NULL;
        DiagList diags = {};
        bool any = false;
        int r;

        r = unit_file_load_string(name, UNIT_TRANSIENT_FILE, "", &diags, &f);
        diag_list_done(&diags);
        if (r < 0)
                return set_message(ret_message, "not a valid unit name"), r;
        free(f->fragment);
        if (!(f->fragment = strdup(UNIT_TRANSIENT_FILE)))
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++) {
                if (!streq(s->entries[i].key, "transient"))
                        continue;
                _cleanup_free_ char *copy = strdup(s->entries[i].value);
                if (!copy)
                        return -ENOMEM;
                char *fields[5], *p = copy;
                for (size_t k = 0; k < 4; k++) {
                        fields[k] = p;
                        p = strchr(p, '\t');
                        if (!p)
                                return set_message(ret_message, "bad transient entry"), -EBADMSG;
                        *p++ = '\0';
                }
                fields[4] = p;
                r = unit_file_add(f, fields[0], fields[1], fields[4], fields[3], (unsigned) strtoul(fields[2], NULL, 10));
                if (r < 0)
                        return set_message(ret_message, "bad transient entry"), r;
                any = true;
        }
        if (!any)
                return -ENOENT;
        return unit_load_transient(m, name, TAKE_PTR(f), ret, ret_message);
}
