/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place where the control plane touches the unit module. The bus handlers
 * (bus-manager.c) see units only through these functions and the BusUnitBrief snapshot, so
 * the wire format does not depend on the layout of struct Unit.
 *
 * Every operation returns 0 or -errno; on failure it may set *ret_message (to be freed) to
 * a sentence for the client. -ENOENT means "no such unit", -EOPNOTSUPP "not supported"
 * (the Manager has no unit runtime, or the request asks for something not implemented,
 * such as a socket as stdio for a transient unit).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "core/manager.h"
#include "core/unit-job.h"

/* A view of one unit. The strings are borrowed from the unit and stay valid until the event
 * loop runs again. */
typedef struct BusUnitBrief {
        const char *name;
        const char *description;
        const char *load_state;   /* loaded, error, not-found, masked */
        const char *active_state; /* active, reloading, inactive, failed, activating, deactivating */
        const char *sub_state;    /* dead, running, exited, ... */
        const char *result;       /* success, exit-code, signal, ... */
        uint32_t main_pid;        /* 0 when none */
        int32_t exec_main_code;   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 before any exit */
        int32_t exec_main_status;
} BusUnitBrief;

/* Calls f for every unit the daemon knows, in no particular order, until f returns
 * non-zero (which is then returned). The units must not change during the walk. */
typedef int (*BusUnitFunc)(const BusUnitBrief *u, void *userdata);
int bus_ops_foreach_unit(Manager *m, BusUnitFunc f, void *userdata);
/* -ENOENT when the daemon holds no unit of that name. */
int bus_ops_unit_brief(Manager *m, const char *name, BusUnitBrief *ret);
/* Appends the unit's full status as "{sv}" entries into an open a{sv} container of reply. */
/* One {sv} entry of a property list: a string, or a string list ("as"); text that is not
 * UTF-8 is sanitized, as D-Bus requires. */
int bus_append_str(sd_bus_message *r, const char *key, const char *value);
int bus_append_strv(sd_bus_message *r, const char *key, char **l);

int bus_ops_append_unit_properties(Manager *m, const char *name, sd_bus_message *reply);

int bus_ops_start(Manager *m, const char *name, char **ret_message);
int bus_ops_stop(Manager *m, const char *name, char **ret_message);
int bus_ops_restart(Manager *m, const char *name, char **ret_message);
int bus_ops_try_restart(Manager *m, const char *name, char **ret_message);
int bus_ops_reload(Manager *m, const char *name, char **ret_message);
int bus_ops_reload_or_restart(Manager *m, const char *name, char **ret_message);
/* reload-or-restart of a unit that runs; nothing for one that does not. */
int bus_ops_try_reload_or_restart(Manager *m, const char *name, char **ret_message);
int bus_ops_kill(Manager *m, const char *name, int signo, char **ret_message);
int bus_ops_reset_failed(Manager *m, const char *name, char **ret_message);
int bus_ops_enable(Manager *m, const char *name, char **ret_message);
int bus_ops_disable(Manager *m, const char *name, char **ret_message);
/* "enabled", "disabled", or "static" (no [Install] section). */
int bus_ops_is_enabled(Manager *m, const char *name, const char **ret_state, char **ret_message);
int bus_ops_daemon_reload(Manager *m, char **ret_message);

/* The unit's fragment and drop-ins as `cat` prints them, with "# PATH" headers. */
int bus_ops_unit_file_text(Manager *m, const char *name, char **ret_text, char **ret_message);
/* Path of the unit's log file (it may not exist yet). */
int bus_ops_log_path(Manager *m, const char *name, char **ret_path);
/* The last n records of the unit's log across rotated files, at most max_bytes of them, as
 * output_log_tail() writes them: 1 when some were left out for max_bytes, 0 otherwise,
 * -ENOENT without a log. */
int bus_ops_log_tail(Manager *m, const char *name, unsigned n, uint64_t max_bytes, FILE *out);
/* Sets (f NULL: clears) the function called after a unit's log file was rotated. */
void bus_ops_log_set_rotated_hook(Manager *m, void (*f)(const char *unit, void *userdata), void *userdata);
/* output_log_open_after() on the unit's log files. */
int bus_ops_log_open_after(Manager *m, const char *name, uint64_t after_ino, int *ret_fds, size_t max,
                           bool *ret_found);

/* What StartTransient asks for. The fds are owned by the caller; -1 when not passed. */
typedef struct BusTransientSpec {
        const char *name;              /* full unit name, already validated */
        char **property_keys;          /* parallel lists of the -p assignments */
        char **property_values;
        char **argv;                   /* ExecStart= command, argv[0] an absolute path or a name */
        int stdin_fd, stdout_fd, stderr_fd;
        bool collect;                  /* unload once inactive, even when failed */
        bool learn;                    /* run in learn mode (core/unit-learn.h) */
} BusTransientSpec;

int bus_ops_start_transient(Manager *m, const BusTransientSpec *spec, char **ret_message);

/* Jobs (core/unit-job.h). VERB is one of start, stop, restart, try-restart, reload,
 * reload-or-restart. */
bool bus_ops_job_verb_is_valid(const char *verb);
/* Carries out VERB on NAME, as the methods of the same name do. Returns 0 and the job to
 * wait for, 1 when there is nothing to wait for (try-restart of a unit that does not run), or
 * -errno (with *ret_message, as the operations above) when the request was refused. */
int bus_ops_job_begin(Manager *m, const char *name, const char *verb, UnitJob *ret_job, char **ret_message);
/* unit_job_check() for the unit of that name; a unit that was unloaded ends a stop job as
 * done and any other as canceled. */
/* The unit's own name when NAME is one of its aliases (state changes are reported under
 * it); NAME itself otherwise. Valid until the next reload. */
const char *bus_ops_unit_id(Manager *m, const char *name);
UnitJobResult bus_ops_job_check(Manager *m, const char *name, const UnitJob *j, const char **ret_unit_result);

/* As systemctl is-system-running: "stopping" (shutting down), "starting" (enabled units
 * still wait in the start-up queue), "degraded" (a unit failed) or "running". */
const char *bus_ops_system_state(Manager *m);

/* Lets the unit module free a transient unit once it is inactive and empty. */
int bus_ops_unload(Manager *m, const char *name);
