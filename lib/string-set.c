/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An ordered set of strings; see string-set.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "string-set.h"

int string_set_add(StringSet *set, const char *s) {
        char *copy;
        int r;

        if (hashmap_contains(set->index, s))
                return 0;
        if (!set->index && !(set->index = hashmap_new()))
                return -ENOMEM;
        if (GREEDY_REALLOC(set->items, set->allocated, set->n + 2) < 0 || !(copy = strdup(s)))
                return -ENOMEM;
        r = hashmap_put(set->index, copy, copy);
        if (r < 0) {
                free(copy);
                return r;
        }
        set->items[set->n++] = copy;
        set->items[set->n] = NULL;
        return 1;
}

bool string_set_contains(const StringSet *set, const char *s) {
        return hashmap_contains(set->index, s);
}

void string_set_done(StringSet *set) {
        for (size_t i = 0; i < set->n; i++)
                free(set->items[i]);
        free(set->items);
        hashmap_free(set->index);
        *set = (StringSet) {};
}
