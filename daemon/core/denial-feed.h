/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the kernel's seccomp records come from, and knowing when they have all arrived.
 *
 * Two sources, both kept open: the audit multicast group (sys/audit-log.h: every record,
 * whatever printk's rate limit drops or an audit daemon takes, where the daemon may join
 * it) and the kernel log (sys/kmsg.h: what printk let through, where nothing else can be
 * read). A record seen by both counts once (its audit serial number). Each new record goes
 * to unit_events_seccomp_record().
 *
 * Records are made synchronously, in the system call that the filter decided on, but reach
 * readers through a kernel thread (kauditd) a moment later: when a unit's process has
 * exited, its records may still be on their way. denial_feed_settle() waits for that queue
 * to drain (the audit status's backlog, asked after the caller's event) and reads what
 * arrived, so a run summary sees every record of the run. Without the audit status
 * (no CAP_AUDIT_CONTROL, or not the initial user namespace) it reads what is there at once.
 */
#pragma once

#include <stdint.h>

#include "core/manager.h"

/* How long a settle waits for the kernel's audit queue at most. */
#define DENIAL_SETTLE_TIMEOUT_USEC (1000 * 1000ULL)
/* Between two status requests while the queue is not empty. */
#define DENIAL_SETTLE_RETRY_USEC (2 * 1000ULL)

typedef struct DenialFeed DenialFeed;
typedef void (*DenialsSettledFn)(Manager *m, void *userdata);

/* Opens what can be opened; what cannot is logged (then kills are reported without the
 * syscall's name, and errno denials not at all). -ENOMEM only. */
int denial_feed_open(Manager *m, DenialFeed **ret);
/* Calls the pending settle callbacks (as settled), then frees. */
DenialFeed *denial_feed_free(DenialFeed *f);

/* Reads every record that has arrived, now. */
void denial_feed_flush(DenialFeed *f);

/* Calls FN once the records the kernel made before this call have been read (or after
 * DENIAL_SETTLE_TIMEOUT_USEC). Returns 1 when that is already so (FN is not called), 0 when
 * FN will be called from the event loop, -ENOMEM. */
int denial_feed_settle(DenialFeed *f, DenialsSettledFn fn, void *userdata);

/* What may keep denials from being seen, as one line ("" when nothing is known to be
 * wrong). Newly allocated. */
int denial_feed_health(DenialFeed *f, char **ret);
