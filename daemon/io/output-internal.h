/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inside of an output stream, shared by output.c (the engine: pipes, line assembly,
 * records, the log file, the event loop) and output-durable.c (spool and checkpoints). Not
 * for use outside daemon/io/output*.c.
 */
#pragma once

#include "io/output-spool.h"
#include "io/output.h"

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

int output_stream_new(OutputContext *ctx, const char *unit, OutputStream **ret);
/* Sets up reading the pipe read end fd (owned from now on); fd < 0: a pipe at EOF already. */
int output_pipe_setup(OutputStream *s, OutputStreamType t, int fd);
int output_stream_log_open(OutputStream *s);
int output_stream_flush(OutputStream *s);
int output_pipe_process(OutputPipe *p);
bool output_pipe_at_end(const OutputPipe *p);
int output_pipe_read(OutputPipe *p);
int output_stream_pump(OutputStream *s);
uint64_t output_now_usec(void);
