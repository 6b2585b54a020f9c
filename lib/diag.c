/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Located diagnostics: collected by the parsers, printed by the callers. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "string-table.h"

static const char *const diag_level_table[_DIAG_LEVEL_MAX] = {
        [DIAG_ERROR] = "error",
        [DIAG_WARNING] = "warning",
        [DIAG_NOTE] = "note",
};

const char *diag_level_to_string(DiagLevel l) {
        return l >= 0 && l < _DIAG_LEVEL_MAX ? diag_level_table[l] : NULL;
}

DEFINE_STRING_TABLE(diag_code, DiagCode, _DIAG_CODE_MAX,
        [DIAG_CODE_GENERIC] = "generic",
        [DIAG_CODE_IO] = "io",
        [DIAG_CODE_NOT_FOUND] = "not-found",
        [DIAG_CODE_MASKED] = "masked",
        [DIAG_CODE_BAD_UNIT_NAME] = "bad-unit-name",
        [DIAG_CODE_LIMIT] = "limit",
        [DIAG_CODE_ENCODING] = "encoding",
        [DIAG_CODE_SYNTAX] = "syntax",
        [DIAG_CODE_SPECIFIER] = "specifier",
        [DIAG_CODE_UNKNOWN_SECTION] = "unknown-section",
        [DIAG_CODE_UNKNOWN_KEY] = "unknown-key",
        [DIAG_CODE_WRONG_SECTION] = "wrong-section",
        [DIAG_CODE_BAD_VALUE] = "bad-value",
        [DIAG_CODE_IGNORED_VALUE] = "ignored-value",
        [DIAG_CODE_UNSUPPORTED_VALUE] = "unsupported-value",
        [DIAG_CODE_UNSUPPORTED_DIRECTIVE] = "unsupported-directive",
        [DIAG_CODE_DEPRECATED] = "deprecated",
        [DIAG_CODE_CONFLICT] = "conflict",
        [DIAG_CODE_MISSING_DIRECTIVE] = "missing-directive",
        [DIAG_CODE_SANDBOX_UNENFORCEABLE] = "sandbox-unenforceable",
        [DIAG_CODE_PATH_MISSING] = "path-missing",
        [DIAG_CODE_MOUNT_PLAN] = "mount-plan",
        [DIAG_CODE_POLICY_BYPASS] = "policy-bypass",
        [DIAG_CODE_POLICY_PARTIAL] = "policy-partial",
        [DIAG_CODE_POLICY_NO_EFFECT] = "policy-no-effect",
        [DIAG_CODE_FILTER_COMPILE] = "filter-compile",
        [DIAG_CODE_EXEC_GATE] = "exec-gate",
        [DIAG_CODE_EXEC_PREFIX] = "exec-prefix");

static int diag_addv(DiagList *l, DiagCode code, DiagLevel level, const char *file, unsigned line,
                     const char *key, const char *fmt, va_list ap) _printf_(7, 0);
static int diag_addv(DiagList *l, DiagCode code, DiagLevel level, const char *file, unsigned line,
                     const char *key, const char *fmt, va_list ap) {
        Diag d = { .level = level, .code = code, .line = line };
        int r;

        if (!l)
                return 0;
        l->counts[level]++;
        if (l->n >= DIAG_LIST_MAX) {
                l->n_dropped++;
                return 0;
        }
        r = vasprintf(&d.message, fmt, ap);
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

int diag_add_code(DiagList *l, DiagCode code, DiagLevel level, const char *file, unsigned line,
                  const char *key, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = diag_addv(l, code, level, file, line, key, fmt, ap);
        va_end(ap);
        return r;
}

int diag_add(DiagList *l, DiagLevel level, const char *file, unsigned line, const char *key,
             const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = diag_addv(l, DIAG_CODE_GENERIC, level, file, line, key, fmt, ap);
        va_end(ap);
        return r;
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
