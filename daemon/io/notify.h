/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The NOTIFY_SOCKET server for Type=notify services (sd_notify(3) protocol).
 *
 * One AF_UNIX datagram socket, bound to a path that services get in $NOTIFY_SOCKET. The
 * kernel attaches the sender's credentials to every datagram (SO_PASSCRED), so the pid we
 * report is the kernel's word, not the message's. File descriptors sent along (SCM_RIGHTS,
 * e.g. FDSTORE=1) are not supported and are closed at once.
 *
 * A datagram is newline-separated KEY=VALUE assignments, at most NOTIFY_DATAGRAM_MAX bytes.
 * A longer one is dropped whole. Each assignment is checked on its own: a malformed one
 * (no '=', bad number, NUL byte, unknown value) is ignored with a debug message and the rest
 * of the datagram still counts. Unknown keys are ignored. When a key repeats, the last
 * assignment wins.
 *
 * Who may notify (NotifyAccess=) is decided by the caller with notify_access_allows(): this
 * module knows nothing about services.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "unit-config.h"

#define NOTIFY_DATAGRAM_MAX 4096u
/* Datagrams handled per event-loop iteration, so a flood cannot starve other sources. */
#define NOTIFY_BURST_MAX 16u

/* NotifyAccess and its string table come from the unit model (unit-config.h). */
/* NotifyAccess= policy. "main": only main_pid. "exec": the main process or the current
 * control process (ExecStartPre=, ExecStartPost=, ExecReload=, ExecStop=, ExecStopPost=).
 * "all": the main process or any process in the service's cgroup. A pid <= 0 stands for "no
 * such process" and never matches; a sender pid <= 0 is never allowed. */
bool notify_access_allows(NotifyAccess a, pid_t sender, pid_t main_pid, pid_t control_pid,
                          bool sender_in_service_cgroup);

typedef enum NotifyWatchdog {
        NOTIFY_WATCHDOG_UNSET,
        NOTIFY_WATCHDOG_PING,    /* WATCHDOG=1 */
        NOTIFY_WATCHDOG_TRIGGER, /* WATCHDOG=trigger: act as if the watchdog expired */
} NotifyWatchdog;

typedef struct NotifyMessage {
        bool ready;     /* READY=1 */
        bool stopping;  /* STOPPING=1 */
        bool reloading; /* RELOADING=1 */
        NotifyWatchdog watchdog;
        char *status;   /* STATUS=..., NULL when absent; may be "" */
        pid_t main_pid; /* MAINPID=, 0 when absent */
        bool has_watchdog_usec;
        uint64_t watchdog_usec; /* WATCHDOG_USEC= */
        int errno_value;        /* ERRNO=, -1 when absent */
        bool has_extend_timeout;
        uint64_t extend_timeout_usec; /* EXTEND_TIMEOUT_USEC= */
        unsigned n_ignored;           /* malformed assignments skipped */
} NotifyMessage;

/* Parses one datagram. Never fails on content (bad lines are counted in n_ignored); returns
 * -ENOMEM, or -EMSGSIZE for len > NOTIFY_DATAGRAM_MAX. Free with notify_message_done(). */
int notify_message_parse(const char *buf, size_t len, NotifyMessage *ret);
void notify_message_done(NotifyMessage *m);

typedef struct NotifyServer NotifyServer;

/* Called for every accepted datagram. sender is the pid from the kernel's credentials. */
typedef void (*NotifyCallback)(NotifyServer *server, pid_t sender, const NotifyMessage *m, void *userdata);

/* Binds path (an existing socket there is replaced), mode 0666 so services running as other
 * users can notify, and watches it on event. */
int notify_server_new(sd_event *event, const char *path, NotifyCallback cb, void *userdata, NotifyServer **ret);
/* As notify_server_new(), but takes FD (owned; -EBADF: none), a socket a previous daemon
 * bound to PATH, when it still is; else binds a new one. */
int notify_server_new_fd(sd_event *event, const char *path, int fd, NotifyCallback cb, void *userdata,
                         NotifyServer **ret);
int notify_server_fd(const NotifyServer *s);
/* Closes the socket and unlinks its path. */
NotifyServer *notify_server_free(NotifyServer *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(NotifyServer *, notify_server_free);
const char *notify_server_path(const NotifyServer *s);

/* Counters, for status output and tests. */
typedef struct NotifyStats {
        uint64_t received;  /* datagrams passed to the callback */
        uint64_t oversize;  /* dropped: longer than NOTIFY_DATAGRAM_MAX */
        uint64_t no_creds;  /* dropped: no credentials attached */
        uint64_t fds_closed; /* descriptors that came along and were closed */
} NotifyStats;
NotifyStats notify_server_stats(const NotifyServer *s);
