/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy semantics, checked on the compiled programs: each case is a list of unit lines and
 * a table of (ABI, syscall, arguments) -> the SECCOMP_RET_* value the kernel would act on,
 * computed by running the real BPF with the interpreter and combining the stacked programs
 * with the kernel's precedence. The syscall numbers are x86-64's, so the tests skip elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/shm.h>
#include <sys/socket.h>

#include "errno-util.h"
#include "policy-test-util.h"

#define KILL SECCOMP_RET_KILL_PROCESS
#define ALLOW SECCOMP_RET_ALLOW
#define LOGGED SECCOMP_RET_LOG
#define ERR(e) (SECCOMP_RET_ERRNO | (e))
#define X64 SCMP_ARCH_X86_64
#define I386 SCMP_ARCH_X86
#define X32 SCMP_ARCH_X32

typedef struct Expect {
        uint32_t arch;
        const char *syscall; /* NULL: use nr */
        uint64_t args[6];
        uint32_t ret;
        int nr;
} Expect;

typedef struct Case {
        const char *name;
        const char *lines[8];
        Expect expect[18];
} Case;

static const Case cases[] = {
        { "deny list kills", { "SystemCallFilter=~uname" },
          { { X64, "uname", {}, KILL }, { X64, "getpid", {}, ALLOW } } },
        { "deny list with SystemCallErrorNumber", { "SystemCallFilter=~uname", "SystemCallErrorNumber=ENETDOWN" },
          { { X64, "uname", {}, ERR(ENETDOWN) }, { X64, "getpid", {}, ALLOW } } },
        { "SystemCallErrorNumber before the list, numeric", { "SystemCallErrorNumber=13", "SystemCallFilter=~uname" },
          { { X64, "uname", {}, ERR(EACCES) } } },
        { "the largest errno libseccomp compiles", { "SystemCallErrorNumber=4094", "SystemCallFilter=~uname getppid:4094" },
          { { X64, "uname", {}, ERR(4094) }, { X64, "getppid", {}, ERR(4094) } } },
        { "SystemCallErrorNumber=kill resets", { "SystemCallErrorNumber=EPERM", "SystemCallErrorNumber=kill", "SystemCallFilter=~uname" },
          { { X64, "uname", {}, KILL } } },
        { "SystemCallErrorNumber= empty resets", { "SystemCallErrorNumber=EPERM", "SystemCallErrorNumber=", "SystemCallFilter=~uname" },
          { { X64, "uname", {}, KILL } } },
        { "allow list, later ~x removes x", { "SystemCallFilter=read write uname exit_group", "SystemCallFilter=~uname" },
          { { X64, "uname", {}, KILL }, { X64, "read", {}, ALLOW }, { X64, "getpid", {}, KILL } } },
        { "allow list, ~x:EPERM", { "SystemCallFilter=read uname", "SystemCallFilter=~uname:EPERM" },
          { { X64, "uname", {}, ERR(EPERM) }, { X64, "read", {}, ALLOW }, { X64, "write", {}, KILL } } },
        { "allow list, no implicit @default", { "SystemCallFilter=read", "SystemCallErrorNumber=EPERM" },
          { { X64, "read", {}, ALLOW }, { X64, "exit_group", {}, ERR(EPERM) }, { X64, "rt_sigreturn", {}, ERR(EPERM) },
            { X64, "execve", {}, ERR(EPERM) } } },
        { "allow list, unknown syscall numbers get ENOSYS", { "SystemCallFilter=read", "SystemCallErrorNumber=EPERM" },
          { { X64, NULL, {}, ERR(ENOSYS), .nr = 1000 }, { X64, NULL, {}, ERR(ENOSYS), .nr = 999 },
            /* -1 (0xffffffff) and the top of the x86-64 range are "unknown", not another ABI. */
            { X64, NULL, {}, ERR(ENOSYS), .nr = -1 }, { X64, NULL, {}, ERR(ENOSYS), .nr = 0x3fffffff } } },
        { "deny mode, unknown syscall numbers allowed", { "SystemCallFilter=~uname" },
          { { X64, NULL, {}, ALLOW, .nr = 1000 }, { X64, NULL, {}, ALLOW, .nr = -1 },
            /* The x32 bit on the x86-64 arch token is another ABI: killed unless enabled. */
            { X64, NULL, {}, KILL, .nr = 0x40000000 | 39 }, { X64, NULL, {}, KILL, .nr = 0x40000000 | 520 } } },
        { "x32 enabled: its execve and the x86-64 numbers it lacks", { "SystemCallFilter=~uname", "SystemCallArchitectures=native x32" },
          { { X64, NULL, {}, ALLOW, .nr = 0x40000000 | 39 }, { X64, NULL, {}, KILL, .nr = 0x40000000 | 63 },
            { X64, NULL, {}, ALLOW, .nr = -1 } } },
        { "empty assignment resets list and mode", { "SystemCallFilter=read", "SystemCallFilter=", "SystemCallFilter=~getpid" },
          { { X64, "read", {}, ALLOW }, { X64, "uname", {}, ALLOW }, { X64, "getpid", {}, KILL } } },
        { "empty assignment alone: no filter", { "SystemCallFilter=~uname", "SystemCallFilter=" },
          { { X64, "uname", {}, ALLOW } } },
        { "deny mode, allow line removes", { "SystemCallFilter=~uname getpid", "SystemCallFilter=getpid" },
          { { X64, "uname", {}, KILL }, { X64, "getpid", {}, ALLOW } } },
        { "~ only at the start inverts", { "SystemCallFilter=read ~write" },
          { { X64, "read", {}, ALLOW }, { X64, "write", {}, KILL } } },
        { "groups with per-entry errno", { "SystemCallFilter=~@mount @reboot:EPERM" },
          { { X64, "mount", {}, KILL }, { X64, "umount2", {}, KILL }, { X64, "pivot_root", {}, KILL },
            { X64, "reboot", {}, ERR(EPERM) }, { X64, "kexec_load", {}, ERR(EPERM) }, { X64, "getpid", {}, ALLOW } } },
        { "groups with SystemCallErrorNumber", { "SystemCallFilter=~@mount @reboot:EPERM", "SystemCallErrorNumber=EACCES" },
          { { X64, "mount", {}, ERR(EACCES) }, { X64, "reboot", {}, ERR(EPERM) } } },
        { "fake success with :0", { "SystemCallFilter=~@sync:0" },
          { { X64, "fsync", {}, ERR(0) }, { X64, "fdatasync", {}, ERR(0) }, { X64, "read", {}, ALLOW } } },
        { ":kill beats SystemCallErrorNumber", { "SystemCallFilter=~uname:kill getpid", "SystemCallErrorNumber=EPERM" },
          { { X64, "uname", {}, KILL }, { X64, "getpid", {}, ERR(EPERM) } } },
        { "later entries overwrite", { "SystemCallFilter=~uname:EPERM", "SystemCallFilter=~uname:EBADF" },
          { { X64, "uname", {}, ERR(EBADF) } } },
        { "suffix on an allow line is skipped", { "SystemCallFilter=read uname:EPERM" },
          { { X64, "read", {}, ALLOW }, { X64, "uname", {}, KILL } } },
        { "nested groups", { "SystemCallFilter=@system-service" },
          { { X64, "read", {}, ALLOW }, { X64, "execve", {}, ALLOW }, { X64, "exit_group", {}, ALLOW },
            { X64, "mount", {}, KILL }, { X64, "reboot", {}, KILL }, { X64, NULL, {}, ERR(ENOSYS), .nr = 1000 } } },
        { "@system-service minus @privileged", { "SystemCallFilter=@system-service", "SystemCallFilter=~@privileged" },
          { { X64, "chown", {}, KILL }, { X64, "read", {}, ALLOW } } },
        /* ABIs: native only by default; SystemCallArchitectures= widens. */
        { "native ABI only", { "SystemCallFilter=~uname", "SystemCallErrorNumber=EPERM" },
          { { I386, "getpid", {}, KILL }, { I386, "uname", {}, KILL }, { X32, "getpid", {}, KILL },
            { X32, "uname", {}, KILL }, { X64, "getpid", {}, ALLOW } } },
        { "native ABI only without any filter", { "ProtectClock=no" },
          { { I386, "getpid", {}, KILL }, { X32, "getpid", {}, KILL }, { X64, "getpid", {}, ALLOW } } },
        { "x86 added", { "SystemCallFilter=~uname", "SystemCallErrorNumber=EPERM", "SystemCallArchitectures=x86" },
          { { I386, "getpid", {}, ALLOW }, { I386, "uname", {}, ERR(EPERM) }, { X32, "getpid", {}, KILL },
            { X64, "uname", {}, ERR(EPERM) } } },
        { "x32 added", { "SystemCallFilter=~uname", "SystemCallErrorNumber=EPERM", "SystemCallArchitectures=native x32" },
          { { X32, "getpid", {}, ALLOW }, { X32, "uname", {}, ERR(EPERM) }, { I386, "getpid", {}, KILL } } },
        { "architectures merge and reset", { "SystemCallArchitectures=x86", "SystemCallArchitectures=", "SystemCallArchitectures=x32" },
          { { X32, "getpid", {}, ALLOW }, { I386, "getpid", {}, KILL } } },
        { "i386-only name in deny list", { "SystemCallArchitectures=x86", "SystemCallFilter=~mmap2", "SystemCallErrorNumber=EPERM" },
          { { I386, "mmap2", {}, ERR(EPERM) }, { I386, "mmap", {}, ALLOW }, { X64, "mmap", {}, ALLOW } } },
        { "allow list on x86", { "SystemCallArchitectures=x86", "SystemCallFilter=read exit_group", "SystemCallErrorNumber=EPERM" },
          { { I386, "read", {}, ALLOW }, { I386, "getpid", {}, ERR(EPERM) }, { X64, "read", {}, ALLOW } } },
        /* RestrictAddressFamilies= */
        { "address families, allow list", { "RestrictAddressFamilies=AF_UNIX" },
          { { X64, "socket", { AF_UNIX }, ALLOW }, { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { AF_UNSPEC }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_NETLINK }, ERR(EAFNOSUPPORT) },
            { X64, "socketpair", { AF_INET }, ERR(EAFNOSUPPORT) }, { X64, "socketpair", { AF_UNIX, SOCK_DGRAM }, ALLOW } } },
        /* Beyond systemd: socketpair() obeys the family rule as socket() does. */
        { "address families, socketpair without AF_UNIX", { "RestrictAddressFamilies=AF_INET AF_INET6" },
          { { X64, "socketpair", { AF_UNIX, SOCK_DGRAM }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_UNIX, SOCK_DGRAM }, ERR(EAFNOSUPPORT) },
            { X64, "socketpair", { AF_INET, SOCK_STREAM }, ALLOW } } },
        { "address families, socketpair in a deny list", { "RestrictAddressFamilies=~AF_UNIX" },
          { { X64, "socketpair", { AF_UNIX, SOCK_STREAM }, ERR(EAFNOSUPPORT) }, { X64, "socketpair", { 0x100000001ULL }, ERR(EAFNOSUPPORT) },
            { X64, "socketpair", { AF_INET }, ALLOW } } },
        { "address families, none refuses socketpair", { "RestrictAddressFamilies=none" },
          { { X64, "socketpair", { AF_UNIX, SOCK_STREAM }, ERR(EAFNOSUPPORT) } } },
        /* Beyond systemd: (AF_INET, SOCK_PACKET) is an AF_PACKET socket in disguise. */
        { "address families, SOCK_PACKET through AF_INET", { "RestrictAddressFamilies=AF_INET AF_INET6" },
          { { X64, "socket", { AF_INET, SOCK_PACKET, 0x300 }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { AF_INET, SOCK_PACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0x300 }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { AF_INET6, SOCK_PACKET, 0x300 }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { AF_INET, SOCK_DGRAM | SOCK_CLOEXEC }, ALLOW }, { X64, "socket", { AF_INET, SOCK_RAW, 1 }, ALLOW },
            { X64, "socket", { AF_INET6, SOCK_STREAM }, ALLOW }, { X64, "socket", { AF_PACKET, SOCK_RAW }, ERR(EAFNOSUPPORT) } } },
        { "address families, SOCK_PACKET allowed with AF_PACKET", { "RestrictAddressFamilies=AF_INET AF_PACKET" },
          { { X64, "socket", { AF_INET, SOCK_PACKET, 0x300 }, ALLOW }, { X64, "socket", { AF_PACKET, SOCK_RAW }, ALLOW } } },
        { "address families, SOCK_PACKET in a deny list", { "RestrictAddressFamilies=~AF_PACKET" },
          { { X64, "socket", { AF_INET, SOCK_PACKET, 0x300 }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_INET, SOCK_STREAM }, ALLOW },
            { X64, "socket", { AF_PACKET, SOCK_RAW }, ERR(EAFNOSUPPORT) } } },
        { "address families, allow list with a gap", { "RestrictAddressFamilies=AF_UNIX AF_INET6" },
          { { X64, "socket", { AF_UNIX }, ALLOW }, { X64, "socket", { AF_INET6 }, ALLOW },
            { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_PACKET }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { 0x100000001ULL }, ERR(EAFNOSUPPORT) } } },
        { "address families, deny list", { "RestrictAddressFamilies=~AF_INET AF_INET6" },
          { { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_INET6 }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { 0x100000002ULL }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_UNIX }, ALLOW },
            { X64, "io_uring_setup", {}, ERR(ENOSYS) }, { X64, "io_uring_enter", {}, ALLOW } } },
        { "address families, none", { "RestrictAddressFamilies=none" },
          { { X64, "socket", { AF_UNIX }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) } } },
        { "address families, removing the last allowed", { "RestrictAddressFamilies=AF_INET", "RestrictAddressFamilies=~AF_INET" },
          { { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) }, { X64, "socket", { AF_UNIX }, ERR(EAFNOSUPPORT) } } },
        { "address families, reset", { "RestrictAddressFamilies=AF_INET", "RestrictAddressFamilies=" },
          { { X64, "socket", { AF_UNIX }, ALLOW }, { X64, "io_uring_setup", {}, ALLOW } } },
        { "address families with an allow list", { "SystemCallFilter=socket exit_group", "RestrictAddressFamilies=AF_UNIX" },
          { { X64, "socket", { AF_UNIX }, ALLOW }, { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) }, { X64, "getpid", {}, KILL } } },
        { "an unconditional denial decides", { "SystemCallFilter=~socket:EACCES", "RestrictAddressFamilies=AF_UNIX" },
          { { X64, "socket", { AF_UNIX }, ERR(EACCES) }, { X64, "socket", { AF_INET }, ERR(EACCES) } } },
        { "address families on i386: socketcall() is refused whole", { "RestrictAddressFamilies=AF_UNIX", "SystemCallArchitectures=x86" },
          { { I386, NULL, { AF_UNIX }, ALLOW, .nr = 359 /* socket */ }, { I386, NULL, { AF_INET }, ERR(EAFNOSUPPORT), .nr = 359 },
            { I386, "socketcall", { 1 /* SYS_SOCKET */ }, ERR(EAFNOSUPPORT) }, { I386, "socketcall", { 3 /* SYS_CONNECT */ }, ALLOW },
            { I386, NULL, { AF_UNIX }, ALLOW, .nr = 360 /* socketpair */ }, { I386, NULL, { AF_INET }, ERR(EAFNOSUPPORT), .nr = 360 },
            { I386, "socketcall", { 8 /* SYS_SOCKETPAIR */ }, ERR(EAFNOSUPPORT) },
            { X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) } } },
        /* RestrictNamespaces= */
        { "namespaces, yes", { "RestrictNamespaces=yes" },
          { { X64, "unshare", { CLONE_NEWNET }, ERR(EPERM) }, { X64, "unshare", { CLONE_FILES }, ALLOW },
            { X64, "clone", { CLONE_NEWUSER | SIGCHLD }, ERR(EPERM) }, { X64, "clone", { SIGCHLD }, ALLOW },
            { X64, "setns", { 3, 0 }, ERR(EPERM) }, { X64, "setns", { 3, CLONE_NEWNET }, ERR(EPERM) },
            { X64, "clone3", {}, ERR(ENOSYS) }, { X64, "unshare", { CLONE_NEWTIME }, ERR(EPERM) } } },
        { "namespaces, keep net", { "RestrictNamespaces=net" },
          { { X64, "unshare", { CLONE_NEWNET }, ALLOW }, { X64, "unshare", { CLONE_NEWUSER }, ERR(EPERM) },
            { X64, "unshare", { CLONE_NEWNET | CLONE_NEWNS }, ERR(EPERM) }, { X64, "setns", { 3, CLONE_NEWNET }, ALLOW },
            { X64, "setns", { 3, 0 }, ERR(EPERM) }, { X64, "setns", { 3, CLONE_NEWPID }, ERR(EPERM) },
            { X64, "unshare", { CLONE_NEWTIME }, ERR(EPERM) } } },
        { "namespaces, inverted", { "RestrictNamespaces=~user" },
          { { X64, "unshare", { CLONE_NEWUSER }, ERR(EPERM) }, { X64, "unshare", { CLONE_NEWNET }, ALLOW },
            { X64, "unshare", { CLONE_NEWTIME }, ERR(EPERM) }, { X64, "clone3", {}, ERR(ENOSYS) } } },
        { "namespaces, time kept", { "RestrictNamespaces=time" },
          { { X64, "unshare", { CLONE_NEWTIME }, ALLOW }, { X64, "unshare", { CLONE_NEWNET }, ERR(EPERM) } } },
        { "namespaces, lines merge", { "RestrictNamespaces=net", "RestrictNamespaces=ipc", "RestrictNamespaces=~net" },
          { { X64, "unshare", { CLONE_NEWIPC }, ALLOW }, { X64, "unshare", { CLONE_NEWNET }, ERR(EPERM) } } },
        { "namespaces, no", { "RestrictNamespaces=no" },
          { { X64, "unshare", { CLONE_NEWUSER }, ALLOW }, { X64, "clone3", {}, ALLOW } } },
        /* The booleans. */
        { "LockPersonality", { "LockPersonality=yes" },
          { { X64, "personality", { PER_LINUX }, ALLOW }, { X64, "personality", { PER_LINUX32 }, ERR(EPERM) },
            { X64, "personality", { 0xffffffff }, ERR(EPERM) } } },
        { "MemoryDenyWriteExecute", { "MemoryDenyWriteExecute=true" },
          { { X64, "mmap", { 0, 4096, PROT_READ | PROT_WRITE }, ALLOW },
            { X64, "mmap", { 0, 4096, PROT_WRITE | PROT_EXEC }, ERR(EPERM) },
            { X64, "mmap", { 0, 4096, PROT_READ | PROT_EXEC }, ALLOW },
            { X64, "mprotect", { 0, 4096, PROT_READ | PROT_EXEC }, ERR(EPERM) },
            { X64, "mprotect", { 0, 4096, PROT_READ }, ALLOW },
            { X64, "pkey_mprotect", { 0, 4096, PROT_EXEC, 0 }, ERR(EPERM) },
            { X64, "shmat", { 1, 0, SHM_EXEC }, ERR(EPERM) }, { X64, "shmat", { 1, 0, SHM_RDONLY }, ALLOW },
            { X64, "personality", { READ_IMPLIES_EXEC }, ERR(EPERM) },
            { X64, "personality", { PER_LINUX32 | READ_IMPLIES_EXEC }, ERR(EPERM) },
            { X64, "personality", { PER_LINUX32 }, ALLOW } } },
        { "MemoryDenyWriteExecute on i386", { "MemoryDenyWriteExecute=yes", "SystemCallArchitectures=x86" },
          { { I386, "mmap", {}, ERR(EPERM) }, { I386, "mmap2", { 0, 4096, PROT_WRITE | PROT_EXEC }, ERR(EPERM) },
            { I386, "mmap2", { 0, 4096, PROT_READ }, ALLOW }, { I386, "mprotect", { 0, 1, PROT_EXEC }, ERR(EPERM) } } },
        { "RestrictRealtime", { "RestrictRealtime=on" },
          { { X64, "sched_setscheduler", { 0, SCHED_FIFO }, ERR(EPERM) }, { X64, "sched_setscheduler", { 0, SCHED_RR }, ERR(EPERM) },
            { X64, "sched_setscheduler", { 0, SCHED_OTHER }, ALLOW }, { X64, "sched_setscheduler", { 0, SCHED_BATCH }, ALLOW },
            { X64, "sched_setscheduler", { 0, SCHED_IDLE }, ALLOW }, { X64, "sched_setscheduler", { 0, SCHED_DEADLINE }, ERR(EPERM) },
            { X64, "sched_setscheduler", { 0, SCHED_OTHER | SCHED_RESET_ON_FORK }, ERR(EPERM) },
            { X64, "sched_setattr", {}, ERR(EPERM) }, { X64, "sched_getattr", {}, ALLOW } } },
        { "RestrictSUIDSGID", { "RestrictSUIDSGID=1" },
          { { X64, "chmod", { 0, 04755 }, ERR(EPERM) }, { X64, "chmod", { 0, 0755 }, ALLOW },
            { X64, "fchmod", { 3, 02755 }, ERR(EPERM) }, { X64, "fchmodat", { 3, 0, 06755 }, ERR(EPERM) },
            { X64, "mkdir", { 0, 02775 }, ERR(EPERM) }, { X64, "mkdirat", { 3, 0, 0775 }, ALLOW },
            { X64, "mknodat", { 3, 0, 04644 }, ERR(EPERM) }, { X64, "creat", { 0, 04755 }, ERR(EPERM) },
            { X64, "open", { 0, O_CREAT | O_WRONLY, 06644 }, ERR(EPERM) }, { X64, "open", { 0, O_RDONLY, 04644 }, ALLOW },
            { X64, "openat", { 3, 0, O_CREAT | O_RDWR, 04644 }, ERR(EPERM) }, { X64, "openat", { 3, 0, O_CREAT, 0644 }, ALLOW },
            { X64, "openat2", {}, ERR(ENOSYS) }, { X64, "fchmodat2", { 3, 0, 04755, 0 }, ERR(EPERM) },
            { X64, "io_uring_setup", {}, ERR(ENOSYS) },
            { X64, "openat", { 3, 0, O_TMPFILE | O_RDWR, 04644 }, ERR(EPERM) },
            { X64, "open", { 0, O_TMPFILE | O_RDWR, 0644 }, ALLOW } } },
        { "ProtectClock", { "ProtectClock=yes" },
          { { X64, "clock_settime", {}, ERR(EPERM) }, { X64, "settimeofday", {}, ERR(EPERM) }, { X64, "adjtimex", {}, ERR(EPERM) },
            { X64, "clock_adjtime", {}, ERR(EPERM) }, { X64, "clock_gettime", {}, ALLOW } } },
        { "ProtectKernelModules", { "ProtectKernelModules=yes" },
          { { X64, "init_module", {}, ERR(EPERM) }, { X64, "finit_module", {}, ERR(EPERM) }, { X64, "delete_module", {}, ERR(EPERM) },
            { X64, "read", {}, ALLOW } } },
        { "ProtectKernelLogs", { "ProtectKernelLogs=yes" }, { { X64, "syslog", {}, ERR(EPERM) }, { X64, "read", {}, ALLOW } } },
        { "ProtectKernelTunables", { "ProtectKernelTunables=yes" }, { { X64, "_sysctl", {}, ERR(EPERM) }, { X64, "read", {}, ALLOW } } },
        { "ProtectHostname", { "ProtectHostname=yes" },
          { { X64, "sethostname", {}, ERR(EPERM) }, { X64, "setdomainname", {}, ERR(EPERM) }, { X64, "uname", {}, ALLOW } } },
        { "ProtectHostname=private has no filter", { "ProtectHostname=private" }, { { X64, "sethostname", {}, ALLOW } } },
        { "booleans: later wins, empty resets", { "ProtectClock=yes", "ProtectClock=", "ProtectKernelLogs=yes", "ProtectKernelLogs=off" },
          { { X64, "clock_settime", {}, ALLOW }, { X64, "syslog", {}, ALLOW } } },
        { "PrivateDevices", { "PrivateDevices=yes" },
          { { X64, "iopl", {}, ERR(EPERM) }, { X64, "ioperm", {}, ERR(EPERM) }, { X64, "read", {}, ALLOW } } },
        /* SystemCallLog= */
        { "log listed", { "SystemCallLog=uname" }, { { X64, "uname", {}, LOGGED }, { X64, "getpid", {}, ALLOW } } },
        { "log all but listed", { "SystemCallLog=~uname" },
          { { X64, "uname", {}, ALLOW }, { X64, "getpid", {}, LOGGED }, { X64, NULL, {}, LOGGED, .nr = 1000 } } },
        { "log does not weaken a denial", { "SystemCallLog=uname getpid", "SystemCallFilter=~uname" },
          { { X64, "uname", {}, KILL }, { X64, "getpid", {}, LOGGED } } },
        { "log inside an allow list", { "SystemCallFilter=read getpid", "SystemCallLog=~read" },
          { { X64, "read", {}, ALLOW }, { X64, "getpid", {}, LOGGED }, { X64, "uname", {}, KILL },
            { X64, NULL, {}, ERR(ENOSYS), .nr = 1000 } } },
        /* Combining directives: the most severe wins; between errnos SystemCallFilter=. */
        { "filter errno beats ProtectClock's", { "SystemCallFilter=~settimeofday:EBUSY", "ProtectClock=yes" },
          { { X64, "settimeofday", {}, ERR(EBUSY) }, { X64, "clock_settime", {}, ERR(EPERM) } } },
        { "ProtectClock inside an allow list", { "SystemCallFilter=clock_settime clock_gettime", "ProtectClock=yes" },
          { { X64, "clock_settime", {}, ERR(EPERM) }, { X64, "clock_gettime", {}, ALLOW } } },
        { "kill beats ProtectClock", { "SystemCallFilter=~@clock", "ProtectClock=yes" },
          { { X64, "clock_settime", {}, KILL } } },
};

