/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The runtime Unit's data: string tables, lifetime, credentials resolved at load, denial
 * records, the per-unit log lines the daemon writes itself, and the status file.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "exec/filter-cache.h"
#include "sys/log.h"
#include "sys/proc-events.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "io/output.h"
#include "policy.h"
#include "core/service-phase.h"
#include "string-table.h"
#include "strv.h"
#include "core/unit.h"
#include "learn-record.h"
#include "core/manager-takeover.h"
#include "core/unit-serialize.h"
#include "core/unit-runtime.h"
#include "core/unit-sandbox-state.h"

static const char *const unit_load_state_table[_UNIT_LOAD_STATE_MAX] = {
        [UNIT_LOADED] = "loaded",
        [UNIT_ERROR] = "error",
        [UNIT_NOT_FOUND] = "not-found",
        [UNIT_MASKED] = "masked",
};

static const char *const unit_active_state_table[_UNIT_ACTIVE_STATE_MAX] = {
        [UNIT_ACTIVE] = "active",
        [UNIT_RELOADING] = "reloading",
        [UNIT_INACTIVE] = "inactive",
        [UNIT_FAILED] = "failed",
        [UNIT_ACTIVATING] = "activating",
        [UNIT_DEACTIVATING] = "deactivating",
};

static const char *const service_state_table[_SERVICE_STATE_MAX] = {
        [SERVICE_DEAD] = "dead",
        [SERVICE_START_PRE] = "start-pre",
        [SERVICE_START] = "start",
        [SERVICE_START_POST] = "start-post",
        [SERVICE_RUNNING] = "running",
        [SERVICE_EXITED] = "exited",
        [SERVICE_RELOAD] = "reload",
        [SERVICE_STOP] = "stop",
        [SERVICE_STOP_SIGTERM] = "stop-sigterm",
        [SERVICE_STOP_SIGKILL] = "stop-sigkill",
        [SERVICE_STOP_POST] = "stop-post",
        [SERVICE_FINAL_SIGTERM] = "final-sigterm",
        [SERVICE_FINAL_SIGKILL] = "final-sigkill",
        [SERVICE_FAILED] = "failed",
        [SERVICE_AUTO_RESTART] = "auto-restart",
};

static const char *const service_result_table[_SERVICE_RESULT_MAX] = {
        [SERVICE_SUCCESS] = "success",
        [SERVICE_FAILURE_RESOURCES] = "resources",
        [SERVICE_FAILURE_PROTOCOL] = "protocol",
        [SERVICE_FAILURE_TIMEOUT] = "timeout",
        [SERVICE_FAILURE_EXIT_CODE] = "exit-code",
        [SERVICE_FAILURE_SIGNAL] = "signal",
        [SERVICE_FAILURE_CORE_DUMP] = "core-dump",
        [SERVICE_FAILURE_WATCHDOG] = "watchdog",
        [SERVICE_FAILURE_START_LIMIT_HIT] = "start-limit-hit",
};

DEFINE_STRING_TABLE_LOOKUP(unit_load_state, UnitLoadState, unit_load_state_table, _UNIT_LOAD_STATE_MAX)
DEFINE_STRING_TABLE_LOOKUP(unit_active_state, UnitActiveState, unit_active_state_table,
                    _UNIT_ACTIVE_STATE_MAX)
DEFINE_STRING_TABLE_LOOKUP(service_state, ServiceState, service_state_table, _SERVICE_STATE_MAX)
DEFINE_STRING_TABLE_LOOKUP(service_result, ServiceResult, service_result_table, _SERVICE_RESULT_MAX)

int unit_new(Manager *m, const char *name, Unit **ret) {
        _cleanup_(unit_freep) Unit *u = calloc(1, sizeof(Unit));
        if (!u)
                return -ENOMEM;
        u->manager = m;
        u->name = strdup(name);
        if (!u->name)
                return -ENOMEM;
        u->load_state = UNIT_NOT_FOUND;
        u->state = SERVICE_DEAD;
        for (size_t i = 0; i < ELEMENTSOF(u->stdio_fds); i++)
                u->stdio_fds[i] = -EBADF;
        u->creds = (UnitCreds) { .uid = EXEC_UID_UNSET, .gid = EXEC_GID_UNSET };
        *ret = TAKE_PTR(u);
        return 0;
}

