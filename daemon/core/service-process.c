/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The processes of a service, from spawn to reap. Each spawned process has up to three fds
 * watched here: its launch socket (the launch report), the exec gate's listener (denials,
 * for as long as anything uses the filter), and its pidfd (exit). A UnitProcess is freed
 * once it has exited and its listener hung up. Output goes through one stream per start
 * cycle (u->output), whose child ends are closed when the cycle ends.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sys/cgroup.h"
#include "sys/fileio.h"
#include "core/denial-feed.h"
#include "sys/log.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "io/output.h"
#include "sys/process-util.h"
#include "sys/reaper.h"
#include "core/service-exec.h"
#include "core/service-process.h"
#include "core/unit-learn.h"
#include "core/service-phase.h"
#include "core/unit-runtime.h"
#include "core/service.h"
#include "exec/filter-cache.h"
#include "core/manager-takeover.h"
#include "sys/holder-client.h"

/* *RET gets the formatted message, or NULL when there is no memory for it (asprintf() leaves
 * its target undefined on failure). */
_printf_(2, 3) static void set_message(char **ret, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret, fmt, ap) < 0)
                *ret = NULL;
        va_end(ap);
}

static CgroupContext *unit_cgroup(Unit *u) {
        CgroupContext *c = u->manager->cgroup;
        return c;
}

static bool cgroup_mode(Unit *u) {
        CgroupContext *c = unit_cgroup(u);
        return c && c->available;
}

static void process_maybe_free(UnitProcess *p) {
        if (!p->exited)
                return;
        if (p->exec && p->exec->listener_fd >= 0)
                return;
        Unit *u = p->unit;
        unit_drop_process(u, p);
        service_check_release(u);
}

static int process_open_output(Unit *u);

static void on_cgroup_empty(CgroupContext *c, const char *unit_name, void *userdata) {
        service_check_empty(userdata);
}

/* Processes of an earlier run are still in the unit's cgroup (KillMode=process or none, or a
 * stop that gave up): as systemd, start next to them rather than refuse. */
static int cgroup_reuse(Unit *u, CgroupContext *c) {
        _cleanup_free_ char *path = NULL;
        int r = cgroup_service_path(c, u->name, &path);
        if (r < 0)
                return r;
        if (faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) < 0)
                return -errno;
        log_unit_warning(u->name, "Found left-over processes in %s from an earlier run, starting anyway.",
                         path);
        return 0;
}

int service_process_prepare(Unit *u, char **ret_message) {
        CgroupContext *c = unit_cgroup(u);
        int r;

        if (cgroup_mode(u) && !u->cgroup_created) {
                /* The directory fd is opened again for each spawn (CLONE_INTO_CGROUP) rather
                 * than held: one fd less per running service. */
                int fd = -EBADF;
                r = cgroup_service_create(c, u->name, &fd);
                safe_close(fd);
                if (r == -EBUSY)
                        r = cgroup_reuse(u, c);
                if (r < 0) {
                        if (ret_message)
                                set_message(ret_message, "Failed to create the cgroup of %s: %s%s",
                                                u->name, strerror(-r),
                                                r == -EBUSY ? " (processes of an earlier run are left)" : "");
                        return r;
                }
                free(u->cgroup_path);
                u->cgroup_path = NULL;
                r = cgroup_service_path(c, u->name, &u->cgroup_path);
                if (r < 0)
                        return r;
                u->cgroup_created = true;
                u->cgroup_source = sd_event_source_disable_unref(u->cgroup_source);
                r = cgroup_service_watch(c, u->manager->event, u->name, on_cgroup_empty, u,
                                         &u->cgroup_source);
                if (r < 0)
                        log_unit_warning_errno(u->name, r, "Failed to watch cgroup.events, ignoring: %m");
        }
        r = process_open_output(u);
        if (r < 0) {
                if (ret_message)
                        set_message(ret_message, "Failed to set up the output of %s: %s", u->name,
                                        strerror(-r));
                return r;
        }
        /* The dynamic user, the directories, the private /tmp (unit-runtime.h). */
        return unit_runtime_start(u, ret_message);
}

