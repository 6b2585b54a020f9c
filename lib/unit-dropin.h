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

/* Alias symlinks (systemd.unit(5), "Alias="): a symlink in a units directory whose target (after
 * every link) is a unit file of another name makes NAME an alias of that name; the unit is
 * loaded once, under the target's name. A link to /dev/null masks, it is no alias. */

/* The name NAME stands for: for an alias, the name of the file its link ends at (for an
 * instance of an aliased template, that template's instance of the same name); otherwise
 * NAME itself. Looks at the first DIR/NAME (or DIR/TEMPLATE) along SEARCH_PATH, as the
 * fragment lookup does. -ENOENT when there is none. */
int unit_alias_resolve(const char *name, char * const *search_path, char **ret_name);

/* The aliases of the unit NAME: every other name in SEARCH_PATH that unit_alias_resolve()
 * turns into NAME, sorted, without duplicates (for a template, the template's aliases are
 * given as instances of the same instance). An empty list when there are none. */
int unit_aliases_find(const char *name, char * const *search_path, char ***ret);