void unit_creds_done(UnitCreds *c) {
        free(c->user);
        free(c->home);
        free(c->shell);
        free(c->groups);
        *c = (UnitCreds) { .uid = EXEC_UID_UNSET, .gid = EXEC_GID_UNSET };
}

static void unit_load_done(Unit *u) {
        u->file = unit_file_free(u->file);
        u->config = unit_config_free(u->config);
        u->policy = policy_unref(u->policy);
        u->filters = filter_entry_unref(u->filters);
        u->phase = unit_phase_free(u->phase);
        unit_creds_done(&u->creds);
        diag_list_done(&u->load_diags);
}

UnitProcess *unit_process_free(UnitProcess *p) {
        if (!p)
                return NULL;
        if (p->holder_name[0] && p->unit)
                takeover_release(p->unit->manager, p->holder_name);
        sd_event_source_disable_unref(p->pidfd_source);
        sd_event_source_disable_unref(p->socket_source);
        sd_event_source_disable_unref(p->listener_source);
        sd_event_source_disable_unref(p->phase_timer);
        if (p->exec)
                exec_process_free(p->exec);
        else
                safe_close(p->pidfd);
        free(p);
        return NULL;
}

Unit *unit_free(Unit *u) {
        if (!u)
                return NULL;
        unit_forget_status_file(u);
        for (size_t i = 0; i < u->n_procs; i++)
                unit_process_free(u->procs[i]);
        free(u->procs);
        sd_event_source_disable_unref(u->timer);
        sd_event_source_disable_unref(u->release_timer);
        sd_event_source_disable_unref(u->watchdog_timer);
        sd_event_source_disable_unref(u->pid_file_timer);
        sd_event_source_disable_unref(u->cgroup_source);
        unit_output_free(u, u->output);
        unit_output_free(u, u->output_prev);
        for (size_t i = 0; i < ELEMENTSOF(u->stdio_fds); i++)
                safe_close(u->stdio_fds[i]);
        free(u->cgroup_path);
        free(u->status_text);
        free(u->condition_unmet);
        free(u->baseline);
        free(u->denials);
        learn_record_done(u->learned);
        free(u->learned);
        unit_runtime_free(u);
        unit_load_done(u);
        unit_free(u->pending);
        free(u->name);
        free(u);
        return NULL;
}

void unit_take_load(Unit *dst, Unit *src) {
        unit_load_done(dst);
        dst->load_state = src->load_state;
        dst->load_error = src->load_error;
        dst->load_diags = src->load_diags;
        src->load_diags = (DiagList) {};
        dst->file = TAKE_PTR(src->file);
        dst->config = TAKE_PTR(src->config);
        dst->policy = TAKE_PTR(src->policy);
        dst->filters = TAKE_PTR(src->filters);
        dst->phase = TAKE_PTR(src->phase);
        dst->sandbox_skip = src->sandbox_skip;
        dst->creds = src->creds;
        src->creds = (UnitCreds) {};
        unit_free(src);
}

/* Where KEY was last assigned, for a located diagnostic. */
static void key_location(const Unit *u, const char *key, const char **ret_file, unsigned *ret_line) {
        *ret_file = u->file ? u->file->fragment : NULL;
        *ret_line = 0;
        for (size_t i = 0; u->file && i < u->file->n_assignments; i++)
                if (streq(u->file->assignments[i].key, key)) {
                        *ret_file = u->file->assignments[i].file;
                        *ret_line = u->file->assignments[i].line;
                }
}

static void creds_error(Unit *u, const char *key, const char *what, const char *name) {
        const char *file;
        unsigned line;
        key_location(u, key, &file, &line);
        (void) diag_add(&u->load_diags, DIAG_ERROR, file, line, key, "Unknown %s '%s'.", what, name);
}

