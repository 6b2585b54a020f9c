/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument filters in disjunctive normal form over masked-equality tests.
 *
 * A conjunct is a "cube": for each argument a mask and a value, (arg & mask) == value, with
 * mask 0 meaning no constraint. Masks never leave the argument's width, so the bits the
 * kernel ignores are ignored here too. Two cubes AND into one (masks OR'ed, values must
 * agree where both masks have bits), which is how every conjunct ends up with at most one
 * test per argument, the most libseccomp 2.5 can hold in one rule.
 *
 * Each test becomes a union of cubes on its argument:
 *  - == and in: one cube per value;
 *  - != and not in: the complement of those points, walked as a binary trie over the mask's
 *    bits: wherever the points leave one side of a bit empty, that side is one cube (so
 *    x != v is one cube per bit, and k excluded values need at most k * width cubes);
 *  - <, <=, >, >=: an interval of the argument's values, after flipping the sign bit of
 *    signed types (which maps signed order onto unsigned order), split into aligned
 *    power-of-two blocks, each one cube: at most 2 * width of them.
 * Negation is pushed down to the tests first. OR concatenates, AND multiplies; after each
 * step subsumed cubes are dropped, and more than ARGFILTER_TERMS_MAX is "too complex".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argfilter-ast.h"
#include "cube.h"

assert_cc(CUBE_ARGS == ARGFILTER_ARGS_MAX);

typedef struct CubeSet {
        Cube *items;
        size_t n, allocated;
} CubeSet;

static void cube_set_done(CubeSet *s) {
        free(s->items);
        *s = (CubeSet) {};
}

/* Adds C unless a cube already there covers it; drops the ones C covers. */
static int cube_set_add(CubeSet *s, const Cube *c) {
        size_t k = 0;

        for (size_t i = 0; i < s->n; i++)
                if (cube_subsumes(&s->items[i], c))
                        return 0;
        for (size_t i = 0; i < s->n; i++)
                if (!cube_subsumes(c, &s->items[i]))
                        s->items[k++] = s->items[i];
        s->n = k;
        if (s->n >= ARGFILTER_TERMS_MAX)
                return -E2BIG;
        if (GREEDY_REALLOC(s->items, s->allocated, s->n + 1) < 0)
                return -ENOMEM;
        s->items[s->n++] = *c;
        return 0;
}

/* ---- one test ---- */

/* Cubes covering the values of mask M (bits above BIT already fixed in PREFIX_MASK/VALUE)
 * that are none of POINTS. Reorders POINTS. */
static int complement(CubeSet *out, unsigned arg, uint64_t m, int bit, uint64_t prefix_mask,
                      uint64_t prefix_value, uint64_t *points, size_t n) {
        size_t k = 0;
        uint64_t b;
        int r;

        if (n == 0) {
                Cube c = cube_one(arg, prefix_mask, prefix_value);
                return cube_set_add(out, &c);
        }
        while (bit >= 0 && !(m & (UINT64_C(1) << bit)))
                bit--;
        if (bit < 0)
                return 0; /* the remaining points all equal the prefix: nothing left */
        b = UINT64_C(1) << bit;
        for (size_t i = 0; i < n; i++) /* partition: bit clear first */
                if (!(points[i] & b)) {
                        uint64_t t = points[k];
                        points[k++] = points[i];
                        points[i] = t;
                }
        r = complement(out, arg, m, bit - 1, prefix_mask | b, prefix_value, points, k);
        if (r < 0)
                return r;
        return complement(out, arg, m, bit - 1, prefix_mask | b, prefix_value | b, points + k,
                          n - k);
}

static int cube_set_add_cb(void *s, const Cube *c) {
        return cube_set_add(s, c);
}

static int test_cubes(const ArgFilter *f, const AfNode *t, bool negate, CubeSet *out) {
        ArgType type = f->types[t->arg];
        uint64_t w = af_width_mask(type), sign = af_sign_bit(type);
        uint64_t m = t->masked ? t->mask.bits : w, points[ARGFILTER_NODES_MAX], k;
        AfOp op = negate ? af_op_negate(t->op) : t->op;
        size_t n = MIN(t->n_values, (size_t) ARGFILTER_NODES_MAX);
        int r;

        for (size_t i = 0; i < n; i++)
                points[i] = t->values[i].bits & m;
        k = t->values[0].bits ^ sign; /* the ordered comparisons' value, as a key */
        switch (op) {
        case AF_OP_EQ:
        case AF_OP_IN:
                for (size_t i = 0; i < n; i++) {
                        Cube c = cube_one(t->arg, m, points[i]);
                        if ((r = cube_set_add(out, &c)) < 0)
                                return r;
                }
                return 0;
        case AF_OP_NE:
        case AF_OP_NOT_IN:
                return complement(out, t->arg, m, 63, 0, 0, points, n);
        case AF_OP_LT: return k == 0 ? 0 : cube_interval(t->arg, w, sign, 0, k - 1, cube_set_add_cb, out);
        case AF_OP_LE: return cube_interval(t->arg, w, sign, 0, k, cube_set_add_cb, out);
        case AF_OP_GT: return k == w ? 0 : cube_interval(t->arg, w, sign, k + 1, w, cube_set_add_cb, out);
        case AF_OP_GE: return cube_interval(t->arg, w, sign, k, w, cube_set_add_cb, out);
        default: return -EINVAL;
        }
}

/* ---- expressions ---- */

static int node_cubes(const ArgFilter *f, const AfNode *n, bool negate, CubeSet *out);

