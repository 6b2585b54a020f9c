/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * String-keyed open-addressing hash map. See hashmap.h.
 *
 * Invariant: every entry sits in the probe sequence starting at its home slot (hash & mask)
 * with no empty slot in between. Insertion keeps it trivially; removal keeps it by shifting
 * later entries of the same cluster back into the hole when their home allows it.
 *
 * The hash is FNV-1a mixed with a per-map random seed and finished with a 64-bit avalanche
 * step. Keys are unit names, whose count and length have their own limits, so this is about
 * spreading, not about resisting a determined attacker.
 */
#include <string.h>
#include <sys/random.h>

#include "hashmap.h"

typedef struct Entry {
        const char *key; /* NULL: empty slot */
        void *value;
        uint64_t hash;
} Entry;

struct Hashmap {
        Entry *slots;
        size_t n_slots; /* 0 or a power of two */
        size_t n_entries;
        uint64_t seed;
};

static uint64_t hash_string(uint64_t seed, const char *s) {
        uint64_t h = 0xcbf29ce484222325ULL ^ seed;

        for (; *s; s++) {
                h ^= (unsigned char) *s;
                h *= 0x100000001b3ULL;
        }
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
        return h;
}

Hashmap *hashmap_new(void) {
        Hashmap *h = calloc(1, sizeof(Hashmap));

        if (!h)
                return NULL;
        /* A fixed seed is still correct, just more predictable. */
        if (getrandom(&h->seed, sizeof(h->seed), GRND_NONBLOCK) != sizeof(h->seed))
                h->seed = (uint64_t) (uintptr_t) h;
        return h;
}

Hashmap *hashmap_free(Hashmap *h) {
        if (h) {
                free(h->slots);
                free(h);
        }
        return NULL;
}

size_t hashmap_size(const Hashmap *h) {
        return h ? h->n_entries : 0;
}

/* Returns the slot holding key, or SIZE_MAX. */
static size_t hashmap_find(const Hashmap *h, const char *key, uint64_t hash) {
        if (!h || h->n_slots == 0)
                return SIZE_MAX;
        size_t mask = h->n_slots - 1;
        for (size_t i = hash & mask;; i = (i + 1) & mask) {
                const Entry *e = &h->slots[i];
                if (!e->key)
                        return SIZE_MAX;
                if (e->hash == hash && streq(e->key, key))
                        return i;
        }
}

static void hashmap_place(Entry *slots, size_t n_slots, Entry e) {
        size_t mask = n_slots - 1;
        size_t i = e.hash & mask;

        while (slots[i].key)
                i = (i + 1) & mask;
        slots[i] = e;
}

static int hashmap_grow(Hashmap *h, size_t need) {
        size_t n = h->n_slots ? h->n_slots : 8;

        /* Keep the load at or below 3/4, so probe sequences stay short and always end. */
        while (need > n / 4 * 3)
                n *= 2;
        if (n == h->n_slots)
                return 0;
        Entry *slots = calloc(n, sizeof(Entry));
        if (!slots)
                return -ENOMEM;
        for (size_t i = 0; i < h->n_slots; i++)
                if (h->slots[i].key)
                        hashmap_place(slots, n, h->slots[i]);
        free(h->slots);
        h->slots = slots;
        h->n_slots = n;
        return 0;
}

int hashmap_put(Hashmap *h, const char *key, void *value) {
        uint64_t hash = hash_string(h->seed, key);
        int r;

        if (!value)
                return -EINVAL;
        if (hashmap_find(h, key, hash) != SIZE_MAX)
                return -EEXIST;
        if (h->n_entries >= HASHMAP_ENTRIES_MAX)
                return -E2BIG;
        r = hashmap_grow(h, h->n_entries + 1);
        if (r < 0)
                return r;
        hashmap_place(h->slots, h->n_slots, (Entry) { .key = key, .value = value, .hash = hash });
        h->n_entries++;
        return 0;
}

void *hashmap_get(const Hashmap *h, const char *key) {
        if (!h)
                return NULL;
        size_t i = hashmap_find(h, key, hash_string(h->seed, key));
        return i == SIZE_MAX ? NULL : h->slots[i].value;
}

bool hashmap_contains(const Hashmap *h, const char *key) {
        return hashmap_get(h, key) != NULL;
}

/* Empties slot i and closes the hole: an entry later in the cluster moves back into the hole
 * unless its home slot lies cyclically in (hole, entry], where moving it would put it before
 * its home. */
static void hashmap_remove_slot(Hashmap *h, size_t i) {
        size_t mask = h->n_slots - 1;
        size_t hole = i;

        for (size_t j = (i + 1) & mask; h->slots[j].key; j = (j + 1) & mask) {
                size_t home = h->slots[j].hash & mask;
                bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
                if (stays)
                        continue;
                h->slots[hole] = h->slots[j];
                hole = j;
        }
        h->slots[hole] = (Entry) {};
        h->n_entries--;
}

void *hashmap_remove(Hashmap *h, const char *key) {
        if (!h)
                return NULL;
        size_t i = hashmap_find(h, key, hash_string(h->seed, key));
        if (i == SIZE_MAX)
                return NULL;
        void *v = h->slots[i].value;
        hashmap_remove_slot(h, i);
        return v;
}

void *hashmap_steal_first(Hashmap *h) {
        if (!h || h->n_entries == 0)
                return NULL;
        for (size_t i = 0; i < h->n_slots; i++)
                if (h->slots[i].key) {
                        void *v = h->slots[i].value;
                        hashmap_remove_slot(h, i);
                        return v;
                }
        return NULL;
}

bool hashmap_iterate(const Hashmap *h, size_t *cursor, const char **ret_key, void **ret_value) {
        if (!h)
                return false;
        for (; *cursor < h->n_slots; (*cursor)++) {
                const Entry *e = &h->slots[*cursor];
                if (!e->key)
                        continue;
                if (ret_key)
                        *ret_key = e->key;
                if (ret_value)
                        *ret_value = e->value;
                (*cursor)++;
                return true;
        }
        return false;
}
