/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp kill reports from the kernel log.
 *
 * When a seccomp filter kills a process, the kernel emits an audit record of type 1326
 * (AUDIT_SECCOMP). Without a running auditd the record goes to the kernel log, which root
 * can read from /dev/kmsg. Such a record looks like (one line):
 *
 *     audit: type=1326 audit(1795348900.903:2): auid=4294967295 uid=0 gid=0
 *     ses=4294967295 pid=7845 comm="uname" exe="/usr/bin/uname" sig=31 arch=c000003e
 *     syscall=63 compat=0 ip=0x7f4dd0df1b07 code=0x80000000
 *
 * (with "subj=..." after ses= under an LSM). comm and exe are quoted, unless they contain a
 * space, a quote or a byte outside 0x21..0x7e: then the kernel writes them as hex without
 * quotes (comm=6D792070726F67 is "my prog"). pid is in the initial pid namespace. sig is
 * the signal that killed the task (31 = SIGSYS) or 0 when it was not killed. code is the
 * filter's full SECCOMP_RET_* value: 0x80000000 KILL_PROCESS, 0x0 KILL_THREAD,
 * 0x0005xxxx ERRNO, 0x7ffc0000 LOG, and so on.
 *
 * Which actions produce a record (observed on kernel 6.18 with the default sysctl):
 *   - KILL_PROCESS and KILL_THREAD: always, unless removed from
 *     /proc/sys/kernel/seccomp/actions_logged (default: every action but allow is listed);
 *   - LOG (what systemd's SystemCallLog= uses): always, same sysctl;
 *   - ERRNO and TRAP: only if the filter was loaded with SECCOMP_FILTER_FLAG_LOG (libseccomp
 *     SCMP_FLTATR_CTL_LOG); the kernel source treats TRACE and USER_NOTIF the same way;
 *   - ALLOW: never.
 * Without auditd, the kernel prints audit records through printk's rate limit
 * (kernel.printk_ratelimit / printk_ratelimit_burst, 5 s / 10 by default), so a burst of
 * kills can lose records. With auditd running, records go to auditd instead of the kernel
 * log, and this reader sees none (the daemon then reports "killed by SIGSYS" without the
 * syscall name).
 *
 * Losses leave traces of their own in the kernel log, themselves rate limited, so they are
 * lower bounds. A record dropped by the rate limit is counted by the audit subsystem
 * (audit_lost, cumulative since boot) and printed now and then as
 *
 *     audit: audit_lost=57 audit_rate_limit=0 audit_backlog_limit=64
 *
 * and printk's rate limit itself reports how many of its callers it silenced when it lets
 * messages through again ("audit_printk_skb: 12 callbacks suppressed"; the function named
 * is the caller that found the limit lifted; all callers of printk_ratelimit() share it).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define KMSG_PATH "/dev/kmsg"
/* /dev/kmsg returns one record per read(); records are at most about 1 KiB of text plus
 * dictionary lines. A buffer this large never gets EINVAL. */
#define KMSG_RECORD_MAX 8192u
/* Records handled per event-loop iteration. */
#define KMSG_BURST_MAX 64u
#define SECCOMP_AUDIT_COMM_MAX 64u   /* TASK_COMM_LEN is 16; decoded, NUL-terminated */
#define SECCOMP_AUDIT_EXE_MAX 1024u  /* a kmsg record cannot hold a longer path */
#define SECCOMP_AUDIT_NAME_MAX 64u

typedef struct SeccompAudit {
        pid_t pid;
        uid_t uid;             /* UINT32_MAX when absent */
        char comm[SECCOMP_AUDIT_COMM_MAX];
        char exe[SECCOMP_AUDIT_EXE_MAX]; /* "" when absent or "(null)" */
        int sig;               /* -1 when absent */
        uint32_t arch;         /* AUDIT_ARCH_* value, equal to libseccomp's SCMP_ARCH_* */
        int syscall;           /* number on that arch */
        char syscall_name[SECCOMP_AUDIT_NAME_MAX]; /* "" when libseccomp does not know it */
        bool has_code;
        uint32_t code;         /* SECCOMP_RET_* action and data */
        uint64_t serial;       /* the audit event's serial number, 0 when absent; the same
                                * record read from the kernel log and from the audit
                                * multicast group (sys/audit-log.h) has the same serial */
} SeccompAudit;

/* Parses one kernel log line: a raw /dev/kmsg record ("5,341,397039944,-;audit: ..."),
 * a dmesg line ("[  397.03] audit: ..."), the bare message, or an auditd log line
 * ("type=SECCOMP msg=audit(...): ..."). Returns 0 and fills *ret for a seccomp record,
 * -ENOMSG for any other line, -EBADMSG for a seccomp record that is truncated or malformed
 * (pid, arch, syscall and compat
 * are required). Pure: no I/O. */
int kmsg_parse_seccomp(const char *line, SeccompAudit *ret);

/* What a kernel line says about audit records lost: SUPPRESSED from "FUNC: N callbacks
 * suppressed" where FUNC is one of the audit subsystem's (audit_*), AUDIT_LOST from
 * "audit: audit_lost=N ...". */
typedef struct KmsgLoss {
        uint64_t suppressed;
        bool has_audit_lost;
        uint64_t audit_lost;
} KmsgLoss;

/* Parses a kernel line (same formats as kmsg_parse_seccomp()) reporting lost audit records.
 * Returns 0 and fills *ret, or -ENOMSG for any other line (lines written from user space
 * included). Pure. */
int kmsg_parse_loss(const char *line, KmsgLoss *ret);

/* The SECCOMP_RET_* action of a record as a word ("kill_process", "errno", ...), or NULL. */
const char *seccomp_audit_action_to_string(const SeccompAudit *a);

typedef struct KmsgReader KmsgReader;
typedef void (*KmsgCallback)(KmsgReader *r, const SeccompAudit *a, void *userdata);

/* Opens /dev/kmsg (needs CAP_SYSLOG or root, depending on kernel.dmesg_restrict), skips
 * what is already there, and calls cb for every seccomp record that arrives afterwards.
 * Only kernel records count: lines written to /dev/kmsg from user space carry a non-kernel
 * facility and are ignored, so a service cannot forge a kill report. */
int kmsg_open(sd_event *event, KmsgCallback cb, void *userdata, KmsgReader **ret);
KmsgReader *kmsg_reader_free(KmsgReader *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(KmsgReader *, kmsg_reader_free);

/* Reads the records the kernel has logged so far, now, instead of at the next event loop
 * iteration. The kernel logs a seccomp kill before the process dies, so a caller that has
 * just seen a process die of SIGSYS gets its record (if printk did not drop it). */
void kmsg_reader_flush(KmsgReader *r);

/* Records lost because the reader fell behind the kernel's ring buffer (EPIPE). */
uint64_t kmsg_reader_overruns(const KmsgReader *r);

/* What the kernel log said about lost audit records since the reader opened: the sum of
 * the audit callers' "callbacks suppressed" counts, and the highest audit_lost= value seen
 * (0 and false when none was). */
uint64_t kmsg_reader_suppressed(const KmsgReader *r);
bool kmsg_reader_audit_lost(const KmsgReader *r, uint64_t *ret);
