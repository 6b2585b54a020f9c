/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Manager owns everything the daemon has: the event loop, its configuration, process
 * tracking (cgroups, reaper) and the unit table. It is passed explicitly; there is no global
 * manager.
 *
 * Life cycle: manager_new() -> manager_startup() (fatal on failure; loads the units) -> the
 * control socket is bound (bus_new()) -> manager_start_enabled() -> manager_run() (returns the
 * exit code when the loop ends) -> manager_free().
 *
 * Shutdown: SIGTERM or SIGINT call manager_shutdown(), which asks every unit to stop and then
 * waits. Units report their activity with manager_unit_activated()/manager_unit_deactivated()
 * (the state machine calls them when a unit leaves or enters an inactive state); when shutdown
 * was requested and the active count reaches zero, the loop exits with status 0. With no unit
 * running, that is at once.
 *
 * Signals from services are ignored. A service that runs as root shares the daemon's uid and
 * may signal it; a SIGHUP after rewriting its own unit file, or a SIGTERM, would otherwise
 * reach past its filter. Each signal's sender (ssi_pid) is looked up with
 * manager_pid_origin(); only one that is outside every unit and outside the daemon's process
 * tree is obeyed. A sender that is gone by the time we look cannot be told apart from a
 * service's short-lived child (which may signal and exit at once on purpose): that signal is
 * ignored too, fail closed, and the log says how to send it so that it counts (from a process
 * that outlives the delivery: a shell's kill builtin, the service manager, or
 * `syscagectl daemon-reload`). Signals the kernel sends (ssi_pid 0: a terminal's hangup or ^C,
 * or a sender in an ancestor pid namespace) are obeyed.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "sys/cgroup.h"
#include "hashmap.h"
#include "macro.h"
#include "policy-store.h"
#include "sandbox-check.h"
#include "string-set.h"
#include "sys/reaper.h"

typedef struct Unit Unit;
typedef struct FilterEntry FilterEntry;
typedef struct Baseline Baseline;
typedef struct Manager Manager;
typedef struct OutputContext OutputContext;
typedef struct NotifyServer NotifyServer;
typedef struct KmsgReader KmsgReader;
typedef struct ServiceProcessOps ServiceProcessOps;
typedef struct DynamicUserTable DynamicUserTable;
typedef struct TreeRemover TreeRemover;
typedef struct HolderClient HolderClient;

/* Most units the daemon holds at once, loaded and transient together. More in the search
 * path is a start-up error (documented in syscaged(8)). */
#define MANAGER_UNITS_MAX 131072U

/* Compiled filters kept alive after their last unit went (Manager.recent_filters). */
#define MANAGER_RECENT_FILTERS 16u

typedef struct ManagerConfig {
        char *const *units_dirs; /* NULL or empty: the default search path */
        const char *state_dir;
        const char *runtime_dir;
        const char *socket_path; /* NULL: RUNTIME_DIR/control.sock */
        char *const *relax;      /* --relax: sandbox directives to skip where the host cannot
                                  * enforce them (sandbox-check.h); NULL: none */
        /* Where RuntimeDirectory= etc. live: ROOT/run, ROOT/var/lib, ROOT/var/cache,
         * ROOT/var/log, ROOT/etc (unit-dirs.h). NULL: "/". */
        const char *directories_root;
        /* A per-user manager (syscaged --user, syscaged(8) "User mode"): its own directories
         * and the units' RuntimeDirectory= and friends follow the XDG variables
         * (lib/user-dirs.h, unit-dirs.h), its owner is the only non-root uid that may use the
         * control socket, and units may not ask for another user (unit.c). */
        bool user_mode;
        /* The node baseline file (manager-baseline.h); NULL: none. A missing file is no
         * baseline unless BASELINE_EXPLICIT (--baseline=FILE), when it is an error. */
        const char *baseline_path;
        bool baseline_explicit;
        /* Where seccomp records are read (denial-feed.h): DENIAL_SOURCE_* bits; 0: both. */
        unsigned denial_sources;
        /* Rotation of the units' log files (io/output.h); 0: the default. */
        uint64_t log_max_file_bytes;
        unsigned log_max_files;
} ManagerConfig;

