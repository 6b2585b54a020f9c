/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Word splitting for directive values (ExecStart=, Environment=, lists), with the quoting
 * rules of systemd.syntax(7): double and single quotes group words, a backslash escapes the
 * next character, and with EXTRACT_CUNESCAPE the C escapes (\n, \t, \xNN, \NNN, \uXXXX, ...)
 * are decoded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ExtractFlags {
        EXTRACT_RELAX = 1u << 0,                    /* unterminated quote or trailing backslash
                                                     * ends the word instead of failing */
        EXTRACT_CUNESCAPE = 1u << 1,                /* decode C escapes */
        EXTRACT_UNESCAPE_RELAX = 1u << 2,           /* keep unknown escapes and a trailing
                                                     * backslash verbatim */
        EXTRACT_QUOTES = 1u << 3,                   /* "..." and '...' group and are removed */
        EXTRACT_DONT_COALESCE_SEPARATORS = 1u << 4, /* "a,,b" gives "a", "", "b"; a trailing
                                                     * separator gives no extra empty word */
        EXTRACT_RETAIN_ESCAPE = 1u << 5,            /* backslashes are ordinary characters */
} ExtractFlags;

/* systemd's newer name for the same flag. */
#define EXTRACT_UNQUOTE EXTRACT_QUOTES

/* Longest word we hand out; a longer one is -E2BIG. Values are bounded by the line limit
 * anyway, this keeps the helper safe for other callers. */
#define EXTRACT_WORD_MAX (1024u * 1024u)

/* Takes the first word from *p (separators default to whitespace when NULL) and advances *p
 * past it and the separators that follow. Returns 1 and the word in *ret, 0 when nothing is
 * left (*ret = NULL, *p = NULL), or -EINVAL for a bad escape or an unterminated quote or
 * trailing backslash (without EXTRACT_RELAX), -ENOMEM. */
int extract_first_word(const char **p, char **ret, const char *separators, unsigned flags);

/* Decodes one C escape starting right after the backslash at P (at most LENGTH bytes).
 * Stores the value in *ret_c and returns the number of characters consumed, or -EINVAL.
 * *ret_eight_bit is true when the value is a raw byte (\xNN, \NNN) rather than a code point
 * (\uXXXX, \UXXXXXXXX, letters). NUL is refused. */
int cunescape_one(const char *p, size_t length, uint32_t *ret_c, bool *ret_eight_bit);

/* Encodes code point C as UTF-8 into OUT (at least 4 bytes); returns the length. */
size_t utf8_encode(uint32_t c, char *out);
