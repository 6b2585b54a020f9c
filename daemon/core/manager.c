/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Manager: event loop, signals, directories, process tracking and the unit table.
 * See manager.h for the life cycle and the shutdown protocol.
 */
#include <signal.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "config.h"
#include "sys/fileio.h"
#include "sys/log.h"
#include "sys/process-util.h"
#include "core/dynamic-user.h"
#include "core/manager-units.h"
#include "core/manager-order.h"
#include "core/manager-baseline.h"
#include "core/manager.h"
#include "core/manager-takeover.h"
#include "sys/holder-client.h"
#include "core/tree-remove.h"
#include "core/unit-dirs.h"
#include "core/unit-sandbox-context.h"
#include "sandbox-probe.h"
#include "core/unit.h"
#include "string-table.h"
#include "exec/filter-cache.h"
#include "strv.h"
#include "unit-name.h"

const char *const manager_default_units_dirs[] = {
        SYSCAGE_UNITS_PATH,
        NULL,
};

static void manager_notify(const char *state) {
        int r = sd_notify(false, state);
        if (r < 0)
                log_debug_errno(r, "Failed to notify the service manager, ignoring: %m");
}

static void manager_check_finished(Manager *m) {
        if (!m->shutdown_requested || m->n_active > 0)
                return;
        log_info("All units stopped, exiting.");
        (void) sd_event_exit(m->event, 0);
}

void manager_shutdown(Manager *m) {
        if (m->shutdown_requested) {
                log_notice("Shutdown already in progress, %u unit(s) still active.", m->n_active);
                return;
        }
        m->shutdown_requested = true;
        log_info("Shutting down: stopping %u active unit(s).", m->n_active);
        manager_notify("STOPPING=1\nSTATUS=Stopping units...");
        /* Ask every active unit to stop. Each reports manager_unit_deactivated() when it is
         * down, and the last one ends the loop. */
        if (m->started)
                manager_stop_all(m);
        manager_check_finished(m);
}

void manager_reload(Manager *m) {
        log_info("Reloading.");
        manager_notify("RELOADING=1\nSTATUS=Reloading...");
        if (m->started) {
                _cleanup_free_ char *msg = NULL;
                if (manager_daemon_reload(m, &msg) < 0)
                        log_error("Reload failed: %s", msg ?: "unknown error");
        }
        manager_notify("READY=1\nSTATUS=Running.");
}

void manager_unit_activated(Manager *m) {
        m->n_active++;
}

void manager_unit_deactivated(Manager *m) {
        if (m->n_active == 0) {
                log_warning("Unit activity count would go below zero, ignoring.");
                return;
        }
        m->n_active--;
        manager_check_finished(m);
}

static const char *const manager_pid_origin_table[_MANAGER_PID_ORIGIN_MAX] = {
        [MANAGER_PID_OUTSIDE] = "outside",
        [MANAGER_PID_UNIT] = "unit",
        [MANAGER_PID_SUPERVISED] = "supervised",
        [MANAGER_PID_UNKNOWN] = "unknown",
};

DEFINE_STRING_TABLE_LOOKUP(manager_pid_origin, ManagerPidOrigin, manager_pid_origin_table, _MANAGER_PID_ORIGIN_MAX)

/* Where the process's cgroup puts it, when it is not one of a unit's known pids. */
static ManagerPidOrigin manager_pid_origin_cgroup(Manager *m, pid_t pid, Unit **ret_unit) {
        _cleanup_free_ char *path = NULL, *name = NULL;
        int r;

        r = cgroup_pid_path(m->cgroup, pid, &path);
        if (r == -ENOENT)
                return MANAGER_PID_OUTSIDE; /* no cgroups (process-group mode) */
        if (r < 0)
                return MANAGER_PID_UNKNOWN;
        r = cgroup_path_service(m->cgroup, path, &name);
        if (r < 0)
                return MANAGER_PID_UNKNOWN;
        if (r == 0)
                return MANAGER_PID_OUTSIDE;
        *ret_unit = manager_get_unit(m, name);
        return MANAGER_PID_SUPERVISED;
}

