/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mount planner: a UnitSandbox and what the daemon knows (MountPlanContext) in, the
 * ordered list of mount operations the launch child runs out. Pure code: no system calls, so
 * the whole meaning of the filesystem directives is tested as tables
 * (tests/unit/test-mount-plan.c). The execution model, the order and the conflict rules are
 * described in mount-plan.h.
 *
 * This file says which ops each directive adds (one or more, with systemd's meanings);
 * lib/mount-builder.c sorts them, applies the conflict rules and packs the survivors into one
 * MountPlan whose strings live in one block.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mount-builder.h"
#include "mount-plan.h"

/* For messages: a NULL string as "(null)". */
static const char *strnull(const char *s) {
        return s ? s : "(null)";
}

static const char *const mount_op_kind_table[_MOUNT_OP_KIND_MAX] = {
        [MOUNT_OP_BIND] = "BIND",
        [MOUNT_OP_TMPFS] = "TMPFS",
        [MOUNT_OP_PROC] = "PROC",
        [MOUNT_OP_DEVPTS] = "DEVPTS",
        [MOUNT_OP_INACCESSIBLE] = "INACCESSIBLE",
        [MOUNT_OP_ATTR] = "ATTR",
        [MOUNT_OP_MKDIR] = "MKDIR",
        [MOUNT_OP_MKFILE] = "MKFILE",
        [MOUNT_OP_SYMLINK] = "SYMLINK",
};

const char *mount_op_kind_to_string(MountOpKind k) {
        return k >= 0 && k < _MOUNT_OP_KIND_MAX ? mount_op_kind_table[k] : NULL;
}

static int add_attr(MountBuilder *b, const char *key, const char *path, bool prefix, unsigned flags,
                    uint64_t set, uint64_t clr) {
        return mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_ATTR, .flags = flags, .target = path,
                                       .prefix = prefix, .attr_set = set, .attr_clr = clr });
}

/* Read-only, recursively: ProtectSystem=, ProtectHome=read-only, ReadOnlyPaths= ... */
static int add_ro(MountBuilder *b, const char *key, const char *path, bool prefix, bool ignore_missing) {
        return add_attr(b, key, path, prefix,
                        MOUNT_OP_RECURSIVE | (ignore_missing ? MOUNT_OP_IGNORE_MISSING : 0u),
                        MOUNT_PLAN_ATTR_RDONLY, 0);
}

/* The phase-one copy of PATH bound back onto PATH: it keeps the host's modes whatever the
 * ops above it did. */
static int add_restore(MountBuilder *b, const char *key, const char *path, bool prefix, bool ignore_missing) {
        _cleanup_free_ char *t = mount_builder_target(b, path, prefix);
        if (!t)
                return -ENOMEM;
        return mount_builder_add(b, key, &(MountOpSpec) {
                .kind = MOUNT_OP_BIND,
                .flags = MOUNT_OP_CLONE_SOURCE | MOUNT_OP_RECURSIVE | MOUNT_OP_RESTORE |
                         (ignore_missing ? MOUNT_OP_IGNORE_MISSING : 0u),
                .source = t, .target = t });
}

static int add_inaccessible(MountBuilder *b, const char *key, const MountPlanContext *ctx, const char *path,
                            bool prefix, bool ignore_missing) {
        if (!ctx->inaccessible_file)
                return mount_builder_error(b, -EINVAL, key, "no inaccessible file node to hide %s with", path);
        return mount_builder_add(b, key, &(MountOpSpec) {
                .kind = MOUNT_OP_INACCESSIBLE,
                .flags = MOUNT_OP_CLONE_SOURCE | (ignore_missing ? MOUNT_OP_IGNORE_MISSING : 0u),
                .source = ctx->inaccessible_file, .target = path, .prefix = prefix });
}

