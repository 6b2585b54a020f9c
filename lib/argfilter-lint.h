/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Lints of SystemCallArgumentFilter= lines, for syscagectl verify:
 *  - calls that do what another call does: an argument filter on one of them restricts
 *    nothing while a sibling stays allowed without one (a filter on openat() while open()
 *    and openat2() are allowed);
 *  - a line whose expression holds for every call ("count >= 0" on an unsigned count).
 */
#pragma once

#include "diag.h"
#include "policy.h"

/* A warning for each group of siblings where an argument-filtered call has a sibling that the
 * policy allows outright: each names the line and the unfiltered siblings. */
int argfilter_lint_siblings(const Policy *p, DiagList *diags);

/* A warning for each line whose expression holds whatever the arguments: it refuses nothing. */
int argfilter_lint_tautologies(const Policy *p, DiagList *diags);
