/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Taking over from a previous daemon, and re-executing ourselves (manager-takeover.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "core/manager-baseline.h"
#include "core/manager-takeover.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service-process.h"
#include "core/unit-serialize.h"
#include "core/unit.h"
#include "io/output.h"
#include "message.h"
#include "state-file.h"
#include "strv.h"
#include "sys/cgroup.h"
#include "sys/fileio.h"
#include "sys/holder-client.h"
#include "sys/log.h"

/* Exit records of the holder not claimed yet: a few at most, after a crash. */
#define TAKEOVER_EXITS_MAX 4096u
/* How long start-up waits for the killed left-over processes of a unit, polling. */
#define TAKEOVER_KILL_WAIT_USEC (5u * 1000u * 1000u)
#define TAKEOVER_KILL_POLL_USEC (5u * 1000u)

static bool has_suffix(const char *s, const char *suffix) {
        size_t n = strlen(s), k = strlen(suffix);
        return n > k && memcmp(s + n - k, suffix, k) == 0;
}

int takeover_self_path(char **ret) {
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof buf - 1)
                return -ENAMETOOLONG;
        buf[n] = '\0';
        char *s = strdup(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int takeover_holder_path(const char *self, char **ret) {
        _cleanup_free_ char *dir = strdup(self), *p = NULL;
        if (!dir)
                return -ENOMEM;
        char *slash = strrchr(dir, '/');
        if (!slash)
                return -EINVAL;
        *slash = '\0';
        if (asprintf(&p, "%s/syscage-holder", dir) < 0)
                return -ENOMEM;
        if (faccessat(AT_FDCWD, p, X_OK, AT_EACCESS) < 0)
                return -errno;
        *ret = TAKE_PTR(p);
        return 0;
}

void takeover_hold(Manager *m, const char *name, int fd) {
        if (!m || !holder_client_connected(m->holder) || fd < 0)
                return;
        int r = holder_client_store(m->holder, name, fd);
        if (r < 0 && r != -ENOTCONN)
                log_warning_errno(r, "The fd holder did not take %s, so it would not survive a crash of the "
                                  "daemon: %m", name);
}

void takeover_release(Manager *m, const char *name) {
        if (!m || !holder_client_connected(m->holder))
                return;
        int r = holder_client_drop(m->holder, name);
        if (r < 0 && r != -ENOENT && r != -ENOTCONN)
                log_debug_errno(r, "The fd holder did not drop %s, ignoring: %m", name);
}

/* ---- exit records ---- */

static void exits_add(Manager *m, const HolderExit *e) {
        if (m->n_holder_exits >= TAKEOVER_EXITS_MAX) {
                log_warning("Too many unclaimed exit records from the fd holder; dropping the oldest.");
                memmove(m->holder_exits, m->holder_exits + 1, (m->n_holder_exits - 1) * sizeof *e);
                m->n_holder_exits--;
        }
        HolderExit *n = reallocarray(m->holder_exits, m->n_holder_exits + 1, sizeof *e);
        if (!n) {
                log_oom();
                return;
        }
        m->holder_exits = n;
        m->holder_exits[m->n_holder_exits++] = *e;
}

bool takeover_claim_exit(Manager *m, pid_t pid, int *ret_code, int *ret_status) {
        /* The newest record for the pid: an older one would be another process's. */
        for (size_t i = m->n_holder_exits; i > 0; i--)
                if (m->holder_exits[i - 1].pid == pid) {
                        *ret_code = m->holder_exits[i - 1].code;
                        *ret_status = m->holder_exits[i - 1].status;
                        memmove(m->holder_exits + i - 1, m->holder_exits + i,
                                (m->n_holder_exits - i) * sizeof *m->holder_exits);
                        m->n_holder_exits--;
                        return true;
                }
        return false;
}

void takeover_exits_free(Manager *m) {
        free(m->holder_exits);
        m->holder_exits = NULL;
        m->n_holder_exits = 0;
}

static void on_holder_exit(const HolderExit *e, void *userdata) {
        Manager *m = userdata;
        exits_add(m, e);
        service_process_holder_exit(m, e->pid);
}

static void on_holder_lost(void *userdata) {
        log_error("The fd holder is gone. Supervision goes on, but a crash or re-exec of syscaged would now "
                  "lose the services' output pipes and exec gates; restart syscaged when convenient.");
}

/* ---- start-up ---- */

void takeover_fetch(Manager *m) {
        HolderExit e;
        int r;

        if (!m->holder)
                return;
        m->held = calloc(1, sizeof(HolderFds));
        if (!m->held) {
                log_oom();
                return;
        }
        r = holder_client_fetch(m->holder, m->held);
        if (r < 0) {
                log_error_errno(r, "Failed to fetch the descriptors the fd holder keeps, taking nothing over: %m");
                free(m->held);
                m->held = NULL;
        } else if (m->held->n > 0)
                log_info("The fd holder kept %zu descriptor(s) of a previous daemon.", m->held->n);
        while (holder_client_next_exit(m->holder, &e) > 0)
                exits_add(m, &e);
        r = holder_client_watch(m->holder, m->event, on_holder_exit, on_holder_lost, m);
        if (r < 0)
                log_warning_errno(r, "Failed to watch the fd holder: %m");
}

int takeover_key(Manager *m) {
        int fd = takeover_take_fd(m, "statekey");

        /* The key the state files were signed with, kept by the holder (no file has it). */
        if (fd >= 0) {
                ssize_t n = pread(fd, m->state_key, sizeof m->state_key, 0);
                safe_close(fd);
                if (n == (ssize_t) sizeof m->state_key) {
                        m->have_state_key = true; /* the holder still has its copy */
                        return 0;
                }
                log_warning("The state key the fd holder kept is unreadable; taking nothing over.");
        }
        if (getrandom(m->state_key, sizeof m->state_key, 0) != (ssize_t) sizeof m->state_key)
                return log_error_errno(errno, "Failed to make a state key: %m");
        m->have_state_key = true;
        fd = memfd_create("syscage-state-key", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return log_error_errno(errno, "Failed to keep the state key: %m");
        if (write(fd, m->state_key, sizeof m->state_key) != (ssize_t) sizeof m->state_key ||
            fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
                int r = -errno;
                safe_close(fd);
                return log_error_errno(r, "Failed to keep the state key: %m");
        }
        takeover_hold(m, "statekey", fd);
        safe_close(fd);
        return 0;
}

int takeover_lock(Manager *m) {
        char path[4096];
        int fd = takeover_take_fd(m, "lock");

        /* The lock a previous daemon held: flock() belongs to the open file, which the holder
         * kept, so it is still ours. */
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) >= 0) {
                m->lock_fd = fd;
                return 0;
        }
        safe_close(fd);
        snprintf(path, sizeof path, "%s/syscaged.lock", m->runtime_dir);
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int r = -errno;
                safe_close(fd);
                if (r == -EWOULDBLOCK)
                        return log_error_errno(EBUSY, "Another syscaged runs with the runtime directory %s; "
                                               "not starting a second one beside it.", m->runtime_dir);
                return log_error_errno(r, "Failed to lock %s: %m", path);
        }
        m->lock_fd = fd;
        takeover_hold(m, "lock", fd);
        return 0;
}

