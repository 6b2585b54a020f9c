/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's logging. Every message goes to stderr as one line, written with one write(2)
 * so lines never interleave. When stderr is a journald stream ($JOURNAL_STREAM names the
 * device and inode of our stderr), each line starts with "<N>", the syslog priority, which
 * journald strips and stores as the entry's level. Otherwise each line starts with a UTC
 * timestamp and the level name.
 *
 * log_full_errno() returns -abs(error), or 0 when error is 0, so a caller can write
 * "return log_error_errno(r, "Failed to frobnicate: %m");". "%m" prints strerror(abs(error)).
 *
 * The only global state of the daemon lives here: the maximum level, the output fd and the
 * output style.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

/* Longest line we emit, prefix included; longer messages are truncated. */
#define LOG_LINE_MAX 4096

/* Parses "debug", "info", "notice", "warning", "err"/"error", "crit", "alert", "emerg", or a
 * number 0-7. Returns the level (LOG_EMERG..LOG_DEBUG) or -EINVAL. */
int log_level_from_string(const char *s);
/* Returns the canonical name of a level, or NULL when out of range. */
const char *log_level_to_string(int level);

void log_set_max_level(int level);
int log_get_max_level(void);

/* Looks at $JOURNAL_STREAM and decides the prefix style for the current output fd. */
void log_setup(void);
/* Sends output to fd (not owned, default 2) and re-checks the prefix style. For tests. */
void log_set_fd(int fd);
/* Forces the prefix style: true for "<N>", false for timestamps. */
void log_set_journal_prefix(bool b);

/* Formats the message part of a line (unit prefix and message, no level prefix) into buf,
 * with errno set to abs(error) so "%m" works, and control characters replaced by spaces so a
 * message cannot forge a second line or a priority prefix. Returns the length written. */
size_t log_format_message(char *buf, size_t size, int error, const char *unit,
                          const char *format, va_list ap) _printf_(5, 0);

/* Writes one line if level is enabled. Returns -abs(error), or 0 when error is 0. Keeps errno
 * unchanged. unit may be NULL. */
int log_internal(int level, int error, const char *unit, const char *format, ...)
        _printf_(4, 5);

static inline bool log_level_enabled(int level) {
        return (level & LOG_PRIMASK) <= log_get_max_level();
}

#define log_full_errno(level, error, ...) log_internal((level), (error), NULL, __VA_ARGS__)
#define log_full(level, ...) log_internal((level), 0, NULL, __VA_ARGS__)

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(error, ...) log_full_errno(LOG_DEBUG, error, __VA_ARGS__)
#define log_info_errno(error, ...) log_full_errno(LOG_INFO, error, __VA_ARGS__)
#define log_notice_errno(error, ...) log_full_errno(LOG_NOTICE, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, error, __VA_ARGS__)

/* Per-unit variants: the line reads "UNIT: message". */
#define log_unit_full_errno(unit, level, error, ...)                                      \
        log_internal((level), (error), (unit), __VA_ARGS__)
#define log_unit_full(unit, level, ...) log_unit_full_errno(unit, level, 0, __VA_ARGS__)

#define log_unit_debug(unit, ...) log_unit_full(unit, LOG_DEBUG, __VA_ARGS__)
#define log_unit_info(unit, ...) log_unit_full(unit, LOG_INFO, __VA_ARGS__)
#define log_unit_notice(unit, ...) log_unit_full(unit, LOG_NOTICE, __VA_ARGS__)
#define log_unit_warning(unit, ...) log_unit_full(unit, LOG_WARNING, __VA_ARGS__)
#define log_unit_error(unit, ...) log_unit_full(unit, LOG_ERR, __VA_ARGS__)

#define log_unit_debug_errno(unit, error, ...) log_unit_full_errno(unit, LOG_DEBUG, error, __VA_ARGS__)
#define log_unit_info_errno(unit, error, ...) log_unit_full_errno(unit, LOG_INFO, error, __VA_ARGS__)
#define log_unit_notice_errno(unit, error, ...) log_unit_full_errno(unit, LOG_NOTICE, error, __VA_ARGS__)
#define log_unit_warning_errno(unit, error, ...) log_unit_full_errno(unit, LOG_WARNING, error, __VA_ARGS__)
#define log_unit_error_errno(unit, error, ...) log_unit_full_errno(unit, LOG_ERR, error, __VA_ARGS__)

/* For "Out of memory" at the place it is handled. */
#define log_oom() log_error_errno(ENOMEM, "Out of memory.")
