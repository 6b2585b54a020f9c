/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Routing events that arrive for "some process" to the unit that owns it: datagrams on the
 * NOTIFY_SOCKET (checked against the unit's NotifyAccess=) and the kernel's seccomp kill
 * records. Both name a pid; the unit is found by main/control pid or cgroup membership.
 * And the way up: unit_notify_state_change(), through which every change of a unit's state
 * reaches the Manager and, by its hook, the control plane.
 */
#include <string.h>

#include "sys/io-log.h"
#include "sys/kmsg.h"
#include "sys/log.h"
#include "core/manager-order.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "io/notify.h"
#include "core/service.h"
#include "core/unit-events.h"
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

static void seccomp_killed(Unit *u, pid_t pid, const char *syscall) {
        UnitDenial d = { .pid = pid, .gate = false };
        snprintf(d.syscall, sizeof d.syscall, "%s", syscall);
        snprintf(d.action, sizeof d.action, "kill");
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/comm", (int) pid);
        FILE *f = fopen(path, "re");
        if (f) {
                if (fgets(d.comm, sizeof d.comm, f))
                        d.comm[strcspn(d.comm, "\n")] = '\0';
                fclose(f);
        }
        unit_add_denial(u, &d);
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

static void on_kmsg(KmsgReader *r, const SeccompAudit *a, void *userdata) {
        char name[SECCOMP_AUDIT_NAME_MAX + 16];
        const char *action = seccomp_audit_action_to_string(a);

        /* Only kills: other actions are logged only when a filter asks (SystemCallLog=). */
        if (a->sig <= 0 && !(action && strneq(action, "kill", 4)))
                return;
        if (a->syscall_name[0])
                snprintf(name, sizeof name, "%s", a->syscall_name);
        else
                snprintf(name, sizeof name, "syscall-%d", a->syscall);
        unit_events_seccomp_kill(userdata, a->pid, name);
}

int unit_events_setup_kmsg(Manager *m) {
        int r = kmsg_open(m->event, on_kmsg, m, &m->kmsg);
        if (r < 0)
                return log_warning_errno(r, "Failed to read %s, seccomp kills will not name the syscall: %m",
                                         KMSG_PATH);
        return 0;
}

void unit_events_seccomp_kill(Manager *m, pid_t pid, const char *syscall) {
        Unit *u = manager_find_unit_by_pid(m, pid);
        if (!u) {
                log_debug("Seccomp killed pid %d (%s), which belongs to no unit.", (int) pid, syscall);
                return;
        }
        seccomp_killed(u, pid, syscall);
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
                manager_unit_inactive(m, u);
                service_check_release(u);
        }
        /* A unit that finished starting or stopping may release units ordered after (or,
         * at shutdown, before) it. */
        if ((state_is_starting(old) && !state_is_starting(new)) || became_inactive)
                manager_order_dispatch(m);
}
