/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Agreement with systemd, as observed: every row below is a result a real systemd 252 gave
 * for the same directives and the same system call (contrib/oracle/compare-policies.sh runs
 * the whole table against a live systemd; the case name is given for each row). Here the
 * compiled programs are run with the BPF interpreter, so the test needs neither root nor
 * systemd. Where systemd's behaviour has edges (merge order, resets, argument ranges, two
 * directives refusing one call, other ABIs) those are the rows that matter. Our deliberate
 * differences are tested in test-policy.c; rows marked "stricter" are places where systemd
 * 252 lets a call through that the kernel then acts on, and we refuse it.
 * The syscall numbers are x86-64's, so the test skips elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "policy-test-util.h"

#define KILL SECCOMP_RET_KILL_PROCESS
#define ALLOW SECCOMP_RET_ALLOW
#define ERR(e) (SECCOMP_RET_ERRNO | (e))
#define X64 SCMP_ARCH_X86_64
#define I386 SCMP_ARCH_X86
#define X32 SCMP_ARCH_X32
#define FAMILY_HIGH(f) ((1ULL << 32) | (f)) /* the kernel reads socket()'s family as an int */

typedef struct Row {
        const char *oracle_case;
        const char *lines[5];
        uint32_t arch;
        const char *syscall;
        uint64_t args[6];
        uint32_t ret;
} Row;

