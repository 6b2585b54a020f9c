/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The only code that runs between clone and execve. The child may share the daemon's
 * address space (exec-spawn.c starts it with CLONE_VM) and runs with the daemon thread's
 * thread pointer, so it calls no libc function at all: each step is a raw system call made
 * by inline assembly (exec-child-syscall.h), whose result comes back as a -errno value in a
 * register; exec-child-mounts.c holds the namespace and mount step under the same rules.
 * Nothing here writes memory but the child's own stack: not errno (it is the daemon
 * thread's), not the GOT (a lazily bound libc call would run the dynamic linker), not the
 * heap. Everything it reads was prepared by the parent in the ExecChildArgs and the plan it
 * points to. tests/lint/check-child-symbols.sh fails if this object needs any outside
 * symbol, and it is built without sanitizers or stack protector (daemon/meson.build): their
 * code would write shared state.
 *
 * The order matters and is fixed:
 *   1. signal dispositions to default (an inherited handler would run daemon code here and
 *      turn the launch execve into EINTR, and SIG_IGN survives execve); the mask, all
 *      blocked by the parent, is emptied only after step 4 (it survives execve too);
 *   2. the cgroup (only where clone3 could not place us), setsid, stdio onto 0/1/2, every
 *      other fd closed but the launch socket (close-on-exec);
 *   2b. namespaces and mounts (exec-child-mounts.c runs the plan's MountPlan): unshare, every mount
 *      a slave, "lo" up, phase one (a detached copy of every source), phase two (the ops in
 *      order), the switch to RootDirectory=. After step 2, so that no fd but ours is open
 *      while the copies are held, and every copy is closed before step 3; before step 3 so
 *      that LimitNOFILE= cannot starve phase one and the working directory is resolved in
 *      the service's view. The socket for "lo" is closed at once. With CLONE_VM this works
 *      as well: unshare() of the mount, network, IPC and UTS namespaces does not care about
 *      a shared address space, only CLONE_FS would stop CLONE_NEWNS (we never share it);
 *   3. rlimits, umask, nice, chdir;
 *   4. credentials: setgroups; with PrivateUsers= a new user namespace, mapped by the
 *      daemon (child_enter_userns() says why there); the node baseline when it must go in
 *      early (exec_plan_baseline_early(): we still hold CAP_SYS_ADMIN here, and will not
 *      at step 6, and the service did not ask for no_new_privs); setresgid, capability bounding set
 *      (needs CAP_SETPCAP, so before the uid change), setresuid (with keep-caps, see
 *      child_set_uid()), ambient caps; then PR_SET_PDEATHSIG (a credential change clears
 *      it, so it comes after); not
 *      dumpable after each change, until execve; then the signal mask emptied. Between a
 *      uid change and the next PR_SET_DUMPABLE the address space is dumpable (with
 *      fs.suid_dumpable not 0), and a process of the new user may already signal us: with
 *      the mask still full, its SIGQUIT waits until the flag is 0 again, and then kills us
 *      without a core dump of the daemon's memory;
 *   5. no_new_privs, then the executable is checked with faccessat so that a missing
 *      binary is a clear error rather than a kill by the policy;
 *   6. PR_SET_MDWE for MemoryDenyWriteExecute=yes; filters: the node baseline (unless it
 *      went in at step 4), the gate's notify filter (its listener goes to the parent over
 *      the launch socket), then the policy, loaded last;
 *      after it only execve runs, carrying the launch key in args 3..5.
 * A failure is reported as {stage, errno} on the launch socket and the child exits with
 * the stage's exit code (exec-stage.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec/exec-child-mounts.h"
#include "exec/exec-child-syscall.h"
#include "exec/exec-child.h"

/* Capabilities are numbered below 64; PR_CAPBSET_DROP fails with EINVAL past the last
 * one the kernel knows. */