/* A decimal id is taken as is (systemd accepts numeric User=/Group=). */
static bool parse_id(const char *s, uint32_t *ret) {
        uint64_t v;
        if (parse_uint64(s, &v) < 0 || v >= UINT32_MAX - 1 || v == 65535)
                return false;
        *ret = (uint32_t) v;
        return true;
}

static int creds_resolve_user(Unit *u, const char *name) {
        uint32_t id;
        struct passwd *pw;

        errno = 0;
        pw = parse_id(name, &id) ? getpwuid(id) : getpwnam(name);
        if (!pw) {
                if (parse_id(name, &id)) {
                        /* A numeric uid without a passwd entry: systemd runs it with gid = uid. */
                        u->creds.uid = id;
                        u->creds.gid = id;
                        return 0;
                }
                /* DynamicUser=: a name without an entry is the dynamic user's, lent at
                 * start (unit-runtime.h). */
                if (unit_wants_dynamic_user(u))
                        return 0;
                creds_error(u, "User", "user", name);
                return -ESRCH;
        }
        u->creds.uid = pw->pw_uid;
        u->creds.gid = pw->pw_gid;
        u->creds.user = strdup(pw->pw_name);
        u->creds.home = strdup(pw->pw_dir ?: "/");
        u->creds.shell = strdup(pw->pw_shell ?: "/bin/sh");
        if (!u->creds.user || !u->creds.home || !u->creds.shell)
                return -ENOMEM;
        return 0;
}

static int creds_resolve_group(Unit *u, const char *key, const char *name, gid_t *ret) {
        uint32_t id;
        if (parse_id(name, &id)) {
                *ret = id;
                return 0;
        }
        errno = 0;
        struct group *gr = getgrnam(name);
        if (!gr) {
                creds_error(u, key, "group", name);
                return -ESRCH;
        }
        *ret = gr->gr_gid;
        return 0;
}

static int user_mode_error(Unit *u, const char *key, const char *why) {
        const char *file;
        unsigned line;
        key_location(u, key, &file, &line);
        (void) diag_add(&u->load_diags, DIAG_ERROR, file, line, key,
                        "%s a per-user daemon (syscaged --user) runs services as its own user only "
                        "(uid %u, gid %u).", why, (unsigned) u->manager->owner_uid,
                        (unsigned) u->manager->owner_gid);
        return -EPERM;
}

/* syscaged --user has no capabilities to change credentials with: a unit that asks for another
 * user, group or capability is refused when it is loaded, never started as someone else or
 * with less than it said. User=/Group= naming the owner are fine, and change nothing. */
static int creds_check_user_mode(Unit *u) {
        const UnitConfig *c = u->config;
        const Manager *m = u->manager;

        if (!m->user_mode)
                return 0;
        if (unit_wants_dynamic_user(u))
                return user_mode_error(u, "DynamicUser", "cannot be used:");
        if (c->user && u->creds.uid != m->owner_uid)
                return user_mode_error(u, "User", "names another user:");
        if (c->group && u->creds.gid != m->owner_gid)
                return user_mode_error(u, "Group", "names another group:");
        if (c->user && u->creds.gid != EXEC_GID_UNSET && u->creds.gid != m->owner_gid)
                return user_mode_error(u, "User", "the user's primary group is not the daemon's:");
        if (u->creds.n_groups > 0)
                return user_mode_error(u, "SupplementaryGroups", "cannot be set:");
        if (c->ambient_capabilities != 0)
                return user_mode_error(u, "AmbientCapabilities", "cannot be raised:");
        /* The owner's own credentials: setgroups() would need CAP_SETGID, and the groups the
         * daemon has are the owner's already. */
        u->creds.set_groups = false;
        return 0;
}

