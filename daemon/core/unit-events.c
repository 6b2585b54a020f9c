/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Routing events that arrive for "some process" to the unit that owns it: datagrams on the
 * NOTIFY_SOCKET (checked against the unit's NotifyAccess=) and the kernel's seccomp kill
 * records. Both name a pid; the unit is found by main/control pid or cgroup membership.
 * And the way up: unit_notify_state_change(), through which every change of a unit's state
 * reaches the Manager and, by its hook, the control plane.
 */
#include <inttypes.h>
#include <linux/seccomp.h>
#include <string.h>

#include "sys/io-log.h"
#include "sys/kmsg.h"
#include "sys/proc-events.h"
#include "sys/log.h"
#include "core/denial-feed.h"
#include "core/manager-deps.h"
#include "core/manager-order.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "io/notify.h"
#include "core/service.h"
#include "core/unit-events.h"
#include "policy.h"
#include "core/manager-takeover.h"

/* NotifyAccess=: who may speak for the unit. */
static bool notify_allowed(const Unit *u, pid_t sender) {
        NotifyAccess a = unit_notify_access(u);
        pid_t main_pid = unit_process_alive(u->main) ? u->main->pid : 0;
        pid_t control_pid = unit_process_alive(u->control) ? u->control->pid : 0;

        /* The sender was found as one of U's processes (manager_find_unit_by_live_pid(): a
         * live process of U, or one in U's cgroup), which is what "all" asks. */
        return notify_access_allows(a, sender, main_pid, control_pid, true);
}

static void on_notify(NotifyServer *server, pid_t sender, const NotifyMessage *n, void *userdata) {
        Manager *m = userdata;

        Unit *u = manager_find_unit_by_live_pid(m, sender);
        if (!u) {
                log_debug("Notification from pid %d, which belongs to no unit, ignoring.", (int) sender);
                return;
        }
        if (!notify_allowed(u, sender)) {
                log_unit_warning(u->name, "Notification from pid %d refused by NotifyAccess=%s.",
                                 (int) sender, notify_access_to_string(unit_notify_access(u)));
                return;
        }
        service_notify(u, sender, n);
}

static void io_log_forward(int priority, const char *message) {
        log_internal(priority, 0, NULL, "%s", message);
}

void unit_events_setup_logging(void) {
        io_log_set_func(io_log_forward);
        io_log_set_max_priority(log_get_max_level());
}

int unit_events_setup_notify(Manager *m) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, "%s/notify", m->runtime_dir) < 0)
                return -ENOMEM;
        r = notify_server_new_fd(m->event, path, takeover_take_fd(m, "notify"), on_notify, m, &m->notify);
        if (r < 0)
                return log_warning_errno(r, "Failed to set up the notify socket %s, Type=notify will not work: %m",
                                         path);
        /* Held for the next daemon: what services send while there is none waits in it. */
        takeover_hold(m, "notify", notify_server_fd(m->notify));
        m->notify_socket = TAKE_PTR(path);
        return 0;
}

/* ---- seccomp records ---- */

typedef enum RecordKind {
        RECORD_IGNORE,
        RECORD_KILL,
        RECORD_ERRNO,
        RECORD_TRAP,
        RECORD_LOGGED,
} RecordKind;

static RecordKind record_kind(const SeccompAudit *a) {
        const char *action = seccomp_audit_action_to_string(a);

        /* The action decides (a trap has sig=31 too); without code=, the signal. */
        if (!action)
                return a->sig > 0 ? RECORD_KILL : RECORD_IGNORE;
        if (strneq(action, "kill", 4))
                return RECORD_KILL;
        if (streq(action, "errno"))
                return RECORD_ERRNO;
        if (streq(action, "trap"))
                return RECORD_TRAP;
        if (streq(action, "log"))
                return RECORD_LOGGED;
        /* user_notif is the exec gate's, which counts its own answers; trace is unused. */
        return RECORD_IGNORE;
}

/* The unit of a record's pid: what the daemon knows in memory or by the pid's cgroup (a
 * living process: errno denials, log hits), else the process connector's table (a process
 * already reaped: kills). */
static Unit *record_unit(Manager *m, pid_t pid) {
        Unit *u = manager_find_unit_by_pid(m, pid);
        const char *owner;

        if (u)
                return u;
        owner = proc_events_owner(m->proc_events, pid);
        return owner ? manager_get_unit(m, owner) : NULL;
}

static void record_fill(UnitDenial *d, const SeccompAudit *a, RecordKind kind) {
        *d = (UnitDenial) { .pid = a->pid, .logged = kind == RECORD_LOGGED };
        if (a->syscall_name[0])
                snprintf(d->syscall, sizeof d->syscall, "%.*s", (int) sizeof d->syscall - 1, a->syscall_name);
        else
                snprintf(d->syscall, sizeof d->syscall, "syscall-%d", a->syscall);
        snprintf(d->comm, sizeof d->comm, "%.*s", (int) sizeof d->comm - 1, a->comm);
        snprintf(d->exe, sizeof d->exe, "%.*s", (int) sizeof d->exe - 1, a->exe);
        switch (kind) {
        case RECORD_ERRNO:
                /* The record's code is the action without its data: which errno is the
                 * policy's to say (errno_name_for()). */
                snprintf(d->action, sizeof d->action, "errno");
                break;
        case RECORD_TRAP:
                snprintf(d->action, sizeof d->action, "trap");
                break;
        case RECORD_LOGGED:
                snprintf(d->action, sizeof d->action, "logged");
                break;
        default:
                snprintf(d->action, sizeof d->action, "kill");
                break;
        }
}

