/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The named syscall groups, as data. Names and nesting follow systemd's groups so that unit files
 * mean the same thing here; every group is a superset of what systemd 252 puts in it, plus calls
 * added to the kernel later that belong to the group by meaning (futex_wait, statmount, ...).
 * Members are sorted with strcmp() and unique, so nested "@groups" come first. Names that the
 * libseccomp in use does not know stay in the table; resolving them is the caller's business.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "syscall-groups.h"

/*
 * Beyond systemd 252 (each a newer kernel call, placed by what it does):
 *   @default         futex_wait, futex_wake, futex_requeue (futex2), map_shadow_stack and mseal
 *                    (the C library may call them at start-up), get_tls (ARM's read of the TLS
 *                    pointer, beside set_tls).
 *   @file-system     statmount, listmount (read-only mount queries, like statfs), the *xattrat
 *                    family, file_getattr, file_setattr.
 *   @mount           open_tree_attr.
 *   @process         process_mrelease.
 *   @sync            arm_sync_file_range (ARM's name for sync_file_range2).
 *   @sandbox         new group: seccomp and Landlock, which only ever take rights away; nested
 *                    in @system-service for that reason.
 *   @system-service  @sandbox, cachestat and mincore (page cache queries, like readahead).
 *   @known           all of the above, and every member of any group.
 */
static const char *const group_default[] = {
        "arch_prctl", "brk", "cacheflush", "clock_getres", "clock_getres_time64", "clock_gettime",
        "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "execve", "exit",
        "exit_group", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
        "futex_wake", "get_robust_list", "get_thread_area", "get_tls", "getegid", "getegid32",
        "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getpgid",
        "getpgrp", "getpid", "getppid", "getrandom", "getresgid", "getresgid32", "getresuid",
        "getresuid32", "getrlimit", "getsid", "gettid", "gettimeofday", "getuid", "getuid32",
        "map_shadow_stack", "membarrier", "mmap", "mmap2", "mprotect", "mseal", "munmap",
        "nanosleep", "pause", "prlimit64", "restart_syscall", "riscv_flush_icache", "riscv_hwprobe",
        "rseq", "rt_sigreturn", "sched_getaffinity", "sched_yield", "set_robust_list",
        "set_thread_area", "set_tid_address", "set_tls", "sigreturn", "time", "ugetrlimit",
        "uretprobe",
        NULL,
};

static const char *const group_aio[] = {
        "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
        "io_setup", "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup",
        NULL,
};

static const char *const group_basic_io[] = {
        "_llseek", "close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64", "preadv",
        "preadv2", "pwrite64", "pwritev", "pwritev2", "read", "readv", "write", "writev",
        NULL,
};

static const char *const group_chown[] = {
        "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32",
        NULL,
};

static const char *const group_clock[] = {
        "adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64",
        "settimeofday",
        NULL,
};

static const char *const group_cpu_emulation[] = {
        "modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old",
        NULL,
};

static const char *const group_debug[] = {
        "lookup_dcookie", "perf_event_open", "pidfd_getfd", "ptrace", "rtas", "s390_runtime_instr",
        "sys_debug_setcontext",
        NULL,
};

static const char *const group_file_system[] = {
        "access", "chdir", "chmod", "close", "creat", "faccessat", "faccessat2", "fallocate",
        "fchdir", "fchmod", "fchmodat", "fchmodat2", "fcntl", "fcntl64", "fgetxattr",
        "file_getattr", "file_setattr", "flistxattr", "fremovexattr", "fsetxattr", "fstat",
        "fstat64", "fstatat64", "fstatfs", "fstatfs64", "ftruncate", "ftruncate64", "futimesat",
        "getcwd", "getdents", "getdents64", "getxattr", "getxattrat", "inotify_add_watch",
        "inotify_init", "inotify_init1", "inotify_rm_watch", "lgetxattr", "link", "linkat",
        "listmount", "listxattr", "listxattrat", "llistxattr", "lremovexattr", "lsetxattr", "lstat",
        "lstat64", "mkdir", "mkdirat", "mknod", "mknodat", "newfstatat", "oldfstat", "oldlstat",
        "oldstat", "open", "openat", "openat2", "readlink", "readlinkat", "removexattr",
        "removexattrat", "rename", "renameat", "renameat2", "rmdir", "setxattr", "setxattrat",
        "stat", "stat64", "statfs", "statfs64", "statmount", "statx", "symlink", "symlinkat",
        "truncate", "truncate64", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64",
        "utimes",
        NULL,
};

