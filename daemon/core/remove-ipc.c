/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RemoveIPC=: finds and removes the IPC objects of a uid or gid. See remove-ipc.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/remove-ipc.h"
#include "parse-util.h"
#include "string-table.h"
#include "sys/fileio.h"
#include "sys/log.h"

#define TMPFS_MAGIC_VALUE 0x01021994
#define MQUEUE_MAGIC_VALUE 0x19800202
#define SYSV_IPC_COLUMNS_MAX 32u

DEFINE_STRING_TABLE(sysv_ipc_kind, SysvIpcKind, _SYSV_IPC_KIND_MAX,
                    [SYSV_IPC_SHM] = "shm",
                    [SYSV_IPC_MSG] = "msg",
                    [SYSV_IPC_SEM] = "sem");

static const char *const id_column[_SYSV_IPC_KIND_MAX] = {
        [SYSV_IPC_SHM] = "shmid",
        [SYSV_IPC_MSG] = "msqid",
        [SYSV_IPC_SEM] = "semid",
};

/* Splits LINE (up to the newline) into whitespace-separated words: at most MAX, each
 * [start, start+len). Returns the number of words. */
static size_t split_line(const char *line, const char *words[], size_t lens[], size_t max) {
        size_t n = 0;
        for (const char *p = line; *p && *p != '\n';) {
                p += strspn(p, " \t");
                if (!*p || *p == '\n')
                        break;
                size_t len = strcspn(p, " \t\n");
                if (n == max)
                        return max + 1;
                words[n] = p;
                lens[n++] = len;
                p += len;
        }
        return n;
}

static int word_to_unsigned(const char *w, size_t len, unsigned *ret) {
        char buf[24];
        if (len == 0 || len >= sizeof buf)
                return -EINVAL;
        memcpy(buf, w, len);
        buf[len] = '\0';
        return parse_unsigned(buf, ret);
}

int sysv_ipc_parse(SysvIpcKind kind, const char *text, SysvIpcEntryFn fn, void *userdata) {
        const char *names[5] = { id_column[kind], "uid", "gid", "cuid", "cgid" };
        size_t col[5];
        const char *words[SYSV_IPC_COLUMNS_MAX];
        size_t lens[SYSV_IPC_COLUMNS_MAX];
        int count = 0;

        size_t n = split_line(text, words, lens, SYSV_IPC_COLUMNS_MAX);
        if (n > SYSV_IPC_COLUMNS_MAX)
                return -EBADMSG;
        for (size_t k = 0; k < ELEMENTSOF(names); k++) {
                col[k] = SIZE_MAX;
                for (size_t i = 0; i < n; i++)
                        if (lens[i] == strlen(names[k]) && strneq(words[i], names[k], lens[i]))
                                col[k] = i;
                if (col[k] == SIZE_MAX)
                        return -EBADMSG;
        }
        for (const char *line = strchr(text, '\n'); line && *++line; line = strchr(line, '\n')) {
                unsigned v[5];
                size_t m = split_line(line, words, lens, SYSV_IPC_COLUMNS_MAX);
                bool ok = m <= SYSV_IPC_COLUMNS_MAX;
                for (size_t k = 0; ok && k < ELEMENTSOF(names); k++)
                        ok = col[k] < m && word_to_unsigned(words[col[k]], lens[col[k]], &v[k]) >= 0;
                if (!ok || v[0] > INT_MAX)
                        continue;
                SysvIpcEntry e = { .id = (int) v[0], .uid = v[1], .gid = v[2], .cuid = v[3], .cgid = v[4] };
                fn(&e, userdata);
                count++;
        }
        return count;
}

static bool owner_matches(uid_t uid, gid_t gid, uid_t want_uid, gid_t want_gid) {
        return (want_uid != (uid_t) -1 && want_uid != 0 && uid == want_uid) ||
               (want_gid != (gid_t) -1 && want_gid != 0 && gid == want_gid);
}

bool sysv_ipc_entry_matches(const SysvIpcEntry *e, uid_t uid, gid_t gid) {
        return owner_matches(e->uid, e->gid, uid, gid) || owner_matches(e->cuid, e->cgid, uid, gid);
}

typedef struct RemoveContext {
        SysvIpcKind kind;
        uid_t uid;
        gid_t gid;
        int removed;
} RemoveContext;

static bool perm_matches(const struct ipc_perm *p, const RemoveContext *c) {
        return owner_matches(p->uid, p->gid, c->uid, c->gid) || owner_matches(p->cuid, p->cgid, c->uid, c->gid);
}

/* Checks the owner again (the id may have been reused since the file was read), then
 * removes. */
