/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Turns a unit's Exec*= command into an ExecPlan, in the daemon, before fork. The child
 * (exec-child.c) then only applies finished data.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "exec/filter-cache.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service-exec.h"
#include "core/unit-dirs.h"
#include "core/unit-runtime.h"
#include "core/service-mdwe.h"
#include "message.h"
#include "parse-util.h"
#include "strv.h"

ServiceExec *service_exec_free(ServiceExec *e) {
        if (!e)
                return NULL;
        free(e->path);
        strv_free(e->argv);
        strv_free(e->envp);
        free(e->working_directory);
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

int service_exec_find_executable(const char *name, char **ret) {
        char buf[4096];
        int r = -ENOENT;

        if (name[0] == '/') {
                r = check_executable(name);
                if (r < 0)
                        return r;
                char *s = strdup(name);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        if (strchr(name, '/'))
                return -EINVAL;
        for (const char *p = SERVICE_EXEC_SEARCH_PATH; *p;) {
                size_t n = strcspn(p, ":");
                snprintf(buf, sizeof buf, "%.*s/%s", (int) n, p, name);
                int k = check_executable(buf);
                if (k >= 0) {
                        char *s = strdup(buf);
                        if (!s)
                                return -ENOMEM;
                        *ret = s;
                        return 0;
                }
                if (k != -ENOENT)
                        r = k;
                p += n + (p[n] == ':');
        }
        return r;
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
        for (int i = 0; i < RLIM_NLIMITS && i < EXEC_RLIMIT_MAX; i++)
                if (c->rlimit_set[i])
                        p->rlimits[i] = (ExecRlimit) { .set = true, .soft = c->rlimit[i].rlim_cur,
                                                       .hard = c->rlimit[i].rlim_max };
        /* The daemon raises its own soft fd limit (it holds fds for every client and
         * service); services start with the customary 1024, as under systemd, unless
         * LimitNOFILE= says otherwise: select() cannot handle fds above 1023. */
        struct rlimit rl;
        if (!c->rlimit_set[RLIMIT_NOFILE] && getrlimit(RLIMIT_NOFILE, &rl) >= 0 &&
            rl.rlim_cur > SERVICE_NOFILE_SOFT_DEFAULT)
                p->rlimits[RLIMIT_NOFILE] = (ExecRlimit) { .set = true,
                                                           .soft = SERVICE_NOFILE_SOFT_DEFAULT,
                                                           .hard = rl.rlim_max };
        p->capability_bounding_set = c->capability_bounding_set == CAPABILITY_MASK_ALL
                                             ? EXEC_CAPS_ALL : c->capability_bounding_set;
        p->ambient_capabilities = c->ambient_capabilities;
        /* PrivateDevices= and friends take capabilities away, as in systemd. */
        uint64_t removed = unit_sandbox_capabilities_removed(&c->sandbox);
        p->capability_bounding_set &= ~removed;
        p->ambient_capabilities &= ~removed;
        p->no_new_privs = c->no_new_privileges;
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

int service_exec_prepare(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid, ServiceExec **ret,
                         char **ret_message) {
        _cleanup_(service_exec_freep) ServiceExec *e = calloc(1, sizeof(ServiceExec));
        int r;

        if (!e)
                return -ENOMEM;
        exec_plan_init(&e->plan);
        r = service_exec_find_executable(cmd->path, &e->path);
        if (r < 0)
                return set_message(ret_message, "Executable %s: %s", cmd->path, strerror(-r)), r;
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
        prepare_filters(u, &e->plan);
        if ((r = service_mdwe_prepare(u, &e->plan, ret_message)) < 0)
                return r;
        *ret = TAKE_PTR(e);
        return 0;
}
