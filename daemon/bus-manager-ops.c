/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control plane's view of the unit module (see bus-manager-ops.h). Without the unit
 * runtime in this build, the daemon holds no units: the read-only calls see none, and every
 * state-changing call fails with -EOPNOTSUPP ("not supported yet").
 */
#include <string.h>

#include "bus-manager-ops.h"

static int not_supported(char **ret_message) {
        if (ret_message)
                *ret_message = strdup("Not supported yet: this syscaged has no service runtime.");
        return -EOPNOTSUPP;
}

static int no_unit(const char *name, char **ret_message) {
        if (ret_message && asprintf(ret_message, "Unit %s not loaded.", name) < 0)
                *ret_message = NULL;
        return -ENOENT;
}

int bus_ops_foreach_unit(Manager *m, BusUnitFunc f, void *userdata) {
        return 0;
}

int bus_ops_unit_brief(Manager *m, const char *name, BusUnitBrief *ret) {
        return -ENOENT;
}

int bus_ops_append_unit_properties(Manager *m, const char *name, sd_bus_message *reply) {
        return -ENOENT;
}

int bus_ops_start(Manager *m, const char *name, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_stop(Manager *m, const char *name, char **ret_message) {
        return no_unit(name, ret_message);
}

int bus_ops_restart(Manager *m, const char *name, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_try_restart(Manager *m, const char *name, char **ret_message) {
        return no_unit(name, ret_message);
}

int bus_ops_reload(Manager *m, const char *name, char **ret_message) {
        return no_unit(name, ret_message);
}

int bus_ops_reload_or_restart(Manager *m, const char *name, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_kill(Manager *m, const char *name, int signo, char **ret_message) {
        return no_unit(name, ret_message);
}

int bus_ops_reset_failed(Manager *m, const char *name, char **ret_message) {
        return name ? no_unit(name, ret_message) : 0;
}

int bus_ops_enable(Manager *m, const char *name, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_disable(Manager *m, const char *name, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_is_enabled(Manager *m, const char *name, const char **ret_state, char **ret_message) {
        return no_unit(name, ret_message);
}

int bus_ops_daemon_reload(Manager *m, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_unit_file_text(Manager *m, const char *name, char **ret_text, char **ret_message) {
        return no_unit(name, ret_message);
}

int bus_ops_log_path(Manager *m, const char *name, char **ret_path) {
        char *p;

        if (asprintf(&p, "%s/logs/%s.log", m->state_dir, name) < 0)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

int bus_ops_start_transient(Manager *m, const BusTransientSpec *spec, char **ret_message) {
        return not_supported(ret_message);
}

int bus_ops_unload(Manager *m, const char *name) {
        return -ENOENT;
}
