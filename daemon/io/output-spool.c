/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Spool and checkpoint files of durable output pipes. The format and the order of writes
 * are described in output-spool.h; why that order makes a SIGKILL harmless is in output.h.
 *
 * Every write here is a single system call whose effect the kernel either made or did not
 * make when the process dies: splice(2) moves pipe pages into the spool and the file's size
 * grows with them, and the checkpoint is one pwrite(2) of a few dozen bytes at offset 0.
 */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "io/output-spool.h"
#include "strv.h"

static const char *const spool_suffixes[] = { ".stdout.spool", ".stderr.spool", ".stdout.ck", ".stderr.ck" };

bool output_stream_id_valid(const char *id) {
        size_t l = id ? strlen(id) : 0;

        if (l == 0 || l > OUTPUT_STREAM_ID_MAX)
                return false;
        for (const char *c = id; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr("_.@:-", *c)))
                        return false;
        return true;
}

static int spool_path(const char *dir, const char *stream_id, const char *suffix, const char *ext, char **ret) {
        char buf[PATH_MAX];
        int n = snprintf(buf, sizeof buf, "%s/%s.%s.%s", dir, stream_id, suffix, ext);

        if (n < 0 || (size_t) n >= sizeof buf)
                return -ENAMETOOLONG;
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

OutputSpool *output_spool_free(OutputSpool *sp) {
        if (!sp)
                return NULL;
        safe_close(sp->fd);
        safe_close(sp->ck_fd);
        free(sp->path);
        free(sp->ck_path);
        free(sp);
        return NULL;
}

OutputSpool *output_spool_remove(OutputSpool *sp) {
        if (!sp)
                return NULL;
        (void) unlink(sp->path);
        (void) unlink(sp->ck_path);
        return output_spool_free(sp);
}

bool output_spool_exists(const char *dir, const char *stream_id, const char *suffix) {
        _cleanup_free_ char *a = NULL, *b = NULL;

        if (spool_path(dir, stream_id, suffix, "spool", &a) < 0 || spool_path(dir, stream_id, suffix, "ck", &b) < 0)
                return false;
        return faccessat(AT_FDCWD, a, F_OK, AT_EACCESS) == 0 || faccessat(AT_FDCWD, b, F_OK, AT_EACCESS) == 0;
}

int output_spool_open(const char *dir, const char *stream_id, const char *suffix, bool create, OutputSpool **ret) {
        _cleanup_(output_spool_freep) OutputSpool *sp = NULL;
        int flags = O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | (create ? O_EXCL : 0);
        struct stat st;
        int r;

        if (!output_stream_id_valid(stream_id))
                return -EINVAL;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        sp = calloc(1, sizeof *sp);
        if (!sp)
                return -ENOMEM;
        sp->fd = sp->ck_fd = -EBADF;
        r = spool_path(dir, stream_id, suffix, "spool", &sp->path);
        if (r < 0)
                return r;
        r = spool_path(dir, stream_id, suffix, "ck", &sp->ck_path);
        if (r < 0)
                return r;
        sp->fd = open(sp->path, flags, 0600);
        if (sp->fd < 0)
                return -errno;
        sp->ck_fd = open(sp->ck_path, flags, 0600);
        if (sp->ck_fd < 0) {
                r = -errno;
                if (create)
                        (void) unlink(sp->path);
                return r;
        }
        if (fstat(sp->fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        sp->size = (uint64_t) st.st_size;
        *ret = TAKE_PTR(sp);
        return 0;
}

ssize_t output_spool_splice(OutputSpool *sp, int pipe_fd, size_t max) {
        loff_t off = (loff_t) sp->size;
        ssize_t n;

        /* An explicit offset rather than O_APPEND: splice(2) refuses O_APPEND files. */
        n = splice(pipe_fd, NULL, sp->fd, &off, max, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
        if (n < 0)
                return -errno;
        sp->size += (uint64_t) n;
        return n;
}

ssize_t output_spool_read(OutputSpool *sp, void *buf, size_t n, uint64_t off) {
        ssize_t k;

        if (off > sp->size || n > sp->size - off)
                return -EINVAL;
        do
                k = pread(sp->fd, buf, n, (off_t) off);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        return k == 0 && n > 0 ? -EIO : k; /* shorter than we think: cut under us */
}

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);

        for (size_t i = 0; i < n; i++) {
                h ^= p[i];
                h *= UINT64_C(0x100000001b3);
        }
        return h;
}

static void put_u32(uint8_t *p, uint32_t v) {
        v = htole32(v);
        memcpy(p, &v, sizeof v);
}

static void put_u64(uint8_t *p, uint64_t v) {
        v = htole64(v);
        memcpy(p, &v, sizeof v);
}

static uint32_t get_u32(const uint8_t *p) {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        return le32toh(v);
}

static uint64_t get_u64(const uint8_t *p) {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        return le64toh(v);
}

int output_checkpoint_write(OutputSpool *sp, const OutputCheckpoint *ck) {
        uint8_t b[OUTPUT_CHECKPOINT_SIZE];
        ssize_t k;

        put_u32(b, OUTPUT_CHECKPOINT_MAGIC);
        put_u32(b + 4, OUTPUT_CHECKPOINT_VERSION);
        put_u64(b + 8, ck->seq);
        put_u64(b + 16, ck->log_ino);
        put_u64(b + 24, ck->log_size);
        put_u64(b + 32, ck->pos);
        put_u64(b + 40, fnv1a64(b, 40));
        do
                k = pwrite(sp->ck_fd, b, sizeof b, 0);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        if ((size_t) k != sizeof b)
                return -EIO;
        sp->pos = ck->pos;
        return 0;
}

int output_checkpoint_read(OutputSpool *sp, OutputCheckpoint *ret) {
        uint8_t b[OUTPUT_CHECKPOINT_SIZE + 1];
        ssize_t k;

        do
                k = pread(sp->ck_fd, b, sizeof b, 0);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        if (k == 0)
                return -ENODATA;
        if ((size_t) k != OUTPUT_CHECKPOINT_SIZE || get_u32(b) != OUTPUT_CHECKPOINT_MAGIC ||
            get_u32(b + 4) != OUTPUT_CHECKPOINT_VERSION || get_u64(b + 40) != fnv1a64(b, 40))
                return -EBADMSG;
        *ret = (OutputCheckpoint) {
                .seq = get_u64(b + 8),
                .log_ino = get_u64(b + 16),
                .log_size = get_u64(b + 24),
                .pos = get_u64(b + 32),
        };
        return 0;
}

int output_spool_commit(OutputSpool *sp, uint64_t *seq, uint64_t log_ino, uint64_t log_size, uint64_t pos) {
        OutputCheckpoint ck = { .seq = ++*seq, .log_ino = log_ino, .log_size = log_size, .pos = pos };
        int r;

        r = output_checkpoint_write(sp, &ck);
        if (r < 0)
                return r;
        if (pos == sp->size && pos > 0) {
                if (ftruncate(sp->fd, 0) < 0)
                        return -errno;
                sp->size = sp->punched = 0;
                ck.seq = ++*seq;
                ck.pos = 0;
                return output_checkpoint_write(sp, &ck);
        }
        if (pos - sp->punched >= OUTPUT_SPOOL_PUNCH_BYTES) {
                /* Best effort: a file system without holes keeps the bytes until the next
                 * truncation, which costs space, not correctness. */
                (void) fallocate(sp->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t) pos);
                sp->punched = pos;
        }
        return 0;
}

/* "ID.stdout.spool" -> "ID" if the name has one of our suffixes and a valid id. */
static char *spool_name_to_id(const char *name) {
        size_t l = strlen(name);

        for (size_t i = 0; i < ELEMENTSOF(spool_suffixes); i++) {
                size_t sl = strlen(spool_suffixes[i]);
                char *id;

                if (l <= sl || !streq(name + l - sl, spool_suffixes[i]))
                        continue;
                id = strndup(name, l - sl);
                if (id && !output_stream_id_valid(id)) {
                        free(id);
                        id = NULL;
                }
                return id;
        }
        return NULL;
}

int output_spool_dir_list(const char *dir, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        DIR *d;
        int r = 0;

        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = TAKE_PTR(l);
                return 0;
        }
        for (unsigned n = 0; n < OUTPUT_SPOOL_DIR_ENTRIES_MAX; n++) {
                struct dirent *de;
                char *id;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        r = errno > 0 ? -errno : 0;
                        break;
                }
                id = spool_name_to_id(de->d_name);
                if (!id || strv_contains(l, id)) {
                        free(id);
                        continue;
                }
                r = strv_consume(&l, id);
                if (r < 0)
                        break;
        }
        closedir(d);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}
