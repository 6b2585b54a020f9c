/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit name rules and escaping, following systemd.unit(5) (rules re-implemented). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex-util.h"
#include "macro.h"
#include "unit-file.h"
#include "unit-name.h"

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define VALID_CHARS ALNUM ":-_.\\"
#define VALID_CHARS_WITH_AT VALID_CHARS "@"
/* Characters that escaping leaves alone. */
#define PLAIN_CHARS ALNUM ":_."

static const char *const unit_name_flags_table[] = {
        [UNIT_NAME_PLAIN] = "plain",
        [UNIT_NAME_TEMPLATE] = "template",
        [UNIT_NAME_INSTANCE] = "instance",
};

const char *unit_name_flags_to_string(UnitNameFlags f) {
        if ((unsigned) f >= ELEMENTSOF(unit_name_flags_table))
                return NULL;
        return unit_name_flags_table[f];
}

/* The position of the suffix dot in N, or NULL when N does not end in exactly
 * ".service" with something before it. */
static const char *unit_name_suffix(const char *n) {
        size_t l = strlen(n), s = strlen(UNIT_NAME_SUFFIX);

        if (l <= s || !streq(n + l - s, UNIT_NAME_SUFFIX))
                return NULL;
        return n + l - s;
}

int unit_name_classify(const char *n) {
        const char *e, *at;

        if (isempty(n) || strlen(n) > UNIT_NAME_MAX)
                return -EINVAL;
        e = unit_name_suffix(n);
        if (!e)
                return -EINVAL;
        if (strspn(n, VALID_CHARS_WITH_AT) < (size_t) (e - n))
                return -EINVAL;
        at = memchr(n, '@', (size_t) (e - n));
        if (!at)
                return UNIT_NAME_PLAIN;
        if (at == n)
                return -EINVAL;
        return at + 1 == e ? UNIT_NAME_TEMPLATE : UNIT_NAME_INSTANCE;
}

bool unit_name_is_valid(const char *n, UnitNameFlags flags) {
        int k = unit_name_classify(n);
        return k >= 0 && (flags & (unsigned) k);
}

static int strndup_ret(const char *s, size_t n, char **ret) {
        char *c = strndup(s, n);
        if (!c)
                return -ENOMEM;
        *ret = c;
        return 0;
}

int unit_name_to_prefix(const char *n, char **ret) {
        const char *e, *at;

        if (unit_name_classify(n) < 0)
                return -EINVAL;
        e = unit_name_suffix(n);
        at = memchr(n, '@', (size_t) (e - n));
        return strndup_ret(n, (size_t) ((at ?: e) - n), ret);
}

int unit_name_to_instance(const char *n, char **ret) {
        int k = unit_name_classify(n);
        const char *at;

        if (k < 0 || k == UNIT_NAME_PLAIN)
                return -EINVAL;
        at = strchr(n, '@');
        return strndup_ret(at + 1, (size_t) (unit_name_suffix(n) - at - 1), ret);
}

int unit_name_to_stem(const char *n, char **ret) {
        if (unit_name_classify(n) < 0)
                return -EINVAL;
        return strndup_ret(n, (size_t) (unit_name_suffix(n) - n), ret);
}

int unit_name_template(const char *n, char **ret) {
        char *t;

        if (unit_name_classify(n) != UNIT_NAME_INSTANCE)
                return -EINVAL;
        if (asprintf(&t, "%.*s@" UNIT_NAME_SUFFIX, (int) strcspn(n, "@"), n) < 0)
                return -ENOMEM;
        *ret = t;
        return 0;
}

int unit_name_build_instance(const char *template_name, const char *instance, char **ret) {
        char *t;

        if (unit_name_classify(template_name) != UNIT_NAME_TEMPLATE || isempty(instance))
                return -EINVAL;
        if (asprintf(&t, "%.*s@%s" UNIT_NAME_SUFFIX, (int) strcspn(template_name, "@"),
                     template_name, instance) < 0)
                return -ENOMEM;
        if (unit_name_classify(t) != UNIT_NAME_INSTANCE) {
                free(t);
                return -EINVAL;
        }
        *ret = t;
        return 0;
}

/* Appends the escaped form of S to OUT (which has room for 4 bytes per input byte). */
static char *escape_into(char *out, const char *s) {
        static const char hex[] = "0123456789abcdef";

        for (const char *f = s; *f; f++) {
                unsigned char c = (unsigned char) *f;
                if (c == '/')
                        *out++ = '-';
                else if ((f == s && c == '.') || !strchr(PLAIN_CHARS, c)) {
                        *out++ = '\\';
                        *out++ = 'x';
                        *out++ = hex[c >> 4];
                        *out++ = hex[c & 15];
                } else
                        *out++ = (char) c;
        }
        *out = '\0';
        return out;
}

int unit_name_escape(const char *s, char **ret) {
        char *r = malloc(strlen(s) * 4 + 1);

        if (!r)
                return -ENOMEM;
        escape_into(r, s);
        *ret = r;
        return 0;
}

int unit_name_unescape(const char *s, char **ret) {
        _cleanup_free_ char *r = malloc(strlen(s) + 1);
        char *t = r;

        if (!r)
                return -ENOMEM;
        for (const char *f = s; *f; f++) {
                if (*f == '-')
                        *t++ = '/';
                else if (*f == '\\') {
                        int a, b;
                        if (f[1] != 'x' || (a = unhexchar(f[2])) < 0 ||
                            (b = unhexchar(f[3])) < 0 || (a == 0 && b == 0))
                                return -EINVAL;
                        *t++ = (char) (a << 4 | b);
                        f += 3;
                } else
                        *t++ = *f;
        }
        *t = '\0';
        *ret = TAKE_PTR(r);
        return 0;
}

int unit_name_path_escape(const char *path, char **ret) {
        _cleanup_free_ char *simple = malloc(strlen(path) + 1);
        char *t = simple, *r;

        if (!simple)
                return -ENOMEM;
        /* Squeeze repeated slashes and drop leading and trailing ones. */
        for (const char *f = path; *f; f++) {
                if (*f == '/' && (t == simple || t[-1] == '/'))
                        continue;
                *t++ = *f;
        }
        if (t > simple && t[-1] == '/')
                t--;
        *t = '\0';
        if (isempty(simple))
                return strndup_ret("-", 1, ret);
        r = malloc(strlen(simple) * 4 + 1);
        if (!r)
                return -ENOMEM;
        escape_into(r, simple);
        *ret = r;
        return 0;
}

int unit_name_path_unescape(const char *s, char **ret) {
        _cleanup_free_ char *u = NULL;
        char *r;
        int k;

        if (streq(s, "-") || isempty(s))
                return strndup_ret("/", 1, ret);
        k = unit_name_unescape(s, &u);
        if (k < 0)
                return k;
        if (u[0] == '/') {
                *ret = TAKE_PTR(u);
                return 0;
        }
        if (asprintf(&r, "/%s", u) < 0)
                return -ENOMEM;
        *ret = r;
        return 0;
}
