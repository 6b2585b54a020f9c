/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transitions of the service state machine: how a unit enters each state (the way up
 * start-pre -> start -> start-post -> running/exited, the one way down stop -> stop-sigterm
 * -> stop-sigkill -> stop-post -> final-sigterm -> final-sigkill -> dead/failed), the command
 * sequencing, the result of a cycle and the restart decision. service.c's table decides
 * which of these runs for an event; nothing else calls them. Every change of u->state is
 * service_set_state()'s.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "sys/log.h"
#include "core/manager.h"
#include "core/service-condition.h"
#include "core/service-process.h"
#include "core/service-transition.h"
#include "core/service.h"
#include "core/unit-events.h"
#include "message.h"

static void service_enter_dead(Unit *u, ServiceResult f, bool allow_restart);

/* The process layer: the real one, or what a test put in the Manager. */
const ServiceProcessOps *service_proc_ops(const Unit *u) {
        return u->manager->process_ops ?: &service_process_ops;
}

/* The one place u->state changes. What follows from the change outside the state machine
 * (accounting, the status file, announcements, ordering) is unit_notify_state_change()'s. */
void service_set_state(Unit *u, ServiceState state) {
        ServiceState old = u->state;

        u->state = state;
        if (service_state_is_inactive(state))
                /* A run --pipe client waits for EOF on its pipes: its fds go with the last
                 * process (auto-restart keeps them for the next run). */
                for (size_t i = 0; i < ELEMENTSOF(u->stdio_fds); i++)
                        u->stdio_fds[i] = safe_close(u->stdio_fds[i]);
        unit_notify_state_change(u, old, state);
}

