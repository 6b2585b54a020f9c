/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rules an OCI profile's entries make (one per syscall name of every entry that applies),
 * and the unit drop-in written from them. Used by oci-profile-import.c only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci-profile.h"

typedef struct OciRule {
        const char *name;        /* owned by the caller */
        const PolicyCond *conds; /* owned by the caller */
        unsigned n_conds;
        bool ored; /* runc's rule: an index tested twice makes every condition its own rule */
        PolicyAction action;
        size_t order; /* in the profile, for a stable sort */
} OciRule;

typedef struct OciRuleSet {
        OciRule *rules; /* sorted in place by oci_dropin_write() */
        size_t n_rules;
        const uint32_t *arches; /* [0] native */
        size_t n_arches;
        PolicyAction def; /* the profile's default action */
} OciRuleSet;

/* Whether any rule allows (or logs) calls. */
bool oci_rules_allow_any(const OciRuleSet *s);
/* Combines the rules per syscall and writes the drop-in text; what cannot be said goes to
 * NOTES. -ENOMEM. */
int oci_dropin_write(OciRuleSet *s, OciNotes *notes, char **ret);
