/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `logs [-u] UNIT... [-n N] [-f] [--since T] [--until T] [-p LEVEL] [-o short|cat|json]`.
 *
 * The daemon hands us the unit's log files read-only (OpenLogFiles), oldest first; we read
 * and filter the records ourselves. Several units: each unit's records are in time order, and
 * the last N of all of them are printed merged by timestamp (the record prefix names the
 * unit). With -f we then follow each unit's newest file by its identity (inode): when it is
 * rotated (inotify IN_MOVE_SELF, its link count dropping to 0, or, without inotify, at every
 * poll), we ask the daemon for the files newer than it, which it opens for us in one call,
 * so that none is missed however many rotations happened meanwhile, and read our old file
 * to its end before going on. Since we hold those files open, a file deleted for the
 * files-kept cap is still read; only files rotated away before we were handed them are lost,
 * and then we say so.
 *
 * A record's level (for -p and -o json) is the syslog level of a "<N>" prefix of its text
 * (N 0-7, as SyslogLevelPrefix= reads it), else info; the pieces of a line split at the line
 * cap take the level of its first piece. stdout and stderr lines are alike, as in systemd
 * (SyslogLevel= applies to both).
 */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>

#include "bus-client.h"
#include "ctl-output.h"
#include "logs-record.h"
#include "parse-util.h"
#include "strv.h"
#include "utf8.h"
#include "verbs-online.h"

#define LOGS_POLL_MSEC 500                /* look for rotation and new logs at least this often */
#define LOGS_UNITS_MAX 64u                /* units in one `logs` */
#define LOGS_LINE_MAX (2u * 1024u * 1024u) /* longer records are cut (a record is <= 1 MiB + prefix) */
#define LOGS_QUEUE_MAX 256u               /* announced log files kept open before they are read */
#define LOGS_HISTORY_BYTES_MAX BUS_LOG_READ_MAX /* of the records kept per unit for printing */

typedef struct LogQueued {
        int fd;
        uint64_t seq;
} LogQueued;

/* One unit's log as we read it. */
typedef struct LogSource {
        const char *unit;
        unsigned index;
        int fd;       /* the file being read, -EBADF before the first */
        uint64_t ino; /* its inode; 0 before the first */
        int ino_fd;   /* inotify on it, -EBADF without */
        char *partial; /* a record read in part */
        size_t partial_len;
        int cont_level[2]; /* per stream: level of a line continued in the next record, or -1 */
        char **ring;  /* the last records kept while reading history */
        size_t ring_n, ring_head, ring_cap;
        size_t ring_bytes; /* of the records in the ring, at most LOGS_HISTORY_BYTES_MAX */
        bool capped;       /* records were left out for LOGS_HISTORY_BYTES_MAX */
        bool following;
        bool subscribed; /* FollowLogFiles answered: LogFileRotated signals come */
        uint64_t seq;    /* the last LogFileRotated taken into account */
        LogQueued queue[LOGS_QUEUE_MAX]; /* announced files not yet read, oldest first */
        size_t n_queue;
} LogSource;

static void source_queue_drop(LogSource *s) {
        safe_close(s->queue[0].fd);
        memmove(s->queue, s->queue + 1, (s->n_queue - 1) * sizeof(LogQueued));
        s->n_queue--;
}

/* ---- reading a unit's files ---- */

typedef struct LogsRun {
        sd_bus *bus;
        LogsFilter filter;
        LogSource *sources;
        size_t n_sources;
        unsigned lines;
        bool history; /* records go to the rings (else straight out) */
} LogsRun;

static void source_done(LogSource *s) {
        while (s->n_queue > 0)
                source_queue_drop(s);
        safe_close(s->fd);
        safe_close(s->ino_fd);
        free(s->partial);
        for (size_t i = 0; i < s->ring_n; i++)
                free(s->ring[(s->ring_head + i) % s->ring_cap]);
        free(s->ring);
}

