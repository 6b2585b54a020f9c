/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service state machine's events: service_actions[state][event] (see service.h for the
 * states and the table in words), the actions it names, and the entry points that dispatch
 * through it (requests, process exits, notifications, timers). What an action does to the
 * unit is in service-transition.c; the process plumbing (spawning, launch reports, the exec
 * gate, exits) is in service-process.c, which calls the service_on_*() functions here.
 */
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "sys/cgroup.h"
#include "sys/log.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "io/output.h"
#include "core/service-exec.h"
#include "core/service-process.h"
#include "core/service-transition.h"
#include "core/service.h"
#include "core/unit-learn.h"
#include "core/service-phase.h"
#include "message.h"
#include "string-table.h"

/* The Manager counts units that are not inactive, and ends a shutdown when none is left. A
 * unit that just became inactive stays counted until what its processes wrote is in its
 * log (bounded by UNIT_OUTPUT_GRACE_USEC), so the last lines are not lost on exit. */
static bool service_output_pending(const Unit *u) {
        return u->output && !output_stream_drained(u->output);
}

static void service_release(Unit *u) {
        u->release_timer = sd_event_source_disable_unref(u->release_timer);
        if (!u->holds_activity)
                return;
        u->holds_activity = false;
        if (u->removed)
                manager_schedule_gc(u->manager);
        manager_unit_deactivated(u->manager);
}

static int on_release_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        service_release(userdata);
        return 0;
}

void service_check_release(Unit *u) {
        if (u->removed && service_state_is_inactive(u->state))
                manager_schedule_gc(u->manager);
        if (!u->holds_activity || !service_state_is_inactive(u->state))
                return;
        if (!service_output_pending(u)) {
                service_release(u);
                return;
        }
        if (u->release_timer)
                return;
        uint64_t now;
        sd_event *e = u->manager->event;
        (void) sd_event_now(e, CLOCK_MONOTONIC, &now);
        if (sd_event_add_time(e, &u->release_timer, CLOCK_MONOTONIC, now + UNIT_OUTPUT_GRACE_USEC, 0,
                              on_release_timer, u) < 0)
                service_release(u);
}

/* systemd.service(5), "Exit causes and the effect of the Restart= settings", as a table:
 * which results each Restart= value restarts on. The manual's table has no row for the
 * resources and protocol results; systemd restarts on them for on-failure, on-abnormal and
 * always (on-abnormal is "any result but success and exit-code"), and so do we. */
static const uint16_t restart_table[_SERVICE_RESTART_MAX] = {
#define R(x) (1u << (x))
        [SERVICE_RESTART_NO] = 0,
        [SERVICE_RESTART_ON_SUCCESS] = R(SERVICE_SUCCESS),
        [SERVICE_RESTART_ON_FAILURE] = R(SERVICE_FAILURE_RESOURCES) | R(SERVICE_FAILURE_PROTOCOL) |
                R(SERVICE_FAILURE_TIMEOUT) | R(SERVICE_FAILURE_EXIT_CODE) | R(SERVICE_FAILURE_SIGNAL) |
                R(SERVICE_FAILURE_CORE_DUMP) | R(SERVICE_FAILURE_WATCHDOG),
        [SERVICE_RESTART_ON_ABNORMAL] = R(SERVICE_FAILURE_RESOURCES) | R(SERVICE_FAILURE_PROTOCOL) |
                R(SERVICE_FAILURE_TIMEOUT) | R(SERVICE_FAILURE_SIGNAL) | R(SERVICE_FAILURE_CORE_DUMP) |
                R(SERVICE_FAILURE_WATCHDOG),
        [SERVICE_RESTART_ON_WATCHDOG] = R(SERVICE_FAILURE_WATCHDOG),
        [SERVICE_RESTART_ON_ABORT] = R(SERVICE_FAILURE_SIGNAL) | R(SERVICE_FAILURE_CORE_DUMP),
        [SERVICE_RESTART_ALWAYS] = R(SERVICE_SUCCESS) | R(SERVICE_FAILURE_RESOURCES) |
                R(SERVICE_FAILURE_PROTOCOL) | R(SERVICE_FAILURE_TIMEOUT) | R(SERVICE_FAILURE_EXIT_CODE) |
                R(SERVICE_FAILURE_SIGNAL) | R(SERVICE_FAILURE_CORE_DUMP) | R(SERVICE_FAILURE_WATCHDOG),
#undef R
};

