/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Jobs on the control plane: the methods that answer once a request is over.
 *
 *   RunUnitJob(s job, s name) -> (s result, s unit_result)
 *     job: start, stop, restart, try-restart, reload, reload-or-restart or
 *     try-reload-or-restart. The request is
 *     made at once, exactly as StartUnit etc. make it (errors come back as those methods'
 *     errors); the reply waits until the job is over (core/unit-job.h says when):
 *     result "done", "failed", "canceled" or "dependency" (a queued start dropped since a
 *     unit it requires and is ordered after failed); unit_result the unit's (or the reload's)
 *     result that explains it ("success", "exit-code", "timeout", ...).
 *   GetSystemState() -> s
 *     "running", "degraded" (some unit failed), "starting" (enabled units still wait in the
 *     start-up queue) or "stopping" (the daemon shuts down), as systemctl is-system-running.
 *
 * The reply, not the client's watching of UnitStateChanged, is the job's result: the daemon
 * decides from every state change as it happens (bus_job_unit_changed(), called from the
 * Manager's on_unit_changed hook), so no client can miss a state that was passed through in
 * one event-loop iteration, nor mistake an earlier cycle's state for its own. A pending job
 * holds a reference on the call and nothing else: a client that goes away drops its jobs
 * (the requests go on); a daemon that re-executes answers every pending job with
 * org.syscage.Error.Failed first (the requests go on in the new daemon); one that exits
 * closes the connection, and the client says so.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "bus/bus.h"

/* Pending jobs at most, over all clients. */
#define BUS_JOBS_MAX 4096u

int bus_method_run_unit_job(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_method_get_system_state(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* The unit of that name changed state (or was unloaded): answers the jobs that are over. */
void bus_job_unit_changed(Bus *b, const char *name);
/* An explicit stop of NAME was requested: its pending start, restart and reload jobs end as
 * canceled. */
void bus_job_cancel_unit(Bus *b, const char *name);
/* The client is going: its pending jobs are dropped without an answer. */
void bus_job_connection_gone(Bus *b, BusConnection *c);
/* The daemon re-executes: every pending job gets an error answer saying so. */
void bus_job_abandon_all(Bus *b);
