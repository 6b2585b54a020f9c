/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The durable-stream steps that output.c's engine calls (see output-durable.c); the public
 * functions are declared in output.h.
 */
#pragma once

#include "io/output-internal.h"

/* Step 1: at most read_max bytes from the pipe to its spool, then output_stream_pump(). */
int output_pipe_splice(OutputPipe *p);
/* Step 2: spool -> records -> log -> checkpoint, until everything spooled is logged. */
int output_pipe_pump_spool(OutputPipe *p);
/* After a flush: checkpoints the records of p now in the log. */
int output_pipe_commit(OutputPipe *p);
/* Removes the spool files of a pipe that is done for good. */
void output_pipe_finish_spool(OutputPipe *p);
/* Called right after a rotation. */
int output_stream_rotated_checkpoint(OutputStream *s);
/* The durable part of output_stream_free(). */
void output_stream_free_durable(OutputStream *s);
