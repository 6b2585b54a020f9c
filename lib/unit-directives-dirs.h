/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directory part of the directive table (UnitConfig.directories and
 * RuntimeDirectoryPreserve=). Internal to the unit model, like unit-directives.h.
 */
#pragma once

#include "unit-directives.h"

const ConfigDirective *dirs_directive_lookup(const char *section, const char *key);
/* The section a directory key belongs to, or NULL. */
const char *dirs_directive_section(const char *key);

/* Every list empty, every mode 0755 / every list freed. L has _UNIT_DIR_KIND_MAX entries. */
void unit_dir_lists_init(UnitDirList *l);
void unit_dir_lists_done(UnitDirList *l);
