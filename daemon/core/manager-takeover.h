/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Surviving our own death: a crash, a SIGKILL, or a re-exec (daemon-reexec, SIGUSR2) loses
 * no service, no log line and no gate answer.
 *
 * Two things outlive a daemon:
 *   - the fd holder (daemon/holder/), our parent, which keeps the descriptors whose loss the
 *     services would feel: "notify" (the notify socket), "control" (the control socket),
 *     "gate:INVOCATION:PID" (the seccomp listener of a gated process), and
 *     "out:INVOCATION:stdout"/":stderr" (the read ends of a start cycle's output pipes);
 *   - the state files RUNTIME_DIR/state/NAME.state (unit-serialize.h), written with each
 *     unit's status file, and RUNTIME_DIR/state/manager.state (the transient name counter).
 *
 * At start-up, after the units are loaded and before any starts, manager_takeover() fetches
 * the held descriptors and reads the state files. A unit whose file is good takes back its
 * processes (identified by pid and start time, so a reused pid is never adopted), its output
 * streams, its gates (as launched: every later execve gets the policy's answer), its timers
 * (with the time that is left) and its cgroup. A process that died meanwhile gets its normal
 * exit handling, with the status the holder reaped. A unit whose file is bad, or whose
 * processes cannot all be taken back with their descriptors, is reported and its cgroup is
 * killed before anything starts: never a second copy beside the first.
 *
 * Re-exec: manager_reexec() ends the loop; manager_reexec_now() writes every unit's state and
 * execs our own binary in place (same pid: the services stay our children). The new image
 * takes over as after a crash; the holder's copies keep every gate and pipe open meanwhile.
 */
#pragma once

#include "core/manager.h"

/* The path of our executable (readlink of /proc/self/exe, at start-up). */
int takeover_self_path(char **ret);
/* The holder binary: syscage-holder next to SELF (installed and in the build tree alike). */
int takeover_holder_path(const char *self, char **ret);

/* Fetches what the holder keeps (into Manager.held) and starts listening to it. Called early
 * in start-up, before the notify socket is made. */
void takeover_fetch(Manager *m);
/* One daemon per runtime directory: takes an exclusive lock on RUNTIME_DIR/syscaged.lock
 * (kept across crashes and re-execs by the holder), or fails, logged, when another daemon
 * holds it. Before anything of a previous daemon is looked at: a second daemon started by
 * mistake must not take over, or stop, the first one's services. */
int takeover_lock(Manager *m);
/* The key that signs the state files (lib/state-file.h, SipHash-2-4): the one the holder
 * kept (a sealed memfd, "statekey"), else a new random one, handed to the holder. A state
 * file another process wrote (a service, say, that can write the runtime directory) is then
 * refused like a damaged one. */
int takeover_key(Manager *m);
/* The held descriptor NAME, taken (owned by the caller), or -EBADF. */
int takeover_take_fd(Manager *m, const char *name);
/* Takes back what a previous daemon ran, after the units are loaded. Logs what it does;
 * never fails the start-up. */
void manager_takeover(Manager *m);

/* Hands fd to the holder under name (no-op without one); logs a failure. */
void takeover_hold(Manager *m, const char *name, int fd);
/* Tells the holder to forget name (no-op without one). */
void takeover_release(Manager *m, const char *name);

/* An exit the holder reaped for pid (a process whose parent, a previous daemon, died):
 * returns true and fills code/status, once. */
bool takeover_claim_exit(Manager *m, pid_t pid, int *ret_code, int *ret_status);
void takeover_exits_free(Manager *m);

/* Tells the holder the daemon is up (start-up succeeded, the control socket listens): from
 * now on, its death means a restart rather than a failed start. */
void takeover_ready(Manager *m);
/* After a clean shutdown (every unit stopped): nothing is left to take over. */
void takeover_forget_all(Manager *m);

/* Asks for a re-exec: -EOPNOTSUPP (with a message) without a holder, else ends the loop. */
int manager_reexec(Manager *m, char **ret_message);
/* Writes all state and execs ourselves. Returns only if that failed, and then exits 1 (the
 * holder starts a new daemon, which takes over as after a crash). */
_noreturn_ void manager_reexec_now(Manager *m);
