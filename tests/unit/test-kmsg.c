/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seccomp audit record parser, on lines captured from a real kernel (6.18, x86-64) and on
 * variants of them: other line formats, other architectures, hex-encoded names, truncated and
 * forged records, and lines that are not seccomp records at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sys/audit-log.h"
#include "sys/kmsg.h"

/* Captured with a test program that set its comm and hit a filter on uname(2) (only the
 * exe path was changed). */
#define REAL_KILL                                                                                  \
        "5,341,397039944,-;audit: type=1326 audit(1795348900.903:2): auid=4294967295 uid=0 gid=0 " \
        "ses=4294967295 pid=7845 comm=\"uname\" exe=\"/usr/local/bin/sc-demo\" sig=31 arch=c000003e "    \
        "syscall=63 compat=0 ip=0x7f4dd0df1b07 code=0x80000000\n"

typedef struct Sample {
        const char *line;
        int r;
        pid_t pid;
        const char *comm, *exe;
        int sig;
        uint32_t arch;
        int syscall;
        const char *name;   /* resolved syscall name */
        const char *action; /* from code=, NULL if absent */
} Sample;

static const Sample samples[] = {
        /* Raw /dev/kmsg records, as read(2) returns them. */
        { REAL_KILL, 0, 7845, "uname", "/usr/local/bin/sc-demo", 31, 0xc000003e, 63, "uname", "kill_process" },
        /* comm "my prog" has a space, so the kernel hex-encodes it. */
        { "5,342,397040397,-;audit: type=1326 audit(1795348900.903:3): auid=4294967295 uid=0 gid=0 "
          "ses=4294967295 pid=7846 comm=6D792070726F67 exe=\"/usr/local/bin/sc-demo\" sig=31 arch=c000003e "
          "syscall=63 compat=0 ip=0x7f4dd0df1b07 code=0x80000000",
          0, 7846, "my prog", "/usr/local/bin/sc-demo", 31, 0xc000003e, 63, "uname", "kill_process" },
        /* comm q"x: a quote forces hex too. */
        { "5,343,397040624,-;audit: type=1326 audit(1795348900.903:4): auid=4294967295 uid=0 gid=0 "
          "ses=4294967295 pid=7847 comm=712278 exe=\"/usr/local/bin/sc-demo\" sig=31 arch=c000003e syscall=63 "
          "compat=0 ip=0x7f4dd0df1b07 code=0x80000000",
          0, 7847, "q\"x", "/usr/local/bin/sc-demo", 31, 0xc000003e, 63, "uname", "kill_process" },
        /* KILL_THREAD has code 0. */
        { "5,344,397041057,-;audit: type=1326 audit(1795348900.903:5): auid=4294967295 uid=0 gid=0 "
          "ses=4294967295 pid=7848 comm=\"ok\" exe=\"/usr/local/bin/sc-demo\" sig=31 arch=c000003e syscall=63 "
          "compat=0 ip=0x7f4dd0df1b07 code=0x0",
          0, 7848, "ok", "/usr/local/bin/sc-demo", 31, 0xc000003e, 63, "uname", "kill_thread" },
        /* ERRNO(1) with SECCOMP_FILTER_FLAG_LOG: not killed, sig=0. */
        { "5,345,397041676,-;audit: type=1326 audit(1795348900.903:6): auid=4294967295 uid=0 gid=0 "
          "ses=4294967295 pid=7850 comm=\"errlog\" exe=\"/usr/local/bin/sc-demo\" sig=0 arch=c000003e syscall=63 "
          "compat=0 ip=0x7f4dd0df1b07 code=0x50000",
          0, 7850, "errlog", "/usr/local/bin/sc-demo", 0, 0xc000003e, 63, "uname", "errno" },
        /* The LOG action. */
        { "5,346,397041968,-;audit: type=1326 audit(1795348900.907:7): auid=4294967295 uid=0 gid=0 "
          "ses=4294967295 pid=7851 comm=\"logact\" exe=\"/usr/local/bin/sc-demo\" sig=0 arch=c000003e syscall=63 "
          "compat=0 ip=0x7f4dd0df1b07 code=0x7ffc0000",
          0, 7851, "logact", "/usr/local/bin/sc-demo", 0, 0xc000003e, 63, "uname", "log" },
        /* dmesg output, with an LSM label and a continuation line after the record. */
        { "[  397.039944] audit: type=1326 audit(1795348900.903:2): auid=1000 uid=1000 gid=1000 ses=3 "
          "subj=unconfined pid=2211 comm=\"a.out\" exe=\"/home/u/a.out\" sig=31 arch=c000003e syscall=39 "
          "compat=0 ip=0x7f0011223344 code=0x80000000\n SUBSYSTEM=audit",
          0, 2211, "a.out", "/home/u/a.out", 31, 0xc000003e, 39, "getpid", "kill_process" },
        /* auditd's log format. */
        { "type=SECCOMP msg=audit(1732000000.123:456): auid=1000 uid=1000 gid=1000 ses=3 "
          "subj=system_u:system_r:unconfined_t:s0 pid=991 comm=\"curl\" exe=\"/usr/bin/curl\" sig=31 "
          "arch=c000003e syscall=41 compat=0 ip=0x7f3a2b1c0d0e code=0x80000000",
          0, 991, "curl", "/usr/bin/curl", 31, 0xc000003e, 41, "socket", "kill_process" },
        /* 32-bit x86 (compat=1): 122 is uname there. */
        { "audit: type=1326 audit(1795348901.000:9): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12 "
          "comm=\"u32\" exe=\"/opt/u32\" sig=31 arch=40000003 syscall=122 compat=1 ip=0xf7f5c549 "
          "code=0x80000000",
          0, 12, "u32", "/opt/u32", 31, 0x40000003, 122, "uname", "kill_process" },
        /* aarch64: 160 is uname. */
        { "audit: type=1326 audit(1795348901.000:10): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13 "
          "comm=\"u\" exe=\"/usr/bin/uname\" sig=31 arch=c00000b7 syscall=160 compat=0 ip=0xffff8a1b2c3d "
          "code=0x80000000",
          0, 13, "u", "/usr/bin/uname", 31, 0xc00000b7, 160, "uname", "kill_process" },
        /* x32: x86-64 audit arch with the x32 bit in the number. */
        { "audit: type=1326 audit(1795348901.000:11): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=14 "
          "comm=\"x\" exe=\"/x\" sig=31 arch=c000003e syscall=1073741887 compat=0 ip=0x401000 "
          "code=0x80000000",
          0, 14, "x", "/x", 31, 0xc000003e, 1073741887, "uname", "kill_process" },
        /* Unknown arch: parsed, no name. exe unknown to the kernel, hex exe with a space. */
        { "audit: type=1326 audit(1.0:1): pid=15 comm=\"z\" exe=(null) sig=31 arch=12345678 syscall=1 "
          "compat=0 ip=0x0 code=0x80000000",
          0, 15, "z", "", 31, 0x12345678, 1, "", "kill_process" },
        { "audit: type=1326 audit(1.0:1): pid=16 comm=\"z\" exe=2F6F70742F6D7920617070 sig=31 "
          "arch=c000003e syscall=0 compat=0 ip=0x0 code=0x80000000",
          0, 16, "z", "/opt/my app", 31, 0xc000003e, 0, "read", "kill_process" },
        /* Old kernels had no code= field. */
        { "audit: type=1326 audit(1.0:1): auid=0 uid=0 gid=0 ses=1 pid=17 comm=\"old\" exe=\"/old\" "
          "sig=31 arch=c000003e syscall=63 compat=0 ip=0x1",
          0, 17, "old", "/old", 31, 0xc000003e, 63, "uname", NULL },
        /* hex comm with a control character: made safe for logs. */
        { "audit: type=1326 audit(1.0:1): pid=18 comm=610A62 exe=\"/b\" sig=31 arch=c000003e "
          "syscall=63 compat=0 ip=0x1 code=0x80000000",
          0, 18, "a?b", "/b", 31, 0xc000003e, 63, "uname", "kill_process" },

        /* Not seccomp records. */
        { "5,1,100,-;audit: type=1400 audit(1795348900.1:8): apparmor=\"DENIED\" operation=\"open\" "
          "profile=\"x\" name=\"/etc/shadow\" pid=5 comm=\"cat\"", -ENOMSG },
        { "6,177,271326,-;HugeTLB: registered 2.00 MiB page size, pre-allocated 0 pages", -ENOMSG },
        { "5,2,200,-;audit: type=1300 audit(1.0:2): arch=c000003e syscall=59 success=yes pid=1", -ENOMSG },
        { "audit: xtype=1326 audit(1.0:1): pid=1 arch=c000003e syscall=1 compat=0", -ENOMSG },
        { "", -ENOMSG },
        /* Written to /dev/kmsg from user space (facility 1, "user"): a forgery. */
        { "14,900,300,-;audit: type=1326 audit(1.0:1): pid=1 comm=\"init\" exe=\"/sbin/init\" sig=31 "
          "arch=c000003e syscall=59 compat=0 ip=0x0 code=0x80000000", -ENOMSG },

        /* Seccomp records, but broken. */
        { "audit: type=1326 audit(1795348900.903:2): auid=4294967295 uid=0 gid=0 ses=4294967295 "
          "pid=7845 comm=\"uname\" exe=\"/usr/local/bin/sc-demo\" sig=31 arch=c000003e syscall=6", -EBADMSG },
        { "audit: type=1326 audit(1795348900.903:2): auid=4294967295 uid=0 gid=0 ses=4294967295 "
          "pid=7845 comm=\"una", -EBADMSG },
        { "audit: type=1326 audit(1795348900.903:2): pid=", -EBADMSG },
        { "audit: type=1326 audit(1795348900.903:2", -EBADMSG },
        { "audit: type=1326 something else", -EBADMSG },
        { "audit: type=1326 audit(1.0:1): pid=7 comm=ABC exe=\"/x\" sig=31 arch=c000003e syscall=1 "
          "compat=0", -EBADMSG }, /* odd hex length */
        { "audit: type=1326 audit(1.0:1): pid=7 comm=\"a\" exe=\"/x\" sig=31 arch=zz syscall=1 compat=0",
          -EBADMSG },
        { "audit: type=1326 audit(1.0:1): pid=-7 comm=\"a\" arch=c000003e syscall=1 compat=0", -EBADMSG },
        { "audit: type=1326 audit(1.0:1): pid=7 comm=\"a\"x arch=c000003e syscall=1 compat=0", -EBADMSG },
        { "audit: type=1326 audit(1.0:1): pid=7 garbage arch=c000003e syscall=1 compat=0", -EBADMSG },
        { "audit: type=1326 audit(1.0:1): pid=7 comm=\"a\" arch=c000003e compat=0", -EBADMSG },
        { "audit: type=1326 audit(1.0:1): pid=7 syscall=99999999999 arch=c000003e compat=0", -EBADMSG },
};

