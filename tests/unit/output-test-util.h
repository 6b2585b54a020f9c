/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the durable output tests (test-output-durable.c, test-output-crash.c):
 * a temporary state directory with a spool directory, running the loop until a stream is
 * drained, and reading a unit's log files back without their timestamps. Header-only, so
 * each test stays one .c file.
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "io/output.h"
#include "sys/io-log.h"

typedef struct Env {
        char dir[64];
        char spool[96];
        sd_event *event;
        OutputContext *ctx;
} Env;

static inline int rm_rf(const char *path) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
        return system(cmd);
}

static inline void ctx_configure(OutputContext *ctx, const char *spool) {
        if (spool) {
                ctx->spool_dir = strdup(spool);
                assert_non_null(ctx->spool_dir);
        }
}

static inline int env_setup(void **state) {
        Env *env = calloc(1, sizeof *env);
        assert_non_null(env);
        strcpy(env->dir, "/tmp/test-output-durable-XXXXXX");
        assert_non_null(mkdtemp(env->dir));
        snprintf(env->spool, sizeof env->spool, "%s/spool", env->dir);
        assert_int_equal(sd_event_new(&env->event), 0);
        assert_int_equal(output_context_new(env->event, env->dir, &env->ctx), 0);
        ctx_configure(env->ctx, env->spool);
        *state = env;
        return 0;
}

static inline int env_teardown(void **state) {
        Env *env = *state;
        output_context_free(env->ctx);
        sd_event_unref(env->event);
        rm_rf(env->dir);
        free(env);
        io_log_set_func(NULL);
        return 0;
}

static inline uint64_t now_usec(void) {
        struct timespec ts;
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static inline void run_until_drained(sd_event *e, OutputStream *s, uint64_t timeout_usec) {
        uint64_t start = now_usec();
        while (!output_stream_drained(s)) {
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
                assert_true(now_usec() - start < timeout_usec);
        }
}

static inline void write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                assert_true(k > 0);
                p += k;
                n -= (size_t) k;
        }
}

static inline char *read_file(const char *path, size_t *ret_len) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        char *buf;
        if (fd < 0)
                return NULL;
        assert_int_equal(fstat(fd, &st), 0);
        buf = malloc((size_t) st.st_size + 1);
        assert_non_null(buf);
        assert_int_equal(pread(fd, buf, (size_t) st.st_size, 0), st.st_size);
        buf[st.st_size] = '\0';
        close(fd);
        if (ret_len)
                *ret_len = (size_t) st.st_size;
        return buf;
}

static inline void log_path(const char *dir, const char *unit, unsigned i, char *buf, size_t size) {
        if (i == 0)
                snprintf(buf, size, "%s/logs/%s.log", dir, unit);
        else
                snprintf(buf, size, "%s/logs/%s.log.%u", dir, unit, i);
}

/* All log files of unit, oldest first, with every record's timestamp removed (kept: the text
 * from " UNIT[PID] STREAM...: " on). Only records whose text after the unit name starts with
 * filter are kept when filter is set. Returns a malloc'ed string. */
static inline char *log_records(const char *dir, const char *unit, const char *filter, unsigned *ret_files) {
        char path[PATH_MAX], *out = NULL;
        size_t out_len = 0;
        unsigned n = 0;
        FILE *f = open_memstream(&out, &out_len);

        assert_non_null(f);
        /* Up to the last file there is: a gap would be a bug, but is not for this to hide. */
        for (unsigned i = 0; i < OUTPUT_FILES_KEPT_MAX; i++) {
                log_path(dir, unit, i, path, sizeof path);
                if (access(path, F_OK) == 0)
                        n = i + 1;
        }
        for (unsigned i = n; i > 0; i--) {
                size_t len;
                char *data;
                log_path(dir, unit, i - 1, path, sizeof path);
                data = read_file(path, &len);
                if (!data) {
                        print_message("log file %s is missing\n", path);
                        data = strdup("");
                        len = 0;
                }
                for (char *rec = data; rec < data + len;) {
                        char *nl = memchr(rec, '\n', (size_t) (data + len - rec));
                        char *rest = rec + 27;
                        assert_non_null(nl);
                        assert_true(nl - rec > 27);
                        assert_int_equal(rec[26], 'Z');
                        if (!filter || strstr(rest, filter) == strchr(rest, ']') + 1)
                                fwrite(rest, 1, (size_t) (nl + 1 - rest), f);
                        rec = nl + 1;
                }
                free(data);
        }
        fclose(f);
        if (ret_files)
                *ret_files = n;
        return out;
}

static inline unsigned dir_entries(const char *dir) {
        DIR *d = opendir(dir);
        unsigned n = 0;
        if (!d)
                return 0;
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.')
                        n++;
        closedir(d);
        return n;
}

/* Input with every kind of line: short, empty, exactly the cap, far over it, and a last one
 * without newline. */

/* The number in "NNNNNNN\n" (sscanf() would strlen() the whole rest of the log each time). */
static inline unsigned parse_line_number(const char *p, const char *nl) {
        unsigned v = 0;
        if (nl - p != 7)
                return 0;
        for (; p < nl; p++) {
                if (*p < '0' || *p > '9')
                        return 0;
                v = v * 10 + (unsigned) (*p - '0');
        }
        return v;
}

/* Checks that the log is exactly lines 1..CRASH_LINES, once each, in order, each with the
 * pid the reader set. */
static inline void check_numbered_log(const Env *env, const char *unit, int pid, unsigned lines) {
        unsigned files, expect = 1, dups = 0, gaps = 0, bad = 0, n = 0;
        char *recs = log_records(env->dir, unit, NULL, &files);
        char prefix[OUTPUT_UNIT_NAME_MAX + 32];
        size_t plen = (size_t) snprintf(prefix, sizeof prefix, " %s[%d] stdout: ", unit, pid);

        for (char *r = recs; *r; n++) {
                char *nl = strchr(r, '\n');
                unsigned got = 0;
                assert_non_null(nl);
                if (strncmp(r, prefix, plen) == 0)
                        got = parse_line_number(r + plen, nl);
                if (got != expect) {
                        if (dups + gaps + bad < 10)
                                print_message("log record %u is \"%.*s\", expected line %07u\n", n + 1,
                                              (int) (nl - r), r, expect);
                        if (got == 0)
                                bad++;
                        else if (got < expect)
                                dups++;
                        else
                                gaps++;
                        if (got > 0)
                                expect = got; /* resynchronise: count each anomaly once */
                }
                if (got > 0)
                        expect++;
                r = nl + 1;
        }
        print_message("%u log files, %u records, last line %u: %u duplicates, %u gaps, %u malformed\n", files, n,
                      expect - 1, dups, gaps, bad);
        free(recs);
        assert_int_equal(dups + gaps + bad, 0);
        assert_int_equal(expect - 1, lines);
        assert_int_equal(n, lines);
}
