/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's half of the mount plan's input: paths that exist only at run time. See
 * unit-sandbox-context.h.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/manager.h"
#include "core/unit-dirs.h"
#include "core/unit-runtime.h"
#include "core/unit-sandbox-context.h"
#include "strv.h"

UnitSandboxContext *unit_sandbox_context_free(UnitSandboxContext *c) {
        if (!c)
                return NULL;
        free(c->private_tmp);
        free(c->private_var_tmp);
        free(c->inaccessible_file);
        strv_free(c->writable);
        strv_free(c->hidden);
        strv_free(c->private_parents);
        strv_free(c->private_dirs);
        free(c);
        return NULL;
}

static int dup_or_null(const char *s, char **ret) {
        *ret = NULL;
        if (s && !(*ret = strdup(s)))
                return -ENOMEM;
        return 0;
}

static int build_hidden(const Manager *m, char ***ret) {
        _cleanup_strv_free_ char **l = strv_copy(m->units_dirs);
        if (!l || strv_extend(&l, m->state_dir) < 0 || strv_extend(&l, m->runtime_dir) < 0 ||
            strv_extend(&l, m->socket_path) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* The planner's resolver: the host path with its links resolved, as the kernel would follow
 * them now. A path that does not exist (yet) is left as written. */
static int resolve_host_path(const char *path, char *buf, size_t size, void *userdata) {
        (void) userdata;
        if (size < PATH_MAX) /* realpath() writes up to PATH_MAX bytes */
                return -ENAMETOOLONG;
        return realpath(path, buf) ? 0 : -errno;
}

int unit_sandbox_context_build(const Unit *u, UnitSandboxContext **ret) {
        _cleanup_(unit_sandbox_context_freep) UnitSandboxContext *c = calloc(1, sizeof(UnitSandboxContext));
        const Manager *m = u->manager;
        const UnitRuntime *rt = u->runtime;
        int r;

        if (!c)
                return -ENOMEM;
        if (dup_or_null(rt ? rt->private_tmp.tmp : NULL, &c->private_tmp) < 0 ||
            dup_or_null(rt ? rt->private_tmp.var_tmp : NULL, &c->private_var_tmp) < 0 ||
            dup_or_null(m->inaccessible_file, &c->inaccessible_file) < 0)
                return -ENOMEM;
        r = unit_dirs_paths(u, rt && rt->started && rt->dynamic, &c->writable, &c->private_parents,
                            &c->private_dirs);
        if (r < 0)
                return r;
        r = build_hidden(m, &c->hidden);
        if (r < 0)
                return r;
        c->ctx = (MountPlanContext) {
                .private_tmp = c->private_tmp,
                .private_var_tmp = c->private_var_tmp,
                .inaccessible_file = c->inaccessible_file,
                .writable = (const char *const *) c->writable,
                .hidden = (const char *const *) c->hidden,
                .private_parents = (const char *const *) c->private_parents,
                .private_dirs = (const char *const *) c->private_dirs,
                .resolve = resolve_host_path,
        };
        *ret = TAKE_PTR(c);
        return 0;
}

int unit_sandbox_inaccessible_setup(const char *runtime_dir, char **ret_file) {
        _cleanup_close_ int run_fd = open(runtime_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (run_fd < 0)
                return -errno;
        if (mkdirat(run_fd, "inaccessible", 0755) < 0 && errno != EEXIST)
                return -errno;
        _cleanup_close_ int fd = openat(run_fd, "inaccessible", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        _cleanup_close_ int reg = openat(fd, "reg", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0000);
        /* Mode 0000 keeps out an owner without CAP_DAC_OVERRIDE too (syscaged --user): the
         * file of a previous run is replaced by a new one. */
        if (reg < 0 && errno == EACCES && unlinkat(fd, "reg", 0) >= 0)
                reg = openat(fd, "reg", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0000);
        if (reg < 0 || fchmod(reg, 0000) < 0 || ftruncate(reg, 0) < 0)
                return -errno;
        if (mkdirat(fd, "dir", 0000) < 0 && errno != EEXIST)
                return -errno;
        if (fchmodat(fd, "dir", 0000, 0) < 0)
                return -errno;
        char *s;
        if (asprintf(&s, "%s/inaccessible/reg", runtime_dir) < 0)
                return -ENOMEM;
        *ret_file = s;
        return 0;
}
