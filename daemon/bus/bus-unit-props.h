/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd-named unit properties of GetUnitStatus (Type, Restart, ExecStart, User,
 * TimeoutStartUSec, Wants, ...), in systemd's D-Bus types, so that scripts written for
 * `systemctl show -p` read the same names and values; and the unit file list and search
 * path behind list-unit-files, mask, unmask and edit.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "core/manager.h"

/* Appends the properties as "{sv}" entries into an open a{sv} container of reply. -ENOENT
 * when the daemon holds no unit of that name. */
int bus_unit_props_append(Manager *m, const char *name, sd_bus_message *reply);

/* Appends "a(ss)": for every unit the daemon holds from disk, its file (the fragment, or the
 * masking entry of the search path) and its unit file state. */
int bus_unit_props_append_unit_files(Manager *m, sd_bus_message *reply);

/* Appends "as": the daemon's unit search path, highest priority first. */
int bus_unit_props_append_search_path(Manager *m, sd_bus_message *reply);