/* ---- exit ---- */

static void process_exited(UnitProcess *p, int code, int status) {
        Unit *u = p->unit;

        p->exited = true;
        unit_remember_pid(u, p->pid);
        p->code = code;
        p->status = status;
        unit_write_status_file(u);
        p->pidfd_source = sd_event_source_disable_unref(p->pidfd_source);
        (void) reaper_untrack(u->manager->reaper, p->pid);
        if (u->main == p) {
                u->exec_main_exit_timestamp = now_usec(CLOCK_REALTIME);
                service_on_main_exited(u, code, status);
        } else if (u->control == p) {
                u->control = NULL;
                service_on_control_exited(u, code, status);
        } else
                service_check_empty(u);
}

static void process_drain_reports(UnitProcess *p);

/* Exited processes whose gate stays because descendants still use it: at most
 * UNIT_KEPT_GATES_MAX per unit, or a unit whose processes leave children behind at every
 * restart (KillMode=process) would use up the daemon's descriptors. Past that, the oldest
 * gate is closed: its remaining callers' execve then fails with ENOSYS, still denied, but
 * the kill action is lost for them (logged). */
static void process_limit_kept_gates(Unit *u) {
        size_t kept = 0;
        for (size_t i = 0; i < u->n_procs; i++)
                kept += u->procs[i]->exited && u->procs[i]->exec && u->procs[i]->exec->listener_fd >= 0;
        for (size_t i = 0; i < u->n_procs && kept > UNIT_KEPT_GATES_MAX;) {
                UnitProcess *p = u->procs[i];
                if (!p->exited || !p->exec || p->exec->listener_fd < 0) {
                        i++;
                        continue;
                }
                log_unit_warning(u->name, "More than %u exited processes leave their exec gate in use; closing "
                                 "the one of pid %d (its descendants' execve now fails with ENOSYS).",
                                 UNIT_KEPT_GATES_MAX, (int) p->pid);
                p->listener_source = sd_event_source_disable_unref(p->listener_source);
                exec_process_close_listener(p->exec);
                if (p->holder_name[0]) {
                        takeover_release(u->manager, p->holder_name);
                        p->holder_name[0] = '\0';
                }
                kept--;
                unit_drop_process(u, p); /* exited, no gate left: nothing keeps it */
        }
}

static int on_pidfd(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        UnitProcess *p = userdata;
        siginfo_t si = {};

        if (waitid(P_PIDFD, (id_t) fd, &si, WEXITED | WNOHANG) < 0) {
                if (errno != ECHILD) {
                        log_unit_warning_errno(p->unit->name, errno, "waitid() failed: %m");
                        return 0;
                }
                si.si_pid = p->pid;
                if (p->adopted_orphan) {
                        /* Its parent was a previous daemon; the fd holder reaped it and tells
                         * us how it ended, now or in a moment (service_process_holder_exit()). */
                        if (!takeover_claim_exit(p->unit->manager, p->pid, &si.si_code, &si.si_status)) {
                                if (holder_client_connected(p->unit->manager->holder)) {
                                        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
                                        return 0;
                                }
                                log_unit_warning(p->unit->name, "Process %d exited while no daemon was "
                                                 "there and the fd holder is gone: its exit status is "
                                                 "unknown, taken as 0.", (int) p->pid);
                                si.si_code = CLD_EXITED;
                                si.si_status = 0;
                        }
                } else {
                        /* Not our child (an adopted main pid whose parent still lives): its
                         * status is not ours to know. */
                        si.si_code = CLD_EXITED;
                        si.si_status = 0;
                }
        }
        if (si.si_pid == 0)
                return 0; /* not yet: spurious wakeup */
        if (p->exec && p->exec->socket_fd >= 0)
                process_drain_reports(p);
        Unit *u = p->unit;
        /* What it wrote before it exited goes into the log before its exit is acted on:
         * `status` and waiting clients then see its last lines. */
        output_stream_read_now(u->output);
        /* A seccomp kill: its record is already in the kernel log; read it now, so the denial
         * is counted before the state change that clients (run --wait, status) act on. */
        if ((si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED) && si.si_status == SIGSYS)
                denial_feed_flush(u->manager->denials);
        service_phase_on_exit(p, &si.si_code, &si.si_status);
        process_exited(p, si.si_code, si.si_status);
        process_limit_kept_gates(u);
        /* p may be gone: look it up again. */
        for (size_t i = 0; i < u->n_procs; i++)
                if (u->procs[i] == p) {
                        process_maybe_free(p);
                        break;
                }
        return 0;
}

