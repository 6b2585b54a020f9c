/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The only code that runs between fork and execve. The parent may have had other threads
 * (tests do) and we may have been created by a raw clone3(), so libc's fork-time state is
 * not to be trusted: no allocation, no stdio, no logging, no libseccomp, no libc wrappers
 * that talk to other threads (glibc's setuid family does, so credentials use raw
 * syscalls). Everything we touch was prepared by the parent in the ExecPlan.
 *
 * The order matters and is fixed:
 *   1. signal dispositions to default, then the mask emptied: an inherited handler would
 *      run daemon code here and turn the launch execve into EINTR, and SIG_IGN and the
 *      mask survive execve;
 *   2. the cgroup (only where clone3 could not place us), setsid, stdio onto 0/1/2, every
 *      other fd closed but the launch socket (close-on-exec);
 *   3. rlimits, umask, nice, chdir;
 *   4. credentials: setgroups, setresgid, capability bounding set (needs CAP_SETPCAP, so
 *      before the uid change), keep-caps if ambient caps are wanted, setresuid, ambient
 *      caps; then PR_SET_PDEATHSIG (a credential change clears it, so it comes after), and
 *      not dumpable until execve;
 *   5. no_new_privs, then the executable is checked with faccessat so that a missing
 *      binary is a clear error rather than a kill by the policy;
 *   6. filters: the gate's notify filter (its listener goes to the parent over the launch
 *      socket), then the policy, loaded last; after it only execve runs.
 * A failure is reported as {stage, errno} on the launch socket and the child exits with
 * the stage's exit code (exec-stage.h).
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/exec-child.h"

/* Capabilities are numbered below 64; PR_CAPBSET_DROP fails with EINVAL past the last
 * one the kernel knows. */
#define EXEC_CAP_NUMBER_MAX 64

static void child_report(int sock, ExecStage stage, int error) {
        ExecMessage m = {
                .type = EXEC_MESSAGE_FAILURE,
                .stage = stage,
                .error = error > 0 ? error : EIO,
        };
        /* Best effort: the parent may be gone, and after the policy is loaded this may be
         * denied; the exit code carries the stage anyway. */
        (void) send(sock, &m, sizeof(m), MSG_NOSIGNAL);
}

_noreturn_ static void child_fail(int sock, ExecStage stage, int error) {
        child_report(sock, stage, error);
        _exit(exec_stage_exit_code(stage));
}

static int child_reset_signals(void) {
        struct sigaction sa = { .sa_handler = SIG_DFL };
        sigset_t none;

        for (int sig = 1; sig < _NSIG; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP)
                        continue;
                /* libc refuses its internal signals with EINVAL; they carry no handler of
                 * ours and are reset by execve anyway. */
                if (sigaction(sig, &sa, NULL) < 0 && errno != EINVAL)
                        return -errno;
        }
        if (sigemptyset(&none) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0)
                return -errno;
        return 0;
}

/* Move fd out of the 0..2 range so that placing stdio cannot clobber it. */
static int child_fd_move_up(int *fd) {
        if (*fd < 0 || *fd > STDERR_FILENO)
                return 0;
        int nfd = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
        if (nfd < 0)
                return -errno;
        *fd = nfd;
        return 0;
}

static int child_place_fd(int from, int to) {
        if (from < 0)
                return 0;
        if (from == to)
                return fcntl(to, F_SETFD, 0) < 0 ? -errno : 0;
        return dup2(from, to) < 0 ? -errno : 0;
}

/* Returns the stage that failed (or -1) and stores errno in *ret_error. */
static ExecStage child_setup_fds(const ExecPlan *p, int *sock, int *ret_error) {
        int src[3] = { p->stdin_fd, p->stdout_fd, p->stderr_fd };
        static const ExecStage stage[3] = { EXEC_STAGE_STDIN, EXEC_STAGE_STDOUT, EXEC_STAGE_STDERR };
        int old_sock = *sock, r;

        r = child_fd_move_up(sock);
        if (r < 0)
                return *ret_error = -r, EXEC_STAGE_FDS;
        if (*sock != old_sock)
                (void) close(old_sock);
        for (int i = 0; i < 3; i++)
                if (src[i] != i && (r = child_fd_move_up(&src[i])) < 0)
                        return *ret_error = -r, stage[i];
        for (int i = 0; i < 3; i++)
                if ((r = child_place_fd(src[i], i)) < 0)
                        return *ret_error = -r, stage[i];
        /* Close everything but 0..2 and the launch socket (which is close-on-exec), so that
         * no copy of another service's pipes or listener lingers while we wait in the gate. */
        if (*sock > STDERR_FILENO + 1 &&
            syscall(SYS_close_range, STDERR_FILENO + 1, *sock - 1, 0) < 0)
                return *ret_error = errno, EXEC_STAGE_FDS;
        if (syscall(SYS_close_range, *sock + 1, ~0U, 0) < 0)
                return *ret_error = errno, EXEC_STAGE_FDS;
        return _EXEC_STAGE_INVALID;
}

