/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service state machine (see service.h for the states and the event table). The
 * process plumbing (spawning, launch reports, the exec gate, exits) is in service-process.c;
 * it calls back into the service_on_*() functions here.
 */
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "sys/cgroup.h"
#include "sys/log.h"
#include "core/manager-order.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "io/output.h"
#include "core/service-exec.h"
#include "core/service-process.h"
#include "core/service.h"
#include "message.h"
#include "strv.h"

static void service_enter_signal(Unit *u, ServiceState state, ServiceResult f);
static void service_enter_stop(Unit *u, ServiceResult f);
static void service_enter_stop_post(Unit *u, ServiceResult f);
static void service_enter_running(Unit *u, ServiceResult f);
static void service_enter_start_post(Unit *u);
static void service_enter_start(Unit *u);
static void service_enter_dead(Unit *u, ServiceResult f, bool allow_restart);

static bool state_is_inactive(ServiceState s) {
        return s == SERVICE_DEAD || s == SERVICE_FAILED;
}

/* On the way up: what units ordered after this one wait for (manager-order.h). */
static bool state_is_starting(ServiceState s) {
        return s == SERVICE_START_PRE || s == SERVICE_START || s == SERVICE_START_POST;
}

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
        if (u->removed && state_is_inactive(u->state))
                manager_schedule_gc(u->manager);
        if (!u->holds_activity || !state_is_inactive(u->state))
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

static void service_set_state(Unit *u, ServiceState state) {
        ServiceState old = u->state;

        u->state = state;
        u->state_change_timestamp = now_usec(CLOCK_REALTIME);
        if (!state_is_inactive(state) && !u->holds_activity) {
                u->holds_activity = true;
                manager_unit_activated(u->manager);
        }
        if (!state_is_inactive(state))
                u->release_timer = sd_event_source_disable_unref(u->release_timer);
        if (old != state)
                log_unit_debug(u->name, "Changed %s -> %s", service_state_to_string(old),
                               service_state_to_string(state));
        if (unit_active_state(u) == UNIT_ACTIVE && u->active_enter_timestamp == 0)
                u->active_enter_timestamp = u->state_change_timestamp;
        unit_write_status_file(u);
        if (u->manager->on_unit_changed)
                u->manager->on_unit_changed(u->manager, u, u->manager->on_unit_changed_userdata);
        /* Last: this may end the event loop or restart the unit. */
        if (state == SERVICE_DEAD || state == SERVICE_FAILED)
                /* A run --pipe client waits for EOF on its pipes: its fds go with the last
                 * process (auto-restart keeps them for the next run). */
                for (size_t i = 0; i < ELEMENTSOF(u->stdio_fds); i++)
                        u->stdio_fds[i] = safe_close(u->stdio_fds[i]);
        if (!state_is_inactive(old) && state_is_inactive(state)) {
                u->inactive_enter_timestamp = u->state_change_timestamp;
                manager_unit_inactive(u->manager, u);
                service_check_release(u);
        }
        /* A unit that finished starting or stopping may release units ordered after (or,
         * at shutdown, before) it. */
        if ((state_is_starting(old) && !state_is_starting(state)) ||
            (!state_is_inactive(old) && state_is_inactive(state)))
                manager_order_dispatch(u->manager);
}

