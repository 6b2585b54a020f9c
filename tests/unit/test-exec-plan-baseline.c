/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the child loads the node baseline, and when it needs no_new_privs for it
 * (exec_plan_baseline_early(), exec_plan_want_nnp()), as a table. */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "exec/exec-plan.h"

static struct sock_filter allow_all[] = { { 0x06, 0, 0, 0x7fff0000 } }; /* ret ALLOW */
static const struct sock_fprog prog = { .len = 1, .filter = allow_all };

typedef struct Case {
        const char *what;
        bool baseline, unit_filter, nnp;
        uid_t uid;
        bool drop_sys_admin;
        bool want_early, want_nnp; /* for a daemon running as root */
} Case;

static const Case cases[] = {
        { "nothing at all", false, false, false, EXEC_UID_UNSET, false, false, false },
        { "root, baseline only", true, false, false, EXEC_UID_UNSET, false, false, false },
        { "root without CAP_SYS_ADMIN, baseline only", true, false, false, EXEC_UID_UNSET, true, true, false },
        { "nobody, baseline only", true, false, false, 65534, false, true, false },
        { "nobody, baseline, NoNewPrivileges=", true, false, true, 65534, false, false, true },
        { "nobody, baseline and a policy", true, true, false, 65534, false, false, true },
        { "root, baseline and a policy", true, true, false, EXEC_UID_UNSET, false, false, false },
        { "nobody, a policy, no baseline", false, true, false, 65534, false, false, true },
};

static void test_table(void **state) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const Case *c = &cases[i];
                ExecPlan p;

                exec_plan_init(&p);
                p.path = "/bin/true";
                if (c->baseline) {
                        p.filter_baseline = &prog;
                        p.n_filter_baseline = 1;
                }
                if (c->unit_filter)
                        p.filter_policy = &prog;
                p.no_new_privs = c->nnp;
                p.uid = c->uid;
                if (c->drop_sys_admin)
                        p.capability_bounding_set = ~(UINT64_C(1) << CAP_SYS_ADMIN);
                print_message("%s\n", c->what);
                if (geteuid() == 0) {
                        assert_int_equal(exec_plan_baseline_early(&p), c->want_early);
                        assert_int_equal(exec_plan_want_nnp(&p), c->want_nnp);
                } else {
                        /* Nothing to lend: never early, no_new_privs whenever a filter loads. */
                        assert_false(exec_plan_baseline_early(&p));
                        assert_int_equal(exec_plan_want_nnp(&p), c->nnp || c->baseline || c->unit_filter);
                }
                /* Never both: a baseline loaded early needs no no_new_privs. */
                assert_false(exec_plan_baseline_early(&p) && exec_plan_want_nnp(&p));
        }
}

static void test_check(void **state) {
        const char *argv[] = { "/bin/true", NULL };
        ExecPlan p;

        exec_plan_init(&p);
        p.path = "/bin/true";
        p.argv = argv;
        p.envp = argv + 1;
        p.filter_baseline = &prog;
        p.n_filter_baseline = 1;
        assert_int_equal(exec_plan_check(&p), 0);
        p.n_filter_baseline = 0; /* a baseline of no programs */
        assert_int_equal(exec_plan_check(&p), -EINVAL);
        p.n_filter_baseline = EXEC_FILTERS_MAX + 1;
        assert_int_equal(exec_plan_check(&p), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_check),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
