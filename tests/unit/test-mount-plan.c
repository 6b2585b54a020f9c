/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mount planner as tables: sandbox fields in, the op list out (as mount_op_format()
 * lines), including what happens when a deeper directive conflicts with a higher one.
 * MOUNT_PLAN_DUMP=1 prints every plan, to write a new table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <sched.h>

#include "mount-plan.h"

#define INACC "/run/syscage/inaccessible"

static const MountPlanContext base_ctx = {
        .private_tmp = "/var/tmp/u-tmp",
        .private_var_tmp = "/var/tmp/u-var-tmp",
        .inaccessible_file = INACC,
};

/* A sandbox with every field at its default, without the parser (lib/unit-sandbox.c). */
static void sandbox_init(UnitSandbox *s) {
        memset(s, 0, sizeof(*s));
        s->protect_supervisor = -1;
}

static SandboxPathList paths(SandboxPath *items, size_t n) {
        return (SandboxPathList) { .items = items, .n = n };
}

static void expect_plan(const MountPlan *p, const char *const *expected) {
        char line[512];
        size_t n = 0;
        bool dump = getenv("MOUNT_PLAN_DUMP");

        while (expected[n])
                n++;
        for (size_t i = 0; dump && i < p->n_ops; i++)
                fprintf(stderr, "                \"%s\",\n", mount_op_format(&p->ops[i], line, sizeof(line)));
        if (dump) {
                fprintf(stderr, "----\n");
                return;
        }
        for (size_t i = 0; i < MIN(n, p->n_ops); i++)
                assert_string_equal(mount_op_format(&p->ops[i], line, sizeof(line)), expected[i]);
        assert_int_equal(p->n_ops, n);
}

static MountPlan *build_ok(const UnitSandbox *s, const MountPlanContext *ctx) {
        MountPlan *p = NULL;
        DiagList d = {};

        assert_int_equal(mount_plan_build(s, ctx, &d, &p), 0);
        assert_int_equal(d.n, 0);
        assert_non_null(p);
        diag_list_done(&d);
        return p;
}

static void check(const UnitSandbox *s, const MountPlanContext *ctx, const char *const *expected) {
        MountPlan *p = build_ok(s, ctx);
        expect_plan(p, expected);
        size_t clones = 0;
        for (size_t i = 0; i < p->n_ops; i++) {
                clones += !!(p->ops[i].flags & MOUNT_OP_CLONE_SOURCE);
                /* Every string lies in the plan's own block. */
                assert_true(p->ops[i].target >= p->strings && p->ops[i].target < p->strings + p->strings_size);
        }
        assert_int_equal(p->n_clones, clones);
        assert_int_equal(!!(p->unshare_flags & CLONE_NEWNS), p->n_ops > 0);
        mount_plan_free(p);
}

static void test_empty(void **state) {
        UnitSandbox s;
        MountPlan *p;

        sandbox_init(&s);
        p = build_ok(&s, NULL);
        assert_int_equal(p->n_ops, 0);
        assert_int_equal(p->unshare_flags, 0);
        assert_false(p->loopback_up);
        assert_null(p->root);
        mount_plan_free(p);
}

#define WANT(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define NOTHING ((const char *const[]) { NULL })

static void test_protect_system(void **state) {
        UnitSandbox s;

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_YES;
        check(&s, &base_ctx, WANT(
                "ATTR /boot +ro rec ignore-missing",
                "ATTR /efi +ro rec ignore-missing",
                "ATTR /usr +ro rec"));
        s.protect_system = PROTECT_SYSTEM_FULL;
        check(&s, &base_ctx, WANT(
                "ATTR /boot +ro rec ignore-missing",
                "ATTR /efi +ro rec ignore-missing",
                "ATTR /etc +ro rec",
                "ATTR /usr +ro rec"));
        s.protect_system = PROTECT_SYSTEM_STRICT;
        check(&s, &base_ctx, WANT(
                "ATTR / +ro rec",
                "BIND /dev -> /dev clone rec restore",
                "BIND /home -> /home clone rec restore ignore-missing",
                "BIND /proc -> /proc clone rec restore",
                "BIND /root -> /root clone rec restore ignore-missing",
                "BIND /run/user -> /run/user clone rec restore ignore-missing",
                "BIND /sys -> /sys clone rec restore"));
}

/* ReadWritePaths=/var/lib/x under ProtectSystem=strict ends writable: its restore comes after
 * "/" was made read-only. The daemon's writable paths are the same. */
