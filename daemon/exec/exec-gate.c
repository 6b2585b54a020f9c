/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The execve gate (see exec-gate.h for the state machine). Nothing here blocks for long:
 * every read is preceded by a zero-timeout poll, and the one read of another process's
 * memory (a denied path, for the log) is given at most EXEC_DENIAL_READ_TIMEOUT_MS, once
 * per service; so the daemon's event loop can drive it.
 */
#include <fcntl.h>
#include <linux/audit.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/exec-gate.h"
#include "exec/exec-learn.h"
#include "exec/exec-phase.h"

#if defined(__x86_64__)
#define EXEC_NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define EXEC_NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the execve gate knows no audit arch for this architecture"
#endif

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif

void exec_process_close_listener(ExecProcess *p) {
        if (p)
                p->listener_fd = safe_close(p->listener_fd);
}

/* The buffers for RECV and SEND, sized as the kernel's structs (which may be larger than
 * ours; never smaller). Made on the first notification. */
static int gate_buffers(ExecProcess *p) {
        struct seccomp_notif_sizes sizes = {};

        if (p->notif && p->resp)
                return 0;
        if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
                return -errno;
        p->notif_size = MAX((size_t) sizes.seccomp_notif, sizeof(struct seccomp_notif));
        p->resp_size = MAX((size_t) sizes.seccomp_notif_resp, sizeof(struct seccomp_notif_resp));
        free(p->notif);
        free(p->resp);
        p->notif = malloc(p->notif_size);
        p->resp = malloc(p->resp_size);
        return p->notif && p->resp ? 0 : -ENOMEM;
}

/* Reads the start of /proc/<tid>/<name> into buf, NUL-terminated. */
static void proc_read(pid_t tid, const char *name, char *buf, size_t size) {
        char path[64];

        buf[0] = '\0';
        snprintf(path, sizeof(path), "/proc/%d/%s", (int) tid, name);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return;
        ssize_t n = read(fd, buf, size - 1);
        buf[n > 0 ? n : 0] = '\0';
}

static pid_t proc_read_tgid(pid_t tid) {
        char buf[1024];

        proc_read(tid, "status", buf, sizeof(buf));
        const char *t = strstr(buf, "\nTgid:");
        return t ? (pid_t) strtol(t + 6, NULL, 10) : 0;
}

/* Reads a NUL-terminated string at addr from the target, a page at a time (a read that
 * crosses into an unmapped page fails as a whole). Advisory. */
static void proc_read_string(pid_t tid, uint64_t addr, char *buf, size_t size) {
        char path[64];
        size_t got = 0;
        const size_t page = 4096;

        buf[0] = '\0';
        snprintf(path, sizeof(path), "/proc/%d/mem", (int) tid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return;
        while (got < size - 1) {
                size_t chunk = MIN(page - ((addr + got) % page), size - 1 - got);
                ssize_t n = pread(fd, buf + got, chunk, (off_t) (addr + got));
                if (n <= 0)
                        break;
                if (memchr(buf + got, '\0', (size_t) n)) {
                        got += (size_t) n;
                        break;
                }
                got += (size_t) n;
        }
        buf[got] = '\0';
}

/* Reading another process's memory waits for as long as that process can make a page fault
 * last: a page of a FUSE file system it serves itself never arrives. So the read runs in a
 * detached thread and we wait for it at most EXEC_DENIAL_READ_TIMEOUT_MS. A reader that is
 * late is left behind (it ends when its FUSE server goes away, at the latest when the
 * service is stopped); while one is left behind, denials are logged without the path, so at
 * most one thread is ever stuck.
 *
 * This is the one place the daemon uses a thread (STYLE.md asks for none): any reader of
 * another process's memory can block, so it needs a context of its own; a forked reader would
 * do the same job at the cost of a fork per denial. The thread touches nothing but its own
 * PathRead, and everything between fork and execve stays async-signal-safe with it around. */
typedef enum PathReadState {
        PATH_READ_RUNNING,
        PATH_READ_DONE,      /* the thread finished first: the result is ours */
        PATH_READ_ABANDONED, /* we stopped waiting first: the thread is on its own */
} PathReadState;

typedef struct PathRead {
        atomic_int refs;
        _Atomic PathReadState state;
        int event_fd;
        pid_t tid;
        uint64_t addr;
        char buf[EXEC_DENIAL_PATH_MAX];
} PathRead;

static atomic_uint path_readers_abandoned;

static void path_read_unref(PathRead *r) {
        if (atomic_fetch_sub(&r->refs, 1) != 1)
                return;
        safe_close(r->event_fd);
        free(r);
}

static void *path_read_thread(void *userdata) {
        PathRead *r = userdata;
        PathReadState running = PATH_READ_RUNNING;
        uint64_t one = 1;

        proc_read_string(r->tid, r->addr, r->buf, sizeof(r->buf));
        if (!atomic_compare_exchange_strong(&r->state, &running, PATH_READ_DONE))
                atomic_fetch_sub(&path_readers_abandoned, 1);
        else
                (void) !write(r->event_fd, &one, sizeof(one));
        path_read_unref(r);
        return NULL;
}

static int path_read_start(PathRead *r) {
        pthread_attr_t attr;
        pthread_t t;
        int k;

        if (pthread_attr_init(&attr) != 0)
                return -ENOMEM;
        k = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (k == 0)
                k = pthread_create(&t, &attr, path_read_thread, r);
        (void) pthread_attr_destroy(&attr);
        return -k;
}

unsigned exec_gate_readers_abandoned(void) {
        return atomic_load(&path_readers_abandoned);
}

/* proc_read_string() with a deadline; an empty string if it is late or cannot run. Returns
 * false only when the reader was late. */
static bool proc_read_string_bounded(pid_t tid, uint64_t addr, char *buf, size_t size) {
        PathReadState running = PATH_READ_RUNNING;
        PathRead *r;
        bool late;

        buf[0] = '\0';
        if (atomic_load(&path_readers_abandoned) > 0 || !(r = calloc(1, sizeof(PathRead))))
                return true;
        *r = (PathRead) { .refs = 2, .state = PATH_READ_RUNNING, .tid = tid, .addr = addr };
        r->event_fd = eventfd(0, EFD_CLOEXEC);
        if (r->event_fd < 0 || path_read_start(r) < 0) {
                safe_close(r->event_fd);
                free(r);
                return true;
        }
        struct pollfd pfd = { .fd = r->event_fd, .events = POLLIN };
        (void) poll(&pfd, 1, EXEC_DENIAL_READ_TIMEOUT_MS);
        late = atomic_compare_exchange_strong(&r->state, &running, PATH_READ_ABANDONED);
        if (late)
                atomic_fetch_add(&path_readers_abandoned, 1);
        else
                snprintf(buf, size, "%s", r->buf);
        path_read_unref(r);
        return !late;
}

/* The path argument of a denied call. A service whose memory was too slow to read once is
 * not read again, so that it cannot cost the daemon EXEC_DENIAL_READ_TIMEOUT_MS per call. */
static void denial_read_path(ExecProcess *p, pid_t tid, uint64_t addr, char *buf, size_t size) {
        buf[0] = '\0';
        if (!p->paths_unreadable && !proc_read_string_bounded(tid, addr, buf, size))
                p->paths_unreadable = true;
}

static bool notif_id_valid(int listener, uint64_t id) {
        return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) >= 0;
}

