/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directives that restrict particular system calls rather than choosing which calls
 * exist: RestrictAddressFamilies=, RestrictNamespaces=, and the booleans (LockPersonality=,
 * MemoryDenyWriteExecute=, RestrictRealtime=, RestrictSUIDSGID=, ProtectClock=,
 * ProtectKernelModules=, ProtectKernelLogs=, ProtectKernelTunables=, ProtectHostname=,
 * PrivateDevices=). Their state while parsing, and the IR rules they turn into: which syscall,
 * which argument test, which errno. The rules are tables; see policy-rules.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

typedef struct PolicyFlag {
        bool value;
        PolicyOrigin origin;
} PolicyFlag;

/* Address families are small numbers (AF_MAX is below 64 on Linux). */
#define POLICY_FAMILY_MAX 64

typedef struct PolicyRulesConfig {
        int families_mode; /* 0 unset, 1 allow list, 2 deny list */
        uint64_t families; /* bit per family */
        PolicyOrigin families_origin;

        bool namespaces_set;
        unsigned long namespaces_kept; /* CLONE_NEW* flags that remain allowed */
        PolicyOrigin namespaces_origin;

        PolicyFlag flags[_POLICY_DIRECTIVE_MAX]; /* indexed by the boolean directives */
} PolicyRulesConfig;

/* Splits VALUE at whitespace, no unquoting. -E2BIG past POLICY_WORDS_MAX words. */
int policy_rules_split_words(const char *value, char ***ret);

/* RestrictAddressFamilies=: handles reset (empty) and "none" itself and returns 0; otherwise
 * sets the mode if unset and returns 1 with the words to look up and apply. */
int policy_rules_parse_families(PolicyRulesConfig *c, const char *value, bool *ret_invert,
                                char ***ret_words, PolicyOrigin o);
/* "AF_INET" -> 2; -EINVAL if unknown (AF_UNSPEC is not accepted). */
int policy_rules_family_from_name(const char *name);
const char *policy_rules_family_to_name(int af);
void policy_rules_family_apply(PolicyRulesConfig *c, int af, bool invert);

/* RestrictNamespaces=. "cgroup" -> CLONE_NEWCGROUP, ...; 0 if unknown. */
unsigned long policy_rules_namespace_from_name(const char *name);
void policy_rules_namespaces_reset(PolicyRulesConfig *c, PolicyOrigin o);
void policy_rules_namespaces_set_bool(PolicyRulesConfig *c, bool restrict_all, PolicyOrigin o);
void policy_rules_namespaces_apply(PolicyRulesConfig *c, unsigned long flags, bool invert,
                                   PolicyOrigin o);

/* Calls CB for each unconditional restriction (a syscall or "@group" name and its action), in
 * the order systemd installs the corresponding filters. */
typedef int (*PolicyRulesCallback)(const char *name, PolicyAction a, PolicyOrigin o, void *ud);
int policy_rules_foreach_unconditional(const PolicyRulesConfig *c, PolicyRulesCallback cb,
                                       void *userdata);

/* Adds the argument-checking rules to P. Rules for syscalls unknown on all of P's ABIs are
 * skipped, and so are rules made redundant by an unconditional action at least as severe. */
int policy_rules_add_conditional(const PolicyRulesConfig *c, Policy *p);