int unit_resolve_creds(Unit *u) {
        const UnitConfig *c = u->config;
        int r;

        unit_creds_done(&u->creds);
        if (c->user) {
                r = creds_resolve_user(u, c->user);
                if (r < 0)
                        return r;
                u->creds.set_groups = true;
        }
        /* DynamicUser=: the group is the dynamic user's own, of the same number, unless the
         * user exists statically. Group= does not name another one (not supported yet). */
        if (c->group && !(unit_wants_dynamic_user(u) && u->creds.uid == EXEC_UID_UNSET)) {
                r = creds_resolve_group(u, "Group", c->group, &u->creds.gid);
                if (r < 0)
                        return r;
        }
        size_t n = strv_length(c->supplementary_groups);
        if (n > UNIT_SUPPLEMENTARY_GROUPS_MAX) {
                (void) diag_add(&u->load_diags, DIAG_ERROR, NULL, 0, "SupplementaryGroups",
                                "More than %u supplementary groups.",
                                UNIT_SUPPLEMENTARY_GROUPS_MAX);
                return -E2BIG;
        }
        if (n > 0) {
                u->creds.groups = calloc(n, sizeof(gid_t));
                if (!u->creds.groups)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        r = creds_resolve_group(u, "SupplementaryGroups",
                                                c->supplementary_groups[i], &u->creds.groups[i]);
                        if (r < 0)
                                return r;
                }
                u->creds.n_groups = n;
                u->creds.set_groups = true;
        }
        return creds_check_user_mode(u);
}

NotifyAccess unit_notify_access(const Unit *u) {
        const UnitConfig *c = u->config;
        if (!c)
                return NOTIFY_NONE;
        if (c->notify_access == NOTIFY_NONE &&
            (c->type == SERVICE_NOTIFY || (c->watchdog_sec > 0 && c->watchdog_sec != USEC_INFINITY)))
                return NOTIFY_MAIN;
        return c->notify_access;
}

UnitActiveState unit_active_state(const Unit *u) {
        switch (u->state) {
        case SERVICE_RUNNING:
        case SERVICE_EXITED:
                return UNIT_ACTIVE;
        case SERVICE_RELOAD:
                return UNIT_RELOADING;
        case SERVICE_START_PRE:
        case SERVICE_START:
        case SERVICE_START_POST:
        case SERVICE_AUTO_RESTART:
                return UNIT_ACTIVATING;
        case SERVICE_STOP:
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
        case SERVICE_STOP_POST:
        case SERVICE_FINAL_SIGTERM:
        case SERVICE_FINAL_SIGKILL:
                return UNIT_DEACTIVATING;
        case SERVICE_FAILED:
                return UNIT_FAILED;
        default:
                return UNIT_INACTIVE;
        }
}

bool unit_named_in(const Unit *u, char *const *l) {
        if (strv_contains((char **) l, u->name))
                return true;
        if (u->file)
                STRV_FOREACH(n, u->file->aliases)
                        if (strv_contains((char **) l, *n))
                                return true;
        return false;
}

bool unit_is_active_or_transitioning(const Unit *u) {
        UnitActiveState s = unit_active_state(u);
        return s != UNIT_INACTIVE && s != UNIT_FAILED;
}

void unit_log_line(Unit *u, const char *fmt, ...) {
        Manager *m = u->manager;
        char text[2048], line[4096], ts[64];
        va_list ap;

        if (!m || !m->state_dir)
                return;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        for (char *p = text; *p; p++)
                if (*p == '\n')
                        *p = ' ';
        if (output_format_timestamp(now_usec(CLOCK_REALTIME), ts, sizeof ts) < 0)
                return;
        int n = snprintf(line, sizeof line, "%s %s[%d] syscaged: %s\n", ts, u->name,
                         (int) u->main_pid, text);
        if (n < 0)
                return;
        _cleanup_close_ int fd = output_log_open(m->state_dir, u->name);
        if (fd < 0)
                log_unit_debug_errno(u->name, fd, "Failed to append to unit log, ignoring: %m");
        else if (write(fd, line, MIN((size_t) n, sizeof line - 1)) < 0)
                log_unit_debug_errno(u->name, errno, "Failed to append to unit log, ignoring: %m");
}

