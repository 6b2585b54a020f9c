/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * try-syscall: attempts one system call and prints the outcome, for live policy tests.
 *
 *   try-syscall [--bpf FILE]... [--path PATH] NAME [ARG]...
 *
 * Each --bpf FILE holds a raw seccomp program (struct sock_filter array, as
 * seccomp_export_bpf() writes it); they are loaded in order, after PR_SET_NO_NEW_PRIVS, right
 * before the attempt, so nothing else this program does runs under the filter. Then NAME is
 * called with the ARGs and one line is printed: "ok" or "errno ENAME"; the exit status is 0.
 * If the filter kills the process, the caller sees SIGSYS.
 *
 * NAME is a syscall name or number of the native ABI, or "i386:NAME" to make the call through
 * the i386 entry point (int $0x80, x86-64 only). Two NAMEs are attacks rather than one call,
 * and print "errno E..." for the first call that failed or "ok" if the attack worked:
 * "rie-exec" (MemoryDenyWriteExecute=): personality(READ_IMPLIES_EXEC), then an anonymous
 * read-write mapping is filled with code and mprotect()ed to PROT_READ only, which that
 * personality turns into read+exec, and the code is run; "uring-socket FAMILY": a socket of
 * FAMILY through io_uring (IORING_OP_SOCKET), which no socket() argument check sees. An
 * ARG is a number (decimal, 0x hex, 0 octal, negative allowed), constant names joined with
 * '|' (AF_INET, CLONE_NEWNET|SIGCHLD, ...),
 * "@buf" (a zeroed 4 KiB buffer), "@path" (the --path string), "@tmp" ("/tmp") or
 * "@sched-fifo" (a struct sched_attr asking for SCHED_FIFO, priority 1).
 *
 * Built without sanitizers and without libsyscage: only libc and libseccomp (for the name
 * lookup, done before any filter is loaded).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_FILTERS 16
#define MAX_INSNS 4096

static const struct {
        const char *name;
        unsigned long value;
} constants[] = {
        { "AF_UNIX", AF_UNIX }, { "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 },
        { "AF_NETLINK", AF_NETLINK }, { "AF_PACKET", AF_PACKET },
        { "SOCK_STREAM", SOCK_STREAM }, { "SOCK_DGRAM", SOCK_DGRAM },
        { "SOCK_PACKET", SOCK_PACKET }, { "SOCK_CLOEXEC", SOCK_CLOEXEC },
        { "CLONE_NEWNET", CLONE_NEWNET }, { "CLONE_NEWUSER", CLONE_NEWUSER },
        { "CLONE_NEWNS", CLONE_NEWNS }, { "CLONE_NEWUTS", CLONE_NEWUTS },
        { "CLONE_NEWIPC", CLONE_NEWIPC }, { "CLONE_NEWPID", CLONE_NEWPID },
        { "CLONE_NEWCGROUP", CLONE_NEWCGROUP }, { "CLONE_NEWTIME", CLONE_NEWTIME },
        { "SIGCHLD", SIGCHLD },
        { "PROT_READ", PROT_READ }, { "PROT_WRITE", PROT_WRITE }, { "PROT_EXEC", PROT_EXEC },
        { "MAP_PRIVATE", MAP_PRIVATE }, { "MAP_ANONYMOUS", MAP_ANONYMOUS },
        { "SHM_EXEC", SHM_EXEC },
        { "O_CREAT", O_CREAT }, { "O_RDWR", O_RDWR }, { "O_WRONLY", O_WRONLY },
        { "O_TMPFILE", O_TMPFILE },
        { "AT_FDCWD", (unsigned long) AT_FDCWD },
        { "SCHED_OTHER", SCHED_OTHER }, { "SCHED_FIFO", SCHED_FIFO }, { "SCHED_BATCH", SCHED_BATCH },
        { "PER_LINUX", PER_LINUX }, { "PER_LINUX32", PER_LINUX32 },
        { "SECCOMP_SET_MODE_FILTER", SECCOMP_SET_MODE_FILTER },
        { "SECCOMP_FILTER_FLAG_NEW_LISTENER", SECCOMP_FILTER_FLAG_NEW_LISTENER },
        { "S_ISUID", S_ISUID }, { "S_ISGID", S_ISGID },
        { "READ_IMPLIES_EXEC", READ_IMPLIES_EXEC },
};

static char scratch[4096] __attribute__((aligned(64)));

static int parse_token(const char *t, const char *path, unsigned long *ret) {
        char *end;

        if (strcmp(t, "@buf") == 0) {
                *ret = (unsigned long) scratch;
                return 0;
        }
        if (strcmp(t, "@sched-fifo") == 0) {
                /* struct sched_attr (size 48): SCHED_FIFO, priority 1. */
                static uint32_t attr[12] = { 48, SCHED_FIFO, 0, 0, 0, 1 };
                *ret = (unsigned long) attr;
                return 0;
        }
        if (strcmp(t, "@tmp") == 0) {
                *ret = (unsigned long) "/tmp";
                return 0;
        }
        if (strcmp(t, "@path") == 0) {
                if (!path)
                        return -EINVAL;
                *ret = (unsigned long) path;
                return 0;
        }
        if ((t[0] >= '0' && t[0] <= '9') || t[0] == '-') {
                errno = 0;
                *ret = t[0] == '-' ? (unsigned long) strtol(t, &end, 0) : strtoul(t, &end, 0);
                return errno == 0 && *end == '\0' ? 0 : -EINVAL;
        }
        for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
                if (strcmp(constants[i].name, t) == 0) {
                        *ret = constants[i].value;
                        return 0;
                }
        return -EINVAL;
}

/* "A|B|3" -> A | B | 3. */
static int parse_arg(const char *s, const char *path, unsigned long *ret) {
        char buf[256], *save = NULL;
        unsigned long v = 0;

        if (strlen(s) >= sizeof buf)
                return -EINVAL;
        strcpy(buf, s);
        for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
                unsigned long x;
                if (parse_token(t, path, &x) < 0)
                        return -EINVAL;
                v |= x;
        }
        *ret = v;
        return 0;
}

