/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mount plan run for real: for each sandbox directive, a shell in the sandbox tries the
 * forbidden action (it must fail, with the right error) and the allowed one (it must work),
 * and the host's mount table is the same after every run. Each script prints one word per
 * check; the test compares the whole output.
 *
 * Needs root (exit 77 otherwise). Everything it makes lives in one directory under /var/lib
 * (not under /tmp or /var/tmp, which PrivateTmp= replaces), removed at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "launch-harness.h"
#include "mount-plan.h"

#define MOUNTINFO_MAX (1024U * 1024U)

static char top[64];          /* the test's directory */
static char env_t[96];        /* "T=<top>" for the scripts */
static char path_inacc[96], path_ptmp[96], path_pvtmp[96], path_w[96], path_data[96];
static char saved_suid_dumpable[16];
static const char *env[] = { "PATH=/usr/bin:/bin:/usr/sbin:/sbin", env_t, NULL };

/* ---- host fixtures ---- */

static int write_file(const char *path, const char *value, mode_t mode) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, value, strlen(value));
        return n == (ssize_t) strlen(value) ? 0 : -EIO;
}

static char *read_all(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        char *buf = calloc(1, MOUNTINFO_MAX);
        size_t got = 0;
        ssize_t n;

        assert_true(fd >= 0);
        assert_non_null(buf);
        while ((n = read(fd, buf + got, MOUNTINFO_MAX - 1 - got)) > 0)
                got += (size_t) n;
        return buf;
}

static void sh(const char *cmd) {
        assert_int_equal(system(cmd), 0);
}

static void restore_suid_dumpable(void) {
        if (saved_suid_dumpable[0])
                (void) write_file("/proc/sys/fs/suid_dumpable", saved_suid_dumpable, 0644);
}

static int setup(void **state) {
        char cmd[512];
        _cleanup_close_ int fd = -EBADF;

        harness_require_root();
        snprintf(top, sizeof(top), "/var/lib/syscage-mounts-XXXXXX");
        if (!mkdtemp(top))
                return -1;
        snprintf(env_t, sizeof(env_t), "T=%s", top);
        snprintf(path_inacc, sizeof(path_inacc), "%s/inaccessible", top);
        snprintf(path_ptmp, sizeof(path_ptmp), "%s/ptmp", top);
        snprintf(path_pvtmp, sizeof(path_pvtmp), "%s/pvtmp", top);
        snprintf(path_w, sizeof(path_w), "%s/w", top);
        snprintf(path_data, sizeof(path_data), "%s/data", top);
        snprintf(cmd, sizeof(cmd),
                 "set -e; cd %s; chmod 0755 .; : > inaccessible; chmod 0000 inaccessible;"
                 "mkdir -m 1777 ptmp pvtmp; mkdir w data data/sub; echo secret > data/f;"
                 "echo secret2 > data/file2; cp /bin/true data/true; cp /bin/true data/sub/true", top);
        if (system(cmd) != 0)
                return -1;
        fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, saved_suid_dumpable, sizeof(saved_suid_dumpable) - 1) <= 0)
                return -1;
        saved_suid_dumpable[strcspn(saved_suid_dumpable, "\n")] = '\0';
        atexit(restore_suid_dumpable);
        return 0;
}

static int teardown(void **state) {
        char cmd[128];

        restore_suid_dumpable();
        snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
        return system(cmd) == 0 ? 0 : -1;
}

static void sandbox_init(UnitSandbox *s) {
        memset(s, 0, sizeof(*s));
        s->protect_supervisor = -1;
}

static MountPlanContext context(void) {
        return (MountPlanContext) {
                .private_tmp = path_ptmp,
                .private_var_tmp = path_pvtmp,
                .inaccessible_file = path_inacc,
        };
}

static SandboxPathList one_path(SandboxPath *p, const char *path) {
        *p = (SandboxPath) { .path = (char *) path };
        return (SandboxPathList) { .items = p, .n = 1 };
}

static const char *strnull_(const char *s) {
        return s ? s : "(null)";
}

/* ---- running ---- */

