/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exit_codes),
                cmocka_unit_test(test_table_complete),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
