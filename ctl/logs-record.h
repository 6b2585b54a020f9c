/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The records of a unit's log as `logs` reads them (the format is in daemon/io/output.h):
 * parsing one, its level, the filters (--since, --until, -p) and the output modes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGS_LEVEL_DEFAULT 6 /* info */

typedef enum LogsOutput {
        LOGS_OUTPUT_SHORT,
        LOGS_OUTPUT_CAT,
        LOGS_OUTPUT_JSON,
} LogsOutput;

typedef struct LogsFilter {
        uint64_t since, until; /* usec since the epoch, inclusive; 0 / UINT64_MAX: open */
        int prio_min, prio_max; /* levels, 0 (emerg) .. 7 (debug) */
        LogsOutput output;
} LogsFilter;

/* "2026-11-22T12:34:56.123456Z UNIT[PID] STREAM[+~]: TEXT"; the daemon's own lines have
 * "syscaged" as STREAM. Anything else is shown as it is, with level info. */
typedef struct LogRecord {
        uint64_t usec;
        const char *unit, *pid, *stream, *text;
        size_t unit_len, pid_len, stream_len;
        char marker; /* ':', '+' or '~'; 0 when the line is not a record */
        int stream_index; /* 0 stdout, 1 stderr, -1 other */
} LogRecord;

/* "err", "3", "warning..err" (a range, either order) -> f->prio_min..prio_max; -EINVAL. */
int logs_parse_priority(const char *s, LogsFilter *f);
/* journalctl's time forms, local time -> microseconds since the epoch; -EINVAL. */
int logs_parse_timestamp(const char *s, uint64_t *ret);
/* Splits a line of the log; a line that is not a record gets marker 0 and text = line. */
void log_record_parse(const char *line, LogRecord *r);
/* The level of a record; cont_level (per stream, -1 for none) carries the level of a line
 * continued in the next record, and is updated. */
int log_record_level(int cont_level[2], const LogRecord *r);
bool log_record_wanted(const LogsFilter *f, const LogRecord *r, int level);
/* Prints the record line of the given level to stdout as f->output says. */
void log_record_print(const LogsFilter *f, const char *line, int level);
