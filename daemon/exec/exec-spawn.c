/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creating the launch child, and reading its launch report.
 *
 * Why the child shares our memory. A copying fork costs in proportion to the daemon's
 * address space (page tables, and a copy-on-write fault for every page either side then
 * writes), so with many units loaded it dominated "start 1,000 units". The child is started
 * with clone3(CLONE_VM): no copy at all, the same cost with 10 or 10,000 units loaded
 * (contrib/bench-launch.sh, /bin/true through the gate on a loaded 2-core VM: 4.5 ms with a
 * small heap and 4.8 ms with 400 MB, against 7.5 and 24.6 ms with a copying fork).
 *
 * Why not CLONE_VFORK. vfork suspends the parent until the child's execve has replaced its
 * memory (or it exits). With the execve gate that execve waits in the kernel until the
 * daemon answers its seccomp notification, so a suspended daemon would wait for itself.
 * Releasing the parent "just before execve" does not work either: the kernel reads the path,
 * argv and envp from the shared memory after the gate continues the call. So the daemon is
 * not suspended at all: it returns to its event loop at once (it never waits on the child's
 * set-up either, a slow chdir or NFS home included), and the child runs alongside it.
 *
 * What that asks of each side:
 *   - The child must not write anything the daemon uses. exec-child.c makes raw system calls
 *     only (no errno: the child runs on the daemon thread's TLS; no libc, whose lazy binding
 *     and locks are the daemon's), and writes only its own stack.
 *   - The daemon must not change or free what the child reads until the child is done. The
 *     child reads a private copy of the plan (argv, envp, groups, filters) made in one
 *     mapping together with the child's stack (the "arena"), and the arena is unmapped only
 *     once the child has exec'd or exited: EOF on the launch socket (the child's end is
 *     close-on-exec, and the kernel closes it after the new program's memory replaced the
 *     old, or at exit after the memory was released), or a readable pidfd. A failure report
 *     does not release it: the child still runs on that stack until it exits.
 *   - No signal handler of the daemon may run in the child: every signal is blocked around
 *     the clone, and the child sets every disposition to default before it unblocks them
 *     (its signal handler table is its own copy; without CLONE_SIGHAND).
 *   - The daemon's memory is the child's until execve, so the child's own changes to it are
 *     the daemon's: the only one is the dumpable flag, which the child sets to 0 as the
 *     daemon has it (exec-child.c).
 *   - That flag is shared by every child still before its execve, and the kernel sets it to
 *     fs.suid_dumpable at each change of an effective uid or gid. If that is not 0, one
 *     child's setresuid makes the address space dumpable for a moment under every other
 *     child too, including one of another user that already dropped its capabilities and
 *     waits in the gate: a process of that user can then open /proc/<child>/mem, which is
 *     the daemon's memory, for writing and keep it (or take a core dump of it with a signal).
 *     No child can close that for the others, so memory is shared only while
 *     fs.suid_dumpable is 0 (checked at every launch; then the flag can only ever be 0), and
 *     the child gets a copy otherwise (clone3 without CLONE_VM, still placed in its cgroup
 *     by the kernel; tests/integration/test-exec-shared-mm.c).
 * The fork fallback (no clone3) runs the same child code on the same arena.
 */
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec/exec-child.h"
#include "exec/exec-spawn.h"
#include "exec/exec-phase.h"

#ifndef CLONE_ARGS_SIZE_VER0
#define CLONE_ARGS_SIZE_VER0 64 /* without the cgroup field */
#endif

static const char *const exec_report_table[_EXEC_REPORT_MAX] = {
        [EXEC_REPORT_AGAIN] = "again",
        [EXEC_REPORT_LISTENER] = "listener",
        [EXEC_REPORT_EXECED] = "execed",
        [EXEC_REPORT_FAILED] = "failed",
        [EXEC_REPORT_DIED] = "died",
};

const char *exec_report_to_string(ExecReport r) {
        return r >= 0 && r < _EXEC_REPORT_MAX ? exec_report_table[r] : NULL;
}

