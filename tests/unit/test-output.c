/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Service output capture, end to end with a real sd-event loop: bytes written into the
 * child side of the pipes must come out of the log files unchanged and in order, whatever
 * the line lengths, rotation, or a log file that refuses writes for a while.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "io/output.h"

typedef struct Env {
        char dir[64];
        sd_event *event;
        OutputContext *ctx;
} Env;

static int rm_rf(const char *path) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
        return system(cmd);
}

static int env_setup(void **state) {
        Env *env = calloc(1, sizeof *env);
        assert_non_null(env);
        strcpy(env->dir, "/tmp/test-output-XXXXXX");
        assert_non_null(mkdtemp(env->dir));
        assert_int_equal(sd_event_new(&env->event), 0);
        assert_int_equal(output_context_new(env->event, env->dir, &env->ctx), 0);
        *state = env;
        return 0;
}

static int env_teardown(void **state) {
        Env *env = *state;
        output_context_free(env->ctx);
        sd_event_unref(env->event);
        rm_rf(env->dir);
        free(env);
        return 0;
}

/* Runs the loop until the stream is drained; fails the test after timeout_usec. */
static void run_until_drained(Env *env, OutputStream *s, uint64_t timeout_usec) {
        uint64_t start, now;
        assert_true(sd_event_now(env->event, CLOCK_MONOTONIC, &start) >= 0);
        while (!output_stream_drained(s)) {
                assert_true(sd_event_run(env->event, 100 * 1000) >= 0);
                assert_true(sd_event_now(env->event, CLOCK_MONOTONIC, &now) >= 0);
                assert_true(now - start < timeout_usec);
        }
}

static void write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                assert_true(k > 0);
                p += k;
                n -= (size_t) k;
        }
}

static char *read_file(const char *path, size_t *ret_len) {
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
        *ret_len = (size_t) st.st_size;
        return buf;
}

static void log_path(const Env *env, const char *unit, unsigned i, char *buf, size_t size) {
        if (i == 0)
                snprintf(buf, size, "%s/logs/%s.log", env->dir, unit);
        else
                snprintf(buf, size, "%s/logs/%s.log.%u", env->dir, unit, i);
}

/* A growable byte buffer for reconstructed streams. */
typedef struct Buf {
        char *data;
        size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *p, size_t n) {
        assert_int_equal(GREEDY_REALLOC(b->data, b->cap, b->len + n + 1), 0);
        memcpy(b->data + b->len, p, n);
        b->len += n;
}

/* Parses every record of every log file of unit, oldest first, rebuilding what the service
 * wrote to each stream. Checks the record syntax, the unit/pid fields, the line cap, and
 * that every file respects max_bytes. Returns the number of files. */
static unsigned reconstruct(const Env *env, const char *unit, pid_t pid, size_t line_max, uint64_t max_bytes,
                            Buf out[2], unsigned counts[3]) {
        unsigned nfiles = 0;
        char path[PATH_MAX], expect[128];
        size_t elen = (size_t) snprintf(expect, sizeof expect, " %s[%d] ", unit, (int) pid);

        for (unsigned i = 0;; i++) {
                struct stat st;
                log_path(env, unit, i, path, sizeof path);
                if (stat(path, &st) < 0)
                        break;
                nfiles++;
        }
        for (unsigned i = nfiles; i > 0; i--) {
                size_t len, off = 0;
                char *data;
                log_path(env, unit, i - 1, path, sizeof path);
                data = read_file(path, &len);
                assert_non_null(data);
                assert_true(len <= max_bytes);
                while (off < len) {
                        char *rec = data + off, *nl = memchr(rec, '\n', len - off);
                        const char *stream;
                        char marker;
                        int t;
                        assert_non_null(nl);
                        /* 2026-11-22T12:34:56.123456Z */
                        assert_true(nl - rec > 27);
                        assert_int_equal(rec[4], '-');
                        assert_int_equal(rec[10], 'T');
                        assert_int_equal(rec[19], '.');
                        assert_int_equal(rec[26], 'Z');
                        assert_memory_equal(rec + 27, expect, elen);
                        stream = rec + 27 + elen;
                        t = strneq(stream, "stdout", 6) ? 0 : strneq(stream, "stderr", 6) ? 1 : -1;
                        assert_true(t >= 0);
                        marker = stream[6];
                        if (marker == ':') {
                                assert_int_equal(stream[7], ' ');
                                buf_add(&out[t], stream + 8, (size_t) (nl - stream - 8));
                                buf_add(&out[t], "\n", 1);
                                counts[0]++;
                        } else {
                                assert_true(marker == '+' || marker == '~');
                                assert_memory_equal(stream + 7, ": ", 2);
                                buf_add(&out[t], stream + 9, (size_t) (nl - stream - 9));
                                counts[marker == '+' ? 1 : 2]++;
                                if (marker == '+')
                                        assert_int_equal((size_t) (nl - stream - 9), line_max);
                        }
                        assert_true((size_t) (nl - stream) <= 9 + line_max);
                        off = (size_t) (nl - data) + 1;
                }
                free(data);
        }
        return nfiles;
}

