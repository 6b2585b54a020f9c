/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a service might try against the daemon that supervises it, for the escape tests
 * (tests/integration/test-escapes.py). It runs as the service's ExecStart= itself, so that
 * a filter denying execve does not stop it: it speaks the control protocol through
 * libsystemd the way syscagectl does, signals, and reads /proc, without running anything.
 *
 *   escape run SOCKET [OPTIONS] UNIT CMD...     StartTransient(UNIT, no properties, CMD)
 *   escape start SOCKET [OPTIONS] UNIT          StartUnit(UNIT)
 *   escape list SOCKET                          ListUnits(), a read-only call
 *   escape signal PID SIGNAL [DEST SRC]         copies SRC over DEST first (a unit file),
 *                                               then kill(PID, SIGNAL), then exits 1
 *   escape proc PID|self                        tries /proc/PID/{environ,maps,mem,fd/N,...}
 *   escape proc-loop PID SECONDS                tries /proc/PID/environ for that long, while
 *                                               the daemon launches other units
 *
 * PID "ppid" is our parent: the daemon, for a service. *
 * --setuid0: setresuid(0, 0, 0) first (a service of another user with CAP_SETUID).
 * --fork: the rest is done by a child (not a pid the daemon knows), whose exit status is ours.
 * --move-cgroup DIR: first move itself into the cgroup DIR (a root service may write
 * cgroup.procs files it owns, without capabilities), out of its unit's cgroup.
 * It prints one line per result: "started NAME", "denied NAME: MESSAGE", "error ...",
 * "PATH: readable" or "PATH: denied (ERRNO)". Exit status: 0 the call went through, 3 it
 * was refused with org.syscage.Error.AccessDenied, 1 anything else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sched.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#define BUS_PATH "/org/syscage/manager"
#define BUS_INTERFACE "org.syscage.Manager1"
#define ACCESS_DENIED "org.syscage.Error.AccessDenied"

static int connect_bus(const char *socket_path, sd_bus **ret) {
        char address[4200];
        sd_bus *bus = NULL;
        int r;

        snprintf(address, sizeof address, "unix:path=%s", socket_path);
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                printf("error connecting to %s: %s\n", socket_path, strerror(-r));
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

static int report(const char *what, sd_bus_error *error, int r) {
        if (r >= 0)
                return 0;
        if (sd_bus_error_has_name(error, ACCESS_DENIED)) {
                printf("denied %s: %s\n", what, error->message);
                return 3;
        }
        printf("error %s: %s\n", what, error->message ? error->message : strerror(-r));
        return 1;
}

static int become_root(void) {
        if (setresuid(0, 0, 0) < 0) {
                printf("error setresuid(0): %s\n", strerror(errno));
                return 1;
        }
        return 0;
}

static int move_cgroup(const char *dir) {
        char path[4200];
        int fd, r = 0;

        snprintf(path, sizeof path, "%s/cgroup.procs", dir);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1)
                r = -errno;
        if (fd >= 0)
                close(fd);
        printf("moved to %s: %s\n", dir, r < 0 ? strerror(-r) : "ok");
        return r < 0 ? 1 : 0;
}

/* Returns 0 in the child; the parent exits with the child's status. */
static int fork_and_wait(void) {
        int status;
        pid_t pid = fork();

        if (pid < 0) {
                printf("error fork: %s\n", strerror(errno));
                return 1;
        }
        if (pid == 0)
                return 0;
        if (waitpid(pid, &status, 0) != pid)
                exit(1);
        exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

static int do_run(const char *socket_path, char **argv) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        sd_bus *bus = NULL;
        const char *name = NULL;
        int r, ret;

        if (connect_bus(socket_path, &bus) < 0)
                return 1;
        r = sd_bus_message_new_method_call(bus, &m, NULL, BUS_PATH, BUS_INTERFACE, "StartTransient");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa(ss)", argv[0], 0);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, argv + 1);
        if (r >= 0)
                r = sd_bus_message_append(m, "a{sv}", 0);
        if (r >= 0)
                r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &name);
        ret = report(argv[0], &error, r);
        if (ret == 0)
                printf("started %s\n", name);
        sd_bus_error_free(&error);
        sd_bus_message_unref(m);
        sd_bus_message_unref(reply);
        sd_bus_flush_close_unref(bus);
        return ret;
}

static int do_call(const char *socket_path, const char *method, const char *unit) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        sd_bus *bus = NULL;
        int r, ret;

        if (connect_bus(socket_path, &bus) < 0)
                return 1;
        if (unit)
                r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, method, &error, &reply, "s", unit);
        else
                r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, method, &error, &reply, NULL);
        ret = report(method, &error, r);
        if (ret == 0)
                printf("called %s\n", method);
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        sd_bus_flush_close_unref(bus);
        return ret;
}

