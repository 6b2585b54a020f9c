/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by syscagectl's offline verbs: finding and loading unit files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "policy-build.h"
#include "strv.h"
#include "unit-name.h"

char **ctl_search_path(void) {
        return arg_units_dirs ? strv_copy(arg_units_dirs) : unit_search_path_default();
}

int ctl_unit_name_mangle(const char *arg, char **ret) {
        char *s;

        if (unit_name_is_valid(arg, UNIT_NAME_ANY) || strchr(arg, '/'))
                s = strdup(arg);
        else if (asprintf(&s, "%s.service", arg) < 0)
                s = NULL;
        else if (!unit_name_is_valid(s, UNIT_NAME_ANY)) {
                /* Not a name with the suffix either: keep it, the loader says why. */
                free(s);
                s = strdup(arg);
        }
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

bool ctl_arg_is_path(const char *arg) {
        struct stat st;

        /* A name that is also a file here ("verify foo.service" in units/) is the file. */
        return strchr(arg, '/') || stat(arg, &st) == 0;
}

int ctl_load_unit_full(const char *arg, bool is_path, char * const *search_path,
                       const char *name, DiagList *diags, UnitFile **ret) {
        _cleanup_free_ char *mangled = NULL;
        int r;

        if (name || is_path)
                return unit_file_load_path_as(arg, name, search_path, diags, ret);
        r = ctl_unit_name_mangle(arg, &mangled);
        if (r < 0)
                return r;
        return unit_file_load(mangled, search_path, diags, ret);
}

int ctl_load_unit(const char *arg, DiagList *diags, UnitFile **ret) {
        _cleanup_strv_free_ char **path = ctl_search_path();

        if (!path)
                return -ENOMEM;
        return ctl_load_unit_full(arg, ctl_arg_is_path(arg), path, NULL, diags, ret);
}

int ctl_load_policy(const char *arg, UnitFile **ret_unit, Policy **ret_policy) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        int r;

        r = ctl_load_unit(arg, &diags, &u);
        if (r >= 0 || u)
                r = policy_build(u, &diags, &p);
        /* Only the errors: warnings belong to verify. */
        for (size_t i = 0; i < diags.n; i++)
                if (diags.items[i].level == DIAG_ERROR)
                        diag_print(&diags.items[i], stderr);
        if (r < 0 || !p) {
                if (diags.n == 0)
                        fprintf(stderr, "%s: %s\n", arg, strerror(r < 0 ? -r : EINVAL));
                return r < 0 ? r : -EINVAL;
        }
        *ret_unit = TAKE_PTR(u);
        *ret_policy = TAKE_PTR(p);
        return 0;
}

void ctl_print_diags(const DiagList *diags) {
        for (size_t i = 0; i < diags->n; i++)
                diag_print(&diags->items[i], stderr);
        if (diags->n_dropped > 0)
                fprintf(stderr, "(%zu more diagnostics not shown)\n", diags->n_dropped);
}
