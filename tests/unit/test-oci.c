/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCI seccomp profiles: import (profile -> drop-in text and notes), export (policy -> profile),
 * the masked-equality algebra the export uses, and the round trip unit -> JSON -> unit, checked
 * on the compiled programs with the BPF evaluator for every syscall number of every enabled ABI
 * and the argument values the rules test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <unistd.h>

#include "argfilter.h"
#include "oci-profile-cond.h"
#include "oci-profile-export.h"
#include "oci-profile-import.h"
#include "policy-test-util.h"
#include "strv.h"

/* ---- helpers ---- */

static char *import_ok(const char *json, char **caps, OciNotes *notes) {
        OciImportOptions o = { .caps = caps };
        char *dropin = NULL, *error = NULL;
        int r = oci_import(json, strlen(json), &o, &dropin, notes, &error);

        if (r < 0)
                fail_msg("import failed: %d %s\n%s", r, error ? error : "", json);
        free(error);
        return dropin;
}

static void import_fails(const char *json, const char *message) {
        OciImportOptions o = {};
        OciNotes notes = {};
        char *dropin = NULL, *error = NULL;
        int r = oci_import(json, strlen(json), &o, &dropin, &notes, &error);

        assert_int_equal(r, -EINVAL);
        assert_null(dropin);
        assert_non_null(error);
        if (!strstr(error, message))
                fail_msg("error '%s' does not contain '%s'", error, message);
        free(error);
        oci_notes_done(&notes);
}

static bool has_note(const OciNotes *n, const char *part) {
        STRV_FOREACH(l, n->lines)
                if (strstr(*l, part))
                        return true;
        return false;
}

static void assert_contains(const char *text, const char *part) {
        if (!strstr(text, part))
                fail_msg("'%s' not in:\n%s", part, text);
}

static void assert_lacks(const char *text, const char *part) {
        if (strstr(text, part))
                fail_msg("'%s' unexpectedly in:\n%s", part, text);
}

static char *read_source_file(const char *rel) {
        const char *dir = getenv("SYSCAGE_TEST_SOURCE_DIR");
        _cleanup_free_ char *path = NULL;
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        assert_non_null(dir);
        assert_true(asprintf(&path, "%s/%s", dir, rel) > 0);
        f = fopen(path, "re");
        assert_non_null(f);
        buf = calloc(1, OCI_PROFILE_SIZE_MAX + 1);
        assert_non_null(buf);
        size = fread(buf, 1, OCI_PROFILE_SIZE_MAX, f);
        fclose(f);
        buf[size] = '\0';
        return buf;
}

/* Builds the policy of a drop-in's text, [X-Syscage] argument filters included. */
static Policy *policy_from_dropin(const char *text) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        Policy *p = NULL;
        DiagList diags = {};

        if (unit_file_load_string("rt.service", "rt.service", text, &diags, &u) < 0 ||
            policy_build(u, &diags, &p) < 0) {
                for (size_t i = 0; i < diags.n; i++)
                        diag_print(&diags.items[i], stderr);
                fail_msg("drop-in does not build:\n%s", text);
        }
        diag_list_done(&diags);
        return p;
}

/* ---- import ---- */

static void test_import_engine_profile(void **state) {
        _cleanup_free_ char *json = read_source_file("fuzz/fuzz-oci-import/engine-default.json");
        _cleanup_free_ char *plain = NULL, *admin = NULL;
        char *caps[] = { (char *) "CAP_SYS_ADMIN", NULL };
        OciNotes n1 = {}, n2 = {};

        plain = import_ok(json, NULL, &n1);
        assert_contains(plain, "[Service]\n");
        assert_contains(plain, "SystemCallErrorNumber=EPERM\n");
        assert_contains(plain, "SystemCallArgumentFilter=clone: (arg0 & 0x7e020000) == 0\n");
        assert_contains(plain, "SystemCallArgumentFilter=personality: arg0 == 0 || arg0 == 8 || "
                               "arg0 == 0xffffffff\n");
        assert_contains(plain, "SystemCallArgumentFilter=socket: arg0 != 40\n");
        /* clone3's ENOSYS (so that libc falls back to clone) would be said with a test of its
         * size argument, which is 64 bits wide: not with x32 enabled (archMap). */
        assert_contains(plain, "SystemCallArchitectures=x86-64 x86 x32\n");
        assert_lacks(plain, "clone3:ENOSYS");
        assert_true(has_note(&n1, "clone3: its own action (errno ENOSYS)"));
        assert_lacks(plain, " unshare");
        assert_lacks(plain, " mount");
        assert_lacks(plain, " reboot");
        assert_true(has_note(&n1, "minKernel 4.8"));

        admin = import_ok(json, caps, &n2);
        assert_contains(admin, " unshare");
        assert_contains(admin, " mount");
        assert_lacks(admin, "SystemCallArgumentFilter=clone:");
        assert_lacks(admin, "clone3:ENOSYS");
        oci_notes_done(&n1);
        oci_notes_done(&n2);
}