static UnitDenialCounter *denial_counter(UnitDenials *l, const char *syscall) {
        for (size_t i = 0; i < l->n_counters; i++)
                if (streq(l->counters[i].syscall, syscall))
                        return &l->counters[i];
        if (l->n_counters >= UNIT_DENIAL_COUNTERS_MAX)
                return NULL; /* the record itself is still kept */
        UnitDenialCounter *c = &l->counters[l->n_counters++];
        snprintf(c->syscall, sizeof c->syscall, "%s", syscall);
        return c;
}

static int unit_denials_alloc(Unit *u) {
        if (!u->denials)
                u->denials = calloc(1, sizeof(UnitDenials));
        return u->denials ? 0 : -ENOMEM;
}

/* The first UNIT_DENIAL_LOG_EACH, then the 16th, 32nd, ...: bounded log volume. An unknown
 * count (no counter left) logs. */
static bool denial_worth_logging(uint64_t count) {
        return count == 0 || count <= UNIT_DENIAL_LOG_EACH || (count & (count - 1)) == 0;
}

static void denial_log(Unit *u, const UnitDenial *d, uint64_t count) {
        char nth[48] = "";

        if (!denial_worth_logging(count))
                return;
        if (count > UNIT_DENIAL_LOG_EACH)
                snprintf(nth, sizeof nth, " (%llu times so far)", (unsigned long long) count);
        if (d->gate) {
                log_unit_warning(u->name, "Denied %s(\"%s\") from pid %d (%s): %s%s", d->syscall,
                                 d->path, (int) d->pid, d->comm, d->action, nth);
                unit_log_line(u, "Denied %s(\"%s\") from pid %d (%s): %s%s", d->syscall, d->path,
                              (int) d->pid, d->comm, d->action, nth);
        } else {
                /* "Killed by seccomp: uname (pid 7) comm=uname exe=/usr/bin/uname" */
                char what[64];
                int prio = d->logged ? LOG_INFO : LOG_WARNING;
                if (d->logged)
                        snprintf(what, sizeof what, "Logged by seccomp");
                else if (streq(d->action, "kill"))
                        snprintf(what, sizeof what, "Killed by seccomp");
                else
                        snprintf(what, sizeof what, "Denied by seccomp with %s", d->action);
                log_unit_full(u->name, prio, "%s: %s (pid %d) comm=%s exe=%s%s", what, d->syscall, (int) d->pid,
                              d->comm[0] ? d->comm : "?", d->exe[0] ? d->exe : "?", nth);
                unit_log_line(u, "%s: %s (pid %d) comm=%s exe=%s%s", what, d->syscall, (int) d->pid,
                              d->comm[0] ? d->comm : "?", d->exe[0] ? d->exe : "?", nth);
        }
}

void unit_add_denial(Unit *u, const UnitDenial *d) {
        UnitDenialCounter *c = NULL;
        uint64_t count = 0;

        if (unit_denials_alloc(u) < 0)
                log_unit_warning(u->name, "Out of memory: the next denial is logged but not recorded.");
        else if (d->logged) {
                u->n_logged_total++;
                c = denial_counter(u->denials, d->syscall);
                if (c)
                        count = ++c->logged;
        } else {
                UnitDenial *slot = &u->denials->records[u->denials->n_records++ % UNIT_DENIALS_KEPT];
                *slot = *d;
                if (slot->timestamp == 0)
                        slot->timestamp = now_usec(CLOCK_REALTIME);
                u->n_denials_total++;
                c = denial_counter(u->denials, d->syscall);
                if (c)
                        count = ++c->count;
        }
        denial_log(u, d, count);
        unit_write_status_file(u);
}

int unit_restore_denial_counter(Unit *u, const char *syscall, uint64_t count, uint64_t logged) {
        UnitDenialCounter *c;

        if (unit_denials_alloc(u) < 0)
                return -ENOMEM;
        c = denial_counter(u->denials, syscall);
        if (!c)
                return -E2BIG;
        c->count = count;
        c->logged = logged;
        return 0;
}

const UnitDenial *unit_last_denial(const Unit *u) {
        if (!u->denials || u->denials->n_records == 0)
                return NULL;
        return &u->denials->records[(u->denials->n_records - 1) % UNIT_DENIALS_KEPT];
}

