/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

size_t utf8_sequence_length(const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        size_t len;

        if (n == 0)
                return 0;
        len = p[0] < 0x80                  ? 1
              : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
              : p[0] >= 0xe0 && p[0] <= 0xef ? 3
              : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
                                               : 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++)
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
        /* The second byte's range excludes overlong forms, surrogates and > U+10FFFF. */
        if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
            (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
                return 0;
        return len;
}

bool utf8_is_valid_n(const char *s, size_t n) {
        for (size_t i = 0; i < n;) {
                size_t len = utf8_sequence_length(s + i, n - i);
                if (len == 0 || s[i] == '\0')
                        return false;
                i += len;
        }
        return true;
}

int utf8_sanitize(const char *s, size_t n, char **ret) {
        const size_t rlen = strlen(UTF8_REPLACEMENT);
        char *out, *q;

        /* At most every byte becomes a replacement. */
        if (n > (SIZE_MAX - 1) / rlen)
                return -ENOMEM;
        out = q = malloc(n * rlen + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n;) {
                size_t len = utf8_sequence_length(s + i, n - i);
                if (len == 0 || s[i] == '\0') {
                        q = mempcpy(q, UTF8_REPLACEMENT, rlen);
                        i++;
                } else {
                        q = mempcpy(q, s + i, len);
                        i += len;
                }
        }
        *q = '\0';
        *ret = out;
        return 0;
}
