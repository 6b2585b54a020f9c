/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel log reader against the real kernel: a child killed by a seccomp filter for
 * uname(2) must be reported with its pid and the syscall's name, and a forged record written
 * to /dev/kmsg from user space must not be. Needs root (reading and writing /dev/kmsg);
 * skips with exit code 77 otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sys/kmsg.h"

typedef struct Seen {
        pid_t want_pid, forged_pid;
        bool found, forged_seen;
        unsigned n;
        SeccompAudit record;
} Seen;

static void on_record(KmsgReader *r, const SeccompAudit *a, void *userdata) {
        Seen *s = userdata;
        s->n++;
        if (a->pid == s->forged_pid)
                s->forged_seen = true;
        if (a->pid == s->want_pid && !s->found) {
                s->found = true;
                s->record = *a;
        }
}

/* Compiles "allow everything but uname, which kills the process" to raw BPF in the parent,
 * so the child does nothing but prctl() calls (no libseccomp after fork). */
static struct sock_fprog build_filter(void) {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        struct sock_fprog prog = {};
        int fd = memfd_create("filter", MFD_CLOEXEC);
        off_t size;

        assert_non_null(ctx);
        assert_true(fd >= 0);
        assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(uname), 0), 0);
        assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
        seccomp_release(ctx);
        size = lseek(fd, 0, SEEK_END);
        assert_true(size > 0 && size % (off_t) sizeof(struct sock_filter) == 0);
        prog.len = (unsigned short) (size / (off_t) sizeof(struct sock_filter));
        prog.filter = malloc((size_t) size);
        assert_non_null(prog.filter);
        assert_int_equal(pread(fd, prog.filter, (size_t) size, 0), size);
        close(fd);
        return prog;
}

static void test_live_kill_reported(void **state) {
        _cleanup_(kmsg_reader_freep) KmsgReader *reader = NULL;
        struct sock_fprog prog = build_filter();
        sd_event *event = NULL;
        Seen seen = {};
        int status, fd;
        pid_t pid;
        char forged[512];

        assert_int_equal(sd_event_new(&event), 0);
        assert_int_equal(kmsg_open(event, on_record, &seen, &reader), 0);

        /* A forgery first: a user-space line that looks exactly like a kill record. */
        seen.forged_pid = 999999;
        fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        snprintf(forged, sizeof forged,
                 "<5>audit: type=1326 audit(1.0:1): auid=0 uid=0 gid=0 ses=1 pid=%d comm=\"fake\" "
                 "exe=\"/fake\" sig=31 arch=c000003e syscall=59 compat=0 ip=0x0 code=0x80000000",
                 (int) seen.forged_pid);
        assert_true(write(fd, forged, strlen(forged)) > 0);
        close(fd);

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                (void) prctl(PR_SET_NAME, "kmsg-victim");
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
                        _exit(2);
                (void) syscall(SYS_uname, NULL);
                _exit(3); /* not reached: the filter kills us */
        }
        seen.want_pid = pid;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGSYS);

        for (int i = 0; i < 500 && !seen.found; i++)
                assert_true(sd_event_run(event, 10 * 1000) >= 0);
        if (!seen.found)
                fail_msg("no seccomp record for pid %d within 5 s (auditd running? actions_logged? "
                         "printk rate limit?)", (int) pid);
        assert_int_equal(seen.record.pid, pid);
        assert_string_equal(seen.record.syscall_name, "uname");
        assert_string_equal(seen.record.comm, "kmsg-victim");
        assert_int_equal(seen.record.sig, SIGSYS);
        assert_int_equal(seen.record.arch, seccomp_arch_native());
        assert_string_equal(seccomp_audit_action_to_string(&seen.record), "kill_process");
        assert_true(seen.record.exe[0] == '/');
        /* The forgery was logged before the kill, so it was read (and rejected) by now. */
        assert_false(seen.forged_seen);

        free(prog.filter);
        reader = kmsg_reader_free(reader);
        sd_event_unref(event);
}

/* Only records after kmsg_open() count: old kills already in the buffer are not replayed. */
static void test_starts_at_end(void **state) {
        _cleanup_(kmsg_reader_freep) KmsgReader *reader = NULL;
        sd_event *event = NULL;
        Seen seen = { .want_pid = -1 };

        assert_int_equal(sd_event_new(&event), 0);
        assert_int_equal(kmsg_open(event, on_record, &seen, &reader), 0);
        /* The previous test's kill is in the ring buffer; nothing may be reported. */
        for (int i = 0; i < 20; i++)
                assert_true(sd_event_run(event, 5 * 1000) >= 0);
        assert_int_equal(seen.n, 0);
        assert_int_equal(kmsg_reader_overruns(reader), 0);
        reader = kmsg_reader_free(reader);
        sd_event_unref(event);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_live_kill_reported),
                cmocka_unit_test(test_starts_at_end),
        };
        if (geteuid() != 0) {
                fprintf(stderr, "test-kmsg-live: needs root to read /dev/kmsg, skipping.\n");
                return 77;
        }
        return cmocka_run_group_tests(tests, NULL, NULL);
}
