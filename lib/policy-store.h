/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One immutable, reference-counted Policy per distinct content. Many units name the same
 * directives (SystemCallFilter=@system-service, ...), so the daemon keeps one copy of each
 * policy and every unit holds a reference to it.
 *
 * Policies are looked up by policy_hash(); on a hash hit the full content is compared with
 * policy_equal(), so two policies whose 64-bit hashes collide stay apart. An interned policy
 * has no origins (they differ between units with equal content; `syscagectl analyze` and
 * `verify` build their own policies with origins) and must not be changed. It leaves the
 * store when its last reference goes; a store freed before its policies lets them go on alone.
 */
#pragma once

#include <stdint.h>

#include "diag.h"
#include "macro.h"
#include "policy.h"
#include "unit-file.h"

typedef uint64_t (*PolicyHashFunc)(const Policy *p);

int policy_store_new(PolicyStore **ret);
PolicyStore *policy_store_free(PolicyStore *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(PolicyStore *, policy_store_free);

/* Replaces *P (a policy nobody else references; built, not shared) with a reference to the
 * store's policy of the same content: an existing one (and *P is freed), or *P itself, frozen
 * and without origins. On failure *P is unchanged. */
int policy_store_intern(PolicyStore *s, Policy **p);

/* policy_build() followed by policy_store_intern(), remembering which directives (keys and
 * values, in order; not where they come from) gave which policy, so that the next unit with
 * the same directives costs a lookup instead of a build. Only builds that produced no
 * diagnostics are remembered (a later unit must get its own warnings, with its own file and
 * line). Returns what policy_build() returns; if interning fails, *RET is unshared. */
int policy_store_build(PolicyStore *s, const UnitFile *u, DiagList *diags, Policy **ret);

/* Distinct policies in the store. */
size_t policy_store_size(const PolicyStore *s);

/* Tests only: replaces policy_hash(), to force collisions. Only on an empty store. */
int policy_store_set_hash(PolicyStore *s, PolicyHashFunc hash);

/* Called by policy_unref() on the last reference. */
void policy_store_forget(PolicyStore *s, Policy *p);
