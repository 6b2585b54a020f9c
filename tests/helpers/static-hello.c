/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A static program without libc, so that the exact set of syscalls it makes is known:
 * write(1, ...) and exit_group, plus execve when run as "static-hello exec". Used to show
 * that a service starts under an allow list that contains only what the service itself
 * calls: nothing is allowed implicitly for the launch.
 *
 * Output: "hello from a static binary\n"; with "exec", then "execve=<negative errno>\n"
 * (the gate must deny it; "/bin/echo BYPASS" would print BYPASS if it ran).
 */
#include "nolibc.h"

static void put_long(long v) {
        char buf[24];
        int i = (int) sizeof(buf) - 1;
        int neg = v < 0;
        unsigned long u = neg ? (unsigned long) -v : (unsigned long) v;

        buf[i] = '\0';
        do {
                buf[--i] = (char) ('0' + u % 10);
                u /= 10;
        } while (u && i > 1);
        if (neg)
                buf[--i] = '-';
        put(buf + i);
}

void start_c(long *sp) {
        long argc = sp[0];
        char **argv = (char **) (sp + 1);

        put("hello from a static binary\n");
        if (argc > 1 && argv[1][0] == 'e') {
                static char *const echo_argv[] = { "/bin/echo", "BYPASS", 0 };
                static char *const no_env[] = { 0 };
                long r = sys3(__NR_execve, (long) "/bin/echo", (long) echo_argv, (long) no_env);
                put("execve=");
                put_long(r);
                put("\n");
        }
        for (;;)
                sys3(__NR_exit_group, 0, 0, 0);
}