#define DENIAL_SOURCE_AUDIT 1u /* the audit multicast group */
#define DENIAL_SOURCE_KMSG 2u  /* the kernel log */

typedef struct Manager {
        sd_event *event;

        char **units_dirs; /* search path, highest priority first */
        char *state_dir;
        char *runtime_dir;
        char *socket_path; /* stored for the control plane, not opened here */
        char *directories_root; /* see ManagerConfig */
        bool user_mode;         /* see ManagerConfig */
        uid_t owner_uid;        /* user mode: the daemon's own uid, the units' only user */
        gid_t owner_gid;

        CgroupContext *cgroup;
        Reaper *reaper;

        /* The namespaces this host lets us create, probed once in manager_startup(), and the
         * directives the administrator relaxed; the loader checks every unit against both. */
        SandboxHostFacts host_facts;
        char **relax;

        Hashmap *units;            /* unit name -> Unit; the key is the unit's own name string */
        unsigned n_active;
        bool started;              /* manager_startup() succeeded: units may be loaded */

        /* The unit module's state (manager-units.c and friends). */
        PolicyStore *policies;     /* one shared, immutable Policy per content */
        Hashmap *filters;          /* compiled filters, one per policy content */
        PolicyExecKey exec_key;    /* the launch key compiled into them (filter-cache.c) */
        /* References to the filters most recently handed to a unit, so that a policy used
         * again soon (one `syscagectl run` after another) is not compiled again after its
         * last unit went. A ring; NULL slots are empty. */
        FilterEntry *recent_filters[MANAGER_RECENT_FILTERS];
        size_t recent_filters_next;
        /* The node baseline (manager-baseline.h): the file, what it holds, its compiled
         * filters (in the cache above) and its description; all NULL without one. */
        char *baseline_path;
        bool baseline_explicit;
        uint64_t log_max_file_bytes; /* see ManagerConfig */
        unsigned log_max_files;
        Baseline *baseline;
        FilterEntry *baseline_filters;
        char *baseline_description;
        OutputContext *output;     /* per-unit log files; owned */
        NotifyServer *notify;      /* the NOTIFY_SOCKET server; owned */
        /* Seeing denials (unit-events.h): the seccomp records' sources (denial-feed.h), who
         * a gone pid belonged to, and records that fit no unit. */
        struct DenialFeed *denials;
        unsigned denial_sources;
        struct ProcEvents *proc_events;
        uint64_t denials_unattributed;
        char *notify_socket;       /* $NOTIFY_SOCKET for Type=notify; NULL: none */
        StringSet enabled;         /* the enabled set, as read from STATE_DIR/enabled */
        uint64_t start_seq;
        sd_event_source *gc_source; /* frees removed units once they are inactive */
        Hashmap *status_dirty;     /* unit name -> Unit whose status file is due (unit.h) */
        sd_event_source *status_source;
        char **start_queue;        /* enabled units waiting for their turn (manager-order.h) */
        char **stop_queue;         /* units stopped with a dependency, waiting for theirs */
        bool order_busy, order_again;

        /* The identity and directories of activations (unit-runtime.h). */
        DynamicUserTable *dynamic_users; /* uids lent to DynamicUser= units */
        TreeRemover *tree_remover;       /* removals of directory trees, in children */
        char *inaccessible_file;         /* RUNTIME_DIR/inaccessible/reg, for mount plans */

        /* Surviving our own death (manager-takeover.h). */
        HolderClient *holder;       /* the fd holder; NULL without one. Owned */
        char *self_path;            /* our executable at start-up, for re-exec */
        char **argv;                /* our arguments, for re-exec (not owned) */
        int adopted_control_fd;     /* the control socket a previous daemon held, or -EBADF */
        int lock_fd;                /* RUNTIME_DIR/syscaged.lock, locked (takeover_lock()) */
        bool reexec_requested;      /* the loop ended for a re-exec */
        bool took_over;             /* this daemon took over from a previous one */
        struct HolderExit *holder_exits; /* reaped by the holder, not yet claimed */
        size_t n_holder_exits;
        struct HolderFds *held;     /* during start-up: what the holder kept */
        uint8_t state_key[16];      /* signs the state files (takeover_key()) */
        int state_files_fd;         /* RUNTIME_DIR/state, once opened (unit_state_dir_fd()) */
        bool have_state_key;
        sd_event_source *sigusr2;

        bool shutdown_requested;
        sd_event_source *sigterm, *sigint, *sighup;
        unsigned n_signals_ignored; /* from services; for rate-limiting the log */

        /* The process layer the state machine calls (service-process.h); NULL: the real one.
         * Tests put a fake here. */
        const ServiceProcessOps *process_ops;

        /* Called once per state change of any unit, after the unit's status file was written
         * (unit_notify_state_change()), and once when a unit is unloaded (it is then already
         * out of the unit table). The control plane sets it to announce changes; NULL:
         * nobody listens. It must not change any unit's state. */
        void (*on_unit_changed)(struct Manager *m, Unit *u, void *userdata);
        void *on_unit_changed_userdata;
} Manager;

