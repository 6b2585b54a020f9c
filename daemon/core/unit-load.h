/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one unit loader. A unit's text comes from disk (the search path, drop-ins, templates)
 * or from a client's properties (a transient unit); from the UnitFile on, both take the same
 * path: the typed configuration, the policy, the credentials, and the compiled filter shared
 * through the Manager's cache.
 */
#pragma once

#include "core/manager.h"
#include "core/unit.h"
#include "unit-file.h"

/* Fills U from FILE (taken over, also on failure). The load state says how it went: loaded,
 * or error with the reasons in u->load_diags. Only an allocation failure returns < 0. */
int unit_load_file(Unit *u, UnitFile *file);

/* Creates a unit named NAME and loads it from the search path. A unit that cannot be loaded
 * is still returned, in load state not-found, masked or error, its diagnostics logged once. */
int unit_load_from_disk(Manager *m, const char *name, Unit **ret);

/* Creates a transient unit from FILE (taken over) and adds it to the Manager. A unit with an
 * error is not added: the first error, as "FILE:LINE: KEY: message", goes to *ret_message. */
int unit_load_transient(Manager *m, const char *name, UnitFile *file, Unit **ret, char **ret_message);
