/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node baseline in the daemon (manager-baseline.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "core/manager-baseline.h"
#include "exec/filter-cache.h"
#include "message.h"
#include "sys/log.h"

/* Logs every error and warning of DIAGS, located; returns the first error as text. */
static char *log_diags(const DiagList *diags) {
        char *first = NULL;

        for (size_t i = 0; i < diags->n; i++) {
                const Diag *d = &diags->items[i];
                char line[32] = "";
                if (d->line > 0)
                        snprintf(line, sizeof line, ":%u", d->line);
                log_full(d->level == DIAG_ERROR ? LOG_ERR : LOG_WARNING, "%s%s: %s%s%s", d->file ?: "?", line,
                         d->key ?: "", d->key ? ": " : "", d->message);
                if (d->level == DIAG_ERROR && !first &&
                    asprintf(&first, "%s%s: %s%s%s", d->file ?: "?", line, d->key ?: "", d->key ? ": " : "",
                             d->message) < 0)
                        first = NULL;
        }
        return first;
}

/* Reads and compiles the baseline at m->baseline_path. *ret_b and *ret_f NULL: none. */
static int baseline_read(Manager *m, Baseline **ret_b, FilterEntry **ret_f, char **ret_error) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;
        _cleanup_(filter_entry_unrefp) FilterEntry *f = NULL;
        int r;

        if (!m->baseline_path || (r = baseline_load(m->baseline_path, &diags, &b)) == -ENOENT) {
                if (m->baseline_path && m->baseline_explicit) {
                        log_error("%s: the node baseline given with --baseline= does not exist.", m->baseline_path);
                        return set_message(ret_error, "%s: does not exist", m->baseline_path), -ENOENT;
                }
                if (m->baseline_path)
                        log_debug("No node baseline at %s.", m->baseline_path);
                *ret_b = NULL;
                *ret_f = NULL;
                return 0;
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                *ret_error = log_diags(&diags);
                return r;
        }
        (void) log_diags(&diags); /* warnings */
        r = filter_cache_get(m->filters, &m->exec_key, b->policy, &f);
        if (r < 0) {
                log_error_errno(r, "%s: failed to compile the node baseline: %m", m->baseline_path);
                return set_message(ret_error, "%s: failed to compile: %s", m->baseline_path, strerror(-r)), r;
        }
        *ret_b = TAKE_PTR(b);
        *ret_f = TAKE_PTR(f);
        return 0;
}

static int describe(const Baseline *b, char **ret) {
        char hash[BASELINE_HASH_STRING_MAX], summary[BASELINE_SUMMARY_MAX];

        if (!b) {
                *ret = NULL;
                return 0;
        }
        if (asprintf(ret, "%s (hash %s): %s", b->path, baseline_hash_format(b->hash, hash),
                     baseline_summary(b, summary, sizeof summary)) < 0)
                return -ENOMEM;
        return 0;
}

/* Puts B and F in force, replacing the previous baseline. */
static int baseline_set(Manager *m, Baseline *b, FilterEntry *f) {
        char *desc;

        if (describe(b, &desc) < 0) {
                baseline_free(b);
                filter_entry_unref(f);
                return log_oom();
        }
        manager_baseline_release(m);
        m->baseline = b;
        m->baseline_filters = f;
        m->baseline_description = desc;
        if (desc)
                log_info("Node baseline: %s.", desc);
        return 0;
}

int manager_baseline_startup(Manager *m) {
        _cleanup_free_ char *error = NULL;
        Baseline *b;
        FilterEntry *f;
        int r;

        r = baseline_read(m, &b, &f, &error);
        if (r < 0)
                return log_error_errno(r, "The node baseline %s is not usable, refusing to start.", m->baseline_path);
        return baseline_set(m, b, f);
}

int manager_baseline_reload(Manager *m, char **ret_message) {
        _cleanup_free_ char *error = NULL;
        Baseline *b;
        FilterEntry *f;
        int r;

        r = baseline_read(m, &b, &f, &error);
        if (r < 0) {
                log_error("The node baseline %s was not reloaded; the previous one stays in force%s%s.",
                          m->baseline_path, m->baseline_description ? ": " : " (none)",
                          m->baseline_description ?: "");
                return set_message(ret_message, "Baseline not reloaded, the previous one stays in force: %s",
                                   error ?: strerror(-r)), r;
        }
        return baseline_set(m, b, f);
}

void manager_baseline_release(Manager *m) {
        m->baseline_filters = filter_entry_unref(m->baseline_filters);
        m->baseline = baseline_free(m->baseline);
        free(m->baseline_description);
        m->baseline_description = NULL;
}

const char *manager_baseline_description(const Manager *m) {
        return m->baseline_description;
}

static int check_path(const char *path, bool explicit, char **ret_message) {
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_(baseline_freep) Baseline *b = NULL;
        int r;

        if (!path)
                return 0;
        r = baseline_load(path, &diags, &b);
        if (r == -ENOENT && !explicit)
                return 0;
        if (r == -ENOENT) {
                log_error("%s: the node baseline given with --baseline= does not exist.", path);
                return set_message(ret_message, "%s: does not exist", path), r;
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                char *first = log_diags(&diags);
                if (ret_message)
                        *ret_message = first;
                else
                        free(first);
        }
        return r;
}

int manager_baseline_check(Manager *m, char **ret_message) {
        _cleanup_free_ char *error = NULL;
        int r = check_path(m->baseline_path, m->baseline_explicit, &error);

        if (r < 0)
                return set_message(ret_message, "The node baseline would not load, not re-executing: %s",
                                   error ?: strerror(-r)), r;
        return 0;
}

int manager_baseline_precheck(const char *path, bool explicit) {
        int r = check_path(path, explicit, NULL);
        if (r < 0)
                log_error("The node baseline %s is not usable, refusing to start.", path);
        return r;
}
