/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The main phase's model: the Main* keys built like SystemCallFilter=, with their own names
 * in diagnostics; the errors (unknown MainPhaseStarts=, Main* without it, after-ready on a
 * unit that is not Type=notify) and the warning about a main filter wider than start-up;
 * after-ready's routed calls; the marker's getpid() kept allowed for after-loader; and the
 * ELF reader that tells a static executable from a dynamic one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-build.h"
#include "policy-phase.h"

typedef struct Built {
        DiagList diags;
        Policy *startup;
        PolicyPhase *phase;
        int r;
} Built;

static void built_done(Built *b) {
        policy_phase_free(b->phase);
        policy_unref(b->startup);
        diag_list_done(&b->diags);
}

static void build(const char *text, Built *b) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;

        *b = (Built) {};
        assert_int_equal(unit_file_load_string("t.service", "t.service", text, &b->diags, &u), 0);
        assert_int_equal(policy_build(u, &b->diags, &b->startup), 0);
        b->r = policy_phase_build(u, b->startup, &b->diags, &b->phase);
}

static const Diag *find_diag(const DiagList *l, DiagLevel level, unsigned line, const char *key,
                             const char *sub) {
        for (size_t i = 0; i < l->n; i++) {
                const Diag *d = &l->items[i];
                if (d->level == level && d->line == line && d->key && streq(d->key, key) &&
                    strstr(d->message, sub))
                        return d;
        }
        return NULL;
}

static PolicyAction action(const Policy *p, const char *name) {
        PolicyAction a;
        policy_effective_action(p, name, &a, NULL);
        return a;
}

static void test_none(void **state) {
        Built b;
        build("[Service]\nExecStart=/bin/true\nSystemCallFilter=~mount\n", &b);
        assert_int_equal(b.r, 0);
        assert_null(b.phase);
        built_done(&b);
}

static void test_after_loader(void **state) {
        Built b;
        build("[Service]\nExecStart=/bin/true\n[X-Syscage]\nMainSystemCallFilter=write exit_group\n"
              "MainSystemCallErrorNumber=EACCES\nMainPhaseStarts=after-loader\n", &b);
        assert_int_equal(b.r, 0);
        assert_non_null(b.phase);
        assert_int_equal(b.phase->start, PHASE_START_AFTER_LOADER);
        assert_int_equal(b.phase->line, 6);
        assert_int_equal(action(b.phase->main, "write").type, POLICY_ACTION_ALLOW);
        /* The marker's getpid() is kept allowed. */
        assert_int_equal(action(b.phase->main, "getpid").type, POLICY_ACTION_ALLOW);
        PolicyAction u = action(b.phase->main, "uname");
        assert_int_equal(u.type, POLICY_ACTION_ERRNO);
        assert_int_equal(b.phase->n_startup_only, 0);
        built_done(&b);
}

static void test_after_ready_routes(void **state) {
        Built b;
        build("[Service]\nType=notify\nExecStart=/bin/true\nSystemCallFilter=~mount\n"
              "[X-Syscage]\nMainSystemCallFilter=~bind setresuid mount\n"
              "MainSystemCallErrorNumber=EPERM\nMainPhaseStarts=after-ready\n", &b);
        assert_int_equal(b.r, 0);
        assert_int_equal(b.phase->start, PHASE_START_AFTER_READY);
        /* mount is refused in start-up already: only bind and setresuid are routed. */
        assert_int_equal(b.phase->n_startup_only, 2);
        int bind_nr = seccomp_syscall_resolve_name("bind"), setresuid_nr = seccomp_syscall_resolve_name("setresuid");
        bool seen_bind = false, seen_setresuid = false;
        for (size_t i = 0; i < b.phase->n_startup_only; i++) {
                const PolicyPhaseCall *c = &b.phase->startup_only[i];
                assert_int_equal(c->action.type, POLICY_ACTION_ERRNO);
                assert_int_equal(c->action.errno_value, EPERM);
                seen_bind |= c->nr == bind_nr;
                seen_setresuid |= c->nr == setresuid_nr;
                if (i > 0)
                        assert_true(b.phase->startup_only[i - 1].nr < c->nr);
        }
        assert_true(seen_bind && seen_setresuid);
        built_done(&b);
}

