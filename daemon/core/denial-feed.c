/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seccomp records' sources and the settle wait (denial-feed.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/denial-feed.h"
#include "core/unit-events.h"
#include "sys/audit-log.h"
#include "sys/audit-status.h"
#include "sys/kmsg.h"
#include "sys/log.h"
#include "sys/proc-events.h"

typedef struct SettleWaiter {
        DenialsSettledFn fn;
        void *userdata;
        uint32_t need_seq; /* an answer to this request or a later one counts */
} SettleWaiter;

struct DenialFeed {
        Manager *manager;
        AuditLog *audit_log;
        KmsgReader *kmsg;
        AuditWatch *audit;
        bool audit_refused;
        AuditSerialWindow serials;
        uint64_t duplicates;
        /* Records the kernel log had and the multicast group did not, although joined: it
         * then does not deliver (not the initial network namespace) or fell behind. */
        uint64_t kmsg_first;
        SettleWaiter *waiters;
        size_t n_waiters;
        sd_event_source *deadline, *retry;
};

static bool feed_record(DenialFeed *f, const SeccompAudit *a) {
        if (!audit_serial_window_add(&f->serials, a->serial)) {
                f->duplicates++;
                return false;
        }
        unit_events_seccomp_record(f->manager, a);
        return true;
}

static void on_audit_log(AuditLog *l, const SeccompAudit *a, void *userdata) {
        (void) feed_record(userdata, a);
}

static void on_kmsg(KmsgReader *r, const SeccompAudit *a, void *userdata) {
        DenialFeed *f = userdata;

        /* kauditd sends a record to the multicast group before it prints it: whatever the
         * event loop read first, the multicast copy is there to be read now. */
        audit_log_flush(f->audit_log);
        if (feed_record(f, a) && f->audit_log)
                f->kmsg_first++;
}

void denial_feed_flush(DenialFeed *f) {
        if (!f)
                return;
        /* The multicast copy is sent before the kernel log's, so it goes first. */
        audit_log_flush(f->audit_log);
        kmsg_reader_flush(f->kmsg);
}

/* Calls the waiters whose request was answered by SEQ (all of them when ALL). */
static void settle_done(DenialFeed *f, bool all, uint32_t seq) {
        size_t kept = 0, n = f->n_waiters;
        SettleWaiter *ready = NULL;
        size_t n_ready = 0;

        if (n == 0)
                return;
        denial_feed_flush(f);
        ready = calloc(n, sizeof *ready);
        for (size_t i = 0; i < n; i++) {
                SettleWaiter w = f->waiters[i];
                if (all || !ready || (int32_t) (seq - w.need_seq) >= 0) {
                        if (ready)
                                ready[n_ready++] = w;
                        else
                                w.fn(f->manager, w.userdata); /* out of memory: at once */
                } else
                        f->waiters[kept++] = w;
        }
        f->n_waiters = kept;
        if (kept == 0) {
                f->deadline = sd_event_source_disable_unref(f->deadline);
                f->retry = sd_event_source_disable_unref(f->retry);
        }
        /* Called last: a callback may ask to settle again. */
        for (size_t i = 0; i < n_ready; i++)
                ready[i].fn(f->manager, ready[i].userdata);
        free(ready);
}

static int on_settle_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
        DenialFeed *f = userdata;

        log_debug("The kernel's audit queue did not drain within %" PRIu64 " ms; reporting the denials read so far.",
                  (uint64_t) (DENIAL_SETTLE_TIMEOUT_USEC / 1000));
        f->deadline = sd_event_source_disable_unref(f->deadline);
        settle_done(f, true, 0);
        return 0;
}

static int on_settle_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        DenialFeed *f = userdata;

        f->retry = sd_event_source_disable_unref(f->retry);
        if (f->n_waiters > 0 && audit_watch_refresh(f->audit) == 0)
                settle_done(f, true, 0);
        return 0;
}

/* An answer from the audit subsystem. An audit daemon is said once when it is first seen
 * and the multicast group cannot be read (it then takes the records); status asks again
 * each time (auditd may start later). */
static void on_audit_status(AuditWatch *w, const AuditStatus *s, bool first, void *userdata) {
        DenialFeed *f = userdata;
        static bool warned = false;

        if (!s) {
                f->audit_refused = true;
                settle_done(f, true, 0);
                return;
        }
        if (s->pid != 0 && !f->audit_log && !warned) {
                warned = true;
                log_warning("An audit daemon (pid %u) receives the kernel's audit records: seccomp denials "
                            "will not be seen here (kills are reported without the syscall's name).", s->pid);
        }
        if (f->n_waiters == 0)
                return;
        if (s->backlog == 0) {
                settle_done(f, false, s->seq);
                return;
        }
        if (!f->retry)
                (void) sd_event_add_time_relative(f->manager->event, &f->retry, CLOCK_MONOTONIC,
                                                  DENIAL_SETTLE_RETRY_USEC, 0, on_settle_retry, f);
}