typedef struct Run {
        uid_t uid;          /* EXEC_UID_UNSET: root */
        const char *path;   /* default /bin/sh */
        const char *const *argv;
} Run;

/* Runs SCRIPT with /bin/sh in the sandbox S; the host's mount table must not change. */
static void run_in(const UnitSandbox *s, const MountPlanContext *ctx, const Run *how, const char *script,
                   Captured *c) {
        const char *argv_sh[] = { "/bin/sh", "-c", script, NULL };
        MountPlan *mp = NULL;
        ExecPlan plan;

        assert_int_equal(mount_plan_build(s, ctx, NULL, &mp), 0);
        exec_plan_init(&plan);
        plan.path = how && how->path ? how->path : "/bin/sh";
        plan.argv = how && how->argv ? how->argv : argv_sh;
        plan.envp = env;
        plan.mount_plan = mp;
        if (how && how->uid != EXEC_UID_UNSET && how->uid != 0) {
                plan.uid = how->uid;
                plan.gid = how->uid;
                plan.set_groups = true;
        }

        char *before = read_all("/proc/self/mountinfo");
        assert_int_equal(harness_run(&plan, NULL, c), 0);
        char *after = read_all("/proc/self/mountinfo");
        assert_string_equal(before, after);
        free(before);
        free(after);
        mount_plan_free(mp);
}

static void expect_sh_as(const UnitSandbox *s, const MountPlanContext *ctx, uid_t uid, const char *script,
                         const char *expected) {
        Captured *c = calloc(1, sizeof(Captured));
        Run how = { .uid = uid };

        assert_non_null(c);
        run_in(s, ctx, &how, script, c);
        if (c->result.report != EXEC_REPORT_EXECED || c->result.status != 0 ||
            (expected && !streq(c->out, expected)))
                fprintf(stderr, "script: %s\nreport %s stage %s errno %d status %d\nout: %s\nerr: %s\n",
                        script, exec_report_to_string(c->result.report),
                        strnull_(exec_stage_to_string(c->result.stage)), c->result.error, c->result.status,
                        c->out, c->err);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_int_equal(c->result.code, CLD_EXITED);
        if (expected)
                assert_string_equal(c->out, expected);
        free(c);
}

static void expect_sh(const UnitSandbox *s, const MountPlanContext *ctx, const char *script, const char *expected) {
        expect_sh_as(s, ctx, EXEC_UID_UNSET, script, expected);
}

/* Prints WORD when CMD fails with a message containing ERR, else what happened. */
#define FAILS(cmd, err, word) \
        "if out=$( { " cmd "; } 2>&1); then echo 'worked: " cmd "'; " \
        "elif echo \"$out\" | grep -q '" err "'; then echo " #word "; else echo \"other: $out\"; fi; "
#define WORKS(cmd, word) "if " cmd " >/dev/null 2>&1; then echo " #word "; else echo 'failed: " cmd "'; fi; "

#define RO "Read-only file system"

/* ---- the directives ---- */

static void test_protect_system(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        const char *const writable[] = { path_w, NULL };

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        ctx.writable = writable;
        expect_sh(&s, &ctx,
                  FAILS("touch /usr/syscage-x", RO, usr-ro)
                  FAILS("touch /var/syscage-x", RO, var-ro)
                  WORKS("touch $T/w/f", w-writable)
                  WORKS("echo x > /dev/null", dev-works)
                  WORKS("test -r /proc/self/status", proc-works),
                  "usr-ro\nvar-ro\nw-writable\ndev-works\nproc-works\n");
        assert_int_equal(access("/usr/syscage-x", F_OK), -1);

        s.protect_system = PROTECT_SYSTEM_FULL;
        expect_sh(&s, &ctx,
                  FAILS("touch /etc/syscage-x", RO, etc-ro)
                  FAILS("touch /usr/syscage-x", RO, usr-ro)
                  WORKS("touch /var/tmp/syscage-mounts-full && rm /var/tmp/syscage-mounts-full", var-writable),
                  "etc-ro\nusr-ro\nvar-writable\n");
        s.protect_system = PROTECT_SYSTEM_YES;
        expect_sh(&s, &ctx,
                  FAILS("touch /usr/syscage-x", RO, usr-ro)
                  WORKS("touch $T/w/g", w-writable),
                  "usr-ro\nw-writable\n");
}

