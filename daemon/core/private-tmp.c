/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PrivateTmp=: creating and removing a unit's private temporary directories. See
 * private-tmp.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/private-tmp.h"
#include "sys/log.h"

/* Unit names may hold '\' escapes and '@': kept, they are fine in a file name. A '/' never
 * occurs in one. */
static int create_one(const char *unit, const char *base, char **ret_top, char **ret_tmp) {
        _cleanup_close_ int base_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char name[256];

        if (base_fd < 0)
                return -errno;
        for (unsigned i = 0; i < PRIVATE_TMP_ATTEMPTS_MAX; i++) {
                uint64_t rnd;
                if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
                        return -errno;
                snprintf(name, sizeof name, "syscage-private-%.*s-%012llx", (int) PRIVATE_TMP_UNIT_CHARS_MAX,
                         unit, (unsigned long long) (rnd & 0xffffffffffffULL));
                /* mkdirat never follows a link at the last component, and fails when the
                 * name exists in any form: a name planted by someone else is never used. */
                if (mkdirat(base_fd, name, 0700) < 0) {
                        if (errno == EEXIST)
                                continue;
                        return -errno;
                }
                _cleanup_close_ int fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int r = 0;
                if (fd < 0 || fchmod(fd, 0700) < 0 || mkdirat(fd, "tmp", 0700) < 0 ||
                    fchmodat(fd, "tmp", 01777, 0) < 0)
                        r = -errno;
                char *top = NULL, *tmp = NULL;
                if (r >= 0 && (asprintf(&top, "%s/%s", base, name) < 0 || asprintf(&tmp, "%s/%s/tmp", base, name) < 0))
                        r = -ENOMEM;
                if (r < 0) {
                        (void) unlinkat(fd >= 0 ? fd : base_fd, "tmp", AT_REMOVEDIR);
                        (void) unlinkat(base_fd, name, AT_REMOVEDIR);
                        free(top);
                        return r;
                }
                *ret_top = top;
                *ret_tmp = tmp;
                return 0;
        }
        return -EEXIST;
}

int private_tmp_create(const char *unit, const char *tmp_base, const char *var_tmp_base, PrivateTmp *ret) {
        PrivateTmp p = {};
        int r = create_one(unit, tmp_base, &p.tmp_top, &p.tmp);
        if (r < 0)
                return r;
        r = create_one(unit, var_tmp_base, &p.var_tmp_top, &p.var_tmp);
        if (r < 0) {
                private_tmp_remove(&p, NULL);
                return r;
        }
        *ret = p;
        return 0;
}

void private_tmp_done(PrivateTmp *p) {
        free(p->tmp_top);
        free(p->var_tmp_top);
        free(p->tmp);
        free(p->var_tmp);
        *p = (PrivateTmp) {};
}

void private_tmp_remove(PrivateTmp *p, TreeRemover *remover) {
        const char *tops[] = { p->tmp_top, p->var_tmp_top };
        for (size_t i = 0; i < ELEMENTSOF(tops); i++) {
                if (!tops[i])
                        continue;
                if (remover)
                        tree_remover_start(remover, tops[i]);
                else if (tree_remove_now(tops[i]) != 0)
                        log_warning("Could not remove all of %s, leaving the rest.", tops[i]);
        }
        private_tmp_done(p);
}
