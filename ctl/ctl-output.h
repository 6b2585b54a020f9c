/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output helpers for the online verbs: colour only on a terminal (and never with $NO_COLOR
 * or TERM=dumb), JSON string escaping, and timestamps.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

bool output_colors(void);
/* Escape sequences, or "" when not colouring. */
const char *ansi_red(void);
const char *ansi_green(void);
const char *ansi_highlight(void);
const char *ansi_grey(void);
const char *ansi_normal(void);

/* Writes s as a JSON string, quotes included. */
void json_print_string(FILE *f, const char *s);

/* "Sun 2026-11-22 12:00:00 UTC" from microseconds since the epoch; "n/a" for 0. */
const char *format_timestamp(char *buf, size_t size, uint64_t usec);
/* "5min 3s ago" relative to now. */
const char *format_ago(char *buf, size_t size, uint64_t usec);

/* Colour for an active state: green for active, red for failed, none else. */
const char *ansi_for_active_state(const char *state);