/* InaccessiblePaths=/etc under ProtectSystem=full: hidden, not merely read-only. */
static void test_full_with_etc_hidden(void **state) {
        UnitSandbox s;
        SandboxPath hide;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_FULL;
        s.inaccessible_paths = one_path(&hide, "/etc");
        expect_sh(&s, &ctx,
                  "echo etc-entries=$(ls -A /etc | wc -l); "
                  FAILS("touch /etc/syscage-x", RO, etc-ro)
                  FAILS("touch /usr/syscage-x", RO, usr-ro),
                  "etc-entries=0\netc-ro\nusr-ro\n");
}

static void test_read_write_paths(void **state) {
        UnitSandbox s;
        SandboxPath rw;
        char sub[128];

        snprintf(sub, sizeof(sub), "%s/data/sub", top);
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.read_write_paths = one_path(&rw, sub);
        MountPlanContext ctx = context();
        expect_sh(&s, &ctx,
                  FAILS("touch $T/data/x", RO, data-ro)
                  WORKS("touch $T/data/sub/x", sub-writable),
                  "data-ro\nsub-writable\n");
}

static void test_private_tmp(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        char host_file[] = "/tmp/syscage-mounts-host-XXXXXX", cmd[1024];
        int fd = mkstemp(host_file);

        assert_true(fd >= 0);
        close(fd);
        sandbox_init(&s);
        s.private_tmp = true;
        snprintf(cmd, sizeof(cmd),
                 "if test -e %s; then echo host-visible; else echo host-hidden; fi; "
                 WORKS("echo x > /tmp/mine", tmp-writable)
                 WORKS("echo x > /var/tmp/mine", var-tmp-writable), host_file);
        expect_sh(&s, &ctx, cmd, "host-hidden\ntmp-writable\nvar-tmp-writable\n");
        /* What the service wrote is in its private directories, not in the host's /tmp. */
        snprintf(cmd, sizeof(cmd), "test -f %s/mine && test -f %s/mine && ! test -e /tmp/mine", path_ptmp, path_pvtmp);
        sh(cmd);
        unlink(host_file);
}

static void test_private_devices(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        char expected[512];

        /* /dev/shm, /dev/mqueue and /dev/hugepages are there only where the host has them. */
        snprintf(expected, sizeof(expected),
                 "fd full %slog %snull ptmx pts random %sstderr stdin stdout tty urandom zero\n"
                 "dev-ro\nnull-works\nurandom-works\nptmx-there\nshm-writable\n",
                 access("/dev/hugepages", F_OK) == 0 ? "hugepages " : "",
                 access("/dev/mqueue", F_OK) == 0 ? "mqueue " : "",
                 access("/dev/shm", F_OK) == 0 ? "shm " : "");
        sandbox_init(&s);
        s.private_devices = true;
        expect_sh(&s, &ctx,
                  "echo $(ls /dev); "
                  FAILS("touch /dev/x", RO, dev-ro)
                  WORKS("echo x > /dev/null", null-works)
                  WORKS("head -c 4 /dev/urandom", urandom-works)
                  WORKS("test -e /dev/pts/ptmx", ptmx-there)
                  WORKS("touch /dev/shm/syscage-mounts-x && rm /dev/shm/syscage-mounts-x", shm-writable),
                  expected);
}

