/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Service output capture.
 *
 * For every started service, output_open() prepares the two file descriptors the child gets
 * as stdout and stderr. In the default mode each one is the write end of its own pipe; the
 * daemon keeps the read ends (non-blocking, watched by sd-event) and turns what arrives into
 * timestamped records in STATE_DIR/logs/UNIT.log. Other modes (inherit, null, file:, append:,
 * truncate:, journal) hand the child a file descriptor directly and nothing is read.
 *
 * Log file format: one record per line, fields separated by single spaces,
 *
 *     2026-11-22T12:34:56.123456Z UNIT[PID] STREAM: TEXT
 *
 * TIMESTAMP is UTC with microseconds, taken when the daemon read the bytes. UNIT is the unit
 * name (never contains spaces or '/'), PID the main pid set with output_set_pid() (0 before).
 * STREAM is "stdout" or "stderr", followed by one marker character before the colon:
 *
 *     "stdout:"   the service wrote TEXT followed by a newline;
 *     "stdout+:"  TEXT is a piece of a line longer than the line cap; the line goes on in the
 *                 next record of the same stream (concatenate the pieces, no separator);
 *     "stdout~:"  the stream ended (EOF) after TEXT with no final newline.
 *
 * TEXT is the service's bytes, unchanged except that it never contains '\n' (that is what
 * ends a record). So a reader finds the text after the first ": " following "] ", and
 * `syscagectl logs -n N` is "the last N lines" of the file set.
 *
 * Rotation: before a record would make UNIT.log larger than max_file_bytes, UNIT.log becomes
 * UNIT.log.1, .1 becomes .2, and so on; files_kept counts all files including UNIT.log, so
 * the oldest kept is UNIT.log.(files_kept-1). Records are never split across files. A single
 * record larger than max_file_bytes (possible only if line_max exceeds it) gets its own file.
 *
 * Following a log (`logs -f`): read UNIT.log to its end, then watch it (inotify IN_MODIFY on
 * the file, IN_MOVE_SELF / IN_CREATE in logs/ for rotation); after a rotation, finish the
 * renamed file through the open descriptor and continue with the new UNIT.log from offset 0.
 * A record is written in one batch with others, but may in rare cases (a short write, a full
 * disk) reach the file in two pieces; a follower should print only up to the last '\n'.
 *
 * One stream per unit at a time: two live streams of the same unit (an old instance still
 * draining while a new one starts) would both append to UNIT.log and rotate independently,
 * so records of one may land in UNIT.log.1. Nothing is lost, but the order across files can
 * be off for that overlap.
 *
 * Backpressure: each pipe is read at most read_max bytes per event-loop iteration. What was
 * read is formatted into a buffer and written to the log file in one batch. If writing fails
 * (ENOSPC, EIO, ...), the buffer is kept, both pipes of the stream stop being read (so the
 * pipe fills and the service blocks in write()), the failure is logged once, and a timer
 * retries every retry_usec. Data that was read is never dropped.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"

/* Named limits and defaults. */
#define OUTPUT_MAX_FILE_BYTES_DEFAULT (UINT64_C(1024) * 1024)
#define OUTPUT_FILES_KEPT_DEFAULT 5u
#define OUTPUT_FILES_KEPT_MAX 1000u
#define OUTPUT_LINE_MAX_DEFAULT ((size_t) 4096)
#define OUTPUT_LINE_MAX_MIN ((size_t) 64)
#define OUTPUT_LINE_MAX_MAX ((size_t) 1024 * 1024)
#define OUTPUT_READ_MAX_DEFAULT ((size_t) 64 * 1024)
#define OUTPUT_RETRY_USEC_DEFAULT (UINT64_C(1000) * 1000)
#define OUTPUT_UNIT_NAME_MAX 255u

typedef enum OutputMode {
        OUTPUT_LOG,      /* default: pipe to the daemon, per-unit log file */
        OUTPUT_INHERIT,  /* the daemon's own stdout/stderr */
        OUTPUT_NULL,     /* /dev/null */
        OUTPUT_FILE,     /* file:PATH, no truncation, written from offset 0; a FIFO
                          * without a reader fails with -ENXIO instead of blocking */
        OUTPUT_APPEND,   /* append:PATH */
        OUTPUT_TRUNCATE, /* truncate:PATH */
        OUTPUT_JOURNAL,  /* journald stream (sd_journal_stream_fd, a local connect) when
                          * /run/systemd/journal/socket exists, else OUTPUT_LOG with a
                          * warning logged once per context */
        _OUTPUT_MODE_MAX,
        _OUTPUT_MODE_INVALID = -EINVAL,
} OutputMode;