int takeover_take_fd(Manager *m, const char *name) {
        return m->held ? holder_fds_take(m->held, name) : -EBADF;
}

/* Kills what is left in a unit's cgroup that we do not take over. */
static void kill_leftovers(Manager *m, const char *name, const char *why) {
        CgroupContext *c = m->cgroup;
        if (!c || !c->available || !cgroup_unit_name_valid(name))
                return;
        if (cgroup_service_is_empty(c, name, 0) != 0)
                return;
        log_warning("Stopping the processes left in the cgroup of %s by a previous daemon: %s.", name, why);
        int r = cgroup_service_kill(c, name, 0, SIGKILL);
        if (r < 0) {
                log_error_errno(r, "Failed to stop the left-over processes of %s: %m", name);
                return;
        }
        /* Gone before anything starts: the unit must not run beside them even for a moment.
         * SIGKILL is quick; this waits a few milliseconds, at start-up only. */
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + TAKEOVER_KILL_WAIT_USEC;
        while (cgroup_service_is_empty(c, name, 0) == 0) {
                if (now_usec(CLOCK_MONOTONIC) > deadline) {
                        log_error("The left-over processes of %s did not end within %u ms.", name,
                                  (unsigned) (TAKEOVER_KILL_WAIT_USEC / 1000));
                        return;
                }
                (void) usleep(TAKEOVER_KILL_POLL_USEC);
        }
}