bool service_restart_wanted(ServiceRestart restart, ServiceResult result) {
        if (restart < 0 || restart >= _SERVICE_RESTART_MAX || result < 0 || result >= _SERVICE_RESULT_MAX)
                return false;
        return restart_table[restart] & (1u << result);
}

/* ---- the actions of the table ---- */

/* What an event brings along. */
typedef struct ServiceEventArgs {
        ServiceResult f;        /* main or control exited: how it ended, judged */
        bool requested;         /* watchdog: WATCHDOG=trigger rather than the timer */
        char **ret_message;     /* requests: a sentence for the client on failure */
} ServiceEventArgs;

/* An action runs when its event arrives in its state. TARGET is the state the entry names
 * (_SERVICE_STATE_INVALID when the action decides). Requests return 0 or -errno; for the
 * other events the return value is ignored. */
typedef int (*ServiceActionFn)(Unit *u, ServiceState target, const ServiceEventArgs *a);

typedef struct ServiceAction {
        ServiceActionFn fn;
        ServiceState target;
} ServiceAction;

static int act_already(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        return -EALREADY;
}

static int act_begin(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        /* From auto-restart: the start request comes before the restart delay ran out. */
        service_disarm_timer(u);
        return service_begin(u, false, a->ret_message);
}

static int act_start_once_dead(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        u->restart_requested = true;
        return 0;
}

/* As systemd: a stop request in auto-restart ends the unit as stopped (inactive, dead,
 * result success), not as failed; it was the request, not the failure, that ended it. */
static int act_stop_cancel_restart(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_disarm_timer(u);
        u->result = SERVICE_SUCCESS;
        service_set_state(u, SERVICE_DEAD);
        return 0;
}

/* Enters the entry's signal state (stop-sigterm, stop-sigkill, final-sigterm,
 * final-sigkill) with the event's result. */
static int act_signal(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_enter_signal(u, target, a->f);
        return 0;
}

static int act_stop(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_proc_ops(u)->kill_control(u);
        service_enter_stop(u, SERVICE_SUCCESS);
        return 0;
}

static int act_reload(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (u->config->exec[SERVICE_EXEC_RELOAD].n == 0)
                return set_message(a->ret_message, "Job type reload is not applicable for unit %s.", u->name),
                       -EOPNOTSUPP;
        u->reload_result = SERVICE_SUCCESS;
        int r = service_run_control(u, SERVICE_EXEC_RELOAD, 0);
        if (r < 0)
                return set_message(a->ret_message, "Failed to run ExecReload=: %s", strerror(-r)), r;
        service_set_state(u, SERVICE_RELOAD);
        return 0;
}

static int act_main_execed(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (u->config->type == SERVICE_EXEC)
                service_enter_start_post(u);
        return 0;
}

static int act_ready_started(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_phase_on_ready(u);
        if (u->config->type == SERVICE_NOTIFY)
                service_enter_start_post(u);
        return 0;
}

static int act_ready_reloaded(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (!u->reload_pending_ready || unit_process_alive(u->control))
                return 0;
        u->reload_pending_ready = false;
        service_enter_running(u, SERVICE_SUCCESS);
        return 0;
}

static int act_reloading(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        u->reload_pending_ready = true;
        service_set_state(u, SERVICE_RELOAD);
        service_arm_timer(u, u->config->timeout_start);
        return 0;
}

/* STOPPING=1: the service stops on its own; like a stop request, but it may restart. */
static int act_stopping(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        u->forbid_restart = false;
        service_set_state(u, SERVICE_STOP_SIGTERM);
        service_arm_timer(u, u->config->timeout_stop);
        return 0;
}

static int act_keep_result(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        /* Decided when the control process is done, or when everything is gone. */
        service_set_result(u, a->f);
        return 0;
}

static int act_keep_result_check_empty(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_set_result(u, a->f);
        service_check_empty(u);
        return 0;
}

