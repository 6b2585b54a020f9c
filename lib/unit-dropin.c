/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fragment and drop-in lookup along the unit search path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "strv.h"
#include "unit-dropin.h"
#include "unit-file.h"
#include "unit-name.h"

bool unit_stat_is_null_device(const struct stat *st) {
        return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

static int path_join(const char *dir, const char *name, char **ret) {
        size_t l = strlen(dir);
        char *p;

        if (asprintf(&p, "%s%s%s", dir, l > 0 && dir[l - 1] == '/' ? "" : "/", name) < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

static int fragment_find_one(const char *name, char * const *search_path, char **ret_path) {
        STRV_FOREACH(dir, search_path) {
                _cleanup_free_ char *p = NULL;
                struct stat st;
                int r = path_join(*dir, name, &p);

                if (r < 0)
                        return r;
                if (lstat(p, &st) < 0) {
                        if (errno == ENOENT || errno == ENOTDIR)
                                continue;
                        return -errno;
                }
                *ret_path = TAKE_PTR(p);
                return 0;
        }
        return -ENOENT;
}

int unit_fragment_find(const char *name, char * const *search_path, char **ret_path) {
        _cleanup_free_ char *template_name = NULL;
        int r = fragment_find_one(name, search_path, ret_path);

        if (r != -ENOENT || !unit_name_is_valid(name, UNIT_NAME_INSTANCE))
                return r;
        r = unit_name_template(name, &template_name);
        if (r < 0)
                return r;
        return fragment_find_one(template_name, search_path, ret_path);
}

typedef struct DropIn {
        char *file_name; /* "10-foo.conf": the key for masking and ordering */
        char *path;
        bool masked;
} DropIn;

typedef struct DropInSet {
        DropIn *items;
        size_t n, allocated;
} DropInSet;

static void dropin_set_done(DropInSet *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->items[i].file_name);
                free(s->items[i].path);
        }
        free(s->items);
}

static bool dropin_set_contains(const DropInSet *s, const char *file_name) {
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->items[i].file_name, file_name))
                        return true;
        return false;
}

static bool is_conf_name(const char *n) {
        size_t l = strlen(n);
        return n[0] != '.' && l > 5 && streq(n + l - 5, ".conf");
}

static int dropin_set_add(DropInSet *s, const char *dir, const char *file_name, bool masked) {
        DropIn d = { .masked = masked };

        if (GREEDY_REALLOC(s->items, s->allocated, s->n + 1) < 0)
                return -ENOMEM;
        d.file_name = strdup(file_name);
        if (!d.file_name || path_join(dir, file_name, &d.path) < 0) {
                free(d.file_name);
                return -ENOMEM;
        }
        s->items[s->n++] = d;
        return 0;
}

/* Adds the *.conf files of one DIR that are not hidden yet. */
static int dropin_dir_scan(DropInSet *s, const char *dir, DiagList *diags) {
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (fd < 0) {
                if (errno == ENOENT || errno == ENOTDIR)
                        return 0;
                r = -errno;
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, dir, 0, NULL,
                                "Failed to open drop-in directory: %s", strerror(-r));
                return -EIO;
        }
        d = fdopendir(fd);
        if (!d)
                return -errno;
        fd = -EBADF; /* owned by d now */
        while ((de = readdir(d))) {
                struct stat st;

                if (!is_conf_name(de->d_name) || dropin_set_contains(s, de->d_name))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, 0) < 0)
                        st.st_mode = 0; /* dangling: reported when opened */
                else if (!S_ISREG(st.st_mode) && !unit_stat_is_null_device(&st))
                        continue;
                if (s->n >= UNIT_DROPINS_MAX) {
                        (void) diag_add_code(diags, DIAG_CODE_LIMIT, DIAG_ERROR, dir, 0, NULL,
                                        "Too many drop-in files (more than %u)", UNIT_DROPINS_MAX);
                        r = -E2BIG;
                        break;
                }
                r = dropin_set_add(s, dir, de->d_name, unit_stat_is_null_device(&st));
                if (r < 0)
                        break;
        }
        closedir(d);
        return r;
}

static int dropin_compare(const void *a, const void *b) {
        return strcmp(((const DropIn *) a)->file_name, ((const DropIn *) b)->file_name);
}

int unit_dropins_find(char * const *names, char * const *dirs, DiagList *diags, char ***ret) {
        DropInSet s = {};
        _cleanup_strv_free_ char **paths = NULL;
        bool failed = false;
        int r = 0;

        STRV_FOREACH(dir, dirs)
                STRV_FOREACH(name, names) {
                        _cleanup_free_ char *d = NULL;
                        _cleanup_free_ char *sub = NULL;
                        if (asprintf(&sub, "%s.d", *name) < 0 || path_join(*dir, sub, &d) < 0) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        r = dropin_dir_scan(&s, d, diags);
                        if (r == -EIO)
                                failed = true;
                        else if (r < 0)
                                goto finish;
                }

        if (s.n > 0)
                qsort(s.items, s.n, sizeof(DropIn), dropin_compare);
        for (size_t i = 0; i < s.n; i++) {
                if (s.items[i].masked)
                        continue;
                r = strv_extend(&paths, s.items[i].path);
                if (r < 0)
                        goto finish;
        }
        r = failed ? -EIO : 0;
        if (r == 0) {
                /* An empty list is still a list. */
                if (!paths && !(paths = calloc(1, sizeof(char *))))
                        r = -ENOMEM;
                else
                        *ret = TAKE_PTR(paths);
        }
finish:
        dropin_set_done(&s);
        return r;
}

