/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What this host allows, for sandbox_check(): which namespaces we can create, learnt by
 * trying (the one piece of lib/ that runs a process), and whether a path exists. The daemon
 * and `syscagectl verify` ask the kernel the same way, so they judge a unit alike.
 */
#pragma once

#include <stdbool.h>

#include "sandbox-check.h"

/* Fills RET: for each namespace kind, a child calls unshare() and _exit()s with the errno (0:
 * it worked); the child does nothing else, so it neither allocates nor takes a lock. The
 * caller must not have a reaper that collects children it did not start.
 * ASSUME_PRIVILEGED: an EPERM while we are not root counts as available (verify answers for
 * the root daemon, whose privilege it lacks; the kernel's support is all it can learn). */
void sandbox_host_probe(bool assume_privileged, SandboxHostFacts *ret);

/* For a supervisor without CAP_SYS_ADMIN (EPERM for each kind, but user namespaces work):
 * whether every kind works together with CLONE_NEWUSER, as a launch that enters a user
 * namespace first creates them. Fills RET as sandbox_host_probe() does, with via_user_ns. */
void sandbox_host_probe_user_ns(SandboxHostFacts *ret);

/* The SandboxPathExistsFn of the daemon and verify: stat(2) of PATH on this host. */
int sandbox_path_exists(const char *path, void *userdata);
