/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's log files as files: their names, opening UNIT.log, the record timestamp, reading
 * the last records back across rotated files, removing them, and cutting one back to a
 * checkpoint after a crash. Writing records is output.c's.
 */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sys/io-log.h"
#include "io/output-log.h"
#include "io/output.h"

/* Unit names become file names and appear in every record: no '/', no spaces, no control
 * characters, not "." or "..". */
bool output_unit_name_valid(const char *unit) {
        size_t l = unit ? strlen(unit) : 0;

        if (l == 0 || l > OUTPUT_UNIT_NAME_MAX || streq(unit, ".") || streq(unit, ".."))
                return false;
        for (const char *c = unit; *c; c++)
                if (*c == '/' || (unsigned char) *c <= ' ' || *c == 0x7f)
                        return false;
        return true;
}

int output_log_path(const char *state_dir, const char *unit, unsigned index, char *buf, size_t size) {
        int n = index == 0 ? snprintf(buf, size, "%s/logs/%s.log", state_dir, unit)
                           : snprintf(buf, size, "%s/logs/%s.log.%u", state_dir, unit, index);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int output_log_open(const char *state_dir, const char *unit) {
        char path[PATH_MAX];
        int fd, r;

        r = output_log_path(state_dir, unit, 0, path, sizeof path);
        if (r < 0)
                return r;
        /* The state directory may be created by the daemon at start-up; make sure logs/ exists. */
        if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        *strrchr(path, '/') = '\0';
        if (mkdir(path, 0750) < 0 && errno != EEXIST)
                return -errno;
        path[strlen(path)] = '/';

        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        return fd < 0 ? -errno : fd;
}

int output_format_timestamp(uint64_t usec, char *buf, size_t size) {
        time_t sec = (time_t) (usec / 1000000);
        struct tm tm;
        size_t n;

        if (!gmtime_r(&sec, &tm) || (n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
                return -EINVAL;
        int k = snprintf(buf + n, size - n, ".%06uZ", (unsigned) (usec % 1000000));
        return k < 0 || (size_t) k >= size - n ? -ENAMETOOLONG : 0;
}

int output_log_cut(const char *state_dir, const char *unit, uint64_t ino, uint64_t size) {
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX; i++) {
                _cleanup_close_ int fd = -EBADF;
                char path[PATH_MAX];
                struct stat st;
                int r;

                r = output_log_path(state_dir, unit, i, path, sizeof path);
                if (r < 0)
                        return r;
                fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
                if (fd < 0 && errno == ENOENT && i == 0)
                        continue; /* mid-rotation */
                if (fd < 0 && errno == ENOENT)
                        return 0;
                if (fd < 0 || fstat(fd, &st) < 0)
                        return -errno;
                if ((uint64_t) st.st_ino != ino || !S_ISREG(st.st_mode))
                        continue;
                if ((uint64_t) st.st_size < size) {
                        io_logf(LOG_WARNING, "Log file %s is shorter than its output checkpoint says, leaving it as it is.",
                                path);
                        return 0;
                }
                if ((uint64_t) st.st_size > size && ftruncate(fd, (off_t) size) < 0)
                        return -errno;
                return 1;
        }
        return 0;
}

/* ---- reading logs back ---- */

/* Finds where the last *need records of fd begin, taking no more than *budget bytes. Sets
 * *ret_start, lowers *need by the number of records taken (a final record without newline
 * counts) and *budget by their size. Returns 1 when the budget ended the search before the
 * file's first record or before *need records were found, else 0. */
static int log_scan_back(int fd, unsigned *need, uint64_t *budget, off_t *ret_start) {
        char buf[64 * 1024];
        struct stat st;
        off_t end, start;
        int capped = 0;

        if (fstat(fd, &st) < 0)
                return -errno;
        end = start = st.st_size;
        while (end > 0) {
                size_t chunk = (size_t) MIN((off_t) sizeof buf, end);
                ssize_t k = pread(fd, buf, chunk, end - (off_t) chunk);
                if (k < 0)
                        return -errno;
                if ((size_t) k != chunk)
                        return -EIO; /* truncated under us */
                for (size_t i = chunk; i > 0; i--) {
                        off_t q = end - (off_t) chunk + (off_t) (i - 1);
                        if (buf[i - 1] != '\n' || q == st.st_size - 1)
                                continue;
                        if ((uint64_t) (st.st_size - (q + 1)) > *budget) {
                                capped = 1;
                                goto done;
                        }
                        start = q + 1;
                        if (--*need == 0)
                                goto done;
                }
                end -= (off_t) chunk;
        }
        if (st.st_size > 0) { /* the file's first record */
                if ((uint64_t) st.st_size > *budget)
                        capped = 1;
                else {
                        start = 0;
                        --*need;
                }
        }
done:
        *budget -= (uint64_t) (st.st_size - start);
        *ret_start = start;
        return capped;
}

static int log_copy_from(int fd, off_t start, FILE *out) {
        char buf[64 * 1024];

        for (;;) {
                ssize_t k = pread(fd, buf, sizeof buf, start);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return 0;
                if (fwrite(buf, 1, (size_t) k, out) != (size_t) k)
                        return -EIO;
                start += k;
        }
}

int output_log_tail(const char *state_dir, const char *unit, unsigned n, uint64_t max_bytes, FILE *out) {
        int fds[OUTPUT_FILES_KEPT_MAX];
        off_t starts[OUTPUT_FILES_KEPT_MAX];
        unsigned nfiles = 0, need = n;
        uint64_t budget = max_bytes;
        bool found = false, capped = false;
        int r = 0;

        if (isempty(state_dir) || !output_unit_name_valid(unit) || !out)
                return -EINVAL;
        /* Newest first until enough records are found. UNIT.log may be missing for a moment
         * during rotation, so a missing UNIT.log does not end the search; a missing .N does. */
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX && need > 0 && !capped; i++) {
                char path[PATH_MAX];
                int fd;

                r = output_log_path(state_dir, unit, i, path, sizeof path);
                if (r < 0)
                        break;
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0 && errno == ENOENT && i == 0)
                        continue;
                if (fd < 0) {
                        r = errno == ENOENT ? 0 : -errno;
                        break;
                }
                found = true;
                fds[nfiles] = fd;
                r = log_scan_back(fd, &need, &budget, &starts[nfiles]);
                nfiles++;
                if (r < 0)
                        break;
                capped = r > 0;
                r = 0;
        }
        if (r >= 0 && !found) {
                /* Distinguish "no log at all" from "asked for nothing". */
                char path[PATH_MAX];
                if (output_log_path(state_dir, unit, 0, path, sizeof path) < 0 || faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) < 0)
                        r = -ENOENT;
        }
        for (unsigned i = nfiles; i > 0 && r >= 0; i--)
                r = log_copy_from(fds[i - 1], starts[i - 1], out);
        for (unsigned i = 0; i < nfiles; i++)
                safe_close(fds[i]);
        if (r >= 0 && fflush(out) != 0)
                r = -EIO;
        return r < 0 ? r : capped;
}

