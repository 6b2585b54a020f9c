/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Service output capture: the pipes between a service and the daemon, line assembly, the
 * per-unit log file with size-based rotation, and the StandardOutput=/StandardError= modes
 * that bypass the daemon. The log format and the backpressure rules are described in
 * output.h.
 *
 * Data flow for one pipe: read() into a raw buffer (at most read_max bytes per event-loop
 * iteration) -> split into lines in the pipe's line buffer -> records appended to the
 * stream's write buffer -> one batch of write()s to UNIT.log. Each stage consumes its input
 * only after the next stage accepted it, so a failure at any point (no memory, full disk)
 * leaves everything read still buffered; the stream then pauses its pipes until a timer
 * retry succeeds.
 *
 * A durable pipe (output-durable.c) puts a spool file between the pipe and the raw buffer:
 * splice() into the spool, pread() from it into raw, and a checkpoint after each batch.
 * Reading the log back and the log files' names are in output-log.c.
 */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "sys/io-log.h"
#include "io/output-durable.h"
#include "io/output-internal.h"
#include "io/output-log.h"
#include "io/output-spool.h"
#include "io/output.h"
#include "string-table.h"

static const char *const output_mode_table[_OUTPUT_MODE_MAX] = {
        [OUTPUT_LOG] = "log",
        [OUTPUT_INHERIT] = "inherit",
        [OUTPUT_NULL] = "null",
        [OUTPUT_FILE] = "file",
        [OUTPUT_APPEND] = "append",
        [OUTPUT_TRUNCATE] = "truncate",
        [OUTPUT_JOURNAL] = "journal",
};

static const char *const output_stream_type_table[_OUTPUT_STREAM_TYPE_MAX] = {
        [OUTPUT_STDOUT] = "stdout",
        [OUTPUT_STDERR] = "stderr",
};

DEFINE_STRING_TABLE_LOOKUP(output_mode, OutputMode, output_mode_table, _OUTPUT_MODE_MAX)

const char *output_stream_type_to_string(OutputStreamType t) {
        return t >= 0 && t < _OUTPUT_STREAM_TYPE_MAX ? output_stream_type_table[t] : NULL;
}

static bool output_mode_has_path(OutputMode m) {
        return m == OUTPUT_FILE || m == OUTPUT_APPEND || m == OUTPUT_TRUNCATE;
}

int output_mode_parse(const char *s, OutputMode *ret_mode, const char **ret_path) {
        const char *colon;

        if (!s)
                return -EINVAL;
        colon = strchr(s, ':');
        if (!colon) {
                OutputMode m = output_mode_from_string(s);
                if (m < 0 || output_mode_has_path(m))
                        return -EINVAL;
                *ret_mode = m;
                *ret_path = NULL;
                return 0;
        }
        for (OutputMode m = 0; m < _OUTPUT_MODE_MAX; m++) {
                size_t l = strlen(output_mode_table[m]);
                if (!output_mode_has_path(m) || (size_t) (colon - s) != l || !strneq(s, output_mode_table[m], l))
                        continue;
                if (colon[1] != '/' || strlen(colon + 1) >= PATH_MAX)
                        return -EINVAL;
                *ret_mode = m;
                *ret_path = colon + 1;
                return 0;
        }
        return -EINVAL;
}

int output_context_new(sd_event *event, const char *state_dir, OutputContext **ret) {
        _cleanup_(output_context_freep) OutputContext *ctx = NULL;

        if (!event || isempty(state_dir) || strlen(state_dir) > PATH_MAX / 2)
                return -EINVAL;
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
                return -ENOMEM;
        ctx->state_dir = strdup(state_dir);
        if (!ctx->state_dir)
                return -ENOMEM;
        ctx->event = sd_event_ref(event);
        ctx->max_file_bytes = OUTPUT_MAX_FILE_BYTES_DEFAULT;
        ctx->files_kept = OUTPUT_FILES_KEPT_DEFAULT;
        ctx->line_max = OUTPUT_LINE_MAX_DEFAULT;
        ctx->read_max = OUTPUT_READ_MAX_DEFAULT;
        ctx->retry_usec = OUTPUT_RETRY_USEC_DEFAULT;
        *ret = TAKE_PTR(ctx);
        return 0;
}

