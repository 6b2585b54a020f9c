/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tries one way around the execve gate, named by the first argument, and prints one line
 * "<name>: <result>". Every attempt targets "/bin/echo BYPASS-<name>", so a successful
 * bypass shows up in the output as BYPASS. The attempts that must be killed print
 * "survived" if they are not.
 *
 *   relisten     wait for a line on stdin (the daemon closes its listener first), then try
 *                to install an own notify filter with NEW_LISTENER, then execve
 *   steal        pidfd_open(parent), then pidfd_getfd on each of the parent's first fds
 *   thread       execve from a second thread
 *   fork         execve from a forked child
 *   execveat     execveat(AT_FDCWD, "/bin/echo")
 *   posix_spawn  posix_spawn("/bin/echo")
 *   system       system("/bin/echo BYPASS-system")
 *   int80        getpid through the i386 entry point (int $0x80)
 *   x32          getpid with the x32 syscall bit
 *   execveat-fd  execveat(O_PATH fd of /bin/echo, "", AT_EMPTY_PATH)
 *   fexecve-memfd  fexecve of a memfd holding a copy of /bin/echo
 *   vfork        execve from a vfork child
 *   ptrace-rewrite  a traced child calls getpid with execve's arguments, which the tracer
 *                turns into execve at the syscall-entry stop (x86_64)
 *   own-filter   install an own filter that fails execve/execveat with ENOTBLK (an ERRNO
 *                result outranks the gate's USER_NOTIF), then execve: the exec fails, and
 *                without the kernel-side kill the service would live on unseen by the gate
 *   own-filter-execveat  the same, then execveat(AT_FDCWD, "/bin/echo")
 *   mapped-path  execve whose path argument points into a shared mapping of the file named
 *                by $SYSCAGE_TEST_FILE, untouched: whoever reads the path faults the page in
 *                (a stall if the file system never answers); then a plain execve
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEAL_FD_MAX 256


static char *target_argv[] = { (char *) "/bin/echo", NULL, NULL };

static void set_target(const char *name) {
        static char arg[64];
        snprintf(arg, sizeof(arg), "BYPASS-%s", name);
        target_argv[1] = arg;
}

static int try_execve(void) {
        execve("/bin/echo", target_argv, environ);
        return errno;
}

static void *thread_main(void *arg) {
        *(int *) arg = try_execve();
        return NULL;
}

static int do_thread(void) {
        pthread_t t;
        int error = 0;
        if (pthread_create(&t, NULL, thread_main, &error) != 0)
                return -1;
        pthread_join(t, NULL);
        printf("thread: errno=%d\n", error);
        return 0;
}

static int do_fork(void) {
        int pfd[2];
        if (pipe(pfd) < 0)
                return -1;
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                int e = try_execve();
                (void) !write(pfd[1], &e, sizeof(e));
                _exit(0);
        }
        int e = 0;
        close(pfd[1]);
        (void) !read(pfd[0], &e, sizeof(e));
        waitpid(pid, NULL, 0);
        printf("fork: errno=%d\n", e);
        return 0;
}

static int do_execveat(void) {
        syscall(SYS_execveat, AT_FDCWD, "/bin/echo", target_argv, environ, 0);
        printf("execveat: errno=%d\n", errno);
        return 0;
}

/* execveat of an O_PATH descriptor with AT_EMPTY_PATH: no path for the gate to read. */
static int do_execveat_fd(void) {
        int fd = open("/bin/echo", O_PATH | O_CLOEXEC);
        if (fd < 0)
                return -1;
        syscall(SYS_execveat, fd, "", target_argv, environ, AT_EMPTY_PATH);
        printf("execveat-fd: errno=%d\n", errno);
        return 0;
}

/* fexecve of a copy of the binary in a memfd (glibc: execveat(fd, "", AT_EMPTY_PATH)). */
static int do_fexecve_memfd(void) {
        char buf[65536];
        int in = open("/bin/echo", O_RDONLY | O_CLOEXEC);
        int fd = memfd_create("bypass", MFD_CLOEXEC);
        ssize_t n;
        if (in < 0 || fd < 0)
                return -1;
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(fd, buf, (size_t) n) != n)
                        return -1;
        close(in);
        fexecve(fd, target_argv, environ);
        printf("fexecve-memfd: errno=%d\n", errno);
        return 0;
}

/* execve from a vfork child, which shares our memory until it execs. */
static int do_vfork(void) {
        static volatile int e;
        pid_t pid = vfork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                execve("/bin/echo", target_argv, environ);
                e = errno;
                _exit(0);
        }
        waitpid(pid, NULL, 0);
        printf("vfork: errno=%d\n", e);
        return 0;
}

#if defined(__x86_64__)
/* A traced child makes getpid with execve's arguments; at its syscall-entry stop we, the
 * tracer, turn it into execve. The filters must see the call as it finally runs. */
