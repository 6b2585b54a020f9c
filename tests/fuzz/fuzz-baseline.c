/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for the node baseline file (lib/baseline.h): the input is the file's content.
 * A baseline that loads must allow every call of the launch; the target checks that too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "unit-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Baseline *b = NULL;
        DiagList d = {};

        if (size > UNIT_FILE_SIZE_MAX + 1)
                return 0;
        if (baseline_parse("fuzz-baseline.conf", (const char *) data, size, &d, &b) >= 0) {
                char summary[BASELINE_SUMMARY_MAX];
                (void) baseline_summary(b, summary, sizeof summary);
                for (const char *const *c = baseline_launch_calls(); *c; c++) {
                        PolicyAction a;
                        policy_effective_action(b->policy, *c, &a, NULL);
                        if (a.type > POLICY_ACTION_LOG || policy_has_conditions(b->policy, *c))
                                abort();
                }
        }
        for (size_t i = 0; i < d.n; i++)
                (void) strlen(d.items[i].message);
        baseline_free(b);
        diag_list_done(&d);
        return 0;
}