OutputContext *output_context_free(OutputContext *ctx) {
        if (!ctx)
                return NULL;
        sd_event_unref(ctx->event);
        free(ctx->state_dir);
        free(ctx->spool_dir);
        free(ctx);
        return NULL;
}

/* ---- the log file ---- */

int output_stream_log_open(OutputStream *s) {
        struct stat st;
        int fd, r;

        if (s->log_fd >= 0)
                return 0;
        fd = output_log_open(s->ctx->state_dir, s->unit);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                safe_close(fd);
                return r;
        }
        s->log_fd = fd;
        s->log_size = (uint64_t) st.st_size;
        s->log_ino = (uint64_t) st.st_ino;
        return 0;
}

/* UNIT.log -> UNIT.log.1 -> ... -> UNIT.log.(files_kept-1), which replaces the oldest. Only
 * the files below the first missing one move: a gap left by a daemon killed in the middle of
 * a rotation is closed that way (the files above it are older and keep their order), and no
 * time goes into renaming files that do not exist. */
static int stream_log_rotate(OutputStream *s) {
        char from[PATH_MAX], to[PATH_MAX];
        unsigned kept = s->ctx->files_kept, last;
        int r;

        s->log_fd = safe_close(s->log_fd);
        if (kept <= 1) {
                r = output_log_path(s->ctx->state_dir, s->unit, 0, from, sizeof from);
                if (r < 0)
                        return r;
                if (unlink(from) < 0 && errno != ENOENT)
                        return -errno;
                r = output_stream_log_open(s);
                if (r >= 0 && s->ctx->rotated_func)
                        s->ctx->rotated_func(s->unit, s->ctx->rotated_userdata);
                return r;
        }
        for (last = 1; last < kept - 1; last++) {
                if (output_log_path(s->ctx->state_dir, s->unit, last, to, sizeof to) < 0)
                        return -ENAMETOOLONG;
                if (faccessat(AT_FDCWD, to, F_OK, AT_EACCESS) < 0 && errno == ENOENT)
                        break;
        }
        for (unsigned i = last; i >= 1; i--) {
                if (output_log_path(s->ctx->state_dir, s->unit, i - 1, from, sizeof from) < 0 ||
                    output_log_path(s->ctx->state_dir, s->unit, i, to, sizeof to) < 0)
                        return -ENAMETOOLONG;
                if (rename(from, to) < 0 && errno != ENOENT)
                        return -errno;
        }
        r = output_stream_log_open(s);
        if (r >= 0 && s->ctx->rotated_func)
                s->ctx->rotated_func(s->unit, s->ctx->rotated_userdata);
        return r;
}

static ssize_t stream_write(OutputStream *s, const char *buf, size_t n) {
        if (s->ctx->write_func)
                return s->ctx->write_func(s->log_fd, buf, n, s->ctx->write_userdata);
        return write(s->log_fd, buf, n);
}

/* Writes n bytes from the front of wbuf; consumes whatever was written, even on error. */
static int stream_write_prefix(OutputStream *s, size_t n) {
        size_t done = 0;
        int r = 0;

        while (done < n) {
                ssize_t k = stream_write(s, s->wbuf + done, n - done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        r = k < 0 ? negative_errno() : -EIO;
                        break;
                }
                done += (size_t) k;
        }
        s->log_size += done;
        memmove(s->wbuf, s->wbuf + done, s->wlen - done);
        s->wlen -= done;
        return r;
}

