/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for learn mode's two readers: the record's wire form (from the daemon) and a
 * drop-in read back for --learn-merge (a file). Whatever parses must render, and the wire form
 * must read back to the same text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn-dropin.h"
#include "learn-record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_render(const LearnRecord *r) {
        char *text = NULL, *again = NULL;
        LearnRecord back = {};

        if (learn_dropin_render(r, "x86-64", false, NULL, &text) >= 0)
                free(text);
        if (learn_dropin_render(r, "x86-64", true, "h", &text) >= 0)
                free(text);
        if (learn_record_to_text(r, &text) < 0)
                return;
        if (learn_record_from_text(text, &back) >= 0) {
                if (learn_record_to_text(&back, &again) >= 0 && !streq(text, again))
                        abort();
                free(again);
                learn_record_done(&back);
        }
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        LearnRecord r = {};
        char *s;

        if (size > LEARN_TEXT_MAX)
                return 0;
        s = strndup((const char *) data, size);
        if (!s)
                return 0;
        if (learn_record_from_text(s, &r) >= 0) {
                fuzz_render(&r);
                learn_record_done(&r);
        }
        if (learn_dropin_parse(s, "x86-64", &r) >= 0) {
                fuzz_render(&r);
                learn_record_done(&r);
        }
        free(s);
        return 0;
}