static const Row rows[] = {
        /* SystemCallFilter= merge rules */
        { "deny-entry-beats-default", { "SystemCallFilter=~uname:EPERM", "SystemCallErrorNumber=ENETDOWN" },
          X64, "uname", {}, ERR(EPERM) },
        { "deny-errno-overwritten", { "SystemCallFilter=~uname:EPERM", "SystemCallFilter=~uname:EACCES" },
          X64, "uname", {}, ERR(EACCES) },
        { "deny-errno-then-plain",
          { "SystemCallFilter=~uname:EPERM", "SystemCallFilter=~uname", "SystemCallErrorNumber=ENETDOWN" },
          X64, "uname", {}, ERR(ENETDOWN) },
        { "deny-entry-zero", { "SystemCallFilter=~uname:0" }, X64, "uname", {}, ERR(0) },
        { "deny-entry-kill", { "SystemCallFilter=~uname:kill", "SystemCallErrorNumber=EPERM" },
          X64, "uname", {}, KILL },
        { "deny-groups-errno", { "SystemCallFilter=~@mount @reboot:EPERM" }, X64, "reboot", {}, ERR(EPERM) },
        { "deny-groups-default", { "SystemCallFilter=~@mount @reboot:EPERM", "SystemCallErrorNumber=EACCES" },
          X64, "umount2", {}, ERR(EACCES) },
        { "deny-then-allow", { "SystemCallFilter=~@clock", "SystemCallFilter=clock_settime" },
          X64, "clock_settime", {}, ALLOW },
        { "deny-then-allow-other", { "SystemCallFilter=~@clock", "SystemCallFilter=clock_settime" },
          X64, "settimeofday", {}, KILL },
        { "deny-reset-then-deny", { "SystemCallFilter=~uname", "SystemCallFilter=", "SystemCallFilter=~getppid" },
          X64, "uname", {}, ALLOW },
        { "allow-remove-readd",
          { "SystemCallFilter=@system-service", "SystemCallFilter=~uname:EBADF", "SystemCallFilter=uname" },
          X64, "uname", {}, ALLOW },
        { "allow-then-remove-errno", { "SystemCallFilter=@system-service", "SystemCallFilter=~uname:EBADF" },
          X64, "uname", {}, ERR(EBADF) },
        { "allow-unlisted-errno", { "SystemCallFilter=@system-service", "SystemCallErrorNumber=EPERM" },
          X64, "swapoff", {}, ERR(EPERM) },
        { "errno-number-reset (unit file)",
          { "SystemCallFilter=~uname", "SystemCallErrorNumber=EPERM", "SystemCallErrorNumber=" },
          X64, "uname", {}, KILL },
        { "errno-number-kill",
          { "SystemCallFilter=~uname", "SystemCallErrorNumber=EPERM", "SystemCallErrorNumber=kill" },
          X64, "uname", {}, KILL },
        { "errno-number-alone", { "SystemCallErrorNumber=EPERM" }, X64, "uname", {}, ALLOW },

        /* SystemCallArchitectures= and other ABIs */
        { "arch-x86-i386", { "SystemCallFilter=~getppid", "SystemCallErrorNumber=EPERM", "SystemCallArchitectures=native x86" },
          I386, "getppid", {}, ERR(EPERM) },
        { "arch-x32", { "SystemCallArchitectures=native x32" }, I386, "getpid", {}, KILL },
        { "x32-native", { "SystemCallFilter=~uname", "SystemCallArchitectures=native" }, X32, "getpid", {}, KILL },
        { "x32-listed", { "SystemCallFilter=~uname", "SystemCallArchitectures=native x32" }, X32, "getpid", {}, ALLOW },
        { "i386-allow-list-only-i386", { "SystemCallFilter=@system-service", "SystemCallArchitectures=native x86" },
          I386, "waitpid", {}, ALLOW },
        { "i386-allow-list-denied", { "SystemCallFilter=@system-service", "SystemCallArchitectures=native x86" },
          I386, "reboot", {}, KILL },
        { "deny-other-abi-name-x86", { "SystemCallFilter=~socketcall", "SystemCallArchitectures=native x86" },
          I386, "socketcall", { 1 }, KILL },
        { "i386-mdwe-old-mmap", { "MemoryDenyWriteExecute=yes", "SystemCallArchitectures=native x86" },
          I386, "mmap", {}, ERR(EPERM) },
        { "i386-namespaces", { "RestrictNamespaces=yes", "SystemCallArchitectures=native x86" },
          I386, "unshare", { CLONE_NEWNET }, ERR(EPERM) },

        /* RestrictAddressFamilies= */
        { "raf-range-between", { "RestrictAddressFamilies=AF_UNIX AF_INET6" }, X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) },
        { "raf-range-above", { "RestrictAddressFamilies=AF_UNIX AF_INET6" }, X64, "socket", { AF_PACKET }, ERR(EAFNOSUPPORT) },
        { "raf-range-below", { "RestrictAddressFamilies=AF_INET AF_INET6" }, X64, "socket", { AF_UNIX }, ERR(EAFNOSUPPORT) },
        { "raf-allow-unix", { "RestrictAddressFamilies=AF_UNIX AF_INET6" }, X64, "socket", { AF_INET6 }, ALLOW },
        { "raf-empty-after-remove", { "RestrictAddressFamilies=AF_UNIX", "RestrictAddressFamilies=~AF_UNIX" },
          X64, "socket", { AF_UNIX }, ERR(EAFNOSUPPORT) },
        { "raf-merge", { "RestrictAddressFamilies=AF_UNIX AF_INET", "RestrictAddressFamilies=~AF_INET" },
          X64, "socket", { AF_INET }, ERR(EAFNOSUPPORT) },
        { "raf-reset (unit file)", { "RestrictAddressFamilies=AF_UNIX", "RestrictAddressFamilies=" },
          X64, "socket", { AF_INET }, ALLOW },
        { "raf-none (unit file)", { "RestrictAddressFamilies=none" }, X64, "socket", { AF_UNIX }, ERR(EAFNOSUPPORT) },
        { "raf-allow-high-bits", { "RestrictAddressFamilies=AF_UNIX" }, X64, "socket", { FAMILY_HIGH(AF_UNIX) },
          ERR(EAFNOSUPPORT) },
        { "raf-deny-high-bits (stricter)", { "RestrictAddressFamilies=~AF_INET" }, X64, "socket",
          { FAMILY_HIGH(AF_INET) }, ERR(EAFNOSUPPORT) },

        /* RestrictNamespaces= */
        { "ns-yes-clone3", { "RestrictNamespaces=yes" }, X64, "clone3", {}, ERR(ENOSYS) },
        { "ns-not-user-time", { "RestrictNamespaces=~user" }, X64, "unshare", { CLONE_NEWTIME }, ERR(EPERM) },
        { "ns-not-user-net", { "RestrictNamespaces=~user" }, X64, "unshare", { CLONE_NEWNET }, ALLOW },
        { "ns-time-listed", { "RestrictNamespaces=time" }, X64, "unshare", { CLONE_NEWTIME }, ALLOW },
        { "ns-net-ipc-setns", { "RestrictNamespaces=net ipc" }, X64, "setns", { 0, CLONE_NEWNET }, ALLOW },
        { "ns-net-ipc-setns-any", { "RestrictNamespaces=net ipc" }, X64, "setns", { 0, 0 }, ERR(EPERM) },
        { "ns-user-setns-mixed", { "RestrictNamespaces=user" }, X64, "setns", { 0, CLONE_NEWUSER | CLONE_NEWNET },
          ERR(EPERM) },
        { "ns-setns-high-bits (stricter)", { "RestrictNamespaces=net ipc" }, X64, "setns", { 0, 1ULL << 32 },
          ERR(EPERM) },
        { "ns-merge", { "RestrictNamespaces=net", "RestrictNamespaces=ipc", "RestrictNamespaces=~net" },
          X64, "unshare", { CLONE_NEWNET }, ERR(EPERM) },
        { "ns-yes-then-no", { "RestrictNamespaces=yes", "RestrictNamespaces=no" }, X64, "unshare", { CLONE_NEWNET }, ALLOW },
        { "ns-reset (unit file)", { "RestrictNamespaces=net", "RestrictNamespaces=" }, X64, "unshare", { CLONE_NEWUTS }, ALLOW },

        /* Two directives refusing one call: systemd loads SystemCallFilter= last, so its errno
         * is the one the kernel returns; a kill wins over any errno. */
        { "mix-ns-filter-errno", { "RestrictNamespaces=yes", "SystemCallFilter=~unshare:EACCES" },
          X64, "unshare", { CLONE_NEWNET }, ERR(EACCES) },
        { "mix-ns-filter-kill", { "RestrictNamespaces=yes", "SystemCallFilter=~unshare" }, X64, "unshare", { CLONE_NEWNET }, KILL },
        { "mix-raf-filter-errno", { "RestrictAddressFamilies=AF_UNIX", "SystemCallFilter=~socket:EACCES" },
          X64, "socket", { AF_INET }, ERR(EACCES) },
        { "mix-personality-filter", { "LockPersonality=yes", "SystemCallFilter=~personality:EACCES" },
          X64, "personality", { PER_LINUX32 }, ERR(EACCES) },
        { "mix-hostname-filter", { "ProtectHostname=yes", "SystemCallFilter=~sethostname", "SystemCallErrorNumber=EACCES" },
          X64, "sethostname", {}, ERR(EACCES) },
        { "mix-allow-list-ns", { "SystemCallFilter=@system-service", "SystemCallErrorNumber=EACCES", "RestrictNamespaces=yes" },
          X64, "setns", { 0, CLONE_NEWNET }, ERR(EPERM) },

        /* LockPersonality=, MemoryDenyWriteExecute=, RestrictRealtime=, RestrictSUIDSGID= */
        { "personality-query", { "LockPersonality=yes" }, X64, "personality", { 0xffffffff }, ERR(EPERM) },
        { "personality-high-bits", { "LockPersonality=yes" }, X64, "personality", { 1ULL << 32 }, ERR(EPERM) },
        { "mdwe-mmap-x", { "MemoryDenyWriteExecute=yes" }, X64, "mmap", { 0, 4096, PROT_READ | PROT_EXEC }, ALLOW },
        { "mdwe-pkey-mprotect", { "MemoryDenyWriteExecute=yes" }, X64, "pkey_mprotect", { 0, 4096, PROT_READ | PROT_EXEC },
          ERR(EPERM) },
        { "realtime-idle", { "RestrictRealtime=yes" }, X64, "sched_setscheduler", { 0, SCHED_IDLE }, ALLOW },
        { "realtime-deadline", { "RestrictRealtime=yes" }, X64, "sched_setscheduler", { 0, 6 }, ERR(EPERM) },
        { "realtime-reset-on-fork", { "RestrictRealtime=yes" }, X64, "sched_setscheduler", { 0, SCHED_RESET_ON_FORK | SCHED_BATCH },
          ERR(EPERM) },
        { "realtime-fifo-high-bits", { "RestrictRealtime=yes" }, X64, "sched_setscheduler", { 0, (1ULL << 32) | SCHED_FIFO },
          ERR(EPERM) },
        { "suid-open-no-creat", { "RestrictSUIDSGID=yes" }, X64, "openat", { 0, 0, O_RDWR, S_ISUID }, ALLOW },
        { "suid-creat", { "RestrictSUIDSGID=yes" }, X64, "creat", { 0, S_ISUID }, ERR(EPERM) },
        { "suid-mknod", { "RestrictSUIDSGID=yes" }, X64, "mknod", { 0, S_ISUID }, ERR(EPERM) },
        { "suid-chmod-high-suid", { "RestrictSUIDSGID=yes" }, X64, "chmod", { 0, (1ULL << 32) | S_ISUID }, ERR(EPERM) },
        { "suid-openat2", { "RestrictSUIDSGID=yes" }, X64, "openat2", {}, ERR(ENOSYS) },

        /* Protect*=, PrivateDevices= */
        { "clock-adjtimex-read", { "ProtectClock=yes" }, X64, "adjtimex", {}, ERR(EPERM) },
        { "clock-gettime", { "ProtectClock=yes" }, X64, "clock_gettime", {}, ALLOW },
        { "devices-ioperm", { "PrivateDevices=yes" }, X64, "ioperm", {}, ERR(EPERM) },
        { "tunables-sysctl", { "ProtectKernelTunables=yes" }, X64, "_sysctl", {}, ERR(EPERM) },
        { "logs-syslog", { "ProtectKernelLogs=yes" }, X64, "syslog", { 10 }, ERR(EPERM) },
};

