/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control plane's server: the listening socket, accepting clients, one sd-bus server
 * connection per client, peer credentials, and the announcement of unit state changes to
 * every client. The methods themselves are in bus-manager.c. See bus.h for the policy.
 */
#include <grp.h>
#include <inttypes.h>
#include <string.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "bus/bus-access.h"
#include "bus/bus-job.h"
#include "bus/bus-manager-ops.h"
#include "bus/bus-manager.h"
#include "bus/bus.h"
#include "bus/bus-transient.h"
#include "core/unit.h"
#include "io/output.h"
#include "parse-util.h"
#include "sys/fileio.h"
#include "sys/log.h"
#include "strv.h"

/* What was last announced for a unit. */
typedef struct BusUnitSeen {
        char *name;
        char active_state[16];
        char sub_state[16];
        char result[32];
} BusUnitSeen;

typedef struct BusTransient {
        char *name;
        bool collect;
        unsigned n_waiters; /* run --wait clients bound to it: it stays until they have read it */
        bool ended;         /* inactive and due for collection once no client waits */
        bool kept;          /* failed, kept loaded for `status` until reset-failed */
        uint64_t kept_seq;  /* order of failing, to collect the oldest past BUS_TRANSIENT_KEPT_MAX */
} BusTransient;

static BusTransient *bus_transient_free(BusTransient *t) {
        if (!t)
                return NULL;
        free(t->name);
        free(t);
        return NULL;
}

static BusUnitSeen *bus_unit_seen_free(BusUnitSeen *s) {
        if (s)
                free(s->name);
        free(s);
        return NULL;
}

static void bus_connection_unlink(BusConnection *c) {
        Bus *b = c->bus;

        if (c->prev)
                c->prev->next = c->next;
        else
                b->connections = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->prev = c->next = NULL;
        b->n_connections--;
}

/* A client that asked for it (run --wait) takes its transient units with it. */
static void bus_connection_stop_bound_units(BusConnection *c) {
        STRV_FOREACH(name, c->bound_units) {
                _cleanup_free_ char *msg = NULL;
                BusUnitBrief brief;

                if (bus_ops_unit_brief(c->bus->manager, *name, &brief) < 0)
                        continue;
                if (streq(brief.active_state, "inactive") || streq(brief.active_state, "failed"))
                        continue;
                log_info("Client (pid %d) went away, stopping %s.", (int) c->cred.pid, *name);
                if (bus_ops_stop(c->bus->manager, *name, &msg) < 0)
                        log_warning("Failed to stop %s: %s", *name, msg ? msg : "unknown error");
        }
}

static BusConnection *bus_connection_free(BusConnection *c) {
        if (!c)
                return NULL;
        if (c->bus && c->fresh)
                c->bus->n_fresh--;
        if (c->bus) {
                bus_job_connection_gone(c->bus, c);
                bus_connection_unlink(c);
        }
        sd_event_source_disable_unref(c->free_source);
        /* Never flushed here: sd_bus_flush() waits without end for a peer that does not
         * read. What is still worth sending went out in bus_flush(), in bounded time. */
        sd_bus_close_unref(c->sdbus);
        strv_free(c->bound_units);
        strv_free(c->followed_logs);
        free(c->confined_unit);
        free(c);
        return NULL;
}

/* The client no longer waits for its transient units: collect those that already ended. */
static void bus_connection_release_bound_units(BusConnection *c) {
        STRV_FOREACH(name, c->bound_units) {
                BusTransient *t = hashmap_get(c->bus->transient, *name);

                if (!t || t->n_waiters == 0)
                        continue;
                if (--t->n_waiters == 0 && t->ended)
                        (void) strv_extend(&c->bus->unload, t->name);
        }
}

static int bus_connection_on_free(sd_event_source *s, void *userdata) {
        BusConnection *c = userdata;

        log_debug("Client (pid %d, uid %u) disconnected.", (int) c->cred.pid, c->cred.uid);
        bus_connection_stop_bound_units(c);
        bus_connection_release_bound_units(c);
        bus_connection_free(c);
        return 0;
}

/* The connection is gone (peer closed, protocol error, or auth timeout). Freed from a
 * deferred event, never from inside sd-bus's own dispatch. */
