/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The enforceability check of a unit's sandbox (see sandbox-check.h). The directives are a
 * table: name, the namespace each needs, whether the unit asked for it. Everything else is
 * walking that table against the host's facts and the relax set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-check.h"
#include "string-table.h"
#include "strv.h"

typedef enum SandboxNeed {
        NEED_MOUNT_NS,
        NEED_NET_NS,
        NEED_IPC_NS,
        NEED_UTS_NS,
        NEED_USER_NS,
} SandboxNeed;

DEFINE_STRING_TABLE(sandbox_directive, SandboxDirective, _SANDBOX_DIRECTIVE_MAX,
        [SANDBOX_PROTECT_SYSTEM] = "ProtectSystem",
        [SANDBOX_PROTECT_HOME] = "ProtectHome",
        [SANDBOX_PROTECT_PROC] = "ProtectProc",
        [SANDBOX_PROC_SUBSET] = "ProcSubset",
        [SANDBOX_PRIVATE_TMP] = "PrivateTmp",
        [SANDBOX_PRIVATE_DEVICES] = "PrivateDevices",
        [SANDBOX_PRIVATE_MOUNTS] = "PrivateMounts",
        [SANDBOX_PROTECT_KERNEL_TUNABLES] = "ProtectKernelTunables",
        [SANDBOX_PROTECT_KERNEL_MODULES] = "ProtectKernelModules",
        [SANDBOX_PROTECT_KERNEL_LOGS] = "ProtectKernelLogs",
        [SANDBOX_PROTECT_CONTROL_GROUPS] = "ProtectControlGroups",
        [SANDBOX_MOUNT_API_VFS] = "MountAPIVFS",
        [SANDBOX_DYNAMIC_USER] = "DynamicUser",
        [SANDBOX_ROOT_DIRECTORY] = "RootDirectory",
        [SANDBOX_READ_WRITE_PATHS] = "ReadWritePaths",
        [SANDBOX_READ_ONLY_PATHS] = "ReadOnlyPaths",
        [SANDBOX_INACCESSIBLE_PATHS] = "InaccessiblePaths",
        [SANDBOX_EXEC_PATHS] = "ExecPaths",
        [SANDBOX_NO_EXEC_PATHS] = "NoExecPaths",
        [SANDBOX_BIND_PATHS] = "BindPaths",
        [SANDBOX_BIND_READ_ONLY_PATHS] = "BindReadOnlyPaths",
        [SANDBOX_TEMPORARY_FILE_SYSTEM] = "TemporaryFileSystem",
        [SANDBOX_PRIVATE_NETWORK] = "PrivateNetwork",
        [SANDBOX_PRIVATE_IPC] = "PrivateIPC",
        [SANDBOX_PROTECT_HOSTNAME] = "ProtectHostname",
        [SANDBOX_PRIVATE_USERS] = "PrivateUsers",
        [SANDBOX_PROTECT_SUPERVISOR] = "ProtectSupervisor");

static SandboxNeed directive_need(SandboxDirective d) {
        switch (d) {
        case SANDBOX_PRIVATE_NETWORK:
                return NEED_NET_NS;
        case SANDBOX_PRIVATE_IPC:
                return NEED_IPC_NS;
        case SANDBOX_PROTECT_HOSTNAME:
                return NEED_UTS_NS;
        case SANDBOX_PRIVATE_USERS:
                return NEED_USER_NS;
        default:
                return NEED_MOUNT_NS;
        }
}

static bool binds_any(const UnitSandbox *s, bool read_only) {
        for (size_t i = 0; i < s->n_binds; i++)
                if (s->binds[i].read_only == read_only)
                        return true;
        return false;
}