/* Whether pid is one of u's processes that has not exited (so its pid cannot have been reused). */
static bool unit_has_live_pid(const Unit *u, pid_t pid) {
        for (size_t i = 0; i < u->n_procs; i++)
                if (u->procs[i]->pid == pid && unit_process_alive(u->procs[i]))
                        return true;
        return false;
}

ManagerPidOrigin manager_pid_origin(Manager *m, pid_t pid, int pidfd, Unit **ret_unit) {
        ManagerPidOrigin o;
        Unit *u = NULL, *known;
        bool in_tree;
        int r;

        *ret_unit = NULL;
        if (pid <= 0)
                return MANAGER_PID_UNKNOWN;
        if (pid == getpid())
                return MANAGER_PID_OUTSIDE;
        /* Where the process is now decides whether it is under us; a known pid only names the
         * unit (a pid the unit once had may belong to a stranger by now). */
        o = manager_pid_origin_cgroup(m, pid, &u);
        in_tree = o == MANAGER_PID_SUPERVISED;
        if (o == MANAGER_PID_OUTSIDE) {
                /* A root service may move itself to any cgroup, or (process-group mode) out of
                 * its session; it stays our descendant. */
                r = process_is_descendant(pid, getpid());
                if (r != 0)
                        o = r > 0 ? MANAGER_PID_SUPERVISED : MANAGER_PID_UNKNOWN;
        }
        if (o == MANAGER_PID_SUPERVISED && m->started) {
                known = manager_find_unit_by_pid(m, pid);
                if (!u)
                        u = known;
                /* The unit's own: found as its process and in its cgroup tree, or (process-group
                 * mode, no cgroup to go by) a process of it that has not exited. Not a process
                 * that left the unit's cgroup. */
                if (known && known == u &&
                    (m->cgroup->available ? in_tree : unit_has_live_pid(u, pid)))
                        o = MANAGER_PID_UNIT;
        }
        if (pidfd >= 0 && o != MANAGER_PID_UNKNOWN && process_pidfd_is_alive(pidfd) <= 0)
                return MANAGER_PID_UNKNOWN;
        *ret_unit = u;
        return o;
}

/* Whether a signal's sender may tell the daemon what to do: see manager.h. */
static bool manager_signal_allowed(Manager *m, const struct signalfd_siginfo *si) {
        const char *sig = sigabbrev_np((int) si->ssi_signo);
        pid_t pid = (pid_t) si->ssi_pid;
        ManagerPidOrigin o;
        Unit *u;

        if (pid == 0)
                return true; /* the kernel, or a sender in an ancestor pid namespace */
        o = manager_pid_origin(m, pid, -EBADF, &u);
        if (o == MANAGER_PID_OUTSIDE)
                return true;
        /* A service sending in a loop must not flood the log. */
        m->n_signals_ignored++;
        if (m->n_signals_ignored > 10 && m->n_signals_ignored % 1000 != 0)
                return false;
        if (o == MANAGER_PID_UNKNOWN)
                log_warning("Ignoring SIG%s from pid %d: it exited before it could be told apart from a "
                            "service's process. Send it from a process that outlives the delivery (a "
                            "shell's kill builtin, the service manager), or use syscagectl.", sig, (int) pid);
        else
                log_warning("Ignoring SIG%s from pid %d, which runs inside %s%s (%u ignored so far).", sig,
                            (int) pid, u ? "unit " : "", u ? u->name : "a service's process tree",
                            m->n_signals_ignored);
        return false;
}

static int manager_on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        /* First, while the sender most likely still exists. */
        if (!manager_signal_allowed(m, si))
                return 0;
        log_debug("Received SIG%s from pid %u.", sigabbrev_np((int) si->ssi_signo), si->ssi_pid);
        if (si->ssi_signo == SIGHUP)
                manager_reload(m);
        else if (si->ssi_signo == SIGUSR2)
                (void) manager_reexec(m, NULL);
        else
                manager_shutdown(m);
        return 0;
}

