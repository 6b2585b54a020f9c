/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SystemCallArgumentFilter= lines as policy IR: the conditional rules one line compiles into,
 * and whether a policy's ABIs let it be enforced at all.
 */
#pragma once

#include "argfilter.h"
#include "policy.h"

/* Checks that F can be enforced under P's ABIs: -EINVAL with a message in *RET_MESSAGE when
 * its syscall is unknown on all of them, or when it tests a signed 64-bit argument while a
 * 32-bit ABI is enabled (not supported yet); -ENOMEM. */
int argfilter_policy_check(const Policy *p, const ArgFilter *f, char **ret_message);

/* One SystemCallArgumentFilter= line and where it was written. */
typedef struct ArgFilterLine {
        ArgFilter *filter;
        PolicyOrigin origin;
} ArgFilterLine;

/* Adds the N LINES to P: for each, one conditional rule per conjunct of the normal form of its
 * negation ("deny when it matches"), with its own action or DENY_ACTION, and its canonical
 * text as a note. Origins' files must be interned in P.
 *
 * Where a line with an errno action and a kill line for the same syscall both refuse a call,
 * libseccomp would return whichever of the overlapping rules its decision tree meets first.
 * So the errno line's rules are cut down to the calls every kill line allows, and kill is
 * what such a call gets. When that cut is too complex, the rules are left to overlap and the
 * call is refused with either action.
 *
 * -E2BIG when P would hold more than POLICY_RULES_MAX rules; *RET_FAILED (when not NULL) is
 * then the index of the line that did not fit. */
int argfilter_policy_add(Policy *p, const ArgFilterLine *lines, size_t n, PolicyAction deny_action,
                         size_t *ret_failed);
