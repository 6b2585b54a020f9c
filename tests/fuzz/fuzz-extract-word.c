/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for extract_first_word(): the first byte selects the flags, the second the
 * separator set, the rest is split until nothing is left or an error ends it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract-word.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const separator_sets[] = { NULL, ",", ": ", "" };
        const char *p;
        char *text;
        unsigned flags;

        if (size < 2 || size > 64 * 1024)
                return 0;
        flags = data[0] & 0x3f;
        text = strndup((const char *) data + 2, size - 2);
        if (!text)
                return 0;
        p = text;
        for (;;) {
                char *w = NULL;
                int r = extract_first_word(&p, &w, separator_sets[data[1] % 4], flags);
                if (r <= 0)
                        break;
                (void) strlen(w);
                free(w);
        }
        free(text);
        return 0;
}
