/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by syscagectl's offline verbs: finding and loading unit files. */
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "strv.h"

char **ctl_search_path(void) {
        return arg_units_dirs ? strv_copy(arg_units_dirs) : unit_search_path_default();
}

int ctl_load_unit(const char *arg, DiagList *diags, UnitFile **ret) {
        _cleanup_strv_free_ char **path = ctl_search_path();
        struct stat st;

        if (!path)
                return -ENOMEM;
        if (strchr(arg, '/') || stat(arg, &st) == 0)
                return unit_file_load_path(arg, path, diags, ret);
        return unit_file_load(arg, path, diags, ret);
}

void ctl_print_diags(const DiagList *diags) {
        for (size_t i = 0; i < diags->n; i++)
                diag_print(&diags->items[i], stderr);
        if (diags->n_dropped > 0)
                fprintf(stderr, "(%zu more diagnostics not shown)\n", diags->n_dropped);
}
