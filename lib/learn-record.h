/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What learn mode saw a service do, and the drop-in that follows from it. The daemon fills a
 * LearnRecord from the seccomp notifications of a service in learn mode (one per system call
 * made after the launch execve, by any thread or descendant, on any ABI) and hands it to the
 * client in its text form; the client merges records and renders the drop-in.
 *
 * The record is exact: a name is in it only if a call of that name was made. Nothing is
 * implied (an allow list under syscage adds nothing by itself, so exit_group and friends are
 * in it because they were seen). The arguments that decide other directives are summarised:
 * socket families, namespace flags, W+X mappings, personality changes, the ABIs seen.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "string-set.h"

/* Bounds on what a record holds and on its text form (it travels over the bus). */
#define LEARN_SYSCALLS_MAX 2048U
#define LEARN_ABIS_MAX 8U
#define LEARN_TEXT_MAX (128U * 1024U)

typedef enum LearnPhase {
        LEARN_PHASE_NONE,         /* no switch point seen: one phase */
        LEARN_PHASE_AFTER_LOADER, /* the preloaded object's marker call */
        LEARN_PHASE_AFTER_READY,  /* READY=1 of a Type=notify service */
        _LEARN_PHASE_MAX,
        _LEARN_PHASE_INVALID = -1,
} LearnPhase;

typedef struct LearnRecord {
        StringSet syscalls;        /* every call made after the launch (both phases) */
        StringSet main;            /* the calls made after the switch point */
        LearnPhase phase;
        uint64_t families;         /* socket()/socketpair() domains seen, a bit per AF_* */
        bool families_unknown;     /* socketcall() seen: the domain is in memory, not read */
        unsigned long namespaces;  /* CLONE_NEW* flags of clone/unshare/setns seen */
        bool namespaces_unknown;   /* clone3() (flags in memory) or setns(fd, 0) seen */
        bool write_execute;        /* a W+X mapping, PROT_EXEC by mprotect, or SHM_EXEC seen */
        bool personality_changed;  /* personality() with anything but a query or PER_LINUX */
        StringSet abis;            /* SystemCallArchitectures= names of the ABIs seen */
} LearnRecord;

void learn_record_done(LearnRecord *r);

/* One call, by name. MAIN_PHASE: made after the switch point (it goes in both lists).
 * ARGS are the call's six argument registers, for the directives above. -E2BIG past
 * LEARN_SYSCALLS_MAX names. */
int learn_record_add(LearnRecord *r, const char *name, bool main_phase, const uint64_t args[6]);
int learn_record_add_abi(LearnRecord *r, const char *abi);

/* The wire form: one "KEY[ VALUE]" a line. from_text refuses unknown keys (-EBADMSG). */
int learn_record_to_text(const LearnRecord *r, char **ret);
int learn_record_from_text(const char *text, LearnRecord *ret);

/* Union of two runs: calls, families, namespaces, ABIs are added; W+X and personality changes
 * count if either run saw them; the main phase is kept only if both runs have the same. */
int learn_record_merge(LearnRecord *into, const LearnRecord *from);

const char *learn_phase_to_string(LearnPhase p);
int learn_phase_from_string(const char *s);