/* Deterministic test data: lines of random bytes (anything but '\n', NUL included) of mostly
 * short lengths, every 50th line far longer than the line cap, some exactly at the cap. */
static char *gen_stream(uint32_t seed, size_t total, size_t line_max, size_t *ret_len) {
        char *d = malloc(total);
        uint32_t x = seed;
        size_t len = 0, line = 0;
        assert_non_null(d);
        while (len < total) {
                size_t l;
                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                l = line % 50 == 49 ? line_max * 3 + x % 1000 : line % 50 == 25 ? line_max : x % 300;
                for (size_t i = 0; i < l && len < total; i++) {
                        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                        d[len++] = (char) ((x & 0xff) == '\n' ? 0 : x & 0xff);
                }
                if (len < total)
                        d[len++] = '\n';
                line++;
        }
        if (d[len - 1] == '\n')
                d[len - 1] = 'z'; /* end on a partial line */
        *ret_len = len;
        return d;
}

static void test_mode_parse(void **state) {
        static const struct {
                const char *s;
                int r;
                OutputMode mode;
                const char *path;
        } table[] = {
                { "log", 0, OUTPUT_LOG, NULL },
                { "inherit", 0, OUTPUT_INHERIT, NULL },
                { "null", 0, OUTPUT_NULL, NULL },
                { "journal", 0, OUTPUT_JOURNAL, NULL },
                { "file:/var/x", 0, OUTPUT_FILE, "/var/x" },
                { "append:/a b", 0, OUTPUT_APPEND, "/a b" },
                { "truncate:/t", 0, OUTPUT_TRUNCATE, "/t" },
                { "file:relative", -EINVAL, 0, NULL },
                { "file:", -EINVAL, 0, NULL },
                { "file", -EINVAL, 0, NULL },
                { "null:/x", -EINVAL, 0, NULL },
                { "kmsg", -EINVAL, 0, NULL },
                { "", -EINVAL, 0, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                OutputMode m = _OUTPUT_MODE_INVALID;
                const char *p = "unset";
                assert_int_equal(output_mode_parse(table[i].s, &m, &p), table[i].r);
                if (table[i].r < 0) {
                        assert_int_equal(m, _OUTPUT_MODE_INVALID);
                        continue;
                }
                assert_int_equal(m, table[i].mode);
                if (table[i].path)
                        assert_string_equal(p, table[i].path);
                else
                        assert_null(p);
        }
        for (OutputMode m = 0; m < _OUTPUT_MODE_MAX; m++)
                assert_int_equal(output_mode_from_string(output_mode_to_string(m)), m);
        assert_null(output_mode_to_string(_OUTPUT_MODE_MAX));
}

static void test_bad_unit_names(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        const char *bad[] = { "", ".", "..", "a/b", "a b", "x\ny" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(output_open(env->ctx, bad[i], OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), -EINVAL);
        assert_null(s);
        assert_int_equal(output_log_tail(env->dir, "../x", 1, UINT64_MAX, stdout), -EINVAL);
}

/* A unit's log goes with its rotated files, and nothing else; a missing UNIT.log (mid-rotation)
 * does not stop it, the first missing rotated file does. */
static void test_log_remove(void **state) {
        Env *env = *state;
        static const char *const files[] = {
                "a.service.log", "a.service.log.1", "a.service.log.2", "a.service.log.4",
                "ab.service.log", "a.service.log.tmp",
        };
        char path[PATH_MAX];

        snprintf(path, sizeof path, "%s/logs", env->dir);
        assert_int_equal(mkdir(path, 0750), 0);
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                snprintf(path, sizeof path, "%s/logs/%s", env->dir, files[i]);
                FILE *f = fopen(path, "we");
                assert_non_null(f);
                fclose(f);
        }
        assert_int_equal(output_log_remove(env->dir, "a.service"), 3);
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                snprintf(path, sizeof path, "%s/logs/%s", env->dir, files[i]);
                /* .4 stays: .3 is missing, so it is not part of the set. */
                assert_int_equal(access(path, F_OK) == 0, i >= 3);
        }
        snprintf(path, sizeof path, "%s/logs/a.service.log.1", env->dir);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fclose(f);
        assert_int_equal(output_log_remove(env->dir, "a.service"), 1); /* without UNIT.log */
        assert_int_equal(access(path, F_OK), -1);
        assert_int_equal(output_log_remove(env->dir, "a.service"), 0);
        assert_int_equal(output_log_remove(env->dir, "../a.service"), -EINVAL);
}