static void test_protect_kernel(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.protect_kernel_tunables = true;
        /* Writes back the value it read: if the write went through, nothing changed. */
        expect_sh(&s, &ctx,
                  "v=$(cat /proc/sys/kernel/core_pattern) && echo read-works; "
                  FAILS("echo \"$v\" > /proc/sys/kernel/core_pattern", RO, tunable-ro)
                  FAILS("echo 1 > /sys/kernel/profiling", RO, sys-ro),
                  "read-works\ntunable-ro\nsys-ro\n");

        sandbox_init(&s);
        s.protect_kernel_logs = true;
        expect_sh(&s, &ctx,
                  "if test -c /dev/kmsg; then echo kmsg-device; else echo kmsg-gone; fi; "
                  "echo kmsg-bytes=$(head -c 64 /dev/kmsg | wc -c); "
                  WORKS("test -c /dev/null", null-there),
                  "kmsg-gone\nkmsg-bytes=0\nnull-there\n");
        /* The control: the host's /dev/kmsg is a device with records. */
        sh("test -c /dev/kmsg");

        sandbox_init(&s);
        s.protect_control_groups = true;
        expect_sh(&s, &ctx,
                  FAILS("mkdir /sys/fs/cgroup/syscage-mounts-x", RO, cgroup-ro)
                  WORKS("ls /sys/fs/cgroup", cgroup-readable),
                  "cgroup-ro\ncgroup-readable\n");
        assert_int_equal(access("/sys/fs/cgroup/syscage-mounts-x", F_OK), -1);

        /* Modules: where the host has none, a marker stands in for them while the test runs. */
        bool made = access("/usr/lib/modules", F_OK) < 0;
        if (made)
                sh("mkdir /usr/lib/modules && touch /usr/lib/modules/syscage-mounts-marker");
        sandbox_init(&s);
        expect_sh(&s, &ctx, "echo modules=$(ls -A /usr/lib/modules | wc -l)", made ? "modules=1\n" : NULL);
        s.protect_kernel_modules = true;
        expect_sh(&s, &ctx, "echo modules=$(ls -A /usr/lib/modules | wc -l) $(ls -A /lib/modules | wc -l)",
                  "modules=0 0\n");
        if (made)
                sh("rm /usr/lib/modules/syscage-mounts-marker && rmdir /usr/lib/modules");
}

static void test_protect_home(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.protect_home = PROTECT_HOME_YES;
        expect_sh(&s, &ctx,
                  "echo root-entries=$(ls -A /root | wc -l); "
                  FAILS("touch /root/syscage-x", RO, root-ro),
                  "root-entries=0\nroot-ro\n");
        s.protect_home = PROTECT_HOME_READ_ONLY;
        expect_sh(&s, &ctx,
                  WORKS("test -n \"$(ls -A /root)\"", root-listed)
                  FAILS("touch /root/syscage-x", RO, root-ro),
                  "root-listed\nroot-ro\n");
        s.protect_home = PROTECT_HOME_TMPFS;
        expect_sh(&s, &ctx,
                  "echo root-entries=$(ls -A /root | wc -l) mode=$(stat -c %a /root); "
                  FAILS("touch /root/syscage-x", RO, root-ro),
                  "root-entries=0 mode=700\nroot-ro\n");
        /* The control: the host's /root has entries. */
        sh("test -n \"$(ls -A /root)\"");

        /* ProtectHome=read-only with ReadWritePaths= on one home: that one stays writable. */
        char home[] = "/home/syscage-mounts-XXXXXX", cmd[1024];
        SandboxPath rw;
        assert_non_null(mkdtemp(home));
        sandbox_init(&s);
        s.protect_home = PROTECT_HOME_READ_ONLY;
        s.read_write_paths = one_path(&rw, home);
        snprintf(cmd, sizeof(cmd), "H=%s; " FAILS("touch /home/syscage-x", RO, home-ro) WORKS("touch $H/x", own-writable),
                 home);
        expect_sh(&s, &ctx, cmd, "home-ro\nown-writable\n");
        snprintf(cmd, sizeof(cmd), "rm -r %s", home);
        sh(cmd);
}