static void test_strict_read_write(void **state) {
        UnitSandbox s;
        SandboxPath rw[] = { { .path = (char *) "/var/lib/x" }, { .path = (char *) "/srv/maybe", .ignore_missing = true } };
        const char *const writable[] = { "/var/lib/unit-state", NULL };
        MountPlanContext ctx = base_ctx;

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.read_write_paths = paths(rw, ELEMENTSOF(rw));
        ctx.writable = writable;
        check(&s, &ctx, WANT(
                "ATTR / +ro rec",
                "BIND /dev -> /dev clone rec restore",
                "BIND /home -> /home clone rec restore ignore-missing",
                "BIND /proc -> /proc clone rec restore",
                "BIND /root -> /root clone rec restore ignore-missing",
                "BIND /run/user -> /run/user clone rec restore ignore-missing",
                "BIND /srv/maybe -> /srv/maybe clone rec restore ignore-missing",
                "BIND /sys -> /sys clone rec restore",
                "BIND /var/lib/unit-state -> /var/lib/unit-state clone rec restore",
                "BIND /var/lib/x -> /var/lib/x clone rec restore"));

        /* Without anything read-only above them, restores are no-ops and dropped. */
        s.protect_system = PROTECT_SYSTEM_NO;
        check(&s, &ctx, NOTHING);
}

/* InaccessiblePaths=/etc under ProtectSystem=full ends hidden: INACCESSIBLE wins at its path
 * and below. */
static void test_full_inaccessible_etc(void **state) {
        UnitSandbox s;
        SandboxPath hide[] = { { .path = (char *) "/etc" } };
        SandboxPath ro[] = { { .path = (char *) "/etc/ssl" } };

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_FULL;
        s.inaccessible_paths = paths(hide, ELEMENTSOF(hide));
        s.read_only_paths = paths(ro, ELEMENTSOF(ro));
        check(&s, &base_ctx, WANT(
                "ATTR /boot +ro rec ignore-missing",
                "ATTR /efi +ro rec ignore-missing",
                "INACCESSIBLE /etc clone",
                "ATTR /usr +ro rec"));
}

static void test_protect_home(void **state) {
        UnitSandbox s;
        SandboxPath rw[] = { { .path = (char *) "/home/u" } };

        sandbox_init(&s);
        s.protect_home = PROTECT_HOME_YES;
        check(&s, &base_ctx, WANT(
                "INACCESSIBLE /home clone ignore-missing",
                "INACCESSIBLE /root clone ignore-missing",
                "INACCESSIBLE /run/user clone ignore-missing"));
        s.protect_home = PROTECT_HOME_TMPFS;
        check(&s, &base_ctx, WANT(
                "TMPFS /home mode=0755 +nodev ignore-missing",
                "TMPFS /root mode=0700 +nodev ignore-missing",
                "TMPFS /run/user mode=0755 +nodev ignore-missing",
                "ATTR /home +ro ignore-missing late",
                "ATTR /root +ro ignore-missing late",
                "ATTR /run/user +ro ignore-missing late"));
        /* ProtectHome=read-only with ReadWritePaths=/home/u: /home/u ends writable. */
        s.protect_home = PROTECT_HOME_READ_ONLY;
        s.read_write_paths = paths(rw, ELEMENTSOF(rw));
        check(&s, &base_ctx, WANT(
                "ATTR /home +ro rec ignore-missing",
                "BIND /home/u -> /home/u clone rec restore",
                "ATTR /root +ro rec ignore-missing",
                "ATTR /run/user +ro rec ignore-missing"));
        /* ProtectHome=yes hides /home/u too. */
        s.protect_home = PROTECT_HOME_YES;
        check(&s, &base_ctx, WANT(
                "INACCESSIBLE /home clone ignore-missing",
                "INACCESSIBLE /root clone ignore-missing",
                "INACCESSIBLE /run/user clone ignore-missing"));
}

