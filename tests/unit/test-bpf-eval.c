/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The classic-BPF interpreter: hand-written programs, the kernel's validity rules, stacking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-eval.h"
#include "macro.h"

#define PROG(...)                                                                         \
        ((struct sock_fprog) {                                                            \
                .len = ELEMENTSOF(((struct sock_filter[]) { __VA_ARGS__ })),              \
                .filter = (struct sock_filter[]) { __VA_ARGS__ },                         \
        })
#define NR_OFF offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)
#define ARG_OFF(i) (offsetof(struct seccomp_data, args) + 8 * (i))

static uint32_t run(const struct sock_fprog *p, const struct seccomp_data *d) {
        uint32_t r = 0xdeadbeef;
        assert_int_equal(bpf_eval(p, d, &r), 0);
        return r;
}

static void test_jumps_and_loads(void **state) {
        /* nr == 39 -> ERRNO(1); arch != 0xc000003e -> KILL; arg0 & 4 -> ERRNO(2); else ALLOW */
        struct sock_fprog p = PROG(
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARCH_OFF),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_OFF(0)),
                BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 4, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 2),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        struct seccomp_data d = { .arch = 0xc000003e, .nr = 39 };

        assert_int_equal(run(&p, &d), SECCOMP_RET_ERRNO | 1);
        d.nr = 40;
        assert_int_equal(run(&p, &d), SECCOMP_RET_ALLOW);
        d.args[0] = 6;
        assert_int_equal(run(&p, &d), SECCOMP_RET_ERRNO | 2);
        d.arch = 0x40000003;
        assert_int_equal(run(&p, &d), SECCOMP_RET_KILL_PROCESS);
}

static void test_alu_mem_misc(void **state) {
        /* A = (nr + 3) * 2; M[1] = A; X = A; A = 0; A = X; A -= 4 via X; ret A */
        struct sock_fprog p = PROG(
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
                BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 3),
                BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 2),
                BPF_STMT(BPF_ST, 1),
                BPF_STMT(BPF_LDX | BPF_IMM, 4),
                BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_MEM, 1),
                BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, 0),
                BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 16),
                BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 7),
                BPF_STMT(BPF_RET | BPF_A, 0));
        struct seccomp_data d = { .nr = 5 };

        /* (5+3)*2 = 16; X = 12; 16 > 12 -> (16 << 16) | 7 */
        assert_int_equal(run(&p, &d), (16u << 16) | 7);
}

static void test_invalid(void **state) {
        struct seccomp_data d = {};
        uint32_t r;
        struct sock_fprog out_of_range = PROG(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)),
                                              BPF_STMT(BPF_RET | BPF_K, 0));
        struct sock_fprog unaligned = PROG(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_K, 0));
        struct sock_fprog no_ret = PROG(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0));
        struct sock_fprog bad_jump = PROG(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), BPF_STMT(BPF_RET | BPF_K, 0));
        struct sock_fprog div0 = PROG(BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), BPF_STMT(BPF_RET | BPF_K, 0));
        struct sock_fprog bad_mem = PROG(BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_K, 0));
        struct sock_fprog byte_load = PROG(BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_K, 0));
        struct sock_fprog empty = { .len = 0, .filter = NULL };

        assert_int_equal(bpf_eval(&out_of_range, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&unaligned, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&no_ret, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&bad_jump, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&div0, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&bad_mem, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&byte_load, &d, &r), -EINVAL);
        assert_int_equal(bpf_eval(&empty, &d, &r), -EINVAL);
}

static void test_stack(void **state) {
        struct sock_fprog progs[3] = {
                PROG(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1)),
                PROG(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 2)),
                PROG(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG)),
        };
        struct sock_fprog kill = PROG(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
        struct seccomp_data d = {};
        uint32_t r;

        /* Equal actions: the newest program's data wins. */
        assert_int_equal(bpf_eval_stack(progs, 3, &d, &r), 0);
        assert_int_equal(r, SECCOMP_RET_ERRNO | 2);
        assert_int_equal(bpf_eval_stack(progs + 2, 1, &d, &r), 0);
        assert_int_equal(r, SECCOMP_RET_LOG);
        progs[2] = kill;
        assert_int_equal(bpf_eval_stack(progs, 3, &d, &r), 0);
        assert_int_equal(r, SECCOMP_RET_KILL_PROCESS);
        assert_true(bpf_ret_compare(SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD) > 0);
        assert_true(bpf_ret_compare(SECCOMP_RET_ERRNO | 5, SECCOMP_RET_USER_NOTIF) > 0);
        assert_true(bpf_ret_compare(SECCOMP_RET_USER_NOTIF, SECCOMP_RET_LOG) > 0);
        assert_true(bpf_ret_compare(SECCOMP_RET_LOG, SECCOMP_RET_ALLOW) > 0);
        assert_int_equal(bpf_ret_compare(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 9), 0);
        assert_int_equal(bpf_eval_stack(progs, 0, &d, &r), -EINVAL);
}

static void test_disassemble(void **state) {
        struct sock_fprog p = PROG(
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_OFF(1) + 4),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_int_equal(bpf_disassemble(&p, f), 0);
        fclose(f);
        assert_string_equal(buf,
                            "    0: ld [0] ; nr\n"
                            "    1: jeq #0x27 jt 2 jf 3\n"
                            "    2: ret ERRNO(1)\n"
                            "    3: ld [28] ; args[1].hi\n"
                            "    4: ret ALLOW\n");
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_jumps_and_loads),
                cmocka_unit_test(test_alu_mem_misc),
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_stack),
                cmocka_unit_test(test_disassemble),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
