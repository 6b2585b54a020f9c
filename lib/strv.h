/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NULL-terminated string vectors (char **), the representation of every list we parse. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char * const *l);
bool strv_contains(char * const *l, const char *s);
/* Append s, taking ownership of it (freed on failure too). */
int strv_consume(char ***l, char *s);
/* Append a copy of s. */
int strv_extend(char ***l, const char *s);
char **strv_copy(char * const *l);

#define STRV_FOREACH(s, l) for (char * const *s = (l); s && *s; s++)
