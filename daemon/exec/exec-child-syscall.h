/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The launch child's system calls: inline assembly that returns the kernel's result or
 * -errno in a register, without libc, errno or the PLT (see exec-child.c for why). Only for
 * the files of the child's own library (daemon/meson.build: syscage-exec-child), which
 * tests/lint/check-child-symbols.sh holds to that.
 */
#pragma once

#include <errno.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
static inline long child_syscall6(long n, long a, long b, long c, long d, long e, long f) {
        register long r10 __asm__("r10") = d;
        register long r8 __asm__("r8") = e;
        register long r9 __asm__("r9") = f;
        long ret;

        __asm__ volatile ("syscall"
                          : "=a" (ret)
                          : "a" (n), "D" (a), "S" (b), "d" (c), "r" (r10), "r" (r8), "r" (r9)
                          : "rcx", "r11", "memory");
        return ret;
}
#elif defined(__aarch64__)
static inline long child_syscall6(long n, long a, long b, long c, long d, long e, long f) {
        register long x8 __asm__("x8") = n;
        register long x0 __asm__("x0") = a;
        register long x1 __asm__("x1") = b;
        register long x2 __asm__("x2") = c;
        register long x3 __asm__("x3") = d;
        register long x4 __asm__("x4") = e;
        register long x5 __asm__("x5") = f;

        __asm__ volatile ("svc 0"
                          : "+r" (x0)
                          : "r" (x8), "r" (x1), "r" (x2), "r" (x3), "r" (x4), "r" (x5)
                          : "memory");
        return x0;
}
#else
#error "the launch child knows no system call convention for this architecture"
#endif

/* Returns the result, or -errno: the kernel's convention, untouched. */
#define SYS(n, a, b, c, d, e, f) \
        child_syscall6((n), (long) (a), (long) (b), (long) (c), (long) (d), (long) (e), (long) (f))
#define SYS0(n) SYS(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) SYS(n, a, 0, 0, 0, 0, 0)
#define SYS2(n, a, b) SYS(n, a, b, 0, 0, 0, 0)
#define SYS3(n, a, b, c) SYS(n, a, b, c, 0, 0, 0)
#define SYS4(n, a, b, c, d) SYS(n, a, b, c, d, 0, 0)
#define SYS5(n, a, b, c, d, e) SYS(n, a, b, c, d, e, 0)

/* A failed call's errno as a positive number. */
static inline int child_errno(long r) {
        return r < 0 ? (int) -r : EIO;
}
