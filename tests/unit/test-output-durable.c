/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durable service output (output.h, "Durable output"), in-process: the same records as a
 * plain stream, no spool file left behind, backpressure, read_now, and recovery from the
 * states a crash can leave (damaged checkpoint, spool emptied after it, log rotated or moved
 * after it). The crash itself is in test-output-crash.c.
 */
#include "output-test-util.h"
#include "strv.h"

static char *gen_input(size_t line_max, size_t *ret_len) {
        size_t cap = 200 * 1000, len = 0;
        char *d = malloc(cap);
        uint32_t x = 12345;

        assert_non_null(d);
        for (unsigned line = 0; len < cap - 10 * line_max; line++) {
                size_t l;
                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                l = line % 40 == 39 ? line_max * 3 + x % 100 : line % 40 == 20 ? line_max : line % 40 == 7 ? 0 : x % 90;
                for (size_t i = 0; i < l; i++)
                        d[len++] = (char) ('a' + (x + i) % 26);
                d[len++] = '\n';
        }
        memcpy(d + len, "no newline at the end", 21);
        *ret_len = len + 21;
        return d;
}

static void feed(OutputStream *s, sd_event *e, const char *out, size_t out_len, const char *err) {
        output_set_pid(s, 77);
        /* Pieces smaller than the pipe; the loop runs in between so the writes never block. */
        for (size_t off = 0; off < out_len;) {
                size_t n = MIN(out_len - off, (size_t) 8192);
                write_all(output_stream_child_fd(s, OUTPUT_STDOUT), out + off, n);
                off += n;
                while (sd_event_run(e, 0) > 0)
                        ;
        }
        write_all(output_stream_child_fd(s, OUTPUT_STDERR), err, strlen(err));
        output_child_fds_close(s);
        run_until_drained(e, s, 30ULL * 1000 * 1000);
}

