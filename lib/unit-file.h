/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit files as read from disk: the only user of inih. A UnitFile is the ordered list of
 * assignments from the fragment and then its drop-ins (in file-name order), after line
 * continuation and specifier expansion, each remembering the file and line it came from.
 * Giving meaning to the keys is the job of unit-config.c (typed model) and policy.c (seccomp).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "macro.h"

/* Named limits (STYLE.md #10). Exceeding one is a located error, never a crash. */
#define UNIT_FILE_SIZE_MAX (1024u * 1024u)   /* bytes per file */
#define UNIT_LINE_MAX (64u * 1024u)          /* bytes per logical line, continuations joined */
#define UNIT_ASSIGNMENTS_MAX 8192u           /* per unit, fragment plus drop-ins */
#define UNIT_DROPINS_MAX 256u                /* drop-in files per unit */
#define UNIT_NAME_MAX 255u                   /* as systemd's UNIT_NAME_MAX */

typedef struct UnitAssignment {
        char *section; /* "Unit", "Service", "Install", ... */
        char *key;
        char *value;   /* whitespace-trimmed, specifiers expanded; "" for an empty assignment */
        char *file;    /* file it came from; "(command line)" for transient properties */
        unsigned line;
} UnitAssignment;

typedef struct UnitFile {
        char *name;     /* "foo.service", "foo@bar.service" */
        char *fragment; /* main file (for an instance: the file found, maybe foo@.service) */
        char **dropins; /* applied drop-in paths, in order */
        char **aliases; /* its other names (alias symlinks, unit-dropin.h), sorted; may be NULL */
        UnitAssignment *assignments;
        size_t n_assignments, allocated_assignments;
} UnitFile;

UnitFile *unit_file_free(UnitFile *u);
DEFINE_TRIVIAL_CLEANUP_FUNC(UnitFile *, unit_file_free);

/* Search path, highest priority first: /etc/syscage/units, /run/syscage/units,
 * /usr/lib/syscage/units. */
char **unit_search_path_default(void);

/* Loads the unit NAME from the search path (templates and drop-ins included).
 * -ENOENT when no fragment exists, -EINVAL on a bad name, -EBADMSG when the file had errors
 * (the UnitFile is still returned with what could be read, diagnostics say why).
 * -ERFKILL when the unit is masked (fragment empty or a symlink to /dev/null; no UnitFile,
 * an error diagnostic "unit is masked"). Another -errno when the fragment exists but
 * cannot be opened (no UnitFile; the diagnostic names the file and the reason).
 * SEARCH_PATH NULL means unit_search_path_default(); an empty vector means none.
 * Drop-ins: every DIR/NAME.d/ *.conf (and DIR/TEMPLATE.d/ *.conf for an instance) along the
 * search path; a file name in a higher-priority directory (and, within one directory, in
 * the instance's) hides the same name elsewhere, a /dev/null symlink hides without being
 * applied, and all are applied in lexicographic file-name order, as systemd.unit(5) says.
 * Diagnostics always carry file, line (0 when no line applies) and key ("[Section]" for
 * section headers, NULL when the line has no key). Specifiers are expanded in every value.
 * Uses inih, whose options are process-wide: not thread-safe. */
int unit_file_load(const char *name, char * const *search_path, DiagList *diags,
                   UnitFile **ret);

/* Loads the file at PATH (its file name must be a valid unit name: it is the unit's name);
 * its drop-ins are looked up next to it first and then in SEARCH_PATH. Return codes as for
 * unit_file_load(). */
int unit_file_load_path(const char *path, char * const *search_path, DiagList *diags,
                        UnitFile **ret);
/* The same, but the unit is called NAME whatever the file is called (a file about to be
 * installed under that name, e.g. a configuration tool's temporary copy); its drop-ins are
 * those of NAME. NAME NULL: as unit_file_load_path(). */
int unit_file_load_path_as(const char *path, const char *name, char * const *search_path,
                           DiagList *diags, UnitFile **ret);

/* Parses TEXT as the content of a unit called NAME, diagnostics naming FILENAME. For tests,
 * fuzzing, and transient units. */
int unit_file_load_string(const char *name, const char *filename, const char *text,
                          DiagList *diags, UnitFile **ret);
/* The same for SIZE bytes at DATA, which may contain NUL bytes (reported as errors). */
int unit_file_load_buffer(const char *name, const char *filename, const char *data,
                          size_t size, DiagList *diags, UnitFile **ret);

/* Appends one assignment (used for transient units: "-p KEY=VALUE" becomes one line).
 * No specifier expansion here. FILE NULL records "(command line)". -E2BIG beyond
 * UNIT_ASSIGNMENTS_MAX, -EINVAL for a NULL section, key or value. */
int unit_file_add(UnitFile *u, const char *section, const char *key, const char *value,
                  const char *file, unsigned line);