static int source_take(LogsRun *run, LogSource *s, const char *line) {
        LogRecord r;
        int level;

        log_record_parse(line, &r);
        level = log_record_level(s->cont_level, &r);
        if (!log_record_wanted(&run->filter, &r, level))
                return 0;
        if (!run->history) {
                log_record_print(&run->filter, line, level);
                return 0;
        }
        if (run->lines == 0)
                return 0;
        if (!s->ring) {
                s->ring_cap = run->lines;
                s->ring = calloc(s->ring_cap, sizeof(char *));
                if (!s->ring)
                        return -ENOMEM;
        }
        /* Kept with its level in front: a continued line's level depends on what came before. */
        char *copy = NULL;
        if (asprintf(&copy, "%d%s", level, line) < 0)
                return -ENOMEM;
        if (s->ring_n == s->ring_cap) {
                s->ring_bytes -= strlen(s->ring[s->ring_head]);
                free(s->ring[s->ring_head]);
                s->ring[s->ring_head] = copy;
                s->ring_head = (s->ring_head + 1) % s->ring_cap;
        } else
                s->ring[(s->ring_head + s->ring_n++) % s->ring_cap] = copy;
        /* Counted as the line and its newline (the level digit stands for the newline). */
        s->ring_bytes += strlen(copy);
        while (s->ring_n > 0 && s->ring_bytes > LOGS_HISTORY_BYTES_MAX) {
                s->ring_bytes -= strlen(s->ring[s->ring_head]);
                free(s->ring[s->ring_head]);
                s->ring_head = (s->ring_head + 1) % s->ring_cap;
                s->ring_n--;
                s->capped = true;
        }
        return 0;
}

/* Takes the line assembled in s->partial. Bytes that are not UTF-8 (and NUL) become U+FFFD,
 * as everywhere a log is shown. */
static int source_take_line(LogsRun *run, LogSource *s) {
        _cleanup_free_ char *fixed = NULL;
        const char *line = s->partial ? s->partial : "";
        size_t n = s->partial_len;

        s->partial_len = 0;
        if (!utf8_is_valid_n(line, n)) {
                if (utf8_sanitize(line, n, &fixed) < 0)
                        return -ENOMEM;
                line = fixed;
        }
        return source_take(run, s, line);
}

/* Feeds what fd holds from its offset on, record by record; keeps a final partial record
 * for the next call unless at_end (the file is done: it can grow no more). */
static int source_read(LogsRun *run, LogSource *s, bool at_end) {
        char buf[65536];
        ssize_t k;
        int r;

        while ((k = read(s->fd, buf, sizeof buf)) > 0) {
                const char *p = buf, *e = buf + k;
                while (p < e) {
                        const char *nl = memchr(p, '\n', (size_t) (e - p));
                        size_t n = (size_t) ((nl ? nl : e) - p);
                        if (s->partial_len + n <= LOGS_LINE_MAX) {
                                char *np = realloc(s->partial, s->partial_len + n + 1);
                                if (!np)
                                        return -ENOMEM;
                                s->partial = np;
                                memcpy(s->partial + s->partial_len, p, n);
                                s->partial_len += n;
                                s->partial[s->partial_len] = '\0';
                        }
                        if (!nl)
                                break;
                        r = source_take_line(run, s);
                        if (r < 0)
                                return r;
                        p = nl + 1;
                }
        }
        if (k < 0 && errno != EAGAIN)
                return -errno;
        if (at_end && s->partial_len > 0) {
                r = source_take_line(run, s);
                if (r < 0)
                        return r;
        }
        fflush(stdout);
        return 0;
}

static void source_watch(LogSource *s) {
        char path[64];

        s->ino_fd = safe_close(s->ino_fd);
        s->ino_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        snprintf(path, sizeof path, "/proc/self/fd/%d", s->fd);
        /* Needs read access to the file itself; without it we find rotation by polling. */
        if (s->ino_fd >= 0 && inotify_add_watch(s->ino_fd, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB) < 0)
                s->ino_fd = safe_close(s->ino_fd);
}