static int add_tmpfs(MountBuilder *b, const char *key, const char *path, const char *data, uint64_t flags,
                     bool read_only, bool ignore_missing) {
        unsigned f = ignore_missing ? MOUNT_OP_IGNORE_MISSING : 0u;
        int r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_TMPFS, .flags = f, .target = path,
                                        .prefix = true, .data = data, .attr_set = flags });
        if (r < 0 || !read_only)
                return r;
        /* Read-only once whatever the plan puts inside exists; not its submounts. */
        return add_attr(b, key, path, true, f | MOUNT_OP_LATE, MOUNT_PLAN_ATTR_RDONLY, 0);
}


/* ---- the directives ---- */

static int add_protect_system(MountBuilder *b, ProtectSystem p) {
        static const char *const yes[] = { "/usr", "/boot", "/efi" };
        static const char *const strict_keep[] = { "/dev", "/proc", "/sys" };
        static const char *const strict_keep_optional[] = { "/home", "/run/user", "/root" };
        const char *key = "ProtectSystem";
        int r;

        if (p == PROTECT_SYSTEM_STRICT) {
                if ((r = add_ro(b, key, "/", true, false)) < 0)
                        return r;
                /* The API filesystems keep their modes (PrivateDevices=, ProtectKernelTunables=
                 * and friends protect them), and so do the homes (ProtectHome=). */
                for (size_t i = 0; i < ELEMENTSOF(strict_keep); i++)
                        if ((r = add_restore(b, key, strict_keep[i], true, false)) < 0)
                                return r;
                for (size_t i = 0; i < ELEMENTSOF(strict_keep_optional); i++)
                        if ((r = add_restore(b, key, strict_keep_optional[i], true, true)) < 0)
                                return r;
                return 0;
        }
        if (p == PROTECT_SYSTEM_NO)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if ((r = add_ro(b, key, yes[i], true, i > 0)) < 0)
                        return r;
        if (p == PROTECT_SYSTEM_FULL && (r = add_ro(b, key, "/etc", true, false)) < 0)
                return r;
        return 0;
}

static int add_protect_home(MountBuilder *b, const MountPlanContext *ctx, ProtectHome p) {
        static const char *const homes[] = { "/home", "/run/user", "/root" };
        const char *key = "ProtectHome";
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(homes) && r >= 0; i++)
                switch (p) {
                case PROTECT_HOME_YES:
                        r = add_inaccessible(b, key, ctx, homes[i], true, true);
                        break;
                case PROTECT_HOME_READ_ONLY:
                        r = add_ro(b, key, homes[i], true, true);
                        break;
                case PROTECT_HOME_TMPFS:
                        r = add_tmpfs(b, key, homes[i], streq(homes[i], "/root") ? "mode=0700" : "mode=0755",
                                      MOUNT_PLAN_ATTR_NODEV, true, true);
                        break;
                default:
                        break;
                }
        return r;
}

/* A private /dev at ROOT/dev (PrivateDevices=, or MountAPIVFS= with a root): a tmpfs with the
 * harmless device nodes bound in from the host, a new devpts instance, the host's /dev/shm,
 * /dev/mqueue and /dev/hugepages, the usual symlinks; read-only at the end (its submounts
 * are not). */