/* ---- the exec gate ---- */

static void on_denial(const ExecDenial *d, void *userdata) {
        UnitProcess *p = userdata;
        UnitDenial r = { .pid = d->pid ?: d->tid, .gate = true };

        snprintf(r.comm, sizeof r.comm, "%s", d->comm);
        snprintf(r.syscall, sizeof r.syscall, "%s", d->syscall ?: "unknown");
        snprintf(r.path, sizeof r.path, "%.*s", (int) sizeof r.path - 1, d->path);
        if (d->action == EXEC_GATE_KILL)
                snprintf(r.action, sizeof r.action, "killed");
        else if (d->action == EXEC_GATE_REPORT) /* PolicyMode=complain */
                snprintf(r.action, sizeof r.action, "allowed (complain)");
        else
                snprintf(r.action, sizeof r.action, "%s", strerrorname_np(d->error) ?: "errno");
        unit_add_denial(p->unit, &r);
}

static int on_listener(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        UnitProcess *p = userdata;
        int r = exec_gate_handle(p->exec, on_denial, p);

        service_phase_check(p);
        if (r == 0)
                return 0;
        if (r < 0 && r != -EBADF)
                log_unit_warning_errno(p->unit->name, r, "Exec gate failed, closing it: %m");
        p->listener_source = sd_event_source_disable_unref(p->listener_source);
        exec_process_close_listener(p->exec);
        if (p->holder_name[0]) {
                takeover_release(p->unit->manager, p->holder_name);
                p->holder_name[0] = '\0';
        }
        process_maybe_free(p);
        return 0;
}

static void on_learn(const struct seccomp_notif *n, void *userdata) {
        UnitProcess *p = userdata;
        unit_learn_record(p->unit, n);
}

static void process_watch_listener(UnitProcess *p) {
        if (p->listener_source || !p->exec || p->exec->listener_fd < 0)
                return;
        if (p->exec->learn) {
                p->exec->learn_cb = on_learn;
                p->exec->learn_userdata = p;
                /* READY=1 is the switch point of a notify service (unit_learn_ready()). */
                p->exec->learn_until_ready = p == p->unit->main && unit_learn_awaits_ready(p->unit);
        }
        int r = sd_event_add_io(p->unit->manager->event, &p->listener_source,
                                p->exec->listener_fd, EPOLLIN, on_listener, p);
        if (r < 0)
                log_unit_error_errno(p->unit->name, r, "Failed to watch the exec gate: %m");
        /* after-ready: a READY=1 sent before a routed call is read before that call is
         * answered (exec_phase_one_at_a_time()). */
        else if (p->exec->phase || p->exec->learn_until_ready)
                (void) sd_event_source_set_priority(p->listener_source, SD_EVENT_PRIORITY_NORMAL + 1);
        /* So that the gate outlives us: the service's execve then waits for the next daemon's
         * answer instead of failing with ENOSYS. */
        if (!p->holder_name[0]) {
                snprintf(p->holder_name, sizeof p->holder_name, "gate:%s:%d", p->unit->invocation_id,
                         (int) p->pid);
                takeover_hold(p->unit->manager, p->holder_name, p->exec->listener_fd);
        }
}

/* ---- the launch report ---- */

