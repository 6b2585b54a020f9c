/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
 * ConfigurationDirectory=: where they are, creating them with the right owner, their links,
 * the DynamicUser= layout, the environment and the paths the mount plan needs. See
 * unit-dirs.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/manager.h"
#include "core/tree-remove.h"
#include "core/unit-dirs.h"
#include "exec/exec-plan.h"
#include "message.h"
#include "string-table.h"
#include "strv.h"
#include "sys/fileio.h"
#include "sys/log.h"

static const char *const kind_env[_UNIT_DIR_KIND_MAX] = {
        [UNIT_DIR_RUNTIME] = "RUNTIME_DIRECTORY",
        [UNIT_DIR_STATE] = "STATE_DIRECTORY",
        [UNIT_DIR_CACHE] = "CACHE_DIRECTORY",
        [UNIT_DIR_LOGS] = "LOGS_DIRECTORY",
        [UNIT_DIR_CONFIGURATION] = "CONFIGURATION_DIRECTORY",
};

/* systemd.exec(5), "Automatic directory creation": system units. */
static const char *const kind_base[_UNIT_DIR_KIND_MAX] = {
        [UNIT_DIR_RUNTIME] = "run",
        [UNIT_DIR_STATE] = "var/lib",
        [UNIT_DIR_CACHE] = "var/cache",
        [UNIT_DIR_LOGS] = "var/log",
        [UNIT_DIR_CONFIGURATION] = "etc",
};

/* User units: the XDG variable, the default below $HOME when it is unset or empty (XDG Base
 * Directory Specification; $XDG_RUNTIME_DIR has none), and what follows it. */
static const struct {
        const char *var, *home_default, *suffix;
} kind_user_base[_UNIT_DIR_KIND_MAX] = {
        [UNIT_DIR_RUNTIME] = { "XDG_RUNTIME_DIR", NULL, NULL },
        [UNIT_DIR_STATE] = { "XDG_STATE_HOME", ".local/state", NULL },
        [UNIT_DIR_CACHE] = { "XDG_CACHE_HOME", ".cache", NULL },
        [UNIT_DIR_LOGS] = { "XDG_STATE_HOME", ".local/state", "log" },
        [UNIT_DIR_CONFIGURATION] = { "XDG_CONFIG_HOME", ".config", NULL },
};

/* Under DynamicUser=, the directories that outlive a start live in BASE/private. Not
 * ConfigurationDirectory= (the service does not own it) and not RuntimeDirectory= (often
 * shared with other services). */
static bool kind_is_private(UnitDirKind k, bool dynamic) {
        return dynamic && (k == UNIT_DIR_STATE || k == UNIT_DIR_CACHE || k == UNIT_DIR_LOGS);
}

static const UnitDirList *kind_list(const UnitConfig *c, UnitDirKind k) {
        return &c->directories[k];
}