static void test_samples(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(samples); i++) {
                const Sample *s = &samples[i];
                SeccompAudit a;
                int r;

                memset(&a, 0x55, sizeof a);
                r = kmsg_parse_seccomp(s->line, &a);
                if (r != s->r)
                        fail_msg("sample %zu: got %d, expected %d: %s", i, r, s->r, s->line);
                if (r < 0)
                        continue;
                assert_int_equal(a.pid, s->pid);
                assert_string_equal(a.comm, s->comm);
                assert_string_equal(a.exe, s->exe);
                assert_int_equal(a.sig, s->sig);
                assert_int_equal(a.arch, s->arch);
                assert_int_equal(a.syscall, s->syscall);
                assert_string_equal(a.syscall_name, s->name);
                if (s->action)
                        assert_string_equal(seccomp_audit_action_to_string(&a), s->action);
                else
                        assert_null(seccomp_audit_action_to_string(&a));
        }
}

/* Every truncation of a real record is either rejected or parsed with the real numbers,
 * never parsed into different ones. */
static void test_truncations(void **state) {
        static const char full[] = REAL_KILL;

        for (size_t len = 0; len < sizeof full; len++) {
                char buf[sizeof full];
                SeccompAudit a;
                int r;

                memcpy(buf, full, len);
                buf[len] = '\0';
                r = kmsg_parse_seccomp(buf, &a);
                assert_true(r == 0 || r == -ENOMSG || r == -EBADMSG);
                if (r < 0)
                        continue;
                assert_int_equal(a.pid, 7845);
                assert_int_equal(a.syscall, 63);
                assert_int_equal(a.arch, 0xc000003e);
        }
}

