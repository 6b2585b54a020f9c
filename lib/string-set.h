/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A set of strings that keeps the order they were added in: an array for the order (and for
 * iteration, NULL-terminated like a strv) and a hash index for the membership test, so that
 * adding N strings costs O(N). The set owns copies of its strings. A zeroed StringSet is an
 * empty one.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "hashmap.h"

typedef struct StringSet {
        char **items;            /* NULL-terminated once one was added; NULL while empty */
        size_t n, allocated;
        Hashmap *index;          /* the same strings, for string_set_contains() */
} StringSet;

/* Adds a copy of S unless it is there already. Returns 1 when added, 0 when present,
 * -ENOMEM. */
int string_set_add(StringSet *set, const char *s);
bool string_set_contains(const StringSet *set, const char *s);
/* Frees the strings and leaves SET empty. */
void string_set_done(StringSet *set);
