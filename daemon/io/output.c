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
 */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "sys/io-log.h"
#include "io/output-spool.h"
#include "io/output.h"
#include "string-table.h"
#include "strv.h"

/* Rounds of reading a durable stream's pipes when it is freed (each at most read_max bytes per
 * pipe): enough for what a full pipe holds, bounded when a writer goes on writing. */
#define OUTPUT_FREE_READS_MAX 64u

typedef struct OutputPipe {
        OutputStream *stream;
        OutputStreamType type;
        int fd; /* read end; -EBADF once EOF was seen and the fd closed */
        sd_event_source *source;
        bool eof;
        char *raw; /* bytes read but not yet turned into records */
        size_t raw_len, raw_off;
        uint64_t raw_usec; /* CLOCK_REALTIME when raw was read */
        char *line; /* partial line, at most line_max bytes */
        size_t line_len;
        OutputSpool *spool; /* durable pipes only, until the pipe is finished */
        uint64_t spool_read; /* spool offset up to which bytes went into raw */
} OutputPipe;

struct OutputStream {
        OutputContext *ctx;
        char *unit;
        pid_t pid;
        int child_fd[_OUTPUT_STREAM_TYPE_MAX];
        OutputPipe pipes[_OUTPUT_STREAM_TYPE_MAX]; /* used when .stream != NULL */
        int log_fd;
        uint64_t log_size;
        uint64_t log_ino;
        char *wbuf; /* formatted records not yet written */
        size_t wlen, wcap;
        char *id;               /* durable streams only */
        bool released;          /* the owner's mark (output_stream_set_released()) */
        uint64_t ck_seq;        /* last checkpoint sequence number of either pipe */
        OutputPipe *wbuf_pipe;  /* durable: the one pipe whose records are in wbuf */
        sd_event_source *retry_source;
        sd_event_source *adopt_source; /* first pump of an adopted stream */
        bool paused;
        bool drained_notified;
        OutputDrainedFunc drained_func;
        void *drained_userdata;
};

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

/* Unit names become file names and appear in every record: no '/', no spaces, no control
 * characters, not "." or "..". */