static int child_join_cgroup(int cgroup_fd) {
        int fd = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, "0", 1);
        int r = n < 0 ? -errno : n != 1 ? -EIO : 0;
        (void) close(fd);
        return r;
}

static int child_set_limits(const ExecPlan *p) {
        for (int i = 0; i < EXEC_RLIMIT_MAX; i++) {
                if (!p->rlimits[i].set)
                        continue;
                struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
                if (setrlimit((__rlimit_resource_t) i, &rl) < 0)
                        return -errno;
        }
        return 0;
}

static int child_chdir(const ExecPlan *p) {
        if (!p->working_directory)
                return 0;
        if (chdir(p->working_directory) >= 0)
                return 0;
        if (errno == ENOENT && p->working_directory_missing_ok)
                return chdir("/") < 0 ? -errno : 0;
        return -errno;
}

static int child_set_groups(const ExecPlan *p) {
        /* Raw syscalls: the libc wrappers would try to apply the change to threads that
         * existed in the parent. */
        if (p->set_groups && syscall(SYS_setgroups, p->n_groups, p->groups) < 0)
                return -errno;
        if (p->gid != EXEC_GID_UNSET && syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
                return -errno;
        return 0;
}

/* With the gate, no process of the service may hold CAP_SYS_PTRACE: it could take the
 * listener from the daemon (pidfd_getfd) and answer its own execve. Whatever the plan says
 * and whoever the service runs as, it leaves the bounding set and the inheritable set (root
 * regains inheritable capabilities at execve, and a raised ambient set rides on it). */
static bool child_drop_ptrace(const ExecPlan *p) {
        return p->drop_cap_sys_ptrace || p->filter_notify;
}

static int child_drop_inheritable_ptrace(void) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        if (!(d[CAP_TO_INDEX(CAP_SYS_PTRACE)].inheritable & CAP_TO_MASK(CAP_SYS_PTRACE)))
                return 0;
        /* Lowering the inheritable set also lowers the ambient one. */
        d[CAP_TO_INDEX(CAP_SYS_PTRACE)].inheritable &= ~CAP_TO_MASK(CAP_SYS_PTRACE);
        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int child_drop_bounding_set(const ExecPlan *p) {
        uint64_t keep = p->capability_bounding_set;
        int r;

        if (child_drop_ptrace(p)) {
                keep &= ~(UINT64_C(1) << CAP_SYS_PTRACE);
                if ((r = child_drop_inheritable_ptrace()) < 0)
                        return r;
        }
        if (keep == EXEC_CAPS_ALL)
                return 0;
        for (unsigned cap = 0; cap < EXEC_CAP_NUMBER_MAX; cap++) {
                if (keep & (UINT64_C(1) << cap))
                        continue;
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
                        if (errno == EINVAL) /* past the kernel's last capability */
                                break;
                        return -errno;
                }
        }
        return 0;
}

static int child_raise_ambient(uint64_t ambient) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        /* An ambient capability must be permitted and inheritable. */
        d[0].inheritable |= (uint32_t) ambient;
        d[1].inheritable |= (uint32_t) (ambient >> 32);
        if (syscall(SYS_capset, &h, d) < 0)
                return -errno;
        for (unsigned cap = 0; cap < EXEC_CAP_NUMBER_MAX; cap++)
                if ((ambient & (UINT64_C(1) << cap)) &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
                        return -errno;
        return 0;
}