#define EXEC_CAP_NUMBER_MAX 64
/* The kernel's signal numbers and the size of its sigset_t (not libc's). */
#define CHILD_NSIG 64
#define CHILD_SIGSET_SIZE 8

_noreturn_ static void child_exit(int code) {
        for (;;)
                (void) SYS1(SYS_exit_group, code);
}

/* ---- reporting ---- */

static void child_report(int sock, ExecStage stage, int error) {
        ExecMessage m = {
                .type = EXEC_MESSAGE_FAILURE,
                .stage = stage,
                .error = error > 0 ? error : EIO,
        };
        /* Best effort: the parent may be gone, and after the policy is loaded this may be
         * denied; the exit code carries the stage anyway. */
        (void) SYS(SYS_sendto, sock, &m, sizeof(m), MSG_NOSIGNAL, 0, 0);
}

_noreturn_ static void child_fail(const ExecChildArgs *a, int sock, ExecStage stage, int error) {
        child_report(sock, stage, error);
        child_exit(a->exit_code[stage]);
}

/* ---- signals ---- */

/* The kernel's struct sigaction (not libc's): the same layout on x86_64 and arm64. */
struct child_sigaction {
        unsigned long handler;
        unsigned long flags;
        unsigned long restorer;
        uint64_t mask;
};

/* Dispositions only; the mask stays as the parent left it, every signal blocked, until
 * child_unblock_signals(). SIGPIPE is ignored when the plan says so (IgnoreSIGPIPE=, on by
 * default as in systemd): an ignored disposition survives execve, a handler would not. */
static int child_reset_signals(bool ignore_sigpipe) {
        struct child_sigaction sa;
        long r;

        /* Field by field: an initializer of a larger object may become a call to memset
         * (clang -O0 makes one here), and the child calls no library function. */
        sa.handler = (unsigned long) SIG_DFL;
        sa.flags = 0;
        sa.restorer = 0;
        sa.mask = 0;

        for (int sig = 1; sig <= CHILD_NSIG; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP)
                        continue;
                sa.handler = (unsigned long) (sig == SIGPIPE && ignore_sigpipe ? SIG_IGN : SIG_DFL);
                r = SYS4(SYS_rt_sigaction, sig, &sa, 0, CHILD_SIGSET_SIZE);
                if (r < 0 && r != -EINVAL)
                        return (int) r;
        }
        return 0;
}

static int child_unblock_signals(void) {
        uint64_t none = 0;
        long r = SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, CHILD_SIGSET_SIZE);
        return r < 0 ? (int) r : 0;
}

/* ---- fds ---- */