static int bus_connection_on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        int r;

        if (c->free_source)
                return 0;
        r = sd_event_add_defer(c->bus->event, &c->free_source, bus_connection_on_free, c);
        if (r < 0) {
                /* Without the deferred free we would leak it; closing now is safe enough, as
                 * sd-bus holds a reference during dispatch. */
                log_warning_errno(r, "Failed to schedule freeing a connection, closing now: %m");
                sd_bus_close(c->sdbus);
        }
        return 0;
}

static int bus_on_exit(sd_event_source *s, void *userdata);

/* While bus_flush() drives a connection, a call that arrives is not answered: the daemon is
 * on its way out (re-exec, shutdown) and must not start anything new. */
static int bus_connection_filter(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        uint64_t queued = 0;
        uint8_t type = 0;

        if (sd_bus_message_get_type(m, &type) < 0 || type != SD_BUS_MESSAGE_METHOD_CALL)
                return 0;
        if (c->bus->flushing || c->free_source)
                return 1;
        /* A client that calls on while the answers it has not read pile up here (past what
         * the kernel keeps for the socket) would have the daemon keep them without end. The
         * answers that may be megabytes (or carry fds) are held to a much lower count than
         * the rest, which a client that is behind on its signals may still ask for. */
        static char *const big_answers[] = { (char *) "GetLogs", (char *) "GetUnitFileText",
                                             (char *) "OpenLogFile", (char *) "OpenLogFiles",
                                             (char *) "FollowLogFiles", NULL };
        const char *member = sd_bus_message_get_member(m);
        bool big = member && strv_contains(big_answers, member);
        if (sd_bus_get_n_queued_write(c->sdbus, &queued) >= 0 &&
            queued >= (big ? BUS_UNREAD_ANSWERS_MAX : BUS_WRITE_QUEUE_MAX)) {
                log_warning("Client (pid %d, uid %u) calls on without reading its answers (%" PRIu64
                            " queued), disconnecting it.", (int) c->cred.pid, c->cred.uid, queued);
                (void) bus_connection_on_disconnected(NULL, c, NULL);
                return 1;
        }
        return 0;
}

static int bus_connection_setup(BusConnection *c, int fd) {
        Bus *b = c->bus;
        int r;

        r = sd_bus_new(&c->sdbus);
        if (r < 0)
                return r;
        r = sd_bus_set_fd(c->sdbus, fd, fd);
        if (r < 0)
                return r;
        r = sd_bus_set_server(c->sdbus, 1, b->server_id);
        if (r < 0)
                return r;
        r = sd_bus_negotiate_fds(c->sdbus, true);
        if (r < 0)
                return r;
        r = sd_bus_add_filter(c->sdbus, NULL, bus_connection_filter, c);
        if (r < 0)
                return r;
        r = bus_manager_add_objects(c->sdbus, c);
        if (r < 0)
                return r;
        r = sd_bus_match_signal(c->sdbus, NULL, NULL, "/org/freedesktop/DBus/Local",
                                "org.freedesktop.DBus.Local", "Disconnected",
                                bus_connection_on_disconnected, c);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(c->sdbus, b->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;
        return sd_bus_start(c->sdbus);
}

int bus_connection_add(Bus *b, int fd, const struct ucred *cred, bool privileged,
                       BusConnection **ret) {
        _cleanup_close_ int fd_close = fd;
        BusConnection *c;
        int r;

        c = calloc(1, sizeof(BusConnection));
        if (!c)
                return -ENOMEM;
        c->bus = b;
        c->id = ++b->next_connection_id;
        c->cred = *cred;
        c->privileged = privileged;
        c->fresh = true;
        b->n_fresh++;
        c->next = b->connections;
        if (c->next)
                c->next->prev = c;
        b->connections = c;
        b->n_connections++;

        r = bus_connection_setup(c, fd);
        if (c->sdbus && sd_bus_get_fd(c->sdbus) >= 0)
                TAKE_FD(fd_close); /* sd-bus owns it now */
        if (r < 0) {
                bus_connection_free(c);
                return r;
        }
        if (ret)
                *ret = c;
        return 0;
}

bool bus_peer_is_privileged(const Bus *b, const struct ucred *cred, const gid_t *groups,
                            size_t n_groups) {
        if (cred->uid == 0)
                return true;
        if (b->user_mode && cred->uid == b->owner_uid)
                return true;
        if (!b->have_control_gid)
                return false;
        if (cred->gid == b->control_gid)
                return true;
        for (size_t i = 0; i < n_groups; i++)
                if (groups[i] == b->control_gid)
                        return true;
        return false;
}

/* Reads the peer's supplementary groups as of connect() into a new array. */
static int bus_peer_groups(int fd, gid_t **ret, size_t *ret_n) {
        socklen_t len = 64 * sizeof(gid_t);

        for (unsigned attempt = 0; attempt < 3; attempt++) {
                _cleanup_free_ gid_t *groups = malloc(len > 0 ? len : sizeof(gid_t));
                socklen_t n = len;

                if (!groups)
                        return -ENOMEM;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &n) >= 0) {
                        *ret_n = n / sizeof(gid_t);
                        *ret = TAKE_PTR(groups);
                        return 0;
                }
                if (errno != ERANGE)
                        return -errno;
                len = n; /* the kernel told us the size it needs */
        }
        return -ERANGE;
}

