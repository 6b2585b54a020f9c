/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the control plane the way a client reaches it: the input is the byte stream a
 * client sends after authenticating (D-Bus messages, well formed or not), written into one
 * end of a socketpair whose other end is served by the daemon's own connection code, with
 * the method handlers behind it. The connection is unprivileged, so state-changing calls
 * are parsed and then refused; read-only calls run for real against an empty manager.
 * Replies are read and dropped. The daemon must survive every input and free the
 * connection once the input ends.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bus/bus.h"
#include "core/manager.h"

#define FUZZ_INPUT_MAX (256u * 1024u)
#define FUZZ_ITERATIONS_MAX 100000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Manager *fuzz_manager;
static Bus *fuzz_bus;
static char fuzz_dir[] = "/tmp/fuzz-bus-XXXXXX";

static void fuzz_teardown(void) {
        char path[64];

        fuzz_bus = bus_free(fuzz_bus);
        fuzz_manager = manager_free(fuzz_manager);
        snprintf(path, sizeof(path), "%s/run", fuzz_dir);
        (void) rmdir(path);
        (void) rmdir(fuzz_dir);
}

static void fuzz_setup(void) {
        static char socket_path[128], run_dir[64];
        sigset_t mask;

        if (fuzz_bus)
                return;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || !mkdtemp(fuzz_dir))
                abort();
        signal(SIGPIPE, SIG_IGN);
        snprintf(run_dir, sizeof(run_dir), "%s/run", fuzz_dir);
        snprintf(socket_path, sizeof(socket_path), "%s/control.sock", run_dir);
        ManagerConfig cfg = {
                .state_dir = fuzz_dir,
                .runtime_dir = run_dir,
                .socket_path = socket_path,
        };
        BusConfig bcfg = { .socket_path = socket_path };
        if (manager_new(&cfg, &fuzz_manager) < 0 || bus_new(fuzz_manager, &bcfg, &fuzz_bus) < 0)
                abort();
        atexit(fuzz_teardown);
}

static void drain(int fd) {
        char buf[65536];

        while (read(fd, buf, sizeof(buf)) > 0)
                ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct ucred cred = { .pid = getpid(), .uid = 65534, .gid = 65534 };
        _cleanup_free_ uint8_t *stream = NULL;
        char auth[128], uid[16], *p;
        size_t off = 0, n;
        int fds[2];

        if (size > FUZZ_INPUT_MAX)
                return 0;
        fuzz_setup();
        /* EXTERNAL carries our real uid, in hex of its decimal digits, which sd-bus compares
         * with the socket's peer. */
        snprintf(uid, sizeof(uid), "%u", (unsigned) getuid());
        p = auth + 1 + sprintf(auth + 1, "AUTH EXTERNAL ");
        for (const char *c = uid; *c; c++)
                p += sprintf(p, "%02x", (unsigned char) *c);
        p += sprintf(p, "\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n");
        auth[0] = '\0';
        n = (size_t) (p - auth) + size;
        stream = malloc(n);
        if (!stream)
                return 0;
        memcpy(stream, auth, (size_t) (p - auth));
        memcpy(stream + (p - auth), data, size);
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
                abort();
        /* The handlers see this unprivileged cred, whatever uid authenticated. */
        if (bus_connection_add(fuzz_bus, fds[0], &cred, false, NULL) < 0)
                abort();
        for (unsigned i = 0; i < FUZZ_ITERATIONS_MAX && fuzz_bus->n_connections > 0; i++) {
                if (off < n) {
                        ssize_t k = write(fds[1], stream + off, n - off);
                        if (k > 0)
                                off += (size_t) k;
                        else if (k < 0 && errno != EAGAIN)
                                off = n;
                        if (off == n)
                                (void) shutdown(fds[1], SHUT_WR);
                }
                drain(fds[1]);
                if (sd_event_run(fuzz_manager->event, off < n ? 0 : 100 * 1000) < 0)
                        abort();
        }
        close(fds[1]);
        /* Every input ends in EOF, so the daemon must have let go of the connection. */
        if (fuzz_bus->n_connections != 0)
                abort();
        return 0;
}
