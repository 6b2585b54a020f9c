/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test-only stand-in for the two UnitFile functions the unit-model tests need, until
 * lib/unit-file.c is available. Remove this file (and its mention in tests/meson.build) once
 * the real implementation is in lib/.
 */
#include <string.h>

#include "strv.h"
#include "unit-file.h"

UnitFile *unit_file_free(UnitFile *u) {
        if (!u)
                return NULL;
        for (size_t i = 0; i < u->n_assignments; i++) {
                free(u->assignments[i].section);
                free(u->assignments[i].key);
                free(u->assignments[i].value);
                free(u->assignments[i].file);
        }
        free(u->assignments);
        free(u->name);
        free(u->fragment);
        strv_free(u->dropins);
        free(u);
        return NULL;
}

int unit_file_add(UnitFile *u, const char *section, const char *key, const char *value,
                  const char *file, unsigned line) {
        UnitAssignment a = { .line = line };

        if (u->n_assignments >= UNIT_ASSIGNMENTS_MAX)
                return -E2BIG;
        if (GREEDY_REALLOC(u->assignments, u->allocated_assignments, u->n_assignments + 1) < 0)
                return -ENOMEM;
        a.section = strdup(section);
        a.key = strdup(key);
        a.value = strdup(value);
        a.file = file ? strdup(file) : NULL;
        if (!a.section || !a.key || !a.value || (file && !a.file)) {
                free(a.section);
                free(a.key);
                free(a.value);
                free(a.file);
                return -ENOMEM;
        }
        u->assignments[u->n_assignments++] = a;
        return 0;
}