static const char *env_lookup(char *const *env, const char *name) {
        size_t n = strlen(name);
        for (char *const *e = env; e && *e; e++)
                if (strneq(*e, name, n) && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

int unit_dirs_base_for(UnitDirKind k, bool user, const char *root, char *const *env, char **ret) {
        char *s;

        if (k < 0 || k >= _UNIT_DIR_KIND_MAX)
                return -EINVAL;
        if (!user) {
                root = root ?: "/";
                if (asprintf(&s, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", kind_base[k]) < 0)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        const char *v = env_lookup(env, kind_user_base[k].var), *home = NULL;
        /* The specification: a relative value is invalid and ignored. */
        if (v && v[0] != '/')
                v = NULL;
        if (!v) {
                home = env_lookup(env, "HOME");
                if (!kind_user_base[k].home_default || !home || home[0] != '/')
                        return -ENXIO;
        }
        const char *suffix = kind_user_base[k].suffix;
        int n = v ? asprintf(&s, "%s%s%s", v, suffix ? "/" : "", suffix ?: "")
                  : asprintf(&s, "%s/%s%s%s", streq(home, "/") ? "" : home, kind_user_base[k].home_default,
                             suffix ? "/" : "", suffix ?: "");
        if (n < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int unit_dirs_base(const Manager *m, UnitDirKind k, char **ret) {
        return unit_dirs_base_for(k, m->user_mode, m->directories_root, m->user_mode ? environ : NULL, ret);
}

/* mkdir -p of REL below the directory BASE_FD: the parents 0755, the last one MODE. One
 * component at a time, each opened O_NOFOLLOW from the one before: a component that is a
 * link (a service can replace a directory it may rename with a link to /, say) fails with
 * ELOOP or ENOTDIR instead of leading out of the base. Returns a directory fd of the last
 * one. */
static int mkdir_below_created(int base_fd, const char *rel, mode_t mode, int *ret_fd, bool *ret_created) {
        char path[PATH_MAX];
        int fd = -EBADF;
        bool created = false;

        if (strlen(rel) >= sizeof path)
                return -ENAMETOOLONG;
        strcpy(path, rel);
        for (char *comp = path, *next; comp; comp = next) {
                next = strchr(comp, '/');
                if (next)
                        *next++ = '\0';
                if (*comp == '\0' || streq(comp, "."))
                        continue; /* "a//b", "a/./b", a trailing "/" */
                if (streq(comp, "..")) {
                        safe_close(fd);
                        return -EINVAL;
                }
                int dfd = fd >= 0 ? fd : base_fd;
                created = mkdirat(dfd, comp, next ? 0755 : mode) >= 0;
                if (!created && errno != EEXIST) {
                        int r = -errno;
                        safe_close(fd);
                        return r;
                }
                int sub = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int r = sub < 0 ? -errno : 0;
                safe_close(fd);
                if (r < 0)
                        return r;
                fd = sub;
        }
        if (fd < 0)
                return -EINVAL;
        *ret_fd = fd;
        if (ret_created)
                *ret_created = created;
        return 0;
}

static int mkdir_below(int base_fd, const char *rel, mode_t mode, int *ret_fd) {
        return mkdir_below_created(base_fd, rel, mode, ret_fd, NULL);
}

/* One entry that is not a directory. Pinned with O_PATH|O_NOFOLLOW, so a link itself changes
 * owner, never its target, and what is looked at is what is changed. An inode with more than
 * one name is left alone: the tree's previous owner can make a hard link to a file that is not
 * its own (with fs.protected_hardlinks=0, the kernel's default, to any file it can see, such
 * as /etc/shadow), and giving that file to the new owner would give away the original. */
static int chown_leaf(int dfd, const char *name, uid_t uid, gid_t gid) {
        struct stat st;
        _cleanup_close_ int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
                return 0;
        if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

static int chown_tree_at(int fd, dev_t dev, uid_t uid, gid_t gid, size_t *budget, unsigned depth) {
        int r = 0;

        if (fchown(fd, uid, gid) < 0)
                return -errno;
        if (depth >= UNIT_DIRS_CHOWN_DEPTH_MAX)
                return -E2BIG;
        int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dfd < 0)
                return -errno;
        DIR *d = fdopendir(dfd);
        if (!d) {
                safe_close(dfd);
                return -errno;
        }
        /* The duplicate shares the caller's file position: read from the start. */
        rewinddir(d);
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                struct stat st;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (*budget == 0) {
                        r = -E2BIG;
                        break;
                }
                (*budget)--;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (!S_ISDIR(st.st_mode)) {
                        r = chown_leaf(dirfd(d), de->d_name, uid, gid);
                        continue;
                }
                if (st.st_dev != dev)
                        continue; /* another filesystem mounted here: not ours to change */
                int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        continue; /* replaced meanwhile (by a link, say): left alone */
                r = chown_tree_at(sub, dev, uid, gid, budget, depth + 1);
                safe_close(sub);
        }
        closedir(d);
        return r;
}

int unit_dirs_chown_tree(int dir_fd, uid_t uid, gid_t gid, size_t *budget) {
        struct stat st;
        if (fstat(dir_fd, &st) < 0)
                return -errno;
        return chown_tree_at(dir_fd, st.st_dev, uid, gid, budget, 0);
}

/* Mode and owner of one directory of the unit (systemd.exec(5)): the mode always; under a
 * system manager the owner too (root when the unit names none), and when the directory had
 * another owner, everything in it as well. A user manager cannot give files away. */
static int dir_own(Unit *u, int fd, const char *path, mode_t mode, uid_t uid, gid_t gid) {
        struct stat st;

        if (fchmod(fd, mode) < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (u->manager->user_mode)
                return 0;
        uid_t want_uid = uid == EXEC_UID_UNSET ? 0 : uid;
        gid_t want_gid = gid == EXEC_GID_UNSET ? 0 : gid;
        if (st.st_uid == want_uid && st.st_gid == want_gid)
                return 0; /* what is inside is left as it is, as systemd does */
        size_t budget = UNIT_DIRS_CHOWN_ENTRIES_MAX;
        int r = unit_dirs_chown_tree(fd, want_uid, want_gid, &budget);
        if (r == -E2BIG)
                log_unit_warning(u->name, "%s has more than %u entries or %u levels: only part "
                                 "of it was given to uid %u.", path, UNIT_DIRS_CHOWN_ENTRIES_MAX,
                                 UNIT_DIRS_CHOWN_DEPTH_MAX, (unsigned) want_uid);
        else if (r < 0)
                return r;
        return 0;
}

/* The relative target of a link at BASE/FROM to BASE/PREFIX/TO: "../" for each "/" in FROM. */
static int link_target(const char *from, const char *prefix, const char *to, char *buf, size_t size) {
        size_t n = 0;
        buf[0] = '\0';
        for (const char *p = from; *p; p++)
                if (*p == '/') {
                        if (n + 4 > size)
                                return -ENAMETOOLONG;
                        strcpy(buf + n, "../");
                        n += 3;
                }
        int k = snprintf(buf + n, size - n, "%s%s", prefix, to);
        return k < 0 || (size_t) k >= size - n ? -ENAMETOOLONG : 0;
}

static int private_link_target(const char *name, char *buf, size_t size) {
        return link_target(name, "private/", name, buf, size);
}

/* BASE/NAME becomes a link to private/NAME; a real directory left there by an earlier,
 * non-dynamic run moves into private/ first. */
static int private_layout(int base_fd, const char *name) {
        char target[PATH_MAX], priv[PATH_MAX], cur[PATH_MAX];
        struct stat st;
        int r;

        r = private_link_target(name, target, sizeof target);
        if (r < 0 || snprintf(priv, sizeof priv, "private/%s", name) >= (int) sizeof priv)
                return -ENAMETOOLONG;
        if (mkdirat(base_fd, "private", 0700) < 0 && errno != EEXIST)
                return -errno;
        if (fchmodat(base_fd, "private", 0700, 0) < 0)
                return -errno;
        if (fstatat(base_fd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISDIR(st.st_mode)) {
                if (faccessat(base_fd, priv, F_OK, AT_SYMLINK_NOFOLLOW | AT_EACCESS) >= 0)
                        return -EEXIST;
                _cleanup_free_ char *parent = strdup(priv);
                if (!parent)
                        return -ENOMEM;
                *strrchr(parent, '/') = '\0';
                int pfd;
                r = mkdir_below(base_fd, parent, 0755, &pfd);
                if (r < 0)
                        return r;
                safe_close(pfd);
                if (renameat(base_fd, name, base_fd, priv) < 0)
                        return -errno;
        }
        ssize_t n = readlinkat(base_fd, name, cur, sizeof cur - 1);
        if (n >= 0) {
                cur[n] = '\0';
                if (streq(cur, target))
                        return 0;
                if (unlinkat(base_fd, name, 0) < 0)
                        return -errno;
        } else if (errno != ENOENT && errno != EINVAL)
                return -errno;
        /* The link's own parents (for NAME "a/b") are plain directories. */
        const char *slash = strrchr(name, '/');
        if (slash) {
                _cleanup_free_ char *parent = strndup(name, (size_t) (slash - name));
                int pfd;
                if (!parent)
                        return -ENOMEM;
                r = mkdir_below(base_fd, parent, 0755, &pfd);
                if (r < 0)
                        return r;
                safe_close(pfd);
        }
        return symlinkat(target, base_fd, name) < 0 ? -errno : 0;
}

/* The unit is not dynamic (any more): a link to private/NAME left by a dynamic run is
 * replaced by the directory it points to. */
static int public_layout(int base_fd, const char *name) {
        char priv[PATH_MAX];
        struct stat st;

        if (fstatat(base_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
                return 0;
        if (snprintf(priv, sizeof priv, "private/%s", name) >= (int) sizeof priv)
                return -ENAMETOOLONG;
        if (fstatat(base_fd, priv, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        if (unlinkat(base_fd, name, 0) < 0)
                return -errno;
        return renameat(base_fd, priv, base_fd, name) < 0 ? -errno : 0;
}

/* ConfigurationDirectory=: made when missing, with its mode; an existing one is the
 * administrator's and keeps its owner and mode (systemd only warns about the mode). */
static int setup_configuration(Unit *u, int base_fd, const char *base, const char *name, mode_t mode) {
        struct stat st;
        bool created;
        int fd, r;

        r = mkdir_below_created(base_fd, name, mode, &fd, &created);
        if (r < 0)
                return r;
        if (created)
                r = fchmod(fd, mode) < 0 ? -errno : 0;
        else if (fstat(fd, &st) >= 0 && (st.st_mode & 07777) != mode)
                log_unit_warning(u->name, "ConfigurationDirectory= %s/%s exists with mode %04o, not %04o: left "
                                 "as it is.", base, name, (unsigned) (st.st_mode & 07777), (unsigned) mode);
        safe_close(fd);
        return r;
}

static int setup_one(Unit *u, int base_fd, const char *base, UnitDirKind k, const char *name, mode_t mode,
                     uid_t uid, gid_t gid, bool dynamic) {
        char rel[PATH_MAX];
        bool priv = kind_is_private(k, dynamic);
        int r, fd;

        if (k == UNIT_DIR_CONFIGURATION)
                return setup_configuration(u, base_fd, base, name, mode);
        r = priv ? private_layout(base_fd, name) : public_layout(base_fd, name);
        if (r < 0)
                return r;
        if (snprintf(rel, sizeof rel, "%s%s", priv ? "private/" : "", name) >= (int) sizeof rel)
                return -ENAMETOOLONG;
        r = mkdir_below(base_fd, rel, mode, &fd);
        if (r < 0)
                return r;
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", base, rel) < 0) {
                safe_close(fd);
                return -ENOMEM;
        }
        r = dir_own(u, fd, path, mode, uid, gid);
        safe_close(fd);
        return r;
}

/* "NAME:LINK": BASE/LINK becomes a relative link to BASE/NAME, its parents made root's 0755.
 * A link that is already there is left; anything else there is an error (-EEXIST), as under
 * systemd. The link stays when the unit stops. */
static int setup_link(int base_fd, const char *name, const char *link) {
        char target[PATH_MAX], cur[PATH_MAX];
        _cleanup_close_ int pfd = -EBADF;
        const char *slash = strrchr(link, '/'), *leaf = slash ? slash + 1 : link;
        int r;

        r = link_target(link, "", name, target, sizeof target);
        if (r < 0)
                return r;
        if (slash) {
                _cleanup_free_ char *parent = strndup(link, (size_t) (slash - link));
                if (!parent)
                        return -ENOMEM;
                r = mkdir_below(base_fd, parent, 0755, &pfd);
                if (r < 0)
                        return r;
        }
        int dfd = slash ? pfd : base_fd;
        ssize_t n = readlinkat(dfd, leaf, cur, sizeof cur - 1);
        if (n >= 0) {
                cur[n] = '\0';
                return streq(cur, target) ? 0 : -EEXIST;
        }
        if (errno == EINVAL)
                return -EEXIST; /* not a link */
        if (errno != ENOENT)
                return -errno;
        return symlinkat(target, dfd, leaf) < 0 ? -errno : 0;
}

/* Why the base of K cannot be had, for a message. */
static const char *base_problem(UnitDirKind k, int r) {
        if (r == -ENXIO)
                return k == UNIT_DIR_RUNTIME ? "$XDG_RUNTIME_DIR is not set" : "neither the XDG variable nor $HOME is set";
        return strerror(-r);
}

int unit_dirs_setup(Unit *u, uid_t uid, gid_t gid, bool dynamic, char **ret_message) {
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++) {
                _cleanup_free_ char *base = NULL;
                const UnitDirList *l = kind_list(u->config, k);
                int r;

                if (strv_length(l->names) == 0)
                        continue;
                r = unit_dirs_base(u->manager, k, &base);
                if (r < 0)
                        return set_message(ret_message, "%s=: no base directory: %s", unit_dir_kind_to_string(k),
                                           base_problem(k, r)), r;
                r = mkdir_p(base, 0755);
                if (r < 0)
                        return set_message(ret_message, "Failed to create %s: %s", base, strerror(-r)), r;
                _cleanup_close_ int base_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (base_fd < 0)
                        return set_message_errno(ret_message, -errno, "Failed to open %s: %s", base,
                                                 strerror(errno));
                STRV_FOREACH(d, l->names) {
                        r = setup_one(u, base_fd, base, k, *d, l->mode, uid, gid, dynamic);
                        if (r < 0)
                                return set_message(ret_message, "Failed to set up %s=%s in %s: %s",
                                                   unit_dir_kind_to_string(k), *d, base, strerror(-r)), r;
                }
                for (char **p = l->links; p && p[0] && p[1]; p += 2) {
                        r = setup_link(base_fd, p[0], p[1]);
                        if (r < 0)
                                return set_message(ret_message, "Failed to link %s/%s to %s=%s: %s", base, p[1],
                                                   unit_dir_kind_to_string(k), p[0],
                                                   r == -EEXIST ? "something else is there" : strerror(-r)), r;
                }
        }
        return 0;
}

int unit_dirs_env(const Unit *u, char ***env) {
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++) {
                _cleanup_free_ char *base = NULL, *v = NULL;
                char **list = kind_list(u->config, k)->names;
                int r;

                if (strv_length(list) == 0)
                        continue;
                r = unit_dirs_base(u->manager, k, &base);
                if (r == -ENXIO)
                        continue; /* no such place: the start fails in unit_dirs_setup() */
                if (r < 0)
                        return r;
                STRV_FOREACH(d, list) {
                        char *n;
                        if (asprintf(&n, "%s%s%s/%s", v ?: "", v ? ":" : "", base, *d) < 0)
                                return -ENOMEM;
                        free(v);
                        v = n;
                }
                char *assignment;
                if (asprintf(&assignment, "%s=%s", kind_env[k], v) < 0 || strv_consume(env, assignment) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int unit_dirs_paths(const Unit *u, bool dynamic, char ***ret_writable, char ***ret_private_parents,
                    char ***ret_private_dirs) {
        _cleanup_strv_free_ char **writable = calloc(1, sizeof(char *)), **parents = calloc(1, sizeof(char *)),
                                 **dirs = calloc(1, sizeof(char *));

        if (!writable || !parents || !dirs)
                return -ENOMEM;
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++) {
                _cleanup_free_ char *base = NULL, *parent = NULL;
                char **list = kind_list(u->config, k)->names;
                bool priv = kind_is_private(k, dynamic);
                int r;

                if (strv_length(list) == 0)
                        continue;
                r = unit_dirs_base(u->manager, k, &base);
                if (r == -ENXIO)
                        continue;
                if (r < 0)
                        return r;
                if (priv && (asprintf(&parent, "%s/private", base) < 0 || strv_extend(&parents, parent) < 0))
                        return -ENOMEM;
                STRV_FOREACH(d, list) {
                        char *p;
                        if (asprintf(&p, "%s/%s%s", base, priv ? "private/" : "", *d) < 0)
                                return -ENOMEM;
                        if (priv && strv_extend(&dirs, p) < 0) {
                                free(p);
                                return -ENOMEM;
                        }
                        if (strv_consume(&writable, p) < 0)
                                return -ENOMEM;
                }
        }
        *ret_writable = TAKE_PTR(writable);
        *ret_private_parents = TAKE_PTR(parents);
        *ret_private_dirs = TAKE_PTR(dirs);
        return 0;
}

/* A RuntimeDirectory= on its way out: renamed to this, then removed in a child. */
#define REMOVING_PREFIX ".syscage-removing-"

/* Moves BASE/NAME out of the way at once (a start that follows creates a fresh one) and
 * removes it in a child. */
void unit_dirs_remove_runtime(Unit *u) {
        Manager *m = u->manager;
        char **list = kind_list(u->config, UNIT_DIR_RUNTIME)->names;
        _cleanup_free_ char *base = NULL;

        if (strv_length(list) == 0 || unit_dirs_base(m, UNIT_DIR_RUNTIME, &base) < 0)
                return;
        _cleanup_close_ int base_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (base_fd < 0)
                return;
        STRV_FOREACH(d, list) {
                uint64_t rnd;
                char away[64];
                if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != sizeof rnd)
                        rnd = now_usec(CLOCK_MONOTONIC) ^ (uint64_t) getpid();
                snprintf(away, sizeof away, REMOVING_PREFIX "%016llx", (unsigned long long) rnd);
                if (renameat(base_fd, *d, base_fd, away) < 0) {
                        if (errno != ENOENT)
                                log_unit_warning_errno(u->name, errno, "Failed to remove %s/%s, ignoring: %m",
                                                       base, *d);
                        continue;
                }
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", base, away) < 0) {
                        log_oom();
                        continue;
                }
                if (m->tree_remover)
                        tree_remover_start(m->tree_remover, path);
        }
}

void unit_dirs_remove_stale(Manager *m) {
        _cleanup_free_ char *base = NULL;
        if (!m->tree_remover || unit_dirs_base(m, UNIT_DIR_RUNTIME, &base) < 0)
                return;
        _cleanup_close_ int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return;
        DIR *d = fdopendir(fd);
        if (!d)
                return;
        TAKE_FD(fd);
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *path = NULL;
                if (!strneq(de->d_name, REMOVING_PREFIX, strlen(REMOVING_PREFIX)))
                        continue;
                if (asprintf(&path, "%s/%s", base, de->d_name) < 0)
                        break;
                tree_remover_start(m->tree_remover, path);
        }
        closedir(d);
}
