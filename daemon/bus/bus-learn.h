/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The learn-mode methods of org.syscage.Manager1 (core/unit-learn.h does the work):
 *   SetLearn(s name, b on)      switch a loaded unit's learn mode (applies at its next start)
 *   GetLearned(s name) -> s     the unit's record, in learn_record_to_text() form
 * Both need write rights: a record tells what a service does, and learn mode lifts its policy.
 * The client writes the drop-in itself, so the daemon never writes to a path a caller names.
 */
#pragma once

#include <systemd/sd-bus.h>

int bus_method_set_learn(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_method_get_learned(sd_bus_message *m, void *userdata, sd_bus_error *error);