static void test_private_tmp_and_devices(void **state) {
        UnitSandbox s;

        sandbox_init(&s);
        s.private_tmp = true;
        check(&s, &base_ctx, WANT(
                "BIND /var/tmp/u-tmp -> /tmp clone",
                "BIND /var/tmp/u-var-tmp -> /var/tmp clone"));
        sandbox_init(&s);
        s.private_devices = true;
        check(&s, &base_ctx, WANT(
                "TMPFS /dev mode=0755 +nosuid +noexec",
                "SYMLINK /dev/fd -> /proc/self/fd",
                "MKFILE /dev/full 0644",
                "BIND /dev/full -> /dev/full clone",
                "BIND /dev/hugepages -> /dev/hugepages clone rec create ignore-missing",
                "SYMLINK /dev/log -> /run/systemd/journal/dev-log",
                "BIND /dev/mqueue -> /dev/mqueue clone rec create ignore-missing",
                "MKFILE /dev/null 0644",
                "BIND /dev/null -> /dev/null clone",
                "SYMLINK /dev/ptmx -> pts/ptmx",
                "MKDIR /dev/pts 0755",
                "DEVPTS /dev/pts newinstance,ptmxmode=0666,mode=0620,gid=5 +nosuid +noexec",
                "MKFILE /dev/random 0644",
                "BIND /dev/random -> /dev/random clone",
                "BIND /dev/shm -> /dev/shm clone rec create ignore-missing",
                "SYMLINK /dev/stderr -> /proc/self/fd/2",
                "SYMLINK /dev/stdin -> /proc/self/fd/0",
                "SYMLINK /dev/stdout -> /proc/self/fd/1",
                "MKFILE /dev/tty 0644",
                "BIND /dev/tty -> /dev/tty clone",
                "MKFILE /dev/urandom 0644",
                "BIND /dev/urandom -> /dev/urandom clone",
                "MKFILE /dev/zero 0644",
                "BIND /dev/zero -> /dev/zero clone",
                "ATTR /dev +ro late"));
        /* Under strict, the private /dev replaces the restore of the host's. */
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.protect_kernel_logs = true;
        check(&s, &base_ctx, WANT(
                "ATTR / +ro rec",
                "TMPFS /dev mode=0755 +nosuid +noexec",
                "SYMLINK /dev/fd -> /proc/self/fd",
                "MKFILE /dev/full 0644",
                "BIND /dev/full -> /dev/full clone",
                "BIND /dev/hugepages -> /dev/hugepages clone rec create ignore-missing",
                "INACCESSIBLE /dev/kmsg clone ignore-missing",
                "SYMLINK /dev/log -> /run/systemd/journal/dev-log",
                "BIND /dev/mqueue -> /dev/mqueue clone rec create ignore-missing",
                "MKFILE /dev/null 0644",
                "BIND /dev/null -> /dev/null clone",
                "SYMLINK /dev/ptmx -> pts/ptmx",
                "MKDIR /dev/pts 0755",
                "DEVPTS /dev/pts newinstance,ptmxmode=0666,mode=0620,gid=5 +nosuid +noexec",
                "MKFILE /dev/random 0644",
                "BIND /dev/random -> /dev/random clone",
                "BIND /dev/shm -> /dev/shm clone rec create ignore-missing",
                "SYMLINK /dev/stderr -> /proc/self/fd/2",
                "SYMLINK /dev/stdin -> /proc/self/fd/0",
                "SYMLINK /dev/stdout -> /proc/self/fd/1",
                "MKFILE /dev/tty 0644",
                "BIND /dev/tty -> /dev/tty clone",
                "MKFILE /dev/urandom 0644",
                "BIND /dev/urandom -> /dev/urandom clone",
                "MKFILE /dev/zero 0644",
                "BIND /dev/zero -> /dev/zero clone",
                "BIND /home -> /home clone rec restore ignore-missing",
                "BIND /proc -> /proc clone rec restore",
                "INACCESSIBLE /proc/kmsg clone ignore-missing",
                "BIND /root -> /root clone rec restore ignore-missing",
                "BIND /run/user -> /run/user clone rec restore ignore-missing",
                "BIND /sys -> /sys clone rec restore",
                "ATTR /dev +ro late"));
}

