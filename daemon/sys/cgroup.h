/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Process tracking with cgroup v2, or with process groups where cgroup v2 is not writable.
 *
 * Layout. Let OWN be the daemon's cgroup at start-up (the "0::" line of /proc/self/cgroup)
 * and M the cgroup2 mount point (from /proc/self/mountinfo; /sys/fs/cgroup on a unified host,
 * /sys/fs/cgroup/unified on a hybrid one). The daemon picks a base directory BASE:
 *
 *   OWN is "/" (the root, or the root of a cgroup namespace)   BASE = M/syscage
 *   OWN ends in "/supervisor" (we placed ourselves already)    BASE = the parent of OWN
 *   anything else (e.g. systemd's delegated syscaged.service)  BASE = M/OWN
 *
 * and then lives in BASE/supervisor, with every service in its own sibling BASE/UNIT-NAME:
 *
 *   BASE/
 *   ├── supervisor/       the daemon alone
 *   ├── foo.service/      every process of foo, however it forks or setsid()s
 *   └── bar.service/
 *
 * Why the daemon moves itself into a leaf: cgroup v2 forbids a non-root cgroup that contains
 * processes from enabling controllers for its children ("no internal processes"). With the
 * daemon out of BASE, BASE can later turn on memory/pids/cpu in cgroup.subtree_control for
 * per-service limits without reshuffling anything, and a systemd unit with Delegate=yes hands
 * us exactly such a BASE (systemd recommends this sub-cgroup for delegated services). The
 * root case uses a "syscage" subtree so services do not land among the host's top-level
 * cgroups. "supervisor" has no ".service" suffix, and names starting with "cgroup." are
 * refused, so neither can collide with a unit's cgroup or a kernel interface file.
 *
 * Services are placed atomically: cgroup_service_create() returns an O_DIRECTORY fd for
 * clone3()'s CLONE_INTO_CGROUP, so the child is in its cgroup before it runs a single
 * instruction, and nothing it forks can be outside.
 *
 * Fallback. When there is no cgroup2 mount or BASE is not writable (no delegation, read-only
 * cgroupfs, a container without cgroup access), the mode is "process-group": the launch code
 * makes each service a session (setsid), and stop signals the process group -PGID. A process
 * that calls setsid() or setpgid() itself escapes that; this is the documented weakness of the
 * fallback, and `status` shows the mode so it is never silent.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef enum CgroupMode {
        CGROUP_MODE_CGROUP,
        CGROUP_MODE_PROCESS_GROUP,
        _CGROUP_MODE_MAX,
        _CGROUP_MODE_INVALID = -EINVAL,
} CgroupMode;

const char *cgroup_mode_to_string(CgroupMode m);

/* What `status` and the start-up log say in process-group mode: the guarantee stop lacks. */
#define CGROUP_PROCESS_GROUP_NOTE \
        "process groups; a process that leaves its group with setsid() survives stop"

int cgroup_mode_from_string(const char *s);

/* Leaf the daemon moves into, and the subtree used when the daemon starts in the root. */
#define CGROUP_SUPERVISOR_LEAF "supervisor"
#define CGROUP_ROOT_SUBTREE "syscage"

/* Limits on what we read from /proc and cgroupfs. */
#define CGROUP_PROC_FILE_MAX (4U * 1024 * 1024)
/* How often the signalling loop re-reads cgroup.procs when cgroup.kill cannot be used. */
#define CGROUP_KILL_ROUNDS_MAX 32

typedef struct CgroupContext {
        CgroupMode mode;
        bool available;  /* mode == CGROUP_MODE_CGROUP */
        bool moved_self; /* we moved ourselves into BASE/supervisor at set-up */
        bool has_kill;   /* cgroup.kill exists (Linux 5.14+) */
        char *mount_path; /* cgroup2 mount point, NULL in process-group mode */
        char *own_path;  /* the daemon's cgroup at start-up, relative to the mount */
        char *base_path; /* absolute path of BASE, NULL in process-group mode */
        int base_fd;     /* O_DIRECTORY fd on BASE, -EBADF in process-group mode */
        pid_t companion; /* another process moved into the leaf (the fd holder), or 0 */
} CgroupContext;

CgroupContext *cgroup_context_free(CgroupContext *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(CgroupContext *, cgroup_context_free);

/* Finds the hierarchy, creates BASE and BASE/supervisor and moves the calling process there.
 * Falls back to process-group mode (logging why) when cgroups are not usable; returns -errno
 * only for allocation failures. */
/* INSTANCE: NULL or "" for the daemon with the default paths; otherwise a name that keeps this
 * daemon's cgroups apart from other daemons' when several are started from the root cgroup
 * (BASE is then /syscage-INSTANCE). */
int cgroup_setup(const char *instance, CgroupContext **ret);

/* Removes the empty "*.service" cgroups under the base, left by an earlier daemon (a service
 * cgroup stays when processes outlived the daemon's stop, e.g. KillMode=process). Populated
 * ones stay. Returns how many were removed, or -errno. Called once the daemon owns its control
 * socket, so that a second daemon of the same instance cannot remove the first one's cgroups
 * in the moment between creating and populating them. */
int cgroup_remove_stale(CgroupContext *c);
/* The names of the service cgroups in BASE (a strv, NULL in process-group mode). */
int cgroup_list_services(CgroupContext *c, char ***ret);
/* Moves PID (the fd holder, our parent) into the supervisor leaf with us, so that BASE holds
 * no process itself; cgroup_teardown() moves it back. No-op unless we moved ourselves. */
int cgroup_add_supervisor(CgroupContext *c, pid_t pid);

/* At exit: removes the empty service cgroups, and, when set-up moved us into
 * BASE/supervisor, moves us back to where we came from and removes the supervisor leaf and
 * BASE if nothing is left in them. Populated cgroups (services that outlived us) stay. */
void cgroup_teardown(CgroupContext *c);
/* A context in process-group mode, whatever the system offers. */
int cgroup_context_new_process_group(CgroupContext **ret);

/* Pure parsers, exposed for tests. */
/* Returns the mount point of the first cgroup2 mount whose root is "/" (octal escapes undone).
 * -ENOENT when there is none. */
int cgroup_parse_mountinfo(const char *text, char **ret_mount);
/* Returns the path of the "0::PATH" line of /proc/PID/cgroup. -ENOENT when absent. */
int cgroup_parse_proc_cgroup(const char *text, char **ret_path);
/* The absolute path of PID's cgroup2 directory (the mount point and /proc/PID/cgroup's
 * "0::" path). -ENOENT without cgroups or without that line, -ESRCH when PID is gone. */
int cgroup_pid_path(const CgroupContext *c, pid_t pid, char **ret);
/* Computes BASE (relative to the mount, starting with "/") from OWN, see above, and whether
 * the daemon must still move into BASE/supervisor. */
int cgroup_plan_layout(const char *own, const char *instance, char **ret_base, bool *ret_move_self);
/* Whether PATH (absolute, as from cgroup_pid_path()) is a service cgroup of this context,
 * BASE/UNIT.service, or below one: 1 and UNIT.service's name (to be freed), 0 when it is not
 * (BASE itself, BASE/supervisor, another directory, another subtree, process-group mode). */
int cgroup_path_service(const CgroupContext *c, const char *path, char **ret_unit);
/* Whether name may be used as a service cgroup directory name. */
bool cgroup_unit_name_valid(const char *name);

/* Creates (or reuses, when empty) BASE/UNIT and returns an O_DIRECTORY|O_CLOEXEC fd on it, for
 * CLONE_INTO_CGROUP. -EBUSY when it exists and still holds processes, -EINVAL for a bad name,
 * -EOPNOTSUPP in process-group mode. */
int cgroup_service_create(CgroupContext *c, const char *unit_name, int *ret_dirfd);

/* Sends sig to every process of the service, once each. In cgroup mode pgid is ignored;
 * SIGKILL uses cgroup.kill where it exists; otherwise cgroup.procs is read again and again
 * until a round finds no process not yet signalled (at most CGROUP_KILL_ROUNDS_MAX rounds,
 * then -EBUSY). Processes exit asynchronously: wait for the cgroup to become empty with
 * cgroup_service_watch(). In process-group mode, kill(-pgid, sig). A service that is already
 * gone is not an error. */
int cgroup_service_kill(CgroupContext *c, const char *unit_name, pid_t pgid, int sig);

/* Returns 1 when the service has no process left (cgroup.events says "populated 0", or the
 * cgroup does not exist; in process-group mode, no member of pgid is left, zombies count as
 * members until reaped), 0 when it has, or -errno. */
int cgroup_service_is_empty(CgroupContext *c, const char *unit_name, pid_t pgid);

/* Called when the service's cgroup may have become empty; it is, when this runs. May be called
 * again later; drop the watch source when no longer interested. */
typedef void (*CgroupEmptyHandler)(CgroupContext *c, const char *unit_name, void *userdata);

/* Watches BASE/UNIT/cgroup.events with inotify (IN_MODIFY) and calls handler whenever the
 * cgroup is found empty. Check cgroup_service_is_empty() after setting the watch, to close the
 * race with a cgroup that emptied before. Drop the returned source before removing the cgroup.
 * -EOPNOTSUPP in process-group mode: re-check on SIGCHLD instead. */
int cgroup_service_watch(CgroupContext *c, sd_event *e, const char *unit_name,
                         CgroupEmptyHandler handler, void *userdata, sd_event_source **ret_source);

/* Removes BASE/UNIT. -EBUSY when it still has processes; 0 when it did not exist, and always 0
 * in process-group mode. */
int cgroup_service_remove(CgroupContext *c, const char *unit_name);

/* Returns the absolute path of BASE/UNIT. -EOPNOTSUPP in process-group mode. */
int cgroup_service_path(CgroupContext *c, const char *unit_name, char **ret_path);
