/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attack helper (attack-holder.py, holder_fd_table): the main process of a gated unit with
 * KillMode=process and Restart=always leaves one child behind (it inherits the launch's
 * seccomp filter, so that filter's exec-gate listener stays in use) and exits 1. Each
 * restart is a new launch with a new listener, which the daemon keeps, and stores in the
 * fd holder, for as long as a process uses it: one more held descriptor per restart, until
 * the holder's table (HOLDER_FDS_MAX) is full for every unit.
 *
 * Built by hand: cc -O2 -o gate-leak gate-leak.c
 */
#include <signal.h>
#include <unistd.h>

int main(void) {
        pid_t pid = fork();
        if (pid == 0) {
                /* Out of the main process's way: a process of its own session. */
                (void) setsid();
                for (;;)
                        pause();
        }
        return 1;
}
