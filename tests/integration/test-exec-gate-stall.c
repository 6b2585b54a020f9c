/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A service must not be able to stall the daemon through the gate's denial log. Reading the
 * denied path means reading the service's memory, and a page of a FUSE file system whose
 * server never answers READ makes that read wait forever. Here the test itself is that
 * server (a minimal /dev/fuse loop: INIT, LOOKUP, GETATTR, OPEN, and READ left unanswered),
 * and the service calls execve with its path argument inside a shared mapping of the file.
 * The denial must come back in bounded time, without the path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/fuse.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#include "launch-harness.h"
#include "test-filters.h"

#define FILE_NODE 2
#define FILE_SIZE 4096
/* A stall is declared after this long; the gate's own bound is far below it. */
#define STALL_SECONDS 10
#define FUSE_BUFFER_SIZE (FUSE_MIN_READ_BUFFER + 65536)

typedef struct FuseServer {
        int fd;
        char dir[64];
        char file[80];
        atomic_bool stop;
        atomic_int reads_held; /* READ requests left unanswered */
        pthread_t thread;
} FuseServer;

static void fuse_reply(int fd, uint64_t unique, int error, const void *data, size_t size) {
        struct fuse_out_header h = { .len = (uint32_t) (sizeof(h) + size), .error = -error, .unique = unique };
        char buf[sizeof(h) + 256];

        assert_true(size <= 256);
        memcpy(buf, &h, sizeof(h));
        if (size > 0)
                memcpy(buf + sizeof(h), data, size);
        (void) !write(fd, buf, h.len);
}

static void fill_attr(uint64_t node, struct fuse_attr *a) {
        *a = (struct fuse_attr) {
                .ino = node,
                .size = node == FILE_NODE ? FILE_SIZE : 0,
                .blocks = node == FILE_NODE ? FILE_SIZE / 512 : 0,
                .mode = node == FILE_NODE ? S_IFREG | 0444 : S_IFDIR | 0755,
                .nlink = node == FILE_NODE ? 1 : 2,
                .blksize = 4096,
        };
}

static void fuse_handle(FuseServer *s, const struct fuse_in_header *in, const void *arg) {
        switch (in->opcode) {
        case FUSE_INIT: {
                const struct fuse_init_in *i = arg;
                struct fuse_init_out o = {
                        .major = FUSE_KERNEL_VERSION, .minor = MIN(i->minor, FUSE_KERNEL_MINOR_VERSION),
                        .max_readahead = i->max_readahead, .max_write = 4096, .max_pages = 1,
                };
                fuse_reply(s->fd, in->unique, 0, &o, sizeof(o));
                return;
        }
        case FUSE_LOOKUP: {
                struct fuse_entry_out o = { .nodeid = FILE_NODE, .generation = 1 };
                if (in->nodeid != FUSE_ROOT_ID || !streq(arg, "f")) {
                        fuse_reply(s->fd, in->unique, ENOENT, NULL, 0);
                        return;
                }
                fill_attr(FILE_NODE, &o.attr);
                fuse_reply(s->fd, in->unique, 0, &o, sizeof(o));
                return;
        }
        case FUSE_GETATTR: {
                struct fuse_attr_out o = {};
                fill_attr(in->nodeid, &o.attr);
                fuse_reply(s->fd, in->unique, 0, &o, sizeof(o));
                return;
        }
        case FUSE_OPEN:
        case FUSE_OPENDIR: {
                struct fuse_open_out o = { .fh = 1 };
                fuse_reply(s->fd, in->unique, 0, &o, sizeof(o));
                return;
        }
        case FUSE_READ:
                atomic_fetch_add(&s->reads_held, 1); /* the whole point: never answered */
                return;
        case FUSE_FORGET:
        case FUSE_BATCH_FORGET:
        case FUSE_INTERRUPT:
                return; /* no reply expected */
        case FUSE_FLUSH:
        case FUSE_RELEASE:
        case FUSE_RELEASEDIR:
                fuse_reply(s->fd, in->unique, 0, NULL, 0);
                return;
        default:
                fuse_reply(s->fd, in->unique, ENOSYS, NULL, 0);
        }
}

static void *fuse_serve(void *userdata) {
        FuseServer *s = userdata;
        char *buf = malloc(FUSE_BUFFER_SIZE);

        assert_non_null(buf);
        while (!atomic_load(&s->stop)) {
                ssize_t n = read(s->fd, buf, FUSE_BUFFER_SIZE);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < (ssize_t) sizeof(struct fuse_in_header))
                        break;
                fuse_handle(s, (const struct fuse_in_header *) buf, buf + sizeof(struct fuse_in_header));
        }
        free(buf);
        /* Closing the last device fd aborts the connection: every held READ fails. */
        s->fd = safe_close(s->fd);
        return NULL;
}

static void fuse_start(FuseServer *s) {
        char opts[128];

        *s = (FuseServer) { .fd = -EBADF };
        snprintf(s->dir, sizeof(s->dir), "/tmp/test-gate-stall-XXXXXX");
        assert_non_null(mkdtemp(s->dir));
        snprintf(s->file, sizeof(s->file), "%s/f", s->dir);
        s->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
        assert_true(s->fd >= 0);
        snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0", s->fd);
        assert_int_equal(mount("syscage-test", s->dir, "fuse", MS_NOSUID | MS_NODEV, opts), 0);
        assert_int_equal(pthread_create(&s->thread, NULL, fuse_serve, s), 0);
}