/* Writes all buffered records, rotating at record boundaries. */
int output_stream_flush(OutputStream *s) {
        int r;

        while (s->wlen > 0) {
                uint64_t max = s->ctx->max_file_bytes;
                size_t room, n = 0;
                const char *nl;

                r = output_stream_log_open(s);
                if (r < 0)
                        return r;
                room = s->log_size < max ? (size_t) MIN(max - s->log_size, (uint64_t) s->wlen) : 0;
                nl = room > 0 ? memrchr(s->wbuf, '\n', room) : NULL;
                if (nl)
                        n = (size_t) (nl - s->wbuf) + 1;
                else if (s->log_size > 0) {
                        r = stream_log_rotate(s);
                        if (r < 0)
                                return r;
                        r = output_stream_rotated_checkpoint(s);
                        if (r < 0)
                                return r;
                        continue;
                } else {
                        /* A single record larger than a whole file: write it alone. */
                        nl = memchr(s->wbuf, '\n', s->wlen);
                        n = nl ? (size_t) (nl - s->wbuf) + 1 : s->wlen;
                }
                r = stream_write_prefix(s, n);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- records ---- */

uint64_t output_now_usec(void) {
        struct timespec ts;

        if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
                return 0;
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static int stream_append_record(OutputStream *s, const char *prefix, size_t prefix_len, char marker,
                                const char *text, size_t len) {
        size_t need = s->wlen + prefix_len + 3 + len + 1;

        if (GREEDY_REALLOC(s->wbuf, s->wcap, need) < 0)
                return -ENOMEM;
        memcpy(s->wbuf + s->wlen, prefix, prefix_len);
        s->wlen += prefix_len;
        if (marker != ':')
                s->wbuf[s->wlen++] = marker;
        s->wbuf[s->wlen++] = ':';
        s->wbuf[s->wlen++] = ' ';
        memcpy(s->wbuf + s->wlen, text, len);
        s->wlen += len;
        s->wbuf[s->wlen++] = '\n';
        return 0;
}

/* "2026-11-22T12:34:56.123456Z UNIT[PID] stdout" */
static int pipe_format_prefix(const OutputPipe *p, char *buf, size_t size) {
        const OutputStream *s = p->stream;
        char ts[40];
        int n;

        if (output_format_timestamp(p->raw_usec, ts, sizeof ts) < 0)
                return -EINVAL;
        n = snprintf(buf, size, "%s %s[%d] %s", ts, s->unit, (int) s->pid,
                     output_stream_type_to_string(p->type));
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : n;
}

/* A durable stream's batch ends before a record that would not fit in the current log file
 * (unless the batch is empty), so that rotation happens between batches: see
 * output_stream_rotated_checkpoint(). */
static bool pipe_record_fits(const OutputPipe *p, size_t prefix_len, char marker, size_t len) {
        const OutputStream *s = p->stream;
        size_t rec = prefix_len + (marker != ':') + 3 + len;

        return !p->spool || s->wlen == 0 || s->log_size + s->wlen + rec <= s->ctx->max_file_bytes;
}

/* EOF seen and, for a durable pipe, the whole spool read. */
bool output_pipe_at_end(const OutputPipe *p) {
        return p->eof && (!p->spool || p->spool_read == p->spool->size);
}

/* Turns raw bytes into records. Consumes input only once its record is buffered, so on
 * -ENOMEM it can be called again later and continues where it stopped. Returns 1 when a
 * durable batch is full (pipe_record_fits()) with input left, else 0 or -errno. */
int output_pipe_process(OutputPipe *p) {
        OutputStream *s = p->stream;
        size_t line_max = s->ctx->line_max;
        char prefix[64 + OUTPUT_UNIT_NAME_MAX];
        int plen, r;

        plen = pipe_format_prefix(p, prefix, sizeof prefix);
        if (plen < 0)
                return plen;
        while (p->raw_off < p->raw_len) {
                const char *data = p->raw + p->raw_off;
                size_t avail = p->raw_len - p->raw_off;
                const char *nl = memchr(data, '\n', avail);
                size_t seg = nl ? (size_t) (nl - data) : avail;

                if (seg > 0 && p->line_len == line_max) {
                        /* Full line buffer and more text follows: emit a continued piece. */
                        if (!pipe_record_fits(p, (size_t) plen, '+', p->line_len))
                                return 1;
                        r = stream_append_record(s, prefix, (size_t) plen, '+', p->line, p->line_len);
                        if (r < 0)
                                return r;
                        p->line_len = 0;
                }
                if (seg > 0) {
                        size_t k = MIN(seg, line_max - p->line_len);
                        memcpy(p->line + p->line_len, data, k);
                        p->line_len += k;
                        p->raw_off += k;
                        continue;
                }
                /* data[0] is the newline ending the line. */
                if (!pipe_record_fits(p, (size_t) plen, ':', p->line_len))
                        return 1;
                r = stream_append_record(s, prefix, (size_t) plen, ':', p->line, p->line_len);
                if (r < 0)
                        return r;
                p->line_len = 0;
                p->raw_off++;
        }
        p->raw_off = p->raw_len = 0;

        if (output_pipe_at_end(p) && p->line_len > 0) {
                if (!pipe_record_fits(p, (size_t) plen, '~', p->line_len))
                        return 1;
                r = stream_append_record(s, prefix, (size_t) plen, '~', p->line, p->line_len);
                if (r < 0)
                        return r;
                p->line_len = 0;
        }
        return 0;
}

/* ---- event handling ---- */

static void stream_set_reading(OutputStream *s, bool on) {
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                if (s->pipes[t].source && !s->pipes[t].eof)
                        (void) sd_event_source_set_enabled(s->pipes[t].source, on ? SD_EVENT_ON : SD_EVENT_OFF);
}

static void pipe_close(OutputPipe *p) {
        p->source = sd_event_source_disable_unref(p->source);
        p->fd = safe_close(p->fd);
}

bool output_stream_drained(const OutputStream *s) {
        if (s->wlen > 0)
                return false;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                const OutputPipe *p = &s->pipes[t];
                if (p->stream && (p->fd >= 0 || p->raw_len > 0 || p->line_len > 0 || p->spool))
                        return false;
        }
        return true;
}

static void stream_check_drained(OutputStream *s) {
        if (s->drained_notified || !output_stream_drained(s))
                return;
        s->drained_notified = true;
        if (s->drained_func)
                s->drained_func(s, s->drained_userdata);
}

static int stream_on_retry(sd_event_source *src, uint64_t usec, void *userdata);

/* Records of a durable pipe left in wbuf by a failed write go out (and are checkpointed)
 * before another pipe's records join them. */
static int stream_flush_pending(OutputStream *s) {
        int r;

        if (s->wlen == 0)
                return 0;
        r = output_stream_flush(s);
        if (r >= 0 && s->wbuf_pipe)
                r = output_pipe_commit(s->wbuf_pipe);
        return r;
}

/* Processes everything pending; on failure pauses reading and arms the retry timer. */
int output_stream_pump(OutputStream *s) {
        int r;

        r = stream_flush_pending(s);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX && r >= 0; t++) {
                OutputPipe *p = &s->pipes[t];
                if (!p->stream)
                        continue;
                if (p->spool)
                        r = output_pipe_pump_spool(p);
                else {
                        r = output_pipe_process(p);
                        if (r >= 0)
                                r = output_stream_flush(s);
                }
                if (r >= 0 && p->eof && p->fd >= 0)
                        pipe_close(p);
                if (r >= 0)
                        output_pipe_finish_spool(p);
        }
        if (r >= 0) {
                if (s->paused) {
                        io_logf(LOG_NOTICE, "Log file for %s writable again, resuming its output.", s->unit);
                        s->paused = false;
                        stream_set_reading(s, true);
                }
                stream_check_drained(s);
                return 0;
        }

        if (!s->paused) {
                io_logf_errno(LOG_WARNING, r,
                              "Failed to write log file for %s, pausing its output and retrying: %m", s->unit);
                s->paused = true;
                stream_set_reading(s, false);
        }
        if (!s->retry_source &&
            sd_event_add_time_relative(s->ctx->event, &s->retry_source, CLOCK_MONOTONIC, s->ctx->retry_usec,
                                       0, stream_on_retry, s) < 0)
                io_logf(LOG_ERR, "Failed to arm output retry timer for %s; output stays paused.", s->unit);
        return r;
}

static int stream_on_retry(sd_event_source *src, uint64_t usec, void *userdata) {
        OutputStream *s = userdata;

        s->retry_source = sd_event_source_unref(s->retry_source);
        (void) output_stream_pump(s);
        return 0;
}

/* Reads at most read_max bytes, then hands them on. Level-triggered epoll calls us again in
 * the next iteration if more is waiting, so other sources get their turn in between. */
int output_pipe_read(OutputPipe *p) {
        OutputStream *s = p->stream;

        if (p->spool)
                return output_pipe_splice(p);
        if (p->raw_len > 0 || p->fd < 0 || p->eof)
                return 0; /* paused with data pending (the retry timer handles it), or done */
        while (p->raw_len < s->ctx->read_max) {
                ssize_t n = read(p->fd, p->raw + p->raw_len, s->ctx->read_max - p->raw_len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n < 0)
                        io_logf_errno(LOG_WARNING, errno, "Failed to read %s of %s, closing it: %m",
                                      output_stream_type_to_string(p->type), s->unit);
                if (n <= 0) {
                        p->eof = true;
                        (void) sd_event_source_set_enabled(p->source, SD_EVENT_OFF);
                        break;
                }
                p->raw_len += (size_t) n;
        }
        if (p->raw_len == 0 && !p->eof)
                return 0;
        p->raw_usec = output_now_usec();
        return output_stream_pump(s) < 0 ? 0 : 1;
}

static int pipe_on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        (void) output_pipe_read(userdata);
        return 0;
}