/* ---- the arena: the child's stack and its copy of the plan ---- */

/* A bump allocator over the arena. With base NULL it only measures. */
typedef struct Bump {
        char *base;
        size_t used;
} Bump;

static void *bump_put(Bump *b, const void *src, size_t n, size_t align) {
        b->used = (b->used + align - 1) & ~(align - 1);
        void *dst = b->base ? b->base + b->used : NULL;
        b->used += n;
        if (dst && src && n > 0)
                memcpy(dst, src, n);
        return dst;
}

static const char *bump_str(Bump *b, const char *s) {
        return s ? bump_put(b, s, strlen(s) + 1, 1) : NULL;
}

static const char *const *bump_strv(Bump *b, const char *const *v) {
        size_t n = 0;

        while (v[n])
                n++;
        const char **copy = bump_put(b, NULL, (n + 1) * sizeof(char *), alignof(char *));
        for (size_t i = 0; i < n; i++) {
                const char *s = bump_str(b, v[i]);
                if (copy)
                        copy[i] = s;
        }
        if (copy)
                copy[n] = NULL;
        return copy;
}

static const struct sock_fprog *bump_progs(Bump *b, const struct sock_fprog *progs, size_t n) {
        struct sock_fprog *copy = bump_put(b, progs, n * sizeof(*progs), alignof(struct sock_fprog));
        for (size_t i = 0; i < n; i++) {
                struct sock_filter *f = bump_put(b, progs[i].filter,
                                                 progs[i].len * sizeof(struct sock_filter),
                                                 alignof(struct sock_filter));
                if (copy)
                        copy[i].filter = f;
        }
        return copy;
}

/* Where S, a string in M's block, lies in the copy of that block. */
static const char *reloc_str(const MountPlan *m, const char *strings, const char *s) {
        return s && strings ? strings + (s - m->strings) : NULL;
}

/* The mount plan with its ops and its one block of strings (exec_plan_check() made sure
 * every string lies in it). */
static const MountPlan *bump_mount_plan(Bump *b, const MountPlan *m) {
        MountPlan *c = bump_put(b, m, sizeof(*m), alignof(MountPlan));
        MountOp *ops = bump_put(b, m->ops, m->n_ops * sizeof(MountOp), alignof(MountOp));
        char *strings = bump_put(b, m->strings, m->strings_size, 1);

        if (!c)
                return NULL;
        c->ops = ops;
        c->strings = strings;
        c->root = reloc_str(m, strings, m->root);
        for (size_t i = 0; i < m->n_ops; i++) {
                ops[i].source = reloc_str(m, strings, m->ops[i].source);
                ops[i].target = reloc_str(m, strings, m->ops[i].target);
                ops[i].data = reloc_str(m, strings, m->ops[i].data);
        }
        return c;
}

/* Copies plan and everything it points to; returns the copy (NULL when measuring). */
static ExecPlan *bump_plan(Bump *b, const ExecPlan *plan) {
        ExecPlan *c = bump_put(b, plan, sizeof(*plan), alignof(ExecPlan));
        const char *path = bump_str(b, plan->path);
        const char *const *argv = bump_strv(b, plan->argv);
        const char *const *envp = bump_strv(b, plan->envp);
        const gid_t *groups = plan->n_groups > 0 ?
                bump_put(b, plan->groups, plan->n_groups * sizeof(gid_t), alignof(gid_t)) : NULL;
        const char *wd = bump_str(b, plan->working_directory);
        const struct sock_fprog *notify = plan->filter_notify ? bump_progs(b, plan->filter_notify, 1) : NULL;
        const struct sock_fprog *policy = plan->filter_policy ?
                bump_progs(b, plan->filter_policy, MAX(plan->n_filter_policy, (size_t) 1)) : NULL;
        const struct sock_fprog *baseline = plan->filter_baseline ?
                bump_progs(b, plan->filter_baseline, plan->n_filter_baseline) : NULL;
        const MountPlan *mounts = plan->mount_plan ? bump_mount_plan(b, plan->mount_plan) : NULL;

        if (!c)
                return NULL;
        c->path = path;
        c->argv = argv;
        c->envp = envp;
        c->groups = groups;
        c->working_directory = wd;
        c->filter_notify = notify;
        c->filter_policy = policy;
        c->filter_baseline = baseline;
        c->mount_plan = mounts;
        c->phase_calls = NULL; /* the daemon's, not the child's */
        c->n_phase_calls = 0;
        return c;
}

