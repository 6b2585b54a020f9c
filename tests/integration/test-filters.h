/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Filters for the launch tests and the benchmark, built with libseccomp directly (the
 * policy compiler is not used here, so that these tests exercise the launch path alone).
 * Same settings the daemon uses: binary-tree output, other ABIs kill the process, and no
 * no_new_privs from libseccomp (the child sets it itself).
 */
#pragma once

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"

static inline int test_filter_new(uint32_t default_action, scmp_filter_ctx *ret) {
        scmp_filter_ctx ctx = seccomp_init(default_action);
        if (!ctx)
                return -ENOMEM;
        int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r == 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (r == 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0) {
                seccomp_release(ctx);
                return r;
        }
        *ret = ctx;
        return 0;
}

/* Export ctx as raw BPF into out (out->filter is malloc'ed). libseccomp 2.5 exports only to
 * an fd, so go through a memfd. */
static inline int test_filter_export(scmp_filter_ctx ctx, struct sock_fprog *out) {
        _cleanup_close_ int fd = memfd_create("bpf", MFD_CLOEXEC);
        struct stat st;
        if (fd < 0)
                return -errno;
        int r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0)
                return -EINVAL;
        struct sock_filter *f = malloc((size_t) st.st_size);
        if (!f)
                return -ENOMEM;
        if (pread(fd, f, (size_t) st.st_size, 0) != st.st_size) {
                free(f);
                return -EIO;
        }
        *out = (struct sock_fprog) { .len = (unsigned short) (st.st_size / sizeof(*f)), .filter = f };
        return 0;
}

static inline int test_filter_add(scmp_filter_ctx ctx, uint32_t action, const char *name) {
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR)
                return -ENOENT;
        return seccomp_rule_add(ctx, action, nr, 0);
}

/* F_notify: execve and execveat go to the daemon, everything else is allowed. */
static inline int test_filter_notify(struct sock_fprog *out) {
        scmp_filter_ctx ctx = NULL;
        int r = test_filter_new(SCMP_ACT_ALLOW, &ctx);
        if (r < 0)
                return r;
        r = test_filter_add(ctx, SCMP_ACT_NOTIFY, "execve");
        if (r == 0)
                r = test_filter_add(ctx, SCMP_ACT_NOTIFY, "execveat");
        if (r == 0)
                r = test_filter_export(ctx, out);
        seccomp_release(ctx);
        return r;
}

/* What every F_policy of the gate adds to the unit's rules: execve and execveat allowed
 * (F_notify decides them), and seccomp() with NEW_LISTENER denied, so that the service
 * cannot answer its own execve once our listener is gone. In an allow list seccomp is
 * denied by the default action anyway; the explicit rule matters for deny lists. */
static inline int test_filter_gate_rules(scmp_filter_ctx ctx, uint32_t default_action) {
        /* libseccomp refuses (EACCES) a rule whose action is the default action. */
        if (default_action != SCMP_ACT_ALLOW) {
                int r = test_filter_add(ctx, SCMP_ACT_ALLOW, "execve");
                if (r == 0)
                        r = test_filter_add(ctx, SCMP_ACT_ALLOW, "execveat");
                return r;
        }
        return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(seccomp), 1,
                                     SCMP_A1(SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                             SECCOMP_FILTER_FLAG_NEW_LISTENER));
}

static inline void test_filter_free(struct sock_fprog *f) {
        free(f->filter);
        f->filter = NULL;
        f->len = 0;
}