static void test_import_own_errno(void **state) {
        const char *json =
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
                "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}";
        _cleanup_free_ char *d = NULL;
        OciNotes n = {};

        d = import_ok(json, NULL, &n);
        assert_contains(d, "SystemCallFilter=clone3 read write\n");
        assert_contains(d, "SystemCallArgumentFilter=clone3:ENOSYS: arg1 == 0\n");
        assert_contains(d, "SystemCallArgumentFilter=clone3:ENOSYS: arg1 != 0\n");
        assert_int_equal(n.n, 0);
        oci_notes_done(&n);
}

static void test_import_runc_args(void **state) {
        /* Same index twice: runc adds every condition as a rule of its own (ORed). */
        const char *ored =
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"write\"],"
                "\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},"
                "{\"index\":2,\"value\":100,\"op\":\"SCMP_CMP_LE\"}]}]}";
        /* Different indexes: ANDed. Two entries for one syscall: ORed. */
        const char *anded =
                "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":["
                "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                "{\"index\":2,\"value\":100,\"op\":\"SCMP_CMP_LT\"}]},"
                "{\"name\":\"write\",\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                "{\"index\":0,\"value\":2,\"valueTwo\":0,\"op\":\"SCMP_CMP_GE\"},"
                "{\"index\":2,\"value\":3,\"valueTwo\":1,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_NE\"},"
                "{\"index\":2,\"value\":7,\"op\":\"SCMP_CMP_GT\"}]},"
                "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
        /* The same in an allow list: its negation is too complex for the unit's normal form,
         * so the syscall is left out (fail closed), and that is noted. */
        const char *complex =
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"write\"],"
                "\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},"
                "{\"index\":2,\"value\":100,\"op\":\"SCMP_CMP_LE\"}]},"
                "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
        OciNotes n = {}, nc = {};

        c = import_ok(complex, NULL, &nc);
        assert_contains(c, "SystemCallFilter=read\n");
        assert_true(has_note(&nc, "write: the argument checks"));
        oci_notes_done(&nc);
        a = import_ok(ored, NULL, &n);
        assert_contains(a, "SystemCallArgumentFilter=write:EPERM: !(arg0 == 1 || arg0 == 2 || arg2 <= 100)\n");
        b = import_ok(anded, NULL, &n);
        assert_lacks(b, "SystemCallErrorNumber=");
        assert_contains(b, "SystemCallArgumentFilter=write: (arg0 == 1 && arg2 < 100) || "
                           "(arg0 >= 2 && (arg2 & 3) == 1)\n");
        /* The unconditional entry wins. */
        assert_contains(b, "SystemCallFilter=read write\n");
        assert_lacks(b, "SystemCallArgumentFilter=read");
        assert_true(has_note(&n, "read: an unconditional allow entry decides every call") ||
                    n.n == 0);
        oci_notes_done(&n);
}

static void test_import_deny_list(void **state) {
        const char *json =
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[],\"syscalls\":["
                "{\"names\":[\"uname\",\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":100},"
                "{\"names\":[\"reboot\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
                "{\"names\":[\"sethostname\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"args\":["
                "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_NE\"}]},"
                "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_KILL\",\"args\":["
                "{\"index\":0,\"value\":16,\"op\":\"SCMP_CMP_EQ\"}]},"
                "{\"names\":[\"sync\"],\"action\":\"SCMP_ACT_LOG\"}]}";
        _cleanup_free_ char *d = NULL;
        OciNotes n = {};

        d = import_ok(json, NULL, &n);
        assert_contains(d, "SystemCallFilter=~mount:ENETDOWN reboot sethostname:EPERM uname:ENETDOWN\n");
        assert_contains(d, "SystemCallLog=sync\n");
        assert_contains(d, "SystemCallArgumentFilter=personality:EPERM: !(arg0 != 8)\n");
        assert_contains(d, "SystemCallArgumentFilter=socket:kill: !(arg0 == 16)\n");
        assert_lacks(d, "getpid");
        assert_true(has_note(&n, "SCMP_ACT_KILL kills only the calling thread"));
        oci_notes_done(&n);
}

static void test_import_not_carried(void **state) {
        const char *json =
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
                "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
                "\"SECCOMP_FILTER_FLAG_LOG\"],"
                "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"x\","
                "\"syscalls\":[{\"names\":[\"read\",\"write\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_TRACE\"},"
                "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_TRAP\"},"
                "{\"names\":[\"openat\"],\"action\":\"SCMP_ACT_NOTIFY\"},"
                "{\"names\":[\"close\"],\"action\":\"SCMP_ACT_KILL_THREAD\"}]}";
        _cleanup_free_ char *d = NULL;
        OciNotes n = {};

        d = import_ok(json, NULL, &n);
        /* TRACE and NOTIFY become ENOSYS, the default here. */
        assert_contains(d, "SystemCallFilter=close kill read write\n");
        assert_contains(d, "SystemCallErrorNumber=ENOSYS\n");
        assert_true(has_note(&n, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
        assert_true(has_note(&n, "SECCOMP_FILTER_FLAG_LOG"));
        assert_false(has_note(&n, "TSYNC"));
        assert_true(has_note(&n, "listenerPath"));
        assert_true(has_note(&n, "listenerMetadata"));
        assert_true(has_note(&n, "no_such_call"));
        assert_true(has_note(&n, "SCMP_ACT_TRACE"));
        assert_true(has_note(&n, "SCMP_ACT_TRAP"));
        assert_true(has_note(&n, "SCMP_ACT_NOTIFY"));
        /* TRAP and KILL_THREAD: kill, said with two complementary tests in an allow list. */
        assert_contains(d, "SystemCallArgumentFilter=kill:kill: arg0 == 0\n");
        assert_contains(d, "SystemCallArgumentFilter=close:kill: arg0 != 0\n");
        oci_notes_done(&n);
}

static void test_import_errors(void **state) {
        import_fails("", "not JSON");
        import_fails("{", "not JSON");
        import_fails("[]", "expected a JSON object");
        import_fails("{} {}", "not JSON");
        import_fails("{\"syscalls\":[]}", "defaultAction: missing");
        import_fails("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "unknown action 'SCMP_ACT_NOPE'");
        import_fails("{\"defaultAction\":1}", "defaultAction: expected a string");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", "negative");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":5000}", "not an error number");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
                     "unknown architecture 'SCMP_ARCH_VAX'");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":{}}", "syscalls: expected an array");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"]}]}",
                     "syscalls[0].action: missing");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                     "not an argument index");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_XX\"}]}]}",
                     "unknown operator");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                     "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                     "expected an integer");
        import_fails("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[1],"
                     "\"action\":\"SCMP_ACT_ALLOW\"}]}", "names[0]: expected a string");
}