static int takeover_unit_file(Manager *m, int dir, const char *file, StringSet *handled) {
        _cleanup_free_ char *name = strndup(file, strlen(file) - strlen(".state"));
        _cleanup_free_ char *message = NULL;
        char reason[STATE_REASON_MAX] = "";
        StateFile s = {};
        int r;

        if (!name)
                return log_oom();
        r = state_file_read_at_keyed(dir, file, m->have_state_key ? (const StateKey *) m->state_key : NULL, &s,
                                     reason);
        if (r < 0) {
                log_error("Not taking over %s: its state file %s/" UNIT_STATE_DIR "/%s is unusable (%s%s%s).",
                          name, m->runtime_dir, file, reason[0] ? reason : strerror(-r),
                          r == -EPROTONOSUPPORT ? ", written by another version" : "", "");
                kill_leftovers(m, name, "its state could not be read");
                (void) unlinkat(dir, file, 0);
                (void) string_set_add(handled, name); /* handled: the sweep leaves it alone */
                return 0;
        }
        Unit *u = manager_get_unit(m, name);
        if (!u) {
                r = unit_deserialize_transient(m, name, &s, &u, &message);
                if (r < 0 && r != -ENOENT)
                        log_error("Not taking over the transient unit %s: %s.", name, message ?: strerror(-r));
                free(message);
                message = NULL;
        }
        if (!u) {
                log_warning("Not taking over %s: it is no longer loaded.", name);
                kill_leftovers(m, name, "the unit is gone");
                (void) unlinkat(dir, file, 0);
                state_file_done(&s);
                (void) string_set_add(handled, name);
                return 0;
        }
        r = unit_deserialize(u, &s, m->held, &message);
        state_file_done(&s);
        if (r < 0) {
                log_unit_error(u->name, "Not taking over the unit from the previous daemon: %s.",
                               message ?: strerror(-r));
                unit_deserialize_undo(u);
                kill_leftovers(m, u->name, "it could not be taken over");
                unit_write_status_file(u);
                (void) string_set_add(handled, u->name);
                return 0;
        }
        (void) string_set_add(handled, u->name);
        if (!service_state_is_inactive(u->state) || u->n_procs > 0)
                log_unit_info(u->name, "Taken over: %s, main pid %d.", service_state_to_string(u->state),
                              u->main && !u->main->exited ? (int) u->main->pid : 0);
        unit_write_status_file(u);
        return 1;
}

/* Cgroups of units we did not take over, with processes in them. */
static void takeover_sweep_cgroups(Manager *m, const StringSet *handled) {
        _cleanup_strv_free_ char **names = NULL;
        if (cgroup_list_services(m->cgroup, &names) < 0)
                return;
        STRV_FOREACH(name, names)
                if (!string_set_contains(handled, *name))
                        kill_leftovers(m, *name, "no state says what they are");
}

/* Spool files of output streams nobody took over (the state was older than the stream). */
static void takeover_sweep_spools(Manager *m) {
        _cleanup_strv_free_ char **ids = NULL;
        if (!m->output || output_spool_list(m->output, &ids) < 0)
                return;
        STRV_FOREACH(id, ids) {
                bool used = false;
                Unit *u;
                size_t cursor = 0;
                while (!used && hashmap_iterate(m->units, &cursor, NULL, (void **) &u))
                        used = (u->output && output_stream_id(u->output) && streq(output_stream_id(u->output), *id)) ||
                               (u->output_prev && output_stream_id(u->output_prev) &&
                                streq(output_stream_id(u->output_prev), *id));
                if (used)
                        continue;
                log_warning("Output spool %s of a previous daemon belongs to no unit taken over; "
                            "removing it (its unlogged bytes are lost).", *id);
                output_spool_discard(m->output, *id);
        }
}

