/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * policy-export: builds a seccomp policy from transient properties, as `-p KEY=VALUE` would
 * give them, compiles it with the same code the daemon uses, and writes the raw BPF programs
 * in load order as OUTDIR/prog0, OUTDIR/prog1, ... (load them with try-syscall --bpf).
 *
 *   policy-export [--unit-file] OUTDIR [KEY=VALUE]...
 *
 * With --unit-file the assignments are read as lines of a unit file (where systemd is more
 * lenient with some values) instead of as transient properties.
 *
 * When the policy does not plainly allow execve, the daemon launches through the exec gate and
 * the service runs under the gate's F_policy half; that is what is written then (the F_notify
 * half only sends execve/execveat to the daemon). Prints "programs N" and, for a gated policy,
 * "gate" on stdout. Diagnostics go to stderr; exit status 1 when the policy is refused (the
 * first error is also printed on stdout as "error: ..."), 2 on usage or I/O errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "filter.h"
#include "policy-build.h"

static int write_program(const struct sock_fprog *p, const char *dir, size_t i) {
        size_t size = p->len * sizeof(struct sock_filter);
        char file[4096];
        int fd;

        if ((size_t) snprintf(file, sizeof file, "%s/prog%zu", dir, i) >= sizeof file)
                return -ENAMETOOLONG;
        fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        if (write(fd, p->filter, size) != (ssize_t) size) {
                close(fd);
                return -EIO;
        }
        return close(fd) < 0 ? -errno : 0;
}

static int build(char **props, size_t n, bool transient, DiagList *diags, Policy **ret) {
        _cleanup_(policy_builder_freep) PolicyBuilder *b = NULL;
        int r, failed = 0;

        r = policy_builder_new(&b);
        if (r < 0)
                return r;
        policy_builder_set_transient(b, transient);
        for (size_t i = 0; i < n; i++) {
                char *eq = strchr(props[i], '=');
                if (!eq)
                        return -EINVAL;
                *eq = '\0';
                r = policy_apply(b, props[i], eq + 1, transient ? NULL : "oracle.service",
                                 transient ? 0 : (unsigned) i + 2, diags);
                if (r == -EOPNOTSUPP)
                        diag_add(diags, DIAG_ERROR, NULL, 0, props[i], "not a policy directive");
                if (r < 0)
                        failed = r;
        }
        if (failed < 0)
                return failed;
        return policy_builder_finish(b, diags, ret);
}

static void print_first_error(const DiagList *diags) {
        for (size_t i = 0; i < diags->n; i++)
                if (diags->items[i].level == DIAG_ERROR) {
                        printf("error: %s: %s\n", diags->items[i].key ? diags->items[i].key : "-",
                               diags->items[i].message);
                        return;
                }
        printf("error: (no diagnostic)\n");
}

int main(int argc, char **argv) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL, *notify = NULL;
        DiagList diags = {};
        bool gate, transient = true;
        int r;

        if (argc > 1 && strcmp(argv[1], "--unit-file") == 0) {
                transient = false;
                argv++;
                argc--;
        }
        if (argc < 2) {
                fprintf(stderr, "usage: %s [--unit-file] OUTDIR [KEY=VALUE]...\n", argv[0]);
                return 2;
        }
        r = build(argv + 2, (size_t) argc - 2, transient, &diags, &p);
        for (size_t i = 0; i < diags.n; i++)
                diag_print(&diags.items[i], stderr);
        if (r < 0) {
                print_first_error(&diags);
                diag_list_done(&diags);
                return 1;
        }
        diag_list_done(&diags);
        gate = policy_denies_exec(p);
        r = gate ? filter_compile_gate(p, &notify, &s) : filter_compile(p, &s);
        if (r < 0) {
                printf("error: compiling: %s\n", strerror(-r));
                return 1;
        }
        for (size_t i = 0; i < s->n; i++) {
                r = write_program(&s->progs[i], argv[1], i);
                if (r < 0) {
                        fprintf(stderr, "writing %s/prog%zu: %s\n", argv[1], i, strerror(-r));
                        return 2;
                }
        }
        printf("programs %zu\n%s", s->n, gate ? "gate\n" : "");
        return 0;
}
