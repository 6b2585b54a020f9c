/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SetLearn and GetLearned (see bus-learn.h).
 */
#include <errno.h>

#include "bus/bus-learn.h"
#include "bus/bus-manager.h"
#include "bus/bus.h"
#include "core/manager.h"
#include "core/unit-learn.h"
#include "sys/log.h"

static int learn_read(sd_bus_message *m, BusConnection *c, Unit **ret, sd_bus_error *error) {
        const char *name = NULL;
        int r = sd_bus_message_read(m, "s", &name);

        if (r < 0)
                return r;
        if (!bus_unit_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid unit name '%.*s' (expected NAME.service).", 64, name);
        r = bus_check_write(c, m, error);
        if (r < 0)
                return r;
        *ret = manager_get_unit(c->bus->manager, name);
        if (!*ret)
                return bus_ops_error(error, -ENOENT, NULL, name);
        return 0;
}

int bus_method_set_learn(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        Unit *u = NULL;
        int on, r;

        r = learn_read(m, c, &u, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "b", &on);
        if (r < 0)
                return r;
        r = unit_learn_set(u, on);
        if (r < 0)
                return r;
        log_info("Learn mode %s for %s by pid %d, uid %u.", on ? "on" : "off", u->name, (int) c->cred.pid,
                 c->cred.uid);
        return sd_bus_reply_method_return(m, NULL);
}

int bus_method_get_learned(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_free_ char *text = NULL;
        BusConnection *c = userdata;
        Unit *u = NULL;
        int r;

        r = learn_read(m, c, &u, error);
        if (r < 0)
                return r;
        r = unit_learn_text(u, &text);
        if (r == -ENODATA)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "%s has not run in learn mode.", u->name);
        if (r < 0)
                return r;
        if (u->learn_dropped > 0)
                log_unit_warning(u->name, "%u calls were not recorded.", u->learn_dropped);
        return sd_bus_reply_method_return(m, "s", text);
}