static int act_check_empty(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_check_empty(u);
        return 0;
}

static int act_main_exited_running(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_enter_running(u, a->f);
        return 0;
}

static int act_main_exited_start(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_main_exited_in_start(u, a->f);
        return 0;
}

static int act_start_pre_done(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (a->f == SERVICE_SUCCESS)
                service_enter_start(u);
        else
                service_enter_signal(u, SERVICE_STOP_SIGTERM, a->f);
        return 0;
}

static int act_start_post_done(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (a->f == SERVICE_SUCCESS)
                service_enter_running(u, SERVICE_SUCCESS);
        else
                service_enter_stop(u, a->f);
        return 0;
}

static int act_reload_done(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        u->reload_result = a->f;
        service_enter_running(u, SERVICE_SUCCESS);
        return 0;
}

static int act_stop_post(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_enter_stop_post(u, a->f);
        return 0;
}

static int act_final_done(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        service_enter_final_done(u, a->f);
        return 0;
}

static int act_restart_timer(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        _cleanup_free_ char *msg = NULL;

        u->n_restarts++;
        log_unit_info(u->name, "Scheduled restart job, restart counter is at %u.", u->n_restarts);
        int r = service_begin(u, true, &msg);
        if (r < 0 && r != -ECANCELED && msg)
                log_unit_warning(u->name, "%s", msg);
        return 0;
}

static int act_start_timeout(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        log_unit_warning(u->name, "Start operation timed out. Terminating.");
        unit_log_line(u, "Start operation timed out. Terminating.");
        service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
        return 0;
}

static int act_start_post_timeout(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        log_unit_warning(u->name, "Start-post operation timed out. Stopping.");
        service_proc_ops(u)->kill_control(u);
        service_enter_stop(u, SERVICE_FAILURE_TIMEOUT);
        return 0;
}

static int act_reload_timeout(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        log_unit_warning(u->name, "Reload operation timed out.");
        service_proc_ops(u)->kill_control(u);
        u->reload_result = SERVICE_FAILURE_TIMEOUT;
        service_enter_running(u, SERVICE_SUCCESS);
        return 0;
}

/* A timeout on the way down: escalate to the entry's state. */
static int act_stop_timeout(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (u->state == SERVICE_STOP_SIGTERM)
                log_unit_warning(u->name, "State 'stop-sigterm' timed out. Killing.");
        else if (u->state == SERVICE_STOP_SIGKILL)
                log_unit_warning(u->name, "Processes still around after SIGKILL. Ignoring.");
        if (target == SERVICE_STOP_POST)
                service_enter_stop_post(u, SERVICE_FAILURE_TIMEOUT);
        else
                service_enter_signal(u, target, SERVICE_FAILURE_TIMEOUT);
        return 0;
}

static int act_final_timeout(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        log_unit_warning(u->name, "Processes still around after final SIGKILL. Ignoring.");
        service_enter_final_done(u, SERVICE_FAILURE_TIMEOUT);
        return 0;
}

/* The watchdog fired, or the service asked for it with WATCHDOG=trigger: SIGABRT, then the
 * usual way down with result watchdog. */
static int act_watchdog(Unit *u, ServiceState target, const ServiceEventArgs *a) {
        if (a->requested)
                log_unit_error(u->name, "Watchdog request (WATCHDOG=trigger)!");
        else
                log_unit_error(u->name, "Watchdog timeout (limit %llums)!",
                               (unsigned long long) (u->config->watchdog_sec / USEC_PER_MSEC));
        unit_log_line(u, "Watchdog %s, killing with SIGABRT.", a->requested ? "request" : "timeout");
        u->kill_with_watchdog = true;
        service_proc_ops(u)->kill_control(u);
        service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG);
        return 0;
}

/* ---- the table ---- */

#define DO(f) { .fn = (f), .target = _SERVICE_STATE_INVALID }
#define TO(f, s) { .fn = (f), .target = (s) }

/* service.h's event table, one row per state, as s6-supervise keeps its actions. The rows
 * for the way down are alike on purpose: each state waits for one thing, and its timer
 * escalates to the next state. */
