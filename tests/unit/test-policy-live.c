/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live policy tests: each policy is compiled here, written out as raw BPF, and loaded by the
 * try-syscall helper (after PR_SET_NO_NEW_PRIVS, so no root is needed) right before it makes
 * one system call. We check the errno it reports, or that the kernel killed it with SIGSYS.
 * Arguments are chosen so that the kernel itself would answer differently from the filter
 * (e.g. sethostname with an invalid length gives EINVAL, the filter EPERM), which also keeps
 * a broken filter from changing the machine.
 *
 * Usage: test-policy-live PATH-TO-try-syscall
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "policy-test-util.h"

static const char *helper;
static char tmpdir[] = "/tmp/test-policy-live-XXXXXX";
static char path[PATH_MAX];

typedef struct Check {
        const char *call; /* "NAME ARG..." */
        const char *expect; /* "ok", "errno EPERM", or "SIGSYS" */
} Check;

typedef struct LiveCase {
        const char *lines[6]; /* [Service] lines; after X_SYSCAGE, [X-Syscage] lines */
        bool gate; /* load the F_policy half of the exec gate instead of the plain policy */
        Check checks[6];
} LiveCase;

#define NOFILTER "(none)"
#define X_SYSCAGE "[X-Syscage]"

static const LiveCase live_cases[] = {
        { { "SystemCallFilter=~uname" }, false,
          { { "uname @buf", "SIGSYS" }, { "getpid", "ok" } } },
        { { "SystemCallFilter=~uname", "SystemCallErrorNumber=ENETDOWN" }, false,
          { { "uname @buf", "errno ENETDOWN" }, { "getppid", "ok" } } },
        { { "SystemCallFilter=write exit_group getpid", "SystemCallErrorNumber=EPERM" }, false,
          { { "getpid", "ok" }, { "uname @buf", "errno EPERM" }, { "getppid", "errno EPERM" } } },
        { { "SystemCallFilter=write exit_group getpid uname", "SystemCallFilter=~uname:EBADF" }, false,
          { { "uname @buf", "errno EBADF" }, { "getppid", "SIGSYS" } } },
        { { "SystemCallFilter=~@mount @reboot:EPERM", "SystemCallErrorNumber=EACCES" }, false,
          { { "umount2 @path 0", "errno EACCES" }, { "reboot 0 0 0", "errno EPERM" } } },
        { { "RestrictAddressFamilies=AF_UNIX" }, false,
          { { "socket AF_UNIX SOCK_STREAM 0", "ok" }, { "socket AF_INET SOCK_STREAM 0", "errno EAFNOSUPPORT" } } },
        { { "RestrictAddressFamilies=~AF_INET6" }, false,
          { { "socket AF_INET6 SOCK_DGRAM 0", "errno EAFNOSUPPORT" }, { "socket AF_UNIX SOCK_DGRAM 0", "ok" } } },
        /* (AF_INET, SOCK_PACKET) is an AF_PACKET socket; socketpair() obeys the family rule. */
        { { "RestrictAddressFamilies=AF_INET AF_INET6" }, false,
          { { "socket AF_INET SOCK_PACKET|SOCK_CLOEXEC 0x300", "errno EAFNOSUPPORT" },
            { "socket AF_INET SOCK_DGRAM|SOCK_CLOEXEC 0", "ok" },
            { "socketpair AF_UNIX SOCK_DGRAM 0 @buf", "errno EAFNOSUPPORT" } } },
        { { "RestrictAddressFamilies=AF_UNIX" }, false,
          { { "socketpair AF_UNIX SOCK_DGRAM 0 @buf", "ok" }, { "socketpair AF_INET SOCK_STREAM 0 @buf", "errno EAFNOSUPPORT" } } },
        /* io_uring creates sockets without socket(): the ring itself is refused. */
        { { "RestrictAddressFamilies=AF_UNIX", "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM" }, false,
          { { "uring-socket AF_INET", "errno ENOSYS" }, { "socket AF_INET SOCK_DGRAM 0", "errno EAFNOSUPPORT" },
            { "socket AF_UNIX SOCK_DGRAM 0", "ok" } } },
        { { "RestrictSUIDSGID=yes" }, false, { { "io_uring_setup 1 @buf", "errno ENOSYS" } } },
        { { "RestrictNamespaces=yes" }, false, { { "uring-socket AF_INET", "ok" } } },
        { { "RestrictNamespaces=yes" }, false,
          { { "unshare CLONE_NEWNET", "errno EPERM" }, { "clone3 0 0", "errno ENOSYS" }, { "unshare 0", "ok" },
            { "setns -1 0", "errno EPERM" } } },
        { { "RestrictNamespaces=net" }, false,
          { { "unshare CLONE_NEWUSER", "errno EPERM" }, { "setns -1 CLONE_NEWNET", "errno EBADF" } } },
        { { "LockPersonality=yes" }, false,
          { { "personality PER_LINUX32", "errno EPERM" }, { "personality PER_LINUX", "ok" } } },
        { { "MemoryDenyWriteExecute=yes" }, false,
          { { "mmap 0 4096 PROT_WRITE|PROT_EXEC MAP_PRIVATE|MAP_ANONYMOUS -1 0", "errno EPERM" },
            { "mmap 0 4096 PROT_READ|PROT_WRITE MAP_PRIVATE|MAP_ANONYMOUS -1 0", "ok" },
            { "mprotect @buf 4096 PROT_READ|PROT_EXEC", "errno EPERM" },
            /* READ_IMPLIES_EXEC would turn a later mprotect(PROT_READ) into read+exec. */
            { "personality READ_IMPLIES_EXEC", "errno EPERM" }, { "personality PER_LINUX", "ok" },
            { "rie-exec", "errno EPERM" } } },
        { { "RestrictRealtime=yes" }, false,
          { { "sched_setscheduler 0 SCHED_FIFO @buf", "errno EPERM" }, { "sched_setscheduler 0 SCHED_BATCH @buf", "ok" },
            /* The policy sits in a struct: a root service (CAP_SYS_NICE) would get SCHED_FIFO. */
            { "sched_setattr 0 @sched-fifo 0", "errno EPERM" } } },
        { { "RestrictSUIDSGID=yes" }, false,
          { { "chmod @path 04755", "errno EPERM" }, { "chmod @path 0644", "ok" },
            { "openat AT_FDCWD @path O_CREAT|O_RDWR 02644", "errno EPERM" }, { "openat2 AT_FDCWD @path @buf 24", "errno ENOSYS" },
            /* An unnamed file gets its mode without O_CREAT; linkat() would then publish it. */
            { "openat AT_FDCWD @tmp O_TMPFILE|O_RDWR 04755", "errno EPERM" }, { "open @tmp O_TMPFILE|O_RDWR 02755", "errno EPERM" } } },
        { { "ProtectClock=yes" }, false, { { "clock_settime 9999 @buf", "errno EPERM" }, { "clock_gettime 0 @buf", "ok" } } },
        { { "ProtectKernelModules=yes" }, false, { { "delete_module @path 0", "errno EPERM" } } },
        { { "ProtectKernelLogs=yes" }, false, { { "syslog 10 0 0", "errno EPERM" } } },
        { { "ProtectKernelTunables=yes" }, false, { { "_sysctl @buf", "errno EPERM" } } },
        { { "ProtectHostname=yes" }, false,
          { { "sethostname @buf -1", "errno EPERM" }, { "setdomainname @buf -1", "errno EPERM" } } },
        { { "PrivateDevices=yes" }, false, { { "iopl 4", "errno EPERM" } } },
        { { "SystemCallLog=uname" }, false, { { "uname @buf", "ok" } } },
        { { "SystemCallFilter=~getppid" }, false, { { "i386:getpid", "SIGSYS" } } },
        { { "SystemCallFilter=~getppid", "SystemCallErrorNumber=EPERM", "SystemCallArchitectures=x86" }, false,
          { { "i386:getpid", "ok" }, { "i386:getppid", "errno EPERM" }, { "getppid", "errno EPERM" } } },
        /* SystemCallArgumentFilter=: the kernel answers write(3, buf, 0) with EBADF (or 0) and
         * never EACCES, socket(AF_INET) with a socket, so only the filter gives these errnos. */
        { { "SystemCallErrorNumber=EACCES", X_SYSCAGE, "SystemCallArgumentFilter=write: fd == 1" }, false,
          { { "write 1 @buf 0", "ok" }, { "write 3 @buf 0", "errno EACCES" }, { "write 2 @buf 0", "errno EACCES" },
            /* write's fd is an unsigned int: the kernel writes to fd 1, the filter agrees. */
            { "write 0x100000001 @buf 0", "ok" }, { "write 0x100000003 @buf 0", "errno EACCES" },
            { "getpid", "ok" } } },
        /* Without an errno the deny action is kill. */
        { { X_SYSCAGE, "SystemCallArgumentFilter=write: fd == 1" }, false,
          { { "write 1 @buf 0", "ok" }, { "write 3 @buf 0", "SIGSYS" } } },
        /* The line's own action, a set of values, and socket()'s int domain: the kernel would
         * make 0x100000002 an AF_INET socket, so the filter must read the low 32 bits too. */
        { { X_SYSCAGE, "SystemCallArgumentFilter=socket:ENETDOWN: domain in {AF_UNIX}" }, false,
          { { "socket AF_UNIX SOCK_DGRAM 0", "ok" }, { "socket AF_INET SOCK_DGRAM 0", "errno ENETDOWN" },
            { "socket 0x100000002 SOCK_DGRAM 0", "errno ENETDOWN" }, { "socket 0x100000001 SOCK_DGRAM 0", "ok" },
            { "socketpair AF_UNIX SOCK_DGRAM 0 @buf", "ok" } } },
        /* Two lines for one call are ANDed; a negated set. */
        { { "SystemCallErrorNumber=EPERM", X_SYSCAGE, "SystemCallArgumentFilter=socket: domain not in {AF_INET6}",
            "SystemCallArgumentFilter=socket: (type & SOCK_CLOEXEC) == SOCK_CLOEXEC" }, false,
          { { "socket AF_INET SOCK_DGRAM|SOCK_CLOEXEC 0", "ok" }, { "socket AF_INET SOCK_DGRAM 0", "errno EPERM" },
            { "socket AF_INET6 SOCK_DGRAM|SOCK_CLOEXEC 0", "errno EPERM" } } },
        /* F_policy of the exec gate: no second listener, however seccomp() is otherwise treated. */
        { { "SystemCallFilter=~uname", "SystemCallErrorNumber=EPERM" }, true,
          { { "seccomp SECCOMP_SET_MODE_FILTER SECCOMP_FILTER_FLAG_NEW_LISTENER 0", "errno EPERM" },
            { "seccomp SECCOMP_SET_MODE_FILTER 0 0", "errno EFAULT" }, { "uname @buf", "errno EPERM" } } },
};

