/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `logs UNIT [-n N] [-f]`. Without -f the daemon sends the last N lines (GetLogs). With -f
 * the daemon hands us its log file read-only (OpenLogFile); we print the last N lines and
 * then follow the file ourselves: with inotify on our fd's /proc link where we may read the
 * file, else by polling it every LOGS_POLL_MSEC and asking the daemon whether its log is
 * still the same file. When the file is rotated (moved or removed) we ask for the new one;
 * until a unit has a log at all we ask again every LOGS_RETRY_MSEC.
 */
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "bus-client.h"
#include "ctl-output.h"
#include "strv.h"
#include "verbs-online.h"

#define LOGS_RETRY_MSEC 500
#define LOGS_POLL_MSEC 1000               /* re-read even without an inotify event */
#define LOGS_TAIL_READ_MAX (16u * 1024u * 1024u)

static int logs_print_lines(sd_bus *bus, const char *unit, unsigned n) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        int truncated = 0, r;

        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetLogs", &error, &reply, "su", unit, n);
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, &lines);
        if (r >= 0)
                r = sd_bus_message_read(reply, "b", &truncated);
        if (r < 0)
                return bus_client_report("read the log of", unit, &error, r);
        if (truncated)
                fprintf(stderr, "Only the last %zu lines are shown: the %u asked for exceed %u MiB.\n",
                        strv_length(lines), n, BUS_LOG_READ_MAX / (1024u * 1024u));
        STRV_FOREACH(l, lines) {
                output_print_line(stdout, *l);
                fputc('\n', stdout);
        }
        return CTL_EXIT_SUCCESS;
}

/* Returns an fd of our own for the unit's log file, or -errno (-ENOENT: no log yet). */
static int logs_open(sd_bus *bus, const char *unit) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int fd, r;

        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "OpenLogFile", &error, &reply, "s", unit);
        if (r >= 0)
                r = sd_bus_message_read(reply, "h", &fd);
        if (r < 0) {
                if (sd_bus_error_has_name(&error, BUS_ERROR_FAILED))
                        return -ENOENT;
                bus_client_report("open the log of", unit, &error, r);
                return r;
        }
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        return fd < 0 ? -errno : fd;
}

/* Prints the last n lines of what fd holds from its start, leaving the offset at the end. */
static int logs_print_tail(int fd, unsigned n) {
        struct stat st;
        off_t start;
        _cleanup_free_ char *buf = NULL;
        ssize_t k;
        size_t count = 0;
        char *p;

        if (fstat(fd, &st) < 0)
                return -errno;
        start = st.st_size > (off_t) LOGS_TAIL_READ_MAX ? st.st_size - (off_t) LOGS_TAIL_READ_MAX : 0;
        buf = malloc((size_t) (st.st_size - start) + 1);
        if (!buf)
                return -ENOMEM;
        k = pread(fd, buf, (size_t) (st.st_size - start), start);
        if (k < 0)
                return -errno;
        (void) lseek(fd, start + k, SEEK_SET);
        p = buf + k;
        /* Walk back over n newlines (the last one ends the last line). */
        if (p > buf && p[-1] == '\n')
                p--;
        while (p > buf && count < n) {
                p--;
                if (*p == '\n')
                        count++;
        }
        if (count == n && *p == '\n')
                p++;
        if (n > 0)
                output_print_text(stdout, p, (size_t) (buf + k - p));
        fflush(stdout);
        return 0;
}

static int logs_copy_new(int fd) {
        char buf[65536];
        ssize_t k;

        while ((k = read(fd, buf, sizeof(buf))) > 0)
                output_print_text(stdout, buf, (size_t) k);
        fflush(stdout);
        return k < 0 && errno != EAGAIN ? -errno : 0;
}

/* Whether the inotify events say the file went away (rotated or removed). */
static bool logs_file_gone(int ino) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool gone = false;
        ssize_t k;

        while ((k = read(ino, buf, sizeof(buf))) > 0)
                for (char *p = buf; p < buf + k; p += sizeof(struct inotify_event) + ((struct inotify_event *) p)->len)
                        if (((struct inotify_event *) p)->mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED))
                                gone = true;
        return gone;
}

/* Whether the daemon's log file for unit is another file than the one st describes (the log
 * was rotated). Without inotify (it needs read access to the file, which a reader that got
 * the fd from the daemon may not have) this is how a rename is noticed. */
