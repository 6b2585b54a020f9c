/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Specifier expansion ("%n", "%i", "%H", ...) in unit file values, per systemd.unit(5).
 * Specifiers about the manager's user resolve to root, as for systemd's system manager; host
 * facts (hostname, machine id, boot id, os-release fields) are read when first used and kept
 * in the context, so one unit sees one consistent value.
 */
#pragma once

#include "macro.h"

typedef struct UnitSpecifierContext {
        const char *name;     /* unit name, e.g. "foo@bar.service" */
        const char *fragment; /* fragment path, for %y and %Y; may be NULL */
        char *cache[128];     /* resolved values, indexed by specifier character */
} UnitSpecifierContext;

void unit_specifier_context_done(UnitSpecifierContext *c);

/* Expands the specifiers in S. On failure returns -EBADSLT (unknown specifier), -EOPNOTSUPP
 * (known but not available without a running service), -E2BIG (result longer than
 * UNIT_LINE_MAX), another -errno from reading host facts, and puts a sentence saying what
 * went wrong in *ret_error (when ret_error is not NULL). A '%' at the very end is kept as
 * written and reported with *ret_trailing_percent = true, for a warning. */
int unit_specifier_expand(UnitSpecifierContext *c, const char *s, char **ret,
                          bool *ret_trailing_percent, char **ret_error);

/* True when C is a specifier we know (resolvable or not). */
bool unit_specifier_is_known(char c);