static void test_ret_untouched_on_error(void **state) {
        SeccompAudit a, b;

        memset(&a, 0x33, sizeof a);
        b = a;
        assert_int_equal(kmsg_parse_seccomp("audit: type=1326 audit(1.0:1): pid=", &a), -EBADMSG);
        assert_memory_equal(&a, &b, sizeof a);
        assert_int_equal(kmsg_parse_seccomp("hello", &a), -ENOMSG);
        assert_memory_equal(&a, &b, sizeof a);
}

/* uid and the optional fields. */
static void test_fields(void **state) {
        SeccompAudit a;

        assert_int_equal(kmsg_parse_seccomp("audit: type=1326 audit(1.0:1): auid=1000 uid=1001 gid=1001 "
                                            "pid=5 arch=c000003e syscall=2 compat=0",
                                            &a),
                         0);
        assert_int_equal(a.uid, 1001);
        assert_int_equal(a.sig, -1);
        assert_string_equal(a.comm, "");
        assert_string_equal(a.syscall_name, "open");
        assert_false(a.has_code);
}

/* The actions of the records a filter loaded with SECCOMP_FILTER_FLAG_LOG produces. The
 * kernel writes the action without its data (code=0x50000 whatever the errno); a code with
 * data is still an errno action. */
static void test_codes(void **state) {
        SeccompAudit a;

        assert_int_equal(kmsg_parse_seccomp("5,1,2,-;audit: type=1326 audit(1.0:1): pid=9 comm=\"x\" exe=\"/x\" "
                                            "sig=0 arch=c000003e syscall=63 compat=0 ip=0x1 code=0x50064",
                                            &a),
                         0);
        assert_string_equal(seccomp_audit_action_to_string(&a), "errno");
        assert_int_equal(a.code & 0xffff, 100); /* ENETDOWN */
        assert_int_equal(a.sig, 0);
        assert_int_equal(kmsg_parse_seccomp("5,1,2,-;audit: type=1326 audit(1.0:1): pid=9 comm=\"x\" exe=\"/x\" "
                                            "sig=0 arch=c000003e syscall=63 compat=0 ip=0x1 code=0x30000",
                                            &a),
                         0);
        assert_string_equal(seccomp_audit_action_to_string(&a), "trap");
        assert_int_equal(kmsg_parse_seccomp("5,1,2,-;audit: type=1326 audit(1.0:1): pid=9 comm=\"x\" exe=\"/x\" "
                                            "sig=0 arch=c000003e syscall=63 compat=0 ip=0x1 code=0x7ffc0000",
                                            &a),
                         0);
        assert_string_equal(seccomp_audit_action_to_string(&a), "log");
}