/* Makes the next file of the queue the one being read; the one before is complete. */
static int source_next_file(LogsRun *run, LogSource *s, int fd) {
        struct stat st;
        int r = 0;

        if (s->fd >= 0)
                r = source_read(run, s, true);
        safe_close(s->fd);
        s->fd = fd;
        s->ino = fstat(fd, &st) < 0 ? 0 : (uint64_t) st.st_ino;
        if (s->following)
                source_watch(s);
        return r;
}

/* Asks for the files after the one being read (all of them the first time) and reads them,
 * the last one as far as it goes. Following, it also subscribes to LogFileRotated: that
 * reply and the signals after it leave no file out. Returns 1 when there were newer files,
 * 0 when the file is still the newest (or there is no log), or -errno. */
static int source_advance(LogsRun *run, LogSource *s, bool quiet) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int fds[BUS_LOG_FILES_MAX];
        size_t n = 0;
        int found = 0, fd, r;
        uint64_t seq = 0;

        r = sd_bus_call_method(run->bus, NULL, BUS_PATH, BUS_INTERFACE,
                               s->following ? "FollowLogFiles" : "OpenLogFiles", &error, &reply, "st",
                               s->unit, s->ino);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "h");
        while (r >= 0 && n < BUS_LOG_FILES_MAX && (r = sd_bus_message_read(reply, "h", &fd)) > 0) {
                fds[n] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (fds[n] < 0) {
                        r = -errno;
                        break;
                }
                n++;
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "b", &found);
        if (r >= 0 && s->following)
                r = sd_bus_message_read(reply, "t", &seq);
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        safe_close(fds[i]);
                if (!error.name)
                        return r;
                bus_client_report("read the log of", s->unit, &error, r);
                return -ECANCELED;
        }
        if (s->following && s->ino != 0 && !found && !quiet) {
                /* Our file is gone: while the log rotates, the files after it are in the
                 * LogFileRotated signals still to be dispatched, which this reply would
                 * supersede with a gap. Take it only once all is quiet (the log was removed). */
                for (size_t i = 0; i < n; i++)
                        safe_close(fds[i]);
                return 0;
        }
        if (s->following) {
                /* What was announced up to now is in this reply (or already read). */
                s->seq = seq;
                s->subscribed = true;
                while (s->n_queue > 0 && s->queue[0].seq <= seq)
                        source_queue_drop(s);
        }
        if (n == 0)
                return 0;
        if (s->ino != 0 && !found)
                fprintf(stderr, "Some of the log of %s may be missing here: it was rotated away before it "
                        "could be read.\n", s->unit);
        /* Our file was rotated before the daemon answered: it is complete now. */
        r = 0;
        for (size_t i = 0; i < n; i++) {
                if (r >= 0)
                        r = source_next_file(run, s, fds[i]);
                else
                        safe_close(fds[i]);
        }
        if (r >= 0)
                r = source_read(run, s, false);
        return r < 0 ? r : 1;
}

typedef struct MergeEntry {
        const char *line;
        uint64_t usec;
        size_t source, seq;
} MergeEntry;

