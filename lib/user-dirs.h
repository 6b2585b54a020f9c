/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directories of a per-user syscaged (`syscaged --user`, `syscagectl --user`), from the
 * XDG base directory variables, as systemd --user takes its own:
 *
 *   units     CONFIG_HOME/syscage/user, SYSCONF/user, RUNTIME/syscage/user,
 *             DATA_HOME/syscage/user, /usr/lib/syscage/user   (first wins)
 *   state     STATE_HOME/syscage
 *   runtime   RUNTIME/syscage, the control socket RUNTIME/syscage/control.sock
 *
 * CONFIG_HOME is $XDG_CONFIG_HOME or ~/.config, STATE_HOME $XDG_STATE_HOME or
 * ~/.local/state, DATA_HOME $XDG_DATA_HOME or ~/.local/share (a relative value is ignored,
 * as the XDG specification says), RUNTIME is $XDG_RUNTIME_DIR. There is no fallback for
 * RUNTIME: the runtime directory must be private to the user and removed when the user's
 * last session ends, which only whoever sets XDG_RUNTIME_DIR (pam_systemd) guarantees; a
 * made-up directory in /tmp would outlive the user and could be pre-created by another.
 */
#pragma once

#include "macro.h"

/* The environment the directories come from; NULL: unset. */
typedef struct UserEnv {
        const char *home;
        const char *config_home;
        const char *state_home;
        const char *data_home;
        const char *runtime_dir;
} UserEnv;

typedef struct UserDirs {
        char **units_path;  /* highest priority first */
        char *state_dir;
        char *runtime_dir;
        char *socket_path;
} UserDirs;

void user_dirs_done(UserDirs *d);

/* The directories for E. -ENXIO when a needed variable is unset or not an absolute path,
 * with its name in *ret_missing ("XDG_RUNTIME_DIR", "HOME"); -ENOMEM. */
int user_dirs_build(const UserEnv *e, UserDirs *ret, const char **ret_missing);

/* The same from this process's environment. */
int user_dirs_from_environment(UserDirs *ret, const char **ret_missing);
