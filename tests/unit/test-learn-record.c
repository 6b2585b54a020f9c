/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Learn mode's record and drop-in: what calls and arguments become which directives, the wire
 * form, merging, and reading a drop-in back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <cmocka.h>

#include "learn-dropin.h"
#include "learn-record.h"


static void add(LearnRecord *r, const char *name, bool main_phase, uint64_t a0, uint64_t a1, uint64_t a2) {
        const uint64_t args[6] = { a0, a1, a2 };
        assert_int_equal(learn_record_add(r, name, main_phase, args), 0);
}

static char *render(const LearnRecord *r, bool groups) {
        char *text = NULL;
        assert_int_equal(learn_dropin_render(r, "x86-64", groups, NULL, &text), 0);
        return text;
}

static void test_exact_minimal(void **state) {
        LearnRecord r = {};
        add(&r, "write", false, 1, 0, 0);
        add(&r, "exit_group", false, 0, 0, 0);
        add(&r, "write", false, 1, 0, 0);
        assert_int_equal(learn_record_add_abi(&r, "x86-64"), 0);
        char *t = render(&r, false);
        assert_non_null(strstr(t, "\nSystemCallFilter=\nSystemCallFilter=exit_group write\n"));
        assert_non_null(strstr(t, "SystemCallArchitectures=native\n"));
        assert_non_null(strstr(t, "RestrictAddressFamilies=none\n"));
        assert_non_null(strstr(t, "RestrictNamespaces=yes\n"));
        assert_non_null(strstr(t, "MemoryDenyWriteExecute=yes\n"));
        assert_non_null(strstr(t, "LockPersonality=yes\n"));
        assert_null(strstr(t, "X-Syscage"));
        free(t);
        learn_record_done(&r);
}