static void test_path_lists(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        SandboxPath p, q;
        char data[128], file2[128], sub[128];

        snprintf(data, sizeof(data), "%s/data", top);
        snprintf(file2, sizeof(file2), "%s/data/file2", top);
        snprintf(sub, sizeof(sub), "%s/data/sub", top);

        sandbox_init(&s);
        s.read_only_paths = one_path(&p, data);
        expect_sh(&s, &ctx,
                  FAILS("touch $T/data/x", RO, data-ro)
                  "cat $T/data/f; "
                  WORKS("touch $T/w/x", w-writable),
                  "data-ro\nsecret\nw-writable\n");

        sandbox_init(&s);
        s.inaccessible_paths = one_path(&p, data);
        expect_sh(&s, &ctx,
                  FAILS("cat $T/data/f", "No such file", dir-hidden)
                  WORKS("cat $T/inaccessible", other-works),
                  "dir-hidden\nother-works\n");
        /* A file: the inaccessible node over it; for a service without root, unreadable. */
        s.inaccessible_paths = one_path(&p, file2);
        expect_sh(&s, &ctx, "echo \"[$(cat $T/data/file2)]\"; cat $T/data/f", "[]\nsecret\n");
        expect_sh_as(&s, &ctx, 65534, FAILS("cat $T/data/file2", "Permission denied", file-denied)
                     "cat $T/data/f", "file-denied\nsecret\n");

        sandbox_init(&s);
        s.no_exec_paths = one_path(&p, data);
        expect_sh(&s, &ctx,
                  FAILS("$T/data/true", "Permission denied", noexec)
                  WORKS("/bin/true", bin-true-works),
                  "noexec\nbin-true-works\n");
        s.exec_paths = one_path(&q, sub);
        expect_sh(&s, &ctx,
                  FAILS("$T/data/true", "Permission denied", noexec)
                  WORKS("$T/data/sub/true", exec-works),
                  "noexec\nexec-works\n");
}

static void test_temporary_fs_and_binds(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        char data[128], dst_rw[128], dst_ro[128], t_ro[128], t_rw[128];
        SandboxTmpfs tmp[2];
        SandboxBind binds[2];

        snprintf(data, sizeof(data), "%s/data", top);
        snprintf(dst_rw, sizeof(dst_rw), "%s/bound-rw", top);
        snprintf(dst_ro, sizeof(dst_ro), "%s/w/bound-ro", top);
        snprintf(t_ro, sizeof(t_ro), "%s/w", top);
        snprintf(t_rw, sizeof(t_rw), "%s/data", top);

        sandbox_init(&s);
        tmp[0] = (SandboxTmpfs) { .path = t_ro, .options = (char *) "ro,mode=0750" };
        tmp[1] = (SandboxTmpfs) { .path = t_rw };
        s.tmpfs = tmp;
        s.n_tmpfs = 2;
        expect_sh(&s, &ctx,
                  "echo w=$(ls -A $T/w | wc -l) $(stat -c %a $T/w) data=$(ls -A $T/data | wc -l); "
                  FAILS("touch $T/w/x", RO, tmpfs-ro)
                  WORKS("touch $T/data/x", tmpfs-writable),
                  "w=0 750 data=0\ntmpfs-ro\ntmpfs-writable\n");
        assert_int_equal(access(dst_rw, F_OK), -1);

        /* Binds: a missing destination is made; the read-only one cannot be written. One
         * of them lies inside a read-only tmpfs: it is still bound (made before the tmpfs
         * turns read-only). */
        sandbox_init(&s);
        binds[0] = (SandboxBind) { .source = data, .destination = dst_rw, .recursive = true };
        binds[1] = (SandboxBind) { .source = data, .destination = dst_ro, .read_only = true, .recursive = true };
        tmp[0] = (SandboxTmpfs) { .path = t_ro, .options = (char *) "ro" };
        s.binds = binds;
        s.n_binds = 2;
        s.tmpfs = tmp;
        s.n_tmpfs = 1;
        expect_sh(&s, &ctx,
                  "cat $T/bound-rw/f $T/w/bound-ro/f; "
                  WORKS("touch $T/bound-rw/new", bind-writable)
                  FAILS("touch $T/w/bound-ro/new", RO, bind-ro),
                  "secret\nsecret\nbind-writable\nbind-ro\n");
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "test -f %s/data/new", top);
        sh(cmd);
        /* The destination was made on the host (as systemd does), the tmpfs one not. */
        assert_int_equal(access(dst_rw, F_OK), 0);
        assert_int_equal(access(dst_ro, F_OK), -1);
}