static void test_protect_kernel(void **state) {
        UnitSandbox s;

        sandbox_init(&s);
        s.protect_kernel_tunables = true;
        check(&s, &base_ctx, WANT(
                "ATTR /proc/acpi +ro rec ignore-missing",
                "ATTR /proc/apm +ro rec ignore-missing",
                "ATTR /proc/asound +ro rec ignore-missing",
                "ATTR /proc/bus +ro rec ignore-missing",
                "ATTR /proc/fs +ro rec ignore-missing",
                "ATTR /proc/irq +ro rec ignore-missing",
                "INACCESSIBLE /proc/kallsyms clone ignore-missing",
                "INACCESSIBLE /proc/kcore clone ignore-missing",
                "ATTR /proc/latency_stats +ro rec ignore-missing",
                "ATTR /proc/mtrr +ro rec ignore-missing",
                "ATTR /proc/scsi +ro rec ignore-missing",
                "ATTR /proc/sys +ro rec ignore-missing",
                "ATTR /proc/sysrq-trigger +ro rec ignore-missing",
                "ATTR /proc/timer_stats +ro rec ignore-missing",
                "ATTR /sys +ro rec",
                "ATTR /sys/fs/bpf +ro rec ignore-missing",
                "BIND /sys/fs/cgroup -> /sys/fs/cgroup clone rec restore ignore-missing",
                "BIND /sys/fs/selinux -> /sys/fs/selinux clone rec restore ignore-missing",
                "ATTR /sys/kernel/debug +ro rec ignore-missing",
                "ATTR /sys/kernel/tracing +ro rec ignore-missing"));
        sandbox_init(&s);
        s.protect_kernel_modules = true;
        s.protect_kernel_logs = true;
        s.protect_control_groups = true;
        check(&s, &base_ctx, WANT(
                "INACCESSIBLE /dev/kmsg clone ignore-missing",
                "INACCESSIBLE /lib/modules clone ignore-missing",
                "INACCESSIBLE /proc/kmsg clone ignore-missing",
                "ATTR /sys/fs/cgroup +ro rec",
                "INACCESSIBLE /usr/lib/modules clone ignore-missing"));
        /* Tunables and control groups: the cgroup tree's restore, then its read-only. */
        s.protect_kernel_tunables = true;
        s.protect_kernel_modules = s.protect_kernel_logs = false;
        check(&s, &base_ctx, WANT(
                "ATTR /proc/acpi +ro rec ignore-missing",
                "ATTR /proc/apm +ro rec ignore-missing",
                "ATTR /proc/asound +ro rec ignore-missing",
                "ATTR /proc/bus +ro rec ignore-missing",
                "ATTR /proc/fs +ro rec ignore-missing",
                "ATTR /proc/irq +ro rec ignore-missing",
                "INACCESSIBLE /proc/kallsyms clone ignore-missing",
                "INACCESSIBLE /proc/kcore clone ignore-missing",
                "ATTR /proc/latency_stats +ro rec ignore-missing",
                "ATTR /proc/mtrr +ro rec ignore-missing",
                "ATTR /proc/scsi +ro rec ignore-missing",
                "ATTR /proc/sys +ro rec ignore-missing",
                "ATTR /proc/sysrq-trigger +ro rec ignore-missing",
                "ATTR /proc/timer_stats +ro rec ignore-missing",
                "ATTR /sys +ro rec",
                "ATTR /sys/fs/bpf +ro rec ignore-missing",
                "BIND /sys/fs/cgroup -> /sys/fs/cgroup clone rec restore ignore-missing",
                "ATTR /sys/fs/cgroup +ro rec",
                "BIND /sys/fs/selinux -> /sys/fs/selinux clone rec restore ignore-missing",
                "ATTR /sys/kernel/debug +ro rec ignore-missing",
                "ATTR /sys/kernel/tracing +ro rec ignore-missing"));
}

/* A new /proc comes before everything below it. */
static void test_protect_proc(void **state) {
        UnitSandbox s;

        sandbox_init(&s);
        s.protect_proc = PROTECT_PROC_INVISIBLE;
        check(&s, &base_ctx, WANT(
                "PROC /proc hidepid=invisible +nosuid +nodev +noexec"));
        s.proc_subset = PROC_SUBSET_PID;
        s.protect_kernel_logs = true;
        check(&s, &base_ctx, WANT(
                "INACCESSIBLE /dev/kmsg clone ignore-missing",
                "PROC /proc hidepid=invisible,subset=pid +nosuid +nodev +noexec",
                "INACCESSIBLE /proc/kmsg clone ignore-missing"));
        s.protect_proc = PROTECT_PROC_DEFAULT;
        s.protect_kernel_logs = false;
        check(&s, &base_ctx, WANT(
                "PROC /proc subset=pid +nosuid +nodev +noexec"));
        /* With ProtectSystem=strict, the new /proc replaces the restore of the host's. */
        s.protect_system = PROTECT_SYSTEM_STRICT;
        check(&s, &base_ctx, WANT(
                "ATTR / +ro rec",
                "BIND /dev -> /dev clone rec restore",
                "BIND /home -> /home clone rec restore ignore-missing",
                "PROC /proc subset=pid +nosuid +nodev +noexec",
                "BIND /root -> /root clone rec restore ignore-missing",
                "BIND /run/user -> /run/user clone rec restore ignore-missing",
                "BIND /sys -> /sys clone rec restore"));
}