/* Whether the unit asked for D (a value other than the default). */
static bool directive_is_set(const SandboxCheckInput *in, SandboxDirective d) {
        const UnitSandbox *s = in->sandbox;

        switch (d) {
        case SANDBOX_PROTECT_SYSTEM: return s->protect_system != PROTECT_SYSTEM_NO;
        case SANDBOX_PROTECT_HOME: return s->protect_home != PROTECT_HOME_NO;
        case SANDBOX_PROTECT_PROC: return s->protect_proc != PROTECT_PROC_DEFAULT;
        case SANDBOX_PROC_SUBSET: return s->proc_subset != PROC_SUBSET_ALL;
        case SANDBOX_PRIVATE_TMP: return s->private_tmp;
        case SANDBOX_PRIVATE_DEVICES: return s->private_devices;
        case SANDBOX_PRIVATE_MOUNTS: return s->private_mounts_set && s->private_mounts;
        case SANDBOX_PROTECT_KERNEL_TUNABLES: return s->protect_kernel_tunables;
        case SANDBOX_PROTECT_KERNEL_MODULES: return s->protect_kernel_modules;
        case SANDBOX_PROTECT_KERNEL_LOGS: return s->protect_kernel_logs;
        case SANDBOX_PROTECT_CONTROL_GROUPS: return s->protect_control_groups;
        case SANDBOX_MOUNT_API_VFS: return s->mount_api_vfs_set && s->mount_api_vfs;
        case SANDBOX_DYNAMIC_USER: return s->dynamic_user;
        case SANDBOX_ROOT_DIRECTORY: return s->root_directory != NULL;
        case SANDBOX_READ_WRITE_PATHS: return s->read_write_paths.n > 0;
        case SANDBOX_READ_ONLY_PATHS: return s->read_only_paths.n > 0;
        case SANDBOX_INACCESSIBLE_PATHS: return s->inaccessible_paths.n > 0;
        case SANDBOX_EXEC_PATHS: return s->exec_paths.n > 0;
        case SANDBOX_NO_EXEC_PATHS: return s->no_exec_paths.n > 0;
        case SANDBOX_BIND_PATHS: return binds_any(s, false);
        case SANDBOX_BIND_READ_ONLY_PATHS: return binds_any(s, true);
        case SANDBOX_TEMPORARY_FILE_SYSTEM: return s->n_tmpfs > 0;
        case SANDBOX_PRIVATE_NETWORK: return s->private_network;
        case SANDBOX_PRIVATE_IPC: return s->private_ipc;
        case SANDBOX_PROTECT_HOSTNAME: return s->protect_hostname;
        case SANDBOX_PRIVATE_USERS: return s->private_users;
        case SANDBOX_PROTECT_SUPERVISOR:
                return s->protect_supervisor > 0 || (s->protect_supervisor < 0 && in->exec_gate);
        default: return false;
        }
}

void sandbox_apply_skip(const UnitSandbox *s, uint64_t skip, UnitSandbox *ret) {
        UnitSandbox c = *s;

#define SKIP(d) (skip & SANDBOX_DIRECTIVE_BIT(d))
        if (SKIP(SANDBOX_PROTECT_SYSTEM)) c.protect_system = PROTECT_SYSTEM_NO;
        if (SKIP(SANDBOX_PROTECT_HOME)) c.protect_home = PROTECT_HOME_NO;
        if (SKIP(SANDBOX_PROTECT_PROC)) c.protect_proc = PROTECT_PROC_DEFAULT;
        if (SKIP(SANDBOX_PROC_SUBSET)) c.proc_subset = PROC_SUBSET_ALL;
        if (SKIP(SANDBOX_PRIVATE_TMP)) c.private_tmp = false;
        if (SKIP(SANDBOX_PRIVATE_DEVICES)) c.private_devices = false;
        if (SKIP(SANDBOX_PRIVATE_MOUNTS)) c.private_mounts = c.private_mounts_set = false;
        if (SKIP(SANDBOX_PROTECT_KERNEL_TUNABLES)) c.protect_kernel_tunables = false;
        if (SKIP(SANDBOX_PROTECT_KERNEL_MODULES)) c.protect_kernel_modules = false;
        if (SKIP(SANDBOX_PROTECT_KERNEL_LOGS)) c.protect_kernel_logs = false;
        if (SKIP(SANDBOX_PROTECT_CONTROL_GROUPS)) c.protect_control_groups = false;
        if (SKIP(SANDBOX_MOUNT_API_VFS)) c.mount_api_vfs = c.mount_api_vfs_set = false;
        /* Only the file system part: the dynamic uid is the credential module's. */
        if (SKIP(SANDBOX_DYNAMIC_USER)) c.dynamic_user = false;
        if (SKIP(SANDBOX_ROOT_DIRECTORY)) c.root_directory = NULL;
        if (SKIP(SANDBOX_READ_WRITE_PATHS)) c.read_write_paths = (SandboxPathList) {};
        if (SKIP(SANDBOX_READ_ONLY_PATHS)) c.read_only_paths = (SandboxPathList) {};
        if (SKIP(SANDBOX_INACCESSIBLE_PATHS)) c.inaccessible_paths = (SandboxPathList) {};
        if (SKIP(SANDBOX_EXEC_PATHS)) c.exec_paths = (SandboxPathList) {};
        if (SKIP(SANDBOX_NO_EXEC_PATHS)) c.no_exec_paths = (SandboxPathList) {};
        /* The binds are one array: relaxing either kind drops both (no mount namespace
         * means no bind at all anyway). */
        if (SKIP(SANDBOX_BIND_PATHS) || SKIP(SANDBOX_BIND_READ_ONLY_PATHS)) {
                c.binds = NULL;
                c.n_binds = 0;
        }
        if (SKIP(SANDBOX_TEMPORARY_FILE_SYSTEM)) {
                c.tmpfs = NULL;
                c.n_tmpfs = 0;
        }
        if (SKIP(SANDBOX_PRIVATE_NETWORK)) c.private_network = false;
        if (SKIP(SANDBOX_PRIVATE_IPC)) c.private_ipc = false;
        if (SKIP(SANDBOX_PROTECT_HOSTNAME)) c.protect_hostname = false;
        if (SKIP(SANDBOX_PRIVATE_USERS)) c.private_users = false;
        if (SKIP(SANDBOX_PROTECT_SUPERVISOR)) c.protect_supervisor = 0;
#undef SKIP
        *ret = c;
}