size_t unit_n_denial_records(const Unit *u) {
        return u->denials ? MIN(u->denials->n_records, (size_t) UNIT_DENIALS_KEPT) : 0;
}

const UnitDenial *unit_denial_record(const Unit *u, size_t i) {
        size_t n = unit_n_denial_records(u);

        if (i >= n)
                return NULL;
        return &u->denials->records[(u->denials->n_records - n + i) % UNIT_DENIALS_KEPT];
}

static int format_counters(const Unit *u, bool logged, char **ret) {
        size_t n_counters = u->denials ? u->denials->n_counters : 0;
        size_t size = 1 + n_counters * (sizeof(UnitDenialCounter) + 24);
        char *s = malloc(size), *p;
        bool first = true;

        if (!s)
                return -ENOMEM;
        p = s;
        *p = '\0';
        for (size_t i = 0; i < n_counters; i++) {
                const UnitDenialCounter *c = &u->denials->counters[i];
                uint64_t n = logged ? c->logged : c->count;
                if (n == 0)
                        continue;
                p += snprintf(p, size - (size_t) (p - s), "%s%s:%llu", first ? "" : ",", c->syscall,
                              (unsigned long long) n);
                first = false;
        }
        *ret = s;
        return 0;
}

int unit_format_denied_syscalls(const Unit *u, char **ret) {
        return format_counters(u, false, ret);
}

int unit_format_logged_syscalls(const Unit *u, char **ret) {
        return format_counters(u, true, ret);
}

int unit_set_status_text(Unit *u, const char *text) {
        char *s = strndup(text, UNIT_STATUS_TEXT_MAX);
        if (!s)
                return -ENOMEM;
        for (char *p = s; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        free(u->status_text);
        u->status_text = s;
        return 0;
}

bool unit_is_transient(const Unit *u) {
        return u->file && u->file->fragment && streq(u->file->fragment, UNIT_TRANSIENT_FILE);
}

void unit_output_holder_name(const char *stream_id, OutputStreamType t, char *buf, size_t size) {
        snprintf(buf, size, "out:%s:%s", stream_id, output_stream_type_to_string(t));
}

void unit_output_hold(Unit *u, OutputStream *s) {
        char name[128];
        if (!s || !output_stream_id(s))
                return;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                int fd = output_stream_pipe_fd(s, t);
                if (fd < 0)
                        continue;
                unit_output_holder_name(output_stream_id(s), t, name, sizeof name);
                takeover_hold(u->manager, name, fd);
        }
}

void unit_output_release(Unit *u, OutputStream *s) {
        char name[128];
        if (!s || !output_stream_id(s) || output_stream_released(s))
                return;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                unit_output_holder_name(output_stream_id(s), t, name, sizeof name);
                takeover_release(u->manager, name);
        }
        output_stream_set_released(s);
}

OutputStream *unit_output_free(Unit *u, OutputStream *s) {
        if (!s)
                return NULL;
        unit_output_release(u, s);
        return output_stream_free(s);
}

int unit_new_invocation_id(Unit *u) {
        uint8_t b[16];
        if (getrandom(b, sizeof b, GRND_NONBLOCK) != sizeof b)
                return negative_errno();
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(u->invocation_id + 2 * i, 3, "%02x", b[i]);
        return 0;
}

static const char *exec_code_to_string(int code) {
        switch (code) {
        case CLD_EXITED:
                return "exited";
        case CLD_KILLED:
                return "killed";
        case CLD_DUMPED:
                return "dumped";
        default:
                return "";
        }
}

static void status_write_denial(FILE *f, const Unit *u) {
        const UnitDenial *d = unit_last_denial(u);
        if (!d) {
                fputs("LastDenial=\n", f);
                return;
        }
        if (d->gate) {
                fprintf(f, "LastDenial=%s path=%s pid=%d comm=%s action=%s\n", d->syscall,
                        d->path, (int) d->pid, d->comm, d->action);
                return;
        }
        fprintf(f, "LastDenial=%s pid=%d action=%s", d->syscall, (int) d->pid, d->action);
        /* comm and exe come from the kernel record, free of control characters (kmsg.c);
         * an exe with spaces is the last field, so it stays one value. */
        if (d->comm[0])
                fprintf(f, " comm=%s", d->comm);
        if (d->exe[0])
                fprintf(f, " exe=%s", d->exe);
        fputc('\n', f);
}