static void report_failure(UnitProcess *p, ExecStage stage, int error) {
        Unit *u = p->unit;
        log_unit_error(u->name, "Failed at step %s spawning %s: %s", exec_stage_to_string(stage),
                       p->is_main ? "the main process" : "a control process", strerror(error));
        unit_log_line(u, "Failed at step %s: %s", exec_stage_to_string(stage), strerror(error));
}

/* Reads what the launch socket has. Returns true when the launch is decided (the socket
 * is closed), false when more is to come. */
static bool process_read_report(UnitProcess *p) {
        ExecStage stage = _EXEC_STAGE_INVALID;
        int error = 0;

        for (;;) {
                int r = exec_read_report(p->exec, &stage, &error);
                if (r == EXEC_REPORT_AGAIN)
                        return false;
                if (r == EXEC_REPORT_LISTENER) {
                        process_watch_listener(p);
                        continue;
                }
                p->socket_source = sd_event_source_disable_unref(p->socket_source);
                if (r < 0) {
                        log_unit_warning_errno(p->unit->name, r, "Bad launch report: %m");
                        p->exec->socket_fd = safe_close(p->exec->socket_fd);
                } else if (r == EXEC_REPORT_FAILED)
                        report_failure(p, stage, error);
                else if (r == EXEC_REPORT_EXECED && p->is_main && p->unit->main == p) {
                        service_phase_on_execed(p);
                        service_on_main_execed(p->unit);
                }
                return true;
        }
}

static int on_socket(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        UnitProcess *p = userdata;
        (void) process_read_report(p);
        return 0;
}

/* The process exited: whatever it reported is in the socket now. */
static void process_drain_reports(UnitProcess *p) {
        if (!process_read_report(p) && p->exec->socket_fd >= 0) {
                p->socket_source = sd_event_source_disable_unref(p->socket_source);
                p->exec->socket_fd = safe_close(p->exec->socket_fd);
        }
}

/* ---- spawn ---- */

static OutputMode output_mode_of(ExecOutput o, OutputMode fallback) {
        switch (o) {
        case EXEC_OUTPUT_NULL:
                return OUTPUT_NULL;
        case EXEC_OUTPUT_FILE:
                return OUTPUT_FILE;
        case EXEC_OUTPUT_APPEND:
                return OUTPUT_APPEND;
        case EXEC_OUTPUT_TRUNCATE:
                return OUTPUT_TRUNCATE;
        case EXEC_OUTPUT_JOURNAL:
                return OUTPUT_LOG;
        default:
                return fallback;
        }
}

static void on_output_drained(OutputStream *s, void *userdata) {
        Unit *u = userdata;
        unit_output_release(u, s);
        if (s == u->output_prev)
                u->output_prev = unit_output_free(u, u->output_prev);
        else
                service_check_release(u);
}

/* Opens the output stream of a start cycle. */
static int process_open_output(Unit *u) {
        const UnitConfig *c = u->config;
        OutputContext *ctx = u->manager->output;
        int r;

        if (!ctx)
                return 0;
        if (u->output) {
                /* Still draining from the last cycle: keep it (one at most) until it is. */
                unit_output_free(u, u->output_prev);
                u->output_prev = output_stream_drained(u->output) ? unit_output_free(u, u->output)
                                                                  : u->output;
                u->output = NULL;
        }
        OutputMode out = output_mode_of(c->std_output, OUTPUT_LOG);
        OutputMode err = output_mode_of(c->std_error, out);
        /* The stream is named by the cycle's invocation id, so that the next daemon finds
         * its spool and its pipes after a crash (manager-takeover.h). */
        r = output_open_durable(ctx, u->name, u->invocation_id, out, c->std_output_path, err,
                                c->std_error == EXEC_OUTPUT_INHERIT ? c->std_output_path : c->std_error_path,
                                &u->output);
        if (r < 0)
                return r;
        unit_output_hold(u, u->output);
        output_stream_set_drained_callback(u->output, on_output_drained, u);
        if (u->output_prev)
                output_stream_set_drained_callback(u->output_prev, on_output_drained, u);
        return 0;
}

