/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager's unit table: loading units from the search path, the enabled set, the
 * filter cache, daemon-reload, orderly shutdown, and the operations the control plane
 * calls (start, stop, restart, reload, kill, reset-failed, enable, disable). Every
 * operation returns -errno and, on failure, a human sentence in *ret_message.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "hashmap.h"
#include "macro.h"
#include "policy-store.h"
#include "core/unit.h"

typedef struct Manager Manager;
typedef struct OutputContext OutputContext;
typedef struct NotifyServer NotifyServer;
typedef struct KmsgReader KmsgReader;

/* Named limits. */
#define MANAGER_ENABLED_FILE_MAX (256u * 1024u)
#define MANAGER_DIR_ENTRIES_MAX 65536u     /* entries read from one units directory */

/* What the unit module adds to the Manager (manager.h): the Manager owns the event loop,
 * the directories, cgroups, the reaper and the unit table; this holds the rest. */
struct ManagerUnits {
        Manager *manager;
        Hashmap *filters;          /* policy hash -> FilterEntry */
        PolicyStore *policies;     /* one shared Policy per content (policy-store.h) */
        OutputContext *output;     /* per-unit log files; owned */
        NotifyServer *notify;      /* the NOTIFY_SOCKET server; owned */
        KmsgReader *kmsg;          /* seccomp kill records; owned */
        char *notify_socket;       /* $NOTIFY_SOCKET for Type=notify; NULL: none */
        char **enabled;            /* the enabled set, as read from STATE_DIR/enabled */
        uint64_t start_seq;
        sd_event_source *gc_source; /* frees removed units once they are inactive */
        char **start_queue;        /* enabled units waiting for their turn (manager-order.h) */
        bool order_busy, order_again;
};

int manager_units_new(Manager *manager, ManagerUnits **ret);
ManagerUnits *manager_units_free(ManagerUnits *mu);
DEFINE_TRIVIAL_CLEANUP_FUNC(ManagerUnits *, manager_units_free);

/* Loads every *.service from the search path (templates are not instantiated). A unit with
 * errors is kept in load state "error"; its diagnostics are logged once. */
int manager_units_load_all(ManagerUnits *mu);
/* Starts every enabled unit that has [Install] WantedBy=, in After=/Before= order
 * (manager-order.h). */
int manager_units_start_enabled(ManagerUnits *mu);
/* Stops every active unit, each once the units ordered after it are down (manager-order.h).
 * The Manager ends the loop once the last one is inactive (manager_unit_deactivated()). */
void manager_units_shutdown(ManagerUnits *mu);
/* An orphan was reaped: in process-group mode a stopping unit may be empty now. */
void manager_units_orphan_reaped(ManagerUnits *mu, pid_t pid);
/* Unloads, soon, removed units that are inactive and hold nothing any more. */
void manager_units_schedule_gc(ManagerUnits *mu);
/* Called by the service state machine after a unit reached an inactive state. */
void manager_units_unit_inactive(ManagerUnits *mu, Unit *u);

/* The operations of the control plane. They take the Manager (whose unit_runtime is this
 * module's state), return 0 or -errno, and on failure may set *ret_message (to be freed)
 * to a sentence for the client. */

/* Finds a loaded unit, or loads NAME (an instance of a template, too) on demand. */
int manager_load_unit(Manager *m, const char *name, Unit **ret, char **ret_message);
int manager_start_unit(Manager *m, const char *name, char **ret_message);
int manager_stop_unit(Manager *m, const char *name, char **ret_message);
int manager_restart_unit(Manager *m, const char *name, char **ret_message);
int manager_reload_unit(Manager *m, const char *name, char **ret_message);
int manager_kill_unit(Manager *m, const char *name, int signo, char **ret_message);
int manager_reset_failed(Manager *m, const char *name, char **ret_message); /* NULL: all */
int manager_enable_unit(Manager *m, const char *name, char **ret_message);
int manager_disable_unit(Manager *m, const char *name, char **ret_message);
bool manager_unit_is_enabled(Manager *m, const char *name);
int manager_daemon_reload(Manager *m, char **ret_message);

/* Finds the unit a pid belongs to: main or control pid, else cgroup membership. */
Unit *manager_units_find_by_pid(ManagerUnits *mu, pid_t pid);
