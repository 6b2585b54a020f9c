/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode's side of the launch: the filter that sends every system call of the service
 * to the daemon's listener, and the gate's answer to those calls (record, then CONTINUE).
 *
 * The learn filter is loaded by the child in place of the gate's notify filter (with an
 * allow-all policy filter behind it): every call on every ABI, x86-64, x32 and i386 alike,
 * and an unknown audit arch too, becomes a USER_NOTIF, except one: the child's own sendmsg()
 * that hands the listener over, recognised by the launch key in its unused argument
 * registers 3..5 (without that exception the child would wait for an answer from a listener
 * the daemon does not have yet). The child's remaining set-up calls (close, seccomp, the
 * launch execve) reach the gate before the launch and are continued without being recorded;
 * every notification after the launch execve, from any thread or descendant, is handed to
 * the callback and then continued. So the record starts with the service's first
 * instruction and holds none of the daemon's own calls.
 *
 * What the listener cannot see: calls that never enter the kernel (vDSO clock_gettime,
 * getcpu, the vsyscall page), io_uring submissions (only io_uring_setup/enter show), and
 * calls a service routes to a seccomp listener of its own.
 */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

#include "exec/exec-spawn.h"

/* Instructions in the learn filter. */
#define EXEC_LEARN_FILTER_LEN 12U

/* Writes the learn filter for KEY (the plan's exec_key, which the child passes to its
 * sendmsg()) into BUF and points RET at it. */
void exec_learn_filter(const uint64_t key[EXEC_KEY_WORDS], struct sock_filter buf[EXEC_LEARN_FILTER_LEN],
                       struct sock_fprog *ret);

/* The one-instruction allow-all program a learn launch loads as its policy. */
const struct sock_fprog *exec_learn_allow_all(void);

/* Called by the gate for every notification of a learn-mode process that is not the launch
 * execve: records it through p->learn_cb when the launch is done, then continues it.
 * Returns 0 or -errno. */
int exec_learn_answer(ExecProcess *p, const struct seccomp_notif *n);
