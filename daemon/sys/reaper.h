/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reaping orphans without stealing anyone's exit status.
 *
 * The daemon is a child subreaper (PR_SET_CHILD_SUBREAPER): when a service's process dies, its
 * own children are re-parented to us instead of to init, so they stay inside our view (and
 * their cgroup) and must be reaped by us, or they pile up as zombies. At the same time, the
 * processes we started ourselves are watched through their pidfds by their owners (the
 * service code), which reap them with waitid(P_PIDFD) to learn the exit status. A generic
 * waitid(P_ALL) would race with those owners and lose statuses.
 *
 * So the reaper keeps a set of tracked pids. On SIGCHLD it lists our children from
 * /proc/self/task/TID/children (or, where that file does not exist, by scanning /proc for
 * processes whose parent is us), and reaps with waitid(P_PID, WEXITED|WNOHANG) only the ones
 * not tracked. Tracked ones are left as zombies for their owner.
 *
 * Why this has no race: the daemon is single-threaded. The spawn code forks and calls
 * reaper_track() before it returns to the event loop, and the SIGCHLD handler only runs from
 * the loop, so it never sees a child we created that is not yet tracked. An owner calls
 * reaper_untrack() right after it reaped its child, again with no loop iteration between;
 * from then on the pid is not our child any more, and if it gets recycled for a new orphan,
 * that orphan is rightly reaped by us. Orphans are re-parented to us at any time, but an
 * orphan is never in the tracked set (we did not fork it), so it is always ours to reap.
 *
 * Reading the children list while it changes: entries are only added at the end (new
 * re-parented orphans), and only we remove them (by reaping), so one read sees every zombie
 * present when it began. The handler reads again until a pass reaps nothing, and SIGCHLD is
 * dequeued before the read, so an orphan exiting later raises a new one.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"

/* Most children the daemon tracks at once (a named limit, far above units x processes). */
#define REAPER_TRACKED_MAX 65536U

typedef struct Reaper Reaper;

/* Called after an untracked child was reaped, with its status. */
typedef void (*ReaperHandler)(Reaper *r, const siginfo_t *si, void *userdata);

/* Adds a SIGCHLD source to e. SIGCHLD must be blocked already. handler may be NULL. */
int reaper_new(sd_event *e, ReaperHandler handler, void *userdata, Reaper **ret);
Reaper *reaper_free(Reaper *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(Reaper *, reaper_free);

/* Marks pid as someone else's to reap. -EEXIST when tracked already, -E2BIG past the limit. */
int reaper_track(Reaper *r, pid_t pid);
/* Forgets pid. -ENOENT when it was not tracked. */
int reaper_untrack(Reaper *r, pid_t pid);
bool reaper_is_tracked(const Reaper *r, pid_t pid);
size_t reaper_n_tracked(const Reaper *r);

/* Reaps every exited child that is not tracked, now. Returns how many, or -errno. */
int reaper_sweep(Reaper *r);
