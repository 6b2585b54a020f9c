/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attacks on the mount plan, run for real: each builds a sandbox, plants what a service could
 * plant, runs a shell in the sandbox and looks on the host whether the attack got through.
 * Prints one line per attack, "HELD name" or "BROKEN name: what happened"; exits 1 if any
 * broke. Not part of a test suite: a record of what was tried (see README in this folder).
 *
 * Needs root (exit 77 otherwise). Its files live in one directory under /var/lib.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/sysmacros.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "launch-harness.h"
#include "mount-plan.h"

static char top[64], env_t[96], path_inacc[96], path_ptmp[96], path_pvtmp[96];
static const char *env[] = { "PATH=/usr/bin:/bin:/usr/sbin:/sbin", env_t, NULL };
static int broken;

_printf_(1, 2) static void sh(const char *fmt, ...) {
        char cmd[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        if (system(cmd) != 0)
                fprintf(stderr, "setup failed: %s\n", cmd);
}

static void sandbox_init(UnitSandbox *s) {
        memset(s, 0, sizeof(*s));
        s->protect_supervisor = -1;
}

static MountPlanContext context(void) {
        return (MountPlanContext) { .private_tmp = path_ptmp, .private_var_tmp = path_pvtmp,
                                    .inaccessible_file = path_inacc };
}

static SandboxPathList one_path(SandboxPath *p, const char *path) {
        *p = (SandboxPath) { .path = (char *) path };
        return (SandboxPathList) { .items = p, .n = 1 };
}

/* Runs SCRIPT as UID (0: root) in S; the output goes to C. */
static void run(const UnitSandbox *s, const MountPlanContext *ctx, uid_t uid, const char *script, Captured *c) {
        const char *argv[] = { "/bin/sh", "-c", script, NULL };
        MountPlan *mp = NULL;
        ExecPlan plan;

        if (mount_plan_build(s, ctx, NULL, &mp) < 0) {
                fprintf(stderr, "plan failed\n");
                exit(2);
        }
        exec_plan_init(&plan);
        plan.path = "/bin/sh";
        plan.argv = argv;
        plan.envp = env;
        plan.mount_plan = mp;
        /* What the daemon's service-exec.c does with the sandbox's capability drops. */
        plan.capability_bounding_set &= ~unit_sandbox_capabilities_removed(s);
        if (uid != 0) {
                plan.uid = uid;
                plan.gid = uid;
                plan.set_groups = true;
        }
        (void) harness_run(&plan, NULL, c);
        mount_plan_free(mp);
}

static void verdict(const char *name, bool held, const char *what, const Captured *c) {
        if (held)
                printf("HELD   %s\n", name);
        else {
                printf("BROKEN %s: %s\n", name, what);
                broken = 1;
        }
        if (getenv("ATTACK_VERBOSE"))
                fprintf(stderr, "[%s] report %d stage %d errno %d status %d\nout: %s\nerr: %s\n", name,
                        c->result.report, c->result.stage, c->result.error, c->result.status, c->out, c->err);
}

static bool exists(const char *path, const char *unused) {
        return access(path, F_OK) == 0;
}

/* ReadWritePaths= below a directory the service owns: the service made the path a link to
 * /etc in an earlier run; ProtectSystem=strict must still keep /etc read-only. */
static void attack_rw_paths_symlink(Captured *c) {
        UnitSandbox s;
        SandboxPath rw;
        char data[128];
        MountPlanContext ctx = context();

        sh("mkdir -p %s/app && chown 65534:65534 %s/app && ln -sfn /etc %s/app/data", top, top, top);
        snprintf(data, sizeof(data), "%s/app/data", top);
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.read_write_paths = one_path(&rw, data);
        run(&s, &ctx, 0, "touch /etc/syscage-attack-rw 2>&1; echo done", c);
        bool hit = exists("/etc/syscage-attack-rw", NULL);
        unlink("/etc/syscage-attack-rw");
        verdict("ReadWritePaths= through a link the service planted (strict)", !hit,
                "/etc became writable: the restore followed app/data -> /etc", c);
        sh("rm -f %s/app/data", top);
}

/* ReadWritePaths=/.../app/lnk/syscage-attack-sub: an inner component (lnk) that the service
 * made a link to /etc, where a directory of that last name exists. */
static void attack_rw_paths_inner_symlink(Captured *c) {
        UnitSandbox s;
        SandboxPath rw;
        char data[160];
        MountPlanContext ctx = context();

        sh("mkdir -p /etc/syscage-attack-sub %s/app && ln -sfn /etc %s/app/lnk", top, top);
        snprintf(data, sizeof(data), "%s/app/lnk/syscage-attack-sub", top);
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.read_write_paths = one_path(&rw, data);
        run(&s, &ctx, 0, "touch /etc/syscage-attack-sub/x 2>&1; echo done", c);
        bool hit = exists("/etc/syscage-attack-sub/x", NULL);
        sh("rm -rf /etc/syscage-attack-sub; rm -f %s/app/lnk", top);
        verdict("ReadWritePaths= through an inner link the service planted (strict)", !hit,
                "a directory of /etc became writable: the restore followed app/lnk -> /etc", c);
}

/* BindPaths= whose source lies in the service's own directory: a link there to /etc. */
static void attack_bind_source_symlink(Captured *c) {
        UnitSandbox s;
        char src[128], dst[128];
        MountPlanContext ctx = context();

        sh("mkdir -p %s/app %s/mnt && ln -sfn /etc %s/app/src", top, top, top);
        snprintf(src, sizeof(src), "%s/app/src", top);
        snprintf(dst, sizeof(dst), "%s/mnt", top);
        SandboxBind b = { .source = src, .destination = dst };
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.binds = &b;
        s.n_binds = 1;
        run(&s, &ctx, 0, "touch $T/mnt/syscage-attack-bind 2>&1; echo done", c);
        bool hit = exists("/etc/syscage-attack-bind", NULL);
        unlink("/etc/syscage-attack-bind");
        verdict("BindPaths= source through a link the service planted", !hit,
                "the bind followed app/src -> /etc, writable", c);
        sh("rm -f %s/app/src", top);
}

/* ReadOnlyPaths=/x where x is a link the service planted to a place it wants writable:
 * the path it was meant to protect stays writable (the attr lands on the link's target). */
static void attack_ro_paths_symlink(Captured *c) {
        UnitSandbox s;
        SandboxPath ro;
        char conf[128];
        MountPlanContext ctx = context();

        sh("mkdir -p %s/app/real %s/app/elsewhere && ln -sfn elsewhere %s/app/conf", top, top, top);
        snprintf(conf, sizeof(conf), "%s/app/conf", top);
        sandbox_init(&s);
        s.read_only_paths = one_path(&ro, conf);
        run(&s, &ctx, 0, "rm $T/app/conf && mkdir $T/app/conf && touch $T/app/conf/x && echo wrote", c);
        verdict("ReadOnlyPaths= on a link: the name itself stays replaceable", strstr(c->out, "wrote") == NULL,
                "the read-only mount went to the link's target; the service swapped the name "
                "(harmless when the service owns the parent anyway)", c);
        sh("rm -rf %s/app/conf %s/app/elsewhere %s/app/real", top, top, top);
}

/* PrivateDevices=: a root service makes a node of a host device that the private /dev does
 * not have (/dev/kmsg: here the device cgroup denies the disks) in its private /dev and in
 * its private /tmp, and reads from it. */
static void attack_private_devices_mknod(Captured *c) {
        UnitSandbox s;
        struct stat st;
        char script[512];
        MountPlanContext ctx = context();

        if (stat("/dev/kmsg", &st) < 0) {
                printf("SKIP   PrivateDevices= mknod: no /dev/kmsg\n");
                return;
        }
        sandbox_init(&s);
        s.private_devices = true;
        s.private_tmp = true;
        snprintf(script, sizeof(script),
                 "for d in /dev /tmp; do mknod $d/sc-node c %u %u 2>/dev/null && "
                 "timeout 2 dd if=$d/sc-node bs=4096 count=1 2>/dev/null | grep -q . && echo read-$d; done; "
                 "echo done", major(st.st_rdev), minor(st.st_rdev));
        run(&s, &ctx, 0, script, c);
        verdict("PrivateDevices=: mknod of a host device in /dev or /tmp (root service)",
                strstr(c->out, "read-") == NULL, "a host device was read through a new node (CAP_MKNOD kept, /dev "
                "and /tmp allow devices)", c);
}

/* ProtectKernelTunables=: ways around the read-only /proc/sys and /sys. Only opens for
 * writing (O_APPEND, nothing written). */
static void attack_kernel_tunables(Captured *c) {
        UnitSandbox s;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.protect_kernel_tunables = true;
        run(&s, &ctx, 0,
            "for f in /proc/sys/kernel/core_pattern /proc/self/task/$$/../../sys/kernel/core_pattern "
            "/proc/1/root/proc/sys/kernel/core_pattern /proc/sysrq-trigger /sys/kernel/uevent_helper "
            "/sys/kernel/mm/transparent_hugepage/enabled /sys/module/printk/parameters/time "
            "/proc/sys/fs/binfmt_misc/register; do "
            "if (exec 3>>$f) 2>/dev/null; then echo writable:$f; fi; done; "
            "mkdir -p /run/sc-proc && mount -t proc proc /run/sc-proc 2>/dev/null && "
            "(exec 3>>/run/sc-proc/sys/kernel/core_pattern) 2>/dev/null && echo writable:newproc; "
            "umount /run/sc-proc 2>/dev/null; rmdir /run/sc-proc; "
            "mount -o remount,rw /proc/sys 2>/dev/null && echo remounted; echo done",
            c);
        for (char *q = c->out; *q; q++)
                if (*q == '\n')
                        *q = ' ';
        verdict("ProtectKernelTunables=: another way to a kernel tunable (root service)",
                strstr(c->out, "writable:") == NULL && strstr(c->out, "remounted") == NULL, c->out, c);
}

/* ProtectSystem=strict, a service of uid 65534: /proc/PID/root of a host process of the same
 * uid leads to the host's mount namespace. */
static void attack_proc_root_same_uid(Captured *c) {
        UnitSandbox s;
        char script[512];
        MountPlanContext ctx = context();

        sh("mkdir -p %s/nobody && chown 65534:65534 %s/nobody", top, top);
        pid_t pid = fork();
        if (pid == 0) {
                if (setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(1);
                execl("/bin/sleep", "sleep", "30", (char *) NULL);
                _exit(1);
        }
        usleep(100000); /* not a test wait: only the reproducer's host process settling */
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        snprintf(script, sizeof(script),
                 "touch $T/nobody/direct 2>/dev/null && echo direct; "
                 "touch /proc/%d/root$T/nobody/via-proc 2>/dev/null && echo via-proc; echo done", (int) pid);
        run(&s, &ctx, 65534, script, c);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        verdict("ProtectSystem=strict: /proc/PID/root of a same-uid host process", strstr(c->out, "via-proc") == NULL,
                "wrote to the host through /proc/PID/root (same as systemd without ProtectProc=invisible "
                "+ PrivatePIDs; ProtectProc= does not hide same-uid processes)", c);
}

/* PrivateNetwork=: a host abstract unix socket must be out of reach. */
static void attack_private_network_abstract(Captured *c) {
        UnitSandbox s;
        MountPlanContext ctx = context();
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char name[] = "syscage-attack-abstract";

        memcpy(sa.sun_path + 1, name, sizeof(name) - 1);
        socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + sizeof(name) - 1;
        if (fd < 0 || bind(fd, (struct sockaddr *) &sa, len) < 0 || listen(fd, 1) < 0) {
                printf("SKIP   PrivateNetwork= abstract socket\n");
                return;
        }
        sandbox_init(&s);
        s.private_network = true;
        run(&s, &ctx, 0,
            "python3 -c 'import socket;s=socket.socket(socket.AF_UNIX);s.connect(\"\\0syscage-attack-abstract\");"
            "print(\"connected\")' 2>/dev/null; echo done", c);
        close(fd);
        verdict("PrivateNetwork=: host abstract unix socket", strstr(c->out, "connected") == NULL,
                "connected to the host's abstract socket", c);
}

/* Phase-one copies or other daemon fds reaching the service. */
static void attack_fd_leak(Captured *c) {
        UnitSandbox s;
        SandboxPath rw;
        char data[128];
        MountPlanContext ctx = context();

        sh("mkdir -p %s/app/d", top);
        snprintf(data, sizeof(data), "%s/app/d", top);
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        s.read_write_paths = one_path(&rw, data);
        s.private_devices = s.private_tmp = true;
        run(&s, &ctx, 0, "ls /proc/self/fd | tr '\\n' ' '", c);
        verdict("fds of the mount step in the service", streq(c->out, "0 1 2 3 "), c->out, c);
}

/* A root service under ProtectSystem=strict keeps CAP_SYS_ADMIN (no CapabilityBoundingSet=):
 * it can undo its own sandbox. Recorded, as systemd documents the same. */
static void attack_remount(Captured *c) {
        UnitSandbox s;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        run(&s, &ctx, 0,
            "mount -o remount,bind,rw /usr 2>/dev/null || mount -o remount,rw / 2>/dev/null; "
            "touch /usr/syscage-attack-remount 2>/dev/null && echo wrote; echo done", c);
        bool hit = exists("/usr/syscage-attack-remount", NULL);
        unlink("/usr/syscage-attack-remount");
        verdict("ProtectSystem=strict undone by a root service's remount", !hit,
                "root keeps CAP_SYS_ADMIN: the sandbox binds only a service without it (as in systemd)", c);
}

/* ProtectSystem=strict: a mount the host makes after the start propagates in (the service's
 * mounts are slaves of the host's) with the host's flags, read-write. */
static void attack_late_mount(Captured *c) {
        UnitSandbox s;
        char script[512];
        MountPlanContext ctx = context();

        sh("mkdir -p %s/prop/late && mount --bind %s/prop %s/prop && mount --make-shared %s/prop", top, top, top, top);
        pid_t pid = fork();
        if (pid == 0) {
                /* The host, a moment after the service started (it waits for the mount). */
                char m[256];
                snprintf(m, sizeof(m), "%s/prop/late", top);
                usleep(300000);
                execl("/bin/mount", "mount", "-t", "tmpfs", "tmpfs", m, (char *) NULL);
                _exit(1);
        }
        sandbox_init(&s);
        s.protect_system = PROTECT_SYSTEM_STRICT;
        snprintf(script, sizeof(script),
                 "touch $T/prop/before 2>/dev/null && echo wrote-before; "
                 "i=0; while ! grep -q ' %s/prop/late ' /proc/self/mountinfo && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; "
                 "touch $T/prop/late/after 2>/dev/null && echo wrote-late; echo done", top);
        run(&s, &ctx, 0, script, c);
        waitpid(pid, NULL, 0);
        verdict("ProtectSystem=strict: a host mount made after the start", strstr(c->out, "wrote-late") == NULL,
                "the new mount propagated in read-write (as in systemd: only mounts present at the start "
                "are made read-only)", c);
        sh("umount %s/prop/late; umount %s/prop/late 2>/dev/null; umount %s/prop", top, top, top);
}

/* ProtectProc=invisible: another uid's processes are hidden from a service of uid 65534;
 * ProcSubset=pid hides /proc/sys. */
static void attack_protect_proc(Captured *c) {
        UnitSandbox s;
        MountPlanContext ctx = context();

        sandbox_init(&s);
        s.protect_proc = PROTECT_PROC_INVISIBLE;
        s.proc_subset = PROC_SUBSET_PID;
        run(&s, &ctx, 65534,
            "test -e /proc/1 && echo sees-1; test -e /proc/sys/kernel && echo sees-sys; "
            "n=$(ls -d /proc/[0-9]* | wc -l); echo procs=$n; echo done", c);
        verdict("ProtectProc=invisible + ProcSubset=pid (uid 65534)",
                strstr(c->out, "sees-1") == NULL && strstr(c->out, "sees-sys") == NULL, c->out, c);
}

/* DynamicUser=: another dynamic unit's directory in BASE/private must be out of sight; the
 * unit's own (also a nested name, StateDirectory=x/y) is there and writable. */
static void attack_dynamic_private(Captured *c) {
        UnitSandbox s;
        char parent[128], mine[128], nested[128];
        const char *parents[2] = { parent, NULL }, *dirs[3] = { mine, nested, NULL };
        const char *const writable[3] = { mine, nested, NULL };
        MountPlanContext ctx = context();

        snprintf(parent, sizeof(parent), "%s/priv", top);
        snprintf(mine, sizeof(mine), "%s/priv/mine", top);
        snprintf(nested, sizeof(nested), "%s/priv/x/y", top);
        sh("mkdir -p %s/priv/mine %s/priv/other %s/priv/x/y && chmod 0700 %s/priv && echo s > %s/priv/other/secret && "
           "chown -R 61999:61999 %s/priv/mine %s/priv/x/y", top, top, top, top, top, top, top);
        sandbox_init(&s);
        s.dynamic_user = true;
        ctx.private_parents = parents;
        ctx.private_dirs = dirs;
        ctx.writable = writable;
        dirs[1] = NULL;
        run(&s, &ctx, 61999,
            "cat $T/priv/other/secret 2>/dev/null && echo read-other; ls $T/priv | tr '\\n' ' '; "
            "touch $T/priv/mine/f && echo own-writable; echo done", c);
        verdict("DynamicUser=: another unit's private directory",
                c->result.report == EXEC_REPORT_EXECED && strstr(c->out, "own-writable") &&
                strstr(c->out, "read-other") == NULL && strstr(c->out, "other") == NULL, c->out, c);
        dirs[1] = nested;
        run(&s, &ctx, 61999,
            "touch $T/priv/mine/f && echo own-writable; touch $T/priv/x/y/f && echo nested-writable; echo done", c);
        verdict("DynamicUser=: the unit's own private directories (one nested) are writable",
                strstr(c->out, "own-writable") && strstr(c->out, "nested-writable"),
                c->result.report == EXEC_REPORT_EXECED ? c->out : "the start failed (a nested name: the "
                "plan makes only the last component in the private tmpfs)", c);
}

int main(void) {
        Captured *c = calloc(1, sizeof(Captured));

        harness_require_root();
        snprintf(top, sizeof(top), "/var/lib/syscage-attack-XXXXXX");
        if (!c || !mkdtemp(top))
                return 2;
        snprintf(env_t, sizeof(env_t), "T=%s", top);
        snprintf(path_inacc, sizeof(path_inacc), "%s/inaccessible", top);
        snprintf(path_ptmp, sizeof(path_ptmp), "%s/ptmp", top);
        snprintf(path_pvtmp, sizeof(path_pvtmp), "%s/pvtmp", top);
        sh("cd %s && chmod 0755 . && : > inaccessible && chmod 0000 inaccessible && mkdir -m 1777 ptmp pvtmp", top);

        attack_rw_paths_symlink(c);
        attack_rw_paths_inner_symlink(c);
        attack_bind_source_symlink(c);
        attack_ro_paths_symlink(c);
        attack_private_devices_mknod(c);
        attack_kernel_tunables(c);
        attack_proc_root_same_uid(c);
        attack_private_network_abstract(c);
        attack_fd_leak(c);
        attack_remount(c);
        attack_late_mount(c);
        attack_protect_proc(c);
        attack_dynamic_private(c);

        sh("rm -rf %s", top);
        free(c);
        return broken;
}