static pid_t spawn_nobody_sleeper(void) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
                        _exit(1);
                execl("/bin/sleep", "sleep", "60", (char *) NULL);
                _exit(1);
        }
        return pid;
}

static void test_protect_proc(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        char script[1024];
        pid_t pid = spawn_nobody_sleeper();

        /* As a third user, neither root nor nobody. */
        snprintf(script, sizeof(script),
                 "if test -d /proc/%d; then echo other-visible; else echo other-hidden; fi; "
                 WORKS("test -r /proc/self/status", self-visible), (int) pid);
        sandbox_init(&s);
        expect_sh_as(&s, &ctx, 4242, script, "other-visible\nself-visible\n");
        s.protect_proc = PROTECT_PROC_INVISIBLE;
        expect_sh_as(&s, &ctx, 4242, script, "other-hidden\nself-visible\n");

        sandbox_init(&s);
        s.proc_subset = PROC_SUBSET_PID;
        expect_sh(&s, &ctx,
                  "if test -e /proc/meminfo; then echo meminfo; else echo no-meminfo; fi; "
                  WORKS("test -r /proc/self/status", self-visible),
                  "no-meminfo\nself-visible\n");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

static void test_private_network(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.private_network = true;
        expect_sh(&s, &ctx,
                  "echo interfaces=$(grep -c : /proc/net/dev); "
                  WORKS("ip -o link show lo | grep -q 'LOOPBACK,UP'", lo-up)
                  WORKS("ip -o addr show lo | grep -q 127.0.0.1", lo-addr)
                  FAILS("ip route get 192.0.2.1", "unreachable", no-route),
                  "interfaces=1\nlo-up\nlo-addr\nno-route\n");
}

static void test_private_ipc_and_hostname(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        char script[1024], host_name[256], after[256];
        int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);

        assert_true(id >= 0);
        snprintf(script, sizeof(script),
                 "if awk '{print $2}' /proc/sysvipc/shm | grep -qx %d; then echo shm-visible; "
                 "else echo shm-hidden; fi", id);
        sandbox_init(&s);
        expect_sh(&s, &ctx, script, "shm-visible\n");
        s.private_ipc = true;
        expect_sh(&s, &ctx, script, "shm-hidden\n");
        assert_int_equal(shmctl(id, IPC_RMID, NULL), 0);

        assert_int_equal(gethostname(host_name, sizeof(host_name)), 0);
        sandbox_init(&s);
        s.protect_hostname = true;
        expect_sh(&s, &ctx, "hostname syscage-mounts-test && hostname", "syscage-mounts-test\n");
        assert_int_equal(gethostname(after, sizeof(after)), 0);
        assert_string_equal(host_name, after);
}

/* A tiny root: /usr bound read-only from the host, the usual symlinks, a marker. With
 * MountAPIVFS= (the default with a root): /proc, /sys, a private /dev and a /run tmpfs. */
static void test_root_directory(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        char root[128], cmd[2048];
        SandboxBind bind = { .source = (char *) "/usr", .read_only = true, .recursive = true };

        snprintf(root, sizeof(root), "%s/root", top);
        snprintf(cmd, sizeof(cmd),
                 "set -e; mkdir -p %1$s/usr %1$s/etc; ln -s usr/bin %1$s/bin; ln -s usr/lib %1$s/lib;"
                 "ln -s usr/lib64 %1$s/lib64; ln -s usr/sbin %1$s/sbin; echo inside > %1$s/marker;"
                 "cp %2$s/static-hello %1$s/hello", root, HELPER_DIR);
        sh(cmd);
        sandbox_init(&s);
        s.root_directory = root;
        s.binds = &bind;
        s.n_binds = 1;
        expect_sh(&s, &ctx,
                  "cat /marker; "
                  "if test -e /var/tmp; then echo host-visible; else echo host-hidden; fi; "
                  WORKS("test -r /proc/self/status", proc)
                  WORKS("test -d /sys/kernel", sys)
                  WORKS("echo x > /dev/null", dev-null)
                  WORKS("touch /run/x", run-writable)
                  FAILS("touch /usr/syscage-x", RO, usr-ro)
                  "pwd",
                  "inside\nhost-hidden\nproc\nsys\ndev-null\nrun-writable\nusr-ro\n/\n");
        /* The mount points were made in the root. */
        snprintf(cmd, sizeof(cmd), "test -d %1$s/proc && test -d %1$s/dev && ! test -e %1$s/run/x", root);
        sh(cmd);

        /* A static binary alone in its root, without API filesystems. */
        const char *argv[] = { "/hello", NULL };
        Run how = { .uid = EXEC_UID_UNSET, .path = "/hello", .argv = argv };
        Captured *c = calloc(1, sizeof(Captured));
        sandbox_init(&s);
        s.root_directory = root;
        s.mount_api_vfs_set = true;
        run_in(&s, &ctx, &how, NULL, c);
        assert_int_equal(c->result.report, EXEC_REPORT_EXECED);
        assert_int_equal(c->result.status, 0);
        assert_string_equal(c->out, "hello from a static binary\n");
        free(c);
}

