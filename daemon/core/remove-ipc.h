/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RemoveIPC=: when a unit stops, the System V IPC objects (shared memory segments, message
 * queues, semaphore sets) and the POSIX shared memory and message queue entries that belong
 * to its user or group go. An object belongs to a uid when its owner or its creator is that
 * uid, and to a gid likewise. Root's objects (uid 0, gid 0) are never removed.
 *
 * The System V objects are listed from /proc/sysvipc/{shm,msg,sem} and checked again with
 * IPC_STAT before IPC_RMID; the POSIX ones are the entries of /dev/shm and /dev/mqueue (when
 * mqueue is mounted there) owned by the uid or gid, looked at without following links.
 * Sub-directories of /dev/shm are entered (as systemd does): what the user left in a tree
 * there goes too, and its own directories once empty.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One line of a /proc/sysvipc file. */
typedef struct SysvIpcEntry {
        int id;
        uid_t uid, cuid;
        gid_t gid, cgid;
} SysvIpcEntry;

typedef enum SysvIpcKind {
        SYSV_IPC_SHM,
        SYSV_IPC_MSG,
        SYSV_IPC_SEM,
        _SYSV_IPC_KIND_MAX,
} SysvIpcKind;

/* Named limit (STYLE.md #10): bytes read of one /proc/sysvipc file. */
#define SYSV_IPC_FILE_MAX (8u * 1024u * 1024u)
/* Named limit: levels of directories below /dev/shm that RemoveIPC= enters. */
#define REMOVE_IPC_DEPTH_MAX 32u

const char *sysv_ipc_kind_to_string(SysvIpcKind k);
int sysv_ipc_kind_from_string(const char *s);

/* Parses TEXT, the content of /proc/sysvipc/KIND: the header names the columns, each further
 * line is one object. Calls FN for every well-formed line; returns how many, or -EBADMSG when
 * the header lacks a needed column. */
typedef void (*SysvIpcEntryFn)(const SysvIpcEntry *e, void *userdata);
int sysv_ipc_parse(SysvIpcKind kind, const char *text, SysvIpcEntryFn fn, void *userdata);

/* Whether E belongs to UID or GID (either may be (uid_t) -1 / (gid_t) -1: none). */
bool sysv_ipc_entry_matches(const SysvIpcEntry *e, uid_t uid, gid_t gid);

/* Removes every IPC object of UID and of GID (pass -1 for one not to clean). Returns how many
 * objects went; failures on single objects are logged at debug level and skipped. */
int remove_ipc(uid_t uid, gid_t gid);