/* Keeps the first failure of a cycle. */
static void service_set_result(Unit *u, ServiceResult f) {
        if (u->result == SERVICE_SUCCESS)
                u->result = f;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

static void service_arm_timer(Unit *u, usec_t relative) {
        sd_event *e = u->manager->event;
        uint64_t now;
        int r;

        u->timer = sd_event_source_disable_unref(u->timer);
        if (relative == USEC_INFINITY)
                return;
        (void) sd_event_now(e, CLOCK_MONOTONIC, &now);
        r = sd_event_add_time(e, &u->timer, CLOCK_MONOTONIC, now + relative, 0, on_timer, u);
        if (r < 0)
                log_unit_warning_errno(u->name, r, "Failed to arm a timer, ignoring: %m");
}

static void service_disarm_timer(Unit *u) {
        u->timer = sd_event_source_disable_unref(u->timer);
}

static bool proc_alive(const UnitProcess *p) {
        return p && !p->exited;
}

/* Whether anything of the unit still runs that a stop has to wait for. */
static bool service_has_processes(Unit *u) {
        if (proc_alive(u->main) || proc_alive(u->control))
                return true;
        if (u->config && (u->config->kill_mode == KILL_PROCESS || u->config->kill_mode == KILL_NONE))
                return false;
        return service_process_cgroup_populated(u);
}

/* ---- exit evaluation ---- */

static bool exit_is_clean(const Unit *u, int code, int status) {
        const ExitStatusSet *ok = &u->config->success_exit_status;
        if (code == CLD_EXITED)
                return status == 0 || exit_status_set_has_status(ok, status);
        if (code == CLD_KILLED && u->config->type != SERVICE_ONESHOT &&
            (status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE))
                return true;
        return (code == CLD_KILLED || code == CLD_DUMPED) && exit_status_set_has_signal(ok, status);
}

static ServiceResult exit_result(const Unit *u, int code, int status) {
        if (exit_is_clean(u, code, status))
                return SERVICE_SUCCESS;
        return code == CLD_EXITED ? SERVICE_FAILURE_EXIT_CODE
             : code == CLD_DUMPED ? SERVICE_FAILURE_CORE_DUMP : SERVICE_FAILURE_SIGNAL;
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

/* Whether how the main process ended is in SET (exit status or signal). */
static bool exit_status_set_test(const ExitStatusSet *set, int code, int status) {
        if (code == CLD_EXITED)
                return exit_status_set_has_status(set, status);
        return (code == CLD_KILLED || code == CLD_DUMPED) && exit_status_set_has_signal(set, status);
}

static bool service_shall_restart(const Unit *u) {
        const UnitConfig *c = u->config;

        /* An explicit stop never restarts, nor does a hit start limit, nor a daemon on its
         * way out. */
        if (u->forbid_restart || u->manager->shutdown_requested)
                return false;
        /* systemd.service(5): RestartPreventExitStatus= wins over Restart=, and
         * RestartForceExitStatus= restarts whatever Restart= says. Both look at the main
         * process's end in this cycle, if it ended. */
        if (u->exec_main_code != 0) {
                if (exit_status_set_test(&c->restart_prevent_exit_status, u->exec_main_code, u->exec_main_status))
                        return false;
                if (exit_status_set_test(&c->restart_force_exit_status, u->exec_main_code, u->exec_main_status))
                        return true;
        }
        return service_restart_wanted(c->restart, u->result);
}

/* ---- command sequencing ---- */

static const ExecCommand *service_command(Unit *u, ServiceExecCommand id, size_t index) {
        const ExecCommandList *l = &u->config->exec[id];
        return index < l->n ? &l->commands[index] : NULL;
}

/* As in systemd, every command gets the whole timeout of its phase: TimeoutStartSec= for
 * each ExecStartPre=, ExecStartPost=, ExecReload= (and each ExecStart= of a type that waits),
 * TimeoutStopSec= for each ExecStop= and ExecStopPost= (systemd.service(5): "the time to
 * wait for each ExecStop= command"). */
static usec_t control_timeout(const Unit *u, ServiceExecCommand id) {
        return id == SERVICE_EXEC_STOP || id == SERVICE_EXEC_STOP_POST ? u->config->timeout_stop
                                                                       : u->config->timeout_start;
}

/* Runs command INDEX of list ID as the control process and arms its timeout. A command
 * with the "-" prefix that cannot even be spawned (say, its executable is missing) counts
 * as a failure that "-" ignores, as systemd's exit status 203 would be: the next command
 * runs instead. Returns 1 when one was started, 0 when the list has no more commands,
 * -errno when one could not be started. */
static int service_run_control(Unit *u, ServiceExecCommand id, size_t index) {
        pid_t mainpid = proc_alive(u->main) ? u->main->pid : 0;

        for (;; index++) {
                const ExecCommand *c = service_command(u, id, index);
                _cleanup_free_ char *msg = NULL;
                int r;

                if (!c)
                        return 0;
                u->control_command_id = id;
                u->command_index = index;
                r = service_process_spawn(u, c, false, mainpid, &msg);
                if (r >= 0) {
                        service_arm_timer(u, control_timeout(u, id));
                        return 1;
                }
                bool ignore = c->flags & EXEC_COMMAND_IGNORE_FAILURE;
                log_unit_error_errno(u->name, r, "Failed to run %s: %s%s", service_exec_command_to_string(id),
                                     msg ?: "%m", ignore ? ", ignoring" : "");
                unit_log_line(u, "Failed to run %s: %s%s", service_exec_command_to_string(id),
                              msg ?: strerror(-r), ignore ? ", ignoring" : "");
                if (!ignore)
                        return r;
        }
}

static void service_enter_dead(Unit *u, ServiceResult f, bool allow_restart) {
        service_set_result(u, f);
        service_disarm_timer(u);
        u->pid_file_timer = sd_event_source_disable_unref(u->pid_file_timer);
        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        service_process_release(u);
        u->active_exit_timestamp = now_usec(CLOCK_REALTIME);

        if (allow_restart && service_shall_restart(u)) {
                usec_t delay = MAX(u->config->restart_sec, SERVICE_RESTART_FLOOR_USEC);
                unit_log_line(u, "Scheduling restart in %llu ms (result %s).",
                              (unsigned long long) (delay / USEC_PER_MSEC),
                              service_result_to_string(u->result));
                service_arm_timer(u, delay);
                service_set_state(u, SERVICE_AUTO_RESTART);
                return;
        }
        if (u->result != SERVICE_SUCCESS)
                log_unit_warning(u->name, "Failed with result '%s'.", service_result_to_string(u->result));
        service_set_state(u, u->result == SERVICE_SUCCESS ? SERVICE_DEAD : SERVICE_FAILED);
}

static void service_enter_final_done(Unit *u, ServiceResult f) {
        service_enter_dead(u, f, !u->forbid_restart);
}

/* Sends the state's signal according to KillMode= and waits, or moves on when nothing is
 * left to wait for. */
static void service_enter_signal(Unit *u, ServiceState state, ServiceResult f) {
        bool sigkill = state == SERVICE_STOP_SIGKILL || state == SERVICE_FINAL_SIGKILL;
        bool final = state == SERVICE_FINAL_SIGTERM || state == SERVICE_FINAL_SIGKILL;
        int sig = sigkill ? SIGKILL : u->kill_with_watchdog ? SIGABRT : u->config->kill_signal;

        service_set_result(u, f);
        u->kill_with_watchdog = false;
        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        if (u->config->kill_mode != KILL_NONE || proc_alive(u->control))
                service_process_kill(u, sig, sigkill);
        if (service_has_processes(u)) {
                service_set_state(u, state);
                service_arm_timer(u, u->config->timeout_stop);
                return;
        }
        if (final)
                service_enter_final_done(u, SERVICE_SUCCESS);
        else
                service_enter_stop_post(u, SERVICE_SUCCESS);
}

static void service_enter_stop_post(Unit *u, ServiceResult f) {
        service_set_result(u, f);
        /* Clean-up goes on past a command that cannot be spawned. */
        for (size_t i = 0;; i = u->command_index + 1) {
                int r = service_run_control(u, SERVICE_EXEC_STOP_POST, i);
                if (r > 0) {
                        service_set_state(u, SERVICE_STOP_POST);
                        return;
                }
                if (r == 0)
                        break;
                service_set_result(u, SERVICE_FAILURE_RESOURCES);
        }
        service_enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_SUCCESS);
}

static void service_enter_stop(Unit *u, ServiceResult f) {
        service_set_result(u, f);
        service_disarm_timer(u);
        /* ExecStop= is for a service that came up; one that died on the way skips it. */
        if (proc_alive(u->main) || u->state == SERVICE_RUNNING || u->state == SERVICE_EXITED ||
            u->state == SERVICE_RELOAD) {
                int r = service_run_control(u, SERVICE_EXEC_STOP, 0);
                if (r > 0) {
                        service_set_state(u, SERVICE_STOP);
                        return;
                }
                if (r < 0)
                        service_set_result(u, SERVICE_FAILURE_RESOURCES);
        }
        service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
}

static void service_arm_watchdog(Unit *u);

static void service_enter_running(Unit *u, ServiceResult f) {
        service_set_result(u, f);
        service_disarm_timer(u);
        if (u->result != SERVICE_SUCCESS) {
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
                return;
        }
        if (proc_alive(u->main) || (u->config->type == SERVICE_NOTIFY && u->notify_ready &&
                                    service_process_cgroup_populated(u) && !u->main)) {
                service_set_state(u, SERVICE_RUNNING);
                service_arm_watchdog(u);
                return;
        }
        if (u->config->remain_after_exit) {
                service_set_state(u, SERVICE_EXITED);
                return;
        }
        service_enter_stop(u, SERVICE_SUCCESS);
}

static void service_enter_start_post(Unit *u) {
        u->watchdog_last = now_usec(CLOCK_MONOTONIC);
        for (size_t i = 0;; i++) {
                int r = service_run_control(u, SERVICE_EXEC_START_POST, i);
                if (r > 0) {
                        service_set_state(u, SERVICE_START_POST);
                        return;
                }
                if (r == 0)
                        break;
                service_enter_stop(u, SERVICE_FAILURE_RESOURCES);
                return;
        }
        service_enter_running(u, SERVICE_SUCCESS);
}

/* Spawns ExecStart= number INDEX as the main process. */
static void service_start_main(Unit *u, size_t index) {
        const ExecCommand *c = service_command(u, SERVICE_EXEC_START, index);
        _cleanup_free_ char *msg = NULL;

        u->command_index = index;
        int r = service_process_spawn(u, c, true, 0, &msg);
        if (r < 0) {
                log_unit_error_errno(u->name, r, "Failed to start: %s", msg ?: "%m");
                unit_log_line(u, "Failed to start: %s", msg ?: strerror(-r));
                /* Down the whole path: ExecStopPost= is clean-up that runs after a failed
                 * start too. */
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                return;
        }
        if (u->state != SERVICE_START)
                service_set_state(u, SERVICE_START);
        /* Type=simple is up as soon as the process exists; the other types wait for a sign
         * of readiness, each ExecStart= of a oneshot for its exit, within TimeoutStartSec=. */
        if (u->config->type == SERVICE_SIMPLE)
                service_enter_start_post(u);
        else
                service_arm_timer(u, u->config->timeout_start);
}

static void service_enter_start(Unit *u) {
        if (u->config->exec[SERVICE_EXEC_START].n == 0) {
                /* A oneshot without ExecStart= is allowed by systemd (only ExecStop=). */
                service_set_state(u, SERVICE_START);
                service_enter_start_post(u);
                return;
        }
        service_start_main(u, 0);
}

/* Common start of a cycle; the start limit was checked. */
static void service_enter_start_pre(Unit *u) {
        for (size_t i = 0;; i++) {
                int r = service_run_control(u, SERVICE_EXEC_START_PRE, i);
                if (r > 0) {
                        service_set_state(u, SERVICE_START_PRE);
                        return;
                }
                if (r == 0)
                        break;
                /* Most spawn failures (a missing executable) are, in systemd, the child's
                 * exit status 203, after which ExecStopPost= runs: so here too. */
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                return;
        }
        service_enter_start(u);
}

/* StartLimitIntervalSec=/StartLimitBurst=: true when this start is one too many. */
static bool service_start_limit_hit(Unit *u) {
        const UnitConfig *c = u->config;
        usec_t now = now_usec(CLOCK_MONOTONIC);

        if (c->start_limit_interval == 0 || c->start_limit_burst == 0)
                return false;
        if (u->start_limit_count == 0 || now - u->start_limit_begin > c->start_limit_interval) {
                u->start_limit_begin = now;
                u->start_limit_count = 0;
        }
        return ++u->start_limit_count > c->start_limit_burst;
}

static int service_begin(Unit *u, bool automatic, char **ret_message) {
        int r;

        if (!automatic)
                u->n_restarts = 0;
        /* Between two cycles: a configuration from daemon-reload takes effect now. */
        if (u->pending) {
                unit_take_load(u, TAKE_PTR(u->pending));
                if (u->load_state != UNIT_LOADED) {
                        /* An automatic restart cannot go on with a unit that no longer loads. */
                        if (u->state == SERVICE_AUTO_RESTART) {
                                u->result = SERVICE_FAILURE_RESOURCES;
                                service_set_state(u, SERVICE_FAILED);
                        }
                        return set_message(ret_message, "Unit %s failed to load.", u->name), -ENOEXEC;
                }
        }
        if (service_start_limit_hit(u)) {
                log_unit_warning(u->name, "Start request repeated too quickly.");
                unit_log_line(u, "Start request repeated too quickly.");
                u->result = SERVICE_FAILURE_START_LIMIT_HIT;
                service_set_state(u, SERVICE_FAILED);
                return set_message(ret_message, "Start request for %s repeated too quickly.", u->name),
                       -ECANCELED;
        }
        u->result = SERVICE_SUCCESS;
        u->reload_result = SERVICE_SUCCESS;
        u->forbid_restart = false;
        u->notify_ready = u->notify_stopping = u->reload_pending_ready = false;
        u->main_pid = 0;
        u->exec_main_code = u->exec_main_status = 0;
        u->active_enter_timestamp = u->active_exit_timestamp = 0;
        u->start_seq = ++u->manager->start_seq;
        r = unit_new_invocation_id(u);
        if (r < 0)
                return set_message(ret_message, "Failed to generate an invocation ID: %s", strerror(-r)), r;
        r = service_process_prepare(u, ret_message);
        if (r < 0) {
                u->result = SERVICE_FAILURE_RESOURCES;
                service_set_state(u, SERVICE_FAILED);
                return r;
        }
        service_arm_timer(u, u->config->timeout_start);
        service_enter_start_pre(u);
        if (u->timer && state_is_inactive(u->state))
                service_disarm_timer(u);
        return 0;
}

int service_start(Unit *u, char **ret_message) {
        if (u->load_state != UNIT_LOADED && !u->pending)
                return set_message(ret_message, "Unit %s is not loaded properly (%s).", u->name,
                               unit_load_state_to_string(u->load_state)), -ENOEXEC;
        if (u->manager->shutdown_requested)
                return set_message(ret_message, "The daemon is shutting down."), -ESHUTDOWN;
        switch (unit_active_state(u)) {
        case UNIT_ACTIVE:
        case UNIT_RELOADING:
                return -EALREADY;
        case UNIT_ACTIVATING:
                if (u->state != SERVICE_AUTO_RESTART)
                        return -EALREADY;
                service_disarm_timer(u);
                return service_begin(u, false, ret_message);
        case UNIT_DEACTIVATING:
                u->restart_requested = true;
                return 0;
        default:
                return service_begin(u, false, ret_message);
        }
}

int service_stop(Unit *u, char **ret_message) {
        u->restart_requested = false;
        u->forbid_restart = true;
        switch (u->state) {
        case SERVICE_DEAD:
        case SERVICE_FAILED:
                return -EALREADY;
        case SERVICE_AUTO_RESTART:
                service_disarm_timer(u);
                service_set_state(u, u->result == SERVICE_SUCCESS ? SERVICE_DEAD : SERVICE_FAILED);
                return 0;
        case SERVICE_START_PRE:
        case SERVICE_START:
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
                return 0;
        case SERVICE_START_POST:
        case SERVICE_RUNNING:
        case SERVICE_EXITED:
        case SERVICE_RELOAD:
                service_process_kill_control(u);
                service_enter_stop(u, SERVICE_SUCCESS);
                return 0;
        default:
                return 0; /* already on the way down */
        }
}

int service_reload(Unit *u, char **ret_message) {
        if (u->state != SERVICE_RUNNING && u->state != SERVICE_EXITED)
                return set_message(ret_message, "Unit %s is not active.", u->name), -ENOTCONN;
        if (u->config->exec[SERVICE_EXEC_RELOAD].n == 0)
                return set_message(ret_message, "Unit %s has no ExecReload=.", u->name), -ENOTSUP;
        u->reload_result = SERVICE_SUCCESS;
        int r = service_run_control(u, SERVICE_EXEC_RELOAD, 0);
        if (r < 0)
                return set_message(ret_message, "Failed to run ExecReload=: %s", strerror(-r)), r;
        service_set_state(u, SERVICE_RELOAD);
        return 0;
}

int service_kill(Unit *u, int signo, char **ret_message) {
        if (!unit_is_active_or_transitioning(u))
                return set_message(ret_message, "Unit %s is not active.", u->name), -ESRCH;
        if (signo <= 0 || signo >= _NSIG)
                return set_message(ret_message, "Invalid signal %d.", signo), -EINVAL;
        service_process_kill(u, signo, false);
        return 0;
}

void service_reset_failed(Unit *u) {
        if (u->state == SERVICE_FAILED)
                service_set_state(u, SERVICE_DEAD);
        u->result = SERVICE_SUCCESS;
        u->start_limit_count = 0;
        unit_write_status_file(u);
}

/* ---- events from processes (service-process.c) ---- */

void service_on_main_execed(Unit *u) {
        if (u->state == SERVICE_START && u->config->type == SERVICE_EXEC)
                service_enter_start_post(u);
}

static void service_forking_adopt(Unit *u);

static int on_pid_file_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Unit *u = userdata;
        u->pid_file_timer = sd_event_source_disable_unref(u->pid_file_timer);
        if (u->state == SERVICE_START)
                service_forking_adopt(u);
        return 0;
}

