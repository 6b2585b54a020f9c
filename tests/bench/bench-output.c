/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Throughput of service output capture, plain (output_open()) against durable
 * (output_open_durable(): splice to a spool, checkpoint per batch). A forked writer pushes
 * MB megabytes of LEN-byte lines into the stream's stdout; the loop runs until the stream is
 * drained. Runs alternate between the two modes so that machine noise hits both alike.
 *
 *     bench-output [MB [LEN [ROUNDS [DIR [SPOOL_DIR]]]]]     (defaults 200 80 5 /tmp =DIR)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/output.h"

static double now_sec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double cpu_sec(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec +
               (double) ru.ru_stime.tv_usec / 1e6;
}

static int run(const char *base, const char *spool, bool durable, size_t mb, size_t len, double *ret_wall,
               double *ret_cpu) {
        char dir[PATH_MAX], cmd[PATH_MAX + 16];
        sd_event *e = NULL;
        OutputContext *ctx = NULL;
        OutputStream *s = NULL;
        double t0, c0;
        pid_t pid;
        int r, status;

        snprintf(dir, sizeof dir, "%s/bench-output-XXXXXX", base);
        if (!mkdtemp(dir))
                return -errno;
        if ((r = sd_event_new(&e)) < 0 || (r = output_context_new(e, dir, &ctx)) < 0)
                return r;
        ctx->max_file_bytes = 64 * 1024 * 1024;
        ctx->files_kept = 100;
        if (durable) {
                char sp[PATH_MAX];
                snprintf(sp, sizeof sp, "%s/%s-spool", spool, strrchr(dir, '/') + 1);
                ctx->spool_dir = strdup(sp);
        }
        r = output_open_durable(ctx, "bench.service", "bench-1", OUTPUT_LOG, NULL, OUTPUT_NULL, NULL, &s);
        if (r < 0)
                return r;
        pid = fork();
        if (pid == 0) {
                size_t total = mb * 1000 * 1000, chunk = 64 * 1024, off = 0;
                char *buf = malloc(chunk);
                for (size_t i = 0; i < chunk; i++)
                        buf[i] = i % len == len - 1 ? '\n' : (char) ('a' + i % 26);
                while (off < total) {
                        size_t n = chunk - chunk % len;
                        ssize_t k = write(output_stream_child_fd(s, OUTPUT_STDOUT), buf, n);
                        if (k <= 0)
                                _exit(1);
                        off += (size_t) k;
                }
                _exit(0);
        }
        output_child_fds_close(s);
        t0 = now_sec();
        c0 = cpu_sec();
        while (!output_stream_drained(s))
                if ((r = sd_event_run(e, UINT64_MAX)) < 0)
                        return r;
        *ret_wall = now_sec() - t0;
        *ret_cpu = cpu_sec() - c0;
        waitpid(pid, &status, 0);
        output_stream_free(s);
        output_context_free(ctx);
        sd_event_unref(e);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        (void) system(cmd);
        if (durable) {
                snprintf(cmd, sizeof cmd, "rm -rf '%s/%s-spool'", spool, strrchr(dir, '/') + 1);
                (void) system(cmd);
        }
        return 0;
}

int main(int argc, char **argv) {
        size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 200;
        size_t len = argc > 2 ? strtoul(argv[2], NULL, 0) : 80;
        unsigned rounds = argc > 3 ? (unsigned) strtoul(argv[3], NULL, 0) : 5;
        const char *dir = argc > 4 ? argv[4] : "/tmp";
        const char *spool = argc > 5 ? argv[5] : dir;
        double wall[2] = {}, cpu[2] = {};

        if (len < 2 || mb == 0 || rounds == 0)
                return 2;
        for (unsigned i = 0; i < rounds; i++)
                for (int d = 0; d < 2; d++) {
                        double w, c;
                        int r = run(dir, spool, d, mb, len, &w, &c);
                        if (r < 0) {
                                fprintf(stderr, "run failed: %s\n", strerror(-r));
                                return 1;
                        }
                        printf("%-8s round %u: %6.3f s wall, %6.3f s cpu, %7.1f MB/s\n", d ? "durable" : "plain", i,
                               w, c, (double) mb / w);
                        wall[d] += w;
                        cpu[d] += c;
                }
        for (int d = 0; d < 2; d++)
                printf("%-8s mean: %6.3f s wall, %6.3f s cpu, %7.1f MB/s\n", d ? "durable" : "plain", wall[d] / rounds,
                       cpu[d] / rounds, (double) mb * rounds / wall[d]);
        printf("durable/plain wall %.2fx, cpu %.2fx\n", wall[1] / wall[0], cpu[1] / cpu[0]);
        return 0;
}
