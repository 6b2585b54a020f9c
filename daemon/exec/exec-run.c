/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A poll loop over {launch socket, listener, pidfd} until the child has exited. */
#include <poll.h>
#include <signal.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

#include "exec/exec-run.h"

typedef struct RunState {
        ExecResult result;
        bool reported;
        bool exited;
} RunState;

static int run_on_socket(ExecProcess *p, RunState *s) {
        ExecStage stage;
        int error;
        int r = exec_read_report(p, &stage, &error);
        if (r < 0)
                return r;
        if (r == EXEC_REPORT_AGAIN || r == EXEC_REPORT_LISTENER)
                return 0;
        s->reported = true;
        s->result.report = (ExecReport) r;
        if (r == EXEC_REPORT_FAILED) {
                s->result.stage = stage;
                s->result.error = error;
        }
        return 0;
}

static int run_on_pidfd(ExecProcess *p, RunState *s) {
        siginfo_t si = {};
        if (waitid((idtype_t) P_PIDFD, (id_t) p->pidfd, &si, WEXITED | WNOHANG) < 0)
                return -errno;
        if (si.si_pid == 0)
                return 0;
        s->exited = true;
        s->result.code = si.si_code;
        s->result.status = si.si_status;
        return 0;
}

static int run_poll_once(ExecProcess *p, RunState *s, ExecDenialCallback cb, void *userdata) {
        struct pollfd pfd[3] = {
                { .fd = p->socket_fd, .events = POLLIN },
                { .fd = p->listener_fd, .events = POLLIN },
                { .fd = s->exited ? -1 : p->pidfd, .events = POLLIN },
        };
        int r;

        if (poll(pfd, ELEMENTSOF(pfd), -1) < 0)
                return errno == EINTR ? 0 : -errno;
        /* The gate first: a child blocked in its launch execve only moves on once answered. */
        if (pfd[1].revents) {
                r = exec_gate_handle(p, cb, userdata);
                if (r == EXEC_GATE_CLOSED)
                        exec_process_close_listener(p);
                else if (r < 0)
                        return r;
        }
        if (pfd[0].revents && (r = run_on_socket(p, s)) < 0)
                return r;
        if (pfd[2].revents && (r = run_on_pidfd(p, s)) < 0)
                return r;
        return 0;
}

int exec_process_wait(ExecProcess *p, ExecDenialCallback cb, void *userdata, ExecResult *ret) {
        RunState s = { .result = { .report = _EXEC_REPORT_INVALID, .stage = _EXEC_STAGE_INVALID,
                                   .pid = p->pid } };

        while (!s.exited || p->socket_fd >= 0) {
                int r = run_poll_once(p, &s, cb, userdata);
                if (r < 0)
                        return r;
        }
        if (!s.reported)
                s.result.report = EXEC_REPORT_DIED;
        if (p->listener_fd >= 0) {
                int r = exec_gate_handle(p, cb, userdata);
                if (r < 0)
                        return r;
        }
        s.result.n_denied = p->n_denied;
        *ret = s.result;
        return 0;
}

int exec_run_and_wait(const ExecPlan *plan, ExecDenialCallback cb, void *userdata,
                      ExecResult *ret) {
        _cleanup_(exec_process_freep) ExecProcess *p = NULL;
        int r = exec_spawn(plan, &p);
        if (r < 0)
                return r;
        r = exec_process_wait(p, cb, userdata, ret);
        if (r < 0) {
                /* Do not leave a child behind that nobody answers or reaps. */
                siginfo_t si;
                (void) pidfd_send_signal(p->pidfd, SIGKILL, NULL, 0);
                (void) waitid((idtype_t) P_PIDFD, (id_t) p->pidfd, &si, WEXITED);
                return r;
        }
        return 0;
}