static const char *notif_syscall_name(const struct seccomp_notif *n) {
        if (n->data.arch != EXEC_NATIVE_AUDIT_ARCH)
                return "unknown";
        return n->data.nr == __NR_execve ? "execve" : n->data.nr == __NR_execveat ? "execveat" : "unknown";
}

static void denial_describe(ExecProcess *p, const struct seccomp_notif *n, ExecDenial *d) {
        pid_t tid = (pid_t) n->pid;

        d->tid = tid;
        d->nr = n->data.nr;
        d->arch = n->data.arch;
        d->syscall = notif_syscall_name(n);
        proc_read(tid, "comm", d->comm, sizeof(d->comm));
        d->comm[strcspn(d->comm, "\n")] = '\0';
        d->pid = proc_read_tgid(tid);
        if (streq(d->syscall, "execve"))
                denial_read_path(p, tid, n->data.args[0], d->path, sizeof(d->path));
        else if (streq(d->syscall, "execveat"))
                denial_read_path(p, tid, n->data.args[1], d->path, sizeof(d->path));
        /* The task may have died and its tid been reused while we read: then nothing we
         * read belongs to the caller. */
        if (!notif_id_valid(p->listener_fd, n->id)) {
                d->comm[0] = d->path[0] = '\0';
                d->pid = 0;
        }
}

/* The kill action: pin the thread with a pidfd, make sure the notification (and so the
 * tid) is still the one we were asked about, then kill. SIGKILL to any thread kills the
 * whole thread group. */
static bool denial_kill(ExecProcess *p, const struct seccomp_notif *n) {
        _cleanup_close_ int pidfd = pidfd_open((pid_t) n->pid, PIDFD_THREAD);
        /* Before Linux 6.9 there are no thread pidfds: pin the thread group instead. While
         * the notification is valid the thread lives, so its Tgid still names its process. */
        if (pidfd < 0 && errno == EINVAL) {
                pid_t tgid = proc_read_tgid((pid_t) n->pid);
                if (tgid > 0)
                        pidfd = pidfd_open(tgid, 0);
        }
        if (pidfd < 0)
                return false;
        if (!notif_id_valid(p->listener_fd, n->id))
                return false;
        return pidfd_send_signal(pidfd, SIGKILL, NULL, 0) >= 0;
}

static int gate_send(ExecProcess *p, uint64_t id, int error, uint32_t flags) {
        memset(p->resp, 0, p->resp_size);
        p->resp->id = id;
        p->resp->error = error;
        p->resp->flags = flags;
        return ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_SEND, p->resp) < 0 ? -errno : 0;
}

