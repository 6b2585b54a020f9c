/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PolicyMode=complain (policy-complain.h) on the IR and on the compiled programs, and the
 * decisive line `analyze policy` names for each syscall (policy_decisive_origin()), removals
 * and drop-ins included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "policy-complain.h"
#include "policy-test-util.h"

static const uint64_t no_args[6];

/* Builds LINES, plus [X-Syscage] SystemCallArgumentFilter=write: fd <= 2 and PolicyMode=MODE. */
static Policy *build_mode(const char *const *lines, const char *mode) {
        UnitFile *u = test_unit_from_lines(lines);
        DiagList diags = {};
        Policy *p = NULL;

        test_unit_add(u, "X-Syscage", "SystemCallArgumentFilter", "write: fd <= 2", "drop.conf", 2);
        if (mode)
                test_unit_add(u, "X-Syscage", "PolicyMode", mode, "drop.conf", 3);
        assert_int_equal(policy_build(u, &diags, &p), 0);
        test_unit_free(u);
        diag_list_done(&diags);
        return p;
}

static const char *const trial_lines[] = {
        "SystemCallFilter=~uname execve", "RestrictAddressFamilies=AF_UNIX",
        "SystemCallErrorNumber=EPERM", NULL,
};

static void test_mode_strings(void **state) {
        assert_int_equal(policy_mode_from_string("enforce"), POLICY_MODE_ENFORCE);
        assert_int_equal(policy_mode_from_string("complain"), POLICY_MODE_COMPLAIN);
        assert_true(policy_mode_from_string("Complain") < 0);
        assert_true(policy_mode_from_string(NULL) < 0);
        assert_string_equal(policy_mode_to_string(POLICY_MODE_COMPLAIN), "complain");
        assert_true(policy_complain_actions_logged("kill_process kill_thread trap errno user_notif trace log"));
        assert_true(policy_complain_actions_logged("log\n"));
        assert_false(policy_complain_actions_logged("kill_process logx errno"));
        assert_false(policy_complain_actions_logged(""));
}

static void test_bad_mode(void **state) {
        UnitFile *u = test_unit_from_lines(NULL);
        DiagList diags = {};
        Policy *p = NULL;

        test_unit_add(u, "X-Syscage", "PolicyMode", "audit", "x.service", 7);
        assert_int_equal(policy_build(u, &diags, &p), -EINVAL);
        assert_int_equal(diags.n, 1);
        assert_int_equal(diags.items[0].line, 7);
        assert_non_null(strstr(diags.items[0].message, "Unknown policy mode"));
        test_unit_free(u);
        diag_list_done(&diags);
}

