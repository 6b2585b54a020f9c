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
typedef struct Manager Manager;
typedef struct OutputContext OutputContext;
typedef struct NotifyServer NotifyServer;
typedef struct KmsgReader KmsgReader;
typedef struct ServiceProcessOps ServiceProcessOps;

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
} ManagerConfig;

typedef struct Manager {
        sd_event *event;

        char **units_dirs; /* search path, highest priority first */
        char *state_dir;
        char *runtime_dir;
        char *socket_path; /* stored for the control plane, not opened here */

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
        OutputContext *output;     /* per-unit log files; owned */
        NotifyServer *notify;      /* the NOTIFY_SOCKET server; owned */
        KmsgReader *kmsg;          /* seccomp kill records; owned */
        char *notify_socket;       /* $NOTIFY_SOCKET for Type=notify; NULL: none */
        StringSet enabled;         /* the enabled set, as read from STATE_DIR/enabled */
        uint64_t start_seq;
        sd_event_source *gc_source; /* frees removed units once they are inactive */
        Hashmap *status_dirty;     /* unit name -> Unit whose status file is due (unit.h) */
        sd_event_source *status_source;
        char **start_queue;        /* enabled units waiting for their turn (manager-order.h) */
        bool order_busy, order_again;

        bool shutdown_requested;
        sd_event_source *sigterm, *sigint, *sighup;

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

/* Activity accounting for the state machine. */
void manager_unit_activated(Manager *m);
void manager_unit_deactivated(Manager *m);

/* The unit table. The name must stay valid while the unit is in the table (use the unit's
 * own name). manager_add_unit returns -EEXIST for a duplicate, -E2BIG past MANAGER_UNITS_MAX. */
Unit *manager_get_unit(const Manager *m, const char *name);
int manager_add_unit(Manager *m, const char *name, Unit *u);
Unit *manager_remove_unit(Manager *m, const char *name);