/* ---- the algebra ---- */

static uint64_t next_rand(uint64_t *s) {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        return *s;
}

static bool cond_holds(const PolicyCond *c, const uint64_t args[6]) {
        uint64_t x = args[c->arg];
        switch (c->op) {
        case POLICY_CMP_NE: return x != c->a;
        case POLICY_CMP_LT: return x < c->a;
        case POLICY_CMP_LE: return x <= c->a;
        case POLICY_CMP_EQ: return x == c->a;
        case POLICY_CMP_GE: return x >= c->a;
        case POLICY_CMP_GT: return x > c->a;
        default: return (x & c->a) == c->b;
        }
}

static void test_dnf_random(void **state) {
        uint64_t seed = 0x9e3779b97f4a7c15;
        unsigned checked = 0;

        for (unsigned round = 0; round < 60; round++) {
                PolicyCond rules[2][2];
                OciDnf any = {}, not_any = {};
                uint64_t pool[8];

                for (unsigned i = 0; i < ELEMENTSOF(pool); i++)
                        pool[i] = next_rand(&seed) % 8 == 0 ? next_rand(&seed) : next_rand(&seed) % 64;
                for (unsigned r = 0; r < 2; r++)
                        for (unsigned k = 0; k < 2; k++)
                                rules[r][k] = (PolicyCond) {
                                        .arg = (unsigned) (next_rand(&seed) % 3),
                                        .op = (PolicyCmp) (next_rand(&seed) % _POLICY_CMP_MAX),
                                        .a = pool[next_rand(&seed) % 8], .b = pool[next_rand(&seed) % 8] & 7,
                                };
                int r = 0;
                for (unsigned k = 0; k < 2 && r >= 0; k++) {
                        OciDnf d = {};
                        r = oci_dnf_from_conds(rules[k], 2, &d);
                        if (r >= 0)
                                r = oci_dnf_or(&any, &d);
                        oci_dnf_done(&d);
                }
                if (r >= 0)
                        r = oci_dnf_not(&any, &not_any);
                if (r == -E2BIG) { /* "too complex" is an answer too, when it says so */
                        oci_dnf_done(&any);
                        oci_dnf_done(&not_any);
                        continue;
                }
                assert_int_equal(r, 0);
                for (unsigned t = 0; t < 200; t++) {
                        uint64_t args[6] = {};
                        bool expect = false;
                        for (unsigned k = 0; k < 3; k++) {
                                uint64_t v = pool[next_rand(&seed) % 8];
                                args[k] = v + (next_rand(&seed) % 3) - 1;
                        }
                        for (unsigned q = 0; q < 2; q++)
                                expect = expect || (cond_holds(&rules[q][0], args) && cond_holds(&rules[q][1], args));
                        assert_int_equal(oci_dnf_matches(&any, args), expect);
                        assert_int_equal(oci_dnf_matches(&not_any, args), !expect);
                }
                oci_dnf_done(&any);
                oci_dnf_done(&not_any);
                checked++;
        }
        print_message("%u of 60 random rule sets checked, the rest too complex\n", checked);
        assert_true(checked >= 20);
}

