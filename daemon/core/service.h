/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service state machine. All of it is in service.c (the event table and the actions)
 * and service-transition.c (how a unit enters each state); nothing else changes u->state.
 *
 * A service is in exactly one sub-state at a time. The sub-states are systemd's, and so are
 * the active states they map to (unit_active_state()):
 *
 *   dead           inactive    nothing runs; the last cycle succeeded (or never ran)
 *   failed         failed      nothing runs; u->result says why the last cycle failed
 *   start-pre      activating  an ExecStartPre= command runs as the control process
 *   start          activating  the main process was spawned; we wait for the type's signal
 *                              of readiness: none (simple), the launch execve (exec), the
 *                              parent's exit plus PIDFile= (forking), READY=1 (notify), or
 *                              the exit of every ExecStart= in turn (oneshot)
 *   start-post     activating  an ExecStartPost= command runs
 *   running        active      the main process runs (and is the service)
 *   exited         active      nothing runs, but RemainAfterExit= keeps the service active
 *   reload         reloading   ExecReload= runs, or READY=1 is awaited after RELOADING=1
 *   stop           deactivating  an ExecStop= command runs
 *   stop-sigterm   deactivating  KillSignal= was sent; we wait for the processes to go
 *   stop-sigkill   deactivating  SIGKILL was sent after TimeoutStopSec=
 *   stop-post      deactivating  an ExecStopPost= command runs
 *   final-sigterm  deactivating  what ExecStopPost= left behind gets KillSignal=
 *   final-sigkill  deactivating  ... and then SIGKILL
 *   auto-restart   activating  waiting RestartSec= before starting again
 *
 * The way up is start-pre -> start -> start-post -> running/exited; every failure on the
 * way up and every exit of the main process leads down the one path stop -> stop-sigterm
 * -> stop-sigkill -> stop-post -> final-sigterm -> final-sigkill -> dead/failed, skipping
 * states with nothing to do. Only a state with a process to wait for stays; the others are
 * passed through in the same call. Each transition keeps the first failure in u->result, so
 * the cause survives the kills that follow it.
 *
 * Events, and what they do. service.c holds this as data, service_actions[state][event],
 * and every event entry point dispatches through it; tests/unit/test-service-machine.c walks
 * the same rows against a fake process layer. An event without an entry is ignored in that
 * state (a stop is then already under way; a reload is refused as "not active").
 *
 *   event              state(s)                      action
 *   start              dead, failed, auto-restart    start limit check, then start-pre
 *   start              activating, active, reloading nothing to do (-EALREADY)
 *   start              deactivating                  start again once dead
 *   stop               dead, failed                  nothing to do (-EALREADY)
 *   stop               start-pre, start              stop-sigterm
 *   stop               start-post, running, exited,  SIGKILL to the control process, then
 *                      reload                        stop (ExecStop= only for a service that
 *                                                    came up)
 *   stop               auto-restart                  dead (or failed), no restart
 *   reload             running, exited               reload
 *   launch execed      start                         Type=exec: start-post
 *   READY=1            start                         Type=notify: start-post
 *   READY=1            reload                        after RELOADING=1, once no ExecReload=
 *                                                    runs: running
 *   RELOADING=1        running                       reload, waiting for READY=1
 *   STOPPING=1         running, exited               stop-sigterm, as a stop that may restart
 *   main exits         start                         oneshot: next ExecStart= or start-post;
 *                                                    forking: PIDFile=, start-post;
 *                                                    else: stop-sigterm with the result
 *   main exits         start-post, reload, stop      the result is kept for later
 *   main exits         running                       exited (RemainAfterExit=) or stop
 *   main exits         stop-sigterm/-sigkill,        the result is kept; if nothing is left,
 *                      final-sigterm/-sigkill        as "all processes gone"
 *   control exits      start-pre, start-post, reload, stop, stop-post: next command or next
 *                                                    state; a failure without "-" fails the
 *                                                    cycle
 *   control exits      *-sigterm, *-sigkill          if nothing is left, as "all gone"
 *   all processes gone stop-sigterm/-sigkill         stop-post
 *   all processes gone final-sigterm/-sigkill        dead or failed (then the restart rule)
 *   timer              activating                    result timeout, stop-sigterm (the timer
 *                                                    restarts with each command: every
 *                                                    ExecStartPre= etc. gets the whole
 *                                                    TimeoutStartSec=, every ExecStop= and
 *                                                    ExecStopPost= the whole TimeoutStopSec=);
 *                                                    from start-post: stop; from reload:
 *                                                    running with reload result timeout
 *   timer              stop, stop-post               stop-sigterm, final-sigterm
 *   timer              *-sigterm                     *-sigkill
 *   timer              *-sigkill                     go on as if everything was gone
 *   timer              auto-restart                  start
 *   watchdog           running, start-post, reload   result watchdog, SIGABRT, stop-sigterm
 *
 * Not transitions, and so not in the table: EXTEND_TIMEOUT_USEC= (the current timeout ends
 * no sooner than asked), WATCHDOG=1, STATUS= and MAINPID=.
 *
 * Every change of state goes up through one call, unit_notify_state_change() (accounting,
 * the status file, the Manager's on_unit_changed hook).
 *
 * Restart= is decided once the service reached dead/failed, from the result: the table in
 * service_restart_wanted() is systemd.service(5)'s, after RestartPreventExitStatus= (never)
 * and RestartForceExitStatus= (always) were applied to how the main process ended. An
 * explicit stop never restarts, nor does start-limit-hit. RestartSec= is a floor, and never
 * below 100 ms.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>

#include "unit-config.h"
#include "core/unit.h"
#include "io/notify.h"

/* The shortest delay between an exit and the automatic restart, whatever RestartSec= says. */
#define SERVICE_RESTART_FLOOR_USEC (100 * USEC_PER_MSEC)
/* How often a missing PIDFile= is looked for again while the service starts. */
#define SERVICE_PID_FILE_RETRY_USEC (50 * USEC_PER_MSEC)

/* The events of the table above. */
typedef enum ServiceEvent {
        SERVICE_EVENT_START,          /* a start request */
        SERVICE_EVENT_STOP,           /* a stop request */
        SERVICE_EVENT_RELOAD,         /* a reload request */
        SERVICE_EVENT_MAIN_EXECED,    /* the main process reached its execve */
        SERVICE_EVENT_READY,          /* READY=1 */
        SERVICE_EVENT_RELOADING,      /* RELOADING=1 */
        SERVICE_EVENT_STOPPING,       /* STOPPING=1 */
        SERVICE_EVENT_MAIN_EXITED,
        SERVICE_EVENT_CONTROL_EXITED,
        SERVICE_EVENT_ALL_GONE,       /* nothing of the unit runs any more */
        SERVICE_EVENT_TIMER,          /* the state's timeout or the restart delay */
        SERVICE_EVENT_WATCHDOG,       /* WatchdogSec= ran out, or WATCHDOG=trigger */
        _SERVICE_EVENT_MAX,
        _SERVICE_EVENT_INVALID = -EINVAL,
} ServiceEvent;

const char *service_event_to_string(ServiceEvent e);
int service_event_from_string(const char *s);

/* Whether the table has an entry for EVENT in STATE (for tests and introspection). */
bool service_event_handled(ServiceState state, ServiceEvent event);

/* The restart rule of systemd.service(5): whether RESTART restarts after a cycle that ended
 * with RESULT. start-limit-hit never restarts. */
bool service_restart_wanted(ServiceRestart restart, ServiceResult result);

/* Requests. Each returns 0 or -errno with a human message in *ret_message:
 *   -EALREADY  nothing to do (already active for start, already inactive for stop)
 *   -EBUSY     the unit is stopping and cannot start yet
 *   -ENOEXEC   the unit failed to load
 *   -ECANCELED the start limit was hit
 *   -ENOTSUP   no ExecReload= (reload) */
int service_start(Unit *u, char **ret_message);
int service_stop(Unit *u, char **ret_message);
int service_reload(Unit *u, char **ret_message);
int service_kill(Unit *u, int signo, char **ret_message);
/* Clears the failed state and the start limit counter. */
void service_reset_failed(Unit *u);

/* A parsed notification datagram, already attributed to this unit and checked against
 * NotifyAccess=. */
void service_notify(Unit *u, pid_t sender, const NotifyMessage *n);

/* Events from the process layer (service-process.c). */
void service_on_main_execed(Unit *u);
void service_on_main_exited(Unit *u, int code, int status);
void service_on_control_exited(Unit *u, int code, int status);

/* The unit's timer (u->timer) and its watchdog timer ran out. The sd-event callbacks call
 * these; tests call them directly. */
void service_on_timer(Unit *u);
void service_on_watchdog(Unit *u);

/* A process of the unit was freed: an inactive unit may stop counting as active. */
void service_check_release(Unit *u);

/* A reaped orphan or other hint that the unit's processes may be gone (process-group mode). */
void service_check_empty(Unit *u);
