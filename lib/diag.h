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

/*
 * What kind of problem a diagnostic is about: a stable name for machines (syscagectl verify
 * --json), independent of the message wording, which may change. The names are an interface:
 * add new codes at the end, never rename or reuse one (contrib/docs/syscagectl.1.md lists
 * them). DIAG_CODE_GENERIC is what diag_add() gives, until its call site is assigned a code.
 */
typedef enum DiagCode {
        DIAG_CODE_GENERIC,               /* "generic": not classified yet */
        DIAG_CODE_IO,                    /* a file or directory could not be opened or read */
        DIAG_CODE_NOT_FOUND,             /* no unit file for the name */
        DIAG_CODE_MASKED,                /* the unit is masked */
        DIAG_CODE_BAD_UNIT_NAME,         /* not a valid unit name */
        DIAG_CODE_LIMIT,                 /* a named limit was exceeded (size, count, length) */
        DIAG_CODE_ENCODING,              /* NUL byte or invalid UTF-8 */
        DIAG_CODE_SYNTAX,                /* a line that is not a header or an assignment */
        DIAG_CODE_SPECIFIER,             /* a %-specifier that cannot be expanded */
        DIAG_CODE_UNKNOWN_SECTION,       /* a section this program does not know, ignored */
        DIAG_CODE_UNKNOWN_KEY,           /* a key this program does not know */
        DIAG_CODE_WRONG_SECTION,         /* a known key in the wrong section, ignored */
        DIAG_CODE_BAD_VALUE,             /* a value that cannot be parsed or is out of range */
        DIAG_CODE_IGNORED_VALUE,         /* part of a value is ignored (unknown name, arch) */
        DIAG_CODE_UNSUPPORTED_VALUE,     /* a valid systemd value this program does not support */
        DIAG_CODE_UNSUPPORTED_DIRECTIVE, /* a directive parsed but not enforced */
        DIAG_CODE_DEPRECATED,            /* a deprecated spelling or setting */
        DIAG_CODE_CONFLICT,              /* settings that contradict each other */
        DIAG_CODE_MISSING_DIRECTIVE,     /* a required setting is absent (ExecStart=) */
        DIAG_CODE_SANDBOX_UNENFORCEABLE, /* the host cannot give what the sandbox asks */
        DIAG_CODE_PATH_MISSING,          /* a sandbox path that does not exist */
        DIAG_CODE_MOUNT_PLAN,            /* the sandbox cannot be turned into mounts */
        DIAG_CODE_POLICY_BYPASS,         /* the seccomp policy can be evaded (io_uring, ABIs) */
        DIAG_CODE_POLICY_PARTIAL,        /* only part of a directive is enforced */
        DIAG_CODE_POLICY_NO_EFFECT,      /* an allow list that nearly no program can run with */
        DIAG_CODE_FILTER_COMPILE,        /* the seccomp filter could not be compiled */
        DIAG_CODE_EXEC_GATE,             /* a setting that weakens or defeats the exec gate */
        DIAG_CODE_EXEC_PREFIX,           /* what an Exec*= privilege prefix does (a note) */
        _DIAG_CODE_MAX,
} DiagCode;

const char *diag_code_to_string(DiagCode c);
int diag_code_from_string(const char *s);

typedef struct Diag {
        DiagLevel level;
        DiagCode code;
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

/* Appends a diagnostic with CODE. Returns 0, or -ENOMEM. Counts are kept even when the list
 * is full. */
int diag_add_code(DiagList *l, DiagCode code, DiagLevel level, const char *file, unsigned line,
                  const char *key, const char *fmt, ...) _printf_(7, 8);
/* The same with DIAG_CODE_GENERIC. */
int diag_add(DiagList *l, DiagLevel level, const char *file, unsigned line, const char *key,
             const char *fmt, ...) _printf_(6, 7);
void diag_list_done(DiagList *l);
static inline size_t diag_list_count(const DiagList *l, DiagLevel level) {
        return l->counts[level];
}
/* Prints "FILE:LINE: KEY: level: message\n". */
void diag_print(const Diag *d, FILE *f);
