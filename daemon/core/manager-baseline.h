/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node baseline in the daemon (lib/baseline.h): read at start-up, by daemon-reload and by
 * a daemon that takes over (a re-exec or a restart by the fd holder reads the file again),
 * compiled once into the manager's filter cache, and handed to every launch as its own filter
 * (core/service-exec.c).
 *
 * Failure: at start-up a bad file, or a missing one that was named with --baseline=, is fatal
 * (a fleet owner's guarantee must not vanish silently); a missing default file means no
 * baseline. At reload a bad or missing file keeps the baseline in force, and says so.
 */
#pragma once

#include "core/manager.h"

/* Reads the baseline for start-up. Logs every error as FILE:LINE: KEY: message and returns
 * -errno when the daemon must not start. */
int manager_baseline_startup(Manager *m);

/* Reads the baseline again for daemon-reload. On failure the previous baseline stays in
 * force; the errors are logged and summarised in *ret_message. */
int manager_baseline_reload(Manager *m, char **ret_message);

/* Drops the baseline and its compiled filters (before the filter cache goes). */
void manager_baseline_release(Manager *m);

/* "PATH (hash H): SUMMARY" of the baseline in force, or NULL when there is none. */
const char *manager_baseline_description(const Manager *m);

/* Whether the baseline file would load now (read and checked, not compiled): a re-exec reads
 * it again, and a daemon that cannot must not replace one that runs. -errno with the first
 * error in *ret_message. */
int manager_baseline_check(Manager *m, char **ret_message);

/* For syscaged's start, before anything else: reads PATH the way manager_baseline_startup()
 * will (EXPLICIT: a missing file is an error) and logs its errors. */
int manager_baseline_precheck(const char *path, bool explicit);
