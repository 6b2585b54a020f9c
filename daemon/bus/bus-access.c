/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Telling a client that is an operator from one that is a supervised service. The policy is
 * in bus-access.h; the lookup itself is the Manager's (manager_pid_origin()), shared with the
 * signal handler.
 */
#include <string.h>

#include "bus/bus-access.h"
#include "core/unit.h"
#include "sys/log.h"
#include "sys/process-util.h"

void bus_peer_origin_done(BusPeerOrigin *o) {
        free(o->unit);
        o->unit = NULL;
}

bool unit_control_access_full(const Unit *u) {
        /* [X-Syscage] ControlAccess=full: the unit grants its own processes the rights of
         * their uid over the control socket. */
        return u->config && u->config->sandbox.control_access_full;
}

void bus_peer_origin(Manager *m, int fd, const struct ucred *cred, BusPeerOrigin *ret) {
        _cleanup_close_ int pidfd = -EBADF;
        ManagerPidOrigin o;
        Unit *u = NULL;
        int r;

        *ret = (BusPeerOrigin) {};
        r = process_peer_pidfd(fd, cred->pid, &pidfd);
        if (r < 0) {
                /* Gone already (or out of fds): nothing it asks for is worth the risk. */
                log_debug_errno(r, "Failed to pin client pid %d, treating it as confined: %m", (int) cred->pid);
                ret->confined = ret->gone = true;
                return;
        }
        o = manager_pid_origin(m, cred->pid, pidfd, &u);
        log_debug("Client pid %d: %s%s%s.", (int) cred->pid, manager_pid_origin_to_string(o), u ? " " : "",
                  u ? u->name : "");
        if (o == MANAGER_PID_OUTSIDE)
                return;
        ret->confined = true;
        ret->gone = o == MANAGER_PID_UNKNOWN;
        if (u) {
                if (o == MANAGER_PID_UNIT && unit_control_access_full(u)) {
                        ret->confined = false;
                        log_debug("Client pid %d belongs to unit %s, which has ControlAccess=full.",
                                  (int) cred->pid, u->name);
                }
                ret->unit = strdup(u->name);
                /* Without the name the client is still confined; only the message is poorer. */
        }
}