static void test_agreement(void **state) {
        char want[32], got[32];

        if (arch_native() != SCMP_ARCH_X86_64)
                skip();
        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                const Row *row = &rows[i];
                _cleanup_(policy_freep) Policy *p = NULL;
                _cleanup_(filter_set_freep) FilterSet *s = NULL;
                DiagList diags = {};
                uint32_t r;

                if (test_build(row->lines, &diags, &p) < 0) {
                        for (size_t j = 0; j < diags.n; j++)
                                diag_print(&diags.items[j], stderr);
                        fail_msg("%s: policy refused", row->oracle_case);
                }
                diag_list_done(&diags);
                assert_int_equal(filter_compile(p, &s), 0);
                r = test_eval(s, row->arch, row->syscall, row->args);
                if (r != row->ret)
                        fail_msg("%s: %s: expected %s, got %s", row->oracle_case, row->syscall,
                                 bpf_ret_to_string(row->ret, want, sizeof want),
                                 bpf_ret_to_string(r, got, sizeof got));
        }
}

/* Values systemd 252 accepts but cannot load: libseccomp refuses errno 4095 in an action,
 * so the service never starts (exit status 228 there). We must not start it either. */
static void test_errno_4095_not_loaded(void **state) {
        static const char *const lines[] = { "SystemCallFilter=~uname", "SystemCallErrorNumber=4095", NULL };
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        DiagList diags = {};
        int r;

        r = test_build(lines, &diags, &p);
        diag_list_done(&diags);
        if (r < 0)
                return; /* refused while building: also never started */
        assert_true(filter_compile(p, &s) < 0);
        assert_null(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_agreement),
                cmocka_unit_test(test_errno_4095_not_loaded),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