int denial_feed_settle(DenialFeed *f, DenialsSettledFn fn, void *userdata) {
        uint32_t seq;

        if (!f || !f->audit || f->audit_refused || (seq = audit_watch_refresh(f->audit)) == 0) {
                denial_feed_flush(f);
                return 1;
        }
        SettleWaiter *n = reallocarray(f->waiters, f->n_waiters + 1, sizeof *n);
        if (!n)
                return -ENOMEM;
        f->waiters = n;
        f->waiters[f->n_waiters++] = (SettleWaiter) { .fn = fn, .userdata = userdata, .need_seq = seq };
        if (!f->deadline &&
            sd_event_add_time_relative(f->manager->event, &f->deadline, CLOCK_MONOTONIC,
                                       DENIAL_SETTLE_TIMEOUT_USEC, 0, on_settle_deadline, f) < 0) {
                /* Without a deadline nothing may wait on the kernel. */
                f->n_waiters--;
                denial_feed_flush(f);
                return 1;
        }
        return 0;
}

int denial_feed_open(Manager *m, DenialFeed **ret) {
        DenialFeed *f = calloc(1, sizeof *f);
        int r;

        if (!f)
                return -ENOMEM;
        f->manager = m;
        r = (m->denial_sources & DENIAL_SOURCE_AUDIT) ? audit_log_open(m->event, on_audit_log, f, &f->audit_log)
                                                        : -ENOPKG;
        if (r == -ENOPKG)
                log_debug("Not reading the audit multicast group (--denial-records=kmsg).");
        else if (r < 0)
                log_debug_errno(r, "Cannot join the audit multicast group, reading seccomp records from %s only: %m",
                                KMSG_PATH);
        else
                log_debug("Reading seccomp records from the audit multicast group.");
        r = audit_watch_open(m->event, on_audit_status, f, &f->audit);
        if (r < 0)
                log_debug_errno(r, "Cannot ask the audit subsystem for its status, ignoring: %m");
        r = (m->denial_sources & DENIAL_SOURCE_KMSG) ? kmsg_open(m->event, on_kmsg, f, &f->kmsg) : -ENOPKG;
        if (r == -ENOPKG)
                log_debug("Not reading %s (--denial-records=audit).", KMSG_PATH);
        else if (r < 0 && !f->audit_log)
                log_warning_errno(r, "Failed to read %s, seccomp kills will not name the syscall: %m", KMSG_PATH);
        else if (r < 0)
                log_debug_errno(r, "Cannot read %s, ignoring: %m", KMSG_PATH);
        *ret = f;
        return 0;
}

DenialFeed *denial_feed_free(DenialFeed *f) {
        if (!f)
                return NULL;
        settle_done(f, true, 0);
        sd_event_source_disable_unref(f->deadline);
        sd_event_source_disable_unref(f->retry);
        free(f->waiters);
        audit_log_free(f->audit_log);
        kmsg_reader_free(f->kmsg);
        audit_watch_free(f->audit);
        free(f);
        return NULL;
}

/* Whether printk's rate limit is on: kernel.printk_ratelimit is its interval, 0 is off. */
static bool printk_rate_limited(void) {
        char buf[32] = "";
        FILE *p = fopen("/proc/sys/kernel/printk_ratelimit", "re");

        if (!p)
                return true;
        bool limited = !fgets(buf, sizeof buf, p) || atoi(buf) != 0;
        fclose(p);
        return limited;
}

int denial_feed_health(DenialFeed *f, char **ret) {
        AuditStatus st, first;
        uint64_t lost = 0, kmsg_lost = 0;
        bool multicast = f && f->audit_log && f->kmsg_first == 0;
        char buf[512] = "";
        size_t n = 0;

#define ADD(...) (n += (size_t) snprintf(buf + MIN(n, sizeof buf), n < sizeof buf ? sizeof buf - n : 0, __VA_ARGS__))
        if (!f || (!f->kmsg && !f->audit_log))
                ADD("denial records unavailable: neither the audit multicast group nor %s can be read; ", KMSG_PATH);
        if (f && audit_watch_get(f->audit, &first, &st)) {
                if (st.pid != 0 && !f->audit_log)
                        ADD("denial records unavailable: an audit daemon (pid %u) consumes them; ", st.pid);
                if (st.lost >= first.lost)
                        lost = st.lost - first.lost;
        }
        if (f)
                audit_watch_refresh(f->audit); /* for the next time */
        if (multicast) {
                /* The kernel's lost count includes what printk dropped, which reached us
                 * through the multicast group: only the socket's own overflows count. */
                if (audit_log_overruns(f->audit_log) > 0)
                        ADD("the audit socket overflowed %" PRIu64 " time(s) since syscaged started, losing records; ",
                            audit_log_overruns(f->audit_log));
        } else {
                /* Without the audit subsystem's count, what the kernel log said. */
                if (f)
                        kmsg_lost = kmsg_reader_suppressed(f->kmsg) + kmsg_reader_overruns(f->kmsg);
                if (lost > 0 || kmsg_lost > 0)
                        ADD("%" PRIu64 " kernel audit records lost since syscaged started (printk rate limit); ",
                            MAX(lost, kmsg_lost));
                else if (f && f->kmsg && printk_rate_limited())
                        ADD("read from the kernel log, which printk rate-limits (kernel.printk_ratelimit): "
                            "records may be lost; ");
        }
        if (proc_events_lost(f ? f->manager->proc_events : NULL) > 0)
                ADD("%" PRIu64 " process events lost; ", proc_events_lost(f->manager->proc_events));
#undef ADD
        n = MIN(n, sizeof buf - 1);
        if (n >= 2 && buf[n - 2] == ';')
                buf[n - 2] = '\0';
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}