/* Keeps the first failure of a cycle. */
void service_set_result(Unit *u, ServiceResult f) {
        if (u->result == SERVICE_SUCCESS)
                u->result = f;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

void service_arm_timer(Unit *u, usec_t relative) {
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

void service_disarm_timer(Unit *u) {
        u->timer = sd_event_source_disable_unref(u->timer);
}

/* Whether anything of the unit still runs that a stop has to wait for. */
bool service_has_processes(Unit *u) {
        if (unit_process_alive(u->main) || unit_process_alive(u->control))
                return true;
        if (u->config && (u->config->kill_mode == KILL_PROCESS || u->config->kill_mode == KILL_NONE))
                return false;
        return service_proc_ops(u)->cgroup_populated(u);
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

ServiceResult service_exit_result(const Unit *u, int code, int status) {
        if (exit_is_clean(u, code, status))
                return SERVICE_SUCCESS;
        return code == CLD_EXITED ? SERVICE_FAILURE_EXIT_CODE
             : code == CLD_DUMPED ? SERVICE_FAILURE_CORE_DUMP : SERVICE_FAILURE_SIGNAL;
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

const ExecCommand *service_command(Unit *u, ServiceExecCommand id, size_t index) {
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
int service_run_control(Unit *u, ServiceExecCommand id, size_t index) {
        pid_t mainpid = unit_process_alive(u->main) ? u->main->pid : 0;

        for (;; index++) {
                const ExecCommand *c = service_command(u, id, index);
                _cleanup_free_ char *msg = NULL;
                int r;

                if (!c)
                        return 0;
                u->control_command_id = id;
                u->command_index = index;
                r = service_proc_ops(u)->spawn(u, c, false, mainpid, &msg);
                if (r >= 0) {
                        service_arm_timer(u, control_timeout(u, id));
                        return 1;
                }
                bool ignore = c->flags & EXEC_COMMAND_IGNORE_FAILURE;
                log_unit_error_errno(u->name, r, "Failed to run %s: %s%s", service_exec_command_to_string(id),
                                     msg ?: strerror(-r), ignore ? ", ignoring" : "");
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
        service_proc_ops(u)->release(u);
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

void service_enter_final_done(Unit *u, ServiceResult f) {
        service_enter_dead(u, f, !u->forbid_restart);
}

/* Sends the state's signal according to KillMode= and waits, or moves on when nothing is
 * left to wait for. */
void service_enter_signal(Unit *u, ServiceState state, ServiceResult f) {
        bool sigkill = state == SERVICE_STOP_SIGKILL || state == SERVICE_FINAL_SIGKILL;
        bool final = state == SERVICE_FINAL_SIGTERM || state == SERVICE_FINAL_SIGKILL;
        int sig = sigkill ? SIGKILL : u->kill_with_watchdog ? SIGABRT : u->config->kill_signal;

        service_set_result(u, f);
        u->kill_with_watchdog = false;
        u->watchdog_timer = sd_event_source_disable_unref(u->watchdog_timer);
        if (u->config->kill_mode != KILL_NONE || unit_process_alive(u->control))
                service_proc_ops(u)->kill(u, sig, sigkill);
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

void service_enter_stop_post(Unit *u, ServiceResult f) {
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

void service_enter_stop(Unit *u, ServiceResult f) {
        service_set_result(u, f);
        service_disarm_timer(u);
        /* ExecStop= is for a service that came up; one that died on the way skips it. */
        if (unit_process_alive(u->main) || u->state == SERVICE_RUNNING || u->state == SERVICE_EXITED ||
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

void service_enter_running(Unit *u, ServiceResult f) {
        service_set_result(u, f);
        service_disarm_timer(u);
        if (u->result != SERVICE_SUCCESS) {
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
                return;
        }
        if (unit_process_alive(u->main) || (u->config->type == SERVICE_NOTIFY && u->notify_ready &&
                                    service_proc_ops(u)->cgroup_populated(u) && !u->main)) {
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

void service_enter_start_post(Unit *u) {
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
        int r = service_proc_ops(u)->spawn(u, c, true, 0, &msg);
        if (r < 0) {
                log_unit_error_errno(u->name, r, "Failed to start: %s", msg ?: strerror(-r));
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

void service_enter_start(Unit *u) {
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

/* Condition*=/Assert*=: 1 when the start ends here (skipped, or refused by an assert), the
 * unit left as it was, but for a pending automatic restart, which is given up. The start still
 * takes a start_seq, which skipped_seq names, so that its job ends (unit-job.c). */
static int service_skip_if_unmet(Unit *u, char **ret_message) {
        ServiceConditionOutcome o;
        int r = service_check_conditions(u, &o);

        if (r < 0)
                return set_message(ret_message, "Failed to check the conditions of %s: %s", u->name,
                                   strerror(-r)), r;
        if (o == SERVICE_CONDITION_MET)
                return 0;
        u->start_seq = ++u->manager->start_seq;
        u->skipped_seq = u->start_seq;
        if (u->state == SERVICE_AUTO_RESTART) {
                service_disarm_timer(u);
                service_set_state(u, u->result == SERVICE_SUCCESS ? SERVICE_DEAD : SERVICE_FAILED);
        } else
                unit_notify_state_change(u, u->state, u->state);
        return 1;
}

int service_begin(Unit *u, bool automatic, char **ret_message) {
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
                        if (u->load_state == UNIT_MASKED)
                                return set_message(ret_message, "Unit %s is masked.", u->name), -ERFKILL;
                        return set_message(ret_message, "Unit %s failed to load.", u->name), -ENOEXEC;
                }
        }
        r = service_skip_if_unmet(u, ret_message);
        if (r != 0)
                return r < 0 ? r : 0;
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
        u->dependency_failed = u->start_canceled = false;
        u->notify_ready = u->notify_stopping = u->reload_pending_ready = false;
        u->main_pid = 0;
        u->exec_main_code = u->exec_main_status = 0;
        u->active_enter_timestamp = u->active_exit_timestamp = 0;
        u->start_seq = ++u->manager->start_seq;
        r = unit_new_invocation_id(u);
        if (r < 0)
                return set_message(ret_message, "Failed to generate an invocation ID: %s", strerror(-r)), r;
        r = service_proc_ops(u)->prepare(u, ret_message);
        if (r < 0) {
                u->result = SERVICE_FAILURE_RESOURCES;
                service_set_state(u, SERVICE_FAILED);
                return r;
        }
        service_arm_timer(u, u->config->timeout_start);
        service_enter_start_pre(u);
        if (u->timer && service_state_is_inactive(u->state))
                service_disarm_timer(u);
        return 0;
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
        int r = service_proc_ops(u)->adopt_main(u);
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

void service_main_exited_in_start(Unit *u, ServiceResult f) {
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

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        service_on_timer(userdata);
        return 0;
}

static int on_watchdog(sd_event_source *s, uint64_t usec, void *userdata) {
        service_on_watchdog(userdata);
        return 0;
}

void service_arm_watchdog(Unit *u) {
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

