/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox part of the directive table (UnitConfig.sandbox): the namespace, filesystem and
 * identity directives of [Service] and the keys of our own [X-Syscage] section. Internal to
 * the unit model, like unit-directives.h.
 */
#pragma once

#include "unit-directives.h"

/* Our own section. Unlike other "X-" sections it is parsed, and an unknown key in it is an
 * error: a misspelt key must not silently leave a protection off. */
#define UNIT_SECTION_SYSCAGE "X-Syscage"

const ConfigDirective *sandbox_directive_lookup(const char *section, const char *key);
/* The section a sandbox key belongs to, or NULL. */
const char *sandbox_directive_section(const char *key);

/* The steps that need the whole unit, run after all assignments so that their order does not
 * matter: what DynamicUser= implies, and the conflicts between directives (DynamicUser= with
 * User=root, a path both writable and inaccessible). Conflicts are located errors. */
int sandbox_finish(ConfigContext *ctx, const UnitFile *u);