static void test_path_lists(void **state) {
        UnitSandbox s;
        SandboxPath ro[] = { { .path = (char *) "/opt" }, { .path = (char *) "/srv", .ignore_missing = true } };
        SandboxPath ex[] = { { .path = (char *) "/opt/bin" }, { .path = (char *) "/srv" } };
        SandboxPath noex[] = { { .path = (char *) "/" }, { .path = (char *) "/srv" } };
        SandboxPath hide[] = { { .path = (char *) "/var/secret", .ignore_missing = true } };

        sandbox_init(&s);
        s.read_only_paths = paths(ro, ELEMENTSOF(ro));
        s.exec_paths = paths(ex, ELEMENTSOF(ex));
        s.no_exec_paths = paths(noex, ELEMENTSOF(noex));
        s.inaccessible_paths = paths(hide, ELEMENTSOF(hide));
        check(&s, &base_ctx, WANT(
                "ATTR / +noexec rec",
                "ATTR /opt +ro rec",
                "ATTR /opt/bin -noexec rec",
                "ATTR /srv +ro +noexec rec",
                "INACCESSIBLE /var/secret clone ignore-missing"));
}

/* A fake resolver: "/lib" is a link to "/usr/lib", as on Debian; "/var/run" fails. */
static int fake_resolve(const char *path, char *buf, size_t size, void *userdata) {
        (void) userdata;
        if (strncmp(path, "/lib", 4) == 0 && (path[4] == '\0' || path[4] == '/')) {
                snprintf(buf, size, "/usr%s", path);
                return 0;
        }
        if (strcmp(path, "/var/run") == 0)
                return -ENOENT;
        snprintf(buf, size, "%s", path);
        return 0;
}

/* Links in the listed paths are resolved before the ops are sorted and placed (a mount
 * cannot land on a link: Debian's redis unit has ExecPaths=/lib under NoExecPaths=/). A path
 * the resolver cannot resolve is used as written; one under the root ("+") is not resolved. */
static void test_paths_resolved(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = base_ctx;
        SandboxPath noex[] = { { .path = (char *) "/" } };
        SandboxPath ex[] = { { .path = (char *) "/lib" }, { .path = (char *) "/usr/bin" } };
        SandboxPath ro[] = { { .path = (char *) "/var/run", .ignore_missing = true },
                             { .path = (char *) "/lib", .root_relative = true } };

        ctx.resolve = fake_resolve;
        sandbox_init(&s);
        s.no_exec_paths = paths(noex, ELEMENTSOF(noex));
        s.exec_paths = paths(ex, ELEMENTSOF(ex));
        s.read_only_paths = paths(ro, ELEMENTSOF(ro));
        check(&s, &ctx, WANT(
                "ATTR / +noexec rec",
                "ATTR /lib +ro rec",
                "ATTR /usr/bin -noexec rec",
                "ATTR /usr/lib -noexec rec",
                "ATTR /var/run +ro rec ignore-missing"));
}

/* ReadWritePaths= is about writing: under NoExecPaths=/ the restored path stays noexec. */
static void test_restore_keeps_noexec(void **state) {
        UnitSandbox s;
        SandboxPath noex[] = { { .path = (char *) "/" } };
        SandboxPath ex[] = { { .path = (char *) "/usr" } };
        SandboxPath rw[] = { { .path = (char *) "/var" }, { .path = (char *) "/usr/local" } };

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.no_exec_paths = paths(noex, ELEMENTSOF(noex));
        s.exec_paths = paths(ex, ELEMENTSOF(ex));
        s.read_write_paths = paths(rw, ELEMENTSOF(rw));
        check(&s, &base_ctx, WANT(
                "ATTR / +ro +noexec rec",
                "BIND /dev -> /dev +noexec clone rec restore",
                "BIND /home -> /home +noexec clone rec restore ignore-missing",
                "BIND /proc -> /proc +noexec clone rec restore",
                "BIND /root -> /root +noexec clone rec restore ignore-missing",
                "BIND /run/user -> /run/user +noexec clone rec restore ignore-missing",
                "BIND /sys -> /sys +noexec clone rec restore",
                "ATTR /usr -noexec rec",
                "BIND /usr/local -> /usr/local clone rec restore",
                "BIND /var -> /var +noexec clone rec restore"));
}