static void check_case(const Case *c) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        DiagList diags = {};
        char want[32], got[32];

        if (test_build(c->lines, &diags, &p) < 0) {
                for (size_t i = 0; i < diags.n; i++)
                        diag_print(&diags.items[i], stderr);
                fail_msg("case \"%s\": build failed", c->name);
        }
        assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 0);
        assert_int_equal(filter_compile(p, &s), 0);
        for (size_t i = 0; i < ELEMENTSOF(c->expect) && c->expect[i].arch; i++) {
                const Expect *e = &c->expect[i];
                uint32_t r;
                if (e->syscall)
                        r = test_eval(s, e->arch, e->syscall, e->args);
                else {
                        struct seccomp_data d = { .nr = e->nr, .arch = arch_to_audit(e->arch) };
                        memcpy(d.args, e->args, sizeof d.args);
                        assert_int_equal(bpf_eval_stack(s->progs, s->n, &d, &r), 0);
                }
                if (r != e->ret)
                        fail_msg("case \"%s\": %s %s(0x%llx, 0x%llx, 0x%llx, 0x%llx): expected %s, got %s",
                                 c->name, arch_to_name(e->arch), e->syscall ?: "(nr)",
                                 (unsigned long long) e->args[0], (unsigned long long) e->args[1],
                                 (unsigned long long) e->args[2], (unsigned long long) e->args[3],
                                 bpf_ret_to_string(e->ret, want, sizeof want),
                                 bpf_ret_to_string(r, got, sizeof got));
        }
        diag_list_done(&diags);
}

