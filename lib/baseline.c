/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading the node baseline file (baseline.h): unit-file syntax, policy directives only,
 * built with the same code as a unit's policy, then checked against what the launch needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch-util.h"
#include "baseline.h"
#include "policy-build.h"
#include "siphash.h"
#include "unit-file.h"

/* The name the file is parsed under: specifiers (%n, ...) expand against it. */
#define BASELINE_UNIT_NAME "baseline.service"

/* A fixed key: the hash names content for people comparing versions, it proves nothing. */
static const uint8_t baseline_hash_key[SIPHASH_KEY_SIZE] = "syscage-baseline";

/* What runs after the baseline is loaded (daemon/exec/exec-child.c): for a service that does
 * not set no_new_privs, the baseline goes in while the child is still root with every
 * capability, so the credential change comes after it; then no_new_privs, the executable
 * check, the unit's own filters (seccomp), the exec gate's listener handed to the daemon
 * (sendmsg), and the launch execve, which the gate watches together with execveat. Failure
 * reports go out with sendto before exit_group. */
static const char *const launch_calls[] = {
        "execve", "execveat", "seccomp",
        "setresuid", "setresgid", "capget", "capset", "prctl", "getuid", "geteuid", "getppid",
        "rt_sigprocmask", "faccessat", "sendmsg", "sendto", "close", "exit_group",
        NULL,
};

const char *const *baseline_launch_calls(void) {
        return launch_calls;
}

Baseline *baseline_free(Baseline *b) {
        if (!b)
                return NULL;
        free(b->path);
        policy_unref(b->policy);
        free(b);
        return NULL;
}

/* Only policy directives: those of [Service], and [X-Syscage] SystemCallArgumentFilter=, which
 * the policy builder reads from that section. */
static int check_keys(const UnitFile *u, DiagList *diags) {
        int r = 0;

        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                int q;

                if (a->section && streq(a->section, "Service") && policy_is_directive(a->key))
                        continue;
                if (a->section && streq(a->section, "X-Syscage") &&
                    streq(a->key, "SystemCallArgumentFilter"))
                        continue;
                if (a->section && !streq(a->section, "Service"))
                        q = diag_add(diags, DIAG_ERROR, a->file, a->line, a->key,
                                     "not allowed in a baseline (only policy directives are)");
                else
                        q = diag_add(diags, DIAG_ERROR, a->file, a->line, a->key,
                                     "not allowed in a baseline");
                if (q < 0)
                        return q;
                r = -EBADMSG;
        }
        return r;
}

/* The rule that restricts SYSCALL with an argument check, for its origin. */
static const PolicyRule *find_conditional(const Policy *p, const char *syscall) {
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].n_conds > 0 && streq(p->rules[i].syscall, syscall))
                        return &p->rules[i];
        return NULL;
}

static const char *origin_key(PolicyOrigin o) {
        return o.directive != POLICY_DIRECTIVE_NONE ? policy_directive_to_string(o.directive) : NULL;
}

/* Refuses a baseline that restricts a call of the launch (launch_calls) or lets the native
 * ABI through only to kill it. */
static int check_launch(const Baseline *b, DiagList *diags) {
        const Policy *p = b->policy;
        int r = 0, q;

        if (!policy_has_arch(p, arch_native())) {
                q = diag_add(diags, DIAG_ERROR, p->arch_origin.file ?: b->path, p->arch_origin.line,
                             origin_key(p->arch_origin),
                             "the baseline must allow the native ABI (%s): every service runs on it",
                             arch_to_name(arch_native()));
                if (q < 0)
                        return q;
                r = -EBADMSG;
        }
        for (const char *const *c = launch_calls; *c; c++) {
                const PolicyRule *cond = find_conditional(p, *c);
                PolicyAction a;
                PolicyOrigin o;

                policy_effective_action(p, *c, &a, &o);
                if (a.type <= POLICY_ACTION_LOG && !cond)
                        continue;
                if (a.type <= POLICY_ACTION_LOG)
                        o = cond->origin;
                const char *why = streq(*c, "execve") || streq(*c, "execveat")
                                          ? "the service's launch and its exec gate need it"
                                          : streq(*c, "seccomp")
                                          ? "the service's own filters are loaded after the baseline"
                                          : "the launch calls it after loading the baseline";
                q = diag_add(diags, DIAG_ERROR, o.file ?: b->path, o.line, origin_key(o),
                             "the baseline may not restrict %s: %s", *c, why);
                if (q < 0)
                        return q;
                r = -EBADMSG;
        }
        return r;
}