static int add_private_dev(MountBuilder *b) {
        static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
        static const struct { const char *name, *to; } links[] = {
                { "ptmx", "pts/ptmx" },
                { "fd", "/proc/self/fd" },
                { "stdin", "/proc/self/fd/0" },
                { "stdout", "/proc/self/fd/1" },
                { "stderr", "/proc/self/fd/2" },
                { "log", "/run/systemd/journal/dev-log" },
        };
        static const char *const shared[] = { "shm", "mqueue", "hugepages" };
        const char *key = "PrivateDevices";
        char host[64], path[64];
        int r;

        if ((r = add_tmpfs(b, key, "/dev", "mode=0755", MOUNT_PLAN_ATTR_NOSUID | MOUNT_PLAN_ATTR_NOEXEC,
                           true, false)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
                (void) snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
                if ((r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_MKFILE, .target = host, .prefix = true,
                                                 .mode = 0644 })) < 0 ||
                    (r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_BIND, .flags = MOUNT_OP_CLONE_SOURCE,
                                                 .source = host, .target = host, .prefix = true })) < 0)
                        return r;
        }
        if ((r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_MKDIR, .target = "/dev/pts", .prefix = true,
                                         .mode = 0755 })) < 0 ||
            (r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_DEVPTS, .target = "/dev/pts", .prefix = true,
                                         .data = "newinstance,ptmxmode=0666,mode=0620,gid=5",
                                         .attr_set = MOUNT_PLAN_ATTR_NOSUID | MOUNT_PLAN_ATTR_NOEXEC })) < 0)
                return r;
        /* Their mount points only where the host has them. */
        for (size_t i = 0; i < ELEMENTSOF(shared); i++) {
                (void) snprintf(host, sizeof(host), "/dev/%s", shared[i]);
                if ((r = mount_builder_add(b, key, &(MountOpSpec) {
                                .kind = MOUNT_OP_BIND,
                                .flags = MOUNT_OP_CLONE_SOURCE | MOUNT_OP_RECURSIVE | MOUNT_OP_CREATE_TARGET |
                                         MOUNT_OP_IGNORE_MISSING,
                                .source = host, .target = host, .prefix = true })) < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                (void) snprintf(path, sizeof(path), "/dev/%s", links[i].name);
                if ((r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_SYMLINK, .source = links[i].to,
                                                 .target = path, .prefix = true })) < 0)
                        return r;
        }
        return 0;
}