static const ServiceAction service_actions[_SERVICE_STATE_MAX][_SERVICE_EVENT_MAX] = {
        [SERVICE_DEAD] = {
                [SERVICE_EVENT_START] = DO(act_begin),
                [SERVICE_EVENT_STOP] = DO(act_already),
        },
        [SERVICE_FAILED] = {
                [SERVICE_EVENT_START] = DO(act_begin),
                [SERVICE_EVENT_STOP] = DO(act_already),
        },
        [SERVICE_START_PRE] = {
                [SERVICE_EVENT_START] = DO(act_already),
                [SERVICE_EVENT_STOP] = TO(act_signal, SERVICE_STOP_SIGTERM),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_start_pre_done),
                [SERVICE_EVENT_TIMER] = DO(act_start_timeout),
        },
        [SERVICE_START] = {
                [SERVICE_EVENT_START] = DO(act_already),
                [SERVICE_EVENT_STOP] = TO(act_signal, SERVICE_STOP_SIGTERM),
                [SERVICE_EVENT_MAIN_EXECED] = DO(act_main_execed),
                [SERVICE_EVENT_READY] = DO(act_ready_started),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_main_exited_start),
                [SERVICE_EVENT_TIMER] = DO(act_start_timeout),
        },
        [SERVICE_START_POST] = {
                [SERVICE_EVENT_START] = DO(act_already),
                [SERVICE_EVENT_STOP] = DO(act_stop),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_keep_result),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_start_post_done),
                [SERVICE_EVENT_TIMER] = DO(act_start_post_timeout),
                [SERVICE_EVENT_WATCHDOG] = DO(act_watchdog),
        },
        [SERVICE_RUNNING] = {
                [SERVICE_EVENT_START] = DO(act_already),
                [SERVICE_EVENT_STOP] = DO(act_stop),
                [SERVICE_EVENT_RELOAD] = DO(act_reload),
                [SERVICE_EVENT_RELOADING] = DO(act_reloading),
                [SERVICE_EVENT_STOPPING] = DO(act_stopping),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_main_exited_running),
                [SERVICE_EVENT_WATCHDOG] = DO(act_watchdog),
        },
        [SERVICE_EXITED] = {
                [SERVICE_EVENT_START] = DO(act_already),
                [SERVICE_EVENT_STOP] = DO(act_stop),
                [SERVICE_EVENT_RELOAD] = DO(act_reload),
                [SERVICE_EVENT_STOPPING] = DO(act_stopping),
        },
        [SERVICE_RELOAD] = {
                [SERVICE_EVENT_START] = DO(act_already),
                [SERVICE_EVENT_STOP] = DO(act_stop),
                [SERVICE_EVENT_READY] = DO(act_ready_reloaded),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_keep_result),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_reload_done),
                [SERVICE_EVENT_TIMER] = DO(act_reload_timeout),
                [SERVICE_EVENT_WATCHDOG] = DO(act_watchdog),
        },
        [SERVICE_STOP] = {
                [SERVICE_EVENT_START] = DO(act_start_once_dead),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_keep_result),
                [SERVICE_EVENT_CONTROL_EXITED] = TO(act_signal, SERVICE_STOP_SIGTERM),
                [SERVICE_EVENT_TIMER] = TO(act_stop_timeout, SERVICE_STOP_SIGTERM),
        },
        [SERVICE_STOP_SIGTERM] = {
                [SERVICE_EVENT_START] = DO(act_start_once_dead),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_keep_result_check_empty),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_check_empty),
                [SERVICE_EVENT_ALL_GONE] = DO(act_stop_post),
                [SERVICE_EVENT_TIMER] = TO(act_stop_timeout, SERVICE_STOP_SIGKILL),
        },
        [SERVICE_STOP_SIGKILL] = {
                [SERVICE_EVENT_START] = DO(act_start_once_dead),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_keep_result_check_empty),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_check_empty),
                [SERVICE_EVENT_ALL_GONE] = DO(act_stop_post),
                [SERVICE_EVENT_TIMER] = TO(act_stop_timeout, SERVICE_STOP_POST),
        },
        [SERVICE_STOP_POST] = {
                [SERVICE_EVENT_START] = DO(act_start_once_dead),
                [SERVICE_EVENT_CONTROL_EXITED] = TO(act_signal, SERVICE_FINAL_SIGTERM),
                [SERVICE_EVENT_TIMER] = TO(act_stop_timeout, SERVICE_FINAL_SIGTERM),
        },
        [SERVICE_FINAL_SIGTERM] = {
                [SERVICE_EVENT_START] = DO(act_start_once_dead),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_check_empty),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_check_empty),
                [SERVICE_EVENT_ALL_GONE] = DO(act_final_done),
                [SERVICE_EVENT_TIMER] = TO(act_stop_timeout, SERVICE_FINAL_SIGKILL),
        },
        [SERVICE_FINAL_SIGKILL] = {
                [SERVICE_EVENT_START] = DO(act_start_once_dead),
                [SERVICE_EVENT_MAIN_EXITED] = DO(act_check_empty),
                [SERVICE_EVENT_CONTROL_EXITED] = DO(act_check_empty),
                [SERVICE_EVENT_ALL_GONE] = DO(act_final_done),
                [SERVICE_EVENT_TIMER] = DO(act_final_timeout),
        },
        [SERVICE_AUTO_RESTART] = {
                [SERVICE_EVENT_START] = DO(act_begin),
                [SERVICE_EVENT_STOP] = DO(act_stop_cancel_restart),
                [SERVICE_EVENT_TIMER] = DO(act_restart_timer),
        },
};

