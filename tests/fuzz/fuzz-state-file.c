/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the state file parser with arbitrary bytes. Whatever it accepts must format again
 * to the very same bytes (the parser takes only the writer's own spelling), and parsing
 * that output must give the same entries in the same order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
        if (!ok)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        StateFile s = {}, again = {};
        char reason[STATE_REASON_MAX];
        char *out = NULL;
        size_t n = 0;
        int r;

        r = state_file_parse((const char *) data, size, &s, reason);
        if (r < 0) {
                check(s.n == 0 && !s.entries);
                check(r == -EBADMSG || r == -EPROTONOSUPPORT || r == -ENOMEM);
                check(r == -ENOMEM || (reason[0] != '\0' && strlen(reason) < STATE_REASON_MAX));
                return 0;
        }
        check(s.n <= STATE_ENTRIES_MAX);
        r = state_file_format(&s, &out, &n);
        if (r == -ENOMEM) {
                state_file_done(&s);
                return 0;
        }
        check(r == 0);
        check(n == size && memcmp(out, data, size) == 0);
        check(state_file_parse(out, n, &again, reason) == 0);
        check(again.n == s.n);
        for (size_t i = 0; i < s.n; i++) {
                check(strlen(s.entries[i].value) <= STATE_VALUE_MAX);
                check(strcmp(s.entries[i].key, again.entries[i].key) == 0);
                check(strcmp(s.entries[i].value, again.entries[i].value) == 0);
        }
        free(out);
        state_file_done(&s);
        state_file_done(&again);
        return 0;
}