static int process_open_stdio(Unit *u, ServiceExec *e, int *ret_stdin) {
        const UnitConfig *c = u->config;
        const char *in = c->std_input == EXEC_INPUT_FILE && c->std_input_path ? c->std_input_path : "/dev/null";
        int fd;

        if (u->stdio_fds[0] >= 0) {
                e->plan.stdin_fd = u->stdio_fds[0]; /* the unit's, not ours to close */
                *ret_stdin = -EBADF;
        } else {
                /* O_NONBLOCK: a FIFO without a writer (the path may lie where the service
                 * writes) must not block the daemon in open(); the child gets a blocking fd. */
                fd = open(in, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
                if (fd < 0)
                        return -errno;
                int fl = fcntl(fd, F_GETFL);
                if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
                        int r = -errno;
                        safe_close(fd);
                        return r;
                }
                *ret_stdin = fd;
                e->plan.stdin_fd = fd;
        }
        if (u->output) {
                e->plan.stdout_fd = output_stream_child_fd(u->output, OUTPUT_STDOUT);
                e->plan.stderr_fd = output_stream_child_fd(u->output, OUTPUT_STDERR);
                if (e->plan.stdout_fd < 0 || e->plan.stderr_fd < 0)
                        return -EBADF;
        }
        if (u->stdio_fds[1] >= 0)
                e->plan.stdout_fd = u->stdio_fds[1];
        if (u->stdio_fds[2] >= 0)
                e->plan.stderr_fd = u->stdio_fds[2];
        return 0;
}

static int process_watch(UnitProcess *p) {
        sd_event *e = p->unit->manager->event;
        int r = sd_event_add_io(e, &p->pidfd_source, p->pidfd, EPOLLIN, on_pidfd, p);
        if (r < 0)
                return r;
        if (p->exec && p->exec->socket_fd >= 0) {
                /* exec_read_report() closes the socket when the launch is decided, before we
                 * can remove the source. A child spawned meanwhile may still hold a copy of
                 * that socket until its execve, which would keep a registration for a freed
                 * source alive in epoll. So the source watches a duplicate it owns. */
                int fd = fcntl(p->exec->socket_fd, F_DUPFD_CLOEXEC, 3);
                if (fd < 0)
                        return -errno;
                r = sd_event_add_io(e, &p->socket_source, fd, EPOLLIN, on_socket, p);
                if (r < 0) {
                        safe_close(fd);
                        return r;
                }
                (void) sd_event_source_set_io_fd_own(p->socket_source, true);
        }
        return 0;
}

static int process_register(Unit *u, UnitProcess *p, bool is_main) {
        int r = unit_add_process(u, p);
        if (r < 0) {
                /* Untracked, it would run unsupervised (and, in process-group mode, never be
                 * stopped): kill it; the reaper collects it. */
                (void) process_pidfd_signal(p->pidfd, SIGKILL);
                unit_process_free(p);
                return r;
        }
        p->is_main = is_main;
        if (is_main) {
                u->main = p;
                u->exec_main_start_timestamp = now_usec(CLOCK_REALTIME);
                u->exec_main_exit_timestamp = 0;
                u->main_pid = p->pid;
                u->main_pid_known = true;
        } else
                u->control = p;
        /* The durable state must name every process, or the next daemon would find it as a
         * stranger in the unit's cgroup. */
        unit_write_status_file(u);
        r = process_watch(p);
        if (r < 0)
                log_unit_error_errno(u->name, r, "Failed to watch process %d: %m", (int) p->pid);
        return 0;
}