static int merge_cmp(const void *a, const void *b) {
        const MergeEntry *x = a, *y = b;

        if (x->usec != y->usec)
                return x->usec < y->usec ? -1 : 1;
        if (x->source != y->source)
                return x->source < y->source ? -1 : 1;
        return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Prints the last run->lines records of all sources, in time order. */
static int logs_print_history(LogsRun *run) {
        _cleanup_free_ MergeEntry *all = NULL;
        size_t total = 0, k = 0;

        for (size_t i = 0; i < run->n_sources; i++)
                total += run->sources[i].ring_n;
        all = calloc(MAX(total, (size_t) 1), sizeof(MergeEntry));
        if (!all)
                return -ENOMEM;
        for (size_t i = 0; i < run->n_sources; i++) {
                LogSource *s = &run->sources[i];
                for (size_t j = 0; j < s->ring_n; j++) {
                        LogRecord r;
                        const char *line = s->ring[(s->ring_head + j) % s->ring_cap];
                        log_record_parse(line + 1, &r);
                        all[k++] = (MergeEntry) { line, r.usec, i, j };
                }
        }
        /* A unit's own records stay in file order: a record without a time sorts with the
         * one before it. */
        for (size_t j = 1; j < total; j++)
                if (all[j].usec == 0 && all[j - 1].source == all[j].source)
                        all[j].usec = all[j - 1].usec;
        if (run->n_sources > 1)
                qsort(all, total, sizeof(MergeEntry), merge_cmp);
        size_t first = total > run->lines ? total - run->lines : 0;
        for (size_t i = 0; i < run->n_sources; i++)
                if (run->sources[i].capped) {
                        fprintf(stderr, "Only the last %zu lines are shown: the %u asked for exceed %u MiB.\n",
                                total - first, run->lines, LOGS_HISTORY_BYTES_MAX / (1024u * 1024u));
                        break;
                }
        for (size_t j = first; j < total; j++)
                log_record_print(&run->filter, all[j].line + 1, all[j].line[0] - '0');
        fflush(stdout);
        return 0;
}

/* Reads what inotify has; true when it says the file was moved or removed. */
static bool inotify_gone(int ino) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool gone = false;
        ssize_t k;

        while ((k = read(ino, buf, sizeof buf)) > 0)
                for (char *p = buf; p < buf + k; p += sizeof(struct inotify_event) + ((struct inotify_event *) p)->len)
                        if (((struct inotify_event *) p)->mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED))
                                gone = true;
        return gone;
}

/* Catches up with a source: reads the current file, then every file announced since. check:
 * ask the daemon for the files (when there is none yet, or reading the history). */
static int source_catch_up(LogsRun *run, LogSource *s, bool check, bool quiet) {
        struct stat st;
        int r;

        /* Moved or deleted while no newer file was announced: a rotation whose signal is
         * still on its way, or the log was removed; ask. */
        if (s->ino_fd >= 0 && inotify_gone(s->ino_fd) && s->n_queue == 0)
                check = true;
        if (s->fd >= 0) {
                r = source_read(run, s, false);
                if (r < 0)
                        return r;
                if (s->n_queue == 0 && fstat(s->fd, &st) == 0 && st.st_nlink == 0)
                        check = true;
        }
        while (s->n_queue > 0) {
                int fd = s->queue[0].fd;
                s->queue[0].fd = -EBADF;
                source_queue_drop(s);
                r = source_next_file(run, s, fd);
                if (r >= 0)
                        r = source_read(run, s, false);
                if (r < 0)
                        return r;
        }
        if (!check && (s->subscribed || !s->following))
                return 0;
        /* A full reply may leave newer files for the next call. */
        do
                r = source_advance(run, s, quiet);
        while (r > 0);
        return r;
}

/* LogFileRotated: the file after the newest one we have, as an open fd. */
static int on_log_rotated(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        LogsRun *run = userdata;
        const char *unit;
        uint64_t seq;
        int fd;

        if (sd_bus_message_read(m, "sth", &unit, &seq, &fd) < 0)
                return 0;
        for (size_t i = 0; i < run->n_sources; i++) {
                LogSource *s = &run->sources[i];
                if (!streq(s->unit, unit) || !s->subscribed || seq <= s->seq)
                        continue;
                /* Without a file yet, the next FollowLogFiles gets them all, in order. */
                if (s->fd < 0)
                        continue;
                s->seq = seq;
                if (s->n_queue >= LOGS_QUEUE_MAX) {
                        fprintf(stderr, "Some of the log of %s may be missing here: more than %u files "
                                "were waiting to be read.\n", s->unit, LOGS_QUEUE_MAX);
                        source_queue_drop(s);
                }
                int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (copy < 0) {
                        fprintf(stderr, "Failed to keep a log file of %s: %s\n", s->unit, strerror(errno));
                        continue;
                }
                s->queue[s->n_queue++] = (LogQueued) { .fd = copy, .seq = seq };
        }
        return 0;
}