/* Move fd out of the 0..2 range so that placing stdio cannot clobber it. */
static int child_fd_move_up(int *fd) {
        if (*fd < 0 || *fd > STDERR_FILENO)
                return 0;
        long nfd = SYS3(SYS_fcntl, *fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
        if (nfd < 0)
                return (int) nfd;
        *fd = (int) nfd;
        return 0;
}

static int child_place_fd(int from, int to) {
        long r;

        if (from < 0)
                return 0;
        if (from == to)
                r = SYS3(SYS_fcntl, to, F_SETFD, 0);
        else
                r = SYS3(SYS_dup3, from, to, 0);
        return r < 0 ? (int) r : 0;
}

/* Closes every fd above 2 but SOCK and KEEP (-1: none). */
static ExecStage child_close_others(int sock, int keep, int *ret_error) {
        int a = sock, b = keep;
        long k;

        if (b >= 0 && b < a) {
                a = keep;
                b = sock;
        }
        /* Ranges between 3, a, b and the end; an fd of -1 leaves its range out. */
        int lo = STDERR_FILENO + 1;
        int stops[2] = { a, b };
        for (int i = 0; i < 2; i++) {
                if (stops[i] < 0)
                        continue;
                if (stops[i] > lo && (k = SYS3(SYS_close_range, lo, stops[i] - 1, 0)) < 0)
                        return *ret_error = child_errno(k), EXEC_STAGE_FDS;
                lo = stops[i] + 1;
        }
        if ((k = SYS3(SYS_close_range, lo, ~0U, 0)) < 0)
                return *ret_error = child_errno(k), EXEC_STAGE_FDS;
        return _EXEC_STAGE_INVALID;
}

/* Returns the stage that failed (or -1) and stores errno in *ret_error. */
static ExecStage child_setup_fds(const ExecPlan *p, int *sock, int *ret_error) {
        int src[3] = { p->stdin_fd, p->stdout_fd, p->stderr_fd };
        const ExecStage stage[3] = { EXEC_STAGE_STDIN, EXEC_STAGE_STDOUT, EXEC_STAGE_STDERR };
        int old_sock = *sock, phase = p->phase_fd, keep = -1, r;
        long k;

        r = child_fd_move_up(sock);
        if (r < 0)
                return *ret_error = -r, EXEC_STAGE_FDS;
        if (*sock != old_sock)
                (void) SYS1(SYS_close, old_sock);
        for (int i = 0; i < 3; i++)
                if (src[i] != i && (r = child_fd_move_up(&src[i])) < 0)
                        return *ret_error = -r, stage[i];
        if ((r = child_fd_move_up(&phase)) < 0)
                return *ret_error = -r, EXEC_STAGE_FDS;
        for (int i = 0; i < 3; i++)
                if ((r = child_place_fd(src[i], i)) < 0)
                        return *ret_error = -r, stage[i];
        /* The main filter's memfd goes to its fixed number, open across execve, for the
         * preloaded object (exec-phase.h); the launch socket makes room first. */
        if (phase >= 0) {
                int target = p->phase_fd_target;
                if (*sock == target) {
                        k = SYS3(SYS_fcntl, *sock, F_DUPFD_CLOEXEC, target + 1);
                        if (k < 0)
                                return *ret_error = child_errno(k), EXEC_STAGE_FDS;
                        (void) SYS1(SYS_close, *sock);
                        *sock = (int) k;
                }
                if ((r = child_place_fd(phase, target)) < 0)
                        return *ret_error = -r, EXEC_STAGE_FDS;
                keep = target;
        }
        /* Close everything but 0..2, the launch socket (which is close-on-exec) and the
         * phase fd, so that no copy of another service's pipes or listener lingers while we
         * wait in the gate. */
        return child_close_others(*sock, keep, ret_error);
}

static int child_join_cgroup(int cgroup_fd) {
        static const char zero = '0';
        long fd = SYS4(SYS_openat, cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC, 0);
        if (fd < 0)
                return (int) fd;
        long n = SYS3(SYS_write, fd, &zero, 1);
        (void) SYS1(SYS_close, fd);
        return n < 0 ? (int) n : n != 1 ? -EIO : 0;
}

/* ---- process attributes ---- */

static int child_set_limits(const ExecPlan *p) {
        for (int i = 0; i < EXEC_RLIMIT_MAX; i++) {
                if (!p->rlimits[i].set)
                        continue;
                struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
                long r = SYS4(SYS_prlimit64, 0, i, &rl, 0);
                if (r < 0)
                        return (int) r;
        }
        return 0;
}

static int child_chdir(const ExecPlan *p) {
        static const char root[] = "/";

        if (!p->working_directory)
                return 0;
        long r = SYS1(SYS_chdir, p->working_directory);
        if (r == -ENOENT && p->working_directory_missing_ok)
                r = SYS1(SYS_chdir, root);
        return r < 0 ? (int) r : 0;
}

/* ---- credentials ---- */

static long child_not_dumpable(void);
static int child_load_baseline(const ExecPlan *p);

static int child_set_groups(const ExecPlan *p) {
        long r;

        /* Raw syscalls change only this task, which is all there is of the child. */
        if (p->set_groups && (r = SYS2(SYS_setgroups, p->n_groups, p->groups)) < 0)
                return (int) r;
        return 0;
}

static int child_set_gid(const ExecPlan *p) {
        long r;

        if (p->gid != EXEC_GID_UNSET && (r = SYS3(SYS_setresgid, p->gid, p->gid, p->gid)) < 0)
                return (int) r;
        return 0;
}

/* PrivateUsers=: a new user namespace, whose maps the daemon writes. Why the daemon: a map
 * of more than one id may only be written by a process with CAP_SETUID/CAP_SETGID in the
 * parent namespace (the kernel checks the writer and the opener of the map file), and after
 * unshare() the child holds capabilities only in the new one. Why here, after the mounts and
 * setgroups: the mount namespace stays owned by the initial user namespace (mounting a new
 * procfs for ProtectProc= needs that, and the service cannot undo a mount), and inside the new
 * namespace setgroups() would fail on every supplementary gid that is not mapped. After it,
 * capabilities start full again and only count in the new namespace, so the bounding set,
 * the gid and uid changes and the ambient set all come afterwards.
 * The child waits for the answer with every signal blocked; EOF (the daemon died) fails. */
static int child_enter_userns(int sock, bool own_ids) {
        ExecMessage m;
        unsigned char answer;
        long k;

        /* Field by field: an initializer could become a call to memset. */
        m.type = EXEC_MESSAGE_USERNS;
        m.stage = EXEC_STAGE_USERNS;
        m.error = 0;
        k = SYS1(SYS_unshare, CLONE_NEWUSER);
        /* New capabilities can make the address space dumpable, as a credential change does. */
        (void) child_not_dumpable();
        if (k < 0)
                return (int) k;
        /* own_ids (a daemon without CAP_SETUID, exec-plan.h userns_first): the daemon may open
         * our map files only while /proc/PID is ours, that is while we are dumpable. Our
         * address space is a copy then (exec-spawn.c), nothing of the daemon's, and we hold no
         * capability outside the new namespace: a process of our uid could have traced us as
         * well before this point. Not dumpable again before anything else happens. */
        if (own_ids && (k = SYS2(SYS_prctl, PR_SET_DUMPABLE, 1)) < 0)
                return (int) k;
        k = SYS(SYS_sendto, sock, &m, sizeof(m), MSG_NOSIGNAL, 0, 0);
        if (k < 0)
                return (int) k;
        if (k != (long) sizeof(m))
                return -EIO;
        k = SYS(SYS_recvfrom, sock, &answer, sizeof(answer), 0, 0, 0);
        if (own_ids)
                (void) child_not_dumpable();
        if (k < 0)
                return (int) k;
        if (k != 1)
                return -ECONNRESET;
        return answer == 0 ? 0 : -(int) answer;
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
        long r;

        if ((r = SYS2(SYS_capget, &h, d)) < 0)
                return (int) r;
        if (!(d[CAP_TO_INDEX(CAP_SYS_PTRACE)].inheritable & CAP_TO_MASK(CAP_SYS_PTRACE)))
                return 0;
        /* Lowering the inheritable set also lowers the ambient one. */
        d[CAP_TO_INDEX(CAP_SYS_PTRACE)].inheritable &= ~CAP_TO_MASK(CAP_SYS_PTRACE);
        r = SYS2(SYS_capset, &h, d);
        return r < 0 ? (int) r : 0;
}

static int child_drop_bounding_set(const ExecPlan *p) {
        uint64_t keep = p->capability_bounding_set;
        int r;

        if (child_drop_ptrace(p)) {
                keep &= ~(UINT64_C(1) << CAP_SYS_PTRACE);
                if ((r = child_drop_inheritable_ptrace()) < 0)
                        return r;
        }
        /* Without CAP_SETPCAP the kernel refuses every drop; no_new_privs stands in for it
         * (exec-plan.h). */
        if (keep == EXEC_CAPS_ALL || p->keep_bounding_set)
                return 0;
        for (unsigned cap = 0; cap < EXEC_CAP_NUMBER_MAX; cap++) {
                if (keep & (UINT64_C(1) << cap))
                        continue;
                long k = SYS2(SYS_prctl, PR_CAPBSET_DROP, cap);
                if (k == -EINVAL) /* past the kernel's last capability */
                        break;
                if (k < 0)
                        return (int) k;
        }
        return 0;
}

static int child_raise_ambient(uint64_t ambient) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];
        long r;

        if ((r = SYS2(SYS_capget, &h, d)) < 0)
                return (int) r;
        /* An ambient capability must be permitted and inheritable. */
        d[0].inheritable |= (uint32_t) ambient;
        d[1].inheritable |= (uint32_t) (ambient >> 32);
        if ((r = SYS2(SYS_capset, &h, d)) < 0)
                return (int) r;
        for (unsigned cap = 0; cap < EXEC_CAP_NUMBER_MAX; cap++)
                if ((ambient & (UINT64_C(1) << cap)) &&
                    (r = SYS5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0)) < 0)
                        return (int) r;
        return 0;
}