static void test_binds_and_tmpfs(void **state) {
        UnitSandbox s;
        SandboxBind binds[] = {
                { .source = (char *) "/srv/data", .destination = (char *) "/opt/data", .recursive = true },
                { .source = (char *) "/etc/conf", .destination = (char *) "/etc/conf", .read_only = true,
                  .recursive = true },
                { .source = (char *) "/srv/maybe", .destination = (char *) "/mnt/maybe", .ignore_missing = true },
        };
        SandboxTmpfs tmp[] = {
                { .path = (char *) "/opt", .options = (char *) "ro,size=1M,nosuid,mode=0700" },
                { .path = (char *) "/scratch" },
        };

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.binds = binds;
        s.n_binds = ELEMENTSOF(binds);
        s.tmpfs = tmp;
        s.n_tmpfs = ELEMENTSOF(tmp);
        check(&s, &base_ctx, WANT(
                "ATTR / +ro rec",
                "BIND /dev -> /dev clone rec restore",
                "BIND /etc/conf -> /etc/conf +ro clone rec create early",
                "BIND /home -> /home clone rec restore ignore-missing",
                "BIND /srv/maybe -> /mnt/maybe clone create ignore-missing early",
                "TMPFS /opt mode=0755,size=1M,mode=0700 +nosuid +nodev",
                "BIND /srv/data -> /opt/data clone rec create",
                "BIND /proc -> /proc clone rec restore",
                "BIND /root -> /root clone rec restore ignore-missing",
                "BIND /run/user -> /run/user clone rec restore ignore-missing",
                "TMPFS /scratch mode=0755 +nodev",
                "BIND /sys -> /sys clone rec restore",
                "ATTR /opt +ro late"));
}

static void test_root_directory(void **state) {
        UnitSandbox s;
        SandboxPath ro[] = { { .path = (char *) "/etc", .root_relative = true },
                             { .path = (char *) "/srv/root/var" },
                             { .path = (char *) "/elsewhere" } };
        SandboxBind binds[] = { { .source = (char *) "/usr", .read_only = true, .recursive = true } };

        sandbox_init(&s);
        s.root_directory = (char *) "/srv/root";
        s.read_only_paths = paths(ro, ELEMENTSOF(ro));
        s.binds = binds;
        s.n_binds = ELEMENTSOF(binds);
        check(&s, &base_ctx, WANT(
                "MKDIR /srv/root/dev 0755 early",
                "MKDIR /srv/root/proc 0755 early",
                "MKDIR /srv/root/run 0755 early",
                "MKDIR /srv/root/sys 0755 early",
                "BIND /srv/root -> /srv/root clone rec",
                "TMPFS /srv/root/dev mode=0755 +nosuid +noexec",
                "SYMLINK /srv/root/dev/fd -> /proc/self/fd",
                "MKFILE /srv/root/dev/full 0644",
                "BIND /dev/full -> /srv/root/dev/full clone",
                "BIND /dev/hugepages -> /srv/root/dev/hugepages clone rec create ignore-missing",
                "SYMLINK /srv/root/dev/log -> /run/systemd/journal/dev-log",
                "BIND /dev/mqueue -> /srv/root/dev/mqueue clone rec create ignore-missing",
                "MKFILE /srv/root/dev/null 0644",
                "BIND /dev/null -> /srv/root/dev/null clone",
                "SYMLINK /srv/root/dev/ptmx -> pts/ptmx",
                "MKDIR /srv/root/dev/pts 0755",
                "DEVPTS /srv/root/dev/pts newinstance,ptmxmode=0666,mode=0620,gid=5 +nosuid +noexec",
                "MKFILE /srv/root/dev/random 0644",
                "BIND /dev/random -> /srv/root/dev/random clone",
                "BIND /dev/shm -> /srv/root/dev/shm clone rec create ignore-missing",
                "SYMLINK /srv/root/dev/stderr -> /proc/self/fd/2",
                "SYMLINK /srv/root/dev/stdin -> /proc/self/fd/0",
                "SYMLINK /srv/root/dev/stdout -> /proc/self/fd/1",
                "MKFILE /srv/root/dev/tty 0644",
                "BIND /dev/tty -> /srv/root/dev/tty clone",
                "MKFILE /srv/root/dev/urandom 0644",
                "BIND /dev/urandom -> /srv/root/dev/urandom clone",
                "MKFILE /srv/root/dev/zero 0644",
                "BIND /dev/zero -> /srv/root/dev/zero clone",
                "ATTR /srv/root/etc +ro rec",
                "PROC /srv/root/proc +nosuid +nodev +noexec",
                "TMPFS /srv/root/run mode=0755 +nosuid +nodev",
                "BIND /sys -> /srv/root/sys clone rec",
                "BIND /usr -> /srv/root/usr +ro clone rec create early",
                "ATTR /srv/root/var +ro rec",
                "ATTR /srv/root/dev +ro late"));

        /* MountAPIVFS=no: only the root and what was asked. */
        s.mount_api_vfs_set = true;
        s.mount_api_vfs = false;
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.n_binds = 0;
        s.read_only_paths.n = 0;
        check(&s, &base_ctx, WANT(
                "BIND /srv/root -> /srv/root clone rec",
                "ATTR /srv/root +ro rec",
                "BIND /srv/root/dev -> /srv/root/dev clone rec restore",
                "BIND /srv/root/home -> /srv/root/home clone rec restore ignore-missing",
                "BIND /srv/root/proc -> /srv/root/proc clone rec restore",
                "BIND /srv/root/root -> /srv/root/root clone rec restore ignore-missing",
                "BIND /srv/root/run/user -> /srv/root/run/user clone rec restore ignore-missing",
                "BIND /srv/root/sys -> /srv/root/sys clone rec restore"));
}