/* The same input through a durable and a plain stream: the same records, file by file. */
static void test_round_trip(void **state) {
        Env *env = *state;
        _cleanup_(output_context_freep) OutputContext *plain = NULL;
        OutputStream *s = NULL;
        char plain_dir[128], *a, *b;
        unsigned files_a, files_b;
        size_t len;
        char *input;

        snprintf(plain_dir, sizeof plain_dir, "%s/plain", env->dir);
        assert_int_equal(output_context_new(env->event, plain_dir, &plain), 0);
        env->ctx->line_max = plain->line_max = 128;
        env->ctx->max_file_bytes = plain->max_file_bytes = 16 * 1024;
        env->ctx->files_kept = plain->files_kept = 100;
        env->ctx->read_max = plain->read_max = 4096;
        input = gen_input(128, &len);

        assert_int_equal(output_open_durable(env->ctx, "rt.service", "rt-1", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        assert_string_equal(output_stream_id(s), "rt-1");
        assert_true(output_stream_pipe_fd(s, OUTPUT_STDOUT) >= 0);
        assert_true(dir_entries(env->spool) == 4); /* two spools, two checkpoints */
        /* The id is taken while its files exist. */
        {
                OutputStream *t = NULL;
                assert_int_equal(output_open_durable(env->ctx, "rt.service", "rt-1", OUTPUT_LOG, NULL, OUTPUT_LOG,
                                                     NULL, &t), -EEXIST);
                assert_int_equal(output_open_durable(env->ctx, "rt.service", "bad/id", OUTPUT_LOG, NULL, OUTPUT_LOG,
                                                     NULL, &t), -EINVAL);
                assert_null(t);
                assert_int_equal(dir_entries(env->spool), 4);
                /* Only stderr's checkpoint is left from before: stdout's new files go again. */
                char path[PATH_MAX];
                snprintf(path, sizeof path, "%s/x-1.stderr.ck", env->spool);
                assert_int_equal(close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)), 0);
                assert_int_equal(output_open_durable(env->ctx, "rt.service", "x-1", OUTPUT_LOG, NULL, OUTPUT_LOG,
                                                     NULL, &t), -EEXIST);
                assert_int_equal(dir_entries(env->spool), 5);
                assert_int_equal(unlink(path), 0);
        }
        feed(s, env->event, input, len, "an error\nand a last one");
        assert_int_equal(dir_entries(env->spool), 0); /* finished: the files went at once */
        s = output_stream_free(s);

        assert_int_equal(output_open(plain, "rt.service", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        assert_null(output_stream_id(s));
        feed(s, env->event, input, len, "an error\nand a last one");
        s = output_stream_free(s);

        for (int t = 0; t < 2; t++) {
                const char *filter = t == 0 ? " stdout" : " stderr";
                a = log_records(env->dir, "rt.service", filter, &files_a);
                b = log_records(plain_dir, "rt.service", filter, &files_b);
                assert_true(strlen(a) > 0);
                assert_string_equal(a, b);
                free(a);
                free(b);
        }
        assert_int_equal(files_a, files_b);
        assert_true(files_a > 5); /* rotation happened */
        a = log_records(env->dir, "rt.service", NULL, NULL);
        assert_non_null(strstr(a, " stdout+: "));
        assert_non_null(strstr(a, " stdout~: no newline at the end\n"));
        assert_non_null(strstr(a, " stderr~: and a last one\n"));
        free(a);
        free(input);
        assert_int_equal(dir_entries(env->spool), 0);
}

/* Without a spool directory a durable stream is a plain one. */
static void test_no_spool_dir(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        char **l = NULL;

        free(env->ctx->spool_dir);
        env->ctx->spool_dir = NULL;
        assert_int_equal(output_open_durable(env->ctx, "plain", "p-1", OUTPUT_LOG, NULL, OUTPUT_NULL, NULL, &s), 0);
        assert_null(output_stream_id(s));
        assert_int_equal(output_stream_pipe_fd(s, OUTPUT_STDERR), -EBADF);
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), "x\n", 2);
        output_child_fds_close(s);
        run_until_drained(env->event, s, 10ULL * 1000 * 1000);
        s = output_stream_free(s);
        assert_int_equal(access(env->spool, F_OK), -1);
        assert_int_equal(output_adopt(env->ctx, "plain", "p-1", -EBADF, -EBADF, &s), -EINVAL);
        assert_int_equal(output_spool_list(env->ctx, &l), 0);
        assert_non_null(l);
        assert_null(l[0]);
        strv_free(l);
}

/* A daemon that stops cleanly after its unit ended leaves no spool file, even if it never
 * read the last bytes; one whose unit still writes leaves them, and adoption finishes them. */
