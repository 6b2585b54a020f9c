/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A service's own directories, where systemd.exec(5) puts them. For the system manager:
 * RuntimeDirectory=NAME at ROOT/run/NAME, StateDirectory= at ROOT/var/lib/NAME,
 * CacheDirectory= at ROOT/var/cache/NAME, LogsDirectory= at ROOT/var/log/NAME,
 * ConfigurationDirectory= at ROOT/etc/NAME, ROOT being the daemon's --directories-root ("/"
 * unless a test says otherwise). For a per-user manager (Manager.user_mode): $XDG_RUNTIME_DIR,
 * $XDG_STATE_HOME, $XDG_CACHE_HOME, $XDG_STATE_HOME/log, $XDG_CONFIG_HOME, with the
 * specification's defaults below $HOME (systemd 254 and later; 252 put the state and logs
 * directories below $XDG_CONFIG_HOME).
 *
 * Each start creates the missing ones (parents root-owned 0755, the directory itself with
 * the unit's *DirectoryMode=), sets the mode and, under the system manager, gives the
 * directory to the service's user and group (root without User=); a directory that had
 * another owner is given over with everything in it (a walk that follows no link, bounded by
 * UNIT_DIRS_CHOWN_ENTRIES_MAX). ConfigurationDirectory= is the exception: it stays root's,
 * and one that exists keeps its mode. "NAME:LINK" also makes BASE/LINK a relative link to
 * BASE/NAME. RuntimeDirectory= goes when the unit stops, unless RuntimeDirectoryPreserve=
 * says yes (never) or restart (not when the unit starts again: see unit_runtime_settled());
 * the others stay.
 *
 * Under DynamicUser= the uid changes from one start to another, and a directory that stays
 * must not be reachable by a later owner of the same number: StateDirectory=, CacheDirectory=
 * and LogsDirectory= then live in BASE/private/NAME ("private" root-owned 0700, so only a
 * process that has the directory bound into its namespace reaches it), and BASE/NAME is a
 * relative symbolic link to it. A directory left by a unit that was not dynamic before is
 * moved into private/ and back when the unit stops being dynamic, as systemd does.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "core/unit.h"

/* Named limit (STYLE.md #10): entries one start gives to a new dynamic owner. */
#define UNIT_DIRS_CHOWN_ENTRIES_MAX 65536u
#define UNIT_DIRS_CHOWN_DEPTH_MAX 64u

/* The base of kind K, newly allocated: ROOT/run, ROOT/var/lib, ... (ROOT NULL: "/"), or for a
 * user manager (USER) the XDG place looked up in ENV (a NULL-terminated "NAME=VALUE" list).
 * -ENXIO when ENV names no such place ($XDG_RUNTIME_DIR unset, or neither the variable nor
 * $HOME). */
int unit_dirs_base_for(UnitDirKind k, bool user, const char *root, char *const *env, char **ret);
/* The same for M: its --directories-root, or its environment when it is a user manager. */
int unit_dirs_base(const Manager *m, UnitDirKind k, char **ret);

/* Creates the unit's directories for a start, owned by UID/GID (EXEC_UID_UNSET: left to
 * root), with the private layout when DYNAMIC. -errno with a sentence in *ret_message. */
int unit_dirs_setup(Unit *u, uid_t uid, gid_t gid, bool dynamic, char **ret_message);

/* Adds $RUNTIME_DIRECTORY, $STATE_DIRECTORY, $CACHE_DIRECTORY, $LOGS_DIRECTORY and
 * $CONFIGURATION_DIRECTORY (colon-separated lists of the paths the service uses) to *ENV. */
int unit_dirs_env(const Unit *u, char ***env);

/* For the mount plan: every directory of the unit (WRITABLE), and under DYNAMIC the
 * "private" parents in use and the unit's directories inside them. Each list is
 * NULL-terminated and newly allocated (possibly empty, never NULL on success). */
int unit_dirs_paths(const Unit *u, bool dynamic, char ***ret_writable, char ***ret_private_parents,
                    char ***ret_private_dirs);

/* Its RuntimeDirectory= entries go (in a child, see tree-remove.h), whatever
 * RuntimeDirectoryPreserve= says (the caller decides). They are first renamed to
 * ROOT/run/.syscage-removing-RANDOM, so a start that follows at once creates a fresh
 * directory. */
void unit_dirs_remove_runtime(Unit *u);
/* At start-up: removes what an earlier daemon renamed for removal and did not finish. */
void unit_dirs_remove_stale(Manager *m);

/* Gives DIR_FD's directory and everything below it (no link followed, no other mount
 * entered) to UID/GID; a file with more than one hard link keeps its owner. *BUDGET entries
 * at most, decremented; -E2BIG when it ran out. */
int unit_dirs_chown_tree(int dir_fd, uid_t uid, gid_t gid, size_t *budget);
