/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's operations fail with -errno plus a human message for the caller to show (the
 * control plane returns it to the client). This sets that message.
 */
#pragma once

#include "macro.h"

/* Sets *RET_MESSAGE (when RET_MESSAGE is not NULL) to the formatted text, or to NULL when out
 * of memory, and returns ERROR (0 or -errno), so a failing path can "return
 * set_message_errno(ret_message, -EINVAL, ...)". */
int set_message_errno(char **ret_message, int error, const char *fmt, ...) _printf_(3, 4);
#define set_message(ret_message, ...) set_message_errno((ret_message), 0, __VA_ARGS__)
