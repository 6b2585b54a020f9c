/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * [X-Syscage] PolicyMode=complain: the unit's whole policy runs log-only. Every refusal the
 * policy makes (an errno or a kill, unconditional or on arguments, the default of an allow
 * list) becomes SECCOMP_RET_LOG, so the call runs and the kernel writes an audit record for
 * it; the exec gate lets every later execve through and reports it as a would-be denial.
 *
 * What stays enforced: the ABI check (a call from an ABI the filter does not cover still kills
 * the process: that is the filter's integrity, not the unit's policy; name the ABI in
 * SystemCallArchitectures= to trial it), and the rules the launch adds to protect the
 * supervisor (set*uid to its guard uid). The sandbox (namespaces, mounts, capabilities) is not
 * part of the seccomp policy and is applied as usual.
 */
#pragma once

#include <stdbool.h>

#include "policy.h"

typedef enum PolicyMode {
        POLICY_MODE_ENFORCE,
        POLICY_MODE_COMPLAIN,
        _POLICY_MODE_MAX,
        _POLICY_MODE_INVALID = -1,
} PolicyMode;

const char *policy_mode_to_string(PolicyMode m);
/* The mode, or -EINVAL. */
int policy_mode_from_string(const char *s);

/* The action complain mode puts in place of A: LOG for an errno or a kill, A otherwise. */
PolicyAction policy_complain_action(PolicyAction a);

/* Turns P, a policy being built (not shared), into its complain variant in place: every
 * refusal becomes LOG, rules that then equal the default are dropped, and P->complain is set.
 * Unconditional refusals of execve and execveat are kept, and so is the deny action: they keep
 * the exec gate on and say what it would have done; the gate itself lets the calls run
 * (EXEC_GATE_REPORT) and policy_derive_gate() adds no kernel-side kill for them. */
int policy_complain(Policy *p);

/* Whether the kernel logs SECCOMP_RET_LOG, from the text of
 * /proc/sys/kernel/seccomp/actions_logged (a space-separated list of action names). */
bool policy_complain_actions_logged(const char *text);
