/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCI seccomp profiles (the runtime-spec's linux.seccomp object, and the Docker/moby profile
 * file that extends it with includes/excludes and archMap): the names both directions of the
 * conversion share, and the "not carried" notes they return. The conversions themselves are in
 * oci-profile-import.h (profile -> unit drop-in) and oci-profile-export.h (policy -> profile).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

/* Bounds a hostile profile cannot exceed. */
#define OCI_PROFILE_SIZE_MAX (8u << 20) /* bytes of JSON */
#define OCI_ENTRIES_MAX 16384u          /* syscalls[] entries */
#define OCI_NAMES_MAX 65536u            /* names over all entries */
#define OCI_ARGS_MAX 64u                /* args[] of one entry */
#define OCI_LIST_MAX 256u               /* architectures, flags, caps, archMap entries */
#define OCI_NOTES_MAX 1024u             /* "not carried" lines kept; more are counted */

/* The SCMP_ACT_* names of the runtime-spec. */
typedef enum OciAction {
        OCI_ACTION_KILL, /* libseccomp's SCMP_ACT_KILL is KILL_THREAD */
        OCI_ACTION_KILL_PROCESS,
        OCI_ACTION_KILL_THREAD,
        OCI_ACTION_TRAP,
        OCI_ACTION_ERRNO,
        OCI_ACTION_TRACE,
        OCI_ACTION_ALLOW,
        OCI_ACTION_LOG,
        OCI_ACTION_NOTIFY,
        _OCI_ACTION_MAX,
        _OCI_ACTION_INVALID = -1,
} OciAction;

const char *oci_action_to_string(OciAction a);
OciAction oci_action_from_string(const char *s);

/* "SCMP_CMP_EQ", ... <-> PolicyCmp; -1 for an unknown name. */
const char *oci_cmp_to_string(PolicyCmp c);
int oci_cmp_from_string(const char *s);

/* "SCMP_ARCH_X86_64" <-> SCMP_ARCH_X86_64. The parser also takes libseccomp's names
 * ("x86_64"), systemd's ("x86-64") and Go's ("amd64", "386", "arm64"), which moby's
 * includes/excludes use. 0 for an unknown name; NULL for an unknown value. */
uint32_t oci_arch_from_string(const char *s);
const char *oci_arch_to_string(uint32_t arch);

/* What could not be carried across, one line each, in the order found. */
typedef struct OciNotes {
        char **lines; /* NULL-terminated */
        size_t n, n_dropped;
} OciNotes;

void oci_notes_done(OciNotes *n);
/* Adds a line unless an equal one is there. -ENOMEM. */
int oci_notes_add(OciNotes *n, const char *fmt, ...) _printf_(2, 3);