static void test_dynamic_user(void **state) {
        UnitSandbox s;
        const char *const parents[] = { "/var/lib/private", NULL };
        const char *const dirs[] = { "/var/lib/private/unit", NULL };
        const char *const writable[] = { "/var/lib/private/unit", NULL };
        MountPlanContext ctx = base_ctx;

        sandbox_init(&s);
        s.dynamic_user = true;
        ctx.private_parents = parents;
        ctx.private_dirs = dirs;
        ctx.writable = writable;
        check(&s, &ctx, WANT(
                "ATTR / +ro rec",
                "BIND /dev -> /dev clone rec restore",
                "BIND /home -> /home clone rec restore ignore-missing",
                "ATTR /home +ro rec ignore-missing",
                "BIND /proc -> /proc clone rec restore",
                "BIND /root -> /root clone rec restore ignore-missing",
                "ATTR /root +ro rec ignore-missing",
                "BIND /run/user -> /run/user clone rec restore ignore-missing",
                "ATTR /run/user +ro rec ignore-missing",
                "BIND /sys -> /sys clone rec restore",
                "BIND /var/tmp/u-tmp -> /tmp clone",
                "TMPFS /var/lib/private mode=0755 +nosuid +nodev",
                "MKDIR /var/lib/private/unit 0755",
                "BIND /var/lib/private/unit -> /var/lib/private/unit clone rec",
                "BIND /var/tmp/u-var-tmp -> /var/tmp clone"));
}

/* A nested name (StateDirectory=a/b): its parent is made in the private tmpfs first. */
static void test_dynamic_user_nested(void **state) {
        UnitSandbox s;
        const char *const parents[] = { "/var/lib/private", NULL };
        const char *const dirs[] = { "/var/lib/private/a/b", NULL };
        const char *const writable[] = { "/var/lib/private/a/b", NULL };
        MountPlanContext ctx = base_ctx;
        MountPlan *mp = NULL;
        size_t tmpfs = SIZE_MAX, mk_a = SIZE_MAX, mk_b = SIZE_MAX, bind_b = SIZE_MAX;

        sandbox_init(&s);
        s.dynamic_user = true;
        ctx.private_parents = parents;
        ctx.private_dirs = dirs;
        ctx.writable = writable;
        assert_int_equal(mount_plan_build(&s, &ctx, NULL, &mp), 0);
        for (size_t i = 0; i < mp->n_ops; i++) {
                const MountOp *op = &mp->ops[i];
                if (op->kind == MOUNT_OP_TMPFS && streq(op->target, "/var/lib/private"))
                        tmpfs = i;
                else if (op->kind == MOUNT_OP_MKDIR && streq(op->target, "/var/lib/private/a"))
                        mk_a = i;
                else if (op->kind == MOUNT_OP_MKDIR && streq(op->target, "/var/lib/private/a/b"))
                        mk_b = i;
                else if (op->kind == MOUNT_OP_BIND && streq(op->target, "/var/lib/private/a/b"))
                        bind_b = i;
        }
        assert_true(tmpfs < mk_a && mk_a < mk_b && mk_b < bind_b && bind_b < mp->n_ops);
        mount_plan_free(mp);
}

static void test_hidden_and_duplicates(void **state) {
        UnitSandbox s;
        SandboxPath ro[] = { { .path = (char *) "/opt" }, { .path = (char *) "/opt" } };
        SandboxPath hide[] = { { .path = (char *) "/run/syscage" } };
        const char *const hidden[] = { "/run/syscage", "/etc/syscage/units", NULL };
        MountPlanContext ctx = base_ctx;

        sandbox_init(&s);
        s.read_only_paths = paths(ro, ELEMENTSOF(ro));
        s.inaccessible_paths = paths(hide, ELEMENTSOF(hide));
        ctx.hidden = hidden;
        check(&s, &ctx, WANT(
                "INACCESSIBLE /etc/syscage/units clone ignore-missing",
                "ATTR /opt +ro rec",
                "INACCESSIBLE /run/syscage clone"));
}

