/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging to stderr, with syslog priority prefixes when journald reads our stderr. See log.h.
 * Formatting happens on the stack: logging never allocates, so it works when memory is short.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "sys/log.h"

static int log_max_level = LOG_INFO;
static int log_fd = STDERR_FILENO;
static bool log_journal_prefix = false;

static const char *const log_level_table[] = {
        [LOG_EMERG] = "emerg",
        [LOG_ALERT] = "alert",
        [LOG_CRIT] = "crit",
        [LOG_ERR] = "err",
        [LOG_WARNING] = "warning",
        [LOG_NOTICE] = "notice",
        [LOG_INFO] = "info",
        [LOG_DEBUG] = "debug",
};

const char *log_level_to_string(int level) {
        if (level < 0 || (size_t) level >= ELEMENTSOF(log_level_table))
                return NULL;
        return log_level_table[level];
}

int log_level_from_string(const char *s) {
        if (isempty(s))
                return -EINVAL;
        if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
                return s[0] - '0';
        if (streq(s, "error"))
                return LOG_ERR;
        for (size_t i = 0; i < ELEMENTSOF(log_level_table); i++)
                if (streq(s, log_level_table[i]))
                        return (int) i;
        return -EINVAL;
}

void log_set_max_level(int level) {
        log_max_level = level & LOG_PRIMASK;
}

int log_get_max_level(void) {
        return log_max_level;
}

/* $JOURNAL_STREAM is "DEVICE:INODE" of the stream journald gave us. It is inherited by
 * children too, so it only counts when it still names our output fd. */
static bool log_fd_is_journal_stream(int fd) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;
        int n = 0;

        if (isempty(e))
                return false;
        if (sscanf(e, "%llu:%llu%n", &dev, &ino, &n) != 2 || e[n] != '\0')
                return false;
        if (fstat(fd, &st) < 0)
                return false;
        return st.st_dev == (dev_t) dev && st.st_ino == (ino_t) ino;
}

void log_setup(void) {
        log_journal_prefix = log_fd_is_journal_stream(log_fd);
}

void log_set_fd(int fd) {
        log_fd = fd;
        log_setup();
}

void log_set_journal_prefix(bool b) {
        log_journal_prefix = b;
}

size_t log_format_message(char *buf, size_t size, int error, const char *unit,
                          const char *format, va_list ap) {
        size_t n = 0;
        int k;

        if (size == 0)
                return 0;
        buf[0] = '\0';
        if (unit) {
                k = snprintf(buf, size, "%s: ", unit);
                n = k < 0 ? 0 : MIN((size_t) k, size - 1);
        }
        errno = abs(error);
        k = vsnprintf(buf + n, size - n, format, ap);
        if (k > 0)
                n = MIN(n + (size_t) k, size - 1);
        /* One message, one line: a newline or other control character (say, from a unit file
         * name) must not start a forged line with its own "<N>" priority. */
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) buf[i] < ' ' || buf[i] == 0x7f)
                        buf[i] = ' ';
        return n;
}

static size_t log_format_prefix(char *buf, size_t size, int level) {
        struct timespec ts;
        struct tm tm;
        int k;

        if (log_journal_prefix)
                k = snprintf(buf, size, "<%d>", level);
        else {
                clock_gettime(CLOCK_REALTIME, &ts);
                gmtime_r(&ts.tv_sec, &tm);
                k = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: ",
                             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                             tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                             log_level_to_string(level));
        }
        return k < 0 ? 0 : MIN((size_t) k, size - 1);
}

int log_internal(int level, int error, const char *unit, const char *format, ...) {
        char prefix[64], msg[LOG_LINE_MAX];
        int saved_errno = errno;
        va_list ap;
        size_t n;

        level &= LOG_PRIMASK;
        if (level <= log_max_level) {
                va_start(ap, format);
                n = log_format_message(msg, sizeof(msg), error, unit, format, ap);
                va_end(ap);

                struct iovec iov[] = {
                        { .iov_base = prefix, .iov_len = log_format_prefix(prefix, sizeof(prefix), level) },
                        { .iov_base = msg, .iov_len = n },
                        { .iov_base = (char *) "\n", .iov_len = 1 },
                };
                /* Nothing sensible to do when stderr fails. */
                (void) !writev(log_fd, iov, ELEMENTSOF(iov));
        }
        errno = saved_errno;
        return error == 0 ? 0 : -abs(error);
}
