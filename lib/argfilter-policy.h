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

/* Adds F to P: one conditional rule per conjunct of the normal form of its negation ("deny
 * when it matches"), with F's own action or DENY_ACTION, and F's canonical text as a note.
 * The origin's file must be interned in P. -E2BIG when the form is too complex. */
int argfilter_policy_add(Policy *p, const ArgFilter *f, PolicyAction deny_action,
                         PolicyOrigin origin);
