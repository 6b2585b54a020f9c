/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fd holder's wire protocol, shared by the holder (daemon/holder/holder.c) and its one
 * client, the daemon (daemon/sys/holder-client.c). Nothing else includes this.
 *
 * Why a holder. What must outlive a crash or a re-exec of syscaged is kernel state reached
 * through file descriptors: the read ends of the services' output pipes (so a writer never
 * gets SIGPIPE and blocks when the pipe is full), the exec gates' seccomp listeners (so a
 * gated execve waits for an answer instead of failing with ENOSYS), the notify socket and
 * the control socket (so what services and clients send meanwhile is queued). The holder is
 * a small process that keeps such descriptors under names and gives them back. It has no
 * policy logic and never exits because of anything a client sends.
 *
 * Process tree. `syscaged` started without SYSCAGE_HOLDER_FD in its environment replaces
 * itself (execve, same pid) with the holder, which starts the daemon as its child with one
 * end of a SOCK_SEQPACKET socketpair as HOLDER_CLIENT_FD and SYSCAGE_HOLDER_FD set to that
 * number. The pid an operator started is therefore the holder's; it forwards SIGTERM, SIGINT,
 * SIGHUP and SIGUSR2 to the daemon. No path in the file system leads to the holder: its only
 * channel is that socketpair, and a new one is made for every daemon it starts.
 *
 * Restart. When the daemon dies:
 *   - exit status 0: the holder exits 0 (a clean shutdown; the services are stopped);
 *   - before it ever sent HOLDER_MSG_READY: the holder exits with the daemon's status (or
 *     128+signal): a start-up failure is the operator's to see, not to loop on;
 *   - otherwise (killed, crashed, exited non-zero after READY): the holder logs one line to
 *     stderr and starts the daemon again at once; if that one dies again before READY, the
 *     next start waits HOLDER_BACKOFF_MIN_USEC, doubling up to HOLDER_BACKOFF_MAX_USEC.
 *
 * Orphans. The holder is a child subreaper. While the daemon lives, its services are the
 * daemon's children (it is a subreaper too). When the daemon dies they become the holder's;
 * the holder reaps each and keeps (pid, si_code, si_status) in a table of at most
 * HOLDER_EXITS_MAX entries (the oldest is dropped first, counted in HOLDER_MSG_EXIT_LOST),
 * and sends every entry to the daemon as HOLDER_MSG_EXIT as soon as one is connected.
 *
 * Messages. Each message is one SOCK_SEQPACKET datagram of at most HOLDER_MSG_MAX bytes:
 * a text line (no '\n') of space-separated fields, the first being the type; a message that
 * carries a descriptor has exactly one, as SCM_RIGHTS. Names are 1..HOLDER_NAME_MAX bytes of
 * [A-Za-z0-9@._:+-] (no space, no '/'). Numbers are decimal.
 *
 *   daemon -> holder                       holder -> daemon (reply, in order)
 *   "S NAME" + fd   store (replaces NAME)  "O" or "E ERRNO"
 *   "D NAME"        drop NAME              "O" or "E ERRNO" (ENOENT when absent)
 *   "F"             fetch all              "f NAME" + fd for each held fd, then "F COUNT"
 *   "R"             ready: backoff resets  "O"
 *
 *   holder -> daemon, unsolicited, may come between a request and its reply:
 *   "X PID CODE STATUS"    an orphan was reaped (CODE: CLD_EXITED, CLD_KILLED, CLD_DUMPED)
 *   "L COUNT"              COUNT exit records were dropped (table full) since the last "L"
 *
 * A malformed request gets "E EINVAL" (or "E EBADMSG"), a store without a descriptor
 * "E EBADF", a store past HOLDER_FDS_MAX "E ENOSPC"; the holder goes on. At most
 * HOLDER_FDS_MAX descriptors are held. The holder never looks at what the descriptors are.
 * ERRNO is the positive errno number in decimal ("E 22" for EINVAL), like every number here.
 * EBADMSG is for a message whose form is wrong (empty, truncated, more than one descriptor,
 * truncated control data), EINVAL for one whose text is wrong (unknown type, bad name, a
 * descriptor where none belongs).
 *
 * Guard uid. A service running as root without CAP_KILL must not be able to signal the
 * holder: the kernel lets a sender without CAP_KILL signal a process only when the sender's
 * real or effective uid equals the target's real or saved uid. The holder, started as root,
 * therefore runs with real and saved uid SYSCAGE_GUARD_UID and effective uid 0 (so it keeps
 * its capabilities), and gives the daemon all uids 0 again before execve (so the daemon is
 * not a secure-exec). The guard is (uid_t)-3: not -1 (which set*uid() reads as "unchanged"),
 * not the overflow uid 65534 (that nobody maps to), and above every 16-bit uid, so the old
 * 16-bit set*uid calls cannot name it. Where it cannot be set (a user namespace that does not
 * map it) the holder warns and runs with its uids as they are.
 */
#pragma once

#include <stdbool.h>
#include <string.h>

#define HOLDER_ENV "SYSCAGE_HOLDER_FD"
#define HOLDER_CLIENT_FD 3            /* the daemon's end, in the daemon */
#define HOLDER_MSG_MAX 512u
#define HOLDER_NAME_MAX 200u
#define HOLDER_FDS_MAX 16384u
#define HOLDER_EXITS_MAX 4096u
#define HOLDER_BACKOFF_MIN_USEC (100u * 1000u)
#define HOLDER_BACKOFF_MAX_USEC (10u * 1000u * 1000u)

#define HOLDER_MSG_STORE 'S'
#define HOLDER_MSG_DROP 'D'
#define HOLDER_MSG_FETCH 'F'
#define HOLDER_MSG_READY 'R'
#define HOLDER_MSG_OK 'O'
#define HOLDER_MSG_ERROR 'E'
#define HOLDER_MSG_FETCHED 'f'
#define HOLDER_MSG_EXIT 'X'
#define HOLDER_MSG_EXIT_LOST 'L'

#define SYSCAGE_GUARD_UID 4294967293u /* = POLICY_GUARD_UID (lib/policy.h) */

/* 1..HOLDER_NAME_MAX bytes of [A-Za-z0-9@._:+-]. Header-only: the holder links only libc. */
static inline bool holder_name_is_valid(const char *name) {
        size_t n = strlen(name);

        if (n == 0 || n > HOLDER_NAME_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                char ch = name[i];
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || strchr("@._:+-", ch)))
                        return false;
        }
        return true;
}