static void test_errors(void **state) {
        Built b;

        build("[Service]\nExecStart=/bin/true\n[X-Syscage]\nMainSystemCallFilter=write\n"
              "MainPhaseStarts=after-main\n", &b);
        assert_int_equal(b.r, -EINVAL);
        assert_non_null(find_diag(&b.diags, DIAG_ERROR, 5, "MainPhaseStarts", "unknown value"));
        built_done(&b);

        build("[Service]\nExecStart=/bin/true\n[X-Syscage]\nMainSystemCallFilter=write\n", &b);
        assert_int_equal(b.r, -EINVAL);
        assert_non_null(find_diag(&b.diags, DIAG_ERROR, 4, "MainSystemCallFilter", "needs MainPhaseStarts="));
        built_done(&b);

        build("[Service]\nExecStart=/bin/true\n[X-Syscage]\nMainSystemCallFilter=write\n"
              "MainPhaseStarts=after-ready\n", &b);
        assert_int_equal(b.r, -EINVAL);
        assert_non_null(find_diag(&b.diags, DIAG_ERROR, 5, "MainPhaseStarts", "Type=notify"));
        built_done(&b);

        /* The builder's own errors carry the Main* key. */
        build("[Service]\nType=notify\nExecStart=/bin/true\n[X-Syscage]\nMainSystemCallFilter=~nosuchcall\n"
              "MainPhaseStarts=after-ready\n", &b);
        assert_int_equal(b.r, -EINVAL);
        assert_non_null(find_diag(&b.diags, DIAG_ERROR, 5, "MainSystemCallFilter", "nosuchcall"));
        built_done(&b);

        /* after-loader needs the marker to get through the start-up policy. */
        build("[Service]\nExecStart=/bin/true\nSystemCallFilter=~getpid\n[X-Syscage]\n"
              "MainSystemCallFilter=write\nMainPhaseStarts=after-loader\n", &b);
        assert_int_equal(b.r, -EINVAL);
        assert_non_null(find_diag(&b.diags, DIAG_ERROR, 6, "MainPhaseStarts", "getpid"));
        built_done(&b);
}

static void test_wider_warning(void **state) {
        Built b;
        build("[Service]\nType=notify\nExecStart=/bin/true\nSystemCallFilter=~mount umount2\n"
              "[X-Syscage]\nMainSystemCallFilter=~bind\nMainPhaseStarts=after-ready\n", &b);
        assert_int_equal(b.r, 0);
        const Diag *d = find_diag(&b.diags, DIAG_WARNING, 6, "MainSystemCallFilter", "intersection");
        assert_non_null(d);
        assert_non_null(strstr(d->message, "mount"));
        built_done(&b);

        /* Narrower: no warning. */
        build("[Service]\nType=notify\nExecStart=/bin/true\nSystemCallFilter=~mount\n"
              "[X-Syscage]\nMainSystemCallFilter=~mount bind\nMainPhaseStarts=after-ready\n", &b);
        assert_int_equal(b.r, 0);
        assert_int_equal(diag_list_count(&b.diags, DIAG_WARNING), 0);
        built_done(&b);
}

static size_t craft(uint8_t *buf, uint8_t class, const uint32_t *types, size_t n) {
        Elf64_Ehdr h = {
                .e_type = ET_DYN, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
                .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
                .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = (uint16_t) n,
        };
        memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = class;
        h.e_ident[EI_DATA] = ELFDATA2LSB;
        memcpy(buf, &h, sizeof h);
        for (size_t i = 0; i < n; i++) {
                Elf64_Phdr p = { .p_type = types[i] };
                memcpy(buf + sizeof h + i * sizeof p, &p, sizeof p);
        }
        return sizeof h + n * sizeof(Elf64_Phdr);
}

static void test_elf(void **state) {
        uint8_t buf[1024] = {};
        size_t need = 0, len;

        len = craft(buf, ELFCLASS64, (const uint32_t[]) { PT_PHDR, PT_INTERP, PT_LOAD }, 3);
        assert_int_equal(policy_phase_elf_dynamic(buf, len, &need), 1);
        len = craft(buf, ELFCLASS64, (const uint32_t[]) { PT_LOAD, PT_GNU_STACK }, 2);
        assert_int_equal(policy_phase_elf_dynamic(buf, len, &need), 0);
        /* Headers past the buffer: asks for more. */
        assert_int_equal(policy_phase_elf_dynamic(buf, len - 1, &need), -ENOBUFS);
        assert_int_equal(need, len);
        assert_int_equal(policy_phase_elf_dynamic(buf, 10, &need), -ENOBUFS);
        assert_int_equal(policy_phase_elf_dynamic("#!/bin/sh\n", 10, &need), -ENOEXEC);
        len = craft(buf, ELFCLASS32, (const uint32_t[]) { PT_LOAD }, 1);
        assert_int_equal(policy_phase_elf_dynamic(buf, len, &need), -EBADMSG);
        /* A bad program header size. */
        len = craft(buf, ELFCLASS64, (const uint32_t[]) { PT_LOAD }, 1);
        buf[offsetof(Elf64_Ehdr, e_phentsize)] = 1;
        assert_int_equal(policy_phase_elf_dynamic(buf, len, &need), -EBADMSG);
}

static void test_strings(void **state) {
        assert_int_equal(phase_start_from_string("after-loader"), PHASE_START_AFTER_LOADER);
        assert_int_equal(phase_start_from_string("after-ready"), PHASE_START_AFTER_READY);
        assert_int_equal(phase_start_from_string("none"), _PHASE_START_INVALID);
        assert_int_equal(phase_start_from_string(NULL), _PHASE_START_INVALID);
        assert_string_equal(phase_start_to_string(PHASE_START_AFTER_READY), "after-ready");
        assert_true(policy_phase_is_key("MainSystemCallFilter"));
        assert_true(policy_phase_is_key("MainPhaseStarts"));
        assert_false(policy_phase_is_key("SystemCallFilter"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_none),
                cmocka_unit_test(test_after_loader),
                cmocka_unit_test(test_after_ready_routes),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_wider_warning),
                cmocka_unit_test(test_elf),
                cmocka_unit_test(test_strings),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
