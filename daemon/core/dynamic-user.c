/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DynamicUser= uid allocation: the candidate sequence, the system databases as files, and the
 * Manager's table of lent uids. See dynamic-user.h for the rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dynamic-user.h"
#include "parse-util.h"
#include "sys/fileio.h"

struct DynamicUserTable {
        char *root;
        DynamicUser **entries;
        size_t n, allocated;
};

void dynamic_uid_set_add(DynamicUidSet *s, uid_t uid) {
        if (!dynamic_uid_in_range(uid))
                return;
        size_t i = uid - DYNAMIC_UID_MIN;
        s->bits[i / 8] |= (uint8_t) (1u << (i % 8));
}

bool dynamic_uid_set_contains(const DynamicUidSet *s, uid_t uid) {
        if (!dynamic_uid_in_range(uid))
                return false;
        size_t i = uid - DYNAMIC_UID_MIN;
        return s->bits[i / 8] & (1u << (i % 8));
}

uid_t dynamic_user_hash(const char *name) {
        /* FNV-1a: small, and the same everywhere (no per-process seed). */
        uint32_t h = 2166136261u;
        for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
                h ^= *p;
                h *= 16777619u;
        }
        return DYNAMIC_UID_MIN + (uid_t) (h % DYNAMIC_UID_COUNT);
}

int dynamic_user_pick(const char *name, DynamicUidTakenFn taken, void *userdata, uid_t *ret) {
        uid_t first = dynamic_user_hash(name);
        for (size_t i = 0; i < DYNAMIC_UID_COUNT; i++) {
                uid_t uid = DYNAMIC_UID_MIN + (uid_t) ((first - DYNAMIC_UID_MIN + i) % DYNAMIC_UID_COUNT);
                if (!taken(uid, userdata)) {
                        *ret = uid;
                        return 0;
                }
        }
        return -EBUSY;
}

void dynamic_user_parse_db(const char *text, DynamicUidSet *s) {
        for (const char *line = text; line && *line;) {
                const char *end = strchrnul(line, '\n');
                /* NAME:PASSWORD:ID:... */
                const char *p = memchr(line, ':', (size_t) (end - line));
                p = p ? memchr(p + 1, ':', (size_t) (end - p - 1)) : NULL;
                if (p) {
                        char num[16];
                        size_t n = strcspn(p + 1, ":\n");
                        unsigned v;
                        if (n > 0 && n < sizeof num) {
                                memcpy(num, p + 1, n);
                                num[n] = '\0';
                                if (parse_unsigned(num, &v) >= 0)
                                        dynamic_uid_set_add(s, (uid_t) v);
                        }
                }
                line = *end ? end + 1 : end;
        }
}

int dynamic_user_name(const char *unit, const char *user, char **ret) {
        char *s;
        if (user)
                s = strdup(user);
        else {
                const char *dot = strrchr(unit, '.');
                s = dot && streq(dot, ".service") ? strndup(unit, (size_t) (dot - unit)) : strdup(unit);
        }
        if (!s)
                return -ENOMEM;
        /* A name that is a number would read as a uid. */
        if (strlen(s) > DYNAMIC_USER_NAME_MAX || !user_group_name_is_valid(s) ||
            (s[0] >= '0' && s[0] <= '9')) {
                free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}

int dynamic_user_table_new(const char *root, DynamicUserTable **ret) {
        DynamicUserTable *t = calloc(1, sizeof(DynamicUserTable));
        if (!t)
                return -ENOMEM;
        t->root = strdup(root);
        if (!t->root) {
                free(t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

static DynamicUser *dynamic_user_free(DynamicUser *d) {
        if (d) {
                free(d->name);
                free(d);
        }
        return NULL;
}

DynamicUserTable *dynamic_user_table_free(DynamicUserTable *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n; i++)
                dynamic_user_free(t->entries[i]);
        free(t->entries);
        free(t->root);
        free(t);
        return NULL;
}

size_t dynamic_user_table_size(const DynamicUserTable *t) {
        return t ? t->n : 0;
}

const DynamicUser *dynamic_user_by_uid(const DynamicUserTable *t, uid_t uid) {
        for (size_t i = 0; t && i < t->n; i++)
                if (t->entries[i]->uid == uid)
                        return t->entries[i];
        return NULL;
}

static DynamicUser *table_find_name(const DynamicUserTable *t, const char *name) {
        for (size_t i = 0; i < t->n; i++)
                if (streq(t->entries[i]->name, name))
                        return t->entries[i];
        return NULL;
}

typedef struct TakenContext {
        const DynamicUserTable *table;
        DynamicUidSet system;
        int dynamic_uid_dir; /* systemd's lock files, one per lent uid; -EBADF: none */
} TakenContext;

static bool uid_taken(uid_t uid, void *userdata) {
        TakenContext *c = userdata;
        char name[16];

        if (dynamic_user_by_uid(c->table, uid) || dynamic_uid_set_contains(&c->system, uid))
                return true;
        snprintf(name, sizeof name, "%u", (unsigned) uid);
        return c->dynamic_uid_dir >= 0 && faccessat(c->dynamic_uid_dir, name, F_OK, AT_SYMLINK_NOFOLLOW | AT_EACCESS) >= 0;
}

static void read_db(int root_fd, const char *path, DynamicUidSet *s) {
        _cleanup_free_ char *text = NULL;
        if (read_virtual_file_at(root_fd, path, DYNAMIC_USER_DB_MAX, &text) >= 0)
                dynamic_user_parse_db(text, s);
}

static int pick_uid(DynamicUserTable *t, const char *name, uid_t *ret) {
        TakenContext c = { .table = t, .dynamic_uid_dir = -EBADF };
        _cleanup_close_ int root_fd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return -errno;
        read_db(root_fd, "etc/passwd", &c.system);
        read_db(root_fd, "etc/group", &c.system);
        c.dynamic_uid_dir = openat(root_fd, "run/systemd/dynamic-uid", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r = dynamic_user_pick(name, uid_taken, &c, ret);
        safe_close(c.dynamic_uid_dir);
        return r;
}

int dynamic_user_acquire(DynamicUserTable *t, const char *name, DynamicUser **ret) {
        DynamicUser *d = table_find_name(t, name);
        int r;

        if (d) {
                d->n_ref++;
                *ret = d;
                return 0;
        }
        if (t->n >= DYNAMIC_UID_COUNT)
                return -EBUSY;
        if (GREEDY_REALLOC(t->entries, t->allocated, t->n + 1) < 0)
                return -ENOMEM;
        uid_t uid;
        r = pick_uid(t, name, &uid);
        if (r < 0)
                return r;
        d = calloc(1, sizeof(DynamicUser));
        if (!d || !(d->name = strdup(name)))
                return dynamic_user_free(d), -ENOMEM;
        d->uid = uid;
        d->n_ref = 1;
        t->entries[t->n++] = d;
        *ret = d;
        return 0;
}

DynamicUser *dynamic_user_release(DynamicUserTable *t, DynamicUser *d) {
        if (!t || !d)
                return NULL;
        if (--d->n_ref > 0)
                return NULL;
        for (size_t i = 0; i < t->n; i++)
                if (t->entries[i] == d) {
                        t->entries[i] = t->entries[--t->n];
                        break;
                }
        return dynamic_user_free(d);
}
