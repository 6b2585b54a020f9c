/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Feeds arbitrary text to the unit value parsers: Exec*= command lines, word splitting, time
 * spans, sizes, modes, signals, capability names and resource limits. The first byte picks the
 * rlimit resource; the rest is the value, NUL-terminated.
 */
#include <stdint.h>
#include <string.h>

#include "exec-command.h"
#include "parse-util.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = NULL;
        ExecCommand c = {};
        struct rlimit rl;
        char **words = NULL;
        uint64_t v;
        mode_t m;

        if (size < 1 || size > 65536)
                return 0;
        /* Copy into a NUL-terminated buffer: the input is not a C string (strndup would
         * still look for a NUL past the end, which ASan rightly flags). */
        s = malloc(size);
        if (!s)
                return 0;
        memcpy(s, data + 1, size - 1);
        s[size - 1] = '\0';
        if (exec_command_parse(s, &c, NULL) >= 0)
                exec_command_done(&c);
        if (exec_split_words(s, &words) >= 0)
                strv_free(words);
        (void) parse_sec(s, &v);
        (void) parse_time(s, 1, &v);
        (void) parse_size(s, &v);
        (void) parse_mode(s, 07777, &m);
        (void) signal_from_string(s);
        (void) capability_from_string(s);
        (void) rlimit_parse(data[0] % RLIM_NLIMITS, s, &rl);
        return 0;
}