/* The parent of a Type=forking service exited successfully: find the daemon it left. */
static void service_forking_adopt(Unit *u) {
        int r = service_process_adopt_main(u);
        if (r == -ENOENT && u->config->pid_file) {
                /* Daemons often write the PID file after the parent exited: look again,
                 * until TimeoutStartSec= ends the wait. */
                sd_event *e = u->manager->event;
                uint64_t now;
                (void) sd_event_now(e, CLOCK_MONOTONIC, &now);
                if (sd_event_add_time(e, &u->pid_file_timer, CLOCK_MONOTONIC,
                                      now + SERVICE_PID_FILE_RETRY_USEC, 0, on_pid_file_retry, u) >= 0)
                        return;
        }
        if (r < 0) {
                log_unit_error_errno(u->name, r, "New main PID could not be determined: %m");
                unit_log_line(u, "New main PID could not be determined.");
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_PROTOCOL);
                return;
        }
        service_enter_start_post(u);
}

static void service_forking_parent_exited(Unit *u, ServiceResult f) {
        if (f != SERVICE_SUCCESS) {
                service_enter_signal(u, SERVICE_STOP_SIGTERM, f);
                return;
        }
        service_forking_adopt(u);
}

static void service_main_exited_in_start(Unit *u, ServiceResult f) {
        switch (u->config->type) {
        case SERVICE_ONESHOT:
                if (f != SERVICE_SUCCESS) {
                        service_enter_signal(u, SERVICE_STOP_SIGTERM, f);
                        return;
                }
                if (service_command(u, SERVICE_EXEC_START, u->command_index + 1)) {
                        service_start_main(u, u->command_index + 1);
                        return;
                }
                service_enter_start_post(u);
                return;
        case SERVICE_FORKING:
                service_forking_parent_exited(u, f);
                return;
        case SERVICE_NOTIFY:
                /* Exiting before READY=1 is a failure even with status 0. */
                if (f == SERVICE_SUCCESS && !u->notify_ready)
                        f = SERVICE_FAILURE_PROTOCOL;
                service_enter_signal(u, SERVICE_STOP_SIGTERM, f);
                return;
        default:
                service_enter_signal(u, SERVICE_STOP_SIGTERM, f);
        }
}

