/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The logging hook behind io-log.h. Messages are formatted once into a bounded buffer (a
 * longer message is cut, never allocated) and handed to the installed function.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sys/io-log.h"

#define IO_LOG_MESSAGE_MAX 2048

static IoLogFunc log_func = NULL;
static int log_max_priority = LOG_INFO;

void io_log_set_func(IoLogFunc f) {
        log_func = f;
}

void io_log_set_max_priority(int priority) {
        log_max_priority = priority;
}

int io_logf_errno(int priority, int error, const char *fmt, ...) {
        char buf[IO_LOG_MESSAGE_MAX];
        int saved = errno;
        va_list ap;

        if (error < 0)
                error = -error;
        if (priority > log_max_priority)
                return -error;

        /* %m in the format refers to the error passed in, not whatever errno happens to be. */
        errno = error;
        va_start(ap, fmt);
        (void) vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        errno = saved;

        if (log_func)
                log_func(priority, buf);
        else
                fprintf(stderr, "syscaged: %s\n", buf);
        return -error;
}
