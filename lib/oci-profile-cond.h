/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sets of argument values in the one shape an OCI profile can say without ambiguity: a union
 * of conjuncts, each testing every argument at most once with a masked equality
 * ((arg & mask) == value). libseccomp (runc, crun) keeps one decision per syscall, so the
 * export turns "allowed unless a deny rule matches" into such a union of allowed cases.
 * Every comparison maps to a union of masked equalities (a range splits into aligned blocks),
 * and unions of them are closed under AND and NOT, which is all the export needs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "cube.h"
#include "policy.h"

/* Conjuncts in one union: "too complex" above. */
#define OCI_DNF_TERMS_MAX 1024u
/* Pairs of conjuncts one AND may combine. */
#define OCI_DNF_PAIRS_MAX 16384u

typedef struct OciDnf {
        Cube *terms; /* ORed; none: nothing matches */
        size_t n, allocated;
} OciDnf;

void oci_dnf_done(OciDnf *d);
/* The calls that match every condition of CONDS[0..N) (N 0: all calls). */
int oci_dnf_from_conds(const PolicyCond *conds, unsigned n, OciDnf *ret);
/* A AND B; A OR B (into A); NOT A. -E2BIG past OCI_DNF_TERMS_MAX, -ENOMEM. */
int oci_dnf_and(const OciDnf *a, const OciDnf *b, OciDnf *ret);
int oci_dnf_or(OciDnf *a, const OciDnf *b);
int oci_dnf_not(const OciDnf *a, OciDnf *ret);
/* Whether the 6 argument values ARGS fall in D. */
bool oci_dnf_matches(const OciDnf *d, const uint64_t args[6]);