/* The serial number: the same record from the kernel log and from the multicast group. */
static void test_serial(void **state) {
        SeccompAudit a;

        assert_int_equal(kmsg_parse_seccomp(REAL_KILL, &a), 0);
        assert_int_equal(a.serial, 2);
        assert_int_equal(kmsg_parse_seccomp("audit: type=1326 audit(1795348900.903:4294967301): pid=5 "
                                            "arch=c000003e syscall=2 compat=0",
                                            &a),
                         0);
        assert_int_equal(a.serial, 4294967301ULL);
        /* Without a readable serial the record still counts, with serial 0. */
        assert_int_equal(kmsg_parse_seccomp("audit: type=1326 audit(1795348900.903): pid=5 arch=c000003e "
                                            "syscall=2 compat=0",
                                            &a),
                         0);
        assert_int_equal(a.serial, 0);
}

/* A multicast record: the payload is the text after "type=1326 ", without a newline, with
 * or without its NUL. */
static void test_multicast_payload(void **state) {
        static const char text[] = "audit(1796647321.028:4968): auid=4294967295 uid=0 gid=0 ses=4294967295 "
                                   "pid=19321 comm=\"logit\" exe=\"/tmp/logit\" sig=0 arch=c000003e syscall=110 "
                                   "compat=0 ip=0x7f733d1ad4f7 code=0x7ffc0000";
        SeccompAudit a;

        assert_int_equal(audit_log_parse(1326, text, strlen(text), &a), 0);
        assert_int_equal(a.pid, 19321);
        assert_int_equal(a.serial, 4968);
        assert_string_equal(a.syscall_name, "getppid");
        assert_string_equal(a.comm, "logit");
        assert_string_equal(seccomp_audit_action_to_string(&a), "log");
        assert_int_equal(audit_log_parse(1326, text, sizeof text, &a), 0); /* with the NUL */
        /* Other record types, cut records, embedded newlines, empty payloads. */
        assert_int_equal(audit_log_parse(1300, text, strlen(text), &a), -ENOMSG);
        assert_int_equal(audit_log_parse(1326, text, 40, &a), -EBADMSG);
        assert_int_equal(audit_log_parse(1326, "", 0, &a), -EBADMSG);
        assert_int_equal(audit_log_parse(1326, "audit(1.0:1): pid=5\narch=c000003e syscall=2 compat=0", 52, &a),
                         -EBADMSG);
        assert_int_equal(audit_log_parse(1326, "no record at all", 16, &a), -EBADMSG);
}