#undef DO
#undef TO

DEFINE_STRING_TABLE(service_event, ServiceEvent, _SERVICE_EVENT_MAX,
        [SERVICE_EVENT_START] = "start",
        [SERVICE_EVENT_STOP] = "stop",
        [SERVICE_EVENT_RELOAD] = "reload",
        [SERVICE_EVENT_MAIN_EXECED] = "main-execed",
        [SERVICE_EVENT_READY] = "ready",
        [SERVICE_EVENT_RELOADING] = "reloading",
        [SERVICE_EVENT_STOPPING] = "stopping",
        [SERVICE_EVENT_MAIN_EXITED] = "main-exited",
        [SERVICE_EVENT_CONTROL_EXITED] = "control-exited",
        [SERVICE_EVENT_ALL_GONE] = "all-gone",
        [SERVICE_EVENT_TIMER] = "timer",
        [SERVICE_EVENT_WATCHDOG] = "watchdog")

static const ServiceAction *service_action(ServiceState state, ServiceEvent event) {
        if (state < 0 || state >= _SERVICE_STATE_MAX || event < 0 || event >= _SERVICE_EVENT_MAX)
                return NULL;
        const ServiceAction *a = &service_actions[state][event];
        return a->fn ? a : NULL;
}

bool service_event_handled(ServiceState state, ServiceEvent event) {
        return service_action(state, event);
}

/* Runs the table's entry for EVENT in the current state. Returns what the action returned,
 * or 0 when the event is ignored in this state. */
static int service_dispatch(Unit *u, ServiceEvent event, const ServiceEventArgs *args) {
        const ServiceAction *a = service_action(u->state, event);

        if (!a)
                return 0;
        log_unit_debug(u->name, "Event %s in state %s.", service_event_to_string(event),
                       service_state_to_string(u->state));
        return a->fn(u, a->target, args);
}

/* ---- requests ---- */

int service_start(Unit *u, char **ret_message) {
        if (u->load_state == UNIT_MASKED && !u->pending)
                return set_message(ret_message, "Unit %s is masked.", u->name), -ERFKILL; /* systemctl's words */
        if (u->load_state != UNIT_LOADED && !u->pending)
                return set_message(ret_message, "Unit %s is not loaded properly (%s).", u->name,
                               unit_load_state_to_string(u->load_state)), -ENOEXEC;
        if (u->manager->shutdown_requested)
                return set_message(ret_message, "The daemon is shutting down."), -ESHUTDOWN;
        return service_dispatch(u, SERVICE_EVENT_START, &(ServiceEventArgs) { .ret_message = ret_message });
}

int service_stop(Unit *u, char **ret_message) {
        u->restart_requested = false;
        u->forbid_restart = true;
        /* Without an entry the unit is already on its way down. */
        return service_dispatch(u, SERVICE_EVENT_STOP, &(ServiceEventArgs) { .ret_message = ret_message });
}

