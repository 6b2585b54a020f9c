/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A static program without libc, for services whose root is a small directory holding
 * nothing else (RootDirectory=): for each argument PATH it prints "PATH yes" when the path
 * exists (access(PATH, F_OK) succeeds) and "PATH no" when not, one line each, then "done".
 */
#include "nolibc.h"

void start_c(long *sp) {
        long argc = sp[0];
        char **argv = (char **) (sp + 1);

        for (long i = 1; i < argc; i++) {
                put(argv[i]);
                put(sys3(__NR_access, (long) argv[i], 0, 0) == 0 ? " yes\n" : " no\n");
        }
        put("done\n");
        for (;;)
                sys3(__NR_exit_group, 0, 0, 0);
}
