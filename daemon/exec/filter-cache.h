/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compiled filters, shared between units by policy content. Compiling costs milliseconds (more
 * with several ABIs) and allocates inside libseccomp, so it happens once per distinct policy
 * in the daemon, never in a child. An entry holds either one program (the policy allows
 * execve) or the exec-gate pair (F_notify + F_policy) with the gate's action for execve. When
 * that action is kill, F_policy carries the daemon's launch key (policy_derive_gate()): the
 * kernel kills every execve but the one that passes the key in its args 3..5, the launch.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/exec-plan.h"
#include "hashmap.h"
#include "macro.h"
#include "policy.h"

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
        /* With gate: the key F_policy checks, for the plan's launch execve (ExecPlan.exec_key);
         * all zero when F_policy does not check one (an errno action). */
        PolicyExecKey exec_key;
};

/* Returns a new reference to the compiled filters for POLICY, compiling on a cache miss.
 * Entries are found by policy_hash() and confirmed by comparing the whole policy (pointer
 * identity first: interned policies, see policy-store.h, are equal only to themselves). The
 * entry keeps a reference to POLICY; POLICY must not change afterwards. KEY is the launch
 * key compiled into gated filters (NULL: none, the gate alone decides); it must be the same
 * for every call on one CACHE, as entries are shared by policy content only. */
int filter_cache_get(Hashmap *cache, const PolicyExecKey *key, Policy *policy, FilterEntry **ret);
/* The same, with the hash given: lets tests force two policies onto one hash. */
int filter_cache_get_hashed(Hashmap *cache, const PolicyExecKey *key, Policy *policy, uint64_t hash,
                            FilterEntry **ret);
/* A new launch key from getrandom(), for the daemon's cache: -errno if none can be had
 * (never a weak one). */
int filter_cache_new_key(PolicyExecKey *ret);
FilterEntry *filter_entry_ref(FilterEntry *e);
FilterEntry *filter_entry_unref(FilterEntry *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(FilterEntry *, filter_entry_unref);
