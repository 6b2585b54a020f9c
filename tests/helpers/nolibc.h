/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a test program without libc needs (x86-64): a raw system call, writing a string to
 * stdout, and an entry point that calls start_c(sp) with the initial stack (sp[0] is argc,
 * argv follows). Only for the static helpers built with -nostdlib (meson.build): the set of
 * system calls such a program makes is exactly the one its source shows.
 */
#pragma once

#include <asm/unistd.h>

static inline long sys3(long nr, long a, long b, long c) {
        long ret;
        __asm__ volatile("syscall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a), "S"(b), "d"(c)
                         : "rcx", "r11", "memory");
        return ret;
}

static inline unsigned long str_len(const char *s) {
        unsigned long n = 0;
        while (s[n])
                n++;
        return n;
}

static inline void put(const char *s) {
        sys3(__NR_write, 1, (long) s, (long) str_len(s));
}

/* Each program defines it; it must not return. */
__attribute__((used, noreturn)) void start_c(long *sp);

__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "        xor %rbp, %rbp\n"
        "        mov %rsp, %rdi\n"
        "        and $-16, %rsp\n"
        "        call start_c\n"
        "        hlt\n");