/* The default unit search path, highest priority first. */
extern const char *const manager_default_units_dirs[];

/* Copies cfg and sets up the event loop and signal sources. SIGTERM, SIGINT, SIGHUP and
 * SIGCHLD must be blocked already. */
int manager_new(const ManagerConfig *cfg, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Creates the state and runtime directories, sets up cgroups and the reaper. Logs and returns
 * -errno on failure; the daemon then exits. */
int manager_startup(Manager *m);
/* Starts the enabled units. Called once the control socket is ours, so that a second daemon
 * given the same socket fails before it starts anything. */
void manager_start_enabled(Manager *m);
/* Tells the service manager we are ready and runs the loop. Returns the exit status. */
int manager_run(Manager *m);

/* Begins stopping every unit; the loop ends once none is active. Safe to call repeatedly. */
void manager_shutdown(Manager *m);
/* Re-reads configuration. (Unit loading arrives with the unit module; for now it logs.) */
void manager_reload(Manager *m);

/* Where a process stands relative to the units: manager_pid_origin(). */
typedef enum ManagerPidOrigin {
        MANAGER_PID_OUTSIDE,    /* not under the daemon: an operator, the service manager, ... */
        MANAGER_PID_UNIT,       /* a process of the unit returned: found as its process (a known
                                 * pid, or exactly its cgroup while active) and in its cgroup tree;
                                 * in process-group mode, a live process of it */
        MANAGER_PID_SUPERVISED, /* under the daemon, but not established as a unit's: below a
                                 * service cgroup (the unit returned, when loaded, is the one whose
                                 * tree holds it), or a descendant of the daemon outside them (a
                                 * service process that moved itself to another cgroup) */
        MANAGER_PID_UNKNOWN,    /* gone before it could be told, or unreadable: treat as supervised */
        _MANAGER_PID_ORIGIN_MAX,
        _MANAGER_PID_ORIGIN_INVALID = -EINVAL,
} ManagerPidOrigin;

const char *manager_pid_origin_to_string(ManagerPidOrigin o);
int manager_pid_origin_from_string(const char *s);

/* The one answer to "is this pid inside a supervised unit, and which", for the control plane
 * and for signals. Looks at the pid's cgroup, then its parent chain (services are the daemon's
 * descendants for good: it is their child subreaper), then the units' known pids, which only
 * name the unit: a pid a unit once had may be a stranger's by now. PIDFD: the
 * same process pinned (a client's SO_PEERPIDFD), or -EBADF; when given, it is checked after
 * the reads, so that a pid reused meanwhile yields MANAGER_PID_UNKNOWN, never a stranger's
 * answer. *ret_unit is the unit, or NULL. The daemon itself is MANAGER_PID_OUTSIDE. */
ManagerPidOrigin manager_pid_origin(Manager *m, pid_t pid, int pidfd, Unit **ret_unit);

/* Activity accounting for the state machine. */
void manager_unit_activated(Manager *m);
void manager_unit_deactivated(Manager *m);

/* The unit table. The name must stay valid while the unit is in the table (use the unit's
 * own name). manager_add_unit returns -EEXIST for a duplicate, -E2BIG past MANAGER_UNITS_MAX. */
Unit *manager_get_unit(const Manager *m, const char *name);
int manager_add_unit(Manager *m, const char *name, Unit *u);
Unit *manager_remove_unit(Manager *m, const char *name);
