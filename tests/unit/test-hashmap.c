/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hashmap.h"

static void test_hashmap_basic(void **state) {
        _cleanup_hashmap_free_ Hashmap *h = hashmap_new();
        int a = 1, b = 2;

        assert_non_null(h);
        assert_int_equal(hashmap_size(h), 0);
        assert_null(hashmap_get(h, "a"));
        assert_int_equal(hashmap_put(h, "a", &a), 0);
        assert_int_equal(hashmap_put(h, "b", &b), 0);
        assert_int_equal(hashmap_put(h, "a", &b), -EEXIST);
        assert_int_equal(hashmap_put(h, "c", NULL), -EINVAL);
        assert_ptr_equal(hashmap_get(h, "a"), &a);
        assert_ptr_equal(hashmap_get(h, "b"), &b);
        assert_true(hashmap_contains(h, "b"));
        assert_false(hashmap_contains(h, "c"));
        assert_int_equal(hashmap_size(h), 2);
        assert_ptr_equal(hashmap_remove(h, "a"), &a);
        assert_null(hashmap_remove(h, "a"));
        assert_null(hashmap_get(h, "a"));
        assert_ptr_equal(hashmap_get(h, "b"), &b);
        assert_int_equal(hashmap_size(h), 1);

        /* NULL maps behave as empty ones. */
        assert_null(hashmap_get(NULL, "a"));
        assert_null(hashmap_remove(NULL, "a"));
        assert_int_equal(hashmap_size(NULL), 0);
        assert_null(hashmap_steal_first(NULL));
}

#define N_KEYS 2000

/* Random puts and removes checked against a plain array, through several growths, so
 * backward-shift deletion is exercised inside long clusters and across the array's end. */
static void test_hashmap_model(void **state) {
        _cleanup_hashmap_free_ Hashmap *h = hashmap_new();
        static char keys[N_KEYS][24];
        static bool present[N_KEYS];
        size_t n = 0;
        unsigned seed = 12345;

        assert_non_null(h);
        for (size_t i = 0; i < N_KEYS; i++)
                snprintf(keys[i], sizeof(keys[i]), "unit-%zu.service", i);
        for (unsigned step = 0; step < 200000; step++) {
                seed = seed * 1103515245 + 12345;
                size_t k = (seed >> 8) % N_KEYS;
                bool put = ((seed >> 4) & 3) != 0; /* grow more than shrink */
                if (put) {
                        int r = hashmap_put(h, keys[k], keys[k]);
                        assert_int_equal(r, present[k] ? -EEXIST : 0);
                        n += !present[k];
                        present[k] = true;
                } else {
                        void *v = hashmap_remove(h, keys[k]);
                        assert_ptr_equal(v, present[k] ? keys[k] : NULL);
                        n -= present[k];
                        present[k] = false;
                }
                if (step % 997 == 0)
                        for (size_t i = 0; i < N_KEYS; i++)
                                assert_ptr_equal(hashmap_get(h, keys[i]), present[i] ? keys[i] : NULL);
        }
        assert_int_equal(hashmap_size(h), n);

        /* Iteration visits every entry exactly once. */
        static bool seen[N_KEYS];
        const char *key;
        void *value;
        size_t visited = 0;
        for (size_t cursor = 0; hashmap_iterate(h, &cursor, &key, &value);) {
                size_t i = (size_t) ((char (*)[24]) value - keys);
                assert_ptr_equal(key, keys[i]);
                assert_true(present[i]);
                assert_false(seen[i]);
                seen[i] = true;
                visited++;
        }
        assert_int_equal(visited, n);

        /* Stealing empties the map, each value once. */
        while ((value = hashmap_steal_first(h))) {
                size_t i = (size_t) ((char (*)[24]) value - keys);
                assert_true(seen[i]);
                seen[i] = false;
                n--;
        }
        assert_int_equal(n, 0);
        assert_int_equal(hashmap_size(h), 0);
}

static void test_hashmap_foreach(void **state) {
        _cleanup_hashmap_free_ Hashmap *h = hashmap_new();
        char names[3][16] = { "a.service", "b.service", "c.service" };
        char *v;
        unsigned mask = 0;

        for (size_t i = 0; i < 3; i++)
                assert_int_equal(hashmap_put(h, names[i], names[i]), 0);
        HASHMAP_FOREACH(v, h)
                mask |= 1U << (v[0] - 'a');
        assert_int_equal(mask, 7);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hashmap_basic),
                cmocka_unit_test(test_hashmap_model),
                cmocka_unit_test(test_hashmap_foreach),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
