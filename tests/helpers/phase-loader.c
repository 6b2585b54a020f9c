/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stands in for a dynamic loader that ignores LD_PRELOAD: the kernel runs it as the ELF
 * interpreter of phase-ignored, so no preloaded object ever runs. It says so, shows that it
 * can call uname() (which the main phase in the tests refuses), and waits to be killed.
 */
#include "nolibc.h"

void start_c(long *sp) {
        static char uts[6 * 65];
        long r;

        (void) sp;
        put("loader ignored the preload\n");
        r = sys3(__NR_uname, (long) uts, 0, 0);
        put(r == 0 ? "uname ok\n" : "uname failed\n");
        for (;;) {
                static const long ts[2] = { 1, 0 };
                sys3(__NR_nanosleep, (long) ts, 0, 0);
        }
}
