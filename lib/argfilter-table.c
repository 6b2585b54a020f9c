/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument names and kernel types of the common system calls, and the named constants argument
 * filters may use. Types follow what the kernel acts on, which is not always the prototype:
 * readv()'s "unsigned long fd" reaches fdget() as an unsigned int (and its iovcnt, like every
 * segment count that goes to import_iovec(), is cut to one too), clone()'s flags are cut to
 * their low 32 bits, ptrace()'s pid to a pid_t, and a umode_t is 16 bits wide. Declaring the
 * narrower type is what keeps upper-bit garbage from passing a test the kernel then ignores.
 * Addresses the kernel never reads through (mmap's addr, shmat's shmaddr) are plain numbers.
 * prctl() and keyctl() name their later arguments "second" to "fifth": their manual pages
 * call them arg2..arg5, which would clash with the positional names (arg1 is the second).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<sys/pidfd.h>)
#include <sys/pidfd.h>
#endif
#if __has_include(<asm/prctl.h>)
#include <asm/prctl.h>
#endif

#include "argfilter-table.h"
#include "macro.h"

/* Sorted by name (strcmp), for bsearch. */
static const ArgFilterSyscall syscall_table[] = {
        { "accept", { "sockfd", "addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "accept4", { "sockfd", "addr", "addrlen", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "access", { "pathname", "mode" }, { ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "arch_prctl", { "code", "addr" }, { ARG_TYPE_INT, ARG_TYPE_ULONG } },
        { "bind", { "sockfd", "addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "bpf", { "cmd", "attr", "size" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "brk", { "addr" }, { ARG_TYPE_ULONG } },
        { "capset", { "hdrp", "datap" }, { ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "chdir", { "path" }, { ARG_TYPE_PTR } },
        { "chmod", { "pathname", "mode" }, { ARG_TYPE_PTR, ARG_TYPE_USHORT } },
        { "chown", { "pathname", "owner", "group" }, { ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "clock_adjtime", { "clockid", "buf" }, { ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "clock_settime", { "clockid", "tp" }, { ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "clone", { "flags", "stack", "parent_tid", "child_tid", "tls" }, { ARG_TYPE_UINT, ARG_TYPE_ULONG, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "clone3", { "cl_args", "size" }, { ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "close", { "fd" }, { ARG_TYPE_UINT } },
        { "close_range", { "first", "last", "flags" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "connect", { "sockfd", "addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "copy_file_range", { "fd_in", "off_in", "fd_out", "off_out", "len", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT } },
        { "creat", { "pathname", "mode" }, { ARG_TYPE_PTR, ARG_TYPE_USHORT } },
        { "delete_module", { "name", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "dup", { "oldfd" }, { ARG_TYPE_UINT } },
        { "dup2", { "oldfd", "newfd" }, { ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "dup3", { "oldfd", "newfd", "flags" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_INT } },
        { "epoll_create1", { "flags" }, { ARG_TYPE_INT } },
        { "epoll_ctl", { "epfd", "op", "fd", "event" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "epoll_wait", { "epfd", "events", "maxevents", "timeout" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "eventfd", { "initval" }, { ARG_TYPE_UINT } },
        { "eventfd2", { "initval", "flags" }, { ARG_TYPE_UINT, ARG_TYPE_INT } },
        { "execve", { "pathname", "argv", "envp" }, { ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "execveat", { "dirfd", "pathname", "argv", "envp", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "exit", { "status" }, { ARG_TYPE_INT } },
        { "exit_group", { "status" }, { ARG_TYPE_INT } },
        { "faccessat", { "dirfd", "pathname", "mode" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "faccessat2", { "dirfd", "pathname", "mode", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "fallocate", { "fd", "mode", "offset", "len" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_LONG, ARG_TYPE_LONG } },
        { "fanotify_init", { "flags", "event_f_flags" }, { ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "fchdir", { "fd" }, { ARG_TYPE_UINT } },
        { "fchmod", { "fd", "mode" }, { ARG_TYPE_UINT, ARG_TYPE_USHORT } },
        { "fchmodat", { "dirfd", "pathname", "mode" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_USHORT } },
        { "fchmodat2", { "dirfd", "pathname", "mode", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_USHORT, ARG_TYPE_UINT } },
        { "fchown", { "fd", "owner", "group" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "fchownat", { "dirfd", "pathname", "owner", "group", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_INT } },
        { "fcntl", { "fd", "cmd", "arg" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_ULONG } },
        { "fdatasync", { "fd" }, { ARG_TYPE_UINT } },
        { "finit_module", { "fd", "param_values", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "flock", { "fd", "operation" }, { ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "fsmount", { "fd", "flags", "attr_flags" }, { ARG_TYPE_INT, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "fsopen", { "fsname", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "fstat", { "fd", "statbuf" }, { ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "fsync", { "fd" }, { ARG_TYPE_UINT } },
        { "ftruncate", { "fd", "length" }, { ARG_TYPE_UINT, ARG_TYPE_LONG } },
        { "futex", { "uaddr", "futex_op", "val", "timeout", "uaddr2", "val3" }, { ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "getdents64", { "fd", "dirp", "count" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "getpeername", { "sockfd", "addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "getpgid", { "pid" }, { ARG_TYPE_INT } },
        { "getpriority", { "which", "who" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "getrandom", { "buf", "buflen", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT } },
        { "getsid", { "pid" }, { ARG_TYPE_INT } },
        { "getsockname", { "sockfd", "addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "getsockopt", { "sockfd", "level", "optname", "optval", "optlen" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "init_module", { "module_image", "len", "param_values" }, { ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_PTR } },
        { "inotify_add_watch", { "fd", "pathname", "mask" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "inotify_init1", { "flags" }, { ARG_TYPE_INT } },
        { "io_uring_enter", { "fd", "to_submit", "min_complete", "flags", "arg", "argsz" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "io_uring_register", { "fd", "opcode", "arg", "nr_args" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "io_uring_setup", { "entries", "params" }, { ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "ioctl", { "fd", "request", "arg" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_ULONG } },
        { "ioperm", { "from", "num", "turn_on" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "iopl", { "level" }, { ARG_TYPE_UINT } },
        { "ioprio_set", { "which", "who", "ioprio" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "kcmp", { "pid1", "pid2", "type", "idx1", "idx2" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "keyctl", { "operation", "second", "third", "fourth", "fifth" }, { ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "kill", { "pid", "sig" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "landlock_create_ruleset", { "attr", "size", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT } },
        { "landlock_restrict_self", { "ruleset_fd", "flags" }, { ARG_TYPE_INT, ARG_TYPE_UINT } },
        { "lchown", { "pathname", "owner", "group" }, { ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "link", { "oldpath", "newpath" }, { ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "linkat", { "olddirfd", "oldpath", "newdirfd", "newpath", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "listen", { "sockfd", "backlog" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "lseek", { "fd", "offset", "whence" }, { ARG_TYPE_UINT, ARG_TYPE_LONG, ARG_TYPE_UINT } },
        { "madvise", { "addr", "length", "advice" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "mbind", { "addr", "len", "mode", "nodemask", "maxnode", "flags" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT } },
        { "membarrier", { "cmd", "flags", "cpu_id" }, { ARG_TYPE_INT, ARG_TYPE_UINT, ARG_TYPE_INT } },
        { "memfd_create", { "name", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "memfd_secret", { "flags" }, { ARG_TYPE_UINT } },
        { "mkdir", { "pathname", "mode" }, { ARG_TYPE_PTR, ARG_TYPE_USHORT } },
        { "mkdirat", { "dirfd", "pathname", "mode" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_USHORT } },
        { "mknod", { "pathname", "mode", "dev" }, { ARG_TYPE_PTR, ARG_TYPE_USHORT, ARG_TYPE_UINT } },
        { "mknodat", { "dirfd", "pathname", "mode", "dev" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_USHORT, ARG_TYPE_UINT } },
        { "mlock", { "addr", "len" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "mlock2", { "addr", "len", "flags" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "mlockall", { "flags" }, { ARG_TYPE_INT } },
        { "mmap", { "addr", "length", "prot", "flags", "fd", "offset" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_UINT, ARG_TYPE_ULONG } },
        { "mount", { "source", "target", "filesystemtype", "mountflags", "data" }, { ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_PTR } },
        { "move_mount", { "from_dirfd", "from_pathname", "to_dirfd", "to_pathname", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "mprotect", { "addr", "len", "prot" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "mremap", { "old_address", "old_size", "new_size", "flags", "new_address" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "msgget", { "key", "msgflg" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "msync", { "addr", "length", "flags" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "munmap", { "addr", "length" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "newfstatat", { "dirfd", "pathname", "statbuf", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "open", { "pathname", "flags", "mode" }, { ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_USHORT } },
        { "open_by_handle_at", { "mount_fd", "handle", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "open_tree", { "dirfd", "pathname", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "openat", { "dirfd", "pathname", "flags", "mode" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_USHORT } },
        { "openat2", { "dirfd", "pathname", "how", "size" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "perf_event_open", { "attr", "pid", "cpu", "group_fd", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_ULONG } },
        { "personality", { "persona" }, { ARG_TYPE_UINT } },
        { "pidfd_getfd", { "pidfd", "targetfd", "flags" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_UINT } },
        { "pidfd_open", { "pid", "flags" }, { ARG_TYPE_INT, ARG_TYPE_UINT } },
        { "pidfd_send_signal", { "pidfd", "sig", "info", "flags" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "pipe2", { "pipefd", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "pkey_alloc", { "flags", "access_rights" }, { ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "pkey_mprotect", { "addr", "len", "prot", "pkey" }, { ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "poll", { "fds", "nfds", "timeout" }, { ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_INT } },
        { "prctl", { "option", "second", "third", "fourth", "fifth" }, { ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "pread64", { "fd", "buf", "count", "offset" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_LONG } },
        { "preadv", { "fd", "iov", "iovcnt", "pos_l", "pos_h" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "preadv2", { "fd", "iov", "iovcnt", "pos_l", "pos_h", "flags" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "prlimit64", { "pid", "resource", "new_limit", "old_limit" }, { ARG_TYPE_INT, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "process_madvise", { "pidfd", "iovec", "vlen", "advice", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_INT, ARG_TYPE_UINT } },
        { "process_vm_readv", { "pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "process_vm_writev", { "pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "ptrace", { "request", "pid", "addr", "data" }, { ARG_TYPE_LONG, ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "pwrite64", { "fd", "buf", "count", "offset" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_LONG } },
        { "pwritev", { "fd", "iov", "iovcnt", "pos_l", "pos_h" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_ULONG, ARG_TYPE_ULONG } },
        { "pwritev2", { "fd", "iov", "iovcnt", "pos_l", "pos_h", "flags" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_ULONG, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "quotactl", { "cmd", "special", "id", "addr" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "read", { "fd", "buf", "count" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "readlinkat", { "dirfd", "pathname", "buf", "bufsiz" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "readv", { "fd", "iov", "iovcnt" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "reboot", { "magic", "magic2", "cmd", "arg" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "recvfrom", { "sockfd", "buf", "len", "flags", "src_addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "recvmmsg", { "sockfd", "msgvec", "vlen", "flags", "timeout" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "recvmsg", { "sockfd", "msg", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "rename", { "oldpath", "newpath" }, { ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "renameat", { "olddirfd", "oldpath", "newdirfd", "newpath" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "renameat2", { "olddirfd", "oldpath", "newdirfd", "newpath", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "rmdir", { "pathname" }, { ARG_TYPE_PTR } },
        { "rt_sigaction", { "signum", "act", "oldact", "sigsetsize" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "rt_sigprocmask", { "how", "set", "oldset", "sigsetsize" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "rt_sigqueueinfo", { "tgid", "sig", "info" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "rt_tgsigqueueinfo", { "tgid", "tid", "sig", "info" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "sched_setaffinity", { "pid", "cpusetsize", "mask" }, { ARG_TYPE_INT, ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "sched_setattr", { "pid", "attr", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "sched_setscheduler", { "pid", "policy", "param" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "seccomp", { "operation", "flags", "args" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "semget", { "key", "nsems", "semflg" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "sendfile", { "out_fd", "in_fd", "offset", "count" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "sendmmsg", { "sockfd", "msgvec", "vlen", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "sendmsg", { "sockfd", "msg", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
        { "sendto", { "sockfd", "buf", "len", "flags", "dest_addr", "addrlen" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "set_mempolicy", { "mode", "nodemask", "maxnode" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "setdomainname", { "name", "len" }, { ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "setfsgid", { "fsgid" }, { ARG_TYPE_UINT } },
        { "setfsuid", { "fsuid" }, { ARG_TYPE_UINT } },
        { "setgid", { "gid" }, { ARG_TYPE_UINT } },
        { "setgroups", { "size", "list" }, { ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "sethostname", { "name", "len" }, { ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "setns", { "fd", "nstype" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "setpgid", { "pid", "pgid" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "setpriority", { "which", "who", "prio" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "setregid", { "rgid", "egid" }, { ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "setresgid", { "rgid", "egid", "sgid" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "setresuid", { "ruid", "euid", "suid" }, { ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "setreuid", { "ruid", "euid" }, { ARG_TYPE_UINT, ARG_TYPE_UINT } },
        { "setrlimit", { "resource", "rlim" }, { ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "setsockopt", { "sockfd", "level", "optname", "optval", "optlen" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "setuid", { "uid" }, { ARG_TYPE_UINT } },
        { "shmat", { "shmid", "shmaddr", "shmflg" }, { ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "shmctl", { "shmid", "cmd", "buf" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "shmget", { "key", "size", "shmflg" }, { ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "shutdown", { "sockfd", "how" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "signalfd4", { "fd", "mask", "sizemask", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_INT } },
        { "socket", { "domain", "type", "protocol" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "socketpair", { "domain", "type", "protocol", "sv" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "splice", { "fd_in", "off_in", "fd_out", "off_out", "len", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_ULONG, ARG_TYPE_UINT } },
        { "statx", { "dirfd", "pathname", "flags", "mask", "statxbuf" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_UINT, ARG_TYPE_UINT, ARG_TYPE_PTR } },
        { "swapon", { "path", "swapflags" }, { ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "symlink", { "target", "linkpath" }, { ARG_TYPE_PTR, ARG_TYPE_PTR } },
        { "symlinkat", { "target", "newdirfd", "linkpath" }, { ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "sync_file_range", { "fd", "offset", "nbytes", "flags" }, { ARG_TYPE_INT, ARG_TYPE_LONG, ARG_TYPE_LONG, ARG_TYPE_UINT } },
        { "syslog", { "type", "bufp", "len" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "tee", { "fd_in", "fd_out", "len", "flags" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_ULONG, ARG_TYPE_UINT } },
        { "tgkill", { "tgid", "tid", "sig" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_INT } },
        { "timerfd_create", { "clockid", "flags" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "tkill", { "tid", "sig" }, { ARG_TYPE_INT, ARG_TYPE_INT } },
        { "truncate", { "path", "length" }, { ARG_TYPE_PTR, ARG_TYPE_LONG } },
        { "umask", { "mask" }, { ARG_TYPE_INT } },
        { "umount2", { "target", "flags" }, { ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "unlink", { "pathname" }, { ARG_TYPE_PTR } },
        { "unlinkat", { "dirfd", "pathname", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "unshare", { "flags" }, { ARG_TYPE_ULONG } },
        { "userfaultfd", { "flags" }, { ARG_TYPE_INT } },
        { "utimensat", { "dirfd", "pathname", "times", "flags" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_PTR, ARG_TYPE_INT } },
        { "wait4", { "pid", "wstatus", "options", "rusage" }, { ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "waitid", { "idtype", "id", "infop", "options", "rusage" }, { ARG_TYPE_INT, ARG_TYPE_INT, ARG_TYPE_PTR, ARG_TYPE_INT, ARG_TYPE_PTR } },
        { "write", { "fd", "buf", "count" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_ULONG } },
        { "writev", { "fd", "iov", "iovcnt" }, { ARG_TYPE_UINT, ARG_TYPE_PTR, ARG_TYPE_UINT } },
};

static int syscall_cmp(const void *key, const void *elem) {
        return strcmp(key, ((const ArgFilterSyscall *) elem)->name);
}

const ArgFilterSyscall *argfilter_table_syscall(const char *syscall) {
        return bsearch(syscall, syscall_table, ELEMENTSOF(syscall_table), sizeof syscall_table[0],
                       syscall_cmp);
}

unsigned argfilter_table_n_args(const ArgFilterSyscall *s) {
        unsigned n = 0;

        while (n < ARGFILTER_ARGS_MAX && s->args[n])
                n++;
        return n;
}

unsigned arg_type_width(ArgType t) {
        switch (t) {
        case ARG_TYPE_INT:
        case ARG_TYPE_UINT: return 32;
        case ARG_TYPE_USHORT: return 16;
        default: return 64;
        }
}

bool arg_type_signed(ArgType t) {
        return t == ARG_TYPE_INT || t == ARG_TYPE_LONG;
}

const char *arg_type_to_string(ArgType t) {
        static const char *const table[_ARG_TYPE_MAX] = {
                [ARG_TYPE_INT] = "int",     [ARG_TYPE_UINT] = "unsigned int",
                [ARG_TYPE_USHORT] = "umode_t", [ARG_TYPE_LONG] = "long",
                [ARG_TYPE_ULONG] = "unsigned long", [ARG_TYPE_PTR] = "pointer",
        };
        return t < _ARG_TYPE_MAX ? table[t] : NULL;
}

/* The constants: names and values from the same list, so the name list can be handed out as
 * an array. Only what the headers of the build define is included. */
#define C(x) #x,
static const char *const constant_names[] = {
#include "argfilter-constants.h"
        NULL,
};
#undef C
#define C(x) (int64_t) (x),
static const int64_t constant_values[] = {
#include "argfilter-constants.h"
};
#undef C
assert_cc(ELEMENTSOF(constant_names) == ELEMENTSOF(constant_values) + 1);

int argfilter_table_constant(const char *name, int64_t *ret) {
        for (size_t i = 0; i < ELEMENTSOF(constant_values); i++)
                if (streq(constant_names[i], name)) {
                        *ret = constant_values[i];
                        return 0;
                }
        return -ENOENT;
}

const char *const *argfilter_table_constant_names(void) {
        return constant_names;
}