int unit_status_dump(Unit *u, FILE *f) {
        _cleanup_free_ char *denied = NULL, *logged = NULL;
        int r = unit_format_denied_syscalls(u, &denied);
        if (r >= 0)
                r = unit_format_logged_syscalls(u, &logged);
        if (r < 0)
                return r;
        fprintf(f, "Id=%s\n", u->name);
        fprintf(f, "LoadState=%s\n", unit_load_state_to_string(u->load_state));
        fprintf(f, "ActiveState=%s\n", unit_active_state_to_string(unit_active_state(u)));
        fprintf(f, "SubState=%s\n", service_state_to_string(u->state));
        fprintf(f, "Result=%s\n", service_result_to_string(u->result));
        fprintf(f, "MainPID=%d\n", u->main && !u->main->exited ? (int) u->main->pid : 0);
        fprintf(f, "ControlPID=%d\n",
                u->control && !u->control->exited ? (int) u->control->pid : 0);
        fprintf(f, "ExecMainPID=%d\n", (int) u->main_pid);
        fprintf(f, "ExecMainCode=%s\n", exec_code_to_string(u->exec_main_code));
        fprintf(f, "ExecMainStatus=%d\n", u->exec_main_status);
        fprintf(f, "NRestarts=%u\n", u->n_restarts);
        fprintf(f, "NDenials=%zu\n", u->n_denials_total);
        fprintf(f, "DeniedSyscalls=%s\n", denied);
        fprintf(f, "NLogged=%zu\n", u->n_logged_total);
        fprintf(f, "LoggedSyscalls=%s\n", logged);
        status_write_denial(f, u);
        fprintf(f, "StatusText=%s\n", u->status_text ?: "");
        fprintf(f, "CGroup=%s\n", u->cgroup_path ?: "");
        fprintf(f, "InvocationID=%s\n", u->invocation_id);
        fprintf(f, "Filtered=%s\n", u->filters ? "yes" : "no");
        /* Directives the unit sets that this version parses but does not apply. */
        fputs("NotEnforced=", f);
        for (size_t i = 0; u->config && i < u->config->n_not_enforced; i++)
                fprintf(f, "%s%s", i > 0 ? "," : "", u->config->not_enforced[i].key);
        fputc('\n', f);
        fflush(f);
        return ferror(f) ? -EIO : 0;
}

static int status_path(Unit *u, const char *suffix, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s/units/%s.status%s", u->manager->runtime_dir, u->name,
                         suffix);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static void unit_write_status_file_now(Unit *u) {
        char dir[4096], path[4096], tmp[4096];
        int r;

        /* With it, what a new daemon needs to take the unit over (unit-serialize.h). */
        unit_serialize(u);

        snprintf(dir, sizeof dir, "%s/units", u->manager->runtime_dir);
        (void) mkdir(dir, 0755);
        if (status_path(u, "", path, sizeof path) < 0 || status_path(u, ".tmp", tmp, sizeof tmp) < 0)
                return;
        _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                log_unit_debug_errno(u->name, errno, "Failed to write status file, ignoring: %m");
                return;
        }
        _cleanup_fclose_ FILE *f = fdopen(TAKE_FD(fd), "w");
        if (!f)
                return;
        r = unit_status_dump(u, f);
        if (r >= 0)
                r = RET_NERRNO(rename(tmp, path));
        if (r < 0) {
                (void) unlink(tmp);
                log_unit_debug_errno(u->name, r, "Failed to write status file, ignoring: %m");
        }
}

void unit_flush_status_files(Manager *m) {
        _cleanup_hashmap_free_ Hashmap *dirty = TAKE_PTR(m->status_dirty);
        Unit *u;

        HASHMAP_FOREACH(u, dirty)
                unit_write_status_file_now(u);
}