/* Dispatches what the daemon sent (the signals); false once the connection is closed. */
static bool logs_daemon_present(sd_bus *bus) {
        int r;

        while ((r = sd_bus_process(bus, NULL)) > 0)
                ;
        return r >= 0 && sd_bus_is_open(bus) > 0;
}

static int logs_follow(LogsRun *run) {
        _cleanup_free_ struct pollfd *pfd = calloc(run->n_sources + 1, sizeof(struct pollfd));
        bool timeout = false;
        int r;

        if (!pfd)
                return -ENOMEM;
        for (;;) {
                if (!logs_daemon_present(run->bus)) {
                        for (size_t i = 0; i < run->n_sources; i++)
                                if (run->sources[i].fd >= 0)
                                        (void) source_catch_up(run, &run->sources[i], false, false);
                        return -ENOTCONN;
                }
                for (size_t i = 0; i < run->n_sources; i++) {
                        LogSource *s = &run->sources[i];
                        /* On a quiet file, ask at every poll: without inotify (no read
                         * access to the file itself) that is how a move is seen, and with
                         * it a move seen before the new file was there is looked at again. */
                        r = source_catch_up(run, s, timeout && (s->fd < 0 || s->n_queue == 0), timeout);
                        if (r < 0)
                                return r;
                        pfd[i] = (struct pollfd) { .fd = s->ino_fd, .events = POLLIN };
                }
                pfd[run->n_sources] = (struct pollfd) { .fd = sd_bus_get_fd(run->bus), .events = POLLIN };
                /* Without inotify (no read access to the file itself) growth is seen at the
                 * next poll. */
                r = poll(pfd, run->n_sources + 1, LOGS_POLL_MSEC);
                if (r < 0 && errno != EINTR)
                        return -errno;
                timeout = r == 0;
        }
}

static int logs_run(LogsRun *run, bool follow) {
        int r;

        run->history = true;
        if (follow) {
                r = sd_bus_match_signal(run->bus, NULL, NULL, BUS_PATH, BUS_INTERFACE, "LogFileRotated",
                                        on_log_rotated, run);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < run->n_sources; i++)
                        run->sources[i].following = true;
        }
        for (size_t i = 0; i < run->n_sources; i++) {
                r = source_catch_up(run, &run->sources[i], true, true);
                if (r < 0)
                        return r;
        }
        /* A last record without its newline yet: shown, unless we go on following it. */
        for (size_t i = 0; i < run->n_sources && !follow; i++)
                if (run->sources[i].partial_len > 0) {
                        r = source_take_line(run, &run->sources[i]);
                        if (r < 0)
                                return r;
                }
        r = logs_print_history(run);
        if (r < 0 || !follow)
                return r;
        run->history = false;
        return logs_follow(run);
}

