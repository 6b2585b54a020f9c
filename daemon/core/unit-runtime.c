/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's activation outside its processes: dynamic user, directories, private /tmp, and
 * their removal. See unit-runtime.h for the order and the rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/manager.h"
#include "core/remove-ipc.h"
#include "core/service-process.h"
#include "core/unit-dirs.h"
#include "core/unit-runtime.h"
#include "core/unit-sandbox-state.h"
#include "exec/exec-plan.h"
#include "message.h"
#include "sys/log.h"

static UnitRuntime *runtime_get(Unit *u) {
        if (!u->runtime) {
                u->runtime = calloc(1, sizeof(UnitRuntime));
                if (!u->runtime)
                        return NULL;
                u->runtime->uid = EXEC_UID_UNSET;
                u->runtime->gid = EXEC_GID_UNSET;
        }
        return u->runtime;
}

uid_t unit_runtime_uid(const Unit *u) {
        if (u->runtime && u->runtime->started)
                return u->runtime->uid;
        return u->creds.uid;
}

gid_t unit_runtime_gid(const Unit *u) {
        if (u->runtime && u->runtime->started)
                return u->runtime->gid;
        return u->creds.gid;
}

const DynamicUser *unit_runtime_dynamic_user(const Unit *u) {
        return u->runtime ? u->runtime->dynamic_user : NULL;
}

/* DynamicUser=: a static user of the name wins (systemd.exec(5): "If a statically allocated
 * user or group of the configured name already exists, it is used"); that was resolved at
 * load. Otherwise a number is lent. A uid still held from an earlier activation whose
 * processes outlived it is kept. */
static int acquire_identity(Unit *u, UnitRuntime *rt, char **ret_message) {
        Manager *m = u->manager;
        int r;

        rt->dynamic = unit_wants_dynamic_user(u);
        rt->uid = u->creds.uid;
        rt->gid = u->creds.gid;
        if (!rt->dynamic || u->creds.uid != EXEC_UID_UNSET) {
                if (rt->dynamic_user)
                        rt->dynamic_user = dynamic_user_release(m->dynamic_users, rt->dynamic_user);
                return 0;
        }
        if (!rt->dynamic_user) {
                _cleanup_free_ char *name = NULL;
                r = dynamic_user_name(u->name, u->config->user, &name);
                if (r < 0)
                        return set_message(ret_message, "DynamicUser=: %s gives no valid user name (at most "
                                           "%u letters, digits, '_', '-', '.', not starting with a digit); "
                                           "set User=", u->config->user ?: u->name, DYNAMIC_USER_NAME_MAX), r;
                r = dynamic_user_acquire(m->dynamic_users, name, &rt->dynamic_user);
                if (r < 0)
                        return set_message(ret_message, "DynamicUser=: no uid for %s: %s", name,
                                           r == -EBUSY ? "the range 61184-65519 is exhausted" : strerror(-r)), r;
                log_unit_debug(u->name, "Dynamic user %s has uid %u.", rt->dynamic_user->name,
                               (unsigned) rt->dynamic_user->uid);
        }
        rt->uid = rt->dynamic_user->uid;
        rt->gid = (gid_t) rt->dynamic_user->uid;
        return 0;
}

int unit_runtime_start(Unit *u, char **ret_message) {
        UnitRuntime *rt = runtime_get(u);
        int r;

        if (!rt)
                return set_message(ret_message, "Out of memory"), -ENOMEM;
        r = acquire_identity(u, rt, ret_message);
        if (r < 0)
                goto fail;
        rt->started = true;
        rt->runtime_dirs_kept = false;
        r = unit_dirs_setup(u, rt->uid, rt->gid, rt->dynamic, ret_message);
        if (r < 0)
                goto fail;
        if (unit_wants_private_tmp(u)) {
                r = private_tmp_create(u->name, "/tmp", "/var/tmp", &rt->private_tmp);
                if (r < 0) {
                        set_message(ret_message, "PrivateTmp=: failed to create the private directories: %s",
                                    strerror(-r));
                        goto fail;
                }
        }
        return 0;
fail:
        unit_runtime_stop(u);
        return r;
}

