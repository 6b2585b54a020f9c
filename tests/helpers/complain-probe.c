/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * complain-probe: makes, in one service, the calls the PolicyMode= test expects its policy to
 * refuse, and prints one line per call: "R STEP ok" or "R STEP errno ENAME".
 *
 * Steps, in order: uname, socket-inet (AF_INET, SOCK_DGRAM), write-fd5 (write(5, "", 0) on
 * /dev/null), then exec: it runs itself again with the argument "exec-done", which prints
 * "R exec ok" and exits 0. When execve fails it prints "R exec errno ENAME" and exits 1.
 * "R pid N" names the process, for matching the kernel's audit records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

static void report(const char *step, long r, int e) {
        if (r >= 0)
                printf("R %s ok\n", step);
        else
                printf("R %s errno %s\n", step, strerrorname_np(e) ?: "?");
        fflush(stdout);
}

int main(int argc, char **argv) {
        struct utsname u;
        char self[4096];
        long r;
        int fd;

        if (argc > 1 && strcmp(argv[1], "exec-done") == 0) {
                report("exec", 0, 0);
                return 0;
        }
        printf("R pid %d\n", (int) getpid());
        r = uname(&u);
        report("uname", r, errno);
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        report("socket-inet", fd, errno);
        if (fd >= 0)
                close(fd);
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (fd >= 0 && fd != 5 && dup3(fd, 5, O_CLOEXEC) < 0)
                fd = -1;
        r = fd >= 0 ? write(5, "", 0) : -1;
        report("write-fd5", r, errno);
        r = readlink("/proc/self/exe", self, sizeof self - 1);
        if (r < 0) {
                report("exec", -1, errno);
                return 1;
        }
        self[r] = '\0';
        char *const args[] = { self, (char *) "exec-done", NULL };
        execv(self, args);
        report("exec", -1, errno);
        return 1;
}