int verb_logs(int argc, char **argv) {
        enum { ARG_NO_PAGER = 0x100, ARG_SINCE, ARG_UNTIL };
        static const struct option options[] = {
                { "follow", no_argument, NULL, 'f' },
                { "lines", required_argument, NULL, 'n' },
                { "unit", required_argument, NULL, 'u' },
                { "priority", required_argument, NULL, 'p' },
                { "output", required_argument, NULL, 'o' },
                { "since", required_argument, NULL, ARG_SINCE },
                { "until", required_argument, NULL, ARG_UNTIL },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **units = NULL;
        LogsRun run = {
                .filter = { .until = UINT64_MAX, .prio_min = 0, .prio_max = 7 },
                .lines = BUS_LOG_LINES_MAX,
        };
        bool follow = false;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "fn:u:p:o:", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        follow = true;
                        break;
                case 'n':
                        if (parse_unsigned(optarg, &run.lines) < 0 || run.lines > BUS_LOG_LINES_MAX) {
                                fprintf(stderr, "-n wants a number of lines up to %u, got '%s'.\n",
                                        BUS_LOG_LINES_MAX, optarg);
                                return CTL_EXIT_USAGE;
                        }
                        break;
                case 'u': {
                        char *name = NULL;
                        if (bus_client_unit_name(optarg, &name) < 0)
                                return CTL_EXIT_USAGE;
                        if (strv_consume(&units, name) < 0)
                                return CTL_EXIT_FAILURE;
                        break;
                }
                case 'p':
                        if (logs_parse_priority(optarg, &run.filter) < 0) {
                                fprintf(stderr, "--priority: unknown level '%s' (emerg, alert, crit, err, "
                                        "warning, notice, info, debug, 0-7, or FROM..TO).\n", optarg);
                                return CTL_EXIT_USAGE;
                        }
                        break;
                case 'o':
                        if (streq(optarg, "short"))
                                run.filter.output = LOGS_OUTPUT_SHORT;
                        else if (streq(optarg, "cat"))
                                run.filter.output = LOGS_OUTPUT_CAT;
                        else if (streq(optarg, "json"))
                                run.filter.output = LOGS_OUTPUT_JSON;
                        else {
                                fprintf(stderr, "--output: unknown mode '%s' (short, cat, json).\n", optarg);
                                return CTL_EXIT_USAGE;
                        }
                        break;
                case ARG_SINCE:
                case ARG_UNTIL:
                        if (logs_parse_timestamp(optarg, c == ARG_SINCE ? &run.filter.since : &run.filter.until) < 0) {
                                fprintf(stderr, "--%s: cannot parse time '%s' (e.g. \"2026-01-31 12:00:00\", "
                                        "\"today\", \"yesterday\", \"-5min\", \"5 min ago\", \"@1767225600\").\n",
                                        c == ARG_SINCE ? "since" : "until", optarg);
                                return CTL_EXIT_USAGE;
                        }
                        break;
                case ARG_NO_PAGER: /* we never page */
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        for (int i = optind; i < argc; i++) {
                char *name = NULL;
                if (bus_client_unit_name(argv[i], &name) < 0)
                        return CTL_EXIT_USAGE;
                if (strv_consume(&units, name) < 0)
                        return CTL_EXIT_FAILURE;
        }
        if (strv_length(units) == 0) {
                fprintf(stderr, "logs: expected a unit name (-u UNIT or UNIT, several allowed).\n");
                return CTL_EXIT_USAGE;
        }
        if (strv_length(units) > LOGS_UNITS_MAX) {
                fprintf(stderr, "logs: at most %u units at once.\n", LOGS_UNITS_MAX);
                return CTL_EXIT_USAGE;
        }
        if (run.filter.since > run.filter.until) {
                fprintf(stderr, "logs: --since is later than --until.\n");
                return CTL_EXIT_USAGE;
        }
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        run.bus = bus;
        run.sources = calloc(strv_length(units), sizeof(LogSource));
        if (!run.sources)
                return CTL_EXIT_FAILURE;
        STRV_FOREACH(u, units) {
                bool dup = false;
                for (size_t i = 0; i < run.n_sources; i++)
                        dup = dup || streq(run.sources[i].unit, *u);
                if (!dup)
                        run.sources[run.n_sources++] = (LogSource) {
                                .unit = *u, .index = (unsigned) run.n_sources, .fd = -EBADF, .ino_fd = -EBADF,
                                .cont_level = { -1, -1 },
                        };
        }
        r = logs_run(&run, follow);
        for (size_t i = 0; i < run.n_sources; i++)
                source_done(&run.sources[i]);
        free(run.sources);
        if (r == -ENOTCONN) {
                fprintf(stderr, "syscaged went away; no longer following the log.\n");
                return CTL_EXIT_SUCCESS;
        }
        if (r == -ECANCELED)
                return CTL_EXIT_FAILURE;
        if (r < 0) {
                fprintf(stderr, "Failed to read the log: %s\n", strerror(-r));
                return CTL_EXIT_FAILURE;
        }
        return CTL_EXIT_SUCCESS;
}