int service_reload(Unit *u, char **ret_message) {
        /* As systemd: whether the unit can reload at all comes before whether it runs. */
        if (u->load_state == UNIT_MASKED && !u->pending)
                return set_message(ret_message, "Unit %s is masked.", u->name), -ERFKILL;
        if (u->config && u->config->exec[SERVICE_EXEC_RELOAD].n == 0)
                return set_message(ret_message, "Job type reload is not applicable for unit %s.", u->name),
                       -EOPNOTSUPP; /* systemctl's words */
        if (!service_action(u->state, SERVICE_EVENT_RELOAD))
                return set_message(ret_message, "Unit %s is not active.", u->name), -ENOTCONN;
        return service_dispatch(u, SERVICE_EVENT_RELOAD, &(ServiceEventArgs) { .ret_message = ret_message });
}

int service_kill(Unit *u, int signo, char **ret_message) {
        if (!unit_is_active_or_transitioning(u))
                return set_message(ret_message, "Unit %s is not active.", u->name), -ESRCH;
        if (signo <= 0 || signo >= _NSIG)
                return set_message(ret_message, "Invalid signal %d.", signo), -EINVAL;
        service_proc_ops(u)->kill(u, signo, false);
        return 0;
}

void service_reset_failed(Unit *u) {
        u->result = SERVICE_SUCCESS;
        u->start_limit_count = 0;
        if (u->state == SERVICE_FAILED)
                service_set_state(u, SERVICE_DEAD);
        else
                unit_write_status_file(u);
}

/* ---- events from processes (service-process.c) ---- */

void service_on_main_execed(Unit *u) {
        (void) service_dispatch(u, SERVICE_EVENT_MAIN_EXECED, &(ServiceEventArgs) {});
}

void service_on_main_exited(Unit *u, int code, int status) {
        ServiceResult f = service_exit_result(u, code, status);

        if (u->config->type != SERVICE_FORKING || u->state != SERVICE_START) {
                u->exec_main_code = code;
                u->exec_main_status = status;
        }
        unit_log_line(u, "Main process exited, code=%s, status=%d%s%s",
                      code == CLD_EXITED ? "exited" : code == CLD_DUMPED ? "dumped" : "killed", status,
                      code == CLD_EXITED ? "" : "/", code == CLD_EXITED ? "" : (signal_to_string(status) ?: "?"));
        (void) service_dispatch(u, SERVICE_EVENT_MAIN_EXITED, &(ServiceEventArgs) { .f = f });
}

static bool control_failed(Unit *u, int code, int status) {
        const ExecCommand *c = service_command(u, u->control_command_id, u->command_index);
        if (c && (c->flags & EXEC_COMMAND_IGNORE_FAILURE))
                return false;
        return !(code == CLD_EXITED && status == 0);
}

/* The control process finished successfully: runs the next command of its list. Returns
 * 1 when one runs now, 0 when the list is done, -errno when the next one could not be
 * started (a failure of the cycle, like an unsuccessful exit). */
static int service_next_control(Unit *u) {
        return service_run_control(u, u->control_command_id, u->command_index + 1);
}

void service_on_control_exited(Unit *u, int code, int status) {
        ServiceResult f = SERVICE_SUCCESS;

        /* Control commands are judged strictly: only exit status 0 is clean. */
        if (control_failed(u, code, status))
                f = code == CLD_EXITED ? SERVICE_FAILURE_EXIT_CODE
                  : code == CLD_DUMPED ? SERVICE_FAILURE_CORE_DUMP : SERVICE_FAILURE_SIGNAL;

        /* The next command of the list, if any, is the same state going on. */
        if (f == SERVICE_SUCCESS) {
                int r = service_next_control(u);
                if (r > 0)
                        return;
                if (r < 0)
                        f = SERVICE_FAILURE_RESOURCES;
        }
        (void) service_dispatch(u, SERVICE_EVENT_CONTROL_EXITED, &(ServiceEventArgs) { .f = f });
}