bool sandbox_directive_is_relaxable(const char *name) {
        return sandbox_directive_from_string(name) >= 0;
}

/* The assignment of KEY that a diagnostic points at: the last non-empty one whose value
 * contains NEEDLE (when given), else the last non-empty one. */
static const UnitAssignment *find_assignment(const UnitFile *u, const char *key, const char *needle) {
        const UnitAssignment *last = NULL, *hit = NULL;

        if (!u)
                return NULL;
        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                if (!streq(a->key, key) || isempty(a->value))
                        continue;
                last = a;
                if (needle && strstr(a->value, needle))
                        hit = a;
        }
        return hit ?: last;
}

/* Where a diagnostic about KEY points: FILE:LINE when the parser recorded them for the entry,
 * else the assignment find_assignment() finds, else the unit's fragment without a line. */
typedef struct Where {
        const char *file;
        unsigned line;
} Where;

static Where locate(const SandboxCheckInput *in, const char *key, const char *needle, const char *file,
                    unsigned line) {
        if (file)
                return (Where) { file, line };
        const UnitAssignment *a = find_assignment(in->file, key, needle);
        if (a)
                return (Where) { a->file, a->line };
        return (Where) { in->file ? in->file->fragment : NULL, 0 };
}

_printf_(6, 7)
static int add_at(DiagList *diags, DiagCode code, DiagLevel level, Where w, const char *key,
                  const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return diag_add_code(diags, code, level, w.file, w.line, key, "%s", msg);
}

static const char *need_what(SandboxNeed need) {
        switch (need) {
        case NEED_MOUNT_NS: return "a mount namespace";
        case NEED_NET_NS: return "a network namespace";
        case NEED_IPC_NS: return "an IPC namespace";
        case NEED_UTS_NS: return "a UTS namespace";
        case NEED_USER_NS: return "a user namespace";
        default: return NULL;
        }
}

static int need_errno(const SandboxHostFacts *h, SandboxNeed need) {
        if (!h)
                return 0;
        switch (need) {
        case NEED_MOUNT_NS: return h->mount_ns_errno;
        case NEED_NET_NS: return h->net_ns_errno;
        case NEED_IPC_NS: return h->ipc_ns_errno;
        case NEED_UTS_NS: return h->uts_ns_errno;
        case NEED_USER_NS: return h->user_ns_errno;
        default: return EOPNOTSUPP;
        }
}

/* One directive the unit asked for: fine, refused, or skipped because relaxed. */
static int check_directive(const SandboxCheckInput *in, SandboxDirective d, DiagList *diags,
                           uint64_t *skip, bool *failed) {
        const char *key = sandbox_directive_to_string(d);
        SandboxNeed need = directive_need(d);
        int err = need_errno(in->host, need);
        bool relaxed = strv_contains(in->relax, key);
        const char *opt = in->relax_option ?: "--relax";
        char why[256];

        if (err == 0)
                return 0;
        snprintf(why, sizeof why, "needs %s, which this host does not let the supervisor "
                 "create (%s)", need_what(need), strerror(err));
        Where w = locate(in, key, NULL, NULL, 0);
        const char *by_default = d == SANDBOX_PROTECT_SUPERVISOR && in->sandbox->protect_supervisor < 0
                                 ? " (on by default, as the policy denies execve)" : "";
        if (relaxed) {
                *skip |= SANDBOX_DIRECTIVE_BIT(d);
                return add_at(diags, DIAG_CODE_SANDBOX_UNENFORCEABLE, DIAG_WARNING, w, key,
                              "%s%s; skipped: the service runs without it, as '%s %s' asks",
                              why, by_default, opt, key);
        }
        *failed = true;
        return add_at(diags, DIAG_CODE_SANDBOX_UNENFORCEABLE, DIAG_ERROR, w, key,
                      "%s%s; the unit is refused rather than run without it ('%s %s' "
                      "skips the directive instead)", why, by_default, opt, key);
}