/* Stops the server (a stat makes it read one more request), which aborts the connection. */
static void fuse_stop(FuseServer *s) {
        struct stat st;

        atomic_store(&s->stop, true);
        (void) stat(s->dir, &st);
        assert_int_equal(pthread_join(s->thread, NULL), 0);
        (void) umount2(s->dir, MNT_DETACH);
        (void) rmdir(s->dir);
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

typedef struct Watchdog {
        FuseServer *server;
        atomic_bool done;
        atomic_bool fired;
        pthread_t thread;
} Watchdog;

/* If the gate is still stuck after STALL_SECONDS, release it (so the test fails instead of
 * hanging) by ending the FUSE server. */
static void *watchdog_main(void *userdata) {
        Watchdog *w = userdata;

        for (int i = 0; i < STALL_SECONDS * 10 && !atomic_load(&w->done); i++) {
                struct timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
                nanosleep(&ts, NULL);
        }
        if (!atomic_load(&w->done)) {
                atomic_store(&w->fired, true);
                fuse_stop(w->server);
        }
        return NULL;
}

/* Answers the gate until the first denial; returns the longest single exec_gate_handle()
 * call, in seconds. The service itself may stay blocked afterwards (its own memory is what
 * the late reader holds), which is its business, not the daemon's. */
static double drive_until_denied(ExecProcess *p, Denials *d) {
        double worst = 0, deadline = now() + STALL_SECONDS;

        while (d->n == 0 && now() < deadline) {
                struct pollfd pfd[2] = {
                        { .fd = p->socket_fd, .events = POLLIN },
                        { .fd = p->listener_fd, .events = POLLIN },
                };
                ExecStage stage;
                int error;

                assert_true(poll(pfd, 2, 1000) >= 0);
                if (pfd[1].fd >= 0 && pfd[1].revents) {
                        double t = now();
                        assert_true(exec_gate_handle(p, harness_collect, d) >= 0);
                        worst = MAX(worst, now() - t);
                }
                if (pfd[0].fd >= 0 && pfd[0].revents)
                        assert_true(exec_read_report(p, &stage, &error) >= 0);
        }
        return worst;
}

static void test_denial_on_stalled_page(void **state) {
        char env_file[128];
        const char *argv[] = { HELPER_DIR "/bypass", "mapped-path", NULL };
        const char *envp[] = { env_file, NULL };
        Captured *c = calloc(1, sizeof(Captured));
        struct sock_fprog notify, permissive;
        scmp_filter_ctx ctx = NULL;
        FuseServer server;
        Watchdog w = { .server = &server };
        Denials d = {};
        ExecPlan plan;
        ExecProcess *p;
        ExecResult r;
        int out[2];
        char want[128];

        assert_non_null(c);
        assert_int_equal(test_filter_notify(&notify), 0);
        assert_int_equal(test_filter_new(SCMP_ACT_ALLOW, &ctx), 0);
        assert_int_equal(test_filter_gate_rules(ctx, SCMP_ACT_ALLOW), 0);
        assert_int_equal(test_filter_export(ctx, &permissive), 0);
        seccomp_release(ctx);

        fuse_start(&server);
        snprintf(env_file, sizeof(env_file), "SYSCAGE_TEST_FILE=%s", server.file);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        exec_plan_init(&plan);
        plan.path = argv[0];
        plan.argv = argv;
        plan.envp = envp;
        plan.stdout_fd = out[1];
        plan.filter_notify = &notify;
        plan.filter_policy = &permissive;
        plan.gate_errno = EHOSTDOWN;

        assert_int_equal(pthread_create(&w.thread, NULL, watchdog_main, &w), 0);
        assert_int_equal(exec_spawn(&plan, &p), 0);
        close(out[1]);
        double worst = drive_until_denied(p, &d);
        atomic_store(&w.done, true);
        assert_int_equal(pthread_join(w.thread, NULL), 0);

        /* The gate answered in bounded time, without the path, and the page really was
         * never delivered. */
        assert_false(atomic_load(&w.fired));
        assert_true(worst < 2.0);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.d[0].path, "");
        assert_string_equal(d.d[0].syscall, "execve");
        assert_true(atomic_load(&server.reads_held) >= 1);
        assert_int_equal(exec_gate_readers_abandoned(), 1);

        /* Once its FUSE server is gone the late reader ends, and the service (which was
         * waiting for its own memory lock) finishes: it was denied as usual. */
        fuse_stop(&server);
        assert_int_equal(exec_process_wait(p, harness_collect, &d, &r), 0);
        harness_drain(out[0], c->out, sizeof(c->out));
        close(out[0]);
        snprintf(want, sizeof(want), "mapped-path: errno=%d\nmapped-path: again errno=%d\n",
                 EHOSTDOWN, EHOSTDOWN);
        assert_string_equal(c->out, want);
        /* Its second, ordinary execve was not read: one late read per service, no more. */
        assert_int_equal(d.n, 2);
        assert_string_equal(d.d[1].path, "");
        assert_true(p->paths_unreadable);
        exec_process_free(p);
        for (int i = 0; i < 100 && exec_gate_readers_abandoned() > 0; i++) {
                struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
                nanosleep(&ts, NULL);
        }
        assert_int_equal(exec_gate_readers_abandoned(), 0);

        /* Then paths are read again. */
        const char *argv_fork[] = { HELPER_DIR "/bypass", "fork", NULL };
        plan.argv = argv_fork;
        plan.stdout_fd = -1;
        memset(&d, 0, sizeof(d));
        assert_int_equal(harness_run(&plan, &d, c), 0);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.d[0].path, "/bin/echo");

        test_filter_free(&notify);
        test_filter_free(&permissive);
        free(c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_denial_on_stalled_page),
        };

        harness_require_root();
        if (access("/dev/fuse", R_OK | W_OK) < 0) {
                fprintf(stderr, "no /dev/fuse, skipping\n");
                return 77;
        }
        return cmocka_run_group_tests(tests, NULL, NULL);
}