static int add_kernel_tunables(MountBuilder *b, const MountPlanContext *ctx) {
        static const char *const proc_ro[] = {
                "/proc/acpi", "/proc/apm", "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
                "/proc/latency_stats", "/proc/mtrr", "/proc/scsi", "/proc/sys",
                "/proc/sysrq-trigger", "/proc/timer_stats",
        };
        static const char *const proc_hidden[] = { "/proc/kallsyms", "/proc/kcore" };
        static const char *const sys_ro[] = { "/sys/fs/bpf", "/sys/kernel/debug", "/sys/kernel/tracing" };
        const char *key = "ProtectKernelTunables";
        int r;

        for (size_t i = 0; i < ELEMENTSOF(proc_ro); i++)
                if ((r = add_ro(b, key, proc_ro[i], true, true)) < 0)
                        return r;
        for (size_t i = 0; i < ELEMENTSOF(proc_hidden); i++)
                if ((r = add_inaccessible(b, key, ctx, proc_hidden[i], true, true)) < 0)
                        return r;
        if ((r = add_ro(b, key, "/sys", true, false)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(sys_ro); i++)
                if ((r = add_ro(b, key, sys_ro[i], true, true)) < 0)
                        return r;
        /* The cgroup tree is ProtectControlGroups='s business: it keeps the host's mode. */
        if ((r = add_restore(b, key, "/sys/fs/cgroup", true, true)) < 0)
                return r;
        return add_restore(b, key, "/sys/fs/selinux", true, true);
}

static int add_kernel_modules_logs_cgroups(MountBuilder *b, const UnitSandbox *s, const MountPlanContext *ctx) {
        static const char *const modules[] = { "/usr/lib/modules", "/lib/modules" };
        static const char *const logs[] = { "/proc/kmsg", "/dev/kmsg" };
        int r;

        for (size_t i = 0; s->protect_kernel_modules && i < ELEMENTSOF(modules); i++)
                if ((r = add_inaccessible(b, "ProtectKernelModules", ctx, modules[i], true, true)) < 0)
                        return r;
        for (size_t i = 0; s->protect_kernel_logs && i < ELEMENTSOF(logs); i++)
                if ((r = add_inaccessible(b, "ProtectKernelLogs", ctx, logs[i], true, true)) < 0)
                        return r;
        if (s->protect_control_groups &&
            (r = add_ro(b, "ProtectControlGroups", "/sys/fs/cgroup", true, false)) < 0)
                return r;
        return 0;
}

static const char *proc_options(const UnitSandbox *s, char *buf, size_t size) {
        static const char *const hidepid[_PROTECT_PROC_MAX] = {
                [PROTECT_PROC_NOACCESS] = "noaccess",
                [PROTECT_PROC_INVISIBLE] = "invisible",
                [PROTECT_PROC_PTRACEABLE] = "ptraceable",
        };
        bool h = s->protect_proc > PROTECT_PROC_DEFAULT && s->protect_proc < _PROTECT_PROC_MAX;
        bool subset = s->proc_subset == PROC_SUBSET_PID;

        if (!h && !subset)
                return NULL;
        (void) snprintf(buf, size, "%s%s%s%s", h ? "hidepid=" : "", h ? hidepid[s->protect_proc] : "",
                        h && subset ? "," : "", subset ? "subset=pid" : "");
        return buf;
}

static int add_proc(MountBuilder *b, const UnitSandbox *s, bool api_vfs) {
        char buf[64];
        const char *data = proc_options(s, buf, sizeof(buf));

        if (!data && !api_vfs)
                return 0;
        return mount_builder_add(b, "ProtectProc", &(MountOpSpec) {
                .kind = MOUNT_OP_PROC, .target = "/proc", .prefix = true, .data = data,
                .attr_set = MOUNT_PLAN_ATTR_NOSUID | MOUNT_PLAN_ATTR_NODEV | MOUNT_PLAN_ATTR_NOEXEC });
}

/* MountAPIVFS= with a root: /proc, /sys, /dev and /run inside it; their mount points are made
 * (on the root's filesystem) before anything else. */
static int add_api_vfs(MountBuilder *b, const UnitSandbox *s) {
        static const char *const points[] = { "/proc", "/sys", "/dev", "/run" };
        const char *key = "MountAPIVFS";
        int r;

        for (size_t i = 0; i < ELEMENTSOF(points); i++)
                if ((r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_MKDIR, .flags = MOUNT_OP_EARLY,
                                                 .target = points[i], .prefix = true, .mode = 0755 })) < 0)
                        return r;
        if ((r = add_proc(b, s, true)) < 0 ||
            (r = mount_builder_add(b, key, &(MountOpSpec) { .kind = MOUNT_OP_BIND,
                                         .flags = MOUNT_OP_CLONE_SOURCE | MOUNT_OP_RECURSIVE,
                                         .source = "/sys", .target = "/sys", .prefix = true })) < 0 ||
            (r = add_private_dev(b)) < 0)
                return r;
        return add_tmpfs(b, key, "/run", "mode=0755", MOUNT_PLAN_ATTR_NOSUID | MOUNT_PLAN_ATTR_NODEV,
                         false, false);
}

typedef enum PathListKind {
        PATHS_READ_WRITE,
        PATHS_READ_ONLY,
        PATHS_INACCESSIBLE,
        PATHS_EXEC,
        PATHS_NO_EXEC,
} PathListKind;

/* PATH with its links resolved by the context's resolver (host paths only), else PATH. */
static const char *resolve_path(const MountPlanContext *ctx, const char *path, bool root_relative,
                                char *buf, size_t size) {
        if (root_relative || !ctx->resolve || ctx->resolve(path, buf, size, ctx->resolve_userdata) < 0 ||
            buf[0] != '/')
                return path;
        return buf;
}

