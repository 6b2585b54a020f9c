/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host facts behind sandbox_check(). See sandbox-probe.h. */
#include <errno.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox-probe.h"

static int probe_namespace(int flag, bool assume_privileged) {
        int status;
        pid_t pid = fork();

        if (pid < 0)
                return errno;
        if (pid == 0)
                _exit(unshare(flag) < 0 ? (errno & 0xff) ?: EINVAL : 0);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return errno;
        int r = WIFEXITED(status) ? WEXITSTATUS(status) : ECHILD;
        return r == EPERM && assume_privileged && geteuid() != 0 ? 0 : r;
}

void sandbox_host_probe_user_ns(SandboxHostFacts *ret) {
        int user = probe_namespace(CLONE_NEWUSER, false);

        *ret = (SandboxHostFacts) {
                .mount_ns_errno = user ?: probe_namespace(CLONE_NEWUSER | CLONE_NEWNS, false),
                .net_ns_errno = user ?: probe_namespace(CLONE_NEWUSER | CLONE_NEWNET, false),
                .ipc_ns_errno = user ?: probe_namespace(CLONE_NEWUSER | CLONE_NEWIPC, false),
                .uts_ns_errno = user ?: probe_namespace(CLONE_NEWUSER | CLONE_NEWUTS, false),
                .user_ns_errno = user,
                .via_user_ns = user == 0,
        };
}

int sandbox_path_exists(const char *path, void *userdata) {
        struct stat st;

        (void) userdata;
        if (stat(path, &st) >= 0)
                return 1;
        return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

void sandbox_host_probe(bool assume_privileged, SandboxHostFacts *ret) {
        *ret = (SandboxHostFacts) {
                .mount_ns_errno = probe_namespace(CLONE_NEWNS, assume_privileged),
                .net_ns_errno = probe_namespace(CLONE_NEWNET, assume_privileged),
                .ipc_ns_errno = probe_namespace(CLONE_NEWIPC, assume_privileged),
                .uts_ns_errno = probe_namespace(CLONE_NEWUTS, assume_privileged),
                .user_ns_errno = probe_namespace(CLONE_NEWUSER, assume_privileged),
        };
}