static void test_directives_from_args(void **state) {
        LearnRecord r = {};
        add(&r, "socket", false, 2 /* AF_INET */, 1, 0);
        add(&r, "socketpair", false, 1 /* AF_UNIX */, 1, 0);
        add(&r, "unshare", false, CLONE_NEWNET | CLONE_FILES, 0, 0);
        add(&r, "mmap", false, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
        add(&r, "personality", false, 0x0008 /* PER_LINUX32 */, 0, 0);
        assert_int_equal(learn_record_add_abi(&r, "x86-64"), 0);
        assert_int_equal(learn_record_add_abi(&r, "x86"), 0);
        char *t = render(&r, false);
        assert_non_null(strstr(t, "RestrictAddressFamilies=AF_UNIX AF_INET\n"));
        assert_non_null(strstr(t, "RestrictNamespaces=net\n"));
        assert_null(strstr(t, "MemoryDenyWriteExecute"));
        assert_null(strstr(t, "LockPersonality"));
        assert_non_null(strstr(t, "SystemCallArchitectures=x86 x86-64\n"));
        free(t);
        learn_record_done(&r);
}

static void test_harmless_args(void **state) {
        LearnRecord r = {};
        add(&r, "mmap", false, 0, 4096, PROT_READ | PROT_EXEC);
        add(&r, "mprotect", false, 0, 4096, PROT_READ);
        add(&r, "personality", false, 0xffffffff, 0, 0);
        add(&r, "clone", false, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0, 0);
        char *t = render(&r, false);
        assert_non_null(strstr(t, "MemoryDenyWriteExecute=yes\n"));
        assert_non_null(strstr(t, "LockPersonality=yes\n"));
        assert_non_null(strstr(t, "RestrictNamespaces=yes\n"));
        free(t);
        learn_record_done(&r);
        /* An executable mprotect breaks MemoryDenyWriteExecute=, clone3 and socketcall hide
         * their arguments: those directives are left out, not guessed. */
        r = (LearnRecord) {};
        add(&r, "mprotect", false, 0, 4096, PROT_READ | PROT_EXEC);
        add(&r, "clone3", false, 0, 88, 0);
        add(&r, "socketcall", false, 1, 0, 0);
        t = render(&r, false);
        assert_null(strstr(t, "MemoryDenyWriteExecute=yes"));
        assert_null(strstr(t, "\nRestrictNamespaces="));
        assert_null(strstr(t, "\nRestrictAddressFamilies="));
        free(t);
        learn_record_done(&r);
}

static void test_phases(void **state) {
        LearnRecord r = {};
        add(&r, "openat", false, 0, 0, 0);
        r.phase = LEARN_PHASE_AFTER_LOADER;
        add(&r, "write", true, 1, 0, 0);
        char *t = render(&r, false);
        /* The start-up list holds the main list, and getpid for the marker. */
        assert_non_null(strstr(t, "# getpid: the phase marker"));
        assert_non_null(strstr(t, "SystemCallFilter=getpid openat write\n"));
        assert_non_null(strstr(t, "[X-Syscage]\n"));
        assert_non_null(strstr(t, "MainSystemCallFilter=\nMainSystemCallFilter=write\n"));
        assert_non_null(strstr(t, "MainPhaseStarts=after-loader\n"));
        free(t);
        learn_record_done(&r);
}

static void test_text_roundtrip(void **state) {
        LearnRecord r = {}, back = {};
        char *a = NULL, *b = NULL;
        add(&r, "openat", false, 0, 0, 0);
        r.phase = LEARN_PHASE_AFTER_READY;
        add(&r, "sendto", true, 0, 0, 0);
        add(&r, "socket", true, 10, 0, 0);
        assert_int_equal(learn_record_add_abi(&r, "x86-64"), 0);
        assert_int_equal(learn_record_to_text(&r, &a), 0);
        assert_int_equal(learn_record_from_text(a, &back), 0);
        assert_int_equal(learn_record_to_text(&back, &b), 0);
        assert_string_equal(a, b);
        assert_int_equal(back.phase, LEARN_PHASE_AFTER_READY);
        assert_true(string_set_contains(&back.main, "sendto"));
        assert_false(string_set_contains(&back.main, "openat"));
        { LearnRecord bad = {}; assert_int_equal(learn_record_from_text("bogus line\n", &bad), -EBADMSG); }
        free(a);
        free(b);
        learn_record_done(&r);
        learn_record_done(&back);
}

static void test_merge_and_parse(void **state) {
        LearnRecord a = {}, b = {}, parsed = {};
        char *t = NULL;
        add(&a, "read", false, 0, 0, 0);
        add(&a, "socket", false, 1, 0, 0);
        assert_int_equal(learn_record_add_abi(&a, "x86-64"), 0);
        add(&b, "write", false, 0, 0, 0);
        add(&b, "socket", false, 10, 0, 0);
        add(&b, "mmap", false, 0, 0, PROT_WRITE | PROT_EXEC);
        assert_int_equal(learn_record_add_abi(&b, "x86-64"), 0);
        /* b goes through its drop-in, as --learn-merge reads it. */
        t = render(&b, false);
        assert_int_equal(learn_dropin_parse(t, "x86-64", &parsed), 0);
        free(t);
        assert_int_equal(learn_record_merge(&a, &parsed), 0);
        learn_record_done(&parsed);
        t = render(&a, false);
        assert_non_null(strstr(t, "SystemCallFilter=mmap read socket write\n"));
        assert_non_null(strstr(t, "RestrictAddressFamilies=AF_UNIX AF_INET6\n"));
        assert_null(strstr(t, "MemoryDenyWriteExecute"));
        assert_non_null(strstr(t, "SystemCallArchitectures=native\n"));
        free(t);
        assert_int_equal(learn_dropin_parse("[Service]\nNoSuchKey=1\n", "x86-64", &parsed), -EBADMSG);
        learn_record_done(&a);
        learn_record_done(&b);
}

/* A drop-in read back for --learn-merge may come from a directory the learned service
 * controls: a word that is not a system call (a deny-list "~", a per-entry action, a trailing
 * backslash that would join the next written line, an unknown ABI) must be refused, never
 * copied into the drop-in. */
static void test_parse_hostile_words(void **state) {
        static const char *const bad[] = {
                "SystemCallFilter=~execve\n",
                "SystemCallFilter=read execve:0\n",
                "SystemCallFilter=read \\\n",
                "SystemCallFilter=nosuchcall\n",
                "MainSystemCallFilter=read~\n",
                "SystemCallArchitectures=x86-64\\\n",
                "SystemCallArchitectures=nosucharch\n",
        };
        LearnRecord parsed = {};

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                assert_int_equal(learn_dropin_parse(bad[i], "x86-64", &parsed), -EBADMSG);
        assert_int_equal(learn_dropin_parse("SystemCallFilter=read write\nSystemCallArchitectures=native x86\n",
                                            "x86-64", &parsed), 0);
        assert_int_equal(parsed.syscalls.n, 2);
        learn_record_done(&parsed);
}

static void test_groups(void **state) {
        static const char *const fs[] = { "openat", "newfstatat", "getdents64", "statx", "readlink",
                                          "access", "statfs", "getcwd", "chdir", "mkdir", "unlinkat" };
        LearnRecord r = {}, parsed = {};
        for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++)
                add(&r, fs[i], false, 0, 0, 0);
        add(&r, "uname", false, 0, 0, 0);
        char *t = render(&r, true);
        assert_non_null(strstr(t, "# @file-system: "));
        assert_non_null(strstr(t, "SystemCallFilter=@file-system\n"));
        /* uname is in no group that was picked: it stays a single call. */
        assert_non_null(strstr(t, "uname"));
        /* Read back, the group is expanded: every call seen is in it. */
        assert_int_equal(learn_dropin_parse(t, "x86-64", &parsed), 0);
        for (size_t i = 0; i < r.syscalls.n; i++)
                assert_true(string_set_contains(&parsed.syscalls, r.syscalls.items[i]));
        free(t);
        learn_record_done(&r);
        learn_record_done(&parsed);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exact_minimal),
                cmocka_unit_test(test_directives_from_args),
                cmocka_unit_test(test_harmless_args),
                cmocka_unit_test(test_phases),
                cmocka_unit_test(test_text_roundtrip),
                cmocka_unit_test(test_merge_and_parse),
                cmocka_unit_test(test_parse_hostile_words),
                cmocka_unit_test(test_groups),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
