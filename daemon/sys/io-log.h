/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal logging hook for the daemon's I/O modules (service output, notify socket, kernel
 * log reader). They log through io_logf(); by default that goes to stderr, and the daemon's
 * main loop may route it to its own logger with io_log_set_func(). The hook is the only
 * global state here, which the style allows for logging.
 */
#pragma once

#include <syslog.h>

#include "macro.h"

typedef void (*IoLogFunc)(int priority, const char *message);

/* NULL restores the default (stderr, debug messages suppressed). */
void io_log_set_func(IoLogFunc f);
void io_log_set_max_priority(int priority);

/* Logs and returns -abs(error) when error != 0, else 0, so callers can "return io_log_errno(...)". */
int io_logf_errno(int priority, int error, const char *fmt, ...) _printf_(3, 4);
#define io_logf(priority, ...) ((void) io_logf_errno((priority), 0, __VA_ARGS__))
