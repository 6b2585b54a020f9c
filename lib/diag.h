/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Located diagnostics. lib/ never prints: every parser appends to a DiagList, and the caller
 * (syscagectl verify, the daemon) decides how to show them. Each diagnostic names the file,
 * the line and the key it is about, so the output format is always "FILE:LINE: KEY: message".
 */
#pragma once

#include <stdio.h>

#include "macro.h"

typedef enum DiagLevel {
        DIAG_ERROR,   /* the unit cannot be used as written */
        DIAG_WARNING, /* the unit works, but something is ignored or suspicious */
        DIAG_NOTE,    /* informational, e.g. "not enforced" */
        _DIAG_LEVEL_MAX,
} DiagLevel;

const char *diag_level_to_string(DiagLevel l);

typedef struct Diag {
        DiagLevel level;
        char *file;    /* may be NULL (e.g. a -p property on the command line) */
        unsigned line; /* 0 when not applicable */
        char *key;     /* directive name, "[Section]" or NULL */
        char *message;
} Diag;

/* Hard cap so a hostile file cannot make us allocate without bound. Further diagnostics are
 * counted but not stored. */
#define DIAG_LIST_MAX 1024

typedef struct DiagList {
        Diag *items;
        size_t n, allocated;
        size_t n_dropped;
        size_t counts[_DIAG_LEVEL_MAX];
} DiagList;

/* Appends a diagnostic. Returns 0, or -ENOMEM. Counts are kept even when the list is full. */
int diag_add(DiagList *l, DiagLevel level, const char *file, unsigned line, const char *key,
             const char *fmt, ...) _printf_(6, 7);
void diag_list_done(DiagList *l);
static inline size_t diag_list_count(const DiagList *l, DiagLevel level) {
        return l->counts[level];
}
/* Prints "FILE:LINE: KEY: level: message\n". */
void diag_print(const Diag *d, FILE *f);
