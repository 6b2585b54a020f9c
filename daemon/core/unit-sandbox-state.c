/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sandbox directives the daemon acts on at run time, from the unit's typed sandbox
 * (UnitConfig.sandbox; lib/unit-sandbox.h). The implications (DynamicUser=yes brings
 * RemoveIPC=yes and PrivateTmp=yes) are already applied there.
 */
#include "core/unit-sandbox-state.h"

bool unit_wants_dynamic_user(const Unit *u) {
        return u && u->config && u->config->sandbox.dynamic_user;
}

bool unit_wants_remove_ipc(const Unit *u) {
        return u && u->config && (u->config->sandbox.remove_ipc || u->config->sandbox.dynamic_user);
}

bool unit_wants_private_tmp(const Unit *u) {
        return u && u->config && u->config->sandbox.private_tmp;
}
