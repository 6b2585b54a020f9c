/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stands in for a dynamic loader that ignores LD_PRELOAD: the kernel runs it as the ELF
 * interpreter of phase-ignored, so no preloaded object ever runs. It says so, shows that it
 * can call uname() (which the main phase in the tests refuses), and waits to be killed.
 * Built with -DPHASE_FORGE_MARKER it first makes the phase marker call itself, without any
 * filter: the daemon must see that the main filter is not in its chain, and kill it.
 */
#include "nolibc.h"

#ifdef PHASE_FORGE_MARKER
#include "phase-marker.h"
#endif

void start_c(long *sp) {
        static char uts[6 * 65];
        long r;

        (void) sp;
#ifdef PHASE_FORGE_MARKER
        put("forging the marker\n");
        (void) sys3(__NR_getpid, (long) SYSCAGE_PHASE_MARK_ARG0, (long) SYSCAGE_PHASE_MARK_ARG1, 0);
        put("survived the forged marker\n");
#endif
        put("loader ignored the preload\n");
        r = sys3(__NR_uname, (long) uts, 0, 0);
        put(r == 0 ? "uname ok\n" : "uname failed\n");
        for (;;) {
                static const long ts[2] = { 1, 0 };
                sys3(__NR_nanosleep, (long) ts, 0, 0);
        }
}