/* Dedup: a serial counts once while it is in the window; 0 always counts. */
static void test_serial_window(void **state) {
        static AuditSerialWindow w;

        assert_true(audit_serial_window_add(&w, 7));
        assert_false(audit_serial_window_add(&w, 7));
        assert_true(audit_serial_window_add(&w, 8));
        assert_true(audit_serial_window_add(&w, 0));
        assert_true(audit_serial_window_add(&w, 0));
        /* Thousands of later serials between two copies of one record. */
        for (uint64_t s = 9; s < 9 + AUDIT_SERIAL_WINDOW - 2; s++)
                assert_true(audit_serial_window_add(&w, s));
        assert_false(audit_serial_window_add(&w, 8));
        /* One that left the window long ago counts again (not offered twice in practice). */
        assert_true(audit_serial_window_add(&w, 8 + AUDIT_SERIAL_WINDOW));
        assert_true(audit_serial_window_add(&w, 8));
}

typedef struct LossSample {
        const char *line;
        int r;
        uint64_t suppressed;
        bool has_audit_lost;
        uint64_t audit_lost;
} LossSample;

static void test_losses(void **state) {
        static const LossSample losses[] = {
                /* printk's rate limit, naming the audit caller that found it lifted. */
                { "4,900,123456,-;audit_printk_skb: 12 callbacks suppressed\n", 0, 12, false, 0 },
                { "[  397.030000] audit_log_lost: 3 callbacks suppressed", 0, 3, false, 0 },
                { "audit_printk_skb: 1 callbacks suppressed", 0, 1, false, 0 },
                /* The audit subsystem's own count, cumulative since boot. */
                { "4,901,123457,-;audit: audit_lost=57 audit_rate_limit=0 audit_backlog_limit=64", 0, 0, true, 57 },
                { "audit: audit_lost=0 audit_rate_limit=0 audit_backlog_limit=64", 0, 0, true, 0 },
                /* Not audit's: another caller of a rate limit, other audit lines. */
                { "4,902,1,-;net_ratelimit: 5 callbacks suppressed", -ENOMSG, 0, false, 0 },
                { "4,903,1,-;audit: printk limit exceeded", -ENOMSG, 0, false, 0 },
                { "5,341,397039944,-;audit: type=1326 audit(1.0:2): pid=1 arch=c000003e syscall=63 compat=0", -ENOMSG, 0, false, 0 },
                /* Malformed numbers and trailing words. */
                { "audit_printk_skb: x callbacks suppressed", -ENOMSG, 0, false, 0 },
                { "audit_printk_skb: 12 callbacks suppressed now", -ENOMSG, 0, false, 0 },
                { "audit_printk_skb: 99999999999999999999999 callbacks suppressed", -ENOMSG, 0, false, 0 },
                { "audit: audit_lost= audit_rate_limit=0", -ENOMSG, 0, false, 0 },
                { "audit: audit_lost=5x", -ENOMSG, 0, false, 0 },
                { "audit-printk: 3 callbacks suppressed", -ENOMSG, 0, false, 0 },
                /* Written from user space (facility 1): forged, ignored. */
                { "12,904,1,-;audit_printk_skb: 1000 callbacks suppressed", -ENOMSG, 0, false, 0 },
                { "12,905,1,-;audit: audit_lost=1000 audit_rate_limit=0 audit_backlog_limit=64", -ENOMSG, 0, false, 0 },
                { "", -ENOMSG, 0, false, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(losses); i++) {
                KmsgLoss l = { .suppressed = 4242 };
                int r = kmsg_parse_loss(losses[i].line, &l);
                if (r != losses[i].r)
                        fail_msg("%s: got %d, want %d", losses[i].line, r, losses[i].r);
                if (r < 0) {
                        assert_int_equal(l.suppressed, 4242); /* untouched */
                        continue;
                }
                assert_int_equal(l.suppressed, losses[i].suppressed);
                assert_int_equal(l.has_audit_lost, losses[i].has_audit_lost);
                assert_int_equal(l.audit_lost, losses[i].audit_lost);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_codes),
                cmocka_unit_test(test_losses),
                cmocka_unit_test(test_samples),
                cmocka_unit_test(test_truncations),
                cmocka_unit_test(test_ret_untouched_on_error),
                cmocka_unit_test(test_fields),
                cmocka_unit_test(test_serial),
                cmocka_unit_test(test_multicast_payload),
                cmocka_unit_test(test_serial_window),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
