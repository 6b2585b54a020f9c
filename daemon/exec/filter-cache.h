/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compiled filters, shared between units by policy hash. Compiling costs milliseconds (more
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

typedef struct FilterEntry {
        unsigned n_ref;
        Hashmap *cache;          /* the cache holding it, to drop the entry at the last unref */
        char key[17];            /* policy hash in hex */
        bool gate;               /* the policy denies execve/execveat */
        struct sock_fprog *notify; /* F_notify, only with gate */
        struct sock_fprog *policy; /* the unit's policy (F_policy with gate), in load order */
        size_t n_policy;
        ExecGateAction gate_action;
        int gate_errno;
} FilterEntry;

/* Returns a new reference to the compiled filters for POLICY, compiling on a cache miss. */
int filter_cache_get(Hashmap *cache, const Policy *policy, FilterEntry **ret);
FilterEntry *filter_entry_ref(FilterEntry *e);
FilterEntry *filter_entry_unref(FilterEntry *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(FilterEntry *, filter_entry_unref);
