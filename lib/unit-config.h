/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The typed service model: what a UnitFile's [Unit], [Service] and [Install] assignments mean,
 * with systemd's semantics (systemd.unit(5), systemd.service(5), systemd.exec(5),
 * systemd.kill(5)). The seccomp directives are left to the policy module, which reads the same
 * UnitFile; unit_config_key_is_policy() names them. A UnitConfig is immutable once parsed.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "diag.h"
#include "exec-command.h"
#include "parse-util.h"
#include "unit-condition.h"
#include "unit-file.h"
#include "unit-sandbox.h"

/* Named limits (STYLE.md #10). Exceeding one is a located error. */
#define UNIT_CONFIG_EXEC_COMMANDS_MAX 64u  /* commands per Exec*= list */
#define UNIT_CONFIG_ENV_MAX 1024u          /* Environment= entries */
#define UNIT_CONFIG_LIST_MAX 256u          /* entries of any other list (deps, dirs, groups...) */
#define UNIT_CONFIG_NOT_ENFORCED_MAX 512u  /* recorded not-enforced assignments */
#define UNIT_CONFIG_DESCRIPTION_MAX 4096u  /* bytes of Description= */

typedef enum ServiceType {
        SERVICE_SIMPLE,
        SERVICE_EXEC,
        SERVICE_ONESHOT,
        SERVICE_NOTIFY,
        SERVICE_FORKING,
        _SERVICE_TYPE_MAX,
} ServiceType;

typedef enum ServiceRestart {
        SERVICE_RESTART_NO,
        SERVICE_RESTART_ON_SUCCESS,
        SERVICE_RESTART_ON_FAILURE,
        SERVICE_RESTART_ON_ABNORMAL,
        SERVICE_RESTART_ON_WATCHDOG,
        SERVICE_RESTART_ON_ABORT,
        SERVICE_RESTART_ALWAYS,
        _SERVICE_RESTART_MAX,
} ServiceRestart;

typedef enum KillMode {
        KILL_CONTROL_GROUP,
        KILL_MIXED,
        KILL_PROCESS,
        KILL_NONE,
        _KILL_MODE_MAX,
} KillMode;

typedef enum NotifyAccess {
        NOTIFY_NONE,
        NOTIFY_MAIN,
        NOTIFY_EXEC,
        NOTIFY_ALL,
        _NOTIFY_ACCESS_MAX,
} NotifyAccess;

typedef enum ExecInput {
        EXEC_INPUT_NULL,
        EXEC_INPUT_FILE, /* std_input_path */
        _EXEC_INPUT_MAX,
} ExecInput;

typedef enum ExecOutput {
        EXEC_OUTPUT_INHERIT,  /* stdout: the daemon's choice (as journal); stderr: same as stdout */
        EXEC_OUTPUT_NULL,
        EXEC_OUTPUT_JOURNAL,  /* the per-unit log kept by the daemon */
        EXEC_OUTPUT_FILE,     /* "file:PATH": open for writing without truncation */
        EXEC_OUTPUT_APPEND,   /* "append:PATH" */
        EXEC_OUTPUT_TRUNCATE, /* "truncate:PATH" */
        _EXEC_OUTPUT_MAX,
} ExecOutput;

/* The Exec*= lists, in the order a start walks them (and ExecReload=). */
typedef enum ServiceExecCommand {
        SERVICE_EXEC_START_PRE,
        SERVICE_EXEC_START,
        SERVICE_EXEC_START_POST,
        SERVICE_EXEC_RELOAD,
        SERVICE_EXEC_STOP,
        SERVICE_EXEC_STOP_POST,
        _SERVICE_EXEC_COMMAND_MAX,
} ServiceExecCommand;

typedef struct ExecCommandList {
        ExecCommand *commands;
        size_t n;
} ExecCommandList;

/* SuccessExitStatus=, RestartPreventExitStatus=, RestartForceExitStatus=: exit codes 0..255
 * and signals 1..SIGNAL_MAX as bitmaps. */
typedef struct ExitStatusSet {
        uint64_t status[4];
        uint64_t signal[2];
} ExitStatusSet;

static inline bool exit_status_set_has_status(const ExitStatusSet *s, int status) {
        return status >= 0 && status <= 255 && (s->status[status / 64] >> (status % 64)) & 1;
}
static inline bool exit_status_set_has_signal(const ExitStatusSet *s, int sig) {
        return sig > 0 && sig <= SIGNAL_MAX && (s->signal[sig / 64] >> (sig % 64)) & 1;
}

/* A recognised directive this version parses but does not apply (e.g. PrivateTmp=). */
typedef struct UnitNotEnforced {
        char *key;
        char *section;
        char *file;
        unsigned line;
} UnitNotEnforced;

/* RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
 * ConfigurationDirectory= (systemd.exec(5)); the daemon decides where they live. */
typedef enum UnitDirKind {
        UNIT_DIR_RUNTIME,
        UNIT_DIR_STATE,
        UNIT_DIR_CACHE,
        UNIT_DIR_LOGS,
        UNIT_DIR_CONFIGURATION,
        _UNIT_DIR_KIND_MAX,
} UnitDirKind;

typedef struct UnitDirList {
        char **names; /* relative, normalised, no "..", each once, in order */
        char **links; /* pairs NAME, LINK from "NAME:LINK": LINK (relative to the same base)
                       * becomes a symbolic link to NAME; never for ConfigurationDirectory= */
        mode_t mode;  /* *DirectoryMode=, default 0755 */
} UnitDirList;