/* Not dumpable until execve (which resets it). The flag belongs to the address space, which
 * with CLONE_VM is the daemon's, and the kernel sets it to fs.suid_dumpable at every change
 * of the effective uid or gid. With fs.suid_dumpable=1 another process of the service's user
 * could then open /proc/<child>/mem, which is the daemon's memory, and keep the fd. So each
 * credential change is followed at once by this, and the uid change is made while we still
 * hold capabilities that process lacks (see child_set_uid()): the kernel refuses it access
 * on those grounds until this call has put the flag back. */
static long child_not_dumpable(void) {
        return SYS2(SYS_prctl, PR_SET_DUMPABLE, 0);
}

/* Drops the permitted and effective sets, keeping the inheritable one. */
static int child_drop_permitted(void) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];
        long r;

        if ((r = SYS2(SYS_capget, &h, d)) < 0)
                return (int) r;
        for (int i = 0; i < 2; i++)
                d[i].permitted = d[i].effective = 0;
        r = SYS2(SYS_capset, &h, d);
        return r < 0 ? (int) r : 0;
}

/* setresuid with keep-caps set, so that the permitted set survives the change from root and
 * the window in which the address space is dumpable (above) is closed to processes of the
 * new user. Then the permitted set goes as it would have without keep-caps, unless ambient
 * capabilities are wanted (which need it). */
