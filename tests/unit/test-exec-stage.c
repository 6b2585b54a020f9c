/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "exec/exec-plan.h"
#include "exec/exec-stage.h"

/* The codes shared with systemd's EXIT_* table are an interface: pin them. */
static void test_exit_codes(void **state) {
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_CHDIR), 200);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_NICE), 201);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_FDS), 202);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_EXEC), 203);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_ACCESS), 203);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_LIMITS), 205);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_SIGNALS), 207);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_STDIN), 208);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_STDOUT), 209);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_GROUP), 216);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_USER), 217);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_CAPABILITIES), 218);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_CGROUP), 219);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_SETSID), 220);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_STDERR), 222);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_NETWORK), 225);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_MOUNTS), 226);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_NAMESPACE), 252);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_NO_NEW_PRIVS), 227);
        assert_int_equal(exec_stage_exit_code(EXEC_STAGE_SECCOMP), 228);
        assert_int_equal(exec_stage_exit_code(_EXEC_STAGE_INVALID), -1);
        assert_int_equal(exec_stage_exit_code(_EXEC_STAGE_MAX), -1);
}

static void test_table_complete(void **state) {
        for (int i = 0; i < _EXEC_STAGE_MAX; i++) {
                const char *name = exec_stage_to_string((ExecStage) i);
                assert_non_null(name);
                assert_int_equal(exec_stage_from_string(name), i);
                int code = exec_stage_exit_code((ExecStage) i);
                /* Never a code a service could plausibly use for itself in normal runs. */
                assert_true(code >= 200 && code <= 255);
                /* Distinct codes, except ACCESS and EXEC which both mean "cannot exec". */
                for (int j = 0; j < i; j++)
                        if (!(i == EXEC_STAGE_EXEC && j == EXEC_STAGE_ACCESS))
                                assert_int_not_equal(code, exec_stage_exit_code((ExecStage) j));
        }
        assert_null(exec_stage_to_string(_EXEC_STAGE_MAX));
        assert_int_equal(exec_stage_from_string("nope"), _EXEC_STAGE_INVALID);
        assert_int_equal(exec_stage_from_string(NULL), _EXEC_STAGE_INVALID);
        assert_string_equal(exec_gate_action_to_string(EXEC_GATE_KILL), "kill");
        assert_int_equal(exec_gate_action_from_string("errno"), EXEC_GATE_ERRNO);
        assert_int_equal(exec_gate_action_from_string("x"), _EXEC_GATE_ACTION_INVALID);
}

/* exec_plan_check() refuses a mount plan the child could not run safely. */
static void test_plan_check_mount_plan(void **state) {
        static const char *const argv[] = { "/bin/true", NULL };
        UnitSandbox s;
        MountPlanContext ctx = { .private_tmp = "/var/tmp/x", .inaccessible_file = "/run/i" };
        MountPlan *m = NULL;
        ExecPlan p;

        memset(&s, 0, sizeof(s));
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.private_tmp = true;
        s.protect_home = PROTECT_HOME_YES;
        assert_int_equal(mount_plan_build(&s, &ctx, NULL, &m), 0);
        exec_plan_init(&p);
        p.path = argv[0];
        p.argv = argv;
        p.envp = argv + 1;
        p.mount_plan = m;
        assert_int_equal(exec_plan_check(&p), 0);

        const char *saved = m->ops[0].target;
        m->ops[0].target = "/outside/the/block"; /* exec_spawn() could not copy it */
        assert_int_equal(exec_plan_check(&p), -EINVAL);
        m->ops[0].target = saved;
        m->n_clones++;
        assert_int_equal(exec_plan_check(&p), -EINVAL);
        m->n_clones--;
        m->ops[0].kind = _MOUNT_OP_KIND_MAX;
        assert_int_equal(exec_plan_check(&p), -EINVAL);
        m->ops[0].kind = MOUNT_OP_ATTR;
        m->n_ops = MOUNT_PLAN_OPS_MAX + 1;
        assert_int_equal(exec_plan_check(&p), -EINVAL);
        mount_plan_free(m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exit_codes),
                cmocka_unit_test(test_table_complete),
                cmocka_unit_test(test_plan_check_mount_plan),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