static size_t page_size(void) {
        long k = sysconf(_SC_PAGESIZE);
        return k > 0 ? (size_t) k : 4096;
}

/* Maps [guard page][stack][ExecChildArgs, plan copy] and fills in the data. */
static int arena_new(const ExecPlan *plan, ExecProcess *p, ExecChildArgs **ret_child) {
        size_t page = page_size();
        Bump measure = {};

        (void) bump_put(&measure, NULL, sizeof(ExecChildArgs), alignof(ExecChildArgs));
        (void) bump_plan(&measure, plan);
        size_t data = (measure.used + page - 1) & ~(page - 1);
        size_t size = page + EXEC_CHILD_STACK_SIZE + data;

        char *base = mmap(NULL, size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED)
                return -errno;
        if (mprotect(base, page, PROT_NONE) < 0) {
                int r = -errno;
                (void) munmap(base, size);
                return r;
        }
        p->arena = base;
        p->arena_size = size;

        Bump b = { .base = base + page + EXEC_CHILD_STACK_SIZE };
        ExecChildArgs *child = bump_put(&b, NULL, sizeof(ExecChildArgs), alignof(ExecChildArgs));
        *child = (ExecChildArgs) { .plan = bump_plan(&b, plan) };
        *ret_child = child;
        return 0;
}

static void *arena_stack(const ExecProcess *p) {
        return (char *) p->arena + page_size();
}

static void arena_release(ExecProcess *p) {
        if (p->arena)
                (void) munmap(p->arena, p->arena_size);
        p->arena = NULL;
        p->arena_size = 0;
}

/* Whether the child can no longer touch the arena: it exited (a pidfd turns readable after
 * the exiting task has dropped its memory). Exec is seen as EOF by exec_read_report(). */
