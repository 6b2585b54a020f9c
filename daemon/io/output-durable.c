/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durable output streams (output.h, "Durable output"): step 1 (pipe -> spool by splice), the
 * spool end of step 2 (spool -> records -> log -> checkpoint), opening, adoption and recovery.
 * The records themselves are made by the same code as for any stream (output.c).
 *
 * Invariants that make a SIGKILL at any instant harmless:
 *  - The log holds, at any moment, the records of the last checkpoint's log size, then at
 *    most one batch of records of one pipe that no checkpoint covers yet.
 *  - A batch never spans a rotation (output_pipe_process() ends it where the file is full),
 *    and a rotation is checkpointed before the new file gets its first record.
 *  - P moves only over bytes whose records are in the log; a partial line stays in the spool.
 * So recovery cuts the newest checkpoint's file back to its size and goes on from each
 * pipe's P: every line ends up in the log once.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "sys/io-log.h"
#include "io/output-durable.h"
#include "io/output-internal.h"
#include "io/output-log.h"
#include "io/output-spool.h"
#include "io/output.h"

/* Rounds of reading a durable stream's pipes when it is freed (each at most read_max bytes per
 * pipe): enough for what a full pipe holds, bounded when a writer goes on writing. */
#define OUTPUT_FREE_READS_MAX 64u

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
int output_pipe_commit(OutputPipe *p) {
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

        r = output_stream_log_open(s);
        if (r < 0)
                return r;
        if (fstat(s->log_fd, &st) < 0)
                return -errno;
        s->log_size = (uint64_t) st.st_size;
        return 0;
}

/* Step 2 for one pipe: spool -> records -> log -> checkpoint, in batches, until everything
 * spooled is logged (or something fails; then it continues from there on the next call). */
int output_pipe_pump_spool(OutputPipe *p) {
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
                        p->raw_usec = output_now_usec();
                }
                r = stream_log_refresh(s); /* pipe_record_fits() needs the file's size */
                if (r < 0)
                        return r;
                s->wbuf_pipe = p;
                r = output_pipe_process(p);
                if (r < 0)
                        return r;
                r = output_stream_flush(s);
                if (r >= 0)
                        r = output_pipe_commit(p);
                if (r < 0)
                        return r;
                if (p->raw_off == p->raw_len && p->spool_read == p->spool->size &&
                    !(output_pipe_at_end(p) && p->line_len > 0))
                        return 0;
        }
}

/* Both steps are done for good: the files go. */
void output_pipe_finish_spool(OutputPipe *p) {
        if (p->spool && p->fd < 0 && output_pipe_at_end(p) && p->line_len == 0 && p->raw_off == p->raw_len &&
            !(p->stream->wbuf_pipe == p && p->stream->wlen > 0)) {
                p->spool = output_spool_remove(p->spool);
                if (p->stream->wbuf_pipe == p)
                        p->stream->wbuf_pipe = NULL;
        }
}

/* Durable streams rotate only before the first record of a batch (output_pipe_process() ends a
 * batch where the file is full), so right after a rotation the old file holds exactly what
 * the last checkpoint says. Saying at once that the new file, still empty, is the one, keeps
 * a crash before the batch's own checkpoint from leaving its records in the new file twice. */
int output_stream_rotated_checkpoint(OutputStream *s) {
        OutputPipe *p = s->wbuf_pipe;

        if (!p || !p->spool)
                return 0;
        return pipe_checkpoint(p, p->spool->pos);
}

/* Step 1 of a durable pipe: at most read_max bytes from the pipe to the spool, then step 2. */
int output_pipe_splice(OutputPipe *p) {
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
                /* -EINVAL would mean a spool on a file system that cannot take splice(2)
                 * writes; every local one can (tmpfs, ext4, xfs, btrfs). There is no copying
                 * fallback: not supported. */
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
        return output_stream_pump(s) < 0 ? 0 : 1;
}

/* ---- durable streams: opening and adopting ---- */

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
        if (have_latest && !damaged) {
                r = output_log_cut(s->ctx->state_dir, s->unit, latest.log_ino, latest.log_size);
                if (r < 0)
                        io_logf_errno(LOG_WARNING, r, "Failed to cut the log of %s back to its checkpoint, ignoring: %m",
                                      s->unit);
                else if (r == 0)
                        io_logf(LOG_NOTICE, "Log file of the last output checkpoint of %s is gone; cutting nothing.",
                                s->unit);
        }
        r = output_stream_log_open(s);
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
                r = output_stream_log_open(s);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX && r >= 0; t++)
                if (s->pipes[t].spool)
                        r = output_spool_commit(s->pipes[t].spool, &s->ck_seq, s->log_ino, s->log_size, 0);
        if (r < 0) {
                /* Every spool opened here was created here (a file that existed before fails
                 * with -EEXIST and is not opened), so removing them touches nothing else. */
                for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                        s->pipes[t].spool = output_spool_remove(s->pipes[t].spool);
                return r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

static int stream_on_adopted(sd_event_source *src, void *userdata) {
        OutputStream *s = userdata;

        s->adopt_source = sd_event_source_disable_unref(s->adopt_source);
        (void) output_stream_pump(s);
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
        r = output_stream_new(ctx, unit, &s);
        if (r < 0)
                return r;
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                if (exists[t] || *fds[t] >= 0) {
                        r = output_pipe_setup(s, t, TAKE_FD(*fds[t]));
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

/* A durable stream being freed: if its writers are gone (the unit ended), read the pipes to
 * EOF and log everything, so that no spool file is left. A pipe still written to, or whose
 * log cannot be written, keeps its files for the next daemon, partial line included. */
void output_stream_free_durable(OutputStream *s) {
        s->drained_notified = true; /* no callback from inside the destructor */
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                s->child_fd[t] = safe_close(s->child_fd[t]);
        for (unsigned i = 0; i < OUTPUT_FREE_READS_MAX; i++) {
                bool progress = false;
                for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                        if (s->pipes[t].spool && output_pipe_read(&s->pipes[t]) > 0)
                                progress = true;
                if (!progress)
                        break;
        }
        if (!output_stream_drained(s) && output_stream_pump(s) < 0)
                io_logf(LOG_WARNING, "Leaving output of %s in its spool for later.", s->unit);
        for (OutputStreamType t = 0; t < _OUTPUT_STREAM_TYPE_MAX; t++)
                s->pipes[t].spool = output_spool_free(s->pipes[t].spool);
}
