/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager object of the control plane: /org/syscage/manager, interface
 * org.syscage.Manager1. Methods (D-Bus signatures):
 *
 *   read-only, for every client:
 *     ListUnits() -> a(ssssssu)        name, description, load, active, sub, result, main pid
 *     GetUnitStatus(s) -> a{sv}        every property `status` and `show` print
 *     IsEnabled(s) -> s                "enabled", "disabled" or "static"
 *     GetUnitFileText(s) -> s          fragment and drop-ins, each after a "# PATH" line
 *     GetLogs(s name, u n) -> as b     the last n lines of the unit's log across rotated files
 *                                      (n <= BUS_LOG_LINES_MAX); b: lines were left out
 *                                      because they exceed BUS_LOG_READ_MAX bytes
 *     OpenLogFile(s) -> h              the unit's log file, read-only, for `logs -f`
 *     OpenLogFiles(s name, t inode) -> ah b
 *                                      the log files newer than the one with that inode
 *                                      (0: all), oldest first, at most BUS_LOG_FILES_MAX;
 *                                      b: a file had that inode (else some may be gone)
 *     FollowLogFiles(s name, t inode) -> ah b t
 *                                      as OpenLogFiles, and from now on this client gets
 *                                      LogFileRotated for the unit; t: the sequence number
 *                                      of the last LogFileRotated sent before this reply
 *   state-changing, for uid 0 and the control group:
 *     StartUnit(s) StopUnit(s) RestartUnit(s) TryRestartUnit(s) ReloadUnit(s)
 *     ReloadOrRestartUnit(s) TryReloadOrRestartUnit(s) KillUnit(s name, i signal) ResetFailedUnit(s; "" for all)
 *     EnableUnit(s) DisableUnit(s) DaemonReload()
 *     StartTransient(s name, a(ss) properties, as argv, a{sv} options) -> s unit
 *       name "" picks "run-uN.service"; properties are [Service]/[Unit] assignments applied
 *       like lines of a unit file; options: "StandardInput", "StandardOutput",
 *       "StandardError" (h), "StopOnDisconnect" (b: stop the unit when this client goes),
 *       "Collect" (b: unload the unit once it is inactive, even when it failed)
 *     RunUnitJob(s job, s name) -> (s result, s unit_result), answered once the job is over
 *   read-only: GetSystemState() -> s (both: bus-job.h)
 *   signals:
 *     UnitStateChanged(s name, s active, s sub, s result, i exec_main_code, i exec_main_status)
 *     UnitRemoved(s name)
 *     LogFileRotated(s name, t seq, h fd)   to followers only: the unit's log was rotated,
 *                                      fd is the new UNIT.log; seq grows by one per signal
 *
 * Errors: org.syscage.Error.AccessDenied, org.syscage.Error.NoSuchUnit,
 * org.syscage.Error.NotSupported, org.syscage.Error.Failed, and the standard
 * org.freedesktop.DBus.Error.InvalidArgs and org.freedesktop.DBus.Error.LimitsExceeded.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "bus-api.h"
#include "bus/bus.h"

/* Per-call limits beyond those in bus-api.h. */
#define BUS_UNIT_FILE_TEXT_MAX (4u * 1024u * 1024u)

/* Registers the manager object on one client connection; c is the handlers' userdata. */
int bus_manager_add_objects(sd_bus *bus, BusConnection *c);
/* The rotation hook (OutputContext.rotated_func; userdata: the Bus): sends LogFileRotated to
 * the followers of unit's log. */
void bus_manager_log_rotated(const char *unit, void *userdata);

/* Whether NAME is a unit name we accept: [A-Za-z0-9:_.\@-]+ ending in ".service", at
 * most UNIT_NAME_MAX bytes, not starting with '.'. */
bool bus_unit_name_is_valid(const char *name);

/* For the handlers: fails with org.syscage.Error.AccessDenied unless the caller may change
 * state. */
int bus_check_write(BusConnection *c, sd_bus_message *m, sd_bus_error *error);
/* Sets error from an operation's -errno and message; returns a negative errno. */
int bus_ops_error(sd_bus_error *error, int r, const char *message, const char *name);
