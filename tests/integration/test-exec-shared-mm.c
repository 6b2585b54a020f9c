/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attacks on the launch child while it may share the daemon's memory (exec-spawn.c), made
 * by another process of the service's user. This test process plays the daemon: it is not
 * dumpable, and a string in its memory stands for the daemon's secrets.
 *
 *   cross_launch_mem  a child of user U waits in the gate (its caps already dropped); other
 *                     launches change credentials meanwhile, and with fs.suid_dumpable=1
 *                     each change makes the address space they share dumpable for a moment.
 *                     A process of U tries to open /proc/<child>/mem for writing all along,
 *                     and writes into "the daemon" if it gets it; likewise process_vm_writev
 *                     and pidfd_getfd of the child's fds. Run with the setting at
 *                     0 (the launches share our memory) and at 1 (they must not).
 *   own_window_core   a process of U sends SIGQUIT to the child as soon as the kernel lets
 *                     it (right after the child's own setresuid), hoping for a core dump of
 *                     the daemon's memory, owned by U, in a directory U can read.
 *   kill_and_reap     a process of U kills the waiting child and asks process_mrelease to
 *                     reap its memory, which is ours.
 *   isolation         the child's chdir, umask, close_range and signal dispositions change
 *                     nothing of the daemon's.
 *
 * Each attack fails the test if it succeeds. fs.suid_dumpable is changed for the attacks
 * and put back afterwards; kernel.ns_last_pid is set so that the attacker knows the pid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "launch-harness.h"
#include "test-filters.h"

#define ATTACKER_UID 65534
#define OTHER_UID 65533
#define SUID_DUMPABLE "/proc/sys/fs/suid_dumpable"
#define NS_LAST_PID "/proc/sys/kernel/ns_last_pid"
/* How long the cross-launch attack is given; SYSCAGE_STRESS_RUNS scales the core attack. */
#define CROSS_LAUNCH_SECONDS 5
#define CORE_ROUNDS_DEFAULT 500

static const char *const empty_env[] = { NULL };

/* "The daemon's secrets". Volatile: read from memory at the end, after any foreign write. */
static volatile char secret[64] = "syscage-secret-6b1f0c93e2a4";
static const char secret_intact[] = "syscage-secret-6b1f0c93e2a4";

/* The same on the heap, where a daemon keeps what it reads from unit files and credentials
 * (a core dump leaves out file-backed pages never written, such as the one above). */
static char *heap_secret;

static char saved_suid_dumpable[16];

static int write_file(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, value, strlen(value));
        return n == (ssize_t) strlen(value) ? 0 : -EIO;
}

static int read_file(const char *path, char *buf, size_t size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        return 0;
}

static void restore_suid_dumpable(void) {
        if (saved_suid_dumpable[0])
                (void) write_file(SUID_DUMPABLE, saved_suid_dumpable);
}

static int setup(void **state) {
        harness_require_root();
        if (read_file(SUID_DUMPABLE, saved_suid_dumpable, sizeof(saved_suid_dumpable)) < 0)
                return -1;
        atexit(restore_suid_dumpable);
        heap_secret = strdup(secret_intact);
        if (!heap_secret)
                return -1;
        /* As the daemon: not dumpable. */
        return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ? -1 : 0;
}

static int teardown(void **state) {
        restore_suid_dumpable();
        return 0;
}

static void drop_to(uid_t uid) {
        gid_t g = (gid_t) uid;
        if (setgroups(0, NULL) < 0 || setresgid(g, g, g) < 0 || setresuid(uid, uid, uid) < 0)
                _exit(2);
}

