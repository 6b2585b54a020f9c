/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Thin wrappers around the pidfd system calls, in the -errno convention. A pidfd names one
 * process for good: signals sent through it can never hit a recycled pid. And the few process
 * facts the control plane and the signal handler need to tell who is talking to them.
 */
#pragma once

#include <stdint.h>

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

/* Deepest parent chain process_is_descendant() follows. Real chains are a few dozen long; a
 * longer one is reported as -ELOOP, which callers treat as "cannot tell" (fail closed). */
#define PROCESS_ANCESTRY_DEPTH_MAX 4096u

/* A pidfd for the peer of a connected AF_UNIX socket. SO_PEERPIDFD (Linux 6.5+) is race-free:
 * the kernel pins the process that called connect(). Without it, pidfd_open(peer_pid) on the
 * SO_PEERCRED pid, which is best effort: that process may have exited and its pid been reused
 * before we open it. Returns 0 and the fd, or -errno (-ESRCH when the peer is gone). */
int process_peer_pidfd(int sockfd, pid_t peer_pid, int *ret_pidfd);

/* 1 while the process behind pidfd exists (a zombie counts: its pid is not free yet), 0 once
 * it was reaped, or -errno. Checked after reading /proc/PID/...: a 1 proves that what was
 * read belonged to that process, not to a later one with the same pid. */
int process_pidfd_is_alive(int pidfd);

/* The parent of pid, from /proc/PID/stat. -ESRCH when pid is gone. */
int process_get_ppid(pid_t pid, pid_t *ret_ppid);
/* The process's start time in clock ticks after boot (/proc/PID/stat field 22): with the pid,
 * it names one process for good. -ESRCH when there is no such process. */
int process_start_time(pid_t pid, uint64_t *ret);

/* Whether pid is a descendant of ancestor (not ancestor itself): 1 yes, 0 no, -ESRCH when pid
 * is gone, -ELOOP past PROCESS_ANCESTRY_DEPTH_MAX, or -errno. A process's parent only ever
 * changes to one further up (re-parenting to a subreaper or init), so the descendants of a
 * child subreaper stay its descendants however they fork, setsid() or exit. When a process
 * on the chain exits while it is walked, the walk starts again (a few times). */
int process_is_descendant(pid_t pid, pid_t ancestor);
