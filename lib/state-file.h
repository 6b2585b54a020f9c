/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durable state files: what a new syscaged needs to take over from one that crashed or
 * re-executed (daemon/core/unit-serialize.c decides the keys). Pure code: no logging, no
 * process knowledge. The format is plain text so an operator can read it:
 *
 *     syscage-state VERSION
 *     KEY=VALUE
 *     ...
 *     end CHECKSUM
 *
 * KEY is [a-z0-9_.-]{1,STATE_KEY_MAX}. VALUE is any bytes, escaped: '\\' as "\\\\", '\n' as
 * "\\n", and every byte below 0x20 or 0x7f as "\\xHH"; nothing else is escaped. Keys may
 * repeat (lists); order is kept. CHECKSUM is the 16 lower-case hex digits of the 64-bit
 * FNV-1a hash of every byte before the "end" line, so a truncated or edited file is refused
 * as a whole, never half-read.
 *
 * Writing is atomic: a temporary file in the same directory, then rename(2) over the old one,
 * without fsync (the files must outlive their writer, not the machine).
 * Reading refuses (with -EBADMSG and a reason) a missing header, an unknown VERSION
 * (-EPROTONOSUPPORT), a bad line, a bad escape, a missing or wrong "end" line, more than
 * STATE_ENTRIES_MAX entries or a file larger than STATE_FILE_MAX.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define STATE_FILE_VERSION 1u
#define STATE_FILE_MAX (1024u * 1024u)
#define STATE_ENTRIES_MAX 4096u
#define STATE_KEY_MAX 64u
#define STATE_VALUE_MAX (256u * 1024u)   /* a transient unit's text fits */
#define STATE_REASON_MAX 128u

/* The key of signed files (the _keyed functions): with it, the end line holds the
 * SipHash-2-4 of the bytes before it instead of their FNV-1a, so a file made without the key
 * is refused ("checksum mismatch") like a damaged one. */
typedef struct StateKey {
        uint8_t bytes[16];
} StateKey;

typedef struct StateEntry {
        char *key;
        char *value;     /* unescaped; may contain any byte but NUL */
} StateEntry;

typedef struct StateFile {
        StateEntry *entries;
        size_t n, allocated;
} StateFile;

void state_file_done(StateFile *s);

/* Appending. -EINVAL for a bad key, or a value with a NUL (the _bytes variant) or longer
 * than STATE_VALUE_MAX; -E2BIG past STATE_ENTRIES_MAX. */
int state_file_add(StateFile *s, const char *key, const char *value);
int state_file_addf(StateFile *s, const char *key, const char *fmt, ...) _printf_(3, 4);
int state_file_add_u64(StateFile *s, const char *key, uint64_t v);
int state_file_add_i64(StateFile *s, const char *key, int64_t v);
int state_file_add_bool(StateFile *s, const char *key, bool v);

/* Lookup: the first entry with key, NULL if none. For lists, iterate s->entries. */
const char *state_file_get(const StateFile *s, const char *key);
/* Typed getters: 0 and the value, -ENOENT when absent, -EINVAL when malformed (out of range,
 * trailing garbage). The value is left alone on error. */
int state_file_get_u64(const StateFile *s, const char *key, uint64_t *ret);
int state_file_get_i64(const StateFile *s, const char *key, int64_t *ret);
int state_file_get_bool(const StateFile *s, const char *key, bool *ret);

/* Serialises into a malloc'ed buffer (*ret, *ret_size). */
int state_file_format(const StateFile *s, char **ret, size_t *ret_size);
int state_file_format_keyed(const StateFile *s, const StateKey *key, char **ret, size_t *ret_size);
/* Parses buf (not NUL-terminated necessarily). On error returns -errno and, if reason is
 * given, a short English reason with the line number ("line 7: bad escape"). */
int state_file_parse(const char *buf, size_t size, StateFile *ret, char reason[STATE_REASON_MAX]);
int state_file_parse_keyed(const char *buf, size_t size, const StateKey *key, StateFile *ret,
                           char reason[STATE_REASON_MAX]);

/* File helpers, relative to an O_DIRECTORY fd. write: atomic (temp name ".#NAME.XXXXXX", mode
 * 0600, rename over NAME). read: -ENOENT if absent, else as state_file_parse(). */
int state_file_write_at(int dir_fd, const char *name, const StateFile *s);
int state_file_read_at(int dir_fd, const char *name, StateFile *ret, char reason[STATE_REASON_MAX]);
int state_file_write_at_keyed(int dir_fd, const char *name, const StateFile *s, const StateKey *key);
int state_file_read_at_keyed(int dir_fd, const char *name, const StateKey *key, StateFile *ret,
                             char reason[STATE_REASON_MAX]);
