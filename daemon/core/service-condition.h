/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Condition*= and Assert*= at the start of a cycle (systemd.unit(5)): tested right before
 * ExecStartPre=, after the dependencies were started, before the start limit counts.
 */
#pragma once

#include "core/unit.h"

typedef enum ServiceConditionOutcome {
        SERVICE_CONDITION_MET,
        SERVICE_CONDITION_SKIP,   /* a condition failed: the unit stays as it is, the job is done */
        SERVICE_CONDITION_ASSERT, /* an assert failed: the unit stays as it is, the job fails */
} ServiceConditionOutcome;

/* Tests the unit's conditions, then its asserts, and records the outcome in U (results,
 * timestamps, the unmet one, the log line). -ENOMEM when the system could not be read. */
int service_check_conditions(Unit *u, ServiceConditionOutcome *ret);
