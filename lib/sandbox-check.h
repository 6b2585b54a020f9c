/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fail closed at load: whether this host can enforce the sandbox a unit declares. A unit
 * whose sandbox needs something the host does not offer (a mount, network, IPC or UTS
 * or user namespace the daemon cannot create) is refused
 * with a located error, FILE:LINE: KEY: reason, unless the administrator relaxed that one
 * directive by name (syscaged --relax DIRECTIVE, syscagectl verify --relax DIRECTIVE). A
 * relaxed directive is then skipped, with a warning naming the option.
 *
 * Also refused, and never relaxable: a source path of ReadWritePaths=, ReadOnlyPaths=,
 * InaccessiblePaths=, ExecPaths=, NoExecPaths=, BindPaths= or BindReadOnlyPaths= that does
 * not exist and has no "-" prefix.
 *
 * Pure: the host's facts come in as data, and the one file system question (does this path
 * exist) goes through the caller's callback. The daemon's loader and `syscagectl verify` call
 * the same function, so they agree.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "unit-file.h"
#include "unit-sandbox.h"

/* The directives the check knows, one bit each in a skip mask. */
typedef enum SandboxDirective {
        SANDBOX_PROTECT_SYSTEM,
        SANDBOX_PROTECT_HOME,
        SANDBOX_PROTECT_PROC,
        SANDBOX_PROC_SUBSET,
        SANDBOX_PRIVATE_TMP,
        SANDBOX_PRIVATE_DEVICES,
        SANDBOX_PRIVATE_MOUNTS,
        SANDBOX_PROTECT_KERNEL_TUNABLES,
        SANDBOX_PROTECT_KERNEL_MODULES,
        SANDBOX_PROTECT_KERNEL_LOGS,
        SANDBOX_PROTECT_CONTROL_GROUPS,
        SANDBOX_MOUNT_API_VFS,
        SANDBOX_DYNAMIC_USER,
        SANDBOX_ROOT_DIRECTORY,
        SANDBOX_READ_WRITE_PATHS,
        SANDBOX_READ_ONLY_PATHS,
        SANDBOX_INACCESSIBLE_PATHS,
        SANDBOX_EXEC_PATHS,
        SANDBOX_NO_EXEC_PATHS,
        SANDBOX_BIND_PATHS,
        SANDBOX_BIND_READ_ONLY_PATHS,
        SANDBOX_TEMPORARY_FILE_SYSTEM,
        SANDBOX_PRIVATE_NETWORK,
        SANDBOX_PRIVATE_IPC,
        SANDBOX_PROTECT_HOSTNAME,
        SANDBOX_PRIVATE_USERS,
        SANDBOX_PROTECT_SUPERVISOR, /* [X-Syscage]; on by default with the exec gate */
        _SANDBOX_DIRECTIVE_MAX,
        _SANDBOX_DIRECTIVE_INVALID = -EINVAL,
} SandboxDirective;

#define SANDBOX_DIRECTIVE_BIT(d) (UINT64_C(1) << (d))

/* What the host lets the supervisor do, learnt once (the daemon probes at start). Each field
 * is 0 when that namespace can be created, else the positive errno unshare(2) gave. */
typedef struct SandboxHostFacts {
        int mount_ns_errno;
        int net_ns_errno;
        int ipc_ns_errno;
        int uts_ns_errno;
        int user_ns_errno; /* PrivateUsers= */
        /* The other kinds are available only inside a new user namespace (a supervisor
         * without CAP_SYS_ADMIN, as syscaged --user): the launch enters one first. */
        bool via_user_ns;
} SandboxHostFacts;

/* Answers whether PATH exists: 1 yes, 0 no, -errno when that cannot be told (the check then
 * reports it as an error too: it cannot promise the path). */
typedef int (*SandboxPathExistsFn)(const char *path, void *userdata);

typedef struct SandboxCheckInput {
        const UnitFile *file;            /* for locations; may be NULL (then no line) */
        const UnitSandbox *sandbox;
        bool exec_gate;                  /* the policy denies execve: ProtectSupervisor= is on
                                          * unless set to "no" */
        const SandboxHostFacts *host;    /* NULL: everything available */
        char *const *relax;              /* directive names, NULL-terminated; may be NULL */
        const char *relax_option;        /* how the warning names it, e.g. "syscaged --relax" */
        SandboxPathExistsFn path_exists; /* NULL: paths are not checked */
        void *userdata;
} SandboxCheckInput;

/* Appends a located error per directive the host cannot enforce, a warning per relaxed one,
 * and sets *ret_skip (may be NULL) to the directives to skip. Returns 0 when the sandbox can
 * be enforced as relaxed, -EBADMSG when at least one error was added, -ENOMEM. */
int sandbox_check(const SandboxCheckInput *in, DiagList *diags, uint64_t *ret_skip);

/* A shallow copy of S with the directives in SKIP reset to their defaults (the pointers it
 * keeps still belong to S): what the mount planner is given once directives were relaxed. */
void sandbox_apply_skip(const UnitSandbox *s, uint64_t skip, UnitSandbox *ret);

/* Whether NAME may be given to --relax: the directives that need a namespace (all of
 * them). What DynamicUser= implies (ProtectSystem=strict, ProtectHome=read-only,
 * PrivateTmp=) without being written goes with DynamicUser=: reported and relaxed under its
 * name. */
bool sandbox_directive_is_relaxable(const char *name);

const char *sandbox_directive_to_string(SandboxDirective d);
int sandbox_directive_from_string(const char *s);
