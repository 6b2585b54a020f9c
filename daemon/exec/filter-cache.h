/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compiled filters, shared between units by policy content. Compiling costs milliseconds (more
 * with several ABIs) and allocates inside libseccomp, so it happens once per distinct policy
 * in the daemon, never in a child. An entry holds either one program (the policy allows
 * execve) or the exec-gate pair (F_notify + F_policy) with the gate's action for execve.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/exec-plan.h"
#include "hashmap.h"
#include "macro.h"

typedef struct Policy Policy;

typedef struct FilterEntry FilterEntry;

struct FilterEntry {
        unsigned n_ref;
        Hashmap *cache;          /* the cache holding it, to drop the entry at the last unref */
        char key[17];            /* policy hash in hex */
        FilterEntry *next;       /* the next entry with the same hash (a 64-bit collision) */
        Policy *source;          /* a reference to the policy it was compiled from */
        bool gate;               /* the policy denies execve/execveat */
        struct sock_fprog *notify; /* F_notify, only with gate */
        struct sock_fprog *policy; /* the unit's policy (F_policy with gate), in load order */
        size_t n_policy;
        ExecGateAction gate_action;
        int gate_errno;
};

/* Returns a new reference to the compiled filters for POLICY, compiling on a cache miss.
 * Entries are found by policy_hash() and confirmed by comparing the whole policy (pointer
 * identity first: interned policies, see policy-store.h, are equal only to themselves). The
 * entry keeps a reference to POLICY; POLICY must not change afterwards. */
int filter_cache_get(Hashmap *cache, Policy *policy, FilterEntry **ret);
/* The same, with the hash given: lets tests force two policies onto one hash. */
int filter_cache_get_hashed(Hashmap *cache, Policy *policy, uint64_t hash, FilterEntry **ret);
FilterEntry *filter_entry_ref(FilterEntry *e);
FilterEntry *filter_entry_unref(FilterEntry *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(FilterEntry *, filter_entry_unref);
