/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output helpers for the online verbs: colour only on a terminal (and never with $NO_COLOR
 * or TERM=dumb; $SYSTEMD_COLORS overrides both ways), text that is safe for a terminal, JSON
 * string escaping, and timestamps.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

bool output_colors(void);

/* Writes s[0..n) (output_print_line: the string s) to f. When f is a terminal, control
 * characters other than tab and newline (and the C1 controls U+0080..U+009F) are written as
 * \xNN or \uNNNN, so that text a service controls (its log, its status) cannot move the
 * cursor, retitle or reprogram the terminal of whoever reads it. Unchanged when piped. */
void output_print_text(FILE *f, const char *s, size_t n);
void output_print_line(FILE *f, const char *s);
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

/* A time span as systemctl show prints one: "1min 30s", "100ms", "1.500000s", "0", "infinity"
 * (UINT64_MAX). */
const char *format_timespan(char *buf, size_t size, uint64_t usec);