static ExecStage child_set_uid(const ExecPlan *p, int *ret_error) {
        /* The daemon runs as root: any other uid is a change away from it, which would clear
         * the permitted set without keep-caps. */
        bool leaves_root = p->uid != 0;
        long k;

        if (p->uid == EXEC_UID_UNSET) {
                /* Root's command: the daemon's real and saved uid are its guard uid (see
                 * syscaged(8)); the service gets plain root, as everywhere else. */
                long e = SYS0(SYS_geteuid), r = SYS0(SYS_getuid);
                if (e >= 0 && r >= 0 && e != r && (k = SYS3(SYS_setresuid, e, e, e)) < 0)
                        return *ret_error = child_errno(k), EXEC_STAGE_USER;
                return _EXEC_STAGE_INVALID;
        }
        if ((leaves_root || p->ambient_capabilities != 0) &&
            (k = SYS2(SYS_prctl, PR_SET_KEEPCAPS, 1)) < 0)
                return *ret_error = child_errno(k), EXEC_STAGE_CAPABILITIES;
        k = SYS3(SYS_setresuid, p->uid, p->uid, p->uid);
        (void) child_not_dumpable();
        if (k < 0)
                return *ret_error = child_errno(k), EXEC_STAGE_USER;
        if (leaves_root && p->ambient_capabilities == 0) {
                int r = child_drop_permitted();
                if (r < 0)
                        return *ret_error = -r, EXEC_STAGE_USER;
                if ((k = SYS2(SYS_prctl, PR_SET_KEEPCAPS, 0)) < 0)
                        return *ret_error = child_errno(k), EXEC_STAGE_USER;
        }
        return _EXEC_STAGE_INVALID;
}