static bool child_exited(const ExecProcess *p) {
        struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
        return p->pidfd >= 0 && poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

/* ---- the process ---- */

ExecProcess *exec_process_free(ExecProcess *p) {
        if (!p)
                return NULL;
        /* A child still in its launch may be running on the arena's stack: leave it mapped
         * rather than let it write into whatever is mapped there next. */
        if (p->arena && child_exited(p))
                arena_release(p);
        safe_close(p->pidfd);
        safe_close(p->socket_fd);
        safe_close(p->listener_fd);
        free(p->notif);
        free(p->resp);
        free(p->phase);
        free(p);
        return NULL;
}

int exec_process_adopt(pid_t pid, int pidfd, int listener_fd, ExecGateAction action, int error,
                       uint64_t last_notif_id, ExecProcess **ret) {
        ExecProcess *p = calloc(1, sizeof(ExecProcess));
        if (!p)
                return -ENOMEM;
        *p = (ExecProcess) {
                .pid = pid,
                .pidfd = pidfd,
                .socket_fd = -EBADF,
                .listener_fd = listener_fd,
                .gate = listener_fd >= 0,
                /* Its launch was answered by the daemon that started it; a launch still in
                 * flight then is denied now, which fails that start (safe). */
                .launched = true,
                .gate_action = action,
                .gate_errno = error,
                .last_notif_id = last_notif_id,
                .have_notif_id = last_notif_id != 0,
        };
        *ret = p;
        return 0;
}

static int exec_process_new(const ExecPlan *plan, ExecProcess **ret) {
        ExecProcess *p = calloc(1, sizeof(ExecProcess));
        if (!p)
                return -ENOMEM;
        *p = (ExecProcess) {
                .pidfd = -EBADF,
                .socket_fd = -EBADF,
                .listener_fd = -EBADF,
                .gate = plan->filter_notify != NULL,
                .gate_action = plan->gate_action,
                .gate_errno = plan->gate_errno,
                .learn = plan->learn && plan->filter_notify,
                .private_users = plan->private_users || plan->userns_first,
                .userns_single = plan->userns_first,
                .userns_uid = plan->userns_first ? geteuid() : plan->uid,
                .userns_gid = plan->userns_first ? getegid() : plan->gid,
                .phase_exec_routed = plan->phase_exec_routed,
                /* A notify filter that routes only a main phase's calls has no launch execve
                 * to let through: EOF on the launch socket then means exec'd. */
                .launched = plan->phase_start != PHASE_START_NONE && !plan->phase_exec_routed,
        };
        int r = exec_phase_new(plan, &p->phase);
        if (r < 0) {
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

/* ---- spawning ---- */

/* clone3 onto the arena's stack, with a pidfd, straight into the cgroup if asked; sharing
 * our memory (CLONE_VM) or with a copy of it. Returns the pid, or -errno; the child never
 * returns here. */
static pid_t spawn_clone(ExecProcess *p, const ExecChildArgs *child, int cgroup_fd, bool share_memory,
                         int *ret_pidfd) {
        int pidfd = -EBADF;
        struct clone_args args = {
                .flags = (share_memory ? CLONE_VM : 0) | CLONE_PIDFD,
                .pidfd = (uintptr_t) &pidfd,
                .exit_signal = SIGCHLD,
                .stack = (uintptr_t) arena_stack(p),
                .stack_size = EXEC_CHILD_STACK_SIZE,
        };
        size_t size = CLONE_ARGS_SIZE_VER0;

        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
                size = sizeof(args);
        }
        long pid = exec_child_clone3(&args, size, child);
        if (pid < 0)
                return (pid_t) pid;
        *ret_pidfd = pidfd;
        return (pid_t) pid;
}

/* The fallback where clone3 is missing: fork, then a pidfd. The child is not reaped, so its
 * pid cannot be reused before pidfd_open. */
static pid_t spawn_fork(const ExecChildArgs *child, int *ret_pidfd) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                exec_child_run(child);
        int pidfd = pidfd_open(pid, 0);
        if (pidfd < 0) {
                int r = -errno;
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                return r;
        }
        *ret_pidfd = pidfd;
        return pid;
}

/* Whether a credential change leaves an address space not dumpable: fs.suid_dumpable is 0.
 * Anything else, an unreadable value included, counts as no. */
static bool credential_change_keeps_nondumpable(void) {
        char buf[8];
        _cleanup_close_ int fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return false;
        ssize_t n = read(fd, buf, sizeof(buf));
        return n >= 1 && buf[0] == '0' && (n == 1 || buf[1] == '\n');
}

/* The clone itself, with every signal blocked: no handler of ours may run in the child
 * before it has reset the dispositions. */
static pid_t spawn_child(ExecProcess *p, ExecChildArgs *child, int cgroup_fd) {
        sigset_t all, saved;
        pid_t pid;

        /* Read before blocking signals: this may wait on /proc. */
        bool share_memory = credential_change_keeps_nondumpable() &&
                !child->plan->memory_deny_write_execute && /* PR_SET_MDWE would be the daemon's */
                /* an unprivileged daemon can write the maps only of a dumpable child
                 * (exec-child.c, child_enter_userns()), and dumpable is the address space's */
                !child->plan->userns_first;

        if (sigfillset(&all) < 0 || sigprocmask(SIG_SETMASK, &all, &saved) < 0)
                return -errno;
        /* A shared address space only where no child's credential change can make it
         * dumpable under another child (see the top of this file). */
        pid = spawn_clone(p, child, cgroup_fd, share_memory, &p->pidfd);
        /* E2BIG: a kernel before 5.7, whose clone_args has no cgroup field. The child then
         * joins the cgroup itself; a placement failure is its stage CGROUP. */
        if (pid == -E2BIG && cgroup_fd >= 0) {
                child->join_cgroup = true;
                pid = spawn_clone(p, child, -EBADF, share_memory, &p->pidfd);
        }
        if (pid == -ENOSYS) {
                child->join_cgroup = cgroup_fd >= 0;
                pid = spawn_fork(child, &p->pidfd);
        }
        (void) sigprocmask(SIG_SETMASK, &saved, NULL);
        return pid;
}

int exec_spawn(const ExecPlan *plan, ExecProcess **ret) {
        _cleanup_(exec_process_freep) ExecProcess *p = NULL;
        ExecChildArgs *child = NULL;
        int pair[2], r;

        r = exec_plan_check(plan);
        if (r < 0)
                return r;
        r = exec_process_new(plan, &p);
        if (r < 0)
                return r;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
                return -errno;
        p->socket_fd = pair[0];
        _cleanup_close_ int child_end = pair[1];

        r = arena_new(plan, p, &child);
        if (r < 0)
                return r;
        child->socket_fd = child_end;
        child->parent = getpid();
        child->no_new_privs = exec_plan_want_nnp(plan);
        child->baseline_early = exec_plan_baseline_early(plan);
        for (int s = 0; s < _EXEC_STAGE_MAX; s++)
                child->exit_code[s] = (uint8_t) exec_stage_exit_code((ExecStage) s);
        /* The gate recognises the launch by the pointers the child passes to execve. */
        p->launch_args[0] = (uintptr_t) child->plan->path;
        p->launch_args[1] = (uintptr_t) child->plan->argv;
        p->launch_args[2] = (uintptr_t) child->plan->envp;

        pid_t pid = spawn_child(p, child, plan->cgroup_fd);
        if (pid < 0) {
                arena_release(p); /* no child: nobody uses it */
                return pid;
        }
        p->pid = pid;
        *ret = TAKE_PTR(p);
        return 0;
}

/* ---- the launch report ---- */

/* Collects the fds of an SCM_RIGHTS message; unexpected extra fds are closed. */
static int report_take_fds(struct msghdr *mh, int *ret_fd) {
        int fd = -EBADF, n = 0;

        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int x;
                        memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (n++ == 0)
                                fd = x;
                        else
                                safe_close(x);
                }
        }
        *ret_fd = fd;
        return n;
}