static int read_program(const char *file, struct sock_fprog *ret) {
        struct sock_filter *insns = malloc(MAX_INSNS * sizeof *insns);
        FILE *f = fopen(file, "re");
        size_t n;

        if (!insns || !f) {
                free(insns);
                if (f)
                        fclose(f);
                return -1;
        }
        n = fread(insns, sizeof *insns, MAX_INSNS, f);
        fclose(f);
        if (n == 0) {
                free(insns);
                return -1;
        }
        *ret = (struct sock_fprog) { .len = (unsigned short) n, .filter = insns };
        return 0;
}

#if defined(__x86_64__)
/* The i386 entry point: syscall number and up to three arguments in eax, ebx, ecx, edx. */
static long int80(long nr, unsigned long a, unsigned long b, unsigned long c) {
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
        return ret;
}
#endif

static void report(long r, int err) {
        char line[64];
        const char *name;
        int n;

        if (r != -1)
                n = snprintf(line, sizeof line, "ok\n");
        else if ((name = strerrorname_np(err)))
                n = snprintf(line, sizeof line, "errno %s\n", name);
        else
                n = snprintf(line, sizeof line, "errno %d\n", err);
        /* write + exit_group: the only calls after the attempt. */
        (void) !write(STDOUT_FILENO, line, (size_t) n);
        syscall(SYS_exit_group, 0);
}

static int load_filters(const struct sock_fprog *progs, size_t n) {
        if (n > 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
                perror("PR_SET_NO_NEW_PRIVS");
                return -1;
        }
        for (size_t k = 0; k < n; k++)
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &progs[k]) < 0) {
                        perror("seccomp");
                        return -1;
                }
        return 0;
}

/* See "rie-exec" above. Runs under the filters: only personality, mmap, mprotect, write and
 * exit_group are called. */
static void attack_read_implies_exec(void) {
#if defined(__x86_64__)
        static const unsigned char code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 }; /* mov $42,%eax; ret */
#elif defined(__aarch64__)
        static const unsigned char code[] = { 0x40, 0x05, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6 }; /* mov w0,#42; ret */
#else
#error "no code sample for this architecture"
#endif
        void *m;

        if (syscall(SYS_personality, (unsigned long) READ_IMPLIES_EXEC) < 0)
                report(-1, errno);
        m = (void *) syscall(SYS_mmap, NULL, 4096UL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
                report(-1, errno);
        memcpy(m, code, sizeof code);
        __builtin___clear_cache((char *) m, (char *) m + sizeof code);
        if (syscall(SYS_mprotect, m, 4096UL, PROT_READ) < 0)
                report(-1, errno);
        /* Without the personality this faults (SIGSEGV): the page is not executable. */
        report(((int (*)(void)) m)() == 42 ? 0 : -1, EIO);
}