static bool output_unit_name_valid(const char *unit) {
        size_t l = unit ? strlen(unit) : 0;

        if (l == 0 || l > OUTPUT_UNIT_NAME_MAX || streq(unit, ".") || streq(unit, ".."))
                return false;
        for (const char *c = unit; *c; c++)
                if (*c == '/' || (unsigned char) *c <= ' ' || *c == 0x7f)
                        return false;
        return true;
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

static int output_log_path(const char *state_dir, const char *unit, unsigned index, char *buf, size_t size) {
        int n = index == 0 ? snprintf(buf, size, "%s/logs/%s.log", state_dir, unit)
                           : snprintf(buf, size, "%s/logs/%s.log.%u", state_dir, unit, index);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int output_log_open(const char *state_dir, const char *unit) {
        char path[PATH_MAX];
        int fd, r;

        r = output_log_path(state_dir, unit, 0, path, sizeof path);
        if (r < 0)
                return r;
        /* The state directory may be created by the daemon at start-up; make sure logs/ exists. */
        if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        *strrchr(path, '/') = '\0';
        if (mkdir(path, 0750) < 0 && errno != EEXIST)
                return -errno;
        path[strlen(path)] = '/';

        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        return fd < 0 ? -errno : fd;
}

static int stream_log_open(OutputStream *s) {
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
                return stream_log_open(s);
        }
        for (last = 1; last < kept - 1; last++) {
                if (output_log_path(s->ctx->state_dir, s->unit, last, to, sizeof to) < 0)
                        return -ENAMETOOLONG;
                if (access(to, F_OK) < 0 && errno == ENOENT)
                        break;
        }
        for (unsigned i = last; i >= 1; i--) {
                if (output_log_path(s->ctx->state_dir, s->unit, i - 1, from, sizeof from) < 0 ||
                    output_log_path(s->ctx->state_dir, s->unit, i, to, sizeof to) < 0)
                        return -ENAMETOOLONG;
                if (rename(from, to) < 0 && errno != ENOENT)
                        return -errno;
        }
        return stream_log_open(s);
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

/* Durable streams rotate only before the first record of a batch (pipe_process() ends a
 * batch where the file is full), so right after a rotation the old file holds exactly what
 * the last checkpoint says. Saying at once that the new file, still empty, is the one, keeps
 * a crash before the batch's own checkpoint from leaving its records in the new file twice. */
static int pipe_checkpoint(OutputPipe *p, uint64_t pos);

static int stream_rotated_checkpoint(OutputStream *s) {
        OutputPipe *p = s->wbuf_pipe;

        if (!p || !p->spool)
                return 0;
        return pipe_checkpoint(p, p->spool->pos);
}

/* Writes all buffered records, rotating at record boundaries. */
static int stream_flush(OutputStream *s) {
        int r;

        while (s->wlen > 0) {
                uint64_t max = s->ctx->max_file_bytes;
                size_t room, n = 0;
                const char *nl;

                r = stream_log_open(s);
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
                        r = stream_rotated_checkpoint(s);
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

static uint64_t now_realtime_usec(void) {
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

int output_format_timestamp(uint64_t usec, char *buf, size_t size) {
        time_t sec = (time_t) (usec / 1000000);
        struct tm tm;
        size_t n;

        if (!gmtime_r(&sec, &tm) || (n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
                return -EINVAL;
        int k = snprintf(buf + n, size - n, ".%06uZ", (unsigned) (usec % 1000000));
        return k < 0 || (size_t) k >= size - n ? -ENAMETOOLONG : 0;
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
 * stream_rotated_checkpoint(). */
static bool pipe_record_fits(const OutputPipe *p, size_t prefix_len, char marker, size_t len) {
        const OutputStream *s = p->stream;
        size_t rec = prefix_len + (marker != ':') + 3 + len;

        return !p->spool || s->wlen == 0 || s->log_size + s->wlen + rec <= s->ctx->max_file_bytes;
}

/* EOF seen and, for a durable pipe, the whole spool read. */
static bool pipe_at_end(const OutputPipe *p) {
        return p->eof && (!p->spool || p->spool_read == p->spool->size);
}

/* Turns raw bytes into records. Consumes input only once its record is buffered, so on
 * -ENOMEM it can be called again later and continues where it stopped. Returns 1 when a
 * durable batch is full (pipe_record_fits()) with input left, else 0 or -errno. */
static int pipe_process(OutputPipe *p) {
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

        if (pipe_at_end(p) && p->line_len > 0) {
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

/* ---- durable pipes ---- */

/* P: where the first byte lies that is in no record yet. Bytes in raw not yet processed and
 * the partial line are not; a '+' piece already is. */
static uint64_t pipe_spool_pos(const OutputPipe *p) {
        return p->spool_read - (p->raw_len - p->raw_off) - p->line_len;
}

/* Checkpoints P = pos with the log as it is now. */
static int pipe_checkpoint(OutputPipe *p, uint64_t pos) {
        OutputStream *s = p->stream;
        int r;

        r = output_spool_commit(p->spool, &s->ck_seq, s->log_ino, s->log_size, pos);
        if (p->spool->size < p->spool_read)
                p->spool_read = 0; /* emptied: P was at its end, so nothing was pending */
        return r;
}

/* After a flush: records up to P are in the log, so say so. */
static int pipe_commit(OutputPipe *p) {
        uint64_t pos = pipe_spool_pos(p);

        if (!p->spool || pos == p->spool->pos)
                return 0;
        return pipe_checkpoint(p, pos);
}

/* Opens the log and takes its size from the file: the daemon appends its own lines to it
 * through another descriptor (unit_log_line()), and a checkpoint must name the true size. */
static int stream_log_refresh(OutputStream *s) {
        struct stat st;
        int r;

        r = stream_log_open(s);
        if (r < 0)
                return r;
        if (fstat(s->log_fd, &st) < 0)
                return -errno;
        s->log_size = (uint64_t) st.st_size;
        return 0;
}

/* Step 2 for one pipe: spool -> records -> log -> checkpoint, in batches, until everything
 * spooled is logged (or something fails; then it continues from there on the next call). */
static int pipe_pump_spool(OutputPipe *p) {
        OutputStream *s = p->stream;
        int r;

        for (;;) {
                if (p->raw_off == p->raw_len && p->spool_read < p->spool->size) {
                        size_t n = (size_t) MIN((uint64_t) s->ctx->read_max, p->spool->size - p->spool_read);
                        ssize_t k = output_spool_read(p->spool, p->raw, n, p->spool_read);
                        if (k < 0)
                                return (int) k;
                        p->raw_off = 0;
                        p->raw_len = (size_t) k;
                        p->spool_read += (uint64_t) k;
                        p->raw_usec = now_realtime_usec();
                }
                r = stream_log_refresh(s); /* pipe_record_fits() needs the file's size */
                if (r < 0)
                        return r;
                s->wbuf_pipe = p;
                r = pipe_process(p);
                if (r < 0)
                        return r;
                r = stream_flush(s);
                if (r >= 0)
                        r = pipe_commit(p);
                if (r < 0)
                        return r;
                if (p->raw_off == p->raw_len && p->spool_read == p->spool->size &&
                    !(pipe_at_end(p) && p->line_len > 0))
                        return 0;
        }
}

/* Both steps are done for good: the files go. */
static void pipe_finish_spool(OutputPipe *p) {
        if (p->spool && p->fd < 0 && pipe_at_end(p) && p->line_len == 0 && p->raw_off == p->raw_len &&
            !(p->stream->wbuf_pipe == p && p->stream->wlen > 0)) {
                p->spool = output_spool_remove(p->spool);
                if (p->stream->wbuf_pipe == p)
                        p->stream->wbuf_pipe = NULL;
        }
}

/* Records of a durable pipe left in wbuf by a failed write go out (and are checkpointed)
 * before another pipe's records join them. */
static int stream_flush_pending(OutputStream *s) {
        int r;

        if (s->wlen == 0)
                return 0;
        r = stream_flush(s);
        if (r >= 0 && s->wbuf_pipe)
                r = pipe_commit(s->wbuf_pipe);
        return r;
}

/* Processes everything pending; on failure pauses reading and arms the retry timer. */
static int stream_pump(OutputStream *s) {
        int r;

        r = stream_flush_pending(s);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX && r >= 0; t++) {
                OutputPipe *p = &s->pipes[t];
                if (!p->stream)
                        continue;
                if (p->spool)
                        r = pipe_pump_spool(p);
                else {
                        r = pipe_process(p);
                        if (r >= 0)
                                r = stream_flush(s);
                }
                if (r >= 0 && p->eof && p->fd >= 0)
                        pipe_close(p);
                if (r >= 0)
                        pipe_finish_spool(p);
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
        (void) stream_pump(s);
        return 0;
}

/* Step 1 of a durable pipe: at most read_max bytes from the pipe to the spool, then step 2. */
static int pipe_splice(OutputPipe *p) {
        OutputStream *s = p->stream;
        size_t moved = 0;

        if (p->fd < 0 || p->eof || s->paused)
                return 0;
        while (moved < s->ctx->read_max) {
                ssize_t n = output_spool_splice(p->spool, p->fd, s->ctx->read_max - moved);
                if (n == -EINTR)
                        continue;
                if (n == -EAGAIN)
                        break;
                if (n < 0)
                        io_logf_errno(LOG_WARNING, (int) n, "Failed to move %s of %s to its spool, closing it: %m",
                                      output_stream_type_to_string(p->type), s->unit);
                if (n <= 0) {
                        p->eof = true;
                        (void) sd_event_source_set_enabled(p->source, SD_EVENT_OFF);
                        break;
                }
                moved += (size_t) n;
        }
        if (moved == 0 && !p->eof)
                return 0;
        return stream_pump(s) < 0 ? 0 : 1;
}

/* Reads at most read_max bytes, then hands them on. Level-triggered epoll calls us again in
 * the next iteration if more is waiting, so other sources get their turn in between. */
static int pipe_read(OutputPipe *p) {
        OutputStream *s = p->stream;

        if (p->spool)
                return pipe_splice(p);
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
        p->raw_usec = now_realtime_usec();
        return stream_pump(s) < 0 ? 0 : 1;
}

static int pipe_on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        (void) pipe_read(userdata);
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
                        if (pipe_read(p) <= 0)
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
static int pipe_setup(OutputStream *s, OutputStreamType t, int fd) {
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
        return pipe_setup(s, t, fds[0]);
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

static int stream_new(OutputContext *ctx, const char *unit, OutputStream **ret) {
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
        r = stream_new(ctx, unit, &s);
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

/* ---- durable streams: opening and adopting ---- */

/* Finds the log file with inode ino among UNIT.log, UNIT.log.1, ... and cuts it back to size:
 * the records after it were written after the checkpoint and will be written again. */
static void stream_log_cut(OutputStream *s, uint64_t ino, uint64_t size) {
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX; i++) {
                _cleanup_close_ int fd = -EBADF;
                char path[PATH_MAX];
                struct stat st;

                if (output_log_path(s->ctx->state_dir, s->unit, i, path, sizeof path) < 0)
                        return;
                fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
                if (fd < 0 && errno == ENOENT && i == 0)
                        continue; /* mid-rotation */
                if (fd < 0 || fstat(fd, &st) < 0)
                        break;
                if ((uint64_t) st.st_ino != ino || !S_ISREG(st.st_mode))
                        continue;
                if ((uint64_t) st.st_size < size)
                        io_logf(LOG_WARNING, "Log file %s is shorter than its output checkpoint says, leaving it as it is.",
                                path);
                else if ((uint64_t) st.st_size > size && ftruncate(fd, (off_t) size) < 0)
                        io_logf_errno(LOG_WARNING, errno, "Failed to cut %s back to its checkpoint, ignoring: %m", path);
                return;
        }
        io_logf(LOG_NOTICE, "Log file of the last output checkpoint of %s is gone; cutting nothing.", s->unit);
}

/* Reads the pipes' checkpoints and puts log and spools back in agreement (see output.h):
 * the log is cut to what the newest checkpoint says (nothing is cut if any checkpoint is
 * damaged: then its spool is logged again from the start), then fresh checkpoints are
 * written for the state now. */
static int stream_recover(OutputStream *s) {
        OutputCheckpoint latest = {};
        bool have_latest = false, damaged = false;
        int r;

        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                OutputPipe *p = &s->pipes[t];
                OutputCheckpoint ck;

                if (!p->spool)
                        continue;
                r = output_checkpoint_read(p->spool, &ck);
                if (r == -ENODATA)
                        ck = (OutputCheckpoint) {}; /* crashed before the first: nothing logged */
                else if (r < 0) {
                        io_logf_errno(LOG_WARNING, r,
                                      "Output checkpoint %s is unusable (%m); logging its spool again from the start, some lines of %s may appear twice.",
                                      p->spool->ck_path, s->unit);
                        damaged = true;
                        ck = (OutputCheckpoint) {};
                } else {
                        if (!have_latest || ck.seq > latest.seq)
                                latest = ck;
                        have_latest = true;
                        s->ck_seq = MAX(s->ck_seq, ck.seq);
                }
                if (ck.pos > p->spool->size)
                        ck.pos = 0; /* the spool was emptied after this checkpoint */
                p->spool->pos = p->spool_read = p->spool->punched = ck.pos;
        }
        if (have_latest && !damaged)
                stream_log_cut(s, latest.log_ino, latest.log_size);
        r = stream_log_open(s);
        if (r < 0)
                return r;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                if (s->pipes[t].spool) {
                        r = pipe_checkpoint(&s->pipes[t], s->pipes[t].spool->pos);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int stream_make_durable(OutputStream *s, const char *stream_id, bool create) {
        int r;

        s->id = strdup(stream_id);
        if (!s->id)
                return -ENOMEM;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                OutputPipe *p = &s->pipes[t];
                if (!p->stream)
                        continue;
                r = output_spool_open(s->ctx->spool_dir, stream_id, output_stream_type_to_string(t), create,
                                      &p->spool);
                if (r < 0)
                        return r;
        }
        return 0;
}

int output_open_durable(OutputContext *ctx, const char *unit, const char *stream_id,
                        OutputMode out_mode, const char *out_path,
                        OutputMode err_mode, const char *err_path,
                        OutputStream **ret) {
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        int r;

        if (!ctx || !output_stream_id_valid(stream_id))
                return -EINVAL;
        r = output_open(ctx, unit, out_mode, out_path, err_mode, err_path, &s);
        if (r < 0 || !ctx->spool_dir) {
                if (r >= 0)
                        *ret = TAKE_PTR(s);
                return r;
        }
        r = stream_make_durable(s, stream_id, true);
        if (r >= 0)
                r = stream_log_open(s);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX && r >= 0; t++)
                if (s->pipes[t].spool)
                        r = output_spool_commit(s->pipes[t].spool, &s->ck_seq, s->log_ino, s->log_size, 0);
        if (r < 0) {
                for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                        if (r != -EEXIST) /* never remove files that were there before */
                                s->pipes[t].spool = output_spool_remove(s->pipes[t].spool);
                return r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

static int stream_on_adopted(sd_event_source *src, void *userdata) {
        OutputStream *s = userdata;

        s->adopt_source = sd_event_source_disable_unref(s->adopt_source);
        (void) stream_pump(s);
        return 0;
}

int output_adopt(OutputContext *ctx, const char *unit, const char *stream_id, int fd_out, int fd_err,
                 OutputStream **ret) {
        _cleanup_close_ int fd_o = fd_out, fd_e = fd_err;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        int *fds[_OUTPUT_STREAM_TYPE_MAX] = { &fd_o, &fd_e };
        bool exists[_OUTPUT_STREAM_TYPE_MAX];
        int r;

        if (!ctx || !ctx->spool_dir || !output_unit_name_valid(unit) || !output_stream_id_valid(stream_id))
                return -EINVAL;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++) {
                struct stat st;
                exists[t] = output_spool_exists(ctx->spool_dir, stream_id, output_stream_type_to_string(t));
                if (*fds[t] >= 0 && (fstat(*fds[t], &st) < 0 || !S_ISFIFO(st.st_mode))) {
                        io_logf(LOG_WARNING, "Descriptor handed over for %s of %s is not a pipe, ignoring it.",
                                output_stream_type_to_string(t), unit);
                        *fds[t] = safe_close(*fds[t]);
                }
        }
        if (!exists[0] && !exists[1] && fd_o < 0 && fd_e < 0)
                return -ENOENT;
        r = stream_new(ctx, unit, &s);
        if (r < 0)
                return r;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                if (exists[t] || *fds[t] >= 0) {
                        r = pipe_setup(s, t, TAKE_FD(*fds[t]));
                        if (r < 0)
                                return r;
                }
        r = stream_make_durable(s, stream_id, false);
        if (r < 0)
                return r;
        r = stream_recover(s);
        if (r < 0)
                return r;
        /* What the spool holds is logged from the event loop, so that output_set_pid() comes
         * first; a failure then pauses the stream and retries, as for any stream. */
        r = sd_event_add_defer(ctx->event, &s->adopt_source, stream_on_adopted, s);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int output_spool_list(OutputContext *ctx, char ***ret) {
        if (!ctx || !ret)
                return -EINVAL;
        if (!ctx->spool_dir) {
                char **l = calloc(1, sizeof *l);
                if (!l)
                        return -ENOMEM;
                *ret = l;
                return 0;
        }
        return output_spool_dir_list(ctx->spool_dir, ret);
}

int output_stream_pipe_fd(const OutputStream *s, OutputStreamType t) {
        if (!s || t < 0 || t >= _OUTPUT_STREAM_TYPE_MAX)
                return -EINVAL;
        return s->pipes[t].stream && s->pipes[t].fd >= 0 ? s->pipes[t].fd : -EBADF;
}

const char *output_stream_id(const OutputStream *s) {
        return s ? s->id : NULL;
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

/* A durable stream being freed: if its writers are gone (the unit ended), read the pipes to
 * EOF and log everything, so that no spool file is left. A pipe still written to, or whose
 * log cannot be written, keeps its files for the next daemon, partial line included. */
static void stream_free_durable(OutputStream *s) {
        s->drained_notified = true; /* no callback from inside the destructor */
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                s->child_fd[t] = safe_close(s->child_fd[t]);
        for (unsigned i = 0; i < OUTPUT_FREE_READS_MAX; i++) {
                bool progress = false;
                for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                        if (s->pipes[t].spool && pipe_read(&s->pipes[t]) > 0)
                                progress = true;
                if (!progress)
                        break;
        }
        if (!output_stream_drained(s) && stream_pump(s) < 0)
                io_logf(LOG_WARNING, "Leaving output of %s in its spool for later.", s->unit);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                s->pipes[t].spool = output_spool_free(s->pipes[t].spool);
}

OutputStream *output_stream_free(OutputStream *s) {
        if (!s)
                return NULL;
        if (s->id)
                stream_free_durable(s);
        /* Last chance for buffered records; a partial line is written as ended. */
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX && !s->id; t++)
                if (s->pipes[t].stream) {
                        s->pipes[t].eof = true;
                        if (s->pipes[t].raw_usec == 0)
                                s->pipes[t].raw_usec = now_realtime_usec();
                        (void) pipe_process(&s->pipes[t]);
                }
        if (!s->id && s->wlen > 0 && stream_flush(s) < 0)
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

/* ---- reading logs back ---- */

/* Finds where the last *need records of fd begin, taking no more than *budget bytes. Sets
 * *ret_start, lowers *need by the number of records taken (a final record without newline
 * counts) and *budget by their size. Returns 1 when the budget ended the search before the
 * file's first record or before *need records were found, else 0. */
static int log_scan_back(int fd, unsigned *need, uint64_t *budget, off_t *ret_start) {
        char buf[64 * 1024];
        struct stat st;
        off_t end, start;
        int capped = 0;

        if (fstat(fd, &st) < 0)
                return -errno;
        end = start = st.st_size;
        while (end > 0) {
                size_t chunk = (size_t) MIN((off_t) sizeof buf, end);
                ssize_t k = pread(fd, buf, chunk, end - (off_t) chunk);
                if (k < 0)
                        return -errno;
                if ((size_t) k != chunk)
                        return -EIO; /* truncated under us */
                for (size_t i = chunk; i > 0; i--) {
                        off_t q = end - (off_t) chunk + (off_t) (i - 1);
                        if (buf[i - 1] != '\n' || q == st.st_size - 1)
                                continue;
                        if ((uint64_t) (st.st_size - (q + 1)) > *budget) {
                                capped = 1;
                                goto done;
                        }
                        start = q + 1;
                        if (--*need == 0)
                                goto done;
                }
                end -= (off_t) chunk;
        }
        if (st.st_size > 0) { /* the file's first record */
                if ((uint64_t) st.st_size > *budget)
                        capped = 1;
                else {
                        start = 0;
                        --*need;
                }
        }
done:
        *budget -= (uint64_t) (st.st_size - start);
        *ret_start = start;
        return capped;
}

static int log_copy_from(int fd, off_t start, FILE *out) {
        char buf[64 * 1024];

        for (;;) {
                ssize_t k = pread(fd, buf, sizeof buf, start);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return 0;
                if (fwrite(buf, 1, (size_t) k, out) != (size_t) k)
                        return -EIO;
                start += k;
        }
}

int output_log_tail(const char *state_dir, const char *unit, unsigned n, uint64_t max_bytes, FILE *out) {
        int fds[OUTPUT_FILES_KEPT_MAX];
        off_t starts[OUTPUT_FILES_KEPT_MAX];
        unsigned nfiles = 0, need = n;
        uint64_t budget = max_bytes;
        bool found = false, capped = false;
        int r = 0;

        if (isempty(state_dir) || !output_unit_name_valid(unit) || !out)
                return -EINVAL;
        /* Newest first until enough records are found. UNIT.log may be missing for a moment
         * during rotation, so a missing UNIT.log does not end the search; a missing .N does. */
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX && need > 0 && !capped; i++) {
                char path[PATH_MAX];
                int fd;

                r = output_log_path(state_dir, unit, i, path, sizeof path);
                if (r < 0)
                        break;
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0 && errno == ENOENT && i == 0)
                        continue;
                if (fd < 0) {
                        r = errno == ENOENT ? 0 : -errno;
                        break;
                }
                found = true;
                fds[nfiles] = fd;
                r = log_scan_back(fd, &need, &budget, &starts[nfiles]);
                nfiles++;
                if (r < 0)
                        break;
                capped = r > 0;
                r = 0;
        }
        if (r >= 0 && !found) {
                /* Distinguish "no log at all" from "asked for nothing". */
                char path[PATH_MAX];
                if (output_log_path(state_dir, unit, 0, path, sizeof path) < 0 || faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) < 0)
                        r = -ENOENT;
        }
        for (unsigned i = nfiles; i > 0 && r >= 0; i--)
                r = log_copy_from(fds[i - 1], starts[i - 1], out);
        for (unsigned i = 0; i < nfiles; i++)
                safe_close(fds[i]);
        if (r >= 0 && fflush(out) != 0)
                r = -EIO;
        return r < 0 ? r : capped;
}

int output_log_remove(const char *state_dir, const char *unit) {
        int n = 0;

        if (isempty(state_dir) || !output_unit_name_valid(unit))
                return -EINVAL;
        /* UNIT.log may be missing for a moment during rotation: go on to .1 regardless. */
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX; i++) {
                char path[PATH_MAX];
                int r = output_log_path(state_dir, unit, i, path, sizeof path);

                if (r < 0)
                        return r;
                if (unlink(path) < 0) {
                        if (errno != ENOENT)
                                return -errno;
                        if (i > 0)
                                break;
                        continue;
                }
                n++;
        }
        return n;
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