#define IN_SET_DISCONNECT(r) ((r) == -ECONNRESET || (r) == -EPIPE || (r) == -ENOTCONN)

static unsigned bus_count_uid(const Bus *b, uid_t uid) {
        unsigned n = 0;

        for (const BusConnection *c = b->connections; c; c = c->next)
                if (c->cred.uid == uid)
                        n++;
        return n;
}

static void bus_refuse(Bus *b, int fd, const char *why, uid_t uid) {
        safe_close(fd);
        if (b->refusing)
                return;
        b->refusing = true;
        log_warning("Refusing control connection from uid %u: %s (further refusals not logged until "
                    "a client is admitted).", uid, why);
}

static int bus_accept_one(Bus *b, int fd) {
        _cleanup_close_ int fd_close = fd;
        _cleanup_free_ gid_t *groups = NULL;
        _cleanup_(bus_peer_origin_done) BusPeerOrigin origin = {};
        BusConnection *c = NULL;
        size_t n_groups = 0;
        struct ucred cred;
        socklen_t len = sizeof(cred);
        bool privileged;
        int r;

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return log_warning_errno(errno, "Failed to read a client's credentials, closing it: %m");
        if (b->n_connections >= BUS_CONNECTIONS_MAX) {
                bus_refuse(b, TAKE_FD(fd_close), "too many connections", cred.uid);
                return 0;
        }
        /* A per-user daemon serves its owner (and root), nobody else, not even read-only:
         * its units' names and logs are the user's business. The socket's mode says the same;
         * this holds when someone loosens it. */
        if (b->user_mode && cred.uid != 0 && cred.uid != b->owner_uid) {
                bus_refuse(b, TAKE_FD(fd_close), "a per-user daemon serves only its owner", cred.uid);
                return 0;
        }
        r = bus_peer_groups(fd, &groups, &n_groups);
        if (r < 0)
                log_debug_errno(r, "Failed to read the groups of pid %d, assuming none: %m", (int) cred.pid);
        privileged = bus_peer_is_privileged(b, &cred, groups, n_groups);
        /* Only a peer its uid would let write needs to be told apart from a service. */
        if (privileged) {
                bus_peer_origin(b->manager, fd, &cred, &origin);
                privileged = !origin.confined;
        }
        if (!privileged && bus_count_uid(b, cred.uid) >= BUS_CONNECTIONS_PER_UID_MAX) {
                bus_refuse(b, TAKE_FD(fd_close), "too many connections from this uid", cred.uid);
                return 0;
        }
        b->refusing = false;
        r = bus_connection_add(b, TAKE_FD(fd_close), &cred, privileged, &c);
        if (r < 0)
                /* A client that is already gone is not worth a warning (nor a log flood). */
                return log_full_errno(IN_SET_DISCONNECT(r) ? LOG_DEBUG : LOG_WARNING, r,
                                      "Failed to set up a connection for pid %d, closing it: %m", (int) cred.pid);
        c->confined = origin.confined;
        c->confined_gone = origin.gone;
        c->confined_unit = TAKE_PTR(origin.unit);
        log_debug("Client connected: pid %d, uid %u%s%s%s%s.", (int) cred.pid, cred.uid,
                  privileged ? " (privileged)" : "", c->confined ? " (confined: " : "",
                  c->confined ? (c->confined_unit ?: "no unit known") : "", c->confined ? ")" : "");
        return 0;
}