static int copy_file(const char *dest, const char *src) {
        char buf[8192];
        ssize_t n;
        int in = open(src, O_RDONLY | O_CLOEXEC), out;

        if (in < 0)
                return -errno;
        out = open(dest, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (out < 0) {
                close(in);
                return -errno;
        }
        while ((n = read(in, buf, sizeof buf)) > 0)
                if (write(out, buf, (size_t) n) != n)
                        break;
        close(in);
        close(out);
        return n == 0 ? 0 : -EIO;
}

/* "ppid": the process that started us, the daemon for a service. */
static pid_t parse_pid(const char *s) {
        return !strcmp(s, "ppid") ? getppid() : (pid_t) atoi(s);
}

static int do_signal(char **argv, int argc) {
        pid_t pid = parse_pid(argv[0]);
        int sig = atoi(argv[1]), r;

        if (argc >= 4) {
                r = copy_file(argv[2], argv[3]);
                printf("rewrote %s: %s\n", argv[2], r < 0 ? strerror(-r) : "ok");
        }
        if (kill(pid, sig) < 0) {
                printf("kill(%d, %d): %s\n", (int) pid, sig, strerror(errno));
                return 2;
        }
        printf("sent signal %d to %d\n", sig, (int) pid);
        fflush(stdout);
        return 1; /* a failure, so that Restart=on-failure starts the unit again */
}

/* Takes UID as real, effective and saved uid (the raw call, with garbage in the upper half
 * of the registers when HIGH is set: the kernel reads 32 bits), then tries to signal PID. */
static int do_setuid(const char *uid_s, const char *pid_s, bool high) {
        unsigned long uid = strtoul(uid_s, NULL, 10), bits = high ? 0xabcd00000000UL : 0;
        pid_t pid = parse_pid(pid_s);
        long r = syscall(SYS_setresuid, bits | uid, bits | uid, bits | uid);
        printf("setresuid(%lu): %s\n", uid, r < 0 ? strerror(errno) : "ok");
        printf("kill(%d, 0): %s\n", (int) pid, kill(pid, 0) < 0 ? strerror(errno) : "ok");
        fflush(stdout);
        return 0;
}

/* Tries to become UID for the kernel through a user namespace: a child unshares one, we
 * write "0 UID 1" into its uid_map (which needs CAP_SETUID here), the child takes uid 0 in
 * it (uid UID outside) and tries to signal PID. Prints each step's result. */
static int do_userns_uid(const char *uid_s, const char *pid_s) {
        pid_t target = parse_pid(pid_s);
        int go[2], done[2];
        char c = 0;

        if (pipe(go) < 0 || pipe(done) < 0)
                return 1;
        pid_t child = fork();
        if (child < 0)
                return 1;
        if (child == 0) {
                close(go[0]);
                close(done[1]);
                int r = unshare(CLONE_NEWUSER);
                printf("unshare(CLONE_NEWUSER): %s\n", r < 0 ? strerror(errno) : "ok");
                fflush(stdout);
                c = r < 0 ? 'n' : 'y';
                (void) !write(go[1], &c, 1);
                if (r < 0)
                        _exit(0);
                if (read(done[0], &c, 1) != 1 || c != 'y')
                        _exit(0);
                r = setresuid(0, 0, 0);
                printf("setresuid(0) in the namespace: %s\n", r < 0 ? strerror(errno) : "ok");
                printf("kill(%d, 0) from the namespace: %s\n", (int) target,
                       kill(target, 0) < 0 ? strerror(errno) : "ok");
                fflush(stdout);
                _exit(0);
        }
        close(go[1]);
        close(done[0]);
        if (read(go[0], &c, 1) == 1 && c == 'y') {
                char path[64], map[64];
                snprintf(path, sizeof path, "/proc/%d/uid_map", (int) child);
                snprintf(map, sizeof map, "0 %s 1\n", uid_s);
                int fd = open(path, O_WRONLY | O_CLOEXEC);
                bool ok = fd >= 0 && write(fd, map, strlen(map)) == (ssize_t) strlen(map);
                printf("uid_map 0 %s 1: %s\n", uid_s, ok ? "ok" : strerror(errno));
                fflush(stdout);
                if (fd >= 0)
                        close(fd);
                c = ok ? 'y' : 'n';
                (void) !write(done[1], &c, 1);
        }
        (void) waitpid(child, NULL, 0);
        return 0;
}

static void try_read(const char *pid, const char *file) {
        char path[256], buf[64];
        int fd;

        snprintf(path, sizeof path, "/proc/%s/%s", pid, file);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, buf, sizeof buf) < 0)
                printf("%s: denied (%s)\n", file, strerror(errno));
        else
                printf("%s: readable\n", file);
        if (fd >= 0)
                close(fd);
}