void output_stream_read_now(OutputStream *s) {
        if (!s)
                return;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                OutputPipe *p = &s->pipes[t];
                /* Bounded: a descendant may still be writing; what it writes later comes in
                 * through the event loop as usual. */
                for (unsigned i = 0; p->stream && i < 64 && !s->paused; i++)
                        if (output_pipe_read(p) <= 0)
                                break;
        }
}

/* ---- opening ---- */

static bool journal_available(OutputContext *ctx) {
        if (ctx->journal_state == 0) {
                ctx->journal_state = faccessat(AT_FDCWD, "/run/systemd/journal/socket", F_OK, AT_EACCESS) == 0 ? 1 : -1;
                if (ctx->journal_state < 0)
                        io_logf(LOG_WARNING,
                                "journald is not running; StandardOutput=journal writes to the unit log file instead.");
        }
        return ctx->journal_state > 0;
}

static int output_open_file(OutputMode mode, const char *path) {
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
        int fd, fl;

        if (mode == OUTPUT_APPEND)
                flags |= O_APPEND;
        else if (mode == OUTPUT_TRUNCATE)
                flags |= O_TRUNC;
        /* O_NONBLOCK so that opening a FIFO without a reader fails (ENXIO) instead of hanging
         * the daemon; the child gets a blocking descriptor. */
        fd = open(path, flags, 0644);
        if (fd < 0)
                return -errno;
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
                int r = -errno;
                safe_close(fd);
                return r;
        }
        return fd;
}

