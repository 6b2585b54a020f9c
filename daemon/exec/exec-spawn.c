/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Creating the launch child, and reading its launch report. The child runs exec-child.c.
 */
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec/exec-child.h"
#include "exec/exec-spawn.h"

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

/* ---- the process ---- */

ExecProcess *exec_process_free(ExecProcess *p) {
        if (!p)
                return NULL;
        safe_close(p->pidfd);
        safe_close(p->socket_fd);
        safe_close(p->listener_fd);
        free(p->notif);
        free(p->resp);
        free(p);
        return NULL;
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
                .launch_args = { (uintptr_t) plan->path, (uintptr_t) plan->argv,
                                 (uintptr_t) plan->envp },
        };
        *ret = p;
        return 0;
}

/* ---- spawning ---- */

/* clone3 with a pidfd, straight into the cgroup if one is given. Returns the pid in the
 * parent, 0 in the child, -errno on failure. */
static pid_t spawn_clone3(int cgroup_fd, int *ret_pidfd) {
        int pidfd = -EBADF;
        struct clone_args args = {
                .flags = CLONE_PIDFD,
                .pidfd = (uintptr_t) &pidfd,
                .exit_signal = SIGCHLD,
        };
        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        long pid = syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0)
                return -errno;
        if (pid > 0)
                *ret_pidfd = pidfd;
        return (pid_t) pid;
}

/* The fallback: fork, then a pidfd. The child is not reaped, so its pid cannot be reused
 * before pidfd_open. */
static pid_t spawn_fork(int *ret_pidfd) {
        pid_t pid = fork();
        if (pid <= 0)
                return pid < 0 ? -errno : 0;
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

int exec_spawn(const ExecPlan *plan, ExecProcess **ret) {
        _cleanup_(exec_process_freep) ExecProcess *p = NULL;
        int pair[2], r;
        sigset_t all, saved;

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

        ExecChildArgs args = {
                .socket_fd = child_end,
                .parent = getpid(),
                .no_new_privs = exec_plan_want_nnp(plan),
        };

        /* No signal handler may run in the child before it has reset the dispositions. */
        if (sigfillset(&all) < 0 || sigprocmask(SIG_SETMASK, &all, &saved) < 0)
                return -errno;
        pid_t pid = spawn_clone3(plan->cgroup_fd, &p->pidfd);
        if (pid == -ENOSYS || pid == -E2BIG) {
                args.join_cgroup = plan->cgroup_fd >= 0;
                pid = spawn_fork(&p->pidfd);
        }
        if (pid == 0)
                exec_child_run(plan, &args);
        (void) sigprocmask(SIG_SETMASK, &saved, NULL);
        if (pid < 0)
                return pid;

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
        /* With the gate, the child can only pass execve once we continued it, so an EOF
         * before that means it died on the way. */
        return p->gate && !p->launched ? EXEC_REPORT_DIED : EXEC_REPORT_EXECED;
}

static int report_message(ExecProcess *p, const ExecMessage *m, int fd, int n_fds,
                          ExecStage *ret_stage, int *ret_errno) {
        _cleanup_close_ int listener = fd;

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