static int report_eof(ExecProcess *p) {
        p->socket_fd = safe_close(p->socket_fd);
        /* The child's end closed: it exec'd or exited, and either way no longer uses the
         * arena. */
        arena_release(p);
        /* With the gate, the child can only pass execve once we continued it, so an EOF
         * before that means it died on the way. */
        return p->gate && !p->launched ? EXEC_REPORT_DIED : EXEC_REPORT_EXECED;
}

/* ---- PrivateUsers=: the child's uid and gid maps ---- */

/* "0 0 1\n", and "ID ID 1\n" for an id other than 0 (EXEC_*_UNSET: the child keeps root). */
static void userns_format_map(char *buf, size_t size, unsigned id, unsigned unset) {
        if (id == 0 || id == unset)
                snprintf(buf, size, "0 0 1\n");
        else
                snprintf(buf, size, "0 0 1\n%u %u 1\n", id, id);
}

/* The whole map in one write, as the kernel wants it. */
static int userns_write(int dir_fd, const char *name, const char *text) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t n = strlen(text);
        ssize_t k = write(fd, text, n);
        if (k < 0)
                return -errno;
        return (size_t) k == n ? 0 : -EIO;
}

/* Writes the maps of the child's new user namespace. We are in the parent namespace with
 * CAP_SETUID and CAP_SETGID, which a map of more than one id needs (the child cannot write
 * its own: exec-child.c). /proc/setgroups stays "allow": with a privileged writer the kernel
 * does not ask for "deny", and the child calls no setgroups() inside anyway. The child is
 * ours and not reaped (only its pidfd's owner reaps it), so its pid names it; the pidfd
 * check after opening the directory makes sure it had not exited by then. */