static void test_free_after_unit_ended(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        char **l = NULL, *recs;
        int keep;

        assert_int_equal(output_open_durable(env->ctx, "end", "e-1", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), "one\ntwo", 7);
        s = output_stream_free(s); /* the child side closes with it: EOF */
        assert_int_equal(dir_entries(env->spool), 0);
        recs = log_records(env->dir, "end", NULL, NULL);
        assert_string_equal(recs, " end[0] stdout: one\n end[0] stdout~: two\n");
        free(recs);

        assert_int_equal(output_open_durable(env->ctx, "end", "e-2", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        keep = fcntl(output_stream_child_fd(s, OUTPUT_STDOUT), F_DUPFD_CLOEXEC, 3);
        assert_true(keep >= 0);
        write_all(keep, "three\nfour", 10);
        s = output_stream_free(s); /* still written to: a crash, for what the files say */
        assert_int_equal(dir_entries(env->spool), 2); /* stderr's writer was gone: it finished */
        assert_int_equal(output_spool_list(env->ctx, &l), 0);
        assert_int_equal(strv_length(l), 1);
        assert_string_equal(l[0], "e-2");
        strv_free(l);
        close(keep);
        assert_int_equal(output_adopt(env->ctx, "end", "e-2", -EBADF, -EBADF, &s), 0);
        run_until_drained(env->event, s, 10ULL * 1000 * 1000);
        s = output_stream_free(s);
        assert_int_equal(dir_entries(env->spool), 0);
        recs = log_records(env->dir, "end", NULL, NULL);
        assert_string_equal(recs, " end[0] stdout: one\n end[0] stdout~: two\n"
                                  " end[0] stdout: three\n end[0] stdout~: four\n");
        free(recs);
        assert_int_equal(output_adopt(env->ctx, "end", "e-2", -EBADF, -EBADF, &s), -ENOENT);
}

/* A log "disk" that refuses writes until told otherwise, then takes short writes. */
typedef struct FailHook {
        bool failing;
        unsigned failures;
} FailHook;

static ssize_t failing_write(int fd, const void *buf, size_t n, void *userdata) {
        FailHook *h = userdata;
        if (h->failing) {
                h->failures++;
                errno = ENOSPC;
                return -1;
        }
        return write(fd, buf, MIN(n, (size_t) 1000));
}

/* Backpressure as for any stream: while the log cannot be written the stream pauses, the
 * spool stops growing, and afterwards everything arrives once, in order. */
static void test_write_failure(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        FailHook hook = { .failing = true };
        char buf[64 * 1024], *recs;
        uint64_t start = now_usec();
        struct stat st;
        char path[PATH_MAX];
        off_t spooled;
        unsigned n = 0;

        env->ctx->write_func = failing_write;
        env->ctx->write_userdata = &hook;
        env->ctx->retry_usec = 10 * 1000;
        env->ctx->read_max = 4096;
        assert_int_equal(output_open_durable(env->ctx, "full", "f-1", OUTPUT_LOG, NULL, OUTPUT_NULL, NULL, &s), 0);
        for (unsigned i = 1; i <= 5000; i++)
                n += (unsigned) snprintf(buf + n, 12, "%07u\n", i);
        /* 40,000 bytes: fit in the pipe, so the test can write them all at once. */
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), buf, n);
        output_child_fds_close(s);
        while (hook.failures < 3) {
                assert_true(sd_event_run(env->event, 100 * 1000) >= 0);
                assert_true(now_usec() - start < 30ULL * 1000 * 1000);
        }
        assert_true(output_stream_paused(s));
        snprintf(path, sizeof path, "%s/f-1.stdout.spool", env->spool);
        assert_int_equal(stat(path, &st), 0);
        spooled = st.st_size;
        assert_true(spooled <= 4096); /* one read_max, then paused */
        hook.failing = false;
        run_until_drained(env->event, s, 30ULL * 1000 * 1000);
        s = output_stream_free(s);
        assert_int_equal(dir_entries(env->spool), 0);
        recs = log_records(env->dir, "full", NULL, NULL);
        for (unsigned i = 1; i <= 5000; i++) {
                char want[64];
                snprintf(want, sizeof want, " full[0] stdout: %07u\n", i);
                assert_true(strneq(recs + (i - 1) * strlen(want), want, strlen(want)));
        }
        assert_int_equal(strlen(recs), 5000 * strlen(" full[0] stdout: 0000000\n"));
        free(recs);
}

/* output_stream_read_now() logs what the pipe holds, durable or not, without the loop. */
static void test_read_now(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        char *recs;

        assert_int_equal(output_open_durable(env->ctx, "now", "n-1", OUTPUT_LOG, NULL, OUTPUT_LOG, NULL, &s), 0);
        output_set_pid(s, 9);
        write_all(output_stream_child_fd(s, OUTPUT_STDOUT), "last words\nand", 14);
        write_all(output_stream_child_fd(s, OUTPUT_STDERR), "oops\n", 5);
        output_stream_read_now(s);
        recs = log_records(env->dir, "now", NULL, NULL);
        assert_string_equal(recs, " now[9] stdout: last words\n now[9] stderr: oops\n");
        free(recs);
        output_child_fds_close(s);
        output_stream_read_now(s);
        assert_true(output_stream_drained(s));
        recs = log_records(env->dir, "now", NULL, NULL);
        assert_string_equal(recs, " now[9] stdout: last words\n now[9] stderr: oops\n now[9] stdout~: and\n");
        free(recs);
        assert_int_equal(dir_entries(env->spool), 0);
        output_stream_free(s);
}