static void test_semantics(void **state) {
        if (arch_native() != SCMP_ARCH_X86_64)
                skip();
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                check_case(&cases[i]);
}

/* Bad values: a located error (line, key, message) and no policy. */
typedef struct BadCase {
        const char *lines[4];
        unsigned line;
        const char *key;
        const char *substring;
} BadCase;

static const BadCase bad_cases[] = {
        { { "SystemCallFilter=~nosuchcall" }, 2, "SystemCallFilter", "nosuchcall is not known" },
        { { "SystemCallFilter=~uname", "SystemCallFilter=~nosuchcall:EPERM" }, 3, "SystemCallFilter", "not known" },
        { { "SystemCallFilter=read", "SystemCallFilter=~nosuchcall:EPERM" }, 3, "SystemCallFilter", "not known" },
        { { "SystemCallFilter=~mmap2" }, 2, "SystemCallFilter", "mmap2 is not known" },
        { { "SystemCallFilter=~@nosuchgroup" }, 2, "SystemCallFilter", "Unknown system call group" },
        { { "SystemCallFilter=~uname:EFOO" }, 2, "SystemCallFilter", "Invalid error number" },
        { { "SystemCallFilter=~uname:4096" }, 2, "SystemCallFilter", "Invalid error number" },
        /* libseccomp refuses ERRNO(4095): a located error, not a failed compile later. */
        { { "SystemCallFilter=~uname:4095" }, 2, "SystemCallFilter", "Invalid error number" },
        { { "SystemCallErrorNumber=4095" }, 2, "SystemCallErrorNumber", "out of range 1..4094" },
        { { "SystemCallFilter=~:EPERM" }, 2, "SystemCallFilter", "Empty system call name" },
        { { "SystemCallErrorNumber=0" }, 2, "SystemCallErrorNumber", "out of range" },
        { { "SystemCallErrorNumber=EFOO" }, 2, "SystemCallErrorNumber", "Unknown error number" },
        { { "SystemCallErrorNumber=log" }, 2, "SystemCallErrorNumber", "SystemCallLog=" },
        { { "RestrictAddressFamilies=~AF_FOO" }, 2, "RestrictAddressFamilies", "Unknown address family" },
        { { "RestrictNamespaces=net bogus" }, 2, "RestrictNamespaces", "Unknown namespace type" },
        { { "LockPersonality=maybe" }, 2, "LockPersonality", "Invalid boolean" },
        { { "ProtectHostname=perhaps" }, 2, "ProtectHostname", "Invalid boolean" },
};

