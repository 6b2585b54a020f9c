/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The files behind a durable output pipe (see "Durable output" in output.h): the spool
 * SPOOL_DIR/ID.spool, which receives the pipe's bytes by splice(2), and the checkpoint
 * SPOOL_DIR/ID.ck, which says how far the spool has been turned into log records.
 *
 * The checkpoint is one fixed-size binary record at offset 0, written with a single pwrite(2)
 * of OUTPUT_CHECKPOINT_SIZE bytes (all integers little-endian):
 *
 *     offset  0  u32  magic OUTPUT_CHECKPOINT_MAGIC
 *             4  u32  version OUTPUT_CHECKPOINT_VERSION
 *             8  u64  seq: increases with every checkpoint of the stream (both pipes share
 *                     one counter), so recovery knows which of the two was written last
 *            16  u64  inode of the log file the records went to
 *            24  u64  that log file's size after them
 *            32  u64  P: spool offset of the first byte not yet in a record
 *            40  u64  FNV-1a 64 hash of bytes 0..39
 *
 * A record that is empty means "no checkpoint yet"; one of any other size, or with a wrong
 * magic, version or hash, is damaged (torn by a power loss, overwritten by hand).
 *
 * This module knows files, not streams: output.c decides what P, the inode and the size are.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

#define OUTPUT_STREAM_ID_MAX 64u
#define OUTPUT_CHECKPOINT_SIZE 48u
#define OUTPUT_CHECKPOINT_MAGIC UINT32_C(0x6b435353) /* "SSCk" */
#define OUTPUT_CHECKPOINT_VERSION 1u
/* Once this much of a spool is consumed while a partial line keeps P below its end, the
 * consumed part is given back to the file system (a hole) so a spool never grows without
 * bound; offsets stay as they are. */
#define OUTPUT_SPOOL_PUNCH_BYTES (UINT64_C(1024) * 1024)
/* Entries of SPOOL_DIR looked at by output_spool_dir_list(). */
#define OUTPUT_SPOOL_DIR_ENTRIES_MAX 100000u

typedef struct OutputCheckpoint {
        uint64_t seq;
        uint64_t log_ino;
        uint64_t log_size;
        uint64_t pos;
} OutputCheckpoint;

typedef struct OutputSpool {
        int fd;          /* ID.spool, read-write, never O_APPEND (splice refuses it) */
        int ck_fd;       /* ID.ck */
        char *path, *ck_path;
        uint64_t size;   /* the spool's size: every byte that left the pipe and is not cut */
        uint64_t pos;    /* P of the last checkpoint written or read */
        uint64_t punched; /* bytes before this offset were punched out */
} OutputSpool;

/* [A-Za-z0-9_.@:-]{1,OUTPUT_STREAM_ID_MAX} */
bool output_stream_id_valid(const char *id);

/* Opens the spool files of ID = STREAM_ID.SUFFIX in dir (created 0700 if missing). With
 * create, both files must not exist yet (-EEXIST); without, missing files are created empty
 * and the spool's size comes from fstat(). */
int output_spool_open(const char *dir, const char *stream_id, const char *suffix, bool create, OutputSpool **ret);
/* True if either file of STREAM_ID.SUFFIX exists in dir. */
bool output_spool_exists(const char *dir, const char *stream_id, const char *suffix);
/* Closes the files, leaving them in place. */
OutputSpool *output_spool_free(OutputSpool *sp);
DEFINE_TRIVIAL_CLEANUP_FUNC(OutputSpool *, output_spool_free);
/* Unlinks both files (the spool first: a checkpoint without its spool recovers to nothing),
 * then frees. Returns NULL. */
OutputSpool *output_spool_remove(OutputSpool *sp);

/* Moves at most max bytes from pipe_fd to the spool's end. Returns the number moved, 0 at
 * EOF, -EAGAIN when the pipe is empty, or -errno. */
ssize_t output_spool_splice(OutputSpool *sp, int pipe_fd, size_t max);
/* Reads n bytes at off (which must lie within the spool). Returns the number read. */
ssize_t output_spool_read(OutputSpool *sp, void *buf, size_t n, uint64_t off);

/* Reads the checkpoint: 0 and *ret, -ENODATA when there is none yet, -EBADMSG when it is
 * damaged, or another -errno. */
int output_checkpoint_read(OutputSpool *sp, OutputCheckpoint *ret);
/* Writes ck with one pwrite(2) and sets sp->pos. */
int output_checkpoint_write(OutputSpool *sp, const OutputCheckpoint *ck);
/* Writes ck (with seq = ++*seq); then, if P reached the spool's end, truncates the spool to
 * 0 and writes a second checkpoint saying P = 0 (a crash in between leaves P > size, which
 * recovery reads as 0); else punches out what lies before P once that is worth it. */
int output_spool_commit(OutputSpool *sp, uint64_t *seq, uint64_t log_ino, uint64_t log_size, uint64_t pos);

/* The stream ids that have spool or checkpoint files in dir, each once. An empty strv when
 * there are none or dir does not exist. */
int output_spool_dir_list(const char *dir, char ***ret);
