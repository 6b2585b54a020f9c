/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State shared by syscagectl's verbs: the global options parsed in main.c. */
#pragma once

#include <stdbool.h>

#include "diag.h"
#include "policy.h"
#include "unit-file.h"

/* --units-dir DIR (repeatable). NULL: the default search path. */
extern char **arg_units_dirs;

/* The search path offline verbs use: the --units-dir directories, else the default path. */
char **ctl_search_path(void);

/* A unit name as systemctl takes it: NAME without a unit suffix means NAME.service. Paths
 * and strings that are no unit name either way are returned unchanged. */
int ctl_unit_name_mangle(const char *arg, char **ret);

/* Whether a command-line argument names a file: it contains '/', or a file of that name
 * exists here. */
bool ctl_arg_is_path(const char *arg);

/* Loads a unit named on the command line: a path (see ctl_arg_is_path()) or a unit name
 * (mangled as above) looked up in the search path. */
int ctl_load_unit(const char *arg, DiagList *diags, UnitFile **ret);

/* The same with an explicit SEARCH_PATH, and IS_PATH saying whether ARG is a file; with
 * NAME, ARG is a file loaded as the unit NAME (whatever the file is called), with NAME's
 * drop-ins. */
int ctl_load_unit_full(const char *arg, bool is_path, char * const *search_path,
                       const char *name, DiagList *diags, UnitFile **ret);

/* Loads the unit ARG names (as ctl_load_unit()) and builds its policy as the daemon does,
 * printing the errors (or ARG and the error when there is no located one) to stderr. The
 * offline verbs that explain or convert a unit's policy start here. */
int ctl_load_policy(const char *arg, UnitFile **ret_unit, Policy **ret_policy);

/* Prints every diagnostic to stderr, in order. */
void ctl_print_diags(const DiagList *diags);