static const char *const group_io_event[] = {
        "_newselect", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
        "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "poll", "ppoll",
        "ppoll_time64", "pselect6", "pselect6_time64", "select",
        NULL,
};

static const char *const group_ipc[] = {
        "ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
        "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "msgctl",
        "msgget", "msgrcv", "msgsnd", "pipe", "pipe2", "process_madvise", "process_vm_readv",
        "process_vm_writev", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64",
        "shmat", "shmctl", "shmdt", "shmget",
        NULL,
};

static const char *const group_keyring[] = {
        "add_key", "keyctl", "request_key",
        NULL,
};

static const char *const group_memlock[] = {
        "mlock", "mlock2", "mlockall", "munlock", "munlockall",
        NULL,
};

static const char *const group_module[] = {
        "delete_module", "finit_module", "init_module",
        NULL,
};

static const char *const group_mount[] = {
        "chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount",
        "open_tree", "open_tree_attr", "pivot_root", "umount", "umount2",
        NULL,
};

static const char *const group_network_io[] = {
        "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
        "listen", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg",
        "sendmsg", "sendto", "setsockopt", "shutdown", "socket", "socketcall", "socketpair",
        NULL,
};

static const char *const group_obsolete[] = {
        "_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime", "get_kernel_syms",
        "getpmsg", "gtty", "idle", "lock", "mpx", "prof", "profil", "putpmsg", "query_module",
        "security", "sgetmask", "ssetmask", "stime", "stty", "sysfs", "tuxcall", "ulimit", "uselib",
        "ustat", "vserver",
        NULL,
};

static const char *const group_pkey[] = {
        "pkey_alloc", "pkey_free", "pkey_mprotect",
        NULL,
};

static const char *const group_privileged[] = {
        "@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "_sysctl", "acct", "bpf",
        "capset", "chroot", "fanotify_init", "fanotify_mark", "nfsservctl", "open_by_handle_at",
        "pivot_root", "quotactl", "quotactl_fd", "setdomainname", "setfsuid", "setfsuid32",
        "setgroups", "setgroups32", "sethostname", "setresuid", "setresuid32", "setreuid",
        "setreuid32", "setuid", "setuid32", "vhangup",
        NULL,
};

static const char *const group_process[] = {
        "capget", "clone", "clone3", "execveat", "fork", "getrusage", "kill", "pidfd_open",
        "pidfd_send_signal", "prctl", "process_mrelease", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
        "setns", "swapcontext", "tgkill", "times", "tkill", "unshare", "vfork", "wait4", "waitid",
        "waitpid",
        NULL,
};

static const char *const group_raw_io[] = {
        "ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
        "s390_pci_mmio_read", "s390_pci_mmio_write",
        NULL,
};

static const char *const group_reboot[] = {
        "kexec_file_load", "kexec_load", "reboot",
        NULL,
};

static const char *const group_resources[] = {
        "ioprio_set", "mbind", "migrate_pages", "move_pages", "nice", "sched_setaffinity",
        "sched_setattr", "sched_setparam", "sched_setscheduler", "set_mempolicy",
        "set_mempolicy_home_node", "setpriority", "setrlimit",
        NULL,
};

static const char *const group_sandbox[] = {
        "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "seccomp",
        NULL,
};

static const char *const group_setuid[] = {
        "setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32", "setresgid",
        "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32",
        NULL,
};

static const char *const group_signal[] = {
        "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigsuspend", "rt_sigtimedwait",
        "rt_sigtimedwait_time64", "sigaction", "sigaltstack", "signal", "signalfd", "signalfd4",
        "sigpending", "sigprocmask", "sigsuspend",
        NULL,
};

static const char *const group_swap[] = {
        "swapoff", "swapon",
        NULL,
};

static const char *const group_sync[] = {
        "arm_sync_file_range", "fdatasync", "fsync", "msync", "sync", "sync_file_range",
        "sync_file_range2", "syncfs",
        NULL,
};

static const char *const group_system_service[] = {
        "@aio", "@basic-io", "@chown", "@default", "@file-system", "@io-event", "@ipc", "@keyring",
        "@memlock", "@network-io", "@process", "@resources", "@sandbox", "@setuid", "@signal",
        "@sync", "@timer", "arm_fadvise64_64", "cachestat", "capget", "capset", "copy_file_range",
        "fadvise64", "fadvise64_64", "flock", "get_mempolicy", "getcpu", "getpriority", "ioctl",
        "ioprio_get", "kcmp", "madvise", "mincore", "mremap", "name_to_handle_at", "oldolduname",
        "olduname", "personality", "readahead", "readdir", "remap_file_pages",
        "sched_get_priority_max", "sched_get_priority_min", "sched_getattr", "sched_getparam",
        "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
        "sched_yield", "sendfile", "sendfile64", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
        "setpgid", "setsid", "splice", "sysinfo", "tee", "umask", "uname", "userfaultfd",
        "vmsplice",
        NULL,
};