int unit_runtime_restore(Unit *u, uid_t uid, gid_t gid, const PrivateTmp *tmp, char **ret_message) {
        UnitRuntime *rt = runtime_get(u);
        int r;

        if (!rt)
                return set_message(ret_message, "Out of memory"), -ENOMEM;
        r = acquire_identity(u, rt, ret_message);
        if (r < 0)
                goto fail;
        if (rt->uid != uid || rt->gid != gid) {
                r = -ESTALE;
                set_message(ret_message, "it ran as uid %u gid %u, which is not what it would get now (%u, %u)",
                            (unsigned) uid, (unsigned) gid, (unsigned) rt->uid, (unsigned) rt->gid);
                goto fail;
        }
        rt->started = true;
        if (tmp->tmp_top) {
                rt->private_tmp = (PrivateTmp) {
                        .tmp_top = strdup(tmp->tmp_top), .var_tmp_top = strdup(tmp->var_tmp_top ?: ""),
                        .tmp = strdup(tmp->tmp ?: ""), .var_tmp = strdup(tmp->var_tmp ?: ""),
                };
                if (!rt->private_tmp.tmp_top || !rt->private_tmp.var_tmp_top || !rt->private_tmp.tmp ||
                    !rt->private_tmp.var_tmp) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        return 0;
fail:
        /* The directories are the previous activation's: nothing here may remove them. */
        if (rt->dynamic_user && !rt->started)
                rt->dynamic_user = dynamic_user_release(u->manager->dynamic_users, rt->dynamic_user);
        rt->started = false;
        private_tmp_done(&rt->private_tmp);
        return r;
}

/* Whether another active unit runs as UID (or, with GID set, as GID). */
static bool identity_in_use(const Unit *self, uid_t uid, gid_t gid) {
        size_t cursor = 0;
        void *v;
        while (hashmap_iterate(self->manager->units, &cursor, NULL, &v)) {
                const Unit *o = v;
                if (o == self || service_state_is_inactive(o->state))
                        continue;
                if ((uid != EXEC_UID_UNSET && unit_runtime_uid(o) == uid) ||
                    (gid != EXEC_GID_UNSET && unit_runtime_gid(o) == gid))
                        return true;
        }
        return false;
}

static void remove_unit_ipc(Unit *u, UnitRuntime *rt) {
        if (!unit_wants_remove_ipc(u))
                return;
        uid_t uid = rt->uid == EXEC_UID_UNSET || rt->uid == 0 ? (uid_t) -1 : rt->uid;
        gid_t gid = rt->gid == EXEC_GID_UNSET || rt->gid == 0 ? (gid_t) -1 : rt->gid;
        if (uid != (uid_t) -1 && identity_in_use(u, uid, EXEC_GID_UNSET))
                uid = (uid_t) -1;
        if (gid != (gid_t) -1 && identity_in_use(u, EXEC_UID_UNSET, gid))
                gid = (gid_t) -1;
        if (uid == (uid_t) -1 && gid == (gid_t) -1)
                return;
        int n = remove_ipc(uid, gid);
        if (n > 0)
                log_unit_debug(u->name, "RemoveIPC=: removed %d IPC object(s).", n);
}

void unit_runtime_stop(Unit *u) {
        UnitRuntime *rt = u->runtime;
        Manager *m = u->manager;

        if (!rt || !rt->started)
                return;
        switch (u->config->runtime_directory_preserve) {
        case RUNTIME_DIRECTORY_PRESERVE_NO:
                unit_dirs_remove_runtime(u);
                break;
        case RUNTIME_DIRECTORY_PRESERVE_RESTART:
                rt->runtime_dirs_kept = true;
                break;
        default:
                break;
        }
        remove_unit_ipc(u, rt);
        private_tmp_remove(&rt->private_tmp, m->tree_remover);
        if (rt->dynamic_user) {
                const ServiceProcessOps *ops = m->process_ops ?: &service_process_ops;
                if (ops->cgroup_populated(u))
                        log_unit_notice(u->name, "Processes of %s are left: keeping uid %u until they are gone.",
                                        u->name, (unsigned) rt->dynamic_user->uid);
                else {
                        log_unit_debug(u->name, "Dynamic user %s (uid %u) released.", rt->dynamic_user->name,
                                       (unsigned) rt->dynamic_user->uid);
                        rt->dynamic_user = dynamic_user_release(m->dynamic_users, rt->dynamic_user);
                }
        }
        rt->started = false;
        rt->uid = EXEC_UID_UNSET;
        rt->gid = EXEC_GID_UNSET;
}

void unit_runtime_settled(Unit *u, bool restarting) {
        UnitRuntime *rt = u->runtime;

        if (!rt || !rt->runtime_dirs_kept || rt->started || restarting || rt->restarting)
                return;
        rt->runtime_dirs_kept = false;
        unit_dirs_remove_runtime(u);
}

void unit_runtime_restarting(Unit *u, bool on) {
        if (u->runtime)
                u->runtime->restarting = on;
}

void unit_runtime_free(Unit *u) {
        UnitRuntime *rt = u->runtime;
        if (!rt)
                return;
        if (rt->dynamic_user && u->manager)
                dynamic_user_release(u->manager->dynamic_users, rt->dynamic_user);
        private_tmp_done(&rt->private_tmp);
        free(rt);
        u->runtime = NULL;
}