static void test_namespaces(void **state) {
        UnitSandbox s;
        MountPlan *p;

        sandbox_init(&s);
        s.private_network = true;
        s.private_ipc = true;
        s.protect_hostname = true;
        p = build_ok(&s, &base_ctx);
        assert_int_equal(p->n_ops, 0);
        assert_int_equal(p->unshare_flags, CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS);
        assert_true(p->loopback_up);
        mount_plan_free(p);

        /* PrivateMounts= alone: a namespace without ops. PrivateUsers= asks the mount plan
         * for nothing (the launch enters its user namespace after the mounts). */
        sandbox_init(&s);
        s.private_mounts = true;
        s.private_users = true;
        p = build_ok(&s, &base_ctx);
        assert_int_equal(p->n_ops, 0);
        assert_int_equal(p->unshare_flags, CLONE_NEWNS);
        mount_plan_free(p);
}

static void expect_error(const UnitSandbox *s, const MountPlanContext *ctx, int error, const char *key) {
        MountPlan *p = NULL;
        DiagList d = {};

        assert_int_equal(mount_plan_build(s, ctx, &d, &p), error);
        assert_null(p);
        assert_int_equal(d.n, 1);
        assert_string_equal(d.items[0].key, key);
        diag_list_done(&d);
        /* Without a list the error is the same. */
        assert_int_equal(mount_plan_build(s, ctx, NULL, &p), error);
}

static void test_errors(void **state) {
        static SandboxPath many[UNIT_SANDBOX_PATHS_MAX + 1];
        UnitSandbox s;
        SandboxPath rel[] = { { .path = (char *) "var/lib" } };
        MountPlanContext ctx = base_ctx;

        sandbox_init(&s);
        s.private_tmp = true;
        ctx.private_tmp = NULL;
        expect_error(&s, &ctx, -EINVAL, "PrivateTmp");

        sandbox_init(&s);
        s.protect_home = PROTECT_HOME_YES;
        ctx = base_ctx;
        ctx.inaccessible_file = NULL;
        expect_error(&s, &ctx, -EINVAL, "ProtectHome");

        sandbox_init(&s);
        s.read_only_paths = paths(rel, ELEMENTSOF(rel));
        expect_error(&s, &base_ctx, -EINVAL, "ReadOnlyPaths");

        sandbox_init(&s);
        for (size_t i = 0; i < ELEMENTSOF(many); i++)
                many[i].path = (char *) "/x";
        s.no_exec_paths = paths(many, ELEMENTSOF(many));
        expect_error(&s, &base_ctx, -E2BIG, "NoExecPaths");

        /* Past MOUNT_PLAN_CLONES_MAX: each restore holds a copy. */
        static char names[UNIT_SANDBOX_PATHS_MAX][16];
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        for (size_t i = 0; i < UNIT_SANDBOX_PATHS_MAX; i++) {
                snprintf(names[i], sizeof(names[i]), "/w%zu", i);
                many[i].path = names[i];
        }
        s.read_write_paths = paths(many, UNIT_SANDBOX_PATHS_MAX);
        MountPlan *p = NULL;
        assert_int_equal(mount_plan_build(&s, &base_ctx, NULL, &p), -E2BIG);
        assert_null(p);
}

static void test_format(void **state) {
        char buf[16];
        MountOp op = { .kind = MOUNT_OP_ATTR, .target = "/very/long/path/here", .attr_set = MOUNT_PLAN_ATTR_RDONLY };

        assert_string_equal(mount_op_kind_to_string(MOUNT_OP_INACCESSIBLE), "INACCESSIBLE");
        assert_null(mount_op_kind_to_string(_MOUNT_OP_KIND_MAX));
        /* Truncated, always terminated. */
        assert_int_equal(strlen(mount_op_format(&op, buf, sizeof(buf))), sizeof(buf) - 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_protect_system),
                cmocka_unit_test(test_strict_read_write),
                cmocka_unit_test(test_full_inaccessible_etc),
                cmocka_unit_test(test_protect_home),
                cmocka_unit_test(test_private_tmp_and_devices),
                cmocka_unit_test(test_protect_kernel),
                cmocka_unit_test(test_protect_proc),
                cmocka_unit_test(test_path_lists),
                cmocka_unit_test(test_paths_resolved),
                cmocka_unit_test(test_restore_keeps_noexec),
                cmocka_unit_test(test_binds_and_tmpfs),
                cmocka_unit_test(test_root_directory),
                cmocka_unit_test(test_dynamic_user),
                cmocka_unit_test(test_dynamic_user_nested),
                cmocka_unit_test(test_hidden_and_duplicates),
                cmocka_unit_test(test_namespaces),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_format),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
