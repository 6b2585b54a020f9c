/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The jobs of the control plane (see bus-job.h): RunUnitJob makes the request, then keeps
 * the call until core/unit-job decides that the job is over, and answers it then.
 * Pending jobs are a list on the Bus; a state change looks at the jobs of its unit only
 * (the list is short: one entry per client that waits).
 */
#include <stdlib.h>
#include <string.h>

#include "bus/bus-job.h"
#include "bus/bus-manager-ops.h"
#include "bus/bus-manager.h"
#include "sys/log.h"

struct BusJob {
        BusConnection *connection;
        sd_bus_message *call;
        char *unit;
        UnitJob job;
        struct BusJob *prev, *next;
};

static BusJob *bus_job_free(Bus *b, BusJob *j) {
        if (!j)
                return NULL;
        if (j->prev)
                j->prev->next = j->next;
        else
                b->jobs = j->next;
        if (j->next)
                j->next->prev = j->prev;
        b->n_jobs--;
        sd_bus_message_unref(j->call);
        free(j->unit);
        free(j);
        return NULL;
}

/* Answers the job and forgets it. A client that went meanwhile gets nothing. */
static void bus_job_finish(Bus *b, BusJob *j, UnitJobResult result, const char *unit_result) {
        int r = sd_bus_reply_method_return(j->call, "ss", unit_job_result_to_string(result), unit_result);
        if (r < 0)
                log_debug_errno(r, "Failed to answer the %s job of %s, ignoring: %m",
                                unit_job_type_to_string(j->job.type), j->unit);
        else
                log_debug("Job %s of %s: %s (%s).", unit_job_type_to_string(j->job.type), j->unit,
                          unit_job_result_to_string(result), unit_result);
        bus_job_free(b, j);
}

void bus_job_unit_changed(Bus *b, const char *name) {
        BusJob *next;

        for (BusJob *j = b->jobs; j; j = next) {
                const char *unit_result = NULL;
                UnitJobResult res;

                next = j->next;
                if (!streq(j->unit, name))
                        continue;
                res = bus_ops_job_check(b->manager, name, &j->job, &unit_result);
                if (res != UNIT_JOB_PENDING)
                        bus_job_finish(b, j, res, unit_result);
        }
}

void bus_job_cancel_unit(Bus *b, const char *name) {
        BusJob *next;

        for (BusJob *j = b->jobs; j; j = next) {
                next = j->next;
                if (streq(j->unit, name) && j->job.type != UNIT_JOB_STOP)
                        bus_job_finish(b, j, UNIT_JOB_CANCELED, "success");
        }
}

void bus_job_connection_gone(Bus *b, BusConnection *c) {
        BusJob *next;

        for (BusJob *j = b->jobs; j; j = next) {
                next = j->next;
                if (j->connection == c)
                        bus_job_free(b, j);
        }
}

void bus_job_abandon_all(Bus *b) {
        while (b->jobs) {
                BusJob *j = b->jobs;
                int r = sd_bus_reply_method_errorf(j->call, BUS_ERROR_FAILED,
                                                   "The daemon re-executes; the %s of %s goes on without this client.",
                                                   unit_job_type_to_string(j->job.type), j->unit);
                if (r < 0)
                        log_debug_errno(r, "Failed to answer the %s job of %s, ignoring: %m",
                                        unit_job_type_to_string(j->job.type), j->unit);
                bus_job_free(b, j);
        }
}

int bus_method_run_unit_job(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL;
        BusConnection *c = userdata;
        Bus *b = c->bus;
        const char *verb, *name, *unit_result = NULL;
        UnitJob job = {};
        BusJob *j;
        int r;

        r = sd_bus_message_read(m, "ss", &verb, &name);
        if (r < 0)
                return r;
        if (!bus_ops_job_verb_is_valid(verb))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unknown job '%.*s'.", 64, verb);
        if (!bus_unit_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid unit name '%.*s' (expected NAME.service).", 64, name);
        r = bus_check_write(c, m, error);
        if (r < 0)
                return r;
        if (b->n_jobs >= BUS_JOBS_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "Too many pending jobs (at most %u).", BUS_JOBS_MAX);
        log_debug("RunUnitJob(%s, %s) from pid %d, uid %u.", verb, name, (int) c->cred.pid, c->cred.uid);
        if (streq(verb, "stop"))
                bus_job_cancel_unit(b, bus_ops_unit_id(b->manager, name));
        r = bus_ops_job_begin(b->manager, name, verb, &job, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, name);
        if (r > 0)
                return sd_bus_reply_method_return(m, "ss", "done", "success");
        UnitJobResult res = bus_ops_job_check(b->manager, name, &job, &unit_result);
        if (res != UNIT_JOB_PENDING)
                return sd_bus_reply_method_return(m, "ss", unit_job_result_to_string(res), unit_result);

        j = calloc(1, sizeof(BusJob));
        if (!j)
                return -ENOMEM;
        /* Under the unit's own name: its state changes come under it, not under an alias. */
        j->unit = strdup(bus_ops_unit_id(b->manager, name));
        if (!j->unit) {
                free(j);
                return -ENOMEM;
        }
        j->connection = c;
        j->call = sd_bus_message_ref(m);
        j->job = job;
        j->next = b->jobs;
        if (b->jobs)
                b->jobs->prev = j;
        b->jobs = j;
        b->n_jobs++;
        return 1; /* answered later */
}

int bus_method_get_system_state(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;

        return sd_bus_reply_method_return(m, "s", bus_ops_system_state(c->bus->manager));
}
