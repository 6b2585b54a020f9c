/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attack helper (attack-holder.py, compat_setresuid): calls the i386 setresuid32 (208) and
 * setuid32 (213) through int $0x80 with the guard uid, then kill(getppid(), 0) natively,
 * and prints what happened. For a unit that allows the x86 ABI
 * (SystemCallArchitectures=native x86) and keeps CAP_SETUID.
 *
 * Built by hand: cc -O2 -o compat-setresuid compat-setresuid.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static long int80(long nr, long a, long b, long c) {
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
        return ret;
}

int main(void) {
        long guard = 4294967293L;
        long r = int80(208, -1, guard, -1);
        printf("i386 setresuid32(-1, guard, -1) = %ld\n", r);
        r = int80(213, guard, 0, 0);
        printf("i386 setuid32(guard) = %ld\n", r);
        uid_t ru, eu, su;
        getresuid(&ru, &eu, &su);
        printf("uids now %u %u %u\n", ru, eu, su);
        printf("kill(daemon %d, 0) = %d (%m)\n", (int) getppid(), kill(getppid(), 0));
        fflush(stdout);
        return 0;
}
