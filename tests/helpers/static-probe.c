/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A static program without libc, for services whose root is a small directory holding
 * nothing else (RootDirectory=): for each argument PATH it prints "PATH yes" when the path
 * exists (access(PATH, F_OK) succeeds) and "PATH no" when not, one line each, then "done".
 */
#include <asm/unistd.h>

static long sys3(long nr, long a, long b, long c) {
        long ret;
        __asm__ volatile("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a), "S"(b), "d"(c)
                         : "rcx", "r11", "memory");
        return ret;
}

static unsigned long str_len(const char *s) {
        unsigned long n = 0;
        while (s[n])
                n++;
        return n;
}

static void put(const char *s) {
        sys3(__NR_write, 1, (long) s, (long) str_len(s));
}

void start_c(long *sp);
__attribute__((used, noreturn)) void start_c(long *sp) {
        long argc = sp[0];
        char **argv = (char **) (sp + 1);

        for (long i = 1; i < argc; i++) {
                put(argv[i]);
                put(sys3(__NR_access, (long) argv[i], 0, 0) == 0 ? " yes\n" : " no\n");
        }
        put("done\n");
        for (;;)
                sys3(__NR_exit_group, 0, 0, 0);
}

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "        xor %rbp, %rbp\n"
        "        mov %rsp, %rdi\n"
        "        and $-16, %rsp\n"
        "        call start_c\n"
        "        hlt\n");
