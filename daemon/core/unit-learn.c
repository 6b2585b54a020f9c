/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode for a unit (see unit-learn.h): the plan's filters, and turning notifications
 * into the record. Names are resolved per ABI with libseccomp; an x32 call comes with the
 * x86-64 audit arch and the x32 bit in its number.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "arch-util.h"
#include "core/manager.h"
#include "core/service-phase.h"
#include "core/unit-learn.h"
#include "exec/exec-learn.h"
#include "exec/filter-cache.h"
#include "learn-record.h"
#include "phase-marker.h"
#include "strv.h"
#include "sys/log.h"

#define LEARN_X32_BIT 0x40000000

int unit_learn_set(Unit *u, bool on) {
        if (on) {
                LearnRecord *r = calloc(1, sizeof(LearnRecord));
                if (!r)
                        return -ENOMEM;
                if (u->learned)
                        learn_record_done(u->learned);
                free(u->learned);
                u->learned = r;
                u->learn_dropped = 0;
        }
        u->learn = on;
        return 0;
}

int unit_learn_text(Unit *u, char **ret) {
        if (!u->learned)
                return -ENODATA;
        return learn_record_to_text(u->learned, ret);
}

/* A sealed memfd holding one allow-all program in the preloaded object's format (a u32
 * length, then the instructions): learning runs the object's enforcing path, so that its own
 * calls (read the filter, load it, the allocation) fall where they will when the main phase
 * is enforced, and the main list is the one enforcement needs. */
static int learn_allow_all_memfd(void) {
        const struct sock_fprog *allow = exec_learn_allow_all();
        uint32_t len = allow->len;
        _cleanup_close_ int fd = memfd_create("syscage-learn-main", MFD_CLOEXEC | MFD_ALLOW_SEALING);

        if (fd < 0)
                return -errno;
        if (write(fd, &len, sizeof len) != (ssize_t) sizeof len ||
            write(fd, allow->filter, len * sizeof(struct sock_filter)) != (ssize_t) (len * sizeof(struct sock_filter)))
                return -EIO;
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
                return -errno;
        return TAKE_FD(fd);
}

/* LD_PRELOAD gets the preloaded object after what is there; SYSCAGE_PHASE the fd of the
 * allow-all program. Without the object (not built next to syscaged) learning goes on with
 * one phase. */
static int learn_env_preload(Unit *u, char ***envp, ExecPlan *p, int *ret_fd) {
        _cleanup_free_ char *preload = NULL, *entry = NULL;
        bool phase_set = false;
        char **l;

        if (service_phase_preload_path(u->manager, &preload) < 0)
                return 0;
        if (faccessat(AT_FDCWD, preload, R_OK, AT_EACCESS) < 0) {
                log_unit_debug(u->name, "Learn mode without %s: no after-loader switch point.", preload);
                return 0;
        }
        _cleanup_close_ int fd = learn_allow_all_memfd();
        char phase[64];
        if (fd < 0)
                return fd;
        snprintf(phase, sizeof phase, "%s=%d", SYSCAGE_PHASE_ENV, SERVICE_PHASE_FD);
        l = *envp;
        for (size_t i = 0; l && l[i]; i++) {
                if (preload && strncmp(l[i], "LD_PRELOAD=", strlen("LD_PRELOAD=")) == 0) {
                        if (asprintf(&entry, "%s%s%s", l[i], l[i][strlen("LD_PRELOAD=")] ? ":" : "", preload) < 0)
                                return -ENOMEM;
                        free(l[i]);
                        l[i] = TAKE_PTR(entry);
                        free(preload);
                        preload = NULL;
                } else if (strncmp(l[i], SYSCAGE_PHASE_ENV "=", strlen(SYSCAGE_PHASE_ENV "=")) == 0) {
                        char *v = strdup(phase);
                        if (!v)
                                return -ENOMEM;
                        free(l[i]);
                        l[i] = v;
                        phase_set = true;
                }
        }
        if (preload && (asprintf(&entry, "LD_PRELOAD=%s", preload) < 0 || strv_consume(envp, TAKE_PTR(entry)) < 0))
                return -ENOMEM;
        if (!phase_set && strv_extend(envp, phase) < 0)
                return -ENOMEM;
        p->phase_fd = *ret_fd = TAKE_FD(fd);
        p->phase_fd_target = SERVICE_PHASE_FD;
        return 0;
}