static int write_program(const struct sock_fprog *p, const char *file) {
        int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        size_t size = p->len * sizeof(struct sock_filter);

        if (fd < 0)
                return -errno;
        if (write(fd, p->filter, size) != (ssize_t) size) {
                close(fd);
                return -EIO;
        }
        return close(fd);
}

/* Runs the helper with the programs of S (may be NULL) and returns what it printed, or
 * "SIGSYS"/"signal N"/"exit N". */
static char *run_helper(const FilterSet *s, const char *call) {
        char *argv[64], files[FILTER_PROGRAMS_MAX][PATH_MAX + 16], out[256] = {};
        _cleanup_free_ char *copy = strdup(call);
        size_t n = 0, len = 0;
        int pipefd[2], status;
        char *save = NULL;
        pid_t pid;
        ssize_t k;

        argv[n++] = (char *) helper;
        for (size_t i = 0; s && i < s->n; i++) {
                snprintf(files[i], sizeof files[i], "%s/prog%zu", tmpdir, i);
                assert_int_equal(write_program(&s->progs[i], files[i]), 0);
                argv[n++] = (char *) "--bpf";
                argv[n++] = files[i];
        }
        argv[n++] = (char *) "--path";
        argv[n++] = path;
        for (char *t = strtok_r(copy, " ", &save); t && n < 62; t = strtok_r(NULL, " ", &save))
                argv[n++] = t;
        argv[n] = NULL;
        assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rlimit no_core = {};
                (void) setrlimit(RLIMIT_CORE, &no_core); /* SIGSYS would dump core */
                if (dup2(pipefd[1], STDOUT_FILENO) < 0)
                        _exit(127);
                execv(helper, argv);
                _exit(127);
        }
        close(pipefd[1]);
        while ((k = read(pipefd[0], out + len, sizeof out - 1 - len)) > 0)
                len += (size_t) k;
        close(pipefd[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
                return strdup("SIGSYS");
        if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
                char *e = NULL;
                assert_true(asprintf(&e, "%s %d", WIFSIGNALED(status) ? "signal" : "exit",
                                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)) > 0);
                return e;
        }
        out[strcspn(out, "\n")] = '\0';
        return strdup(out);
}