/* Leaves stream "r-1" of unit "rec" as a crash would: "a\nb\n" logged and checkpointed (P
 * = 4), "part" in the spool after P. Returns the path of the checkpoint file. */
static void leave_stream(Env *env, char ck_path[static PATH_MAX], char spool_path[static PATH_MAX]) {
        OutputStream *s = NULL;
        uint64_t start = now_usec();
        char path[PATH_MAX];
        int keep;

        assert_int_equal(output_open_durable(env->ctx, "rec", "r-1", OUTPUT_LOG, NULL, OUTPUT_NULL, NULL, &s), 0);
        keep = fcntl(output_stream_child_fd(s, OUTPUT_STDOUT), F_DUPFD_CLOEXEC, 3);
        write_all(keep, "a\nb\npart", 8);
        output_child_fds_close(s);
        log_path(env->dir, "rec", 0, path, sizeof path);
        for (;;) { /* until "b" is logged */
                size_t len;
                char *data = read_file(path, &len);
                bool done = data && strstr(data, "stdout: b\n");
                free(data);
                if (done)
                        break;
                assert_true(sd_event_run(env->event, 100 * 1000) >= 0);
                assert_true(now_usec() - start < 10ULL * 1000 * 1000);
        }
        s = output_stream_free(s);
        close(keep); /* the writer is gone too; the next daemon finds EOF */
        snprintf(ck_path, PATH_MAX, "%s/r-1.stdout.ck", env->spool);
        snprintf(spool_path, PATH_MAX, "%s/r-1.stdout.spool", env->spool);
        assert_int_equal(access(ck_path, F_OK), 0);
}

/* A record-shaped line the stream did not write. */
#define JUNK "2026-01-01T00:00:00.000000Z junk\n"

static void append(const char *path, const char *text) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        assert_true(fd >= 0);
        write_all(fd, text, strlen(text));
        close(fd);
}

static void adopt_and_finish(Env *env) {
        OutputStream *s = NULL;
        assert_int_equal(output_adopt(env->ctx, "rec", "r-1", -EBADF, -EBADF, &s), 0);
        run_until_drained(env->event, s, 10ULL * 1000 * 1000);
        s = output_stream_free(s);
        assert_int_equal(dir_entries(env->spool), 0);
}

/* Nothing damaged: what was written after the checkpoint is cut, the rest goes on from P. */
static void test_recover_plain(void **state) {
        Env *env = *state;
        char ck[PATH_MAX], sp[PATH_MAX], path[PATH_MAX], *recs;

        leave_stream(env, ck, sp);
        log_path(env->dir, "rec", 0, path, sizeof path);
        append(path, JUNK);
        adopt_and_finish(env);
        recs = log_records(env->dir, "rec", NULL, NULL);
        assert_string_equal(recs, " rec[0] stdout: a\n rec[0] stdout: b\n rec[0] stdout~: part\n");
        free(recs);
}

static char warnings[4096];

static void capture_log(int priority, const char *message) {
        if (priority <= LOG_WARNING)
                strncat(warnings, message, sizeof warnings - strlen(warnings) - 1);
}

