/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unions of masked-equality conjuncts (see the header). Kept small as they are built: a
 * conjunct contained in another is dropped, and two that differ in one value bit of one
 * argument are merged into one without that bit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oci-profile-cond.h"

void oci_dnf_done(OciDnf *d) {
        free(d->terms);
        d->terms = NULL;
        d->n = d->allocated = 0;
}

/* A and B as one conjunct when they differ only in one value bit of one argument. */
static bool term_merge(const Cube *a, const Cube *b, Cube *ret) {
        int arg = -1;

        for (unsigned i = 0; i < 6; i++) {
                uint64_t d = a->value[i] ^ b->value[i];
                if (a->mask[i] != b->mask[i])
                        return false;
                if (d == 0)
                        continue;
                if (arg >= 0 || (d & (d - 1)) != 0)
                        return false;
                arg = (int) i;
        }
        if (arg < 0)
                return false;
        *ret = *a;
        ret->mask[arg] &= ~(a->value[arg] ^ b->value[arg]);
        ret->value[arg] &= ret->mask[arg];
        return true;
}

/* Adds T unless a conjunct already covers it; drops those it covers; merges neighbours. */
static int dnf_add(OciDnf *d, Cube t) {
        for (;;) {
                bool merged = false;
                for (size_t i = 0; i < d->n; i++)
                        if (cube_subsumes(&d->terms[i], &t))
                                return 0;
                for (size_t i = 0; i < d->n;)
                        if (cube_subsumes(&t, &d->terms[i]))
                                d->terms[i] = d->terms[--d->n];
                        else
                                i++;
                for (size_t i = 0; i < d->n && !merged; i++) {
                        Cube m;
                        if (term_merge(&d->terms[i], &t, &m)) {
                                d->terms[i] = d->terms[--d->n];
                                t = m;
                                merged = true;
                        }
                }
                if (!merged)
                        break;
        }
        if (d->n >= OCI_DNF_TERMS_MAX)
                return -E2BIG;
        if (GREEDY_REALLOC(d->terms, d->allocated, d->n + 1) < 0)
                return -ENOMEM;
        d->terms[d->n++] = t;
        return 0;
}

static int dnf_add_cb(void *d, const Cube *c) {
        return dnf_add(d, *c);
}

/* ARG in [LO, HI], as aligned blocks. */
static int dnf_add_range(OciDnf *d, unsigned arg, uint64_t lo, uint64_t hi) {
        return cube_interval(arg, UINT64_MAX, 0, lo, hi, dnf_add_cb, d);
}

/* The complement of one masked equality: one conjunct per mask bit, disjoint. */
static int dnf_add_not_masked(OciDnf *d, unsigned arg, uint64_t mask, uint64_t value) {
        uint64_t above = 0;
        int r;

        for (int b = 63; b >= 0; b--) {
                uint64_t bit = UINT64_C(1) << b;
                if (!(mask & bit))
                        continue;
                r = dnf_add(d, cube_one(arg, above | bit, (value & above) | (~value & bit)));
                if (r < 0)
                        return r;
                above |= bit;
        }
        return 0;
}

static int dnf_from_cond(const PolicyCond *c, OciDnf *d) {
        uint64_t v = c->a;

        switch (c->op) {
        case POLICY_CMP_EQ:
                return dnf_add(d, cube_one(c->arg, UINT64_MAX, v));
        case POLICY_CMP_NE:
                return dnf_add_not_masked(d, c->arg, UINT64_MAX, v);
        case POLICY_CMP_MASKED_EQ:
                if ((c->b & ~c->a) != 0)
                        return 0; /* never matches */
                return dnf_add(d, cube_one(c->arg, c->a, c->b));
        case POLICY_CMP_LT:
                return v == 0 ? 0 : dnf_add_range(d, c->arg, 0, v - 1);
        case POLICY_CMP_LE:
                return dnf_add_range(d, c->arg, 0, v);
        case POLICY_CMP_GT:
                return v == UINT64_MAX ? 0 : dnf_add_range(d, c->arg, v + 1, UINT64_MAX);
        case POLICY_CMP_GE:
                return dnf_add_range(d, c->arg, v, UINT64_MAX);
        default:
                return -EINVAL;
        }
}

int oci_dnf_and(const OciDnf *a, const OciDnf *b, OciDnf *ret) {
        OciDnf d = {};
        int r;

        /* Bounds the work (each new conjunct is compared with those kept), not only the
         * result: a product this large is "too complex" whatever it simplifies to. */
        if (a->n > 0 && b->n > OCI_DNF_PAIRS_MAX / a->n)
                return -E2BIG;

        for (size_t i = 0; i < a->n; i++)
                for (size_t j = 0; j < b->n; j++) {
                        Cube t;
                        if (!cube_and(&a->terms[i], &b->terms[j], &t))
                                continue;
                        if ((r = dnf_add(&d, t)) < 0) {
                                oci_dnf_done(&d);
                                return r;
                        }
                }
        *ret = d;
        return 0;
}

int oci_dnf_or(OciDnf *a, const OciDnf *b) {
        int r;
        for (size_t i = 0; i < b->n; i++)
                if ((r = dnf_add(a, b->terms[i])) < 0)
                        return r;
        return 0;
}

int oci_dnf_from_conds(const PolicyCond *conds, unsigned n, OciDnf *ret) {
        OciDnf d = {};
        int r = dnf_add(&d, (Cube) {});

        for (unsigned i = 0; r >= 0 && i < n; i++) {
                OciDnf c = {}, x;
                if (conds[i].arg > 5)
                        r = -EINVAL;
                else
                        r = dnf_from_cond(&conds[i], &c);
                if (r >= 0)
                        r = oci_dnf_and(&d, &c, &x);
                oci_dnf_done(&c);
                if (r >= 0) {
                        oci_dnf_done(&d);
                        d = x;
                }
        }
        if (r < 0) {
                oci_dnf_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

int oci_dnf_not(const OciDnf *a, OciDnf *ret) {
        OciDnf d = {};
        int r = dnf_add(&d, (Cube) {});

        /* NOT (t1 OR t2 ...) = NOT t1 AND NOT t2 ...; NOT t = OR of its tests' complements. */
        for (size_t i = 0; r >= 0 && i < a->n; i++) {
                OciDnf c = {}, x;
                for (unsigned k = 0; r >= 0 && k < 6; k++)
                        if (a->terms[i].mask[k] != 0)
                                r = dnf_add_not_masked(&c, k, a->terms[i].mask[k], a->terms[i].value[k]);
                if (r >= 0)
                        r = oci_dnf_and(&d, &c, &x);
                oci_dnf_done(&c);
                if (r >= 0) {
                        oci_dnf_done(&d);
                        d = x;
                }
        }
        if (r < 0) {
                oci_dnf_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

bool oci_dnf_matches(const OciDnf *d, const uint64_t args[6]) {
        for (size_t i = 0; i < d->n; i++) {
                bool ok = true;
                for (unsigned k = 0; k < 6 && ok; k++)
                        ok = ((args[k] ^ d->terms[i].value[k]) & d->terms[i].mask[k]) == 0;
                if (ok)
                        return true;
        }
        return false;
}