static int bus_on_accept_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Bus *b = userdata;

        b->accept_retry = sd_event_source_disable_unref(b->accept_retry);
        (void) sd_event_source_set_enabled(b->listen_source, SD_EVENT_ON);
        return 0;
}

/* Out of fds (or memory): the backlog stays readable, so a level-triggered watch would spin.
 * Stop listening for BUS_ACCEPT_PAUSE_USEC and log once per pause. */
static void bus_pause_accepting(Bus *b, int error) {
        uint64_t now;
        int r;

        if (!b->accept_paused)
                log_warning_errno(error, "Failed to accept a control connection, pausing for %u ms at a time "
                                  "until one can be accepted: %m", (unsigned) (BUS_ACCEPT_PAUSE_USEC / 1000));
        b->accept_paused = true;
        (void) sd_event_now(b->event, CLOCK_MONOTONIC, &now);
        r = sd_event_add_time(b->event, &b->accept_retry, CLOCK_MONOTONIC, now + BUS_ACCEPT_PAUSE_USEC, 0,
                              bus_on_accept_retry, b);
        if (r < 0)
                return; /* keep listening: spinning beats going deaf */
        (void) sd_event_source_set_enabled(b->listen_source, SD_EVENT_OFF);
}

static int bus_on_listen(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Bus *b = userdata;

        for (unsigned i = 0; i < BUS_ACCEPT_BATCH; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (cfd < 0) {
                        if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                                return 0;
                        bus_pause_accepting(b, errno);
                        return 0;
                }
                b->accept_paused = false;
                (void) bus_accept_one(b, cfd);
        }
        return 0;
}

/* A socket file that nobody answers on is stale: remove it. One that answers belongs to a
 * running daemon: refuse to take it over. */
static int bus_socket_prepare(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int probe = -EBADF;
        _cleanup_free_ char *dir = strdup(path);
        char *slash;
        int r;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                r = mkdir_p(dir, 0755);
                if (r < 0)
                        return log_error_errno(r, "Failed to create %s: %m", dir);
        }
        probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe < 0)
                return log_error_errno(errno, "Failed to create a socket: %m");
        strcpy(sa.sun_path, path); /* the caller checked the length */
        if (connect(probe, (const struct sockaddr *) &sa, sizeof sa) >= 0)
                return log_error_errno(EADDRINUSE, "Another daemon is listening on %s.", path);
        /* A stale socket at PATH stays until the new one is renamed over it. */
        return 0;
}

/* Whether NAME, the address a listening socket was bound to, is PATH or the temporary name
 * bus_listen() binds before renaming the socket to PATH ("PATH.PID.tmp"). */
static bool bound_name_matches(const char *name, const char *path) {
        size_t n = strlen(path);

        if (strncmp(name, path, n) != 0)
                return false;
        name += n;
        if (*name == '\0')
                return true;
        if (*name++ != '.' || !(*name >= '0' && *name <= '9'))
                return false;
        name += strspn(name, "0123456789");
        return streq(name, ".tmp");
}

/* The control socket a previous daemon listened on, if it still is the one at our path:
 * clients that connected meanwhile wait in its backlog. */
static bool bus_listen_fd_usable(int fd, const char *path) {
        struct sockaddr_un sa = {};
        socklen_t len = sizeof sa;
        int v = 0;
        socklen_t vlen = sizeof v;
        struct stat st;

        return getsockname(fd, (struct sockaddr *) &sa, &len) >= 0 && sa.sun_family == AF_UNIX &&
               len > offsetof(struct sockaddr_un, sun_path) && len <= sizeof sa &&
               memchr(sa.sun_path, '\0', len - offsetof(struct sockaddr_un, sun_path)) &&
               bound_name_matches(sa.sun_path, path) &&
               getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &vlen) >= 0 && v == 1 &&
               stat(path, &st) >= 0 && S_ISSOCK(st.st_mode);
}