/* See "uring-socket" above: one IORING_OP_SOCKET through a ring set up by hand (no
 * liburing). Runs under the filters. */
static void attack_uring_socket(unsigned long family) {
        struct io_uring_params p = {};
        int fd = (int) syscall(SYS_io_uring_setup, 1, &p);
        if (fd < 0)
                report(-1, errno);
        size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
        size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
        if (p.features & IORING_FEAT_SINGLE_MMAP)
                sq_size = cq_size = sq_size > cq_size ? sq_size : cq_size;
        char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, IORING_OFF_SQ_RING);
        char *cq = (p.features & IORING_FEAT_SINGLE_MMAP) ? sq :
                mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, IORING_OFF_CQ_RING);
        struct io_uring_sqe *sqe = mmap(NULL, p.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
                                        MAP_SHARED, fd, IORING_OFF_SQES);
        if (sq == MAP_FAILED || cq == MAP_FAILED || sqe == MAP_FAILED)
                report(-1, errno);
        memset(sqe, 0, sizeof(*sqe));
        sqe->opcode = IORING_OP_SOCKET;
        sqe->fd = (int) family;
        sqe->off = SOCK_DGRAM;
        unsigned *tail = (unsigned *) (sq + p.sq_off.tail);
        ((unsigned *) (sq + p.sq_off.array))[*tail & *(unsigned *) (sq + p.sq_off.ring_mask)] = 0;
        __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
        if (syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
                report(-1, errno);
        unsigned head = __atomic_load_n((unsigned *) (cq + p.cq_off.head), __ATOMIC_ACQUIRE);
        struct io_uring_cqe *cqe = (struct io_uring_cqe *) (cq + p.cq_off.cqes) +
                (head & *(unsigned *) (cq + p.cq_off.ring_mask));
        report(cqe->res >= 0 ? 0 : -1, -cqe->res);
}

int main(int argc, char **argv) {
        struct sock_fprog progs[MAX_FILTERS];
        unsigned long a[6] = {};
        size_t n_progs = 0;
        const char *path = NULL, *name;
        bool i386 = false;
        int nr, i = 1;

        for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
                if (strcmp(argv[i], "--bpf") == 0) {
                        if (n_progs >= MAX_FILTERS || read_program(argv[i + 1], &progs[n_progs++]) < 0) {
                                fprintf(stderr, "cannot read program %s\n", argv[i + 1]);
                                return 2;
                        }
                } else if (strcmp(argv[i], "--path") == 0)
                        path = argv[i + 1];
                else
                        break;
        }
        if (i >= argc || argc - i - 1 > 6) {
                fprintf(stderr, "usage: %s [--bpf FILE]... [--path PATH] NAME [ARG]...\n", argv[0]);
                return 2;
        }
        name = argv[i];
        if (strcmp(name, "rie-exec") == 0) {
                if (load_filters(progs, n_progs) < 0)
                        return 2;
                attack_read_implies_exec();
        }
        if (strcmp(name, "uring-socket") == 0) {
                unsigned long family;
                if (i + 1 >= argc || parse_arg(argv[i + 1], path, &family) < 0)
                        return 2;
                if (load_filters(progs, n_progs) < 0)
                        return 2;
                attack_uring_socket(family);
        }
        if (strncmp(name, "i386:", 5) == 0) {
                i386 = true;
                name += 5;
        }
        if (name[0] >= '0' && name[0] <= '9') {
                /* A number: syscalls newer than libseccomp's tables have no name there. */
                char *end;
                nr = (int) strtol(name, &end, 10);
                if (*end != '\0')
                        nr = -1;
        } else
                nr = seccomp_syscall_resolve_name_arch(i386 ? SCMP_ARCH_X86 : SCMP_ARCH_NATIVE, name);
        if (nr < 0) {
                fprintf(stderr, "unknown syscall %s\n", name);
                return 2;
        }
        for (int k = i + 1; k < argc; k++)
                if (parse_arg(argv[k], path, &a[k - i - 1]) < 0) {
                        fprintf(stderr, "bad argument %s\n", argv[k]);
                        return 2;
                }
        if (load_filters(progs, n_progs) < 0)
                return 2;
        if (i386) {
#if defined(__x86_64__)
                long r = int80(nr, a[0], a[1], a[2]);
                report(r < 0 && r > -4096 ? -1 : r, r < 0 && r > -4096 ? (int) -r : 0);
#else
                fprintf(stderr, "i386 calls need x86-64\n");
                return 2;
#endif
        }
        long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        report(r, errno);
        return 0;
}
