/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the policy builder and compiler. The input is split into lines; a line "KEY=VALUE"
 * whose KEY is a policy directive is applied as such, any other line is applied as a
 * SystemCallFilter= value, and a line starting with a control byte picks the directive from
 * that byte. Whatever builds is compiled (plain and exec gate), hashed, dumped and linted:
 * nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "policy-build.h"

#define FUZZ_INPUT_MAX (64 * 1024)

static const char *const keys[] = {
        "SystemCallFilter", "SystemCallErrorNumber", "SystemCallArchitectures", "SystemCallLog",
        "RestrictAddressFamilies", "RestrictNamespaces", "LockPersonality",
        "MemoryDenyWriteExecute", "RestrictRealtime", "RestrictSUIDSGID", "ProtectClock",
        "ProtectKernelModules", "ProtectKernelLogs", "ProtectKernelTunables", "ProtectHostname",
        "PrivateDevices",
};

static void apply_line(PolicyBuilder *b, char *line, unsigned n, DiagList *diags) {
        const char *key = "SystemCallFilter", *value = line;
        char *eq = strchr(line, '=');

        if (line[0] > 0 && line[0] < 0x20) {
                key = keys[(unsigned char) line[0] % ELEMENTSOF(keys)];
                value = line + 1;
        } else if (eq) {
                *eq = '\0';
                if (policy_is_directive(line)) {
                        key = line;
                        value = eq + 1;
                } else
                        *eq = '=';
        }
        (void) policy_apply(b, key, value, "fuzz.service", n, diags);
}

static void exercise(const Policy *p) {
        _cleanup_(filter_set_freep) FilterSet *s = NULL, *notify = NULL, *gated = NULL;
        _cleanup_fclose_ FILE *null = fopen("/dev/null", "we");
        DiagList lints = {};

        (void) policy_hash(p);
        (void) policy_denies_exec(p);
        (void) filter_compile(p, &s);
        (void) filter_compile_gate(p, &notify, &gated);
        if (null) {
                (void) policy_dump(p, NULL, null);
                (void) policy_dump(p, "socket", null);
        }
        (void) policy_lint(p, &lints);
        diag_list_done(&lints);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(policy_builder_freep) PolicyBuilder *b = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *text = NULL;
        DiagList diags = {};
        unsigned n = 0;
        char *save = NULL;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        text = malloc(size + 1);
        if (!text || policy_builder_new(&b) < 0)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                apply_line(b, line, ++n, &diags);
        if (policy_builder_finish(b, &diags, &p) >= 0)
                exercise(p);
        diag_list_done(&diags);
        return 0;
}
