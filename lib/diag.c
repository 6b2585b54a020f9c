/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Located diagnostics: collected by the parsers, printed by the callers. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static const char *const diag_level_table[_DIAG_LEVEL_MAX] = {
        [DIAG_ERROR] = "error",
        [DIAG_WARNING] = "warning",
        [DIAG_NOTE] = "note",
};

const char *diag_level_to_string(DiagLevel l) {
        return l >= 0 && l < _DIAG_LEVEL_MAX ? diag_level_table[l] : NULL;
}

int diag_add(DiagList *l, DiagLevel level, const char *file, unsigned line, const char *key,
             const char *fmt, ...) {
        Diag d = { .level = level, .line = line };
        va_list ap;
        int r;

        if (!l)
                return 0;
        l->counts[level]++;
        if (l->n >= DIAG_LIST_MAX) {
                l->n_dropped++;
                return 0;
        }
        va_start(ap, fmt);
        r = vasprintf(&d.message, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if ((file && !(d.file = strdup(file))) || (key && !(d.key = strdup(key))) ||
            GREEDY_REALLOC(l->items, l->allocated, l->n + 1) < 0) {
                free(d.file);
                free(d.key);
                free(d.message);
                return -ENOMEM;
        }
        l->items[l->n++] = d;
        return 0;
}

void diag_list_done(DiagList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].file);
                free(l->items[i].key);
                free(l->items[i].message);
        }
        free(l->items);
        *l = (DiagList) {};
}

void diag_print(const Diag *d, FILE *f) {
        if (d->file)
                fprintf(f, "%s:", d->file);
        if (d->line > 0)
                fprintf(f, "%u:", d->line);
        if (d->file || d->line > 0)
                fputc(' ', f);
        if (d->key)
                fprintf(f, "%s: ", d->key);
        fprintf(f, "%s: %s\n", diag_level_to_string(d->level), d->message);
}
