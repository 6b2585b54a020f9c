/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* errno names <-> numbers, backed by glibc's strerrorname_np() and a short alias table. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "errno-util.h"
#include "macro.h"

/* Names that strerrorname_np() never returns because another name owns the number. */
static const struct {
        const char *name;
        int value;
} errno_aliases[] = {
        { "EWOULDBLOCK", EWOULDBLOCK },
        { "EDEADLOCK", EDEADLOCK },
        { "ENOTSUP", ENOTSUP },
};

const char *errno_to_name(int n) {
        if (n <= 0 || n > ERRNO_MAX)
                return NULL;
        return strerrorname_np(n);
}

int errno_from_name(const char *name) {
        if (isempty(name))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(errno_aliases); i++)
                if (streq(errno_aliases[i].name, name))
                        return errno_aliases[i].value;
        for (int n = 1; n <= ERRNO_MAX; n++) {
                const char *s = strerrorname_np(n);
                if (s && streq(s, name))
                        return n;
        }
        return -EINVAL;
}

int errno_parse(const char *s, int min) {
        char *end;
        long v;

        if (isempty(s))
                return -EINVAL;
        if (s[0] < '0' || s[0] > '9')
                return errno_from_name(s);
        errno = 0;
        v = strtol(s, &end, 10);
        if (*end != '\0')
                return -EINVAL;
        if (errno == ERANGE || v < min || v > ERRNO_MAX)
                return -ERANGE;
        return (int) v;
}
