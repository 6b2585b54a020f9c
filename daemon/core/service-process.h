/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process side of a service: its cgroup, spawning main and control processes through
 * the launch path, watching their launch sockets, gate listeners and pidfds with sd-event,
 * reaping them, signalling per KillMode=, and adopting a main pid (PIDFile=, MAINPID=).
 * What the events mean is decided in service.c.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "core/unit.h"

/* Most bytes read from a PIDFile=. */
#define SERVICE_PID_FILE_MAX 64u

/* Per start: the unit's cgroup (created empty, watched) and its directories. */
int service_process_prepare(Unit *u, char **ret_message);
/* Spawns CMD as the main (IS_MAIN) or the control process. */
int service_process_spawn(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid,
                          char **ret_message);
/* Sends SIG per KillMode= (SIGKILL=ALL: the whole cgroup for control-group and mixed). The
 * control process always gets it. SIGCONT follows a non-SIGKILL signal. */
void service_process_kill(Unit *u, int sig, bool sigkill);
/* SIGKILL to the control process only (a stop or timeout interrupts ExecReload= etc.). */
void service_process_kill_control(Unit *u);
/* True when the unit's cgroup (or, without cgroups, its process group) has processes. */
bool service_process_cgroup_populated(Unit *u);
/* Once the unit is dead: removes its cgroup, frees processes that hold nothing. */
void service_process_release(Unit *u);
/* Type=forking: the main pid from PIDFile=, or the only process left in the cgroup. */
int service_process_adopt_main(Unit *u);
/* MAINPID=: makes PID (which must belong to the unit) the main process. */
int service_process_adopt_pid(Unit *u, pid_t pid);

/* The seam between the state machine and the processes: service.c calls the process layer
 * only through this table, taken from Manager.process_ops (NULL: service_process_ops, the
 * functions above). tests/unit/test-service-machine.c puts a fake there that spawns and kills
 * nothing, so the lifecycle runs without forking. */
/* What a process taken over from a previous daemon was to its unit. */
typedef enum ServiceProcessRole {
        SERVICE_PROCESS_MAIN,
        SERVICE_PROCESS_CONTROL,
        SERVICE_PROCESS_OTHER,      /* an earlier main or control process still running */
        SERVICE_PROCESS_GATE_ONLY,  /* exited; its descendants still use its gate */
        _SERVICE_PROCESS_ROLE_MAX,
        _SERVICE_PROCESS_ROLE_INVALID = -EINVAL,
} ServiceProcessRole;

/* Takes back a process of U that a previous daemon started (manager-takeover.h): PID is
 * ours only if it still has START_TIME. LISTENER_FD (owned; -EBADF: none) is its gate,
 * which counts as launched, HOLDER_NAME the name the fd holder keeps it under, LAST_NOTIF_ID
 * the last notification the previous daemon received on it (0: unknown). Returns
 * -ESRCH when the process is gone or is another one now (the listener is closed then). */
int service_process_restore(Unit *u, pid_t pid, uint64_t start_time, ServiceProcessRole role,
                            int listener_fd, const char *holder_name, uint64_t last_notif_id);
/* The fd holder reaped PID (see on_pidfd()): its unit's process, if waiting, takes it now. */
void service_process_holder_exit(Manager *m, pid_t pid);

typedef struct ServiceProcessOps {
        int (*prepare)(Unit *u, char **ret_message);
        int (*spawn)(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid, char **ret_message);
        void (*kill)(Unit *u, int sig, bool sigkill);
        void (*kill_control)(Unit *u);
        bool (*cgroup_populated)(Unit *u);
        void (*release)(Unit *u);
        int (*adopt_main)(Unit *u);
        int (*adopt_pid)(Unit *u, pid_t pid);
} ServiceProcessOps;

extern const ServiceProcessOps service_process_ops;
