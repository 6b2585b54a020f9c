/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named syscall groups (@system-service, @mount, ...), with systemd's names and meaning. The
 * table is data: each group lists syscall names and nested "@group" names. Members that the
 * running libseccomp does not know are kept in the table and skipped when resolved.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* How deep nested groups may go before the expansion gives up with -ELOOP. The table itself nests
 * one level deep (@system-service -> @default, ...); the limit only stops a cycle. */
#define SYSCALL_GROUP_DEPTH_MAX 8

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
 * returns; 0 otherwise. A nested name that is not a group is a table bug and gives -EINVAL,
 * nesting deeper than SYSCALL_GROUP_DEPTH_MAX (a cycle) gives -ELOOP; CB may have been called
 * for some names before either is noticed. */
int syscall_group_foreach(const SyscallGroup *g, int (*cb)(const char *syscall, void *userdata),
                          void *userdata);

/* The same, looking nested groups up in TABLE (N_TABLE entries) instead of syscall_groups[]: for
 * checking a table before it is used, and for tests. */
int syscall_group_foreach_in(const SyscallGroup *table, size_t n_table, const SyscallGroup *g,
                             int (*cb)(const char *syscall, void *userdata), void *userdata);

/* Prints G the way `systemd-analyze syscall-filter` does: the name, "    # help", then one
 * member a line indented by four spaces, nested groups first and not expanded. No blank line
 * follows, so a caller printing several groups puts "\n" between them. With G == NULL prints
 * every group in table order, separated by blank lines. -EIO if writing to F failed. */
int syscall_group_dump(FILE *f, const SyscallGroup *g);
