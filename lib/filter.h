/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compiling the policy IR to seccomp BPF with libseccomp. The result is raw programs in
 * memory, ready to be loaded with seccomp(2) in a forked child without calling libseccomp
 * there (it allocates; a child must not). See filter.c for how one policy becomes more than
 * one program.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arch-util.h"
#include "policy.h"

/* Conditional programs (one per ABI) plus the unconditional one. */
#define FILTER_PROGRAMS_MAX (ARCH_SET_MAX + 1)

typedef struct FilterSet {
        /* In load order: the child loads progs[0] first. The kernel runs the newest first and
         * the most restrictive action wins, so the order only matters between equal actions
         * (the newer errno wins) and for a policy that denies seccomp() itself. */
        struct sock_fprog progs[FILTER_PROGRAMS_MAX];
        size_t n;
} FilterSet;

FilterSet *filter_set_free(FilterSet *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(FilterSet *, filter_set_free);

/* Compiles P, into one program when the stack below can be joined (see filter.c), else into
 * the stack. -ENOMEM, -EINVAL (a rule libseccomp refuses), or another libseccomp error. */
int filter_compile(const Policy *p, FilterSet **ret);
/* The stack libseccomp compiles P into, before it is joined into one program: what
 * filter_compile() must be equivalent to. */
int filter_compile_stack(const Policy *p, FilterSet **ret);

/* The exec-gate pair: RET_NOTIFY (one program: execve/execveat -> USER_NOTIF, everything else
 * allowed, P's ABIs only) and RET_POLICY (P with execve/execveat allowed and seccomp()
 * refused for SECCOMP_FILTER_FLAG_NEW_LISTENER; see policy_derive_gate()). The child loads
 * RET_NOTIFY first, with SECCOMP_FILTER_FLAG_NEW_LISTENER, then RET_POLICY. */
int filter_compile_gate(const Policy *p, FilterSet **ret_notify, FilterSet **ret_policy);
/* The same, with the launch key compiled into RET_POLICY: when the gate's action is kill, the
 * kernel kills every execve whose args 3..5 are not KEY, and every execveat (see
 * policy_derive_gate()). filter_compile_gate() is this with KEY NULL: the gate alone decides,
 * which is what `analyze` and `verify` show. */
int filter_compile_gate_keyed(const Policy *p, const PolicyExecKey *key, FilterSet **ret_notify,
                              FilterSet **ret_policy);

/* What the notify filter of a launch with a main phase (lib/policy-phase.h) sends to the
 * daemon: execve/execveat when EXEC (the policy denies them); the phase marker getpid() with
 * MARKER_ARGS in args 0 and 1 when MARKER (after-loader); and each of CALLS (native numbers;
 * after-ready), sendmsg except when it carries KEY in its args 3..5. */
typedef struct FilterPhaseRoutes {
        bool exec;
        bool marker;
        uint64_t marker_args[2];
        const int *calls;
        size_t n_calls;
        uint64_t key[3];
} FilterPhaseRoutes;

/* One program: ROUTES -> USER_NOTIF, everything else allowed, P's ABIs only (P NULL: the
 * native ABI). Loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER in place of the gate's. */
int filter_compile_phase_notify(const Policy *p, const FilterPhaseRoutes *routes, FilterSet **ret);

/* libseccomp's pseudo-code for each program, for `analyze policy --pfc`. Note that it omits
 * the x32 range check libseccomp really emits; read the BPF when auditing. */
int filter_dump_pfc(const Policy *p, FILE *f);