/* Like test_build(), with the lines after X_SYSCAGE in the [X-Syscage] section. */
static int live_build(const char *const *lines, DiagList *diags, Policy **ret) {
        UnitFile *u = calloc(1, sizeof *u);
        const char *section = "Service";
        int r;

        assert_non_null(u);
        for (unsigned i = 0; i < 6 && lines[i]; i++) {
                const char *eq = strchr(lines[i], '=');
                _cleanup_free_ char *key = NULL;

                if (streq(lines[i], X_SYSCAGE)) {
                        section = "X-Syscage";
                        continue;
                }
                assert_non_null(eq);
                key = strndup(lines[i], (size_t) (eq - lines[i]));
                assert_non_null(key);
                test_unit_add(u, section, key, eq + 1, TEST_UNIT_FILE, i + 2);
        }
        r = policy_build(u, diags, ret);
        test_unit_free(u);
        return r;
}

static bool i386_works(void) {
        _cleanup_free_ char *r = NULL;

        if (arch_native() != SCMP_ARCH_X86_64)
                return false;
        r = run_helper(NULL, "i386:getpid");
        return streq(r, "ok");
}

static void test_live(void **state) {
        bool have_i386 = i386_works();

        for (size_t i = 0; i < ELEMENTSOF(live_cases); i++) {
                const LiveCase *c = &live_cases[i];
                _cleanup_(policy_freep) Policy *p = NULL;
                _cleanup_(filter_set_freep) FilterSet *s = NULL, *notify = NULL;
                DiagList diags = {};

                if (strstr(c->checks[0].call, "i386:") && !have_i386) {
                        fprintf(stderr, "skipping i386 case: no i386 entry point\n");
                        continue;
                }
                assert_int_equal(live_build(c->lines, &diags, &p), 0);
                if (c->gate)
                        assert_int_equal(filter_compile_gate(p, &notify, &s), 0);
                else
                        assert_int_equal(filter_compile(p, &s), 0);
                for (size_t j = 0; j < ELEMENTSOF(c->checks) && c->checks[j].call; j++) {
                        _cleanup_free_ char *got = run_helper(s, c->checks[j].call);
                        if (!streq(got, c->checks[j].expect))
                                fail_msg("%s %s: %s: expected \"%s\", got \"%s\"", c->lines[0],
                                         c->lines[1] ?: "", c->checks[j].call, c->checks[j].expect, got);
                }
                diag_list_done(&diags);
        }
}