static int bus_listen(Bus *b, int held_fd) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        socklen_t salen;
        int r;

        if (held_fd >= 0) {
                if (bus_listen_fd_usable(held_fd, b->socket_path)) {
                        int fl = fcntl(held_fd, F_GETFL);
                        if (fl >= 0 && fcntl(held_fd, F_SETFL, fl | O_NONBLOCK) >= 0) {
                                b->listen_fd = held_fd;
                                r = sd_event_add_io(b->event, &b->listen_source, b->listen_fd, EPOLLIN,
                                                    bus_on_listen, b);
                                if (r < 0)
                                        return log_error_errno(r, "Failed to watch the control socket: %m");
                                log_debug("Listening on the control socket of the previous daemon.");
                                return 0;
                        }
                }
                safe_close(held_fd);
        }

        /* The socket is bound under a temporary name and renamed into place once it listens:
         * a client that sees the path between bind() and listen() would otherwise get
         * ECONNREFUSED from a daemon that is starting fine. */
        if (snprintf(sa.sun_path, sizeof sa.sun_path, "%s.%d.tmp", b->socket_path, (int) getpid()) >=
            (int) sizeof sa.sun_path)
                return log_error_errno(ENAMETOOLONG, "Socket path %s is too long (at most %zu bytes).",
                                       b->socket_path, sizeof sa.sun_path - 16);
        salen = offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1;
        r = bus_socket_prepare(b->socket_path);
        if (r < 0)
                return r;
        (void) unlink(sa.sun_path); /* a leftover of a daemon with our pid that died here */
        b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (b->listen_fd < 0)
                return log_error_errno(errno, "Failed to create the control socket: %m");
        if (bind(b->listen_fd, (const struct sockaddr *) &sa, salen) < 0)
                return log_error_errno(errno, "Failed to bind %s: %m", sa.sun_path);
        /* Anyone may connect; what they may do is decided from their credentials. A per-user
         * daemon's socket is its owner's alone (root reaches it all the same). */
        if (chmod(sa.sun_path, b->user_mode ? 0600 : 0666) < 0 || listen(b->listen_fd, BUS_LISTEN_BACKLOG) < 0 ||
            rename(sa.sun_path, b->socket_path) < 0) {
                r = -errno;
                (void) unlink(sa.sun_path);
                return log_error_errno(-r, "Failed to set up the control socket %s: %m", b->socket_path);
        }
        r = sd_event_add_io(b->event, &b->listen_source, b->listen_fd, EPOLLIN, bus_on_listen, b);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the control socket: %m");
        return 0;
}

static int bus_on_socket_gone(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        Bus *b = userdata;

        if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
                log_error("The control socket %s was removed or moved; clients cannot reach the daemon "
                          "until it restarts.", b->socket_path);
        return 0;
}

/* Watches the socket file, to say so when somebody removes it. This also keeps sd-event's
 * inotify instance for the default priority alive between units: the cgroup watches of the
 * units share it, and without a permanent watch it would be closed whenever the last unit
 * stops, and closing an inotify instance waits for an SRCU grace period (5-20 ms here, in
 * the middle of every short `run --wait`). */
static int bus_watch_socket(Bus *b) {
        int r = sd_event_add_inotify(b->event, &b->socket_watch, b->socket_path,
                                     IN_DELETE_SELF | IN_MOVE_SELF, bus_on_socket_gone, b);
        if (r < 0)
                log_warning_errno(r, "Failed to watch %s, ignoring: %m", b->socket_path);
        return 0;
}

static int bus_resolve_group(Bus *b, const char *name) {
        struct group *g;

        if (!name)
                return 0;
        errno = 0;
        g = getgrnam(name);
        if (!g)
                return log_error_errno(errno > 0 ? errno : ESRCH, "Unknown control group '%s'.", name);
        b->control_gid = g->gr_gid;
        b->have_control_gid = true;
        log_debug("Members of group %s (gid %u) may change state.", name, (unsigned) g->gr_gid);
        return 0;
}

/* sd-bus leaves bytes that arrived in the same read as the client's BEGIN in its buffer
 * without looking at them until the socket is readable again; a client that sends its first
 * call right behind BEGIN would wait forever. So once a connection is past authentication,
 * process it until it has nothing more to do. */
static void bus_kick_fresh(Bus *b) {
        BusConnection *next;

        for (BusConnection *c = b->connections; c && b->n_fresh > 0; c = next) {
                next = c->next;
                if (!c->fresh || c->free_source || sd_bus_is_ready(c->sdbus) <= 0)
                        continue;
                c->fresh = false;
                b->n_fresh--;
                for (unsigned i = 0; i < BUS_ACCEPT_BATCH; i++)
                        if (sd_bus_process(c->sdbus, NULL) <= 0)
                                break;
        }
}