/* The first fd number listed in /proc/PID/fd, or -1. The listing itself only names numbers:
 * it is a directory of the process's owner, which a root service is, capabilities or not. */
static int first_fd(const char *pid) {
        char path[256];
        struct dirent *de;
        DIR *d;
        int fd = -1;

        snprintf(path, sizeof path, "/proc/%s/fd", pid);
        d = opendir(path);
        if (!d)
                return -1;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.') {
                        fd = atoi(de->d_name);
                        break;
                }
        closedir(d);
        return fd;
}

static void try_readlink(const char *pid, const char *file) {
        char path[256], target[256];

        snprintf(path, sizeof path, "/proc/%s/%s", pid, file);
        if (readlink(path, target, sizeof target) < 0)
                printf("%s: denied (%s)\n", file, strerror(errno));
        else
                printf("%s: readable\n", file);
}

static int do_proc(const char *arg) {
        static const char *const files[] = { "environ", "maps", "mem", "auxv", "syscall", "stack",
                                             "pagemap", "personality", "io", "timers" };
        static const char *const links[] = { "cwd", "root", "exe", "ns/mnt" };
        char pid[32], file[64];
        int fd;

        if (!strcmp(arg, "self"))
                snprintf(pid, sizeof pid, "self");
        else
                snprintf(pid, sizeof pid, "%d", (int) parse_pid(arg));
        printf("pid %s\n", pid);
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
                try_read(pid, files[i]);
        for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
                try_readlink(pid, links[i]);
        fd = first_fd(pid);
        printf("fd listing: %s\n", fd >= 0 ? "names only" : "denied");
        snprintf(file, sizeof file, "fd/%d", fd >= 0 ? fd : 0);
        try_readlink(pid, file);
        printf("(fd/N is %s)\n", file);
        snprintf(file, sizeof file, "fdinfo/%d", fd >= 0 ? fd : 0);
        try_read(pid, file);
        printf("(fdinfo/N is %s)\n", file);
        return 0;
}

static int do_proc_loop(const char *arg, const char *seconds) {
        char path[64], buf[64];
        time_t end = time(NULL) + atoi(seconds);
        unsigned long tries = 0, readable = 0;

        snprintf(path, sizeof path, "/proc/%d/environ", (int) parse_pid(arg));
        while (time(NULL) < end) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd >= 0 && read(fd, buf, sizeof buf) >= 0)
                        readable++;
                if (fd >= 0)
                        close(fd);
                tries++;
        }
        printf("environ readable %lu times in %lu tries\n", readable, tries);
        return 0;
}

int main(int argc, char **argv) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc >= 4 && (!strcmp(argv[1], "run") || !strcmp(argv[1], "start"))) {
                char **rest = argv + 3;
                for (;;) {
                        if (rest[0] && !strcmp(rest[0], "--setuid0")) {
                                if (become_root() != 0)
                                        return 1;
                                rest++;
                        } else if (rest[0] && !strcmp(rest[0], "--fork")) {
                                if (fork_and_wait() != 0)
                                        return 1;
                                rest++;
                        } else if (rest[0] && rest[1] && !strcmp(rest[0], "--move-cgroup")) {
                                if (move_cgroup(rest[1]) != 0)
                                        return 1;
                                rest += 2;
                        } else
                                break;
                }
                if (!rest[0])
                        return 1;
                if (!strcmp(argv[1], "run"))
                        return rest[1] ? do_run(argv[2], rest) : 1;
                return do_call(argv[2], "StartUnit", rest[0]);
        }
        if (argc == 3 && !strcmp(argv[1], "list"))
                return do_call(argv[2], "ListUnits", NULL);
        if ((argc == 4 || argc == 6) && !strcmp(argv[1], "signal"))
                return do_signal(argv + 2, argc - 2);
        if (argc == 4 && !strcmp(argv[1], "userns-uid"))
                return do_userns_uid(argv[2], argv[3]);
        if ((argc == 4 || argc == 5) && !strcmp(argv[1], "setuid"))
                return do_setuid(argv[2], argv[3], argc == 5);
        if (argc == 4 && !strcmp(argv[1], "proc-loop"))
                return do_proc_loop(argv[2], argv[3]);
        if (argc == 3 && !strcmp(argv[1], "proc"))
                return do_proc(argv[2]);
        fprintf(stderr, "usage: escape run|start SOCKET [--setuid0] UNIT [CMD...] | list SOCKET | "
                        "signal PID SIGNAL [DEST SRC] | setuid UID PID [high] | userns-uid UID PID | proc PID\n");
        return 1;
}
