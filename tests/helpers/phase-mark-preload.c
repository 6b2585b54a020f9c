/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stand-in for the phase marker of the preloaded object (lib/phase-marker.h), for tests: its
 * constructor makes the marker call, so the calls after it are the program's main phase. */
#include <sys/syscall.h>
#include <unistd.h>

#include "phase-marker.h"

__attribute__((constructor)) static void phase_mark(void) {
        (void) syscall(SYS_getpid, SYSCAGE_PHASE_MARK_ARG0, SYSCAGE_PHASE_MARK_ARG1, 0, 0, 0, 0);
}