typedef enum RuntimeDirectoryPreserve {
        RUNTIME_DIRECTORY_PRESERVE_NO,
        RUNTIME_DIRECTORY_PRESERVE_YES,
        RUNTIME_DIRECTORY_PRESERVE_RESTART,
        _RUNTIME_DIRECTORY_PRESERVE_MAX,
} RuntimeDirectoryPreserve;

typedef struct UnitConfig {
        /* [Unit] */
        char *description;
        char **documentation;
        char **after, **before, **requires, **wants; /* ".service" names only */
        char **binds_to, **part_of;                  /* ".service" names only */
        char **reload_propagated_from, **propagates_reload_to;
        ConditionList conditions;                    /* Condition*=, in file order */
        ConditionList asserts;                       /* Assert*= */
        bool default_dependencies;                   /* default yes; no effect: the implicit
                                                      * dependencies are on targets, which
                                                      * count as reached at all times */
        usec_t start_limit_interval;                 /* default 10s */
        unsigned start_limit_burst;                  /* default 5 */

        /* [Service] */
        ServiceType type;
        ExecCommandList exec[_SERVICE_EXEC_COMMAND_MAX];
        ServiceRestart restart;
        usec_t restart_sec;                          /* default 100ms */
        usec_t timeout_start, timeout_stop;          /* 90s (start: none for oneshot);
                                                      * USEC_INFINITY = none, also for "0" */
        usec_t watchdog_sec;                         /* 0 = off */
        int kill_signal;                             /* default SIGTERM */
        KillMode kill_mode;
        ExitStatusSet success_exit_status;
        ExitStatusSet restart_prevent_exit_status, restart_force_exit_status;
        bool remain_after_exit;
        char *pid_file;                              /* absolute */
        NotifyAccess notify_access;                  /* default NONE, MAIN for Type=notify */

        /* Execution environment ([Service], systemd.exec(5)). Names, not ids: the daemon
         * resolves them when it loads the unit. */
        char *user, *group;
        char **supplementary_groups;
        char *working_directory;                     /* absolute path, NULL when unset */
        bool working_directory_home;                 /* "~": the user's home directory */
        bool working_directory_missing_ok;           /* "-" prefix */
        char **environment;                          /* "NAME=VALUE", later ones win */
        char **environment_files;                    /* absolute; "-" prefix kept = optional */
        mode_t umask;                                /* default 0022 */
        bool nice_set;
        int nice;
        bool rlimit_set[RLIM_NLIMITS];
        struct rlimit rlimit[RLIM_NLIMITS];
        ExecInput std_input;
        char *std_input_path;
        ExecOutput std_output, std_error;
        char *std_output_path, *std_error_path;
        bool no_new_privileges;
        bool ignore_sigpipe;                         /* default yes, as in systemd */
        uint64_t capability_bounding_set;            /* default CAPABILITY_MASK_ALL */
        uint64_t ambient_capabilities;               /* default 0 */
        UnitDirList directories[_UNIT_DIR_KIND_MAX]; /* RuntimeDirectory= and friends */
        RuntimeDirectoryPreserve runtime_directory_preserve; /* default NO */

        /* The namespace, filesystem and identity sandbox ([Service]) and the [X-Syscage]
         * settings. DynamicUser='s implications are already applied. */
        UnitSandbox sandbox;

        /* [Install] */
        char **wanted_by, **required_by, **alias;

        /* Recognised but not applied, in file order. */
        UnitNotEnforced *not_enforced;
        size_t n_not_enforced;

        /* Parse state: whether a capability set has had an assignment yet (merge rules). */
        bool capability_bounding_set_assigned, ambient_capabilities_assigned;
} UnitConfig;

/* Parses U into a new UnitConfig, appending located diagnostics to DIAGS (may be NULL).
 * Returns 0 on success; -EBADMSG when at least one DIAG_ERROR was produced (no config is
 * returned then); -ENOMEM. Warnings alone do not fail. */
int unit_config_parse(const UnitFile *u, DiagList *diags, UnitConfig **ret);
UnitConfig *unit_config_free(UnitConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(UnitConfig *, unit_config_free);

/* True for the seccomp-backed keys (SystemCallFilter=, ...) that the policy module parses. */
bool unit_config_key_is_policy(const char *key);
/* The section KEY belongs to in any of our tables (parsed, policy, recorded but not
 * enforced), or NULL when nobody knows it. For transient units, whose properties come
 * without one. */
const char *unit_config_key_section(const char *key);

const char *service_type_to_string(ServiceType t);
int service_type_from_string(const char *s);
const char *service_restart_to_string(ServiceRestart r);
int service_restart_from_string(const char *s);
const char *kill_mode_to_string(KillMode m);
int kill_mode_from_string(const char *s);
const char *notify_access_to_string(NotifyAccess n);
int notify_access_from_string(const char *s);
const char *exec_input_to_string(ExecInput i);
int exec_input_from_string(const char *s);
const char *exec_output_to_string(ExecOutput o);
int exec_output_from_string(const char *s);
const char *service_exec_command_to_string(ServiceExecCommand c);
int service_exec_command_from_string(const char *s);
/* "RuntimeDirectory", ..., "ConfigurationDirectory" */
const char *unit_dir_kind_to_string(UnitDirKind k);
int unit_dir_kind_from_string(const char *s);
const char *runtime_directory_preserve_to_string(RuntimeDirectoryPreserve p);
int runtime_directory_preserve_from_string(const char *s);