/* Without a filter the helper's calls succeed or fail for the kernel's reasons: the live
 * checks above are only meaningful if these differ from the filter's answers. */
static void test_baseline(void **state) {
        _cleanup_free_ char *a = run_helper(NULL, "sethostname @buf -1");
        _cleanup_free_ char *b = run_helper(NULL, "clock_settime 9999 @buf");
        _cleanup_free_ char *c = run_helper(NULL, "getpid");
        /* The READ_IMPLIES_EXEC attack works when nothing stops it. */
        _cleanup_free_ char *d = run_helper(NULL, "rie-exec");
        /* So does a socket through io_uring. */
        _cleanup_free_ char *e = run_helper(NULL, "uring-socket AF_INET");
        /* And an unnamed set-user-ID file. */
        _cleanup_free_ char *f = run_helper(NULL, "openat AT_FDCWD @tmp O_TMPFILE|O_RDWR 04755");

        assert_string_equal(a, "errno EINVAL");
        assert_string_equal(b, "errno EINVAL");
        assert_string_equal(c, "ok");
        assert_string_equal(d, "ok");
        assert_string_equal(e, "ok");
        assert_string_equal(f, "ok");
        /* (AF_INET, SOCK_PACKET) gives a packet socket (to root: it needs CAP_NET_RAW), and
         * socketpair() an AF_UNIX pair, when nothing stops them. */
        _cleanup_free_ char *g = run_helper(NULL, "socket AF_INET SOCK_PACKET|SOCK_CLOEXEC 0x300");
        _cleanup_free_ char *h = run_helper(NULL, "socketpair AF_UNIX SOCK_DGRAM 0 @buf");
        assert_string_equal(g, geteuid() == 0 ? "ok" : "errno EPERM");
        assert_string_equal(h, "ok");
        /* The kernel reads socket()'s domain as an int: upper bits give an AF_INET socket. And
         * write() to an fd that is not open never says EACCES. */
        _cleanup_free_ char *i = run_helper(NULL, "socket 0x100000002 SOCK_DGRAM 0");
        _cleanup_free_ char *j = run_helper(NULL, "write 3 @buf 0");
        _cleanup_free_ char *k = run_helper(NULL, "write 0x100000001 @buf 0");
        assert_string_equal(i, "ok");
        assert_string_not_equal(j, "errno EACCES");
        assert_string_equal(k, "ok");
}

static int setup(void **state) {
        int fd;

        if (!mkdtemp(tmpdir))
                return -1;
        snprintf(path, sizeof path, "%s/file", tmpdir);
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return -1;
        close(fd);
        return 0;
}

static int teardown(void **state) {
        char f[PATH_MAX + 16];

        for (size_t i = 0; i < FILTER_PROGRAMS_MAX; i++) {
                snprintf(f, sizeof f, "%s/prog%zu", tmpdir, i);
                (void) unlink(f);
        }
        (void) unlink(path);
        (void) rmdir(tmpdir);
        return 0;
}

int main(int argc, char **argv) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_baseline),
                cmocka_unit_test(test_live),
        };

        if (argc != 2) {
                fprintf(stderr, "usage: %s PATH-TO-try-syscall\n", argv[0]);
                return 2;
        }
        helper = argv[1];
        if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL)
                return 77; /* kernel without seccomp */
        return cmocka_run_group_tests(tests, setup, teardown);
}