static int add_path_list(MountBuilder *b, const MountPlanContext *ctx, const SandboxPathList *l,
                         PathListKind kind, const char *key) {
        int r = 0;

        if (l->n > UNIT_SANDBOX_PATHS_MAX)
                return mount_builder_error(b, -E2BIG, key, "more than %u paths", UNIT_SANDBOX_PATHS_MAX);
        for (size_t i = 0; i < l->n && r >= 0; i++) {
                const SandboxPath *p = &l->items[i];
                unsigned f = MOUNT_OP_RECURSIVE | (p->ignore_missing ? MOUNT_OP_IGNORE_MISSING : 0u);
                char resolved[MOUNT_PLAN_PATH_MAX];

                if (!p->path || p->path[0] != '/')
                        return mount_builder_error(b, -EINVAL, key, "path is not absolute: %s", strnull(p->path));
                const char *path = resolve_path(ctx, p->path, p->root_relative, resolved, sizeof(resolved));
                /* Without "+" a path is the host's, as written; outside the root it is dropped. */
                switch (kind) {
                case PATHS_READ_WRITE:
                        r = add_restore(b, key, path, p->root_relative, p->ignore_missing);
                        break;
                case PATHS_READ_ONLY:
                        r = add_attr(b, key, path, p->root_relative, f, MOUNT_PLAN_ATTR_RDONLY, 0);
                        break;
                case PATHS_INACCESSIBLE:
                        r = add_inaccessible(b, key, ctx, path, p->root_relative, p->ignore_missing);
                        break;
                case PATHS_EXEC:
                        r = add_attr(b, key, path, p->root_relative, f, 0, MOUNT_PLAN_ATTR_NOEXEC);
                        break;
                case PATHS_NO_EXEC:
                        r = add_attr(b, key, path, p->root_relative, f, MOUNT_PLAN_ATTR_NOEXEC, 0);
                        break;
                }
        }
        return r;
}

static int add_binds(MountBuilder *b, const MountPlanContext *ctx, const UnitSandbox *s) {
        char resolved[MOUNT_PLAN_PATH_MAX];
        int r;

        if (s->n_binds > UNIT_SANDBOX_PATHS_MAX)
                return mount_builder_error(b, -E2BIG, "BindPaths", "more than %u paths", UNIT_SANDBOX_PATHS_MAX);
        for (size_t i = 0; i < s->n_binds; i++) {
                const SandboxBind *d = &s->binds[i];
                const char *key = d->read_only ? "BindReadOnlyPaths" : "BindPaths";

                if (!d->source || d->source[0] != '/')
                        return mount_builder_error(b, -EINVAL, key, "source is not absolute: %s", strnull(d->source));
                r = mount_builder_add(b, key, &(MountOpSpec) {
                        .kind = MOUNT_OP_BIND,
                        .flags = MOUNT_OP_CLONE_SOURCE | MOUNT_OP_CREATE_TARGET |
                                 (d->recursive ? MOUNT_OP_RECURSIVE : 0u) |
                                 (d->ignore_missing ? MOUNT_OP_IGNORE_MISSING : 0u),
                        .source = d->source,
                        .target = resolve_path(ctx, d->destination ? d->destination : d->source,
                                               b->root != NULL, resolved, sizeof(resolved)),
                        .prefix = true,
                        .attr_set = d->read_only ? MOUNT_PLAN_ATTR_RDONLY : 0 });
                if (r < 0)
                        return r;
        }
        return 0;
}

/* TemporaryFileSystem=PATH:OPTIONS. The flags among the options become mount flags ("ro" a
 * late read-only attribute, so that binds into the tmpfs still work); the rest is tmpfs data,
 * after the default "mode=0755" (a later mode= wins). */
