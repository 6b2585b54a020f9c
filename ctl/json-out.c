/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON Lines output of diagnostics (syscagectl verify --json). */
#include "ctl-output.h"
#include "json-out.h"

void json_print_string_or_null(FILE *f, const char *s) {
        if (s)
                json_print_string(f, s);
        else
                fputs("null", f);
}

void json_print_diag(FILE *f, const char *unit, const Diag *d) {
        fputs("{\"type\":\"diagnostic\",\"unit\":", f);
        json_print_string_or_null(f, unit);
        fputs(",\"file\":", f);
        json_print_string_or_null(f, d->file);
        if (d->line > 0)
                fprintf(f, ",\"line\":%u", d->line);
        else
                fputs(",\"line\":null", f);
        fputs(",\"key\":", f);
        json_print_string_or_null(f, d->key);
        fputs(",\"severity\":", f);
        json_print_string_or_null(f, diag_level_to_string(d->level));
        fputs(",\"code\":", f);
        json_print_string_or_null(f, diag_code_to_string(d->code) ?: "generic");
        fputs(",\"message\":", f);
        json_print_string_or_null(f, d->message);
        fputs("}\n", f);
}
