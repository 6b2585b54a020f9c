/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Calls that do what another call does: an argument filter on one of them restricts nothing
 * while a sibling stays allowed without one (a filter on openat() while open() and openat2()
 * are allowed). syscagectl verify warns about it.
 */
#pragma once

#include "diag.h"
#include "policy.h"

/* A warning for each group of siblings where an argument-filtered call has a sibling that the
 * policy allows outright: each names the line and the unfiltered siblings. */
int argfilter_lint_siblings(const Policy *p, DiagList *diags);