static int add_temporary_fs(MountBuilder *b, const SandboxTmpfs *t) {
        static const struct { const char *name; uint64_t set, clr; } flags[] = {
                { "nosuid", MOUNT_PLAN_ATTR_NOSUID, 0 }, { "suid", 0, MOUNT_PLAN_ATTR_NOSUID },
                { "nodev", MOUNT_PLAN_ATTR_NODEV, 0 },   { "dev", 0, MOUNT_PLAN_ATTR_NODEV },
                { "noexec", MOUNT_PLAN_ATTR_NOEXEC, 0 }, { "exec", 0, MOUNT_PLAN_ATTR_NOEXEC },
        };
        const char *key = "TemporaryFileSystem";
        uint64_t attr = MOUNT_PLAN_ATTR_NODEV;
        bool ro = false;
        char data[MOUNT_PLAN_DATA_MAX] = "mode=0755";
        size_t len = strlen(data);

        if (!t->path || t->path[0] != '/')
                return mount_builder_error(b, -EINVAL, key, "path is not absolute: %s", strnull(t->path));
        for (const char *p = t->options; p && *p;) {
                size_t n = strcspn(p, ",");
                bool known = false;

                if (n == 2 && strneq(p, "ro", 2))
                        ro = known = true;
                else if (n == 2 && strneq(p, "rw", 2))
                        known = true, ro = false;
                for (size_t i = 0; !known && i < ELEMENTSOF(flags); i++)
                        if (strlen(flags[i].name) == n && strneq(p, flags[i].name, n)) {
                                attr = (attr | flags[i].set) & ~flags[i].clr;
                                known = true;
                        }
                if (!known && n > 0) {
                        if (len + 1 + n >= sizeof(data))
                                return mount_builder_error(b, -E2BIG, key, "mount options longer than %u bytes",
                                                  MOUNT_PLAN_DATA_MAX - 1);
                        data[len++] = ',';
                        memcpy(data + len, p, n);
                        data[len += n] = '\0';
                }
                p += n + (p[n] == ',');
        }
        return add_tmpfs(b, key, t->path, data, attr, ro, false);
}

/* A nested name (StateDirectory=a/b) lies below a directory ("a") that the private tmpfs does
 * not have: its components between the private parent and itself are made first. */
