/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process connector reader and the table of tracked processes (see proc-events.h for
 * why and for its limits).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hashmap.h"
#include "sys/io-log.h"
#include "sys/proc-events.h"

typedef struct ProcEntry {
        char key[16];    /* the pid in decimal: the map's key */
        char *owner;
        bool exited;
} ProcEntry;

struct ProcEvents {
        Hashmap *entries;                          /* key -> ProcEntry */
        pid_t exited[PROC_EVENTS_EXITED_KEPT];     /* ring of recent exits */
        size_t n_exited;
        int fd;
        sd_event_source *source;
        uint64_t lost;
};

#define PROC_EVENT_OFFSET (NLMSG_LENGTH(0) + offsetof(struct cn_msg, data))
#define PROC_EVENT_MSG_MAX 1024u

static ProcEntry *entry_get(const ProcEvents *p, pid_t pid) {
        char key[16];
        snprintf(key, sizeof key, "%d", (int) pid);
        return hashmap_get(p->entries, key);
}

static void entry_remove(ProcEvents *p, ProcEntry *e) {
        hashmap_remove(p->entries, e->key);
        free(e->owner);
        free(e);
}

int proc_events_new(ProcEvents **ret) {
        ProcEvents *p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->fd = -EBADF;
        p->entries = hashmap_new();
        if (!p->entries) {
                free(p);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}

ProcEvents *proc_events_free(ProcEvents *p) {
        ProcEntry *e;

        if (!p)
                return NULL;
        while ((e = hashmap_steal_first(p->entries))) {
                free(e->owner);
                free(e);
        }
        hashmap_free(p->entries);
        sd_event_source_disable_unref(p->source);
        safe_close(p->fd);
        free(p);
        return NULL;
}

int proc_events_track(ProcEvents *p, pid_t pid, const char *owner) {
        ProcEntry *e;
        char *o;

        if (!p || pid <= 0)
                return -EINVAL;
        o = strdup(owner);
        if (!o)
                return -ENOMEM;
        e = entry_get(p, pid);
        if (e) {
                free(e->owner);
                e->owner = o;
                e->exited = false;
                return 0;
        }
        if (hashmap_size(p->entries) >= PROC_EVENTS_TRACKED_MAX) {
                free(o);
                p->lost++;
                return -E2BIG;
        }
        e = calloc(1, sizeof *e);
        if (!e) {
                free(o);
                return -ENOMEM;
        }
        snprintf(e->key, sizeof e->key, "%d", (int) pid);
        e->owner = o;
        int r = hashmap_put(p->entries, e->key, e);
        if (r < 0) {
                free(e->owner);
                free(e);
                p->lost++;
                return r;
        }
        return 0;
}

void proc_events_forget_owner(ProcEvents *p, const char *owner) {
        _cleanup_free_ ProcEntry **gone = NULL;
        size_t cursor = 0, n = 0;
        void *v;

        if (!p || hashmap_size(p->entries) == 0)
                return;
        /* Collected first: removing while iterating may skip entries. */
        gone = calloc(hashmap_size(p->entries), sizeof *gone);
        if (!gone) {
                /* Left for the exits and forks to replace; only memory is lost. */
                io_logf(LOG_DEBUG, "Out of memory, process table entries of %s kept.", owner);
                return;
        }
        while (hashmap_iterate(p->entries, &cursor, NULL, &v))
                if (strcmp(((ProcEntry *) v)->owner, owner) == 0)
                        gone[n++] = v;
        for (size_t i = 0; i < n; i++)
                entry_remove(p, gone[i]);
}

void proc_events_on_fork(ProcEvents *p, pid_t parent_tgid, pid_t child_pid, pid_t child_tgid) {
        ProcEntry *parent, *old;

        if (child_pid != child_tgid || child_tgid == parent_tgid)
                return; /* a thread */
        parent = entry_get(p, parent_tgid);
        if (parent && !parent->exited) {
                (void) proc_events_track(p, child_tgid, parent->owner);
                return;
        }
        /* An untracked parent: an exited pid the table remembers belongs to someone else now.
         * A live entry stays: the daemon tracks the processes it starts by hand, before it
         * reads their fork events. */
        old = entry_get(p, child_tgid);
        if (old && old->exited)
                entry_remove(p, old);
}

void proc_events_on_exit(ProcEvents *p, pid_t pid, pid_t tgid) {
        ProcEntry *e;
        size_t slot;

        if (pid != tgid)
                return; /* a thread of a process that goes on */
        e = entry_get(p, tgid);
        if (!e || e->exited)
                return;
        e->exited = true;
        slot = p->n_exited++ % PROC_EVENTS_EXITED_KEPT;
        if (p->n_exited > PROC_EVENTS_EXITED_KEPT) {
                ProcEntry *gone = entry_get(p, p->exited[slot]);
                if (gone && gone->exited && gone != e)
                        entry_remove(p, gone);
        }
        p->exited[slot] = tgid;
}

/* ---- the connector ---- */

static void handle_datagram(ProcEvents *p, const char *buf, size_t n) {
        struct proc_event ev;

        if (n < PROC_EVENT_OFFSET + offsetof(struct proc_event, event_data))
                return;
        memset(&ev, 0, sizeof ev);
        memcpy(&ev, buf + PROC_EVENT_OFFSET, MIN(n - PROC_EVENT_OFFSET, sizeof ev));
        switch (ev.what) {
        case PROC_EVENT_FORK:
                proc_events_on_fork(p, ev.event_data.fork.parent_tgid, ev.event_data.fork.child_pid,
                                    ev.event_data.fork.child_tgid);
                break;
        case PROC_EVENT_EXIT:
                proc_events_on_exit(p, ev.event_data.exit.process_pid, ev.event_data.exit.process_tgid);
                break;
        default:
                break;
        }
}

void proc_events_flush(ProcEvents *p) {
        char buf[PROC_EVENT_MSG_MAX];

        if (!p || p->fd < 0)
                return;
        for (unsigned i = 0; i < PROC_EVENTS_BURST_MAX; i++) {
                ssize_t n = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n < 0 && errno == ENOBUFS) {
                        /* The kernel dropped events: children forked meanwhile are unknown. */
                        p->lost++;
                        io_logf(LOG_DEBUG, "Process connector overrun, some fork events were lost.");
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                handle_datagram(p, buf, (size_t) n);
        }
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        proc_events_flush(userdata);
        return 0;
}

/* Lets through fork and exit events of whole processes only. */
static int attach_filter(int fd) {
        const uint32_t what = PROC_EVENT_OFFSET + offsetof(struct proc_event, what);
        const uint32_t data = PROC_EVENT_OFFSET + offsetof(struct proc_event, event_data);
        struct sock_filter code[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, what),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(PROC_EVENT_FORK), 0, 5),
                /* fork: child_pid == child_tgid */
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, data + offsetof(struct fork_proc_event, child_tgid)),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, data + offsetof(struct fork_proc_event, child_pid)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 7, 0),
                BPF_STMT(BPF_RET | BPF_K, 0),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, htonl(PROC_EVENT_EXIT), 0, 4),
                /* exit: process_pid == process_tgid */
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, data + offsetof(struct exit_proc_event, process_tgid)),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, data + offsetof(struct exit_proc_event, process_pid)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, 0),
                BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
        };
        struct sock_fprog prog = { .len = ELEMENTSOF(code), .filter = code };

        return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ? -errno : 0;
}