typedef enum OutputStreamType {
        OUTPUT_STDOUT,
        OUTPUT_STDERR,
        _OUTPUT_STREAM_TYPE_MAX,
} OutputStreamType;

const char *output_mode_to_string(OutputMode m);
int output_mode_from_string(const char *s);
const char *output_stream_type_to_string(OutputStreamType t);

/* Splits a StandardOutput=/StandardError= value ("null", "file:/x", ...) into mode and path.
 * *ret_path points into s (NULL for modes without a path). -EINVAL for unknown values or a
 * path that is missing or not absolute. */
int output_mode_parse(const char *s, OutputMode *ret_mode, const char **ret_path);

/* Replaces write(2) for the log file, for tests that simulate a full disk. Same contract as
 * write(2): returns bytes written or -1 with errno set. */
typedef ssize_t (*OutputWriteFunc)(int fd, const void *buf, size_t n, void *userdata);

typedef struct OutputContext {
        sd_event *event;
        char *state_dir;          /* logs go to state_dir/logs/ */
        uint64_t max_file_bytes;  /* rotate before a file grows past this */
        unsigned files_kept;      /* UNIT.log plus UNIT.log.1 .. .(files_kept-1) */
        size_t line_max;          /* longer lines are split into pieces of this size */
        size_t read_max;          /* bytes read per pipe per event-loop iteration */
        uint64_t retry_usec;      /* retry interval after a failed log write */
        OutputWriteFunc write_func;
        void *write_userdata;
        int journal_state;        /* 0 unknown, 1 available, -1 not running (warned once) */
        char *spool_dir;          /* durable streams (below); NULL: none. Owned. */
        /* Called when a rotation opened a new UNIT.log, after the old one was renamed: the
         * followers of the log are told of the new file (the control plane). */
        void (*rotated_func)(const char *unit, void *userdata);
        void *rotated_userdata;
} OutputContext;

int output_context_new(sd_event *event, const char *state_dir, OutputContext **ret);
OutputContext *output_context_free(OutputContext *ctx);
DEFINE_TRIVIAL_CLEANUP_FUNC(OutputContext *, output_context_free);

typedef struct OutputStream OutputStream;

/* Prepares output for one service start. On success the stream holds the descriptors for
 * the child's fd 1 and 2 (output_stream_child_fd(); O_CLOEXEC in the daemon: the child
 * dup2()s them). out_path/err_path are used by the file modes only. The stream must not outlive ctx. */
int output_open(OutputContext *ctx, const char *unit,
                OutputMode out_mode, const char *out_path,
                OutputMode err_mode, const char *err_path,
                OutputStream **ret);

/* The descriptor the child gets as fd 1 (OUTPUT_STDOUT) or fd 2 (OUTPUT_STDERR); -EBADF
 * after output_child_fds_close(). Still owned by the stream. */
int output_stream_child_fd(const OutputStream *s, OutputStreamType t);

/* Closes the child-side descriptors in the daemon; call right after fork. */
void output_child_fds_close(OutputStream *s);
/* Sets the pid shown in log records. */
void output_set_pid(OutputStream *s, pid_t pid);
/* Reads what the pipes hold now, without waiting, into the log. Call when a process that
 * wrote to them exited, so what it wrote is logged before its exit is acted on. */