static void bus_on_unit_changed(Manager *m, Unit *u, void *userdata) {
        bus_unit_changed(userdata, u->name);
        bus_job_unit_changed(userdata, u->name);
}

static int bus_on_post(sd_event_source *s, void *userdata) {
        Bus *b = userdata;

        bus_kick_fresh(b);
        bus_announce_changes(b);
        return 0;
}

int bus_new(Manager *m, const BusConfig *cfg, Bus **ret) {
        _cleanup_(bus_freep) Bus *b = NULL;
        int r;

        b = calloc(1, sizeof(Bus));
        if (!b)
                return log_oom();
        b->manager = m;
        b->listen_fd = -EBADF;
        b->user_mode = cfg->user_mode;
        b->owner_uid = getuid();
        b->event = sd_event_ref(m->event);
        b->socket_path = strdup(cfg->socket_path);
        b->seen = hashmap_new();
        b->transient = hashmap_new();
        if (!b->socket_path || !b->seen || !b->transient)
                return log_oom();
        r = sd_id128_randomize(&b->server_id);
        if (r < 0)
                return log_error_errno(r, "Failed to generate the bus server id: %m");
        r = bus_resolve_group(b, cfg->control_group);
        if (r < 0)
                return r;
        r = bus_listen(b, cfg->listen_fd);
        if (r < 0)
                return r;
        (void) bus_watch_socket(b);
        bus_transient_takeover(b);
        r = sd_event_add_post(b->event, &b->post_source, bus_on_post, b);
        if (r < 0)
                return log_error_errno(r, "Failed to watch for unit changes: %m");
        /* Before sd-bus's own exit handlers, which flush each connection without a time
         * limit. */
        r = sd_event_add_exit(b->event, &b->exit_source, bus_on_exit, b);
        if (r >= 0)
                r = sd_event_source_set_priority(b->exit_source, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the control plane's exit: %m");
        m->on_unit_changed = bus_on_unit_changed;
        m->on_unit_changed_userdata = b;
        bus_ops_log_set_rotated_hook(m, bus_manager_log_rotated, b);
        log_info("Listening on %s.", b->socket_path);
        *ret = TAKE_PTR(b);
        return 0;
}

/* What is queued for C, written until nothing is left or DEADLINE passes. Not sd_bus_flush(),
 * which waits as long as the peer does not read: any client could hold the daemon that way. */
static void bus_connection_flush(BusConnection *c, usec_t deadline) {
        for (;;) {
                uint64_t queued = 0;
                usec_t now = now_usec(CLOCK_MONOTONIC);
                int r;

                if (sd_bus_get_n_queued_write(c->sdbus, &queued) < 0 || queued == 0 || now >= deadline)
                        return;
                r = sd_bus_process(c->sdbus, NULL);
                if (r < 0)
                        return;
                if (r == 0 && sd_bus_wait(c->sdbus, deadline - now) < 0)
                        return;
        }
}

static void bus_flush_close(Bus *b) {
        bus_flush(b);
        for (BusConnection *c = b->connections; c; c = c->next)
                sd_bus_close(c->sdbus);
}

/* The event loop ends (shutdown, re-exec): what is queued goes out in bounded time, then
 * every connection is closed, which leaves sd-bus's exit handlers nothing to wait for. */
static int bus_on_exit(sd_event_source *s, void *userdata) {
        bus_flush_close(userdata);
        return 0;
}

void bus_flush(Bus *b) {
        if (!b)
                return;
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + BUS_FLUSH_TIMEOUT_USEC;
        b->flushing = true;
        for (BusConnection *c = b->connections; c; c = c->next)
                if (!c->free_source)
                        bus_connection_flush(c, deadline);
        b->flushing = false;
}

Bus *bus_free(Bus *b) {
        BusTransient *t;
        BusUnitSeen *s;

        if (!b)
                return NULL;
        if (b->manager && b->manager->on_unit_changed_userdata == b) {
                b->manager->on_unit_changed = NULL;
                b->manager->on_unit_changed_userdata = NULL;
        }
        if (b->manager)
                bus_ops_log_set_rotated_hook(b->manager, NULL, NULL);
        bus_flush_close(b);
        while (b->connections)
                bus_connection_free(b->connections);
        sd_event_source_disable_unref(b->exit_source);
        sd_event_source_disable_unref(b->listen_source);
        sd_event_source_disable_unref(b->accept_retry);
        sd_event_source_disable_unref(b->socket_watch);
        sd_event_source_disable_unref(b->post_source);
        if (b->listen_fd >= 0) {
                safe_close(b->listen_fd);
                (void) unlink(b->socket_path);
        }
        while ((s = hashmap_steal_first(b->seen)))
                bus_unit_seen_free(s);
        hashmap_free(b->seen);
        while ((t = hashmap_steal_first(b->transient)))
                bus_transient_free(t);
        hashmap_free(b->transient);
        strv_free(b->unload);
        string_set_done(&b->dirty);
        sd_event_unref(b->event);
        free(b->socket_path);
        free(b);
        return NULL;
}

/* ---- state change announcements ---- */

static void bus_broadcast(Bus *b, const char *member, const char *types, const BusUnitBrief *u,
                          const char *removed) {
        for (BusConnection *c = b->connections; c; c = c->next) {
                uint64_t queued = 0;
                int r;

                if (c->free_source)
                        continue;
                /* A client that does not read would make us queue without end. */
                if (sd_bus_get_n_queued_write(c->sdbus, &queued) >= 0 && queued >= BUS_WRITE_QUEUE_MAX) {
                        log_warning("Client (pid %d, uid %u) does not read its messages (%" PRIu64
                                    " queued), disconnecting it.", (int) c->cred.pid, c->cred.uid, queued);
                        sd_bus_close(c->sdbus);
                        (void) bus_connection_on_disconnected(NULL, c, NULL);
                        continue;
                }
                if (removed)
                        r = sd_bus_emit_signal(c->sdbus, BUS_PATH, BUS_INTERFACE, member, types, removed);
                else
                        r = sd_bus_emit_signal(c->sdbus, BUS_PATH, BUS_INTERFACE, member, types,
                                               u->name, u->active_state, u->sub_state, u->result,
                                               u->exec_main_code, u->exec_main_status);
                if (r < 0)
                        log_debug_errno(r, "Failed to send %s to pid %d, ignoring: %m", member,
                                        (int) c->cred.pid);
        }
}

static bool bus_unit_seen_update(BusUnitSeen *s, const BusUnitBrief *u) {
        if (streq(s->active_state, u->active_state) && streq(s->sub_state, u->sub_state) &&
            streq(s->result, u->result))
                return false;
        snprintf(s->active_state, sizeof(s->active_state), "%s", u->active_state);
        snprintf(s->sub_state, sizeof(s->sub_state), "%s", u->sub_state);
        snprintf(s->result, sizeof(s->result), "%s", u->result);
        return true;
}

int bus_transient_register(Bus *b, const char *name, bool collect, bool waited_for) {
        BusTransient *t = calloc(1, sizeof(BusTransient));

        if (!t || !(t->name = strdup(name)) || hashmap_put(b->transient, t->name, t) < 0) {
                bus_transient_free(t);
                return -ENOMEM;
        }
        t->collect = collect;
        t->n_waiters = waited_for;
        return 0;
}

static void bus_transient_unkeep(Bus *b, BusTransient *t) {
        if (!t->kept)
                return;
        t->kept = false;
        b->n_transient_kept--;
}

/* Past BUS_TRANSIENT_KEPT_MAX failed transient units, the oldest that no client waits for is
 * collected, log and all. Runs only when a transient unit fails with the limit reached. */
static void bus_transient_bound(Bus *b) {
        while (b->n_transient_kept > BUS_TRANSIENT_KEPT_MAX) {
                BusTransient *t, *oldest = NULL;

                HASHMAP_FOREACH(t, b->transient)
                        if (t->kept && t->n_waiters == 0 && (!oldest || t->kept_seq < oldest->kept_seq))
                                oldest = t;
                if (!oldest || strv_extend(&b->unload, oldest->name) < 0)
                        return;
                log_info("More than %u failed transient units, collecting %s.", BUS_TRANSIENT_KEPT_MAX,
                         oldest->name);
                bus_transient_unkeep(b, oldest);
        }
}

/* A transient unit that just went inactive is unloaded after its last state went out, so
 * that a client waiting for it (run --wait) always learns the result first. */
static void bus_transient_check(Bus *b, const BusUnitBrief *u) {
        BusTransient *t = hashmap_get(b->transient, u->name);

        if (!t)
                return;
        if (!(streq(u->active_state, "inactive") || streq(u->active_state, "failed"))) {
                bus_transient_unkeep(b, t); /* started again */
                return;
        }
        if (!t->collect && !streq(u->result, "success")) {
                if (!t->kept) {
                        t->kept = true;
                        t->kept_seq = ++b->transient_kept_seq;
                        b->n_transient_kept++;
                        bus_transient_bound(b);
                }
                return;
        }
        bus_transient_unkeep(b, t);
        if (t->n_waiters > 0) {
                /* Its client asks for the status next (denials, runtime): collected when
                 * the client goes. */
                t->ended = true;
                return;
        }
        (void) strv_extend(&b->unload, u->name); /* on failure: kept, like a failed unit */
}

/* A collected transient unit's log goes with it: nobody can ask for it by a unit name that
 * may be reused, and one log file per run would pile up without end. A client that follows
 * it (`logs -f`) holds it open and reads on; a run --wait client is done with the unit before
 * it is collected. */
static void bus_transient_forget(Bus *b, const char *name) {
        BusTransient *t = hashmap_remove(b->transient, name);
        int r;

        if (!t)
                return;
        bus_transient_unkeep(b, t);
        r = output_log_remove(b->manager->state_dir, name);
        if (r < 0)
                log_warning_errno(r, "Failed to delete the log of %s, ignoring: %m", name);
        bus_transient_free(t);
}

/* Unloading is asynchronous: the unit leaves the table a little later, and its entry in
 * b->transient (and its log) goes when its removal is announced. */
static void bus_unload_collected(Bus *b) {
        _cleanup_strv_free_ char **unload = TAKE_PTR(b->unload);

        STRV_FOREACH(n, unload) {
                if (bus_ops_unload(b->manager, *n) >= 0)
                        log_debug("Collecting transient unit %s.", *n);
                else
                        bus_transient_forget(b, *n);
        }
}

/* The unit is gone from the table: tell the clients, forget it. */
static void bus_announce_removal(Bus *b, const char *name) {
        bus_unit_seen_free(hashmap_remove(b->seen, name));
        bus_transient_forget(b, name);
        bus_broadcast(b, "UnitRemoved", "s", NULL, name);
}

static void bus_announce_unit(Bus *b, const char *name) {
        BusUnitSeen *s;
        BusUnitBrief u;

        b->n_units_examined++;
        if (bus_ops_unit_brief(b->manager, name, &u) == -ENOENT) {
                bus_announce_removal(b, name);
                return;
        }
        s = hashmap_get(b->seen, u.name);
        if (!s) {
                s = calloc(1, sizeof(BusUnitSeen));
                if (!s || !(s->name = strdup(u.name)) || hashmap_put(b->seen, s->name, s) < 0) {
                        /* Announced anyway; a repeat of the same state may follow. */
                        bus_unit_seen_free(s);
                        s = NULL;
                }
        }
        if (s && !bus_unit_seen_update(s, &u))
                return;
        bus_broadcast(b, "UnitStateChanged", "ssssii", &u, NULL);
        bus_transient_check(b, &u);
}

void bus_unit_changed(Bus *b, const char *name) {
        if (string_set_add(&b->dirty, name) < 0)
                log_warning("Out of memory: the state change of %s will not be announced.", name);
}

/* Announces the units noted so far. Announcing may note more (unloading a collected unit,
 * a restart): those are taken by the next round. */
static void bus_announce_dirty(Bus *b) {
        _cleanup_(string_set_done) StringSet dirty = b->dirty;

        b->dirty = (StringSet) {};
        for (size_t i = 0; i < dirty.n; i++)
                bus_announce_unit(b, dirty.items[i]);
}

void bus_announce_changes(Bus *b) {
        /* A few rounds at most: each round's unloading may change other units again. */
        for (unsigned round = 0; round < 4 && (b->dirty.n > 0 || b->unload); round++) {
                bus_announce_dirty(b);
                bus_unload_collected(b);
        }
}