static int subscribe(int fd) {
        struct {
                struct nlmsghdr h;
                struct cn_msg c;
                uint32_t op;
        } req = {
                .h = { .nlmsg_len = sizeof req, .nlmsg_type = NLMSG_DONE, .nlmsg_pid = 0 },
                .c = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC }, .len = sizeof(uint32_t) },
                .op = PROC_CN_MCAST_LISTEN,
        };
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

        assert_cc(sizeof req == sizeof(struct nlmsghdr) + sizeof(struct cn_msg) + sizeof(uint32_t));
        return sendto(fd, &req, sizeof req, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0 ? -errno : 0;
}

int proc_events_listen(ProcEvents *p, sd_event *event) {
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
        int size = PROC_EVENTS_RCVBUF, r;
        _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);

        if (fd < 0)
                return -errno;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
                (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        r = attach_filter(fd);
        if (r < 0)
                return r;
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        r = subscribe(fd);
        if (r < 0)
                return r;
        r = sd_event_add_io(event, &p->source, fd, EPOLLIN, on_io, p);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(p->source, "proc-events");
        p->fd = TAKE_FD(fd);
        return 0;
}

const char *proc_events_owner(ProcEvents *p, pid_t pid) {
        ProcEntry *e;

        if (!p || pid <= 0)
                return NULL;
        proc_events_flush(p);
        e = entry_get(p, pid);
        return e ? e->owner : NULL;
}

uint64_t proc_events_lost(const ProcEvents *p) {
        return p ? p->lost : 0;
}

bool proc_events_listening(const ProcEvents *p) {
        return p && p->fd >= 0;
}

size_t proc_events_size(const ProcEvents *p) {
        return p ? hashmap_size(p->entries) : 0;
}