/* OUT := OUT AND the cubes of N. */
static int and_into(const ArgFilter *f, const AfNode *n, bool negate, CubeSet *out) {
        _cleanup_(cube_set_done) CubeSet rhs = {}, prod = {};
        int r;

        if ((r = node_cubes(f, n, negate, &rhs)) < 0)
                return r;
        for (size_t i = 0; i < out->n; i++)
                for (size_t j = 0; j < rhs.n; j++) {
                        Cube c;
                        if (cube_and(&out->items[i], &rhs.items[j], &c) &&
                            (r = cube_set_add(&prod, &c)) < 0)
                                return r;
                }
        cube_set_done(out);
        *out = prod;
        prod = (CubeSet) {};
        return 0;
}

static int node_cubes(const ArgFilter *f, const AfNode *n, bool negate, CubeSet *out) {
        bool conj;
        int r;

        switch (n->type) {
        case AF_NODE_TEST:
                return test_cubes(f, n, negate, out);
        case AF_NODE_NOT:
                return node_cubes(f, n->children[0], !negate, out);
        default:
                break;
        }
        conj = (n->type == AF_NODE_AND) != negate; /* De Morgan */
        if (!conj) {
                for (size_t i = 0; i < n->n_children; i++)
                        if ((r = node_cubes(f, n->children[i], negate, out)) < 0)
                                return r;
                return 0;
        }
        /* AND: start from "true" (one empty cube) and multiply. OUT may already hold cubes
         * of an enclosing OR, so compute apart and merge. */
        _cleanup_(cube_set_done) CubeSet acc = {};
        if ((r = cube_set_add(&acc, &(Cube) { 0 })) < 0)
                return r;
        for (size_t i = 0; i < n->n_children && acc.n > 0; i++)
                if ((r = and_into(f, n->children[i], negate, &acc)) < 0)
                        return r;
        for (size_t i = 0; i < acc.n; i++)
                if ((r = cube_set_add(out, &acc.items[i])) < 0)
                        return r;
        return 0;
}

static void cube_to_term(const Cube *c, ArgFilterTerm *t) {
        *t = (ArgFilterTerm) {};
        for (unsigned i = 0; i < ARGFILTER_ARGS_MAX; i++)
                if (c->mask[i] != 0)
                        t->conds[t->n_conds++] = (PolicyCond) {
                                .arg = i,
                                .op = POLICY_CMP_MASKED_EQ,
                                .a = c->mask[i],
                                .b = c->value[i],
                        };
}

void argfilter_dnf_done(ArgFilterDnf *d) {
        free(d->terms);
        *d = (ArgFilterDnf) {};
}

int argfilter_dnf(const ArgFilter *const *filters, size_t n, bool negate, ArgFilterDnf *ret,
                  char **ret_error) {
        _cleanup_(cube_set_done) CubeSet acc = {};
        ArgFilterTerm *terms = NULL;
        int r = 0;

        if (negate) /* NOT (a AND b) = NOT a OR NOT b */
                for (size_t i = 0; i < n && r >= 0; i++)
                        r = node_cubes(filters[i], filters[i]->root, true, &acc);
        else {
                r = cube_set_add(&acc, &(Cube) { 0 });
                for (size_t i = 0; i < n && r >= 0 && acc.n > 0; i++)
                        r = and_into(filters[i], filters[i]->root, false, &acc);
        }
        if (r == -E2BIG && ret_error &&
            asprintf(ret_error, "expression too complex: its normal form needs more than %u "
                     "terms", ARGFILTER_TERMS_MAX) < 0)
                *ret_error = NULL;
        if (r < 0)
                return r;
        if (acc.n > 0) {
                terms = calloc(acc.n, sizeof *terms);
                if (!terms)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < acc.n; i++)
                cube_to_term(&acc.items[i], &terms[i]);
        *ret = (ArgFilterDnf) { .terms = terms, .n_terms = acc.n };
        return 0;
}

static void term_to_cube(const ArgFilterTerm *t, Cube *c) {
        *c = (Cube) {};
        for (unsigned k = 0; k < t->n_conds; k++) {
                c->mask[t->conds[k].arg] |= t->conds[k].a;
                c->value[t->conds[k].arg] |= t->conds[k].b & t->conds[k].a;
        }
}

int argfilter_dnf_and(const ArgFilterDnf *a, const ArgFilterDnf *b, ArgFilterDnf *ret) {
        _cleanup_(cube_set_done) CubeSet acc = {};
        ArgFilterTerm *terms = NULL;
        int r;

        for (size_t i = 0; i < a->n_terms; i++)
                for (size_t j = 0; j < b->n_terms; j++) {
                        Cube x, y, c;
                        term_to_cube(&a->terms[i], &x);
                        term_to_cube(&b->terms[j], &y);
                        if (cube_and(&x, &y, &c) && (r = cube_set_add(&acc, &c)) < 0)
                                return r;
                }
        if (acc.n > 0) {
                terms = calloc(acc.n, sizeof *terms);
                if (!terms)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < acc.n; i++)
                cube_to_term(&acc.items[i], &terms[i]);
        *ret = (ArgFilterDnf) { .terms = terms, .n_terms = acc.n };
        return 0;
}

bool argfilter_dnf_eval(const ArgFilterDnf *d, const uint64_t args[static 6]) {
        for (size_t i = 0; i < d->n_terms; i++) {
                bool ok = true;
                for (unsigned k = 0; k < d->terms[i].n_conds && ok; k++) {
                        const PolicyCond *c = &d->terms[i].conds[k];
                        ok = (args[c->arg] & c->a) == c->b;
                }
                if (ok)
                        return true;
        }
        return false;
}