static const char *const group_timer[] = {
        "alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
        "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
        "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
        NULL,
};

static const char *const group_known[] = {
        "@obsolete", "_llseek", "_newselect", "accept", "accept4", "access", "acct", "add_key",
        "adjtimex", "alarm", "arc_gettls", "arc_settls", "arc_usr_cmpxchg", "arch_prctl",
        "arm_fadvise64_64", "arm_sync_file_range", "atomic_barrier", "atomic_cmpxchg_32", "bind",
        "bpf", "brk", "cachectl", "cacheflush", "cachestat", "capget", "capset", "chdir", "chmod",
        "chown", "chown32", "chroot", "clock_adjtime", "clock_adjtime64", "clock_getres",
        "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
        "clock_nanosleep_time64", "clock_settime", "clock_settime64", "clone", "clone3", "close",
        "close_range", "connect", "copy_file_range", "creat", "delete_module", "dipc", "dup",
        "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old",
        "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
        "exec_with_loader", "execv", "execve", "execveat", "exit", "exit_group", "faccessat",
        "faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_init", "fanotify_mark",
        "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
        "fcntl64", "fdatasync", "fgetxattr", "file_getattr", "file_setattr", "finit_module",
        "flistxattr", "flock", "fork", "fremovexattr", "fsconfig", "fsetxattr", "fsmount", "fsopen",
        "fspick", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
        "futex_wake", "futimesat", "get_mempolicy", "get_robust_list", "get_thread_area", "get_tls",
        "getcpu", "getcwd", "getdents", "getdents64", "getdomainname", "getdtablesize", "getegid",
        "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
        "gethostname", "getitimer", "getpagesize", "getpeername", "getpgid", "getpgrp", "getpid",
        "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid",
        "getresuid32", "getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid",
        "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat", "getxgid", "getxpid",
        "getxuid", "init_module", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
        "io_pgetevents_time64", "io_setup", "io_submit", "io_uring_enter", "io_uring_register",
        "io_uring_setup", "ioctl", "ioperm", "iopl", "ioprio_get", "ioprio_set", "ipc", "kcmp",
        "kern_features", "kexec_file_load", "kexec_load", "keyctl", "kill", "landlock_add_rule",
        "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
        "link", "linkat", "listen", "listmount", "listxattr", "listxattrat", "llistxattr",
        "lookup_dcookie", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
        "map_shadow_stack", "mbind", "membarrier", "memfd_create", "memfd_secret",
        "memory_ordering", "migrate_pages", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
        "mlock", "mlock2", "mlockall", "mmap", "mmap2", "modify_ldt", "mount", "mount_setattr",
        "move_mount", "move_pages", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
        "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync",
        "multiplexer", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
        "newfstatat", "nfsservctl", "nice", "old_adjtimex", "oldfstat", "oldlstat", "oldolduname",
        "oldstat", "oldumount", "olduname", "open", "open_by_handle_at", "open_tree",
        "open_tree_attr", "openat", "openat2", "or1k_atomic", "osf_fstat", "osf_fstatfs",
        "osf_fstatfs64", "osf_getdirentries", "osf_getdomainname", "osf_getitimer", "osf_getrusage",
        "osf_getsysinfo", "osf_gettimeofday", "osf_lstat", "osf_mount", "osf_proplist_syscall",
        "osf_select", "osf_set_program_attributes", "osf_setitimer", "osf_setsysinfo",
        "osf_settimeofday", "osf_shmat", "osf_sigprocmask", "osf_sigstack", "osf_stat",
        "osf_statfs", "osf_statfs64", "osf_swapon", "osf_syscall", "osf_sysinfo",
        "osf_usleep_thread", "osf_utimes", "osf_utsname", "osf_wait4", "pause", "pciconfig_iobase",
        "pciconfig_read", "pciconfig_write", "perf_event_open", "perfctr", "personality",
        "pidfd_getfd", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pivot_root",
        "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
        "pread64", "preadv", "preadv2", "prlimit64", "process_madvise", "process_mrelease",
        "process_vm_readv", "process_vm_writev", "pselect6", "pselect6_time64", "ptrace",
        "pwrite64", "pwritev", "pwritev2", "quotactl", "quotactl_fd", "read", "readahead",
        "readdir", "readlink", "readlinkat", "readv", "reboot", "recv", "recvfrom", "recvmmsg",
        "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "removexattrat", "rename",
        "renameat", "renameat2", "request_key", "restart_syscall", "riscv_flush_icache",
        "riscv_hwprobe", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
        "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
        "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "rtas", "s390_guarded_storage",
        "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr", "s390_sthyi",
        "sched_get_affinity", "sched_get_priority_max", "sched_get_priority_min",
        "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_getscheduler",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_set_affinity",
        "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield",
        "seccomp", "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send",
        "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "set_mempolicy",
        "set_mempolicy_home_node", "set_robust_list", "set_thread_area", "set_tid_address",
        "set_tls", "setdomainname", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid",
        "setgid32", "setgroups", "setgroups32", "sethae", "sethostname", "setitimer", "setns",
        "setpgid", "setpgrp", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
        "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt",
        "settimeofday", "setuid", "setuid32", "setxattr", "setxattrat", "sgetmask", "shmat",
        "shmctl", "shmdt", "shmget", "shutdown", "sigaction", "sigaltstack", "signal", "signalfd",
        "signalfd4", "sigpending", "sigprocmask", "sigreturn", "sigsuspend", "socket", "socketcall",
        "socketpair", "splice", "spu_create", "spu_run", "ssetmask", "stat", "stat64", "statfs",
        "statfs64", "statmount", "statx", "stime", "subpage_prot", "swapcontext", "swapoff",
        "swapon", "switch_endian", "symlink", "symlinkat", "sync", "sync_file_range",
        "sync_file_range2", "syncfs", "sys_debug_setcontext", "syscall", "sysfs", "sysinfo",
        "syslog", "sysmips", "tee", "tgkill", "time", "timer_create", "timer_delete",
        "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
        "timerfd", "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
        "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask",
        "umount", "umount2", "uname", "unlink", "unlinkat", "unshare", "uretprobe", "userfaultfd",
        "ustat", "utime", "utimensat", "utimensat_time64", "utimes", "utrap_install", "vfork",
        "vhangup", "vm86", "vm86old", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
        NULL,
};