/* ---- export and the round trip ---- */

/* Argument values worth trying for P's conditional rules: each tested value, its neighbours,
 * each mask, 0 and all ones. */
static size_t interesting_values(const Policy *p, uint64_t *v, size_t max) {
        size_t n = 0;
#define ADD(x) do { if (n < max) v[n++] = (x); } while (0)
        ADD(0);
        ADD(UINT64_MAX);
        ADD(0xffffffff);
        for (size_t i = 0; i < p->n_rules; i++)
                for (unsigned k = 0; k < p->rules[i].n_conds; k++) {
                        const PolicyCond *c = &p->rules[i].conds[k];
                        ADD(c->a);
                        ADD(c->a + 1);
                        ADD(c->a - 1);
                        ADD(c->b);
                        ADD(c->b | ~c->a);
                        ADD(c->b ^ 1);
                }
#undef ADD
        return n;
}

/* Compares the decisions of P1 and P2 on every syscall number of every ABI of P1. */
static void assert_same_decisions(const Policy *p1, const Policy *p2) {
        _cleanup_(filter_set_freep) FilterSet *s1 = NULL, *s2 = NULL;
        uint64_t values[512];
        size_t nv = interesting_values(p1, values, 256);
        bool gate = policy_denies_exec(p1) || policy_denies_exec(p2);

        nv += interesting_values(p2, values + nv, 256);
        assert_int_equal(filter_compile(p1, &s1), 0);
        assert_int_equal(filter_compile(p2, &s2), 0);
        for (size_t ai = 0; ai < p1->n_arches; ai++) {
                uint32_t arch = p1->arches[ai];
                for (int nr = 0; nr < 1024; nr++) {
                        _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, nr);
                        struct seccomp_data d = { .arch = arch_to_audit(arch), .nr = nr };
                        bool conds;

                        if (arch == SCMP_ARCH_X32)
                                d.nr = nr | 0x40000000;
                        if (!name)
                                continue;
                        if (gate && (streq(name, "execve") || streq(name, "execveat")))
                                continue; /* the exec gate is not carried (noted) */
                        conds = policy_has_conditions(p1, name) || policy_has_conditions(p2, name);
                        for (size_t vi = 0; vi < (conds ? nv : 1); vi++)
                                for (unsigned k = 0; k < (conds ? 6u : 1u); k++) {
                                        uint32_t r1, r2;
                                        char b1[32], b2[32];
                                        memset(d.args, 0, sizeof d.args);
                                        d.args[k] = values[vi];
                                        assert_int_equal(bpf_eval_stack(s1->progs, s1->n, &d, &r1), 0);
                                        assert_int_equal(bpf_eval_stack(s2->progs, s2->n, &d, &r2), 0);
                                        if (r1 != r2)
                                                fail_msg("%s (arch 0x%x) arg%u=0x%llx: %s before, %s after",
                                                         name, arch, k, (unsigned long long) values[vi],
                                                         bpf_ret_to_string(r1, b1, sizeof b1),
                                                         bpf_ret_to_string(r2, b2, sizeof b2));
                                }
                }
        }
}

