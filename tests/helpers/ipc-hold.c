/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A service for the RemoveIPC= tests.
 *
 *   ipc-hold create NAME   creates a System V shared memory segment, message queue and
 *                          semaphore set, and the POSIX shared memory file /dev/shm/NAME,
 *                          prints "ipc shm=ID msg=ID sem=ID posix=NAME" and waits for a
 *                          signal (the objects outlive it: that is the point)
 *   ipc-hold remove SHM MSG SEM NAME
 *                          removes them again (clean-up after a RemoveIPC=no test)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

static int create(const char *name) {
        char path[256];
        int shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        int msg = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        int sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
        if (shm < 0 || msg < 0 || sem < 0) {
                fprintf(stderr, "ipc-hold: System V object: %s\n", strerror(errno));
                return 1;
        }
        snprintf(path, sizeof path, "/dev/shm/%s", name);
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
                fprintf(stderr, "ipc-hold: %s: %s\n", path, strerror(errno));
                return 1;
        }
        close(fd);
        printf("ipc shm=%d msg=%d sem=%d posix=%s\n", shm, msg, sem, name);
        fflush(stdout);
        for (;;)
                pause();
}

static int remove_all(char **argv) {
        char path[256];
        int r = 0;
        if (shmctl(atoi(argv[0]), IPC_RMID, NULL) < 0)
                r = 1;
        if (msgctl(atoi(argv[1]), IPC_RMID, NULL) < 0)
                r = 1;
        if (semctl(atoi(argv[2]), 0, IPC_RMID) < 0)
                r = 1;
        snprintf(path, sizeof path, "/dev/shm/%s", argv[3]);
        if (unlink(path) < 0)
                r = 1;
        return r;
}

int main(int argc, char **argv) {
        if (argc == 3 && strcmp(argv[1], "create") == 0)
                return create(argv[2]);
        if (argc == 6 && strcmp(argv[1], "remove") == 0)
                return remove_all(argv + 2);
        fprintf(stderr, "usage: ipc-hold create NAME | remove SHM MSG SEM NAME\n");
        return 2;
}