void service_on_main_exited(Unit *u, int code, int status) {
        ServiceResult f = exit_result(u, code, status);

        if (u->config->type != SERVICE_FORKING || u->state != SERVICE_START) {
                u->exec_main_code = code;
                u->exec_main_status = status;
        }
        unit_log_line(u, "Main process exited, code=%s, status=%d%s%s",
                      code == CLD_EXITED ? "exited" : code == CLD_DUMPED ? "dumped" : "killed", status,
                      code == CLD_EXITED ? "" : "/", code == CLD_EXITED ? "" : (signal_to_string(status) ?: "?"));
        switch (u->state) {
        case SERVICE_START:
                service_main_exited_in_start(u, f);
                return;
        case SERVICE_START_POST:
        case SERVICE_RELOAD:
                /* Decided when the control process is done. */
                service_set_result(u, f);
                return;
        case SERVICE_RUNNING:
                service_enter_running(u, f);
                return;
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
                service_set_result(u, f);
                service_check_empty(u);
                return;
        case SERVICE_STOP:
                service_set_result(u, f);
                return;
        default:
                service_check_empty(u);
        }
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

        if (f == SERVICE_SUCCESS) {
                int r = service_next_control(u);
                if (r > 0)
                        return;
                if (r < 0)
                        f = SERVICE_FAILURE_RESOURCES;
        }
        switch (u->state) {
        case SERVICE_START_PRE:
                if (f == SERVICE_SUCCESS)
                        service_enter_start(u);
                else
                        service_enter_signal(u, SERVICE_STOP_SIGTERM, f);
                return;
        case SERVICE_START_POST:
                if (f == SERVICE_SUCCESS)
                        service_enter_running(u, SERVICE_SUCCESS);
                else
                        service_enter_stop(u, f);
                return;
        case SERVICE_RELOAD:
                u->reload_result = f;
                service_enter_running(u, SERVICE_SUCCESS);
                return;
        case SERVICE_STOP:
                service_enter_signal(u, SERVICE_STOP_SIGTERM, f);
                return;
        case SERVICE_STOP_POST:
                service_enter_signal(u, SERVICE_FINAL_SIGTERM, f);
                return;
        default:
                service_check_empty(u);
        }
}