/* The errno the unit's policy gives SYSCALL, as a name, when it says so without conditions
 * on arguments; else NULL (the baseline's rule, or an argument filter, chose it). */
static const char *errno_name_for(const Unit *u, const char *syscall) {
        PolicyAction act;

        if (!u->policy || policy_has_conditions(u->policy, syscall))
                return NULL;
        policy_effective_action(u->policy, syscall, &act, NULL);
        if (act.type != POLICY_ACTION_ERRNO)
                return NULL;
        return strerrorname_np(act.errno_value);
}

void unit_events_seccomp_record(Manager *m, const SeccompAudit *a) {
        RecordKind kind = record_kind(a);
        UnitDenial d;
        Unit *u;

        if (kind == RECORD_IGNORE)
                return;
        record_fill(&d, a, kind);
        u = record_unit(m, a->pid);
        if (!u) {
                /* Counted, and in the daemon's log; not in every unit's status, since on a
                 * host with other seccomp users most such records are theirs. */
                if (m->denials_unattributed++ == 0)
                        log_notice("A seccomp record fits no unit (pid %d, %s, %s, %s): such records are counted "
                                   "(DenialRecordsUnattributed) and logged at debug level.",
                                   (int) a->pid, d.comm, d.syscall, d.action);
                log_debug("Seccomp record of pid %d (%s, %s) for %s (%s) fits no unit; %" PRIu64 " such so far.",
                          (int) a->pid, d.comm, d.exe, d.syscall, d.action, m->denials_unattributed);
                return;
        }
        /* PolicyMode=complain turned every refusal into a log action: its records are the
         * would-be denials, counted as denials. (SystemCallLog= hits of such a unit count
         * among them: the complain policy no longer tells them apart.) */
        if (kind == RECORD_LOGGED && u->policy && u->policy->complain) {
                d.logged = false;
                snprintf(d.action, sizeof d.action, "would deny (complain)");
        }
        if (kind == RECORD_ERRNO) {
                const char *name = errno_name_for(u, d.syscall);
                if (name)
                        snprintf(d.action, sizeof d.action, "%s", name);
        }
        unit_add_denial(u, &d);
}

int unit_events_setup_kmsg(Manager *m) {
        int r = proc_events_new(&m->proc_events);
        if (r >= 0) {
                r = proc_events_listen(m->proc_events, m->event);
                if (r < 0)
                        log_warning_errno(r, "Failed to listen to the kernel's process events: seccomp records "
                                          "of short-lived descendants of a service may fit no unit: %m");
        }
        return denial_feed_open(m, &m->denials);
}

int unit_events_denial_health(Manager *m, char **ret) {
        return denial_feed_health(m->denials, ret);
}

/* ---- state changes, going up ---- */

/* On the way up: what units ordered after this one wait for (manager-order.h). */
static bool state_is_starting(ServiceState s) {
        return s == SERVICE_START_PRE || s == SERVICE_START || s == SERVICE_START_POST;
}

/* The Manager counts units that are not inactive (manager_unit_activated()); the count is
 * given back by service_check_release() once the processes' output is in the log. */
static void unit_account(Unit *u, ServiceState old, ServiceState new) {
        if (service_state_is_inactive(new))
                return;
        if (!u->holds_activity) {
                u->holds_activity = true;
                manager_unit_activated(u->manager);
        }
        u->release_timer = sd_event_source_disable_unref(u->release_timer);
}

static void unit_stamp(Unit *u, ServiceState old, ServiceState new) {
        u->state_change_timestamp = now_usec(CLOCK_REALTIME);
        if (unit_active_state(u) == UNIT_ACTIVE && u->active_enter_timestamp == 0)
                u->active_enter_timestamp = u->state_change_timestamp;
        if (!service_state_is_inactive(old) && service_state_is_inactive(new))
                u->inactive_enter_timestamp = u->state_change_timestamp;
}

void unit_notify_state_change(Unit *u, ServiceState old, ServiceState new) {
        Manager *m = u->manager;
        bool became_inactive = !service_state_is_inactive(old) && service_state_is_inactive(new);

        unit_account(u, old, new);
        unit_stamp(u, old, new);
        if (old != new)
                log_unit_debug(u->name, "Changed %s -> %s", service_state_to_string(old),
                               service_state_to_string(new));
        unit_write_status_file(u);
        if (m->on_unit_changed)
                m->on_unit_changed(m, u, m->on_unit_changed_userdata);

        /* Last: what follows may end the event loop or start the unit again. */
        if (became_inactive) {
                /* Every process of the unit is gone, and each printed its record before it
                 * went: read them now, then forget its descendants. */
                denial_feed_flush(m->denials);
                proc_events_forget_owner(m->proc_events, u->name);
                manager_unit_inactive(m, u);
                manager_deps_unit_inactive(m, u);
                service_check_release(u);
        }
        /* A unit that finished starting or stopping may release units ordered after (or,
         * at shutdown, before) it. */
        if ((state_is_starting(old) && !state_is_starting(new)) || became_inactive)
                manager_order_dispatch(m);
}