/* 50 MB on stdout and 5 MB on stderr from a forked writer: everything arrives, in order. */
static void test_fast_writer(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        size_t len[2];
        char *expect[2];
        Buf got[2] = {};
        unsigned counts[3] = {};
        pid_t pid;
        int status;

        env->ctx->max_file_bytes = 8 * 1024 * 1024;
        env->ctx->files_kept = 40;
        expect[0] = gen_stream(1, 50 * 1000 * 1000, env->ctx->line_max, &len[0]);
        expect[1] = gen_stream(2, 5 * 1000 * 1000, env->ctx->line_max, &len[1]);

        assert_int_equal(output_open(env->ctx, "fast.service", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* Interleave both streams in 64 KiB pieces, like a real chatty service. */
                size_t off[2] = {};
                while (off[0] < len[0] || off[1] < len[1])
                        for (int t = 0; t < 2; t++) {
                                size_t n = MIN(len[t] - off[t], (size_t) 65536);
                                const char *p = expect[t] + off[t];
                                off[t] += n;
                                while (n > 0) {
                                        ssize_t k = write(output_stream_child_fd(s, (OutputStreamType) t), p, n);
                                        if (k <= 0)
                                                _exit(1);
                                        p += k, n -= (size_t) k;
                                }
                        }
                _exit(0);
        }
        output_child_fds_close(s);
        output_set_pid(s, pid);
        run_until_drained(env, s, 120ULL * 1000 * 1000);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

        /* 55 MB of payload plus prefixes in 8 MiB files: at least 7 files, and none dropped. */
        assert_true(reconstruct(env, "fast.service", pid, env->ctx->line_max, env->ctx->max_file_bytes, got,
                                counts) >= 7);
        for (int t = 0; t < 2; t++) {
                assert_int_equal(got[t].len, len[t]);
                assert_memory_equal(got[t].data, expect[t], len[t]);
                free(got[t].data);
                free(expect[t]);
        }
        assert_true(counts[1] > 1000); /* long lines were split */
        assert_int_equal(counts[2], 2); /* both streams ended on a partial line */
}

static void test_split_and_partial(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        char line[300];
        Buf got[2] = {};
        unsigned counts[3] = {};
        size_t len;
        char *data, path[PATH_MAX];

        env->ctx->line_max = 128;
        assert_int_equal(output_open(env->ctx, "split", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        output_set_pid(s, 42);
        memset(line, 'x', sizeof line);
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), line, 300); /* 128+, 128+, 44: */
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), "\n", 1);
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), line, 128); /* exactly the cap: one record */
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), "\n\nend", 5);
        write_all(output_stream_child_fd(s, OUTPUT_STDERR), "oops\n", 5);
        output_child_fds_close(s);
        run_until_drained(env, s, 10ULL * 1000 * 1000);

        assert_int_equal(reconstruct(env, "split", 42, 128, UINT64_MAX, got, counts), 1);
        assert_int_equal(counts[0], 4); /* 44 x's, 128 x's, empty line, oops */
        assert_int_equal(counts[1], 2);
        assert_int_equal(counts[2], 1);
        assert_int_equal(got[0].len, 300 + 1 + 128 + 2 + 3);
        assert_memory_equal(got[0].data + 431, "end", 3);
        assert_int_equal(got[1].len, 5);
        free(got[0].data);
        free(got[1].data);

        log_path(env, "split", 0, path, sizeof path);
        data = read_file(path, &len);
        assert_non_null(strstr(data, " split[42] stdout~: end\n"));
        assert_non_null(strstr(data, " split[42] stderr: oops\n"));
        assert_non_null(strstr(data, " split[42] stdout: \n"));
        free(data);
}

