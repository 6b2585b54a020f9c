/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directive table behind unit_config_parse(): one row per (section, key) with the function
 * that parses the value into the UnitConfig field at a given offset. Internal to the unit model
 * (unit-config.c dispatches, unit-directives.c parses).
 */
#pragma once

#include <stddef.h>

#include "unit-config.h"

typedef struct ConfigContext {
        UnitConfig *config;
        DiagList *diags;
        unsigned n_errors;
        bool notify_access_set;
        bool timeout_start_set;
        const UnitAssignment *exec_start_second; /* the second ExecStart= command, if any */
        const UnitAssignment *type_assignment;
} ConfigContext;

/* Parses A's value into DATA (the field at the row's offset in ctx->config). Invalid values add a
 * diagnostic and return 0; only -ENOMEM is returned as an error. */
typedef int (*ConfigParser)(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype);

typedef struct ConfigDirective {
        const char *section;
        const char *key;
        ConfigParser parse;
        size_t offset;
        int ltype; /* per-parser argument: a resource, a list index, a mode maximum... */
} ConfigDirective;

/* Both look in the sandbox and directory tables (unit-directives-sandbox.c,
 * unit-directives-dirs.c) too. */
const ConfigDirective *config_directive_lookup(const char *section, const char *key);
/* The section a parsed key belongs to (the first one listed), or NULL. */
const char *config_directive_section(const char *key);

/* Adds a located diagnostic for A; errors are counted in ctx->n_errors. config_diag() gives
 * it DIAG_CODE_BAD_VALUE (most of what parsers report), config_diag_code() names the code. */
int config_diag(ConfigContext *ctx, DiagLevel level, const UnitAssignment *a, const char *fmt,
                ...) _printf_(4, 5);
int config_diag_code(ConfigContext *ctx, DiagCode code, DiagLevel level, const UnitAssignment *a,
                     const char *fmt, ...) _printf_(5, 6);
