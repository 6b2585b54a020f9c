/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding unit files on disk: the fragment for a name along the search path (with the
 * template fallback for instances), and the drop-in files (NAME.d/ with suffix .conf) for it.
 */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "diag.h"

/* True when ST describes /dev/null, the target of a masking symlink. */
bool unit_stat_is_null_device(const struct stat *st);

/* The first DIR/NAME along SEARCH_PATH that exists (a dangling or /dev/null symlink counts:
 * the caller reports it); for an instance name, then the first DIR/TEMPLATE. -ENOENT when
 * none exists. */
int unit_fragment_find(const char *name, char * const *search_path, char **ret_path);

/* Collects the drop-ins for the unit names NAMES (most specific first, e.g. the instance
 * and then its template) in DIRS (highest priority first): every "*.conf" in DIR/NAME.d/.
 * A file name seen in a higher-priority place hides the same name further down; a drop-in
 * that is a symlink to /dev/null hides without being applied. The result is sorted by file
 * name, as systemd applies them. More than UNIT_DROPINS_MAX distinct names is an error
 * reported in DIAGS (-E2BIG). Unreadable directories other than missing ones are reported
 * as errors too (-EIO after collecting the rest). */
int unit_dropins_find(char * const *names, char * const *dirs, DiagList *diags, char ***ret);