/* Returns the stage that failed (or -1) and stores errno in *ret_error. */
static ExecStage child_set_credentials(const ExecPlan *p, const ExecChildArgs *a, int *ret_error) {
        int r;

        if ((r = child_set_groups(p)) < 0)
                return *ret_error = -r, EXEC_STAGE_GROUP;
        if ((r = child_drop_bounding_set(p)) < 0)
                return *ret_error = -r, EXEC_STAGE_CAPABILITIES;
        if (p->ambient_capabilities != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return *ret_error = errno, EXEC_STAGE_CAPABILITIES;
        if (p->uid != EXEC_UID_UNSET && syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
                return *ret_error = errno, EXEC_STAGE_USER;
        if (p->ambient_capabilities != 0 && (r = child_raise_ambient(p->ambient_capabilities)) < 0)
                return *ret_error = -r, EXEC_STAGE_CAPABILITIES;
        if (p->death_signal > 0) {
                if (prctl(PR_SET_PDEATHSIG, p->death_signal, 0, 0, 0) < 0)
                        return *ret_error = errno, EXEC_STAGE_PDEATHSIG;
                /* The daemon may have died before the signal was armed. */
                if (getppid() != a->parent)
                        return *ret_error = ESRCH, EXEC_STAGE_PDEATHSIG;
        }
        return _EXEC_STAGE_INVALID;
}

static int child_load_filter(const struct sock_fprog *prog, unsigned long flags) {
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
        return r < 0 ? -errno : (int) r;
}

static int child_send_listener(int sock, int listener) {
        ExecMessage m = { .type = EXEC_MESSAGE_LISTENER };
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control;
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf),
        };

        memset(&control, 0, sizeof(control));
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &listener, sizeof(int));
        ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        if (n < 0)
                return -errno;
        return n == (ssize_t) sizeof(m) ? 0 : -EIO;
}

/* Loads the filters. Returns the failed stage (or -1), errno in *ret_error. */
static ExecStage child_load_filters(const ExecPlan *p, int sock, int *ret_error) {
        int r;

        if (p->filter_notify) {
                int listener = child_load_filter(p->filter_notify,
                                                 SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                                 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
                if (listener < 0)
                        return *ret_error = -listener, EXEC_STAGE_SECCOMP;
                r = child_send_listener(sock, listener);
                (void) close(listener);
                if (r < 0)
                        return *ret_error = -r, EXEC_STAGE_LISTENER;
        }
        for (size_t i = 0; p->filter_policy && i < MAX(p->n_filter_policy, (size_t) 1); i++)
                if ((r = child_load_filter(&p->filter_policy[i], 0)) < 0)
                        return *ret_error = -r, EXEC_STAGE_SECCOMP;
        return _EXEC_STAGE_INVALID;
}

void exec_child_run(const ExecPlan *p, const ExecChildArgs *a) {
        int sock = a->socket_fd, error = 0, r;
        ExecStage failed;

        if ((r = child_reset_signals()) < 0)
                child_fail(sock, EXEC_STAGE_SIGNALS, -r);
        /* Only without CLONE_INTO_CGROUP; first, while the cgroup fd is still open. */
        if (a->join_cgroup && (r = child_join_cgroup(p->cgroup_fd)) < 0)
                child_fail(sock, EXEC_STAGE_CGROUP, -r);
        if (setsid() < 0)
                child_fail(sock, EXEC_STAGE_SETSID, errno);
        if ((failed = child_setup_fds(p, &sock, &error)) != _EXEC_STAGE_INVALID)
                child_fail(sock, failed, error);
        if ((r = child_set_limits(p)) < 0)
                child_fail(sock, EXEC_STAGE_LIMITS, -r);
        if (p->umask != EXEC_UMASK_UNSET)
                (void) umask(p->umask);
        if (p->set_nice && setpriority(PRIO_PROCESS, 0, p->nice) < 0)
                child_fail(sock, EXEC_STAGE_NICE, errno);
        if ((r = child_chdir(p)) < 0)
                child_fail(sock, EXEC_STAGE_CHDIR, -r);
        if ((failed = child_set_credentials(p, a, &error)) != _EXEC_STAGE_INVALID)
                child_fail(sock, failed, error);
        /* With fs.suid_dumpable=1 a uid change leaves us dumpable, and another process of the
         * service's user could then rewrite our memory (the path the daemon is about to let
         * through) while the launch execve waits in the gate. execve resets it. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                child_fail(sock, EXEC_STAGE_USER, errno);
        if (a->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                child_fail(sock, EXEC_STAGE_NO_NEW_PRIVS, errno);
        if (faccessat(AT_FDCWD, p->path, X_OK, 0) < 0)
                child_fail(sock, EXEC_STAGE_ACCESS, errno);
        if ((failed = child_load_filters(p, sock, &error)) != _EXEC_STAGE_INVALID)
                child_fail(sock, failed, error);

        /* From here on the policy is active: nothing but execve. */
        execve(p->path, (char *const *) p->argv, (char *const *) p->envp);
        child_fail(sock, EXEC_STAGE_EXEC, errno);
}