int service_process_spawn(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid,
                          char **ret_message) {
        _cleanup_(service_exec_freep) ServiceExec *e = NULL;
        _cleanup_(exec_process_freep) ExecProcess *exec = NULL;
        _cleanup_close_ int stdin_fd = -EBADF, cgroup_fd = -EBADF;
        int r;

        r = service_exec_prepare(u, cmd, is_main, mainpid, &e, ret_message);
        if (r < 0)
                return r;
        r = process_open_stdio(u, e, &stdin_fd);
        if (r < 0)
                return r;
        if (u->cgroup_created) {
                cgroup_fd = open(u->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cgroup_fd < 0) {
                        r = -errno;
                        if (ret_message)
                                set_message(ret_message, "Failed to open the cgroup %s: %s", u->cgroup_path,
                                                strerror(-r));
                        return r;
                }
        }
        e->plan.cgroup_fd = cgroup_fd;
        r = exec_spawn(&e->plan, &exec);
        if (r < 0)
                return r;
        /* Records name the pid of the process that wrote them: the main process, or a
         * control process (ExecStartPre=, ExecStopPost=, ...) while no main process runs.
         * While both run they share the pipes, and the records name the main process. */
        if (u->output && (is_main || !unit_process_alive(u->main)))
                output_set_pid(u->output, exec->pid);
        r = reaper_track(u->manager->reaper, exec->pid);
        if (r < 0)
                log_unit_warning_errno(u->name, r, "Failed to track pid %d: %m", (int) exec->pid);

        UnitProcess *p = calloc(1, sizeof(UnitProcess));
        if (!p) {
                (void) process_pidfd_signal(exec->pidfd, SIGKILL);
                return -ENOMEM; /* the reaper collects it once untracked; see process_exited */
        }
        p->pid = exec->pid;
        p->pidfd = exec->pidfd;
        (void) process_start_time(p->pid, &p->start_time);
        p->exec = TAKE_PTR(exec);
        log_unit_debug(u->name, "Spawned %s as pid %d.", e->path, (int) p->pid);
        return process_register(u, p, is_main);
}

/* ---- signals ---- */

static void signal_process(UnitProcess *p, int sig) {
        if (!p || p->exited)
                return;
        int r = process_pidfd_signal(p->pidfd, sig);
        if (r < 0 && r != -ESRCH)
                log_unit_warning_errno(p->unit->name, r, "Failed to signal pid %d: %m", (int) p->pid);
}

static void signal_group(Unit *u, int sig) {
        CgroupContext *c = unit_cgroup(u);
        if (!c)
                return;
        /* In process-group mode each spawned process leads its own session. */
        pid_t groups[2] = { u->main_pid, u->control ? u->control->pid : 0 };
        for (size_t i = 0; i < (cgroup_mode(u) ? 1 : 2); i++) {
                if (!cgroup_mode(u) && groups[i] <= 0)
                        continue;
                int r = cgroup_service_kill(c, u->name, groups[i], sig);
                if (r < 0 && r != -ESRCH)
                        log_unit_warning_errno(u->name, r, "Failed to send signal %d: %m", sig);
        }
}

void service_process_kill(Unit *u, int sig, bool sigkill) {
        KillMode km = u->config->kill_mode;
        bool whole = km == KILL_CONTROL_GROUP || (km == KILL_MIXED && sigkill);

        signal_process(u->control, sig);
        if (whole)
                signal_group(u, sig);
        else if (km != KILL_NONE)
                signal_process(u->main, sig);
        if (sig == SIGKILL || sig == SIGCONT)
                return;
        signal_process(u->control, SIGCONT);
        if (whole)
                signal_group(u, SIGCONT);
        else if (km != KILL_NONE)
                signal_process(u->main, SIGCONT);
}

void service_process_kill_control(Unit *u) {
        signal_process(u->control, SIGKILL);
}

bool service_process_cgroup_populated(Unit *u) {
        CgroupContext *c = unit_cgroup(u);
        if (!c)
                return false;
        if (cgroup_mode(u))
                return cgroup_service_is_empty(c, u->name, 0) == 0;
        return u->main_pid > 0 && cgroup_service_is_empty(c, u->name, u->main_pid) == 0;
}

