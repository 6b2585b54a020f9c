/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Thin wrappers around the pidfd system calls, in the -errno convention. A pidfd names one
 * process for good: signals sent through it can never hit a recycled pid.
 */
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "macro.h"

/* Opens a pidfd (O_CLOEXEC, as all pidfds are) for pid. Returns 0 and the fd, or -errno
 * (-ESRCH when there is no such process). */
int process_pidfd_open(pid_t pid, int *ret_pidfd);

/* Sends sig to the process behind pidfd. Returns 0 or -errno (-ESRCH once it has exited). */
int process_pidfd_signal(int pidfd, int sig);

/* Reaps the child behind pidfd if it has exited, without blocking.
 * Returns 1 and fills *ret when reaped, 0 when it is still running (*ret untouched), or
 * -errno (-ECHILD when it is not our child or was reaped already). ret may be NULL. */
int process_reap(int pidfd, siginfo_t *ret);

/* Returns the pid behind a pidfd (from /proc/self/fdinfo), -ESRCH once the process was
 * reaped, or -errno. */
int process_pidfd_get_pid(int pidfd, pid_t *ret_pid);