static int add_private_dir_parents(MountBuilder *b, const MountPlanContext *ctx, const char *dir) {
        char buf[MOUNT_PLAN_PATH_MAX];
        size_t n = strlen(dir);
        int r;

        if (n >= sizeof(buf))
                return mount_builder_error(b, -ENAMETOOLONG, "DynamicUser", "path too long: %s", dir);
        for (const char *const *p = ctx->private_parents; p && *p; p++) {
                size_t k = strlen(*p);
                if (k >= n || strncmp(dir, *p, k) != 0 || dir[k] != '/')
                        continue;
                memcpy(buf, dir, n + 1);
                for (char *q = buf + k + 1; (q = strchr(q, '/')); q++) {
                        *q = '\0';
                        r = mount_builder_add(b, "DynamicUser", &(MountOpSpec) { .kind = MOUNT_OP_MKDIR,
                                                  .target = buf, .prefix = true, .mode = 0755 });
                        *q = '/';
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        return 0;
}

static int add_context(MountBuilder *b, const UnitSandbox *s, const MountPlanContext *ctx, bool private_tmp) {
        int r;

        if (private_tmp) {
                if (!ctx->private_tmp)
                        return mount_builder_error(b, -EINVAL, "PrivateTmp", "no private /tmp directory was prepared");
                if ((r = mount_builder_add(b, "PrivateTmp", &(MountOpSpec) { .kind = MOUNT_OP_BIND, .flags = MOUNT_OP_CLONE_SOURCE,
                                                          .source = ctx->private_tmp, .target = "/tmp",
                                                          .prefix = true })) < 0)
                        return r;
                if (ctx->private_var_tmp &&
                    (r = mount_builder_add(b, "PrivateTmp", &(MountOpSpec) { .kind = MOUNT_OP_BIND, .flags = MOUNT_OP_CLONE_SOURCE,
                                                          .source = ctx->private_var_tmp,
                                                          .target = "/var/tmp", .prefix = true })) < 0)
                        return r;
        }
        for (const char *const *w = ctx->writable; w && *w; w++)
                if ((r = add_restore(b, "ReadWritePaths", *w, true, false)) < 0)
                        return r;
        for (const char *const *h = ctx->hidden; h && *h; h++)
                if ((r = add_inaccessible(b, "ProtectSupervisor", ctx, *h, true, true)) < 0)
                        return r;
        for (const char *const *p = ctx->private_parents; p && *p; p++)
                if ((r = add_tmpfs(b, "DynamicUser", *p, "mode=0755",
                                   MOUNT_PLAN_ATTR_NOSUID | MOUNT_PLAN_ATTR_NODEV, false, false)) < 0)
                        return r;
        for (const char *const *d = ctx->private_dirs; d && *d; d++)
                if ((r = add_private_dir_parents(b, ctx, *d)) < 0 ||
                    (r = mount_builder_add(b, "DynamicUser", &(MountOpSpec) { .kind = MOUNT_OP_MKDIR, .target = *d,
                                                           .prefix = true, .mode = 0755 })) < 0 ||
                    (r = mount_builder_add(b, "DynamicUser", &(MountOpSpec) { .kind = MOUNT_OP_BIND,
                                                           .flags = MOUNT_OP_CLONE_SOURCE | MOUNT_OP_RECURSIVE,
                                                           .source = *d, .target = *d, .prefix = true })) < 0)
                        return r;
        return 0;
}

static int collect(MountBuilder *b, const UnitSandbox *s, const MountPlanContext *ctx) {
        /* DynamicUser= implies these, and they cannot be weakened (systemd.exec(5)). */
        ProtectSystem ps = s->dynamic_user ? PROTECT_SYSTEM_STRICT : s->protect_system;
        ProtectHome ph = s->dynamic_user && s->protect_home == PROTECT_HOME_NO ? PROTECT_HOME_READ_ONLY
                                                                                : s->protect_home;
        bool private_tmp = s->private_tmp || s->dynamic_user;
        bool api_vfs = b->root && (s->mount_api_vfs_set ? s->mount_api_vfs : true);
        int r;

        if (b->root && (r = mount_builder_add(b, "RootDirectory", &(MountOpSpec) {
                                .kind = MOUNT_OP_BIND, .flags = MOUNT_OP_CLONE_SOURCE | MOUNT_OP_RECURSIVE,
                                .source = b->root, .target = b->root })) < 0)
                return r;
        if ((r = add_protect_system(b, ps)) < 0 ||
            (r = add_protect_home(b, ctx, ph)) < 0)
                return r;
        if (api_vfs)
                r = add_api_vfs(b, s);
        else if ((r = add_proc(b, s, false)) >= 0 && s->private_devices)
                r = add_private_dev(b);
        if (r < 0)
                return r;
        if ((s->protect_kernel_tunables && (r = add_kernel_tunables(b, ctx)) < 0) ||
            (r = add_kernel_modules_logs_cgroups(b, s, ctx)) < 0)
                return r;
        if ((r = add_path_list(b, ctx, &s->read_write_paths, PATHS_READ_WRITE, "ReadWritePaths")) < 0 ||
            (r = add_path_list(b, ctx, &s->read_only_paths, PATHS_READ_ONLY, "ReadOnlyPaths")) < 0 ||
            (r = add_path_list(b, ctx, &s->inaccessible_paths, PATHS_INACCESSIBLE, "InaccessiblePaths")) < 0 ||
            (r = add_path_list(b, ctx, &s->exec_paths, PATHS_EXEC, "ExecPaths")) < 0 ||
            (r = add_path_list(b, ctx, &s->no_exec_paths, PATHS_NO_EXEC, "NoExecPaths")) < 0 ||
            (r = add_binds(b, ctx, s)) < 0)
                return r;
        if (s->n_tmpfs > UNIT_SANDBOX_PATHS_MAX)
                return mount_builder_error(b, -E2BIG, "TemporaryFileSystem", "more than %u paths", UNIT_SANDBOX_PATHS_MAX);
        for (size_t i = 0; i < s->n_tmpfs; i++)
                if ((r = add_temporary_fs(b, &s->tmpfs[i])) < 0)
                        return r;
        return add_context(b, s, ctx, private_tmp);
}

MountPlan *mount_plan_free(MountPlan *p) {
        if (!p)
                return NULL;
        free(p->ops);
        free(p->strings);
        free(p);
        return NULL;
}

int mount_plan_build(const UnitSandbox *s, const MountPlanContext *ctx, DiagList *diags, MountPlan **ret) {
        static const MountPlanContext empty = {};
        MountBuilder b = { .diags = diags };
        MountPlan *p = NULL;
        int r;

        if (!s || !ret)
                return -EINVAL;
        if (!ctx)
                ctx = &empty;
        if (s->root_directory && !streq(s->root_directory, "/")) {
                if (s->root_directory[0] != '/')
                        return mount_builder_error(&b, -EINVAL, "RootDirectory", "path is not absolute: %s",
                                                   s->root_directory);
                b.root = s->root_directory;
        }
        if ((r = collect(&b, s, ctx)) >= 0)
                r = mount_builder_finish(&b, &p);
        mount_builder_done(&b);
        if (r < 0)
                return r;
        if (p->n_ops > 0 || s->private_mounts)
                p->unshare_flags |= CLONE_NEWNS;
        if (s->private_network) {
                p->unshare_flags |= CLONE_NEWNET;
                p->loopback_up = true;
        }
        if (s->private_ipc)
                p->unshare_flags |= CLONE_NEWIPC;
        if (s->protect_hostname)
                p->unshare_flags |= CLONE_NEWUTS;
        *ret = p;
        return 0;
}

/* ---- formatting ---- */

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...) _printf_(4, 5);
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...) {
        va_list ap;

        if (*len >= size)
                return;
        va_start(ap, fmt);
        int n = vsnprintf(buf + *len, size - *len, fmt, ap);
        va_end(ap);
        if (n > 0)
                *len = MIN(*len + (size_t) n, size);
}

