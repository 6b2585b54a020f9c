/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durable service output against SIGKILL: a reader process (a daemon) is killed again and
 * again while a writer pushes numbered lines through the pipe, after which the log must hold
 * every line exactly once, in order. The test holds a dup of the pipe's read end, as the fd
 * holder would, and each new reader adopts the stream with output_adopt().
 *
 * test_crash kills at random moments from a seeded PRNG; the seed is printed, and
 * SYSCAGE_TEST_SEED=N repeats a run. test_crash_at_each_write kills deterministically right
 * before and right after log writes.
 */
#include <signal.h>
#include <sys/wait.h>

#include "output-test-util.h"

#define CRASH_LINES 200000u
#define CRASH_KILLS 30u
#define CRASH_PID 4242
#define CRASH_DEADLINE_USEC (UINT64_C(180) * 1000 * 1000)


/* ---- the crash test ---- */

static uint64_t rng_next(uint64_t *x) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        return *x;
}

/* Numbered lines in bursts of random size, with random pauses in between: the kills land
 * while the pipe is full, while it is empty, and anywhere in between. */
static _Noreturn void crash_writer(int wfd, uint64_t seed) {
        static char buf[4000 * 8 + 1]; /* snprintf() adds a NUL after the last line */
        uint64_t x = seed ^ UINT64_C(0x9e3779b97f4a7c15);
        unsigned next = 1;

        while (next <= CRASH_LINES) {
                unsigned burst = 1 + (unsigned) (rng_next(&x) % 4000);
                size_t len = 0;
                for (unsigned i = 0; i < burst && next <= CRASH_LINES; i++, next++)
                        len += (size_t) snprintf(buf + len, 9, "%07u\n", next);
                for (size_t off = 0; off < len;) {
                        ssize_t k = write(wfd, buf + off, len - off);
                        if (k <= 0)
                                _exit(1);
                        off += (size_t) k;
                }
                (void) usleep((useconds_t) (rng_next(&x) % 60000));
        }
        _exit(0);
}

static void crash_ctx_setup(const Env *env, sd_event *e, OutputContext **ret) {
        assert_int_equal(output_context_new(e, env->dir, ret), 0);
        ctx_configure(*ret, env->spool);
        (*ret)->max_file_bytes = 64 * 1024;
        (*ret)->files_kept = OUTPUT_FILES_KEPT_MAX;
        (*ret)->read_max = 16 * 1024;
}

/* One daemon: adopts the stream, runs until it is drained, exits. */
static pid_t crash_reader(const Env *env, int rfd) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                OutputContext *ctx = NULL;
                OutputStream *s = NULL;
                sd_event *e = NULL;
                int fd = fcntl(rfd, F_DUPFD_CLOEXEC, 3);

                if (fd < 0 || sd_event_new(&e) < 0)
                        _exit(2);
                crash_ctx_setup(env, e, &ctx);
                if (output_adopt(ctx, "crash.service", "crash-1", fd, -EBADF, &s) < 0)
                        _exit(3);
                output_set_pid(s, CRASH_PID);
                while (!output_stream_drained(s))
                        if (sd_event_run(e, UINT64_MAX) < 0)
                                _exit(4);
                output_stream_free(s);
                output_context_free(ctx);
                sd_event_unref(e);
                _exit(0);
        }
        return pid;
}

static void test_crash(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        uint64_t seed, x, start;
        unsigned live_kills = 0;
        pid_t writer, reader;
        int rfd, wfd, status;
        const char *e = getenv("SYSCAGE_TEST_SEED");

        seed = e ? strtoull(e, NULL, 0) : (uint64_t) time(NULL) ^ (uint64_t) getpid() << 20;
        print_message("crash test seed: SYSCAGE_TEST_SEED=%llu\n", (unsigned long long) seed);
        x = seed | 1;

        /* The pipe and its files come from a first daemon that never read a byte; from then
         * on the test holds the read end, as the fd holder would. */
        env->ctx->max_file_bytes = 64 * 1024;
        env->ctx->files_kept = OUTPUT_FILES_KEPT_MAX;
        assert_int_equal(output_open_durable(env->ctx, "crash.service", "crash-1", OUTPUT_LOG, NULL, OUTPUT_NULL,
                                             NULL, &s), 0);
        rfd = fcntl(output_stream_pipe_fd(s, OUTPUT_STDOUT), F_DUPFD_CLOEXEC, 3);
        wfd = fcntl(output_stream_child_fd(s, OUTPUT_STDOUT), F_DUPFD_CLOEXEC, 3);
        assert_true(rfd >= 0 && wfd >= 0);
        s = output_stream_free(s);

        writer = fork();
        assert_true(writer >= 0);
        if (writer == 0) {
                close(rfd);
                crash_writer(wfd, seed);
        }
        close(wfd);

        start = now_usec();
        for (unsigned k = 0; k < CRASH_KILLS; k++) {
                /* The moment of the kill is what is random here; nothing waits on a condition. */
                useconds_t delay = (useconds_t) (rng_next(&x) % 4 == 0 ? rng_next(&x) % 2000 : rng_next(&x) % 80000);
                reader = crash_reader(env, rfd);
                (void) usleep(delay);
                if (waitpid(reader, &status, WNOHANG) == 0) {
                        live_kills++;
                        assert_int_equal(kill(reader, SIGKILL), 0);
                        assert_int_equal(waitpid(reader, &status, 0), reader);
                }
                if (!WIFSIGNALED(status))
                        print_message("reader %u exited by itself with status %d\n", k,
                                      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
                assert_true(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0));
        }
        print_message("%u of %u kills hit a running reader\n", live_kills, CRASH_KILLS);

        /* The last daemon runs to the end: the writer finishes, the pipe reaches EOF. */
        reader = crash_reader(env, rfd);
        close(rfd);
        for (;;) {
                pid_t r = waitpid(reader, &status, WNOHANG);
                assert_true(r >= 0);
                if (r == reader)
                        break;
                if (now_usec() - start > CRASH_DEADLINE_USEC) {
                        kill(reader, SIGKILL);
                        kill(writer, SIGKILL);
                        fail_msg("the last reader did not finish in time");
                }
                (void) usleep(10000);
        }
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(waitpid(writer, &status, 0), writer);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        print_message("crash test took %llu ms\n", (unsigned long long) ((now_usec() - start) / 1000));

        check_numbered_log(env, "crash.service", CRASH_PID, CRASH_LINES);
        assert_int_equal(dir_entries(env->spool), 0);
}