static void test_errors(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++) {
                const BadCase *c = &bad_cases[i];
                _cleanup_(policy_freep) Policy *p = NULL;
                DiagList diags = {};
                bool found = false;

                assert_int_equal(test_build(c->lines, &diags, &p), -EINVAL);
                assert_null(p);
                for (size_t j = 0; j < diags.n; j++) {
                        const Diag *d = &diags.items[j];
                        if (d->level == DIAG_ERROR && d->line == c->line && streq(d->file, TEST_UNIT_FILE) &&
                            streq(d->key, c->key) && strstr(d->message, c->substring))
                                found = true;
                }
                if (!found) {
                        for (size_t j = 0; j < diags.n; j++)
                                diag_print(&diags.items[j], stderr);
                        fail_msg("bad case %zu (%s): expected error not found", i, c->lines[0]);
                }
                diag_list_done(&diags);
        }
}

/* Ignorable problems: a warning, and the policy still builds. */
static void test_warnings(void **state) {
        static const struct {
                const char *line;
                const char *substring;
        } warn_cases[] = {
                { "SystemCallFilter=read nosuchcall", "nosuchcall is not known" },
                { "SystemCallFilter=read uname:EPERM", "cannot take an error number" },
                { "SystemCallFilter=@nosuchgroup", "Unknown system call group" },
                { "SystemCallArchitectures=vax", "Unknown architecture" },
                { "SystemCallArchitectures=arm64", "cannot run on this machine" },
                { "RestrictAddressFamilies=AF_UNIX AF_FOO", "Unknown address family" },
                { "SystemCallLog=nosuchcall", "not known" },
                { "SystemCallLog=uname:EPERM", "not known" },
        };

        for (size_t i = 0; i < ELEMENTSOF(warn_cases); i++) {
                const char *lines[] = { warn_cases[i].line, NULL };
                _cleanup_(policy_freep) Policy *p = NULL;
                DiagList diags = {};
                bool found = false;

                if (strstr(warn_cases[i].line, "arm64") && arch_native() != SCMP_ARCH_X86_64)
                        continue;
                assert_int_equal(test_build(lines, &diags, &p), 0);
                assert_non_null(p);
                assert_int_equal(diag_list_count(&diags, DIAG_ERROR), 0);
                for (size_t j = 0; j < diags.n; j++)
                        if (diags.items[j].level == DIAG_WARNING && diags.items[j].line == 2 &&
                            strstr(diags.items[j].message, warn_cases[i].substring))
                                found = true;
                if (!found)
                        fail_msg("warning case \"%s\": expected warning not found", warn_cases[i].line);
                diag_list_done(&diags);
        }
}

