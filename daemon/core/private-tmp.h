/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PrivateTmp=: the host directories that become a unit's /tmp and /var/tmp.
 *
 * At the start of an activation the daemon creates TMP/syscage-private-UNIT-RANDOM (root,
 * 0700, so nobody on the host walks into it) with a "tmp" directory inside (01777, what the
 * service sees as /tmp), for TMP = /tmp and /var/tmp. Every process of the activation
 * (ExecStartPre= to ExecStopPost=) gets the same two; they are removed once the unit stopped,
 * in a child (tree-remove.h), without following what the service left in them.
 */
#pragma once

#include "core/tree-remove.h"

/* Named limits (STYLE.md #10). */
#define PRIVATE_TMP_UNIT_CHARS_MAX 100u /* of the unit name kept in the directory's name */
#define PRIVATE_TMP_ATTEMPTS_MAX 16u    /* random names tried before giving up */

typedef struct PrivateTmp {
        char *tmp_top, *var_tmp_top; /* what is removed */
        char *tmp, *var_tmp;         /* TOP/tmp: what the service sees */
} PrivateTmp;

/* Creates both under TMP_BASE and VAR_TMP_BASE ("/tmp", "/var/tmp"). On failure nothing is
 * left behind. */
int private_tmp_create(const char *unit, const char *tmp_base, const char *var_tmp_base, PrivateTmp *ret);
/* Starts the removal of both (REMOVER NULL: at once, in this process) and empties P. */
void private_tmp_remove(PrivateTmp *p, TreeRemover *remover);
void private_tmp_done(PrivateTmp *p);
