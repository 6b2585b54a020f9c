/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a unit's sandbox asks of the daemon at run time (an identity, IPC clean-up, private
 * temporary directories), in one place, so that the rest of the daemon does not depend on
 * where the unit's configuration keeps it.
 */
#pragma once

#include <stdbool.h>

#include "core/unit.h"

/* DynamicUser=yes. */
bool unit_wants_dynamic_user(const Unit *u);
/* RemoveIPC=yes, or implied by DynamicUser=yes. */
bool unit_wants_remove_ipc(const Unit *u);
/* PrivateTmp=yes. */
bool unit_wants_private_tmp(const Unit *u);
