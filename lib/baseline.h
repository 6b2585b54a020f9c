/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The node baseline: one policy file for the whole host, which syscaged loads into every
 * service as a filter of its own, beneath the unit's. A unit cannot loosen it: seccomp
 * filters stack, and the kernel takes the most restrictive answer of all of them.
 *
 * The file has unit-file syntax and holds only policy directives: the [Service] keys
 * policy_is_directive() accepts (SystemCallFilter=, SystemCallErrorNumber=,
 * SystemCallArchitectures=, RestrictNamespaces=, ...; of the Protect*= and PrivateDevices=
 * directives only their seccomp part). Anything else is a located error.
 *
 * The service's launch makes a few calls after the baseline is in force (exec-child.c loads
 * it before the credential change for services that keep setuid programs working, and the
 * unit's own filters and the exec gate come after it): a baseline that restricts any of them
 * is refused, with the reason (baseline_launch_calls()).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "diag.h"
#include "macro.h"
#include "policy.h"

/* The default path; syscaged --baseline=FILE overrides it. */
#define BASELINE_PATH_DEFAULT SYSCAGE_SYSCONF_DIR "/baseline.conf"

/* "path (hash)" and the summary: bounded by the path, which is at most PATH_MAX. */
#define BASELINE_HASH_STRING_MAX 17u
#define BASELINE_SUMMARY_MAX 128u

typedef struct Baseline {
        char *path;        /* the file it was read from */
        Policy *policy;    /* frozen: sorted and packed, never changes again */
        uint64_t hash;     /* of the file's bytes (a content hash, not a secret) */
        size_t n_denied;   /* syscalls with an unconditional action other than allow/log */
        size_t n_allowed;  /* with an allow list: syscalls it allows */
} Baseline;

Baseline *baseline_free(Baseline *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(Baseline *, baseline_free);

/* Parses SIZE bytes at DATA as the baseline file PATH. -EBADMSG (with located errors in
 * DIAGS) when the file is not a valid baseline, -ENOMEM. */
int baseline_parse(const char *path, const char *data, size_t size, DiagList *diags, Baseline **ret);

/* Reads and parses PATH. -ENOENT when it does not exist (nothing added to DIAGS: the caller
 * decides whether that is an error); another -errno when it cannot be read (an error in
 * DIAGS); else as baseline_parse(). */
int baseline_load(const char *path, DiagList *diags, Baseline **ret);

/* The calls the launch makes after the baseline is in force, which it may not restrict
 * (NULL-terminated), and why, for documentation and errors. */
const char *const *baseline_launch_calls(void);

/* The hash as 16 hex digits (BUF holds BASELINE_HASH_STRING_MAX). */
const char *baseline_hash_format(uint64_t hash, char *buf);

/* A one-line summary: "deny list: 2 calls denied (errno EPERM)", "allow list: 312 calls
 * allowed (kill)", plus ABIs when restricted. */
const char *baseline_summary(const Baseline *b, char *buf, size_t size);
