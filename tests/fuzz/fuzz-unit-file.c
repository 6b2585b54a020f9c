/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for the unit file parser: the input is the content of "fuzz@inst.service"
 * (an instance, so the name specifiers have something to chew on). It may contain NUL
 * bytes, which the parser must report rather than trip over. What it parses is then handed
 * to the unit model (unit_config_parse()), so every directive parser is fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "unit-config.h"
#include "unit-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        UnitFile *u = NULL;
        DiagList d = {};

        /* Keep inputs to a size the limits are about; bigger ones only test the size check. */
        if (size > UNIT_FILE_SIZE_MAX + 1)
                return 0;
        (void) unit_file_load_buffer("fuzz@inst\\x2dx.service", "fuzz.service",
                                     (const char *) data, size, &d, &u);
        if (u) {
                /* Touch every recorded field, so sanitizers see bad pointers. */
                size_t total = 0;
                for (size_t i = 0; i < u->n_assignments; i++)
                        total += strlen(u->assignments[i].section) + strlen(u->assignments[i].key) +
                                 strlen(u->assignments[i].value) + u->assignments[i].line;
                (void) total;
                UnitConfig *c = NULL;
                if (unit_config_parse(u, &d, &c) >= 0)
                        (void) unit_sandbox_needs_mount_ns(&c->sandbox);
                unit_config_free(c);
        }
        for (size_t i = 0; i < d.n; i++)
                (void) strlen(d.items[i].message);
        unit_file_free(u);
        diag_list_done(&d);
        return 0;
}
