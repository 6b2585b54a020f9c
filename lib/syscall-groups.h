/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named syscall groups (@system-service, @mount, ...), with systemd's names and meaning. The
 * table is data: each group lists syscall names and nested "@group" names. Members that the
 * running libseccomp does not know are kept in the table and skipped when resolved.
 */
#pragma once

#include <stddef.h>

typedef struct SyscallGroup {
        const char *name;             /* with the leading '@' */
        const char *help;             /* one line, our own words */
        const char *const *members;   /* NULL-terminated; "@x" names a nested group */
} SyscallGroup;

extern const SyscallGroup syscall_groups[];
extern const size_t syscall_groups_count;

/* NAME with the leading '@'. NULL if there is no such group. */
const SyscallGroup *syscall_group_find(const char *name);

/* Calls CB for every syscall name in G, nested groups expanded recursively. A name may be
 * reported more than once when groups overlap. Stops and returns the first negative value CB
 * returns; 0 otherwise. */
int syscall_group_foreach(const SyscallGroup *g, int (*cb)(const char *syscall, void *userdata),
                          void *userdata);
