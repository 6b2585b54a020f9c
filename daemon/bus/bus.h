/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control plane's server: a listening AF_UNIX stream socket, and one peer-to-peer
 * sd-bus connection per client, all attached to the daemon's event loop.
 *
 * Socket: RUNTIME_DIR/control.sock unless --socket says otherwise, owned by root, mode 0666.
 * Anyone may connect and read (ListUnits, GetUnitStatus, ...). Who may change state is
 * decided per connection from the peer's credentials, taken from the kernel once at accept
 * (SO_PEERCRED and SO_PEERGROUPS, both recorded by the kernel at connect(), so neither /proc
 * nor NSS is consulted at run time): uid 0, or a peer whose effective gid or one of whose
 * supplementary groups is the --control-group group (resolved to a gid at start-up). Such a
 * peer is then also looked up as a process (bus-access.h): one that runs inside a unit, or
 * anywhere under the daemon, is read-only whatever its uid ("confined"), unless its unit says
 * ControlAccess=full.
 *
 * Limits: BUS_CONNECTIONS_MAX connections in all, BUS_CONNECTIONS_PER_UID_MAX for each
 * unprivileged uid; further clients are accepted and closed at once (logged once per burst).
 * A client with BUS_WRITE_QUEUE_MAX messages waiting (it does not read its signals) is
 * disconnected, also when it makes a call; a call for a log or a unit file (answers that may
 * be megabytes, or carry fds) already drops it at BUS_UNREAD_ANSWERS_MAX. What is queued for the clients is sent before a re-exec and at exit for at
 * most BUS_FLUSH_TIMEOUT_USEC in all, so a client that does not read cannot hold the daemon.
 * Per-call limits on argument counts and sizes are in bus-manager.h. sd-bus caps a single
 * message at 128 MiB on its own.
 */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "bus-api.h"
#include "hashmap.h"
#include "string-set.h"
#include "macro.h"
#include "core/manager.h"

#define BUS_CONNECTIONS_MAX 4096u
#define BUS_CONNECTIONS_PER_UID_MAX 128u  /* for unprivileged uids; privileged peers share the global cap */
#define BUS_ACCEPT_BATCH 64u              /* connections accepted per wake-up, for fairness */
#define BUS_WRITE_QUEUE_MAX 4096u         /* messages queued for one client before it is dropped */
#define BUS_UNREAD_ANSWERS_MAX 16u        /* messages queued for a client that asks for a log or unit file */
#define BUS_FLUSH_TIMEOUT_USEC (1000u * 1000u) /* sending what is queued, before re-exec or exit */
#define BUS_LISTEN_BACKLOG 4096
#define BUS_ACCEPT_PAUSE_USEC (100u * 1000u)  /* stop accepting this long when out of fds */
/* Failed transient units (run without --collect) kept loaded for `status` until reset-failed;
 * past this many, the oldest is collected and its log deleted (syscaged(8)). */
#define BUS_TRANSIENT_KEPT_MAX 1024u

typedef struct Bus Bus;
typedef struct BusJob BusJob;

typedef struct BusConnection {
        Bus *bus;
        sd_bus *sdbus;
        uint64_t id;              /* for the unique name ":1.ID" */
        struct ucred cred;        /* the peer, as of connect() */
        bool privileged;          /* may call state-changing methods */
        bool confined;            /* a unit's process (or unidentifiable): read-only (bus-access.h) */
        bool confined_logged;     /* its first refusal was logged */
        bool confined_gone;       /* it exited before it could be told */
        char *confined_unit;      /* the unit it runs in, when known */
        bool fresh;               /* not seen past authentication yet (see bus_kick_fresh()) */
        char **bound_units;       /* transient units stopped when this client goes away */
        char **followed_logs;     /* units whose new log files it is sent (FollowLogFiles) */
        sd_event_source *free_source;
        struct BusConnection *prev, *next;
} BusConnection;

typedef struct BusConfig {
        const char *socket_path;     /* required */
        const char *control_group;   /* NULL: only uid 0 may change state */
        int listen_fd;               /* a listening socket a previous daemon bound to
                                      * socket_path (taken over, owned), or -EBADF: bind anew */
        bool user_mode;              /* a per-user daemon: the socket is 0600, its owner uid
                                      * may change state, other uids but root are refused */
} BusConfig;