static bool logs_replaced(sd_bus *bus, const char *unit, const struct stat *st) {
        _cleanup_close_ int fd = logs_open(bus, unit);
        struct stat now;

        if (fd < 0 || fstat(fd, &now) < 0)
                return false;
        return now.st_dev != st->st_dev || now.st_ino != st->st_ino;
}

/* Reads what the daemon sent us unasked (signals, which we do not need); false once the
 * connection is closed: the daemon went away. */
static bool logs_daemon_present(sd_bus *bus) {
        int r;

        while ((r = sd_bus_process(bus, NULL)) > 0)
                ;
        return r >= 0 && sd_bus_is_open(bus) > 0;
}

/* Follows fd until the file is moved or removed (returns 0, after printing what it still
 * got), the daemon goes away (-ENOTCONN, likewise) or an error. */
static int logs_follow_file(sd_bus *bus, const char *unit, int fd) {
        _cleanup_close_ int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        char path[64];

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        if (ino < 0 || inotify_add_watch(ino, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB) < 0)
                ino = safe_close(ino); /* without inotify: poll, and notice removal only */
        for (;;) {
                /* A negative fd is ignored by poll(). */
                struct pollfd pfd[2] = {
                        { .fd = ino, .events = POLLIN },
                        { .fd = sd_bus_get_fd(bus), .events = POLLIN },
                };
                struct stat st;
                bool gone = false;
                int r;

                r = logs_copy_new(fd);
                if (r < 0)
                        return r;
                if (!logs_daemon_present(bus)) {
                        r = logs_copy_new(fd);
                        return r < 0 ? r : -ENOTCONN;
                }
                if (fstat(fd, &st) < 0)
                        return -errno;
                if (st.st_nlink == 0)
                        gone = true;
                else if (poll(pfd, 2, LOGS_POLL_MSEC) > 0 && pfd[0].revents)
                        gone = logs_file_gone(ino);
                else if (ino < 0)
                        gone = logs_replaced(bus, unit, &st);
                if (gone)
                        return logs_copy_new(fd); /* what was written before the move */
        }
}

/* Until interrupted or until the daemon goes away (then exits 0). */
static int logs_follow(sd_bus *bus, const char *unit, unsigned n) {
        bool first = true;

        for (;;) {
                _cleanup_close_ int fd = logs_open(bus, unit);
                int r;

                if (fd == -ENOENT) {
                        (void) poll(NULL, 0, LOGS_RETRY_MSEC);
                        continue;
                }
                if (fd < 0)
                        return CTL_EXIT_FAILURE;
                /* The first file: the last n lines; a rotated-in one: all of it. */
                r = logs_print_tail(fd, first ? n : UINT32_MAX);
                first = false;
                if (r >= 0)
                        r = logs_follow_file(bus, unit, fd);
                if (r == -ENOTCONN) {
                        fprintf(stderr, "syscaged went away; no longer following the log of %s.\n", unit);
                        return CTL_EXIT_SUCCESS;
                }
                if (r < 0) {
                        fprintf(stderr, "Failed to follow the log of %s: %s\n", unit, strerror(-r));
                        return CTL_EXIT_FAILURE;
                }
        }
}

int verb_logs(int argc, char **argv) {
        static const struct option options[] = {
                { "follow", no_argument, NULL, 'f' },
                { "lines", required_argument, NULL, 'n' },
                { "no-pager", no_argument, NULL, 0x7f00 },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *unit = NULL;
        unsigned n = BUS_LOG_LINES_MAX;
        bool follow = false;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "fn:", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        follow = true;
                        break;
                case 'n': {
                        char *end;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (!*optarg || *end || v > BUS_LOG_LINES_MAX) {
                                fprintf(stderr, "-n wants a number of lines up to %u.\n", BUS_LOG_LINES_MAX);
                                return CTL_EXIT_USAGE;
                        }
                        n = (unsigned) v;
                        break;
                }
                case 0x7f00:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (optind + 1 != argc) {
                fprintf(stderr, "logs: expected exactly one unit name.\n");
                return CTL_EXIT_USAGE;
        }
        if (bus_client_unit_name(argv[optind], &unit) < 0)
                return CTL_EXIT_USAGE;
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        return follow ? logs_follow(bus, unit, n) : logs_print_lines(bus, unit, n);
}
