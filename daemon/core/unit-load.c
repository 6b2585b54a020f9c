/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one unit loader (see unit-load.h). One bad unit never stops the others: what goes
 * wrong is recorded in the unit's load state and diagnostics, and only running out of memory
 * is an error of the caller's.
 */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>

#include "core/unit-load.h"
#include "exec/filter-cache.h"
#include "policy-store.h"
#include "policy.h"
#include "core/service-phase.h"
#include "sandbox-check.h"
#include "sandbox-probe.h"
#include "sys/log.h"
#include "message.h"

static void unit_log_diags(const Unit *u) {
        for (size_t i = 0; i < u->load_diags.n; i++) {
                const Diag *d = &u->load_diags.items[i];
                int level = d->level == DIAG_ERROR ? LOG_ERR : d->level == DIAG_WARNING ? LOG_WARNING : LOG_INFO;
                log_unit_full(u->name, level, "%s:%u: %s%s%s", d->file ?: "(unknown)", d->line,
                              d->key ?: "", d->key ? ": " : "", d->message);
        }
}

/* Keeps a reference to E among the Manager's recent filters, unless it is there already. */
static void keep_recent_filter(Manager *m, FilterEntry *e) {
        for (size_t i = 0; i < MANAGER_RECENT_FILTERS; i++)
                if (m->recent_filters[i] == e)
                        return;
        FilterEntry **slot = &m->recent_filters[m->recent_filters_next];
        filter_entry_unref(*slot);
        *slot = filter_entry_ref(e);
        m->recent_filters_next = (m->recent_filters_next + 1) % MANAGER_RECENT_FILTERS;
}

/* Fail closed: a sandbox this host cannot enforce refuses the unit (sandbox-check.h). What
 * --relax skips is kept for the launches: the host facts and the relax set are fixed at
 * start-up, so it stays true until the unit is loaded again. */
static int unit_check_sandbox(Unit *u) {
        const SandboxCheckInput in = {
                .file = u->file,
                .sandbox = &u->config->sandbox,
                .exec_gate = policy_denies_exec(u->policy),
                .host = &u->manager->host_facts,
                .relax = u->manager->relax,
                .relax_option = "syscaged --relax",
                .path_exists = sandbox_path_exists,
        };
        return sandbox_check(&in, &u->load_diags, &u->sandbox_skip);
}

/* The supervisor's guard uid (syscaged(8)) is out of a service's reach only if the service
 * cannot take it. A gated service's filter refuses set*uid() to it; but one that keeps
 * CAP_SETUID could still write "0 GUARD 1" into the uid_map of a user namespace of its own and
 * be the guard uid there, for the kernel's signal checks. So such a service gets no user
 * namespaces: RestrictNamespaces=~user is added after its own lines (only ever narrowing
 * them), and shows as coming from UNIT_GUARD_FILE. */
static int unit_guard_user_namespaces(Unit *u) {
        const uint64_t setuid_bit = UINT64_C(1) << CAP_SETUID;

        if (!policy_denies_exec(u->policy) ||
            !((u->config->capability_bounding_set | u->config->ambient_capabilities) & setuid_bit))
                return 0;
        int r = unit_file_add(u->file, "Service", "RestrictNamespaces", "~user", UNIT_GUARD_FILE, 1);
        if (r < 0)
                return r;
        u->policy = policy_unref(u->policy);
        return policy_store_build(u->manager->policies, u->file, &u->load_diags, &u->policy);
}

/* Each step returns -ENOMEM to the caller, and any other failure as the unit's load error. */
static int unit_load_steps(Unit *u) {
        int r;

        r = unit_config_parse(u->file, &u->load_diags, &u->config);
        if (r < 0)
                return r;
        r = policy_store_build(u->manager->policies, u->file, &u->load_diags, &u->policy);
        if (r < 0)
                return r;
        r = unit_guard_user_namespaces(u);
        if (r < 0)
                return r;
        r = unit_check_sandbox(u);
        if (r < 0)
                return r;
        r = unit_resolve_creds(u);
        if (r < 0)
                return r;
        if (!policy_is_empty(u->policy)) {
                r = filter_cache_get(u->manager->filters, &u->manager->exec_key, u->policy, &u->filters);
                if (r < 0) {
                        (void) diag_add(&u->load_diags, DIAG_ERROR, u->file->fragment, 0, NULL,
                                        "Failed to compile the seccomp filter: %s", strerror(-r));
                        return r == -ENOMEM ? -EINVAL : r; /* a failed compile is the unit's */
                }
                keep_recent_filter(u->manager, u->filters);
        }
        return service_phase_load(u);
}

int unit_load_file(Unit *u, UnitFile *file) {
        int r;

        u->file = file;
        u->load_state = UNIT_ERROR;
        r = unit_load_steps(u);
        if (r == -ENOMEM)
                return r;
        u->load_error = r < 0 ? r : 0;
        if (r >= 0)
                u->load_state = UNIT_LOADED;
        return 0;
}

static void free_and_replace_name(Unit *u, char *name) {
        free(u->name);
        u->name = name;
}

int unit_load_from_disk(Manager *m, const char *name, Unit **ret) {
        _cleanup_(unit_freep) Unit *u = NULL;
        UnitFile *file = NULL;
        int r;

        r = unit_new(m, name, &u);
        if (r < 0)
                return r;
        r = unit_file_load(u->name, m->units_dirs, &u->load_diags, &file);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !file) {
                u->load_state = r == -ERFKILL ? UNIT_MASKED : r == -ENOENT ? UNIT_NOT_FOUND : UNIT_ERROR;
                u->load_error = r < 0 ? r : -EINVAL;
                unit_file_free(file);
        } else {
                /* Loaded by an alias: the unit goes by its own name. */
                if (!streq(file->name, u->name)) {
                        char *own = strdup(file->name);
                        if (!own) {
                                unit_file_free(file);
                                return -ENOMEM;
                        }
                        free_and_replace_name(u, own);
                }
                r = unit_load_file(u, file);
                if (r < 0)
                        return r;
        }
        if (u->load_state != UNIT_NOT_FOUND)
                unit_log_diags(u);
        if (u->load_state != UNIT_LOADED && u->load_state != UNIT_NOT_FOUND)
                log_unit_warning(u->name, "Failed to load: %s.", unit_load_state_to_string(u->load_state));
        *ret = TAKE_PTR(u);
        return 0;
}

int unit_load_transient(Manager *m, const char *name, UnitFile *file, Unit **ret, char **ret_message) {
        _cleanup_(unit_freep) Unit *u = NULL;
        int r;

        r = unit_new(m, name, &u);
        if (r < 0) {
                unit_file_free(file);
                return r;
        }
        r = unit_load_file(u, file);
        if (r < 0)
                return r;
        for (size_t i = 0; i < u->load_diags.n; i++) {
                const Diag *d = &u->load_diags.items[i];
                if (d->level == DIAG_ERROR)
                        return set_message_errno(ret_message, u->load_error < 0 ? u->load_error : -EINVAL,
                                                 "%s:%u: %s%s%s", d->file ?: "-p", d->line, d->key ?: "",
                                                 d->key ? ": " : "", d->message);
        }
        if (u->load_state != UNIT_LOADED)
                return set_message_errno(ret_message, u->load_error < 0 ? u->load_error : -EINVAL,
                                         "Failed to load %s: %s", name, strerror(-u->load_error));
        r = manager_add_unit(m, u->name, u);
        if (r < 0)
                return set_message_errno(ret_message, r, "Cannot add %s: %s", name, strerror(-r));
        *ret = TAKE_PTR(u);
        return 0;
}