static void gate_filters(struct sock_fprog *notify, struct sock_fprog *policy) {
        scmp_filter_ctx ctx = NULL;
        assert_int_equal(test_filter_notify(notify), 0);
        assert_int_equal(test_filter_new(SCMP_ACT_ALLOW, &ctx), 0);
        assert_int_equal(test_filter_gate_rules(ctx, SCMP_ACT_ALLOW), 0);
        assert_int_equal(test_filter_export(ctx, policy), 0);
        seccomp_release(ctx);
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* ---- cross_launch_mem ---- */

/* Runs as ATTACKER_UID until *stop: opens /proc/<target>/mem for writing whenever it can.
 * Exits 1 after a successful write into our memory through it, 4 after one with
 * process_vm_writev, 5 after taking one of the child's fds, 0 if it never got in. */
_noreturn_ static void mem_attacker(pid_t target, atomic_int *stop) {
        char path[64];

        drop_to(ATTACKER_UID);
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        snprintf(path, sizeof(path), "/proc/%d/mem", (int) target);
        int pidfd = pidfd_open(target, 0);
        if (pidfd < 0)
                _exit(2);
        while (!atomic_load(stop)) {
                /* The same permission check guards all three; try each in turn. */
                static const char mark_vm[] = "PWNED-vm";
                struct iovec local = { .iov_base = (void *) mark_vm, .iov_len = sizeof(mark_vm) };
                struct iovec remote = { .iov_base = (void *) secret, .iov_len = sizeof(mark_vm) };
                if (process_vm_writev(target, &local, 1, &remote, 1, 0) == (ssize_t) sizeof(mark_vm))
                        _exit(4);
                /* Its launch socket (or the listener, while it has it). */
                for (int n = 3; n < 6; n++)
                        if (syscall(SYS_pidfd_getfd, pidfd, n, 0) >= 0)
                                _exit(5);
                int fd = open(path, O_RDWR | O_CLOEXEC);
                if (fd < 0)
                        continue;
                static const char mark[] = "PWNED";
                ssize_t n = pwrite(fd, mark, sizeof(mark), (off_t) (uintptr_t) secret);
                _exit(n == (ssize_t) sizeof(mark) ? 1 : 3);
        }
        _exit(0);
}

/* Waits until the gate has a notification pending: the child is inside its launch execve. */
static void wait_in_gate(ExecProcess *p) {
        ExecStage stage;
        int error, r;

        do {
                struct pollfd x = { .fd = p->socket_fd, .events = POLLIN };
                assert_true(poll(&x, 1, 5000) == 1);
                r = exec_read_report(p, &stage, &error);
        } while (r == EXEC_REPORT_AGAIN);
        assert_int_equal(r, EXEC_REPORT_LISTENER);
        struct pollfd x = { .fd = p->listener_fd, .events = POLLIN };
        assert_int_equal(poll(&x, 1, 5000), 1);
}

/* A plan that runs ARGV as UID (and its gid, without supplementary groups), stdio on NULL_FD. */
static void plan_as(ExecPlan *plan, const char **argv, int null_fd, uid_t uid) {
        exec_plan_init(plan);
        plan->path = argv[0];
        plan->argv = argv;
        plan->envp = empty_env;
        plan->stdin_fd = plan->stdout_fd = plan->stderr_fd = null_fd;
        plan->uid = uid;
        plan->gid = uid;
        plan->set_groups = true;
}

/* A launch of user ATTACKER_UID, held in the gate (nobody answers it). */
static void spawn_victim(ExecPlan *victim, const char **argv, int null_fd, struct sock_fprog *notify,
                         struct sock_fprog *policy, ExecProcess **ret) {
        plan_as(victim, argv, null_fd, ATTACKER_UID);
        victim->filter_notify = notify;
        victim->filter_policy = policy;
        victim->drop_cap_sys_ptrace = true;
        assert_int_equal(exec_spawn(victim, ret), 0);
        wait_in_gate(*ret);
}

static void cross_launch_mem(const char *suid_dumpable) {
        const char *argv[] = { "/bin/true", NULL };
        struct sock_fprog notify, policy;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        ExecPlan victim, other;
        ExecProcess *p = NULL;
        ExecResult res;
        unsigned launches = 0;
        int st;

        assert_true(null_fd >= 0);
        assert_int_equal(write_file(SUID_DUMPABLE, suid_dumpable), 0);
        gate_filters(&notify, &policy);

        /* The victim: a launch of user ATTACKER_UID, held in the gate (we do not answer). */
        spawn_victim(&victim, argv, null_fd, &notify, &policy, &p);

        atomic_int *stop = mmap(NULL, sizeof(atomic_int), PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assert_true(stop != MAP_FAILED);
        atomic_store(stop, 0);
        pid_t attacker = fork();
        assert_true(attacker >= 0);
        if (attacker == 0)
                mem_attacker(p->pid, stop);

        /* Other launches with a credential change, while the victim waits. */
        plan_as(&other, argv, null_fd, OTHER_UID);
        double deadline = now() + CROSS_LAUNCH_SECONDS;
        while (now() < deadline && waitpid(attacker, &st, WNOHANG) == 0) {
                assert_int_equal(exec_run_and_wait(&other, NULL, NULL, &res), 0);
                launches++;
        }
        atomic_store(stop, 1);
        if (waitpid(attacker, &st, WNOHANG) == 0)
                assert_int_equal(waitpid(attacker, &st, 0), attacker);

        /* Let the victim go, and clean up. */
        (void) exec_gate_handle(p, NULL, NULL);
        assert_int_equal(exec_process_wait(p, NULL, NULL, &res), 0);
        exec_process_free(p);
        restore_suid_dumpable();
        munmap(stop, sizeof(atomic_int));
        test_filter_free(&notify);
        test_filter_free(&policy);

        fprintf(stderr, "cross_launch_mem (fs.suid_dumpable=%s): %u other launches, attacker exit %d\n",
                suid_dumpable, launches, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0); /* never opened the daemon's memory */
        assert_string_equal((const char *) secret, secret_intact);
}

/* The launches share our memory here (the default setting). */
static void test_cross_launch_mem_0(void **state) {
        cross_launch_mem("0");
}

/* Each credential change makes a shared address space dumpable here. */
static void test_cross_launch_mem_1(void **state) {
        cross_launch_mem("1");
}

/* ---- kill_and_reap ---- */

/* The service's user kills the child that waits in the gate and asks the kernel to reap its
 * memory at once (process_mrelease, which needs no more than a pidfd). The memory is ours
 * too: it must stay. */
static void test_kill_and_reap(void **state) {
        const char *argv[] = { "/bin/true", NULL };
        struct sock_fprog notify, policy;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        ExecPlan victim;
        ExecProcess *p = NULL;
        ExecResult res;
        int st;

        assert_int_equal(write_file(SUID_DUMPABLE, "0"), 0);
        gate_filters(&notify, &policy);
        spawn_victim(&victim, argv, null_fd, &notify, &policy, &p);

        pid_t attacker = fork();
        assert_true(attacker >= 0);
        if (attacker == 0) {
                drop_to(ATTACKER_UID);
                int pidfd = pidfd_open(p->pid, 0);
                if (pidfd < 0 || pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0)
                        _exit(2);
                for (int i = 0; i < 100000; i++)
                        if (syscall(SYS_process_mrelease, pidfd, 0) == 0)
                                _exit(1);
                _exit(0);
        }
        assert_int_equal(waitpid(attacker, &st, 0), attacker);
        assert_int_equal(exec_process_wait(p, NULL, NULL, &res), 0);
        assert_int_equal(res.report, EXEC_REPORT_DIED);
        exec_process_free(p);
        restore_suid_dumpable();
        test_filter_free(&notify);
        test_filter_free(&policy);

        /* The kill was allowed (same user); the reaping must not have been. */
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        assert_string_equal((const char *) secret, secret_intact);
        assert_string_equal(heap_secret, secret_intact);
}

/* ---- own_window_core ---- */

/* Runs as ATTACKER_UID: for each round, sends SIGQUIT to the announced pid as often as the
 * kernel lets it until told to stop. */
_noreturn_ static void core_attacker(int cmd_fd, int ack_fd, atomic_int *stop) {
        pid_t target;

        drop_to(ATTACKER_UID);
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        while (read(cmd_fd, &target, sizeof(target)) == (ssize_t) sizeof(target)) {
                char ok = 1;
                if (write(ack_fd, &ok, 1) != 1)
                        _exit(2);
                while (!atomic_load(stop))
                        (void) kill(target, SIGQUIT);
                atomic_store(stop, 0);
                if (write(ack_fd, &ok, 1) != 1)
                        _exit(2);
        }
        _exit(0);
}

static bool dir_has_core(const char *dir, bool *ret_leaks) {
        DIR *d = opendir(dir);
        struct dirent *e;
        bool found = false;

        assert_non_null(d);
        *ret_leaks = false;
        while ((e = readdir(d))) {
                if (strncmp(e->d_name, "core", 4) != 0)
                        continue;
                found = true;
                /* A core of the service after its execve is its own business; one of the
                 * launch child is the daemon's memory: its command name is ours, and the
                 * secret is in it. Is it readable by the attacker's user? */
                char path[PATH_MAX];
                struct stat s;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                if (stat(path, &s) == 0 && s.st_uid == ATTACKER_UID && s.st_size > 0) {
                        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
                        char *buf = malloc((size_t) s.st_size);
                        if (fd >= 0 && buf && read(fd, buf, (size_t) s.st_size) == s.st_size &&
                            (memmem(buf, (size_t) s.st_size, secret_intact, strlen(secret_intact)) ||
                             memmem(buf, (size_t) s.st_size, "test-exec-shar", 14)))
                                *ret_leaks = true;
                        free(buf);
                }
                if (!getenv("SYSCAGE_KEEP_CORES"))
                        (void) unlink(path);
        }
        closedir(d);
        return found;
}

static void test_own_window_core(void **state) {
        const char *argv[] = { "/bin/true", NULL };
        char dir[] = "/tmp/syscage-core-XXXXXX", pattern[256], last[32];
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        int cmd[2], ack[2], st;
        unsigned rounds = CORE_ROUNDS_DEFAULT, cores = 0, leaks = 0, signalled = 0;
        const char *e = getenv("SYSCAGE_STRESS_RUNS");

        if (e && atoi(e) > 0)
                rounds = (unsigned) atoi(e);
        char max[32];
        assert_int_equal(read_file("/proc/sys/kernel/pid_max", max, sizeof(max)), 0);
        pid_t pid_max = (pid_t) atoi(max);
        if (read_file("/proc/sys/kernel/core_pattern", pattern, sizeof(pattern)) < 0 ||
            pattern[0] == '|' || pattern[0] == '/') {
                fprintf(stderr, "own_window_core: core_pattern is not relative, skipped\n");
                skip();
        }
        assert_non_null(mkdtemp(dir));
        assert_int_equal(chmod(dir, 0777), 0);
        assert_int_equal(write_file(SUID_DUMPABLE, "1"), 0);

        atomic_int *stop = mmap(NULL, sizeof(atomic_int), PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assert_true(stop != MAP_FAILED);
        atomic_store(stop, 0);
        assert_int_equal(pipe2(cmd, O_CLOEXEC), 0);
        assert_int_equal(pipe2(ack, O_CLOEXEC), 0);
        pid_t attacker = fork();
        assert_true(attacker >= 0);
        if (attacker == 0) {
                close(cmd[1]);
                close(ack[0]);
                core_attacker(cmd[0], ack[1], stop);
        }
        close(cmd[0]);
        close(ack[1]);

        for (unsigned i = 0; i < rounds; i++) {
                ExecPlan plan;
                ExecResult res;
                char ok;

                /* The next pid is predictable; an attacker polls for it. Here we fix it. */
                assert_int_equal(read_file(NS_LAST_PID, last, sizeof(last)), 0);
                pid_t target = (pid_t) atoi(last) + 20;
                if (target < 300 || target >= pid_max)
                        target = 300;
                assert_int_equal(write(cmd[1], &target, sizeof(target)), (ssize_t) sizeof(target));
                assert_int_equal(read(ack[0], &ok, 1), 1);
                snprintf(last, sizeof(last), "%d", (int) target - 1);
                /* Best effort: pid_max wraps, and other processes take pids too. */
                (void) write_file(NS_LAST_PID, last);

                plan_as(&plan, argv, null_fd, ATTACKER_UID);
                plan.working_directory = dir;
                /* A service that wants core dumps (LimitCORE=infinity). */
                plan.rlimits[RLIMIT_CORE] = (ExecRlimit) { .set = true, .soft = RLIM_INFINITY,
                                                           .hard = RLIM_INFINITY };
                assert_int_equal(exec_run_and_wait(&plan, NULL, NULL, &res), 0);
                if (res.pid == target && res.code != CLD_EXITED)
                        signalled++;
                atomic_store(stop, 1);
                assert_int_equal(read(ack[0], &ok, 1), 1);
                bool leak;
                if (dir_has_core(dir, &leak))
                        cores++;
                if (leak)
                        leaks++;
        }
        close(cmd[1]);
        assert_int_equal(waitpid(attacker, &st, 0), attacker);
        close(ack[0]);
        restore_suid_dumpable();
        munmap(stop, sizeof(atomic_int));
        (void) rmdir(dir);

        fprintf(stderr, "own_window_core: %u rounds, %u children killed by the attacker, "
                "%u cores, %u of them of the launch child (the daemon's memory)\n", rounds, signalled, cores, leaks);
        assert_int_equal(leaks, 0);
}

/* ---- isolation ---- */

static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig) {
        usr1_seen = 1;
}

static void test_isolation(void **state) {
        const char *argv[] = { "/bin/true", NULL };
        char cwd_before[PATH_MAX], cwd_after[PATH_MAX];
        struct sigaction sa = { .sa_handler = on_usr1 }, now_sa;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        _cleanup_close_ int sentinel = open("/dev/null", O_RDONLY | O_CLOEXEC);
        ExecPlan plan;
        ExecResult res;

        assert_true(sentinel >= 0);
        assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
        assert_non_null(getcwd(cwd_before, sizeof(cwd_before)));
        mode_t old_umask = umask(022);

        exec_plan_init(&plan);
        plan.path = argv[0];
        plan.argv = argv;
        plan.envp = empty_env;
        plan.stdin_fd = plan.stdout_fd = plan.stderr_fd = null_fd;
        plan.working_directory = "/proc";
        plan.umask = 077;
        plan.uid = ATTACKER_UID;
        plan.gid = ATTACKER_UID;
        assert_int_equal(exec_run_and_wait(&plan, NULL, NULL, &res), 0);
        assert_int_equal(res.report, EXEC_REPORT_EXECED);
        assert_int_equal(res.code, CLD_EXITED);
        assert_int_equal(res.status, 0);

        /* Our cwd, umask, fds, signal handlers and credentials are our own still. */
        assert_non_null(getcwd(cwd_after, sizeof(cwd_after)));
        assert_string_equal(cwd_before, cwd_after);
        assert_int_equal(umask(old_umask), 022);
        assert_true(fcntl(sentinel, F_GETFD) >= 0);
        assert_int_equal(sigaction(SIGUSR1, NULL, &now_sa), 0);
        assert_ptr_equal(now_sa.sa_handler, on_usr1);
        assert_int_equal(geteuid(), 0);
        assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
        raise(SIGUSR1);
        assert_int_equal(usr1_seen, 1);
        signal(SIGUSR1, SIG_DFL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_isolation),
                cmocka_unit_test(test_cross_launch_mem_0),
                cmocka_unit_test(test_cross_launch_mem_1),
                cmocka_unit_test(test_kill_and_reap),
                cmocka_unit_test(test_own_window_core),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
