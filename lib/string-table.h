/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Enum <-> string tables (STYLE.md: every enum has one). A table is an array of strings
 * indexed by the enum; NAME_to_string() returns NULL outside it, NAME_from_string() returns
 * the index, or -EINVAL for an unknown (or NULL) string.
 */
#pragma once

#include <stddef.h>

#include "macro.h"

/* Index of S among the non-NULL entries of TABLE[0..N), or -EINVAL. */
int string_table_lookup(const char *const *table, size_t n, const char *s);

/* Defines NAME_to_string(TYPE) and int NAME_from_string(const char *) for TABLE[MAX]. */
#define DEFINE_STRING_TABLE_LOOKUP(name, type, table, max)                                \
        const char *name##_to_string(type v) {                                            \
                return (int) v >= 0 && (int) v < (int) (max) ? (table)[v] : NULL;         \
        }                                                                                 \
        int name##_from_string(const char *s) {                                           \
                return string_table_lookup((table), (max), s);                            \
        }

/* The same, with the table itself: DEFINE_STRING_TABLE(foo, Foo, _FOO_MAX, [FOO_A] = "a"). */
#define DEFINE_STRING_TABLE(name, type, max, ...)                                         \
        static const char *const name##_table[max] = { __VA_ARGS__ };                    \
        DEFINE_STRING_TABLE_LOOKUP(name, type, name##_table, max)
