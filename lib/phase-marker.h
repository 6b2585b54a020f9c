/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The phase marker: how a service's process tells syscaged that its start-up phase is over
 * at the "after-loader" point (the dynamic loader and libc start-up are done, main() has not
 * run yet). syscage's preloaded object (syscage-preload.so) runs in the service's process
 * before main(); it makes one getpid() system call whose otherwise ignored argument
 * registers carry the two words below. getpid() ignores its arguments, so the call is
 * harmless anywhere; seccomp sees them, and a filter can route exactly this call to
 * syscaged's listener (learn mode records the switch there; an enforced main phase is
 * verified there).
 *
 * The environment variable SYSCAGE_PHASE_ENV tells the preloaded object what to do:
 *   "mark"     make the marker call only (learn mode);
 *   a number   the fd of the compiled main-phase filter: load it, then make the marker call.
 * The object removes the variable and itself from LD_PRELOAD before main() runs.
 */
#pragma once

#include <stdint.h>

#define SYSCAGE_PHASE_ENV "SYSCAGE_PHASE"
#define SYSCAGE_PHASE_MARK_ARG0 UINT64_C(0x5359534341474521) /* "SYSCAGE!" */
#define SYSCAGE_PHASE_MARK_ARG1 UINT64_C(0x000000006d61696e) /* "main" */