char *mount_op_format(const MountOp *op, char *buf, size_t size) {
        static const struct { uint64_t bit; const char *name; } attrs[] = {
                { MOUNT_PLAN_ATTR_RDONLY, "ro" },
                { MOUNT_PLAN_ATTR_NOSUID, "nosuid" },
                { MOUNT_PLAN_ATTR_NODEV, "nodev" },
                { MOUNT_PLAN_ATTR_NOEXEC, "noexec" },
        };
        static const struct { unsigned bit; const char *name; } flags[] = {
                { MOUNT_OP_CLONE_SOURCE, "clone" },
                { MOUNT_OP_RECURSIVE, "rec" },
                { MOUNT_OP_RESTORE, "restore" },
                { MOUNT_OP_CREATE_TARGET, "create" },
                { MOUNT_OP_IGNORE_MISSING, "ignore-missing" },
                { MOUNT_OP_EARLY, "early" },
                { MOUNT_OP_LATE, "late" },
        };
        size_t len = 0;

        if (size == 0)
                return buf;
        buf[0] = '\0';
        append(buf, size, &len, "%s", strnull(mount_op_kind_to_string(op->kind)));
        if (op->kind == MOUNT_OP_SYMLINK) /* as ls -l shows it */
                append(buf, size, &len, " %s -> %s", strnull(op->target), strnull(op->source));
        else if (op->source && op->kind != MOUNT_OP_INACCESSIBLE)
                append(buf, size, &len, " %s -> %s", op->source, strnull(op->target));
        else
                append(buf, size, &len, " %s", strnull(op->target));
        if (op->data)
                append(buf, size, &len, " %s", op->data);
        if (op->kind == MOUNT_OP_MKDIR || op->kind == MOUNT_OP_MKFILE)
                append(buf, size, &len, " %04o", (unsigned) op->mode);
        for (size_t i = 0; i < ELEMENTSOF(attrs); i++)
                if (op->attr_set & attrs[i].bit)
                        append(buf, size, &len, " +%s", attrs[i].name);
        for (size_t i = 0; i < ELEMENTSOF(attrs); i++)
                if (op->attr_clr & attrs[i].bit)
                        append(buf, size, &len, " -%s", attrs[i].name);
        for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                if (op->flags & flags[i].bit)
                        append(buf, size, &len, " %s", flags[i].name);
        return buf;
}