static int manager_add_signals(Manager *m) {
        struct {
                int sig;
                sd_event_source **source;
        } table[] = {
                { SIGTERM, &m->sigterm },
                { SIGINT, &m->sigint },
                { SIGHUP, &m->sighup },
                { SIGUSR2, &m->sigusr2 },
        };
        sigset_t mask;
        int r;

        /* sd-event wants them blocked; the caller blocked the older ones already. */
        sigemptyset(&mask);
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                sigaddset(&mask, table[i].sig);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Failed to block signals: %m");
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                r = sd_event_add_signal(m->event, table[i].source, table[i].sig, manager_on_signal, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to watch SIG%s: %m", sigabbrev_np(table[i].sig));
        }
        return 0;
}

static int manager_copy_config(Manager *m, const ManagerConfig *cfg) {
        char *const *dirs = (cfg->units_dirs && cfg->units_dirs[0]) ? cfg->units_dirs
                                                                   : (char *const *) manager_default_units_dirs;

        m->units_dirs = strv_copy(dirs);
        m->state_dir = strdup(cfg->state_dir);
        m->runtime_dir = strdup(cfg->runtime_dir);
        if (cfg->relax && !(m->relax = strv_copy(cfg->relax)))
                return -ENOMEM;
        m->directories_root = strdup(cfg->directories_root ?: "/");
        m->user_mode = cfg->user_mode;
        if (cfg->baseline_path && !(m->baseline_path = strdup(cfg->baseline_path)))
                return -ENOMEM;
        m->baseline_explicit = cfg->baseline_explicit;
        m->owner_uid = getuid();
        m->owner_gid = getgid();
        m->denial_sources = cfg->denial_sources ? cfg->denial_sources : DENIAL_SOURCE_AUDIT | DENIAL_SOURCE_KMSG;
        m->log_max_file_bytes = cfg->log_max_file_bytes;
        m->log_max_files = cfg->log_max_files;
        if (cfg->socket_path)
                m->socket_path = strdup(cfg->socket_path);
        else if (streq(cfg->runtime_dir, SYSCAGE_RUNTIME_DIR))
                /* The default daemon: where syscagectl looks by default. */
                m->socket_path = strdup(SYSCAGE_CONTROL_SOCKET);
        else if (asprintf(&m->socket_path, "%s/control.sock", cfg->runtime_dir) < 0)
                m->socket_path = NULL;
        if (!m->units_dirs || !m->state_dir || !m->runtime_dir || !m->socket_path || !m->directories_root)
                return -ENOMEM;
        return 0;
}

int manager_new(const ManagerConfig *cfg, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = calloc(1, sizeof(Manager));
        if (!m)
                return log_oom();
        m->adopted_control_fd = -EBADF;
        m->lock_fd = -EBADF;
        m->state_files_fd = -EBADF;
        if (manager_copy_config(m, cfg) < 0)
                return log_oom();
        m->units = hashmap_new();
        m->filters = hashmap_new();
        if (!m->units || !m->filters || policy_store_new(&m->policies) < 0)
                return log_oom();
        r = filter_cache_new_key(&m->exec_key);
        if (r < 0)
                return log_error_errno(r, "Failed to draw the launch key: %m");
        r = sd_event_default(&m->event);
        if (r < 0)
                return log_error_errno(r, "Failed to create the event loop: %m");
        r = manager_add_signals(m);
        if (r < 0)
                return r;
        /* Pings the watchdog when the service manager asks for it (WatchdogSec=). */
        (void) sd_event_set_watchdog(m->event, true);
        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        /* Units are owned by the unit module, which empties the table. */
        manager_units_release(m);
        hashmap_free(m->units);
        /* After the units: they hold references into the table. Removals still running
         * finish on their own. */
        dynamic_user_table_free(m->dynamic_users);
        tree_remover_free(m->tree_remover);
        free(m->inaccessible_file);
        free(m->directories_root);
        reaper_free(m->reaper);
        cgroup_teardown(m->cgroup);
        cgroup_context_free(m->cgroup);
        sd_event_source_disable_unref(m->sigterm);
        sd_event_source_disable_unref(m->sigint);
        sd_event_source_disable_unref(m->sighup);
        sd_event_source_disable_unref(m->sigusr2);
        holder_client_free(m->holder);
        free(m->self_path);
        safe_close(m->adopted_control_fd);
        safe_close(m->lock_fd);
        safe_close(m->state_files_fd);
        takeover_exits_free(m);
        if (m->held) { /* start-up failed before the takeover used them */
                holder_fds_done(m->held);
                free(m->held);
        }
        sd_event_unref(m->event);
        strv_free(m->units_dirs);
        free(m->state_dir);
        free(m->runtime_dir);
        free(m->socket_path);
        strv_free(m->relax);
        free(m->baseline_path);
        free(m);
        return NULL;
}

