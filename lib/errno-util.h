/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * errno names and numbers, as written in unit files (SystemCallErrorNumber=EPERM, ~uname:EBADF).
 * Names come from glibc's own table (strerrorname_np), so every errno this libc knows is
 * accepted, plus the few aliases that share a number with another name.
 */
#pragma once

#include <stdbool.h>

/* Errno values a seccomp filter can return: SECCOMP_RET_DATA is 16 bits, but the kernel and
 * libc treat only -4095..-1 as errors, so anything above is refused. */
#define ERRNO_MAX 4095

/* "EPERM" -> 1. The alias names EWOULDBLOCK, EDEADLOCK and ENOTSUP are accepted too.
 * Returns the positive number, or -EINVAL if NAME is not an errno name. */
int errno_from_name(const char *name);

/* 1 -> "EPERM". NULL for numbers without a name (0, negative, unassigned). */
const char *errno_to_name(int n);

/* Parses an errno given as a name or as a decimal number. Numbers must lie in MIN..ERRNO_MAX
 * (MIN is 0 where "0" means fake success, 1 otherwise). Returns the number, or -EINVAL for an
 * unknown name or garbage, -ERANGE for a number out of range. */
int errno_parse(const char *s, int min);
