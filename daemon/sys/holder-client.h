/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's side of the fd holder (daemon/holder/holder-protocol.h says what the holder
 * is and why). Requests are synchronous: each call sends one request and reads until its
 * reply, with a deadline of HOLDER_CLIENT_TIMEOUT_MS (the holder answers at once; a holder
 * that does not is treated as gone). Exit records ("X") that arrive meanwhile are queued and
 * handed out by holder_client_next_exit(). After holder_client_watch(), the event loop also
 * reads them as they come and calls the exit callback.
 *
 * When the holder goes away (EOF, a timeout, an error), every later call returns -ENOTCONN
 * and the lost callback is called once; the daemon then logs and goes on without one. The
 * call that finds the holder gone returns its own error (-ETIMEDOUT, -EBADMSG, -ECONNRESET,
 * ...) and, after holder_client_watch(), calls the lost callback before it returns.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define HOLDER_CLIENT_TIMEOUT_MS 2000

typedef struct HolderClient HolderClient;

typedef struct HolderExit {
        pid_t pid;
        int code;   /* CLD_EXITED, CLD_KILLED, CLD_DUMPED */
        int status;
} HolderExit;

typedef void (*HolderExitFunc)(const HolderExit *e, void *userdata);
typedef void (*HolderLostFunc)(void *userdata);

/* Takes the descriptor named by $SYSCAGE_HOLDER_FD (and unsets the variable, and makes the
 * fd CLOEXEC). Returns 0 and *ret NULL when the variable is not set (no holder), 1 and the
 * client when it is, -errno when it is set but unusable. */
int holder_client_from_env(HolderClient **ret);
/* Whether $SYSCAGE_HOLDER_FD is set: a holder started us (checked before
 * holder_client_from_env(), which unsets it). */
bool holder_client_env_present(void);
/* Before our own execve (a re-exec): puts the socket at the protocol's number without
 * close-on-exec, and sets $SYSCAGE_HOLDER_FD for the new image. */
int holder_client_prepare_exec(HolderClient *c);
/* The guard uid of holder-protocol.h, for those who may not include it. */
uid_t holder_guard_uid(void);
/* For tests: a client on an existing socket (owned from now on). */
int holder_client_new(int fd, HolderClient **ret);
HolderClient *holder_client_free(HolderClient *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(HolderClient *, holder_client_free);

bool holder_client_connected(const HolderClient *c);
/* The descriptor, for keeping it open across the daemon's own execve (re-exec). */
int holder_client_fd(const HolderClient *c);

/* Stores a duplicate of fd under name (the caller keeps its fd). */
int holder_client_store(HolderClient *c, const char *name, int fd);
/* Forgets name; -ENOENT when it was not held. */
int holder_client_drop(HolderClient *c, const char *name);

/* Everything held, as parallel arrays: names (a strv) and fds (owned by the caller, CLOEXEC). */
typedef struct HolderFds {
        char **names;
        int *fds;
        size_t n;
} HolderFds;
int holder_client_fetch(HolderClient *c, HolderFds *ret);
/* Takes the fd held under name out of f (returns it, -EBADF if absent); the slot is left
 * with fd -EBADF so holder_fds_done() does not close it. */
int holder_fds_take(HolderFds *f, const char *name);
/* Closes what was not taken and frees the arrays. */
void holder_fds_done(HolderFds *f);

/* Tells the holder the daemon is up (ends the crash backoff). */
int holder_client_ready(HolderClient *c);

/* Queued exit records, oldest first: returns 1 and fills *ret, 0 when there is none. */
int holder_client_next_exit(HolderClient *c, HolderExit *ret);

/* Watches the socket in event: exit records go to on_exit (after the queued ones), a lost
 * holder to on_lost. */
int holder_client_watch(HolderClient *c, sd_event *event, HolderExitFunc on_exit,
                        HolderLostFunc on_lost, void *userdata);
