/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox directives the daemon acts on at run time. Until the typed UnitSandbox is part
 * of UnitConfig, they are read from the unit's assignments as written ([Service] KEY=, the
 * last assignment wins, as for any boolean); a value that is no boolean counts as "no".
 */
#include <string.h>

#include "core/unit-sandbox-state.h"
#include "parse-util.h"

static bool service_boolean(const Unit *u, const char *key) {
        int v = 0;
        if (!u || !u->file)
                return false;
        for (size_t i = 0; i < u->file->n_assignments; i++) {
                const UnitAssignment *a = &u->file->assignments[i];
                if (streq(a->section, "Service") && streq(a->key, key))
                        v = isempty(a->value) ? 0 : parse_boolean(a->value);
        }
        return v > 0;
}

bool unit_wants_dynamic_user(const Unit *u) {
        return service_boolean(u, "DynamicUser");
}

bool unit_wants_remove_ipc(const Unit *u) {
        return unit_wants_dynamic_user(u) || service_boolean(u, "RemoveIPC");
}

bool unit_wants_private_tmp(const Unit *u) {
        return service_boolean(u, "PrivateTmp");
}