/* Small files: rotation keeps exactly files_kept files, each within the limit, and the tail
 * reader stitches the last lines together across them. */
static void test_rotation_and_tail(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        char path[PATH_MAX], *tail = NULL;
        size_t tail_len = 0;
        struct stat st;
        FILE *f;

        env->ctx->max_file_bytes = 4096;
        env->ctx->files_kept = 3;
        assert_int_equal(output_open(env->ctx, "rot", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        for (int i = 0; i < 1000; i++) {
                char line[64];
                int n = snprintf(line, sizeof line, "line %04d\n", i);
                write_all(output_stream_child_fd(s, OUTPUT_STDOUT), line, (size_t) n);
        }
        output_child_fds_close(s);
        run_until_drained(env, s, 10ULL * 1000 * 1000);

        for (unsigned i = 0; i < 3; i++) {
                log_path(env, "rot", i, path, sizeof path);
                assert_int_equal(stat(path, &st), 0);
                assert_true(st.st_size <= 4096);
                if (i > 0) /* full files: another ~60-byte record would not have fitted */
                        assert_true(st.st_size > 4096 - 70);
        }
        log_path(env, "rot", 3, path, sizeof path);
        assert_int_equal(stat(path, &st), -1);

        /* Across UNIT.log and UNIT.log.1 (each holds ~70 records). */
        f = open_memstream(&tail, &tail_len);
        assert_non_null(f);
        assert_int_equal(output_log_tail(env->dir, "rot", 100, UINT64_MAX, f), 0);
        fclose(f);
        {
                unsigned n = 0;
                for (char *p = tail; (p = strchr(p, '\n')); p++)
                        n++;
                assert_int_equal(n, 100);
                assert_non_null(strstr(tail, "stdout: line 0900\n"));
                assert_null(strstr(tail, "stdout: line 0899\n"));
                assert_true(tail_len > 20 && streq(tail + tail_len - 20, "] stdout: line 0999\n"));
                assert_true(strstr(tail, "line 0900") < strstr(tail, "line 0901"));
        }
        free(tail);

        /* More than exists: everything kept, starting at the oldest kept record. */
        f = open_memstream(&tail, &tail_len);
        assert_int_equal(output_log_tail(env->dir, "rot", 100000, UINT64_MAX, f), 0);
        fclose(f);
        assert_null(strstr(tail, "line 0000"));
        assert_true(strstr(tail, "line 0999") != NULL);
        free(tail);

        f = open_memstream(&tail, &tail_len);
        assert_int_equal(output_log_tail(env->dir, "rot", 0, UINT64_MAX, f), 0);
        fclose(f);
        assert_int_equal(tail_len, 0);
        free(tail);

        /* A byte budget: the newest whole records that fit, and 1 when some were left out. */
        {
                char *full = NULL, *first;
                size_t full_len = 0;

                f = open_memstream(&full, &full_len);
                assert_int_equal(output_log_tail(env->dir, "rot", 100, UINT64_MAX, f), 0);
                fclose(f);
                /* Exactly the 100 records' bytes: all of them, nothing left out. */
                f = open_memstream(&tail, &tail_len);
                assert_int_equal(output_log_tail(env->dir, "rot", 100, full_len, f), 0);
                fclose(f);
                assert_int_equal(tail_len, full_len);
                free(tail);
                /* One byte less: the oldest of them no longer fits, the other 99 (which span
                 * both files) do. */
                f = open_memstream(&tail, &tail_len);
                assert_int_equal(output_log_tail(env->dir, "rot", 100, full_len - 1, f), 1);
                fclose(f);
                first = strchr(full, '\n') + 1;
                assert_int_equal(tail_len, full_len - (size_t) (first - full));
                assert_memory_equal(tail, first, tail_len);
                free(tail);
                free(full);
                /* Nothing fits. */
                f = open_memstream(&tail, &tail_len);
                assert_int_equal(output_log_tail(env->dir, "rot", 5, 10, f), 1);
                fclose(f);
                assert_int_equal(tail_len, 0);
                free(tail);
        }
        assert_int_equal(output_log_tail(env->dir, "nothere", 5, UINT64_MAX, stdout), -ENOENT);
}

/* A log "disk" that fails with ENOSPC until the test lets it through. */
typedef struct FailHook {
        bool failing;
        unsigned failures;
        OutputStream *s;
} FailHook;

static ssize_t failing_write(int fd, const void *buf, size_t n, void *userdata) {
        FailHook *h = userdata;
        if (h->failing) {
                h->failures++;
                errno = ENOSPC;
                return -1;
        }
        /* Short writes too, to exercise the resume-in-the-middle path. */
        return write(fd, buf, MIN(n, (size_t) 1000));
}

static void test_write_failure_pauses(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        FailHook hook = { .failing = true };
        size_t len;
        char *expect = gen_stream(7, 1000 * 1000, env->ctx->line_max, &len);
        uint64_t start, now;
        Buf got[2] = {};
        unsigned counts[3] = {};
        pid_t pid;
        int status;

        env->ctx->write_func = failing_write;
        env->ctx->write_userdata = &hook;
        env->ctx->retry_usec = 20 * 1000;
        assert_int_equal(output_open(env->ctx, "full", OUTPUT_LOG, NULL, OUTPUT_NULL, NULL, &s), 0);
        hook.s = s;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                ssize_t k;
                for (size_t off = 0; off < len; off += (size_t) k)
                        if ((k = write(output_stream_child_fd(s, OUTPUT_STDOUT), expect + off, len - off)) <= 0)
                                _exit(1);
                _exit(0);
        }
        output_child_fds_close(s);
        output_set_pid(s, pid);
        /* While the disk is full the writer cannot finish (1 MB does not fit in the pipe): the
         * stream pauses and retries every retry_usec. Run until the fourth failed attempt, with
         * no clock deciding the outcome: a slow machine (valgrind) only sees the same thing
         * later. */
        assert_true(sd_event_now(env->event, CLOCK_MONOTONIC, &start) >= 0);
        do {
                assert_true(sd_event_run(env->event, 10 * 1000) >= 0);
                assert_true(sd_event_now(env->event, CLOCK_MONOTONIC, &now) >= 0);
                assert_true(now - start < 60ULL * 1000 * 1000);
        } while (hook.failures < 4);
        assert_true(output_stream_paused(s));
        assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
        /* Retries are paced, not a busy loop: no more attempts than retry periods went by (a
         * slow machine only makes fewer). */
        assert_true(hook.failures <= 2 + (now - start) / env->ctx->retry_usec);
        hook.failing = false;
        run_until_drained(env, s, 60ULL * 1000 * 1000);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_false(output_stream_paused(s));

        reconstruct(env, "full", pid, env->ctx->line_max, env->ctx->max_file_bytes * 2, got, counts);
        assert_int_equal(got[0].len, len);
        assert_memory_equal(got[0].data, expect, len);
        assert_int_equal(got[1].len, 0);
        free(got[0].data);
        free(expect);
}

static void write_child(OutputStream *s, OutputStreamType t, const char *text) {
        int fd = output_stream_child_fd(s, t);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        write_all(fd, text, strlen(text));
}

static void check_file(const char *path, const char *content) {
        size_t len;
        char *data = read_file(path, &len);
        assert_non_null(data);
        assert_string_equal(data, content);
        free(data);
}

static void test_file_modes(void **state) {
        Env *env = *state;
        char path[PATH_MAX], path2[PATH_MAX];
        OutputStream *s = NULL;
        struct stat a, b;
        int fd;

        snprintf(path, sizeof path, "%s/out.txt", env->dir);
        snprintf(path2, sizeof path2, "%s/err.txt", env->dir);

        static const struct {
                OutputMode mode;
                const char *expect;
        } table[] = {
                { OUTPUT_FILE, "abXXXXXXXX" },     /* from offset 0, no truncation */
                { OUTPUT_APPEND, "XXXXXXXXXXab" },
                { OUTPUT_TRUNCATE, "ab" },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                write_all(fd, "XXXXXXXXXX", 10);
                close(fd);
                /* Same path for both streams: one shared descriptor, so one offset. */
                assert_int_equal(output_open(env->ctx, "files", table[i].mode, path, table[i].mode, path, &s), 0);
                write_child(s, OUTPUT_STDOUT, "a");
                write_child(s, OUTPUT_STDERR, "b");
                assert_true(output_stream_drained(s)); /* nothing read by the daemon */
                s = output_stream_free(s);
                check_file(path, table[i].expect);
        }

        /* Different files; a missing file is created. */
        unlink(path);
        assert_int_equal(output_open(env->ctx, "files", OUTPUT_APPEND, path, OUTPUT_TRUNCATE, path2, &s), 0);
        write_child(s, OUTPUT_STDOUT, "out\n");
        write_child(s, OUTPUT_STDERR, "err\n");
        s = output_stream_free(s);
        check_file(path, "out\n");
        check_file(path2, "err\n");

        /* Relative paths and unopenable files are errors. */
        assert_int_equal(output_open(env->ctx, "files", OUTPUT_FILE, "rel", OUTPUT_NULL, NULL, &s), -EINVAL);
        assert_int_equal(output_open(env->ctx, "files", OUTPUT_FILE, "/nonexistent-dir/x", OUTPUT_NULL, NULL, &s),
                         -ENOENT);
        assert_null(s);

        /* null and inherit. */
        assert_int_equal(output_open(env->ctx, "files", OUTPUT_NULL, NULL, OUTPUT_INHERIT, NULL, &s), 0);
        assert_int_equal(fstat(output_stream_child_fd(s, OUTPUT_STDOUT), &a), 0);
        assert_int_equal(stat("/dev/null", &b), 0);
        assert_true(S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev);
        write_child(s, OUTPUT_STDOUT, "discarded");
        assert_int_equal(fstat(output_stream_child_fd(s, OUTPUT_STDERR), &a), 0);
        assert_int_equal(fstat(STDERR_FILENO, &b), 0);
        assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
        assert_true(output_stream_child_fd(s, OUTPUT_STDERR) != STDERR_FILENO);
        output_child_fds_close(s);
        assert_int_equal(output_stream_child_fd(s, OUTPUT_STDOUT), -EBADF);
        s = output_stream_free(s);

        /* No log file was created for any of these. */
        snprintf(path, sizeof path, "%s/logs/files.log", env->dir);
        assert_int_equal(stat(path, &a), -1);
}

/* Without journald, journal mode falls back to the unit log. */
static void test_journal_fallback(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        char path[PATH_MAX];
        struct stat st;
        size_t len;
        char *data;

        if (access("/run/systemd/journal/socket", F_OK) == 0)
                skip();
        assert_int_equal(output_open(env->ctx, "jour", OUTPUT_JOURNAL, NULL, OUTPUT_JOURNAL, NULL, &s), 0);
        assert_int_equal(fstat(output_stream_child_fd(s, OUTPUT_STDOUT), &st), 0);
        assert_true(S_ISFIFO(st.st_mode));
        write_child(s, OUTPUT_STDOUT, "to the journal\n");
        output_child_fds_close(s);
        run_until_drained(env, s, 10ULL * 1000 * 1000);
        log_path(env, "jour", 0, path, sizeof path);
        data = read_file(path, &len);
        assert_non_null(data);
        assert_non_null(strstr(data, "] stdout: to the journal\n"));
        free(data);
}

/* One pipe with a lot pending must not starve another source: reads are bounded. */
static int count_tick(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        (*(unsigned *) userdata)++;
        return 0;
}

static void test_bounded_reads(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        sd_event_source *other = NULL;
        unsigned ticks = 0, iterations = 0;
        char chunk[4096];
        int fd, busy[2];

        env->ctx->read_max = 1024;
        assert_int_equal(output_open(env->ctx, "bounded", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        fd = output_stream_child_fd(s, OUTPUT_STDOUT);
        memset(chunk, 'y', sizeof chunk);
        chunk[sizeof chunk - 1] = '\n';
        for (int i = 0; i < 16; i++) /* 64 KiB: fills the pipe */
                write_all(fd, chunk, sizeof chunk);
        output_child_fds_close(s);
        /* Another source that is always ready: a pipe with data nobody reads. */
        assert_int_equal(pipe2(busy, O_CLOEXEC), 0);
        write_all(busy[1], "x", 1);
        assert_int_equal(sd_event_add_io(env->event, &other, busy[0], EPOLLIN, count_tick, &ticks), 0);
        while (!output_stream_drained(s)) {
                assert_true(sd_event_run(env->event, 100 * 1000) >= 0);
                iterations++;
                assert_true(iterations < 10000);
        }
        /* 64 KiB at 1 KiB per iteration: at least 64 iterations, the other source ran in them. */
        assert_true(iterations >= 64);
        assert_true(ticks >= 32);
        sd_event_source_unref(other);
        close(busy[0]);
        close(busy[1]);
}


static unsigned rotated_calls;
static void count_rotated(const char *unit, void *userdata) {
        assert_string_equal(unit, "fol");
        assert_ptr_equal(userdata, &rotated_calls);
        rotated_calls++;
}

static uint64_t fd_ino(int fd) {
        struct stat st;

        assert_int_equal(fstat(fd, &st), 0);
        return (uint64_t) st.st_ino;
}

/* What a follower is handed: the files after a given one, oldest first, at most max; all of
 * them when that file is gone; and a call of the rotation hook for every new UNIT.log. */
static void test_open_after(void **state) {
        Env *env = *state;
        _cleanup_(output_stream_freep) OutputStream *s = NULL;
        int fds[8];
        uint64_t ino[4];
        bool found = true;
        char path[PATH_MAX];
        struct stat st;
        int n;

        assert_int_equal(output_log_open_after(env->dir, "fol", 0, fds, 8, &found), 0);
        assert_false(found);
        assert_int_equal(output_log_open_after(env->dir, "../x", 0, fds, 8, &found), -EINVAL);

        env->ctx->max_file_bytes = 4096;
        env->ctx->files_kept = 4;
        env->ctx->rotated_func = count_rotated;
        env->ctx->rotated_userdata = &rotated_calls;
        rotated_calls = 0;
        assert_int_equal(output_open(env->ctx, "fol", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        for (int i = 0; i < 1000; i++) {
                char line[64];
                int k = snprintf(line, sizeof line, "line %04d\n", i);
                write_all(output_stream_child_fd(s, OUTPUT_STDOUT), line, (size_t) k);
        }
        output_child_fds_close(s);
        run_until_drained(env, s, 10ULL * 1000 * 1000);
        assert_true(rotated_calls >= 10); /* ~70 records a file */

        /* Everything, oldest first: UNIT.log.3 .. UNIT.log. */
        n = output_log_open_after(env->dir, "fol", 0, fds, 8, &found);
        assert_int_equal(n, 4);
        assert_false(found);
        for (int i = 0; i < 4; i++) {
                log_path(env, "fol", 3 - (unsigned) i, path, sizeof path);
                assert_int_equal(stat(path, &st), 0);
                ino[i] = fd_ino(fds[i]);
                assert_int_equal(ino[i], (uint64_t) st.st_ino);
                assert_true(fcntl(fds[i], F_GETFL) & O_NONBLOCK);
                safe_close(fds[i]);
        }
        /* After .3: .2, .1 and UNIT.log; capped at 2: the two right after it. */
        n = output_log_open_after(env->dir, "fol", ino[0], fds, 8, &found);
        assert_int_equal(n, 3);
        assert_true(found);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(fd_ino(fds[i]), ino[i + 1]);
                safe_close(fds[i]);
        }
        n = output_log_open_after(env->dir, "fol", ino[0], fds, 2, &found);
        assert_int_equal(n, 2);
        assert_int_equal(fd_ino(fds[0]), ino[1]);
        assert_int_equal(fd_ino(fds[1]), ino[2]);
        safe_close(fds[0]);
        safe_close(fds[1]);
        /* After the current file: nothing, found. */
        n = output_log_open_after(env->dir, "fol", ino[3], fds, 8, &found);
        assert_int_equal(n, 0);
        assert_true(found);
        /* An inode no file has (rotated away): all files, not found. */
        found = true;
        n = output_log_open_after(env->dir, "fol", UINT64_MAX, fds, 8, &found);
        assert_int_equal(n, 4);
        assert_false(found);
        for (int i = 0; i < 4; i++)
                safe_close(fds[i]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mode_parse),
                cmocka_unit_test_setup_teardown(test_bad_unit_names, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_log_remove, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_fast_writer, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_split_and_partial, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_rotation_and_tail, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_open_after, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_write_failure_pauses, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_file_modes, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_journal_fallback, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_bounded_reads, env_setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