static int userns_map(ExecProcess *p) {
        char path[64], uid_map[64], gid_map[64];
        struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
        int r;

        if (!p->private_users || p->userns_mapped)
                return -EBADMSG;
        snprintf(path, sizeof path, "/proc/%d", (int) p->pid);
        _cleanup_close_ int dir_fd = open(path, O_DIRECTORY | O_PATH | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;
        if (poll(&pfd, 1, 0) != 0)
                return -ESRCH;
        if (p->userns_single) {
                /* Without CAP_SETUID/CAP_SETGID: our own ids only, and no setgroups() inside
                 * before a gid map may be written. */
                snprintf(uid_map, sizeof uid_map, "%u %u 1\n", (unsigned) p->userns_uid, (unsigned) p->userns_uid);
                snprintf(gid_map, sizeof gid_map, "%u %u 1\n", (unsigned) p->userns_gid, (unsigned) p->userns_gid);
                if ((r = userns_write(dir_fd, "setgroups", "deny")) < 0)
                        return r;
        } else {
                userns_format_map(uid_map, sizeof uid_map, (unsigned) p->userns_uid, (unsigned) EXEC_UID_UNSET);
                userns_format_map(gid_map, sizeof gid_map, (unsigned) p->userns_gid, (unsigned) EXEC_GID_UNSET);
        }
        if ((r = userns_write(dir_fd, "uid_map", uid_map)) < 0 ||
            (r = userns_write(dir_fd, "gid_map", gid_map)) < 0)
                return r;
        p->userns_mapped = true;
        return 0;
}

/* Answers the child: 0, or the errno writing the maps failed with. A request the child
 * should not have sent is -EBADMSG (the caller kills the child). */
static int userns_answer(ExecProcess *p) {
        int r = userns_map(p);
        if (r == -EBADMSG)
                return r;
        unsigned char answer = (unsigned char) (r < 0 ? MIN(-r, 255) : 0);
        if (send(p->socket_fd, &answer, sizeof answer, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
                /* The child is gone (EOF follows), or cannot be answered: it then waits until
                 * it is killed, so tell the caller. */
                return errno == EPIPE || errno == ECONNRESET ? EXEC_REPORT_AGAIN : -errno;
        return EXEC_REPORT_AGAIN;
}

static int report_message(ExecProcess *p, const ExecMessage *m, int fd, int n_fds,
                          ExecStage *ret_stage, int *ret_errno) {
        _cleanup_close_ int listener = fd;

        if (m->type == EXEC_MESSAGE_USERNS)
                return n_fds == 0 ? userns_answer(p) : -EBADMSG;

        if (m->type == EXEC_MESSAGE_LISTENER) {
                if (!p->gate || p->listener_fd >= 0 || n_fds != 1)
                        return -EBADMSG;
                p->listener_fd = TAKE_FD(listener);
                return EXEC_REPORT_LISTENER;
        }
        if (m->type != EXEC_MESSAGE_FAILURE || n_fds != 0 || m->stage < 0 ||
            m->stage >= _EXEC_STAGE_MAX || m->error <= 0)
                return -EBADMSG;
        p->socket_fd = safe_close(p->socket_fd);
        *ret_stage = (ExecStage) m->stage;
        *ret_errno = m->error;
        return EXEC_REPORT_FAILED;
}

int exec_read_report(ExecProcess *p, ExecStage *ret_stage, int *ret_errno) {
        ExecMessage m = {};
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control;
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf),
        };
        int fd;

        if (p->socket_fd < 0)
                return -EBADF;
        /* MSG_CMSG_CLOEXEC: a listener without close-on-exec would leak into every later
         * child, and whoever holds it can continue its own execve. */
        ssize_t n = recvmsg(p->socket_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? EXEC_REPORT_AGAIN : -errno;
        int n_fds = report_take_fds(&mh, &fd);
        if (n == 0 && n_fds == 0)
                return report_eof(p);
        if (n != (ssize_t) sizeof(m) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                safe_close(fd);
                return -EBADMSG;
        }
        return report_message(p, &m, fd, n_fds, ret_stage, ret_errno);
}
