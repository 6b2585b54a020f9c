/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Turns a unit's Exec*= command into an ExecPlan, in the daemon, before fork. The child
 * (exec-child.c) then only applies finished data.
 */
#include <ctype.h>
#include <dirent.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/manager-baseline.h"
#include "exec/filter-cache.h"
#include "core/service-phase.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service-exec.h"
#include "core/unit-learn.h"
#include "core/unit-dirs.h"
#include "core/unit-runtime.h"
#include "core/service-mdwe.h"
#include "core/unit-sandbox-context.h"
#include "mount-plan.h"
#include "sandbox-check.h"
#include "sys/log.h"
#include "message.h"
#include "parse-util.h"
#include "strv.h"
#include "sys/fileio.h"

ServiceExec *service_exec_free(ServiceExec *e) {
        if (!e)
                return NULL;
        free(e->path);
        strv_free(e->argv);
        strv_free(e->envp);
        free(e->working_directory);
        mount_plan_free(e->mount_plan);
        safe_close(e->phase_fd);
        free(e);
        return NULL;
}

static int check_executable(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                return -EACCES;
        return 0;
}

/* Finds NAME as the service will see it: below ROOT (RootDirectory=; NULL or "/" for the
 * host's root). The path returned is the one inside the root, which is what the child execs
 * once the root is its "/". */
static int find_executable_under(const char *root, const char *name, char **ret) {
        char buf[4096], full[8192];
        int r = -ENOENT;

        if (root && streq(root, "/"))
                root = NULL;
        if (strchr(name, '/') && name[0] != '/')
                return -EINVAL;
        for (const char *p = SERVICE_EXEC_SEARCH_PATH; *p;) {
                size_t n = strcspn(p, ":");
                if (name[0] == '/')
                        snprintf(buf, sizeof buf, "%s", name);
                else
                        snprintf(buf, sizeof buf, "%.*s/%s", (int) n, p, name);
                snprintf(full, sizeof full, "%s%s", root ?: "", buf);
                int k = check_executable(full);
                if (k >= 0) {
                        char *s = strdup(buf);
                        if (!s)
                                return -ENOMEM;
                        *ret = s;
                        return 0;
                }
                if (name[0] == '/')
                        return k;
                if (k != -ENOENT)
                        r = k;
                p += n + (p[n] == ':');
        }
        return r;
}

int service_exec_find_executable(const char *name, char **ret) {
        return find_executable_under(NULL, name, ret);
}

static const char *env_lookup(char * const *env, const char *name, size_t len) {
        /* Later assignments win, as when the environment is applied in order. */
        const char *found = NULL;
        STRV_FOREACH(e, env)
                if (strneq(*e, name, len) && (*e)[len] == '=')
                        found = *e + len + 1;
        return found;
}

static size_t env_name_len(const char *s) {
        size_t n = 0;
        if (!(isalpha((unsigned char) s[0]) || s[0] == '_'))
                return 0;
        while (isalnum((unsigned char) s[n]) || s[n] == '_')
                n++;
        return n;
}

/* Appends to *buf, growing it; keeps the total under SERVICE_ARGV_BYTES_MAX. */
static int buf_append(char **buf, size_t *len, const char *s, size_t n) {
        if (*len + n + 1 > SERVICE_ARGV_BYTES_MAX)
                return -E2BIG;
        char *q = realloc(*buf, *len + n + 1);
        if (!q)
                return -ENOMEM;
        memcpy(q + *len, s, n);
        *len += n;
        q[*len] = '\0';
        *buf = q;
        return 0;
}

/* Expands "${VAR}" and "$$" inside one word; a bare "$NAME" inside a longer word is kept as
 * written, as systemd does. */
