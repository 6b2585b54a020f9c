/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared pieces of the launch tests: run a plan with stdout/stderr captured, collect the
 * gate's denials, and skip when not root.
 */
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec-run.h"

#define HARNESS_OUTPUT_MAX 65536U
#define HARNESS_DENIALS_MAX 16U

typedef struct Denials {
        ExecDenial d[HARNESS_DENIALS_MAX];
        unsigned n;
} Denials;

static inline void harness_collect(const ExecDenial *d, void *userdata) {
        Denials *l = userdata;
        if (l->n < HARNESS_DENIALS_MAX)
                l->d[l->n] = *d;
        l->n++;
}

typedef struct Captured {
        ExecResult result;
        char out[HARNESS_OUTPUT_MAX];
        char err[HARNESS_OUTPUT_MAX];
} Captured;

/* Reads what is in fd without blocking (the writers are gone or irrelevant by then). */
static inline void harness_drain(int fd, char *buf, size_t size) {
        size_t got = strlen(buf);
        for (;;) {
                ssize_t n = read(fd, buf + got, size - 1 - got);
                if (n <= 0)
                        break;
                got += (size_t) n;
        }
        buf[got] = '\0';
}

/* Runs plan with stdout and stderr captured into c (if the plan leaves them at -1).
 * stdin, if the plan has none, is /dev/null. Returns what exec_run_and_wait returns. */
static inline int harness_run(ExecPlan *plan, Denials *denials, Captured *c) {
        int out[2], err[2], r;
        _cleanup_close_ int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

        memset(c, 0, sizeof(*c));
        if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(err, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        if (plan->stdin_fd < 0)
                plan->stdin_fd = null_fd;
        if (plan->stdout_fd < 0)
                plan->stdout_fd = out[1];
        if (plan->stderr_fd < 0)
                plan->stderr_fd = err[1];
        r = exec_run_and_wait(plan, denials ? harness_collect : NULL, denials, &c->result);
        close(out[1]);
        close(err[1]);
        harness_drain(out[0], c->out, sizeof(c->out));
        harness_drain(err[0], c->err, sizeof(c->err));
        close(out[0]);
        close(err[0]);
        return r;
}

static inline void harness_require_root(void) {
        if (geteuid() != 0) {
                fprintf(stderr, "these tests need root (they change credentials and load filters), skipping\n");
                exit(77);
        }
}
