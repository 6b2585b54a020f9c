/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs the tests of lib/unit-condition.c for a start and keeps what status and show report:
 * ConditionResult=/AssertResult=, their timestamps, and the condition that was not met.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sys/log.h"
#include "core/service-condition.h"
#include "core/service.h"

static int unmet_text(const Condition *c, bool assert, char **ret) {
        return asprintf(ret, "%s%s=%s%s%s", assert ? "Assert" : "Condition", condition_type_to_string(c->type),
                        c->trigger ? "|" : "", c->negate ? "!" : "", c->parameter) < 0 ? -ENOMEM : 0;
}

static int check_list(Unit *u, const ConditionList *l, const ConditionEnv *env, bool assert, bool *ret_met) {
        const Condition *failed = NULL;
        char *text = NULL;

        if (condition_list_test(l, env, &failed)) {
                *ret_met = true;
                return 0;
        }
        if (unmet_text(failed, assert, &text) < 0)
                return -ENOMEM;
        free(u->condition_unmet);
        u->condition_unmet = text;
        *ret_met = false;
        return 0;
}

int service_check_conditions(Unit *u, ServiceConditionOutcome *ret) {
        const UnitConfig *c = u->config;
        ConditionEnv env;
        ConditionEnvBuf buf;
        bool met = true;
        int r;

        /* As systemd's: both results are set at every start, true for empty lists; the
         * asserts are not tested when a condition failed. */
        free(u->condition_unmet);
        u->condition_unmet = NULL;
        if (!c) {
                *ret = SERVICE_CONDITION_MET; /* not loaded: the start is refused elsewhere */
                return 0;
        }
        condition_env_load(&env, &buf);
        r = check_list(u, &c->conditions, &env, false, &met);
        if (r < 0)
                goto finish;
        u->condition_timestamp = now_usec(CLOCK_REALTIME);
        u->condition_result = met;
        if (!met) {
                log_unit_info(u->name, "%s was skipped because of an unmet condition check (%s).", u->name,
                              u->condition_unmet);
                unit_log_line(u, "%s was skipped because of an unmet condition check (%s).", u->name,
                              u->condition_unmet);
                *ret = SERVICE_CONDITION_SKIP;
                goto finish;
        }
        r = check_list(u, &c->asserts, &env, true, &met);
        if (r < 0)
                goto finish;
        u->assert_timestamp = now_usec(CLOCK_REALTIME);
        u->assert_result = met;
        if (!met) {
                log_unit_notice(u->name, "Starting requested but asserts failed (%s).", u->condition_unmet);
                unit_log_line(u, "Assertion failed for %s (%s).", u->name, u->condition_unmet);
        }
        *ret = met ? SERVICE_CONDITION_MET : SERVICE_CONDITION_ASSERT;
finish:
        condition_env_buf_done(&buf);
        return r;
}
