/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's main phase, from load to the running service (see service-phase.h). Residual
 * window, after-loader: between the launch execve and the preloaded object's constructor the
 * service runs the dynamic loader and the constructors of libraries initialised before ours
 * under the start-up filter only; the main filter applies from the marker on. A process that
 * never sends the marker is killed within SERVICE_PHASE_MARKER_TIMEOUT_USEC, and may run its
 * own code unfiltered by the main phase until then (never unfiltered by the start-up one).
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/manager.h"
#include "core/service-exec.h"
#include "config.h"
#include "core/service-phase.h"
#include "exec/exec-phase.h"
#include "sys/log.h"
#include "phase-marker.h"
#include "strv.h"

UnitPhase *unit_phase_free(UnitPhase *p) {
        if (!p)
                return NULL;
        policy_phase_free(p->phase);
        filter_set_free(p->notify);
        filter_set_free(p->main);
        safe_close(p->main_memfd);
        free(p);
        return NULL;
}

/* The main filter in the format syscage-preload.so reads: per program, a uint32_t count of
 * instructions and the instructions. Sealed, so no launch can change what the next loads. */
static int main_memfd(const FilterSet *s) {
        _cleanup_close_ int fd = memfd_create("syscage-main-phase", MFD_CLOEXEC | MFD_ALLOW_SEALING);

        if (fd < 0)
                return -errno;
        for (size_t i = 0; i < s->n; i++) {
                uint32_t len = s->progs[i].len;
                size_t size = (size_t) len * sizeof(struct sock_filter);
                if (write(fd, &len, sizeof len) != (ssize_t) sizeof len ||
                    write(fd, s->progs[i].filter, size) != (ssize_t) size)
                        return errno > 0 ? -errno : -EIO;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return -errno;
        return TAKE_FD(fd);
}

static int compile_routes(Unit *u, UnitPhase *up) {
        const PolicyPhase *ph = up->phase;
        _cleanup_free_ int *calls = calloc(ph->n_startup_only + 1, sizeof(int));
        FilterPhaseRoutes routes = {
                .exec = policy_denies_exec(u->policy),
                .marker = ph->start == PHASE_START_AFTER_LOADER,
                .marker_args = { SYSCAGE_PHASE_MARK_ARG0, SYSCAGE_PHASE_MARK_ARG1 },
                .n_calls = ph->n_startup_only,
        };

        if (!calls)
                return -ENOMEM;
        for (size_t i = 0; i < ph->n_startup_only; i++)
                calls[i] = ph->startup_only[i].nr;
        routes.calls = calls;
        memcpy(routes.key, u->manager->exec_key.word, sizeof routes.key);
        return filter_compile_phase_notify(policy_is_empty(u->policy) ? NULL : u->policy, &routes,
                                           &up->notify);
}

/* The ExecStart= executable as the load can see it; NULL when it cannot be known yet. */
static char *main_executable(Unit *u) {
        const ExecCommandList *l = &u->config->exec[SERVICE_EXEC_START];
        char *path = NULL;

        if (l->n == 0 || u->config->sandbox.root_directory)
                return NULL;
        if (service_exec_find_executable(l->commands[0].path, &path) < 0)
                return NULL;
        return path;
}

int service_phase_load(Unit *u) {
        _cleanup_(unit_phase_freep) UnitPhase *up = calloc(1, sizeof *up);
        int r;

        if (!up)
                return -ENOMEM;
        up->main_memfd = -EBADF;
        r = policy_phase_build(u->file, u->policy, &u->load_diags, &up->phase);
        if (r < 0)
                return r;
        if (!up->phase)
                return 0;
        _cleanup_free_ char *exe = main_executable(u);
        r = policy_phase_check_executable(up->phase, exe, &u->load_diags);
        if (r < 0)
                return r;
        if (up->phase->start == PHASE_START_AFTER_LOADER) {
                r = filter_compile(up->phase->main, &up->main);
                if (r >= 0)
                        r = up->main_memfd = main_memfd(up->main);
        }
        if (r >= 0)
                r = compile_routes(u, up);
        if (r < 0) {
                (void) diag_add(&u->load_diags, DIAG_ERROR, up->phase->file, up->phase->line,
                                "MainPhaseStarts", "Failed to compile the main-phase filter: %s",
                                strerror(-r));
                return r == -ENOMEM ? r : -EINVAL;
        }
        u->phase = TAKE_PTR(up);
        return 0;
}

/* "main-phase filter not installed: PATH (WHY)". */
static int set_message(char **ret, const char *path, const char *why) {
        if (ret && asprintf(ret, "%s: %s%s%s%s", SERVICE_PHASE_NOT_INSTALLED, path, why ? " (" : "",
                            why ?: "", why ? ")" : "") < 0)
                *ret = NULL;
        return 0;
}

/* The loader ignores LD_PRELOAD (or takes it only from trusted directories) for a program
 * that gains privileges at execve. */
static int check_not_privileged(const char *path, char **ret_message) {
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (st.st_mode & (S_ISUID | S_ISGID))
                return set_message(ret_message, path, "the executable is setuid or setgid"), -EPERM;
        if (getxattr(path, "security.capability", NULL, 0) >= 0)
                return set_message(ret_message, path, "the executable has file capabilities"), -EPERM;
        return 0;
}

/* The object next to syscaged (a build tree), else where it is installed. Both are as
 * trusted as syscaged itself. */
int service_phase_preload_path(const Manager *m, char **ret) {
        const char *self = m->self_path;
        const char *slash = self ? strrchr(self, '/') : NULL;
        char *p = NULL;

        if (slash) {
                if (asprintf(&p, "%.*s/%s", (int) (slash - self), self, SERVICE_PHASE_PRELOAD_NAME) < 0)
                        return -ENOMEM;
                if (faccessat(AT_FDCWD, p, F_OK, AT_EACCESS) >= 0) {
                        *ret = p;
                        return 0;
                }
                free(p);
        }
        if (asprintf(&p, "%s/%s", SYSCAGE_PKGLIB_DIR, SERVICE_PHASE_PRELOAD_NAME) < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* LD_PRELOAD gets the object after what the unit has there; SYSCAGE_PHASE the fd. */
static int env_add_preload(char ***envp, const char *preload) {
        char **l = *envp;
        char *entry = NULL;
        size_t key = strlen("LD_PRELOAD=");

        for (size_t i = 0; l && l[i]; i++)
                if (strncmp(l[i], "LD_PRELOAD=", key) == 0) {
                        if (asprintf(&entry, "%s%s%s", l[i], l[i][key] ? ":" : "", preload) < 0)
                                return -ENOMEM;
                        free(l[i]);
                        l[i] = entry;
                        break;
                }
        if (!entry) {
                if (asprintf(&entry, "LD_PRELOAD=%s", preload) < 0)
                        return -ENOMEM;
                if (strv_consume(envp, entry) < 0)
                        return -ENOMEM;
        }
        char buf[64];
        snprintf(buf, sizeof buf, "%s=%d", SYSCAGE_PHASE_ENV, SERVICE_PHASE_FD);
        for (size_t i = 0; (*envp)[i]; i++)
                if (strncmp((*envp)[i], SYSCAGE_PHASE_ENV "=", strlen(SYSCAGE_PHASE_ENV) + 1) == 0) {
                        char *c = strdup(buf);
                        if (!c)
                                return -ENOMEM;
                        free((*envp)[i]);
                        (*envp)[i] = c;
                        return 0;
                }
        return strv_extend(envp, buf);
}

static unsigned filters_at_launch(const ExecPlan *p) {
        unsigned n = (unsigned) p->n_filter_baseline + (p->filter_notify ? 1 : 0);
        if (p->filter_policy)
                n += (unsigned) MAX(p->n_filter_policy, (size_t) 1);
        return n;
}

static int prepare_after_loader(Unit *u, ExecPlan *plan, char ***envp, int *fd, char **ret_message) {
        _cleanup_free_ char *preload = NULL;
        char path[64];
        int r;

        r = check_not_privileged(plan->path, ret_message);
        if (r < 0)
                return r;
        r = service_phase_preload_path(u->manager, &preload);
        if (r < 0)
                return r;
        if (faccessat(AT_FDCWD, preload, R_OK, AT_EACCESS) < 0)
                return r = -errno, set_message(ret_message, preload, "the preloaded object is missing"), r;
        r = env_add_preload(envp, preload);
        if (r < 0)
                return r;
        /* A read-only open file of its own for each launch: the memfd itself stays ours. */
        snprintf(path, sizeof path, "/proc/self/fd/%d", u->phase->main_memfd);
        *fd = open(path, O_RDONLY | O_CLOEXEC);
        if (*fd < 0)
                return -errno;
        plan->phase_fd = *fd;
        plan->phase_fd_target = SERVICE_PHASE_FD;
        plan->phase_filters_expected = filters_at_launch(plan) + (unsigned) u->phase->main->n;
        return 0;
}

int service_phase_prepare(Unit *u, ExecPlan *plan, char ***envp, int *fd, char **ret_message) {
        UnitPhase *up = u->phase;
        int r;

        *fd = -EBADF;
        if (!up)
                return 0;
        plan->phase_start = up->phase->start;
        plan->phase_exec_routed = policy_denies_exec(u->policy);
        plan->filter_notify = &up->notify->progs[0];
        if (!plan->phase_exec_routed) {
                /* No exec gate: the gate's answers do not apply; a root service still loses
                 * CAP_SYS_PTRACE (the listener answers the phase). */
                uid_t final_uid = plan->uid == EXEC_UID_UNSET ? geteuid() : plan->uid;
                plan->drop_cap_sys_ptrace = plan->drop_cap_sys_ptrace || final_uid == 0;
        }
        memcpy(plan->phase_key, u->manager->exec_key.word, sizeof plan->phase_key);
        plan->phase_calls = up->phase->startup_only;
        plan->n_phase_calls = up->phase->n_startup_only;
        if (up->phase->start != PHASE_START_AFTER_LOADER)
                return 0;
        r = prepare_after_loader(u, plan, envp, fd, ret_message);
        if (r < 0)
                *fd = safe_close(*fd);
        return r;
}

static void phase_report(UnitProcess *p) {
        ExecPhase *ph = p->exec ? p->exec->phase : NULL;

        if (!ph || !ph->failed || ph->reported)
                return;
        ph->reported = true;
        log_unit_error(p->unit->name, "Killed: %s.", SERVICE_PHASE_NOT_INSTALLED);
        unit_log_line(p->unit, "Killed: %s", SERVICE_PHASE_NOT_INSTALLED);
        (void) unit_set_status_text(p->unit, SERVICE_PHASE_NOT_INSTALLED);
}

static int on_marker_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        UnitProcess *p = userdata;

        p->phase_timer = sd_event_source_disable_unref(p->phase_timer);
        if (p->exec && exec_phase_expired(p->exec))
                log_unit_error(p->unit->name, "No main-phase marker within %llu s of the launch.",
                               SERVICE_PHASE_MARKER_TIMEOUT_USEC / 1000000ULL);
        phase_report(p);
        return 0;
}

void service_phase_on_execed(UnitProcess *p) {
        uint64_t now;

        if (!p->exec || !p->exec->phase)
                return;
        p->exec->phase->execed = true;
        if (p->exec->phase->start != PHASE_START_AFTER_LOADER || p->exec->phase->main || p->phase_timer)
                return;
        if (sd_event_now(p->unit->manager->event, CLOCK_MONOTONIC, &now) < 0 ||
            sd_event_add_time(p->unit->manager->event, &p->phase_timer, CLOCK_MONOTONIC,
                              now + SERVICE_PHASE_MARKER_TIMEOUT_USEC, 0, on_marker_timeout, p) < 0) {
                /* Without a deadline the phase cannot be verified: fail closed now. */
                (void) exec_phase_expired(p->exec);
                phase_report(p);
        }
}

void service_phase_on_exit(UnitProcess *p, int *code, int *status) {
        ExecPhase *ph = p->exec ? p->exec->phase : NULL;

        p->phase_timer = sd_event_source_disable_unref(p->phase_timer);
        /* Only a process that exec'd: one that failed before (EXEC_REPORT_FAILED) ran nothing. */
        if (!ph || ph->start != PHASE_START_AFTER_LOADER || ph->main || !ph->execed)
                return;
        ph->failed = true;
        *code = CLD_KILLED;
        *status = SIGKILL;
        phase_report(p);
}

void service_phase_check(UnitProcess *p) {
        if (!p->exec || !p->exec->phase)
                return;
        if (p->exec->phase->main && p->phase_timer)
                p->phase_timer = sd_event_source_disable_unref(p->phase_timer);
        phase_report(p);
}

void service_phase_on_ready(Unit *u) {
        if (!u->main || !u->main->exec || !u->main->exec->phase ||
            u->main->exec->phase->start != PHASE_START_AFTER_READY || u->main->exec->phase->main)
                return;
        exec_phase_set_main(u->main->exec);
        unit_log_line(u, "READY=1: the main phase is in force");
}