const SyscallGroup syscall_groups[] = {
        {
                .name = "@default",
                .help = "Calls nearly every program makes: identity, clocks, memory maps, futexes",
                .members = group_default,
        },
        {
                .name = "@aio",
                .help = "Kernel asynchronous I/O, including io_uring",
                .members = group_aio,
        },
        {
                .name = "@basic-io",
                .help = "Reading, writing, seeking, duplicating and closing file descriptors",
                .members = group_basic_io,
        },
        {
                .name = "@chown",
                .help = "Changing the owner or group of files",
                .members = group_chown,
        },
        {
                .name = "@clock",
                .help = "Setting or steering the system clock",
                .members = group_clock,
        },
        {
                .name = "@cpu-emulation",
                .help = "Legacy CPU modes and per-process CPU state such as vm86 and LDT edits",
                .members = group_cpu_emulation,
        },
        {
                .name = "@debug",
                .help = "Tracing, profiling and looking into other processes",
                .members = group_debug,
        },
        {
                .name = "@file-system",
                .help = "Opening, inspecting and changing files, directories and their attributes",
                .members = group_file_system,
        },
        {
                .name = "@io-event",
                .help = "Waiting on many descriptors at once: poll, select, epoll, eventfd",
                .members = group_io_event,
        },
        {
                .name = "@ipc",
                .help = "Talking to other processes: pipes, SysV IPC, POSIX queues, shared memory",
                .members = group_ipc,
        },
        {
                .name = "@keyring",
                .help = "Using the kernel key retention service",
                .members = group_keyring,
        },
        {
                .name = "@memlock",
                .help = "Pinning memory so that it is never paged out",
                .members = group_memlock,
        },
        {
                .name = "@module",
                .help = "Inserting and removing kernel modules",
                .members = group_module,
        },
        {
                .name = "@mount",
                .help = "Attaching, detaching and reconfiguring mounts",
                .members = group_mount,
        },
        {
                .name = "@network-io",
                .help = "Creating sockets and sending or receiving data over them",
                .members = group_network_io,
        },
        {
                .name = "@obsolete",
                .help = "Historic, unused or never implemented system calls",
                .members = group_obsolete,
        },
        {
                .name = "@pkey",
                .help = "Memory protection keys",
                .members = group_pkey,
        },
        {
                .name = "@privileged",
                .help = "Operations that need superuser capabilities",
                .members = group_privileged,
        },
        {
                .name = "@process",
                .help = "Creating, signalling, waiting for and namespacing processes",
                .members = group_process,
        },
        {
                .name = "@raw-io",
                .help = "Direct access to I/O ports and PCI configuration space",
                .members = group_raw_io,
        },
        {
                .name = "@reboot",
                .help = "Restarting the machine or loading a new kernel",
                .members = group_reboot,
        },
        {
                .name = "@resources",
                .help = "Changing scheduling, priorities, memory policy and resource limits",
                .members = group_resources,
        },
        {
                .name = "@sandbox",
                .help = "Confining the calling process further with seccomp or Landlock",
                .members = group_sandbox,
        },
        {
                .name = "@setuid",
                .help = "Changing user and group credentials",
                .members = group_setuid,
        },
        {
                .name = "@signal",
                .help = "Installing handlers for, masking and waiting for signals",
                .members = group_signal,
        },
        {
                .name = "@swap",
                .help = "Turning swap areas on and off",
                .members = group_swap,
        },
        {
                .name = "@sync",
                .help = "Flushing file data and memory mappings to storage",
                .members = group_sync,
        },
        {
                .name = "@system-service",
                .help = "A broad base for ordinary system services",
                .members = group_system_service,
        },
        {
                .name = "@timer",
                .help = "Timers, alarms and interval clocks",
                .members = group_timer,
        },
        {
                .name = "@known",
                .help = "Every system call name the groups know, on any architecture",
                .members = group_known,
        },
};
const size_t syscall_groups_count = ELEMENTSOF(syscall_groups);

