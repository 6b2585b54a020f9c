/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * extract_first_word(): a small state machine over the input (plain, in quotes, after a
 * backslash) that builds one word at a time. Shared by every directive whose value is a
 * list of words or a command line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hex-util.h"
#include "extract-word.h"
#include "macro.h"

#define WHITESPACE " \t\n\r"

/* Reads N hex digits from P into *ret. */
static int read_hex(const char *p, size_t length, size_t n, uint32_t *ret) {
        uint32_t v = 0;

        if (length < n)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                int d = unhexchar(p[i]);
                if (d < 0)
                        return -EINVAL;
                v = (v << 4) | (uint32_t) d;
        }
        *ret = v;
        return 0;
}

static bool unichar_is_valid(uint32_t c) {
        return c > 0 && c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff);
}

static const struct {
        char escape;
        char value;
} simple_escapes[] = {
        { 'a', '\a' }, { 'b', '\b' }, { 'f', '\f' }, { 'n', '\n' }, { 'r', '\r' },
        { 't', '\t' }, { 'v', '\v' }, { '\\', '\\' }, { '"', '"' }, { '\'', '\'' },
        { 's', ' ' },
};

int cunescape_one(const char *p, size_t length, uint32_t *ret_c, bool *ret_eight_bit) {
        uint32_t v;

        if (length < 1)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(simple_escapes); i++)
                if (p[0] == simple_escapes[i].escape) {
                        *ret_c = (uint32_t) (unsigned char) simple_escapes[i].value;
                        *ret_eight_bit = false;
                        return 1;
                }

        switch (p[0]) {
        case 'x':
                if (read_hex(p + 1, length - 1, 2, &v) < 0 || v == 0)
                        return -EINVAL;
                *ret_c = v;
                *ret_eight_bit = true;
                return 3;
        case 'u':
        case 'U': {
                size_t n = p[0] == 'u' ? 4 : 8;
                if (read_hex(p + 1, length - 1, n, &v) < 0 || !unichar_is_valid(v))
                        return -EINVAL;
                *ret_c = v;
                *ret_eight_bit = false;
                return (int) n + 1;
        }
        case '0' ... '7':
                /* Exactly three octal digits, at most \377. */
                if (length < 3 || p[1] < '0' || p[1] > '7' || p[2] < '0' || p[2] > '7')
                        return -EINVAL;
                v = (uint32_t) ((p[0] - '0') << 6 | (p[1] - '0') << 3 | (p[2] - '0'));
                if (v == 0 || v > 255)
                        return -EINVAL;
                *ret_c = v;
                *ret_eight_bit = true;
                return 3;
        default:
                return -EINVAL;
        }
}

size_t utf8_encode(uint32_t c, char *out) {
        if (c < 0x80) {
                out[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char) (0xc0 | (c >> 6));
                out[1] = (char) (0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char) (0xe0 | (c >> 12));
                out[1] = (char) (0x80 | ((c >> 6) & 0x3f));
                out[2] = (char) (0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char) (0xf0 | (c >> 18));
        out[1] = (char) (0x80 | ((c >> 12) & 0x3f));
        out[2] = (char) (0x80 | ((c >> 6) & 0x3f));
        out[3] = (char) (0x80 | (c & 0x3f));
        return 4;
}

/* The word under construction. The buffer always has room for the terminating NUL. */
typedef struct Word {
        char *s;
        size_t n, allocated;
} Word;

static int word_reserve(Word *w, size_t more) {
        if (w->n + more > EXTRACT_WORD_MAX)
                return -E2BIG;
        return GREEDY_REALLOC(w->s, w->allocated, w->n + more + 1);
}

static int word_append(Word *w, const char *bytes, size_t n) {
        int r = word_reserve(w, n);
        if (r < 0)
                return r;
        memcpy(w->s + w->n, bytes, n);
        w->n += n;
        w->s[w->n] = '\0';
        return 0;
}

/* Handles the character C that follows a backslash at *q. Advances *q past whatever it
 * consumed beyond C itself. */
static int word_append_escaped(Word *w, const char **q, unsigned flags) {
        const char *e = *q;
        char buf[4];
        uint32_t c;
        bool eight_bit;
        int k;

        if (!(flags & EXTRACT_CUNESCAPE))
                return word_append(w, e, 1);

        k = cunescape_one(e, strlen(e), &c, &eight_bit);
        if (k < 0) {
                if (!(flags & EXTRACT_UNESCAPE_RELAX))
                        return -EINVAL;
                /* Keep the unknown escape as written. */
                return word_append(w, e - 1, 2);
        }
        *q = e + k - 1;
        if (eight_bit) {
                buf[0] = (char) c;
                return word_append(w, buf, 1);
        }
        return word_append(w, buf, utf8_encode(c, buf));
}

/* Trailing backslash or unterminated quote at the end of the input. */
static int word_at_end_in_escape(Word *w, bool in_quote, unsigned flags) {
        if ((flags & EXTRACT_UNESCAPE_RELAX) && (!in_quote || (flags & EXTRACT_RELAX)))
                return word_append(w, "\\", 1);
        if (flags & EXTRACT_RELAX)
                return 0;
        return -EINVAL;
}

static const char *skip_separators(const char *q, const char *separators) {
        while (*q && strchr(separators, *q))
                q++;
        return q;
}

int extract_first_word(const char **p, char **ret, const char *separators, unsigned flags) {
        Word w = {};
        const char *q;
        char quote = 0;
        bool backslash = false;
        int r = 0;

        if (!separators)
                separators = WHITESPACE;
        if (!*p) {
                *ret = NULL;
                return 0;
        }
        q = *p;
        if (!(flags & EXTRACT_DONT_COALESCE_SEPARATORS))
                q = skip_separators(q, separators);
        if (*q == '\0') {
                *p = NULL;
                *ret = NULL;
                return 0;
        }
        /* A word exists from here on, even if it turns out empty ("" or ,,). */
        r = word_reserve(&w, 0);
        if (r < 0)
                return r;
        w.s[0] = '\0';

        for (;; q++) {
                char c = *q;

                if (backslash) {
                        backslash = false;
                        if (c == '\0') {
                                r = word_at_end_in_escape(&w, quote != 0, flags);
                                goto end_of_input;
                        }
                        r = word_append_escaped(&w, &q, flags);
                } else if (quote) {
                        if (c == '\0') {
                                r = (flags & EXTRACT_RELAX) ? 0 : -EINVAL;
                                goto end_of_input;
                        }
                        if (c == quote)
                                quote = 0;
                        else if (c == '\\' && !(flags & EXTRACT_RETAIN_ESCAPE))
                                backslash = true;
                        else
                                r = word_append(&w, q, 1);
                } else {
                        if (c == '\0')
                                goto end_of_input;
                        if ((c == '"' || c == '\'') && (flags & EXTRACT_QUOTES))
                                quote = c;
                        else if (c == '\\' && !(flags & EXTRACT_RETAIN_ESCAPE))
                                backslash = true;
                        else if (strchr(separators, c))
                                break;
                        else
                                r = word_append(&w, q, 1);
                }
                if (r < 0)
                        goto fail;
        }

        /* Stopped at a separator: step over it (and its friends, when coalescing). */
        q++;
        if (!(flags & EXTRACT_DONT_COALESCE_SEPARATORS)) {
                q = skip_separators(q, separators);
                if (*q == '\0')
                        q = NULL;
        }
        *p = q;
        *ret = w.s;
        return 1;

end_of_input:
        if (r < 0)
                goto fail;
        *p = NULL;
        *ret = w.s;
        return 1;

fail:
        free(w.s);
        return r;
}
