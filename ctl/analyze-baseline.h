/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#include "baseline.h"
#include "policy.h"

/* The node baseline for "analyze policy", read offline from PATH (lib/baseline.h). NULL PATH:
 * none. A missing file is no baseline unless EXPLICIT (--baseline=FILE). Prints the located
 * errors to stderr and returns -errno when the file is not a valid baseline. */
int analyze_baseline_load(const char *path, bool explicit, Baseline **ret);

/* Prints the baseline as a layer of its own, then per syscall what the kernel decides with
 * both filters loaded (the most restrictive action wins; between two errnos the unit's, whose
 * filter is loaded later). ONLY: just that syscall. */
int analyze_baseline_print(const Policy *unit, const Baseline *b, const char *only, FILE *f);
