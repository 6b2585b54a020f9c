/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * System call ABIs by their SystemCallArchitectures= names ("x86-64", "x32", "native", ...),
 * mapped to libseccomp's SCMP_ARCH_* tokens. Those tokens are the kernel's AUDIT_ARCH_* values,
 * which is also what seccomp_data.arch carries, except that x32 shares AUDIT_ARCH_X86_64 with
 * x86-64 and is told apart by the __X32_SYSCALL_BIT in the syscall number.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bound on ABIs a filter can cover (the local ABIs of any one machine are at most 3). */
#define ARCH_SET_MAX 8

/* "x86-64" -> SCMP_ARCH_X86_64; "native" -> the native ABI. 0 for an unknown name. A name we
 * know but this libseccomp cannot filter (e.g. "loongarch64" with libseccomp 2.5) also gives 0;
 * see arch_name_is_known(). */
uint32_t arch_from_name(const char *name);
bool arch_name_is_known(const char *name);

/* SCMP_ARCH_X86_64 -> "x86-64". NULL if unknown. */
const char *arch_to_name(uint32_t arch);

/* The ABI this program was built for (what "native" means). */
uint32_t arch_native(void);

/* Whether ARCH is an ABI the native kernel can run (x86, x32 and x86-64 on x86-64, ...).
 * Filters only cover local ABIs; naming another has no effect. */
bool arch_is_local(uint32_t arch);

/* The AUDIT_ARCH_* value the kernel reports in seccomp_data.arch for ARCH. */
uint32_t arch_to_audit(uint32_t arch);