/* Only [Service] counts, and unrelated keys are left alone. */
static void test_sections(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        UnitFile *u = test_unit_from_lines(NULL);
        PolicyAction a;

        test_unit_add(u, "Unit", "SystemCallFilter", "~uname", "x.service", 1);
        test_unit_add(u, "Service", "ExecStart", "/bin/true", "x.service", 2);
        test_unit_add(u, "Service", "SystemCallFilter", "~getpid", "x.service", 3);
        assert_int_equal(policy_build(u, NULL, &p), 0);
        policy_effective_action(p, "uname", &a, NULL);
        assert_int_equal(a.type, POLICY_ACTION_ALLOW);
        policy_effective_action(p, "getpid", &a, NULL);
        assert_int_equal(a.type, POLICY_ACTION_KILL);
        assert_true(policy_is_directive("RestrictSUIDSGID"));
        assert_false(policy_is_directive("ExecStart"));
        test_unit_free(u);
}

/* Transient properties use the same entry point as unit lines. */
static void test_apply(void **state) {
        _cleanup_(policy_builder_freep) PolicyBuilder *b = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        PolicyAction a;
        PolicyOrigin o;

        assert_int_equal(policy_builder_new(&b), 0);
        assert_int_equal(policy_apply(b, "SystemCallFilter", "~uname:ENETDOWN", "(command line)", 1, NULL), 0);
        assert_int_equal(policy_apply(b, "ExecStart", "/bin/true", NULL, 0, NULL), -EOPNOTSUPP);
        assert_int_equal(policy_apply(b, "LockPersonality", "sure", NULL, 0, NULL), -EINVAL);
        assert_int_equal(policy_builder_finish(b, NULL, &p), -EINVAL); /* the bad value counts */

        policy_builder_free(b);
        assert_int_equal(policy_builder_new(&b), 0);
        assert_int_equal(policy_apply(b, "SystemCallFilter", "~uname:ENETDOWN", "(command line)", 1, NULL), 0);
        assert_int_equal(policy_builder_finish(b, NULL, &p), 0);
        policy_effective_action(p, "uname", &a, &o);
        assert_int_equal(a.type, POLICY_ACTION_ERRNO);
        assert_int_equal(a.errno_value, ENETDOWN);
        assert_int_equal(o.directive, POLICY_DIRECTIVE_SYSTEM_CALL_FILTER);
        assert_string_equal(o.file, "(command line)");
        assert_int_equal(policy_builder_finish(b, NULL, &p), -ESTALE);

        /* Transient: an errno on an allow-list entry is refused, not skipped. */
        policy_builder_free(b);
        assert_int_equal(policy_builder_new(&b), 0);
        policy_builder_set_transient(b, true);
        assert_int_equal(policy_apply(b, "SystemCallFilter", "read uname:EPERM", NULL, 0, NULL), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_semantics),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_warnings),
                cmocka_unit_test(test_sections),
                cmocka_unit_test(test_apply),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
