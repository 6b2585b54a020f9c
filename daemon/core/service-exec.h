/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From a unit's configuration to an ExecPlan: executable lookup, $VAR expansion of argv,
 * the environment (Environment=, EnvironmentFile= and the variables the daemon sets),
 * runtime/state/logs directories, credentials, capabilities and filters. Everything here
 * runs in the daemon before fork, so the child gets finished data.
 */
#pragma once

#include <stdbool.h>

/* Soft RLIMIT_NOFILE of a service without LimitNOFILE= (the hard limit is the daemon's). */
#define SERVICE_NOFILE_SOFT_DEFAULT 1024u

#include "exec/exec-learn.h"
#include "exec/exec-plan.h"
#include "core/unit.h"

/* Named limits. */
#define SERVICE_ENV_FILE_MAX (1024u * 1024u) /* bytes of one EnvironmentFile= */
#define SERVICE_ENV_MAX 4096u                /* variables in a service's environment */
#define SERVICE_ARGV_BYTES_MAX (256u * 1024u)

/* The fixed search path for a plain executable name (no PATH from the environment). */
#define SERVICE_EXEC_SEARCH_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

typedef struct ServiceExec {
        ExecPlan plan;        /* points into the fields below and into the unit */
        char *path;
        char **argv;
        char **envp;
        char *working_directory;
        MountPlan *mount_plan; /* plan.mount_plan; NULL: no namespace, no mount */
        /* Learn mode: the learn filter, plan.filter_notify (core/unit-learn.h). */
        struct sock_filter learn_filter[EXEC_LEARN_FILTER_LEN];
        struct sock_fprog learn_prog;
        int phase_fd;          /* plan.phase_fd (core/service-phase.h); owned */
} ServiceExec;

ServiceExec *service_exec_free(ServiceExec *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(ServiceExec *, service_exec_free);

/* Resolves NAME: an absolute path is checked as given, a plain name is looked up in
 * SERVICE_EXEC_SEARCH_PATH. -ENOENT when nothing is found, -EACCES when the file is not an
 * executable regular file. */
int service_exec_find_executable(const char *name, char **ret);

/* Lowers a Limit*= value (L, for RESOURCE) to what the service may have, as systemd does when
 * setrlimit() refuses it: a hard limit above the daemon's own (CURRENT_HARD) needs
 * CAP_SYS_RESOURCE (MAY_RAISE), and even with it RLIMIT_NOFILE stops at fs.nr_open (NR_OPEN).
 * A refused value is cut to CURRENT_HARD, the soft limit with it. Returns true when L changed. */
bool service_exec_clamp_rlimit(int resource, rlim_t current_hard, bool may_raise, rlim_t nr_open,
                               ExecRlimit *l);

/* Expands $VAR and ${VAR} in ARGV per systemd's rules: "${VAR}" is replaced in place; a word
 * that is exactly "$VAR" becomes the value's whitespace-separated words (none when empty or
 * unset); "$$" is a literal "$". */
int service_exec_expand_argv(char * const *argv, char * const *env, char ***ret);

/* Parses an EnvironmentFile= body: KEY=VALUE lines, '#' and ';' comments, optional quotes.
 * Assignments with invalid names are skipped. */
int service_exec_parse_env_file(const char *text, char ***env);

/* Builds the plan for one command: the main process (IS_MAIN) or a control process of
 * u->control_command_id. MAINPID is set in $MAINPID when > 0 (ExecReload=, ExecStop=,
 * ExecStartPost=); ExecStop= and ExecStopPost= also get $SERVICE_RESULT, $EXIT_CODE and
 * $EXIT_STATUS. The caller sets the stdio and cgroup fds. */
int service_exec_prepare(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid, ServiceExec **ret,
                         char **ret_message);