int unit_learn_prepare(Unit *u, ExecPlan *p, char ***envp, int *ret_fd, struct sock_filter *buf,
                       struct sock_fprog *prog) {
        PolicyExecKey key;
        int r;

        if (!u->learn)
                return 0;
        r = filter_cache_new_key(&key);
        if (r < 0)
                return r;
        /* The child passes the phase key to its sendmsg(): the learn filter's one exception. */
        memcpy(p->phase_key, key.word, sizeof p->phase_key);
        exec_learn_filter(p->phase_key, buf, prog);
        if (envp && (r = learn_env_preload(u, envp, p, ret_fd)) < 0)
                return r;
        p->filter_notify = prog;
        p->filter_policy = exec_learn_allow_all();
        p->n_filter_policy = 1;
        p->learn = true;
        p->gate_action = EXEC_GATE_ERRNO;
        p->gate_errno = EPERM;
        /* Learning watches the program as it is: MemoryDenyWriteExecute= is learned, not
         * applied. The listener must not be stolen (exec-gate.h). */
        p->memory_deny_write_execute = false;
        if ((p->uid == EXEC_UID_UNSET ? geteuid() : p->uid) == 0)
                p->drop_cap_sys_ptrace = true;
        return 0;
}

/* The ABI of a notification, as a libseccomp token; 0 when unknown. */
static uint32_t learn_abi(const struct seccomp_notif *n) {
        if (n->data.arch == AUDIT_ARCH_X86_64)
                return n->data.nr & LEARN_X32_BIT ? SCMP_ARCH_X32 : SCMP_ARCH_X86_64;
        if (n->data.arch == AUDIT_ARCH_I386)
                return SCMP_ARCH_X86;
        if (n->data.arch == AUDIT_ARCH_AARCH64)
                return SCMP_ARCH_AARCH64;
        return 0;
}

static bool learn_is_marker(const struct seccomp_notif *n) {
        return n->data.arch == arch_to_audit(arch_native()) && n->data.nr == __NR_getpid &&
               n->data.args[0] == SYSCAGE_PHASE_MARK_ARG0 && n->data.args[1] == SYSCAGE_PHASE_MARK_ARG1;
}

void unit_learn_record(Unit *u, const struct seccomp_notif *n) {
        LearnRecord *r = u->learned;
        _cleanup_free_ char *name = NULL;
        uint32_t abi;

        if (!u->learn || !r)
                return;
        if (learn_is_marker(n)) {
                /* The switch point of a Type=notify service is READY=1, not the loader. */
                if (r->phase == LEARN_PHASE_NONE && u->config->type != SERVICE_NOTIFY)
                        r->phase = LEARN_PHASE_AFTER_LOADER;
                return;
        }
        abi = learn_abi(n);
        if (abi != 0) {
                name = seccomp_syscall_resolve_num_arch(abi, n->data.nr);
                if (!name && abi == SCMP_ARCH_X32)
                        name = seccomp_syscall_resolve_num_arch(abi, n->data.nr & ~LEARN_X32_BIT);
        }
        if (!name || (arch_to_name(abi) && learn_record_add_abi(r, arch_to_name(abi)) < 0) ||
            learn_record_add(r, name, r->phase != LEARN_PHASE_NONE, (const uint64_t *) n->data.args) < 0) {
                if (u->learn_dropped++ == 0)
                        log_unit_warning(u->name, "Learn mode could not record call %d (arch 0x%x): the "
                                         "result will lack it.", n->data.nr, n->data.arch);
        }
}

void unit_learn_ready(Unit *u) {
        if (u->learn && u->learned && u->learned->phase == LEARN_PHASE_NONE)
                u->learned->phase = LEARN_PHASE_AFTER_READY;
        if (u->main && u->main->exec)
                u->main->exec->learn_until_ready = false;
}

bool unit_learn_awaits_ready(const Unit *u) {
        return u->learn && u->learned && u->learned->phase == LEARN_PHASE_NONE && u->config &&
               u->config->type == SERVICE_NOTIFY;
}
