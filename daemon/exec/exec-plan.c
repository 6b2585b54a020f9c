/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Defaults, checks and decisions on an ExecPlan, all done in the parent before fork. */
#include <linux/capability.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec-plan.h"
#include "macro.h"

static const char *const exec_gate_action_table[_EXEC_GATE_ACTION_MAX] = {
        [EXEC_GATE_ERRNO] = "errno",
        [EXEC_GATE_KILL] = "kill",
        [EXEC_GATE_REPORT] = "report",
};

const char *exec_gate_action_to_string(ExecGateAction a) {
        return a >= 0 && a < _EXEC_GATE_ACTION_MAX ? exec_gate_action_table[a] : NULL;
}

ExecGateAction exec_gate_action_from_string(const char *s) {
        if (!s)
                return _EXEC_GATE_ACTION_INVALID;
        for (int i = 0; i < _EXEC_GATE_ACTION_MAX; i++)
                if (streq(exec_gate_action_table[i], s))
                        return (ExecGateAction) i;
        return _EXEC_GATE_ACTION_INVALID;
}

void exec_plan_init(ExecPlan *p) {
        *p = (ExecPlan) {
                .stdin_fd = -1,
                .stdout_fd = -1,
                .stderr_fd = -1,
                .cgroup_fd = -1,
                .uid = EXEC_UID_UNSET,
                .gid = EXEC_GID_UNSET,
                .umask = EXEC_UMASK_UNSET,
                .capability_bounding_set = EXEC_CAPS_ALL,
                .gate_action = EXEC_GATE_ERRNO,
                .gate_errno = EPERM,
                .phase_fd = -1,
                .phase_fd_target = -1,
        };
}

static bool fprog_valid(const struct sock_fprog *f) {
        return !f || (f->filter && f->len > 0);
}

/* Whether S is NULL or a string that starts and ends inside the plan's block. */
static bool mount_plan_str_valid(const MountPlan *m, const char *s, bool allow_null) {
        if (!s)
                return allow_null;
        if (!m->strings || s < m->strings || s >= m->strings + m->strings_size)
                return false;
        size_t left = (size_t) (m->strings + m->strings_size - s);
        const char *end = memchr(s, '\0', MIN(left, (size_t) MOUNT_PLAN_PATH_MAX));
        return end != NULL;
}

static int mount_plan_check(const MountPlan *m) {
        size_t clones = 0;

        if (m->n_ops > MOUNT_PLAN_OPS_MAX || (m->n_ops > 0 && !m->ops))
                return -EINVAL;
        if (!mount_plan_str_valid(m, m->root, true) || (m->root && m->root[0] != '/'))
                return -EINVAL;
        for (size_t i = 0; i < m->n_ops; i++) {
                const MountOp *op = &m->ops[i];
                bool needs_source = op->kind == MOUNT_OP_BIND || op->kind == MOUNT_OP_SYMLINK ||
                                    op->kind == MOUNT_OP_INACCESSIBLE;

                if (op->kind < 0 || op->kind >= _MOUNT_OP_KIND_MAX)
                        return -EINVAL;
                if (!mount_plan_str_valid(m, op->target, false) || op->target[0] != '/' ||
                    !mount_plan_str_valid(m, op->source, !needs_source) ||
                    !mount_plan_str_valid(m, op->data, true))
                        return -EINVAL;
                /* A copy is what BIND and INACCESSIBLE attach. */
                if ((op->kind == MOUNT_OP_BIND || op->kind == MOUNT_OP_INACCESSIBLE) !=
                    !!(op->flags & MOUNT_OP_CLONE_SOURCE))
                        return -EINVAL;
                if (op->flags & MOUNT_OP_CLONE_SOURCE)
                        clones++;
        }
        if (clones != m->n_clones || clones > MOUNT_PLAN_CLONES_MAX)
                return -EINVAL;
        return 0;
}

int exec_plan_check(const ExecPlan *p) {
        if (!p || !p->path || p->path[0] != '/' || !p->argv || !p->envp)
                return -EINVAL;
        /* A main phase needs the notify filter, and may come without a start-up policy. */
        if (p->filter_notify && !p->filter_policy && p->phase_start == PHASE_START_NONE)
                return -EINVAL;
        if (p->phase_start != PHASE_START_NONE && !p->filter_notify)
                return -EINVAL;
        if (p->phase_fd >= 0 && p->phase_fd_target <= 2)
                return -EINVAL;
        if (!fprog_valid(p->filter_notify) || p->n_filter_policy > EXEC_FILTERS_MAX)
                return -EINVAL;
        for (size_t i = 0; p->filter_policy && i < MAX(p->n_filter_policy, (size_t) 1); i++)
                if (!fprog_valid(&p->filter_policy[i]))
                        return -EINVAL;
        if (p->n_filter_baseline > EXEC_FILTERS_MAX || (p->filter_baseline && p->n_filter_baseline == 0))
                return -EINVAL;
        for (size_t i = 0; p->filter_baseline && i < p->n_filter_baseline; i++)
                if (!fprog_valid(&p->filter_baseline[i]))
                        return -EINVAL;
        if (p->set_groups && (p->n_groups > EXEC_GROUPS_MAX || (p->n_groups > 0 && !p->groups)))
                return -EINVAL;
        if (p->working_directory && p->working_directory[0] != '/')
                return -EINVAL;
        if (p->gate_action < 0 || p->gate_action >= _EXEC_GATE_ACTION_MAX)
                return -EINVAL;
        /* 0 is "fake success" (SystemCallFilter=~execve:0): the call returns 0, runs nothing. */
        if (p->gate_errno < 0 || p->gate_errno > 4095)
                return -EINVAL;
        if (p->death_signal < 0 || p->death_signal >= _NSIG)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(p->rlimits); i++)
                if (p->rlimits[i].set && p->rlimits[i].soft > p->rlimits[i].hard)
                        return -EINVAL;
        if (p->mount_plan && mount_plan_check(p->mount_plan) < 0)
                return -EINVAL;
        return 0;
}

/* Whether the child holds CAP_SYS_ADMIN when it loads the unit's filters, at the end: a uid
 * change to non-root clears the effective set, and so does a daemon that is not root to begin
 * with; a root service keeps it unless its bounding set dropped it. */
static bool holds_sys_admin_at_end(const ExecPlan *p) {
        uid_t final_uid = p->uid == EXEC_UID_UNSET ? geteuid() : p->uid;
        if (final_uid != 0)
                return false;
        return p->capability_bounding_set & (UINT64_C(1) << CAP_SYS_ADMIN);
}

/* The same question for the unit's own filters only. */
static bool unit_filters_want_nnp(const ExecPlan *p) {
        if (p->no_new_privs)
                return true;
        if (!p->filter_notify && !p->filter_policy)
                return false;
        /* Without CAP_SYS_ADMIN the kernel refuses a filter unless no_new_privs is set. */
        return !holds_sys_admin_at_end(p);
}

bool exec_plan_want_nnp(const ExecPlan *p) {
        if (p->keep_bounding_set)
                return true;
        if (unit_filters_want_nnp(p))
                return true;
        /* The baseline alone: early, before the credential change, if we are root now. */
        return p->filter_baseline && !holds_sys_admin_at_end(p) && geteuid() != 0;
}

bool exec_plan_baseline_early(const ExecPlan *p) {
        return p->filter_baseline && !unit_filters_want_nnp(p) && !holds_sys_admin_at_end(p) &&
               geteuid() == 0;
}
