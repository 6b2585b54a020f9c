/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node baseline file: what it accepts, what it refuses and where it says so. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "baseline.h"

static int parse(const char *text, DiagList *diags, Baseline **ret) {
        return baseline_parse("/etc/base.conf", text, strlen(text), diags, ret);
}

/* Whether DIAGS holds an error at LINE for KEY whose message contains WORDS. */
static bool has_error(const DiagList *diags, unsigned line, const char *key, const char *words) {
        for (size_t i = 0; i < diags->n; i++) {
                const Diag *d = &diags->items[i];
                if (d->level == DIAG_ERROR && d->line == line && d->file &&
                    strcmp(d->file, "/etc/base.conf") == 0 && (!key || (d->key && strcmp(d->key, key) == 0)) &&
                    strstr(d->message, words))
                        return true;
        }
        return false;
}

static void test_deny_list(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;
        char buf[BASELINE_SUMMARY_MAX], h[BASELINE_HASH_STRING_MAX];
        PolicyAction a;

        assert_int_equal(parse("# fleet\n[Service]\nSystemCallFilter=~kexec_load bpf uname\n"
                               "SystemCallErrorNumber=EPERM\n", &diags, &b), 0);
        assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 0);
        assert_string_equal(b->path, "/etc/base.conf");
        assert_int_equal(b->n_denied, 3);
        policy_effective_action(b->policy, "uname", &a, NULL);
        assert_int_equal(a.type, POLICY_ACTION_ERRNO);
        assert_int_equal(a.errno_value, EPERM);
        policy_effective_action(b->policy, "read", &a, NULL);
        assert_int_equal(a.type, POLICY_ACTION_ALLOW);
        assert_non_null(strstr(baseline_summary(b, buf, sizeof buf), "3 calls denied"));
        assert_int_equal(strlen(baseline_hash_format(b->hash, h)), 16);
}

static void test_hash_follows_content(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *a = NULL, *b = NULL, *c = NULL;

        assert_int_equal(parse("[Service]\nSystemCallFilter=~bpf\n", &diags, &a), 0);
        assert_int_equal(parse("[Service]\nSystemCallFilter=~bpf\n", &diags, &b), 0);
        assert_int_equal(parse("[Service]\nSystemCallFilter=~bpf kexec_load\n", &diags, &c), 0);
        assert_true(a->hash == b->hash);
        assert_true(a->hash != c->hash);
}

static void test_empty_file(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;

        assert_int_equal(parse("", &diags, &b), 0);
        assert_true(policy_is_empty(b->policy));
        assert_int_equal(b->n_denied, 0);
}

static void test_other_keys_refused(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        Baseline *b = NULL;

        assert_int_equal(parse("[Service]\nSystemCallFilter=~bpf\nExecStart=/bin/true\n"
                               "[Unit]\nDescription=x\n[X-Syscage]\nProtectSupervisor=yes\n",
                               &diags, &b), -EBADMSG);
        assert_null(b);
        assert_true(has_error(&diags, 3, "ExecStart", "not allowed in a baseline"));
        assert_true(has_error(&diags, 5, "Description", "not allowed in a baseline"));
        assert_true(has_error(&diags, 7, "ProtectSupervisor", "not allowed in a baseline"));
}

/* An argument filter in a baseline: the node refuses AF_PACKET sockets whatever a unit says,
 * and the refusal is a conditional rule of the baseline's own policy. */
static void test_argument_filter(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;
        bool found = false;

        assert_int_equal(parse("[X-Syscage]\nSystemCallArgumentFilter=socket:EPERM: domain != AF_PACKET\n",
                               &diags, &b), 0);
        for (size_t i = 0; i < b->policy->n_rules; i++)
                if (streq(b->policy->rules[i].syscall, "socket") && b->policy->rules[i].n_conds > 0)
                        found = true;
        assert_true(found);
        assert_int_equal(parse("[X-Syscage]\nSystemCallArgumentFilter=write: fd >\n", &diags, &b), -EBADMSG);
}

static void test_bad_value_located(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        Baseline *b = NULL;

        assert_int_equal(parse("[Service]\n\nSystemCallFilter=~no_such_call_at_all\n", &diags, &b), -EBADMSG);
        assert_null(b);
        assert_true(has_error(&diags, 3, "SystemCallFilter", ""));
}

static void test_launch_calls_refused(void **state) {
        static const char *const cases[] = {
                "[Service]\nSystemCallFilter=~execve\n",
                "[Service]\nSystemCallFilter=~execveat\n",
                "[Service]\nSystemCallFilter=~seccomp\n",
                "[Service]\nSystemCallFilter=~setresuid\n",
                "[Service]\nSystemCallFilter=~@process\n",
        };
        static const char *const words[] = { "restrict execve", "restrict execveat", "restrict seccomp",
                                              "restrict setresuid", "restrict execve" };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                _cleanup_(diag_list_done) DiagList diags = {};
                Baseline *b = NULL;
                assert_int_equal(parse(cases[i], &diags, &b), -EBADMSG);
                assert_null(b);
                assert_true(has_error(&diags, 2, "SystemCallFilter", words[i]));
        }
}

/* An allow list must name every call of the launch. */
static void test_allow_list(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {}, diags2 = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;
        Baseline *bad = NULL;

        assert_int_equal(parse("[Service]\nSystemCallFilter=@basic-io\n", &diags2, &bad), -EBADMSG);
        assert_null(bad);
        assert_true(has_error(&diags2, 2, "SystemCallFilter", "restrict execve"));
        assert_int_equal(parse("[Service]\nSystemCallFilter=@system-service\n", &diags, &b), 0);
        assert_true(b->policy->allow_list);
        assert_true(b->n_allowed > 100);
}

static void test_load_missing_and_file(void **state) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;
        char path[] = "/tmp/test-baseline-XXXXXX";
        int fd;

        assert_int_equal(baseline_load("/nonexistent/baseline.conf", &diags, &b), -ENOENT);
        assert_int_equal(diags.n, 0);
        fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "[Service]\nSystemCallFilter=~bpf\n", 32), 32);
        close(fd);
        assert_int_equal(baseline_load(path, &diags, &b), 0);
        assert_string_equal(b->path, path);
        assert_int_equal(b->n_denied, 1);
        unlink(path);
        assert_int_equal(baseline_load("/tmp", &diags, &b), -EINVAL);
        assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_deny_list),
                cmocka_unit_test(test_hash_follows_content),
                cmocka_unit_test(test_empty_file),
                cmocka_unit_test(test_other_keys_refused),
                cmocka_unit_test(test_argument_filter),
                cmocka_unit_test(test_bad_value_located),
                cmocka_unit_test(test_launch_calls_refused),
                cmocka_unit_test(test_allow_list),
                cmocka_unit_test(test_load_missing_and_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
