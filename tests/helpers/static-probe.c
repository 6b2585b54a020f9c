/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A static program without libc, for services whose root is a small directory holding
 * nothing else (RootDirectory=): for each argument PATH it prints "PATH yes" when the path
 * exists (access(PATH, F_OK) succeeds) and "PATH no" when not, one line each, then "done".
 * An argument "+PATH" asks instead whether a directory can be made there: it prints
 * "+PATH yes" when mkdirat() succeeds (and removes the directory again), "+PATH no" when not.
 */
#include <linux/fcntl.h>

#include "nolibc.h"

void start_c(long *sp) {
        long argc = sp[0];
        char **argv = (char **) (sp + 1);

        for (long i = 1; i < argc; i++) {
                const char *a = argv[i];
                long ok;

                if (a[0] == '+') {
                        ok = sys3(__NR_mkdirat, AT_FDCWD, (long) (a + 1), 0755) == 0;
                        if (ok)
                                (void) sys3(__NR_unlinkat, AT_FDCWD, (long) (a + 1), AT_REMOVEDIR);
                } else
                        ok = sys3(__NR_access, (long) a, 0, 0) == 0;
                put(a);
                put(ok ? " yes\n" : " no\n");
        }
        put("done\n");
        for (;;)
                sys3(__NR_exit_group, 0, 0, 0);
}
