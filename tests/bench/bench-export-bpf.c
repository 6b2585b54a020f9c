/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-export-bpf PREFIX KEY=VALUE...: builds the seccomp policy of a [Service] section made
 * of the given assignments with the daemon's own parser and compiler, and writes each BPF
 * program raw (struct sock_filter[], as bwrap --add-seccomp-fd reads it) to PREFIX.0,
 * PREFIX.1, ... in load order. Prints the number of programs. For contrib/bench-run.sh.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "policy-build.h"
#include "policy.h"
#include "unit-file.h"

static int write_program(const char *prefix, size_t i, const struct sock_fprog *p) {
        char path[4096];
        size_t len = p->len * sizeof(struct sock_filter);
        int fd;

        snprintf(path, sizeof(path), "%s.%zu", prefix, i);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        if (write(fd, p->filter, len) != (ssize_t) len) {
                close(fd);
                return -EIO;
        }
        return close(fd) < 0 ? -errno : 0;
}

int main(int argc, char **argv) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(filter_set_freep) FilterSet *set = NULL;
        Policy *policy = NULL;
        DiagList diags = {};
        int r;

        if (argc < 3) {
                fprintf(stderr, "usage: bench-export-bpf PREFIX KEY=VALUE...\n");
                return 2;
        }
        r = unit_file_load_string("bench.service", "(bench)", "[Service]\nExecStart=/bin/true\n", &diags, &u);
        for (int i = 2; r >= 0 && i < argc; i++) {
                char *eq = strchr(argv[i], '=');
                if (!eq) {
                        fprintf(stderr, "Expected KEY=VALUE, got '%s'.\n", argv[i]);
                        return 2;
                }
                *eq = '\0';
                r = unit_file_add(u, "Service", argv[i], eq + 1, "(command line)", (unsigned) i - 1);
        }
        if (r >= 0)
                r = policy_build(u, &diags, &policy);
        if (r >= 0)
                r = filter_compile(policy, &set);
        for (size_t i = 0; r >= 0 && i < set->n; i++)
                r = write_program(argv[1], i, &set->progs[i]);
        for (size_t i = 0; i < diags.n; i++)
                diag_print(&diags.items[i], stderr);
        diag_list_done(&diags);
        policy_free(policy);
        if (r < 0) {
                fprintf(stderr, "Failed to export the filter: %s\n", strerror(-r));
                return 1;
        }
        printf("%zu\n", set->n);
        return 0;
}
