/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The typed sandbox of a unit: its defaults, its release, its enum string tables, and the one
 * question the daemon asks before planning mounts (does this unit need a mount namespace at
 * all). The parsing of the directives lives in unit-directives-sandbox.c.
 */
#include <linux/capability.h>
#include <stdlib.h>

#include "macro.h"
#include "string-table.h"
#include "unit-sandbox.h"

DEFINE_STRING_TABLE(protect_system, ProtectSystem, _PROTECT_SYSTEM_MAX,
                    [PROTECT_SYSTEM_NO] = "no", [PROTECT_SYSTEM_YES] = "yes",
                    [PROTECT_SYSTEM_FULL] = "full", [PROTECT_SYSTEM_STRICT] = "strict")

DEFINE_STRING_TABLE(protect_home, ProtectHome, _PROTECT_HOME_MAX,
                    [PROTECT_HOME_NO] = "no", [PROTECT_HOME_YES] = "yes",
                    [PROTECT_HOME_READ_ONLY] = "read-only", [PROTECT_HOME_TMPFS] = "tmpfs")

DEFINE_STRING_TABLE(protect_proc, ProtectProc, _PROTECT_PROC_MAX,
                    [PROTECT_PROC_DEFAULT] = "default", [PROTECT_PROC_NOACCESS] = "noaccess",
                    [PROTECT_PROC_INVISIBLE] = "invisible",
                    [PROTECT_PROC_PTRACEABLE] = "ptraceable")

DEFINE_STRING_TABLE(proc_subset, ProcSubset, _PROC_SUBSET_MAX,
                    [PROC_SUBSET_ALL] = "all", [PROC_SUBSET_PID] = "pid")

DEFINE_STRING_TABLE(control_access, ControlAccess, _CONTROL_ACCESS_MAX,
                    [CONTROL_ACCESS_READ_ONLY] = "read-only", [CONTROL_ACCESS_FULL] = "full")

/* systemd's defaults: nothing is sandboxed unless asked for. */
void unit_sandbox_init(UnitSandbox *s) {
        *s = (UnitSandbox) {
                .protect_system = PROTECT_SYSTEM_NO,
                .protect_home = PROTECT_HOME_NO,
                .protect_proc = PROTECT_PROC_DEFAULT,
                .proc_subset = PROC_SUBSET_ALL,
                .protect_supervisor = -1,
                .control_access_full = false,
        };
}

static void sandbox_path_list_done(SandboxPathList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].path);
                free(l->items[i].file);
        }
        free(l->items);
        *l = (SandboxPathList) {};
}

void unit_sandbox_done(UnitSandbox *s) {
        if (!s)
                return;
        free(s->root_directory);
        sandbox_path_list_done(&s->read_write_paths);
        sandbox_path_list_done(&s->read_only_paths);
        sandbox_path_list_done(&s->inaccessible_paths);
        sandbox_path_list_done(&s->exec_paths);
        sandbox_path_list_done(&s->no_exec_paths);
        for (size_t i = 0; i < s->n_binds; i++) {
                free(s->binds[i].source);
                free(s->binds[i].destination);
                free(s->binds[i].file);
        }
        free(s->binds);
        for (size_t i = 0; i < s->n_tmpfs; i++) {
                free(s->tmpfs[i].path);
                free(s->tmpfs[i].options);
                free(s->tmpfs[i].file);
        }
        free(s->tmpfs);
        unit_sandbox_init(s);
}

/* PrivateNetwork=, PrivateIPC=, PrivateUsers= and ProtectHostname= are namespaces of their
 * own and need no mount namespace by themselves; MountAPIVFS= only matters with a root. */
bool unit_sandbox_needs_mount_ns(const UnitSandbox *s) {
        return s->protect_system != PROTECT_SYSTEM_NO || s->protect_home != PROTECT_HOME_NO ||
               s->protect_proc != PROTECT_PROC_DEFAULT || s->proc_subset != PROC_SUBSET_ALL ||
               s->private_tmp || s->private_devices || s->private_mounts ||
               s->protect_kernel_tunables || s->protect_kernel_modules ||
               s->protect_kernel_logs || s->protect_control_groups || s->dynamic_user ||
               s->root_directory || s->read_write_paths.n > 0 || s->read_only_paths.n > 0 ||
               s->inaccessible_paths.n > 0 || s->exec_paths.n > 0 || s->no_exec_paths.n > 0 ||
               s->n_binds > 0 || s->n_tmpfs > 0 || s->protect_supervisor == 1;
}

uint64_t unit_sandbox_capabilities_removed(const UnitSandbox *s) {
        uint64_t m = 0;

        if (s->private_devices)
                m |= (UINT64_C(1) << CAP_MKNOD) | (UINT64_C(1) << CAP_SYS_RAWIO);
        if (s->protect_kernel_modules)
                m |= UINT64_C(1) << CAP_SYS_MODULE;
        if (s->protect_kernel_logs)
                m |= UINT64_C(1) << CAP_SYSLOG;
        if (s->protect_clock)
                m |= (UINT64_C(1) << CAP_SYS_TIME) | (UINT64_C(1) << CAP_WAKE_ALARM);
        return m;
}
