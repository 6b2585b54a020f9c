/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Phases: a tighter policy once start-up is over ([X-Syscage] MainSystemCallFilter=,
 * MainSystemCallErrorNumber=, MainPhaseStarts=). The main-phase policy is built from the
 * Main* keys by the same builder as the start-up one (SystemCallFilter= syntax and merge
 * rules; the unit's SystemCallArchitectures= applies to both) and is stacked on top of the
 * start-up filter, so the effective policy is their intersection.
 *
 *  - after-loader: the main filter is loaded in the service's own process, by syscage's
 *    preloaded object, after the dynamic loader and libc start-up and before main();
 *  - after-ready: calls the start-up policy allows and the main one does not are routed to
 *    syscaged (USER_NOTIF) and continued until the service sends READY=1, then refused with
 *    the main policy's action. The decision reads the syscall number only.
 *
 * Pure: this module builds and checks; the daemon enforces (daemon/exec/exec-phase.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "macro.h"
#include "policy.h"
#include "unit-file.h"

typedef enum PhaseStart {
        PHASE_START_NONE,         /* no main phase */
        PHASE_START_AFTER_LOADER, /* before main(), by the preloaded object */
        PHASE_START_AFTER_READY,  /* at READY=1 of a Type=notify service */
        _PHASE_START_MAX,
        _PHASE_START_INVALID = -1,
} PhaseStart;

const char *phase_start_to_string(PhaseStart s);
PhaseStart phase_start_from_string(const char *s);

/* One call the start-up policy allows and the main one refuses (after-ready routes these). */
typedef struct PolicyPhaseCall {
        int nr;              /* native syscall number */
        PolicyAction action; /* the main policy's action: ERRNO or KILL */
} PolicyPhaseCall;

/* Native syscall numbers looked at; x86-64 ends near 470. */
#define POLICY_PHASE_NR_MAX 1024
/* How many names a "wider than start-up" warning lists. */
#define POLICY_PHASE_WARN_NAMES 8

typedef struct PolicyPhase {
        PhaseStart start;
        char *file;    /* where MainPhaseStarts= was set, for located errors later */
        unsigned line;
        Policy *main;  /* sorted; never NULL in a built phase */
        PolicyPhaseCall *startup_only; /* sorted by nr; computed for after-ready only */
        size_t n_startup_only;
} PolicyPhase;

PolicyPhase *policy_phase_free(PolicyPhase *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(PolicyPhase *, policy_phase_free);

/* Whether KEY is one of the [X-Syscage] phase keys. */
bool policy_phase_is_key(const char *key);

/* Builds U's main phase. STARTUP is U's start-up policy (for the warning about a main filter
 * wider than it, and for after-ready's routed calls); NULL skips both. *RET is NULL when U
 * has no phase keys. Errors (located, in DIAGS) give -EINVAL: an unknown MainPhaseStarts=
 * value, Main* keys without MainPhaseStarts=, after-ready on a unit that is not Type=notify,
 * a bad main filter. */
int policy_phase_build(const UnitFile *u, const Policy *startup, DiagList *diags, PolicyPhase **ret);

/* Reads the start of an executable: 1 when it is an ELF file with an interpreter (PT_INTERP:
 * dynamically linked, the preload works), 0 when it is ELF without one (static), -ENOEXEC when
 * it is not ELF (a script: its interpreter decides), -ENOBUFS with *RET_NEED when more bytes
 * are needed, -EBADMSG for malformed headers. */
int policy_phase_elf_dynamic(const void *buf, size_t size, size_t *ret_need);

/* Bytes of an executable read for policy_phase_check_executable(). */
#define POLICY_PHASE_ELF_READ_MAX (64u * 1024u)

/* after-loader on PATH (absolute): a static executable ignores the preloaded object, so it is
 * an error located at MainPhaseStarts=, and -EINVAL. A file that cannot be read or is not ELF
 * (a script) passes here; the launch checks again, and the daemon kills a service whose
 * marker never comes. 0 for other phases. */
int policy_phase_check_executable(const PolicyPhase *p, const char *path, DiagList *diags);

/* For `verify`: builds U's phase (diagnostics into DIAGS) and checks EXEC_PATH (may be NULL).
 * Returns -EINVAL when there were errors. */
int policy_phase_verify(const UnitFile *u, const Policy *startup, const char *exec_path,
                        DiagList *diags);

/* Prints the main phase for `analyze policy`: when it starts and the main policy (only
 * ONLY_SYSCALL's line when not NULL). Nothing for P NULL. */
int policy_phase_dump(const PolicyPhase *p, const char *only_syscall, FILE *f);
/* The same from U (built with STARTUP; diagnostics dropped: `verify` shows them). */
int policy_phase_print(const UnitFile *u, const Policy *startup, const char *only_syscall, FILE *f);