static void manager_on_orphan_reaped(Reaper *r, const siginfo_t *si, void *userdata) {
        Manager *m = userdata;
        /* In process-group mode, this is where a stopping unit learns that its group may
         * be empty now. */
        if (m->started)
                manager_orphan_reaped(m, si->si_pid);
}

static void manager_probe_host(Manager *m) {
        SandboxHostFacts *h = &m->host_facts;

        /* Before the reaper exists, so the probes' statuses are ours to collect. */
        sandbox_host_probe(false, h);
        /* A per-user daemon has no CAP_SYS_ADMIN: its launches create the namespaces inside a
         * user namespace of their own, where only the owner's uid and gid are mapped
         * (exec-plan.h, userns_first). Units never run as anyone else in user mode. */
        if (m->user_mode && h->mount_ns_errno == EPERM && h->user_ns_errno == 0) {
                sandbox_host_probe_user_ns(h);
                if (h->via_user_ns)
                        log_info("Sandboxing: namespaces are created inside a user namespace that "
                                 "maps only uid %u and gid %u.", (unsigned) m->owner_uid,
                                 (unsigned) m->owner_gid);
        }
        if (h->mount_ns_errno || h->net_ns_errno || h->ipc_ns_errno || h->uts_ns_errno ||
            h->user_ns_errno)
                log_warning("Sandboxing: cannot create namespaces (mount: %s, network: %s, IPC: %s, "
                            "UTS: %s, user: %s); units that need one are refused unless relaxed "
                            "with --relax.",
                            h->mount_ns_errno ? strerror(h->mount_ns_errno) : "ok",
                            h->net_ns_errno ? strerror(h->net_ns_errno) : "ok",
                            h->ipc_ns_errno ? strerror(h->ipc_ns_errno) : "ok",
                            h->uts_ns_errno ? strerror(h->uts_ns_errno) : "ok",
                            h->user_ns_errno ? strerror(h->user_ns_errno) : "ok");
        else
                log_debug("Sandboxing: mount, network, IPC, UTS and user namespaces available.");
        STRV_FOREACH(d, m->relax)
                log_notice("Sandboxing: %s= is relaxed: where this host cannot enforce it, units "
                           "run without it.", *d);
}