static bool gate_is_launch(const ExecProcess *p, const struct seccomp_notif *n) {
        return !p->launched && (pid_t) n->pid == p->pid && n->data.arch == EXEC_NATIVE_AUDIT_ARCH &&
               n->data.nr == __NR_execve && n->data.args[0] == p->launch_args[0] &&
               n->data.args[1] == p->launch_args[1] && n->data.args[2] == p->launch_args[2];
}

static int gate_deny(ExecProcess *p, const struct seccomp_notif *n, ExecDenialCallback cb,
                     void *userdata) {
        ExecDenial d = { .action = p->gate_action, .error = p->gate_errno };

        if (cb)
                denial_describe(p, n, &d);
        if (p->gate_action == EXEC_GATE_KILL)
                d.killed = denial_kill(p, n);
        int r = gate_send(p, n->id, -p->gate_errno, 0);
        /* ENOENT: the caller was interrupted or killed; the call did not run either way. */
        if (r < 0 && r != -ENOENT)
                return r;
        p->n_denied++;
        if (cb)
                cb(&d, userdata);
        return 0;
}

/* PolicyMode=complain: the call runs (CONTINUE) and is reported as a would-be denial. There
 * is nothing to enforce, so the usual objection to CONTINUE (the caller can change the
 * arguments after the check) does not apply. */
static int gate_report(ExecProcess *p, const struct seccomp_notif *n, ExecDenialCallback cb,
                       void *userdata) {
        ExecDenial d = { .action = EXEC_GATE_REPORT };

        if (cb)
                denial_describe(p, n, &d);
        int r = gate_send(p, n->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
        if (r < 0 && r != -ENOENT)
                return r;
        p->n_denied++;
        if (cb)
                cb(&d, userdata);
        return 0;
}

static int gate_handle_one(ExecProcess *p, ExecDenialCallback cb, void *userdata) {
        struct seccomp_notif *n = p->notif;

        /* The kernel rejects a RECV buffer that is not zeroed. */
        memset(n, 0, p->notif_size);
        if (ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_RECV, n) < 0)
                /* ENOENT: the caller went away between poll and RECV. */
                return errno == ENOENT || errno == EINTR ? 0 : -errno;
        p->last_notif_id = n->id;
        p->have_notif_id = true;
        if (p->learn && !gate_is_launch(p, n))
                return exec_learn_answer(p, n);
        if (exec_phase_owns(p, n))
                return exec_phase_handle(p, n, cb, userdata);
        if (!gate_is_launch(p, n))
                return p->gate_action == EXEC_GATE_REPORT ? gate_report(p, n, cb, userdata) :
                                                            gate_deny(p, n, cb, userdata);
        int r = gate_send(p, n->id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
        if (r == 0)
                p->launched = true;
        /* ENOENT: a signal interrupted the launch execve; the kernel re-issues it as a new
         * notification, which gets the CONTINUE instead. */
        return r == -ENOENT ? 0 : r;
}

int exec_gate_handle(ExecProcess *p, ExecDenialCallback cb, void *userdata) {
        if (p->listener_fd < 0)
                return -EBADF;
        int r = gate_buffers(p);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < EXEC_GATE_BATCH_MAX; i++) {
                struct pollfd pfd = { .fd = p->listener_fd, .events = POLLIN };
                int k = poll(&pfd, 1, 0);
                if (k < 0)
                        return errno == EINTR ? 0 : -errno;
                if (k == 0)
                        return 0;
                if (!(pfd.revents & POLLIN))
                        return pfd.revents & (POLLHUP | POLLERR) ? EXEC_GATE_CLOSED : 0;
                r = gate_handle_one(p, cb, userdata);
                if (r < 0)
                        return r;
                if (exec_phase_one_at_a_time(p) || (p->learn && p->learn_until_ready))
                        return 0;
        }
        return 0;
}

int exec_gate_answer_orphans(ExecProcess *p, ExecDenialCallback cb, void *userdata) {
        int n = 0, r;

        if (p->listener_fd < 0 || !p->have_notif_id || !p->launched)
                return 0;
        r = gate_buffers(p);
        if (r < 0)
                return r;
        /* Ids count up per filter, so the ones received and left unanswered lie just after
         * the last one recorded (that one included, in case its answer was not sent). */
        for (uint64_t id = p->last_notif_id; id - p->last_notif_id <= EXEC_GATE_ORPHAN_PROBE; id++) {
                if (!notif_id_valid(p->listener_fd, id))
                        continue;
                r = p->gate_action == EXEC_GATE_REPORT ?
                            gate_send(p, id, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE) :
                            gate_send(p, id, -p->gate_errno, 0);
                if (r < 0 && r != -ENOENT)
                        return r;
                if (r == 0) {
                        ExecDenial d = { .action = p->gate_action, .error = p->gate_errno,
                                         .syscall = "execve" };
                        p->n_denied++;
                        n++;
                        if (cb)
                                cb(&d, userdata);
                }
        }
        return n;
}