static int expand_word(const char *w, char * const *env, char **ret) {
        _cleanup_free_ char *out = strdup("");
        size_t len = 0;
        int r;

        if (!out)
                return -ENOMEM;
        for (const char *p = w; *p;) {
                if (p[0] == '$' && p[1] == '$') {
                        r = buf_append(&out, &len, "$", 1);
                        p += 2;
                } else if (p[0] == '$' && p[1] == '{') {
                        const char *end = strchr(p + 2, '}');
                        size_t n = end ? env_name_len(p + 2) : 0;
                        if (!end || n != (size_t) (end - p - 2)) {
                                r = buf_append(&out, &len, p, 1);
                                p++;
                        } else {
                                const char *v = env_lookup(env, p + 2, n);
                                r = buf_append(&out, &len, v ?: "", v ? strlen(v) : 0);
                                p = end + 1;
                        }
                } else {
                        r = buf_append(&out, &len, p, 1);
                        p++;
                }
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static int split_value(const char *v, char ***argv) {
        for (const char *p = v; *p;) {
                p += strspn(p, " \t\n");
                size_t n = strcspn(p, " \t\n");
                if (n == 0)
                        break;
                char *w = strndup(p, n);
                if (!w || strv_consume(argv, w) < 0)
                        return -ENOMEM;
                p += n;
        }
        return 0;
}

int service_exec_expand_argv(char * const *argv, char * const *env, char ***ret) {
        _cleanup_strv_free_ char **out = NULL;
        int r;

        out = calloc(1, sizeof(char *));
        if (!out)
                return -ENOMEM;
        STRV_FOREACH(a, argv) {
                size_t n = (*a)[0] == '$' ? env_name_len(*a + 1) : 0;
                if (n > 0 && (*a)[n + 1] == '\0') {
                        const char *v = env_lookup(env, *a + 1, n);
                        r = split_value(v ?: "", &out);
                } else {
                        char *w;
                        r = expand_word(*a, env, &w);
                        if (r >= 0)
                                r = strv_consume(&out, w);
                }
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(out);
        return 0;
}

static char *env_value_unquote(char *v) {
        size_t n = strlen(v);
        while (n > 0 && isspace((unsigned char) v[n - 1]))
                v[--n] = '\0';
        if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                v[n - 1] = '\0';
                return v + 1;
        }
        return v;
}

int service_exec_parse_env_file(const char *text, char ***env) {
        _cleanup_free_ char *copy = strdup(text);
        char *saveptr = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &saveptr); line;
             line = strtok_r(NULL, "\n", &saveptr)) {
                line += strspn(line, " \t");
                if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
                        continue;
                if (strneq(line, "export ", 7))
                        line += 7;
                char *eq = strchr(line, '=');
                if (!eq)
                        continue;
                *eq = '\0';
                char *key = line, *k = eq;
                while (k > key && isspace((unsigned char) k[-1]))
                        *--k = '\0';
                if (!env_name_is_valid(key))
                        continue;
                char *value = env_value_unquote(eq + 1 + strspn(eq + 1, " \t"));
                char *assignment;
                if (asprintf(&assignment, "%s=%s", key, value) < 0)
                        return -ENOMEM;
                if (strv_length(*env) >= SERVICE_ENV_MAX) {
                        free(assignment);
                        return -E2BIG;
                }
                if (strv_consume(env, assignment) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int read_env_file(const char *spec, char ***env, char **ret_message) {
        bool optional = spec[0] == '-';
        const char *path = spec + optional;
        /* O_NONBLOCK: a FIFO (the file may lie where the service writes) must not block the
         * daemon in open(); only a regular file is read. */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        struct stat st;
        if (fd < 0) {
                if (optional)
                        return 0;
                return set_message(ret_message, "Failed to read EnvironmentFile=%s: %s", path,
                               strerror(errno)), -errno;
        }
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return set_message(ret_message, "EnvironmentFile=%s is not a regular file", path), -EINVAL;
        _cleanup_free_ char *buf = malloc(SERVICE_ENV_FILE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        size_t n = 0;
        for (;;) {
                ssize_t k = read(fd, buf + n, SERVICE_ENV_FILE_MAX + 1 - n);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > SERVICE_ENV_FILE_MAX)
                        return set_message(ret_message, "EnvironmentFile=%s is larger than %u bytes",
                                       path, SERVICE_ENV_FILE_MAX), -E2BIG;
        }
        buf[n] = '\0';
        return service_exec_parse_env_file(buf, env);
}

static int env_set(char ***env, const char *name, const char *value) {
        char *s;
        if (asprintf(&s, "%s=%s", name, value) < 0)
                return -ENOMEM;
        return strv_consume(env, s);
}

/* systemd.exec(5): ExecStop= and ExecStopPost= learn how the cycle went: $SERVICE_RESULT
 * always, $EXIT_CODE and $EXIT_STATUS once the main process has exited ("exited" and the
 * number, or "killed"/"dumped" and the signal's name without SIG). */
static int env_add_stop_result(const Unit *u, char ***env) {
        char num[16];
        const char *status = num;

        if (env_set(env, "SERVICE_RESULT", service_result_to_string(u->result)) < 0)
                return -ENOMEM;
        if (u->exec_main_code == 0)
                return 0;
        snprintf(num, sizeof num, "%d", u->exec_main_status);
        if (u->exec_main_code != CLD_EXITED)
                status = signal_to_string(u->exec_main_status) ?: num;
        if (env_set(env, "EXIT_CODE", u->exec_main_code == CLD_EXITED ? "exited" :
                                      u->exec_main_code == CLD_DUMPED ? "dumped" : "killed") < 0 ||
            env_set(env, "EXIT_STATUS", status) < 0)
                return -ENOMEM;
        return 0;
}

static int build_env(Unit *u, bool is_main, pid_t mainpid, char ***ret, char **ret_message) {
        _cleanup_strv_free_ char **env = NULL;
        const UnitConfig *c = u->config;
        char num[32];
        int r;

        if (env_set(&env, "PATH", SERVICE_EXEC_SEARCH_PATH) < 0)
                return -ENOMEM;
        STRV_FOREACH(e, c->environment)
                if (strv_extend(&env, *e) < 0)
                        return -ENOMEM;
        STRV_FOREACH(f, c->environment_files) {
                r = read_env_file(*f, &env, ret_message);
                if (r < 0)
                        return r;
        }
        const DynamicUser *dyn = unit_runtime_dynamic_user(u);
        if (dyn) {
                /* As systemd's dynamic users: home "/", no login shell. */
                if (env_set(&env, "USER", dyn->name) < 0 || env_set(&env, "LOGNAME", dyn->name) < 0 ||
                    env_set(&env, "HOME", "/") < 0 || env_set(&env, "SHELL", "/usr/sbin/nologin") < 0)
                        return -ENOMEM;
        } else if (u->creds.user &&
            (env_set(&env, "USER", u->creds.user) < 0 || env_set(&env, "LOGNAME", u->creds.user) < 0 ||
             env_set(&env, "HOME", u->creds.home) < 0 || env_set(&env, "SHELL", u->creds.shell) < 0))
                return -ENOMEM;
        if (u->invocation_id[0] && env_set(&env, "INVOCATION_ID", u->invocation_id) < 0)
                return -ENOMEM;
        if (unit_notify_access(u) != NOTIFY_NONE) {
                if (u->manager->notify_socket &&
                    env_set(&env, "NOTIFY_SOCKET", u->manager->notify_socket) < 0)
                        return -ENOMEM;
        }
        if (mainpid > 0) {
                snprintf(num, sizeof num, "%d", (int) mainpid);
                if (env_set(&env, "MAINPID", num) < 0)
                        return -ENOMEM;
        }
        if (c->watchdog_sec > 0 && c->watchdog_sec != USEC_INFINITY) {
                snprintf(num, sizeof num, "%llu", (unsigned long long) c->watchdog_sec);
                if (env_set(&env, "WATCHDOG_USEC", num) < 0)
                        return -ENOMEM;
        }
        if (unit_dirs_env(u, &env) < 0)
                return -ENOMEM;
        if (!is_main && (u->control_command_id == SERVICE_EXEC_STOP ||
                         u->control_command_id == SERVICE_EXEC_STOP_POST) &&
            env_add_stop_result(u, &env) < 0)
                return -ENOMEM;
        if (strv_length(env) > SERVICE_ENV_MAX)
                return set_message(ret_message, "Environment has more than %u variables",
                               SERVICE_ENV_MAX), -E2BIG;
        *ret = TAKE_PTR(env);
        return 0;
}

/* The environment is applied in order: later assignments of a name win. Drop the earlier
 * ones so the service sees each name once. */
static void env_dedup(char **env) {
        size_t n = strv_length(env), k = 0;
        for (size_t i = 0; i < n; i++) {
                size_t len = strcspn(env[i], "=");
                bool later = false;
                for (size_t j = i + 1; j < n && !later; j++)
                        later = strneq(env[j], env[i], len) && env[j][len] == '=';
                if (later)
                        free(env[i]);
                else
                        env[k++] = env[i];
        }
        env[k] = NULL;
}

static int prepare_working_directory(Unit *u, ServiceExec *e) {
        const UnitConfig *c = u->config;
        /* A dynamic user's home is "/". */
        const char *home = unit_runtime_dynamic_user(u) ? "/" : u->creds.home;
        const char *wd = c->working_directory_home ? (home ?: "/root") : c->working_directory;
        if (!wd) /* systemd: "/" for system services, the home directory with User= handled above */
                wd = "/";
        e->working_directory = strdup(wd);
        if (!e->working_directory)
                return -ENOMEM;
        e->plan.working_directory = e->working_directory;
        e->plan.working_directory_missing_ok = c->working_directory_missing_ok;
        return 0;
}

bool service_exec_clamp_rlimit(int resource, rlim_t current_hard, bool may_raise, rlim_t nr_open,
                               ExecRlimit *l) {
        if (l->hard <= current_hard ||
            (may_raise && !(resource == RLIMIT_NOFILE && l->hard > nr_open)))
                return false;
        l->hard = current_hard;
        l->soft = MIN(l->soft, current_hard);
        return true;
}

static bool daemon_holds_capability(int cap) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

        if (syscall(SYS_capget, &h, d) < 0)
                return false;
        return d[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/* CAP_SYS_RESOURCE in the daemon's effective set: the child applies limits with the daemon's
 * capabilities, before its credentials change. */
static bool may_raise_rlimits(void) {
        return daemon_holds_capability(CAP_SYS_RESOURCE);
}

/* A daemon without CAP_SETPCAP (syscaged --user) cannot shrink the bounding set; the plan
 * keeps it and sets no_new_privs instead (exec-plan.h), when there is anything to drop. */
static void prepare_bounding_set(ExecPlan *p) {
        bool drops = p->capability_bounding_set != EXEC_CAPS_ALL || p->drop_cap_sys_ptrace || p->filter_notify;

        p->keep_bounding_set = drops && !daemon_holds_capability(CAP_SETPCAP);
}

static rlim_t nr_open(void) {
        _cleanup_free_ char *text = NULL;
        unsigned long long v;

        if (read_virtual_file_at(AT_FDCWD, "/proc/sys/fs/nr_open", 64, &text) < 0 ||
            sscanf(text, "%llu", &v) != 1)
                return 0; /* unknown: treat every raise as refused */
        return (rlim_t) v;
}

static void prepare_process_attributes(Unit *u, ExecPlan *p) {
        const UnitConfig *c = u->config;
        p->uid = unit_runtime_uid(u);
        p->gid = unit_runtime_gid(u);
        /* A dynamic user has no groups but its own (and SupplementaryGroups=). */
        p->set_groups = u->creds.set_groups || unit_runtime_dynamic_user(u);
        p->groups = u->creds.groups;
        p->n_groups = u->creds.n_groups;
        p->umask = c->umask;
        p->set_nice = c->nice_set;
        p->nice = c->nice;
        bool may_raise = may_raise_rlimits();
        struct rlimit rl;
        for (int i = 0; i < RLIM_NLIMITS && i < EXEC_RLIMIT_MAX; i++)
                if (c->rlimit_set[i]) {
                        p->rlimits[i] = (ExecRlimit) { .set = true, .soft = c->rlimit[i].rlim_cur,
                                                       .hard = c->rlimit[i].rlim_max };
                        if (getrlimit(i, &rl) >= 0)
                                (void) service_exec_clamp_rlimit(
                                        i, rl.rlim_max, may_raise,
                                        i == RLIMIT_NOFILE ? nr_open() : RLIM_INFINITY,
                                        &p->rlimits[i]);
                }
        /* The daemon raises its own soft fd limit (it holds fds for every client and
         * service); services start with the customary 1024, as under systemd, unless
         * LimitNOFILE= says otherwise: select() cannot handle fds above 1023. */
        if (!c->rlimit_set[RLIMIT_NOFILE] && getrlimit(RLIMIT_NOFILE, &rl) >= 0 &&
            rl.rlim_cur > SERVICE_NOFILE_SOFT_DEFAULT)
                p->rlimits[RLIMIT_NOFILE] = (ExecRlimit) { .set = true,
                                                           .soft = SERVICE_NOFILE_SOFT_DEFAULT,
                                                           .hard = rl.rlim_max };
        p->capability_bounding_set = c->capability_bounding_set == CAPABILITY_MASK_ALL
                                             ? EXEC_CAPS_ALL : c->capability_bounding_set;
        p->ambient_capabilities = c->ambient_capabilities;
        p->no_new_privs = c->no_new_privileges;
        p->ignore_sigpipe = c->ignore_sigpipe;
        p->death_signal = 0;
}

static void prepare_filters(Unit *u, ExecPlan *p) {
        const FilterEntry *f = u->filters;
        if (!f)
                return;
        p->filter_policy = f->policy;
        p->n_filter_policy = f->n_policy;
        if (!f->gate)
                return;
        p->filter_notify = f->notify;
        p->gate_action = f->gate_action;
        p->gate_errno = f->gate_errno;
        memcpy(p->exec_key, f->exec_key.word, sizeof p->exec_key);
        /* A root service holding CAP_SYS_PTRACE could take the listener with pidfd_getfd. */
        uid_t final_uid = p->uid == EXEC_UID_UNSET ? geteuid() : p->uid;
        if (final_uid == 0)
                p->drop_cap_sys_ptrace = true;
}

/* The node baseline (core/manager-baseline.h): every command of every unit gets it, "+"
 * commands too, since no unit may loosen it. The unit remembers which one its latest process
 * started under, for status. */
static int prepare_baseline(Unit *u, ExecPlan *p) {
        const FilterEntry *f = u->manager->baseline_filters;
        const char *desc = manager_baseline_description(u->manager);
        char *copy;

        if (f) {
                p->filter_baseline = f->policy;
                p->n_filter_baseline = f->n_policy;
        }
        if (u->baseline && streq(u->baseline, desc ?: "none"))
                return 0;
        copy = strdup(desc ?: "none");
        if (!copy)
                return -ENOMEM;
        free(u->baseline);
        u->baseline = copy;
        return 0;
}

/* The privilege prefixes, with systemd's meaning (systemd.service(5)):
 *   "+"  full privileges: no User=/Group= switch, every capability, no no_new_privs, and none
 *        of the sandbox, the seccomp filter or the exec gate (the caller leaves them out);
 *   "!"  no User=/Group= switch (the command runs as root), everything else applies;
 *   "!!" as no prefix: it only differs from "!" on systems without ambient capabilities. */
static void apply_exec_prefix(ExecCommandFlags flags, ExecPlan *p) {
        if (!(flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID)))
                return;
        p->uid = EXEC_UID_UNSET;
        p->gid = EXEC_GID_UNSET;
        p->set_groups = false;
        p->groups = NULL;
        p->n_groups = 0;
        if (!(flags & EXEC_COMMAND_FULLY_PRIVILEGED))
                return;
        p->capability_bounding_set = EXEC_CAPS_ALL;
        p->ambient_capabilities = 0;
        p->no_new_privs = false;
}

/* The sandbox this command runs with: none for "+", else the unit's without the directives
 * the administrator relaxed where this host cannot enforce them (decided at load: the load
 * check refused anything else). */
static void effective_sandbox(Unit *u, const ExecCommand *cmd, UnitSandbox *ret) {
        if (cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED) {
                unit_sandbox_init(ret); /* all defaults, nothing owned */
                ret->protect_supervisor = 0;
                return;
        }
        sandbox_apply_skip(&u->config->sandbox, u->sandbox_skip, ret);
}

/* RootDirectory= that is not there fails the start here, before anything runs: the command
 * must never run on the host's root instead. */
static int check_root_directory(const char *root, char **ret_message) {
        struct stat st;

        if (!root)
                return 0;
        if (stat(root, &st) < 0) {
                int r = -errno;
                return set_message(ret_message, "RootDirectory=%s: %s", root, strerror(-r)), r;
        }
        if (!S_ISDIR(st.st_mode))
                return set_message(ret_message, "RootDirectory=%s: not a directory", root), -ENOTDIR;
        return 0;
}

#define CAP_BIT(c) (UINT64_C(1) << (c))

/* The capabilities systemd takes away with these directives (systemd.exec(5)); the seccomp
 * parts are the policy's. */
static void drop_sandbox_capabilities(Unit *u, ExecPlan *p) {
        uint64_t drop = unit_sandbox_capabilities_removed(&u->config->sandbox);

        if (drop == 0)
                return;
        if (p->capability_bounding_set == EXEC_CAPS_ALL)
                p->capability_bounding_set = CAP_BIT(CAP_LAST_CAP + 1) - 1;
        p->capability_bounding_set &= ~drop;
        p->ambient_capabilities &= ~drop;
}

static bool path_in_dir(const char *path, const char *dir) {
        size_t n = strlen(dir);
        return path && strneq(path, dir, n) && path[n] == '/' && !strchr(path + n + 1, '/');
}

/* What ProtectSupervisor= hides: the context's list, but for what the unit needs to reach.
 * A unit that may notify needs the notify socket; one that asked for ControlAccess=full (and
 * left ProtectSupervisor= at its default) the control socket. When one of them lies in the
 * runtime directory, that directory is hidden entry by entry instead of whole, the status
 * directory included (made now if no status was written yet, so that it can be covered). */
static int supervisor_hidden(const Unit *u, const UnitSandbox *s, char *const *hidden, char ***ret) {
        const Manager *m = u->manager;
        const char *keep[2] = {
                unit_notify_access(u) != NOTIFY_NONE ? m->notify_socket : NULL,
                s->control_access_full && s->protect_supervisor < 0 ? m->socket_path : NULL,
        };
        bool split = path_in_dir(keep[0], m->runtime_dir) || path_in_dir(keep[1], m->runtime_dir);
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        char status_dir[4096];
        int r = 0;

        if (!l)
                return -ENOMEM;
        STRV_FOREACH(h, hidden) {
                if ((split && streq(*h, m->runtime_dir)) || (keep[0] && streq(*h, keep[0])) ||
                    (keep[1] && streq(*h, keep[1])))
                        continue;
                if (strv_extend(&l, *h) < 0)
                        return -ENOMEM;
        }
        if (!split) {
                *ret = TAKE_PTR(l);
                return 0;
        }
        snprintf(status_dir, sizeof status_dir, "%s/units", m->runtime_dir);
        (void) mkdir(status_dir, 0755);
        DIR *d = opendir(m->runtime_dir);
        if (!d)
                return -errno;
        for (struct dirent *de; r == 0 && (de = readdir(d));) {
                char *path;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (asprintf(&path, "%s/%s", m->runtime_dir, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if ((keep[0] && streq(path, keep[0])) || (keep[1] && streq(path, keep[1])))
                        free(path);
                else if (strv_consume(&l, path) < 0)
                        r = -ENOMEM;
        }
        closedir(d);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

/* The mount plan of one command (lib/mount-plan.h), from the effective sandbox and the
 * daemon's paths (unit-sandbox-context.h). ProtectSupervisor= is on by default when the exec
 * gate is on for this command. The plan owns its strings; the context is freed here, the
 * plan with the ServiceExec, after the spawn. */
static int prepare_mount_plan(Unit *u, const UnitSandbox *s, ServiceExec *e, char **ret_message) {
        _cleanup_(unit_sandbox_context_freep) UnitSandboxContext *sc = NULL;
        _cleanup_strv_free_ char **hidden = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        bool gate = e->plan.filter_notify != NULL;
        int r;

        r = unit_sandbox_context_build(u, &sc);
        if (r < 0)
                return r;
        if (s->protect_supervisor > 0 || (s->protect_supervisor < 0 && gate)) {
                r = supervisor_hidden(u, s, sc->hidden, &hidden);
                if (r < 0)
                        return r;
                sc->ctx.hidden = (const char *const *) hidden;
        } else
                sc->ctx.hidden = NULL;
        r = mount_plan_build(s, &sc->ctx, &diags, &e->mount_plan);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return set_message(ret_message, "Cannot plan the sandbox: %s%s%s",
                                   diags.n > 0 && diags.items[0].key ? diags.items[0].key : "",
                                   diags.n > 0 && diags.items[0].key ? ": " : "",
                                   diags.n > 0 ? diags.items[0].message : strerror(-r)), r;
        if (e->mount_plan->unshare_flags == 0 && e->mount_plan->n_ops == 0)
                e->mount_plan = mount_plan_free(e->mount_plan);
        else if (log_get_max_level() >= LOG_DEBUG)
                for (size_t i = 0; i < e->mount_plan->n_ops; i++) {
                        char buf[512];
                        log_unit_debug(u->name, "Mount plan: %s",
                                       mount_op_format(&e->mount_plan->ops[i], buf, sizeof buf));
                }
        e->plan.mount_plan = e->mount_plan;
        return 0;
}

int service_exec_prepare(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid, ServiceExec **ret,
                         char **ret_message) {
        _cleanup_(service_exec_freep) ServiceExec *e = calloc(1, sizeof(ServiceExec));
        UnitSandbox sandbox;
        int r;

        if (!e)
                return -ENOMEM;
        e->phase_fd = -EBADF;
        exec_plan_init(&e->plan);
        effective_sandbox(u, cmd, &sandbox);
        r = check_root_directory(sandbox.root_directory, ret_message);
        if (r < 0)
                return r;
        r = find_executable_under(sandbox.root_directory, cmd->path, &e->path);
        if (r < 0)
                return set_message(ret_message, "Executable %s%s%s: %s", cmd->path,
                                   sandbox.root_directory ? " in RootDirectory=" : "",
                                   sandbox.root_directory ?: "", strerror(-r)), r;
        r = build_env(u, is_main, mainpid, &e->envp, ret_message);
        if (r < 0)
                return r;
        env_dedup(e->envp);
        if (cmd->flags & EXEC_COMMAND_NO_ENV_EXPAND)
                e->argv = strv_copy(cmd->argv);
        else if (service_exec_expand_argv(cmd->argv, e->envp, &e->argv) < 0)
                e->argv = NULL;
        if (!e->argv || !e->argv[0])
                return set_message(ret_message, "Command line of %s expands to nothing", cmd->path),
                       -EINVAL;
        r = prepare_working_directory(u, e);
        if (r < 0)
                return r;
        e->plan.path = e->path;
        e->plan.argv = (const char * const *) e->argv;
        e->plan.envp = (const char * const *) e->envp;
        prepare_process_attributes(u, &e->plan);
        apply_exec_prefix(cmd->flags, &e->plan);
        r = prepare_baseline(u, &e->plan);
        if (r < 0)
                return r;
        /* "+": nothing of the policy applies, MemoryDenyWriteExecute= included. */
        if (!(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED)) {
                prepare_filters(u, &e->plan);
                /* Learn mode records both phases instead of enforcing them. */
                if (is_main && !u->learn && (r = service_phase_prepare(u, &e->plan, &e->envp, &e->phase_fd,
                                                          ret_message)) < 0)
                        return r;
                e->plan.envp = (const char * const *) e->envp;
                if ((r = service_mdwe_prepare(u, &e->plan, ret_message)) < 0)
                        return r;
                if ((r = unit_learn_prepare(u, &e->plan, is_main ? &e->envp : NULL, &e->phase_fd, e->learn_filter,
                                            &e->learn_prog)) < 0)
                        return r;
                e->plan.envp = (const char * const *) e->envp;
                drop_sandbox_capabilities(u, &e->plan);
                r = prepare_mount_plan(u, &sandbox, e, ret_message);
                if (r < 0)
                        return r;
                /* Maps 0 and the uid/gid the plan switches to ("!": only 0). */
                e->plan.private_users = sandbox.private_users;
        }
        /* The namespaces of the mount plan, inside a user namespace of the launch's own when
         * the daemon cannot make them in its own (manager.c, manager_probe_host()). */
        e->plan.userns_first = (e->plan.mount_plan || e->plan.private_users) &&
                               u->manager->host_facts.via_user_ns;
        prepare_bounding_set(&e->plan);
        *ret = TAKE_PTR(e);
        return 0;
}
