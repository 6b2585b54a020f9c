/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode for a unit (see unit-learn.h): the plan's filters, and turning notifications
 * into the record. Names are resolved per ABI with libseccomp; an x32 call comes with the
 * x86-64 audit arch and the x32 bit in its number.
 */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "arch-util.h"
#include "core/unit-learn.h"
#include "exec/exec-learn.h"
#include "exec/filter-cache.h"
#include "learn-record.h"
#include "phase-marker.h"
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

int unit_learn_prepare(Unit *u, ExecPlan *p, struct sock_filter *buf, struct sock_fprog *prog) {
        PolicyExecKey key;
        int r;

        if (!u->learn)
                return 0;
        r = filter_cache_new_key(&key);
        if (r < 0)
                return r;
        memcpy(p->exec_key, key.word, sizeof p->exec_key);
        exec_learn_filter(p->exec_key, buf, prog);
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
}