/* Returns the stage that failed (or -1) and stores errno in *ret_error. */
static ExecStage child_set_credentials(const ExecPlan *p, const ExecChildArgs *a, int sock,
                                       int *ret_error) {
        ExecStage failed;
        int r;
        long k;

        /* A gid change makes the address space dumpable too; we still run as root then, with
         * every capability, so no other process may use that. */
        r = child_set_groups(p);
        (void) child_not_dumpable();
        if (r < 0)
                return *ret_error = -r, EXEC_STAGE_GROUP;
        if (p->private_users && !p->userns_first && (r = child_enter_userns(sock, false)) < 0)
                return *ret_error = -r, EXEC_STAGE_USERNS;
        /* After the user namespace (a baseline may refuse new namespaces to the service, not
         * to its launch), before anything gives up a capability. */
        if (a->baseline_early && (r = child_load_baseline(p)) < 0)
                return *ret_error = -r, EXEC_STAGE_SECCOMP;
        r = child_set_gid(p);
        (void) child_not_dumpable();
        if (r < 0)
                return *ret_error = -r, EXEC_STAGE_GROUP;
        if ((r = child_drop_bounding_set(p)) < 0)
                return *ret_error = -r, EXEC_STAGE_CAPABILITIES;
        if (p->ambient_capabilities != 0 && p->uid == EXEC_UID_UNSET &&
            (k = SYS2(SYS_prctl, PR_SET_KEEPCAPS, 1)) < 0)
                return *ret_error = child_errno(k), EXEC_STAGE_CAPABILITIES;
        if ((failed = child_set_uid(p, ret_error)) != _EXEC_STAGE_INVALID)
                return failed;
        if (p->ambient_capabilities != 0 && (r = child_raise_ambient(p->ambient_capabilities)) < 0)
                return *ret_error = -r, EXEC_STAGE_CAPABILITIES;
        if (p->death_signal > 0) {
                if ((k = SYS2(SYS_prctl, PR_SET_PDEATHSIG, p->death_signal)) < 0)
                        return *ret_error = child_errno(k), EXEC_STAGE_PDEATHSIG;
                /* The daemon may have died before the signal was armed. */
                if (SYS0(SYS_getppid) != a->parent)
                        return *ret_error = ESRCH, EXEC_STAGE_PDEATHSIG;
        }
        if ((k = child_not_dumpable()) < 0)
                return *ret_error = child_errno(k), EXEC_STAGE_USER;
        return _EXEC_STAGE_INVALID;
}

/* ---- filters ---- */

static int child_load_filter(const struct sock_fprog *prog, unsigned long flags) {
        return (int) SYS3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
}

static int child_send_listener(const ExecPlan *p, int sock, int listener) {
        ExecMessage m = { .type = EXEC_MESSAGE_LISTENER };
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf),
        };

        control.align.cmsg_level = SOL_SOCKET;
        control.align.cmsg_type = SCM_RIGHTS;
        control.align.cmsg_len = CMSG_LEN(sizeof(int));
        *(int *) CMSG_DATA(&control.align) = listener;
        /* The phase key in the args sendmsg ignores: a main phase may route sendmsg to the
         * daemon, which cannot answer before it has this very listener (exec-phase.h). */
        long n = SYS(SYS_sendmsg, sock, &mh, MSG_NOSIGNAL, p->phase_key[0], p->phase_key[1],
                     p->phase_key[2]);
        if (n < 0)
                return (int) n;
        return n == (long) sizeof(m) ? 0 : -EIO;
}

/* The policy and baseline filters are loaded with SECCOMP_FILTER_FLAG_LOG: without it the
 * kernel writes no audit record for an errno (or trap) action, and such a denial would go
 * unseen (sys/kmsg.h). Kill and log actions are recorded either way; allow never is. The
 * notify filter has no such flag: the exec gate counts its own answers. */
