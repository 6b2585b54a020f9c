/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Exporting a unit's policy IR as an OCI seccomp profile (the runtime-spec's linux.seccomp
 * object, as runc, crun and podman read it) with the same decisions, as far as one libseccomp
 * filter can say them: libseccomp keeps one decision per syscall, and a conditional rule falls
 * through to the default action. A syscall with argument checks is therefore written in its
 * allowed form (entries that allow exactly the calls no deny rule matches) when the default
 * denies, and in its deny form (entries that match the denied calls) when the default allows.
 * What cannot be carried (the exec gate, the ABI-specific rules, an argument-dependent action
 * that differs from the default, the launch steps of MemoryDenyWriteExecute=) goes to NOTES.
 */
#pragma once

#include "oci-profile.h"
#include "policy.h"

/* P must be sorted. *RET_JSON is the profile, pretty-printed, ending in a newline. -E2BIG when
 * a syscall's allowed form exceeds OCI_DNF_TERMS_MAX entries; -ENOMEM. */
int oci_export(const Policy *p, char **ret_json, OciNotes *notes);
