/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The namespace, filesystem and identity sandbox a unit declares (systemd.exec(5), the
 * "Sandboxing" and "Credentials" sections), as typed data. The seccomp-backed parts of the same
 * directives (ProtectKernelModules='s syscall rules, PrivateDevices='s @raw-io, ...) stay in
 * the policy module; this is only what needs namespaces, mounts or an identity.
 *
 * A UnitSandbox is part of the UnitConfig and as immutable. It says what the unit asked for;
 * lib/mount-plan turns it into the ordered list of mount operations the child runs, and the
 * daemon decides (at load) whether this host can enforce it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Named limits (STYLE.md #10). */
#define UNIT_SANDBOX_PATHS_MAX 256u /* entries of any one path list */
#define UNIT_SANDBOX_TMPFS_OPTIONS_MAX 1024u /* bytes of one TemporaryFileSystem= option string */

typedef enum ProtectSystem {
        PROTECT_SYSTEM_NO,
        PROTECT_SYSTEM_YES,    /* /usr, /boot, /efi read-only */
        PROTECT_SYSTEM_FULL,   /* ... and /etc */
        PROTECT_SYSTEM_STRICT, /* all of / but /dev, /proc, /sys */
        _PROTECT_SYSTEM_MAX,
} ProtectSystem;

typedef enum ProtectHome {
        PROTECT_HOME_NO,
        PROTECT_HOME_YES,       /* /home, /root, /run/user inaccessible */
        PROTECT_HOME_READ_ONLY,
        PROTECT_HOME_TMPFS,     /* an empty read-only tmpfs on each */
        _PROTECT_HOME_MAX,
} ProtectHome;

typedef enum ProtectProc {
        PROTECT_PROC_DEFAULT,
        PROTECT_PROC_NOACCESS,   /* hidepid=noaccess */
        PROTECT_PROC_INVISIBLE,  /* hidepid=invisible */
        PROTECT_PROC_PTRACEABLE, /* hidepid=ptraceable */
        _PROTECT_PROC_MAX,
} ProtectProc;

typedef enum ProcSubset {
        PROC_SUBSET_ALL,
        PROC_SUBSET_PID, /* subset=pid */
        _PROC_SUBSET_MAX,
} ProcSubset;

/* One entry of ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=, ExecPaths=,
 * NoExecPaths=. "-" makes a missing path no error; "+" makes it relative to RootDirectory=. */
typedef struct SandboxPath {
        char *path;         /* absolute, normalised (no "//", no trailing "/", no "." or "..") */
        bool ignore_missing; /* "-" */
        bool root_relative;  /* "+" */
        char *file;          /* where it was written, for located errors (may be NULL) */
        unsigned line;
} SandboxPath;

/* One entry of BindPaths=/BindReadOnlyPaths=: "[-]SOURCE[:DEST[:OPTIONS]]". */
typedef struct SandboxBind {
        char *source;        /* absolute, normalised */
        char *destination;   /* absolute, normalised; equal to source when not given */
        bool ignore_missing; /* "-" on the source */
        bool read_only;      /* BindReadOnlyPaths=, or nothing else */
        bool recursive;      /* default true; ":norbind" clears it */
        char *file;          /* where it was written, for located errors (may be NULL) */
        unsigned line;
} SandboxBind;

/* One entry of TemporaryFileSystem=: "PATH[:OPTIONS]". */
typedef struct SandboxTmpfs {
        char *path;
        char *options; /* mount options as written ("ro,mode=0755"), or NULL */
        char *file;    /* where it was written, for located errors (may be NULL) */
        unsigned line;
} SandboxTmpfs;

typedef struct SandboxPathList {
        SandboxPath *items;
        size_t n;
} SandboxPathList;

typedef struct UnitSandbox {
        ProtectSystem protect_system;
        ProtectHome protect_home;
        ProtectProc protect_proc;
        ProcSubset proc_subset;
        bool private_tmp;
        bool private_devices;
        bool private_network;
        bool private_ipc;
        bool private_users;
        bool private_mounts;
        bool private_mounts_set;   /* explicitly assigned (else implied by the others) */
        bool protect_hostname;
        bool protect_kernel_tunables;
        bool protect_kernel_modules;
        bool protect_kernel_logs;
        bool protect_clock;        /* only its capabilities: the rest is the policy's */
        bool protect_control_groups;
        bool mount_api_vfs;
        bool mount_api_vfs_set;
        bool dynamic_user;
        bool remove_ipc;
        char *root_directory;      /* absolute, or NULL */

        SandboxPathList read_write_paths, read_only_paths, inaccessible_paths;
        SandboxPathList exec_paths, no_exec_paths;
        SandboxBind *binds;
        size_t n_binds;
        SandboxTmpfs *tmpfs;
        size_t n_tmpfs;

        /* [X-Syscage] ProtectSupervisor=: hide the daemon's own directories and control
         * socket from the service. Default: on when the exec gate is on. */
        int protect_supervisor;    /* -1: default, 0: no, 1: yes */
        /* [X-Syscage] ControlAccess=: what a process of this unit may do over the control
         * socket. Default read-only. */
        bool control_access_full;
} UnitSandbox;

/* Whether the sandbox needs a mount namespace at all (any filesystem directive, PrivateTmp=,
 * PrivateDevices=, the Protect*= with a mount part, RootDirectory=, DynamicUser= ...).
 * ProtectSupervisor= counts only when explicitly "yes": its default (-1) depends on whether
 * the exec gate is on, which only the daemon knows. */
bool unit_sandbox_needs_mount_ns(const UnitSandbox *s);

/* The capabilities (a mask of 1 << CAP_*) that the sandbox takes out of the bounding and
 * ambient sets, as systemd does: PrivateDevices= CAP_MKNOD and CAP_SYS_RAWIO (else a root
 * service makes a node of any host device in a writable directory that allows devices, its
 * private /tmp for one), ProtectKernelModules= CAP_SYS_MODULE, ProtectKernelLogs=
 * CAP_SYSLOG, ProtectClock= CAP_SYS_TIME and CAP_WAKE_ALARM. */
uint64_t unit_sandbox_capabilities_removed(const UnitSandbox *s);

/* Releases everything S owns and resets it to the defaults. */
void unit_sandbox_done(UnitSandbox *s);
void unit_sandbox_init(UnitSandbox *s);

typedef enum ControlAccess {
        CONTROL_ACCESS_READ_ONLY,
        CONTROL_ACCESS_FULL,
        _CONTROL_ACCESS_MAX,
} ControlAccess;

const char *protect_system_to_string(ProtectSystem p);
int protect_system_from_string(const char *s);
const char *protect_home_to_string(ProtectHome p);
int protect_home_from_string(const char *s);
const char *protect_proc_to_string(ProtectProc p);
int protect_proc_from_string(const char *s);
const char *proc_subset_to_string(ProcSubset p);
int proc_subset_from_string(const char *s);
const char *control_access_to_string(ControlAccess a);
int control_access_from_string(const char *s);
