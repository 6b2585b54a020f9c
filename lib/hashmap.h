/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A map from strings to pointers: open addressing with linear probing and backward-shift
 * deletion (no tombstones), grown at 3/4 load. Keys are borrowed, not copied: a key must stay
 * valid and unchanged while its entry is in the map (the usual case: the key is the name
 * stored inside the value). Values are never freed by the map.
 *
 * Iteration order is unspecified. The map must not change while it is being iterated; to
 * empty it while freeing values, loop on hashmap_steal_first().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef struct Hashmap Hashmap;

/* Hard cap on entries, so one map cannot grow without bound. */
#define HASHMAP_ENTRIES_MAX (1U << 24)

Hashmap *hashmap_new(void);
/* Frees the map, not the keys or values. Returns NULL. */
Hashmap *hashmap_free(Hashmap *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(Hashmap *, hashmap_free);
#define _cleanup_hashmap_free_ _cleanup_(hashmap_freep)

/* Adds key -> value. value must not be NULL. Returns 0, -EEXIST when key is present (the map
 * is unchanged), -ENOMEM, or -E2BIG past HASHMAP_ENTRIES_MAX. */
int hashmap_put(Hashmap *h, const char *key, void *value);
/* Returns the value for key, or NULL. h may be NULL. */
void *hashmap_get(const Hashmap *h, const char *key);
bool hashmap_contains(const Hashmap *h, const char *key);
/* Removes key and returns its value, or NULL when absent. h may be NULL. */
void *hashmap_remove(Hashmap *h, const char *key);
size_t hashmap_size(const Hashmap *h);

/* Removes some entry and returns its value, or NULL when the map is empty (or NULL). */
void *hashmap_steal_first(Hashmap *h);

/* Iterates with a cursor that starts at 0. Returns false at the end. ret_key/ret_value may be
 * NULL. h may be NULL. */
bool hashmap_iterate(const Hashmap *h, size_t *cursor, const char **ret_key, void **ret_value);

#define HASHMAP_FOREACH(value, h)                                                         \
        for (size_t _i_ = 0; hashmap_iterate((h), &_i_, NULL, (void **) &(value));)
