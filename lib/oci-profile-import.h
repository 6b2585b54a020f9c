/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Importing an OCI seccomp profile (runtime-spec linux.seccomp, or a Docker/moby profile file)
 * as a unit drop-in with the same meaning: a [Service] part (SystemCallFilter=,
 * SystemCallErrorNumber=, SystemCallArchitectures=, SystemCallLog=) and an [X-Syscage] part
 * (SystemCallArgumentFilter=). What the unit language cannot say is listed in the notes, one
 * line each; the drop-in then errs on the side of denying.
 *
 * The profile is read as runc reads it: syscalls[] entries with an unknown name are skipped;
 * an entry's args are ANDed, except that when two of them test the same argument index runc
 * adds each as a rule of its own, so all of that entry's args are ORed; an ERRNO without
 * errnoRet uses defaultErrnoRet, else EPERM. Moby's includes/excludes are decided as moby
 * decides them, for the capabilities and the native architecture given in the options
 * (minKernel is assumed to be met: the kernel that will run the unit is not known). A whole
 * config.json is taken too: its linux.seccomp object is imported.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "oci-profile.h"

typedef struct OciImportOptions {
        char **caps;            /* "CAP_SYS_ADMIN", ...: for includes/excludes.caps */
        const uint32_t *arches; /* arches[0] is the native ABI; none: this program's */
        size_t n_arches;
} OciImportOptions;

/* Converts the profile JSON in DATA[0..SIZE) into drop-in text (*RET_DROPIN) and adds what
 * was not carried to NOTES. -EINVAL with a message in *RET_ERROR for what is not a profile
 * (bad JSON, wrong types, unknown action or operator, index out of range); -E2BIG past the
 * OCI_*_MAX limits; -ENOMEM. */
int oci_import(const char *data, size_t size, const OciImportOptions *o, char **ret_dropin,
               OciNotes *notes, char **ret_error);
