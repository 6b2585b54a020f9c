/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON Lines for syscagectl verify --json: one object per line, written without a library.
 * Strings go through json_print_string() (ctl-output.h): quotes, backslashes and control
 * characters escaped, bytes that are not UTF-8 written as \ufffd, so every line is valid JSON
 * whatever a unit file contains.
 */
#pragma once

#include <stdio.h>

#include "diag.h"

/* A JSON string, or null for NULL. */
void json_print_string_or_null(FILE *f, const char *s);

/* {"type":"diagnostic","unit":...,"file":...,"line":N|null,"key":...,"severity":...,
 *  "code":...,"message":...} and a newline. UNIT, file and key may be null; line is null
 * when the diagnostic has no line. */
void json_print_diag(FILE *f, const char *unit, const Diag *d);
