/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Times whole commands, interleaved, so that a noisy machine slows them alike:
 *
 *   bench-pair RUNS WARMUP NAME1 -- CMD1... ;; NAME2 -- CMD2... [;; ...]
 *
 * Each round runs every command once, in turn (posix_spawn, then waitpid), and times it with
 * CLOCK_MONOTONIC. It prints, per command, the minimum, median and maximum in milliseconds,
 * and, for every command after the first, the median of the per-round ratios to the first
 * ("paired ratio"). With $BENCH_PAIR_CSV set, every round's times also go to that file, one
 * line per round, one column per command, for ratios a script computes itself. Standard
 * output and error of the commands go to /dev/null. A command that
 * fails (non-zero exit or signal) ends the benchmark with exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 8

typedef struct Command {
        const char *name;
        char **argv;
        double *ms;
} Command;


static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
        qsort(v, n, sizeof(double), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int run_once(const Command *c, posix_spawn_file_actions_t *fa, double *ret_ms) {
        pid_t pid;
        int status;
        double t0 = now_ms();
        int r = posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, environ);

        if (r != 0) {
                fprintf(stderr, "%s: cannot run %s: %s\n", c->name, c->argv[0], strerror(r));
                return -1;
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        *ret_ms = now_ms() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "%s: failed (status 0x%x)\n", c->name, (unsigned) status);
                return -1;
        }
        return 0;
}

/* Splits argv at ";;" into commands of the form NAME -- CMD... */
static int parse_commands(int argc, char **argv, Command *cmds, size_t *ret_n) {
        size_t n = 0;

        for (int i = 0; i < argc;) {
                if (n == MAX_COMMANDS || i + 2 >= argc || strcmp(argv[i + 1], "--") != 0)
                        return -1;
                cmds[n].name = argv[i];
                cmds[n].argv = argv + i + 2;
                int j = i + 2;
                while (j < argc && strcmp(argv[j], ";;") != 0)
                        j++;
                if (j == i + 2)
                        return -1;
                argv[j < argc ? j : argc] = NULL; /* argv[argc] is NULL already */
                n++;
                i = j + 1;
        }
        *ret_n = n;
        return n >= 1 ? 0 : -1;
}

int main(int argc, char **argv) {
        Command cmds[MAX_COMMANDS] = {};
        posix_spawn_file_actions_t fa;
        size_t n;
        long runs, warmup;

        if (argc < 6 || (runs = strtol(argv[1], NULL, 10)) < 1 || (warmup = strtol(argv[2], NULL, 10)) < 0 ||
            parse_commands(argc - 3, argv + 3, cmds, &n) < 0) {
                fprintf(stderr, "usage: bench-pair RUNS WARMUP NAME -- CMD... [;; NAME -- CMD...]...\n");
                return 2;
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        for (size_t i = 0; i < n; i++)
                if (!(cmds[i].ms = calloc((size_t) runs, sizeof(double))))
                        return 1;
        for (long round = -warmup; round < runs; round++)
                for (size_t i = 0; i < n; i++) {
                        double ms;
                        if (run_once(&cmds[i], &fa, &ms) < 0)
                                return 1;
                        if (round >= 0)
                                cmds[i].ms[round] = ms;
                }

        const char *csv = getenv("BENCH_PAIR_CSV");
        if (csv) {
                FILE *f = fopen(csv, "we");
                if (!f)
                        return 1;
                for (size_t i = 0; i < n; i++)
                        fprintf(f, "%s%s", cmds[i].name, i + 1 < n ? "," : "\n");
                for (long k = 0; k < runs; k++)
                        for (size_t i = 0; i < n; i++)
                                fprintf(f, "%.6f%s", cmds[i].ms[k], i + 1 < n ? "," : "\n");
                if (fclose(f) != 0)
                        return 1;
        }

        double *ratio = calloc((size_t) runs, sizeof(double));
        if (!ratio)
                return 1;
        for (size_t i = 0; i < n; i++) {
                if (i > 0) {
                        for (long k = 0; k < runs; k++)
                                ratio[k] = cmds[i].ms[k] / cmds[0].ms[k];
                }
                double paired = i > 0 ? median(ratio, (size_t) runs) : 1.0;
                double med = median(cmds[i].ms, (size_t) runs); /* sorts: ratios were taken first */
                printf("%-12s min %8.3f  median %8.3f  max %8.3f ms  paired ratio to %s: %.3f\n", cmds[i].name,
                       cmds[i].ms[0], med, cmds[i].ms[runs - 1], cmds[0].name, paired);
        }
        return 0;
}