void service_process_release(Unit *u) {
        /* The cycle is over: once its processes are gone, the pipes reach EOF. */
        if (u->output)
                output_child_fds_close(u->output);
        /* Before the cgroup goes: it still tells whether processes are left. */
        unit_runtime_stop(u);
        u->cgroup_source = sd_event_source_disable_unref(u->cgroup_source);
        u->cgroup_created = false;
        if (cgroup_mode(u)) {
                int r = cgroup_service_remove(unit_cgroup(u), u->name);
                if (r < 0 && r != -EBUSY)
                        log_unit_debug_errno(u->name, r, "Failed to remove cgroup, ignoring: %m");
        }
        for (size_t i = u->n_procs; i > 0; i--)
                process_maybe_free(u->procs[i - 1]);
}

/* ---- adopting a main pid ---- */

static int adopt(Unit *u, pid_t pid) {
        int pidfd;
        int r = process_pidfd_open(pid, &pidfd);
        if (r < 0)
                return r;
        UnitProcess *p = calloc(1, sizeof(UnitProcess));
        if (!p) {
                safe_close(pidfd);
                return -ENOMEM;
        }
        p->pid = pid;
        p->pidfd = pidfd;
        (void) process_start_time(pid, &p->start_time);
        /* Re-parented to us (we are a subreaper) once its parent exits: its status is ours
         * to collect, not the orphan reaper's. */
        (void) reaper_track(u->manager->reaper, pid);
        if (u->main && !u->main->exited)
                u->main->is_main = false;
        if (u->output)
                output_set_pid(u->output, pid);
        return process_register(u, p, true);
}

static int read_pid_file(const char *path, pid_t *ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_virtual_file_at(AT_FDCWD, path, SERVICE_PID_FILE_MAX, &text);
        if (r < 0)
                return r;
        int pid;
        if (sscanf(text, "%d", &pid) != 1 || pid <= 1)
                return -EBADMSG;
        *ret = pid;
        return 0;
}

static int guess_main_pid(Unit *u, pid_t *ret) {
        _cleanup_free_ char *text = NULL;
        char path[4096];

        if (!u->cgroup_path)
                return -EOPNOTSUPP;
        snprintf(path, sizeof path, "%s/cgroup.procs", u->cgroup_path);
        int r = read_virtual_file_at(AT_FDCWD, path, 1024 * 1024, &text);
        if (r < 0)
                return r;
        int pid = 0, n = 0, k;
        for (char *s = text; sscanf(s, "%d%n", &pid, &k) == 1; s += k)
                n++;
        if (n != 1)
                return -ESRCH;
        *ret = pid;
        return 0;
}

/* Whether only root can have written PATH: owned by root and not writable by group or
 * others. (Like systemd, we trust such a file to name a process outside the unit.) */