static void count_rules(Baseline *b) {
        const Policy *p = b->policy;

        for (size_t i = 0; i < p->n_rules; i++) {
                const PolicyRule *rule = &p->rules[i];
                if (rule->n_conds > 0)
                        continue;
                if (rule->action.type > POLICY_ACTION_LOG)
                        b->n_denied++;
                else
                        b->n_allowed++;
        }
}

int baseline_parse(const char *path, const char *data, size_t size, DiagList *diags, Baseline **ret) {
        _cleanup_(baseline_freep) Baseline *b = NULL;
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r, q;

        b = calloc(1, sizeof(Baseline));
        if (!b || !(b->path = strdup(path)))
                return -ENOMEM;
        r = unit_file_load_buffer(BASELINE_UNIT_NAME, path, data, size, diags, &u);
        if (r == -ENOMEM)
                return r;
        if (!u)
                return -EBADMSG;
        q = check_keys(u, diags);
        if (q == -ENOMEM)
                return q;
        if (q < 0 && r >= 0)
                r = q;
        q = policy_build(u, diags, &b->policy);
        if (q == -ENOMEM)
                return q;
        if (q < 0 || r < 0)
                return -EBADMSG;
        r = check_launch(b, diags);
        if (r < 0)
                return r == -ENOMEM ? r : -EBADMSG;
        b->hash = siphash24(baseline_hash_key, data, size);
        count_rules(b);
        *ret = TAKE_PTR(b);
        return 0;
}

static int read_file(const char *path, DiagList *diags, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t n = 0;
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT ? -ENOENT
                                       : (r = -errno, (void) diag_add(diags, DIAG_ERROR, path, 0, NULL,
                                                                     "cannot open: %s", strerror(-r)), r);
        if (fstat(fd, &st) < 0) {
                r = -errno;
                (void) diag_add(diags, DIAG_ERROR, path, 0, NULL, "cannot stat: %s", strerror(-r));
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                r = -EINVAL;
                (void) diag_add(diags, DIAG_ERROR, path, 0, NULL, "not a regular file");
                goto out;
        }
        buf = malloc(UNIT_FILE_SIZE_MAX + 1);
        if (!buf) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                ssize_t k = read(fd, buf + n, UNIT_FILE_SIZE_MAX + 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        (void) diag_add(diags, DIAG_ERROR, path, 0, NULL, "cannot read: %s", strerror(-r));
                        goto out;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > UNIT_FILE_SIZE_MAX) {
                        r = -EFBIG;
                        (void) diag_add(diags, DIAG_ERROR, path, 0, NULL,
                                        "File too big (more than %u bytes)", UNIT_FILE_SIZE_MAX);
                        goto out;
                }
        }
        *ret = TAKE_PTR(buf);
        *ret_size = n;
out:
        close(fd);
        return r;
}

int baseline_load(const char *path, DiagList *diags, Baseline **ret) {
        _cleanup_free_ char *data = NULL;
        size_t size = 0;
        int r;

        r = read_file(path, diags, &data, &size);
        if (r < 0)
                return r;
        return baseline_parse(path, data, size, diags, ret);
}

const char *baseline_hash_format(uint64_t hash, char *buf) {
        snprintf(buf, BASELINE_HASH_STRING_MAX, "%016llx", (unsigned long long) hash);
        return buf;
}

const char *baseline_summary(const Baseline *b, char *buf, size_t size) {
        const Policy *p = b->policy;
        char action[64];

        if (p->allow_list)
                snprintf(buf, size, "allow list: %zu call%s allowed, others %s", b->n_allowed,
                         b->n_allowed == 1 ? "" : "s",
                         policy_action_format(p->default_action, action, sizeof action));
        else
                snprintf(buf, size, "%zu call%s denied (%s)%s", b->n_denied, b->n_denied == 1 ? "" : "s",
                         policy_action_format(p->deny_action, action, sizeof action),
                         p->n_arches > 1 || p->arch_origin.directive != POLICY_DIRECTIVE_NONE
                                 ? ", ABIs restricted" : "");
        return buf;
}