/* unit lines (+ argument filter lines) -> policy -> JSON -> drop-in -> policy. */
static void round_trip(const char *const *lines, const char *const *argf, size_t max_notes) {
        _cleanup_(policy_freep) Policy *p1 = NULL, *p2 = NULL;
        _cleanup_free_ char *json = NULL, *dropin = NULL, *error = NULL, *unit = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        OciImportOptions o = {};
        OciNotes en = {}, in = {};
        size_t size = 0;

        f = open_memstream(&unit, &size);
        assert_non_null(f);
        fputs("[Service]\n", f);
        for (size_t i = 0; lines[i]; i++)
                fprintf(f, "%s\n", lines[i]);
        fputs("[X-Syscage]\n", f);
        for (size_t i = 0; argf && argf[i]; i++)
                fprintf(f, "SystemCallArgumentFilter=%s\n", argf[i]);
        assert_int_equal(fclose(TAKE_PTR(f)), 0);
        p1 = policy_from_dropin(unit);

        assert_int_equal(oci_export(p1, &json, &en), 0);
        /* The exec gate is not carried; execve and execveat are left out of the comparison. */
        if (en.n - has_note(&en, "exec gate") > max_notes)
                fail_msg("unexpected export notes, first: %s", en.lines[0]);
        o.arches = p1->arches;
        o.n_arches = p1->n_arches;
        if (oci_import(json, strlen(json), &o, &dropin, &in, &error) < 0)
                fail_msg("re-import failed: %s\n%s", error, json);
        if (in.n > 0)
                fail_msg("unexpected import notes, first: %s\n%s", in.lines[0], json);
        p2 = policy_from_dropin(dropin);
        assert_same_decisions(p1, p2);
        assert_same_decisions(p2, p1);
        oci_notes_done(&en);
        oci_notes_done(&in);
}

static void test_round_trip_deny_lists(void **state) {
        const char *uname[] = { "SystemCallFilter=~uname", "SystemCallErrorNumber=ENETDOWN", NULL };
        const char *mixed[] = { "SystemCallFilter=~mount:EPERM reboot @obsolete", "SystemCallFilter=~sync:0",
                                "SystemCallLog=getpid", NULL };
        const char *cond[] = { "SystemCallFilter=~@swap", "RestrictNamespaces=yes", "LockPersonality=yes",
                               "RestrictAddressFamilies=AF_UNIX AF_INET", "RestrictRealtime=yes",
                               "RestrictSUIDSGID=yes", "ProtectClock=yes", "ProtectHostname=yes", NULL };
        const char *deny_families[] = { "RestrictAddressFamilies=~AF_PACKET AF_NETLINK",
                                        "RestrictNamespaces=~net", "SystemCallArchitectures=native x86", NULL };
        const char *errnos[] = { "SystemCallFilter=~uname:EPERM getpid:ENOENT getppid:ESRCH "
                                 "getuid:EINTR getgid:EIO geteuid:ENXIO getegid:E2BIG "
                                 "gettid:ENOEXEC getpgrp:EBADF setsid:ECHILD sync:EAGAIN "
                                 "umask:ENOMEM times:EACCES getpriority:EFAULT "
                                 "sched_yield:ENOTBLK pause:EBUSY alarm:EEXIST vhangup:EXDEV "
                                 "acct:ENODEV sethostname:ENOTDIR", NULL };
        const char *argf_deny[] = { "SystemCallFilter=~uname", NULL };
        const char *argf[] = { "write: fd == 1 || fd == 2", "personality:EPERM: persona in {0, 8}",
                               "kill:kill: sig != 9", NULL };

        round_trip(uname, NULL, 0);
        round_trip(errnos, NULL, 0); /* more distinct actions than any fixed table */
        round_trip(mixed, NULL, 0);
        round_trip(cond, NULL, 0);
        round_trip(deny_families, NULL, 1); /* the ABI-specific rules */
        round_trip(argf_deny, argf, 0);
}