/* Deterministic crashes at the moments that matter most: right before and right after a
 * write of records to the log (a new file's first batch included). Each reader kills itself
 * at its n-th log write, before the write for odd readers, after it for even ones. */
#define STEP_LINES 3000u

typedef struct StepHook {
        unsigned calls, die_at;
        bool after;
} StepHook;

static ssize_t step_write(int fd, const void *buf, size_t n, void *userdata) {
        StepHook *h = userdata;
        ssize_t k;

        if (++h->calls == h->die_at && !h->after)
                raise(SIGKILL);
        k = write(fd, buf, n);
        if (h->calls == h->die_at)
                raise(SIGKILL);
        return k;
}

static pid_t step_reader(const Env *env, int rfd, unsigned i) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                StepHook hook = { .die_at = 2 + i % 4, .after = i % 2 == 0 };
                OutputContext *ctx = NULL;
                OutputStream *s = NULL;
                sd_event *e = NULL;
                int fd = fcntl(rfd, F_DUPFD_CLOEXEC, 3);

                if (fd < 0 || sd_event_new(&e) < 0 || output_context_new(e, env->dir, &ctx) < 0)
                        _exit(2);
                ctx_configure(ctx, env->spool);
                ctx->max_file_bytes = 2048;
                ctx->files_kept = OUTPUT_FILES_KEPT_MAX;
                ctx->read_max = 256;
                ctx->write_func = step_write;
                ctx->write_userdata = &hook;
                if (output_adopt(ctx, "crash.service", "crash-1", fd, -EBADF, &s) < 0)
                        _exit(3);
                output_set_pid(s, CRASH_PID);
                while (!output_stream_drained(s))
                        if (sd_event_run(e, UINT64_MAX) < 0)
                                _exit(4);
                output_stream_free(s);
                output_context_free(ctx);
                sd_event_unref(e);
                _exit(0);
        }
        return pid;
}

static void test_crash_at_each_write(void **state) {
        Env *env = *state;
        OutputStream *s = NULL;
        unsigned kills = 0, i;
        char buf[STEP_LINES * 8 + 1]; /* snprintf() adds a NUL after the last line */
        uint64_t start = now_usec();
        int rfd, wfd, status;

        env->ctx->max_file_bytes = 2048;
        env->ctx->files_kept = OUTPUT_FILES_KEPT_MAX;
        assert_int_equal(output_open_durable(env->ctx, "crash.service", "crash-1", OUTPUT_LOG, NULL, OUTPUT_NULL,
                                             NULL, &s), 0);
        rfd = fcntl(output_stream_pipe_fd(s, OUTPUT_STDOUT), F_DUPFD_CLOEXEC, 3);
        wfd = fcntl(output_stream_child_fd(s, OUTPUT_STDOUT), F_DUPFD_CLOEXEC, 3);
        s = output_stream_free(s);
        /* 24 KB: fits in the pipe, so the writer is done before the first reader starts. */
        for (i = 0; i < STEP_LINES; i++)
                snprintf(buf + i * 8, 9, "%07u\n", i + 1);
        write_all(wfd, buf, sizeof buf - 1);
        close(wfd);
        for (i = 0;; i++) {
                assert_int_equal(waitpid(step_reader(env, rfd, i), &status, 0) > 0, true);
                if (WIFEXITED(status)) {
                        assert_int_equal(WEXITSTATUS(status), 0);
                        break;
                }
                assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
                kills++;
                assert_true(now_usec() - start < CRASH_DEADLINE_USEC);
        }
        close(rfd);
        print_message("%u readers killed themselves at a log write\n", kills);
        assert_true(kills > 20);
        check_numbered_log(env, "crash.service", CRASH_PID, STEP_LINES);
        assert_int_equal(dir_entries(env->spool), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_crash, env_setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_crash_at_each_write, env_setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
