/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A classic-BPF interpreter for seccomp programs, and a disassembler. Tests use it to check the
 * compiled program against expectations without loading it; `syscagectl analyze policy` uses it
 * to show what the real program does, not what we think it does.
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>

/* The kernel's limit on one program (BPF_MAXINSNS). */
#define BPF_EVAL_INSNS_MAX 4096

/* Runs PROG on D as the kernel's seccomp would and stores the 32-bit SECCOMP_RET_* value.
 * Returns -EINVAL for a program the kernel would refuse (bad opcode, jump out of range, load
 * outside seccomp_data, no return at the end, too long or empty). */
int bpf_eval(const struct sock_fprog *prog, const struct seccomp_data *d, uint32_t *ret);

/* Runs a stack of programs, given in the order they were loaded, and combines their results as
 * the kernel does: the most restrictive action wins; between equal actions the newest
 * program's (its errno, for example) wins. */
int bpf_eval_stack(const struct sock_fprog *progs, size_t n, const struct seccomp_data *d,
                   uint32_t *ret);

/* Orders SECCOMP_RET_* values by severity: negative if A is less restrictive than B. */
int bpf_ret_compare(uint32_t a, uint32_t b);

/* "KILL_PROCESS", "ERRNO(1)", "ALLOW", ... into BUF (at least 32 bytes). */
const char *bpf_ret_to_string(uint32_t r, char *buf, size_t size);

/* One instruction a line: "  12: jeq #0x3f jt 13 jf 14". -EIO if writing failed. */
int bpf_disassemble(const struct sock_fprog *prog, FILE *f);
