/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Prints the kernel's name from uname(2); on failure prints the error to stderr, exits 1. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void) {
        struct utsname u;

        if (uname(&u) < 0) {
                fprintf(stderr, "%s\n", strerror(errno));
                return 1;
        }
        printf("%s\n", u.sysname);
        return 0;
}