static int remove_one(SysvIpcKind kind, int id, const RemoveContext *c) {
        switch (kind) {
        case SYSV_IPC_SHM: {
                struct shmid_ds ds;
                if (shmctl(id, IPC_STAT, &ds) < 0)
                        return -errno;
                if (!perm_matches(&ds.shm_perm, c))
                        return -ESTALE;
                return shmctl(id, IPC_RMID, NULL) < 0 ? -errno : 0;
        }
        case SYSV_IPC_MSG: {
                struct msqid_ds ds;
                if (msgctl(id, IPC_STAT, &ds) < 0)
                        return -errno;
                if (!perm_matches(&ds.msg_perm, c))
                        return -ESTALE;
                return msgctl(id, IPC_RMID, NULL) < 0 ? -errno : 0;
        }
        case SYSV_IPC_SEM: {
                struct semid_ds ds;
                if (semctl(id, 0, IPC_STAT, &ds) < 0)
                        return -errno;
                if (!perm_matches(&ds.sem_perm, c))
                        return -ESTALE;
                return semctl(id, 0, IPC_RMID) < 0 ? -errno : 0;
        }
        default:
                return -EINVAL;
        }
}

static void on_entry(const SysvIpcEntry *e, void *userdata) {
        RemoveContext *c = userdata;
        if (!sysv_ipc_entry_matches(e, c->uid, c->gid))
                return;
        int r = remove_one(c->kind, e->id, c);
        if (r < 0)
                log_debug_errno(r, "Failed to remove System V %s %d, ignoring: %m",
                                sysv_ipc_kind_to_string(c->kind), e->id);
        else
                c->removed++;
}

static int remove_sysv(uid_t uid, gid_t gid) {
        int removed = 0;
        for (SysvIpcKind k = 0; k < _SYSV_IPC_KIND_MAX; k++) {
                _cleanup_free_ char *text = NULL;
                char path[64];
                snprintf(path, sizeof path, "/proc/sysvipc/%s", sysv_ipc_kind_to_string(k));
                int r = read_virtual_file_at(AT_FDCWD, path, SYSV_IPC_FILE_MAX, &text);
                if (r < 0) {
                        log_debug_errno(r, "Failed to read %s, ignoring: %m", path);
                        continue;
                }
                RemoveContext c = { .kind = k, .uid = uid, .gid = gid };
                r = sysv_ipc_parse(k, text, on_entry, &c);
                if (r < 0)
                        log_debug_errno(r, "Failed to parse %s, ignoring: %m", path);
                removed += c.removed;
        }
        return removed;
}

/* The entries below the directory DFD owned by UID or GID, at any depth: a directory is
 * entered (without following a link, on the same filesystem, REMOVE_IPC_DEPTH_MAX deep at
 * most) whoever owns it, and removed when it is theirs and ends up empty. A tree the user
 * left in /dev/shm would otherwise stay for the next holder of a recycled (dynamic) uid. */
static int remove_posix_at(int dfd, dev_t dev, uid_t uid, gid_t gid, unsigned depth) {
        int removed = 0;
        int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return 0;
        DIR *d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return 0;
        }
        rewinddir(d);
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISDIR(st.st_mode) && st.st_dev == dev && depth < REMOVE_IPC_DEPTH_MAX) {
                        int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0) {
                                removed += remove_posix_at(sub, dev, uid, gid, depth + 1);
                                safe_close(sub);
                        }
                }
                if (!owner_matches(st.st_uid, st.st_gid, uid, gid))
                        continue;
                if (unlinkat(dirfd(d), de->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
                        log_debug_errno(errno, "Failed to remove %s, ignoring: %m", de->d_name);
                else
                        removed++;
        }
        closedir(d);
        return removed;
}

/* The entries of DIR (which must be a filesystem of type MAGIC) owned by UID or GID. */
static int remove_posix(const char *dir, long magic, uid_t uid, gid_t gid) {
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        struct statfs sfs;
        struct stat st;

        if (fd < 0 || fstatfs(fd, &sfs) < 0 || sfs.f_type != magic || fstat(fd, &st) < 0)
                return 0;
        return remove_posix_at(fd, st.st_dev, uid, gid, 0);
}

int remove_ipc(uid_t uid, gid_t gid) {
        if (uid == 0)
                uid = (uid_t) -1;
        if (gid == 0)
                gid = (gid_t) -1;
        if (uid == (uid_t) -1 && gid == (gid_t) -1)
                return 0;
        return remove_sysv(uid, gid) + remove_posix("/dev/shm", TMPFS_MAGIC_VALUE, uid, gid) +
               remove_posix("/dev/mqueue", MQUEUE_MAGIC_VALUE, uid, gid);
}