static int on_status_flush(sd_event_source *s, void *userdata) {
        unit_flush_status_files(userdata);
        return 0;
}

/* Queues the unit; the queue is written once the event loop has nothing more urgent to do in
 * this iteration, so a unit whose state changes several times in one iteration (started and
 * running at once, a notification with READY=1 and STATUS=) is written once. Without an event
 * loop (tests), or when queueing fails, the file is written at once. */
void unit_write_status_file(Unit *u) {
        Manager *m = u->manager;
        int r;

        if (!m || !m->runtime_dir)
                return;
        if (!m->event)
                goto now;
        if (!m->status_dirty && !(m->status_dirty = hashmap_new()))
                goto now;
        r = hashmap_put(m->status_dirty, u->name, u);
        if (r < 0 && r != -EEXIST)
                goto now;
        if (!m->status_source) {
                r = sd_event_add_defer(m->event, &m->status_source, on_status_flush, m);
                if (r < 0) {
                        (void) hashmap_remove(m->status_dirty, u->name);
                        goto now;
                }
        }
        (void) sd_event_source_set_enabled(m->status_source, SD_EVENT_ONESHOT);
        return;
now:
        unit_write_status_file_now(u);
}

void unit_forget_status_file(Unit *u) {
        Manager *m = u->manager;

        if (m && hashmap_get(m->status_dirty, u->name) == u)
                (void) hashmap_remove(m->status_dirty, u->name);
}

void unit_remove_status_file(Unit *u) {
        char path[4096];

        unit_forget_status_file(u);
        if (u->manager && u->manager->runtime_dir && status_path(u, "", path, sizeof path) >= 0)
                (void) unlink(path);
        unit_serialize_remove(u);
}

int unit_add_process(Unit *u, UnitProcess *p) {
        if (GREEDY_REALLOC(u->procs, u->allocated_procs, u->n_procs + 1) < 0)
                return -ENOMEM;
        p->unit = u;
        u->procs[u->n_procs++] = p;
        /* Its descendants are followed from here on, for kill records that arrive after they
         * are gone (sys/proc-events.h). */
        if (u->manager && u->manager->proc_events && p->pid > 0)
                (void) proc_events_track(u->manager->proc_events, p->pid, u->name);
        return 0;
}

void unit_drop_process(Unit *u, UnitProcess *p) {
        for (size_t i = 0; i < u->n_procs; i++)
                if (u->procs[i] == p) {
                        memmove(u->procs + i, u->procs + i + 1,
                                (u->n_procs - i - 1) * sizeof(UnitProcess *));
                        u->n_procs--;
                        break;
                }
        if (u->main == p)
                u->main = NULL;
        if (u->control == p)
                u->control = NULL;
        unit_process_free(p);
}

static bool pid_in_cgroup(const Unit *u, pid_t pid) {
        _cleanup_free_ char *path = NULL;

        return u->cgroup_path && cgroup_pid_path(u->manager->cgroup, pid, &path) >= 0 &&
               streq(path, u->cgroup_path);
}

void unit_remember_pid(Unit *u, pid_t pid) {
        u->recent_pids[u->n_recent_pids++ % UNIT_RECENT_PIDS] = pid;
}

bool unit_owns_pid(const Unit *u, pid_t pid) {
        for (size_t i = 0; i < u->n_procs; i++)
                if (u->procs[i]->pid == pid && unit_process_alive(u->procs[i]))
                        return true;
        if (u->manager && u->manager->cgroup && u->manager->cgroup->available)
                return pid_in_cgroup(u, pid);
        /* Process-group mode: no cgroup to ask, so the pids the unit had (a pid reused by
         * another process since is this fallback's documented weakness). */
        for (size_t i = 0; i < MIN(u->n_recent_pids, (size_t) UNIT_RECENT_PIDS); i++)
                if (u->recent_pids[i] == pid)
                        return true;
        return u->main_pid == pid && pid > 0;
}
