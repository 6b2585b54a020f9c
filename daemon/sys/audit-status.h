/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel audit subsystem's status (AUDIT_GET on a NETLINK_AUDIT socket): whether an
 * audit daemon receives the records (then none reach /dev/kmsg, and sys/kmsg sees no
 * seccomp record), and how many records the kernel has lost since boot. Needs
 * CAP_AUDIT_CONTROL in the initial user namespace; elsewhere the query fails and the
 * caller knows nothing (which it must say, not guess).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct AuditStatus {
        uint32_t enabled;   /* 0 off, 1 on, 2 locked */
        uint32_t pid;       /* the audit daemon's pid, 0 when none */
        uint32_t lost;      /* records lost since boot (rate limits, backlog) */
        uint32_t backlog;
} AuditStatus;

/* Asks the kernel, without blocking (the kernel answers within the send). -errno when it
 * cannot be asked (-ECONNREFUSED outside the initial user namespace, -EPERM). */
int audit_status_query(AuditStatus *ret);
