/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp records from the audit subsystem's read-only multicast group.
 *
 * The kernel hands every audit record to a kernel thread (kauditd), which sends it to the
 * NETLINK_AUDIT multicast group AUDIT_NLGRP_READLOG (Linux 3.16+) and then to auditd or,
 * without one, to the kernel log through printk's rate limit. A listener of the group gets
 * every record, whether or not an audit daemon runs and whatever printk drops. Joining
 * needs CAP_AUDIT_READ, and only sockets of the initial network namespace receive anything
 * (elsewhere the join succeeds and nothing ever arrives: the kernel log reader, sys/kmsg.h,
 * stays on beside it, and records seen by both are told apart by their serial number).
 *
 * The record arrives as a netlink message of type AUDIT_SECCOMP (1326) whose payload is the
 * text of the record ("audit(1795348900.903:2): auid=... pid=... syscall=63 ..."); the
 * fields are those described in kmsg.h. Only messages the kernel sent (netlink port 0) are
 * read: joining the group as a sender needs CAP_NET_ADMIN, and a forged record is refused
 * even then. A listener that falls behind loses records (ENOBUFS); those losses are counted.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "sys/kmsg.h"

/* What one receive buffer holds: an audit record is at most MAX_AUDIT_MESSAGE_LENGTH
 * (8970) bytes of text plus the netlink header. */
#define AUDIT_LOG_RECORD_MAX 9216u
/* Records handled per event-loop iteration. */
#define AUDIT_LOG_BURST_MAX 64u
/* The socket's receive buffer: room for a burst of some thousands of records while the
 * event loop is busy. */
#define AUDIT_LOG_RCVBUF (8u << 20)

typedef struct AuditLog AuditLog;
typedef void (*AuditLogCallback)(AuditLog *l, const SeccompAudit *a, void *userdata);

/* Turns one multicast message's payload (not NUL-terminated) into a record. Returns 0,
 * -ENOMSG for a payload that is no seccomp record, -EBADMSG for a malformed one. Pure. */
int audit_log_parse(uint16_t type, const char *payload, size_t len, SeccompAudit *ret);

/* Joins the group and calls cb for every seccomp record that arrives from now on.
 * -EPERM without CAP_AUDIT_READ, -EPROTONOSUPPORT without audit support. */
int audit_log_open(sd_event *event, AuditLogCallback cb, void *userdata, AuditLog **ret);
AuditLog *audit_log_free(AuditLog *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(AuditLog *, audit_log_free);

/* Reads what has arrived so far, now. */
void audit_log_flush(AuditLog *l);

/* Seccomp records delivered so far, and the times the socket overflowed (each loses an
 * unknown number of records). */
uint64_t audit_log_records(const AuditLog *l);
uint64_t audit_log_overruns(const AuditLog *l);

/* The serial numbers of the records reported lately, so a record that comes both from the
 * kernel log and from the multicast group counts once. Serials are handed out in order and
 * both sources deliver in order, so a window of the latest serials is enough: a record
 * whose serial left the window long ago is not offered again. */
#define AUDIT_SERIAL_WINDOW 4096u
typedef struct AuditSerialWindow {
        uint64_t slot[AUDIT_SERIAL_WINDOW]; /* serial + 1; 0 is empty */
} AuditSerialWindow;

/* True if SERIAL is new (and remembers it), false if it was seen. A record without a
 * serial (0) is always new. */
bool audit_serial_window_add(AuditSerialWindow *w, uint64_t serial);