#define CHILD_FILTER_FLAGS SECCOMP_FILTER_FLAG_LOG

/* The node baseline: its own filter(s), stacked beneath the unit's. */
static int child_load_baseline(const ExecPlan *p) {
        int r;

        for (size_t i = 0; p->filter_baseline && i < p->n_filter_baseline; i++)
                if ((r = child_load_filter(&p->filter_baseline[i], CHILD_FILTER_FLAGS)) < 0)
                        return r;
        return 0;
}

/* Loads the filters. Returns the failed stage (or -1), errno in *ret_error. */
static ExecStage child_load_filters(const ExecChildArgs *a, int sock, int *ret_error) {
        const ExecPlan *p = a->plan;
        int r;

        /* First, so that a unit policy that denies seccomp() cannot keep it out. */
        if (!a->baseline_early && (r = child_load_baseline(p)) < 0)
                return *ret_error = -r, EXEC_STAGE_SECCOMP;
        if (p->filter_notify) {
                int listener = child_load_filter(p->filter_notify,
                                                 SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                                 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
                if (listener < 0)
                        return *ret_error = -listener, EXEC_STAGE_SECCOMP;
                r = child_send_listener(p, sock, listener);
                (void) SYS1(SYS_close, listener);
                if (r < 0)
                        return *ret_error = -r, EXEC_STAGE_LISTENER;
        }
        for (size_t i = 0; p->filter_policy && i < MAX(p->n_filter_policy, (size_t) 1); i++)
                if ((r = child_load_filter(&p->filter_policy[i], CHILD_FILTER_FLAGS)) < 0)
                        return *ret_error = -r, EXEC_STAGE_SECCOMP;
        return _EXEC_STAGE_INVALID;
}

/* ---- MemoryDenyWriteExecute= ---- */

#define CHILD_PR_SET_MDWE 65
#define CHILD_PR_MDWE_REFUSE_EXEC_GAIN 1UL

/* The kernel's own W^X for this process and what it execs (Linux 6.3): no mapping gains
 * PROT_EXEC once it was writable or mapped without it. EINVAL is an older kernel: the
 * seccomp rules of the policy still apply. Never with a shared address space (exec-spawn.c). */
static int child_set_mdwe(void) {
        long k = SYS5(SYS_prctl, CHILD_PR_SET_MDWE, CHILD_PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0);
        return k < 0 && k != -EINVAL ? (int) k : 0;
}

/* ---- the launch ---- */

void exec_child_run(const ExecChildArgs *a) {
        const ExecPlan *p = a->plan;
        int sock = a->socket_fd, error = 0, r;
        ExecStage failed;
        long k;

        if ((r = child_reset_signals(p->ignore_sigpipe)) < 0)
                child_fail(a, sock, EXEC_STAGE_SIGNALS, -r);
        /* Only without CLONE_INTO_CGROUP; first, while the cgroup fd is still open. */
        if (a->join_cgroup && (r = child_join_cgroup(p->cgroup_fd)) < 0)
                child_fail(a, sock, EXEC_STAGE_CGROUP, -r);
        if ((k = SYS0(SYS_setsid)) < 0)
                child_fail(a, sock, EXEC_STAGE_SETSID, child_errno(k));
        if ((failed = child_setup_fds(p, &sock, &error)) != _EXEC_STAGE_INVALID)
                child_fail(a, sock, failed, error);
        /* A daemon without CAP_SYS_ADMIN: the namespaces below are made inside this one. */
        if (p->userns_first && (r = child_enter_userns(sock, true)) < 0)
                child_fail(a, sock, EXEC_STAGE_USERNS, -r);
        if ((failed = exec_child_setup_namespaces(p->mount_plan, &error)) != _EXEC_STAGE_INVALID)
                child_fail(a, sock, failed, error);
        if ((r = child_set_limits(p)) < 0)
                child_fail(a, sock, EXEC_STAGE_LIMITS, -r);
        if (p->umask != EXEC_UMASK_UNSET)
                (void) SYS1(SYS_umask, p->umask);
        if (p->set_nice && (k = SYS3(SYS_setpriority, PRIO_PROCESS, 0, p->nice)) < 0)
                child_fail(a, sock, EXEC_STAGE_NICE, child_errno(k));
        if ((r = child_chdir(p)) < 0)
                child_fail(a, sock, EXEC_STAGE_CHDIR, -r);
        if ((failed = child_set_credentials(p, a, sock, &error)) != _EXEC_STAGE_INVALID)
                child_fail(a, sock, failed, error);
        /* Only now that the address space is not dumpable for good (see step 4 above). */
        if ((r = child_unblock_signals()) < 0)
                child_fail(a, sock, EXEC_STAGE_SIGNALS, -r);
        if (a->no_new_privs && (k = SYS2(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1)) < 0)
                child_fail(a, sock, EXEC_STAGE_NO_NEW_PRIVS, child_errno(k));
        if ((k = SYS4(SYS_faccessat, AT_FDCWD, p->path, X_OK, 0)) < 0)
                child_fail(a, sock, EXEC_STAGE_ACCESS, child_errno(k));
        if (p->memory_deny_write_execute && (r = child_set_mdwe()) < 0)
                child_fail(a, sock, EXEC_STAGE_SECCOMP, -r);
        if ((failed = child_load_filters(a, sock, &error)) != _EXEC_STAGE_INVALID)
                child_fail(a, sock, failed, error);

        /* From here on the policy is active: nothing but execve, with the launch key in the
         * argument registers the kernel ignores (see filter-cache.c). */
        k = SYS(SYS_execve, p->path, p->argv, p->envp, p->exec_key[0], p->exec_key[1], p->exec_key[2]);
        child_fail(a, sock, EXEC_STAGE_EXEC, child_errno(k));
}

/* ---- clone ---- */

/* The child returns from the system call on the new stack, where no C frame of the caller
 * exists: so the system call and the child's first call are one piece of assembly, and the
 * child never comes back into C code of the parent's. The new stack's top is 16-byte
 * aligned; the call pushes the return address as the ABI expects at a function's entry. */
#if defined(__x86_64__)
long exec_child_clone3(struct clone_args *args, size_t size, const ExecChildArgs *child) {
        register long r8 __asm__("r8") = (long) exec_child_run;
        register long r9 __asm__("r9") = (long) child;
        long ret;

        __asm__ volatile ("syscall\n\t"
                          "test %%rax, %%rax\n\t"
                          "jnz 1f\n\t"
                          "xor %%ebp, %%ebp\n\t" /* the outermost frame */
                          "mov %%r9, %%rdi\n\t"
                          "call *%%r8\n\t"
                          "ud2\n"
                          "1:"
                          : "=a" (ret)
                          : "a" ((long) SYS_clone3), "D" (args), "S" (size), "r" (r8), "r" (r9)
                          : "rcx", "r11", "memory");
        return ret;
}
#elif defined(__aarch64__)
long exec_child_clone3(struct clone_args *args, size_t size, const ExecChildArgs *child) {
        register long x8 __asm__("x8") = SYS_clone3;
        register long x0 __asm__("x0") = (long) args;
        register long x1 __asm__("x1") = (long) size;
        register long x2 __asm__("x2") = (long) exec_child_run;
        register long x3 __asm__("x3") = (long) child;

        __asm__ volatile ("svc 0\n\t"
                          "cbnz x0, 1f\n\t"
                          "mov x29, xzr\n\t" /* the outermost frame */
                          "mov x0, x3\n\t"
                          "blr x2\n\t"
                          "brk #0\n"
                          "1:"
                          : "+r" (x0)
                          : "r" (x8), "r" (x1), "r" (x2), "r" (x3)
                          : "x30", "memory");
        return x0;
}
#endif