/* Enforced, the probe's calls are refused; in complain mode they are logged. */
static void test_complain_programs(void **state) {
        Policy *enforce = build_mode(trial_lines, NULL), *complain = build_mode(trial_lines, "complain");
        Policy *reset = build_mode(trial_lines, "");
        FilterSet *fe = NULL, *fc = NULL, *notify = NULL;
        const uint64_t inet[6] = { AF_INET }, fd5[6] = { 5 }, fd1[6] = { 1 };
        uint32_t native = arch_native();

        assert_false(enforce->complain);
        assert_false(reset->complain);
        assert_true(complain->complain);
        assert_false(policy_equal(enforce, complain));
        assert_true(policy_equal(enforce, reset));
        assert_int_not_equal(policy_hash(enforce), policy_hash(complain));
        /* The exec gate stays on and still knows what it would have done. */
        assert_true(policy_denies_exec(complain));
        assert_int_equal(policy_exec_gate_action(complain).type, POLICY_ACTION_ERRNO);

        assert_int_equal(filter_compile_gate(enforce, &notify, &fe), 0);
        notify = filter_set_free(notify);
        assert_int_equal(filter_compile_gate(complain, &notify, &fc), 0);
        assert_int_equal(test_eval(fe, native, "uname", no_args), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(fc, native, "uname", no_args), SECCOMP_RET_LOG);
        assert_int_equal(test_eval(fe, native, "socket", inet) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
        assert_int_equal(test_eval(fc, native, "socket", inet), SECCOMP_RET_LOG);
        assert_int_equal(test_eval(fe, native, "write", fd5), SECCOMP_RET_ERRNO | EPERM);
        assert_int_equal(test_eval(fc, native, "write", fd5), SECCOMP_RET_LOG);
        assert_int_equal(test_eval(fc, native, "write", fd1), SECCOMP_RET_ALLOW);
        assert_int_equal(test_eval(fc, native, "getpid", no_args), SECCOMP_RET_ALLOW);
        /* The gate decides execve in both (it continues it in complain mode). */
        assert_int_equal(test_eval(notify, native, "execve", no_args), SECCOMP_RET_USER_NOTIF);
        /* A foreign ABI is still killed. */
        assert_int_equal(test_eval(fc, SCMP_ARCH_X86, "getpid", no_args), SECCOMP_RET_KILL_PROCESS);

        filter_set_free(fe);
        filter_set_free(fc);
        filter_set_free(notify);
        policy_free(enforce);
        policy_free(complain);
        policy_free(reset);
}

/* An allow list's default (ENOSYS) and its kill for listed-out calls become LOG too. */
static void test_complain_allow_list(void **state) {
        static const char *const lines[] = { "SystemCallFilter=@system-service", NULL };
        Policy *p = build_mode(lines, "complain");
        PolicyAction a;

        assert_int_equal(p->default_action.type, POLICY_ACTION_LOG);
        policy_effective_action(p, "reboot", &a, NULL);
        assert_int_equal(a.type, POLICY_ACTION_LOG);
        policy_effective_action(p, "read", &a, NULL);
        assert_int_equal(a.type, POLICY_ACTION_ALLOW);
        for (size_t i = 0; i < p->n_rules; i++)
                assert_true(p->rules[i].action.type <= POLICY_ACTION_LOG ||
                            policy_is_exec_call(p->rules[i].syscall));
        policy_free(p);
}

static void assert_origin(const Policy *p, const char *syscall, const char *file, unsigned line) {
        PolicyOrigin o = policy_decisive_origin(p, syscall);
        assert_non_null(o.file);
        assert_string_equal(o.file, file);
        assert_int_equal(o.line, line);
}

/* "~uname" after an allow list: line 3 decides uname, not line 2; a removal from a drop-in
 * names the drop-in; re-adding forgets the removal; a deny list's allow line counts too. */
static void test_attribution(void **state) {
        static const char *const allow[] = {
                "SystemCallFilter=@system-service", "SystemCallFilter=~uname getpid",
                "SystemCallFilter=getpid", NULL,
        };
        static const char *const deny[] = { "SystemCallFilter=~@clock uname", "SystemCallFilter=uname", NULL };
        UnitFile *u = test_unit_from_lines(allow);
        DiagList diags = {};
        Policy *p = NULL;

        test_unit_add(u, "Service", "SystemCallFilter", "~gettid", "a.service.d/x.conf", 2);
        assert_int_equal(policy_build(u, &diags, &p), 0);
        assert_origin(p, "uname", TEST_UNIT_FILE, 3);
        assert_origin(p, "gettid", "a.service.d/x.conf", 2);
        assert_origin(p, "getpid", TEST_UNIT_FILE, 4);
        assert_origin(p, "read", TEST_UNIT_FILE, 2);
        assert_origin(p, "reboot", TEST_UNIT_FILE, 2);
        policy_free(p);
        test_unit_free(u);

        assert_int_equal(test_build(deny, &diags, &p), 0);
        assert_origin(p, "uname", TEST_UNIT_FILE, 3);
        assert_origin(p, "clock_settime", TEST_UNIT_FILE, 2);
        policy_free(p);
        diag_list_done(&diags);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mode_strings),
                cmocka_unit_test(test_bad_mode),
                cmocka_unit_test(test_complain_programs),
                cmocka_unit_test(test_complain_allow_list),
                cmocka_unit_test(test_attribution),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
