/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human messages that accompany -errno returns. */
#include <stdarg.h>
#include <stdio.h>

#include "message.h"

int set_message_errno(char **ret_message, int error, const char *fmt, ...) {
        va_list ap;

        if (!ret_message)
                return error;
        va_start(ap, fmt);
        if (vasprintf(ret_message, fmt, ap) < 0)
                *ret_message = NULL;
        va_end(ap);
        return error;
}
