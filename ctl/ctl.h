/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State shared by syscagectl's verbs: the global options parsed in main.c. */
#pragma once

#include "diag.h"
#include "unit-file.h"

/* --units-dir DIR (repeatable). NULL: the default search path. */
extern char **arg_units_dirs;

/* The search path offline verbs use: the --units-dir directories, else the default path. */
char **ctl_search_path(void);

/* Loads a unit named on the command line: a path (anything containing '/', or an existing
 * file) or a unit name looked up in the search path. */
int ctl_load_unit(const char *arg, DiagList *diags, UnitFile **ret);

/* Prints every diagnostic to stderr, in order. */
void ctl_print_diags(const DiagList *diags);