void service_check_empty(Unit *u) {
        if (service_has_processes(u))
                return;
        switch (u->state) {
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
                service_enter_stop_post(u, SERVICE_SUCCESS);
                return;
        case SERVICE_FINAL_SIGTERM:
        case SERVICE_FINAL_SIGKILL:
                service_enter_final_done(u, SERVICE_SUCCESS);
                return;
        default:
                return;
        }
}

/* ---- timers ---- */

/* A timeout on the way up. */
static void service_start_timed_out(Unit *u) {
        switch (u->state) {
        case SERVICE_START_PRE:
        case SERVICE_START:
                log_unit_warning(u->name, "Start operation timed out. Terminating.");
                unit_log_line(u, "Start operation timed out. Terminating.");
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_START_POST:
                log_unit_warning(u->name, "Start-post operation timed out. Stopping.");
                service_process_kill_control(u);
                service_enter_stop(u, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_RELOAD:
                log_unit_warning(u->name, "Reload operation timed out.");
                service_process_kill_control(u);
                u->reload_result = SERVICE_FAILURE_TIMEOUT;
                service_enter_running(u, SERVICE_SUCCESS);
                break;
        default:
                break;
        }
}

/* A timeout on the way down: escalate to the next state. */
static void service_stop_timed_out(Unit *u) {
        switch (u->state) {
        case SERVICE_STOP:
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_STOP_SIGTERM:
                log_unit_warning(u->name, "State 'stop-sigterm' timed out. Killing.");
                service_enter_signal(u, SERVICE_STOP_SIGKILL, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_STOP_SIGKILL:
                log_unit_warning(u->name, "Processes still around after SIGKILL. Ignoring.");
                service_enter_stop_post(u, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_STOP_POST:
                service_enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_FINAL_SIGTERM:
                service_enter_signal(u, SERVICE_FINAL_SIGKILL, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_FINAL_SIGKILL:
                log_unit_warning(u->name, "Processes still around after final SIGKILL. Ignoring.");
                service_enter_final_done(u, SERVICE_FAILURE_TIMEOUT);
                break;
        default:
                break;
        }
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Unit *u = userdata;
        _cleanup_free_ char *msg = NULL;

        u->timer = sd_event_source_disable_unref(u->timer);
        if (u->state == SERVICE_AUTO_RESTART) {
                u->n_restarts++;
                log_unit_info(u->name, "Scheduled restart job, restart counter is at %u.", u->n_restarts);
                int r = service_begin(u, true, &msg);
                if (r < 0 && r != -ECANCELED && msg)
                        log_unit_warning(u->name, "%s", msg);
        } else if (unit_active_state(u) == UNIT_DEACTIVATING)
                service_stop_timed_out(u);
        else
                service_start_timed_out(u);
        return 0;
}

/* The watchdog fired, or the service asked for it with WATCHDOG=trigger: SIGABRT, then the
 * usual way down with result watchdog. */
static void service_watchdog_fire(Unit *u, bool requested) {
        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        if (u->state != SERVICE_RUNNING && u->state != SERVICE_START_POST && u->state != SERVICE_RELOAD)
                return;
        if (requested)
                log_unit_error(u->name, "Watchdog request (WATCHDOG=trigger)!");
        else
                log_unit_error(u->name, "Watchdog timeout (limit %llums)!",
                               (unsigned long long) (u->config->watchdog_sec / USEC_PER_MSEC));
        unit_log_line(u, "Watchdog %s, killing with SIGABRT.", requested ? "request" : "timeout");
        u->kill_with_watchdog = true;
        service_process_kill_control(u);
        service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG);
}

static int on_watchdog(sd_event_source *s, uint64_t usec, void *userdata) {
        service_watchdog_fire(userdata, false);
        return 0;
}

static void service_arm_watchdog(Unit *u) {
        usec_t w = u->config->watchdog_sec;
        sd_event *e = u->manager->event;

        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        if (w == 0 || w == USEC_INFINITY)
                return;
        int r = sd_event_add_time(e, &u->watchdog_timer, CLOCK_MONOTONIC, u->watchdog_last + w, 0,
                                  on_watchdog, u);
        if (r < 0)
                log_unit_warning_errno(u->name, r, "Failed to arm the watchdog, ignoring: %m");
}

/* ---- notifications ---- */

static void service_notify_mainpid(Unit *u, const char *v) {
        int pid;
        if (sscanf(v, "%d", &pid) != 1 || pid <= 1 || pid == getpid())
                return;
        if (proc_alive(u->main) && u->main->pid == pid)
                return;
        if (service_process_adopt_pid(u, pid) < 0)
                log_unit_warning(u->name, "Ignoring MAINPID=%d: not a process of this unit.", pid);
}

static void service_notify_ready(Unit *u) {
        u->notify_ready = true;
        u->watchdog_last = now_usec(CLOCK_MONOTONIC);
        if (u->state == SERVICE_START && u->config->type == SERVICE_NOTIFY)
                service_enter_start_post(u);
        else if (u->state == SERVICE_RELOAD && u->reload_pending_ready && !proc_alive(u->control)) {
                u->reload_pending_ready = false;
                service_enter_running(u, SERVICE_SUCCESS);
        }
}

/* EXTEND_TIMEOUT_USEC=: the current state's timeout (start, reload or stop) ends no sooner
 * than USEC from now. It only ever moves the deadline later, as in systemd; a service that
 * wants more has to send it again in time. */
static void service_extend_timeout(Unit *u, const char *v) {
        sd_event *e = u->manager->event;
        unsigned long long usec;
        uint64_t now, deadline;

        if (!u->timer || u->state == SERVICE_AUTO_RESTART || sscanf(v, "%llu", &usec) != 1)
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

static void service_notify_field(Unit *u, const char *f) {
        if (streq(f, "READY=1"))
                service_notify_ready(u);
        else if (strneq(f, "STATUS=", 7))
                (void) unit_set_status_text(u, f + 7);
        else if (strneq(f, "MAINPID=", 8))
                service_notify_mainpid(u, f + 8);
        else if (strneq(f, "EXTEND_TIMEOUT_USEC=", 20))
                service_extend_timeout(u, f + 20);
        else if (streq(f, "STOPPING=1")) {
                u->notify_stopping = true;
                if (u->state == SERVICE_RUNNING || u->state == SERVICE_EXITED) {
                        /* The service stops on its own; treat it like a stop request. */
                        u->forbid_restart = false;
                        service_set_state(u, SERVICE_STOP_SIGTERM);
                        service_arm_timer(u, u->config->timeout_stop);
                }
        } else if (streq(f, "RELOADING=1")) {
                if (u->state == SERVICE_RUNNING) {
                        u->reload_pending_ready = true;
                        service_set_state(u, SERVICE_RELOAD);
                        service_arm_timer(u, u->config->timeout_start);
                }
        } else if (streq(f, "WATCHDOG=1")) {
                u->watchdog_last = now_usec(CLOCK_MONOTONIC);
                if (u->state == SERVICE_RUNNING || u->state == SERVICE_START_POST || u->state == SERVICE_RELOAD)
                        service_arm_watchdog(u);
        } else if (streq(f, "WATCHDOG=trigger"))
                /* As in systemd, this needs no WatchdogSec=. */
                service_watchdog_fire(u, true);
}

void service_notify(Unit *u, pid_t sender, char * const *fields) {
        STRV_FOREACH(f, fields)
                service_notify_field(u, *f);
        unit_write_status_file(u);
}