struct Bus {
        Manager *manager;
        sd_event *event;
        char *socket_path;
        int listen_fd;
        sd_event_source *listen_source;
        sd_event_source *accept_retry;   /* while accepting is paused (out of fds) */
        bool accept_paused;              /* logged; cleared by the next accepted client */
        sd_event_source *socket_watch;   /* inotify on the socket file */
        sd_id128_t server_id;

        bool have_control_gid;
        gid_t control_gid;
        bool user_mode;                  /* see BusConfig */
        uid_t owner_uid;                 /* user mode: our own uid */

        BusConnection *connections;
        unsigned n_connections;
        uint64_t next_connection_id;
        unsigned n_fresh;
        bool refusing;               /* a refusal was logged; cleared when a client gets in */

        Hashmap *seen;               /* unit name -> last state announced (BusUnitSeen) */
        /* Units whose state changed since the last announcement pass, each once, in order
         * (Manager.on_unit_changed). Names, not pointers: a unit may be freed before the pass. */
        StringSet dirty;
        uint64_t n_units_examined;   /* units looked at by announcement passes, for tests */
        Hashmap *transient;          /* unit name -> BusTransient, until the unit is collected */
        char **unload;               /* transient units to unload after this announcement pass */
        unsigned transient_counter;  /* for "run-uN.service" */
        unsigned n_transient_kept;   /* failed transient units kept loaded (BusTransient.kept) */
        uint64_t transient_kept_seq;
        uint64_t log_rotation_seq;   /* LogFileRotated signals sent so far (FollowLogFiles) */
        bool flushing;               /* in bus_flush(): calls that arrive are not answered */
        sd_event_source *exit_source;    /* flushes and closes the connections when the loop ends */
        sd_event_source *post_source;
        BusJob *jobs;                /* calls waiting for their job to end (bus-job.h) */
        unsigned n_jobs;
};

/* Resolves the control group, creates the socket (its directory too), and starts accepting.
 * Logs and returns -errno on failure. */
int bus_new(Manager *m, const BusConfig *cfg, Bus **ret);
/* Sends what is queued for every client now (before a re-exec), for at most
 * BUS_FLUSH_TIMEOUT_USEC: a client that does not read keeps the rest. */
void bus_flush(Bus *b);
/* Closes every connection and the socket, and removes the socket file. */
Bus *bus_free(Bus *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(Bus *, bus_free);

/* Serves the client on fd (a connected AF_UNIX stream socket; taken over, also on failure)
 * with the given credentials. For the listener and for tests. */
int bus_connection_add(Bus *b, int fd, const struct ucred *cred, bool privileged,
                       BusConnection **ret);

/* Whether a peer with these credentials may change state. groups: the peer's
 * supplementary groups. */
bool bus_peer_is_privileged(const Bus *b, const struct ucred *cred, const gid_t *groups,
                            size_t n_groups);

/* Remembers a transient unit so that it is unloaded once it is inactive: always with
 * collect, else only when it succeeded (a failed one stays for `status` until reset-failed,
 * BUS_TRANSIENT_KEPT_MAX of them at most). Its log is deleted when it is unloaded.
 * WAITED_FOR: a client (run --wait) is bound to it; it is not unloaded before that client
 * disconnects, so the client can read the final status.
 * The client's stdio for run --pipe is not kept here: the unit holds duplicates until its
 * last process is gone (Unit.stdio_fds). */
int bus_transient_register(Bus *b, const char *name, bool collect, bool waited_for);

/* Notes that the unit of that name changed state, or was unloaded (it is then no longer in
 * the Manager's table). Cheap: the announcement is made by bus_announce_changes(). This is
 * what the Manager's on_unit_changed hook calls. */
void bus_unit_changed(Bus *b, const char *name);

/* Emits UnitStateChanged for every unit noted by bus_unit_changed() whose state differs from
 * what was last announced, and UnitRemoved for those no longer loaded; then unloads the
 * transient units that are due. Runs after every event loop iteration that did something;
 * its cost is proportional to the number of units noted, never to the number loaded. */
void bus_announce_changes(Bus *b);
