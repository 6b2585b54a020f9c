/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the launch child must never do, for the check of tests/lint/check-child-symbols.sh:
 * it must report both calls and the counter. Built, never run. */
#include <stdio.h>
#include <stdlib.h>

void child_symbols_bad(void);
int child_symbols_bad_calls;

void child_symbols_bad(void) {
        char *p = malloc(16);
        child_symbols_bad_calls++;
        printf("%p\n", (void *) p);
}