/* A torn or garbage checkpoint: a warning, no cut, the spool again from offset 0. */
static void test_recover_damaged_checkpoint(void **state) {
        Env *env = *state;
        char ck[PATH_MAX], sp[PATH_MAX], path[PATH_MAX], *recs;

        for (int torn = 0; torn < 2; torn++) {
                leave_stream(env, ck, sp);
                log_path(env->dir, "rec", 0, path, sizeof path);
                append(path, JUNK);
                if (torn)
                        assert_int_equal(truncate(ck, 20), 0);
                else {
                        int fd = open(ck, O_WRONLY | O_CLOEXEC);
                        assert_int_equal(pwrite(fd, "garbage garbage garbage garbage garbage garbage!", 48, 0), 48);
                        close(fd);
                }
                warnings[0] = '\0';
                io_log_set_func(capture_log);
                adopt_and_finish(env);
                io_log_set_func(NULL);
                assert_non_null(strstr(warnings, "r-1.stdout.ck is unusable"));
                recs = log_records(env->dir, "rec", NULL, NULL);
                /* junk stays; a and b twice, as the warning says. */
                assert_string_equal(recs, " rec[0] stdout: a\n rec[0] stdout: b\n junk\n rec[0] stdout: a\n"
                                          " rec[0] stdout: b\n rec[0] stdout~: part\n");
                free(recs);
                assert_int_equal(output_log_remove(env->dir, "rec"), 1);
        }
}

/* The spool was emptied after the checkpoint (P > its size): P = 0. */
static void test_recover_spool_emptied(void **state) {
        Env *env = *state;
        char ck[PATH_MAX], sp[PATH_MAX], path[PATH_MAX], *recs;
        int fd;

        leave_stream(env, ck, sp);
        fd = open(sp, O_WRONLY | O_TRUNC | O_CLOEXEC);
        write_all(fd, "x\n", 2); /* new bytes, fewer than P = 4 */
        close(fd);
        log_path(env->dir, "rec", 0, path, sizeof path);
        append(path, JUNK);
        adopt_and_finish(env);
        recs = log_records(env->dir, "rec", NULL, NULL);
        assert_string_equal(recs, " rec[0] stdout: a\n rec[0] stdout: b\n rec[0] stdout: x\n");
        free(recs);
}

/* The log rotated after the checkpoint: the file with the checkpoint's inode is cut, wherever
 * it is now; a log file with another inode is never cut. */
static void test_recover_rotated(void **state) {
        Env *env = *state;
        char ck[PATH_MAX], sp[PATH_MAX], path[PATH_MAX], path1[PATH_MAX], *data;
        struct stat st;
        size_t len;

        leave_stream(env, ck, sp);
        log_path(env->dir, "rec", 0, path, sizeof path);
        log_path(env->dir, "rec", 1, path1, sizeof path1);
        assert_int_equal(stat(path, &st), 0);
        append(path, JUNK);
        assert_int_equal(rename(path, path1), 0);
        append(path, "2026-01-01T00:00:00.000000Z newer\n");
        adopt_and_finish(env);
        data = read_file(path1, &len);
        assert_int_equal(len, st.st_size);
        assert_null(strstr(data, "junk"));
        free(data);
        data = read_file(path, &len);
        assert_true(strneq(data, "2026-01-01T00:00:00.000000Z newer\n", 34));
        assert_non_null(strstr(data, " rec[0] stdout~: part\n"));
        free(data);

        /* Its file gone altogether: nothing is cut. */
        assert_int_equal(output_log_remove(env->dir, "rec"), 2);
        leave_stream(env, ck, sp);
        snprintf(path1, sizeof path1, "%s/elsewhere", env->dir);
        assert_int_equal(rename(path, path1), 0);
        append(path, "2026-01-01T00:00:00.000000Z other\n");
        adopt_and_finish(env);
        data = read_file(path, &len);
        assert_true(strneq(data, "2026-01-01T00:00:00.000000Z other\n", 34));
        assert_non_null(strstr(data, " rec[0] stdout~: part\n"));
        free(data);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_round_trip, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_no_spool_dir, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_free_after_unit_ended, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_read_now, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_write_failure, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_recover_plain, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_recover_damaged_checkpoint, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_recover_spool_emptied, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_recover_rotated, env_setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
