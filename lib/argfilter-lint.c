/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The lints of argfilter-lint.h. The sibling groups: A group lists calls through which a service can
 * get the same effect; the membership is about effect, not about argument layout (clone3()
 * and openat2() take their flags behind a pointer, so there they can only be denied).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "argfilter-lint.h"
#include "argfilter.h"
#include "macro.h"

/* Members of one group; the longest group bounds the list in a message. */
#define SIBLINGS_MAX 9

static const char *const groups[][SIBLINGS_MAX] = {
        { "open", "creat", "openat", "openat2", "open_by_handle_at" },
        { "read", "pread64", "readv", "preadv", "preadv2" },
        { "write", "pwrite64", "writev", "pwritev", "pwritev2", "sendfile", "splice",
          "copy_file_range" },
        { "sendto", "sendmsg", "sendmmsg" },
        { "recvfrom", "recvmsg", "recvmmsg" },
        { "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal" },
        { "socket", "socketpair" },
        { "clone", "clone3", "unshare" },
        { "mmap", "mprotect", "pkey_mprotect" },
        { "chmod", "fchmod", "fchmodat", "fchmodat2" },
        { "chown", "fchown", "lchown", "fchownat" },
        { "setuid", "setreuid", "setresuid", "setfsuid" },
        { "setgid", "setregid", "setresgid", "setfsgid" },
        { "mkdir", "mkdirat" },
        { "mknod", "mknodat" },
        { "unlink", "unlinkat", "rmdir" },
        { "rename", "renameat", "renameat2" },
        { "link", "linkat" },
        { "symlink", "symlinkat" },
        { "access", "faccessat", "faccessat2" },
        { "truncate", "ftruncate" },
        { "dup", "dup2", "dup3" },
        { "accept", "accept4" },
        { "wait4", "waitid" },
        { "mount", "open_tree", "move_mount", "fsmount" },
};

static int group_of(const char *syscall) {
        for (size_t g = 0; g < ELEMENTSOF(groups); g++)
                for (size_t i = 0; i < SIBLINGS_MAX && groups[g][i]; i++)
                        if (streq(groups[g][i], syscall))
                                return (int) g;
        return -1;
}

/* Allowed outright, and without any argument check of its own. */
static bool open_sibling(const Policy *p, const char *syscall) {
        PolicyAction a;

        if (!policy_syscall_known(p, syscall) || policy_has_conditions(p, syscall))
                return false;
        policy_effective_action(p, syscall, &a, NULL);
        return a.type <= POLICY_ACTION_LOG;
}

int argfilter_lint_siblings(const Policy *p, DiagList *diags) {
        bool reported[ELEMENTSOF(groups)] = {};

        for (size_t i = 0; i < p->n_notes; i++) {
                const PolicyNote *n = &p->notes[i];
                int g = group_of(n->syscall);
                char list[SIBLINGS_MAX * 24] = "";
                PolicyAction a;
                int r;

                if (g < 0 || reported[g])
                        continue;
                /* A line on a refused call is already said to have no effect. */
                policy_effective_action(p, n->syscall, &a, NULL);
                if (a.type > POLICY_ACTION_LOG)
                        continue;
                for (size_t k = 0; k < SIBLINGS_MAX && groups[g][k]; k++)
                        if (!streq(groups[g][k], n->syscall) && open_sibling(p, groups[g][k])) {
                                size_t l = strlen(list);
                                snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "",
                                         groups[g][k]);
                        }
                if (list[0] == '\0')
                        continue;
                reported[g] = true;
                r = diag_add_code(diags, DIAG_CODE_POLICY_BYPASS, DIAG_WARNING, n->origin.file,
                                  n->origin.line, policy_directive_to_string(n->origin.directive),
                                  "%s is filtered by its arguments, but %s, which can do the same, "
                                  "%s allowed without a filter: filter or deny %s as well",
                                  n->syscall, list, strchr(list, ',') ? "are" : "is",
                                  strchr(list, ',') ? "them" : "it");
                if (r < 0)
                        return r;
        }
        return 0;
}

int argfilter_lint_tautologies(const Policy *p, DiagList *diags) {
        for (size_t i = 0; i < p->n_notes; i++) {
                const PolicyNote *n = &p->notes[i];
                _cleanup_(argfilter_freep) ArgFilter *f = NULL;
                _cleanup_(argfilter_dnf_done) ArgFilterDnf neg = {};
                int r;

                /* The note is the line's canonical text, which parses back to the same filter. */
                r = argfilter_parse(n->text, &f, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        continue;
                r = argfilter_dnf((const ArgFilter *const[]) { f }, 1, true, &neg, NULL);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 || neg.n_terms > 0)
                        continue;
                r = diag_add_code(diags, DIAG_CODE_POLICY_NO_EFFECT, DIAG_WARNING, n->origin.file,
                                  n->origin.line, policy_directive_to_string(n->origin.directive),
                                  "'%s' holds for every call: the line refuses nothing", n->text);
                if (r < 0)
                        return r;
        }
        return 0;
}