/* A source that must exist and does not: stage MOUNTS, ENOENT, exit 226, nothing run. The
 * same with "-": the bind is skipped. */
static void test_failure_stage(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        SandboxBind bind = { .source = (char *) "/nonexistent-syscage-source", .destination = path_w };
        Captured *c = calloc(1, sizeof(Captured));

        sandbox_init(&s);
        s.binds = &bind;
        s.n_binds = 1;
        run_in(&s, &ctx, NULL, "echo ran", c);
        assert_int_equal(c->result.report, EXEC_REPORT_FAILED);
        assert_int_equal(c->result.stage, EXEC_STAGE_MOUNTS);
        assert_int_equal(c->result.error, ENOENT);
        assert_int_equal(c->result.status, 226);
        assert_string_equal(c->out, "");
        bind.ignore_missing = true;
        expect_sh(&s, &ctx, "echo ran", "ran\n");
        free(c);
}

/* No copy of phase one reaches the service: only 0, 1, 2 and ls's own directory fd. */
static void test_no_fd_leak(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        const char *const writable[] = { path_w, NULL };

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.private_devices = s.private_tmp = s.protect_kernel_tunables = s.protect_kernel_logs = true;
        s.protect_home = PROTECT_HOME_YES;
        ctx.writable = writable;
        expect_sh(&s, &ctx, "echo $(ls /proc/self/fd)", "0 1 2 3\n");
}

/* The same plans with a child that shares the daemon's memory (clone3 with CLONE_VM, chosen
 * when fs.suid_dumpable is 0): unshare() of every namespace works there too. */
static void test_shared_memory_child(void **state) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        const char *const writable[] = { path_w, NULL };

        sh("echo 0 > /proc/sys/fs/suid_dumpable");
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.private_devices = s.private_tmp = s.private_network = s.private_ipc = s.protect_hostname = true;
        ctx.writable = writable;
        expect_sh(&s, &ctx,
                  FAILS("touch /usr/syscage-x", RO, usr-ro)
                  WORKS("touch $T/w/shared", w-writable)
                  "echo interfaces=$(grep -c : /proc/net/dev); hostname syscage-mounts-vm && hostname",
                  "usr-ro\nw-writable\ninterfaces=1\nsyscage-mounts-vm\n");
        restore_suid_dumpable();
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_protect_system),
                cmocka_unit_test(test_full_with_etc_hidden),
                cmocka_unit_test(test_read_write_paths),
                cmocka_unit_test(test_private_tmp),
                cmocka_unit_test(test_private_devices),
                cmocka_unit_test(test_protect_kernel),
                cmocka_unit_test(test_protect_home),
                cmocka_unit_test(test_path_lists),
                cmocka_unit_test(test_temporary_fs_and_binds),
                cmocka_unit_test(test_protect_proc),
                cmocka_unit_test(test_private_network),
                cmocka_unit_test(test_private_ipc_and_hostname),
                cmocka_unit_test(test_root_directory),
                cmocka_unit_test(test_failure_stage),
                cmocka_unit_test(test_no_fd_leak),
                cmocka_unit_test(test_shared_memory_child),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