void service_check_empty(Unit *u) {
        if (service_has_processes(u))
                return;
        (void) service_dispatch(u, SERVICE_EVENT_ALL_GONE, &(ServiceEventArgs) {});
}

/* ---- timers ---- */

void service_on_timer(Unit *u) {
        u->timer = sd_event_source_disable_unref(u->timer);
        (void) service_dispatch(u, SERVICE_EVENT_TIMER, &(ServiceEventArgs) {});
}

static void service_watchdog_fire(Unit *u, bool requested) {
        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        (void) service_dispatch(u, SERVICE_EVENT_WATCHDOG, &(ServiceEventArgs) { .requested = requested });
}

void service_on_watchdog(Unit *u) {
        service_watchdog_fire(u, false);
}

/* ---- notifications ---- */

static void service_notify_mainpid(Unit *u, pid_t pid) {
        if (pid <= 1 || pid == getpid())
                return;
        if (unit_process_alive(u->main) && u->main->pid == pid)
                return;
        if (service_proc_ops(u)->adopt_pid(u, pid) < 0)
                log_unit_warning(u->name, "Ignoring MAINPID=%d: not a process of this unit.", (int) pid);
}

/* EXTEND_TIMEOUT_USEC=: the current state's timeout (start, reload or stop) ends no sooner
 * than USEC from now. It only ever moves the deadline later, as in systemd; a service that
 * wants more has to send it again in time. */
static void service_extend_timeout(Unit *u, uint64_t usec) {
        sd_event *e = u->manager->event;
        uint64_t now, deadline;

        if (!u->timer || u->state == SERVICE_AUTO_RESTART)
                return;
        if (sd_event_now(e, CLOCK_MONOTONIC, &now) < 0 || sd_event_source_get_time(u->timer, &deadline) < 0)
                return;
        uint64_t want = usec >= USEC_INFINITY - now ? USEC_INFINITY - 1 : now + usec;
        if (want <= deadline)
                return;
        int r = sd_event_source_set_time(u->timer, want);
        if (r < 0)
                log_unit_warning_errno(u->name, r, "Failed to extend the timeout, ignoring: %m");
        else
                log_unit_debug(u->name, "Timeout extended by the service to %llu ms from now.",
                               (unsigned long long) (usec / USEC_PER_MSEC));
}

static void service_notify_watchdog_ping(Unit *u) {
        u->watchdog_last = now_usec(CLOCK_MONOTONIC);
        if (u->state == SERVICE_RUNNING || u->state == SERVICE_START_POST || u->state == SERVICE_RELOAD)
                service_arm_watchdog(u);
}

/* The assignments are applied in a fixed order, whatever their order in the datagram: the
 * bookkeeping first, then RELOADING=1 before READY=1 (a reload announced and finished in
 * one datagram), STOPPING=1, and the watchdog last. */
void service_notify(Unit *u, pid_t sender, const NotifyMessage *n) {
        usec_t changed = u->state_change_timestamp;

        if (n->main_pid > 0)
                service_notify_mainpid(u, n->main_pid);
        if (n->has_extend_timeout)
                service_extend_timeout(u, n->extend_timeout_usec);
        if (n->status)
                (void) unit_set_status_text(u, n->status);
        if (n->reloading)
                (void) service_dispatch(u, SERVICE_EVENT_RELOADING, &(ServiceEventArgs) {});
        if (n->ready) {
                u->notify_ready = true;
                unit_learn_ready(u);
                u->watchdog_last = now_usec(CLOCK_MONOTONIC);
                (void) service_dispatch(u, SERVICE_EVENT_READY, &(ServiceEventArgs) {});
        }
        if (n->stopping) {
                u->notify_stopping = true;
                (void) service_dispatch(u, SERVICE_EVENT_STOPPING, &(ServiceEventArgs) {});
        }
        if (n->watchdog == NOTIFY_WATCHDOG_PING)
                service_notify_watchdog_ping(u);
        else if (n->watchdog == NOTIFY_WATCHDOG_TRIGGER)
                /* As in systemd, this needs no WatchdogSec=. */
                service_watchdog_fire(u, true);
        /* A change of state wrote the status file already. */
        if (u->state_change_timestamp == changed)
                unit_write_status_file(u);
}
