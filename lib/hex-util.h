/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hexadecimal digits, for the parsers that decode escapes (\xNN, unit name escapes, audit
 * records). */
#pragma once

#include <errno.h>

/* The value of one hexadecimal digit, either case; -EINVAL for anything else. */
static inline int unhexchar(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}
