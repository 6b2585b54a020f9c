/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attack on MainPhaseStarts=after-loader: an object the unit preloads itself
 * (Environment=LD_PRELOAD=/path/phase-forge-count.so) comes before syscage-preload.so in
 * LD_PRELOAD, so its constructor runs first, under the start-up filter. It removes
 * SYSCAGE_PHASE (syscage-preload.so then does nothing), loads PHASE_FORGE_FILTERS
 * allow-everything filters of its own, and makes the marker call itself. The daemon only
 * counts the caller's filters (Seccomp_filters >= expected), so main() would run with the
 * start-up rights and the main filter never loaded.
 *
 *   cc -shared -fPIC -o phase-forge-count.so tests/attacks/phase-forge-count.c -I lib
 *
 * Run it with MainSystemCallFilter= without uname and ExecStart= the uname-sysname helper:
 * if the attack got through, uname() would succeed. Result: held. glibc runs the
 * constructors of preloaded objects last-listed first, so syscage-preload.so (appended after
 * the unit's own LD_PRELOAD) has loaded the main filter and removed SYSCAGE_PHASE before this
 * constructor runs; this one then does nothing and uname() fails with the main errno.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "phase-marker.h"

#define PHASE_FORGE_FILTERS 32 /* more than any main phase needs: the check is ">=" */

__attribute__((constructor)) static void forge(void) {
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        struct sock_fprog prog = { .len = 1, .filter = &allow };

        if (!getenv(SYSCAGE_PHASE_ENV))
                return;
        (void) unsetenv(SYSCAGE_PHASE_ENV);
        (void) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        for (int i = 0; i < PHASE_FORGE_FILTERS; i++)
                (void) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
        (void) syscall(SYS_getpid, SYSCAGE_PHASE_MARK_ARG0, SYSCAGE_PHASE_MARK_ARG1);
}
