/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The main phase's notifications (see exec-phase.h). Like the gate, nothing here blocks: the
 * only reads are of /proc/TID/status and comm, which the kernel fills without waiting on the
 * target.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/exec-phase.h"
#include "phase-marker.h"

#if defined(__x86_64__)
#define PHASE_NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PHASE_NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the main phase knows no audit arch for this architecture"
#endif

int exec_phase_new(const ExecPlan *plan, ExecPhase **ret) {
        ExecPhase *ph;

        if (plan->phase_start == PHASE_START_NONE) {
                *ret = NULL;
                return 0;
        }
        ph = calloc(1, sizeof *ph + plan->n_phase_calls * sizeof(PolicyPhaseCall));
        if (!ph)
                return -ENOMEM;
        ph->start = plan->phase_start;
        ph->filters_expected = plan->phase_filters_expected;
        ph->n_calls = plan->n_phase_calls;
        if (plan->n_phase_calls > 0)
                memcpy(ph->calls, plan->phase_calls, plan->n_phase_calls * sizeof(PolicyPhaseCall));
        *ret = ph;
        return 0;
}

/* The native number of N's call: the routes are native numbers, and libseccomp compiled
 * them for every ABI of the policy by name (its SCMP_ARCH_* tokens are the AUDIT_ARCH_*
 * values the kernel reports). -1 when the call has no native counterpart. */
static int native_nr(const struct seccomp_notif *n) {
        if (n->data.arch == PHASE_NATIVE_AUDIT_ARCH)
                return n->data.nr;
        _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(n->data.arch, n->data.nr);
        int nr = name ? seccomp_syscall_resolve_name(name) : -1;
        return nr >= 0 ? nr : -1;
}

bool exec_phase_owns(const ExecProcess *p, const struct seccomp_notif *n) {
        if (!p->phase)
                return false;
        int nr = native_nr(n);
        return nr != __NR_execve && nr != __NR_execveat;
}

static bool is_marker(const struct seccomp_notif *n) {
        return n->data.arch == PHASE_NATIVE_AUDIT_ARCH && n->data.nr == __NR_getpid && n->data.args[0] == SYSCAGE_PHASE_MARK_ARG0 &&
               n->data.args[1] == SYSCAGE_PHASE_MARK_ARG1;
}

