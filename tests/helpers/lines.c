/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A service with a steady stream of numbered output, for checking that no line is lost or
 * logged twice across a crash or re-exec of the daemon.
 *
 *   lines [RATE [TAG...]]
 *
 * writes "n=K\n" to stdout for K = 0, 1, 2, ... at RATE lines per second (default 10000),
 * in batches of one write(2) every LINES_TICK_NSEC, paced by clock_nanosleep() on absolute
 * CLOCK_MONOTONIC deadlines so that the rate does not drift. While stdout blocks (nobody
 * reads the pipe) the counter simply waits: a batch is written whole before the next is
 * made. After a stall longer than LINES_CATCH_UP_MAX_NSEC the schedule restarts from now
 * instead of bursting to catch up. TAG arguments are ignored: they mark the process for
 * tests that look for it in /proc. Exits 1 if stdout fails.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define LINES_RATE_DEFAULT 10000UL
#define LINES_RATE_MAX 1000000UL
#define LINES_TICK_NSEC 10000000L                    /* 10 ms: 100 batches a second */
#define LINES_CATCH_UP_MAX_NSEC 1000000000LL         /* 1 s */
#define LINES_LINE_MAX 24                            /* "n=" + 20 digits + '\n' */
#define NSEC_PER_SEC 1000000000LL

static int64_t ts_nsec(const struct timespec *t) {
        return (int64_t) t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

static struct timespec nsec_ts(int64_t n) {
        return (struct timespec) { .tv_sec = n / NSEC_PER_SEC, .tv_nsec = n % NSEC_PER_SEC };
}

static int write_all(const char *buf, size_t n) {
        while (n > 0) {
                ssize_t k = write(STDOUT_FILENO, buf, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += k;
                n -= (size_t) k;
        }
        return 0;
}

int main(int argc, char **argv) {
        unsigned long rate = LINES_RATE_DEFAULT;
        if (argc > 1) {
                char *end;
                errno = 0;
                rate = strtoul(argv[1], &end, 10);
                if (errno != 0 || *end != '\0' || rate == 0 || rate > LINES_RATE_MAX) {
                        fprintf(stderr, "lines: bad rate '%s' (1..%lu)\n", argv[1], LINES_RATE_MAX);
                        return 2;
                }
        }

        /* Lines per tick, spread so that the total per second is exact: tick i writes
         * floor(rate*(i+1)/ticks) - floor(rate*i/ticks) lines. */
        const unsigned long ticks = (unsigned long) (NSEC_PER_SEC / LINES_TICK_NSEC);
        static char buf[(LINES_RATE_MAX / (NSEC_PER_SEC / LINES_TICK_NSEC) + 2) * LINES_LINE_MAX];
        uint64_t counter = 0;
        unsigned long tick = 0;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t next = ts_nsec(&now);

        for (;;) {
                unsigned long n = rate * (tick + 1) / ticks - rate * tick / ticks;
                size_t len = 0;
                for (unsigned long i = 0; i < n; i++)
                        len += (size_t) snprintf(buf + len, LINES_LINE_MAX + 1, "n=%llu\n",
                                                 (unsigned long long) counter++);
                if (write_all(buf, len) < 0)
                        return 1;
                tick = (tick + 1) % ticks;

                next += LINES_TICK_NSEC;
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (ts_nsec(&now) - next > LINES_CATCH_UP_MAX_NSEC)
                        next = ts_nsec(&now);
                struct timespec deadline = nsec_ts(next);
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) == EINTR)
                        ;
        }
}
