/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DynamicUser=: a uid/gid pair (the same number) lent to a unit while it runs, from the range
 * systemd documents for dynamic users, 61184-65519.
 *
 * Picking a number. The first candidate is a hash of the user's name (User= if set, else the
 * unit name without ".service"), so a unit gets the same uid from one start to the next as
 * long as nothing else took it; from there the candidates go up linearly, wrapping at the
 * end of the range. A candidate is taken when another of our dynamic users has it, or when it
 * exists as a uid or a gid in the system's user and group databases.
 *
 * The databases are read as files (/etc/passwd, /etc/group) when a unit starts, not through
 * NSS: a start must not block on a network directory service. A uid that only a remote NSS
 * source knows in the dynamic range is therefore not seen; systemd's own dynamic users on
 * the same host are (its lock files in /run/systemd/dynamic-uid/).
 *
 * Sharing. Two running units with the same user name share one entry, as under systemd;
 * the entry has a reference count and goes when its last unit is inactive.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

#define DYNAMIC_UID_MIN ((uid_t) 61184)
#define DYNAMIC_UID_MAX ((uid_t) 65519)
#define DYNAMIC_UID_COUNT ((size_t) (DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1))
/* Named limits (STYLE.md #10). */
#define DYNAMIC_USER_DB_MAX (16u * 1024u * 1024u) /* bytes of /etc/passwd or /etc/group read */
#define DYNAMIC_USER_NAME_MAX 31u                 /* as useradd's limit */

/* One bit per uid of the range. */
typedef struct DynamicUidSet {
        uint8_t bits[(DYNAMIC_UID_COUNT + 7) / 8];
} DynamicUidSet;

static inline bool dynamic_uid_in_range(uid_t uid) {
        return uid >= DYNAMIC_UID_MIN && uid <= DYNAMIC_UID_MAX;
}
void dynamic_uid_set_add(DynamicUidSet *s, uid_t uid);
bool dynamic_uid_set_contains(const DynamicUidSet *s, uid_t uid);

/* The first candidate for NAME: stable across runs and machines. */
uid_t dynamic_user_hash(const char *name);

/* The first uid from NAME's candidate sequence for which TAKEN returns false. -EBUSY when
 * every uid of the range is taken. */
typedef bool (*DynamicUidTakenFn)(uid_t uid, void *userdata);
int dynamic_user_pick(const char *name, DynamicUidTakenFn taken, void *userdata, uid_t *ret);

/* Adds to S the numeric third field of every line of TEXT (a passwd or group file) that falls
 * into the range. Malformed lines are skipped. */
void dynamic_user_parse_db(const char *text, DynamicUidSet *s);

/* The name a dynamic unit's user gets: USER (User=) when set, else UNIT without its
 * ".service" suffix. -EINVAL when the result is no valid user name. */
int dynamic_user_name(const char *unit, const char *user, char **ret);

typedef struct DynamicUser {
        char *name;
        uid_t uid;          /* the gid is the same number */
        unsigned n_ref;
} DynamicUser;

typedef struct DynamicUserTable DynamicUserTable;

/* ROOT is where the system databases are read ("/" for the host; tests give another). */
int dynamic_user_table_new(const char *root, DynamicUserTable **ret);
DynamicUserTable *dynamic_user_table_free(DynamicUserTable *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(DynamicUserTable *, dynamic_user_table_free);

/* Takes a reference on NAME's entry, allocating a uid when it has none. The pointer stays
 * valid until the matching release. -EBUSY when the range is exhausted, -ENOMEM. */
int dynamic_user_acquire(DynamicUserTable *t, const char *name, DynamicUser **ret);
/* Drops a reference; at zero the uid is free again. Returns NULL. */
DynamicUser *dynamic_user_release(DynamicUserTable *t, DynamicUser *d);
/* The entry holding UID, or NULL. */
const DynamicUser *dynamic_user_by_uid(const DynamicUserTable *t, uid_t uid);
size_t dynamic_user_table_size(const DynamicUserTable *t);