/* Sets up reading the pipe read end fd (owned from now on), or with fd < 0 a pipe that is at
 * EOF already (an adopted stream whose pipe is gone). */
int output_pipe_setup(OutputStream *s, OutputStreamType t, int fd) {
        OutputPipe *p = &s->pipes[t];
        int fl, r;

        p->fd = fd;
        p->stream = s;
        p->type = t;
        p->eof = fd < 0;
        p->raw = malloc(s->ctx->read_max);
        p->line = malloc(s->ctx->line_max);
        if (!p->raw || !p->line)
                return -ENOMEM;
        if (fd < 0)
                return 0;
        fl = fcntl(p->fd, F_GETFL);
        if (fl < 0 || fcntl(p->fd, F_SETFL, fl | O_NONBLOCK) < 0)
                return -errno;
        r = sd_event_add_io(s->ctx->event, &p->source, p->fd, EPOLLIN, pipe_on_io, p);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(p->source, t == OUTPUT_STDOUT ? "output-stdout" : "output-stderr");
        return 0;
}

static int stream_add_pipe(OutputStream *s, OutputStreamType t) {
        int fds[2];

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        s->child_fd[t] = fds[1];
        return output_pipe_setup(s, t, fds[0]);
}

static int stream_open_one(OutputStream *s, OutputStreamType t, OutputMode mode, const char *path) {
        int fd;

        if (mode == OUTPUT_JOURNAL) {
                if (!journal_available(s->ctx))
                        return stream_add_pipe(s, t);
                fd = sd_journal_stream_fd(s->unit, t == OUTPUT_STDOUT ? LOG_INFO : LOG_WARNING, 0);
                if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
                        safe_close(fd);
                        return -errno;
                }
        } else if (mode == OUTPUT_LOG)
                return stream_add_pipe(s, t);
        else if (mode == OUTPUT_INHERIT)
                fd = RET_NERRNO(fcntl(t == OUTPUT_STDOUT ? STDOUT_FILENO : STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
        else if (mode == OUTPUT_NULL)
                fd = RET_NERRNO(open("/dev/null", O_WRONLY | O_CLOEXEC | O_NOCTTY));
        else if (output_mode_has_path(mode) && path && path[0] == '/')
                fd = output_open_file(mode, path);
        else
                return -EINVAL;
        if (fd < 0)
                return fd;
        s->child_fd[t] = fd;
        return 0;
}

int output_stream_new(OutputContext *ctx, const char *unit, OutputStream **ret) {
        OutputStream *s;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->ctx = ctx;
        s->log_fd = s->child_fd[0] = s->child_fd[1] = -EBADF;
        s->pipes[0].fd = s->pipes[1].fd = -EBADF;
        s->unit = strdup(unit);
        if (!s->unit)
                return output_stream_free(s), -ENOMEM;
        *ret = s;
        return 0;
}

int output_open(OutputContext *ctx, const char *unit,
                OutputMode out_mode, const char *out_path,
                OutputMode err_mode, const char *err_path,
                OutputStream **ret) {
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        int r;

        if (!ctx || !output_unit_name_valid(unit) || out_mode < 0 || out_mode >= _OUTPUT_MODE_MAX ||
            err_mode < 0 || err_mode >= _OUTPUT_MODE_MAX)
                return -EINVAL;
        r = output_stream_new(ctx, unit, &s);
        if (r < 0)
                return r;

        r = stream_open_one(s, OUTPUT_STDOUT, out_mode, out_path);
        if (r < 0)
                return r;
        /* Both streams to the same file share one descriptor (and so one file offset), as
         * otherwise file: mode would have them overwrite each other. */
        if (err_mode == out_mode && output_mode_has_path(err_mode) && err_path && out_path &&
            streq(err_path, out_path)) {
                s->child_fd[OUTPUT_STDERR] = fcntl(s->child_fd[OUTPUT_STDOUT], F_DUPFD_CLOEXEC, 3);
                if (s->child_fd[OUTPUT_STDERR] < 0)
                        return -errno;
        } else {
                r = stream_open_one(s, OUTPUT_STDERR, err_mode, err_path);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

int output_stream_child_fd(const OutputStream *s, OutputStreamType t) {
        if (!s || t < 0 || t >= _OUTPUT_STREAM_TYPE_MAX)
                return -EINVAL;
        return s->child_fd[t];
}

void output_child_fds_close(OutputStream *s) {
        if (!s)
                return;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                s->child_fd[t] = safe_close(s->child_fd[t]);
}

void output_set_pid(OutputStream *s, pid_t pid) {
        if (s)
                s->pid = pid;
}

bool output_stream_paused(const OutputStream *s) {
        return s && s->paused;
}

void output_stream_set_drained_callback(OutputStream *s, OutputDrainedFunc f, void *userdata) {
        s->drained_func = f;
        s->drained_userdata = userdata;
}

OutputStream *output_stream_free(OutputStream *s) {
        if (!s)
                return NULL;
        if (s->id)
                output_stream_free_durable(s);
        /* Last chance for buffered records; a partial line is written as ended. */
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX && !s->id; t++)
                if (s->pipes[t].stream) {
                        s->pipes[t].eof = true;
                        if (s->pipes[t].raw_usec == 0)
                                s->pipes[t].raw_usec = output_now_usec();
                        (void) output_pipe_process(&s->pipes[t]);
                }
        if (!s->id && s->wlen > 0 && output_stream_flush(s) < 0)
                io_logf(LOG_WARNING, "Discarding %zu bytes of output of %s that could not be written.", s->wlen,
                        s->unit);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                pipe_close(&s->pipes[t]);
                free(s->pipes[t].raw);
                free(s->pipes[t].line);
                s->child_fd[t] = safe_close(s->child_fd[t]);
        }
        sd_event_source_unref(s->retry_source);
        sd_event_source_unref(s->adopt_source);
        safe_close(s->log_fd);
        free(s->wbuf);
        free(s->unit);
        free(s->id);
        free(s);
        return NULL;
}

void output_spool_discard(OutputContext *ctx, const char *stream_id) {
        static const char *const names[] = { "stdout.spool", "stderr.spool", "stdout.ck", "stderr.ck" };
        char path[PATH_MAX];

        if (!ctx || !ctx->spool_dir || !stream_id || strchr(stream_id, '/'))
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                int n = snprintf(path, sizeof path, "%s/%s.%s", ctx->spool_dir, stream_id, names[i]);
                if (n > 0 && (size_t) n < sizeof path)
                        (void) unlink(path);
        }
}

bool output_stream_released(const OutputStream *s) {
        return s && s->released;
}

void output_stream_set_released(OutputStream *s) {
        if (s)
                s->released = true;
}