int manager_startup(Manager *m) {
        int r;

        /* A per-user daemon's directories are the user's alone, as systemd --user's are. */
        r = mkdir_p(m->state_dir, m->user_mode ? 0700 : 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create state directory %s: %m", m->state_dir);
        r = mkdir_p(m->runtime_dir, m->user_mode ? 0700 : 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create runtime directory %s: %m", m->runtime_dir);
        /* What a previous daemon left with the holder, before the sockets are made; and
         * nobody else's. */
        takeover_fetch(m);
        r = takeover_lock(m);
        if (r >= 0)
                r = takeover_key(m);
        if (r < 0)
                return r;
        /* The default daemon uses /syscage when started from the root cgroup; one with
         * another runtime directory (a test, a second instance) a subtree of its own. */
        _cleanup_free_ char *instance = NULL;
        if (!streq(m->runtime_dir, SYSCAGE_RUNTIME_DIR) &&
            unit_name_path_escape(m->runtime_dir, &instance) < 0)
                return log_oom();
        manager_probe_host(m);
        r = cgroup_setup(instance, &m->cgroup);
        if (r < 0)
                return log_error_errno(r, "Failed to set up process tracking: %m");
        /* The fd holder lives beside us in the supervisor leaf. */
        if (m->holder && cgroup_add_supervisor(m->cgroup, getppid()) < 0)
                log_debug("Failed to move the fd holder into our cgroup, ignoring.");
        r = reaper_new(m->event, manager_on_orphan_reaped, m, &m->reaper);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGCHLD: %m");
        log_debug("Control socket will be %s.", m->socket_path);
        if (m->cgroup->available)
                log_info("Process tracking: %s under %s.", cgroup_mode_to_string(m->cgroup->mode),
                         m->cgroup->base_path);
        else
                /* Never silent: stop cannot promise to leave nothing behind. A per-user daemon
                 * gets a cgroup of its own only inside a delegated subtree it may write (as
                 * systemd's user@UID.service hands out). */
                log_notice("Process tracking: " CGROUP_PROCESS_GROUP_NOTE "%s.",
                           m->user_mode ? " (no writable cgroup was delegated to this user)" : "");
        r = dynamic_user_table_new("/", &m->dynamic_users);
        if (r >= 0)
                r = tree_remover_new(m->event, m->reaper, &m->tree_remover);
        if (r < 0)
                return log_oom();
        r = unit_sandbox_inaccessible_setup(m->runtime_dir, &m->inaccessible_file);
        if (r < 0)
                return log_error_errno(r, "Failed to create the inaccessible nodes in %s: %m", m->runtime_dir);
        unit_dirs_remove_stale(m);
        r = manager_units_setup(m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the unit table: %m");
        /* Before any unit can start, and fatal: see manager-baseline.h. */
        r = manager_baseline_startup(m);
        if (r < 0)
                return r;
        m->started = true;
        r = manager_load_all(m);
        if (r < 0)
                return r;
        /* Before anything starts: the services a previous daemon ran are taken back, so
         * that starting the enabled units does not run them twice. */
        manager_takeover(m);
        return 0;
}

void manager_start_enabled(Manager *m) {
        (void) cgroup_remove_stale(m->cgroup);
        manager_order_requeue_taken_over(m);
        (void) manager_start_enabled_units(m);
}

int manager_run(Manager *m) {
        int r;

        log_info("syscaged " PACKAGE_VERSION " running.");
        manager_notify("READY=1\nSTATUS=Running.");
        r = sd_event_loop(m->event);
        if (r < 0) {
                log_error_errno(r, "Event loop failed: %m");
                return 1;
        }
        manager_notify("STATUS=Exiting.");
        return r;
}

Unit *manager_get_unit(const Manager *m, const char *name) {
        Unit *u = hashmap_get(m->units, name);

        if (u || !name)
                return u;
        /* One of a unit's other names (alias symlinks, lib/unit-dropin.h): rare, so looked
         * for only when the name is none of the units' own. */
        HASHMAP_FOREACH(u, m->units)
                if (u->file && strv_contains(u->file->aliases, name))
                        return u;
        return NULL;
}

int manager_add_unit(Manager *m, const char *name, Unit *u) {
        if (hashmap_size(m->units) >= MANAGER_UNITS_MAX)
                return -E2BIG;
        return hashmap_put(m->units, name, u);
}

Unit *manager_remove_unit(Manager *m, const char *name) {
        return hashmap_remove(m->units, name);
}