void output_stream_read_now(OutputStream *s);
/* True once every pipe of the stream reached EOF and everything read is in the log file. */
bool output_stream_drained(const OutputStream *s);
/* True while reading is paused because the log file could not be written. */
bool output_stream_paused(const OutputStream *s);
/* Called once when the stream becomes drained. */
typedef void (*OutputDrainedFunc)(OutputStream *s, void *userdata);
void output_stream_set_drained_callback(OutputStream *s, OutputDrainedFunc f, void *userdata);
/* Tries once to write what is buffered (no wait), then releases everything. */
OutputStream *output_stream_free(OutputStream *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(OutputStream *, output_stream_free);

/* ---- Durable output: surviving a crash or re-exec of the daemon ----
 *
 * With ctx->spool_dir set (the daemon sets RUNTIME_DIR/output), a pipe opened by
 * output_open_durable() moves its bytes in two steps, so that a SIGKILL of the daemon at any
 * instant loses no byte and logs none twice:
 *
 *   1. splice(2) from the pipe to the end of its spool file SPOOL_DIR/ID.spool. The kernel
 *      moves the bytes; the spool's size is exactly what left the pipe, whenever we die.
 *   2. Records are formatted from the spool, from offset P, and appended to the log. Then the
 *      checkpoint SPOOL_DIR/ID.ck is overwritten in place with one small pwrite(2): the log
 *      file's inode and its size after the records, and the new P (only whole lines advance
 *      P; a partial line stays in the spool). When P reaches the spool's size, the spool is
 *      truncated to 0 and the checkpoint says P = 0.
 *
 * Recovery (output_adopt()): read the checkpoint; cut the log file named by its inode (UNIT.log
 * or a rotated UNIT.log.N) back to the checkpoint's size, dropping records written after it;
 * if P > the spool's size, the spool was truncated after the checkpoint: P = 0. Then go on
 * from step 2 with whatever the spool holds, and from step 1 with the pipe. ID is
 * "STREAM_ID.stdout" or "STREAM_ID.stderr"; STREAM_ID is [A-Za-z0-9_.@:-]{1,64}.
 *
 * Records written again after a crash have new timestamps; their text and order are exact.
 * A checkpoint that is damaged (torn by a power loss, overwritten) is reported with a
 * warning; then nothing is cut and that spool is logged again from offset 0, so some lines
 * may appear twice: never lost. The cut also drops whatever else reached that log file after
 * the checkpoint: the daemon's own lines, and the records of another stream of the same unit
 * (the overlap described above), which that stream's own recovery does not write again. A
 * StandardOutput=journal stream is journald's and needs none of this. */

/* As output_open(), for a stream that can be adopted: stream_id names its spool files. */
int output_open_durable(OutputContext *ctx, const char *unit, const char *stream_id,
                        OutputMode out_mode, const char *out_path,
                        OutputMode err_mode, const char *err_path,
                        OutputStream **ret);
/* The read end of a pipe of the stream (for the fd holder), -EBADF if t is not a pipe. Still
 * owned by the stream. */
int output_stream_pipe_fd(const OutputStream *s, OutputStreamType t);
/* A mark for the owner: the stream's pipes were taken back from the fd holder. */
bool output_stream_released(const OutputStream *s);
void output_stream_set_released(OutputStream *s);
/* The stream's id as given to output_open_durable(), NULL for an output_open() stream. */
const char *output_stream_id(const OutputStream *s);
/* Takes over the stream STREAM_ID of UNIT after a crash or re-exec: recovers as above, then
 * reads the pipes fd_out and fd_err (each owned from now on; -EBADF for a pipe that is gone
 * or was never a pipe: its spool is still finished). Returns -ENOENT when there are no spool
 * files for stream_id and both fds are -EBADF. */
int output_adopt(OutputContext *ctx, const char *unit, const char *stream_id, int fd_out, int fd_err,
                 OutputStream **ret);
/* The stream ids with spool files in ctx->spool_dir (a strv), for finishing streams nobody
 * adopted. */
int output_spool_list(OutputContext *ctx, char ***ret);
/* Deletes the spool and checkpoint files of stream_id (both pipes). */
void output_spool_discard(OutputContext *ctx, const char *stream_id);

/* Writes the last n records of a unit's log (across rotated files, oldest first) to out, but
 * never more than max_bytes: when the last n records are larger, only the newest whole
 * records that fit are written. Returns 1 when records were left out for max_bytes, 0 when
 * all n (or all there are) were written, -ENOENT when the unit has no log, -EINVAL for a bad
 * unit name. Reads at most 64 KiB at a time, so memory use is max_bytes in out at most. */
int output_log_tail(const char *state_dir, const char *unit, unsigned n, uint64_t max_bytes, FILE *out);

/* For a follower of the log (`logs -f`): opens read-only (O_NONBLOCK) the unit's log files
 * that are newer than the one with inode after_ino, oldest first, the last being UNIT.log,
 * at most max of them (the oldest ones, when there are more). With after_ino 0, or when no
 * file has that inode (it was rotated away past files_kept), the files opened are the oldest
 * there are, and *ret_found is false. Stores the fds in ret_fds and returns their number (0:
 * no log, or after_ino is UNIT.log itself), or -errno. */
int output_log_open_after(const char *state_dir, const char *unit, uint64_t after_ino, int *ret_fds,
                          size_t max, bool *ret_found);

/* Deletes a unit's log: UNIT.log and the rotated UNIT.log.1, .2, ... up to the first missing
 * one. A reader that has the file open (`logs -f`) reads on to its end. Returns the number of
 * files deleted, -EINVAL for a bad unit name, or the first error other than ENOENT. */
int output_log_remove(const char *state_dir, const char *unit);
/* Opens STATE_DIR/logs/UNIT.log for appending, creating it (0640) and logs/ (0750) as needed.
 * Returns the fd or -errno. */
int output_log_open(const char *state_dir, const char *unit);

/* The timestamp of a log record, "2026-11-22T12:34:56.123456Z" (UTC, microseconds): the one
 * format of every line in a unit's log, the service's and the daemon's own. */
int output_format_timestamp(uint64_t usec, char *buf, size_t size);