static void test_round_trip_allow_lists(void **state) {
        /* With the deny action equal to the allow list's default (ENOSYS), argument checks keep
         * their errno through libseccomp's single decision per syscall. */
        const char *basic[] = { "SystemCallFilter=@system-service", "SystemCallErrorNumber=ENOSYS", NULL };
        const char *kill[] = { "SystemCallFilter=@basic-io @signal @process", NULL };
        const char *argf_allow[] = { "SystemCallFilter=@basic-io @signal @process @file-system",
                                     "SystemCallFilter=~kill", "SystemCallErrorNumber=ENOSYS", NULL };
        const char *argf[] = { "write: fd == 1 || fd == 2", "openat: (flags & O_ACCMODE) == O_RDONLY",
                               "openat: (flags & O_CREAT) == 0", "clone: (flags & CLONE_NEWNS | CLONE_NEWNET) == 0",
                               "lseek: whence < 3 && offset >= 0", NULL };

        round_trip(basic, NULL, 0);
        round_trip(kill, NULL, 0);
        round_trip(argf_allow, argf, 0);
}

static void test_export_shape(void **state) {
        const char *lines[] = { "SystemCallFilter=@basic-io @network-io", "SystemCallErrorNumber=EPERM",
                                "RestrictAddressFamilies=AF_UNIX", NULL };
        const char *deny[] = { "SystemCallFilter=~uname", "SystemCallErrorNumber=ENETDOWN", NULL };
        _cleanup_(policy_freep) Policy *p = NULL, *q = NULL;
        _cleanup_free_ char *json = NULL, *json2 = NULL;
        json_object *root, *v;
        OciNotes n = {}, n2 = {};
        DiagList diags = {};

        assert_int_equal(test_build(lines, &diags, &p), 0);
        assert_int_equal(oci_export(p, &json, &n), 0);
        root = json_tokener_parse(json);
        assert_non_null(root);
        assert_true(json_object_object_get_ex(root, "defaultAction", &v));
        assert_string_equal(json_object_get_string(v), "SCMP_ACT_ERRNO");
        assert_true(json_object_object_get_ex(root, "defaultErrnoRet", &v));
        assert_int_equal(json_object_get_int(v), ENOSYS);
        assert_true(json_object_object_get_ex(root, "architectures", &v));
        assert_int_equal(json_object_array_length(v), 1);
        json_object_put(root);
        /* execve is not in @basic-io: the gate, not carried; socket's EAFNOSUPPORT neither. */
        assert_true(has_note(&n, "exec gate"));
        assert_true(has_note(&n, "socket"));

        assert_int_equal(test_build(deny, &diags, &q), 0);
        assert_int_equal(oci_export(q, &json2, &n2), 0);
        assert_int_equal(n2.n, 0);
        assert_contains(json2, "\"defaultAction\": \"SCMP_ACT_ALLOW\"");
        assert_contains(json2, "\"uname\"");
        assert_contains(json2, "\"errnoRet\": 100");
        diag_list_done(&diags);
        oci_notes_done(&n);
        oci_notes_done(&n2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_import_engine_profile),
                cmocka_unit_test(test_import_own_errno),
                cmocka_unit_test(test_import_runc_args),
                cmocka_unit_test(test_import_deny_list),
                cmocka_unit_test(test_import_not_carried),
                cmocka_unit_test(test_import_errors),
                cmocka_unit_test(test_dnf_random),
                cmocka_unit_test(test_export_shape),
                cmocka_unit_test(test_round_trip_deny_lists),
                cmocka_unit_test(test_round_trip_allow_lists),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
