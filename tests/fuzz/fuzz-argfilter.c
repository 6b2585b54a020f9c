/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the SystemCallArgumentFilter= language. Each input line is parsed; whatever parses
 * must format to a canonical text that parses back to the same text and the same answers, and
 * its normal form (both polarities, when not too complex) must agree with direct evaluation
 * on argument vectors taken from the input. The lines that parse are then built into one
 * policy with the unit's other directives and compiled, dumped and linted. A disagreement
 * aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argfilter.h"
#include "filter.h"
#include "policy-build.h"

#define FUZZ_INPUT_MAX (64 * 1024)
#define FUZZ_VECTORS 64u
/* Lines built into the policy: each may bring ARGFILTER_TERMS_MAX rules. */
#define FUZZ_POLICY_LINES 8u

/* Argument vectors from the input bytes, mixed with upper-bit garbage and sign flips. */
static void vector(const uint8_t *data, size_t size, unsigned k, uint64_t args[6]) {
        for (unsigned i = 0; i < 6; i++) {
                uint64_t v = 0;
                for (unsigned b = 0; b < 8 && size > 0; b++)
                        v = (v << 8) | data[(k * 48 + i * 8 + b) % size];
                switch ((k + i) % 4) {
                case 0: args[i] = v & 0xff; break;
                case 1: args[i] = (uint64_t) -(int64_t) (v & 0xff); break;
                case 2: args[i] = (v & 0xffffffff00000000) | (v & 0xf); break;
                default: args[i] = v; break;
                }
        }
}

static void check_line(const char *line, const uint8_t *data, size_t size) {
        _cleanup_(argfilter_freep) ArgFilter *f = NULL, *g = NULL;
        _cleanup_free_ char *error = NULL, *text = NULL, *again = NULL;
        ArgFilterDnf pos = {}, neg = {};
        int rp, rn;

        if (argfilter_parse(line, &f, &error) < 0)
                return;
        if (argfilter_format(f, &text) < 0)
                return;
        if (argfilter_parse(text, &g, NULL) < 0 || argfilter_format(g, &again) < 0 ||
            strcmp(text, again) != 0)
                abort(); /* the canonical text must parse back to itself */
        rp = argfilter_dnf((const ArgFilter *const[]) { f }, 1, false, &pos, NULL);
        rn = argfilter_dnf((const ArgFilter *const[]) { f }, 1, true, &neg, NULL);
        for (unsigned k = 0; k < FUZZ_VECTORS; k++) {
                uint64_t args[6];
                bool want;
                vector(data, size, k, args);
                want = argfilter_eval(f, args);
                if (argfilter_eval(g, args) != want)
                        abort();
                if ((rp >= 0 && argfilter_dnf_eval(&pos, args) != want) ||
                    (rn >= 0 && argfilter_dnf_eval(&neg, args) == want))
                        abort();
        }
        argfilter_dnf_done(&pos);
        argfilter_dnf_done(&neg);
}

static void build(char **lines, size_t n) {
        _cleanup_(policy_builder_freep) PolicyBuilder *b = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *s = NULL;
        _cleanup_fclose_ FILE *null = fopen("/dev/null", "we");
        DiagList diags = {}, lints = {};

        if (policy_builder_new(&b) < 0)
                return;
        (void) policy_apply(b, "SystemCallErrorNumber", "EPERM", "fuzz.service", 1, &diags);
        for (size_t i = 0; i < n; i++)
                (void) policy_apply(b, "SystemCallArgumentFilter", lines[i], "fuzz.service",
                                    (unsigned) i + 2, &diags);
        if (policy_builder_finish(b, &diags, &p) >= 0) {
                (void) filter_compile(p, &s);
                if (null)
                        (void) policy_dump(p, NULL, null);
                (void) policy_lint(p, &lints);
        }
        diag_list_done(&lints);
        diag_list_done(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = NULL;
        char *lines[FUZZ_POLICY_LINES], *save = NULL;
        size_t n = 0;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                check_line(line, data, size);
                if (n < FUZZ_POLICY_LINES)
                        lines[n++] = line;
        }
        build(lines, n);
        return 0;
}