static bool pid_file_trusted(const char *path) {
        struct stat st;
        return path && stat(path, &st) == 0 && st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

int service_process_adopt_main(Unit *u) {
        pid_t pid;
        int r = u->config->pid_file ? read_pid_file(u->config->pid_file, &pid)
                                    : guess_main_pid(u, &pid);
        if (r < 0)
                return r;
        if (!unit_owns_pid(u, pid)) {
                /* A PID file the service could write must not make us supervise, and at
                 * stop signal, a process of someone else. */
                if (!pid_file_trusted(u->config->pid_file)) {
                        log_unit_error(u->name, "PIDFile= names pid %d outside the unit and is not "
                                       "a root-only file, refusing.", (int) pid);
                        return -EPERM;
                }
                log_unit_warning(u->name, "PIDFile= names pid %d outside the unit, using it anyway.",
                                 (int) pid);
        }
        return adopt(u, pid);
}

int service_process_adopt_pid(Unit *u, pid_t pid) {
        if (!unit_owns_pid(u, pid))
                return -EPERM;
        return adopt(u, pid);
}

/* ---- taking over from a previous daemon ---- */

int service_process_restore(Unit *u, pid_t pid, uint64_t start_time, ServiceProcessRole role,
                            int listener_fd, const char *holder_name, uint64_t last_notif_id) {
        _cleanup_close_ int listener = listener_fd, pidfd = -EBADF;
        _cleanup_(exec_process_freep) ExecProcess *exec = NULL;
        const FilterEntry *f = u->filters;
        uint64_t now_start = 0;
        pid_t ppid = 0;
        int r;

        if (role != SERVICE_PROCESS_GATE_ONLY) {
                /* The pid names our process only if it started when ours did; the pidfd is
                 * taken before the check, so that it cannot be reused after it. */
                r = process_pidfd_open(pid, &pidfd);
                if (r >= 0)
                        r = process_start_time(pid, &now_start);
                if (r >= 0 && now_start != start_time)
                        r = -ESRCH;
                if (r >= 0 && process_pidfd_is_alive(pidfd) <= 0)
                        r = -ESRCH;
                if (r < 0)
                        return r;
                (void) process_get_ppid(pid, &ppid);
                /* Where it is now, not only which pid it is: a MAINPID= or a PIDFile= may have
                 * named a process outside the unit, which is taken again only from a root-only
                 * PIDFile=, as at the first adoption. */
                if (!unit_owns_pid(u, pid) &&
                    !(role == SERVICE_PROCESS_MAIN && pid_file_trusted(u->config->pid_file)))
                        return -EXDEV;
        }
        r = exec_process_adopt(pid, pidfd, listener, f ? f->gate_action : EXEC_GATE_ERRNO,
                               f ? f->gate_errno : EPERM, last_notif_id, &exec);
        if (r < 0)
                return r;
        TAKE_FD(pidfd);
        TAKE_FD(listener);
        UnitProcess *p = calloc(1, sizeof(UnitProcess));
        if (!p)
                return -ENOMEM;
        p->unit = u;
        p->pid = pid;
        p->pidfd = exec->pidfd;
        p->start_time = start_time;
        p->exec = TAKE_PTR(exec);
        if (holder_name && p->exec->listener_fd >= 0)
                snprintf(p->holder_name, sizeof p->holder_name, "%s", holder_name);
        /* Exited (only the gate is left, which descendants still use), or running. */
        p->exited = role == SERVICE_PROCESS_GATE_ONLY;
        r = unit_add_process(u, p);
        if (r < 0) {
                unit_process_free(p);
                return r;
        }
        if (!p->exited) {
                /* After a re-exec it is still our child; after a crash the holder's. */
                p->adopted_orphan = ppid != getpid();
                if (!p->adopted_orphan)
                        (void) reaper_track(u->manager->reaper, pid);
                p->is_main = role == SERVICE_PROCESS_MAIN;
                if (p->is_main)
                        u->main = p;
                else if (role == SERVICE_PROCESS_CONTROL)
                        u->control = p;
                r = process_watch(p);
                if (r < 0)
                        log_unit_error_errno(u->name, r, "Failed to watch process %d: %m", (int) pid);
        }
        if (p->exec->listener_fd >= 0) {
                process_watch_listener(p);
                r = exec_gate_answer_orphans(p->exec, on_denial, p);
                if (r > 0)
                        log_unit_notice(u->name, "Answered %d execve call(s) of pid %d that the previous daemon "
                                        "had received but not answered.", r, (int) pid);
        }
        return 0;
}

void service_process_holder_exit(Manager *m, pid_t pid) {
        Unit *u = manager_find_unit_by_pid(m, pid);
        if (!u)
                return;
        for (size_t i = 0; i < u->n_procs; i++) {
                UnitProcess *p = u->procs[i];
                if (p->pid == pid && p->adopted_orphan && !p->exited && p->pidfd_source) {
                        /* Waiting for this: on_pidfd() claims it. */
                        (void) sd_event_source_set_enabled(p->pidfd_source, SD_EVENT_ON);
                        return;
                }
        }
}

const ServiceProcessOps service_process_ops = {
        .prepare = service_process_prepare,
        .spawn = service_process_spawn,
        .kill = service_process_kill,
        .kill_control = service_process_kill_control,
        .cgroup_populated = service_process_cgroup_populated,
        .release = service_process_release,
        .adopt_main = service_process_adopt_main,
        .adopt_pid = service_process_adopt_pid,
};