int exec_phase_read_filters(pid_t tid) {
        char path[64], buf[2048];

        snprintf(path, sizeof path, "/proc/%d/status", (int) tid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        ssize_t k = read(fd, buf, sizeof buf - 1);
        if (k < 0)
                return -errno;
        buf[k] = '\0';
        const char *s = strstr(buf, "\nSeccomp_filters:");
        if (!s)
                return -ENODATA; /* a kernel before 5.9 does not say */
        return (int) strtol(s + strlen("\nSeccomp_filters:"), NULL, 10);
}

static int phase_send(ExecProcess *p, uint64_t id, int error, uint32_t flags) {
        struct seccomp_notif_resp *resp = p->resp;

        memset(resp, 0, p->resp_size);
        resp->id = id;
        resp->error = error;
        resp->flags = flags;
        return ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 ? -errno : 0;
}

static pid_t read_tgid(pid_t tid) {
        char path[64], buf[1024];

        snprintf(path, sizeof path, "/proc/%d/status", (int) tid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return 0;
        ssize_t k = read(fd, buf, sizeof buf - 1);
        if (k <= 0)
                return 0;
        buf[k] = '\0';
        const char *t = strstr(buf, "\nTgid:");
        return t ? (pid_t) strtol(t + 6, NULL, 10) : 0;
}

/* SIGKILL to the caller's process, pinned by a pidfd taken while the notification (and so
 * the thread) is known to be alive. */
static bool phase_kill(ExecProcess *p, const struct seccomp_notif *n, pid_t tgid) {
        uint64_t id = n->id;

        if (tgid <= 0)
                return false;
        _cleanup_close_ int pidfd = pidfd_open(tgid, 0);
        if (pidfd < 0 || ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
                return false;
        return pidfd_send_signal(pidfd, SIGKILL, NULL, 0) >= 0;
}

static void describe(const struct seccomp_notif *n, pid_t tgid, ExecDenial *d) {
        char path[64];

        d->tid = (pid_t) n->pid;
        d->pid = tgid;
        d->nr = n->data.nr;
        d->arch = n->data.arch;
        snprintf(path, sizeof path, "/proc/%d/comm", (int) n->pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        ssize_t k = fd >= 0 ? read(fd, d->comm, sizeof d->comm - 1) : -1;
        d->comm[k > 0 ? k : 0] = '\0';
        d->comm[strcspn(d->comm, "\n")] = '\0';
}

/* The marker: the main filter must be in the caller's chain. */
static int phase_marker(ExecProcess *p, const struct seccomp_notif *n, ExecDenialCallback cb,
                        void *userdata) {
        pid_t tgid = read_tgid((pid_t) n->pid);
        int count = exec_phase_read_filters((pid_t) n->pid);

        if (count >= 0 && (unsigned) count >= p->phase->filters_expected) {
                int r = phase_send(p, n->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
                if (r == 0 && tgid == p->pid)
                        p->phase->main = true;
                return r == -ENOENT ? 0 : r;
        }
        /* Short (or unreadable): the filter is not there. Fail closed. */
        ExecDenial d = { .action = EXEC_GATE_KILL, .error = EPERM, .syscall = "main-phase" };
        if (cb)
                describe(n, tgid, &d);
        d.killed = phase_kill(p, n, tgid);
        if (tgid == p->pid)
                p->phase->failed = true;
        int r = phase_send(p, n->id, -EPERM, 0);
        if (r < 0 && r != -ENOENT)
                return r;
        if (cb)
                cb(&d, userdata);
        return 0;
}

static const PolicyPhaseCall *find_call(const ExecPhase *ph, int nr) {
        size_t lo = 0, hi = ph->n_calls;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (ph->calls[mid].nr == nr)
                        return &ph->calls[mid];
                if (ph->calls[mid].nr < nr)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

static int phase_deny(ExecProcess *p, const struct seccomp_notif *n, PolicyAction a,
                      ExecDenialCallback cb, void *userdata) {
        bool kill = a.type == POLICY_ACTION_KILL;
        int error = a.type == POLICY_ACTION_ERRNO ? a.errno_value : EPERM;
        ExecDenial d = { .action = kill ? EXEC_GATE_KILL : EXEC_GATE_ERRNO, .error = error };
        _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(n->data.arch, n->data.nr);
        pid_t tgid = read_tgid((pid_t) n->pid);

        d.syscall = name ?: "unknown";
        if (cb)
                describe(n, tgid, &d);
        if (kill)
                d.killed = phase_kill(p, n, tgid);
        int r = phase_send(p, n->id, -error, 0);
        if (r < 0 && r != -ENOENT)
                return r;
        p->n_denied++;
        if (cb)
                cb(&d, userdata);
        return 0;
}

int exec_phase_handle(ExecProcess *p, const struct seccomp_notif *n, ExecDenialCallback cb,
                      void *userdata) {
        ExecPhase *ph = p->phase;
        int r;

        if (ph->start == PHASE_START_AFTER_LOADER && is_marker(n))
                return phase_marker(p, n, cb, userdata);
        int nr = native_nr(n);
        const PolicyPhaseCall *c = ph->start == PHASE_START_AFTER_READY && nr >= 0 ? find_call(ph, nr) : NULL;
        if (c && ph->main)
                return phase_deny(p, n, c->action, cb, userdata);
        /* Start-up: allowed by the start-up policy, which decides alone. A getpid() that
         * looks like the marker where none is expected is only a getpid(). Anything else
         * cannot have been routed here: refuse it rather than guess. */
        if (c || nr == __NR_getpid)
                r = phase_send(p, n->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
        else
                r = phase_send(p, n->id, -ENOSYS, 0);
        return r == -ENOENT ? 0 : r;
}

bool exec_phase_one_at_a_time(const ExecProcess *p) {
        return p->phase && p->phase->start == PHASE_START_AFTER_READY && !p->phase->main;
}

void exec_phase_set_main(ExecProcess *p) {
        if (p && p->phase && p->phase->start == PHASE_START_AFTER_READY)
                p->phase->main = true;
}

bool exec_phase_expired(ExecProcess *p) {
        if (!p || !p->phase || p->phase->main || p->phase->start != PHASE_START_AFTER_LOADER)
                return false;
        p->phase->failed = true;
        return p->pidfd >= 0 && pidfd_send_signal(p->pidfd, SIGKILL, NULL, 0) >= 0;
}