static int do_ptrace_rewrite(void) {
        int pfd[2], st, e = -1;
        bool rewritten = false;

        if (pipe(pfd) < 0)
                return -1;
        pid_t pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
                        _exit(1);
                raise(SIGSTOP);
                long r = syscall(SYS_getpid, "/bin/echo", target_argv, environ);
                e = r < 0 ? errno : 0;
                (void) !write(pfd[1], &e, sizeof(e));
                _exit(0);
        }
        close(pfd[1]);
        if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
                return -1;
        while (ptrace(rewritten ? PTRACE_CONT : PTRACE_SYSCALL, pid, 0, 0) == 0) {
                if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
                        break;
                struct user_regs_struct regs;
                if (ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0)
                        break;
                /* An entry stop: rax is -ENOSYS until the call runs. */
                if (!rewritten && regs.orig_rax == SYS_getpid && (long) regs.rax == -ENOSYS) {
                        regs.orig_rax = SYS_execve;
                        if (ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0)
                                break;
                        rewritten = true;
                }
        }
        (void) !read(pfd[0], &e, sizeof(e));
        waitpid(pid, NULL, 0);
        printf("ptrace-rewrite: errno=%d\n", e);
        return 0;
}
#endif

static int do_posix_spawn(void) {
        pid_t pid;
        int r = posix_spawn(&pid, "/bin/echo", NULL, NULL, target_argv, environ);
        if (r == 0)
                waitpid(pid, NULL, 0);
        printf("posix_spawn: errno=%d\n", r);
        return 0;
}

static int do_system(void) {
        int st = system("/bin/echo BYPASS-system");
        printf("system: exited=%d status=%d\n", WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return 0;
}

/* A filter that returns USER_NOTIF for everything: if it loaded, we could answer our own
 * execve. Loading it must fail. */
static int do_relisten(void) {
        struct sock_filter insn[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF) };
        struct sock_fprog prog = { .len = 1, .filter = insn };
        char line[16];

        if (!fgets(line, sizeof(line), stdin))
                return -1;
        long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        printf("relisten: seccomp=%ld errno=%d\n", fd, fd < 0 ? errno : 0);
        printf("relisten: execve errno=%d\n", try_execve());
        return 0;
}

static int do_steal(void) {
        int pidfd = (int) syscall(SYS_pidfd_open, getppid(), 0);
        int got = 0, first_error = 0;

        if (pidfd < 0) {
                printf("steal: pidfd_open errno=%d\n", errno);
                return 0;
        }
        for (int fd = 0; fd < STEAL_FD_MAX; fd++) {
                int r = (int) syscall(SYS_pidfd_getfd, pidfd, fd, 0);
                if (r >= 0) {
                        got++;
                        close(r);
                } else if (errno != EBADF && first_error == 0)
                        first_error = errno;
        }
        printf("steal: got=%d errno=%d\n", got, first_error);
        return 0;
}

static int do_int80(void) {
        long ret;
        fflush(stdout);
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
        printf("int80: survived ret=%ld\n", ret);
        return 0;
}

static int do_x32(void) {
        fflush(stdout);
        long r = syscall(0x40000000L | SYS_getpid);
        printf("x32: survived ret=%ld errno=%d\n", r, r < 0 ? errno : 0);
        return 0;
}

static int do_mapped_path(void) {
        const char *file = getenv("SYSCAGE_TEST_FILE");
        int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : -1;
        if (fd < 0) {
                printf("mapped-path: open errno=%d\n", errno);
                return -1;
        }
        void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED) {
                printf("mapped-path: mmap errno=%d\n", errno);
                return -1;
        }
        execve((const char *) m, target_argv, environ);
        printf("mapped-path: errno=%d\n", errno);
        /* Once more with an ordinary path. */
        printf("mapped-path: again errno=%d\n", try_execve());
        return 0;
}

#define OWN_FILTER_ERRNO ENOTBLK

static int own_filter(const char *name) {
        struct sock_filter insn[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | OWN_FILTER_ERRNO),
        };
        struct sock_fprog prog = { .len = sizeof(insn) / sizeof(insn[0]), .filter = insn };

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
                printf("%s: seccomp errno=%d\n", name, errno);
                return -1;
        }
        return 0;
}

static int do_own_filter(void) {
        if (own_filter("own-filter") < 0)
                return 0;
        printf("own-filter: errno=%d\n", try_execve());
        return 0;
}

static int do_own_filter_execveat(void) {
        if (own_filter("own-filter-execveat") < 0)
                return 0;
        syscall(SYS_execveat, AT_FDCWD, "/bin/echo", target_argv, environ, 0);
        printf("own-filter-execveat: errno=%d\n", errno);
        return 0;
}

static const struct {
        const char *name;
        int (*run)(void);
} attempts[] = {
        { "own-filter", do_own_filter },   { "own-filter-execveat", do_own_filter_execveat },
        { "relisten", do_relisten },       { "steal", do_steal },
        { "thread", do_thread },           { "fork", do_fork },
        { "execveat", do_execveat },       { "posix_spawn", do_posix_spawn },
        { "system", do_system },           { "int80", do_int80 },
        { "x32", do_x32 },                 { "mapped-path", do_mapped_path },
        { "execveat-fd", do_execveat_fd }, { "fexecve-memfd", do_fexecve_memfd },
        { "vfork", do_vfork },
#if defined(__x86_64__)
        { "ptrace-rewrite", do_ptrace_rewrite },
#endif
};

int main(int argc, char **argv) {
        if (argc != 2) {
                fprintf(stderr, "usage: bypass ATTEMPT\n");
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        set_target(argv[1]);
        for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
                if (strcmp(attempts[i].name, argv[1]) == 0)
                        return attempts[i].run() < 0 ? 1 : 0;
        fprintf(stderr, "bypass: unknown attempt %s\n", argv[1]);
        return 2;
}