/* ---- aliases ---- */

/* Most links followed from an alias to its unit file (the kernel allows 40), and most
 * entries of one directory looked at for aliases. */
#define UNIT_ALIAS_DEPTH_MAX 8u
#define UNIT_ALIAS_SCAN_MAX 262144u

static void dir_closep(DIR **d) {
        if (*d)
                closedir(*d);
}

static int cmp_names(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* The unit name the file at PATH ends at after its links, if PATH is a link to a unit file
 * of a name other than NAME; *ret_target stays NULL otherwise (no link, masked, a file of
 * the same name, or a target that is no unit name of the same kind). */
static int link_target_name(const char *path, const char *name, char **ret_target) {
        char buf[PATH_MAX], next[PATH_MAX];
        const char *base = NULL;
        struct stat st;

        *ret_target = NULL;
        if (lstat(path, &st) < 0)
                return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
        if (!S_ISLNK(st.st_mode))
                return 0;
        if (strlen(path) >= sizeof buf)
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (unsigned depth = 0;; depth++) {
                ssize_t n;
                if (depth >= UNIT_ALIAS_DEPTH_MAX)
                        return -ELOOP;
                n = readlink(buf, next, sizeof next - 1);
                if (n < 0) {
                        if (errno == EINVAL)
                                break; /* BUF is no link: the end */
                        return errno == ENOENT ? 0 : -errno;
                }
                next[n] = '\0';
                if (next[0] != '/') { /* relative to the link's directory */
                        char *slash = strrchr(buf, '/');
                        size_t dl = slash ? (size_t) (slash - buf) + 1 : 0;
                        if (dl + (size_t) n >= sizeof buf)
                                return -ENAMETOOLONG;
                        memmove(buf + dl, next, (size_t) n + 1);
                } else
                        strcpy(buf, next);
        }
        if (stat(buf, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (unit_stat_is_null_device(&st) || !S_ISREG(st.st_mode))
                return 0;
        base = strrchr(buf, '/');
        base = base ? base + 1 : buf;
        if (streq(base, name) ||
            !unit_name_is_valid(base, UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE) ||
            unit_name_is_valid(base, UNIT_NAME_TEMPLATE) != unit_name_is_valid(name, UNIT_NAME_TEMPLATE))
                return 0;
        *ret_target = strdup(base);
        return *ret_target ? 0 : -ENOMEM;
}

int unit_alias_resolve(const char *name, char * const *search_path, char **ret_name) {
        _cleanup_free_ char *path = NULL, *target = NULL, *template_name = NULL, *instance = NULL;
        int r = fragment_find_one(name, search_path, &path);

        if (r == -ENOENT && unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
                /* An instance of an aliased template: the target template's instance. */
                if (unit_name_template(name, &template_name) < 0 || unit_name_to_instance(name, &instance) < 0)
                        return -ENOMEM;
                r = fragment_find_one(template_name, search_path, &path);
                if (r < 0)
                        return r;
                r = link_target_name(path, template_name, &target);
                if (r < 0)
                        return r;
                if (target)
                        return unit_name_build_instance(target, instance, ret_name);
        } else if (r < 0)
                return r;
        else {
                r = link_target_name(path, name, &target);
                if (r < 0)
                        return r;
        }
        if (!target && !(target = strdup(name)))
                return -ENOMEM;
        *ret_name = TAKE_PTR(target);
        return 0;
}

static int aliases_in_dir(const char *dir, const char *name, char * const *search_path, char ***names) {
        _cleanup_(dir_closep) DIR *d = opendir(dir);
        unsigned n = 0;

        if (!d)
                return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *resolved = NULL;
                int r;

                if (++n > UNIT_ALIAS_SCAN_MAX)
                        return -E2BIG;
                if ((de->d_type != DT_LNK && de->d_type != DT_UNKNOWN) || streq(de->d_name, name) ||
                    !unit_name_is_valid(de->d_name, UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE) ||
                    strv_contains(*names, de->d_name))
                        continue;
                r = unit_alias_resolve(de->d_name, search_path, &resolved);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0 && streq(resolved, name) && strv_extend(names, de->d_name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int unit_aliases_find(const char *name, char * const *search_path, char ***ret) {
        _cleanup_strv_free_ char **names = NULL, **found = NULL;
        _cleanup_free_ char *template_name = NULL, *instance = NULL;
        const char *look_for = name;
        int r;

        /* An instance's aliases are those of its template, instantiated. */
        if (unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
                if (unit_name_template(name, &template_name) < 0 || unit_name_to_instance(name, &instance) < 0)
                        return -ENOMEM;
                look_for = template_name;
        }
        STRV_FOREACH(dir, search_path) {
                r = aliases_in_dir(*dir, look_for, search_path, &found);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(a, found) {
                char *n = NULL;
                if (instance ? unit_name_build_instance(*a, instance, &n) < 0 : !(n = strdup(*a)))
                        return -ENOMEM;
                if (strv_consume(&names, n) < 0)
                        return -ENOMEM;
        }
        if (!names && !(names = calloc(1, sizeof(char *))))
                return -ENOMEM;
        qsort(names, strv_length(names), sizeof(char *), cmp_names);
        *ret = TAKE_PTR(names);
        return 0;
}
