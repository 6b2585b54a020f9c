/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building the policy IR from unit directives, with systemd's parsing and merge rules and our
 * deliberate differences (no implicit @default, fail-closed deny lists, native ABI only by
 * default). Assignments are applied one at a time, in file order, so transient `-p`
 * properties go through the same code as unit file lines.
 */
#pragma once

#include <stdbool.h>

#include "diag.h"
#include "policy.h"
#include "unit-file.h"

/* Words on one assignment, entries in one name list: far above any real unit. */
#define POLICY_WORDS_MAX 4096u
#define POLICY_NAMES_MAX 4096u
/* SystemCallArgumentFilter= lines in one unit. */
#define POLICY_ARG_FILTERS_MAX 1024u

/* Our own section, where SystemCallArgumentFilter= lives (UNIT_SECTION_SYSCAGE). */
#define POLICY_SECTION_SYSCAGE "X-Syscage"

typedef struct PolicyBuilder PolicyBuilder;

int policy_builder_new(PolicyBuilder **ret);
PolicyBuilder *policy_builder_free(PolicyBuilder *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(PolicyBuilder *, policy_builder_free);

/* Transient properties (`run -p`, bus calls) are stricter, as in systemd: an error number on
 * an allow-list entry is an error instead of a warning. The caller unquotes the value first
 * (unit files do not unquote these lists). */
void policy_builder_set_transient(PolicyBuilder *b, bool transient);

/* Whether KEY is one of the directives this module implements (in [Service], or for
 * SystemCallArgumentFilter= in [X-Syscage]). */
bool policy_is_directive(const char *key);
/* Whether KEY in SECTION is one of them where it belongs: what policy_build() reads. */
bool policy_is_unit_assignment(const char *section, const char *key);

/* Applies one KEY=VALUE assignment. Bad values add a located DIAG_ERROR and return -EINVAL;
 * ignorable problems add a DIAG_WARNING and return 0. -EOPNOTSUPP if KEY is not a policy
 * directive, -ENOMEM. */
int policy_apply(PolicyBuilder *b, const char *key, const char *value, const char *file,
                 unsigned line, DiagList *diags);

/* Resolves names against the final ABI set, combines the directives and returns the IR.
 * Returns -EINVAL (with located errors in DIAGS) when a deny list names something that does
 * not exist on any enabled ABI, or when an earlier policy_apply() failed. */
int policy_builder_finish(PolicyBuilder *b, DiagList *diags, Policy **ret);

/* All of the above for the [Service] section of U, and its [X-Syscage]
 * SystemCallArgumentFilter= lines. */
int policy_build(const UnitFile *u, DiagList *diags, Policy **ret);

/* Whether U ends up with MemoryDenyWriteExecute=yes (the last assignment wins; empty resets),
 * for what the launch does beyond the filter: the executable-stack check and PR_SET_MDWE.
 * Values policy_build() refuses count as no; such a unit does not load. */
bool policy_unit_memory_deny_write_execute(const UnitFile *u);