static int check_path(const SandboxCheckInput *in, const char *key, const char *path,
                      bool ignore_missing, bool root_relative, const char *file, unsigned line,
                      DiagList *diags, bool *failed) {
        char full[8192];
        const char *root = root_relative && in->sandbox->root_directory ? in->sandbox->root_directory : "";
        int n = snprintf(full, sizeof full, "%s%s", root, path);
        if (n < 0 || (size_t) n >= sizeof full)
                return 0; /* the planner reports an impossible path */
        if (ignore_missing)
                return 0;
        int r = in->path_exists(full, in->userdata);
        if (r > 0)
                return 0;
        *failed = true;
        Where w = locate(in, key, path, file, line);
        if (r == 0)
                return add_at(diags, DIAG_CODE_PATH_MISSING, DIAG_ERROR, w, key,
                              "%s does not exist (a \"-\" prefix makes a missing path no error)", full);
        return add_at(diags, DIAG_CODE_IO, DIAG_ERROR, w, key, "cannot tell whether %s exists: %s", full,
                      strerror(-r));
}

static int check_paths(const SandboxCheckInput *in, DiagList *diags, bool *failed) {
        static const SandboxDirective lists[] = {
                SANDBOX_READ_WRITE_PATHS, SANDBOX_READ_ONLY_PATHS, SANDBOX_INACCESSIBLE_PATHS,
                SANDBOX_EXEC_PATHS, SANDBOX_NO_EXEC_PATHS,
        };
        const UnitSandbox *s = in->sandbox;
        const SandboxPathList *l[] = {
                &s->read_write_paths, &s->read_only_paths, &s->inaccessible_paths,
                &s->exec_paths, &s->no_exec_paths,
        };
        int r;

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                for (size_t i = 0; i < l[k]->n; i++) {
                        const SandboxPath *p = &l[k]->items[i];
                        r = check_path(in, sandbox_directive_to_string(lists[k]), p->path,
                                       p->ignore_missing, p->root_relative, p->file, p->line, diags,
                                       failed);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; i < s->n_binds; i++) {
                const SandboxBind *b = &s->binds[i];
                /* A bind's source is always a host path. */
                r = check_path(in, b->read_only ? "BindReadOnlyPaths" : "BindPaths", b->source,
                               b->ignore_missing, false, b->file, b->line, diags, failed);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Set by DynamicUser= and not written in the unit: it goes with DynamicUser=. */
static bool implied_by_dynamic_user(const SandboxCheckInput *in, SandboxDirective d) {
        if (!in->sandbox->dynamic_user ||
            !(d == SANDBOX_PROTECT_SYSTEM || d == SANDBOX_PROTECT_HOME || d == SANDBOX_PRIVATE_TMP))
                return false;
        return !find_assignment(in->file, sandbox_directive_to_string(d), NULL);
}

int sandbox_check(const SandboxCheckInput *in, DiagList *diags, uint64_t *ret_skip) {
        uint64_t skip = 0, implied = 0;
        bool failed = false;
        int r;

        for (SandboxDirective d = 0; d < _SANDBOX_DIRECTIVE_MAX; d++) {
                if (!directive_is_set(in, d))
                        continue;
                if (implied_by_dynamic_user(in, d)) {
                        implied |= SANDBOX_DIRECTIVE_BIT(d);
                        continue;
                }
                r = check_directive(in, d, diags, &skip, &failed);
                if (r < 0)
                        return r;
        }
        if (skip & SANDBOX_DIRECTIVE_BIT(SANDBOX_DYNAMIC_USER))
                skip |= implied;
        if (in->path_exists) {
                r = check_paths(in, diags, &failed);
                if (r < 0)
                        return r;
        }
        if (ret_skip)
                *ret_skip = skip;
        return failed ? -EBADMSG : 0;
}
