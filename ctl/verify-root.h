/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl verify --root DIR: the units search path of another tree (an image, a
 * configuration-management checkout), read as that tree would see it. Every path is resolved
 * with DIR as its root (openat2 RESOLVE_IN_ROOT, or the same walked one component at a time
 * where openat2 is missing): an absolute symlink or a ".." means DIR's own root, never this
 * host's. What the unit loader needs (unit files, NAME.d/ *.conf) is
 * copied once into a private temporary directory, which is what lib/ then reads; paths in
 * diagnostics are mapped back to DIR/... before they are shown.
 */
#pragma once

#include <stddef.h>

#include "diag.h"
#include "unit-file.h"

/* Named limits: entries (unit files, drop-in directories and their files) copied from the
 * tree, and the bytes read per file (one more than the loader accepts, so that it still
 * reports "File too big"). */
#define VERIFY_ROOT_ENTRIES_MAX 8192u
#define VERIFY_ROOT_FILE_MAX (UNIT_FILE_SIZE_MAX + 1u)

typedef struct VerifyRoot {
        char *root;     /* DIR as given, without trailing slashes ("/" stays "/") */
        int root_fd;
        char *stage;    /* the temporary directory */
        char **dirs;    /* the search path, inside DIR */
        char **staged;  /* STAGE/0, STAGE/1, ...: one per dirs[] entry */
        size_t n_entries;
} VerifyRoot;

VerifyRoot *verify_root_free(VerifyRoot *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(VerifyRoot *, verify_root_free);

/* Opens ROOT and copies what SEARCH_PATH (directories inside ROOT) holds for the loader.
 * Problems with single entries become diagnostics in DIAGS (the entry is then left out);
 * -errno when ROOT cannot be used at all. */
int verify_root_open(const char *root, char * const *search_path, DiagList *diags,
                     VerifyRoot **ret);

/* Rewrites every STAGE/N prefix in *S as DIR/dirs[N]. -ENOMEM, else 0. */
int verify_root_unstage(const VerifyRoot *r, char **s);

/* Whether PATH exists inside the tree (sandbox-check's path_exists, with the VerifyRoot as
 * userdata): 1 yes, 0 no, -errno when it cannot be told. */
int verify_root_path_exists(const char *path, void *userdata);

/* Opens PATH inside the tree, read-only. -errno on failure. */
int verify_root_open_file(const VerifyRoot *r, const char *path);
