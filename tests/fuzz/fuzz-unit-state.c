/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes what a new daemon does with the content of a unit's state file (the file format
 * itself is fuzz-state-file's): the input is KEY=VALUE lines, taken as the entries of a state
 * file, and handed to unit_deserialize() for a loaded unit. Whatever they say, the daemon must
 * not crash, and a refused file must leave the unit with no process, timer or activity.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/manager-units.h"
#include "core/manager.h"
#include "core/unit-serialize.h"
#include "core/unit.h"
#include "state-file.h"
#include "sys/cgroup.h"
#include "unit-config.h"
#include "unit-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_INPUT_MAX (64u * 1024u)

static Manager manager;

static void check(bool ok) {
        if (!ok)
                abort();
}

static void manager_setup(void) {
        if (manager.event)
                return;
        check(sd_event_new(&manager.event) >= 0);
        manager.runtime_dir = (char *) "/nonexistent/fuzz-unit-state";
        manager.state_files_fd = -EBADF;
        manager.units = hashmap_new();
        manager.filters = hashmap_new();
        check(manager.units && manager.filters);
        check(policy_store_new(&manager.policies) >= 0);
        check(cgroup_context_new_process_group(&manager.cgroup) >= 0);
}

static Unit *unit_make(void) {
        UnitFile *file = NULL;
        Unit *u = NULL;
        check(unit_new(&manager, "fuzz.service", &u) >= 0);
        check(unit_file_load_string("fuzz.service", "fuzz.service", "[Service]\nExecStart=/bin/true\n", NULL,
                                    &file) >= 0);
        u->file = file;
        check(unit_config_parse(file, NULL, &u->config) >= 0);
        u->load_state = UNIT_LOADED;
        return u;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > FUZZ_INPUT_MAX)
                return 0;
        manager_setup();
        char *text = strndup((const char *) data, size);
        check(text != NULL);
        StateFile s = {};
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                char *eq = strchr(line, '=');
                if (!eq)
                        continue;
                *eq = '\0';
                (void) state_file_add(&s, line, eq + 1); /* bad keys are refused there */
        }
        free(text);

        Unit *u = unit_make();
        char *message = NULL;
        int r = unit_deserialize(u, &s, NULL, &message);
        if (r < 0) {
                unit_deserialize_undo(u);
                check(u->n_procs == 0 && !u->timer && !u->watchdog_timer && !u->holds_activity);
        }
        free(message);
        if (u->holds_activity) {
                u->holds_activity = false;
                manager_unit_deactivated(&manager);
        }
        unit_free(u);
        state_file_done(&s);
        return 0;
}
