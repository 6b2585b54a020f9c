/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), for text that
 * must be valid UTF-8 where it goes: D-Bus strings and JSON.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* U+FFFD, which stands for bytes that are not text. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/* The length (1 to 4) of the well-formed UTF-8 sequence at the start of s[0..n), or 0 when
 * there is none there (n == 0, a stray continuation byte, an overlong form, a surrogate, a
 * code point above U+10FFFF, or a sequence cut short). A NUL byte is a sequence of length 1. */
size_t utf8_sequence_length(const char *s, size_t n);

/* Whether s[0..n) is well-formed UTF-8 without NUL bytes. */
bool utf8_is_valid_n(const char *s, size_t n);

/* A NUL-terminated copy of s[0..n) in which each byte that is not part of a well-formed
 * sequence, and each NUL byte, is replaced by U+FFFD. -ENOMEM. */
int utf8_sanitize(const char *s, size_t n, char **ret);
