/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel audit subsystem's status (AUDIT_GET on a NETLINK_AUDIT socket): whether an
 * audit daemon receives the records (then none reach /dev/kmsg, and sys/kmsg sees no
 * seccomp record), and how many records the kernel has lost since boot. Needs
 * CAP_AUDIT_CONTROL in the initial user namespace; elsewhere nothing is learnt, and the
 * caller must say it does not know rather than guess.
 *
 * The kernel answers from a thread of its own, a moment after the request: requests are
 * sent without waiting and the answers read in the event loop, so what the watch knows is
 * the answer to the previous request.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef struct AuditStatus {
        uint32_t enabled;   /* 0 off, 1 on, 2 locked */
        uint32_t pid;       /* the audit daemon's pid, 0 when none */
        uint32_t lost;      /* records lost since boot (rate limits, backlog) */
        uint32_t backlog;   /* records queued for kauditd and not yet sent on */
        uint32_t seq;       /* the request this answers (audit_watch_refresh()) */
} AuditStatus;

typedef struct AuditWatch AuditWatch;
/* Called for every answer; FIRST for the first one. S is NULL when the kernel refused the
 * request (no CAP_AUDIT_CONTROL, or not the initial user namespace): no answer will come,
 * and later requests are not sent. */
typedef void (*AuditWatchCallback)(AuditWatch *w, const AuditStatus *s, bool first, void *userdata);

/* Opens the socket and sends the first request. -errno when the audit subsystem cannot be
 * asked (-EPROTONOSUPPORT without CONFIG_AUDIT). */
int audit_watch_open(sd_event *event, AuditWatchCallback cb, void *userdata, AuditWatch **ret);
AuditWatch *audit_watch_free(AuditWatch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(AuditWatch *, audit_watch_free);

/* Asks again (the answer arrives later). Returns the request's sequence number, which the
 * answer carries in AuditStatus.seq, or 0 when nothing was sent. */
uint32_t audit_watch_refresh(AuditWatch *w);
/* The first and the latest answer; false while there is none (or the kernel refused). */
bool audit_watch_get(const AuditWatch *w, AuditStatus *ret_first, AuditStatus *ret_latest);
