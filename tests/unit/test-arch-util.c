/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/audit.h>
#include <seccomp.h>

#include "arch-util.h"
#include "macro.h"

static void test_names(void **state) {
        static const char *const names[] = { "x86", "x86-64", "x32", "arm", "arm64", "mips", "mips-le",
                                             "mips64", "mips64-le", "mips64-n32", "mips64-le-n32", "ppc",
                                             "ppc64", "ppc64-le", "s390", "s390x", "riscv64" };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                uint32_t a = arch_from_name(names[i]);
                assert_int_not_equal(a, 0);
                assert_string_equal(arch_to_name(a), names[i]);
        }
        assert_int_equal(arch_from_name("x86-64"), SCMP_ARCH_X86_64);
        assert_int_equal(arch_from_name("arm64"), SCMP_ARCH_AARCH64);
        assert_int_equal(arch_from_name("native"), arch_native());
        assert_int_equal(arch_from_name("vax"), 0);
        assert_false(arch_name_is_known("vax"));
        assert_true(arch_name_is_known("native"));
        assert_true(arch_name_is_known("loongarch64"));
        assert_null(arch_to_name(0));
        assert_int_equal(arch_native(), seccomp_arch_native());
}

static void test_local(void **state) {
        assert_true(arch_is_local(arch_native()));
        assert_int_equal(arch_to_audit(SCMP_ARCH_X32), AUDIT_ARCH_X86_64);
        assert_int_equal(arch_to_audit(SCMP_ARCH_X86), AUDIT_ARCH_I386);
        if (arch_native() != SCMP_ARCH_X86_64)
                return;
        assert_true(arch_is_local(SCMP_ARCH_X86));
        assert_true(arch_is_local(SCMP_ARCH_X32));
        assert_false(arch_is_local(SCMP_ARCH_AARCH64));
        assert_false(arch_is_local(SCMP_ARCH_S390X));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_local),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