int output_log_remove(const char *state_dir, const char *unit) {
        int n = 0;

        if (isempty(state_dir) || !output_unit_name_valid(unit))
                return -EINVAL;
        /* UNIT.log may be missing for a moment during rotation: go on to .1 regardless. */
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX; i++) {
                char path[PATH_MAX];
                int r = output_log_path(state_dir, unit, i, path, sizeof path);

                if (r < 0)
                        return r;
                if (unlink(path) < 0) {
                        if (errno != ENOENT)
                                return -errno;
                        if (i > 0)
                                break;
                        continue;
                }
                n++;
        }
        return n;
}

/* ---- opening logs for a follower ---- */

int output_log_open_after(const char *state_dir, const char *unit, uint64_t after_ino, int *ret_fds,
                          size_t max, bool *ret_found) {
        int fds[OUTPUT_FILES_KEPT_MAX]; /* newest first */
        unsigned nfiles = 0;
        bool found = false;
        size_t first, n;
        int r = 0;

        if (isempty(state_dir) || !output_unit_name_valid(unit) || !ret_fds || max == 0)
                return -EINVAL;
        /* The daemon rotates between two calls, never during one: the names and the order
         * seen here are consistent. A missing UNIT.log (a daemon killed mid-rotation) does not
         * end the list; a missing .N does. */
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX; i++) {
                char path[PATH_MAX];
                struct stat st;
                int fd;

                r = output_log_path(state_dir, unit, i, path, sizeof path);
                if (r < 0)
                        break;
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
                if (fd < 0 && errno == ENOENT && i == 0)
                        continue;
                if (fd < 0) {
                        r = errno == ENOENT ? 0 : -errno;
                        break;
                }
                if (fstat(fd, &st) < 0) {
                        r = -errno;
                        safe_close(fd);
                        break;
                }
                if (after_ino != 0 && (uint64_t) st.st_ino == after_ino) {
                        found = true;
                        safe_close(fd);
                        break;
                }
                fds[nfiles++] = fd;
        }
        /* The files right after after_ino come first: hand out the oldest max of them, so that
         * the next call, after the newest of these, goes on without a hole. */
        n = MIN((size_t) nfiles, max);
        first = nfiles - n;
        for (size_t i = 0; i < first; i++)
                safe_close(fds[i]);
        if (r < 0) {
                for (size_t i = first; i < nfiles; i++)
                        safe_close(fds[i]);
                return r;
        }
        for (size_t i = 0; i < n; i++)
                ret_fds[i] = fds[nfiles - 1 - i];
        if (ret_found)
                *ret_found = found;
        return (int) n;
}
