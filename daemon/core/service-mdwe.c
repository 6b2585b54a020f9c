/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MemoryDenyWriteExecute=yes: refusing programs that ask the kernel for an executable stack
 * (lib/elf-stack.c reads the headers). A "#!" script is checked through its interpreter, and
 * that one's, as deep as the kernel follows them. A relative interpreter is refused: it would
 * be looked up from the service's working directory, which is not ours to guess. Formats the
 * kernel hands to binfmt_misc are not ELF and not scripts; they are let through unchecked
 * (the seccomp rules and PR_SET_MDWE still apply to what runs). The file may change between
 * this check and the execve; whoever can replace the unit's executable can change the unit.
 * Only regular files are opened (open_regular()): the daemon is root, and a path may lead
 * into a directory the service writes. Not checked (not supported yet): the programs the
 * service itself runs later, whose stack the kernel maps as their headers ask.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/service-mdwe.h"
#include "elf-stack.h"
#include "policy-build.h"

/* What the first read takes: the ELF header and the program headers of any usual binary,
 * and more than a "#!" line. */
#define MDWE_FIRST_READ 4096u

static int fail(int r, char **ret_message, const char *fmt, ...) _printf_(3, 4);
static int fail(int r, char **ret_message, const char *fmt, ...) {
        va_list ap;

        if (ret_message) {
                va_start(ap, fmt);
                if (vasprintf(ret_message, fmt, ap) < 0)
                        *ret_message = NULL;
                va_end(ap);
        }
        return r;
}

/* Reads up to SIZE bytes from the start of FD into a new buffer. */
static int read_head(int fd, size_t size, uint8_t **ret, size_t *ret_len) {
        _cleanup_free_ uint8_t *buf = malloc(size);
        size_t got = 0;

        if (!buf)
                return -ENOMEM;
        while (got < size) {
                ssize_t n = pread(fd, buf + got, size - got, (off_t) got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                got += (size_t) n;
        }
        *ret = TAKE_PTR(buf);
        *ret_len = got;
        return 0;
}

/* The ELF verdict for FD, reading more when its headers go on past HEAD. */
static int inspect_fd(int fd, const uint8_t *head, size_t len, ElfStack *ret) {
        size_t need = 0;
        int r = elf_stack_inspect(head, len, &need, ret);

        if (r != -ENOBUFS)
                return r;
        _cleanup_free_ uint8_t *more = NULL;
        size_t got = 0;
        if ((r = read_head(fd, need, &more, &got)) < 0)
                return r;
        r = elf_stack_inspect(more, got, &need, ret);
        return r == -ENOBUFS ? -EBADMSG : r; /* the file ends within its headers */
}

/* Opens PATH for reading only when it is a regular file. The daemon is root and the path may
 * lead where the service can write (its own directories): opening a device node or a FIFO
 * planted there (a link to /dev/watchdog arms the host's watchdog) has effects of its own,
 * and execve would refuse it anyway. So the file is looked at through an O_PATH fd first and
 * opened through that fd, which names the inode that was checked. */
static int open_regular(const char *path, int *ret_fd) {
        char proc[64];
        struct stat st;
        _cleanup_close_ int pfd = open(path, O_PATH | O_CLOEXEC);

        if (pfd < 0)
                return -errno;
        if (fstat(pfd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EACCES; /* what execve says of a device, FIFO or socket */
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
        int fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* One file: 0 with *RET_INTERP set to its interpreter when it is a script (else NULL). */
static int check_one(const char *path, const char *top, char **ret_interp, char **ret_message) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ uint8_t *head = NULL;
        size_t len = 0;
        ElfStack s;
        int r;

        r = open_regular(path, &fd);
        if (r < 0)
                return fail(r, ret_message, "MemoryDenyWriteExecute=yes: cannot read %s: %s", path,
                            strerror(-r));
        if ((r = read_head(fd, MDWE_FIRST_READ, &head, &len)) < 0 ||
            (r = inspect_fd(fd, head, len, &s)) < 0)
                return fail(r, ret_message, "MemoryDenyWriteExecute=yes: cannot check %s: %s", path,
                            r == -EBADMSG ? "malformed ELF headers" : strerror(-r));
        if (s == ELF_STACK_EXEC_HEADER || s == ELF_STACK_EXEC_DEFAULT)
                return fail(-EPERM, ret_message,
                            "MemoryDenyWriteExecute=yes: %s%s%s requests an executable stack (%s)", path,
                            top ? ", the interpreter of " : "", top ? top : "",
                            s == ELF_STACK_EXEC_HEADER ? "PT_GNU_STACK RWX" :
                                                         "32-bit without PT_GNU_STACK: READ_IMPLIES_EXEC");
        *ret_interp = NULL;
        if (s != ELF_STACK_NOT_ELF)
                return 0;
        r = elf_stack_shebang(head, len, ret_interp);
        if (r == -ENOMEM)
                return r;
        return r < 0 ? fail(r, ret_message, "MemoryDenyWriteExecute=yes: %s: bad \"#!\" line", path) : 0;
}

int service_mdwe_check(const char *path, char **ret_message) {
        _cleanup_free_ char *cur = strdup(path);
        int r;

        if (!cur)
                return -ENOMEM;
        for (unsigned depth = 0;; depth++) {
                char *interp = NULL;
                r = check_one(cur, depth > 0 ? path : NULL, &interp, ret_message);
                if (r < 0 || !interp)
                        return r;
                free(cur);
                cur = interp;
                if (cur[0] != '/')
                        return fail(-EPERM, ret_message,
                                    "MemoryDenyWriteExecute=yes: %s names a relative interpreter (%s), "
                                    "which cannot be checked", path, cur);
                if (depth + 1 >= ELF_STACK_INTERP_DEPTH_MAX)
                        return fail(-ELOOP, ret_message,
                                    "MemoryDenyWriteExecute=yes: %s: too many levels of interpreters", path);
        }
}

int service_mdwe_prepare(Unit *u, ExecPlan *plan, char **ret_message) {
        if (!u->file || !policy_unit_memory_deny_write_execute(u->file))
                return 0;
        plan->memory_deny_write_execute = true;
        return service_mdwe_check(plan->path, ret_message);
}
