/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy intern table (see policy-store.h): a hash map from the content hash, in hex, to a
 * chain of policies with that hash (Policy.store_next). Chains longer than one only happen on
 * a 64-bit collision; each member differs from the others in content.
 *
 * Besides, a map from directive text to policy lets units with the same directives skip the
 * build. It does not hold references: a policy owns its text (Policy.store_text, at most one)
 * and takes it out of the map when it goes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "policy-build.h"
#include "policy-store.h"

#define POLICY_STORE_KEY_LEN 17

struct PolicyStore {
        Hashmap *by_hash;
        Hashmap *by_text; /* directive text -> Policy; keys are Policy.store_text */
        PolicyHashFunc hash;
        size_t n;
};

/* The key lives in the chain's first policy; a chain head knows its own key. */
typedef struct StoreHead {
        char key[POLICY_STORE_KEY_LEN];
        Policy *first;
} StoreHead;

int policy_store_new(PolicyStore **ret) {
        PolicyStore *s = calloc(1, sizeof *s);

        if (!s)
                return -ENOMEM;
        s->by_hash = hashmap_new();
        s->by_text = hashmap_new();
        if (!s->by_hash || !s->by_text) {
                hashmap_free(s->by_hash);
                hashmap_free(s->by_text);
                free(s);
                return -ENOMEM;
        }
        s->hash = policy_hash;
        *ret = s;
        return 0;
}

PolicyStore *policy_store_free(PolicyStore *s) {
        StoreHead *h;

        if (!s)
                return NULL;
        /* Policies still referenced live on, outside any store. */
        while ((h = hashmap_steal_first(s->by_hash))) {
                for (Policy *p = h->first, *next; p; p = next) {
                        next = p->store_next;
                        p->store = NULL;
                        p->store_next = NULL;
                        free(p->store_text);
                        p->store_text = NULL;
                }
                free(h);
        }
        hashmap_free(s->by_hash);
        hashmap_free(s->by_text);
        free(s);
        return NULL;
}

size_t policy_store_size(const PolicyStore *s) {
        return s ? s->n : 0;
}

int policy_store_set_hash(PolicyStore *s, PolicyHashFunc hash) {
        if (s->n > 0 || !hash)
                return -EBUSY;
        s->hash = hash;
        return 0;
}

static void store_key(const PolicyStore *s, const Policy *p, char key[static POLICY_STORE_KEY_LEN]) {
        snprintf(key, POLICY_STORE_KEY_LEN, "%016" PRIx64, s->hash(p));
}

int policy_store_intern(PolicyStore *s, Policy **p) {
        char key[POLICY_STORE_KEY_LEN];
        Policy *n = *p;
        StoreHead *h;
        int r;

        if (n->store || n->n_ref != 1)
                return -EINVAL;
        policy_sort(n);
        store_key(s, n, key);
        h = hashmap_get(s->by_hash, key);
        for (Policy *q = h ? h->first : NULL; q; q = q->store_next)
                if (policy_equal(q, n)) {
                        *p = policy_ref(q);
                        policy_unref(n);
                        return 0;
                }
        if (!h) {
                h = calloc(1, sizeof *h);
                if (!h)
                        return -ENOMEM;
                memcpy(h->key, key, sizeof key);
                r = hashmap_put(s->by_hash, h->key, h);
                if (r < 0) {
                        free(h);
                        return r;
                }
        }
        /* From here on nothing fails: packing that fails only leaves slack behind. */
        (void) policy_freeze(n);
        policy_strip_origins(n);
        n->store = s;
        n->store_next = h->first;
        h->first = n;
        s->n++;
        return 0;
}

void policy_store_forget(PolicyStore *s, Policy *p) {
        char key[POLICY_STORE_KEY_LEN];
        StoreHead *h;

        store_key(s, p, key);
        h = hashmap_get(s->by_hash, key);
        if (!h)
                return;
        for (Policy **q = &h->first; *q; q = &(*q)->store_next)
                if (*q == p) {
                        *q = p->store_next;
                        s->n--;
                        break;
                }
        p->store = NULL;
        p->store_next = NULL;
        if (p->store_text) {
                (void) hashmap_remove(s->by_text, p->store_text);
                free(p->store_text);
                p->store_text = NULL;
        }
        if (!h->first) {
                (void) hashmap_remove(s->by_hash, h->key);
                free(h);
        }
}

/* The policy directives of U (policy_is_unit_assignment()) as one string; each key and value with its
 * length in front, so that no value can pass for another split. */
static int directive_text(const UnitFile *u, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                if (!policy_is_unit_assignment(a->section, a->key))
                        continue;
                fprintf(f, "%zu:%s%zu:%s", strlen(a->key), a->key, strlen(a->value ?: ""), a->value ?: "");
        }
        if (fclose(f) != 0 || !buf) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}

int policy_store_build(PolicyStore *s, const UnitFile *u, DiagList *diags, Policy **ret) {
        _cleanup_free_ char *text = NULL;
        size_t n_diags = diags->n + diags->n_dropped;
        Policy *p;
        int r;

        if (directive_text(u, &text) >= 0 && (p = hashmap_get(s->by_text, text))) {
                *ret = policy_ref(p);
                return 0;
        }
        r = policy_build(u, diags, &p);
        if (r < 0)
                return r;
        (void) policy_store_intern(s, &p);
        /* Remember the text only for a clean build, and only one text per policy. */
        if (text && p->store == s && !p->store_text && diags->n + diags->n_dropped == n_diags &&
            hashmap_put(s->by_text, text, p) >= 0)
                p->store_text = TAKE_PTR(text);
        *ret = p;
        return 0;
}
