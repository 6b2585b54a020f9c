/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fragment and drop-in lookup along the unit search path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

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