static const SyscallGroup *group_find_in(const SyscallGroup *table, size_t n_table,
                                         const char *name) {
        if (!name)
                return NULL;
        for (size_t i = 0; i < n_table; i++)
                if (streq(table[i].name, name))
                        return &table[i];
        return NULL;
}

const SyscallGroup *syscall_group_find(const char *name) {
        return group_find_in(syscall_groups, syscall_groups_count, name);
}

static int group_foreach_depth(const SyscallGroup *table, size_t n_table, const SyscallGroup *g,
                               unsigned depth, int (*cb)(const char *syscall, void *userdata),
                               void *userdata) {
        int r;

        /* The table nests one level deep; a much deeper chain can only be a cycle. */
        if (depth >= SYSCALL_GROUP_DEPTH_MAX)
                return -ELOOP;

        for (const char *const *m = g->members; *m; m++) {
                if ((*m)[0] == '@') {
                        const SyscallGroup *sub = group_find_in(table, n_table, *m);
                        if (!sub)
                                return -EINVAL;
                        r = group_foreach_depth(table, n_table, sub, depth + 1, cb, userdata);
                } else
                        r = cb(*m, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

int syscall_group_foreach_in(const SyscallGroup *table, size_t n_table, const SyscallGroup *g,
                             int (*cb)(const char *syscall, void *userdata), void *userdata) {
        if (!table || !g || !g->members || !cb)
                return -EINVAL;
        return group_foreach_depth(table, n_table, g, 0, cb, userdata);
}

int syscall_group_foreach(const SyscallGroup *g, int (*cb)(const char *syscall, void *userdata),
                          void *userdata) {
        return syscall_group_foreach_in(syscall_groups, syscall_groups_count, g, cb, userdata);
}

static void group_dump_one(FILE *f, const SyscallGroup *g) {
        fprintf(f, "%s\n    # %s\n", g->name, g->help);

        /* Nested groups first, then plain names, as systemd-analyze prints them. The table is
         * sorted so this is table order too, but the output must not depend on that. */
        for (const char *const *m = g->members; *m; m++)
                if ((*m)[0] == '@')
                        fprintf(f, "    %s\n", *m);
        for (const char *const *m = g->members; *m; m++)
                if ((*m)[0] != '@')
                        fprintf(f, "    %s\n", *m);
}

int syscall_group_dump(FILE *f, const SyscallGroup *g) {
        if (!f)
                return -EINVAL;

        if (g)
                group_dump_one(f, g);
        else
                for (size_t i = 0; i < syscall_groups_count; i++) {
                        if (i > 0)
                                fputc('\n', f);
                        group_dump_one(f, &syscall_groups[i]);
                }

        return ferror(f) ? -EIO : 0;
}