static void write_pid_file(Manager *m) {
        char path[4096], tmp[4096], pid[32];
        snprintf(path, sizeof path, "%s/syscaged.pid", m->runtime_dir);
        snprintf(tmp, sizeof tmp, "%s/.syscaged.pid.tmp", m->runtime_dir);
        snprintf(pid, sizeof pid, "%d\n", (int) getpid());
        int r = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 || write(fd, pid, strlen(pid)) != (ssize_t) strlen(pid) || rename(tmp, path) < 0)
                r = -errno;
        safe_close(fd);
        if (r < 0)
                log_debug_errno(r, "Failed to write %s, ignoring: %m", path);
}

/* The state directory for reading through (a DIR of its own), or NULL. */
static DIR *state_dir_open(Manager *m) {
        int base = unit_state_dir_fd(m);
        int fd = base >= 0 ? openat(base, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -EBADF;
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d)
                safe_close(fd);
        return d;
}

void manager_takeover(Manager *m) {
        StringSet adopted = {};
        unsigned n = 0;

        DIR *d = state_dir_open(m);
        if (d) {
                struct dirent *de;
                while ((de = readdir(d))) {
                        if (de->d_type != DT_REG || de->d_name[0] == '.' || !has_suffix(de->d_name, ".state"))
                                continue;
                        if (takeover_unit_file(m, dirfd(d), de->d_name, &adopted) > 0)
                                n++;
                }
                closedir(d);
        }
        /* The control socket is the control plane's, made after us: kept for it. */
        m->adopted_control_fd = takeover_take_fd(m, "control");
        takeover_sweep_cgroups(m, &adopted);
        string_set_done(&adopted);
        takeover_sweep_spools(m);
        if (m->held) {
                /* What nobody took is of no use any more. */
                for (size_t i = 0; i < m->held->n; i++)
                        if (m->held->fds[i] >= 0)
                                takeover_release(m, m->held->names[i]);
                holder_fds_done(m->held);
                free(m->held);
                m->held = NULL;
        }
        if (n > 0) {
                m->took_over = true;
                log_info("Took over %u unit(s) from the previous daemon.", n);
        }
        write_pid_file(m);
}

void takeover_ready(Manager *m) {
        if (!m->holder)
                return;
        int r = holder_client_ready(m->holder);
        if (r < 0)
                log_warning_errno(r, "Failed to tell the fd holder we are up: %m");
}

void takeover_forget_all(Manager *m) {
        DIR *d = state_dir_open(m);
        if (!d)
                return;
        struct dirent *de;
        while ((de = readdir(d)))
                if (de->d_type == DT_REG)
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
}

/* ---- re-exec ---- */

int manager_reexec(Manager *m, char **ret_message) {
        if (!holder_client_connected(m->holder))
                return set_message(ret_message, "Re-executing needs the fd holder, which %s",
                                   m->holder ? "is gone" : "this daemon runs without (--no-holder)"),
                       -EOPNOTSUPP;
        if (m->shutdown_requested)
                return set_message(ret_message, "The daemon is shutting down"), -ESHUTDOWN;
        /* The new image reads the baseline again and refuses to start on a bad one. */
        int r = manager_baseline_check(m, ret_message);
        if (r < 0)
                return r;
        log_info("Re-executing %s.", m->self_path);
        m->reexec_requested = true;
        (void) sd_event_exit(m->event, 0);
        return 0;
}

void manager_reexec_now(Manager *m) {
        Unit *u;
        size_t cursor = 0;
        int r;

        /* Everything as a crash would leave it, but written to the last change. */
        unit_flush_status_files(m);
        while (hashmap_iterate(m->units, &cursor, NULL, (void **) &u))
                unit_serialize(u);
        r = holder_client_prepare_exec(m->holder);
        if (r < 0) {
                log_error_errno(r, "Failed to pass the fd holder on, exiting for a restart: %m");
                _exit(EXIT_FAILURE);
        }
        /* All uids 0 again, so that the new image is not a set-uid exec (AT_SECURE). */
        if (getuid() != 0 && setresuid(0, 0, 0) < 0)
                log_warning_errno(-errno, "Failed to take back uid 0 before the re-exec, the new image "
                                  "starts in secure-execution mode: %m");
        execv(m->self_path, m->argv);
        log_error_errno(errno, "Failed to re-execute %s, exiting for a restart: %m", m->self_path);
        _exit(EXIT_FAILURE);
}
