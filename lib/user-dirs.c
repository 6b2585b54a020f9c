/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-user directories (user-dirs.h): pure string work on the XDG variables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "strv.h"
#include "user-dirs.h"

void user_dirs_done(UserDirs *d) {
        d->units_path = strv_free(d->units_path);
        free(d->state_dir);
        free(d->runtime_dir);
        free(d->socket_path);
        d->state_dir = d->runtime_dir = d->socket_path = NULL;
}

static bool absolute(const char *p) {
        return p && p[0] == '/';
}

/* $VAR if absolute, else HOME/FALLBACK; NULL with *ret_missing = "HOME" without a home. */
static int xdg_dir(const char *value, const char *home, const char *fallback, char **ret,
                   const char **ret_missing) {
        char *s;

        if (absolute(value))
                s = strdup(value);
        else if (absolute(home)) {
                if (asprintf(&s, "%s/%s", home, fallback) < 0)
                        s = NULL;
        } else {
                *ret_missing = "HOME";
                return -ENXIO;
        }
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int join(char **ret, const char *a, const char *b) {
        if (asprintf(ret, "%s/%s", a, b) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int user_dirs_build(const UserEnv *e, UserDirs *ret, const char **ret_missing) {
        _cleanup_free_ char *config = NULL, *state = NULL, *data = NULL;
        UserDirs d = {};
        const char *missing = NULL;
        char *s;
        int r;

        if (!absolute(e->runtime_dir)) {
                *ret_missing = "XDG_RUNTIME_DIR";
                return -ENXIO;
        }
        if ((r = xdg_dir(e->config_home, e->home, ".config", &config, &missing)) < 0 ||
            (r = xdg_dir(e->state_home, e->home, ".local/state", &state, &missing)) < 0 ||
            (r = xdg_dir(e->data_home, e->home, ".local/share", &data, &missing)) < 0) {
                if (missing)
                        *ret_missing = missing;
                return r;
        }
        r = join(&d.runtime_dir, e->runtime_dir, "syscage");
        if (r >= 0)
                r = join(&d.socket_path, d.runtime_dir, "control.sock");
        if (r >= 0)
                r = join(&d.state_dir, state, "syscage");
        if (r >= 0 && (r = join(&s, config, "syscage/user")) >= 0)
                r = strv_consume(&d.units_path, s);
        if (r >= 0)
                r = strv_extend(&d.units_path, SYSCAGE_SYSCONF_DIR "/user");
        if (r >= 0 && (r = join(&s, d.runtime_dir, "user")) >= 0)
                r = strv_consume(&d.units_path, s);
        if (r >= 0 && (r = join(&s, data, "syscage/user")) >= 0)
                r = strv_consume(&d.units_path, s);
        if (r >= 0)
                r = strv_extend(&d.units_path, SYSCAGE_USER_UNITS_DIR_VENDOR);
        if (r < 0) {
                user_dirs_done(&d);
                return -ENOMEM;
        }
        *ret = d;
        return 0;
}

int user_dirs_from_environment(UserDirs *ret, const char **ret_missing) {
        UserEnv e = {
                .home = getenv("HOME"),
                .config_home = getenv("XDG_CONFIG_HOME"),
                .state_home = getenv("XDG_STATE_HOME"),
                .data_home = getenv("XDG_DATA_HOME"),
                .runtime_dir = getenv("XDG_RUNTIME_DIR"),
        };
        return user_dirs_build(&e, ret, ret_missing);
}
