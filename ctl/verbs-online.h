/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The online verbs: each talks to syscaged over the control socket and returns
 * syscagectl's exit code (bus-client.h). argv[0] is the verb's own name.
 */
#pragma once

#include <stdio.h>

int verb_list(int argc, char **argv);
/* start, stop, restart, try-restart, reload, reload-or-restart, enable, disable */
int verb_unit_op(int argc, char **argv);
int verb_kill(int argc, char **argv);
int verb_reset_failed(int argc, char **argv);
/* is-active, is-failed, is-enabled */
int verb_is(int argc, char **argv);
int verb_is_system_running(int argc, char **argv);
int verb_daemon_reload(int argc, char **argv);
/* How long daemon-reexec waits for the new image: tries x interval. */
#define CTL_REEXEC_WAIT_TRIES 600u
#define CTL_REEXEC_WAIT_USEC (50u * 1000u)
int verb_daemon_reexec(int argc, char **argv);
int verb_cat(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_show(int argc, char **argv);
int verb_logs(int argc, char **argv);
int verb_run(int argc, char **argv);
/* Prints a "name:count,name:count" counter list as " name (count) name (count)" to F. */
void ctl_print_syscall_counts(FILE *f, const char *counts);
